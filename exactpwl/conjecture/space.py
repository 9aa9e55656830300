"""Spaces of objects to search: an exhaustive enumeration, smallest first, and the same space at random.

A ``Space`` has a name, an enumeration (a finite sequence of objects in size order, with its
exact ``size`` known before the search where a formula gives it) and a hypothesis strategy that
draws objects of the same space (random search, with shrinking).  The refuter walks the
enumeration, so the first counterexample it meets is a smallest one; a claim that survives the
whole enumeration is proved *for that space*.

**Size order.**  Objects built from finite value sets (weights, coefficients, vertex values)
are enumerated *sparse first*: fewer non-zero entries first, then a smaller sum of ranks (the
rank of a value is its place in the list given, 0 being no entry at all), then by the
positions of the non-zero entries, then by their ranks.  ``sparse_first`` yields this order
and ``sparse_key`` is its sort key; a test checks that one sorts the other.  Values are tried
in the order given (after 0): ``(0, 1, -1)`` tries 1 before -1.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from fractions import Fraction
from typing import Any

from ..errors import InputError
from ..numbers import format_number, to_fmpq, to_fraction

__all__ = [
    "Space",
    "chain",
    "labelled_data",
    "of",
    "point_sets",
    "rationals",
    "sparse_first",
    "sparse_key",
    "value_list",
    "values_text",
    "vectors",
]


class Space:
    """A space of objects: ``iter(space)`` enumerates it smallest first; ``space.strategy`` draws
    from it at random (hypothesis).

    ``size`` is the exact number of objects the enumeration yields (None when it is not known
    without enumerating); ``full_size`` is the number before symmetries were removed.
    """

    def __init__(
        self,
        name: str,
        items: Callable[[], Iterable[Any]] | None,
        size: int | Callable[[], int | None] | None = None,
        strategy: Callable[[], Any] | None = None,
        full_size: int | None = None,
    ):
        if items is None and strategy is None:
            raise InputError(f"space {name}: needs an enumeration or a strategy")
        self.name = name
        self._items = items
        self._size = size
        self._strategy = strategy
        self._full_size = full_size

    @property
    def enumerable(self) -> bool:
        """True when the space has an exhaustive enumeration."""
        return self._items is not None

    def __iter__(self) -> Iterator[Any]:
        if self._items is None:
            raise InputError(f"space {self.name}: has no enumeration (random search only)")
        return iter(self._items())

    @property
    def size(self) -> int | None:
        """The exact number of objects the enumeration yields (None: not known in advance)."""
        if callable(self._size):
            self._size = self._size()
        return self._size

    @property
    def full_size(self) -> int | None:
        """The number of objects before symmetries were removed (``size`` when none were)."""
        return self._full_size if self._full_size is not None else self.size

    @property
    def strategy(self) -> Any:
        """A hypothesis strategy that draws objects of this space (random search, shrinking)."""
        if self._strategy is None:
            raise InputError(f"space {self.name}: has no random strategy (exhaustive search only)")
        return self._strategy()

    def map(self, f: Callable[[Any], Any], name: str | None = None) -> Space:
        """The space of ``f(x)``: same order, same size (f is applied as the objects are made)."""
        items = self._items
        strategy = self._strategy
        return Space(
            name or self.name,
            (lambda: map(f, items())) if items is not None else None,
            self._size,
            (lambda: strategy().map(f)) if strategy is not None else None,
            self._full_size,
        )

    def __repr__(self) -> str:
        size = self.size if not callable(self._size) else None
        return f"Space({self.name!r}, size={size})"


# ============================================================================ the size order
def value_list(values: Iterable[Any], where: str) -> tuple[Fraction, ...]:
    """Distinct exact values in the order given, 0 (when present) first."""
    out: list[Fraction] = []
    for v in values:
        q = to_fraction(to_fmpq(v, where))
        if q not in out:
            out.append(q)
    if not out:
        raise InputError(f"{where}: needs at least one value")
    if Fraction(0) in out:
        out.remove(Fraction(0))
        out.insert(0, Fraction(0))
    return tuple(out)


def values_text(values: Sequence[Fraction]) -> str:
    return "{" + ", ".join(format_number(v) for v in values) + "}"


def ranked(values: Sequence[Fraction]) -> tuple[Fraction | None, ...]:
    """Values by rank: rank 0 is 0 (None when 0 is not allowed), ranks 1, 2, ... the others."""
    return tuple(values) if values[0] == 0 else (None, *values)


_COMPOSITIONS: dict[tuple[int, tuple[int, ...]], tuple[tuple[int, ...], ...]] = {}


def _compositions(r: int, caps: tuple[int, ...]) -> tuple[tuple[int, ...], ...]:
    """Tuples (v1..vk) with 1 <= v_i <= caps[i] and sum r, in lexicographic order (cached)."""
    key = (r, caps)
    if key not in _COMPOSITIONS:
        if not caps:
            out = [()] if r == 0 else []
        else:
            rest_min, rest_max = len(caps) - 1, sum(caps[1:])
            out = [
                (v, *tail)
                for v in range(max(1, r - rest_max), min(caps[0], r - rest_min) + 1)
                for tail in _compositions(r - v, caps[1:])
            ]
        _COMPOSITIONS[key] = tuple(out)
    return _COMPOSITIONS[key]


def sparse_first(caps: Sequence[int], zero: Sequence[bool]) -> Iterator[tuple[int, ...]]:
    """Every rank tuple (rank i at position p: 0 only if ``zero[p]``, else 1..caps[p]) in size order.

    Size order = ``sparse_key``: fewest non-zero ranks, then smallest rank sum, then the
    positions of the non-zero ranks, then those ranks (both lexicographically).

    >>> list(sparse_first([2, 1], [True, True]))
    [(0, 0), (1, 0), (0, 1), (2, 0), (1, 1), (2, 1)]
    """
    P = len(caps)
    mandatory = [p for p in range(P) if not zero[p]]
    optional = [p for p in range(P) if zero[p]]
    for k in range(len(mandatory), P + 1):
        combos = sorted(
            tuple(sorted(mandatory + list(c))) for c in itertools.combinations(optional, k - len(mandatory))
        )
        if k == 0:
            yield (0,) * P
            continue
        top = max(sum(caps[p] for p in pos) for pos in combos)
        for r in range(k, top + 1):
            for pos in combos:
                for ranks in _compositions(r, tuple(caps[p] for p in pos)):
                    out = [0] * P
                    for p, v in zip(pos, ranks):
                        out[p] = v
                    yield tuple(out)


def sparse_key(ranks: Sequence[int]) -> tuple:
    """The sort key of the size order (see ``sparse_first``)."""
    pos = tuple(p for p, v in enumerate(ranks) if v)
    nz = tuple(ranks[p] for p in pos)
    return (len(pos), sum(nz), pos, nz)


def _sparse_size(columns: Sequence[Sequence[Fraction | None]]) -> int:
    return math.prod(len(c) - (c[0] is None) for c in columns)


def _sparse_space(
    columns: Sequence[Sequence[Fraction | None]], make: Callable[[list[Fraction]], Any]
) -> Iterator[Any]:
    caps = [len(c) - 1 for c in columns]
    zero = [c[0] is not None for c in columns]
    for ranks in sparse_first(caps, zero):
        yield make([c[r] for c, r in zip(columns, ranks)])


# ============================================================================ generic spaces
def of(objects: Iterable[Any], name: str = "given objects") -> Space:
    """The finite space of the given objects, in the order given."""
    objs = list(objects)
    if not objs:
        raise InputError("of: needs at least one object")

    def strategy():
        from hypothesis import strategies as st

        return st.sampled_from(objs)

    return Space(f"{name} ({len(objs)})", lambda: iter(objs), len(objs), strategy)


def chain(*spaces: Space, name: str | None = None) -> Space:
    """The spaces one after the other (e.g. architectures from small to large)."""
    if not spaces:
        raise InputError("chain: needs at least one space")

    def size():
        sizes = [s.size for s in spaces]
        return None if any(v is None for v in sizes) else sum(sizes)

    full = [s.full_size for s in spaces]
    items = None
    if all(s.enumerable for s in spaces):
        items = lambda: itertools.chain.from_iterable(spaces)  # noqa: E731
    strategy = None
    if all(s._strategy is not None for s in spaces):

        def strategy():
            from hypothesis import strategies as st

            return st.one_of(*(s.strategy for s in spaces))

    return Space(
        name or " then ".join(s.name for s in spaces),
        items,
        size,
        strategy,
        None if any(v is None for v in full) else sum(full),
    )


def vectors(length: int, values: Iterable[Any], name: str | None = None) -> Space:
    """Tuples of ``length`` values (coefficient vectors, sign patterns), sparse first.

    ``|values|^length`` objects.

    >>> [tuple(map(str, v)) for v in vectors(2, [0, 1, -1])][:4]
    [('0', '0'), ('1', '0'), ('0', '1'), ('-1', '0')]
    """
    if length < 1:
        raise InputError("vectors: length must be at least 1")
    vals = value_list(values, "vectors: values")
    cols = [ranked(vals)] * length

    def strategy():
        from hypothesis import strategies as st

        return st.lists(st.sampled_from(vals), min_size=length, max_size=length).map(tuple)

    return Space(
        name or f"vectors of {length} values in {values_text(vals)}",
        lambda: _sparse_space(cols, tuple),
        _sparse_size(cols),
        strategy,
    )


def rationals(height: int) -> Space:
    """Every rational p/q in lowest terms with |p| <= height and 1 <= q <= height.

    Order: by height max(|p|, q), then denominator, then |p|, positive first (0, 1, -1, 2, -2,
    1/2, -1/2, ...).  Size ``2 * #{(p, q) in [1, height]^2 : gcd(p, q) = 1} + 1``, the pairs
    counted with Euler's totient (``2 * sum_{k <= height} phi(k) - 1``).  The strategy is
    ``exactpwl.strategies.rationals(height)``.
    """
    if height < 1:
        raise InputError("rationals: height must be at least 1")

    def items() -> Iterator[Fraction]:
        yield Fraction(0)
        for h in range(1, height + 1):
            found = []
            for q in range(1, h + 1):
                for p in range(1, h + 1):
                    if max(p, q) == h and math.gcd(p, q) == 1:
                        found.append((q, p))
            for q, p in sorted(found):
                yield Fraction(p, q)
                yield Fraction(-p, q)

    def strategy():
        from .. import strategies

        return strategies.rationals(height)

    coprime_pairs = 2 * sum(_totient(k) for k in range(1, height + 1)) - 1
    return Space(f"rationals of height <= {height}", items, 2 * coprime_pairs + 1, strategy)


def _totient(n: int) -> int:
    return sum(1 for k in range(1, n + 1) if math.gcd(k, n) == 1)


def _grid(input_dim: int, coordinates: Sequence[Fraction]) -> list[tuple[Fraction, ...]]:
    """The grid points, sparse first (points with more zero coordinates first)."""
    cols = [ranked(coordinates)] * input_dim
    return list(_sparse_space(cols, tuple))


def _counts(count: int | tuple[int, int], limit: int) -> range:
    lo, hi = (count, count) if isinstance(count, int) else count
    if not 1 <= lo <= hi or hi > limit:
        raise InputError(f"count: must lie in 1..{limit} (the grid's size)")
    return range(lo, hi + 1)


def _sets(input_dim: int, coordinates: Iterable[Any], count: int | tuple[int, int], where: str):
    """The grid (sparse first), the set sizes, and the sets of distinct grid points in order."""
    coords = value_list(coordinates, f"{where}: coordinates")
    grid = _grid(input_dim, coords)
    ks = _counts(count, len(grid))
    index = {p: i for i, p in enumerate(grid)}

    def sets() -> Iterator[list[tuple[Fraction, ...]]]:
        for k in ks:
            for idx in itertools.combinations(range(len(grid)), k):
                yield [grid[i] for i in idx]

    return coords, grid, ks, index, sets


def point_sets(input_dim: int, coordinates: Iterable[Any], count: int | tuple[int, int] = (1, 3)) -> Space:
    """Sets of ``count`` distinct points of the grid ``coordinates^input_dim``.

    Order: fewer points first, then the grid's sparse-first order (lexicographic in the points'
    grid positions).  ``sum_k C(G, k)`` objects for a grid of G points.
    """
    coords, grid, ks, index, sets = _sets(input_dim, coordinates, count, "point_sets")

    def strategy():
        from .. import strategies

        return strategies.point_sets(input_dim, coords, (ks[0], ks[-1])).map(
            lambda ps: sorted(ps, key=index.get)
        )

    size = sum(math.comb(len(grid), k) for k in ks)
    return Space(
        f"sets of {ks[0]}..{ks[-1]} points of {values_text(coords)}^{input_dim}", sets, size, strategy
    )


def labelled_data(
    input_dim: int,
    coordinates: Iterable[Any],
    count: int | tuple[int, int] = (1, 3),
    labels: Iterable[Any] = (0, 1),
) -> Space:
    """Labelled data sets (``exactpwl.data`` JSON, as ``construct`` reads them): ``point_sets``,
    each point with a label, labels sparse first.  ``sum_k C(G, k) |labels|^k`` objects."""
    from ..strategies import data_json

    coords, grid, ks, index, sets = _sets(input_dim, coordinates, count, "labelled_data")
    labs = value_list(labels, "labelled_data: labels")

    def items():
        for pts in sets():
            for ys in _sparse_space([ranked(labs)] * len(pts), list):
                yield data_json(pts, ys)

    def strategy():
        from .. import strategies

        def ordered(d: dict) -> dict:
            pairs = sorted(zip(d["points"], d["values"]), key=lambda pv: index[tuple(map(Fraction, pv[0]))])
            return data_json([tuple(map(Fraction, p)) for p, _ in pairs], [Fraction(v) for _, v in pairs])

        return strategies.labelled_data(input_dim, coords, (ks[0], ks[-1]), labs).map(ordered)

    size = sum(math.comb(len(grid), k) * len(labs) ** k for k in ks)
    name = (
        f"data sets of {ks[0]}..{ks[-1]} points of {values_text(coords)}^{input_dim}, "
        f"labels {values_text(labs)}"
    )
    return Space(name, items, size, strategy)
