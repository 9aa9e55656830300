"""Exact ranks, null spaces, term ranks and active blocks (exactpwl.ranks, PAPER.md R16)."""

from __future__ import annotations

import itertools
import random
from fractions import Fraction as F

import pytest
from conftest import brute_term_rank, fraction_rank

from exactpwl.errors import InputError
from exactpwl.ranks import active_blocks, matching, nullspace, rank, rank_drops, relu_features, term_rank


def test_hand_examples():
    assert rank([[1, 2], [2, 4]]) == 1 and term_rank([[1, 2], [2, 4]]) == 2
    assert rank([[0, 1], [0, 0]]) == term_rank([[0, 1], [0, 0]]) == 1
    assert term_rank([[1, 1, 1], [0, 0, 1], [0, 0, 1]]) == 2  # the last column is needed twice
    assert matching([[0, 5], [3, 0]]) == [(0, 1), (1, 0)]


def test_every_3x3_pattern_with_random_entries():
    rng = random.Random(0)
    for bits in range(2**9):
        entry = [F(rng.randint(-9, 9) or 1, rng.randint(1, 4)) for _ in range(9)]
        M = [[entry[3 * i + j] if bits >> (3 * i + j) & 1 else 0 for j in range(3)] for i in range(3)]
        r, t = rank(M), term_rank(M)
        assert r == fraction_rank(M)
        assert t == brute_term_rank(M)
        assert r <= t
        m = matching(M)
        assert len(m) == t and all(M[i][j] != 0 for i, j in m)
        assert len({i for i, _ in m}) == len({j for _, j in m}) == t


def test_rectangular_matrices_against_brute_force():
    rng = random.Random(1)
    for _ in range(200):
        rows, cols = rng.randint(1, 4), rng.randint(1, 5)
        M = [[rng.choice([0, 0, 1, -2, F(1, 3)]) for _ in range(cols)] for _ in range(rows)]
        assert rank(M) == fraction_rank(M) <= term_rank(M) == brute_term_rank(M)


def test_nullspace_is_a_basis_of_the_kernel():
    rng = random.Random(2)
    for _ in range(100):
        rows, cols = rng.randint(1, 4), rng.randint(1, 5)
        M = [[F(rng.randint(-2, 2), rng.randint(1, 2)) for _ in range(cols)] for _ in range(rows)]
        N = nullspace(M, cols)
        assert len(N) == cols - fraction_rank(M)
        for z in N:
            assert all(sum(a * b for a, b in zip(row, z)) == 0 for row in M)
        if N:
            assert fraction_rank(N) == len(N)


def test_relu_features_by_hand():
    H = relu_features([[0, 0], [1, 2]], [[1, 1], [1, -1]], [F(-1, 2), 0])
    assert [[0, 0], [F(5, 2), 0]] == H


def brute_blocks(H):
    """Maximal all-non-zero blocks by trying every row subset."""
    N = len(H)
    out = set()
    for k in range(1, N + 1):
        for Irows in itertools.combinations(range(N), k):
            J = tuple(j for j in range(len(H[0])) if all(H[i][j] != 0 for i in Irows))
            if J:
                out.add((tuple(i for i in range(N) if all(H[i][j] != 0 for j in J)), J))
    return sorted(out)


def test_active_blocks_against_every_row_subset():
    rng = random.Random(3)
    for _ in range(300):
        N, m = rng.randint(1, 6), rng.randint(1, 5)
        H = [[rng.choice([0, 1, 2]) for _ in range(m)] for _ in range(N)]
        assert active_blocks(H) == brute_blocks(H)


def test_rank_drops_all_ones_and_a_seeded_run():
    # one value only (s = 1), no zeros: every matrix is all-ones, rank 1 < term rank 4
    d = rank_drops(10, 4, [1], F(0), seed=0)
    assert (d.trials, d.drops, d.bound, d.rate) == (10, 10, 4, 1)
    d = rank_drops(300, 4, [1, 2, 3, 4, 5], F(1, 2), seed=0)
    assert d.drops > 0 and d.rate <= d.bound <= F(4, 5)


def test_bad_input():
    with pytest.raises(InputError):
        rank([])
    with pytest.raises(InputError):
        rank([["x"]])
