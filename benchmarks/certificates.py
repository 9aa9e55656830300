"""Benchmark: certificate size and cost, compact against written-out proofs, in one run.

For each case a network is certified equal to a reparametrised copy of itself (every hidden unit
scaled by a positive factor and the units shuffled, so the target is another network with the
same function), then the certificate is written twice: written out (``compact=False``: every
facet's row and every redundant row's multipliers) and compact (the default: facets named by
their place, redundant rows by bases the checker solves on).  Both are checked by
``exactpwl check``.  The columns:

* ``certify s``: ``certify`` itself and the enumeration of its regions (the default kernel for
  the domain; a claim that rewriting proves enumerates them when they are first asked for);
* ``write s`` / ``check s``: writing and checking each form, and ``write / certify``;
* ``KiB`` of the JSON, and ``smaller``: written-out size over compact size.

The issue's targets: writing at most 1.5x certify, certificates 3x smaller (than the written-out
form, the format of the issue's time).

    python benchmarks/certificates.py            # 2-16-16-1, 3-10-10-1, 2-32-32-1, 4-8-8-1
    python benchmarks/certificates.py --quick    # the first two

Measured (2 cores, load about 1: this benchmark alone, 2026-12-02, ``--repeat 3``: the fastest
of three; written out | compact)::

    case       regions certify s | write s /certify check s   KiB | write s /certify check s  KiB | smaller
    2-16-16-1      365      0.06 |    0.32     5.5x    0.53   933 |    0.03     0.6x    0.45  139 |  6.7x
    3-10-10-1      890      0.08 |    0.70     8.8x    0.78  1860 |    0.07     0.8x    0.79  371 |  5.0x
    2-32-32-1     1969      0.24 |    4.73    19.9x    5.19 10034 |    0.27     1.1x    4.32 1076 |  9.3x
    4-8-8-1       1639      0.13 |    1.24     9.4x    1.96  3456 |    0.12     0.9x    1.72  875 |  4.0x

Size: 4.0-9.3x smaller (target 3x: met).  Writing the compact certificate: 0.6-1.1x the
certification (target 1.5x: met; single runs, without ``--repeat``, gave 0.3-1.5x).  Before the
writer worked from the subdivision's vertices it took 7-20x (commit 1bb5897: 0.59, 0.97, 5.42
and 2.94 s on these four cases): it derived each label's rows and ran one exact vertex
enumeration (PPL) per region.  The written-out form still goes region by region (it computes
every multiplier) and takes 5-20x.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import sys
import time
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from exactpwl import Network, certify  # noqa: E402
from exactpwl.check import check_certificate  # noqa: E402

CASES = [("2-16-16-1", 10), ("3-10-10-1", 5), ("2-32-32-1", 10), ("4-8-8-1", 5)]


def _network(arch: str, seed: int) -> tuple[Network, Network]:
    """A random integer network (weights in -5..5) and a reparametrised copy of it."""
    rng = random.Random(seed)
    sizes = [int(s) for s in arch.split("-")]
    layers = [
        ([[rng.randint(-5, 5) for _ in range(a)] for _ in range(b)], [rng.randint(-5, 5) for _ in range(b)])
        for a, b in zip(sizes, sizes[1:])
    ]
    twin = [([[Fraction(v) for v in row] for row in W], [Fraction(v) for v in b]) for W, b in layers]
    for k in range(len(twin) - 1):  # scale unit j of layer k by s > 0, then permute the layer's units
        W, b = twin[k]
        W2, b2 = twin[k + 1]
        for j in range(len(b)):
            s = rng.choice([2, 3])
            W[j] = [v * s for v in W[j]]
            b[j] *= s
            for row in W2:
                row[j] /= s
        perm = list(range(len(b)))
        rng.shuffle(perm)
        twin[k] = ([W[p] for p in perm], [b[p] for p in perm])
        twin[k + 1] = ([[row[p] for p in perm] for row in W2], b2)
    return Network.from_layers(layers), Network.from_layers(twin)


def run(arch: str, half: int, seed: int = 0, repeat: int = 1) -> dict:
    """One case; with ``repeat`` > 1 every time is the fastest of that many runs (noise only adds)."""
    net, twin = _network(arch, seed)
    n = net.input_dim
    times = []
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        v = certify(net, twin, {"box": [[-half, half]] * n})
        regions = v.regions  # a claim proved by rewriting enumerates its regions here: timed with certify
        times.append(time.perf_counter() - t0)
    rec = {"case": arch, "regions": regions, "certify_s": min(times), "holds": v.holds}
    for compact in (False, True):
        key = "compact" if compact else "explicit"
        times = []
        for _ in range(repeat):
            gc.collect()
            t0 = time.perf_counter()
            cert = v.certificate(compact)
            times.append(time.perf_counter() - t0)
        rec[f"{key}_write_s"] = min(times)
        rec[f"{key}_kib"] = len(json.dumps(cert)) / 1024
        t0 = time.perf_counter()
        rep = check_certificate(cert)
        rec[f"{key}_check_s"] = time.perf_counter() - t0
        rec[f"{key}_valid"] = rep.valid
    return rec


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--json", action="store_true", help="one JSON object per case")
    ap.add_argument(
        "--repeat", type=int, default=1, metavar="N", help="time everything N times, keep the fastest"
    )
    args = ap.parse_args()
    cases = CASES[:2] if args.quick else CASES
    form = f"{'write s':>8} {'/certify':>8} {'check s':>8} {'KiB':>7}"
    head = f"{'case':<10} {'regions':>7} {'certify s':>9} | {form} | {form} | {'smaller':>7}"
    if not args.json:
        print(f"{'':<29}| {'written out (compact=False)':<44}| {'compact (default)':<44}|")
        print(head)
        print("-" * len(head))
    for arch, half in cases:
        r = run(arch, half, repeat=max(1, args.repeat))
        if args.json:
            print(json.dumps(r), flush=True)
            continue
        cells = [f"{r['case']:<10} {r['regions']:>7} {r['certify_s']:>9.2f}"]
        for key in ("explicit", "compact"):
            ok = "" if r[f"{key}_valid"] else " INVALID"
            cells.append(
                f"{r[f'{key}_write_s']:>8.2f} {r[f'{key}_write_s'] / r['certify_s']:>7.1f}x"
                f" {r[f'{key}_check_s']:>8.2f}{ok} {r[f'{key}_kib']:>7.0f}"
            )
        cells.append(f"{r['explicit_kib'] / r['compact_kib']:>6.1f}x")
        print(" | ".join(cells), flush=True)


if __name__ == "__main__":
    main()
