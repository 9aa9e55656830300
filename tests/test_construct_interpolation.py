"""R5/R6/R12 constructions: exact interpolation of data (exactpwl.construct.interpolation)."""

from __future__ import annotations

import itertools
import json
import random
from fractions import Fraction as F

import pytest
from conftest import run_example

from exactpwl.construct import Data, DataConstruction, Refusal, read_data
from exactpwl.construct.interpolation import after_prefix, direction, projection, triangular
from exactpwl.errors import InputError
from exactpwl.network import Network


def relu(t: F) -> F:
    return max(t, F(0))


def layers_of(net: Network):
    return [
        (
            [[F(str(v)) for v in row] for row in L.weights.tolist()],
            [F(str(L.biases[j, 0])) for j in range(L.units)],
            L.relu,
        )
        for L in net.layers
    ]


def evaluate(net: Network, x) -> list[F]:
    """Own exact forward pass in Fractions (not Network.evaluate)."""
    h = [F(v) for v in x]
    for W, b, mask in layers_of(net):
        z = [sum((w * hi for w, hi in zip(row, h)), bj) for row, bj in zip(W, b)]
        h = [relu(zj) if r else zj for zj, r in zip(z, mask)]
    return h


def data(points, values) -> Data:
    return Data(tuple(tuple(F(c) for c in p) for p in points), tuple((F(v),) for v in values))


# ---------------------------------------------------------------------- PAPER.md §4, example 2
def test_worked_example_2():
    c = triangular(data([[0], [1], [3]], [1, -1, 2]))
    assert c.steps[1]["t"] == [-1, F(1, 2), 2]
    assert c.steps[2]["H"] == [[1, 0, 0], [2, F(1, 2), 0], [4, F(5, 2), 1]]
    assert c.steps[3]["v"] == [1, -6, 13]
    (W1, b1, _), (W2, b2, _) = layers_of(c.network)
    assert b1 == [1, F(-1, 2), -2] and W2 == [[1, -6, 13]] and b2 == [0]  # no output bias
    assert [evaluate(c.network, [x]) for x in (0, 1, 3)] == [[1], [-1], [2]]


def test_worked_example_2_with_given_thresholds_and_unsorted_input():
    c = triangular(data([[3], [0], [1]], [2, 1, -1]), thresholds=[-1, "1/2", 2])
    assert c.steps[3]["v"] == [1, -6, 13]
    assert c.check_data()


# ---------------------------------------------------------------------- R5 enumerated
def test_r5_all_point_sets_up_to_4_in_0_to_5():
    count = 0
    for N in range(1, 5):
        for xs in itertools.combinations(range(6), N):
            # H depends only on the points: lower triangular with positive diagonal
            H = triangular(data([[x] for x in xs], [0] * N)).steps[2]["H"]
            assert all(H[i][j] == 0 for i in range(N) for j in range(i + 1, N))
            assert all(H[j][j] > 0 for j in range(N))
            for ys in itertools.product(range(-2, 3), repeat=N):
                c = triangular(data([[x] for x in xs], ys))
                for x, y in zip(xs, ys):
                    assert evaluate(c.network, [x]) == [y], (xs, ys)
                count += 1
    assert count == 6 * 5 + 15 * 25 + 20 * 125 + 15 * 625


def test_r5_rank_of_augmented_matrix_is_n():
    import sympy

    for N in range(1, 6):
        for xs in itertools.combinations(range(7), N):
            H = triangular(data([[x] for x in xs], [0] * N)).steps[2]["H"]
            assert sympy.Matrix([[*row, 1] for row in H]).rank() == N


def test_r2_thresholds_anywhere_in_their_gaps():
    xs, ys = [0, 1, 3], [1, -1, 2]
    gaps = [(-2, 0), (0, 1), (1, 3)]
    for t in itertools.product(*[[lo + (hi - lo) * F(k, 5) for k in range(1, 5)] for lo, hi in gaps]):
        c = triangular(data([[x] for x in xs], ys), thresholds=list(t))
        assert [evaluate(c.network, [x])[0] for x in xs] == ys


@pytest.mark.parametrize("t, bad", [([0, "1/2", 2], 0), ([-1, 1, 2], 1), ([-1, "1/2", 4], 2)])
def test_threshold_outside_its_gap_is_refused(t, bad):
    with pytest.raises(Refusal, match=f"t_{bad + 1}") as e:
        triangular(data([[0], [1], [3]], [1, -1, 2]), thresholds=t)
    assert e.value.witness == bad


