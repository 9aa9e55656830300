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
from .numbers import format_number, load_json, parse_number
from .polyhedron import BACKENDS, as_domain, box
from .regions import regions

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
    e.add_argument("net", help="network JSON file (exactpwl.network)")
    e.add_argument("x", nargs="+", help="coordinates: integers, p/q or decimals (read exactly)")
    e.add_argument("--json", action="store_true", help="print one JSON object")

    r = sub.add_parser("regions", help="count the linear regions of a network over a domain")
    r.add_argument("net", help="network JSON file (exactpwl.network)")
    dom = r.add_mutually_exclusive_group()
    dom.add_argument("--box", nargs=2, metavar=("LO", "HI"), help="the cube [LO, HI]^n")
    dom.add_argument(
        "--domain", metavar="FILE", help='JSON: {"box": [[lo, hi], ...]} or {"A": ..., "b": ...}'
    )
    r.add_argument("--max-regions", type=int, metavar="N", help="stop after N regions (exit 3, no count)")
    r.add_argument("--backend", choices=BACKENDS, default="ppl", help="exact polyhedra kernel")
    r.add_argument("--json", action="store_true", help="print one JSON object")
    r.add_argument("--graph", metavar="FILE", help="also write the region graph as GraphML")
    r.add_argument("--progress", action="store_true", help="report progress on stderr")
    return p


def _domain(args: argparse.Namespace, n: int):
    if args.box:
        lo, hi = (parse_number(v, f"--box {name}") for v, name in zip(args.box, ("LO", "HI")))
        if not lo < hi:
            raise InputError(f"--box: LO = {format_number(lo)} must be below HI = {format_number(hi)}")
        return box([(lo, hi)] * n)
    if args.domain:
        path = Path(args.domain)
        try:
            text = path.read_text()
        except OSError as exc:
            raise InputError(f"{path}: cannot read ({exc.strerror})") from None
        return as_domain(load_json(text, str(path)), n, str(path))
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

    def report(found: int, queued: int) -> None:
        print(f"\r{found} regions found, {queued} to visit", end="", file=sys.stderr, flush=True)

    g = regions(
        net,
        dom,
        max_regions=args.max_regions,
        backend=args.backend,
        progress=report if args.progress else None,
    )
    if args.progress:
        print(file=sys.stderr)
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


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: returns the exit code (also used by ``python -m exactpwl``)."""
    try:
        args = _parser().parse_args(argv)
        return {"eval": _cmd_eval, "regions": _cmd_regions}[args.command](args)
    except InputError as exc:
        msg = " ".join(str(exc).split())  # one line, whatever the message held
        print(f"exactpwl: error: {msg}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("exactpwl: interrupted", file=sys.stderr)
        return 130


def entry() -> None:
    sys.exit(main())
