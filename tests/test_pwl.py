"""Targets in every form (``exactpwl.pwl``): values, certification against hand-built networks, bad input.

Every expected value is derived by hand (the formulas in the comments), by sympy's own exact
evaluation, or by a plain ``fractions.Fraction`` evaluation of the hand-built networks.
"""

from __future__ import annotations

import json
import re
from fractions import Fraction

import pytest
import sympy

from exactpwl import PWL, InputError, Network, certify, check_certificate

F = Fraction


def ref_eval(layers, x) -> list[Fraction]:
    """Output of the network ``layers`` = [(W, b), ...] at x (relu hidden, linear output)."""
    h = [F(v) for v in x]
    for k, (W, b) in enumerate(layers):
        z = [sum((F(w) * v for w, v in zip(row, h)), F(0)) + F(bj) for row, bj in zip(W, b)]
        h = [max(v, F(0)) for v in z] if k < len(layers) - 1 else z
    return h


def net_of(layers) -> Network:
    return Network.from_layers(layers)


def relu(v) -> Fraction:
    return max(F(v), F(0))


def certified(net, target, domain=None) -> bool:
    """certify's verdict, with z3's second opinion; when it holds, the certificate must check out."""
    v = certify(net, target, domain, cross_check="z3")
    if v.holds:
        rep = check_certificate(v.certificate())
        assert rep.valid, rep.reason
    return v.holds


def named_point(message: str) -> tuple[Fraction, ...]:
    """The point an error message names, as '(p1, p2, ...)'."""
    m = re.search(r"\(([-0-9/, ]+)\)", message)
    assert m, message
    return tuple(F(s.strip()) for s in m.group(1).split(","))


# ============================================================================ breakpoints

BP = [[0, 0], [1, 2], [2, 1], [4, 3]]
# slopes 2, -1, 1: f(x) = 2x - 3 relu(x - 1) + 2 relu(x - 2), with x = relu(x) - relu(-x)
BP_NET = [([[1], [1], [1], [-1]], [-1, -2, 0, 0]), ([[-3, 2, 2, -2]], [0])]


@pytest.mark.parametrize(
    "x, y",
    [(-1, -2), ("1/2", 1), (1, 2), ("3/2", "3/2"), (2, 1), (3, 2), (4, 3), (5, 4), ("-0.25", "-1/2")],
)
def test_breakpoints_values(x, y):
    assert PWL.from_breakpoints(BP)([x]) == [F(y)]
    assert ref_eval(BP_NET, [x]) == [F(y)]


@pytest.mark.parametrize("domain", [None, {"box": [[-5, 5]]}, {"box": [["1/2", "3/2"]]}])
def test_breakpoints_certified(domain):
    assert certified(net_of(BP_NET), PWL.from_breakpoints(BP), domain)


def test_breakpoints_collinear_and_two_points():
    # no kink at all: x + 1 written with three collinear points, and with two
    lin = [([[1], [-1]], [0, 0]), ([[1, -1]], [1])]
    assert certified(net_of(lin), PWL.from_breakpoints([[0, 1], [1, 2], [2, 3]]))
    assert certified(net_of(lin), PWL.from_breakpoints([["-1/2", "0.5"], [7, 8]]))
    assert PWL.from_breakpoints([[0, 1], [1, 2], [2, 3]])(["-10"]) == [-9]


def test_breakpoints_changed_value_is_local():
    # y(2) = 1 + 1/1000 changes f only on (1, oo): the same on [-1, 1], refuted on [-1, 3/2]
    t = PWL.from_breakpoints([[0, 0], [1, 2], [2, "1.001"], [4, 3]])
    assert certified(net_of(BP_NET), t, {"box": [[-1, 1]]})
    v = certify(net_of(BP_NET), t, {"box": [[-1, "3/2"]]})
    assert v.holds is False
    (x,) = v.counterexample.x
    assert 1 < x < F(3, 2)
    # on [1, 2] the changed f is 2 + (x - 1) * (1001/1000 - 2)
    assert v.counterexample.target == (2 + (x - 1) * (F(1001, 1000) - 2),)
    assert list(v.counterexample.network) == ref_eval(BP_NET, [x])


# ============================================================================ triangulations

SQUARE = [[0, 0], [1, 0], [0, 1], [1, 1]]
# split by the diagonal x1 = x2: vertex values 0, 1, 1, 0 interpolate |x1 - x2|
DIAG = [[0, 1, 3], [0, 2, 3]]
SQUARE_BOX = {"box": [[0, 1], [0, 1]]}
ABS_DIFF = [([[1, -1], [-1, 1]], [0, 0]), ([[1, 1]], [0])]


@pytest.mark.parametrize("x", [["1/2", "1/4"], [0, 1], ["0.3", "0.9"], [1, 1], ["2/3", "1/7"]])
def test_triangulation_values(x):
    t = PWL.from_triangulation(SQUARE, DIAG, [0, 1, 1, 0])
    assert t(x) == [abs(F(x[0]) - F(x[1]))]


