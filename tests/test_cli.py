"""The command line: exact answers, JSON on stdout only, exit codes, one-line errors."""

from __future__ import annotations

import json

import networkx as nx
import pytest
from conftest import ROOT

MAX3 = str(ROOT / "examples" / "max3.json")


def _net_file(tmp_path, text: str, name: str = "net.json") -> str:
    p = tmp_path / name
    p.write_text(text)
    return str(p)


# ------------------------------------------------------------------------- eval
@pytest.mark.parametrize(
    "x, expected",
    [
        # max(0, x1, x2), by hand
        (["-1/2", "0.25"], "1/4"),
        (["3/2", "-7"], "3/2"),
        (["-1", "-1e-3"], "0"),
        (["0", "0"], "0"),
    ],
)
def test_eval_exact(cli, x, expected):
    r = cli("eval", MAX3, *x)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == expected


def test_eval_json(cli):
    r = cli("eval", MAX3, "0.1", "-2", "--json")
    assert r.returncode == 0
    assert json.loads(r.stdout) == {"x": ["1/10", "-2"], "output": ["1/10"]}


# ------------------------------------------------------------------------- regions
def test_regions_json_whole_plane(cli):
    # max(0, x1, x2) with hidden units relu(x1), relu(-x1), relu(x2 - x1) and relu(max(x1, x2)):
    # lines x1 = 0 and x2 = x1 make 4 sectors; the sector {x1 < 0, x2 > x1} is cut by x2 = 0.
    # 5 regions, none bounded; maps 0 (two regions, adjacent), x2 (two, adjacent), x1: 3 pieces.
    r = cli("regions", MAX3, "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)  # stdout holds only the JSON (no solver banner)
    assert (d["regions"], d["pieces"], d["bounded"], d["complete"]) == (5, 3, 0, True)


def test_regions_box_and_graphml(cli, tmp_path):
    out = tmp_path / "g.graphml"
    r = cli("regions", MAX3, "--box", "-1", "1", "--json", "--graph", str(out))
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert (d["regions"], d["pieces"], d["bounded"]) == (5, 3, 5)
    G = nx.read_graphml(out)
    assert G.number_of_nodes() == 5 and G.number_of_edges() == d["edges"]
    for _, data in G.nodes(data=True):
        pt = json.loads(data["interior_point"])
        assert all(isinstance(v, str) for v in pt)


def test_regions_text(cli):
    r = cli("regions", MAX3, "--box", "-2", "3")
    assert r.returncode == 0
    assert "activation regions: 5 (5 bounded)" in r.stdout
    assert "linear pieces:      3" in r.stdout


def test_regions_domain_file(cli, tmp_path):
    # the triangle x1 >= -1, x2 >= -1, x1 + x2 <= 1 contains (0, 0): the lines x1 = 0, x2 = x1 and
    # the ray {x2 = 0, x1 < 0} all cross it, so all 5 regions meet it, each in a bounded piece
    dom = _net_file(tmp_path, json.dumps({"A": [[-1, 0], [0, -1], [1, 1]], "b": [1, 1, 1]}), "dom.json")
    r = cli("regions", MAX3, "--domain", dom, "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert (d["regions"], d["bounded"]) == (5, 5)
    # in the box [1, 2]^2 only the line x2 = x1 passes: regions {x2 < x1} (map x1), {x2 > x1} (map x2)
    dom2 = _net_file(tmp_path, json.dumps({"box": [[1, 2], [1, 2]]}), "dom2.json")
    d2 = json.loads(cli("regions", MAX3, "--domain", dom2, "--json").stdout)
    assert (d2["regions"], d2["pieces"]) == (2, 2)


def test_regions_cap_exits_3_and_claims_no_count(cli):
    r = cli("regions", MAX3, "--max-regions", "2", "--json")
    assert r.returncode == 3
    d = json.loads(r.stdout)
    assert d["complete"] is False and "regions" not in d and d["found"] <= 2 and d["unexplored"] >= 1


@pytest.mark.parametrize("backend", ["ppl", "highs", "exact-lp"])
def test_backends_agree(cli, backend):
    d = json.loads(cli("regions", MAX3, "--box", "-1", "1", "--json", "--backend", backend).stdout)
    assert (d["regions"], d["pieces"]) == (5, 3)


# ------------------------------------------------------------------------- bad input
GOOD = {
    "format": "exactpwl.network",
    "version": 1,
    "input_dim": 1,
    "layers": [
        {"weights": [[1], [-1]], "biases": [0, 0], "activation": "relu"},
        {"weights": [[1, 1]], "biases": [0], "activation": "linear"},
    ],
}


def _variant(**changes):
    d = json.loads(json.dumps(GOOD))
    for path, value in changes.items():
        keys = path.split("__")
        tgt = d
        for k in keys[:-1]:
            tgt = tgt[int(k)] if k.isdigit() else tgt[k]
        last = keys[-1]
        tgt[int(last) if last.isdigit() else last] = value
    return json.dumps(d)


BAD_FILES = {
    "malformed": ('{"format": "exactpwl.network", "version": 1,', "line"),
    "nan": (json.dumps(GOOD).replace('"biases": [0, 0]', '"biases": [NaN, 0]'), "NaN"),
    "infinity": (json.dumps(GOOD).replace('"biases": [0, 0]', '"biases": [Infinity, 0]'), "Infinity"),
    "div0": (_variant(layers__0__biases=["1/0", 0]), "layer 1"),
    "empty string": (_variant(layers__0__biases=["", 0]), "layer 1"),
    "unknown key": (_variant(colour="red"), "colour"),
    "wrong format": (_variant(format="onnx"), "format"),
    "wrong version": (_variant(version=2), "version"),
    "bad activation": (_variant(layers__1__activation="tanh"), "layer 2"),
    "row too long": (_variant(layers__1__weights=[[1, 1, 1]]), "layer 2"),
    "biases too short": (_variant(layers__0__biases=[0]), "layer 1"),
    "input_dim mismatch": (_variant(input_dim=2), "input_dim"),
    "code": (_variant(layers__0__biases=["__import__('os').system('true')", 0]), "layer 1"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_network_files(cli, tmp_path, name):
    text, needle = BAD_FILES[name]
    path = _net_file(tmp_path, text)
    for args in (("eval", path, "1"), ("regions", path, "--json")):
        r = cli(*args)
        assert r.returncode == 2, (name, r.stdout, r.stderr)
        assert r.stdout == ""
        assert "Traceback" not in r.stderr
        assert len(r.stderr.strip().splitlines()) == 1, r.stderr
        assert needle in r.stderr, r.stderr


@pytest.mark.parametrize(
    "args, needle",
    [
        (("eval", MAX3, "1"), "2 inputs"),
        (("eval", MAX3, "1", "abc"), "coordinate 2"),
        (("eval", MAX3, "1", "1/0"), "coordinate 2"),
        (("eval", "missing.json", "1"), "missing.json"),
        (("regions", MAX3, "--box", "1", "-1"), "--box"),
        (("regions", MAX3, "--box", "nan", "1"), "--box"),
        (("regions", MAX3, "--max-regions", "0"), "--max-regions"),
        (("regions", MAX3, "--backend", "cplex"), "usage"),
        (("regions", MAX3, "--box", "0", "1", "--domain", "x.json"), "usage"),
        (("frobnicate",), "usage"),
        ((), "usage"),
    ],
)
def test_bad_arguments(cli, args, needle):
    r = cli(*args)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert needle in r.stderr


@pytest.mark.parametrize(
    "domain, needle",
    [
        ({"box": [[0, 1]]}, "pairs"),  # one pair for a 2-input network
        ({"box": [[0, 1], [2, 2]]}, "box"),  # lo == hi: not full-dimensional
        ({"A": [[1, 0], [-1, 0]], "b": [0, 0]}, "full-dimensional"),  # the line x1 = 0
        ({"A": [[1, 0]], "b": [0], "c": [1]}, "keys"),
        ({"A": [[1, 0, 0]], "b": [0]}, "row 1"),
    ],
)
def test_bad_domain_files(cli, tmp_path, domain, needle):
    path = _net_file(tmp_path, json.dumps(domain), "dom.json")
    r = cli("regions", MAX3, "--domain", path)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    assert needle in r.stderr, r.stderr
