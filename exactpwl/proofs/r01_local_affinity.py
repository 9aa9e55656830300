"""R1. Local affinity: on each cell of its arrangement a ReLU network is one affine map.

Statement (PAPER.md R1).  For a three-layer network f(x) = c + sum_j v_j relu(w_j.x + b_j) and
a full-dimensional cell C_S of the arrangement {w_j.x + b_j = 0} with active units S,

    f(x) = (sum_{j in S} v_j w_j).x + (c + sum_{j in S} v_j b_j)   for every x in C_S.

For deep networks the same holds cell by cell with composite patterns:
f(x) = V D_L(W_L(... D_1(W_1 x + b_1) ...) + b_L) + c, with D_l the 0/1 diagonal of layer l's
pattern on the cell.

Check: every cell of every network of the family (exact region walk over R^2); the formula,
evaluated from the weights and the cell's pattern alone, against the network's exact output at
n + 1 affinely independent points of the open cell.  Both sides are affine on the cell, so
agreeing there is agreeing on the whole cell: each case is decided, not sampled.
Mutant: inactive units still pass their bias (D_l applied to W_l only).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from fractions import Fraction

from ..network import Network
from ..numbers import to_fraction
from ..region_graph import regions
from . import Witness, value_witness
from .families import one_layer, one_layer_family, points_inside, rational

RESULT = "R1"
STATEMENT = "a ReLU network is affine on each cell: the pattern formula"
FAMILY = "nets 2-k-1, k <= 3, {-1,0,1}; random 2-a-b-1"
QUICK = "nets 2-k-1, k <= 2, {-1,0,1}, b in {0,1}; random 2-a-b-1"
MUTANT = "inactive units still pass their bias"


def exhaustive(quick: bool) -> Iterator[tuple]:
    """Every one-hidden-layer network on R^2 with <= 3 units, weights and biases in {-1, 0, 1}
    (quick: <= 2 units, biases in {0, 1})."""
    return one_layer_family(2, (0, 1)) if quick else one_layer_family(3)


def sampled(quick: bool) -> Iterator[Network]:
    """Random 2-a-b-1 networks (a, b in 2..3) with rational weights p/q, |p| <= 9, q <= 4."""
    rng = random.Random(1)
    for _ in range(10 if quick else 200):
        widths = [2, rng.randint(2, 3), rng.randint(2, 3), 1]
        layers = [
            ([[rational(rng) for _ in range(a)] for _ in range(b)], [rational(rng) for _ in range(b)])
            for a, b in zip(widths, widths[1:])
        ]
        yield Network.from_layers(layers)


def _weights(net: Network) -> list[tuple[list[list[Fraction]], list[Fraction], bool]]:
    return [
        (
            [[to_fraction(v) for v in row] for row in L.weights.tolist()],
            [to_fraction(L.biases[j, 0]) for j in range(L.units)],
            any(L.relu),
        )
        for L in net.layers
    ]


def formula(layers: list, pattern: tuple[int, ...], mutant: bool = False) -> tuple[list, list]:
    """The affine map (A, c) of V D_L(W_L(... D_1(W_1 x + b_1) ...) + b_L) + c, from the weights
    and the pattern alone (with ``mutant``: D_l W_l h + b_l)."""
    A: list | None = None  # h = A x + c; None while h = x
    c: list = []
    k = 0
    for W, b, hidden in layers:
        if A is None:
            A2, c2 = [list(row) for row in W], list(b)
        else:
            n = len(A[0])
            A2 = [
                [sum((w * A[i][j] for i, w in enumerate(row) if w), Fraction(0)) for j in range(n)]
                for row in W
            ]
            c2 = [sum((w * ci for w, ci in zip(row, c) if w), Fraction(0)) + bj for row, bj in zip(W, b)]
        if hidden:
            on = pattern[k : k + len(W)]
            k += len(W)
            A2 = [row if s else [Fraction(0)] * len(row) for row, s in zip(A2, on)]
            c2 = [cj if s else (bj if mutant else Fraction(0)) for cj, bj, s in zip(c2, b, on)]
        A, c = A2, c2
    return A, c


def check(case: Network | tuple, mutant: bool = False) -> Witness | None:
    net = case if isinstance(case, Network) else one_layer(case)
    layers = _weights(net)
    for r in regions(net):
        A, c = formula(layers, r.pattern, mutant)
        points = points_inside(r.inequalities, r.interior_point)
        for x, got in zip(points, net.evaluate([list(p) for p in points])):
            want = [sum((a * xi for a, xi in zip(row, x)), cj) for row, cj in zip(A, c)]
            if got != want:
                claim = MUTANT if mutant else STATEMENT
                return value_witness(f"{RESULT}: {claim}; pattern {r.pattern}", net, x, want)
    return None
