"""Linear regions of a network over a domain: an exact breadth-first walk, kept as a graph.

Two counts, and which is which:

* an **activation region** is the closure of a full-dimensional set of inputs on which every
  ReLU has one fixed state (active: pre-activation > 0; inactive: <= 0).  Lower-dimensional
  cells are not regions.  ``len(graph)`` counts these.
* a **linear piece** is a maximal set of activation regions that share one affine map and are
  connected through shared facets (connected components of the region graph restricted to
  edges whose two regions have equal maps).  ``graph.num_pieces`` counts these.

The walk starts in the region of a domain point (perturbed lexicographically, so it is always
full-dimensional), and crosses every facet that is not part of the domain boundary: from a point
``p`` in the relative interior of the facet it evaluates, exactly, the pattern at ``p + e a``
for infinitesimal ``e`` (``Network.pattern_near``), which names the region across.  Every
facet of a region borders exactly one region on its other side, so no step can be missed.
"""

from __future__ import annotations

import gc
import json
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import networkx as nx
import numpy as np
from flint import fmpq, fmpq_mat

from . import lp, parallel
from .errors import InputError
from .lp import Row
from .network import Network
from .numbers import format_number, to_fraction
from .polyhedron import Polyhedron, as_domain, cell, describe, implied
from .region_table import RegionTable, fractions
from .store import RegionStore
from .subdivision import TooManyFacets

__all__ = ["Region", "RegionGraph", "regions", "region_rows"]

DOMAIN = -1  # source tag of a domain row (neurons are tagged by their pattern index >= 0)


@dataclass(frozen=True, slots=True)
class Region:
    """One full-dimensional activation region.

    ``inequalities`` are its non-redundant rows ``a.x <= b`` (primitive integers), the ones of
    the domain boundary included; ``W x + c`` is the network on it.
    """

    pattern: tuple[int, ...]
    inequalities: tuple[Row, ...]
    interior_point: tuple[Fraction, ...]
    W: fmpq_mat
    c: fmpq_mat
    bounded: bool

    def affine_map(self) -> tuple[list[list[Fraction]], list[Fraction]]:
        W = [[to_fraction(v) for v in row] for row in self.W.tolist()]
        return W, [to_fraction(self.c[i, 0]) for i in range(self.c.nrows())]

    def contains(self, x: Sequence[Any], strict: bool = False) -> bool:
        return Polyhedron.from_rows(self.inequalities, len(self.interior_point)).contains(x, strict)


def region_rows(
    net: Network, pattern: Sequence[int], domain_rows: Sequence[Row] = ()
) -> tuple[list[Row], dict[Row, list[int]], fmpq_mat]:
    """The rows of a pattern's polyhedron, which neurons (or ``DOMAIN``) give each row, and the output map.

    A neuron with pre-activation ``z = a.x + c`` gives ``-a.x <= c`` when active, ``a.x <= -c``
    when not; a row equal for several neurons (coincident hyperplanes) is listed once.
    """
    unit_rows, out = net.pattern_rows(pattern)
    sources: dict[Row, list[int]] = {}
    for k, row in enumerate(unit_rows):
        sources.setdefault(row, []).append(k)
    for row in domain_rows:
        sources.setdefault(row, []).append(DOMAIN)
    return list(sources), sources, out


