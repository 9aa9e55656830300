"""The command line under bad requests: unwritable outputs, expressions that start with a minus, a
reader that goes away, pictures that cannot be drawn (issue 7, defect 4).

Bad input is exit 2 with one line on stderr that names what and where, never a traceback, never
exit 1 (which reads as "refuted").
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import ROOT

MAX3 = str(ROOT / "examples" / "max3.json")
BREAKPOINTS = str(ROOT / "examples" / "inputs" / "breakpoints.json")


def assert_bad_input(r, *needles: str) -> None:
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    for needle in needles:
        assert needle in r.stderr, r.stderr


def _writers(out: str) -> dict[str, list[str]]:
    """Every command that writes a file, with OUT as that file."""
    return {
        "construct -o": ["construct", BREAKPOINTS, "--method", "hinge", "-o", out],
        "construct -o --certify": ["construct", BREAKPOINTS, "--method", "hinge", "-o", out, "--certify"],
        "regions --graph": ["regions", MAX3, "--graph", out],
        "certify --certificate": ["certify", MAX3, "--expr", "max(0, x1, x2)", "--certificate", out],
        "plot -o": ["plot", MAX3, "-o", out],
    }


@pytest.mark.parametrize("command", sorted(_writers("x")))
@pytest.mark.parametrize("where", ["missing directory", "a directory"])
def test_unwritable_output_is_bad_input(cli, tmp_path, command, where):
    out = tmp_path / "no" / "such" / "dir" / "out.png" if where == "missing directory" else tmp_path
    r = cli(*_writers(str(out))[command])
    assert_bad_input(r, str(out))
    assert r.stdout == ""  # nothing was claimed before the error


def test_unwritable_path_is_found_before_the_work(cli, tmp_path):
    # with a cap of one region this run would stop with exit 3 and a refuted one with exit 1; the
    # bad path is reported first, so nothing else is printed and the exit code is 2
    out = str(tmp_path / "missing" / "c.json")
    r = cli("certify", MAX3, "--expr", "max(0, x1, x2)", "--max-regions", "1", "--certificate", out)
    assert_bad_input(r, "--certificate", out)
    r = cli("regions", MAX3, "--max-regions", "1", "--graph", out)
    assert_bad_input(r, "--graph", out)


@pytest.mark.parametrize("name", ["p.txt", "p", "p.png.exe"])
def test_plot_needs_a_picture_format(cli, tmp_path, name):
    r = cli("plot", MAX3, "-o", str(tmp_path / name))
    assert_bad_input(r, name, ".png")
    assert not list(tmp_path.iterdir())  # nothing written, not even p.png next to p


@pytest.mark.parametrize("box", [("-1e400", "1"), ("0", "1e-400")])
def test_plot_box_beyond_floats_is_bad_input(cli, tmp_path, box):
    # exact numbers that no float can draw: a box too large, or too thin
    r = cli("plot", MAX3, "--box", *box, "-o", str(tmp_path / "p.png"))
    assert_bad_input(r, "--box")


# ---------------------------------------------------------------------- --expr -x1
NEG = {"format": "exactpwl.network", "version": 1, "input_dim": 2, "layers": [
    {"weights": [[-1, 0], [0, 1]], "biases": [0, 0], "activation": "linear"}]}  # (-x1, x2)  # fmt: skip


@pytest.mark.parametrize(
    "args",
    [
        ["--expr", "-x1", "--expr", "x2"],
        ["--expr=-x1", "--expr=x2"],
        ["--expr", "-x1", "--expr=x2", "--json"],
        ["--json", "--expr", "- x1 + 0", "--expr", "x2"],
    ],
)
def test_expr_may_start_with_a_minus(cli, tmp_path, args):
    net = tmp_path / "neg.json"
    net.write_text(json.dumps(NEG))
    r = cli("certify", str(net), *args)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("holds") or json.loads(r.stdout)["holds"] is True


def test_expr_minus_refuted_and_still_an_option_after_it(cli, tmp_path):
    net = tmp_path / "neg.json"
    net.write_text(json.dumps(NEG))
    r = cli("certify", str(net), "--expr", "-x1 - 1", "--expr", "x2", "--json")
    assert r.returncode == 1 and json.loads(r.stdout)["holds"] is False
    # an option right after --expr is not taken for an expression
    assert_bad_input(cli("certify", str(net), "--expr", "--json"), "--expr")


# ---------------------------------------------------------------------- a reader that goes away
def test_closed_stdout_is_not_a_traceback():
    # `exactpwl construct --list | head -0`: the pipe is closed before anything is written
    p = subprocess.Popen(
        [sys.executable, "-m", "exactpwl", "construct", "--list"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    p.stdout.close()
    err = p.stderr.read().decode()
    p.wait(timeout=120)
    assert "Traceback" not in err and "BrokenPipe" not in err, err
    assert p.returncode not in (0, 1, 2, 3)  # not "done", "refuted", "bad input" or "cap"
