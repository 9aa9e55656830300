"""1-D CPWL functions as one-hidden-layer networks: hinge and segment forms (PAPER.md R3, R4).

Given breakpoints a = x_0 < x_1 < ... < x_{k+1} = b with values y_i, the slope on [x_i, x_{i+1}]
is s_i.  Two exact forms (both equal f on [a, b]):

* hinge (k+1 units):  f(x) = f(x_0) + s_0 relu(x - x_0) + sum_i (s_i - s_{i-1}) relu(x - x_i);
  left-oriented:      f(x) = f(x_{k+1}) - s_k relu(x_{k+1} - x) + sum_i (s_i - s_{i-1}) relu(x_i - x);
* segment (2(k+1) units): f(x) = f(x_0) + sum_i s_i [relu(x - x_i) - relu(x - x_{i+1})], constant
  outside [a, b].

A breakpoints target (FORMATS.md) continues its first and last segments beyond [a, b].  The hinge
form is flat on one side, so by default (``tails=True``) it gets one more unit of the other
orientation that continues the slope there (R4), and the claim is on all of R.  The segment form
is kept as the paper states it, a claim on [a, b] only, unless ``tails=True`` adds both tails.

>>> c = hinge([[0, 0], [1, 2], [2, 1], [4, 3]])
>>> c.network([3]), c.network([-1]), c.holds_on, c.certify().holds
([Fraction(2, 1)], [Fraction(-2, 1)], 'R^1', True)
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from sympy import Function, IndexedBase, Sum

from ..errors import InputError
from ..formula import DOTS, Chain, Eq, IndexRange, Qualified, Relu, evaluate, ix, sym
from ..network import Network
from ..pwl import PWL, read_breakpoints
from . import Construction, Step, register

__all__ = ["hinge", "segment", "read_breakpoints"]


def _slopes(pts: list[tuple[Fraction, Fraction]]) -> list[Fraction]:
    return [(y1 - y0) / (x1 - x0) for (x0, y0), (x1, y1) in zip(pts, pts[1:])]


X, I_, J, K, C = sym("x"), sym("i"), sym("j"), sym("k"), sym("c")
T, V = IndexedBase("t"), IndexedBase("v")  # the units' breakpoints and coefficients, as vectors
f = Function("f")


def x(i: Any) -> Any:
    return ix("x", i)


def S(i: Any) -> Any:
    return ix("s", i)


def _pieces_steps(
    pts: list[tuple[Fraction, Fraction]], s: list[Fraction], diffs: list[Fraction] | None = None
):
    """The steps both forms start with: breakpoints, slopes (and the slope differences)."""
    y = lambda i: ix("y", i)  # noqa: E731
    with evaluate(False):
        steps = [
            Step(
                "input",
                "Breakpoints of f and the values of f there",
                (Chain("<", x(0), x(1), DOTS, x(K + 1)), Eq(y(I_), f(x(I_)))),
                {IndexedBase("x"): [p for p, _ in pts], IndexedBase("y"): [q for _, q in pts]},
            ),
            Step(
                "derived",
                "Slopes of the pieces",
                Qualified(Eq(S(I_), (y(I_ + 1) - y(I_)) / (x(I_ + 1) - x(I_))), IndexRange(I_, 0, K)),
                {IndexedBase("s"): s},
            ),
        ]
        if diffs is not None:
            steps.append(
                Step(
                    "derived",
                    "Slope differences at the interior breakpoints",
                    Qualified(Eq(ix("d", I_), S(I_) - S(I_ - 1)), IndexRange(I_, 1, K)),
                    {IndexedBase("d"): diffs},
                )
            )
    return steps


def _one_layer(thresholds: list[Fraction], signs: list[int], coeffs: list[Fraction], bias: Fraction):
    """The network  bias + sum_j coeffs_j relu(sign_j (x - t_j))."""
    W1 = [[s] for s in signs]
    b1 = [-s * t for s, t in zip(signs, thresholds)]
    return Network.from_layers([(W1, b1), ([coeffs], [bias])])


def _target(pts: list[tuple[Fraction, Fraction]], whole_line: bool) -> tuple[PWL, dict | None]:
    """The breakpoints target, and the domain of the claim: R (None) or [a, b]."""
    domain = None if whole_line else {"box": [[pts[0][0], pts[-1][0]]]}
    return PWL.from_breakpoints([[x, y] for x, y in pts]), domain


def hinge(points: Sequence[Sequence[Any]], orientation: str = "right", tails: bool = True) -> Construction:
    """R3 hinge form: one unit per breakpoint x_0..x_k (right) or x_1..x_{k+1} (left).

    Why: every unit stays active on a half-line, so it "interferes" with all later pieces
    (R4); its coefficient must be the slope *difference* that cancels the slope left by the
    earlier units.  The k + 1 units are constant left of x_0 (right) or right of x_{k+1} (left);
    with ``tails`` (default) one unit of the other orientation continues the end slope there, and
    the claim is on all of R, as the breakpoints target is defined; without, on [x_0, x_{k+1}].
    """
    if orientation not in ("right", "left"):
        raise InputError(f"orientation: expected 'right' or 'left', got {orientation!r}")
    pts = read_breakpoints(points)
    xs = [x for x, _ in pts]
    s = _slopes(pts)
    k = len(s) - 1
    diffs = [s[i] - s[i - 1] for i in range(1, k + 1)]
    steps = _pieces_steps(pts, s, diffs)
    with evaluate(False):
        if orientation == "right":
            t, signs, v, bias = xs[:-1], [1] * (k + 1), [s[0], *diffs], pts[0][1]
            cum = [sum(v[: j + 1], Fraction(0)) for j in range(k + 1)]
            form = Eq(
                f(X), f(x(0)) + S(0) * Relu(X - x(0)) + Sum((S(I_) - S(I_ - 1)) * Relu(X - x(I_)), (I_, 1, K))
            )
            steps += [
                Step(
                    "assembly",
                    "Right-oriented units at the breakpoints but the last; the coefficients are the first "
                    "slope and the slope differences",
                    (form, Eq(C, f(x(0)))),
                    {T: t, V: v, C: bias},
                ),
                Step(
                    "derived",
                    "R4 bookkeeping: each unit adds its coefficient to the slope right of its breakpoint",
                    Qualified(Eq(S(J), Sum(ix("v", I_), (I_, 0, J))), IndexRange(J, 0, K)),
                    {Sum(ix("v", I_), (I_, 0, J)): cum},
                ),
            ]
        else:
            t, signs, v, bias = xs[1:], [-1] * (k + 1), [*diffs, -s[-1]], pts[-1][1]
            cum = [-sum(v[j:], Fraction(0)) for j in range(k + 1)]
            form = Eq(
                f(X),
                f(x(K + 1))
                - S(K) * Relu(x(K + 1) - X)
                + Sum((S(I_) - S(I_ - 1)) * Relu(x(I_) - X), (I_, 1, K)),
            )
            steps += [
                Step(
                    "assembly",
                    "Left-oriented units at the breakpoints but the first; the coefficients are the slope "
                    "differences and minus the last slope",
                    (form, Eq(C, f(x(K + 1)))),
                    {T: t, V: v, C: bias},
                ),
                Step(
                    "derived",
                    "R4 bookkeeping: each unit takes its coefficient off the slope left of its breakpoint",
                    Qualified(Eq(S(J - 1), -Sum(ix("v", I_), (I_, J, K + 1))), IndexRange(J, 1, K + 1)),
                    {-Sum(ix("v", I_), (I_, J, K + 1)): cum},
                ),
            ]
    end = s[0] if orientation == "right" else s[-1]
    if tails and end != 0:
        with evaluate(False):
            if orientation == "right":
                t, signs, v = [*t, xs[0]], [*signs, -1], [*v, -end]
                title = (
                    "Left tail: a left-oriented unit at the first breakpoint continues the first piece (R4)"
                )
                formula = (Eq(f(X), DOTS - S(0) * Relu(x(0) - X)), Eq(sym("t"), x(0)), Eq(sym("v"), -S(0)))
            else:
                t, signs, v = [*t, xs[-1]], [*signs, 1], [*v, end]
                title = (
                    "Right tail: a right-oriented unit at the last breakpoint continues the last piece (R4)"
                )
                formula = (
                    Eq(f(X), DOTS + S(K) * Relu(X - x(K + 1))),
                    Eq(sym("t"), x(K + 1)),
                    Eq(sym("v"), S(K)),
                )
        steps.append(Step("choice", title, formula, {sym("t"): t[-1], sym("v"): v[-1]}))
    target, domain = _target(pts, tails)
    net = _one_layer(t, signs, v, bias)
    return Construction(f"hinge ({orientation})", net, target, domain, steps)


def segment(points: Sequence[Sequence[Any]], tails: bool = False) -> Construction:
    """R3 segment form: a pair of units per piece, each pair a "line segment" (2020 paper).

    Why: relu(x - x_i) - relu(x - x_{i+1}) is 0 left of x_i, rises with slope 1 on the piece and is
    constant right of it, so piece i does not interfere with later pieces; the network extends f
    by constants outside [a, b], so the claim is on [a, b].  With ``tails`` two more units,
    -s_0 relu(x_0 - x) and s_k relu(x - x_{k+1}), continue the end slopes, and the claim is on R.
    """
    pts = read_breakpoints(points)
    xs = [x for x, _ in pts]
    s = _slopes(pts)
    t, signs, v = [], [], []
    for i, si in enumerate(s):
        t += [xs[i], xs[i + 1]]
        signs += [1, 1]
        v += [si, -si]
    steps = _pieces_steps(pts, s)
    f_b = pts[0][1] + sum((si * (xs[i + 1] - xs[i]) for i, si in enumerate(s)), 0)
    a, b = sym("a"), sym("b")
    with evaluate(False):
        steps += [
            Step(
                "assembly",
                "One line segment per piece, weighted by its slope",
                (
                    Eq(f(X), f(x(0)) + Sum(S(I_) * (Relu(X - x(I_)) - Relu(X - x(I_ + 1))), (I_, 0, K))),
                    Eq(C, f(x(0))),
                ),
                {T: t, V: v, C: pts[0][1]},
            ),
            Step(
                "derived",
                "Outside the interval every segment is flat, so the network is constant there",
                (
                    Qualified(Eq(f(X), f(a)), a >= X),
                    Qualified(Eq(f(X), f(a) + Sum(S(I_) * (x(I_ + 1) - x(I_)), (I_, 0, K))), b <= X),
                ),
                {f(a): pts[0][1], f(b): f_b},
            ),
        ]
    if tails:
        t, signs, v = [*t, xs[0], xs[-1]], [*signs, -1, 1], [*v, -s[0], s[-1]]
        with evaluate(False):
            form = Eq(f(X), DOTS - S(0) * Relu(x(0) - X) + S(K) * Relu(X - x(K + 1)))
        steps.append(
            Step(
                "choice",
                "Tails: two more units continue the first and last slopes beyond the interval (R4)",
                form,
                {sym("t"): [xs[0], xs[-1]], sym("v"): [-s[0], s[-1]]},
            )
        )
    target, domain = _target(pts, tails)
    return Construction("segment", _one_layer(t, signs, v, pts[0][1]), target, domain, steps)


def _breakpoints_of(target_json: dict) -> list:
    """The breakpoints of an ``exactpwl.pwl`` JSON object (validated), for the CLI methods."""
    t = PWL.from_dict(target_json)
    if t.kind != "breakpoints":
        raise InputError(f"target: this method needs a 'breakpoints' target, got {t.kind!r}")
    return t.data["breakpoints"]


@register("hinge", "R3/R4: 1-D CPWL from breakpoints, relu(x - x_i) per breakpoint and a left tail (on R)")
def _hinge_cli(target_json: dict) -> Construction:
    return hinge(_breakpoints_of(target_json))


@register("segment", "R3: 1-D CPWL from breakpoints as line segments, on [a, b] (constant outside)")
def _segment_cli(target_json: dict) -> Construction:
    return segment(_breakpoints_of(target_json))
