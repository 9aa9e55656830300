"""exactpwl: ReLU networks as continuous piecewise-linear functions, in exact rational arithmetic.

Floats may search; only exact arithmetic decides.
"""

from .certify import Counterexample, Verdict, certify
from .check import CheckReport, check_certificate
from .errors import CapReached, InputError
from .network import Network
from .polyhedron import Polyhedron, box
from .pwl import PWL
from .regions import Region, RegionGraph, regions

__all__ = [
    "PWL",
    "CapReached",
    "CheckReport",
    "Counterexample",
    "InputError",
    "Network",
    "Polyhedron",
    "Region",
    "RegionGraph",
    "Verdict",
    "box",
    "certify",
    "check_certificate",
    "regions",
]
__version__ = "0.1.0"
