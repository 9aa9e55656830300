"""Tests of ``exactpwl.expr``: the restricted parser, exact evaluation, canonical text, compilation.

Sources of truth, none of which calls into exactpwl.expr:

* values worked out by hand (in the comment or the parameter next to each case);
* ``ref_value``: an independent reference that evaluates the ORIGINAL TEXT.  It only accepts
  strings written in this file (checked against a whitelist of tokens: ``x<digits>``, ASCII
  numbers, ``max min abs relu``, ``+ - * / ( ) ,`` and spaces), rewrites numbers to
  ``Fraction('...')`` and ``xK`` to ``X[K-1]``, and lets Python evaluate that arithmetic over
  Fractions with no builtins.  Python's precedence for ``+ - * /`` and unary minus is the one of
  FORMATS.md, so the two evaluations are independent implementations of one meaning;
* region and piece counts of the compiled networks derived by hand from the geometry of the
  target (e.g. the pyramid ``relu(1 - |x1| - |x2|)``).
"""

from __future__ import annotations

import math
import random
import re
import sys
from fractions import Fraction

import pytest
from flint import fmpq

from exactpwl import expr as X
from exactpwl.compile import to_network
from exactpwl.errors import InputError
from exactpwl.expr import (
    Abs,
    Add,
    Const,
    Expr,
    Max,
    Min,
    Relu,
    Scale,
    Var,
    evaluate,
    parse,
    to_text,
)
from exactpwl.network import Network
from exactpwl.region_graph import regions

# ============================================================================ independent reference

_SAFE = re.compile(
    r"(?P<space>[ \t\n]+)|x(?P<var>[0-9]+)"
    r"|(?P<num>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)"
    r"|(?P<fn>max|min|abs|relu)(?=[ ]*\()|(?P<op>[-+*/(),])"
)


def ref_value(text: str, x) -> Fraction:
    """Evaluate a known-safe test string over Fractions (see the module docstring)."""
    out, pos = [], 0
    while pos < len(text):
        m = _SAFE.match(text, pos)
        assert m, f"not a whitelisted test string at {pos}: {text!r}"
        if m.group("var"):
            out.append(f"X[{int(m.group('var')) - 1}]")
        elif m.group("num"):
            out.append(f"F('{m.group('num')}')")
        elif m.group("space"):
            out.append(" ")
        else:
            out.append(m.group(0))
        pos = m.end()
    env = {
        "X": [Fraction(v) for v in x],
        "F": Fraction,
        "max": max,
        "min": min,
        "abs": abs,
        "relu": lambda v: max(v, Fraction(0)),
    }
    value = eval("".join(out), {"__builtins__": {}}, env)  # whitelisted test strings only
    return Fraction(value)


def F(q) -> Fraction:
    return Fraction(int(q.p), int(q.q)) if isinstance(q, fmpq) else Fraction(q)


def random_point(rng: random.Random, n: int) -> list[Fraction]:
    """Small rationals, with integers (where many breakpoints lie) half of the time."""
    return [Fraction(rng.randint(-12, 12), rng.choice([1, 1, 2, 3, 4, 7])) for _ in range(n)]


def random_text(rng: random.Random, n: int, depth: int) -> str:
    """A random expression of the grammar, written the way a user might (spaces, forms)."""
    leaves = ["0", "3", "1/2", "0.25", "2.5e1", "1e-1", ".5", "7"]
    if depth == 0 or rng.random() < 0.25:
        return f"x{rng.randint(1, n)}" if rng.random() < 0.7 else rng.choice(leaves)
    a = random_text(rng, n, depth - 1)
    k = rng.randrange(11)
    if k == 0:
        return f"{a} + {random_text(rng, n, depth - 1)}"
    if k == 1:
        return f"{a} - ({random_text(rng, n, depth - 1)})"
    if k == 2:
        return f"{rng.choice(['2', '-3', '(1/3)', '0.5'])}*({a})"
    if k == 3:
        return f"({a})/{rng.choice(['2', '3', '-4', '0.5'])}"
    if k == 4:
        return f"-({a})"
    if k in (5, 6):
        args = [a] + [random_text(rng, n, depth - 1) for _ in range(rng.randint(1, 3))]
        return f"{'max' if k == 5 else 'min'}({', '.join(args)})"
    if k == 7:
        return f"abs({a})"
    if k == 8:
        return f"relu({a})"
    if k == 9:
        return f"({a})*{rng.choice(['2', '1/2', '1e1'])}"
    return f"({a})"


