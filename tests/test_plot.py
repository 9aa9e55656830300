"""Pictures: what is drawn is what was derived by hand, read back from the PNG's pixels.

The 2-D picture colours each activation region (or, asked, each linear piece); its number of
fill colours is checked against Zaslavsky's count and the colour at hand-picked points of each
region.  The 1-D picture's line is read column by column and compared with the function computed
by hand.  Marks are found where their coordinates say; a target's agreement set is hatched where
it was derived by hand; slices are the pictures of the networks they should be.  A blank or
one-colour image fails the same checks (tested on purpose).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest
from conftest import ROOT
from PIL import Image

from exactpwl import InputError, Network
from exactpwl.plot import plot_regions

PNG = b"\x89PNG\r\n\x1a\n"
# Telgarsky's tent map composed twice: 2^2 = 4 linear pieces (and 4 regions) on [0, 1]
TENT2 = Network.from_layers([([[1], [1]], [0, "-1/2"]), ([[2, -4], [2, -4]], [0, "-1/2"]), ([[2, -4]], [0])])
# relu(x1) + relu(x2) + relu(x1 + x2 - 1): three lines in general position, 1 + 3 + 3 = 7 regions
# (Zaslavsky), with gradients (0,0), (1,0), (0,1), (1,1), (2,1), (1,2), (2,2): all 7 maps differ, so
# 7 linear pieces, all meeting the box [-2, 2]^2 (one hand-picked point in each below)
LINES3 = Network.from_layers([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, 1]], [0])])
LINES3_POINTS = [(-1, -1), (1, "-1/2"), ("-1/2", 1), ("1/4", "1/4"), (1, 1), ("3/2", "-1/4"), ("-1/4", "3/2")]


def tent2(x: Fraction) -> Fraction:
    """t(t(x)) with t(x) = 2x on [0, 1/2] and 2 - 2x on [1/2, 1], by hand."""

    def t(v: Fraction) -> Fraction:
        return 2 * v if v <= Fraction(1, 2) else 2 - 2 * v

    return t(t(x))


def pixel(d: dict, x, y=None) -> tuple[int, int]:
    """(column, row) of the data point (x, y) in the saved image (frame and limits from the plot)."""
    left, top, right, bottom = d["frame"]
    (x0, x1), (y0, y1) = d["limits"]
    col = left + (float(Fraction(x)) - x0) / (x1 - x0) * (right - left)
    row = None if y is None else bottom - (float(Fraction(y)) - y0) / (y1 - y0) * (bottom - top)
    return round(col), None if row is None else round(row)


def fill_colours(img: np.ndarray, frame, share: float = 0.005) -> set[tuple[int, int, int]]:
    """Colours other than white and grey/black that cover at least ``share`` of the frame."""
    left, top, right, bottom = (round(v) for v in frame)
    inner = img[top + 2 : bottom - 2, left + 2 : right - 2, :3].reshape(-1, 3)
    colours, counts = np.unique(inner, axis=0, return_counts=True)
    keep = counts >= share * len(inner)
    return {tuple(int(v) for v in c) for c in colours[keep] if not (c[0] == c[1] == c[2])}


def line_height(img: np.ndarray, d: dict, x, colour=(31, 119, 180), tol: int = 60) -> float | None:
    """Data y of the line of ``colour`` in the column of x (mean row of its pixels), None if absent."""
    col, _ = pixel(d, x)
    column = img[:, col, :3].astype(int)
    rows = np.nonzero(np.abs(column - np.array(colour)).sum(axis=1) <= tol)[0]
    if len(rows) == 0:
        return None
    left, top, right, bottom = d["frame"]
    (y0, y1) = d["limits"][1]
    return y0 + (bottom - rows.mean()) / (bottom - top) * (y1 - y0)


def colour_at(img: np.ndarray, d: dict, x, y) -> tuple[int, int, int]:
    col, row = pixel(d, x, y)
    return tuple(int(v) for v in img[row, col, :3])


def read(path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGB"))


# ---------------------------------------------------------------------- 2-D: one colour per region
def test_plot_2d_colours_the_seven_regions(tmp_path):
    out = tmp_path / "lines.png"
    d = plot_regions(LINES3, [(-2, 2), (-2, 2)], out)
    assert (d["regions"], d["pieces"]) == (7, 7)
    img = read(out)
    assert out.read_bytes()[:8] == PNG
    colours = fill_colours(img, d["frame"])
    assert len(colours) == 7
    seen = [colour_at(img, d, x, y) for x, y in LINES3_POINTS]
    assert set(seen) == colours  # each region shows its own colour, and no other


def test_the_pixel_checks_fail_on_blank_and_one_colour_images(tmp_path):
    d = plot_regions(LINES3, [(-2, 2), (-2, 2)], tmp_path / "lines.png")
    h, w = read(tmp_path / "lines.png").shape[:2]
    blank = np.asarray(Image.new("RGB", (w, h), "white"))
    flat = np.asarray(Image.new("RGB", (w, h), (31, 119, 180)))
    assert len(fill_colours(blank, d["frame"])) != 7
    assert len(fill_colours(flat, d["frame"])) != 7
    t = plot_regions(TENT2, [(0, 1)], tmp_path / "tent.png")
    assert line_height(blank, t, "1/16") is None
    assert line_height(flat, t, "1/16") != pytest.approx(float(tent2(Fraction(1, 16))), abs=0.02)


def test_plot_2d_max3_coloured_by_piece(tmp_path):
    # max(0, x1, x2): 5 regions, 3 pieces on [-1, 1]^2 (see tests/test_cli.py for the derivation);
    # the pieces 0, x1 and x2 are three colours, read at (-1/2, -1/2), (1/2, -1/2), (-1/2, 1/2)
    net = Network.load(ROOT / "examples" / "max3.json")
    out = tmp_path / "max3.png"
    d = plot_regions(net, [(-1, 1), (-1, 1)], out, colour_by="piece")
    assert (d["regions"], d["pieces"]) == (5, 3)
    img = read(out)
    assert len(fill_colours(img, d["frame"])) == 3
    points = [("-1/2", "-1/2"), ("1/2", "-1/2"), ("-1/2", "1/2")]
    assert len({colour_at(img, d, x, y) for x, y in points}) == 3
    # by hand: the piece 0 is two regions, x2 < x1 < 0 and x1 < x2 < 0 (split by the line x2 = x1);
    # the piece x2 is two regions, x1 < 0 < x2 and 0 < x1 < x2 (split by x1 = 0): one colour each
    assert colour_at(img, d, "-1/2", "-3/4") == colour_at(img, d, "-3/4", "-1/2")
    assert colour_at(img, d, "-1/2", "1/2") == colour_at(img, d, "1/4", "1/2")


# ---------------------------------------------------------------------- 1-D: the graph follows f
def test_plot_1d_line_follows_the_tent_map(tmp_path):
    out = tmp_path / "tent.png"
    d = plot_regions(TENT2, [(0, 1)], out)
    assert (d["regions"], d["pieces"]) == (4, 4)
    img = read(out)
    (y0, y1) = d["limits"][1]
    px = (y1 - y0) / (d["frame"][3] - d["frame"][1])  # one pixel in data units
    for x in ["1/16", "3/16", "5/16", "7/16", "9/16", "11/16", "13/16", "15/16"]:
        got = line_height(img, d, x)
        assert got is not None, x
        assert got == pytest.approx(float(tent2(Fraction(x))), abs=3 * px), x


def test_plot_refuses_3d(tmp_path):
    net = Network.from_layers([([[1, 1, 1]], [0]), ([[1]], [0])])
    with pytest.raises(InputError):
        plot_regions(net, None, tmp_path / "x.png")


def test_plot_cli(cli, tmp_path):
    out = tmp_path / "p.png"
    r = cli("plot", str(ROOT / "examples" / "max3.json"), "--box", "-2", "2", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert out.read_bytes()[:8] == PNG and "5 activation regions, 3 linear pieces" in r.stdout
    net3 = tmp_path / "n3.json"
    net3.write_text(json.dumps(Network.from_layers([([[1, 1, 1]], [0]), ([[1]], [0])]).to_dict()))
    r = cli("plot", str(net3), "-o", str(tmp_path / "y.png"))
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("suffix, magic", [(".svg", b"<?xml"), (".pdf", b"%PDF")])
def test_plot_other_formats(tmp_path, suffix, magic):
    out = tmp_path / f"tent{suffix}"
    plot_regions(TENT2, [(0, 1)], out)
    assert out.read_bytes()[: len(magic)] == magic


# ---------------------------------------------------------------------- region counts from pixels
# Five lines in general position (no two parallel, no three through a point; checked by hand on
# their 10 crossings (0,0), (0,1), (0,1/2), (0,-1), (1,0), (-1/2,0), (1/2,0), (1/4,3/4), (2/3,1/3),
# (3/2,2), all inside [-3, 3]^2): Zaslavsky gives 1 + 5 + C(5, 2) = 16 regions of R^2, and each meets
# the box, since each has a crossing in its closure.
LINES5 = Network.from_layers(
    [([[1, 0], [0, 1], [1, 1], [1, -1], [2, -1]], [0, 0, -1, "1/2", -1]), ([[1, 1, 1, 1, 1]], [0])]
)


def interior_colours(img: np.ndarray, frame, least: int = 9) -> set[tuple[int, int, int]]:
    """Colours (not white, grey, black or the mark's pure red) of at least ``least`` pixels whose
    3 x 3 neighbourhood is that one colour: region fills, not the blends along edges and text."""
    left, top, right, bottom = (round(v) for v in frame)
    a = img[top + 2 : bottom - 2, left + 2 : right - 2, :3].astype(np.int32)
    code = (a[..., 0] << 16) | (a[..., 1] << 8) | a[..., 2]
    c = code[1:-1, 1:-1]
    same = np.ones_like(c, dtype=bool)
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            same &= code[1 + dy : code.shape[0] - 1 + dy, 1 + dx : code.shape[1] - 1 + dx] == c
    values, counts = np.unique(c[same], return_counts=True)
    out = set()
    for v, k in zip(values, counts):
        rgb = (int(v) >> 16, (int(v) >> 8) & 255, int(v) & 255)
        if k >= least and not (rgb[0] == rgb[1] == rgb[2]) and rgb != (255, 0, 0):
            out.add(rgb)
    return out


def red_centre(img: np.ndarray) -> tuple[float, float] | None:
    """(column, row) of the centre of the pure red pixels (the mark), None if there are none."""
    rows, cols = np.nonzero((img[..., 0] > 200) & (img[..., 1] < 60) & (img[..., 2] < 60))
    return (cols.mean(), rows.mean()) if len(rows) else None


def test_the_fill_colours_count_the_regions(tmp_path):
    out = tmp_path / "lines5.png"
    d = plot_regions(LINES5, [(-3, 3), (-3, 3)], out)
    assert d["regions"] == 16 and d["pieces"] == 16  # gradients: sums of distinct subsets of normals
    img = read(out)
    assert len(interior_colours(img, d["frame"])) == 16
    h, w = img.shape[:2]
    for blank in (np.full((h, w, 3), 255, np.uint8), np.full((h, w, 3), (31, 119, 180), np.uint8)):
        assert len(interior_colours(blank, d["frame"])) != 16  # the same check fails on an empty image


def test_colours_come_from_the_activation_pattern(tmp_path):
    # the region around (1/4, 1/4) (pattern: x1 > 0, x2 > 0, x1 + x2 < 1) keeps its colour when the box,
    # and so the order in which regions are found, changes; and from one process to another
    a = plot_regions(LINES3, [(-2, 2), (-2, 2)], tmp_path / "a.png")
    b = plot_regions(LINES3, [("-1/8", 1), (0, "7/8")], tmp_path / "b.png")
    assert colour_at(read(tmp_path / "a.png"), a, "1/4", "1/4") == colour_at(
        read(tmp_path / "b.png"), b, "1/4", "1/4"
    )
    net = tmp_path / "lines3.json"
    LINES3.save(net)
    for seed in ("1", "2"):
        r = subprocess.run(
            [
                sys.executable,
                "-m",
                "exactpwl",
                "plot",
                str(net),
                "--box",
                "-2",
                "2",
                "-o",
                str(tmp_path / f"{seed}.png"),
            ],
            cwd=ROOT,
            capture_output=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        assert r.returncode == 0, r.stderr
    assert np.array_equal(read(tmp_path / "1.png"), read(tmp_path / "2.png"))


# ---------------------------------------------------------------------- marks and targets
def test_the_mark_is_drawn_at_its_coordinates(tmp_path):
    for x, y in [("1/2", "-1/4"), ("-3/2", "5/4")]:
        out = tmp_path / "m.png"
        d = plot_regions(LINES3, [(-2, 2), (-2, 2)], out, mark=[x, y])
        got = red_centre(read(out))
        assert got is not None and np.hypot(*np.subtract(got, pixel(d, x, y))) <= 1.5
    blank = np.full(read(out).shape, 255, np.uint8)
    assert red_centre(blank) is None


def test_a_target_is_overlaid_and_its_counterexample_marked(tmp_path):
    # LINES3 is relu(x1) + relu(x2) + relu(x1 + x2 - 1); the target adds relu(x1 - 1)/4, so they agree
    # exactly where x1 <= 1 (hatched) and differ where x1 > 1, where the counterexample must lie
    target = "relu(x1) + relu(x2) + relu(x1 + x2 - 1) + relu(x1 - 1)/4"
    out = tmp_path / "t.png"
    d = plot_regions(LINES3, [(-2, 2), (-2, 2)], out, target=target)
    assert d["holds"] is False
    cx = d["counterexample"]
    x1, x2 = cx["x"]
    relu = lambda v: max(v, 0)  # noqa: E731
    by_hand_net = relu(x1) + relu(x2) + relu(x1 + x2 - 1)
    assert x1 > 1 and cx["network"] == (by_hand_net,) and cx["target"] == (by_hand_net + (x1 - 1) / 4,)
    img = read(out)
    centre = red_centre(img)
    assert centre is not None and np.hypot(*np.subtract(centre, pixel(d, x1, x2))) <= 1.5

    def dark(x, y) -> int:  # hatch (or edge) pixels in a 15 x 15 square around the point
        c, r = pixel(d, x, y)
        return int((img[r - 7 : r + 8, c - 7 : c + 8, :3].astype(int).sum(axis=2) < 150).sum())

    assert all(dark(x, y) > 10 for x, y in [("-1", "-1"), ("1/2", "-3/2"), ("-1", "3/2"), ("1/2", "1/4")])
    assert all(dark(x, y) == 0 for x, y in [("3/2", "-1"), ("3/2", "1")])
    same = plot_regions(
        LINES3, [(-2, 2), (-2, 2)], tmp_path / "s.png", target="relu(x1) + relu(x2) + relu(x1 + x2 - 1)"
    )
    assert same["holds"] is True and red_centre(read(tmp_path / "s.png")) is None


def test_1d_target_is_dashed_where_it_is(tmp_path):
    # the tent map against 1/2: they meet at x = 1/8, 3/8, 5/8, 7/8; the dashed target is at height 1/2
    out = tmp_path / "t.png"
    d = plot_regions(TENT2, [(0, 1)], out, target="1/2")
    assert d["holds"] is False
    x = d["counterexample"]["x"][0]
    assert d["counterexample"]["network"] == (tent2(x),) and d["counterexample"]["target"] == (
        Fraction(1, 2),
    )
    img = read(out)
    y0, y1 = d["limits"][1]
    px = (y1 - y0) / (d["frame"][3] - d["frame"][1])  # one pixel in data units
    for x in ["1/16", "7/16", "13/16"]:  # away from the breakpoints 1/4, 1/2, 3/4 (black dots)
        col, _ = pixel(d, x)
        band = img[:, col - 6 : col + 7, :3].astype(int).sum(axis=2)  # a dash is within 13 columns
        rows = np.nonzero((band < 150).any(axis=1))[0]  # the black dashed line
        heights = [y0 + (d["frame"][3] - r) * px for r in rows if d["frame"][1] < r < d["frame"][3]]
        assert heights and min(abs(h - 0.5) for h in heights) <= 3 * px, x


# ---------------------------------------------------------------------- slices, SVG
def test_a_slice_is_the_picture_of_the_restricted_network(tmp_path):
    # relu(x1) + relu(x2) + relu(x3 - 1/2) on x = (s, t, s): by hand relu(s) + relu(t) + relu(s - 1/2),
    # whose lines s = 0, s = 1/2, t = 0 cut [-1, 1]^2 into 3 x 2 = 6 regions
    from exactpwl.slices import plane

    net3 = Network.from_layers([([[1, 0, 0], [0, 1, 0], [0, 0, 1]], [0, 0, "-1/2"]), ([[1, 1, 1]], [0])])
    net2 = Network.from_layers([([[1, 0], [0, 1], [1, 0]], [0, 0, "-1/2"]), ([[1, 1, 1]], [0])])
    P = plane([0, 0, 0], [[1, 0, 1], [0, 1, 0]], 3)
    a = plot_regions(net3, [(-1, 1), (-1, 1)], tmp_path / "slice.png", plane=P, mark=["3/4", "-1/2", "3/4"])
    b = plot_regions(net2, [(-1, 1), (-1, 1)], tmp_path / "direct.png", mark=["3/4", "-1/2"])
    assert a["regions"] == b["regions"] == 6
    ia, ib = read(tmp_path / "slice.png"), read(tmp_path / "direct.png")
    assert len(interior_colours(ia, a["frame"])) == 6
    for s, t in [
        ("-1/2", "-1/2"),
        ("1/4", "-1/2"),
        ("3/4", "-1/2"),
        ("-1/2", "1/2"),
        ("1/4", "1/2"),
        ("3/4", "1/2"),
    ]:
        assert colour_at(ia, a, s, t) == colour_at(ib, b, s, t)  # same neurons, same patterns, same colours
    assert np.hypot(*np.subtract(red_centre(ia), pixel(a, "3/4", "-1/2"))) <= 1.5
    with pytest.raises(InputError, match="not on the plane"):
        plot_regions(net3, None, tmp_path / "x.png", plane=P, mark=[1, 0, 0])
    with pytest.raises(InputError, match="not linearly independent"):
        plane([0, 0, 0], [[1, 0, 1], [2, 0, 2]], 3)


def test_svg_fills_count_the_regions(tmp_path):
    out = tmp_path / "lines5.svg"
    d = plot_regions(LINES5, [(-3, 3), (-3, 3)], out)
    text = out.read_text()
    fills = set(re.findall(r'style="fill: (#[0-9a-f]{6}); stroke: #000000', text))
    assert len(fills) == d["regions"] == 16


def test_plot_cli_with_target_and_slice(cli, tmp_path):
    net3 = tmp_path / "n3.json"
    Network.from_layers([([[1, 0, 0], [0, 1, 0], [0, 0, 1]], [0, 0, "-1/2"]), ([[1, 1, 1]], [0])]).save(net3)
    args = [
        "plot",
        str(net3),
        "--point",
        "0",
        "0",
        "1",
        "--direction",
        "1",
        "0",
        "0",
        "--direction",
        "0",
        "1",
        "0",
    ]
    # on x3 = 1 the network is relu(s) + relu(t) + 1/2: 4 regions in the box; against relu(x1) + relu(x2)
    # it is refuted everywhere, by 1/2
    r = cli(*args, "--expr", "relu(x1) + relu(x2)", "-o", str(tmp_path / "s.svg"))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert "4 activation regions" in lines[0] and lines[1].startswith("refuted")
    x = [Fraction(v) for v in lines[2].split("=")[1].strip(" ()").split(", ")]
    net_value, target_value = (Fraction(line.split(":")[1]) for line in lines[4:6])
    assert x[2] == 1 and net_value - target_value == Fraction(1, 2)
    r = cli(*args[:6], "-o", str(tmp_path / "x.png"))  # a point without directions
    assert r.returncode == 2 and "--direction" in r.stderr
    r = cli("plot", str(net3), "--point", "0", "0", "--direction", "1", "0", "-o", str(tmp_path / "x.png"))
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1


def test_readme_picture_is_what_its_command_draws(cli, tmp_path):
    readme = (ROOT / "README.md").read_text()
    line = next(ln for ln in readme.splitlines() if ln.startswith("exactpwl plot "))
    args = shlex.split(line)[1:]
    committed = ROOT / args[args.index("-o") + 1]
    args[args.index("-o") + 1] = str(tmp_path / "again.png")
    r = cli(*args)
    assert r.returncode == 0, r.stderr
    # max3 against max(0, x1, x2 - 1/8): they differ exactly where x2 > max(0, x1); the point found
    # there, with both exact values (by hand: max(0, x1, x2) and max(0, x1, x2 - 1/8))
    assert "5 activation regions, 3 linear pieces" in r.stdout
    x1, x2 = (Fraction(v) for v in re.search(r"x      = \((.*), (.*)\)", r.stdout).groups())
    assert x2 > max(0, x1) and f"the counterexample ({x1}, {x2}) is marked" in readme
    assert (
        f"network: {max(0, x1, x2)}" in r.stdout and f"target:  {max(0, x1, x2 - Fraction(1, 8))}" in r.stdout
    )
    assert committed.read_bytes()[:8] == PNG and committed.stat().st_size < 100_000
    d = plot_regions(Network.load(ROOT / "examples" / "max3.json"), None, tmp_path / "x.png")
    again, shown = read(tmp_path / "again.png"), read(committed)
    assert shown.shape == again.shape and len(interior_colours(shown, d["frame"])) == 5
