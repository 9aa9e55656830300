"""Pictures: files are written, the counts drawn are the exact ones, bad requests are refused."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT

from exactpwl import InputError, Network
from exactpwl.plot import plot_regions

PNG = b"\x89PNG\r\n\x1a\n"
# Telgarsky's tent map composed twice: 2^2 = 4 linear pieces (and 4 regions) on [0, 1]
TENT2 = Network.from_layers([([[1], [1]], [0, "-1/2"]), ([[2, -4], [2, -4]], [0, "-1/2"]), ([[2, -4]], [0])])


def test_plot_1d(tmp_path):
    out = tmp_path / "tent.png"
    d = plot_regions(TENT2, [(0, 1)], out)
    assert (d["regions"], d["pieces"]) == (4, 4)
    assert out.read_bytes()[:8] == PNG


def test_plot_2d(tmp_path):
    # max(0, x1, x2): 5 regions, 3 pieces on [-1, 1]^2 (see tests/test_cli.py for the derivation)
    net = Network.load(ROOT / "examples" / "max3.json")
    out = tmp_path / "max3.png"
    d = plot_regions(net, [(-1, 1), (-1, 1)], out)
    assert (d["regions"], d["pieces"]) == (5, 3)
    assert out.read_bytes()[:8] == PNG


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
