"""Certify once per orbit: symmetric networks, targets and domains (docs/certificate.md, "Symmetry").

When a network, its target and the domain are invariant under the symmetric group of each of
some blocks of coordinates, they agree everywhere once they agree on the *chamber*
``x_b1 >= x_b2 >= ... >= x_bk`` of every block: every point is sorted into the chamber by a
permutation, which changes neither side.  For max(x1..x6) this turns millions of regions into a
few thousand.

Invariance is proved per generator (a transposition and a cycle per block, ``check.generators``):

* the **network**: a map of the hidden units, layer by layer, that carries the network with
  permuted inputs onto itself (rows equal up to a positive factor, which the next layer's column
  undoes: ``relu(c z) = c relu(z)``).  Rows are first scaled to primitive integer vectors, a form
  that a permutation of the inputs and of earlier units preserves, so matching is exact row
  equality.  Units with equal rows are told apart by the multiset of their outgoing weights;
  when that does not decide, the matching fails (and the fallback below applies).  No unit map:
  a point where ``net(sigma x) != net(x)`` refutes the claim, or, with ``symmetry_proof="certify"``,
  ``net(sigma x) == net(x)`` is certified on the domain instead (a network-vs-network certificate);
* the **target**: its definition maps onto itself (an expression after sorting the arguments of
  every sum, max and min; the pieces or simplices as a set), a target network by a unit map, or
  else two nested certificates: a network N equal to the target, and N equal to target(sigma .);
* the **domain**: its rows are permuted onto themselves (all of R^n, a box with equal sides on a
  block, a polyhedron listed symmetrically).

Everything here is untrusted: ``exactpwl check`` re-verifies the unit maps against the weights,
the definitions, the nested certificates and the chamber certificate.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from flint import fmpq

from .check import chamber_rows, cycle_text, generators, moved_row, same_definition, unit_map_error
from .errors import InputError
from .network import Network
from .numbers import format_number, primitive_row, to_fraction
from .polyhedron import Polyhedron, as_domain
from .pwl import PWL, as_target

if TYPE_CHECKING:
    from .verdict import Verdict

__all__ = ["Symmetry", "unit_permutations", "find_blocks", "parse_blocks", "certify_symmetric"]

PROOFS = ("units", "certify")
SAMPLES = 64  # random points of the domain tried for a point where net(sigma x) != net(x)
WITNESS_REGIONS = 200  # and the regions of a capped walk for one


# ----------------------------------------------------------------------------- blocks
def parse_blocks(spec: Any, n: int) -> list[list[int]]:
    """Blocks from the API: lists of 0-based coordinates, or of names ``"x1"`` (1-based)."""
    if not isinstance(spec, (list, tuple)) or not spec:
        raise InputError("symmetric_in: expected a non-empty list of blocks, or 'auto'")
    out = []
    for b in spec:
        if not isinstance(b, (list, tuple)):
            raise InputError("symmetric_in: every block must be a list of coordinates")
        block = []
        for i in b:
            if isinstance(i, str) and i.startswith("x") and i[1:].isdigit():
                block.append(int(i[1:]))
            elif type(i) is int:
                block.append(i + 1)
            else:
                raise InputError(
                    f"symmetric_in: {i!r} is not a coordinate (0-based int, or a name such as 'x1')"
                )
        out.append(block)
    from .check import read_blocks

    return read_blocks(out, n, "symmetric_in")


def blocks_text(blocks: Sequence[Sequence[int]]) -> str:
    """``S3 on {x1, x2, x3} x S2 on {x4, x5}``."""
    return " x ".join(f"S{len(b)} on {{{', '.join(f'x{i + 1}' for i in b)}}}" for b in blocks)


def chamber_text(blocks: Sequence[Sequence[int]]) -> str:
    """``x1 >= x2 >= x3, x4 >= x5``."""
    return ", ".join(" >= ".join(f"x{i + 1}" for i in b) for b in blocks)


# ----------------------------------------------------------------------------- unit maps
def _normalised(net: Network) -> tuple[list[list[tuple]], list[list[fmpq]]]:
    """Every hidden unit's row (weights, bias) scaled to a primitive integer vector, the next
    layer's columns scaled back; the output layer's rows exact.  Returns the rows (with the
    activation as the first entry) and each hidden unit's scale (row = scale * primitive row)."""
    rows_out, scales = [], []
    prev = [fmpq(1)] * net.input_dim
    hidden = len(net.layers) - 1
    for depth, L in enumerate(net.layers):
        W = L.weights.tolist()
        rows, s = [], []
        for k in range(L.units):
            r = [w * u for w, u in zip(W[k], prev)]
            bias = L.biases[k, 0]
            if depth < hidden:
                a, b = primitive_row(r, -bias)  # primitive_row keeps the sign: a positive factor
                nz = next((j for j, v in enumerate(a) if v), None)
                s.append(r[nz] / a[nz] if nz is not None else (-bias / b if b else fmpq(1)))
                rows.append((L.relu[k], *a, -b))
            else:
                rows.append((L.relu[k], *r, bias))
        rows_out.append(rows)
        scales.append(s)
        prev = s
    return rows_out, scales


