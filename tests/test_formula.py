"""exactpwl.formula: the derivation vocabulary prints the same object as text and as LaTeX."""

from __future__ import annotations

import pickle
from fractions import Fraction as F

import sympy
from sympy import Function, Piecewise, Sum

from exactpwl.formula import (
    DOTS,
    Chain,
    IndexRange,
    MaxOf,
    Notation,
    Qualified,
    Relu,
    affine,
    evaluate,
    ix,
    sym,
    text,
    word,
)
from exactpwl.latex import latex


def test_hinge_formula_in_both_languages():
    x, i, k, f = sym("x"), sym("i"), sym("k"), Function("f")
    with evaluate(False):
        e = sympy.Eq(
            f(x), f(ix("x", 0)) + Sum((ix("s", i) - ix("s", i - 1)) * Relu(x - ix("x", i)), (i, 1, k))
        )
    assert text(e) == "f(x) = f(x_0) + sum_{i=1}^{k} (s_i - s_{i-1})*relu(x - x_i)"
    assert latex(e) == (
        r"f{\left(x \right)} = f{\left({x}_{0} \right)} + \sum_{i=1}^{k} \left({s}_{i} - {s}_{i - 1}\right)"
        r" \operatorname{ReLU}\left(x - {x}_{i}\right)"
    )


def test_shapes():
    i, k = sym("i"), sym("k")
    with evaluate(False):
        chain = Chain("<", ix("x", 0), ix("x", 1), DOTS, ix("x", k + 1))
        q = Qualified(sympy.Eq(ix("d", i), ix("s", i) - ix("s", i - 1)), IndexRange(i, 1, k))
    assert text(chain) == "x_0 < x_1 < ... < x_{k+1}"
    assert latex(chain) == r"{x}_{0} < {x}_{1} < \dots < {x}_{k + 1}"
    assert text(q) == "d_i = s_i - s_{i-1},  i = 1..k"
    assert latex(q).endswith(r"\quad i = 1, \dots, k")
    s, t = sym("s"), sym("t")
    pw = Piecewise((0, s <= 0), (s, s <= t), (t, True))
    assert text(pw) == "0 if s <= 0; s if s <= t; t otherwise"
    assert text(MaxOf(sym("b"), sym("a"))) == "max(b, a)"  # the order as written, unlike sympy's Max


def test_affine_forms_are_exact_and_ordered():
    assert text(affine([1, "-1/2", 0], F(2, 3))) == "x1 - 1/2*x2 + 2/3"
    assert latex(affine([1, "-1/2", 0], F(2, 3))) == r"x_{1} - \frac{1}{2} x_{2} + \frac{2}{3}"
    assert text(affine([0, 0], 0)) == "0" and text(affine([-1], 0)) == "-x1"


def test_relu_of_a_number_evaluates():
    assert Relu(-2) == 0 and Relu(sympy.Rational(3, 2)) == sympy.Rational(3, 2)


def test_notations_print_their_two_forms_and_pickle():
    a = Notation("A^-1", "A^{-1}")
    assert text(a) == "A^-1" and latex(a) == "A^{-1}"
    assert latex(word("hidden units")) == r"\text{hidden units}"
    b = pickle.loads(pickle.dumps(a))
    assert b == a and latex(b) == "A^{-1}"
