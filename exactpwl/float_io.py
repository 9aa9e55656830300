"""The border with float frameworks (PyTorch, ONNX), shared by ``torch_io`` and ``onnx_io``.

In: a float weight is taken at its exact binary value (float32 ``0.1`` is 13421773/134217728),
so the exact network computes what the float model would compute without rounding.
``rationalize=`` is the explicit way to read other numbers instead, and it reports the largest
change it made.  Out: a network as plain layers (each all ReLU or all linear) of floats, for
replay in the user's own stack; float replay is approximate.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
from flint import fmpq

from .errors import InputError
from .network import Network
from .numbers import format_number, parse_number, to_fraction

__all__ = ["Rationalization", "WeightReader", "plain_layers"]


@dataclass(frozen=True)
class Rationalization:
    """What ``rationalize=`` did: its rule, the largest change ``|new - old|`` and where it was."""

    rule: str
    max_change: Fraction
    where: str

    def __str__(self) -> str:
        if not self.max_change:
            return f"weights rationalized ({self.rule}); nothing changed"
        return (
            f"weights rationalized ({self.rule}); largest change {format_number(self.max_change)} "
            f"at {self.where}"
        )


class WeightReader:
    """Reads float arrays as exact rationals; ``rationalize`` is None, ``"shortest"`` or an int.

    * None: the exact binary value of every float (the default; nothing changes).
    * ``"shortest"``: the shortest decimal that reads back to the same float in the array's own
      precision (float32 ``0.1`` becomes 1/10), so the float model is unchanged.
    * an int D: the nearest fraction with denominator at most D.

    >>> r = WeightReader(2)
    >>> [str(v) for v in r.array(np.array([0.375, -1.0]), "w").tolist()]
    ['1/2', '-1']
    >>> r.report().max_change, r.report().where
    (Fraction(1, 8), 'w [1]')
    """

    def __init__(self, rationalize: Any = None):
        denominator = isinstance(rationalize, int) and not isinstance(rationalize, bool) and rationalize >= 1
        if not (rationalize is None or rationalize == "shortest" or denominator):
            raise InputError(f"rationalize: expected None, 'shortest' or an int >= 1, not {rationalize!r}")
        self.rationalize = rationalize
        self._max = Fraction(0)
        self._where = ""

    def array(self, values: Any, where: str) -> np.ndarray:
        """An object array of ``fmpq``, the shape of ``values`` (a numpy array of floats or ints)."""
        a = np.asarray(values)
        if a.dtype.kind in "iub":
            return np.array([fmpq(int(v)) for v in a.ravel().tolist()], dtype=object).reshape(a.shape)
        if a.dtype.kind != "f":
            raise InputError(f"{where}: numbers of type {a.dtype} are not supported (expected floats)")
        bad = np.flatnonzero(~np.isfinite(a))
        if bad.size:
            raise InputError(f"{where} {_index(a.shape, bad[0])}: {a.ravel()[bad[0]]} is not a finite number")
        flat = a.ravel()
        exact = flat.astype(np.float64).tolist()  # exact: float64 holds every float16/float32 value
        out = [fmpq(*x.as_integer_ratio()) for x in exact]
        if self.rationalize is not None:
            for k, x in enumerate(out):
                if self.rationalize == "shortest":
                    text = np.format_float_positional(flat[k], unique=True, trim="-")
                    y = parse_number(text, where)
                else:
                    f = to_fraction(x).limit_denominator(self.rationalize)
                    y = fmpq(f.numerator, f.denominator)
                change = to_fraction(abs(y - x))
                if change > self._max:
                    self._max, self._where = change, f"{where} {_index(a.shape, k)}"
                out[k] = y
        return np.array(out, dtype=object).reshape(a.shape)

    def scalar(self, value: float, where: str) -> fmpq:
        return self.array(np.array([value]), where)[0]

    def report(self) -> Rationalization | None:
        """None without ``rationalize``; else the rule and the largest change it made."""
        if self.rationalize is None:
            return None
        rule = (
            "shortest decimals"
            if self.rationalize == "shortest"
            else f"denominators at most {self.rationalize}"
        )
        return Rationalization(rule, self._max, self._where)

    def finish(self, net: Network, source: str) -> Network:
        """Record where the network came from, and the rationalization report, on ``net``."""
        rep = self.report()
        net.rationalization = rep
        net.description = f"imported from {source}" + ("" if rep is None else f"; {rep}")
        return net


def _index(shape: tuple[int, ...], k: int) -> str:
    if not shape:
        return "[]"
    return "[" + ", ".join(str(i + 1) for i in np.unravel_index(k, shape)) + "]"


def plain_layers(net: Network) -> list[tuple[list[list[Fraction]], list[Fraction], bool]]:
    """``net`` as layers ``(W, b, relu)`` with one activation each, computing the same function.

    A mixed layer (ReLU and linear units) carries each linear unit ``z`` as
    ``relu(z) - relu(-z)``; the next layer (or an added last one) recombines them.  The rewrite
    only negates and copies weights, so it is exact in floating point too.
    """
    out: list[tuple[list[list[Fraction]], list[Fraction], bool]] = []
    carry: list[list[int]] | None = None  # units of the last mixed layer x its plain units
    for L in net.layers:
        W = [[to_fraction(v) for v in row] for row in L.weights.tolist()]
        b = [to_fraction(L.biases[j, 0]) for j in range(L.units)]
        if carry is not None:
            W = [[sum(r[u] * c[k] for u, c in enumerate(carry)) for k in range(len(carry[0]))] for r in W]
        relu = L.relu
        if all(relu) or not any(relu):
            out.append((W, b, all(relu)))
            carry = None
            continue
        rows, bias, carry = [], [], []
        for j, r in enumerate(relu):
            signs = (1,) if r else (1, -1)
            mix = []
            for s in signs:
                rows.append([s * w for w in W[j]])
                bias.append(s * b[j])
                mix.append((len(rows) - 1, s))
            carry.append(mix)
        width = len(rows)
        carry = [[dict(m).get(k, 0) for k in range(width)] for m in carry]
        out.append((rows, bias, True))
    if carry is not None:
        out.append(([list(map(Fraction, r)) for r in carry], [Fraction(0)] * len(carry), False))
    return out
