"""Benchmark: exact enumeration of the linear regions of random ReLU networks, kernel against kernel.

What is measured: ``exactpwl.regions(net, box, ...)`` on fully connected ReLU networks 2-8-8-1,
2-16-16-1, 2-32-32-1, 3-10-10-1 and 4-12-12-12-1 whose weights and biases are integers drawn
uniformly from -5..5 (each network from its own ``random.Random(seed)``, seed 0 unless ``--seed``),
over the box [-10, 10]^n.  Per (network, method) case: regions, linear pieces, bounded regions,
seconds to the counts (the ``regions`` call), CPU seconds of this process, seconds to build the
``networkx`` graph as well (``graph s``: the subdivision makes it on demand, the walk as it goes),
regions/s, LPs solved, exact fallbacks and peak memory.

Methods:

* ``walk``: the region walk, one exact double-description call (PPL) per region (``kernel="walk"``);
  the baseline every other method is compared with (``time / walk``, on the seconds to the graph);
* ``subdivision``: the layer-by-layer subdivision in one process (``workers=1``);
* ``subdivision-2``: the same with 2 worker processes (``workers=2``): its wall time against
  ``subdivision`` is the parallel speed-up (the work moves to the children, so CPU time here is not it);
* ``highs``, ``exact-lp``: the walk's other polyhedra backends (2-8-8-1 and 2-16-16-1 only);
* ``regioncam`` (2-D networks, when ``pip install regioncam`` is there): the same weights in
  float32, regioncam's face count and time; it is inexact (faces it reports are not all regions).

Every exact method must find the same numbers of regions, pieces and bounded regions; a mismatch
is printed loudly and the exit status is 1 (2 if a case crashed).  A case that exceeds
``--timeout`` is killed and reported as a timeout (exit status unaffected).  The targets of issue
13 are checked at the end from the ratios of this run (other jobs on the machine slow all cases;
run again when the load is visible in ``uptime``).

Every case runs in a fresh subprocess (this script re-invoked as ``--one NET METHOD``), one at a
time, so peak memory is that case's own: ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` read in
the child at the end, i.e. the peak resident set size of the whole child process, interpreter and
imports included (the RSS after imports is shown under the table for scale); with worker
processes, the largest child's peak is added (``RUSAGE_CHILDREN``).

One worker against two, 4-12-12-12-1 (81,522 regions), on 2 cores shared with other jobs;
``--repeat 3`` rounds, each ratio from one round (seconds: wall of the ``regions`` call; cpu:
worker processes included; path: the CPU critical path, this process plus the busiest worker)::

    code                         load  1 worker s (cpu)   2 workers s (cpu, path)   wall ratio  path ratio
    7c9fb4a (one piece serially)  5.0      10.0 (6.7)          9.4 (6.3, -)             1.08x       -
    7c9fb4a                       5.0      10.0 (6.7)          8.1 (5.7, -)             1.24x       -
    parts serially too            2.9       4.5 (4.2)          5.0 (4.8, 2.66)          0.92x     1.59x
    parts serially too            3.0       4.6 (4.4)          5.6 (5.5, 3.00)          0.82x     1.48x
    parts serially too            2.6        -                  -                       0.94x     2.04x

Later, on a quiet machine (load about 1: this benchmark alone), each round one ratio, and the
best of the rounds (each method's fastest run, as timeit reports it)::

    code                      rounds  1 worker s  2 workers s  wall ratio per round            best of
    1bb5897 (16 parts)             2  3.9-4.9     2.5-2.7      1.53, 1.78x                          -
    0d313eb (8 parts)              4                           1.73, 1.41, 1.51, 1.57x          1.57x
    (the same, a second run)       4  4.3-4.9     3.3-3.8      1.29, 1.14, 1.30, 1.35x          1.29x
    2524ef7 (8, equal weight)      5  4.4-5.3     2.9-3.3      1.54, 1.72, 1.46, 1.51, 1.55x    1.51x
    (the same, a second run)       5                           2.01, 1.48, 1.36, 1.48, 1.44x    1.64x

Two workers use 15-20% more CPU than one process (5.1-5.9 s against 4.4-5.2 s): the children's
user time equals the serial run's, their system time is about twice its (with more page faults:
125k against 70k; keeping freed memory with glibc's mallopt halved those but not the system time),
and the parent spends about 0.35 s merging and unpickling the parts' tables.

The wall ratio is what the machine gave: with Linux's autogroup scheduling (on here) every
session gets a fair share of the cores, so under load the two workers together ran on about one
core (cpu s about equal to wall s in both runs) and cannot beat one process.  The CPU critical
path is what two free cores would give: 1.5-2.0x.  Finishing a large job in 16 parts, one after
another, also made one process faster (6.7 -> 4.2-4.4 CPU s), which lowers both ratios.

Run from the repository root::

    python benchmarks/regions.py                  # everything (several minutes: the walk on 4-12-12-12-1)
    python benchmarks/regions.py --quick          # the three smallest networks (smoke run)
    python benchmarks/regions.py --nets 2-32-32-1 4-12-12-12-1 --methods walk subdivision
    python benchmarks/regions.py --quick --json   # one JSON object per line on stdout
"""

