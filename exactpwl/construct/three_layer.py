"""R7: the minimal one-hidden-layer network of a CPWL target, or a refusal with a witness.

A three-layer network ``c + sum_j v_j relu(w_j.x + b_j)`` can only bend along *whole*
hyperplanes, and across each one its gradient jumps by the same vector everywhere.
``exactpwl.shallow`` decides this exactly from the target's region graph over R^n and builds
the network with the fewest hidden units (k, k+1 or k+2 for k kink hyperplanes, after Dereich
and Kassing); this module presents that as a ``Construction`` with its derivation, or raises a
``Refusal`` whose witness is two points of one hyperplane with different second differences.
"""

from __future__ import annotations

from typing import Any

from sympy import Function, Sum

from ..errors import InputError
from ..formula import Dot, Eq, Notation, Note, Qualified, Relu, Tuple, affine, evaluate, ix, sym
from ..network import Network
from ..numbers import to_sympy
from ..pwl import PWL
from ..shallow import Kink, KinkAnalysis, KinkWitness, analyse, hyperplane_text, shallow
from . import Construction, Refusal, Step, register

__all__ = ["Kink", "KinkWitness", "KinkAnalysis", "analyse_kinks", "three_layer", "hyperplane_text"]


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


GRAD_HI, GRAD_LO = Notation("grad_hi", r"\nabla f_{+}"), Notation("grad_lo", r"\nabla f_{-}")
W1, B1 = Notation("W1", "W^{1}"), Notation("b1", "b^{1}")


def _vector(v: Any) -> Any:
    """One number per output: the number itself for one output, else a tuple."""
    v = [to_sympy(t) for t in v]
    return v[0] if len(v) == 1 else Tuple(*v)


def _kink(k: Kink) -> Any:
    """``a.x = b,  lambda = ...``."""
    with evaluate(False):
        return Qualified(Eq(affine(k.normal), to_sympy(k.offset)), Eq(sym("lambda"), _vector(k.jump)))


def _unit(u: Any) -> Any:
    """``v relu(w.x + bias)`` (one output), or ``relu(w.x + bias),  v = (...)``."""
    with evaluate(False):
        if len(u.v) == 1:
            return to_sympy(u.v[0]) * Relu(affine(u.w, u.bias))
        return Qualified(Relu(affine(u.w, u.bias)), Eq(sym("v"), _vector(u.v)))


def _refusal(w: KinkWitness) -> Refusal:
    return Refusal(f"three-layer: no one-hidden-layer network equals the target (R7): {w.text()}", w)


def analyse_kinks(target: Any, input_dim: int | None = None) -> KinkAnalysis:
    """The target on R^n as ``A x + d + sum_H lambda_H relu(a_H.x - b_H)`` (R7), or a ``Refusal``."""
    found = analyse(_as_pwl(target, input_dim))
    if isinstance(found, KinkWitness):
        raise _refusal(found)
    return found


def three_layer(target: Any, input_dim: int | None = None) -> Construction:
    """Build the minimal one-hidden-layer network of a three-layer-representable CPWL target (R7).

    ``target``: a ``PWL``, a ``Network``, a FORMATS.md dict, or an expression with ``input_dim``.
    Raises ``Refusal`` (with a ``KinkWitness``) when the target bends along part of a hyperplane.

    >>> c = three_layer("abs(x1) + 2*max(x1 - x2, 0)", 2)
    >>> c.network.architecture, c.certify().holds
    ('2-3-1', True)
    """
    s = shallow(_as_pwl(target, input_dim))
    if not s.representable:
        raise _refusal(s.witness)
    an = s.analysis
    X, J, K = sym("x"), sym("j"), sym("k")
    a, b, lam, g = sym("a"), sym("b"), sym("lambda"), sym("g")
    f = Function("f")
    with evaluate(False):
        kink_sum = Sum(ix("lambda", J) * Relu(Dot(ix("a", J), X) - ix("b", J)), (J, 1, K))
        ax = Dot(a, X)
        steps = [
            Step(
                "region",
                "Regions of the target over the whole space, and the gradient jump across every edge: "
                "constant along the whole hyperplane (R7)",
                Qualified(Eq(GRAD_HI - GRAD_LO, lam * a), Eq(ax, b)),
                {"regions": an.regions, "edges": an.edges},
            ),
            Step(
                "derived",
                "Kink hyperplanes and their jumps: at least one unit per hyperplane",
                Eq(f(X), sym("A") * X + sym("d") + kink_sum),
                {ix("H", j + 1): _kink(k) for j, k in enumerate(an.kinks)}
                or {"kinks": "none (the target is affine)"},
            ),
            Step(
                "derived", "Affine rest", Eq(f(X) - kink_sum, sym("A") * X + sym("d")), {"A": an.A, "d": an.d}
            ),
            Step(
                "choice",
                "Fewest units (Dereich-Kassing): units turned around absorb a signed sum of the jumps "
                "(k units); a second unit on a kink frees its normal (k + 1); else a pair gives any "
                "linear part (k + 2)",
                (
                    Eq(lam * Relu(b - ax), lam * Relu(ax - b) - lam * (ax - b)),
                    Eq(Relu(Dot(g, X)) - Relu(-Dot(g, X)), Dot(g, X)),
                ),
                {
                    "case": s.case,
                    "hidden units": s.width,
                    "units": [Note(_unit(u), u.role) for u in s.units],
                },
            ),
            Step(
                "assembly",
                "The network",
                Eq(f(X), sym("V") * Relu(W1 * X + B1) + sym("c")),
                {"architecture": s.network.architecture, "certified regions": s.certified_regions},
            ),
        ]
    return Construction("three-layer", s.network, s.target, None, steps)


@register(
    "three-layer", "R7: the minimal one-hidden-layer network, from full-hyperplane kinks (exactpwl.pwl)"
)
def _build(data: dict) -> Construction:
    return three_layer(PWL.from_dict(data))
