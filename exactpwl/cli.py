"""The ``exactpwl`` command line (FORMATS.md is the contract).

Exit codes: 0 = done / the claim holds, 1 = refuted, 2 = bad input or usage,
3 = a resource cap was hit before an answer (nothing is claimed).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from importlib import import_module
from pathlib import Path

from .errors import CapReached, InputError
from .network import Network
from .numbers import format_number, load_json_file, parse_number
from .polyhedron import BACKENDS, as_domain, box
from .progress import Interrupted, interrupt_between_steps, tracked
from .region_graph import KERNELS, regions

EXIT_OK, EXIT_REFUTED, EXIT_BAD_INPUT, EXIT_CAP = 0, 1, 2, 3
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a writer whose reader left


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
    _scale_options(r)
    r.add_argument(
        "--store",
        metavar="FILE.sqlite",
        help="stream the regions to a SQLite file (bounded memory; subdivision)",
    )
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
    c.add_argument(
        "--symmetric-in",
        action="append",
        metavar="BLOCK",
        help="x1,x2,x3: network, target and domain are invariant under every permutation of these "
        "inputs (proved), so only the chamber x1 >= x2 >= x3 is walked; once per block, or 'auto'",
    )
    c.add_argument(
        "--symmetry-proof",
        choices=["units", "certify"],
        default="units",
        help="how the network's invariance is proved: a permutation of its hidden units (default), "
        "or, when there is none, a certificate of net(sigma x) == net(x)",
    )
    c.add_argument("--json", action="store_true", help="print one JSON object")
    _progress_flags(c)
    _scale_options(c)
    _latex_options(c, "the theorem (or the counterexample)")

    co = sub.add_parser("construct", help="build a network for a target or data set, with its derivation")
    co.add_argument("target", nargs="?", help="target JSON (exactpwl.pwl) or data JSON (exactpwl.data)")
    co.add_argument("--method", metavar="NAME", help="construction method (see --list)")
    co.add_argument("--list", action="store_true", help="list the methods, one line each")
    co.add_argument("-o", "--output", metavar="NET", help="write the network (exactpwl.network JSON)")
    co.add_argument("--certify", action="store_true", help="also certify the result exactly, on its domain")
    co.add_argument(
        "--certificate",
        metavar="FILE",
        help="with --certify: write the certificate (docs/certificate.md) when the claim holds",
    )
    co.add_argument("--json", action="store_true", help="print one JSON object")
    _latex_options(co, "the derivation and the network")

    sh = sub.add_parser(
        "shallow", help="decide whether one hidden layer represents f; the minimal network, or a witness"
    )
    sh.add_argument("source", nargs="?", help="network JSON (any depth) or target JSON (exactpwl.pwl)")
    sh.add_argument(
        "--expr", action="append", metavar="EXPR", help='f as an expression, e.g. "abs(x1)"; once per output'
    )
    sh.add_argument(
        "--input-dim", type=int, metavar="N", help="inputs of --expr (default: the largest i of an xi used)"
    )
    shdom = sh.add_mutually_exclusive_group()
    shdom.add_argument(
        "--box", nargs=2, metavar=("LO", "HI"), help="the cube [LO, HI]^n (default: all of R^n)"
    )
    shdom.add_argument(
        "--domain", metavar="FILE", help='JSON: {"box": [[lo, hi], ...]} or {"A": ..., "b": ...}'
    )
    sh.add_argument("--json", action="store_true", help="print one JSON object")
    sh.add_argument("-o", "--output", metavar="NET", help="write the minimal network (when there is one)")
    _latex_options(sh, "the verdict, with the network or the witness")

    pl = sub.add_parser("plot", help="draw the regions of a network with 1 or 2 inputs, or of a slice")
    pl.add_argument("net", help="network file (exactpwl.network JSON, or .onnx)")
    pl.add_argument("target", nargs="?", help="a target to overlay and certify on the box (as for certify)")
    pl.add_argument(
        "--expr", action="append", metavar="EXPR", help="the target as an expression; once per output"
    )
    pl.add_argument("--box", nargs=2, metavar=("LO", "HI"), default=("-1", "1"), help="the cube [LO, HI]^k")
    pl.add_argument("--mark", nargs="+", metavar="X", help="mark this input point (exact numbers)")
    pl.add_argument("--point", nargs="+", metavar="X", help="draw the slice through this input point")
    pl.add_argument(
        "--direction",
        nargs="+",
        action="append",
        metavar="U",
        help="direction of the slice (once for a line, twice for a plane)",
    )
    pl.add_argument(
        "--colour", choices=["region", "piece"], default="region", help="one colour per region or piece"
    )
    pl.add_argument("-o", "--output", required=True, metavar="FILE", help="the picture: .png, .svg or .pdf")
    _progress_flags(pl)

    rf = sub.add_parser("refute", help="search a space for the smallest counterexample to a claim")
    rf.add_argument("file", metavar="FILE.py", help="Python file that defines 'space' and 'claim'")
    rf.add_argument("--budget", type=int, metavar="N", help="check at most N objects (random: N examples)")
    rf.add_argument("--seed", type=int, metavar="S", help="seed of the random search (default 0)")
    rf.add_argument("--random", action="store_true", help="draw random objects (hypothesis) and shrink")
    rf.add_argument("--json", action="store_true", help="print one JSON object")
    rf.add_argument("-o", "--output", metavar="WITNESS.json", help="write the report and the witness files")
    _progress_flags(rf)
    _latex_options(rf, "the counterexample and its witness (or what was checked)")

    k = sub.add_parser("check", help="re-verify a certificate independently")
    k.add_argument("certificate", help="certificate JSON file (exactpwl.certificate)")
    k.add_argument("--json", action="store_true", help="print one JSON object")

    pr = sub.add_parser("prove", help="run the paper's proof scripts (R1..R20) on enumerated cases")
    pr.add_argument(
        "names", nargs="*", metavar="NAME", help="scripts to run: R5, r05 or r05_interpolation (all)"
    )
    pr.add_argument("--quick", action="store_true", help="the small case families (as the test suite)")
    pr.add_argument("--json", action="store_true", help="print one JSON object")
    pr.add_argument("--jobs", "--workers", type=int, default=1, metavar="N", help="run N scripts at a time")
    pr.add_argument(
        "--witnesses", default=".", metavar="DIR", help="where a failing case's witness files go (default: .)"
    )
    pr.add_argument("--list", action="store_true", help="list the scripts and the interpretive claims")
    _latex_options(pr, "the table")

    lx = sub.add_parser("latex", help="typeset a network, a target or a certificate as LaTeX")
    lx.add_argument("source", help="network (exactpwl.network), target (exactpwl.pwl) or certificate JSON")
    lx.add_argument("-o", "--output", required=True, metavar="FILE.tex", help="where to write the LaTeX")
    lx.add_argument(
        "--standalone", action="store_true", help="a whole document (default: a fragment to \\input)"
    )
    lxdom = lx.add_mutually_exclusive_group()
    lxdom.add_argument("--box", nargs=2, metavar=("LO", "HI"), help="region table on the cube [LO, HI]^n")
    lxdom.add_argument(
        "--domain", metavar="FILE", help='JSON: {"box": [[lo, hi], ...]} or {"A": ..., "b": ...}'
    )
    lx.add_argument("--max-pieces", type=int, default=30, metavar="N", help="region table lines (default 30)")
    return p


def _scale_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--kernel",
        choices=KERNELS,
        default="auto",
        help="region enumerator: subdivision (bounded domains), walk (any), auto (the first that applies)",
    )
    p.add_argument(
        "--workers",
        type=_positive,
        metavar="N",
        help="processes for the subdivision (default: all cores once a job runs for a few seconds)",
    )
    p.add_argument("--dask", metavar="ADDRESS", help="a Dask scheduler to send the work to (tcp://host:8786)")


def _positive(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        v = 0
    if v < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}")
    return v


def _client(args: argparse.Namespace):
    """A ``dask.distributed.Client`` for ``--dask ADDRESS`` (None without it)."""
    if not args.dask:
        return None
    try:
        from distributed import Client
    except ImportError:
        raise InputError("--dask: Dask is not installed (pip install 'exactpwl[dask]')") from None
    try:
        return Client(args.dask, timeout=30)
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(f"--dask: cannot reach the scheduler at {args.dask} ({exc})") from None


def _latex_options(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--latex", metavar="FILE.tex", help=f"also write {what} as LaTeX")
    parser.add_argument(
        "--standalone", action="store_true", help="with --latex: a whole document (default: a fragment)"
    )


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


def _writable(path: str | None, option: str) -> None:
    """Bad input (exit 2) when ``path`` cannot be written: checked before any long work."""
    if path is None:
        return
    p = Path(path)
    if p.is_dir():
        raise InputError(f"{option}: cannot write {path} (it is a directory)")
    parent = p.parent
    if not parent.is_dir():
        raise InputError(f"{option}: cannot write {path} (no directory {parent})")
    if not os.access(p if p.exists() else parent, os.W_OK):
        raise InputError(f"{option}: cannot write {path} (permission denied)")


def _write(path: str, option: str, write: Callable[[], object]) -> None:
    """Run ``write``; an error of the file system is bad input naming the path, not a traceback."""
    try:
        write()
    except OSError as exc:
        raise InputError(f"{option}: cannot write {path} ({exc.strerror or exc})") from None


def _latex_file(args: argparse.Namespace, path: str, option: str, body: str) -> None:
    """Write LaTeX to ``path``: a standalone document or a fragment, headed by the command that made it."""
    from . import latex

    made = "% made by: exactpwl " + " ".join(_argv_shown) + "\n"
    text = latex.document(body) if args.standalone else latex.fragment(body)
    _write(path, option, lambda: Path(path).write_text(made + text))


_argv_shown: list[str] = []


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
    _writable(args.graph, "--graph")
    with tracked("regions", _show(args)) as progress:
        g = regions(
            net,
            dom,
            max_regions=args.max_regions,
            backend=args.backend,
            progress=progress,
            kernel=args.kernel,
            workers=args.workers,
            client=_client(args),
            store=args.store,
        )
    if args.graph:
        _write(args.graph, "--graph", lambda: g.to_graphml(args.graph))
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
        if s["kernel"] == "walk":
            print(f"kernel:             walk, {s['backend']} (exact rational arithmetic)")
        else:
            procs = f"{s['workers']} processes" if s["workers"] > 1 else "1 process"
            print(f"kernel:             subdivision, {procs} (exact integer arithmetic)")
    return EXIT_OK


def _target(args: argparse.Namespace, n: int):
    """The TARGET file (exactpwl.pwl JSON, a network file, .onnx) or the --expr texts, or None."""
    from .pwl import PWL

    if args.target and args.expr:
        raise InputError("usage: give either a TARGET file or --expr (not both)")
    if args.target:
        return Network.load(args.target) if args.target.lower().endswith(".onnx") else PWL.load(args.target)
    if args.expr:
        return PWL.from_expr(args.expr if len(args.expr) > 1 else args.expr[0], n)
    return None


def _cmd_certify(args: argparse.Namespace) -> int:
    from .verdict import certify

    net = Network.load(args.net)
    if (args.target is None) == (args.expr is None):
        raise InputError("usage: give either a TARGET file or --expr (not both)")
    target = _target(args, net.input_dim)
    dom = _domain(args, net.input_dim)
    if args.max_regions is not None and args.max_regions < 1:
        raise InputError("--max-regions: must be at least 1")
    _writable(args.certificate, "--certificate")
    _writable(args.latex, "--latex")
    with tracked("regions", _show(args)) as progress:
        v = certify(
            net,
            target,
            dom,
            max_regions=args.max_regions,
            backend=args.backend,
            cross_check=args.cross_check,
            progress=progress,
            kernel=args.kernel,
            workers=args.workers,
            client=_client(args),
            symmetric_in=_blocks(args.symmetric_in),
            symmetry_proof=args.symmetry_proof,
        )
    if v.holds and args.certificate:
        text = json.dumps(v.certificate()) + "\n"
        _write(args.certificate, "--certificate", lambda: Path(args.certificate).write_text(text))
    if args.latex:
        from .latex import latex

        _latex_file(args, args.latex, "--latex", latex(v, certificate_path=args.certificate))
    if args.json:
        print(json.dumps(v.to_json()))
    elif v.holds:
        if v.symmetry is not None:
            print("\n".join(v.symmetry.text(v.regions)))
        else:
            print(f"holds: the network equals the target on every one of {v.regions} regions")
            if "symmetry" in v.stats:  # --symmetric-in auto found none
                print(f"  ({v.stats['symmetry']['note']})")
        if args.certificate:
            print(f"certificate: {args.certificate}")
    elif v.holds is None:
        print(f"cap reached after {v.regions} regions; nothing is claimed")
    else:
        cx = v.counterexample
        if v.symmetry is not None and v.symmetry.failed is not None:
            print("refuted: the network and the target differ")
            print("  " + v.symmetry.failed_text())
        else:
            plural = "s" if v.regions != 1 else ""
            print(f"refuted: the network and the target differ (found after {v.regions} region{plural})")
        print("  x      = (" + ", ".join(format_number(t) for t in cx.x) + ")")
        print("  network: " + ", ".join(format_number(t) for t in cx.network))
        print("  target:  " + ", ".join(format_number(t) for t in cx.target))
    return EXIT_OK if v.holds else (EXIT_CAP if v.holds is None else EXIT_REFUTED)


def _blocks(values: list[str] | None) -> list[list[str]] | str | None:
    """``--symmetric-in x1,x2,x3`` (once per block), or ``--symmetric-in auto``."""
    if not values:
        return None
    if "auto" in values:
        if len(values) > 1:
            raise InputError("--symmetric-in: 'auto' finds the blocks itself; give it alone")
        return "auto"
    blocks = []
    for v in values:
        names = [x.strip() for x in v.split(",")]
        if any(not re.fullmatch(r"x[1-9][0-9]*", x) for x in names):
            raise InputError(f"--symmetric-in: {v!r} is not a list of inputs such as x1,x2,x3 (or 'auto')")
        blocks.append(names)
    return blocks


def _cmd_construct(args: argparse.Namespace) -> int:
    from .construct import DataConstruction, methods

    available = methods()
    if args.list:
        if args.target or args.method or args.output or args.certify or args.certificate:
            raise InputError("usage: --list takes no TARGET, --method, -o, --certify or --certificate")
        if args.json:
            print(json.dumps({"methods": {name: available[name].summary for name in sorted(available)}}))
            return EXIT_OK
        width = max(map(len, available))
        for name in sorted(available):
            print(f"{name:<{width}}  {available[name].summary}")
        return EXIT_OK
    if args.target is None:
        raise InputError("usage: construct needs a TARGET file (or --list)")
    if args.method is None:
        raise InputError("usage: construct needs --method NAME (see 'exactpwl construct --list')")
    if args.method not in available:
        names = ", ".join(sorted(available)) or "none"
        raise InputError(f"--method: unknown construction {args.method!r} (available: {names})")
    _writable(args.output, "-o")
    _writable(args.latex, "--latex")
    if args.certificate and not args.certify:
        raise InputError("--certificate: only with --certify")
    _writable(args.certificate, "--certificate")
    c = available[args.method].build(load_json_file(args.target))
    if args.latex:
        from .latex import latex

        _latex_file(args, args.latex, "--latex", latex(c))
    if args.output:
        _write(args.output, "-o", lambda: c.save(args.output))
    out = c.to_json() if args.json else None
    if out is not None:
        out["output"] = args.output
    else:
        print(c)
    if not args.certify:
        if out is not None:
            print(json.dumps(out))
        return EXIT_OK
    v = c.certify()
    if isinstance(c, DataConstruction):
        summary = {"holds": v.holds, "points": v.points}
        if v.holds:
            line = f"fits {c.holds_on} exactly"
        else:
            i, got, want = v.mismatch
            line = (
                f"does NOT fit {c.holds_on}: at point {i + 1} the network gives "
                f"({', '.join(map(format_number, got))}), the data ({', '.join(map(format_number, want))})"
            )
    else:
        summary = {"holds": v.holds, "regions": v.regions}
        if v.symmetry is not None:
            summary["symmetry"] = v.symmetry.summary()
        if v.holds and v.symmetry is not None:
            line = (
                f"holds on {c.holds_on} ({v.regions} regions of the chamber "
                f"{v.symmetry.chamber()}, the rest by symmetry)"
            )
        elif v.holds:
            line = f"holds on {c.holds_on} ({v.regions} regions)"
        else:
            cx = v.counterexample
            summary["counterexample"] = {
                key: [format_number(t) for t in getattr(cx, key)] for key in ("x", "network", "target")
            }
            line = (
                f"REFUTED on {c.holds_on}: at x = ({', '.join(map(format_number, cx.x))}) the network gives "
                f"({', '.join(map(format_number, cx.network))}), the target "
                f"({', '.join(map(format_number, cx.target))})"
            )
    if args.certificate:
        if isinstance(c, DataConstruction):
            raise InputError("--certificate: a data construction is checked point by point; there is none")
        if v.holds:
            text = json.dumps(v.certificate()) + "\n"
            _write(args.certificate, "--certificate", lambda: Path(args.certificate).write_text(text))
    if out is not None:
        out["certified"] = summary
        print(json.dumps(out))
    else:
        print(f"certified: {line}")
        if args.certificate and v.holds:
            print(f"certificate: {args.certificate}")
    return EXIT_OK if v.holds else EXIT_REFUTED


def _cmd_shallow(args: argparse.Namespace) -> int:
    from .errors import CapReached
    from .pwl import PWL
    from .shallow import shallow

    if (args.source is None) == (args.expr is None):
        raise InputError("usage: give either a NET or TARGET file or --expr (not both)")
    if args.source:
        if args.input_dim is not None:
            raise InputError("--input-dim: only with --expr (a file says its own input_dim)")
        data = load_json_file(args.source)
        if isinstance(data, dict) and data.get("format") == "exactpwl.network":
            f = Network.from_dict(data, args.source)
        else:
            f = PWL.from_dict(data, args.source)
        n = f.input_dim
    else:
        if args.input_dim is not None and args.input_dim < 1:
            raise InputError("--input-dim: must be at least 1")
        used = [int(i) for e in args.expr for i in re.findall(r"(?<![A-Za-z0-9_])x([0-9]+)", e)]
        n = args.input_dim or max(used, default=1)
        f = PWL.from_expr(args.expr if len(args.expr) > 1 else args.expr[0], n)
    dom = _domain(args, n)
    _writable(args.latex, "--latex")
    try:
        s = shallow(f, dom)
    except CapReached as exc:
        print(f"cap reached: {exc}; nothing is claimed")
        return EXIT_CAP
    if s.representable and args.output:
        try:
            s.network.save(args.output)
        except OSError as exc:
            raise InputError(f"--output: cannot write {args.output} ({exc.strerror})") from None
    if args.latex:
        from .latex import latex

        _latex_file(args, args.latex, "--latex", latex(s))
    if args.json:
        print(json.dumps(s.to_json()))
    else:
        print(s.text())
        if s.representable and args.output:
            print(f"network written to {args.output}")
    return EXIT_OK if s.representable else EXIT_REFUTED


def _cmd_plot(args: argparse.Namespace) -> int:
    from .plot import drawable_box, picture_format, plot_regions
    from .slices import plane

    net = Network.load(args.net)
    P = None
    if (args.point is None) != (args.direction is None):
        raise InputError("usage: a slice needs --point and --direction (once or twice)")
    if args.point is not None:
        P = plane(args.point, args.direction, net.input_dim)
    k = P.k if P is not None else net.input_dim
    lo, hi = (parse_number(v, f"--box {name}") for v, name in zip(args.box, ("LO", "HI")))
    if not lo < hi:
        raise InputError(f"--box: LO = {format_number(lo)} must be below HI = {format_number(hi)}")
    bounds = drawable_box([(lo, hi)] * k, "--box")
    picture_format(args.output, "-o")
    _writable(args.output, "-o")
    target = _target(args, net.input_dim)
    mark = [parse_number(v, f"--mark, coordinate {i + 1}") for i, v in enumerate(args.mark or [])] or None
    with tracked("regions", _show(args)) as progress:
        d = plot_regions(
            net,
            bounds,
            args.output,
            target=target,
            mark=mark,
            plane=P,
            colour_by=args.colour,
            progress=progress,
        )
    print(f"{d['path']}: {d['regions']} activation regions, {d['pieces']} linear pieces")
    if target is not None:
        cx = d["counterexample"]
        if d["holds"]:
            print("holds: the network equals the target on the box" + (" of the slice" if P else ""))
        elif cx is not None:
            print("refuted: the network and the target differ (marked)")
            print("  x      = (" + ", ".join(format_number(t) for t in cx["x"]) + ")")
            if P is not None:
                coords = "(s, t)" if P.k == 2 else "s     "
                print(f"  {coords} = (" + ", ".join(format_number(t) for t in cx["plane"]) + ")")
            print("  network: " + ", ".join(format_number(t) for t in cx["network"]))
            print("  target:  " + ", ".join(format_number(t) for t in cx["target"]))
    return EXIT_OK


def _cmd_check(args: argparse.Namespace) -> int:
    from .check import check_certificate

    report = check_certificate(Path(args.certificate))
    if args.json:
        out = {"valid": report.valid, "regions": report.regions, "reason": report.reason}
        if report.by_symmetry:
            out["by_symmetry"] = True
        print(json.dumps(out))
    elif report.valid and report.by_symmetry:
        plural = "region" if report.regions == 1 else "regions"
        print(
            f"valid: every claim of the certificate checks out ({report.regions} {plural} of the chamber, "
            "the rest of the domain by symmetry)"
        )
    elif report.valid:
        print(f"valid: every claim of the certificate checks out ({report.regions} regions)")
    else:
        print(f"rejected: {report.reason}")
    return EXIT_OK if report.valid else EXIT_REFUTED


def _cmd_prove(args: argparse.Namespace) -> int:
    import time

    from . import proofs

    if args.jobs < 1:
        raise InputError("--jobs: must be at least 1")
    scripts = [proofs.find(n) for n in args.names] if args.names else list(proofs.SCRIPTS)
    if args.list:
        for s in scripts:
            m = import_module(f".proofs.{s}", __package__)
            print(f"{m.RESULT:<4} {s:<22} {m.STATEMENT}")
        for claim in proofs.INTERPRETIVE:
            print(f"interpretive, not checked: {claim}")
        return EXIT_OK
    _writable(args.latex, "--latex")
    t0 = time.perf_counter()
    reports = []
    if not args.json:
        print(proofs.table_header(), flush=True)
    for r in proofs.run_many(scripts, args.quick, args.jobs, args.witnesses):
        reports.append(r)
        if not args.json:
            print(proofs.table_row(r), flush=True)
    seconds = time.perf_counter() - t0
    ok = all(r.ok for r in reports)
    interpretive = list(proofs.INTERPRETIVE) if not args.names else []
    if args.latex:
        from .latex import prove_table

        _latex_file(args, args.latex, "--latex", prove_table(reports, seconds, interpretive))
    if args.json:
        out = {
            "ok": ok,
            "quick": args.quick,
            "results": [r.to_json() for r in reports],
            "cases": sum(r.cases for r in reports),
            "interpretive": interpretive,
            "seconds": round(seconds, 3),
        }
        print(json.dumps(out))
    else:
        for claim in interpretive:
            print(f"{'-':<6}  interpretive, not checked: {claim}")
        for line in proofs.summary(reports, seconds):
            print(line)
    return EXIT_OK if ok else EXIT_REFUTED


def _cmd_refute(args: argparse.Namespace) -> int:
    """Exit 1 refuted; 0 not refuted (exhausted or budget); 3 some objects undecided (a cap)."""
    from .conjecture import ClaimError, refute
    from .conjecture.files import load_conjecture, where

    if args.budget is not None and args.budget < 1:
        raise InputError("--budget: must be at least 1")
    _writable(args.latex, "--latex")
    c = load_conjecture(args.file)

    try:
        with tracked("objects", _show(args), verb="checked") as progress:
            r = refute(
                c.claim,
                c.space,
                args.budget if args.budget is not None else c.budget,
                args.seed if args.seed is not None else c.seed,
                mode="random" if args.random else c.mode,
                progress=lambda tried, size: progress(tried, None, total=size),
                statement=c.statement,
            )
    except ClaimError as exc:
        raise InputError(f"{where(c.path, exc.error)}: {exc}") from None
    written = r.save(args.output) if args.output else []
    if args.latex:
        from .latex import latex

        _latex_file(args, args.latex, "--latex", latex(r))
    if args.json:
        print(json.dumps(r.to_json()))
    else:
        print(str(r))
        if written:
            print("wrote: " + ", ".join(written))
            nets = [f for f in written if f.endswith(".network.json")]
            targets = [f for f in written if f.endswith(".target.json")]
            if len(nets) == 1 and len(targets) == 1:
                print(f"replay: exactpwl certify {nets[0]} {targets[0]}")
    if r.refuted:
        return EXIT_REFUTED
    return EXIT_CAP if r.undecided else EXIT_OK


def _cmd_latex(args: argparse.Namespace) -> int:
    from . import latex
    from .pwl import PWL

    if args.max_pieces < 1:
        raise InputError("--max-pieces: must be at least 1")
    _writable(args.output, "-o")
    data = load_json_file(args.source)
    kind = data.get("format") if isinstance(data, dict) else None
    if kind == "exactpwl.certificate":
        if args.box or args.domain:
            raise InputError("--box/--domain: a certificate names its own domain")
        try:
            body = latex.certificate(data, args.source, max_pieces=args.max_pieces)
        except InputError as exc:
            print(f"rejected: {exc}")
            return EXIT_REFUTED
    elif kind == "exactpwl.network":
        net = Network.from_dict(data, args.source)
        body = latex.latex(net, domain=_domain(args, net.input_dim), max_pieces=args.max_pieces)
    elif kind == "exactpwl.pwl":
        t = PWL.from_dict(data, args.source)
        body = latex.latex(t, domain=_domain(args, t.input_dim), max_pieces=args.max_pieces)
    else:
        raise InputError(
            f"{args.source}: expected a network, a target or a certificate "
            "('format': 'exactpwl.network', 'exactpwl.pwl' or 'exactpwl.certificate')"
        )
    _latex_file(args, args.output, "-o", body)
    print(f"{args.output}: LaTeX {'document' if args.standalone else 'fragment'} of the {kind.split('.')[1]}")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: returns the exit code (also used by ``python -m exactpwl``)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        interrupt_between_steps()
        args = _parser().parse_args(_expr_values(argv))
        _argv_shown[:] = argv
        commands = {
            "eval": _cmd_eval,
            "regions": _cmd_regions,
            "certify": _cmd_certify,
            "check": _cmd_check,
            "construct": _cmd_construct,
            "plot": _cmd_plot,
            "prove": _cmd_prove,
            "shallow": _cmd_shallow,
            "refute": _cmd_refute,
            "latex": _cmd_latex,
        }
        return commands[args.command](args)
    except InputError as exc:
        msg = " ".join(str(exc).split())  # one line, whatever the message held
        print(f"exactpwl: error: {msg}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except CapReached as exc:
        print(f"exactpwl: {' '.join(str(exc).split())}", file=sys.stderr)
        return EXIT_CAP
    except Interrupted as exc:
        print(f"exactpwl: {exc}", file=sys.stderr)
        return EXIT_CAP
    except KeyboardInterrupt:
        print("exactpwl: interrupted; nothing is claimed", file=sys.stderr)
        return EXIT_CAP
    except BrokenPipeError:
        # the reader went away (``| head``): stop quietly, as other command-line tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


def _expr_values(argv: list[str]) -> list[str]:
    """``--expr -x1`` -> ``--expr=-x1``: argparse takes a value that starts with a minus for an
    option; an expression may start with one.  A value that starts with ``--`` stays an option."""
    out, i = [], 0
    while i < len(argv):
        if argv[i] == "--expr" and i + 1 < len(argv) and not argv[i + 1].startswith("--"):
            out.append(f"--expr={argv[i + 1]}")
            i += 2
        else:
            out.append(argv[i])
            i += 1
    return out