# ---------------------------------------------------------------------- R6
def test_worked_example_3_xor():
    xor = data([[0, 0], [1, 0], [0, 1], [1, 1]], [0, 1, 1, 0])
    c = projection(xor, thresholds=["-1/2", "1/2", "3/2", "5/2"])
    assert c.steps[0]["w"] == [1, 2]
    assert c.steps[1]["p"] == [0, 1, 2, 3]
    assert c.steps[5]["v"] == [0, 2, -4, 2]
    (W1, b1, _), (W2, b2, _) = layers_of(c.network)
    assert W1 == [[1, 2]] * 4 and b1 == [F(1, 2), F(-1, 2), F(-3, 2), F(-5, 2)]
    assert W2 == [[0, 2, -4, 2]] and b2 == [0]
    assert [evaluate(c.network, p) for p in xor.points] == [[0], [1], [1], [0]]
    # the default first threshold (p_1 - 1) changes nothing here: v_1 = y_1 / H_11 = 0
    assert projection(xor).steps[5]["v"] == [0, 2, -4, 2]


def test_r6_all_point_sets_in_grid_3x3_binary_labels():
    count = 0
    for N in range(1, 5):
        for pts in itertools.combinations(itertools.product(range(3), repeat=2), N):
            M = max(2, max(max(p) for p in pts) + 1)
            w = direction([tuple(F(c) for c in p) for p in pts])[0]
            assert w == [1, M]  # base-M digits
            assert len({p[0] + M * p[1] for p in pts}) == N
            for ys in itertools.product(range(2), repeat=N):
                c = projection(data(pts, ys))
                assert [evaluate(c.network, p)[0] for p in pts] == list(ys)
                count += 1
    assert count == 9 * 2 + 36 * 4 + 84 * 8 + 126 * 16


def test_r6_cube_3d_binary_labels():
    for N in (3, 4):
        for pts in itertools.combinations(itertools.product(range(2), repeat=3), N):
            for ys in itertools.product(range(2), repeat=N):
                c = projection(data(pts, ys))
                assert c.steps[0]["w"] == [1, 2, 4]
                assert [evaluate(c.network, p)[0] for p in pts] == list(ys)


def test_r6_rational_points_use_the_exact_search():
    rng = random.Random(11)
    for _ in range(40):
        n = rng.randint(1, 3)
        pts = {
            tuple(F(rng.randint(-4, 4), rng.randint(1, 3)) for _ in range(n))
            for _ in range(rng.randint(2, 6))
        }
        pts = sorted(pts)
        ys = [F(rng.randint(-5, 5), rng.randint(1, 4)) for _ in pts]
        c = projection(data(pts, ys))
        w = c.steps[0]["w"]
        assert len({sum(a * b for a, b in zip(w, p)) for p in pts}) == len(pts)
        assert [evaluate(c.network, p)[0] for p in pts] == ys
    # collinear points on the line x1 + x2 = 0 (with a negative coordinate): w = (1, 1) merges
    # them all, so the search must go on to k = 2
    pts = [(F(-1), F(1)), (F(0), F(0)), (F(1), F(-1))]
    assert direction(pts)[0] == [1, 2]


# ---------------------------------------------------------------------- R12
XOR_PTS = [[0, 0], [1, 0], [0, 1], [1, 1]]


def test_r12_xor_after_the_r13_layer():
    prefix = Network.from_layers([([[1, 0], [0, 1], [1, 1]], [0, 0, -1])], activations=["relu"])
    c = after_prefix(prefix, data(XOR_PTS, [0, 1, 1, 0]))
    assert c.steps[0]["T(x)"] == [[0, 0, 0], [1, 0, 0], [0, 1, 0], [1, 1, 1]]
    assert c.network.architecture == "2-3-4-1"
    assert [evaluate(c.network, p)[0] for p in XOR_PTS] == [0, 1, 1, 0]


def test_r12_merged_points_with_different_targets_are_refused():
    prefix = Network.from_layers([([[1, -1]], [0])], activations=["relu"])  # relu(x1 - x2)
    with pytest.raises(Refusal, match="points 1 and 3") as e:
        after_prefix(prefix, data(XOR_PTS, [0, 1, 1, 0]))
    i, j, xi, xj, image = e.value.witness
    assert (i, j) == (0, 2) and xi == (0, 0) and xj == (0, 1) and image == (0,)
    # same prefix, targets that agree on merged points: fine
    c = after_prefix(prefix, data(XOR_PTS, [0, 1, 0, 0]))
    assert [evaluate(c.network, p)[0] for p in XOR_PTS] == [0, 1, 0, 0]


