"""R20. Two hidden layers compute the maximum of five numbers (Bakaev et al. 2025).

Statement (PAPER.md R20).  With A12 = max(2x5, x1 + x2), A34 = max(2x5, x3 + x4),
P1 = max(A12, max(x1,x3) + max(x1,x4)), P2 = max(A12, max(x2,x3) + max(x2,x4)),
P3 = max(A34, max(x3,x1) + max(x3,x2)), P4 = max(A34, max(x4,x1) + max(x4,x2)),
Q = max(2x5, x1 + x2, x3 + x4) and Rij = max(2x5, x1 + x2, x3 + x4, xi + xj):

    2 max(x1, ..., x5) = P1 + P2 + P3 + P4 + Q - R13 - R14 - R23 - R24,

and the network built from it (two hidden layers) equals max(x1, ..., x5) on all of R^5.  This
refutes the conjecture that max of five needs three hidden layers.

Check: the network certified equal to max(x1..x5) on R^5; the identity (evaluated term by term,
without the network) and the network at every point of {-2..2}^5 and at random rational points.
Mutant: the identity without R13.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from fractions import Fraction
from functools import cache

from ..construct.max5 import TARGET, Term, identity, max5, network
from ..network import Network
from ..verdict import certify
from . import Witness, value_witness

RESULT = "R20"
STATEMENT = "2 hidden layers compute max(x1..x5): 5-12-11-1 on R^5"
FAMILY = "certified on R^5; {-2..2}^5; random rationals"
QUICK = "certified on R^5; {-1,0,1}^5; random rationals"
MUTANT = "the identity holds without R13"

TARGET_JSON = {"format": "exactpwl.pwl", "version": 1, "input_dim": 5, "expr": TARGET}


@cache
def _terms(mutant: bool) -> tuple[Term, ...]:
    return tuple(t for t in identity() if not (mutant and t.name == "R13"))


@cache
def _network(mutant: bool) -> Network:
    return max5().network if not mutant else network(_terms(True))[0]


def exhaustive(quick: bool) -> Iterator[tuple]:
    """Certify on R^5, then every point of {-2..2}^5 (quick: {-1, 0, 1}^5): 1 + 5^5 cases."""
    yield ("certify",)
    r = 1 if quick else 2
    for x in itertools.product(range(-r, r + 1), repeat=5):
        yield ("point", tuple(Fraction(v) for v in x))


def sampled(quick: bool) -> Iterator[tuple]:
    """Random points p/q, |p| <= 40, q <= 6."""
    rng = random.Random(20)
    for _ in range(50 if quick else 2000):
        yield ("point", tuple(Fraction(rng.randint(-40, 40), rng.randint(1, 6)) for _ in range(5)))


def check(case: tuple, mutant: bool = False) -> Witness | None:
    net = _network(mutant)
    claim = f"{RESULT}: {MUTANT if mutant else STATEMENT}"
    if case[0] == "certify":
        v = certify(net, TARGET_JSON)
        if v.holds:
            return None
        cx = v.counterexample
        return value_witness(claim, net, cx.x, cx.target, TARGET_JSON)
    x = case[1]
    identity_value = sum((t.value(x) for t in _terms(mutant)), Fraction(0))
    if identity_value != 2 * max(x) or net(list(x)) != [max(x)]:
        return value_witness(claim, net, x, [max(x)], TARGET_JSON)
    return None