@pytest.mark.parametrize(
    "domain",
    [
        {"box": [[0, 1], [0, 1]]},
        {"box": [["1/4", "1/2"], [0, "0.75"]]},
        {"A": [[-1, 0], [0, -1], [1, 1]], "b": [0, 0, 1]},  # the triangle (0,0), (1,0), (0,1)
    ],
)
def test_triangulation_abs_diff_certified(domain):
    assert certified(net_of(ABS_DIFF), PWL.from_triangulation(SQUARE, DIAG, [0, 1, 1, 0]), domain)


def test_triangulation_other_diagonal_refuted():
    # split by x1 + x2 = 1 instead: x1 + x2 below, 2 - x1 - x2 above; not |x1 - x2|
    t = PWL.from_triangulation(SQUARE, [[0, 1, 2], [1, 2, 3]], [0, 1, 1, 0])
    assert t(["1/2", "1/2"]) == [1]
    v = certify(net_of(ABS_DIFF), t, {"box": [[0, 1], [0, 1]]}, cross_check="z3")
    assert v.holds is False
    x1, x2 = v.counterexample.x
    assert 0 < x1 < 1 and 0 < x2 < 1 and x1 + x2 != 1 and x1 != x2
    assert v.counterexample.target == ((x1 + x2) if x1 + x2 < 1 else (2 - x1 - x2),)
    assert v.counterexample.network == (abs(x1 - x2),)


def test_triangulation_outside_the_square_not_covered():
    t = PWL.from_triangulation(SQUARE, DIAG, [0, 1, 1, 0])
    for dom in (None, {"box": [[0, 2], [0, 1]]}):
        with pytest.raises(InputError, match="cover") as e:
            certify(net_of(ABS_DIFF), t, dom)
        x1, x2 = named_point(str(e.value))
        assert not (0 <= x1 <= 1 and 0 <= x2 <= 1)  # the named point is really uncovered
    with pytest.raises(InputError):
        t([2, 0])


# pyramid on [-1, 1]^2: apex (0, 0) with value 1, corners 0: f = 1 - max(|x1|, |x2|)
PYR_POINTS = [[-1, -1], [1, -1], [1, 1], [-1, 1], [0, 0]]
PYR_SIMPLICES = [[0, 1, 4], [1, 2, 4], [2, 3, 4], [3, 0, 4]]
# max(|x1|, |x2|) = |x2| + relu(|x1| - |x2|); layer 1: relu(x1), relu(-x1), relu(x2), relu(-x2)
PYR_NET = [
    ([[1, 0], [-1, 0], [0, 1], [0, -1]], [0, 0, 0, 0]),
    ([[1, 1, -1, -1], [0, 0, 1, 1]], [0, 0]),
    ([[-1, -1]], [1]),
]


@pytest.mark.parametrize(
    "x, y",
    [([0, 0], 1), (["1/2", "1/4"], "1/2"), (["-1/4", "3/4"], "1/4"), ([1, "-0.5"], 0), (["-0.1", 0], "0.9")],
)
def test_pyramid_values(x, y):
    assert PWL.from_triangulation(PYR_POINTS, PYR_SIMPLICES, [0, 0, 0, 0, 1])(x) == [F(y)]
    assert ref_eval(PYR_NET, x) == [F(y)]


def test_pyramid_certified_and_a_wrong_apex_refuted():
    t = PWL.from_triangulation(PYR_POINTS, PYR_SIMPLICES, [0, 0, 0, 0, 1])
    sq = {"box": [[-1, 1], [-1, 1]]}
    assert certified(net_of(PYR_NET), t, sq)
    assert certified(net_of(PYR_NET), t, {"box": [["-1/2", "1/3"], [0, 1]]})
    wrong = PWL.from_triangulation(PYR_POINTS, PYR_SIMPLICES, [0, 0, 0, 0, "1.01"])
    v = certify(net_of(PYR_NET), wrong, sq, cross_check="z3")
    assert v.holds is False
    x1, x2 = v.counterexample.x
    assert max(abs(x1), abs(x2)) < 1
    assert abs(x1) != abs(x2)  # not on an edge of the triangulation
    m = max(abs(x1), abs(x2))
    assert v.counterexample.network == (1 - m,)
    assert v.counterexample.target == (F(101, 100) * (1 - m),)


def test_triangulation_two_outputs_and_one_dimension():
    # outputs |x1 - x2| and x1 + x2 on the unit square
    t = PWL.from_triangulation(SQUARE, DIAG, [[0, 0], [1, 1], [1, 1], [0, 2]])
    assert t(["1/3", "1/2"]) == [F(1, 6), F(5, 6)]
    two = [([[1, -1], [-1, 1], [1, 0], [0, 1]], [0] * 4), ([[1, 1, 0, 0], [0, 0, 1, 1]], [0, 0])]
    assert certified(net_of(two), t, {"box": [[0, 1], [0, 1]]})
    # 1-D: x on [0, 1], (3 - x)/2 on [1, 3] = relu(x) - 3/2 relu(x - 1) there
    t1 = PWL.from_triangulation([[0], [1], [3]], [[0, 1], [1, 2]], [0, 1, 0])
    assert t1(["2"]) == [F(1, 2)]
    assert certified(net_of([([[1], [1]], [0, -1]), ([[1, "-3/2"]], [0])]), t1, {"box": [[0, 3]]})


