"""What a certificate needs of the regions of a region table with vertices, computed in bulk.

The subdivision kernel (``regions(..., vertices=True)``) knows every region's facets, a point in
each, the region across, an interior point and the vertices of every facet.  That is all a
certificate needs, with no polyhedron computation per region:

* **labels**: the network's pattern (and a target network's) at every interior point, by exact
  integer evaluation of all points at once; other targets' selections by ``Semantics``;
* **rows**: every unit's row from the region's exact affine maps (batched integer products);
* **redundancy**: a row ``a.x <= b`` that is not a facet is implied by the facets.  Its maximum
  over the region is attained at a vertex v; where exactly n facets pass through v, they are a
  basis whose cone holds ``a`` (the normal cone at v), so the checker's multipliers on them are
  ``>= 0`` and add up (``a.v <= b``).  Floats propose the maximising vertex; exact integer
  comparisons confirm it.  Rows left open (degenerate vertices) are for the caller to prove.

Untrusted, like the rest of the writer: ``exactpwl check`` verifies what comes out of it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np
from flint import fmpq

from .check import Semantics, label_key
from .lp import Row
from .network import Network
from .region_table import RegionTable, exclusive, segments
from .subdivision import _absmax, _fits, _IntegerNetwork, _narrow, _reduce_rows, _unpack

__all__ = ["TableFacts"]


def point_texts(rows: np.ndarray) -> list[list[str]]:
    """Rows ``[X | d]`` (``d > 0``) as lists of number texts: ``"3"``, ``"-1/2"``."""
    X, d = rows[:, :-1], rows[:, -1:]
    g = np.gcd(X, d)
    if rows.dtype == object:
        g = g.astype(object)
    num, den = (X // g).tolist(), (d // g).tolist()
    return [[str(p) if q == 1 else f"{p}/{q}" for p, q in zip(pr, qr)] for pr, qr in zip(num, den)]


def _patterns(inet: _IntegerNetwork, XD: np.ndarray) -> np.ndarray:
    """The activation pattern (C x units, 0/1) at points ``[X | d]`` (``d > 0``): a ReLU is on when
    its pre-activation is > 0, as ``Semantics`` decides at a point; exact integer evaluation."""
    n = inet.n
    H, D = XD[:, :n], XD[:, n]
    bits = []
    for layer, (_, _, mask, _) in enumerate(inet.layers):
        Z = inet.values(H, D, layer)
        on = Z > 0
        bits.append(on[:, mask])
        H = np.where(mask[None, :] & ~on, 0, Z)
    return np.concatenate(bits, axis=1).astype(np.uint8) if bits else np.zeros((len(XD), 0), np.uint8)


def _unit_rows(inet: _IntegerNetwork, P: np.ndarray) -> np.ndarray:
    """Every ReLU unit's row on regions with patterns P (C x units x (n+1), primitive integers):
    active, ``z >= 0``: ``-a.x <= c``; inactive: ``a.x <= -c``."""
    n = inet.n
    maps, _ = inet.maps(P)
    blocks = [M[mask] for M, (_, _, mask, _) in zip(maps, inet.layers) if mask.any()]
    C = len(P)
    if not blocks:
        return np.zeros((C, 0, n + 1), dtype=np.int64)
    dt = object if any(b.dtype == object for b in blocks) else np.int64
    M = np.concatenate([b.astype(dt) for b in blocks], axis=0).transpose(1, 0, 2)  # C x units x (n+1)
    sign = np.where(P == 1, -1, 1).astype(dt)[:, :, None]
    R = M * sign
    R[:, :, n] = -R[:, :, n]
    K = R.shape[1]
    return _reduce_rows(R.reshape(C * K, n + 1)).reshape(C, K, n + 1)


def _lexsort(region: np.ndarray, R: np.ndarray, *tiebreak: np.ndarray) -> np.ndarray:
    """The (stable) order of rows by (region, a1, ..., an, b, tiebreak...): Python's order of
    ``(a, b)``.  One packed int64 key when the columns' ranges fit in 63 bits, else a lexsort."""
    cols = [region, *(R[:, j] for j in range(R.shape[1])), *tiebreak]
    if not len(region):
        return np.zeros(0, dtype=np.int64)
    lows = [int(c.min()) for c in cols]
    spans = [int(c.max()) - lo + 1 for c, lo in zip(cols, lows)]
    if sum(s.bit_length() for s in spans) <= 63:
        key = np.zeros(len(region), dtype=np.int64)
        for c, lo, span in zip(cols, lows, spans):
            key = key * span + (c - lo)
        return np.argsort(key, kind="stable")
    return np.lexsort(cols[::-1])


