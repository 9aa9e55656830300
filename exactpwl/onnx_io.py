"""ONNX in and out: graphs of Gemm, MatMul + Add, Relu, Flatten, Identity and Reshape as exact networks.

``from_onnx`` interprets the graph exactly, node by node.  Every tensor that depends on the
input is an affine function of the current *basis* (the graph input, then the outputs of the
last ``Relu``), kept as a matrix with one row per tensor entry (C order) and one column per
basis entry plus the constant; linear nodes transform those rows exactly and ``Relu`` closes a
layer.  A symbolic (batch) dimension is taken as 1, so the network's input is the graph input
flattened.  Weights are read at their exact binary values unless ``rationalize=`` says otherwise
(``float_io``).  ``to_onnx`` writes a network back for float replay.  Needs the ``onnx`` extra.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from flint import fmpq, fmpq_mat

from .errors import InputError
from .float_io import WeightReader, plain_layers
from .network import Network

__all__ = ["from_onnx", "to_onnx"]

SUPPORTED = "Gemm, MatMul, Add, Relu, Flatten, Identity, Reshape, Dropout, Constant"
ZERO = fmpq(0)


@dataclass(frozen=True)
class _Affine:
    """A tensor ``M [basis; 1]``: ``M`` has one row per entry; None means the basis itself."""

    shape: tuple[int, ...]
    M: np.ndarray | None
    basis: int

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    def rows(self) -> np.ndarray:
        if self.M is not None:
            return self.M
        n = self.size
        M = np.full((n, n + 1), ZERO, dtype=object)
        M[np.arange(n), np.arange(n)] = fmpq(1)
        return M


def _onnx() -> Any:
    try:
        import onnx
    except ImportError:
        raise InputError("onnx: the onnx package is not installed (pip install 'exactpwl[onnx]')") from None
    return onnx


def _product(C: np.ndarray, M: np.ndarray) -> np.ndarray:
    """``C @ M`` for object arrays of fmpq, through one ``fmpq_mat`` product."""
    a, b = C.shape
    c = M.shape[1]
    P = fmpq_mat(a, b, list(C.ravel())) * fmpq_mat(b, c, list(M.ravel()))
    return np.array(P.entries(), dtype=object).reshape(a, c)


class _Reader:
    """The interpreter: tensors by name, the layers closed so far, the current basis."""

    def __init__(self, model: Any, where: str, rationalize: Any):
        self.where = where
        self.weights = WeightReader(rationalize)
        self.values: dict[str, Any] = {}  # name -> _Affine or an object array of fmpq (a constant)
        self.layers: list[tuple[Any, Any, str]] = []
        self.basis = 0
        self.model = model

    def fail(self, node: Any, msg: str) -> InputError:
        name = f" '{node.name}'" if node.name else ""
        return InputError(f"{self.where}: node{name} ({node.op_type}): {msg}")

    # ------------------------------------------------------------------ reading the graph
    def run(self) -> Network:
        from onnx import numpy_helper

        g = self.model.graph
        for init in g.initializer:
            self.values[init.name] = self.weights.array(
                numpy_helper.to_array(init), f"initializer '{init.name}'"
            )
        inputs = [i for i in g.input if i.name not in self.values]
        if len(inputs) != 1:
            names = ", ".join(i.name for i in inputs) or "none"
            raise InputError(
                f"{self.where}: the graph has {len(inputs)} inputs ({names}); exactpwl reads one"
            )
        dims = []
        for d in inputs[0].type.tensor_type.shape.dim:
            if d.HasField("dim_value") and d.dim_value < 1:
                raise InputError(f"{self.where}: input '{inputs[0].name}' has a dimension {d.dim_value}")
            dims.append(d.dim_value if d.HasField("dim_value") else 1)  # symbolic (batch): 1
        self.values[inputs[0].name] = _Affine(tuple(dims), None, 0)
        self.input_dim = math.prod(dims)
        for node in g.node:
            if node.domain not in ("", "ai.onnx"):
                raise self.fail(
                    node, f"ops of domain '{node.domain}' are not supported (supported: {SUPPORTED})"
                )
            op = getattr(self, f"_op_{node.op_type}", None)
            if op is None:
                raise self.fail(node, f"is not supported (supported: {SUPPORTED})")
            args = [self.value(node, name) if name else None for name in node.input]
            attrs = {a.name: _attribute(a) for a in node.attribute}
            self.values[node.output[0]] = op(node, args, attrs)
        if len(g.output) != 1:
            raise InputError(f"{self.where}: the graph has {len(g.output)} outputs; exactpwl reads one")
        out = self.values.get(g.output[0].name)
        if not isinstance(out, _Affine):
            raise InputError(f"{self.where}: the output '{g.output[0].name}' does not depend on the input")
        self.check_basis(None, out)
        if out.M is not None or not self.layers:
            M = out.rows()
            self.layers.append((M[:, :-1].tolist(), list(M[:, -1]), "linear"))
        pairs = [(W, b) for W, b, _ in self.layers]
        return self.weights.finish(Network.from_layers(pairs, [a for *_, a in self.layers]), self.where)

    def value(self, node: Any, name: str) -> Any:
        if name not in self.values:
            raise self.fail(node, f"reads '{name}', which no earlier node computes")
        v = self.values[name]
        if isinstance(v, _Affine):
            self.check_basis(node, v)
        return v

    def check_basis(self, node: Any, v: _Affine) -> None:
        if v.basis != self.basis:
            msg = "uses a value from before a later Relu (a skip connection); exactpwl reads chains"
            raise self.fail(node, msg) if node is not None else InputError(f"{self.where}: the output {msg}")

    def const(self, node: Any, v: Any, what: str) -> np.ndarray:
        if isinstance(v, _Affine):
            raise self.fail(
                node, f"{what} depends on the input (a product of inputs is not piecewise linear)"
            )
        return v

    # ------------------------------------------------------------------ exact tensor algebra
    def matmul_right(self, node: Any, A: _Affine, B: np.ndarray) -> _Affine:
        """``A @ B`` for a constant matrix (or vector) ``B``; leading dimensions of A are rows."""
        q = A.shape[-1] if A.shape else 0
        if B.ndim not in (1, 2) or not A.shape or B.shape[0] != q:
            raise self.fail(node, f"shapes {list(A.shape)} and {list(B.shape)} cannot be multiplied")
        B2 = B.reshape(q, -1)
        r = B2.shape[1]
        P = A.size // q
        if A.M is None:
            M = np.full((P * r, A.size + 1), ZERO, dtype=object)
            for i in range(P):
                M[i * r : (i + 1) * r, i * q : (i + 1) * q] = B2.T
        else:
            M = np.concatenate([_product(B2.T, A.M[i * q : (i + 1) * q]) for i in range(P)])
        return _Affine(A.shape[:-1] + ((r,) if B.ndim == 2 else ()), M, A.basis)

    def transpose(self, node: Any, A: _Affine) -> _Affine:
        if len(A.shape) != 2:
            raise self.fail(node, f"transposes a tensor of shape {list(A.shape)} (expected a matrix)")
        p, q = A.shape
        return _Affine((q, p), A.rows()[np.arange(p * q).reshape(p, q).T.ravel()], A.basis)

    def matmul(self, node: Any, X: Any, Y: Any) -> Any:
        if not isinstance(X, _Affine) and not isinstance(Y, _Affine):
            return np.matmul(X, Y)
        if isinstance(X, _Affine):
            return self.matmul_right(node, X, self.const(node, Y, "the second factor"))
        C = self.const(node, X, "the first factor")
        if C.ndim not in (1, 2) or len(Y.shape) not in (1, 2):
            raise self.fail(node, f"shapes {list(C.shape)} and {list(Y.shape)} are not supported")
        # C Y = (Y^T C^T)^T
        Y2 = Y if len(Y.shape) == 2 else _Affine(Y.shape + (1,), Y.M, Y.basis)
        C2 = C if C.ndim == 2 else C.reshape(1, -1)
        out = self.transpose(node, self.matmul_right(node, self.transpose(node, Y2), C2.T))
        shape = tuple(d for d, keep in zip(out.shape, (C.ndim == 2, len(Y.shape) == 2)) if keep)
        return _Affine(shape, out.M, out.basis)

    def add(self, node: Any, X: Any, Y: Any) -> Any:
        if not isinstance(X, _Affine) and not isinstance(Y, _Affine):
            return X + Y
        try:
            shape = np.broadcast_shapes(X.shape, Y.shape)
        except ValueError:
            raise self.fail(node, f"shapes {list(X.shape)} and {list(Y.shape)} do not broadcast") from None

        def rows(T: Any) -> np.ndarray:
            if isinstance(T, _Affine):
                idx = np.broadcast_to(np.arange(T.size).reshape(T.shape), shape).ravel()
                return T.rows()[idx]
            M = np.full((math.prod(shape), 1), ZERO, dtype=object)
            M[:, 0] = np.broadcast_to(T, shape).ravel()
            return M

        MX, MY = rows(X), rows(Y)
        if MX.shape[1] < MY.shape[1]:
            MX, MY = MY, MX
        MX = MX.copy()
        if MY.shape[1] == 1:
            MX[:, -1] = MX[:, -1] + MY[:, 0]
        else:
            MX = MX + MY
        return _Affine(tuple(shape), MX, self.basis)

    def reshape(self, node: Any, X: Any, shape: tuple[int, ...]) -> Any:
        if isinstance(X, _Affine):
            return _Affine(shape, X.M, X.basis)
        return X.reshape(shape)

    # ------------------------------------------------------------------ the ops
    def _op_Gemm(self, node: Any, args: list, attrs: dict) -> _Affine:
        """``alpha A' B' + beta C`` with ``A' = A^T`` if ``transA`` (and so for B)."""
        A, B = (
            self.matrix_arg(node, T, attrs.get(t, 0)) for T, t in ((args[0], "transA"), (args[1], "transB"))
        )
        out = self.matmul(node, A, B)
        alpha = self.weights.scalar(attrs.get("alpha", 1.0), f"node '{node.name}' alpha")
        if alpha != 1:
            out = self.scale(out, alpha)
        C = args[2] if len(args) > 2 else None
        if C is not None:
            beta = self.weights.scalar(attrs.get("beta", 1.0), f"node '{node.name}' beta")
            out = self.add(node, out, self.scale(C, beta) if beta != 1 else C)
        return out

    def matrix_arg(self, node: Any, T: Any, transposed: int) -> Any:
        if len(T.shape) != 2:
            raise self.fail(node, f"input of shape {list(T.shape)} (Gemm multiplies matrices)")
        if not transposed:
            return T
        return self.transpose(node, T) if isinstance(T, _Affine) else T.T

    @staticmethod
    def scale(T: Any, c: fmpq) -> Any:
        return _Affine(T.shape, T.rows() * c, T.basis) if isinstance(T, _Affine) else T * c

    def _op_MatMul(self, node: Any, args: list, attrs: dict) -> _Affine:
        return self.matmul(node, args[0], args[1])

    def _op_Add(self, node: Any, args: list, attrs: dict) -> Any:
        return self.add(node, args[0], args[1])

    def _op_Relu(self, node: Any, args: list, attrs: dict) -> Any:
        X = args[0]
        if not isinstance(X, _Affine):
            return np.array([v if v > 0 else ZERO for v in X.ravel()], dtype=object).reshape(X.shape)
        if X.M is None and X.basis > 0:
            return X  # the basis is the output of a Relu, and relu(relu(z)) = relu(z)
        M = X.rows()
        self.layers.append((M[:, :-1].tolist(), list(M[:, -1]), "relu"))
        self.basis += 1
        return _Affine(X.shape, None, self.basis)

    def _op_Identity(self, node: Any, args: list, attrs: dict) -> Any:
        return args[0]

    def _op_Dropout(self, node: Any, args: list, attrs: dict) -> Any:
        training = args[2] if len(args) > 2 else None
        if training is not None and (isinstance(training, _Affine) or any(v != 0 for v in training.ravel())):
            raise self.fail(node, "is in training mode, where it is random")
        if len(node.output) > 1 and node.output[1]:
            raise self.fail(node, "its mask output is not supported")
        return args[0]

    def _op_Flatten(self, node: Any, args: list, attrs: dict) -> Any:
        X = args[0]
        axis, r = attrs.get("axis", 1), len(X.shape)
        if not -r <= axis <= r:
            raise self.fail(node, f"axis {axis} is out of range for shape {list(X.shape)}")
        if axis < 0:
            axis += r
        return self.reshape(node, X, (math.prod(X.shape[:axis]), math.prod(X.shape[axis:])))

    def _op_Reshape(self, node: Any, args: list, attrs: dict) -> Any:
        X = args[0]
        if len(args) > 1:
            spec = [int(v) for v in self.const(node, args[1], "the shape").ravel()]
        else:
            spec = list(attrs.get("shape", []))
        size = math.prod(X.shape)
        shape = [X.shape[k] if d == 0 and not attrs.get("allowzero", 0) else d for k, d in enumerate(spec)]
        known = math.prod(d for d in shape if d != -1)
        if shape.count(-1) == 1 and known > 0 and size % known == 0:
            shape[shape.index(-1)] = size // known
        if any(d < 0 for d in shape) or math.prod(shape) != size:
            raise self.fail(node, f"cannot reshape {list(X.shape)} to {spec}")
        return self.reshape(node, X, tuple(shape))

    def _op_Constant(self, node: Any, args: list, attrs: dict) -> np.ndarray:
        for key in ("value", "value_float", "value_floats", "value_int", "value_ints"):
            if key in attrs:
                return self.weights.array(np.asarray(attrs[key]), f"node '{node.name}' {key}")
        raise self.fail(node, "only tensor, float and int constants are supported")


