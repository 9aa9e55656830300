"""Tests of ``exactpwl.strategies``: the drawn objects are what their docstrings say.

Every check is made by hand here (Fraction evaluation, determinants, containment), with exactpwl
only as the reader that must accept what the strategies draw.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction as F

import pytest
import z3
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

from exactpwl import PWL, InputError, Network
from exactpwl.strategies import (
    MaxAffine,
    argmax_pieces,
    breakpoint_pieces,
    breakpoints,
    domains,
    expression_trees,
    expressions,
    max_affine,
    network_layers,
    network_of,
    perturbed,
    pieces,
    rationals,
    reparametrised,
    tree_text,
    triangulations,
)

try:
    from conftest import ROOT
    from test_random_certify import dot, eval_layers, eval_pieces, eval_tree
    from test_regions import det
except ImportError:  # tests/ run as a package
    from .conftest import ROOT
    from .test_random_certify import dot, eval_layers, eval_pieces, eval_tree
    from .test_regions import det

QUICK = settings(
    max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
POINTS = [F(-2), F(-1, 2), F(0), F(1, 3), F(1), F(5, 2)]


def grid(n):
    return (
        list(itertools.product(POINTS, repeat=n)) if n < 3 else list(itertools.product(POINTS[::2], repeat=n))
    )


@QUICK
@given(rationals(height=4))
def test_rationals_have_bounded_height(q):
    assert isinstance(q, F) and abs(q.numerator) <= 4 and q.denominator <= 4


def test_rationals_shrink_to_simple_numbers():
    assert find(rationals(), lambda q: True) == 0
    assert find(rationals(nonzero=True), lambda q: True) == 1
    assert find(rationals(), lambda q: q > 1) == 2
    assert find(rationals(), lambda q: q.denominator > 1) == F(1, 2)


@QUICK
@given(network_layers(input_dim=(1, 3), depth=(0, 3), width=(1, 4), output_dim=(1, 2), activations="mixed"))
def test_network_layers_shapes_and_network(layers):
    n = len(layers[0][0][0])
    assert 1 <= n <= 3 and 1 <= len(layers) <= 4
    width = n
    for W, b, acts in layers:
        assert all(len(row) == width for row in W) and len(b) == len(W) == len(acts)
        assert set(acts) <= {"relu", "linear"}
        width = len(W)
    assert set(layers[-1][2]) == {"linear"} and 1 <= width <= 2
    net = network_of(layers)
    for x in grid(n)[:20]:
        assert net(list(x)) == eval_layers(layers, x)


def test_networks_shrink_to_one_unit_of_zeros():
    layers = find(network_layers(input_dim=(1, 3), depth=(1, 3), width=(1, 4)), lambda L: True)
    assert layers == [([[0]], [0], ["relu"]), ([[0]], [0], ["linear"])]


def test_weights_repeat_within_a_network():
    # the palette: some network of 12 weights has at most 3 distinct values (a degenerate one),
    # and some has 6 or more (a generic one)
    def distinct(layers):
        return len({w for W, b, _ in layers for w in [*b, *itertools.chain(*W)]})

    wide = network_layers(input_dim=2, depth=1, width=4)
    assert find(wide, lambda L: distinct(L) <= 3 and any(w for W, _, _ in L for r in W for w in r))
    assert find(wide, lambda L: distinct(L) >= 6)


@QUICK
@given(st.data())
def test_reparametrised_is_the_same_function_and_perturbed_changes_one_number(data):
    layers = data.draw(network_layers(activations=data.draw(st.sampled_from(["relu", "mixed"]))))
    n = len(layers[0][0][0])
    copy = data.draw(reparametrised(layers))
    for x in grid(n):
        assert eval_layers(copy, x) == eval_layers(layers, x)
    mutant = data.draw(perturbed(layers))
    flat = lambda L: [v for W, b, _ in L for v in [*itertools.chain(*W), *b]]  # noqa: E731
    changed = [(u, v) for u, v in zip(flat(layers), flat(mutant)) if u != v]
    assert len(changed) == 1


@QUICK
@given(st.integers(1, 3).flatmap(lambda n: st.tuples(st.just(n), expression_trees(n))))
def test_expression_text_reads_back_to_the_tree(n_tree):
    n, tree = n_tree
    target = PWL.from_expr(tree_text(tree), n)
    for x in grid(n):
        assert target(list(x)) == [eval_tree(tree, x)]


def test_expression_text_forms():
    x1, x2 = ("x", 1), ("x", 2)
    assert tree_text(("+", x1, ("*", F(-1), ("+", x2, ("c", F(1)))))) == "x1 - (x2 + 1)"
    assert tree_text(("+", ("c", F(-1, 2)), ("c", F(-3)))) == "-1/2 - 3"
    assert tree_text(("*", F(1, 3), ("max", x1, x2, ("c", F(0))))) == "max(x1, x2, 0)/3"
    assert tree_text(("*", F(-2, 3), ("c", F(-1, 2)))) == "(-2/3)*(-1/2)"
    assert tree_text(("abs", ("relu", ("min", x1, ("*", F(2), x2))))) == "abs(relu(min(x1, 2*x2)))"
    with pytest.raises(InputError):
        tree_text(("pow", x1, x1))


@QUICK
@given(expressions(2, outputs=2))
def test_expressions_with_several_outputs(texts):
    assert len(texts) == 2 and PWL.from_expr(texts, 2).output_dim == 2


@QUICK
@given(breakpoints(), st.booleans())
def test_breakpoints_and_their_pieces(pts, vertices):
    xs = [x for x, _ in pts]
    assert all(a < b for a, b in zip(xs, xs[1:])) and 2 <= len(pts) <= 5
    ps = breakpoint_pieces(pts, vertices=vertices)
    target = PWL.from_breakpoints(pts)
    for x in [xs[0] - 1, *xs, *[(a + b) / 2 for a, b in zip(xs, xs[1:])], xs[-1] + F(7, 3)]:
        assert eval_pieces(ps, [x]) == target([x])  # every piece containing x agrees with the line


@QUICK
@given(max_affine(input_dim=(1, 3), count=(1, 4)))
def test_argmax_pieces_cover_and_agree_with_the_maximum(f):
    n = len(f.maps[0][0])
    ps = argmax_pieces(f)
    for x in grid(n):
        want = f.sign * max(dot(w, x) + c for w, c in f.maps)
        assert eval_pieces(ps, x) == [want]  # covered, and all pieces that contain x agree


def test_argmax_pieces_of_a_degenerate_max():
    # max(x, -x, 0, 0, -1): the cell of 0 is the point {0} (twice), the map -1 has no cell
    ps = argmax_pieces(
        MaxAffine(1, [([F(1)], F(0)), ([F(-1)], F(0)), ([F(0)], F(0)), ([F(0)], F(0)), ([F(0)], F(-1))])
    )
    assert len(ps) == 4
    assert ps[2]["A"] == [["1"], ["-1"]] and ps[2]["b"] == ["0", "0"] and ps[2] == ps[3]
    assert eval_pieces(ps, [F(0)]) == [0] and eval_pieces(ps, [F(-3)]) == [3]


@QUICK
@given(pieces())
def test_pieces_are_read(ps):
    n = len(ps[0]["w"][0])
    PWL.from_pieces(ps, n)
    for x in grid(n):
        eval_pieces(ps, x)


@QUICK
@given(triangulations())
def test_triangulations_tile_a_box(tri):
    P, S = tri["points"], tri["simplices"]
    n = len(P[0])
    lo = [min(p[i] for p in P) for i in range(n)]
    hi = [max(p[i] for p in P) for i in range(n)]
    box_volume = math.prod(b - a for a, b in zip(lo, hi))
    volumes = []
    for s in S:
        assert len(set(s)) == n + 1
        M = [[F(v) - F(u) for v, u in zip(P[i], P[s[0]])] for i in s[1:]]
        volumes.append(abs(det(M)) / math.factorial(n))
    assert all(v > 0 for v in volumes) and sum(volumes) == box_volume
    assert len(tri["values"]) == len(P)
    PWL.from_triangulation(P, S, tri["values"])  # validates that no two simplices overlap


@QUICK
@given(st.integers(1, 3).flatmap(lambda n: st.tuples(st.just(n), domains(n))))
def test_domains_are_full_dimensional(n_domain):
    n, dom = n_domain
    if dom is None:
        return
    rows = domain_rows(dom)
    x = [(lo + hi) / 2 for lo, hi in dom["box"]] if "box" in dom else find_interior(rows, n)
    assert all(dot(a, x) < b for a, b in rows)


def domain_rows(dom):
    if "box" in dom:
        n = len(dom["box"])
        return [
            r
            for i, (lo, hi) in enumerate(dom["box"])
            for r in ((unit(i, n), hi), ([-v for v in unit(i, n)], -lo))
        ]
    return list(zip(dom["A"], dom["b"]))


def unit(i, n):
    return [F(int(i == j)) for j in range(n)]


def find_interior(rows, n):
    """A point strictly inside every row (z3, exact), or an assertion error."""
    xs = [z3.Real(f"x{i}") for i in range(n)]
    s = z3.Solver()
    s.add(
        *[
            z3.Sum([z3.Q(F(ai).numerator, F(ai).denominator) * x for ai, x in zip(a, xs)]) < F(b)
            for a, b in rows
        ]
    )
    assert s.check() == z3.sat, f"{rows} has no interior point"
    m = s.model()
    return [m.eval(x, model_completion=True).as_fraction() for x in xs]


@QUICK
@given(st.data())
def test_domains_within_a_box_stay_inside_it(data):
    n = data.draw(st.integers(1, 3))
    dom = data.draw(domains(n, within=[[F(-1), F(2)]] * n))
    find_interior(domain_rows(dom), n)
    rows = domain_rows(dom)
    for i in range(n):  # bounded by rows x_i <= h <= 2 and -x_i <= -l <= 1
        assert any(a == unit(i, n) and b <= 2 for a, b in rows)
        assert any(a == [-v for v in unit(i, n)] and b <= 1 for a, b in rows)


def test_bad_sizes_are_input_errors():
    with pytest.raises(InputError):
        rationals(height=0)
    with pytest.raises(InputError):
        find(network_layers(activations="tanh"), lambda L: True)
    with pytest.raises(InputError):
        find(network_layers(input_dim=(3, 1)), lambda L: True)
    with pytest.raises(InputError):
        find(domains(2, kinds=["sphere"]), lambda d: True)


def test_the_module_is_not_loaded_by_import_exactpwl():
    import subprocess
    import sys

    code = "import sys, exactpwl; exactpwl.certify; print('exactpwl.strategies' in sys.modules, 'hypothesis' in sys.modules)"  # noqa: E501
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    assert out.split() == ["False", "False"]
    assert isinstance(network_of([([[1]], [0], ["relu"]), ([[1]], [0], ["linear"])]), Network)
