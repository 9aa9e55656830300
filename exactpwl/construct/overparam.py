"""R15: overparameterization as an affine family of exact solutions, computed exactly.

For a fixed hidden part (a network *prefix*: its outputs are the hidden features h(x)) the output
layer ``F = V h + c`` enters linearly, so every question is linear algebra over Q:

* (a) data: ``{(v, c) : [H | 1] (v; c) = y}`` is a particular solution plus the null space of
  ``[H | 1]``, of dimension ``(m + 1) - rank [H | 1]`` (``output_family``);
* (b) one cell with features ``h = F_S x + g_S`` there (the generalized affine map, R9): the
  perturbations ``(dv_S, dc)`` with ``F_S^T dv_S = 0`` and ``g_S^T dv_S + dc = 0`` leave the affine
  piece unchanged; dimension ``|S| - rank W_S`` (``cell_family``);
* (c) the same conditions on every realized pattern leave the whole function unchanged
  (``invariant_family``).

Members are random rational combinations of an exact basis (``flint`` null spaces), checked by
exact evaluation (a) or certified network-against-network (b on the cell, c on R^n).
No CLI method: the input is a prefix network *and* data (or output weights), not one file.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from flint import fmpq_mat
from sympy import Function, Sum

from ..formula import Dim, Eq, Notation, Rank, evaluate, ix, sym, word
from ..network import Network
from ..numbers import to_fmpq, to_fraction
from ..polyhedron import Polyhedron
from ..pwl import PWL
from ..ranks import nullspace
from ..region_graph import region_rows, regions
from . import Construction, Data, Refusal, Step
from .multi_output import DataConstruction

__all__ = [
    "Family",
    "nullspace",
    "solve_family",
    "features",
    "with_output",
    "output_family",
    "cell_family",
    "invariant_family",
]

Matrix = list[list[Fraction]]
X, Y, I_, J = sym("x"), sym("y"), sym("i"), sym("j")
H1 = Notation("[H | 1]", r"\begin{bmatrix} H & \mathbf{1} \end{bmatrix}")
VC = Notation("(v; c)", r"\begin{pmatrix} v \\ c \end{pmatrix}")
VC1 = Notation("(v'; c')", r"\begin{pmatrix} v' \\ c' \end{pmatrix}")


@dataclass
class Family:
    """``{particular + basis-combinations}``: an exact affine family of solutions.

    ``particular`` is ``vars x K`` (one column per output); ``basis`` lists null-space vectors
    (length ``vars``), shared by every output column.
    """

    particular: Matrix
    basis: Matrix
    rank: int
    variables: int

    @property
    def dimension(self) -> int:
        return len(self.basis)

    def member(self, coeffs: Sequence[Sequence[Fraction]]) -> Matrix:
        """particular + sum_j basis_j coeffs[j] (coeffs: dimension x K)."""
        out = [list(row) for row in self.particular]
        for vec, cs in zip(self.basis, coeffs):
            for i, b in enumerate(vec):
                for k, ck in enumerate(cs):
                    out[i][k] += b * ck
        return out

    def random_member(self, rng: random.Random) -> tuple[Matrix, Matrix]:
        """A member with random coefficients p/q, p in -5..5 \\ {0}, q in 1..4; returns (member, coeffs)."""
        K = len(self.particular[0]) if self.particular else 1
        coeffs = [
            [Fraction(rng.choice([-5, -4, -3, -2, -1, 1, 2, 3, 4, 5]), rng.randint(1, 4)) for _ in range(K)]
            for _ in self.basis
        ]
        return self.member(coeffs), coeffs


@dataclass
class FamilyConstruction(DataConstruction):
    """A data construction that also carries the whole family and the members that were checked."""

    family: Family | None = None
    members: list[Network] = field(default_factory=list)


def _mat(rows: Sequence[Sequence[Any]]) -> fmpq_mat:
    return fmpq_mat([[to_fmpq(v) for v in row] for row in rows])


def solve_family(A: Sequence[Sequence[Any]], Y: Sequence[Sequence[Any]]) -> Family:
    """All exact solutions Z of ``A Z = Y``; ``Refusal`` (witness u with u^T A = 0, u^T Y != 0) if none."""
    nr, nc = len(A), len(A[0])
    K = len(Y[0])
    aug = _mat([list(a) + list(y) for a, y in zip(A, Y)])
    R, rank_aug = aug.rref()
    rank = _mat(A).rank()
    if rank_aug > rank:
        At = [[A[i][j] for i in range(nr)] for j in range(nc)]
        for u in nullspace(At, nr):
            uy = [sum(ui * Fraction(y[k]) for ui, y in zip(u, Y)) for k in range(K)]
            if any(uy):
                raise Refusal(
                    f"no exact solution: the combination u = {[str(x) for x in u]} of the equations "
                    f"has left side 0 but right side {[str(x) for x in uy]}",
                    witness=(u, uy),
                )
        raise AssertionError("inconsistent system without a left null vector")
    Z = [[Fraction(0)] * K for _ in range(nc)]
    for i in range(rank):
        p = next(j for j in range(nc) if R[i, j] != 0)
        for k in range(K):
            Z[p][k] = to_fraction(R[i, nc + k])
    return Family(Z, nullspace(A, nc), rank, nc)


def features(prefix: Network, points: Sequence[Sequence[Any]]) -> Matrix:
    """H with H[i][j] = feature j of point i: the prefix network's outputs, exactly."""
    return [list(r) for r in prefix.evaluate([list(p) for p in points])]


