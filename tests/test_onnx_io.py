"""ONNX in and out: hand-built graphs read by the ONNX semantics, certified against expressions
derived by hand; float replay; named errors and exit code 2 on the command line."""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest
from conftest import need, run_cli

from exactpwl import InputError, Network, certify

onnx = need("onnx")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

F = TensorProto.FLOAT


def graph(nodes, inputs, output_shape, inits, opset=17) -> bytes:
    g = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info(n, F, s) for n, s in inputs],
        [helper.make_tensor_value_info("y", F, output_shape)],
        [
            numpy_helper.from_array(np.asarray(v, dtype=np.int64 if k in ("s", "shape") else np.float32), k)
            for k, v in inits.items()
        ],
    )
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    onnx.checker.check_model(model)
    return model.SerializeToString()


def gemm_transposed() -> bytes:
    """y = relu(2 x^T W + b/2) v + 1/4, with x a column [2, 1] (so transA=1), Add(const, z)."""
    return graph(
        [
            helper.make_node("Gemm", ["x", "W", "b"], ["z"], transA=1, alpha=2.0, beta=0.5),
            helper.make_node("Relu", ["z"], ["h"]),
            helper.make_node("MatMul", ["h", "v"], ["u"]),
            helper.make_node("Add", ["c", "u"], ["y"]),
        ],
        [("x", [2, 1])],
        [1, 1],
        {"W": [[0.5, -0.5, 0], [0, 0, 0.5]], "b": [0, 0, -1], "v": [[1], [1], [1]], "c": [0.25]},
    )


def data_on_the_right() -> bytes:
    """Flatten [1, 1, 2] -> Gemm(W, x, transB=1) gives a column; Add a column bias; Relu; Dropout;
    Reshape to a vector; MatMul(h, v).  y = relu(x1) - relu(x2) + 2 relu(x1 + x2 - 1)."""
    return graph(
        [
            helper.make_node("Flatten", ["x"], ["f"], axis=1),
            helper.make_node("Identity", ["f"], ["g"]),
            helper.make_node("Gemm", ["W", "g"], ["z0"], transB=1),
            helper.make_node("Add", ["z0", "b"], ["z"]),
            helper.make_node("Relu", ["z"], ["h0"]),
            helper.make_node("Dropout", ["h0"], ["h1"]),
            helper.make_node("Reshape", ["h1", "shape"], ["h"]),
            helper.make_node("MatMul", ["h", "v"], ["y"]),
        ],
        [("x", [1, 1, 2])],
        [1],
        {"W": [[1, 0], [0, 1], [1, 1]], "b": [[0], [0], [-1]], "shape": [-1], "v": [[1], [-1], [2]]},
    )


@pytest.mark.parametrize(
    "model, expr",
    [
        # units by hand: 2*(x1/2) = x1, 2*(-x1/2) = -x1, 2*(x2/2) + (-1)/2 = x2 - 1/2
        (gemm_transposed, "abs(x1) + relu(x2 - 1/2) + 1/4"),
        (data_on_the_right, "relu(x1) - relu(x2) + 2*relu(x1 + x2 - 1)"),
    ],
)
def test_graphs_read_by_the_onnx_semantics(model, expr):
    net = Network.from_onnx(model())
    assert net.input_dim == 2 and net.output_dim == 1
    v = certify(net, expr)
    assert v.holds, v.counterexample
    # and a target that differs by 1/64 somewhere is refuted
    assert certify(net, expr + " + relu(x1 - 3/4)/64").holds is False


def test_the_reference_runtime_agrees_at_dyadic_points():
    from onnx.reference import ReferenceEvaluator

    data = data_on_the_right()
    net = Network.from_onnx(data)
    run = ReferenceEvaluator(onnx.load_from_string(data))
    for x in [(0.5, 0.25), (-1.0, 2.0), (0.75, 0.75), (3.0, -0.5)]:
        (y,) = run.run(None, {"x": np.array([[x]], dtype=np.float32)})
        assert Fraction(float(y[0])) == net(x)[0]


