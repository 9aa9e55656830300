"""Tests of exactpwl.polyhedron (and the Farkas certificates of exactpwl.lp).

Every claim the code makes is re-checked here with ``fractions.Fraction`` arithmetic:
a facet point must lie on its row and strictly inside every other (non-equal) row, an interior
point strictly inside all rows, Farkas multipliers must satisfy their identities exactly.  Facet
sets are compared with values derived by hand, or with a brute-force vertex enumeration written
in this file (bounded polytopes in 2-D and 3-D).
"""

from __future__ import annotations

import itertools
import math
import random
from fractions import Fraction

import pytest
from flint import fmpq

from exactpwl import lp
from exactpwl.errors import InputError
from exactpwl.polyhedron import BACKENDS, Polyhedron, as_domain, box, describe

ALL = ("ppl", "highs", "exact-lp")


# ----------------------------------------------------------------------------- helpers
def F(q) -> Fraction:
    if isinstance(q, Fraction):
        return q
    if isinstance(q, int):
        return Fraction(q)
    assert isinstance(q, fmpq), type(q)
    return Fraction(int(q.p), int(q.q))


def pt(p) -> tuple[Fraction, ...]:
    return tuple(F(v) for v in p)


def dot(a, x) -> Fraction:
    return sum((Fraction(ai) * Fraction(xi) for ai, xi in zip(a, x)), Fraction(0))


