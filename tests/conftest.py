"""Shared helpers for the tests."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
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


@pytest.fixture
def cli():
    return run_cli
