"""H-polyhedra ``{x : A x <= b}`` over Q: facets, interior points, certificates — all exact.

Rows are kept as primitive integer vectors (see ``numbers.primitive_row``), so equal
half-spaces have equal rows and dictionaries key on tuples of Python ints.

Three interchangeable backends compute a polyhedron's ``Description``:

* ``"ppl"`` (default): one exact double-description call (Parma Polyhedra Library) gives the
  non-redundant facets and the generators; a point in the relative interior of each facet is
  the mean of the vertices on it plus the rays on it.  No floating point at all.
* ``"highs"``: per row, HiGHS proposes either a witness point (the row is a facet) or Farkas
  multipliers (the row is redundant); each proposal is checked exactly and an exact LP decides
  when a check fails (counted in ``lp.STATS.fallbacks``).
* ``"exact-lp"``: one exact rational LP per row, no float proposal (the naive baseline).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import ppl
from flint import fmpq, fmpz_mat

from . import lp
from .errors import InputError
from .lp import Row
from .numbers import format_number, primitive_int_row, primitive_row, snap_point, to_fmpq

__all__ = ["Description", "Polyhedron", "describe", "BACKENDS", "domain_spec", "domain_text", "relation_text"]

BACKENDS = ("ppl", "highs", "exact-lp")
Point = tuple[fmpq, ...]


@dataclass(frozen=True)
class Description:
    """What the region walk needs to know about one polyhedron.

    ``facets[k]`` is an index into the input rows (the first of any equal rows) and
    ``facet_points[k]`` a rational point in the relative interior of that facet.
    ``interior`` is strictly inside (small denominators); None when not full-dimensional.
    """

    dim: int  # affine dimension; -1 when empty
    facets: tuple[int, ...]
    facet_points: tuple[Point, ...]
    interior: Point | None
    bounded: bool


def dedupe(rows: Sequence[Row]) -> tuple[list[Row], list[int]]:
    """Merge equal rows and drop ``0 <= b`` (b >= 0); returns the kept rows and their input index.

    Of parallel rows with the same normal only the tightest is kept.
    """
    best: dict[tuple[int, ...], tuple[int, int]] = {}
    out_rows, out_idx = [], []
    for i, (a, b) in enumerate(rows):
        if not any(a):
            if b < 0:  # 0 <= b < 0: empty; keep it so the backend says so
                out_rows.append((a, b))
                out_idx.append(i)
            continue
        prev = best.get(a)
        if prev is None or b < prev[0]:
            best[a] = (b, i)
    for a, (b, i) in best.items():
        out_rows.append((a, b))
        out_idx.append(i)
    return out_rows, out_idx


def describe(rows: Sequence[Row], n: int, backend: str = "ppl") -> Description:
    """Facets, facet points, an interior point and boundedness of ``{a.x <= b}`` in R^n.

    The work is done in the span of the normals (``_pivots``): with r < n independent normals the
    polyhedron is a polyhedron of R^r times n - r free directions, and the kernels need not see
    the n - r lines (a dense generator description of size n^2 otherwise).
    """
    if backend not in BACKENDS:
        raise InputError(f"backend: {backend!r} is not one of {', '.join(BACKENDS)}")
    kept, idx = dedupe(rows)
    pivots = _pivots(kept, n)
    r = len(pivots)
    if r == 0:  # no normal at all: empty (a row 0 <= b < 0) or the whole space
        if kept:
            return Description(-1, (), (), None, True)
        return Description(n, (), (), tuple(fmpq(0) for _ in range(n)), n == 0)
    if r < n:
        small = [primitive_int_row([a[j] for j in pivots], b) for a, b in kept]
        d = _describe(small, r, backend)
        if d.interior is None:  # empty, or not full-dimensional
            if d.dim < 0:
                return Description(-1, (), (), None, True)
            return Description(d.dim + (n - r), (), (), None, False)

        def lift(y: Point) -> Point:
            x = [fmpq(0)] * n
            for j, v in zip(pivots, y):
                x[j] = v
            return tuple(x)

        return Description(
            n,
            tuple(idx[k] for k in d.facets),
            tuple(lift(p) for p in d.facet_points),
            lift(d.interior),
            False,
        )
    d = _describe(kept, n, backend)
    return Description(d.dim, tuple(idx[k] for k in d.facets), d.facet_points, d.interior, d.bounded)


def _describe(rows: list[Row], n: int, backend: str) -> Description:
    if backend == "ppl":
        return _describe_ppl(rows, n)
    return _describe_lp(rows, n, use_float=backend == "highs")


def _pivots(rows: Sequence[Row], n: int) -> list[int]:
    """Coordinates whose columns of A are a basis of A's column space (all n when A has rank n,
    and in R^1 .. R^3, where nothing is gained).

    A x only depends on x through those coordinates, so emptiness, facets and interior points can
    be found with the others set to 0.  The facet, the interior and the redundancy of a row depend
    on x only through A x, and {A x} = {A_P y}.
    """
    if n <= 3:  # a tiny space: its lines cost nothing, and the walk of small nets stays as it was
        return list(range(n))
    normals = [a for a, _ in rows if any(a)]
    if not normals:
        return []
    R, _, rank = fmpz_mat(normals).rref()
    if rank == n:
        return list(range(n))
    ent, out = R.entries(), []
    for i in range(rank):
        out.append(next(j for j in range(n) if ent[i * n + j]))
    return out


# ----------------------------------------------------------------------------- PPL backend
def _ppl_polyhedron(rows: Sequence[Row], n: int) -> ppl.C_Polyhedron:
    P = ppl.C_Polyhedron(n, "universe")
    cs = ppl.Constraint_System()
    for a, b in rows:
        cs.insert(ppl.Linear_Expression([-v for v in a], b) >= 0)
    P.add_constraints(cs)
    return P


def _describe_ppl(rows: list[Row], n: int) -> Description:
    P = _ppl_polyhedron(rows, n)
    if P.is_empty():
        return Description(-1, (), (), None, True)
    dim = P.affine_dimension()
    points: list[tuple[list[int], int]] = []
    rays: list[list[int]] = []
    lines = False
    for g in P.minimized_generators():
        if g.is_point():
            points.append(([int(v) for v in g.coefficients()], int(g.divisor())))
        elif g.is_ray():
            rays.append([int(v) for v in g.coefficients()])
        else:
            lines = True
    bounded = not rays and not lines
    if dim < n:
        return Description(dim, (), (), None, bounded)
    where = {r: k for k, r in enumerate(rows)}
    facets = []
    for c in P.minimized_constraints():
        row = primitive_int_row([-int(v) for v in c.coefficients()], int(c.inhomogeneous_term()))
        k = where.get(row)
        if k is None:  # cannot happen: PPL's minimised rows are among ours after normalising
            raise AssertionError(f"PPL returned a constraint {row} not among the input rows")
        facets.append(k)
    if not facets:  # the whole space
        return Description(dim, (), (), snap_point(_combine(points, rays, n), rows), bounded)
    # which generators lie on which facet: one integer product [a | -b] [v ; d]
    gens = [(v, d) for v, d in points] + [(v, 0) for v in rays]
    m = len(gens)
    C = fmpz_mat([[*rows[k][0], -rows[k][1]] for k in facets])
    Gm = fmpz_mat(n + 1, m, [x for i in range(n) for x in (v[i] for v, _ in gens)] + [d for _, d in gens])
    S = (C * Gm).entries()
    npts = len(points)
    fpoints = []
    for f in range(len(facets)):
        on = [t for t in range(m) if not S[f * m + t]]
        fpoints.append(
            _combine([points[t] for t in on if t < npts], [rays[t - npts] for t in on if t >= npts], n)
        )
    # strictly inside every facet is strictly inside the polyhedron: snap against the facets only
    interior = snap_point(_combine(points, rays, n), [rows[k] for k in facets])
    return Description(dim, tuple(facets), tuple(fpoints), interior, bounded)


def _combine(points: list[tuple[list[int], int]], rays: list[list[int]], n: int) -> Point:
    """Mean of the points plus the sum of the rays: strictly inside the face they generate."""
    L = 1
    for _, d in points:
        if L % d:
            L = L * d // math.gcd(L, d)
    num = [0] * n
    for v, d in points:
        f = L // d
        for k in range(n):
            num[k] += v[k] * f
    den = L * len(points)
    for v in rays:
        for k in range(n):
            num[k] += v[k] * den
    return tuple(fmpq(x, den) for x in num)


@dataclass(frozen=True)
class Cell:
    """A polyhedron's generators for ``implied``, in the span of its normals (see ``_pivots``).

    ``generators`` has columns ``[v; d]`` (points), ``[r; 0]`` (rays) and ``[l; 0]``, ``[-l; 0]``
    (lines) over the ``pivots`` coordinates; ``basis`` (r x n, integer, ``den`` times the reduced
    row echelon form of the normals) decides whether a row's normal lies in their span.
    """

    pivots: tuple[int, ...]
    basis: fmpz_mat | None  # None: the pivots are all n coordinates
    den: int
    generators: fmpz_mat


def cell(rows: Sequence[Row], n: int) -> tuple[list[Row], Cell]:
    """The non-redundant rows of ``{a.x <= b}`` and its generators, for ``implied``."""
    kept, _ = dedupe(rows)
    pivots = _pivots(kept, n)
    r = len(pivots)
    basis, den = None, 1
    if r < n:
        normals = [a for a, _ in kept if any(a)]
        if normals:
            R, den, _ = fmpz_mat(normals).rref()  # R / den is the reduced row echelon form
            sign = 1 if den > 0 else -1
            basis, den = fmpz_mat(r, n, [sign * v for v in R.entries()[: r * n]]), sign * den
        else:
            basis = fmpz_mat(0, n, [])
        kept = [primitive_int_row([a[j] for j in pivots], b) for a, b in kept]
    P = _ppl_polyhedron(kept, r)
    small = [
        primitive_int_row([-int(v) for v in c.coefficients()], int(c.inhomogeneous_term()))
        for c in P.minimized_constraints()
    ]
    if r < n:  # back to R^n: the rows in the span are determined by their pivot coordinates
        facets = []
        for a, b in small:
            full = _from_pivots(a, basis, int(den))
            facets.append(primitive_int_row(full, b * int(den)))
    else:
        facets = small
    cols: list[list[int]] = []
    for g in P.minimized_generators():
        v = [int(x) for x in g.coefficients()]
        if g.is_point():
            cols.append(v + [int(g.divisor())])
        else:
            cols.append(v + [0])
            if g.is_line():
                cols.append([-x for x in v] + [0])
    G = fmpz_mat(r + 1, len(cols), [col[i] for i in range(r + 1) for col in cols])
    return facets, Cell(tuple(pivots), basis, int(den), G)


def _from_pivots(a: Sequence[int], basis: fmpz_mat, den: int) -> list[int]:
    """``den`` times the vector of the normals' span whose pivot coordinates are ``a``."""
    if basis.nrows() == 0:
        return [0] * basis.ncols()
    return [int(v) for v in (fmpz_mat(1, basis.nrows(), list(a)) * basis).entries()]