def with_output(prefix: Network, z: Sequence[Sequence[Fraction]]) -> Network:
    """The prefix followed by the linear output ``V h + c`` with ``z = (v; c)`` (m + 1 rows, K columns)."""
    m = len(z) - 1
    K = len(z[0])
    layers = [(L.weights.tolist(), [L.biases[j, 0] for j in range(L.units)]) for L in prefix.layers]
    acts = [L.activation if isinstance(L.activation, str) else list(L.activation) for L in prefix.layers]
    layers.append(([[z[j][k] for j in range(m)] for k in range(K)], [z[m][k] for k in range(K)]))
    acts.append("linear")
    return Network.from_layers(layers, activations=acts)


def output_family(prefix: Network, data: Data, members: int = 3, seed: int = 0) -> FamilyConstruction:
    """R15(a): every output layer (v, c) that fits ``data`` exactly after the fixed ``prefix``.

    The network of the result is a random member (the particular solution if the family is a
    point); ``members`` random members are built and each is checked by exact evaluation.
    """
    H = features(prefix, data.points)
    A = [row + [Fraction(1)] for row in H]
    fam = solve_family(A, [list(v) for v in data.values])
    rng = random.Random(seed)
    nets, coeff_list = [], []
    for _ in range(members if fam.dimension else 1):
        z, cs = fam.random_member(rng) if fam.dimension else (fam.particular, [])
        nets.append(with_output(prefix, z))
        coeff_list.append(cs)
    from . import DataConstruction

    fits = [DataConstruction("member", net, data).certify().holds for net in nets]
    m = len(H[0])
    with evaluate(False):
        steps = [
            Step(
                "input",
                "Hidden features of the data (fixed prefix); the output layer solves a linear system",
                (Eq(ix("H", I_, J), Function("h_j")(ix("x", I_))), Eq(H1 * VC, Y)),
                {H1: A, Y: [list(v) for v in data.values]},
            ),
            Step(
                "solve",
                "Exact solution set (R15a): a particular solution plus the null space",
                Eq(Dim(Notation("family")), sym("m") + 1 - Rank(H1)),
                {
                    "m": m,
                    "rank": fam.rank,
                    "dimension": fam.dimension,
                    Notation(
                        "particular (v; c)", r"\begin{pmatrix} v \\ c \end{pmatrix}_{0}"
                    ): fam.particular,
                    "null-space basis": fam.basis,
                },
            ),
            Step(
                "verification",
                "Random members, checked by exact evaluation at every data point",
                Eq(VC1, Notation("particular (v; c)") + Sum(ix("n", J) * ix("r", J), (J, 1, sym("d")))),
                {"coefficients": coeff_list, "fit exactly": fits},
            ),
        ]
    return FamilyConstruction("overparam-family", nets[0], data, None, steps, family=fam, members=nets)


