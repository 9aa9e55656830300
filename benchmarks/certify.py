"""Benchmark: exact equivalence certification (``exactpwl.certify``) against z3 alone.

Three groups of cases, all over the box [-10, 10]^n:

(a) ``reparam``: a random fully connected ReLU network (2-8-8-1, 2-16-16-1, 3-10-10-1, 2-32-32-1;
    integer weights and biases uniform in -5..5 from ``random.Random(seed)``, exactly the networks
    of ``benchmarks/regions.py``) against itself re-parametrised: the units of every hidden layer
    permuted and positively rescaled, ``(w, b, v) -> (a w, a b, v / a)`` with rational ``a > 0``
    (a target given as a network, ``PWL.from_network``).  The claim holds.
(b) ``max``: a ReLU network computing ``max(x1, ..., xn)`` for n = 4 and 8, built here (not with
    ``exactpwl.compile.to_network``) as a tournament of ``ceil(log2 n)`` hidden ReLU layers with
    ``max(a, b) = b + relu(a - b)``, where ``b`` is carried through the ReLU layer as
    ``relu(b) - relu(-b)`` (three ReLU units per pair; an odd one out rides as ``relu(v) - relu(-v)``),
    against the target expression ``"max(x1, ..., xn)"``.  The claim holds.
(c) ``mutated``: the networks of (a) and (b) with one weight changed by +-1 (chosen by
    ``random.Random(seed + 1)``; kept only if a point of the box where the function changed is
    found by exact evaluation here, so the claim is known to be false).  Refuted.

Per case, two fresh subprocesses, run one after the other (this script re-invoked as
``--one exactpwl CASE`` and ``--one z3 CASE``), each building the same network, target
(a ``PWL``) and domain from the seed:

* exactpwl: ``certify(net, target, domain)`` timed around the call (``certify s``; ``walk s`` is
  ``Verdict.stats["seconds"]``, the region walk alone), then, when the claim holds,
  ``Verdict.certificate()`` (``cert s``) and ``exactpwl.check_certificate`` on it (``check s``,
  which must report it valid).  A counterexample is re-evaluated here with plain ``Fraction``
  arithmetic (independently of exactpwl) and must separate the two sides.
* z3 alone: ``exactpwl.smt.z3_differs(net, target, domain)`` (the domain as the same
  ``Polyhedron``), timed around the call (building the z3 terms included).  Capped at ``--z3-timeout``
  seconds (default ``--timeout``, 300), counted from when the child has finished its imports;
  a case that hits it is reported as ``> T s``.

``z3/exactpwl`` is z3 seconds over certify seconds (a lower bound ``>`` when z3 timed out).
``agree``: exactpwl's ``holds`` must equal z3's "no difference"; any disagreement is printed
loudly and the exit status is 1 (also 1 for a verdict other than the expected one, an invalid
certificate or a counterexample that does not separate).  A crash is exit status 2.  Timeouts
do not change the exit status.

The issue's target: exactpwl at least 10x faster than z3 alone on (a) and (b) for cases with
more than 500 regions; each such case says whether it meets it (``target`` column).

Measured (2 shared cores, load average about 3; every case in fresh processes, one at a time).
Before (7c9fb4a, every verdict from the region enumeration) and after (certify tries sampling and
rewriting first, ``method``), z3/exactpwl = z3 seconds over certify seconds::

    case         regions  certify s before -> after (method)   z3 s   z3/exactpwl before -> after
    a:2-8-8-1        126      0.019 -> 0.013  (rewriting)        0.120      6.2x -> 9.3x
    a:2-16-16-1      365      0.070 -> 0.050  (rewriting)        2.075       26x -> 42x
    a:3-10-10-1      982      0.160 -> 0.024  (rewriting)        2.218       14x -> 94x
    a:2-32-32-1     1969      0.401 -> 0.270  (rewriting)        44.3       114x -> 164x
    b:max4            33      0.015 -> 0.004  (rewriting)        0.018      1.6x -> 5.3x
    b:max8          1948      2.106 -> 0.032  (rewriting)        0.051     0.02x -> 1.6x
    c:2-8-8-1    195 -> 1     0.026 -> 0.005  (sampling)         0.070      2.6x -> 15x
    c:2-16-16-1  668 -> 1     0.118 -> 0.007  (sampling)         0.153      1.0x -> 22x
    c:3-10-10-1  982 -> 1     0.146 -> 0.009  (sampling)         0.481      3.7x -> 53x
    c:2-32-32-1 4087 -> 1     0.326 -> 0.051  (sampling)         3.271      8.4x -> 64x
    c:max4        33 -> 1     0.025 -> 0.012  (sampling)         0.048     0.68x -> 4.0x
    c:max8      2460 -> 1     2.139 -> 0.019  (sampling)         0.066     0.01x -> 3.4x

Certify is no slower than z3 alone on every case (12 of 12; before: slower on b:max8, c:max4 and
c:max8, even on c:2-16-16-1).  A claim proved by rewriting enumerates its regions afterwards, when
the count or a certificate is asked for: ``walk s`` (2.2 s on b:max8) is then outside
``certify s``, and ``cert s`` is unchanged in kind (the certificate needs every region).

Run from the repository root::

    python benchmarks/certify.py                   # everything (about 1.5 minutes; z3 capped at 300 s)
    python benchmarks/certify.py --quick           # 2-8-8-1, 2-16-16-1 and max of 4 (smoke run)
    python benchmarks/certify.py --nets 2-8-8-1 --max 4 --groups a c --timeout 60
    python benchmarks/certify.py --quick --json    # one JSON object per line on stdout
    python benchmarks/certify.py --symmetry        # max of 4..6, chamber vs whole space (symmetry.py)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import select
import subprocess
import sys
import time
from fractions import Fraction
from typing import Any

from regions import WEIGHT_RANGE, code_version, make_layers  # the same networks as the region benchmark

NETWORKS = ("2-8-8-1", "2-16-16-1", "3-10-10-1", "2-32-32-1")
MAX_NS = (4, 8)
QUICK_NETS = NETWORKS[:2]
QUICK_MAX = (4,)
GROUPS = ("a", "b", "c")
GROUP_NAMES = {"a": "reparam", "b": "max", "c": "mutated"}
BOX = (-10, 10)
SCALES = tuple(Fraction(s) for s in ("1/5", "1/3", "1/2", "2/3", "3/4", "3/2", "2", "5/2", "3", "7"))
TARGET_RATIO = 10.0
TARGET_MIN_REGIONS = 500
READY_TIMEOUT = 300.0  # seconds for a child to import and build its case before the clock starts
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

Layers = list[tuple[list[list[Any]], list[Any]]]


# ----------------------------------------------------------------------------- the workload
def parse_arch(arch: str) -> list[int]:
    try:
        dims = [int(w) for w in arch.split("-")]
    except ValueError:
        dims = []
    if len(dims) < 3 or any(w < 1 for w in dims):
        raise argparse.ArgumentTypeError(f"network {arch!r}: expected widths like 2-8-8-1 (a hidden layer)")
    return dims


def reparametrise(layers: Layers, rng: random.Random) -> Layers:
    """Permute every hidden layer's units and rescale unit j by a_j > 0: (w, b, v) -> (a w, a b, v / a)."""
    out = [([[Fraction(w) for w in row] for row in W], [Fraction(v) for v in b]) for W, b in layers]
    for k in range(len(out) - 1):  # hidden layer k feeds layer k + 1
        W, b = out[k]
        W_next, b_next = out[k + 1]
        units = len(b)
        perm = list(range(units))
        rng.shuffle(perm)
        scale = [rng.choice(SCALES) for _ in range(units)]
        W = [[scale[i] * w for w in W[perm[i]]] for i in range(units)]
        b = [scale[i] * b[perm[i]] for i in range(units)]
        W_next = [[row[perm[i]] / scale[i] for i in range(units)] for row in W_next]
        out[k], out[k + 1] = (W, b), (W_next, b_next)
    return out


