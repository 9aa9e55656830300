"""One hidden layer: exact decision, minimal width (Dereich-Kassing's k / k+1 / k+2), witnesses.

Every expected width below is derived independently of exactpwl.shallow: by hand (the
derivation is in the comment), by the 1-D slope-jump rule, by a plain enumeration of unit
orientations (conftest.minimal_width_by_enumeration), and on tiny cases by exhaustive search over
all networks with small integer weights (none of smaller width matches, decided exactly on a
grid that contains every breakpoint).  Witnesses are re-checked by evaluating f with Fractions.
"""

from __future__ import annotations

import json
import math
import random
from fractions import Fraction as F
from itertools import combinations

import numpy as np
import pytest
from conftest import ROOT, minimal_width_by_enumeration, union_jack_simplices

from exactpwl.construct.three_layer import three_layer
from exactpwl.errors import CapReached, InputError
from exactpwl.network import Network
from exactpwl.pwl import PWL
from exactpwl.shallow import MAX_SUMS, KinkWitness, shallow


def relu(t: F) -> F:
    return t if t > 0 else F(0)


# ------------------------------------------------------------------------------ 1-D: the slope-jump rule
def slope_jump_width(breaks: list[F], jumps: list[F], s0: F, bounded: bool) -> int:
    """1-D minimal width from the slope-jump rule.

    f = s0 x + c + sum_i delta_i relu(x - t_i).  A unit pointing left (relu(t - x)) is active at
    -infinity, one pointing right is not: with one unit per breakpoint the slope at the left end
    is minus the sum of the jumps of the left-pointing units.  So k units suffice iff some subset
    of the jumps adds up to -s0; otherwise a second unit on any breakpoint frees the slope (k + 1).
    No breakpoint: 0 units if s0 = 0, else 2 on R (relu(x) - relu(-x)) and 1 on a bounded interval
    (relu(x - lo) is x - lo there).
    """
    k = len(breaks)
    if k == 0:
        return 0 if s0 == 0 else (1 if bounded else 2)
    if any(sum(c) == -s0 for r in range(k + 1) for c in combinations(jumps, r)):
        return k
    return k + 1


GRID = [F(j, 4) for j in range(-12, 13)]  # [-3, 3] in steps of 1/4


def _units_1d() -> list[tuple[int, int, int]]:
    return [(w, b, v) for w in range(-2, 3) for b in range(-2, 3) for v in range(-2, 3)]


def _matches_1d(f, width: int, lo: F, hi: F) -> int:
    """How many networks ``c + sum v relu(w x + b)`` with ``width`` units, w, b, v in -2..2 (c free),
    equal f on [lo, hi] (lo, hi on GRID).

    Every breakpoint -b/w of such a unit lies in {0, +-1/2, +-1, +-2} and the targets' breakpoints
    are on GRID too, so both sides are linear between consecutive grid points; GRID has two points
    left of -2 and right of 2.  Hence "equal at every grid point of [lo, hi]" is exactly "equal on
    [lo, hi]" (on R: lo = -3, hi = 3).  Values are scaled by 4 to stay integer (numpy int64).
    """
    pts = [x for x in GRID if lo <= x <= hi]
    T = np.array([int(4 * f(x)) for x in pts], dtype=np.int64)
    assert all(4 * f(x) == int(4 * f(x)) for x in pts)
    ks = np.array([int(4 * x) for x in pts], dtype=np.int64)
    U = np.array([v * np.maximum(w * ks + 4 * b, 0) for w, b, v in _units_1d()], dtype=np.int64)
    if width == 0:
        sums = np.zeros((1, len(pts)), dtype=np.int64)
    elif width == 1:
        sums = U
    else:
        assert width == 2
        sums = (U[:, None, :] + U[None, :, :]).reshape(-1, len(pts))
    diff = T[None, :] - sums
    return int(np.sum(np.all(diff == diff[:, :1], axis=1)))


