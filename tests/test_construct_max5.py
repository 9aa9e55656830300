"""R20: max of five numbers with two hidden layers (exactpwl.construct.max5)."""

from __future__ import annotations

import itertools
import json
import random
from dataclasses import replace
from fractions import Fraction as F

from conftest import ROOT, run_cli, run_example

from exactpwl import certify, check_certificate
from exactpwl.construct.max5 import identity, max5, network


def forward(net_dict: dict, x) -> F:
    """Own exact forward pass in Fractions, from the network's JSON (not Network.evaluate)."""
    h = [F(v) for v in x]
    for L in net_dict["layers"]:
        z = [sum((F(w) * hi for w, hi in zip(row, h)), F(b)) for row, b in zip(L["weights"], L["biases"])]
        h = [max(v, F(0)) for v in z] if L["activation"] == "relu" else z
    return h[0]


def paper_terms(x) -> dict[str, F]:
    """PAPER.md R20's terms, typed in from the paper (independent of the module's data)."""
    x1, x2, x3, x4, x5 = x
    A12, A34 = max(2 * x5, x1 + x2), max(2 * x5, x3 + x4)
    t = {
        "P1": max(A12, max(x1, x3) + max(x1, x4)),
        "P2": max(A12, max(x2, x3) + max(x2, x4)),
        "P3": max(A34, max(x3, x1) + max(x3, x2)),
        "P4": max(A34, max(x4, x1) + max(x4, x2)),
        "Q": max(2 * x5, x1 + x2, x3 + x4),
    }
    for i in (1, 2):
        for j in (3, 4):
            t[f"R{i}{j}"] = max(2 * x5, x1 + x2, x3 + x4, x[i - 1] + x[j - 1])
    return t


SIGNS = {"P1": 1, "P2": 1, "P3": 1, "P4": 1, "Q": 1, "R13": -1, "R14": -1, "R23": -1, "R24": -1}


def points(seed: int = 0, count: int = 300):
    rng = random.Random(seed)
    grid = list(itertools.product([-1, 0, 1], repeat=5))
    rand = [[F(rng.randint(-40, 40), rng.randint(1, 6)) for _ in range(5)] for _ in range(count)]
    return [[F(v) for v in p] for p in grid] + rand


def test_the_paper_identity_on_a_grid_and_random_points():
    for x in points():
        t = paper_terms(x)
        assert sum(SIGNS[k] * v for k, v in t.items()) == 2 * max(x)


def test_the_module_terms_are_the_papers():
    terms = identity()
    assert {t.name: t.sign for t in terms} == SIGNS
    for x in points(seed=1, count=100):
        t = paper_terms(x)
        for term in terms:
            assert term.value(x) == SIGNS[term.name] * t[term.name], term.name


def test_network_shape_weights_and_values():
    c = max5()
    net = c.network
    d = net.to_dict()
    # two hidden layers; integer hidden weights, zero biases, output weights +-1/2
    assert len(d["layers"]) == 3 and [L["activation"] for L in d["layers"]] == ["relu", "relu", "linear"]
    assert net.architecture == "5-12-11-1"  # no worse than PAPER.md's 5-20-11-1
    for L in d["layers"][:2]:
        assert all(F(w).denominator == 1 for row in L["weights"] for w in row)
    assert all(F(b) == 0 for L in d["layers"] for b in L["biases"])
    assert {F(w) for w in d["layers"][2]["weights"][0]} == {F(1, 2), F(-1, 2)}
    for x in points(seed=2):
        assert forward(d, x) == max(x)


def test_certified_on_all_of_r5_and_the_certificate_checks():
    c = max5()
    assert c.domain is None
    v = c.certify()
    assert v.holds is True and v.regions > 0
    assert check_certificate(v.certificate()).valid


def _mutant_refuted(terms, formula):
    net, _ = network(terms)
    v = certify(net, "max(x1, x2, x3, x4, x5)")
    assert v.holds is False
    x = list(v.counterexample.x)
    got = forward(net.to_dict(), x)
    assert got != max(x)  # the counterexample replays
    assert got == formula(x)  # and the mutant network computes the mutant formula there
    return x


def test_a_flipped_sign_is_refuted_with_a_witness():
    terms = [replace(t, sign=-t.sign) if t.name == "Q" else t for t in identity()]
    signs = dict(SIGNS, Q=-1)
    _mutant_refuted(terms, lambda x: sum(signs[k] * v for k, v in paper_terms(x).items()) / 2)


def test_dropping_r13_is_refuted_with_a_witness():
    terms = [t for t in identity() if t.name != "R13"]
    _mutant_refuted(terms, lambda x: sum(SIGNS[k] * v for k, v in paper_terms(x).items() if k != "R13") / 2)


def test_cli_with_the_example_target(tmp_path):
    out = tmp_path / "net.json"
    r = run_cli("construct", "examples/inputs/max5.json", "--method", "max5", "-o", str(out), "--certify")
    assert r.returncode == 0, r.stderr
    assert "certified: holds" in r.stdout
    d = json.loads(out.read_text())
    assert forward(d, [2, 9, -3, F(17, 2), 1]) == 9


def test_cli_accepts_an_equivalent_target_and_refuses_another(tmp_path):
    same = tmp_path / "same.json"
    same.write_text(json.dumps({"format": "exactpwl.pwl", "version": 1, "input_dim": 5,
                                "expr": "max(max(x5, x3), max(x2, max(x4, x1)))"}))  # fmt: skip
    r = run_cli("construct", str(same), "--method", "max5", "--certify")
    assert r.returncode == 0, r.stderr
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"format": "exactpwl.pwl", "version": 1, "input_dim": 5,
                                 "expr": "max(x1, x2, x3, x4)"}))  # fmt: skip
    r = run_cli("construct", str(other), "--method", "max5")
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "not max(x1, ..., x5)" in r.stderr
    r = run_cli("construct", str(ROOT / "examples/inputs/max4.json"), "--method", "max5")
    assert r.returncode == 2 and "R^5" in r.stderr


def test_example_script():
    out = run_example("construct_max5.py").stdout.splitlines()
    assert "max5: architecture 5-12-11-1, certified on R^5: True" in "\n".join(out)
    for line in [ln for ln in out if ln.startswith("mutant (")]:
        x = [F(t) for t in line.split("x = (")[1].split(")")[0].split(", ")]
        net_val = F(line.split("network ")[1].split(",")[0])
        assert F(line.split("max ")[1]) == max(x) != net_val
    assert sum(ln.startswith("mutant (") for ln in out) == 2
