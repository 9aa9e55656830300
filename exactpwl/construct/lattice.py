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

from collections.abc import Sequence
from fractions import Fraction
from functools import partial
from typing import Any

from flint import fmpq
from sympy import Abs, FiniteSet, Function, Ge, Le, Piecewise

from ..errors import InputError
from ..formula import (
    Chain,
    Dot,
    Element,
    Eq,
    MaxOf,
    MinOf,
    Notation,
    Qualified,
    Relu,
    SetOf,
    affine,
    evaluate,
    ix,
    sym,
)
from ..network import Network
from ..numbers import format_number, to_fmpq
from ..polyhedron import hull, vertices
from ..pwl import PWL
from . import Construction, Refusal, Step, register

__all__ = ["lattice", "lattice_form", "tree_network", "trlu", "margin_classifier", "exact_labels"]

Form = tuple[list[fmpq], fmpq]  # coefficients over the current basis, constant
NORM2, NORMINF = Notation("||w||_2", r"\lVert w \rVert_2"), Notation("||w||_inf", r"\lVert w \rVert_\infty")


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


A, B, X, J = sym("a"), sym("b"), sym("x"), sym("j")
F_MAXMIN = Notation("max_i min_{j in S_i} l_j(x)", r"\max_i \min_{j \in S_i} l_j(x)")
F_MINMAX = Notation("min_i max_{j in S_i} l_j(x)", r"\min_i \max_{j \in S_i} l_j(x)")


def _l(j: int) -> Any:
    return ix("l", j + 1)


def lattice_steps(
    maps: Sequence[Form],
    piece_map: Sequence[int],
    sets: Sequence,
    groups: Sequence,
    sign: int = 1,
    rays: bool = False,
    computed: bool = False,
) -> list[Step]:
    """The steps of a lattice form: the maps, each piece's set S_i, the minimal sets kept."""
    i = sym("i")
    with evaluate(False):
        return [
            Step(
                "derived",
                "Distinct affine maps of the pieces"
                + (" (activation regions of the expression)" if computed else ""),
                Eq(Function("l_j")(X), Dot(ix("w", J), X) + ix("c", J)),
                {_l(j): affine(w, c) for j, (w, c) in enumerate(maps)},
            ),
            Step(
                "derived",
                "For each piece i, the maps " + ("above" if sign == 1 else "below") + " its own one there, "
                "checked exactly at its vertices"
                + (" and along its rays" if rays else "")
                + " (their difference is affine)",
                Eq(ix("S", i), SetOf(J, (Ge if sign == 1 else Le)(_l_sym(J), _l_sym(i)))),
                {
                    "map of each piece": [_l(m) for m in piece_map],
                    **{ix("S", k + 1): FiniteSet(*[_l(j) for j in s_]) for k, s_ in enumerate(sets)},
                },
            ),
            Step(
                "derived",
                "Keep the distinct minimal sets (a superset's "
                + ("minimum" if sign == 1 else "maximum")
                + " never wins)",
                Eq(Function("f")(X), F_MAXMIN if sign == 1 else F_MINMAX),
                {"terms": len(groups), "sets": [FiniteSet(*[_l(j) for j in g]) for g in groups]},
            ),
        ]


def _l_sym(j: Any) -> Any:
    return ix("l", j)


def hull_step(dom: Any) -> Step:
    """The domain of the claim, the convex hull of the pieces, as A x <= b."""
    with evaluate(False):
        return Step(
            "domain",
            "Domain of the claim: the convex hull of the pieces",
            Chain("<=", sym("A") * X, sym("b")),
            {sym("A"): [list(a) for a, _ in dom.rows], sym("b"): [b for _, b in dom.rows]},
        )


