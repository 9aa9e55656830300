"""R18, R19 constructions (exactpwl.construct.lattice): lattice form, its deep network, TRLU."""

from __future__ import annotations

import json
import random
from fractions import Fraction as F

import pytest
from conftest import run_example, union_jack_simplices

from exactpwl import Network, certify
from exactpwl.construct import methods
from exactpwl.construct.lattice import lattice, lattice_form, margin_classifier, trlu
from exactpwl.errors import InputError
from exactpwl.pwl import PWL

POINTS = [[i, j] for j in range(3) for i in range(3)]  # the 3 x 3 grid of [0, 2]^2, index 3 j + i


_simplices = union_jack_simplices


def _values(seed: int) -> list[F]:
    rng = random.Random(seed)
    return [F(rng.randint(-9, 9), rng.randint(1, 4)) for _ in POINTS]


def _interpolate(vals: list[F], x: list[F]) -> F:
    """Own barycentric interpolation: find a triangle containing x, solve 2 x 2 by Cramer."""
    for s in _simplices():
        (p0, p1, p2) = [POINTS[k] for k in s]
        det = (p1[0] - p0[0]) * (p2[1] - p0[1]) - (p2[0] - p0[0]) * (p1[1] - p0[1])
        l1 = F((x[0] - p0[0]) * (p2[1] - p0[1]) - (p2[0] - p0[0]) * (x[1] - p0[1]), det)
        l2 = F((p1[0] - p0[0]) * (x[1] - p0[1]) - (x[0] - p0[0]) * (p1[1] - p0[1]), det)
        l0 = 1 - l1 - l2
        if min(l0, l1, l2) >= 0:
            return l0 * vals[s[0]] + l1 * vals[s[1]] + l2 * vals[s[2]]
    raise AssertionError(f"{x} outside the square")


@pytest.mark.parametrize("seed", range(6))
def test_r18_square_of_8_triangles(seed):
    vals = _values(seed)
    t = PWL.from_triangulation(POINTS, _simplices(), [str(v) for v in vals])
    c = lattice(t)
    assert c.certify().holds is True
    rng = random.Random(100 + seed)
    probes = [list(map(F, p)) for p in POINTS]  # vertices
    edges = [(POINTS[s[a]], POINTS[s[b]]) for s in _simplices() for a, b in ((0, 1), (1, 2), (0, 2))]
    probes += [[F(p[0] + q[0], 2), F(p[1] + q[1], 2)] for p, q in edges]  # edge midpoints
    probes += [[F(sum(POINTS[k][0] for k in s), 3), F(sum(POINTS[k][1] for k in s), 3)] for s in _simplices()]
    probes += [[F(rng.randint(0, 60), 30), F(rng.randint(0, 60), 30)] for _ in range(40)]
    for x in probes:
        assert c.network(x) == [_interpolate(vals, x)]
    # every lattice set contains the map of its own piece (by the definition of S_i)
    form = lattice_form(t)
    assert all(i in s for i, s in zip(form["piece_map"], form["sets"]))


def test_relu_passthrough_has_only_relu_hidden_units():
    t = PWL.from_triangulation(POINTS, _simplices(), [str(v) for v in _values(7)])
    c = lattice(t, passthrough="relu")
    assert all(all(L.relu) for L in c.network.layers[:-1])
    assert c.certify().holds is True


def test_lattice_form_by_hand_1d():
    # tent 0, 1, 0 at x = 0, 1, 2: l1 = x, l2 = 2 - x; both pieces have S = {l1, l2}: f = min(x, 2 - x)
    tent = PWL.from_triangulation([[0], [1], [2]], [[0, 1], [1, 2]], [0, 1, 0])
    form = lattice_form(tent)
    assert form["groups"] == [(0, 1)]
    c = lattice(tent)
    assert c.network.architecture == "1-2-1" and c.network([F(1, 2)]) == [F(1, 2)]
    assert c.certify().holds is True
    # V 1, 0, 1: convex, S_i = {i}: f = max(1 - x, x - 1) = |x - 1|
    vee = PWL.from_triangulation([[0], [1], [2]], [[0, 1], [1, 2]], [1, 0, 1])
    assert lattice_form(vee)["groups"] == [(0,), (1,)]
    c = lattice(vee)
    assert c.network([F(7, 4)]) == [F(3, 4)] and c.certify().holds is True


def test_convex_target_is_a_max_of_its_maps():
    # |x1 - 1| + |x2 - 1| is affine on each unit square: 4 maps, each S_i a singleton, 2 max layers
    vals = [abs(p[0] - 1) + abs(p[1] - 1) for p in POINTS]
    c = lattice(PWL.from_triangulation(POINTS, _simplices(), vals))
    assert c.steps[2]["terms"] == 4
    assert c.steps[3]["hidden layers (min)"] == 0 and c.steps[3]["hidden layers (max)"] == 2
    assert c.certify().holds is True