def unit_permutations(A: Network, B: Network) -> tuple[list[list[int]], list | None] | str:
    """Unit maps and positive scales with which ``A`` is ``B`` unit by unit (``check.unit_map_error``
    verifies them), or the reason why no row matching exists.

    Each hidden layer in turn: A's rows, their columns moved by the previous layer's map, are
    looked up among B's (both primitive, so a positive factor is no obstacle); units with equal
    rows are paired by the multiset of their outgoing weights.
    """
    if A.architecture != B.architecture:
        return "the architectures differ"
    (ra, sa), (rb, sb) = _normalised(A), _normalised(B)
    hidden = len(A.layers) - 1
    pi_prev = list(range(A.input_dim))
    units, scales = [], []
    for depth in range(hidden + 1):
        keys_a = [_moved_key(r, pi_prev) for r in ra[depth]]
        keys_b = [tuple(r) for r in rb[depth]]
        if depth == hidden:
            for k, (u, v) in enumerate(zip(keys_a, keys_b)):
                if u != v:
                    return f"output {k + 1}: the output weights differ"
            break
        sig_a, sig_b = _outgoing(ra[depth + 1]), _outgoing(rb[depth + 1])
        index: dict[tuple, list[int]] = {}
        for j, key in enumerate(keys_b):
            index.setdefault(key, []).append(j)
        groups: dict[tuple, list[int]] = {}
        for j, key in enumerate(keys_a):
            groups.setdefault(key, []).append(j)
        pi = [0] * len(keys_a)
        for key, mine in groups.items():
            theirs = index.get(key, [])
            if len(theirs) != len(mine):
                return f"layer {depth + 1}, unit {mine[0] + 1}: no unit has its weights (up to a factor > 0)"
            mine.sort(key=sig_a.__getitem__)
            theirs.sort(key=sig_b.__getitem__)
            for u, v in zip(mine, theirs):
                if sig_a[u] != sig_b[v]:
                    return (
                        f"layer {depth + 1}, unit {u + 1}: the units with its weights feed the next layer "
                        "differently"
                    )
                pi[u] = v
        units.append(pi)
        lam = [sa[depth][j] / sb[depth][pi[j]] for j in range(len(pi))]
        scales.append(None if all(v == 1 for v in lam) else [format_number(v) for v in lam])
        pi_prev = pi
    return units, (None if all(s is None for s in scales) else scales)


def _moved_key(row: tuple, pi: Sequence[int]) -> tuple:
    """(activation, weights moved by pi, bias): column j goes to pi[j]."""
    w = list(row[1:-1])
    moved = [0] * len(w)
    for j, v in enumerate(w):
        moved[pi[j]] = v
    return (row[0], *moved, row[-1])


