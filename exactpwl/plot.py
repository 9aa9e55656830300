"""Pictures of a network's linear regions (1-D graphs, 2-D region maps) — extra ``plot``.

Each activation region is filled with a colour derived from its activation pattern, so a region
keeps its colour from run to run and from picture to picture.  A target can be overlaid: in 2-D
the set where network and target agree is hatched and the zero set of ``network - target`` is
dashed; in 1-D the target's graph is dashed.  A point (a counterexample) can be marked, and a
network with more inputs is drawn on a 2-D (or 1-D) affine slice.  The geometry is exact (region
vertices, zero sets and marks are rationals); only the drawing uses floating point.  Nothing here
decides anything.
"""

from __future__ import annotations

import colorsys
import hashlib
import io
import math
from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

from .errors import InputError
from .network import Network
from .numbers import format_number, primitive_row, to_fmpq, to_fraction
from .polyhedron import Polyhedron, box, corners, vertices
from .region_graph import RegionGraph, regions

__all__ = ["plot_regions", "picture_format", "drawable_box", "png", "pattern_colour"]

PICTURES = (".png", ".svg", ".pdf")
DPI = 120
MARK = (1.0, 0.0, 0.0)  # pure red: nothing else is drawn in it


def picture_format(path: str | Path, where: str = "plot") -> str:
    """The picture format named by the file's suffix (``png``, ``svg``, ``pdf``), or bad input."""
    suffix = Path(path).suffix.lower()
    if suffix not in PICTURES:
        raise InputError(f"{where}: {path}: the picture must be a .png, .svg or .pdf file")
    return suffix[1:]


def drawable_box(bounds: Any, where: str = "plot: box") -> list[tuple[Any, Any]]:
    """The box as exact (lo, hi) pairs, after checking that floats can draw it (finite, not flat)."""
    out = []
    for lo, hi in bounds:
        lo, hi = to_fmpq(lo, where), to_fmpq(hi, where)
        try:
            flo, fhi = float(lo), float(hi)
        except OverflowError:
            flo = fhi = math.inf
        if not (math.isfinite(flo) and math.isfinite(fhi) and math.isfinite(fhi - flo)) or not flo < fhi:
            raise InputError(
                f"{where}: [{format_number(lo)}, {format_number(hi)}] cannot be drawn in floating point "
                "(too large or too thin); the exact region counts are in 'exactpwl regions'"
            )
        out.append((lo, hi))
    return out


def pattern_colour(pattern: Sequence[int]) -> tuple[float, float, float]:
    """A light colour that depends only on the activation pattern: the same region, the same colour.

    >>> pattern_colour((0, 1, 1)) == pattern_colour((0, 1, 1)) != pattern_colour((1, 1, 0))
    True
    """
    h = hashlib.blake2b(bytes(pattern), digest_size=8).digest()
    hue = int.from_bytes(h[:4], "big") / 2**32
    return colorsys.hsv_to_rgb(hue, 0.3 + 0.35 * h[4] / 255, 0.8 + 0.15 * h[5] / 255)


# ---------------------------------------------------------------------- the picture file
def plot_regions(
    net: Network,
    bounds: Any = None,
    path: str | Path = "regions.png",
    *,
    target: Any = None,
    mark: Sequence[Any] | None = None,
    plane: Any = None,
    colour_by: str = "region",
    progress: Callable[..., None] | None = None,
) -> dict:
    """Draw the regions of ``net`` over the box ``bounds`` (default [-1, 1]^k) into ``path``.

    ``target`` (a PWL, expression, network or FORMATS.md dict) is overlaid, and certified on the
    box: if it is refuted, its counterexample is marked unless ``mark`` names a point (input
    coordinates).  ``plane`` (a ``slices.Plane``: a point and 1 or 2 directions) draws the slice
    ``x = p + s u + t v`` of a network with more inputs; ``bounds`` is then in plane coordinates.
    ``colour_by="piece"`` gives every linear piece one colour (that of its first pattern).
    Returns the counts drawn, ``holds`` and ``counterexample`` with a target, and where: ``frame``
    is the axes' (left, top, right, bottom) in pixels of the picture (at 120 dpi; a PNG's pixels)
    and ``limits`` their data ranges ((x_lo, x_hi), (y_lo, y_hi)), so that points can be found in it.
    """
    Figure = _figure_class()
    fmt = picture_format(path)
    if target is not None:
        from .pwl import as_target

        target = as_target(target, net.input_dim)
    if mark is not None:
        mark = tuple(to_fraction(to_fmpq(v, f"mark, coordinate {i + 1}")) for i, v in enumerate(mark))
    where: dict[str, str] = {}
    if plane is not None:
        net, target, mark, where = _on_plane(net, target, mark, plane)
    k = net.input_dim
    if k not in (1, 2):
        raise InputError(
            f"plot: only networks with 1 or 2 inputs can be drawn (this one has {k}: draw a slice)"
        )
    if mark is not None and len(mark) != k:
        raise InputError(f"mark: has {len(mark)} coordinates, expected {k}")
    bounds = drawable_box(bounds or [(-1, 1)] * k)
    fig = Figure(figsize=(6, 5 if k == 2 else 4), dpi=DPI)
    ax = fig.subplots()
    out = _render(
        ax, net, box(bounds), target=target, mark=mark, colour_by=colour_by, progress=progress, **where
    )
    if plane is not None and out.get("counterexample") is not None:
        out["counterexample"]["plane"] = out["counterexample"]["x"]
        out["counterexample"]["x"] = plane.to_input(out["counterexample"]["x"])
    fig.tight_layout()
    try:
        fig.savefig(path, dpi=DPI, format=fmt)
    except OSError as exc:
        raise InputError(f"plot: cannot write {path} ({exc.strerror or exc})") from None
    height = fig.get_size_inches()[1] * DPI
    e = ax.get_window_extent()
    out["frame"] = tuple(float(v) for v in (e.x0, height - e.y1, e.x1, height - e.y0))
    out["limits"] = tuple(tuple(float(v) for v in lim) for lim in (ax.get_xlim(), ax.get_ylim()))
    out["path"] = str(path)
    return out


