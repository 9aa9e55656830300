"""Exact numbers: the one place that turns user numbers into rationals and back.

Every number in exactpwl is a python-flint ``fmpq``.  Text is read exactly: ``"0.1"`` is 1/10,
``"1e-3"`` is 1/1000, ``"-2/6"`` is -1/3.  A Python ``float`` given through the API is taken at
its exact binary value (``0.1`` is 3602879701896397/36028797018963968); a JSON number is read
from its decimal text, so ``0.1`` in a JSON file is 1/10.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from fractions import Fraction
from numbers import Rational
from typing import Any

from flint import fmpq, fmpz

from .errors import InputError

__all__ = [
    "to_fmpq",
    "parse_number",
    "to_fraction",
    "format_number",
    "to_sympy",
    "primitive_row",
    "load_json",
    "load_json_file",
    "snap_point",
]

_DECIMAL = re.compile(
    r"^([+-]?)([0-9]+)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?$|^([+-]?)\.([0-9]+)(?:[eE]([+-]?[0-9]+))?$"
)
_FRACTION = re.compile(r"^([+-]?[0-9]+)\s*/\s*([+-]?[0-9]+)$")
_MAX_DIGITS = 4000  # longer numbers are a "huge request" (and beyond Python's int/str limit)


def parse_number(text: str, where: str = "number") -> fmpq:
    """Parse an integer, fraction ``p/q`` or decimal (with optional exponent) exactly."""
    s = text.strip()
    if len(s) > _MAX_DIGITS:
        raise InputError(f"{where}: number with {len(s)} characters is too long (limit {_MAX_DIGITS})")
    m = _FRACTION.match(s)
    if m:
        p, q = int(m.group(1)), int(m.group(2))
        if q == 0:
            raise InputError(f"{where}: division by zero in {text!r}")
        return fmpq(p, q)
    m = _DECIMAL.match(s)
    if not m:
        raise InputError(f"{where}: {text!r} is not a number (expected an integer, p/q or a decimal)")
    if m.group(2) is not None:
        sign, whole, frac, exp = m.group(1), m.group(2), m.group(3) or "", m.group(4)
    else:
        sign, whole, frac, exp = m.group(5), "0", m.group(6), m.group(7)
    e = int(exp) if exp else 0
    if abs(e) > _MAX_DIGITS:
        raise InputError(f"{where}: exponent of {text!r} is too large (limit {_MAX_DIGITS})")
    num = int(whole + frac) * (-1 if sign == "-" else 1)
    e -= len(frac)
    return fmpq(num * 10**e) if e >= 0 else fmpq(num, 10**-e)


_INT = re.compile(r"-?[0-9]+\Z")


def int_texts(values: Sequence[Any]) -> list[int] | None:
    """The values as ints when every one is an int or an integer string such as ``"-3"`` (what
    certificates' rows hold), else None: then ``to_fmpq`` decides, with its messages."""
    out = []
    for v in values:
        if type(v) is int:
            out.append(v)
        elif type(v) is str and len(v) <= _MAX_DIGITS and _INT.match(v):
            out.append(int(v))
        else:
            return None
    return out


def to_fmpq(value: Any, where: str = "number") -> fmpq:
    """Convert an int, string, Fraction, fmpq, sympy Rational or finite float to ``fmpq``."""
    if isinstance(value, fmpq):
        return value
    if isinstance(value, bool):
        raise InputError(f"{where}: expected a number, got a boolean")
    if isinstance(value, (int, fmpz)):
        return fmpq(int(value))
    if isinstance(value, str):
        return parse_number(value, where)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InputError(f"{where}: {value} is not a finite number")
        p, q = value.as_integer_ratio()
        return fmpq(p, q)
    if isinstance(value, Rational):  # Fraction, sympy Rational/Integer, numpy ints
        return fmpq(int(value.numerator), int(value.denominator))
    if type(value).__module__.startswith("sympy"):
        if getattr(value, "is_Rational", False):
            return fmpq(int(value.p), int(value.q))
        raise InputError(f"{where}: {value} is not a rational number")
    if hasattr(value, "dtype") and hasattr(value, "item"):  # numpy scalar
        return to_fmpq(value.item(), where)
    raise InputError(f"{where}: expected a number, got {type(value).__name__}")


def to_fraction(q: fmpq) -> Fraction:
    """``fmpq`` -> ``fractions.Fraction`` (what the public API returns)."""
    return Fraction(int(q.p), int(q.q))


def format_number(q: Any) -> str:
    """Exact text of a rational: ``"-1/2"``, ``"3"``."""
    q = to_fmpq(q)
    return str(q.p) if q.q == 1 else f"{q.p}/{q.q}"  # fmpz prints any number of digits


def to_sympy(q: Any) -> Any:
    """An exact number as a sympy ``Rational`` (``Integer`` when whole); a sympy object is kept."""
    import sympy

    if isinstance(q, sympy.Basic):
        return q
    q = to_fmpq(q)
    return sympy.Rational(int(q.p), int(q.q))


def primitive_row(coeffs: Sequence[Any], rhs: Any) -> tuple[tuple[int, ...], int]:
    """Scale ``a.x <= b`` by a positive rational so that (a, b) are coprime integers.

    Two inequalities define the same half-space iff their primitive rows are equal, and tuples
    of Python ints hash fast (hashing ``fmpq`` goes through ``fractions`` and is slow).
    """
    qs = [to_fmpq(c) for c in coeffs] + [to_fmpq(rhs)]
    den = 1
    for q in qs:
        d = int(q.q)
        if d != 1:
            den = den * d // math.gcd(den, d)
    ints = [int(q.p) * (den // int(q.q)) for q in qs]
    return primitive_int_row(ints[:-1], ints[-1])


def primitive_int_row(a: Iterable[int], b: int) -> tuple[tuple[int, ...], int]:
    """Divide an integer row ``a.x <= b`` by the gcd of its coefficients (and ``b``)."""
    a = tuple(a)
    g = math.gcd(*a, b)
    if g > 1:
        return tuple(x // g for x in a), b // g
    return a, b


def snap_point(center: Sequence[fmpq], rows: Sequence[tuple[tuple[int, ...], int]]) -> tuple[fmpq, ...]:
    """A point with small denominators strictly inside ``{a.x < b}``, near ``center``.

    Tries the nearest points of the grids (1/D) Z^n for D = 1, 2, 4, ..., 2^20 (integer
    arithmetic only); ``center`` must itself be strictly inside and is returned if none is.
    """
    pq = [(int(c.p), int(c.q)) for c in center]
    for D in SNAP_DENOMINATORS:
        nums = [(2 * p * D + q) // (2 * q) for p, q in pq]  # round(c * D)
        if all(sum(ai * xi for ai, xi in zip(a, nums)) < b * D for a, b in rows):
            return tuple(fmpq(x, D) for x in nums)
    return tuple(center)


SNAP_DENOMINATORS = (1, 2, 4, 8, 16, 64, 256, 1024, 2**14, 2**20)


def load_json_file(path: Any) -> Any:
    """Read and parse a JSON file exactly; a missing or unreadable file is bad input."""
    from pathlib import Path

    path = Path(path)
    try:
        text = path.read_text()
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror})") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a text file") from None
    return load_json(text, str(path))


def _reject_constant(name: str, where: str) -> Any:
    raise InputError(f"{where}: {name} is not a number allowed here (numbers must be finite)")


def load_json(text: str, where: str = "JSON") -> Any:
    """Parse JSON text; numbers with a fraction or exponent are read exactly from their text."""
    try:
        return json.loads(
            text,
            parse_float=lambda t: parse_number(t, where),
            parse_constant=lambda name: _reject_constant(name, where),
        )
    except InputError:
        raise
    except json.JSONDecodeError as e:
        raise InputError(f"{where}: malformed JSON at line {e.lineno}, column {e.colno}: {e.msg}") from None
    except (ValueError, RecursionError) as e:  # e.g. an integer literal with too many digits
        raise InputError(f"{where}: {e}") from None
