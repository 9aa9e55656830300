"""Certification through symmetry (exactpwl.symmetry, issue 14).

The networks here are built in this file from hand-derived identities (``max(a, b)`` written
equivariantly over the units ``relu(x_a - x_b)``, ``relu(+-s)``), so that every permutation of the
inputs maps them onto themselves unit by unit; their values are checked against ``max`` with an
independent ``fractions.Fraction`` forward pass.  Every symmetric verdict is compared with the
verdict on the whole domain (a second method), every witness is re-evaluated in Fractions, and
certificates are re-checked and tampered with.
"""

from __future__ import annotations

import itertools
import json
import random
from fractions import Fraction

import pytest
from conftest import run_cli

from exactpwl import certify
from exactpwl.check import check_certificate
from exactpwl.compile import compile_target
from exactpwl.construct.max5 import max5
from exactpwl.errors import InputError
from exactpwl.network import Network
from exactpwl.pwl import as_target
from exactpwl.symmetry import find_blocks, network_units

ACTS = ["relu", "relu", "linear"]


# ----------------------------------------------------------------------------- independent helpers
def fwd(layers, acts, x) -> list[Fraction]:
    """Exact forward pass in Fractions (no exactpwl code); an activation is one name for the layer
    or a list of names, one per unit."""
    h = [Fraction(v) for v in x]
    for (W, b), act in zip(layers, acts):
        z = [
            sum((Fraction(w) * v for w, v in zip(row, h)), Fraction(0)) + Fraction(c) for row, c in zip(W, b)
        ]
        kinds = [act] * len(z) if isinstance(act, str) else act
        h = [max(v, Fraction(0)) if k == "relu" else v for v, k in zip(z, kinds)]
    return h


def as_layers(net: Network):
    d = net.to_dict()
    return [
        ([[Fraction(w) for w in row] for row in L["weights"]], [Fraction(c) for c in L["biases"]])
        for L in d["layers"]
    ], [L["activation"] for L in d["layers"]]


def net_value(net: Network, x) -> list[Fraction]:
    layers, acts = as_layers(net)
    return fwd(layers, acts, x)


def moved(x, image):
    """sigma x as exactpwl defines it: (sigma x)_i = x_{image[i]}."""
    return [x[image[i]] for i in range(len(x))]


def sorted_into_chamber(x, blocks):
    """The point of the chamber (each block decreasing) in the orbit of x."""
    y = list(x)
    for b in blocks:
        for i, v in zip(b, sorted((x[i] for i in b), reverse=True)):
            y[i] = v
    return y


def in_chamber(x, blocks) -> bool:
    return all(x[u] >= x[v] for b in blocks for u, v in zip(b, b[1:]))


def grid(n, rng, k=40):
    return [[Fraction(rng.randint(-9, 9), rng.choice([1, 2, 3])) for _ in range(n)] for _ in range(k)]


# ----------------------------------------------------------------------------- symmetric networks
def _pairs(n):
    return [(a, b) for a in range(n) for b in range(n) if a != b]


def _first(n):
    """relu(x_a - x_b) for ordered pairs, then relu(s), relu(-s) (s = x1 + ... + xn)."""
    W = [[1 if k == a else -1 if k == b else 0 for k in range(n)] for a, b in _pairs(n)]
    W += [[1] * n, [-1] * n]
    return W, [0] * len(W)


def _x(n, i):
    """x_i over the first layer: s/n + (1/n) sum_j (relu(x_i - x_j) - relu(x_j - x_i))."""
    P = _pairs(n)
    v = [Fraction(0)] * (len(P) + 2)
    v[len(P)], v[len(P) + 1] = Fraction(1, n), Fraction(-1, n)
    for k, (a, b) in enumerate(P):
        v[k] += Fraction(1, n) * ((a == i) - (b == i))
    return v


