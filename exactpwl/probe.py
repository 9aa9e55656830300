"""A quick look for a counterexample before any region is enumerated: floats propose, exactness decides.

A false claim usually fails on a large part of the domain (a mutated weight, a wrong
construction).  Evaluating the joint program (network minus target) in floating point at a few
hundred points of the domain finds such a difference in microseconds; the points are rationals on
a dyadic grid, so the best candidates are then evaluated *exactly* on both sides, and only a point
where the exact values differ is returned.  A difference too small or too rare for the samples
(a spike of width 1e-9) is left to the region enumeration, which misses nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from .network import Network
from .polyhedron import Polyhedron

__all__ = ["difference_point"]

SAMPLES = 128  # points per scale
SCALES = (1.0, 10.0, 100.0)  # radii around the domain's interior point (every one, on R^n)
GRID = 64  # points are multiples of 1/GRID: exact rationals with small denominators
CANDIDATES = 3  # exact evaluations at most
SEED = 20260  # the samples are the same on every run: a verdict never depends on luck


def _float_layers(net: Network) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    out = []
    for L in net.layers:
        W = np.array([[float(v) for v in row] for row in L.weights.tolist()], dtype=np.float64)
        b = np.array([float(L.biases[j, 0]) for j in range(L.units)], dtype=np.float64)
        out.append((W, b, np.array(L.relu, dtype=bool)))
    return out


def _box(rows: Sequence[tuple], n: int) -> tuple[np.ndarray, np.ndarray] | None:
    """``(lo, hi)`` when the rows are the bounds of a box (one variable each, both sides), else None."""
    lo, hi = np.full(n, -np.inf), np.full(n, np.inf)
    for a, b in rows:
        nz = [i for i, v in enumerate(a) if v]
        if len(nz) != 1:
            return None
        i = nz[0]
        bound = float(b) / float(a[i])
        if a[i] > 0:
            hi[i] = min(hi[i], bound)
        else:
            lo[i] = max(lo[i], bound)
    if not (np.isfinite(lo).all() and np.isfinite(hi).all() and (lo < hi).all()):
        return None
    return lo, hi


def _forward(layers: list, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Outputs at the rows of X, and the largest magnitude met on the way (for a tolerance)."""
    H = X
    big = np.abs(X).max(axis=1)
    for W, b, relu in layers:
        Z = H @ W.T + b
        big = np.maximum(big, np.abs(Z).max(axis=1, initial=0.0))
        H = np.where(relu, np.maximum(Z, 0.0), Z)
    return H, big


def difference_point(
    joint: Network, net: Network, target: Any, dom: Polyhedron | None
) -> tuple[Fraction, ...] | None:
    """A rational point strictly inside ``dom`` where ``net`` and ``target`` differ (checked
    exactly), or None when the samples found none.  ``joint`` computes ``net - target``."""
    n = net.input_dim
    rng = np.random.default_rng(SEED)
    rows = dom.rows if dom is not None else ()
    bounds = _box(rows, n)
    if bounds is not None:  # a box: uniform in it
        lo, hi = bounds
        X = lo + (hi - lo) * rng.uniform(0.0, 1.0, size=(SAMPLES * len(SCALES), n))
    else:  # around a point of the domain, at several scales
        x0 = dom.interior_point() if dom is not None else (0,) * n
        if x0 is None:
            return None
        center = np.array([float(v) for v in x0])
        X = np.concatenate([center + r * rng.uniform(-1.0, 1.0, size=(SAMPLES, n)) for r in SCALES])
    X = np.rint(X * GRID) / GRID
    if rows:
        A = np.array([[float(v) for v in a] for a, _ in rows])
        b = np.array([float(v) for _, v in rows])
        X = X[(X @ A.T - b < -1e-9).all(axis=1)]
    if not len(X):
        return None
    Y, big = _forward(_float_layers(joint), X)
    gap = np.abs(Y).max(axis=1)
    order = np.argsort(-gap, kind="stable")[:CANDIDATES]
    for i in order:
        if not gap[i] > 1e-9 * (1.0 + big[i]):  # within rounding: not worth an exact evaluation
            break
        x = tuple(Fraction(int(v), GRID) for v in np.rint(X[i] * GRID))
        if dom is not None and not dom.contains(x, strict=True):
            continue
        if net(x) != target(x):
            return x
    return None