# ============================================================================ pieces

RELU_PIECES = [{"A": [[-1]], "b": [0], "w": [[0]], "c": [0]}, {"A": [[1]], "b": [0], "w": [[1]], "c": [0]}]
RELU = [([[1]], [0]), ([[1]], [0])]
MAX_PIECES = [
    {"A": [[1, -1]], "b": [0], "w": [[0, 1]], "c": [0]},  # x1 <= x2: x2
    {"A": [[-1, 1]], "b": [0], "w": [[1, 0]], "c": [0]},  # x2 <= x1: x1
]
# max(x1, x2) = x2 + relu(x1 - x2)
MAX2 = [([[1, -1], [0, 1], [0, -1]], [0, 0, 0]), ([[1, 1, -1]], [0])]


def test_pieces_values():
    # the FORMATS.md example: piece 1 is {-x <= 0} = {x >= 0} with map 0, piece 2 is {x <= 0}
    # with map x, so the function is min(0, x)
    t = PWL.from_pieces(RELU_PIECES, 1)
    assert t(["3/2"]) == [0]
    assert t(["-2"]) == [-2]
    assert t([0]) == [0]
    m = PWL.from_pieces(MAX_PIECES, 2)
    for x in ([1, 2], ["-1/2", "-3/4"], [0, 0], ["1e-3", 0]):
        assert m(x) == [max(F(x[0]), F(x[1]))]


def test_pieces_certified():
    # {x >= 0}: 0 and {x <= 0}: x is min(0, x) = -relu(-x)
    assert certified(net_of([([[-1]], [0]), ([[-1]], [0])]), PWL.from_pieces(RELU_PIECES, 1))
    # relu itself, as two pieces
    relu_pieces = [
        {"A": [[1]], "b": [0], "w": [[0]], "c": [0]},
        {"A": [[-1]], "b": [0], "w": [[1]], "c": [0]},
    ]
    for dom in (None, {"box": [[-1, 1]]}, {"box": [["1/3", 2]]}):
        assert certified(net_of(RELU), PWL.from_pieces(relu_pieces, 1), dom)
    for dom in (None, {"box": [[-1, 1], [-2, 3]]}, {"A": [[-1, 0], [0, -1], [1, 1]], "b": [1, 1, 1]}):
        assert certified(net_of(MAX2), PWL.from_pieces(MAX_PIECES, 2), dom)


def test_pieces_wrong_map_refuted_with_checked_witness():
    # swap the maps: {x1 <= x2}: x1 is min(x1, x2)
    swapped = [dict(MAX_PIECES[0], w=[[1, 0]]), dict(MAX_PIECES[1], w=[[0, 1]])]
    v = certify(net_of(MAX2), PWL.from_pieces(swapped, 2), {"box": [[-1, 1], [-1, 1]]}, cross_check="z3")
    assert v.holds is False
    x1, x2 = v.counterexample.x
    assert x1 != x2
    assert v.counterexample.network == (max(x1, x2),)
    assert v.counterexample.target == (min(x1, x2),)


def test_pieces_bounded_cover_of_a_box():
    # relu on [-1, 1] from two bounded pieces; the domain [-1, 1] is exactly covered
    pcs = [
        {"A": [[1], [-1]], "b": [0, 1], "w": [[0]], "c": [0]},
        {"A": [[1], [-1]], "b": [1, 0], "w": [[1]], "c": [0]},
    ]
    assert certified(net_of(RELU), PWL.from_pieces(pcs, 1), {"box": [[-1, 1]]})
    with pytest.raises(InputError, match="cover") as e:
        certify(net_of(RELU), PWL.from_pieces(pcs, 1), {"box": [[-1, 2]]})
    (x,) = named_point(str(e.value))
    assert 1 < x <= 2


# ============================================================================ expressions, sympy, networks


def test_expr_several_outputs():
    t = PWL.from_expr(["max(x1, x2)", "min(x1, x2)", "abs(x1 - x2)/2"], 2)
    assert t.output_dim == 3
    assert t(["1/2", -3]) == [F(1, 2), -3, F(7, 4)]
    # max = x2 + relu(x1 - x2), min = x1 - relu(x1 - x2), |x1 - x2|/2 from both relus
    layers = [
        ([[1, -1], [-1, 1], [0, 1], [0, -1], [1, 0], [-1, 0]], [0] * 6),
        ([[1, 0, 1, -1, 0, 0], [-1, 0, 0, 0, 1, -1], ["1/2", "1/2", 0, 0, 0, 0]], [0, 0, 0]),
    ]
    assert ref_eval(layers, ["1/2", -3]) == [F(1, 2), -3, F(7, 4)]
    assert certified(net_of(layers), t)
    assert certified(net_of(layers), t, {"box": [[-1, 1], [-1, 1]]})
    # one output off by a constant: refuted, the other outputs still agree at the witness
    v = certify(net_of(layers), ["max(x1, x2)", "min(x1, x2)", "abs(x1 - x2)/2 + 1/9"])
    assert v.holds is False
    x = v.counterexample.x
    assert v.counterexample.network == tuple(ref_eval(layers, x))
    assert v.counterexample.target[2] - v.counterexample.network[2] == F(1, 9)
    assert v.counterexample.target[:2] == v.counterexample.network[:2]