def one_line(excinfo, column: int | None, *needles: str) -> str:
    msg = str(excinfo.value)
    assert msg and "\n" not in msg and "\r" not in msg, f"not a one-line message: {msg!r}"
    if column is not None:
        assert f"at column {column}" in msg, msg
    for needle in needles:
        assert needle in msg, f"{needle!r} not in {msg!r}"
    return msg


def relu_units(net: Network) -> list[int]:
    """Number of ReLU units per layer."""
    return [sum(L.relu) for L in net.layers]


def linear_units(net: Network) -> list[int]:
    return [L.units - sum(L.relu) for L in net.layers]


def assert_no_duplicate_units(net: Network) -> None:
    """No two hidden units of a layer are equal (the output layer has one row per output)."""
    for i, L in enumerate(net.layers[:-1]):
        rows = [
            (tuple(F(v) for v in L.weights.tolist()[j]), F(L.biases[j, 0]), L.relu[j]) for j in range(L.units)
        ]
        assert len(set(rows)) == len(rows), f"layer {i + 1} has two identical units"


def check_network(net: Network, texts: list[str], n: int, rng: random.Random, points: int = 25) -> None:
    """The network equals the reference on random points (and on a few integer points)."""
    assert net.input_dim == n and net.output_dim == len(texts)
    assert net.layers[-1].activation == "linear"
    pts = [random_point(rng, n) for _ in range(points)] + [[0] * n, [1] * n, [-1] * n]
    outs = net.evaluate(pts)
    for x, out in zip(pts, outs):
        assert out == [ref_value(t, x) for t in texts], (texts, x)


# ============================================================================ the reference itself


def test_reference_evaluator_on_hand_values():
    # the reference must be right before it judges anything
    assert ref_value("max(0, x1, x2)", [-1, 3]) == 3
    assert ref_value("0.1 + 0.2", []) == Fraction(3, 10)
    assert ref_value("-x1*2 - 1/3", [1]) == Fraction(-7, 3)
    assert ref_value("relu(x1) + abs(x2)", [-5, -2]) == 2
    with pytest.raises(AssertionError):
        ref_value("__import__('os')", [])


# ============================================================================ parse + evaluate

HAND = [
    # text, input_dim, point, value worked out by hand
    ("7", 1, [0], 7),
    ("0.1", 1, [0], Fraction(1, 10)),  # exactly 1/10, not the binary float
    ("0.1 + 0.2", 1, [0], Fraction(3, 10)),  # exactly 3/10 (floats give 0.30000000000000004)
    ("1e-3", 1, [0], Fraction(1, 1000)),
    ("2.5E+2", 1, [0], 250),
    (".5", 1, [0], Fraction(1, 2)),
    ("1.", 1, [0], 1),
    ("1/3", 1, [0], Fraction(1, 3)),
    ("-1/3", 1, [0], Fraction(-1, 3)),
    ("x1", 1, ["2/7"], Fraction(2, 7)),
    ("-x1", 1, [2], -2),
    ("--x1", 1, [2], 2),
    ("+x1", 1, [2], 2),
    ("- + - x1", 1, [2], 2),
    ("2*x1 - 3*x2", 2, [1, 1], -1),  # 2 - 3
    ("x1*3", 1, [5], 15),
    ("x1/4", 1, [1], Fraction(1, 4)),
    ("x1/0.5", 1, [3], 6),
    ("2*-x1", 1, [3], -6),
    ("x1 - x2 - x3", 3, [1, 2, 3], -4),  # left-associative: (1 - 2) - 3
    ("x1 - (x2 - x3)", 3, [1, 2, 3], 2),  # 1 - (2 - 3)
    ("12/4/3", 1, [0], 1),  # (12/4)/3
    ("(1/2)*max(x1, x2)", 2, [3, -1], Fraction(3, 2)),
    ("1/2*max(x1, x2)", 2, [3, -1], Fraction(3, 2)),  # (1/2)*max
    ("max(x1, x2)/2", 2, [3, -1], Fraction(3, 2)),
    ("max(x1, x2, x3)", 3, [1, 5, 2], 5),
    ("min(x1, x2, x3)", 3, [1, 5, 2], 1),
    ("max(0, x1, x2)", 2, [-1, -2], 0),
    ("min(x1, 2*x2 - 1/3)", 2, [1, 0], Fraction(-1, 3)),
    ("abs(x1)", 1, [-3], 3),
    ("abs(-3)", 1, [0], 3),
    ("relu(x1 - 1)", 1, [0], 0),
    ("relu(x1 - 1)", 1, [3], 2),
    ("max(0, min(x1, 1))", 1, ["5/2"], 1),  # clamp to [0, 1]
    ("x1 + abs(x2)", 2, [1, -2], 3),
    ("relu(1 - abs(x1) - abs(x2))", 2, ["1/4", "-1/4"], Fraction(1, 2)),
    ("abs(abs(x1) - 1)", 1, [0], 1),
    ("max(x1, min(x2, abs(x1 - relu(x2))))", 2, [-1, 3], 3),  # max(-1, min(3, |-1-3|=4)) = 3
    ("\tmax ( x1 ,\n x2 )  ", 2, [1, 2], 2),
    ("x10 - x9", 10, list(range(10)), 1),
    ("2 * 3 * x1", 1, [1], 6),
    ("0*x1 + 5", 1, [9], 5),
    ("1e2*x1", 1, ["1/100"], 1),
]


