"""The vocabulary of derivations: formulas as sympy objects, and their plain-text printer.

A derivation step (``exactpwl.construct.Step``) holds its formula as sympy objects, so that one
object serves two printers: ``TextPrinter`` here (the plain text that ``exactpwl construct``
prints and ``--json`` stores) and ``exactpwl.latex.LatexPrinter`` (typeset mathematics).  Each
object of the vocabulary knows its own rendering in both languages, sympy's way: a ``_sympystr``
and a ``_latex`` method.

* ``Relu``, ``MaxOf``, ``MinOf``, ``Norm1``, ``Rank``, ``Dim``, ``Log2``, ``Ceil``: functions
  that keep their arguments in the order written (sympy's ``Max`` sorts them, but in
  ``max(a, b) = b + relu(a - b)`` the order is the point);
* ``Notation``: a name written differently in text and in LaTeX (``A^-1`` / ``A^{-1}``),
  ``word`` a quantity named in words (``regions``);
* ``Chain`` (``x_0 < x_1 < ... < x_k``), ``Qualified`` (a formula with its side conditions),
  ``IndexRange`` (``i = 1..k``), ``SetOf`` (``{j : ...}``), ``Text`` (a few words inside a
  formula);
* ``affine(w, c)``: the affine form ``w.x + c`` with exact coefficients, in variable order.

Formulas are built with ``sympy.evaluate(False)`` where the order of terms matters, and both
printers print terms in the order they were built (``order="none"``).

>>> x, x0 = sym("x"), ix("x", 0)
>>> text(Eq(Relu(x - x0), MaxOf(x - x0, 0)))
'relu(x - x_0) = max(x - x_0, 0)'
>>> text(affine([1, "-1/2"], 3))
'x1 - 1/2*x2 + 3'
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import sympy
from sympy import Basic, Eq, Function, IndexedBase, Symbol, Tuple, evaluate
from sympy.printing.str import StrPrinter

from .numbers import to_sympy

__all__ = [
    "Relu",
    "MaxOf",
    "MinOf",
    "Norm1",
    "Rank",
    "Dim",
    "Log2",
    "Ceil",
    "Notation",
    "Text",
    "Chain",
    "Qualified",
    "IndexRange",
    "SetOf",
    "DOTS",
    "Element",
    "Note",
    "Dot",
    "space",
    "sym",
    "ix",
    "word",
    "affine",
    "variables",
    "Eq",
    "Tuple",
    "evaluate",
    "tidy",
    "TextPrinter",
    "text",
]


# ------------------------------------------------------------------------------ functions
class _Named(Function):
    """A function printed by name in text and as an operator in LaTeX; it never evaluates."""

    text_name = ""
    latex_name = ""

    def _sympystr(self, printer: Any) -> str:
        return f"{self.text_name}({', '.join(printer._print(a) for a in self.args)})"

    def _latex(self, printer: Any) -> str:
        args = ", ".join(printer._print(a) for a in self.args)
        return rf"{self.latex_name}\left({args}\right)"


class Relu(_Named):
    """``relu(z) = max(z, 0)``; a number argument evaluates (``Relu(-2) == 0``)."""

    nargs = 1
    text_name = "relu"
    latex_name = r"\operatorname{ReLU}"

    @classmethod
    def eval(cls, z: Any) -> Any:
        if z.is_Number:
            return z if z > 0 else sympy.S.Zero
        return None


class MaxOf(_Named):
    """``max(a, b, ...)`` with its arguments in the order written."""

    text_name = "max"
    latex_name = r"\max"


class MinOf(_Named):
    """``min(a, b, ...)`` with its arguments in the order written."""

    text_name = "min"
    latex_name = r"\min"


class Rank(_Named):
    nargs = 1
    text_name = "rank"
    latex_name = r"\operatorname{rank}"


class Dim(_Named):
    nargs = 1
    text_name = "dim"
    latex_name = r"\dim"


class Log2(_Named):
    nargs = 1
    text_name = "log2"
    latex_name = r"\log_2"


class Ceil(Function):
    """``ceil(z)``: the ceiling, kept as written."""

    nargs = 1

    def _sympystr(self, printer: Any) -> str:
        return f"ceil({printer._print(self.args[0])})"

    def _latex(self, printer: Any) -> str:
        return rf"\left\lceil {printer._print(self.args[0])} \right\rceil"


class Norm1(Function):
    """``||a||_1``."""

    nargs = 1

    def _sympystr(self, printer: Any) -> str:
        return f"||{printer._print(self.args[0])}||_1"

    def _latex(self, printer: Any) -> str:
        return rf"\lVert {printer._print(self.args[0])} \rVert_1"


# ------------------------------------------------------------------------------ names
class Notation(Symbol):
    """A name written ``text`` in plain text and ``latex`` in LaTeX (``[H | 1]``, ``A^-1``).

    Two notations with the same text are the same symbol (sympy caches symbols by name).
    """

    _forms: dict[str, str] = {}

    def __new__(cls, text: str, latex: str | None = None) -> Notation:
        obj = super().__new__(cls, text)
        if latex is not None:
            cls._forms[text] = latex
        return obj

    def __getnewargs_ex__(self) -> tuple[tuple, dict]:
        return (self.name, Notation._forms.get(self.name)), {}

    def _latex(self, printer: Any) -> str:
        return Notation._forms.get(self.name, self.name)

    def _sympystr(self, printer: Any) -> str:
        return self.name


def word(name: str) -> Notation:
    """A quantity named in words: ``regions`` (text) / ``\\text{regions}`` (LaTeX)."""
    return Notation(name, rf"\text{{{_text_escape(name)}}}")


def _text_escape(s: str) -> str:
    """Characters that LaTeX's text mode treats specially, escaped (for ``\\text{...}``)."""
    out = []
    for ch in s:
        if ch in "&%$#_{}":
            out.append("\\" + ch)
        elif ch == "\\":
            out.append(r"\textbackslash{}")
        elif ch == "~":
            out.append(r"\textasciitilde{}")
        elif ch == "^":
            out.append(r"\textasciicircum{}")
        elif ch == "<":
            out.append(r"\textless{}")
        elif ch == ">":
            out.append(r"\textgreater{}")
        elif ch == "|":
            out.append(r"\textbar{}")
        else:
            out.append(ch)
    return "".join(out)


