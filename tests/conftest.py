"""Shared helpers for the tests."""

from __future__ import annotations

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


@pytest.fixture
def cli():
    return run_cli
