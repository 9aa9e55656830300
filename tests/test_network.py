"""Tests of exactpwl.network.Network: construction, JSON I/O, exact evaluation, patterns, affine maps.

Expected values are derived by hand in comments (|x| = relu(x) + relu(-x),
max(a, b) = b + relu(a - b), ...) or by ``ref_forward``, an independent forward pass written
here with ``fractions.Fraction`` loops.
"""

from __future__ import annotations

import json
import random
from fractions import Fraction

import pytest
from flint import fmpq

from exactpwl.errors import InputError
from exactpwl.network import Network


# ----------------------------------------------------------------------------- helpers
def F(q) -> Fraction:
    if isinstance(q, Fraction):
        return q
    if isinstance(q, int):
        return Fraction(q)
    assert isinstance(q, fmpq), type(q)
    return Fraction(int(q.p), int(q.q))


def mat(m) -> list[list[Fraction]]:
    """fmpq_mat -> list of rows of Fractions."""
    return [[F(m[i, j]) for j in range(m.ncols())] for i in range(m.nrows())]


def ref_forward(layers, acts, x):
    """Independent exact forward pass: (output, pre-activations per layer, pattern)."""
    h = [Fraction(v) for v in x]
    pres, pattern = [], []
    for (W, b), act in zip(layers, acts):
        z = [
            sum((Fraction(w) * hv for w, hv in zip(row, h)), Fraction(0)) + Fraction(bj)
            for row, bj in zip(W, b)
        ]
        pres.append(z)
        if act == "relu":
            pattern.extend(1 if v > 0 else 0 for v in z)
            h = [v if v > 0 else Fraction(0) for v in z]
        else:
            h = z
    return h, pres, tuple(pattern)


def one_line_error(excinfo, *needles: str) -> str:
    msg = str(excinfo.value)
    assert msg and "\n" not in msg, f"not a one-line message: {msg!r}"
    for needle in needles:
        assert needle in msg, f"{needle!r} not in {msg!r}"
    return msg


ABS = [([[1], [-1]], [0, 0]), ([[1, 1]], [0])]  # |x| = relu(x) + relu(-x)

# FORMATS.md example
EXAMPLE = {
    "format": "exactpwl.network",
    "version": 1,
    "input_dim": 2,
    "layers": [
        {"weights": [[1, "-1/2"], ["3/4", 0], [0, 1]], "biases": [0, "1/3", -1], "activation": "relu"},
        {"weights": [[1, 1, "2"]], "biases": [0], "activation": "linear"},
    ],
}


def example() -> dict:
    return json.loads(json.dumps(EXAMPLE))  # a deep copy


# ----------------------------------------------------------------------------- hand examples
def test_abs_network_by_hand():
    net = Network.from_layers(ABS)
    assert net.input_dim == 1 and net.output_dim == 1 and net.num_neurons == 2
    assert net([-3]) == [Fraction(3)]
    assert net(["5/2"]) == [Fraction(5, 2)]
    assert net([0]) == [Fraction(0)]
    assert net([Fraction(-7, 3)]) == [Fraction(7, 3)]
    assert net.evaluate([[-3], [2], [0], ["-0.125"]]) == [
        [Fraction(3)],
        [Fraction(2)],
        [Fraction(0)],
        [Fraction(1, 8)],
    ]
    assert net.evaluate([]) == []
    # pattern: unit 1 is relu(x), unit 2 relu(-x); a unit is active iff its pre-activation is > 0
    assert net.pattern([-3]) == (0, 1)
    assert net.pattern([2]) == (1, 0)
    assert net.pattern([0]) == (0, 0)
    # affine maps: pattern (1, 0) -> x; (0, 1) -> -x
    W, c = net.affine_map((1, 0))
    assert mat(W) == [[1]] and mat(c) == [[0]]
    W, c = net.affine_map((0, 1))
    assert mat(W) == [[-1]] and mat(c) == [[0]]
    # (0, 0): both off -> the zero map
    W, c = net.affine_map((0, 0))
    assert mat(W) == [[0]] and mat(c) == [[0]]


def test_outputs_are_fractions():
    out = Network.from_layers(ABS)(["1/3"])
    assert len(out) == 1 and type(out[0]) is Fraction and out[0] == Fraction(1, 3)


