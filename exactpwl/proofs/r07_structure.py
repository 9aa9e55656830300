"""R7. Structure of three-layer outputs: the gradient jumps by the same vector along a whole hyperplane.

Statement (PAPER.md R7).  Group the hidden units of f(x) = c + sum_j v_j relu(w_j.x + b_j) by
hyperplane: for a hyperplane H with primitive normal n (first non-zero entry positive), the
units on H have w_j = alpha_j n.  At every point p of H off the other hyperplanes, and every
e > 0 smaller than the distance (along n) to them,

    f(p + e n) + f(p - e n) - 2 f(p) = e (sum_{j on H} v_j |alpha_j|) |n|^2,

the same at every such p.  Hence max(0, x1, x2) and the pyramid relu(1 - |x1| - |x2|) are not
three-layer networks: their second differences across x1 = 0 differ along the line.

Check: every hyperplane of every network of the family, at three rational points of it off the
other hyperplanes, with e computed exactly; and the non-representability certificates of
max(0, x1, x2) and of the pyramid (the second differences at two points of x1 = 0, and the
library's three-layer refusal with its witness re-evaluated exactly).
Mutant: the jump is e (sum v_j alpha_j) |n|^2, with the signed alpha_j (orientation ignored).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from fractions import Fraction
from typing import Any

from ..construct import Refusal
from ..construct.three_layer import three_layer
from ..network import Network
from ..numbers import primitive_row, to_fraction
from ..pwl import PWL
from . import Witness, value_witness
from .families import one_layer, one_layer_family, rational

RESULT = "R7"
STATEMENT = "3-layer nets: 2nd difference constant along a hyperplane"
FAMILY = "nets 2-k-1, k <= 3, {-1,0,1}; random 2-m-1; 2 deep"
QUICK = "nets 2-k-1, k <= 2, {-1,0,1}, b in {0,1}; random; 2 deep"
MUTANT = "the jump uses the signed alpha_j (orientation ignored)"

DEEP = {"max(0, x1, x2)": ((0, 1), (0, -1)), "max(0, 1 - abs(x1) - abs(x2))": ((0, Fraction(1, 2)), (0, 3))}


def exhaustive(quick: bool) -> Iterator[Any]:
    """Every network of R1's family (quick: <= 2 units, biases {0, 1}), then the two deep targets."""
    yield from one_layer_family(2, (0, 1)) if quick else one_layer_family(3)
    yield from DEEP


def sampled(quick: bool) -> Iterator[Network]:
    """Random 2-m-1 networks, m in 2..5, rational weights (units sharing a hyperplane included)."""
    rng = random.Random(7)
    for _ in range(10 if quick else 200):
        m = rng.randint(2, 5)
        W = [[rational(rng), rational(rng)] for _ in range(m)]
        b = [rational(rng) for _ in range(m)]
        if rng.random() < 0.5:  # a second unit on the first unit's hyperplane, maybe reversed
            a = rational(rng) or Fraction(1)
            W[1], b[1] = [a * W[0][0], a * W[0][1]], a * b[0]
        W = [w if any(w) else [1, 0] for w in W]
        yield Network.from_layers([(W, b), ([[rational(rng) for _ in range(m)]], [rational(rng)])])


def _canonical(w: list[Fraction], b: Fraction) -> tuple[tuple[int, ...], Fraction, Fraction]:
    """(n, beta, alpha): w = alpha n, b = alpha beta, n primitive integer with first non-zero > 0."""
    n, _ = primitive_row(w, 0)
    if next(v for v in n if v) < 0:
        n = tuple(-v for v in n)
    alpha = next(wi / ni for wi, ni in zip(w, n) if ni)
    return n, b / alpha, alpha


