"""``certify``: does a network equal a target on a domain?  A certificate, or a counterexample.

One enumerator serves everything (DESIGN.md): the walk runs over the regions of the joint
program (``pwl.joint_program``); on each region the program is one affine map, which must be
identically zero (or equal the map of the target's piece there).  The first region where it is
not gives a counterexample: a rational point strictly inside that region, with small
denominators, where the two sides differ, with both exact values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from flint import fmpq, fmpq_mat

from . import lp
from .errors import InputError
from .network import Network
from .numbers import format_number, to_fraction
from .polyhedron import as_domain
from .pwl import PWL, Program, joint_program
from .region_graph import Region, RegionGraph, region_rows, regions

__all__ = ["Counterexample", "Verdict", "certify", "as_target", "program_rows"]

CERTIFICATE = "exactpwl.certificate"


@dataclass(frozen=True)
class Counterexample:
    """A rational point where the network and the target differ, with both exact values."""

    x: tuple[Fraction, ...]
    network: tuple[Fraction, ...]
    target: tuple[Fraction, ...]

    def to_json(self) -> dict:
        return {
            "x": [format_number(v) for v in self.x],
            "network": [format_number(v) for v in self.network],
            "target": [format_number(v) for v in self.target],
        }


@dataclass
class Verdict:
    """The answer of ``certify``: ``holds`` is True, False, or None (a cap stopped the walk)."""

    holds: bool | None
    regions: int
    counterexample: Counterexample | None
    graph: RegionGraph
    program: Program
    network: Network
    target: PWL
    domain_spec: Any = None
    stats: dict = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.holds)

    def to_json(self) -> dict:
        d: dict[str, Any] = {"holds": self.holds, "regions": self.regions}
        if self.holds is None:
            d["complete"] = False
            d["unexplored"] = self.graph.unexplored
        if self.counterexample is not None:
            d["counterexample"] = self.counterexample.to_json()
        d.update(self.stats)
        return d

    def _repr_png_(self) -> bytes | None:
        """The network's regions (2-D) or graph with the target (1-D), the counterexample marked."""
        from .plot import png

        return png(self)

    def certificate(self) -> dict:
        """The ``exactpwl.certificate`` JSON object (docs/certificate.md); only when the claim holds."""
        if not self.holds:
            raise InputError("certificate: there is none, the claim does not hold (or was not decided)")
        return _certificate(self)


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


def certify(
    net: Network,
    target: Any,
    domain: Any = None,
    *,
    max_regions: int | None = None,
    backend: str = "ppl",
    cross_check: str | None = None,
    progress: Any = None,
) -> Verdict:
    """Decide exactly whether ``net(x) == target(x)`` for every x in ``domain`` (None: all of R^n).

    ``target``: a ``PWL``, a ``Network``, an expression such as ``"max(0, x1)"`` or a FORMATS.md
    dict.  ``cross_check="z3"`` asks z3 the same question and raises if the answers differ.
    ``progress(found, queued)`` is called now and then during the walk.

    >>> net = Network.from_layers([([[1], [-1]], [0, 0]), ([[1, 1]], [0])])
    >>> certify(net, "abs(x1)").holds
    True
    >>> v = certify(net, "abs(x1) + relu(x1 - 1/2) - relu(x1 - 1/2 - 1e-9)", {"box": [[-1, 1]]})
    >>> v.holds, v.counterexample.x[0] > Fraction(1, 2)
    (False, True)
    """
    t = as_target(target, net.input_dim)
    prog = joint_program(net, t)
    dom = as_domain(domain, net.input_dim)
    if prog.pieces is not None:
        _validate_pieces(prog, dom)
    zeros = (fmpq_mat(net.output_dim, net.input_dim), fmpq_mat(net.output_dim, 1))

    def differs(region: Region) -> bool:
        if prog.pieces is None:
            return (region.W, region.c) != zeros
        piece = _piece_of(prog, region)
        return not (region.W == piece.W and region.c == piece.c)

    g = regions(prog.network, dom, max_regions=max_regions, backend=backend, until=differs, progress=progress)
    stats = {k: g.stats[k] for k in ("seconds", "backend")}
    if g.stopped_at is not None:
        cx = _counterexample(net, t, prog, g[g.stopped_at])
        verdict = Verdict(False, len(g), cx, g, prog, net, t, domain, stats)
    elif not g.complete:
        verdict = Verdict(None, len(g), None, g, prog, net, t, domain, stats)
    else:
        verdict = Verdict(True, len(g), None, g, prog, net, t, domain, stats)
    if cross_check is not None:
        _cross_check(verdict, cross_check, dom)
    return verdict