def test_r12_random_deep_prefixes():
    rng = random.Random(5)
    refused = fitted = 0
    for _ in range(60):
        widths = [rng.randint(1, 3) for _ in range(rng.randint(1, 2))]
        layers, prev = [], 2
        for w in widths:
            layers.append(
                ([[rng.randint(-2, 2) for _ in range(prev)] for _ in range(w)], [rng.randint(-1, 1)] * w)
            )
            prev = w
        prefix = Network.from_layers(layers, activations=["relu"] * len(layers))
        pts = rng.sample(list(itertools.product(range(-1, 2), repeat=2)), rng.randint(2, 5))
        ys = [rng.randint(0, 1) for _ in pts]
        images = [tuple(evaluate(prefix, p)) for p in pts]
        distinguishable = all(
            ys[a] == ys[b] for a in range(len(pts)) for b in range(a) if images[a] == images[b]
        )
        try:
            c = after_prefix(prefix, data(pts, ys))
        except Refusal as e:
            i, j, xi, xj, image = e.witness
            assert not distinguishable
            assert images[i] == images[j] == image and ys[i] != ys[j] and xi == pts[i] and xj == pts[j]
            refused += 1
        else:
            assert distinguishable
            assert [evaluate(c.network, p)[0] for p in pts] == ys
            fitted += 1
    assert refused > 5 and fitted > 5  # both branches exercised


# ---------------------------------------------------------------------- data constructions
def test_data_constructions_certify_by_exact_evaluation_at_the_data():
    c = triangular(data([[0], [1]], [0, 1]))
    assert isinstance(c, DataConstruction) and c.target == c.data
    v = c.certify()  # a claim about the N data points, checked by exact evaluation
    assert v.holds is True and v.points == 2
    assert c.check_data() is True
    W1, b1 = c.network.layers[0].weights.tolist(), [c.network.layers[0].biases[j, 0] for j in range(2)]
    c.network = Network.from_layers([(W1, b1), ([[1, 1]], [0])])
    assert c.check_data() is False


@pytest.mark.parametrize(
    "build, d, message",
    [
        (triangular, data([[0, 1], [1, 0]], [0, 1]), "1-D"),
        (triangular, Data(((F(0),), (F(1),)), ((F(0), F(1)), (F(1), F(0)))), "one target value"),
        (projection, Data(((F(0),), (F(1),)), ((F(0), F(1)), (F(1), F(0)))), "one target value"),
    ],
)
def test_bad_data(build, d, message):
    with pytest.raises(InputError, match=message):
        build(d)


def test_read_data_dicts_are_accepted():
    d = {"format": "exactpwl.data", "version": 1, "points": [[0], [1], [3]], "values": [1, -1, 2]}
    assert triangular(d).steps[3]["v"] == [1, -6, 13]
    assert read_data(d).input_dim == 1


# ---------------------------------------------------------------------- CLI and example script
@pytest.mark.parametrize(
    "method, points, values",
    [("triangular", [[0], [1], [3]], [1, -1, 2]), ("projection", XOR_PTS, [0, 1, 1, 0])],
)
def test_cli_construct(cli, tmp_path, method, points, values):
    src = tmp_path / "d.json"
    src.write_text(json.dumps({"format": "exactpwl.data", "version": 1, "points": points, "values": values}))
    out = tmp_path / "net.json"
    r = cli("construct", str(src), "--method", method, "-o", str(out))
    assert r.returncode == 0, r.stderr
    net = Network.load(out)
    assert [evaluate(net, p)[0] for p in points] == values
    # --certify on data: exact evaluation at every data point
    r = cli("construct", str(src), "--method", method, "--certify")
    assert r.returncode == 0 and f"fits the {len(points)} data points exactly" in r.stdout, (
        r.stdout + r.stderr
    )


def test_example_script():
    r = run_example("construct_interpolation.py")
    out = r.stdout
    assert "H = [[1, 0, 0], [2, 1/2, 0], [4, 5/2, 1]]" in out and "v = [1, -6, 13]" in out
    assert "triangular fit at 0, 1, 3: 1, -1, 2" in out
    assert "w = [1, 2]" in out and "v = [0, 2, -4, 2]" in out
    assert "XOR fit: 0, 1, 1, 0" in out
    assert "refused: points 1 and 3" in out