def redundancy_certificates(facets: Sequence[Row], goals: Sequence[Row], n: int) -> list[dict[int, Fraction]]:
    """Farkas multipliers over ``facets`` (indices) proving each goal row, which they must imply.

    Batched through the generators (one PPL call): the maximum of ``a.x`` over the facets'
    polyhedron is attained at a vertex v; where exactly n independent facets are tight at v, the
    multipliers are ``a A_T^{-1}`` (>= 0 because v is optimal: a lies in v's normal cone), one
    inverse for all the goals that peak at v.  A goal left open (lines, degenerate vertices such
    as the apex of a cone) gets one exact LP, and the basis of its multipliers (extended to n
    independent facets) is tried on every goal still open: one LP per cone of the normal fan that
    the goals need, not one per goal.
    """
    if not goals:
        return []
    P = _ppl_polyhedron(facets, n)
    points: list[tuple[list[int], int]] = []
    for g in P.minimized_generators():
        if g.is_line():
            points = []
            break
        if g.is_point():
            points.append(([int(v) for v in g.coefficients()], int(g.divisor())))
    out: list[dict[int, Fraction] | None] = [None] * len(goals)
    if points:
        # a.v for every goal and vertex, as exact fractions
        V = fmpz_mat(n, len(points), [v[i] for i in range(n) for v, _ in points])
        S = (fmpz_mat([list(a) for a, _ in goals]) * V).entries()
        p = len(points)
        best: dict[int, list[int]] = {}
        for i in range(len(goals)):
            k = max(range(p), key=lambda t: Fraction(int(S[i * p + t]), points[t][1]))
            best.setdefault(k, []).append(i)
        for k, idx in best.items():
            v, d = points[k]
            tight = [f for f, (a, b) in enumerate(facets) if sum(x * y for x, y in zip(a, v)) == b * d]
            if len(tight) != n:
                continue
            if fmpz_mat([list(facets[f][0]) for f in tight]).rank() == n:
                multipliers_on(tight, facets, goals, idx, out)
    rows = list(facets)
    pending = [i for i in range(len(goals)) if out[i] is None]
    while pending:  # one exact LP, then its basis tried on every goal still open
        i = pending[0]
        y = lp.redundancy_certificate([*rows, goals[i]], len(rows))
        if y is None:
            raise AssertionError(f"redundancy_certificates: the facets do not imply {goals[i]}")
        out[i] = y
        rest = pending[1:]
        basis = _extend_to_basis(sorted(y), facets, n) if rest else None
        if basis is not None:
            multipliers_on(basis, facets, goals, rest, out)
        pending = [k for k in rest if out[k] is None]
    return out


