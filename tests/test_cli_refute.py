"""``exactpwl refute``: the five examples of examples/conjectures, found from scratch, each
witness re-checked here by independent evaluation (Fractions, z3); exit codes; bad input.
"""

from __future__ import annotations

import importlib.util
import json
import math
from fractions import Fraction as F

import z3
from conftest import ROOT, run_cli
from test_conjecture import PWL1, layers_of, pwl1_of_layers, shallow_form
from test_random_certify import eval_layers, z3_layers

from exactpwl.cli import main
from exactpwl.conjecture import refute

EXAMPLES = ROOT / "examples" / "conjectures"


def refute_json(name: str, tmp_path, *extra: str) -> tuple[dict, list[str]]:
    out = tmp_path / "w.json"
    r = run_cli("refute", str(EXAMPLES / name), "--json", "-o", str(out), *extra)
    assert r.returncode == 1, r.stderr
    d = json.loads(r.stdout)
    saved = json.loads(out.read_text())
    assert saved["files"] == [f for f in saved["files"] if (tmp_path / f).exists()]
    for k in ("refuted", "exhausted", "tried", "space_size", "counterexample", "witness"):
        assert d[k] == saved[k]
    assert d["refuted"] is True and d["exhausted"] is False
    return d, saved["files"]


def net_layers(d: dict):
    """An ``exactpwl.network`` JSON object as layers of Fractions (read here, not by exactpwl)."""
    assert d["format"] == "exactpwl.network"
    return [
        (
            [[F(v) for v in row] for row in L["weights"]],
            [F(v) for v in L["biases"]],
            [L["activation"]] * len(L["biases"]),
        )
        for L in d["layers"]
    ]


def load_example(name: str):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ============================================================================ the examples
def pieces_221(W, b, V, c) -> int:
    """Linear pieces of a 2-2-1 network, counted independently: by R7 (``shallow_form``) the
    function bends exactly along its kink lines, so its pieces are the cells of the arrangement
    of those lines: 1 (none), 2 (one), 3 (two parallel), 4 (two crossing)."""
    _, kinks = shallow_form(W, b, V, c)
    lines = [a for (a, _), _ in kinks]
    if len(lines) < 2:
        return len(lines) + 1
    (a1, a2), (b1, b2) = lines
    return 4 if a1 * b2 - a2 * b1 != 0 else 3


def test_regions_221(tmp_path):
    """The first 2-2-1 network with 4 pieces: relu(x1) + relu(x2), object 62 of 3978."""
    d, files = refute_json("regions_221.py", tmp_path)
    assert d["space_size"] == 3978 and d["index"] == d["tried"] == 62
    layers = net_layers(d["counterexample"])
    (W, b, _), (V, c, _) = layers
    assert pieces_221(W, b, V[0], c[0]) == 4 == d["witness"]["linear pieces"]
    # a second count: four exactly different gradients, one in each quadrant (finite differences
    # inside the quadrant, where the network is affine: its kinks are the two axes)
    grads = set()
    for p in [(F(1), F(1)), (F(-1), F(1)), (F(-1), F(-1)), (F(1), F(-1))]:
        f0 = eval_layers(layers, p)[0]
        h = F(1, 10)
        grads.add(
            tuple(
                (eval_layers(layers, [p[0] + h * (i == 0), p[1] + h * (i == 1)])[0] - f0) / h
                for i in range(2)
            )
        )
    assert len(grads) == 4
    # and every earlier network of the enumeration has at most 3 pieces (counted the same way)
    mod = load_example("regions_221")
    for k, net in enumerate(mod.space):
        if k == 61:
            break
        (W, b, _), (V, c, _) = layers_of(net)
        assert pieces_221(W, b, V[0], c[0]) <= 3
    assert files == ["w.network.json"]
    r = run_cli("eval", str(tmp_path / "w.network.json"), "-1/2", "3")
    assert r.stdout.strip() == "3"


