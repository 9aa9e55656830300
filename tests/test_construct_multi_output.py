"""R14, R17: shared hidden layers for several outputs, decoders; fits checked by our own evaluation."""

from __future__ import annotations

import json
import math
import random
from fractions import Fraction as F

import pytest
from conftest import run_example

from exactpwl.construct import Refusal, methods, read_data
from exactpwl.construct.multi_output import decoder, deep_decoder, shared, shared_function
from exactpwl.network import Network


def own_eval(net: Network, x: list[F]) -> list[F]:
    """Evaluate a network with Fractions, layer by layer (not the package's evaluator)."""
    h = [F(v) for v in x]
    for L in net.layers:
        W = [[F(int(q.p), int(q.q)) for q in row] for row in L.weights.tolist()]
        b = [F(int(L.biases[j, 0].p), int(L.biases[j, 0].q)) for j in range(L.units)]
        z = [sum((wi * hi for wi, hi in zip(row, h)), F(0)) + bj for row, bj in zip(W, b)]
        h = [max(F(0), v) if r else v for v, r in zip(z, L.relu)]
    return h


def _data(points, values):
    return read_data(
        {
            "format": "exactpwl.data",
            "version": 1,
            "points": [[str(v) for v in p] for p in points],
            "values": [[str(v) for v in y] for y in values],
        }
    )


@pytest.mark.parametrize("seed", range(6))
def test_shared_data_fit_random(seed: int) -> None:
    rng = random.Random(seed)
    K = rng.choice([2, 3])
    N = rng.randint(2, 7)
    pts = rng.sample([(a, b) for a in range(-2, 3) for b in range(-2, 3)], N)
    vals = [[F(rng.randint(-6, 6), rng.randint(1, 4)) for _ in range(K)] for _ in pts]
    d = _data(pts, vals)
    c = shared(d)
    assert c.network.architecture == f"2-{N - 1}-{K}"  # N - 1 units for all K outputs (R14a)
    for p, y in zip(pts, vals):
        assert own_eval(c.network, list(p)) == y
    assert c.certify().holds is True
    counts = c.steps[-1]
    assert counts["shared hidden units"] == N - 1 and counts["separate hidden units"] == K * (N - 1)


def _fr(q) -> F:
    return F(int(q.p), int(q.q))


def test_shared_xor_by_hand() -> None:
    # PAPER.md worked example 3 (XOR) plus a second output.  w = (1, 2) gives projections 0, 1, 2, 3,
    # thresholds 1/2, 3/2, 5/2, and H (rows 2..4) = [[1/2,0,0],[3/2,1/2,0],[5/2,3/2,1/2]], c = y_1.
    # Output 1 (0, 1, 1, 0): c = 0, v = (2, -4, 2) as in the paper.
    # Output 2 (1, 2, 1/2, 0): c = 1; v1 = (2 - 1)/(1/2) = 2; v2 = (1/2 - 1 - 3)/(1/2) = -7;
    # v3 = (0 - 1 - 5 + 21/2)/(1/2) = 9.
    d = _data([(0, 0), (1, 0), (0, 1), (1, 1)], [[0, 1], [1, 2], [1, F(1, 2)], [0, 0]])
    c = shared(d)
    L1, L2 = c.network.layers
    assert [[_fr(q) for q in row] for row in L1.weights.tolist()] == [[1, 2]] * 3
    assert [_fr(L1.biases[j, 0]) for j in range(3)] == [F(-1, 2), F(-3, 2), F(-5, 2)]
    assert [[_fr(q) for q in row] for row in L2.weights.tolist()] == [[2, -4, 2], [2, -7, 9]]
    assert [_fr(L2.biases[k, 0]) for k in range(2)] == [0, 1]


@pytest.mark.parametrize("seed", range(4))
def test_decoders_random_codes(seed: int) -> None:
    rng = random.Random(100 + seed)
    K = rng.randint(3, 6)
    codes = rng.sample([(a, b) for a in range(-4, 5) for b in range(-4, 5)], K)
    outs = [[F(rng.randint(-9, 9), rng.randint(1, 5)) for _ in range(5)] for _ in codes]
    c = decoder(codes, outs)
    assert c.network.architecture == f"2-{K - 1}-5"  # K - 1 shared hidden units (R17a)
    for z, x in zip(codes, outs):
        assert own_eval(c.network, list(z)) == x
    deep = deep_decoder(codes, outs)
    assert deep.network.architecture == f"2-4-{K - 1}-5"  # 2 transmitting + 2 extra units
    for z, x in zip(codes, outs):
        assert own_eval(deep.network, list(z)) == x
    assert deep.certify().holds is True