def _texts(bits: np.ndarray) -> list[str]:
    """Rows of 0/1 as strings ``"0110"``."""
    if not bits.shape[1]:
        return [""] * len(bits)
    chars = np.ascontiguousarray(bits.astype(np.uint8) + ord("0"))
    return chars.view(f"S{bits.shape[1]}").ravel().astype(str).tolist()


def _match(ra: np.ndarray, A: np.ndarray, rb: np.ndarray, B: np.ndarray) -> np.ndarray:
    """For each row of A (in region ``ra``): the index of the equal row of B in the same region
    (rows of B are distinct within a region), or -1."""
    region = np.concatenate([ra, rb])
    R = np.concatenate([A, B])
    kind = np.concatenate([np.ones(len(A), dtype=np.int64), np.zeros(len(B), dtype=np.int64)])
    order = _lexsort(region, R, kind)  # an equal row of B comes just before each row of A
    out = np.full(len(A), -1, dtype=np.int64)
    at = np.flatnonzero(kind[order] == 1)
    before = at[at > 0] - 1
    at = at[at > 0]
    i, j = order[at], order[before]
    same = (kind[j] == 0) & (region[i] == region[j]) & np.all(R[i] == R[j], axis=1)
    out[i[same]] = j[same] - len(A)
    return out


