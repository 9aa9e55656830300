"""R9. One ReLU layer on a cell is a generalized affine transform.

Statement (PAPER.md R9, D7).  Let L(x) = relu(W x + b), W in Q^(m x n), and C_S a
full-dimensional cell with active units S.  Then (i) L = P_S (W x + b) on C_S (affine);
(ii) L is injective on C_S iff rank W_S = n; (iii) L preserves convex combinations on the
closure of C_S; (iv) L(C_S) has dimension rank W_S; (v) if rank W_S < n, points of C_S that
differ by a vector of ker W_S are merged; (vi) the inactive coordinates are exactly 0 on C_S.

Check: every cell of every layer of the family (exact region walk): (i) and (vi) at points of
the open cell; (ii) and (v) by the exact rank, with a merge pair (two distinct points of the open
cell with equal images) when rank W_S < n and an exact left inverse recovering x when rank = n;
(iii) at random convex combinations; (iv) as the affine rank of the images of n + 1 affinely
independent points of the cell.
Mutant: L is injective on C_S iff |S| >= n (the rank forgotten).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from fractions import Fraction

from ..affine_layer import CellMap, cells, layer_network
from ..network import Network
from ..ranks import rank
from . import Witness, collision_witness, value_witness
from .families import points_inside, relu, units_2d

RESULT = "R9"
STATEMENT = "a layer on a cell: affine; injective iff rank W_S = n"
FAMILY = "layers of 1..3 units on R^2, {-1,0,1}; random m<=4, n<=3"
QUICK = "layers of 1..2 units on R^2, {-1,0,1}; random m<=4, n<=3"
MUTANT = "injective on the cell iff |S| >= n"


def exhaustive(quick: bool) -> Iterator[tuple]:
    """Every layer of 1..3 units (quick: 1..2) relu(w.x + b), w in {-1,0,1}^2 \\ 0, b in {-1,0,1},
    as a multiset: sum_k C(24 + k - 1, k) layers."""
    units = units_2d()
    for k in range(1, (2 if quick else 3) + 1):
        for layer in itertools.combinations_with_replacement(units, k):
            yield tuple(tuple(w) for w, _ in layer), tuple(b for _, b in layer)


def sampled(quick: bool) -> Iterator[tuple]:
    """Random integer layers, m <= 4 units (entries -2..2) on R^n, n <= 3."""
    rng = random.Random(9)
    for _ in range(5 if quick else 60):
        n, m = rng.randint(1, 3), rng.randint(1, 4)
        W = [[rng.randint(-2, 2) for _ in range(n)] for _ in range(m)]
        W = [w if any(w) else [1] + [0] * (n - 1) for w in W]
        yield tuple(tuple(w) for w in W), tuple(rng.randint(-2, 2) for _ in range(m))


def _layer(W, b, x) -> tuple[Fraction, ...]:
    """relu(W x + b) with W, b already Fractions."""
    return tuple(relu(sum((w * xi for w, xi in zip(row, x)), bj)) for row, bj in zip(W, b))


def _check_cell(W, b, c: CellMap, net: Network, rng: random.Random) -> Witness | None:
    n = len(W[0])
    claim = f"{RESULT}: {STATEMENT}; pattern {c.pattern}"
    pts = points_inside(c.cell.rows, c.point)
    imgs = [_layer(W, b, x) for x in pts]
    for x, img in zip(pts, imgs):  # (i), (vi)
        if img != c(x) or any(img[j] for j, s in enumerate(c.pattern) if not s):
            return value_witness(claim, net, x, c(x))
    if c.rank != (rank([W[j] for j in c.active]) if c.active else 0):
        raise AssertionError(f"{claim}: rank W_S is not {c.rank}")
    if c.rank < n:  # (ii), (v): a merge pair
        x, y = c.merge_pair()
        inside = c.cell.contains(x, strict=True) and c.cell.contains(y, strict=True)
        if not inside or _layer(W, b, x) != _layer(W, b, y):
            raise AssertionError(f"{claim}: the merge pair {x}, {y} is not a merge pair inside the cell")
    else:  # (ii): an exact left inverse recovers x
        G = c.left_inverse()
        for x, img in zip(pts, imgs):
            z = [zj - (bj if s else 0) for zj, bj, s in zip(img, b, c.pattern)]
            if [sum((g * v for g, v in zip(row, z)), Fraction(0)) for row in G] != list(x):
                raise AssertionError(f"{claim}: the left inverse does not recover {x}")
    # (iii) convex combinations of points of the closed cell
    lam = [Fraction(rng.randint(1, 5)) for _ in pts]
    total = sum(lam)
    lam = [v / total for v in lam]
    mix = [sum((li * p[d] for li, p in zip(lam, pts)), Fraction(0)) for d in range(n)]
    want = [sum((li * im[j] for li, im in zip(lam, imgs)), Fraction(0)) for j in range(len(W))]
    if list(_layer(W, b, mix)) != want:
        return value_witness(f"{claim}: convex combinations", net, mix, want)
    # (iv) the image of the n + 1 affinely independent points spans an affine flat of dim rank W_S
    diffs = [[u - v for u, v in zip(img, imgs[0])] for img in imgs[1:]]
    dim = rank(diffs) if any(any(r) for r in diffs) else 0
    if dim != c.rank:
        raise AssertionError(f"{claim}: the image has affine dimension {dim}, not rank W_S = {c.rank}")
    return None


def check(case: tuple, mutant: bool = False) -> Witness | None:
    W = tuple(tuple(Fraction(v) for v in row) for row in case[0])
    b = tuple(Fraction(v) for v in case[1])
    rng = random.Random(repr(case))
    net = layer_network(list(W), list(b))
    for c in cells(list(W), list(b)):
        if mutant:
            if len(c.active) >= len(W[0]) and not c.injective:
                x, y = c.merge_pair()
                return collision_witness(f"{RESULT}: {MUTANT}; pattern {c.pattern}", net, x, y)
            continue
        w = _check_cell(W, b, c, net, rng)
        if w is not None:
            return w
    return None