DOTS = Notation("...", r"\dots")


def space(n: int) -> Notation:
    r"""``R^n`` / ``\mathbb{R}^{n}`` (``R`` / ``\mathbb{R}`` for n = 1)."""
    return Notation("R" if n == 1 else f"R^{n}", r"\mathbb{R}" if n == 1 else rf"\mathbb{{R}}^{{{n}}}")


def sym(name: str) -> Symbol:
    """A plain symbol (``x``, ``k``); sympy writes ``x1`` as ``x_{1}`` in LaTeX."""
    return Symbol(name)


def ix(base: str, *index: Any) -> Any:
    """An indexed name ``s_i``, ``H_{ij}``: ``ix("s", i)``, ``ix("H", i, j)``; ints stay ints."""
    return IndexedBase(base)[index]


def variables(n: int) -> list[Symbol]:
    """``x1 .. xn``, the input variables as FORMATS.md names them."""
    return [Symbol(f"x{i + 1}") for i in range(n)]


def affine(w: Sequence[Any], c: Any = 0, names: Sequence[Basic] | None = None) -> Basic:
    """``w.x + c`` with exact coefficients, terms in variable order, the constant last."""
    xs = list(names) if names is not None else variables(len(w))
    terms = []
    for wi, xi in zip(w, xs):
        q = to_sympy(wi)
        if q == 0:
            continue
        with evaluate(False):
            terms.append(xi if q == 1 else (-xi if q == -1 else q * xi))
    const = to_sympy(c)
    if const != 0 or not terms:
        terms.append(const)
    if len(terms) == 1:
        return terms[0]
    with evaluate(False):
        return sympy.Add(*terms)


# ------------------------------------------------------------------------------ formula shapes
class Text(Basic):
    """A few words inside a formula (``carried``, ``on piece i``)."""

    def __new__(cls, words: str | Symbol) -> Text:
        return Basic.__new__(cls, words if isinstance(words, Symbol) else Symbol(words))

    @property
    def words(self) -> str:
        return self.args[0].name

    def _sympystr(self, printer: Any) -> str:
        return self.words

    def _latex(self, printer: Any) -> str:
        return rf"\text{{{_text_escape(self.words)}}}"


_RELATIONS = {"<": "<", "<=": r"\le", "=": "=", ">": ">", ">=": r"\ge"}


