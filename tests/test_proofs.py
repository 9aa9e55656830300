"""The proof scripts (exactpwl.proofs): every script holds in quick mode, its mutant falls with a
witness that is re-checked here independently (own Fraction arithmetic), and the exhaustive
families have the sizes computed by hand."""

from __future__ import annotations

import itertools
import json
import math
from fractions import Fraction as F
from importlib import import_module

import pytest
import sympy
from conftest import ROOT, brute_term_rank, fraction_rank, run_cli, union_jack_simplices

from exactpwl import cli, proofs
from exactpwl.proofs import SCRIPTS, Witness, run, value_witness
from exactpwl.proofs.r18_lattice import union_jack

# ------------------------------------------------------------------ independent re-checking


def forward(net: dict, x) -> list[F]:
    """An exactpwl.network JSON object evaluated at x in Fractions."""
    h = [F(v) for v in x]
    for L in net["layers"]:
        z = [sum((F(w) * v for w, v in zip(row, h)), F(b)) for row, b in zip(L["weights"], L["biases"])]
        acts = L["activation"] if isinstance(L["activation"], list) else [L["activation"]] * len(z)
        h = [max(v, F(0)) if a == "relu" else v for v, a in zip(z, acts)]
    return h


def target_value(t: dict, x) -> list[F]:
    """An exactpwl.pwl (or network) JSON object at x, each form evaluated by its own definition."""
    x = [F(v) for v in x]
    if t["format"] == "exactpwl.network":
        return forward(t, x)
    if "expr" in t:
        syms = sympy.symbols(f"x1:{len(x) + 1}")
        names = {f"x{i + 1}": s for i, s in enumerate(syms)}
        names.update(max=sympy.Max, min=sympy.Min, abs=sympy.Abs, relu=lambda e: sympy.Max(e, 0))
        exprs = t["expr"] if isinstance(t["expr"], list) else [t["expr"]]
        subs = {s: sympy.Rational(v.numerator, v.denominator) for s, v in zip(syms, x)}
        return [F(str(sympy.sympify(e, locals=names).subs(subs))) for e in exprs]
    if "breakpoints" in t:
        pts = [(F(a), F(b)) for a, b in t["breakpoints"]]
        i = next((k for k in range(len(pts) - 1) if x[0] <= pts[k + 1][0]), len(pts) - 2)
        (x0, y0), (x1, y1) = pts[i], pts[i + 1]  # outside: the first or last segment continues
        return [y0 + (y1 - y0) * (x[0] - x0) / (x1 - x0)]
    if "triangulation" in t:
        tri = t["triangulation"]
        P = [[F(v) for v in p] for p in tri["points"]]
        for s in tri["simplices"]:
            a, b, c = (P[i] for i in s)
            det = (b[0] - a[0]) * (c[1] - a[1]) - (c[0] - a[0]) * (b[1] - a[1])
            l1 = ((x[0] - a[0]) * (c[1] - a[1]) - (c[0] - a[0]) * (x[1] - a[1])) / det
            l2 = ((b[0] - a[0]) * (x[1] - a[1]) - (x[0] - a[0]) * (b[1] - a[1])) / det
            lam = [1 - l1 - l2, l1, l2]
            if min(lam) >= 0:
                return [sum(li * F(tri["values"][i]) for li, i in zip(lam, s))]
    raise AssertionError(f"cannot evaluate target {t}")


def confirm(w: Witness) -> None:
    """Re-check a witness from its JSON data alone, with Fractions."""
    d = w.data
    if w.kind == "value":
        got = forward(d["network"], d["x"])
        assert got == [F(v) for v in d["network_value"]]
        assert got != [F(v) for v in d["claimed"]]
        if "target" in d:  # the claimed value is the target's own value there
            assert target_value(d["target"], d["x"]) == [F(v) for v in d["claimed"]]
    elif w.kind == "collision":
        assert [F(v) for v in d["x"]] != [F(v) for v in d["y"]]
        assert forward(d["network"], d["x"]) == forward(d["network"], d["y"])
        if "labels" in d:
            assert F(d["labels"][0]) != F(d["labels"][1])
    elif w.kind == "system":
        A, y, u = ([[F(v) for v in r] for r in d["A"]], [F(v) for v in d["y"]], [F(v) for v in d["u"]])
        assert all(sum(ui * row[j] for ui, row in zip(u, A)) == 0 for j in range(len(A[0])))
        assert sum(ui * yi for ui, yi in zip(u, y)) != 0
    elif w.kind == "rank":
        assert fraction_rank(d["matrix"]) == d["rank"] != d["claimed"]
        assert brute_term_rank(d["matrix"]) == d["term_rank"]
    elif w.kind == "separability":
        A, B = [[F(v) for v in p] for p in d["A"]], [[F(v) for v in p] for p in d["B"]]
        wv, c, delta = [F(v) for v in d["w"]], F(d["c"]), F(d["delta"])
        assert delta > 0
        assert all(sum(a * b for a, b in zip(wv, p)) - c >= delta for p in A)
        assert all(sum(a * b for a, b in zip(wv, p)) - c <= -delta for p in B)
        T, t = [[F(v) for v in r] for r in d["T"]], [F(v) for v in d["t"]]

        def image(p):
            return [sum(a * b for a, b in zip(row, p)) + ti for row, ti in zip(T, t)]

        lam, mu = [F(v) for v in d["lam"]], [F(v) for v in d["mu"]]
        assert min(lam + mu) >= 0 and sum(lam) == sum(mu) == 1
        pa = [sum(li * image(p)[k] for li, p in zip(lam, A)) for k in range(len(T))]
        pb = [sum(mi * image(p)[k] for mi, p in zip(mu, B)) for k in range(len(T))]
        assert pa == pb
    else:
        raise AssertionError(f"unknown witness kind {w.kind}")


