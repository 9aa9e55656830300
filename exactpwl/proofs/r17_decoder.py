"""R17. Decoders: from K distinct codes to arbitrary outputs, exactly.

Statement (PAPER.md R17).  (a) For K distinct codes z_k in Q^d and any outputs x_k in Q^D, a
three-layer decoder with K - 1 shared hidden units (R6 + R14) reproduces every x_k exactly.
(b) A deep decoder first expands the codes by a layer that keeps them distinguishable (R9, R12),
then decodes the image.  (c) On each cell of code space the decoder is affine with a D x d
Jacobian, so the decoded set is a piecewise-flat d-dimensional surface in R^D (rank <= d).

Check: (a) for every code set of the family with seeded random outputs in Q^5, the decoder has
K - 1 hidden units and reproduces every output exactly; (c) every region of the decoder over R^2
has a Jacobian of rank <= 2 (exact); (b) random code sets through the library's deep decoder,
exact reproduction.
Mutant: K - 2 shared hidden units (one fewer) reproduce any K outputs.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from fractions import Fraction

from ..construct.multi_output import decoder, deep_decoder
from ..numbers import to_fraction
from ..ranks import nullspace, rank
from ..region_graph import regions
from . import Witness, system_witness, value_witness
from .families import relu

RESULT = "R17"
STATEMENT = "K codes -> any outputs with K-1 units; cells rank <= d"
FAMILY = "codes: 2..5-subsets of {0,1,2}^2, outputs in Q^5"
QUICK = "codes: 2..3-subsets of {0,1,2}^2, outputs in Q^5"
MUTANT = "K - 2 shared units (one fewer) reproduce any K outputs"

GRID = list(itertools.product(range(3), repeat=2))
D = 5


def _outputs(rng: random.Random, K: int) -> tuple:
    return tuple(tuple(Fraction(rng.randint(-9, 9), rng.randint(1, 4)) for _ in range(D)) for _ in range(K))


def exhaustive(quick: bool) -> Iterator[tuple]:
    """Every K-subset of {0,1,2}^2, K = 2..5 (quick: 2..3), with seeded random outputs in Q^5:
    sum_K C(9, K) cases."""
    rng = random.Random(17)
    for K in range(2, (3 if quick else 5) + 1):
        for codes in itertools.combinations(GRID, K):
            yield ("shallow", codes, _outputs(rng, K))


def sampled(quick: bool) -> Iterator[tuple]:
    """Random 3..6 distinct codes in {-3..3}^2 with random outputs, through the deep decoder."""
    rng = random.Random(170)
    grid = list(itertools.product(range(-3, 4), repeat=2))
    for _ in range(3 if quick else 40):
        K = rng.randint(3, 6)
        yield ("deep", tuple(rng.sample(grid, K)), _outputs(rng, K))


def check(case: tuple, mutant: bool = False) -> Witness | None:
    kind, codes, outs = case
    if kind == "deep":
        if mutant:
            return None
        c = deep_decoder([list(z) for z in codes], [list(x) for x in outs])
        for z, x in zip(codes, outs):
            if c.network(list(z)) != list(x):
                return value_witness(f"{RESULT}: the deep decoder reproduces every output", c.network, z, x)
        return None
    K = len(codes)
    c = decoder([list(z) for z in codes], [list(x) for x in outs])
    L = c.network.layers[0]
    W = [[to_fraction(v) for v in row] for row in L.weights.tolist()]
    b = [to_fraction(L.biases[j, 0]) for j in range(L.units)]
    H = [[relu(sum((w * zi for w, zi in zip(row, z)), bj)) for row, bj in zip(W, b)] for z in codes]
    if mutant:
        A = [row[:-1] + [Fraction(1)] for row in H]  # one unit fewer: K - 2 units and a bias
        for u in nullspace([[A[i][j] for i in range(K)] for j in range(len(A[0]))], K):
            for d in range(D):
                y = [x[d] for x in outs]
                if sum((ui * yi for ui, yi in zip(u, y)), Fraction(0)):
                    return system_witness(f"{RESULT}: {MUTANT}", A, y, u)
        return None
    claim = f"{RESULT}: {STATEMENT}"
    if L.units != K - 1:
        raise AssertionError(f"{claim}: {L.units} hidden units for {K} codes")
    for z, x in zip(codes, outs):
        if c.network(list(z)) != list(x):
            return value_witness(claim, c.network, z, x)
    for r in regions(c.network):
        if rank([[to_fraction(v) for v in row] for row in r.W.tolist()]) > 2:
            raise AssertionError(f"{claim}: the Jacobian on region {r.pattern} has rank > d = 2")
    return None
