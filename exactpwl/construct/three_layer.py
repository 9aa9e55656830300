"""R7: a one-hidden-layer network for a CPWL target whose kinks lie on full hyperplanes, or a refusal.

A three-layer network ``c + sum_j v_j relu(w_j.x + b_j)`` can only bend along *whole* hyperplanes,
and across each one its gradient jumps by the same vector everywhere.  So the target's region
graph over R^n decides exactly: on every edge between regions with different maps the jump of
the gradient is ``lambda * a`` for the edge's hyperplane ``a.x = b``; grouping edges by
hyperplane, ``lambda`` must be one value along the whole hyperplane, and no region may be cut
by a kink hyperplane through its interior (there the jump would be 0).  If that holds the
network is one unit ``lambda relu(a.x - b)`` per kink hyperplane plus the affine rest
``A x + d`` (output bias and units ``relu(r.x) - relu(-r.x)``).  If not, the refusal carries
two points of one hyperplane with different second differences.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from flint import fmpq, fmpq_mat

from ..compile import compile_target, joint_program
from ..errors import InputError
from ..lp import Row
from ..network import Network
from ..numbers import format_number, primitive_row, to_fmpq, to_fraction
from ..polyhedron import Polyhedron
from ..pwl import PWL
from ..region_graph import RegionGraph, regions
from . import Construction, Refusal, Step, register

__all__ = [
    "Kink",
    "KinkWitness",
    "KinkAnalysis",
    "analyse_kinks",
    "three_layer",
    "affine_units",
    "hyperplane_text",
]

Point = tuple[Fraction, ...]


@dataclass(frozen=True)
class Kink:
    """A full hyperplane ``a.x = b`` (primitive, first non-zero of ``a`` positive) of the target.

    Crossing it from ``a.x < b`` to ``a.x > b`` the gradient of output k jumps by ``jump[k] * a``.
    """

    normal: tuple[int, ...]
    offset: int
    jump: tuple[Fraction, ...]

    def text(self) -> str:
        return hyperplane_text(self.normal, self.offset)


@dataclass(frozen=True)
class KinkWitness:
    """Two points of one hyperplane where the target's gradient jumps differently (R7 certificate).

    ``second_differences[i] = f(p_i + eps a) + f(p_i - eps a) - 2 f(p_i)`` (one entry per output),
    computed exactly from the target; it equals ``eps * jump * |a|^2``.  A three-layer network
    would give equal values at both points.
    """

    normal: tuple[int, ...]
    offset: int
    points: tuple[Point, Point]
    jumps: tuple[tuple[Fraction, ...], tuple[Fraction, ...]]
    epsilon: Fraction
    second_differences: tuple[tuple[Fraction, ...], tuple[Fraction, ...]]

    def text(self) -> str:
        p, q = (_point_text(x) for x in self.points)
        d1, d2 = (_vec_text(d) for d in self.second_differences)
        a = _point_text(self.normal)
        return (
            f"on the hyperplane {hyperplane_text(self.normal, self.offset)} the second difference "
            f"f(p + e a) + f(p - e a) - 2 f(p) with a = {a}, e = {format_number(self.epsilon)} "
            f"is {d1} at p = {p} and {d2} at p = {q}"
        )


@dataclass
class KinkAnalysis:
    """The result of the exact R7 test: kink hyperplanes with their jumps, and the affine rest."""

    target: PWL
    kinks: list[Kink]
    A: list[list[Fraction]]  # outputs x inputs
    d: list[Fraction]
    regions: int
    edges: int
    graph: RegionGraph = field(repr=False)


def hyperplane_text(a: Sequence[Any], b: Any) -> str:
    """``x1 - 2*x2 = 3`` from ``(a, b)``."""
    terms = []
    for i, v in enumerate(a):
        v = Fraction(v)
        if v == 0:
            continue
        mag = "" if abs(v) == 1 else f"{format_number(abs(v))}*"
        sign = "-" if v < 0 else "+"
        terms.append((sign, f"{mag}x{i + 1}"))
    if not terms:
        return f"0 = {format_number(Fraction(b))}"
    first = ("-" if terms[0][0] == "-" else "") + terms[0][1]
    rest = "".join(f" {s} {t}" for s, t in terms[1:])
    return f"{first}{rest} = {format_number(Fraction(b))}"


def _point_text(x: Sequence[Any]) -> str:
    return "(" + ", ".join(format_number(Fraction(v)) for v in x) + ")"


def _vec_text(v: Sequence[Fraction]) -> str:
    return format_number(v[0]) if len(v) == 1 else _point_text(v)


# ------------------------------------------------------------------------------ target regions
def _region_maps(target: PWL) -> tuple[RegionGraph, dict[tuple[int, ...], tuple[fmpq_mat, fmpq_mat]]]:
    """The target's regions over R^n with the target's affine map on each (pieces: looked up)."""
    n, k = target.input_dim, target.output_dim
    if target.pieces is None:
        g = regions(compile_target(target), None)
        return g, {r.pattern: (r.W, r.c) for r in g}
    zero = Network.from_layers([([[0] * n for _ in range(k)], [0] * k)], activations=["linear"])
    prog = joint_program(zero, target)
    g = regions(prog.network, None)
    maps = {}
    for r in g:
        x = [fmpq(v.numerator, v.denominator) for v in r.interior_point]
        inside = [p for p in target.pieces if p.rows is not None and p.contains(x)]
        where = tuple(r.interior_point)
        if not inside:
            raise Refusal(
                "three-layer: the target is not defined on all of R^n "
                f"(no piece contains {_point_text(where)})",
                witness=where,
            )
        if any(not (p.W == inside[0].W and p.c == inside[0].c) for p in inside[1:]):
            raise InputError(f"target: pieces overlap with different maps at {_point_text(where)}")
        maps[r.pattern] = (inside[0].W, inside[0].c)
    return g, maps


def _canonical(a: Sequence[int], b: int) -> tuple[tuple[int, ...], int, bool]:
    """Orient ``a.x <= b`` so that the first non-zero of ``a`` is positive (and say if flipped)."""
    first = next(v for v in a if v)
    if first < 0:
        return tuple(-v for v in a), -b, True
    return tuple(a), b, False


def _jump(
    a: tuple[int, ...], b: int, lo: tuple[fmpq_mat, fmpq_mat], hi: tuple[fmpq_mat, fmpq_mat]
) -> tuple[Fraction, ...] | None:
    """lambda with grad_hi - grad_lo = lambda a and c_hi - c_lo = -lambda b (None: not of that form)."""
    dW, dc = hi[0] - lo[0], hi[1] - lo[1]
    i0 = next(i for i, v in enumerate(a) if v)
    out = []
    for k in range(dW.nrows()):
        lam = dW[k, i0] / a[i0]
        if any(dW[k, i] != lam * a[i] for i in range(len(a))) or dc[k, 0] != -lam * b:
            return None
        out.append(to_fraction(lam))
    return tuple(out)


# ------------------------------------------------------------------------------ points on a hyperplane
def _point_on(a: tuple[int, ...], b: int, strict_rows: Sequence[Row]) -> Point | None:
    """A small-denominator point with ``a.x = b`` and every row strict (None if there is none)."""
    n = len(a)
    i0 = next(i for i, v in enumerate(a) if v)
    free = [j for j in range(n) if j != i0]
    yrows = []
    for r, s in strict_rows:
        # substitute x_i0 = (b - sum_j a_j y_j) / a_i0
        coeffs = [Fraction(r[j]) - Fraction(r[i0] * a[j], a[i0]) for j in free]
        rhs = Fraction(s) - Fraction(r[i0] * b, a[i0])
        if all(c == 0 for c in coeffs):
            if not rhs > 0:
                return None
            continue
        yrows.append(primitive_row(coeffs, rhs))
    if not free:
        y: list[Fraction] = []
    elif not yrows:
        y = [Fraction(0)] * len(free)
    else:
        pt = Polyhedron.from_rows(yrows, len(free)).interior_point()
        if pt is None:
            return None
        y = [to_fraction(v) for v in pt]
    x = [Fraction(0)] * n
    for j, v in zip(free, y):
        x[j] = v
    x[i0] = (b - sum(Fraction(a[j]) * x[j] for j in free)) / a[i0]
    return tuple(x)


def _room(p: Point, rows: Sequence[Row], direction: Sequence[int]) -> Fraction | None:
    """The largest t with p + t*direction in {rows} (None: unbounded)."""
    best = None
    for r, s in rows:
        rate = sum(ri * di for ri, di in zip(r, direction))
        if rate > 0:
            t = (s - sum(ri * xi for ri, xi in zip(r, p))) / Fraction(rate)
            best = t if best is None else min(best, t)
    return best


def _without(rows: Sequence[Row], a: tuple[int, ...], b: int) -> list[Row]:
    neg = (tuple(-v for v in a), -b)
    return [r for r in rows if r != (a, b) and r != neg]


def _witness(
    target: PWL,
    a: tuple[int, ...],
    b: int,
    sites: list[tuple[Point, list[Row], list[Row], tuple[Fraction, ...]]],
) -> KinkWitness:
    """Second differences at two sites (point, rows behind, rows ahead, jump) on ``a.x = b``."""
    eps = Fraction(1)
    for p, behind, ahead, _ in sites:
        for rows, sgn in ((behind, -1), (ahead, 1)):
            t = _room(p, rows, [sgn * v for v in a])
            if t is not None:
                while eps > t:
                    eps /= 2
    diffs = []
    for p, _, _, _ in sites:
        plus = target([x + eps * v for x, v in zip(p, a)])
        minus = target([x - eps * v for x, v in zip(p, a)])
        mid = target(list(p))
        diffs.append(tuple(u + w - 2 * m for u, w, m in zip(plus, minus, mid)))
    return KinkWitness(
        a, b, (sites[0][0], sites[1][0]), (sites[0][3], sites[1][3]), eps, (diffs[0], diffs[1])
    )


# ------------------------------------------------------------------------------ the exact test
def _as_pwl(target: Any, input_dim: int | None = None) -> PWL:
    if isinstance(target, PWL):
        return target
    if isinstance(target, Network):
        return PWL.from_network(target)
    if isinstance(target, dict):
        return PWL.from_dict(target)
    if input_dim is None:
        raise InputError("target: an expression needs input_dim")
    return PWL.from_expr(target, input_dim)


def analyse_kinks(target: Any, input_dim: int | None = None) -> KinkAnalysis:
    """Decide exactly whether ``target`` (on R^n) is three-layer representable (R7).

    Returns the kink hyperplanes with their constant jumps and the affine rest, or raises
    ``Refusal`` whose ``witness`` is a ``KinkWitness`` (or a point, for a target that is not
    continuous or not defined everywhere).
    """
    t = _as_pwl(target, input_dim)
    g, maps = _region_maps(t)
    regs = {r.pattern: r for r in g}
    groups: dict[tuple[tuple[int, ...], int], list] = {}
    for u, v, dat in g.graph.edges(data=True):
        a, b = dat["hyperplane"]
        a, b, flipped = _canonical(a, b)
        lo, hi = (v, u) if flipped else (u, v)
        lam = _jump(a, b, maps[lo], maps[hi])
        if lam is None:
            raise Refusal(
                f"three-layer: the target is not continuous across {hyperplane_text(a, b)} "
                f"near {_point_text(dat['point'])}",
                witness=tuple(dat["point"]),
            )
        groups.setdefault((a, b), []).append((lam, lo, hi))

    def site(a: tuple[int, ...], b: int, lo: Any, hi: Any, lam: tuple[Fraction, ...]) -> tuple:
        behind = _without(regs[lo].inequalities, a, b)
        ahead = _without(regs[hi].inequalities, a, b)
        p = _point_on(a, b, behind + ahead)
        if p is None:  # cannot happen for an edge of the graph
            raise AssertionError(f"edge on {hyperplane_text(a, b)} has no relative interior point")
        return (p, behind, ahead, lam)

    def order(key: tuple[tuple[int, ...], int]) -> tuple:
        a, b = key
        return (sum(1 for v in a if v), [i for i, v in enumerate(a) if v], abs(b), a, b)

    kinks = []
    zero = tuple(Fraction(0) for _ in range(t.output_dim))
    for a, b in sorted(groups, key=order):
        edges = groups[(a, b)]
        nonzero = [e for e in edges if e[0] != zero]
        if not nonzero:
            continue
        lam, lo, hi = nonzero[0]
        other = [e for e in edges if e[0] != lam]
        if other:
            other.sort(key=lambda e: e[0] != zero)  # prefer a zero jump as the contrast
            s1 = site(a, b, *other[0][1:], other[0][0])
            s2 = site(a, b, lo, hi, lam)
            w = _witness(t, a, b, [s1, s2])
            raise Refusal(f"three-layer: no one-hidden-layer network equals the target (R7): {w.text()}", w)
        for r in g:
            rows = list(r.inequalities)
            if (a, b) in rows or (tuple(-v for v in a), -b) in rows:
                continue
            neg = (tuple(-v for v in a), -b)
            if not (
                Polyhedron.from_rows(rows + [(a, b)], t.input_dim).is_full_dimensional()
                and Polyhedron.from_rows(rows + [neg], t.input_dim).is_full_dimensional()
            ):
                continue
            p = _point_on(a, b, rows)
            if p is None:  # cannot happen: both halves are full-dimensional
                raise AssertionError("a cut region has no point on the hyperplane")
            s1 = (p, rows, rows, zero)
            s2 = site(a, b, lo, hi, lam)
            w = _witness(t, a, b, [s1, s2])
            raise Refusal(f"three-layer: no one-hidden-layer network equals the target (R7): {w.text()}", w)
        kinks.append(Kink(a, b, lam))

    # the affine rest, read on one region: target minus the kink units active there
    r0 = next(iter(g))
    W0, c0 = maps[r0.pattern]
    n = t.input_dim
    A = [[to_fraction(W0[k, i]) for i in range(n)] for k in range(t.output_dim)]
    d = [to_fraction(c0[k, 0]) for k in range(t.output_dim)]
    x0 = r0.interior_point
    for kk in kinks:
        if sum(ai * xi for ai, xi in zip(kk.normal, x0)) > kk.offset:
            for k in range(t.output_dim):
                for i in range(n):
                    A[k][i] -= kk.jump[k] * kk.normal[i]
                d[k] += kk.jump[k] * kk.offset
    return KinkAnalysis(t, kinks, A, d, len(g), g.graph.number_of_edges(), g)


def _mat(rows: Sequence[Sequence[Any]]) -> fmpq_mat:
    return fmpq_mat([[to_fmpq(v) for v in row] for row in rows])


def affine_units(A: Sequence[Sequence[Fraction]]) -> tuple[list[list[Fraction]], list[list[Fraction]]]:
    """Rows r_j (a basis of A's row space, taken from A) and C with A = C R.

    Each r_j becomes the two units relu(r_j.x), relu(-r_j.x), with output weights C[k][j], -C[k][j].
    """
    basis: list[list[Fraction]] = []
    for row in A:
        if any(row) and _mat([*basis, list(row)]).rank() > len(basis):
            basis.append(list(row))
    if not basis:
        return [], [[] for _ in A]
    R = _mat(basis)  # r x n; solve C R = A  <=>  R^T C^T = A^T
    Rt = R.transpose()
    # least squares is not needed: A's rows lie in the row space, so the normal equations are exact
    G = R * Rt
    C = (G.solve(R * _mat(A).transpose())).transpose()
    return basis, [[to_fraction(v) for v in row] for row in C.tolist()]


def _network(
    kinks: list[Kink], A: list[list[Fraction]], d: list[Fraction], n: int
) -> tuple[Network, dict[str, Any]]:
    basis, C = affine_units(A)
    W1: list[list[Any]] = [list(k.normal) for k in kinks]
    b1: list[Any] = [-k.offset for k in kinks]
    K = len(d)
    V: list[list[Any]] = [[k.jump[o] for k in kinks] for o in range(K)]
    for j, r in enumerate(basis):
        W1 += [r, [-v for v in r]]
        b1 += [0, 0]
        for o in range(K):
            V[o] += [C[o][j], -C[o][j]]
    if not W1:
        net = Network.from_layers([([[0] * n for _ in range(K)], d)], activations=["linear"])
    else:
        net = Network.from_layers([(W1, b1), (V, d)])
    return net, {"W1": W1, "b1": b1, "V": V, "c": list(d), "hidden units": len(W1)}


def three_layer(target: Any, input_dim: int | None = None) -> Construction:
    """Build the one-hidden-layer network of a three-layer-representable CPWL target (R7).

    ``target``: a ``PWL``, a ``Network``, a FORMATS.md dict, or an expression with ``input_dim``.
    Raises ``Refusal`` (with a ``KinkWitness``) when the target bends along part of a hyperplane.

    >>> c = three_layer("abs(x1) + 2*max(x1 - x2, 0)", 2)
    >>> c.network.architecture, c.certify().holds
    ('2-4-1', True)
    """
    an = analyse_kinks(target, input_dim)
    n = an.target.input_dim
    net, vals = _network(an.kinks, an.A, an.d, n)
    basis, _ = affine_units(an.A)
    steps = [
        Step(
            "Regions of the target over R^n, and the gradient jump across every edge",
            "grad_hi - grad_lo = lambda a across a.x = b, lambda constant along the whole hyperplane (R7)",
            {"regions": an.regions, "edges": an.edges},
        ),
        Step(
            "Kink hyperplanes and their jumps",
            "one unit lambda relu(a.x - b) per hyperplane",
            {f"H{j + 1}": f"{k.text()}, lambda = {_vec_text(k.jump)}" for j, k in enumerate(an.kinks)}
            or {"kinks": "none (the target is affine)"},
        ),
        Step(
            "Affine rest",
            "target(x) - sum_j lambda_j relu(a_j.x - b_j) = A x + d;  r.x = relu(r.x) - relu(-r.x)",
            {"A": an.A, "d": an.d, "affine unit directions": basis},
        ),
        Step("The network", "f(x) = V relu(W1 x + b1) + c", vals),
    ]
    return Construction("three-layer", net, an.target, None, steps)


@register("three-layer", "R7: one hidden layer from the target's full-hyperplane kinks (exactpwl.pwl)")
def _build(data: dict) -> Construction:
    return three_layer(PWL.from_dict(data))
