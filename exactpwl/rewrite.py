"""Equality by rewriting: a network and a target written in one max-plus normal form.

Many claims users certify hold *by construction*: a network built as ``b + relu(a - b)`` for
``max(a, b)``, values carried through a ReLU layer as ``relu(v) - relu(-v)``, or a network against
its own re-parametrisation (units permuted and positively rescaled).  Such claims need no region
enumeration: both sides rewrite, by exact identities, to the same expression.  This module
writes a network or an expression target as a **linear form** over the inputs and *max atoms*:

* ``relu(g) = max(g, 0)``, ``min(a, b) = -max(-a, -b)``, ``abs(a) = max(a, -a)``;
* ``max(S) = s + max(S - s)`` (a shift) and ``max(cS) = c max(S)`` for ``c > 0`` (a scale):
  every atom is stored shifted and scaled to one canonical representative (its set contains 0);
* ``l + c max(S) = c max(S + l / c)`` for ``c > 0``, and a max whose argument is itself
  ``l + c max(T)`` takes ``T``'s arguments (flattening): so ``b + relu(a - b) = max(a, b)`` and
  ``max(max(x1, x2), max(x3, x4)) = max(x1, x2, x3, x4)``.

Every step is an identity over all of R^n, computed in exact rationals, so two sides with equal
normal forms are equal everywhere (on any domain).  The converse does not hold: different normal
forms decide nothing, and ``certify`` then enumerates regions as usual.  The normal form is a
heuristic in what it *finds*, never in what it *claims*.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from . import expr as _expr
from .network import Network
from .numbers import to_fraction

__all__ = ["Rewriter", "equal_by_rewriting"]

Form = dict  # key -> Fraction; key 0 is the constant, 1..n the inputs, n+1.. the max atoms
Frozen = tuple  # a form as sorted (key, coefficient) pairs: hashable, comparable

MAX_ATOMS_TRIED = 64  # a linear form with more atoms than this is left as it is (no absorption)
MAX_ARGUMENTS = 256  # a max with more arguments than this is left unflattened


def _freeze(f: Form) -> Frozen:
    return tuple(sorted(f.items()))


def _sub(f: Form, g: Form) -> Form:
    out = dict(f)
    for k, v in g.items():
        w = out.get(k, 0) - v
        if w:
            out[k] = w
        else:
            out.pop(k, None)
    return out


def _axpy(out: Form, c: Fraction, g: Form) -> None:
    """out += c g (in place)."""
    for k, v in g.items():
        w = out.get(k, 0) + c * v
        if w:
            out[k] = w
        else:
            out.pop(k, None)


def _scaled(f: Form, c: Fraction) -> Form:
    return {k: c * v for k, v in f.items()} if c else {}


class Rewriter:
    """One table of atoms shared by both sides of a claim (so equal atoms get equal keys)."""

    def __init__(self, n: int):
        self.n = n
        self.atoms: list[tuple[Frozen, ...]] = []  # key n + 1 + i -> its canonical arguments
        self.index: dict[tuple[Frozen, ...], int] = {}
        self.inside: list[frozenset[int]] = []  # the keys that occur in each atom's arguments

    # ------------------------------------------------------------------ atoms
    def _is_atom(self, k: int) -> bool:
        return k > self.n

    def _atoms_of(self, f: Form) -> list[int]:
        return [k for k in f if k > self.n]

    def _flatten(self, args: list[Form]) -> list[Form]:
        """Arguments ``l + c max(T)`` (c > 0, one atom) replaced by ``l + c t`` for t in T."""
        out = []
        for a in args:
            atoms = self._atoms_of(a)
            if len(atoms) == 1 and a[atoms[0]] > 0 and len(args) < MAX_ARGUMENTS:
                k = atoms[0]
                c = a[k]
                rest = dict(a)
                del rest[k]
                for t in self.atoms[k - self.n - 1]:
                    e = dict(rest)
                    _axpy(e, c, dict(t))
                    out.append(e)
            else:
                out.append(a)
        return out

    @staticmethod
    def _prune(args: list[Form]) -> list[Form]:
        """Distinct arguments, and of those that differ by a constant only the largest."""
        best: dict[Frozen, Form] = {}
        for a in args:
            key = _freeze({k: v for k, v in a.items() if k != 0})
            if key not in best or a.get(0, 0) > best[key].get(0, 0):
                best[key] = a
        return list(best.values())

    def _canonical(self, args: list[Form]) -> tuple[Form, Fraction, tuple[Frozen, ...]]:
        """``max(args) = shift + scale * max(T)`` with T canonical: shifted by the argument that
        gives the smallest sorted T, then scaled so its largest coefficient is 1 in size."""
        best = None
        for s in args:
            T = sorted(_freeze(_sub(a, s)) for a in args)
            if best is None or best[1] > T:
                best = (s, T)
        s, T = best
        scale = max(abs(v) for t in T for _, v in t)
        T = tuple(tuple((k, v / scale) for k, v in t) for t in T)
        return dict(s), scale, T

    def max_of(self, args: list[Form]) -> Form:
        """The normal form of ``max(args)``."""
        best = None
        args = self._prune(args)
        keys = [frozenset(self._atoms_of(a)) for a in args]
        shifts = [{}] + [  # shifting by an argument can expose another one to flattening
            s for s, ks in zip(args, keys) if any(len(ks ^ ka) == 1 for ka in keys if ka is not ks)
        ]
        for s in shifts:
            flat = self._prune(self._flatten([_sub(a, s) for a in args]))
            rank = (sum(1 for a in flat if self._atoms_of(a)), len(flat))
            if best is None or rank < best[0]:
                best = (rank, s, flat)
        _, s, flat = best
        if len(flat) == 1:
            out = dict(s)
            _axpy(out, Fraction(1), flat[0])
            return out
        shift, scale, T = self._canonical(flat)
        key = self.index.get(T)
        if key is None:
            key = self.index[T] = self.n + 1 + len(self.atoms)
            self.atoms.append(T)
            self.inside.append(frozenset(j for t in T for j, _ in t))
        out = dict(s)
        _axpy(out, Fraction(1), shift)
        _axpy(out, scale, {key: Fraction(1)})
        return out

    def absorb(self, f: Form) -> Form:
        """Group an atom ``c max(T)`` of ``f`` with the atoms of ``f`` that occur inside ``T`` (their
        part ``r``): ``r + c max(T) = c max(T + r / c)``, kept wherever flattening leaves fewer atoms."""
        while True:
            atoms = self._atoms_of(f)
            if len(atoms) < 2 or len(atoms) > MAX_ATOMS_TRIED:
                return f
            for k in sorted(atoms):
                c = f[k]
                inside = self.inside[k - self.n - 1]
                r = {j: f[j] for j in atoms if j != k and j in inside}
                T = self.atoms[k - self.n - 1]
                if not r or not any(len({j for j, _ in t if j > self.n} ^ r.keys()) <= 1 for t in T):
                    continue  # no argument could become one atom: nothing would flatten
                args = []
                for t in T:
                    a = dict(t)
                    _axpy(a, 1 / c, r)
                    args.append(a)
                g = _sub(f, r)
                del g[k]
                _axpy(g, c, self.max_of(args))
                if len(self._atoms_of(g)) < len(atoms):
                    f = g
                    break
            else:
                return f

    # ------------------------------------------------------------------ the two sides
    def network(self, net: Network) -> list[Form]:
        h: list[Form] = [{i + 1: Fraction(1)} for i in range(self.n)]
        for L in net.layers:
            W = [[to_fraction(v) for v in row] for row in L.weights.tolist()]
            b = [to_fraction(L.biases[j, 0]) for j in range(L.units)]
            out = []
            for row, bj, relu in zip(W, b, L.relu):
                z: Form = {0: bj} if bj else {}
                for w, v in zip(row, h):
                    if w:
                        _axpy(z, w, v)
                z = self.absorb(z)
                out.append(self.max_of([z, {}]) if relu else z)
            h = out
        return h

    def expression(self, e: Any) -> Form:
        def add(terms: Any) -> Form:
            out: Form = {}
            for t in terms:
                _axpy(out, Fraction(1), t)
            return self.absorb(out)

        def const(q: Any) -> Form:
            v = to_fraction(q)
            return {0: v} if v else {}

        return _expr.fold(
            e,
            var=lambda i: {i + 1: Fraction(1)},
            const=const,
            add=add,
            scale=lambda q, t: _scaled(t, to_fraction(q)),
            max_=lambda a, b: self.max_of([a, b]),
            min_=lambda a, b: _scaled(self.max_of([_scaled(a, -1), _scaled(b, -1)]), -1),
            abs_=lambda a: self.max_of([a, _scaled(a, -1)]),
            relu=lambda a: self.max_of([a, {}]),
        )


def equal_by_rewriting(net: Network, target: Any) -> bool:
    """True when ``net`` and the target (a ``PWL`` given as an expression or a network) have
    equal normal forms, so they are equal on all of R^n; False decides nothing."""
    rw = Rewriter(net.input_dim)
    if target.kind == "expr":
        rhs = [rw.expression(e) for e in target.exprs]
    elif target.kind == "network":
        rhs = rw.network(target.network)
    else:
        return False
    lhs = rw.network(net)
    return len(lhs) == len(rhs) and all(_freeze(a) == _freeze(b) for a, b in zip(lhs, rhs))