def _pattern(prefix: Network, x: Sequence[Any]) -> tuple[int, ...]:
    return prefix.pattern_perturbed(list(x))


def _feature_map(prefix: Network, pattern: Sequence[int]) -> tuple[Matrix, list[Fraction]]:
    """(F, g) with features h(x) = F x + g on the region of ``pattern``."""
    F, g = prefix.affine_map(pattern)
    return (
        [[to_fraction(v) for v in row] for row in F.tolist()],
        [to_fraction(g[i, 0]) for i in range(g.nrows())],
    )


def _invariance_rows(F: Matrix, g: list[Fraction], cols: Sequence[int]) -> Matrix:
    """Rows of F^T dv = 0 and g^T dv + dc = 0 over the variables (dv_j for j in cols, dc)."""
    n = len(F[0]) if F else 0
    rows = [[F[j][i] for j in cols] + [Fraction(0)] for i in range(n)]
    rows.append([g[j] for j in cols] + [Fraction(1)])
    return rows


def _perturbed(v: Matrix, c: list[Fraction], cols: Sequence[int], delta: Matrix) -> Matrix:
    """(v; c) + delta placed on the units ``cols`` and c (delta: (len(cols) + 1) x K)."""
    z = [list(row) for row in v] + [list(c)]
    for t, j in enumerate(cols):
        for k in range(len(c)):
            z[j][k] += delta[t][k]
    for k in range(len(c)):
        z[-1][k] += delta[-1][k]
    return z


def _vc(prefix: Network, v: Any, c: Any) -> tuple[Matrix, list[Fraction]]:
    """v as m x K (a flat list means K = 1), c as a list of K."""
    vv = [[Fraction(to_fraction(to_fmpq(x)))] if not isinstance(x, (list, tuple)) else x for x in v]
    vv = [[to_fraction(to_fmpq(x)) for x in row] for row in vv]
    cc = [to_fraction(to_fmpq(x)) for x in (c if isinstance(c, (list, tuple)) else [c])]
    if len(vv) != prefix.output_dim:
        raise Refusal(f"v: has {len(vv)} entries, the prefix has {prefix.output_dim} features")
    return vv, cc


