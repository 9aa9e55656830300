"""``certify``: does a network equal a target on a domain?  A certificate, or a counterexample.

One enumerator serves everything (DESIGN.md): the walk runs over the regions of the joint
program (``compile.joint_program``); on each region the program is one affine map, which must be
identically zero (or equal the map of the target's piece there).  The first region where it is
not gives a counterexample: a rational point strictly inside that region, with small
denominators, where the two sides differ, with both exact values.  When the claim holds,
``Verdict.certificate()`` writes the proof (``exactpwl.certificate``) that ``exactpwl check``
re-verifies from the target's own definition, without this compiler.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from flint import fmpq, fmpq_mat

from . import certificate as _certificate
from .check import Semantics
from .compile import Program, cut_network, joint_program
from .errors import InputError
from .network import Network
from .numbers import format_number, to_fraction
from .polyhedron import as_domain
from .probe import difference_point
from .pwl import PWL, Piece, as_target
from .region_graph import Region, RegionGraph, regions
from .rewrite import equal_by_rewriting

__all__ = ["Counterexample", "Verdict", "certify", "validate_pieces", "piece_of"]


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
    """The answer of ``certify``: ``holds`` is True, False, or None (a cap stopped the walk).

    ``stats["method"]`` says what decided it: ``"regions"`` (every region of the joint program
    enumerated, or the walk stopped at the first one where the two sides differ), ``"sampling"``
    (a sampled point where the two sides differ, checked exactly; the walk then starts in its
    region) or ``"rewriting"`` (both sides have one normal form, ``exactpwl.rewrite``).  A claim
    proved by rewriting enumerates its regions only when ``graph`` or ``regions`` is first asked
    for (a certificate, a picture, the count), and asks again on each whether the two sides agree;
    with a ``progress`` callback (someone watches the regions go by) they are enumerated at once.
    """

    holds: bool | None
    _regions: int | None
    counterexample: Counterexample | None
    _graph: RegionGraph | None  # None: refuted by symmetry before any walk
    program: Program | None
    network: Network
    target: PWL
    domain_spec: Any = None
    stats: dict = field(default_factory=dict)
    pairs: list | None = None  # pieces targets: the proofs that every two pieces agree (or do not meet)
    symmetry: Any = None  # certify(..., symmetric_in=...): the regions are the chamber's (exactpwl.symmetry)
    _enumerate: Callable[[], RegionGraph] | None = field(default=None, repr=False)

    def __bool__(self) -> bool:
        return bool(self.holds)

    @property
    def graph(self) -> RegionGraph | None:
        """The regions of the joint program that were walked (all of them when the claim holds;
        None when symmetry refuted the claim before any walk)."""
        if self._graph is None and self._enumerate is not None:
            g = self._enumerate()
            if not g.complete:  # cannot happen: no cap, and the claim holds on every region
                where = f" (region {g.stopped_at} differs)" if g.stopped_at is not None else ""
                raise AssertionError(f"a claim proved by rewriting fails on its regions{where}")
            self._graph = g
            method = self.stats.pop("method")
            self.stats.update(kernel=g.stats["kernel"], backend=g.stats["backend"], method=method)
        return self._graph

    @property
    def regions(self) -> int:
        """Regions examined: of the joint program, all of them when the claim holds."""
        if self._regions is None:
            self._regions = len(self.graph)
        return self._regions

    def _repr_latex_(self) -> str:
        """Jupyter typesets it (``exactpwl.latex``; imported only when asked)."""
        from .latex import notebook

        return notebook(self)

    def to_json(self) -> dict:
        d: dict[str, Any] = {"holds": self.holds, "regions": self.regions}
        if self.holds is None:
            d["complete"] = False
            d["unexplored"] = self.graph.unexplored
        if self.counterexample is not None:
            d["counterexample"] = self.counterexample.to_json()
        d.update(self.stats)
        if self.symmetry is not None:
            d["symmetry"] = self.symmetry.summary()
        return d

    def _repr_png_(self) -> bytes | None:
        """The network's regions (2-D) or graph with the target (1-D), the counterexample marked."""
        from .plot import png

        return png(self)

    def certificate(self, compact: bool = True) -> dict:
        """The ``exactpwl.certificate`` JSON object (docs/certificate.md); only when the claim holds.

        ``compact=False`` writes every redundancy proof's multipliers out instead of naming the rows
        they combine (``implied``): larger, and checked by a dot product instead of a solve."""
        if not self.holds:
            raise InputError("certificate: there is none, the claim does not hold (or was not decided)")
        return _certificate.write(self, compact)


