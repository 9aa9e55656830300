"""Every core, and beyond one machine: the subdivision of a domain, part by part.

The subdivision runs in this process until it has enough cells (or, by default, until it has
run for ``LARGE_SECONDS``: a job that finishes sooner is small and stays here).  A large job is
cut into parts even in one process (they are then finished one after another here): finishing
parts costs about 0.75x the CPU of finishing all the cells in one piece (4-12-12-12-1).  Every cell is
then a union of whole regions, so the cells are dealt into parts (recursive bisection of their
centres, so that a part is a compact group of neighbours), each part is finished independently
in a worker, and the parts' tables are merged: the only thing left to do across parts is to pair
the facets that lie on part boundaries (equal vertex sets, checked exactly).  No region is ever
cut, so the graph and every count equal the serial ones.

Workers are a local process pool (``workers``) or a ``dask.distributed.Client`` (``client``).
A worker that dies makes the run fail with ``WorkerLost`` (the pool) or is retried by Dask on
another worker (``KilledWorker`` after Dask's allowed failures): never a partial count.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import numpy as np

from .errors import CapReached
from .network import Network
from .region_table import OpenFacets, RegionTable, components, merge
from .store import RegionStore
from .subdivision import Subdivision

__all__ = ["WorkerLost", "subdivide", "default_workers", "LARGE_SECONDS"]

LARGE_SECONDS = 0.5  # a subdivision still running after this long is "large": it goes parallel
PARTS_PER_WORKER = 4  # more parts than workers, so a slow part does not hold the others up
CELLS_PER_PART = 32  # cells a part starts with, at least: finer parts balance better
STORE_PARTS = 64  # parts, at least, when regions go to disk: memory holds about one part
POLL_SECONDS = 2.0  # how often a Dask run looks whether its cluster still has workers
NO_WORKER_SECONDS = 120.0  # a Dask cluster without any worker for this long: the run fails


class WorkerLost(CapReached):
    """A worker died before its part was done: nothing is claimed (the CLI exits with code 3)."""


def default_workers() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run_part(net_data: dict, part: dict, open_units: int) -> RegionTable:
    """A worker's job: finish the subdivision of some cells (``Subdivision.export``)."""
    S = Subdivision.resume(Network.from_dict(net_data), part)
    S.run()
    return S.finish(open_units, vertices=part.get("vertices", False))


def bisect(points: np.ndarray, parts: int, weights: np.ndarray | None = None) -> list[np.ndarray]:
    """Split point indices into ``parts`` groups by recursive cuts along the widest axis, each at
    the median of the weights (default 1 each): the heaviest group of two or more is cut next."""
    w = np.ones(len(points)) if weights is None else np.asarray(weights, dtype=float)
    groups = [np.arange(len(points))]
    while len(groups) < parts:
        groups.sort(key=lambda g: (len(g) > 1, w[g].sum()))  # a single cell cannot be cut
        if len(groups[-1]) < 2:
            break
        g = groups.pop()
        P = points[g]
        axis = int(np.argmax(P.max(axis=0) - P.min(axis=0)))
        order = g[np.argsort(P[:, axis], kind="stable")]
        cum = np.cumsum(w[order])
        half = min(max(int(np.searchsorted(cum, cum[-1] / 2, side="right")), 1), len(order) - 1)
        groups += [order[:half], order[half:]]
    return [np.sort(g) for g in groups if len(g)]


def subdivide(
    net: Network,
    domain_rows: Sequence,
    *,
    workers: int | None = None,
    client: Any = None,
    max_cells: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    runner: Callable = run_part,
    store: RegionStore | None = None,
    vertices: bool = False,
) -> tuple[RegionTable | None, int, int]:
    """The subdivision of a bounded domain, in parallel when it is large.

    Returns ``(table, workers used, parts)``; the table is None when the cells outnumber ``max_cells``.
    ``workers=None``: all cores once the job has run for ``LARGE_SECONDS``; ``workers=1``: here.
    ``runner`` is what a worker runs on a part (tests replace it with one that dies).  With a
    ``store`` the domain is always cut into parts (at least ``STORE_PARTS``), each part's regions
    are written to the store as soon as it is done and dropped, and the table returned is empty:
    the counts are in ``store.meta``.  ``vertices``: the table keeps every facet's vertices
    (not with a store).
    """
    S = Subdivision.of_domain(net, domain_rows)
    total = S.inet.num_units
    if client is not None:
        want = _dask_workers(client)
    else:
        want = default_workers() if workers is None else workers
    t0 = time.perf_counter()
    while S.done < total:
        if not S.run(stop_at=S.done + 1, max_cells=max_cells):
            return None, 1, 1
        if progress is not None:
            progress(S.count, total - S.done)
        nparts = max(max(want, 2) * PARTS_PER_WORKER, STORE_PARTS if store is not None else 0)
        if S.done >= total:
            continue
        enough = S.count >= CELLS_PER_PART * nparts
        slow = time.perf_counter() - t0 > LARGE_SECONDS
        if want < 2 and client is None and store is None:
            if enough and slow:  # a large job: its parts one after another here (cheaper than one piece)
                break
            continue
        if enough and (slow or workers is not None or client is not None or store is not None):
            break
    if S.done >= total:
        table = S.finish(vertices=vertices and store is None)
        if store is not None:
            return _stream(store, [table], 1), 1, 1
        return table, 1, 1
    centres = S.centroids()  # (compacts the cells: vlen is aligned with the centres)
    # parts of equal weight, a cell weighing its vertex count squared (a cell with more vertices
    # holds more regions, with more vertices each): measured on 4-12-12-12-1, the busier of 2
    # workers had 2-4% more than half the work, against 6-14% with equal numbers of cells
    groups = bisect(centres, nparts, S.cells.vlen.astype(float) ** 2)
    # the biggest parts first (by their vertices), so that no big part starts last
    sizes = [int(S.cells.compacted().vlen[g].sum()) for g in groups]
    groups = [g for _, g in sorted(zip(sizes, groups), key=lambda t: -t[0])]
    K = S.done
    parts = [S.export(g) for g in groups]
    for part in parts:
        part["vertices"] = vertices and store is None
    del S
    data = net.to_dict()
    if client is not None:
        results = _run_dask(client, runner, data, parts, K)
    elif want < 2:
        results = (runner(data, part, K) for part in parts)
    else:
        results = _run_pool(want, runner, data, parts, K)
    if store is not None:
        shape = _stream(store, results, want)
        if max_cells is not None and store.meta("regions") > max_cells:
            return None, want, len(parts)
        return shape, want, len(parts)
    tables = list(results)
    if max_cells is not None and sum(len(t) for t in tables) > max_cells:
        return None, want, len(parts)
    return merge(tables), want, len(parts)