def max_layers(n: int) -> Layers:
    """A pure-ReLU network for max(x1..xn): ceil(log2 n) hidden layers of max(a, b) = b + relu(a - b).

    Every value is a linear form over the previous layer's units (the inputs at first); a pair
    (a, b) becomes the units relu(a - b), relu(b), relu(-b) and the value u1 + u2 - u3; an odd one
    out v becomes relu(v), relu(-v) and the value u1 - u2.
    """
    if n < 2:
        raise argparse.ArgumentTypeError(f"max of {n}: need n >= 2")
    forms = [[1 if j == i else 0 for j in range(n)] for i in range(n)]  # over the inputs
    layers: Layers = []
    while len(forms) > 1:
        rows: list[list[int]] = []
        values: list[tuple[int, tuple[int, ...]]] = []  # (first unit, coefficients) of each new value
        for i in range(0, len(forms) - 1, 2):
            a, b = forms[i], forms[i + 1]
            values.append((len(rows), (1, 1, -1)))
            rows += [[p - q for p, q in zip(a, b)], list(b), [-q for q in b]]
        if len(forms) % 2:
            v = forms[-1]
            values.append((len(rows), (1, -1)))
            rows += [list(v), [-q for q in v]]
        layers.append((rows, [0] * len(rows)))
        forms = []
        for start, coeffs in values:
            f = [0] * len(rows)
            f[start : start + len(coeffs)] = coeffs
            forms.append(f)
    layers.append(([forms[0]], [0]))
    return layers