def prim(a, b) -> tuple[tuple[int, ...], int]:
    """Independent primitive form of a rational row a.x <= b (positive scaling to coprime ints)."""
    vals = [Fraction(v) for v in list(a) + [b]]
    den = math.lcm(*(v.denominator for v in vals))
    ints = [int(v * den) for v in vals]
    g = math.gcd(*ints) or 1
    ints = [v // g for v in ints]
    return tuple(ints[:-1]), ints[-1]


def check_interior(rows, p):
    assert p is not None
    p = pt(p)
    for a, b in rows:
        assert dot(a, p) < b, f"interior point {p} not strictly inside {a}.x <= {b}"


def check_facet_point(rows, i, p):
    """p on row i, strictly inside every row that is not the same half-space as row i."""
    p = pt(p)
    a_i, b_i = rows[i]
    assert dot(a_i, p) == b_i, f"facet point {p} not on row {i}"
    for j, (a, b) in enumerate(rows):
        if prim(a, b) == prim(a_i, b_i):
            assert dot(a, p) == b
        else:
            assert dot(a, p) < b, f"facet point {p} of row {i} not strictly inside row {j}"


def check_redundancy_cert(rows, i, y):
    """y >= 0 over j != i, sum y_j a_j == a_i, sum y_j b_j <= b_i, all exact."""
    assert isinstance(y, dict)
    n = len(rows[i][0])
    combo = [Fraction(0)] * n
    rhs = Fraction(0)
    for j, v in y.items():
        assert j != i and 0 <= j < len(rows)
        v = Fraction(v)
        assert v >= 0
        a, b = rows[j]
        for k in range(n):
            combo[k] += v * a[k]
        rhs += v * b
    assert combo == [Fraction(v) for v in rows[i][0]]
    assert rhs <= rows[i][1]


def check_emptiness_cert(rows, y):
    """y >= 0, sum y_j a_j == 0, sum y_j b_j < 0, all exact."""
    assert isinstance(y, dict) and y
    n = len(rows[0][0])
    combo = [Fraction(0)] * n
    rhs = Fraction(0)
    for j, v in y.items():
        assert 0 <= j < len(rows)
        v = Fraction(v)
        assert v >= 0
        a, b = rows[j]
        for k in range(n):
            combo[k] += v * a[k]
        rhs += v * b
    assert all(c == 0 for c in combo)
    assert rhs < 0


def canonical_index(rows, i) -> int:
    """The first row that is the same half-space as row i (what ``facets`` reports)."""
    target = prim(*rows[i])
    return next(j for j, r in enumerate(rows) if prim(*r) == target)


def has_equal_other(rows, i) -> bool:
    target = prim(*rows[i])
    return any(j != i and prim(*r) == target for j, r in enumerate(rows))


def check_description(rows, n, backend, facets, dim, bounded):
    """describe() on primitive rows against hand-derived facets / dim / boundedness, plus all checks."""
    d = describe(rows, n, backend)
    assert d.dim == dim
    assert d.bounded is bounded
    assert set(d.facets) == set(facets)
    assert len(d.facets) == len(set(d.facets)) == len(d.facet_points)
    if dim == n:
        check_interior(rows, d.interior)
        for i, p in zip(d.facets, d.facet_points):
            check_facet_point(rows, i, p)
    else:
        assert d.interior is None
        assert d.facets == ()
    return d


def full_check(P: Polyhedron, facets, dim, bounded):
    """Facets via Polyhedron on every backend, plus redundancy certificates of every row."""
    rows = P.rows
    n = P.dim
    for backend in ALL:
        check_description(rows, n, backend, facets, dim, bounded)
        got = P.facets(backend)
        assert {r for r, _ in got} == {rows[i] for i in facets}
        for r, p in got:
            check_facet_point(rows, rows.index(r), p)
    assert P.is_bounded() is bounded
    assert P.is_full_dimensional() is (dim == n)
    assert P.is_empty() is (dim < 0)
    if dim == n:
        for i in range(len(rows)):
            y = P.redundancy_certificate(i)
            if i in facets and not has_equal_other(rows, i):
                assert y is None, f"row {i} is a facet but got a redundancy certificate {y}"
            else:
                assert y is not None, f"row {i} is redundant but got no certificate"
                check_redundancy_cert(rows, i, y)
        assert P.emptiness_certificate() is None


# ----------------------------------------------------------------------------- hand-made polygons
def test_square_with_redundant_duplicated_and_parallel_rows():
    # unit square 0 <= x, y <= 1, plus: x + y <= 3 (redundant), x <= 1 again (duplicate of row 0),
    # 2x <= 3 and x <= 2 (parallel, looser), and 2y <= 2 (same half-space as row 1 after scaling)
    A = [[1, 0], [0, 1], [-1, 0], [0, -1], [1, 1], [1, 0], [2, 0], [1, 0], [0, 2]]
    b = [1, 1, 0, 0, 3, 1, 3, 2, 2]
    P = Polyhedron(A, b)
    # primitive rows, by hand: (0, 2) . x <= 2 is (0, 1) . x <= 1
    assert P.rows == (
        ((1, 0), 1),
        ((0, 1), 1),
        ((-1, 0), 0),
        ((0, -1), 0),
        ((1, 1), 3),
        ((1, 0), 1),
        ((2, 0), 3),
        ((1, 0), 2),
        ((0, 1), 1),
    )
    full_check(P, facets={0, 1, 2, 3}, dim=2, bounded=True)
    # the unit square: interior is strictly in (0, 1)^2
    ip = pt(P.interior_point())
    assert all(0 < v < 1 for v in ip)
    # row 6 (2x <= 3) is implied by 2 * row 0 (2x <= 2); row 4 by rows 0 + 1 (x + y <= 2)
    assert P.contains([1, 1]) and not P.contains([1, 1], strict=True)
    assert P.contains(["1/2", "1/2"], strict=True)
    assert not P.contains(["1.01", 0])


def test_triangle_with_redundant_row_through_a_vertex():
    # x >= 0, y >= 0, x + y <= 1, and x <= 1 which touches the triangle only at the vertex (1, 0)
    P = Polyhedron([[-1, 0], [0, -1], [1, 1], [1, 0]], [0, 0, 1, 1])
    full_check(P, facets={0, 1, 2}, dim=2, bounded=True)
    # the certificate for x <= 1 must combine -y <= 0 and x + y <= 1: y = {1: 1, 2: 1}, the only one
    y = P.redundancy_certificate(3)
    assert {j: Fraction(v) for j, v in y.items() if v != 0} == {1: Fraction(1), 2: Fraction(1)}
    # the facet point of y >= 0 is strictly inside x <= 1, so it is not the vertex (1, 0)
    for backend in ALL:
        for r, p in P.facets(backend):
            if r == ((0, -1), 0):
                assert 0 < pt(p)[0] < 1


def test_parallel_rows_keep_the_tightest():
    # x <= 1, x <= 2, x >= 0, x >= -1, y <= 1, y >= -1
    P = Polyhedron([[1, 0], [1, 0], [-1, 0], [-1, 0], [0, 1], [0, -1]], [1, 2, 0, 1, 1, 1])
    full_check(P, facets={0, 2, 4, 5}, dim=2, bounded=True)
    # the same with the tight rows given last
    Q = Polyhedron([[1, 0], [1, 0], [-1, 0], [-1, 0], [0, 1], [0, -1]], [2, 1, 1, 0, 1, 1])
    full_check(Q, facets={1, 3, 4, 5}, dim=2, bounded=True)


def test_duplicated_rows_report_the_first():
    # a triangle, every row given twice (rows 3-5 are rows 0-2 scaled by 3, 2 and 1/2)
    A = [[-1, 0], [0, -1], [1, 1], [-3, 0], [0, -2], ["1/2", "1/2"]]
    b = [0, 0, 2, 0, 0, 1]
    P = Polyhedron(A, b)
    assert P.rows[3:] == P.rows[:3] == (((-1, 0), 0), ((0, -1), 0), ((1, 1), 2))
    full_check(P, facets={0, 1, 2}, dim=2, bounded=True)


def test_fractional_rows():
    # x <= 1/2, y <= 1/3, x + y >= -1/6 (i.e. -x - y <= 1/6), and a redundant x <= 0.75
    P = Polyhedron([[1, 0], [0, 1], [-1, -1], [1, 0]], ["1/2", "1/3", "1/6", "0.75"])
    assert P.rows == (((2, 0), 1), ((0, 3), 1), ((-6, -6), 1), ((4, 0), 3))
    full_check(P, facets={0, 1, 2}, dim=2, bounded=True)


def test_cube_with_a_cut_corner_3d():
    # 0 <= x, y, z <= 1, x + y + z <= 5/2 (cuts the corner (1, 1, 1)), x + y + z <= 4 (redundant)
    A = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [-1, 0, 0], [0, -1, 0], [0, 0, -1], [2, 2, 2], [1, 1, 1]]
    b = [1, 1, 1, 0, 0, 0, 5, 4]
    P = Polyhedron(A, b)
    full_check(P, facets={0, 1, 2, 3, 4, 5, 6}, dim=3, bounded=True)