@pytest.mark.parametrize("text,n,x,value", HAND)
def test_parse_evaluate_by_hand(text, n, x, value):
    e = parse(text, n)
    assert isinstance(e, Expr)
    got = evaluate(e, x)
    assert isinstance(got, fmpq)
    assert F(got) == Fraction(value)
    assert ref_value(text, x) == Fraction(value)  # the reference agrees with the hand value


def test_evaluate_random_expressions_against_reference():
    rng = random.Random(1)
    for _ in range(300):
        n = rng.randint(1, 3)
        text = random_text(rng, n, rng.randint(1, 5))
        e = parse(text, n)
        for _ in range(5):
            x = random_point(rng, n)
            assert F(evaluate(e, x)) == ref_value(text, x), (text, x)


def test_evaluate_coordinates_are_exact():
    e = parse("x1 + x2 + x3", 3)
    # a string "0.1" is 1/10; a float is taken at its exact binary value; a Fraction as is
    assert F(evaluate(e, ["0.1", Fraction(1, 3), 1])) == Fraction(1, 10) + Fraction(1, 3) + 1
    assert F(evaluate(parse("x1", 1), [0.1])) == Fraction(0.1)  # 3602879701896397/2^55
    with pytest.raises(InputError):
        evaluate(parse("x2", 2), [1])  # too few coordinates
    with pytest.raises(InputError):
        evaluate(parse("x1", 1), ["nan"])
    with pytest.raises(InputError):
        evaluate(parse("x1", 1), "1")


def test_evaluate_hand_built_tree():
    # 3 + (-2)*|x1| + max(x1, x2) + min(x1, x2) + relu(x2), at (1, -4): 3 - 2 + 1 - 4 + 0
    e = Add(
        (
            Const(fmpq(3)),
            Scale(fmpq(-2), Abs(Var(1))),
            Max((Var(1), Var(2))),
            Min((Var(1), Var(2))),
            Relu(Var(2)),
        )
    )
    assert F(evaluate(e, [1, -4])) == -2


def test_fold_rebuilds_the_tree_with_other_operations():
    text = "max(x1, 2*x2, -1) - min(abs(x1), relu(x2 - 1/2)) + 3"
    e = parse(text, 2)
    fraction_ops = dict(
        var=lambda i: [Fraction(5, 2), Fraction(-1, 3)][i],  # x1 is position 0
        const=F,
        add=sum,
        scale=lambda q, t: F(q) * t,
        max_=max,
        min_=min,
        abs_=abs,
        relu=lambda t: max(t, Fraction(0)),
    )
    assert X.fold(e, **fraction_ops) == ref_value(text, [Fraction(5, 2), Fraction(-1, 3)])
    # binary max/min, applied left to right; var gets the 0-based position
    words = dict(
        var=lambda i: f"v{i}",
        const=lambda q: str(F(q)),
        add=lambda ts: "+".join(ts),
        scale=lambda q, t: f"{F(q)}.{t}",
        max_=lambda a, b: f"M[{a},{b}]",
        min_=lambda a, b: f"m[{a},{b}]",
        abs_=lambda a: f"A[{a}]",
        relu=lambda a: f"R[{a}]",
    )
    assert X.fold(e, **words) == "M[M[v0,2.v1],-1]+-1.m[A[v0],R[v1+-1/2]]+3"


# ============================================================================ the tree