def _max2(n, a, b):
    """max(x_a, x_b) = (x_a + x_b)/2 + (relu(x_a - x_b) + relu(x_b - x_a))/2, over the first layer."""
    P = _pairs(n)
    v = [(p + q) / 2 for p, q in zip(_x(n, a), _x(n, b))]
    v[P.index((a, b))] += Fraction(1, 2)
    v[P.index((b, a))] += Fraction(1, 2)
    return v


def _unit(m, k):
    return [Fraction(int(j == k)) for j in range(m)]


def max3_layers(weights=(Fraction(1, 3),) * 3):
    """max(x1, x2, x3) = (1/3) sum_c [x_c + relu(max(x_a, x_b) - x_c)] ({a, b, c} = {1, 2, 3}):
    3-8-5-1, the units relu(max(x_a, x_b) - x_c), relu(relu(s)), relu(relu(-s)).  ``weights``: the
    output weights of the three terms (1/3 each for max)."""
    n, m = 3, 8
    rows = []
    for c in range(3):
        a, b = (i for i in range(3) if i != c)
        rows.append([p - q for p, q in zip(_max2(n, a, b), _x(n, c))])
    rows += [_unit(m, 6), _unit(m, 7)]
    out = [*weights, Fraction(1, 3), Fraction(-1, 3)]
    return [_first(n), (rows, [0] * 5), ([out], [0])]


def max4_layers():
    """max(x1..x4) = (1/3) sum over the pairings {ab|cd} of max(M_ab, M_cd), each split as
    (P + Q)/2 + (relu(P - Q) + relu(Q - P))/2; the linear parts add up to s/4 + U/12 with
    U = sum relu(x_a - x_b) >= 0 (so relu(U) = U).  4-14-9-1."""
    n, m = 4, 14
    rows = []
    for a, b, c, d in [(0, 1, 2, 3), (0, 2, 1, 3), (0, 3, 1, 2)]:
        P, Q = _max2(n, a, b), _max2(n, c, d)
        rows += [[p - q for p, q in zip(P, Q)], [q - p for p, q in zip(P, Q)]]
    rows += [_unit(m, 12), _unit(m, 13), [Fraction(1)] * 12 + [Fraction(0)] * 2]
    out = [Fraction(1, 6)] * 6 + [Fraction(1, 4), Fraction(-1, 4), Fraction(1, 12)]
    return [_first(n), (rows, [0] * 9), ([out], [0])]


def parallel(parts, n):
    """The sum of networks on disjoint coordinates (same depth): block-diagonal layers."""
    layers = []
    for depth in range(len(parts[0][0])):
        W, b = [], []
        for coords, L in parts:
            Wk, bk = L[depth]
            width_in = [len(L[depth - 1][1]) for _, L in parts] if depth else None
            for row, c in zip(Wk, bk):
                full = [Fraction(0)] * (n if depth == 0 else sum(width_in))
                if depth == 0:
                    for i, w in zip(coords, row):
                        full[i] = Fraction(w)
                else:
                    at = sum(width_in[: [p[0] for p in parts].index(coords)])
                    full[at : at + len(row)] = [Fraction(w) for w in row]
                W.append(full)
                b.append(c)
        layers.append((W, b))
    last = layers[-1]
    layers[-1] = ([[sum(col) for col in zip(*last[0])]], [sum(last[1])])
    return layers


def relu_pair_layers():
    """relu(x) + relu(y) with two hidden layers: relu(relu(.)) passes a unit on."""
    return [([[1, 0], [0, 1]], [0, 0]), ([[1, 0], [0, 1]], [0, 0]), ([[1, 1]], [0])]


def build(layers) -> Network:
    return Network.from_layers(layers, ACTS)


MAX3, MAX4 = build(max3_layers()), build(max4_layers())
SUM5 = build(parallel([((0, 1, 2), max3_layers()), ((3, 4), relu_pair_layers())], 5))
SUM5_TARGET = "max(x1, x2, x3) + relu(x4) + relu(x5)"