# ---------------------------------------------------------------------- pieces
def _piece_of(prog: Program, region: Region):
    """The piece that contains the region (each region lies in one: piece facets cut the walk)."""
    x = [fmpq(v.numerator, v.denominator) for v in region.interior_point]
    inside = [i for i, p in enumerate(prog.pieces) if p.contains(x)]
    where = "(" + ", ".join(format_number(v) for v in x) + ")"
    if not inside:
        raise InputError(f"target: the pieces do not cover the domain; no piece contains {where}")
    first = prog.pieces[inside[0]]
    for i in inside[1:]:
        p = prog.pieces[i]
        if not (p.W == first.W and p.c == first.c):
            raise InputError(
                f"target: pieces {inside[0] + 1} and {i + 1} overlap with different maps at {where}"
            )
    return first


def _validate_pieces(prog: Program, dom) -> None:
    """Before any verdict: the pieces cover the domain, agree where they overlap and meet.

    A walk over the arrangement of the pieces' own facet hyperplanes (the network plays no part),
    so a bad target is reported as bad input, never as a refutation.
    """
    n = prog.network.input_dim
    cuts = sorted({row for p in prog.pieces for row in p.rows})
    if not cuts:
        cuts_net = Network.from_layers([([[0] * n], [0])], activations=["linear"])
    else:
        cuts_net = Network.from_layers(
            [([list(a) for a, _ in cuts], [-b for _, b in cuts]), ([[0] * len(cuts)], [0])]
        )
    g = regions(cuts_net, dom)
    for r in g:
        _piece_of(prog, r)  # coverage and overlaps
    _check_continuity(prog, g)


def _piece_index(prog: Program, region: Region) -> int:
    x = [fmpq(v.numerator, v.denominator) for v in region.interior_point]
    return next(i for i, p in enumerate(prog.pieces) if p.contains(x))


def _check_continuity(prog: Program, g: RegionGraph) -> None:
    """Adjacent pieces must agree on their common facet (the target must be continuous)."""
    for u, v, d in g.graph.edges(data=True):
        pu, pv = _piece_of(prog, g[u]), _piece_of(prog, g[v])
        if pu.W == pv.W and pu.c == pv.c:
            continue
        a, b = d["hyperplane"]
        dW, dc = pu.W - pv.W, pu.c - pv.c
        for i in range(dW.nrows()):
            grad = [dW[i, k] for k in range(dW.ncols())]
            p = [fmpq(x.numerator, x.denominator) for x in d["point"]]
            value = sum((gk * pk for gk, pk in zip(grad, p)), dc[i, 0])
            # along the facet the difference changes with the part of its gradient parallel to it
            aa = sum(ak * ak for ak in a)
            along = [
                gk - sum((gj * aj for gj, aj in zip(grad, a)), fmpq(0)) / aa * ak for gk, ak in zip(grad, a)
            ]
            if value == 0 and not any(along):
                continue  # the difference vanishes on the whole hyperplane: continuous here
            if value == 0:  # move inside the facet to where the two maps differ
                p = _step_inside(g[u], (a, b), p, along)
            x = "(" + ", ".join(format_number(t) for t in p) + ")"
            raise InputError(f"target: the pieces are not continuous; they disagree at {x}")


def _step_inside(region: Region, facet, p: list, d: list) -> list:
    """``p + t d`` for a small t > 0 that stays in the facet (strictly inside the other rows)."""
    t = fmpq(1)
    for a, b in region.inequalities:
        if (a, b) == facet:
            continue
        ad = sum((ai * di for ai, di in zip(a, d)), fmpq(0))
        if ad > 0:
            slack = b - sum((ai * pi for ai, pi in zip(a, p)), fmpq(0))
            while t * ad >= slack:
                t /= 2
    return [pi + t * di for pi, di in zip(p, d)]