X, Y = sympy.symbols("x y")


@pytest.mark.parametrize(
    "e",
    [
        sympy.Max(X, Y),
        sympy.Min(X, Y),
        sympy.Abs(X - Y),
        sympy.Max(0, X, Y),
        sympy.Rational(1, 2) * sympy.Abs(X) - sympy.Min(Y, sympy.Rational(-1, 3)),
        sympy.Abs(X - Y) + sympy.Min(X, Y),
        sympy.Max(sympy.Abs(X), sympy.Abs(Y)),
    ],
)
def test_sympy_values_match_sympy(e):
    t = PWL.from_sympy(e, [X, Y])
    for p in ([1, 2], ["-1/2", "1/3"], [0, 0], ["7/5", "-9/4"], [-3, -3]):
        expected = e.subs({X: sympy.Rational(p[0]), Y: sympy.Rational(p[1])})
        assert t(p) == [F(int(expected.p), int(expected.q))]


def test_sympy_targets_certified():
    # |x - y| + min(x, y) = max(x, y)
    assert certified(net_of(MAX2), PWL.from_sympy(sympy.Abs(X - Y) + sympy.Min(X, Y), [X, Y]))
    assert certified(net_of(MAX2), PWL.from_sympy(sympy.Max(X, Y), [X, Y]), {"box": [[-1, 1], [0, 2]]})
    # min(x, y) = x - relu(x - y), with x = relu(x) - relu(-x)
    mn = [([[1, -1], [1, 0], [-1, 0]], [0, 0, 0]), ([[-1, 1, -1]], [0])]
    assert certified(net_of(mn), PWL.from_sympy(sympy.Min(X, Y), [X, Y]))
    pyr = PWL.from_sympy(1 - sympy.Max(sympy.Abs(X), sympy.Abs(Y)), [X, Y])
    assert certified(net_of(PYR_NET), pyr)
    # several outputs from a list
    a, b, c = sympy.symbols("a b c")
    three = PWL.from_sympy([sympy.Max(a, b, c), sympy.Abs(c)], [a, b, c])
    assert three.output_dim == 2
    assert three([1, 5, -7]) == [5, 7]
    assert not certify(net_of(MAX2), PWL.from_sympy(sympy.Max(X, Y + sympy.Rational(1, 100)), [X, Y])).holds


@pytest.mark.parametrize("e", [X * Y, sympy.exp(X), sympy.sin(X) + Y, sympy.sqrt(2) * X, sympy.Abs(X) ** 2])
def test_sympy_rejects_non_cpwl(e):
    with pytest.raises(InputError):
        PWL.from_sympy(e, [X, Y])


def test_network_target():
    # a network target (network-vs-network) evaluates like the network and certifies against
    # another network computing the same function: max(x1, x2) by min/abs formulas
    t = PWL.from_network(net_of(MAX2))
    for x in ([1, 2], ["-1/2", "-3/4"], ["7/3", 2]):
        assert t(x) == ref_eval(MAX2, x) == [max(F(x[0]), F(x[1]))]
    # max(x1, x2) = (x1 + x2 + |x1 - x2|)/2
    other = [
        ([[1, 0], [-1, 0], [0, 1], [0, -1], [1, -1], [-1, 1]], [0] * 6),
        ([["1/2", "-1/2", "1/2", "-1/2", "1/2", "1/2"]], [0]),
    ]
    assert certified(net_of(other), t)
    assert certified(net_of(other), net_of(MAX2), {"box": [[-1, 1], [-1, 1]]})
    # in the file formats: a pwl with a network, and a bare network file
    for d in (
        {"format": "exactpwl.pwl", "version": 1, "input_dim": 2, "network": _max2_dict()},
        _max2_dict(),
    ):
        t2 = PWL.from_dict(d)
        assert t2([3, "-1/2"]) == [3]
        assert certified(net_of(other), t2)
        assert certified(net_of(other), d)  # certify accepts the dict itself


def _max2_dict():
    return {
        "format": "exactpwl.network",
        "version": 1,
        "input_dim": 2,
        "layers": [
            {"weights": [[1, -1], [0, 1], [0, -1]], "biases": [0, 0, 0], "activation": "relu"},
            {"weights": [[1, 1, -1]], "biases": [0], "activation": "linear"},
        ],
    }


