"""Exact ranks, null spaces and term ranks of rational matrices (PAPER.md R16).

* ``rank(M)`` and ``nullspace(M)``: over Q, exactly (python-flint).
* ``term_rank(M)``: the size of a maximum matching in the bipartite graph of the non-zero
  positions (networkx, Hopcroft-Karp); ``matching(M)`` returns the matched positions.  Always
  ``rank <= term rank``: a non-zero r x r minor needs a non-zero term of its determinant, i.e.
  r non-zero entries in distinct rows and columns.
* ``relu_features(X, W, b)``: the interpolation matrix ``H_ij = relu(w_j . x_i + b_j)`` (D4), and
  ``active_blocks(H)``: its maximal all-non-zero blocks.  On such a block
  ``H[I, J] = [X_I 1] [W_J b_J]^T``, so its rank is at most n + 1 (R16 d): a full-rank H with
  N > n + 1 rows needs inactive (zero) entries.
* ``rank_drops(...)``: the Schwartz-Zippel experiment of R16(c), seeded.

>>> rank([[1, 1], [1, 1]]), term_rank([[1, 1], [1, 1]])     # "rank = term rank" is false
(1, 2)
>>> [[int(v) for v in k] for k in nullspace([[1, 1, 0]], 3)]      # x1 + x2 = 0
[[1, -1, 0], [0, 0, -1]]
>>> H = relu_features([[0], [1], [2], [3]], [[1], [-1]], [0, 2])     # relu(x), relu(2 - x)
>>> [[str(v) for v in row] for row in H]
[['0', '2'], ['1', '1'], ['2', '0'], ['3', '0']]
>>> active_blocks(H)       # (rows, columns), 0-based
[((0, 1), (1,)), ((1,), (0, 1)), ((1, 2, 3), (0,))]
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import networkx as nx
from flint import fmpq_mat, fmpz_mat

from .errors import InputError
from .numbers import to_fmpq, to_fraction

__all__ = [
    "rank",
    "nullspace",
    "row_basis",
    "term_rank",
    "matching",
    "relu_features",
    "active_blocks",
    "RankDrops",
    "rank_drops",
]

Matrix = list[list[Fraction]]


def _fmpq_mat(M: Sequence[Sequence[Any]]) -> fmpq_mat:
    if not M or not M[0]:
        raise InputError("matrix: must have at least one row and one column")
    return fmpq_mat([[to_fmpq(v, f"matrix, row {i + 1}") for v in row] for i, row in enumerate(M)])


def rank(M: Sequence[Sequence[Any]]) -> int:
    """The rank of M over Q (exact)."""
    return _fmpq_mat(M).rank()


def nullspace(rows: Sequence[Sequence[Any]], ncols: int) -> Matrix:
    """An exact basis of ``{z : M z = 0}`` (integer vectors, via ``fmpz_mat.nullspace``)."""
    if not rows:
        return [[Fraction(int(i == j)) for j in range(ncols)] for i in range(ncols)]
    ints = []
    for row in rows:
        fr = [to_fraction(to_fmpq(v)) for v in row]
        den = math.lcm(*(f.denominator for f in fr))
        ints.append([int(f * den) for f in fr])
    N, k = fmpz_mat(ints).nullspace()
    return [[Fraction(int(N[i, j])) for i in range(ncols)] for j in range(k)]


def row_basis(A: Sequence[Sequence[Any]]) -> tuple[Matrix, Matrix]:
    """Rows ``R`` of A that form a basis of its row space, and ``C`` with ``A = C R`` (exact).

    >>> row_basis([[1, 0], [2, 0], [0, 1]])[1] == [[1, 0], [2, 0], [0, 1]]
    True
    """
    basis: Matrix = []
    for row in A:
        fr = [to_fraction(to_fmpq(v)) for v in row]
        if any(fr) and rank([*basis, fr]) > len(basis):
            basis.append(fr)
    if not basis:
        return [], [[] for _ in A]
    # A's rows lie in the row space of R, so C R = A has the exact solution of the normal equations
    R = _fmpq_mat(basis)
    C = (R * R.transpose()).solve(R * _fmpq_mat(A).transpose()).transpose()
    return basis, [[to_fraction(v) for v in row] for row in C.tolist()]


def matching(M: Sequence[Sequence[Any]]) -> list[tuple[int, int]]:
    """A maximum set of non-zero positions (i, j) of M in distinct rows and columns, sorted."""
    G = nx.Graph()
    rows = [("r", i) for i in range(len(M))]
    G.add_nodes_from(rows)
    G.add_nodes_from(("c", j) for j in range(len(M[0]) if M else 0))
    G.add_edges_from((("r", i), ("c", j)) for i, row in enumerate(M) for j, v in enumerate(row) if v != 0)
    mate = nx.bipartite.hopcroft_karp_matching(G, top_nodes=rows)
    return sorted((u[1], mate[u][1]) for u in rows if u in mate)


def term_rank(M: Sequence[Sequence[Any]]) -> int:
    """The term rank of M: the size of a maximum matching of its non-zero positions."""
    return len(matching(M))


def relu_features(X: Sequence[Sequence[Any]], W: Sequence[Sequence[Any]], b: Sequence[Any]) -> Matrix:
    """The interpolation matrix ``H_ij = relu(w_j . x_i + b_j)`` (one row per point), exactly."""
    Xf = [[to_fraction(to_fmpq(v)) for v in x] for x in X]
    Wf = [[to_fraction(to_fmpq(v)) for v in w] for w in W]
    bf = [to_fraction(to_fmpq(v)) for v in b]
    return [
        [max(sum((wi * xi for wi, xi in zip(w, x)), bj), Fraction(0)) for w, bj in zip(Wf, bf)] for x in Xf
    ]


def active_blocks(H: Sequence[Sequence[Any]]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """The maximal all-non-zero blocks (I, J) of H, sorted: J is every column that is non-zero
    on all rows of I, and I every row that is non-zero on all columns of J (both non-empty).

    The column sets J are the intersections of rows' supports (closed under intersection), so
    every maximal block is found without enumerating row subsets.
    """
    m = len(H[0]) if H else 0
    support = [frozenset(j for j, v in enumerate(row) if v != 0) for row in H]
    intents = {frozenset(range(m))}
    for s in support:
        intents |= {t & s for t in intents}
    blocks = []
    for J in intents:
        rows = tuple(i for i, s in enumerate(support) if s >= J)
        if J and rows:
            blocks.append((rows, tuple(sorted(J))))
    return sorted(blocks)


@dataclass(frozen=True)
class RankDrops:
    """R16(c): random patterns with entries from a finite set; how often rank < term rank."""

    trials: int
    drops: int
    bound: Fraction  # the mean Schwartz-Zippel bound, sum over trials of term rank / s, / trials

    @property
    def rate(self) -> Fraction:
        return Fraction(self.drops, self.trials)


def rank_drops(trials: int, size: int, values: Sequence[int], p_zero: Fraction, seed: int) -> RankDrops:
    """Draw ``trials`` size x size matrices (zero with probability ``p_zero``, else uniform in
    ``values``); count rank < term rank, against the mean of the per-matrix bounds r / s.

    Schwartz-Zippel: for a fixed pattern of term rank r, the determinant of a matched r x r minor
    is a non-zero polynomial of degree r in the entries, so it vanishes with probability at most
    r / s when the entries are uniform in a set of s values.
    """
    rng = random.Random(seed)
    s = len(set(values))
    drops, bound = 0, Fraction(0)
    for _ in range(trials):
        M = [[0 if rng.random() < p_zero else rng.choice(values) for _ in range(size)] for _ in range(size)]
        r = term_rank(M)
        bound += Fraction(r, s)
        if r and rank(M) < r:
            drops += 1
    return RankDrops(trials, drops, bound / trials)
