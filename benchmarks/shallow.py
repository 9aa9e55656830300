"""Benchmark: ``exactpwl.shallow`` on 1-D functions with k breakpoints, and where its time goes.

What is measured, per k: a 1-D CPWL function with k breakpoints at 0..k-1 whose slope jumps are
random rationals p/q (p in -50..50 without 0, q in 1..7, from ``random.Random(k)``) and whose
slope left of the first breakpoint is 1/1000 (so that no subset of jumps absorbs it and every
subset sum is tried: the worst case of the k check).  Columns:

* ``shallow s``: the whole call (region walk, kinks, minimal width, certification);
* ``subset s``: the k check alone, meet in the middle over distinct sums (what ``shallow`` uses);
* ``plain s``: the baseline, all 2^k subsets one by one (only up to k = 20), and the ratio.

Run from the repository root:  ``python benchmarks/shallow.py [--max-k 24]``
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from exactpwl.pwl import PWL  # noqa: E402
from exactpwl.shallow import _scaled, _subset_with_sum, shallow  # noqa: E402


def target(k: int) -> tuple[PWL, list[Fraction], Fraction]:
    rng = random.Random(k)
    jumps = [Fraction(rng.choice([p for p in range(-50, 51) if p]), rng.randint(1, 7)) for _ in range(k)]
    slope = Fraction(1, 1000)
    pts = [[-1, 0]]
    y, x = Fraction(0), -1
    for i, d in enumerate(jumps):
        y += slope * (i - x)
        x = i
        pts.append([i, y])
        slope += d
    pts.append([k, y + slope * (k - x)])
    return PWL.from_breakpoints(pts), jumps, Fraction(1, 1000)


def plain(jumps: list[Fraction], need: Fraction) -> bool:
    for mask in range(1 << len(jumps)):
        if sum((d for j, d in enumerate(jumps) if mask >> j & 1), Fraction(0)) == need:
            return True
    return False


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max-k", type=int, default=24)
    args = ap.parse_args()
    head = ["k", "width", "case", "shallow s", "subset s", "plain s", "plain/subset"]
    print(" ".join(f"{h:>{w}}" for h, w in zip(head, [3, 6, 5, 10, 9, 8, 13])))
    for k in range(4, args.max_k + 1, 4):
        t, jumps, s0 = target(k)
        t0 = time.perf_counter()
        s = shallow(t)
        t1 = time.perf_counter()
        vs = _scaled([[d] for d in jumps] + [[-s0]])
        found = _subset_with_sum(vs[:-1], vs[-1], [1 << 22])
        t2 = time.perf_counter()
        row = f"{k:>3} {s.width:>6} {s.case:>5} {t1 - t0:>10.3f} {t2 - t1:>9.4f}"
        if k <= 20:
            t3 = time.perf_counter()
            again = plain(jumps, -s0)
            t4 = time.perf_counter()
            assert again == (found is not None)
            row += f" {t4 - t3:>8.3f} {(t4 - t3) / max(t2 - t1, 1e-9):>13.0f}"
        print(row)


if __name__ == "__main__":
    main()