class RegionGraph:
    """The regions of a network over a domain: a ``networkx.Graph`` plus counts.

    Node = activation pattern (a tuple of 0/1) with attribute ``region`` (a ``Region``);
    edge = a shared facet, with attributes ``hyperplane`` (the row ``a.x <= b`` of the first
    region's side), ``point`` (rational, in the facet's relative interior), ``flips`` (pattern
    indices of the neurons that change state) and ``same_map``.
    """

    def __init__(
        self,
        net: Network,
        domain: Polyhedron | None,
        table: RegionTable | None = None,
        store: RegionStore | None = None,
    ):
        self.net = net
        self.domain = domain
        self.table = table  # the regions as flat arrays (subdivision); the graph is built on demand
        self.store = store  # or in a SQLite file (``regions(..., store=PATH)``)
        if store is not None:
            self.table = None
        self._graph = None if table is not None or store is not None else nx.Graph()
        self._index: dict[tuple[int, ...], int] | None = None
        self.complete = True
        self.unexplored = 0
        self.stopped_at: tuple[int, ...] | None = None
        self.stats: dict[str, Any] = {}

    @property
    def graph(self) -> nx.Graph:
        """The ``networkx`` graph (built from ``table`` on first use when there is one)."""
        if self._graph is None:
            self._graph = self._build_graph()
        return self._graph

    # -- counts
    def __len__(self) -> int:
        if self.store is not None:
            return self.store.meta("regions")
        return len(self.table) if self.table is not None else self.graph.number_of_nodes()

    def __iter__(self) -> Iterator[Region]:
        if self.store is not None and self._graph is None:
            return self._store_regions()
        if self._graph is None:
            return self._table_regions()
        return (d["region"] for _, d in self.graph.nodes(data=True))

    def __getitem__(self, pattern: tuple[int, ...]) -> Region:
        if self.store is not None and self._graph is None:
            where = ("WHERE pattern = ?", ("".join(map(str, pattern)),))
            found = list(self._store_regions(*where))
            if not found:
                raise KeyError(pattern)
            return found[0]
        if self._graph is None:
            if self._index is None:
                self._index = {tuple(p): i for i, p in enumerate(self.table.patterns.tolist())}
            return next(self._table_regions(self._index[tuple(pattern)]))
        return self.graph.nodes[pattern]["region"]

    @property
    def num_regions(self) -> int:
        return len(self)

    @property
    def num_bounded(self) -> int:
        if self.store is not None:
            return self.store.meta("bounded")
        if self.table is not None:
            return int(self.table.bounded.sum())
        return sum(1 for r in self if r.bounded)

    def pieces(self) -> list[set[tuple[int, ...]]]:
        """Linear pieces: components of the graph restricted to edges between equal affine maps."""
        if self.store is not None and self._graph is None:
            self._graph = self._build_graph()
        if self.table is not None:
            out: dict[int, set[tuple[int, ...]]] = {}
            for label, p in zip(self.table.pieces().tolist(), self.table.patterns.tolist()):
                out.setdefault(label, set()).add(tuple(p))
            return list(out.values())
        same = nx.Graph()
        same.add_nodes_from(self.graph)
        same.add_edges_from((u, v) for u, v, s in self.graph.edges(data="same_map") if s)
        return [set(c) for c in nx.connected_components(same)]

    @property
    def num_pieces(self) -> int:
        if self.store is not None:
            return self.store.meta("pieces")
        if self.table is not None:
            return len(np.unique(self.table.pieces()))
        return len(self.pieces())

    @property
    def num_edges(self) -> int:
        if self.store is not None:
            return self.store.meta("edges")
        return self.table.num_edges if self.table is not None else self.graph.number_of_edges()

    # -- from the table
    def _table_regions(self, only: int | None = None) -> Iterator[Region]:
        """``Region`` objects of the table's rows (all, or the one at index ``only``)."""
        t = self.table
        n, outs, w = t.n, t.outputs, t.n + 1
        scale = fmpq(1, t.scale)
        idx = range(len(t)) if only is None else [only]
        sl = slice(None) if only is None else slice(only, only + 1)
        pats, out, inter, bnd = (a[sl].tolist() for a in (t.patterns, t.out, t.interior, t.bounded))
        ends = np.searchsorted(t.facet_cell, np.arange(len(t) + 1)).tolist()
        frows = t.facet_row.tolist() if only is None else None
        for i, pat, o, x, b in zip(idx, pats, out, inter, bnd):
            fr = (
                frows[ends[i] : ends[i + 1]]
                if frows is not None
                else t.facet_row[ends[i] : ends[i + 1]].tolist()
            )
            W = fmpq_mat(outs, n, [o[j * w + k] for j in range(outs) for k in range(n)])
            c = fmpq_mat(outs, 1, [o[j * w + n] for j in range(outs)])
            if t.scale != 1:
                W, c = W * scale, c * scale
            rows = tuple((tuple(r[:n]), r[n]) for r in fr)
            yield Region(tuple(pat), rows, fractions(x), W, c, bool(b))

    def _store_regions(self, where: str = "", args: tuple = ()) -> Iterator[Region]:
        n, outs, scale = self.store.meta("n"), self.store.meta("outputs"), self.store.meta("scale")
        w = n + 1
        for _, pat, rows, x, o, b in self.store.regions(where, args):
            W = fmpq_mat(outs, n, [o[j * w + k] for j in range(outs) for k in range(n)])
            c = fmpq_mat(outs, 1, [o[j * w + n] for j in range(outs)])
            if scale != 1:
                W, c = W * fmpq(1, scale), c * fmpq(1, scale)
            yield Region(pat, tuple((tuple(r[:n]), r[n]) for r in rows), fractions(x), W, c, b)

    def _build_graph(self) -> nx.Graph:
        with _no_gc():
            if self.store is not None:
                return self._graph_of_store()
            return self._graph_of_table()

    def _graph_of_store(self) -> nx.Graph:
        g = nx.Graph()
        names = {}
        for r in self._store_regions():
            names[len(names)] = r.pattern
            g.add_node(r.pattern, region=r)
        n = self.store.meta("n")
        for u, v, row, x, same in self.store.edges():
            pu, pv = names[u], names[v]
            flips = tuple(k for k, (a, b) in enumerate(zip(pu, pv)) if a != b)
            data = {
                "hyperplane": (tuple(row[:n]), row[n]),
                "point": fractions(x),
                "flips": flips,
                "same_map": same,
            }
            g.add_edge(pu, pv, **data)
        return g

    def _graph_of_table(self) -> nx.Graph:
        t = self.table
        g = nx.Graph()
        g.add_nodes_from((r.pattern, {"region": r}) for r in self._table_regions())
        if not t.num_edges:
            return g
        n = t.n
        pats = [tuple(p) for p in t.patterns.tolist()]
        diff = t.patterns[t.edge_u] != t.patterns[t.edge_v]
        _, unit = np.nonzero(diff)
        unit = unit.tolist()
        ends = np.cumsum(diff.sum(axis=1)).tolist()
        F = Fraction
        edges = []
        start = 0
        for u, v, r, x, end, s in zip(
            t.edge_u.tolist(),
            t.edge_v.tolist(),
            t.edge_row.tolist(),
            t.edge_point.tolist(),
            ends,
            t.same_map().tolist(),
        ):
            d = x[n]
            point = tuple([F(x[i], d) for i in range(n)])
            data = {
                "hyperplane": (tuple(r[:n]), r[n]),
                "point": point,
                "flips": tuple(unit[start:end]),
                "same_map": s,
            }
            edges.append((pats[u], pats[v], data))
            start = end
        g.add_edges_from(edges)
        return g

    def summary(self) -> dict[str, Any]:
        """The counts, for ``--json``: regions, pieces, bounded, complete, unexplored, edges, stats."""
        d: dict[str, Any] = {
            "regions": len(self),
            "pieces": self.num_pieces,
            "bounded": self.num_bounded,
            "edges": self.num_edges,
            "complete": self.complete,
        }
        if not self.complete:
            d["unexplored"] = self.unexplored
        d.update(self.stats)
        return d

    def _repr_png_(self) -> bytes | None:
        """The region map (2-D) or graph (1-D) in a notebook; None without matplotlib."""
        from .plot import png

        return png(self)

    # -- export
    def neuron_name(self, k: int) -> str:
        layer, unit = self.net.neurons[k]
        return f"h{layer + 1}.{unit + 1}"

    def to_graphml(self, path: str) -> None:
        """Write GraphML; every number is an exact string (``"-1/2"``), structures are JSON text."""
        H = nx.Graph()
        name = {p: "".join(map(str, p)) or "-" for p in self.graph}
        for p, d in self.graph.nodes(data=True):
            r: Region = d["region"]
            W, c = r.affine_map()
            H.add_node(
                name[p],
                pattern=name[p],
                bounded=r.bounded,
                interior_point=json.dumps([format_number(v) for v in r.interior_point]),
                inequalities=json.dumps([{"a": [str(v) for v in a], "b": str(b)} for a, b in r.inequalities]),
                W=json.dumps([[format_number(v) for v in row] for row in W]),
                c=json.dumps([format_number(v) for v in c]),
            )
        for u, v, d in self.graph.edges(data=True):
            a, b = d["hyperplane"]
            H.add_edge(
                name[u],
                name[v],
                hyperplane=json.dumps({"a": [str(x) for x in a], "b": str(b)}),
                point=json.dumps([format_number(x) for x in d["point"]]),
                flips=" ".join(self.neuron_name(k) for k in d["flips"]),
                same_map=bool(d["same_map"]),
            )
        nx.write_graphml(H, path)