def test_non_convex_union_is_refused_by_the_certifier():
    # an L shape: three unit squares of [0, 2]^2, the hull is the whole square
    simp = [s for s in _simplices() if 8 not in s]
    t = PWL.from_triangulation(POINTS, simp, [str(v) for v in _values(1)])
    with pytest.raises(InputError, match="do not cover"):
        lattice(t).certify()


def test_lattice_needs_bounded_pieces():
    with pytest.raises(InputError):
        lattice(PWL.from_expr("abs(x1)", 1))
    half = PWL.from_pieces([{"A": [[-1]], "b": [0], "w": [[1]], "c": [0]}], 1)
    with pytest.raises(InputError, match="unbounded"):
        lattice(half)


# ---------------------------------------------------------------------- R19
def test_trlu_by_hand():
    c = trlu("3/2")
    expected = {F(-1): 0, F(0): 0, F(3, 4): F(3, 4), F(3, 2): F(3, 2), F(5): F(3, 2)}
    for s, y in expected.items():
        assert c.network([s]) == [y]
    assert c.certify().holds is True
    with pytest.raises(InputError):
        trlu(0)


def test_margin_classifier_exact_labels_on_margin_data():
    w, b, eps = [3, -4], 1, F(1, 2)  # ||w||_2 = 5: distance >= 1/2 means |s| >= 5/2
    c = margin_classifier(w, b, eps)
    assert c.certify().holds is True
    assert c.steps[2]["holds (1 side)"] is True and c.steps[2]["holds (0 side)"] is True
    # the two points at distance exactly 1/2 from (1, 1) on the line, by hand: s = +-5/2
    assert c.network([F(13, 10), F(3, 5)]) == [1]
    assert c.network([F(7, 10), F(7, 5)]) == [0]
    rng = random.Random(3)
    checked = 0
    for _ in range(300):
        x = [F(rng.randint(-40, 40), 10), F(rng.randint(-40, 40), 10)]
        s = 3 * x[0] - 4 * x[1] + 1
        if s * s >= eps * eps * 25:  # squared Euclidean distance s^2 / ||w||^2 >= eps^2, exactly
            checked += 1
            assert c.network(x) == [1 if s > 0 else 0]
    assert checked > 100


def test_margin_classifier_band_is_not_constant():
    c = margin_classifier([1], 0, 1)  # delta = 1: inside the band the output is (s + 1) / 2
    assert c.network([0]) == [F(1, 2)]
    assert certify(c.network, "1", {"box": [["1/2", 2]]}).holds is False


# ---------------------------------------------------------------------- CLI and example
def _target_file(tmp_path, simplices, values):
    p = tmp_path / "tri.json"
    data = {
        "format": "exactpwl.pwl",
        "version": 1,
        "input_dim": 2,
        "triangulation": {"points": POINTS, "simplices": simplices, "values": [str(v) for v in values]},
    }
    p.write_text(json.dumps(data))
    return p


def test_cli_lattice(cli, tmp_path):
    assert "lattice" in methods()
    out = tmp_path / "net.json"
    vals = _values(2)
    r = cli(
        "construct",
        str(_target_file(tmp_path, _simplices(), vals)),
        "--method",
        "lattice",
        "-o",
        str(out),
        "--certify",
    )
    assert r.returncode == 0, r.stderr
    assert "certified: holds" in r.stdout
    net = Network.load(out)
    assert net([1, F(1, 3)]) == [_interpolate(vals, [F(1), F(1, 3)])]


def test_cli_lattice_refuses_non_convex(cli, tmp_path):
    simp = [s for s in _simplices() if 8 not in s]
    r = cli("construct", str(_target_file(tmp_path, simp, _values(1))), "--method", "lattice")
    assert r.returncode == 2 and "do not cover" in r.stderr and "Traceback" not in r.stderr


def test_example_construct_lattice():
    r = run_example("construct_lattice.py")
    out = r.stdout
    # |x1 - 1| + |x2 - 1| on the square: 4 affine maps, a max of 4 singletons, f(1/2, 3/2) = 1
    assert "pyramid-cup: 4 maps, 4 terms, holds = True" in out
    assert "f(1/2, 3/2) = 1" in out
    assert "tent 0, 1, 0: min(x, 2 - x), f(1/2) = 1/2" in out
    assert "TRLU_3/2 at -1, 3/4, 5: 0, 3/4, 3/2" in out
