"""Wang-Sun / Arora et al. (exactpwl.construct.log_depth): ceil(log2(n + 1)) hidden layers, certified."""

from __future__ import annotations

import itertools
import json
import random
from fractions import Fraction as F

import pytest
from conftest import run_example, union_jack_simplices
from flint import fmpq

from exactpwl.construct import Refusal
from exactpwl.construct.log_depth import hidden_layers, log_depth, max_as_signed_sum
from exactpwl.errors import InputError
from exactpwl.pwl import PWL

POINTS = [[i, j] for j in range(3) for i in range(3)]  # the 3 x 3 grid of [0, 2]^2, index 3 j + i


_simplices = union_jack_simplices


def _interpolate_2d(vals: list[F], x: list[F]) -> F:
    """Own barycentric interpolation on the 8 triangles (Cramer's rule in Fractions)."""
    for s in _simplices():
        (p0, p1, p2) = [POINTS[k] for k in s]
        det = (p1[0] - p0[0]) * (p2[1] - p0[1]) - (p2[0] - p0[0]) * (p1[1] - p0[1])
        l1 = F((x[0] - p0[0]) * (p2[1] - p0[1]) - (p2[0] - p0[0]) * (x[1] - p0[1]), det)
        l2 = F((p1[0] - p0[0]) * (x[1] - p0[1]) - (x[0] - p0[0]) * (p1[1] - p0[1]), det)
        l0 = 1 - l1 - l2
        if min(l0, l1, l2) >= 0:
            return l0 * vals[s[0]] + l1 * vals[s[1]] + l2 * vals[s[2]]
    raise AssertionError(f"{x} outside the square")


def _hidden(c) -> int:
    return len(c.network.layers) - 1


def _relu_only(c) -> bool:
    return all(all(L.relu) for L in c.network.layers[:-1])


def _knockout_rounds(players: int) -> int:
    """Rounds of a knockout tournament that pairs off as many players as it can each round."""
    rounds = 0
    while players > 1:
        players = (players + 1) // 2
        rounds += 1
    return rounds


def test_hidden_layers_are_the_rounds_of_a_max_tournament():
    # a max of n + 1 values by pairwise maxima takes one hidden layer per round (and at least one)
    assert [hidden_layers(n) for n in (1, 2, 3, 4, 7, 8)] == [1, 2, 2, 3, 3, 4]  # by hand
    assert all(hidden_layers(n) == max(1, _knockout_rounds(n + 1)) for n in range(1, 1100))
    # the networks built for max(0, x1, ..., xn), one max of n + 1 maps, have that many hidden layers
    rng = random.Random(5)
    for n in range(1, 9):
        c = log_depth("max(0, " + ", ".join(f"x{i + 1}" for i in range(n)) + ")", n, certify=n <= 5)
        assert _hidden(c) == max(1, _knockout_rounds(n + 1)), n
        for _ in range(20):
            x = [F(rng.randint(-9, 9), rng.randint(1, 3)) for _ in range(n)]
            assert c.network(x) == [max([F(0), *x])]


@pytest.mark.parametrize("seed", range(6))
def test_square_of_8_triangles(seed):
    rng = random.Random(seed)
    vals = [F(rng.randint(-9, 9), rng.randint(1, 4)) for _ in POINTS]
    t = PWL.from_triangulation(POINTS, _simplices(), [str(v) for v in vals])
    c = log_depth(t)
    assert _hidden(c) == 2 and _relu_only(c)
    assert c.certify().holds is True
    assert c.steps[-1]["holds"] is True
    assert c.steps[4]["largest max"] <= 3
    probes = [list(map(F, p)) for p in POINTS]  # vertices
    probes += [[F(sum(POINTS[k][0] for k in s), 3), F(sum(POINTS[k][1] for k in s), 3)] for s in _simplices()]
    probes += [[F(rng.randint(0, 60), 30), F(rng.randint(0, 60), 30)] for _ in range(30)]
    for x in probes:
        assert c.network(x) == [_interpolate_2d(vals, x)]
    for p, v in zip(POINTS, vals):
        assert c.network(p) == [v]


