"""R2. Non-uniqueness: positive rescaling and permutation of units, and thresholds in their gaps.

Statement (PAPER.md R2).  (a) For every alpha > 0, (w_j, b_j, v_j) -> (alpha w_j, alpha b_j,
v_j / alpha) leaves f unchanged, because relu(alpha t) = alpha relu(t); permuting the hidden
units leaves f unchanged.  (b) In the triangular interpolation construction (R5) every threshold
t_j can move freely inside its gap (x_{j-1}, x_j) (t_1 < x_1) and the fit stays exact.

Check: (a) every network of the family against its rescaled (alpha_j in {1/2, 2, 3}, by unit)
and reversed copy, certified equal on all of R^2; (b) every placement of the thresholds on the
grid of quarters inside their gaps, for every 2..4-subset of {0, 1, 2, 3} as data points, with
seeded random targets: the network built with those thresholds fits exactly.
Mutant: a negative factor alpha also preserves f (relu(alpha t) = alpha relu(t) for alpha != 0).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from fractions import Fraction
from typing import Any

from ..construct.interpolation import triangular
from ..network import Network
from ..numbers import to_fraction
from ..verdict import certify
from . import Witness, value_witness
from .families import one_layer, one_layer_family, relu

RESULT = "R2"
STATEMENT = "alpha > 0 rescaling, unit order, thresholds in gaps keep f"
FAMILY = "nets 2-k-1, k <= 2, {-1,0,1}; thresholds on a 1/4-grid"
QUICK = "nets 2-k-1, k <= 2, b in {0,1}; 1/4-grid, 2..3 points"
MUTANT = "a negative rescaling alpha = -2 keeps f too"

ALPHAS = (Fraction(1, 2), Fraction(2), Fraction(3))
POINTS = (0, 1, 2, 3)


def _threshold_cases(quick: bool) -> Iterator[tuple]:
    rng = random.Random(2)
    sizes = (2, 3) if quick else (2, 3, 4)
    for k in sizes:
        for xs in itertools.combinations(POINTS, k):
            y = [Fraction(rng.randint(-5, 5), rng.randint(1, 3)) for _ in xs]
            gaps = [[Fraction(4 * xs[0] - i, 4) for i in (3, 2, 1)]]  # t_1 in (x_1 - 1, x_1)
            for a, b in zip(xs, xs[1:]):
                gaps.append([Fraction(a) + Fraction(i, 4) for i in range(1, 4 * (b - a))])
            for t in itertools.product(*gaps):
                yield ("thresholds", xs, tuple(y), t)


def exhaustive(quick: bool) -> Iterator[tuple]:
    """(a) every one-hidden-layer network with <= 2 units from {-1, 0, 1} (quick: biases {0, 1});
    (b) every threshold placement on the quarter grid in the gaps of every 2..4-subset of {0..3}
    (quick: 2..3-subsets)."""
    for net in one_layer_family(2, (0, 1)) if quick else one_layer_family(2):
        yield ("rescale", net)
    yield from _threshold_cases(quick)


def _rescaled(net: Network, negative: bool) -> Network:
    W = [[to_fraction(v) for v in row] for row in net.layers[0].weights.tolist()]
    b = [to_fraction(net.layers[0].biases[j, 0]) for j in range(len(W))]
    v = [to_fraction(x) for x in net.layers[1].weights.tolist()[0]]
    c = to_fraction(net.layers[1].biases[0, 0])
    a = [(-2 if negative else ALPHAS[j % len(ALPHAS)]) for j in range(len(W))]
    order = list(reversed(range(len(W))))
    return Network.from_layers(
        [
            ([[a[j] * w for w in W[j]] for j in order], [a[j] * b[j] for j in order]),
            ([[v[j] / a[j] for j in order]], [c]),
        ]
    )


def check(case: tuple[Any, ...], mutant: bool = False) -> Witness | None:
    if case[0] == "rescale":
        net = one_layer(case[1])
        other = _rescaled(net, mutant)
        v = certify(other, net)
        if not v.holds:
            cx = v.counterexample
            claim = f"{RESULT}: {MUTANT if mutant else 'rescaled and permuted units give the same f'}"
            return value_witness(claim, other, cx.x, cx.target, target=net.to_dict())
        return None
    if mutant:
        return None
    _, xs, y, t = case
    data = {"format": "exactpwl.data", "version": 1, "points": [[x] for x in xs], "values": list(y)}
    net = triangular(data, t).network
    claim = f"{RESULT}: thresholds {[str(v) for v in t]} inside their gaps fit exactly"
    H = [[relu(x - tj) for tj in t] for x in xs]
    thresholds = [-to_fraction(net.layers[0].biases[j, 0]) for j in range(len(t))]
    if thresholds != list(t) or any(H[i][j] for i in range(len(xs)) for j in range(i + 1, len(xs))):
        raise AssertionError(f"{claim}: the construction did not use the thresholds, or H is not triangular")
    if any(H[i][i] <= 0 for i in range(len(xs))):
        raise AssertionError(f"{claim}: a diagonal entry of H is not positive")
    for x, yi in zip(xs, y):
        if net([x]) != [yi]:
            return value_witness(claim, net, [x], [yi])
    return None
