"""Every core and Dask (``exactpwl.parallel``): the same regions as one process, or a loud failure.

What must hold, whatever the number of workers: the same activation patterns, the same graph
(node for node, edge for edge, with the same facet rows and flipped neurons: compared both as
labelled graphs and up to isomorphism with networkx), the same pieces, the same counts, and a
``check_graph`` pass against the independent Fraction reference.  A worker that dies makes the
run raise (or, on Dask, be retried), never return fewer regions.
"""

from __future__ import annotations

import hashlib
import os
import sys

import networkx as nx
import numpy as np
import pytest

from exactpwl import certify, parallel
from exactpwl.region_graph import regions
from exactpwl.region_table import merge
from exactpwl.subdivision import Subdivision

try:
    from test_degenerate import CASES
    from test_regions import Ref, check_graph, graph_signature, random_layers
except ImportError:  # tests/ run as a package
    from .test_degenerate import CASES
    from .test_regions import Ref, check_graph, graph_signature, random_layers

# (layers, domain): random networks and degenerate ones, big enough to be dealt into parts
NETS = [
    (random_layers((2, 6, 6, 1), 60), {"box": [[-3, 3]] * 2}),
    (random_layers((3, 5, 5, 1), 61, dens=(1, 2)), {"box": [[-2, 2]] * 3}),
    (random_layers((2, 8, 8, 8, 1), 66, lo=-2, hi=2), {"box": [[-1, 1]] * 2}),  # degenerate
    (random_layers((3, 8, 6, 1), 67, lo=-1, hi=1), {"box": [[-1, 1]] * 3}),  # degenerate
]


@pytest.fixture(autouse=True)
def small_parts(monkeypatch):
    # the test networks are small: let them be dealt into parts of a few cells
    monkeypatch.setattr(parallel, "CELLS_PER_PART", 2)


def same_graphs(g1, g2) -> None:
    """Equal as labelled graphs (patterns, rows, maps, edges, flips), isomorphic, same pieces."""
    assert set(g1.graph) == set(g2.graph)
    assert graph_signature(g1) == graph_signature(g2)
    assert nx.is_isomorphic(
        g1.graph,
        g2.graph,
        node_match=lambda a, b: set(a["region"].inequalities) == set(b["region"].inequalities),
        edge_match=lambda a, b: sorted(a["flips"]) == sorted(b["flips"]) and a["same_map"] == b["same_map"],
    )
    assert sorted(map(sorted, g1.pieces())) == sorted(map(sorted, g2.pieces()))
    s1, s2 = g1.summary(), g2.summary()
    for key in ("regions", "pieces", "bounded", "edges", "complete"):
        assert s1[key] == s2[key]


@pytest.mark.parametrize("layers, domain", NETS)
def test_pool_equals_serial(layers, domain):
    ref = Ref(layers)
    serial = regions(ref.net(), domain, workers=1)
    pooled = regions(ref.net(), domain, workers=2)
    assert serial.stats["workers"] == 1 and pooled.stats["workers"] == 2  # it really went parallel
    assert pooled.stats["parts"] > 2
    same_graphs(serial, pooled)
    check_graph(ref, pooled, domain)


@pytest.mark.parametrize("layers, domain", NETS)
def test_a_large_job_in_one_process_is_finished_in_parts(layers, domain, monkeypatch):
    """Serial too: a job still running after LARGE_SECONDS is cut into parts finished one after
    another here; the graph is the walk's (an independent kernel) and passes check_graph."""
    ref = Ref(layers)
    monkeypatch.setattr(parallel, "LARGE_SECONDS", 0.0)  # every job counts as large
    parted = regions(ref.net(), domain, workers=1)
    assert parted.stats["workers"] == 1 and parted.stats["parts"] > 2
    same_graphs(parted, regions(ref.net(), domain, kernel="walk"))
    check_graph(ref, parted, domain)


@pytest.mark.parametrize(
    "name", ["coincident", "deep_identically_zero", "dead_and_active", "triangle_domain"]
)
def test_pool_on_degenerate_cases(name):
    # tiny hand-counted cases: fewer cells than parts, so they stay serial; the count must not change
    case = CASES[name]
    g = regions(Ref(case["layers"], case.get("acts")).net(), case["domain"], workers=2)
    assert (len(g), g.num_pieces, g.num_bounded) == (case["regions"], case["pieces"], case["bounded"])


def test_regions_touching_several_parts_are_merged_once():
    # cut the domain into 8 parts after the first layer and finish each part separately (here, in
    # this process): every region appears once, and a region whose neighbours lie in two or more
    # other parts gets all its edges across those boundaries
    ref = Ref(random_layers((2, 6, 6, 1), 64))
    net, domain = ref.net(), {"box": [[-3, 3]] * 2}
    serial = regions(net, domain, workers=1)
    S = Subdivision.of_domain(net, [((1, 0), 3), ((-1, 0), 3), ((0, 1), 3), ((0, -1), 3)])
    S.run(stop_at=6)
    groups = parallel.bisect(S.centroids(), 8)
    assert len(groups) == 8
    tables = [parallel.run_part(net.to_dict(), S.export(g), 6) for g in groups]
    assert sum(len(t.open_cell) for t in tables) > 0  # facets on part boundaries to pair
    merged = merge(tables)
    part_of = np.repeat(np.arange(len(tables)), [len(t) for t in tables])
    pats = [tuple(p) for p in merged.patterns.tolist()]
    assert len(set(pats)) == len(pats) == len(serial)
    across: dict[int, set[int]] = {}
    for u, v in zip(merged.edge_u.tolist(), merged.edge_v.tolist()):
        if part_of[u] != part_of[v]:
            across.setdefault(u, set()).add(int(part_of[v]))
            across.setdefault(v, set()).add(int(part_of[u]))
    multi = [i for i, parts in across.items() if len(parts) >= 2]
    assert multi  # regions on several part boundaries exist
    for i in multi:
        got = {
            pats[j]
            for j in (merged.edge_v[merged.edge_u == i].tolist() + merged.edge_u[merged.edge_v == i].tolist())
        }
        assert got == set(serial.graph[pats[i]])
    assert merged.num_edges == serial.num_edges