def png(obj: Any) -> bytes | None:
    """A PNG of a ``RegionGraph`` or ``Verdict`` with 1 or 2 inputs (for notebooks), else None.

    A verdict shows the network's regions on its domain with the target overlaid and the
    counterexample marked.  Needs matplotlib (extra ``plot``), else None; uses no pyplot state,
    so a notebook's backend is untouched.
    """
    try:
        Figure = _figure_class()
    except InputError:
        return None
    if isinstance(obj, RegionGraph):
        net, domain, kw = obj.net, obj.domain, {"graph": obj}
    else:  # a Verdict
        net, domain, kw = obj.network, obj.graph.domain, {"target": obj.target, "verdict": obj}
    if net.input_dim not in (1, 2):
        return None
    fig = Figure(figsize=(5, 4.2), dpi=80)
    _render(fig.subplots(), net, domain, **kw)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _on_plane(net: Network, target: Any, mark: Any, P: Any) -> tuple[Network, Any, Any, dict[str, str]]:
    """The network, target and mark on the plane (or line), and how the title names them."""
    from .slices import slice_network, slice_target

    if mark is not None:
        mark = P.coordinates(mark, "mark")
    where = {
        "what": f"{net.architecture} on a {'plane' if P.k == 2 else 'line'}",
        "coords": "(s, t)" if P.k == 2 else "s",
    }
    return slice_network(net, P), None if target is None else slice_target(target, P), mark, where


def _figure_class() -> Any:
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise InputError("plot: matplotlib is not installed (pip install 'exactpwl[plot]')") from None
    return Figure


# ---------------------------------------------------------------------- drawing on axes
def _render(
    ax: Any,
    net: Network,
    domain: Polyhedron | None,
    *,
    graph: RegionGraph | None = None,
    target: Any = None,
    verdict: Any = None,
    mark: Sequence[Fraction] | None = None,
    colour_by: str = "region",
    progress: Callable[..., None] | None = None,
    what: str | None = None,
    coords: str = "x",
) -> dict:
    """Regions, then the target and the mark, on ``ax``; returns what was drawn.

    The target is certified on the domain unless its ``verdict`` is given.  ``what`` names the
    drawing in the title (default: the architecture), ``coords`` its coordinates.
    """
    if colour_by not in ("region", "piece"):
        raise InputError(f"plot: colour_by must be 'region' or 'piece', not {colour_by!r}")
    g = graph if graph is not None else regions(net, domain, progress=progress)
    out: dict[str, Any] = {"regions": len(g), "pieces": g.num_pieces}
    if target is not None:
        from .verdict import certify

        v = verdict if verdict is not None else certify(net, target, domain, progress=progress)
        out["holds"] = v.holds
        out["counterexample"] = None
        if v.counterexample is not None:
            cx = v.counterexample
            out["counterexample"] = {"x": cx.x, "network": cx.network, "target": cx.target}
            mark = cx.x if mark is None else mark
    view = _view(g, mark)
    _draw_regions(ax, g, view, colour_by)
    if target is not None:
        _draw_target(ax, net, target, domain, view, progress)
    if mark is not None:
        y = net(mark)[0] if net.input_dim == 1 else None
        if y is not None and target is not None:
            ax.plot([float(mark[0])] * 2, [float(y), float(target(mark)[0])], color=MARK, linewidth=1)
        xy = (float(mark[0]), float(y if y is not None else mark[1]))
        ax.plot(*xy, marker="x", color=MARK, markersize=12, markeredgewidth=2.5, zorder=5)
    if coords != "x":  # plane coordinates
        ax.set_xlabel("s")
        ax.set_ylabel("t" if net.input_dim == 2 else "")
    ax.set_title(_title(what or net.architecture, coords, net.input_dim, out, target, mark), fontsize=9)
    return out


