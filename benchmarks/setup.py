"""Benchmark: the cost of setting up a network, before any region is walked (issue 7, defect 4).

What is measured, on random networks with integer weights in -9..9 (``random.Random(0)``):

* ``load+eval``: ``Network.from_dict`` on the JSON object, then one exact evaluation;
* ``walk setup``: ``regions(net, None, max_regions=1)``, i.e. the first pattern (the point 0
  perturbed along the axes), its polyhedron and the first region; the cap stops the walk there.

Each time is the best of ``--repeat`` runs (5) for runs under a second, the machine being shared.
Shapes: width doubling, 2-W-1 for W = 625 .. 5000, and input dimension doubling, n-1-1 for
n = 375 .. 3000.  Both grow the number of weights linearly, so linear setup shows as a ratio of
about 2 per doubling (``x2`` columns), quadratic setup as about 4.

The baseline is the quadratic code as it was before this benchmark was written, kept here
(``Baseline``): it re-read every weight row once per unit when building ``[W | b]``, built the
n x (n + 1) identity for every affine map, and evaluated the lexicographic perturbation with all
n axis directions at once.  Each shape runs both in the same process; a case slower than
``--budget`` seconds is not repeated at the next size (shown as ``-``).  Exactness is not at
stake here (tests/test_network.py checks the outputs on these shapes against a Fraction loop);
both implementations must find the same first pattern, which is asserted.

Run from the repository root::

    python benchmarks/setup.py            # both tables (about a minute)
    python benchmarks/setup.py --quick    # the two smallest sizes of each table
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Sequence
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from flint import fmpq_mat  # noqa: E402

from exactpwl.errors import InputError  # noqa: E402
from exactpwl.network import Network  # noqa: E402
from exactpwl.region_graph import regions  # noqa: E402

WIDTHS = (625, 1250, 2500, 5000)
DIMS = (375, 750, 1500, 3000)


class Baseline(Network):
    """The network code before the fix (quadratic setup), unchanged apart from this wrapper."""

    def __init__(self, layers, input_dim, description=None, names=None):
        super().__init__(layers, input_dim, description, names)
        self._bias_cols = []
        self._with_bias = []
        for L in self.layers:
            self._with_bias.append(
                fmpq_mat([[*L.weights.tolist()[j], L.biases[j, 0]] for j in range(L.units)])
            )
            m = fmpq_mat(L.units, input_dim + 1)
            for j in range(L.units):
                m[j, input_dim] = L.biases[j, 0]
            self._bias_cols.append(m)

    def pattern_perturbed(self, x: Sequence[Any]) -> tuple[int, ...]:
        n = self.input_dim
        return self.pattern_near(x, [[1 if i == j else 0 for j in range(n)] for i in range(n)])

    def pattern_near(self, x, directions):
        X = self._point_matrix([x, *directions])
        m = X.ncols()
        ones = [1] + [0] * (m - 1)
        X = fmpq_mat(X.nrows() + 1, m, X.entries() + ones)
        bits: list[int] = []
        for L, Wb, mask in zip(self.layers, self._with_bias, self._masks):
            Z = (Wb * X).entries()
            u = L.units
            if any(mask):
                keep = [1] * u
                for j in range(u):
                    if mask[j]:
                        keep[j] = 0
                        for v in Z[j * m : (j + 1) * m]:
                            if v:
                                if v > 0:
                                    keep[j] = 1
                                break
                        bits.append(keep[j])
                Z = [v if keep[i // m] else 0 for i, v in enumerate(Z)]
            X = fmpq_mat(u + 1, m, Z + ones)
        return tuple(bits)

    def layer_maps(self, pattern):
        if len(pattern) != self.num_neurons:
            raise InputError(f"pattern: has {len(pattern)} entries, expected {self.num_neurons}")
        n = self.input_dim
        M = fmpq_mat(n, n + 1)
        for i in range(n):
            M[i, i] = 1
        pre = []
        w = n + 1
        for L, bias, off, mask in zip(self.layers, self._bias_cols, self._offsets, self._masks):
            Z = L.weights * M + bias
            if all(mask):
                pre.append(Z)
                ent = Z.entries()
                M = fmpq_mat(
                    L.units,
                    w,
                    [ent[j * w + k] if pattern[off + j] else 0 for j in range(L.units) for k in range(w)],
                )
            elif any(mask):
                ent = Z.entries()
                units = [j for j in range(L.units) if mask[j]]
                pre.append(fmpq_mat(len(units), w, [ent[j * w + k] for j in units for k in range(w)]))
                on = [True] * L.units
                for t, j in enumerate(units):
                    on[j] = bool(pattern[off + t])
                M = fmpq_mat(
                    L.units, w, [ent[j * w + k] if on[j] else 0 for j in range(L.units) for k in range(w)]
                )
            else:
                M = Z
        return pre, M


def network_json(n: int, width: int, seed: int = 0) -> dict:
    rng = random.Random(seed)
    hidden = {
        "weights": [[rng.randint(-9, 9) for _ in range(n)] for _ in range(width)],
        "biases": [rng.randint(-9, 9) for _ in range(width)],
        "activation": "relu",
    }
    out = {"weights": [[rng.randint(-9, 9) for _ in range(width)]], "biases": [0], "activation": "linear"}
    return {"format": "exactpwl.network", "version": 1, "input_dim": n, "layers": [hidden, out]}


def measure(cls: type[Network], data: dict, repeat: int) -> tuple[float, float, tuple[int, ...]]:
    """Best of ``repeat`` runs (fewer when a run takes over a second): load+eval, walk setup, pattern."""
    best = [float("inf"), float("inf")]
    for _ in range(repeat):
        t0 = time.perf_counter()
        net = cls.from_dict(data)
        net([1] * net.input_dim)
        t1 = time.perf_counter()
        g = regions(net, None, max_regions=1)
        t2 = time.perf_counter()
        best = [min(best[0], t1 - t0), min(best[1], t2 - t1)]
        if t2 - t0 > 1:
            break
    (pattern,) = list(g.graph)
    return best[0], best[1], pattern


def table(title: str, label: str, shapes: list[tuple[int, int]], budget: float, repeat: int) -> None:
    print(f"\n{title}")
    head = f"{label:>8} {'weights':>8} | {'load+eval':>10} {'x2':>5} {'walk setup':>10} {'x2':>5} |"
    print(head + f" {'baseline load+eval':>18} {'x2':>5} {'baseline walk':>13} {'x2':>5}")
    prev: dict[str, float] = {}
    slow: set[str] = set()
    for n, w in shapes:
        data = network_json(n, w)
        cells = []
        new_load, new_walk, p_new = measure(Network, data, repeat)
        runs = {"load": new_load, "walk": new_walk}
        if "baseline" not in slow:
            b_load, b_walk, p_old = measure(Baseline, data, repeat)
            assert p_old == p_new, "the baseline and the new code disagree on the first pattern"
            runs.update({"b_load": b_load, "b_walk": b_walk})
            if b_load + b_walk > budget:
                slow.add("baseline")
        for key in ("load", "walk", "b_load", "b_walk"):
            if key not in runs:
                cells += ["-", ""]
                continue
            ratio = f"{runs[key] / prev[key]:.1f}" if key in prev else ""
            cells += [f"{runs[key]:.3f}", ratio]
        prev = runs
        size = n * w + w + w + 1
        print(
            f"{w if label == 'width' else n:>8} {size:>8} | {cells[0]:>10} {cells[1]:>5} {cells[2]:>10} "
            f"{cells[3]:>5} | {cells[4]:>18} {cells[5]:>5} {cells[6]:>13} {cells[7]:>5}"
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="the two smallest sizes of each table")
    ap.add_argument("--budget", type=float, default=60.0, help="stop running the baseline above this")
    ap.add_argument("--repeat", type=int, default=5, help="best of this many runs (runs under a second)")
    args = ap.parse_args(argv)
    k = 2 if args.quick else len(WIDTHS)
    print("seconds; x2 = time / time at half the size (linear: about 2, quadratic: about 4)")
    print(f"best of {args.repeat} runs for runs under a second, one run otherwise")
    table("2-W-1: width doubles", "width", [(2, w) for w in WIDTHS[:k]], args.budget, args.repeat)
    table("n-1-1: input dimension doubles", "n", [(n, 1) for n in DIMS[:k]], args.budget, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
