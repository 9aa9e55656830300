"""Hypothesis strategies for the objects of the field: rationals, networks, expressions, targets, domains.

Random questions find what hand-picked ones miss, and hypothesis shrinks a failing case to a
minimal one: fewer layers, fewer units, fewer pieces, zero weights, smaller numbers.  The test
suite draws its random ``certify`` questions from here, and the conjecture refuter
(``exactpwl.conjecture``) builds the random versions of its finite spaces on these strategies.

Every strategy leans towards the degenerate cases where exact code breaks.  The numbers of one
object come from a small palette, so they repeat (coincident and parallel hyperplanes, dead
units, ties between the arguments of a max, collinear breakpoints, maps that touch the maximum
only on a face), and 0, 1, -1 come first.

Objects come in the plain forms that exactpwl's constructors read, with ``Fraction`` numbers,
so a test can also evaluate them with its own code:

=======================  ==========================================  =============================
strategy                 draws                                       read by
=======================  ==========================================  =============================
``rationals``            a ``Fraction`` of bounded height            anything that takes a number
``network_layers``       ``[(W, b, activations), ...]``              ``network_of`` -> ``Network``
``networks``             a ``Network``                               ``certify``, ``regions``
``reparametrised``       the same function by other weights          ``network_of``
``perturbed``            one weight or bias changed (a mutant)       ``network_of``
``expression_trees``     a tree of tuples (below)                    ``tree_text`` -> text
``expressions``          text in the FORMATS.md grammar              ``PWL.from_expr``, ``certify``
``breakpoints``          ``[(x, y), ...]`` with increasing x         ``PWL.from_breakpoints``
``max_affine``           ``MaxAffine(sign, maps)``                   ``argmax_pieces``
``pieces``               a FORMATS.md pieces list                    ``PWL.from_pieces``
``triangulations``       ``{"points", "simplices", "values"}``       ``PWL.from_triangulation``
``domains``              None, ``{"box": ...}`` or ``{"A", "b"}``    ``certify``, ``regions``
``kinked``               1-D breakpoints with exactly p pieces       ``PWL.from_breakpoints``
``lattice_trees``        canonical max/min trees of given leaves     ``tree_text`` -> text
``point_sets``           distinct points of a grid                   anything that takes points
``labelled_data``        an ``exactpwl.data`` object                 ``construct`` (data methods)
=======================  ==========================================  =============================

Sizes (``input_dim``, ``depth``, ``width``, ``count``, ...) are an int or an inclusive range
``(lo, hi)``.  The pieces are computed here with exact linear algebra from the function's own
definition (the argmax cells of a max of affine maps, or the segments of breakpoints), never
by exactpwl's region walk.

Expression trees are tuples: ``("x", i)`` is x_i (1-based), ``("c", q)`` a constant,
``("+", t1, t2, ...)`` a sum, ``("*", q, t)`` a constant multiple, ``("max", t1, t2, ...)``,
``("min", ...)``, ``("abs", t)`` and ``("relu", t)``.

This module needs hypothesis (``pip install hypothesis``, a dependency of exactpwl); ``import
exactpwl`` does not load it.

>>> from hypothesis import find
>>> find(network_layers(input_dim=1, depth=1, width=(1, 2)), lambda layers: True)  # shrinks to zeros
[([[Fraction(0, 1)]], [Fraction(0, 1)], ['relu']), ([[Fraction(0, 1)]], [Fraction(0, 1)], ['linear'])]
>>> find(expressions(2), lambda text: "max" in text)
'max(x1, x1)'
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any, NamedTuple

from .errors import InputError

try:
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover - hypothesis is a dependency
    raise InputError("strategies: needs hypothesis (pip install hypothesis)") from None

__all__ = [
    "Layers",
    "MaxAffine",
    "Tree",
    "affine_tree",
    "argmax_pieces",
    "breakpoint_pieces",
    "breakpoints",
    "data_json",
    "domains",
    "expression_trees",
    "expressions",
    "kinked",
    "labelled_data",
    "lattice_canonical",
    "lattice_key",
    "lattice_trees",
    "max_affine",
    "network_layers",
    "network_of",
    "networks",
    "perturbed",
    "pieces",
    "point_sets",
    "rationals",
    "reparametrised",
    "slope_breakpoints",
    "tree_leaves",
    "tree_text",
    "triangulations",
]

Size = int | tuple[int, int]
Layer = tuple[list[list[Fraction]], list[Fraction], list[str]]
Layers = list[Layer]
Tree = tuple

F = Fraction
SIMPLE = (F(0), F(1), F(-1))
POSITIVE = (F(1), F(2), F(1, 2), F(3), F(1, 3), F(3, 2), F(2, 3))  # scales and gaps, 1 first
FUNCTIONS = ("max", "min", "abs", "relu")


def _size(s: Size, what: str) -> st.SearchStrategy[int]:
    lo, hi = (s, s) if isinstance(s, int) else s
    if not 0 <= lo <= hi:
        raise InputError(f"strategies: {what} must be an int >= 0 or a range (lo, hi) with lo <= hi")
    return st.integers(lo, hi)


# ============================================================================ numbers


def rationals(height: int = 3, *, nonzero: bool = False) -> st.SearchStrategy[Fraction]:
    """Rationals p/q with |p| <= height and 1 <= q <= height; 0, 1 and -1 first.

    Shrinks towards 0 (or 1 when ``nonzero``), then to small numerators and denominator 1.
    """
    if height < 1:
        raise InputError("strategies: height must be at least 1")
    simple = [v for v in SIMPLE if v or not nonzero]
    p = st.integers(-height, height)
    if nonzero:
        p = p.filter(bool)
    return st.one_of(st.sampled_from(simple), st.builds(F, p, st.integers(1, height)))


def _palette(draw: Callable, values: st.SearchStrategy[Fraction]) -> st.SearchStrategy[Fraction]:
    """Numbers for one object: half of them from a palette of at most 4, so that values repeat."""
    palette = draw(st.lists(values, min_size=1, max_size=4))
    return st.one_of(st.sampled_from(palette), values)


# ============================================================================ networks


@st.composite
def network_layers(
    draw: Callable,
    input_dim: Size = (1, 3),
    depth: Size = (1, 3),
    width: Size = (1, 4),
    output_dim: Size = 1,
    activations: str = "relu",
    values: st.SearchStrategy[Fraction] | None = None,
    *,
    widths: Sequence[int] | None = None,
    biases: st.SearchStrategy[Fraction] | None = None,
    output_values: st.SearchStrategy[Fraction] | None = None,
    output_biases: st.SearchStrategy[Fraction] | None = None,
) -> Layers:
    """A network as ``[(W, b, acts), ...]``: ``depth`` hidden layers, then a linear output layer.

    ``activations="relu"``: every hidden unit is a ReLU; ``"mixed"``: each hidden unit is a ReLU
    or linear.  ``values``: the numbers (default ``rationals(3)``); one network repeats a few of
    them.  ``widths``: the exact hidden widths (instead of ``depth`` and ``width``); ``biases``,
    ``output_values``, ``output_biases``: other numbers for the hidden biases, the output
    weights and the output biases (the conjecture refuter's network spaces give each role its
    own set).  Shrinks towards one layer of one unit with zero weights.
    """
    if activations not in ("relu", "mixed"):
        raise InputError("strategies: activations must be 'relu' or 'mixed'")
    n = draw(_size(input_dim, "input_dim"))
    if n < 1:
        raise InputError("strategies: input_dim must be at least 1")
    if widths is None:
        hidden = [draw(_size(width, "width")) for _ in range(draw(_size(depth, "depth")))]
    else:
        hidden = list(widths)
    widths = [n, *hidden, draw(_size(output_dim, "output_dim"))]
    if min(widths) < 1:
        raise InputError("strategies: width and output_dim must be at least 1")
    pick = _palette(draw, values if values is not None else rationals())
    pick_b = _palette(draw, biases) if biases is not None else pick
    pick_v = _palette(draw, output_values) if output_values is not None else pick
    pick_c = _palette(draw, output_biases) if output_biases is not None else pick_b
    layers = []
    for k in range(1, len(widths)):
        last = k == len(widths) - 1
        W = [[draw(pick_v if last else pick) for _ in range(widths[k - 1])] for _ in range(widths[k])]
        b = [draw(pick_c if last else pick_b) for _ in range(widths[k])]
        if last:
            acts = ["linear"] * widths[k]
        elif activations == "mixed":
            acts = [draw(st.sampled_from(["relu", "linear"])) for _ in range(widths[k])]
        else:
            acts = ["relu"] * widths[k]
        layers.append((W, b, acts))
    return layers


def network_of(layers: Layers) -> Any:
    """The ``Network`` of ``[(W, b, acts), ...]``."""
    from .network import Network

    return Network.from_layers([(W, b) for W, b, _ in layers], activations=[list(a) for *_, a in layers])


def networks(**kwargs: Any) -> st.SearchStrategy:
    """``Network`` objects; the keywords are those of ``network_layers``."""
    return network_layers(**kwargs).map(network_of)


def _copy(layers: Layers) -> Layers:
    return [([list(r) for r in W], list(b), list(a)) for W, b, a in layers]


@st.composite
def reparametrised(draw: Callable, layers: Layers, *, extra_units: bool = True) -> Layers:
    """The same function by other weights: true identities of ReLU networks.

    In every hidden layer: each unit scaled by a factor c (c > 0 for a ReLU, c != 0 for a linear
    unit; its incoming weights and bias times c, its outgoing weights divided by c), the units
    permuted, and with ``extra_units`` possibly a ReLU unit split into two copies whose outgoing
    weights add up to the original (coincident hyperplanes), a dead unit (zero weights, bias <=
    0) and a unit whose output is ignored (outgoing weights 0).  Shrinks towards the identity.
    """
    layers = _copy(layers)
    scales = st.sampled_from(POSITIVE)
    for k in range(len(layers) - 1):
        W, b, acts = layers[k]
        Wn = layers[k + 1][0]
        n_in = len(W[0])
        if extra_units:
            relus = [j for j, a in enumerate(acts) if a == "relu"]
            if relus and draw(st.booleans()):  # split unit j: v relu(z) = t v relu(z) + (1 - t) v relu(z)
                j = draw(st.sampled_from(relus))
                t = draw(rationals())
                W.append(list(W[j]))
                b.append(b[j])
                acts.append("relu")
                for row in Wn:
                    row.append((1 - t) * row[j])
                    row[j] = t * row[j]
            if draw(st.booleans()):  # a dead unit: relu(0 x + b) with b <= 0
                W.append([F(0)] * n_in)
                b.append(-abs(draw(rationals())))
                acts.append("relu")
                for row in Wn:
                    row.append(draw(rationals()))
            if draw(st.booleans()):  # a unit nobody reads
                W.append([draw(rationals()) for _ in range(n_in)])
                b.append(draw(rationals()))
                acts.append(draw(st.sampled_from(["relu", "linear"])))
                for row in Wn:
                    row.append(F(0))
        for j, a in enumerate(acts):
            c = draw(scales) * (1 if a == "relu" else draw(st.sampled_from([1, -1])))
            W[j] = [c * w for w in W[j]]
            b[j] = c * b[j]
            for row in Wn:
                row[j] = row[j] / c
        order = draw(st.permutations(range(len(acts))))
        layers[k] = ([W[j] for j in order], [b[j] for j in order], [acts[j] for j in order])
        layers[k + 1] = ([[row[j] for j in order] for row in Wn], layers[k + 1][1], layers[k + 1][2])
    return layers


@st.composite
def perturbed(draw: Callable, layers: Layers, deltas: st.SearchStrategy[Fraction] | None = None) -> Layers:
    """A mutant: one weight or bias changed by a non-zero amount (usually, not always, another function)."""
    layers = _copy(layers)
    W, b, _ = layers[draw(st.integers(0, len(layers) - 1))]
    j = draw(st.integers(0, len(W) - 1))
    i = draw(st.integers(0, len(W[j])))  # len(W[j]) stands for the bias
    delta = draw(deltas if deltas is not None else rationals(nonzero=True))
    if i == len(W[j]):
        b[j] += delta
    else:
        W[j][i] += delta
    return layers


# ============================================================================ expressions


def expression_trees(
    input_dim: int, max_leaves: int = 8, values: st.SearchStrategy[Fraction] | None = None
) -> st.SearchStrategy[Tree]:
    """CPWL expression trees over x1..x_{input_dim} (``st.recursive``; the node forms are above).

    A leaf is a variable, an affine form ``w.x + c`` or a constant; max and min take 2 or 3
    arguments, sums 2 or 3 terms.  Shrinks towards the single variable x1.
    """
    if input_dim < 1:
        raise InputError("strategies: input_dim must be at least 1")
    values = values if values is not None else rationals()
    leaves = st.one_of(
        st.integers(1, input_dim).map(lambda i: ("x", i)),
        st.tuples(st.lists(values, min_size=input_dim, max_size=input_dim), values).map(_affine_leaf),
        values.map(lambda q: ("c", q)),
    )

    def extend(children: st.SearchStrategy[Tree]) -> st.SearchStrategy[Tree]:
        some = st.lists(children, min_size=2, max_size=3)
        return st.one_of(
            st.tuples(st.sampled_from(["max", "min"]), some).map(lambda fa: (fa[0], *fa[1])),
            some.map(lambda a: ("+", *a)),
            st.tuples(st.sampled_from(["relu", "abs"]), children),
            st.tuples(values, children).map(lambda qa: ("*", *qa)),
        )

    return st.recursive(leaves, extend, max_leaves=max_leaves)


def _affine_leaf(wc: tuple[list[Fraction], Fraction]) -> Tree:
    return affine_tree(*wc)


def affine_tree(w: Sequence[Fraction], c: Fraction) -> Tree:
    """``w.x + c`` as a tree (terms with a zero weight left out; a constant if all are).

    >>> tree_text(affine_tree([F(1), F(0), F(-2)], F(1, 2)))
    'x1 - 2*x3 + 1/2'
    """
    terms = [("x", i + 1) if v == 1 else ("*", v, ("x", i + 1)) for i, v in enumerate(w) if v]
    if not terms:
        return ("c", c)
    if c:
        return ("+", *terms, ("c", c))
    return ("+", *terms) if len(terms) > 1 else terms[0]


def _number(q: Fraction) -> str:
    text = str(q)
    return f"({text})" if q < 0 or "/" in text else text


def _operand(t: Tree) -> str:
    """A factor of a product: leaves and calls as they are, sums and products in parentheses."""
    if t[0] == "c":
        return _number(t[1])
    text = tree_text(t)
    return f"({text})" if t[0] in ("+", "*") else text


def tree_text(t: Tree) -> str:
    """The text of a tree in the FORMATS.md expression grammar (``PWL.from_expr`` reads it).

    >>> tree_text(("+", ("x", 1), ("*", F(-1, 2), ("max", ("x", 2), ("c", F(0))))))
    'x1 - max(x2, 0)/2'
    """
    op = t[0]
    if op == "x":
        return f"x{t[1]}"
    if op == "c":
        return str(t[1])
    if op == "*":
        q, arg = t[1], t[2]
        if q == -1:
            return f"-{_operand(arg)}"
        if q.numerator == 1 and q.denominator > 1:
            return f"{_operand(arg)}/{q.denominator}"
        return f"{_number(q)}*{_operand(arg)}"
    if op == "+":
        out = tree_text(t[1])
        for s in t[2:]:
            if s[0] == "*" and s[1] == -1:
                out += " - " + _operand(s[2])
            elif s[0] == "*" and s[1] < 0:
                out += " - " + tree_text(("*", -s[1], s[2]))
            elif s[0] == "c" and s[1] < 0:
                out += f" - {-s[1]}"
            else:
                out += " + " + (f"({tree_text(s)})" if s[0] == "+" else tree_text(s))
        return out
    if op in FUNCTIONS:
        return f"{op}(" + ", ".join(tree_text(a) for a in t[1:]) + ")"
    raise InputError(f"strategies: {op!r} is not an expression node")


def expressions(input_dim: int, outputs: int = 1, max_leaves: int = 8) -> st.SearchStrategy:
    """Expression texts that ``PWL.from_expr(text, input_dim)`` reads; a list when ``outputs > 1``."""
    trees = expression_trees(input_dim, max_leaves)
    if outputs == 1:
        return trees.map(tree_text)
    return st.lists(trees.map(tree_text), min_size=outputs, max_size=outputs)


# ---------------------------------------------------------------------------- lattice expressions
LATTICE = ("max", "min")


def tree_leaves(t: Tree) -> int:
    """The number of leaves of a lattice tree (a leaf is any tree that is not a max or a min)."""
    return sum(tree_leaves(c) for c in t[1:]) if t[0] in LATTICE else 1


def lattice_key(t: Tree, index: dict[Tree, int]) -> tuple:
    """The order of lattice trees: fewer leaves first, max before min, then the children's keys;
    leaves by their position in ``index``."""
    if t[0] not in LATTICE:
        return (1, index[t])
    return (tree_leaves(t), LATTICE.index(t[0]), tuple(lattice_key(c, index) for c in t[1:]))


def lattice_canonical(t: Tree, index: dict[Tree, int]) -> Tree:
    """The canonical form of a max/min tree over the leaves of ``index``: a max inside a max (min
    inside a min) is flattened, repeated arguments are dropped, the arguments are sorted by
    ``lattice_key``, and a max of one argument is that argument.  Each step keeps the function.

    >>> x1, x2 = ("x", 1), ("x", 2)
    >>> lattice_canonical(("max", x2, ("max", x1, x2)), {x1: 0, x2: 1})
    ('max', ('x', 1), ('x', 2))
    """
    if t[0] not in LATTICE:
        return t
    op, kids = t[0], set()
    for c in t[1:]:
        c = lattice_canonical(c, index)
        kids.update(c[1:] if c[0] == op else [c])
    args = sorted(kids, key=lambda c: lattice_key(c, index))
    return args[0] if len(args) == 1 else (op, *args)


def lattice_trees(leaves: Sequence[Tree], max_leaves: int = 3) -> st.SearchStrategy[Tree]:
    """Canonical max/min trees over the given leaves with at most ``max_leaves`` leaves (the
    lattice form of CPWL functions: every CPWL function is a max of mins of affine maps).

    Shrinks towards the first leaf.
    """
    leaves = list(leaves)
    if not leaves or max_leaves < 1:
        raise InputError("strategies: lattice trees need leaves and max_leaves >= 1")
    index = {leaf: i for i, leaf in enumerate(leaves)}

    def extend(children: st.SearchStrategy[Tree]) -> st.SearchStrategy[Tree]:
        return st.tuples(st.sampled_from(LATTICE), st.lists(children, min_size=2, max_size=3)).map(
            lambda oa: (oa[0], *oa[1])
        )

    trees = st.recursive(st.sampled_from(leaves), extend, max_leaves=max_leaves)
    return trees.map(lambda t: lattice_canonical(t, index)).filter(lambda t: tree_leaves(t) <= max_leaves)


# ============================================================================ targets


@st.composite
def breakpoints(
    draw: Callable, count: Size = (2, 5), values: st.SearchStrategy[Fraction] | None = None
) -> list[tuple[Fraction, Fraction]]:
    """1-D breakpoints ``(x, y)`` with increasing x; repeated values give flat and collinear runs."""
    k = draw(_size(count, "count"))
    if k < 2:
        raise InputError("strategies: breakpoints need count >= 2")
    pick = _palette(draw, values if values is not None else rationals())
    x = draw(rationals())
    xs = [x]
    for _ in range(k - 1):
        x += draw(st.sampled_from(POSITIVE))
        xs.append(x)
    return [(x, draw(pick)) for x in xs]


def slope_breakpoints(
    kinks: Sequence[Fraction], slopes: Sequence[Fraction], value: Fraction
) -> list[tuple[Fraction, Fraction]]:
    """Breakpoints of the 1-D function with kinks t1 < ... < tk, slope s_i between t_i and
    t_(i+1) (s_0 before t1, s_k after tk) and the given value at t1 (at 0 without kinks).

    >>> slope_breakpoints([F(0)], [F(-1), F(1)], F(0))  # |x|
    [(Fraction(-1, 1), Fraction(1, 1)), (Fraction(0, 1), Fraction(0, 1)), (Fraction(1, 1), Fraction(1, 1))]
    """
    if len(slopes) != len(kinks) + 1:
        raise InputError("strategies: k kinks need k + 1 slopes")
    if not kinks:
        return [(F(0), F(value)), (F(1), F(value) + slopes[0])]
    pts = [(kinks[0] - 1, value - slopes[0]), (F(kinks[0]), F(value))]
    y = F(value)
    for i in range(1, len(kinks)):
        y += slopes[i] * (kinks[i] - kinks[i - 1])
        pts.append((F(kinks[i]), y))
    pts.append((kinks[-1] + 1, y + slopes[-1]))
    return pts


@st.composite
def kinked(
    draw: Callable,
    pieces: Size = (1, 3),
    positions: Sequence[Fraction] = (F(0), F(1), F(-1), F(2), F(-2)),
    slopes: Sequence[Fraction] = (F(0), F(1), F(-1), F(2), F(-2)),
    values: Sequence[Fraction] = (F(0), F(1), F(-1)),
) -> list[tuple[Fraction, Fraction]]:
    """1-D breakpoints of a function with exactly ``pieces`` linear pieces: kinks at distinct
    ``positions``, ``slopes`` that change at every kink, and a value from ``values`` at the first
    kink (``slope_breakpoints``).  Shrinks towards one piece, the first slope and value.
    """
    p = draw(_size(pieces, "pieces"))
    if p < 1 or p - 1 > len(set(positions)) or (p > 1 and len(set(slopes)) < 2):
        raise InputError("strategies: not enough positions or slopes for that many pieces")
    order = {x: i for i, x in enumerate(positions)}
    kinks = draw(st.lists(st.sampled_from(list(positions)), min_size=p - 1, max_size=p - 1, unique=True))
    kinks = sorted(kinks, key=lambda x: (x, order[x]))
    s = [draw(st.sampled_from(list(slopes)))]
    for _ in range(p - 1):
        s.append(draw(st.sampled_from([v for v in slopes if v != s[-1]])))
    return slope_breakpoints(kinks, s, draw(st.sampled_from(list(values))))


class MaxAffine(NamedTuple):
    """The function ``sign * max_i (w_i . x + c_i)`` (convex for sign 1, concave for -1)."""

    sign: int
    maps: list[tuple[list[Fraction], Fraction]]


@st.composite
def max_affine(
    draw: Callable, input_dim: Size = (1, 3), count: Size = (1, 4), values: st.SearchStrategy | None = None
) -> MaxAffine:
    """A max (or, negated, a min) of a few affine maps; repeated maps and ties are likely."""
    n = draw(_size(input_dim, "input_dim"))
    pick = _palette(draw, values if values is not None else rationals())
    maps = [([draw(pick) for _ in range(n)], draw(pick)) for _ in range(draw(_size(count, "count")))]
    if not maps:
        raise InputError("strategies: max_affine needs count >= 1")
    return MaxAffine(draw(st.sampled_from([1, -1])), maps)


def _strs(values: Sequence[Fraction]) -> list[str]:
    return [str(v) for v in values]


def argmax_pieces(f: MaxAffine) -> list[dict]:
    """The pieces of ``f``: map i on its cell ``{x : w_j.x + c_j <= w_i.x + c_i for all j}``.

    A cell may be lower-dimensional (a map that is maximal only on a face) or equal to another
    (a repeated map); the pieces agree wherever they meet.  A map that an equal-slope map always
    exceeds has an empty cell and no piece.
    """
    out = []
    for i, (wi, ci) in enumerate(f.maps):
        A, b, empty = [], [], False
        for j, (wj, cj) in enumerate(f.maps):
            if j == i:
                continue
            a = [u - v for u, v in zip(wj, wi)]
            if any(a):
                A.append(_strs(a))
                b.append(str(ci - cj))
            elif cj > ci:
                empty = True
        if not empty:
            out.append({"A": A, "b": b, "w": [_strs([f.sign * v for v in wi])], "c": [str(f.sign * ci)]})
    return out


def breakpoint_pieces(points: Sequence[tuple[Fraction, Fraction]], vertices: bool = False) -> list[dict]:
    """The pieces of a breakpoints function: two half-lines and the segments between them.

    With ``vertices`` every breakpoint is also a piece of its own (a point), with its value.
    """
    xs = [F(x) for x, _ in points]
    ys = [F(y) for _, y in points]
    out = []
    for i in range(len(xs) - 1):
        s = (ys[i + 1] - ys[i]) / (xs[i + 1] - xs[i])
        A, b = [], []
        if i > 0:
            A.append(["-1"])
            b.append(str(-xs[i]))
        if i < len(xs) - 2:
            A.append(["1"])
            b.append(str(xs[i + 1]))
        out.append({"A": A, "b": b, "w": [[str(s)]], "c": [str(ys[i] - s * xs[i])]})
    if vertices:
        out += [
            {"A": [["1"], ["-1"]], "b": [str(x), str(-x)], "w": [["0"]], "c": [str(y)]}
            for x, y in zip(xs, ys)
        ]
    return out


@st.composite
def pieces(draw: Callable, input_dim: Size = (1, 3)) -> list[dict]:
    """Pieces of a continuous function: the argmax cells of a max (or min) of affine maps, or, in
    1-D, the segments of breakpoints (sometimes with the breakpoints as point pieces)."""
    n = draw(_size(input_dim, "input_dim"))
    if n == 1 and draw(st.booleans()):
        return breakpoint_pieces(draw(breakpoints()), vertices=draw(st.booleans()))
    return argmax_pieces(draw(max_affine(input_dim=n)))


_CELLS = {1: (1, 4), 2: (1, 2), 3: (1, 1)}


@st.composite
def triangulations(
    draw: Callable, input_dim: Size = (1, 3), values: st.SearchStrategy[Fraction] | None = None
) -> dict:
    """A triangulated grid with vertex values: ``{"points", "simplices", "values"}`` (FORMATS.md).

    k^n cubes of side ``step`` from ``origin`` (k <= 4 in 1-D, 2 in 2-D, 1 in 3-D), each cut
    into n! simplices along a diagonal (in 2-D each square picks its own diagonal), the vertices
    of each simplex listed in a drawn order.  Its union is the box ``[origin, origin + k step]^n``.
    """
    n = draw(_size(input_dim, "input_dim"))
    if n not in _CELLS:
        raise InputError("strategies: triangulations are drawn for input_dim 1 to 3")
    k = draw(st.integers(*_CELLS[n]))
    origin = [draw(st.sampled_from([0, -1, 1, -2])) for _ in range(n)]
    step = draw(st.sampled_from(POSITIVE[:3]))
    grid = list(itertools.product(range(k + 1), repeat=n))
    index = {g: i for i, g in enumerate(grid)}
    simplices = []
    for corner in itertools.product(range(k), repeat=n):
        if n == 2 and draw(st.booleans()):  # the other diagonal of the square: (1, 0) -- (0, 1)
            cells = [[(1, 0), (0, 0), (0, 1)], [(1, 0), (1, 1), (0, 1)]]
        else:  # for each order of the axes, the path corner -> corner + e_order[0] -> ... -> corner + 1
            cells = [
                [tuple(int(a in order[:m]) for a in range(n)) for m in range(n + 1)]
                for order in itertools.permutations(range(n))
            ]
        for cell in cells:
            verts = [index[tuple(c + d for c, d in zip(corner, off))] for off in cell]
            simplices.append(list(draw(st.permutations(verts))))
    pick = _palette(draw, values if values is not None else rationals())
    return {
        "points": [[origin[a] + step * g[a] for a in range(n)] for g in grid],
        "simplices": simplices,
        "values": [draw(pick) for _ in grid],
    }


# ============================================================================ data


@st.composite
def point_sets(
    draw: Callable, input_dim: int, coordinates: Sequence[Fraction] = SIMPLE, count: Size = (1, 3)
) -> list[tuple[Fraction, ...]]:
    """Distinct points of the grid ``coordinates^input_dim``, in the grid's order (the first
    coordinate varies slowest).  Shrinks towards one point at the first grid point.
    """
    grid = list(itertools.product(coordinates, repeat=input_dim))
    k = draw(_size(count, "count"))
    if not 1 <= k <= len(grid):
        raise InputError(f"strategies: cannot draw {k} distinct points from a grid of {len(grid)}")
    chosen = draw(st.lists(st.integers(0, len(grid) - 1), min_size=k, max_size=k, unique=True))
    return [grid[i] for i in sorted(chosen)]


def data_json(points: Sequence[Sequence[Fraction]], values: Sequence[Fraction]) -> dict:
    """The ``exactpwl.data`` JSON object of labelled points (``construct`` reads it)."""
    return {
        "format": "exactpwl.data",
        "version": 1,
        "points": [_strs(p) for p in points],
        "values": _strs(values),
    }


@st.composite
def labelled_data(
    draw: Callable,
    input_dim: int,
    coordinates: Sequence[Fraction] = SIMPLE,
    count: Size = (1, 3),
    labels: Sequence[Fraction] = (F(0), F(1)),
) -> dict:
    """Labelled points (``exactpwl.data``): ``point_sets`` with one label from ``labels`` each."""
    pts = draw(point_sets(input_dim, coordinates, count))
    return data_json(pts, [draw(st.sampled_from(list(labels))) for _ in pts])


# ============================================================================ domains


def _box_within(draw: Callable, bounds: Sequence[tuple[Fraction, Fraction]]) -> list[list[Fraction]]:
    out = []
    for lo, hi in bounds:
        t1 = draw(st.sampled_from([F(0), F(1, 4), F(1, 3)]))
        t2 = draw(st.sampled_from([F(1), F(3, 4), F(2, 3)]))
        out.append([lo + t1 * (hi - lo), lo + t2 * (hi - lo)])
    return out


def _cuts(draw: Callable, inner: list[list[Fraction]]) -> tuple[list[list[Fraction]], list[Fraction]]:
    """1 or 2 half-spaces a.x <= b that contain the box ``inner`` (touching it when the slack is 0)."""
    n = len(inner)
    A, b = [], []
    for _ in range(draw(st.integers(1, 2))):
        a = [F(draw(st.integers(-2, 2))) for _ in range(n)]
        if not any(a):
            a[0] = F(1)
        top = sum(ai * (hi if ai > 0 else lo) for ai, (lo, hi) in zip(a, inner))
        A.append(a)
        b.append(top + draw(st.sampled_from([F(0), F(1, 2), F(1)])))
    return A, b


@st.composite
def domains(
    draw: Callable,
    input_dim: int,
    within: Sequence[Sequence[Any]] | None = None,
    kinds: Sequence[str] | None = None,
) -> dict | None:
    """A full-dimensional domain: None (all of R^n), a box, a polyhedron {A x <= b} that cuts a box
    but contains a smaller one, or a few half-spaces around a box (usually unbounded).

    ``within``: a box ``[[lo, hi], ...]`` the domain must lie in (then only boxes and cut boxes).
    ``kinds``: a subset of ``("whole", "box", "polyhedron", "halfspaces")``.
    """
    n = input_dim
    allowed = ("box", "polyhedron") if within is not None else ("whole", "box", "polyhedron", "halfspaces")
    kinds = [k for k in (kinds or allowed) if k in allowed]
    if not kinds:
        raise InputError(f"strategies: domain kinds must be among {', '.join(allowed)}")
    kind = draw(st.sampled_from(kinds))
    if kind == "whole":
        return None
    if within is not None:
        outer = _box_within(draw, [(F(lo), F(hi)) for lo, hi in within])
    else:
        outer = []
        for _ in range(n):
            lo = draw(st.sampled_from([F(-1), F(0), F(-2), F(-1, 2)]))
            outer.append([lo, lo + draw(st.sampled_from([F(2), F(1), F(3), F(1, 2)]))])
    if kind == "box":
        return {"box": outer}
    inner = [[lo + (hi - lo) / 4, hi - (hi - lo) / 4] for lo, hi in outer]
    A, b = _cuts(draw, inner)
    if kind == "polyhedron":
        for i, (lo, hi) in enumerate(outer):
            e = [F(int(i == j)) for j in range(n)]
            A += [e, [-v for v in e]]
            b += [hi, -lo]
    return {"A": A, "b": b}