def test_the_hand_built_networks_compute_their_targets():
    rng = random.Random(1)
    for x in grid(3, rng):
        assert fwd(max3_layers(), ACTS, x) == [max(x)]
    for x in grid(4, rng):
        assert fwd(max4_layers(), ACTS, x) == [max(x)]
    for x in grid(5, rng):
        assert net_value(SUM5, x) == [max(x[:3]) + max(x[3], 0) + max(x[4], 0)]
    assert MAX3.architecture == "3-8-5-1" and MAX4.architecture == "4-14-9-1"


# ----------------------------------------------------------------------------- unit maps
def shuffled(net: Network, rng: random.Random) -> Network:
    """The same function with each hidden layer's units permuted and scaled by factors > 0."""
    layers, acts = as_layers(net)
    new, prev = (
        [],
        None,
    )  # the previous hidden layer's (perm, scale): new unit perm[j] = scale[j] * old unit j
    for depth, (W, b) in enumerate(layers):
        if prev is not None:
            perm, scale = prev
            inv = {perm[j]: j for j in range(len(perm))}
            W = [[row[inv[k]] / scale[inv[k]] for k in range(len(row))] for row in W]
        if depth == len(layers) - 1:
            new.append((W, b))
            break
        perm = list(range(len(W)))
        rng.shuffle(perm)
        scale = [Fraction(rng.randint(1, 5), rng.randint(1, 3)) for _ in W]
        Wn, bn = [None] * len(W), [None] * len(W)
        for j in range(len(W)):
            Wn[perm[j]] = [scale[j] * w for w in W[j]]
            bn[perm[j]] = scale[j] * b[j]
        new.append((Wn, bn))
        prev = (perm, scale)
    return Network.from_layers(new, acts)


def _generators(block, n):
    """(b1 b2) and (b1 b2 ... bk), as images (i -> image[i]), by hand."""
    swap = list(range(n))
    swap[block[0]], swap[block[1]] = block[1], block[0]
    cyc = list(range(n))
    for u, v in zip(block, block[1:] + block[:1]):
        cyc[u] = v
    return [swap, cyc] if len(block) > 2 else [swap]


def _maps_onto(net: Network, image, units, scales) -> bool:
    """Test-side check of a unit map, on the weights in Fractions: unit k of net(sigma .) is
    ``lam_k`` times unit ``pi(k)`` of net, so ``W[k][j] lam_j == lam_k W[pi(k)][pi(j)]`` (previous
    layer's map and scales; on the inputs, column j of net(sigma .) is net's column image^-1(j))."""
    layers, _ = as_layers(net)
    n = net.input_dim
    prev_pi, prev_lam = list(range(n)), [Fraction(1)] * n
    for depth, (W, b) in enumerate(layers):
        hidden = depth < len(layers) - 1
        pi = units[depth] if hidden else list(range(len(W)))
        one = [Fraction(1)] * len(W)
        lam = [Fraction(v) for v in scales[depth]] if hidden and scales and scales[depth] else one
        for k in range(len(W)):
            row = [W[k][image.index(j)] for j in range(n)] if depth == 0 else W[k]
            if any(w * prev_lam[j] != lam[k] * W[pi[k]][prev_pi[j]] for j, w in enumerate(row)):
                return False
            if b[k] != lam[k] * b[pi[k]]:
                return False
        prev_pi, prev_lam = pi, lam
    return True


@pytest.mark.parametrize("net,n", [(MAX3, 3), (MAX4, 4)])
def test_shuffled_units_are_still_found_invariant(net, n):
    rng = random.Random(n)
    s = shuffled(net, rng)
    for x in grid(n, rng, 15):  # the shuffle kept the function
        assert net_value(s, x) == [max(x)]
    for image in _generators(list(range(n)), n):
        proof = network_units(s, image)
        assert isinstance(proof, dict), proof
        assert _maps_onto(s, image, proof["units"], proof.get("scales"))
        for x in grid(n, rng, 5):  # invariance, evaluated
            assert net_value(s, moved(x, image)) == net_value(s, x)
    v = certify(s, f"max({', '.join(f'x{i + 1}' for i in range(n))})", symmetric_in=[list(range(n))])
    assert v.holds is True
    assert check_certificate(v.certificate()).valid