def test_one_d_width(tmp_path):
    """|x| is the first counterexample: one unit c + v relu(w x + b) is constant on a half-line
    (w != 0) or everywhere, and |x| is constant on neither."""
    d, _ = refute_json("one_d_width.py", tmp_path)
    bp = d["counterexample"]["breakpoints"]
    segments = [((F(x0), F(y0)), (F(x1), F(y1))) for (x0, y0), (x1, y1) in zip(bp, bp[1:])]

    def f(x):  # linear between the breakpoints and beyond the ends, by hand
        for k, ((x0, y0), (x1, y1)) in enumerate(segments):
            if x <= x1 or k == len(segments) - 1:
                return y0 + (y1 - y0) / (x1 - x0) * (x - x0)

    assert all(f(F(x, 4)) == abs(F(x, 4)) for x in range(-20, 21))
    assert f(F(-2)) != f(F(-1)) and f(F(1)) != f(F(2))
    w = d["witness"]
    assert (w["pieces"], w["units needed"], w["slope at +infinity"], w["subset sums of the jumps"]) == (
        2,
        2,
        "1",
        ["0", "2"],
    )
    # the four earlier functions are single hinges, each one unit by hand
    mod = load_example("one_d_width")
    for k, t in enumerate(mod.space):
        if k == d["index"] - 1:
            break
        kinks, left, right = mod.kinks_and_slopes(t)
        ((x0, _),) = kinks
        y0 = t([x0])[0]
        unit = (
            [([[F(-1)]], [x0]), ([[-left]], [y0])] if right == 0 else [([[F(1)]], [-x0]), ([[right]], [y0])]
        )
        g = pwl1_of_layers(unit)
        assert all(g(F(x, 2)) == t([F(x, 2)])[0] for x in range(-8, 9)) and g.pieces == 2


def test_one_hidden_layer_r2(tmp_path):
    """max(0, x1, x2) and R7's witness: along a = (1, 0) through two points of the line x1 = 0
    the second differences of the target differ.  The target is convex, so equal chords at the
    midpoints below show it is affine on both halves of each segment; the second difference is
    then e times the jump of the slope at p.  At (0, 1) the target has no kink, at (0, -1) it
    has one on x1 = 0; a one-hidden-layer network bends along whole lines (R7), so it cannot."""
    d, _ = refute_json("one_hidden_layer_r2.py", tmp_path)
    assert d["counterexample"]["expr"] == "max(0, x1, x2)" and d["index"] == 27 + 702 + 1
    w = d["witness"]

    def f(x):
        return max(F(0), x[0], x[1])

    a, e = [F(v) for v in w["hyperplane"]["a"]], F(w["epsilon"])
    seconds = []
    for p, sd in zip(w["points"], w["second_differences"]):
        p = [F(v) for v in p]
        assert sum(ai * pi for ai, pi in zip(a, p)) == F(w["hyperplane"]["b"])  # p lies on a.x = b

        def at(t, p=p):
            return f([pi + t * ai for pi, ai in zip(p, a)])

        for lo, hi in ((-e, F(0)), (F(0), e)):
            assert at((lo + hi) / 2) == (at(lo) + at(hi)) / 2
        seconds.append(at(e) + at(-e) - 2 * at(F(0)))
        assert [str(seconds[-1])] == sd
    assert seconds[0] != seconds[1]