def forward(layers: Layers, x: list[Fraction]) -> Fraction:
    """Plain ``Fraction`` evaluation (ReLU hidden layers, linear output), independent of exactpwl."""
    h = x
    for k, (W, b) in enumerate(layers):
        z = [sum((Fraction(w) * v for w, v in zip(row, h)), Fraction(bi)) for row, bi in zip(W, b)]
        h = z if k == len(layers) - 1 else [max(v, Fraction(0)) for v in z]
    return h[0]


def mutate(layers: Layers, reference: Any, n: int, seed: int) -> tuple[Layers, dict[str, Any]]:
    """Change one weight by +-1 so that the function changes on the box (a witness is found here)."""
    rng = random.Random(seed + 1)
    lo, hi = BOX
    probes = [[Fraction(rng.randint(4 * lo, 4 * hi), 4) for _ in range(n)] for _ in range(200)]
    for _ in range(1000):
        k = rng.randrange(len(layers))
        W, b = layers[k]
        i, j = rng.randrange(len(W)), rng.randrange(len(W[0]))
        delta = rng.choice((-1, 1))
        new = [([list(row) for row in W2], list(b2)) for W2, b2 in layers]
        new[k][0][i][j] = W[i][j] + delta
        for x in probes:
            if forward(new, x) != reference(x):
                where = {
                    "layer": k + 1,
                    "unit": i + 1,
                    "input": j + 1,
                    "old": W[i][j],
                    "new": W[i][j] + delta,
                }
                return new, {**where, "witness": [str(v) for v in x]}
    raise RuntimeError("mutate: no weight change found that changes the function on the probes")


def case_names(nets: list[str], max_ns: list[int], groups: list[str]) -> list[str]:
    names = []
    if "a" in groups:
        names += [f"a:{arch}" for arch in nets]
    if "b" in groups:
        names += [f"b:max{n}" for n in max_ns]
    if "c" in groups:
        names += [f"c:{arch}" for arch in nets] + [f"c:max{n}" for n in max_ns]
    return names


