"""Shared helpers for the tests."""

from __future__ import annotations

import importlib
import itertools
import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run ``python -m exactpwl ARGS`` from the repository root (the code in this checkout)."""
    return subprocess.run(
        [sys.executable, "-m", "exactpwl", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def run_example(name: str) -> subprocess.CompletedProcess:
    """Run ``examples/NAME`` with this checkout's code; it must exit 0."""
    r = subprocess.run(
        [sys.executable, str(ROOT / "examples" / name)], capture_output=True, text=True, timeout=300, cwd=ROOT
    )
    assert r.returncode == 0, r.stderr
    return r


def union_jack_simplices() -> list[list[int]]:
    """8 triangles of [0, 2]^2 on the 3 x 3 grid (point index 3 j + i): each unit square cut by a
    diagonal, alternating."""
    out = []
    for i in range(2):
        for j in range(2):
            a = 3 * j + i
            b, c, d = a + 1, a + 3, a + 4
            out += [[a, b, d], [a, d, c]] if (i + j) % 2 == 0 else [[a, b, c], [b, d, c]]
    return out


def need(module: str):
    """Import an optional dependency: in CI (CI=true) it must be there, elsewhere its absence skips."""
    if os.environ.get("CI"):
        return importlib.import_module(module)
    return pytest.importorskip(module)


def fraction_rank(M) -> int:
    """Rank by Gaussian elimination in Fractions (independent of flint)."""
    A = [[Fraction(v) for v in row] for row in M]
    r = 0
    for c in range(len(A[0])):
        p = next((i for i in range(r, len(A)) if A[i][c] != 0), None)
        if p is None:
            continue
        A[r], A[p] = A[p], A[r]
        for i in range(len(A)):
            if i != r and A[i][c] != 0:
                f = A[i][c] / A[r][c]
                A[i] = [a - f * b for a, b in zip(A[i], A[r])]
        r += 1
    return r


def brute_term_rank(M) -> int:
    """Largest k with k non-zero entries in distinct rows and columns, by trying every injection."""
    rows, cols = len(M), len(M[0])
    for k in range(min(rows, cols), 0, -1):
        for R in itertools.combinations(range(rows), k):
            for C in itertools.permutations(range(cols), k):
                if all(Fraction(M[i][j]) != 0 for i, j in zip(R, C)):
                    return k
    return 0


@pytest.fixture
def cli():
    return run_cli


def minimal_width_by_enumeration(kinks: list, linear: list) -> int:
    """Dereich-Kassing's minimal width on R^n for one output, by plain enumeration (3^k choices).

    ``kinks``: (a, lam) with the gradient jumping by ``lam * a`` across the hyperplane; ``linear``:
    the gradient A with f = A x + d + sum lam relu(a.x - b).  Each kink gets one unit pointing
    right (adds nothing), one pointing left (adds lam * a to what is left to supply) or two
    (frees span(a)); what is left costs 0 if it is 0 (after the doubled kinks' span), else 2.
    """
    import itertools

    import sympy

    best = None
    for choice in itertools.product("RLD", repeat=len(kinks)):
        r = sympy.Matrix([list(linear)])
        for (a, lam), c in zip(kinks, choice):
            if c == "L":
                r += lam * sympy.Matrix([list(a)])
        span = [list(a) for (a, _), c in zip(kinks, choice) if c == "D"]
        absorbed = not any(r) or (
            bool(span) and sympy.Matrix(span + [list(r)]).rank() == sympy.Matrix(span).rank()
        )
        cost = len(kinks) + choice.count("D") + (0 if absorbed else 2)
        best = cost if best is None else min(best, cost)
    return best
