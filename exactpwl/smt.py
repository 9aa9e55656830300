"""A second opinion from z3 (extra ``smt``): is there an x in D with network(x) != target(x)?

The question is encoded directly in linear real arithmetic, with ``If`` for every ReLU and the
target written from its own definition, never from the program the region walk uses (this
module does not import ``exactpwl.compile``): an expression from its tree, breakpoints as an
``If`` chain over their segments, a network from its layers, pieces from their rows and maps,
and a triangulation from its vertices and values (barycentric weights, so a degenerate simplex
is one like any other).  For pieces and triangulations a "difference" is also a point where two
pieces both hold and disagree (the target is not a function there), whatever their dimension.
z3 is exact; it is slower than the walk and serves as an independent check in tests and in
``certify(..., cross_check="z3")``.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from . import expr as _expr
from .errors import InputError
from .network import Network
from .numbers import to_fraction

__all__ = ["z3_differs", "z3_counterexample", "network_terms", "expr_term"]


def _z3():
    try:
        import z3
    except ImportError:
        raise InputError("cross_check: z3 is not installed (pip install 'exactpwl[smt]')") from None
    return z3


def _q(z3, v: Any):
    f = to_fraction(v) if not isinstance(v, Fraction) else v
    return z3.RealVal(f"{f.numerator}/{f.denominator}")


def network_terms(net: Network, xs: Sequence[Any]) -> list:
    """z3 terms of the network's outputs in the variables ``xs``."""
    z3 = _z3()
    h = list(xs)
    for L in net.layers:
        W = L.weights.tolist()
        out = []
        for j, row in enumerate(W):
            z = z3.Sum([_q(z3, w) * v for w, v in zip(row, h) if w != 0] + [_q(z3, L.biases[j, 0])])
            out.append(z3.If(z > 0, z, 0) if L.relu[j] else z)
        h = out
    return h


def expr_term(e: Any, xs: Sequence[Any]):
    """z3 term of an expression tree (exactpwl.expr), built from its own definition."""
    z3 = _z3()
    return _expr.fold(
        e,
        var=lambda i: xs[i],
        const=lambda q: _q(z3, q),
        add=lambda terms: z3.Sum(list(terms)),
        scale=lambda q, t: _q(z3, q) * t,
        max_=lambda a, b: z3.If(a >= b, a, b),
        min_=lambda a, b: z3.If(a <= b, a, b),
        abs_=lambda a: z3.If(a >= 0, a, -a),
        relu=lambda a: z3.If(a > 0, a, 0),
    )


def _breakpoint_term(points: Sequence[Sequence[Any]], x: Any):
    """z3 term of a breakpoint function: the line through points i, i+1 while x <= x_{i+1}
    (the first and last lines continue beyond the ends)."""
    z3 = _z3()
    pts = [(_q(z3, px), _q(z3, py)) for px, py in points]
    lines = [y0 + (y1 - y0) / (x1 - x0) * (x - x0) for (x0, y0), (x1, y1) in zip(pts, pts[1:])]
    term = lines[-1]
    for (x1, _), line in zip(reversed(pts[1:-1]), reversed(lines[:-1])):
        term = z3.If(x <= x1, line, term)
    return term


def _pieces(target: Any, xs: Sequence[Any], copy: str) -> list[tuple[Any, list]]:
    """(x is in piece k, the piece's values at x) for every piece; simplices through fresh
    barycentric weights l >= 0, sum l = 1, x = V l (``copy`` names them)."""
    z3 = _z3()
    out = []
    for k, p in enumerate(target.pieces):
        if p.vertices is None:
            inside = z3.And([z3.Sum([int(a) * x for a, x in zip(row, xs)]) <= int(b) for row, b in p.rows])
            vals = [
                z3.Sum([_q(z3, p.W[o, i]) * xs[i] for i in range(len(xs))] + [_q(z3, p.c[o, 0])])
                for o in range(target.output_dim)
            ]
        else:
            ws = [z3.Real(f"l{copy}_{k}_{i}") for i in range(len(p.vertices))]

            def combo(points: Sequence[Sequence[Any]], r: int, ws: list = ws):
                return z3.Sum([_q(z3, v[r]) * w for v, w in zip(points, ws)])

            at_x = [xs[r] == combo(p.vertices, r) for r in range(len(xs))]
            inside = z3.And([w >= 0 for w in ws] + [z3.Sum(ws) == 1] + at_x)
            vals = [combo(p.values, o) for o in range(target.output_dim)]
        out.append((inside, vals))
    return out


def _solve(net: Network, target: Any, domain: Any):
    from .polyhedron import as_domain
    from .pwl import as_target

    z3 = _z3()
    target = as_target(target, net.input_dim)
    domain = as_domain(domain, net.input_dim)
    xs = [z3.Real(f"x{i + 1}") for i in range(net.input_dim)]
    s = z3.Solver()
    if domain is not None:
        for a, b in domain.rows:
            s.add(z3.Sum([ai * x for ai, x in zip(a, xs)]) <= b)
    ns = network_terms(net, xs)

    def differ(u: Sequence[Any], w: Sequence[Any]):
        return z3.Or([a != b for a, b in zip(u, w)])

    if target.kind == "expr":
        s.add(differ(ns, [expr_term(e, xs) for e in target.exprs]))
    elif target.kind == "breakpoints":
        s.add(differ(ns, [_breakpoint_term(target.breakpoints, xs[0])]))
    elif target.kind == "network":
        s.add(differ(ns, network_terms(target.network, xs)))
    else:  # some piece holds at x and differs from the network, or two pieces hold and disagree
        first, second = _pieces(target, xs, "a"), _pieces(target, xs, "b")
        cases = [z3.And(inside, differ(ns, vals)) for inside, vals in first]
        for i, (inside_i, vals_i) in enumerate(first):
            for inside_j, vals_j in second[i:]:  # j == i: two weightings of one (degenerate) simplex
                cases.append(z3.And(inside_i, inside_j, differ(vals_i, vals_j)))
        s.add(z3.Or(cases))
    return s, xs


def z3_differs(net: Network, target: Any, domain: Any = None) -> bool:
    """True when z3 finds x in the domain with network(x) != target(x); False when it proves none.

    ``target`` and ``domain`` are taken in every form ``certify`` takes.
    """
    return z3_counterexample(net, target, domain) is not None


def z3_counterexample(net: Network, target: Any, domain: Any = None) -> tuple[Fraction, ...] | None:
    """z3's point of the domain where the two differ (exact rationals), or None when there is none."""
    z3 = _z3()
    s, xs = _solve(net, target, domain)
    r = s.check()
    if r == z3.unknown:
        raise RuntimeError("z3 answered 'unknown'")
    if r != z3.sat:
        return None
    m = s.model()
    return tuple(m.eval(x, model_completion=True).as_fraction() for x in xs)
