"""R5. Exact interpolation of N points in 1-D with a triangular ("normalized") interpolation matrix.

Statement (PAPER.md R5).  Let x_1 < ... < x_N and any targets y.  With t_1 < x_1 and
x_{j-1} < t_j < x_j, the matrix H_ij = relu(x_i - t_j) is lower triangular with H_jj > 0, so
v = H^-1 y exists, is unique, and c + sum_j v_j relu(x - t_j) with c = 0 interpolates y exactly;
rank [H | 1] = N.  Equivalently N - 1 units (t_2..t_N) and the output bias c = y_1.

Check: the library's triangular construction, for every data set of the family: H (recomputed
from the thresholds) lower triangular with a positive diagonal, rank [H | 1] = N (exact), the
fit exact at every point; and the N - 1 units + bias variant fits exactly too.  The targets
{-1, 0, 1}^N contain the unit vectors, and v depends linearly on y, so exactness on them
already implies exactness for every y; the other targets check the arithmetic again.
Mutant: N - 1 units (t_2..t_N) fit every target without the output bias (a missing unit).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from fractions import Fraction

from ..construct.interpolation import triangular
from ..network import Network
from ..numbers import to_fraction
from ..ranks import rank
from . import Witness, value_witness
from .families import relu

RESULT = "R5"
STATEMENT = "1-D data: H triangular, rank [H|1] = N, exact fit"
FAMILY = "every 1..5-subset of {0..6}, targets in {-1,0,1}^N"
QUICK = "every 1..3-subset of {0..4}, targets in {-1,0,1}^N"
MUTANT = "N - 1 units fit every target without the output bias"


def exhaustive(quick: bool) -> Iterator[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Every N-subset of {0, .., 6} with N <= 5 (quick: of {0, .., 4} with N <= 3) and every
    target vector in {-1, 0, 1}^N: sum_N C(7, N) 3^N cases."""
    for N in range(1, (3 if quick else 5) + 1):
        for xs in itertools.combinations(range(5 if quick else 7), N):
            for y in itertools.product((-1, 0, 1), repeat=N):
                yield xs, y


def _n_minus_one(xs, y, bias: bool) -> Network:
    """Units relu(x - t_j), t_j the midpoints of the gaps, weights by forward substitution on
    the points 2..N after the bias (y_1 or 0)."""
    t = [Fraction(a + b, 2) for a, b in zip(xs, xs[1:])]
    c = Fraction(y[0]) if bias else Fraction(0)
    v: list[Fraction] = []
    for i in range(1, len(xs)):
        rest = sum((v[j] * relu(xs[i] - t[j]) for j in range(i - 1)), c)
        v.append((y[i] - rest) / relu(xs[i] - t[i - 1]))
    if not t:
        return Network.from_layers([([[0]], [c])], activations=["linear"])
    return Network.from_layers([([[1]] * len(t), [-tj for tj in t]), ([v], [c])])


def check(case: tuple[tuple[int, ...], tuple[int, ...]], mutant: bool = False) -> Witness | None:
    xs, y = case
    if mutant:
        net = _n_minus_one(xs, y, bias=False)
        for x, yi in zip(xs, y):
            if net([x]) != [yi]:
                return value_witness(f"{RESULT}: {MUTANT}", net, [x], [yi])
        return None
    claim = f"{RESULT}: {STATEMENT}"
    c = triangular({"format": "exactpwl.data", "version": 1, "points": [[x] for x in xs], "values": list(y)})
    net = c.network
    t = [-to_fraction(net.layers[0].biases[j, 0]) for j in range(net.layers[0].units)]
    if t[0] >= xs[0] or any(not (a < tj < b) for a, b, tj in zip(xs, xs[1:], t[1:])):
        raise AssertionError(f"{claim}: a threshold is not in its gap: {t}")
    H = [[relu(x - tj) for tj in t] for x in xs]
    N = len(xs)
    if any(H[i][j] for i in range(N) for j in range(i + 1, N)) or any(H[i][i] <= 0 for i in range(N)):
        raise AssertionError(f"{claim}: H is not lower triangular with a positive diagonal: {H}")
    if rank([row + [1] for row in H]) != N:
        raise AssertionError(f"{claim}: rank [H | 1] < N")
    for other in (net, _n_minus_one(xs, y, bias=True)):
        for x, yi in zip(xs, y):
            if other([x]) != [yi]:
                return value_witness(claim, other, [x], [yi])
    return None
