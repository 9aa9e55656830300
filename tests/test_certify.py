"""Tests of ``certify``: identities certified, mutants refuted, counterexamples that check out.

Sources of truth used here, none of which calls into exactpwl:

* the networks are written by hand as lists of ``(W, b)`` and evaluated by ``ref_eval``, a plain
  ``fractions.Fraction`` loop (relu on hidden layers, linear output), which also gives every
  pre-activation and its gradient on the region of a point;
* identities proved on paper (|x| = relu(x) + relu(-x), max(a, b) = b + relu(a - b), ...);
* z3 over the reals (``z3_differ``, our own encoding with ``If``) to decide whether two networks
  differ somewhere on a domain.
"""

from __future__ import annotations

import random
from fractions import Fraction

import pytest
import z3

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


def z3_terms(layers, xs):
    h = list(xs)
    for k, (W, b) in enumerate(layers):
        z = [
            z3.Sum([z3.Q(F(w).numerator, F(w).denominator) * v for w, v in zip(row, h)])
            + z3.Q(F(bj).numerator, F(bj).denominator)
            for row, bj in zip(W, b)
        ]
        h = [z3.If(v > 0, v, 0) for v in z] if k < len(layers) - 1 else z
    return h


def z3_differ(layers1, layers2, n, domain_rows=()) -> bool:
    """Our own z3 question: is there x with A x <= b where the two networks differ?"""
    xs = [z3.Real(f"x{i}") for i in range(n)]
    s = z3.Solver()
    for a, b in domain_rows:
        s.add(z3.Sum([F(ai) * x for ai, x in zip(a, xs)]) <= F(b))
    s.add(z3.Or([p != q for p, q in zip(z3_terms(layers1, xs), z3_terms(layers2, xs))]))
    r = s.check()
    assert r != z3.unknown
    return r == z3.sat


def box_rows(lo, hi, n):
    return domain_rows({"box": [[lo, hi]] * n}, n)


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


def test_identities_are_not_vacuous():
    # the same networks against slightly wrong targets are refuted, with checked witnesses
    for layers, wrong, n in [
        (ABS, "abs(x1) + 1/1000", 1),
        (MAX2, "max(x1, x2 + 1/100)", 2),
        (MAX3, "max(0, x1, x2, x1 + x2)", 2),
        (MAX4, "max(x1, x2, x3)", 4),
    ]:
        v = certify(net_of(layers), wrong)
        assert v.holds is False
        x = v.counterexample.x
        assert list(v.counterexample.network) == ref_eval(layers, x)
        assert list(v.counterexample.target) == PWL.from_expr(wrong, n)(x)
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


# ============================================================================ random networks


def rand_q(rng, zero_ok=True):
    pool = [-2, -1, 1, 2, F(1, 2), F(-1, 2), F(3, 2), F(-3, 2), F(1, 3), F(-2, 3)]
    if zero_ok:
        pool += [0, 0]
    return rng.choice(pool)


def rand_layers(rng, n=None, depth=None):
    n = n or rng.choice([2, 3])
    depth = depth or rng.choice([1, 2])
    widths = [n] + [rng.randint(2, 5) for _ in range(depth)] + [1]
    layers = []
    for k in range(1, len(widths)):
        W = [[rand_q(rng) for _ in range(widths[k - 1])] for _ in range(widths[k])]
        b = [rand_q(rng) for _ in range(widths[k])]
        layers.append((W, b))
    return n, layers


def permute_rescale(layers, rng):
    """Permute the units of every hidden layer and scale unit j by a_j > 0: (w, b, v) -> (a w, a b, v/a)."""
    layers = [([list(r) for r in W], list(b)) for W, b in layers]
    for k in range(len(layers) - 1):
        W, b = layers[k]
        Wn, bn = layers[k + 1]
        m = len(W)
        perm = list(range(m))
        rng.shuffle(perm)
        scale = [rng.choice([F(1, 3), F(1, 2), 2, 3, F(5, 7), 7]) for _ in range(m)]
        W = [[scale[j] * w for w in W[perm[j]]] for j in range(m)]
        b = [scale[j] * b[perm[j]] for j in range(m)]
        Wn = [[F(row[perm[j]]) / scale[j] for j in range(m)] for row in Wn]
        layers[k] = (W, b)
        layers[k + 1] = (Wn, bn)
    return layers