def build_case(name: str, seed: int) -> dict[str, Any]:
    """Layers of the network side, the target (layers or an expression) and the expected verdict."""
    group, what = name.split(":", 1)
    if group not in GROUPS:
        raise argparse.ArgumentTypeError(f"case {name!r}: group must be one of {', '.join(GROUPS)}")
    if what.startswith("max"):
        n = int(what[3:])
        net = max_layers(n)
        target: dict[str, Any] = {"expr": "max(" + ", ".join(f"x{i + 1}" for i in range(n)) + ")"}

        def reference(x: list[Fraction]) -> Fraction:
            return max(x)
    else:
        n = parse_arch(what)[0]
        net = make_layers(what, seed)
        target = {"layers": reparametrise(net, random.Random(seed))}

        def reference(x: list[Fraction]) -> Fraction:
            return forward(target["layers"], x)

        # the re-parametrisation must not change the function (checked here, exactly)
        probes = random.Random(seed + 2)
        for _ in range(50):
            x = [Fraction(probes.randint(-40, 40), 4) for _ in range(n)]
            if forward(net, x) != reference(x):
                raise AssertionError(f"{name}: the re-parametrised network differs at {x}")
    mutation = None
    if group == "c":
        net, mutation = mutate(net, reference, n, seed)
    return {
        "name": name,
        "n": n,
        "net": net,
        "target": target,
        "reference": reference,
        "expected": group != "c",
        "mutation": mutation,
    }


# ----------------------------------------------------------------------------- children
def _exactpwl_objects(case: dict[str, Any]) -> tuple[Any, Any, dict, Any]:
    from exactpwl import PWL, Network
    from exactpwl.polyhedron import as_domain

    n = case["n"]
    net = Network.from_layers(case["net"])
    if "expr" in case["target"]:
        target = PWL.from_expr(case["target"]["expr"], n)
    else:
        target = PWL.from_network(Network.from_layers(case["target"]["layers"]))
    domain = {"box": [list(BOX)] * n}
    return net, target, domain, as_domain(domain, n)


def run_exactpwl(case: dict[str, Any], emit: Any) -> None:
    from exactpwl import Network, certify, check_certificate

    net, target, domain, _ = _exactpwl_objects(case)
    # warm-up outside the clock: imports the kernels and runs one tiny certification
    absnet = Network.from_layers([([[1], [-1]], [0, 0]), ([[1, 1]], [0])])
    certify(absnet, "abs(x1)", {"box": [[-1, 1]]})
    emit({"phase": "ready"})

    t0 = time.perf_counter()
    v = certify(net, target, domain)
    seconds = time.perf_counter() - t0
    method = v.stats["method"]
    walk_s = v.stats.get("seconds")
    if method == "rewriting":  # the regions are enumerated now, outside the clock of certify s
        t0 = time.perf_counter()
        _ = v.regions
        walk_s = round(time.perf_counter() - t0, 4)
    rec: dict[str, Any] = {
        "phase": "certify",
        "holds": v.holds,
        "method": method,
        "regions": v.regions,
        "certify_s": round(seconds, 4),
        "walk_s": walk_s,
        "program_neurons": v.program.network.num_neurons,
    }
    if v.counterexample is not None:
        cx = v.counterexample
        x = [Fraction(q) for q in cx.x]
        mine = (forward(case["net"], x), case["reference"](x))
        rec["counterexample"] = cx.to_json()
        # independent re-evaluation: both sides' values as reported, and they differ
        rec["cx_ok"] = mine[0] != mine[1] and (mine[0], mine[1]) == (cx.network[0], cx.target[0])
    emit(rec)
    if v.holds:
        t0 = time.perf_counter()
        cert = v.certificate()
        emit(
            {
                "phase": "certificate",
                "cert_s": round(time.perf_counter() - t0, 4),
                "cert_kib": round(len(json.dumps(cert)) / 1024, 1),
            }
        )
        t0 = time.perf_counter()
        report = check_certificate(cert)
        emit(
            {
                "phase": "check",
                "check_s": round(time.perf_counter() - t0, 4),
                "cert_valid": report.valid,
                "check_reason": report.reason,
            }
        )


