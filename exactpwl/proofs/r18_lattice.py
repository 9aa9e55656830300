"""R18. CPWL functions on a triangulated polytope as max-min (lattice) formulas, hence deep networks.

Statement (PAPER.md R18).  A CPWL function on a triangulated convex polytope (linear
interpolation of vertex values on each simplex), with distinct affine pieces l_j, equals
max_i min_{j in S_i} l_j with S_i = {j : l_j >= l_i on simplex i} (Tarela-Martinez); with
max(a, b) = a + relu(b - a) and min(a, b) = a - relu(a - b) this is a deep ReLU network.

Check: the library's lattice network, certified equal to the triangulation target on the
polytope, for every binary labelling of the vertices of the unit square (both diagonals) and of
the union-jack triangulation of [0, 2]^2 up to its 8 symmetries, and for random rational values.
Mutant: min_i max_{j in S_i} l_j with the same sets (max and min swapped).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from fractions import Fraction

from ..construct.lattice import lattice, lattice_form, tree_network
from ..network import Network
from ..pwl import PWL
from ..verdict import certify
from . import Witness, value_witness

RESULT = "R18"
STATEMENT = "triangulated CPWL = max-min of its pieces = deep network"
FAMILY = "0/1 labels: square (2 ways), union jack up to D4"
QUICK = "0/1 labels of the unit square (2 diagonals); random"
MUTANT = "min_i max_{j in S_i} l_j (max and min swapped)"

SQUARE = [[0, 0], [1, 0], [0, 1], [1, 1]]
DIAGONALS = ([[0, 1, 3], [0, 2, 3]], [[0, 1, 2], [1, 3, 2]])
GRID = [[i, j] for j in range(3) for i in range(3)]  # point 3 j + i


def union_jack() -> list[list[int]]:
    """The 8 triangles of [0, 2]^2 whose diagonals all pass through (1, 1)."""
    out = []
    for i, j in itertools.product(range(2), repeat=2):
        a = 3 * j + i
        b, c, d = a + 1, a + 3, a + 4
        out += [[a, b, d], [a, d, c]] if (i + j) % 2 == 0 else [[a, b, c], [b, d, c]]
    return out


def _symmetries() -> list[list[int]]:
    """The 8 symmetries of the 3 x 3 grid (the dihedral group of the square) as index maps."""
    maps = []
    for rot in range(4):
        for flip in (False, True):
            perm = []
            for j in range(3):
                for i in range(3):
                    x, y = (2 - i, j) if flip else (i, j)
                    for _ in range(rot):
                        x, y = 2 - y, x
                    perm.append(3 * y + x)
            maps.append(perm)
    return maps


def exhaustive(quick: bool) -> Iterator[tuple]:
    """Every 0/1 labelling of the unit square's vertices, for both diagonals (2 * 16), then
    (not quick) one labelling of the union jack's 9 vertices per orbit of its 8 symmetries
    (Burnside: (512 + 2 * 8 + 32 + 4 * 64) / 8 = 102)."""
    for simplices in DIAGONALS:
        for labels in itertools.product((0, 1), repeat=4):
            yield SQUARE, simplices, labels
    if quick:
        return
    sym = _symmetries()
    for labels in itertools.product((0, 1), repeat=9):
        if labels == min(tuple(labels[p[k]] for k in range(9)) for p in sym):
            yield GRID, union_jack(), labels


def sampled(quick: bool) -> Iterator[tuple]:
    """The union jack with random rational vertex values p/q, |p| <= 6, q <= 3."""
    rng = random.Random(18)
    for _ in range(2 if quick else 20):
        yield GRID, union_jack(), tuple(Fraction(rng.randint(-6, 6), rng.randint(1, 3)) for _ in GRID)


def _min_max(target: PWL) -> Network:
    """min_i max_{j in S_i} l_j = -max_i min_{j in S_i} (-l_j)."""
    form = lattice_form(target)
    neg = [([-w for w in W], -c) for W, c in form["maps"]]
    net = tree_network(target.input_dim, neg, form["groups"])
    layers = [(L.weights.tolist(), [L.biases[k, 0] for k in range(L.units)]) for L in net.layers]
    acts = [L.activation if isinstance(L.activation, str) else list(L.activation) for L in net.layers]
    W, b = layers[-1]
    layers[-1] = ([[-v for v in row] for row in W], [-v for v in b])
    return Network.from_layers(layers, activations=acts)


def check(case: tuple, mutant: bool = False) -> Witness | None:
    points, simplices, labels = case
    target = PWL.from_triangulation(points, simplices, list(labels))
    c = lattice(target)
    dom = {"A": [list(a) for a, _ in c.domain.rows], "b": [b for _, b in c.domain.rows]}
    net = _min_max(target) if mutant else c.network
    v = certify(net, target, c.domain)
    if v.holds:
        return None
    cx = v.counterexample
    return value_witness(
        f"{RESULT}: {MUTANT if mutant else STATEMENT}", net, cx.x, cx.target, target.data, dom
    )