def _outgoing(next_rows: list[tuple]) -> list[tuple]:
    """Per unit of a layer, the sorted weights that the next layer's (normalised) rows give it."""
    cols = list(zip(*(r[1:-1] for r in next_rows)))
    return [tuple(sorted(c)) for c in cols]


def network_units(net: Network, image: Sequence[int]) -> dict | str:
    """The unit-map proof that ``net(sigma x) == net(x)``, or why there is none."""
    moved = net.permuted_inputs(image)
    found = unit_permutations(moved, net)
    if isinstance(found, str):
        return found
    units, scales = found
    why = unit_map_error(moved, net, units, scales)
    if why:  # cannot happen: the rows were matched exactly
        raise AssertionError(f"symmetry: the unit map found does not check out ({why})")
    return {"units": units} if scales is None else {"units": units, "scales": scales}


def target_quick(t: PWL, image: Sequence[int]) -> str | dict | None:
    """A proof that costs nothing: the definition maps onto itself ("syntax"), a target network
    by a unit map; None when neither applies."""
    if t.kind == "network":
        proof = network_units(t.network, image)
        return None if isinstance(proof, str) else proof
    return "syntax" if same_definition(t.permuted(image), t) else None


def domain_invariant(dom: Polyhedron | None, image: Sequence[int]) -> bool:
    return dom is None or {moved_row(r, image) for r in dom.rows} == set(dom.rows)


def find_blocks(
    net: Network, t: PWL, dom: Polyhedron | None, symmetry_proof: str = "units"
) -> list[list[int]]:
    """The largest product of symmetric groups on blocks under which net, target and domain are
    invariant, as far as cheap tests see; ``certify_symmetric`` then proves what they propose.

    A transposition (i j) is kept when the domain's rows map onto themselves, the target has a
    quick proof or, failing that, agrees with target(sigma .) on random points (a nested
    certificate proves it later), and the network has a unit map (with ``symmetry_proof="certify"``:
    or agrees with net(sigma .) on random points).  The kept transpositions are an equivalence
    relation's pairs (the group they generate contains (i k) = (i j)(j k)(i j)), and its classes
    are the blocks.
    """
    n = net.input_dim
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    def target_ok(swap: list[int]) -> bool:
        return target_quick(t, swap) is not None or _target_difference(t, swap, dom) is None

    def network_ok(swap: list[int]) -> bool:
        if not isinstance(network_units(net, swap), str):
            return True
        return symmetry_proof == "certify" and _sampled_difference(net, swap, dom) is None

    for i in range(n):
        for j in range(i + 1, n):
            if find(i) == find(j):
                continue
            swap = list(range(n))
            swap[i], swap[j] = j, i
            if domain_invariant(dom, swap) and target_ok(swap) and network_ok(swap):
                parent[find(j)] = find(i)
    classes: dict[int, list[int]] = {}
    for i in range(n):
        classes.setdefault(find(i), []).append(i)
    return [c for c in classes.values() if len(c) > 1]


# ----------------------------------------------------------------------------- witnesses
def moved_point(x: Sequence[Any], image: Sequence[int]) -> list:
    """sigma x: ``y_i = x_{image[i]}`` (so ``net.permuted_inputs(image)(x) == net(sigma x)``)."""
    return [x[image[i]] for i in range(len(x))]


def _samples(dom: Polyhedron | None, n: int, rng: random.Random, count: int) -> list[list[Fraction]]:
    """Random rational points of the domain: from an interior point along random directions."""
    center = [Fraction(0)] * n if dom is None else [to_fraction(v) for v in dom.interior_point()]
    out = []
    for _ in range(count):
        d = [Fraction(rng.randint(-24, 24), rng.choice((1, 2, 3, 4))) for _ in range(n)]
        step = Fraction(1)
        for a, b in dom.rows if dom is not None else ():
            ad = sum(ai * di for ai, di in zip(a, d))
            if ad > 0:
                step = min(step, (b - sum(ai * ci for ai, ci in zip(a, center))) / ad)
        t = step * Fraction(rng.randint(1, 16), 16)
        out.append([c + t * di for c, di in zip(center, d)])
    return out