def _attribute(a: Any) -> Any:
    from onnx import helper, numpy_helper

    v = helper.get_attribute_value(a)
    if hasattr(v, "dims") and hasattr(v, "data_type"):  # a TensorProto
        return numpy_helper.to_array(v)
    return v


def from_onnx(model: Any, *, rationalize: Any = None) -> Network:
    """The exact network of an ONNX model (a path, bytes or an ``onnx.ModelProto``).

    Reads graphs of ``Gemm`` (any ``transA``, ``transB``, ``alpha``, ``beta``), ``MatMul``,
    ``Add``, ``Relu``, ``Flatten``, ``Identity``, ``Reshape``, ``Dropout`` (inference) and
    ``Constant``, with one input and one output.  Float weights are read at their exact binary
    values; ``rationalize`` as in ``Network.from_torch`` (``net.rationalization`` reports the
    largest change).  An unsupported op is an ``InputError`` naming it.
    """
    onnx = _onnx()
    where = str(model) if isinstance(model, (str, Path)) else "ONNX model"
    try:
        if isinstance(model, (str, Path)):
            Path(model).open("rb").close()
            model = onnx.load(str(model))  # with its external data, from the same folder
        elif isinstance(model, bytes):
            model = onnx.load_from_string(model)
    except OSError as e:
        raise InputError(f"{where}: cannot read ({e.strerror})") from None
    except Exception as e:  # protobuf's DecodeError, a missing external data file, ...
        reason = " ".join(str(e).split()) or type(e).__name__
        raise InputError(f"{where}: not an ONNX model ({reason})") from None
    if not isinstance(model, onnx.ModelProto):
        raise InputError(f"{where}: expected a path, bytes or onnx.ModelProto, got {type(model).__name__}")
    return _Reader(model, where, rationalize).run()


