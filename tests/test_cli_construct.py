"""``exactpwl construct``: every construction holds where it says, and says where (issue 7, defect 3).

The written network is re-certified through the independent command ``exactpwl certify NET TARGET``
on exactly the domain the construction names (its ``--json``), or, for a data set, evaluated with
``exactpwl eval`` at every data point.
"""

from __future__ import annotations

import json
import re
from fractions import Fraction

import pytest
from conftest import ROOT

README = (ROOT / "README.md").read_text()
BREAKPOINTS = str(ROOT / "examples" / "inputs" / "breakpoints.json")


def readme_construct_lines() -> list[tuple[str, str]]:
    """(input file, method) of every ``exactpwl construct`` line of README's bash blocks."""
    out = []
    for block in re.findall(r"```bash\n(.*?)```", README, flags=re.S):
        for ln in block.splitlines():
            if ln.startswith("exactpwl construct "):
                args = ln.split("#")[0].split()
                out.append((args[2], args[args.index("--method") + 1]))
    return out


METHODS = readme_construct_lines()


def test_the_readme_lists_the_methods():
    assert len(METHODS) >= 13
    assert ("examples/inputs/breakpoints.json", "hinge") in METHODS


def _construct_json(cli, tmp_path, target: str, method: str) -> tuple[dict, str]:
    net = tmp_path / "net.json"
    r = cli("construct", target, "--method", method, "-o", str(net), "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout), str(net)


@pytest.mark.parametrize("target, method", METHODS, ids=[m for _, m in METHODS])
def test_the_written_network_holds_where_the_construction_says(cli, tmp_path, target, method):
    d, net = _construct_json(cli, tmp_path, target, method)
    assert d["method"] and d["output"] == net
    dom = d["domain"]
    file = json.loads((ROOT / target).read_text())
    if file["format"] == "exactpwl.data":
        # the claim is about the data points, and it is exactly those points
        assert dom == {"points": [[str(Fraction(v)) for v in p] for p in file["points"]]}
        assert d["holds_on"] == f"the {len(file['points'])} data points"
        for p, v in zip(file["points"], file["values"]):
            r = cli("eval", net, *[str(c) for c in p])
            assert r.returncode == 0, r.stderr
            want = v if isinstance(v, list) else [v]
            assert [Fraction(t) for t in r.stdout.split()] == [Fraction(str(t)) for t in want]
        return
    args = ["certify", net, target, "--json"]
    if dom is None:
        assert d["holds_on"] == f"R^{file['input_dim']}"
    else:
        (tmp_path / "dom.json").write_text(json.dumps(dom))
        args += ["--domain", str(tmp_path / "dom.json")]
    r = cli(*args)
    assert r.returncode == 0 and json.loads(r.stdout)["holds"] is True, (method, dom, r.stdout, r.stderr)


@pytest.mark.parametrize("target, method", METHODS, ids=[m for _, m in METHODS])
def test_the_first_line_the_file_and_the_certify_message_name_the_domain(cli, tmp_path, target, method):
    d, net = _construct_json(cli, tmp_path, target, method)
    where = d["holds_on"]
    r = cli("construct", target, "--method", method, "-o", net, "--certify")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].endswith(f" on {where}") or lines[0].endswith(f" at {where}"), lines[0]
    assert where in lines[-1] and lines[-1].startswith("certified: "), lines[-1]
    assert where in json.loads((tmp_path / "net.json").read_text())["description"]


# ---------------------------------------------------------------------- the regressions of issue 7
def test_hinge_equals_the_breakpoints_target_on_the_whole_line(cli, tmp_path):
    # FORMATS.md: a breakpoints target continues its first and last segments; the hinge network did
    # not (flat left of x_0), yet construct said "certified" and certify refuted it
    net = tmp_path / "net.json"
    r = cli("construct", BREAKPOINTS, "--method", "hinge", "-o", str(net), "--certify")
    assert r.returncode == 0 and "certified: holds on R^1" in r.stdout, r.stdout + r.stderr
    r = cli("certify", str(net), BREAKPOINTS)
    assert r.returncode == 0 and r.stdout.startswith("holds:"), r.stdout
    # by hand: f = 2x left of 0 (slope s_0 = 2), 3 + (x - 4) right of 4 (slope s_2 = 1)
    for x, y in [("-3", "-6"), ("-1/2", "-1"), ("3", "2"), ("10", "9")]:
        assert cli("eval", str(net), x).stdout.strip() == y


def test_segment_says_it_holds_on_the_interval_only(cli, tmp_path):
    # the segment form extends by constants (R3): it equals the target on [0, 4] and nowhere beyond
    net = tmp_path / "net.json"
    r = cli("construct", BREAKPOINTS, "--method", "segment", "-o", str(net), "--json", "--certify")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["domain"] == {"box": [["0", "4"]]} and d["holds_on"] == "[0, 4]"
    assert d["certified"] == {"holds": True, "regions": 3}
    assert json.loads(net.read_text())["description"].endswith("on [0, 4]")
    r = cli("certify", str(net), BREAKPOINTS, "--box", "0", "4")
    assert r.returncode == 0, r.stdout
    r = cli("certify", str(net), BREAKPOINTS)  # outside [0, 4] it is flat: refuted, as it says
    assert r.returncode == 1 and cli("eval", str(net), "-1").stdout.strip() == "0"


# ---------------------------------------------------------------------- --list and --json
def test_list_names_every_method_once(cli):
    from exactpwl.construct import methods

    r = cli("construct", "--list")
    assert r.returncode == 0, r.stderr
    names = [ln.split()[0] for ln in r.stdout.splitlines()]
    assert names == sorted(methods()) and {m for _, m in METHODS} <= set(names)
    assert all(len(ln.split(None, 1)) == 2 for ln in r.stdout.splitlines())  # a summary on each line
    r = cli("construct", "--list", "--json")
    assert r.returncode == 0 and sorted(json.loads(r.stdout)["methods"]) == names


def test_json_numbers_are_exact_strings(cli, tmp_path):
    d, _ = _construct_json(cli, tmp_path, BREAKPOINTS, "hinge")
    assert d["architecture"] == "1-4-1" and d["domain"] is None and "certified" not in d
    slopes = [s for s in d["steps"] if s["title"].startswith("Slopes")]
    assert slopes[0]["values"]["s"] == ["2", "-1", "1"]  # by hand: (2-0)/1, (1-2)/1, (3-1)/2


@pytest.mark.parametrize(
    "args, needle",
    [
        (["construct", BREAKPOINTS], "--method"),
        (["construct", "--method", "hinge"], "TARGET"),
        (["construct", "--list", BREAKPOINTS], "--list"),
    ],
)
def test_construct_usage_errors(cli, args, needle):
    r = cli(*args)
    assert r.returncode == 2 and needle in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
