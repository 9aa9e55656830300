"""One hidden layer: is a CPWL function a shallow ReLU network on a domain, and with how few units?

``shallow(f, domain)`` decides exactly whether some network ``c + sum_j v_j relu(w_j.x + b_j)``
equals ``f`` at every point of the domain D (all of R^n by default, or a full-dimensional
polyhedron such as a box), and if so builds one with the fewest hidden units and certifies it.

**Which functions** (R7 of PAPER.md).  A unit bends only along its hyperplane, and across it the
gradient jumps by the same vector everywhere.  So f is shallow on D iff its non-differentiability
set inside D is a union of whole slices ``H ∩ int D`` of hyperplanes ``H: a.x = b`` (a primitive,
first non-zero entry positive), and across each the gradient jumps by one constant ``lambda_H a``
(``lambda_H != 0``, one number per output).  Then on D

    f(x) = A x + d + sum_H lambda_H relu(a_H.x - b_H)                      (*)

This is read off the region graph of f over D: every edge whose two affine maps differ lies on a
hyperplane and carries a jump; a hyperplane passes the test iff all its edges carry the same
jump and it cuts no region's interior (there the jump would be 0).  Otherwise the refusal is a
``KinkWitness``: two rational points of one such hyperplane, inside D, where the jumps differ,
with exact second differences ``f(p + e a) + f(p - e a) - 2 f(p) = e lambda |a|^2``.

**How many units** (Dereich & Kassing, "On minimal representations of shallow ReLU networks",
Neural Networks 2022, arXiv:2108.05643: with k kink hyperplanes a minimal network has k, k+1 or
k+2 units; in our words, derived for an output of dimension 1, and exact here).  Each of the k
hyperplanes needs a unit of its own.  One unit on H can point either way:
``lambda relu(b - a.x) = lambda relu(a.x - b) - lambda (a.x - b)``, so turning the units of a set
S of hyperplanes around changes the linear part that the other units must still supply from A
to ``R_S = A + sum_{H in S} lambda_H a_H``.  What is left costs:

* ``k``: some S has ``R_S = 0`` (the linear part is a signed sum of the jumps: absorbed);
* ``k + 1``: a second unit on one kink hyperplane H frees its coefficient (two units
  ``p relu(h) + q relu(-h)`` with ``p + q = lambda_H`` supply any multiple of ``a_H``), so
  ``R_S`` in ``span(a_H)`` for some S and H; or one unit that is affine on D supplies ``R_S``:
  ``relu(g.x - min_D g.x)`` needs ``g.x`` bounded below (or above) on D, which holds for every
  g on a bounded domain and for g = 0 only on R^n;
* ``k + 2`` otherwise: the pair ``relu(g.x) - relu(-g.x) = g.x`` supplies any linear part.

So on R^n an affine f with non-zero gradient needs 2 units, on a bounded D one; in 1-D every
f with a kink needs at most k + 1 (span(a_H) is the whole line), and the k case is a subset-sum
question ("do the slope jumps of some breakpoints add up to minus the slope at -infinity?"),
decided here by a meet-in-the-middle search over distinct subset sums (``CapReached`` when
there are more than ``MAX_SUMS``).

With several outputs (lambda_H and R_S then have one row per output) each unit supplies a rank-1
matrix, and the least number of extra units is ``min |T| + 2 rank(R_S P_T)`` over S and a set
T of doubled kink hyperplanes (``P_T`` projects out their normals) on R^n, and
``min rank(R_S)`` on a bounded domain: both are searched exhaustively (capped).

Bounded domains: the answer is "the least width of a one-hidden-layer network equal to f on D";
kink hyperplanes are those whose slice of int D carries a kink, and units whose hyperplane
misses int D act affinely there.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations
from typing import Any

from flint import fmpq_mat

from . import lp
from .compile import compile_target, cut_network
from .errors import CapReached, InputError
from .lp import Row
from .network import Network
from .numbers import format_number, primitive_row, to_fmpq, to_fraction
from .polyhedron import Polyhedron, as_domain, linear_text, recession_rays, relation_text
from .pwl import PWL
from .region_graph import Region, regions
from .verdict import piece_of, validate_pieces

__all__ = ["Kink", "KinkWitness", "Unit", "Shallow", "KinkAnalysis", "analyse", "shallow", "hyperplane_text"]

Point = tuple[Fraction, ...]
MAX_SUMS = 1 << 21  # distinct subset sums of kink jumps one decision may enumerate


# ------------------------------------------------------------------------------ results
@dataclass(frozen=True)
class Kink:
    """A kink hyperplane ``a.x = b`` (primitive, first non-zero of ``a`` positive) of the function.

    Crossing it from ``a.x < b`` to ``a.x > b`` the gradient of output k jumps by ``jump[k] * a``.
    """

    normal: tuple[int, ...]
    offset: int
    jump: tuple[Fraction, ...]

    def text(self) -> str:
        return hyperplane_text(self.normal, self.offset)

    def to_json(self) -> dict:
        return {
            "a": [str(v) for v in self.normal],
            "b": str(self.offset),
            "jump": [format_number(v) for v in self.jump],
        }


@dataclass(frozen=True)
class KinkWitness:
    """Two points of one hyperplane where the gradient jumps differently (R7's certificate).

    ``jumps[i]`` is lambda at ``points[i]`` (the gradient jumps by ``lambda * normal``; 0 where f
    does not bend there); ``second_differences[i] = f(p + e a) + f(p - e a) - 2 f(p)`` with
    ``a = normal``, ``e = epsilon``, computed exactly from f; it equals ``e lambda |a|^2``.  A
    one-hidden-layer network would give equal values at both points.
    """

    normal: tuple[int, ...]
    offset: int
    points: tuple[Point, Point]
    jumps: tuple[tuple[Fraction, ...], tuple[Fraction, ...]]
    epsilon: Fraction
    second_differences: tuple[tuple[Fraction, ...], tuple[Fraction, ...]]

    def text(self) -> str:
        p, q = (_point_text(x) for x in self.points)
        d1, d2 = (_vec_text(d) for d in self.second_differences)
        a = _point_text(self.normal)
        return (
            f"on the hyperplane {hyperplane_text(self.normal, self.offset)} the second difference "
            f"f(p + e a) + f(p - e a) - 2 f(p) with a = {a}, e = {format_number(self.epsilon)} "
            f"is {d1} at p = {p} and {d2} at p = {q}"
        )

    def to_json(self) -> dict:
        return {
            "hyperplane": {"a": [str(v) for v in self.normal], "b": str(self.offset)},
            "points": [[format_number(v) for v in p] for p in self.points],
            "jumps": [[format_number(v) for v in j] for j in self.jumps],
            "epsilon": format_number(self.epsilon),
            "second_differences": [[format_number(v) for v in d] for d in self.second_differences],
        }


@dataclass(frozen=True)
class Unit:
    """A hidden unit ``relu(w.x + bias)`` with output weights ``v`` and the reason it is there."""

    w: tuple[int, ...]
    bias: Fraction
    v: tuple[Fraction, ...]
    role: str  # "kink", "second unit on a kink", "pair (linear part)", "affine on the domain"

    def text(self) -> str:
        return f"{_vec_text(self.v)} * relu({_affine_text(self.w, self.bias)})"


@dataclass
class KinkAnalysis:
    """f on D as (*): kink hyperplanes with their jumps and the affine rest ``A x + d``.

    ``target`` is f as ``certify`` takes it (a ``PWL`` or a ``Network``).
    """

    target: Any
    kinks: list[Kink]
    A: list[list[Fraction]]  # outputs x inputs
    d: list[Fraction]
    regions: int
    edges: int


@dataclass
class Shallow:
    """The answer of ``shallow``: representable or not, the minimal width and network, or a witness.

    ``case`` is ``"k"``, ``"k+1"`` or ``"k+2"`` (``"k+j"`` with several outputs), where k is the
    number of kink hyperplanes; ``units`` says what each hidden unit of ``network`` is for;
    ``certified_regions`` is the number of regions on which ``certify`` proved network == f.
    """

    representable: bool
    input_dim: int
    output_dim: int
    domain: Polyhedron | None
    target: Any  # what certify compares the network with (a PWL or a Network)
    analysis: KinkAnalysis | None = None
    width: int | None = None
    case: str | None = None
    network: Network | None = None
    units: list[Unit] = field(default_factory=list)
    certified_regions: int | None = None
    witness: KinkWitness | None = None

    @property
    def kinks(self) -> list[Kink]:
        return self.analysis.kinks if self.analysis is not None else []

    def to_json(self) -> dict:
        d: dict[str, Any] = {
            "representable": self.representable,
            "width": self.width,
            "case": self.case,
            "witness": self.witness.to_json() if self.witness is not None else None,
        }
        if self.representable:
            d["kinks"] = [k.to_json() for k in self.kinks]
            d["architecture"] = self.network.architecture
            d["certified_regions"] = self.certified_regions
        return d

    def where(self) -> str:
        """R^n, a box as ``[lo, hi]^n`` or a product of intervals, or the polyhedron's rows."""
        return domain_text(self.domain, self.input_dim)

    def text(self) -> str:
        if not self.representable:
            w = self.witness
            (p, q), (d1, d2) = w.points, w.second_differences
            return (
                f"refuted: no network with one hidden layer equals f on {self.where()}\n"
                f"  the gradient jump across {hyperplane_text(w.normal, w.offset)} is not constant: "
                f"with a = {_point_text(w.normal)} and e = {format_number(w.epsilon)},\n"
                f"  f(p + e a) + f(p - e a) - 2 f(p) is {_vec_text(d1)} at p = {_point_text(p)} "
                f"and {_vec_text(d2)} at p = {_point_text(q)}"
            )
        k = len(self.kinks)
        lines = [
            f"representable: one hidden layer, minimal width {self.width} "
            f"(case {self.case}, k = {k} kink hyperplane{'s' if k != 1 else ''})"
        ]
        for kk in self.kinks:
            lines.append(f"  kink {kk.text()}: {_jump_text(kk)}")
        for u in self.units:
            lines.append(f"  unit {u.text()}: {u.role}")
        r = self.certified_regions
        lines.append(
            f"network {self.network.architecture}, certified equal to f on {self.where()} "
            f"({r} region{'s' if r != 1 else ''})"
        )
        return "\n".join(lines)

    __str__ = text


# ------------------------------------------------------------------------------ text helpers
def hyperplane_text(a: Sequence[Any], b: Any) -> str:
    """``x1 - 2*x2 = 3`` from ``(a, b)``."""
    return relation_text(a, b, "=")


def _affine_text(w: Sequence[int], bias: Fraction) -> str:
    lin = linear_text(w)
    if bias == 0:
        return lin
    if lin == "0":
        return format_number(bias)
    return f"{lin} {'-' if bias < 0 else '+'} {format_number(abs(bias))}"


def _jump_text(kk: Kink) -> str:
    if len(kk.jump) > 1:
        return (
            f"the gradients jump by lambda a, lambda = {_point_text(kk.jump)}, a = {_point_text(kk.normal)}"
        )
    if len(kk.normal) == 1:
        return f"the slope jumps by {format_number(kk.jump[0] * kk.normal[0])}"
    return f"the gradient jumps by {_point_text([kk.jump[0] * a for a in kk.normal])}"


def domain_text(dom: Polyhedron | None, n: int) -> str:
    """``R^2``, ``[-1, 1]^2``, ``[0, 1] x [-1, 2]`` or ``{x : A x <= b} (m rows)``."""
    if dom is None:
        return f"R^{n}"
    lo: dict[int, Fraction] = {}
    hi: dict[int, Fraction] = {}
    for a, b in dom.rows:
        nz = [i for i, v in enumerate(a) if v]
        if len(nz) != 1 or abs(a[nz[0]]) != 1:
            break
        i = nz[0]
        side = hi if a[i] > 0 else lo
        if i in side:
            break
        side[i] = Fraction(b) if a[i] > 0 else Fraction(-b)
    else:
        if len(lo) == len(hi) == n:
            parts = [f"[{format_number(lo[i])}, {format_number(hi[i])}]" for i in range(n)]
            return f"{parts[0]}^{n}" if len(set(parts)) == 1 and n > 1 else " x ".join(parts)
    return f"{{x : A x <= b}} ({len(dom.rows)} row{'s' if len(dom.rows) != 1 else ''})"


def _point_text(x: Sequence[Any]) -> str:
    return "(" + ", ".join(format_number(Fraction(v)) for v in x) + ")"


def _vec_text(v: Sequence[Fraction]) -> str:
    return format_number(v[0]) if len(v) == 1 else _point_text(v)


# ------------------------------------------------------------------------------ the function's regions
@dataclass
class _Source:
    """f as the rest of the module sees it: exact evaluation, its regions over D, a certify target."""

    input_dim: int
    output_dim: int
    target: Any
    evaluate: Callable[[Sequence[Any]], list[Fraction]]
    region_graph: Callable[[Polyhedron | None], tuple[Any, dict[tuple[int, ...], Region]]]


def _source(f: Any, input_dim: int | None) -> _Source:
    """Accept a Network (any depth), a PWL, a FORMATS.md dict or an expression (with input_dim)."""
    if isinstance(f, Network):
        return _Source(f.input_dim, f.output_dim, f, f, lambda dom: _network_regions(f, dom))
    if isinstance(f, dict):
        if f.get("format") == "exactpwl.network":
            return _source(Network.from_dict(f), input_dim)
        f = PWL.from_dict(f)
    elif isinstance(f, (str, list, tuple)):
        if input_dim is None:
            raise InputError("target: an expression needs input_dim")
        f = PWL.from_expr(f if isinstance(f, str) else list(f), input_dim)
    if not isinstance(f, PWL):
        raise InputError(
            f"target: expected a Network, a PWL, a dict or an expression, got {type(f).__name__}"
        )
    t = f
    return _Source(t.input_dim, t.output_dim, t, t, lambda dom: _pwl_regions(t, dom))


def _network_regions(net: Network, dom: Polyhedron | None) -> tuple[Any, dict]:
    g = regions(net, dom)
    return g.graph, {r.pattern: r for r in g}


def _pwl_regions(t: PWL, dom: Polyhedron | None) -> tuple[Any, dict]:
    """Regions of a target over D, each with the target's affine map on it.

    Expressions and breakpoints: the regions of the compiled target.  Pieces and triangulations
    (validated first: they cover D and agree wherever two of them hold): the cells of the pieces'
    own hyperplanes, each looked up in the piece that contains it.
    """
    if t.pieces is None:
        return _network_regions(compile_target(t), dom)
    zero = Network.from_layers(
        [([[0] * t.input_dim for _ in range(t.output_dim)], [0] * t.output_dim)], activations=["linear"]
    )
    validate_pieces(zero, t, dom)
    g = regions(cut_network(t), dom)
    out = {}
    for r in g:
        p = piece_of(t.pieces, r)
        out[r.pattern] = Region(r.pattern, r.inequalities, r.interior_point, p.W, p.c, r.bounded)
    return g.graph, out


# ------------------------------------------------------------------------------ kinks
def _canonical(a: Sequence[int], b: int) -> tuple[tuple[int, ...], int, bool]:
    """Orient ``a.x <= b`` so that the first non-zero of ``a`` is positive (and say if flipped)."""
    first = next(v for v in a if v)
    if first < 0:
        return tuple(-v for v in a), -b, True
    return tuple(a), b, False


def _jump(a: tuple[int, ...], b: int, lo: Region, hi: Region) -> tuple[Fraction, ...] | None:
    """lambda with grad_hi - grad_lo = lambda a and c_hi - c_lo = -lambda b (None: f jumps, not CPWL)."""
    dW, dc = hi.W - lo.W, hi.c - lo.c
    i0 = next(i for i, v in enumerate(a) if v)
    out = []
    for k in range(dW.nrows()):
        lam = dW[k, i0] / a[i0]
        if any(dW[k, i] != lam * a[i] for i in range(len(a))) or dc[k, 0] != -lam * b:
            return None
        out.append(to_fraction(lam))
    return tuple(out)


def _point_on(a: tuple[int, ...], b: int, strict_rows: Sequence[Row]) -> Point | None:
    """A small-denominator point with ``a.x = b`` and every row strict (None if there is none)."""
    n = len(a)
    i0 = next(i for i, v in enumerate(a) if v)
    free = [j for j in range(n) if j != i0]
    yrows = []
    for r, s in strict_rows:
        # substitute x_i0 = (b - sum_j a_j y_j) / a_i0
        coeffs = [Fraction(r[j]) - Fraction(r[i0] * a[j], a[i0]) for j in free]
        rhs = Fraction(s) - Fraction(r[i0] * b, a[i0])
        if all(c == 0 for c in coeffs):
            if not rhs > 0:
                return None
            continue
        yrows.append(primitive_row(coeffs, rhs))
    if not free:
        y: list[Fraction] = []
    elif not yrows:
        y = [Fraction(0)] * len(free)
    else:
        pt = Polyhedron.from_rows(yrows, len(free)).interior_point()
        if pt is None:
            return None
        y = [to_fraction(v) for v in pt]
    x = [Fraction(0)] * n
    for j, v in zip(free, y):
        x[j] = v
    x[i0] = (b - sum(Fraction(a[j]) * x[j] for j in free)) / a[i0]
    return tuple(x)


def _room(p: Point, rows: Sequence[Row], direction: Sequence[int]) -> Fraction | None:
    """The largest t with p + t*direction in {rows} (None: unbounded)."""
    best = None
    for r, s in rows:
        rate = sum(ri * di for ri, di in zip(r, direction))
        if rate > 0:
            t = (s - sum(ri * xi for ri, xi in zip(r, p))) / Fraction(rate)
            best = t if best is None else min(best, t)
    return best


def _without(rows: Sequence[Row], a: tuple[int, ...], b: int) -> list[Row]:
    neg = (tuple(-v for v in a), -b)
    return [r for r in rows if r != (a, b) and r != neg]


_Site = tuple[Point, list[Row], list[Row], tuple[Fraction, ...]]  # point, rows behind, rows ahead, jump


def _witness(evaluate: Callable, a: tuple[int, ...], b: int, sites: list[_Site]) -> KinkWitness:
    """Exact second differences at two sites of ``a.x = b``, with e small enough for both."""
    eps = Fraction(1)
    for p, behind, ahead, _ in sites:
        for rows, sgn in ((behind, -1), (ahead, 1)):
            t = _room(p, rows, [sgn * v for v in a])
            if t is not None:
                while eps > t:
                    eps /= 2
    diffs = []
    for p, _, _, _ in sites:
        plus = evaluate([x + eps * v for x, v in zip(p, a)])
        minus = evaluate([x - eps * v for x, v in zip(p, a)])
        mid = evaluate(list(p))
        diffs.append(tuple(u + w - 2 * m for u, w, m in zip(plus, minus, mid)))
    return KinkWitness(
        a, b, (sites[0][0], sites[1][0]), (sites[0][3], sites[1][3]), eps, (diffs[0], diffs[1])
    )


def _cuts(rows: Sequence[Row], inside: Point, a: tuple[int, ...], b: int, n: int) -> bool:
    """Whether ``a.x = b`` passes through the interior of the polyhedron ``rows`` (exact LP)."""
    s = sum(ai * xi for ai, xi in zip(a, inside))
    if s == b:
        return True
    # the interior point is on one side: is there a point strictly on the other side?
    objective = a if s < b else tuple(-v for v in a)
    status, value, _ = lp.exact_max(rows, n, objective)
    return status == "unbounded" or (value > b if s < b else value > -b)


def analyse(f: Any, domain: Any = None, input_dim: int | None = None) -> KinkAnalysis | KinkWitness:
    """f on D as (*), or the witness that no one-hidden-layer network equals f on D (R7).

    ``f`` and ``domain`` as in ``shallow``; no network is built.
    """
    src = _source(f, input_dim)
    return _analyse(src, _domain(domain, src.input_dim))


def _domain(domain: Any, n: int) -> Polyhedron | None:
    dom = as_domain(domain, n)
    return None if dom is not None and not dom.rows else dom


def _analyse(src: _Source, dom: Polyhedron | None) -> KinkAnalysis | KinkWitness:
    graph, cells = src.region_graph(dom)
    n, m = src.input_dim, src.output_dim
    zero = tuple(Fraction(0) for _ in range(m))
    groups: dict[tuple[tuple[int, ...], int], list] = {}
    for u, v, dat in graph.edges(data=True):
        a, b = dat["hyperplane"]
        a, b, flipped = _canonical(a, b)
        lo, hi = (v, u) if flipped else (u, v)
        lam = _jump(a, b, cells[lo], cells[hi])
        if lam is None:
            raise InputError(
                f"target: not continuous across {hyperplane_text(a, b)} near {_point_text(dat['point'])}"
            )
        groups.setdefault((a, b), []).append((lam, lo, hi))

    def site(a: tuple[int, ...], b: int, lo: Any, hi: Any, lam: tuple[Fraction, ...]) -> _Site:
        behind = _without(cells[lo].inequalities, a, b)
        ahead = _without(cells[hi].inequalities, a, b)
        p = _point_on(a, b, behind + ahead)
        if p is None:  # cannot happen for an edge of the graph
            raise AssertionError(f"edge on {hyperplane_text(a, b)} has no relative interior point")
        return (p, behind, ahead, lam)

    def order(key: tuple[tuple[int, ...], int]) -> tuple:
        a, b = key
        return (sum(1 for v in a if v), [i for i, v in enumerate(a) if v], abs(b), a, b)

    kinks = []
    for a, b in sorted(groups, key=order):
        edges = groups[(a, b)]
        nonzero = [e for e in edges if e[0] != zero]
        if not nonzero:
            continue
        lam, lo, hi = nonzero[0]
        other = [e for e in edges if e[0] != lam]
        if other:
            other.sort(key=lambda e: e[0] != zero)  # prefer a zero jump as the contrast
            return _witness(
                src.evaluate, a, b, [site(a, b, *other[0][1:], other[0][0]), site(a, b, lo, hi, lam)]
            )
        for r in cells.values():
            rows = list(r.inequalities)
            if (
                (a, b) in rows
                or (tuple(-v for v in a), -b) in rows
                or not _cuts(rows, r.interior_point, a, b, n)
            ):
                continue
            p = _point_on(a, b, rows)
            if p is None:  # cannot happen: the hyperplane meets the interior
                raise AssertionError("a cut region has no point on the hyperplane")
            return _witness(src.evaluate, a, b, [(p, rows, rows, zero), site(a, b, lo, hi, lam)])
        kinks.append(Kink(a, b, lam))

    # the affine rest, read on one region: f minus the kink units active there
    r0 = next(iter(cells.values()))
    A = [[to_fraction(r0.W[k, i]) for i in range(n)] for k in range(m)]
    d = [to_fraction(r0.c[k, 0]) for k in range(m)]
    x0 = r0.interior_point
    for kk in kinks:
        if sum(ai * xi for ai, xi in zip(kk.normal, x0)) > kk.offset:
            for k in range(m):
                for i in range(n):
                    A[k][i] -= kk.jump[k] * kk.normal[i]
                d[k] += kk.jump[k] * kk.offset
    return KinkAnalysis(src.target, kinks, A, d, len(cells), graph.number_of_edges())


# ------------------------------------------------------------------------------ minimal width
@dataclass
class _Plan:
    """Which kinks point left (S), which get a second unit (T), and the linear part left over."""

    left: frozenset[int]
    doubled: tuple[int, ...]
    rest: list[list[Fraction]]  # m x n linear part the extra units must supply
    affine: bool  # supply ``rest`` with units affine on D (True) or with pairs (False)


def _lcm_scale(vectors: Sequence[Sequence[Fraction]]) -> int:
    den = 1
    for v in vectors:
        for x in v:
            den = den * x.denominator // math.gcd(den, x.denominator)
    return den


def _sums(vs: Sequence[tuple[int, ...]], dim: int, budget: list[int]) -> dict[tuple[int, ...], int]:
    """Every distinct subset sum of ``vs`` -> the bit mask of one subset with that sum.

    ``budget[0]`` counts down the sums made; below zero the search gives up (``CapReached``).
    Equal sums are kept once, so small jumps (1-D slopes, say) stay cheap for any number of kinks.
    """
    out = {(0,) * dim: 0}
    for j, v in enumerate(vs):
        bit = 1 << j
        new = {}
        for s, mask in out.items():
            t = tuple(x + y for x, y in zip(s, v))
            if t not in out and t not in new:
                new[t] = mask | bit
        out.update(new)
        budget[0] -= len(new)
        if budget[0] < 0:
            raise CapReached(
                f"shallow: more than {MAX_SUMS} distinct sums of kink jumps; the minimal width is not decided"
            )
    return out


def _subset_with_sum(
    vs: Sequence[tuple[int, ...]], target: tuple[int, ...], budget: list[int]
) -> list[int] | None:
    """Indices of a subset of ``vs`` (integer vectors) adding up to ``target``: meet in the middle."""
    dim = len(target)
    h = len(vs) // 2
    left = _sums(vs[:h], dim, budget)
    for s, mask in _sums(vs[h:], dim, budget).items():
        need = tuple(t - x for t, x in zip(target, s))
        if need in left:
            return [j for j in range(h) if left[need] >> j & 1] + [
                h + j for j in range(len(vs) - h) if mask >> j & 1
            ]
    return None


def _scaled(vectors: list[list[Fraction]]) -> list[tuple[int, ...]]:
    L = _lcm_scale(vectors)
    return [tuple(int(x * L) for x in v) for v in vectors]


def _affine_on(g: Sequence[Fraction], rays: list[list[int]] | None) -> bool:
    """Whether one unit can be ``g.x + const`` on D: g.x bounded below or above on D.

    ``rays`` of D's recession cone; None means D is bounded (every g works).
    """
    if rays is None:
        return True
    dots = [sum(gi * ri for gi, ri in zip(g, r)) for r in rays]
    return all(x >= 0 for x in dots) or all(x <= 0 for x in dots)


def _residual(an: KinkAnalysis, left: Sequence[int]) -> list[list[Fraction]]:
    """``R_S = A + sum_{H in S} lambda_H a_H``: the linear part left when the kinks in S point left."""
    R = [list(row) for row in an.A]
    for i in left:
        kk = an.kinks[i]
        for k in range(len(R)):
            for j in range(len(R[k])):
                R[k][j] += kk.jump[k] * kk.normal[j]
    return R


def _plan_one_output(an: KinkAnalysis, rays: list[list[int]] | None, on_rn: bool) -> _Plan:
    """Output dimension 1: the k / k+1 / k+2 decision (see the module docstring)."""
    K = an.kinks
    n = len(an.A[0])
    A = an.A[0]
    budget = [MAX_SUMS]
    if not any(A):
        return _Plan(frozenset(), (), [list(A)], False)
    vs = _scaled([[kk.jump[0] * a for a in kk.normal] for kk in K] + [[-x for x in A]])
    S = _subset_with_sum(vs[:-1], vs[-1], budget)
    if S is not None:  # k
        return _Plan(frozenset(S), (), [[Fraction(0)] * n], False)
    if n == 1 and K:  # k + 1: a second unit on any breakpoint frees the slope
        return _Plan(frozenset(), (0,), [list(A)], False)
    for i, kk in enumerate(K):  # k + 1: R_S in span(a_i), S among the others
        a = kk.normal
        aa = sum(x * x for x in a)

        def proj(v: tuple[int, ...], a: tuple[int, ...] = a, aa: int = aa) -> tuple[int, ...]:
            va = sum(x * y for x, y in zip(v, a))
            return tuple(aa * x - va * y for x, y in zip(v, a))

        others = [j for j in range(len(K)) if j != i]
        S = _subset_with_sum([proj(vs[j]) for j in others], proj(vs[-1]), budget)
        if S is not None:
            left = [others[j] for j in S]
            return _Plan(frozenset(left), (i,), _residual(an, left), False)
    if not on_rn:  # k + 1: one unit affine on D supplies R_S
        if rays is None:
            return _Plan(frozenset(), (), [list(A)], True)
        for s, mask in _sums(vs[:-1], n, budget).items():  # R_S = (s - vs[-1]) / scale
            if _affine_on([x - y for x, y in zip(s, vs[-1])], rays):
                left = [j for j in range(len(K)) if mask >> j & 1]
                return _Plan(frozenset(left), (), _residual(an, left), True)
    return _Plan(frozenset(), (), [list(A)], False)  # k + 2: a pair


def _mat(rows: Sequence[Sequence[Any]], ncols: int | None = None) -> fmpq_mat:
    if not rows:
        return fmpq_mat(0, ncols or 0)
    return fmpq_mat([[to_fmpq(v) for v in row] for row in rows])


def _complement_projector(normals: Sequence[Sequence[int]], n: int) -> fmpq_mat:
    """The orthogonal projector onto the complement of ``span(normals)``."""
    basis: list[list[int]] = []
    for a in normals:
        if _mat([*basis, list(a)]).rank() > len(basis):
            basis.append(list(a))
    I_n = fmpq_mat(n, n, [int(i == j) for i in range(n) for j in range(n)])
    if not basis:
        return I_n
    B = _mat(basis).transpose()  # n x r
    return I_n - B * (B.transpose() * B).inv() * B.transpose()


def _plan_several_outputs(an: KinkAnalysis, bounded: bool) -> _Plan:
    """Several outputs: search min |T| + c rank(R_S P_T) (c = 1 on a bounded domain, 2 on R^n).

    Every set T of doubled kinks with |T| below the best cost so far, and every distinct R_S P_T.
    """
    K, m, n = len(an.kinks), len(an.A), len(an.A[0])
    c = 1 if bounded else 2
    budget = [MAX_SUMS]
    best_cost = c * _mat(an.A).rank()
    best = _Plan(frozenset(), (), an.A, bounded)
    for s in [0] if bounded else range(K + 1):
        if s >= best_cost:
            break
        for T in combinations(range(K), s):
            P = _complement_projector([an.kinks[i].normal for i in T], n)
            rest = [i for i in range(K) if i not in T]
            flat = [(_mat(an.A) * P).entries()] + [
                (_mat([[v] for v in an.kinks[i].jump]) * _mat([list(an.kinks[i].normal)]) * P).entries()
                for i in rest
            ]
            ints = _scaled([[to_fraction(x) for x in f] for f in flat])
            for total, mask in _sums(ints[1:], m * n, budget).items():
                M = fmpq_mat(m, n, [x + y for x, y in zip(ints[0], total)])
                cost = s + c * M.rank()
                if cost < best_cost:
                    left = [rest[j] for j in range(len(rest)) if mask >> j & 1]
                    best_cost, best = cost, _Plan(frozenset(left), T, _residual(an, left), bounded)
    return best


# ------------------------------------------------------------------------------ the network
def _rank_one_terms(M: list[list[Fraction]]) -> list[tuple[tuple[int, ...], list[Fraction]]]:
    """``M = sum_j d_j g_j^T`` with g_j primitive integer rows taken from M (a basis of its rows)."""
    basis: list[list[Fraction]] = []
    for row in M:
        if any(row) and _mat([*basis, list(row)]).rank() > len(basis):
            basis.append(list(row))
    if not basis:
        return []
    R = _mat(basis)  # r x n; M's rows lie in R's row space: C R = M
    C = (R * R.transpose()).solve(R * _mat(M).transpose()).transpose()  # m x r
    out = []
    for j, g in enumerate(basis):
        gi, _ = primitive_row(g, 0)
        scale = next(Fraction(x) / y for x, y in zip(g, gi) if y)  # g = scale * gi
        out.append((gi, [to_fraction(C[k, j]) * scale for k in range(C.nrows())]))
    return out


def _doubled_shares(
    an: KinkAnalysis, T: Sequence[int], R: list[list[Fraction]], n: int
) -> dict[int, list[Fraction]]:
    """s_i (one per output) with ``sum_{i in T} s_i a_i^T = -R Pi_T`` (Pi_T: projector onto span a_i)."""
    if not T:
        return {}
    P = _complement_projector([an.kinks[i].normal for i in T], n)
    target = _mat(R) * P - _mat(R)  # = -R Pi_T, rows in span{a_i}
    basis: list[int] = []
    for i in T:
        if _mat([list(an.kinks[j].normal) for j in basis] + [list(an.kinks[i].normal)]).rank() > len(basis):
            basis.append(i)
    B = _mat([list(an.kinks[i].normal) for i in basis])  # r x n;  Sx B = target
    Sx = (B * B.transpose()).solve(B * target.transpose()).transpose()  # m x r
    m = len(R)
    out = {i: [Fraction(0)] * m for i in T}
    for j, i in enumerate(basis):
        out[i] = [to_fraction(Sx[k, j]) for k in range(m)]
    return out


def _units(an: KinkAnalysis, plan: _Plan, dom: Polyhedron | None, n: int) -> list[Unit]:
    m = len(an.A)
    units = []
    shares = _doubled_shares(an, plan.doubled, plan.rest, n)
    rest = [list(r) for r in plan.rest]
    for i, kk in enumerate(an.kinks):
        a, b, lam = kk.normal, Fraction(kk.offset), list(kk.jump)
        neg = tuple(-x for x in a)
        if i in shares:
            # lambda relu(h) = (lambda - s) relu(h) + s relu(-h) + s h: the pair supplies s a^T
            s = shares[i]
            units.append(Unit(a, -b, tuple(lv - sv for lv, sv in zip(lam, s)), "kink"))
            units.append(Unit(neg, b, tuple(s), "second unit on a kink"))
            for k in range(m):
                for j in range(n):
                    rest[k][j] += s[k] * a[j]
        elif i in plan.left:
            units.append(Unit(neg, b, tuple(lam), "kink"))
        else:
            units.append(Unit(a, -b, tuple(lam), "kink"))
    for g, coef in _rank_one_terms(rest):
        if plan.affine:
            units.append(_affine_unit(g, coef, dom))
        else:
            units.append(Unit(g, Fraction(0), tuple(coef), "pair (linear part)"))
            units.append(
                Unit(tuple(-x for x in g), Fraction(0), tuple(-c for c in coef), "pair (linear part)")
            )
    return units


def _affine_unit(g: tuple[int, ...], coef: list[Fraction], dom: Polyhedron) -> Unit:
    """``coef * (g.x)`` up to a constant by one unit that never switches off on D."""
    status, low, _ = lp.exact_max(dom.rows, dom.dim, tuple(-x for x in g))  # max -g.x = -min g.x
    if status == "optimal":  # relu(g.x - min g.x) = g.x - min g.x on D
        return Unit(g, low, tuple(coef), "affine on the domain")
    status, high, _ = lp.exact_max(dom.rows, dom.dim, g)
    if status != "optimal":  # cannot happen: the plan checked that g.x is bounded on one side
        raise AssertionError("g.x is unbounded both ways on the domain")
    return Unit(tuple(-x for x in g), high, tuple(-c for c in coef), "affine on the domain")


def _network(units: list[Unit], src: _Source, dom: Polyhedron | None) -> Network:
    """The network of the units; the output bias makes it agree with f at one point of D."""
    n, m = src.input_dim, src.output_dim
    x0 = [to_fraction(v) for v in dom.interior_point()] if dom is not None else [Fraction(0)] * n
    fx = src.evaluate(x0)
    c = []
    for k in range(m):
        hidden = sum(
            (u.v[k] * max(Fraction(0), sum(wi * xi for wi, xi in zip(u.w, x0)) + u.bias) for u in units),
            Fraction(0),
        )
        c.append(fx[k] - hidden)
    if not units:
        return Network.from_layers([([[0] * n for _ in range(m)], c)], activations=["linear"])
    W1 = [list(u.w) for u in units]
    b1 = [u.bias for u in units]
    V = [[u.v[k] for u in units] for k in range(m)]
    return Network.from_layers([(W1, b1), (V, c)])


def _case(extra: int) -> str:
    return "k" if extra == 0 else f"k+{extra}"


def shallow(f: Any, domain: Any = None, input_dim: int | None = None) -> Shallow:
    """Decide exactly whether ``f`` is a one-hidden-layer ReLU network on ``domain``; minimal width.

    ``f``: a ``Network`` of any depth, a ``PWL``, a FORMATS.md dict, or an expression (give
    ``input_dim``).  ``domain``: None (all of R^n), a ``Polyhedron`` or a FORMATS.md domain dict.
    When representable, the minimal network is certified equal to f on the domain (exactly).

    >>> s = shallow("abs(x1) + relu(x2)", input_dim=2)
    >>> s.width, s.case, s.network.architecture
    (3, 'k+1', '2-3-1')
    >>> shallow("max(0, x1, x2)", input_dim=2).witness.second_differences
    ((Fraction(0, 1),), (Fraction(1, 1),))
    >>> shallow("x1", {"box": [[-1, 1]]}, input_dim=1).width    # relu(x1 + 1) - 1 on [-1, 1]
    1
    """
    src = _source(f, input_dim)
    n, m = src.input_dim, src.output_dim
    dom = _domain(domain, n)
    found = _analyse(src, dom)
    if isinstance(found, KinkWitness):
        return Shallow(False, n, m, dom, src.target, witness=found)
    an = found
    bounded = dom is not None and dom.is_bounded()
    rays = None if (dom is None or bounded) else recession_rays(dom.rows, dom.dim)
    if m == 1:
        plan = _plan_one_output(an, rays, dom is None)
    elif dom is None or bounded:
        plan = _plan_several_outputs(an, bounded)
    else:
        raise InputError(
            "shallow: the minimal width for several outputs is decided on R^n and on bounded domains only"
        )
    units = _units(an, plan, dom, n)
    net = _network(units, src, dom)
    from .verdict import certify

    v = certify(net, src.target, dom)
    if not v.holds:  # cannot happen: (*) holds on D and the units rebuild it
        raise AssertionError(f"shallow: the minimal network differs from f at {v.counterexample}")
    extra = len(units) - len(an.kinks)
    return Shallow(True, n, m, dom, src.target, an, len(units), _case(extra), net, units, v.regions)
