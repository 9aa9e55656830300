"""Tests of exactpwl.numbers: exact parsing of every number form of FORMATS.md, and bad input.

Expected values are written by hand (``Fraction(1, 8)`` for ``"0.125"``) or computed with
``fractions.Fraction`` in the test, never with the code under test.
"""

from __future__ import annotations

import json
import math
import random
from fractions import Fraction

import numpy as np
import pytest
import sympy
from flint import fmpq, fmpz

from exactpwl.errors import InputError
from exactpwl.numbers import format_number, load_json, parse_number, primitive_row, snap_point, to_fmpq


def F(q) -> Fraction:
    """fmpq (or int) -> Fraction, for comparing with hand-written Fractions (fmpq != Fraction)."""
    assert isinstance(q, (fmpq, int)), type(q)
    if isinstance(q, int):
        return Fraction(q)
    return Fraction(int(q.p), int(q.q))


def one_line_error(excinfo, *needles: str) -> str:
    msg = str(excinfo.value)
    assert msg, "empty error message"
    assert "\n" not in msg, f"message is not one line: {msg!r}"
    for needle in needles:
        assert needle in msg, f"{needle!r} not in {msg!r}"
    return msg


# ----------------------------------------------------------------------------- parse_number
@pytest.mark.parametrize(
    "text, expected",
    [
        ("3", Fraction(3)),
        ("-2", Fraction(-2)),
        ("+7", Fraction(7)),
        ("0", Fraction(0)),
        ("-0", Fraction(0)),
        ("-1/2", Fraction(-1, 2)),
        ("-2/6", Fraction(-1, 3)),  # reduced
        ("4/2", Fraction(2)),
        ("0/5", Fraction(0)),
        ("0.125", Fraction(1, 8)),
        ("0.1", Fraction(1, 10)),  # exactly 1/10, not the binary float
        ("-0.75", Fraction(-3, 4)),
        ("1e-3", Fraction(1, 1000)),
        ("1E3", Fraction(1000)),
        ("1.5e2", Fraction(150)),
        ("2.5e-1", Fraction(1, 4)),
        ("-1.25e+1", Fraction(-25, 2)),
        (".5", Fraction(1, 2)),
        ("5.", Fraction(5)),
        ("  3  ", Fraction(3)),  # surrounding blanks are ignored
        ("123456789012345678901234567890", Fraction(123456789012345678901234567890)),
        ("0.000000000000000000000000000001", Fraction(1, 10**30)),
        ("1e300", Fraction(10**300)),
    ],
)
def test_parse_number_good(text, expected):
    q = parse_number(text)
    assert isinstance(q, fmpq)
    assert F(q) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "abc",
        "0x10",
        "1/0",
        "-3/0",
        "NaN",
        "nan",
        "Infinity",
        "-Infinity",
        "inf",
        "1/2/3",
        "1..2",
        "1.2.3",
        "1e",
        "e5",
        "--1",
        "1 2",
        "1_000",
        "3x",
        "1/",
        "/2",
        "1.5/2",
        "1e100000",  # huge exponent: a "huge request", not a number to build
        "1e-100000",
    ],
)
def test_parse_number_bad(text):
    with pytest.raises(InputError) as ei:
        parse_number(text, "weights of layer 7")
    one_line_error(ei, "weights of layer 7")


def test_parse_number_huge_digit_count_is_input_error():
    """A numeral longer than Python's int-from-str limit (4300 digits) is bad input, not a crash.

    Currently the ValueError from int() escapes unwrapped (see the report).
    """
    for text in ("1" * 5000, "1" * 5000 + "/3", "0." + "1" * 5000):
        with pytest.raises(InputError) as ei:
            parse_number(text, "entry 3")
        one_line_error(ei, "entry 3")