def cell_family(prefix: Network, v: Any, c: Any, point: Sequence[Any], seed: int = 0) -> Construction:
    """R15(b): output weights on the active units S of one cell that leave that cell's piece unchanged.

    The cell is the prefix's region at ``point`` (lexicographically perturbed into a full-dimensional
    one).  Variables (dv_S, dc); dimension |S| - rank F_S.  The returned construction's network is a
    random member and its target the original network, to be certified on the cell (its domain).
    """
    vv, cc = _vc(prefix, v, c)
    pattern = _pattern(prefix, point)
    F, g = _feature_map(prefix, pattern)
    S = [j for j in range(len(F)) if any(F[j]) or g[j]]
    rank_FS = _mat([F[j] for j in S]).rank() if S else 0
    basis = nullspace(_invariance_rows(F, g, S), len(S) + 1)
    rng = random.Random(seed)
    fam = Family(
        [[Fraction(0)] * len(cc) for _ in range(len(S) + 1)], basis, len(S) + 1 - len(basis), len(S) + 1
    )
    delta, coeffs = fam.random_member(rng)
    original = with_output(prefix, [*vv, cc])
    member = with_output(prefix, _perturbed(vv, cc, S, delta))
    rows, _, _ = region_rows(prefix, pattern)
    cell = Polyhedron.from_rows(rows, prefix.input_dim)
    with evaluate(False):
        steps = [
            Step(
                "region",
                "The cell and its generalized affine map (R9); S are its active units",
                Eq(Function("h")(X), sym("F") * X + sym("g")),
                {"pattern": list(pattern), sym("S"): [j + 1 for j in S], sym("F"): F, sym("g"): g},
            ),
            Step(
                "solve",
                "Perturbations that keep the piece (R15b)",
                (
                    Eq(Notation("F_S^T dv_S", r"F_S^{T} \, dv_S"), 0),
                    Eq(Notation("g_S^T dv_S", r"g_S^{T} \, dv_S") + Notation("dc"), 0),
                    Eq(Dim(Notation("family")), Notation("|S|", r"\lvert S \rvert") - Rank(Notation("F_S"))),
                ),
                {
                    Notation("|S|", r"\lvert S \rvert"): len(S),
                    Rank(Notation("F_S")): rank_FS,
                    "dimension": fam.dimension,
                    word("basis (dv_S; dc)"): basis,
                },
            ),
            Step(
                "choice",
                "A random member, to certify equal to the original on the cell",
                Eq(VC1, VC + Sum(ix("n", J) * ix("r", J), (J, 1, sym("d")))),
                {sym("r"): coeffs, VC1: _perturbed(vv, cc, S, delta)},
            ),
        ]
    return Construction("overparam-cell", member, PWL.from_network(original), cell, steps)


def invariant_family(prefix: Network, v: Any, c: Any, seed: int = 0) -> Construction:
    """R15(c): perturbations (dv, dc) that change no piece on any realized pattern (so not the function).

    The realized patterns come from the prefix's regions over R^n; the returned construction's
    network is a random member, its target the original network (certify on R^n).
    """
    vv, cc = _vc(prefix, v, c)
    m = len(vv)
    g = regions(prefix, None)
    rows: Matrix = []
    for r in g:
        F, gg = _feature_map(prefix, r.pattern)
        rows += _invariance_rows(F, gg, range(m))
    basis = nullspace(rows, m + 1)
    fam = Family([[Fraction(0)] * len(cc) for _ in range(m + 1)], basis, m + 1 - len(basis), m + 1)
    delta, coeffs = fam.random_member(random.Random(seed))
    z = _perturbed(vv, cc, range(m), delta)
    original = with_output(prefix, [*vv, cc])
    member = with_output(prefix, z)
    with evaluate(False):
        steps = [
            Step(
                "region",
                "Realized patterns of the hidden part on the whole space, a block of conditions each (R15c)",
                Eq(
                    Notation(
                        "[F_S^T 0; g_S^T 1] (dv; dc)",
                        r"\begin{bmatrix} F_S^{T} & 0 \\ g_S^{T} & 1 \end{bmatrix}"
                        r" \begin{pmatrix} dv \\ dc \end{pmatrix}",
                    ),
                    0,
                ),
                {"regions": len(g), "constraint rows": len(rows), "rank": fam.rank},
            ),
            Step(
                "solve",
                "Perturbations that leave the function unchanged",
                Eq(
                    Dim(Notation("family")),
                    sym("m") + 1 - Rank(Notation("stacked constraints", r"\text{stacked constraints}")),
                ),
                {"m": m, "dimension": fam.dimension, word("basis (dv; dc)"): basis},
            ),
            Step(
                "choice",
                "A random member, to certify equal to the original on the whole space",
                Eq(VC1, VC + Sum(ix("n", J) * ix("r", J), (J, 1, sym("d")))),
                {sym("r"): coeffs, VC1: z},
            ),
        ]
    return Construction("overparam-invariant", member, PWL.from_network(original), None, steps)
