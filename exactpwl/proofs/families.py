"""Case families and small exact helpers shared by the proof scripts.

The finite families are enumerated in a fixed order, deduplicated by the symmetries that leave
the object unchanged (hidden units are a multiset: their order does not matter, R2), so each
count has a closed form that the tests recompute independently.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator, Sequence
from fractions import Fraction
from typing import Any

from ..network import Network

__all__ = [
    "units_2d",
    "signed_units_2d",
    "one_layer",
    "one_layer_family",
    "rational",
    "points_inside",
    "relu",
]

Unit = tuple[tuple[int, int], int]  # (w, b): relu(w.x + b)


def relu(t: Fraction) -> Fraction:
    return t if t > 0 else Fraction(0)


def units_2d(biases: Sequence[int] = (-1, 0, 1)) -> list[Unit]:
    """Every unit relu(w.x + b) on R^2 with w in {-1, 0, 1}^2, w != 0, and b in ``biases``."""
    ws = [w for w in itertools.product((-1, 0, 1), repeat=2) if w != (0, 0)]
    return [(w, b) for w in ws for b in biases]


def signed_units_2d(biases: Sequence[int] = (-1, 0, 1)) -> list[tuple[tuple[int, int], int, int]]:
    """Every (w, b, v): a unit of ``units_2d`` with output weight v in {-1, 1}."""
    return [(w, b, v) for w, b in units_2d(biases) for v in (-1, 1)]


def one_layer(units: Sequence[tuple[Sequence[Any], Any, Any]], c: Any = 0) -> Network:
    """``c + sum_j v_j relu(w_j.x + b_j)`` from ``[(w_j, b_j, v_j), ...]``."""
    hidden = ([list(w) for w, _, _ in units], [b for _, b, _ in units])
    return Network.from_layers([hidden, ([[v for *_, v in units]], [c])])


def one_layer_family(max_width: int, biases: Sequence[int] = (-1, 0, 1)) -> Iterator[tuple]:
    """Every one-hidden-layer network on R^2 with 1..max_width units from ``signed_units_2d``,
    as a multiset (unit order does not matter; a zero output weight is a narrower network),
    given by its units ``((w, b, v), ...)`` (``one_layer`` builds it).

    Count: sum_{k=1..max_width} C(s + k - 1, k), s = 16 |biases| signed units.
    """
    signed = signed_units_2d(biases)
    for k in range(1, max_width + 1):
        yield from itertools.combinations_with_replacement(signed, k)


def rational(rng: random.Random, num: int = 9, den: int = 4) -> Fraction:
    """A random rational p/q with |p| <= num and 1 <= q <= den."""
    return Fraction(rng.randint(-num, num), rng.randint(1, den))


def points_inside(
    rows: Sequence, center: Sequence[Fraction], step: Fraction = Fraction(1, 64)
) -> list[tuple[Fraction, ...]]:
    """``center`` and ``center + s e_i`` (i = 1..n) strictly inside ``{a.x <= b}``: n + 1 affinely
    independent points of the open region (s = step, halved until every point is inside).

    Two affine maps that agree at these points agree on the whole region, so comparing them
    there decides an affine identity on the region exactly.
    """
    n = len(center)

    def inside(x: Sequence[Fraction]) -> bool:
        return all(sum((ai * xi for ai, xi in zip(a, x)), Fraction(0)) < b for a, b in rows)

    if not inside(center):
        raise AssertionError(f"points_inside: {center} is not strictly inside")
    while True:
        pts = [tuple(center)] + [
            tuple(c + (step if k == i else 0) for k, c in enumerate(center)) for i in range(n)
        ]
        if all(inside(p) for p in pts[1:]):
            return pts
        step /= 2