@pytest.mark.parametrize("seed", range(6))
def test_permuted_rescaled_copy_network_vs_network(seed):
    rng = random.Random(1000 + seed)
    n, layers = rand_layers(rng, depth=2 if seed % 2 else 1)
    other = permute_rescale(layers, rng)
    assert other != layers
    # spot check with our own evaluation that the copy is the same function
    for _ in range(5):
        x = [F(rng.randint(-9, 9), rng.randint(1, 4)) for _ in range(n)]
        assert ref_eval(other, x) == ref_eval(layers, x)
    simplex = {"A": [[-int(i == j) for j in range(n)] for i in range(n)] + [[1] * n], "b": [2] * n + [1]}
    domain = [None, {"box": [[-2, 2]] * n}, simplex][seed % 3]
    assert_certified(net_of(other), PWL.from_network(net_of(layers)), domain)
    assert_certified(net_of(layers), net_of(other), domain)  # a Network given directly


@pytest.mark.parametrize("seed", range(4))
def test_negative_rescaling_decided_like_z3(seed):
    # a negative factor is not allowed: relu(-z) != -relu(z); the answer must match z3
    rng = random.Random(2000 + seed)
    n, layers = rand_layers(rng, depth=1)
    W, b = layers[0]
    (v,), c = layers[1]
    j = next(j for j in range(len(W)) if any(W[j]))
    W2 = [[-w for w in row] if i == j else row for i, row in enumerate(W)]
    b2 = [-bi if i == j else bi for i, bi in enumerate(b)]
    v2 = [-vi if i == j else vi for i, vi in enumerate(v)]
    other = [(W2, b2), ([v2], c)]
    differ = z3_differ(other, layers, n)
    verdict = certify(net_of(other), PWL.from_network(net_of(layers)))
    assert verdict.holds is (not differ)
    if differ:
        check_counterexample(verdict.counterexample, other, layers)


def mutate(layers, rng):
    layers = [([list(r) for r in W], list(b)) for W, b in layers]
    k = rng.randrange(len(layers))
    W, b = layers[k]
    delta = rng.choice([F(1, 2), F(-1, 2), F(1, 3), F(-1, 4), F(1), F(-1), F(2, 3)])
    j = rng.randrange(len(W))
    if rng.random() < 0.3:
        b[j] += delta
    else:
        i = rng.randrange(len(W[j]))
        W[j][i] += delta
    return layers


def _mutant_cases():
    rng = random.Random(4242)
    cases = []
    for i in range(100):
        n, layers = rand_layers(rng)
        dom_kind = i % 3
        if dom_kind == 0:
            domain, rows = None, []
        elif dom_kind == 1:
            domain, rows = {"box": [[-1, 1]] * n}, box_rows(-1, 1, n)
        else:  # x_i >= -1, sum x_i <= 1 (a simplex)
            A = [[-int(i == j) for j in range(n)] for i in range(n)] + [[1] * n]
            bb = [1] * n + [1]
            domain, rows = {"A": A, "b": bb}, list(zip(A, bb))
        cases.append((i, n, layers, mutate(layers, rng), domain, rows))
    return cases


MUTANTS = _mutant_cases()


def test_mutants_refuted_exactly_when_function_changes():
    outcomes = {True: 0, False: 0}
    for i, n, orig, mut, domain, rows in MUTANTS:
        differ = z3_differ(mut, orig, n, rows)
        v = certify(net_of(mut), PWL.from_network(net_of(orig)), domain)
        assert v.holds is (not differ), f"case {i}: exactpwl says {v.holds}, z3 says differ={differ}"
        outcomes[v.holds] += 1
        if differ:
            check_counterexample(v.counterexample, mut, orig, rows)
            # simple inputs, simple witness
            assert all(xi.denominator <= 10**4 for xi in v.counterexample.x), (i, v.counterexample.x)
        else:
            assert v.counterexample is None
    # the sample holds both kinds (a change that does nothing: a dead unit, a unit off on the box)
    assert outcomes[True] >= 5 and outcomes[False] >= 50, outcomes


def test_mutants_cross_check_z3():
    for _, n, orig, mut, domain, rows in MUTANTS[:36]:
        # raises AssertionError on disagreement; the verdict also matches our own z3 question
        v = certify(net_of(mut), PWL.from_network(net_of(orig)), domain, cross_check="z3")
        assert v.holds is (not z3_differ(mut, orig, n, rows))


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
    assert list(cx.target) == PWL.from_expr(target, n)(cx.x)
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
            assert list(v.counterexample.target) == PWL.from_expr(target, n)(x)
            assert v.counterexample.network != v.counterexample.target
    for i, n, orig, mut, domain, rows in MUTANTS[::7]:
        v = certify(net_of(mut), net_of(orig), domain, backend=backend)
        assert v.holds is (not z3_differ(mut, orig, n, rows)), i
        if not v.holds:
            check_counterexample(v.counterexample, mut, orig, rows)


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