def test_from_dict_every_form_and_round_trip(tmp_path):
    forms = [
        ({"expr": "max(0, x1) - 0.5*abs(x1)"}, 1, {"-2": "-1", "4": "2"}),
        ({"expr": ["x1 + abs(x2)", "min(x1, 2*x2 - 1/3)"]}, 2, None),
        ({"breakpoints": BP}, 1, {"3": "2", "-1": "-2"}),
        ({"triangulation": {"points": SQUARE, "simplices": DIAG, "values": [0, 1, 1, 0]}}, 2, None),
        ({"pieces": RELU_PIECES}, 1, {"-3": "-3", "0.5": "0"}),
    ]
    for body, n, values in forms:
        d = {"format": "exactpwl.pwl", "version": 1, "input_dim": n, **body}
        t = PWL.from_dict(d)
        if values:
            for x, y in values.items():
                assert t([x]) == [F(y)]
        path = tmp_path / "t.json"
        path.write_text(json.dumps(d))
        t2 = PWL.load(path)
        t.save(tmp_path / "u.json")
        t3 = PWL.load(tmp_path / "u.json")
        pts = (["1/3", "2/5"], ["3/4", "1/8"], ["0.4", "0.6"]) if n == 2 else (["1/3"], ["-7/4"], ["2.5"])
        for x in pts:
            assert t(x) == t2(x) == t3(x)
    t = PWL.from_dict({"format": "exactpwl.pwl", "version": 1, "input_dim": 2, **forms[1][0]})
    assert t(["1/2", "-1"]) == [F(3, 2), F(-7, 3)]


# ============================================================================ bad targets


@pytest.mark.parametrize(
    "text",
    [
        "x1*x2",
        "exp(x1)",
        "y1 + x1",
        "foo(x1)",
        "x1 ** 2",
        "x1 / x2",
        "x3",
        "max(x1)",
        "abs(x1, x2)",
        "",
        "1/0",
        "x1 +",
        "sin(x1)",
        "x1; x2",
        "NaN",
        "inf",
    ],
)
def test_bad_expressions(text):
    with pytest.raises(InputError):
        PWL.from_expr(text, 2)
    with pytest.raises(InputError):
        certify(net_of(MAX2), text)


def test_no_code_is_executed(tmp_path):
    marker = tmp_path / "pwned"
    for text in (
        f"__import__('os').system('touch {marker}')",
        f"x1 + __import__('os').system('touch {marker}')",
        f"max(x1, eval(\"__import__('os').system('touch {marker}')\"))",
    ):
        with pytest.raises(InputError):
            PWL.from_expr(text, 2)
        with pytest.raises(InputError):
            PWL.from_dict({"format": "exactpwl.pwl", "version": 1, "input_dim": 2, "expr": text})
    assert not marker.exists()


def test_overlapping_simplices():
    # (0,0),(1,0),(1,1) and (0,0),(1,0),(0,1) share the triangle below both diagonals
    with pytest.raises(InputError, match="overlap") as e:
        PWL.from_triangulation(SQUARE, [[0, 1, 3], [0, 1, 2]], [0, 1, 1, 0])
    x1, x2 = named_point(str(e.value))
    # the named point is strictly inside both: x2 < x1 (first) and x1 + x2 < 1 (second), x2 > 0
    assert 0 < x2 < x1 and x1 + x2 < 1
    # the same triangle twice
    with pytest.raises(InputError, match="overlap"):
        PWL.from_triangulation(SQUARE, [[0, 1, 3], [3, 1, 0]], [0, 1, 1, 0])


@pytest.mark.parametrize(
    "points, simplices",
    [
        (SQUARE, [[0, 1, 1]]),  # a repeated vertex
        (SQUARE, [[0, 1]]),  # too few vertices
        (SQUARE, [[0, 1, 4]]),  # index out of range
    ],
)
def test_malformed_simplices(points, simplices):
    with pytest.raises(InputError):
        PWL.from_triangulation(points, simplices, [0] * len(points))


@pytest.mark.parametrize(
    "points, simplices, values",
    [
        ([[0, 0], [1, 0], [2, 0], [0, 1]], [[0, 1, 2]], [0, 1, 0, 0]),  # on a line: 0, 1, 0
        # (1/2, 1/2) halves the segment (0, 0) -- (1, 1): an affine value there is 1, not 3
        ([[0, 0], [1, 1], ["1/2", "0.5"], [0, 1]], [[0, 1, 2], [0, 1, 3]], [0, 2, 3, 0]),
        ([[0], [0]], [[0, 1]], [0, 1]),  # 1-D: one point with two values
    ],
)
def test_degenerate_simplex_whose_values_are_not_affine(points, simplices, values):
    with pytest.raises(InputError, match="simplex 1: .*not affine"):
        PWL.from_triangulation(points, simplices, values)


def test_degenerate_simplex_with_affine_values_is_read():
    # the same shapes with values of an affine function (x1 on the line x2 = 0, 2 x1 on the
    # diagonal, the constant 7 at the point 0): no facets, and evaluated by that function
    line = PWL.from_triangulation([[0, 0], [1, 0], [2, 0], [0, 1]], [[0, 1, 2]], [0, 1, 2, 0])
    assert line.pieces[0].rows is None and line(["3/2", 0]) == [F(3, 2)]
    with pytest.raises(InputError):
        line(["1/2", "1/2"])  # off the segment: outside every simplex
    diag = PWL.from_triangulation(
        [[0, 0], [1, 1], ["1/2", "0.5"], [0, 1]], [[0, 1, 2], [0, 1, 3]], [0, 2, 1, 0]
    )
    assert diag.pieces[0].rows is None and diag.pieces[1].rows is not None
    assert diag(["1/4", "1/4"]) == [F(1, 2)]  # in both simplices: 2 x1 on the diagonal
    point = PWL.from_triangulation([[0], [0]], [[0, 1]], [7, 7])
    assert point([0]) == [7]