class Chain(Basic):
    """``a_0 rel a_1 rel ... rel a_k``, one relation between all terms (``DOTS`` allowed)."""

    def __new__(cls, rel: str | Symbol, *terms: Any) -> Chain:
        rel = rel.name if isinstance(rel, Symbol) else rel
        if rel not in _RELATIONS:
            raise ValueError(f"Chain: unknown relation {rel!r}")
        return Basic.__new__(cls, Symbol(rel), *[sympy.sympify(t) for t in terms])

    def _sympystr(self, printer: Any) -> str:
        rel = self.args[0].name
        return f" {rel} ".join(printer._print(t) for t in self.args[1:])

    def _latex(self, printer: Any) -> str:
        rel = _RELATIONS[self.args[0].name]
        return f" {rel} ".join(printer._print(t) for t in self.args[1:])


class Qualified(Basic):
    """A formula with side conditions: ``d_i = s_i - s_{i-1},  i = 1..k``."""

    def __new__(cls, main: Any, *conditions: Any) -> Qualified:
        return Basic.__new__(cls, main, *conditions)

    def _sympystr(self, printer: Any) -> str:
        return ",  ".join(printer._print(a) for a in self.args)

    def _latex(self, printer: Any) -> str:
        return r", \quad ".join(printer._print(a) for a in self.args)


class Element(Basic):
    r"""``x in S`` / ``x \in S``."""

    def __new__(cls, x: Any, S: Any) -> Element:
        return Basic.__new__(cls, sympy.sympify(x), sympy.sympify(S))

    def _sympystr(self, printer: Any) -> str:
        return f"{printer._print(self.args[0])} in {printer._print(self.args[1])}"

    def _latex(self, printer: Any) -> str:
        return rf"{printer._print(self.args[0])} \in {printer._print(self.args[1])}"


class Dot(sympy.Expr):
    r"""The inner product ``a.x`` / ``a \cdot x``."""

    def __new__(cls, a: Any, b: Any) -> Dot:
        return sympy.Expr.__new__(cls, sympy.sympify(a), sympy.sympify(b))

    def _sympystr(self, printer: Any) -> str:
        return f"{printer._print(self.args[0])}.{printer._print(self.args[1])}"

    def _latex(self, printer: Any) -> str:
        return rf"{printer._print(self.args[0])} \cdot {printer._print(self.args[1])}"


class Note(Basic):
    """A formula with a remark in words: ``relu(x1) (kink)``."""

    def __new__(cls, main: Any, words: str | Symbol) -> Note:
        return Basic.__new__(cls, sympy.sympify(main), words if isinstance(words, Symbol) else Symbol(words))

    def _sympystr(self, printer: Any) -> str:
        return f"{printer._print(self.args[0])} ({self.args[1].name})"

    def _latex(self, printer: Any) -> str:
        return rf"{printer._print(self.args[0])} \quad \text{{({_text_escape(self.args[1].name)})}}"


class IndexRange(Basic):
    """``i = lo..hi`` / ``i = lo, \\dots, hi``."""

    def __new__(cls, index: Any, lo: Any, hi: Any) -> IndexRange:
        return Basic.__new__(cls, sympy.sympify(index), sympy.sympify(lo), sympy.sympify(hi))

    def _sympystr(self, printer: Any) -> str:
        i, lo, hi = (printer._print(a).replace(" ", "") for a in self.args)
        return f"{i} = {lo}..{hi}"

    def _latex(self, printer: Any) -> str:
        i, lo, hi = (printer._print(a) for a in self.args)
        return rf"{i} = {lo}, \dots, {hi}"


class SetOf(Basic):
    """``{v : condition}``."""

    def __new__(cls, var: Any, condition: Any) -> SetOf:
        return Basic.__new__(cls, var, condition)

    def _sympystr(self, printer: Any) -> str:
        return "{" + f"{printer._print(self.args[0])} : {printer._print(self.args[1])}" + "}"

    def _latex(self, printer: Any) -> str:
        return rf"\left\{{ {printer._print(self.args[0])} : {printer._print(self.args[1])} \right\}}"


def tidy(expr: Any) -> Any:
    """Flatten the nested sums and products that Python's binary ``+`` and ``*`` build under
    ``evaluate(False)``, and drop factors 1, so ``a + b + c`` prints without parentheses."""
    if isinstance(expr, (tuple, list)):
        return type(expr)(tidy(e) for e in expr)
    if not isinstance(expr, Basic) or expr.is_Atom or not expr.args:
        return expr
    return _tidy(expr)


