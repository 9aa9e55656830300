"""R12. Distinguishability is necessary, and with width sufficient, for interpolation after a prefix.

Statement (PAPER.md R12).  Let T be the map of the first hidden layers and D = {(x_i, y_i)} with
distinct x_i.  Some G with G(T(x_i)) = y_i for all i exists iff T(x_i) = T(x_j) implies
y_i = y_j (D is distinguishable after T).  Then G can be a three-layer network with N' units
(N' = |T(X)|; equivalently N' - 1 units and a bias, R6 in the image space), and the whole
network interpolates D exactly.  If T merges two points with different targets, no later
layers can separate them.

Check: T(X) exactly; when distinguishable, the library's construction after the prefix fits
every point exactly (re-evaluated) with N' new units; otherwise it refuses and its two points
have equal images and different targets (re-evaluated).
Mutant: interpolation after T is possible whenever |T(X)| >= the number of distinct targets.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator

from ..construct import Refusal
from ..construct.interpolation import after_prefix
from ..network import Network
from . import Witness, collision_witness, value_witness

RESULT = "R12"
STATEMENT = "fit after a prefix T iff T keeps differing labels apart"
FAMILY = "prefixes of width <= 2, {-1,0,1}; subsets of {0,1}^2"
QUICK = "prefixes of width 1, {-1,0,1}; subsets of {0,1}^2"
MUTANT = "|T(X)| >= number of labels suffices"

ROWS = [w for w in itertools.product((-1, 0, 1), repeat=2) if w != (0, 0)]
SQUARE = list(itertools.product((0, 1), repeat=2))


def _data_sets() -> Iterator[tuple]:
    for k in range(2, 5):
        for pts in itertools.combinations(SQUARE, k):
            for labels in itertools.product((0, 1), repeat=k):
                yield pts, labels


def exhaustive(quick: bool) -> Iterator[tuple]:
    """Prefix relu(W x) with rows from {-1,0,1}^2 \\ 0, width 1..2 as a multiset (quick: width 1),
    and every 2..4-subset of {0,1}^2 with every binary labelling: (8 + 36) * 72 cases."""
    for width in (1,) if quick else (1, 2):
        for rows in itertools.combinations_with_replacement(ROWS, width):
            for pts, labels in _data_sets():
                yield ((tuple(rows), (0,) * width),), pts, labels


def sampled(quick: bool) -> Iterator[tuple]:
    """Random two-layer prefixes (widths 1..3, weights and biases -2..2) and 5 points of
    {-2..2}^2 with labels in {0, 1, 2}."""
    rng = random.Random(12)
    grid = list(itertools.product(range(-2, 3), repeat=2))
    for _ in range(10 if quick else 150):
        w1, w2 = rng.randint(1, 3), rng.randint(1, 3)
        layers = (
            (
                tuple(tuple(rng.randint(-2, 2) for _ in range(2)) for _ in range(w1)),
                tuple(rng.randint(-2, 2) for _ in range(w1)),
            ),
            (
                tuple(tuple(rng.randint(-2, 2) for _ in range(w1)) for _ in range(w2)),
                tuple(rng.randint(-2, 2) for _ in range(w2)),
            ),
        )
        yield layers, tuple(rng.sample(grid, 5)), tuple(rng.randint(0, 2) for _ in range(5))


def _prefix(layers: tuple) -> Network:
    """The ReLU layers ``((W1, b1), (W2, b2), ...)`` as a network whose output is the last layer."""
    return Network.from_layers(
        [(list(map(list, W)), list(b)) for W, b in layers], activations=["relu"] * len(layers)
    )


def check(case: tuple, mutant: bool = False) -> Witness | None:
    layers, pts, labels = case
    T = _prefix(layers)
    images = [tuple(T(list(p))) for p in pts]
    first: dict[tuple, int] = {}
    merged = None
    for j, im in enumerate(images):
        i = first.setdefault(im, j)
        if labels[i] != labels[j] and merged is None:
            merged = (i, j)
    if mutant:
        if merged is not None and len(first) >= len(set(labels)):
            i, j = merged
            return collision_witness(f"{RESULT}: {MUTANT}", T, pts[i], pts[j], (labels[i], labels[j]))
        return None
    claim = f"{RESULT}: {STATEMENT}"
    data = {"format": "exactpwl.data", "version": 1, "points": [list(p) for p in pts], "values": list(labels)}
    try:
        c = after_prefix(T, data)
    except Refusal as r:
        i, j = r.witness[0], r.witness[1]
        if merged is None or images[i] != images[j] or labels[i] == labels[j]:
            raise AssertionError(
                f"{claim}: refused a distinguishable set, or with a wrong pair {i}, {j}"
            ) from None
        return None
    if merged is not None:
        raise AssertionError(
            f"{claim}: built a network although points {merged} are merged with different labels"
        )
    if c.network.layers[len(T.layers)].units != len(first):
        raise AssertionError(
            f"{claim}: G has {c.network.layers[len(T.layers)].units} units, not N' = {len(first)}"
        )
    for p, y in zip(pts, labels):
        if c.network(list(p)) != [y]:
            return value_witness(claim, c.network, p, [y])
    return None
