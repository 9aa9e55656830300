"""Deep constructions (PAPER.md R8, R10, R11): depth witnesses, region transmitting, dividing.

* ``max3()`` and ``pyramid()`` are the two-hidden-layer witnesses of R8.  No one-hidden-layer
  network equals them (R7: their kinks lie on rays or segments, not on whole lines).  For the
  pyramid the activated region of the layer-2 unit is the bounded diamond ``|x1| + |x2| < 1``,
  computed exactly from the regions of the network.
* ``transmit(A, B, layers=k)`` (R10): k layers ``relu(A z + b)`` that are active on the whole
  box, so the network is an injective affine map there, and a last linear layer recovers x.
* ``divide(net, E, g, v, Q)`` (R11): a new layer that transmits the last hidden representation
  and adds one unit ``relu(g(h))``.  On E (where ``g(h(x)) <= 0``) the network does not change;
  on Q it gets a new kink.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from flint import fmpq, fmpq_mat
from sympy import Abs, Function, IndexedBase

from ..errors import InputError
from ..formula import (
    Chain,
    Dot,
    Element,
    Eq,
    MaxOf,
    Norm1,
    Notation,
    Qualified,
    Relu,
    SetOf,
    Tuple,
    evaluate,
    ix,
    sym,
    variables,
)
from ..network import Network
from ..numbers import to_fmpq, to_fraction
from ..polyhedron import Polyhedron, box, vertices
from ..pwl import PWL
from ..ranks import nullspace
from ..region_graph import regions
from ..verdict import certify
from . import Construction, Refusal, Step, given_target, register

__all__ = ["max3", "pyramid", "active_region", "transmit", "kernel_vector", "divide", "box_maximum"]

X, Y, H = sym("x"), sym("y"), sym("h")
ACTIVE = Notation("A_active", r"A_{\mathrm{active}}")
A_INV = Notation("A^-1", "A^{-1}")
MAX_E = Notation("max_E g(h(x))", r"\max_{x \in E} g(h(x))")
V_NEW, C_NEW = Notation("V'", "V'"), Notation("c'", "c'")


def _W(k: int) -> Notation:
    return Notation(f"W{k}", f"W^{{{k}}}")


def _b(k: int) -> Notation:
    return Notation(f"b{k}", f"b^{{{k}}}")


DIAMOND = (((1, 1), 1), ((1, -1), 1), ((-1, 1), 1), ((-1, -1), 1))  # |x1| + |x2| <= 1


# ---------------------------------------------------------------------- R8: depth witnesses
def _max3_network() -> Network:
    return Network.from_layers(
        [([[1, 0], [-1, 0], [-1, 1]], [0, 0, 0]), ([[1, -1, 1]], [0]), ([[1]], [0])],
        activations=["relu", "relu", "linear"],
        description="max(0, x1, x2) = relu(relu(x1) - relu(-x1) + relu(x2 - x1))",
    )


def _pyramid_network() -> Network:
    return Network.from_layers(
        [
            ([[1, 0], [-1, 0], [0, 1], [0, -1]], [0, 0, 0, 0]),
            ([[-1, -1, -1, -1]], [1]),
            ([[1]], [0]),
        ],
        activations=["relu", "relu", "linear"],
        description="relu(1 - |x1| - |x2|) = relu(1 - relu(x1) - relu(-x1) - relu(x2) - relu(-x2))",
    )


def active_region(net: Network, layer: int = 1, unit: int = 0, domain: Any = None) -> dict[str, Any]:
    """The activated region of one hidden unit, from the exact regions of ``net`` over ``domain``.

    Returns the regions (patterns) where the unit is active, whether all of them are bounded,
    and the vertices of the bounded ones; this is how R8 sees that a deep unit's activated
    region need not be a half-space.
    """
    k = net.neurons.index((layer, unit))
    g = regions(net, domain)
    active = [r for r in g if r.pattern[k]]
    bounded = all(r.bounded for r in active)
    verts = [vertices(r.inequalities, net.input_dim) for r in active if r.bounded]
    return {
        "neuron": k,
        "regions": len(g),
        "active": active,
        "inactive": [r for r in g if not r.pattern[k]],
        "bounded": bounded,
        "vertices": verts,
    }


def max3() -> Construction:
    """R8(a): ``max(0, x1, x2)`` with 3 + 1 hidden units; certified on all of R^2.

    Why it works: ``relu(x1) - relu(-x1) = x1`` and ``x1 + relu(x2 - x1) = max(x1, x2)``, so the
    layer-2 unit is ``relu(max(x1, x2)) = max(0, x1, x2)``.  Its activated region
    ``{max(x1, x2) > 0}`` is not a half-space (it is bent along x1 = x2).
    """
    net = _max3_network()
    info = active_region(net)
    x1, x2 = variables(2)
    h = [ix("h", i) for i in range(1, 4)]
    with evaluate(False):
        steps = [
            Step(
                "assembly",
                "Layer 1 carries x1 through two ReLUs and measures how far x2 exceeds x1",
                (Eq(H, Tuple(Relu(x1), Relu(-x1), Relu(x2 - x1))), Eq(h[0] - h[1], x1)),
                {_W(1): [[1, 0], [-1, 0], [-1, 1]], _b(1): [0, 0, 0]},
            ),
            Step(
                "assembly",
                "Layer 2 adds the carried x1 to the excess, which gives the larger of x1 and x2, and "
                "its ReLU clips that at 0",
                (
                    Eq(Y, Relu(h[0] - h[1] + h[2])),
                    Eq(x1 + Relu(x2 - x1), MaxOf(x1, x2)),
                    Eq(Relu(MaxOf(x1, x2)), MaxOf(0, x1, x2)),
                ),
                {_W(2): [[1, -1, 1]], _b(2): [0]},
            ),
            Step(
                "region",
                "Activated region of the layer-2 unit, from the exact regions of the network: unbounded "
                "and not a half-space (bent along x1 = x2)",
                Eq(ACTIVE, SetOf(X, MaxOf(x1, x2) > 0)),
                {
                    "regions": info["regions"],
                    "active regions": len(info["active"]),
                    "all bounded": info["bounded"],
                },
            ),
        ]
    return Construction("depth-max3", net, PWL.from_expr("max(0, x1, x2)", 2), None, steps)


def pyramid() -> Construction:
    """R8(b): ``relu(1 - |x1| - |x2|)`` with 4 + 1 hidden units; certified on all of R^2.

    The layer-2 unit's activated region is the bounded open diamond ``|x1| + |x2| < 1``: a
    localized piece, which no one-hidden-layer unit (always a half-space) can give.  The step
    proves it from the regions: every active region is bounded with vertices in the closed
    diamond, and no inactive region meets the open diamond in a full-dimensional set.
    """
    net = _pyramid_network()
    info = active_region(net)
    inside = all(abs(v[0]) + abs(v[1]) <= 1 for vs in info["vertices"] for v in vs)
    disjoint = not any(
        Polyhedron.from_rows(tuple(r.inequalities) + DIAMOND, 2).is_full_dimensional()
        for r in info["inactive"]
    )
    diamond_vertices = sorted({tuple(to_fraction(c) for c in v) for vs in info["vertices"] for v in vs})
    x1, x2 = variables(2)
    h = [ix("h", i) for i in range(1, 5)]
    with evaluate(False):
        steps = [
            Step(
                "assembly",
                "Layer 1 computes the four half-norms",
                (
                    Eq(H, Tuple(Relu(x1), Relu(-x1), Relu(x2), Relu(-x2))),
                    Eq(h[0] + h[1], Abs(x1)),
                    Eq(h[2] + h[3], Abs(x2)),
                ),
                {_W(1): [[1, 0], [-1, 0], [0, 1], [0, -1]], _b(1): [0, 0, 0, 0]},
            ),
            Step(
                "assembly",
                "Layer 2: one unit with bias 1",
                (
                    Eq(Y, Relu(1 - h[0] - h[1] - h[2] - h[3])),
                    Eq(Relu(1 - h[0] - h[1] - h[2] - h[3]), Relu(1 - Abs(x1) - Abs(x2))),
                ),
                {_W(2): [[-1, -1, -1, -1]], _b(2): [1]},
            ),
            Step(
                "region",
                "Activated region of the layer-2 unit, from the exact regions of the network: the union of "
                "the active regions is the open diamond (bounded)",
                Eq(ACTIVE, SetOf(X, Abs(x1) + Abs(x2) < 1)),
                {
                    "regions": info["regions"],
                    "active regions": len(info["active"]),
                    "all bounded": info["bounded"],
                    "vertices of the active regions": [list(v) for v in diamond_vertices],
                    "active vertices in the closed diamond": inside,
                    "inactive regions miss the open diamond": disjoint,
                },
            ),
        ]
    return Construction("depth-pyramid", net, PWL.from_expr("max(0, 1 - abs(x1) - abs(x2))", 2), None, steps)


@register("depth-max3", "R8(a): max(0, x1, x2) with two hidden layers (3 + 1 units)")
def _build_max3(data: dict) -> Construction:
    return given_target(max3(), data, "max(0, x1, x2)")


@register("depth-pyramid", "R8(b): relu(1 - |x1| - |x2|) with two hidden layers (4 + 1 units)")
def _build_pyramid(data: dict) -> Construction:
    return given_target(pyramid(), data, "relu(1 - |x1| - |x2|)")


# ---------------------------------------------------------------------- R10: transmitting
def _matrix(A: Any, where: str) -> list[list[fmpq]]:
    rows = A.tolist() if hasattr(A, "tolist") else A
    if not isinstance(rows, (list, tuple)) or not rows:
        raise InputError(f"{where}: expected a non-empty square matrix")
    n = len(rows)
    out = []
    for i, r in enumerate(rows):
        if not isinstance(r, (list, tuple)) or len(r) != n:
            raise InputError(f"{where}: row {i + 1} must have {n} entries (a square matrix)")
        out.append([to_fmpq(v, f"{where}, row {i + 1}") for v in r])
    return out


def kernel_vector(A: Sequence[Sequence[fmpq]]) -> list[Fraction] | None:
    """A non-zero integer vector k with A k = 0, or None if A is invertible (exact)."""
    basis = nullspace(A, len(A[0]))
    return basis[0] if basis else None


def transmit(A: Any, B: Any, layers: int = 1) -> Construction:
    """R10: ``layers`` ReLU layers ``relu(A z + b_l)``, all active on ``[-B, B]^n``, then x back.

    Why the biases: on a box ``|z_i| <= B_l`` we have ``|a_j . z| <= B_l ||a_j||_1``, so
    ``b_j = B_l ||a_j||_1 + 1`` makes every pre-activation >= 1; the layer is the injective
    affine map ``z -> A z + b`` there.  Its image lies in the box of half-width
    ``B_{l+1} = max_j (2 B_l ||a_j||_1 + 1)``, which sets the next layer's biases.  The final
    linear layer is ``A^-1(... A^-1(z - b_k) ... - b_1)`` in one affine map.
    Refuses a singular A, with a kernel vector as the witness (two points the layer merges).
    """
    M = _matrix(A, "A")
    n = len(M)
    Bq = to_fmpq(B, "B")
    if not Bq > 0:
        raise InputError(f"B: must be positive, got {Bq}")
    if isinstance(layers, bool) or not isinstance(layers, int) or layers < 1:
        raise InputError(f"layers: must be a positive integer, got {layers!r}")
    k = kernel_vector(M)
    if k is not None:
        raise Refusal(
            f"A is singular: A k = 0 for k = ({', '.join(str(v) for v in k)}), "
            "so the layer merges x and x + t k",
            witness=k,
        )
    Am = fmpq_mat(M)
    Ainv = Am.inv()
    norms = [sum((abs(v) for v in r), fmpq(0)) for r in M]
    bound = Bq
    biases, bounds = [], []
    for _ in range(layers):
        b = [bound * nj + 1 for nj in norms]
        biases.append(b)
        bounds.append(bound)
        bound = max(2 * bound * nj + 1 for nj in norms)
    # invariant x = P z_{l-1} + q; substituting z_{l-1} = A^-1 (z_l - b_l) moves it one layer up
    P = fmpq_mat(n, n, [1 if i == j else 0 for i in range(n) for j in range(n)])
    q = fmpq_mat(n, 1)
    for b in biases:  # after layer l: x = P z_{l-1} + q, and z_{l-1} = A^-1 (z_l - b_l)
        bm = fmpq_mat(n, 1, b)
        q = q - P * (Ainv * bm)
        P = P * Ainv
    net = Network.from_layers(
        [(M, b) for b in biases] + [(P.tolist(), [q[i, 0] for i in range(n)])],
        activations=["relu"] * layers + ["linear"],
        description=f"region transmitting through {layers} layer(s), identity on [-{Bq}, {Bq}]^{n}",
    )
    target = PWL.from_expr([f"x{i + 1}" for i in range(n)], n)
    j, z = sym("j"), sym("z")
    a_j, b_j = ix("a", j), ix("b", j)
    with evaluate(False):
        steps = [
            Step(
                "derived",
                "A is invertible (exact inverse)",
                Eq(sym("A") * A_INV, sym("I")),
                {sym("A"): M, A_INV: Ainv.tolist()},
            ),
            Step("derived", "Row 1-norms of A", Eq(ix("n", j), Norm1(a_j)), {IndexedBase("n"): norms}),
        ]
        for i, (b, Bl) in enumerate(zip(biases, bounds)):
            steps.append(
                Step(
                    "choice",
                    f"Layer {i + 1}: inputs in the box of half-width B_{i}; the biases keep the units active",
                    (Eq(b_j, ix("B", i) * Norm1(a_j) + 1), Chain(">=", Dot(a_j, z) + b_j, 1)),
                    {ix("B", i): Bl, _b(i + 1): b},
                )
            )
        steps.append(
            Step(
                "assembly",
                "The final linear layer undoes every layer in one affine map",
                Eq(X, sym("P") * ix("z", sym("k")) + sym("q")),
                {sym("P"): P.tolist(), sym("q"): [q[i, 0] for i in range(n)]},
            )
        )
    return Construction("transmit", net, target, {"box": [[-Bq, Bq]] * n}, steps)


# ---------------------------------------------------------------------- R11: dividing
def box_maximum(net: Network, domain: Any) -> tuple[Fraction, tuple[Fraction, ...]]:
    """The exact maximum of a scalar network over a bounded domain, and a point attaining it.

    A CPWL function is affine on each (bounded) region, so its maximum is at a region vertex.
    """
    best: tuple[fmpq, tuple[fmpq, ...]] | None = None
    for r in regions(net, domain):
        for v in vertices(r.inequalities, net.input_dim):
            val = sum((r.W[0, i] * v[i] for i in range(len(v))), fmpq(0)) + r.c[0, 0]
            if best is None or val > best[0]:
                best = (val, v)
    assert best is not None
    return to_fraction(best[0]), tuple(to_fraction(c) for c in best[1])


def _prefix(net: Network) -> tuple[list, list]:
    """The hidden layers of ``net`` as (W, b) pairs and activations (the identity if none)."""
    pairs, acts = [], []
    for L in net.layers[:-1]:
        pairs.append((L.weights.tolist(), [L.biases[j, 0] for j in range(L.units)]))
        acts.append(L.activation if isinstance(L.activation, str) else list(L.activation))
    return pairs, acts


def _boxes(spec: Any, n: int, where: str) -> list[list[fmpq]]:
    if not isinstance(spec, (list, tuple)) or len(spec) != n:
        raise InputError(f"{where}: expected {n} pairs [lo, hi]")
    box(spec)  # validates lo < hi
    return [[to_fmpq(lo, where), to_fmpq(hi, where)] for lo, hi in spec]


def divide(
    base: Network,
    E_box: Sequence[Sequence[Any]],
    g: tuple[Sequence[Any], Any],
    v: Any,
    Q_box: Sequence[Sequence[Any]] | None = None,
) -> Construction:
    """R11: add a layer ``(relu(h_i + beta))_i, relu(g . h + g0)`` after the last hidden layer h.

    ``g = (w, g0)`` acts on h (for a network with no hidden layer, on x itself); ``v`` is the
    output weight of the new unit (a number, or one per output).  Why: with beta larger than
    every ``-h_i`` on E and Q, the transmitting units are active there, so the new network is
    ``old(x) + v relu(g(h(x)))``; on E, where ``g(h(x)) <= 0`` (checked exactly, refused with
    the maximizing point otherwise), it equals the old one.  On Q, where g changes sign, it
    differs: ``certify`` on Q refutes and its counterexample is recorded in the steps.
    The construction's claim is ``new == old`` on E.
    """
    n = base.input_dim
    K = base.output_dim
    E = _boxes(E_box, n, "E")
    Qb = _boxes(Q_box, n, "Q") if Q_box is not None else None
    pairs, acts = _prefix(base)
    m = base.layers[-1].weights.ncols()
    if not isinstance(g, (list, tuple)) or len(g) != 2 or not isinstance(g[0], (list, tuple)):
        raise InputError("g: expected (w, g0) with w a list of numbers")
    if len(g[0]) != m:
        raise InputError(f"g: w has {len(g[0])} entries, the last hidden representation has {m}")
    gw = [to_fmpq(x, "g, w") for x in g[0]]
    g0 = to_fmpq(g[1], "g, g0")
    if not any(gw):
        raise InputError("g: w must not be zero")
    vs = [to_fmpq(x, "v") for x in (v if isinstance(v, (list, tuple)) else [v] * K)]
    if len(vs) != K:
        raise InputError(f"v: has {len(vs)} entries, the network has {K} outputs")
    if not any(vs):
        raise InputError("v: must not be zero (the new unit would change nothing)")
    ident = [[1 if i == j else 0 for j in range(m)] for i in range(m)]
    prefix_pairs = pairs or [(ident, [0] * m)]
    prefix_acts = acts or ["linear"]
    # g(h(x)) as a network, and -h_i(x), to bound on the boxes exactly
    gnet = Network.from_layers(prefix_pairs + [([gw], [g0])], activations=prefix_acts + ["linear"])
    gmax_E, at_E = box_maximum(gnet, {"box": E})
    if gmax_E > 0:
        raise Refusal(
            f"E: g(h(x)) is not <= 0 on E; at x = ({', '.join(str(t) for t in at_E)}) it is {gmax_E}",
            witness=at_E,
        )
    last_relu = acts and all(a == "relu" for a in ([acts[-1]] if isinstance(acts[-1], str) else acts[-1]))
    beta_ = fmpq(1)
    lows = {}
    if not last_relu:  # h_i may be negative: beta = 1 + max over E and Q of -h_i
        for i in range(m):
            neg = Network.from_layers(
                prefix_pairs + [([[-1 if j == i else 0 for j in range(m)]], [0])],
                activations=prefix_acts + ["linear"],
            )
            lo = max(box_maximum(neg, {"box": B})[0] for B in ([E, Qb] if Qb else [E]))
            lows[f"max -h_{i + 1}"] = lo
            beta_ = max(beta_, to_fmpq(lo) + 1)
    L = base.layers[-1]
    V = L.weights.tolist()
    c = [L.biases[j, 0] for j in range(K)]
    new_hidden = ([*ident, gw], [beta_] * m + [g0])
    out_W = [[*V[j], vs[j]] for j in range(K)]
    out_b = [c[j] - beta_ * sum(V[j], fmpq(0)) for j in range(K)]
    net = Network.from_layers(
        pairs + [new_hidden, (out_W, out_b)],
        activations=acts + ["relu", "linear"],
        description="region dividing without interference (R11)",
    )
    g_h = Function("g")(Function("h")(X))
    beta, v_, V_, c_ = sym("beta"), sym("v"), sym("V"), sym("c")
    with evaluate(False):
        steps = [
            Step(
                "verification",
                "g on the last hidden representation h, and its exact maximum over E (at a region vertex)",
                (Chain("<=", MAX_E, 0), Qualified(Eq(Relu(g_h), 0), Element(X, sym("E")))),
                {"w": gw, "g0": g0, "max over E": gmax_E, "attained at": list(at_E)},
            ),
            Step(
                "choice",
                "Transmitting units relu(h_i + beta), active wherever h_i > -beta"
                + (
                    " (h >= 0 after a ReLU layer)" if last_relu else ", so beta exceeds every -h_i on E and Q"
                ),
                Eq(beta, 1) if last_relu else Eq(beta, 1 + MaxOf(-ix("h", sym("i")))),
                {
                    beta: beta_,
                    **{Notation(k, rf"\max_{{E \cup Q}} (-h_{{{k[7:]}}})"): lo for k, lo in lows.items()},
                },
            ),
            Step(
                "assembly",
                "New output layer: the old output plus v relu(g(h))",
                (
                    Eq(
                        V_ * (sym("u") - beta * sym("1")) + c_ + v_ * Relu(g_h),
                        Function("old")(X) + v_ * Relu(g_h),
                    ),
                    Eq(C_NEW, c_ - beta * V_ * sym("1")),
                ),
                {V_NEW: out_W, C_NEW: out_b},
            ),
        ]
    old = PWL.from_network(base)
    if Qb is not None:
        gmax_Q, at_Q = box_maximum(gnet, {"box": Qb})
        if gmax_Q <= 0:
            raise Refusal(
                f"Q: g(h(x)) <= 0 on all of Q (max {gmax_Q} at ({', '.join(str(t) for t in at_Q)})), "
                "so the new unit does not divide Q",
                witness=at_Q,
            )
        ref = certify(net, old, {"box": Qb})
        cx = ref.counterexample
        with evaluate(False):
            diff = Eq(Function("new")(X) - Function("old")(X), v_ * Relu(g_h))
        steps.append(
            Step(
                "verification",
                "On Q the new unit is active somewhere: certifying new = old on Q refutes it",
                diff,
                {
                    "max over Q": gmax_Q,
                    "attained at": list(at_Q),
                    "holds on Q": ref.holds,
                    "counterexample x": list(cx.x) if cx else "none",
                    "new(x)": list(cx.network) if cx else "none",
                    "old(x)": list(cx.target) if cx else "none",
                },
            )
        )
    return Construction("divide", net, old, {"box": E}, steps)