def test_pieces_not_covering_names_a_point():
    half = [{"A": [[1]], "b": [0], "w": [[0]], "c": [0]}]  # only x <= 0
    for dom in ({"box": [[-1, 1]]}, None):
        with pytest.raises(InputError, match="cover") as e:
            certify(net_of(RELU), PWL.from_pieces(half, 1), dom)
        (x,) = named_point(str(e.value))
        assert x > 0  # a point no piece holds
    # 2-D: max(x1, x2) pieces cut to x1, x2 <= 1, on the box [-1, 2]^2
    cut = [dict(p, A=[*p["A"], [1, 0], [0, 1]], b=[*p["b"], 1, 1]) for p in MAX_PIECES]
    assert certified(net_of(MAX2), PWL.from_pieces(cut, 2), {"box": [[-1, 1], [-1, 1]]})
    with pytest.raises(InputError, match="cover") as e:
        certify(net_of(MAX2), PWL.from_pieces(cut, 2), {"box": [[-1, 2], [-1, 2]]})
    x1, x2 = named_point(str(e.value))
    assert max(x1, x2) > 1 and min(x1, x2) >= -1 and max(x1, x2) <= 2


@pytest.mark.parametrize(
    "pieces, n, net, on_jump",
    [
        # a jump at x = 0: 0 on the left, 1 on the right
        (
            [{"A": [[1]], "b": [0], "w": [[0]], "c": [0]}, {"A": [[-1]], "b": [0], "w": [[0]], "c": [1]}],
            1,
            RELU,
            lambda x: x[0] == 0,
        ),
        # relu on the left of x = 0 is right; x + 1 on the right jumps
        (
            [{"A": [[1]], "b": [0], "w": [[0]], "c": [0]}, {"A": [[-1]], "b": [0], "w": [[1]], "c": [1]}],
            1,
            RELU,
            lambda x: x[0] == 0,
        ),
        # 2-D: 0 for x1 <= 0 and x2 for x1 >= 0 disagree on the line x1 = 0 except at x2 = 0
        (
            [
                {"A": [[1, 0]], "b": [0], "w": [[0, 0]], "c": [0]},
                {"A": [[-1, 0]], "b": [0], "w": [[0, 1]], "c": [0]},
            ],
            2,
            [([[1, 0], [0, 1], [0, -1]], [0, 0, 0]), ([[0, 1, -1]], [0])],
            lambda x: x[0] == 0 and x[1] != 0,
        ),
    ],
)
def test_discontinuous_pieces_are_bad_input(pieces, n, net, on_jump):
    # FORMATS.md: the pieces must agree where they meet; a check names the place where they do
    # not.  A discontinuous target is bad input, not something to refute a network against.
    with pytest.raises(InputError, match="disagree") as e:
        certify(net_of(net), PWL.from_pieces(pieces, n), {"box": [[-1, 1]] * n})
    assert on_jump(named_point(str(e.value)))


IDENTITY = [([[1], [-1]], [0, 0]), ([[1, -1]], [0])]  # x = relu(x) - relu(-x)
OVERLAP = [  # {x <= 1}: x and {x >= 0}: 0 overlap on [0, 1] with different maps
    {"A": [[1]], "b": [1], "w": [[1]], "c": [0]},
    {"A": [[-1]], "b": [0], "w": [[0]], "c": [0]},
]


@pytest.mark.parametrize("domain", [{"box": [[-1, 1]]}, {"box": [[-1, 2]]}, None])
def test_overlapping_pieces_with_different_maps_are_bad_input(domain):
    # the network is x, which matches piece 1 wherever piece 1 alone holds; on [0, 1] the two
    # pieces claim different values: bad input, whatever else the walk meets
    with pytest.raises(InputError, match="disagree") as e:
        certify(net_of(IDENTITY), PWL.from_pieces(OVERLAP, 1), domain)
    (x,) = named_point(str(e.value))
    assert 0 < x <= 1  # both pieces hold (x <= 1, x >= 0) and x != 0
    assert f"({x} against 0)" in str(e.value)


# ============================================================================ lower-dimensional pieces
# FORMATS.md: pieces must agree where they meet, whatever their dimension.  A piece that is a
# point, a segment or a half-line and disagrees with its neighbours is bad input naming a point
# where two pieces both hold and differ; one that agrees is fine (and its certificate checks).


def issue_pieces(at_zero) -> list:
    """Issue 7: relu(x) as two half-lines, plus the point {0} with value ``at_zero``."""
    return [
        {"A": [[1], [-1]], "b": [0, 0], "w": [[0]], "c": [at_zero]},
        {"A": [[1]], "b": [0], "w": [[0]], "c": [0]},
        {"A": [[-1]], "b": [0], "w": [[1]], "c": [0]},
    ]


@pytest.mark.parametrize("domain", [None, {"box": [[-1, 1]]}])
def test_point_piece_that_disagrees_is_bad_input(domain):
    # at x = 0 the point piece says 5, the half-line x <= 0 says 0 (and x >= 0 says 0 too)
    with pytest.raises(InputError, match="disagree") as e:
        certify(net_of(RELU), PWL.from_pieces(issue_pieces(5), 1), domain)
    assert named_point(str(e.value)) == (0,)
    assert "(5 against 0)" in str(e.value)