@lru_cache(maxsize=4096)
def _tidy(expr: Basic) -> Basic:
    args = [tidy(a) for a in expr.args]
    with evaluate(False):
        if expr.is_Add:
            flat = [t for a in args for t in (a.args if a.is_Add else (a,))]
            return sympy.Add(*flat)
        if expr.is_Mul:
            flat = [t for a in args for t in (a.args if a.is_Mul else (a,))]
            kept = [t for t in flat if t != 1] or [sympy.S.One]
            return kept[0] if len(kept) == 1 else sympy.Mul(*kept)
        return expr.func(*args)


# ------------------------------------------------------------------------------ the text printer
class TextPrinter(StrPrinter):
    """Plain text of a formula, as ``exactpwl construct`` prints it: ``relu(x - x_0)``,
    ``sum_{i=1}^{k} ...``, ``a = b``, ``s_{i-1}``; terms in the order they were built."""

    printmethod = "_sympystr"
    _default_settings = {**StrPrinter._default_settings, "order": "none"}

    def _print_Relational(self, expr: Any) -> str:
        op = {"==": "=", "!=": "!="}.get(expr.rel_op, expr.rel_op)
        return f"{self._print(expr.lhs)} {op} {self._print(expr.rhs)}"

    _print_Equality = _print_Relational
    _print_Unequality = _print_Relational

    def _print(self, expr: Any, **kwargs: Any) -> str:
        if isinstance(expr, sympy.Indexed):  # its own _sympystr would print s[i - 1]
            return self._print_Indexed(expr)
        return super()._print(expr, **kwargs)

    def _print_Indexed(self, expr: Any) -> str:
        index = ",".join(self._print(i).replace(" ", "") for i in expr.indices)
        simple = (
            all(i.is_Symbol or (i.is_Integer and 0 <= i < 10) for i in expr.indices)
            and len(expr.indices) == 1
        )
        return f"{self._print(expr.base)}_{index}" if simple else f"{self._print(expr.base)}_{{{index}}}"

    def _print_Mul(self, expr: Any) -> str:
        first, rest = expr.args[0], expr.args[1:]
        if first == 1 and rest:  # what Sum makes of its summand under evaluate(False)
            return self._print(rest[0] if len(rest) == 1 else sympy.Mul(*rest, evaluate=False))
        if first.is_Rational and not first.is_Integer and rest:  # 1/2*x2, not x2/2
            body = "*".join(self.parenthesize(a, sympy.printing.precedence.PRECEDENCE["Mul"]) for a in rest)
            return f"{self._print(first)}*{body}"
        return super()._print_Mul(expr)

    def _print_Pow(self, expr: Any, rational: bool = False) -> str:
        return super()._print_Pow(expr, rational).replace("**", "^")

    def _print_Sum(self, expr: Any) -> str:
        (i, lo, hi), *more = expr.limits
        fn = expr.function
        if fn.is_Mul and fn.args[0] == 1 and len(fn.args) == 2:  # Sum's 1*f under evaluate(False)
            fn = fn.args[1]
        body = self._print(fn)
        if fn.is_Add:
            body = f"({body})"
        lo, hi = (self._print(v).replace(" ", "") for v in (lo, hi))
        return f"sum_{{{self._print(i)}={lo}}}^{{{hi}}} {body}"

    def _print_Piecewise(self, expr: Any) -> str:
        parts = []
        for value, cond in expr.args:
            last = cond is sympy.true
            parts.append(f"{self._print(value)} " + ("otherwise" if last else f"if {self._print(cond)}"))
        return "; ".join(parts)

    def _print_Implies(self, expr: Any) -> str:
        return f"{self._print(expr.args[0])}  =>  {self._print(expr.args[1])}"

    def _print_Tuple(self, expr: Any) -> str:
        return "(" + ", ".join(self._print(a) for a in expr.args) + ")"

    def _print_Abs(self, expr: Any) -> str:
        return f"|{self._print(expr.args[0])}|"

    def _print_MatrixBase(self, expr: Any) -> str:
        return (
            "[" + ", ".join("[" + ", ".join(self._print(v) for v in row) + "]" for row in expr.tolist()) + "]"
        )

    _print_ImmutableDenseMatrix = _print_MatrixBase
    _print_MutableDenseMatrix = _print_MatrixBase


_TEXT = TextPrinter()


def text(expr: Any) -> str:
    """The plain text of a formula (sympy object) or a tuple of formulas (joined by ``;  ``)."""
    if isinstance(expr, (tuple, list)):
        return ";  ".join(text(e) for e in expr)
    return _TEXT.doprint(tidy(expr))
