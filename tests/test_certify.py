"""Tests of ``certify``: identities certified, mutants refuted, counterexamples that check out.

Sources of truth used here, none of which calls into exactpwl:

* the networks are written by hand as lists of ``(W, b)`` and evaluated by ``ref_eval``, a plain
  ``fractions.Fraction`` loop (relu on hidden layers, linear output), which also gives every
  pre-activation and its gradient on the region of a point;
* identities proved on paper (|x| = relu(x) + relu(-x), max(a, b) = b + relu(a - b), ...).

The random questions, decided against our own z3 encoding, are in test_random_certify.py.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from exactpwl import PWL, InputError, Network, box, certify, check_certificate

F = Fraction

# ============================================================================ reference helpers


def net_of(layers) -> Network:
    return Network.from_layers([(W, b) for W, b in layers])


def ref_eval(layers, x) -> list[Fraction]:
    """Output of the network ``layers`` = [(W, b), ...] at x, in plain Fractions."""
    h = [F(v) for v in x]
    for k, (W, b) in enumerate(layers):
        z = [sum((F(w) * v for w, v in zip(row, h)), F(0)) + F(bj) for row, bj in zip(W, b)]
        h = [max(v, F(0)) for v in z] if k < len(layers) - 1 else z
    return h


def ref_forms(layers, x) -> list[tuple[Fraction, list[Fraction]]]:
    """(value, gradient) of every hidden pre-activation at x, with the activation pattern of x."""
    n = len(x)
    h = [(F(v), [F(int(i == j)) for j in range(n)]) for i, v in enumerate(x)]
    out = []
    for W, b in layers[:-1]:
        z = []
        for row, bj in zip(W, b):
            val = sum((F(w) * v for w, (v, _) in zip(row, h)), F(0)) + F(bj)
            grad = [sum((F(w) * g[i] for w, (_, g) in zip(row, h)), F(0)) for i in range(n)]
            z.append((val, grad))
        out.extend(z)
        h = [(v, g) if v > 0 else (F(0), [F(0)] * n) for v, g in z]
    return out


def strictly_in_a_region(layers, x) -> bool:
    """No pre-activation is 0 at x, except one that is identically 0 near x (a dead unit)."""
    return all(v != 0 or not any(g) for v, g in ref_forms(layers, x))


def domain_rows(domain, n):
    """Rows (a, b) of a domain dict, read by hand: {"box": ...} or {"A": ..., "b": ...}."""
    if domain is None:
        return []
    if "box" in domain:
        rows = []
        for i, (lo, hi) in enumerate(domain["box"]):
            e = [int(i == j) for j in range(n)]
            rows += [(e, F(hi)), ([-v for v in e], -F(lo))]
        return rows
    return [(a, F(b)) for a, b in zip(domain["A"], domain["b"])]


def in_rows(rows, x, strict=False) -> bool:
    for a, b in rows:
        s = sum((F(ai) * xi for ai, xi in zip(a, x)), F(0))
        if s > F(b) or (strict and s == F(b)):
            return False
    return True


def check_counterexample(cx, layers_net, layers_target, rows=()):
    """The witness is exact, inside the domain, strictly inside a region of both networks, and
    the reported values are the true ones (checked by our own evaluation) and differ."""
    assert all(isinstance(v, Fraction) for v in (*cx.x, *cx.network, *cx.target))
    assert in_rows(rows, cx.x, strict=True)
    yn, yt = ref_eval(layers_net, cx.x), ref_eval(layers_target, cx.x)
    assert list(cx.network) == yn
    assert list(cx.target) == yt
    assert yn != yt
    assert strictly_in_a_region(layers_net, cx.x)
    assert strictly_in_a_region(layers_target, cx.x)


def assert_certified(net, target, domain=None):
    v = certify(net, target, domain)
    assert v.holds is True
    assert v.counterexample is None
    assert v.regions >= 1
    assert v.to_json()["holds"] is True
    rep = check_certificate(v.certificate())
    assert rep.valid, rep.reason
    assert rep.regions == v.regions
    return v


# ============================================================================ hand-built networks

# |x| = relu(x) + relu(-x)
ABS = [([[1], [-1]], [0, 0]), ([[1, 1]], [0])]
# max(a, b) = b + relu(a - b), with b = relu(b) - relu(-b)
MAX2 = [([[1, -1], [0, 1], [0, -1]], [0, 0, 0]), ([[1, 1, -1]], [0])]
# max(0, x1, x2) = relu(relu(x1) - relu(-x1) + relu(x2 - x1))
MAX3 = [([[1, 0], [-1, 0], [-1, 1]], [0, 0, 0]), ([[1, -1, 1]], [0]), ([[1]], [0])]


def _max4():
    # layer 1: m1 = max(x1, x2) = relu(x1 - x2) + relu(x2) - relu(-x2), m2 = max(x3, x4) likewise
    W1 = [[1, -1, 0, 0], [0, 1, 0, 0], [0, -1, 0, 0], [0, 0, 1, -1], [0, 0, 0, 1], [0, 0, 0, -1]]
    m1 = [1, 1, -1, 0, 0, 0]
    m2 = [0, 0, 0, 1, 1, -1]
    # layer 2: relu(m1 - m2), relu(m2), relu(-m2); output max(m1, m2) = relu(m1 - m2) + m2
    W2 = [[a - b for a, b in zip(m1, m2)], m2, [-v for v in m2]]
    return [(W1, [0] * 6), (W2, [0, 0, 0]), ([[1, 1, -1]], [0])]


MAX4 = _max4()

DOMAINS_2D = [
    None,
    {"box": [[-1, 1], [-1, 1]]},
    {"box": [["-1/3", "5/2"], [-2, "0.5"]]},
    box([(0, 1), (-3, 1)]),
    {"A": [[-1, 0], [0, -1], [1, 1]], "b": [1, 1, 1]},  # the triangle x1, x2 >= -1, x1 + x2 <= 1
]


@pytest.mark.parametrize(
    "domain", [None, {"box": [[-1, 1]]}, {"box": [["1/2", 3]]}, {"A": [[1], [-1]], "b": [2, "1/7"]}]
)
def test_abs_identity(domain):
    assert_certified(net_of(ABS), "abs(x1)", domain)


@pytest.mark.parametrize("domain", DOMAINS_2D)
def test_max2_identity(domain):
    assert_certified(net_of(MAX2), "max(x1, x2)", domain)


@pytest.mark.parametrize("domain", DOMAINS_2D)
def test_max3_identity(domain):
    assert_certified(net_of(MAX3), "max(0, x1, x2)", domain)


@pytest.mark.parametrize(
    "domain",
    [
        None,
        {"box": [[-1, 1]] * 4},
        # a simplex-like polyhedron in R^4: x_i >= -1, x1 + x2 + x3 + x4 <= 2
        {
            "A": [[-1, 0, 0, 0], [0, -1, 0, 0], [0, 0, -1, 0], [0, 0, 0, -1], [1, 1, 1, 1]],
            "b": [1, 1, 1, 1, 2],
        },
    ],
)
def test_max4_identity_two_hidden_layers(domain):
    # our own evaluation agrees with the maximum at a few points first (the network is right)
    for x in ([1, 2, 3, 4], [4, -1, 0, "1/2"], ["-1/3", "-1/2", "-1/5", -1]):
        assert ref_eval(MAX4, x) == [max(F(v) for v in x)]
    assert_certified(net_of(MAX4), "max(x1, x2, x3, x4)", domain)
    assert_certified(net_of(MAX4), "max(max(x1, x2), max(x3, x4))", domain)


def relu(t: Fraction) -> Fraction:
    return max(t, Fraction(0))


# the targets of the tests below, written out by hand over Fractions (not through exactpwl's parser)
BY_HAND = {
    "abs(x1) + 1/1000": lambda x: abs(x[0]) + F(1, 1000),
    "max(x1, x2 + 1/100)": lambda x: max(x[0], x[1] + F(1, 100)),
    "max(0, x1, x2, x1 + x2)": lambda x: max(0, x[0], x[1], x[0] + x[1]),
    "max(x1, x2, x3)": lambda x: max(x[0], x[1], x[2]),
    "abs(x1) + relu(x1 - 1/2)": lambda x: abs(x[0]) + relu(x[0] - F(1, 2)),
    "abs(x1) - relu(-x1 - 1)": lambda x: abs(x[0]) - relu(-x[0] - 1),
    "x1": lambda x: x[0],
    "max(x1, x2, 1)": lambda x: max(x[0], x[1], 1),
    "max(0, x1, x2) + relu(x1 + x2 - 1)": lambda x: max(0, x[0], x[1]) + relu(x[0] + x[1] - 1),
    "max(0, x1, x2 - 1/4)": lambda x: max(0, x[0], x[1] - F(1, 4)),
    "max(x1, x2, x3, x4 + 1)": lambda x: max(x[0], x[1], x[2], x[3] + 1),
    "max(0, x1, x2 + 1/100)": lambda x: max(0, x[0], x[1] + F(1, 100)),
}


def test_identities_are_not_vacuous():
    # the same networks against slightly wrong targets are refuted, with checked witnesses
    for layers, wrong in [
        (ABS, "abs(x1) + 1/1000"),
        (MAX2, "max(x1, x2 + 1/100)"),
        (MAX3, "max(0, x1, x2, x1 + x2)"),
        (MAX4, "max(x1, x2, x3)"),
    ]:
        v = certify(net_of(layers), wrong)
        assert v.holds is False
        x = v.counterexample.x
        assert list(v.counterexample.network) == ref_eval(layers, x)
        assert list(v.counterexample.target) == [BY_HAND[wrong](x)]
        assert v.counterexample.network != v.counterexample.target
        with pytest.raises(InputError):
            v.certificate()


def test_tampered_certificate_rejected():
    cert = certify(net_of(MAX3), "max(0, x1, x2)", {"box": [[-1, 1], [-1, 1]]}).certificate()
    assert check_certificate(cert).valid
    # drop a region: coverage fails
    short = dict(cert, regions=cert["regions"][1:])
    assert not check_certificate(short).valid
    # claim a different target: the regions are no longer zero regions
    wrong = dict(cert, target={**cert["target"], "expr": "max(0, x1, 2*x2)"})
    assert not check_certificate(wrong).valid


def test_certificate_moved_to_a_larger_domain_rejected():
    # |x| = |x| + relu(x - 2) holds on [-1, 1] but not on [-3, 3]: the same regions must not
    # certify the larger claim
    cert = certify(net_of(ABS), "abs(x1) + relu(x1 - 2)", {"box": [[-1, 1]]}).certificate()
    assert check_certificate(cert).valid
    larger = dict(cert, domain={"A": [["1"], ["-1"]], "b": ["3", "3"]})
    assert not check_certificate(larger).valid
    assert not check_certificate(dict(cert, domain=None)).valid
    assert certify(net_of(ABS), "abs(x1) + relu(x1 - 2)", {"box": [[-3, 3]]}).holds is False


# ============================================================================ second opinion
# The random questions (permuted and rescaled copies, negated units, mutants, every backend, the
# z3 cross-check on networks, expressions, breakpoints, pieces and triangulations) are drawn from
# exactpwl.strategies in test_random_certify.py, so that a failure shrinks to a minimal case.


def test_cross_check_disagreement_raises(monkeypatch):
    # a second opinion that lies must make certify raise, never return a verdict
    import exactpwl.smt

    monkeypatch.setattr(exactpwl.smt, "z3_counterexample", lambda *a, **k: (F(1, 3),))
    with pytest.raises(AssertionError, match=r"z3 finds a difference at \(1/3\)"):
        certify(net_of(ABS), "abs(x1)", cross_check="z3")
    monkeypatch.setattr(exactpwl.smt, "z3_counterexample", lambda *a, **k: None)
    with pytest.raises(AssertionError, match="z3 finds no point where they differ"):
        certify(net_of(ABS), "abs(x1) + 1", cross_check="z3")


def test_cross_check_encodes_targets_without_the_compiler():
    # exactpwl.smt reads every target kind from its definition: asking z3 about each kind loads
    # no compiler (the answers, by hand: each target equals its network, |x| or x or 0 or relu)
    code = """