def test_point_piece_that_agrees_is_fine():
    # the same pieces with value 0 = relu(0) at the point: certified, z3 agrees, the certificate checks
    for domain in (None, {"box": [[-1, 1]]}, {"A": [[1], [-2]], "b": [3, 1]}):
        assert certified(net_of(RELU), PWL.from_pieces(issue_pieces(0), 1), domain)


def test_z3_finds_the_disagreeing_point():
    from exactpwl.smt import z3_counterexample, z3_differs

    # the only point where two pieces both hold and differ is x = 0 (5 against 0)
    assert z3_counterexample(net_of(RELU), PWL.from_pieces(issue_pieces(5), 1)) == (F(0),)
    assert z3_differs(net_of(RELU), PWL.from_pieces(issue_pieces(0), 1)) is False


# 2-D: relu(x1) as the half-planes x1 <= 0 (value 0) and x1 >= 0 (value x1), plus a piece on the
# line x1 = 0: there both half-planes give 0
HALF_PLANES = [
    {"A": [[1, 0]], "b": [0], "w": [[0, 0]], "c": [0]},
    {"A": [[-1, 0]], "b": [0], "w": [[1, 0]], "c": [0]},
]
RELU_X1 = [([[1, 0]], [0]), ([[1]], [0])]
SEGMENT = {"A": [[1, 0], [-1, 0], [0, 1], [0, -1]], "b": [0, 0, 1, 0]}  # x1 = 0, 0 <= x2 <= 1
HALF_LINE = {"A": [[1, 0], [-1, 0], [0, -1]], "b": [0, 0, 0]}  # x1 = 0, x2 >= 0


@pytest.mark.parametrize("shape", [SEGMENT, HALF_LINE])
@pytest.mark.parametrize("domain", [None, {"box": [[-1, 1], [-1, 1]]}])
def test_segment_or_half_line_piece_that_disagrees(shape, domain):
    # value x2 on the piece: differs from 0 wherever x2 > 0 on it
    pieces = [*HALF_PLANES, {**shape, "w": [[0, 1]], "c": [0]}]
    with pytest.raises(InputError, match="disagree") as e:
        certify(net_of(RELU_X1), PWL.from_pieces(pieces, 2), domain)
    x1, x2 = named_point(str(e.value))
    top = 1 if shape is SEGMENT or domain else None
    assert x1 == 0 and x2 > 0 and (top is None or x2 <= top)
    assert f"({x2} against 0)" in str(e.value) or f"(0 against {x2})" in str(e.value)


@pytest.mark.parametrize("shape", [SEGMENT, HALF_LINE])
def test_segment_or_half_line_piece_that_agrees(shape):
    # value 3 x1 on the line x1 = 0 is 0 there, like both half-planes
    pieces = [*HALF_PLANES, {**shape, "w": [[3, 0]], "c": [0]}]
    for domain in (None, {"box": [[-1, 1], [-1, 1]]}, {"A": [[1, 1], [-1, 0], [0, -1]], "b": [1, 1, 1]}):
        assert certified(net_of(RELU_X1), PWL.from_pieces(pieces, 2), domain)


def diagonal_triangulation(value, points=((0, 0), (1, 1), ("1/2", "1/2"))) -> PWL:
    """|x1 - x2| on the unit square (two triangles along the diagonal) and a degenerate simplex on
    the diagonal through copies of ``points`` with ``value`` at each (|x1 - x2| is 0 there)."""
    pts = [*SQUARE, *[list(p) for p in points]]
    simplices = [[0, 1, 3], [0, 2, 3], [4, 5, 6]]
    return PWL.from_triangulation(pts, simplices, [0, 1, 1, 0, value, value, value])


def test_degenerate_simplex_that_agrees():
    t = diagonal_triangulation(0)
    assert t.pieces[2].rows is None
    for domain in ({"box": [[0, 1], [0, 1]]}, {"A": [[-1, 0], [0, -1], [1, 1]], "b": [0, 0, 1]}):
        assert certified(net_of(ABS_DIFF), t, domain)
    # the segment may also stick out of the square, where no full simplex holds: it meets none there
    assert certified(net_of(ABS_DIFF), diagonal_triangulation(0, ((-1, -1), (1, 1), (0, 0))), SQUARE_BOX)


def test_degenerate_simplex_that_disagrees():
    t = diagonal_triangulation(1)  # affine on the diagonal (constant 1), but |x1 - x2| is 0 there
    with pytest.raises(InputError, match="simplices . and 3 .*disagree") as e:
        certify(net_of(ABS_DIFF), t, SQUARE_BOX)
    x1, x2 = named_point(str(e.value))
    assert x1 == x2 and 0 <= x1 <= 1 and "(0 against 1)" in str(e.value)
    from exactpwl.smt import z3_differs

    assert z3_differs(net_of(ABS_DIFF), t, SQUARE_BOX) is True


