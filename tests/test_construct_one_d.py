"""R3/R4 constructions: hinge and segment forms of 1-D CPWL functions (exactpwl.construct.one_d)."""

from __future__ import annotations

import itertools
import json
import random
from fractions import Fraction as F

import pytest
from conftest import run_example

from exactpwl.construct import Construction
from exactpwl.construct.one_d import hinge, segment
from exactpwl.errors import InputError
from exactpwl.network import Network
from exactpwl.pwl import PWL
from exactpwl.verdict import certify


def relu(t: F) -> F:
    return max(t, F(0))


def evaluate(net: Network, x: F) -> F:
    """Own exact forward pass of a one-hidden-layer 1-D network (weights read from the layers)."""
    (W1, b1), (W2, b2) = [
        (
            [[F(str(v)) for v in row] for row in L.weights.tolist()],
            [F(str(L.biases[j, 0])) for j in range(L.units)],
        )
        for L in net.layers
    ]
    h = [relu(w[0] * x + b) for w, b in zip(W1, b1)]
    return sum((v * hj for v, hj in zip(W2[0], h)), b2[0])


def interpolant(pts, x: F) -> F:
    """The linear interpolant of the breakpoints at x inside [x_0, x_last] (by hand, no package code)."""
    for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
        if x0 <= x <= x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    raise ValueError("outside")


def extended(pts, x: F) -> F:
    """FORMATS.md's breakpoints function on all of R: the end segments continue beyond the ends."""
    if x < pts[0][0]:
        (x0, y0), (x1, y1) = pts[0], pts[1]
    elif x > pts[-1][0]:
        (x0, y0), (x1, y1) = pts[-2], pts[-1]
    else:
        return interpolant(pts, x)
    return y0 + (y1 - y0) * (x - x0) / (x1 - x0)


def breakpoint_sets():
    """All subsets of size 2..5 of a small grid, with seeded random rational values."""
    rng = random.Random(3)
    grid = [F(0), F(1, 2), F(1), F(2), F(3)]
    for size in range(2, 6):
        for xs in itertools.combinations(grid, size):
            yield [(x, F(rng.randint(-9, 9), rng.randint(1, 4))) for x in xs]


# ---------------------------------------------------------------------- PAPER.md §4, example 1
EX1 = [[0, 0], [1, 2], [2, 1], [4, 3]]


def test_worked_example_1_hinge_weights():
    c = hinge(EX1, tails=False)  # the paper's form: k + 1 units, a claim on [0, 4]
    assert c.domain == {"box": [[0, 4]]} and c.holds_on == "[0, 4]"
    L1, L2 = c.network.layers
    assert L1.weights.tolist() == [[1], [1], [1]]
    assert [L1.biases[j, 0] for j in range(3)] == [0, -1, -2]  # sigma(x), sigma(x-1), sigma(x-2)
    assert L2.weights.tolist() == [[2, -3, 2]] and L2.biases[0, 0] == 0
    assert evaluate(c.network, F(3)) == 2  # 6 - 6 + 2
    assert c.steps[1]["s"] == [2, -1, 1]
    assert c.steps[2]["d"] == [-3, 2]
    assert c.certify().holds is True


def test_worked_example_1_hinge_on_the_whole_line():
    # the breakpoints target continues with slope s_0 = 2 left of 0 and s_2 = 1 right of 4; the
    # right-oriented units are flat left of 0, so a left tail -2 relu(-x) is added (by hand)
    c = hinge(EX1)
    assert c.domain is None and c.holds_on == "R^1"
    L1, L2 = c.network.layers
    assert L1.weights.tolist() == [[1], [1], [1], [-1]]
    assert [L1.biases[j, 0] for j in range(4)] == [0, -1, -2, 0]
    assert L2.weights.tolist() == [[2, -3, 2, -2]] and L2.biases[0, 0] == 0
    assert (
        evaluate(c.network, F(-1)) == -2
        and evaluate(c.network, F(10)) == 9
        and evaluate(c.network, F(3)) == 2
    )
    assert c.certify().holds is True


def test_worked_example_1_segment_form():
    c = segment(EX1)
    assert c.network.architecture == "1-6-1"
    assert evaluate(c.network, F(-1)) == 0
    assert evaluate(c.network, F(10)) == 3
    assert c.domain == {"box": [[0, 4]]} and c.holds_on == "[0, 4]"
    for x in [F(k, 4) for k in range(17)]:
        assert evaluate(c.network, x) == interpolant([(F(a), F(b)) for a, b in EX1], x)
    assert c.certify().holds is True