def test_format_example_by_hand():
    net = Network.from_dict(example())
    assert (net.input_dim, net.output_dim, net.num_neurons) == (2, 1, 3)
    # x = (1, 2): u1 = 1 - 1/2*2 = 0 -> 0; u2 = 3/4 + 1/3 = 13/12; u3 = 2 - 1 = 1
    # output = u1 + u2 + 2 u3 = 13/12 + 2 = 37/12; pattern (0, 1, 1) (u1 = 0 is inactive)
    assert net([1, 2]) == [Fraction(37, 12)]
    assert net.pattern([1, 2]) == (0, 1, 1)
    # x = (4, 0): u1 = 4, u2 = 3 + 1/3 = 10/3, u3 = -1 -> 0; output = 4 + 10/3 = 22/3
    assert net([4, 0]) == [Fraction(22, 3)]
    assert net.pattern([4, 0]) == (1, 1, 0)
    # affine map of (1, 1, 1): (x1 - x2/2) + (3/4 x1 + 1/3) + 2 (x2 - 1) = 7/4 x1 + 3/2 x2 - 5/3
    W, c = net.affine_map((1, 1, 1))
    assert mat(W) == [[Fraction(7, 4), Fraction(3, 2)]] and mat(c) == [[Fraction(-5, 3)]]
    # layer_maps: the ReLU layer's pre-activations [A | c] are the first layer itself
    pre, out = net.layer_maps((1, 1, 1))
    assert len(pre) == 1
    assert mat(pre[0]) == [
        [1, Fraction(-1, 2), 0],
        [Fraction(3, 4), 0, Fraction(1, 3)],
        [0, 1, -1],
    ]
    assert mat(out) == [[Fraction(7, 4), Fraction(3, 2), Fraction(-5, 3)]]


def test_max_and_min_two_outputs_by_hand():
    # hidden: u1 = relu(a - b), u2 = relu(b), u3 = relu(-b), u4 = relu(a), u5 = relu(-a)
    # out1 = b + relu(a - b) = u1 + u2 - u3 = max(a, b)
    # out2 = a - relu(a - b) = u4 - u5 - u1 = min(a, b)
    net = Network.from_layers(
        [
            ([[1, -1], [0, 1], [0, -1], [1, 0], [-1, 0]], [0, 0, 0, 0, 0]),
            ([[1, 1, -1, 0, 0], [-1, 0, 0, 1, -1]], [0, 0]),
        ]
    )
    assert net.output_dim == 2 and net.architecture == "2-5-2"
    rng = random.Random(5)
    pts = [[Fraction(rng.randint(-20, 20), rng.randint(1, 7)) for _ in range(2)] for _ in range(60)]
    pts += [[1, 1], [0, 0], ["-1/2", "-1/2"]]
    got = net.evaluate(pts)
    for p, g in zip(pts, got):
        a, b = Fraction(p[0]), Fraction(p[1])
        assert g == [max(a, b), min(a, b)]
        assert net(p) == g
    # (3, 1): a - b = 2 > 0, b = 1 > 0, a = 3 > 0 -> pattern (1, 1, 0, 1, 0);
    # there out1 = (a - b) + b = a and out2 = a - (a - b) = b
    assert net.pattern([3, 1]) == (1, 1, 0, 1, 0)
    W, c = net.affine_map((1, 1, 0, 1, 0))
    assert mat(W) == [[1, 0], [0, 1]] and mat(c) == [[0], [0]]
    # (-1, 2): a - b < 0, b > 0, a < 0 -> (0, 1, 0, 0, 1); out1 = b, out2 = -(-a) = a
    assert net.pattern([-1, 2]) == (0, 1, 0, 0, 1)
    W, c = net.affine_map((0, 1, 0, 0, 1))
    assert mat(W) == [[0, 1], [1, 0]] and mat(c) == [[0], [0]]


def test_linear_hidden_layer_by_hand():
    # s = x1 + x2, d = x1 - x2 (linear); relu(s), relu(d), relu(-d); out = relu(s) + |d| - 1
    layers = [
        ([[1, 1], [1, -1]], [0, 0]),
        ([[1, 0], [0, 1], [0, -1]], [0, 0, 0]),
        ([[1, 1, 1]], [-1]),
    ]
    acts = ["linear", "relu", "linear"]
    net = Network.from_layers(layers, acts)
    assert net.num_neurons == 3  # the linear layer has no pattern bits
    # (2, 1): s = 3, d = 1 -> (1, 1, 0); out = 3 + 1 - 1 = 3
    assert net([2, 1]) == [Fraction(3)]
    assert net.pattern([2, 1]) == (1, 1, 0)
    # (-2, 1): s = -1, d = -3 -> (0, 0, 1); out = 0 + 3 - 1 = 2
    assert net([-2, 1]) == [Fraction(2)]
    assert net.pattern([-2, 1]) == (0, 0, 1)
    # on (1, 1, 0): out = s + d - 1 = 2 x1 - 1
    W, c = net.affine_map((1, 1, 0))
    assert mat(W) == [[2, 0]] and mat(c) == [[-1]]
    # on (0, 0, 1): out = -d - 1 = -x1 + x2 - 1
    W, c = net.affine_map((0, 0, 1))
    assert mat(W) == [[-1, 1]] and mat(c) == [[-1]]
    pre, out = net.layer_maps((1, 1, 0))
    assert len(pre) == 1  # one ReLU layer: its pre-activations in terms of x are s, d, -d
    assert mat(pre[0]) == [[1, 1, 0], [1, -1, 0], [-1, 1, 0]]
    assert mat(out) == [[2, 0, -1]]


