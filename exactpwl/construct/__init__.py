"""Constructions: networks built from a target or data set, each with its derivation as data.

A ``Construction`` holds the network, the target it represents, the domain where that is claimed
and the ordered derivation steps (``Step``: a kind, sympy formulas, exact values keyed by
symbols), so that the plain text, the JSON, the LaTeX (``exactpwl.latex``) and the
certification all come from one object.

One module per family (C. Huang, arXiv:2202.01919; see PAPER.md's R-numbers):

* ``one_d``         R3, R4    hinge and segment forms of a 1-D CPWL function
* ``interpolation`` R5, R6, R12  triangular interpolation matrix, projections, after a prefix
* ``maxn``          max of n numbers with ceil(log2 n) hidden layers
* ``max5``          R20       max of 5 numbers with two hidden layers (Bakaev et al. 2025)
* ``max6``          R21       max of 6 numbers with two hidden layers, S6-symmetric (a public claim)
* ``three_layer``   R7        one hidden layer from full-hyperplane kinks (or a refusal)
* ``multi_output``  R14, R17  shared hidden layers for several outputs; decoders
* ``overparam``     R15       the affine family of output weights that fit equally well
* ``deep``          R8, R10, R11  depth witnesses, region transmitting, dividing without interference
* ``lattice``       R18, R19  triangulation -> max-min form -> deep network; TRLU
* ``log_depth``     R18       Wang-Sun / Arora: ceil(log2(n+1)) hidden layers on R^n

Every family registers its methods in ``METHODS`` (name -> ``Method``), which the command
``exactpwl construct TARGET --method NAME`` uses.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from importlib import import_module
from pathlib import Path
from typing import Any

from sympy import Basic, Function, Ge

from ..errors import InputError
from ..formula import Element, Eq, Qualified, space, sym, text, tidy, variables, word
from ..network import Network
from ..numbers import format_number, to_fmpq, to_fraction
from ..polyhedron import Polyhedron, as_domain, domain_spec, domain_text

__all__ = [
    "Step",
    "KINDS",
    "Construction",
    "Refusal",
    "Method",
    "METHODS",
    "Data",
    "read_data",
    "register",
    "methods",
    "show",
    "given_target",
]

FAMILIES = (
    "one_d",
    "interpolation",
    "maxn",
    "max5",
    "max6",
    "three_layer",
    "multi_output",
    "overparam",
    "deep",
    "lattice",
    "log_depth",
)


def show(value: Any) -> str:
    """Exact text of a derivation value: a number, a vector or matrix (nested lists), a formula."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if hasattr(value, "tolist") and hasattr(value, "nrows"):  # flint matrices
        return show(value.tolist())
    if isinstance(value, (int, Fraction)) or type(value).__name__ in ("fmpq", "fmpz"):
        return format_number(value)
    if isinstance(value, Basic):
        return text(value)
    return str(value)


def json_value(value: Any) -> Any:
    """A derivation value as JSON: numbers as exact strings, vectors and matrices as lists."""
    if isinstance(value, (bool, str)) or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_value(v) for v in value]
    if hasattr(value, "tolist") and hasattr(value, "nrows"):  # flint matrices
        return json_value(value.tolist())
    if isinstance(value, (int, Fraction)) or type(value).__name__ in ("fmpq", "fmpz"):
        return format_number(value)
    if isinstance(value, Basic):
        return text(value)
    return str(value)


KINDS = {
    "input": "the data the derivation starts from",
    "derived": "a quantity computed from earlier ones",
    "choice": "a free choice (any valid one works)",
    "solve": "an exact solution of a linear system",
    "assembly": "the network put together",
    "count": "sizes and counts",
    "region": "a fact about the regions",
    "domain": "where the claim is made",
    "verification": "an exact check",
}


