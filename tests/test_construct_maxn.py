"""max of n numbers by a tournament of pairwise maxima (exactpwl.construct.maxn)."""

from __future__ import annotations

import json
import random
from fractions import Fraction as F

import pytest
from conftest import run_example

from exactpwl.construct import Construction
from exactpwl.construct.maxn import depth, max_tree
from exactpwl.errors import InputError
from exactpwl.network import Network

# hidden layers ceil(log2 n), by hand
DEPTH = {1: 0, 2: 1, 3: 2, 4: 2, 5: 3, 6: 3, 7: 3, 8: 3, 9: 4}
# architectures by hand: a pair costs 2 units (relu + linear) or 3 (pure ReLU); a carried value
# 1 unit or 2
ARCH = {
    (1, False): "1-1",
    (2, False): "2-2-1",
    (3, False): "3-3-2-1",
    (4, False): "4-4-2-1",
    (5, False): "5-5-3-2-1",
    (6, False): "6-6-3-2-1",
    (1, True): "1-1",
    (2, True): "2-3-1",
    (3, True): "3-5-3-1",
    (4, True): "4-6-3-1",
    (5, True): "5-8-5-3-1",
    (6, True): "6-9-5-3-1",
}


def evaluate(net: Network, x) -> F:
    """Own exact forward pass in Fractions (not Network.evaluate)."""
    h = [F(v) for v in x]
    for L in net.layers:
        W = [[F(str(v)) for v in row] for row in L.weights.tolist()]
        b = [F(str(L.biases[j, 0])) for j in range(L.units)]
        z = [sum((w * hi for w, hi in zip(row, h)), bj) for row, bj in zip(W, b)]
        h = [max(zj, F(0)) if r else zj for zj, r in zip(z, L.relu)]
    return h[0]


def test_depth_formula():
    assert {n: depth(n) for n in DEPTH} == DEPTH


@pytest.mark.parametrize("pure", [False, True])
@pytest.mark.parametrize("n", range(1, 7))
def test_max_tree_is_certified_on_all_of_r_n(n, pure):
    c = max_tree(n, pure_relu=pure)
    assert isinstance(c, Construction) and c.domain is None
    assert len(c.network.layers) - 1 == DEPTH[n]
    assert c.network.architecture == ARCH[n, pure]
    if pure:
        assert all(all(L.relu) for L in c.network.layers[:-1])
    v = c.certify()
    assert v.holds is True
    rng = random.Random(n)
    for _ in range(30):
        x = [F(rng.randint(-20, 20), rng.randint(1, 5)) for _ in range(n)]
        assert evaluate(c.network, x) == max(x)
    # ties, where every ReLU of the first layer sits on its hyperplane
    assert evaluate(c.network, [F(7, 3)] * n) == F(7, 3)


def test_steps_record_each_layer():
    c = max_tree(5)
    titles = [s.title for s in c.steps]
    assert titles[1] == "Hidden layer 1: 5 values -> 3"
    assert titles[2] == "Hidden layer 2: 3 values -> 2"
    assert titles[3] == "Hidden layer 3: 2 values -> 1"
    assert c.steps[1].formula_text == "max(v1, v2);  max(v3, v4);  v5 (carried)"
    assert c.steps[1]["ReLU units"] == 2 and c.steps[1]["linear units"] == 3
    # first layer: relu(x1 - x2), x2, relu(x3 - x4), x4, x5
    assert c.steps[1]["W1"] == [
        [1, -1, 0, 0, 0],
        [0, 1, 0, 0, 0],
        [0, 0, 1, -1, 0],
        [0, 0, 0, 1, 0],
        [0, 0, 0, 0, 1],
    ]


def test_a_perturbed_network_is_refuted():
    c = max_tree(3)
    layers = [(L.weights.tolist(), [L.biases[j, 0] for j in range(L.units)]) for L in c.network.layers]
    acts = [a if isinstance(a, str) else list(a) for a in (L.activation for L in c.network.layers)]
    layers[0][1][0] = F(-1, 10)  # relu(x1 - x2 - 1/10)
    bad = Network.from_layers(layers, activations=acts)
    v = Construction("mutant", bad, c.target).certify()
    assert v.holds is False
    cx = v.counterexample
    assert cx.target[0] - cx.network[0] > 0 and cx.target[0] == max(cx.x)


def test_bad_n():
    for n in (0, -1, True, 2.0):
        with pytest.raises(InputError, match="positive integer"):
            max_tree(n)


# ---------------------------------------------------------------------- CLI and example script
def _target(tmp_path, expr, n):
    p = tmp_path / "t.json"
    p.write_text(json.dumps({"format": "exactpwl.pwl", "version": 1, "input_dim": n, "expr": expr}))
    return str(p)


def test_cli_construct_and_certify(cli, tmp_path):
    out = tmp_path / "net.json"
    r = cli(
        "construct",
        _target(tmp_path, "max(x2, x1, x3)", 3),
        "--method",
        "max-tree",
        "-o",
        str(out),
        "--certify",
    )
    assert r.returncode == 0, r.stderr
    assert "certified: holds" in r.stdout
    assert evaluate(Network.load(out), [1, 5, 2]) == 5


@pytest.mark.parametrize(
    "expr, n",
    [("max(x1, x2)", 3), ("min(x1, x2)", 2), ("max(x1, x1, x2)", 2), ("max(x1, x2) + 1", 2), ("x1", 1)],
)
def test_cli_rejects_other_expressions(cli, tmp_path, expr, n):
    r = cli("construct", _target(tmp_path, expr, n), "--method", "max-tree")
    assert r.returncode == 2 and "max-tree needs" in r.stderr and "Traceback" not in r.stderr


def test_example_script():
    r = run_example("construct_maxn.py")
    out = r.stdout
    assert "max3: architecture 3-3-2-1, max(1, 5, 2) = 5, certified: True" in out
    assert "max4 (with linear units): architecture 4-4-2-1, certified: True" in out
    assert "max4 (pure ReLU): architecture 4-6-3-1, certified: True" in out
    assert "max5 (with linear units): architecture 5-5-3-2-1, certified: True" in out
    assert "max5 (pure ReLU): architecture 5-8-5-3-1, certified: True" in out