# ----------------------------------------------------------------------------- to_fmpq
def test_to_fmpq_float_is_exact_binary_value():
    # 0.1 as an IEEE double is exactly 3602879701896397 / 2**55
    assert 2**55 == 36028797018963968
    q = to_fmpq(0.1)
    assert F(q) == Fraction(3602879701896397, 36028797018963968)
    assert F(q) != Fraction(1, 10)
    assert F(to_fmpq(0.5)) == Fraction(1, 2)
    assert F(to_fmpq(-0.375)) == Fraction(-3, 8)
    assert F(to_fmpq(1e300)) == Fraction(int(1e300))  # int() of a float is exact


@pytest.mark.parametrize(
    "value, expected",
    [
        (3, Fraction(3)),
        (-2, Fraction(-2)),
        (10**40, Fraction(10**40)),
        ("-1/2", Fraction(-1, 2)),
        ("0.125", Fraction(1, 8)),
        ("1e-3", Fraction(1, 1000)),
        (Fraction(-6, 4), Fraction(-3, 2)),
        (fmpq(2, 3), Fraction(2, 3)),
        (fmpz(5), Fraction(5)),
        (sympy.Rational(1, 3), Fraction(1, 3)),
        (sympy.Integer(-4), Fraction(-4)),
        (np.int64(7), Fraction(7)),
        (np.float64(0.25), Fraction(1, 4)),
    ],
)
def test_to_fmpq_good(value, expected):
    q = to_fmpq(value)
    assert isinstance(q, fmpq)
    assert F(q) == expected


@pytest.mark.parametrize(
    "value",
    [
        float("nan"),
        float("inf"),
        float("-inf"),
        np.float64("nan"),
        True,
        False,
        np.bool_(True),
        None,
        [1],
        (1, 2),
        {"a": 1},
        complex(1, 0),
        sympy.sqrt(2),
        sympy.Float(0.5),  # a sympy float is not a rational
        "",
        "1/0",
        "abc",
        "0x10",
        "NaN",
        "Infinity",
        "1e99999",
    ],
)
def test_to_fmpq_bad(value):
    with pytest.raises(InputError) as ei:
        to_fmpq(value, "layer 2 biases, entry 1")
    one_line_error(ei, "layer 2 biases, entry 1")


# ----------------------------------------------------------------------------- format_number
@pytest.mark.parametrize(
    "value, text",
    [
        (fmpq(-1, 2), "-1/2"),
        (fmpq(3), "3"),
        (fmpq(0), "0"),
        (fmpq(-6, 4), "-3/2"),
        (Fraction(6, 4), "3/2"),
        (7, "7"),
        ("0.125", "1/8"),
        ("1e-3", "1/1000"),
        ("-2/6", "-1/3"),
        (0.5, "1/2"),
        (0.1, "3602879701896397/36028797018963968"),
        (10**30, "1" + "0" * 30),
    ],
)
def test_format_number(value, text):
    assert format_number(value) == text


def test_format_number_round_trip_random():
    rng = random.Random(1)
    for _ in range(300):
        p = rng.randint(-(10**12), 10**12)
        q = rng.randint(1, 10**9)
        expected = Fraction(p, q)
        s = format_number(fmpq(p, q))
        # the text is the canonical p/q of Fraction (Fraction's str is "p/q" or "p")
        assert s == str(expected)
        assert F(parse_number(s)) == expected


def test_format_number_of_large_accepted_number():
    """Every number parse_number accepts must also be printable by format_number.

    The exponent limit is 10000, so "1e5000" is accepted today; its exact text is 1 followed by
    5000 zeros.  Currently format_number raises Python's int-to-str ValueError for it (see the
    report).  Rejecting such numbers with InputError at parse time would also be consistent.
    """
    checked = 0
    for e in (10, 4299, 4300, 5000, 9999):
        try:
            q = parse_number(f"1e{e}")
        except InputError:
            continue
        assert format_number(q) == "1" + "0" * e
        assert format_number(-q) == "-1" + "0" * e
        checked += 1
    assert checked >= 1  # 1e10 is certainly accepted


def test_format_number_bad():
    with pytest.raises(InputError):
        format_number("abc")
    with pytest.raises(InputError):
        format_number(float("nan"))