CASES_1D = [
    # expression, domain (None: R), breakpoints, slope jumps, slope left of the first, hand width
    ("x1", None, [], [], F(1), 2),  # relu(x) - relu(-x)
    ("relu(x1)", None, [F(0)], [F(1)], F(0), 1),
    ("abs(x1)", None, [F(0)], [F(2)], F(-1), 2),  # subsets of {2} never add up to 1
    ("relu(x1) + x1", None, [F(0)], [F(1)], F(1), 2),  # 2 relu(x) - relu(-x)
    ("relu(x1) - x1", None, [F(0)], [F(1)], F(-1), 1),  # = relu(-x1)
    ("relu(1 - x1)", None, [F(1)], [F(1)], F(-1), 1),
    ("relu(x1) + relu(x1 - 1)", None, [F(0), F(1)], [F(1), F(1)], F(0), 2),
    ("relu(x1) + relu(x1 - 1) + x1", None, [F(0), F(1)], [F(1), F(1)], F(1), 3),  # sums 0, 1, 2, never -1
    ("2*relu(x1) - relu(x1 - 1) - x1", None, [F(0), F(1)], [F(2), F(-1)], F(-1), 2),  # 2 - 1 = 1 = -s0
    (
        "relu(x1 + 1/2) - relu(x1 - 1/2) + relu(x1 - 2)",
        None,
        [F(-1, 2), F(1, 2), F(2)],
        [F(1), F(-1), F(1)],
        F(0),
        3,
    ),
    ("5", None, [], [], F(0), 0),
    ("x1", (-1, 1), [], [], F(1), 1),  # relu(x1 + 1) - 1 on [-1, 1]
    ("abs(x1)", (-1, 1), [F(0)], [F(2)], F(-1), 2),
    ("relu(x1) + x1", (-1, 1), [F(0)], [F(1)], F(1), 2),
    ("relu(x1 - 2) + x1", (-1, 1), [], [], F(1), 1),  # the kink at 2 is outside: x1 on [-1, 1]
    ("abs(x1)", (1, 2), [], [], F(1), 1),
]


@pytest.mark.parametrize("text, box, breaks, jumps, s0, width", CASES_1D)
def test_one_d_minimal_width_by_the_slope_jump_rule_and_exhaustive_search(
    text, box, breaks, jumps, s0, width
):
    from exactpwl.expr import evaluate, parse

    e = parse(text, 1)

    def f(x: F) -> F:
        return F(str(evaluate(e, [x])))

    assert slope_jump_width(breaks, jumps, s0, box is not None) == width
    s = shallow(text, None if box is None else {"box": [list(box)]}, input_dim=1)
    assert s.representable and s.width == width
    assert s.network.architecture == (f"1-{width}-1" if width else "1-1")
    assert s.case == ("k" if width == len(breaks) else f"k+{width - len(breaks)}")
    # kink a x1 = b is the breakpoint b / a; the slope jumps by lambda a
    assert [F(kk.offset, kk.normal[0]) for kk in s.kinks] == breaks
    assert [kk.jump[0] * kk.normal[0] for kk in s.kinks] == jumps
    lo, hi = (F(-3), F(3)) if box is None else (F(box[0]), F(box[1]))
    for x in GRID:  # the minimal network equals f, by independent evaluation
        if lo <= x <= hi:
            assert s.network([x]) == [f(x)]
    # exhaustive search: nothing narrower with small integer weights; at the claimed width (<= 2) some
    if width >= 1:
        assert _matches_1d(f, width - 1, lo, hi) == 0
    if width <= 2:
        assert _matches_1d(f, width, lo, hi) > 0


def test_one_d_many_breakpoints_is_decided_by_the_subset_sum():
    # 60 breakpoints with slopes in -3..3: the distinct subset sums of the jumps stay few
    rng = random.Random(7)
    pts = [[i, rng.randint(-3, 3)] for i in range(61)]
    slopes = [F(pts[i + 1][1] - pts[i][1]) for i in range(60)]
    breaks = [F(i) for i in range(1, 60) if slopes[i] != slopes[i - 1]]
    jumps = [slopes[i] - slopes[i - 1] for i in range(1, 60) if slopes[i] != slopes[i - 1]]
    # the rule, by a set of reachable sums instead of the 2^k subsets
    reach = {F(0)}
    for d in jumps:
        reach |= {r + d for r in reach}
    expected = len(breaks) if -slopes[0] in reach else len(breaks) + 1
    s = shallow(PWL.from_breakpoints(pts))
    assert s.width == expected
    assert all(s.network([F(x, 2)]) == PWL.from_breakpoints(pts)([F(x, 2)]) for x in range(-4, 124))


