"""Networks of one architecture with weights from finite sets, one per class of equal networks.

Many weight settings compute the same function for reasons that have nothing to do with the
claim being tested.  The enumeration skips every network that an *earlier* network (in the
size order of ``space.py``) equals by one of these moves, applied any number of times:

* **permutation** of the units of a hidden layer (rows of the layer, columns of the next one);
* **positive rescaling** of a hidden unit: its weights and bias times c > 0, its outgoing
  weights divided by c (only where all the new numbers lie in the value sets);
* **dead units**: a unit with zero weights and bias <= 0 outputs 0 everywhere, so its outgoing
  weights and (any bias <= 0) are free; a unit whose outgoing weights are all 0 is ignored, so
  its weights and bias are free.

So the reduced enumeration is the full one with the later members of every class left out: it
reaches exactly the functions the full one reaches, and a claim about functions meets its first
counterexample at the same network.  A network is kept iff it is the first of its class: its
dead and ignored units are already at the smallest values ("collapsed"), and no rescaling and
permutation of it comes earlier.

Sizes: the full size is the product of the value set sizes.  With one hidden layer a network
class is a multiset of m unit classes (a unit = its weights, bias and outgoing weights, up to
rescaling; all dead or ignored units form one class) and an output bias, so the reduced size is
``C(T + m - 1, m) * |output biases|^K`` for T unit classes.  Deeper spaces are counted by
enumerating them (when the full space has at most ``COUNT_LIMIT`` networks).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator, Sequence
from fractions import Fraction
from typing import Any

from ..errors import InputError
from ..network import Network
from .space import Space, ranked, sparse_first, sparse_key, value_list, values_text

__all__ = ["NetworkFamily", "networks", "parse_architecture"]

COUNT_LIMIT = 100_000  # deeper spaces up to this full size are counted before the search


def parse_architecture(arch: str | Sequence[int]) -> tuple[int, ...]:
    """``"2-3-1"`` or ``(2, 3, 1)``: input dimension, hidden widths, output dimension."""
    if isinstance(arch, str):
        try:
            dims = tuple(int(w) for w in arch.split("-"))
        except ValueError:
            dims = ()
    else:
        dims = tuple(arch)
    if len(dims) < 2 or any(not isinstance(w, int) or w < 1 for w in dims):
        raise InputError(f"architecture {arch!r}: expected widths like '2-3-1' (inputs, hidden, outputs)")
    return dims


class NetworkFamily:
    """Networks ``dims[0] - ... - dims[-1]`` with values from finite sets, and their symmetries.

    Roles: hidden weights ``weights``, hidden biases ``biases`` (default: ``weights``), output
    weights ``output_weights`` (default: ``weights``), output biases ``output_biases`` (default:
    ``biases``).  With ``free_output`` the output layer is not enumerated (``search`` solves
    for it exactly) and the objects are the hidden layers only.

    An object is a tuple of ranks, one per number, laid out layer by layer and unit by unit
    (the unit's weights, then its bias).
    """

    def __init__(
        self,
        arch: str | Sequence[int],
        weights: Iterable[Any],
        biases: Iterable[Any] | None = None,
        output_weights: Iterable[Any] | None = None,
        output_biases: Iterable[Any] | None = None,
        free_output: bool = False,
    ):
        self.dims = parse_architecture(arch)
        self.free_output = free_output
        w = value_list(weights, "weights")
        b = value_list(biases, "biases") if biases is not None else w
        v = value_list(output_weights, "output weights") if output_weights is not None else w
        c = value_list(output_biases, "output biases") if output_biases is not None else b
        self.values = {"w": w, "b": b, "v": v, "c": c}
        self.hidden = len(self.dims) - 2
        layers = self.hidden + (0 if free_output else 1)
        self.columns: list[tuple[Fraction | None, ...]] = []
        self.wpos: list[list[list[int]]] = []
        self.bpos: list[list[int]] = []
        for layer in range(layers):
            last = layer == self.hidden
            W, B = [], []
            for _ in range(self.dims[layer + 1]):
                row = []
                for _ in range(self.dims[layer]):
                    row.append(len(self.columns))
                    self.columns.append(ranked(v if last else w))
                W.append(row)
                B.append(len(self.columns))
                self.columns.append(ranked(c if last else b))
            self.wpos.append(W)
            self.bpos.append(B)
        self.rank_of = [{val: r for r, val in enumerate(col) if val is not None} for col in self.columns]
        # per hidden unit: its weights, its bias and its outgoing weights (None: free), positions
        self.units = [
            (layer, j, self.wpos[layer][j], self.bpos[layer][j], self._outgoing(layer, j))
            for layer in range(self.hidden)
            for j in range(self.dims[layer + 1])
        ]
        self._nonpositive = [tuple(v is not None and v <= 0 for v in col) for col in self.columns]
        # rescaling can keep a unit in its value sets only if some set has two non-zero |values|
        self.scalable = any(len({abs(t) for t in self.values[k] if t}) > 1 for k in ("w", "b"))
        if self.scalable:
            self._scale_tables()
        self._perms = self._permutation_maps()
        self._inverses = []
        for m in self._perms:
            inv = [0] * len(m)
            for p, q in enumerate(m):
                inv[q] = p
            self._inverses.append(inv)

    # ------------------------------------------------------------------ sizes and order
    @property
    def full_size(self) -> int:
        return math.prod(len(c) - (c[0] is None) for c in self.columns)

    def raw(self) -> Iterator[tuple[int, ...]]:
        """Every object, in size order (``sparse_first``)."""
        caps = [len(c) - 1 for c in self.columns]
        return sparse_first(caps, [c[0] is not None for c in self.columns])

    def reduced(self) -> Iterator[tuple[int, ...]]:
        """The first object of every class, in size order."""
        return (x for x in self.raw() if self.canonical(x))

    def size(self) -> int | None:
        """The number of classes: a formula for one hidden layer, else counted (or None if big)."""
        if self.hidden == 0:
            return self.full_size
        if self.hidden == 1:
            m = self.dims[1]
            K = self.dims[2]
            T = self.unit_classes()
            out = 1 if self.free_output else len(self.values["c"]) ** K
            return math.comb(T + m - 1, m) * out
        if self.full_size <= COUNT_LIMIT:
            return sum(1 for _ in self.reduced())
        return None

    def unit_classes(self) -> int:
        """One hidden layer: the number of classes of single units (weights, bias, outgoing)."""
        if self.hidden != 1:
            raise InputError("unit_classes: only for one hidden layer")
        one = NetworkFamily(
            (self.dims[0], 1, self.dims[2]),
            self.values["w"],
            self.values["b"],
            self.values["v"],
            [0],
            self.free_output,
        )
        return sum(1 for x in one.raw() if one.canonical(x))

    # ------------------------------------------------------------------ values
    def value(self, x: Sequence[int], p: int) -> Fraction:
        return self.columns[p][x[p]]

    def layers(self, x: Sequence[int]) -> list[tuple[list[list[Fraction]], list[Fraction]]]:
        """The layers ``[(W, b), ...]`` of an object (hidden layers only with ``free_output``)."""
        return [
            ([[self.value(x, p) for p in row] for row in W], [self.value(x, p) for p in B])
            for W, B in zip(self.wpos, self.bpos)
        ]

    def network(self, x: Sequence[int]) -> Network:
        if self.free_output:
            raise InputError("network: a free-output family has no output layer")
        return Network.from_layers(self.layers(x))

    def encode(self, layers: Sequence[tuple[Sequence[Sequence[Any]], Sequence[Any]]]) -> tuple[int, ...]:
        """The object of given layers (every number must lie in its value set)."""
        x = [0] * len(self.columns)
        for (W, B), wpos, bpos in zip(layers, self.wpos, self.bpos):
            for row, prow, b, p in zip(W, wpos, B, bpos):
                for val, q in zip(row, prow):
                    x[q] = self.rank_of[q][Fraction(val)]
                x[p] = self.rank_of[p][Fraction(b)]
        return tuple(x)

    # ------------------------------------------------------------------ the classes
    def _outgoing(self, layer: int, j: int) -> list[int] | None:
        """Positions of unit j's outgoing weights (None when they are free)."""
        if layer + 1 >= len(self.wpos):
            return None
        return [row[j] for row in self.wpos[layer + 1]]

    def _first(self, p: int) -> int:
        return 0 if self.columns[p][0] is not None else 1

    def _first_nonpositive(self, p: int) -> int:
        return next(r for r, v in enumerate(self.columns[p]) if v is not None and v <= 0)

    def junk(self, x: Sequence[int], layer: int, j: int) -> str | None:
        """``"ignored"`` (outgoing weights all 0), ``"dead"`` (weights 0, bias <= 0) or None."""
        _, _, inp, bp, out = self.units[sum(self.dims[1 : layer + 1]) + j]
        return self._junk(x, inp, bp, out)

    def _junk(self, x: Sequence[int], inp: list[int], bp: int, out: list[int] | None) -> str | None:
        if out is not None and not any(x[p] for p in out):
            return "ignored"
        if not any(x[p] for p in inp) and self._nonpositive[bp][x[bp]]:
            return "dead"
        return None

    def collapse(self, x: Sequence[int]) -> tuple[int, ...]:
        """Dead and ignored units set to their smallest values (to a fixed point)."""
        r = list(x)
        changed = True
        while changed:
            changed = False
            for _, _, inp, bp, out in self.units:
                kind = self._junk(r, inp, bp, out)
                if kind == "ignored":
                    targets = [(p, self._first(p)) for p in inp] + [(bp, self._first(bp))]
                elif kind == "dead":
                    targets = [(bp, self._first_nonpositive(bp))] + [(p, self._first(p)) for p in out or []]
                else:
                    continue
                for p, v in targets:
                    if r[p] != v:
                        r[p] = v
                        changed = True
        return tuple(r)

    def canonical(self, x: Sequence[int]) -> bool:
        """True iff ``x`` is the first object of its class in the size order."""
        x = tuple(x)
        if self.collapse(x) != x:
            return False
        key = sparse_key(x)
        for y in self._scalings(x):
            ky = sparse_key(y)
            if ky < key:
                return False
            if ky[:2] != key[:2]:  # a permutation keeps the count and the sum of the ranks
                continue
            for inv in self._inverses:  # the permuted y: position inv[q] holds y[q]
                moved = sorted((inv[q], q) for q in ky[2])
                order = (tuple(p for p, _ in moved), tuple(y[q] for _, q in moved))
                if order < key[2:]:
                    return False
        return True

    def _permutation_maps(self) -> list[list[int]]:
        """For every permutation of the hidden units (layer by layer): new[p] = old[map[p]]."""
        per_layer = [list(itertools.permutations(range(self.dims[k + 1]))) for k in range(self.hidden)]
        maps = []
        for perms in itertools.product(*per_layer):
            m = list(range(len(self.columns)))
            for layer, (W, B) in enumerate(zip(self.wpos, self.bpos)):
                rows = perms[layer] if layer < self.hidden else range(len(W))
                cols = perms[layer - 1] if layer > 0 else range(self.dims[0])
                for j, old_j in enumerate(rows):
                    for i, old_i in enumerate(cols):
                        m[W[j][i]] = W[old_j][old_i]
                    m[B[j]] = B[old_j]
            maps.append(m)
        return maps

    def _scale_tables(self) -> None:
        """Rescaling by table look-up, no arithmetic in the search: the factors are the ratios
        s / t of non-zero |values| of the hidden weights and biases (with their ratios, for a
        weight between two rescaled units); ``_times[p][f][r]`` is the rank of (value of rank r
        at position p) * factor f, or -1 when that product is not in the position's set."""
        nz = {abs(v) for k in ("w", "b") for v in self.values[k] if v}
        self._scales = sorted({s / t for s in nz for t in nz})
        factors = sorted({a / b for a in self._scales for b in self._scales})
        index = {f: i for i, f in enumerate(factors)}
        self._one = index[Fraction(1)]
        self._of_scale = [index[c] for c in self._scales]
        self._ratio = [[index[a / b] for b in self._scales] for a in self._scales]
        self._times = [
            [tuple(self.rank_of[p].get(v * f, -1) if v is not None else -1 for v in col) for f in factors]
            for p, col in enumerate(self.columns)
        ]

    def _scalings(self, x: tuple[int, ...]) -> Iterator[tuple[int, ...]]:
        """``x`` and every positive rescaling of its live units that stays in the value sets."""
        yield x
        if not self.scalable:
            return
        units, options = [], []
        for k, (_, _, inp, bp, out) in enumerate(self.units):
            if self._junk(x, inp, bp, out):
                continue
            row = [*inp, bp]
            cands = [
                c
                for c, f in enumerate(self._of_scale)
                if f != self._one and all(self._times[p][f][x[p]] >= 0 for p in row)
            ]
            if cands:
                units.append(k)
                options.append([None, *cands])  # None: this unit keeps its scale
        for cs in itertools.product(*options):
            if any(c is not None for c in cs):
                y = self._rescaled(x, {k: c for k, c in zip(units, cs) if c is not None})
                if y is not None:
                    yield y

    def _rescaled(self, x: Sequence[int], scale: dict[int, int]) -> tuple[int, ...] | None:
        """Units ``k`` rescaled by ``self._scales[scale[k]]`` (outgoing weights divided by it)."""
        y = list(x)
        k = 0
        for layer, (W, B) in enumerate(zip(self.wpos, self.bpos)):
            first_in = k - self.dims[layer] if layer > 0 else None  # unit index of input 0
            for row, bp in zip(W, B):
                out = scale.get(k) if layer < self.hidden else None
                for i, p in enumerate(row):
                    inn = scale.get(first_in + i) if first_in is not None else None
                    if out is None and inn is None:
                        continue
                    if inn is None:
                        f = self._of_scale[out]
                    elif out is None:
                        f = self._ratio[self._scales.index(Fraction(1))][inn]
                    else:
                        f = self._ratio[out][inn]
                    r = self._times[p][f][x[p]]
                    if r < 0:
                        return None
                    y[p] = r
                if out is not None:
                    r = self._times[bp][self._of_scale[out]][x[bp]]
                    if r < 0:
                        return None
                    y[bp] = r
                k += 1
        return tuple(y)

    def describe(self) -> str:
        arch = "-".join(map(str, self.dims))
        v = self.values
        text = f"{arch} networks: hidden weights in {values_text(v['w'])}, biases in {values_text(v['b'])}"
        if self.free_output:
            return text + ", output layer solved exactly over Q"
        return text + f", output weights in {values_text(v['v'])}, output biases in {values_text(v['c'])}"


def networks(
    arch: str | Sequence[int],
    weights: Iterable[Any] = (0, 1, -1),
    biases: Iterable[Any] | None = None,
    output_weights: Iterable[Any] | None = None,
    output_biases: Iterable[Any] | None = None,
    *,
    reduce: bool = True,
) -> Space:
    """The networks of architecture ``arch`` (e.g. ``"2-2-1"``) with numbers from finite sets.

    ``weights``: hidden weights; ``biases``: hidden biases (default ``weights``);
    ``output_weights`` (default ``weights``), ``output_biases`` (default ``biases``).  With
    ``reduce`` (the default) one network per class of equal networks (see the module
    docstring); ``reduce=False`` enumerates every weight setting.

    >>> s = networks("2-2-1", [0, 1, -1])
    >>> s.size, s.full_size
    (3978, 19683)
    """
    fam = NetworkFamily(arch, weights, biases, output_weights, output_biases)

    def strategy():
        from hypothesis import strategies as st

        from .. import strategies

        v = fam.values
        return strategies.network_layers(
            input_dim=fam.dims[0],
            widths=fam.dims[1:-1],
            output_dim=fam.dims[-1],
            values=st.sampled_from(v["w"]),
            biases=st.sampled_from(v["b"]),
            output_values=st.sampled_from(v["v"]),
            output_biases=st.sampled_from(v["c"]),
        ).map(strategies.network_of)

    if not reduce:
        name = fam.describe() + " (every weight setting)"
        return Space(name, lambda: map(fam.network, fam.raw()), fam.full_size, strategy)
    return Space(fam.describe(), lambda: map(fam.network, fam.reduced()), fam.size, strategy, fam.full_size)