# ----------------------------------------------------------------------------- primitive_row
@pytest.mark.parametrize(
    "coeffs, rhs, expected",
    [
        ([2, 4], 6, ((1, 2), 3)),
        ([-2, 4], -6, ((-1, 2), -3)),  # positive scaling only: signs kept
        (["1/2", "1/3"], "1/6", ((3, 2), 1)),  # times 6
        (["0.5", "-1.5"], "2", ((1, -3), 4)),  # times 2
        ([3, 0], 0, ((1, 0), 0)),
        ([0, 5], 10, ((0, 1), 2)),
        ([2, 0], 1, ((2, 0), 1)),  # gcd(2, 0, 1) = 1: unchanged
        ([0, 0], 0, ((0, 0), 0)),
        ([0, 0], -4, ((0, 0), -1)),
        ([Fraction(-3, 4), fmpq(3, 2)], 3, ((-1, 2), 4)),  # times 4/3
    ],
)
def test_primitive_row_by_hand(coeffs, rhs, expected):
    a, b = primitive_row(coeffs, rhs)
    assert (tuple(a), b) == expected
    assert all(type(v) is int for v in a) and type(b) is int


def test_primitive_row_random_scalings_agree():
    """Positive multiples of one row have one primitive row; it is coprime and a positive multiple."""
    rng = random.Random(2)
    for _ in range(200):
        n = rng.randint(1, 4)
        row = [Fraction(rng.randint(-9, 9), rng.randint(1, 6)) for _ in range(n + 1)]
        if not any(row):
            continue
        s = Fraction(rng.randint(1, 50), rng.randint(1, 50))
        a1, b1 = primitive_row(row[:-1], row[-1])
        a2, b2 = primitive_row([s * v for v in row[:-1]], s * row[-1])
        assert (tuple(a1), b1) == (tuple(a2), b2)
        ints = list(a1) + [b1]
        assert math.gcd(*ints) == 1
        # positive multiple: one common ratio, > 0
        ratios = {Fraction(v) / r for v, r in zip(ints, row) if r != 0}
        assert len(ratios) == 1 and ratios.pop() > 0
        assert all(v == 0 for v, r in zip(ints, row) if r == 0)


def test_primitive_row_bad_entry():
    with pytest.raises(InputError):
        primitive_row(["abc", 1], 1)
    with pytest.raises(InputError):
        primitive_row([1, 1], float("inf"))


# ----------------------------------------------------------------------------- load_json
def test_load_json_number_forms():
    data = load_json('{"a": 0.1, "b": 1e-3, "c": 3, "d": -2, "e": "-1/2", "f": [2.50, -0.0, 1E2]}')
    assert isinstance(data["a"], fmpq) and F(data["a"]) == Fraction(1, 10)  # JSON 0.1 is exactly 1/10
    assert isinstance(data["b"], fmpq) and F(data["b"]) == Fraction(1, 1000)
    assert data["c"] == 3 and type(data["c"]) is int
    assert data["d"] == -2 and type(data["d"]) is int
    assert data["e"] == "-1/2"  # strings stay strings; to_fmpq reads them later
    assert [F(v) for v in data["f"]] == [Fraction(5, 2), Fraction(0), Fraction(100)]


def test_load_json_and_to_fmpq_agree_with_decimal_text():
    rng = random.Random(3)
    for _ in range(100):
        whole = rng.randint(-999, 999)
        frac = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 12)))
        exp = rng.randint(-20, 20)
        text = f"{whole}.{frac}e{exp}"
        # independent exact value of the decimal text
        digits = int(str(abs(whole)) + frac) * (-1 if whole < 0 else 1)
        e = exp - len(frac)
        expected = Fraction(digits) * (Fraction(10) ** e)
        assert F(load_json(f"[{text}]")[0]) == expected
        assert F(to_fmpq(text)) == expected


def test_load_json_matches_json_module_on_plain_data():
    text = '{"x": [1, 2, {"y": "s", "z": null, "t": true}], "u": false}'
    assert load_json(text) == json.loads(text)


