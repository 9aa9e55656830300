"""max(x1, ..., x6) with two hidden layers (PAPER.md R21), built to be exactly S6-symmetric.

A public, unreviewed claim (msun170/relu-max6, MIT) writes max(x1..x6) as a signed sum of 1,530
terms ``max(Z1, Z2)``, where Z1 and Z2 are sums of two of ``x_i`` and ``max(x_i, x_j)``: six
orbits under the symmetric group S6, one representative each, with one coefficient per orbit
(``TABLE``, typed in from PAPER.md).  We expand every representative to its orbit (apply each of
the 720 permutations of the coordinates, keep the distinct terms) and build the network so that
every permutation of the inputs maps it onto itself:

* layer 1 (32 units): ``relu(x_a - x_b)`` for all a != b and ``relu(+-s)``, ``s = x1 + ... + x6``;
  every first-layer quantity is written over them *equivariantly*:
  ``max(x_a, x_b) = (x_a + x_b)/2 + (relu(x_a - x_b) + relu(x_b - x_a))/2`` and
  ``x_i = s/6 + (1/6) sum_j (relu(x_i - x_j) - relu(x_j - x_i))``;
* layer 2: one unit ``relu(Z1 - Z2)`` per term, since ``max(Z1, Z2) = Z2 + relu(Z1 - Z2)``; where
  a permutation maps a term onto itself with Z1 and Z2 exchanged (the orbit of T6), the term is
  split symmetrically, ``max(Z1, Z2) = (Z1 + Z2)/2 + (relu(Z1 - Z2) + relu(Z2 - Z1))/2``, two units;
  the sum L of the terms' remaining linear parts, a symmetric combination of first-layer units,
  is ``relu(P) - relu(N)`` with P and N its parts with positive and negative coefficients: both
  are >= 0, so these two units add no kink (and no region);
* the output: the signed sum with the orbit's coefficients.

Hidden rows are scaled to primitive integer vectors (``relu(k z) = k relu(z)`` for ``k > 0``, the
output weight divided by k); all biases are zero.  The result, 6-32-1622-1, is certified equal to
max(x1..x6) on all of R^6 through its symmetry (``certify(..., symmetric_in=[[0, ..., 5]])``):
on the chamber x1 >= ... >= x6, a few thousand regions instead of millions.

>>> c = max6()
>>> c.network.architecture, c.network([3, -1, 7, "1/2", 2, 5])
('6-32-1622-1', [Fraction(7, 1)])
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cache

import sympy
from sympy import Function, Rational, Sum

from ..errors import InputError
from ..expr import Add, Expr, Max, Scale, Var, canonical, parse, rename, to_text
from ..expr import evaluate as evaluate_expr
from ..formula import Eq, MaxOf, Relu, evaluate, ix, sym, variables
from ..network import Network
from ..pwl import PWL
from . import Construction, Step, given_target, register

__all__ = ["TABLE", "Term", "terms", "orbit_terms", "network", "max6", "TARGET"]

N = 6
TARGET = "max(x1, x2, x3, x4, x5, x6)"
# PAPER.md R21: orbit name, coefficient, representative max(Z1, Z2)
TABLE = (
    ("T1", "1/360", "max(x3 + max(x2, x3), max(x1, x3) + max(x1, x6))"),
    ("T2", "-1/360", "max(x3 + max(x3, x6), x2 + max(x5, x6))"),
    ("T3", "1/360", "max(2*max(x4, x6), max(x2, x5) + max(x2, x6))"),
    ("T4", "1/90", "max(max(x3, x4) + max(x3, x6), max(x1, x2) + max(x3, x5))"),
    ("T5", "-1/90", "max(max(x2, x4) + max(x5, x6), max(x1, x4) + max(x2, x3))"),
    ("T6", "-1/180", "max(max(x5, x6) + max(x3, x6), max(x1, x2) + max(x1, x4))"),
)


def _pairs(n: int) -> list[tuple[int, int]]:
    """The first layer's pairwise units: unit k < n(n-1) is relu(x_a - x_b); then relu(s), relu(-s)."""
    return [(a, b) for a in range(n) for b in range(n) if a != b]


@dataclass(frozen=True)
class Term:
    """``coef * max(Z1, Z2)``, one member of the orbit ``orbit``; ``split``: two units (see above)."""

    orbit: str
    coef: Fraction
    Z1: Expr
    Z2: Expr
    split: bool

    def value(self, x: Sequence[Fraction]) -> Fraction:
        """The exact value ``coef * max(Z1(x), Z2(x))`` (the expression evaluator, no network)."""
        return self.coef * Fraction(str(max(evaluate_expr(self.Z1, x), evaluate_expr(self.Z2, x))))

    def text(self) -> str:
        return f"max({to_text(self.Z1)}, {to_text(self.Z2)})"


