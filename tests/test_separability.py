"""Exact strict separability with certificates (exactpwl.separability, PAPER.md R13)."""

from __future__ import annotations

import itertools
import random
from fractions import Fraction as F

import pytest
import z3

from exactpwl.errors import InputError
from exactpwl.separability import affine_image, relu_image, separate


def z3_separable(A, B) -> bool:
    """A second, independent decision: z3 over the reals, strict inequalities."""
    n = len(A[0])
    w = z3.Reals(" ".join(f"w{i}" for i in range(n)))
    c = z3.Real("c")
    s = z3.Solver()
    for a in A:
        s.add(z3.Sum([wi * z3.Q(v.numerator, v.denominator) for wi, v in zip(w, map(F, a))]) - c > 0)
    for b in B:
        s.add(z3.Sum([wi * z3.Q(v.numerator, v.denominator) for wi, v in zip(w, map(F, b))]) - c < 0)
    return s.check() == z3.sat


def check_certificate(s, A, B):
    A = [[F(v) for v in a] for a in A]
    B = [[F(v) for v in b] for b in B]
    if s.separable:
        assert s.delta > 0
        assert all(sum(w * v for w, v in zip(s.w, a)) - s.c >= s.delta for a in A)
        assert all(sum(w * v for w, v in zip(s.w, b)) - s.c <= -s.delta for b in B)
        assert max(abs(w) for w in s.w) <= 1
    else:
        assert min(s.lam) >= 0 and min(s.mu) >= 0 and sum(s.lam) == sum(s.mu) == 1
        pa = [sum(lam * a[d] for lam, a in zip(s.lam, A)) for d in range(len(A[0]))]
        pb = [sum(m * b[d] for m, b in zip(s.mu, B)) for d in range(len(B[0]))]
        assert pa == pb == list(s.point)


def test_xor_before_and_after_the_paper_layer():
    A, B = [(0, 1), (1, 0)], [(0, 0), (1, 1)]
    s = separate(A, B)
    assert not s.separable and s.point == (F(1, 2), F(1, 2))  # both diagonals cross at the centre
    check_certificate(s, A, B)
    W, b = [[1, 0], [0, 1], [1, 1]], [0, 0, -1]
    zA, zB = relu_image(A, W, b), relu_image(B, W, b)
    assert zA == [(0, 1, 0), (1, 0, 0)] and zB == [(0, 0, 0), (1, 1, 1)]  # PAPER.md example 5
    t = separate(zA, zB)
    assert t.separable
    check_certificate(t, zA, zB)


def test_margin_by_hand():
    # A = {0}, B = {1} on the line: the best |w| <= 1 separator is w = -1, c = -1/2, margin 1/2
    s = separate([[0]], [[1]])
    assert s.separable and s.delta == F(1, 2) and s.w == (-1,) and s.c == F(-1, 2)
    # a shared point: not separable, both combinations are that point
    s = separate([[0, 0], [1, 1]], [[1, 1]])
    assert not s.separable and s.point == (1, 1)


def test_every_labelling_of_small_subsets_of_the_3x3_grid_agrees_with_z3():
    grid = list(itertools.product(range(3), repeat=2))
    count = 0
    for k in (3, 4):
        for pts in itertools.combinations(grid, k):
            for mask in range(1, 2**k - 1, 5):  # every fifth labelling, both classes non-empty
                A = [p for i, p in enumerate(pts) if mask >> i & 1]
                B = [p for i, p in enumerate(pts) if not mask >> i & 1]
                s = separate(A, B)
                assert s.separable == z3_separable(A, B)
                check_certificate(s, A, B)
                count += 1
    assert count > 200


def test_injective_embeddings_keep_the_answer():
    rng = random.Random(0)
    grid = list(itertools.product(range(3), repeat=2))
    for _ in range(60):
        pts = rng.sample(grid, 4)
        A, B = pts[:2], pts[2:]
        T = [[rng.randint(-2, 2) for _ in range(2)] for _ in range(3)]
        if T[0][0] * T[1][1] - T[0][1] * T[1][0] == 0:
            continue  # keep a non-singular 2 x 2 block: T is injective
        t = [rng.randint(-3, 3) for _ in range(3)]
        assert separate(A, B).separable == separate(affine_image(A, T, t), affine_image(B, T, t)).separable


def test_bad_input():
    with pytest.raises(InputError):
        separate([], [[1]])
    with pytest.raises(InputError):
        separate([[1, 2]], [[1]])
    with pytest.raises(InputError):
        separate([[1, "a"]], [[1, 2]])