def test_tree_is_folded_and_knows_if_constant():
    assert parse("1/2", 1) == Const(fmpq(1, 2))
    assert parse("max(1, 2) * 3 - abs(-1)", 1) == Const(fmpq(5))  # 2*3 - 1
    assert parse("max(1, 2)*x1", 1) == Scale(fmpq(2), Var(1))  # a constant side may be any constant
    assert parse("x1*3", 1) == parse("3*x1", 1) == Scale(fmpq(3), Var(1))
    assert parse("x1/4", 1) == Scale(fmpq(1, 4), Var(1))
    assert parse("-x1", 1) == Scale(fmpq(-1), Var(1))
    assert parse("--x1", 1) == Var(1)
    assert parse("2*(3*x1)", 1) == Scale(fmpq(6), Var(1))
    assert parse("x1 + (x2 + 1) + 2", 2) == Add((Var(1), Var(2), Const(fmpq(3))))
    assert parse("max(max(x1, x2), 0, max(x1, 1))", 2) == Max((Var(1), Var(2), Const(fmpq(1)), Var(1)))
    assert parse("relu(-2)", 1) == Const(fmpq(0))
    assert parse("max(1, 2)", 1).constant
    assert Max((Const(fmpq(1)), Const(fmpq(2)))).constant  # also for trees built by hand
    assert not parse("x1", 1).constant
    assert not parse("max(0, x1)", 1).constant
    assert not Add((Const(fmpq(1)), Relu(Var(1)))).constant


def test_tree_is_immutable_and_hashable():
    e = parse("max(0, x1) + abs(x2)", 2)
    with pytest.raises(AttributeError):  # dataclasses.FrozenInstanceError
        e.terms = ()
    assert hash(e) == hash(parse(" max( 0 ,x1 )+abs( x2 ) ", 2))
    assert len({e, parse("max(0, x1) + abs(x2)", 2), parse("abs(x2) + max(0, x1)", 2)}) == 2
    assert e.depth == 3  # Add -> Max -> Var


@pytest.mark.parametrize(
    "text,canonical",
    [
        ("max(0, x1, x2) - 0.5*abs(x1)", "max(0, x1, x2) - (1/2)*abs(x1)"),
        ("x1/2", "(1/2)*x1"),
        ("-(x1 + x2)", "-(x1 + x2)"),
        ("2*(x1 - 3)", "2*(x1 - 3)"),
        ("x1 - 2*(x2 + 1)", "x1 - 2*(x2 + 1)"),
        ("x1 - (x2 + 1)", "x1 - (x2 + 1)"),
        ("max(max(x1, x2), x3)", "max(x1, x2, x3)"),
        ("1 + 2", "3"),
        ("x1 - -x2", "x1 + x2"),
        ("0.1*x1 + 1e-3", "(1/10)*x1 + 1/1000"),
        ("-1/2 + x1", "-1/2 + x1"),
        ("x1 + -1/2", "x1 - 1/2"),
        ("-3*x1", "-3*x1"),
        ("x1*(-3/4)", "(-3/4)*x1"),
        ("min( x1 ,relu(x2) ,abs(x1-x2) )", "min(x1, relu(x2), abs(x1 - x2))"),
    ],
)
def test_to_text_canonical(text, canonical):
    e = parse(text, 3)
    assert to_text(e) == canonical
    assert str(e) == canonical
    assert parse(canonical, 3) == e


def test_to_text_round_trips_random_expressions():
    rng = random.Random(2)
    for _ in range(300):
        n = rng.randint(1, 3)
        e = parse(random_text(rng, n, rng.randint(1, 6)), n)
        t = to_text(e)
        assert parse(t, n) == e, t
        assert to_text(parse(t, n)) == t  # canonical: printing again changes nothing


# ============================================================================ compilation


def test_affine_expression_is_one_linear_layer():
    net = to_network([parse("2*x1 - x2/3 + 0.5", 2)], 2)
    assert len(net.layers) == 1 and net.layers[0].activation == "linear"
    assert [[F(v) for v in row] for row in net.layers[0].weights.tolist()] == [[2, Fraction(-1, 3)]]
    assert F(net.layers[0].biases[0, 0]) == Fraction(1, 2)
    assert net([3, 3]) == [Fraction(11, 2)]  # 6 - 1 + 1/2


def test_max_of_two_is_one_relu_and_one_linear_unit():
    # max(x1, x2) = x2 + relu(x1 - x2): hidden layer = [relu(x1 - x2), linear x2], output 1*h1 + 1*h2
    net = to_network([parse("max(x1, x2)", 2)], 2)
    assert relu_units(net) == [1, 0] and linear_units(net) == [1, 1]
    assert net([5, 2]) == [5] and net([2, 5]) == [5]
    g = regions(net)
    assert (len(g), g.num_pieces) == (2, 2)  # the one line x1 = x2


