"""One ReLU layer on one cell (exactpwl.affine_layer, PAPER.md R9)."""

from __future__ import annotations

import random
from fractions import Fraction as F

import pytest

from exactpwl.affine_layer import cell_at, cells
from exactpwl.errors import InputError


def layer(W, b, x):
    """relu(W x + b) in Fractions (independent of the module)."""
    return tuple(max(sum(F(w) * F(v) for w, v in zip(row, x)) + F(bj), F(0)) for row, bj in zip(W, b))


def pattern(W, b, x):
    return tuple(int(sum(F(w) * F(v) for w, v in zip(row, x)) + F(bj) > 0) for row, bj in zip(W, b))


def test_three_lines_in_general_position():
    W, b = [[1, 0], [0, 1], [1, 1]], [0, 0, -1]
    cs = cells(W, b)
    assert len(cs) == 7  # Zaslavsky: 1 + 3 + 3
    assert len({c.pattern for c in cs}) == 7
    for c in cs:
        assert pattern(W, b, c.point) == c.pattern
        # rank W_S by hand: any two of the three rows are independent
        assert c.rank == min(sum(c.pattern), 2)
        assert c.injective == (sum(c.pattern) >= 2)


def test_parallel_units_merge_points():
    W, b = [[1, 1], [2, 2]], [0, -1]  # parallel hyperplanes: 3 strips
    cs = cells(W, b)
    assert sorted(c.pattern for c in cs) == [(0, 0), (1, 0), (1, 1)]
    for c in cs:
        assert c.rank == (0 if c.pattern == (0, 0) else 1)
        x, y = c.merge_pair()
        assert x != y and layer(W, b, x) == layer(W, b, y)
        assert pattern(W, b, x) == pattern(W, b, y) == c.pattern
        assert c.left_inverse() is None
        assert all(
            sum(k * w for k, w in zip(kv, row)) == 0 for kv in c.kernel for row, s in zip(W, c.pattern) if s
        )


def test_cell_map_is_the_layer_and_the_left_inverse_recovers_x():
    rng = random.Random(0)
    for _ in range(30):
        W = [[rng.randint(-2, 2) for _ in range(2)] for _ in range(3)]
        if any(not any(r) for r in W):
            continue
        b = [F(rng.randint(-3, 3), 2) for _ in range(3)]
        for c in cells(W, b):
            for _ in range(5):  # points of the open cell near its interior point
                x = [v + F(rng.randint(-9, 9), 1000) for v in c.point]
                if pattern(W, b, x) != c.pattern:
                    continue
                assert c(x) == layer(W, b, x)
                G = c.left_inverse()
                if G is not None:
                    z = [zi - (bj if s else 0) for zi, bj, s in zip(layer(W, b, x), b, c.pattern)]
                    assert [sum(g * v for g, v in zip(row, z)) for row in G] == x
            assert (G is None) == (c.rank < 2)


def test_dead_and_constant_units():
    W, b = [[0, 0], [0, 0], [1, 0]], [-1, 2, 0]  # always off, always on (constant 2), x1
    cs = cells(W, b)
    assert sorted(c.pattern for c in cs) == [(0, 1, 0), (0, 1, 1)]
    for c in cs:
        assert c.rank == c.pattern[2] and len(c.kernel) == 2 - c.rank


def test_cell_at_a_point_on_a_hyperplane():
    c = cell_at([[1, 0], [0, 1]], [0, 0], [0, 0])  # entered along e1, then e2: both on
    assert c.pattern == (1, 1) and c.injective


def test_bad_input():
    with pytest.raises(InputError):
        cells([[1, 2], [3]], [0, 0])
    with pytest.raises(InputError):
        cells([[1, 2]], [0, 0])
