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

from ..errors import InputError
from ..network import Network
from ..pwl import PWL
from ..shallow import Kink, KinkAnalysis, KinkWitness, _vec_text, analyse, hyperplane_text, shallow
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
    steps = [
        Step(
            "Regions of the target over R^n, and the gradient jump across every edge",
            "grad_hi - grad_lo = lambda a across a.x = b, lambda constant along the whole hyperplane (R7)",
            {"regions": an.regions, "edges": an.edges},
        ),
        Step(
            "Kink hyperplanes and their jumps",
            "f = A x + d + sum_j lambda_j relu(a_j.x - b_j): at least one unit per hyperplane",
            {f"H{j + 1}": f"{k.text()}, lambda = {_vec_text(k.jump)}" for j, k in enumerate(an.kinks)}
            or {"kinks": "none (the target is affine)"},
        ),
        Step(
            "Affine rest",
            "target(x) - sum_j lambda_j relu(a_j.x - b_j) = A x + d",
            {"A": an.A, "d": an.d},
        ),
        Step(
            "Fewest units (Dereich-Kassing)",
            "lambda relu(b - a.x) = lambda relu(a.x - b) - lambda (a.x - b): units turned around absorb "
            "a signed sum of lambda_j a_j (k units); a second unit on a kink frees span(a_j) (k+1); "
            "else relu(g.x) - relu(-g.x) = g.x (k+2)",
            {
                "case": s.case,
                "hidden units": s.width,
                "units": [f"{u.text()} ({u.role})" for u in s.units],
            },
        ),
        Step(
            "The network",
            "f(x) = V relu(W1 x + b1) + c",
            {"architecture": s.network.architecture, "certified regions": s.certified_regions},
        ),
    ]
    return Construction("three-layer", s.network, s.target, None, steps)


@register(
    "three-layer", "R7: the minimal one-hidden-layer network, from full-hyperplane kinks (exactpwl.pwl)"
)
def _build(data: dict) -> Construction:
    return three_layer(PWL.from_dict(data))
