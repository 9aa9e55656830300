"""``Network``: a feed-forward network with ReLU or linear layers, evaluated exactly.

Weights and biases are python-flint ``fmpq`` matrices.  Evaluation is batched through
``fmpq_mat`` products (about 20x faster than loops over ``Fraction``).  An *activation
pattern* is a tuple with one 0/1 entry per ReLU unit, layer after layer; a unit is active
(1) when its pre-activation is > 0.  For a fixed pattern the network is one affine map.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from flint import fmpq_mat

from .errors import InputError
from .numbers import format_number, load_json_file, primitive_int_row, to_fmpq, to_fraction

__all__ = ["Layer", "Network"]

ACTIVATIONS = ("relu", "linear")
FORMAT = "exactpwl.network"


@dataclass(frozen=True)
class Layer:
    """One affine layer ``act(W h + b)``; ``weights`` is units x inputs, ``biases`` units x 1.

    ``activation`` is ``"relu"``, ``"linear"``, or a tuple with one of them per unit (a mixed
    layer: linear units carry a value past a ReLU layer, as compiled targets need).
    """

    weights: fmpq_mat
    biases: fmpq_mat
    activation: str | tuple[str, ...]

    @property
    def units(self) -> int:
        return self.weights.nrows()

    @property
    def relu(self) -> tuple[bool, ...]:
        """Which units are ReLUs."""
        if isinstance(self.activation, str):
            return (self.activation == "relu",) * self.units
        return tuple(a == "relu" for a in self.activation)


def _matrix(rows: Any, where: str, ncols: int | None) -> fmpq_mat:
    if not isinstance(rows, (list, tuple)) or not rows:
        raise InputError(f"{where}: expected a non-empty list of rows")
    out = []
    for j, row in enumerate(rows):
        if not isinstance(row, (list, tuple)):
            raise InputError(f"{where}, row {j + 1}: expected a list of numbers")
        if ncols is not None and len(row) != ncols:
            raise InputError(f"{where}, row {j + 1}: has {len(row)} entries, expected {ncols}")
        if ncols is None:
            ncols = len(row)
        if ncols == 0:
            raise InputError(f"{where}, row {j + 1}: is empty")
        out.append([to_fmpq(v, f"{where}, row {j + 1}, entry {k + 1}") for k, v in enumerate(row)])
    return fmpq_mat(out)


def _activation(act: Any, units: int, where: str) -> str | tuple[str, ...]:
    if isinstance(act, str) and act in ACTIVATIONS:
        return act
    if isinstance(act, (list, tuple)):
        if len(act) != units:
            raise InputError(f"{where}: {len(act)} activations listed for {units} units")
        for j, a in enumerate(act):
            if a not in ACTIVATIONS:
                raise InputError(
                    f"{where}, unit {j + 1}: activation {a!r} is not one of {', '.join(ACTIVATIONS)}"
                )
        if len(set(act)) == 1:
            return act[0]
        return tuple(act)
    raise InputError(f"{where}: activation {act!r} is not one of {', '.join(ACTIVATIONS)}")


def _as_rows(m: Any) -> Any:
    """Accept nested lists, fmpq_mat, numpy arrays or sympy matrices as a list of rows."""
    if isinstance(m, fmpq_mat):
        return m.tolist()
    if hasattr(m, "tolist"):
        return m.tolist()
    return m


class Network:
    """A ReLU network ``x -> L_k(... relu(L_1 x) ...)`` over the rationals.

    >>> net = Network.from_layers([([[1], [-1]], [0, 0]), ([[1, 1]], [0])])   # |x|
    >>> net([-3])
    [Fraction(3, 1)]
    >>> net.pattern([-3])
    (0, 1)
    """

    rationalization = None  # what ``rationalize=`` changed when read from PyTorch or ONNX (float_io)

    def __init__(
        self, layers: Sequence[Layer], input_dim: int, description: str | None = None, names: Any = None
    ):
        self.layers = tuple(layers)
        self.input_dim = input_dim
        self.description = description
        self.names = names  # optional, kept as given and written back by save()
        # (layer index, unit index) of every ReLU unit, in pattern order
        self.neurons = tuple((i, j) for i, L in enumerate(self.layers) for j, r in enumerate(L.relu) if r)
        self._masks = [L.relu for L in self.layers]
        # block of each layer inside a pattern
        self._offsets = []
        k = 0
        for L in self.layers:
            self._offsets.append(k)
            k += sum(L.relu)
        # [W | b] of every layer, applied to a column (h, 1); built once, in time linear in its size
        self._with_bias = []
        for L in self.layers:
            W, u = L.weights.entries(), L.weights.ncols()
            flat = []
            for j in range(L.units):
                flat += W[j * u : (j + 1) * u]
                flat.append(L.biases[j, 0])
            self._with_bias.append(fmpq_mat(L.units, u + 1, flat))
        self._prefix_rows: dict[tuple, tuple] = {}  # pattern_rows' cache, per layer and prefix
        self._weights = [L.weights.entries() for L in self.layers]
        self._bias_cols = [
            fmpq_mat(
                L.units,
                self.input_dim + 1,
                [b for j in range(L.units) for b in [0] * self.input_dim + [L.biases[j, 0]]],
            )
            for L in self.layers
        ]

    # ----------------------------------------------------------------- construction, I/O
    @classmethod
    def from_layers(
        cls,
        layers: Iterable[tuple[Any, Any]],
        activations: Sequence[str] | None = None,
        description: str | None = None,
    ) -> Network:
        """Build from ``[(W1, b1), (W2, b2), ...]``; default activations: relu, ..., relu, linear.

        An activation is ``"relu"``, ``"linear"`` or a list with one of them per unit.

        ``W`` is a list of rows (one per unit); entries may be ints, ``"p/q"`` strings, decimals,
        Fractions, fmpq, sympy Rationals, or floats (taken at their exact binary value).
        """
        layers = list(layers)
        if not layers:
            raise InputError("network: needs at least one layer")
        if activations is None:
            activations = ["relu"] * (len(layers) - 1) + ["linear"]
        if len(activations) != len(layers):
            raise InputError(f"network: {len(activations)} activations given for {len(layers)} layers")
        built = []
        width = None
        for i, ((W, b), act) in enumerate(zip(layers, activations)):
            where = f"layer {i + 1}"
            Wm = _matrix(_as_rows(W), f"{where} weights", width)
            act = _activation(act, Wm.nrows(), where)
            b = _as_rows(b)
            if not isinstance(b, (list, tuple)):
                raise InputError(f"{where} biases: expected a list of numbers")
            b = [v[0] if isinstance(v, (list, tuple)) and len(v) == 1 else v for v in b]
            if len(b) != Wm.nrows():
                raise InputError(
                    f"{where} biases: has {len(b)} entries, expected {Wm.nrows()} (one per row of weights)"
                )
            bm = fmpq_mat(len(b), 1, [to_fmpq(v, f"{where} biases, entry {k + 1}") for k, v in enumerate(b)])
            if width is None:
                input_dim = Wm.ncols()
            width = Wm.nrows()
            built.append(Layer(Wm, bm, act))
        return cls(built, input_dim, description)

    @classmethod
    def from_dict(cls, data: Any, where: str = "network") -> Network:
        """Read the ``exactpwl.network`` version 1 format (see FORMATS.md)."""
        if not isinstance(data, dict):
            raise InputError(f"{where}: expected a JSON object")
        allowed = {"format", "version", "input_dim", "layers", "names", "description"}
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise InputError(f"{where}: unknown key {unknown[0]!r}")
        if data.get("format") != FORMAT:
            raise InputError(f"{where}: 'format' must be {FORMAT!r}")
        if type(data.get("version")) is not int or data.get("version") != 1:
            raise InputError(f"{where}: unsupported 'version' {data.get('version')!r} (expected 1)")
        n = data.get("input_dim")
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise InputError(f"{where}: 'input_dim' must be a positive integer")
        layers = data.get("layers")
        if not isinstance(layers, list) or not layers:
            raise InputError(f"{where}: 'layers' must be a non-empty list")
        pairs, acts = [], []
        for i, L in enumerate(layers):
            lw = f"{where}, layer {i + 1}"
            if not isinstance(L, dict):
                raise InputError(f"{lw}: expected an object with weights, biases, activation")
            extra = sorted(set(L) - {"weights", "biases", "activation"})
            if extra:
                raise InputError(f"{lw}: unknown key {extra[0]!r}")
            for key in ("weights", "biases", "activation"):
                if key not in L:
                    raise InputError(f"{lw}: missing {key!r}")
            pairs.append((L["weights"], L["biases"]))
            acts.append(L["activation"])
        first = layers[0]["weights"]
        if isinstance(first, list) and first and isinstance(first[0], list) and len(first[0]) != n:
            raise InputError(
                f"{where}, layer 1 weights, row 1: has {len(first[0])} entries, expected input_dim = {n}"
            )
        desc = data.get("description")
        if desc is not None and not isinstance(desc, str):
            raise InputError(f"{where}: 'description' must be a string")
        try:
            net = cls.from_layers(pairs, acts, desc)
        except InputError as e:
            raise InputError(f"{where}, {e}") from None
        net.names = data.get("names")
        return net

    @classmethod
    def load(cls, path: str | Path) -> Network:
        """Load a network file: ``exactpwl.network`` JSON, or ONNX if the name ends in ``.onnx``."""
        if str(path).lower().endswith(".onnx"):
            return cls.from_onnx(path)
        return cls.from_dict(load_json_file(path), str(path))

    @classmethod
    def from_torch(cls, module: Any, *, rationalize: Any = None) -> Network:
        """From a PyTorch ``nn.Sequential`` of Linear / ReLU (weights exact; see ``torch_io``)."""
        from .torch_io import from_torch

        return from_torch(module, rationalize=rationalize)

    @classmethod
    def from_onnx(cls, model: Any, *, rationalize: Any = None) -> Network:
        """From an ONNX file, bytes or ModelProto of Gemm / MatMul / Add / Relu (see ``onnx_io``)."""
        from .onnx_io import from_onnx

        return from_onnx(model, rationalize=rationalize)

    def to_torch(self, dtype: Any = None) -> Any:
        """A PyTorch ``nn.Sequential`` for float replay (approximate; see ``torch_io.to_torch``)."""
        from .torch_io import to_torch

        return to_torch(self, dtype)

    def to_onnx(self, path: str | Path | None = None, *, dtype: str = "float64") -> Any:
        """An ONNX model for float replay, written to ``path`` if given (see ``onnx_io.to_onnx``)."""
        from .onnx_io import to_onnx

        return to_onnx(self, path, dtype=dtype)

    def to_dict(self) -> dict:
        """The ``exactpwl.network`` version 1 JSON object, numbers as exact strings."""
        d: dict[str, Any] = {"format": FORMAT, "version": 1, "input_dim": self.input_dim}
        if self.description:
            d["description"] = self.description
        if self.names is not None:
            d["names"] = self.names
        d["layers"] = [
            {
                "weights": [[format_number(v) for v in row] for row in L.weights.tolist()],
                "biases": [format_number(L.biases[j, 0]) for j in range(L.units)],
                "activation": L.activation if isinstance(L.activation, str) else list(L.activation),
            }
            for L in self.layers
        ]
        return d

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=1) + "\n")

    def permuted_inputs(self, image: Sequence[int]) -> Network:
        """The network ``x -> self(y)`` with ``y_i = x_{image[i]}`` (0-based): the first layer's
        column i moves to column ``image[i]``; nothing else changes."""
        n = self.input_dim
        if sorted(image) != list(range(n)):
            raise InputError(f"permutation: {list(image)} is not a permutation of 0..{n - 1}")
        L = self.layers[0]
        W = L.weights.tolist()
        moved = [[row[image.index(k)] for k in range(n)] for row in W]
        first = Layer(fmpq_mat(moved) if moved else L.weights, L.biases, L.activation)
        return Network([first, *self.layers[1:]], n, self.description, self.names)

    # ----------------------------------------------------------------- shape
    @property
    def output_dim(self) -> int:
        return self.layers[-1].units

    @property
    def num_neurons(self) -> int:
        """Number of ReLU units (the length of an activation pattern)."""
        return len(self.neurons)

    @property
    def architecture(self) -> str:
        return "-".join(str(w) for w in [self.input_dim] + [L.units for L in self.layers])

    def __repr__(self) -> str:
        return f"Network({self.architecture})"

    def _repr_latex_(self) -> str:
        """Jupyter typesets it (``exactpwl.latex``; imported only when asked)."""
        from .latex import notebook

        return notebook(self)

    def _point_matrix(self, points: Sequence[Sequence[Any]]) -> fmpq_mat:
        cols = []
        for k, x in enumerate(points):
            if not isinstance(x, Sequence) or isinstance(x, str):
                raise InputError(f"point {k + 1}: expected a list of {self.input_dim} numbers")
            if len(x) != self.input_dim:
                raise InputError(f"point {k + 1}: has {len(x)} coordinates, expected {self.input_dim}")
            cols.append([to_fmpq(v, f"point {k + 1}, coordinate {i + 1}") for i, v in enumerate(x)])
        flat = [cols[k][i] for i in range(self.input_dim) for k in range(len(cols))]
        return fmpq_mat(self.input_dim, len(cols), flat)

    # ----------------------------------------------------------------- evaluation
    def evaluate(self, points: Sequence[Sequence[Any]]) -> list[list[Fraction]]:
        """Exact outputs at many points at once (one ``fmpq_mat`` product per layer)."""
        if not points:
            return []
        X = self._point_matrix(points)
        m = X.ncols()
        for L in self.layers:
            bias = fmpq_mat(L.units, m, [L.biases[j, 0] for j in range(L.units) for _ in range(m)])
            X = L.weights * X + bias
            mask = L.relu
            if any(mask):
                X = fmpq_mat(
                    L.units, m, [v if v > 0 or not mask[i // m] else 0 for i, v in enumerate(X.entries())]
                )
        return [[to_fraction(X[i, k]) for i in range(X.nrows())] for k in range(m)]

    def __call__(self, x: Sequence[Any]) -> list[Fraction]:
        """Exact output at one point, as ``Fraction``s."""
        return self.evaluate([x])[0]

    def pattern(self, x: Sequence[Any]) -> tuple[int, ...]:
        """Activation pattern at ``x``: 1 where a ReLU's pre-activation is > 0, else 0."""
        return self.pattern_near(x, [])

    def pattern_near(self, x: Sequence[Any], directions: Sequence[Sequence[Any]]) -> tuple[int, ...]:
        """Pattern at ``x + e d1 + e^2 d2 + ...`` for all small enough ``e > 0``.

        Each pre-activation is compared lexicographically: its value at ``x``, then its
        derivative along ``d1`` (with the earlier layers already on their new side), and so on.
        With ``directions`` spanning R^n this always names a full-dimensional region; with the
        outward normal of a facet it names the region across that facet.

        Directions are used only while some unit is still tied (zero on every one so far): the
        first four, then twice as many each round, so the cost stays about that of a few
        evaluations unless many directions are needed.
        """
        used = min(4, len(directions))
        while True:
            X = self._point_matrix([x, *directions[:used]])
            m = X.ncols()
            X = fmpq_mat(X.nrows() + 1, m, X.entries() + [1] + [0] * (m - 1))
            bits, tied = self._lex_bits((self._with_bias[0] * X).entries(), m)
            if not tied or used == len(directions):
                return bits
            used = min(len(directions), 2 * used)

    def pattern_perturbed(self, x: Sequence[Any]) -> tuple[int, ...]:
        """Pattern at ``x + e e_1 + e^2 e_2 + ... + e^n e_n``: a full-dimensional region at ``x``.

        Along the axes the derivatives of the first layer are its weights, so the lexicographic
        comparison costs one pass over the affine maps (as ``layer_maps``), not n evaluations.
        """
        X = self._point_matrix([x])
        n = self.input_dim
        L = self.layers[0]
        value = (L.weights * X + L.biases).entries()
        W = L.weights.entries()
        Z = []
        for j in range(L.units):
            Z.append(value[j])
            Z += W[j * n : (j + 1) * n]
        return self._lex_bits(Z, n + 1)[0]

    def _lex_bits(self, Z: list, m: int) -> tuple[tuple[int, ...], bool]:
        """The pattern from the first layer's pre-activations and their derivatives (rows of Z,
        m entries each, compared left to right), and whether a unit stayed tied (all zero)."""
        ones = [1] + [0] * (m - 1)  # the row that multiplies the bias column
        bits: list[int] = []
        tied = False
        last = len(self.layers) - 1
        for layer, (L, mask) in enumerate(zip(self.layers, self._masks)):
            u = L.units
            if any(mask):
                keep = [1] * u  # linear units keep their value
                for j in range(u):
                    if mask[j]:
                        keep[j] = 0
                        for v in Z[j * m : (j + 1) * m]:
                            if v:
                                if v > 0:
                                    keep[j] = 1
                                break
                        else:
                            tied = True
                        bits.append(keep[j])
                Z = [v if keep[k // m] else 0 for k, v in enumerate(Z)]
            if layer < last:
                Z = (self._with_bias[layer + 1] * fmpq_mat(u + 1, m, Z + ones)).entries()
        return tuple(bits), tied

    # ----------------------------------------------------------------- affine maps of a pattern
    def layer_maps(self, pattern: Sequence[int]) -> tuple[list[fmpq_mat], fmpq_mat]:
        """Affine maps ``[A | c]`` (x -> A x + c) of every ReLU layer's pre-activations, and of the output.

        Returns ``(pre, out)``: ``pre[l]`` has one row per ReLU unit of the l-th layer with ReLUs
        (in pattern order); ``out`` is outputs x (n+1).  Valid on the closure of the region of
        ``pattern``.
        """
        if len(pattern) != self.num_neurons:
            raise InputError(f"pattern: has {len(pattern)} entries, expected {self.num_neurons}")
        n = self.input_dim
        w = n + 1
        pre = []
        M = None  # the identity: layer 1's map is its own [W | b]
        for L, Wb, off, mask in zip(self.layers, self._with_bias, self._offsets, self._masks):
            if M is None:
                ent = Wb.entries()
            else:
                ent = (L.weights * M).entries()
                for j in range(L.units):
                    ent[j * w + n] += L.biases[j, 0]
            if all(mask):
                pre.append(Wb if M is None else fmpq_mat(L.units, w, ent))
                on = [bool(pattern[off + j]) for j in range(L.units)]
            elif any(mask):
                units = [j for j in range(L.units) if mask[j]]
                pre.append(fmpq_mat(len(units), w, [ent[j * w + k] for j in units for k in range(w)]))
                on = [True] * L.units
                for t, j in enumerate(units):
                    on[j] = bool(pattern[off + t])
            else:
                on = [True] * L.units
            if all(on):
                M = fmpq_mat(L.units, w, ent)
            else:
                zero = [0] * w
                flat = []
                for j in range(L.units):
                    flat += ent[j * w : (j + 1) * w] if on[j] else zero
                M = fmpq_mat(L.units, w, flat)
        return pre, M

    def pattern_rows(self, pattern: Sequence[int]) -> tuple[list[tuple[tuple[int, ...], int]], fmpq_mat]:
        """Every ReLU unit's row ``a.x <= b`` of the pattern's region (primitive integers: ``z >= 0``
        for an active unit, ``z <= 0`` for an inactive one), in pattern order, and the output map
        ``[A | c]`` (outputs x (n+1)), as ``layer_maps`` gives them.

        A layer's pre-activations depend only on the states of the earlier layers, so they and
        their rows (both orientations) are kept per prefix of the pattern: a walk meets the same
        prefix again and again (neighbours differ in a few units, mostly of the last layers).
        """
        if len(pattern) != self.num_neurons:
            raise InputError(f"pattern: has {len(pattern)} entries, expected {self.num_neurons}")
        pattern = tuple(pattern)
        last = len(self.layers) - 1
        rows: list[tuple[tuple[int, ...], int]] = []
        pre = None
        for depth in range(last + 1):
            off = self._offsets[depth]
            key = (depth, pattern[:off])
            entry = self._prefix_rows.get(key) if depth < last else None  # the last: one per pattern
            if entry is None:
                pre = self._with_bias[0] if depth == 0 else self._next_pre(depth, pre, pattern)
                entry = (pre, self._unit_rows(pre, self._masks[depth]))
                if depth < last:
                    if len(self._prefix_rows) >= 512:  # bounded: a walk far from its start moves on
                        self._prefix_rows.clear()
                    self._prefix_rows[key] = entry
            pre, pairs = entry
            rows += [pair[b] for pair, b in zip(pairs, pattern[off : off + len(pairs)])]
        if any(self._masks[last]):  # a ReLU output layer: its inactive units output 0
            w = pre.ncols()
            on = self._states(last, pattern)
            pre = fmpq_mat(pre.nrows(), w, [v if on[k // w] else 0 for k, v in enumerate(pre.entries())])
        return rows, pre

    def _states(self, depth: int, pattern: tuple) -> list[bool]:
        """Which units of a layer pass their value on (linear units, and active ReLUs)."""
        bits = iter(pattern[self._offsets[depth] :])
        return [not relu or bool(next(bits)) for relu in self._masks[depth]]

    def _next_pre(self, depth: int, prev: fmpq_mat, pattern: tuple) -> fmpq_mat:
        """Layer ``depth``'s ``[A | c]`` from the previous layer's, its inactive units set to 0."""
        L = self.layers[depth]
        on = self._states(depth - 1, pattern)
        w = prev.ncols()
        if all(on):
            M = L.weights * prev
        elif L.units < w:  # zero the weights' columns of inactive units (the smaller matrix)
            up = len(on)
            M = (
                fmpq_mat(L.units, up, [v if on[k % up] else 0 for k, v in enumerate(self._weights[depth])])
                * prev
            )
        else:  # zero the inactive units' rows
            M = L.weights * fmpq_mat(
                prev.nrows(), w, [v if on[k // w] else 0 for k, v in enumerate(prev.entries())]
            )
        return M + self._bias_cols[depth]

    def _unit_rows(self, pre: fmpq_mat, mask: Sequence[bool]) -> list[tuple]:
        return unit_rows(pre, mask, self.input_dim)

    def affine_map(self, pattern: Sequence[int]) -> tuple[fmpq_mat, fmpq_mat]:
        """The exact ``(W, c)`` with ``net(x) = W x + c`` on the region of ``pattern``."""
        _, M = self.layer_maps(pattern)
        n = self.input_dim
        W = fmpq_mat(M.nrows(), n, [M[i, k] for i in range(M.nrows()) for k in range(n)])
        c = fmpq_mat(M.nrows(), 1, [M[i, n] for i in range(M.nrows())])
        return W, c


def unit_rows(pre: fmpq_mat, mask: Sequence[bool], n: int) -> list[tuple]:
    """For each ReLU unit of a layer whose pre-activations are the rows ``[a | c]`` of ``pre``
    (affine in x, n inputs): (its row when inactive, its row when active), primitive integers."""
    w = pre.ncols()
    N, _ = pre.numer_denom()  # one positive denominator: the rows' half-spaces are N's
    ints = [int(v) for v in N.entries()]
    out = []
    for j, relu in enumerate(mask):
        if relu:
            a, c = ints[j * w : j * w + n], ints[j * w + n]
            out.append((primitive_int_row(a, -c), primitive_int_row([-v for v in a], c)))
    return out
