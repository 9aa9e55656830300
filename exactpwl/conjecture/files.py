"""Conjecture files: a Python file that defines ``space`` and ``claim`` (``exactpwl refute FILE.py``).

The file is the user's own code and runs as pytest runs a test file: imported from its path,
with its directory on ``sys.path`` so that it can import its neighbours.  (exactpwl's own inputs
never go through ``eval``; a conjecture file is a program by design.)  Errors in it are
reported in one line that names the file and the line.
"""

from __future__ import annotations

import importlib.util
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from .space import Space

__all__ = ["Conjecture", "load_conjecture", "where"]


@dataclass
class Conjecture:
    """What a conjecture file defines: the ``space``, the ``claim`` and the claim's statement,
    and optionally ``mode`` (``"exhaustive"`` or ``"random"``), ``budget`` and ``seed``, the
    defaults of the command line's ``--random``, ``--budget`` and ``--seed``."""

    path: Path
    space: Space
    claim: Any
    statement: str
    mode: str | None = None
    budget: int | None = None
    seed: int | None = None


def where(path: Path, exc: BaseException) -> str:
    """``FILE.py, line N`` of the innermost frame of ``exc``'s traceback inside ``path``."""
    target = str(path.resolve())
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if str(Path(frame.filename).resolve()) == target:
            line = frame.lineno
    return f"{path}, line {line}" if line is not None else str(path)


def load_conjecture(path: str | Path) -> Conjecture:
    """Import ``path`` and return its ``space`` and ``claim`` (bad input: a one-line ``InputError``)."""
    p = Path(path)
    if p.suffix != ".py":
        raise InputError(f"{p}: a conjecture file must be a Python file (FILE.py)")
    if not p.is_file():
        raise InputError(f"{p}: no such file")
    name = f"exactpwl_conjecture_{abs(hash(str(p.resolve())))}"
    spec = importlib.util.spec_from_file_location(name, p)
    if spec is None or spec.loader is None:
        raise InputError(f"{p}: cannot be imported")
    module = importlib.util.module_from_spec(spec)
    folder = str(p.resolve().parent)
    if folder not in sys.path:
        sys.path.insert(0, folder)  # as pytest does: the file may import its neighbours
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        raise InputError(f"{p}, line {exc.lineno}: syntax error: {exc.msg}") from None
    except InputError as exc:
        raise InputError(f"{where(p, exc)}: {exc}") from None
    except Exception as exc:
        raise InputError(f"{where(p, exc)}: {type(exc).__name__}: {exc}") from None
    missing = [k for k in ("space", "claim") if not hasattr(module, k)]
    if missing:
        raise InputError(
            f"{p}: defines no {' and no '.join(repr(k) for k in missing)} "
            f"(a conjecture file defines space and claim)"
        )
    space, claim = module.space, module.claim
    if not isinstance(space, Space):
        raise InputError(f"{p}: 'space' is a {type(space).__name__}, not an exactpwl.conjecture Space")
    if not callable(claim):
        raise InputError(f"{p}: 'claim' is not a function")
    doc = (getattr(claim, "__doc__", None) or module.__doc__ or "").strip()
    statement = doc.splitlines()[0] if doc else p.stem
    mode, budget, seed = (getattr(module, k, None) for k in ("mode", "budget", "seed"))
    if mode not in (None, "exhaustive", "random"):
        raise InputError(f"{p}: 'mode' must be 'exhaustive' or 'random', not {mode!r}")
    for k, v in (("budget", budget), ("seed", seed)):
        if v is not None and (isinstance(v, bool) or not isinstance(v, int) or (k == "budget" and v < 1)):
            raise InputError(f"{p}: '{k}' must be {'a positive' if k == 'budget' else 'an'} integer")
    return Conjecture(p, space, claim, statement, mode, budget, seed)