# ------------------------------------------------------------------------------ n-D: refusals
def _check_witness(w: KinkWitness, f, box=None) -> None:
    """Both points lie on the hyperplane (and in the box); the second differences, recomputed here
    with Fractions, are e * lambda * |a|^2 and differ."""
    a, b = w.normal, w.offset
    aa = sum(x * x for x in a)
    for p, d, lam in zip(w.points, w.second_differences, w.jumps):
        assert sum(ai * pi for ai, pi in zip(a, p)) == b
        plus = [pi + w.epsilon * ai for pi, ai in zip(p, a)]
        minus = [pi - w.epsilon * ai for pi, ai in zip(p, a)]
        if box is not None:
            assert all(lo <= x <= hi for q in (plus, minus) for x, (lo, hi) in zip(q, box))
        assert d == (f(plus) + f(minus) - 2 * f(list(p)),)
        assert d == (w.epsilon * lam[0] * aa,)
    assert w.second_differences[0] != w.second_differences[1]


def _max3(x):
    return max(F(0), x[0], x[1])


def test_max_of_three_is_refused_with_the_papers_witness():
    s = shallow("max(0, x1, x2)", input_dim=2)
    assert not s.representable and s.width is None and s.network is None
    _check_witness(s.witness, _max3)
    # PAPER.md R7 check 3: on x1 = 0 the second difference is 0 at (0, 1) and e at (0, -1)
    assert (s.witness.normal, s.witness.offset, s.witness.points) == ((1, 0), 0, ((0, 1), (0, -1)))
    assert s.to_json()["witness"]["second_differences"] == [["0"], ["1"]]


def test_pyramid_and_deep_relu_are_refused():
    s = shallow("relu(1 - abs(x1) - abs(x2))", input_dim=2)
    _check_witness(s.witness, lambda x: relu(1 - abs(x[0]) - abs(x[1])))
    s = shallow("relu(relu(x1) + relu(x2) - x3)", input_dim=3)
    _check_witness(s.witness, lambda x: relu(relu(x[0]) + relu(x[1]) - x[2]))


def _union_jack(N: int) -> list[list[int]]:
    """Triangles of [0, N]^2 on the (N+1) x (N+1) grid (point index (N+1) j + i), diagonals alternating."""
    out = []
    for i in range(N):
        for j in range(N):
            a = (N + 1) * j + i
            b, c, d = a + 1, a + N + 1, a + N + 2
            out += [[a, b, d], [a, d, c]] if (i + j) % 2 == 0 else [[a, b, c], [b, d, c]]
    return out


def _hat_target(N: int, centre: tuple[int, int]) -> PWL:
    points = [[i, j] for j in range(N + 1) for i in range(N + 1)]
    values = [1 if (i, j) == centre else 0 for i, j in points]
    simplices = union_jack_simplices() if N == 2 else _union_jack(N)
    return PWL.from_triangulation(points, simplices, values)


def test_triangulated_hat_is_refused_where_its_kinks_stop_inside_the_domain():
    # the union-jack hat at (2, 2) of [0, 4]^2 is max(0, 1 - max(|x1 - 2|, |x2 - 2|)): its kinks
    # along the diagonals stop at the square [1, 3]^2, inside the domain
    t = _hat_target(4, (2, 2))

    def hat(x):
        return relu(1 - max(abs(x[0] - 2), abs(x[1] - 2)))

    assert all(t([F(i, 3), F(j, 3)]) == [hat([F(i, 3), F(j, 3)])] for i in range(13) for j in range(13))
    s = shallow(t, {"box": [[0, 4], [0, 4]]})
    assert not s.representable
    _check_witness(s.witness, hat, box=[(0, 4), (0, 4)])


