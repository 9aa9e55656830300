"""Lattice (max-min) form of a CPWL function and its deep network (PAPER.md R18); TRLU (R19).

* ``lattice(target)``: for a CPWL target given by bounded pieces (a triangulation), with
  distinct affine maps l_j, the Tarela-Martinez sets
  ``S_i = {j : l_j >= l_i on simplex i}`` (checked exactly at the simplex's vertices, since
  l_j - l_i is affine) give ``f = max_i min_{j in S_i} l_j`` on the (convex) domain.  The
  network computes the mins and the max with balanced binary trees,
  ``min(a, b) = a - relu(a - b)``, ``max(a, b) = a + relu(b - a)``, carrying a through linear
  units (or ``relu(a) - relu(-a)``).  The claim is certified on the convex hull of the pieces;
  if their union is not convex the certifier refuses (the pieces do not cover the hull).
* ``trlu(t)``: ``TRLU_t(s) = relu(s) - relu(s - t) = min(max(s, 0), t)``.
* ``margin_classifier(w, b, eps)``: the steep TRLU of the score ``s = w.x + b``; exactly 1 (0)
  at points at Euclidean distance >= eps from the hyperplane ``s = 0`` on the positive
  (negative) side.

The ``ceil(log2(n + 1))``-hidden-layer representation of Arora et al. / Wang-Sun is in
``log_depth``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from functools import partial
from typing import Any

from flint import fmpq

from ..errors import InputError
from ..network import Network
from ..numbers import format_number, to_fmpq
from ..polyhedron import hull, vertices
from ..pwl import PWL
from . import Construction, Refusal, Step, register

__all__ = ["lattice", "lattice_form", "tree_network", "trlu", "margin_classifier", "exact_labels"]

Form = tuple[list[fmpq], fmpq]  # coefficients over the current basis, constant


# ---------------------------------------------------------------------- R18: lattice form
def lattice_form(target: PWL) -> dict[str, Any]:
    """The distinct affine maps, each piece's vertices and set S_i, and the minimal sets kept.

    Why keep only minimal sets: if ``S_a`` is a proper subset of ``S_b`` then
    ``min_{S_b} <= min_{S_a}`` everywhere, so the term of b never wins the max.
    """
    if target.pieces is None:
        raise InputError("lattice: the target must be given by pieces or a triangulation")
    if target.output_dim != 1:
        raise InputError(f"lattice: one output supported, the target has {target.output_dim}")
    n = target.input_dim
    maps: list[Form] = []
    index: dict[tuple, int] = {}
    piece_map, piece_vertices = [], []
    for k, p in enumerate(target.pieces):
        if p.rows is None:  # a degenerate simplex is no linear piece of the function
            continue
        key = (tuple(p.W.entries()), p.c[0, 0])
        if key not in index:
            index[key] = len(maps)
            maps.append((list(p.W.entries()), p.c[0, 0]))
        piece_map.append(index[key])
        try:
            piece_vertices.append(vertices(p.rows, n))
        except InputError:
            raise InputError(f"lattice: piece {k + 1} is unbounded (need a triangulated polytope)") from None

    def value(j: int, x: Sequence[fmpq]) -> fmpq:
        w, c = maps[j]
        return sum((wi * xi for wi, xi in zip(w, x)), fmpq(0)) + c

    sets = []
    for i, verts in zip(piece_map, piece_vertices):
        sets.append(tuple(j for j in range(len(maps)) if all(value(j, v) >= value(i, v) for v in verts)))
    distinct = sorted(set(sets))
    kept = [s for s in distinct if not any(set(t) < set(s) for t in distinct)]
    return {
        "maps": maps,
        "piece_map": piece_map,
        "vertices": piece_vertices,
        "sets": sets,
        "groups": kept,
    }


def _unit(W: list, b: list, act: list, f: Form, a: str, neg: bool = False) -> int:
    """Append a unit with pre-activation f (or -f) to the layer being built; its index."""
    W.append([-v for v in f[0]] if neg else list(f[0]))
    b.append(-f[1] if neg else f[1])
    act.append(a)
    return len(W) - 1


def _carry(unit: Any, passthrough: str, f: Form) -> list[tuple[int, int]]:
    """Units carrying the value f to the next layer, with their signs."""
    if passthrough == "linear":
        return [(unit(f, "linear"), 1)]
    return [(unit(f, "relu"), 1), (unit(f, "relu", neg=True), -1)]


def tree_network(
    n: int, maps: Sequence[Form], groups: Sequence[Sequence[int]], passthrough: str = "linear"
) -> Network:
    """The network of ``max_g min_{j in g} maps[j]``: balanced min trees, then a max tree.

    Each stage pairs values: a pair (a, b) gives a carried unit for a and one ReLU
    ``relu(a - b)`` (min) or ``relu(b - a)`` (max); an odd value is carried.  Carrying uses a
    linear unit (``passthrough="linear"``) or two ReLUs ``relu(a), relu(-a)``.
    """
    if passthrough not in ("linear", "relu"):
        raise InputError(f"passthrough: {passthrough!r} is not 'linear' or 'relu'")
    basis = n
    state: list[list[Form]] = [[(list(maps[j][0]), maps[j][1]) for j in g] for g in groups]
    layers: list[tuple[list, list]] = []
    acts: list[list[str]] = []

    def run(op: str) -> None:
        nonlocal basis, state
        while any(len(g) > 1 for g in state):
            W: list[list[fmpq]] = []
            b: list[fmpq] = []
            act: list[str] = []
            unit = partial(_unit, W, b, act)
            carry = partial(_carry, unit, passthrough)

            new_state = []
            for g in state:
                new_g = []
                for t in range(0, len(g) - 1, 2):
                    a, c = g[t], g[t + 1]
                    diff = (
                        ([x - y for x, y in zip(a[0], c[0])], a[1] - c[1])
                        if op == "min"
                        else ([y - x for x, y in zip(a[0], c[0])], c[1] - a[1])
                    )
                    terms = carry(a)
                    r = unit(diff, "relu")
                    terms.append((r, -1 if op == "min" else 1))
                    new_g.append(terms)
                if len(g) % 2:
                    new_g.append(carry(g[-1]))
                new_state.append(new_g)
            layers.append((W, b))
            acts.append(act)
            basis = len(W)
            state = []
            for g in new_state:
                forms = []
                for terms in g:
                    coeffs = [fmpq(0)] * basis
                    for idx, s in terms:
                        coeffs[idx] += s
                    forms.append((coeffs, fmpq(0)))
                state.append(forms)

    run("min")
    state = [[g[0] for g in state]]
    run("max")
    (w, c) = state[0][0]
    layers.append(([w], [c]))
    acts.append(["linear"])
    return Network.from_layers(layers, activations=acts)


def lattice(target: PWL | dict, passthrough: str = "linear") -> Construction:
    """R18: a CPWL target on a triangulated polytope -> ``max_i min_{j in S_i} l_j`` -> a deep network.

    The domain of the claim is the convex hull of the pieces' vertices; ``certify`` refuses
    (pieces do not cover the domain) when the triangulated set is not convex.
    """
    t = PWL.from_dict(target) if isinstance(target, dict) else target
    form = lattice_form(t)
    maps, groups = form["maps"], form["groups"]
    n = t.input_dim
    net = tree_network(n, maps, groups, passthrough)
    dom = hull([v for vs in form["vertices"] for v in vs], n)

    def text(j: int) -> str:
        w, c = maps[j]
        parts = [f"{format_number(v)}*x{i + 1}" for i, v in enumerate(w) if v]
        return " + ".join(parts + [format_number(c)]).replace("+ -", "- ")

    depth_min = max(math.ceil(math.log2(len(g))) if len(g) > 1 else 0 for g in groups)
    depth_max = math.ceil(math.log2(len(groups))) if len(groups) > 1 else 0
    steps = [
        Step(
            "distinct affine maps of the pieces",
            "l_j(x) = w_j . x + c_j",
            {f"l_{j + 1}": text(j) for j in range(len(maps))},
        ),
        Step(
            "for each piece i, S_i = {j : l_j >= l_i on piece i}, checked exactly at its vertices",
            "l_j - l_i is affine, so >= 0 at the vertices means >= 0 on the simplex",
            {
                f"piece {k + 1} (map l_{i + 1})": "{" + ", ".join(f"l_{j + 1}" for j in s) + "}"
                for k, (i, s) in enumerate(zip(form["piece_map"], form["sets"]))
            },
        ),
        Step(
            "keep the distinct minimal sets (a superset's min is never larger)",
            "f = max_i min_{j in S_i} l_j",
            {
                "terms": len(groups),
                "sets": ["{" + ", ".join(f"l_{j + 1}" for j in g) + "}" for g in groups],
            },
        ),
        Step(
            "network: min trees then a max tree, min(a, b) = a - relu(a - b), max(a, b) = a + relu(b - a)",
            f"carry values by {'linear units' if passthrough == 'linear' else 'relu(a) - relu(-a)'}",
            {
                "hidden layers (min)": depth_min,
                "hidden layers (max)": depth_max,
                "architecture": net.architecture,
            },
        ),
        Step(
            "domain of the claim: the convex hull of the pieces' vertices",
            "A x <= b",
            {"A": [list(a) for a, _ in dom.rows], "b": [b for _, b in dom.rows]},
        ),
    ]
    return Construction("lattice", net, t, dom, steps)


@register("lattice", "R18: CPWL on a triangulated polytope -> max-min form -> deep network")
def _build_lattice(data: dict) -> Construction:
    if not isinstance(data, dict) or "triangulation" not in data and "pieces" not in data:
        raise InputError("target: the lattice method needs a 'triangulation' (or bounded 'pieces')")
    c = lattice(PWL.from_dict(data))
    try:
        v = c.certify()
    except InputError as e:
        raise Refusal(f"lattice: {e}") from None
    c.steps.append(Step("certified on the domain", "", {"holds": str(v.holds), "regions": v.regions}))
    return c


# ---------------------------------------------------------------------- R19: TRLU
def trlu(t: Any) -> Construction:
    """``TRLU_t(s) = relu(s) - relu(s - t)``: 0 for s <= 0, s on [0, t], t for s >= t (t > 0)."""
    tq = to_fmpq(t, "t")
    if not tq > 0:
        raise InputError(f"t: must be positive, got {format_number(tq)}")
    net = Network.from_layers([([[1], [1]], [0, -tq]), ([[1, -1]], [0])], description=f"TRLU_{tq}")
    target = PWL.from_expr(f"min(max(x1, 0), {format_number(tq)})", 1)
    steps = [
        Step("two ReLUs with kinks at 0 and t", "TRLU_t(s) = relu(s) - relu(s - t)", {"t": tq}),
        Step(
            "three pieces",
            "s <= 0: 0 - 0;  0 <= s <= t: s - 0;  s >= t: s - (s - t) = t",
            {"TRLU(-1)": net([-1])[0], "TRLU(t/2)": net([tq / 2])[0], "TRLU(2t)": net([2 * tq])[0]},
        ),
    ]
    return Construction("trlu", net, target, None, steps)


def margin_classifier(w: Sequence[Any], b: Any, eps: Any) -> Construction:
    """R19: exact 0/1 labels ``[w.x + b > 0]`` at Euclidean distance >= eps from ``w.x + b = 0``.

    Why: such a point has ``|s| >= eps ||w||_2 >= eps ||w||_inf = delta`` (delta is rational),
    and the steep TRLU of ``u = (s + delta) / (2 delta)``, ``relu(u) - relu(u - 1)``, is 0 for
    ``s <= -delta`` and 1 for ``s >= delta``.  The steps certify both facts on the half-spaces.
    """
    from ..verdict import certify

    wq = [to_fmpq(v, "w") for v in w]
    bq, eq = to_fmpq(b, "b"), to_fmpq(eps, "eps")
    if not wq or not any(wq):
        raise InputError("w: must be a non-zero vector")
    if not eq > 0:
        raise InputError(f"eps: must be positive, got {format_number(eq)}")
    n = len(wq)
    delta = eq * max(abs(v) for v in wq)
    scale = 1 / (2 * delta)
    row = [v * scale for v in wq]
    u0 = (bq + delta) * scale
    net = Network.from_layers(
        [([row, row], [u0, u0 - 1]), ([[1, -1]], [0])], description="steep TRLU classifier"
    )
    s_text = " + ".join([f"{format_number(v)}*x{i + 1}" for i, v in enumerate(wq)] + [format_number(bq)])
    target = PWL.from_expr(
        f"min(max(({s_text} + {format_number(delta)}) / {format_number(2 * delta)}, 0), 1)", n
    )
    pos = certify(net, "1", {"A": [[-v for v in wq]], "b": [bq - delta]})
    neg = certify(net, "0", {"A": [list(wq)], "b": [-bq - delta]})
    steps = [
        Step(
            "score margin from the distance margin",
            "dist(x, {s = 0}) >= eps  =>  |s(x)| >= eps ||w||_2 >= eps ||w||_inf = delta",
            {"w": wq, "b": bq, "eps": eq, "delta": delta},
        ),
        Step(
            "steep TRLU of the rescaled score",
            "u = (s + delta) / (2 delta);  label = relu(u) - relu(u - 1)",
            {"u weights": row, "u bias": u0},
        ),
        Step(
            "certified: label == 1 on {s >= delta} and label == 0 on {s <= -delta}",
            "",
            {"holds (1 side)": str(pos.holds), "holds (0 side)": str(neg.holds)},
        ),
    ]
    return Construction("margin-classifier", net, target, None, steps)


def exact_labels(net: Network, points: Sequence[Sequence[Any]]) -> list[Fraction]:
    """The classifier's exact outputs at data points (for checking 0/1 on margin data)."""
    return [net(p)[0] for p in points]
