"""R15: exact families of output layers; dimensions against sympy ranks, fits by our own evaluation."""

from __future__ import annotations

import random
from fractions import Fraction as F

import pytest
import sympy
from conftest import run_example

from exactpwl.construct import Refusal, read_data
from exactpwl.construct.overparam import cell_family, invariant_family, output_family
from exactpwl.network import Network
from exactpwl.verdict import certify


def relu(t: F) -> F:
    return t if t > 0 else F(0)


def _random_prefix(rng: random.Random, m: int) -> tuple[list[list[int]], list[F], Network]:
    W = [[rng.randint(-2, 2), rng.randint(-2, 2)] for _ in range(m)]
    for w in W:
        if not any(w):
            w[0] = 1
    b = [F(rng.randint(-2, 2), rng.randint(1, 2)) for _ in range(m)]
    return W, b, Network.from_layers([(W, b)], activations=["relu"])


def _hidden(W, b, x) -> list[F]:
    return [relu(sum(F(wi) * xi for wi, xi in zip(w, x)) + bj) for w, bj in zip(W, b)]


@pytest.mark.parametrize("seed", range(6))
def test_output_family_random(seed: int) -> None:
    rng = random.Random(seed)
    m, N = rng.randint(3, 6), rng.randint(2, 5)
    W, b, prefix = _random_prefix(rng, m)
    pts = rng.sample([(x, y) for x in range(-2, 3) for y in range(-2, 3)], N)
    # targets that some output layer reaches (a random one), so an exact fit exists
    v0 = [F(rng.randint(-3, 3)) for _ in range(m)]
    ys = [sum(v * h for v, h in zip(v0, _hidden(W, b, p))) + 1 for p in pts]
    data = read_data(
        {"format": "exactpwl.data", "version": 1, "points": [list(p) for p in pts], "values": ys}
    )
    c = output_family(prefix, data, members=3, seed=seed)
    A = sympy.Matrix([[*_hidden(W, b, p), 1] for p in pts])
    assert c.family.dimension == (m + 1) - A.rank()
    for vec in c.family.basis:  # null-space vectors, independent
        assert A * sympy.Matrix(vec) == sympy.zeros(N, 1)
    if c.family.basis:
        assert sympy.Matrix(c.family.basis).rank() == c.family.dimension
    for net in c.members:  # each member fits the data, by our own evaluation of its weights
        Wo = [F(int(q.p), int(q.q)) for q in net.layers[-1].weights.tolist()[0]]
        co = F(int(net.layers[-1].biases[0, 0].p), int(net.layers[-1].biases[0, 0].q))
        for p, y in zip(pts, ys):
            assert sum(v * h for v, h in zip(Wo, _hidden(W, b, p))) + co == y
    assert c.certify().holds is True


def test_output_family_refuses_inconsistent_data() -> None:
    prefix = Network.from_layers([([[1, 0]], [0])], activations=["relu"])
    data = read_data({"format": "exactpwl.data", "version": 1, "points": [[1, 0], [1, 1]], "values": [1, 2]})
    with pytest.raises(Refusal) as e:
        output_family(prefix, data)
    u, uy = e.value.witness  # u^T [H | 1] = 0 and u^T y != 0: rows (1, 1) and (1, 1), y = (1, 2)
    assert u[0] == -u[1] and uy[0] == u[0] * 1 + u[1] * 2 != 0


def _sym_prefix() -> Network:
    # relu(x1), relu(-x1), relu(x2), relu(-x2), relu(x1 + x2), relu(-x1 - x2)
    W = [[1, 0], [-1, 0], [0, 1], [0, -1], [1, 1], [-1, -1]]
    return Network.from_layers([(W, [0] * 6)], activations=["relu"])


def test_invariant_family_by_hand() -> None:
    # x1 + x2 - (x1 + x2) = 0 with t = relu(t) - relu(-t): the only global relation, so
    # (dv; dc) = s (1, -1, 1, -1, -1, 1; 0) and the dimension is 1
    c = invariant_family(_sym_prefix(), [1, 2, 3, 4, 5, 6], 7, seed=1)
    basis = c.steps[1]["basis (dv; dc)"]
    assert c.steps[1]["dimension"] == 1
    (vec,) = basis
    assert sympy.Matrix([vec, [1, -1, 1, -1, -1, 1, 0]]).rank() == 1
    assert c.certify().holds is True
    # a perturbation outside the subspace changes the function: certify must refute it
    moved = Network.from_layers(
        [(c.network.layers[0].weights.tolist(), [0] * 6), ([[2, 2, 3, 4, 5, 6]], [7])]
    )
    orig = Network.from_layers([(c.network.layers[0].weights.tolist(), [0] * 6), ([[1, 2, 3, 4, 5, 6]], [7])])
    assert certify(moved, orig).holds is False


def test_invariant_family_duplicate_units() -> None:
    # relu(x1) twice and relu(x2): only moving weight between the twins keeps the function
    prefix = Network.from_layers([([[1, 0], [1, 0], [0, 1]], [0, 0, 0])], activations=["relu"])
    c = invariant_family(prefix, [1, 1, 1], 0)
    assert c.steps[1]["dimension"] == 1
    assert sympy.Matrix([c.steps[1]["basis (dv; dc)"][0], [1, -1, 0, 0]]).rank() == 1
    assert c.certify().holds is True


@pytest.mark.parametrize("seed", range(4))
def test_cell_family_random(seed: int) -> None:
    rng = random.Random(50 + seed)
    m = rng.randint(3, 6)
    W, b, prefix = _random_prefix(rng, m)
    x = [F(rng.randint(-3, 3), 2), F(rng.randint(-3, 3), 3)]
    c = cell_family(prefix, [F(rng.randint(-3, 3)) for _ in range(m)], 1, x, seed=seed)
    S = [j + 1 for j in range(m) if sum(F(wi) * xi for wi, xi in zip(W[j], x)) + b[j] > 0]
    # x may lie on a hyperplane: then the cell is the lexicographic neighbour, which contains x in its
    # closure; our S is its active set whenever x is strictly inside
    if all(sum(F(wi) * xi for wi, xi in zip(W[j], x)) + b[j] != 0 for j in range(m)):
        assert c.steps[0]["S"] == S
    S0 = [j - 1 for j in c.steps[0]["S"]]
    rank_WS = sympy.Matrix([W[j] for j in S0]).rank() if S0 else 0
    assert c.steps[1]["dimension"] == len(S0) - rank_WS
    assert c.certify().holds is True  # same affine piece on the whole cell


def test_example_script() -> None:
    r = run_example("construct_overparam.py")
    out = r.stdout
    # data (0,0), (1,0), (0,1) after the 6 units above: [H | 1] rows (0,0,0,0,0,0,1), (1,0,0,0,1,0,1),
    # (0,0,1,0,1,0,1) have rank 3, so the family has dimension 7 - 3 = 4
    assert "rank = 3" in out and "dimension = 4" in out
    # cell x1, x2 > 0: S = {1, 3, 5}, W_S = [[1,0],[0,1],[1,1]] has rank 2 -> dimension 1
    assert "S = [1, 3, 5]" in out and "rank(F_S) = 2" in out
    assert out.count("holds = True") == 3
