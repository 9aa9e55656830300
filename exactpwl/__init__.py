"""exactpwl: ReLU networks as continuous piecewise-linear functions, in exact rational arithmetic.

Floats may search; only exact arithmetic decides.
"""

from .errors import CapReached, InputError
from .network import Network
from .polyhedron import Polyhedron, box
from .regions import Region, RegionGraph, regions

__all__ = ["CapReached", "InputError", "Network", "Polyhedron", "Region", "RegionGraph", "box", "regions"]
__version__ = "0.1.0"