def test_relu_on_last_layer_by_hand():
    # h1 = relu(x), h2 = relu(-x); o1 = relu(h1 - h2 - 1/2) = relu(x - 1/2); o2 = relu(h2 - h1) = relu(-x)
    net = Network.from_layers([([[1], [-1]], [0, 0]), ([[1, -1], [-1, 1]], ["-1/2", 0])], ["relu", "relu"])
    assert net.num_neurons == 4 and net.output_dim == 2
    assert net([1]) == [Fraction(1, 2), Fraction(0)]
    assert net.pattern([1]) == (1, 0, 1, 0)
    # x = 1/4: h = (1/4, 0); o1 pre = -1/4, o2 pre = -1/4 -> both off
    assert net(["1/4"]) == [Fraction(0), Fraction(0)]
    assert net.pattern(["1/4"]) == (1, 0, 0, 0)
    # x = -2: h = (0, 2); o1 pre = -5/2 -> off; o2 pre = 2 -> on
    assert net([-2]) == [Fraction(0), Fraction(2)]
    assert net.pattern([-2]) == (0, 1, 0, 1)
    W, c = net.affine_map((0, 1, 0, 1))  # o1 = 0, o2 = h2 - h1 = -x
    assert mat(W) == [[0], [-1]] and mat(c) == [[0], [0]]
    W, c = net.affine_map((1, 0, 1, 0))  # o1 = x - 1/2, o2 = 0
    assert mat(W) == [[1], [0]] and mat(c) == [[Fraction(-1, 2)], [0]]
    pre, out = net.layer_maps((1, 0, 1, 0))
    assert len(pre) == 2
    assert mat(pre[0]) == [[1, 0], [-1, 0]]
    assert mat(pre[1]) == [[1, Fraction(-1, 2)], [-1, 0]]  # h1 - h2 - 1/2 = x - 1/2; h2 - h1 = -x
    assert mat(out) == [[1, Fraction(-1, 2)], [0, 0]]


def test_number_forms_in_weights():
    # weights 0.1 (float: exact binary value), "0.1" (exactly 1/10), "1e-3", Fraction, fmpq
    net = Network.from_layers([([[0.1, "0.1", "1e-3", Fraction(1, 3), fmpq(2, 7)]], [0])], ["linear"])
    x = [1, 1, 1, 1, 1]
    expected = (
        Fraction(3602879701896397, 36028797018963968)
        + Fraction(1, 10)
        + Fraction(1, 1000)
        + Fraction(1, 3)
        + Fraction(2, 7)
    )
    assert net(x) == [expected]


# ----------------------------------------------------------------------------- random vs reference
def random_network(rng, n_in, widths, acts):
    layers = []
    prev = n_in
    for w in widths:
        W = [[Fraction(rng.randint(-3, 3), rng.choice([1, 1, 2, 3])) for _ in range(prev)] for _ in range(w)]
        b = [Fraction(rng.randint(-2, 2), rng.choice([1, 2])) for _ in range(w)]
        layers.append((W, b))
        prev = w
    return layers


def random_arch(rng):
    n_in = rng.randint(1, 3)
    depth = rng.randint(1, 3)
    widths = [rng.randint(1, 4) for _ in range(depth)]
    acts = [rng.choice(["relu", "relu", "linear"]) for _ in range(depth)]
    return n_in, widths, acts


def as_text(v: Fraction) -> str:
    return f"{v.numerator}/{v.denominator}"


def test_random_networks_match_reference():
    rng = random.Random(6)
    for _ in range(40):
        n_in, widths, acts = random_arch(rng)
        layers = random_network(rng, n_in, widths, acts)
        # give the entries as strings "p/q", as a JSON file would
        net = Network.from_layers(
            [([[as_text(v) for v in row] for row in W], [as_text(v) for v in b]) for W, b in layers], acts
        )
        assert net.input_dim == n_in and net.output_dim == widths[-1]
        assert net.num_neurons == sum(w for w, a in zip(widths, acts) if a == "relu")
        pts = [[Fraction(rng.randint(-12, 12), rng.randint(1, 4)) for _ in range(n_in)] for _ in range(25)]
        got = net.evaluate(pts)
        for p, g in zip(pts, got):
            out, pres, pat = ref_forward(layers, acts, p)
            assert g == out
            assert net(p) == out
            assert net.pattern(p) == pat
            relu_pres = [z for z, a in zip(pres, acts) if a == "relu"]
            pre, last = net.layer_maps(pat)
            assert len(pre) == len(relu_pres)
            x1 = list(p) + [Fraction(1)]
            for M, z in zip(pre, relu_pres):
                assert [sum(m * xv for m, xv in zip(row, x1)) for row in mat(M)] == z
            assert [sum(m * xv for m, xv in zip(row, x1)) for row in mat(last)] == out


