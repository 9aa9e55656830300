"""Upper bounds on the number of activation regions of a ReLU network, from the literature.

* ``zaslavsky_bound(n0, m)``: m hyperplanes cut R^n0 into at most ``sum_{j <= n0} C(m, j)``
  regions (Zaslavsky 1975), so one hidden layer of m units has at most that many.
* ``serra_bound(n0, widths)``: Serra, Tjandraatmadja and Ramalingam, "Bounding and Counting
  Linear Regions of Deep Neural Networks" (ICML 2018), Theorem 1: a network with n0 inputs and
  hidden widths n1..nL has at most ``sum over (j1..jL) in J of prod_l C(n_l, j_l)`` regions,
  where ``J = {j : 0 <= j_l <= min(n0, n1 - j1, ..., n_(l-1) - j_(l-1), n_l)}``.

Both count *activation regions* (sets of inputs with one activation pattern: Serra et al.'s
definition of a linear region), which is at least the number of linear pieces (maximal connected
sets where the function is affine), so they also bound the pieces.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from ..errors import InputError

__all__ = ["serra_bound", "zaslavsky_bound"]


def zaslavsky_bound(n0: int, m: int) -> int:
    """At most this many regions for m hyperplanes in R^n0 (one hidden layer of m units).

    >>> zaslavsky_bound(2, 3), zaslavsky_bound(1, 4)
    (7, 5)
    """
    if n0 < 1 or m < 0:
        raise InputError("zaslavsky_bound: needs n0 >= 1 and m >= 0")
    return sum(math.comb(m, j) for j in range(n0 + 1))


def serra_bound(n0: int, widths: Sequence[int]) -> int:
    """Serra et al. (2018), Theorem 1: at most this many activation regions for hidden ``widths``.

    >>> serra_bound(2, [3]), serra_bound(1, [2, 2]), serra_bound(2, [2, 2])
    (7, 9, 11)
    """
    if n0 < 1 or not widths or any(w < 1 for w in widths):
        raise InputError("serra_bound: needs n0 >= 1 and hidden widths >= 1")
    total = 0
    for js in itertools.product(*(range(min(n0, w) + 1) for w in widths)):
        cap = n0
        ok = True
        for k, (j, w) in enumerate(zip(js, widths)):
            if k > 0:
                cap = min(cap, widths[k - 1] - js[k - 1])
            if j > min(cap, w):
                ok = False
                break
        if ok:
            total += math.prod(math.comb(w, j) for w, j in zip(widths, js))
    return total
