"""The certificate writer's table route (``exactpwl.certificate_table``) against its walk route.

On a bounded domain ``certify`` keeps the subdivision's vertices, and the writer proves every
redundant row from a simple vertex where it peaks, with no polyhedron computation per region
(rows that only a degenerate vertex proves go to the exact LP route).  The walk kernel's graph
has no vertices, so its certificate comes from the older route: one PPL description per region.
Every certificate here is accepted by ``exactpwl check``, and the two routes name the same
regions (labels) with the same facets and the same regions across each facet.
"""

from __future__ import annotations

from fractions import Fraction as Q

import pytest

from exactpwl import Network, certificate, certify
from exactpwl.certificate_table import TableFacts
from exactpwl.check import Semantics, check_certificate, label_key
from exactpwl.construct.maxn import max_tree

try:
    from test_check import VALID
    from test_degenerate import CASES, DEGENERATE_NETS
    from test_regions import Ref, random_layers
except ImportError:  # tests/ run as a package
    from .test_check import VALID
    from .test_degenerate import CASES, DEGENERATE_NETS
    from .test_regions import Ref, random_layers


def shape(cert: dict) -> dict:
    """Per label: its facets as (row, label across), from a written-out certificate."""
    keys = [label_key([r["pattern"], r["target"]]) for r in cert["regions"]]
    return {
        key: {((tuple(f["a"]), f["b"]), keys[f["neighbour"]]) for f in r["facets"]}
        for key, r in zip(keys, cert["regions"])
    }


def both_routes(net, target, domain, monkeypatch, **kw):
    """The certificates of the table route (walk route forbidden) and of the walk kernel."""
    table = certify(net, target, domain, kernel="subdivision", **kw)
    walk = certify(net, target, domain, kernel="walk")
    assert table.holds and walk.holds
    assert table.graph.table is not None and table.graph.table.vertices is not None

    def forbidden(*a, **k):
        raise AssertionError("the table route fell back to the walk route")

    with monkeypatch.context() as m:
        m.setattr(certificate, "_walked_regions", forbidden)
        m.setattr(certificate, "_region_of_label", forbidden)  # labels of several regions: their union
        compact, explicit = table.certificate(), table.certificate(compact=False)
    return compact, explicit, walk.certificate(compact=False)


def assert_same(compact, explicit, reference):
    for cert in (compact, explicit, reference):
        rep = check_certificate(cert)
        assert rep.valid, rep.reason
    assert shape(explicit) == shape(reference)
    assert [r["point"] for r in compact["regions"]] == [r["point"] for r in explicit["regions"]]


BOUNDED_CASES = sorted(
    name for name, c in CASES.items() if c["domain"] is not None and c["bounded"] == c["regions"]
)


@pytest.mark.parametrize("name", BOUNDED_CASES)
def test_hand_counted_degenerate_cases(name, monkeypatch):
    # each network against itself (a target network): coincident, concurrent, dead units
    case = CASES[name]
    net = Ref(case["layers"], case.get("acts")).net()
    assert_same(*both_routes(net, net, case["domain"], monkeypatch))


@pytest.mark.parametrize("sizes, seed, w, domain", [d for d in DEGENERATE_NETS if d[3] is not None])
def test_random_degenerate_nets(sizes, seed, w, domain, monkeypatch):
    net = Network.from_layers(random_layers(sizes, seed, lo=-w, hi=w))
    assert_same(*both_routes(net, net, domain, monkeypatch))


@pytest.mark.parametrize("k", [2, 3, 4])
def test_max_tree_against_its_expression(k, monkeypatch):
    # every hyperplane x_i = x_j passes through the diagonal: regions meet in lower-dimensional
    # faces shared by many; the target is an expression (selections from Semantics)
    net = max_tree(k).network
    target = f"max({', '.join(f'x{i + 1}' for i in range(k))})"
    assert_same(*both_routes(net, target, {"box": [[-1, 2]] * k}, monkeypatch))


def test_a_label_of_two_regions_is_their_union(monkeypatch):
    # max(x1, x2, x3) on [-1,2]^3 against max_tree(3): the joint program cuts the region where
    # x1 is the largest in two (along a hyperplane of the compiled target), and the expression's
    # label does not see that cut.  The label's polyhedron is x2 <= x1, x3 <= x1 in the box; its
    # facets are x2 - x1 <= 0 (across it x2 is the largest), x3 - x1 <= 0 (across it x3 is) and
    # the box's x1 <= 2, x2 >= -1, x3 >= -1; every other row is the box's (x1 >= -1, x2 <= 2 and
    # x3 <= 2 are implied, and the domain's rows need no proof).
    net = max_tree(3).network
    v = certify(net, "max(x1, x2, x3)", {"box": [[-1, 2]] * 3}, kernel="subdivision")
    g = v.graph
    facts = TableFacts.of(Semantics(v.network, v.target, list(g.domain.rows)), v.network, g.table)
    keys = facts.keys()
    both = [i for i, k in enumerate(keys) if keys.count(k) == 2]
    assert len(both) == 2 and len(set(keys)) == len(keys) - 1
    assert facts.selections[both[0]] == [[0]]  # x1 is the largest
    labels = list(dict.fromkeys(keys))
    number = [labels.index(k) for k in keys]
    facets, bases = facts.union(both, number)
    largest = {r: facts.selections[keys.index(labels[f[0]])] for r, f in facets.items() if f is not None}
    assert largest == {((-1, 1, 0), 0): [[1]], ((-1, 0, 1), 0): [[2]]}
    assert {r for r, f in facets.items() if f is None} == {((1, 0, 0), 2), ((0, -1, 0), 1), ((0, 0, -1), 1)}
    assert bases == {}
    assert_same(*both_routes(net, "max(x1, x2, x3)", {"box": [[-1, 2]] * 3}, monkeypatch))


