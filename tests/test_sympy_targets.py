"""sympy targets: Max/Min/Abs expressions and Piecewise with linear branches (pieces)."""

from __future__ import annotations

import re
from fractions import Fraction

import pytest
import sympy

from exactpwl import PWL, InputError, Network, certify, check_certificate

x, y = sympy.symbols("x y")

RELU = Network.from_layers([([[1]], [0]), ([[1]], [0])])
# max(0, x1, x2) = relu(relu(x1) - relu(-x1) + relu(x2 - x1))
MAX3 = Network.from_layers([([[1, 0], [-1, 0], [-1, 1]], [0, 0, 0]), ([[1, -1, 1]], [0]), ([[1]], [0])])


def test_piecewise_relu_values_and_certificate():
    t = PWL.from_sympy(sympy.Piecewise((0, x < 0), (x, True)), [x])
    assert t.kind == "pieces"
    assert t([3]) == [Fraction(3)] and t(["-1/2"]) == [Fraction(0)]  # by hand: relu
    v = certify(RELU, t)
    assert v.holds is True
    assert check_certificate(v.certificate()).valid


def test_piecewise_with_and_conditions_equals_max3():
    # max(0, x, y) by cases: x where x >= y and x >= 0; y where y >= x and y >= 0; else 0.  The
    # else-branch's choice "x < y and y < x" is empty: no piece (its closure, the line x = y
    # with value 0, would disagree with x at (1, 1))
    pw = sympy.Piecewise((x, sympy.And(x >= y, x >= 0)), (y, sympy.And(y >= x, y >= 0)), (0, True))
    t = PWL.from_sympy(pw, [x, y])
    assert t([2, -5]) == [Fraction(2)] and t([-1, 3]) == [Fraction(3)] and t([-1, -2]) == [Fraction(0)]
    assert certify(MAX3, t).holds is True


def test_piecewise_wrong_case_is_refuted_with_an_exact_witness():
    # relu(x) by cases is continuous but is not max(0, x, y): they differ exactly where y > max(0, x)
    v = certify(MAX3, PWL.from_sympy(sympy.Piecewise((x, x >= 0), (0, True)), [x, y]))
    assert v.holds is False
    cx = v.counterexample
    assert cx.x[1] > max(0, cx.x[0])
    assert cx.network == (cx.x[1],) and cx.target == (max(Fraction(0), cx.x[0]),)


def test_discontinuous_piecewise_is_bad_input():
    # x + y on the negative quadrant does not meet x (= 0 on x = 0) where y < 0: a jump
    pw = sympy.Piecewise((x, sympy.And(x >= y, x >= 0)), (y, sympy.And(y >= x, y >= 0)), (x + y, True))
    with pytest.raises(InputError, match="disagree") as e:
        certify(MAX3, PWL.from_sympy(pw, [x, y]))
    # the named point is where the branches meet and their formulas differ
    p, q = (sympy.Rational(v) for v in re.search(r"at \(([^)]*)\)", str(e.value)).group(1).split(","))
    values = {
        pw.args[k][0].subs({x: p, y: q}) for k in range(3) if k == 2 or pw.args[k][1].subs({x: p, y: q})
    }
    assert len(values) > 1, (p, q, values)


def test_strict_conditions_leave_the_diagonal_to_the_else_branch():
    # With strict conditions neither x > y nor y > x holds on the line x = y: sympy gives the
    # else-branch, 0, there, a lower-dimensional piece that disagrees with max(x, y) > 0 on the
    # diagonal's positive half.  A target that is not a function is bad input, naming the place.
    pw = sympy.Piecewise((x, sympy.And(x > y, x > 0)), (y, sympy.And(y > x, y > 0)), (0, True))
    assert pw.subs({x: 1, y: 1}) == 0 and pw.subs({x: 2, y: 1}) == 2
    with pytest.raises(InputError, match="disagree") as e:
        certify(MAX3, PWL.from_sympy(pw, [x, y]))
    p, q = (sympy.Rational(v) for v in re.search(r"at \(([^)]*)\)", str(e.value)).group(1).split(","))
    assert p == q > 0 and pw.subs({x: p, y: q}) == 0


def test_max_min_abs_expressions():
    t = PWL.from_sympy(sympy.Max(0, x, y), [x, y])
    assert certify(MAX3, t).holds is True
    t2 = PWL.from_sympy([sympy.Abs(x - y), sympy.Min(x, y)], [x, y])
    assert t2([1, 4]) == [Fraction(3), Fraction(1)]  # |1 - 4| = 3, min = 1


@pytest.mark.parametrize(
    "expr, needle",
    [
        (sympy.Piecewise((x * y, x < 0), (x, True)), "not linear"),
        (sympy.Piecewise((x, sympy.Eq(x, 0)), (0, True)), "not an inequality"),
        (sympy.Piecewise((x, x**2 < 1), (0, True)), "not linear"),
        (sympy.exp(x), "not a piecewise-linear"),
        (x * y, "piecewise linear"),
    ],
)
def test_bad_sympy_targets(expr, needle):
    with pytest.raises(InputError) as e:
        PWL.from_sympy(expr, [x, y])
    assert needle in str(e.value) and "\n" not in str(e.value)