import sys
from exactpwl import Network, PWL
from exactpwl.smt import z3_differs
absnet = Network.from_layers([([[1], [-1]], [0, 0]), ([[1, 1]], [0])])
relu = Network.from_layers([([[1]], [0]), ([[1]], [0])])
assert not z3_differs(absnet, "abs(x1)")
assert not z3_differs(absnet, PWL.from_breakpoints([[-1, 1], [0, 0], [1, 1], [2, 2]]))
assert not z3_differs(relu, PWL.from_pieces([{"A": [[1]], "b": [0], "w": [[0]], "c": [0]},
                                             {"A": [[-1]], "b": [0], "w": [[1]], "c": [0]}], 1))
assert not z3_differs(relu, PWL.from_triangulation([[-1], [0], [1]], [[0, 1], [1, 2]], [0, 0, 1]),
                      {"box": [[-1, 1]]})
assert not z3_differs(absnet, absnet)
assert "exactpwl.compile" not in sys.modules, sorted(m for m in sys.modules if m.startswith("exactpwl"))
"""
    import subprocess
    import sys

    from conftest import ROOT

    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_cross_check_option_rejects_unknown_oracle():
    with pytest.raises(InputError):
        certify(net_of(ABS), "abs(x1)", cross_check="cvc5")


# ============================================================================ counterexample quality

TENT = "relu(x1 - 1/3) - 2*relu(x1 - 1/3 - 1e-9/2) + relu(x1 - 1/3 - 1e-9)"
EPS = F(1, 10**9)


def tent(x1) -> Fraction:
    r = lambda v: max(v, F(0))  # noqa: E731
    return r(x1 - F(1, 3)) - 2 * r(x1 - F(1, 3) - EPS / 2) + r(x1 - F(1, 3) - EPS)


def _with_tent(layers):
    """The network plus the tent as three more hidden units (a network target)."""
    (W1, b1), *rest = layers
    n = len(W1[0])
    e1 = [1] + [0] * (n - 1)
    W1t = [*W1, e1, e1, e1]
    b1t = [*b1, F(-1, 3), F(-1, 3) - EPS / 2, F(-1, 3) - EPS]
    if len(rest) == 1:  # one hidden layer: output sees the tent units directly
        (Wo, bo) = rest[0]
        return [(W1t, b1t), ([[*Wo[0], 1, -2, 1]], bo)]
    # two hidden layers: carry the tent (it is >= 0) through one more relu unit of layer 2
    assert len(rest) == 2
    (W2, b2), (Wo, bo) = rest
    L2 = ([[*row, 0, 0, 0] for row in W2] + [[0] * len(W1) + [1, -2, 1]], [*b2, 0])
    return [(W1t, b1t), L2, ([[*Wo[0], 1]], bo)]


@pytest.mark.parametrize(
    "layers, expr, domain",
    [
        (ABS, "abs(x1)", None),
        (ABS, "abs(x1)", {"box": [[-1, 1]]}),
        (MAX3, "max(0, x1, x2)", None),
        (MAX3, "max(0, x1, x2)", {"box": [[-1, 1], [-1, 1]]}),
        (MAX2, "max(x1, x2)", {"A": [[-1, 0], [0, -1], [1, 1]], "b": [1, 1, 1]}),
    ],
)
def test_tiny_tent_is_found(layers, expr, domain):
    n = len(layers[0][0][0])
    with_tent = _with_tent(layers)
    for x in ([F(1, 3) + EPS / 2] + [F(1, 5)] * (n - 1), [F(0)] * n, [F(1, 3) + EPS / 4] * n):
        assert ref_eval(with_tent, x)[0] == ref_eval(layers, x)[0] + tent(x[0])
    for target in (f"{expr} + {TENT}", PWL.from_network(net_of(with_tent))):
        v = certify(net_of(layers), target, domain)
        assert v.holds is False
        cx = v.counterexample
        assert F(1, 3) < cx.x[0] < F(1, 3) + EPS  # inside the tent
        assert cx.target[0] - cx.network[0] == tent(cx.x[0]) > 0
        check_counterexample(cx, layers, with_tent, domain_rows(domain, n))


@pytest.mark.parametrize(
    "layers, target, domain, bound",
    [
        (ABS, "abs(x1) + relu(x1 - 1/2)", {"box": [[-1, 1]]}, 8),
        (ABS, "abs(x1) - relu(-x1 - 1)", None, 8),
        (ABS, "x1", {"box": [[-1, 1]]}, 8),
        (MAX2, "max(x1, x2, 1)", {"box": [[-1, 2], [-1, 2]]}, 8),
        (MAX3, "max(0, x1, x2) + relu(x1 + x2 - 1)", {"box": [[-1, 1], [-1, 1]]}, 8),
        (MAX3, "max(0, x1, x2 - 1/4)", None, 16),
        (MAX4, "max(x1, x2, x3, x4 + 1)", {"box": [[-1, 1]] * 4}, 8),
    ],
)
def test_counterexample_small_denominators(layers, target, domain, bound):
    n = len(layers[0][0][0])
    v = certify(net_of(layers), target, domain)
    assert v.holds is False
    cx = v.counterexample
    assert all(xi.denominator <= bound for xi in cx.x), cx.x
    assert list(cx.network) == ref_eval(layers, cx.x)
    assert list(cx.target) == [BY_HAND[target](cx.x)]
    assert cx.network != cx.target
    assert strictly_in_a_region(layers, cx.x)
    assert in_rows(domain_rows(domain, n), cx.x, strict=True)


def test_counterexample_json_is_exact_strings():
    v = certify(net_of(ABS), f"abs(x1) + {TENT}")
    d = v.to_json()
    assert d["holds"] is False
    cx = d["counterexample"]
    assert all(isinstance(s, str) for s in cx["x"] + cx["network"] + cx["target"])
    x = [F(s) for s in cx["x"]]
    assert [F(s) for s in cx["network"]] == ref_eval(ABS, x)
    assert F(cx["target"][0]) == abs(x[0]) + tent(x[0])


# ============================================================================ caps


def test_difference_zero_at_the_centre_still_gives_a_witness():
    # x against 1/2 on [0, 1]: they agree only at x = 1/2, the centre of the box; the witness
    # must still be a point where they differ, strictly inside the box
    ident = [([[1]], [0])]
    v = certify(Network.from_layers(ident, activations=["linear"]), "1/2", {"box": [[0, 1]]})
    assert v.holds is False
    (x,) = v.counterexample.x
    assert 0 < x < 1 and x != F(1, 2)
    assert v.counterexample.network == (x,) and v.counterexample.target == (F(1, 2),)
    # relu(x) against relu(x) + x - 1/2 on [0, 1], the same question through a hidden unit
    v = certify(net_of([([[1]], [0]), ([[1]], [0])]), "relu(x1) + x1 - 1/2", {"box": [[0, 1]]})
    assert v.holds is False
    (x,) = v.counterexample.x
    assert 0 < x < 1 and x != F(1, 2)
    assert v.counterexample.target == (2 * x - F(1, 2),)


def test_relu_output_layer():
    # outputs relu(x) and relu(-x) straight from a relu layer (no linear layer after it)
    net = Network.from_layers([([[1], [-1]], [0, 0])], activations=["relu"])
    v = certify(net, ["relu(x1)", "max(0, -x1)"], cross_check="z3")
    assert v.holds is True and check_certificate(v.certificate()).valid
    v = certify(net, ["relu(x1)", "relu(-x1) + relu(x1 - 1)"], cross_check="z3")
    assert v.holds is False
    (x,) = v.counterexample.x
    assert x > 1 and v.counterexample.network == (x, 0) and v.counterexample.target == (x, x - 1)


@pytest.mark.parametrize("backend", ["ppl", "highs", "exact-lp"])
def test_backends_agree(backend):
    for layers, target, holds in [
        (MAX3, "max(0, x1, x2)", True),
        (MAX4, "max(x1, x2, x3, x4)", True),
        (MAX3, "max(0, x1, x2 + 1/100)", False),
    ]:
        n = len(layers[0][0][0])
        v = certify(net_of(layers), target, {"box": [[-1, 1]] * n}, backend=backend)
        assert v.holds is holds
        if holds:
            assert check_certificate(v.certificate()).valid
        else:
            x = v.counterexample.x
            assert list(v.counterexample.network) == ref_eval(layers, x)
            assert list(v.counterexample.target) == [BY_HAND[target](x)]
            assert v.counterexample.network != v.counterexample.target


def test_max_regions_cap_claims_nothing():
    v = certify(net_of(MAX4), "max(x1, x2, x3, x4)", max_regions=2)
    assert v.holds is None
    assert v.counterexample is None
    assert not v
    assert v.to_json()["holds"] is None
    with pytest.raises(InputError):
        v.certificate()


def test_multi_output_network_against_expressions():
    # outputs: |x1| and max(x1, x2) from one hidden layer
    layers = [
        ([[1, 0], [-1, 0], [1, -1], [0, 1], [0, -1]], [0] * 5),
        ([[1, 1, 0, 0, 0], [0, 0, 1, 1, -1]], [0, 0]),
    ]
    assert ref_eval(layers, [-2, 5]) == [2, 5]
    assert_certified(net_of(layers), ["abs(x1)", "max(x1, x2)"], {"box": [[-1, 1], [-1, 1]]})
    v = certify(net_of(layers), ["abs(x1)", "max(x1, x2, -1/2)"], {"box": [[-1, 1], [-1, 1]]})
    assert v.holds is False
    cx = v.counterexample
    assert list(cx.network) == ref_eval(layers, cx.x)
    assert cx.target == (abs(cx.x[0]), max(cx.x[0], cx.x[1], F(-1, 2)))
    assert cx.network[0] == cx.target[0] and cx.network[1] != cx.target[1]
    assert max(cx.x) < F(-1, 2)