# ---------------------------------------------------------------------- counterexamples
def _counterexample(net: Network, t: PWL, prog: Program, region: Region) -> Counterexample:
    """A small-denominator point strictly inside ``region`` where network and target differ."""
    n = net.input_dim
    x0 = [fmpq(v.numerator, v.denominator) for v in region.interior_point]
    if prog.pieces is None:
        W, c = region.W, region.c
    else:
        piece = _piece_of(prog, region)
        W, c = region.W - piece.W, region.c - piece.c
    X0 = fmpq_mat(n, 1, x0)
    diff = W * X0 + c
    x = x0
    if all(v == 0 for v in diff.entries()):
        # the difference vanishes at x0 but not on the region: step along its gradient
        i = next(i for i in range(W.nrows()) if any(W[i, k] != 0 for k in range(n)))
        d = [W[i, k] for k in range(n)]
        t_max = None
        for a, b in region.inequalities:
            ad = sum((ai * di for ai, di in zip(a, d)), fmpq(0))
            if ad > 0:
                slack = b - sum((ai * xi for ai, xi in zip(a, x0)), fmpq(0))
                t_max = slack / ad if t_max is None else min(t_max, slack / ad)
        step = fmpq(1)
        while t_max is not None and step >= t_max:
            step /= 2
        x = [xi + step * di for xi, di in zip(x0, d)]
    xs = tuple(to_fraction(v) for v in x)
    yn, yt = tuple(net(xs)), tuple(t(xs))
    if yn == yt:  # cannot happen: the difference is a non-zero affine map evaluated off its zero set
        raise AssertionError(f"counterexample {xs} does not separate network and target")
    return Counterexample(xs, yn, yt)


# ---------------------------------------------------------------------- certificates
def program_rows(program: Network, pattern: Sequence[int], domain_rows: Sequence) -> list:
    """The distinct non-trivial rows of a pattern's polyhedron, sorted (the certificate's indexing)."""
    rows, _, _ = region_rows(program, pattern, domain_rows)
    return sorted(r for r in rows if any(r[0]) or r[1] < 0)


def _certificate(v: Verdict) -> dict:
    g, prog = v.graph, v.program
    dom = g.domain
    dom_rows = list(dom.rows) if dom is not None else []
    dom_set = set(dom_rows)
    index = {p: i for i, p in enumerate(g.graph)}
    out_regions = []
    for p in g.graph:
        region = g[p]
        rows = program_rows(prog.network, p, dom_rows)
        pos = {r: i for i, r in enumerate(rows)}
        facet_rows = list(region.inequalities)
        mine = set(facet_rows)
        across = {}
        for q, d in g.graph[p].items():
            a, b = d["hyperplane"]  # the row of the side that found the edge; the other has (-a, -b)
            row = (a, b) if (a, b) in mine else (tuple(-x for x in a), -b)
            across[row] = (index[q], d["point"])
        facets, redundant = [], []
        for r in rows:
            if r in dom_set:
                continue
            if r in across:
                q, pt = across[r]
                facets.append(
                    {
                        "a": [str(x) for x in r[0]],
                        "b": str(r[1]),
                        "neighbour": q,
                        "point": [format_number(x) for x in pt],
                    }
                )
                continue
            sub = [f for f in facet_rows if f != r] + [r]
            y = lp.redundancy_certificate(sub, len(sub) - 1)
            if y is None:  # cannot happen: a row that is not a facet is implied by the facets
                raise AssertionError(f"row {r} of region {index[p]} is neither a facet nor redundant")
            redundant.append(
                {
                    "a": [str(x) for x in r[0]],
                    "b": str(r[1]),
                    "multipliers": [[pos[sub[j]], format_number(val)] for j, val in sorted(y.items())],
                }
            )
        entry = {
            "pattern": "".join(map(str, p)),
            "point": [format_number(x) for x in region.interior_point],
            "facets": facets,
            "redundant": redundant,
        }
        if prog.pieces is not None:
            entry["piece"] = _piece_index(prog, region)
        out_regions.append(entry)
    return {
        "format": CERTIFICATE,
        "version": 1,
        "claim": "network == target on domain",
        "network": v.network.to_dict(),
        "target": v.target.data,
        "domain": _domain_json(dom),
        "program_neurons": prog.network.num_neurons,
        "regions": out_regions,
    }


def _domain_json(dom) -> Any:
    if dom is None:
        return None
    return {"A": [[str(x) for x in a] for a, _ in dom.rows], "b": [str(b) for _, b in dom.rows]}


# ---------------------------------------------------------------------- second opinion
def _cross_check(verdict: Verdict, how: str, dom) -> None:
    if how != "z3":
        raise InputError(f"cross_check: {how!r} is not supported (only 'z3')")
    from .smt import z3_differs

    answer = z3_differs(verdict.network, verdict.target, dom)
    if verdict.holds is None:
        return
    if answer != (not verdict.holds):
        raise AssertionError(
            f"cross-check disagreement: exactpwl says holds={verdict.holds}, z3 says differ={answer}"
        )