def _extend_to_basis(start: list[int], facets: Sequence[Row], n: int) -> list[int] | None:
    """Indices of n facets with independent normals, ``start``'s independent ones first (None if
    the facets' normals do not span R^n: the polyhedron has lines)."""
    chosen: list[int] = []
    for f in [*start, *(k for k in range(len(facets)) if k not in start)]:
        trial = [*chosen, f]
        if fmpz_mat([list(facets[k][0]) for k in trial]).rank() == len(trial):
            chosen = trial
            if len(chosen) == n:
                return chosen
    return None


def multipliers_on(
    basis: list[int], facets: Sequence[Row], goals: Sequence[Row], idx: list[int], out: list
) -> None:
    """For each goal in idx: the multipliers ``a A_T^-1`` over the basis T, kept when they prove it
    (all >= 0, and the right-hand sides add up to at most the goal's)."""
    n = len(basis)
    inv = fmpz_mat([list(facets[f][0]) for f in basis]).inv()
    Y = (fmpz_mat([list(goals[i][0]) for i in idx]) * inv).entries()
    for r, i in enumerate(idx):
        y = {f: Fraction(int(Y[r * n + c].p), int(Y[r * n + c].q)) for c, f in enumerate(basis)}
        if all(v >= 0 for v in y.values()) and sum(v * facets[f][1] for f, v in y.items()) <= goals[i][1]:
            out[i] = {f: v for f, v in y.items() if v}


