"""R15. Overparameterization explained by affine transforms: exact solution families.

Statement (PAPER.md R15).  For a fixed hidden layer h (m features): (a) the output weights that
fit data exactly form {(v, c) : [H | 1] (v; c) = y}, an affine subspace of dimension
(m + 1) - rank [H | 1] when it is not empty; (c) a perturbation (dv, dc) changes no affine piece,
hence not the function, iff F_S^T dv = 0 and g_S^T dv + dc = 0 for every realized pattern S
(h = F_S x + g_S on the cell of S).

Check: for every layer of the family and seeded data on the corners of the unit square: the
library's exact family has dimension (m + 1) - rank [H | 1] (rank recomputed) and its random
members fit exactly, or the data is refused with a left null vector u (u^T [H | 1] = 0,
u^T y != 0, re-checked); a random member of the invariant family (c) is certified equal to the
original network on all of R^2.
Mutant: F_S^T dv = 0 on every pattern is enough (the constant condition g_S^T dv + dc = 0 dropped).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from fractions import Fraction

from ..affine_layer import layer_network
from ..construct import Refusal, read_data
from ..construct.overparam import invariant_family, output_family, with_output
from ..numbers import to_fraction
from ..ranks import nullspace, rank
from ..region_graph import regions
from ..verdict import certify
from . import Witness, value_witness
from .families import relu, units_2d

RESULT = "R15"
STATEMENT = "exact fits: dim (m+1) - rank [H|1]; invariant changes"
FAMILY = "layers of 2..3 units on R^2, w in {-1,0,1}^2, b in {0,1}"
QUICK = "layers of 2 units on R^2, w in {-1,0,1}^2, b in {0,1}"
MUTANT = "F_S^T dv = 0 on every pattern suffices (constant condition dropped)"

SQUARE = [(0, 0), (1, 0), (0, 1), (1, 1)]


def exhaustive(quick: bool) -> Iterator[tuple]:
    """Every layer of 2..3 units (quick: 2) from {-1,0,1}^2 \\ 0 with b in {0, 1}, as a multiset,
    with seeded output weights and data values: sum_k C(16 + k - 1, k) cases."""
    rng = random.Random(15)
    units = units_2d((0, 1))
    for k in range(2, (2 if quick else 3) + 1):
        for layer in itertools.combinations_with_replacement(units, k):
            v = tuple(Fraction(rng.randint(-3, 3), rng.randint(1, 2)) for _ in layer)
            y = tuple(Fraction(rng.randint(-3, 3)) for _ in SQUARE)
            yield (
                tuple(tuple(w) for w, _ in layer),
                tuple(b for _, b in layer),
                v,
                Fraction(rng.randint(-2, 2)),
                y,
            )


def check(case: tuple, mutant: bool = False) -> Witness | None:
    W, b, v, c, y = case
    prefix = layer_network([list(w) for w in W], list(b))
    original = with_output(prefix, [[vj] for vj in v] + [[c]])
    if mutant:
        return _mutant(prefix, original, v, c)
    claim = f"{RESULT}: {STATEMENT}"
    data = read_data(
        {"format": "exactpwl.data", "version": 1, "points": [list(p) for p in SQUARE], "values": list(y)}
    )
    A = [
        [relu(sum((Fraction(wi) * xi for wi, xi in zip(w, p)), Fraction(bj))) for w, bj in zip(W, b)]
        + [Fraction(1)]
        for p in SQUARE
    ]
    try:
        fc = output_family(prefix, data, members=2, seed=1)
    except Refusal as r:
        u, uy = r.witness
        if any(sum((ui * row[j] for ui, row in zip(u, A)), Fraction(0)) for j in range(len(A[0]))) or not any(
            uy
        ):
            raise AssertionError(f"{claim}: refused with a wrong left null vector {u}") from None
        return None
    if fc.family.dimension != len(W) + 1 - rank(A):
        raise AssertionError(
            f"{claim}: dimension {fc.family.dimension}, but (m + 1) - rank [H | 1] = {len(W) + 1 - rank(A)}"
        )
    for member in fc.members:
        for p, yi in zip(SQUARE, y):
            if member(list(p)) != [yi]:
                return value_witness(claim, member, p, [yi])
    inv = invariant_family(prefix, list(v), c, seed=2)
    ver = inv.certify()
    if not ver.holds:
        cx = ver.counterexample
        return value_witness(claim, inv.network, cx.x, cx.target, original.to_dict())
    return None


def _mutant(prefix, original, v, c) -> Witness | None:
    rows = []
    for r in regions(prefix):
        F, _ = prefix.affine_map(r.pattern)
        Fq = [[to_fraction(x) for x in row] for row in F.tolist()]
        rows += [[Fq[j][i] for j in range(len(Fq))] + [Fraction(0)] for i in range(len(Fq[0]))]
    for delta in nullspace(rows, len(v) + 1):
        member = with_output(prefix, [[vj + dj] for vj, dj in zip(v, delta)] + [[c + delta[-1]]])
        ver = certify(member, original)
        if not ver.holds:
            cx = ver.counterexample
            return value_witness(f"{RESULT}: {MUTANT}", member, cx.x, cx.target, original.to_dict())
    return None