def test_carried_values_use_linear_units_not_relu_pairs():
    # x1 + relu(x2): x1 rides along in a linear unit.  Carrying it as relu(x1) - relu(-x1)
    # would add the line x1 = 0 and give 4 activation regions instead of 2.
    net = to_network(["x1 + relu(x2)"], 2)
    assert relu_units(net) == [1, 0] and linear_units(net) == [1, 1]
    g = regions(net)
    assert (len(g), g.num_pieces) == (2, 2)


@pytest.mark.parametrize("k", range(2, 10))
@pytest.mark.parametrize("fn", ["max", "min"])
def test_max_min_of_k_is_a_balanced_tree(fn, k):
    # k - 1 pairwise steps, one ReLU each; a balanced tree has depth ceil(log2 k)
    text = f"{fn}({', '.join(f'x{i}' for i in range(1, k + 1))})"
    net = to_network([parse(text, k)], k)
    assert len(net.layers) - 1 == math.ceil(math.log2(k))
    assert net.num_neurons == k - 1
    assert_no_duplicate_units(net)
    check_network(net, [text], k, random.Random(k), points=10)


def test_max_of_eight_has_three_hidden_layers():
    net = to_network([parse("max(x1, x2, x3, x4, x5, x6, x7, x8)", 8)], 8)
    assert len(net.layers) == 4  # ceil(log2 8) = 3 hidden layers + the linear output
    assert relu_units(net) == [4, 2, 1, 0]  # 4 pairs, 2 pairs of pairs, 1 final comparison
    x = [3, -1, 4, 1, -5, 9, 2, 6]
    assert net(x) == [9]


@pytest.mark.parametrize(
    "text,n,relus,hidden",
    [
        # max(0, x1, x2) = max(0, x2 + relu(x1 - x2)) = relu(x2 + relu(x1 - x2)): 2 ReLUs, 2 layers
        ("max(0, x1, x2)", 2, 2, 2),
        # |x1| + |x2| = relu(x1) + relu(-x1) + relu(x2) + relu(-x2)
        ("abs(x1) + abs(x2)", 2, 4, 1),
        # the four above, then one ReLU of 1 - (sum of them)
        ("relu(1 - abs(x1) - abs(x2))", 2, 5, 2),
        # relu(2 x1) = 2 relu(x1): the same unit, used twice
        ("relu(2*x1) + relu(x1)", 1, 1, 1),
        # abs(x1) = relu(x1) + relu(-x1) already contains relu(x1)
        ("abs(x1) + 3*relu(x1)", 1, 2, 1),
        # max(x1, x2) - min(x1, x2) = (x2 + r) - (x1 - r) with r = relu(x1 - x2): one shared unit
        ("max(x1, x2) - min(x1, x2)", 2, 1, 1),
        ("relu(x1)", 1, 1, 1),
        ("max(1, 2) + x1", 1, 0, 0),
    ],
)
def test_relu_counts_by_hand(text, n, relus, hidden):
    net = to_network([parse(text, n)], n)
    assert net.num_neurons == relus
    assert len(net.layers) - 1 == hidden
    assert_no_duplicate_units(net)
    check_network(net, [text], n, random.Random(3))


def test_max_of_zero_and_two_variables_is_small():
    net = to_network(["max(0, x1, x2)"], 2)
    assert net.num_neurons <= 3


def test_several_outputs_in_one_network_share_units():
    texts = ["max(x1, x2)", "min(x1, x2)", "abs(x1 - x2)", "x1 + abs(x2)", "min(x1, 2*x2 - 1/3)", "5"]
    net = to_network([parse(t, 2) for t in texts], 2)
    assert net.output_dim == len(texts)
    assert_no_duplicate_units(net)
    # relu(x1 - x2) serves max, min and abs; relu(x2 - x1) abs; relu(x2), relu(-x2) abs(x2);
    # min(x1, 2 x2 - 1/3) = x1 - relu(x1 - 2 x2 + 1/3)
    assert net.num_neurons == 5
    check_network(net, texts, 2, random.Random(4), points=40)


def test_compiled_random_expressions_equal_reference():
    rng = random.Random(5)
    for _ in range(60):
        n = rng.randint(1, 3)
        texts = [random_text(rng, n, rng.randint(1, 5)) for _ in range(rng.randint(1, 3))]
        exprs = [parse(t, n) for t in texts]
        net = to_network(exprs, n)
        assert_no_duplicate_units(net)
        check_network(net, texts, n, rng, points=12)
        for x in [random_point(rng, n) for _ in range(5)]:
            assert net(x) == [F(evaluate(e, x)) for e in exprs]