def _sampled_difference(net: Network, image: Sequence[int], dom: Polyhedron | None) -> list | None:
    """A point x of the domain with ``net(sigma x) != net(x)`` among random points (exact), or None."""
    moved = net.permuted_inputs(image)
    pts = _samples(dom, net.input_dim, random.Random(0), SAMPLES)
    for x, a, b in zip(pts, net.evaluate(pts), moved.evaluate(pts)):
        if a != b:
            return x
    return None


def _network_difference(net: Network, image: Sequence[int], dom: Polyhedron | None) -> list | None:
    """A point x of the domain with ``net(sigma x) != net(x)`` (exact), from random points, then
    a capped walk of net against net(sigma .); None when neither finds one."""
    from .verdict import certify

    x = _sampled_difference(net, image, dom)
    if x is not None:
        return x
    moved = net.permuted_inputs(image)
    v = certify(net, PWL.from_network(moved), dom, max_regions=WITNESS_REGIONS)
    return list(v.counterexample.x) if v.holds is False else None


def _target_difference(t: PWL, image: Sequence[int], dom: Polyhedron | None) -> list | None:
    """A point x of the domain with ``target(sigma x) != target(x)`` among random points."""
    for x in _samples(dom, t.input_dim, random.Random(1), SAMPLES):
        try:
            if t(x) != t(moved_point(x, image)):
                return x
        except InputError:  # pieces: a point outside every piece
            continue
    return None


# ----------------------------------------------------------------------------- the proof
@dataclass
class Generator:
    """One generator's proofs: ``network`` and ``target`` are "syntax", a unit map, or a nested
    ``Verdict`` (a certificate of net(sigma x) == net(x), or of N == target(sigma .))."""

    image: list[int]
    network: Any = None
    target: Any = None

    def method(self, proof: Any) -> str:
        if proof == "syntax":
            return "definition"
        return "units" if isinstance(proof, dict) else "certificate"


@dataclass
class Symmetry:
    """Blocks, the domain they act on (None: R^n), one ``Generator`` per generator, and the
    target network with its certificate when a target proof is nested."""

    blocks: list[list[int]]
    domain: Polyhedron | None
    generators: list[Generator] = field(default_factory=list)
    target_network: Verdict | None = None
    failed: dict | None = None  # a generator the network is not invariant under, with a point

    def summary(self) -> dict:
        d: dict[str, Any] = {
            "blocks": [[f"x{i + 1}" for i in b] for b in self.blocks],
            "chamber": chamber_text(self.blocks),
        }
        if self.failed is not None:
            d["not_invariant"] = self.failed
        else:
            d["generators"] = [
                {
                    "permutation": cycle_text(g.image),
                    "network": g.method(g.network),
                    "target": g.method(g.target),
                }
                for g in self.generators
            ]
        return d

    def chamber(self) -> str:
        return chamber_text(self.blocks)

    def failed_text(self) -> str:
        """Why the claim is refuted: the side that is not invariant, where."""
        f, show = self.failed, ", ".join
        side = f["side"]
        return (
            f"the {side} is not invariant under {f['generator']} (the other side is): "
            f"at x = ({show(f['x'])}) it is {show(f[f'{side} at x'])}, at sigma x = ({show(f['sigma x'])}) "
            f"it is {show(f[f'{side} at sigma x'])}"
        )

    def text(self, regions: int) -> list[str]:
        """The lines of the command line when the claim holds."""
        n = len(self.generators[0].image)
        where = f"all of R^{n}" if self.domain is None else "the whole domain"
        words = {"units": "unit permutations", "definition": "its definition", "certificate": "certificates"}

        def how(side: str) -> str:
            used = dict.fromkeys(g.method(getattr(g, side)) for g in self.generators)
            return " and ".join(words[m] for m in used)

        plural = "region" if regions == 1 else "regions"
        return [
            f"holds: the network equals the target on every one of {regions} {plural} of the chamber "
            f"{chamber_text(self.blocks)},",
            f"  so on {where} by symmetry: network, target and domain are invariant under "
            f"{blocks_text(self.blocks)}",
            f"  (generators {', '.join(cycle_text(g.image) for g in self.generators)}; the network by "
            f"{how('network')}, the target by {how('target')})",
        ]

    def certificate(self) -> dict:
        """The ``symmetry`` object of the certificate (docs/certificate.md)."""

        def part(proof: Any) -> Any:
            if proof == "syntax" or isinstance(proof, dict):
                return proof
            cert = proof.certificate()
            out = {"regions": cert["regions"]}
            if "pairs" in cert:
                out["pairs"] = cert["pairs"]
            return out

        d: dict[str, Any] = {
            "blocks": [[i + 1 for i in b] for b in self.blocks],
            "generators": [
                {
                    "permutation": [v + 1 for v in g.image],
                    "network": part(g.network),
                    "target": part(g.target),
                }
                for g in self.generators
            ],
        }
        if self.target_network is not None:
            cert = self.target_network.certificate()
            d["target_network"] = cert["network"]
            d["target_regions"] = cert["regions"]
            if "pairs" in cert:
                d["target_pairs"] = cert["pairs"]
        return d


