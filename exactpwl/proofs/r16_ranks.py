"""R16. Ranks of interpolation matrices: rank <= term rank, and what ReLU features force.

Statement (PAPER.md R16).  (a) For every matrix, rank <= term rank (the size of a maximum
matching of the non-zero positions).  (c) If the non-zero entries are drawn uniformly from a set
of s values, P(rank < term rank) <= r / s for a pattern of term rank r (Schwartz-Zippel).
(d) For an interpolation matrix H_ij = relu(w_j.x_i + b_j) and any rows I, columns J with all
entries active, H[I, J] = [X_I 1][W_J b_J]^T has rank <= n + 1; so a full-rank H with
N > n + 1 rows has zero (inactive) entries.  Part (b) (generic entries) is a probability-one
statement and is not checked.

Check: (a) every 0/1 pattern of every shape up to 4 x 4, with the pattern's own entries (1) and
with seeded random rationals, exact rank and term rank (networkx matching); (d) random small
networks and data: every maximal all-active block has rank <= n + 1, and a full-rank H with
N > n + 1 has a zero; (c) statistically: the rank-drop rate of 2000 random 4 x 4 patterns
(entries in {1..5}) against the mean exact bound r / s.
Mutant: rank = term rank for 0/1 patterns.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from fractions import Fraction

from ..ranks import active_blocks, rank, rank_drops, relu_features, term_rank
from . import Witness, rank_witness

RESULT = "R16"
STATEMENT = "rank <= term rank; all-active ReLU blocks: rank <= n+1"
FAMILY = "every 0/1 pattern <= 4x4; random nets; statistics"
QUICK = "every 0/1 pattern <= 3x3; random nets; statistics (300)"
MUTANT = "rank = term rank for 0/1 patterns"


def exhaustive(quick: bool) -> Iterator[tuple]:
    """Every 0/1 pattern of every shape r x c, 1 <= r, c <= 4 (quick: <= 3):
    sum_{r, c} 2^(r c) patterns."""
    top = 3 if quick else 4
    for r, c in itertools.product(range(1, top + 1), repeat=2):
        for bits in range(2 ** (r * c)):
            yield ("pattern", tuple(tuple(bits >> (c * i + j) & 1 for j in range(c)) for i in range(r)))


def sampled(quick: bool) -> Iterator[tuple]:
    """Random networks (n in {1, 2}, 3..6 units, integer weights -2..2) on 4..7 points of
    {-3..3}^n; then the statistical experiment (one case)."""
    rng = random.Random(16)
    for _ in range(20 if quick else 300):
        n, m, N = rng.randint(1, 2), rng.randint(3, 6), rng.randint(4, 7)
        grid = list(itertools.product(range(-3, 4), repeat=n))
        X = tuple(rng.sample(grid, N))
        W = tuple(tuple(rng.randint(-2, 2) for _ in range(n)) for _ in range(m))
        yield ("relu", X, W, tuple(rng.randint(-2, 2) for _ in range(m)))
    yield ("statistics", 300 if quick else 2000)


def check(case: tuple, mutant: bool = False) -> Witness | None:
    kind = case[0]
    if kind == "pattern":
        P = [list(row) for row in case[1]]
        if mutant:
            t = term_rank(P)
            return rank_witness(f"{RESULT}: {MUTANT}", P, t) if rank(P) != t else None
        rng = random.Random(repr(case))
        M = [
            [Fraction(rng.choice([-7, -3, -1, 1, 2, 5]), rng.randint(1, 4)) if v else 0 for v in row]
            for row in P
        ]
        t = term_rank(P)  # the term rank depends on the pattern only
        for A in (P, M):
            if rank(A) > t:
                raise AssertionError(f"{RESULT}: rank {rank(A)} > term rank {t} for {A}")
        return None
    if mutant:
        return None
    if kind == "relu":
        _, X, W, b = case
        n = len(X[0])
        H = relu_features(X, W, b)
        for rows, cols in active_blocks(H):
            if rank([[H[i][j] for j in cols] for i in rows]) > n + 1:
                raise AssertionError(
                    f"{RESULT}: an all-active block of H has rank > n + 1: rows {rows}, columns {cols}"
                )
        if len(X) > n + 1 and rank(H) == len(X) and all(v != 0 for row in H for v in row):
            raise AssertionError(f"{RESULT}: H has full row rank {len(X)} > n + 1 without a zero entry")
        return None
    d = rank_drops(case[1], 4, [1, 2, 3, 4, 5], Fraction(1, 2), seed=2000)
    if d.rate > d.bound:
        raise AssertionError(f"{RESULT}: rank drops {d.drops}/{d.trials} exceed the mean bound {d.bound}")
    return None