def test_degenerate_simplex_in_one_dimension():
    # 1-D: a simplex is a segment; two copies of the point 1 make a degenerate simplex {1}
    pts, simplices = [[0], [1], [2], [1], [1]], [[0, 1], [1, 2], [3, 4]]
    tent = [([[1], [1]], [0, -1]), ([[1, -2]], [0])]  # relu(x) - 2 relu(x - 1): 0, 1, 0 at 0, 1, 2
    assert certified(net_of(tent), PWL.from_triangulation(pts, simplices, [0, 1, 0, 1, 1]), {"box": [[0, 2]]})
    with pytest.raises(InputError, match="disagree") as e:
        certify(net_of(tent), PWL.from_triangulation(pts, simplices, [0, 1, 0, 2, 2]), {"box": [[0, 2]]})
    assert named_point(str(e.value)) == (1,)


def test_wrong_dimensions():
    with pytest.raises(InputError):
        PWL.from_expr("x1 + x3", 2)
    with pytest.raises(InputError):
        certify(net_of(MAX2), PWL.from_expr("x1", 1))  # 1 input, the network has 2
    with pytest.raises(InputError):
        certify(net_of(MAX2), ["x1", "x2"])  # 2 outputs, the network has 1
    with pytest.raises(InputError):
        certify(net_of(RELU), PWL.from_breakpoints(BP), {"box": [[0, 1], [0, 1]]})  # a 2-D domain
    with pytest.raises(InputError):
        PWL.from_pieces([{"A": [[1, 0]], "b": [0], "w": [[1]], "c": [0]}], 2)  # w row too short
    with pytest.raises(InputError):
        PWL.from_pieces([{"A": [[1]], "b": [0], "w": [[1, 1]], "c": [0]}], 2)  # A row too short
    with pytest.raises(InputError):
        PWL.from_pieces(
            [
                {"A": [[1]], "b": [0], "w": [[0]], "c": [0]},
                {"A": [[-1]], "b": [0], "w": [[1], [1]], "c": [0, 0]},
            ],
            1,
        )  # one output, then two
    with pytest.raises(InputError):
        PWL.from_triangulation([[0, 0], [1, 0], [0]], [[0, 1, 2]], [0, 0, 0])  # a point in R^1
    with pytest.raises(InputError):
        PWL.from_triangulation(SQUARE, DIAG, [0, 1, 1])  # a value missing
    with pytest.raises(InputError):
        PWL.from_triangulation(SQUARE, DIAG, [[0, 1], 1, 1, 0])  # outputs differ
    with pytest.raises(InputError):
        PWL.from_expr("max(0, x1, x2)", 2)([1])  # evaluation at a point of R^1
    base = {"format": "exactpwl.pwl", "version": 1}
    for d in (
        {**base, "input_dim": 2, "breakpoints": BP},
        {**base, "input_dim": 1, "expr": "x2"},
        {
            **base,
            "input_dim": 3,
            "triangulation": {"points": SQUARE, "simplices": DIAG, "values": [0, 1, 1, 0]},
        },
        {**base, "input_dim": 1, "network": _max2_dict()},
        {**base, "input_dim": 0, "expr": "1"},
    ):
        with pytest.raises(InputError):
            PWL.from_dict(d)


@pytest.mark.parametrize(
    "d",
    [
        {"format": "exactpwl.pwl", "version": 1, "input_dim": 1, "expr": "x1", "foo": 1},
        {"format": "exactpwl.pwl", "version": 1, "input_dim": 1, "expr": "x1", "breakpoints": BP},
        {"format": "exactpwl.pwl", "version": 1, "input_dim": 1},
        {"format": "exactpwl.pwl", "version": 2, "input_dim": 1, "expr": "x1"},
        {"format": "exactpwl.pwl", "version": "1", "input_dim": 1, "expr": "x1"},
        {"format": "exactpwl.pwl", "version": True, "input_dim": 1, "expr": "x1"},
        {"format": "exactpwl.pwl", "input_dim": 1, "expr": "x1"},
        {"format": "exactpwl.pwll", "version": 1, "input_dim": 1, "expr": "x1"},
        {"version": 1, "input_dim": 1, "expr": "x1"},
        {
            "format": "exactpwl.pwl",
            "version": 1,
            "input_dim": 2,
            "triangulation": {"points": SQUARE, "simplices": DIAG, "values": [0, 1, 1, 0], "extra": 1},
        },
        {
            "format": "exactpwl.pwl",
            "version": 1,
            "input_dim": 1,
            "pieces": [{"A": [[1]], "b": [0], "w": [[0]], "c": [0], "d": [0]}],
        },
        {"format": "exactpwl.pwl", "version": 1, "input_dim": 1, "breakpoints": [[0, "NaN"], [1, 1]]},
        {"format": "exactpwl.pwl", "version": 1, "input_dim": 1, "breakpoints": [[0, 0], [0, 1]]},
        {"format": "exactpwl.pwl", "version": 1, "input_dim": 1, "breakpoints": [[0, "1/0"], [1, 1]]},
        {"format": "exactpwl.pwl", "version": 1, "input_dim": 2, "network": {**_max2_dict(), "foo": 1}},
        [1, 2],
    ],
)
def test_malformed_target_dicts(d):
    with pytest.raises(InputError):
        PWL.from_dict(d)
