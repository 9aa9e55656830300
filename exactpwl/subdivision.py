"""Layer-by-layer subdivision: the second exact region kernel (DESIGN.md "Two kernels, one answer").

Start from the (bounded) domain as one cell and, neuron after neuron in layer order, split every
cell that the neuron's zero set crosses.  On a cell all earlier neurons have fixed states, so the
neuron is affine there and its zero set is a hyperplane; after the last neuron every cell is one
activation region.  Exact and fast because nothing is solved:

* **Vertices are integer rows** ``[X | Z | d]``: the point ``X / d`` and the current layer's
  pre-activations ``Z / d`` of the network scaled to integers (ReLU is positively homogeneous,
  so scaling a layer by a positive integer changes no sign).  The network is continuous, so a
  vertex has the same pre-activations in every cell that contains it: one table for all cells.
* **A sign is exact**: it is the sign of an integer.  A neuron crosses a cell when some vertex
  is positive and some negative; a cut edge ``(u+, w-)`` gets the new vertex
  ``Z_k(u) row(w) - Z_k(w) row(u)`` (gcd-reduced), once, shared by every cell on that edge.
  numpy ``int64`` while a bound proves every product fits, Python integers (``object``) after.
* **A cell is combinatorial**: its vertices, its edges, and for each vertex the set of the
  cell's facets through it (a bit mask).  The edges of a new facet come from the exact
  combinatorial test "no third vertex lies on every facet that both endpoints lie on", which
  holds at non-simple vertices too, so degenerate arrangements need no special case.
* **Every step is vectorised over all cells** (cells are stored as flat arrays with offsets), so
  Python runs a fixed number of numpy calls per neuron, not a loop per cell.
* **Regions are read off at the end**: facet rows from the region's exact affine maps (batched
  integer products), adjacency by matching facets (equal vertex sets), a point in the relative
  interior of each facet and in the interior of each region from positive combinations of vertices.

Only bounded domains: ``regions`` falls back to the walk for unbounded ones (see its docstring).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import ppl

from .lp import Row
from .network import Network
from .numbers import SNAP_DENOMINATORS, primitive_int_row
from .region_table import RegionTable, exclusive, pair_facets, ragged, segments

__all__ = ["Subdivision", "TooManyFacets"]

_SAFE = 2**62  # |a| + |b| < 2^63 when both are below this: int64 sums and products cannot overflow
_BITS = 62  # facet slots per cell mask (uint64, kept below the sign bit for safe shifts)
_HASH_P = (1 << 61) - 1  # vertices are hashed through their coordinates mod this prime


def _fits(bound: int) -> bool:
    return bound < _SAFE


def _absmax(a: np.ndarray) -> int:
    return int(np.abs(a).max()) if a.size else 0


def _narrow(a: np.ndarray) -> np.ndarray:
    """``int64`` when every entry fits, else Python integers (``object``)."""
    if a.dtype == object:
        return a.astype(np.int64) if _fits(_absmax(a)) else a
    return a


def _gemm(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """``A @ B`` in column blocks small enough that BLAS stays on one thread: these products are
    small, and waking BLAS threads costs more than it gives (much more on a busy machine)."""
    step = max(1, 2**18 // max(1, A.shape[0] * A.shape[1]))
    if B.shape[1] <= step:
        return A @ B
    out = np.empty((A.shape[0], B.shape[1]))
    for j in range(0, B.shape[1], step):
        np.matmul(A, B[:, j : j + step], out=out[:, j : j + step])
    return out


def _reduce_rows(R: np.ndarray) -> np.ndarray:
    """Divide every row by the gcd of its entries (no row is all zero)."""
    if not len(R):
        return R
    g = np.gcd.reduce(R, axis=1)
    if R.dtype == object:
        g = np.array([int(v) for v in g], dtype=object)
    g[g == 0] = 1
    return R // g[:, None]


def _sum_segments(A: np.ndarray, starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Row sums of A over consecutive non-empty segments, exactly (object when int64 could overflow)."""
    if A.dtype != object and not _fits(_absmax(A) * (int(counts.max()) if len(counts) else 0)):
        A = A.astype(object)
    return np.add.reduceat(A, starts, axis=0)


class TooManyFacets(ValueError):
    """A cell has more facets than a mask holds: ``regions`` uses the walk instead."""


