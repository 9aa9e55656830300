"""LaTeX export: every kind compiles with the real pdflatex, the PDF says the exact numbers, and the
region tables, read back from the .tex, are the network's (or target's) exact maps.

The maps are checked independently of the printer and of the region walk: the test evaluates the
function itself with ``fractions.Fraction`` (a plain forward pass, or the expression) at rational
points, and reads the table with sympy's LaTeX parser (antlr).  pdflatex tests skip without
pdflatex, except in CI (``CI`` set by ``.ci/run``), where a missing pdflatex is a failure.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import subprocess
from fractions import Fraction as F

import pytest
import sympy
from conftest import ROOT

from exactpwl import PWL, Network, certify
from exactpwl.construct import Step, methods
from exactpwl.formula import Eq, Relu, evaluate, sym
from exactpwl.latex import document, fragment, latex, notebook, prove_table

PDFLATEX = shutil.which("pdflatex")
PDFTOTEXT = shutil.which("pdftotext")
needs_tex = pytest.mark.skipif(
    not (PDFLATEX and PDFTOTEXT),
    reason="pdflatex/pdftotext missing: apt-get install texlive-latex-base poppler-utils",
)
MAX3 = Network.load(ROOT / "examples" / "max3.json")


def test_ci_has_pdflatex():
    # CI must compile every export, never skip: .ci/run sets CI and installs TeX Live
    if os.environ.get("CI"):
        assert PDFLATEX and PDFTOTEXT, "CI without pdflatex/pdftotext: .ci/run must install them"


def compile_pdf(tmp_path, tex: str, name: str = "doc") -> str:
    """Compile ``tex`` (a whole document) with pdflatex and return the PDF's text."""
    (tmp_path / f"{name}.tex").write_text(tex)
    r = subprocess.run(
        [PDFLATEX, "-interaction=nonstopmode", "-halt-on-error", f"{name}.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stdout[-3000:]
    out = subprocess.run([PDFTOTEXT, f"{name}.pdf", "-"], cwd=tmp_path, capture_output=True, text=True)
    return out.stdout


# ---------------------------------------------------------------------- numbers and formulas
def test_exact_numbers():
    from flint import fmpq

    assert latex(F(-1, 2)) == r"-\frac{1}{2}"
    assert latex(fmpq(7, 3)) == r"\frac{7}{3}" and latex(F(4, 2)) == "2" and latex(-5) == "-5"
    assert latex(sympy.Rational(-3, 4) * sym("x")) == r"-\frac{3}{4} x"
    assert latex([[1, F(-1, 2)], [0, 3]]) == r"\begin{pmatrix} 1 & -\frac{1}{2} \\ 0 & 3 \end{pmatrix}"
    wide = latex([list(range(12))])  # amsmath's pmatrix stops at 10 columns
    assert wide.startswith(r"\left(\begin{array}{*{12}{r}}")
    with evaluate(False):  # formulas keep the order they are written in
        assert latex(Relu(sym("x") - 1)) == r"\operatorname{ReLU}\left(x - 1\right)"


def test_step_is_structured():
    s = Step("derived", "Slopes", Eq(sym("s"), 2), {"regions": 5, sym("v"): [F(1, 2)]})
    assert s["regions"] == 5 and s["v"] == [F(1, 2)] and s.formula_text == "s = 2"
    assert s.to_json() == {
        "kind": "derived",
        "title": "Slopes",
        "formula": "s = 2",
        "values": {"regions": "5", "v": ["1/2"]},
    }
    with pytest.raises(ValueError):
        Step("guess", "x")
    with pytest.raises(TypeError):
        Step("derived", "x", "a = b")  # a formula is a sympy object, not text


# ---------------------------------------------------------------------- region tables read back
def forward(net: Network, x) -> tuple[list[F], tuple[int, ...]]:
    """A plain forward pass in Fractions, and the activation pattern (independent of the package)."""
    h, pattern = list(x), []
    for L in net.layers:
        W = [[F(int(v.p), int(v.q)) for v in row] for row in L.weights.tolist()]
        b = [F(int(L.biases[j, 0].p), int(L.biases[j, 0].q)) for j in range(L.units)]
        z = [sum((w * hi for w, hi in zip(row, h)), bj) for row, bj in zip(W, b)]
        pattern += [int(v > 0) for v, r in zip(z, L.relu) if r]
        h = [max(v, F(0)) if r else v for v, r in zip(z, L.relu)]
    return h, tuple(pattern)


def read_table(tex: str, name: str, n: int) -> list[tuple[sympy.Expr, list]]:
    """The cases of ``name(x) &= \\begin{cases} ... \\end{cases}``: (map, inequalities) per line."""
    from sympy.parsing.latex import parse_latex

    body = re.search(name + r"\(x\) &= \\begin\{cases\} (.*?) \\end\{cases\}", tex, re.S).group(1)
    out, current = [], None
    for line in body.split(r" \\ "):
        value, cond = line.split(" & ", 1)
        if value.strip() == r"\dots":
            continue
        if value.strip():
            current = parse_latex(value.strip())
        cond = re.sub(r"\\text\{(if|or) \}", "", cond).strip()
        rels = [parse_latex(c.strip()) for c in cond.split(", ")] if "x \\in" not in cond else []
        out.append((current, rels))
    return out


def _xs(n: int) -> list[sympy.Symbol]:
    return [sympy.Symbol(f"x_{{{i + 1}}}") for i in range(n)]


def check_table(tex: str, name: str, n: int, value, lo: int = -3, hi: int = 3, step: F = F(1, 2)) -> int:
    """Every grid point of [lo, hi]^n: some line holds there, and its map gives ``value(x)``;
    each line's map is the function's on an open set (n + 1 affinely independent points of one
    activation pattern strictly inside the line's region).  Returns the number of lines."""
    lines = read_table(tex, name, n)
    xs = _xs(n)

    def at(e, x):  # the parser builds unevaluated trees: expand to one exact number
        return sympy.Rational(sympy.expand(e.xreplace({v: sympy.Rational(c) for v, c in zip(xs, x)}).doit()))

    def holds(rels, x, strict=False):
        for r in rels:
            lhs, rhs = (at(e, x) for e in (r.lhs, r.rhs))
            d = rhs - lhs if isinstance(r, (sympy.LessThan, sympy.StrictLessThan)) else lhs - rhs
            if d < 0 or (strict and d == 0):
                return False
        return True

    grid = [lo + F(k) * step for k in range(int((hi - lo) / step) + 1)]
    for x in itertools.product(grid, repeat=n):
        hit = [m for m, rels in lines if holds(rels, x)]
        assert hit, f"no line of the table holds at {x}"
        for m in hit:
            assert at(m, x) == value(x), (x, m)
    for m, rels in lines:

        def within(q, rels=rels):  # the table leaves the domain's rows out: stay in the open box
            return holds(rels, q, strict=True) and all(lo < c < hi for c in q)

        inside = [x for x in itertools.product(grid, repeat=n) if within(x)]
        if not inside:
            continue  # a thin region: the grid points above already checked its closure
        p = inside[0]
        d = F(1, 64)
        while True:
            pts = [p] + [tuple(c + (d if i == k else 0) for i, c in enumerate(p)) for k in range(n)]
            if all(within(q) for q in pts):
                break
            d /= 2
        for q in pts:
            assert at(m, q) == value(q)
    return len(lines)


def test_network_region_table_is_the_networks_map():
    tex = latex(MAX3)
    assert "N has 3 linear pieces (5 activation regions" in tex
    lines = check_table(tex, "N", 2, lambda x: forward(MAX3, x)[0][0])
    assert lines == 5  # max(0, x1, x2): pieces 0 and x2 are made of two regions each


def test_a_random_deeper_network_table():
    net = Network.from_layers(
        [
            ([[1, -2], [F(1, 2), 1], [-1, F(-1, 3)]], [0, -1, 1]),
            ([[1, -1, 2], [F(-1, 2), 1, 1]], [0, F(1, 2)]),
            ([[1, -1]], [0]),
        ]
    )
    check_table(latex(net, max_pieces=None), "N", 2, lambda x: forward(net, x)[0][0])


def test_target_tables_are_the_targets_map():
    for t in [
        PWL.from_expr("max(0, x1, x2) - 1/2*abs(x1)", 2),
        PWL.from_expr("min(x1, 2*x2 - 1/3) + relu(x2 - x1)", 2),
        PWL.from_breakpoints([[0, 0], [1, 2], [2, 1], [4, 3]]),
    ]:
        check_table(latex(t), "f", t.input_dim, lambda x, t=t: t(list(x))[0])


def test_a_triangulation_table_stays_on_its_simplices():
    data = json.loads((ROOT / "examples" / "inputs" / "square.json").read_text())
    t = PWL.from_dict(data)
    tex = latex(t)
    assert r"[0, 2]^{2}" in tex  # the hull of the simplices, not R^2
    check_table(tex, "f", 2, lambda x: t(list(x))[0], lo=0, hi=2, step=F(1, 4))


def test_max_pieces_says_what_was_left_out():
    tex = latex(MAX3, max_pieces=1)
    assert r"\text{(2 more pieces left out)}" in tex and tex.count(r"\text{if }") == 1


# ---------------------------------------------------------------------- compiled documents
@needs_tex
def test_network_compiles_with_exact_fractions(tmp_path):
    net = Network.from_layers([([[1, F(-1, 2)], [F(3, 4), 0]], [0, F(1, 3)]), ([[1, 2]], [0])])
    tex = latex(net)
    assert r"-\frac{1}{2}" in tex and r"\frac{1}{3}" in tex
    text = compile_pdf(tmp_path, document(tex))
    assert "architecture 2-2-1" in text
    # the closed form N(x) = ReLU(x1 - 1/2 x2) + 2 ReLU(3/4 x1 + 1/3): each fraction is typeset as a
    # numerator over a denominator, which the PDF's layout shows as "1" above "2" at one column
    lines = layout(tmp_path).splitlines()
    i = next(k for k, ln in enumerate(lines) if "ReLU x1 − x2" in ln)
    col = lines[i].index("x1 − ") + len("x1 − ")
    above, below = lines[i - 1].find("1", col - 4), lines[i + 1].find("2", col - 4)
    assert col - 4 <= above <= col + 2 and col - 4 <= below <= col + 2 and abs(above - below) <= 1


def layout(tmp_path, name: str = "doc") -> str:
    r = subprocess.run(
        [PDFTOTEXT, "-layout", f"{name}.pdf", "-"], cwd=tmp_path, capture_output=True, text=True
    )
    return r.stdout


@needs_tex
def test_every_target_kind_compiles(tmp_path):
    tri = json.loads((ROOT / "examples" / "inputs" / "square.json").read_text())
    targets = [
        PWL.from_expr(["max(0, x1, x2)", "abs(x1 - 1/2)"], 2),
        PWL.from_breakpoints([[0, 0], [1, 2], [2, 1], [4, "7/2"]]),
        PWL.from_dict(tri),
        PWL.from_pieces(
            [
                {"A": [[-1]], "b": [0], "w": [[0]], "c": [0]},
                {"A": [[1]], "b": [0], "w": [["-1/2"]], "c": [0]},
            ],
            1,
        ),
        PWL.from_network(MAX3),
    ]
    tex = [latex(t) for t in targets]
    assert r"(4, \frac{7}{2})" in tex[1]
    text = compile_pdf(tmp_path, document(*tex))
    assert len(re.findall(r"has \d+ linear pieces?", text)) == 5  # one table per target


@needs_tex
def test_verdicts_compile(tmp_path):
    held = certify(MAX3, "max(0, x1, x2)")
    refuted = certify(MAX3, "max(0, x1, x2 - 1e-9)", {"box": [[-1, 1], [-1, 1]]})
    text = compile_pdf(tmp_path, document(latex(held, certificate_path="max3.cert.json"), latex(refuted)))
    assert "Theorem" in text and "5 activation regions" in text and "exactpwl check max3.cert.json" in text
    cx = refuted.counterexample
    # the point and both values, exact: numerators and denominators as pdftotext reads the fractions
    for q in (*cx.x, cx.network[0], cx.target[0]):
        assert str(q.numerator) in text and str(q.denominator) in text
    assert "Counterexample" in text


@needs_tex
def test_every_construction_compiles(tmp_path):
    from test_cli_construct import METHODS

    bodies = []
    for target, method in METHODS:
        c = methods()[method].build(json.loads((ROOT / target).read_text()))
        bodies.append(latex(c))
    from exactpwl.construct.deep import divide, transmit
    from exactpwl.construct.lattice import margin_classifier, trlu
    from exactpwl.construct.overparam import cell_family, invariant_family

    prefix = Network.from_layers([([[1, 0], [0, 1], [1, 1]], [0, 0, -1])], activations=["relu"])
    base = Network.from_layers([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, 1]], [0])])
    for c in [
        transmit([[1, 1], [0, 1]], 1, 2),
        divide(base, [[0, "1/2"], [0, "1/2"]], ([0, 0, 1], "-1/2"), [2], Q_box=[[1, 2], [1, 2]]),
        trlu("3/2"),
        margin_classifier([1, 2], 0, "1/4"),
        cell_family(prefix, [1, 2, 3], 1, [1, 1]),
        invariant_family(prefix, [1, 2, 3], 1),
    ]:
        bodies.append(latex(c))
    text = compile_pdf(tmp_path, document(*bodies))
    assert text.count("Construction:") == len(METHODS) + 6
    assert "Step 1 (input)" in text and "(assembly)" in text