def certify_symmetric(
    net: Network,
    target: Any,
    domain: Any,
    symmetric_in: Any,
    symmetry_proof: str = "units",
    **options: Any,
) -> Verdict:
    """``certify`` on the chamber of the blocks, with the proofs that the claim extends to the domain.

    Order: the cheap proofs for every generator (domain rows, the target's definition or unit
    map, the network's unit map); a generator without a network unit map is tried for a point
    where ``net(sigma x) != net(x)``, which refutes the claim at once (one of x and sigma x is a
    counterexample).  Then the chamber is certified; only when it holds are the costly proofs
    made (nested certificates for the target, and with ``symmetry_proof="certify"`` for the
    network).
    """
    from .compile import compile_target
    from .verdict import certify

    if symmetry_proof not in PROOFS:
        raise InputError(f"symmetry_proof: {symmetry_proof!r} is not one of {', '.join(PROOFS)}")
    n = net.input_dim
    t = as_target(target, n)
    dom = as_domain(domain, n)
    blocks = (
        find_blocks(net, t, dom, symmetry_proof) if symmetric_in == "auto" else parse_blocks(symmetric_in, n)
    )
    if not blocks:  # auto found no symmetry: an ordinary certification
        v = certify(net, t, dom, **options)
        v.stats["symmetry"] = {"blocks": [], "note": "no symmetry found; certified on the whole domain"}
        return v
    sym = Symmetry(blocks, dom)
    for image in generators(blocks, n):
        if not domain_invariant(dom, image):
            raise InputError(f"symmetric_in: the domain is not invariant under {cycle_text(image)}")
        sym.generators.append(Generator(image, network_units(net, image), target_quick(t, image)))

    for g in sym.generators:  # a side that is not symmetric while the other is: a counterexample
        if g.target is None:
            x = _target_difference(t, g.image, dom)
            if x is not None:
                if isinstance(g.network, str):
                    raise InputError(_not_invariant("target", t, g.image, x))
                return _refuted(net, t, g, x, sym, domain, "target")
    for g in sym.generators:
        if isinstance(g.network, str):
            x = _network_difference(net, g.image, dom) if symmetry_proof == "units" else None
            if x is not None:
                return _refuted(net, t, g, x, sym, domain, "network")

    walk_domain = _chamber(dom, blocks, n)
    v = certify(net, t, walk_domain, **options)
    v.domain_spec = domain
    v.symmetry = sym
    if not v.holds:  # a counterexample in the chamber is one of the domain; or a cap was hit
        return v
    for g in sym.generators:
        if g.target is None:
            if t.pieces is not None:
                raise InputError(
                    f"symmetric_in: the target's pieces do not map onto themselves under "
                    f"{cycle_text(g.image)} (pieces are proved invariant by their definition only)"
                )
            if sym.target_network is None:
                tnet = t.network if t.kind == "network" else compile_target(t)
                sym.target_network = certify(tnet, t, dom)
                if not sym.target_network.holds:
                    raise AssertionError("symmetry: the compiled target network differs from the target")
            moved = certify(sym.target_network.network, t.permuted(g.image), dom)
            if not moved.holds:
                x = list(moved.counterexample.x)
                if isinstance(g.network, str):
                    raise InputError(_not_invariant("target", t, g.image, x))
                return _refuted(net, t, g, x, sym, domain, "target")
            g.target = moved
        if isinstance(g.network, str):
            reason = g.network
            if symmetry_proof != "certify":
                x = _network_difference(net, g.image, dom)
                if x is not None:
                    return _refuted(net, t, g, x, sym, domain, "network")
                raise InputError(
                    f"symmetric_in: no permutation of the hidden units maps the network onto itself under "
                    f"{cycle_text(g.image)} ({reason}), and no point was found where net(sigma x) != net(x); "
                    "--symmetry-proof certify certifies net(sigma x) == net(x) instead"
                )
            proof = certify(net, PWL.from_network(net.permuted_inputs(g.image)), dom)
            if not proof.holds:
                return _refuted(net, t, g, list(proof.counterexample.x), sym, domain, "network")
            g.network = proof
    return v


