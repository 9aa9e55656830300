"""Exact interpolation of labelled data (PAPER.md R5, R6, R12).

* ``triangular``: 1-D, one unit relu(x - t_j) per point with x_{j-1} < t_j < x_j, so the
  interpolation matrix H_ij = relu(x_i - t_j) is lower triangular with a positive diagonal and the
  output weights follow by forward substitution (no output bias);
* ``projection``: n-D, project on an exact direction w with all w.x_i distinct, then R5;
* ``after_prefix``: R12, the same after a given prefix of layers, or a ``Refusal`` naming two
  points that the prefix merges although their targets differ.

These are statements about finitely many points, not about regions: a ``DataConstruction`` has
``target = None`` and its ``certify()`` raises an InputError; ``check_data()`` re-checks the fit
exactly at the data points (it is also checked when the construction is built).

>>> c = triangular(read_data({"format": "exactpwl.data", "version": 1,
...                           "points": [[0], [1], [3]], "values": [1, -1, 2]}))
>>> c.steps[3]["v"], c.check_data()
([Fraction(1, 1), Fraction(-6, 1), Fraction(13, 1)], True)
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from sympy import Function, Implies, IndexedBase, Sum

from ..errors import InputError
from ..formula import DOTS, Chain, Dot, Eq, IndexRange, Notation, Qualified, Relu, Tuple, evaluate, ix, sym
from ..network import Network
from ..numbers import to_fmpq, to_fraction
from . import Construction, Data, DataConstruction, Refusal, Step, read_data, register, show

__all__ = ["DataConstruction", "triangular", "projection", "after_prefix", "direction"]


I_, J, N = sym("i"), sym("j"), sym("N")
XS, Y, W, HM = IndexedBase("x"), IndexedBase("y"), sym("w"), sym("H")
DIAG = Notation("diag H", r"\operatorname{diag} H")


def X(i: Any) -> Any:
    return ix("x", i)


def T(j: Any) -> Any:
    return ix("t", j)


def H(i: Any, j: Any) -> Any:
    return ix("H", i, j)


with evaluate(False):
    CHECK = Qualified(Eq(Function("f")(X(I_)), ix("y", I_)), IndexRange(I_, 1, N))


def _thresholds_step(point: Any, title: str, t: list[Fraction]) -> Step:
    """t_1 below the first point, t_j between the points j - 1 and j."""
    with evaluate(False):
        return Step(
            "choice",
            title,
            (
                Chain("<", T(1), point(1)),
                Qualified(Chain("<", point(J - 1), T(J), point(J)), IndexRange(J, 2, N)),
            ),
            {IndexedBase("t"): t},
        )


def _substitution_step(v: list[Fraction]) -> Step:
    with evaluate(False):
        rhs = (ix("y", I_) - Sum(H(I_, J) * ix("v", J), (J, 1, I_ - 1))) / H(I_, I_)
        return Step(
            "solve", "Output weights by forward substitution", Eq(ix("v", I_), rhs), {IndexedBase("v"): v}
        )


def _evaluate(net: Network, x: Sequence[Fraction]) -> list[Fraction]:
    """Exact forward pass in Fractions, layer by layer (independent of ``Network.evaluate``)."""
    h = list(x)
    for L in net.layers:
        W = [[to_fraction(v) for v in row] for row in L.weights.tolist()]
        b = [to_fraction(L.biases[j, 0]) for j in range(L.units)]
        z = [sum((w * hi for w, hi in zip(row, h)), bj) for row, bj in zip(W, b)]
        h = [max(zj, Fraction(0)) if r else zj for zj, r in zip(z, L.relu)]
    return h


def _as_data(data: Any) -> Data:
    if isinstance(data, Data):
        return data
    return read_data(data)


def _single_output(data: Data, method: str) -> list[Fraction]:
    if data.output_dim != 1:
        raise InputError(
            f"{method}: needs one target value per point, got {data.output_dim} "
            "(several outputs share a hidden layer: see the multi_output family)"
        )
    return [v[0] for v in data.values]


def _triangular_solve(
    p: list[Fraction], y: list[Fraction], thresholds: Sequence[Any] | None
) -> tuple[list[Fraction], list[list[Fraction]], list[Fraction]]:
    """Thresholds, H and v for sorted distinct p (R5), with a Refusal for a misplaced threshold."""
    N = len(p)
    if thresholds is None:
        t = [p[0] - 1] + [(p[j - 1] + p[j]) / 2 for j in range(1, N)]
    else:
        if len(thresholds) != N:
            raise InputError(f"thresholds: expected {N} (one per point), got {len(thresholds)}")
        t = [to_fraction(to_fmpq(v, f"thresholds, entry {j + 1}")) for j, v in enumerate(thresholds)]
        for j in range(N):
            lo = p[j - 1] if j else None
            if not (t[j] < p[j] and (lo is None or lo < t[j])):
                gap = f"({lo}, {p[j]})" if j else f"(-inf, {p[0]})"
                raise Refusal(f"thresholds: t_{j + 1} = {t[j]} is not in its gap {gap}", witness=j)
    H = [[max(p[i] - t[j], Fraction(0)) for j in range(N)] for i in range(N)]
    v: list[Fraction] = []
    for i in range(N):
        v.append((y[i] - sum((H[i][j] * v[j] for j in range(i)), Fraction(0))) / H[i][i])
    return t, H, v


def triangular(data: Data | dict, thresholds: Sequence[Any] | None = None) -> DataConstruction:
    """R5: N units relu(x - t_j), lower-triangular H, v = H^-1 y by forward substitution.

    Why: unit j is off at every earlier point (t_j > x_{j-1}) and on at x_j, so point j is the
    first point unit j can change and v_j is fixed by it alone.  Default thresholds: t_1 = x_1 - 1,
    then the midpoints of the gaps; any threshold inside its gap works (R2).
    """
    data = _as_data(data)
    if data.input_dim != 1:
        raise InputError(f"triangular: needs 1-D points, got dimension {data.input_dim} (use projection)")
    y0 = _single_output(data, "triangular")
    order = sorted(range(len(data.points)), key=lambda i: data.points[i][0])
    x = [data.points[i][0] for i in order]
    y = [y0[i] for i in order]
    t, H_, v = _triangular_solve(x, y, thresholds)
    net = Network.from_layers([([[1]] * len(x), [-tj for tj in t]), ([v], [0])])
    with evaluate(False):
        steps = [
            Step(
                "input",
                "Points sorted by x, with their targets",
                Chain("<", X(1), X(2), DOTS, X(N)),
                {XS: x, Y: y},
            ),
            _thresholds_step(
                X, "Thresholds, one in each gap (default: one below the first point, then midpoints)", t
            ),
            Step(
                "derived",
                "Interpolation matrix: lower triangular with a positive diagonal",
                (Eq(H(I_, J), Relu(X(I_) - T(J))), Qualified(Eq(H(J, J), X(J) - T(J)), X(J) - T(J) > 0)),
                {HM: H_, DIAG: [H_[j][j] for j in range(len(x))]},
            ),
            _substitution_step(v),
        ]
    c = DataConstruction("triangular", net, data, None, steps)
    return _checked(c)


def _checked(c: DataConstruction) -> DataConstruction:
    outs = [_evaluate(c.network, p) for p in c.data.points]
    if not c.check_data():  # a bug, never an input problem
        raise AssertionError(f"{c.method}: the network does not fit the data: {outs}")
    c.steps.append(Step("verification", "Exact check at the data points", CHECK, {CHECK.args[0].lhs: outs}))
    return c


def direction(points: Sequence[Sequence[Fraction]]) -> tuple[list[Fraction], str]:
    """An exact w with all w.x_i distinct, and how it was found.

    Integer points in [0, M)^n: w = (1, M, ..., M^(n-1)) (base-M digits).  Otherwise the first
    k = 1, 2, ... with w = (1, k, ..., k^(n-1)) that separates: for each pair the difference
    sum_d (x_i - x_j)_d k^d is a non-zero polynomial in k with at most n-1 roots, so the search
    stops after at most (n-1) N(N-1)/2 + 1 tries.
    """
    n = len(points[0])
    coords = [c for p in points for c in p]
    if all(c.denominator == 1 and c >= 0 for c in coords):
        M = max(2, int(max(coords)) + 1)
        return [Fraction(M) ** d for d in range(n)], f"base-M digits, M = {M}"
    k = 1
    while True:
        w = [Fraction(k) ** d for d in range(n)]
        proj = [sum((wi * xi for wi, xi in zip(w, p)), Fraction(0)) for p in points]
        if len(set(proj)) == len(proj):
            return w, f"moment curve (1, k, ..., k^(n-1)), first separating k = {k}"
        k += 1


def _projection_parts(points, y, thresholds, steps):
    """R6 on points (distinct): direction, projections, R5; returns hidden (W, b) and v."""
    w, how = direction(points)
    proj = [sum((wi * xi for wi, xi in zip(w, p)), Fraction(0)) for p in points]
    order = sorted(range(len(points)), key=lambda i: proj[i])
    p = [proj[i] for i in order]
    t, H_, v = _triangular_solve(p, [y[i] for i in order], thresholds)
    n, k = len(w), sym("M" if how.startswith("base") else "k")
    P = lambda i: ix("p", i)  # noqa: E731
    Ps = lambda i: Notation(f"p_({i})", rf"p_{{({i})}}")  # noqa: E731
    with evaluate(False):
        steps += [
            Step(
                "choice",
                f"Direction with distinct projections ({how})",
                Eq(W, Tuple(1, k, DOTS, k ** (sym("n") - 1))) if n > 1 else Eq(W, Tuple(1)),
                {W: w},
            ),
            Step(
                "derived",
                "Projections of the points, in the given order",
                Qualified(Eq(P(I_), Dot(W, X(I_))), IndexRange(I_, 1, N)),
                {IndexedBase("p"): proj},
            ),
            Step(
                "derived",
                "Projections sorted, with their targets",
                Chain("<", Ps(1), DOTS, Ps("N")),
                {IndexedBase("p"): p, Y: [y[i] for i in order]},
            ),
            _thresholds_step(Ps, "Parallel hyperplanes w.x = t_j, one in each gap", t),
            Step(
                "derived",
                "Interpolation matrix (lower triangular)",
                Eq(H(I_, J), Relu(Ps("i") - T(J))),
                {HM: H_},
            ),
            _substitution_step(v),
        ]
    return ([w] * len(p), [-tj for tj in t]), v


def projection(data: Data | dict, thresholds: Sequence[Any] | None = None) -> DataConstruction:
    """R6: N parallel hyperplanes w.x = t_j through the gaps of the projections, then R5.

    Why: a direction that keeps the points apart turns n-D interpolation into the 1-D triangular
    case; ``thresholds`` (optional) are for the sorted projections, as in ``triangular``.
    """
    data = _as_data(data)
    y = _single_output(data, "projection")
    steps: list[Step] = []
    hidden, v = _projection_parts(list(data.points), y, thresholds, steps)
    net = Network.from_layers([hidden, ([v], [0])])
    return _checked(DataConstruction("projection", net, data, None, steps))


def after_prefix(prefix: Network, data: Data | dict) -> DataConstruction:
    """R12: interpolate through the layers of ``prefix`` (all of them, with their activations).

    Why: whatever follows the prefix sees only T(x); it can fit the data iff points with equal
    images have equal targets.  Then R6 on the distinct images gives the rest of the network.
    Refusal otherwise, with ``witness = (i, j, x_i, x_j, T(x_i))`` (0-based indices).
    """
    data = _as_data(data)
    if data.input_dim != prefix.input_dim:
        raise InputError(
            f"after_prefix: the data has dimension {data.input_dim}, the prefix {prefix.input_dim}"
        )
    y = _single_output(data, "after_prefix")
    images = [tuple(_evaluate(prefix, p)) for p in data.points]
    first: dict[tuple, int] = {}
    for j, im in enumerate(images):
        i = first.setdefault(im, j)
        if y[i] != y[j]:
            raise Refusal(
                f"after_prefix: points {i + 1} and {j + 1} have the same image {show(list(im))} "
                f"under the prefix but targets {show(y[i])} and {show(y[j])}: "
                "no later layers can separate them",
                witness=(i, j, data.points[i], data.points[j], im),
            )
    keep = sorted(first.values())
    Tf = Function("T")
    with evaluate(False):
        steps = [
            Step(
                "verification",
                "Images under the prefix: the points are distinguishable (equal images, equal targets)",
                Implies(Eq(Tf(X(I_)), Tf(X(J))), Eq(ix("y", I_), ix("y", J))),
                {Tf(XS): [list(im) for im in images], "distinct images": len(keep)},
            )
        ]
    hidden, v = _projection_parts([images[i] for i in keep], [y[i] for i in keep], None, steps)
    layers = [(L.weights.tolist(), [L.biases[j, 0] for j in range(L.units)]) for L in prefix.layers]
    acts: list[Any] = [a if isinstance(a, str) else list(a) for a in (L.activation for L in prefix.layers)]
    net = Network.from_layers([*layers, hidden, ([v], [0])], activations=[*acts, "relu", "linear"])
    return _checked(DataConstruction("after prefix", net, data, None, steps))


@register("triangular", "R5: exact 1-D interpolation of data with a triangular interpolation matrix")
def _triangular_cli(data_json: dict) -> Construction:
    return triangular(read_data(data_json))


@register("projection", "R6: exact n-D interpolation of data by parallel hyperplanes w.x = t_j")
def _projection_cli(data_json: dict) -> Construction:
    return projection(read_data(data_json))
