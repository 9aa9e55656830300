"""Degenerate arrangements (DESIGN.md: "Degenerate cases are the normal case").

Each case below is a tiny network whose regions, pieces, bounded regions, edges and (where
given) patterns, areas, flips and affine maps were counted by hand; the derivation is in the
comment next to it.  Every case is run on both kernels (the walk on all three backends, the
subdivision), and every graph also goes through the generic reference checks of
``test_regions.check_graph`` (independent Fraction evaluation, exact polygons in 2-D,
facet/edge bookkeeping).  The subdivision needs a bounded domain: on an unbounded one it
hands over to the walk, which is checked too.
"""

from __future__ import annotations

from fractions import Fraction as Q

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exactpwl.region_graph import regions
from exactpwl.strategies import domains, network_layers

try:
    from test_regions import Ref, area, check_graph, fr_mat, graph_signature, random_layers
except ImportError:  # tests/ run as a package
    from .test_regions import Ref, area, check_graph, fr_mat, graph_signature, random_layers

BOX1 = {"box": [[-1, 1]]}
BOX2 = {"box": [[-1, 1], [-1, 1]]}
H = Q(1, 2)

CASES = {
    # ------------------------------------------------------------------ coincident hyperplanes
    # units relu(x), relu(x), relu(2x), relu(-x), relu(-3x), relu(y) on [-1,1]^2: five units
    # share the line x = 0 (same, proportional, opposite rows), so the lines are x = 0, y = 0:
    # 4 unit squares.  Crossing x = 0 flips units 0..4 at once, crossing y = 0 flips unit 5.
    # f = relu(x) + 2 relu(x) + relu(2x) + relu(-x) + relu(-3x) + relu(y)
    #   = 5x (x > 0) or -4x (x < 0), plus y (y > 0): four different maps, 4 pieces.
    "coincident": dict(
        layers=[
            ([[1, 0], [1, 0], [2, 0], [-1, 0], [-3, 0], [0, 1]], [0] * 6),
            ([[1, 2, 1, 1, 1, 1]], [0]),
        ],
        domain=BOX2,
        regions=4,
        pieces=4,
        bounded=4,
        edges=4,
        areas={
            (1, 1, 1, 0, 0, 1): 1,
            (1, 1, 1, 0, 0, 0): 1,
            (0, 0, 0, 1, 1, 1): 1,
            (0, 0, 0, 1, 1, 0): 1,
        },
        flips={
            ((1, 1, 1, 0, 0, 1), (0, 0, 0, 1, 1, 1)): (0, 1, 2, 3, 4),
            ((1, 1, 1, 0, 0, 0), (0, 0, 0, 1, 1, 0)): (0, 1, 2, 3, 4),
            ((1, 1, 1, 0, 0, 1), (1, 1, 1, 0, 0, 0)): (5,),
            ((0, 0, 0, 1, 1, 1), (0, 0, 0, 1, 1, 0)): (5,),
        },
        maps={
            (1, 1, 1, 0, 0, 1): ([[5, 1]], [0]),
            (1, 1, 1, 0, 0, 0): ([[5, 0]], [0]),
            (0, 0, 0, 1, 1, 1): ([[-4, 1]], [0]),
            (0, 0, 0, 1, 1, 0): ([[-4, 0]], [0]),
        },
    ),
    # relu(x) - relu(-x) = x: opposite orientations of one hyperplane; 2 regions, one map, 1 piece
    "opposite_cancel_box": dict(
        layers=[([[1], [-1]], [0, 0]), ([[1, -1]], [0])],
        domain=BOX1,
        regions=2,
        pieces=1,
        bounded=2,
        edges=1,
        flips={((1, 0), (0, 1)): (0, 1)},
        maps={(1, 0): ([[1]], [0]), (0, 1): ([[1]], [0])},
    ),
    # the same on R: two half-lines, neither bounded
    "opposite_cancel_line": dict(
        layers=[([[1], [-1]], [0, 0]), ([[1, -1]], [0])],
        domain=None,
        regions=2,
        pieces=1,
        bounded=0,
        edges=1,
    ),
    # ------------------------------------------------------------------ parallel hyperplanes
    # relu(x+1), relu(x), relu(1-x), relu(2x-2), relu(y) on [-2,2]^2: vertical lines x = -1, 0, 1
    # (the last one twice, opposite orientations) and y = 0: 4 strips x 2 halves = 8 rectangles of
    # area 1 x 2 = 2.  Edges: 3 vertical lines x 2 halves + 4 strips across y = 0 = 10.
    # f = relu(x+1) + relu(x) + relu(1-x) + relu(2x-2) + relu(y): slopes in x are -1, 0, 1, 4
    # on the four strips, the slope in y is 1 (y > 0) or 0: all 8 maps differ, 8 pieces.
    "parallel_box": dict(
        layers=[
            ([[1, 0], [1, 0], [-1, 0], [2, 0], [0, 1]], [1, 0, 1, -2, 0]),
            ([[1, 1, 1, 1, 1]], [0]),
        ],
        domain={"box": [[-2, 2], [-2, 2]]},
        regions=8,
        pieces=8,
        bounded=8,
        edges=10,
        areas={
            (0, 0, 1, 0, 1): 2,
            (0, 0, 1, 0, 0): 2,
            (1, 0, 1, 0, 1): 2,
            (1, 0, 1, 0, 0): 2,
            (1, 1, 1, 0, 1): 2,
            (1, 1, 1, 0, 0): 2,
            (1, 1, 0, 1, 1): 2,
            (1, 1, 0, 1, 0): 2,
        },
        flips={((1, 1, 1, 0, 1), (1, 1, 0, 1, 1)): (2, 3)},
        # x in (1, 2), y > 0: (x+1) + x + 0 + (2x-2) + y = 4x + y - 1
        maps={(1, 1, 0, 1, 1): ([[4, 1]], [-1]), (0, 0, 1, 0, 0): ([[-1, 0]], [1])},
    ),
    # the same arrangement on R^2: 8 regions (strips are unbounded), none bounded, 10 edges
    "parallel_plane": dict(
        layers=[
            ([[1, 0], [1, 0], [-1, 0], [2, 0], [0, 1]], [1, 0, 1, -2, 0]),
            ([[1, 1, 1, 1, 1]], [0]),
        ],
        domain=None,
        regions=8,
        pieces=8,
        bounded=0,
        edges=10,
    ),
    # ------------------------------------------------------------------ dead / always active
    # on [-1,1]^2: relu(x), relu(y) cut 4 squares; relu(x+y-5) is dead (x+y <= 2), relu(x+y+5)
    # always active (x+y >= -2), relu(x+y-2) touches the box only at the corner (1,1) (dead
    # inside), relu(x-1) and relu(1-x) vanish on the box facet x = 1 (dead / active inside), so
    # that facet is a domain row and a unit row at once and must not be crossed.  4 regions,
    # 4 edges (each flips one unit).  On the box f = relu(x) + relu(y) + (x+y+5) + (1-x)
    # = relu(x) + relu(y) + y + 6: 4 maps.
    "dead_and_active": dict(
        layers=[
            ([[1, 0], [0, 1], [1, 1], [1, 1], [1, 1], [1, 0], [-1, 0]], [0, 0, -5, 5, -2, -1, 1]),
            ([[1, 1, 1, 1, 1, 1, 1]], [0]),
        ],
        domain=BOX2,
        regions=4,
        pieces=4,
        bounded=4,
        edges=4,
        areas={
            (1, 1, 0, 1, 0, 0, 1): 1,
            (1, 0, 0, 1, 0, 0, 1): 1,
            (0, 1, 0, 1, 0, 0, 1): 1,
            (0, 0, 0, 1, 0, 0, 1): 1,
        },
        maps={(1, 1, 0, 1, 0, 0, 1): ([[1, 2]], [6]), (0, 0, 0, 1, 0, 0, 1): ([[0, 1]], [6])},
    ),
    # ------------------------------------------------------------------ zero rows
    # relu(x), relu(0x+2) (constant 2: active), relu(0x-3) (constant -3: inactive), relu(0x+0)
    # (constant 0: inactive, "active" means > 0).  2 regions; f = relu(x) + 2 + 0 + 0.
    "zero_rows_1d": dict(
        layers=[([[1], [0], [0], [0]], [0, 2, -3, 0]), ([[1, 1, 1, 1]], [0])],
        domain=BOX1,
        regions=2,
        pieces=2,
        bounded=2,
        edges=1,
        flips={((1, 1, 0, 0), (0, 1, 0, 0)): (0,)},
        maps={(1, 1, 0, 0): ([[1]], [2]), (0, 1, 0, 0): ([[0]], [2])},
    ),
    # only constant units: relu(1), relu(-1): one region (the whole box), f = 1 * 1 + 5 * 0
    "only_zero_rows_2d": dict(
        layers=[([[0, 0], [0, 0]], [1, -1]), ([[1, 5]], [0])],
        domain=BOX2,
        regions=1,
        pieces=1,
        bounded=1,
        edges=0,
        areas={(1, 0): 4},
        maps={(1, 0): ([[0, 0]], [1])},
    ),
    # ... and on R^2: one unbounded region
    "only_zero_rows_plane": dict(
        layers=[([[0, 0], [0, 0]], [1, -1]), ([[1, 5]], [0])],
        domain=None,
        regions=1,
        pieces=1,
        bounded=0,
        edges=0,
    ),
    # zero rows in the second layer: relu(0 h + 1) active, relu(0 h - 1) dead, everywhere
    "zero_rows_layer2": dict(
        layers=[([[1, 0], [0, 1]], [0, 0]), ([[0, 0], [0, 0]], [1, -1]), ([[1, 1]], [0])],
        domain=BOX2,
        regions=4,
        pieces=1,  # f = 1 on the whole box: the four quadrants merge
        bounded=4,
        edges=4,
        maps={(1, 1, 1, 0): ([[0, 0]], [1]), (0, 0, 1, 0): ([[0, 0]], [1])},
    ),
    # ------------------------------------------------------------------ lines through box vertices
    # relu(x-y), relu(x+y) on [-1,1]^2: the two diagonals, through all four corners: four
    # triangles of area 1 around the centre, 4 edges.
    "diagonals": dict(
        layers=[([[1, -1], [1, 1]], [0, 0]), ([[1, 2]], [0])],
        domain=BOX2,
        regions=4,
        pieces=4,
        bounded=4,
        edges=4,
        areas={(1, 1): 1, (0, 1): 1, (0, 0): 1, (1, 0): 1},
        rows={(1, 1): 3, (0, 1): 3, (0, 0): 3, (1, 0): 3},  # two diagonals and one box side
    ),
    # relu(2x - y - 1): the line through the corner (1,1) and the midpoint (0,-1) of the bottom
    # side; the active side is the triangle (0,-1), (1,-1), (1,1) of area 1, the rest has area 3.
    "through_one_corner": dict(
        layers=[([[2, -1]], [-1]), ([[1]], [0])],
        domain=BOX2,
        regions=2,
        pieces=2,
        bounded=2,
        edges=1,
        areas={(1,): 1, (0,): 3},
        rows={(1,): 3, (0,): 4},  # triangle; quadrilateral (-1,-1), (0,-1), (1,1), (-1,1)
    ),
    # ------------------------------------------------------------------ concurrent hyperplanes
    # relu(x), relu(y), relu(x+y) on [-1,1]^2: three lines through the origin (a 0-dim cell):
    # 6 regions, not 7.  Quadrants I and III are not cut by x+y = 0 (area 1 each); II and IV
    # are cut into two triangles of area 1/2.
    "three_concurrent_box": dict(
        layers=[([[1, 0], [0, 1], [1, 1]], [0, 0, 0]), ([[1, 1, 1]], [0])],
        domain=BOX2,
        regions=6,
        pieces=6,
        bounded=6,
        edges=6,
        areas={(1, 1, 1): 1, (0, 0, 0): 1, (0, 1, 1): H, (0, 1, 0): H, (1, 0, 1): H, (1, 0, 0): H},
    ),
    # the same on R^2: 6 sectors, none bounded
    "three_concurrent_plane": dict(
        layers=[([[1, 0], [0, 1], [1, 1]], [0, 0, 0]), ([[1, 1, 1]], [0])],
        domain=None,
        regions=6,
        pieces=6,
        bounded=0,
        edges=6,
    ),
    # relu(x), relu(y), relu(z), relu(x+y+z) on R^3, four planes through the origin: in the
    # octants (+,+,+) and (-,-,-) the sign of x+y+z is forced, in the other 6 both signs occur:
    # 2 + 6 * 2 = 14 regions, all unbounded (cones).  Edges: each of the 12 quadrant-faces of the
    # octant arrangement ... counted instead as: sum of facets / 2, checked by check_graph.
    "four_concurrent_space": dict(
        layers=[([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]], [0, 0, 0, 0]), ([[1, 2, 3, 4]], [0])],
        domain=None,
        regions=14,
        pieces=14,
        bounded=0,
    ),
    # ------------------------------------------------------------------ unbounded regions on R^n
    # relu(x), relu(x-1) on R: (-inf,0), (0,1), (1,inf): 3 regions, only (0,1) bounded
    "line_two_points": dict(
        layers=[([[1], [1]], [0, -1]), ([[1, 1]], [0])],
        domain=None,
        regions=3,
        pieces=3,
        bounded=1,
        edges=2,
        bounded_patterns={(1, 0)},
    ),
    # relu(x), relu(y), relu(x+y-1) on R^2: three lines in general position: 1 + 3 + 3 = 7
    # regions; only the triangle (0,0), (1,0), (0,1) (x, y > 0, x+y < 1) is bounded, area 1/2
    "triangle_plane": dict(
        layers=[([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, 1]], [0])],
        domain=None,
        regions=7,
        pieces=7,
        bounded=1,
        edges=9,  # each line is cut into 3 pieces by the other two
        bounded_patterns={(1, 1, 0)},
        areas={(1, 1, 0): H},
    ),
    # ------------------------------------------------------------------ zero output weights
    # relu(x), relu(y) with output weights (1, 0): 4 regions, f = relu(x): the halves x > 0 and
    # x < 0 are the 2 pieces
    "zero_output_weight": dict(
        layers=[([[1, 0], [0, 1]], [0, 0]), ([[1, 0]], [0])],
        domain=BOX2,
        regions=4,
        pieces=2,
        bounded=4,
        edges=4,
        piece_sets=[{(1, 1), (1, 0)}, {(0, 1), (0, 0)}],
    ),
    # hat: relu(x+1) - 2 relu(x) + relu(x-1) on [-2,2]: 0, x+1, 1-x, 0 on the 4 intervals.
    # The outer two share the map 0 but do not touch: 4 pieces, only 3 distinct maps.
    "hat": dict(
        layers=[([[1], [1], [1]], [1, 0, -1]), ([[1, -2, 1]], [0])],
        domain={"box": [[-2, 2]]},
        regions=4,
        pieces=4,
        bounded=4,
        edges=3,
        maps={(0, 0, 0): ([[0]], [0]), (1, 1, 1): ([[0]], [0]), (1, 0, 0): ([[1]], [1])},
    ),
    # all output weights zero on three concurrent lines: 6 regions, one piece (f = 0)
    "all_zero_output": dict(
        layers=[([[1, 0], [0, 1], [1, 1]], [0, 0, 0]), ([[0, 0, 0]], [0])],
        domain=BOX2,
        regions=6,
        pieces=1,
        bounded=6,
        edges=6,
    ),
    # ------------------------------------------------------------------ deep nets
    # f = relu(relu(x) - relu(y)) on [-1,1]^2.  The layer-2 unit u = relu(x) - relu(y) is
    #   identically 0 on quadrant III, -y < 0 on II, x > 0 on IV, and x - y on I (cut by x = y).
    # Regions: III (0,0,0), II (0,1,0), IV (1,0,1), I: x > y (1,1,1) and x < y (1,1,0): 5.
    # Edges: III-II flips (1,); III-IV flips (0,2) (u goes from identically 0 to x > 0); II-(1,1,0)
    # flips (0,) only; IV-(1,1,1) flips (1,); (1,1,1)-(1,1,0) flips (2,): 5 edges.
    # Maps: III 0, II 0, (1,1,0) 0, IV x, (1,1,1) x - y: pieces {III, II, (1,1,0)}, {IV}, {(1,1,1)}.
    "deep_identically_zero": dict(
        layers=[([[1, 0], [0, 1]], [0, 0]), ([[1, -1]], [0]), ([[1]], [0])],
        domain=BOX2,
        regions=5,
        pieces=3,
        bounded=5,
        edges=5,
        areas={(0, 0, 0): 1, (0, 1, 0): 1, (1, 0, 1): 1, (1, 1, 1): H, (1, 1, 0): H},
        flips={
            ((0, 0, 0), (0, 1, 0)): (1,),
            ((0, 0, 0), (1, 0, 1)): (0, 2),
            ((0, 1, 0), (1, 1, 0)): (0,),
            ((1, 0, 1), (1, 1, 1)): (1,),
            ((1, 1, 1), (1, 1, 0)): (2,),
        },
        piece_sets=[{(0, 0, 0), (0, 1, 0), (1, 1, 0)}, {(1, 0, 1)}, {(1, 1, 1)}],
        maps={(1, 1, 1): ([[1, -1]], [0]), (1, 0, 1): ([[1, 0]], [0]), (0, 0, 0): ([[0, 0]], [0])},
    ),
    # relu(relu(x)) and relu(-relu(x)) in 1-D: the first layer-2 unit flips together with the
    # layer-1 unit at x = 0; the second is never active.  2 regions, f = relu(x) + 3 * 0.
    "deep_coincident_1d": dict(
        layers=[([[1]], [0]), ([[1], [-1]], [0, 0]), ([[1, 3]], [0])],
        domain=BOX1,
        regions=2,
        pieces=2,
        bounded=2,
        edges=1,
        flips={((1, 1, 0), (0, 0, 0)): (0, 1)},
    ),
    # ------------------------------------------------------------------ linear hidden layers
    # layer 1 linear (u, v) = (x+y, x-y); layer 2 relu of (u, v, u+v) = (x+y, x-y, 2x): three
    # lines through the origin (the diagonals and x = 0): right and left triangles (area 1, not
    # cut by x = 0), top and bottom triangles cut in two (area 1/2 each): 6 regions.
    "linear_first_layer": dict(
        layers=[([[1, 1], [1, -1]], [0, 0]), ([[1, 0], [0, 1], [1, 1]], [0, 0, 0]), ([[1, 1, 1]], [0])],
        acts=["linear", "relu", "linear"],
        domain=BOX2,
        regions=6,
        pieces=6,
        bounded=6,
        edges=6,
        areas={(1, 1, 1): 1, (0, 0, 0): 1, (1, 0, 1): H, (1, 0, 0): H, (0, 1, 1): H, (0, 1, 0): H},
    ),
    # relu(x), relu(-x) -> linear u = h1 - h2 = x -> relu(u - 1/2) -> output: 3 regions on [-1,1]
    # (x < 0: (0,1,0); 0 < x < 1/2: (1,0,0); x > 1/2: (1,0,1)); f = relu(x - 1/2) is 0 on the
    # first two: 2 pieces.  The linear layer adds nothing to the pattern (length 3).
    "linear_middle_layer": dict(
        layers=[([[1], [-1]], [0, 0]), ([[1, -1]], [0]), ([[1]], ["-1/2"]), ([[1]], [0])],
        acts=["relu", "linear", "relu", "linear"],
        domain=BOX1,
        regions=3,
        pieces=2,
        bounded=3,
        edges=2,
        maps={(0, 1, 0): ([[0]], [0]), (1, 0, 0): ([[0]], [0]), (1, 0, 1): ([[1]], [-H])},
    ),
    # no ReLU at all: one region with the empty pattern
    "all_linear": dict(
        layers=[([[1, 2], [3, 4]], [1, 1]), ([[1, -1]], [0])],
        acts=["linear", "linear"],
        domain=BOX2,
        regions=1,
        pieces=1,
        bounded=1,
        edges=0,
        maps={(): ([[-2, -2]], [0])},
    ),
    # ... and on R^2: one unbounded region, no rows at all
    "all_linear_plane": dict(
        layers=[([[1, 2], [3, 4]], [1, 1]), ([[1, -1]], [0])],
        acts=["linear", "linear"],
        domain=None,
        regions=1,
        pieces=1,
        bounded=0,
        edges=0,
        maps={(): ([[-2, -2]], [0])},
    ),
    # ------------------------------------------------------------------ polyhedral domains
    # the triangle x >= 0, y >= 0, x + y <= 2 (area 2), given with a duplicate row (2x + 2y <= 4)
    # and a redundant one (x <= 5); units relu(x-y), relu(x+y-1) and relu(x+y-2) (zero on the
    # hypotenuse, dead inside).  x + y = 1 cuts off the corner triangle of area 1/2, x = y halves
    # both parts: areas 1/4, 1/4, 3/4, 3/4; 4 edges.
    "triangle_domain": dict(
        layers=[([[1, -1], [1, 1], [1, 1]], [0, -1, -2]), ([[1, 1, 1]], [0])],
        domain={"A": [[-1, 0], [0, -1], [1, 1], [2, 2], [1, 0]], "b": [0, 0, 2, 4, 5]},
        regions=4,
        pieces=4,
        bounded=4,
        edges=4,
        areas={(1, 0, 0): Q(1, 4), (0, 0, 0): Q(1, 4), (1, 1, 0): Q(3, 4), (0, 1, 0): Q(3, 4)},
    ),
    # the half-plane y >= 0 with relu(x), relu(x-y): two rays from the origin cut it into 3
    # unbounded sectors: x < 0 (0,0); 0 < x < y (1,0); x > y (1,1)
    "half_plane_domain": dict(
        layers=[([[1, 0], [1, -1]], [0, 0]), ([[1, 1]], [0])],
        domain={"A": [[0, -1]], "b": [0]},
        regions=3,
        pieces=3,
        bounded=0,
        edges=2,
        patterns={(0, 0), (1, 0), (1, 1)},
    ),
}


