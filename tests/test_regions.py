"""Tests of ``exactpwl.region_graph``: every expected value comes from somewhere else.

Sources of truth used here, none of which calls into exactpwl:

* ``Ref``: the network copied into plain ``fractions.Fraction`` loops (evaluation, activation
  pattern, the affine map of a pattern computed by pushing masked affine maps through layers);
* formulas (Zaslavsky's count for hyperplanes in general position, 2^k for Telgarsky's tent map);
* an exact 1-D breakpoint reference (all sign changes of all neurons, found layer by layer);
* exact 2-D polygons (clip a box by half-planes, shoelace area) and brute-force rational grids;
* z3 over the reals, as an independent exact oracle.

Degenerate cases (coincident hyperplanes, dead neurons, ...) are in ``test_degenerate.py``,
which reuses the reference helpers of this file.
"""

from __future__ import annotations

import itertools
import json
import math
import random
from fractions import Fraction

import networkx as nx
import pytest
import z3

from exactpwl.network import Network
from exactpwl.region_graph import regions

# Both region kernels (DESIGN.md "Two kernels, one answer") run every test on a bounded domain.
KERNELS = ["walk", "subdivision"]

# ============================================================================ reference helpers


def fr(v) -> Fraction:
    """An exact Fraction from an int, a "p/q" string or a Fraction."""
    return Fraction(v)


def fr_mat(M) -> list[list[Fraction]]:
    """A flint ``fmpq_mat`` as Fractions (read through the entries' numerator and denominator)."""
    return [[Fraction(int(v.p), int(v.q)) for v in row] for row in M.tolist()]