# ----------------------------------------------------------------------------- unbounded
def test_half_plane():
    P = Polyhedron([[1, 1]], [1])
    full_check(P, facets={0}, dim=2, bounded=False)


def test_strip():
    # 0 <= x <= 1, y free; a redundant x <= 5
    P = Polyhedron([[1, 0], [-1, 0], [1, 0]], [1, 0, 5])
    full_check(P, facets={0, 1}, dim=2, bounded=False)


def test_cone_2d():
    # y >= |x|: x - y <= 0, -x - y <= 0; plus the redundant -y <= 0 (tight only at the apex)
    P = Polyhedron([[1, -1], [-1, -1], [0, -1]], [0, 0, 0])
    full_check(P, facets={0, 1}, dim=2, bounded=False)
    for backend in ALL:
        for _, p in P.facets(backend):
            assert pt(p)[1] > 0  # not the apex


def test_orthant_3d_with_redundant_row_through_apex():
    # x, y, z >= 0 and the redundant x + y + z >= 0
    P = Polyhedron([[-1, 0, 0], [0, -1, 0], [0, 0, -1], [-1, -1, -1]], [0, 0, 0, 0])
    full_check(P, facets={0, 1, 2}, dim=3, bounded=False)


@pytest.mark.parametrize("backend", ALL)
def test_whole_space_and_trivial_rows(backend):
    """R^2 (no rows, or only 0 . x <= 1): full-dimensional, unbounded, no facets.

    The ppl backend currently raises ValueError here (see the report).
    """
    d = describe([], 2, backend)
    assert (d.dim, d.facets, d.facet_points, d.bounded) == (2, (), (), False)
    assert len(d.interior) == 2
    # 0 . x <= 1 holds everywhere: still the whole space
    rows = [((0, 0), 1)]
    d = describe(rows, 2, backend)
    assert (d.dim, d.facets, d.bounded) == (2, (), False)
    check_interior(rows, d.interior)


def test_whole_space_polyhedron():
    P = Polyhedron([], [], dim=3)
    assert P.emptiness_certificate() is None
    assert P.is_full_dimensional() and not P.is_bounded() and not P.is_empty()
    assert len(P.interior_point()) == 3
    assert P.facets() == []


# ----------------------------------------------------------------------------- lower-dimensional, empty
@pytest.mark.parametrize(
    "A, b, dim, bounded",
    [
        # the segment x = 0, 0 <= y <= 1
        ([[1, 0], [-1, 0], [0, 1], [0, -1]], [0, 0, 1, 0], 1, True),
        # the point (0, 0)
        ([[1, 0], [-1, 0], [0, 1], [0, -1]], [0, 0, 0, 0], 0, True),
        # the line x = y
        ([[1, -1], [-1, 1]], [0, 0], 1, False),
        # the plane z = 1 in R^3
        ([[0, 0, 1], [0, 0, -1]], [1, -1], 2, False),
        # the triangle x + y <= 1, x, y >= 0 inside the plane z = 0 of R^3
        ([[1, 1, 0], [-1, 0, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]], [1, 0, 0, 0, 0], 2, True),
    ],
)
def test_lower_dimensional(A, b, dim, bounded):
    P = Polyhedron(A, b)
    for backend in ALL:
        check_description(P.rows, P.dim, backend, facets=set(), dim=dim, bounded=bounded)
    assert not P.is_full_dimensional() and not P.is_empty()
    assert P.interior_point() is None
    assert P.emptiness_certificate() is None