# (kernel, backend): the walk on each polyhedra backend, and the subdivision (no backend)
RUNS = [("walk", "ppl"), ("walk", "highs"), ("walk", "exact-lp"), ("subdivision", "ppl")]


def run(case, kernel, backend="ppl"):
    """The case's graph from one kernel; the subdivision must really have run on bounded domains."""
    g = regions(Ref(case["layers"], case.get("acts")).net(), case["domain"], backend=backend, kernel=kernel)
    bounded = case["domain"] is not None and case["bounded"] == case["regions"]  # all regions bounded
    assert g.stats["kernel"] == (kernel if bounded else "walk")
    return g


def expected_map(spec):
    W, c = spec
    return [[Q(v) for v in row] for row in W], [Q(v) for v in c]


@pytest.mark.parametrize("kernel, backend", RUNS)
@pytest.mark.parametrize("name", sorted(CASES))
def test_degenerate_case(name, kernel, backend):
    case = CASES[name]
    ref = Ref(case["layers"], case.get("acts"))
    g = run(case, kernel, backend)
    polys = check_graph(ref, g, case["domain"])
    assert len(g) == case["regions"]
    assert g.num_pieces == case["pieces"]
    assert g.num_bounded == case["bounded"]
    if "edges" in case:
        assert g.graph.number_of_edges() == case["edges"]
    if "patterns" in case:
        assert set(g.graph) == case["patterns"]
    if "areas" in case:
        assert {p: area(polys[p]) for p in case["areas"]} == case["areas"]
        if case["domain"] is not None:
            assert set(g.graph) == set(case["areas"])
    if "rows" in case:
        assert {p: len(g[p].inequalities) for p in g.graph} == case["rows"]
    for (u, v), flips in case.get("flips", {}).items():
        assert g.graph.has_edge(u, v)
        assert tuple(sorted(g.graph.edges[u, v]["flips"])) == flips
    for p, spec in case.get("maps", {}).items():
        r = g[p]
        assert (fr_mat(r.W), [row[0] for row in fr_mat(r.c)]) == expected_map(spec)
    if "piece_sets" in case:
        assert sorted(map(sorted, g.pieces())) == sorted(map(sorted, case["piece_sets"]))
    if "bounded_patterns" in case:
        assert {p for p in g.graph if g[p].bounded} == case["bounded_patterns"]
    s = g.summary()
    assert (s["regions"], s["pieces"], s["bounded"], s["complete"]) == (
        case["regions"],
        case["pieces"],
        case["bounded"],
        True,
    )