@pytest.mark.parametrize("term,generator", [(0, "(x1 x2)"), (2, "(x1 x2 x3)")])
def test_one_changed_weight_is_reported_with_the_generator_that_fails(term, generator):
    # term c is relu(max(x_a, x_b) - x_c): (x1 x2) exchanges terms 0 and 1 and fixes term 2, so a
    # change in term 0 breaks (x1 x2), a change in term 2 only the cycle (x1 x2 x3)
    weights = [Fraction(1, 3)] * 3
    weights[term] = Fraction(1, 2)
    layers = max3_layers(weights)
    net = build(layers)
    image = _generators([0, 1, 2], 3)[0 if generator == "(x1 x2)" else 1]
    assert isinstance(network_units(net, image), str)
    v = certify(net, "max(x1, x2, x3)", symmetric_in=[[0, 1, 2]])
    assert v.holds is False
    assert v.symmetry.failed["generator"] == generator and v.symmetry.failed["side"] == "network"
    x = list(v.counterexample.x)
    assert fwd(layers, ACTS, x) == list(v.counterexample.network) != [max(x)]
    assert list(v.counterexample.target) == [max(x)]
    assert certify(net, "max(x1, x2, x3)").holds is False  # the whole space agrees


def test_functionally_symmetric_network_without_a_unit_map_needs_the_fallback():
    t = as_target("max(x1, x2, x3)", 3)
    tree = compile_target(t)  # max(max(x1, x2), x3): symmetric as a function, not unit by unit
    assert all(net_value(tree, x) == [max(x)] for x in grid(3, random.Random(2)))
    assert isinstance(network_units(tree, [1, 0, 2]), str)
    with pytest.raises(InputError, match="--symmetry-proof certify"):
        certify(tree, t, symmetric_in=[[0, 1, 2]])
    v = certify(tree, t, symmetric_in=[[0, 1, 2]], symmetry_proof="certify")
    assert v.holds is True
    assert [g["network"] for g in v.to_json()["symmetry"]["generators"]] == ["certificate", "certificate"]
    report = check_certificate(v.certificate())
    assert report.valid and report.by_symmetry


# ----------------------------------------------------------------------------- chamber == whole space
CASES = {
    "max3": (MAX3, "max(x1, x2, x3)", [[0, 1, 2]], "units", None),
    "max3 on a box": (MAX3, "max(x1, x2, x3)", [[0, 1, 2]], "units", {"box": [[-1, 2]] * 3}),
    "max4": (MAX4, "max(x1, x2, x3, x4)", [[0, 1, 2, 3]], "units", None),
    "max5 (S2 x S2)": (max5().network, "max(x1, x2, x3, x4, x5)", [[0, 1], [2, 3]], "units", None),
    "max3 tree": (
        compile_target(as_target("max(x1, x2, x3)", 3)),
        "max(x1, x2, x3)",
        [[0, 1, 2]],
        "certify",
        None,
    ),
    "sum of relus": (
        compile_target(as_target("relu(x1) + relu(x2) + relu(x3)", 3)),
        "relu(x1) + relu(x2) + relu(x3)",
        [[0, 1, 2]],
        "units",
        None,
    ),
    "max3 + relu + relu": (SUM5, SUM5_TARGET, [[0, 1, 2], [3, 4]], "units", None),
}