@pytest.mark.parametrize(
    "A, b",
    [
        ([[1, 0], [-1, 0]], [0, -1]),  # x <= 0 and x >= 1
        ([[0, 0]], [-1]),  # 0 <= -1
        ([[1, 1], [-1, 0], [0, -1]], [0, -1, -1]),  # x + y <= 0, x >= 1, y >= 1
        ([[1, 0], [0, 1], [-1, -1], [1, 0], [0, -1]], [1, 1, -3, 5, 5]),  # x, y <= 1 and x + y >= 3
        ([[1, 0, 0], [0, 1, 0], [0, 0, 1], [-1, -1, -1]], ["1/3", "1/3", "1/3", "-1.5"]),
    ],
)
def test_empty(A, b):
    P = Polyhedron(A, b)
    for backend in ALL:
        check_description(P.rows, P.dim, backend, facets=set(), dim=-1, bounded=True)
    assert P.is_empty() and not P.is_full_dimensional()
    assert P.interior_point() is None
    y = P.emptiness_certificate()
    assert y is not None
    check_emptiness_cert(P.rows, y)


def test_emptiness_certificate_by_hand():
    # x + y <= 0, -x <= -1, -y <= -1: the sum of the three rows is 0 <= -2; any positive
    # multiple of (1, 1, 1) is a certificate and it is the only kind
    P = Polyhedron([[1, 1], [-1, 0], [0, -1]], [0, -1, -1])
    y = P.emptiness_certificate()
    check_emptiness_cert(P.rows, y)
    vals = [Fraction(y.get(j, 0)) for j in range(3)]
    assert vals[0] > 0 and vals[0] == vals[1] == vals[2]


def test_redundancy_certificate_by_hand():
    # rows: x <= 1, y <= 1, x + y <= 2 (implied by 1 * row 0 + 1 * row 1 and by nothing else)
    P = Polyhedron([[1, 0], [0, 1], [1, 1], [-1, 0], [0, -1]], [1, 1, 2, 0, 0])
    y = P.redundancy_certificate(2)
    check_redundancy_cert(P.rows, 2, y)
    assert {j: Fraction(v) for j, v in y.items() if v != 0} == {0: Fraction(1), 1: Fraction(1)}
    for i in (0, 1, 3, 4):
        assert P.redundancy_certificate(i) is None


# ----------------------------------------------------------------------------- random vs brute force
def solve(M, rhs):
    """Unique solution of the square system M x = rhs (Fractions), or None when singular."""
    n = len(M)
    aug = [[Fraction(v) for v in row] + [Fraction(r)] for row, r in zip(M, rhs)]
    for c in range(n):
        piv = next((r for r in range(c, n) if aug[r][c] != 0), None)
        if piv is None:
            return None
        aug[c], aug[piv] = aug[piv], aug[c]
        for r in range(n):
            if r != c and aug[r][c] != 0:
                f = aug[r][c] / aug[c][c]
                aug[r] = [x - f * y for x, y in zip(aug[r], aug[c])]
    return tuple(aug[i][n] / aug[i][i] for i in range(n))


def rank(vectors) -> int:
    rows = [[Fraction(v) for v in vec] for vec in vectors]
    r = 0
    ncols = len(rows[0]) if rows else 0
    for c in range(ncols):
        piv = next((i for i in range(r, len(rows)) if rows[i][c] != 0), None)
        if piv is None:
            continue
        rows[r], rows[piv] = rows[piv], rows[r]
        for i in range(len(rows)):
            if i != r and rows[i][c] != 0:
                f = rows[i][c] / rows[r][c]
                rows[i] = [x - f * y for x, y in zip(rows[i], rows[r])]
        r += 1
    return r


def brute_force_facets(rows, n) -> set[int]:
    """Facets of a bounded full-dimensional polytope by vertex enumeration (first equal row)."""
    verts = set()
    for combo in itertools.combinations(range(len(rows)), n):
        x = solve([rows[j][0] for j in combo], [rows[j][1] for j in combo])
        if x is not None and all(dot(a, x) <= b for a, b in rows):
            verts.add(x)
    facets = set()
    for i, (a, b) in enumerate(rows):
        on = [v for v in verts if dot(a, v) == b]
        if len(on) >= n and rank([[p - q for p, q in zip(v, on[0])] for v in on[1:]]) == n - 1:
            facets.add(canonical_index(rows, i))
    return facets


