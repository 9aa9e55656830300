r"""LaTeX export: one printer for every exactpwl object, built on sympy's ``LatexPrinter``.

``LatexPrinter`` dispatches on the type, sympy's way (``_print_Network``, ``_print_PWL``,
``_print_Verdict``, ``_print_Construction``, ``_print_Step``, ``_print_Shallow``, and
``_print_fmpq`` for exact numbers), with its settings passed once.  Every number is the exact
one: ``-1/2`` is ``-\frac{1}{2}``, integers are plain, matrices are ``pmatrix``.

* ``latex(obj, **settings)``: the LaTeX of one object, a fragment to ``\input`` (it needs
  ``amsmath`` and ``amssymb``; a proof table also ``longtable`` and ``array``);
* ``document(body)``: a standalone ``article`` around fragments;
* ``certificate(data, path)``: the theorem a certificate proves, after ``exactpwl check``
  has re-verified it;
* ``prove_table(reports, seconds)``: the table of ``exactpwl prove``;
* ``notebook(obj)``: math only, for Jupyter's ``_repr_latex_``.

A region table lists one line per linear piece with its affine map and the non-redundant
inequalities of its regions (``exactpwl.pieces``); a piece made of several regions gets one
line per region, joined by "or", so every line describes a set exactly.

>>> from exactpwl import Network
>>> tex = latex(Network.from_layers([([[1, "-1/2"]], [0]), ([[2]], [1])]), region_table=False)
>>> r"W^{1} &= \begin{pmatrix} 1 & -\frac{1}{2} \end{pmatrix}" in tex
True
>>> tex.splitlines()[-2]  # the closed form
'N(x) &= 2 \\operatorname{ReLU}\\left(x_{1} - \\frac{1}{2} x_{2}\\right) + 1'
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import sympy
from sympy.core.relational import Relational
from sympy.printing.latex import LatexPrinter as _SympyLatexPrinter

from .formula import Chain, Qualified, Relu, _text_escape, affine, evaluate, tidy, variables
from .network import Network
from .numbers import to_fmpq, to_sympy
from .polyhedron import Polyhedron, as_domain, box_bounds

__all__ = ["LatexPrinter", "latex", "document", "notebook", "certificate", "prove_table", "PREAMBLE"]

PREAMBLE = r"""\documentclass{article}
\usepackage[margin=2cm]{geometry}
\usepackage{amsmath,amssymb}
\usepackage{longtable,array}
\allowdisplaybreaks
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.5em}
"""

FRAGMENT_NOTE = (
    "% exactpwl LaTeX fragment: \\input it after \\usepackage{amsmath,amssymb}"
    " (a proof table: longtable, array)"
)

_REL = {"==": "=", "<=": r"\le", ">=": r"\ge", "<": "<", ">": ">", "!=": r"\ne"}


class _M(str):
    """A piece of math inside a paragraph (the rest of a paragraph is words)."""


def _is_number(v: Any) -> bool:
    return not isinstance(v, bool) and (
        isinstance(v, (int, Fraction))
        or type(v).__name__ in ("fmpq", "fmpz")
        or isinstance(v, sympy.Rational)
    )


class LatexPrinter(_SympyLatexPrinter):
    """sympy's LaTeX printer, taught exact numbers and exactpwl's objects.

    Settings (beyond sympy's): ``max_pieces`` (region table lines, default 30), ``region_table``
    (print it for networks and targets, default True), ``domain`` (of the region table),
    ``closed_form`` (the nested-ReLU form for networks with at most this many units, default 8),
    ``certificate_path`` (named in the re-check command), ``notebook`` (math only).
    """

    printmethod = "_latex"
    _default_settings = {
        **_SympyLatexPrinter._default_settings,
        "order": "none",
        "max_pieces": 30,
        "region_table": True,
        "domain": None,
        "closed_form": 8,
        "certificate_path": None,
        "notebook": False,
        "max_regions": 20000,
    }

    # ------------------------------------------------------------------ exact numbers
    def _number(self, q: Any) -> str:
        q = to_fmpq(q)
        p, d = int(q.p), int(q.q)
        if d == 1:
            return str(p)
        return ("-" if p < 0 else "") + rf"\frac{{{abs(p)}}}{{{d}}}"

    _print_fmpq = _number
    _print_fmpz = _number
    _print_Fraction = _number
    _print_int = _number

    def _print_Rational(self, expr: Any) -> str:
        return self._number(expr)

    _print_Integer = _print_Rational

    def _print_bool(self, v: bool) -> str:
        return r"\text{yes}" if v else r"\text{no}"

    def _print_str(self, s: str) -> str:
        return rf"\text{{{_text_escape(s)}}}"

    def _print_NoneType(self, v: Any) -> str:
        return r"\text{none}"

    def _print_Mul(self, expr: Any) -> str:
        first, rest = expr.args[0], expr.args[1:]
        if first == 1 and rest:
            return self._print(rest[0] if len(rest) == 1 else sympy.Mul(*rest, evaluate=False))
        if first.is_Rational and not first.is_Integer and rest:  # \frac{1}{2} x_1, not \frac{x_1}{2}
            body = sympy.Mul(*rest, evaluate=False) if len(rest) > 1 else rest[0]
            inner = self.parenthesize(body, sympy.printing.precedence.PRECEDENCE["Mul"])
            return f"{self._number(first)} {inner}"
        return super()._print_Mul(expr)

    # ------------------------------------------------------------------ vectors and matrices
    def _matrix(self, rows: Sequence[Sequence[Any]]) -> str:
        body = r" \\ ".join(" & ".join(self._print(v) for v in row) for row in rows)
        cols = max((len(r) for r in rows), default=0)
        if cols <= 10:
            return rf"\begin{{pmatrix}} {body} \end{{pmatrix}}"
        return rf"\left(\begin{{array}}{{*{{{cols}}}{{r}}}} {body} \end{{array}}\right)"

    def _print_MatrixBase(self, expr: Any) -> str:
        return self._matrix(expr.tolist())

    def _print_fmpq_mat(self, m: Any) -> str:
        return self._matrix(m.tolist())

    def _print_list(self, v: Sequence[Any]) -> str:
        rows = v and all(isinstance(r, (list, tuple)) for r in v) and len({len(r) for r in v}) == 1 and v[0]
        if rows and all(_is_number(x) for r in v for x in r):
            return self._matrix(v)
        items = [self._print(x) for x in v]
        if len(items) > 12 and all(_is_number(x) for x in v):  # a long vector over several lines
            chunks = [", ".join(items[i : i + 12]) for i in range(0, len(items), 12)]
            return r"\begin{aligned}[t] (" + r", \\ &".join(chunks) + r") \end{aligned}"
        return r"\left(" + ", ".join(items) + r"\right)"

    _print_tuple = _print_list

    def _print_FiniteSet(self, s: Any) -> str:
        return r"\left\{" + ", ".join(self._print(a) for a in s.args) + r"\right\}"

    # ------------------------------------------------------------------ paragraphs and displays
    def _para(self, *parts: Any) -> tuple[str, list]:
        return ("p", list(parts))

    def _render(self, blocks: list) -> str:
        """Blocks as text-mode LaTeX (a document) or, with ``notebook``, as math only."""
        out = []
        nb = self._settings["notebook"]
        for kind, body, *rest in blocks:
            if kind == "p":
                if nb:
                    out.append(
                        " ".join(
                            f"{p}" if isinstance(p, _M) else rf"\text{{{_text_escape(p)}}}" for p in body
                        )
                    )
                else:
                    out.append("".join(f"${p}$" if isinstance(p, _M) else _text_escape(p) for p in body))
            elif kind == "heading":
                out.append(
                    rf"\text{{\textbf{{{_text_escape(body)}}}}}"
                    if nb
                    else rf"\subsection*{{{_text_escape(body)}}}"
                )
            elif kind == "step":
                label = _text_escape(body)
                out.append(rf"\text{{\textbf{{{label}}} }}" if nb else rf"\paragraph{{{label}}}")
            elif kind == "eq":
                numbered = bool(rest and rest[0])
                if nb:
                    out.append(r"\begin{aligned}" + "\n" + " \\\\\n".join(body) + "\n" + r"\end{aligned}")
                else:
                    env = "align" if numbered else "align*"
                    out.append(f"\\begin{{{env}}}\n" + " \\\\\n".join(body) + f"\n\\end{{{env}}}")
            elif kind == "raw" and not nb:
                out.append(body)
        if nb:
            return "$$\\begin{array}{l}\n" + " \\\\\n".join(out) + "\n\\end{array}$$"
        return "\n\n".join(out) + "\n"

    def _aligned(self, expr: Any) -> str:
        """One display line, aligned at its first relation: ``lhs &= rhs``."""
        if isinstance(expr, Relational):
            return f"{self._print(expr.lhs)} &{_REL[expr.rel_op]} {self._print(expr.rhs)}"
        if isinstance(expr, Qualified) and isinstance(expr.args[0], (Relational, Chain)):
            return (
                self._aligned(expr.args[0])
                + r", \quad "
                + r", \quad ".join(self._print(a) for a in expr.args[1:])
            )
        if isinstance(expr, Chain) and len(expr.args) > 2:
            rel = {"<": "<", "<=": r"\le", "=": "=", ">": ">", ">=": r"\ge"}[expr.args[0].name]
            first, rest = expr.args[1], expr.args[2:]
            return f"{self._print(first)} &{rel} " + f" {rel} ".join(self._print(t) for t in rest)
        return "&" + self._print(expr)

    # ------------------------------------------------------------------ domains and regions
    def domain_latex(self, dom: Polyhedron | None, n: int) -> str:
        """``\\mathbb{R}^{2}``, ``[-1, 1]^{2}``, ``[0, 1] \\times [0, 2]`` or ``\\{x : ...\\}``."""
        if dom is None:
            return r"\mathbb{R}" if n == 1 else rf"\mathbb{{R}}^{{{n}}}"
        bounds = box_bounds(dom)
        if bounds is None:
            return r"\left\{x : " + ", ".join(self._row(r) for r in dom.rows) + r"\right\}"
        sides = [rf"[{self._number(lo)}, {self._number(hi)}]" for lo, hi in bounds]
        if len(set(sides)) == 1 and n > 1:
            return f"{sides[0]}^{{{n}}}"
        return r" \times ".join(sides)

    def _row(self, row: tuple[Sequence[int], int]) -> str:
        """``a.x <= b``, written with ``\\ge`` when every coefficient is negative."""
        a, b = row
        if all(v <= 0 for v in a):
            return f"{self._print(affine([-v for v in a]))} \\ge {self._number(-b)}"
        return f"{self._print(affine(a))} \\le {self._number(b)}"

    def _map(self, W: Sequence[Sequence[Any]], c: Sequence[Any]) -> str:
        forms = [self._print(affine(w, ci)) for w, ci in zip(W, c)]
        if len(forms) == 1:
            return forms[0]
        return r"\begin{pmatrix} " + r" \\ ".join(forms) + r" \end{pmatrix}"

    def _region_table(self, f: Any, name: str, dom: Polyhedron | None) -> list:
        from .pieces import linear_pieces

        n = f.input_dim
        found = linear_pieces(f, dom, max_regions=self._settings["max_regions"])
        where = _M(self.domain_latex(dom, n))
        if not found.complete:
            return [
                self._para(
                    f"More than {found.regions - 1} activation regions on ",
                    where,
                    ": the region table is left out.",
                )
            ]
        pieces = found.pieces
        cap = self._settings["max_pieces"]
        shown = pieces if cap is None else pieces[:cap]
        lines = []
        for p in shown:
            value = self._map(p.W, p.c)
            for k, rows in enumerate(p.regions):
                cond = ", ".join(self._row(r) for r in rows) if rows else r"x \in " + str(where)
                lead = r"\text{if }" if k == 0 else r"\text{or }"
                lines.append(f"{value if k == 0 else ''} & {lead} {cond}")
        left = len(pieces) - len(shown)
        if left:
            lines.append(rf"\dots & \text{{({left} more piece{'s' if left != 1 else ''} left out)}}")
        plural = "s" if len(pieces) != 1 else ""
        intro = self._para(
            "On ",
            where,
            f", {name} has {len(pieces)} linear piece{plural} ({found.regions} activation "
            f"region{'s' if found.regions != 1 else ''} of the walk):",
        )
        table = rf"{name}(x) &= \begin{{cases}} " + r" \\ ".join(lines) + r" \end{cases}"
        return [intro, ("eq", [table])]

    # ------------------------------------------------------------------ networks
    def _layer_name(self, letter: str, k: int) -> str:
        return f"{letter}^{{{k}}}"

    def _network_blocks(self, net: Network, name: str = "N") -> list:
        n, m = net.input_dim, net.output_dim
        out_space = r"\mathbb{R}" if m == 1 else rf"\mathbb{{R}}^{{{m}}}"
        in_space = r"\mathbb{R}" if n == 1 else rf"\mathbb{{R}}^{{{n}}}"
        L = len(net.layers)
        hidden = L - 1
        lines = []
        for k, layer in enumerate(net.layers, start=1):
            prev = "x" if k == 1 else self._layer_name("h", k - 1)
            pre = rf"{self._layer_name('W', k)} {prev} + {self._layer_name('b', k)}"
            relu = layer.relu
            if all(relu):
                rhs = rf"\operatorname{{ReLU}}\left({pre}\right)"
            elif not any(relu):
                rhs = pre
            else:
                S = ", ".join(str(j + 1) for j, r in enumerate(relu) if r)
                rhs = rf"\rho_{{S}}\left({pre}\right), \; S = \{{{S}\}}"
            lhs = f"{name}(x)" if k == L else self._layer_name("h", k)
            W = self._matrix(layer.weights.tolist())
            b = self._matrix([[layer.biases[j, 0]] for j in range(layer.units)])
            lines.append(
                f"{lhs} &= {rhs}, & {self._layer_name('W', k)} &= {W}, & {self._layer_name('b', k)} &= {b}"
            )
        arch = f"architecture {net.architecture}, {hidden} hidden layer{'s' if hidden != 1 else ''}"
        blocks = [
            self._para("The network ", _M(rf"{name}\colon {in_space} \to {out_space}"), f" ({arch}):"),
            ("eq", lines),
        ]
        if any(not all(layer.relu) and any(layer.relu) for layer in net.layers):
            blocks.append(self._para(_M(r"\rho_S"), " applies ReLU to the units in S and leaves the others."))
        closed = self._closed_form(net)
        if closed is not None:
            blocks += [self._para("In closed form:"), ("eq", [rf"{name}(x) &= {c}" for c in closed])]
        return blocks

    def _closed_form(self, net: Network) -> list[str] | None:
        """The outputs as nested ReLU expressions, for networks with few units (else None)."""
        cap = self._settings["closed_form"]
        if cap is None or net.num_neurons > cap:
            return None
        h: list[Any] = variables(net.input_dim)
        for layer in net.layers:
            W = layer.weights.tolist()
            new = []
            for j in range(layer.units):
                z = affine(W[j], layer.biases[j, 0], names=h)
                new.append(Relu(z) if layer.relu[j] else z)
            h = new
        return [self._print(tidy(e)) for e in h]

    def _print_Network(self, net: Network) -> str:
        blocks = self._network_blocks(net)
        if self._settings["region_table"]:
            blocks += self._region_table(net, "N", as_domain(self._settings["domain"], net.input_dim))
        return self._render(blocks)

    # ------------------------------------------------------------------ targets
    def _target_blocks(self, t: Any, name: str = "f") -> list:
        from .expr import fold

        n = t.input_dim
        space = r"\mathbb{R}" if n == 1 else rf"\mathbb{{R}}^{{{n}}}"
        if t.kind == "expr":
            xs = variables(n)
            forms = []
            for e in t.exprs:
                with evaluate(False):
                    s = fold(
                        e,
                        var=xs.__getitem__,
                        const=to_sympy,
                        add=lambda ts: sympy.Add(*ts),
                        scale=lambda c, a: to_sympy(c) * a,
                        max_=lambda a, b: _flat(sympy.Function("_max"), a, b),
                        min_=lambda a, b: _flat(sympy.Function("_min"), a, b),
                        abs_=sympy.Abs,
                        relu=Relu,
                    )
                forms.append(self._print(tidy(_extrema(s))))
            lhs = [f"{name}(x)"] if len(forms) == 1 else [f"{name}_{{{k + 1}}}(x)" for k in range(len(forms))]
            return [
                self._para("The target ", _M(rf"{name}\colon {space} \to \mathbb{{R}}"), ", as written:"),
                ("eq", [f"{a} &= {b}" for a, b in zip(lhs, forms)]),
            ]
        if t.kind == "breakpoints":
            xs = ", ".join(f"({self._number(x)}, {self._number(y)})" for x, y in t.breakpoints)
            return [
                self._para(
                    "The target ",
                    _M(rf"{name}\colon \mathbb{{R}} \to \mathbb{{R}}"),
                    " joins the breakpoints ",
                    _M(xs),
                    " linearly and continues its first and last segments.",
                )
            ]
        if t.kind == "network":
            return self._network_blocks(t.network, name)
        what = "simplices of a triangulation" if t.kind == "triangulation" else "pieces"
        return [
            self._para(
                "The target ",
                _M(
                    rf"{name}\colon {space} \to \mathbb{{R}}"
                    + ("" if t.output_dim == 1 else f"^{{{t.output_dim}}}")
                ),
                f" is given by {len(t.pieces)} {what}; its linear pieces follow.",
            )
        ]

    def _print_PWL(self, t: Any) -> str:
        blocks = self._target_blocks(t)
        if self._settings["region_table"]:
            dom = as_domain(self._settings["domain"], t.input_dim)
            if dom is None and t.pieces is not None:
                dom = _pieces_hull(t)
            blocks += self._region_table(t, "f", dom)
        return self._render(blocks)

    # ------------------------------------------------------------------ verdicts and certificates
    def _recheck(self) -> list:
        path = self._settings["certificate_path"]
        if path:
            return [
                self._para("Re-check the certificate independently, in exact arithmetic: "),
                ("raw", rf"\texttt{{exactpwl check {_text_escape(path)}}}"),
            ]
        return [
            self._para(
                "A certificate (written by exactpwl certify with --certificate FILE) is re-checked "
                "independently by exactpwl check FILE."
            )
        ]

    def _theorem(
        self, net: Network, target: Any, dom: Polyhedron | None, regions: int, symmetry: Any = None
    ) -> list:
        where = _M(self.domain_latex(dom, net.input_dim))
        plural = "s" if regions != 1 else ""
        if symmetry is None:
            proof = [
                f"Proof (exact): the joint program of N and f has {regions} activation region{plural} on ",
                where,
                "; on each of them the two affine maps are equal, checked in exact rational arithmetic.",
            ]
        else:  # exactpwl.symmetry: the chamber, and the invariance that carries it to the domain
            chamber = ", ".join(r" \ge ".join(f"x_{{{i + 1}}}" for i in b) for b in symmetry.blocks)
            proof = [
                "Proof (exact): N, f and the domain are invariant under every permutation of the blocks "
                + "; ".join("{" + ", ".join(f"x{i + 1}" for i in b) + "}" for b in symmetry.blocks)
                + " (each generator proved exactly), and a permutation carries every point of the domain "
                "into the chamber ",
                _M(chamber),
                f". There the joint program of N and f has {regions} activation region{plural}; on each of "
                "them the two affine maps are equal, checked in exact rational arithmetic.",
            ]
        return [
            ("heading", "Theorem"),
            self._para(
                "For every ",
                _M(r"x \in " + where),
                ", ",
                _M("N(x) = f(x)"),
                ", for the network N and the target f below.",
            ),
            self._para(*proof),
            *self._recheck(),
            *self._network_blocks(net),
            *self._target_blocks(target),
        ]

    def _print_Verdict(self, v: Any) -> str:
        return self._render(self._verdict_blocks(v))

    def _verdict_blocks(self, v: Any) -> list:
        net, t = v.network, v.target
        dom = as_domain(v.domain_spec, net.input_dim)
        where = _M(self.domain_latex(dom, net.input_dim))
        if v.holds:
            blocks = self._theorem(net, t, dom, v.regions, v.symmetry)
            if self._settings["region_table"]:
                blocks += self._region_table(net, "N", dom)
            return blocks
        if v.holds is None:
            return [
                self._para(
                    f"Undecided: a cap was reached after {v.regions} regions on ",
                    where,
                    "; nothing is claimed.",
                )
            ]
        cx = v.counterexample
        if v.graph is None:  # refuted by symmetry: one side is not invariant (exactpwl.symmetry)
            return [
                ("heading", "Counterexample"),
                self._para(v.symmetry.failed_text() + ". So N and f differ at a point:"),
                (
                    "eq",
                    [
                        f"x &= {self._print(list(cx.x))}",
                        f"N(x) &= {self._print(_scalar(cx.network))}",
                        f"f(x) &= {self._print(_scalar(cx.target))}",
                    ],
                ),
                *self._network_blocks(net),
                *self._target_blocks(t),
            ]
        region = v.graph[v.graph.stopped_at]
        Wn, cn = net.affine_map(net.pattern_perturbed(list(cx.x)))
        Wt, ct = _target_map(v, region, Wn, cn)
        rows = ", ".join(self._row(r) for r in region.inequalities)
        blocks = [
            ("heading", "Counterexample"),
            self._para(
                "The network N and the target f differ at a rational point strictly inside an activation "
                f"region of their joint program (found after {v.regions} "
                f"region{'s' if v.regions != 1 else ''} on ",
                where,
                "):",
            ),
            (
                "eq",
                [
                    f"x &= {self._print(list(cx.x))}",
                    f"N(x) &= {self._print(_scalar(cx.network))}",
                    f"f(x) &= {self._print(_scalar(cx.target))}",
                ],
            ),
            self._para("The region, and the two affine maps on it:"),
            (
                "eq",
                [
                    rf"x &\in \left\{{x : {rows}\right\}}" if rows else r"x &\in \text{the whole domain}",
                    f"N(x) &= {self._map(Wn.tolist(), [cn[i, 0] for i in range(cn.nrows())])}",
                    f"f(x) &= {self._map(Wt, ct)}",
                ],
            ),
            *self._network_blocks(net),
            *self._target_blocks(t),
        ]
        return blocks

    # ------------------------------------------------------------------ constructions
    def _print_Step(self, s: Any) -> str:
        return self._render(self._step_blocks(s, None))

    def _step_blocks(self, s: Any, number: int | None) -> list:
        head = f"Step {number} ({s.kind})." if number is not None else f"({s.kind})"
        blocks: list = [("step", head), self._para(s.title + ".")]
        lines = [self._aligned(f) for f in s.formula]
        values = [
            f"{self._print(k)} &= {self._value(v)}" + (r" \notag" if not self._settings["notebook"] else "")
            for k, v in s.values.items()
        ]
        if lines or values:
            blocks.append(("eq", lines + values, True))
        return blocks

    def _value(self, v: Any) -> str:
        if hasattr(v, "tolist") and hasattr(v, "nrows"):
            return self._matrix(v.tolist())
        return self._print(v)

    def _print_Construction(self, c: Any) -> str:
        from .construct import DataConstruction

        n = c.network.input_dim
        blocks: list = [("heading", f"Construction: {c.method}")]
        if isinstance(c, DataConstruction):
            k = len(c.target.points)
            claim = "the data point" if k == 1 else f"each of the {k} data points"
            blocks.append(
                self._para(f"The network N (architecture {c.network.architecture}) is exact at {claim}.")
            )
        else:
            blocks.append(
                self._para(
                    f"The network N (architecture {c.network.architecture}) equals the target f on ",
                    _M(self.domain_latex(c.domain_polyhedron(), n)),
                    ".",
                )
            )
        for i, s in enumerate(c.steps, start=1):
            blocks += self._step_blocks(s, i)
        blocks += [("heading", "The network"), *self._network_blocks(c.network)]
        return self._render(blocks)

    # ------------------------------------------------------------------ one hidden layer
    def _print_Shallow(self, s: Any) -> str:
        n = s.input_dim
        where = _M(self.domain_latex(s.domain, n))
        if not s.representable:
            blocks = [
                ("heading", "No network with one hidden layer"),
                self._para("No network with one hidden layer equals f on ", where, " (R7): "),
                *self._r7_blocks(s.witness),
            ]
            return self._render(blocks)
        k = len(s.kinks)
        blocks = [
            ("heading", "One hidden layer"),
            self._para(
                "f equals a network with one hidden layer on ",
                where,
                f"; the fewest hidden units is {s.width} "
                f"(case {s.case}, {k} kink hyperplane{'s' if k != 1 else ''}, Dereich and Kassing).",
            ),
        ]
        if s.kinks:
            lines = [
                rf"{self._row_eq(kk.normal, kk.offset)} &: \quad \lambda = {self._print(_scalar(kk.jump))}"
                for kk in s.kinks
            ]
            blocks += [
                self._para(
                    "Kink hyperplanes, with the jump of the gradient across each (lambda times the normal):"
                ),
                ("eq", lines),
            ]
        units = [
            rf"{self._print(_scalar(u.v))} \operatorname{{ReLU}}"
            rf"\left({self._print(affine(u.w, u.bias))}\right) & \text{{{_text_escape(u.role)}}}"
            for u in s.units
        ]
        blocks += [self._para("The units, and what each is for:"), ("eq", units)]
        blocks += self._network_blocks(s.network)
        blocks.append(self._para("Certified equal to f on ", where, f" ({s.certified_regions} regions)."))
        return self._render(blocks)

    # ------------------------------------------------------------------ conjectures
    def _print_Refutation(self, r: Any) -> str:
        """A refuted claim (the first counterexample in size order, or a shrunk one, and its
        witness) or what was checked without one: the finite space exhausted, or a budget."""
        claim = r.claim or "the claim"
        blocks: list = [("heading", "Counterexample" if r.refuted else "Search for a counterexample")]
        blocks.append(self._para(f"Claim: {claim}."))
        blocks.append(self._para(f"Space: {r.space}" + (f" ({self._size(r)})." if self._size(r) else ".")))
        if r.refuted:
            found = (
                f"The counterexample below was found after {r.tried} random objects and shrunk by hypothesis."
                if r.mode == "random"
                else f"The counterexample below is object {r.index} of the space, the first in size order."
            )
            blocks.append(self._para(found))
            blocks += self._object_blocks(r.counterexample)
            if r.witness is not None:
                blocks += [("step", "Witness."), *self._object_blocks(r.witness)]
            elif r.message:
                blocks.append(self._para(r.message))
            return self._render(blocks)
        if r.exhausted:
            said = f"The claim holds for all {r.tried} objects of the space; nothing is claimed beyond it."
        elif r.mode == "random":
            said = f"No counterexample among {r.tried} random objects; nothing is claimed about the others."
        else:
            said = f"No counterexample among the first {r.tried} objects; nothing is claimed about the rest."
        blocks.append(self._para(said))
        if r.undecided:
            blocks.append(self._para(f"{r.undecided} objects were undecided (a cap inside the claim)."))
        return self._render(blocks)

    @staticmethod
    def _size(r: Any) -> str:
        if r.mode == "random":
            return f"random objects from seed {r.seed}"
        if r.space_size is None:
            return ""
        if r.full_size is not None and r.full_size != r.space_size:
            return f"{r.space_size:,} objects, {r.full_size:,} before removing symmetries"
        return f"{r.space_size:,} objects"

    def _object_blocks(self, obj: Any, name: str = "") -> list:
        """A counterexample or witness of ``refute``: networks, targets, verdicts, R7 witnesses,
        refusals, exact numbers and vectors, and dictionaries of them."""
        from .construct import Refusal
        from .pwl import PWL
        from .verdict import Verdict

        label = f"{name}: " if name else ""
        if isinstance(obj, Network):
            return self._network_blocks(obj)
        if isinstance(obj, PWL):
            return self._target_blocks(obj)
        if isinstance(obj, Verdict):
            return self._verdict_blocks(obj)
        if all(hasattr(obj, a) for a in ("normal", "offset", "second_differences")):
            return [self._para("No network with one hidden layer equals f (R7): "), *self._r7_blocks(obj)]
        if isinstance(obj, Refusal):
            head = [self._para(label + str(obj).split(":")[0] + " refuses.")]
            return head + (
                self._object_blocks(obj.witness) if obj.witness is not None else [self._para(str(obj))]
            )
        if isinstance(obj, dict):
            simple = {k: v for k, v in obj.items() if _exact(v)}
            lines = [
                rf"\text{{{_text_escape(str(k))}}} &= {self._print(_exact_value(v))}"
                for k, v in simple.items()
            ]
            blocks: list = [("eq", lines)] if lines else []
            for k, v in obj.items():
                if k not in simple:
                    blocks += [self._para(f"{k}:"), *self._object_blocks(v)]
            return blocks
        if _exact(obj):
            return [("eq", [rf"&{self._print(_exact_value(obj))}"])]
        text = obj.text() if callable(getattr(obj, "text", None)) else str(obj)
        return [self._para(label + text)]

    def _r7_blocks(self, w: Any) -> list:
        """R7's witness: two points of one hyperplane where the second differences differ."""
        return [
            self._para(
                "across the hyperplane ",
                _M(self._row_eq(w.normal, w.offset)),
                " the gradient jump is not constant. With ",
                _M("a = " + self._print(list(w.normal))),
                " and ",
                _M(f"e = {self._number(w.epsilon)}"),
                ", the second difference ",
                _M("f(p + e a) + f(p - e a) - 2 f(p)"),
                " is",
            ),
            (
                "eq",
                [
                    f"{self._print(_scalar(d))} & \\text{{at }} p = {self._print(list(p))}"
                    for d, p in zip(w.second_differences, w.points)
                ],
            ),
            self._para("where a network with one hidden layer has equal values."),
        ]

    def _row_eq(self, a: Sequence[int], b: Any) -> str:
        return f"{self._print(affine(a))} = {self._number(b)}"


# ---------------------------------------------------------------------- helpers
def _exact(v: Any) -> bool:
    """A number, or a (nested) list of numbers: printed as math."""
    if isinstance(v, bool):
        return False
    if isinstance(v, int) or _is_number(v):
        return True
    return isinstance(v, (list, tuple)) and len(v) > 0 and all(_exact(u) for u in v)


def _exact_value(v: Any) -> Any:
    return list(map(_exact_value, v)) if isinstance(v, (list, tuple)) else v


def _scalar(v: Sequence[Any]) -> Any:
    return v[0] if len(v) == 1 else list(v)


def _flat(fn: Any, a: Any, b: Any) -> Any:
    """max/min folded left to right, flattened back to one n-ary node."""
    args = (a.args if a.func == fn else (a,)) + (b,)
    return fn(*args)


def _extrema(e: Any) -> Any:
    """The placeholder n-ary max/min of ``_target_blocks`` as ``MaxOf``/``MinOf``."""
    from .formula import MaxOf, MinOf

    if not isinstance(e, sympy.Basic) or e.is_Atom or not e.args:
        return e
    args = [_extrema(a) for a in e.args]
    name = getattr(e.func, "__name__", "")
    if name == "_max":
        return MaxOf(*args)
    if name == "_min":
        return MinOf(*args)
    with evaluate(False):
        return e.func(*args)


def _target_map(v: Any, region: Any, Wn: Any, cn: Any) -> tuple[list[list[Any]], list[Any]]:
    """The target's affine map on the counterexample's region of the joint program."""
    prog = v.program
    if prog.pieces is None:  # the program computes net - target there
        W, c = Wn - region.W, cn - region.c
    else:
        from .verdict import piece_of

        p = piece_of(prog.pieces, region)
        W, c = p.W, p.c
    return W.tolist(), [c[i, 0] for i in range(c.nrows())]


def _pieces_hull(t: Any) -> Polyhedron | None:
    """The convex hull of bounded pieces (a triangulation's simplices), else None (R^n)."""
    from .polyhedron import hull, vertices

    pts = []
    for p in t.pieces:
        if p.vertices is not None:
            pts += [list(v) for v in p.vertices]
        elif p.rows is not None:
            try:
                pts += vertices(p.rows, t.input_dim)
            except Exception:  # an unbounded piece: walk all of R^n
                return None
    return hull(pts, t.input_dim) if pts else None


# ---------------------------------------------------------------------- entry points
def latex(obj: Any, **settings: Any) -> str:
    """The LaTeX of ``obj`` (a Network, PWL, Verdict, Construction, Shallow or sympy object)."""
    return LatexPrinter(settings).doprint(obj)


NOTEBOOK_TABLE_UNITS = 24  # a notebook shows the region table of networks up to this many units


def notebook(obj: Any, **settings: Any) -> str:
    """Math only, in ``$$ ... $$``: what Jupyter's ``_repr_latex_`` shows (a big network without
    its region table, which would take the walk's time at every display)."""
    if isinstance(obj, Network) and obj.num_neurons > NOTEBOOK_TABLE_UNITS:
        settings.setdefault("region_table", False)
    return latex(obj, notebook=True, **settings)


def document(*bodies: str, title: str | None = None) -> str:
    """A standalone ``article`` holding the fragments ``bodies``."""
    head = PREAMBLE + "\\begin{document}\n"
    if title:
        head += rf"\section*{{{_text_escape(title)}}}" + "\n"
    return head + "\n".join(bodies) + "\\end{document}\n"


def fragment(*bodies: str) -> str:
    """Fragments to ``\\input``, with a first line saying which packages they need."""
    return FRAGMENT_NOTE + "\n" + "\n".join(bodies)


def certificate(data: dict, path: str | None = None, **settings: Any) -> str:
    """The theorem a certificate proves, after ``check_certificate`` has re-verified it.

    Raises ``InputError`` naming the reason when the certificate is rejected: a false or
    malformed certificate never becomes a theorem.
    """
    from .check import check_certificate
    from .errors import InputError
    from .pwl import PWL

    report = check_certificate(data)
    if not report.valid:
        raise InputError(
            f"certificate{' ' + path if path else ''}: rejected by exactpwl check: {report.reason}"
        )
    net = Network.from_dict(data["network"], "certificate, network")
    target = PWL.from_dict(data["target"], "certificate, target")
    dom = as_domain(data.get("domain"), net.input_dim)
    p = LatexPrinter({"certificate_path": path, **settings})
    sym = None
    if report.by_symmetry:  # the regions cover the chamber of the (checked) blocks
        from types import SimpleNamespace

        sym = SimpleNamespace(blocks=[[i - 1 for i in b] for b in data["symmetry"]["blocks"]])
    blocks = p._theorem(net, target, dom, len(data["regions"]), sym)
    if p._settings["region_table"]:
        blocks += p._region_table(net, "N", dom)
    return p._render(blocks)


def prove_table(reports: Sequence[Any], seconds: float, interpretive: Sequence[str] = ()) -> str:
    """The table of ``exactpwl prove`` (a ``longtable``), the interpretive claims and the total."""
    e = _text_escape
    rows = []
    for r in reports:
        cases = f"{r.exhaustive:,}" + (f" + {r.sampled:,}" if r.sampled else "")
        rows.append(
            " & ".join(
                [
                    e(r.result),
                    e(r.statement),
                    e(r.family),
                    e(cases),
                    "yes" if r.held and r.error is None else r"\textbf{NO}",
                    "yes" if r.mutant_refuted else r"\textbf{NO}",
                    f"{r.seconds:.1f}",
                ]
            )
            + r" \\"
        )
    held = sum(r.held and r.error is None for r in reports)
    refuted = sum(r.mutant_refuted for r in reports)
    n = len(reports)
    body = [
        r"{\small",
        r"\begin{longtable}{l>{\raggedright}p{5.4cm}>{\raggedright}p{4.6cm}rccr}",
        r"result & statement & family & cases & held & mutant refuted & s \\ \hline \endhead",
        *rows,
        r"\end{longtable}}",
    ]
    if interpretive:
        body.append("Interpretive claims, not checked:")
        body.append(r"\begin{itemize}" + "".join(rf"\item {e(c)}" for c in interpretive) + r"\end{itemize}")
    total = sum(r.cases for r in reports)
    body.append(
        e(
            f"Total: {n} results, {total:,} cases, {held} of {n} held, {refuted} of {n} mutants refuted, "
            f"in {seconds:.1f} s."
        )
    )
    return "\n".join(body) + "\n"