def test_affine_map_holds_on_all_points_of_a_pattern():
    """Group random points by their (reference) pattern; one affine map must fit the whole group."""
    rng = random.Random(7)
    groups_checked = 0
    for _ in range(25):
        n_in, widths, acts = random_arch(rng)
        layers = random_network(rng, n_in, widths, acts)
        net = Network.from_layers(layers, acts)
        groups: dict[tuple, list] = {}
        for _ in range(60):
            p = [Fraction(rng.randint(-40, 40), rng.randint(1, 9)) for _ in range(n_in)]
            out, _, pat = ref_forward(layers, acts, p)
            groups.setdefault(pat, []).append((p, out))
        for pat, members in groups.items():
            W, c = net.affine_map(pat)
            Wf, cf = mat(W), [r[0] for r in mat(c)]
            assert len(Wf) == widths[-1] and all(len(r) == n_in for r in Wf)
            for p, out in members:
                assert [sum(w * x for w, x in zip(row, p)) + ci for row, ci in zip(Wf, cf)] == out
            groups_checked += len(members) > 1
    assert groups_checked > 20


# ----------------------------------------------------------------------------- pattern_near
def test_pattern_near_abs_by_hand():
    net = Network.from_layers(ABS)
    # at x = 0 both units are at 0 (inactive); moving right turns on relu(x), left relu(-x)
    assert net.pattern_near([0], []) == (0, 0)
    assert net.pattern_near([0], [[1]]) == (1, 0)
    assert net.pattern_near([0], [["1/1000"]]) == (1, 0)
    assert net.pattern_near([0], [[-1]]) == (0, 1)
    # a zero first direction defers to the second
    assert net.pattern_near([0], [[0], [-2]]) == (0, 1)
    # away from the hyperplane the direction does not matter
    assert net.pattern_near([5], [[-1]]) == (1, 0)


def test_pattern_near_two_directions_by_hand():
    # relu(x1), relu(x2) at the origin: d1 = (1, 0) fixes unit 1; d2 decides unit 2
    net = Network.from_layers([([[1, 0], [0, 1]], [0, 0]), ([[1, 1]], [0])])
    assert net.pattern_near([0, 0], [[1, 0]]) == (1, 0)  # x2 stays 0: inactive
    assert net.pattern_near([0, 0], [[1, 0], [0, 1]]) == (1, 1)
    assert net.pattern_near([0, 0], [[1, 0], [0, -1]]) == (1, 0)
    assert net.pattern_near([0, 0], [[-1, 0], [0, 1]]) == (0, 1)
    assert net.pattern_near([0, 0], [[1, 1]]) == (1, 1)


def test_pattern_near_second_layer_by_hand():
    # h1 = relu(x1), h2 = relu(-x1), h3 = relu(x2), h4 = relu(-x2)
    # g = relu(h1 + h2 - h3 + h4) = relu(|x1| - x2)
    net = Network.from_layers(
        [([[1, 0], [-1, 0], [0, 1], [0, -1]], [0, 0, 0, 0]), ([[1, 1, -1, 1]], [0]), ([[1]], [0])],
        ["relu", "relu", "linear"],
    )
    # at the origin every unit is at 0
    assert net.pattern([0, 0]) == (0, 0, 0, 0, 0)
    # along (1, 1/2): h1, h3 on; |x1| - x2 = e - e/2 > 0 -> g on
    assert net.pattern_near([0, 0], [[1, "1/2"]]) == (1, 0, 1, 0, 1)
    # along (1, 2): e - 2e < 0 -> g off
    assert net.pattern_near([0, 0], [[1, 2]]) == (1, 0, 1, 0, 0)
    # along (-1, 1/2): h2, h3 on; e - e/2 > 0 -> g on
    assert net.pattern_near([0, 0], [[-1, "1/2"]]) == (0, 1, 1, 0, 1)
    # along (1, -1): h1, h4 on; e + e > 0 -> g on
    assert net.pattern_near([0, 0], [[1, -1]]) == (1, 0, 0, 1, 1)
    # along (1, 1): |x1| - x2 = 0 for all e -> g off; adding e^2 (0, -1) makes it e^2 > 0
    assert net.pattern_near([0, 0], [[1, 1]]) == (1, 0, 1, 0, 0)
    assert net.pattern_near([0, 0], [[1, 1], [0, -1]]) == (1, 0, 1, 0, 1)
    # a point on g's hyperplane only: (1, 1); crossing towards x2 < |x1| turns g on
    assert net.pattern([1, 1]) == (1, 0, 1, 0, 0)
    assert net.pattern_near([1, 1], [[0, -1]]) == (1, 0, 1, 0, 1)
    assert net.pattern_near([1, 1], [[0, 1]]) == (1, 0, 1, 0, 0)


