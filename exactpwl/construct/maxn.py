"""max(x_1, ..., x_n) with ceil(log2 n) hidden layers: a tournament of pairwise maxima.

Each hidden layer pairs up the current values and uses max(a, b) = b + relu(a - b): one ReLU unit
for a - b and one *linear* pass-through unit for b (an odd value left over passes through a
linear unit).  The pure-ReLU variant carries every pass-through value z as relu(z) - relu(-z),
so all hidden units are ReLUs (two more units per carried value).

Fewer layers for five numbers: ``max5`` (PAPER.md R20) computes max(x1, ..., x5) with two hidden
layers instead of three (Bakaev, Brunck, Hertrich, Stade and Yehudayoff, arXiv:2505.14338).

>>> c = max_tree(3)
>>> c.network([1, 5, 2]), c.certify().holds
([Fraction(5, 1)], True)
"""

from __future__ import annotations

import re
from fractions import Fraction

from ..errors import InputError
from ..formula import Ceil, Eq, Log2, MaxOf, Notation, Note, Relu, evaluate, sym
from ..network import Network
from ..pwl import PWL
from . import Construction, Step, register

__all__ = ["max_tree", "depth"]


def depth(n: int) -> int:
    """ceil(log2 n): the number of rounds of a pairwise tournament among n values."""
    return (n - 1).bit_length()


def _carry(row: list[Fraction], rows: list, act: list, pure_relu: bool) -> list[tuple[int, int]]:
    """Append the units that pass ``row`` through to ``rows``/``act``; return [(unit, coefficient)]."""
    if pure_relu:
        rows.extend([row, [-c for c in row]])
        act.extend(["relu", "relu"])
        return [(len(rows) - 2, 1), (len(rows) - 1, -1)]
    rows.append(row)
    act.append("linear")
    return [(len(rows) - 1, 1)]


def max_tree(n: int, pure_relu: bool = False) -> Construction:
    """max of n numbers by ceil(log2 n) hidden layers of pairwise maxima; certified on R^n.

    Why: a pairwise max needs one ReLU and the two operands' sum structure b + relu(a - b), so
    each layer halves the number of candidates; ``pure_relu`` shows the same without linear
    units (relu(z) - relu(-z) = z), at the cost of two units per carried value.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InputError(f"max_tree: n must be a positive integer, got {n!r}")
    # each current value is a row of coefficients over the previous layer's outputs (no bias needed)
    values = [[Fraction(int(i == j)) for j in range(n)] for i in range(n)]
    layers, acts, steps = [], [], []
    a, b, z, L, N = sym("a"), sym("b"), sym("z"), sym("L"), sym("n")
    with evaluate(False):
        rules = [Eq(MaxOf(a, b), b + Relu(a - b))]
        if pure_relu:
            rules.append(Eq(z, Relu(z) - Relu(-z)))
        rules.append(Eq(L, Ceil(Log2(N))))
    steps.append(
        Step(
            "choice",
            "Tournament of pairwise maxima, one round per hidden layer",
            tuple(rules),
            {N: n, L: depth(n)},
        )
    )
    level = 0
    while len(values) > 1:
        level += 1
        rows: list[list[Fraction]] = []
        act: list[str] = []
        new_values: list[list[tuple[int, int]]] = []  # per value: (unit of this layer, coefficient)
        pairs = []

        for k in range(0, len(values) - 1, 2):
            a, b = values[k], values[k + 1]
            rows.append([ai - bi for ai, bi in zip(a, b)])
            act.append("relu")
            terms = [(len(rows) - 1, 1), *_carry(b, rows, act, pure_relu)]
            new_values.append(terms)
            pairs.append(MaxOf(sym(f"v{k + 1}"), sym(f"v{k + 2}")))
        if len(values) % 2:
            new_values.append(_carry(values[-1], rows, act, pure_relu))
            pairs.append(Note(sym(f"v{len(values)}"), "carried"))
        layers.append((rows, [0] * len(rows)))
        acts.append(act)
        steps.append(
            Step(
                "assembly",
                f"Hidden layer {level}: {len(values)} values -> {len(new_values)}",
                tuple(pairs),
                {
                    "units": len(rows),
                    "ReLU units": act.count("relu"),
                    "linear units": act.count("linear"),
                    Notation(f"W{level}", f"W^{{{level}}}"): rows,
                },
            )
        )
        width = len(rows)
        values = [[Fraction(0)] * width for _ in new_values]
        for v, terms in zip(values, new_values):
            for unit, coef in terms:
                v[unit] += coef
    layers.append(([values[0]], [0]))
    acts.append("linear")
    w = Notation(f"W{level + 1}", f"W^{{{level + 1}}}")
    with evaluate(False):
        out = Eq(sym("y"), w * Notation(f"h{level}", f"h^{{{level}}}"))
    steps.append(Step("assembly", "Output: the one remaining value", out, {w: [values[0]]}))
    net = Network.from_layers(layers, activations=acts)
    expr = "x1" if n == 1 else "max(" + ", ".join(f"x{i + 1}" for i in range(n)) + ")"
    method = "max tree (pure ReLU)" if pure_relu else "max tree"
    return Construction(method, net, PWL.from_expr(expr, n), None, steps)


_MAX = re.compile(r"^\s*max\s*\((.*)\)\s*$", re.S)


def _arity(target_json: dict) -> int:
    """n for a target whose expr is max(x1, ..., xn) (each variable once, any order), else an error."""
    t = PWL.from_dict(target_json)
    text = t.data.get("expr")
    n = t.input_dim
    m = _MAX.match(text) if isinstance(text, str) else None
    args = [a.strip() for a in m.group(1).split(",")] if m else []
    if sorted(args) != sorted(f"x{i + 1}" for i in range(n)):
        raise InputError(
            f"target: max-tree needs expr 'max(x1, ..., x{n})' over all {n} inputs, got {text!r}"
        )
    return n


@register("max-tree", "max(x1, ..., xn) with ceil(log2 n) hidden layers of pairwise maxima")
def _max_tree_cli(target_json: dict) -> Construction:
    return max_tree(_arity(target_json))