@pytest.mark.parametrize(
    "text",
    [
        '{"w": NaN}',
        "[Infinity]",
        "[-Infinity]",
        "[1e99999]",  # huge exponent
        "[" + "7" * 5000 + "]",  # integer literal longer than the int-from-str limit
        "[1,",
        "[1]]",
        "{'a': 1}",
        '{"a" 1}',
        "",
        "   ",
        "[" * 100000 + "]" * 100000,  # too deep
    ],
)
def test_load_json_bad(text):
    with pytest.raises(InputError) as ei:
        load_json(text, "net.json")
    one_line_error(ei, "net.json")


def test_load_json_malformed_names_line_and_column():
    with pytest.raises(InputError) as ei:
        load_json('{"a": 1,\n  "b": }', "my/file.json")
    # the bad token "}" is on line 2, column 8
    one_line_error(ei, "my/file.json", "line 2", "column 8")


# ----------------------------------------------------------------------------- snap_point
BOX01 = [((1, 0), 1), ((-1, 0), 0), ((0, 1), 1), ((0, -1), 0)]  # 0 <= x, y <= 1


def strictly_inside(x, rows) -> bool:
    return all(sum(Fraction(ai) * xi for ai, xi in zip(a, x)) < b for a, b in rows)


def test_snap_point_by_hand():
    # snap_point tries the nearest point of the grid (1/D) Z^n for D = 1, 2, 4, 8, 16, ...
    # center (49/100, 51/100) in the open unit square: the nearest integer point (0, 1) is on the
    # boundary, so D = 1 fails; D = 2 gives (1/2, 1/2), strictly inside.
    p = snap_point((fmpq(49, 100), fmpq(51, 100)), BOX01)
    assert [F(v) for v in p] == [Fraction(1, 2), Fraction(1, 2)]
    # (1/3, 2/3): D = 1 gives (0, 1) (boundary), D = 2 gives (1/2, 1/2), inside
    p = snap_point((fmpq(1, 3), fmpq(2, 3)), BOX01)
    assert [F(v) for v in p] == [Fraction(1, 2), Fraction(1, 2)]
    # a thin strip 0 < x < 1/10 around x = 1/20: D = 1, 2, 4, 8 round to 0 (boundary);
    # D = 16 rounds 16/20 to 1, and 1/16 < 1/10 fits
    strip = [((10,), 1), ((-1,), 0)]
    p = snap_point((fmpq(1, 20),), strip)
    assert [F(v) for v in p] == [Fraction(1, 16)]


def test_snap_point_returns_center_when_nothing_simpler_fits():
    # 0 < x < 10^-30: every grid point tried (D <= 2^20) is 0, on the boundary
    tiny = 10**30
    rows = [((tiny,), 1), ((-1,), 0)]
    center = (fmpq(1, 2 * tiny),)
    p = snap_point(center, rows)
    assert [F(v) for v in p] == [Fraction(1, 2 * tiny)]


def test_snap_point_random_is_strictly_inside():
    rng = random.Random(4)
    for _ in range(200):
        n = rng.randint(1, 3)
        center = [Fraction(rng.randint(-1000, 1000), rng.randint(1, 997)) for _ in range(n)]
        rows = []
        for _ in range(rng.randint(1, 6)):
            a = tuple(rng.randint(-5, 5) for _ in range(n))
            if not any(a):
                continue
            # the smallest integer b with a.center < b: the margin b - a.center is in (0, 1]
            val = sum(ai * ci for ai, ci in zip(a, center))
            b = math.floor(val) + 1
            rows.append((a, b))
        assert strictly_inside(center, rows)
        p = snap_point(tuple(fmpq(c.numerator, c.denominator) for c in center), rows)
        assert len(p) == n
        assert strictly_inside([F(v) for v in p], rows)


def test_int_texts_takes_only_plain_integers():
    from exactpwl.numbers import int_texts

    assert int_texts(["-3", "40", 5, "0"]) == [-3, 40, 5, 0]
    # anything else is left to to_fmpq (which parses or rejects it with its own message)
    for other in (["1/2"], [" 1"], ["1_000"], [True], ["\uff11"], ["1.0"], [1.0], ["+1"], [""]):
        assert int_texts(["2", *other]) is None, other