@needs_tex
def test_hinge_derivation_numbers(tmp_path):
    from exactpwl.construct.one_d import hinge

    text = compile_pdf(tmp_path, document(latex(hinge([[0, 0], [1, 2], [2, 1], [4, 3]], tails=False))))
    # PAPER.md example 1: slopes 2, -1, 1; differences -3, 2; f(x) = 2 relu(x) - 3 relu(x - 1) + 2 relu(x - 2)
    flat = " ".join(text.split())
    assert "s = (2, −1, 1)" in flat and "d = (−3, 2)" in flat
    assert "2 ReLU (x1 ) − 3 ReLU (x1 − 1) + 2 ReLU (x1 − 2)" in flat


@needs_tex
def test_shallow_and_prove_and_notebook_compile(tmp_path):
    from exactpwl.proofs import run
    from exactpwl.shallow import shallow

    yes, no = shallow("abs(x1) + relu(x2)", input_dim=2), shallow("max(0, x1, x2)", input_dim=2)
    reports = [run("R19", quick=True)]
    nb = notebook(MAX3)
    assert nb.startswith("$$") and r"\begin{aligned}" in nb and r"\paragraph" not in nb
    text = compile_pdf(tmp_path, document(latex(yes), latex(no), prove_table(reports, 1.0, ["a claim"]), nb))
    assert "the fewest hidden units is 3 (case k+1" in " ".join(text.split())
    assert "No network with one hidden layer" in text
    assert "R19" in text and "a claim" in text