def _points_on(n: tuple[int, ...], beta: Fraction, others: list) -> list[tuple[Fraction, Fraction]]:
    """Three rational points of {n.x + beta = 0} off the other (non-coincident) hyperplanes."""
    p0 = (-beta / n[0], Fraction(0)) if n[0] else (Fraction(0), -beta / n[1])
    d = (Fraction(-n[1]), Fraction(n[0]))
    out = []
    for s in (Fraction(-3, 2), Fraction(1, 3), Fraction(2), Fraction(7, 2), Fraction(-5), Fraction(9)):
        p = (p0[0] + s * d[0], p0[1] + s * d[1])
        if all(wo[0] * p[0] + wo[1] * p[1] + bo != 0 for wo, bo in others):
            out.append(p)
        if len(out) == 3:
            break
    return out


def check(case: Any, mutant: bool = False) -> Witness | None:
    if isinstance(case, str):
        return None if mutant else _deep(case)
    net = case if isinstance(case, Network) else one_layer(case)
    W = [[to_fraction(v) for v in row] for row in net.layers[0].weights.tolist()]
    b = [to_fraction(net.layers[0].biases[j, 0]) for j in range(len(W))]
    v = [to_fraction(x) for x in net.layers[1].weights.tolist()[0]]
    groups: dict[tuple, list[tuple[Fraction, Fraction]]] = {}
    for wj, bj, vj in zip(W, b, v):
        n, beta, alpha = _canonical(wj, bj)
        groups.setdefault((n, beta), []).append((alpha, vj))
    sites = []  # (hyperplane, jump, |n|^2, p, up, down)
    for (n, beta), units in groups.items():
        others = [(wo, bo) for wo, bo in zip(W, b) if _canonical(wo, bo)[:2] != (n, beta)]
        jump = sum((vj * (alpha if mutant else abs(alpha)) for alpha, vj in units), Fraction(0))
        for p in _points_on(n, beta, others):
            eps = Fraction(1)
            for wo, bo in others:
                wn = wo[0] * n[0] + wo[1] * n[1]
                if wn:
                    eps = min(eps, abs(wo[0] * p[0] + wo[1] * p[1] + bo) / abs(wn) / 2)
            up = (p[0] + eps * n[0], p[1] + eps * n[1])
            down = (p[0] - eps * n[0], p[1] - eps * n[1])
            sites.append(((n, beta), eps * jump * (n[0] ** 2 + n[1] ** 2), p, up, down))
    values = net.evaluate([list(q) for site in sites for q in site[2:]])
    for k, (line, step, _, up, _) in enumerate(sites):
        fp, fup, fdown = (v[0] for v in values[3 * k : 3 * k + 3])
        want = 2 * fp - fdown + step
        if fup != want:
            claim = f"{RESULT}: {MUTANT if mutant else STATEMENT}; hyperplane {line[0]}.x + {line[1]} = 0"
            return value_witness(claim, net, up, [want])
    return None


def _deep(expr: str) -> Witness | None:
    """Two points of x1 = 0 with different second differences, and the library's refusal."""
    t = PWL.from_expr(expr, 2)
    eps = Fraction(1, 4)
    d2 = [t([eps + p[0], p[1]])[0] + t([p[0] - eps, p[1]])[0] - 2 * t(list(p))[0] for p in DEEP[expr]]
    if d2[0] == d2[1]:
        raise AssertionError(f"{RESULT}: {expr}: equal second differences {d2} along x1 = 0")
    try:
        three_layer(t)
    except Refusal as r:
        w = r.witness
        for p, dd in zip(w.points, w.second_differences):
            e, a = w.epsilon, w.normal
            got = t([pi + e * ai for pi, ai in zip(p, a)])[0] + t([pi - e * ai for pi, ai in zip(p, a)])[0]
            if got - 2 * t(list(p))[0] != dd[0]:
                raise AssertionError(
                    f"{RESULT}: {expr}: the refusal's second difference does not replay"
                ) from None
        if w.second_differences[0] == w.second_differences[1]:
            raise AssertionError(f"{RESULT}: {expr}: the refusal's second differences are equal") from None
        return None
    raise AssertionError(f"{RESULT}: {expr}: three_layer built a network for a depth-2 target")