def test_deep_carries_through_many_layers():
    # x1 is needed at the output, four ReLU layers below it; 3*x2 - 1 at layer 3
    text = "x1 + relu(relu(relu(relu(x2) - 1) + 3*x2 - 1) - x1) + max(x1, x2, x3, x4, x5)"
    net = to_network([text], 5)
    assert len(net.layers) == 5
    assert_no_duplicate_units(net)
    check_network(net, [text], 5, random.Random(6), points=40)


def test_compiled_network_goes_through_json():
    net = to_network(["max(0, x1, x2) - 0.5*abs(x1)", "x1 + relu(x2)"], 2)
    again = Network.from_dict(net.to_dict())
    pts = [random_point(random.Random(7), 2) for _ in range(20)]
    assert again.evaluate(pts) == net.evaluate(pts)
    assert net.description == "max(0, x1, x2) - (1/2)*abs(x1); x1 + relu(x2)"


def test_to_network_input_checks():
    with pytest.raises(InputError):
        to_network([parse("x3", 3)], 2)  # uses x3 but input_dim is 2
    with pytest.raises(InputError):
        to_network([], 2)
    with pytest.raises(InputError):
        to_network([42], 2)
    with pytest.raises(InputError):
        to_network(["x1"], 0)
    with pytest.raises(InputError) as ei:
        to_network(["x1", "oops(x1)"], 1)
    one_line(ei, 1, "expr 2: unknown name 'oops'")
    assert to_network(parse("x1", 1), 1)([4]) == [4]  # one expression on its own is fine


# ============================================================================ regions of compiled networks


@pytest.mark.parametrize(
    "text,n,domain,pieces,activation_regions",
    [
        # max(0, x1, x2) on R^2: three pieces 0, x1, x2 (the ones where each argument wins)
        ("max(0, x1, x2)", 2, None, 3, None),
        # |x1| + |x2|: one piece per quadrant, lines x1 = 0 and x2 = 0 only
        ("abs(x1) + abs(x2)", 2, None, 4, 4),
        # pyramid relu(1 - |x1| - |x2|): 4 triangular faces inside the diamond |x1|+|x2| <= 1, and
        # the zero outside it, which is connected (1 piece) but cut by the axes into 4 regions;
        # regions: 4 quadrants (layer 1) x inside/outside the diamond edge (layer 2) = 8
        ("relu(1 - abs(x1) - abs(x2))", 2, None, 5, 8),
        # 1-D: max(0, x1, 2 x1 - 1) = 0 (x1 <= 0), x1 on [0, 1], 2 x1 - 1 (x1 >= 1)
        ("max(0, x1, 2*x1 - 1)", 1, None, 3, None),
        # min of three on R^3: the three pieces where each argument is smallest
        ("min(x1, x2, x3)", 3, None, 3, None),
        # |x1 - x2|: two half-planes
        ("abs(x1 - x2)", 2, None, 2, 2),
        # affine: no hyperplane at all
        ("x1 - 2*x2 + 1/3", 2, None, 1, 1),
        # |x1| + |x2| on the box [1, 2]^2: both units fixed, one region
        ("abs(x1) + abs(x2)", 2, {"box": [[1, 2], [1, 2]]}, 1, 1),
        # the pyramid on [1/2, 2] x [-1, 1]: the diamond edge x1 + |x2| = 1 cuts off the corner
        # triangle {x1 + |x2| < 1}, itself split by x2 = 0 into two faces; outside it the zero,
        # split by x2 = 0 into two regions of one piece: 3 pieces, 4 regions
        ("relu(1 - abs(x1) - abs(x2))", 2, {"box": [["1/2", 2], [-1, 1]]}, 3, 4),
    ],
)
def test_region_counts_of_compiled_networks(text, n, domain, pieces, activation_regions):
    g = regions(to_network([parse(text, n)], n), domain)
    assert g.complete
    assert g.num_pieces == pieces
    if activation_regions is not None:
        assert len(g) == activation_regions


# ============================================================================ bad input