@needs_tex
def test_a_fragment_inputs_into_a_paper(tmp_path):
    (tmp_path / "net.tex").write_text(fragment(latex(MAX3)))
    paper = "\n".join(
        [
            r"\documentclass{article}",
            r"\usepackage{amsmath,amssymb}",
            r"\begin{document}",
            r"\input{net}",
            r"\end{document}",
        ]
    )
    assert "3 linear pieces" in compile_pdf(tmp_path, paper, "paper")


# ---------------------------------------------------------------------- the command line
@needs_tex
def test_cli_latex_of_each_file_kind(cli, tmp_path):
    cert = tmp_path / "c.json"
    assert (
        cli(
            "certify", "examples/max3.json", "--expr", "max(0, x1, x2)", "--certificate", str(cert)
        ).returncode
        == 0
    )
    for src in ("examples/max3.json", "examples/inputs/breakpoints.json", str(cert)):
        out = tmp_path / "out.tex"
        r = cli("latex", src, "-o", str(out), "--standalone", "--max-pieces", "2")
        assert r.returncode == 0, r.stderr
        assert out.read_text().startswith("% made by: exactpwl latex ")
        text = compile_pdf(tmp_path, out.read_text().split("\n", 1)[1], "out")
        assert "linear piece" in text
    assert "exactpwl check" in text and f"exactpwl check {cert}".replace("_", r"\_") in out.read_text()