def hull(points: Sequence[Sequence[Any]], n: int, rays: Sequence[Sequence[Any]] = ()) -> Polyhedron | None:
    """``conv(points) + cone(rays)`` as an H-polyhedron, exactly (PPL); None when it is all of R^n."""
    gs = ppl.Generator_System()
    for vec, make in [(p, ppl.point) for p in points] + [(r, ppl.ray) for r in rays]:
        qs = [to_fmpq(v) for v in vec]
        den = 1
        for v in qs:
            den = den * int(v.q) // math.gcd(den, int(v.q))
        expr = ppl.Linear_Expression([int(v * den) for v in qs], 0)
        gs.insert(make(expr, den) if make is ppl.point else make(expr))
    rows = []
    for c in ppl.C_Polyhedron(gs).minimized_constraints():
        a = [-int(v) for v in c.coefficients()]
        b = int(c.inhomogeneous_term())
        rows.append(primitive_int_row(a, b))
        if c.is_equality():
            rows.append(primitive_int_row([-v for v in a], -b))
    return Polyhedron.from_rows(rows, n) if rows else None


def vertices(rows: Sequence[Row], n: int) -> list[Point]:
    """The vertices of a bounded polyhedron, exactly; in 2-D in counter-clockwise order."""
    kept, _ = dedupe(rows)
    P = _ppl_polyhedron(kept, n)
    if not P.is_bounded():
        raise InputError("polyhedron: unbounded, it has no vertex description")
    pts = [tuple(fmpq(int(v), int(g.divisor())) for v in g.coefficients()) for g in P.minimized_generators()]
    if n == 2 and len(pts) > 2:
        cx = sum((p[0] for p in pts), fmpq(0)) / len(pts)
        cy = sum((p[1] for p in pts), fmpq(0)) / len(pts)
        pts.sort(key=lambda p: math.atan2(float(p[1] - cy), float(p[0] - cx)))  # drawing order only
    return pts