@dataclass(frozen=True)
class Step:
    """One step of a derivation, as data that every printer reads.

    ``kind`` says what the step does (``KINDS``), ``title`` explains it in one line of words,
    ``formula`` is a sympy object or a tuple of them (``exactpwl.formula``: ``Relu``, ``Eq``,
    ``Sum``, ...), and ``values`` holds the exact numbers keyed by sympy symbols (a ``str`` key
    is a quantity named in words, ``formula.word``).  ``text()`` and ``to_json()`` print it as
    plain text, ``exactpwl.latex`` typesets it; ``step["s"]`` is the value whose key reads ``s``.
    """

    kind: str
    title: str
    formula: Any = ()
    values: dict[Any, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Step: unknown kind {self.kind!r} (one of {', '.join(KINDS)})")
        f = self.formula if isinstance(self.formula, (tuple, list)) else (self.formula,)
        if any(not isinstance(x, Basic) for x in f):
            raise TypeError("Step.formula: sympy objects (see exactpwl.formula), not text")
        object.__setattr__(self, "formula", tuple(tidy(x) for x in f))
        keys = {(word(k) if isinstance(k, str) else k): v for k, v in self.values.items()}
        if any(not isinstance(k, Basic) for k in keys):
            raise TypeError("Step.values: keys are sympy symbols (or words)")
        object.__setattr__(self, "values", keys)

    def __getitem__(self, name: str) -> Any:
        """The value whose key prints as ``name`` (``step["s"]``, ``step["f(x_i)"]``)."""
        for k, v in self.values.items():
            if text(k) == name:
                return v
        raise KeyError(name)

    @property
    def formula_text(self) -> str:
        return text(self.formula)

    def text(self) -> str:
        lines = [self.title]
        if self.formula:
            lines.append(f"    {self.formula_text}")
        lines.extend(f"    {text(k)} = {show(v)}" for k, v in self.values.items())
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title,
            "formula": self.formula_text,
            "values": {text(k): json_value(v) for k, v in self.values.items()},
        }


@dataclass
class Construction:
    """A network, the target it represents on ``domain`` (None: all of R^n), and its derivation.

    ``domain`` is where the claim ``network == target`` is made and certified; ``holds_on`` names
    it, and the text, the JSON and the saved network all say it.
    """

    method: str
    network: Network
    target: Any  # a PWL (or anything ``certify`` takes as a target)
    domain: Any = None
    steps: list[Step] = field(default_factory=list)
    symmetric_in: list[list[int]] | None = None  # blocks the network is symmetric in (0-based)
    verdict: Any = field(default=None, repr=False, compare=False)  # kept by given_target

    def certify(self, **kwargs: Any):
        """Certify exactly that ``network == target`` on ``domain`` (see ``exactpwl.certify``); a
        symmetric construction is certified on the chamber of its blocks, and by symmetry beyond.
        Without options, a verdict already reached for this target (``given_target``) is reused."""
        from ..verdict import certify

        if not kwargs and self.verdict is not None:
            return self.verdict
        if self.symmetric_in is not None:
            kwargs.setdefault("symmetric_in", self.symmetric_in)
        return certify(self.network, self.target, self.domain, **kwargs)

    def domain_polyhedron(self) -> Polyhedron | None:
        """The domain of the claim as a polyhedron (None: all of R^n)."""
        return as_domain(self.domain, self.network.input_dim, f"{self.method}: domain")

    def domain_spec(self) -> dict | None:
        """The domain of the claim as FORMATS.md writes it (``exactpwl certify --domain`` reads it)."""
        return domain_spec(self.domain_polyhedron())

    @property
    def holds_on(self) -> str:
        """Where the claim is made, as text: ``R^2``, ``[0, 4]``, ``{x : ...}``."""
        return domain_text(self.domain_polyhedron(), self.network.input_dim)

    def claim(self) -> str:
        return f"equal to the target on {self.holds_on}"

    def derivation(self) -> str:
        """The steps as plain text, numbered."""
        return "\n".join(f"{i + 1}. {s.text()}" for i, s in enumerate(self.steps))

    def to_json(self) -> dict[str, Any]:
        """One JSON object: method, architecture, domain (FORMATS.md form), its text, the steps."""
        return {
            "method": self.method,
            "architecture": self.network.architecture,
            "domain": self.domain_spec(),
            "holds_on": self.holds_on,
            "steps": [s.to_json() for s in self.steps],
        }

    def save(self, path: str | Path) -> None:
        """Write the network (``exactpwl.network``); its ``description`` states the claim and where."""
        d = self.network.to_dict()
        note = f"exactpwl construct, method {self.method}: {self.claim()}"
        d["description"] = f"{d['description']}; {note}" if d.get("description") else note
        Path(path).write_text(json.dumps(d, indent=1) + "\n")

    def __str__(self) -> str:
        return f"{self.method}: network {self.network.architecture}, {self.claim()}\n{self.derivation()}"

    def _repr_latex_(self) -> str:
        """Jupyter typesets it (``exactpwl.latex``; imported only when asked)."""
        from ..latex import notebook

        return notebook(self)


