"""The regions of a domain (or of a part of it) as flat integer arrays.

What the subdivision kernel produces, worker processes send back, and the disk store keeps: no
Python object per region or edge, so counting a million regions costs arrays, not objects.
``RegionGraph`` turns rows into ``Region`` objects and a ``networkx`` graph only when asked.

Every number is an exact integer (``int64`` where it fits, Python integers otherwise); a
rational vector is stored as one integer row ``[numerators | common denominator]``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from .lp import Row

__all__ = ["RegionTable", "merge", "pair_facets", "components", "exclusive", "ragged", "segments"]


@dataclass
class RegionTable:
    """Regions ``0..C-1`` and the edges between them.

    Regions: ``patterns`` (C x neurons, 0/1), ``out`` the output map ``[W | c]`` times ``scale``
    (one row of ``outputs * (n+1)`` integers), ``interior`` ``[x * D | D]``, ``bounded``.
    Inequalities: ``facet_cell`` (sorted) and ``facet_row`` ``[a | b]`` (``a.x <= b``, primitive).
    Edges: ``edge_u``, ``edge_v``, ``edge_row`` (``edge_u``'s side), ``edge_point`` ``[X | d]``
    in the shared facet's relative interior.  ``open_*``: facets whose other side lies in
    another part (``open_cell``, ``open_row``, ``open_point``, ``open_hash`` of the vertex set,
    ``open_size`` vertices, listed as reduced ``(X, d)`` rows in ``open_vertices``, facet after
    facet, each facet's in the order of their hashes); empty once merged.  ``vertices``,
    ``facet_vertices``, ``facet_size`` (optional): each facet's vertices, so a region's are the
    union of its facets'.
    """

    n: int
    outputs: int
    scale: int
    patterns: np.ndarray
    out: np.ndarray
    interior: np.ndarray
    bounded: np.ndarray
    facet_cell: np.ndarray
    facet_row: np.ndarray
    edge_u: np.ndarray
    edge_v: np.ndarray
    edge_row: np.ndarray
    edge_point: np.ndarray
    open_cell: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    open_row: np.ndarray | None = None
    open_point: np.ndarray | None = None
    open_hash: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))
    open_size: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    open_vertices: np.ndarray | None = None
    # the regions' vertices, when asked for (``regions(..., vertices=True)``: certificates use them)
    vertices: np.ndarray | None = None  # reduced rows [X | d]
    facet_vertices: np.ndarray | None = None  # per facet, in facet order: its vertices (rows of ``vertices``)
    facet_size: np.ndarray | None = None  # per facet: how many

    def __len__(self) -> int:
        return len(self.patterns)

    @property
    def num_edges(self) -> int:
        return len(self.edge_u)

    def same_map(self) -> np.ndarray:
        """Per edge, whether its two regions have the same affine map."""
        return np.all(self.out[self.edge_u] == self.out[self.edge_v], axis=1)

    def rows_of(self, i: int) -> tuple[Row, ...]:
        n = self.n
        a, b = np.searchsorted(self.facet_cell, [i, i + 1])
        return tuple((tuple(r[:n]), r[n]) for r in self.facet_row[a:b].tolist())

    def pieces(self) -> np.ndarray:
        """Per region, the index of its linear piece (components of the same-map edges)."""
        same = self.same_map()
        return components(len(self), self.edge_u[same], self.edge_v[same])


def fractions(row: Sequence[int]) -> tuple[Fraction, ...]:
    """``[numerators | denominator]`` -> a tuple of Fractions."""
    d = row[-1]
    return tuple(Fraction(v, d) for v in row[:-1])


def components(count: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Connected components of a graph on ``0..count-1``: a label per node (hook and compress)."""
    label = np.arange(count, dtype=np.int64)
    if not len(u):
        return label
    while True:
        lu, lv = label[u], label[v]
        low = np.minimum(lu, lv)
        before = label.copy()
        np.minimum.at(label, lu, low)
        np.minimum.at(label, lv, low)
        while True:  # pointer jumping: every node to its root
            nxt = label[label]
            if np.array_equal(nxt, label):
                break
            label = nxt
        if np.array_equal(label, before):
            return label


def pair_facets(
    keys: np.ndarray, sizes: np.ndarray, same: Callable[[np.ndarray], np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """Pair facets by (hash of the vertex set, number of vertices).

    ``same(pairs)`` confirms candidate pairs exactly (an (E, 2) index array -> E booleans); a
    hash collision only costs a slower pairing of the facets concerned.  Returns the pairs and
    the indices of the facets left alone (their other side is elsewhere).
    """
    order = np.lexsort((sizes, keys))
    k, s = keys[order], sizes[order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = (k[1:] != k[:-1]) | (s[1:] != s[:-1])
    starts = np.flatnonzero(new)
    counts = np.diff(np.r_[starts, len(order)])
    two = starts[counts == 2]
    pairs = np.stack([order[two], order[two + 1]], axis=1).astype(np.int64)
    left = list(order[starts[counts == 1]].tolist())
    crowded = [
        order[a : a + c].tolist() for a, c in zip(starts[counts > 2].tolist(), counts[counts > 2].tolist())
    ]
    if len(pairs):
        ok = np.asarray(same(pairs), dtype=bool)
        if not ok.all():
            crowded.append(pairs[~ok].ravel().tolist())
            pairs = pairs[ok]
    extra = []
    for group in crowded:  # rare: decide every candidate pair exactly
        rest = list(group)
        while rest:
            i = rest.pop(0)
            j = next((j for j in rest if same(np.array([[i, j]]))[0]), None)
            if j is None:
                left.append(i)
            else:
                rest.remove(j)
                extra.append((i, j))
    if extra:
        pairs = np.concatenate([pairs, np.array(extra, dtype=np.int64)])
    return pairs, np.array(sorted(left), dtype=np.int64)


def exclusive(counts: np.ndarray) -> np.ndarray:
    """Start of each segment of the given lengths: ``[0, c0, c0 + c1, ...]``."""
    out = np.zeros(len(counts), dtype=np.int64)
    if len(counts) > 1:
        np.cumsum(counts[:-1], out=out[1:])
    return out


def ragged(counts: np.ndarray) -> np.ndarray:
    """``concatenate([arange(c) for c in counts])``."""
    counts = np.asarray(counts, dtype=np.int64)
    total = int(counts.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    return np.arange(total, dtype=np.int64) - np.repeat(exclusive(counts), counts)


def segments(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The indices ``starts[i] + 0 .. counts[i]-1``, concatenated."""
    return np.repeat(np.asarray(starts, dtype=np.int64), counts) + ragged(counts)


def _vertex_set(verts: np.ndarray, start: int, size: int) -> set:
    return {tuple(r) for r in verts[start : start + size].tolist()}


def _cat(arrays: list[np.ndarray]) -> np.ndarray:
    """Concatenate integer arrays, as Python integers when any of them needs it."""
    if any(a.dtype == object for a in arrays):
        arrays = [a.astype(object) for a in arrays]
    return np.concatenate(arrays)


@dataclass
class OpenFacets:
    """Facets on part boundaries, gathered from several tables (cells numbered globally)."""

    cell: np.ndarray
    hash: np.ndarray
    size: np.ndarray
    vertices: np.ndarray
    row: np.ndarray
    point: np.ndarray
    out: np.ndarray  # the output map of each facet's region (for same_map)

    @staticmethod
    def of(tables: Sequence[RegionTable], offsets: Sequence[int]) -> OpenFacets | None:
        both = [(t, o) for t, o in zip(tables, offsets) if len(t.open_cell)]
        if not both:
            return None
        return OpenFacets(
            cell=np.concatenate([t.open_cell + o for t, o in both]),
            hash=np.concatenate([t.open_hash for t, _ in both]),
            size=np.concatenate([t.open_size for t, _ in both]),
            vertices=_cat([t.open_vertices for t, _ in both]),
            row=_cat([t.open_row for t, _ in both]),
            point=_cat([t.open_point for t, _ in both]),
            out=_cat([t.out[t.open_cell] for t, _ in both]),
        )

    @staticmethod
    def join(parts: Sequence[OpenFacets]) -> OpenFacets | None:
        parts = [p for p in parts if p is not None]
        if not parts:
            return None
        return OpenFacets(*(_cat([getattr(p, f) for p in parts]) for f in OpenFacets.__dataclass_fields__))

    def pair(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Edges between the facets' regions: (u, v, row of u's side, point, same map)."""
        sizes, verts = self.size, self.vertices
        vstart = exclusive(sizes)

        def same(pairs: np.ndarray) -> np.ndarray:
            """Equal vertex lists (in hash order), or else equal vertex sets."""
            a, b = pairs[:, 0], pairs[:, 1]
            size = sizes[a]
            ia = segments(vstart[a], size)
            ib = segments(vstart[b], size)
            eq = np.all(verts[ia] == verts[ib], axis=1)
            ok = np.add.reduceat(eq.astype(np.int64), exclusive(size)) == size
            for i in np.flatnonzero(~ok).tolist():  # equal hashes in another order
                ok[i] = _vertex_set(verts, vstart[a[i]], size[i]) == _vertex_set(verts, vstart[b[i]], size[i])
            return ok

        pairs, left = pair_facets(self.hash, sizes, same)
        if len(left):  # cannot happen: the parts tile the domain
            raise AssertionError(f"{len(left)} facets on part boundaries found on one side only")
        a, b = pairs[:, 0], pairs[:, 1]
        same_map = np.all(self.out[a] == self.out[b], axis=1)
        return self.cell[a], self.cell[b], self.row[a], self.point[a], same_map


def merge(tables: Sequence[RegionTable]) -> RegionTable:
    """One table from the tables of the parts of a domain; open facets are paired across parts."""
    if len(tables) == 1 and not len(tables[0].open_cell):
        return tables[0]
    first = tables[0]
    offsets = np.cumsum([0] + [len(t) for t in tables])
    u = [t.edge_u + o for t, o in zip(tables, offsets)]
    v = [t.edge_v + o for t, o in zip(tables, offsets)]
    rows = [t.edge_row for t in tables]
    points = [t.edge_point for t in tables]
    opened = OpenFacets.of(tables, offsets)
    if opened is not None:
        cu, cv, crow, cpoint, _ = opened.pair()
        u.append(cu)
        v.append(cv)
        rows.append(crow)
        points.append(cpoint)
    return RegionTable(
        n=first.n,
        outputs=first.outputs,
        scale=first.scale,
        patterns=np.concatenate([t.patterns for t in tables]),
        out=_cat([t.out for t in tables]),
        interior=_cat([t.interior for t in tables]),
        bounded=np.concatenate([t.bounded for t in tables]),
        facet_cell=np.concatenate([t.facet_cell + o for t, o in zip(tables, offsets)]),
        facet_row=_cat([t.facet_row for t in tables]),
        edge_u=np.concatenate(u),
        edge_v=np.concatenate(v),
        edge_row=_cat(rows),
        edge_point=_cat(points),
        **_merged_vertices(tables),
    )


def _merged_vertices(tables: Sequence[RegionTable]) -> dict:
    """The vertex fields of merged tables (each table's vertex indices shifted), if all have them."""
    if any(t.vertices is None for t in tables):
        return {}
    shift = np.cumsum([0] + [len(t.vertices) for t in tables])
    return dict(
        vertices=_cat([t.vertices for t in tables]),
        facet_vertices=np.concatenate([t.facet_vertices + o for t, o in zip(tables, shift)]),
        facet_size=np.concatenate([t.facet_size for t in tables]),
    )
