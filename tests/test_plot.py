"""Pictures: what is drawn is what was derived by hand, read back from the PNG's pixels.

The 2-D picture colours each linear piece; its number of fill colours is checked against
Zaslavsky's count and the colour at hand-picked points of each region.  The 1-D picture's line
is read column by column and compared with the function computed by hand.  A blank or
one-colour image fails the same checks (tested on purpose).
"""

from __future__ import annotations

import json
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


# ---------------------------------------------------------------------- 2-D: one colour per piece
def test_plot_2d_colours_the_seven_pieces(tmp_path):
    out = tmp_path / "lines.png"
    d = plot_regions(LINES3, [(-2, 2), (-2, 2)], out)
    assert (d["regions"], d["pieces"]) == (7, 7)
    img = read(out)
    assert out.read_bytes()[:8] == PNG
    colours = fill_colours(img, d["frame"])
    assert len(colours) == 7
    seen = [colour_at(img, d, x, y) for x, y in LINES3_POINTS]
    assert set(seen) == colours  # each region shows its own piece's colour, and no other


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


def test_plot_2d_max3(tmp_path):
    # max(0, x1, x2): 5 regions, 3 pieces on [-1, 1]^2 (see tests/test_cli.py for the derivation);
    # the pieces 0, x1 and x2 are three colours, read at (-1/2, -1/2), (1/2, -1/2), (-1/2, 1/2)
    net = Network.load(ROOT / "examples" / "max3.json")
    out = tmp_path / "max3.png"
    d = plot_regions(net, [(-1, 1), (-1, 1)], out)
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
