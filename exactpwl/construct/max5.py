"""max(x1, ..., x5) with two hidden layers (PAPER.md R20), from an exact identity.

Bakaev, Brunck, Hertrich, Stade and Yehudayoff ("Better Neural Network Expressivity:
Subdividing the Simplex", arXiv:2505.14338, 2025) refuted the conjecture that max(0, x1..xn)
needs ceil(log2(n + 1)) hidden layers: two suffice for the maximum of five numbers.  We build
the network from the identity of PAPER.md (their Prop. 3 outline, completed):

    2 max(x1, ..., x5) = P1 + P2 + P3 + P4 + Q - R13 - R14 - R23 - R24,

where every term is ``max(U, V)`` with U and V sums of maxima of two linear forms:

* a maximum of two linear forms is one first-layer unit, ``max(a, b) = b + relu(a - b)``;
* the linear parts are carried by pairs ``r.x = relu(r.x) - relu(-r.x)``, one pair per
  direction of a basis of the linear parts that the second layer needs;
* each term ``max(U, V) = V + relu(U - V)`` is one second-layer unit, and the carried sum
  ``L = sum_k s_k V_k`` of the terms' second arguments goes through ``relu(L) - relu(-L)``.

The result has integer hidden weights, zero biases and output weights +-1/2; it is certified
equal to ``max(x1, ..., x5)`` on all of R^5.  ``identity()`` returns the terms as data, so a
mutant (a flipped sign, a dropped term) is one list edit away, and ``network(terms)`` builds
the network of any such list.

>>> c = max5()
>>> c.network.architecture, c.network([3, -1, 7, "1/2", 2])
('5-12-11-1', [Fraction(7, 1)])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy
from sympy import Rational, Sum

from ..errors import InputError
from ..formula import Dot, Eq, MaxOf, Notation, Qualified, Relu, Text, affine, evaluate, ix, sym, variables
from ..network import Network
from ..pwl import PWL
from ..ranks import row_basis
from . import Construction, Step, given_target, register

__all__ = ["Atom", "Term", "identity", "network", "max5", "TARGET"]

N = 5
TARGET = "max(x1, x2, x3, x4, x5)"
Lin = tuple[int, ...]  # integer coefficients of x1..x5
X = sym("x")


def _x(*pairs: tuple[int, int]) -> Lin:
    """The linear form sum c * x_i from (i, c) pairs (1-based i)."""
    v = [0] * N
    for i, c in pairs:
        v[i - 1] += c
    return tuple(v)


def _lin_text(a: Sequence[Any]) -> str:
    parts = []
    for i, c in enumerate(a):
        if c:
            mag = "" if abs(c) == 1 else f"{abs(c)}*"
            parts.append(("-" if c < 0 else "+", f"{mag}x{i + 1}"))
    if not parts:
        return "0"
    text = ("-" if parts[0][0] == "-" else "") + parts[0][1]
    return text + "".join(f" {s} {t}" for s, t in parts[1:])


@dataclass(frozen=True)
class Atom:
    """``max(a, b)`` of two linear forms, or the linear form ``a`` alone (``b`` is None)."""

    a: Lin
    b: Lin | None = None

    def value(self, x: Sequence[Fraction]) -> Fraction:
        va = sum((c * xi for c, xi in zip(self.a, x)), Fraction(0))
        if self.b is None:
            return va
        return max(va, sum((c * xi for c, xi in zip(self.b, x)), Fraction(0)))

    def text(self) -> str:
        return _lin_text(self.a) if self.b is None else f"max({_lin_text(self.a)}, {_lin_text(self.b)})"

    def formula(self) -> Any:
        """The atom as a sympy formula."""
        return affine(self.a) if self.b is None else MaxOf(affine(self.a), affine(self.b))


@dataclass(frozen=True)
class Term:
    """``sign * max(U, V)``, with U and V sums of atoms; ``name`` as in PAPER.md (P1, Q, R13, ...)."""

    name: str
    sign: int
    U: tuple[Atom, ...]
    V: tuple[Atom, ...]

    def value(self, x: Sequence[Fraction]) -> Fraction:
        """The exact value ``sign * max(U(x), V(x))`` (a direct evaluation, no network)."""
        u = sum((t.value(x) for t in self.U), Fraction(0))
        v = sum((t.value(x) for t in self.V), Fraction(0))
        return self.sign * max(u, v)

    def text(self) -> str:
        side = [" + ".join(t.text() for t in s) for s in (self.U, self.V)]
        return f"max({side[0]}, {side[1]})"

    def formula(self) -> Any:
        """``max(U, V)`` as a sympy formula (``exactpwl.formula``)."""
        with evaluate(False):
            U, V = (sympy.Add(*[t.formula() for t in side]) for side in (self.U, self.V))
            return MaxOf(U, V)


def identity() -> list[Term]:
    """The nine terms of ``2 max(x1..x5) = P1 + P2 + P3 + P4 + Q - R13 - R14 - R23 - R24``.

    A12 = max(2x5, x1 + x2) and A34 = max(2x5, x3 + x4); Q = max(A12, A34); and
    Rij = max(2x5, x1 + x2, x3 + x4, xi + xj) = max(A12, x_j' + max(x_i, x_k)) where the second
    argument is max(x3 + x4, xi + xj) written with one pairwise maximum.
    """
    x = [_x((i, 1)) for i in range(1, N + 1)]
    A12 = Atom(_x((5, 2)), _x((1, 1), (2, 1)))
    A34 = Atom(_x((5, 2)), _x((3, 1), (4, 1)))

    def m(i: int, j: int) -> Atom:
        return Atom(x[i - 1], x[j - 1])

    return [
        Term("P1", 1, (A12,), (m(1, 3), m(1, 4))),
        Term("P2", 1, (A12,), (m(2, 3), m(2, 4))),
        Term("P3", 1, (A34,), (m(3, 1), m(3, 2))),
        Term("P4", 1, (A34,), (m(4, 1), m(4, 2))),
        Term("Q", 1, (A12,), (A34,)),
        Term("R13", -1, (A12,), (Atom(x[2]), m(1, 4))),  # max(x3 + x4, x1 + x3) = x3 + max(x1, x4)
        Term("R14", -1, (A12,), (Atom(x[3]), m(1, 3))),  # max(x3 + x4, x1 + x4) = x4 + max(x1, x3)
        Term("R23", -1, (A12,), (Atom(x[2]), m(2, 4))),
        Term("R24", -1, (A12,), (Atom(x[3]), m(2, 3))),
    ]


class _FirstLayer:
    """First-layer expressions ``lin . x + sum_u coef_u h_u``, with one unit per pairwise maximum."""

    def __init__(self) -> None:
        self.units: list[Lin] = []  # unit u is relu(units[u] . x)

    def unit(self, d: Lin) -> int:
        if d not in self.units:
            self.units.append(d)
        return self.units.index(d)

    def atom(self, t: Atom) -> tuple[list[int], dict[int, int]]:
        if t.b is None:
            return list(t.a), {}
        d = tuple(p - q for p, q in zip(t.a, t.b))
        back = tuple(-v for v in d)
        if back in self.units:  # max(a, b) = a + relu(b - a): reuse that unit
            return list(t.a), {self.unit(back): 1}
        return list(t.b), {self.unit(d): 1}

    def side(self, atoms: Sequence[Atom]) -> tuple[list[int], dict[int, int]]:
        lin, units = [0] * N, {}
        for t in atoms:
            a, u = self.atom(t)
            lin = [p + q for p, q in zip(lin, a)]
            for k, c in u.items():
                units[k] = units.get(k, 0) + c
        return lin, units


def _minus(p: tuple[list[int], dict[int, int]], q: tuple[list[int], dict[int, int]], s: int = 1):
    lin = [a - s * b for a, b in zip(p[0], q[0])]
    units = dict(p[1])
    for k, c in q[1].items():
        units[k] = units.get(k, 0) - s * c
    return lin, units


def network(terms: Sequence[Term]) -> tuple[Network, dict[str, Any]]:
    """The two-hidden-layer network of ``(1/2) sum_k sign_k max(U_k, V_k)``, and its parts.

    For ``identity()`` this is max(x1..x5); for any other list of terms it is what the list says
    (so a mutant's network computes the mutant's formula).
    """
    if not terms:
        raise InputError("max5: needs at least one term")
    first = _FirstLayer()
    diffs, carried = [], ([0] * N, {})
    for t in terms:
        U, V = first.side(t.U), first.side(t.V)
        diffs.append(_minus(U, V))
        carried = _minus(carried, V, -t.sign)  # L += sign * V
    needed = [d[0] for d in diffs] + [carried[0]]
    basis, C = row_basis([[Fraction(v) for v in row] for row in needed])
    m = len(first.units)
    W1 = [list(u) for u in first.units]
    for r in basis:
        W1 += [list(r), [-v for v in r]]

    def over_h(expr: tuple[list[int], dict[int, int]], coeffs: Sequence[Fraction]) -> list[Fraction]:
        """The expression as weights over the first layer's outputs h."""
        row = [Fraction(expr[1].get(u, 0)) for u in range(m)]
        for c in coeffs:
            row += [c, -c]
        return row

    W2 = [over_h(d, C[k]) for k, d in enumerate(diffs)]
    out = [Fraction(t.sign, 2) for t in terms]
    L = over_h(carried, C[-1])
    if any(L):
        W2 += [L, [-v for v in L]]
        out += [Fraction(1, 2), Fraction(-1, 2)]
    net = Network.from_layers(
        [(W1, [0] * len(W1)), (W2, [0] * len(W2)), ([out], [0])],
        description="(1/2) (" + " ".join(f"{'+' if t.sign > 0 else '-'} {t.text()}" for t in terms) + ")",
    )
    parts = {
        "pairwise units": [list(u) for u in first.units],
        "carried directions": [list(r) for r in basis],
        "W1": W1,
        "W2": W2,
        "output": out,
        "L": carried,
    }
    return net, parts


def max5(terms: Sequence[Term] | None = None) -> Construction:
    """R20: max(x1, ..., x5) with two hidden layers, from ``identity()`` (or the given ``terms``).

    Why two layers suffice: every term of the identity is a max of two sums of pairwise maxima,
    so the pairwise maxima are first-layer units and each term is one second-layer unit.
    """
    terms = identity() if terms is None else list(terms)
    net, parts = network(terms)
    xs = variables(N)
    a, b, r, U, V, L, k = (sym(c) for c in ("a", "b", "r", "U", "V", "L", "k"))
    s_k, U_k, V_k = ix("s", k), ix("U", k), ix("V", k)
    with evaluate(False):
        rhs = sympy.Add(*[(1 if t.sign > 0 else -1) * sym(t.name) for t in terms])
        steps = [
            Step(
                "input",
                "The identity (Bakaev et al. 2025, Prop. 3 outline, completed; PAPER.md R20)",
                Eq(2 * MaxOf(*xs), rhs),
                {sym(t.name): t.formula() for t in terms},
            ),
            Step(
                "assembly",
                "Layer 1: one ReLU unit per maximum of two linear forms",
                Eq(MaxOf(a, b), b + Relu(a - b)),
                {sym("d"): parts["pairwise units"]},
            ),
            Step(
                "assembly",
                "Layer 1: the linear parts the second layer needs, carried by pairs of units",
                Qualified(Eq(Dot(r, X), Relu(Dot(r, X)) - Relu(-Dot(r, X))), Text("r in a basis of them")),
                {r: parts["carried directions"], Notation("W1", "W^{1}"): parts["W1"]},
            ),
            Step(
                "assembly",
                "Layer 2: one unit per term, and the sum of the second arguments carried by a pair",
                (
                    Eq(MaxOf(U, V), V + Relu(U - V)),
                    Eq(L, Sum(s_k * V_k, (k, 1, len(terms)))),
                    Eq(L, Relu(L) - Relu(-L)),
                ),
                {Notation("W2", "W^{2}"): parts["W2"]},
            ),
            Step(
                "assembly",
                "Output: half the signed sum",
                Eq(
                    MaxOf(*xs),
                    Rational(1, 2) * (Sum(s_k * Relu(U_k - V_k), (k, 1, len(terms))) + Relu(L) - Relu(-L)),
                ),
                {Notation("W3", "W^{3}"): [parts["output"]], "architecture": net.architecture},
            ),
        ]
    # the identity's network is symmetric in (x1 x2) and (x3 x4) unit by unit (proved when
    # certified): the chamber x1 >= x2, x3 >= x4 is a quarter of R^5; a mutant may not be
    blocks = [[0, 1], [2, 3]] if terms == identity() else None
    return Construction("max5", net, PWL.from_expr(TARGET, N), None, steps, symmetric_in=blocks)


@register("max5", "R20: max(x1, ..., x5) with two hidden layers (Bakaev et al. 2025); target max of 5")
def _build(data: dict) -> Construction:
    """The max5 network for a target that must equal max(x1..x5) on R^5 (certified, or refused)."""
    return given_target(max5(), data, "max(x1, ..., x5)")