def test_worked_example_1_left_orientation():
    c = hinge(EX1, orientation="left")
    L1, L2 = c.network.layers
    # units sigma(1 - x), sigma(2 - x), sigma(4 - x); f = 3 - 3 sigma(1-x) + 2 sigma(2-x) - sigma(4-x),
    # flat right of 4, so a right tail + sigma(x - 4) continues the last slope s_2 = 1
    assert L1.weights.tolist() == [[-1], [-1], [-1], [1]]
    assert [L1.biases[j, 0] for j in range(4)] == [1, 2, 4, -4]
    assert L2.weights.tolist() == [[-3, 2, -1, 1]] and L2.biases[0, 0] == 3
    assert evaluate(c.network, F(0)) == 0 and evaluate(c.network, F(3)) == 2
    assert evaluate(c.network, F(-1)) == -2 and evaluate(c.network, F(10)) == 9
    assert c.certify().holds is True and c.holds_on == "R^1"


# ---------------------------------------------------------------------- enumerated, certified exactly
BUILDS = {
    "hinge": hinge,
    "left hinge": lambda p: hinge(p, orientation="left"),
    "hinge on [a, b]": lambda p: hinge(p, tails=False),
    "segment": segment,
    "segment with tails": lambda p: segment(p, tails=True),
}


@pytest.mark.parametrize("name", BUILDS)
def test_certified_on_all_enumerated_breakpoint_sets(name):
    rng = random.Random(7)
    count = 0
    for pts in breakpoint_sets():
        c = BUILDS[name]([[x, y] for x, y in pts])
        assert isinstance(c, Construction)
        assert c.certify().holds is True, pts
        a, b = pts[0][0], pts[-1][0]
        samples = [x for x, _ in pts] + [(p + q) / 2 for (p, _), (q, _) in zip(pts, pts[1:])]
        samples += [a + (b - a) * F(rng.randint(0, 1000), 1000) for _ in range(20)]
        for x in samples:
            assert evaluate(c.network, x) == interpolant(pts, x)
        whole_line = name in ("hinge", "left hinge", "segment with tails")
        assert c.holds_on == ("R^1" if whole_line else f"[{a}, {b}]")
        if whole_line:  # and beyond the ends, where the breakpoints target continues linearly
            for x in [a - 1, a - F(7, 3), b + 1, b + F(11, 2)]:
                assert evaluate(c.network, x) == extended(pts, x), (pts, x)
        count += 1
    assert count == 26


def test_unit_counts():
    pts = [[0, 0], [1, 1], [3, 0], [4, 4], [5, 0]]  # k = 3 interior breakpoints
    assert hinge(pts, tails=False).network.architecture == "1-4-1"  # k + 1
    assert hinge(pts, orientation="left", tails=False).network.architecture == "1-4-1"
    assert hinge(pts).network.architecture == "1-5-1"  # k + 1 and a tail (s_0 = 1)
    assert hinge(pts, orientation="left").network.architecture == "1-5-1"  # s_k = -4
    assert segment(pts).network.architecture == "1-8-1"  # 2 (k + 1)
    assert segment(pts, tails=True).network.architecture == "1-10-1"
    flat_ends = [[0, 1], [1, 1], [2, 3], [3, 3]]  # s_0 = s_k = 0: the units are already right on R
    assert hinge(flat_ends).network.architecture == "1-3-1"
    assert hinge(flat_ends, orientation="left").network.architecture == "1-3-1"


def test_segment_is_the_constant_extension_on_the_whole_line():
    for pts in breakpoint_sets():
        c = segment([[x, y] for x, y in pts])
        (a, fa), (b, fb) = pts[0], pts[-1]
        extended = PWL.from_breakpoints([[a - 1, fa], *[[x, y] for x, y in pts], [b + 1, fb]])
        assert c.network.evaluate([[a - 7]])[0][0] == fa and evaluate(c.network, b + 7) == fb
        assert certify(c.network, extended, None).holds is True


def test_hinge_without_tails_differs_from_the_linear_extension_left_of_a():
    # the paper's k + 1 units are constant f(x_0) left of x_0, the breakpoints target extends with
    # slope s_0: so that construction claims [x_0, x_{k+1}] only, and R is refuted
    c = hinge(EX1, tails=False)
    assert c.certify().holds is True
    v = certify(c.network, c.target, None)
    assert v.holds is False
    x = v.counterexample.x[0]
    assert x < 0 and v.counterexample.network[0] == 0 and v.counterexample.target[0] == 2 * x


def test_a_wrong_coefficient_is_refuted():
    c = hinge(EX1)
    (W1, b1), (W2, b2) = [
        (L.weights.tolist(), [L.biases[j, 0] for j in range(L.units)]) for L in c.network.layers
    ]
    W2[0][1] = F(str(W2[0][1])) + F(1, 100)
    bad = Network.from_layers([(W1, b1), (W2, b2)])
    v = Construction("mutant", bad, c.target, c.domain).certify()
    assert v.holds is False and v.counterexample.x[0] > 1


