"""Counterexamples to conjectures: search a finite space smallest first, with exact witnesses.

A researcher writes a claim as a function of one object and picks a space of objects; then
``refute(claim, space)`` returns the smallest object where the claim fails, with an exact witness
anyone can replay, or says that the whole finite space was checked (the claim is proved *for
that space*, and only for it).

=============================  ===============================================================
spaces (``space.py`` ...)      objects, smallest first; each also a hypothesis strategy
=============================  ===============================================================
``networks(arch, weights)``    ReLU networks with numbers from finite sets, one per class of
                               equal networks (permutations, rescalings, dead units removed)
``targets_1d(pieces, ...)``    1-D CPWL functions by kinks and slopes
``lattice_targets(n, ...)``    max/min expressions of affine forms on R^n
``triangulation_targets``      vertex values on one triangulation
``vectors(length, values)``    coefficient or sign vectors
``rationals(height)``          rationals of bounded height
``point_sets``, ``labelled_data``  points of a grid, with labels (``exactpwl.data``)
``of(objects)``, ``chain``     a given list; several spaces one after the other
=============================  ===============================================================

``search(f, widths, weights)`` asks whether any network of a finite family computes f exactly
(the output layer is solved for over Q); ``serra_bound`` and ``zaslavsky_bound`` are region-count
bounds from the literature.  The command line is ``exactpwl refute FILE.py``; FILE.py defines
``space`` and ``claim`` (examples in ``examples/conjectures/``).
"""

from .bounds import serra_bound, zaslavsky_bound
from .network_space import NetworkFamily, networks
from .refuter import ClaimError, Outcome, Refutation, judge, refute
from .search import SearchResult, search
from .space import Space, chain, labelled_data, of, point_sets, rationals, vectors
from .targets import affine_forms, lattice_targets, targets_1d, triangulation_targets

__all__ = [
    "ClaimError",
    "NetworkFamily",
    "Outcome",
    "Refutation",
    "SearchResult",
    "Space",
    "affine_forms",
    "chain",
    "judge",
    "labelled_data",
    "lattice_targets",
    "networks",
    "of",
    "point_sets",
    "rationals",
    "refute",
    "search",
    "serra_bound",
    "targets_1d",
    "triangulation_targets",
    "vectors",
    "zaslavsky_bound",
]