def test_cli_latex_errors(cli, tmp_path):
    r = cli("latex", "examples/max3.json", "-o", str(tmp_path / "no" / "x.tex"))
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "cannot write" in r.stderr
    r = cli("certify", "examples/max3.json", "--expr", "x1", "--latex", str(tmp_path))
    assert r.returncode == 2 and "--latex" in r.stderr and "Traceback" not in r.stderr
    # a tampered certificate is no theorem: exit 1 with the reason, nothing written
    cert = tmp_path / "c.json"
    cli("certify", "examples/max3.json", "--expr", "max(0, x1, x2)", "--certificate", str(cert))
    d = json.loads(cert.read_text())
    d["regions"][0]["pattern"], d["regions"][1]["pattern"] = (
        d["regions"][1]["pattern"],
        d["regions"][0]["pattern"],
    )
    cert.write_text(json.dumps(d))
    r = cli("latex", str(cert), "-o", str(tmp_path / "t.tex"))
    assert r.returncode == 1 and r.stdout.startswith("rejected:") and not (tmp_path / "t.tex").exists()


@needs_tex
def test_cli_latex_options_on_certify_construct_prove_shallow(cli, tmp_path):
    runs = [
        (
            ["certify", "examples/max3.json", "--expr", "max(0, x1, x2 - 1/8)", "--box", "-1", "1"],
            1,
            "Counterexample",
        ),
        (["construct", "examples/inputs/max3.json", "--method", "depth-max3"], 0, "Construction: depth-max3"),
        (["prove", "R19", "--quick"], 0, "TRLU"),
        (["shallow", "--expr", "max(x1, x2)", "--box", "-1", "1"], 0, "fewest hidden units is 2"),
    ]
    for args, code, needle in runs:
        out = tmp_path / "o.tex"
        r = cli(*args, "--latex", str(out), "--standalone")
        assert r.returncode == code, r.stderr
        assert needle in " ".join(compile_pdf(tmp_path, out.read_text(), "o").split())


