"""The command line of ``certify`` and ``check``: exit codes 0 / 1 / 2 / 3, exact JSON, one-line errors.

Networks and targets are written here as JSON by hand; expected answers come from identities
proved on paper and from a plain ``fractions.Fraction`` evaluation of the hand-written networks.
"""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

F = Fraction


def ref_eval(layers, x) -> list[Fraction]:
    """Output of ``layers`` = [(W, b), ...] at x (relu on hidden layers, linear output)."""
    h = [F(v) for v in x]
    for k, (W, b) in enumerate(layers):
        z = [sum((F(w) * v for w, v in zip(row, h)), F(0)) + F(bj) for row, bj in zip(W, b)]
        h = [max(v, F(0)) for v in z] if k < len(layers) - 1 else z
    return h


def net_json(layers) -> dict:
    n = len(layers[0][0][0])
    return {
        "format": "exactpwl.network",
        "version": 1,
        "input_dim": n,
        "layers": [
            {"weights": W, "biases": b, "activation": "relu" if k < len(layers) - 1 else "linear"}
            for k, (W, b) in enumerate(layers)
        ],
    }


def write(tmp_path, name, data) -> str:
    p = tmp_path / name
    p.write_text(data if isinstance(data, str) else json.dumps(data))
    return str(p)


def pwl(n, **body) -> dict:
    return {"format": "exactpwl.pwl", "version": 1, "input_dim": n, **body}


def assert_bad_input(r):
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("exactpwl: error:")
    assert "Traceback" not in r.stderr
    assert r.stdout == ""


# |x| = relu(x) + relu(-x)
ABS = [([[1], [-1]], [0, 0]), ([[1, 1]], [0])]
# max(0, x1, x2) = relu(relu(x1) - relu(-x1) + relu(x2 - x1))
MAX3 = [([[1, 0], [-1, 0], [-1, 1]], [0, 0, 0]), ([[1, -1, 1]], [0]), ([[1]], [0])]
# max(x1, x2) = relu(x1 - x2) + relu(x2) - relu(-x2)
MAX2 = [([[1, -1], [0, 1], [0, -1]], [0, 0, 0]), ([[1, 1, -1]], [0])]
# max(x1, x2, x3, x4), two hidden layers: max(max(x1, x2), max(x3, x4))
M1, M2 = [1, 1, -1, 0, 0, 0], [0, 0, 0, 1, 1, -1]
MAX4 = [
    ([[1, -1, 0, 0], [0, 1, 0, 0], [0, -1, 0, 0], [0, 0, 1, -1], [0, 0, 0, 1], [0, 0, 0, -1]], [0] * 6),
    ([[a - b for a, b in zip(M1, M2)], M2, [-v for v in M2]], [0, 0, 0]),
    ([[1, 1, -1]], [0]),
]


@pytest.fixture
def max3(tmp_path):
    return write(tmp_path, "max3.json", net_json(MAX3))


# ============================================================================ verdicts


