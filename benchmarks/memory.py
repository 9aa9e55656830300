"""Benchmark: peak memory of a large region count, in memory against streamed to SQLite.

The networks of ``benchmarks/regions.py`` (integer weights in -5..5, box [-10, 10]^n), by
default 4-20-20-20-1 (about a million regions).  Each mode runs in a fresh subprocess, one at a
time; peak memory is ``ru_maxrss`` of that process (plus its largest child with workers):

* ``table``: ``regions(net, box)``, the counts from the in-memory table (no networkx graph);
* ``store``: ``regions(net, box, store=FILE)``, every region and edge written to a SQLite file
  part by part; the counts come from the file;
* ``graph`` (``--graph``): the table plus the ``networkx`` graph with every ``Region`` object,
  what a walk holds at the end (skip it for a million regions unless memory is plentiful).

The counts of every mode must agree (exit status 1 otherwise).

    python benchmarks/memory.py                       # 4-20-20-20-1, table and store
    python benchmarks/memory.py --net 4-12-12-12-1 --graph
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

from regions import BOX, REPO, code_version, make_layers


def run_one(arch: str, mode: str, workers: int) -> dict:
    if REPO not in sys.path:
        sys.path.insert(0, REPO)
    from exactpwl import Network, regions

    net = Network.from_layers(make_layers(arch, 0))
    dom = {"box": [list(BOX)] * net.input_dim}
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "regions.sqlite")
        t0 = time.perf_counter()
        g = regions(net, dom, workers=workers, store=path if mode == "store" else None)
        s = g.summary()
        if mode == "graph":
            _ = g.graph
        secs = time.perf_counter() - t0
        size = os.path.getsize(path) if mode == "store" else None
    self_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "network": arch,
        "mode": mode,
        "regions": s["regions"],
        "pieces": s["pieces"],
        "edges": s["edges"],
        "seconds": round(secs, 1),
        "peak_mib": round(self_peak, 1),
        "child_peak_mib": round(child_peak, 1),
        "file_mib": round(size / 2**20, 1) if size else None,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--net", default="4-20-20-20-1")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--graph", action="store_true", help="also the networkx graph in memory")
    ap.add_argument("--one", metavar="MODE", help="internal: run one mode here")
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_one(args.net, args.one, args.workers)))
        return 0
    print(f"peak memory of exactpwl.regions on {args.net} over [{BOX[0]},{BOX[1]}]^n; code {code_version()}")
    head = ["regions", "pieces", "edges", "seconds", "peak MiB", "file MiB"]
    print(f"{'mode':<6}  " + "  ".join(f"{h:>9}" for h in head))
    counts = set()
    for mode in ["table", "store"] + (["graph"] if args.graph else []):
        cmd = [sys.executable, __file__, "--net", args.net, "--workers", str(args.workers), "--one", mode]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            why = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else proc.returncode
            print(f"{mode:<6}  ERROR: {why}")
            return 2
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        counts.add((r["regions"], r["pieces"], r["edges"]))
        peak = max(r["peak_mib"], r["child_peak_mib"]) if args.workers > 1 else r["peak_mib"]
        cells = [r["regions"], r["pieces"], r["edges"], r["seconds"], peak, r["file_mib"] or "-"]
        print(f"{mode:<6}  " + "  ".join(f"{c:>9}" for c in cells), flush=True)
    if len(counts) != 1:
        print("!!! MISMATCH: the modes disagree on the counts", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
