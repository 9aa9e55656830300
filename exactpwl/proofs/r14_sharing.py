"""R14. Parameter sharing: K outputs through one hidden layer.

Statement (PAPER.md R14).  (a) If rank [H | 1] = N for a hidden layer shared by K outputs, every
target matrix Y in Q^(N x K) is fitted exactly by some output weights V, c; with R6 this needs
N - 1 hidden units for all K outputs together (instead of K (N - 1)).  (b) If every output k is
three-layer representable with hyperplane set H_k (R7), one hidden layer on the union of the
H_k plus relu(x_i), relu(-x_i) represents all outputs.

Check: (a) for every data set of the family (K = 2 seeded random columns), the library's shared
construction has N - 1 hidden units, rank [H | 1] = N (exact) and fits every value exactly;
(b) random targets built on a shared pool of lines: the shared network is certified equal to
all outputs on R^2 and has at most |union of H_k| + 2n hidden units.
Mutant: N - 2 shared units (one fewer) still fit every Y.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from fractions import Fraction

from ..construct import read_data
from ..construct.multi_output import shared, shared_function
from ..numbers import to_fraction
from ..ranks import nullspace, rank
from ..verdict import certify
from . import Witness, system_witness, value_witness
from .families import relu

RESULT = "R14"
STATEMENT = "one shared layer of N-1 units fits K outputs; kink union"
FAMILY = "2..4-subsets of {0,1,2}^2, K = 2; random shared lines"
QUICK = "2..3-subsets of {0,1,2}^2, K = 2; random shared lines"
MUTANT = "N - 2 shared units (one fewer) fit every Y"

GRID = list(itertools.product(range(3), repeat=2))
POOL = ((1, 0, 0), (0, 1, -1), (1, -1, 0), (1, 1, -2), (2, -1, 1))  # a x1 + b x2 + c = 0


def exhaustive(quick: bool) -> Iterator[tuple]:
    """Every k-subset of {0,1,2}^2, k = 2..4 (quick: 2..3), with two seeded random output columns
    (values p/q, |p| <= 5, q <= 3): sum_k C(9, k) cases."""
    rng = random.Random(14)
    for k in range(2, (3 if quick else 4) + 1):
        for pts in itertools.combinations(GRID, k):
            yield (
                "data",
                pts,
                tuple(
                    (
                        Fraction(rng.randint(-5, 5), rng.randint(1, 3)),
                        Fraction(rng.randint(-5, 5), rng.randint(1, 3)),
                    )
                    for _ in pts
                ),
            )


def sampled(quick: bool) -> Iterator[tuple]:
    """K in {2, 3} outputs, each an affine part plus relu terms on a random subset of POOL."""
    rng = random.Random(140)
    for _ in range(2 if quick else 20):
        outs = []
        for _ in range(rng.randint(2, 3)):
            terms = [f"{rng.randint(-2, 2)}*x1 + {rng.randint(-2, 2)}*x2 + {rng.randint(-3, 3)}"]
            for a, b, c in rng.sample(POOL, rng.randint(1, 3)):
                terms.append(f"{rng.choice([-2, -1, 1, 3])}*relu({a}*x1 + {b}*x2 + {c})")
            outs.append(" + ".join(terms))
        yield ("function", tuple(outs))


def _features(net, pts) -> list[list[Fraction]]:
    L = net.layers[0]
    W = [[to_fraction(v) for v in row] for row in L.weights.tolist()]
    b = [to_fraction(L.biases[j, 0]) for j in range(L.units)]
    return [[relu(sum((w * x for w, x in zip(row, p)), bj)) for row, bj in zip(W, b)] for p in pts]


def check(case: tuple, mutant: bool = False) -> Witness | None:
    if case[0] == "function":
        return None if mutant else _function(case[1])
    _, pts, Y = case
    N = len(pts)
    data = read_data(
        {
            "format": "exactpwl.data",
            "version": 1,
            "points": [list(p) for p in pts],
            "values": [list(y) for y in Y],
        }
    )
    c = shared(data)
    H = _features(c.network, pts)
    if mutant:
        A = [row[:-1] + [Fraction(1)] for row in H]  # drop the last unit: N - 2 units and a bias
        for u in nullspace([[A[i][j] for i in range(N)] for j in range(len(A[0]))], N):
            for k in range(2):
                y = [row[k] for row in Y]
                if sum((ui * yi for ui, yi in zip(u, y)), Fraction(0)):
                    return system_witness(f"{RESULT}: {MUTANT}", A, y, u)
        return None
    claim = f"{RESULT}: {STATEMENT}"
    if c.network.layers[0].units != N - 1 or rank([row + [1] for row in H]) != N:
        raise AssertionError(
            f"{claim}: {c.network.layers[0].units} units, rank [H | 1] = {rank([row + [1] for row in H])}"
        )
    for p, y in zip(pts, Y):
        if c.network(list(p)) != list(y):
            return value_witness(claim, c.network, p, y)
    return None


def _function(exprs: tuple[str, ...]) -> Witness | None:
    c = shared_function(list(exprs), 2)
    claim = f"{RESULT}: {STATEMENT}"
    v = certify(c.network, list(exprs))
    if not v.holds:
        cx = v.counterexample
        return value_witness(
            claim,
            c.network,
            cx.x,
            cx.target,
            {"format": "exactpwl.pwl", "version": 1, "input_dim": 2, "expr": list(exprs)},
        )
    lines = {line for e in exprs for line in POOL if f"relu({line[0]}*x1 + {line[1]}*x2 + {line[2]})" in e}
    if c.network.layers[0].units > len(lines) + 4:
        raise AssertionError(f"{claim}: {c.network.layers[0].units} hidden units for {len(lines)} lines")
    return None