@pytest.mark.parametrize("seed", range(3))
def test_1d_triangulation(seed):
    rng = random.Random(50 + seed)
    xs = sorted(rng.sample(range(-10, 10), 5))
    ys = [F(rng.randint(-9, 9), rng.randint(1, 3)) for _ in xs]
    t = PWL.from_triangulation([[x] for x in xs], [[i, i + 1] for i in range(4)], [str(y) for y in ys])
    c = log_depth(t)
    assert _hidden(c) == 1 and _relu_only(c)
    assert c.certify().holds is True
    for x, y in zip(xs, ys):
        assert c.network([x]) == [y]
    for x0, x1, y0, y1 in zip(xs, xs[1:], ys, ys[1:]):  # own linear interpolation at 1/3 of each gap
        x = x0 + F(x1 - x0, 3)
        assert c.network([x]) == [y0 + (y1 - y0) * F(1, 3)]


def test_1d_breakpoints_on_the_whole_line():
    pts = [[-1, 2], [0, 0], [1, "1/2"], [3, 4]]
    c = log_depth(PWL.from_breakpoints(pts))
    assert c.domain is None and _hidden(c) == 1
    assert c.certify().holds is True
    assert c.network([-2]) == [F(4)] and c.network([5]) == [F(15, 2)]  # extended linearly outside
    for x, y in pts:
        assert c.network([x]) == [F(y)]


def test_max0_x1_x2_is_one_max_of_three():
    c = log_depth("max(0, x1, x2)")
    assert _hidden(c) == 2 and c.domain is None
    assert (c.steps[4]["terms"], c.steps[4]["largest max"]) == (1, 3)
    assert c.certify().holds is True
    assert c.network([-1, F(1, 2)]) == [F(1, 2)]


def _pyramid_pieces() -> list[dict]:
    """relu(1 - |x1| - |x2|) on [-2, 2]^2 as 8 convex pieces: a face and its outside per quadrant."""
    out = []
    for s1, s2 in itertools.product((1, -1), repeat=2):
        quad = [[-s1, 0], [0, -s2], [s1, 0], [0, s2]]  # s1 x1 >= 0, s2 x2 >= 0, |x_i| <= 2
        qb = [0, 0, 2, 2]
        out.append({"A": [*quad, [s1, s2]], "b": [*qb, 1], "w": [[-s1, -s2]], "c": [1]})
        out.append({"A": [*quad, [-s1, -s2]], "b": [*qb, -1], "w": [[0, 0]], "c": [0]})
    return out


def _pyramid(x: list[F]) -> F:
    return max(F(0), 1 - abs(x[0]) - abs(x[1]))


def test_pyramid_as_pieces_and_as_expression():
    grid = [[F(i, 4), F(j, 4)] for i in range(-8, 9) for j in range(-8, 9)]
    cp = log_depth(PWL.from_pieces(_pyramid_pieces(), 2))
    ce = log_depth("relu(1 - abs(x1) - abs(x2))")
    for c in (cp, ce):
        assert _hidden(c) == 2 and _relu_only(c)
        assert c.certify().holds is True
        for x in grid:
            assert c.network(x) == [_pyramid(x)]
    assert cp.domain is not None and ce.domain is None
    # the expression network is exact on all of R^2, also far outside the box
    assert ce.network([100, -3]) == [F(0)]


def _kuhn_cube() -> tuple[list[list[int]], list[list[int]]]:
    pts = [[a, b, c] for a in (0, 1) for b in (0, 1) for c in (0, 1)]
    idx = {tuple(p): i for i, p in enumerate(pts)}
    simplices = []
    for perm in itertools.permutations(range(3)):
        v = [0, 0, 0]
        s = [idx[(0, 0, 0)]]
        for k in perm:
            v[k] = 1
            s.append(idx[tuple(v)])
        simplices.append(s)
    return pts, simplices


@pytest.mark.parametrize("seed", range(3))
def test_3d_kuhn_cube(seed):
    pts, simplices = _kuhn_cube()
    rng = random.Random(200 + seed)
    vals = [F(rng.randint(-9, 9), rng.randint(1, 3)) for _ in pts]
    c = log_depth(PWL.from_triangulation(pts, simplices, [str(v) for v in vals]))
    assert _hidden(c) == 2 and _relu_only(c)
    assert c.certify().holds is True
    for p, v in zip(pts, vals):
        assert c.network(p) == [v]
    # own interpolation on the Kuhn simplex of x (coordinates sorted down): increments along its path
    for _ in range(10):
        x = [F(rng.randint(0, 12), 12) for _ in range(3)]
        order = sorted(range(3), key=lambda k: -x[k])
        corner = [0, 0, 0]
        expect = vals[pts.index(corner)]
        for k in order:
            nxt = list(corner)
            nxt[k] = 1
            expect += (vals[pts.index(nxt)] - vals[pts.index(corner)]) * x[k]
            corner = nxt
        assert c.network(x) == [expect]


