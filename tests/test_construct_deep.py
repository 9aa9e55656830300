"""R8, R10, R11 constructions (exactpwl.construct.deep): depth witnesses, transmitting, dividing."""

from __future__ import annotations

import itertools
import json
import random
from fractions import Fraction as F

import pytest
from conftest import run_example

from exactpwl import Network, certify
from exactpwl.construct import Refusal, methods
from exactpwl.construct.deep import active_region, divide, max3, pyramid, transmit
from exactpwl.errors import InputError


def relu(t: F) -> F:
    return t if t > 0 else F(0)


# ---------------------------------------------------------------------- R8
def test_max3_certified_on_plane_and_grid_of_thirds():
    c = max3()
    assert c.network.architecture == "2-3-1-1"
    assert c.domain is None and c.certify().holds is True
    # PAPER.md section 4 example 4: the 19 x 19 grid of thirds in [-3, 3]^2, by Fraction arithmetic
    grid = [F(a, 3) for a in range(-9, 10)]
    for x1, x2 in itertools.product(grid, grid):
        assert c.network([x1, x2]) == [max(F(0), x1, x2)]


def test_max3_activated_region_is_unbounded():
    info = active_region(max3().network)
    assert info["bounded"] is False
    # by hand: the unit is active iff max(x1, x2) > 0
    for x in ([1, -5], [-5, 1], ["1/100", "1/50"]):
        assert any(r.contains(x, strict=True) for r in info["active"])
    assert not any(r.contains([-1, -1], strict=False) for r in info["active"])


def test_pyramid_certified_and_active_region_is_the_diamond():
    c = pyramid()
    assert c.certify().holds is True
    info = active_region(c.network)
    assert info["bounded"] is True and len(info["active"]) == 4  # one triangle per quadrant
    verts = {tuple(F(int(v.p), int(v.q)) for v in p) for vs in info["vertices"] for p in vs}
    assert verts == {(0, 0), (1, 0), (-1, 0), (0, 1), (0, -1)}
    step = c.steps[2]
    assert step["all bounded"] is True
    assert step["active vertices in the closed diamond"] is True
    assert step["inactive regions miss the open diamond"] is True


@pytest.mark.parametrize("delta", [F(1, 1000), F(1, 3), F(2)])
def test_pyramid_zero_just_outside_and_delta_just_inside(delta):
    net = pyramid().network
    # points with |x1| + |x2| = r on each edge of the diamond, several positions t along it
    for t in (F(0), F(1, 7), F(1, 2), F(1)):
        for s1, s2 in itertools.product((1, -1), repeat=2):
            out = (1 + delta) * t * s1, (1 + delta) * (1 - t) * s2
            assert net(list(out)) == [0]
            if delta < 1:
                r = 1 - delta
                inside = r * t * s1, r * (1 - t) * s2
                assert net(list(inside)) == [delta]  # 1 - (1 - delta) by hand


# ---------------------------------------------------------------------- R10
def _random_invertible(rng: random.Random, n: int) -> list[list[int]]:
    while True:
        A = [[rng.randint(-3, 3) for _ in range(n)] for _ in range(n)]
        if _det(A) != 0:
            return A


def _det(A: list[list]) -> F:
    """Determinant by cofactor expansion (independent of flint)."""
    if len(A) == 1:
        return F(A[0][0])
    return sum((-1) ** j * A[0][j] * _det([row[:j] + row[j + 1 :] for row in A[1:]]) for j in range(len(A)))


@pytest.mark.parametrize("seed", range(6))
def test_transmit_random_invertible_recovers_x(seed):
    rng = random.Random(seed)
    n = 1 + seed % 3
    k = 1 + seed % 5
    A = _random_invertible(rng, n)
    B = F(rng.randint(1, 6), rng.randint(1, 3))
    c = transmit(A, B, layers=k)
    assert c.network.architecture == "-".join([str(n)] * (k + 2))
    v = c.certify()
    assert v.holds is True and v.regions == 1  # every unit is active on the whole box
    for _ in range(10):
        x = [F(rng.randint(-60, 60), 20) * B / 3 for _ in range(n)]
        assert c.network(x) == x
        assert c.network.pattern(x) == (1,) * (n * k)


