"""R3. A continuous piecewise linear function on [a, b] in hinge and line-segment form.

Statement (PAPER.md R3).  Let f be CPWL on [a, b] with breakpoints a = x_0 < ... < x_{k+1} = b
and slope s_i on [x_i, x_{i+1}].  Then on [a, b]

    f(x) = f(x_0) + s_0 relu(x - x_0) + sum_{i=1}^{k} (s_i - s_{i-1}) relu(x - x_i)     (hinge)
         = f(x_0) + sum_{i=0}^{k} s_i [relu(x - x_i) - relu(x - x_{i+1})]             (segments)

the segment form is constant outside [a, b], the hinge form continues the last piece to the
right of b and is constant left of a, and the hinge form is the unique combination of
relu(x - x_i), i = 0..k, and a constant that equals f on [a, b].

Check: both networks certified equal to f on [a, b], the hinge form also on [a, oo) against the
linear extension; left of a the hinge form is f(a), and outside [a, b] the segment form is f(a)
or f(b) (exact evaluation); uniqueness: the
(k+2) x (k+2) matrix of the units at x_0 and one point per piece has full rank (exact) and the
hinge coefficients solve it.
Mutant: the coefficient of relu(x - x_i) is the slope s_i itself (not the slope difference).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from fractions import Fraction

from ..construct.one_d import hinge, segment
from ..network import Network
from ..pwl import PWL
from ..ranks import rank
from ..verdict import certify
from . import Witness, value_witness
from .families import relu

RESULT = "R3"
STATEMENT = "CPWL on [a,b] = hinge form (unique) = line-segment form"
FAMILY = "every 2..6-subset of {-2, -3/2, .., 2} as breakpoints"
QUICK = "every 2..4-subset of {-3/2, -1, .., 3/2} as breakpoints"
MUTANT = "the coefficient of relu(x - x_i) is the slope s_i"


def exhaustive(quick: bool) -> Iterator[tuple[tuple[Fraction, Fraction], ...]]:
    """Every 2..6-subset of the grid {-2, -3/2, ..., 2} (quick: 2..4-subsets of {-3/2, .., 3/2})
    as breakpoints, with seeded random values from {-2, -3/2, ..., 2} (collinear ones included)."""
    grid = [Fraction(k, 2) for k in (range(-3, 4) if quick else range(-4, 5))]
    values = [Fraction(k, 2) for k in range(-4, 5)]
    rng = random.Random(3)
    for k in range(2, (4 if quick else 6) + 1):
        for xs in itertools.combinations(grid, k):
            yield tuple((x, rng.choice(values)) for x in xs)


def _slopes(pts) -> list[Fraction]:
    return [(y1 - y0) / (x1 - x0) for (x0, y0), (x1, y1) in zip(pts, pts[1:])]


def _hinge_net(pts, coeffs) -> Network:
    xs = [x for x, _ in pts[:-1]]
    return Network.from_layers([([[1]] * len(xs), [-x for x in xs]), ([list(coeffs)], [pts[0][1]])])


def check(pts: tuple[tuple[Fraction, Fraction], ...], mutant: bool = False) -> Witness | None:
    target = PWL.from_breakpoints([list(p) for p in pts])
    domain = {"box": [[str(pts[0][0]), str(pts[-1][0])]]}
    s = _slopes(pts)
    if mutant:
        net = _hinge_net(pts, s)
        v = certify(net, target, domain)
        if not v.holds:
            cx = v.counterexample
            return value_witness(f"{RESULT}: {MUTANT}", net, cx.x, cx.target, target.data, domain)
        return None
    claim = f"{RESULT}: {STATEMENT}"
    h, g = hinge([list(p) for p in pts], tails=False), segment([list(p) for p in pts])
    right = {"A": [[-1]], "b": [str(-pts[0][0])]}  # x >= a
    for net, dom in ((h.network, domain), (h.network, right), (g.network, domain)):
        v = certify(net, target, dom)
        if not v.holds:
            cx = v.counterexample
            return value_witness(claim, net, cx.x, cx.target, target.data, dom)
    (a, fa), (b, fb) = pts[0], pts[-1]
    for x, want in ((a - 1, fa), (a - Fraction(1, 3), fa), (b + 1, fb), (b + 7, fb)):
        if g.network([x]) != [want]:
            return value_witness(
                f"{claim}: the segment form is constant outside [a, b]", g.network, [x], [want]
            )
    for x in (a - 1, a - Fraction(7, 3)):
        if h.network([x]) != [fa]:
            return value_witness(f"{claim}: the hinge form is constant left of a", h.network, [x], [fa])
    # uniqueness: units relu(x - x_i), i = 0..k, and 1 at x_0 and at one point per piece
    knots = [x for x, _ in pts[:-1]]
    samples = [a] + [(x0 + x1) / 2 for (x0, _), (x1, _) in zip(pts, pts[1:])]
    M = [[Fraction(1)] + [relu(p - t) for t in knots] for p in samples]
    coeffs = [fa, s[0]] + [s[i] - s[i - 1] for i in range(1, len(s))]
    if rank(M) != len(samples):
        raise AssertionError(f"{claim}: the sample matrix is singular, so the hinge form is not unique")
    for row, p in zip(M, samples):
        want = target([p])[0]
        if sum((m * c for m, c in zip(row, coeffs)), Fraction(0)) != want:
            raise AssertionError(f"{claim}: the hinge coefficients do not solve the sample system")
    return None