# ------------------------------------------------------------------ every script, quick


@pytest.fixture(scope="module")
def quick_reports():
    return {name: run(name, quick=True) for name in SCRIPTS}


def test_there_is_one_script_per_result():
    assert [import_module(f"exactpwl.proofs.{s}").RESULT for s in SCRIPTS] == [f"R{i}" for i in range(1, 21)]
    for s in SCRIPTS:
        m = import_module(f"exactpwl.proofs.{s}")
        assert m.__doc__.startswith(f"{m.RESULT}. ")  # the statement, with its R-number
        assert hasattr(m, "exhaustive") or hasattr(m, "sampled")


@pytest.mark.parametrize("name", SCRIPTS)
def test_script_holds_and_its_mutant_falls(quick_reports, name):
    r = quick_reports[name]
    assert r.error is None, r.notes
    assert r.held, r.failure
    assert r.mutant_refuted
    confirm(r.mutant_witness)


def c(n, k):
    return math.comb(n, k)


def multisets(s, k):
    return c(s + k - 1, k)


def thresholds(sizes):
    """R2's threshold placements: 3 choices for t_1, 4 g - 1 inside a gap of length g."""
    return sum(3 * math.prod(4 * (b - a) - 1 for a, b in zip(xs, xs[1:])) for k in sizes
               for xs in itertools.combinations(range(4), k))  # fmt: skip


def burnside_d4_grid() -> int:
    """0/1 labellings of the 3 x 3 grid up to the 8 symmetries of the square (Burnside):
    identity 2^9; rotations by 90/270: 3 cycles; by 180: 5; the 4 reflections: 6 each."""
    return (2**9 + 2 * 2**3 + 2**5 + 4 * 2**6) // 8


INVERTIBLE_2X2 = 3**4 - (5 * 5 + 2 * 2 + 2 * 2)  # ad = bc: products 0 (5 ways), 1 (2), -1 (2)

# (quick, full) sizes of the exhaustive families, from formulas
EXHAUSTIVE = {
    "R1": (multisets(32, 1) + multisets(32, 2), sum(multisets(48, k) for k in (1, 2, 3))),
    "R2": (multisets(32, 1) + multisets(32, 2) + thresholds((2, 3)),
           multisets(48, 1) + multisets(48, 2) + thresholds((2, 3, 4))),
    "R3": (sum(c(7, k) for k in range(2, 5)), sum(c(9, k) for k in range(2, 7))),
    "R4": (sum(c(4, k) * 6**k for k in range(1, 4)), sum(c(5, k) * 6**k for k in range(1, 5))),
    "R5": (sum(c(5, k) * 3**k for k in range(1, 4)), sum(c(7, k) * 3**k for k in range(1, 6))),
    "R6": (sum((c(9, k) + c(8, k)) * 2**k for k in range(1, 3)),
           sum((c(9, k) + c(8, k)) * 2**k for k in range(1, 6))),
    "R7": (multisets(32, 1) + multisets(32, 2) + 2, sum(multisets(48, k) for k in (1, 2, 3)) + 2),
    "R8": (3 + 2 * 19**2, 3 + 2 * 19**2),
    "R9": (multisets(24, 1) + multisets(24, 2), sum(multisets(24, k) for k in (1, 2, 3))),
    "R10": (INVERTIBLE_2X2 * 2, INVERTIBLE_2X2 * 2 * 5),
    "R11": (4 * 10, 2 * 16 * 10),
    "R12": (8 * 72, (8 + multisets(8, 2)) * sum(c(4, k) * 2**k for k in range(2, 5))),
    "R13": (1 + c(6, 2) * 2 + c(6, 3) * 6, 1 + sum(c(9, k) * (2**k - 2) for k in range(2, 5))),
    "R14": (c(9, 2) + c(9, 3), c(9, 2) + c(9, 3) + c(9, 4)),
    "R15": (multisets(16, 2), multisets(16, 2) + multisets(16, 3)),
    "R16": (sum(2 ** (r * k) for r in range(1, 4) for k in range(1, 4)),
            sum(2 ** (r * k) for r in range(1, 5) for k in range(1, 5))),
    "R17": (c(9, 2) + c(9, 3), sum(c(9, k) for k in range(2, 6))),
    "R18": (2 * 16, 2 * 16 + burnside_d4_grid()),
    "R19": (5 + 5 * 65 + 8 * 3 * 2, 5 + 5 * 65 + 8 * 3 * 2),
    "R20": (1 + 3**5, 1 + 5**5),
}  # fmt: skip


