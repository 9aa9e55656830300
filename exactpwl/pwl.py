"""CPWL targets (``exactpwl.pwl``): the function as the user wrote it, and its exact values.

A target is given by an expression, 1-D breakpoints, a triangulation, explicit pieces, or a
network.  ``PWL`` keeps that definition (the parsed expressions, the breakpoints, the pieces'
rows and maps, the simplices' vertices and values, the network) and evaluates it exactly.  It
is part of the certificate checker's trusted base, so it compiles nothing: the compilation to
a ReLU program that the region walk runs lives in ``exactpwl.compile``.
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

__all__ = ["PWL", "Piece", "as_target", "read_breakpoints", "segments"]

FORMAT = "exactpwl.pwl"
Row = tuple[tuple[int, ...], int]


@dataclass(frozen=True)
class Piece:
    """``{x : a.x <= b for (a, b) in rows}`` with the affine map ``W x + c`` on it.

    A triangulation's simplex also keeps its ``vertices`` and ``values`` (one tuple per vertex).
    A *degenerate* simplex (affinely dependent vertices) has ``rows = None``: it is the convex
    hull of its vertices, a lower-dimensional set, and ``W x + c`` is one affine map through its
    values (the reader refuses values that are not affine on the hull).
    """

    rows: tuple[Row, ...] | None
    W: fmpq_mat
    c: fmpq_mat
    vertices: tuple[tuple[fmpq, ...], ...] | None = None
    values: tuple[tuple[fmpq, ...], ...] | None = None

    def contains(self, x: Sequence[fmpq]) -> bool:
        if self.rows is None:  # degenerate: is x in the hull of the vertices?
            from .polyhedron import hull  # lazily: the checker never evaluates a target

            return hull(self.vertices, len(x)).contains(x)
        return all(sum((ai * xi for ai, xi in zip(a, x)), fmpq(0)) <= b for a, b in self.rows)


class PWL:
    """A continuous piecewise-linear target ``R^n -> R^m`` in one of the FORMATS.md forms.

    >>> t = PWL.from_expr("max(0, x1, x2)", 2)
    >>> t([-1, "1/2"])
    [Fraction(1, 2)]
    """

    def __init__(self, kind: str, input_dim: int, output_dim: int, data: dict, **parts: Any):
        self.kind = kind  # "expr", "breakpoints", "triangulation", "pieces" or "network"
        self.input_dim = input_dim
        self.output_dim = output_dim
        self.data = data  # the FORMATS.md JSON object (for certificates and saving)
        self.exprs: list[_expr.Expr] | None = parts.get("exprs")
        self.breakpoints: list[tuple[Fraction, Fraction]] | None = parts.get("breakpoints")
        self.network: Network | None = parts.get("network")  # a network target's own network
        self.pieces: list[Piece] | None = parts.get("pieces")

    @property
    def cuts(self) -> list[Row]:
        """The distinct hyperplanes of the pieces' rows (pieces and triangulations; else empty),
        each as one row ``a.x <= b`` whose first non-zero coefficient is positive, sorted."""
        out = set()
        for p in self.pieces or ():
            for a, b in p.rows or ():
                if any(a):
                    out.add((a, b) if next(v for v in a if v) > 0 else (tuple(-v for v in a), -b))
        return sorted(out)

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
        return cls("expr", input_dim, len(exprs), data, exprs=exprs)

    @classmethod
    def from_breakpoints(cls, points: Sequence[Sequence[Any]]) -> PWL:
        """1-D: points (x, y) with increasing x; linear between them, extended linearly outside."""
        pts = read_breakpoints(points)
        data = {
            "format": FORMAT,
            "version": 1,
            "input_dim": 1,
            "breakpoints": [[format_number(x), format_number(y)] for x, y in pts],
        }
        return cls("breakpoints", 1, 1, data, breakpoints=pts)

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

        A degenerate simplex (affinely dependent vertices: a point, a segment in 2-D, ...) is
        accepted when its values are affine on its hull; whether it agrees with its neighbours
        depends on the domain and is checked by ``certify``.  ``validate=False`` skips the
        pairwise overlap test of full-dimensional simplices (exact polyhedra), which the
        certificate checker does not load; it proves agreement pair by pair instead.
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

    def permuted(self, image: Sequence[int]) -> PWL:
        """The target ``x -> self(y)`` with ``y_i = x_{image[i]}`` (0-based), from its definition:
        an expression's variables renamed; the columns of the pieces' rows and maps, the vertices'
        coordinates, or a network's first-layer columns moved (breakpoints: one variable)."""
        n = self.input_dim
        if sorted(image) != list(range(n)):
            raise InputError(f"permutation: {list(image)} is not a permutation of 0..{n - 1}")

        def move(v: Sequence[Any]) -> list:
            out: list = [None] * n
            for i, x in enumerate(v):
                out[image[i]] = x
            return out

        data = {k: v for k, v in self.data.items() if k != "description"}
        if self.kind == "expr":
            texts = [_expr.to_text(_expr.rename(e, [k + 1 for k in image])) for e in self.exprs]
            data["expr"] = texts[0] if isinstance(self.data["expr"], str) else texts
        elif self.kind == "network":
            data["network"] = self.network.permuted_inputs(image).to_dict()
        elif self.kind == "pieces":
            data["pieces"] = [
                {**p, "A": [move(a) for a in p["A"]], "w": [move(w) for w in p["w"]]}
                for p in self.data["pieces"]
            ]
        elif self.kind == "triangulation":
            tri = self.data["triangulation"]
            data["triangulation"] = {**tri, "points": [move(q) for q in tri["points"]]}
        return PWL.from_dict(data, "permuted target", validate=False)

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
        if self.breakpoints is not None:
            kinks, lines = segments(self.breakpoints)
            slope, c = lines[sum(1 for k in kinks if xs[0] > k)]
            return [to_fraction(slope * xs[0] + c)]
        for p in self.pieces:
            if p.contains(xs):
                return [to_fraction(v) for v in (p.W * fmpq_mat(len(xs), 1, xs) + p.c).entries()]
        raise InputError(
            f"point ({', '.join(format_number(v) for v in xs)}) is outside every piece of the target"
        )

    def __repr__(self) -> str:
        return f"PWL({self.kind}, R^{self.input_dim} -> R^{self.output_dim})"

    def _repr_latex_(self) -> str:
        """Jupyter typesets it (``exactpwl.latex``; imported only when asked)."""
        from .latex import notebook

        return notebook(self)


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

    full = [i for i, p in enumerate(pieces) if p.rows is not None]
    for i in full:
        for j in (j for j in full if j > i):
            both = Polyhedron.from_rows(pieces[i].rows + pieces[j].rows, n)
            if both.is_full_dimensional():
                x = both.interior_point()
                raise InputError(
                    f"triangulation: simplices {i + 1} and {j + 1} overlap (both contain "
                    f"({', '.join(format_number(v) for v in x)}))"
                )