class TableFacts:
    """Labels, rows, facets and redundancy bases of a table's regions (see the module docstring).

    ``of(...)`` is None when a number outgrows int64 (the caller then writes region by region).
    Rows of all labels are kept flat: ``L`` (sorted by region, then as ``Semantics.region``
    sorts them), ``Lstart`` per region, ``Ldom`` (a domain row); per table facet ``fpos`` (its
    place among its region's rows), ``fdom``, ``facross`` (the region across) and ``fedge``.
    """

    @classmethod
    def of(cls, sem: Semantics, net: Network, t: RegionTable) -> TableFacts | None:
        facts = cls(sem, net, t)
        return facts if facts.ok else None

    def __init__(self, sem: Semantics, net: Network, t: RegionTable):
        self.sem, self.t, self.n = sem, t, t.n
        n = self.n
        C = len(t)
        XD = t.interior
        self.points = point_texts(XD)
        inet = _IntegerNetwork(net)
        P = _patterns(inet, XD)
        self.patterns = _texts(P)
        parts = [_unit_rows(inet, P).reshape(-1, n + 1)]
        regions = [np.repeat(np.arange(C), inet.num_units)]
        target = sem.target
        self.forms_none = target.pieces is not None
        if target.kind == "network":
            tnet = _IntegerNetwork(target.network)
            TP = _patterns(tnet, XD)
            self.selections: list[Any] = _texts(TP)
            parts.append(_unit_rows(tnet, TP).reshape(-1, n + 1))
            regions.append(np.repeat(np.arange(C), tnet.num_units))
        else:
            self.selections = [sem.selection([[fmpq(v, r[n]) for v in r[:n]]]) for r in XD.tolist()]
            chosen: dict[str, np.ndarray] = {}
            for sel in self.selections:
                key = label_key(sel)
                if key not in chosen:
                    rows = sorted(sem.selection_rows(sel)[0])
                    chosen[key] = _narrow(
                        np.array([[*a, b] for a, b in rows], dtype=object).reshape(-1, n + 1)
                    )
            got = [chosen[label_key(sel)] for sel in self.selections]
            parts.append(np.concatenate(got))
            regions.append(np.repeat(np.arange(C), [len(g) for g in got]))
        D = _narrow(np.array([[*a, b] for a, b in sem.domain], dtype=object).reshape(-1, n + 1))
        parts.append(np.tile(D, (C, 1)))
        regions.append(np.repeat(np.arange(C), len(D)))
        isdom = np.zeros(sum(len(p) for p in parts), dtype=bool)
        isdom[len(isdom) - C * len(D) :] = True
        arrays = [*parts, t.vertices, t.facet_row, t.edge_row]
        self.ok = all(a.dtype != object or _fits(_absmax(a)) for a in arrays)
        if not self.ok:
            return
        R = np.concatenate([p.astype(np.int64, copy=False) for p in parts])
        region = np.concatenate(regions)
        keep = np.any(R[:, :n] != 0, axis=1) | (R[:, n] < 0)  # trivial rows are not the label's
        R, region, isdom = R[keep], region[keep], isdom[keep]
        order = _lexsort(region, R)
        R, region, isdom = R[order], region[order], isdom[order]
        new = np.ones(len(R), dtype=bool)
        new[1:] = (region[1:] != region[:-1]) | np.any(R[1:] != R[:-1], axis=1)
        group = np.cumsum(new) - 1
        self.L, self.Lreg = R[new], region[new]
        self.Ldom = np.zeros(len(self.L), dtype=bool)
        np.logical_or.at(self.Ldom, group, isdom)
        self.Lstart = np.searchsorted(self.Lreg, np.arange(C + 1))
        # facets: their place among the label's rows, and the region across
        F = len(t.facet_cell)
        self.fstart = np.searchsorted(t.facet_cell, np.arange(C + 1))
        at = _match(t.facet_cell, t.facet_row.astype(np.int64), self.Lreg, self.L)
        self.fpos = np.where(at >= 0, at - self.Lstart[t.facet_cell], -1)
        self.fdom = np.where(at >= 0, self.Ldom[np.maximum(at, 0)], False)
        self.Lfacet = np.zeros(len(self.L), dtype=bool)
        self.Lfacet[at[at >= 0]] = True
        E = t.num_edges
        side = np.concatenate([t.edge_u, t.edge_v])
        rows = np.concatenate([t.edge_row, -t.edge_row]).astype(np.int64)
        e = _match(side, rows, t.facet_cell, t.facet_row.astype(np.int64))  # edge side -> facet
        self.facross = np.full(F, -1, dtype=np.int64)
        self.fedge = np.full(F, -1, dtype=np.int64)
        hit = e >= 0
        self.facross[e[hit]] = np.concatenate([t.edge_v, t.edge_u])[hit]
        self.fedge[e[hit]] = np.concatenate([np.arange(E), np.arange(E)])[hit]
        self.edge_points = point_texts(t.edge_point)
        self._lists: tuple | None = None
        self._vertices()
        self._bases()

    # ------------------------------------------------------------------ labels and rows
    def label(self, i: int) -> list:
        return [self.patterns[i], self.selections[i]]

    def keys(self) -> list[str]:
        """A text per region, equal for equal labels (``label_key`` when the selection is not text)."""
        if all(isinstance(sel, str) for sel in self.selections):
            return [f"{p}|{s}" for p, s in zip(self.patterns, self.selections)]
        return [label_key(self.label(i)) for i in range(len(self.patterns))]

    def rows(self, i: int) -> list[Row]:
        """The rows of region i's label, as ``Semantics.region`` gives them."""
        n = self.n
        return [(tuple(r[:n]), r[n]) for r in self.L[self.Lstart[i] : self.Lstart[i + 1]].tolist()]

    def facets(
        self, members: Sequence[int], number: Sequence[int]
    ) -> dict[Row, tuple[int, list[str]] | None]:
        """The facets of the label of the table regions ``members`` (one region, or several whose
        union is the label's polyhedron): row -> (the label number across, a point in the facet),
        None for the domain's.  ``number``: the label number of each table region.  A facet
        towards another member is inside the label and left out; a piece of a facet of the union
        has the facet's affine hull, so its point is inside the facet too."""
        n, t = self.n, self.t
        inside = {number[i] for i in members}
        out: dict = {}
        for i in members:
            for f in range(int(self.fstart[i]), int(self.fstart[i + 1])):
                r = t.facet_row[f].tolist()
                row = (tuple(r[:n]), r[n])
                q = int(self.facross[f])
                if self.fdom[f]:
                    out[row] = None
                elif q < 0:  # an internal error, never a certificate
                    raise AssertionError(f"certificate: facet {row} of region {i} has no region across")
                elif number[q] not in inside and row not in out:
                    out[row] = (number[q], self.edge_points[self.fedge[f]])
        return out

    def implied_bases(self, i: int) -> dict[Row, tuple[Row, ...]]:
        """Region i's rows proved by a simple vertex: row -> the facet rows of its basis."""
        rows = self.rows(i)
        out = {}
        for g in range(int(self.gstart[i]), int(self.gstart[i + 1])):
            if self.gbasis[g, 0] >= 0:
                out[rows[self.gpos[g]]] = tuple(rows[k] for k in self.gbasis[g].tolist())
        return out

    def union(self, members: Sequence[int], number: Sequence[int]) -> tuple[dict, dict]:
        """The facets and simple-vertex bases of a label made of several table regions (their
        union is the label's polyhedron, convex): as ``facets`` and ``implied_bases`` give them.

        Its vertices are among the members'; a row that peaks at a vertex on exactly n of its
        facets (decided exactly) is proved by them, the others are left to the caller."""
        n = self.n
        facets = self.facets(members, number)
        rows = self.rows(members[0])  # the members' rows are the label's, the same for all
        goals = [r for r in rows if r not in facets and r not in self.sem.domain]
        if not goals:
            return facets, {}
        F = list(facets)
        A = np.array([[*a, -b] for a, b in F], dtype=object)  # a.x - b d at [X | d]: 0 on the facet
        V = np.concatenate([self.VX[self.vstart[i] : self.vstart[i + 1]] for i in members]).astype(object)
        tight = (V.dot(A.T) == 0).T  # facets x vertices
        lcm = math.lcm(*V[:, n].tolist())
        scale = np.array([lcm // d for d in V[:, n].tolist()], dtype=object)
        goal_rows = np.array([[*a, 0] for a, _ in goals], dtype=object)
        values = goal_rows.dot(V.T) * scale[None, :]  # a.x at every vertex, times lcm: goals x vertices
        simple = tight.sum(axis=0) == n
        bases = {}
        for g, goal in enumerate(goals):
            top = values[g] == values[g].max()
            j = np.flatnonzero(top & simple)
            if len(j):
                bases[goal] = tuple(F[k] for k in np.flatnonzero(tight[:, j[0]]).tolist())
        return facets, bases

    def compact(self, i: int, number: Sequence[int], single: Sequence[bool]) -> dict | None:
        """Region i's compact entry, or None when something needs a region-by-region proof
        (a row no simple vertex proves, a facet that is not a row of the label, pieces).

        ``number``: each table region's label number; ``single``: per label number, whether its
        facet points are the table's (the label is one table region).  A facet towards a lower
        such label leaves its point out: that label's facet back gives the same one."""
        if self.forms_none or not self.complete[i]:
            return None
        if self._lists is None:  # Python lists, once: indexing them is cheaper than numpy's
            f_inside = np.flatnonzero(~self.fdom)
            self._lists = (
                np.searchsorted(f_inside, self.fstart).tolist(),
                self.fpos[f_inside].tolist(),
                self.facross[f_inside].tolist(),
                self.fedge[f_inside].tolist(),
                self.ustart.tolist(),
                self.gstart.tolist(),
            )
        fstart, fpos, facross, fedge, ustart, gstart = self._lists
        points = self.edge_points
        f0, f1 = fstart[i], fstart[i + 1]
        me = number[i]
        out = {
            "pattern": self.patterns[i],
            "target": self.selections[i],
            "point": self.points[i],
            "facets": [
                [fpos[f], q] if q < me and single[q] else [fpos[f], q, points[fedge[f]]]
                for f in range(f0, f1)
                for q in (number[facross[f]],)
            ],
            "redundant": [],
        }
        u0, u1 = ustart[i], ustart[i + 1]
        if u1 > u0:
            out["implied"] = {
                "bases": self.ubasis[u0:u1].tolist(),
                "of": self.gof[gstart[i] : gstart[i + 1]].tolist(),
            }
        return out

    # ------------------------------------------------------------------ redundancy
    def _vertices(self) -> None:
        """Per region its vertices (rows of ``t.vertices``) and, per vertex, the mask of the
        region's facets through it (bit k: the region's k-th facet)."""
        t = self.t
        F = len(t.facet_cell)
        first = self.fstart[:-1]
        local = np.arange(F, dtype=np.int64) - first[t.facet_cell]
        cell = np.repeat(t.facet_cell, t.facet_size)
        bit = np.left_shift(np.uint64(1), np.repeat(local, t.facet_size).astype(np.uint64))
        key = cell * len(t.vertices) + t.facet_vertices
        uniq, inv = np.unique(key, return_inverse=True)
        self.vcell = uniq // len(t.vertices)
        self.vid = uniq % len(t.vertices)
        self.vmask = np.zeros(len(uniq), dtype=np.uint64)
        np.bitwise_or.at(self.vmask, inv.reshape(-1), bit)
        self.vstart = np.searchsorted(self.vcell, np.arange(len(t) + 1))
        self.VX = t.vertices[self.vid]  # [X | d] of each region's vertices
        self.vbound = max(1, _absmax(self.VX))

    def _bases(self) -> None:
        """Per goal (a label row that is neither a facet nor the domain's): ``gbasis``, the sorted
        places of n facets at a simple vertex where the row's a.x is largest (-1s: none); per
        region the distinct bases ``ubasis`` (from ``ustart``) and each goal's ``gof`` among them."""
        n, C = self.n, len(self.t)
        goals = np.flatnonzero(~self.Lfacet & ~self.Ldom)
        G = len(goals)
        greg = self.Lreg[goals]
        self.gpos = goals - self.Lstart[greg]
        self.gstart = np.searchsorted(greg, np.arange(C + 1))
        local = self._simple_vertex_facets(greg, self.L[goals, :n])
        basis = np.full((G, n), -1, dtype=np.int64)
        found = local[:, 0] >= 0
        basis[found] = self.fpos[self.fstart[greg[found]][:, None] + local[found]]
        basis[np.any(basis < 0, axis=1)] = -1
        basis.sort(axis=1)
        self.gbasis = basis
        valid = basis[:, 0] >= 0
        bad = np.bincount(greg[~valid], minlength=C) > 0
        f_bad = (~self.fdom) & ((self.fpos < 0) | (self.facross < 0))
        bad |= np.bincount(self.t.facet_cell[f_bad], minlength=C) > 0
        self.complete = ~bad
        keys = np.concatenate([greg[:, None], basis], axis=1)[valid]
        self.gof = np.full(G, -1, dtype=np.int64)
        if not len(keys):
            self.ubasis = np.zeros((0, n), dtype=np.int64)
            self.ustart = np.zeros(C + 1, dtype=np.int64)
            return
        by = _lexsort(keys[:, 0], keys[:, 1:])  # equal bases of a region together, first goal first
        sk = keys[by]
        new = np.ones(len(sk), dtype=bool)
        new[1:] = np.any(sk[1:] != sk[:-1], axis=1)
        inv = np.empty(len(sk), dtype=np.int64)
        inv[by] = np.cumsum(new) - 1  # each goal's distinct basis
        first = by[new]  # the first goal of each distinct basis
        order = np.argsort(first, kind="stable")  # bases numbered by their first goal, region by region
        place = np.empty(len(first), dtype=np.int64)
        place[order] = np.arange(len(first))
        uniq = sk[new]
        ordered = uniq[order]
        self.ustart = np.searchsorted(ordered[:, 0], np.arange(C + 1))
        self.gof[valid] = (place - self.ustart[uniq[:, 0]])[inv]
        self.ubasis = ordered[:, 1:]

    def _simple_vertex_facets(self, region: np.ndarray, A: np.ndarray) -> np.ndarray:
        """For each goal (region, normal a): the region's facets (local indices, G x n) at a simple
        vertex where a.x is largest, or a row of -1s when no maximising vertex is simple."""
        G, n = len(region), self.n
        out = np.full((G, n), -1, dtype=np.int64)
        if not G:
            return out
        count = self.vstart[region + 1] - self.vstart[region]
        pv = segments(self.vstart[region], count)  # (goal, vertex) pairs, goal after goal
        pg = np.repeat(np.arange(G), count)
        bound = self.vbound * self.vbound * n * _absmax(A)  # of num_j * d_c below
        if _fits(bound) and self.VX.dtype != object:
            num = np.einsum("ij,ij->i", A[pg], self.VX[pv, :n])
            d = self.VX[pv, n]
        else:
            V = self.VX[pv].astype(object)
            num = (A[pg].astype(object) * V[:, :n]).sum(axis=1)
            d = V[:, n]
        # floats propose the maximising vertex of each goal ...
        value = num.astype(float) / d.astype(float)
        starts = exclusive(count)
        best = np.maximum.reduceat(value, starts)
        first = np.full(G, -1, dtype=np.int64)
        hit = np.flatnonzero(value == best[pg])[::-1]
        first[pg[hit]] = hit  # the first pair of each goal at its float maximum
        # ... exact integer comparisons decide: num_j / d_j <= num_c / d_c for every vertex j
        c = first[pg]
        ok = np.add.reduceat((num * d[c] <= num[c] * d).astype(np.int64), starts) == count
        masks = self.vmask[pv]
        simple = (num * d[c] == num[c] * d) & (np.bitwise_count(masks) == n)  # maximising, n facets
        pick = np.full(G, -1, dtype=np.int64)
        idx = np.flatnonzero(simple)[::-1]
        pick[pg[idx]] = idx
        pick[~ok] = -1
        for g in np.flatnonzero(~ok).tolist():  # the floats missed: the exact maximum, from scratch
            s, e = int(starts[g]), int(starts[g] + count[g])
            vals = [Fraction(int(num[j]), int(d[j])) for j in range(s, e)]
            top = max(vals)
            pick[g] = next(
                (s + k for k, v in enumerate(vals) if v == top and int(masks[s + k]).bit_count() == n), -1
            )
        found = np.flatnonzero(pick >= 0)
        if len(found):
            width = int(self.vmask.max()).bit_length()
            _, k = np.nonzero(_unpack(masks[pick[found]], width))
            out[found] = k.reshape(-1, n)
        return out