def test_transmit_biases_by_hand():
    # A = [[2, 1], [1, -1]], B = 3: norms 3, 2; b_1 = (3*3 + 1, 3*2 + 1) = (10, 7);
    # z_1 in [1, 19] x [1, 13], so B_1 = 19 and b_2 = (19*3 + 1, 19*2 + 1) = (58, 39)
    c = transmit([[2, 1], [1, -1]], 3, layers=2)
    L1, L2 = c.network.layers[0], c.network.layers[1]
    assert [L1.biases[j, 0] for j in range(2)] == [10, 7]
    assert [L2.biases[j, 0] for j in range(2)] == [58, 39]


def test_transmit_only_on_its_box():
    # sigma(x + 2) is x + 2 only for x >= -2: on [-3, 3] the identity claim is false
    c = transmit([[1]], 1, layers=1)
    assert c.certify().holds is True
    v = certify(c.network, "x1", {"box": [[-3, 3]]})
    assert v.holds is False and v.counterexample.x[0] < -2


@pytest.mark.parametrize("A", [[[1, 2], [2, 4]], [[0, 0], [0, 0]], [[1, 1, 0], [0, 1, 1], [1, 2, 1]]])
def test_transmit_refuses_singular_with_kernel_vector(A):
    with pytest.raises(Refusal) as e:
        transmit(A, 1)
    k = e.value.witness
    assert any(k)
    assert all(sum(F(a) * kk for a, kk in zip(row, k)) == 0 for row in A)


def test_transmit_bad_input():
    with pytest.raises(InputError):
        transmit([[1, 2]], 1)
    with pytest.raises(InputError):
        transmit([[1]], 0)
    with pytest.raises(InputError):
        transmit([[1]], 1, layers=0)


# ---------------------------------------------------------------------- R11
BASE = Network.from_layers([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])


def _h(x):  # the base network's hidden layer, by hand
    return [relu(x[0]), relu(x[1]), relu(x[0] + x[1] - 1)]


def _boxes():
    cells = [[[a, a + 1], [b, b + 1]] for a in (-2, 0, 1) for b in (-2, 0, 1)]
    return cells


G_CHOICES = [([1, 0, 0], -1), ([0, 1, 1], -1), ([1, 1, 0], 0), ([-1, 1, 2], -2), ([0, 0, 1], "-1/2")]


@pytest.mark.parametrize("g", G_CHOICES)
def test_divide_on_grid_of_boxes(g):
    w, g0 = g[0], F(g[1])
    pts = [F(i, 4) for i in range(-8, 9)]
    refused = built = 0
    for E in _boxes():
        for Q in ([[1, 2], [1, 2]], [[-2, 2], [-2, 2]]):
            sample = [
                [x1, x2] for x1 in pts for x2 in pts if E[0][0] <= x1 <= E[0][1] and E[1][0] <= x2 <= E[1][1]
            ]
            positive = any(sum(F(a) * h for a, h in zip(w, _h(x))) + g0 > 0 for x in sample)
            try:
                c = divide(BASE, E, g, 3, Q_box=Q)
            except Refusal as e:
                x = e.witness
                gx = sum(F(a) * h for a, h in zip(w, _h(x))) + g0
                if "E:" in str(e):  # the witness is a point of E where g(h(x)) > 0
                    refused += 1
                    assert all(E[i][0] <= x[i] <= E[i][1] for i in range(2)) and gx > 0
                else:  # g(h) <= 0 on Q: the witness is the maximizer on Q
                    assert gx <= 0 and not positive
                continue
            built += 1
            assert not positive  # the brute-force sample agrees that g(h) <= 0 on E
            assert c.certify().holds is True
            for x in sample:
                assert c.network(x) == BASE(x)
            step = c.steps[-1]
            assert step["holds on Q"] is False
            x = step["counterexample x"]
            assert all(Q[i][0] <= x[i] <= Q[i][1] for i in range(2))
            gx = sum(F(a) * h for a, h in zip(w, _h(x))) + g0
            assert step["new(x)"][0] - step["old(x)"][0] == 3 * relu(gx) != 0
    assert built > 0 and refused > 0


