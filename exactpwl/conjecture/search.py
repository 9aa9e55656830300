"""``search(f, widths, weights)``: does any network of a finite family compute f exactly?

The family: hidden layers of the given widths with weights and biases from finite sets (one
per class of equal hidden layers, as in ``networks``), and an output layer that is either any
rational one (the default: it is solved for) or one with numbers from finite sets.

For each hidden part the question is exact and cheap to narrow down:

1. the values of f and of the hidden units at rational points (including points that pin f's
   breakpoints) give a linear system for the output layer; if it has no rational solution, no
   output layer works (every exact solution must satisfy it), and the hidden part is ruled out;
2. otherwise a solution is certified (``certify``); if the network differs from f, the point
   where it differs joins the system, which then loses a dimension or its solutions: after at
   most (units + 2) rounds the hidden part is either certified or ruled out.

Before any hidden part, an architecture whose region-count bound (Serra et al. 2018) is below
the number of f's linear pieces is ruled out whole (when f's pieces are known cheaply: 1-D
breakpoints or a network).  Finding a network refutes a lower bound; exhausting the family
proves that *no network of this family* computes f, and nothing about other families.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from flint import fmpq, fmpq_mat

from ..errors import InputError
from ..network import Network
from ..numbers import to_fmpq, to_fraction
from ..polyhedron import as_domain
from ..pwl import PWL
from .bounds import serra_bound
from .network_space import NetworkFamily
from .space import value_list

__all__ = ["SearchResult", "search"]


@dataclass
class SearchResult:
    """The answer of ``search``: ``found`` (a certified network) or None.

    ``exhausted``: every hidden part of every architecture was decided (none stopped by the
    budget), so ``found is None`` means no network of the family computes f.  ``tried``:
    hidden parts examined; ``ruled_out``: how each was ruled out (``points``: no output layer
    fits the values at rational points; ``certify``: the certified rounds ran out of
    solutions; ``bound``: whole architectures ruled out by the region bound).
    """

    found: Network | None
    exhausted: bool
    tried: int
    family: list[str]
    verdict: Any = None
    ruled_out: dict[str, int] = field(default_factory=lambda: {"points": 0, "certify": 0, "bound": 0})
    certify_calls: int = 0

    def __bool__(self) -> bool:
        return self.found is not None

    def to_json(self) -> dict:
        from .witness import to_json

        return {
            "found": to_json(self.found),
            "exhausted": self.exhausted,
            "tried": self.tried,
            "family": self.family,
            "ruled_out": dict(self.ruled_out),
            "certify_calls": self.certify_calls,
            "regions": self.verdict.regions if self.verdict is not None else None,
        }

    def __str__(self) -> str:
        fam = "; ".join(self.family)
        if self.found is not None:
            return f"found {self.found.architecture}, certified on {self.verdict.regions} regions ({fam})"
        r = self.ruled_out
        how = (
            f"{r['points']} by exact values at points, {r['certify']} by certify, "
            f"{r['bound']} architectures by the region bound"
        )
        if self.exhausted:
            return f"none: no network of the family computes f ({self.tried} hidden parts: {how}; {fam})"
        return f"none among the first {self.tried} hidden parts (budget), nothing claimed beyond ({fam})"


# ---------------------------------------------------------------------- the target
def _target(
    f: Any, input_dim: int | None
) -> tuple[Any, Callable[[Sequence[Fraction]], list[Fraction]], int, int]:
    """(what certify takes, an exact evaluator, input dimension, output dimension)."""
    if isinstance(f, Network):
        return f, f, f.input_dim, f.output_dim
    if isinstance(f, dict):
        f = PWL.from_dict(f)
    elif isinstance(f, (str, list, tuple)):
        if input_dim is None:
            raise InputError("search: an expression target needs input_dim")
        f = PWL.from_expr(f, input_dim)
    if not isinstance(f, PWL):
        raise InputError(
            f"search: f must be a PWL, a Network, an expression or a dict, got {type(f).__name__}"
        )
    return f, f, f.input_dim, f.output_dim


def _pieces(f: Any) -> int | None:
    """The number of linear pieces of f when it is cheap to know exactly (else None)."""
    if isinstance(f, Network):
        from ..region_graph import regions

        return regions(f).num_pieces
    if isinstance(f, PWL) and "breakpoints" in f.data:
        pts = [(Fraction(x), Fraction(y)) for x, y in f.data["breakpoints"]]
        slopes = [(y1 - y0) / (x1 - x0) for (x0, y0), (x1, y1) in zip(pts, pts[1:])]
        return 1 + sum(1 for a, b in zip(slopes, slopes[1:]) if a != b)
    return None


def _points(f: Any, n: int, domain: Any, extra: Iterable[Sequence[Any]]) -> list[tuple[Fraction, ...]]:
    """Rational points for the cheap filter: a small grid (or fixed random points), f's
    breakpoints and the points between and beyond them, the given ones; all inside the domain."""
    pts: list[tuple[Fraction, ...]] = []
    coords = [Fraction(c) for c in (0, 1, -1, 2, -2, Fraction(1, 2), Fraction(-1, 3), Fraction(5, 3))]
    if n <= 2:
        pts += list(itertools.product(coords, repeat=n))
    else:
        rng = random.Random(0)
        pts += [tuple(Fraction(0) for _ in range(n))]
        pts += [
            tuple(Fraction(rng.randint(-9, 9), rng.randint(1, 4)) for _ in range(n)) for _ in range(12 * n)
        ]
    if isinstance(f, PWL) and "breakpoints" in f.data:
        xs = [Fraction(x) for x, _ in f.data["breakpoints"]]
        pts += [(x,) for x in xs] + [((a + b) / 2,) for a, b in zip(xs, xs[1:])]
        pts += [(xs[0] - 1,), (xs[-1] + 1,)]
    pts += [tuple(to_fraction(to_fmpq(v, "search: point")) for v in p) for p in extra]
    dom = as_domain(domain, n)
    if dom is not None:
        inside = [p for p in pts if dom.contains(p)]
        c = [to_fraction(v) for v in dom.interior_point()]
        inside.append(tuple(c))
        for i in range(n):
            for d in (Fraction(1, 7), Fraction(-1, 9)):
                q = tuple(ci + (d if k == i else 0) for k, ci in enumerate(c))
                if dom.contains(q):
                    inside.append(q)
        pts = inside
    seen: dict[tuple[Fraction, ...], None] = {}
    for p in pts:
        seen.setdefault(p, None)
    return list(seen)


# ---------------------------------------------------------------------- exact linear algebra
def _q(v: Fraction) -> fmpq:
    return fmpq(v.numerator, v.denominator)


def _features(
    hidden: Sequence[tuple[list[list[Fraction]], list[Fraction]]], pts: Sequence[Sequence[Fraction]]
) -> list[list[fmpq]]:
    """The last hidden layer's outputs at each point, exactly (one row per point)."""
    layers = [([[_q(w) for w in row] for row in W], [_q(v) for v in b]) for W, b in hidden]
    zero = fmpq(0)
    rows = []
    for p in pts:
        h = [_q(v) for v in p]
        for W, b in layers:
            h = [max(sum((w * x for w, x in zip(row, h)), bj), zero) for row, bj in zip(W, b)]
        rows.append(h)
    return rows


