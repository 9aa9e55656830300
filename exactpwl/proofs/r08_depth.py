"""R8. Two-hidden-layer solutions that avoid interference: the canonical depth witnesses.

Statement (PAPER.md R8).  (a) max(0, x1, x2) = relu(relu(x1) - relu(-x1) + relu(x2 - x1)), with
3 + 1 hidden units.  (b) relu(1 - relu(x1) - relu(-x1) - relu(x2) - relu(-x2)) =
relu(1 - |x1| - |x2|), with 4 + 1 hidden units, and the activated region of the layer-2 unit is
the bounded open diamond |x1| + |x2| < 1 (every one-hidden-layer unit's is a half-space).

Check: exact equality at every point (a/3, b/3), a, b in -9..9, for both; both certified on all
of R^2; the layer-2 unit of (b): every active region bounded with vertices in the closed diamond,
and the unit inactive at points of |x1| + |x2| = 1 + d, d in {1/100, 1/2, 3}.
Mutant: relu(relu(x1) + relu(x2 - x1)) = max(0, x1, x2) (the unit relu(-x1) left out).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from fractions import Fraction
from functools import cache

from ..construct import Construction
from ..construct.deep import active_region, max3, pyramid
from ..network import Network
from . import Witness, value_witness

RESULT = "R8"
STATEMENT = "max(0,x1,x2), pyramid in 2 hidden layers; bounded unit"
FAMILY = "19x19 grid of thirds; certified on R^2; the diamond"
MUTANT = "relu(relu(x1) + relu(x2 - x1)) = max(0, x1, x2)"

EXPR = {"max3": "max(0, x1, x2)", "pyramid": "max(0, 1 - abs(x1) - abs(x2))"}
MUTANT_NET = Network.from_layers(
    [([[1, 0], [-1, 1]], [0, 0]), ([[1, 1]], [0]), ([[1]], [0])], activations=["relu", "relu", "linear"]
)


@cache
def _construction(which: str) -> Construction:
    return max3() if which == "max3" else pyramid()


def _value(which: str, x: tuple[Fraction, Fraction]) -> Fraction:
    if which == "max3":
        return max(Fraction(0), x[0], x[1])
    return max(Fraction(0), 1 - abs(x[0]) - abs(x[1]))


def exhaustive(quick: bool) -> Iterator[tuple]:
    """Certify both on R^2, the diamond test, then both identities at every grid point:
    3 + 2 * 19^2 cases (the same in quick mode: it is cheap)."""
    yield ("certify", "max3")
    yield ("certify", "pyramid")
    yield ("diamond", "pyramid")
    for which in ("max3", "pyramid"):
        for a, b in itertools.product(range(-9, 10), repeat=2):
            yield ("grid", which, (Fraction(a, 3), Fraction(b, 3)))


def check(case: tuple, mutant: bool = False) -> Witness | None:
    kind, which = case[0], case[1]
    c = _construction(which)
    if mutant:
        if which != "max3" or kind == "diamond":
            return None
        if kind == "certify":
            from ..verdict import certify

            v = certify(MUTANT_NET, EXPR["max3"])
            if v.holds:
                return None
            x, want = v.counterexample.x, v.counterexample.target
        else:
            x = case[2]
            want = [_value("max3", x)]
            if MUTANT_NET(list(x)) == want:
                return None
        return value_witness(
            f"{RESULT}: {MUTANT}",
            MUTANT_NET,
            x,
            want,
            {"format": "exactpwl.pwl", "version": 1, "input_dim": 2, "expr": EXPR["max3"]},
        )
    claim = f"{RESULT}: {c.network.description}"
    if kind == "certify":
        v = c.certify()
        if not v.holds:
            cx = v.counterexample
            return value_witness(claim, c.network, cx.x, cx.target, c.target.data)
        return None
    if kind == "diamond":
        info = active_region(c.network)
        if not info["bounded"] or any(abs(p[0]) + abs(p[1]) > 1 for vs in info["vertices"] for p in vs):
            raise AssertionError(f"{RESULT}: the layer-2 unit's activated region is not inside the diamond")
        k = info["neuron"]
        for d in (Fraction(1, 100), Fraction(1, 2), Fraction(3)):
            r = 1 + d
            for p in ((r, 0), (0, -r), (r / 2, -r / 2), (-r / 3, 2 * r / 3)):
                if c.network.pattern(list(p))[k]:
                    raise AssertionError(f"{RESULT}: the layer-2 unit is active at {p}, outside the diamond")
        return None
    x = case[2]
    want = [_value(which, x)]
    if c.network(list(x)) != want:
        return value_witness(claim, c.network, x, want)
    return None
