"""A second opinion from z3 (extra ``smt``): is there an x in D with network(x) != target(x)?

The question is encoded directly in linear real arithmetic, with ``If`` for every ReLU and the
target written from its own definition (the expression tree, the pieces, or the network), not
from the program the region walk uses.  z3 is exact; it is slower than the walk and serves as
an independent check in tests and in ``certify(..., cross_check="z3")``.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from . import expr as _expr
from .errors import InputError
from .network import Network
from .numbers import to_fraction

__all__ = ["z3_differs", "z3_counterexample"]


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


def _target_terms(target: Any, xs: Sequence[Any], solver: Any) -> list:
    z3 = _z3()
    if target.exprs is not None:
        return [expr_term(e, xs) for e in target.exprs]
    if target.pieces is None:
        return network_terms(target.network, xs)
    # pieces: fresh outputs t with "x in piece k implies t = W_k x + c_k", and x in some piece
    ts = [z3.Real(f"t{i}") for i in range(target.output_dim)]
    inside = []
    for p in target.pieces:
        cond = z3.And([z3.Sum([a * x for a, x in zip(row, xs)]) <= b for row, b in p.rows])
        vals = [
            t == z3.Sum([_q(z3, p.W[i, k]) * xs[k] for k in range(len(xs))] + [_q(z3, p.c[i, 0])])
            for i, t in enumerate(ts)
        ]
        solver.add(z3.Implies(cond, z3.And(vals)))
        inside.append(cond)
    solver.add(z3.Or(inside))
    return ts


def _solve(net: Network, target: Any, domain: Any):
    from .polyhedron import as_domain
    from .verdict import as_target

    z3 = _z3()
    target = as_target(target, net.input_dim)
    domain = as_domain(domain, net.input_dim)
    xs = [z3.Real(f"x{i + 1}") for i in range(net.input_dim)]
    s = z3.Solver()
    if domain is not None:
        for a, b in domain.rows:
            s.add(z3.Sum([ai * x for ai, x in zip(a, xs)]) <= b)
    ns = network_terms(net, xs)
    ts = _target_terms(target, xs, s)
    s.add(z3.Or([a != b for a, b in zip(ns, ts)]))
    return s, xs


def z3_differs(net: Network, target: Any, domain: Any = None) -> bool:
    """True when z3 finds x in the domain with network(x) != target(x); False when it proves none.

    ``target`` and ``domain`` are taken in every form ``certify`` takes.
    """
    z3 = _z3()
    s, _ = _solve(net, target, domain)
    r = s.check()
    if r == z3.unknown:
        raise RuntimeError("z3 answered 'unknown'")
    return r == z3.sat


def z3_counterexample(net: Network, target: Any, domain: Any = None) -> tuple[Fraction, ...] | None:
    """z3's point where the two differ (exact rationals), or None."""
    z3 = _z3()
    s, xs = _solve(net, target, domain)
    if s.check() != z3.sat:
        return None
    m = s.model()
    return tuple(m.eval(x, model_completion=True).as_fraction() for x in xs)
