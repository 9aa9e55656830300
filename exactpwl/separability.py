"""Strict linear separability of two finite point sets, decided by exact LPs (PAPER.md R13).

``separate(A, B)`` solves, in exact rational arithmetic (PPL's simplex),

    maximise delta  subject to  w.a - c >= delta (a in A),  w.b - c <= -delta (b in B),
                                -1 <= w_i <= 1,  delta <= 1,

and A, B are strictly separable iff the optimum is > 0.  Either answer carries a certificate
that is checked exactly before it is returned:

* separable: the hyperplane (w, c) and its margin delta > 0;
* not separable: convex weights lambda on A and mu on B with ``sum lambda_i a_i = sum mu_j b_j``
  (the convex hulls meet, so no hyperplane can separate them; found by a second exact LP).

``affine_image`` and ``relu_image`` map the points (R13 a: an injective affine embedding
neither creates nor destroys separability; b: a ReLU layer can create it, as for XOR).

>>> xor_a, xor_b = [(0, 1), (1, 0)], [(0, 0), (1, 1)]
>>> s = separate(xor_a, xor_b)
>>> s.separable, s.point
(False, (Fraction(1, 2), Fraction(1, 2)))
>>> W, b = [[1, 0], [0, 1], [1, 1]], [0, 0, -1]
>>> t = separate(relu_image(xor_a, W, b), relu_image(xor_b, W, b))
>>> t.separable, t.delta > 0
(True, True)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .errors import InputError
from .lp import exact_max
from .numbers import primitive_row, to_fmpq, to_fraction

__all__ = ["Separation", "separate", "affine_image", "relu_image"]

Point = tuple[Fraction, ...]


@dataclass(frozen=True)
class Separation:
    """The exact answer of ``separate``; every certificate has been checked exactly.

    Separable: ``w.a - c >= delta`` on A and ``w.b - c <= -delta`` on B, with ``delta > 0`` the
    largest margin for ``|w|_inf <= 1`` (capped at 1).  Not separable: ``lam`` on A and ``mu``
    on B, non-negative with sum 1, whose combinations are both ``point``.
    """

    separable: bool
    w: Point | None = None
    c: Fraction | None = None
    delta: Fraction | None = None
    lam: tuple[Fraction, ...] | None = None
    mu: tuple[Fraction, ...] | None = None
    point: Point | None = None

    def __bool__(self) -> bool:
        return self.separable


def _points(P: Sequence[Sequence[Any]], where: str) -> list[Point]:
    if not isinstance(P, (list, tuple)) or not P:
        raise InputError(f"{where}: expected a non-empty list of points")
    pts = [tuple(to_fraction(to_fmpq(v, f"{where}, point {i + 1}")) for v in p) for i, p in enumerate(P)]
    if len({len(p) for p in pts}) != 1:
        raise InputError(f"{where}: every point needs the same number of coordinates")
    return pts


def _dot(u: Sequence[Fraction], v: Sequence[Fraction]) -> Fraction:
    return sum((a * b for a, b in zip(u, v)), Fraction(0))


def separate(A: Sequence[Sequence[Any]], B: Sequence[Sequence[Any]]) -> Separation:
    """Decide exactly whether A and B are strictly linearly separable, with a certificate."""
    a_pts, b_pts = _points(A, "A"), _points(B, "B")
    n = len(a_pts[0])
    if len(b_pts[0]) != n:
        raise InputError(f"B: points have {len(b_pts[0])} coordinates, A's have {n}")
    # variables (w_1..w_n, c, delta); rows r.v <= rhs
    rows = []
    for a in a_pts:  # -w.a + c + delta <= 0
        rows.append(primitive_row([*(-v for v in a), 1, 1], 0))
    for b in b_pts:  # w.b - c + delta <= 0
        rows.append(primitive_row([*b, -1, 1], 0))
    for i in range(n):
        e = [0] * (n + 2)
        e[i] = 1
        rows.append(primitive_row(e, 1))
        e[i] = -1
        rows.append(primitive_row(e, 1))
    rows.append(primitive_row([0] * (n + 1) + [1], 1))
    status, delta, v = exact_max(rows, n + 2, [0] * (n + 1) + [1])
    if status != "optimal" or v is None or delta is None:  # w = 0, c = 0, delta = 0 is feasible
        raise AssertionError(f"separation LP: unexpected status {status!r}")
    if delta > 0:
        w, c = v[:n], v[n]
        ok = all(_dot(w, a) - c >= delta for a in a_pts) and all(_dot(w, b) - c <= -delta for b in b_pts)
        if not ok:
            raise AssertionError("separation LP: the separating hyperplane does not check out")
        return Separation(True, tuple(w), c, delta)
    return _hulls_meet(a_pts, b_pts)


def _hulls_meet(a_pts: list[Point], b_pts: list[Point]) -> Separation:
    """Convex weights with equal combinations (an exact feasibility LP), checked exactly."""
    p, q, n = len(a_pts), len(b_pts), len(a_pts[0])
    k = p + q
    rows = [primitive_row([-int(i == j) for j in range(k)], 0) for i in range(k)]  # lambda, mu >= 0

    def equal(coeffs: list[Any], rhs: int) -> None:
        rows.append(primitive_row(coeffs, rhs))
        rows.append(primitive_row([-v for v in coeffs], -rhs))

    equal([1] * p + [0] * q, 1)
    equal([0] * p + [1] * q, 1)
    for d in range(n):
        equal([a[d] for a in a_pts] + [-b[d] for b in b_pts], 0)
    status, _, v = exact_max(rows, k, [0] * k)
    if status != "optimal" or v is None:
        raise AssertionError("separation: no separating hyperplane, yet the convex hulls do not meet")
    lam, mu = v[:p], v[p:]
    point = tuple(sum((li * a[d] for li, a in zip(lam, a_pts)), Fraction(0)) for d in range(n))
    other = tuple(sum((mj * b[d] for mj, b in zip(mu, b_pts)), Fraction(0)) for d in range(n))
    if point != other or min(v) < 0 or sum(lam) != 1 or sum(mu) != 1:
        raise AssertionError("separation: the convex-hull certificate does not check out")
    return Separation(False, lam=tuple(lam), mu=tuple(mu), point=point)


def affine_image(P: Sequence[Sequence[Any]], T: Sequence[Sequence[Any]], t: Sequence[Any]) -> list[Point]:
    """The points ``T x + t`` (T: m x n), exactly."""
    Tf = [[to_fraction(to_fmpq(v, "T")) for v in row] for row in T]
    tf = [to_fraction(to_fmpq(v, "t")) for v in t]
    return [tuple(_dot(row, x) + ti for row, ti in zip(Tf, tf)) for x in _points(P, "points")]


def relu_image(P: Sequence[Sequence[Any]], W: Sequence[Sequence[Any]], b: Sequence[Any]) -> list[Point]:
    """The points ``relu(W x + b)``, exactly."""
    return [tuple(max(v, Fraction(0)) for v in z) for z in affine_image(P, W, b)]