# ---------------------------------------------------------------------- R4: slopes by difference quotients
def test_r4_one_sided_difference_quotients():
    for pts in breakpoint_sets():
        xs = [x for x, _ in pts]
        slopes = [(y1 - y0) / (x1 - x0) for (x0, y0), (x1, y1) in zip(pts, pts[1:])]
        eps = min(q - p for p, q in zip(xs, xs[1:])) / 3
        right = hinge([[x, y] for x, y in pts], tails=False)
        v = [F(str(w)) for w in right.network.layers[1].weights.tolist()[0]]
        t = xs[:-1]
        for j, tj in enumerate(t):
            quotient = (evaluate(right.network, tj + eps) - evaluate(right.network, tj)) / eps
            assert quotient == sum(v[: j + 1]) == slopes[j]
        left = hinge([[x, y] for x, y in pts], orientation="left", tails=False)
        u = [F(str(w)) for w in left.network.layers[1].weights.tolist()[0]]
        t = xs[1:]
        for j, tj in enumerate(t):
            quotient = (evaluate(left.network, tj) - evaluate(left.network, tj - eps)) / eps
            assert quotient == -sum(u[j:]) == slopes[j]
        assert right.steps[4]["sum_{i=0}^{j} v_i"] == slopes
        assert left.steps[4]["-sum_{i=j}^{k+1} v_i"] == slopes


def test_r3_uniqueness_of_the_hinge_coefficients():
    # sample one point inside each piece plus x_0: the (k+2)x(k+2) system in (c, v_0..v_k) has a
    # unique solution, and it is the construction's
    import sympy

    for pts in breakpoint_sets():
        xs = [x for x, _ in pts]
        samples = [xs[0]] + [(p + q) / 2 for p, q in zip(xs, xs[1:])]
        A = sympy.Matrix([[1] + [relu(s - t) for t in xs[:-1]] for s in samples])
        rhs = sympy.Matrix([interpolant(pts, s) for s in samples])
        assert A.det() != 0
        sol = list(A.solve(rhs))
        c = hinge([[x, y] for x, y in pts], tails=False)
        v = [F(str(w)) for w in c.network.layers[1].weights.tolist()[0]]
        assert [F(int(s.p), int(s.q)) for s in sol] == [F(str(c.network.layers[1].biases[0, 0])), *v]


# ---------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "points, message",
    [
        ([[0, 0]], "at least two"),
        ([[0, 0], [0, 1]], "not larger"),
        ([[0, 0], [1]], "pair"),
        ([[0, 0], [1, "nan"]], "point 2"),
    ],
)
def test_bad_breakpoints(points, message):
    with pytest.raises(InputError, match=message):
        hinge(points)
    with pytest.raises(InputError, match=message):
        segment(points)


def test_bad_orientation():
    with pytest.raises(InputError, match="orientation"):
        hinge(EX1, orientation="up")


# ---------------------------------------------------------------------- CLI and example script
@pytest.mark.parametrize("method", ["hinge", "segment"])
def test_cli_construct_and_certify(cli, tmp_path, method):
    target = tmp_path / "t.json"
    target.write_text(
        json.dumps({"format": "exactpwl.pwl", "version": 1, "input_dim": 1, "breakpoints": EX1})
    )
    out = tmp_path / "net.json"
    r = cli("construct", str(target), "--method", method, "-o", str(out), "--certify")
    assert r.returncode == 0, r.stderr
    assert "certified: holds" in r.stdout
    net = Network.load(out)
    assert evaluate(net, F(3)) == 2 and evaluate(net, F(1, 2)) == 1


def test_cli_rejects_a_target_without_breakpoints(cli, tmp_path):
    target = tmp_path / "t.json"
    target.write_text(json.dumps({"format": "exactpwl.pwl", "version": 1, "input_dim": 1, "expr": "abs(x1)"}))
    r = cli("construct", str(target), "--method", "hinge")
    assert r.returncode == 2 and "breakpoints" in r.stderr and "Traceback" not in r.stderr


def test_example_script():
    r = run_example("construct_one_d.py")
    out = r.stdout
    # hand derivation of example 1: slopes 2, -1, 1; differences -3, 2; f(3) = 2
    assert "s = [2, -1, 1]" in out and "d = [-3, 2]" in out and "v = [2, -3, 2]" in out
    assert "hinge: f(x) = 2 relu(x) - 3 relu(x - 1) + 2 relu(x - 2); f(3) = 2; certified: True" in out
    # by hand: the left tail is -s_0 relu(-x) = -2 relu(-x), so f(-1) = -2 = 2 * (-1)
    assert "hinge on R^1: f(x) = 2 relu(x) - 3 relu(x - 1) + 2 relu(x - 2) - 2 relu(-x); f(-1) = -2" in out
    assert "segment: f(-1) = 0, f(10) = 3; certified on [0, 4]: True" in out
    # left: d = (-3, 2), -s_2 = -1, then the right tail s_2 = 1 relu(x - 4)
    assert "left hinge: v = [-3, 2, -1, 1], c = 3; certified on R^1: True" in out