def certified_step(v: Any) -> Step:
    """The verdict of certify on the domain, as a step."""
    with evaluate(False):
        return Step(
            "verification",
            "Certified on the domain",
            Qualified(Eq(Function("N")(X), Function("f")(X)), Element(X, sym("D"))),
            {"holds": v.holds, "regions": v.regions},
        )


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

    depth_min = max(_ceil_log2(len(g)) for g in groups)
    depth_max = _ceil_log2(len(groups))
    steps = lattice_steps(maps, form["piece_map"], form["sets"], groups)
    with evaluate(False):
        steps += [
            Step(
                "assembly",
                "Network: min trees, then a max tree; values carried by "
                + ("linear units" if passthrough == "linear" else "pairs of ReLUs"),
                (Eq(MinOf(A, B), A - Relu(A - B)), Eq(MaxOf(A, B), A + Relu(B - A)))
                + (() if passthrough == "linear" else (Eq(A, Relu(A) - Relu(-A)),)),
                {
                    "hidden layers (min)": depth_min,
                    "hidden layers (max)": depth_max,
                    "architecture": net.architecture,
                },
            ),
            hull_step(dom),
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
    c.steps.append(certified_step(v))
    return c


# ---------------------------------------------------------------------- R19: TRLU
def trlu(t: Any) -> Construction:
    """``TRLU_t(s) = relu(s) - relu(s - t)``: 0 for s <= 0, s on [0, t], t for s >= t (t > 0)."""
    tq = to_fmpq(t, "t")
    if not tq > 0:
        raise InputError(f"t: must be positive, got {format_number(tq)}")
    net = Network.from_layers([([[1], [1]], [0, -tq]), ([[1, -1]], [0])], description=f"TRLU_{tq}")
    target = PWL.from_expr(f"min(max(x1, 0), {format_number(tq)})", 1)
    S_, t_ = sym("s"), sym("t")
    T_ = Function("TRLU_t")
    with evaluate(False):
        steps = [
            Step(
                "assembly", "Two ReLUs with kinks at 0 and t", Eq(T_(S_), Relu(S_) - Relu(S_ - t_)), {t_: tq}
            ),
            Step(
                "derived",
                "Three pieces",
                Eq(T_(S_), Piecewise((0, S_ <= 0), (S_, t_ >= S_), (t_, True))),
                {T_(-1): net([-1])[0], T_(t_ / 2): net([tq / 2])[0], T_(2 * t_): net([2 * tq])[0]},
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
    delta_ = eq * max(abs(v) for v in wq)
    scale = 1 / (2 * delta_)
    row = [v * scale for v in wq]
    u0 = (bq + delta_) * scale
    net = Network.from_layers(
        [([row, row], [u0, u0 - 1]), ([[1, -1]], [0])], description="steep TRLU classifier"
    )
    s_text = " + ".join([f"{format_number(v)}*x{i + 1}" for i, v in enumerate(wq)] + [format_number(bq)])
    target = PWL.from_expr(
        f"min(max(({s_text} + {format_number(delta_)}) / {format_number(2 * delta_)}, 0), 1)", n
    )
    pos = certify(net, "1", {"A": [[-v for v in wq]], "b": [bq - delta_]})
    neg = certify(net, "0", {"A": [list(wq)], "b": [-bq - delta_]})
    sx, eps, delta, u, label = Function("s")(X), sym("epsilon"), sym("delta"), sym("u"), sym("label")
    with evaluate(False):
        steps = [
            Step(
                "derived",
                "Score margin from the distance margin: a point at distance at least eps from s = 0",
                (Chain(">=", Abs(sx), eps * NORM2, eps * NORMINF), Eq(delta, eps * NORMINF)),
                {sym("w"): wq, sym("b"): bq, eps: eq, delta: delta_},
            ),
            Step(
                "assembly",
                "Steep TRLU of the rescaled score",
                (Eq(u, (sx + delta) / (2 * delta)), Eq(label, Relu(u) - Relu(u - 1))),
                {"u weights": row, "u bias": u0},
            ),
            Step(
                "verification",
                "Certified: the label is 1 where s >= delta and 0 where s <= -delta",
                (Qualified(Eq(label, 1), sx >= delta), Qualified(Eq(label, 0), sx <= -delta)),
                {"holds (1 side)": pos.holds, "holds (0 side)": neg.holds},
            ),
        ]
    return Construction("margin-classifier", net, target, None, steps)


def exact_labels(net: Network, points: Sequence[Sequence[Any]]) -> list[Fraction]:
    """The classifier's exact outputs at data points (for checking 0/1 on margin data)."""
    return [net(p)[0] for p in points]


def _ceil_log2(m: int) -> int:
    """ceil(log2 m) for m >= 1, in integers (a float log2 rounds for large m): the bits of m - 1."""
    return (m - 1).bit_length()