def _empty(t: RegionTable) -> RegionTable:
    """No regions, the shape of ``t`` (what ``subdivide`` returns once they are in a store)."""
    return RegionTable(
        n=t.n,
        outputs=t.outputs,
        scale=t.scale,
        patterns=t.patterns[:0],
        out=t.out[:0],
        interior=t.interior[:0],
        bounded=t.bounded[:0],
        facet_cell=t.facet_cell[:0],
        facet_row=t.facet_row[:0],
        edge_u=t.edge_u[:0],
        edge_v=t.edge_v[:0],
        edge_row=t.edge_row[:0],
        edge_point=t.edge_point[:0],
    )


def _stream(store: RegionStore, tables: Iterable[RegionTable], workers: int) -> RegionTable:
    """Write each table to the store as it comes (then drop it), pair the facets on part
    boundaries at the end, and record the counts; returns an empty table of the right shape."""
    opened, same_u, same_v = [], [], []
    regions = bounded = edges = 0
    shape = None
    for t in tables:
        first = store.add(t)
        opened.append(OpenFacets.of([t], [first]))
        same = t.same_map()
        same_u.append(t.edge_u[same] + first)
        same_v.append(t.edge_v[same] + first)
        regions += len(t)
        bounded += int(t.bounded.sum())
        edges += t.num_edges
        shape = _empty(t)
    joined = OpenFacets.join(opened)
    if joined is not None:
        u, v, row, point, same = joined.pair()
        store.add_edges(u, v, row, point, same, n=shape.n)
        same_u.append(u[same])
        same_v.append(v[same])
        edges += len(u)
    labels = components(regions, np.concatenate(same_u), np.concatenate(same_v))
    store.set_meta(
        regions=regions,
        bounded=bounded,
        edges=edges,
        pieces=len(np.unique(labels)),
        n=shape.n,
        outputs=shape.outputs,
        scale=shape.scale,
        workers=workers,
    )
    store.index_patterns()
    return shape


def _run_pool(workers: int, runner: Callable, data: dict, parts: list, K: int) -> Iterator[RegionTable]:
    """The parts' tables, in order, as the workers finish them."""
    # fork where there is one: workers start at once and do not re-import the caller's script
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    ctx = multiprocessing.get_context(method)
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            yield from pool.map(runner, [data] * len(parts), parts, [K] * len(parts))
    except BrokenProcessPool as e:
        raise WorkerLost(f"a worker process died ({e}); no count is claimed") from None


def _dask_workers(client: Any) -> int:
    info = client.scheduler_info()
    return max(1, sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()))


def _run_dask(client: Any, runner: Callable, data: dict, parts: list, K: int) -> list[RegionTable]:
    from distributed import KilledWorker, wait

    futures = client.map(runner, [data] * len(parts), parts, [K] * len(parts), pure=False)
    alone = 0.0  # seconds the cluster has had no worker at all
    while True:
        try:
            wait(futures, timeout=POLL_SECONDS)
            break
        except TimeoutError:
            alone = alone + POLL_SECONDS if not client.scheduler_info().get("workers") else 0.0
            if alone >= NO_WORKER_SECONDS:
                client.cancel(futures)
                raise WorkerLost(
                    f"the Dask cluster has had no worker for {alone:g} s; no count is claimed"
                ) from None
    try:
        return client.gather(futures)  # all of them, or an exception: never fewer
    except KilledWorker as e:
        raise WorkerLost(f"Dask lost the workers of a part too often ({e}); no count is claimed") from None