class Refusal(InputError):
    """A construction that does not apply, with the witness that shows why (``witness``)."""

    def __init__(self, message: str, witness: Any = None):
        super().__init__(message)
        self.witness = witness


def given_target(c: Construction, data: Any, name: str, where: str = "target") -> Construction:
    """Use the user's target (FORMATS.md JSON) once it is certified equal to ``c.network`` on R^n.

    For constructions that build one fixed network (a depth witness, max of five): the target
    file says what the user means, and a different function is refused with a point where the
    two differ (``Refusal.witness`` is the counterexample).
    """
    from ..pwl import PWL
    from ..symmetry import blocks_text
    from ..verdict import certify

    target = PWL.from_dict(data, where)
    n, m = c.network.input_dim, c.network.output_dim
    if target.input_dim != n or target.output_dim != m:
        raise InputError(
            f"{where}: expected a target R^{n} -> R^{m} ({name}), "
            f"got R^{target.input_dim} -> R^{target.output_dim}"
        )
    v = certify(c.network, target, symmetric_in=c.symmetric_in)
    if not v.holds:
        cx = v.counterexample
        raise Refusal(
            f"{where}: the target is not {name}; at x = ({', '.join(format_number(t) for t in cx.x)}) "
            f"it is {format_number(cx.target[0])}, {name} is {format_number(cx.network[0])}",
            witness=cx,
        )
    c.target, c.verdict = target, v
    x, f, N = sym("x"), Function("f"), Function("N")
    if v.symmetry is None:
        title, values = "The given target equals the network on the whole input space (certified)", {}
    else:
        title = (
            "The given target equals the network on the chamber below (certified), so on the whole "
            "input space: network and target are invariant under the symmetry (proved)"
        )
        xs = variables(n)
        chamber = [Ge(xs[u], xs[w]) for b in v.symmetry.blocks for u, w in zip(b, b[1:])]
        values = {"chamber": chamber, "symmetry": blocks_text(v.symmetry.blocks)}
    c.steps.append(
        Step(
            "verification",
            title,
            Qualified(Eq(f(x), N(x)), Element(x, space(n))),
            {"regions": v.regions, **values},
        )
    )
    return c


@dataclass(frozen=True)
class Data:
    """A labelled data set: N distinct points of Q^n, each with K target values (exact)."""

    points: tuple[tuple[Fraction, ...], ...]
    values: tuple[tuple[Fraction, ...], ...]

    @property
    def input_dim(self) -> int:
        return len(self.points[0])

    @property
    def output_dim(self) -> int:
        return len(self.values[0])