def random_polytope_rows(rng, n, extra):
    """A box [-2, 2]^n (bounded), cut by random rows with the origin strictly inside."""
    rows = []
    for k in range(n):
        e = [0] * n
        e[k] = 1
        rows.append(prim(e, 2))
        rows.append(prim([-v for v in e], 2))
    for _ in range(extra):
        a = [rng.randint(-3, 3) for _ in range(n)]
        if not any(a):
            continue
        rows.append(prim(a, rng.randint(1, 6)))
    # some duplicates, and scaled copies (equal after normalisation)
    for _ in range(rng.randint(0, 2)):
        rows.append(rows[rng.randrange(len(rows))])
    rng.shuffle(rows)
    return rows


@pytest.mark.parametrize("n, trials, extra", [(2, 40, 6), (3, 12, 5)])
def test_random_polytopes_vs_brute_force(n, trials, extra):
    rng = random.Random(10 + n)
    for _ in range(trials):
        rows = random_polytope_rows(rng, n, extra)
        expected = brute_force_facets(rows, n)
        for backend in ALL:
            check_description(rows, n, backend, expected, dim=n, bounded=True)
        # through Polyhedron, with each row given scaled by a random positive rational
        scales = [Fraction(rng.randint(1, 9), rng.randint(1, 9)) for _ in rows]
        P = Polyhedron(
            [[s * v for v in a] for (a, _), s in zip(rows, scales)],
            [s * b for (_, b), s in zip(rows, scales)],
        )
        assert P.rows == tuple(rows)
        full_check(P, facets=expected, dim=n, bounded=True)


def test_random_unbounded_2d_self_checked():
    """Random (often unbounded) polyhedra: every reported facet has a witness point, every other
    row a verified Farkas certificate, and the three backends agree on facets, dim and boundedness."""
    rng = random.Random(12)
    seen_unbounded = 0
    for _ in range(30):
        rows = []
        for _ in range(rng.randint(1, 5)):
            a = [rng.randint(-3, 3) for _ in range(2)]
            if any(a):
                rows.append(prim(a, rng.randint(0, 4)))
        if not rows:
            continue
        rows.append(rows[0])  # a duplicate
        descs = [describe(rows, 2, backend) for backend in ALL]
        d0 = descs[0]
        assert d0.dim == 2  # the origin satisfies every row (b >= 0), a cone around it is full
        for d in descs:
            assert (d.dim, set(d.facets), d.bounded) == (d0.dim, set(d0.facets), d0.bounded)
            check_interior(rows, d.interior)
            for i, p in zip(d.facets, d.facet_points):
                check_facet_point(rows, i, p)
        P = Polyhedron.from_rows(rows, 2)
        for i in range(len(rows)):
            y = P.redundancy_certificate(i)
            if i in d0.facets and not has_equal_other(rows, i):
                assert y is None
            else:
                check_redundancy_cert(rows, i, y)
        seen_unbounded += not d0.bounded
    assert seen_unbounded > 5


def test_random_emptiness_certificates():
    rng = random.Random(13)
    empty = nonempty = 0
    for _ in range(40):
        rows = [
            prim([rng.randint(-2, 2) for _ in range(2)], rng.randint(-3, 2)) for _ in range(rng.randint(2, 5))
        ]
        rows = [r for r in rows if any(r[0])]
        if not rows:
            continue
        P = Polyhedron.from_rows(rows, 2)
        y = P.emptiness_certificate()
        d = describe(rows, 2, "ppl")
        if y is None:
            nonempty += 1
            # not empty: the PPL description has a point, and each backend says dim >= 0
            assert d.dim >= 0
        else:
            empty += 1
            check_emptiness_cert(rows, y)  # proves emptiness by itself
            for backend in ALL:
                assert describe(rows, 2, backend).dim == -1
        if d.dim == 2:
            check_interior(rows, d.interior)  # proves non-emptiness by itself
            assert y is None
    assert empty > 3 and nonempty > 3


# ----------------------------------------------------------------------------- LP statistics
def test_no_fallbacks_on_a_well_conditioned_example():
    # a pentagon with two redundant rows; HiGHS proposals should all verify exactly
    A = [[1, 0], [0, 1], [-1, 0], [0, -1], [1, 1], [3, 0], [1, 2]]
    b = [2, 2, 0, 0, 3, 9, 10]
    P = Polyhedron(A, b)
    before = lp.STATS.fallbacks
    d = describe(P.rows, 2, "highs")
    certs = [P.redundancy_certificate(i) for i in range(len(P.rows))]
    assert lp.STATS.fallbacks - before == 0
    # and the results are right: facets by hand are x <= 2, y <= 2, x >= 0, y >= 0, x + y <= 3
    assert set(d.facets) == {0, 1, 2, 3, 4}
    for i, y in enumerate(certs):
        if i in (5, 6):
            check_redundancy_cert(P.rows, i, y)
        else:
            assert y is None