def run_z3(case: dict[str, Any], emit: Any) -> None:
    import z3

    from exactpwl.smt import z3_differs

    net, target, _, dom = _exactpwl_objects(case)
    emit({"phase": "ready", "z3_version": z3.get_version_string()})
    t0 = time.perf_counter()
    differs = z3_differs(net, target, dom)
    emit({"phase": "z3", "z3_differs": differs, "z3_s": round(time.perf_counter() - t0, 4)})


def child_main(tool: str, name: str, seed: int) -> int:
    """``--one``: JSON lines (one per phase) on the real stdout; anything else printed goes to stderr."""
    # benchmark the checkout this file lives in (and do not depend on how it was pip-installed)
    if REPO not in sys.path:
        sys.path.insert(0, REPO)
    out = os.fdopen(os.dup(1), "w")
    sys.stdout.flush()
    os.dup2(2, 1)

    def emit(obj: dict[str, Any]) -> None:
        out.write(json.dumps(obj) + "\n")
        out.flush()

    case = build_case(name, seed)
    (run_exactpwl if tool == "exactpwl" else run_z3)(case, emit)
    return 0


def spawn(tool: str, name: str, seed: int, timeout: float) -> dict[str, Any]:
    """Run one tool on one case in a fresh interpreter; the clock starts at the child's "ready".

    Returns the merged phase records, with ``status`` ok / timeout / error.
    """
    cmd = [sys.executable, os.path.abspath(__file__), "--one", tool, name, "--seed", str(seed)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    record: dict[str, Any] = {}
    status = "ok"
    try:
        # the child's output is a few short lines (no pipe deadlock); the first says "ready"
        first = ""
        if select.select([proc.stdout], [], [], READY_TIMEOUT)[0]:
            first = proc.stdout.readline()
        else:
            status = "timeout"
        if first:
            record.update(json.loads(first))
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                status = "timeout"
        if status == "timeout":
            proc.kill()
        proc.wait()
        for line in proc.stdout.read().splitlines():
            if line.strip():
                record.update(json.loads(line))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
    if status == "ok" and proc.returncode != 0:
        status = "error"
        record["returncode"] = proc.returncode
    record.pop("phase", None)
    record["status"] = status
    if status == "timeout":
        record["timeout"] = timeout
    return record


# ----------------------------------------------------------------------------- one case
def run_case(name: str, seed: int, timeout: float, z3_timeout: float) -> dict[str, Any]:
    group = name.split(":", 1)[0]
    case = build_case(name, seed)
    e = spawn("exactpwl", name, seed, timeout)
    z = spawn("z3", name, seed, z3_timeout)
    rec: dict[str, Any] = {
        "case": name,
        "group": GROUP_NAMES[group],
        "seed": seed,
        "expected_holds": case["expected"],
        "exactpwl_status": e.pop("status"),
        "z3_status": z.pop("status"),
    }
    if case["mutation"] is not None:
        rec["mutation"] = case["mutation"]
    for k in ("timeout", "returncode"):
        if k in e:
            rec[f"exactpwl_{k}"] = e.pop(k)
        if k in z:
            rec[f"z3_{k}"] = z.pop(k)
    rec.update(e)
    rec.update(z)

    # ratio z3 / exactpwl (certify only); a lower bound when z3 timed out
    cert_s = rec.get("certify_s")
    ratio, bound = None, False
    if cert_s:
        if "z3_s" in rec:
            ratio = rec["z3_s"] / cert_s
        elif rec["z3_status"] == "timeout":
            ratio, bound = z3_timeout / cert_s, True
    rec["z3_over_exactpwl"] = None if ratio is None else round(ratio, 2)
    rec["ratio_is_lower_bound"] = bound

    # agreement: exactpwl's holds == z3 finds no difference
    holds, differs = rec.get("holds"), rec.get("z3_differs")
    if holds is None or differs is None:
        rec["agree"] = None
    else:
        rec["agree"] = holds == (not differs)
    problems = []
    if rec["agree"] is False:
        problems.append("DISAGREE")
    if holds is not None and holds != case["expected"]:
        problems.append("exactpwl UNEXPECTED")
    if differs is not None and differs == case["expected"]:
        problems.append("z3 UNEXPECTED")
    if rec.get("cert_valid") is False:
        problems.append("certificate INVALID")
    if rec.get("cx_ok") is False:
        problems.append("counterexample BAD")
    rec["problems"] = problems

    # the target: >= 10x on (a) and (b) with more than 500 regions
    if group in ("a", "b") and (rec.get("regions") or 0) > TARGET_MIN_REGIONS:
        if ratio is None:
            rec["meets_target"] = None
        elif ratio >= TARGET_RATIO:
            rec["meets_target"] = True
        else:
            rec["meets_target"] = None if bound else False
    return rec


# ----------------------------------------------------------------------------- reporting
COLUMNS = (
    ("case", "<", 11),
    ("regions", ">", 7),
    ("certify s", ">", 9),
    ("method", "<", 9),
    ("walk s", ">", 8),
    ("cert s", ">", 8),
    ("check s", ">", 8),
    ("z3 s", ">", 9),
    ("z3/exactpwl", ">", 11),
    ("verdicts", "<", 16),
    ("agree", "<", 5),
    ("target 10x", "<", 10),
)


def _s(v: Any) -> str:
    if v is None:
        return "-"
    return f"{v:.3f}" if v < 10 else f"{v:.1f}"


def table_cells(r: dict[str, Any]) -> list[str]:
    def side(status: str, key: str, tool: str) -> str:
        if key in r:
            return _s(r[key])
        if r[f"{tool}_status"] == "timeout":
            return f"> {r[f'{tool}_timeout']:g}"
        if r[f"{tool}_status"] == "error":
            return "ERROR"
        return "-"

    e_status = r["exactpwl_status"]
    regions = str(r["regions"]) if "regions" in r else ("timeout" if e_status == "timeout" else "ERROR")
    # a timeout shows as "> T" in the phase that was running (T is the budget of all three phases)
    cert = side(e_status, "cert_s", "exactpwl") if r.get("holds") else "-"
    check = side(e_status, "check_s", "exactpwl") if "cert_s" in r else "-"
    if r.get("cert_valid") is False:
        check += " INVALID"
    ratio = r["z3_over_exactpwl"]
    if ratio is None:
        ratio_s = "-"
    else:
        ratio_s = (">" if r["ratio_is_lower_bound"] else "") + (
            f"{ratio:.0f}x" if ratio >= 10 else f"{ratio:.1f}x" if ratio >= 1 else f"{ratio:.2g}x"
        )
    e_v = {True: "holds", False: "refuted", None: "?"}[r.get("holds")]
    z_v = {True: "differ", False: "equal", None: "?"}[r.get("z3_differs")]
    agree = {True: "yes", False: "NO", None: "-"}[r["agree"]]
    if "meets_target" in r:
        target = {True: "met", False: "NOT met", None: "unknown"}[r["meets_target"]]
    else:
        target = f"(<= {TARGET_MIN_REGIONS})" if r["case"][0] in "ab" and "regions" in r else ""
    return [
        r["case"],
        regions,
        side(e_status, "certify_s", "exactpwl"),
        r.get("method", "-"),
        _s(r.get("walk_s")),
        cert,
        check,
        side(r["z3_status"], "z3_s", "z3"),
        ratio_s,
        f"{e_v} / {z_v}",
        agree,
        target,
    ]


class Table:
    """Fixed-width rows printed as each case finishes (cells may overflow their column)."""

    def row(self, cells: list[str]) -> None:
        out = [f"{c:{align}{w}}" for (_, align, w), c in zip(COLUMNS, cells)]
        print("  ".join(out).rstrip(), flush=True)

    def header(self) -> None:
        self.row([name for name, _, _ in COLUMNS])
        print("  ".join("-" * w for _, _, w in COLUMNS), flush=True)


# ----------------------------------------------------------------------------- driver
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description="Benchmark exact equivalence certification (exactpwl.certify) against z3 alone."
    )
    ap.add_argument("--json", action="store_true", help="one JSON object per line on stdout, nothing else")
    ap.add_argument(
        "--quick",
        action="store_true",
        help=f"only {', '.join(QUICK_NETS)} and max of {', '.join(map(str, QUICK_MAX))} (smoke run)",
    )
    ap.add_argument(
        "--nets", nargs="+", metavar="NET", help=f"random networks (default: {' '.join(NETWORKS)})"
    )
    ap.add_argument(
        "--max",
        nargs="+",
        type=int,
        metavar="N",
        help=f"max-of-n networks (default: {' '.join(map(str, MAX_NS))})",
    )
    ap.add_argument(
        "--groups",
        nargs="+",
        choices=GROUPS,
        default=list(GROUPS),
        help="a: re-parametrised, b: max, c: mutated (default: all)",
    )
    ap.add_argument("--seed", type=int, default=0, help="seed of every network's random.Random (default 0)")
    ap.add_argument(
        "--timeout",
        type=float,
        default=300.0,
        help="seconds per case and tool, counted after imports (exactpwl: certify + certificate + check; "
        "default 300)",
    )
    ap.add_argument("--z3-timeout", type=float, help="seconds for z3 per case (default: --timeout)")
    ap.add_argument(
        "--one", nargs=2, metavar=("TOOL", "CASE"), help="internal: run exactpwl or z3 on one case here"
    )
    ap.add_argument(
        "--symmetry",
        action="store_true",
        help="instead: max of 4, 5, 6 with and without symmetry (benchmarks/symmetry.py)",
    )
    args = ap.parse_args(argv)

    if args.symmetry:  # issue 14: the chamber against the whole space
        import symmetry

        return symmetry.main(["--json"] if args.json else [])
    if args.one:
        tool, name = args.one
        if tool not in ("exactpwl", "z3"):
            ap.error(f"--one: tool must be exactpwl or z3, not {tool!r}")
        return child_main(tool, name, args.seed)

    nets: list[str] = []
    for spec in args.nets or (QUICK_NETS if args.quick else NETWORKS):
        for arch in spec.split(","):
            try:
                parse_arch(arch)
            except argparse.ArgumentTypeError as e:
                ap.error(str(e))
            nets.append(arch)
    max_ns = list(args.max or (QUICK_MAX if args.quick else MAX_NS))
    if any(n < 2 for n in max_ns):
        ap.error("--max: every n must be >= 2")
    z3_timeout = args.z3_timeout if args.z3_timeout is not None else args.timeout
    names = case_names(nets, max_ns, args.groups)

    emit = (lambda obj: print(json.dumps(obj), flush=True)) if args.json else (lambda obj: None)
    version = code_version()
    emit(
        {
            "kind": "meta",
            "seed": args.seed,
            "weights": list(WEIGHT_RANGE),
            "box": list(BOX),
            "timeout": args.timeout,
            "z3_timeout": z3_timeout,
            "target": {"ratio": TARGET_RATIO, "min_regions": TARGET_MIN_REGIONS, "groups": ["a", "b"]},
            "python": sys.version.split()[0],
            "code": version,
        }
    )
    table = Table()
    if not args.json:
        print(
            f"exactpwl.certify vs exactpwl.smt.z3_differs over [{BOX[0]},{BOX[1]}]^n; random integer "
            f"weights/biases in {WEIGHT_RANGE[0]}..{WEIGHT_RANGE[1]}, random.Random({args.seed}); "
            f"timeout {args.timeout:g} s (exactpwl), {z3_timeout:g} s (z3) per case; code {version}"
        )
        print(
            "a = network vs itself re-parametrised (permuted, positively rescaled); b = max-of-n ReLU "
            "network vs the expression max(x1..xn); c = one weight of a/b mutated (refuted)"
        )
        print(
            "certify s = the certify() call; method = Verdict.stats['method']; walk s = the region "
            "enumeration (Verdict.stats['seconds'], or after certify for 'rewriting'); cert s = "
            "Verdict.certificate(); check s = check_certificate(); z3 s = z3_differs() (same domain)"
        )
        print(
            f"target 10x: z3/exactpwl >= {TARGET_RATIO:g} on a and b with > {TARGET_MIN_REGIONS} regions "
            "(unknown: z3 timed out before 10x was reached)"
        )
        print()
        table.header()

    records = []
    for name in names:
        r = run_case(name, args.seed, args.timeout, z3_timeout)
        r["code"] = code_version()  # the checkout may change during a long run: say so per case
        records.append(r)
        if args.json:
            emit({"kind": "case", **r})
        else:
            table.row(table_cells(r))

    targeted = [r for r in records if "meets_target" in r]
    summary = {
        "kind": "summary",
        "cases": len(records),
        "disagreements": [r["case"] for r in records if r["agree"] is False],
        "problems": {r["case"]: r["problems"] for r in records if r["problems"]},
        "errors": [r["case"] for r in records if "error" in (r["exactpwl_status"], r["z3_status"])],
        "timeouts": {
            r["case"]: [t for t in ("exactpwl", "z3") if r[f"{t}_status"] == "timeout"]
            for r in records
            if "timeout" in (r["exactpwl_status"], r["z3_status"])
        },
        "target": {r["case"]: r["meets_target"] for r in targeted},
    }
    emit(summary)
    if not args.json:
        print()
        if targeted:
            met = sum(1 for r in targeted if r["meets_target"] is True)
            print(
                f"Target (>= {TARGET_RATIO:g}x faster than z3 alone, a and b with > {TARGET_MIN_REGIONS} "
                f"regions): met on {met} of {len(targeted)}: "
                + ", ".join(
                    f"{r['case']} {({True: 'met', False: 'NOT met', None: 'unknown'})[r['meets_target']]}"
                    for r in targeted
                )
            )
        else:
            print(f"Target: no case of a or b has more than {TARGET_MIN_REGIONS} regions")
        timed = [r for r in records if r["z3_over_exactpwl"] is not None]
        slower = [r["case"] for r in timed if r["z3_over_exactpwl"] < 1 and not r["ratio_is_lower_bound"]]
        print(
            f"Target (certify no slower than z3 alone): met on {len(timed) - len(slower)} of {len(timed)}"
            + (f"; slower on {', '.join(slower)}" if slower else "")
        )
        for r in records:
            if "mutation" in r:
                m = r["mutation"]
                print(
                    f"  {r['case']}: layer {m['layer']} weight ({m['unit']}, {m['input']}) "
                    f"{m['old']} -> {m['new']}; differs at ({', '.join(m['witness'])})"
                )
        changed = sorted({r["code"] for r in records} - {version})
        if changed:
            print(
                f"NOTE: the checkout changed during the run (now {', '.join(changed)}); see 'code' per case"
            )
        if summary["timeouts"]:
            print("Timeouts: " + ", ".join(f"{c} ({', '.join(t)})" for c, t in summary["timeouts"].items()))
    if summary["problems"]:
        print(
            "\n!!! "
            + "; ".join(f"{c}: {', '.join(p)}" for c, p in summary["problems"].items())
            + " -- exactpwl and z3 must agree, with the expected verdicts !!!",
            file=sys.stderr,
        )
        return 1
    if summary["errors"]:
        print(
            "\n!!! ERROR: a case crashed: " + ", ".join(summary["errors"]) + " (traceback above on stderr)",
            file=sys.stderr,
        )
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
