"""Compilation of targets to ReLU networks, and the joint program the region walk runs.

This is the *untrusted* half of certification (DESIGN.md): ``certify`` walks the regions of the
joint program built here, which makes the walk fast, but the certificate checker
(``exactpwl.check``) never imports this module.  It decides from the target's own definition
(``exactpwl.expr``, ``exactpwl.pwl``), so a bug here makes certify and check disagree instead of
agreeing on a false claim.

* ``to_network``: expressions -> ONE network whose outputs are their values.
* ``breakpoints_network``: a 1-D breakpoint function in hinge form (one ReLU per kink).
* ``compile_target``: the network of an expression, breakpoint or network target.
* ``joint_program(net, target)``: compiled targets give the program ``net(x) - T(x)``; pieces
  and triangulations are *looked up*: every hyperplane of the pieces becomes an extra ReLU unit
  of the first layer (output weight 0), so each region lies in one piece, and the program
  outputs ``net(x)`` to compare with that piece's map.

>>> net = to_network(["max(0, x1, x2) - 0.5*abs(x1)"], 2)
>>> net([3, -1])
[Fraction(3, 2)]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from flint import fmpq

from .errors import InputError
from .expr import Abs, Add, Const, Expr, Max, Min, Relu, Scale, Var, _check_dim, _max_var, parse, to_text
from .network import Network
from .numbers import to_fmpq
from .pwl import PWL, Piece

__all__ = ["to_network", "breakpoints_network", "compile_target", "Program", "joint_program"]


class _Form:
    """An affine form ``sum coefs[k] * node_k + const`` (nodes: inputs and ReLU units)."""

    __slots__ = ("coefs", "const")

    def __init__(self, coefs: dict[int, fmpq] | None = None, const: fmpq | None = None):
        self.coefs = coefs or {}
        self.const = const if const is not None else fmpq(0)

    def plus(self, other: _Form, s: fmpq | int = 1) -> _Form:
        coefs = dict(self.coefs)
        for k, c in other.coefs.items():
            v = coefs.get(k, fmpq(0)) + s * c
            if v == 0:
                coefs.pop(k, None)
            else:
                coefs[k] = v
        return _Form(coefs, self.const + s * other.const)

    def times(self, s: fmpq) -> _Form:
        if s == 0:
            return _Form()
        return _Form({k: s * c for k, c in self.coefs.items()}, s * self.const)


class _Compiler:
    """Expressions -> symbolic ReLU nodes (phase 1) -> layers with linear carry units (phase 2)."""

    def __init__(self, n: int):
        self.n = n
        self.level: list[int] = [0] * n  # node id -> layer (inputs: 0)
        self.kind: list[str] = ["input"] * n
        self.sym: dict[int, tuple[tuple[tuple[int, fmpq], ...], fmpq]] = {}  # ReLU node -> (form, bias)
        self.relu_ids: dict[Any, int] = {}
        # phase 2: every unit's row over the previous layer
        self.rows: dict[int, tuple[dict[int, fmpq], fmpq]] = {}
        self.linear_ids: dict[Any, int] = {}

    def new_node(self, level: int, kind: str) -> int:
        self.level.append(level)
        self.kind.append(kind)
        return len(self.level) - 1

    # -- phase 1
    def relu(self, f: _Form) -> _Form:
        """``relu(f)`` as a form: ``s * node`` with ``node = relu(f / s)``, ``s > 0`` (shared)."""
        items = sorted(f.coefs.items())
        if not items:
            return _Form(const=max(f.const, fmpq(0)))
        s = abs(items[0][1])
        form = tuple((k, c / s) for k, c in items)
        bias = f.const / s
        key = (form, bias)
        node = self.relu_ids.get(key)
        if node is None:
            node = self.new_node(1 + max(self.level[k] for k, _ in items), "relu")
            self.relu_ids[key] = node
            self.sym[node] = key
        return _Form({node: s})

    def extremum(self, forms: list[_Form], is_max: bool) -> _Form:
        """Balanced tree: max(a, b) = b + relu(a - b), min(a, b) = a - relu(a - b)."""
        if len(forms) == 1:
            return forms[0]
        h = len(forms) // 2
        a, b = self.extremum(forms[:h], is_max), self.extremum(forms[h:], is_max)
        d = a.plus(b, fmpq(-1))
        if is_max:
            # the base is carried past the new ReLU: take the cheaper side (a constant is free)
            if len(a.coefs) < len(b.coefs):
                return a.plus(self.relu(d.times(fmpq(-1))))
            return b.plus(self.relu(d))
        if len(b.coefs) < len(a.coefs):
            return b.plus(self.relu(d.times(fmpq(-1))), fmpq(-1))
        return a.plus(self.relu(d), fmpq(-1))

    def compile(self, e: Expr) -> _Form:
        if isinstance(e, Const):
            return _Form(const=e.value)
        if isinstance(e, Var):
            return _Form({e.index - 1: fmpq(1)})
        if isinstance(e, Add):
            f = _Form()
            for t in e.terms:
                f = f.plus(self.compile(t))
            return f
        if isinstance(e, Scale):
            return self.compile(e.arg).times(e.coef)
        if isinstance(e, (Max, Min)):
            return self.extremum([self.compile(a) for a in e.args], isinstance(e, Max))
        if isinstance(e, Abs):
            f = self.compile(e.arg)
            return self.relu(f).plus(self.relu(f.times(fmpq(-1))))
        if isinstance(e, Relu):
            return self.relu(self.compile(e.arg))
        raise TypeError(f"not an expression node: {e!r}")

    # -- phase 2
    def lift(self, coefs: dict[int, fmpq], j: int) -> dict[int, fmpq]:
        """Re-express a linear combination of nodes of layers <= j over the units of layer j.

        The part on lower layers becomes one LINEAR unit of layer j (shared between all users
        that need a multiple of the same combination).
        """
        top = {k: c for k, c in coefs.items() if self.level[k] == j}
        rest = {k: c for k, c in coefs.items() if self.level[k] < j}
        if rest:
            inner = self.lift(rest, j - 1)
            items = sorted(inner.items())
            s = items[0][1]
            key = (j, tuple((k, c / s) for k, c in items))
            unit = self.linear_ids.get(key)
            if unit is None:
                unit = self.new_node(j, "linear")
                self.linear_ids[key] = unit
                self.rows[unit] = (dict(key[1]), fmpq(0))
            top[unit] = top.get(unit, fmpq(0)) + s
        return top

    def network(self, outputs: list[_Form], description: str | None) -> Network:
        n = self.n
        # ReLU nodes that some output depends on
        used: set[int] = set()
        stack = [k for f in outputs for k in f.coefs]
        while stack:
            k = stack.pop()
            if k < n or k in used:
                continue
            used.add(k)
            stack.extend(k2 for k2, _ in self.sym[k][0])
        depth = max((self.level[k] for k in used), default=0)
        for k in sorted(used):  # a node's dependencies have smaller ids
            form, bias = self.sym[k]
            self.rows[k] = (self.lift(dict(form), self.level[k] - 1), bias)
        out_rows = [(self.lift(f.coefs, depth), f.const) for f in outputs]

        # units of each layer: ReLU units first, then linear carry units, in creation order
        layer_units: list[list[int]] = [list(range(n))] + [[] for _ in range(depth)]
        for k in sorted(used):
            layer_units[self.level[k]].append(k)
        for k in range(n, len(self.level)):
            if self.kind[k] == "linear":
                layer_units[self.level[k]].append(k)

        def matrix(rows: list[tuple[dict[int, fmpq], fmpq]], prev: list[int]) -> tuple[list, list]:
            index = {k: i for i, k in enumerate(prev)}
            W = []
            for coefs, _ in rows:
                row = [fmpq(0)] * len(prev)
                for k, c in coefs.items():
                    row[index[k]] = c
                W.append(row)
            return W, [b for _, b in rows]

        layers, acts = [], []
        for j in range(1, depth + 1):
            units = layer_units[j]
            layers.append(matrix([self.rows[k] for k in units], layer_units[j - 1]))
            acts.append([self.kind[k] for k in units])
        layers.append(matrix(out_rows, layer_units[depth]))
        acts.append("linear")
        return Network.from_layers(layers, acts, description)


def to_network(exprs: Sequence[Expr] | Expr, input_dim: int) -> Network:
    """Compile expressions to ONE network whose outputs are their values, exactly.

    ``max(a, b) = b + relu(a - b)``, ``min(a, b) = a - relu(a - b)``, ``abs(a) = relu(a) +
    relu(-a)``, ``relu(a)`` is one ReLU unit; max/min of k arguments is a balanced tree of depth
    ceil(log2 k).  Affine parts are combined, values needed at a deeper layer are carried by
    linear units of mixed layers, identical units (also ``relu(2a) = 2 relu(a)``) are shared
    between outputs.  The last layer is linear, one row per expression; an affine expression
    gives a one-layer linear network.  A string in ``exprs`` is parsed first.
    """
    n = _check_dim(input_dim, "expr")
    exprs = [exprs] if isinstance(exprs, (Expr, str)) else list(exprs)
    items = []
    for i, e in enumerate(exprs):
        where = "expr" if len(exprs) == 1 else f"expr {i + 1}"
        if isinstance(e, str):
            e = parse(e, n, where)
        if not isinstance(e, Expr):
            raise InputError(f"{where}: expected an expression, got {type(e).__name__}")
        if _max_var(e) > n:
            raise InputError(f"{where}: uses x{_max_var(e)} but input_dim is {n}")
        items.append(e)
    if not items:
        raise InputError("expr: no expression given")
    comp = _Compiler(n)
    outputs = [comp.compile(e) for e in items]
    text = "; ".join(to_text(e) for e in items)
    return comp.network(outputs, text if len(text) <= 500 else text[:497] + "...")


def breakpoints_network(points: Sequence[tuple[Fraction, Fraction]]) -> Network:
    """The hinge form ``f(x) = y0 + s0 (x - x0) + sum_i (s_i - s_{i-1}) relu(x - x_i)`` over the
    kinks x_i (breakpoints where the slope changes), extended linearly beyond the ends."""
    pts = list(points)
    slopes = [(y1 - y0) / (x1 - x0) for (x0, y0), (x1, y1) in zip(pts, pts[1:])]
    kinks = [
        (pts[i][0], slopes[i] - slopes[i - 1]) for i in range(1, len(slopes)) if slopes[i] != slopes[i - 1]
    ]
    x0, y0 = pts[0]
    if not kinks:
        return Network.from_layers([([[slopes[0]]], [y0 - slopes[0] * x0])], activations=["linear"])
    W1 = [[1] for _ in kinks] + [[1]]
    b1 = [-x for x, _ in kinks] + [0]
    acts = ["relu"] * len(kinks) + ["linear"]
    W2 = [[d for _, d in kinks] + [slopes[0]]]
    return Network.from_layers([(W1, b1), (W2, [y0 - slopes[0] * x0])], activations=[acts, "linear"])


def compile_target(target: PWL) -> Network:
    """The network of an expression, breakpoint or network target (pieces are looked up, not compiled)."""
    if target.kind == "expr":
        return to_network(target.exprs, target.input_dim)
    if target.kind == "breakpoints":
        return breakpoints_network(target.breakpoints)
    if target.kind == "network":
        return target.network
    raise InputError(f"target: a {target.kind} target is looked up piece by piece, not compiled to a network")


def cut_network(target: PWL) -> Network:
    """A network whose regions are the cells of the pieces' own hyperplanes (output 0): its walk
    visits every full-dimensional cell of a pieces or triangulation target."""
    n, cuts = target.input_dim, target.cuts
    if not cuts:
        return Network.from_layers([([[0] * n], [0])], activations=["linear"])
    return Network.from_layers(
        [([list(a) for a, _ in cuts], [-b for _, b in cuts]), ([[0] * len(cuts)], [0])]
    )


@dataclass(frozen=True)
class Program:
    """The one network the walk runs: output ``net - T`` (compiled) or ``net`` (looked up)."""

    network: Network
    pieces: tuple[Piece, ...] | None


def joint_program(net: Network, target: PWL) -> Program:
    """Build the program of ``net`` against ``target`` (see the module docstring)."""
    if target.input_dim != net.input_dim:
        raise InputError(f"target: has {target.input_dim} inputs, the network has {net.input_dim}")
    if target.output_dim != net.output_dim:
        raise InputError(f"target: has {target.output_dim} outputs, the network has {net.output_dim}")
    n, m = net.input_dim, net.output_dim
    if target.pieces is None:
        parts = [_layers(net), _layers(compile_target(target))]
        out_sign = [1, -1]
    else:
        # unit z = a.x - b: its sign says on which side of the piece hyperplane a.x = b we are
        cuts = target.cuts
        cut_layer = ([list(a) for a, _ in cuts], [-b for _, b in cuts], ["relu"] * len(cuts))
        parts = [[cut_layer, ([], [], [])], _layers(net)]
        out_sign = [0, 1]
    depth = max(len(p) for p in parts)
    if any("relu" in p[-1][2] for p in parts):  # a ReLU output layer: add a linear layer after it
        depth += 1
    parts = [_extend(p, depth, n) for p in parts]
    layers, acts = [], []
    for k in range(depth):
        Ws, bs, act = [], [], []
        col = 0
        widths_in = [n if k == 0 else len(p[k - 1][1]) for p in parts]
        total_in = n if k == 0 else sum(widths_in)
        for p, w_in in zip(parts, widths_in):
            W, b, a = p[k]
            for row in W:
                full = [0] * total_in
                if k == 0:
                    full[:n] = row
                else:
                    full[col : col + w_in] = row
                Ws.append(full)
            bs.extend(b)
            act.extend(a)
            if k > 0:
                col += w_in
        layers.append((Ws, bs))
        acts.append(act)
    # output: combine the parts' outputs (the last layer's rows) with out_sign
    W_last, b_last = layers[-1]
    offs, o = [], 0
    for p in parts:
        offs.append(o)
        o += len(p[-1][1])
    W_out, b_out = [], []
    for i in range(m):
        row = [fmpq(0)] * len(W_last[0])
        bias = fmpq(0)
        for p, off, sgn in zip(parts, offs, out_sign):
            if sgn == 0 or i >= len(p[-1][1]):
                continue
            for j, v in enumerate(W_last[off + i]):
                row[j] += sgn * to_fmpq(v)
            bias += sgn * to_fmpq(b_last[off + i])
        W_out.append(row)
        b_out.append(bias)
    layers[-1] = (W_out, b_out)
    acts[-1] = ["linear"] * m
    program = Network.from_layers(layers, activations=acts)
    return Program(program, tuple(target.pieces) if target.pieces is not None else None)


def _layers(net: Network) -> list[tuple[list[list[fmpq]], list[fmpq], list[str]]]:
    out = []
    for L in net.layers:
        act = [L.activation] * L.units if isinstance(L.activation, str) else list(L.activation)
        out.append((L.weights.tolist(), [L.biases[j, 0] for j in range(L.units)], act))
    return out


def _extend(layers: list, depth: int, n: int) -> list:
    """Pad a part to ``depth`` layers: its outputs ride through identity linear layers."""
    layers = list(layers)
    while len(layers) < depth:
        width = len(layers[-1][1])
        ident = [[1 if i == j else 0 for j in range(width)] for i in range(width)]
        layers.append((ident, [0] * width, ["linear"] * width))
    return layers
