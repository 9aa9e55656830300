"""The ``exactpwl`` command line (FORMATS.md is the contract).

Exit codes: 0 = done / the claim holds, 1 = refuted, 2 = bad input or usage,
3 = a resource cap was hit before an answer (nothing is claimed).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from .errors import InputError
from .network import Network
from .numbers import format_number, load_json_file, parse_number
from .polyhedron import BACKENDS, as_domain, box
from .progress import Interrupted, tracked
from .region_graph import regions

EXIT_OK, EXIT_REFUTED, EXIT_BAD_INPUT, EXIT_CAP = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors and exit code 2; ``-1/2`` and ``-1e-3`` are numbers, not options."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = re.compile(r"^-(\d+(/\d+)?|\d*\.\d+|\d+\.?)([eE][+-]?\d+)?$")

    def error(self, message: str) -> None:  # type: ignore[override]
        raise InputError(f"usage: {message} (see '{self.prog} --help')")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="exactpwl", description="Exact verification of ReLU networks (CPWL functions).")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    e = sub.add_parser("eval", help="exact output of a network at a point")
    e.add_argument("net", help="network file (exactpwl.network JSON, or .onnx)")
    e.add_argument("x", nargs="+", help="coordinates: integers, p/q or decimals (read exactly)")
    e.add_argument("--json", action="store_true", help="print one JSON object")

    r = sub.add_parser("regions", help="count the linear regions of a network over a domain")
    r.add_argument("net", help="network file (exactpwl.network JSON, or .onnx)")
    dom = r.add_mutually_exclusive_group()
    dom.add_argument("--box", nargs=2, metavar=("LO", "HI"), help="the cube [LO, HI]^n")
    dom.add_argument(
        "--domain", metavar="FILE", help='JSON: {"box": [[lo, hi], ...]} or {"A": ..., "b": ...}'
    )
    r.add_argument("--max-regions", type=int, metavar="N", help="stop after N regions (exit 3, no count)")
    r.add_argument("--backend", choices=BACKENDS, default="ppl", help="exact polyhedra kernel")
    r.add_argument("--json", action="store_true", help="print one JSON object")
    r.add_argument("--graph", metavar="FILE", help="also write the region graph as GraphML")
    _progress_flags(r)
    c = sub.add_parser("certify", help="decide exactly whether a network equals a target on a domain")
    c.add_argument("net", help="network file (exactpwl.network JSON, or .onnx)")
    c.add_argument("target", nargs="?", help="target file (exactpwl.pwl JSON, a network, or .onnx)")
    c.add_argument(
        "--expr",
        action="append",
        metavar="EXPR",
        help='target expression, e.g. "max(0, x1)"; once per output',
    )
    cdom = c.add_mutually_exclusive_group()
    cdom.add_argument("--box", nargs=2, metavar=("LO", "HI"), help="the cube [LO, HI]^n")
    cdom.add_argument(
        "--domain", metavar="FILE", help='JSON: {"box": [[lo, hi], ...]} or {"A": ..., "b": ...}'
    )
    c.add_argument("--certificate", metavar="FILE", help="write the certificate (when the claim holds)")
    c.add_argument(
        "--max-regions", type=int, metavar="N", help="stop after N regions (exit 3, nothing claimed)"
    )
    c.add_argument("--backend", choices=BACKENDS, default="ppl", help="exact polyhedra kernel")
    c.add_argument("--cross-check", choices=["z3"], help="ask z3 too; a disagreement is an error")
    c.add_argument("--json", action="store_true", help="print one JSON object")
    _progress_flags(c)

    co = sub.add_parser("construct", help="build a network for a target or data set, with its derivation")
    co.add_argument("target", help="target JSON (exactpwl.pwl) or data JSON (exactpwl.data)")
    co.add_argument("--method", required=True, metavar="NAME", help="construction method (see --list)")
    co.add_argument("-o", "--output", metavar="NET", help="write the network (exactpwl.network JSON)")
    co.add_argument("--certify", action="store_true", help="also certify the result exactly")

    pl = sub.add_parser("plot", help="draw the regions of a 1-D or 2-D network (extra: plot)")
    pl.add_argument("net", help="network file (exactpwl.network JSON, or .onnx)")
    pl.add_argument("--box", nargs=2, metavar=("LO", "HI"), default=("-1", "1"), help="the cube [LO, HI]^n")
    pl.add_argument("-o", "--output", required=True, metavar="FILE.png", help="where to write the picture")

    k = sub.add_parser("check", help="re-verify a certificate independently")
    k.add_argument("certificate", help="certificate JSON file (exactpwl.certificate)")
    k.add_argument("--json", action="store_true", help="print one JSON object")
    return p


def _progress_flags(p: argparse.ArgumentParser) -> None:
    g = p.add_mutually_exclusive_group()
    g.add_argument("--progress", action="store_true", help="show progress on stderr, terminal or not")
    g.add_argument("--quiet", action="store_true", help="no progress display (the default off a terminal)")


def _show(args: argparse.Namespace) -> bool | None:
    """Progress display: forced, silenced, or (None) only when stderr is a terminal."""
    return True if args.progress else False if args.quiet else None


def _domain(args: argparse.Namespace, n: int):
    if args.box:
        lo, hi = (parse_number(v, f"--box {name}") for v, name in zip(args.box, ("LO", "HI")))
        if not lo < hi:
            raise InputError(f"--box: LO = {format_number(lo)} must be below HI = {format_number(hi)}")
        return box([(lo, hi)] * n)
    if args.domain:
        return as_domain(load_json_file(args.domain), n, args.domain)
    return None


def _cmd_eval(args: argparse.Namespace) -> int:
    net = Network.load(args.net)
    if len(args.x) != net.input_dim:
        raise InputError(f"point: {len(args.x)} coordinates given, the network has {net.input_dim} inputs")
    x = [parse_number(v, f"coordinate {i + 1}") for i, v in enumerate(args.x)]
    y = net(x)
    if args.json:
        print(json.dumps({"x": [format_number(v) for v in x], "output": [format_number(v) for v in y]}))
    else:
        print(" ".join(format_number(v) for v in y))
    return EXIT_OK


def _cmd_regions(args: argparse.Namespace) -> int:
    net = Network.load(args.net)
    dom = _domain(args, net.input_dim)
    if args.max_regions is not None and args.max_regions < 1:
        raise InputError("--max-regions: must be at least 1")

    with tracked("regions", _show(args)) as progress:
        g = regions(net, dom, max_regions=args.max_regions, backend=args.backend, progress=progress)
    if args.graph:
        g.to_graphml(args.graph)
    s = g.summary()
    if not g.complete:
        if args.json:
            out = {
                "complete": False,
                "max_regions": args.max_regions,
                "found": len(g),
                "unexplored": g.unexplored,
            }
            print(json.dumps(out))
        else:
            print(
                f"cap reached: {len(g)} regions found, {g.unexplored} of them with unexplored "
                f"neighbours; no count is claimed"
            )
        return EXIT_CAP
    if args.json:
        print(json.dumps(s))
    else:
        if dom is None:
            where = f"R^{net.input_dim}"
        else:
            where = f"[{args.box[0]}, {args.box[1]}]^{net.input_dim}" if args.box else args.domain
        print(f"network {net.architecture} on {where}")
        print(f"activation regions: {s['regions']} ({s['bounded']} bounded)")
        print(f"linear pieces:      {s['pieces']}")
        print(f"adjacent pairs:     {s['edges']}")
        print(f"kernel:             {s['backend']} (exact rational arithmetic)")
    return EXIT_OK


def _cmd_certify(args: argparse.Namespace) -> int:
    from .pwl import PWL
    from .verdict import certify

    net = Network.load(args.net)
    if (args.target is None) == (args.expr is None):
        raise InputError("usage: give either a TARGET file or --expr (not both)")
    target = (
        (Network.load(args.target) if args.target.lower().endswith(".onnx") else PWL.load(args.target))
        if args.target
        else PWL.from_expr(args.expr if len(args.expr) > 1 else args.expr[0], net.input_dim)
    )
    dom = _domain(args, net.input_dim)
    if args.max_regions is not None and args.max_regions < 1:
        raise InputError("--max-regions: must be at least 1")
    with tracked("regions", _show(args)) as progress:
        v = certify(
            net,
            target,
            dom,
            max_regions=args.max_regions,
            backend=args.backend,
            cross_check=args.cross_check,
            progress=progress,
        )
    if v.holds and args.certificate:
        try:
            Path(args.certificate).write_text(json.dumps(v.certificate()) + "\n")
        except OSError as exc:
            raise InputError(f"--certificate: cannot write {args.certificate} ({exc.strerror})") from None
    if args.json:
        print(json.dumps(v.to_json()))
    elif v.holds:
        print(f"holds: the network equals the target on every one of {v.regions} regions")
        if args.certificate:
            print(f"certificate: {args.certificate}")
    elif v.holds is None:
        print(f"cap reached after {v.regions} regions; nothing is claimed")
    else:
        cx = v.counterexample
        print(f"refuted: the network and the target differ (found after {v.regions} regions)")
        print("  x      = (" + ", ".join(format_number(t) for t in cx.x) + ")")
        print("  network: " + ", ".join(format_number(t) for t in cx.network))
        print("  target:  " + ", ".join(format_number(t) for t in cx.target))
    return EXIT_OK if v.holds else (EXIT_CAP if v.holds is None else EXIT_REFUTED)


def _cmd_construct(args: argparse.Namespace) -> int:
    from .construct import DataConstruction, methods

    available = methods()
    if args.method not in available:
        names = ", ".join(sorted(available)) or "none"
        raise InputError(f"--method: unknown construction {args.method!r} (available: {names})")
    c = available[args.method].build(load_json_file(args.target))
    if args.output:
        c.network.save(args.output)
    print(c)
    if args.certify:
        v = c.certify()
        if isinstance(c, DataConstruction):
            verdict = f"fits all {v.points} data points exactly" if v.holds else f"does NOT fit: {v.mismatch}"
            print(f"certified: {verdict}")
        else:
            print(f"certified: {'holds' if v.holds else 'REFUTED'} on {v.regions} regions")
        return EXIT_OK if v.holds else EXIT_REFUTED
    return EXIT_OK


def _cmd_plot(args: argparse.Namespace) -> int:
    from .plot import plot_regions

    net = Network.load(args.net)
    lo, hi = (parse_number(v, f"--box {name}") for v, name in zip(args.box, ("LO", "HI")))
    if not lo < hi:
        raise InputError(f"--box: LO = {format_number(lo)} must be below HI = {format_number(hi)}")
    d = plot_regions(net, [(lo, hi)] * net.input_dim, args.output)
    print(f"{d['path']}: {d['regions']} activation regions, {d['pieces']} linear pieces")
    return EXIT_OK


def _cmd_check(args: argparse.Namespace) -> int:
    from .check import check_certificate

    report = check_certificate(Path(args.certificate))
    if args.json:
        print(json.dumps({"valid": report.valid, "regions": report.regions, "reason": report.reason}))
    elif report.valid:
        print(f"valid: every claim of the certificate checks out ({report.regions} regions)")
    else:
        print(f"rejected: {report.reason}")
    return EXIT_OK if report.valid else EXIT_REFUTED


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: returns the exit code (also used by ``python -m exactpwl``)."""
    try:
        args = _parser().parse_args(argv)
        commands = {
            "eval": _cmd_eval,
            "regions": _cmd_regions,
            "certify": _cmd_certify,
            "check": _cmd_check,
            "construct": _cmd_construct,
            "plot": _cmd_plot,
        }
        return commands[args.command](args)
    except InputError as exc:
        msg = " ".join(str(exc).split())  # one line, whatever the message held
        print(f"exactpwl: error: {msg}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Interrupted as exc:
        print(f"exactpwl: {exc}", file=sys.stderr)
        return EXIT_CAP
    except KeyboardInterrupt:
        print("exactpwl: interrupted; nothing is claimed", file=sys.stderr)
        return EXIT_CAP


def entry() -> None:
    sys.exit(main())