# ---------------------------------------------------------------------- examples/latex stay true
EXAMPLES = sorted((ROOT / "examples" / "latex").glob("*.tex"))


def test_the_examples_are_the_three_of_the_issue():
    assert [p.stem for p in EXAMPLES] == ["hinge", "max3", "max5"]


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_tex_is_what_its_command_makes(cli, tmp_path, path):
    first, body = path.read_text().split("\n", 1)
    args = first.removeprefix("% made by: exactpwl ").split()
    i = args.index("--latex")
    assert args[i + 1] == f"examples/latex/{path.name}"
    args[i + 1] = str(tmp_path / path.name)
    r = cli(*args)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / path.name).read_text().split("\n", 1)[1] == body


@needs_tex
@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_tex_compiles(tmp_path, path):
    text = " ".join(compile_pdf(tmp_path, path.read_text(), path.stem).split())
    want = {
        "hinge": [
            "s = (2, −1, 1)",
            "v = (2, −3, 2)",
        ],  # PAPER.md example 1: slopes and the hinge coefficients
        "max3": ["regions = 5", "= max (0, x1 , x2 )"],  # the witness's 5 regions (tests/test_cli.py)
        "max5": ["architecture 5-12-11-1", "regions = "],
    }[path.stem]
    for needle in want:
        assert needle in text, (needle, text[:2000])


@needs_tex
def test_cli_latex_on_refute(cli, tmp_path):
    """R7's counterexample max(0, x1, x2) typeset with its witness: with a = (1, 0), e = 1 the
    second difference f(p + e a) + f(p - e a) - 2 f(p) is 1 + 1 - 2*1 = 0 at p = (0, 1) and
    1 + 0 - 2*0 = 1 at p = (0, -1), by hand; object 27 + 702 + 1 (one form, two forms, then the
    first with three).  A claim that holds says the space was exhausted, and only that."""
    out = tmp_path / "r.tex"
    r = cli("refute", "examples/conjectures/one_hidden_layer_r2.py", "--latex", str(out), "--standalone")
    assert r.returncode == 1, r.stderr
    text = " ".join(compile_pdf(tmp_path, out.read_text(), "r").split())
    assert "object 730 of the space" in text and "max (0, x1 , x2 )" in text
    assert "across the hyperplane x1 = 0" in text
    assert "0 at p = (0, 1)" in text.replace("0at", "0 at") and "1 at p = (0, −1)" in text.replace(
        "1at", "1 at"
    )
    claim = tmp_path / "true.py"
    claim.write_text(
        "from exactpwl.conjecture import vectors\nspace = vectors(2, [0, 1])\n"
        'def claim(v):\n    """a sum of two bits is at most 2"""\n    return sum(v) <= 2\n'
    )
    r = cli("refute", str(claim), "--latex", str(out), "--standalone")
    assert r.returncode == 0, r.stderr
    text = " ".join(compile_pdf(tmp_path, out.read_text(), "r").split())
    assert "Claim: a sum of two bits is at most 2." in text
    assert "The claim holds for all 4 objects of the space; nothing is claimed beyond it." in text
    from exactpwl.conjecture import refute, vectors

    nb = refute(lambda v: sum(v) <= 1, vectors(2, [0, 1]))._repr_latex_()  # (1, 1) is object 4
    assert nb.startswith("$$") and "object 4 of the space" in nb and r"\paragraph" not in nb
    bad = cli("refute", str(claim), "--latex", str(tmp_path / "no" / "r.tex"))
    assert bad.returncode == 2 and "--latex" in bad.stderr