BAD = [
    # text, input_dim, column, words in the message
    ("x1*x2", 2, 3, ["x1*x2 is not piecewise linear", "product of two non-constant terms"]),
    ("x1 + (x2 * x1)", 2, 10, ["x2 * x1 is not piecewise linear"]),
    ("(x1 + 1)*(x2 - 1)", 2, 9, ["not piecewise linear"]),
    ("max(x1, x2)*abs(x1)", 2, 12, ["not piecewise linear"]),
    ("exp(x1)", 1, 1, ["unknown name 'exp'"]),
    ("__import__('os').system('x')", 1, 1, ["unknown name '__import__'"]),
    ("x1.real", 1, 3, ["unexpected character '.'"]),
    ("x3", 2, 1, ["variable 'x3' out of range", "x1 .. x2"]),
    ("x0", 2, 1, ["variable 'x0' out of range"]),
    ("x01", 2, 1, ["unknown variable 'x01'"]),
    ("x" + "9" * 30, 2, 1, ["out of range"]),
    ("max(x1)", 1, 1, ["max needs two or more arguments, got 1"]),
    ("min()", 1, 1, ["min needs two or more arguments, got 0"]),
    ("abs(x1, x2)", 2, 1, ["abs takes one argument, got 2"]),
    ("relu()", 1, 1, ["relu takes one argument, got 0"]),
    ("1/0", 1, 2, ["division by zero"]),
    ("x1/(1 - 1)", 1, 3, ["division by zero"]),
    ("x1/x2", 2, 3, ["x1/x2 is not piecewise linear", "division by a non-constant term"]),
    ("x1 +", 1, 5, ["unexpected end of expression"]),
    ("(x1", 1, 1, ["unclosed '('"]),
    ("max(x1, x2", 2, 4, ["unclosed '(' of max"]),
    ("x1)", 1, 3, ["unmatched ')'"]),
    ("max(x1,,x2)", 2, 8, ["unexpected ','"]),
    ("max(x1, x2,)", 2, 12, ["unexpected ')'"]),
    ("()", 1, 2, ["unexpected ')'"]),
    ("(x1, x2)", 2, 4, ["unexpected ','"]),
    ("", 1, 1, ["empty expression"]),
    ("  \t ", 1, 1, ["empty expression"]),
    ("2 ** 3", 1, 3, ["'**' (power) is not allowed"]),
    ("x1[0]", 1, 3, ["unexpected character '['"]),
    ("lambda", 1, 1, ["unknown name 'lambda'"]),
    ("lambda: 1", 1, 1, ["unknown name 'lambda'"]),
    ("MAX(x1, x2)", 2, 1, ["unknown name 'MAX'"]),
    ("max", 1, 4, ["expected '(' after 'max'"]),
    ("max x1", 1, 5, ["expected '(' after 'max'"]),
    ("x1(2)", 1, 3, ["missing operator before '('"]),
    ("2x1", 1, 2, ["missing operator before 'x1'"]),
    ("x1 x2", 2, 4, ["missing operator before 'x2'"]),
    ("1.2.3", 1, 4, ["missing operator before '.3'"]),
    ("1e", 1, 1, ["malformed number '1e'"]),
    ("2*1e+", 1, 3, ["malformed number '1e+'"]),
    ("1" * 5000, 1, 1, ["is too large"]),
    ("1e99999*x1", 1, 1, ["is too large"]),
    ("x1 = 1", 1, 4, ["unexpected character '='"]),
    ("x1 % 2", 1, 4, ["unexpected character '%'"]),
    ("'x1'", 1, 1, ["unexpected character"]),
    ("x1;x2", 2, 3, ["unexpected character ';'"]),
    ("\n x1 $", 1, 6, ["unexpected character '$'"]),
    ("x1\x00", 1, 3, ["unexpected character '\\x00'"]),
    ("x1\n)", 1, 4, ["unmatched ')'"]),
    # non-ASCII digits and letters: Python would read some of them as numbers, the grammar does not
    ("x\uff11", 1, 2, ["non-ASCII character", "U+FF11"]),  # fullwidth digit one
    ("\u0661 + x1", 1, 1, ["non-ASCII character", "U+0661"]),  # Arabic-Indic digit one
    ("\uff12*x1", 1, 1, ["non-ASCII character"]),
    ("x1 + \u00bd", 1, 6, ["non-ASCII character", "U+00BD"]),  # vulgar fraction one half
    ("m\u0430x(x1, 1)", 1, 2, ["non-ASCII character", "U+0430"]),  # Cyrillic a
    ("x1 \u2212 1", 1, 4, ["non-ASCII character", "U+2212"]),  # minus sign
    # limits
    ("x1+" * 4000 + "x1", 1, 10_001, ["too long", "limit 10000"]),
    ("(" * 300 + "x1" + ")" * 300, 1, 201, ["nesting deeper than 200"]),
    ("abs(" * 201 + "x1" + ")" * 201, 1, 804, ["nesting deeper than 200"]),  # 201st '(' at 4*201
    # 50 levels of 2*(x1 - max(x1, ...)) make a tree of height 201 with only 100 parentheses
    ("2*(x1 - max(x1, " * 50 + "x1" + "))" * 50, 1, 1, ["nested deeper than 200 levels"]),
]


