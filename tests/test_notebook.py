"""Notebooks: PNG reprs of region graphs and verdicts, and examples/tour.ipynb run top to bottom."""

from __future__ import annotations

import io

from conftest import ROOT, need

from exactpwl import Network, certify, regions

PNG = b"\x89PNG\r\n\x1a\n"
MAX3 = ROOT / "examples" / "max3.json"


def _red_pixels(data: bytes) -> int:
    import matplotlib.image

    img = matplotlib.image.imread(io.BytesIO(data))
    r, g, b = img[..., 0], img[..., 1], img[..., 2]
    return int(((r > 0.85) & (g < 0.15) & (b < 0.15)).sum())


def test_region_graph_and_verdict_reprs():
    need("matplotlib")
    net = Network.load(MAX3)
    for g in (regions(net), regions(net, {"box": [[-1, 1], [-1, 1]]})):  # R^2 is drawn clipped
        assert g._repr_png_().startswith(PNG)
    absnet = Network.from_layers([([[1], [-1]], [0, 0]), ([[1, 1]], [0])])
    assert regions(absnet)._repr_png_().startswith(PNG)  # 1-D: a graph
    holds = certify(net, "max(0, x1, x2)", {"box": [[-1, 1], [-1, 1]]})
    refuted = certify(net, "max(0, x1, x2 - 1/8)", {"box": [[-1, 1], [-1, 1]]})
    assert holds.holds and refuted.holds is False
    # the counterexample is marked in red; nothing else is drawn red
    assert _red_pixels(refuted._repr_png_()) > 20 and _red_pixels(holds._repr_png_()) == 0
    one_d = certify(absnet, "abs(x1) + relu(x1 - 1/2)/4", {"box": [[-1, 1]]})
    assert one_d.holds is False and _red_pixels(one_d._repr_png_()) > 20
    net3 = Network.from_layers([([[1, 1, 1]], [0]), ([[1]], [0])])
    assert regions(net3, {"box": [[0, 1]] * 3})._repr_png_() is None  # 3 inputs: no picture


def test_tour_notebook_runs_top_to_bottom(monkeypatch):
    nbformat, nbclient = need("nbformat"), need("nbclient")
    for module in ("ipykernel", "torch", "onnx", "onnxscript", "matplotlib"):
        need(module)
    nb = nbformat.read(ROOT / "examples" / "tour.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    # committed without outputs: CI runs it, so only the code is kept, and it is kept true
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # the kernel imports this checkout
    nbclient.NotebookClient(nb, timeout=600, kernel_name="python3").execute(cwd=str(ROOT / "examples"))
    text = "".join(o.get("text", "") for c in code for o in c.outputs if o.output_type == "stream")
    assert "error" not in [o.output_type for c in code for o in c.outputs]
    assert "the ONNX file computes the same function: True" in text
    assert "holds: False" in text and "x       = (" in text
    assert "stderr" not in [o.get("name") for c in code for o in c.outputs]  # no warnings shown
    pngs = [o for c in code for o in c.outputs if "image/png" in o.get("data", {})]
    assert len(pngs) == 2  # the region map and the verdict with its counterexample
