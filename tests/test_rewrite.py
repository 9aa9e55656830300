"""Tests of ``exactpwl.rewrite`` (equality by rewriting) and of certify's two shortcuts.

Sources of truth, none of which is the rewriter: identities proved on paper (max(a, b) =
b + relu(a - b), v = relu(v) - relu(-v), |a| = relu(a) + relu(-a), min(a, b) = a - relu(a - b),
positive homogeneity), plain ``fractions.Fraction`` evaluation of hand-written layers, region
counts worked out by hand, and z3 (our own encoding in test_random_certify.py's style: every
ReLU an ``If``) for the soundness property: whenever the rewriter says "equal", z3 finds no point
where the two differ.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
import z3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exactpwl import PWL, Network, certify, check_certificate
from exactpwl.rewrite import equal_by_rewriting
from exactpwl.strategies import network_layers, network_of, perturbed, reparametrised

F = Fraction


def max_tournament(n: int) -> list:
    """max(x1..xn) by hand: pairs (a, b) -> units relu(a - b), relu(b), relu(-b), value u1 + u2 - u3;
    an odd one out v -> relu(v), relu(-v), value u1 - u2.  Linear forms over the previous layer."""
    forms = [[int(j == i) for j in range(n)] for i in range(n)]
    layers = []
    while len(forms) > 1:
        rows, values = [], []
        for i in range(0, len(forms) - 1, 2):
            a, b = forms[i], forms[i + 1]
            values.append((len(rows), (1, 1, -1)))
            rows += [[p - q for p, q in zip(a, b)], list(b), [-q for q in b]]
        if len(forms) % 2:
            values.append((len(rows), (1, -1)))
            rows += [list(forms[-1]), [-q for q in forms[-1]]]
        layers.append((rows, [0] * len(rows)))
        forms = []
        for start, coeffs in values:
            f = [0] * len(rows)
            f[start : start + len(coeffs)] = coeffs
            forms.append(f)
    layers.append(([forms[0]], [0]))
    return layers


def fraction_eval(layers, x):
    h = [F(v) for v in x]
    for k, (W, b) in enumerate(layers):
        z = [sum((F(w) * v for w, v in zip(row, h)), F(0)) + F(bj) for row, bj in zip(W, b)]
        h = [max(v, F(0)) for v in z] if k < len(layers) - 1 else z
    return h


def max_expr(n: int) -> str:
    return "max(" + ", ".join(f"x{i + 1}" for i in range(n)) + ")"


@pytest.mark.parametrize("n", [2, 3, 4, 5, 6, 8])
def test_max_tournaments_equal_max_by_rewriting(n):
    layers = max_tournament(n)
    for x in ([F(i, 3) - 1 for i in range(n)], [F(-i * i, 2) for i in range(n)], [F(7)] * n):
        assert fraction_eval(layers, x) == [max(x)]  # the construction is right (by hand)
    net = Network.from_layers(layers)
    assert equal_by_rewriting(net, PWL.from_expr(max_expr(n), n))
    v = certify(net, max_expr(n), {"box": [[-10, 10]] * n})
    assert v.holds is True and v.stats["method"] == "rewriting"


def test_a_rewritten_proof_still_has_its_regions_and_certificate():
    # max(x1, x2) = x2 + relu(x1 - x2) with x2 carried as relu(x2) - relu(-x2), on R^2: the
    # hyperplanes x1 = x2 and x2 = 0 (twice, coincident) cut the plane into 4 regions (by hand)
    net = Network.from_layers(max_tournament(2))
    v = certify(net, "max(x1, x2)")
    assert v.stats["method"] == "rewriting"
    assert v.regions == 4 and v.graph.complete
    assert v.stats["kernel"] == "walk" and v.to_json()["regions"] == 4
    assert check_certificate(v.certificate()).valid


@pytest.mark.parametrize(
    "layers, expr",
    [
        ([([[1], [-1]], [0, 0]), ([[1, 1]], [0])], "abs(x1)"),  # |x| = relu(x) + relu(-x)
        ([([[1, -1]], [0]), ([[-1]], [0])], "min(x1, x2) - x1"),  # -relu(x1 - x2)
        ([([[2], [3]], [-2, -3]), ([[1, F(1, 3)]], [0])], "3*relu(x1 - 1)"),  # 2 relu(x - 1) + relu(x - 1)
        ([([[1], [0]], [0, -1]), ([[1, 5]], [0])], "relu(x1)"),  # a dead unit: relu(0 x - 1) = 0
        ([([[0]], [2]), ([[1]], [-2])], "0"),  # a constant unit: relu(2) - 2 = 0
        ([([[1, 0], [-1, 0]], [0, 0]), ([[1, -1]], [0])], "x1"),  # relu(v) - relu(-v) = v
    ],
)
def test_identities_by_hand(layers, expr):
    n = len(layers[0][0][0])
    net = Network.from_layers(layers)
    assert equal_by_rewriting(net, PWL.from_expr(expr, n))


@pytest.mark.parametrize(
    "layers, expr",
    [
        ([([[1], [-1]], [0, 0]), ([[1, 1]], [0])], "abs(x1) + relu(x1 - 1/2) - relu(x1 - 1/2 - 1e-9)"),
        ([([[1, -1]], [0]), ([[1]], [0])], "relu(x1 - x2) + 1e-12"),
        ([([[1], [-1]], [0, 0]), ([[1, -1]], [0])], "abs(x1)"),
    ],
)
def test_different_functions_are_never_equal(layers, expr):
    n = len(layers[0][0][0])
    assert not equal_by_rewriting(Network.from_layers(layers), PWL.from_expr(expr, n))


def _z3_differs(a: list, b: list, n: int) -> bool:
    """Our own z3 question (every ReLU an If) over R^n: do the two layer lists ever differ?"""
    xs = [z3.Real(f"x{i}") for i in range(n)]

    def terms(layers):
        h = xs
        for W, bias, acts in layers:
            out = []
            for row, bj, act in zip(W, bias, acts):
                z = z3.Sum([z3.RealVal(str(w)) * v for w, v in zip(row, h)] + [z3.RealVal(str(bj))])
                out.append(z3.If(z > 0, z, 0) if act == "relu" else z)
            h = out
        return h

    s = z3.Solver()
    s.add(z3.Or([p != q for p, q in zip(terms(a), terms(b))]))
    return s.check() == z3.sat


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_rewriting_is_sound_on_random_networks(data):
    """Re-parametrised copies (equal) and mutants (usually not): "equal" is never wrong."""
    layers = data.draw(network_layers(input_dim=(1, 3), depth=(1, 2), width=(1, 4)))
    other = data.draw(st.one_of(reparametrised(layers), perturbed(layers)))
    n = len(layers[0][0][0])
    if equal_by_rewriting(network_of(layers), PWL.from_network(network_of(other))):
        assert not _z3_differs(layers, other, n)


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_rewriting_proves_reparametrisations(data):
    """Units scaled and permuted (no extra units): the normal form sees through it."""
    layers = data.draw(network_layers(input_dim=(1, 3), depth=(1, 2), width=(1, 4)))
    other = data.draw(reparametrised(layers, extra_units=False))
    assert equal_by_rewriting(network_of(layers), PWL.from_network(network_of(other)))


def test_a_wrong_rewriting_is_caught_when_the_regions_are_enumerated(monkeypatch):
    # break the rewriter on purpose: a false "equal" must not survive the enumeration
    import exactpwl.verdict

    monkeypatch.setattr(exactpwl.verdict, "equal_by_rewriting", lambda net, t: True)
    net = Network.from_layers(max_tournament(2))
    v = certify(net, "max(x1, x2) + relu(x1 - 1/2) - relu(x1 - 1/2 - 1e-9)")
    assert v.holds is True and v.stats["method"] == "rewriting"  # the broken shortcut said so
    with pytest.raises(AssertionError, match="fails on its regions"):
        _ = v.regions


# ---------------------------------------------------------------------- sampling


def test_a_sampled_difference_refutes_at_once():
    # max of 4 with one weight of the last layer wrong: max(a, b) becomes b + 2 relu(a - b),
    # which differs wherever a > b (half the box)
    layers = max_tournament(4)
    W, b = layers[-1]
    layers[-1] = ([[2 * W[0][0], *W[0][1:]]], b)
    v = certify(Network.from_layers(layers), max_expr(4), {"box": [[-10, 10]] * 4})
    assert v.holds is False and v.stats["method"] == "sampling" and v.regions == 1
    cx = v.counterexample
    assert fraction_eval(layers, cx.x) == list(cx.network) and list(cx.target) == [max(cx.x)]
    assert cx.network != cx.target and all(-10 < t < 10 for t in cx.x)


def test_a_tiny_difference_is_left_to_the_regions():
    # relu(x1 - 1/2) - relu(x1 - 1/2 - 1e-9) is at most 1e-9: no sample sees it
    net = Network.from_layers([([[1], [-1]], [0, 0]), ([[1, 1]], [0])])
    v = certify(net, "abs(x1) + relu(x1 - 1/2) - relu(x1 - 1/2 - 1e-9)", {"box": [[-1, 1]]})
    assert v.holds is False and v.stats["method"] == "regions"
    assert v.counterexample.x[0] > F(1, 2)