def certify(
    net: Network,
    target: Any,
    domain: Any = None,
    *,
    max_regions: int | None = None,
    backend: str = "ppl",
    cross_check: str | None = None,
    progress: Any = None,
    kernel: str = "auto",
    workers: int | None = None,
    client: Any = None,
    symmetric_in: Any = None,
    symmetry_proof: str = "units",
) -> Verdict:
    """Decide exactly whether ``net(x) == target(x)`` for every x in ``domain`` (None: all of R^n).

    ``target``: a ``PWL``, a ``Network``, an expression such as ``"max(0, x1)"`` or a FORMATS.md
    dict.  ``cross_check="z3"`` asks z3 the same question and raises if the answers differ.
    ``progress(found, queued)`` is called now and then during the walk.  ``kernel``,
    ``workers`` and ``client`` (a ``dask.distributed.Client``) choose how the regions of the
    joint program are enumerated, as in ``regions``; the verdict does not depend on them.

    ``symmetric_in``: blocks of coordinates (``[[0, 1, 2], [3, 4]]``, 0-based, or names ``"x1"``)
    on which network, target and domain are invariant under every permutation, or ``"auto"`` to
    find the largest such blocks.  The invariance is proved (``exactpwl.symmetry``; a point where
    the network is not invariant refutes the claim) and only the chamber ``x_b1 >= x_b2 >= ...``
    is walked; ``Verdict.symmetry`` says so.  ``symmetry_proof="certify"``: when no permutation of
    the hidden units proves the network invariant, certify ``net(sigma x) == net(x)`` instead.

    >>> net = Network.from_layers([([[1], [-1]], [0, 0]), ([[1, 1]], [0])])
    >>> certify(net, "abs(x1)").holds
    True
    >>> v = certify(net, "abs(x1) + relu(x1 - 1/2) - relu(x1 - 1/2 - 1e-9)", {"box": [[-1, 1]]})
    >>> v.holds, v.counterexample.x[0] > Fraction(1, 2)
    (False, True)
    """
    if symmetric_in is not None:
        from .symmetry import certify_symmetric

        options = dict(
            max_regions=max_regions,
            backend=backend,
            cross_check=cross_check,
            progress=progress,
            kernel=kernel,
            workers=workers,
            client=client,
        )
        return certify_symmetric(net, target, domain, symmetric_in, symmetry_proof, **options)
    t0 = time.perf_counter()
    t = as_target(target, net.input_dim)
    prog = joint_program(net, t)
    dom = as_domain(domain, net.input_dim)
    pairs = validate_pieces(net, t, dom) if t.pieces is not None else None
    zeros = (fmpq_mat(net.output_dim, net.input_dim), fmpq_mat(net.output_dim, 1))

    def differs(region: Region) -> bool:
        if prog.pieces is None:
            return (region.W, region.c) != zeros
        piece = piece_of(prog.pieces, region)
        return not (region.W == piece.W and region.c == piece.c)

    def walk(until: Callable[[Region], bool] | None = differs, **kw: Any) -> RegionGraph:
        return regions(
            prog.network,
            dom,
            backend=backend,
            until=until,
            kernel=kernel,
            workers=workers,
            client=client,
            vertices=True,  # the certificate writer's redundancy proofs
            **kw,
        )

    # cheap routes first: a sampled difference (refutes), equal normal forms (proves)
    x = difference_point(prog.network, net, t, dom) if prog.pieces is None else None
    if x is not None:
        g = walk(start=x)
        method = "sampling"
    elif prog.pieces is None and max_regions is None and equal_by_rewriting(net, t):
        stats = {"seconds": round(time.perf_counter() - t0, 3), "method": "rewriting"}
        verdict = Verdict(
            True,
            None,
            None,
            None,
            prog,
            net,
            t,
            domain,
            stats,
            pairs,
            _enumerate=lambda: walk(progress=progress),
        )
        if progress is not None:  # someone watches the regions go by: enumerate them now
            _ = verdict.graph
        if cross_check is not None:
            _cross_check(verdict, cross_check, dom)
        return verdict
    else:
        g = walk(max_regions=max_regions, progress=progress)
        method = "regions"
    stats = {k: g.stats[k] for k in ("seconds", "kernel", "backend")}
    stats["method"] = method
    if g.stopped_at is not None:
        cx = _counterexample(net, t, prog, g[g.stopped_at])
        verdict = Verdict(False, len(g), cx, g, prog, net, t, domain, stats, pairs)
    elif not g.complete:
        verdict = Verdict(None, len(g), None, g, prog, net, t, domain, stats, pairs)
    else:
        verdict = Verdict(True, len(g), None, g, prog, net, t, domain, stats, pairs)
    if cross_check is not None:
        _cross_check(verdict, cross_check, dom)
    return verdict


