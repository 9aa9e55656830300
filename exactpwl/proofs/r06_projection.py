"""R6. Exact interpolation of N distinct points of R^n by parallel hyperplanes (projection).

Statement (PAPER.md R6).  For distinct integer points x_1..x_N in [0, M)^n the direction
w = (1, M, ..., M^(n-1)) gives distinct projections w.x_i (base-M digits); R5 on the projections
gives a three-layer network whose hidden hyperplanes {w.x = t_j} are parallel and which
interpolates any targets exactly.

Check: for every point set and labelling of the family, the explicit w separates the
projections (exact), and the library's projection construction has parallel hidden hyperplanes
and fits every label exactly.
Mutant: base M - 1 suffices, w = (1, M - 1, ...) with M - 1 the largest coordinate (off by one);
a witness is two points with the same projection and different labels, which no network that
sees only w.x can tell apart.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from ..construct.interpolation import projection
from ..network import Network
from ..numbers import to_fraction
from . import Witness, collision_witness, value_witness

RESULT = "R6"
STATEMENT = "base-M projection separates; parallel hyperplanes fit"
FAMILY = "1..5-subsets of {0,1,2}^2 and {0,1}^3, binary labels"
QUICK = "1..2-subsets of {0,1,2}^2 and {0,1}^3, binary labels"
MUTANT = "base M - 1 (the largest coordinate) also separates"


def exhaustive(quick: bool) -> Iterator[tuple[int, tuple, tuple]]:
    """Every k-subset (k <= 5; quick: k <= 2) of {0,1,2}^2 (M = 3) and of {0,1}^3 (M = 2), with
    every binary labelling: sum_k C(9, k) 2^k + sum_k C(8, k) 2^k cases."""
    for M, n in ((3, 2), (2, 3)):
        grid = list(itertools.product(range(M), repeat=n))
        for k in range(1, (2 if quick else 5) + 1):
            for pts in itertools.combinations(grid, k):
                for labels in itertools.product((0, 1), repeat=k):
                    yield M, pts, labels


def check(case: tuple[int, tuple, tuple], mutant: bool = False) -> Witness | None:
    M, pts, labels = case
    n = len(pts[0])
    base = M - 1 if mutant else M
    w = [base**d for d in range(n)]
    proj = [sum(wi * xi for wi, xi in zip(w, p)) for p in pts]
    if mutant:
        seen: dict[int, int] = {}
        for i, p in enumerate(proj):
            j = seen.setdefault(p, i)
            if labels[j] != labels[i]:
                net = Network.from_layers([([w], [0])], activations=["linear"])
                claim = f"{RESULT}: {MUTANT}; w = {w}"
                return collision_witness(claim, net, pts[j], pts[i], (labels[j], labels[i]))
        return None
    claim = f"{RESULT}: {STATEMENT}; w = {w}"
    if len(set(proj)) != len(proj):
        raise AssertionError(f"{claim}: two projections coincide: {proj}")
    c = projection(
        {"format": "exactpwl.data", "version": 1, "points": [list(p) for p in pts], "values": list(labels)}
    )
    W = [[to_fraction(v) for v in row] for row in c.network.layers[0].weights.tolist()]
    if any(row != W[0] for row in W):
        raise AssertionError(f"{claim}: the hidden hyperplanes are not parallel: {W}")
    for p, y in zip(pts, labels):
        if c.network(list(p)) != [y]:
            return value_witness(claim, c.network, p, [y])
    return None