def test_pattern_near_random_vs_small_step():
    """pattern_near(x, [d1, d2]) equals the reference pattern at x + e d1 + e^2 d2 for a tiny e.

    x is put on the hyperplane of a random first-layer unit, so the directions matter.  With
    weights of numerator <= 3 and denominator <= 3, e = 10^-40 is far below any sign change.
    """
    rng = random.Random(8)
    eps = Fraction(1, 10**40)
    differing = 0
    for _ in range(60):
        n_in, widths, acts = random_arch(rng)
        acts[0] = "relu"
        layers = random_network(rng, n_in, widths, acts)
        net = Network.from_layers(layers, acts)
        W1, b1 = layers[0]
        j = rng.randrange(widths[0])
        if not any(W1[j]):
            continue
        # a point with W1[j] . x + b1[j] = 0: random x, then fix one coordinate with nonzero weight
        x = [Fraction(rng.randint(-6, 6), rng.randint(1, 3)) for _ in range(n_in)]
        k = next(t for t in range(n_in) if W1[j][t] != 0)
        rest = sum(W1[j][t] * x[t] for t in range(n_in) if t != k) + b1[j]
        x[k] = -rest / W1[j][k]
        assert ref_forward(layers, acts, x)[1][0][j] == 0
        for ndir in (1, 2):
            dirs = [[Fraction(rng.randint(-3, 3)) for _ in range(n_in)] for _ in range(ndir)]
            y = [
                xi + eps * dirs[0][t] + (eps * eps * dirs[1][t] if ndir == 2 else 0) for t, xi in enumerate(x)
            ]
            expected = ref_forward(layers, acts, y)[2]
            assert net.pattern_near(x, dirs) == expected
            differing += expected != ref_forward(layers, acts, x)[2]
    assert differing > 10  # the directions did change patterns in many cases


def test_pattern_perturbed_needs_late_axes_by_hand():
    # at the origin of R^10: relu(x10) is decided only by e_10 (active), relu(-x7) by e_7 (inactive),
    # relu(x1 - x2) by e_1 (active), relu(-x2 + 0*x1) by e_2 (inactive); a dead unit stays inactive.
    # The lexicographic perturbation must look past the first few axes to decide the first two.
    n = 10
    rows = [[0] * n for _ in range(5)]
    rows[0][9] = 1
    rows[1][6] = -1
    rows[2][0], rows[2][1] = 1, -1
    rows[3][1] = -1
    net = Network.from_layers([(rows, [0] * 5), ([[1] * 5], [0])])
    assert net.pattern_perturbed([0] * n) == (1, 0, 1, 0, 0)
    basis = [[int(i == j) for j in range(n)] for i in range(n)]
    assert net.pattern_near([0] * n, basis) == (1, 0, 1, 0, 0)
    # a second layer tied until e_9: relu(h1 - x9) with h1 = relu(x10) is e^10 - e^9 < 0: inactive
    deep = Network.from_layers(
        [(rows + [[0] * 8 + [1, 0]], [0] * 6), ([[1, 0, 0, 0, 0, -1]], [0]), ([[1]], [0])],
        ["relu", "relu", "linear"],
    )
    assert deep.pattern_perturbed([0] * n) == (1, 0, 1, 0, 0, 1, 0)


# a 2-W-1 network with a weight pattern that is easy to write down: unit j computes
# relu(a_j x1 + b_j x2 + c_j), the output sum_j v_j h_j, all small integers from j alone
def _wide(width: int) -> list:
    W1 = [[(j % 7) - 3, (j % 5) - 2] for j in range(width)]
    b1 = [(j % 11) - 5 for j in range(width)]
    return [(W1, b1), ([[(j % 3) - 1 for j in range(width)]], [1])]


@pytest.mark.parametrize("width", [1250, 5000])
def test_wide_networks_evaluate_exactly(width):
    layers = _wide(width)
    net = Network.from_layers(layers)
    for x in (["1/3", "-2"], [7, "5/11"], [0, 0]):
        out, _, pattern = ref_forward(layers, ["relu", "linear"], x)
        assert net(x) == out and net.pattern(x) == pattern
        # the affine map of the pattern, summed by hand: sum_{j active} v_j (a_j, b_j), c + v_j c_j
        W, c = net.affine_map(pattern)
        (W1, b1), ((v,), (c0,)) = layers
        on = [j for j in range(width) if pattern[j]]
        assert mat(W) == [[sum(Fraction(v[j] * W1[j][k]) for j in on) for k in range(2)]]
        assert mat(c) == [[c0 + sum(Fraction(v[j] * b1[j]) for j in on)]]