# ---------------------------------------------------------------------- pieces
def piece_of(pieces: Sequence[Piece], region: Region) -> Piece:
    """The first full-dimensional piece that contains the region (the pieces' hyperplanes cut the
    walk, so each region lies in every piece that holds at its interior point)."""
    x = [fmpq(v.numerator, v.denominator) for v in region.interior_point]
    for p in pieces:
        if p.rows is not None and p.contains(x):
            return p
    raise InputError(f"target: the pieces do not cover the domain; no piece contains {_point(x)}")


def validate_pieces(net: Network, t: PWL, dom) -> list[dict]:
    """Before any verdict: the pieces cover the domain, and every two of them agree wherever both
    hold in it (pieces of any dimension: a point, a segment, a degenerate simplex).

    Coverage is a walk over the arrangement of the pieces' own hyperplanes (the network plays no
    part); agreement is one exact LP per pair of pieces, whose Farkas multipliers go into the
    certificate.  A bad target is reported as bad input, never as a refutation.
    """
    for r in regions(cut_network(t), dom):
        piece_of(t.pieces, r)
    return _certificate.pair_proofs(Semantics(net, t, list(dom.rows) if dom is not None else []))


# ---------------------------------------------------------------------- counterexamples
def _counterexample(net: Network, t: PWL, prog: Program, region: Region) -> Counterexample:
    """A small-denominator point strictly inside ``region`` where network and target differ."""
    n = net.input_dim
    x0 = [fmpq(v.numerator, v.denominator) for v in region.interior_point]
    if prog.pieces is None:
        W, c = region.W, region.c
    else:
        piece = piece_of(prog.pieces, region)
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


# ---------------------------------------------------------------------- second opinion
def _cross_check(verdict: Verdict, how: str, dom) -> None:
    if how != "z3":
        raise InputError(f"cross_check: {how!r} is not supported (only 'z3')")
    from .smt import z3_counterexample

    x = z3_counterexample(verdict.network, verdict.target, dom)
    if verdict.holds is None or (x is None) == verdict.holds:
        return
    where = "finds no point where they differ" if x is None else f"finds a difference at {_point(x)}"
    raise AssertionError(f"cross-check disagreement: exactpwl says holds={verdict.holds}, z3 {where}")


def _point(x: Sequence[Any]) -> str:
    return "(" + ", ".join(format_number(v) for v in x) + ")"
