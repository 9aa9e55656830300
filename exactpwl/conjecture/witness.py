"""Counterexamples and witnesses as exact JSON (FORMATS.md) and as text.

Networks become ``exactpwl.network`` objects and targets ``exactpwl.pwl`` objects, so that
``exactpwl certify`` and ``exactpwl eval`` replay them; every rational is an exact string (so is
every integer inside a vector); counts stay integers.  The same walk finds the networks and
targets inside a witness, to write them to files of their own.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from fractions import Fraction
from typing import Any

from ..network import Network
from ..numbers import format_number
from ..pwl import PWL

__all__ = ["describe", "parts", "to_json"]


def _is_number(v: Any) -> bool:
    return isinstance(v, Fraction) or type(v).__name__ in ("fmpq", "fmpz")


def _verdict_like(v: Any) -> bool:
    return hasattr(v, "holds") and hasattr(v, "regions") and hasattr(v, "counterexample")


def to_json(obj: Any) -> Any:
    """Exact JSON of a counterexample or witness: rationals as strings, and integers too inside
    vectors; a lone integer (a count) stays an integer."""
    if obj is None or isinstance(obj, (bool, int, str)):
        return obj
    if _is_number(obj):
        return format_number(obj)
    if isinstance(obj, Network):
        return obj.to_dict()
    if isinstance(obj, PWL):
        return obj.data
    if _verdict_like(obj):
        d: dict[str, Any] = {"holds": obj.holds, "regions": obj.regions}
        if obj.counterexample is not None:
            d["counterexample"] = to_json(obj.counterexample)
        for key in ("network", "target"):
            if isinstance(getattr(obj, key, None), (Network, PWL)):
                d[key] = to_json(getattr(obj, key))
        return d
    if hasattr(obj, "to_json"):
        return obj.to_json()
    if isinstance(obj, BaseException):
        return {"refusal": str(obj), "witness": to_json(getattr(obj, "witness", None))}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        d = {f.name: to_json(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
        if hasattr(obj, "text"):
            d["text"] = obj.text()
        return d
    if isinstance(obj, dict):
        return {str(k): to_json(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):  # a vector of numbers: integers as strings too
        return [format_number(v) if type(v) is int else to_json(v) for v in obj]
    if hasattr(obj, "tolist"):  # flint matrices
        return to_json(obj.tolist())
    return str(obj)


def parts(obj: Any) -> Iterator[Network | PWL]:
    """The networks and targets inside ``obj`` (depth first, each object once)."""
    seen: set[int] = set()

    def walk(o: Any) -> Iterator[Network | PWL]:
        if id(o) in seen:
            return
        seen.add(id(o))
        if isinstance(o, (Network, PWL)):
            yield o
        elif _verdict_like(o):
            for key in ("network", "target"):
                yield from walk(getattr(o, key, None))
        elif isinstance(o, dict):
            for v in o.values():
                yield from walk(v)
        elif isinstance(o, (list, tuple)):
            for v in o:
                yield from walk(v)
        elif dataclasses.is_dataclass(o) and not isinstance(o, type):
            for f in dataclasses.fields(o):
                yield from walk(getattr(o, f.name))

    return walk(obj)


def _point(v: Any) -> str:
    return "(" + ", ".join(format_number(t) for t in v) + ")"


def _inline(obj: Any) -> str:
    if _is_number(obj):
        return format_number(obj)
    if isinstance(obj, (list, tuple)):
        if all(_is_number(v) or isinstance(v, int) for v in obj):
            return _point(obj)
        return "[" + ", ".join(_inline(v) for v in obj) + "]"
    if isinstance(obj, PWL):
        return _pwl_text(obj)
    if hasattr(obj, "text") and callable(obj.text):
        return obj.text()
    return str(obj)


def _pwl_text(t: PWL) -> str:
    d = t.data
    if "expr" in d:
        e = d["expr"]
        return e if isinstance(e, str) else "(" + ", ".join(e) + ")"
    if "breakpoints" in d:
        return "breakpoints " + ", ".join("(" + ", ".join(p) + ")" for p in d["breakpoints"])
    if "triangulation" in d:
        return "vertex values " + _inline([Fraction(v) for v in d["triangulation"]["values"]])
    if "pieces" in d:
        return f"{len(d['pieces'])} pieces"
    return repr(t)


def _matrix(m: Any) -> str:
    return "[" + ", ".join(_point(row).replace("(", "[").replace(")", "]") for row in m.tolist()) + "]"


def describe(obj: Any, indent: str = "  ") -> list[str]:
    """Text lines for a counterexample or witness (exact numbers)."""
    if isinstance(obj, Network):
        lines = [f"network {obj.architecture}"]
        for i, L in enumerate(obj.layers):
            act = L.activation if isinstance(L.activation, str) else "mixed"
            b = _point([L.biases[j, 0] for j in range(L.units)]).replace("(", "[").replace(")", "]")
            lines.append(f"{indent}layer {i + 1} ({act}): W = {_matrix(L.weights)}, b = {b}")
        return lines
    if isinstance(obj, PWL):
        return [_pwl_text(obj)]
    if _verdict_like(obj):
        if obj.holds:
            return [f"certified: equal on every one of {obj.regions} regions"]
        if obj.holds is None:
            return [f"undecided after {obj.regions} regions (a cap was reached)"]
        cx = obj.counterexample
        return [f"differs at x = {_point(cx.x)}: network {_inline(cx.network)}, target {_inline(cx.target)}"]
    if all(hasattr(obj, a) for a in ("x", "network", "target")):  # a Counterexample
        return [f"x = {_point(obj.x)}: network {_inline(obj.network)}, target {_inline(obj.target)}"]
    if isinstance(obj, BaseException):
        return [str(obj)]
    if isinstance(obj, dict):
        lines = []
        for k, v in obj.items():
            sub = describe(v, indent)
            if len(sub) == 1:
                lines.append(f"{k}: {sub[0]}")
            else:
                lines.append(f"{k}:")
                lines += [indent + s for s in sub]
        return lines
    return [_inline(obj)]