def read_data(data: Any, where: str = "data") -> Data:
    """Read ``{"format": "exactpwl.data", "version": 1, "points": [[..], ..], "values": [..]}``.

    ``values`` holds one number per point (one output) or one list per point (several outputs).
    Points must be distinct.
    """
    if not isinstance(data, dict) or data.get("format") != "exactpwl.data":
        raise InputError(f"{where}: expected an object with 'format': 'exactpwl.data'")
    if type(data.get("version")) is not int or data.get("version") != 1:
        raise InputError(f"{where}: unsupported 'version' {data.get('version')!r} (expected 1)")
    extra = sorted(set(data) - {"format", "version", "input_dim", "points", "values", "description"})
    if extra:
        raise InputError(f"{where}: unknown key {extra[0]!r}")
    pts, vals = data.get("points"), data.get("values")
    if not isinstance(pts, list) or not pts or not isinstance(vals, list) or len(vals) != len(pts):
        raise InputError(f"{where}: 'points' and 'values' must be non-empty lists of the same length")
    n = len(pts[0]) if isinstance(pts[0], list) else 0
    if n == 0 or ("input_dim" in data and data["input_dim"] != n):
        raise InputError(f"{where}: every point must be a list of input_dim numbers")
    P, V = [], []
    for i, (p, v) in enumerate(zip(pts, vals)):
        if not isinstance(p, list) or len(p) != n:
            raise InputError(f"{where}: point {i + 1} must have {n} coordinates")
        P.append(tuple(to_fraction(to_fmpq(x, f"{where}, point {i + 1}")) for x in p))
        v = v if isinstance(v, list) else [v]
        V.append(tuple(to_fraction(to_fmpq(x, f"{where}, value {i + 1}")) for x in v))
    if len({len(v) for v in V}) != 1:
        raise InputError(f"{where}: every point needs the same number of values")
    seen: dict = {}
    for i, p in enumerate(P):
        if p in seen:
            raise InputError(f"{where}: points {seen[p] + 1} and {i + 1} are equal")
        seen[p] = i
    return Data(tuple(P), tuple(V))


@dataclass(frozen=True)
class FitVerdict:
    """Exact check of a data fit: ``holds`` iff the network reproduces every value exactly.

    ``regions`` is the number of distinct activation patterns the data points fall in;
    ``mismatch`` is the first (point index, network value, target value) that differs.
    """

    holds: bool
    regions: int
    points: int
    mismatch: tuple | None = None

    def __bool__(self) -> bool:
        return self.holds


@dataclass
class DataConstruction(Construction):
    """A network built to fit a data set (``target`` is the ``Data``): a claim about N points.

    ``certify`` evaluates the network exactly at every data point instead of walking regions.
    """

    def domain_spec(self) -> dict[str, Any]:
        """The claim is about the data points alone: ``{"points": [...]}`` (exact strings)."""
        return {"points": json_value([list(p) for p in self.target.points])}

    @property
    def holds_on(self) -> str:
        n = len(self.target.points)
        return "the data point" if n == 1 else f"the {n} data points"

    def claim(self) -> str:
        return f"exact at {self.holds_on}"

    def certify(self, **kwargs: Any) -> FitVerdict:
        data: Data = self.target
        outs = self.network.evaluate([list(p) for p in data.points])
        patterns = {self.network.pattern(list(p)) for p in data.points}
        for i, (o, y) in enumerate(zip(outs, data.values)):
            if tuple(o) != tuple(y):
                return FitVerdict(False, len(patterns), len(outs), (i, tuple(o), tuple(y)))
        return FitVerdict(True, len(patterns), len(outs))

    @property
    def data(self) -> Data:
        return self.target

    def check_data(self) -> bool:
        """True iff the network gives exactly the target values at every data point."""
        return self.certify().holds


@dataclass(frozen=True)
class Method:
    """A named construction reachable from the command line: ``build(target_json) -> Construction``."""

    name: str
    summary: str
    build: Callable[[dict], Construction]


METHODS: dict[str, Method] = {}


def register(
    name: str, summary: str
) -> Callable[[Callable[[dict], Construction]], Callable[[dict], Construction]]:
    """Decorator: make ``build(target_json)`` available as ``--method name``."""

    def wrap(build: Callable[[dict], Construction]) -> Callable[[dict], Construction]:
        if name in METHODS:
            raise ValueError(f"construction method {name!r} registered twice")
        METHODS[name] = Method(name, summary, build)
        return build

    return wrap


def methods() -> dict[str, Method]:
    """Every registered method (importing each family module once)."""
    for fam in FAMILIES:
        import_module(f".{fam}", __name__)
    return dict(METHODS)