def _simplex_piece(verts: list[list[fmpq]], vals: list[list[fmpq]], where: str) -> Piece:
    """The piece of one simplex: its n+1 facet rows and the affine interpolant of its values
    (a degenerate simplex: no rows, one affine map through its values, or an error if none)."""
    n, m = len(verts[0]), len(vals[0])
    # [v 1] [W c]^T = value at each vertex v: an (n+1) x (n+1) system, solved by row reduction
    R, rank = fmpq_mat([[*v, 1, *val] for v, val in zip(verts, vals)]).rref()
    sol = [[fmpq(0)] * m for _ in range(n + 1)]  # unknowns (W_o1..W_on, c_o) per output o
    for i in range(rank):
        pivot = next(k for k in range(n + 1 + m) if R[i, k] != 0)
        if pivot > n:  # 0 = value: no affine map through the values
            raise InputError(
                f"{where}: its vertices are affinely dependent and its values are not affine on them "
                "(a degenerate simplex whose interpolation is not defined)"
            )
        sol[pivot] = [R[i, n + 1 + o] for o in range(m)]  # free unknowns stay 0
    W = fmpq_mat(m, n, [sol[k][o] for o in range(m) for k in range(n)])
    c = fmpq_mat(m, 1, [sol[n][o] for o in range(m)])
    vertices, values = tuple(tuple(v) for v in verts), tuple(tuple(v) for v in vals)
    if rank < n + 1:
        return Piece(None, W, c, vertices, values)
    rows = []
    for skip in range(n + 1):  # facet opposite vertex `skip`: the plane through the others
        others = [verts[i] for i in range(n + 1) if i != skip]
        a, b = _hyperplane(others, n)
        # orient so that the opposite vertex satisfies a.x <= b
        s = sum((ai * xi for ai, xi in zip(a, verts[skip])), fmpq(0))
        if s > b:
            a, b = [-v for v in a], -b
        rows.append(primitive_row(a, b))
    return Piece(tuple(rows), W, c, vertices, values)