def test_3d_two_cubes_twelve_tetrahedra():
    # [0, 2] x [0, 1] x [0, 1] as two Kuhn cubes: here maxima of 4 maps are needed (n + 1 = 4)
    pts = [[a, b, c] for a in range(3) for b in range(2) for c in range(2)]
    idx = {tuple(p): i for i, p in enumerate(pts)}
    simplices = []
    for o in ((0, 0, 0), (1, 0, 0)):
        for perm in itertools.permutations(range(3)):
            v = list(o)
            s = [idx[tuple(v)]]
            for k in perm:
                v[k] += 1
                s.append(idx[tuple(v)])
            simplices.append(s)
    rng = random.Random(2)
    vals = [F(rng.randint(-9, 9), rng.randint(1, 3)) for _ in pts]
    c = log_depth(PWL.from_triangulation(pts, simplices, [str(v) for v in vals]))
    assert _hidden(c) == 2 and _relu_only(c)
    assert c.steps[4]["largest max"] == 4
    assert c.certify().holds is True
    for p, v in zip(pts, vals):
        assert c.network(p) == [v]


@pytest.mark.parametrize(
    "expr", ["max(0, x1, x2, x3)", "max(x1, x2, x3) - max(0, x1 + x2)", "abs(x1) + abs(x2) - abs(x3)"]
)
def test_3d_expressions(expr):
    c = log_depth(expr, 3)
    assert _hidden(c) == 2 and _relu_only(c)
    assert c.steps[4]["largest max"] <= 4
    assert c.certify().holds is True
    if expr == "max(0, x1, x2, x3)":  # convex: the dual lattice form is this single max of 4
        assert (c.steps[4]["terms"], c.steps[4]["largest max"]) == (1, 4)


def test_hidden_layers_equal_ceil_log2_n_plus_1_for_n_1_2_3():
    assert _hidden(log_depth("max(0, x1)")) == 1
    assert _hidden(log_depth("max(0, x1, x2)")) == 2
    assert _hidden(log_depth("max(0, x1, x2, x3)")) == 2
    assert _hidden(log_depth("abs(x1)", 1)) == 1  # abs(x) = max(-x, x): one round


# ---------------------------------------------------------------------- the arity reduction alone
def _q(v) -> fmpq:
    return fmpq(F(v).numerator, F(v).denominator)


def test_arity_reduction_by_hand_1d():
    # max(-x, 1, x): gradients -1, 0, 1 with the middle one on the upper hull
    # -> max(-x, 1) + max(1, x) - 1
    terms = max_as_signed_sum([[_q(-1)], [_q(0)], [_q(1)]], [_q(0), _q(1), _q(0)])
    assert terms == {(0, 1): 1, (1, 2): 1, (1,): -1}
    # max(-x, 0, x): the middle lifted point is on the segment; the tie-break drops it: max(-x, x)
    assert max_as_signed_sum([[_q(-1)], [_q(0)], [_q(1)]], [_q(0)] * 3) == {(0, 2): 1}
    # max(-x, -1, x): the middle one is below the hull and never used
    assert max_as_signed_sum([[_q(-1)], [_q(0)], [_q(1)]], [_q(0), _q(-1), _q(0)]) == {(0, 2): 1}
    # equal gradients: only the larger constant counts
    assert max_as_signed_sum([[_q(2)], [_q(2)]], [_q(1), _q(3)]) == {(1,): 1}


def test_arity_reduction_square_of_gradients():
    # max(0, x1, x2, x1 + x2): gradients at the corners of the unit square, all lifted to 0
    # (coplanar: the tie-break picks one diagonal) -> two triangles minus their shared edge
    terms = max_as_signed_sum([[_q(0), _q(0)], [_q(1), _q(0)], [_q(0), _q(1)], [_q(1), _q(1)]], [_q(0)] * 4)
    assert sorted(terms.values()) == [-1, 1, 1]
    assert all(len(f) <= 3 for f in terms)
    assert sum(terms.values()) == 1