def corners(rows: Sequence[Row], n: int) -> list[Point]:
    """The vertices of ``{a.x <= b}``, bounded or not (none for a half-space or an empty set)."""
    kept, _ = dedupe(rows)
    gens = _ppl_polyhedron(kept, n).minimized_generators()
    return [tuple(fmpq(int(v), int(g.divisor())) for v in g.coefficients()) for g in gens if g.is_point()]


def recession_rays(rows: Sequence[Row], n: int) -> list[list[int]]:
    """Integer generators of the recession cone ``{d : a.d <= 0}``: its rays, and each line both ways."""
    P = _ppl_polyhedron([(a, 0) for a, _ in dedupe(rows)[0]], n)
    out: list[list[int]] = []
    for g in P.minimized_generators():
        v = [int(x) for x in g.coefficients()]
        if g.is_ray():
            out.append(v)
        elif g.is_line():
            out += [v, [-x for x in v]]
    return out


def implied(rows: Sequence[Row], c: Cell) -> list[bool]:
    """For each row, whether every point of the cell satisfies it (so the cell implies the row).

    A row whose normal is not in the span of the cell's normals is never implied: the cell
    contains a line along which that row's value is unbounded.
    """
    if not rows:
        return []
    n = len(rows[0][0])
    if c.basis is None:
        small = list(rows)
        inside = [True] * len(rows)
    else:
        ap = [[a[j] for j in c.pivots] for a, _ in rows]
        if c.basis.nrows():
            span = (fmpz_mat(ap) * c.basis).entries()
        else:
            span = [0] * (len(rows) * n)
        inside = [all(span[i * n + k] == c.den * a[k] for k in range(n)) for i, (a, _) in enumerate(rows)]
        small = [(tuple(p), b) for p, (_, b) in zip(ap, rows)]
    m = c.generators.ncols()
    S = (fmpz_mat([[*a, -b] for a, b in small]) * c.generators).entries()
    return [ok and all(v <= 0 for v in S[i * m : (i + 1) * m]) for i, ok in enumerate(inside)]


# ----------------------------------------------------------------------------- LP backends
def _to_fmpq_point(x: Sequence[Fraction]) -> Point:
    return tuple(fmpq(v.numerator, v.denominator) for v in x)


def _slack(row: Row, x: Sequence[Any]) -> Any:
    a, b = row
    return b - sum(ai * xi for ai, xi in zip(a, x))


