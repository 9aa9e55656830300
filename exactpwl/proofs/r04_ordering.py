"""R4. Ordering in 1-D: how the units' output weights add up to the slopes.

Statement (PAPER.md R4).  For f(x) = c + sum_j v_j relu(o_j (x - t_j)) with orientations
o_j in {+1, -1}, the slope of f at a point x that is not a threshold is

    sum_{right units, t_j < x} v_j  -  sum_{left units, t_j > x} v_j,

so with right units only and t_1 < ... < t_m the slope on (t_j, t_{j+1}) is v_1 + ... + v_j,
and a left unit relu(t_j - x) adds -v_j to the slope on (-oo, t_j).

Check: on every interval between consecutive thresholds (and the two unbounded ones), the exact
one-sided difference quotient (f(p + e) - f(p)) / e at its midpoint p, with e below the
distance to the next threshold, against the formula.
Mutant: a left unit adds +v_j (not -v_j) to the slope on (-oo, t_j).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from fractions import Fraction

from ..network import Network
from . import Witness, value_witness

RESULT = "R4"
STATEMENT = "slope on each interval = signed sum of active weights"
FAMILY = "thresholds in {0..4}, both orientations, v in {-1,1,2}"
QUICK = "thresholds in {0..3}, both orientations, v in {-1,1,2}"
MUTANT = "a left unit relu(t - x) adds +v to the slope left of t"

WEIGHTS = (-1, 1, 2)


def exhaustive(quick: bool) -> Iterator[tuple]:
    """Every set of 1..4 distinct thresholds from {0, .., 4} (quick: 1..3 from {0, .., 3}), every
    orientation per unit and every output weight in {-1, 1, 2}: sum_k C(5, k) 6^k cases."""
    grid = range(4) if quick else range(5)
    for k in range(1, (3 if quick else 4) + 1):
        for ts in itertools.combinations(grid, k):
            for units in itertools.product(itertools.product((1, -1), WEIGHTS), repeat=k):
                yield tuple((t, o, v) for t, (o, v) in zip(ts, units))


def check(units: tuple[tuple[int, int, int], ...], mutant: bool = False) -> Witness | None:
    net = Network.from_layers(
        [([[o] for _, o, _ in units], [-o * t for t, o, _ in units]), ([[v for *_, v in units]], [0])]
    )
    ts = [Fraction(t) for t, _, _ in units]
    points = [ts[0] - 1] + [(a + b) / 2 for a, b in zip(ts, ts[1:])] + [ts[-1] + 1]
    for p in points:
        eps = min([abs(p - t) for t in ts]) / 2
        slope = sum((Fraction(v) for t, o, v in units if o == 1 and t < p), Fraction(0))
        left = sum((Fraction(v) for t, o, v in units if o == -1 and t > p), Fraction(0))
        slope += left if mutant else -left
        fp = net([p])[0]
        want = fp + eps * slope
        if net([p + eps]) != [want]:
            claim = f"{RESULT}: {MUTANT if mutant else STATEMENT}; slope {slope} right of {p}"
            return value_witness(claim, net, [p + eps], [want])
    return None
