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

from ..errors import InputError
from ..network import Network
from ..pwl import PWL, read_breakpoints
from . import Construction, Step, register

__all__ = ["hinge", "segment", "read_breakpoints"]


def _slopes(pts: list[tuple[Fraction, Fraction]]) -> list[Fraction]:
    return [(y1 - y0) / (x1 - x0) for (x0, y0), (x1, y1) in zip(pts, pts[1:])]


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
    steps = [
        Step("Breakpoints of f", "a = x_0 < x_1 < ... < x_{k+1} = b", {"x": xs, "f(x)": [y for _, y in pts]}),
        Step("Slopes of the pieces", "s_i = (y_{i+1} - y_i) / (x_{i+1} - x_i) on [x_i, x_{i+1}]", {"s": s}),
        Step("Slope differences at the interior breakpoints", "d_i = s_i - s_{i-1}, i = 1..k", {"d": diffs}),
    ]
    if orientation == "right":
        t, signs, v, bias = xs[:-1], [1] * (k + 1), [s[0], *diffs], pts[0][1]
        cum = [sum(v[: j + 1], Fraction(0)) for j in range(k + 1)]
        steps += [
            Step(
                "Right-oriented units relu(x - t_j) at t_j = x_0..x_k, coefficients v = (s_0, d_1..d_k)",
                "f(x) = f(x_0) + s_0 relu(x - x_0) + sum_{i=1}^{k} (s_i - s_{i-1}) relu(x - x_i)",
                {"t": t, "v": v, "c = f(x_0)": bias},
            ),
            Step(
                "R4 bookkeeping: unit j adds v_j to the slope right of t_j",
                "slope on (t_j, t_{j+1}) = v_1 + ... + v_j  (= s_j)",
                {"cumulative sums": cum},
            ),
        ]
    else:
        t, signs, v, bias = xs[1:], [-1] * (k + 1), [*diffs, -s[-1]], pts[-1][1]
        cum = [-sum(v[j:], Fraction(0)) for j in range(k + 1)]
        steps += [
            Step(
                "Left-oriented units relu(t_j - x) at t_j = x_1..x_{k+1}, coefficients v = (d_1..d_k, -s_k)",
                "f(x) = f(x_{k+1}) - s_k relu(x_{k+1} - x) + sum_{i=1}^{k} (s_i - s_{i-1}) relu(x_i - x)",
                {"t": t, "v": v, "c = f(x_{k+1})": bias},
            ),
            Step(
                "R4 bookkeeping: unit j adds -v_j to the slope left of t_j",
                "slope on (t_{j-1}, t_j) = -(v_j + ... + v_{k+1})  (= s_{j-1})",
                {"slopes from the units": cum},
            ),
        ]
    end = s[0] if orientation == "right" else s[-1]
    if tails and end != 0:
        if orientation == "right":
            t, signs, v = [*t, xs[0]], [*signs, -1], [*v, -end]
            title = "Left tail: relu(x_0 - x) with coefficient -s_0 continues the first piece left of x_0"
            formula = "R4: a left-oriented unit relu(t - x) adds -v to the slope on (-inf, t): -(-s_0) = s_0"
        else:
            t, signs, v = [*t, xs[-1]], [*signs, 1], [*v, end]
            title = (
                "Right tail: relu(x - x_{k+1}) with coefficient s_k continues the last piece right of x_{k+1}"
            )
            formula = "R4: a right-oriented unit relu(x - t) adds v to the slope on (t, inf): s_k"
        steps.append(Step(title, formula, {"t": t[-1], "v": v[-1]}))
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
    steps = [
        Step("Breakpoints of f", "a = x_0 < x_1 < ... < x_{k+1} = b", {"x": xs, "f(x)": [y for _, y in pts]}),
        Step("Slopes of the pieces", "s_i = (y_{i+1} - y_i) / (x_{i+1} - x_i) on [x_i, x_{i+1}]", {"s": s}),
        Step(
            "One line segment per piece, weighted by its slope",
            "f(x) = f(x_0) + sum_{i=0}^{k} s_i [relu(x - x_i) - relu(x - x_{i+1})]",
            {"units (t_j)": t, "v": v, "c = f(x_0)": pts[0][1]},
        ),
        Step(
            "Outside [a, b] every segment is flat: the network is constant there",
            "f(x) = f(a) for x <= a,  f(x) = f(a) + sum_i s_i (x_{i+1} - x_i) = f(b) for x >= b",
            {
                "f(a)": pts[0][1],
                "f(b)": pts[0][1] + sum((si * (xs[i + 1] - xs[i]) for i, si in enumerate(s)), 0),
            },
        ),
    ]
    if tails:
        t, signs, v = [*t, xs[0], xs[-1]], [*signs, -1, 1], [*v, -s[0], s[-1]]
        steps.append(
            Step(
                "Tails: continue the first and last slopes beyond [a, b] (R4)",
                "f(x) = ... - s_0 relu(x_0 - x) + s_k relu(x - x_{k+1})",
                {"t": [xs[0], xs[-1]], "v": [-s[0], s[-1]]},
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
