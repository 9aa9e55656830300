"""One ReLU layer on one cell: the generalized affine transform (PAPER.md D7, R9).

On the cell ``C_S`` of the arrangement of a layer ``L(x) = relu(W x + b)`` (S: the active
units), L is the affine map ``x -> P_S (W x + b)``: the active rows ``W_S x + b_S`` in the
coordinates S, zeros elsewhere.  Everything a later layer can know about a point of ``C_S``
is that image, so the exact rank of ``W_S`` decides what the layer keeps:

* rank W_S = n: L is injective on C_S, and ``left_inverse`` recovers x from L(x);
* rank W_S < n: points of C_S that differ by a vector of ker W_S are *merged* (``merge_pair``
  returns two of them, distinct, strictly inside the cell, with equal images), and no later
  layer can tell them apart (D6, R12).

``cells(W, b)`` lists every full-dimensional cell of the layer over R^n (from the exact region
walk), each as a ``CellMap``.

>>> W, b = [[1, 1], [2, 2], [1, -1]], [0, -1, 0]
>>> maps = cells(W, b)
>>> len(maps)
6
>>> m = next(c for c in maps if c.pattern == (1, 1, 0))    # both parallel units on, the third off
>>> m.rank, m.kernel, m.injective
(1, ((1, -1),), False)
>>> x, y = m.merge_pair()
>>> x != y and m(x) == m(y) and m.cell.contains(x, strict=True) and m.cell.contains(y, strict=True)
True
>>> full = next(c for c in maps if c.pattern == (1, 1, 1))
>>> full.injective, [[str(v) for v in row] for row in full.left_inverse()]     # G with G W = I
(True, [['1/10', '1/5', '1/2'], ['1/10', '1/5', '-1/2']])
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from flint import fmpq_mat

from .errors import InputError
from .network import Network
from .numbers import to_fmpq, to_fraction
from .polyhedron import Polyhedron
from .ranks import nullspace
from .region_graph import region_rows, regions

__all__ = ["CellMap", "cells", "cell_at", "layer_network"]

Vector = tuple[Fraction, ...]


@dataclass(frozen=True)
class CellMap:
    """The layer on one full-dimensional cell: ``x -> P_S (W x + b)``, with its exact rank data.

    ``pattern[j]`` is 1 when unit j is active on the cell; ``W``, ``b`` are the layer's weights;
    ``cell`` is the closed cell; ``point`` a rational point strictly inside it; ``rank`` is
    rank W_S and ``kernel`` a basis of ker W_S (primitive integer vectors).
    """

    pattern: tuple[int, ...]
    W: tuple[Vector, ...]
    b: Vector
    cell: Polyhedron
    point: Vector
    rank: int
    kernel: tuple[tuple[int, ...], ...]

    @property
    def active(self) -> tuple[int, ...]:
        return tuple(j for j, s in enumerate(self.pattern) if s)

    @property
    def injective(self) -> bool:
        """True iff the layer is injective on the cell, i.e. rank W_S = n."""
        return self.rank == len(self.point)

    def __call__(self, x: Sequence[Any]) -> Vector:
        """The affine map of the cell, ``P_S (W x + b)`` (equal to the layer on the closed cell)."""
        xs = [to_fraction(to_fmpq(v)) for v in x]
        return tuple(
            sum((w * xi for w, xi in zip(row, xs)), bj) if s else Fraction(0)
            for row, bj, s in zip(self.W, self.b, self.pattern)
        )

    def merge_pair(self) -> tuple[Vector, Vector] | None:
        """Two distinct points strictly inside the cell with the same image, or None if injective.

        ``x`` is the cell's interior point and ``x + t k`` with k in ker W_S and t > 0 small
        enough (exactly) to stay strictly inside: the active rows do not see k, and the inactive
        coordinates are 0 at both points.
        """
        if not self.kernel:
            return None
        k = self.kernel[0]
        t = Fraction(1)
        for a, beta in self.cell.rows:
            ak = sum(ai * ki for ai, ki in zip(a, k))
            if ak > 0:
                slack = beta - sum((ai * xi for ai, xi in zip(a, self.point)), Fraction(0))
                t = min(t, slack / (2 * ak))
        return self.point, tuple(xi + t * ki for xi, ki in zip(self.point, k))

    def left_inverse(self) -> tuple[Vector, ...] | None:
        """G (n x m) with ``G P_S W = I``, so ``x = G (L(x) - P_S b)`` on the cell; None if not injective.

        G is the pseudo-inverse ``(W_S^T W_S)^-1 W_S^T`` placed on the active columns.
        """
        if not self.injective:
            return None
        S = self.active
        n = len(self.point)
        WS = fmpq_mat([[to_fmpq(v) for v in self.W[j]] for j in S])
        G = (WS.transpose() * WS).inv() * WS.transpose()  # n x |S|
        cols = {j: t for t, j in enumerate(S)}
        return tuple(
            tuple(to_fraction(G[i, cols[j]]) if j in cols else Fraction(0) for j in range(len(self.W)))
            for i in range(n)
        )


def _rows(W: Any, b: Any) -> tuple[tuple[Vector, ...], Vector]:
    if not isinstance(W, (list, tuple)) or not W or not isinstance(W[0], (list, tuple)) or not W[0]:
        raise InputError("layer: W must be a non-empty list of rows")
    n = len(W[0])
    if not isinstance(b, (list, tuple)) or len(b) != len(W):
        raise InputError(f"layer: b must have {len(W)} entries, one per row of W")
    rows = []
    for j, row in enumerate(W):
        if not isinstance(row, (list, tuple)) or len(row) != n:
            raise InputError(f"layer: row {j + 1} of W must have {n} entries")
        rows.append(tuple(to_fraction(to_fmpq(v, f"layer W, row {j + 1}")) for v in row))
    return tuple(rows), tuple(to_fraction(to_fmpq(v, f"layer b, entry {j + 1}")) for j, v in enumerate(b))


def layer_network(W: Any, b: Any) -> Network:
    """The layer ``relu(W x + b)`` as a network with m outputs (a ReLU layer, then the identity)."""
    rows, bias = _rows(W, b)
    m = len(rows)
    ident = [[int(i == j) for j in range(m)] for i in range(m)]
    return Network.from_layers([(list(rows), list(bias)), (ident, [0] * m)])


def _kernel(rows: Sequence[Vector], n: int) -> tuple[tuple[int, ...], ...]:
    """A basis of {k : r.k = 0 for every row r}, as primitive integer vectors."""
    out = []
    for k in nullspace(rows, n):
        ints = [int(v) for v in k]  # nullspace gives integer vectors
        g = math.gcd(*ints)
        out.append(tuple(v // g for v in ints))
    return tuple(out)


def _cell_map(
    rows: tuple[Vector, ...], bias: Vector, pattern: tuple[int, ...], ineq: Sequence, point: Vector
) -> CellMap:
    n = len(rows[0])
    active = [rows[j] for j, s in enumerate(pattern) if s]
    rank = fmpq_mat([[to_fmpq(v) for v in r] for r in active]).rank() if active else 0
    return CellMap(
        pattern,
        rows,
        bias,
        Polyhedron.from_rows(tuple(ineq), n),
        tuple(point),
        rank,
        _kernel(active, n),
    )


def cells(W: Any, b: Any) -> list[CellMap]:
    """Every full-dimensional cell of the layer ``relu(W x + b)`` over R^n, as a ``CellMap``.

    The cells are the activation regions of the layer (exact region walk); a pattern that is
    realized only on a lower-dimensional set is not a cell.
    """
    rows, bias = _rows(W, b)
    g = regions(layer_network(W, b))
    return [_cell_map(rows, bias, r.pattern, r.inequalities, r.interior_point) for r in g]


def cell_at(W: Any, b: Any, x: Sequence[Any]) -> CellMap:
    """The cell of the layer at ``x`` (on a hyperplane: the cell entered along e1, e2, ... first)."""
    rows, bias = _rows(W, b)
    net = layer_network(W, b)
    n = net.input_dim
    pattern = net.pattern_near(list(x), [[int(i == j) for j in range(n)] for i in range(n)])
    ineq, _, _ = region_rows(net, pattern)
    P = Polyhedron.from_rows(tuple(ineq), n)
    point = P.interior_point()
    assert point is not None  # a pattern entered along a basis is a full-dimensional cell
    return _cell_map(rows, bias, pattern, P.rows, tuple(to_fraction(v) for v in point))
