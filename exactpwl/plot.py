"""Pictures of a network's linear regions (1-D graphs, 2-D region maps) — extra ``plot``.

The geometry is exact (region vertices from the walk's polyhedra); only the drawing uses
floating point.  Nothing here decides anything.
"""

from __future__ import annotations

import colorsys
import hashlib
import io
import math
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

from .errors import InputError
from .network import Network
from .numbers import format_number, to_fmpq
from .polyhedron import box, corners, vertices
from .region_graph import regions

__all__ = ["plot_regions", "picture_format", "drawable_box", "png", "pattern_colour"]

PICTURES = (".png", ".svg", ".pdf")
DPI = 120


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


def plot_regions(net: Network, bounds: Any = None, path: str | Path = "regions.png") -> dict:
    """Draw the regions of ``net`` over ``bounds`` (a list of (lo, hi) pairs; default [-1, 1]^n).

    2-D: each activation region is a polygon, coloured by its linear piece, with the region
    boundaries drawn.  1-D: the graph of every output, with the breakpoints marked.  The axes show
    exactly the box (x1, and x2 in 2-D).  Returns the counts that were drawn, and where: ``frame``
    is the axes' (left, top, right, bottom) in pixels of the picture (at 120 dpi; a PNG's pixels)
    and ``limits`` their data ranges ((x_lo, x_hi), (y_lo, y_hi)), so that points can be found in it.
    """
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise InputError("plot: matplotlib is not installed (pip install 'exactpwl[plot]')") from None
    n = net.input_dim
    if n not in (1, 2):
        raise InputError(f"plot: only networks with 1 or 2 inputs can be drawn (this one has {n})")
    fmt = picture_format(path)
    bounds = drawable_box(bounds or [(-1, 1)] * n)
    g = regions(net, box(bounds))
    pieces = g.pieces()
    piece_of = {p: k for k, members in enumerate(pieces) for p in members}
    cmap = plt.get_cmap("tab20")
    fig, ax = plt.subplots(figsize=(6, 5 if n == 2 else 4), dpi=DPI)
    if n == 2:
        for r in g:
            vs = vertices(r.inequalities, 2)
            ax.fill(
                [float(v[0]) for v in vs],
                [float(v[1]) for v in vs],
                facecolor=cmap(piece_of[r.pattern] % 20),
                edgecolor="black",
                linewidth=0.4,
            )
        ax.set_xlabel("x1")
        ax.set_ylabel("x2")
        ax.set_ylim(float(bounds[1][0]), float(bounds[1][1]))
        ax.set_aspect("equal")
    else:
        for r in sorted(g, key=lambda r: r.interior_point[0]):
            lo, hi = (float(v[0]) for v in sorted(vertices(r.inequalities, 1)))
            W, c = r.affine_map()
            for i in range(net.output_dim):
                ys = [float(W[i][0] * x + c[i]) for x in (lo, hi)]
                ax.plot([lo, hi], ys, color=cmap((2 * i) % 20), linewidth=1.5)
                ax.plot([lo, hi], ys, "k.", markersize=3)
        ax.set_xlabel("x1")
    ax.set_xlim(float(bounds[0][0]), float(bounds[0][1]))
    ax.set_title(f"{net.architecture}: {len(g)} activation regions, {len(pieces)} linear pieces")
    fig.tight_layout()
    try:
        fig.savefig(path, dpi=DPI, format=fmt)
        height = fig.get_size_inches()[1] * DPI
        e = ax.get_window_extent()
        frame = tuple(float(v) for v in (e.x0, height - e.y1, e.x1, height - e.y0))
        limits = tuple(tuple(float(v) for v in lim) for lim in (ax.get_xlim(), ax.get_ylim()))
    except OSError as exc:
        raise InputError(f"plot: cannot write {path} ({exc.strerror or exc})") from None
    finally:
        plt.close(fig)
    return {"regions": len(g), "pieces": len(pieces), "path": str(path), "frame": frame, "limits": limits}


# ---------------------------------------------------------------------- notebooks
def pattern_colour(pattern: Sequence[int]) -> tuple[float, float, float]:
    """A light colour that depends only on the activation pattern: the same region, the same colour.

    >>> pattern_colour((0, 1, 1)) == pattern_colour((0, 1, 1)) != pattern_colour((1, 1, 0))
    True
    """
    h = hashlib.blake2b(bytes(pattern), digest_size=8).digest()
    hue = int.from_bytes(h[:4], "big") / 2**32
    return colorsys.hsv_to_rgb(hue, 0.3 + 0.35 * h[4] / 255, 0.8 + 0.15 * h[5] / 255)