@pytest.mark.parametrize("name", list(CASES))
def test_chamber_verdict_equals_the_whole_space_verdict(name):
    net, target, blocks, how, domain = CASES[name]
    whole = certify(net, target, domain)
    chamber = certify(net, target, domain, symmetric_in=blocks, symmetry_proof=how)
    assert whole.holds is True and chamber.holds is True
    assert chamber.regions < whole.regions
    assert chamber.to_json()["symmetry"]["chamber"]
    report = check_certificate(chamber.certificate())
    assert report.valid and report.by_symmetry and report.regions <= chamber.regions  # labels merge regions


def _mutants():
    wrong = build(max3_layers((Fraction(1, 2),) * 3))  # symmetric, but not max
    biased = max3_layers()
    biased[1] = (biased[1][0], [Fraction(-1)] * 3 + [0, 0])  # every term shifted alike: symmetric
    return {
        "weights": (wrong, max3_layers((Fraction(1, 2),) * 3), "max(x1, x2, x3)", [[0, 1, 2]]),
        "biases": (build(biased), biased, "max(x1, x2, x3)", [[0, 1, 2]]),
        "sum5": (
            SUM5,
            parallel([((0, 1, 2), max3_layers()), ((3, 4), relu_pair_layers())], 5),
            "max(x1, x2, x3) + relu(x4) + relu(x5) + relu(x3 - x1 - 1) / 7",  # not symmetric: refuted
            [[0, 1, 2], [3, 4]],
        ),
    }


@pytest.mark.parametrize("name", ["weights", "biases", "sum5"])
def test_mutants_are_refuted_by_both_with_witnesses_that_evaluation_confirms(name):
    net, layers, target, blocks = _mutants()[name]
    t = as_target(target, net.input_dim)
    whole = certify(net, t)
    chamber = certify(net, t, symmetric_in=blocks)
    assert whole.holds is False and chamber.holds is False
    for v in (whole, chamber):
        x = list(v.counterexample.x)
        assert fwd(layers, ACTS, x) == list(v.counterexample.network)
        assert t(x) == list(v.counterexample.target) != fwd(layers, ACTS, x)
    if chamber.symmetry.failed is None:  # found by the walk: in the chamber
        assert in_chamber(chamber.counterexample.x, blocks)
        # the whole-space witness, wherever it lies, maps into the chamber and still separates them
        y = sorted_into_chamber(list(whole.counterexample.x), blocks)
        assert in_chamber(y, blocks) and fwd(layers, ACTS, y) != t(y)
    else:  # the target is not invariant: the witness is x or sigma x, anywhere in the space
        assert chamber.symmetry.failed["side"] == "target"


# ----------------------------------------------------------------------------- target and domain
def test_target_without_a_syntactic_proof_gets_nested_certificates():
    # sum |x_a - x_b| over pairs; (x1 x2) turns |x1 - x2| into |x2 - x1|: not the same text
    W = [[1 if k == a else -1 if k == b else 0 for k in range(3)] for a, b in _pairs(3)]
    net = Network.from_layers([(W, [0] * 6), ([[1] * 6], [0])], ["relu", "linear"])
    target = "abs(x1 - x2) + abs(x2 - x3) + abs(x3 - x1)"
    v = certify(net, target, symmetric_in=[[0, 1, 2]])
    assert v.holds is True and certify(net, target).holds is True
    # the cycle (x1 x2 x3) permutes the three terms as written; only the transposition needs proof
    assert [g["target"] for g in v.to_json()["symmetry"]["generators"]] == ["certificate", "definition"]
    assert check_certificate(v.certificate()).valid
    assert find_blocks(net, as_target(target, 3), None) == [[0, 1, 2]]  # auto sees it too


def test_target_that_is_not_invariant_refutes_with_a_point():
    net = compile_target(as_target("relu(x1) + relu(x2) + relu(x3)", 3))
    target = "relu(x1) + relu(x2) + 2*relu(x3)"
    v = certify(net, target, symmetric_in=[[0, 1, 2]])
    assert v.holds is False and v.symmetry.failed["side"] == "target"
    x = list(v.counterexample.x)
    assert (
        net_value(net, x) == [sum(max(u, 0) for u in x)] != [max(x[0], 0) + max(x[1], 0) + 2 * max(x[2], 0)]
    )


