"""The target expression's own semantics, for the checker (and nothing that proves or compiles).

* ``branches``: the branch taken at every max/min/abs/relu node at a point, perturbed
  lexicographically (the label's selection);
* ``branch_form``: the affine form a choice of branches gives, with the conditions that make
  them win (the label's rows and the target's map on its region);
* ``same_up_to_order``: two definitions equal up to the order of the arguments of every sum,
  max and min (commutativity is part of these operators' definition), decided by matching
  arguments, without a normal form or the printer.

It reads the expression tree that ``exactpwl.expr`` parses; the compiler, the rewriter and the
constructions have their own code and never load this module's.

>>> from exactpwl.expr import parse
>>> e = parse("max(0, x1, x2) - 0.5*abs(x1)", 2)
>>> branches(e, [[3, -1]])          # max: x1 (index 1) wins; abs: its argument is > 0
[1, 1]
>>> same_up_to_order(parse("max(x2 + x1, 0)", 2), parse("max(0, x1 + x2)", 2))
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flint import fmpq

from .expr import Abs, Add, Const, Expr, Max, Min, Relu, Scale, Var
from .numbers import to_fmpq

__all__ = ["branches", "branch_form", "same_up_to_order"]


def branches(e: Expr, cols: Sequence[Sequence[Any]]) -> list[int]:
    """The branch taken at every max/min/abs/relu node at ``x + t d1 + t^2 d2 + ...`` as t -> 0+.

    ``cols = [x, d1, d2, ...]`` (rationals).  Every node is evaluated as the vector (value at x,
    derivative along d1, along d2, ...) and vectors are compared lexicographically.  One entry
    per node, in post-order (children before their parent, arguments left to right): at a
    max (min) the index of the *first* argument attaining the largest (smallest) vector; at an
    abs or a relu 1 if its argument's vector is > 0, else 0 (ties go to 0).
    """
    cols = [[to_fmpq(v) for v in c] for c in cols]
    out: list[int] = []
    _lex(e, cols, out)
    return out


def _lex(e: Expr, cols: list[list[fmpq]], out: list[int]) -> list[fmpq]:
    m = len(cols)
    if isinstance(e, Const):
        return [e.value] + [fmpq(0)] * (m - 1)
    if isinstance(e, Var):
        return [c[e.index - 1] for c in cols]
    if isinstance(e, Add):
        total = [fmpq(0)] * m
        for t in e.terms:
            total = [a + b for a, b in zip(total, _lex(t, cols, out))]
        return total
    if isinstance(e, Scale):
        return [e.coef * v for v in _lex(e.arg, cols, out)]
    if isinstance(e, (Max, Min)):
        vs = []
        for a in e.args:
            vs.append(_lex(a, cols, out))
        pick = max if isinstance(e, Max) else min  # both return the first extremal index
        i = pick(range(len(vs)), key=vs.__getitem__)
        out.append(i)
        return vs[i]
    if isinstance(e, (Abs, Relu)):
        v = _lex(e.arg, cols, out)
        on = v > [fmpq(0)] * m
        out.append(int(on))
        if on:
            return v
        return [-t for t in v] if isinstance(e, Abs) else [fmpq(0)] * m
    raise TypeError(f"not an expression node: {e!r}")


def branch_form(e: Expr, choices: Sequence[int], n: int) -> tuple[list[fmpq], list[list[fmpq]]]:
    """The affine form ``e`` equals wherever the branches ``choices`` (as from ``branches``) win,
    and the conditions that make them win, as forms ``f`` with ``f(x) <= 0``.  A form is the
    list ``[a1, ..., an, c]`` of ``a.x + c``.

    At a max with choice i: ``arg_j - arg_i <= 0`` for every j != i (at a min ``arg_i - arg_j``);
    at an abs or relu with choice 1: ``-arg <= 0``, with 0: ``arg <= 0``.  On the set where all
    conditions hold, every node's value is its form (by induction from the leaves), so ``e``
    equals the returned form there.
    """
    conds: list[list[fmpq]] = []
    it = iter(choices)
    form = _form(e, n, it, conds)
    if next(it, None) is not None:
        raise ValueError("branch_form: more choices than branch nodes")
    return form, conds


def _form(e: Expr, n: int, it: Any, conds: list[list[fmpq]]) -> list[fmpq]:
    if isinstance(e, Const):
        return [fmpq(0)] * n + [e.value]
    if isinstance(e, Var):
        f = [fmpq(0)] * (n + 1)
        f[e.index - 1] = fmpq(1)
        return f
    if isinstance(e, Add):
        total = [fmpq(0)] * (n + 1)
        for t in e.terms:
            total = [a + b for a, b in zip(total, _form(t, n, it, conds))]
        return total
    if isinstance(e, Scale):
        return [e.coef * v for v in _form(e.arg, n, it, conds)]
    if isinstance(e, (Max, Min)):
        fs = []
        for a in e.args:
            fs.append(_form(a, n, it, conds))
        i = next(it)
        if not 0 <= i < len(fs):
            raise ValueError(f"branch_form: choice {i} at a node with {len(fs)} arguments")
        for j, f in enumerate(fs):
            if j != i:
                lo, hi = (f, fs[i]) if isinstance(e, Max) else (fs[i], f)
                conds.append([a - b for a, b in zip(lo, hi)])  # lo - hi <= 0
        return fs[i]
    if isinstance(e, (Abs, Relu)):
        f = _form(e.arg, n, it, conds)
        on = next(it)
        if on not in (0, 1):
            raise ValueError(f"branch_form: choice {on} at an abs/relu node")
        if on:
            conds.append([-v for v in f])
            return f
        conds.append(f)
        return [-v for v in f] if isinstance(e, Abs) else [fmpq(0)] * (n + 1)
    raise TypeError(f"not an expression node: {e!r}")


def same_up_to_order(e: Expr, f: Expr) -> bool:
    """True when ``e`` and ``f`` are the same tree up to the order of the arguments of every sum,
    max and min (each argument of one matched to a distinct equal argument of the other)."""
    if type(e) is not type(f):
        return False
    if isinstance(e, Const):
        return e.value == f.value
    if isinstance(e, Var):
        return e.index == f.index
    if isinstance(e, Scale):
        return e.coef == f.coef and same_up_to_order(e.arg, f.arg)
    if isinstance(e, (Abs, Relu)):
        return same_up_to_order(e.arg, f.arg)
    if isinstance(e, (Add, Max, Min)):
        left = list(f.terms if isinstance(f, Add) else f.args)
        for a in e.terms if isinstance(e, Add) else e.args:
            k = next((k for k, b in enumerate(left) if same_up_to_order(a, b)), None)
            if k is None:  # equality up to order is an equivalence: a greedy match is exact
                return False
            del left[k]
        return not left
    raise TypeError(f"not an expression node: {e!r}")