def terms() -> tuple[Term, ...]:
    """All 1,530 terms of R21: each representative of ``TABLE`` under every permutation of x1..x6."""
    return orbit_terms(TABLE, N)


@cache
def orbit_terms(table: tuple[tuple[str, str, str], ...], n: int) -> tuple[Term, ...]:
    """Every representative ``max(Z1, Z2)`` of ``table`` (name, coefficient, text) under every
    permutation of x1..xn.

    A term is kept once (its two sides as a set, after sorting the arguments of every sum and
    max); its orientation is that of the first permutation that produced it.  ``split`` marks the
    orbits where some permutation maps a term onto itself with Z1 and Z2 exchanged.
    """
    out = []
    for name, coef, text in table:
        rep = parse(text, n)
        if not isinstance(rep, Max) or len(rep.args) != 2:
            raise InputError(f"{name}: expected max(Z1, Z2), got {text}")
        seen: dict[tuple[str, str], tuple[Expr, Expr]] = {}
        split = False
        for image in itertools.permutations(range(1, n + 1)):
            z1, z2 = (canonical(rename(z, image)) for z in rep.args)
            key = tuple(sorted((to_text(z1), to_text(z2))))
            if key not in seen:
                seen[key] = (z1, z2)
            elif to_text(seen[key][0]) != to_text(z1):
                split = True
        out += [Term(name, Fraction(coef), z1, z2, split) for z1, z2 in seen.values()]
    return tuple(out)


def _over_units(z: Expr, n: int) -> list[int]:
    """2n times a sum of ``c x_i`` and ``c max(x_a, x_b)`` (integer c) as weights over the
    first-layer units, written equivariantly (integers: the denominators are 2 and n)."""
    pairs = _pairs(n)
    unit = {p: k for k, p in enumerate(pairs)}
    w = [0] * (len(pairs) + 2)
    lin = [0] * n  # 2n times the linear part
    for t in z.terms if isinstance(z, Add) else (z,):
        c = 1
        if isinstance(t, Scale) and t.coef.q == 1:
            c, t = int(t.coef.p), t.arg
        if isinstance(t, Var):
            lin[t.index - 1] += 2 * n * c
        elif isinstance(t, Max) and len(t.args) == 2 and all(isinstance(v, Var) for v in t.args):
            a, b = (v.index - 1 for v in t.args)
            if a == b:
                raise InputError(f"max6: {to_text(t)} is the maximum of one variable")
            lin[a] += n * c
            lin[b] += n * c
            w[unit[a, b]] += n * c
            w[unit[b, a]] += n * c
        else:
            raise InputError(f"max6: {to_text(t)} is neither x_i nor an integer multiple of max(x_i, x_j)")
    w[-2] += sum(lin) // n  # relu(s)
    w[-1] -= sum(lin) // n  # relu(-s)
    for i in range(n):
        for j in range(n):
            if i != j:
                w[unit[i, j]] += lin[i] // n
                w[unit[j, i]] -= lin[i] // n
    return w


