"""CPWL targets (``exactpwl.pwl``) and their compilation to one ReLU program with a network.

A target is given by an expression, 1-D breakpoints, a triangulation, explicit pieces, or a
network.  ``joint_program(net, target)`` builds the single program that the region walk runs:

* expressions, breakpoints and networks *compile* to a network T, and the program outputs
  ``net(x) - T(x)`` (one network, mixed ReLU / linear units, the two branches side by side);
* pieces and triangulations are *looked up*: every facet hyperplane of every piece becomes an
  extra ReLU unit of the first layer (output weight 0), so each region lies in one piece, and
  the program outputs ``net(x)`` to compare with that piece's map.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from flint import fmpq, fmpq_mat, fmpz_mat

from . import expr as _expr
from .errors import InputError
from .network import Network
from .numbers import format_number, load_json_file, primitive_row, to_fmpq, to_fraction

__all__ = ["PWL", "Piece", "Program", "joint_program"]

FORMAT = "exactpwl.pwl"
Row = tuple[tuple[int, ...], int]


@dataclass(frozen=True)
class Piece:
    """``{x : a.x <= b for (a, b) in rows}`` with the affine map ``W x + c`` on it."""

    rows: tuple[Row, ...]
    W: fmpq_mat
    c: fmpq_mat

    def contains(self, x: Sequence[fmpq], strict: bool = False) -> bool:
        for a, b in self.rows:
            s = sum((ai * xi for ai, xi in zip(a, x)), fmpq(0))
            if s > b or (strict and s == b):
                return False
        return True


class PWL:
    """A continuous piecewise-linear target ``R^n -> R^m`` in one of the FORMATS.md forms.

    >>> t = PWL.from_expr("max(0, x1, x2)", 2)
    >>> t([-1, "1/2"])
    [Fraction(1, 2)]
    """

    def __init__(self, kind: str, input_dim: int, output_dim: int, data: dict, **parts: Any):
        self.kind = kind
        self.input_dim = input_dim
        self.output_dim = output_dim
        self.data = data  # the FORMATS.md JSON object (for certificates and saving)
        self.exprs = parts.get("exprs")
        self.network = parts.get("network")
        self.pieces: list[Piece] | None = parts.get("pieces")

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_expr(cls, text: str | Sequence[str], input_dim: int) -> PWL:
        """From ``"max(0, x1, x2)"`` or a list of such texts (one per output)."""
        texts = [text] if isinstance(text, str) else list(text)
        if not texts or not all(isinstance(t, str) for t in texts):
            raise InputError("expr: expected a string or a non-empty list of strings")
        exprs = [
            _expr.parse(t, input_dim, "expr" if len(texts) == 1 else f"expr {i + 1}")
            for i, t in enumerate(texts)
        ]
        data = {
            "format": FORMAT,
            "version": 1,
            "input_dim": input_dim,
            "expr": text if isinstance(text, str) else texts,
        }
        net = _expr.to_network(exprs, input_dim)
        return cls("expr", input_dim, len(exprs), data, exprs=exprs, network=net)

    @classmethod
    def from_breakpoints(cls, points: Sequence[Sequence[Any]]) -> PWL:
        """1-D: points (x, y) with increasing x; linear between them, extended linearly outside."""
        pts = read_breakpoints(points)
        slopes = [(y1 - y0) / (x1 - x0) for (x0, y0), (x1, y1) in zip(pts, pts[1:])]
        # hinge form: f(x) = y0 + s0 (x - x0) + sum_i (s_i - s_{i-1}) relu(x - x_i)
        kinks = [
            (pts[i][0], slopes[i] - slopes[i - 1])
            for i in range(1, len(slopes))
            if slopes[i] != slopes[i - 1]
        ]
        x0, y0 = pts[0]
        if kinks:
            W1 = [[1] for _ in kinks] + [[1]]
            b1 = [-x for x, _ in kinks] + [0]
            acts = ["relu"] * len(kinks) + ["linear"]
            W2 = [[d for _, d in kinks] + [slopes[0]]]
            net = Network.from_layers([(W1, b1), (W2, [y0 - slopes[0] * x0])], activations=[acts, "linear"])
        else:
            net = Network.from_layers([([[slopes[0]]], [y0 - slopes[0] * x0])], activations=["linear"])
        data = {
            "format": FORMAT,
            "version": 1,
            "input_dim": 1,
            "breakpoints": [[format_number(x), format_number(y)] for x, y in pts],
        }
        return cls("breakpoints", 1, 1, data, network=net)

    @classmethod
    def from_network(cls, net: Network) -> PWL:
        """A network as the target (network-vs-network equivalence)."""
        data = {"format": FORMAT, "version": 1, "input_dim": net.input_dim, "network": net.to_dict()}
        return cls("network", net.input_dim, net.output_dim, data, network=net)

    @classmethod
    def from_pieces(cls, pieces: Sequence[Any], input_dim: int) -> PWL:
        """Pieces ``{"A": ..., "b": ..., "w": ..., "c": ...}``: ``w x + c`` on ``{A x <= b}``.

        Coverage and agreement are checked on the domain when the target is used.
        """
        if not isinstance(pieces, (list, tuple)) or not pieces:
            raise InputError("pieces: expected a non-empty list")
        out, m = [], None
        for i, p in enumerate(pieces):
            where = f"pieces, piece {i + 1}"
            if not isinstance(p, dict) or set(p) != {"A", "b", "w", "c"}:
                raise InputError(f"{where}: expected an object with keys A, b, w, c")
            A, b = p["A"], p["b"]
            if not isinstance(A, list) or not isinstance(b, list) or len(A) != len(b):
                raise InputError(f"{where}: A must be a list of rows and b a list with one entry per row")
            prow = []
            for j, (a, bj) in enumerate(zip(A, b)):
                if not isinstance(a, list) or len(a) != input_dim:
                    raise InputError(f"{where}: row {j + 1} of A must have {input_dim} entries")
                prow.append(
                    primitive_row(
                        [to_fmpq(v, f"{where}, A row {j + 1}") for v in a], to_fmpq(bj, f"{where}, b")
                    )
                )
            w, c = p["w"], p["c"]
            if not isinstance(w, list) or not isinstance(c, list) or len(w) != len(c) or not w:
                raise InputError(f"{where}: w must be a list of rows and c a list, one entry per output")
            if m is None:
                m = len(c)
            if len(c) != m:
                raise InputError(f"{where}: has {len(c)} outputs, piece 1 has {m}")
            rows = []
            for j, row in enumerate(w):
                if not isinstance(row, list) or len(row) != input_dim:
                    raise InputError(f"{where}: row {j + 1} of w must have {input_dim} entries")
                rows.append([to_fmpq(v, f"{where}, w row {j + 1}") for v in row])
            W = fmpq_mat(rows)
            C = fmpq_mat(m, 1, [to_fmpq(v, f"{where}, c entry {j + 1}") for j, v in enumerate(c)])
            out.append(Piece(tuple(prow), W, C))
        data = {"format": FORMAT, "version": 1, "input_dim": input_dim, "pieces": list(pieces)}
        return cls("pieces", input_dim, m, _exact_json(data), pieces=out)

    @classmethod
    def from_triangulation(
        cls, points: Sequence[Any], simplices: Sequence[Any], values: Sequence[Any], validate: bool = True
    ) -> PWL:
        """Linear interpolation of vertex values on each simplex (defined on their union).

        ``validate=False`` skips the pairwise overlap test (exact polyhedra); the certificate
        checker uses it and rejects overlapping pieces region by region instead.
        """
        if not isinstance(points, list) or not points or not isinstance(points[0], list):
            raise InputError("triangulation: 'points' must be a non-empty list of points")
        n = len(points[0])
        P = []
        for i, p in enumerate(points):
            if not isinstance(p, list) or len(p) != n:
                raise InputError(f"triangulation: point {i + 1} must have {n} coordinates")
            P.append([to_fmpq(v, f"triangulation, point {i + 1}") for v in p])
        if not isinstance(values, list) or len(values) != len(P):
            raise InputError(f"triangulation: 'values' must list one value per point ({len(P)})")
        vals = []
        for i, v in enumerate(values):
            v = v if isinstance(v, list) else [v]
            vals.append([to_fmpq(x, f"triangulation, value {i + 1}") for x in v])
        m = len(vals[0])
        if any(len(v) != m for v in vals):
            raise InputError("triangulation: every value must have the same number of outputs")
        if not isinstance(simplices, list) or not simplices:
            raise InputError("triangulation: 'simplices' must be a non-empty list")
        pieces = []
        for k, s in enumerate(simplices):
            where = f"triangulation, simplex {k + 1}"
            if not isinstance(s, list) or len(s) != n + 1 or len(set(map(str, s))) != n + 1:
                raise InputError(f"{where}: must list {n + 1} distinct point indices")
            if not all(isinstance(i, int) and not isinstance(i, bool) and 0 <= i < len(P) for i in s):
                raise InputError(f"{where}: point indices must be integers 0..{len(P) - 1}")
            pieces.append(_simplex_piece([P[i] for i in s], [vals[i] for i in s], where))
        if validate:
            _check_disjoint(pieces, n)
        data = {
            "format": FORMAT,
            "version": 1,
            "input_dim": n,
            "triangulation": {"points": points, "simplices": simplices, "values": values},
        }
        return cls("triangulation", n, m, _exact_json(data), pieces=pieces)

    @classmethod
    def from_sympy(cls, exprs: Any, symbols: Sequence[Any]) -> PWL:
        """From sympy expressions built of ``+``, constant ``*``, ``Max``, ``Min``, ``Abs``, or one
        ``Piecewise`` with linear branches and linear conditions (it becomes a pieces target).

        ``symbols[i]`` stands for x_{i+1}.
        """
        import sympy

        items = list(exprs) if isinstance(exprs, (list, tuple)) else [exprs]
        if len(items) == 1 and isinstance(items[0], sympy.Piecewise):
            return cls.from_pieces(_piecewise_pieces(items[0], list(symbols)), len(symbols))
        texts = [_sympy_text(e, {s: f"x{i + 1}" for i, s in enumerate(symbols)}) for e in items]
        return cls.from_expr(texts if isinstance(exprs, (list, tuple)) else texts[0], len(symbols))

    @classmethod
    def from_dict(cls, data: Any, where: str = "target", validate: bool = True) -> PWL:
        """Read the ``exactpwl.pwl`` version 1 format (see README); ``validate`` as in from_triangulation."""
        if not isinstance(data, dict):
            raise InputError(f"{where}: expected a JSON object")
        if data.get("format") == "exactpwl.network":
            return cls.from_network(Network.from_dict(data, where))
        if data.get("format") != FORMAT:
            raise InputError(f"{where}: 'format' must be {FORMAT!r} (or an exactpwl.network)")
        if type(data.get("version")) is not int or data.get("version") != 1:
            raise InputError(f"{where}: unsupported 'version' {data.get('version')!r} (expected 1)")
        n = data.get("input_dim")
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise InputError(f"{where}: 'input_dim' must be a positive integer")
        forms = [k for k in ("expr", "breakpoints", "triangulation", "pieces", "network") if k in data]
        extra = sorted(set(data) - {"format", "version", "input_dim", "description", *forms})
        if extra:
            raise InputError(f"{where}: unknown key {extra[0]!r}")
        if len(forms) != 1:
            raise InputError(
                f"{where}: give exactly one of expr, breakpoints, triangulation, pieces, network"
            )
        form = forms[0]
        body = data[form]
        try:
            if form == "expr":
                t = cls.from_expr(body, n)
            elif form == "breakpoints":
                if n != 1:
                    raise InputError("breakpoints: need input_dim 1")
                t = cls.from_breakpoints(body)
            elif form == "triangulation":
                if not isinstance(body, dict) or set(body) != {"points", "simplices", "values"}:
                    raise InputError("triangulation: expected keys points, simplices, values")
                t = cls.from_triangulation(body["points"], body["simplices"], body["values"], validate)
            elif form == "pieces":
                t = cls.from_pieces(body, n)
            else:
                t = cls.from_network(Network.from_dict(body, "network"))
        except InputError as e:
            raise InputError(f"{where}: {e}") from None
        if t.input_dim != n:
            raise InputError(f"{where}: the {form} has {t.input_dim} inputs but input_dim is {n}")
        return t

    @classmethod
    def load(cls, path: str | Path) -> PWL:
        return cls.from_dict(load_json_file(path), str(path))

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.data, indent=1) + "\n")

    # ------------------------------------------------------------------ evaluation
    def __call__(self, x: Sequence[Any]) -> list[Fraction]:
        """Exact value at ``x`` (pieces: the first piece containing x; outside all: an error)."""
        if len(x) != self.input_dim:
            raise InputError(f"point: has {len(x)} coordinates, expected {self.input_dim}")
        xs = [to_fmpq(v, f"coordinate {i + 1}") for i, v in enumerate(x)]
        if self.exprs is not None:
            return [to_fraction(_expr.evaluate(e, xs)) for e in self.exprs]
        if self.network is not None:
            return self.network(xs)
        for p in self.pieces:
            if p.contains(xs):
                return [to_fraction(v) for v in (p.W * fmpq_mat(len(xs), 1, xs) + p.c).entries()]
        raise InputError(
            f"point ({', '.join(format_number(v) for v in xs)}) is outside every piece of the target"
        )

    def __repr__(self) -> str:
        return f"PWL({self.kind}, R^{self.input_dim} -> R^{self.output_dim})"


def read_breakpoints(points: Sequence[Sequence[Any]]) -> list[tuple[Fraction, Fraction]]:
    """Exact (x, y) pairs with strictly increasing x (at least two), or an InputError saying where."""
    if not isinstance(points, (list, tuple)) or len(points) < 2:
        raise InputError("breakpoints: need at least two points [x, y]")
    out: list[tuple[Fraction, Fraction]] = []
    for i, p in enumerate(points):
        if not isinstance(p, (list, tuple)) or len(p) != 2:
            raise InputError(f"breakpoints: point {i + 1} must be a pair [x, y]")
        x, y = (to_fraction(to_fmpq(v, f"breakpoints, point {i + 1}, {c}")) for v, c in zip(p, "xy"))
        if out and not out[-1][0] < x:
            raise InputError(f"breakpoints: x of point {i + 1} is not larger than x of point {i}")
        out.append((x, y))
    return out


def _exact_json(data: Any) -> Any:
    """Turn parsed numbers (fmpq from JSON decimals) back into exact strings."""
    if isinstance(data, dict):
        return {k: _exact_json(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_exact_json(v) for v in data]
    if isinstance(data, fmpq):
        return format_number(data)
    return data


def _check_disjoint(pieces: list[Piece], n: int) -> None:
    """Simplices may share faces but not interiors (exact polyhedra; not used by the checker)."""
    from .polyhedron import Polyhedron

    for i in range(len(pieces)):
        for j in range(i + 1, len(pieces)):
            both = Polyhedron.from_rows(pieces[i].rows + pieces[j].rows, n)
            if both.is_full_dimensional():
                x = both.interior_point()
                raise InputError(
                    f"triangulation: simplices {i + 1} and {j + 1} overlap (both contain "
                    f"({', '.join(format_number(v) for v in x)}))"
                )


def _simplex_piece(verts: list[list[fmpq]], vals: list[list[fmpq]], where: str) -> Piece:
    """The piece of one simplex: its n+1 facet rows and the affine interpolant of its values."""
    n = len(verts[0])
    # [x 1] [W c]^T = value at each vertex: an (n+1) x (n+1) system
    M = fmpq_mat([[*v, 1] for v in verts])
    try:
        sol = M.solve(fmpq_mat([list(v) for v in vals]))
    except ZeroDivisionError:
        raise InputError(f"{where}: its vertices are affinely dependent (a degenerate simplex)") from None
    m = len(vals[0])
    W = fmpq_mat(m, n, [sol[k, j] for j in range(m) for k in range(n)])
    c = fmpq_mat(m, 1, [sol[n, j] for j in range(m)])
    rows = []
    for skip in range(n + 1):  # facet opposite vertex `skip`: the plane through the others
        others = [verts[i] for i in range(n + 1) if i != skip]
        a, b = _hyperplane(others, n)
        # orient so that the opposite vertex satisfies a.x <= b
        s = sum((ai * xi for ai, xi in zip(a, verts[skip])), fmpq(0))
        if s > b:
            a, b = [-v for v in a], -b
        rows.append(primitive_row(a, b))
    return Piece(tuple(rows), W, c)


def _hyperplane(points: list[list[fmpq]], n: int) -> tuple[list[fmpq], fmpq]:
    """(a, b) with a.x = b through n affinely independent points: the null space of [p -1]."""
    rows = []
    for p in points:
        den = 1
        for v in p:
            den = den * int(v.q) // math.gcd(den, int(v.q))
        rows.append([int(v * den) for v in p] + [-den])
    N, _ = fmpz_mat(rows).nullspace()
    vec = [N[i, 0] for i in range(n + 1)]
    return [fmpq(int(v)) for v in vec[:n]], fmpq(int(vec[n]))


def _sympy_text(e: Any, names: dict) -> str:
    """Print a sympy expression in the restricted expression language (or refuse)."""
    import sympy

    if e in names:
        return names[e]
    if isinstance(e, sympy.Rational):
        return f"({e.p}/{e.q})" if e.q != 1 else f"({e.p})"
    if isinstance(e, sympy.Add):
        return "(" + " + ".join(_sympy_text(a, names) for a in e.args) + ")"
    if isinstance(e, sympy.Mul):
        return "(" + "*".join(_sympy_text(a, names) for a in e.args) + ")"
    for cls, name in ((sympy.Max, "max"), (sympy.Min, "min")):
        if isinstance(e, cls):
            return f"{name}(" + ", ".join(_sympy_text(a, names) for a in e.args) + ")"
    if isinstance(e, sympy.Abs):
        return f"abs({_sympy_text(e.args[0], names)})"
    if isinstance(e, sympy.Piecewise):
        raise InputError("sympy: a Piecewise must be the whole (single-output) expression")
    raise InputError(f"sympy: {type(e).__name__} ({e}) is not a piecewise-linear building block")


def _affine(e: Any, symbols: list, what: str) -> tuple[list[Fraction], Fraction]:
    """Coefficients and constant of a sympy expression that must be affine with rational numbers."""
    import sympy

    try:
        poly = sympy.Poly(e, *symbols)
    except sympy.PolynomialError:
        raise InputError(f"sympy: {what} {e} is not linear") from None
    if poly.total_degree() > 1 or not all(c.is_Rational for c in poly.coeffs()):
        raise InputError(f"sympy: {what} {e} is not linear with rational coefficients")
    coeffs = [Fraction(str(poly.coeff_monomial(s))) for s in symbols]
    return coeffs, Fraction(str(poly.coeff_monomial(1)))


def _halfspaces(cond: Any, symbols: list) -> list[tuple[list[Fraction], Fraction]]:
    """A condition (a relation, or And of relations) as rows a.x <= b (closures of strict ones)."""
    import sympy

    if cond is sympy.true:
        return []
    parts = cond.args if isinstance(cond, sympy.And) else (cond,)
    rows = []
    for r in parts:
        if isinstance(r, (sympy.LessThan, sympy.StrictLessThan)):
            a, c = _affine(r.lhs - r.rhs, symbols, "condition")
        elif isinstance(r, (sympy.GreaterThan, sympy.StrictGreaterThan)):
            a, c = _affine(r.rhs - r.lhs, symbols, "condition")
        else:
            raise InputError(f"sympy: condition {r} is not an inequality (or And of inequalities)")
        rows.append((a, -c))
    return rows


def _piecewise_pieces(e: Any, symbols: list) -> list[dict]:
    """Pieces of ``Piecewise((e1, c1), (e2, c2), ...)``: branch k holds on c_k and not c_1..c_{k-1}.

    "not (r1 and r2 ...)" is the disjoint union of "not r1", "r1 and not r2", ...; each choice
    gives one polyhedral piece.
    """
    pieces: list[dict] = []
    before: list[list] = [[]]  # row lists covering "none of the earlier conditions"
    for expr_k, cond_k in e.args:
        W, c = _affine(expr_k, symbols, "branch")
        rows_k = _halfspaces(cond_k, symbols)
        for prior in before:
            rows = prior + rows_k
            pieces.append(
                {
                    "A": [[format_number(to_fmpq(v)) for v in a] for a, _ in rows],
                    "b": [format_number(to_fmpq(b)) for _, b in rows],
                    "w": [[format_number(to_fmpq(v)) for v in W]],
                    "c": [format_number(to_fmpq(c))],
                }
            )
        negated = []
        for t in range(len(rows_k)):  # not(r_1 and ... and r_m) = sum over t of r_1..r_{t-1}, not r_t
            a, b = rows_k[t]
            negated.append(rows_k[:t] + [([-v for v in a], -b)])
        before = [prior + alt for prior in before for alt in negated]
        if not before:
            break
    return pieces


# ---------------------------------------------------------------------- the joint program
@dataclass(frozen=True)
class Program:
    """The one network the walk runs: output ``net - T`` (compiled) or ``net`` (looked up).

    ``cuts`` is the number of zero-output ReLU units (piece hyperplanes) placed first in layer 1.
    """

    network: Network
    pieces: tuple[Piece, ...] | None
    cuts: int


def joint_program(net: Network, target: PWL) -> Program:
    """Build the program of ``net`` against ``target`` (see the module docstring)."""
    if target.input_dim != net.input_dim:
        raise InputError(f"target: has {target.input_dim} inputs, the network has {net.input_dim}")
    if target.output_dim != net.output_dim:
        raise InputError(f"target: has {target.output_dim} outputs, the network has {net.output_dim}")
    n, m = net.input_dim, net.output_dim
    if target.pieces is None:
        parts = [_layers(net), _layers(target.network)]
        out_sign = [1, -1]
        cuts = 0
    else:
        hyperplanes = sorted({row for p in target.pieces for row in p.rows})
        # unit z = a.x - b: its sign says on which side of the piece facet a.x <= b we are
        cut_layer = (
            [list(a) for a, _ in hyperplanes],
            [-b for _, b in hyperplanes],
            ["relu"] * len(hyperplanes),
        )
        parts = [[cut_layer, ([], [], [])], _layers(net)]
        out_sign = [0, 1]
        cuts = len(hyperplanes)
    depth = max(len(p) for p in parts)
    if any("relu" in p[-1][2] for p in parts):  # a ReLU output layer: add a linear layer after it
        depth += 1
    parts = [_extend(p, depth, n) for p in parts]
    layers, acts = [], []
    for k in range(depth):
        Ws, bs, act = [], [], []
        col = 0
        widths_in = [n if k == 0 else len(p[k - 1][1]) for p in parts]
        total_in = n if k == 0 else sum(widths_in)
        for p, w_in in zip(parts, widths_in):
            W, b, a = p[k]
            for row in W:
                full = [0] * total_in
                if k == 0:
                    full[:n] = row
                else:
                    full[col : col + w_in] = row
                Ws.append(full)
            bs.extend(b)
            act.extend(a)
            if k > 0:
                col += w_in
        layers.append((Ws, bs))
        acts.append(act)
    # output: combine the parts' outputs (the last layer's rows) with out_sign
    W_last, b_last = layers[-1]
    offs, o = [], 0
    for p in parts:
        offs.append(o)
        o += len(p[-1][1])
    W_out, b_out = [], []
    for i in range(m):
        row = [fmpq(0)] * len(W_last[0])
        bias = fmpq(0)
        for p, off, sgn in zip(parts, offs, out_sign):
            if sgn == 0 or i >= len(p[-1][1]):
                continue
            for j, v in enumerate(W_last[off + i]):
                row[j] += sgn * to_fmpq(v)
            bias += sgn * to_fmpq(b_last[off + i])
        W_out.append(row)
        b_out.append(bias)
    layers[-1] = (W_out, b_out)
    acts[-1] = ["linear"] * m
    program = Network.from_layers(layers, activations=acts)
    return Program(program, tuple(target.pieces) if target.pieces is not None else None, cuts)


def _layers(net: Network) -> list[tuple[list[list[fmpq]], list[fmpq], list[str]]]:
    out = []
    for L in net.layers:
        act = [L.activation] * L.units if isinstance(L.activation, str) else list(L.activation)
        out.append((L.weights.tolist(), [L.biases[j, 0] for j in range(L.units)], act))
    return out


def _extend(layers: list, depth: int, n: int) -> list:
    """Pad a part to ``depth`` layers: its outputs ride through identity linear layers."""
    layers = list(layers)
    while len(layers) < depth:
        width = len(layers[-1][1])
        ident = [[1 if i == j else 0 for j in range(width)] for i in range(width)]
        layers.append((ident, [0] * width, ["linear"] * width))
    return layers