def segments(points: Sequence[tuple[Any, Any]]) -> tuple[list[fmpq], list[tuple[fmpq, fmpq]]]:
    """The kinks of a breakpoint function and the line ``(slope, intercept)`` of every segment.

    A kink is a breakpoint where the slope changes.  Between consecutive kinks (and beyond the
    first and the last, where FORMATS.md extends the end segments) the function is linear, so
    ``len(kinks) + 1`` lines describe it: line s holds on [kink s-1, kink s].
    """
    pts = [(to_fmpq(x), to_fmpq(y)) for x, y in points]
    kinks, lines = [], []
    slope = None
    for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
        s = (y1 - y0) / (x1 - x0)
        if s != slope:
            if slope is not None:
                kinks.append(x0)
            lines.append((s, y0 - s * x0))
            slope = s
    return kinks, lines


def as_target(target: Any, input_dim: int) -> PWL:
    """Accept a PWL, a Network, an expression string (or list of them) or a FORMATS.md dict."""
    if isinstance(target, PWL):
        return target
    if isinstance(target, Network):
        return PWL.from_network(target)
    if isinstance(target, (str, list, tuple)):
        return PWL.from_expr(target, input_dim)
    if isinstance(target, dict):
        return PWL.from_dict(target)
    raise InputError(
        f"target: expected a PWL, a Network, an expression or a dict, got {type(target).__name__}"
    )


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


def _halfspaces(cond: Any, symbols: list) -> list[tuple[list[Fraction], Fraction, bool]]:
    """A condition (a relation, or And of relations) as rows ``(a, b, strict)``: a.x < b or <= b."""
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
        rows.append((a, -c, isinstance(r, (sympy.StrictLessThan, sympy.StrictGreaterThan))))
    return rows


def _nonempty(rows: list[tuple[list[Fraction], Fraction, bool]]) -> bool:
    """Whether some x satisfies the rows, strict ones strictly (an exact LP: the largest slack t of
    the strict rows, capped at 1, is > 0)."""
    from .lp import exact_max

    n = len(rows[0][0]) if rows else 0
    system = [primitive_row([*a, 1 if strict else 0], b) for a, b, strict in rows]
    status, t, _ = exact_max([*system, primitive_row([0] * n + [1], 1)], n + 1, [0] * n + [1])
    return status == "optimal" and (t > 0 or not any(strict for *_, strict in rows))


def _piecewise_pieces(e: Any, symbols: list) -> list[dict]:
    """Pieces of ``Piecewise((e1, c1), (e2, c2), ...)``: branch k holds on c_k and not c_1..c_{k-1}.

    "not (r1 and r2 ...)" is the disjoint union of "not r1", "r1 and not r2", ...; each choice
    gives one polyhedral piece, the closure of its set (the negation of a <= row is a < row and
    back).  A choice whose set is empty is dropped, or its closure (say the line x = y of
    "x < y and y < x") would be a lower-dimensional piece that the target does not have.
    """
    pieces: list[dict] = []
    before: list[list] = [[]]  # row lists covering "none of the earlier conditions"
    for expr_k, cond_k in e.args:
        W, c = _affine(expr_k, symbols, "branch")
        rows_k = _halfspaces(cond_k, symbols)
        for prior in before:
            rows = prior + rows_k
            if not _nonempty(rows):
                continue
            pieces.append(
                {
                    "A": [[format_number(to_fmpq(v)) for v in a] for a, _, _ in rows],
                    "b": [format_number(to_fmpq(b)) for _, b, _ in rows],
                    "w": [[format_number(to_fmpq(v)) for v in W]],
                    "c": [format_number(to_fmpq(c))],
                }
            )
        negated = []
        for t in range(len(rows_k)):  # not(r_1 and ... and r_m) = sum over t of r_1..r_{t-1}, not r_t
            a, b, strict = rows_k[t]
            negated.append(rows_k[:t] + [([-v for v in a], -b, not strict)])
        before = [prior + alt for prior in before for alt in negated]
        if not before:
            break
    return pieces