# ----------------------------------------------------------------------------- the network
class _IntegerNetwork:
    """The layers scaled to integers: ``z'_l = W'_l h'_{l-1} + b'_l`` with ``z'_l = s_l z_l``, ``s_l > 0``."""

    def __init__(self, net: Network):
        self.n = net.input_dim
        self.layers: list[tuple[np.ndarray, np.ndarray, np.ndarray, int]] = []  # W', b', ReLU mask, 1st unit
        s = 1
        k = 0
        for L in net.layers:
            W = L.weights.tolist()
            b = [L.biases[j, 0] for j in range(L.units)]
            den = 1
            for v in [x for row in W for x in row] + b:
                q = int(v.q)
                den = den * q // math.gcd(den, q)
            Wi = np.array([[int(v.p) * (den // int(v.q)) for v in row] for row in W], dtype=object)
            bi = np.array([int(v.p) * (den // int(v.q)) * s for v in b], dtype=object)
            s *= den
            mask = np.array(L.relu, dtype=bool)
            self.layers.append((_narrow(Wi), _narrow(bi), mask, k))
            k += int(mask.sum())
        self.scale = s  # of the output layer: the true output map is the scaled one over s
        self.num_units = k
        self.unit_layer = np.zeros(k, dtype=np.int64)  # layer of each neuron and its column there
        self.unit_col = np.zeros(k, dtype=np.int64)
        for li, (_, _, mask, k0) in enumerate(self.layers):
            cols = np.flatnonzero(mask)
            self.unit_layer[k0 : k0 + len(cols)] = li
            self.unit_col[k0 : k0 + len(cols)] = cols

    def values(self, H: np.ndarray, D: np.ndarray, layer: int) -> np.ndarray:
        """``d z'_l`` at points whose (scaled) inputs to layer ``l`` are ``H / d``."""
        W, b, _, _ = self.layers[layer]
        bound = _absmax(np.abs(W).sum(axis=1)) * _absmax(H) + _absmax(b) * _absmax(D)
        dt = np.int64 if _fits(bound) else object
        return H.astype(dt).dot(W.T.astype(dt)) + D.astype(dt)[:, None] * b.astype(dt)[None, :]

    def maps(self, patterns: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
        """The scaled affine maps ``[A | c]`` of every layer's pre-activations on cells with the
        given patterns (units x cells x (n+1)), and of the output (after its activation)."""
        n = self.n
        C = len(patterns)
        pre = []
        H = None
        for W, b, mask, k0 in self.layers:
            u = len(b)
            if H is None:
                M = np.zeros((u, C, n + 1), dtype=np.int64 if W.dtype == b.dtype == np.int64 else object)
                M[:, :, :n] = W[:, None, :]
                M[:, :, n] = b[:, None]
            else:
                flat = H.reshape(H.shape[0], -1)
                bound = _absmax(np.abs(W).sum(axis=1)) * _absmax(flat) + _absmax(b)
                if bound < 2**53:  # every partial sum is an integer that a float64 holds exactly
                    M = _gemm(W.astype(float), flat.astype(float)).astype(np.int64)
                else:
                    dt = np.int64 if _fits(bound) else object
                    M = W.astype(dt) @ flat.astype(dt)
                M = M.reshape(u, C, n + 1)
                M[:, :, n] += b.astype(M.dtype)[:, None]
            pre.append(M)
            H = M
            relu = np.flatnonzero(mask)
            if len(relu):
                on = np.ones((u, C), dtype=M.dtype)
                on[relu] = patterns[:, k0 : k0 + len(relu)].T
                H = M * on[:, :, None]
        return pre, H


# ----------------------------------------------------------------------------- cells
_GROUPS = {
    **dict.fromkeys(("vlen", "elen", "flen", "vst", "est", "fst", "P", "alive"), 0),
    **dict.fromkeys(("V", "M", "own"), 1),
    **dict.fromkeys(("EA", "EB"), 2),
    "FL": 3,
}
_STARTS = {"vst": ("vlen", 1), "est": ("elen", 2), "fst": ("flen", 3)}  # start of each cell's slots


class _Cells:
    """Cells as flat arrays: cell i owns ``vlen[i]`` vertex slots (vertex id ``V``, mask ``M`` of
    the cell's facets through it, ``own`` = i), ``elen[i]`` edges (``EA``, ``EB``: local vertex
    indices) and ``flen[i]`` facet slots (``FL``: neuron k >= 0, domain facet -1-j), stored in
    cell order; ``P`` is the pattern so far.  A split cell stays in place, dead (``alive``),
    and its two sides are appended, so a step costs what it changes (arrays grow by doubling);
    ``compacted()`` drops the dead."""

    def __init__(self, vlen, V, M, elen, EA, EB, flen, FL, P):
        C = len(vlen)
        own = np.repeat(np.arange(C, dtype=np.int64), vlen)
        self._a = dict(
            vlen=vlen,
            V=V,
            M=M,
            elen=elen,
            EA=EA,
            EB=EB,
            flen=flen,
            FL=FL,
            P=P,
            alive=np.ones(C, dtype=bool),
            own=own,
            vst=exclusive(vlen),
            est=exclusive(elen),
            fst=exclusive(flen),
        )
        self._n = [C, len(V), len(EA), len(FL)]

    def __getattr__(self, name: str) -> np.ndarray:
        try:
            return self._a[name][: self._n[_GROUPS[name]]]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def count(self) -> int:
        """Cells, the dead included (indices run up to this)."""
        return self._n[0]

    @property
    def live(self) -> int:
        return int(self.alive.sum())

    def append(self, other: _Cells) -> None:
        """Add the (compact) cells of ``other`` after these."""
        C = self._n[0]
        add = [other.count, len(other.V), len(other.EA), len(other.FL)]
        for name, g in _GROUPS.items():
            x = other.alive if name == "alive" else getattr(other, name)
            if name == "own":
                x = x + C
            elif name in _STARTS:
                x = x + self._n[_STARTS[name][1]]
            a = self._a[name]
            used, need = self._n[g], self._n[g] + add[g]
            if need > len(a):
                grown = np.empty((max(need, 2 * len(a)),) + a.shape[1:], dtype=a.dtype)
                grown[:used] = a[:used]
                self._a[name] = a = grown
            a[used:need] = x
        self._n = [u + d for u, d in zip(self._n, add)]

    def take(self, which: np.ndarray) -> _Cells:
        """The cells ``which``, in that order, as new compact arrays."""
        vs, es, fs = exclusive(self.vlen), exclusive(self.elen), exclusive(self.flen)
        vi = segments(vs[which], self.vlen[which])
        ei = segments(es[which], self.elen[which])
        fi = segments(fs[which], self.flen[which])
        return _Cells(
            self.vlen[which],
            self.V[vi],
            self.M[vi],
            self.elen[which],
            self.EA[ei],
            self.EB[ei],
            self.flen[which],
            self.FL[fi],
            self.P[which],
        )

    def compacted(self) -> _Cells:
        alive = self.alive
        return self if alive.all() else self.take(np.flatnonzero(alive))

    @staticmethod
    def pair(a: _Cells, b: _Cells) -> _Cells:
        """Two compact sets of cells, one after the other."""
        f = ("vlen", "V", "M", "elen", "EA", "EB", "flen", "FL", "P")
        return _Cells(*(np.concatenate([getattr(a, x), getattr(b, x)]) for x in f))

    @staticmethod
    def concat(parts: Sequence[_Cells]) -> _Cells:
        out = parts[0].take(np.flatnonzero(parts[0].alive))
        for p in parts[1:]:
            out.append(p.compacted())
        return out


def _compact(cells: _Cells, which: np.ndarray) -> _Cells:
    """Drop facet slots that no vertex uses any more, in the cells ``which`` (masks are 62 bits)."""
    keep = np.ones(cells.count, dtype=bool)
    keep[which] = False
    rest = cells.take(np.flatnonzero(keep))
    sub = cells.take(which)
    vs, fs = exclusive(sub.vlen), exclusive(sub.flen)
    M = sub.M.copy()
    FL, flen = [], []
    for i in range(sub.count):
        masks = [int(m) for m in sub.M[vs[i] : vs[i] + sub.vlen[i]]]
        live = 0
        for m in masks:
            live |= m
        slots = [t for t in range(int(sub.flen[i])) if (live >> t) & 1]
        FL += [int(sub.FL[fs[i] + t]) for t in slots]
        flen.append(len(slots))
        for j, m in enumerate(masks):
            M[vs[i] + j] = sum(1 << new for new, t in enumerate(slots) if (m >> t) & 1)
    sub = _Cells(
        sub.vlen,
        sub.V,
        M,
        sub.elen,
        sub.EA,
        sub.EB,
        np.array(flen, dtype=np.int64),
        np.array(FL, dtype=np.int64),
        sub.P,
    )
    return _Cells.concat([rest, sub])


def _polytope_edges(T: np.ndarray, cell: np.ndarray, need: int) -> tuple[np.ndarray, np.ndarray]:
    """Edges among the vertices of faces given as (mask ``T`` of facets through each vertex,
    its face ``cell``; sorted by face): pairs (p, q) of one face with at least ``need`` common
    facets and no third vertex of the face on every facet through both (exact, any degeneracy).

    The vertices on all of a pair's common facets are the AND, over those facets, of each
    facet's vertex set (bit masks over the face's vertices, 64 to a word).
    """
    L = len(T)
    none = np.zeros(0, dtype=np.int64)
    if L < 2:
        return none, none
    q = np.bincount(cell)
    pos = np.arange(L, dtype=np.int64) - exclusive(q)[cell]
    A, B = [], []
    for d in range(1, int(q.max())):  # the pairs (i, i + d) of one face with enough common facets
        a = np.flatnonzero((cell[:-d] == cell[d:]) & (np.bitwise_count(T[:-d] & T[d:]) >= need))
        A.append(a)
        B.append(a + d)
    if not A or not sum(len(a) for a in A):
        return none, none
    A, B = np.concatenate(A), np.concatenate(B)
    common = T[A] & T[B]
    words = (int(q.max()) + 63) // 64
    word, bit = pos // 64, np.left_shift(np.uint64(1), (pos % 64).astype(np.uint64))
    width = int(T.max()).bit_length()
    members = np.zeros((len(q), width, words), dtype=np.uint64)  # the vertices of each facet, per face
    vert, fac = np.nonzero(_unpack(T, width))
    np.bitwise_or.at(members, (cell[vert], fac, word[vert]), bit[vert])
    face = cell[A]
    acc = np.zeros((len(q), words), dtype=np.uint64)  # all the vertices of each face, first
    np.bitwise_or.at(acc, (cell, word), bit)
    acc = acc[face]
    for f in range(width):
        has = np.flatnonzero((common >> np.uint64(f)) & np.uint64(1))
        acc[has] &= members[face[has], f]
    mine = np.zeros((len(A), words), dtype=np.uint64)
    rows = np.arange(len(A))
    mine[rows, word[A]] |= bit[A]
    mine[rows, word[B]] |= bit[B]
    edge = np.all(acc == mine, axis=1)  # only p and q themselves
    return A[edge], B[edge]


# ----------------------------------------------------------------------------- the sweep
class Subdivision:
    """The state of a subdivision: the vertex table ``R`` and the cells, after ``done`` neurons."""

    def __init__(self, net: Network):
        self.net = net
        self.inet = _IntegerNetwork(net)
        self.n = net.input_dim
        self.domain_rows: list[Row] = []
        self.layer = 0  # index into inet.layers of the layer whose values are in R
        self.done = 0  # neurons processed
        self._R = np.zeros((0, self.n + 1), dtype=np.int64)  # rows [X | Z | d], with spare capacity
        self._used = 0
        self.rmax = 0  # a bound on every |entry| of R
        K = self.inet.num_units
        e = np.zeros(0, dtype=np.int64)
        self.cells = _Cells(e, e, e.astype(np.uint64), e, e, e, e, e, np.zeros((0, K), dtype=np.uint8))

    @classmethod
    def of_domain(cls, net: Network, rows: Sequence[Row]) -> Subdivision:
        """One cell: the bounded full-dimensional polyhedron ``{a.x <= b}``, from its exact vertices."""
        S = cls(net)
        n = S.n
        P = ppl.C_Polyhedron(n, "universe")
        for a, b in rows:
            P.add_constraint(ppl.Linear_Expression([-v for v in a], b) >= 0)
        facets = [
            primitive_int_row([-int(v) for v in c.coefficients()], int(c.inhomogeneous_term()))
            for c in P.minimized_constraints()
        ]
        pts = []
        for g in P.minimized_generators():
            if not g.is_point():
                raise ValueError("subdivision: the domain is not bounded")
            pts.append([int(v) for v in g.coefficients()] + [int(g.divisor())])
        if len(facets) > _BITS:
            raise ValueError(f"subdivision: the domain has more than {_BITS} facets")
        S.domain_rows = facets
        inc = []
        for p in pts:
            m = 0
            for i, (a, b) in enumerate(facets):
                if sum(ai * xi for ai, xi in zip(a, p)) == b * p[n]:
                    m |= 1 << i
            inc.append(m)
        T = np.array(inc, dtype=np.uint64)
        A, B = _polytope_edges(T, np.zeros(len(pts), dtype=np.int64), n - 1)
        S._set_vertices(np.array(pts, dtype=object))
        one = np.array([len(pts)], dtype=np.int64)
        S.cells = _Cells(
            one,
            np.arange(len(pts), dtype=np.int64),
            T,
            np.array([len(A)], dtype=np.int64),
            A,
            B,
            np.array([len(facets)], dtype=np.int64),
            np.array([-1 - i for i in range(len(facets))], dtype=np.int64),
            np.zeros((1, S.inet.num_units), dtype=np.uint8),
        )
        return S

    @property
    def R(self) -> np.ndarray:
        """The vertex table: one row [X | Z | d] per vertex."""
        return self._R[: self._used]

    @R.setter
    def R(self, rows: np.ndarray) -> None:
        self._R, self._used = rows, len(rows)
        self.rmax = _absmax(rows)

    def _grow(self, rows: np.ndarray) -> None:
        """Append vertex rows (amortised: the table doubles when full)."""
        R = self._R
        if rows.dtype != R.dtype:
            R = R.astype(object)
            rows = rows.astype(object)
        need = self._used + len(rows)
        if need > len(R):
            bigger = np.empty((max(need, 2 * len(R)), R.shape[1]), dtype=R.dtype)
            bigger[: self._used] = R[: self._used]
            R = bigger
        R[self._used : need] = rows
        self._R, self._used = R, need
        self.rmax = max(self.rmax, _absmax(rows))

    def _set_vertices(self, XD: np.ndarray) -> None:
        """Rows [X | d] -> the table [X | Z | d] for the first layer with ReLUs."""
        n = self.n
        X, D = _narrow(XD[:, :n]), _narrow(XD[:, n])
        H = X
        self.layer = 0
        while True:
            Z = self.inet.values(H, D, self.layer)
            if self.layer == len(self.inet.layers) - 1 or self.inet.layers[self.layer][2].any():
                break
            H = Z
            self.layer += 1
        self.R = _stack(X, Z, D)

    # ------------------------------------------------------------------ run
    def run(self, stop_at: int | None = None, max_cells: int | None = None) -> bool:
        """Process neurons up to ``stop_at`` (default: all); False as soon as there are more than
        ``max_cells`` cells (a lower bound on the number of regions)."""
        total = self.inet.num_units
        stop = total if stop_at is None else min(stop_at, total)
        while self.done < stop:
            k = self.done
            self._split_all(int(self.inet.unit_col[k]), k)
            self.done += 1
            if max_cells is not None and self.cells.live > max_cells:
                return False
            if self.done < total and self.inet.unit_layer[self.done] != self.layer:
                self._next_layer(int(self.inet.unit_layer[self.done]))
        return True

    def _next_layer(self, target: int) -> None:
        """Replace Z by the pre-activations of layer ``target`` (linear layers in between composed)."""
        n = self.n
        X, Z, D = self.R[:, :n], self.R[:, n:-1], self.R[:, -1]
        while self.layer < target:
            mask = self.inet.layers[self.layer][2]
            H = Z.copy()
            H[:, mask] = np.maximum(Z[:, mask], 0)
            self.layer += 1
            Z = self.inet.values(H, D, self.layer)
        self.R = _stack(X, Z, D)

    def _split_all(self, col: int, k: int) -> None:
        """Split every cell crossed by neuron ``k`` (column ``col`` of Z); set bit k where active."""
        n = self.n
        c = self.cells
        C = c.count
        z = self.R[:, n + col]
        sign = (z > 0).astype(np.int8) - (z < 0).astype(np.int8)
        owner = c.own
        ss = sign[c.V]
        alive = c.alive
        pos = (np.bincount(owner[ss > 0], minlength=C) > 0) & alive
        neg = np.bincount(owner[ss < 0], minlength=C) > 0
        c.P[pos & ~neg, k] = 1
        crossed = pos & neg
        if not crossed.any():
            return
        full = np.flatnonzero(crossed & (c.flen >= _BITS))
        if len(full) or len(c.V) > 2 * int(c.vlen[alive].sum()) + 1000:
            # free the dead cells' arrays; and (rare) the facet slots no vertex uses any more
            c = self.cells = c.compacted()
            if len(full):
                self.cells = c = _compact(c, np.flatnonzero(c.flen >= _BITS))
                if (c.flen >= _BITS).any():
                    raise TooManyFacets(f"a cell has {int(c.flen.max())} facets (at most {_BITS - 1})")
            return self._split_all(col, k)
        X = np.flatnonzero(crossed)
        m = len(X)
        N = len(self.R)
        # ---- the vertices of the crossed cells
        xl = c.vlen[X]
        xslot = segments(c.vst[X], xl)
        xcell = np.repeat(np.arange(m, dtype=np.int64), xl)
        xbase = exclusive(xl)
        xs, xm, xv = ss[xslot], c.M[xslot], c.V[xslot]
        zero64 = np.uint64(0)
        pm = np.bitwise_or.reduceat(np.where(xs > 0, xm, zero64), xbase)
        nm = np.bitwise_or.reduceat(np.where(xs < 0, xm, zero64), xbase)
        kb = np.left_shift(np.uint64(1), c.flen[X].astype(np.uint64))
        keep_p, keep_n, zero = xs >= 0, xs <= 0, xs == 0
        ep = np.cumsum(keep_p) - keep_p
        pl = ep - ep[xbase][xcell]  # index among the plus side's old vertices
        en = np.cumsum(keep_n) - keep_n
        nl = en - en[xbase][xcell]
        np_old = np.bincount(xcell[keep_p], minlength=m)
        nn_old = np.bincount(xcell[keep_n], minlength=m)
        kz = np.where(zero, kb[xcell], zero64)
        mask_p = (xm & pm[xcell]) | kz
        mask_n = (xm & nm[xcell]) | kz
        # ---- the edges of the crossed cells
        el = c.elen[X]
        eslot = segments(c.est[X], el)
        ecell = np.repeat(np.arange(m, dtype=np.int64), el)
        a = xbase[ecell] + c.EA[eslot]
        b = xbase[ecell] + c.EB[eslot]
        sa, sb = xs[a], xs[b]
        nz = (sa != 0) | (sb != 0)
        pe = (sa >= 0) & (sb >= 0) & nz
        ne = (sa <= 0) & (sb <= 0) & nz
        ce = (sa * sb) < 0
        up = sa[ce] > 0
        u = np.where(up, a[ce], b[ce])  # positive end
        w = np.where(up, b[ce], a[ce])
        cc = ecell[ce]
        keys = xv[u] * N + xv[w]
        uniq, inv = np.unique(keys, return_inverse=True)
        newid = N + inv.reshape(-1)
        ncross = np.bincount(cc, minlength=m)
        rank = ragged(ncross)
        newp = np_old[cc] + rank
        newn = nn_old[cc] + rank
        T = xm[u] & xm[w]
        # ---- the new facet: zero vertices and new vertices, and its edges
        zc = xcell[zero]
        cut_cell = np.concatenate([zc, cc])
        order = np.argsort(cut_cell, kind="stable")
        cut_cell = cut_cell[order]
        cut_T = np.concatenate([xm[zero], T])[order]
        cut_p = np.concatenate([pl[zero], newp])[order]
        cut_n = np.concatenate([nl[zero], newn])[order]
        if n == 2:  # the cut is a segment: its two ends
            A = np.arange(0, len(cut_cell), 2, dtype=np.int64)
            B = A + 1
        else:
            A, B = _polytope_edges(cut_T, cut_cell, n - 2)
        # ---- assemble the two sides of every crossed cell: plus sides 0..m-1, minus sides m..2m-1
        plen, nlen = np_old + ncross, nn_old + ncross
        lens = np.concatenate([plen, nlen])
        st = exclusive(lens)
        V = np.empty(int(lens.sum()), dtype=np.int64)
        M = np.empty(len(V), dtype=np.uint64)
        d = st[xcell[keep_p]] + pl[keep_p]
        V[d], M[d] = xv[keep_p], mask_p[keep_p]
        d = st[cc] + newp
        V[d], M[d] = newid, (T & pm[cc]) | kb[cc]
        d = st[m + xcell[keep_n]] + nl[keep_n]
        V[d], M[d] = xv[keep_n], mask_n[keep_n]
        d = st[m + cc] + newn
        V[d], M[d] = newid, (T & nm[cc]) | kb[cc]
        acell = cut_cell[A]
        ecells = np.concatenate([ecell[pe], cc, acell, m + ecell[ne], m + cc, m + acell])
        ea = np.concatenate([pl[a[pe]], pl[u], cut_p[A], nl[a[ne]], nl[w], cut_n[A]])
        eb = np.concatenate([pl[b[pe]], newp, cut_p[B], nl[b[ne]], newn, cut_n[B]])
        eo = np.argsort(ecells, kind="stable")
        fl = c.flen[X]
        fslot = segments(c.fst[X], fl)
        FL = np.empty(int(fl.sum()) + m, dtype=np.int64)
        fst = exclusive(fl + 1)
        FL[segments(fst, fl)] = c.FL[fslot]
        FL[fst + fl] = k
        P = np.concatenate([c.P[X], c.P[X]])
        P[:m, k] = 1
        sides = _Cells(
            lens,
            V,
            M,
            np.bincount(ecells, minlength=2 * m),
            ea[eo],
            eb[eo],
            np.r_[fl + 1, fl + 1],
            np.r_[FL, FL],
            P,
        )
        c.alive[X] = False
        c.append(sides)
        # ---- the new vertices: Z_k(u) row(w) - Z_k(w) row(u) for each cut edge (u+, w-)
        uu, ww = uniq // N, uniq % N
        R = self.R
        ka, kb_ = z[uu], -z[ww]
        if R.dtype != object and not _fits(2 * _absmax(z) * self.rmax):
            R, ka, kb_ = R.astype(object), ka.astype(object), kb_.astype(object)
            self.R = R
        rows = _reduce_rows(ka[:, None] * R[ww] + kb_[:, None] * R[uu])
        self._grow(rows)

    # ------------------------------------------------------------------ parts
    @property
    def count(self) -> int:
        """Cells now (each a union of regions: a lower bound on the number of regions)."""
        return self.cells.live

    def centroids(self) -> np.ndarray:
        """An approximate centre of every cell (floats, to group neighbouring cells into parts)."""
        c = self.cells = self.cells.compacted()
        n = self.n
        P = self.R[:, :n].astype(float) / self.R[:, -1].astype(float)[:, None]
        return np.add.reduceat(P[c.V], exclusive(c.vlen), axis=0) / c.vlen[:, None]

    def export(self, which: np.ndarray) -> dict[str, Any]:
        """The cells ``which`` and their vertices as plain arrays, to continue elsewhere (``resume``)."""
        sub = self.cells.compacted().take(np.asarray(which, dtype=np.int64))
        ids, V = np.unique(sub.V, return_inverse=True)
        return {
            "R": self.R[ids],
            "cells": (
                sub.vlen,
                V.reshape(-1).astype(np.int64),
                sub.M,
                sub.elen,
                sub.EA,
                sub.EB,
                sub.flen,
                sub.FL,
                sub.P,
            ),
            "layer": self.layer,
            "done": self.done,
            "domain_rows": self.domain_rows,
        }

    @classmethod
    def resume(cls, net: Network, part: dict[str, Any]) -> Subdivision:
        S = cls(net)
        S.R = part["R"]
        S.cells = _Cells(*part["cells"])
        S.layer = part["layer"]
        S.done = part["done"]
        S.domain_rows = part["domain_rows"]
        return S

    # ------------------------------------------------------------------ the regions
    def finish(self, open_units: int = 0, vertices: bool = False) -> RegionTable:
        """The regions: every cell after the last neuron.  Facets of neurons below ``open_units``
        (the ones that cut the domain into parts) may have their other side in another part:
        those left unpaired here are returned open.  ``vertices``: keep every facet's vertices."""
        if self.done < self.inet.num_units:
            raise AssertionError("finish() before every neuron was processed")
        n = self.n
        c = self.cells = self.cells.compacted()
        C = c.count
        XD = _narrow(_reduce_rows(np.concatenate([self.R[:, :n], self.R[:, -1:]], axis=1)))
        vst = exclusive(c.vlen)
        # ---- facets: (cell, slot) for each slot that some vertex of the cell uses
        live = np.bitwise_or.reduceat(c.M, vst)
        width = int(c.flen.max())
        fcell, fslot = np.nonzero(_unpack(live, width))  # sorted by cell, then slot
        F = len(fcell)
        label = c.FL[exclusive(c.flen)[fcell] + fslot]
        # ---- the vertices of each facet, sorted by vertex id
        fid = np.full((C, width), -1, dtype=np.int64)
        fid[fcell, fslot] = np.arange(F)
        slot, t = np.nonzero(_unpack(c.M, width))
        mfac = fid[np.repeat(np.arange(C, dtype=np.int64), c.vlen)[slot], t]
        N = len(self.R)
        key = np.sort(mfac * N + c.V[slot])  # by facet, then vertex id
        mfac, mvid = key // N, key % N
        fsize = np.bincount(mfac, minlength=F)
        fstart = exclusive(fsize)
        # ---- facet rows from the regions' exact maps (outward: a.x <= b)
        maps, out = self.inet.maps(c.P)
        dom = label < 0
        drows = _narrow(np.array([[*a, b] for a, b in self.domain_rows], dtype=object))
        wide = any(M.dtype == object for M in maps) or drows.dtype == object
        rows = np.zeros((F, n + 1), dtype=object if wide else np.int64)
        if dom.any():
            rows[dom] = drows[-1 - label[dom]]
        layer_of = self.inet.unit_layer[np.maximum(label, 0)] if self.inet.num_units else label
        for li, M in enumerate(maps):
            sel = np.flatnonzero(~dom & (layer_of == li))
            if not len(sel):
                continue
            k = label[sel]
            ab = M[self.inet.unit_col[k], fcell[sel], :].astype(rows.dtype)
            sign = np.where(c.P[fcell[sel], k] == 1, -1, 1).astype(rows.dtype)  # active: z >= 0 inside
            ab[:, :n] *= sign[:, None]
            ab[:, n] *= -sign
            rows[sel] = ab
        rows = _reduce_rows(rows)
        # ---- interior points, facet points: positive combinations of vertices
        center = _sum_segments(XD[c.V], vst, c.vlen)
        interior = _snap(center, rows, fcell, C)
        # ---- pair the facets: equal vertex sets
        inner = np.flatnonzero(~dom)
        fh = np.add.reduceat(_vertex_hash(XD)[mvid], fstart) if F else np.zeros(0, dtype=np.uint64)

        def same(pairs: np.ndarray) -> np.ndarray:
            f1, f2 = inner[pairs[:, 0]], inner[pairs[:, 1]]
            size = fsize[f1]
            eq = mvid[segments(fstart[f1], size)] == mvid[segments(fstart[f2], size)]
            return np.add.reduceat(eq.astype(np.int64), exclusive(size)) == size

        pairs, left = pair_facets(fh[inner], fsize[inner], same)
        pairs, left = inner[pairs], inner[left]
        if len(left) and (label[left] >= open_units).any():
            raise AssertionError("subdivision: a facet inside a part was found on one side only")
        # ---- a point in the relative interior of each facet that is an edge or open
        need = np.concatenate([pairs[:, 0], left])
        fpoint = _reduce_rows(
            _sum_segments(XD[mvid[segments(fstart[need], fsize[need])]], exclusive(fsize[need]), fsize[need])
        )
        vh = _vertex_hash(XD)
        om = mvid[segments(fstart[left], fsize[left])]
        owner = np.repeat(np.arange(len(left)), fsize[left])
        om = om[np.lexsort((vh[om], owner))]  # each open facet's vertices in hash order
        return RegionTable(
            n=n,
            outputs=out.shape[0],
            scale=self.inet.scale,
            patterns=c.P,
            out=out.transpose(1, 0, 2).reshape(C, -1),
            interior=interior,
            bounded=np.ones(C, dtype=bool),
            facet_cell=fcell,
            facet_row=rows,
            edge_u=fcell[pairs[:, 0]],
            edge_v=fcell[pairs[:, 1]],
            edge_row=rows[pairs[:, 0]],
            edge_point=fpoint[: len(pairs)],
            open_cell=fcell[left],
            open_row=rows[left],
            open_point=fpoint[len(pairs) :],
            open_hash=fh[left],
            open_size=fsize[left],
            open_vertices=XD[om],
            **(dict(vertices=XD, facet_vertices=mvid, facet_size=fsize) if vertices else {}),
        )


def _unpack(masks: np.ndarray, width: int) -> np.ndarray:
    """Facet masks (uint64) -> a boolean matrix, column t = bit t, for bits below ``width``."""
    nbytes = max(1, -(-width // 8))
    b = masks.astype("<u8").view(np.uint8).reshape(-1, 8)[:, :nbytes]
    return np.unpackbits(b, axis=1, bitorder="little")[:, :width].view(bool)


def _stack(X: np.ndarray, Z: np.ndarray, D: np.ndarray) -> np.ndarray:
    wide = object in (X.dtype, Z.dtype, D.dtype)
    dt = object if wide else np.int64
    R = np.concatenate([X.astype(dt), Z.astype(dt), D.astype(dt)[:, None]], axis=1)
    return _narrow(_reduce_rows(R)) if wide else _reduce_rows(R)


def _vertex_hash(XD: np.ndarray) -> np.ndarray:
    """A 64-bit hash of each reduced ``(X, d)`` row, the same whatever the row's dtype."""
    H = (XD % _HASH_P).astype(np.int64).astype(np.uint64)
    h = np.zeros(len(XD), dtype=np.uint64)
    for j in range(XD.shape[1]):
        h = (h ^ H[:, j]) * np.uint64(0x9E3779B97F4A7C15)  # multiply by an odd constant (golden ratio)
        h ^= h >> np.uint64(29)
    return h


def _snap(center: np.ndarray, rows: np.ndarray, fcell: np.ndarray, C: int) -> np.ndarray:
    """Per cell, ``[x * D | D]`` for a point with a small denominator D strictly inside the cell
    (rows ``a.x <= b`` of cell ``fcell``), near ``center`` = ``[sum X | sum d]``, itself strictly
    inside.  Floats propose the rounded point for D = 1, 2, 4, ... (as ``numbers.snap_point``);
    exact integer arithmetic accepts it; a cell where every proposal fails keeps its center."""
    n = center.shape[1] - 1
    out = _reduce_rows(center.copy())
    approx = center[:, :n].astype(float) / center[:, n].astype(float)[:, None]
    fstart = np.searchsorted(fcell, np.arange(C))
    fcount = np.bincount(fcell, minlength=C)
    todo = np.arange(C)
    for D in SNAP_DENOMINATORS:
        if not len(todo):
            break
        guess = np.rint(approx[todo] * D)
        if not np.isfinite(guess).all() or np.abs(guess).max(initial=0) >= 2**52:
            break
        nums = guess.astype(np.int64)
        fi = segments(fstart[todo], fcount[todo])
        owner = np.repeat(np.arange(len(todo)), fcount[todo])
        A, b, x = rows[fi, :n], rows[fi, n], nums[owner]
        if A.dtype == object or not _fits(_absmax(A) * _absmax(nums) * n + _absmax(b) * D):
            A, b, x = A.astype(object), b.astype(object), x.astype(object)
        inside = (A * x).sum(axis=1) < b * D
        bad = np.bincount(owner[~inside], minlength=len(todo)) > 0
        good = todo[~bad]
        if len(good):
            g = np.concatenate([nums[~bad], np.full((len(good), 1), D, dtype=np.int64)], axis=1)
            g = _reduce_rows(g)
            if out.dtype != object and not _fits(_absmax(g)):
                out = out.astype(object)
            out[good] = g
        todo = todo[bad]
    return _narrow(out)