def _primitive(row: Sequence[int]) -> tuple[list[int], int]:
    """``row = g * ints`` with ``ints`` primitive and ``g > 0``."""
    g = math.gcd(*row) or 1
    return [v // g for v in row], g


def network(ts: Sequence[Term] | None = None, n: int = N) -> Network:
    """The two-hidden-layer network of ``sum_k coef_k max(Z1_k, Z2_k)`` over x1..xn (for the
    default ``terms()``: max of six).  Symmetric in all n inputs when the terms are whole orbits."""
    ts = terms() if ts is None else list(ts)
    if not ts:
        raise InputError("max6: needs at least one term")
    W1 = [[int(k == a) - int(k == b) for k in range(n)] for a, b in _pairs(n)] + [[1] * n, [-1] * n]
    W2: list[list[int]] = []
    out: list[Fraction] = []
    carried = [Fraction(0)] * len(W1)  # 2n times L
    scale = 2 * n

    def unit(row: Sequence[int], weight: Fraction) -> None:  # weight * relu(row . h / 2n)
        ints, g = _primitive(row)
        W2.append(ints)
        out.append(weight * Fraction(g, scale))

    for t in ts:
        z1, z2 = _over_units(t.Z1, n), _over_units(t.Z2, n)
        d = [p - q for p, q in zip(z1, z2)]
        if t.split:  # (Z1 + Z2)/2 + (relu(Z1 - Z2) + relu(Z2 - Z1))/2
            unit(d, t.coef / 2)
            unit([-v for v in d], t.coef / 2)
            carried = [c + t.coef * (p + q) / 2 for c, p, q in zip(carried, z1, z2)]
        else:  # Z2 + relu(Z1 - Z2)
            unit(d, t.coef)
            carried = [c + t.coef * q for c, q in zip(carried, z2)]
    if any(carried):  # the units of an empty part are left out
        den = math.lcm(*(c.denominator for c in carried))
        ints = [int(c * den) for c in carried]
        for sign in (1, -1):  # L = relu(P) - relu(N) with P, N >= 0
            part = [max(sign * v, 0) for v in ints]
            if any(part):
                unit(part, Fraction(sign, den))
    return Network.from_layers(
        [(W1, [0] * len(W1)), (W2, [0] * len(W2)), ([out], [0])],
        description=f"sum of {len(ts)} terms coef * max(Z1, Z2) over S{n}-orbits, S{n}-symmetric",
    )


def max6() -> Construction:
    """R21: max(x1, ..., x6) with two hidden layers, exactly S6-symmetric by construction."""
    ts = terms()
    net = network(ts)
    sizes = {name: sum(t.orbit == name for t in ts) for name, _, _ in TABLE}
    split = sorted({t.orbit for t in ts if t.split})
    xs = variables(N)
    a, b, Z1, Z2, L, P, Q, k, z = (sym(c) for c in ("a", "b", "Z1", "Z2", "L", "P", "N", "k", "z"))
    i, j = sym("i"), sym("j")
    x_i, x_j, s = ix("x", i), ix("x", j), sym("s")
    net_of, sigma, x = Function("net"), sym("sigma"), sym("x")
    with evaluate(False):
        steps = [
            Step(
                "input",
                "The identity (PAPER.md R21; msun170/relu-max6, not peer reviewed): T_k is the sum of "
                "max(Z1, Z2) over the S6-orbit of row k's representative",
                Eq(MaxOf(*xs), sympy.Add(*[Rational(coef) * sym(name) for name, coef, _ in TABLE])),
                {sym(name): text for name, _, text in TABLE},
            ),
            Step(
                "count",
                "The orbits: every permutation of x1..x6 applied to each representative, distinct terms kept",
                (),
                {**{f"|orbit({name})|": size for name, size in sizes.items()}, "terms": len(ts)},
            ),
            Step(
                "assembly",
                "Layer 1: the pairwise differences and the sum, so that every quantity is written "
                "equivariantly",
                (
                    Eq(MaxOf(a, b), (a + b) / 2 + (Relu(a - b) + Relu(b - a)) / 2),
                    Eq(x_i, s / 6 + Sum(Relu(x_i - x_j) - Relu(x_j - x_i), (j, 1, 6)) / 6),
                    Eq(s, sympy.Add(*xs)),
                ),
                {"units": net.layers[0].units},
            ),
            Step(
                "assembly",
                "Layer 2: one unit per term; a term that a permutation maps onto itself with Z1 and Z2 "
                "exchanged gets two; the remaining linear part L = P - N (P, N >= 0) gets relu(P), relu(N)",
                (
                    Eq(MaxOf(Z1, Z2), Z2 + Relu(Z1 - Z2)),
                    Eq(MaxOf(Z1, Z2), (Z1 + Z2) / 2 + (Relu(Z1 - Z2) + Relu(Z2 - Z1)) / 2),
                    Eq(L, Relu(P) - Relu(Q)),
                ),
                {"split orbits": ", ".join(split), "units": net.layers[1].units},
            ),
            Step(
                "assembly",
                "Output: the signed sum with each orbit's coefficient (hidden rows scaled to integers; k > 0)"
                "",
                Eq(Relu(k * z), k * Relu(z)),
                {"architecture": net.architecture},
            ),
            Step(
                "derived",
                "Symmetry: every permutation of the inputs maps the units of each layer onto themselves, "
                "so it suffices to certify on the chamber x1 >= ... >= x6",
                Eq(net_of(sigma * x), net_of(x)),
                {"symmetric in": "x1, x2, x3, x4, x5, x6"},
            ),
        ]
    return Construction("max6", net, PWL.from_expr(TARGET, N), None, steps, symmetric_in=[list(range(N))])


@register("max6", "R21: max(x1, ..., x6) with two hidden layers (S6-symmetric); target max of 6")
def _build(data: dict) -> Construction:
    """The max6 network for a target that must equal max(x1..x6) on R^6 (certified, or refused)."""
    return given_target(max6(), data, "max(x1, ..., x6)")