def test_to_onnx_round_trip_and_replay(tmp_path):
    from onnx.reference import ReferenceEvaluator

    net = Network.from_layers(
        [([[1, "-1/2"], ["3/4", 0], [0, 1]], [0, "1/3", -1]), ([[1, 1, 2], [0, -1, "1/8"]], [0, 5])]
    )
    path = tmp_path / "net.onnx"
    model = net.to_onnx(path)
    onnx.checker.check_model(model)
    assert model.graph.initializer[0].data_type == TensorProto.DOUBLE
    # 1/3 is not a float64: the file holds the nearest double, read back exactly as that double
    back = Network.load(path)
    assert Fraction(str(back.layers[0].biases[1, 0])) == Fraction(1 / 3)
    assert certify(back, net).holds is False
    x = [Fraction(1, 2), Fraction(-3, 4)]
    (y,) = ReferenceEvaluator(model).run(None, {"x": np.array([[float(v) for v in x]])})
    # replay rounds (the sums with the double nearest 1/3 need more than 53 bits): close, not equal
    assert all(abs(Fraction(float(a)) - b) < Fraction(1, 2**48) for a, b in zip(y[0], back(x)))
    # dyadic weights round-trip exactly, in float32 too, and replay exactly at dyadic points: weights
    # are multiples of 1/8 below 2 and inputs multiples of 1/4 below 4, so every partial sum is a
    # multiple of 2^-8 below 2^8, which float32 (24 bits) holds
    dyadic = Network.from_layers([([[1, "-1/2"], ["3/4", 0]], ["1/8", -1]), ([[1, -2]], [0])])
    for dtype in ("float64", "float32"):
        model = dyadic.to_onnx(dtype=dtype)
        assert certify(Network.from_onnx(model), dyadic).holds
        run = ReferenceEvaluator(model)
        for x in [(Fraction(1, 4), Fraction(-3, 2)), (Fraction(-15, 4), Fraction(7, 4))]:
            (y,) = run.run(None, {"x": np.array([[float(v) for v in x]], dtype=dtype)})
            assert Fraction(float(y[0, 0])) == dyadic(x)[0]
    mixed = Network.from_layers(
        [([[1, 0], [0, 1]], [0, 0]), ([[1, 1]], [0])], activations=[["relu", "linear"], "linear"]
    )
    assert certify(Network.from_onnx(mixed.to_onnx()), "relu(x1) + x2").holds


def test_rationalize_applies_to_onnx_weights():
    data = graph(
        [helper.make_node("Gemm", ["x", "W", "b"], ["y"], transB=1)],
        [("x", ["N", 2])],
        ["N", 1],
        {"W": [[0.1, 0.3]], "b": [0.75]},
    )
    net = Network.from_onnx(data, rationalize=10)
    assert certify(net, "x1/10 + 3*x2/10 + 3/4").holds
    # float32(0.3) = 5033165/2^24: |5033165*10 - 3*2^24| / (10*2^24) = 2 / 167772160 (as for torch)
    assert net.rationalization.max_change == Fraction(1, 83886080)
    assert net.rationalization.where == "initializer 'W' [1, 2]"


@pytest.mark.parametrize(
    "nodes, inits, named",
    [
        (
            [helper.make_node("Sigmoid", ["x"], ["y"], name="act")],
            {},
            "node 'act' (Sigmoid): is not supported",
        ),
        (
            [helper.make_node("Relu", ["x"], ["h"]), helper.make_node("Add", ["h", "x"], ["y"])],
            {},
            "(Add): uses a value from before a later Relu",
        ),
        (
            [helper.make_node("MatMul", ["x", "x"], ["y"])],
            {},
            "(MatMul): the second factor depends on the input",
        ),
        (
            [helper.make_node("Reshape", ["x", "s"], ["y"])],
            {"s": [3]},
            "(Reshape): cannot reshape [1, 2] to [3]",
        ),
    ],
)
def test_unsupported_graphs_are_named(nodes, inits, named):
    data = graph(nodes, [("x", [1, 2])], ["N"], inits)
    with pytest.raises(
        InputError,
        match=named.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[").replace("]", r"\]"),
    ):
        Network.from_onnx(data)


def test_cli_regions_and_certify_on_onnx(tmp_path):
    path = tmp_path / "model.onnx"
    path.write_bytes(gemm_transposed())
    # abs(x1) + relu(x2 - 1/2) + 1/4 on [-1, 1]^2: the lines x1 = 0 (two coincident units) and
    # x2 = 1/2 cut the box into 4 regions, with 4 different maps (+-x1 + 1/4, +-x1 + x2 - 1/4)
    r = run_cli("regions", str(path), "--box", "-1", "1", "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert (d["regions"], d["pieces"], d["bounded"]) == (4, 4, 4)
    r = run_cli("certify", str(path), "--expr", "abs(x1) + relu(x2 - 1/2) + 1/4")
    assert r.returncode == 0 and r.stdout.startswith("holds"), r.stderr
    r = run_cli("certify", str(path), "--expr", "abs(x1) + relu(x2 - 1/2)")
    assert r.returncode == 1 and r.stdout.startswith("refuted")
    other = tmp_path / "other.onnx"
    Network.load(path).to_onnx(other)
    r = run_cli("certify", str(path), str(other))
    assert r.returncode == 0, r.stderr


def test_cli_bad_onnx_is_exit_2_naming_the_op(tmp_path):
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(
        graph(
            [helper.make_node("Conv", ["x", "k"], ["y"], name="conv1")],
            [("x", [1, 1, 2])],
            ["N"],
            {"k": [[[1.0]]]},
        )
    )
    r = run_cli("regions", str(bad))
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and "'conv1' (Conv): is not supported" in r.stderr
    junk = tmp_path / "junk.onnx"
    junk.write_bytes(b"not a protobuf \xff\xff")
    r = run_cli("certify", str(junk), "--expr", "x1")
    assert r.returncode == 2 and "not an ONNX model" in r.stderr and r.stderr.count("\n") == 1
    r = run_cli("eval", str(tmp_path / "missing.onnx"), "1")
    assert r.returncode == 2 and "cannot read" in r.stderr