def _interior_lp(rows: list[Row], n: int, use_float: bool) -> Point | None:
    """A strictly interior point: maximise t subject to a.x + t <= b, t <= 1."""
    ext = [(a + (1,), b) for a, b in rows] + [((0,) * n + (1,), 1)]
    obj = (0,) * n + (1,)
    if use_float:
        status, x, _ = lp.float_max(ext, n + 1, [float(v) for v in obj])
        if status == "optimal" and x is not None and x[n] > 1e-9:
            cand = tuple(Fraction(v).limit_denominator(10**6) for v in x[:n])
            if all(_slack(r, cand) > 0 for r in rows):
                lp.STATS.verified += 1
                return snap_point(_to_fmpq_point(cand), rows)
        lp.STATS.fallbacks += 1
    status, value, x = lp.exact_max(ext, n + 1, obj)
    if status != "optimal" or value is None or value <= 0:
        return None
    return snap_point(_to_fmpq_point(x[:n]), rows)


def _describe_lp(rows: list[Row], n: int, use_float: bool) -> Description:
    if any(not any(a) for a, _ in rows):  # 0 <= b < 0
        return Description(-1, (), (), None, True)
    c = _interior_lp(rows, n, use_float)
    if c is None:
        P = _ppl_polyhedron(rows, n)
        return Description(-1 if P.is_empty() else P.affine_dimension(), (), (), None, P.is_bounded())
    cF = tuple(Fraction(int(v.p), int(v.q)) for v in c)
    facets, fpoints = [], []
    for i, (a, b) in enumerate(rows):
        others = rows[:i] + rows[i + 1 :]
        w = _facet_witness(others, a, b, n, use_float)
        if w is None:
            continue
        # where the segment from c to w crosses row i: strictly inside every other row
        t = (b - sum(ai * ci for ai, ci in zip(a, cF))) / sum(ai * (wi - ci) for ai, wi, ci in zip(a, w, cF))
        p = tuple(ci + t * (wi - ci) for ci, wi in zip(cF, w))
        facets.append(i)
        fpoints.append(_to_fmpq_point(p))
    bounded = _recession_trivial([rows[i] for i in facets], n)
    return Description(n, tuple(facets), tuple(fpoints), c, bounded)


def _facet_witness(others: list[Row], a: tuple[int, ...], b: int, n: int, use_float: bool):
    """A point satisfying ``others`` with ``a.x > b`` (row is a facet), or None (redundant)."""
    if use_float:
        status, x, duals = lp.float_max(others, n, [float(v) for v in a], upper=float(b) + 1.0)
        if status == "optimal" and x is not None:
            if sum(ai * xi for ai, xi in zip(a, x)) > b + 1e-9:
                w = tuple(Fraction(v).limit_denominator(10**6) for v in x)
                if sum(ai * wi for ai, wi in zip(a, w)) > b and all(_slack(r, w) >= 0 for r in others):
                    lp.STATS.verified += 1
                    return w
            elif duals is not None:
                support = [j for j, v in enumerate(duals) if v > 1e-9]
                y = lp._solve_support(others, support, a)
                rows_i = others + [(a, b)]
                if y is not None and lp.check_redundancy_certificate(rows_i, len(others), y):
                    lp.STATS.verified += 1
                    return None
        lp.STATS.fallbacks += 1
    status, value, x = lp.exact_max(others + [(a, b + 1)], n, a)
    if status == "optimal" and value is not None and value > b:
        return x
    return None


def _recession_trivial(rows: list[Row], n: int) -> bool:
    """True when ``{d : a.d <= 0 for all rows}`` is {0}, i.e. the polyhedron is bounded."""
    cone = _ppl_polyhedron([(a, 0) for a, _ in rows], n)
    return cone.affine_dimension() == 0