def test_holds_json(cli, max3):
    r = cli("certify", max3, "--expr", "max(0, x1, x2)", "--box", "-1", "1", "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)  # stdout holds exactly one JSON object
    assert d["holds"] is True
    assert isinstance(d["regions"], int) and d["regions"] >= 3  # three linear pieces at least
    assert "counterexample" not in d


def test_holds_text(cli, max3):
    r = cli("certify", max3, "--expr", "max(x2, 0, x1)")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("holds")


def test_refuted_json_exact_counterexample(cli, max3):
    target = "max(0, x1, x2 - 1/4)"
    r = cli("certify", max3, "--expr", target, "--box", "-1", "1", "--json")
    assert r.returncode == 1, r.stderr
    d = json.loads(r.stdout)
    assert d["holds"] is False
    cx = d["counterexample"]
    assert all(isinstance(s, str) for s in cx["x"] + cx["network"] + cx["target"])
    x = [F(s) for s in cx["x"]]
    assert all(-1 < v < 1 for v in x)
    assert [F(s) for s in cx["network"]] == ref_eval(MAX3, x) == [max(0, *x)]
    assert [F(s) for s in cx["target"]] == [max(F(0), x[0], x[1] - F(1, 4))]
    assert cx["network"] != cx["target"]


def test_refuted_text_names_the_point(cli, tmp_path):
    net = write(tmp_path, "abs.json", net_json(ABS))
    r = cli("certify", net, "--expr", "abs(x1) + relu(x1 - 1/3) - relu(x1 - 1/2)")
    assert r.returncode == 1, r.stderr
    assert r.stdout.startswith("refuted")
    xline = next(line for line in r.stdout.splitlines() if line.strip().startswith("x"))
    x = F(xline.split("(")[1].split(")")[0])
    assert F(1, 3) < x  # the two differ only for x > 1/3


def test_tiny_tent_refuted_on_the_command_line(cli, tmp_path):
    net = write(tmp_path, "abs.json", net_json(ABS))
    tent = "relu(x1 - 1/3) - 2*relu(x1 - 1/3 - 1e-9/2) + relu(x1 - 1/3 - 1e-9)"
    r = cli("certify", net, "--expr", f"abs(x1) + {tent}", "--box", "-1", "1", "--json")
    assert r.returncode == 1, r.stderr
    cx = json.loads(r.stdout)["counterexample"]
    x = F(cx["x"][0])
    assert F(1, 3) < x < F(1, 3) + F(1, 10**9)
    assert F(cx["target"][0]) > F(cx["network"][0]) == x


def test_max_regions_cap_exit_3(cli, tmp_path):
    net = write(tmp_path, "max4.json", net_json(MAX4))
    r = cli("certify", net, "--expr", "max(x1, x2, x3, x4)", "--max-regions", "1", "--json")
    assert r.returncode == 3, r.stderr
    d = json.loads(r.stdout)
    assert d["holds"] is None and "counterexample" not in d
    cert = tmp_path / "cert.json"
    r = cli("certify", net, "--expr", "max(x1, x2, x3, x4)", "--max-regions", "1", "--certificate", str(cert))
    assert r.returncode == 3
    assert "holds" not in r.stdout and "refuted" not in r.stdout
    assert not cert.exists()  # nothing is claimed, no certificate
    # without the cap the same question is answered (the identity holds)
    r = cli("certify", net, "--expr", "max(x1, x2, x3, x4)", "--box", "-1", "1", "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["holds"] is True


def test_certificate_then_check(cli, tmp_path, max3):
    cert = tmp_path / "cert.json"
    r = cli("certify", max3, "--expr", "max(0, x1, x2)", "--box", "-1", "1", "--certificate", str(cert))
    assert r.returncode == 0, r.stderr
    data = json.loads(cert.read_text())
    assert data["format"] == "exactpwl.certificate" and data["version"] == 2
    r = cli("check", str(cert))
    assert r.returncode == 0, r.stdout + r.stderr
    r = cli("check", str(cert), "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["valid"] is True
    # a certificate with a region removed does not cover the square: rejected
    data["regions"] = data["regions"][:-1]
    bad = write(tmp_path, "bad.json", data)
    r = cli("check", bad, "--json")
    assert r.returncode == 1
    assert json.loads(r.stdout)["valid"] is False


def test_no_certificate_when_refuted(cli, tmp_path, max3):
    cert = tmp_path / "cert.json"
    r = cli("certify", max3, "--expr", "max(0, x1, 2*x2)", "--certificate", str(cert))
    assert r.returncode == 1
    assert not cert.exists()


def test_polyhedral_domain_file(cli, tmp_path, max3):
    # on the triangle x1 <= 0, x2 <= 0, x1 + x2 >= -1, max(0, x1, x2) is 0; max(0, x1 + 1/2) is not
    dom = write(tmp_path, "dom.json", {"A": [[1, 0], [0, 1], [-1, -1]], "b": [0, 0, 1]})
    for expr, code in (("max(0, x1, x2)", 0), ("0", 0), ("max(0, x1 + 1/2)", 1)):
        r = cli("certify", max3, "--expr", expr, "--domain", dom, "--json")
        assert r.returncode == code, (expr, r.stdout, r.stderr)
    cx = json.loads(r.stdout)["counterexample"]
    x1, x2 = (F(s) for s in cx["x"])
    assert x1 < 0 and x2 < 0 and x1 + x2 > -1 and x1 > F(-1, 2)


def test_cross_check_z3(cli, max3):
    r = cli("certify", max3, "--expr", "max(0, x1, x2)", "--cross-check", "z3", "--json")
    assert r.returncode == 0, r.stderr
    r = cli("certify", max3, "--expr", "max(0, x1, x2, -x1 - x2 - 1)", "--cross-check", "z3", "--json")
    assert r.returncode == 1, r.stderr
    x1, x2 = (F(s) for s in json.loads(r.stdout)["counterexample"]["x"])
    assert -x1 - x2 - 1 > max(0, x1, x2)


def test_several_expr_options_for_several_outputs(cli, tmp_path):
    # outputs |x1| and max(x1, x2) from one hidden layer
    layers = [
        ([[1, 0], [-1, 0], [1, -1], [0, 1], [0, -1]], [0] * 5),
        ([[1, 1, 0, 0, 0], [0, 0, 1, 1, -1]], [0, 0]),
    ]
    net = write(tmp_path, "two.json", net_json(layers))
    r = cli("certify", net, "--expr", "abs(x1)", "--expr", "max(x1, x2)", "--json")
    assert r.returncode == 0, r.stderr
    r = cli("certify", net, "--expr", "abs(x1)", "--expr", "max(x2, x1 - 1/8)", "--json")
    assert r.returncode == 1, r.stderr
    cx = json.loads(r.stdout)["counterexample"]
    x = [F(s) for s in cx["x"]]
    assert [F(s) for s in cx["network"]] == ref_eval(layers, x)
    assert [F(s) for s in cx["target"]] == [abs(x[0]), max(x[1], x[0] - F(1, 8))]


# ============================================================================ target files, every form

BP_NET = [([[1], [1], [1], [-1]], [-1, -2, 0, 0]), ([[-3, 2, 2, -2]], [0])]  # 2x - 3 relu(x-1) + 2 relu(x-2)
ABS_DIFF = [([[1, -1], [-1, 1]], [0, 0]), ([[1, 1]], [0])]  # |x1 - x2|
RELU = [([[1]], [0]), ([[1]], [0])]
SQUARE = [[0, 0], [1, 0], [0, 1], [1, 1]]

TARGET_FILES = [
    ("expr", MAX3, pwl(2, expr="max(0, x1, x2)"), None),
    ("expr list", ABS_DIFF, pwl(2, expr=["abs(x2 - x1)"]), None),
    ("breakpoints", BP_NET, pwl(1, breakpoints=[[0, 0], [1, 2], [2, 1], [4, 3]]), None),
    ("breakpoints, JSON decimals", [([["1/10"]], [0])], pwl(1, breakpoints=[[0, 0], [1, 0.1]]), None),
    (
        "triangulation",
        ABS_DIFF,
        pwl(2, triangulation={"points": SQUARE, "simplices": [[0, 1, 3], [0, 2, 3]], "values": [0, 1, 1, 0]}),
        ["0", "1"],
    ),
    (
        "pieces",
        RELU,
        pwl(
            1,
            pieces=[
                {"A": [[1]], "b": [0], "w": [[0]], "c": [0]},
                {"A": [[-1]], "b": [0], "w": [[1]], "c": [0]},
            ],
        ),
        None,
    ),
    # max(0, x1, x2) = relu(max(x1, x2)) = relu(relu(x1 - x2) + relu(x2) - relu(-x2)): a bare network file
    ("network", MAX3, net_json([MAX2[0], ([[1, 1, -1]], [0]), ([[1]], [0])]), None),
    ("pwl with a network", MAX2, pwl(2, network=net_json(MAX2)), None),
]


@pytest.mark.parametrize("name, layers, target, box", TARGET_FILES, ids=[t[0] for t in TARGET_FILES])
def test_target_file_each_form_holds(cli, tmp_path, name, layers, target, box):
    net = write(tmp_path, "net.json", net_json(layers))
    tfile = write(tmp_path, "target.json", target)
    cert = tmp_path / "cert.json"
    args = ["certify", net, tfile, "--json", "--certificate", str(cert)]
    if box:
        args += ["--box", *box]
    r = cli(*args)
    assert r.returncode == 0, r.stdout + r.stderr
    assert json.loads(r.stdout)["holds"] is True
    r = cli("check", str(cert))
    assert r.returncode == 0, r.stdout + r.stderr


def test_target_file_refuted(cli, tmp_path):
    # the JSON number 0.1 is 1/10 exactly: against slope 1/10 + 1/1000 the claim is refuted
    net = write(tmp_path, "net.json", net_json([([["0.101"]], [0])]))
    tfile = write(tmp_path, "t.json", pwl(1, breakpoints=[[0, 0], [1, 0.1]]))
    r = cli("certify", net, tfile, "--json")
    assert r.returncode == 1, r.stderr
    cx = json.loads(r.stdout)["counterexample"]
    x = F(cx["x"][0])
    assert x != 0
    assert F(cx["network"][0]) == F(101, 1000) * x and F(cx["target"][0]) == x / 10
    # triangulation of the other diagonal against |x1 - x2| on the unit square
    net = write(tmp_path, "net.json", net_json(ABS_DIFF))
    tri = {"points": SQUARE, "simplices": [[0, 1, 2], [1, 2, 3]], "values": [0, 1, 1, 0]}
    tfile = write(tmp_path, "t.json", pwl(2, triangulation=tri))
    r = cli("certify", net, tfile, "--box", "0", "1", "--json")
    assert r.returncode == 1, r.stderr
    cx = json.loads(r.stdout)["counterexample"]
    x1, x2 = (F(s) for s in cx["x"])
    assert [F(s) for s in cx["target"]] == [x1 + x2 if x1 + x2 < 1 else 2 - x1 - x2]
    assert [F(s) for s in cx["network"]] == [abs(x1 - x2)]


# ============================================================================ bad input: exit 2, one line


@pytest.mark.parametrize(
    "expr",
    ["x1*x2", "exp(x1)", "y1", "foo(x1, x2)", "x3", "x1 ** 2", "max(x1", "", "1/0", "nan", "x1 / x2"],
)
def test_bad_expr(cli, max3, expr):
    assert_bad_input(cli("certify", max3, "--expr", expr, "--box", "-1", "1"))


def test_no_code_is_executed(cli, max3, tmp_path):
    marker = tmp_path / "pwned"
    for expr in (f"__import__('os').system('touch {marker}')", f'x1 + eval(\'open("{marker}", "w")\')'):
        assert_bad_input(cli("certify", max3, "--expr", expr))
        tfile = write(tmp_path, "t.json", pwl(2, expr=expr))
        assert_bad_input(cli("certify", max3, tfile))
    assert not marker.exists()


BAD_TARGETS = [
    (
        "overlapping simplices",
        2,
        pwl(2, triangulation={"points": SQUARE, "simplices": [[0, 1, 3], [0, 1, 2]], "values": [0, 1, 1, 0]}),
    ),
    (
        "degenerate simplex",
        2,
        pwl(
            2,
            triangulation={"points": [[0, 0], [1, 1], [2, 2]], "simplices": [[0, 1, 2]], "values": [0, 1, 2]},
        ),
    ),
    ("pieces not covering", 1, pwl(1, pieces=[{"A": [[1]], "b": [0], "w": [[0]], "c": [0]}])),
    (
        "discontinuous pieces",
        1,
        pwl(
            1,
            pieces=[
                {"A": [[1]], "b": [0], "w": [[0]], "c": [0]},
                {"A": [[-1]], "b": [0], "w": [[0]], "c": [1]},
            ],
        ),
    ),
    (
        "a point piece that disagrees (issue 7)",
        1,
        pwl(
            1,
            pieces=[
                {"A": [[1], [-1]], "b": [0, 0], "w": [[0]], "c": [5]},
                {"A": [[1]], "b": [0], "w": [[0]], "c": [0]},
                {"A": [[-1]], "b": [0], "w": [[1]], "c": [0]},
            ],
        ),
    ),
    ("input_dim of the expr", 1, pwl(1, expr="x1 + x2")),
    ("target has 1 input, network 2", 2, pwl(1, expr="x1")),
    ("target has 2 outputs", 2, pwl(2, expr=["x1", "x2"])),
    ("unknown key", 2, {**pwl(2, expr="x1"), "colour": "red"}),
    ("two forms", 1, pwl(1, expr="x1", breakpoints=[[0, 0], [1, 1]])),
    ("bad version", 2, {**pwl(2, expr="x1"), "version": 2}),
    ("version as a string", 2, {**pwl(2, expr="x1"), "version": "1"}),
    ("bad format", 2, {**pwl(2, expr="x1"), "format": "exactpwl.pwI"}),
    ("NaN", 1, pwl(1, breakpoints=[[0, 0], [1, "NaN"]])),
    ("breakpoints not increasing", 1, pwl(1, breakpoints=[[1, 0], [0, 1]])),
    ("not JSON", 2, '{"format": "exactpwl.pwl", "version": 1,'),
    (
        "JSON NaN literal",
        1,
        '{"format": "exactpwl.pwl", "version": 1, "input_dim": 1, "breakpoints": [[0, 0], [1, NaN]]}',
    ),
]


@pytest.mark.parametrize("name, n, target", BAD_TARGETS, ids=[t[0] for t in BAD_TARGETS])
def test_bad_target_file(cli, tmp_path, name, n, target):
    net = write(tmp_path, "net.json", net_json(RELU if n == 1 else MAX2))
    tfile = write(tmp_path, "t.json", target)
    r = cli("certify", net, tfile, "--box", "-1", "1")
    assert_bad_input(r)


def test_point_piece_that_disagrees_names_the_point(cli, tmp_path):
    # issue 7: relu(x) as two half-lines plus the point {0} with value 5; on all of R, with z3
    target = next(t for name, _, t in BAD_TARGETS if name.startswith("a point piece"))
    net = write(tmp_path, "net.json", net_json(RELU))
    tfile = write(tmp_path, "t.json", target)
    for extra in ([], ["--cross-check", "z3"], ["--certificate", str(tmp_path / "c.json")]):
        r = cli("certify", net, tfile, *extra)
        assert_bad_input(r)
        assert "both hold at (0) and disagree there (5 against 0)" in r.stderr
    assert not (tmp_path / "c.json").exists()


def test_pieces_error_names_the_point(cli, tmp_path):
    net = write(tmp_path, "net.json", net_json(RELU))
    tfile = write(tmp_path, "t.json", pwl(1, pieces=[{"A": [[1]], "b": [0], "w": [[0]], "c": [0]}]))
    r = cli("certify", net, tfile, "--box", "-1", "1")
    assert_bad_input(r)
    x = F(r.stderr.split("(")[-1].split(")")[0])
    assert 0 < x <= 1  # a point of the box that no piece contains


@pytest.mark.parametrize(
    "args",
    [
        [],  # neither a target file nor --expr
        ["TARGET", "--expr", "x1"],  # both
        ["--expr", "max(0, x1, x2)", "--box", "1", "-1"],  # empty box
        ["--expr", "max(0, x1, x2)", "--max-regions", "0"],
        ["--expr", "max(0, x1, x2)", "--cross-check", "cvc5"],
        ["--expr", "max(0, x1, x2)", "--box", "a", "1"],
        ["missing-file.json"],
    ],
)
def test_usage_errors(cli, tmp_path, max3, args):
    tfile = write(tmp_path, "t.json", pwl(2, expr="x1"))
    args = [tfile if a == "TARGET" else a for a in args]
    assert_bad_input(cli("certify", max3, *args))


def test_unwritable_certificate_path_is_bad_input(cli, tmp_path, max3):
    # the claim holds but the certificate cannot be written: exit 2 with one line, not a
    # traceback with exit 1 (which would read as "refuted")
    cert = tmp_path / "no" / "such" / "dir" / "cert.json"
    r = cli("certify", max3, "--expr", "max(0, x1, x2)", "--certificate", str(cert))
    assert_bad_input(r)


def test_check_bad_file(cli, tmp_path):
    assert_bad_input(cli("check", str(tmp_path / "nope.json")))
    assert_bad_input(cli("check", write(tmp_path, "c.json", "{not json")))