# ----------------------------------------------------------------------------- box, as_domain
def test_box_by_hand():
    P = box([[-1, 1], [0, "1/2"]])
    assert P.dim == 2
    # rows per coordinate: x <= hi, then -x <= -lo; y <= 1/2 is 2y <= 1
    assert P.rows == (((1, 0), 1), ((-1, 0), 1), ((0, 2), 1), ((0, -1), 0))
    full_check(P, facets={0, 1, 2, 3}, dim=2, bounded=True)
    assert P.contains([-1, 0]) and P.contains([1, "0.5"])
    assert not P.contains([-1, 0], strict=True)
    assert not P.contains([0, "0.51"])
    ip = pt(P.interior_point())
    assert -1 < ip[0] < 1 and 0 < ip[1] < Fraction(1, 2)


def test_as_domain_good():
    assert as_domain(None, 2) is None
    P = as_domain({"box": [["-1", "1"], [0, 2]]}, 2)
    assert P.rows == (((1, 0), 1), ((-1, 0), 1), ((0, 1), 2), ((0, -1), 0))
    Q = as_domain({"A": [[1, 1], [-1, 0], [0, -1]], "b": [1, 0, 0]}, 2)
    assert Q.rows == (((1, 1), 1), ((-1, 0), 0), ((0, -1), 0))
    R = Polyhedron([[1]], [0])
    assert as_domain(R, 1) is R


def expect_input_error(fn, *needles):
    with pytest.raises(InputError) as ei:
        fn()
    msg = str(ei.value)
    assert msg and "\n" not in msg, f"not a one-line message: {msg!r}"
    for needle in needles:
        assert needle in msg, f"{needle!r} not in {msg!r}"
    return msg


def test_box_errors():
    expect_input_error(lambda: box([[0, 1], [1, 1]]), "coordinate 2")  # lo == hi
    expect_input_error(lambda: box([[2, 1]]), "coordinate 1")  # lo > hi
    expect_input_error(lambda: box([[0, 1], [0]]), "entry 2")
    expect_input_error(lambda: box([[0, 1, 2]]), "entry 1")
    expect_input_error(lambda: box([5]), "entry 1")
    expect_input_error(lambda: box([[0, "abc"]]), "coordinate 1")
    expect_input_error(lambda: box([[float("nan"), 1]]), "coordinate 1")
    expect_input_error(lambda: box([["1/0", 1]]), "coordinate 1")


def test_as_domain_errors():
    expect_input_error(lambda: as_domain({"box": [[0, 1], [1, 1]]}, 2), "coordinate 2")
    expect_input_error(lambda: as_domain({"box": [[0, 1], ["1/2", "0.5"]]}, 2), "coordinate 2")
    expect_input_error(lambda: as_domain({"box": [[0, 1]]}, 2), "domain", "2 pairs")  # one pair, 2 inputs
    expect_input_error(lambda: as_domain({"box": [[0, 1], [0, 1], [0, 1]]}, 2), "domain")
    expect_input_error(lambda: as_domain({"box": "[[0, 1]]"}, 1), "domain")
    expect_input_error(lambda: as_domain({"box": [[0, 1]], "A": [[1]]}, 1), "domain")
    expect_input_error(lambda: as_domain({"boxes": [[0, 1]]}, 1), "domain", "boxes")
    expect_input_error(lambda: as_domain({"A": [[1]]}, 1), "domain")
    expect_input_error(lambda: as_domain({}, 1), "domain")
    expect_input_error(lambda: as_domain([[0, 1]], 1), "domain")
    expect_input_error(lambda: as_domain({"A": 1, "b": [1]}, 1), "domain")
    # lower-dimensional and empty domains
    expect_input_error(lambda: as_domain({"A": [[1, 0], [-1, 0]], "b": [0, 0]}, 2), "domain")
    expect_input_error(lambda: as_domain({"A": [[1, 0], [-1, 0]], "b": [0, -1]}, 2), "domain")
    expect_input_error(lambda: as_domain(Polyhedron([[1, 0], [-1, 0]], [1, -1]), 2), "domain")
    # a polyhedron of the wrong dimension
    expect_input_error(lambda: as_domain(Polyhedron([[1]], [0]), 2), "domain")
    # A and b of different lengths, rows of the wrong length, bad entries
    expect_input_error(lambda: as_domain({"A": [[1, 0]], "b": [1, 2]}, 2))
    expect_input_error(lambda: as_domain({"A": [[1, 0, 0]], "b": [1]}, 2), "row 1")
    expect_input_error(lambda: as_domain({"A": [[1, "x"]], "b": [1]}, 2), "row 1")
    expect_input_error(lambda: as_domain({"A": [[1, 0]], "b": [None]}, 2), "entry 1")