# ----------------------------------------------------------------------------- the public class
class Polyhedron:
    """``{x in Q^n : A x <= b}`` with exact queries.

    >>> P = Polyhedron([[1, 0], [0, 1], [-1, -1]], [1, 1, 0])
    >>> P.is_full_dimensional(), P.is_bounded()
    (True, True)
    >>> len(P.facets())
    3
    """

    def __init__(self, A: Sequence[Sequence[Any]], b: Sequence[Any], dim: int | None = None):
        if len(A) != len(b):
            raise InputError(f"polyhedron: A has {len(A)} rows but b has {len(b)} entries")
        if dim is None:
            if not A:
                raise InputError("polyhedron: give dim when A has no rows")
            dim = len(A[0])
        self.dim = dim
        rows = []
        for i, (a, bi) in enumerate(zip(A, b)):
            if not isinstance(a, (list, tuple)):
                raise InputError(f"polyhedron: row {i + 1} of A must be a list of {dim} numbers")
            if len(a) != dim:
                raise InputError(f"polyhedron: row {i + 1} of A has {len(a)} entries, expected {dim}")
            rows.append(
                primitive_row(
                    [to_fmpq(v, f"polyhedron A, row {i + 1}") for v in a],
                    to_fmpq(bi, f"polyhedron b, entry {i + 1}"),
                )
            )
        self.rows: tuple[Row, ...] = tuple(rows)
        self._desc: dict[str, Description] = {}

    @classmethod
    def from_rows(cls, rows: Sequence[Row], dim: int) -> Polyhedron:
        P = cls.__new__(cls)
        P.dim, P.rows, P._desc = dim, tuple(rows), {}
        return P

    def description(self, backend: str = "ppl") -> Description:
        if backend not in self._desc:
            self._desc[backend] = describe(self.rows, self.dim, backend)
        return self._desc[backend]

    def contains(self, x: Sequence[Any], strict: bool = False) -> bool:
        xs = [to_fmpq(v) for v in x]
        return all((_slack(r, xs) > 0) if strict else (_slack(r, xs) >= 0) for r in self.rows)

    def is_empty(self) -> bool:
        return self.description().dim < 0

    def is_full_dimensional(self) -> bool:
        return self.description().dim == self.dim

    def is_bounded(self) -> bool:
        return self.description().bounded

    def interior_point(self) -> Point | None:
        """A rational point strictly inside (small denominators), or None if not full-dimensional."""
        return self.description().interior

    def facets(self, backend: str = "ppl") -> list[tuple[Row, Point]]:
        """The non-redundant rows, each with a rational point in the relative interior of its facet."""
        d = self.description(backend)
        return [(self.rows[k], p) for k, p in zip(d.facets, d.facet_points)]

    def redundancy_certificate(self, i: int) -> dict[int, Fraction] | None:
        """Farkas multipliers ``y >= 0``, ``sum y_j a_j = a_i``, ``sum y_j b_j <= b_i``; None for a facet."""
        return lp.redundancy_certificate(self.rows, i)

    def emptiness_certificate(self) -> dict[int, Fraction] | None:
        """Farkas multipliers ``y >= 0`` with ``y A = 0``, ``y b < 0``; None if non-empty."""
        return lp.emptiness_certificate(self.rows)


# ----------------------------------------------------------------------------- domains
def box(bounds: Sequence[Sequence[Any]]) -> Polyhedron:
    """The box ``prod [lo_i, hi_i]`` as a polyhedron; ``bounds = [(lo1, hi1), (lo2, hi2), ...]``."""
    n = len(bounds)
    A, b = [], []
    for i, pair in enumerate(bounds):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise InputError(f"box: entry {i + 1} must be a pair [lo, hi]")
        lo, hi = (
            to_fmpq(pair[0], f"box, coordinate {i + 1}, lo"),
            to_fmpq(pair[1], f"box, coordinate {i + 1}, hi"),
        )
        if not lo < hi:
            raise InputError(f"box: coordinate {i + 1} has lo = {lo} not below hi = {hi}")
        e = [0] * n
        e[i] = 1
        A.append(e)
        b.append(hi)
        A.append([-v for v in e])
        b.append(-lo)
    return Polyhedron(A, b, n)