@pytest.mark.parametrize("text,n,column,needles", BAD, ids=[repr(b[0])[:30] for b in BAD])
def test_bad_input(text, n, column, needles):
    with pytest.raises(InputError) as ei:
        parse(text, n)
    msg = one_line(ei, column, *needles)
    assert msg.startswith("expr: ")
    assert len(msg) < 200


def test_error_names_the_place_given_by_the_caller():
    with pytest.raises(InputError) as ei:
        parse("x1*x2", 2, where="target.json, expr 2")
    assert str(ei.value) == (
        "target.json, expr 2: x1*x2 is not piecewise linear (product of two non-constant terms) at column 3"
    )
    with pytest.raises(InputError) as ei:
        parse("exp(x1)", 1)
    assert str(ei.value).startswith("expr: unknown name 'exp' at column 1")


def test_first_problem_in_reading_order_is_reported():
    # the unknown name comes before the bad character: the name is reported
    with pytest.raises(InputError) as ei:
        parse("exp(x1) $", 1)
    one_line(ei, 1, "unknown name 'exp'")


def test_limits_are_exactly_at_the_documented_sizes():
    assert X.MAX_LENGTH == 10_000 and X.MAX_DEPTH == 200
    ok_long = "x1+" * 3332 + "x1" + " " * 2  # 10 000 characters
    assert len(ok_long) == 10_000
    assert len(parse(ok_long, 1).terms) == 3333
    assert parse("(" * 200 + "x1" + ")" * 200, 1) == Var(1)
    e = parse("relu(" * 199 + "x1" + ")" * 199, 1)  # height 200
    assert e.depth == 200
    net = to_network([e], 1)  # 199 ReLU layers, one unit each
    assert len(net.layers) == 200 and net([3]) == [3] and net([-3]) == [0]
    assert parse(to_text(e), 1) == e
    assert parse("-" * 9_990 + "x1", 1) == Var(1)  # an even number of signs, read without recursion


def test_bad_arguments_are_input_errors():
    for text, n in [(None, 1), (b"x1", 1), ("x1", 0), ("x1", True), ("x1", "2"), ("x1", -1)]:
        with pytest.raises(InputError) as ei:
            parse(text, n)
        one_line(ei, None)


# ============================================================================ nothing is executed

_WATCHED = {"exec", "compile", "import", "os.system", "subprocess.Popen", "os.posix_spawn", "os.exec"}
_events: list[str] = []
_watching = [False]


def _audit(event: str, args) -> None:
    if _watching[0] and event in _WATCHED:
        _events.append(event)


sys.addaudithook(_audit)  # active only while _watching[0] is True


def test_the_audit_watch_sees_compile_and_exec():
    # the watcher used below does notice the events it is meant to catch
    _events.clear()
    _watching[0] = True
    try:
        exec(compile("1 + 1", "<test>", "eval"))  # a known-safe constant, to prove the hook works
    finally:
        _watching[0] = False
    assert "compile" in _events and "exec" in _events


HOSTILE = [
    "__import__('os').system('touch {f}')",
    "eval(\"__import__('os').system('touch {f}')\")",
    'exec(\'open("{f}", "w")\')',
    "x1 + __import__('os').system('touch {f}')",
    "max(x1, (lambda: __import__('os').system('touch {f}'))())",
    "[c for c in ().__class__.__base__.__subclasses__()]",
    "x1.__class__",
    "open('{f}', 'w')",
    "compile('1', 'f', 'eval')",
    "globals()",
]


@pytest.mark.parametrize("template", HOSTILE)
def test_nothing_is_executed(template, tmp_path):
    target = tmp_path / "FILE"
    text = template.format(f=target)
    _events.clear()
    _watching[0] = True
    try:
        with pytest.raises(InputError) as ei:
            parse(text, 2)
    finally:
        _watching[0] = False
    one_line(ei, None)
    assert "at column" in str(ei.value)
    assert not target.exists()
    assert _events == [], _events  # no compile/exec/import/system call happened while parsing