def _title(what: str, coords: str, k: int, out: dict, target: Any, mark: Sequence[Fraction] | None) -> str:
    title = f"{what}: {out['regions']} activation regions, {out['pieces']} linear pieces"
    point = "(" + ", ".join(format_number(v) for v in mark) + ")" if mark is not None else ""
    if target is None:
        return title + (f"\nmarked: {coords} = {point}" if mark is not None else "")
    if out["holds"]:
        verdict = "the network equals the target here"
    else:
        verdict = f"refuted at {coords} = {point}" if out["counterexample"] else "not decided (a cap)"
    legend = "target dashed" if k == 1 else "network = target hatched, and dashed on lines"
    return f"{title}\n{legend}; {verdict}"


def _view(g: RegionGraph, mark: Sequence[Any] | None) -> list[tuple[Fraction, Fraction]]:
    """The domain's bounding box; without one, a box around every vertex, interior point and the mark."""
    n = g.net.input_dim
    bounded = g.domain is not None and g.domain.is_bounded()
    pts = [tuple(to_fraction(v) for v in p) for p in corners(list(g.domain.rows), n)] if bounded else []
    if not bounded:
        pts += [tuple(r.interior_point) for r in g]
        for r in g:
            pts += [tuple(to_fraction(v) for v in p) for p in corners(r.inequalities, n)]
        if mark is not None:
            pts.append(tuple(Fraction(v) for v in mark))
    out = []
    for i in range(n):
        lo, hi = min(p[i] for p in pts), max(p[i] for p in pts)
        pad = 0 if bounded else max(Fraction(1), (hi - lo) / 4)
        out.append((lo - pad, hi + pad))
    return out


def _clip(rows: Sequence[Any], view: list[tuple[Fraction, Fraction]]) -> list[tuple]:
    """The vertices of a region cut to the view (exact; counter-clockwise in 2-D)."""
    return vertices(list(rows) + list(box(view).rows), len(view))


def _draw_regions(ax: Any, g: RegionGraph, view: list, colour_by: str) -> None:
    colour = {r.pattern: pattern_colour(r.pattern) for r in g}
    if colour_by == "piece":
        for piece in g.pieces():
            c = pattern_colour(min(piece))
            colour.update((p, c) for p in piece)
    n = g.net.input_dim
    for r in g:
        vs = _clip(r.inequalities, view)
        if n == 2:
            if len(vs) > 2:
                xs, ys = [float(v[0]) for v in vs], [float(v[1]) for v in vs]
                ax.fill(xs, ys, facecolor=colour[r.pattern], edgecolor="black", linewidth=0.4)
            continue
        lo, hi = sorted(v[0] for v in vs)
        ax.axvspan(float(lo), float(hi), facecolor=colour[r.pattern], alpha=0.5, linewidth=0)
        W, c = r.affine_map()
        for i in range(g.net.output_dim):
            ys = [float(W[i][0] * to_fraction(x) + c[i]) for x in (lo, hi)]
            ax.plot([float(lo), float(hi)], ys, color=f"C{i}", linewidth=1.5)
            ax.plot([float(lo), float(hi)], ys, "k.", markersize=3)
    ax.set_xlabel("x1")
    if n == 2:
        ax.set_ylabel("x2")
        ax.set_aspect("equal")
        ax.set_ylim(float(view[1][0]), float(view[1][1]))
    ax.set_xlim(float(view[0][0]), float(view[0][1]))


def _draw_target(ax: Any, net: Network, target: Any, domain: Any, view: list, progress: Any) -> None:
    """Walk the regions of network and target together; on each, network - target is one affine map.

    2-D: hatch where it is 0, dash its zero line where it crosses the region.  1-D: dash the
    target's graph, exact at the ends of every joint region.
    """
    from .compile import joint_program

    prog = joint_program(net, target)
    jg = regions(prog.network, domain, progress=progress)
    for r in jg:
        vs = _clip(r.inequalities, view)
        if net.input_dim == 1:
            lo, hi = sorted(v[0] for v in vs)
            ends = [target([lo]), target([hi])]
            for i in range(net.output_dim):
                ys = [float(e[i]) for e in ends]
                ax.plot([float(lo), float(hi)], ys, "--", color="black", linewidth=1.2)
            continue
        W, c = r.W, r.c
        if prog.pieces is not None:  # the program is the network; the piece says the target's map
            x = [to_fmpq(v) for v in r.interior_point]
            piece = next(p for p in prog.pieces if p.contains(x))
            W, c = W - piece.W, c - piece.c
        zero = [i for i in range(W.nrows()) if not any(W[i, j] for j in range(2)) and c[i, 0] == 0]
        if len(zero) == W.nrows():
            xs, ys = [float(v[0]) for v in vs], [float(v[1]) for v in vs]
            ax.fill(xs, ys, facecolor="none", edgecolor="black", hatch="///", linewidth=0)
            continue
        for i in set(range(W.nrows())) - set(zero):
            a = [W[i, 0], W[i, 1]]
            if not any(a):
                continue  # a constant non-zero difference: no zero here
            line = [primitive_row(a, -c[i, 0]), primitive_row([-v for v in a], c[i, 0])]
            seg = vertices(list(r.inequalities) + list(box(view).rows) + line, 2)
            if len(seg) == 2:
                ax.plot(
                    [float(p[0]) for p in seg], [float(p[1]) for p in seg], "--", color="black", linewidth=1.8
                )