def test_as_domain_rows_that_are_not_lists():
    """``{"A": [1, 1], "b": [1, 1]}`` (rows that are numbers) is bad input, not a TypeError.

    Currently Polyhedron calls len() on the number (see the report).
    """
    expect_input_error(lambda: as_domain({"A": [1, 1], "b": [1, 1]}, 2))


def test_polyhedron_constructor_errors():
    expect_input_error(lambda: Polyhedron([[1, 0]], [1, 2]), "1 rows", "2 entries")
    expect_input_error(lambda: Polyhedron([[1, 0], [1]], [1, 2]), "row 2")
    expect_input_error(lambda: Polyhedron([], []))
    expect_input_error(lambda: Polyhedron([[1, "1/0"]], [1]), "row 1")
    expect_input_error(lambda: Polyhedron([[1, 0]], [float("inf")]), "entry 1")


def test_unknown_backend():
    expect_input_error(lambda: describe([((1, 0), 1)], 2, "simplex"), "simplex")
    assert set(BACKENDS) == set(ALL)


@pytest.mark.parametrize("method", ["float", "exact", "auto"])
def test_redundancy_certificate_every_method(method):
    from exactpwl import lp

    # the octagon |x| <= 10, |y| <= 10, |x| + |y| <= 15; the row 2x + y <= 40 is implied
    # (max of 2x + y over the octagon is 25 at (10, 5)); the row x + y <= 12 cuts it (a facet)
    rows = [((1, 0), 10), ((-1, 0), 10), ((0, 1), 10), ((0, -1), 10)]
    rows += [((1, 1), 15), ((1, -1), 15), ((-1, 1), 15), ((-1, -1), 15)]
    implied = rows + [((2, 1), 40)]
    y = lp.redundancy_certificate(implied, len(implied) - 1, method=method)
    assert y is not None and all(v >= 0 for v in y.values())
    combo = [sum(Fraction(v) * implied[j][0][k] for j, v in y.items()) for k in range(2)]
    rhs = sum(Fraction(v) * implied[j][1] for j, v in y.items())
    assert combo == [2, 1] and rhs <= 40
    cutting = rows + [((1, 1), 12)]
    assert lp.redundancy_certificate(cutting, len(cutting) - 1, method=method) is None


# ---------------------------------------------------------------------- domains as text and JSON
@pytest.mark.parametrize(
    "spec, n, text, json_form",
    [
        (None, 3, "R^3", None),
        ({"box": [[0, 4]]}, 1, "[0, 4]", {"box": [["0", "4"]]}),
        ({"box": [["-1/2", "1/3"]] * 2}, 2, "[-1/2, 1/3]^2", {"box": [["-1/2", "1/3"]] * 2}),
        ({"box": [[0, 1], [0, 2]]}, 2, "[0, 1] x [0, 2]", {"box": [["0", "1"], ["0", "2"]]}),
        # a triangle is no box; its rows are written as they are (primitive integers)
        (
            {"A": [[-1, 0], [0, -1], ["1/2", "1/2"]], "b": [0, 0, 1]},
            2,
            "{x : -x1 <= 0, -x2 <= 0, x1 + x2 <= 2}",
            {"A": [["-1", "0"], ["0", "-1"], ["1", "1"]], "b": ["0", "0", "2"]},
        ),
        # two upper bounds on x1 and none below: not a box, although every row has one entry
        ({"A": [[1], [2], [-1]], "b": [1, 3, 0]}, 1, "{x : x1 <= 1, 2*x1 <= 3, -x1 <= 0}", None),
    ],
)
def test_domain_text_and_spec(spec, n, text, json_form):
    from exactpwl.polyhedron import domain_spec, domain_text

    dom = as_domain(spec, n)
    assert domain_text(dom, n) == text
    if json_form is not None or spec is None:
        assert domain_spec(dom) == json_form
    if dom is not None:  # the JSON form reads back as the same set of rows
        assert set(as_domain(domain_spec(dom), n).rows) == set(dom.rows)