def test_high_input_dimension_evaluates_exactly():
    n = 3000
    w = [((k * 7) % 19) - 9 for k in range(n)]
    layers = [([w, [0] * (n - 1) + [1]], [5, 0]), ([[2, -3]], [0])]
    net = Network.from_layers(layers)
    x = [Fraction((k % 13) - 6, 1 + k % 4) for k in range(n)]
    out, _, pattern = ref_forward(layers, ["relu", "linear"], x)
    assert net(x) == out and net.pattern(x) == pattern
    W, c = net.affine_map(pattern)
    expected = [Fraction(0)] * n
    if pattern[0]:
        expected = [Fraction(2 * v) for v in w]
    if pattern[1]:
        expected[-1] -= 3
    assert mat(W) == [expected] and mat(c) == [[Fraction(10 if pattern[0] else 0)]]
    # at the origin: unit 1 is 5 > 0, unit 2 is tied and e_3000 turns it on
    assert net.pattern_perturbed([0] * n) == (1, 1)


# ----------------------------------------------------------------------------- JSON I/O
def test_from_dict_to_dict_and_save_load_round_trip(tmp_path):
    net = Network.from_dict(example())
    expected = {
        "format": "exactpwl.network",
        "version": 1,
        "input_dim": 2,
        "layers": [
            {
                "weights": [["1", "-1/2"], ["3/4", "0"], ["0", "1"]],
                "biases": ["0", "1/3", "-1"],
                "activation": "relu",
            },
            {"weights": [["1", "1", "2"]], "biases": ["0"], "activation": "linear"},
        ],
    }
    assert net.to_dict() == expected
    path = tmp_path / "net.json"
    net.save(path)
    assert json.loads(path.read_text()) == expected  # numbers written as exact strings
    back = Network.load(path)
    assert back.to_dict() == expected
    assert back([1, 2]) == [Fraction(37, 12)]
    # load also takes a str path
    assert Network.load(str(path)).to_dict() == expected


def test_round_trip_random_exact(tmp_path):
    rng = random.Random(9)
    for t in range(10):
        n_in, widths, acts = random_arch(rng)
        layers = random_network(rng, n_in, widths, acts)
        net = Network.from_layers(layers, acts, description=f"net {t}")
        path = tmp_path / f"n{t}.json"
        net.save(path)
        data = json.loads(path.read_text())
        assert data["description"] == f"net {t}"
        # every stored number is the exact text of the Fraction we put in
        for (W, b), L, a in zip(layers, data["layers"], acts):
            assert L["weights"] == [[str(v) for v in row] for row in W]
            assert L["biases"] == [str(v) for v in b]
            assert L["activation"] == a
        back = Network.load(path)
        for _ in range(5):
            p = [Fraction(rng.randint(-9, 9), rng.randint(1, 5)) for _ in range(n_in)]
            assert back(p) == ref_forward(layers, acts, p)[0]


def test_load_reads_json_decimals_exactly(tmp_path):
    path = tmp_path / "dec.json"
    path.write_text(
        '{"format": "exactpwl.network", "version": 1, "input_dim": 1, "names": ["x"],'
        ' "description": "decimals", "layers": [{"weights": [[0.1], [1e-3]], "biases": [0, -2.5e-1],'
        ' "activation": "relu"}, {"weights": [[1, 1]], "biases": [0], "activation": "linear"}]}'
    )
    net = Network.load(path)
    # x = 1: relu(1/10) + relu(1/1000 - 1/4) = 1/10 exactly (JSON 0.1 is 1/10, not a binary float)
    assert net([1]) == [Fraction(1, 10)]
    # x = 1000: 100 + (1 - 1/4) = 403/4
    assert net([1000]) == [Fraction(403, 4)]


# ----------------------------------------------------------------------------- bad input
def expect_input_error(fn, *needles):
    with pytest.raises(InputError) as ei:
        fn()
    return one_line_error(ei, *needles)