def png(obj: Any) -> bytes | None:
    """A PNG of a ``RegionGraph`` or ``Verdict`` with 1 or 2 inputs (for notebooks), else None.

    Needs matplotlib (extra ``plot``); uses no pyplot state, so a notebook's backend is untouched.
    """
    try:
        from matplotlib.figure import Figure
    except ImportError:
        return None
    from .verdict import Verdict

    verdict = obj if isinstance(obj, Verdict) else None
    g = regions(obj.network, obj.graph.domain) if verdict is not None else obj
    if g.net.input_dim not in (1, 2):
        return None
    mark = verdict.counterexample.x if verdict is not None and verdict.counterexample else None
    view = _view(g, mark)
    fig = Figure(figsize=(5, 4.2))
    ax = fig.subplots()
    _draw_graph(ax, g, view)
    if verdict is not None and g.net.input_dim == 1:
        _draw_target(ax, verdict.target, view)
    if mark is not None:
        y = [float(mark[1])] if len(mark) == 2 else [float(verdict.counterexample.network[0])]
        ax.plot([float(mark[0])], y, marker="x", color="red", markersize=12, markeredgewidth=2.5)
    if verdict is None:
        title = f"{g.net.architecture}: {len(g)} regions, {g.num_pieces} linear pieces"
    elif verdict.holds:
        title = f"holds: network = target on all {verdict.regions} regions"
    elif verdict.holds is None:
        title = f"cap reached after {verdict.regions} regions: nothing claimed"
    else:
        title = "refuted at x = (" + ", ".join(format_number(v) for v in mark) + ")"
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80)
    return buf.getvalue()


def _view(g: Any, mark: Sequence[Any] | None) -> list[tuple[Fraction, Fraction]]:
    """The domain's box, or (unbounded) a box around every vertex, interior point and the mark."""
    n = g.net.input_dim
    pts = [tuple(Fraction(v) for v in r.interior_point) for r in g]
    if g.domain is not None:
        pts += [tuple(Fraction(int(v.p), int(v.q)) for v in p) for p in corners(list(g.domain.rows), n)]
    for r in g:
        pts += [tuple(Fraction(int(v.p), int(v.q)) for v in p) for p in corners(r.inequalities, n)]
    if mark is not None:
        pts.append(tuple(Fraction(v) for v in mark))
    out = []
    for i in range(n):
        lo, hi = min(p[i] for p in pts), max(p[i] for p in pts)
        if g.domain is not None and g.domain.is_bounded():
            out.append((lo, hi))
        else:
            pad = max(Fraction(1), (hi - lo) / 4)
            out.append((lo - pad, hi + pad))
    return out


def _draw_graph(ax: Any, g: Any, view: list[tuple[Fraction, Fraction]]) -> None:
    clip = list(box(view).rows)
    if g.net.input_dim == 2:
        for r in g:
            vs = vertices(list(r.inequalities) + clip, 2)
            xs, ys = [float(v[0]) for v in vs], [float(v[1]) for v in vs]
            ax.fill(xs, ys, facecolor=pattern_colour(r.pattern), edgecolor="black", linewidth=0.4)
        ax.set_xlabel("x1")
        ax.set_ylabel("x2")
        ax.set_aspect("equal")
    else:
        for r in g:
            lo, hi = (v[0] for v in sorted(vertices(list(r.inequalities) + clip, 1)))
            W, c = r.affine_map()
            for i in range(g.net.output_dim):
                ys = [float(W[i][0] * Fraction(int(x.p), int(x.q)) + c[i]) for x in (lo, hi)]
                ax.plot([float(lo), float(hi)], ys, color="C0", linewidth=1.5)
                ax.axvspan(float(lo), float(hi), color=pattern_colour(r.pattern), alpha=0.5, linewidth=0)
        ax.set_xlabel("x1")
    ax.set_xlim(float(view[0][0]), float(view[0][1]))
    if len(view) == 2:
        ax.set_ylim(float(view[1][0]), float(view[1][1]))


def _draw_target(ax: Any, target: Any, view: list[tuple[Fraction, Fraction]]) -> None:
    """The 1-D target, dashed, from exact values on a fine grid (drawing only)."""
    lo, hi = view[0]
    xs = [lo + (hi - lo) * k / 400 for k in range(401)]
    ys = [target([x]) for x in xs]
    for i in range(target.output_dim):
        ax.plot([float(x) for x in xs], [float(y[i]) for y in ys], "--", color="C3", linewidth=1.2)
