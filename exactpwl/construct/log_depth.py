"""A CPWL function on R^n with ceil(log2(n + 1)) hidden layers (Wang-Sun; Arora et al., Thm 2.1).

``log_depth(target)`` writes a scalar CPWL target as ``f = sum_F c_F max_{j in F} h_j`` with
integer c_F, affine maps ``h_j = -l_j`` or ``h_j = l_j`` (l_j the target's own affine pieces)
and every set F of at most n + 1 maps (Wang & Sun 2005, "Generalization of hinging
hyperplanes", IEEE Trans. Inf. Theory 51, Theorem 1).  Each max of k <= n + 1 affine maps is a
balanced tree of ``max(a, b) = relu(a - b) + relu(b) - relu(-b)`` of depth ceil(log2 k) (values
carried as ``relu(a) - relu(-a)``); all trees run side by side, padded to depth ceil(log2(n + 1)), and the
output layer forms the sum (Arora, Basu, Mianjy, Mukherjee 2018, "Understanding deep neural
networks with rectified linear units", Theorem 2.1).  Every hidden unit is a ReLU.

The decomposition, in three exact steps (all numbers fmpq):

1. Lattice form (Tarela-Martinez; Ovchinnikov 2002, as in ``lattice``): with the distinct
   affine maps l_j of the target's linear pieces R_i (the given pieces or simplices; for an
   expression, the activation regions of its network on R^n) and
   ``S_i = {j : l_j >= l_i on R_i}`` -- decided exactly on the generators of R_i: l_j - l_i
   >= 0 at its vertices and (w_j - w_i).d >= 0 along its rays d -- one has
   ``f = max_i min_{j in S_i} l_j`` on the (convex) domain.  Only the minimal sets are kept.
   The same applied to -f gives the dual form ``f = min_i max_{j in S'_i} l_j`` with
   ``S'_i = {j : l_j <= l_i on R_i}``; both are carried through steps 2-3 and the one with
   fewer final terms is used (a convex f then is a single max, e.g. max(0, x1, x2)).

2. Inclusion-exclusion.  For reals, ``max(m_1..m_k) = sum_{T != {}} (-1)^{|T|+1} min_{i in T} m_i``.
   With ``m_i = min_{S_i} l`` the min over T is ``min_{U(T)} l = -max_{U(T)} h`` (U(T) the union
   of the S_i, i in T), so ``f = sum_U c_U max_{j in U} h_j`` with
   ``c_U = sum_{T : U(T) = U} (-1)^{|T|}`` (accumulated over T by a dynamic programme on unions).
   For the dual form, ``min(M_1..M_k) = sum_T (-1)^{|T|+1} max_{i in T} M_i`` with
   ``M_i = max_{S'_i} l`` gives ``f = sum_U -c_U max_{j in U} l_j`` in the same way.

3. Arity reduction (the Wang-Sun step), proved here for maps h_j(x) = a_j.x + b_j, j in U.
   Let P = conv{a_j} (affine dimension d <= n), g(a) = max{t : (a, t) in conv{(a_j, b_j)}} the
   upper hull (concave on P), and T a triangulation of P, with vertices among the a_j, such
   that every simplex s of T satisfies b_j <= h_s(a_j) for all j, where h_s is the affine
   function interpolating the b's on the vertices of s.  Then g = h_s on s (g >= h_s by
   concavity, g <= h_s since h_s lies above every lifted point), and

       max_{j in U} h_j(x) = sum_{F interior face of T} (-1)^(d - dim F) max_{j in F} h_j(x).

   Proof.  Fix x.  phi(a) = a.x + g(a) is concave on P, linear on each simplex, and
   phi(a_j) = h_j(x) at each vertex a_j of T, so m_F := max_F phi = max_{j in F} h_j(x) and
   max_P phi = max_{j in U} h_j(x) =: M (a linear functional on conv of the lifted points).  The
   superlevel sets L_t = {phi >= t} are convex, and m_F >= t iff F meets L_t.  For a triangulated
   d-ball, 1_P = sum_{F interior} (-1)^(d - dim F) 1_F (link of an interior face is a sphere,
   of a boundary face a ball); multiplying by 1_{L_t} and applying the Euler characteristic
   (a valuation on polyconvex sets, chi(F n L_t) = [F meets L_t] as F n L_t is convex) gives
   sum_{F interior, F meets L_t} (-1)^(d - dim F) = chi(P n L_t) = [L_t != {}].
   With t0 below every value, m_F = t0 + integral_{t0}^{oo} [m_F >= t] dt, hence the signed sum
   is t0 * 1 + integral_{t0}^{M} 1 dt = M.  Each interior face has at most d + 1 <= n + 1
   vertices.

   Computing T: the regular triangulation of the heights b_j + eps^(r_j) (r_j the rank of j
   in a fixed order) for small eps > 0.  A (d+1)-subset s is one of its simplices iff for every
   other j, ``h_s(a_j) - b_j`` is > 0, or is 0 and the polynomial sum_{k in s} lambda_k eps^(r_k)
   - eps^(r_j) (lambda = barycentric coordinates of a_j in s) is positive for small eps, i.e. its
   lowest-order non-zero coefficient is positive (never all zero, since j is not in s).  Such
   perturbed heights are generic for small eps (an affine dependence mu of d + 2 points would
   need sum mu_k b_k + sum mu_k eps^(r_k) = 0, a non-zero polynomial in eps), so the regular
   subdivision is a triangulation of P (De Loera, Rambau, Santos, "Triangulations", 2010, ch. 2)
   and its simplices are exactly the subsets passing the test; the order-zero part of the
   test is the condition b_j <= h_s(a_j) above.  A face of T is interior iff it lies in no
   boundary ridge (a ridge of exactly one simplex).  Equal gradients keep only the larger b.

The whole network is then certified with ``certify`` against the target on its domain (the
convex hull of the pieces, as in ``lattice``; all of R^n for an expression).  The sizes grow
fast (step 2 is exponential in the number of lattice terms, step 3 tests every (d+1)-subset of
each union); ``max_unions`` and ``max_work`` (subsets to test) cap them with a ``Refusal``
before any long computation.  Another algorithm for the n + 1 bound: Koutschan, Ponomarchuk,
Schicho, "Representing piecewise linear functions by functions with small arity", AAECC 2023
(arXiv:2305.16933).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import partial
from itertools import combinations
from typing import Any

from flint import fmpq, fmpq_mat
from sympy import Function

from ..errors import InputError
from ..formula import Ceil, Chain, Element, Eq, Log2, MaxOf, Notation, Relu, evaluate, ix, space, sym
from ..network import Network
from ..polyhedron import _ppl_polyhedron, dedupe, hull
from ..pwl import PWL
from . import Construction, Refusal, Step, register
from .lattice import _carry, _unit, certified_step, hull_step, lattice_steps

X = sym("x")
SUM_U = Notation("sum_U c_U max_{j in U} h_j(x)", r"\sum_U c_U \max_{j \in U} h_j(x)")
C_U = Notation(
    "sum_{T : union of S_i (i in T) = U} (-1)^|T|",
    r"\sum_{T :\, \bigcup_{i \in T} S_i = U} (-1)^{\lvert T \rvert}",
)
C_U_DUAL = Notation(
    "sum_{T : union of S_i (i in T) = U} (-1)^(|T|+1)",
    r"\sum_{T :\, \bigcup_{i \in T} S_i = U} (-1)^{\lvert T \rvert + 1}",
)
MAX_U = Notation("max_{j in U} h_j", r"\max_{j \in U} h_j")
SUM_F = Notation(
    "sum_{F interior} (-1)^(d - dim F) max_{j in F} h_j",
    r"\sum_{F \text{ interior}} (-1)^{d - \dim F} \max_{j \in F} h_j",
)

__all__ = ["log_depth", "decompose", "max_as_signed_sum", "sum_of_max_network", "hidden_layers"]

Form = tuple[list[fmpq], fmpq]  # coefficients over the current basis, constant


def hidden_layers(n: int) -> int:
    """ceil(log2(n + 1)): the depth of a balanced max tree over n + 1 values (in integers: the
    bits of n; a float log2 rounds for large n)."""
    return max(1, n.bit_length())


# ---------------------------------------------------------------------- pieces of the target
def _generators(rows: Sequence, n: int) -> tuple[list[tuple[fmpq, ...]], list[tuple[fmpq, ...]]]:
    """Vertices and rays (a line as two opposite rays) of ``{a.x <= b}``, exactly."""
    kept, _ = dedupe(rows)
    P = _ppl_polyhedron(kept, n)
    if P.is_empty():
        raise InputError("log-depth: a piece of the target is empty")
    pts, rays = [], []
    for g in P.minimized_generators():
        v = tuple(fmpq(int(c)) for c in g.coefficients())
        if g.is_point():
            pts.append(tuple(c / int(g.divisor()) for c in v))
        elif g.is_ray():
            rays.append(v)
        else:
            rays += [v, tuple(-c for c in v)]
    return pts, rays


def _pieces(t: PWL) -> tuple[list[tuple[Sequence, Form]], bool]:
    """(rows, affine map) of every linear piece, and whether the pieces were given (not computed)."""
    if t.pieces is not None:
        pieces = [p for p in t.pieces if p.rows is not None]  # a degenerate simplex is no linear piece
        return [(p.rows, (list(p.W.entries()), p.c[0, 0])) for p in pieces], True
    from ..compile import compile_target
    from ..region_graph import regions

    g = regions(compile_target(t), None)
    return [(r.inequalities, (list(r.W.entries()), r.c[0, 0])) for r in g], False


# ---------------------------------------------------------------------- step 3: arity reduction
def _pivots(M: fmpq_mat) -> list[int]:
    R, rank = M.rref()
    out = []
    for i in range(rank):
        out.append(next(j for j in range(R.ncols()) if R[i, j] != 0))
    return out


def max_as_signed_sum(grads: Sequence[Sequence[fmpq]], consts: Sequence[fmpq]) -> dict[tuple[int, ...], int]:
    """``max_j (a_j.x + b_j) = sum_F sign_F max_{j in F} (a_j.x + b_j)`` with |F| <= d + 1.

    Returns {F (sorted indices into the input): sign}; see the module docstring (step 3).
    """
    best: dict[tuple, int] = {}
    for j, (a, b) in enumerate(zip(grads, consts)):
        key = tuple(a)
        if key not in best or b > consts[best[key]]:
            best[key] = j
    idx = sorted(best.values())  # the perturbation order: eps^1 for idx[0], eps^2 for idx[1], ...
    if len(idx) == 1:
        return {(idx[0],): 1}
    a0 = grads[idx[0]]
    diffs = fmpq_mat([[x - y for x, y in zip(grads[j], a0)] for j in idx[1:]])
    J = _pivots(diffs)
    d = len(J)
    pts = [[grads[j][c] for c in J] for j in idx]  # injective on the affine hull of the gradients
    hts = [consts[j] for j in idx]
    m = len(idx)
    simplices = []
    for s in combinations(range(m), d + 1):
        M = fmpq_mat([[*pts[k], 1] for k in s])
        if M.det() == 0:
            continue
        Minv = M.inv()
        coef = Minv * fmpq_mat(d + 1, 1, [hts[k] for k in s])  # h_s(p) = coef . (p, 1)
        ok = True
        for j in range(m):
            if j in s:
                continue
            r = sum((coef[i, 0] * v for i, v in enumerate([*pts[j], 1])), fmpq(0)) - hts[j]
            if r < 0:
                ok = False
            elif r == 0:
                lam = Minv.transpose() * fmpq_mat(d + 1, 1, [*pts[j], 1])  # sum lam_k (p_k, 1) = (p_j, 1)
                poly = {k: lam[i, 0] for i, k in enumerate(s)}
                poly[j] = fmpq(-1)
                lead = next(poly[k] for k in sorted(poly) if poly[k] != 0)
                ok = lead > 0
            if not ok:
                break
        if ok:
            simplices.append(s)
    if not simplices:
        raise AssertionError("log-depth: no simplex passed the regular-triangulation test")
    ridges: dict[tuple[int, ...], int] = {}
    for s in simplices:
        for r in combinations(s, d):
            ridges[r] = ridges.get(r, 0) + 1
    if any(c > 2 for c in ridges.values()):
        raise AssertionError("log-depth: a ridge lies in three simplices (not a triangulation)")
    boundary = [set(r) for r, c in ridges.items() if c == 1]
    out: dict[tuple[int, ...], int] = {}
    for s in simplices:
        for k in range(1, d + 2):
            for F in combinations(s, k):
                if F in out or any(set(F) <= b for b in boundary):
                    continue
                out[F] = (-1) ** (d - (k - 1))
    if sum(out.values()) != 1:  # the Euler relation of a triangulated d-ball
        raise AssertionError("log-depth: the interior faces do not have Euler characteristic 1")
    return {tuple(idx[k] for k in F): sgn for F, sgn in out.items()}


# ---------------------------------------------------------------------- steps 1-3 together
def decompose(t: PWL, max_unions: int = 5000, max_work: int = 200000) -> dict[str, Any]:
    """Steps 1-3: the maps l_j, then for the better of the two lattice forms (``sign`` 1: max-min,
    -1: min-max) its sets, unions with c_U, the maps ``h = -sign * l`` and the final {F: c_F}
    with ``f = sum_F c_F max_{j in F} h_j``."""
    if t.output_dim != 1:
        raise InputError(f"log-depth: one output supported, the target has {t.output_dim}")
    n = t.input_dim
    pieces, given = _pieces(t)
    maps: list[Form] = []
    index: dict[tuple, int] = {}
    gens = []
    piece_map = []
    for rows, (w, c) in pieces:
        key = (tuple(w), c)
        if key not in index:
            index[key] = len(maps)
            maps.append((list(w), c))
        piece_map.append(index[key])
        gens.append(_generators(rows, n))

    best, refusals = None, []
    for sign in (1, -1):
        try:
            cand = _lattice_sum(maps, piece_map, gens, sign, n, max_unions, max_work)
        except Refusal as e:
            refusals.append(e)
            continue
        if best is None or len(cand["terms"]) < len(best["terms"]):
            best = cand
    if best is None:
        raise refusals[0]
    return {"maps": maps, "piece_map": piece_map, "generators": gens, "given": given, **best}


def _lattice_sum(
    maps: list[Form], piece_map: list[int], gens: list, sign: int, n: int, max_unions: int, max_work: int
) -> dict[str, Any]:
    """Steps 1-3 for g = sign * f (sign -1: the dual form f = min_i max_{S_i} l_j)."""
    sm = [([sign * v for v in w], sign * c) for w, c in maps]  # the maps of g

    def value(j: int, x: Sequence[fmpq]) -> fmpq:
        w, c = sm[j]
        return sum((wi * xi for wi, xi in zip(w, x)), fmpq(0)) + c

    def slope(j: int, r: Sequence[fmpq]) -> fmpq:
        return sum((wi * ri for wi, ri in zip(sm[j][0], r)), fmpq(0))

    sets = []
    for i, (pts, rays) in zip(piece_map, gens):
        sets.append(
            tuple(
                j
                for j in range(len(maps))
                if all(value(j, v) >= value(i, v) for v in pts)
                and all(slope(j, r) >= slope(i, r) for r in rays)
            )
        )
    distinct = sorted(set(sets))
    groups = [s for s in distinct if not any(set(u) < set(s) for u in distinct)]

    # step 2: c_U = sum over non-empty T with union U of (-1)^|T|
    acc: dict[int, int] = {0: 1}
    for g in groups:
        mask = sum(1 << j for j in g)
        new = dict(acc)
        for U, c in acc.items():
            new[U | mask] = new.get(U | mask, 0) - c
        acc = {U: c for U, c in new.items() if c}
        if len(acc) > max_unions:
            raise Refusal(
                f"log-depth: more than {max_unions} distinct unions of lattice sets "
                f"({len(groups)} lattice terms); the inclusion-exclusion is too large",
                witness=len(groups),
            )
    unions = {tuple(j for j in range(len(maps)) if U >> j & 1): c for U, c in acc.items() if U and c}

    # step 3: each max over U -> signed maxima over interior faces of a triangulation
    work = sum(math.comb(len(U), min(len(U), n + 1)) for U in unions)
    if work > max_work:
        raise Refusal(
            f"log-depth: the triangulations would test {work} subsets (more than {max_work}); "
            f"{len(unions)} unions of up to {max(map(len, unions))} maps",
            witness=work,
        )
    h = [([-v for v in w], -c) for w, c in sm]  # h_j = -sign * l_j
    terms: dict[tuple[int, ...], int] = {}
    simplices_per_union = {}
    for U, cU in unions.items():
        part = max_as_signed_sum([h[j][0] for j in U], [h[j][1] for j in U])
        simplices_per_union[U] = len(part)
        for F, sgn in part.items():
            key = tuple(sorted(U[k] for k in F))
            terms[key] = terms.get(key, 0) + sign * cU * sgn
    terms = {F: c for F, c in sorted(terms.items()) if c}
    if any(len(F) > n + 1 for F in terms):
        raise AssertionError("log-depth: a term has more than n + 1 arguments")
    return {
        "sign": sign,
        "h": h,
        "sets": sets,
        "groups": groups,
        "unions": unions,
        "faces": simplices_per_union,
        "terms": terms,
    }


# ---------------------------------------------------------------------- the network
def sum_of_max_network(
    n: int, maps: Sequence[Form], terms: dict[tuple[int, ...], int], depth: int
) -> Network:
    """``sum_F c_F max_{j in F} maps[j]`` with ``depth`` ReLU layers (needs |F| <= 2^depth).

    Terms with one map are summed into one affine part, carried by ``relu(a) - relu(-a)``.
    """
    aff: Form = ([fmpq(0)] * n, fmpq(0))
    state: list[tuple[int, list[Form]]] = []
    for F, c in terms.items():
        if len(F) > 2**depth:
            raise InputError(f"log-depth: a max of {len(F)} terms needs more than {depth} hidden layers")
        if len(F) == 1:
            w, b = maps[F[0]]
            aff = ([x + c * y for x, y in zip(aff[0], w)], aff[1] + c * b)
        else:
            state.append((c, [(list(maps[j][0]), maps[j][1]) for j in F]))
    layers: list[tuple[list, list]] = []
    for _ in range(depth):
        W: list[list[fmpq]] = []
        b: list[fmpq] = []
        act: list[str] = []
        unit = partial(_unit, W, b, act)
        carry = partial(_carry, unit, "relu")
        new_state = []
        for c, vals in state:
            new_vals = []
            for t in range(0, len(vals) - 1, 2):
                p, q = vals[t], vals[t + 1]
                r = unit(([x - y for x, y in zip(p[0], q[0])], p[1] - q[1]), "relu")
                new_vals.append([(r, 1), *carry(q)])  # max(p, q) = relu(p - q) + q
            if len(vals) % 2:
                new_vals.append(carry(vals[-1]))
            new_state.append((c, new_vals))
        aff_terms = carry(aff)
        layers.append((W, b))
        width = len(W)

        def form(ts: list[tuple[int, int]], width: int = width) -> Form:
            coeffs = [fmpq(0)] * width
            for k, s in ts:
                coeffs[k] += s
            return coeffs, fmpq(0)

        state = [(c, [form(ts) for ts in vals]) for c, vals in new_state]
        aff = form(aff_terms)
    out_w = list(aff[0])
    out_b = aff[1]
    for c, vals in state:
        (w, b0) = vals[0]
        out_w = [x + c * y for x, y in zip(out_w, w)]
        out_b += c * b0
    layers.append(([out_w], [out_b]))
    return Network.from_layers(layers, activations=["relu"] * depth + ["linear"])


def _target(target: Any, input_dim: int | None) -> PWL:
    if isinstance(target, PWL):
        return target
    if isinstance(target, dict):
        return PWL.from_dict(target)
    if isinstance(target, str):
        if input_dim is None:
            ks = [int(k) for k in re.findall(r"x(\d+)", target)]
            if not ks:
                raise InputError("log-depth: give input_dim for an expression without variables")
            input_dim = max(ks)
        return PWL.from_expr(target, input_dim)
    raise InputError(f"log-depth: expected a PWL, a dict or an expression, got {type(target).__name__}")


def log_depth(
    target: Any,
    input_dim: int | None = None,
    certify: bool = True,
    max_unions: int = 5000,
    max_work: int = 200000,
) -> Construction:
    """A network with ceil(log2(n + 1)) hidden layers equal to the CPWL target on its domain.

    ``target``: a PWL (triangulation, pieces, expression, breakpoints), an ``exactpwl.pwl`` dict,
    or an expression text (``input_dim`` defaults to the largest x<k> in it).  The domain is the
    convex hull of given pieces, or all of R^n when the pieces are computed (expressions).
    With ``certify`` (default) the result is certified and a failure raises (a bug).
    """
    t = _target(target, input_dim)
    n = t.input_dim
    dec = decompose(t, max_unions, max_work)
    maps, terms, sign = dec["maps"], dec["terms"], dec["sign"]
    depth = hidden_layers(n)
    net = sum_of_max_network(n, dec["h"], terms, depth)
    if dec["given"]:
        dom = hull(
            [v for pts, _ in dec["generators"] for v in pts],
            n,
            [r for _, rays in dec["generators"] for r in rays],
        )
    else:
        dom = None

    arity = max((len(F) for F in terms), default=1)
    h_name = "-l_j" if sign == 1 else "l_j"
    a, b, n_ = sym("a"), sym("b"), sym("n")
    steps = lattice_steps(
        maps, dec["piece_map"], dec["sets"], dec["groups"], sign, rays=True, computed=not dec["given"]
    )
    with evaluate(False):
        steps += [
            Step(
                "derived",
                "Inclusion-exclusion over the lattice terms",
                (Eq(Function("f")(X), SUM_U), Eq(ix("c", sym("U")), C_U if sign == 1 else C_U_DUAL)),
                {"unions with c_U != 0": len(dec["unions"])},
            ),
            Step(
                "derived",
                f"Each max over U: signed maxima over the interior faces of a regular triangulation of the "
                f"gradients of h_j = {h_name}, lifted by their constants (upper hull, lexicographic ties)",
                (Eq(MAX_U, SUM_F), Chain("<=", Notation("|F|", r"\lvert F \rvert"), sym("d") + 1, n_ + 1)),
                {"terms": len(terms), "largest max": arity},
            ),
            Step(
                "assembly",
                "Network: balanced max trees side by side, then the signed sum",
                (Eq(MaxOf(a, b), Relu(a - b) + Relu(b) - Relu(-b)), Eq(a, Relu(a) - Relu(-a))),
                {
                    "hidden layers": depth,
                    Ceil(Log2(n_ + 1)): n.bit_length(),
                    "architecture": net.architecture,
                },
            ),
        ]
    if dom is None:
        steps.append(Step("domain", "Domain of the claim: the whole space", Element(X, space(n)), {}))
    else:
        steps.append(hull_step(dom))
    c = Construction("log-depth", net, t, dom, steps)
    if certify:
        try:
            v = c.certify()
        except InputError as e:
            raise Refusal(f"log-depth: {e}") from None
        if v.holds is not True:
            raise AssertionError(f"log-depth: the network does not equal the target ({v.counterexample})")
        c.steps.append(certified_step(v))
    return c


@register(
    "log-depth", "Wang-Sun / Arora et al.: sum of maxima of n + 1 maps, ceil(log2(n + 1)) hidden layers"
)
def _build_log_depth(data: dict) -> Construction:
    if not isinstance(data, dict):
        raise InputError("target: the log-depth method needs an exactpwl.pwl object")
    return log_depth(PWL.from_dict(data))