def _chamber(dom: Polyhedron | None, blocks: list[list[int]], n: int) -> Polyhedron:
    """The domain's rows, then the chamber's rows it does not have (the order the checker uses)."""
    rows = list(dom.rows) if dom is not None else []
    rows += [r for r in chamber_rows(blocks, n) if r not in rows]
    return Polyhedron.from_rows(rows, n)


def _not_invariant(what: str, f: Any, image: Sequence[int], x: Sequence[Any]) -> str:
    y = moved_point(x, image)
    show = ", ".join
    return (
        f"symmetric_in: the {what} is not invariant under {cycle_text(image)}: at x = "
        f"({show(format_number(v) for v in x)}) it is ({show(format_number(v) for v in f(x))}), at sigma x = "
        f"({show(format_number(v) for v in y)}) it is ({show(format_number(v) for v in f(y))})"
    )


def _refuted(
    net: Network, t: PWL, g: Generator, x: Sequence[Any], sym: Symmetry, domain: Any, side: str
) -> Verdict:
    """The claim is false: one side is invariant under g and the other differs at x and sigma x
    (both in the domain, which is invariant), so x or sigma x is a counterexample (evaluated here)."""
    from .verdict import Counterexample, Verdict

    f = net if side == "network" else t
    y = moved_point(x, g.image)
    sym.failed = {
        "generator": cycle_text(g.image),
        "side": side,
        "reason": g.network
        if side == "network" and isinstance(g.network, str)
        else f"{side}(sigma x) != {side}(x)",
        "x": [format_number(v) for v in x],
        "sigma x": [format_number(v) for v in y],
        f"{side} at x": [format_number(v) for v in f(x)],
        f"{side} at sigma x": [format_number(v) for v in f(y)],
    }
    for p in (x, y):
        yn, yt = net(p), t(p)
        if yn != yt:
            cx = Counterexample(tuple(Fraction(v) for v in p), tuple(yn), tuple(yt))
            return Verdict(False, 0, cx, None, None, net, t, domain, symmetry=sym)
    raise AssertionError(f"symmetry: the {side} differs at x and sigma x but the sides agree at both ({x})")
