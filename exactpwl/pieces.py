"""The linear pieces of a network or a target over a domain, each with its exact map and regions.

A linear piece is a maximal set of activation regions with one affine map, connected through
shared facets (see ``region_graph``).  A piece may be a union of several regions that is not
convex, so it is described by its regions: each one's non-redundant inequalities (the domain's
own rows left out), whose union is the piece.  This is what a region table prints
(``exactpwl.latex``).

Targets are walked through their compiled network (expressions, breakpoints, networks) or,
for pieces and triangulations, through the cells of the pieces' own hyperplanes, each cell
taking the map of the piece that contains it; cells outside every piece are not part of the
target's domain of definition and are left out.

>>> from exactpwl import Network
>>> absnet = Network.from_layers([([[1], [-1]], [0, 0]), ([[1, 1]], [0])])
>>> [(p.W[0][0], p.regions) for p in linear_pieces(absnet).pieces]   # x <= 0, then -x <= 0
[(Fraction(-1, 1), [(((1,), 0),)]), (Fraction(1, 1), [(((-1,), 0),)])]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import networkx as nx

from .errors import InputError
from .lp import Row
from .network import Network
from .numbers import to_fraction
from .polyhedron import Polyhedron, as_domain

__all__ = ["LinearPiece", "Pieces", "linear_pieces"]


@dataclass(frozen=True)
class LinearPiece:
    """``W x + c`` on the union of ``regions`` (each a tuple of rows ``a.x <= b``, domain rows left out)."""

    W: list[list[Fraction]]
    c: list[Fraction]
    regions: list[tuple[Row, ...]]
    points: list[tuple[Fraction, ...]] = field(default_factory=list)  # one interior point per region


@dataclass
class Pieces:
    """The pieces of a function over ``domain`` (None: R^n), and the number of activation regions walked.

    ``complete`` is False when ``max_regions`` stopped the walk (then ``pieces`` is empty).
    """

    input_dim: int
    domain: Polyhedron | None
    regions: int
    pieces: list[LinearPiece]
    complete: bool = True


def _map(W: Any, c: Any) -> tuple[tuple[tuple[Fraction, ...], ...], tuple[Fraction, ...]]:
    return (
        tuple(tuple(to_fraction(v) for v in row) for row in W.tolist()),
        tuple(to_fraction(c[i, 0]) for i in range(c.nrows())),
    )


def linear_pieces(f: Any, domain: Any = None, max_regions: int | None = None) -> Pieces:
    """The linear pieces of ``f`` (a ``Network`` or a ``PWL``) over ``domain``.

    Pieces are ordered by their least interior point, regions within a piece likewise.
    """
    from .compile import compile_target, cut_network
    from .pwl import PWL
    from .region_graph import regions

    n = f.input_dim
    dom = as_domain(domain, n)
    if isinstance(f, Network):
        net, lookup = f, None
    elif isinstance(f, PWL):
        net, lookup = (cut_network(f), f.pieces) if f.pieces is not None else (compile_target(f), None)
    else:
        raise InputError(f"linear_pieces: expected a Network or a PWL, got {type(f).__name__}")
    g = regions(net, dom, max_regions=max_regions)
    if not g.complete:
        return Pieces(n, dom, len(g), [], complete=False)
    maps: dict[tuple[int, ...], Any] = {}
    for r in g:
        if lookup is None:
            maps[r.pattern] = _map(r.W, r.c)
            continue
        from .verdict import piece_of

        try:
            p = piece_of(lookup, r)
        except InputError:  # outside every piece: not in the target's domain of definition
            continue
        maps[r.pattern] = _map(p.W, p.c)
    same = nx.Graph()
    same.add_nodes_from(maps)
    same.add_edges_from((u, v) for u, v in g.graph.edges() if u in maps and v in maps and maps[u] == maps[v])
    domain_rows = set(dom.rows) if dom is not None else set()
    out = []
    for comp in nx.connected_components(same):
        regs = sorted((g[p] for p in comp), key=lambda r: r.interior_point)
        W, c = maps[regs[0].pattern]
        rows = [tuple(row for row in r.inequalities if row not in domain_rows) for r in regs]
        out.append(LinearPiece([list(w) for w in W], list(c), rows, [r.interior_point for r in regs]))
    out.sort(key=lambda p: p.points[0])
    return Pieces(n, dom, len(g), out)
