"""Regions streamed to a SQLite file (``regions(..., store=PATH)``, ``exactpwl.store``).

The file must hold exactly the regions and edges of the in-memory enumeration: the same counts,
the same graph once read back (rows, maps, flips, pieces), and a ``check_graph`` pass against
the independent Fraction reference; bad paths and unbounded domains are bad input.
"""

from __future__ import annotations

import json
import sqlite3

import pytest

from exactpwl.errors import InputError
from exactpwl.region_graph import regions

try:
    from test_regions import Ref, check_graph, graph_signature, random_layers
except ImportError:  # tests/ run as a package
    from .test_regions import Ref, check_graph, graph_signature, random_layers

from exactpwl import parallel

LAYERS = random_layers((2, 6, 6, 1), 70)


@pytest.fixture(autouse=True)
def small_parts(monkeypatch):
    # a small network, cut into several parts all the same, so that parts are streamed one by one
    monkeypatch.setattr(parallel, "CELLS_PER_PART", 1)
    monkeypatch.setattr(parallel, "STORE_PARTS", 6)


DOMAIN = {"box": [[-3, 3]] * 2}


@pytest.mark.parametrize("workers", [1, 2])
def test_store_holds_the_same_regions(tmp_path, workers):
    ref = Ref(LAYERS)
    memory = regions(ref.net(), DOMAIN, workers=1)
    path = tmp_path / "r.sqlite"
    disk = regions(ref.net(), DOMAIN, workers=workers, store=str(path))
    assert disk.store is not None and path.exists()
    assert disk.stats["parts"] >= 6  # streamed part by part
    # counts from the file's meta, without building the graph
    for key in ("regions", "pieces", "bounded", "edges"):
        assert disk.summary()[key] == memory.summary()[key]
    # the file itself, read with sqlite3 alone
    db = sqlite3.connect(str(path))
    assert db.execute("SELECT COUNT(*) FROM regions").fetchone()[0] == len(memory)
    assert db.execute("SELECT COUNT(*) FROM edges").fetchone()[0] == memory.num_edges
    pats = {tuple(int(c) for c in p) for (p,) in db.execute("SELECT pattern FROM regions")}
    assert pats == set(memory.graph)
    rows = {
        tuple(int(c) for c in p): {(tuple(r[:-1]), r[-1]) for r in json.loads(q)}
        for p, q in db.execute("SELECT pattern, rows FROM regions")
    }
    assert rows == {p: set(memory[p].inequalities) for p in memory.graph}
    # regions one by one, then the whole graph
    p = next(iter(memory.graph))
    assert set(disk[p].inequalities) == set(memory[p].inequalities) and disk[p].W == memory[p].W
    assert graph_signature(disk) == graph_signature(memory)
    assert sorted(map(sorted, disk.pieces())) == sorted(map(sorted, memory.pieces()))
    check_graph(ref, disk, DOMAIN)


def test_store_on_the_command_line(tmp_path, cli):
    net = tmp_path / "net.json"
    Ref(LAYERS).net().save(net)
    store = tmp_path / "r.sqlite"
    r = cli("regions", str(net), "--box", "-3", "3", "--json", "--store", str(store))
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout)
    want = regions(Ref(LAYERS).net(), DOMAIN).summary()
    assert {k: got[k] for k in ("regions", "pieces", "bounded", "edges")} == {
        k: want[k] for k in ("regions", "pieces", "bounded", "edges")
    }
    assert store.exists()
    r = cli("regions", str(net), "--box", "-3", "3", "--store", str(tmp_path / "no" / "such" / "dir.sqlite"))
    assert r.returncode == 2 and "store" in r.stderr and "Traceback" not in r.stderr


def test_store_needs_a_bounded_domain(tmp_path):
    with pytest.raises(InputError, match="bounded domain"):
        regions(Ref(LAYERS).net(), None, store=str(tmp_path / "r.sqlite"))
