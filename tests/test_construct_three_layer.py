"""R7: one hidden layer from full-hyperplane kinks, certified exactly; refusals with checked witnesses."""

from __future__ import annotations

import json
import math
import random
from fractions import Fraction as F

import pytest
from conftest import minimal_width_by_enumeration, run_example

from exactpwl.construct import Refusal, methods
from exactpwl.construct.three_layer import KinkWitness, three_layer
from exactpwl.errors import InputError
from exactpwl.network import Network
from exactpwl.pwl import PWL


def relu(t: F) -> F:
    return t if t > 0 else F(0)


def _canonical(w: list[int], b: F) -> tuple[tuple[int, ...], F, F]:
    """(primitive normal with first non-zero > 0, offset beta, alpha) with w.x + b = alpha (n.x - beta)."""
    g = math.gcd(*w)
    n = [v // g for v in w]
    alpha = F(g)
    if next(v for v in n if v) < 0:
        n = [-v for v in n]
        alpha = -alpha
    return tuple(n), -b / alpha, alpha


def _random_relu_sum(rng: random.Random, n: int, m: int) -> tuple[Network, int]:
    """A random sum of ReLUs; also the minimal unit count, derived from the parameters by hand:

    unit v relu(alpha (h(x))) with alpha < 0 equals v|alpha| (relu(h) - h), so the jump on H is
    lambda_H = sum v_j |alpha_j| and the linear part is -sum_{alpha_j < 0} v_j |alpha_j| n_H; the
    minimal width then follows by enumerating every choice of unit orientations (conftest).
    """
    W, b, v = [], [], []
    for _ in range(m):
        w = [rng.randint(-2, 2) for _ in range(n)]
        if not any(w):
            w[0] = 1
        if W and rng.random() < 0.3:  # a unit on the same hyperplane as an earlier one (scaled/flipped)
            k = rng.randrange(len(W))
            s = rng.choice([-2, -1, 2])
            w, bias = [s * x for x in W[k]], s * b[k]
        else:
            bias = F(rng.randint(-3, 3), rng.randint(1, 2))
        W.append(w)
        b.append(bias)
        v.append(F(rng.choice([-3, -2, -1, 1, 2, 3]), rng.randint(1, 3)))
    lam: dict = {}
    linear = [F(0)] * n
    for w, bias, vj in zip(W, b, v):
        nrm, beta, alpha = _canonical(w, bias)
        lam[(nrm, beta)] = lam.get((nrm, beta), F(0)) + vj * abs(alpha)
        if alpha < 0:
            for i in range(n):
                linear[i] -= vj * abs(alpha) * nrm[i]
    kinks = [(nrm, x) for (nrm, _), x in lam.items() if x != 0]
    units = minimal_width_by_enumeration(kinks, linear)
    net = Network.from_layers([(W, b), ([v], [F(rng.randint(-2, 2), 3)])])
    return net, units


@pytest.mark.parametrize("seed", range(8))
def test_random_relu_sums_are_rebuilt_and_certified(seed: int) -> None:
    rng = random.Random(seed)
    n = 2 if seed < 5 else 3
    net, units = _random_relu_sum(rng, n, rng.randint(2, 4))
    c = three_layer(PWL.from_network(net))
    assert c.network.num_neurons == units
    assert c.certify().holds is True
    # and directly at a few random points, by exact evaluation of both networks
    for _ in range(10):
        x = [F(rng.randint(-20, 20), rng.randint(1, 5)) for _ in range(n)]
        assert c.network(x) == net(x)


def _max3(x: list[F]) -> F:
    return max(F(0), x[0], x[1])


def _pyramid(x: list[F]) -> F:
    return relu(1 - abs(x[0]) - abs(x[1]))


def _check_witness(w: KinkWitness, f) -> None:
    """The witness is two points of its hyperplane with different exact second differences."""
    a, b = w.normal, w.offset
    for p, d in zip(w.points, w.second_differences):
        assert sum(ai * pi for ai, pi in zip(a, p)) == b
        plus = [pi + w.epsilon * ai for pi, ai in zip(p, a)]
        minus = [pi - w.epsilon * ai for pi, ai in zip(p, a)]
        assert d == (f(plus) + f(minus) - 2 * f(list(p)),)
    assert w.second_differences[0] != w.second_differences[1]


def test_max_of_three_is_refused_with_the_papers_witness() -> None:
    with pytest.raises(Refusal) as e:
        three_layer("max(0, x1, x2)", 2)
    w = e.value.witness
    _check_witness(w, _max3)
    # PAPER.md R7 check 3: on x1 = 0 the second difference is 0 at (0, 1) and e at (0, -1)
    assert (w.normal, w.offset) == ((1, 0), 0)
    assert w.points == ((0, 1), (0, -1)) and w.epsilon == 1
    assert w.second_differences == ((0,), (1,))
    assert "on the hyperplane x1 = 0" in str(e.value) and "is 0 at p = (0, 1) and 1 at p = (0, -1)" in str(
        e.value
    )


def test_pyramid_is_refused() -> None:
    with pytest.raises(Refusal) as e:
        three_layer("relu(1 - abs(x1) - abs(x2))", 2)
    _check_witness(e.value.witness, _pyramid)


def test_refusal_of_a_relu_of_a_relu_sum_in_3d() -> None:
    f = "relu(relu(x1) + relu(x2) - x3)"
    with pytest.raises(Refusal) as e:
        three_layer(f, 3)
    _check_witness(e.value.witness, lambda x: relu(relu(x[0]) + relu(x[1]) - x[2]))


def test_multi_output_and_affine_and_constant_targets() -> None:
    c = three_layer(["abs(x1)", "relu(x1 + x2 - 1) - 3*x2 + 1"], 2)
    assert c.certify().holds is True
    # kinks x1 = 0 (jumps (2, 0)) and x1 + x2 = 1 (jumps (0, 1)); with every unit pointing right the
    # linear part is A = [[-1, 0], [0, -3]] (abs(x1) = 2 relu(x1) - x1).  Turning units around adds
    # [[2, 0], [0, 0]] or [[0, 0], [1, 1]]: rank 2 whatever the choice, so 2 + 0 is impossible; one
    # doubled kink leaves a rank-1 rest (a pair): 2 + 1 + 2; both doubled free span{(1, 0), (1, 1)}
    # = R^2: 2 + 2 = 4 units, e.g. relu(+-x1) and relu(+-(x1 + x2 - 1)).
    assert c.network.num_neurons == 4
    assert three_layer("3*x1 - x2 + 1", 2).network.num_neurons == 2
    c0 = three_layer("5", 2)
    assert c0.network.num_neurons == 0 and c0.network([7, 8]) == [5]


def test_pieces_target() -> None:
    t = PWL.from_pieces(
        [
            {"A": [[1, 0]], "b": [0], "w": [[-1, 1]], "c": [2]},
            {"A": [[-1, 0]], "b": [0], "w": [[1, 1]], "c": [2]},
        ],
        2,
    )  # |x1| + x2 + 2
    c = three_layer(t)
    assert c.certify().holds is True
    assert c.network([-3, 1]) == [6]


def test_target_not_defined_everywhere_is_refused() -> None:
    t = PWL.from_pieces([{"A": [[1, 0]], "b": [0], "w": [[1, 0]], "c": [0]}], 2)
    with pytest.raises(InputError, match=r"the pieces do not cover the domain; no piece contains \(1, 0\)"):
        three_layer(t)


def test_cli(cli, tmp_path) -> None:
    assert "three-layer" in methods()
    src = tmp_path / "t.json"
    src.write_text(
        json.dumps(
            {"format": "exactpwl.pwl", "version": 1, "input_dim": 2, "expr": "abs(x1 - x2) + 2*relu(x2 + 1)"}
        )
    )
    out = tmp_path / "net.json"
    r = cli("construct", str(src), "--method", "three-layer", "-o", str(out), "--certify")
    assert r.returncode == 0, r.stderr
    assert "certified: holds" in r.stdout
    net = Network.load(out)
    assert net([3, -2]) == [5] and net([0, 0]) == [2]  # |5| + 0 and 0 + 2
    bad = tmp_path / "m.json"
    bad.write_text(
        json.dumps({"format": "exactpwl.pwl", "version": 1, "input_dim": 2, "expr": "max(0, x1, x2)"})
    )
    r = cli("construct", str(bad), "--method", "three-layer")
    assert r.returncode == 2
    assert "is 0 at p = (0, 1) and 1 at p = (0, -1)" in r.stderr


def test_example_script() -> None:
    r = run_example("construct_three_layer.py")
    out = r.stdout
    # f = |x1| + 2 relu(x1 - x2) - x2 + 1: kinks x1 = 0 (jump 2: |x1| = 2 relu(x1) - x1) and
    # x1 - x2 = 0 (jump 2); affine rest A = (-1, -1), d = 1.  Turning units around adds (2, 0)
    # and/or (2, -2) to A: (-1, -1), (1, -1), (1, -3), (3, -3), never 0; but (1, -1) is in the span
    # of x1 - x2's normal, so relu(-x1) plus two units on x1 = x2: 3 units (k+1), not 2 + 2
    assert "H_1 = x1 = 0,  lambda = 2" in out
    assert "H_2 = x1 - x2 = 0,  lambda = 2" in out
    assert "A = [[-1, -1]]" in out and "d = [1]" in out
    assert "case = k+1" in out and "hidden units = 3" in out
    assert "certified: holds = True" in out
    assert "f(3, 1) = 7" in out  # |3| + 2*2 - 1 + 1 = 7 by hand
    assert "is 0 at p = (0, 1) and 1 at p = (0, -1)" in out
