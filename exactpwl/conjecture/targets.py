"""Spaces of CPWL targets: 1-D functions by kinks and slopes, lattice (max/min) expressions,
vertex values on a triangulation.  Each object is a ``PWL``, so ``certify`` and ``construct``
take it and ``--json`` writes it in the ``exactpwl.pwl`` format.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator, Sequence
from fractions import Fraction
from typing import Any

from ..errors import InputError
from ..pwl import PWL
from .space import Space, _sparse_space, ranked, sparse_first, value_list, values_text

Tree = tuple  # the expression trees of ``exactpwl.strategies`` (imported when needed: it loads hypothesis)

__all__ = ["affine_forms", "lattice_targets", "targets_1d", "triangulation_targets"]


def _range(r: int | tuple[int, int], what: str, lo: int) -> range:
    a, b = (r, r) if isinstance(r, int) else r
    if not lo <= a <= b:
        raise InputError(f"{what}: must be an int >= {lo} or a range (lo, hi) with lo <= hi")
    return range(a, b + 1)


# ============================================================================ 1-D
def targets_1d(
    pieces: int | tuple[int, int] = (1, 3),
    kinks: Iterable[Any] = (0, 1, -1),
    slopes: Iterable[Any] = (0, 1, -1),
    values: Iterable[Any] = (0,),
) -> Space:
    """1-D CPWL functions with exactly p linear pieces: kinks at p - 1 distinct ``kinks``,
    ``slopes`` that change at every kink, a value from ``values`` at the first kink (at 0 when
    there is none).

    Order: fewer pieces first, then the kink positions (in the order given), then the slopes
    and the value, sparse first.  ``sum_p C(|kinks|, p - 1) |slopes| (|slopes| - 1)^(p - 1)
    |values|`` objects, each a ``PWL`` given by breakpoints.

    >>> s = targets_1d(2, kinks=[0], slopes=[-1, 0, 1])
    >>> s.size, next(iter(s)).data["breakpoints"]
    (6, [['-1', '1'], ['0', '0'], ['1', '0']])
    """
    from ..strategies import slope_breakpoints

    ps = _range(pieces, "pieces", 1)
    X = value_list(kinks, "kinks")
    S = value_list(slopes, "slopes")
    Y = value_list(values, "values")
    if ps[-1] - 1 > len(X) or (ps[-1] > 1 and len(S) < 2):
        raise InputError("targets_1d: not enough kink positions or slopes for that many pieces")

    def items() -> Iterator[PWL]:
        for p in ps:
            cols = [ranked(S)] * p + [ranked(Y)]
            caps = [len(c) - 1 for c in cols]
            zero = [c[0] is not None for c in cols]
            for where in itertools.combinations(X, p - 1):
                ks = sorted(where)
                for ranks in sparse_first(caps, zero):
                    vals = [c[r] for c, r in zip(cols, ranks)]
                    s = vals[:-1]
                    if any(a == b for a, b in zip(s, s[1:])):
                        continue
                    yield PWL.from_breakpoints(slope_breakpoints(ks, s, vals[-1]))

    def strategy():
        from .. import strategies

        return strategies.kinked((ps[0], ps[-1]), X, S, Y).map(PWL.from_breakpoints)

    size = sum(math.comb(len(X), p - 1) * len(S) * (len(S) - 1) ** (p - 1) * len(Y) for p in ps)
    name = (
        f"1-D CPWL functions with {ps[0]}..{ps[-1]} pieces, kinks in {values_text(X)}, "
        f"slopes in {values_text(S)}, value {values_text(Y)} at the first kink"
    )
    return Space(name, items, size, strategy)


# ============================================================================ lattice expressions
def affine_forms(input_dim: int, coefficients: Iterable[Any] = (0, 1, -1)) -> list[Tree]:
    """Every affine form ``w.x + c`` with coefficients from the set, sparse first, as trees.

    >>> from exactpwl.strategies import tree_text
    >>> [tree_text(t) for t in affine_forms(2)][:6]
    ['0', 'x1', 'x2', '1', '-x1', '-x2']
    """
    from ..strategies import affine_tree

    if input_dim < 1:
        raise InputError("affine_forms: input_dim must be at least 1")
    C = value_list(coefficients, "coefficients")
    return list(_sparse_space([ranked(C)] * (input_dim + 1), lambda v: affine_tree(v[:-1], v[-1])))


class _Lattice:
    """Canonical max/min trees (``strategies.lattice_canonical``) over a list of leaves."""

    def __init__(self, leaves: Sequence[Tree]):
        from ..strategies import LATTICE, lattice_key

        self.ops, self.key = LATTICE, lattice_key
        self.leaves = list(leaves)
        self.index = {t: i for i, t in enumerate(self.leaves)}
        if len(self.index) != len(self.leaves):
            raise InputError("lattice: the leaves must be distinct")
        self._trees: dict[tuple[int, str | None], tuple[Tree, ...]] = {}
        self._counts: dict[tuple[int, str | None], int] = {}

    def trees(self, n: int, avoid: str | None) -> tuple[Tree, ...]:
        """Canonical trees with n leaves whose root is not ``avoid``, sorted by ``lattice_key``."""
        if (n, avoid) not in self._trees:
            if n == 1:
                out = list(self.leaves)
            else:
                out = [(op, *kids) for op in self.ops if op != avoid for kids in self.children(n, op)]
            self._trees[n, avoid] = tuple(sorted(out, key=lambda t: self.key(t, self.index)))
        return self._trees[n, avoid]

    def children(self, n: int, op: str) -> Iterator[tuple[Tree, ...]]:
        """Sets of >= 2 distinct canonical trees (none with root ``op``) with n leaves in all."""
        for parts in _partitions(n):
            groups = [(size, len(list(g))) for size, g in itertools.groupby(parts)]
            choices = [itertools.combinations(self.trees(size, op), mult) for size, mult in groups]
            for pick in itertools.product(*(list(c) for c in choices)):
                yield tuple(t for group in pick for t in group)

    def count(self, n: int, avoid: str | None) -> int:
        """``len(self.trees(n, avoid))`` by counting: sets of distinct children are binomials."""
        if (n, avoid) not in self._counts:
            total = len(self.leaves) if n == 1 else 0
            for op in self.ops if n > 1 else ():
                if op == avoid:
                    continue
                for parts in _partitions(n):
                    groups = [(size, len(list(g))) for size, g in itertools.groupby(parts)]
                    total += math.prod(math.comb(self.count(size, op), mult) for size, mult in groups)
            self._counts[n, avoid] = total
        return self._counts[n, avoid]


def _partitions(n: int, smallest: int = 1) -> Iterator[tuple[int, ...]]:
    """Partitions of n into at least two parts >= ``smallest``, parts non-decreasing."""
    for first in range(smallest, n // 2 + 1):
        yield (first, n - first)
        for rest in _partitions(n - first, first):
            yield (first, *rest)


def lattice_targets(
    input_dim: int,
    max_leaves: int = 3,
    coefficients: Iterable[Any] = (0, 1, -1),
    leaves: Sequence[Tree] | None = None,
) -> Space:
    """CPWL functions written as max/min expressions of affine forms (every CPWL function has
    such a lattice form), at most ``max_leaves`` leaves.

    The leaves are ``affine_forms(input_dim, coefficients)`` unless given as trees.  Trees are
    canonical (``strategies.lattice_canonical``: nested max flattened, arguments distinct and
    sorted), ordered by their number of leaves, then ``strategies.lattice_key``; each object
    is the ``PWL`` of the expression text.
    """
    from ..strategies import tree_text

    forms = list(leaves) if leaves is not None else affine_forms(input_dim, coefficients)
    lat = _Lattice(forms)
    ns = _range(max_leaves, "max_leaves", 1)
    ns = range(1, ns[-1] + 1)

    def items() -> Iterator[PWL]:
        for n in ns:
            for t in lat.trees(n, None):
                yield PWL.from_expr(tree_text(t), input_dim)

    def strategy():
        from .. import strategies

        return strategies.lattice_trees(forms, ns[-1]).map(lambda t: PWL.from_expr(tree_text(t), input_dim))

    size = sum(lat.count(n, None) for n in ns)
    name = f"max/min expressions of <= {ns[-1]} affine forms on R^{input_dim} ({len(forms)} forms)"
    return Space(name, items, size, strategy)


# ============================================================================ triangulations
def triangulation_targets(
    points: Sequence[Sequence[Any]], simplices: Sequence[Sequence[int]], values: Iterable[Any] = (0, 1)
) -> Space:
    """The CPWL functions of one triangulation: every assignment of ``values`` to its vertices,
    sparse first (``|values|^vertices`` objects, each a ``PWL`` given by the triangulation)."""
    V = value_list(values, "values")
    pts = [list(p) for p in points]
    simp = [list(s) for s in simplices]
    PWL.from_triangulation(pts, simp, [0] * len(pts))  # bad input is reported before any search
    cols = [ranked(V)] * len(pts)

    def make(vals: list[Fraction]) -> PWL:
        return PWL.from_triangulation(pts, simp, [str(v) for v in vals], validate=False)

    def strategy():
        from hypothesis import strategies as st

        return st.lists(st.sampled_from(V), min_size=len(pts), max_size=len(pts)).map(make)

    name = f"vertex values in {values_text(V)} on a triangulation of {len(pts)} points, {len(simp)} simplices"
    return Space(name, lambda: _sparse_space(cols, make), len(V) ** len(pts), strategy)