def _solve(A: list[list[fmpq]], y: list[fmpq]) -> list[fmpq] | None:
    """A solution of ``A t = y`` (free variables 0), or None when there is none."""
    m = len(A[0])
    R, rank = fmpq_mat([row + [v] for row, v in zip(A, y)]).rref()
    t = [fmpq(0)] * m
    for i in range(rank):
        lead = next(j for j in range(m + 1) if R[i, j] != 0)
        if lead == m:
            return None  # a row 0 = c with c != 0
        t[lead] = R[i, m]
    return t


def _output_layer(H: list[list[fmpq]], Y: list[list[Fraction]]) -> tuple[list[list[fmpq]], list[fmpq]] | None:
    """Rational output weights V and biases c with ``V h(p) + c = f(p)`` at every point, or None."""
    A = [row + [fmpq(1)] for row in H]
    V, c = [], []
    for k in range(len(Y[0])):
        t = _solve(A, [_q(v[k]) for v in Y])
        if t is None:
            return None
        V.append(t[:-1])
        c.append(t[-1])
    return V, c


# ---------------------------------------------------------------------- the search
def search(
    f: Any,
    widths: int | Sequence[int] | Sequence[Sequence[int]],
    weights: Iterable[Any] = (0, 1, -1),
    *,
    biases: Iterable[Any] | None = None,
    output_weights: Iterable[Any] | None = None,
    output_biases: Iterable[Any] | None = None,
    input_dim: int | None = None,
    domain: Any = None,
    points: Iterable[Sequence[Any]] = (),
    budget: int | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> SearchResult:
    """Is there a network with hidden ``widths`` and hidden numbers from ``weights`` (``biases``)
    that equals ``f`` on ``domain`` (None: all of R^n)?

    ``widths``: ``2``, ``(3, 1)`` or a list of such, tried in order.  The output layer is any
    rational one unless ``output_weights`` (and ``output_biases``, default the hidden biases)
    limit it.  ``points``: extra rational points for the cheap filter.  ``budget``: at most this many
    hidden parts.  The first network found is certified; ``SearchResult.exhausted`` with
    nothing found is an exact negative for this family.

    >>> search("abs(x1)", 1, input_dim=1).found is None   # one unit has a constant side
    True
    >>> search("abs(x1)", 2, input_dim=1).found.architecture
    '1-2-1'
    """
    from ..verdict import certify

    target, value, n, K = _target(f, input_dim)
    if isinstance(widths, int):
        archs = [(widths,)]
    elif widths and all(isinstance(w, int) for w in widths):
        archs = [tuple(widths)]
    else:
        archs = [tuple(w) for w in widths]
    if not archs or any(not a or any(not isinstance(w, int) or w < 1 for w in a) for a in archs):
        raise InputError("search: widths must be an int, a tuple of hidden widths, or a list of such")
    if output_biases is not None and output_weights is None:
        raise InputError("search: output_biases needs output_weights (else the output layer is free)")
    fixed_out = output_weights is not None
    V = value_list(output_weights, "output weights") if fixed_out else None
    C = None
    if fixed_out:
        C = value_list(output_biases if output_biases is not None else biases or weights, "output biases")
    pts = _points(target, n, domain, points)
    Y = [value(p) for p in pts]
    pieces = _pieces(target)
    result = SearchResult(None, True, 0, [])
    for arch in archs:
        fam = NetworkFamily((n, *arch, K), weights, biases, free_output=True)
        result.family.append(
            fam.describe()
            if not fixed_out
            else fam.describe().replace(
                "output layer solved exactly over Q",
                f"output weights in {_text(V)}, output biases in {_text(C)}",
            )
        )
        if pieces is not None and pieces > serra_bound(n, arch):
            result.ruled_out["bound"] += 1
            continue
        for x in fam.reduced():
            if budget is not None and result.tried >= budget:
                result.exhausted = False
                return result
            result.tried += 1
            if progress is not None and result.tried % 200 == 0:
                progress(result.tried, None)
            hidden = fam.layers(x)
            found = _decide(hidden, pts, Y, target, domain, V, C, result, certify)
            if found is not None:
                result.found, result.verdict = found
                return result
    return result


def _text(values: Sequence[Fraction]) -> str:
    from .space import values_text

    return values_text(values)


def _decide(
    hidden, pts, Y, target, domain, V, C, result: SearchResult, certify
) -> tuple[Network, Any] | None:
    """One hidden part: a certified network, or None (ruled out)."""
    P, Ys = list(pts), list(Y)
    rounds = 0
    while True:
        H = _features(hidden, P)
        if V is None:
            sol = _output_layer(H, Ys)
            candidates = [] if sol is None else [sol]
        else:
            candidates = _finite_outputs(H, Ys, V, C)
        if not candidates:
            result.ruled_out["points" if rounds == 0 else "certify"] += 1
            return None
        for Vo, co in candidates:
            net = Network.from_layers([*hidden, (Vo, co)])
            v = certify(net, target, domain)
            result.certify_calls += 1
            if v.holds:
                return net, v
            if v.holds is None:
                raise AssertionError("certify stopped without a cap")
            if V is None:
                P.append(tuple(v.counterexample.x))
                Ys.append(list(v.counterexample.target))
        rounds += 1
        if V is not None:  # every fitting output layer of the finite set was certified and failed
            result.ruled_out["certify"] += 1
            return None


def _finite_outputs(H, Y, V, C) -> list[tuple[list[Fraction], list[Fraction]]]:
    """Output layers with numbers from the finite sets that fit every point, sparse first."""
    from .space import ranked, sparse_first

    m, K = len(H[0]), len(Y[0])
    cols = [ranked(V)] * m + [ranked(C)]
    caps = [len(c) - 1 for c in cols]
    zero = [c[0] is not None for c in cols]
    per_output = []
    for k in range(K):
        fits = []
        for ranks in sparse_first(caps, zero):
            t = [c[r] for c, r in zip(cols, ranks)]
            tq = [_q(v) for v in t]
            if all(sum((h * w for h, w in zip(row, tq[:-1])), tq[-1]) == _q(y[k]) for row, y in zip(H, Y)):
                fits.append(t)
        per_output.append(fits)
    return [([t[:-1] for t in choice], [t[-1] for t in choice]) for choice in itertools.product(*per_output)]