def _die(net_data, part, open_units):
    os._exit(3)


def test_a_dead_pool_worker_fails_loudly():
    ref = Ref(NETS[0][0])
    dom = [((1, 0), 3), ((-1, 0), 3), ((0, 1), 3), ((0, -1), 3)]
    with pytest.raises(parallel.WorkerLost, match="no count is claimed"):
        parallel.subdivide(ref.net(), dom, workers=2, runner=_die)


def test_certify_with_workers():
    # the same verdicts with 2 workers: a network against itself written as a max/min expression
    # holds, a changed target is refuted with a counterexample that really separates them
    layers = random_layers((2, 6, 6, 1), 65)
    net = Ref(layers).net()
    dom = {"box": [[-3, 3]] * 2}
    v1 = certify(net, net, dom, workers=1)
    v2 = certify(net, net, dom, workers=2)
    assert v1.holds is True and v2.holds is True and v1.regions == v2.regions
    bad = Ref([layers[0], (layers[1][0], [b + 1 for b in layers[1][1]]), layers[2]]).net()
    w = certify(net, bad, dom, workers=2)
    assert w.holds is False
    x = w.counterexample.x
    assert Ref(layers)(x) != Ref([layers[0], (layers[1][0], [b + 1 for b in layers[1][1]]), layers[2]])(x)


# ---------------------------------------------------------------------------- Dask
distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():
    import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers need not import this file
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


@pytest.fixture
def fresh_client(client):
    """A cluster of its own, for a test that kills workers (after the shared one has registered
    this module's functions with cloudpickle)."""
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    c = distributed.Client(cluster)
    c.wait_for_workers(2, timeout=60)
    yield c
    c.close()
    cluster.close()


@pytest.mark.parametrize("layers, domain", NETS[:3])
def test_dask_equals_serial(client, layers, domain):
    ref = Ref(layers)
    serial = regions(ref.net(), domain, workers=1)
    on_dask = regions(ref.net(), domain, client=client)
    assert on_dask.stats["workers"] == 2
    same_graphs(serial, on_dask)


def _die_once(net_data, part, open_units, marker_dir):
    """Kill the worker the first time each part is tried; the retry succeeds."""
    cells = part["cells"]
    key = hashlib.sha256((str(cells[0].tolist()) + str(cells[1].tolist())).encode()).hexdigest()
    marker = os.path.join(marker_dir, key)
    if not os.path.exists(marker):
        open(marker, "w").close()
        os._exit(3)
    return parallel.run_part(net_data, part, open_units)


def test_dask_retries_a_killed_worker(fresh_client, tmp_path, monkeypatch):
    # few parts: each death also makes Dask suspect the task queued beside it on that worker
    client = fresh_client
    monkeypatch.setattr(parallel, "PARTS_PER_WORKER", 1)
    ref = Ref(NETS[0][0])
    dom = [((1, 0), 3), ((-1, 0), 3), ((0, 1), 3), ((0, -1), 3)]
    serial, _, _ = parallel.subdivide(ref.net(), dom, workers=1)

    def runner(net_data, part, open_units):
        return _die_once(net_data, part, open_units, str(tmp_path))

    monkeypatch.setattr(parallel, "NO_WORKER_SECONDS", 30.0)
    try:
        table, used, parts = parallel.subdivide(ref.net(), dom, client=client, runner=runner)
    except parallel.WorkerLost:  # the cluster could not restart its workers in time: loud, not partial
        assert len(os.listdir(tmp_path)) > 0
        return
    assert parts > 1
    assert len(os.listdir(tmp_path)) > 0  # workers did die
    assert len(table) == len(serial) and table.num_edges == serial.num_edges
    assert {tuple(p) for p in table.patterns.tolist()} == {tuple(p) for p in serial.patterns.tolist()}


def _allowed_failures(dask_scheduler, value):
    old = dask_scheduler.allowed_failures
    dask_scheduler.allowed_failures = value
    return old


def test_dask_fails_loudly_when_workers_keep_dying(fresh_client):
    client = fresh_client
    ref = Ref(NETS[0][0])
    dom = [((1, 0), 3), ((-1, 0), 3), ((0, 1), 3), ((0, -1), 3)]
    old = client.run_on_scheduler(_allowed_failures, value=0)  # give up at the first death
    try:
        with pytest.raises(parallel.WorkerLost, match="no count is claimed"):
            parallel.subdivide(ref.net(), dom, client=client, runner=_die)
    finally:
        client.run_on_scheduler(_allowed_failures, value=old)


def test_bisect_cuts_at_the_weighted_median():
    # ten cells on a line, the last nine times as heavy as each other one: total 18, so the cut
    # leaves the first nine (weight 9) on one side and the heavy one (9) on the other
    points = np.array([[float(x), 0.0] for x in range(10)])
    weights = np.array([1.0] * 9 + [9.0])
    groups = parallel.bisect(points, 2, weights)
    assert sorted(g.tolist() for g in groups) == [list(range(9)), [9]]
    # equal weights (the default): equal halves; the heavier group is the one cut next
    assert sorted(g.tolist() for g in parallel.bisect(points, 2)) == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]
    three = parallel.bisect(points, 3, weights)
    assert sorted(g.tolist() for g in three) == [[0, 1, 2, 3], [4, 5, 6, 7, 8], [9]]