def prim(a, b) -> tuple[tuple[int, ...], int]:
    """``a.x <= b`` scaled by a positive number to coprime integers (gcd over a and b)."""
    a = [fr(v) for v in a]
    b = fr(b)
    den = 1
    for v in [*a, b]:
        den = den * v.denominator // math.gcd(den, v.denominator)
    ints = [int(v * den) for v in [*a, b]]
    g = 0
    for v in ints:
        g = math.gcd(g, v)
    g = g or 1
    return tuple(v // g for v in ints[:-1]), ints[-1] // g


def dot(a, x) -> Fraction:
    return sum((fr(u) * fr(v) for u, v in zip(a, x)), Fraction(0))


def slack(row, x) -> Fraction:
    a, b = row
    return fr(b) - dot(a, x)


def strictly_inside(rows, x) -> bool:
    return all(slack(r, x) > 0 for r in rows)


def inside(rows, x) -> bool:
    return all(slack(r, x) >= 0 for r in rows)


class Ref:
    """The network as plain Fraction loops: outputs, patterns, affine maps of a pattern.

    ``layers`` = [(W, b), ...] with W a list of rows (ints, "p/q" strings or Fractions).
    """

    def __init__(self, layers, acts=None):
        self.layers = [([[fr(v) for v in row] for row in W], [fr(v) for v in b]) for W, b in layers]
        self.acts = list(acts) if acts else ["relu"] * (len(layers) - 1) + ["linear"]
        self.n = len(self.layers[0][0][0])
        self.num_relu = sum(len(b) for (_, b), a in zip(self.layers, self.acts) if a == "relu")

    def net(self) -> Network:
        return Network.from_layers([(W, b) for W, b in self.layers], self.acts)

    def preacts(self, x) -> tuple[list[Fraction], list[Fraction]]:
        """Pre-activations of every ReLU unit (pattern order) and the output at ``x``."""
        h = [fr(v) for v in x]
        pre = []
        for (W, b), act in zip(self.layers, self.acts):
            z = [sum((w * v for w, v in zip(row, h)), Fraction(0)) + bi for row, bi in zip(W, b)]
            if act == "relu":
                pre.extend(z)
                h = [v if v > 0 else Fraction(0) for v in z]
            else:
                h = z
        return pre, h

    def __call__(self, x) -> list[Fraction]:
        return self.preacts(x)[1]

    def pattern(self, x) -> tuple[int, ...]:
        return tuple(1 if z > 0 else 0 for z in self.preacts(x)[0])

    def maps(self, pattern) -> tuple[list[list[Fraction]], list[list[Fraction]]]:
        """Rows [a_1..a_n, c] of every ReLU pre-activation and of the output, ReLUs fixed by ``pattern``."""
        n = self.n
        M = [[Fraction(int(i == j)) for j in range(n)] + [Fraction(0)] for i in range(n)]
        pre, k = [], 0
        for (W, b), act in zip(self.layers, self.acts):
            Z = []
            for row, bi in zip(W, b):
                z = [sum((w * M[i][col] for i, w in enumerate(row)), Fraction(0)) for col in range(n + 1)]
                z[n] += bi
                Z.append(z)
            if act == "relu":
                pre.extend(Z)
                M = [z if pattern[k + j] else [Fraction(0)] * (n + 1) for j, z in enumerate(Z)]
                k += len(Z)
            else:
                M = Z
        return pre, M

    def affine(self, pattern) -> tuple[list[list[Fraction]], list[Fraction]]:
        _, M = self.maps(pattern)
        return [r[: self.n] for r in M], [r[self.n] for r in M]

    def cell_rows(self, pattern) -> set:
        """Primitive rows of the cell of ``pattern``: active unit z >= 0 (-z <= 0), inactive z <= 0."""
        pre, _ = self.maps(pattern)
        rows = set()
        for s, z in zip(pattern, pre):
            a, c = z[: self.n], z[self.n]
            if not any(a):
                continue
            rows.add(prim([-v for v in a], c) if s else prim(a, -c))
        return rows

    def cell_contains(self, pattern, x) -> bool:
        """Whether ``x`` satisfies every (closed) sign condition of ``pattern``'s cell."""
        pre, _ = self.maps(pattern)
        for s, z in zip(pattern, pre):
            v = dot(z[: self.n], x) + z[self.n]
            if (s and v < 0) or (not s and v > 0):
                return False
        return True


def random_layers(sizes, seed, lo=-3, hi=3, dens=(1,), nonzero=False):
    """Small random weights p/q (p in lo..hi, q in dens) for a network of the given sizes."""
    r = random.Random(seed)
    nums = [p for p in range(lo, hi + 1) if p or not nonzero]

    def num():
        return Fraction(r.choice(nums), r.choice(dens))

    return [
        ([[num() for _ in range(a)] for _ in range(b)], [num() for _ in range(b)])
        for a, b in zip(sizes, sizes[1:])
    ]


def domain_rows(domain, n) -> set:
    """Primitive rows of a domain given as in FORMATS.md (None, box, or A/b)."""
    if domain is None:
        return set()
    if "box" in domain:
        rows = set()
        for i, (lo, hi) in enumerate(domain["box"]):
            e = [0] * n
            e[i] = 1
            rows.add(prim(e, hi))
            rows.add(prim([-v for v in e], -fr(lo)))
        return rows
    return {prim(a, b) for a, b in zip(domain["A"], domain["b"])}


# ---------------------------------------------------------------------------- 2-D polygons


def clip(poly, row):
    """Sutherland-Hodgman: the part of a convex polygon (list of points) with a.x <= b."""
    out = []
    m = len(poly)
    for i in range(m):
        P, Q = poly[i], poly[(i + 1) % m]
        sp, sq = slack(row, P), slack(row, Q)
        if sp >= 0:
            out.append(P)
        if (sp > 0 > sq) or (sp < 0 < sq):
            t = sp / (sp - sq)
            out.append(tuple(p + t * (q - p) for p, q in zip(P, Q)))
    clean = []
    for p in out:
        if not clean or clean[-1] != p:
            clean.append(p)
    while len(clean) > 1 and clean[0] == clean[-1]:
        clean.pop()
    return clean


def box_polygon(lo0, hi0, lo1, hi1):
    lo0, hi0, lo1, hi1 = map(fr, (lo0, hi0, lo1, hi1))
    return [(lo0, lo1), (hi0, lo1), (hi0, hi1), (lo0, hi1)]


def polygon(rows, start):
    P = list(start)
    for r in rows:
        P = clip(P, r)
        if not P:
            break
    return P


def area(P) -> Fraction:
    if len(P) < 3:
        return Fraction(0)
    s = sum((P[i][0] * P[(i + 1) % len(P)][1] - P[(i + 1) % len(P)][0] * P[i][1] for i in range(len(P))), 0)
    return abs(Fraction(s)) / 2


def has_edge_on(P, row) -> bool:
    """Whether the polygon has an edge of positive length on the line a.x = b."""
    m = len(P)
    return any(
        P[i] != P[(i + 1) % m] and slack(row, P[i]) == 0 == slack(row, P[(i + 1) % m]) for i in range(m)
    )


def line_intersections(rows):
    """All pairwise intersection points of the lines a.x = b (2-D)."""
    pts = []
    for (a1, b1), (a2, b2) in itertools.combinations(rows, 2):
        det = a1[0] * a2[1] - a1[1] * a2[0]
        if det:
            pts.append((Fraction(b1 * a2[1] - b2 * a1[1], det), Fraction(a1[0] * b2 - a2[0] * b1, det)))
    return pts


def bounded_2d(rows) -> bool:
    """Boundedness of a non-empty 2-D polyhedron, independently: clip a box larger than every
    candidate vertex; a bounded polyhedron stays off the box boundary, an unbounded one reaches it."""
    M = 1 + max([abs(c) for p in line_intersections(rows) for c in p] + [0])
    M = Fraction(math.ceil(M) + 1)
    P = polygon(rows, box_polygon(-M, M, -M, M))
    return all(abs(c) != M for p in P for c in p)


# ---------------------------------------------------------------------------- the graph checker


def region_data(g):
    return {p: d["region"] for p, d in g.graph.nodes(data=True)}


def check_graph(ref: Ref, g, domain=None, *, expect_complete=True):
    """Check every claim in a RegionGraph against the reference; returns {pattern: polygon} in 2-D."""
    n = ref.n
    dom = domain_rows(domain, n)
    R = region_data(g)
    assert len(R) == len(g) >= 1
    if expect_complete:
        assert g.complete is True
        assert g.unexplored == 0
        assert nx.is_connected(g.graph)  # the domain is convex, so its regions are connected by facets
    maps = {}
    for p, r in R.items():
        assert r.pattern == p
        assert len(p) == ref.num_relu and set(p) <= {0, 1}
        # rows: primitive integers, each one a sign condition of the pattern or a domain row
        allowed = ref.cell_rows(p) | dom
        for a, b in r.inequalities:
            assert all(isinstance(v, int) for v in (*a, b)) and any(a)
            assert math.gcd(*a, b) == 1
            assert (a, b) in allowed
        assert len(set(r.inequalities)) == len(r.inequalities)
        # interior point: strictly inside, inside the domain, with this pattern (own reference)
        c = r.interior_point
        assert len(c) == n and all(isinstance(v, Fraction) for v in c)
        assert strictly_inside(r.inequalities, c)
        assert inside(dom, c)
        assert ref.pattern(c) == p
        # the affine map, against the reference's masked composition
        W, cvec = fr_mat(r.W), [row[0] for row in fr_mat(r.c)]
        maps[p] = ref.affine(p)
        assert (W, cvec) == maps[p]
        if domain is not None and _domain_bounded(domain):
            assert r.bounded is True
        elif n == 1:  # an interval is bounded iff it has a row on each side
            assert r.bounded == (None not in interval_of(r))
        elif n >= 3:  # bounded iff the recession cone {d : a.d <= 0} is {0} (z3, exact)
            assert r.bounded == bounded_z3(r.inequalities, n)

    # edges: facet points, opposite rows, flips, same_map
    used = {p: [] for p in R}
    for u, v, d in g.graph.edges(data=True):
        a, b = d["hyperplane"]
        neg = (tuple(-x for x in a), -b)
        if (a, b) in R[u].inequalities:
            su, sv = (a, b), neg
        else:
            su, sv = neg, (a, b)
        assert su in R[u].inequalities and sv in R[v].inequalities
        assert su not in dom and sv not in dom
        used[u].append(su)
        used[v].append(sv)
        p = d["point"]
        assert len(p) == n and all(isinstance(v, Fraction) for v in p)
        assert slack(su, p) == 0
        assert strictly_inside([q for q in R[u].inequalities if q != su], p)
        assert strictly_inside([q for q in R[v].inequalities if q != sv], p)
        assert inside(dom, p)
        flips = tuple(k for k in range(len(u)) if u[k] != v[k])
        assert tuple(sorted(d["flips"])) == flips and flips
        pre, _ = ref.preacts(p)
        assert all(pre[k] == 0 for k in flips)  # a unit can only change state where it is zero
        assert d["same_map"] == (maps[u] == maps[v])
    # every non-boundary row of every region is crossed by exactly one edge; boundary rows by none
    for p, r in R.items():
        rows_used = used[p]
        assert len(rows_used) == len(set(rows_used))
        inner = {q for q in r.inequalities if q not in dom}
        assert set(rows_used) == inner if expect_complete else set(rows_used) <= inner

    # pieces: components of the graph restricted to edges joining equal maps (maps from Ref)
    same = nx.Graph()
    same.add_nodes_from(R)
    same.add_edges_from((u, v) for u, v in g.graph.edges() if maps[u] == maps[v])
    want = sorted(sorted(c) for c in nx.connected_components(same))
    assert sorted(sorted(c) for c in g.pieces()) == want
    assert g.num_pieces == len(want)
    assert g.num_bounded == sum(1 for r in R.values() if r.bounded)

    # sample points strictly inside each region: outputs and pattern
    for p, r in R.items():
        c = r.interior_point
        fpts = [d["point"] for _, _, d in g.graph.edges(p, data=True)]
        samples = [c]
        for t in (Fraction(1, 2), Fraction(7, 8)):
            samples += [tuple(ci + t * (fi - ci) for ci, fi in zip(c, f)) for f in fpts]
        for f1, f2 in zip(fpts, fpts[1:]):
            samples.append(tuple((2 * ci + a1 + a2) / 4 for ci, a1, a2 in zip(c, f1, f2)))
        W, cvec = maps[p]
        for x in samples:
            assert strictly_inside(r.inequalities, x)
            assert ref.pattern(x) == p
            assert ref(x) == [dot(w, x) + ci for w, ci in zip(W, cvec)]

    polys = {}
    if n == 2:
        polys = check_polygons_2d(ref, R, domain, dom, expect_complete)
    return polys


def bounded_z3(rows, n) -> bool:
    """A polyhedron {a.x <= b} (non-empty) is bounded iff no d != 0 has a.d <= 0 for every row."""
    d = z3.Reals(" ".join(f"d{i}" for i in range(n)))
    s = z3.Solver()
    s.add(*[z3.Sum([int(ai) * di for ai, di in zip(a, d)]) <= 0 for a, _ in rows])
    s.add(z3.Or([di != 0 for di in d]))
    return s.check() == z3.unsat


def _domain_bounded(domain) -> bool:
    """Whether a (box or 2-D polyhedral) domain is bounded; False when not decided here."""
    if "box" in domain:
        return True
    if len(domain["A"][0]) == 2:
        return bounded_2d([prim(a, b) for a, b in zip(domain["A"], domain["b"])])
    return False


def check_polygons_2d(ref, R, domain, dom, complete=True):
    """Exact polygons: each region has positive area, each row is an edge, each polygon lies in the
    closed cell of its pattern, and (bounded domain) the areas add up to the domain's area."""
    polys = {}
    for p, r in R.items():
        bnd = bounded_2d(list(r.inequalities))
        assert r.bounded == bnd
        if domain is not None and "box" in domain:
            (lo0, hi0), (lo1, hi1) = domain["box"]
            start = box_polygon(lo0, hi0, lo1, hi1)
        else:
            M = 1 + max(
                [abs(c) for q in line_intersections(list(r.inequalities) + sorted(dom)) for c in q] + [0]
            )
            M = Fraction(math.ceil(M) + 1)
            start = box_polygon(-M, M, -M, M)
        P = polygon(r.inequalities, start)
        assert area(P) > 0
        for row in r.inequalities:  # every row is a facet (not redundant)
            assert has_edge_on(P, row)
        for vtx in P:  # the polygon lies in the closed cell of the pattern
            assert ref.cell_contains(p, vtx)
        polys[p] = P
    if complete and domain is not None and _domain_bounded(domain):
        if "box" in domain:
            (lo0, hi0), (lo1, hi1) = domain["box"]
            total = (fr(hi0) - fr(lo0)) * (fr(hi1) - fr(lo1))
        else:
            total = area(polygon(sorted(dom), box_polygon(-1000, 1000, -1000, 1000)))
        assert sum(area(P) for P in polys.values()) == total
    return polys


# ---------------------------------------------------------------------------- 1-D exact reference


def intervals_1d(ref: Ref, lo, hi):
    """Exact reference in 1-D: the activation regions as [(lo, hi, pattern)] and the pieces as [(lo, hi)].

    Layer by layer, every zero crossing of every unit is found exactly: once all crossings of
    earlier layers are in the point set, a unit's pre-activation is affine between consecutive
    points, so its crossings are the linear interpolations where it changes sign.
    """
    lo, hi = fr(lo), fr(hi)
    pts = {lo, hi}
    k0 = 0
    for width, act in [(len(b), a) for (_, b), a in zip(ref.layers, ref.acts)]:
        if act != "relu":
            continue
        s = sorted(pts)
        for p, q in zip(s, s[1:]):
            zp, zq = ref.preacts([p])[0], ref.preacts([q])[0]
            for j in range(k0, k0 + width):
                if (zp[j] > 0 > zq[j]) or (zp[j] < 0 < zq[j]):
                    pts.add(p + (q - p) * zp[j] / (zp[j] - zq[j]))
        k0 += width
    s = sorted(pts)
    cells = []  # (lo, hi, pattern, slope vector)
    for p, q in zip(s, s[1:]):
        pat = ref.pattern([(p + q) / 2])
        slope = tuple((b - a) / (q - p) for a, b in zip(ref([p]), ref([q])))
        cells.append([p, q, pat, slope])
    regs, pieces = [], []
    for p, q, pat, sl in cells:
        if regs and regs[-1][2] == pat:
            regs[-1][1] = q
        else:
            regs.append([p, q, pat])
        if pieces and pieces[-1][2] == sl:
            pieces[-1][1] = q
        else:
            pieces.append([p, q, sl])
    return [tuple(r) for r in regs], [(a, b) for a, b, _ in pieces]


def interval_of(region):
    """The interval [lo, hi] of a 1-D region from its rows (a x <= b)."""
    lo, hi = None, None
    for (a,), b in region.inequalities:
        t = Fraction(b, a)
        if a > 0:
            hi = t if hi is None else min(hi, t)
        else:
            lo = t if lo is None else max(lo, t)
    return lo, hi


# ============================================================================ 1. Zaslavsky


def det(M) -> Fraction:
    """Exact determinant by Gaussian elimination over Fractions."""
    M = [[Fraction(v) for v in row] for row in M]
    n, d = len(M), Fraction(1)
    for i in range(n):
        piv = next((r for r in range(i, n) if M[r][i] != 0), None)
        if piv is None:
            return Fraction(0)
        if piv != i:
            M[i], M[piv] = M[piv], M[i]
            d = -d
        d *= M[i][i]
        for r in range(i + 1, n):
            f = M[r][i] / M[i][i]
            M[r] = [x - f * y for x, y in zip(M[r], M[i])]
    return d


def in_general_position(A, b) -> bool:
    """Hyperplanes a_i.x + b_i = 0 in R^n: every n normals independent, no n+1 through one point.

    If every n-subset of normals is independent, n+1 hyperplanes share a point iff the
    (n+1)x(n+1) matrix [a_i | b_i] is singular (a kernel vector (x, t) has t != 0).
    """
    n = len(A[0])
    if any(det([A[i] for i in S]) == 0 for S in itertools.combinations(range(len(A)), n)):
        return False
    return all(det([[*A[i], b[i]] for i in S]) != 0 for S in itertools.combinations(range(len(A)), n + 1))


def generic_arrangement(n, m, seed):
    r = random.Random(seed)
    while True:
        A = [[r.randint(-5, 5) for _ in range(n)] for _ in range(m)]
        b = [r.randint(-6, 6) for _ in range(m)]
        if in_general_position(A, b):
            return A, b


def test_genericity_check_itself():
    # the genericity check must reject what it should: parallel lines, concurrent lines
    assert in_general_position([[1, 0], [0, 1], [1, 1]], [0, 0, 1])
    assert not in_general_position([[1, 0], [0, 1], [1, 1]], [0, 0, 0])  # three through the origin
    assert not in_general_position([[1, 2], [2, 4]], [0, 1])  # parallel
    assert not in_general_position([[1], [2]], [1, 2])  # same point x = -1 in R^1


@pytest.mark.parametrize(
    "n, m, seed",
    [(1, 1, 0), (1, 4, 1), (1, 8, 2), (2, 1, 3), (2, 2, 4), (2, 5, 5), (2, 8, 6), (3, 2, 7), (3, 3, 8)]
    + [(3, 5, 9), (3, 8, 10), (2, 7, 11)],
)
def test_zaslavsky_general_position(n, m, seed):
    A, b = generic_arrangement(n, m, seed)
    assert in_general_position(A, b)
    r = random.Random(seed + 100)
    out = [[r.choice([-3, -2, -1, 1, 2, 3]) for _ in range(m)]]
    assert all(w != 0 for w in out[0])
    ref = Ref([(A, b), (out, [0])])
    g = regions(ref.net())
    want = sum(math.comb(m, i) for i in range(n + 1))
    assert len(g) == want
    assert g.num_bounded == math.comb(m - 1, n)
    # adjacent regions differ in one unit k, so their gradients differ by out_k * a_k != 0:
    # no two adjacent regions share a map, every region is its own piece
    assert g.num_pieces == want
    # an arrangement of m hyperplanes: every facet crosses exactly one hyperplane
    assert all(len(d["flips"]) == 1 for _, _, d in g.graph.edges(data=True))
    check_graph(ref, g, None)


@pytest.mark.parametrize("n, m, seed", [(5, 3, 30), (8, 4, 31), (40, 3, 32)])
def test_zaslavsky_fewer_hyperplanes_than_dimensions(n, m, seed):
    # m < n hyperplanes with independent normals: every sign vector is a region (2^m of them, the
    # terms i <= m of Zaslavsky's sum), none bounded; the polyhedra have m-dimensional normal spans
    r = random.Random(seed)
    A = [[r.randint(-5, 5) for _ in range(n)] for _ in range(m)]
    assert det([row[:m] for row in A]) != 0
    b = [r.randint(-6, 6) for _ in range(m)]
    ref = Ref([(A, b), ([[r.choice([-2, -1, 1, 2]) for _ in range(m)]], [0])])
    g = regions(ref.net())
    assert len(g) == g.num_pieces == 2**m and g.num_bounded == 0
    assert {r.pattern for r in g} == set(itertools.product((0, 1), repeat=m))
    check_graph(ref, g, None)


def test_high_input_dimension_has_the_regions_of_its_quotient():
    # a first layer of 2 units with independent normals maps R^1000 onto R^2, so the network has
    # exactly the regions (patterns and adjacencies) of the 2-D network that starts from its
    # image; the deeper layers are walked through the cells of the first layer in R^1000
    r = random.Random(40)
    n = 1000
    W1 = [[r.randint(-9, 9) for _ in range(n)] for _ in range(2)]
    assert det([row[:2] for row in W1]) != 0
    deep = [([[1, -1], [2, 1]], [0, 1]), ([[1, 1]], [0])]
    g = regions(Network.from_layers([(W1, [1, 2]), *deep]))
    q = regions(Network.from_layers([([[1, 0], [0, 1]], [1, 2]), *deep]))
    assert {r.pattern for r in g} == {r.pattern for r in q}
    assert {frozenset(e) for e in g.graph.edges} == {frozenset(e) for e in q.graph.edges}
    assert (g.num_pieces, g.num_bounded) == (q.num_pieces, 0)
    ref = Ref([(W1, [1, 2]), *deep])
    for reg in g:  # interior points in R^1000, checked by the Fraction reference
        assert len(reg.interior_point) == n and ref.pattern(reg.interior_point) == reg.pattern


# ============================================================================ 2. 1-D pieces


def tent_layers(k):
    """t(x) = 2 relu(x) - 4 relu(x - 1/2), composed k times, as a network with k ReLU layers."""
    layers = [([[1], [1]], [0, "-1/2"])]
    for _ in range(k - 1):
        layers.append(([[2, -4], [2, -4]], [0, "-1/2"]))
    layers.append(([[2, -4]], [0]))
    return layers


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("k", [1, 2, 3, 4, 5])
def test_telgarsky_tent_map(k, kernel):
    ref = Ref(tent_layers(k))
    g = regions(ref.net(), {"box": [[0, 1]]}, kernel=kernel)
    assert g.stats["kernel"] == kernel
    # t^k has 2^k linear pieces on [0, 1] (Telgarsky), each with slope +-2^k.  The unit
    # relu(t^j - 1/2) flips at the odd multiples of 2^-(j+1); relu(t^j) never changes state on
    # an open interval (t^j >= 0 with isolated zeros), so the flips are at all i/2^k, 0 < i < 2^k:
    # 2^k activation regions too.
    assert g.num_pieces == 2**k
    assert len(g) == 2**k
    for r in g:
        (w,), c = fr_mat(r.W)[0], fr_mat(r.c)[0][0]
        assert abs(w) == 2**k
        lo, hi = interval_of(r)
        assert hi - lo == Fraction(1, 2**k)
        assert {w * lo + c, w * hi + c} == {0, 1}  # each piece runs from 0 to 1 or back
    check_graph(ref, g, {"box": [[0, 1]]})
    regs, pieces = intervals_1d(ref, 0, 1)
    assert len(pieces) == 2**k and len(regs) == 2**k


@pytest.mark.parametrize(
    "sizes, seed, dens",
    [((1, 4, 1), 0, (1,)), ((1, 4, 4, 1), 1, (1,)), ((1, 5, 5, 5, 1), 2, (1,))]
    + [((1, 6, 6, 2), 3, (1, 2, 3)), ((1, 3, 3, 3, 3, 1), 4, (1, 2))],
)
@pytest.mark.parametrize("kernel", KERNELS)
def test_1d_regions_and_pieces_exact_breakpoints(sizes, seed, dens, kernel):
    ref = Ref(random_layers(sizes, seed, dens=dens))
    dom = {"box": [[-4, 4]]}
    g = regions(ref.net(), dom, kernel=kernel)
    regs, pieces = intervals_1d(ref, -4, 4)
    assert len(g) == len(regs)
    assert {(interval_of(r), r.pattern) for r in g} == {((lo, hi), pat) for lo, hi, pat in regs}
    assert g.num_pieces == len(pieces)
    # the pieces as intervals: union of the intervals of their regions
    got = set()
    for comp in g.pieces():
        ivs = sorted(interval_of(g[p]) for p in comp)
        assert all(a[1] == b[0] for a, b in zip(ivs, ivs[1:]))  # contiguous
        got.add((ivs[0][0], ivs[-1][1]))
    assert got == set(pieces)
    check_graph(ref, g, dom)


@pytest.mark.parametrize("kernel", KERNELS)
def test_1d_fine_grid_brute_force(kernel):
    # non-zero integer weights and biases in -3..3 (so no unit is identically zero on an
    # interval).  Grid points where some pre-activation is exactly 0 are skipped; the others
    # name a region each.  Deeper breakpoints are not on a known grid, so the exact breakpoint
    # reference says how short the shortest region is: longer than two grid cells, so no
    # region is missed and the brute-force set must be the whole set.
    ref = Ref(random_layers((1, 5, 5, 1), 7, nonzero=True))
    g = regions(ref.net(), {"box": [[-3, 3]]}, kernel=kernel)
    N = 600
    grid = [Fraction(-3) + Fraction(6 * (2 * i + 1), 2 * N) for i in range(N)]  # cell midpoints
    generic = [x for x in grid if all(z != 0 for z in ref.preacts([x])[0])]
    assert len(generic) > N - 20
    seen = {ref.pattern([x]) for x in generic}
    assert seen <= set(g.graph)
    regs, _ = intervals_1d(ref, -3, 3)
    shortest = min(hi - lo for lo, hi, _ in regs)
    assert shortest > Fraction(6, N) * 2  # every region contains a whole grid cell: none missed
    assert seen == set(g.graph)


# ============================================================================ 3. random networks

RANDOM_NETS = [
    ((2, 4, 4, 1), 0, (1,), 3),
    ((2, 4, 4, 1), 1, (1, 2), 2),
    ((2, 6, 6, 2), 2, (1,), 3),
    ((2, 6, 6, 2), 3, (1, 2, 3), 2),
    ((3, 5, 5, 1), 4, (1,), 3),
    ((3, 5, 5, 1), 5, (1, 2), 2),
    ((2, 5, 5, 5, 1), 6, (1,), 3),
    ((2, 5, 5, 5, 1), 7, (1, 3), 2),
]


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("sizes, seed, dens, half", RANDOM_NETS)
def test_random_network_consistency(sizes, seed, dens, half, kernel):
    ref = Ref(random_layers(sizes, seed, dens=dens))
    dom = {"box": [[-half, half]] * sizes[0]}
    g = regions(ref.net(), dom, kernel=kernel)
    assert g.stats["kernel"] == kernel
    assert len(g) > 1
    check_graph(ref, g, dom)
    assert g.num_bounded == len(g)


@pytest.mark.parametrize("sizes, seed", [((2, 4, 4, 1), 11), ((2, 3, 3, 2), 12), ((3, 4, 3, 1), 13)])
def test_random_network_on_whole_space(sizes, seed):
    ref = Ref(random_layers(sizes, seed))
    g = regions(ref.net())
    check_graph(ref, g, None)  # every bounded flag re-derived (polygons in 2-D, z3 in 3-D)
    assert g.num_bounded < len(g)  # finitely many bounded regions cannot cover R^n


def graph_signature(g):
    """What two backends must agree on: regions with their rows, maps, boundedness; edges with flips."""
    nodes = {
        p: (frozenset(r.inequalities), str(r.W), str(r.c), r.bounded)
        for p, r in ((p, d["region"]) for p, d in g.graph.nodes(data=True))
    }
    edges = {}
    for u, v, d in g.graph.edges(data=True):
        a, b = d["hyperplane"]
        edges[frozenset((u, v))] = (
            frozenset([(a, b), (tuple(-x for x in a), -b)]),
            tuple(sorted(d["flips"])),
        )
    return nodes, edges


@pytest.mark.parametrize(
    "layers, domain",
    [
        (random_layers((2, 4, 4, 1), 20), {"box": [[-3, 3]] * 2}),
        (random_layers((3, 4, 3, 1), 21, dens=(1, 2)), {"box": [[-2, 2]] * 3}),
        (random_layers((2, 3, 2, 1), 22), None),
        # coincident / opposite / parallel rows: the backends must merge them the same way
        ([([[1, 1], [-2, -2], [1, 1], [0, 1], [0, 1]], [0, 0, 1, 0, -1]), ([[1, 1, 1, 1, 1]], [0])], None),
    ],
)
def test_backends_agree(layers, domain):
    ref = Ref(layers)
    graphs = {
        be: regions(ref.net(), domain, backend=be, kernel="walk") for be in ("ppl", "highs", "exact-lp")
    }
    graphs["subdivision"] = regions(ref.net(), domain, kernel="subdivision")
    sigs = {be: graph_signature(g) for be, g in graphs.items()}
    assert sigs["ppl"] == sigs["highs"] == sigs["exact-lp"] == sigs["subdivision"]
    for g in graphs.values():
        check_graph(ref, g, domain)


def int_grid_patterns(ref: Ref, N: int, half: int):
    """Patterns at the generic points of an N x N grid in [-half, half]^2 (integer weights only).

    x0 = half (2i + 1 - N) / N (cell centres) and x1 = x0-like + half / (3N) (shifted by a third of
    a half-cell, so that diagonals miss most points).  Scaled by D = 3N every pre-activation
    scales by D (ReLU is positively homogeneous) when every bias is scaled by D: plain ints.
    A point where some pre-activation is exactly 0 is not generic and is skipped.
    """
    D = 3 * N
    assert all(fr(w).denominator == 1 for W, b in ref.layers for row in W for w in [*row, *b])
    layers = [([[int(w) for w in row] for row in W], [int(bi) * D for bi in b]) for W, b in ref.layers]
    seen, skipped = set(), 0
    xs0 = [half * 3 * (2 * i + 1 - N) for i in range(N)]
    xs1 = [half * (3 * (2 * i + 1 - N) + 1) for i in range(N)]
    for x0 in xs0:
        for x1 in xs1:
            h, bits, generic = [x0, x1], [], True
            for (W, b), act in zip(layers, ref.acts):
                z = [sum(w * v for w, v in zip(row, h)) + bi for row, bi in zip(W, b)]
                if act == "relu":
                    generic = generic and all(z)
                    bits.extend(1 if v > 0 else 0 for v in z)
                    h = [v if v > 0 else 0 for v in z]
                else:
                    h = z
            if generic:
                seen.add(tuple(bits))
            else:
                skipped += 1
    return seen, skipped


@pytest.mark.parametrize(
    "sizes, seed, N, fine",
    [((2, 4, 4, 1), 34, 120, True), ((2, 5, 3, 1), 31, 120, True), ((2, 4, 4, 1), 35, 200, True)]
    + [((2, 4, 4, 1), 30, 60, False)],  # this one has a sliver of area 1/1344: a coarse grid misses it
)
@pytest.mark.parametrize("kernel", KERNELS)
def test_2d_grid_brute_force(sizes, seed, N, fine, kernel):
    ref = Ref(random_layers(sizes, seed, nonzero=True))
    g = regions(ref.net(), {"box": [[-3, 3]] * 2}, kernel=kernel)
    seen, skipped = int_grid_patterns(ref, N, 3)
    assert skipped < N * N // 20  # a few grid points lie on some line; all others are generic
    assert seen <= set(g.graph)  # every pattern met at a generic point is a region
    if fine:  # a grid fine enough for these nets hits every region
        assert seen == set(g.graph)
    else:  # the regions the grid missed contain no grid point at all (exact membership)
        missed = set(g.graph) - seen
        assert missed
        xs0 = [Fraction(3 * (2 * i + 1 - N), N) for i in range(N)]
        xs1 = [Fraction(3 * (3 * (2 * i + 1 - N) + 1), 3 * N) for i in range(N)]
        for p in missed:
            rows = g[p].inequalities
            assert not any(inside(rows, (x0, x1)) for x0 in xs0 for x1 in xs1)


# ============================================================================ 5. max_regions, GraphML


def test_max_regions_cap():
    A, b = generic_arrangement(2, 6, 40)
    ref = Ref([(A, b), ([[1, -2, 3, 1, 1, -1]], [0])])
    full = regions(ref.net())
    total = 1 + 6 + 15  # Zaslavsky, 6 lines in general position
    assert len(full) == total and full.complete and full.unexplored == 0
    for cap in (1, 3, 7, total - 1):
        g = regions(ref.net(), max_regions=cap)
        assert g.complete is False
        assert 0 < g.unexplored <= len(g) <= cap
        assert set(g.graph) <= set(full.graph)
        assert {frozenset(e) for e in g.graph.edges()} <= {frozenset(e) for e in full.graph.edges()}
        # a region with a neighbour (in the full graph) that is missing is necessarily unexplored
        missing = sum(1 for p in g.graph if any(q not in g.graph for q in full.graph[p]))
        assert missing >= 1 and g.unexplored >= missing
        assert g.summary()["complete"] is False and g.summary()["unexplored"] == g.unexplored
        for p in g.graph:  # what was found is found exactly
            assert set(g[p].inequalities) == set(full[p].inequalities)
        check_graph(ref, g, None, expect_complete=False)
    for cap in (total, total + 5):  # a cap that is not reached claims nothing less than the truth
        g = regions(ref.net(), max_regions=cap)
        assert g.complete is True and g.unexplored == 0 and len(g) == total


def test_max_regions_cap_on_a_box():
    # on a box the subdivision counts cells (each a union of regions, so a lower bound on the
    # count); past the cap the walk makes the partial graph, so a cap means the same on both
    A, b = generic_arrangement(2, 6, 41)
    ref = Ref([(A, b), ([[1, -2, 3, 1, 1, -1]], [0])])
    dom = {"box": [[-30, 30]] * 2}
    full = regions(ref.net(), dom, kernel="walk")
    total = len(full)
    assert total > 8
    for cap in (1, 5, total - 1):
        g = regions(ref.net(), dom, max_regions=cap, kernel="subdivision")
        assert g.complete is False and 0 < g.unexplored <= len(g) <= cap
        assert set(g.graph) <= set(full.graph)
    for cap in (total, total + 5):
        g = regions(ref.net(), dom, max_regions=cap, kernel="subdivision")
        assert g.stats["kernel"] == "subdivision"
        assert g.complete is True and graph_signature(g) == graph_signature(full)


@pytest.mark.parametrize("kernel", KERNELS)
def test_graphml_round_trip(tmp_path, kernel):
    # f(x, y) = relu(x - y/2) - 1/2 relu(-x + 1/3): numbers with denominators 2, 3 and 6 appear
    layers = [([[1, "-1/2"], [-1, 0]], [0, "1/3"]), ([[1, "-1/2"]], [0])]
    ref = Ref(layers)
    g = regions(ref.net(), {"box": [["-1/2", 1], [-1, 1]]}, kernel=kernel)
    polys = check_graph(ref, g, {"box": [["-1/2", 1], [-1, 1]]})
    assert len(polys) == 4
    path = tmp_path / "g.graphml"
    g.to_graphml(str(path))
    H = nx.read_graphml(str(path))
    assert H.number_of_nodes() == len(g) and H.number_of_edges() == g.graph.number_of_edges()
    by_name = {"".join(map(str, p)): p for p in g.graph}
    assert set(H.nodes) == set(by_name)
    strings = []
    for name, d in H.nodes(data=True):
        r = g[by_name[name]]
        assert d["pattern"] == name
        assert d["bounded"] is True
        ip = json.loads(d["interior_point"])
        assert all(isinstance(s, str) for s in ip)
        assert tuple(Fraction(s) for s in ip) == r.interior_point
        ineq = json.loads(d["inequalities"])
        assert {(tuple(int(s) for s in q["a"]), int(q["b"])) for q in ineq} == set(r.inequalities)
        W, c = ref.affine(by_name[name])
        assert [[Fraction(s) for s in row] for row in json.loads(d["W"])] == W
        assert [Fraction(s) for s in json.loads(d["c"])] == c
        strings += [s for row in json.loads(d["W"]) for s in row] + json.loads(d["c"]) + ip
    # exact strings: p/q in lowest terms, sign in front, integers without "/1"
    for s in strings:
        q = Fraction(s)
        assert s == (str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}")
    # by hand: where both units are active, f = x - y/2 - (1/2)(-x + 1/3) = 3/2 x - 1/2 y - 1/6
    d11 = H.nodes["11"]
    assert json.loads(d11["W"]) == [["3/2", "-1/2"]] and json.loads(d11["c"]) == ["-1/6"]
    # where only the second is active, f = -(1/2)(-x + 1/3) = 1/2 x - 1/6
    d01 = H.nodes["01"]
    assert json.loads(d01["W"]) == [["1/2", "0"]] and json.loads(d01["c"]) == ["-1/6"]
    for u, v, d in H.edges(data=True):
        pu, pv = by_name[u], by_name[v]
        e = g.graph.edges[pu, pv]
        hp = json.loads(d["hyperplane"])
        row = (tuple(int(s) for s in hp["a"]), int(hp["b"]))
        assert row == e["hyperplane"]
        assert tuple(Fraction(s) for s in json.loads(d["point"])) == e["point"]
        flips = [k for k in range(len(pu)) if pu[k] != pv[k]]
        assert d["flips"].split() == [f"h1.{k + 1}" for k in flips]
        assert d["same_map"] == (ref.affine(pu) == ref.affine(pv))


# ============================================================================ 6. z3 cross-check


def z3_net(ref: Ref, xs):
    """The network as z3 real expressions: (ReLU pre-activations, outputs)."""

    def q(v):
        return z3.Q(v.numerator, v.denominator)

    h, pre = list(xs), []
    for (W, b), act in zip(ref.layers, ref.acts):
        z = [z3.Sum([q(w) * v for w, v in zip(row, h)]) + q(bi) for row, bi in zip(W, b)]
        if act == "relu":
            pre += z
            h = [z3.If(v > 0, v, 0) for v in z]
        else:
            h = z
    return pre, h


@pytest.mark.parametrize(
    "sizes, seed, every",
    [((2, 4, 4, 1), 50, False), ((2, 3, 3, 3, 1), 51, False), ((3, 4, 4, 1), 52, True)],
)
@pytest.mark.parametrize("kernel", KERNELS)
def test_z3_cross_check(sizes, seed, every, kernel):
    n, half = sizes[0], 2
    ref = Ref(random_layers(sizes, seed, dens=(1, 2)))
    g = regions(ref.net(), {"box": [[-half, half]] * n}, kernel=kernel)
    xs = z3.Reals(" ".join(f"x{i}" for i in range(n)))
    pre, out = z3_net(ref, xs)
    in_box = [c for x in xs for c in (x >= -half, x <= half)]
    R = list(g)
    assert len(R) > 5
    picks = R if every else R[:: max(1, len(R) // 6)]

    def row_holds(row, strict=False):
        a, b = row
        e = z3.Sum([int(ai) * x for ai, x in zip(a, xs)])
        return e < b if strict else e <= b

    for r in picks:
        state = [pre[k] > 0 if s else pre[k] <= 0 for k, s in enumerate(r.pattern)]
        # 1. a point of the box with this pattern lies inside the region's rows
        s = z3.Solver()
        s.add(*in_box, *state, z3.Or([z3.Not(row_holds(q)) for q in r.inequalities]))
        assert s.check() == z3.unsat
        # 2. a point strictly inside the region's rows has this pattern (so, patterns being
        #    distinct, the regions' interiors are disjoint)
        s = z3.Solver()
        s.add(*[row_holds(q, strict=True) for q in r.inequalities], z3.Not(z3.And(state)))
        assert s.check() == z3.unsat
        # 3. on the closed region, the network is W x + c
        W, c = fr_mat(r.W), [row[0] for row in fr_mat(r.c)]
        s = z3.Solver()
        lin = [z3.Sum([z3.Q(w.numerator, w.denominator) * x for w, x in zip(Wi, xs)]) for Wi in W]
        s.add(*[row_holds(q) for q in r.inequalities])
        s.add(z3.Or([o != li + z3.Q(ci.numerator, ci.denominator) for o, li, ci in zip(out, lin, c)]))
        assert s.check() == z3.unsat
        # 4. every row is a facet: some point satisfies all other rows strictly and violates it
        for q in r.inequalities:
            s = z3.Solver()
            s.add(*[row_holds(o, strict=True) for o in r.inequalities if o != q], z3.Not(row_holds(q)))
            assert s.check() == z3.sat
    # 5. no point of the box escapes all regions' (closed) rows: the regions cover the box
    s = z3.Solver()
    s.add(*in_box)
    for r in R:
        s.add(z3.Or([z3.Not(row_holds(q)) for q in r.inequalities]))
    assert s.check() == z3.unsat
