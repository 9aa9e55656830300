"""Benchmark: the conjecture refuter's spaces and examples.

What is measured, in one process, one case after the other:

1. **Spaces.**  For each space: its size before and after removing the symmetries of ReLU
   networks, and how many objects per second are *enumerated* (a claim that is always true,
   so only the enumeration and the symmetry test are timed) and *checked* with a real claim
   (``regions(net)`` for networks, the R7 test for lattice targets, exact values for vectors),
   the whole space or its first ``--limit`` objects.  For network spaces the same enumeration
   without the reduction (``reduce=False``) is the baseline: ``enum full / reduced`` is the
   time to enumerate the full space divided by the time for the reduced one.
2. **Examples.**  For each conjecture of ``examples/conjectures``: time to the first
   counterexample (``refute`` in this process, the conjecture file's own mode, budget and seed),
   the objects tried, and that time as a multiple of the fastest example's.  For the 2-2-1
   region claim also the same search on the unreduced space, and an exhaustive true claim
   (Zaslavsky's bound) on both, as the baseline of the symmetry reduction.

Run from the repository root::

    python benchmarks/conjecture.py            # everything (about two minutes)
    python benchmarks/conjecture.py --quick    # small spaces and the fast examples
    python benchmarks/conjecture.py --json     # one JSON object per row
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import time
from itertools import islice
from typing import Any

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

from exactpwl import regions  # noqa: E402
from exactpwl.conjecture import (  # noqa: E402
    lattice_targets,
    networks,
    rationals,
    refute,
    targets_1d,
    vectors,
    zaslavsky_bound,
)
from exactpwl.construct.three_layer import three_layer  # noqa: E402

EXAMPLES = os.path.join(REPO, "examples", "conjectures")


def timed(fn) -> tuple[Any, float]:
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def rate(n: int, seconds: float) -> str:
    return f"{n / seconds:,.0f}" if seconds > 0 else "-"


def _regions_claim(net) -> bool:
    return regions(net).num_pieces >= 0


def _r7_claim(t) -> bool:
    try:
        three_layer(t)
    except Exception:
        return False
    return True


def space_rows(quick: bool, limit: int) -> list[dict]:
    W1, W2 = [0, 1, -1], [0, 1, -1, 2, -2]
    cases = [  # (name, make(reduce) or make(), reducible, claim)
        ("2-2-1, {0, +-1}", lambda r: networks("2-2-1", W1, reduce=r), True, _regions_claim),
        ("1-2-1, {0, +-1, +-2}", lambda r: networks("1-2-1", W2, reduce=r), True, _regions_claim),
        (
            "1-2-2-1, {0, +-1}, output 1",
            lambda r: networks("1-2-2-1", W1, output_weights=[1], output_biases=[0], reduce=r),
            True,
            _regions_claim,
        ),
        ("1-D targets, 2..3 pieces", lambda: targets_1d((2, 3), W1, W1), False, lambda t: True),
        ("vectors, 9 in {0, +-1}", lambda: vectors(9, W1), False, lambda v: sum(v) != 100),
        ("rationals, height <= 30", lambda: rationals(30), False, lambda q: q != 100),
    ]
    if not quick:
        cases.append(("max/min of <= 3 forms on R^2", lambda: lattice_targets(2, 3), False, _r7_claim))
    rows = []
    for name, make, reducible, claim in cases:
        space = make(True) if reducible else make()
        reduced = space.size
        t_enum = timed(lambda s=space: sum(1 for _ in s))[1]
        n = min(limit, reduced)
        t_check = timed(lambda s=space, n=n, c=claim: sum(1 for x in islice(iter(s), n) if c(x)))[1]
        ratio = "-"
        if reducible:
            full = make(False)
            t_full = timed(lambda s=full: sum(1 for _ in s))[1]
            ratio = f"{t_full / t_enum:.2f}"
        rows.append(
            {
                "space": name,
                "full size": space.full_size,
                "reduced size": reduced,
                "full / reduced": f"{space.full_size / reduced:.2f}",
                "enumerated/s": rate(reduced, t_enum),
                "checked/s": rate(n, t_check),
                "checked": n,
                "enum time full / reduced": ratio,
            }
        )
    return rows


def load(name: str):
    spec = importlib.util.spec_from_file_location(name, os.path.join(EXAMPLES, f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def example_rows(quick: bool) -> tuple[list[dict], list[dict]]:
    names = ["regions_221", "one_d_width", "one_hidden_layer_r2", "depth_max"]
    if not quick:
        names.append("depth_regions")
    rows = []
    for name in names:
        m = load(name)
        r = refute(
            m.claim,
            m.space,
            getattr(m, "budget", None),
            getattr(m, "seed", None),
            mode=getattr(m, "mode", None),
        )
        assert r.refuted, name
        rows.append(
            {
                "example": name,
                "mode": r.mode,
                "tried": r.tried,
                "space size": r.space_size if r.space_size is not None else "-",
                "seconds to counterexample": f"{r.seconds:.3f}",
            }
        )
    # the symmetry reduction as the baseline: the same searches on the unreduced 2-2-1 space
    m = load("regions_221")
    full = networks("2-2-1", [0, 1, -1], reduce=False)

    def zaslavsky(net):
        return len(regions(net)) <= zaslavsky_bound(2, 2)

    pairs = []
    for label, claim in (
        ("regions_221, first counterexample", m.claim),
        ("Zaslavsky's bound, exhausted", zaslavsky),
    ):
        red, unred = refute(claim, m.space), refute(claim, full)
        pairs.append(
            {
                "search on 2-2-1": label,
                "tried reduced": red.tried,
                "tried unreduced": unred.tried,
                "seconds reduced": f"{red.seconds:.2f}",
                "seconds unreduced": f"{unred.seconds:.2f}",
                "time unreduced / reduced": f"{unred.seconds / red.seconds:.1f}",
            }
        )
    return rows, pairs


def table(rows: list[dict]) -> str:
    cols = list(rows[0])
    width = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in cols}
    lines = ["  ".join(c.ljust(width[c]) for c in cols), "  ".join("-" * width[c] for c in cols)]
    for r in rows:
        lines.append(
            "  ".join(str(r[c]).rjust(width[c]) if c != cols[0] else str(r[c]).ljust(width[c]) for c in cols)
        )
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="small spaces, fast examples only")
    p.add_argument("--json", action="store_true", help="one JSON object per row")
    p.add_argument("--limit", type=int, default=2000, help="objects checked with a real claim per space")
    args = p.parse_args()
    spaces = space_rows(args.quick, args.limit)
    examples, pairs = example_rows(args.quick)
    if args.json:
        for row in spaces + examples + pairs:
            print(json.dumps(row))
        return
    print("Spaces (sizes exact; rates in objects per second on this machine, in this run)")
    print(table(spaces))
    print()
    print("Examples: time to the first counterexample")
    print(table(examples))
    print()
    print("Symmetry reduction as the baseline (same claim, reduced vs every weight setting)")
    print(table(pairs))


if __name__ == "__main__":
    main()