def test_deep_decoder_refuses_a_merging_first_layer() -> None:
    codes = [(0, 1), (1, 0), (2, 2)]
    outs = [[1, 0, 0, 0, 0], [2, 0, 0, 0, 0], [3, 0, 0, 0, 0]]
    with pytest.raises(Refusal) as e:
        deep_decoder(codes, outs, first_layer=([[1, 1]], [0]))  # relu(z1 + z2): 1, 1, 4
    i, k, image = e.value.witness
    assert (i, k) == (0, 1) and image == (1,)
    # same outputs on the merged codes: distinguishable in the R12 sense, so it works
    outs[1] = outs[0]
    c = deep_decoder(codes, outs, first_layer=([[1, 1]], [0]))
    for z, x in zip(codes, outs):
        assert own_eval(c.network, list(z)) == [F(v) for v in x]


def _canon(w: list[int], b: int) -> tuple[tuple[int, ...], F]:
    g = math.gcd(*w)
    s = g if next(v for v in w if v) > 0 else -g
    return tuple(v // s for v in w), F(-b, s)


@pytest.mark.parametrize("seed", range(4))
def test_shared_function_random(seed: int) -> None:
    rng = random.Random(200 + seed)
    n = 2
    pool = []
    while len(pool) < 4:
        w = [rng.randint(-2, 2) for _ in range(n)]
        if any(w) and _canon(w, 0)[0] not in [_canon(p[0], 0)[0] for p in pool]:
            pool.append((w, rng.randint(-2, 2)))
    K = rng.choice([2, 3])
    exprs, hyper = [], []
    for _ in range(K):
        chosen = rng.sample(pool, rng.randint(1, 3))  # overlapping hyperplane sets
        terms = [f"({rng.choice([-2, -1, 1, 3])})*relu({w[0]}*x1 + {w[1]}*x2 + ({b}))" for w, b in chosen]
        terms.append(f"({rng.randint(-2, 2)})*x1 + ({rng.randint(-2, 2)})*x2 + 1")
        exprs.append(" + ".join(terms))
        hyper.append({_canon(w, b) for w, b in chosen})
    c = shared_function(exprs, n)
    assert c.certify().holds is True
    union = set().union(*hyper)
    counts = c.steps[-1]
    assert counts["|U H_k|"] == len(union)
    assert counts["bound |U H_k| + 2n"] == len(union) + 2 * n
    assert counts["separate sum_k (|H_k| + 2)"] == sum(len(h) + 2 for h in hyper)
    assert c.network.num_neurons == counts["shared hidden units"] <= len(union) + 2 * n


def test_cli_shared_and_decoder(cli, tmp_path) -> None:
    assert {"shared", "decoder"} <= set(methods())
    src = tmp_path / "d.json"
    src.write_text(
        json.dumps(
            {
                "format": "exactpwl.data",
                "version": 1,
                "points": [[0, 0], [1, 0], [0, 1], [1, 1]],
                "values": [[0, 1], [1, 2], [1, "1/2"], [0, 0]],
            }
        )
    )
    for method in ("shared", "decoder"):
        out = tmp_path / f"{method}.json"
        r = cli("construct", str(src), "--method", method, "-o", str(out), "--certify")
        assert r.returncode == 0, r.stderr
        assert "certified: fits the 4 data points exactly" in r.stdout
        assert own_eval(Network.load(out), [F(0), F(1)]) == [1, F(1, 2)]
    fn = tmp_path / "f.json"
    fn.write_text(
        json.dumps(
            {"format": "exactpwl.pwl", "version": 1, "input_dim": 2, "expr": ["abs(x1)", "relu(x1) + x2"]}
        )
    )
    r = cli("construct", str(fn), "--method", "shared", "--certify")
    assert r.returncode == 0, r.stderr
    assert "certified: holds" in r.stdout


def test_example_script() -> None:
    r = run_example("construct_multi_output.py")
    out = r.stdout
    # XOR and a second output (see test_shared_xor_by_hand): V rows (2, -4, 2) and (2, -7, 9)
    assert "V = [[2, -4, 2], [2, -7, 9]]" in out
    assert "shared hidden units = 3" in out and "separate hidden units = 6" in out
    # |x1| = 2 relu(x1) - x1 and relu(x1 - x2) + |x1|: H_1 = {x1 = 0}, H_2 = {x1 = 0, x1 - x2 = 0};
    # union of 2 hyperplanes + relu(x1), relu(-x1) (only x1 in the affine parts) = 4; separate (1+2)+(2+2) = 7
    assert "shared hidden units = 4" in out and "separate sum_k (|H_k| + 2) = 7" in out
    assert out.count("holds = True") == 3