def test_divide_bent_hyperplane_by_hand():
    # g(h) = h3 - 1/2 = relu(x1 + x2 - 1) - 1/2: zero set x1 + x2 = 3/2 in the input space;
    # E = [0, 1/2]^2 has x1 + x2 <= 1, so g = -1/2 there; Q = [1, 2]^2 has g up to 3 - 1/2
    c = divide(BASE, [[0, "1/2"], [0, "1/2"]], ([0, 0, 1], "-1/2"), [2], Q_box=[[1, 2], [1, 2]])
    assert c.steps[0]["max over E"] == F(-1, 2)
    assert c.steps[-1]["max over Q"] == F(5, 2)
    assert c.network([2, 2]) == [BASE([2, 2])[0] + 2 * F(5, 2)]


def test_divide_mixed_last_layer_needs_larger_beta():
    # last hidden layer has a linear unit carrying x1 (negative on E): beta must exceed 3
    base = Network.from_layers(
        [([[1, 0], [0, 1]], [0, 0]), ([[1, 1]], [0])], activations=[["linear", "relu"], "linear"]
    )
    c = divide(base, [[-3, -1], [0, 1]], ([0, 1], -1), 1, Q_box=[[-3, -1], [0, 3]])
    assert c.steps[1]["beta"] == 4  # 1 + max(-x1) = 1 + 3
    assert c.certify().holds is True


def test_divide_without_hidden_layer():
    base = Network.from_layers([([[1, -1]], [2])], activations=["linear"])
    c = divide(base, [[0, 1], [0, 1]], ([1, 1], -2), -1, Q_box=[[0, 2], [0, 2]])
    assert c.certify().holds is True
    assert c.network([2, 2]) == [F(2) - 2]  # old = 2, plus -1 * relu(2 + 2 - 2)


def test_divide_refusals():
    with pytest.raises(Refusal) as e:  # g = x1-part > 0 on part of E
        divide(BASE, [[0, 1], [0, 1]], ([1, 0, 0], "-1/2"), 1)
    assert e.value.witness[0] == 1  # the maximum of relu(x1) - 1/2 on E is at x1 = 1
    with pytest.raises(Refusal):  # Q where g <= 0 everywhere: nothing is divided
        divide(BASE, [[-1, 0], [-1, 0]], ([1, 0, 0], -5), 1, Q_box=[[0, 1], [0, 1]])
    with pytest.raises(InputError):
        divide(BASE, [[-1, 0], [-1, 0]], ([1, 0], 0), 1)
    with pytest.raises(InputError):
        divide(BASE, [[-1, 0], [-1, 0]], ([1, 0, 0], -1), 0)


# ---------------------------------------------------------------------- CLI
def _target(tmp_path, expr):
    p = tmp_path / "t.json"
    p.write_text(json.dumps({"format": "exactpwl.pwl", "version": 1, "input_dim": 2, "expr": expr}))
    return p


@pytest.mark.parametrize(
    "method, expr",
    [("depth-max3", "max(x2, max(0, x1))"), ("depth-pyramid", "relu(1 - abs(x1) - abs(x2))")],
)
def test_cli_construct_depth(cli, tmp_path, method, expr):
    assert method in methods()
    out = tmp_path / "net.json"
    r = cli("construct", str(_target(tmp_path, expr)), "--method", method, "-o", str(out), "--certify")
    assert r.returncode == 0, r.stderr
    assert "certified: holds" in r.stdout
    net = Network.load(out)
    assert net.architecture in ("2-3-1-1", "2-4-1-1")
    assert certify(net, expr).holds is True


def test_cli_construct_depth_wrong_target(cli, tmp_path):
    r = cli("construct", str(_target(tmp_path, "max(0, x1)")), "--method", "depth-max3")
    assert r.returncode == 2 and "is not max(0, x1, x2)" in r.stderr and "Traceback" not in r.stderr


def test_example_construct_deep():
    r = run_example("construct_deep.py")
    out = r.stdout
    assert "max3: holds = True" in out
    assert "grid of thirds: 361 of 361 points equal" in out  # 19 * 19
    assert "pyramid: holds = True; layer-2 unit active on 4 regions, all bounded = True" in out
    assert "b1 = [10, 7]" in out and "b2 = [58, 39]" in out  # see test_transmit_biases_by_hand
    # divide: E = [0, 1/2]^2, g = relu(x1 + x2 - 1) - 1/2, v = 2; at (2, 2): old 2 + 2 - 2*3 = -2, new -2 + 5
    assert "divide: holds on E = True; at (2, 2) old = -2, new = 3" in out