def test_domain_must_be_invariant():
    with pytest.raises(InputError, match="domain is not invariant"):
        certify(MAX3, "max(x1, x2, x3)", {"box": [[-1, 2], [-1, 2], [0, 2]]}, symmetric_in=[[0, 1, 2]])
    # a polyhedron whose rows the permutations carry onto each other: x1 + x2 + x3 <= 3, x_i >= -1
    dom = {"A": [[1, 1, 1], [-1, 0, 0], [0, -1, 0], [0, 0, -1]], "b": [3, 1, 1, 1]}
    v = certify(MAX3, "max(x1, x2, x3)", dom, symmetric_in=[[0, 1, 2]])
    assert v.holds is True and check_certificate(v.certificate()).valid


def test_auto_finds_the_largest_blocks():
    v = certify(SUM5, SUM5_TARGET, symmetric_in="auto")
    assert v.holds is True and v.symmetry.blocks == [[0, 1, 2], [3, 4]]
    assert v.to_json()["symmetry"]["blocks"] == [["x1", "x2", "x3"], ["x4", "x5"]]


# ----------------------------------------------------------------------------- tampered certificates
@pytest.fixture(scope="module")
def sum5_cert():
    v = certify(SUM5, SUM5_TARGET, symmetric_in=[[0, 1, 2], [3, 4]])
    cert = v.certificate()
    assert check_certificate(cert).valid
    return json.dumps(cert)


def _wrong_units(c):
    units = c["symmetry"]["generators"][0]["network"]["units"][0]
    units[0], units[1] = units[1], units[0]


def _missing_generator(c):
    del c["symmetry"]["generators"][1]


def _dropped_chamber_row(c):  # x4 >= x5 no longer claimed: the regions cover only half
    c["symmetry"]["blocks"] = c["symmetry"]["blocks"][:1]
    c["symmetry"]["generators"] = c["symmetry"]["generators"][:2]


def _no_symmetry(c):
    del c["symmetry"]


def _wrong_permutation(c):
    c["symmetry"]["generators"][0]["permutation"] = [1, 2, 3, 5, 4]


@pytest.mark.parametrize(
    "tamper,needle",
    [
        (_wrong_units, "does not map the network onto itself"),
        (_missing_generator, "missing"),
        (_dropped_chamber_row, "region"),
        (_no_symmetry, "region"),
        (_wrong_permutation, "missing"),
    ],
)
def test_tampered_symmetric_certificates_are_rejected(sum5_cert, tamper, needle):
    c = json.loads(sum5_cert)
    tamper(c)
    report = check_certificate(c)
    assert not report.valid and needle in report.reason, report.reason


