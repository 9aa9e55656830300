"""Tests of ``exactpwl.conjecture``: spaces, their sizes and symmetries, ``refute`` and ``search``.

Every size is compared with a count derived here by hand or by a second method (a formula in
the docstring, Moebius inversion, a generating function, a union-find over the explicit moves);
every function set and witness is recomputed here with ``fractions.Fraction`` by code that
shares nothing with exactpwl's region walk.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction as F

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exactpwl import PWL, InputError, Network
from exactpwl.conjecture import (
    ClaimError,
    Outcome,
    affine_forms,
    chain,
    labelled_data,
    lattice_targets,
    networks,
    of,
    point_sets,
    rationals,
    refute,
    search,
    serra_bound,
    targets_1d,
    triangulation_targets,
    vectors,
    zaslavsky_bound,
)
from exactpwl.conjecture.space import sparse_first, sparse_key
from exactpwl.construct import Refusal, read_data
from exactpwl.strategies import LATTICE, lattice_canonical, tree_leaves

try:
    from test_random_certify import eval_layers
except ImportError:  # tests/ run as a package
    from .test_random_certify import eval_layers

QUICK = settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))


# ============================================================================ helpers (independent)
def layers_of(net: Network) -> list[tuple[list[list[F]], list[F], list[str]]]:
    """A network's layers as Fractions, in test_random_certify's ``eval_layers`` format."""
    out = []
    for k, L in enumerate(net.layers):
        W = [[F(int(v.p), int(v.q)) for v in row] for row in L.weights.tolist()]
        b = [F(int(L.biases[j, 0].p), int(L.biases[j, 0].q)) for j in range(L.units)]
        act = "linear" if k == len(net.layers) - 1 else "relu"
        out.append((W, b, [act] * L.units))
    return out


def full_space(arch, roles):
    """Every weight setting of ``arch`` (a tuple of widths) with ``roles = (W, B, V, C)`` value
    sets, as layers ``[(W, b), ...]``: a plain product, written here without exactpwl."""
    dims = list(arch)
    slots = []  # (layer, unit, input or None, role)
    for k in range(1, len(dims)):
        last = k == len(dims) - 1
        for j in range(dims[k]):
            for i in range(dims[k - 1]):
                slots.append((k, j, i, roles[2] if last else roles[0]))
            slots.append((k, j, None, roles[3] if last else roles[1]))
    for vals in itertools.product(*(s[3] for s in slots)):
        layers = [
            ([[F(0)] * dims[k - 1] for _ in range(dims[k])], [F(0)] * dims[k]) for k in range(1, len(dims))
        ]
        for (k, j, i, _), v in zip(slots, vals):
            if i is None:
                layers[k - 1][1][j] = F(v)
            else:
                layers[k - 1][0][j][i] = F(v)
        yield layers


def shallow_form(W, b, V, c):
    """The canonical form of ``c + sum_j V_j relu(W_j.x + b_j)`` (one output), by R7.

    Each unit with w != 0 is ``lambda relu(a.x + beta)`` with a's first non-zero entry equal to
    1 (a unit facing the other way is ``relu(u) - u``), a unit with w = 0 is a constant.  The
    function is an affine map plus ``sum_H lambda_H relu(h_H)`` over distinct hyperplanes with
    lambda_H != 0, and that form is unique: f is not differentiable exactly on those
    hyperplanes, the jump across H fixes lambda_H, and what is left is affine.  So two
    one-hidden-layer networks compute the same function iff their forms are equal.
    """
    n = len(W[0])
    affine = [F(0)] * n + [F(c)]
    kinks: dict = {}
    for w, bj, v in zip(W, b, V):
        w, bj, v = [F(t) for t in w], F(bj), F(v)
        if v == 0:
            continue
        nz = [t for t in w if t]
        if not nz:
            affine[n] += v * max(bj, F(0))
            continue
        s = abs(nz[0])
        a, beta, lam = [t / s for t in w], bj / s, v * s
        if nz[0] < 0:
            a, beta = [-t for t in a], -beta
            for i in range(n):
                affine[i] -= lam * a[i]
            affine[n] -= lam * beta
        key = (tuple(a), beta)
        kinks[key] = kinks.get(key, F(0)) + lam
    return tuple(affine), tuple(sorted((k, lam) for k, lam in kinks.items() if lam))


class PWL1:
    """A CPWL function on R: breakpoints xs (never empty), values ys, slopes on the two rays."""

    def __init__(self, xs, ys, left, right):
        self.xs, self.ys, self.left, self.right = list(xs), list(ys), F(left), F(right)

    def __call__(self, x):
        xs, ys = self.xs, self.ys
        if x <= xs[0]:
            return ys[0] + self.left * (x - xs[0])
        if x >= xs[-1]:
            return ys[-1] + self.right * (x - xs[-1])
        i = max(k for k in range(len(xs)) if xs[k] <= x)
        return ys[i] + (ys[i + 1] - ys[i]) / (xs[i + 1] - xs[i]) * (x - xs[i])

    @staticmethod
    def combine(terms, bias):
        """sum_k c_k f_k + bias."""
        xs = sorted({x for _, f in terms for x in f.xs} | {F(0)})
        ys = [sum((c * f(x) for c, f in terms), F(bias)) for x in xs]
        return PWL1(xs, ys, sum(c * f.left for c, f in terms), sum(c * f.right for c, f in terms))

    def relu(self):
        xs = set(self.xs)
        for a, b in zip(self.xs, self.xs[1:]):
            fa, fb = self(a), self(b)
            if fa * fb < 0:
                xs.add(a + (b - a) * fa / (fa - fb))
        if self.left and self.ys[0] * self.left > 0:  # the left ray crosses 0
            xs.add(self.xs[0] - self.ys[0] / self.left)
        if self.right and self.ys[-1] * self.right < 0:
            xs.add(self.xs[-1] - self.ys[-1] / self.right)
        xs = sorted(xs)
        return PWL1(
            xs, [max(self(x), F(0)) for x in xs], self.left if self.left < 0 else 0, max(self.right, F(0))
        )

    def form(self):
        """Genuine kinks (x, value) and the two end slopes (and the value at 0 when affine)."""
        pts = list(zip(self.xs, self.ys))
        slopes = (
            [self.left] + [(y1 - y0) / (x1 - x0) for (x0, y0), (x1, y1) in zip(pts, pts[1:])] + [self.right]
        )
        kinks = tuple(p for p, s0, s1 in zip(pts, slopes, slopes[1:]) if s0 != s1)
        return kinks, self.left, self.right, (self(F(0)) if not kinks else None)

    @property
    def pieces(self):
        return len(self.form()[0]) + 1


def pwl1_of_layers(layers) -> PWL1:
    """The exact CPWL function on R of a 1-input network ``[(W, b), ...]`` (last layer linear)."""
    h = [PWL1([F(0)], [F(0)], 1, 1)]
    for k, (W, b) in enumerate(layers):
        z = [PWL1.combine(list(zip(row, h)), bj) for row, bj in zip(W, b)]
        h = z if k == len(layers) - 1 else [f.relu() for f in z]
    return h[0]


def test_pwl1_helper_by_hand():
    # relu(1 - |x|) + relu(2 - |x|): kinks at -2, -1, 0, 1, 2 (6 pieces), zero outside [-2, 2]
    layers = [([[-1], [1]], [0, 0]), ([[-1, -1], [-1, -1]], [1, 2]), ([[1, 1]], [0])]
    f = pwl1_of_layers([([[F(v) for v in r] for r in W], [F(v) for v in b]) for W, b in layers])
    assert f.pieces == 6
    assert [f(F(x)) for x in (-3, -2, -1, 0, 1, 2, 3)] == [0, 0, 1, 3, 1, 0, 0]
    assert f.form()[1:3] == (0, 0)


# ============================================================================ the size order
@pytest.mark.parametrize(
    "caps,zero", [([2, 1, 3], [True, True, True]), ([2, 2], [False, True]), ([1], [False])]
)
def test_sparse_first_is_every_tuple_once_in_key_order(caps, zero):
    got = list(sparse_first(caps, zero))
    ranges = [range(0 if z else 1, c + 1) for c, z in zip(caps, zero)]
    everything = list(itertools.product(*ranges))
    assert sorted(got) == sorted(everything) and len(set(got)) == len(got)
    assert got == sorted(everything, key=sparse_key)


def test_values_are_tried_in_the_order_given_with_zero_first():
    assert [v for (v,) in vectors(1, [2, 0, -1])] == [0, 2, -1]
    assert [v for (v,) in vectors(1, ["1/2", 0.5, 1])] == [F(1, 2), 1]  # 0.5 is exactly 1/2
    with pytest.raises(InputError):
        vectors(1, [])


# ============================================================================ sizes
def test_rationals_size_by_moebius_and_by_brute_force():
    def mu(n):
        out, p, m = 1, 2, n
        while p * p <= m:
            if m % p == 0:
                m //= p
                if m % p == 0:
                    return 0
                out = -out
            p += 1
        return -out if m > 1 else out

    for h in (1, 2, 5, 9):
        pairs = sum(mu(d) * (h // d) ** 2 for d in range(1, h + 1))  # coprime (p, q) in [1, h]^2
        brute = {F(p, q) for p in range(-h, h + 1) for q in range(1, h + 1)}
        s = rationals(h)
        got = list(s)
        assert s.size == 2 * pairs + 1 == len(brute) == len(got)
        assert set(got) == brute
    assert list(rationals(2)) == [0, 1, -1, 2, -2, F(1, 2), F(-1, 2)]


def test_one_hidden_layer_size_by_hand_221():
    """2-2-1 with every number in {-1, 0, 1}.  A unit is (w1, w2, b; v).  Rescaling keeps a unit
    in the set only with c = 1 (all non-zero numbers are +-1).  Dead or ignored units (v = 0, or
    w = 0 and b <= 0) form one class; the others are 27 - 2 = 25 rows (w = 0 with b in {0, -1}
    are dead) times 2 values of v: 50 live classes, T = 51.  A network is a multiset of 2 unit
    classes and an output bias: C(52, 2) * 3 = 3978."""
    s = networks("2-2-1", [-1, 0, 1])
    assert s.size == math.comb(52, 2) * 3 == 3978
    assert s.full_size == 3**9
    assert sum(1 for _ in s) == 3978


def test_one_hidden_layer_size_by_hand_with_rescaling():
    """1-2-1 with every number in {-2, ..., 2}: a unit (w, b; v) computes v relu(w x + b).
    Live units: v != 0 (4 values) and (w, b) not dead (25 - 3 rows): 88.  A row with both
    entries even is 2 (a, beta) with (a, beta) in {-1, 0, 1}^2 not dead: 7 rows; (2a, 2b; v)
    equals (a, b; 2v) exactly when 2v is in the set, v = +-1: 14 pairs merge.  T = 88 - 14 + 1
    = 75 classes; C(76, 2) * 5 output biases = 14250.

    Smaller, enumerated: weights {0, +-1, +-2}, biases {0, +-1}, output weights {+-1, +-2},
    output bias 0.  Units: (w, b) not dead (15 - 2 rows) times 4 values of v: 52, all live (v is
    never 0).  Even rows: (+-2, 0) = 2 (+-1, 0), so (+-2, 0; +-1) = (+-1, 0; +-2): 4 merges, and
    the one dead class: T = 52 - 4 + 1 = 49; C(50, 2) = 1225 networks."""
    assert networks("1-2-1", [-2, -1, 0, 1, 2]).size == math.comb(76, 2) * 5 == 14250
    s = networks(
        "1-2-1", [0, 1, -1, 2, -2], biases=[0, 1, -1], output_weights=[1, -1, 2, -2], output_biases=[0]
    )
    assert s.size == math.comb(50, 2) == 1225 == sum(1 for _ in s)
    assert s.full_size == 5 * 3 * 5 * 3 * 4 * 4


def _classes(arch, roles, scales=()):
    """Classes of the full space under the moves of the module docstring, by union-find:
    swap two units of a hidden layer; rescale a unit by c in ``scales``; change the outgoing
    weights or the (non-positive) bias of a dead unit; change the weights and bias of a unit
    whose outgoing weights are all 0."""
    dims = list(arch)

    def key(L):  # Python ints hash much faster than Fractions
        return tuple((F(v).numerator, F(v).denominator) for W, b in L for row in [*W, b] for v in row)

    nets = {key(L): L for L in full_space(arch, roles)}
    parent = {k: k for k in nets}

    def find(k):
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    def union(a, b):
        if b in parent:
            parent[find(a)] = find(b)

    def copy(L):
        return [([list(r) for r in W], list(b)) for W, b in L]

    for k0, L in nets.items():
        for k in range(len(dims) - 2):  # hidden layer k (0-based), its units feed layer k + 1
            W, b = L[k]
            Wn = L[k + 1][0]
            out_role = roles[2] if k + 1 == len(dims) - 2 else roles[0]
            for j in range(dims[k + 1]):
                for j2 in range(j + 1, dims[k + 1]):  # swap units j, j2
                    M = copy(L)
                    M[k][0][j], M[k][0][j2] = M[k][0][j2], M[k][0][j]
                    M[k][1][j], M[k][1][j2] = M[k][1][j2], M[k][1][j]
                    for row in M[k + 1][0]:
                        row[j], row[j2] = row[j2], row[j]
                    union(k0, key(M))
                for c in scales:
                    M = copy(L)
                    M[k][0][j] = [c * v for v in M[k][0][j]]
                    M[k][1][j] = c * M[k][1][j]
                    for row in M[k + 1][0]:
                        row[j] = row[j] / c
                    union(k0, key(M))
                if not any(W[j]) and b[j] <= 0:  # dead
                    for bias in [v for v in roles[1] if v <= 0]:
                        for col in itertools.product(out_role, repeat=len(Wn)):
                            M = copy(L)
                            M[k][1][j] = F(bias)
                            for row, v in zip(M[k + 1][0], col):
                                row[j] = F(v)
                            union(k0, key(M))
                if not any(row[j] for row in Wn):  # ignored
                    for vals in itertools.product(roles[0], repeat=dims[k]):
                        for bias in roles[1]:
                            M = copy(L)
                            M[k][0][j] = [F(v) for v in vals]
                            M[k][1][j] = F(bias)
                            union(k0, key(M))
    return len({find(k) for k in nets})


def test_deep_space_sizes_by_union_find_over_the_moves():
    W = [0, 1, -1]
    assert networks("1-2-1-1", W, output_weights=[1, -1], output_biases=[0]).size == _classes(
        (1, 2, 1, 1), (W, W, [1, -1], [0])
    )
    W2 = [0, 1, -1, 2, -2]
    s = networks("1-1-1-1", W2, output_weights=[1, 2, -1, -2], output_biases=[0])
    assert s.size == _classes((1, 1, 1, 1), (W2, W2, [1, 2, -1, -2], [0]), scales=(F(2), F(1, 2)))
    assert s.full_size == 5**4 * 4


def test_target_space_sizes_by_formula():
    # 2 or 3 pieces, 3 kink positions, 3 slopes, 1 value: C(3,1) 3 2 + C(3,2) 3 2^2 = 18 + 36
    s = targets_1d((2, 3), kinks=[0, 1, -1], slopes=[-1, 0, 1])
    assert s.size == 54 == sum(1 for _ in s)
    for f in s:
        pts = [(F(x), F(y)) for x, y in f.data["breakpoints"]]
        slopes = [(y1 - y0) / (x1 - x0) for (x0, y0), (x1, y1) in zip(pts, pts[1:])]
        assert all(a != b for a, b in zip(slopes, slopes[1:]))  # every point inside is a kink
    tri = {"points": [[0, 0], [1, 0], [0, 1], [1, 1]], "simplices": [[0, 1, 3], [0, 2, 3]]}
    t = triangulation_targets(tri["points"], tri["simplices"], [0, 1, 2])
    assert t.size == 3**4 == sum(1 for _ in t)
    p = point_sets(2, [0, 1], (1, 2))
    assert p.size == 4 + 6 == sum(1 for _ in p)
    d = labelled_data(1, [0, 1, 2], (2, 3), labels=[0, 1])
    assert d.size == 3 * 2**2 + 1 * 2**3 == sum(1 for _ in d)
    assert all(read_data(x).input_dim == 1 for x in d)
    c = chain(vectors(2, [0, 1]), of(["a", "b"]))
    assert c.size == 6 and list(c)[-2:] == ["a", "b"]
    m = vectors(2, [0, 1, 2]).map(sum)
    assert m.size == 9 and list(m) == [0, 1, 1, 2, 2, 2, 3, 3, 4]  # (0,0) (1,0) (0,1) (2,0) (0,2) (1,1) ...


def test_lattice_size_by_generating_function():
    """Canonical max/min trees with L leaves over F leaf forms.  Let a_L be the number of trees
    with L leaves whose root is max (the same for min), b_L = F [L = 1] + a_L the number of
    possible arguments of a max (a leaf or a min).  A max is a set of >= 2 distinct arguments:
    a_L = [x^L] (prod_j (1 + y x^j)^(b_j) restricted to y^(>=2)), read off polynomials here."""
    forms = len(affine_forms(2))
    assert forms == 27  # 3^3 affine forms with coefficients in {-1, 0, 1}
    top = 4
    b = {1: forms}
    a = {}
    for L in range(2, top + 1):
        # poly[(k, s)]: sets of k distinct arguments with s leaves, from argument sizes < L
        poly = {(0, 0): 1}
        for j in range(1, L):
            new: dict = {}
            for (k, s), c in poly.items():
                for t in range(0, (L - s) // j + 1):
                    new[(k + t, s + t * j)] = new.get((k + t, s + t * j), 0) + c * math.comb(b[j], t)
            poly = new
        a[L] = sum(c for (k, s), c in poly.items() if s == L and k >= 2)
        b[L] = a[L]
    s = lattice_targets(2, max_leaves=3)
    assert s.size == forms + 2 * a[2] + 2 * a[3] == 25533
    from exactpwl.conjecture.targets import _Lattice

    assert _Lattice(affine_forms(2)).count(4, None) == 2 * a[4]
    small = lattice_targets(1, max_leaves=3, coefficients=[0, 1])  # 4 forms: 0, x1, 1, x1 + 1
    texts = [t.data["expr"] for t in small]
    assert len(texts) == small.size == len(set(texts))


# ============================================================================ symmetry loses nothing
def test_reduction_keeps_every_function_one_hidden_layer():
    W2, W1 = [0, 1, -1, 2, -2], [0, 1, -1]
    for arch, roles in (((1, 2, 1), (W2, W1, [1, -1, 2, -2], [0])), ((2, 2, 1), (W1,) * 4)):
        full = {shallow_form(L[0][0], L[0][1], L[1][0][0], L[1][1][0]) for L in full_space(arch, roles)}
        reduced = set()
        for net in networks("-".join(map(str, arch)), *roles):
            (W, b, _), (V, c, _) = layers_of(net)
            reduced.add(shallow_form(W, b, V[0], c[0]))
        assert reduced == full


def test_reduction_keeps_every_function_two_hidden_layers():
    roles = ([0, 1, -1], [0, 1, -1], [1, -1], [0])
    full = {pwl1_of_layers(L).form() for L in full_space((1, 2, 1, 1), roles)}
    s = networks("1-2-1-1", roles[0], output_weights=roles[2], output_biases=roles[3])
    reduced = {pwl1_of_layers([(W, b) for W, b, _ in layers_of(net)]).form() for net in s}
    assert reduced == full


def test_reduction_meets_the_first_counterexample_of_the_full_enumeration():
    from exactpwl import regions

    def claim(net):
        return regions(net).num_pieces <= 3

    reduced = refute(claim, networks("2-2-1", [0, 1, -1]))
    full = refute(claim, networks("2-2-1", [0, 1, -1], reduce=False))
    assert reduced.refuted and full.refuted
    assert reduced.counterexample.to_dict() == full.counterexample.to_dict()
    assert reduced.index < full.index


# ============================================================================ refute
def test_a_true_claim_on_a_finite_space_is_exhausted_not_refuted():
    from exactpwl import regions

    space = networks("2-2-1", [0, 1, -1])
    r = refute(lambda net: len(regions(net)) <= zaslavsky_bound(2, 2), space)
    assert not r.refuted and r.exhausted and r.tried == space.size == 3978
    assert r.to_json()["counterexample"] is None and "exhausted" in str(r)


def test_budget_undecided_and_bad_claims():
    s = vectors(3, [0, 1])
    r = refute(lambda v: True, s, budget=5)
    assert (r.refuted, r.exhausted, r.tried) == (False, False, 5)
    r = refute(lambda v: Outcome(None if sum(v) == 3 else True), s)
    assert (r.refuted, r.exhausted, r.undecided, r.tried) == (False, False, 1, 8)
    with pytest.raises(ClaimError, match="object 1"):
        refute(lambda v: None, s)  # forgot to return
    with pytest.raises(ClaimError, match="ZeroDivisionError"):
        refute(lambda v: 1 / sum(v) > 0, s)
    with pytest.raises(InputError):
        refute(lambda v: True, s, budget=0)
    with pytest.raises(InputError):
        refute(lambda v: True, [1, 2])


def test_refusal_and_verdict_claims_give_their_witnesses():
    def claim(v):
        if sum(v) == 2:
            raise Refusal("no", witness={"point": (F(1, 3),)})
        return True

    r = refute(claim, vectors(2, [0, 1]))
    assert r.refuted and r.counterexample == (1, 1) and r.message == "no"
    assert r.to_json()["witness"] == {"point": ["1/3"]}

    from exactpwl import certify

    net = Network.from_layers([([[1], [-1]], [0, 0]), ([[1, 1]], [0])])  # |x|
    r = refute(lambda t: certify(net, t), of(["abs(x1)", "abs(x1) + relu(x1 - 3)"]), statement="equal")
    assert r.index == 2 and r.claim == "equal"
    cx = r.to_json()["witness"]["counterexample"]
    x = F(cx["x"][0])
    assert x > 3 and F(cx["target"][0]) == abs(x) + (x - 3) and F(cx["network"][0]) == abs(x)


def test_random_mode_shrinks_and_claims_nothing_more():
    r = refute(lambda v: sum(v) < 5, vectors(4, [0, 1, 2, 3]), mode="random", seed=3, budget=300)
    assert r.refuted and sum(r.counterexample) >= 5 and not r.exhausted and r.space_size is None
    r = refute(lambda v: sum(v) < 100, vectors(2, [0, 1]), mode="random", budget=20)
    assert not r.refuted and not r.exhausted and r.tried >= 1


# ============================================================================ search
def test_search_abs_needs_two_units():
    """One unit c + v relu(w x + b) is constant on a half-line (or everywhere); |x| is not."""
    none = search("abs(x1)", 1, input_dim=1)
    assert none.found is None and none.exhausted and none.tried == 8
    two = search("abs(x1)", 2, input_dim=1)
    layers = layers_of(two.found)
    assert all(eval_layers(layers, [F(x, 3)])[0] == abs(F(x, 3)) for x in range(-30, 31))
    assert pwl1_of_layers([(W, b) for W, b, _ in layers]).form() == (((F(0), F(0)),), -1, 1, None)


def test_search_max_of_two_and_zero():
    """No one-hidden-layer network (R7), but relu(x1) + relu(relu(x2) - relu(x1)) has 2-2-1."""
    r = search("max(0, x1, x2)", [(1,), (2,), (3,)], input_dim=2)
    assert r.found is None and r.exhausted and r.ruled_out["points"] == r.tried
    r = search("max(0, x1, x2)", (2, 2), input_dim=2)
    layers = layers_of(r.found)
    grid = [F(k, 2) for k in range(-6, 7)]
    assert all(eval_layers(layers, [a, b])[0] == max(F(0), a, b) for a in grid for b in grid)


def test_search_certify_rounds_region_bound_and_finite_outputs():
    # relu(x1 - 7) is 0 at every filter point: the zero network fits them, certify finds x > 7
    r = search("relu(x1 - 7)", 1, input_dim=1)
    assert r.found is None and r.exhausted and r.ruled_out["certify"] > 0
    r = search("relu(x1 - 7)", 1, biases=[0, -7], input_dim=1)
    assert r.found is not None and eval_layers(layers_of(r.found), [F(8)]) == [1]
    # four pieces on R: one hidden layer of 2 units has at most 3 regions (Zaslavsky)
    f = PWL.from_breakpoints([[-1, 1], [0, 0], [1, 1], [2, 0], [3, 1]])
    r = search(f, 2)
    assert r.found is None and r.ruled_out["bound"] == 1 and r.tried == 0
    # output layer from a finite set: |x| needs output weights 1, 1
    assert search("abs(x1)", 2, input_dim=1, output_weights=[1]).found is not None  # output bias 0
    r = search("abs(x1)", 2, input_dim=1, output_weights=[2, -2], output_biases=[0])
    assert r.found is None and r.exhausted
    assert search("abs(x1)", 3, input_dim=1, budget=2).exhausted is False
    with pytest.raises(InputError):
        search("abs(x1)", 1)  # an expression needs input_dim


def test_search_on_a_domain():
    # on [0, 1], relu(x1 - 1/2) needs a kink at 1/2: not with biases in {0, 1, -1}
    r = search("relu(x1 - 1/2)", 1, input_dim=1, domain={"box": [[0, 1]]})
    assert r.found is None and r.exhausted
    r = search("relu(x1 - 1/2)", 1, weights=[0, 2], biases=[0, -1], input_dim=1, domain={"box": [[0, 1]]})
    assert r.found is not None  # relu(2 x - 1) / 2


# ============================================================================ bounds
def test_region_bounds_by_hand():
    # one hidden layer: Serra's bound is Zaslavsky's
    for n0, m in ((1, 4), (2, 3), (3, 2), (2, 5)):
        assert serra_bound(n0, [m]) == zaslavsky_bound(n0, m) == sum(math.comb(m, j) for j in range(n0 + 1))
    # (j1, j2) in {(0,0), (0,1), (1,0), (1,1)}: 1 + 2 + 2 + 4
    assert serra_bound(1, [2, 2]) == 9
    # j1 <= 2, j2 <= min(2, 2 - j1): 1 + 2 + 1 + 2 + 4 + 1
    assert serra_bound(2, [2, 2]) == 11


# ============================================================================ random versions
@QUICK
@given(st.data())
def test_strategies_draw_from_the_same_spaces(data):
    net = data.draw(networks("2-2-1", [0, 1, -1], biases=[0, 2]).strategy)
    (W, b, _), (V, c, _) = layers_of(net)
    assert {v for r in W for v in r} <= {0, 1, -1} and set(b) <= {0, 2}
    assert set(V[0]) <= {0, 1, -1} and set(c) <= {0, 2} and net.architecture == "2-2-1"

    f = data.draw(targets_1d((2, 3), kinks=[0, 1, -1], slopes=[-1, 0, 1], values=[0, 5]).strategy)
    pts = [(F(x), F(y)) for x, y in f.data["breakpoints"]]
    kinks = pts[1:-1]
    assert 1 <= len(kinks) <= 2 and {x for x, _ in kinks} <= {0, 1, -1} and kinks[0][1] in (0, 5)

    forms = affine_forms(1)
    index = {t: i for i, t in enumerate(forms)}
    t = data.draw(lattice_targets(1, max_leaves=3).strategy)
    assert t.input_dim == 1
    from exactpwl.strategies import lattice_trees

    tree = data.draw(lattice_trees(forms, 3))
    assert tree_leaves(tree) <= 3 and lattice_canonical(tree, index) == tree
    if tree[0] in LATTICE:
        assert all(c[0] != tree[0] for c in tree[1:]) and len(set(tree[1:])) == len(tree) - 1

    pts = data.draw(point_sets(2, [0, 1, -1], (1, 3)).strategy)
    assert 1 <= len(pts) <= 3 and len(set(pts)) == len(pts)
    d = data.draw(labelled_data(1, [0, 1, 2], (2, 3)).strategy)
    assert read_data(d).input_dim == 1
    assert data.draw(rationals(3).strategy) in set(rationals(3))
    assert set(data.draw(vectors(3, [0, 7]).strategy)) <= {0, 7}


def test_space_errors_are_one_line_input_errors():
    for bad in (
        lambda: networks("2-x-1"),
        lambda: networks("2-2-1", []),
        lambda: targets_1d(5, kinks=[0]),
        lambda: point_sets(1, [0, 1], 3),
        lambda: rationals(0),
        lambda: of([]),
        lambda: triangulation_targets([[0, 0]], [[0, 1, 2]]),
    ):
        with pytest.raises(InputError):
            bad()