@pytest.mark.parametrize("name", sorted(k for k, case in VALID.items() if case[2] is not None))
def test_every_target_kind_on_bounded_domains(name, monkeypatch):
    # test_check's hand-counted cases: expressions, breakpoints, triangulations, pieces and
    # target networks on boxes and polyhedra
    make_net, target, domain, count = VALID[name]
    if callable(target):
        target = target()
    elif isinstance(target, list) and isinstance(target[0], list):
        target = {"format": "exactpwl.pwl", "version": 1, "input_dim": 1, "breakpoints": target}
    compact, explicit, reference = both_routes(make_net(), target, domain, monkeypatch)
    assert_same(compact, explicit, reference)
    assert len(compact["regions"]) == count


def test_pyramid_apex_needs_the_exact_route(monkeypatch):
    # relu(x - z), relu(-x - z), relu(y - z), relu(-y - z), relu(z) on [-1,1]^3.  The region
    # where the first four are off is the pyramid |x| <= z, |y| <= z, z <= 1: its four slanted
    # facets meet at the apex 0, a vertex with 4 > 3 facets.  The fifth unit is on there, so
    # -z <= 0 is one of its rows; it is redundant, and -z is largest (0) at the apex alone: no
    # simple vertex proves it.
    layers = [
        ([[1, 0, -1], [-1, 0, -1], [0, 1, -1], [0, -1, -1], [0, 0, 1]], [0] * 5),
        ([[1, 2, 3, 4, 5]], [0]),
    ]
    net = Network.from_layers(layers)
    v = certify(net, net, {"box": [[-1, 1]] * 3}, kernel="subdivision")
    g = v.graph
    sem = Semantics(v.network, v.target, list(g.domain.rows))
    facts = TableFacts.of(sem, v.network, g.table)
    pyramid = facts.patterns.index("00001")
    assert not facts.complete[pyramid]  # -z <= 0 has no simple maximising vertex
    rows = facts.rows(pyramid)
    goal = rows.index(((0, 0, -1), 0))
    g0, g1 = int(facts.gstart[pyramid]), int(facts.gstart[pyramid + 1])
    assert goal in facts.gpos[g0:g1].tolist()
    assert (facts.gbasis[g0 + facts.gpos[g0:g1].tolist().index(goal)] == -1).all()
    assert_same(*both_routes(net, net, {"box": [[-1, 1]] * 3}, monkeypatch))


def test_two_workers_give_the_serial_certificate(monkeypatch):
    net = Network.from_layers(random_layers((2, 8, 8, 1), 3, lo=-3, hi=3))
    domain = {"box": [[-4, 4]] * 2}
    compact, explicit, reference = both_routes(net, net, domain, monkeypatch, workers=2)
    assert_same(compact, explicit, reference)
    serial = certify(net, net, domain, kernel="subdivision").certificate()
    key = lambda c: sorted(label_key([r["pattern"], r["target"]]) for r in c["regions"])  # noqa: E731
    assert key(compact) == key(serial)


def test_numbers_beyond_int64_take_the_walk_route():
    # weights of 2^62: the rows outgrow int64, TableFacts declines and the older route writes
    big = 2**62
    net = Network.from_layers([([[big, 1], [1, -big]], [1, 0]), ([[1, 1]], [0])])
    v = certify(net, net, {"box": [[-1, 1]] * 2}, kernel="subdivision")
    g = v.graph
    sem = Semantics(v.network, v.target, list(g.domain.rows))
    assert TableFacts.of(sem, v.network, g.table) is None
    rep = check_certificate(v.certificate())
    assert rep.valid, rep.reason


def test_a_broken_basis_is_rejected(monkeypatch):
    # the checker, not the writer, decides: a basis swapped for another of the region's facets
    net = Network.from_layers(random_layers((2, 6, 6, 1), 1, lo=-3, hi=3))
    cert = certify(net, net, {"box": [[-3, 3]] * 2}).certificate()
    reg = next(r for r in cert["regions"] if r.get("implied"))
    basis = reg["implied"]["bases"][0]
    places = {f[0] for f in reg["facets"]}
    swap = next(p for p in sorted(places) if p not in basis)
    reg["implied"]["bases"][0] = sorted([swap, *basis[1:]])
    assert not check_certificate(cert).valid


def test_number_texts():
    import numpy as np

    from exactpwl.certificate_table import point_texts

    rows = np.array([[6, -3, 4, 2], [1, 0, -7, 1]], dtype=np.int64)  # (6/2, -3/2, 4/2), (1, 0, -7)
    assert point_texts(rows) == [["3", "-3/2", "2"], ["1", "0", "-7"]]
    assert point_texts(rows.astype(object) * 10**30) == [["3", "-3/2", "2"], ["1", "0", "-7"]]
    assert [Q(t) for t in point_texts(rows)[0]] == [Q(3), Q(-3, 2), Q(2)]