def test_depth_max(tmp_path):
    """The signs of R20's identity, P1 + P2 + P3 + P4 + Q - R13 - R14 - R23 - R24, are object
    19302: all 3^9 - 2^9 = 19171 vectors with a zero come first, then those without a zero by
    rank sum (1 for +1, 2 for -1): 0, 1, 2 or 3 entries -1 (1 + 9 + 36 + 84 = 130 vectors), then
    this one, the lexicographically first with four.  Its network is checked on all of R^4 by
    z3 (our own encoding) and at 300 rational points by Fractions."""
    d, files = refute_json("depth_max.py", tmp_path)
    assert d["counterexample"] == ["1", "1", "1", "1", "1", "-1", "-1", "-1", "-1"]
    assert d["index"] == 3**9 - 2**9 + sum(math.comb(9, j) for j in range(4)) + 1 == 19302
    w = d["witness"]
    layers = net_layers(w["network"])
    assert len(layers) - 1 == w["hidden layers"] == 2 and w["target"]["expr"] == "max(0, x1, x2, x3, x4)"
    assert F(1, 2) in layers[-1][0][0]  # rational output weights: integer weights cannot (HHL 2023)
    import random

    rng = random.Random(7)
    for _ in range(300):
        x = [F(rng.randint(-50, 50), rng.randint(1, 7)) for _ in range(4)]
        assert eval_layers(layers, x) == [max(F(0), *x)]
    xs = z3.Reals("x1 x2 x3 x4")
    m = z3.Real("m")
    s = z3.Solver()
    s.add(m >= 0, *[m >= x for x in xs], z3.Or(m == 0, *[m == x for x in xs]))
    s.add(z3_layers(layers, xs)[0] != m)
    assert s.check() == z3.unsat
    r = run_cli("certify", *(str(tmp_path / f) for f in files))
    assert files == ["w.network.json", "w.target.json"] and r.returncode == 0 and r.stdout.startswith("holds")


def test_depth_regions(tmp_path):
    """Random search (seed 0) finds a 1-2-2-1 network with more than the 5 pieces of any one
    hidden layer of four units; the pieces are counted here by exact 1-D composition."""
    d, _ = refute_json("depth_regions.py", tmp_path)
    assert d["mode"] == "random" and d["seed"] == 0 and d["space_size"] is None and d["index"] is None
    layers = [(W, b) for W, b, _ in net_layers(d["counterexample"])]
    pieces = pwl1_of_layers(layers).pieces
    assert pieces == d["witness"]["linear pieces"] and pieces >= 6
    assert pieces <= 9  # Serra et al.'s bound for 1-2-2-1 (exact for one input)


def test_serra_bound_holds_on_its_space():
    mod = load_example("depth_regions")
    r = refute(mod.serra_claim, mod.serra_space)
    assert not r.refuted and r.exhausted and r.tried == mod.serra_space.size


# ============================================================================ exit codes, output
def cli(capsys, *args: str) -> tuple[int, str, str]:
    """``exactpwl ARGS`` in this process (the same code path as the command, without start-up)."""
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def write(tmp_path, text: str, name: str = "c.py"):
    p = tmp_path / name
    p.write_text(text)
    return str(p)


TRUE_CLAIM = '''
from exactpwl.conjecture import vectors
space = vectors(3, [0, 1, -1])
def claim(v):
    """the sum of three numbers in {-1, 0, 1} is at most 3"""
    return sum(v) <= 3
'''


def test_not_refuted_exhausted_budget_and_undecided(tmp_path, capsys):
    f = write(tmp_path, TRUE_CLAIM)
    r = run_cli("refute", f)  # one real run of the command
    assert r.returncode == 0
    assert r.stdout.splitlines()[0] == "not refuted: the sum of three numbers in {-1, 0, 1} is at most 3"
    assert "exhausted: the claim holds for all 27 objects" in r.stdout
    code, out, _ = cli(capsys, "refute", f, "--json")
    d = json.loads(out)
    assert code == 0
    assert (d["refuted"], d["exhausted"], d["tried"], d["space_size"], d["counterexample"]) == (
        False,
        True,
        27,
        27,
        None,
    )
    d = json.loads(cli(capsys, "refute", f, "--json", "--budget", "5")[1])
    assert (d["exhausted"], d["tried"]) == (False, 5)
    d = json.loads(cli(capsys, "refute", f, "--json", "--random", "--budget", "10", "--seed", "4")[1])
    assert (d["refuted"], d["exhausted"], d["mode"], d["seed"]) == (False, False, "random", 4)
    g = write(
        tmp_path,
        TRUE_CLAIM.replace("return sum(v) <= 3", "return Outcome(None if v[0] else True)").replace(
            "import vectors", "import Outcome, vectors"
        ),
        "u.py",
    )
    code, out, _ = cli(capsys, "refute", g, "--json")
    assert code == 3 and json.loads(out)["undecided"] == 18
    code, _, err = cli(capsys, "refute", f, "--progress")
    assert code == 0 and "27 of 27 objects checked" in err