def test_from_layers_bad_shapes_name_layer_and_row():
    # layer 2 row 1 has 3 entries but layer 1 has 2 units
    expect_input_error(
        lambda: Network.from_layers([([[1], [2]], [0, 0]), ([[1, 1, 1]], [0])]), "layer 2", "row 1"
    )
    # ragged first layer: row 3 has 1 entry, rows 1-2 have 2
    expect_input_error(lambda: Network.from_layers([([[1, 2], [3, 4], [5]], [0, 0, 0])]), "layer 1", "row 3")
    # wrong bias length in layer 2
    expect_input_error(
        lambda: Network.from_layers([([[1], [2]], [0, 0]), ([[1, 1]], [0, 0])]), "layer 2", "biases"
    )
    expect_input_error(lambda: Network.from_layers([([[1]], 5)]), "layer 1")
    expect_input_error(lambda: Network.from_layers([([], [])]), "layer 1")
    expect_input_error(lambda: Network.from_layers([([[]], [0])]), "layer 1")
    expect_input_error(lambda: Network.from_layers([([1, 2], [0])]), "layer 1", "row 1")
    expect_input_error(lambda: Network.from_layers([]))


def test_from_layers_bad_entries_and_activations():
    expect_input_error(
        lambda: Network.from_layers([([[1], [2]], [0, 0]), ([[1, float("nan")]], [0])]),
        "layer 2",
        "row 1",
        "entry 2",
    )
    expect_input_error(
        lambda: Network.from_layers([([[1], [2]], [0, 0]), ([[1, "1/0"]], [0])]),
        "layer 2",
        "row 1",
        "entry 2",
    )
    expect_input_error(lambda: Network.from_layers([([[1]], [float("inf")])]), "layer 1", "biases")
    expect_input_error(lambda: Network.from_layers([([[True]], [0])]), "layer 1")
    expect_input_error(lambda: Network.from_layers([([[1]], [None])]), "layer 1")
    expect_input_error(
        lambda: Network.from_layers([([[1]], [0]), ([[1]], [0])], ["relu", "tanh"]), "layer 2", "tanh"
    )
    expect_input_error(lambda: Network.from_layers([([[1]], [0])], ["relu", "linear"]))


def test_from_dict_bad_shapes_name_layer_and_row():
    d = example()
    d["layers"][1]["weights"] = [[1, 1]]  # layer 1 has 3 units
    expect_input_error(lambda: Network.from_dict(d), "layer 2", "row 1")
    d = example()
    d["layers"][0]["weights"][2] = [0]
    expect_input_error(lambda: Network.from_dict(d), "layer 1", "row 3")
    d = example()
    d["layers"][0]["biases"] = [0, 1]
    expect_input_error(lambda: Network.from_dict(d), "layer 1", "biases")
    d = example()
    d["input_dim"] = 3  # rows of layer 1 have 2 entries
    expect_input_error(lambda: Network.from_dict(d), "layer 1", "input_dim")


def test_from_dict_bad_keys_format_version():
    d = example()
    d["colour"] = "red"
    expect_input_error(lambda: Network.from_dict(d), "colour")
    d = example()
    d["layers"][1]["dropout"] = 0
    expect_input_error(lambda: Network.from_dict(d), "layer 2", "dropout")
    d = example()
    del d["layers"][1]["activation"]
    expect_input_error(lambda: Network.from_dict(d), "layer 2", "activation")
    d = example()
    d["format"] = "exactpwl.pwl"
    expect_input_error(lambda: Network.from_dict(d), "format")
    d = example()
    del d["format"]
    expect_input_error(lambda: Network.from_dict(d), "format")
    for bad_version in (2, 0, "1", None):
        d = example()
        d["version"] = bad_version
        expect_input_error(lambda d=d: Network.from_dict(d), "version")
    d = example()
    del d["version"]
    expect_input_error(lambda: Network.from_dict(d), "version")
    for bad_dim in (0, -1, "2", 2.5, True, None):
        d = example()
        d["input_dim"] = bad_dim
        expect_input_error(lambda d=d: Network.from_dict(d), "input_dim")
    d = example()
    d["layers"] = []
    expect_input_error(lambda: Network.from_dict(d), "layers")
    d = example()
    d["layers"][0] = [1, 2]
    expect_input_error(lambda: Network.from_dict(d), "layer 1")
    expect_input_error(lambda: Network.from_dict([example()]))


def test_from_dict_version_true_is_not_version_1():
    """JSON ``true`` is not the version number 1 (Python's True == 1 must not let it through).

    input_dim already rejects booleans; version does not (see the report).
    """
    d = example()
    d["version"] = True
    expect_input_error(lambda: Network.from_dict(d), "version")


def test_from_dict_bad_activation_and_entries():
    d = example()
    d["layers"][1]["activation"] = "sigmoid"
    expect_input_error(lambda: Network.from_dict(d), "layer 2", "sigmoid")
    d = example()
    d["layers"][1]["weights"][0][2] = "1/0"
    expect_input_error(lambda: Network.from_dict(d), "layer 2", "row 1", "entry 3")
    d = example()
    d["layers"][0]["biases"][1] = "NaN"
    expect_input_error(lambda: Network.from_dict(d), "layer 1", "biases")
    d = example()
    d["layers"][0]["weights"][1][0] = ""
    expect_input_error(lambda: Network.from_dict(d), "layer 1", "row 2", "entry 1")


