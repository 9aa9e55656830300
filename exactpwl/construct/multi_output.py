"""R14, R17: several outputs through one shared hidden layer, and decoders.

* ``shared(data)`` (R14a): one hidden layer of N - 1 units ``relu(w.x - t_j)`` (R6: an integer
  direction w with distinct projections, thresholds between consecutive projections) makes
  ``[H | 1]`` square and triangular with a non-zero diagonal, so ``[H | 1] (V; c) = Y`` has one
  exact solution for *all* K output columns at once: N - 1 units instead of K (N - 1).
* ``shared_function(targets)`` (R14b): outputs that are each three-layer representable (R7)
  share one hidden layer made of the union of their kink hyperplanes plus ``relu(x_i)``,
  ``relu(-x_i)`` for the affine parts.
* ``decoder(codes, outputs)`` (R17a) is ``shared`` with codes as points; ``deep_decoder``
  (R17b) first expands the codes by a layer that keeps them distinguishable (transmitting units
  ``relu(z_i + beta)`` plus extra units), checked exactly, then decodes the image.

A data construction is certified by exact evaluation at every data point (``FitVerdict``): data
are not a function on R^n, so there is no region walk to run.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from flint import fmpq_mat
from sympy import Function, Implies, IndexedBase, Sum

from ..compile import compile_target
from ..errors import InputError
from ..formula import (
    DOTS,
    Chain,
    Dot,
    Eq,
    Notation,
    Qualified,
    Relu,
    Tuple,
    affine,
    evaluate,
    ix,
    sym,
    word,
)
from ..network import Network
from ..numbers import to_fmpq, to_fraction, to_sympy
from ..pwl import PWL
from ..shallow import _vec_text
from . import Construction, Data, DataConstruction, Refusal, Step, read_data, register
from .interpolation import direction
from .three_layer import _as_pwl, analyse_kinks

__all__ = [
    "shared",
    "shared_function",
    "decoder",
    "deep_decoder",
    "stack_networks",
]

Vec = tuple[Fraction, ...]
X, W, HM, I_, J = sym("x"), sym("w"), sym("H"), sym("i"), sym("j")
W1_, B1_ = Notation("W1", "W^{1}"), Notation("b1", "b^{1}")
H1 = Notation("[H | 1]", r"\begin{bmatrix} H & \mathbf{1} \end{bmatrix}")
VC = Notation("(V^T; c^T)", r"\begin{bmatrix} V^{T} \\ c^{T} \end{bmatrix}")
SHARED, SEPARATE = word("shared hidden units"), word("separate hidden units")
UNION = Notation("|U H_k|", r"\lvert \textstyle\bigcup_k H_k \rvert")
HK = Notation("|H_k|", r"\lvert H_k \rvert")
BOUND = Notation("bound |U H_k| + 2n", r"\lvert \textstyle\bigcup_k H_k \rvert + 2n")
SEPARATE_K = Notation("separate sum_k (|H_k| + 2)", r"\textstyle\sum_k (\lvert H_k \rvert + 2)")


def P_(j: Any) -> Any:
    """The j-th smallest projection, p_(j)."""
    return Notation(f"p_({j})".replace(" ", ""), rf"p_{{({j})}}")


def _mat(rows: Sequence[Sequence[Any]]) -> fmpq_mat:
    return fmpq_mat([[to_fmpq(v) for v in row] for row in rows])


def _interpolating_layer(
    points: Sequence[Sequence[Fraction]],
) -> tuple[list[int], list[Fraction], list[Fraction], list[int]]:
    """(w, sorted projections, thresholds t_2..t_N, order) for the N - 1 parallel units (R5, R6)."""
    w, _ = direction(points)
    proj = [sum(wi * xi for wi, xi in zip(w, x)) for x in points]
    order = sorted(range(len(points)), key=lambda i: proj[i])
    p = [proj[i] for i in order]
    thresholds = [(p[j - 1] + p[j]) / 2 for j in range(1, len(p))]
    return w, p, thresholds, order


def _solve_shared(
    points: Sequence[Sequence[Fraction]], values: Sequence[Sequence[Fraction]]
) -> tuple[list[int], list[Fraction], list[list[Fraction]], list[list[Fraction]], list[Fraction]]:
    """Solve [H | 1] (V; c) = Y exactly for the R6 layer; returns (w, thresholds, H, V, c)."""
    w, _, t, _ = _interpolating_layer(points)
    N, K = len(points), len(values[0])
    H = [
        [max(Fraction(0), sum(wi * xi for wi, xi in zip(w, x)) - tj) for tj in t] for x in points
    ]  # N x (N - 1), in the data's order
    A = _mat([row + [1] for row in H])
    Z = A.solve(_mat(values))  # square, triangular after sorting: never singular
    V = [[to_fraction(Z[j, k]) for j in range(N - 1)] for k in range(K)]
    c = [to_fraction(Z[N - 1, k]) for k in range(K)]
    return w, t, H, V, c


def _layer_network(
    w: list[int], t: list[Fraction], V: list[list[Fraction]], c: list[Fraction], prefix: list | None = None
) -> Network:
    """relu(w.h - t_j) on h (x, or a prefix layer's output), then V and c."""
    K = len(c)
    layers = list(prefix or [])
    if not t:
        n_in = len(w)
        layers.append(([[0] * n_in for _ in range(K)], c))
        acts = ["relu"] * (len(layers) - 1) + ["linear"]
        return Network.from_layers(layers, activations=acts)
    layers.append(([list(w) for _ in t], [-tj for tj in t]))
    layers.append((V, c))
    return Network.from_layers(layers)


def shared(data: Data, method: str = "shared") -> DataConstruction:
    """R14(a): one hidden layer of N - 1 units fitting all K outputs of ``data`` exactly."""
    N, K, n = len(data.points), data.output_dim, data.input_dim
    w, t, H, V, c = _solve_shared(data.points, data.values)
    net = _layer_network(w, t, V, c)
    with evaluate(False):
        steps = [
            Step(
                "choice",
                "Direction with distinct projections (R6): the smallest s >= 0 that keeps the points apart",
                Eq(W, Tuple(1, sym("s"), sym("s") ** 2, DOTS)),
                {W: w, "projections": [sum(wi * xi for wi, xi in zip(w, x)) for x in data.points]},
            ),
            Step(
                "choice",
                "Shared hidden layer: thresholds between consecutive projections (R5)",
                (Eq(ix("h", J), Relu(Dot(W, X) - ix("t", J))), Eq(ix("t", J), (P_(J - 1) + P_(J)) / 2)),
                {IndexedBase("t"): t, HM: H},
            ),
            Step(
                "solve",
                "All outputs at once: the system is square and triangular in sorted order (one solution)",
                Eq(H1 * VC, sym("Y")),
                {sym("Y"): [list(v) for v in data.values], sym("V"): V, sym("c"): c},
            ),
            Step(
                "count",
                "Parameter sharing (R14a): N - 1 hidden units for K outputs, K (N - 1) in separate networks",
                (Eq(SHARED, sym("N") - 1), Eq(SEPARATE, sym("K") * (sym("N") - 1))),
                {"N": N, "K": K, "inputs": n, SHARED: N - 1, SEPARATE: K * (N - 1)},
            ),
        ]
    return DataConstruction(method, net, data, None, steps)


def decoder(codes: Sequence[Sequence[Any]], outputs: Sequence[Sequence[Any]]) -> DataConstruction:
    """R17(a): a three-layer decoder with K - 1 shared hidden units reproducing every code's output."""
    return shared(_data(codes, outputs), method="decoder")


def _data(codes: Sequence[Sequence[Any]], outputs: Sequence[Sequence[Any]]) -> Data:
    body = {
        "format": "exactpwl.data",
        "version": 1,
        "points": [[to_fmpq(v) for v in z] for z in codes],
        "values": [[to_fmpq(v) for v in x] for x in outputs],
    }
    return read_data(body, "decoder")


def deep_decoder(
    codes: Sequence[Sequence[Any]],
    outputs: Sequence[Sequence[Any]],
    extra: int | None = None,
    first_layer: tuple[Any, Any] | None = None,
) -> DataConstruction:
    """R17(b): expand the codes first, check they stay distinguishable, then decode the image.

    Default first layer: d transmitting units ``relu(z_i + beta)`` (beta = 1 + max |z_i| over the
    codes, so every unit is active on them and the layer is injective there) plus ``extra``
    (default d) units ``relu(u_j.z)`` with u_j = (1, j + 1, (j + 1)^2, ...).  ``first_layer=(W, b)``
    replaces it; if it merges two codes whose outputs differ, the result is a ``Refusal`` (R12).
    """
    data = _data(codes, outputs)
    d = data.input_dim
    if first_layer is None:
        e = d if extra is None else extra
        beta = 1 + max(abs(v) for z in data.points for v in z)
        W1: list[list[Any]] = [[1 if i == k else 0 for k in range(d)] for i in range(d)]
        b1: list[Any] = [beta] * d
        for j in range(e):
            W1.append([(j + 1) ** k for k in range(d)])
            b1.append(0)
        why = f"transmitting units relu(z_i + {beta}) and {e} extra units relu(u_j.z)"
    else:
        W1, b1 = first_layer
        why = "given first layer"
    L1 = Network.from_layers([(W1, b1)], activations=["relu"])
    images = [tuple(h) for h in L1.evaluate([list(z) for z in data.points])]
    first: dict[tuple, int] = {}
    for k, h in enumerate(images):
        if h in first and data.values[first[h]] != data.values[k]:
            i = first[h]
            raise Refusal(
                f"deep-decoder: the first layer maps codes {i + 1} and {k + 1} to the same point "
                f"{_vec_text(h)} but their outputs differ, so no later layers can decode both (R12)",
                witness=(i, k, h),
            )
        first.setdefault(h, k)
    keep = sorted(first.values())
    img_pts = [images[k] for k in keep]
    w, t, H, V, c = _solve_shared(img_pts, [data.values[k] for k in keep])
    net = _layer_network(w, t, V, c, prefix=[(W1, b1)])
    Tf, z = Function("T"), sym("z")
    with evaluate(False):
        steps = [
            Step(
                "choice",
                f"Expanding first layer (generalized affine transform, R9): {why}",
                Eq(Tf(z), Relu(W1_ * z + B1_)),
                {W1_: [list(r) for r in W1], B1_: list(b1)},
            ),
            Step(
                "verification",
                "Images of the codes: distinguishable (R12), checked exactly",
                Implies(Eq(Tf(ix("z", I_)), Tf(ix("z", J))), Eq(ix("y", I_), ix("y", J))),
                {Tf(z): [list(h) for h in images], "distinct images": len(img_pts)},
            ),
            Step(
                "solve",
                "Three-layer decoder on the images (R6 direction in the feature space)",
                (Eq(ix("h", J), Relu(Dot(W, Tf(z)) - ix("t", J))), Eq(H1 * VC, sym("X"))),
                {W: w, IndexedBase("t"): t, sym("V"): V, sym("c"): c},
            ),
            Step(
                "count",
                "Widths: code dimension, expanded width, shared units, outputs",
                (),
                {"d": d, "expanded": len(W1), "hidden 2": len(t), "D": data.output_dim},
            ),
        ]
    return DataConstruction("deep-decoder", net, data, None, steps)


# ------------------------------------------------------------------------------ function version
def stack_networks(nets: Sequence[Network]) -> Network:
    """One network whose outputs are the outputs of ``nets`` side by side (same input)."""
    n = nets[0].input_dim
    if any(m.input_dim != n for m in nets):
        raise InputError("targets: all must have the same number of inputs")
    parts = []
    for m in nets:
        layers = []
        for L in m.layers:
            act = [L.activation] * L.units if isinstance(L.activation, str) else list(L.activation)
            layers.append((L.weights.tolist(), [L.biases[j, 0] for j in range(L.units)], act))
        parts.append(layers)
    depth = max(len(p) for p in parts)
    if any("relu" in p[-1][2] for p in parts):
        depth += 1
    for p in parts:
        while len(p) < depth:
            w = len(p[-1][1])
            p.append(([[int(i == j) for j in range(w)] for i in range(w)], [0] * w, ["linear"] * w))
    layers, acts = [], []
    for k in range(depth):
        widths = [n if k == 0 else len(p[k - 1][1]) for p in parts]
        total = n if k == 0 else sum(widths)
        Ws, bs, act = [], [], []
        col = 0
        for p, w_in in zip(parts, widths):
            W, b, a = p[k]
            for row in W:
                full: list[Any] = [0] * total
                if k == 0:
                    full[:n] = row
                else:
                    full[col : col + w_in] = row
                Ws.append(full)
            bs += b
            act += a
            col += w_in if k > 0 else 0
        layers.append((Ws, bs))
        acts.append(act)
    return Network.from_layers(layers, activations=acts)


def shared_function(targets: Any, input_dim: int | None = None) -> Construction:
    """R14(b): one hidden layer for several three-layer-representable outputs.

    ``targets``: a list of single-output targets (PWL, Network, dict, or expressions with
    ``input_dim``), or one multi-output PWL.  Hidden layer: the union of the outputs' kink
    hyperplanes, plus ``relu(x_i)``, ``relu(-x_i)`` for every input i that some affine part uses.
    """
    if isinstance(targets, (list, tuple)):
        pwls = [_as_pwl(t, input_dim) for t in targets]
        if any(p.pieces is not None for p in pwls):
            raise InputError("targets: a list of targets needs expression, breakpoint or network targets")
        analyses = [analyse_kinks(p) for p in pwls]
        per_output = []
        for an in analyses:
            for k in range(an.target.output_dim):
                per_output.append(
                    ({(q.normal, q.offset): q.jump[k] for q in an.kinks if q.jump[k] != 0}, an.A[k], an.d[k])
                )
        target = PWL.from_network(stack_networks([compile_target(p) for p in pwls]))
    else:
        an = analyse_kinks(targets, input_dim)
        target = an.target
        per_output = [
            ({(q.normal, q.offset): q.jump[k] for q in an.kinks if q.jump[k] != 0}, an.A[k], an.d[k])
            for k in range(an.target.output_dim)
        ]
    n = target.input_dim
    union: list[tuple[tuple[int, ...], int]] = []
    for hs, _, _ in per_output:
        for h in hs:
            if h not in union:
                union.append(h)
    coords = [i for i in range(n) if any(A[i] != 0 for _, A, _ in per_output)]
    W1: list[list[Any]] = [list(a) for a, _ in union]
    b1: list[Any] = [-b for _, b in union]
    for i in coords:
        W1 += [[int(k == i) for k in range(n)], [-int(k == i) for k in range(n)]]
        b1 += [0, 0]
    V = []
    for hs, A, _ in per_output:
        row: list[Any] = [hs.get(h, 0) for h in union]
        for i in coords:
            row += [A[i], -A[i]]
        V.append(row)
    c = [d for _, _, d in per_output]
    if W1:
        net = Network.from_layers([(W1, b1), (V, c)])
    else:
        net = Network.from_layers([([[0] * n for _ in c], c)], activations=["linear"])
    sizes = [len(hs) for hs, _, _ in per_output]
    k, i = sym("k"), sym("i")
    with evaluate(False):
        steps = [
            Step(
                "derived",
                "Kink hyperplanes H_k of each output k (R7), with a constant jump along each",
                (),
                {
                    Notation(f"H_{k_ + 1}"): [
                        Qualified(Eq(affine(a), b), Eq(sym("lambda"), to_sympy(hs[(a, b)]))) for a, b in hs
                    ]
                    or "none"
                    for k_, (hs, _, _) in enumerate(per_output)
                },
            ),
            Step(
                "choice",
                "Shared hidden layer: the union of the H_k, and relu(x_i), relu(-x_i) for the affine parts",
                Eq(
                    Dot(sym("a"), X),
                    Sum(ix("a", i) * (Relu(ix("x", i)) - Relu(-ix("x", i))), (i, 1, sym("n"))),
                ),
                {
                    "union": [Eq(affine(a), b) for a, b in union],
                    "coordinate units for inputs": [i_ + 1 for i_ in coords],
                },
            ),
            Step(
                "assembly",
                "The network",
                Eq(Function("F")(X), sym("V") * Relu(W1_ * X + B1_) + sym("c")),
                {W1_: W1, B1_: b1, sym("V"): V, sym("c"): c},
            ),
            Step(
                "count",
                "Parameter sharing (R14b): the union of the kink hyperplanes and at most 2n coordinate units "
                "against one network per output",
                (
                    Chain("<=", SHARED, UNION + 2 * sym("coords"), UNION + 2 * sym("n")),
                    Eq(SEPARATE, Sum(HK + 2, (k, 1, sym("K")))),
                ),
                {
                    UNION: len(union),
                    SHARED: len(W1),
                    BOUND: len(union) + 2 * n,
                    SEPARATE_K: sum(s_ + 2 for s_ in sizes),
                },
            ),
        ]
    return Construction("shared", net, target, None, steps)


@register("shared", "R14: one hidden layer shared by several outputs (exactpwl.data, or an exactpwl.pwl)")
def _build_shared(data: dict) -> Construction:
    if isinstance(data, dict) and data.get("format") == "exactpwl.data":
        return shared(read_data(data))
    return shared_function(PWL.from_dict(data))


@register("decoder", "R17: three-layer decoder, codes = points, outputs = values (exactpwl.data)")
def _build_decoder(data: dict) -> Construction:
    d = read_data(data)
    return decoder(d.points, d.values)


@register("deep-decoder", "R17: expanding first layer, then a three-layer decoder (exactpwl.data)")
def _build_deep_decoder(data: dict) -> Construction:
    d = read_data(data)
    return deep_decoder(d.points, d.values)