@pytest.mark.parametrize(
    "name", ["coincident", "deep_identically_zero", "triangle_domain", "four_concurrent_space"]
)
def test_degenerate_backends_agree(name):
    case = CASES[name]
    sigs = [graph_signature(run(case, kernel, backend)) for kernel, backend in RUNS]
    assert all(s == sigs[0] for s in sigs)


@pytest.mark.parametrize("name", sorted(CASES))
def test_degenerate_kernels_agree(name):
    # the two kernels give the same graph: regions with their rows, maps and boundedness; edges
    # with their hyperplanes and flips; pieces
    case = CASES[name]
    walk, sub = run(case, "walk"), run(case, "subdivision")
    assert graph_signature(walk) == graph_signature(sub)
    assert sorted(map(sorted, walk.pieces())) == sorted(map(sorted, sub.pieces()))


@pytest.mark.parametrize("kernel", ["walk", "subdivision"])
def test_coincident_rows_are_listed_once(kernel):
    # five units on the line x = 0: a region keeps one row for it (x <= 0 or -x <= 0), not five
    case = CASES["coincident"]
    g = run(case, kernel)
    r = g[(1, 1, 1, 0, 0, 1)]  # x > 0, y > 0: the unit square [0,1]^2
    assert sorted(r.inequalities) == sorted([((-1, 0), 0), ((0, -1), 0), ((1, 0), 1), ((0, 1), 1)])