def test_triangulated_hat_on_its_own_square_is_shallow():
    # on [0, 2]^2 the union-jack hat at (1, 1) is 1 - max(|u|, |w|) = 1 - |u + w|/2 - |u - w|/2
    # (u = x1 - 1, w = x2 - 1): kinks x1 + x2 = 2 and x1 - x2 = 0, lambda = -1 each.  With both
    # units pointing right the linear part is (1/2)(1, 1) + (1/2)(1, -1) = (1, 0); turning units
    # around adds -(1, 1) or -(1, -1): (1, 0), (0, -1), (0, 1), (-1, 0), never 0, so not k = 2;
    # on a bounded domain one unit that is affine there supplies the rest: 3 (k+1)
    s = shallow(_hat_target(2, (1, 1)), {"box": [[0, 2], [0, 2]]})
    assert (s.width, s.case) == (3, "k+1")
    assert sorted((k.normal, k.offset, k.jump) for k in s.kinks) == [((1, -1), 0, (-1,)), ((1, 1), 2, (-1,))]
    for i in range(7):
        for j in range(7):
            x = [F(i, 3), F(j, 3)]
            assert s.network(x) == [1 - max(abs(x[0] - 1), abs(x[1] - 1))]


def test_a_deep_network_that_is_not_shallow_is_refused():
    net = Network.load(ROOT / "examples" / "max3.json")
    s = shallow(net)
    assert not s.representable
    _check_witness(s.witness, _max3)


# ------------------------------------------------------------------------------ n-D: accepted, by hand
HAND = [
    # f, n, width, case, derivation
    ("relu(x1) + relu(x2) - x1", 2, 2, "k"),  # = relu(-x1) + relu(x2): the linear part is absorbed
    ("abs(x1) + relu(x2)", 2, 3, "k+1"),  # jumps 2 e1, e2, A = -e1: no signed sum; mod e1 it is 0
    ("max(x1, x2)", 2, 3, "k+2"),  # x2 + relu(x1 - x2): (0, 1) is neither 0, (1, -1), nor in span(1, -1)
    ("relu(x1) + x2", 2, 3, "k+2"),  # (0, 1) vs 0, (1, 0); mod e1 still (0, 1)
    # 3-D: 2 relu(1 - x1 - x2) written with the other orientation, and two more kinks: 3 units
    ("2*relu(x1 + x2 - 1) - 2*x1 - 2*x2 + 2 - relu(x1 - x3 + 2) + relu(x3) + 5", 3, 3, "k"),
    # |h1| = 2 relu(h1) - h1: jumps v1 = (2,2,0), v2 = (0,0,1), v3 = -(1,0,-1); -A = (1,1,0) is no
    # subset sum (0, v1, v2, v3, (2,2,1), (1,2,1), (-1,0,2), (1,2,2)) but (1,1,0) is in span(a1): 4
    ("abs(x1 + x2 - 1) + relu(x3) - relu(x1 - x3 + 2)", 3, 4, "k+1"),
    # kinks e1, e2 and linear part e3: e3 is in no span(e_i) + signed sums: 4
    ("relu(x1) + relu(x2) + x3", 3, 4, "k+2"),
]


@pytest.mark.parametrize("text, n, width, case", HAND)
def test_hand_worked_widths(text, n, width, case):
    s = shallow(text, input_dim=n)
    assert (s.width, s.case) == (width, case)
    assert s.network.num_neurons == width and len(s.network.layers) == 2
    from exactpwl.expr import evaluate, parse

    e = parse(text, n)
    rng = random.Random(width)
    for _ in range(20):  # independent evaluation of both sides
        x = [F(rng.randint(-9, 9), rng.randint(1, 3)) for _ in range(n)]
        assert s.network(x) == [F(str(evaluate(e, x)))]


