"""Benchmark: exact enumeration of the linear regions of random ReLU networks.

What is measured: ``exactpwl.region_graph(net, box, backend=...)`` on fully connected ReLU networks
2-8-8-1, 2-16-16-1, 2-32-32-1, 3-10-10-1 and 4-12-12-12-1 whose weights and biases are integers
drawn uniformly from -5..5 (each network from its own ``random.Random(seed)``, seed 0 unless
``--seed``), over the box [-10, 10]^n.  Per (network, backend) case: regions, linear pieces,
bounded regions, seconds of the walk (``summary()["seconds"]``), regions/s, LPs solved (exact +
float), exact fallbacks (float proposals that failed their exact check) and peak memory.

Every case runs in a fresh subprocess (this script re-invoked as ``--one NET BACKEND``), one at a
time, so peak memory is that case's own: ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` read in
the child at the end, i.e. the peak resident set size of the whole child process, interpreter and
imports included (the RSS after imports is shown under the table for scale).

Backends: ``ppl`` (the default, one double-description call per region) on every network; the
baselines ``exact-lp`` (one exact rational LP per row, no float proposal) and ``highs`` (HiGHS
proposes, every proposal is certified exactly) on 2-8-8-1 and 2-16-16-1 only, with their time
as a multiple of ppl's.  All backends must find the same numbers of regions, pieces and bounded
regions; a mismatch is printed loudly and the exit status is 1 (2 if a case crashed).  A case
that exceeds ``--timeout`` is killed and reported as a timeout (exit status unaffected).

Run from the repository root::

    python benchmarks/regions.py                  # everything (several minutes)
    python benchmarks/regions.py --quick          # the three smallest networks (smoke run)
    python benchmarks/regions.py --nets 2-8-8-1 3-10-10-1 --timeout 60
    python benchmarks/regions.py --quick --json   # one JSON object per line on stdout
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from typing import Any

NETWORKS = ("2-8-8-1", "2-16-16-1", "2-32-32-1", "3-10-10-1", "4-12-12-12-1")
QUICK = NETWORKS[:3]
BASELINE_NETS = ("2-8-8-1", "2-16-16-1")
BASELINES = ("exact-lp", "highs")
DEFAULT_BACKEND = "ppl"
WEIGHT_RANGE = (-5, 5)
BOX = (-10, 10)
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

COLUMNS = (
    ("network", "<"),
    ("backend", "<"),
    ("regions", ">"),
    ("pieces", ">"),
    ("bounded", ">"),
    ("seconds", ">"),
    ("regions/s", ">"),
    ("LPs", ">"),
    ("exact fallbacks", ">"),
    ("peak MiB", ">"),
    ("time / ppl", ">"),
)


# ----------------------------------------------------------------------------- the workload
def parse_arch(arch: str) -> list[int]:
    try:
        dims = [int(w) for w in arch.split("-")]
    except ValueError:
        dims = []
    if len(dims) < 2 or any(w < 1 for w in dims):
        raise argparse.ArgumentTypeError(f"network {arch!r}: expected widths like 2-8-8-1")
    return dims


def make_layers(arch: str, seed: int) -> list[tuple[list[list[int]], list[int]]]:
    """Integer weights and biases, uniform in -5..5, from a fresh ``random.Random(seed)``."""
    rng = random.Random(seed)
    lo, hi = WEIGHT_RANGE
    dims = parse_arch(arch)
    layers = []
    for fan_in, fan_out in zip(dims, dims[1:]):
        W = [[rng.randint(lo, hi) for _ in range(fan_in)] for _ in range(fan_out)]
        b = [rng.randint(lo, hi) for _ in range(fan_out)]
        layers.append((W, b))
    return layers


def _maxrss_mib(who: int = resource.RUSAGE_SELF) -> float:
    rss = resource.getrusage(who).ru_maxrss  # KiB on Linux, bytes on macOS
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def run_one(arch: str, backend: str, seed: int) -> dict[str, Any]:
    """One case, in this process (the child): build, warm the backend up, enumerate, measure."""
    # benchmark the checkout this file lives in (and do not depend on how it was pip-installed)
    if REPO not in sys.path:
        sys.path.insert(0, REPO)
    from exactpwl import Network, regions
    from exactpwl.polyhedron import as_domain, describe

    net = Network.from_layers(make_layers(arch, seed))
    n = net.input_dim
    domain = {"box": [list(BOX)] * n}
    # warm-up outside the timed walk: imports the backend (HiGHS) and runs it once on the box
    describe(as_domain(domain, n).rows, n, backend)
    base = _maxrss_mib()
    g = regions(net, domain, backend=backend)
    s = g.summary()
    return {
        "network": arch,
        "backend": backend,
        "seed": seed,
        "status": "ok" if s["complete"] else "incomplete",
        "regions": s["regions"],
        "pieces": s["pieces"],
        "bounded": s["bounded"],
        "edges": s["edges"],
        "seconds": s["seconds"],
        "regions_per_s": round(s["regions"] / s["seconds"], 1) if s["seconds"] > 0 else None,
        "lps": s["lps"],
        "fallbacks": s["fallbacks"],
        "peak_mib": round(_maxrss_mib(), 1),
        "base_mib": round(base, 1),
    }


def child_main(arch: str, backend: str, seed: int) -> int:
    """``--one``: write one JSON line to the real stdout; anything else printed goes to stderr."""
    out = os.fdopen(os.dup(1), "w")
    sys.stdout.flush()
    os.dup2(2, 1)
    out.write(json.dumps(run_one(arch, backend, seed)) + "\n")
    out.flush()
    return 0


def spawn(arch: str, backend: str, seed: int, timeout: float) -> dict[str, Any]:
    """Run one case in a fresh interpreter; a timeout or a crash becomes a record, not a number."""
    cmd = [sys.executable, os.path.abspath(__file__), "--one", arch, backend, "--seed", str(seed)]
    record: dict[str, Any] = {"network": arch, "backend": backend, "seed": seed}
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {**record, "status": "timeout", "timeout": timeout}
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        return {**record, "status": "error", "returncode": proc.returncode}
    result = json.loads(lines[-1])
    result["wall_seconds"] = round(time.perf_counter() - t0, 3)
    return result


def code_version() -> str:
    """``git describe`` of the benchmarked checkout (``-dirty`` with uncommitted changes), or "unknown"."""
    try:
        out = subprocess.run(
            ["git", "-C", REPO, "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip() if out.returncode == 0 and out.stdout.strip() else "unknown"


# ----------------------------------------------------------------------------- reporting
def _fmt(v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.3f}" if v < 10 else f"{v:.1f}"
    return str(v)


def _round(v: float | None) -> float | None:
    return None if v is None else round(v, 2)


def table_cells(r: dict[str, Any], ratio: float | None) -> list[str]:
    if r["status"] == "timeout":
        return [r["network"], r["backend"], f"timeout (> {r['timeout']:g} s)"] + [""] * (len(COLUMNS) - 3)
    if r["status"] == "error":
        return [r["network"], r["backend"], f"ERROR (exit {r['returncode']})"] + [""] * (len(COLUMNS) - 3)
    regions = str(r["regions"]) + ("" if r["status"] == "ok" else " (incomplete)")
    return [
        r["network"],
        r["backend"],
        regions,
        str(r["pieces"]),
        str(r["bounded"]),
        f"{r['seconds']:.3f}",
        _fmt(r["regions_per_s"]),
        str(r["lps"]),
        str(r["fallbacks"]),
        f"{r['peak_mib']:.1f}",
        f"{ratio:.1f}x" if ratio is not None else "",
    ]


class Table:
    """Fixed-width rows printed as each case finishes (status cells may overflow their column)."""

    WIDTHS = (12, 8, 8, 7, 7, 9, 9, 8, 15, 8, 10)

    def row(self, cells: list[str]) -> None:
        out = []
        for (_, align), w, c in zip(COLUMNS, self.WIDTHS, cells):
            out.append(f"{c:{align}{w}}")
        print("  ".join(out).rstrip(), flush=True)

    def header(self) -> None:
        self.row([name for name, _ in COLUMNS])
        print("  ".join("-" * w for w in self.WIDTHS), flush=True)


def ratio_of(r: dict[str, Any], ppl: dict[str, Any] | None) -> float | None:
    if ppl is None or r is ppl or r["status"] != "ok" or ppl["status"] != "ok" or ppl["seconds"] <= 0:
        return None
    return r["seconds"] / ppl["seconds"]


def check(arch: str, runs: dict[str, dict[str, Any]]) -> tuple[bool, dict[str, Any]]:
    """Whether every finished backend found the same regions / pieces / bounded counts."""
    done = {b: r for b, r in runs.items() if r["status"] == "ok"}
    counts = {b: {k: r[k] for k in ("regions", "pieces", "bounded")} for b, r in done.items()}
    agree = len({tuple(c.values()) for c in counts.values()}) <= 1
    ppl = runs.get(DEFAULT_BACKEND)
    ratios = {b: ratio_of(r, ppl) for b, r in runs.items() if b != DEFAULT_BACKEND}
    return agree, {
        "kind": "check",
        "network": arch,
        "match": agree,
        "counts": counts,
        "not_compared": sorted(set(runs) - set(done)),
        "seconds_over_ppl": ratios,
    }


# ----------------------------------------------------------------------------- driver
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description="Benchmark exact region enumeration (exactpwl.regions) on random integer ReLU networks."
    )
    ap.add_argument("--json", action="store_true", help="one JSON object per line on stdout, nothing else")
    ap.add_argument("--quick", action="store_true", help=f"only {', '.join(QUICK)} (smoke run)")
    ap.add_argument(
        "--nets", nargs="+", metavar="NET", help=f"networks to run (default: {' '.join(NETWORKS)})"
    )
    ap.add_argument("--seed", type=int, default=0, help="seed of every network's random.Random (default 0)")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per case (default 600)")
    ap.add_argument(
        "--one", nargs=2, metavar=("NET", "BACKEND"), help="internal: run one case here, print one JSON line"
    )
    args = ap.parse_args(argv)

    if args.one:
        arch, backend = args.one
        parse_arch(arch)
        return child_main(arch, backend, args.seed)

    nets: list[str] = []
    for spec in args.nets or (QUICK if args.quick else NETWORKS):
        for arch in spec.split(","):
            try:
                parse_arch(arch)
            except argparse.ArgumentTypeError as e:
                ap.error(str(e))
            nets.append(arch)

    emit = (lambda obj: print(json.dumps(obj), flush=True)) if args.json else (lambda obj: None)
    table = Table()
    version = code_version()
    emit(
        {
            "kind": "meta",
            "seed": args.seed,
            "weights": list(WEIGHT_RANGE),
            "box": list(BOX),
            "timeout": args.timeout,
            "memory": "ru_maxrss of a fresh child process per case (getrusage RUSAGE_SELF), MiB",
            "python": sys.version.split()[0],
            "code": version,
        }
    )
    if not args.json:
        print(
            f"exactpwl.region_graph over [{BOX[0]},{BOX[1]}]^n; integer weights/biases uniform in "
            f"{WEIGHT_RANGE[0]}..{WEIGHT_RANGE[1]}, random.Random({args.seed}) per network; "
            f"timeout {args.timeout:g} s per case; code {version}"
        )
        print(
            "seconds = the walk only (summary()['seconds']); LPs = exact + float LPs; "
            "exact fallbacks = float proposals that failed their exact check"
        )
        print(
            "peak MiB = resource.getrusage(RUSAGE_SELF).ru_maxrss read in a fresh subprocess per case "
            "(whole process, interpreter and imports included)"
        )
        print()
        table.header()

    checks: list[dict[str, Any]] = []
    mismatches: list[str] = []
    all_runs: list[dict[str, Any]] = []
    for arch in nets:
        backends = [DEFAULT_BACKEND] + (list(BASELINES) if arch in BASELINE_NETS else [])
        runs: dict[str, dict[str, Any]] = {}
        for backend in backends:
            r = spawn(arch, backend, args.seed, args.timeout)
            runs[backend] = r
            all_runs.append(r)
            ratio = ratio_of(r, runs.get(DEFAULT_BACKEND))
            if args.json:
                emit({"kind": "case", **r, "seconds_over_ppl": _round(ratio)})
            else:
                table.row(table_cells(r, ratio))
        if len(backends) > 1:
            agree, rec = check(arch, runs)
            checks.append(rec)
            emit({**rec, "seconds_over_ppl": {b: _round(v) for b, v in rec["seconds_over_ppl"].items()}})
            if not agree:
                mismatches.append(arch)

    errors = [r for r in all_runs if r["status"] == "error"]
    if not args.json:
        bases = [r["base_mib"] for r in all_runs if r["status"] in ("ok", "incomplete")]
        if bases:
            print(f"\n(RSS after imports and backend warm-up: {min(bases):.1f}-{max(bases):.1f} MiB)")
        if checks:
            print("\nBaselines vs ppl (seconds / ppl seconds) and agreement of regions/pieces/bounded:")
        for rec in checks:
            ratios = ", ".join(
                f"{b} {v:.1f}x" if v is not None else f"{b} n/a" for b, v in rec["seconds_over_ppl"].items()
            )
            counts = ", ".join(f"{b} {c['regions']}" for b, c in rec["counts"].items())
            if len(rec["counts"]) < 2:
                verdict = "nothing to compare"
            else:
                verdict = "same counts" if rec["match"] else "MISMATCH"
            skipped = f" (not compared: {', '.join(rec['not_compared'])})" if rec["not_compared"] else ""
            print(f"  {rec['network']:<12}  {ratios};  regions: {counts}  -> {verdict}{skipped}")
    if mismatches:
        print(
            f"\n!!! MISMATCH: backends disagree on {', '.join(mismatches)} -- "
            "exact region counts must not depend on the backend !!!",
            file=sys.stderr,
        )
        return 1
    if errors:
        print(
            "\n!!! ERROR: a case crashed: "
            + ", ".join(f"{r['network']}/{r['backend']}" for r in errors)
            + " (traceback above on stderr)",
            file=sys.stderr,
        )
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