@pytest.mark.parametrize("kernel", ["walk", "subdivision"])
def test_boundary_unit_row_is_not_crossed(kernel):
    # relu(x - 1) and relu(1 - x) vanish on the box facet x = 1: the regions with x > 0 have the
    # row x <= 1 (domain and units at once) and no edge leaves through it
    case = CASES["dead_and_active"]
    g = run(case, kernel)
    for p in g.graph:
        if p[0] == 1:
            assert ((1, 0), 1) in g[p].inequalities
    assert all(e["hyperplane"] not in (((1, 0), 1), ((-1, 0), -1)) for _, _, e in g.graph.edges(data=True))


# ---------------------------------------------------------------------------- random degenerate nets
# Weights and biases in {-1, 0, 1} (or {-2, ..., 2}): many zero rows, coincident and concurrent
# hyperplanes, hyperplanes through the box corners (x - y = 0, x + y = 0, x = +-1, ...), dead
# units in every layer, facets where 2 to 4 units flip at once.  No count is known by hand;
# every claim goes through the reference checks (in 2-D the exact areas must tile the box) and
# both kernels (the walk on the three backends) must agree.

DEGENERATE_NETS = [
    ((2, 4, 4, 1), 4, 1, {"box": [[-1, 1]] * 2}),
    ((2, 6, 6, 2), 0, 1, {"box": [[-1, 1]] * 2}),
    ((2, 5, 5, 5, 1), 0, 1, {"box": [[-1, 1]] * 2}),
    ((2, 5, 5, 5, 1), 4, 2, {"box": [[-1, 1]] * 2}),
    ((2, 6, 4, 1), 0, 1, None),
    ((3, 5, 4, 1), 5, 1, {"box": [[-1, 1]] * 3}),
    ((1, 4, 4, 4, 1), 3, 2, {"box": [[-1, 1]]}),
]


