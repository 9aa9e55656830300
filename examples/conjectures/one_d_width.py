"""A 1-D CPWL function with p >= 2 linear pieces is computed by one hidden layer of p - 1 ReLUs.

False: |x| has 2 pieces and needs 2 units.  The claim decides exactly how many units one
hidden layer needs on all of R, by this argument (R7 in one dimension):

* ``c + sum_j v_j relu(w_j x + b_j)`` bends only at the units' breakpoints -b_j/w_j, and across
  a breakpoint its slope jumps by the sum of v_j |w_j| of the units there.  So f with k kinks
  t_1 < ... < t_k (slope jumps lambda_i != 0) needs at least k units, one at each kink.
* With exactly k units there is one unit at each kink, relu(+-(x - t_i)) with weight lambda_i;
  the units facing right carry the slope at +infinity, so k units suffice iff the slope of f at
  +infinity is the sum of the jumps of some subset of the kinks.
* With k + 1 units (k >= 1) a second unit at t_1 facing the other way adds any slope: k + 1
  always suffice.  With no kink, f is affine: 0 units if it is constant, else 2 (a single unit
  is constant on a half-line).

The witness is the jumps, the slope at +infinity, and the subset sums that miss it.  The space
enumerates functions with 2 and 3 pieces, kinks in {0, 1, -1}, slopes in {-1, 0, 1}, value 0 at
the first kink; the first counterexample in size order is |x|.

    exactpwl refute examples/conjectures/one_d_width.py
"""

from fractions import Fraction
from itertools import combinations

from exactpwl.conjecture import Outcome, targets_1d

space = targets_1d(pieces=(2, 3), kinks=[0, 1, -1], slopes=[-1, 0, 1], values=[0])


def kinks_and_slopes(f):
    """The kinks (x, slope jump) of a breakpoints target and its slopes at -inf and +inf."""
    pts = [(Fraction(x), Fraction(y)) for x, y in f.data["breakpoints"]]
    slopes = [(y1 - y0) / (x1 - x0) for (x0, y0), (x1, y1) in zip(pts, pts[1:])]
    kinks = [
        (pts[i][0], slopes[i] - slopes[i - 1]) for i in range(1, len(slopes)) if slopes[i] != slopes[i - 1]
    ]
    return kinks, slopes[0], slopes[-1]


def claim(f):
    """a 1-D CPWL function with p >= 2 pieces is computed by one hidden layer of p - 1 ReLU units"""
    kinks, _, right = kinks_and_slopes(f)
    jumps = [lam for _, lam in kinks]
    sums = sorted({sum(s, Fraction(0)) for r in range(len(jumps) + 1) for s in combinations(jumps, r)})
    needed = len(kinks) if right in sums else len(kinks) + 1
    pieces = len(kinks) + 1
    return Outcome(
        needed <= pieces - 1,
        {
            "pieces": pieces,
            "units needed": needed,
            "slope jumps": jumps,
            "slope at +infinity": right,
            "subset sums of the jumps": sums,
        },
    )