KERNELS = ("auto", "walk", "subdivision")


@contextmanager
def _no_gc() -> Iterator[None]:
    """Garbage collection off: building many small acyclic objects, collections only cost time."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def regions(
    net: Network,
    domain: Any = None,
    max_regions: int | None = None,
    backend: str = "ppl",
    progress: Callable[[int, int], None] | None = None,
    predict: bool = True,
    until: Callable[[Region], bool] | None = None,
    *,
    kernel: str = "auto",
    workers: int | None = None,
    client: Any = None,
    store: str | None = None,
    start: Sequence[Any] | None = None,
    vertices: bool = False,
) -> RegionGraph:
    """Enumerate the activation regions of ``net`` over ``domain`` exactly.

    ``domain``: None (all of R^n), a ``Polyhedron``, or a FORMATS.md dict (``{"box": ...}`` or
    ``{"A": ..., "b": ...}``).  With ``max_regions`` the enumeration stops once that many regions are
    known; the graph then has ``complete = False`` and ``unexplored`` regions whose neighbours
    were not visited — no count is claimed.  ``progress(found, queued)`` is called once per
    region visited and at the end.
    ``predict=False`` evaluates every neighbour's pattern instead of deriving the simple ones
    (same result, slower; kept to test the derivation).  ``until(region)`` is asked about each
    new region; when it says True the enumeration stops there (``graph.stopped_at`` names it).

    ``kernel`` (DESIGN.md "Two kernels, one answer"; both give the same graph):

    * ``"walk"``: breadth-first over facets, one exact polyhedron per region (``backend``);
      any domain, ``R^n`` included; stops early for ``until`` and ``max_regions``.
    * ``"subdivision"``: layer-by-layer subdivision of a bounded domain, exact integer
      vertices, no LP (``exactpwl.subdivision``; 10-40x faster).  It needs a bounded domain and
      falls back to the walk on an unbounded one; with ``max_regions`` it stops as soon as
      its cells (each a union of regions) outnumber the cap and lets the walk make the partial
      graph; ``until`` is asked about every region once all are known.
    * ``"auto"`` (default): the subdivision on bounded domains, the walk otherwise or when a
      ``backend`` other than ``"ppl"`` is asked for.

    ``graph.stats["kernel"]`` says which kernel ran.

    ``start``: a point strictly inside the domain where the walk begins (in the region at the
    point, perturbed lexicographically); with ``until`` a region known to satisfy it is met
    first.  It asks for the walk.

    Parallel (the subdivision; ``exactpwl.parallel``): ``workers=None`` uses every core once a
    job has run for ``parallel.LARGE_SECONDS`` (smaller jobs stay in this process),
    ``workers=N`` uses N processes, ``workers=1`` none; ``client`` (a ``dask.distributed.Client``)
    sends the parts to a Dask cluster instead.  The graph is the same either way.  A worker that
    dies raises ``parallel.WorkerLost``.  The walk always runs in this process.

    ``store=PATH`` (the subdivision) streams the regions and edges into a SQLite file part by
    part instead of keeping them in memory (``exactpwl.store``): the counts come out as usual,
    regions are read back from the file, and ``graph.graph`` loads everything.

    ``vertices=True`` (the subdivision, without a store) keeps every region's vertices in
    ``graph.table``: the certificate writer proves redundant rows from them.

    >>> net = Network.from_layers([([[1], [-1]], [0, 0]), ([[1, 1]], [0])])   # |x|
    >>> g = regions(net, {"box": [[-1, 1]]})
    >>> len(g), g.num_pieces, g.num_bounded
    (2, 2, 2)
    """
    n = net.input_dim
    dom = as_domain(domain, n)
    if max_regions is not None and max_regions < 1:
        raise InputError("max_regions: must be at least 1")
    if kernel not in KERNELS:
        raise InputError(f"kernel: {kernel!r} is not one of {', '.join(KERNELS)}")
    if start is not None:
        if dom is not None and not dom.contains(start, strict=True):
            raise InputError("start: the point must lie strictly inside the domain")
        kernel = "walk"
    bounded = kernel != "walk" and dom is not None and dom.is_bounded()
    if kernel == "auto":
        kernel = "subdivision" if bounded and backend == "ppl" else "walk"
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise InputError("workers: must be a positive integer")
    if kernel == "subdivision" and bounded:
        g = _subdivide(net, dom, max_regions, progress, until, workers, client, store, vertices)
        if g is not None:
            return g
    if store is not None and max_regions is None:
        raise InputError("store: streaming regions to disk needs the subdivision (a bounded domain)")
    return _walk(net, dom, max_regions, backend, progress, predict, until, start)


def _subdivide(
    net: Network,
    dom: Polyhedron,
    max_regions: int | None,
    progress: Callable[[int, int], None] | None,
    until: Callable[[Region], bool] | None,
    workers: int | None,
    client: Any,
    store: str | None,
    vertices: bool = False,
) -> RegionGraph | None:
    """The subdivision kernel; None when there are more than ``max_regions`` regions."""
    t0 = time.perf_counter()
    disk = RegionStore(store, fresh=True) if store is not None else None
    try:
        table, used, parts = parallel.subdivide(
            net,
            dom.rows,
            workers=workers,
            client=client,
            max_cells=max_regions,
            progress=progress,
            store=disk,
            vertices=vertices,
        )
    except TooManyFacets:
        return None
    if table is None:
        return None
    G = RegionGraph(net, dom, table, disk)
    if until is not None:
        with _no_gc():
            for r in G:
                if until(r):
                    G.stopped_at = r.pattern
                    G.complete = False
                    break
    G.stats = {"seconds": round(time.perf_counter() - t0, 3), "kernel": "subdivision", "backend": None}
    G.stats.update(lps=0, fallbacks=0, workers=used, parts=parts)
    return G


def _walk(
    net: Network,
    dom: Polyhedron | None,
    max_regions: int | None,
    backend: str,
    progress: Callable[[int, int], None] | None,
    predict: bool,
    until: Callable[[Region], bool] | None,
    start: Sequence[Any] | None = None,
) -> RegionGraph:
    """The walk kernel."""
    n = net.input_dim
    dom_rows = list(dom.rows) if dom is not None else []
    t0 = time.perf_counter()
    lp0 = (lp.STATS.exact, lp.STATS.floats, lp.STATS.fallbacks)
    G = RegionGraph(net, dom)
    g = G.graph

    if start is None:
        start = dom.interior_point() if dom is not None else tuple(fmpq(0) for _ in range(n))
    known: dict[tuple[int, ...], set[Row]] = {}  # facets of a region whose neighbour is in the graph
    capped: set[tuple[int, ...]] = set()  # regions with a neighbour left out because of max_regions

    layer_of = [layer for layer, _ in net.neurons]
    zero_row = ((0,) * n, 0)

    # With several ReLU layers, many regions lie in one cell of the first layer's arrangement.
    # Caching each cell's facets and generators lets every region drop the deeper rows that the
    # cell already implies (an exact check on the generators), which halves the polyhedron size.
    first = sum(1 for layer in layer_of if layer == layer_of[0]) if layer_of else 0
    use_cells = backend == "ppl" and 0 < first < len(layer_of)
    cells: dict[tuple[int, ...], Any] = {}

    def reduced(pattern: tuple[int, ...], rows: list[Row], sources: dict[Row, list[int]]) -> list[Row]:
        key = pattern[:first]
        outer = [r for r in rows if any(k < first for k in sources[r])]  # layer 1 and domain rows
        if key not in cells:
            cells[key] = cell(outer, n)
        facets, G = cells[key]
        deep = [r for r in rows if all(k >= first for k in sources[r])]
        return facets + [r for r, imp in zip(deep, implied(deep, G)) if not imp]

    def add(pattern: tuple[int, ...]) -> list[tuple[Row, Any, tuple[int, ...] | None]]:
        """Describe a new region, put it in the graph; return its facets that lie inside the domain."""
        rows, sources, out = region_rows(net, pattern, dom_rows)
        if use_cells:
            rows = reduced(pattern, rows, sources)
        d = describe(rows, n, backend)
        if d.interior is None:  # cannot happen: patterns come from full-dimensional neighbourhoods
            raise AssertionError(f"pattern {pattern} names a region that is not full-dimensional")
        facets = [rows[k] for k in d.facets]
        w = n + 1
        ent = out.entries()
        region = Region(
            pattern,
            tuple(facets),
            tuple(to_fraction(v) for v in d.interior),
            fmpq_mat(out.nrows(), n, [v for i, v in enumerate(ent) if i % w != n]),
            fmpq_mat(out.nrows(), 1, ent[n::w]),
            d.bounded,
        )
        g.add_node(pattern, region=region)
        known[pattern] = set()
        if until is not None and G.stopped_at is None and until(region):
            G.stopped_at = pattern
        zero = set(sources.get(zero_row, ()))  # neurons identically 0 on the region
        out = []
        for row, p in zip(facets, d.facet_points):
            group = sources[row]
            if DOMAIN in group:
                continue
            layers = {layer_of[k] for k in group}
            # Across the facet exactly the neurons whose pre-activation vanishes on it can change
            # state: the group, and neurons identically 0.  If the group lies in one layer and no
            # later neuron is identically 0, the maps of the group's layer stay the same on the
            # other side, so the group simply flips.  Otherwise evaluate the pattern exactly.
            predictable = len(layers) == 1 and not any(layer_of[k] > min(layers) for k in zero)
            out.append((row, p, tuple(group) if predictable else None))
        return out

    s0 = net.pattern_perturbed(start)
    pending: deque = deque([(s0, add(s0))])
    with _no_gc():  # the walk makes millions of small acyclic objects; collections only cost time
        while pending and G.stopped_at is None:
            if progress is not None:
                progress(len(g), len(pending))
            s, crossings = pending.popleft()
            done = known.pop(s)
            for row, p, flips in crossings:
                if row in done:
                    continue
                a, b = row
                if flips is not None and predict:
                    s2 = list(s)
                    for k in flips:
                        s2[k] = 1 - s2[k]
                    s2 = tuple(s2)
                else:
                    s2 = net.pattern_near(p, [a])
                if s2 == s:
                    raise AssertionError(f"crossing facet {row} of {s} did not change the pattern")
                if s2 not in g:
                    if G.stopped_at is not None:
                        break
                    if max_regions is not None and len(g) >= max_regions:
                        G.complete = False
                        capped.add(s)
                        continue
                    pending.append((s2, add(s2)))
                if s2 in known:  # not yet processed: it need not cross back
                    known[s2].add((tuple(-v for v in a), -b))
                r1, r2 = g.nodes[s]["region"], g.nodes[s2]["region"]
                g.add_edge(
                    s,
                    s2,
                    hyperplane=row,
                    point=tuple(to_fraction(v) for v in p),
                    flips=tuple(k for k, (u, v) in enumerate(zip(s, s2)) if u != v),
                    same_map=r1.W == r2.W and r1.c == r2.c,
                )
    if progress is not None:
        progress(len(g), len(pending))
    if G.stopped_at is not None:
        G.complete = False
    if not G.complete:
        G.unexplored = len(capped | {s for s, _ in pending})
    G.stats = {
        "seconds": round(time.perf_counter() - t0, 3),
        "kernel": "walk",
        "backend": backend,
        "lps": (lp.STATS.exact - lp0[0]) + (lp.STATS.floats - lp0[1]),
        "fallbacks": lp.STATS.fallbacks - lp0[2],
    }
    return G