def _exhaustive_2d(text: str, f, width: int) -> int:
    """Networks ``c + sum v relu(w.x + b)`` of ``width`` units (w, b, v in -2..2, c free) equal to f
    on R^2.  A difference at a point of the 5 x 5 integer grid of [-2, 2]^2 proves a candidate
    different; the few that agree on the grid (a unit may be affine on the grid) are decided by
    ``certify`` on R^2."""
    from exactpwl.verdict import certify

    pts = [(i, j) for i in range(-2, 3) for j in range(-2, 3)]
    T = np.array([int(f([F(i), F(j)])) for i, j in pts], dtype=np.int64)
    X = np.array(pts, dtype=np.int64)
    params = [
        (w1, w2, b, v)
        for w1 in range(-2, 3)
        for w2 in range(-2, 3)
        for b in range(-2, 3)
        for v in range(-2, 3)
    ]
    U = np.array([v * np.maximum(w1 * X[:, 0] + w2 * X[:, 1] + b, 0) for w1, w2, b, v in params])
    sums = U if width == 1 else (U[:, None, :] + U[None, :, :]).reshape(-1, len(pts))
    diff = T[None, :] - sums
    equal = 0
    for idx in np.nonzero(np.all(diff == diff[:, :1], axis=1))[0]:
        units = [params[idx]] if width == 1 else [params[idx // len(params)], params[idx % len(params)]]
        W1 = [[w1, w2] for w1, w2, _, _ in units]
        net = Network.from_layers(
            [(W1, [b for *_, b, _ in units]), ([[v for *_, v in units]], [int(diff[idx, 0])])]
        )
        equal += bool(certify(net, text).holds)
    return equal


@pytest.mark.parametrize(
    "text, f", [("max(x1, x2)", lambda x: max(x[0], x[1])), ("relu(x1) + x2", lambda x: relu(x[0]) + x[1])]
)
def test_k_plus_2_cases_have_no_two_unit_network_exhaustively(text, f):
    assert shallow(text, input_dim=2).width == 3
    assert _exhaustive_2d(text, f, 2) == 0


def _random_case(rng: random.Random, n: int, k: int, case: str) -> tuple[str, list, list]:
    """f = sum_i lambda_i relu(a_i.x - b_i) + A.x + 1 for k distinct random hyperplanes, written
    as an expression with each unit turned around half of the time (lambda relu(h) = lambda
    relu(-h) + lambda h); returns the text, the kinks (a, lambda) and A.  ``case`` picks A:
    'k': minus the jumps of a random set of kinks (k units pointing that way absorb it), 'k+1':
    that plus 2 a_j (a second unit on kink j frees it), 'k+2': random."""
    hyper: set = set()
    while len(hyper) < k:
        a = [rng.randint(-2, 2) for _ in range(n)]
        if any(a):
            g = math.gcd(*a)
            a = [v // g for v in a]
            if next(v for v in a if v) < 0:
                a = [-v for v in a]
            hyper.add((tuple(a), rng.randint(-2, 2)))
    planes = sorted(hyper)
    lams = [F(rng.choice([-3, -2, -1, 1, 2, 3]), rng.choice([1, 2])) for _ in planes]
    if case == "k+2":
        A = [F(rng.randint(-3, 3)) for _ in range(n)]
    else:
        A = [F(0)] * n
        for (a, _), lam in zip(planes, lams):
            if rng.random() < 0.5:
                A = [x - lam * ai for x, ai in zip(A, a)]
        if case == "k+1":
            j = rng.randrange(k)
            A = [x + 2 * ai for x, ai in zip(A, planes[j][0])]
    terms = []
    for (a, b), lam in zip(planes, lams):
        h = " + ".join(f"({ai})*x{i + 1}" for i, ai in enumerate(a)) + f" - ({b})"
        terms.append(f"({lam})*relu(-({h})) + ({lam})*({h})" if rng.random() < 0.5 else f"({lam})*relu({h})")
    terms.append(" + ".join(f"({v})*x{i + 1}" for i, v in enumerate(A)) + " + 1")
    return " + ".join(terms), [(a, lam) for (a, _), lam in zip(planes, lams)], A


@pytest.mark.parametrize("seed", range(9))
def test_random_relu_sums_get_the_minimal_width(seed):
    rng = random.Random(seed)
    n = 2 if seed < 6 else 3
    case = ["k", "k+1", "k+2"][seed % 3]
    k = rng.randint(1, 3)
    text, kinks, A = _random_case(rng, n, k, case)
    expected = minimal_width_by_enumeration(kinks, A)
    if case == "k":
        assert expected == k  # the construction wrote k units
    else:
        assert expected <= k + (1 if case == "k+1" else 2)
    s = shallow(text, input_dim=n)
    assert s.width == expected and s.case == ("k" if expected == k else f"k+{expected - k}")
    assert sorted((kk.normal, kk.jump[0]) for kk in s.kinks) == sorted(kinks)


def test_each_case_occurs_among_random_sums():
    seen = set()
    for seed in range(30):
        rng = random.Random(100 + seed)
        case = ["k", "k+1", "k+2"][seed % 3]
        k = rng.randint(1, 3)
        _, kinks, A = _random_case(rng, 2, k, case)
        seen.add(minimal_width_by_enumeration(kinks, A) - k)
    assert seen == {0, 1, 2}


# ------------------------------------------------------------------------- deep networks, degenerate input
def test_relu_of_relu_is_flattened():
    net = Network.from_layers([([[1]], [0]), ([[1]], [0]), ([[1]], [0])])  # relu(relu(x))
    s = shallow(net)
    assert (s.width, s.case, s.network.architecture) == (1, "k", "1-1-1")
    assert all(s.network([F(x, 2)]) == [relu(F(x, 2))] for x in range(-6, 7))


def test_deep_network_with_an_always_active_second_layer_is_flattened():
    # layer 2: relu(h1 + 2 h2 + 1) >= 1 always, so f = 3 relu(x1) + 6 relu(x2) + 3: two kinks,
    # no linear part: 2 units
    net = Network.from_layers([([[1, 0], [0, 1]], [0, 0]), ([[1, 2]], [1]), ([[3]], [0])])
    s = shallow(net)
    assert (s.width, s.case, s.network.architecture) == (2, "k", "2-2-1")
    assert [(k.normal, k.offset, k.jump) for k in s.kinks] == [((1, 0), 0, (3,)), ((0, 1), 0, (6,))]
    for x in [[F(-1), F(2)], [F(3, 2), F(-5)], [F(1, 3), F(1, 7)]]:
        assert s.network(x) == [3 * relu(x[0]) + 6 * relu(x[1]) + 3]


def test_deep_max3_on_a_box_where_it_is_shallow():
    # on [1, 2]^2, max(0, x1, x2) = x2 + relu(x1 - x2), and x2 = relu(x2 - 1) + 1 there: 2 units
    net = Network.load(ROOT / "examples" / "max3.json")
    s = shallow(net, {"box": [[1, 2], [1, 2]]})
    assert (s.width, s.case) == (2, "k+1")
    assert all(
        s.network([F(i, 4), F(j, 4)]) == [max(F(i, 4), F(j, 4))] for i in range(4, 9) for j in range(4, 9)
    )


def test_units_that_cancel_or_are_dead():
    # relu(x) - relu(x): two coincident units that cancel, no kink, no unit
    s = shallow(Network.from_layers([([[1], [1]], [0, 0]), ([[1, -1]], [0])]))
    assert (s.width, s.case, s.kinks, s.network.architecture) == (0, "k", [], "1-1")
    # a dead unit relu(-1) and a live one: 1 unit
    s = shallow(Network.from_layers([([[0, 0], [1, 0]], [-1, 0]), ([[5, 1]], [0])]))
    assert (s.width, [k.normal for k in s.kinks]) == (1, [(1, 0)])
    # relu(x) + relu(2x) = 3 relu(x): one kink, jump 3
    s = shallow("relu(x1) + relu(2*x1)", input_dim=1)
    assert (s.width, s.kinks[0].jump) == (1, (3,))
    # relu(x) + relu(-x) - 2 relu(x) = -x: the kinks cancel; affine: 2 units on R, 1 on a box
    assert shallow("relu(x1) + relu(-x1) - 2*relu(x1)", input_dim=1).width == 2
    assert shallow("relu(x1) + relu(-x1) - 2*relu(x1)", {"box": [[-1, 1]]}, input_dim=1).width == 1
    # parallel hyperplanes x1 = 0 and x1 = 1 in R^2: 2 units
    s = shallow("relu(x1) + relu(x1 - 1)", input_dim=2)
    assert (s.width, [(k.normal, k.offset) for k in s.kinks]) == (2, [((1, 0), 0), ((1, 0), 1)])
    assert shallow("5", input_dim=2).width == 0


def test_pieces_target():
    # |x1| + x2 + 2: kink x1 = 0 with jump 2; all-right linear part (-1, 1): neither 0 nor (1, 1),
    # and (-1, 1) is not in span(e1): k + 2 = 3, e.g. 2 relu(x1) + relu(-x1 + x2) - relu(x1 - x2)
    t = PWL.from_pieces(
        [
            {"A": [[1, 0]], "b": [0], "w": [[-1, 1]], "c": [2]},
            {"A": [[-1, 0]], "b": [0], "w": [[1, 1]], "c": [2]},
        ],
        2,
    )
    s = shallow(t)
    assert (s.width, s.case) == (3, "k+2")
    assert s.network([-3, 1]) == [6]


def test_bad_input():
    with pytest.raises(InputError, match="the pieces do not cover the domain"):
        shallow(PWL.from_pieces([{"A": [[1, 0]], "b": [0], "w": [[1, 0]], "c": [0]}], 2))
    with pytest.raises(
        InputError, match=r"pieces 1 and 2 both hold at \(0\) and disagree there \(0 against 1\)"
    ):
        shallow(
            PWL.from_pieces(
                [{"A": [[1]], "b": [0], "w": [[0]], "c": [0]}, {"A": [[-1]], "b": [0], "w": [[0]], "c": [1]}],
                1,
            )
        )
    with pytest.raises(InputError, match="needs input_dim"):
        shallow("relu(x1)")
    with pytest.raises(InputError, match="several outputs"):
        shallow(["relu(x1)", "x2"], {"A": [[-1, 0]], "b": [0]}, input_dim=2)


def test_cap(monkeypatch):
    import exactpwl.shallow as sh

    monkeypatch.setattr(sh, "MAX_SUMS", 3)
    with pytest.raises(CapReached, match="distinct sums"):
        sh.shallow("relu(x1) + 2*relu(x1 - 1) + 4*relu(x1 - 2) + 8*relu(x1 - 3) + x1", input_dim=1)
    assert MAX_SUMS > 1000


# ------------------------------------------------------------------------------ bounded vs unbounded
def test_bounded_versus_unbounded_domains():
    assert shallow("max(x1, x2)", input_dim=2).width == 3
    assert shallow("max(x1, x2)", {"box": [[-1, 1], [-1, 1]]}, input_dim=2).width == 2
    assert shallow("x1", input_dim=1).width == 2 and shallow("x1", {"box": [[5, 6]]}, input_dim=1).width == 1
    # max(0, x1, x2): refused on R^2 and on [-1, 1]^2 (witness inside the box), max(x1, x2) on
    # [1, 2]^2 (2 units), relu(x2) on [-2, -1] x [-1, 1] (1 unit)
    s = shallow("max(0, x1, x2)", {"box": [[-1, 1], [-1, 1]]}, input_dim=2)
    assert not s.representable
    _check_witness(s.witness, _max3, box=[(-1, 1), (-1, 1)])
    assert shallow("max(0, x1, x2)", {"box": [[1, 2], [1, 2]]}, input_dim=2).width == 2
    s = shallow("max(0, x1, x2)", {"box": [[-2, -1], [-1, 1]]}, input_dim=2)
    assert (s.width, s.case, [k.normal for k in s.kinks]) == (1, "k", [(0, 1)])


def test_unbounded_polyhedral_domain():
    half = {"A": [[-1, 0]], "b": [0]}  # x1 >= 0
    # x1 + relu(x2 - 1): x1 is bounded below on x1 >= 0, so relu(x1) supplies it: 2 units
    s = shallow("x1 + relu(x2 - 1)", half, input_dim=2)
    assert (s.width, s.case) == (2, "k+1")
    # x2 + relu(x1 - 1): the linear part (0, 1) or (1, 1) after turning the unit is unbounded both
    # ways on the half-plane, not 0 and not in span(e1): a pair, 3 units
    assert shallow("x2 + relu(x1 - 1)", half, input_dim=2).width == 3


# ------------------------------------------------------------------------------ several outputs
def test_several_outputs():
    # abs(x1) and relu(x1 + x2 - 1) - 3 x2 + 1: 4 units on R^2 (see test_construct_three_layer)
    assert shallow(["abs(x1)", "relu(x1 + x2 - 1) - 3*x2 + 1"], input_dim=2).width == 4
    # on a box: kinks x1 = 0 (jumps (0, 2)) and x2 = 1 (jumps (1, 0)); the all-right linear part
    # [[1, 0], [-1, 0]] has rank 1 and turning units around adds [[0, 0], [2, 0]] or [[0, 1], [0, 0]]:
    # never 0 (output 1 needs x1), so 2 + 1 = 3 units (one affine on the box)
    s = shallow(["x1 + relu(x2 - 1)", "abs(x1)"], {"box": [[-1, 1], [-1, 3]]}, input_dim=2)
    assert (s.width, s.case) == (3, "k+1")


# ------------------------------------------------------------------------------ three-layer and the CLI
def test_three_layer_construction_is_minimal():
    c = three_layer("relu(-x1)", 1)
    assert c.network.architecture == "1-1-1" and c.certify().holds


def test_cli_representable(cli, tmp_path):
    r = cli("shallow", "--expr", "relu(x1) + x2", "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert (d["representable"], d["width"], d["case"], d["witness"]) == (True, 3, "k+2", None)
    assert d["kinks"] == [{"a": ["1", "0"], "b": "0", "jump": ["1"]}]
    out = tmp_path / "n.json"
    r = cli("shallow", "examples/max3.json", "--box", "1", "2", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("representable: one hidden layer, minimal width 2 (case k+1")
    net = Network.load(out)
    assert net.architecture == "2-2-1" and net([F(3, 2), F(5, 4)]) == [F(3, 2)]
    dom = tmp_path / "half.json"
    dom.write_text(json.dumps({"A": [[-1, 0]], "b": [0]}))
    r = cli("shallow", "--expr", "x1 + relu(x2 - 1)", "--domain", str(dom), "--json")
    assert json.loads(r.stdout)["width"] == 2


def test_cli_refuted(cli):
    r = cli("shallow", "--expr", "max(0, x1, x2)", "--json")
    assert r.returncode == 1, r.stderr
    w = json.loads(r.stdout)["witness"]
    pts = [[F(v) for v in p] for p in w["points"]]
    a = [F(v) for v in w["hyperplane"]["a"]]
    e = F(w["epsilon"])
    for p, d in zip(pts, w["second_differences"]):
        plus = [x + e * y for x, y in zip(p, a)]
        minus = [x - e * y for x, y in zip(p, a)]
        assert [F(d[0])] == [_max3(plus) + _max3(minus) - 2 * _max3(p)]
    assert w["second_differences"][0] != w["second_differences"][1]
    r = cli("shallow", "--expr", "max(0, x1, x2)")
    assert r.returncode == 1 and r.stdout.startswith(
        "refuted: no network with one hidden layer equals f on R^2"
    )


@pytest.mark.parametrize(
    "args, message",
    [
        (["examples/max3.json", "--expr", "x1"], "give either"),
        ([], "give either"),
        (["examples/max3.json", "--input-dim", "2"], "--input-dim"),
        (["--expr", "x1 +"], "expr"),
        (["--expr", "x1", "--box", "1", "0"], "--box"),
        (["missing.json"], "cannot read"),
    ],
)
def test_cli_bad_input(cli, args, message):
    r = cli("shallow", *args)
    assert r.returncode == 2 and message in r.stderr and r.stderr.count("\n") == 1