from __future__ import annotations

import argparse
import importlib.util
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
METHODS = ("walk", "subdivision", "subdivision-2", "highs", "exact-lp", "regioncam")
BASELINE = "walk"
TARGETS = {  # issue 13, each measured as a ratio of two cases of one run
    "walk / subdivision on 4-12-12-12-1 (to the graph)": ("4-12-12-12-1", "walk", "subdivision", 8.0, ">="),
    "subdivision / regioncam on 2-32-32-1": ("2-32-32-1", "subdivision", "regioncam", 10.0, "<="),
    "subdivision / subdivision-2 on 4-12-12-12-1 (wall)": (
        "4-12-12-12-1",
        "subdivision",
        "subdivision-2",
        1.7,
        ">=",
    ),
}
WEIGHT_RANGE = (-5, 5)
BOX = (-10, 10)
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

COLUMNS = (
    ("network", "<"),
    ("method", "<"),
    ("regions", ">"),
    ("pieces", ">"),
    ("bounded", ">"),
    ("seconds", ">"),
    ("cpu s", ">"),
    ("graph s", ">"),
    ("regions/s", ">"),
    ("LPs", ">"),
    ("fallbacks", ">"),
    ("peak MiB", ">"),
    ("time / walk", ">"),
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


def _timed_part(net_data: dict, part: dict, open_units: int) -> Any:
    """``parallel.run_part``, noting its CPU seconds (and the worker's pid) in a file."""
    from exactpwl import parallel

    c0 = time.process_time()
    table = parallel.run_part(net_data, part, open_units)
    with open(os.environ["EXACTPWL_BENCH_PARTS"], "a") as f:
        f.write(f"{os.getpid()} {time.process_time() - c0}\n")
    return table


def _count_part_cpu() -> str:
    """Make the worker processes note each part's CPU time (``regions`` then runs ``_timed_part``)."""
    import tempfile

    from exactpwl import parallel

    fd, path = tempfile.mkstemp(suffix=".parts")
    os.close(fd)
    os.environ["EXACTPWL_BENCH_PARTS"] = path
    default = parallel.subdivide.__kwdefaults__
    default["runner"] = _timed_part
    return path


def _worker_cpu(path: str) -> dict[int, float]:
    """CPU seconds per worker process, from the notes of ``_timed_part`` (the file is removed)."""
    per: dict[int, float] = {}
    with open(path) as f:
        for line in f:
            pid, cpu = line.split()
            per[int(pid)] = per.get(int(pid), 0.0) + float(cpu)
    os.unlink(path)
    return per


def _children_cpu() -> float:
    """CPU seconds of this process's finished children (the worker processes, once the pool closed)."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _maxrss_mib(who: int = resource.RUSAGE_SELF) -> float:
    rss = resource.getrusage(who).ru_maxrss  # KiB on Linux, bytes on macOS
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def methods_for(arch: str, chosen: list[str] | None) -> list[str]:
    """The methods run on a network (``--methods`` or the defaults)."""
    dims = parse_arch(arch)
    if chosen:
        out = list(chosen)
    else:
        out = ["walk", "subdivision"]
        if len(dims) > 3 or dims[0] > 2:
            out.append("subdivision-2")
        if arch in BASELINE_NETS:
            out += list(BASELINES)
        if dims[0] == 2:
            out.append("regioncam")
    if "regioncam" in out and (dims[0] != 2 or importlib.util.find_spec("regioncam") is None):
        out.remove("regioncam")
    return out


def run_regioncam(arch: str, seed: int) -> dict[str, Any]:
    """regioncam on the same weights (float32): its faces and its time (setup included)."""
    import numpy as np
    import regioncam

    layers = make_layers(arch, seed)
    t0 = time.perf_counter()
    rc = regioncam.Regioncam(size=float(BOX[1]))
    for k, (W, b) in enumerate(layers):
        rc.linear(np.array(W, dtype=np.float32).T.copy(), np.array(b, dtype=np.float32))
        if k < len(layers) - 1:
            rc.relu()
    faces = rc.num_faces
    secs = time.perf_counter() - t0
    return {
        "network": arch,
        "method": "regioncam",
        "seed": seed,
        "status": "ok",
        "regions": faces,
        "pieces": None,
        "bounded": None,
        "edges": rc.num_edges,
        "seconds": round(secs, 4),
        "cpu": None,
        "graph_seconds": None,
        "regions_per_s": round(faces / secs, 1) if secs > 0 else None,
        "lps": None,
        "fallbacks": None,
        "peak_mib": round(_maxrss_mib(), 1),
        "base_mib": None,
        "exact": False,
    }


def run_one(arch: str, method: str, seed: int) -> dict[str, Any]:
    """One case, in this process (the child): build, warm up, enumerate, build the graph, measure."""
    # benchmark the checkout this file lives in (and do not depend on how it was pip-installed)
    if REPO not in sys.path:
        sys.path.insert(0, REPO)
    if method == "regioncam":
        return run_regioncam(arch, seed)
    from exactpwl import Network, regions
    from exactpwl.polyhedron import as_domain, describe

    net = Network.from_layers(make_layers(arch, seed))
    n = net.input_dim
    domain = {"box": [list(BOX)] * n}
    backend = method if method in BASELINES else "ppl"
    kernel = "walk" if method in ("walk", *BASELINES) else "subdivision"
    workers = 2 if method == "subdivision-2" else 1
    # warm-up outside the timed part: imports the backend (HiGHS) and runs it once on the box
    describe(as_domain(domain, n).rows, n, backend)
    regions(Network.from_layers(make_layers("2-2-1", seed)), {"box": [list(BOX)] * 2}, kernel=kernel)
    parts_cpu = _count_part_cpu() if workers > 1 else None
    base = _maxrss_mib()
    t0, c0, k0 = time.perf_counter(), time.process_time(), _children_cpu()
    g = regions(net, domain, backend=backend, kernel=kernel, workers=workers)
    s = g.summary()
    t1, c1, k1 = time.perf_counter(), time.process_time(), _children_cpu()
    _ = g.graph  # the networkx graph with every Region (the walk has built it already)
    t2 = time.perf_counter()
    assert s["kernel"] == kernel
    # the critical path in CPU seconds: this process, plus the busiest worker's parts
    path = None
    if parts_cpu is not None:
        busiest = max(_worker_cpu(parts_cpu).values(), default=0.0)
        path = round(c1 - c0 + busiest, 3)
    peak = _maxrss_mib() + (_maxrss_mib(resource.RUSAGE_CHILDREN) if workers > 1 else 0)
    return {
        "network": arch,
        "method": method,
        "seed": seed,
        "status": "ok" if s["complete"] else "incomplete",
        "regions": s["regions"],
        "pieces": s["pieces"],
        "bounded": s["bounded"],
        "edges": s["edges"],
        "seconds": round(t1 - t0, 3),
        "cpu": round(c1 - c0 + k1 - k0, 3),
        "cpu_path": round(c1 - c0, 3) if path is None else path,
        "graph_seconds": round(t2 - t0, 3),
        "regions_per_s": round(s["regions"] / (t1 - t0), 1) if t1 > t0 else None,
        "lps": s["lps"],
        "fallbacks": s["fallbacks"],
        "workers": s.get("workers", 1),
        "peak_mib": round(peak, 1),
        "base_mib": round(base, 1),
        "exact": True,
    }


def child_main(arch: str, method: str, seed: int) -> int:
    """``--one``: write one JSON line to the real stdout; anything else printed goes to stderr."""
    out = os.fdopen(os.dup(1), "w")
    sys.stdout.flush()
    os.dup2(2, 1)
    out.write(json.dumps(run_one(arch, method, seed)) + "\n")
    out.flush()
    return 0


def spawn(arch: str, method: str, seed: int, timeout: float) -> dict[str, Any]:
    """Run one case in a fresh interpreter; a timeout or a crash becomes a record, not a number."""
    cmd = [sys.executable, os.path.abspath(__file__), "--one", arch, method, "--seed", str(seed)]
    record: dict[str, Any] = {"network": arch, "method": method, "seed": seed}
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
    blank = [""] * (len(COLUMNS) - 3)
    if r["status"] == "timeout":
        return [r["network"], r["method"], f"timeout (> {r['timeout']:g} s)"] + blank
    if r["status"] == "error":
        return [r["network"], r["method"], f"ERROR (exit {r['returncode']})"] + blank
    regions = str(r["regions"]) + ("" if r["status"] == "ok" else " (incomplete)")
    if not r.get("exact", True):
        regions += " faces"
    return [
        r["network"],
        r["method"],
        regions,
        _fmt(r["pieces"]),
        _fmt(r["bounded"]),
        _fmt(r["seconds"]),
        _fmt(r["cpu"]),
        _fmt(r["graph_seconds"]),
        _fmt(r["regions_per_s"]),
        _fmt(r["lps"]),
        _fmt(r["fallbacks"]),
        f"{r['peak_mib']:.1f}",
        f"{ratio:.3g}x" if ratio is not None else "",
    ]


class Table:
    """Fixed-width rows printed as each case finishes (status cells may overflow their column)."""

    WIDTHS = (12, 13, 14, 7, 7, 8, 8, 8, 9, 7, 9, 8, 11)

    def row(self, cells: list[str]) -> None:
        out = []
        for (_, align), w, c in zip(COLUMNS, self.WIDTHS, cells):
            out.append(f"{c:{align}{w}}")
        print("  ".join(out).rstrip(), flush=True)

    def header(self) -> None:
        self.row([name for name, _ in COLUMNS])
        print("  ".join("-" * w for w in self.WIDTHS), flush=True)


def _to_graph(r: dict[str, Any]) -> float | None:
    """Seconds until the whole graph exists (regioncam: its own time)."""
    return r["graph_seconds"] if r.get("graph_seconds") is not None else r.get("seconds")


def ratio_of(r: dict[str, Any], base: dict[str, Any] | None) -> float | None:
    """``r``'s seconds (to the graph) over the walk's."""
    if base is None or r is base or r["status"] != "ok" or base["status"] != "ok" or not _to_graph(base):
        return None
    return _to_graph(r) / _to_graph(base)


def check(arch: str, runs: dict[str, dict[str, Any]]) -> tuple[bool, dict[str, Any]]:
    """Whether every finished exact method found the same regions / pieces / bounded counts."""
    done = {m: r for m, r in runs.items() if r["status"] == "ok" and r.get("exact", True)}
    counts = {m: {k: r[k] for k in ("regions", "pieces", "bounded")} for m, r in done.items()}
    agree = len({tuple(c.values()) for c in counts.values()}) <= 1
    base = runs.get(BASELINE)
    ratios = {m: ratio_of(r, base) for m, r in runs.items() if m != BASELINE}
    return agree, {
        "kind": "check",
        "network": arch,
        "match": agree,
        "counts": counts,
        "not_compared": sorted(set(runs) - set(done)),
        "seconds_over_walk": ratios,
    }


def fastest(all_runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each (network, method)'s fastest successful run (to the graph for the walk)."""
    best: dict[tuple[str, str], dict[str, Any]] = {}
    for r in all_runs:
        if r["status"] != "ok":
            continue
        key = (r["network"], r["method"])
        time_of = _to_graph if r["method"] == "walk" else (lambda x: x["seconds"])
        if key not in best or time_of(r) < time_of(best[key]):
            best[key] = r
    return list(best.values())


def targets(all_runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The issue's targets, from this run's cases (None where a case is missing)."""
    by = {(r["network"], r["method"]): r for r in all_runs if r["status"] == "ok"}
    out = []
    for name, (arch, num, den, goal, sense) in TARGETS.items():
        a, b = by.get((arch, num)), by.get((arch, den))
        if a is None or b is None:
            out.append({"kind": "target", "target": name, "ratio": None, "goal": goal, "met": None})
            continue
        if num == "walk":  # the walk builds the graph as it goes: compare like with like
            ratio, counts_only = _to_graph(a) / _to_graph(b), a["seconds"] / b["seconds"]
        else:
            ratio, counts_only = a["seconds"] / b["seconds"], None
        met = ratio >= goal if sense == ">=" else ratio <= goal
        rec = {"kind": "target", "target": name, "ratio": round(ratio, 2), "goal": goal, "met": met}
        if counts_only is not None:
            rec["ratio_to_counts"] = round(counts_only, 2)
            rec["cpu_ratio"] = round(a["cpu"] / b["cpu"], 2) if a.get("cpu") and b.get("cpu") else None
        if den == "subdivision-2" and a.get("cpu_path") and b.get("cpu_path"):
            rec["cpu_path_ratio"] = round(a["cpu_path"] / b["cpu_path"], 2)
        if den == "regioncam":
            rec["faces"] = {"exactpwl regions": a["regions"], "regioncam faces": b["regions"]}
        out.append(rec)
    return out


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
    ap.add_argument("--methods", nargs="+", choices=METHODS, help="methods to run (default: per network)")
    ap.add_argument("--seed", type=int, default=0, help="seed of every network's random.Random (default 0)")
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds per case (default 900)")
    ap.add_argument(
        "--repeat",
        type=int,
        default=1,
        metavar="N",
        help="run every case N times, round after round, with the targets and the load of each round",
    )
    ap.add_argument(
        "--one", nargs=2, metavar=("NET", "METHOD"), help="internal: run one case here, print one JSON line"
    )
    args = ap.parse_args(argv)

    if args.one:
        arch, method = args.one
        parse_arch(arch)
        return child_main(arch, method, args.seed)

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
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
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
            "cores": os.cpu_count(),
            "load_before": load,
        }
    )
    if not args.json:
        print(
            f"exactpwl.regions over [{BOX[0]},{BOX[1]}]^n; integer weights/biases uniform in "
            f"{WEIGHT_RANGE[0]}..{WEIGHT_RANGE[1]}, random.Random({args.seed}) per network; "
            f"timeout {args.timeout:g} s per case; code {version}; {os.cpu_count()} cores, load {load}"
        )
        print(
            "seconds = the regions() call (counts ready); cpu s = its CPU time (worker processes included; "
            "the CPU critical path is this process's plus the busiest worker's); "
            "graph s = until the networkx graph exists too; time / walk compares graph s"
        )
        print(
            "peak MiB = resource.getrusage(RUSAGE_SELF).ru_maxrss read in a fresh subprocess per case "
            "(whole process, interpreter and imports included; plus the children's with workers)"
        )
        print()
        table.header()

    checks: list[dict[str, Any]] = []
    mismatches: list[str] = []
    all_runs: list[dict[str, Any]] = []
    rounds: list[tuple[float | None, list[dict[str, Any]]]] = []  # (load at its start, its runs)
    for arch, rnd in ((a, k) for k in range(max(1, args.repeat)) for a in nets):
        if arch == nets[0]:
            rounds.append((os.getloadavg()[0] if hasattr(os, "getloadavg") else None, []))
        runs: dict[str, dict[str, Any]] = {}
        for method in methods_for(arch, args.methods):
            r = spawn(arch, method, args.seed, args.timeout)
            r["round"] = rnd + 1
            runs[method] = r
            all_runs.append(r)
            rounds[-1][1].append(r)
            ratio = ratio_of(r, runs.get(BASELINE))
            if args.json:
                emit({"kind": "case", **r, "seconds_over_walk": _round(ratio)})
            else:
                table.row(table_cells(r, ratio))
        if len(runs) > 1:
            agree, rec = check(arch, runs)
            checks.append(rec)
            emit({**rec, "seconds_over_walk": {m: _round(v) for m, v in rec["seconds_over_walk"].items()}})
            if not agree:
                mismatches.append(arch)

    goals = targets(rounds[0][1])
    for rec in goals:
        emit({**rec, "round": 1, "load": rounds[0][0]})
    later = [(k + 2, load, targets(runs)) for k, (load, runs) in enumerate(rounds[1:])]
    for rnd, load, recs in later:
        for rec in recs:
            emit({**rec, "round": rnd, "load": load})
    if later:
        for rec in targets(fastest(all_runs)):
            emit({**rec, "round": "best"})
    errors = [r for r in all_runs if r["status"] == "error"]
    if not args.json:
        bases = [r["base_mib"] for r in all_runs if r["status"] in ("ok", "incomplete") and r.get("base_mib")]
        if bases:
            print(f"\n(RSS after imports and warm-up: {min(bases):.1f}-{max(bases):.1f} MiB)")
        if checks:
            print("\nSeconds to the graph over the walk's, and agreement of regions/pieces/bounded:")
        for rec in checks:
            ratios = ", ".join(
                f"{m} {v:.3g}x" if v is not None else f"{m} n/a" for m, v in rec["seconds_over_walk"].items()
            )
            counts = ", ".join(f"{m} {c['regions']}" for m, c in rec["counts"].items())
            verdict = (
                "nothing to compare"
                if len(rec["counts"]) < 2
                else ("same counts" if rec["match"] else "MISMATCH")
            )
            skipped = f" (not compared: {', '.join(rec['not_compared'])})" if rec["not_compared"] else ""
            print(f"  {rec['network']:<12}  {ratios};  regions: {counts}  -> {verdict}{skipped}")
        first = f" (round 1, load {rounds[0][0]})" if later else ""
        print(f"\nTargets (issue 13), ratios of this run{first}:")
        for rec in goals:
            if rec["ratio"] is None:
                print(f"  {rec['target']}: not measured in this run")
                continue
            extra = ""
            if "ratio_to_counts" in rec:
                extra = f" (to the counts only: {rec['ratio_to_counts']}x; CPU: {rec['cpu_ratio']}x)"
            if "cpu_path_ratio" in rec:
                extra = f" (CPU critical path: {rec['cpu_path_ratio']}x)"
            if "faces" in rec:
                f = rec["faces"]
                extra = f" (regions {f['exactpwl regions']} exact, regioncam {f['regioncam faces']} faces)"
            met = "met" if rec["met"] else "NOT met"
            print(f"  {rec['target']}: {rec['ratio']}x, goal {rec['goal']}x: {met}{extra}")
        for rnd, load, recs in later:
            measured = [
                f"{r['target']}: {r['ratio']}x"
                + (f" (CPU critical path: {r['cpu_path_ratio']}x)" if "cpu_path_ratio" in r else "")
                for r in recs
                if r["ratio"] is not None
            ]
            print(f"  round {rnd} (load {load}): " + ("; ".join(measured) or "nothing measured"))
        if later:
            print(
                f"  best of {len(rounds)} rounds (each case's fastest run, as timeit reports: noise only ever"
                " adds time): "
                + (
                    "; ".join(
                        f"{r['target']}: {r['ratio']}x ({'met' if r['met'] else 'NOT met'})"
                        for r in targets(fastest(all_runs))
                        if r["ratio"] is not None
                    )
                    or "nothing measured"
                )
            )
    if mismatches:
        print(
            f"\n!!! MISMATCH: methods disagree on {', '.join(mismatches)} -- "
            "exact region counts must not depend on the method !!!",
            file=sys.stderr,
        )
        return 1
    if errors:
        print(
            "\n!!! ERROR: a case crashed: "
            + ", ".join(f"{r['network']}/{r['method']}" for r in errors)
            + " (traceback above on stderr)",
            file=sys.stderr,
        )
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