def to_onnx(net: Network, path: str | Path | None = None, *, dtype: str = "float64") -> Any:
    """An ONNX model (``Gemm`` and ``Relu`` nodes) computing ``net`` in floating point.

    Float replay is approximate: weights are rounded to ``dtype`` (``"float64"``, the default,
    or ``"float32"``); dyadic weights that fit it are kept exactly, so ``from_onnx(to_onnx(net))``
    is ``net`` again.  The input ``x`` has shape ``[N, input_dim]``, the output ``y``
    ``[N, output_dim]``.  Written to ``path`` when given; returned either way.
    """
    onnx = _onnx()
    from onnx import TensorProto, helper, numpy_helper

    from . import __version__

    types = {"float64": (np.float64, TensorProto.DOUBLE), "float32": (np.float32, TensorProto.FLOAT)}
    if dtype not in types:
        raise InputError(f"to_onnx: dtype must be 'float64' or 'float32', not {dtype!r}")
    np_type, elem = types[dtype]
    nodes, inits, cur = [], [], "x"
    for k, (W, b, relu) in enumerate(plain_layers(net), 1):
        inits.append(numpy_helper.from_array(np.array([[float(v) for v in r] for r in W], np_type), f"W{k}"))
        inits.append(numpy_helper.from_array(np.array([float(v) for v in b], np_type), f"b{k}"))
        nodes.append(helper.make_node("Gemm", [cur, f"W{k}", f"b{k}"], [f"z{k}"], name=f"layer{k}", transB=1))
        cur = f"z{k}"
        if relu:
            nodes.append(helper.make_node("Relu", [cur], [f"h{k}"], name=f"relu{k}"))
            cur = f"h{k}"
    nodes[-1].output[0] = "y"
    graph = helper.make_graph(
        nodes,
        "exactpwl",
        [helper.make_tensor_value_info("x", elem, ["N", net.input_dim])],
        [helper.make_tensor_value_info("y", elem, ["N", net.output_dim])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="exactpwl")
    model.producer_version = __version__
    model.ir_version = 7  # readable by runtimes from 2020 on
    onnx.checker.check_model(model)
    if path is not None:
        try:
            onnx.save(model, str(path))
        except OSError as e:
            raise InputError(f"{path}: cannot write ({e.strerror})") from None
    return model
