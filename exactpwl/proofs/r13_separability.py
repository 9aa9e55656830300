"""R13. Classification of data embedded in a higher-dimensional space.

Statement (PAPER.md R13).  (a) If T : R^n -> R^m is an injective affine map, finite sets A, B of
R^n are strictly linearly separable iff T(A), T(B) are (hyperplanes pull back through T and push
forward through a left inverse): an affine embedding neither creates nor destroys separability.
(b) A ReLU layer can create it: XOR is not separable in R^2, but after
(relu(x1), relu(x2), relu(x1 + x2 - 1)) the functional z1 + z2 - 2 z3 with threshold 1/2
separates the classes.

Check: separability decided by an exact LP (max delta with |w|_inf <= 1; a separating
hyperplane with delta > 0, or convex weights whose combinations meet, each checked exactly)
for every labelling of the family, before and after a seeded random injective integer affine
embedding into R^3 and one into R^4; the two answers must agree.  (b) the XOR numbers.
Mutant: every affine map (injective or not) preserves separability.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from fractions import Fraction

from ..ranks import rank
from ..separability import affine_image, relu_image, separate
from . import Witness, separability_witness

RESULT = "R13"
STATEMENT = "injective affine maps keep separability; ReLU splits XOR"
FAMILY = "every 2..4-subset of {0,1,2}^2, 2-class labels; XOR"
QUICK = "2..3-subsets of {0,1} x {0,1,2}, 2-class labels; XOR"
MUTANT = "every affine map (injective or not) keeps separability"

GRID = list(itertools.product(range(3), repeat=2))


def exhaustive(quick: bool) -> Iterator[tuple]:
    """XOR, then every k-subset of {0,1,2}^2, k = 2..4 (quick: of {0,1} x {0,1,2}, k = 2..3), with
    every labelling that uses both classes: 1 + sum_k C(9, k) (2^k - 2) cases."""
    yield ("xor",)
    grid = [p for p in GRID if p[0] < 2] if quick else GRID
    for k in range(2, (3 if quick else 4) + 1):
        for pts in itertools.combinations(grid, k):
            for mask in range(1, 2**k - 1):
                A = tuple(p for i, p in enumerate(pts) if mask >> i & 1)
                B = tuple(p for i, p in enumerate(pts) if not mask >> i & 1)
                yield ("sets", A, B)


def _embedding(rng: random.Random, m: int, injective: bool) -> tuple[list, list]:
    while True:
        if injective:
            T = [[rng.randint(-3, 3) for _ in range(2)] for _ in range(m)]
        else:  # rank 1: T x = u (d.x)
            u, d = [rng.randint(-3, 3) for _ in range(m)], [rng.randint(-3, 3) for _ in range(2)]
            T = [[ui * di for di in d] for ui in u]
        if rank(T) == (2 if injective else 1):
            return T, [rng.randint(-5, 5) for _ in range(m)]


def check(case: tuple, mutant: bool = False) -> Witness | None:
    if case[0] == "xor":
        return None if mutant else _xor()
    _, A, B = case
    rng = random.Random(repr(case))
    before = separate(A, B).separable
    for m in (3, 4):
        T, t = _embedding(rng, m, injective=not mutant)
        after = separate(affine_image(A, T, t), affine_image(B, T, t)).separable
        if after != before:
            if mutant and before:
                return separability_witness(f"{RESULT}: {MUTANT}", A, B, T, t)
            if not mutant:
                raise AssertionError(
                    f"{RESULT}: separability changed under the injective map {T}, {t}: {before} -> {after}"
                )
    return None


def _xor() -> Witness | None:
    A, B = [(0, 1), (1, 0)], [(0, 0), (1, 1)]
    s = separate(A, B)
    if s.separable or s.point != (Fraction(1, 2), Fraction(1, 2)):
        raise AssertionError(
            f"{RESULT}: XOR is not separable in R^2 with its diagonals meeting at (1/2, 1/2)"
        )
    W, b = [[1, 0], [0, 1], [1, 1]], [0, 0, -1]
    zA, zB = relu_image(A, W, b), relu_image(B, W, b)
    score = [z[0] + z[1] - 2 * z[2] for z in zA + zB]
    if (
        score != [1, 1, 0, 0]
        or not all(s > Fraction(1, 2) for s in score[:2])
        or not all(s < Fraction(1, 2) for s in score[2:])
    ):
        raise AssertionError(f"{RESULT}: z1 + z2 - 2 z3 does not separate the images at 1/2: {score}")
    if not separate(zA, zB).separable:
        raise AssertionError(f"{RESULT}: the exact LP misses the separation of XOR after the layer")
    return None