# ---------------------------------------------------------------------- normals spanning fewer dimensions
# describe() works in the span of the normals when it is smaller than R^n (n >= 4); the answers
# must be those of R^n: facets and dimensions by hand, points checked by the helpers above.
@pytest.mark.parametrize(
    "A, b, facets, dim, bounded",
    [
        # a slab |x1 + x2| <= 1 of R^5 and the redundant x1 + x2 <= 3
        ([[1, 1, 0, 0, 0], [-1, -1, 0, 0, 0], [1, 1, 0, 0, 0]], [1, 1, 3], {0, 1}, 5, False),
        # x1 <= 1, x2 <= 1, x1 + x2 >= 0 in R^6, and x1 + x2 <= 5 (implied by the first two)
        ([[1, 0, 0, 0, 0, 0], [0, 1, 0, 0, 0, 0], [-1, -1, 0, 0, 0, 0], [1, 1, 0, 0, 0, 0]], [1, 1, 0, 5],
         {0, 1, 2}, 6, False),
        # an orthant of R^3 inside R^4, with the redundant x1 + x2 + x3 >= 0
        ([[-1, 0, 0, 0], [0, -1, 0, 0], [0, 0, -1, 0], [-1, -1, -1, 0]], [0, 0, 0, 0], {0, 1, 2}, 4, False),
        # normals on the last coordinates only: 0 <= x4 <= 1 + x5, x5 <= 2 (pivots are not 1..r)
        ([[0, 0, 0, 1, -1], [0, 0, 0, 0, 1], [0, 0, 0, -1, 0]], [1, 2, 0], {0, 1, 2}, 5, False),
        # the hyperplane x1 = x2 of R^5: dimension 4
        ([[1, -1, 0, 0, 0], [-1, 1, 0, 0, 0]], [0, 0], set(), 4, False),
        # empty: x1 + x2 <= -1 and x1 + x2 >= 1
        ([[1, 1, 0, 0, 0], [-1, -1, 0, 0, 0]], [-1, -1], set(), -1, True),
    ],
)  # fmt: skip
def test_normals_in_a_subspace(A, b, facets, dim, bounded):
    full_check(Polyhedron(A, b), facets, dim, bounded)


def test_cell_implied_rows_in_a_subspace():
    from exactpwl.polyhedron import cell, implied

    # the cell 0 <= x1 + x3, x1 <= 2, x3 <= 1 of R^6 (normals span a plane); its non-redundant rows
    rows = [((-1, 0, -1, 0, 0, 0), 0), ((1, 0, 0, 0, 0, 0), 2), ((0, 0, 1, 0, 0, 0), 1)]
    redundant = ((1, 0, 1, 0, 0, 0), 4)  # x1 + x3 <= 3 holds on the cell
    facets, c = cell([*rows, redundant], 6)
    assert set(facets) == set(rows)
    deep = [
        ((1, 0, 1, 0, 0, 0), 3),  # implied: x1 + x3 <= 3
        ((2, 0, 1, 0, 0, 0), 4),  # not implied: 2 x1 + x3 reaches 5 at (2, ., 1)
        ((1, 0, 0, 0, 0, 0), 2),  # a facet itself: implied
        ((1, 0, 0, 1, 0, 0), 9),  # x4 is free: not implied, the normal leaves the span
        ((0, 0, 0, 0, 0, 0), 1),  # 0 <= 1: implied
        ((-1, 0, -1, 0, 0, 0), -1),  # x1 + x3 >= 1: not implied (0 is in the cell)
    ]
    # the independent answer: Farkas multipliers for the row from the cell's rows (lp.py)
    expected = [lp.redundancy_certificate([*rows, r], len(rows)) is not None for r in deep]
    assert expected == [True, False, True, False, True, False]
    assert implied(deep, c) == expected


def test_redundancy_certificates_are_valid_farkas_proofs():
    """For random bounded and unbounded polyhedra, every goal implied by the facets gets multipliers
    y >= 0 with sum y_f a_f = a and sum y_f b_f <= b, re-checked here in Fractions."""
    from exactpwl.polyhedron import redundancy_certificates

    rng = random.Random(14)
    done = 0
    for _ in range(40):
        n = rng.randint(1, 3)
        facets = [
            (tuple(rng.randint(-3, 3) for _ in range(n)), rng.randint(1, 6)) for _ in range(rng.randint(n, 6))
        ]
        facets = [f for f in facets if any(f[0])]
        if not facets:
            continue
        # goals: nonnegative combinations of facets, loosened (implied by construction)
        goals = []
        for _ in range(4):
            ys = [rng.randint(0, 2) for _ in facets]
            a = tuple(sum(y * f[0][i] for y, f in zip(ys, facets)) for i in range(n))
            b = sum(y * f[1] for y, f in zip(ys, facets)) + rng.randint(0, 2)
            if any(a):
                goals.append((a, b))
        for goal, y in zip(goals, redundancy_certificates(facets, goals, n)):
            assert all(F(v) >= 0 for v in y.values())
            combo = [sum(F(v) * facets[j][0][i] for j, v in y.items()) for i in range(n)]
            assert combo == list(goal[0])
            assert sum(F(v) * facets[j][1] for j, v in y.items()) <= goal[1]
            done += 1
    assert done > 60