@pytest.mark.parametrize("seed", range(4))
def test_arity_reduction_random_with_degeneracies(seed):
    rng = random.Random(seed)
    for _ in range(60):
        n = rng.choice([1, 2, 3])
        m = rng.randint(1, 9)
        if rng.random() < 0.3:  # gradients on a line through the origin: affine dimension <= 1
            base = [rng.randint(-2, 2) for _ in range(n)]
            grads = [[_q(k * b) for b in base] for k in (rng.randint(-3, 3) for _ in range(m))]
        else:
            grads = [[_q(rng.randint(-2, 2)) for _ in range(n)] for _ in range(m)]
        consts = [_q(rng.randint(-2, 2)) for _ in range(m)]  # many ties
        terms = max_as_signed_sum(grads, consts)
        assert all(len(f) <= n + 1 for f in terms)
        for _ in range(20):
            x = [F(rng.randint(-20, 20), rng.randint(1, 5)) for _ in range(n)]
            vals = [sum(F(str(a)) * xi for a, xi in zip(g, x)) + F(str(c)) for g, c in zip(grads, consts)]
            assert sum(s * max(vals[j] for j in f) for f, s in terms.items()) == max(vals)


# ---------------------------------------------------------------------- refusals, CLI, example
def test_refusals():
    rng = random.Random(3)
    vals = [str(F(rng.randint(-9, 9), rng.randint(1, 4))) for _ in POINTS]
    t = PWL.from_triangulation(POINTS, _simplices(), vals)
    with pytest.raises(Refusal, match="unions"):
        log_depth(t, max_unions=2)
    with pytest.raises(InputError, match="one output"):
        log_depth(PWL.from_expr(["x1", "x2"], 2))
    # a non-convex union of pieces: the certifier refuses the claim on the hull
    L = PWL.from_triangulation([[0, 0], [1, 0], [0, 1], [-1, 0]], [[0, 1, 2], [0, 2, 3]], [0, 1, 1, 2])
    assert log_depth(L).certify().holds is True  # convex (a triangle cut in two)
    notch = PWL.from_triangulation([[0, 0], [1, 0], [0, 1], [-1, -1]], [[0, 1, 2], [0, 1, 3]], [0, 1, 1, 2])
    with pytest.raises(Refusal):
        log_depth(notch)


def _target_json(tmp_path) -> str:
    vals = [abs(i - 1) + abs(j - 1) for i, j in POINTS]
    data = {
        "format": "exactpwl.pwl",
        "version": 1,
        "input_dim": 2,
        "triangulation": {"points": POINTS, "simplices": _simplices(), "values": vals},
    }
    path = tmp_path / "cup.json"
    path.write_text(json.dumps(data))
    return str(path)


def test_cli_in_process(tmp_path, capsys):
    from exactpwl.cli import main

    target = _target_json(tmp_path)
    out_net = tmp_path / "net.json"
    assert main(["construct", target, "--method", "log-depth", "--certify", "-o", str(out_net)]) == 0
    text = capsys.readouterr().out
    # the hull of the 3 x 3 grid is [0, 2]^2, and the claim is made there
    assert text.splitlines()[0].endswith(", equal to the target on [0, 2]^2")
    assert "certified: holds" in text
    net = json.loads(out_net.read_text())
    assert len(net["layers"]) == 3  # 2 hidden layers + output


def test_cli_construct_log_depth(cli, tmp_path):
    r = cli("construct", _target_json(tmp_path), "--method", "log-depth", "--certify")
    assert r.returncode == 0, r.stderr
    assert "certified: holds" in r.stdout


def test_example_runs():
    r = run_example("construct_log_depth.py")
    lines = r.stdout.splitlines()
    assert lines[-3] == "max(0, x1, x2): 1 term, max of 3, hidden layers = 2, holds = True"
    # |x1 - 1| + |x2 - 1| is linear on each of the 8 triangles: 1/2 + 1/2 = 1 at (1/2, 3/2)
    assert lines[-2] == "pyramid-cup on [0, 2]^2: hidden layers = 2, holds = True, f(1/2, 3/2) = 1"
    assert lines[-1] == "max(0, x1, x2, x3): hidden layers = 2, holds = True, f(1, -2, 3) = 3"
