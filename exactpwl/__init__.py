"""exactpwl: ReLU networks as continuous piecewise-linear functions, in exact rational arithmetic.

Floats may search; only exact arithmetic decides.

The names below are imported on first use, so that ``import exactpwl.check`` (the independent
certificate checker) loads neither the region enumerator nor any LP code.
"""

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_WHERE = {
    "CapReached": "errors",
    "InputError": "errors",
    "Network": "network",
    "Polyhedron": "polyhedron",
    "box": "polyhedron",
    "PWL": "pwl",
    "Region": "region_graph",
    "RegionGraph": "region_graph",
    "regions": "region_graph",
    "Counterexample": "verdict",
    "Verdict": "verdict",
    "certify": "verdict",
    "CheckReport": "check",
    "WorkerLost": "parallel",
    "check_certificate": "check",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(f".{_WHERE[name]}", __name__), name)
    raise AttributeError(f"module 'exactpwl' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
