"""CPWL expressions such as ``max(0, x1 - 1/2*x2) + abs(x2)``: a restricted parser and exact values.

Why a module of its own:

* Targets are typed by users (``--expr``, the ``expr`` key of FORMATS.md), so they are read by a
  hand-written tokenizer and recursive-descent parser that knows only the whitelisted grammar
  below -- never ``eval``, ``sympify`` or Python's ``ast``.  Nothing in the text is executed,
  and every problem is an ``InputError`` with a one-line message naming the offending token
  and its 1-based column.
* The tree is the target's own definition, and the certificate checker reads it directly, with
  the semantics of ``exactpwl.target_semantics`` (which branch wins at every node, and the
  affine form the branches give).  The compiler to a network, which the region walk runs,
  lives in ``exactpwl.compile``, and the rewriter in ``exactpwl.rewrite``; the checker uses
  neither, nor this module's ``fold``, ``rename`` and ``canonical`` (which serve them, the z3
  encoding and the constructions).

Grammar (whitespace allowed between tokens)::

    expr    := term (('+' | '-') term)*
    term    := unary (('*' | '/') unary)*        a product needs a constant side; '/' a constant
    unary   := ('+' | '-')* primary
    primary := NUMBER | VARIABLE | '(' expr ')' | FUNC '(' expr (',' expr)* ')'
    NUMBER  := 12 | 0.1 | .5 | 1e-3 | 2.5E+2      (read exactly: 0.1 is 1/10)
    VARIABLE:= x1 .. xn                           (n = input_dim)
    FUNC    := max | min (two or more arguments) | abs | relu (one argument)

The tree is normalised while it is built: constant sub-expressions are folded to one ``Const``
(``1/2`` is the number 1/2), products and quotients become ``Scale(c, e)``, sums and nested
``max``/``min`` are flattened.  ``to_text`` prints a canonical form that ``parse`` reads back
to an equal tree.

>>> e = parse("max(0, x1, x2) - 0.5*abs(x1)", 2)
>>> to_text(e)
'max(0, x1, x2) - (1/2)*abs(x1)'
>>> evaluate(e, [3, -1])
3/2
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import reduce
from typing import Any, TypeVar

from flint import fmpq

from .errors import InputError
from .numbers import format_number, parse_number, to_fmpq

__all__ = [
    "Expr",
    "Const",
    "Var",
    "Add",
    "Scale",
    "Max",
    "Min",
    "Abs",
    "Relu",
    "parse",
    "evaluate",
    "fold",
    "to_text",
    "rename",
    "canonical",
    "MAX_LENGTH",
    "MAX_DEPTH",
]

MAX_LENGTH = 10_000  # characters of one expression
MAX_DEPTH = 200  # nesting of parentheses (function calls included), and height of the tree

_DIGITS = "0123456789"
_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_"
_SPACE = " \t\r\n"
_OPERATORS = "+-*/(),"
_FUNCTIONS = ("max", "min", "abs", "relu")

# ============================================================================ the tree


@dataclass(frozen=True)
class Expr:
    """Base class of the (immutable, hashable) expression nodes.

    ``depth`` is the height of the tree (1 for a leaf); ``parse`` keeps it <= ``MAX_DEPTH``.
    """

    def __post_init__(self) -> None:
        object.__setattr__(self, "depth", 1 + max((c.depth for c in self.children()), default=0))

    @property
    def constant(self) -> bool:
        """True if the value does not depend on x (after parsing: exactly the ``Const`` nodes)."""
        return all(c.constant for c in self.children())

    def children(self) -> tuple[Expr, ...]:
        return ()

    def __str__(self) -> str:
        return to_text(self)


@dataclass(frozen=True)
class Const(Expr):
    value: fmpq

    @property
    def constant(self) -> bool:
        return True


@dataclass(frozen=True)
class Var(Expr):
    index: int  # 1-based: Var(1) is x1

    @property
    def constant(self) -> bool:
        return False


@dataclass(frozen=True)
class Add(Expr):
    terms: tuple[Expr, ...]

    def children(self) -> tuple[Expr, ...]:
        return self.terms


@dataclass(frozen=True)
class Scale(Expr):
    """``coef * arg`` with a constant coefficient."""

    coef: fmpq
    arg: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.arg,)


@dataclass(frozen=True)
class Max(Expr):
    args: tuple[Expr, ...]

    def children(self) -> tuple[Expr, ...]:
        return self.args


@dataclass(frozen=True)
class Min(Expr):
    args: tuple[Expr, ...]

    def children(self) -> tuple[Expr, ...]:
        return self.args


@dataclass(frozen=True)
class Abs(Expr):
    arg: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.arg,)


@dataclass(frozen=True)
class Relu(Expr):
    arg: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.arg,)


# -- normalising constructors (the parser builds every node through these)


def _scale(c: fmpq, e: Expr) -> Expr:
    if isinstance(e, Const):
        return Const(c * e.value)
    if c == 0:
        return Const(fmpq(0))
    if isinstance(e, Scale):
        c, e = c * e.coef, e.arg
    return e if c == 1 else Scale(c, e)


def _add(items: Sequence[Expr]) -> Expr:
    """A flat sum; its constant terms are merged into one, placed where the first one was."""
    terms: list[Expr] = []
    total, at = fmpq(0), -1
    for t in items:
        for s in t.terms if isinstance(t, Add) else (t,):
            if isinstance(s, Const):
                if at < 0:
                    at = len(terms)
                    terms.append(s)
                total += s.value
            else:
                terms.append(s)
    if at >= 0:
        if total == 0 and len(terms) > 1:
            del terms[at]
        else:
            terms[at] = Const(total)
    return terms[0] if len(terms) == 1 else Add(tuple(terms))


def _extremum(cls: type[Max] | type[Min], items: Sequence[Expr]) -> Expr:
    """A flat max/min; its constant arguments are merged into one, placed where the first one was."""
    pick = max if cls is Max else min
    args: list[Expr] = []
    best, at = None, -1
    for t in items:
        for s in t.args if isinstance(t, cls) else (t,):
            if isinstance(s, Const):
                best = s.value if best is None else pick(best, s.value)
                if at < 0:
                    at = len(args)
                    args.append(s)
            else:
                args.append(s)
    if at >= 0:
        args[at] = Const(best)
    return args[0] if len(args) == 1 else cls(tuple(args))


def _abs(e: Expr) -> Expr:
    return Const(abs(e.value)) if isinstance(e, Const) else Abs(e)


def _relu(e: Expr) -> Expr:
    return Const(max(e.value, fmpq(0))) if isinstance(e, Const) else Relu(e)


# ============================================================================ tokenizer


@dataclass(frozen=True)
class _Token:
    kind: str  # "num", "name", "op", "bad", "end"
    text: str
    col: int  # 1-based
    message: str = ""  # for "bad": what is wrong


def _show(text: str, limit: int = 24) -> str:
    """A token for a one-line message: quoted, control characters escaped, long ones cut."""
    if len(text) > limit:
        text = text[:limit] + "..."
    return repr(text) if not text.isprintable() or "'" in text else f"'{text}'"


def _char(ch: str) -> str:
    s = _show(ch)
    return s if ch.isascii() else f"{s} (U+{ord(ch):04X})"


def _tokenize(s: str) -> list[_Token]:
    tokens: list[_Token] = []
    n = len(s)
    i = 0
    while i < n:
        ch = s[i]
        if ch in _SPACE:
            i += 1
            continue
        start = i
        if ch in _DIGITS or (ch == "." and i + 1 < n and s[i + 1] in _DIGITS):
            while i < n and s[i] in _DIGITS:
                i += 1
            if i < n and s[i] == ".":
                i += 1
                while i < n and s[i] in _DIGITS:
                    i += 1
            if i < n and s[i] in "eE":
                j = i + 1
                if j < n and s[j] in "+-":
                    j += 1
                if j < n and s[j] in _DIGITS:
                    i = j
                    while i < n and s[i] in _DIGITS:
                        i += 1
                else:
                    bad = s[start : j + 1] if j < n else s[start:j]
                    tokens.append(_Token("bad", bad, start + 1, f"malformed number {_show(bad)}"))
                    i = j
                    continue
            kind = "num"
        elif ch in _LETTERS:
            while i < n and (s[i] in _LETTERS or s[i] in _DIGITS):
                i += 1
            kind = "name"
        elif ch in _OPERATORS:
            i += 1
            kind = "op"
        else:
            what = "non-ASCII character" if not ch.isascii() else "unexpected character"
            tokens.append(_Token("bad", ch, i + 1, f"{what} {_char(ch)}"))
            i += 1
            continue
        if kind != "op" and i < n and not s[i].isascii() and s[i].isalnum():
            # e.g. "x\u0661" or "1\uff12": report the non-ASCII letter or digit, not a truncated token
            tokens.append(_Token("bad", s[i], i + 1, f"non-ASCII character {_char(s[i])}"))
            i += 1
            continue
        tokens.append(_Token(kind, s[start:i], start + 1))
    tokens.append(_Token("end", "", n + 1))
    return tokens


# ============================================================================ parser


class _Parser:
    def __init__(self, text: str, input_dim: int, where: str):
        self.text = text
        self.n = input_dim
        self.where = where
        self.tokens = _tokenize(text)
        self.pos = 0

    # -- helpers
    def fail(self, message: str, col: int, hint: str = "") -> InputError:
        return InputError(f"{self.where}: {message} at column {col}" + (f" ({hint})" if hint else ""))

    def peek(self) -> _Token:
        t = self.tokens[self.pos]
        if t.kind == "bad":
            raise self.fail(t.message, t.col)
        return t

    def advance(self) -> _Token:
        t = self.peek()
        self.pos += 1
        return t

    def end_of(self, k: int) -> int:
        """Column just after token k (for quoting the source of a sub-expression)."""
        t = self.tokens[k]
        return t.col + len(t.text)

    def source(self, first: int, last: int) -> str:
        """The text of tokens first..last, for a message."""
        s = self.text[self.tokens[first].col - 1 : self.end_of(last) - 1]
        s = " ".join(s.split())
        return s if len(s) <= 40 else s[:37] + "..."

    def check_depth(self) -> None:
        depth = 0
        for t in self.tokens:
            if t.kind == "op" and t.text == "(":
                depth += 1
                if depth > MAX_DEPTH:
                    raise self.fail(f"nesting deeper than {MAX_DEPTH} levels of parentheses", t.col)
            elif t.kind == "op" and t.text == ")":
                depth = max(depth - 1, 0)

    def unexpected(self, t: _Token, expected: str) -> InputError:
        if t.kind == "end":
            return self.fail("unexpected end of expression", t.col, f"expected {expected}")
        if t.kind == "op" and t.text == "*" and self.pos > 0 and self.tokens[self.pos - 1].text == "*":
            return self.fail("'**' (power) is not allowed", self.tokens[self.pos - 1].col)
        return self.fail(f"unexpected {_show(t.text)}", t.col, f"expected {expected}")

    def after_operand(self, t: _Token, closing: str) -> InputError:
        """The token after a complete operand is neither an operator nor what closes it."""
        if t.kind in ("num", "name") or t.text == "(":
            return self.fail(f"missing operator before {_show(t.text)}", t.col)
        if t.text == ")" and not closing:
            return self.fail("unmatched ')'", t.col)
        return self.unexpected(t, f"an operator or {closing}" if closing else "an operator")

    # -- grammar
    def parse(self) -> Expr:
        if all(c in _SPACE for c in self.text):
            raise self.fail("empty expression", 1)
        self.check_depth()
        e = self.expr()
        t = self.peek()
        if t.kind != "end":
            raise self.after_operand(t, "")
        return e

    def expr(self) -> Expr:
        """A sum of terms; each term is a product/quotient chain (one frame per nesting level)."""
        terms: list[Expr] = []
        sign = 1
        first = self.pos
        col = self.peek().col
        cur = self.operand()
        while True:
            t = self.peek()
            if t.kind == "op" and t.text in "*/":
                self.advance()
                rhs = self.operand()
                cur = self.product(cur, rhs, t, first)
            elif t.kind == "op" and t.text in "+-":
                terms.append(_scale(fmpq(sign), cur))
                self.advance()
                sign = 1 if t.text == "+" else -1
                first = self.pos
                cur = self.operand()
            else:
                terms.append(_scale(fmpq(sign), cur))
                return self.checked(_add(terms), col)

    def product(self, a: Expr, b: Expr, op: _Token, first: int) -> Expr:
        src = self.source(first, self.pos - 1)
        if op.text == "*":
            if isinstance(a, Const):
                return _scale(a.value, b)
            if isinstance(b, Const):
                return _scale(b.value, a)
            raise self.fail(f"{src} is not piecewise linear (product of two non-constant terms)", op.col)
        if not isinstance(b, Const):
            raise self.fail(f"{src} is not piecewise linear (division by a non-constant term)", op.col)
        if b.value == 0:
            raise self.fail(f"division by zero in {src}", op.col)
        return _scale(1 / b.value, a)

    def operand(self) -> Expr:
        """Unary signs, then a number, variable, '(' expr ')' or function call (all inline, so a
        nesting level costs two stack frames: expr -> operand -> expr)."""
        t = self.peek()
        start = t.col
        sign = 1
        while t.kind == "op" and t.text in "+-":
            if t.text == "-":
                sign = -sign
            self.advance()
            t = self.peek()
        if t.kind == "num":
            self.advance()
            try:
                e: Expr = Const(parse_number(t.text))
            except InputError:
                raise self.fail(f"number {_show(t.text)} is too large", t.col) from None
        elif t.kind == "name" and t.text not in _FUNCTIONS:
            self.advance()
            e = self.variable(t)
        elif t.kind == "name" or t.text == "(":
            f = t  # a function name, or the '(' of plain parentheses
            self.advance()
            if t.kind == "name":
                t = self.peek()
                if not (t.kind == "op" and t.text == "("):
                    raise self.fail(f"expected '(' after {_show(f.text)}", t.col)
                self.advance()
            closing = "')'" if f.kind == "op" else "',' or ')'"
            args: list[Expr] = []
            if not (f.kind == "name" and self.peek().kind == "op" and self.peek().text == ")"):
                while True:
                    args.append(self.expr())
                    t = self.peek()
                    if f.kind == "name" and t.kind == "op" and t.text == ",":
                        self.advance()
                        continue
                    if t.kind == "op" and t.text == ")":
                        break
                    if t.kind == "end":
                        what = "'('" if f.kind == "op" else f"'(' of {f.text}"
                        raise self.fail(f"unclosed {what}", f.col if f.kind == "op" else f.col + len(f.text))
                    raise self.after_operand(t, closing)
            self.advance()
            e = args[0] if f.kind == "op" else self.function(f, args)
        else:
            raise self.unexpected(t, "a number, a variable, a function or '('")
        if sign == -1:
            e = _scale(fmpq(-1), e)
        return self.checked(e, start)

    def checked(self, e: Expr, col: int) -> Expr:
        if e.depth > MAX_DEPTH:
            raise self.fail(f"expression nested deeper than {MAX_DEPTH} levels", col)
        return e

    def function(self, f: _Token, args: list[Expr]) -> Expr:
        name, k = f.text, len(args)
        if name in ("max", "min"):
            if k < 2:
                raise self.fail(f"{name} needs two or more arguments, got {k}", f.col)
            return _extremum(Max if name == "max" else Min, args)
        if k != 1:
            raise self.fail(f"{name} takes one argument, got {k}", f.col)
        return _abs(args[0]) if name == "abs" else _relu(args[0])

    def variable(self, t: _Token) -> Expr:
        name, n = t.text, self.n
        allowed = f"variables are x1 .. x{n}" if n > 1 else "the variable is x1"
        if name[0] == "x" and len(name) > 1 and all(c in _DIGITS for c in name[1:]):
            digits = name[1:]
            if digits[0] == "0" and len(digits) > 1:
                raise self.fail(f"unknown variable {_show(name)}", t.col, allowed)
            if len(digits) > 9 or not 1 <= int(digits) <= n:
                raise self.fail(f"variable {_show(name)} out of range", t.col, f"input_dim is {n}: {allowed}")
            return Var(int(digits))
        raise self.fail(f"unknown name {_show(name)}", t.col, f"{allowed}; functions max, min, abs, relu")


def _check_dim(input_dim: Any, where: str) -> int:
    if isinstance(input_dim, bool) or not isinstance(input_dim, int) or input_dim < 1:
        raise InputError(f"{where}: input_dim must be a positive integer, got {input_dim!r}")
    return input_dim


def parse(text: str, input_dim: int, where: str = "expr") -> Expr:
    """Parse a CPWL expression in the variables ``x1 .. x{input_dim}`` (see the module docstring).

    Raises ``InputError`` (one line, with the 1-based column of the offending token) for anything
    outside the grammar: unknown names, products of two non-constant terms, division by a
    non-constant or by zero, unbalanced parentheses, more than ``MAX_LENGTH`` characters, more
    than ``MAX_DEPTH`` nested parentheses or a tree higher than ``MAX_DEPTH``.
    """
    _check_dim(input_dim, where)
    if not isinstance(text, str):
        raise InputError(f"{where}: expected a string, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise InputError(
            f"{where}: expression too long ({len(text)} characters, limit {MAX_LENGTH}) "
            f"at column {MAX_LENGTH + 1}"
        )
    try:
        return _Parser(text, input_dim, where).parse()
    except RecursionError:  # not expected within MAX_DEPTH; a safety net
        raise InputError(f"{where}: expression nested too deeply at column 1") from None


# ============================================================================ exact evaluation


def _max_var(e: Expr) -> int:
    """The largest variable index used (0 for a constant)."""
    top, stack = 0, [e]
    while stack:
        node = stack.pop()
        if isinstance(node, Var):
            top = max(top, node.index)
        stack.extend(node.children())
    return top


def evaluate(e: Expr, x: Sequence[Any]) -> fmpq:
    """The exact value of ``e`` at the point ``x`` (coordinates: anything ``to_fmpq`` reads)."""
    if isinstance(x, (str, bytes)) or not hasattr(x, "__len__"):
        raise InputError("point: expected a list of numbers")
    need = _max_var(e)
    if len(x) < need:
        raise InputError(f"point: has {len(x)} coordinates, the expression uses x{need}")
    xs = [to_fmpq(v, f"point, coordinate {i + 1}") for i, v in enumerate(x)]
    return _eval(e, xs)


def _eval(e: Expr, xs: list[fmpq]) -> fmpq:
    if isinstance(e, Const):
        return e.value
    if isinstance(e, Var):
        return xs[e.index - 1]
    if isinstance(e, Add):
        total = fmpq(0)
        for t in e.terms:
            total += _eval(t, xs)
        return total
    if isinstance(e, Scale):
        return e.coef * _eval(e.arg, xs)
    if isinstance(e, (Max, Min)):
        values = []
        for a in e.args:  # a loop, not a comprehension: one stack frame per tree level
            values.append(_eval(a, xs))
        return max(values) if isinstance(e, Max) else min(values)
    if isinstance(e, Abs):
        return abs(_eval(e.arg, xs))
    if isinstance(e, Relu):
        return max(_eval(e.arg, xs), fmpq(0))
    raise TypeError(f"not an expression node: {e!r}")


T = TypeVar("T")


def fold(
    e: Expr,
    *,
    var: Callable[[int], T],
    const: Callable[[fmpq], T],
    add: Callable[[Iterable[T]], T],
    scale: Callable[[fmpq, T], T],
    max_: Callable[[T, T], T],
    min_: Callable[[T, T], T],
    abs_: Callable[[T], T],
    relu: Callable[[T], T],
) -> T:
    """Rebuild ``e`` bottom-up with other operations (e.g. as z3 or sympy terms).

    ``var(i)`` receives the 0-based position ``i`` of the variable (``x1`` gives 0, so
    ``var=xs.__getitem__`` works); ``add`` receives the terms of a sum; a max/min of k
    arguments is folded left to right with the binary ``max_``/``min_``.
    """
    ops = dict(var=var, const=const, add=add, scale=scale, max_=max_, min_=min_, abs_=abs_, relu=relu)
    if isinstance(e, Const):
        return const(e.value)
    if isinstance(e, Var):
        return var(e.index - 1)
    if isinstance(e, Add):
        return add([fold(t, **ops) for t in e.terms])
    if isinstance(e, Scale):
        return scale(e.coef, fold(e.arg, **ops))
    if isinstance(e, (Max, Min)):
        return reduce(max_ if isinstance(e, Max) else min_, [fold(a, **ops) for a in e.args])
    if isinstance(e, Abs):
        return abs_(fold(e.arg, **ops))
    if isinstance(e, Relu):
        return relu(fold(e.arg, **ops))
    raise TypeError(f"not an expression node: {e!r}")


# ============================================================================ symmetry


def rename(e: Expr, image: Sequence[int]) -> Expr:
    """``e`` with every variable ``x_i`` replaced by ``x_{image[i-1]}`` (1-based variables)."""
    if isinstance(e, Var):
        return Var(image[e.index - 1])
    if isinstance(e, Const):
        return e
    if isinstance(e, Add):
        return Add(tuple(rename(t, image) for t in e.terms))
    if isinstance(e, Scale):
        return Scale(e.coef, rename(e.arg, image))
    if isinstance(e, (Max, Min)):
        return type(e)(tuple(rename(a, image) for a in e.args))
    if isinstance(e, (Abs, Relu)):
        return type(e)(rename(e.arg, image))
    raise TypeError(f"not an expression node: {e!r}")


def canonical(e: Expr) -> Expr:
    """``e`` with the arguments of every sum, max and min sorted (by their canonical text).

    Reordering the arguments of ``+``, ``max`` and ``min`` does not change the value, so two
    expressions with equal canonical forms are equal functions.
    """
    if isinstance(e, (Const, Var)):
        return e
    if isinstance(e, (Add, Max, Min)):
        items = e.terms if isinstance(e, Add) else e.args
        return type(e)(tuple(sorted((canonical(a) for a in items), key=to_text)))
    if isinstance(e, Scale):
        return Scale(e.coef, canonical(e.arg))
    if isinstance(e, (Abs, Relu)):
        return type(e)(canonical(e.arg))
    raise TypeError(f"not an expression node: {e!r}")


# ============================================================================ canonical text


def _num(v: fmpq) -> str:
    return format_number(v)


def _split_sign(t: Expr) -> tuple[str, Expr]:
    """A sum's term as (sign, magnitude) so that ``a + -b`` prints as ``a - b``."""
    if isinstance(t, Const) and t.value < 0:
        return "-", Const(-t.value)
    if isinstance(t, Scale) and t.coef < 0:
        return "-", t.arg if t.coef == -1 else Scale(-t.coef, t.arg)
    return "+", t