def test_load_bad_files(tmp_path):
    missing = tmp_path / "nope.json"
    expect_input_error(lambda: Network.load(missing), "nope.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "exactpwl.network", "version": 1,\n "input_dim": 1, "layers": [}')
    expect_input_error(lambda: Network.load(bad), "bad.json", "line 2")
    nan = tmp_path / "nan.json"
    text = json.dumps(example()).replace('"1/3"', "NaN")
    assert "NaN" in text
    nan.write_text(text)
    expect_input_error(lambda: Network.load(nan), "nan.json")
    inf = tmp_path / "inf.json"
    inf.write_text(json.dumps(example()).replace('"1/3"', "Infinity"))
    expect_input_error(lambda: Network.load(inf), "inf.json")
    shape = tmp_path / "shape.json"
    d = example()
    d["layers"][1]["weights"] = [[1, 1]]
    shape.write_text(json.dumps(d))
    expect_input_error(lambda: Network.load(shape), "shape.json", "layer 2", "row 1")
    directory = tmp_path / "adir"
    directory.mkdir()
    expect_input_error(lambda: Network.load(directory), "adir")


def test_points_of_wrong_dimension():
    net = Network.from_dict(example())  # 2 inputs
    expect_input_error(lambda: net([1]), "point 1")
    expect_input_error(lambda: net([1, 2, 3]), "point 1")
    expect_input_error(lambda: net.evaluate([[1, 2], [1]]), "point 2")
    expect_input_error(lambda: net.pattern([1, 2, 3]))
    expect_input_error(lambda: net.pattern_near([1, 2], [[1]]))
    expect_input_error(lambda: net.pattern_near([1], [[1, 0]]))
    expect_input_error(lambda: net([1, "abc"]), "coordinate 2")
    expect_input_error(lambda: net([1, float("nan")]), "coordinate 2")
    expect_input_error(lambda: net.layer_maps((1, 1)), "pattern")
    expect_input_error(lambda: net.affine_map((1, 1, 1, 1)), "pattern")


def test_mixed_layer_linear_units_pass_values_through():
    # hidden layer: [relu(x), x] (the second unit is linear), output: sum -> relu(x) + x
    # by hand: x = -2 -> 0 + (-2) = -2; x = 3 -> 3 + 3 = 6; one ReLU unit, so patterns have 1 bit
    from exactpwl.region_graph import regions

    net = Network.from_layers(
        [([[1], [1]], [0, 0]), ([[1, 1]], [0])], activations=[["relu", "linear"], "linear"]
    )
    assert net([-2]) == [Fraction(-2)] and net([3]) == [Fraction(6)]
    assert net.num_neurons == 1 and net.pattern([3]) == (1,) and net.pattern([-2]) == (0,)
    W, c = net.affine_map((1,))
    assert W.tolist() == [[2]] and c.tolist() == [[0]]
    W, c = net.affine_map((0,))
    assert W.tolist() == [[1]] and c.tolist() == [[0]]
    g = regions(net)
    assert len(g) == 2 and g.num_pieces == 2
    again = Network.from_dict(net.to_dict())
    assert again.layers[0].activation == ("relu", "linear") and again([-2]) == [Fraction(-2)]


def test_pattern_rows_match_reference_pre_activations():
    """Each unit's row is its reference pre-activation z (as -z <= 0 when active, z <= 0 when not),
    up to a positive factor; the output map gives the reference output.  Repeated and shared-prefix
    patterns (the cache) give the same answers."""
    rng = random.Random(61)
    for _ in range(30):
        n_in, widths, acts = random_arch(rng)
        layers = random_network(rng, n_in, widths, acts)
        net = Network.from_layers(layers, acts)
        pts = [[Fraction(rng.randint(-12, 12), rng.randint(1, 4)) for _ in range(n_in)] for _ in range(20)]
        for p in pts * 2:
            out, pres, pat = ref_forward(layers, acts, p)
            rows, last = net.pattern_rows(pat)
            relu_z = [v for z, a in zip(pres, acts) if a == "relu" for v in z]
            assert len(rows) == len(relu_z) == len(pat)
            x1 = list(p) + [Fraction(1)]
            assert [sum(m * xv for m, xv in zip(row, x1)) for row in mat(last)] == out
            for (a, b), z, on in zip(rows, relu_z, pat):
                lhs = sum(Fraction(ai) * xi for ai, xi in zip(a, p)) - b  # a.x - b, a multiple of -z or z
                if lhs == 0 or z == 0:
                    assert lhs == z == 0 or not any(a)
                    continue
                ratio = lhs / (-z if on else z)
                assert ratio > 0