def test_hand_counts():
    assert INVERTIBLE_2X2 == 48 and burnside_d4_grid() == 102
    assert thresholds((2,)) == 102 and thresholds((3,)) == 180 and thresholds((4,)) == 81


@pytest.mark.parametrize("name", SCRIPTS)
def test_exhaustive_family_sizes(quick_reports, name):
    r = quick_reports[name]
    quick, full = EXHAUSTIVE[r.result]
    assert r.exhaustive == quick
    mod = import_module(f"exactpwl.proofs.{name}")
    assert sum(1 for _ in mod.exhaustive(False)) == full


def test_union_jack_is_the_test_suites():
    assert union_jack() == union_jack_simplices()


# ------------------------------------------------------------------ the runner and the command


def test_a_failing_case_is_written_as_replayable_files(tmp_path, monkeypatch):
    mod = import_module("exactpwl.proofs.r03_one_d")
    from exactpwl.construct.one_d import hinge

    def broken(case, mutant=False):
        if mutant:
            return None
        net = hinge([list(p) for p in case]).network
        a = case[0][0]
        return value_witness("R3: broken on purpose", net, [a], [case[0][1] + 1], {
            "format": "exactpwl.pwl", "version": 1, "input_dim": 1,
            "breakpoints": [[str(x), str(y + 1)] for x, y in case]})  # fmt: skip

    monkeypatch.setattr(mod, "check", broken)
    code = cli.main(["prove", "R3", "--quick", "--witnesses", str(tmp_path)])
    assert code == 1
    rec = json.loads((tmp_path / "R3-failure.json").read_text())
    assert rec["format"] == "exactpwl.witness" and rec["kind"] == "value"
    confirm(Witness(rec["kind"], rec["claim"], rec))
    # the files replay with the command line
    net_file = tmp_path / "R3-failure.network.json"
    r = run_cli("eval", str(net_file), *rec["x"])
    assert r.returncode == 0 and F(r.stdout.strip()) == F(rec["network_value"][0]) != F(rec["claimed"][0])
    r = run_cli("certify", str(net_file), str(tmp_path / "R3-failure.target.json"))
    assert r.returncode == 1 and r.stdout.startswith("refuted")
    assert any(line.startswith("exactpwl eval R3-failure.network.json") for line in rec["replay"])


def test_a_surviving_mutant_and_an_error_fail_the_run(monkeypatch, capsys):
    mod = import_module("exactpwl.proofs.r08_depth")
    monkeypatch.setattr(mod, "check", lambda case, mutant=False: None)
    assert cli.main(["prove", "R8"]) == 1
    out = capsys.readouterr().out
    assert "NO (survived)" in out and "the mutant survived" in out

    def boom(case, mutant=False):
        raise ZeroDivisionError("on purpose")

    monkeypatch.setattr(mod, "check", boom)
    r = run(mod, quick=True)
    assert not r.ok and r.error == "ZeroDivisionError: on purpose" and not r.held


def test_cli_json_and_jobs():
    r = run_cli("prove", "--quick", "R8", "r19", "--json", "--jobs", "2")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["ok"] and [x["result"] for x in d["results"]] == ["R8", "R19"]
    assert d["cases"] == EXHAUSTIVE["R8"][0] + EXHAUSTIVE["R19"][0]
    assert all(x["held"] and x["mutant_refuted"] for x in d["results"])
    assert d["interpretive"] == []  # listed only when every script runs


def test_cli_list_and_unknown_names():
    r = run_cli("prove", "--list")
    assert r.returncode == 0
    lines = r.stdout.splitlines()
    assert [ln.split()[0] for ln in lines[:20]] == [f"R{i}" for i in range(1, 21)]
    assert sum(ln.startswith("interpretive, not checked: ") for ln in lines) == len(proofs.INTERPRETIVE) >= 6
    for bad in (["R21"], ["R3", "nope"], ["--jobs", "0"]):
        r = run_cli("prove", *bad)
        assert r.returncode == 2 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr


def test_readme_full_table_counts_are_true():
    """README shows a full run as text (times vary); its case counts must be today's."""
    readme = (ROOT / "README.md").read_text()
    block = readme.split("The full run, measured")[1].split("```text\n")[1].split("```")[0]
    rows = [ln for ln in block.splitlines() if ln[:1] == "R"]
    assert len(rows) == 20
    for row, name in zip(rows, SCRIPTS):
        mod = import_module(f"exactpwl.proofs.{name}")
        sampled = sum(1 for _ in mod.sampled(False)) if hasattr(mod, "sampled") else 0
        cases = f"{EXHAUSTIVE[mod.RESULT][1]:,}" + (f" + {sampled:,}" if sampled else "")
        assert row.split()[0] == mod.RESULT and f"  {cases}  " in row and row.count(" yes ") == 2, row