def _operand_text(e: Expr) -> str:
    """Text of a non-constant factor of a product: a sum needs parentheses."""
    return f"({to_text(e)})" if isinstance(e, Add) else to_text(e)


def to_text(e: Expr) -> str:
    """Canonical text: ``parse(to_text(e), n)`` is equal to ``e`` for every tree made by ``parse``
    (as long as the text stays within the limits: a folded constant such as ``1e4000*1e4000``
    prints with more digits than a number may have).

    Integers print as ``3``, other constants as ``1/2``; a fractional coefficient is put in
    parentheses (``(1/2)*x1``); sums print their negative terms with ``-``.
    """
    if isinstance(e, Const):
        return _num(e.value)
    if isinstance(e, Var):
        return f"x{e.index}"
    if isinstance(e, Add):
        out = [to_text(e.terms[0])]
        for t in e.terms[1:]:
            sign, mag = _split_sign(t)
            out.append(f" {sign} {_operand_text(mag) if sign == '-' else to_text(mag)}")
        return "".join(out)
    if isinstance(e, Scale):
        inner = _operand_text(e.arg)
        c = e.coef
        if c == 1:
            return inner
        if c == -1:
            return "-" + inner
        return f"{_num(c)}*{inner}" if c.q == 1 else f"({_num(c)})*{inner}"
    if isinstance(e, (Max, Min)):
        name = "max" if isinstance(e, Max) else "min"
        return f"{name}({', '.join(to_text(a) for a in e.args)})"
    if isinstance(e, Abs):
        return f"abs({to_text(e.arg)})"
    if isinstance(e, Relu):
        return f"relu({to_text(e.arg)})"
    raise TypeError(f"not an expression node: {e!r}")
