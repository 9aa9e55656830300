"""R19. Piecewise-constant outputs via TRLU: exact 0/1 labels outside a margin band.

Statement (PAPER.md R19, D13).  TRLU_t(s) = relu(s) - relu(s - t) equals 0 for s <= 0, s on
[0, t] and t for s >= t (t > 0).  Applied to an affine score s = w.x + b and rescaled (steep
TRLU of (s + delta) / (2 delta), delta = eps |w|_inf), it gives exactly 1 at every point at
Euclidean distance >= eps from {s = 0} on the positive side and exactly 0 on the negative side.

Check: TRLU_t at every point of the grid (1/8) Z in [-4, 4] for each t, against
min(max(s, 0), t), and certified on all of R; for every classifier of the family, the exact
label at every point of {-2..2}^2 at distance >= eps from the line (decided exactly:
s^2 >= eps^2 |w|^2) is 1 on the positive side and 0 on the negative side.
Mutant: TRLU_t(s) = t already for s >= t/2 (a threshold outside its band).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from fractions import Fraction
from functools import cache

from ..construct import Construction
from ..construct.lattice import margin_classifier, trlu
from . import Witness, value_witness

RESULT = "R19"
STATEMENT = "TRLU = min(max(s,0),t); steep TRLU labels margins 0/1"
FAMILY = "5 TRLUs on a 1/8-grid; 48 classifiers on {-2..2}^2"
MUTANT = "TRLU_t(s) = t already for s >= t/2"

TS = (Fraction(1, 4), Fraction(1, 2), Fraction(1), Fraction(2), Fraction(3))


@cache
def _trlu(t: Fraction) -> Construction:
    return trlu(t)


def exhaustive(quick: bool) -> Iterator[tuple]:
    """TRLU_t certified on R for each t (5), TRLU_t at s = k/8, |k| <= 32, for each t (5 * 65),
    then every classifier w in {-1,0,1}^2 \\ 0, b in {-1,0,1}, eps in {1/2, 1} (48)."""
    for t in TS:
        yield ("certify", t)
    for t in TS:
        for k in range(-32, 33):
            yield ("trlu", t, Fraction(k, 8))
    for w in itertools.product((-1, 0, 1), repeat=2):
        if w == (0, 0):
            continue
        for b, eps in itertools.product((-1, 0, 1), (Fraction(1, 2), Fraction(1))):
            yield ("classifier", w, b, eps)


def check(case: tuple, mutant: bool = False) -> Witness | None:
    kind = case[0]
    if kind == "certify":
        if mutant:
            return None
        c = _trlu(case[1])
        v = c.certify()
        if not v.holds:
            cx = v.counterexample
            return value_witness(f"{RESULT}: {STATEMENT}", c.network, cx.x, cx.target, c.target.data)
        return None
    if kind == "trlu":
        _, t, s = case
        want = t if (mutant and s >= t / 2) else min(max(s, Fraction(0)), t)
        net = _trlu(t).network
        if net([s]) != [want]:
            return value_witness(f"{RESULT}: {MUTANT if mutant else STATEMENT}; t = {t}", net, [s], [want])
        return None
    if mutant:
        return None
    _, w, b, eps = case
    net = margin_classifier(list(w), b, eps).network
    for x in itertools.product(range(-2, 3), repeat=2):
        s = w[0] * x[0] + w[1] * x[1] + b
        if s * s >= eps * eps * (w[0] ** 2 + w[1] ** 2):
            want = 1 if s > 0 else 0
            if net(list(x)) != [want]:
                return value_witness(f"{RESULT}: the steep TRLU labels margin points exactly", net, x, [want])
    return None