def as_domain(spec: Any, n: int, where: str = "domain") -> Polyhedron | None:
    """Read a domain: None (R^n), a Polyhedron, ``{"box": [[lo, hi], ...]}`` or ``{"A": ..., "b": ...}``.

    The domain must be full-dimensional (a region count on a lower-dimensional set is not defined here).
    """
    if spec is None:
        return None
    if isinstance(spec, Polyhedron):
        P = spec
    elif isinstance(spec, dict):
        keys = set(spec)
        if keys == {"box"}:
            bx = spec["box"]
            if not isinstance(bx, list) or len(bx) != n:
                raise InputError(f"{where}: 'box' must list {n} pairs [lo, hi], one per input")
            P = box(bx)
        elif keys == {"A", "b"}:
            A, b = spec["A"], spec["b"]
            if not isinstance(A, list) or not isinstance(b, list):
                raise InputError(f"{where}: 'A' and 'b' must be lists")
            try:
                P = Polyhedron(A, b, n)
            except InputError as e:
                raise InputError(f"{where}: {e}") from None
        else:
            raise InputError(
                f"{where}: expected {{'box': ...}} or {{'A': ..., 'b': ...}}, got keys {sorted(keys)}"
            )
    else:
        raise InputError(f"{where}: expected a polyhedron, a box or None")
    if P.dim != n:
        raise InputError(f"{where}: has dimension {P.dim}, the network has {n} inputs")
    if not P.is_full_dimensional():
        raise InputError(f"{where}: is empty or not full-dimensional")
    return P


def box_bounds(dom: Polyhedron) -> list[tuple[fmpq, fmpq]] | None:
    """``[(lo_1, hi_1), ...]`` when the rows of ``dom`` are exactly a box's 2n bounds, else None."""
    lo: dict[int, fmpq] = {}
    hi: dict[int, fmpq] = {}
    for a, b in dom.rows:
        nz = [i for i, v in enumerate(a) if v]
        if len(nz) != 1:
            return None
        i = nz[0]
        side = hi if a[i] > 0 else lo
        if i in side:
            return None
        side[i] = fmpq(b, a[i])
    if len(lo) != dom.dim or len(hi) != dom.dim:
        return None
    return [(lo[i], hi[i]) for i in range(dom.dim)]


def domain_spec(dom: Polyhedron | None) -> dict | None:
    """A domain as FORMATS.md writes it, numbers as exact strings: None (R^n), a box, or A and b."""
    if dom is None:
        return None
    bounds = box_bounds(dom)
    if bounds is not None:
        return {"box": [[format_number(lo), format_number(hi)] for lo, hi in bounds]}
    return {"A": [[str(v) for v in a] for a, _ in dom.rows], "b": [str(b) for _, b in dom.rows]}


def linear_text(a: Sequence[Any]) -> str:
    """``x1 - 2*x2`` from the coefficients ``a`` (``0`` when all vanish)."""
    terms = []
    for i, v in enumerate(a):
        v = to_fmpq(v)
        if v == 0:
            continue
        mag = "" if abs(v) == 1 else f"{format_number(abs(v))}*"
        terms.append(("-" if v < 0 else "+", f"{mag}x{i + 1}"))
    if not terms:
        return "0"
    first = ("-" if terms[0][0] == "-" else "") + terms[0][1]
    return first + "".join(f" {s} {t}" for s, t in terms[1:])


def relation_text(a: Sequence[Any], b: Any, relation: str = "=") -> str:
    """``x1 - 2*x2 <= 3`` from ``(a, b)`` and the relation."""
    return f"{linear_text(a)} {relation} {format_number(b)}"


def domain_text(dom: Polyhedron | None, n: int) -> str:
    """``R^2``, ``[0, 4]``, ``[-1, 1]^2``, ``[0, 1] x [0, 2]`` or ``{x : x1 + x2 <= 1, ...}``."""
    if dom is None:
        return f"R^{n}"
    bounds = box_bounds(dom)
    if bounds is None:
        return "{x : " + ", ".join(relation_text(a, b, "<=") for a, b in dom.rows) + "}"
    sides = [f"[{format_number(lo)}, {format_number(hi)}]" for lo, hi in bounds]
    if len(set(sides)) == 1 and n > 1:
        return f"{sides[0]}^{n}"
    return " x ".join(sides)
