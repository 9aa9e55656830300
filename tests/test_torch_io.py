"""PyTorch in and out: exact weights, the same function as the JSON network and the ONNX export,
exact float replay where float arithmetic is exact, named errors, and rationalization by hand."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
import warnings
from fractions import Fraction

import pytest
from conftest import ROOT, need, run_cli

from exactpwl import InputError, Network, certify

torch = need("torch")
nn = torch.nn

# Weights k/8 with |k| <= 16 (so |w| <= 2), chosen by hand; biases likewise.
W1 = [[3, -8], [-5, 2], [8, 8], [-1, -16]]
B1 = [1, 0, -4, 2]
W2 = [[2, -3, 1, 4], [-6, 5, 0, 1], [1, 1, -2, -3]]
B2 = [0, -1, 3]
W3 = [[4, -2, 7]]
B3 = [-2]


def eighths(m):
    return (
        [[Fraction(k, 8) for k in row] for row in m]
        if isinstance(m[0], list)
        else [Fraction(k, 8) for k in m]
    )


def dyadic_model(dtype=torch.float32) -> nn.Module:
    """2-4-3-1 as nested Sequentials with Flatten, Identity and Dropout, in eval mode."""
    lin = []
    for W, b in ((W1, B1), (W2, B2), (W3, B3)):
        L = nn.Linear(len(W[0]), len(W), dtype=dtype)
        with torch.no_grad():
            L.weight.copy_(torch.tensor(W, dtype=dtype) / 8)
            L.bias.copy_(torch.tensor(b, dtype=dtype) / 8)
        lin.append(L)
    body = nn.Sequential(lin[1], nn.ReLU(), nn.Dropout(0.5), nn.Identity())
    return nn.Sequential(nn.Flatten(), lin[0], nn.ReLU(), body, lin[2]).eval()


def json_network() -> Network:
    """The same network written by hand in the exactpwl.network format, weights as "k/8"."""
    layers = [
        {"weights": [[f"{k}/8" for k in r] for r in W], "biases": [f"{k}/8" for k in b], "activation": act}
        for W, b, act in ((W1, B1, "relu"), (W2, B2, "relu"), (W3, B3, "linear"))
    ]
    return Network.from_dict({"format": "exactpwl.network", "version": 1, "input_dim": 2, "layers": layers})


def export_onnx(model, path, dynamo: bool, shape=(1, 2)) -> None:
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the TorchScript exporter is deprecated, and says so
        torch.onnx.export(model, (torch.zeros(*shape),), str(path), dynamo=dynamo)
    model.eval()  # an export may leave the model in training mode


def test_weights_are_the_exact_dyadic_values():
    net = Network.from_torch(dyadic_model())
    ref = json_network()
    assert net.architecture == "2-4-3-1"
    assert net.to_dict()["layers"] == ref.to_dict()["layers"]
    assert net.layers[0].weights[0, 1] == -1  # -8/8, read exactly
    assert net.rationalization is None and "PyTorch" in net.description


@pytest.mark.parametrize("dynamo", [True, False], ids=["dynamo-exporter", "torchscript-exporter"])
def test_torch_onnx_and_json_are_certified_equal(tmp_path, dynamo):
    need("onnx")
    if dynamo:
        need("onnxscript")
    model = dyadic_model()
    path = tmp_path / "model.onnx"
    export_onnx(model, path, dynamo)
    from_torch, from_onnx, ref = Network.from_torch(model), Network.load(path), json_network()
    for a, b in ((from_torch, from_onnx), (from_onnx, ref), (from_torch, ref)):
        v = certify(a, b)  # on all of R^2
        assert v.holds, v.counterexample
    # the check can fail: one weight changed by 1/1024 is refuted
    layers = ref.to_dict()
    layers["layers"][1]["weights"][2][0] = "129/1024"
    v = certify(from_onnx, Network.from_dict(layers))
    assert v.holds is False and from_onnx(v.counterexample.x) != Network.from_dict(layers)(v.counterexample.x)


def test_exact_outputs_equal_the_float_forward_pass():
    # Why float32 is exact here: inputs are multiples of 1/4 with |x| <= 2, weights and biases
    # multiples of 1/8 with |w| <= 2.  Layer 1 values are multiples of 2^-5 with |z| <= 2*2*2+2 = 10
    # (at most 10*2^5 < 2^24 in units of 2^-5); layer 2: multiples of 2^-8 with
    # |z| <= 4*2*10+2 = 82 (82*2^8 < 2^24); layer 3: multiples of 2^-11 with |z| <= 3*2*82+2 = 494
    # (494*2^11 < 2^24).  Every product and partial sum, in any order, is such a multiple within
    # the bound, so it is a float32 and each IEEE operation returns it exactly.
    model = dyadic_model(torch.float32)
    net = Network.from_torch(model)
    grid = [Fraction(k, 4) for k in range(-8, 9)]
    points = [(a, b) for a in grid for b in grid]
    floats = model(torch.tensor([[float(a), float(b)] for a, b in points])).detach()
    exact = net.evaluate(points)
    assert [Fraction(float(v)) for v in floats[:, 0]] == [y[0] for y in exact]
    assert len({y[0] for y in exact}) > 20  # not a constant function


def test_to_torch_round_trips_and_replays():
    net = json_network()
    back = net.to_torch()
    assert all(p.dtype == torch.float64 for p in back.parameters())
    assert Network.from_torch(back).to_dict()["layers"] == net.to_dict()["layers"]
    x = [Fraction(3, 4), Fraction(-5, 4)]
    assert Fraction(back(torch.tensor([[float(v) for v in x]], dtype=torch.float64)).item()) == net(x)[0]
    # no random initialisation: the caller's random stream is untouched
    torch.manual_seed(7)
    a = torch.rand(3)
    torch.manual_seed(7)
    net.to_torch(torch.float32)
    assert torch.equal(a, torch.rand(3))


def test_mixed_layers_are_exported_as_plain_relu_layers():
    # relu(x1) + x2 with a layer that has one ReLU unit and one linear unit
    net = Network.from_layers(
        [([[1, 0], [0, 1]], [0, 0]), ([[1, 1]], [0])], activations=[["relu", "linear"], "linear"]
    )
    back = net.to_torch()
    kinds = [type(m).__name__ for m in back]
    assert kinds == ["Linear", "ReLU", "Linear"] and back[0].out_features == 3  # x2 = relu(x2) - relu(-x2)
    again = Network.from_torch(back)
    assert certify(again, "relu(x1) + x2").holds and certify(again, net).holds
    # a mixed last layer gets a linear layer after it
    last = Network.from_layers([([[1, 0], [0, 1]], [0, 0])], activations=[["relu", "linear"]])
    assert certify(Network.from_torch(last.to_torch()), ["relu(x1)", "x2"]).holds


def test_relu_first_and_linear_hidden_layers():
    first = nn.Sequential(nn.ReLU(), nn.Linear(2, 1, bias=False)).eval()
    with torch.no_grad():
        first[1].weight.copy_(torch.tensor([[1.0, -1.0]]))
    assert certify(Network.from_torch(first), "relu(x1) - relu(x2)").holds
    two = nn.Sequential(nn.Linear(1, 1), nn.Linear(1, 1), nn.ReLU(), nn.ReLU()).eval()
    with torch.no_grad():
        for L, (w, b) in zip(two, ((2.0, 1.0), (-1.0, 0.5))):
            L.weight.fill_(w)
            L.bias.fill_(b)
    net = Network.from_torch(two)
    assert [L.activation for L in net.layers] == ["linear", "relu"]
    assert certify(net, "relu(-2*x1 - 1/2)").holds  # -(2 x + 1) + 1/2


@pytest.mark.parametrize(
    "model, named",
    [
        (lambda: nn.Sequential(nn.Linear(2, 3), nn.Tanh()), "layer '1' (Tanh)"),
        (
            lambda: nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.ReLU(), nn.Sigmoid())),
            "layer '1.1' (Sigmoid)",
        ),
        (lambda: nn.Sequential(nn.Linear(2, 3), nn.Dropout(0.5)).train(), "layer '1' (Dropout)"),
        (lambda: nn.Sequential(nn.Linear(2, 3), nn.Linear(4, 1)), "layer '1' (Linear): reads 4"),
        (lambda: nn.Sequential(nn.ReLU(), nn.Flatten()), "no Linear layer"),
    ],
)
def test_unsupported_layers_are_named(model, named):
    with pytest.raises(InputError, match=named.replace("(", r"\(").replace(")", r"\)")):
        Network.from_torch(model())


def test_a_custom_module_is_refused_by_name():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(2, 1)

        def forward(self, x):
            return self.fc(x) ** 2

    with pytest.raises(InputError, match=r"torch model \(Net\): is not supported"):
        Network.from_torch(Net())


def test_nan_weight_is_bad_input():
    m = nn.Sequential(nn.Linear(2, 1)).eval()
    with torch.no_grad():
        m[0].weight[0, 1] = float("nan")
    with pytest.raises(InputError, match=r"layer '0' weight \[1, 2\]: nan"):
        Network.from_torch(m)


def test_rationalize_reports_its_largest_change():
    m = nn.Sequential(nn.Linear(2, 1)).eval()
    with torch.no_grad():
        m[0].weight.copy_(torch.tensor([[0.1, 0.3]]))
        m[0].bias.fill_(0.75)

    # by hand: float32(0.1) = 13421773/2^27 and float32(0.3) = 5033165/2^24 (the nearest float32s);
    # with denominators <= 10 they become 1/10 and 3/10, changes |134217730 - 134217728| / (10 * 2^27)
    # = 1/671088640 and |50331650 - 50331648| / (10 * 2^24) = 1/83886080; 0.75 = 3/4 stays.
    def first_layer(net):
        return [
            Fraction(str(v))
            for v in net.to_dict()["layers"][0]["weights"][0] + net.to_dict()["layers"][0]["biases"]
        ]

    assert first_layer(Network.from_torch(m)) == [
        Fraction(13421773, 2**27),
        Fraction(5033165, 2**24),
        Fraction(3, 4),
    ]
    for rule in (10, "shortest"):
        net = Network.from_torch(m, rationalize=rule)
        assert first_layer(net) == [Fraction(1, 10), Fraction(3, 10), Fraction(3, 4)]
        rep = net.rationalization
        assert rep.max_change == Fraction(1, 83886080) and rep.where == "layer '0' weight [1, 2]"
        assert "largest change 1/83886080" in net.description
    # "shortest" keeps the float32 model: writing it back in float32 gives the same floats
    again = Network.from_torch(m, rationalize="shortest").to_torch(torch.float32)
    assert torch.equal(again[0].weight, m[0].weight) and torch.equal(again[0].bias, m[0].bias)
    with pytest.raises(InputError, match="rationalize"):
        Network.from_torch(m, rationalize=0)


def test_cli_reads_the_onnx_export(tmp_path):
    need("onnx")
    path = tmp_path / "model.onnx"
    export_onnx(dyadic_model(), path, dynamo=False)
    ref = tmp_path / "net.json"
    ref.write_text(json.dumps(json_network().to_dict()))
    r = run_cli("certify", str(path), str(ref), "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["holds"] is True


def test_nothing_imports_torch_or_onnx_until_asked():
    code = (
        "import sys, exactpwl, exactpwl.check\n"
        "from exactpwl.cli import main\n"
        "main(['regions', 'examples/max3.json', '--json'])\n"
        "main(['certify', 'examples/max3.json', '--expr', 'max(0, x1, x2)'])\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'torch', 'onnx', 'onnxscript', 'tqdm'}))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1] == "[]"