def test_refuted_text_output_and_witness_files(tmp_path):
    r = run_cli("refute", str(EXAMPLES / "one_d_width.py"), "-o", str(tmp_path / "w.json"))
    assert r.returncode == 1
    lines = r.stdout.splitlines()
    assert lines[0].startswith("refuted: a 1-D CPWL function")
    assert lines[3] == "counterexample (object 5 of 54, the first in size order):"
    assert lines[4] == "  breakpoints (-1, 1), (0, 0), (1, 1)"
    assert lines[-1] == f"wrote: {tmp_path / 'w.json'}, {tmp_path / 'w.target.json'}"
    t = json.loads((tmp_path / "w.target.json").read_text())
    assert t["format"] == "exactpwl.pwl" and t["breakpoints"] == [["-1", "1"], ["0", "0"], ["1", "1"]]


def test_bad_conjecture_files_exit_2_with_one_line(tmp_path, capsys):
    cases = {
        "nospace.py": ("def claim(x):\n    return True\n", "defines no 'space'"),
        "syntax.py": ("space = 1\n\ndef claim(x)\n    return True\n", "syntax.py, line 3: syntax error"),
        "raises.py": ("x = 1\ny = 1 / 0\n", "raises.py, line 2: ZeroDivisionError"),
        "notspace.py": (
            "space = [1, 2]\ndef claim(x):\n    return True\n",
            "not an exactpwl.conjecture Space",
        ),
        "mode.py": (TRUE_CLAIM + "mode = 'fast'\n", "'mode' must be"),
        "claimfails.py": (
            "from exactpwl.conjecture import vectors\nspace = vectors(1, [0, 1])\n"
            "def claim(v):\n    return 1 / v[0] > 0\n",
            "claimfails.py, line 4: the claim raised ZeroDivisionError",
        ),
        "returnsnone.py": (
            "from exactpwl.conjecture import vectors\nspace = vectors(1, [0])\ndef claim(v):\n    pass\n",
            "claim: returned NoneType",
        ),
    }
    for name, (text, message) in cases.items():
        code, out, err = cli(capsys, "refute", write(tmp_path, text, name))
        assert code == 2, (name, out, err)
        assert len(err.strip().splitlines()) == 1 and message in err, (name, err)
        assert out == ""
    f = write(tmp_path, TRUE_CLAIM)
    for args, message in (
        ((str(tmp_path / "missing.py"),), "no such file"),
        ((str(tmp_path / "c.txt"),), "must be a Python file"),
        ((f, "--budget", "0"), "--budget: must be at least 1"),
        ((f, "--budget", "x"), "usage:"),
        ((f, "-o", str(tmp_path / "no" / "dir" / "w.json")), "-o: cannot write"),
    ):
        code, _, err = cli(capsys, "refute", *args)
        assert code == 2 and len(err.strip().splitlines()) == 1 and message in err, (args, err)
    r = run_cli("refute", str(tmp_path / "syntax.py"))  # and once through the real command
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "line 3" in r.stderr


def test_pwl1_agrees_with_exactpwl_on_the_witness_of_depth_regions():
    """The helper counts what exactpwl counts (a cross-check of the test's own counter)."""
    from exactpwl import Network, regions

    layers = [
        ([[F(-1)], [F(1)]], [F(0), F(0)]),
        ([[F(-1), F(-1)], [F(-1), F(-1)]], [F(1), F(2)]),
        ([[F(1), F(1)]], [F(0)]),
    ]
    assert pwl1_of_layers(layers).pieces == regions(Network.from_layers(layers)).num_pieces == 6
    assert isinstance(pwl1_of_layers(layers), PWL1)