@pytest.mark.parametrize("sizes, seed, w, domain", DEGENERATE_NETS)
def test_random_degenerate_nets(sizes, seed, w, domain):
    ref = Ref(random_layers(sizes, seed, lo=-w, hi=w))
    graphs = [regions(ref.net(), domain, backend=be, kernel=k) for k, be in RUNS]
    assert graphs[-1].stats["kernel"] == ("walk" if domain is None else "subdivision")
    check_graph(ref, graphs[0], domain)
    check_graph(ref, graphs[-1], domain)
    assert len(graphs[0]) > 1
    sigs = [graph_signature(g) for g in graphs]
    assert all(s == sigs[0] for s in sigs)


@pytest.mark.slow
@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(
    network_layers(
        input_dim=(1, 3),
        depth=(1, 3),
        width=(1, 4),
        values=st.sampled_from([Q(v) for v in (0, 1, -1, 2, -2)]),
    ),
    st.data(),
)
def test_drawn_degenerate_nets(layers, data):
    # the same checks on networks drawn by hypothesis (weights in {-2, ..., 2} through a small
    # palette, so rows repeat; any domain, bounded or not), so that a failure shrinks
    ref = Ref([(W, b) for W, b, _ in layers])
    domain = data.draw(domains(ref.n))
    graphs = [regions(ref.net(), domain, backend=be, kernel=k) for k, be in RUNS]
    check_graph(ref, graphs[0], domain)
    sigs = [graph_signature(g) for g in graphs]
    assert sigs[0] == sigs[1] == sigs[2]