# ----------------------------------------------------------------------------- the command line
def test_cli_certify_and_check_with_symmetry(tmp_path):
    net = tmp_path / "max3.json"
    MAX3.save(net)
    cert = tmp_path / "cert.json"
    r = run_cli(
        "certify",
        str(net),
        "--expr",
        "max(x1, x2, x3)",
        "--symmetric-in",
        "x1,x2,x3",
        "--certificate",
        str(cert),
    )
    assert r.returncode == 0, r.stderr
    n_regions = certify(MAX3, "max(x1, x2, x3)", symmetric_in=[[0, 1, 2]]).regions
    assert r.stdout.splitlines()[0] == (
        f"holds: the network equals the target on every one of {n_regions} regions "
        "of the chamber x1 >= x2 >= x3,"
    )
    assert "so on all of R^3 by symmetry" in r.stdout
    r = run_cli("check", str(cert))
    assert r.returncode == 0 and r.stdout.startswith("valid:") and "by symmetry" in r.stdout, (
        r.stdout + r.stderr
    )
    tree = tmp_path / "tree.json"
    compile_target(as_target("max(x1, x2, x3)", 3)).save(tree)
    r = run_cli("certify", str(tree), "--expr", "max(x1, x2, x3)", "--symmetric-in", "x1,x2,x3")
    assert r.returncode == 2 and "--symmetry-proof certify" in r.stderr and "Traceback" not in r.stderr
    r = run_cli(
        "certify",
        str(tree),
        "--expr",
        "max(x1, x2, x3)",
        "--symmetric-in",
        "x1,x2,x3",
        "--symmetry-proof",
        "certify",
    )
    assert r.returncode == 0 and r.stdout.startswith("holds:"), r.stderr
    # examples/max3.json: relu(x1), relu(-x1), relu(x2 - x1): no unit map swaps x1 and x2
    r = run_cli("certify", "examples/max3.json", "--expr", "max(0, x1, x2)", "--symmetric-in", "auto")
    assert (
        r.returncode == 0
        and r.stdout.splitlines()[1] == "  (no symmetry found; certified on the whole domain)"
    )
    for bad in (
        ["--symmetric-in", "x1,y2"],
        ["--symmetric-in", "x1,x4"],
        ["--symmetric-in", "x1,x2", "--symmetric-in", "x2,x3"],
    ):
        r = run_cli("certify", str(net), "--expr", "max(x1, x2, x3)", *bad)
        assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, r.stderr


# ----------------------------------------------------------------------------- max6 (R21)
def test_max6_is_s6_symmetric_unit_by_unit_and_computes_the_max():
    from exactpwl.construct.max6 import max6

    net = max6().network
    rng = random.Random(6)
    for x in grid(6, rng, 12):
        assert net_value(net, x) == [max(x)]
    for image in _generators(list(range(6)), 6):
        proof = network_units(net, image)
        assert isinstance(proof, dict) and _maps_onto(net, image, proof["units"], proof.get("scales"))
    # every permutation is a product of the generators; spot-check a few by evaluation
    for perm in itertools.islice(itertools.permutations(range(6)), 0, 720, 97):
        x = grid(6, rng, 1)[0]
        assert net_value(net, moved(x, list(perm))) == net_value(net, x)


def test_latex_says_the_chamber_and_the_symmetry():
    from exactpwl.latex import certificate, latex

    v = certify(MAX3, "max(x1, x2, x3)", symmetric_in=[[0, 1, 2]])
    for text in (latex(v), certificate(v.certificate())):
        assert r"x_{1} \ge x_{2} \ge x_{3}" in text and "invariant under every permutation" in text
        assert f"has {v.regions} activation region" in text
    # refuted because the target is not invariant: no region walk, the point and both values
    w = certify(MAX3, "max(x1, x2, x3) + relu(x3 - x1 - 1)/100", symmetric_in=[[0, 1, 2]])
    assert w.holds is False and w.symmetry.failed is not None
    text = latex(w)
    assert "Counterexample" in text and "not invariant under" in text


def test_construct_max5_certifies_its_chamber_and_writes_the_certificate(tmp_path):
    cert = tmp_path / "max5.cert.json"
    r = run_cli(
        "construct", "examples/inputs/max5.json", "--method", "max5", "--certify", "--certificate", str(cert)
    )
    assert r.returncode == 0, r.stderr
    # the identity's network is symmetric in (x1 x2) and (x3 x4): a quarter of R^5 is walked
    assert "certified: holds on R^5 (" in r.stdout and "regions of the chamber x1 >= x2, x3 >= x4" in r.stdout
    report = check_certificate(json.loads(cert.read_text()))
    assert report.valid and report.by_symmetry
    r = run_cli("construct", "examples/inputs/max5.json", "--method", "max5", "--certificate", str(cert))
    assert r.returncode == 2 and "--certificate: only with --certify" in r.stderr
