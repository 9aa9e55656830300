"""Every script in examples/ runs and prints what was derived by hand."""

from __future__ import annotations

import contextlib
import io
import itertools
import runpy

from conftest import ROOT, run_example
from test_regions import Ref, area, box_polygon, polygon


def _run(name: str) -> str:
    return run_example(name).stdout


def test_certify_tour():
    out = _run("certify_tour.py").splitlines()
    # max(0, x1, x2) holds on R^2: the network's 5 regions (derived in tests/test_cli.py), the
    # target's compiled hyperplanes x1 = 0, x2 = max(0, x1) cut none of them
    assert out[0] == "max(0, x1, x2): holds = True on 5 regions of R^2"
    assert out[1] == "certificate: 5 regions, check -> True"
    # two regions' patterns swapped: some region's witness no longer matches its pattern
    assert out[2].startswith("tampered certificate: valid = False (region ")
    # the mutant adds 1/1000 inside the outer relu wherever relu(max(x1, x2) + 1/1000) > 0: at the
    # reported point it exceeds the target by exactly 1/1000 (checked on the printed numbers)
    assert out[3].startswith("mutant: holds = False")
    net_val = out[3].split("network = ")[1].split(",")[0]
    tgt_val = out[3].split("target = ")[1]
    from fractions import Fraction

    assert Fraction(net_val) - Fraction(tgt_val) == Fraction(1, 1000)
    # by hand: the mutant is relu(max(x1, x2) + 1/1000), which exceeds max(0, x1, x2) by exactly
    # 1/1000 where max(x1, x2) >= 0 (and by less below): the printed point must lie there
    x1, x2 = (Fraction(v) for v in out[3].split("at x = (")[1].split(")")[0].split(", "))
    assert Fraction(tgt_val) == max(0, x1, x2) and max(x1, x2) >= 0


def test_regions_tour():
    out = _run("regions_tour.py").splitlines()
    assert out[0] == "three lines through a point: 6 regions, 0 bounded"  # 2 * 3 sectors
    assert out[1] == "tent map composed 3 times on [0, 1]: 8 linear pieces"  # Telgarsky: 2^3
    # the random 2-8-8-1 network of the script, counted again without exactpwl (below)
    with contextlib.redirect_stdout(io.StringIO()):
        layers = runpy.run_path(str(ROOT / "examples" / "regions_tour.py"))["layers"]
    cells = subdivide(Ref(layers), (-10, 10, -10, 10))
    n_pieces = pieces(Ref(layers), cells)
    assert out[2] == f"random 2-8-8-1: {len(cells)} activation regions, {n_pieces} linear pieces"
    assert len(cells) > 50 and n_pieces < len(cells)  # a real test of both counts


# ---------------------------------------------------------------------- an independent 2-D count
def subdivide(ref: Ref, box) -> dict[tuple[int, ...], list]:
    """Every activation region of a 2-D network on a box, as {pattern: polygon}, by clipping.

    Start from the box; split every cell by each ReLU unit in turn (its pre-activation is affine on
    the cell, given the units before it: ``Ref.maps``), keep the parts of positive area.  A pattern
    fixes every unit's sign, so its set is convex: one polygon per region.
    """
    cells = [((), box_polygon(*box))]
    for k in range(ref.num_relu):
        split = []
        for pat, P in cells:
            pre, _ = ref.maps(pat + (0,) * (ref.num_relu - len(pat)))
            a, c = pre[k][:2], pre[k][2]
            for bit, row in ((1, ([-v for v in a], c)), (0, (a, -c))):
                Q = polygon([row], P) if any(a) else (P if (c > 0) == bool(bit) else [])
                if area(Q) > 0:
                    split.append(((*pat, bit), Q))
        cells = split
    assert len({p for p, _ in cells}) == len(cells)
    return dict(cells)


def _share_an_edge(P: list, Q: list) -> bool:
    """Whether two convex polygons have a common boundary segment of positive length."""
    for i in range(len(P)):
        A, B = P[i], P[(i + 1) % len(P)]
        d = (B[0] - A[0], B[1] - A[1])
        for j in range(len(Q)):
            C, D = Q[j], Q[(j + 1) % len(Q)]
            if any(d[0] * (X[1] - A[1]) - d[1] * (X[0] - A[0]) for X in (C, D)):
                continue  # not on the line AB
            norm = d[0] * d[0] + d[1] * d[1]
            tc, td = (((X[0] - A[0]) * d[0] + (X[1] - A[1]) * d[1]) / norm for X in (C, D))
            if min(1, max(tc, td)) > max(0, min(tc, td)):
                return True
    return False


def pieces(ref: Ref, cells: dict) -> int:
    """Linear pieces: classes of regions with one affine map, joined across shared edges."""
    parent = {p: p for p in cells}

    def root(p):
        while parent[p] != p:
            p = parent[p]
        return p

    maps = {p: ref.affine(p) for p in cells}
    for p, q in itertools.combinations(cells, 2):
        if maps[p] == maps[q] and _share_an_edge(cells[p], cells[q]):
            parent[root(p)] = root(q)
    return len({root(p) for p in cells})
