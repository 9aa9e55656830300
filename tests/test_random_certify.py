"""Volume of evidence: over a thousand random ``certify`` questions, each decided again by our own z3.

Every question is a network, a target and a domain drawn from ``exactpwl.strategies`` (so a
failure shrinks to a minimal case).  About half are true identities built here by hand, the
others mutants (the same function slightly changed) or unrelated pairs.  The target kinds:
expressions, breakpoints, pieces, triangulations and networks.

Sources of truth, none of which calls into exactpwl's target compiler, region walk or z3 module:

* ``z3_witness``: z3 over the reals with the network (``If`` per ReLU unit) and the target
  encoded here from its own definition: the expression tree with ``If`` per max/min/abs/relu,
  the breakpoint segments, the pieces as implications, the simplices through barycentric
  coordinates.  Its witnesses are checked with the evaluators below.
* plain ``fractions.Fraction`` evaluators of layers, trees, breakpoints, pieces and simplices;
* hand-written constructions of the true identities: ``compile_trees`` (a tree as a network with
  mixed relu/linear units, max(a, b) = a + relu(b - a), min(a, b) = a - relu(a - b), |a| =
  relu(a) + relu(-a)), the two hinge forms of breakpoints, algebraic rewritings of trees, and
  functions that are affine on every simplex of a triangulation.

The two answers must agree.  A refutation's point must lie strictly inside the domain and
strictly inside a linear region of the network, and re-evaluating both sides there must give
the two reported values, which differ.  A proof comes with z3's "unsat" and a certificate that
``check_certificate`` accepts.  ``test_volume_of_evidence`` counts the questions (run with ``-s``
to see the table).
"""

from __future__ import annotations

import itertools
import json
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import pytest
import z3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exactpwl import PWL, certify, check_certificate
from exactpwl.strategies import (
    argmax_pieces,
    breakpoint_pieces,
    breakpoints,
    domains,
    expression_trees,
    max_affine,
    network_layers,
    network_of,
    perturbed,
    rationals,
    reparametrised,
    tree_text,
    triangulations,
)

try:
    from test_polyhedron import solve
except ImportError:  # tests/ run as a package
    from .test_polyhedron import solve

F = Fraction
pytestmark = pytest.mark.slow

# examples per target kind (the total is what issue 7 asks for: at least 1,000)
PLAN = {"expr": 300, "breakpoints": 150, "pieces": 250, "triangulation": 150, "network": 250}
EVIDENCE: dict[str, Counter] = defaultdict(Counter)
HOLDS: dict[str, Counter] = defaultdict(Counter)
SECONDS: dict[str, float] = defaultdict(float)
STATS: dict = defaultdict(lambda: defaultdict(list))


def evidence(kind: str):
    return settings(
        max_examples=PLAN[kind],
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


# ============================================================================ questions


@dataclass
class Target:
    """``kind`` and ``data`` (our own definition, for z3 and evaluation); ``obj`` goes to certify."""

    kind: str
    data: Any
    obj: Any


@dataclass
class Question:
    layers: list  # [(W, b, acts), ...] with Fractions
    target: Target
    domain: Any
    how: str  # identity, rewritten, mutant ..., other

    @property
    def n(self) -> int:
        return len(self.layers[0][0][0])


def formats_dict(n: int, key: str, body: Any) -> PWL:
    """The target through its FORMATS.md JSON text (numbers as "p/q" strings)."""

    def enc(v):
        if isinstance(v, Fraction):
            return str(v)
        if isinstance(v, (list, tuple)):
            return [enc(u) for u in v]
        if isinstance(v, dict):
            return {k: enc(u) for k, u in v.items()}
        return v

    text = json.dumps({"format": "exactpwl.pwl", "version": 1, "input_dim": n, key: enc(body)})
    return PWL.from_dict(json.loads(text))


# ============================================================================ Fraction evaluation


def dot(a, x) -> Fraction:
    return sum((F(u) * F(v) for u, v in zip(a, x)), F(0))


def eval_layers(layers, x) -> list[Fraction]:
    h = [F(v) for v in x]
    for W, b, acts in layers:
        z = [dot(row, h) + F(bj) for row, bj in zip(W, b)]
        h = [max(v, F(0)) if a == "relu" else v for v, a in zip(z, acts)]
    return h


def preactivations(layers, x) -> list[tuple[Fraction, list[Fraction]]]:
    """(value, gradient) of every ReLU pre-activation at x, the gradient on x's own region."""
    n = len(x)
    h = [(F(v), [F(int(i == j)) for j in range(n)]) for i, v in enumerate(x)]
    out = []
    for W, b, acts in layers:
        z = [
            (dot(row, [v for v, _ in h]) + F(bj), [dot(row, [g[i] for _, g in h]) for i in range(n)])
            for row, bj in zip(W, b)
        ]
        out += [zj for zj, a in zip(z, acts) if a == "relu"]
        h = [
            ((v, g) if v > 0 else (F(0), [F(0)] * n)) if a == "relu" else (v, g) for (v, g), a in zip(z, acts)
        ]
    return out


def strictly_in_a_region(layers, x) -> bool:
    """No ReLU pre-activation is 0 at x, except one that is identically 0 near x (a dead unit)."""
    return all(v != 0 or not any(g) for v, g in preactivations(layers, x))


def eval_tree(t, x) -> Fraction:
    op, args = t[0], t[1:]
    if op == "x":
        return F(x[args[0] - 1])
    if op == "c":
        return F(args[0])
    if op == "*":
        return F(args[0]) * eval_tree(args[1], x)
    vals = [eval_tree(a, x) for a in args]
    if op == "+":
        return sum(vals, F(0))
    if op == "max":
        return max(vals)
    if op == "min":
        return min(vals)
    if op == "abs":
        return abs(vals[0])
    assert op == "relu"
    return max(vals[0], F(0))


def eval_breakpoints(pts, x) -> Fraction:
    (x,) = x
    i = 0
    while i < len(pts) - 2 and x > pts[i + 1][0]:
        i += 1
    (x0, y0), (x1, y1) = pts[i], pts[i + 1]
    return y0 + (y1 - y0) / (x1 - x0) * (x - x0)


def eval_pieces(pieces, x) -> list[Fraction]:
    """The common value of every piece that contains x (they must agree)."""
    vals = {
        tuple(dot(w, x) + F(c) for w, c in zip(p["w"], p["c"]))
        for p in pieces
        if all(dot(a, x) <= F(b) for a, b in zip(p["A"], p["b"]))
    }
    assert len(vals) == 1, f"pieces at {x}: values {vals}"
    return list(vals.pop())


def barycentric(verts, x) -> list[Fraction]:
    """lambda with sum lambda_i v_i = x and sum lambda_i = 1."""
    n = len(x)
    M = [[F(v[i]) for v in verts] for i in range(n)] + [[F(1)] * len(verts)]
    return solve(M, [*x, 1])


def eval_triangulation(tri, x) -> list[Fraction]:
    vals = set()
    for s in tri["simplices"]:
        lam = barycentric([tri["points"][i] for i in s], x)
        if all(v >= 0 for v in lam):
            vals.add(sum((li * F(tri["values"][i]) for li, i in zip(lam, s)), F(0)))
    assert len(vals) == 1, f"triangulation at {x}: values {vals}"
    return [vals.pop()]


def eval_target(target: Target, x) -> list[Fraction]:
    if target.kind == "expr":
        return [eval_tree(t, x) for t in target.data]
    if target.kind == "breakpoints":
        return [eval_breakpoints(target.data, x)]
    if target.kind == "pieces":
        return eval_pieces(target.data, x)
    if target.kind == "triangulation":
        return eval_triangulation(target.data, x)
    assert target.kind == "network"
    return eval_layers(target.data, x)


# ============================================================================ our own z3 encoding


def q(v):
    v = F(v)
    return z3.Q(v.numerator, v.denominator)


def lin(a, xs):
    return z3.Sum([q(ai) * x for ai, x in zip(a, xs)])


def z3_layers(layers, xs) -> list:
    h = list(xs)
    for W, b, acts in layers:
        z = [lin(row, h) + q(bj) for row, bj in zip(W, b)]
        h = [z3.If(v > 0, v, 0) if a == "relu" else v for v, a in zip(z, acts)]
    return h


def z3_tree(t, xs):
    op, args = t[0], t[1:]
    if op == "x":
        return xs[args[0] - 1]
    if op == "c":
        return q(args[0])
    if op == "*":
        return q(args[0]) * z3_tree(args[1], xs)
    vals = [z3_tree(a, xs) for a in args]
    if op == "+":
        return z3.Sum(vals)
    if op in ("max", "min"):
        best = vals[0]
        for v in vals[1:]:
            best = z3.If(v > best, v, best) if op == "max" else z3.If(v < best, v, best)
        return best
    if op == "abs":
        return z3.If(vals[0] >= 0, vals[0], -vals[0])
    assert op == "relu"
    return z3.If(vals[0] > 0, vals[0], 0)


def z3_target(target: Target, xs, s) -> list:
    """The target's outputs as z3 terms; pieces and simplices through fresh variables."""
    if target.kind == "expr":
        return [z3_tree(t, xs) for t in target.data]
    if target.kind == "network":
        return z3_layers(target.data, xs)
    t = z3.Real("t")
    if target.kind == "breakpoints":
        (x,), pts = xs, target.data
        for i in range(len(pts) - 1):
            (x0, y0), (x1, y1) = pts[i], pts[i + 1]
            cond = [x >= q(x0)] if i > 0 else []
            cond += [x <= q(x1)] if i < len(pts) - 2 else []
            s.add(z3.Implies(z3.And(cond), t == q(y0) + q((y1 - y0) / (x1 - x0)) * (x - q(x0))))
        return [t]
    if target.kind == "pieces":
        outs = [z3.Real(f"t{i}") for i in range(len(target.data[0]["c"]))]
        inside = []
        for p in target.data:
            cond = z3.And([lin(a, xs) <= q(b) for a, b in zip(p["A"], p["b"])])
            s.add(z3.Implies(cond, z3.And([o == lin(w, xs) + q(c) for o, w, c in zip(outs, p["w"], p["c"])])))
            inside.append(cond)
        s.add(z3.Or(inside))  # the pieces cover the space
        return outs
    assert target.kind == "triangulation"
    tri = target.data
    inside = []
    for k, simplex in enumerate(tri["simplices"]):
        lam = [z3.Real(f"l{k}_{i}") for i in range(len(simplex))]  # x = sum lam_i v_i, sum lam_i = 1
        for d, xd in enumerate(xs):
            s.add(xd == z3.Sum([li * q(tri["points"][v][d]) for li, v in zip(lam, simplex)]))
        s.add(z3.Sum(lam) == 1)
        cond = z3.And([li >= 0 for li in lam])
        s.add(z3.Implies(cond, t == z3.Sum([li * q(tri["values"][v]) for li, v in zip(lam, simplex)])))
        inside.append(cond)
    s.add(z3.Or(inside))
    return [t]


def z3_witness(layers, target: Target, rows, n) -> tuple[Fraction, ...] | None:
    """A point of the domain where network and target differ (z3's model), or None if z3 proves none."""
    xs = [z3.Real(f"x{i + 1}") for i in range(n)]
    s = z3.Solver()
    for a, b in rows:
        s.add(lin(a, xs) <= q(b))
    ns, ts = z3_layers(layers, xs), z3_target(target, xs, s)
    s.add(z3.Or([u != v for u, v in zip(ns, ts)]))
    r = s.check()
    assert r != z3.unknown, "z3 answered unknown"
    if r == z3.unsat:
        return None
    m = s.model()
    return tuple(m.eval(x, model_completion=True).as_fraction() for x in xs)


def domain_rows(domain, n) -> list:
    """Rows (a, b) of a domain, read by hand: None, {"box": ...} or {"A": ..., "b": ...}."""
    if domain is None:
        return []
    if "box" in domain:
        rows = []
        for i, (lo, hi) in enumerate(domain["box"]):
            e = [F(int(i == j)) for j in range(n)]
            rows += [(e, F(hi)), ([-v for v in e], -F(lo))]
        return rows
    return list(zip(domain["A"], domain["b"]))


def in_rows(rows, x, strict=False) -> bool:
    return all(dot(a, x) < F(b) if strict else dot(a, x) <= F(b) for a, b in rows)


# ============================================================================ the decision


def decide(kind: str, question: Question, **certify_options: Any):
    """certify and our z3 must agree; witnesses and certificates must check out."""
    n, rows = question.n, domain_rows(question.domain, question.n)
    start = time.perf_counter()
    v = certify(network_of(question.layers), question.target.obj, question.domain, **certify_options)
    witness = z3_witness(question.layers, question.target, rows, n)
    if witness is not None:  # our encoding and our evaluators agree at z3's point
        assert in_rows(rows, witness)
        assert eval_layers(question.layers, witness) != eval_target(question.target, witness)
    if v.holds:
        assert witness is None, f"certify says holds, z3 finds x = {witness} where the two differ"
        assert v.counterexample is None
        report = check_certificate(v.certificate())
        assert report.valid, report.reason
    else:
        assert v.holds is False, "no cap was set, so certify must decide"
        assert witness is not None, "certify refutes, z3 proves the two equal on the domain"
        cx = v.counterexample
        assert all(isinstance(c, Fraction) for c in (*cx.x, *cx.network, *cx.target))
        assert in_rows(rows, cx.x, strict=True)
        assert strictly_in_a_region(question.layers, cx.x)
        assert list(cx.network) == eval_layers(question.layers, cx.x)
        assert list(cx.target) == eval_target(question.target, cx.x)
        assert cx.network != cx.target
    SECONDS[kind] += time.perf_counter() - start
    EVIDENCE[kind]["holds" if v.holds else "refuted"] += 1
    EVIDENCE[kind][question.how] += 1
    HOLDS[kind][question.how] += bool(v.holds)
    if v.holds:
        STATS[kind]["regions"].append(v.regions)
    STATS[kind]["units"].append(sum(a == "relu" for *_, acts in question.layers for a in acts))
    STATS[kind]["domain"].append(
        "R^n" if question.domain is None else "box" if "box" in question.domain else "A,b"
    )
    return v


# ============================================================================ hand-written constructions


def _parallel(blocks, n):
    """Run blocks (layers, out) side by side: pad to one depth with linear units, then stack.

    ``out`` = (coefficients over the block's last layer, or over x when it has no layer, constant).
    """
    depth = max(len(L) for L, _ in blocks)
    padded = []
    for L, out in blocks:
        L = list(L)
        while len(L) < depth:
            L.append(([out[0]], [out[1]], ["linear"]))
            out = ([F(1)], F(0))
        padded.append((L, out))
    if depth == 0:
        return [], [out for _, out in padded]
    layers = []
    for k in range(depth):
        width_in = [n if k == 0 else len(L[k - 1][1]) for L, _ in padded]
        W, b, acts, col = [], [], [], 0
        for (L, _), w_in in zip(padded, width_in):
            for row in L[k][0]:
                full = [F(0)] * (n if k == 0 else sum(width_in))
                full[(0 if k == 0 else col) : (0 if k == 0 else col) + w_in] = row
                W.append(full)
            b += L[k][1]
            acts += L[k][2]
            col += w_in
        layers.append((W, b, acts))
    outs, col, total = [], 0, len(layers[-1][1])
    for _, (co, c) in padded:
        full = [F(0)] * total
        full[col : col + len(co)] = co
        outs.append((full, c))
        col += len(co)
    return layers, outs


def _unit(out, sign=1):
    co, c = out
    return [sign * v for v in co], sign * c


def _block(t, n):
    """A tree as (layers, out): a network of its own, with mixed relu/linear units."""
    op, args = t[0], t[1:]
    if op == "x":
        return [], ([F(int(j == args[0] - 1)) for j in range(n)], F(0))
    if op == "c":
        return [], ([F(0)] * n, F(args[0]))
    if op == "*":
        L, out = _block(args[1], n)
        return L, _unit(out, args[0])
    if op in ("max", "min") and len(args) > 2:
        return _block((op, (op, *args[:-1]), args[-1]), n)
    L, outs = _parallel([_block(a, n) for a in args], n)
    if op == "+":
        return L, ([sum(vs) for vs in zip(*[co for co, _ in outs])], sum((c for _, c in outs), F(0)))
    if op == "relu":
        units, out = [(outs[0], "relu")], [F(1)]
    elif op == "abs":
        units, out = [(outs[0], "relu"), (_unit(outs[0], -1), "relu")], [F(1), F(1)]
    else:  # max(a, b) = a + relu(b - a); min(a, b) = a - relu(a - b)
        (ca, a0), (cb, b0) = outs
        diff = (
            ([u - v for u, v in zip(cb, ca)], b0 - a0)
            if op == "max"
            else ([u - v for u, v in zip(ca, cb)], a0 - b0)
        )
        units, out = [(outs[0], "linear"), (diff, "relu")], [F(1), F(1) if op == "max" else F(-1)]
    layer = ([co for (co, _), _ in units], [c for (_, c), _ in units], [a for _, a in units])
    return [*L, layer], (out, F(0))


def compile_trees(trees, n):
    """The network (our own construction) computing the trees, one output each."""
    L, outs = _parallel([_block(t, n) for t in trees], n)
    return [*L, ([co for co, _ in outs], [c for _, c in outs], ["linear"] * len(outs))]


def test_compile_trees_by_evaluation():
    # the construction itself, on a few points: max(x1, 2 x2 - 1) - |x1| + min(x2, 0, x1) / 2
    t = (
        "+",
        ("max", ("x", 1), ("+", ("*", F(2), ("x", 2)), ("c", F(-1)))),
        ("*", F(-1), ("abs", ("x", 1))),
        ("*", F(1, 2), ("min", ("x", 2), ("c", F(0)), ("x", 1))),
    )
    layers = compile_trees([t, ("relu", ("x", 2))], 2)
    for x in itertools.product([F(-3), F(-1, 2), F(0), F(2, 3), F(5)], repeat=2):
        want = max(x[0], 2 * x[1] - 1) - abs(x[0]) + min(x[1], F(0), x[0]) / 2
        assert eval_layers(layers, x) == [want, max(x[1], F(0))]


def affine_tree(w, c):
    return ("+", *[("*", F(wi), ("x", i + 1)) for i, wi in enumerate(w)], ("c", F(c)))


def hinge_tree(pts, left: bool):
    """Breakpoints as one hidden layer: y0 + s0 (x - x0) + sum (s_i - s_{i-1}) relu(x - x_i), or
    from the right, y_k + s_k (x - x_k) + sum (s_i - s_{i-1}) relu(x_i - x)."""
    xs, ys = [F(x) for x, _ in pts], [F(y) for _, y in pts]
    s = [(ys[i + 1] - ys[i]) / (xs[i + 1] - xs[i]) for i in range(len(xs) - 1)]
    k = 0 if not left else len(xs) - 1
    sk = s[0] if not left else s[-1]
    terms = [("*", sk, ("x", 1)), ("c", ys[k] - sk * xs[k])]
    for i in range(1, len(s)):
        inner = ("+", ("x", 1), ("c", -xs[i])) if not left else ("+", ("*", F(-1), ("x", 1)), ("c", xs[i]))
        terms.append(("*", s[i] - s[i - 1], ("relu", inner)))
    return ("+", *terms)


def neg(a):
    return ("*", F(-1), a)


@st.composite
def rewritten(draw, t):
    """An equal tree by the identities max(a, b) = a + relu(b - a) = a + b - min(a, b) =
    (a + b + |a - b|)/2, min likewise, |a| = relu(a) + relu(-a) = max(a, -a),
    relu(a) = max(a, 0) = (a + |a|)/2, reordered sums and nested maxima."""
    op = t[0]
    if op in ("x", "c"):
        return t
    if op == "*":
        return ("*", t[1], draw(rewritten(t[2])))
    kids = [draw(rewritten(a)) for a in t[1:]]
    if op == "+":
        return ("+", *draw(st.permutations(kids)))
    if len(kids) == 3:
        a, b, c = draw(st.permutations(kids))
        return draw(st.sampled_from([(op, *kids), (op, (op, a, b), c), (op, a, (op, b, c))]))
    if op == "relu":
        (a,) = kids
        options = [("relu", a), ("max", a, ("c", F(0))), ("*", F(1, 2), ("+", a, ("abs", a)))]
    elif op == "abs":
        (a,) = kids
        options = [("abs", a), ("+", ("relu", a), ("relu", neg(a))), ("max", a, neg(a))]
    elif op == "max":
        a, b = kids
        options = [
            ("max", a, b),
            ("+", a, ("relu", ("+", b, neg(a)))),
            ("+", a, b, neg(("min", a, b))),
            ("*", F(1, 2), ("+", a, b, ("abs", ("+", a, neg(b))))),
        ]
    else:
        a, b = kids
        options = [
            ("min", a, b),
            ("+", a, neg(("relu", ("+", a, neg(b))))),
            neg(("max", neg(a), neg(b))),
            ("*", F(1, 2), ("+", a, b, neg(("abs", ("+", a, neg(b)))))),
        ]
    return draw(st.sampled_from(options))


def _subtrees(t, path=()):
    yield path, t
    if t[0] not in ("x", "c"):
        for i in range(2 if t[0] == "*" else 1, len(t)):
            yield from _subtrees(t[i], (*path, i))


def _replace(t, path, new):
    if not path:
        return new
    i = path[0]
    return (*t[:i], _replace(t[i], path[1:], new), *t[i + 1 :])


@st.composite
def mutated(draw, t):
    """A mutant tree: one node shifted by a constant, its constant changed, or max/min, abs/relu swapped."""
    path, s = draw(st.sampled_from(list(_subtrees(t))))
    delta = draw(rationals(nonzero=True))
    options = [("+", s, ("c", delta))]
    if s[0] == "c":
        options.append(("c", s[1] + delta))
    if s[0] == "*":
        options.append(("*", s[1] + delta, s[2]))
    swap = {"max": "min", "min": "max", "abs": "relu", "relu": "abs"}
    if s[0] in swap:
        options.append((swap[s[0]], *s[1:]))
    return _replace(t, path, draw(st.sampled_from(options)))


def negated_unit(layers, k, j):
    """Unit j of hidden layer k with its incoming and outgoing weights negated (relu(-z) != -relu(z))."""
    layers = [([list(r) for r in W], list(b), list(a)) for W, b, a in layers]
    W, b, _ = layers[k]
    W[j] = [-w for w in W[j]]
    b[j] = -b[j]
    for row in layers[k + 1][0]:
        row[j] = -row[j]
    return layers


# ============================================================================ questions by kind


def bends(t) -> bool:
    """Whether the tree has a max/min/abs/relu of something that is not constant."""
    return (
        t[0] in ("max", "min", "abs", "relu")
        and any(_varies(a) for a in t[1:])
        or any(bends(a) for a in t[1:] if isinstance(a, tuple))
    )


def _varies(t) -> bool:
    return t[0] == "x" or (t[0] != "c" and any(_varies(a) for a in t[1:] if isinstance(a, tuple)))


# about half the questions are identities (how: identity, rewritten, copy), half mutants or others
HOW = ["identity", "mutant target", "identity", "mutant network", "other network"]
EXPR_HOW = ["mutant target", "identity", "rewritten", "mutant network", "other network", "mutant target"]


@st.composite
def expr_questions(draw):
    n = draw(st.integers(1, 3))
    outputs = draw(st.sampled_from([1, 1, 1, 2]))
    bending = expression_trees(n, max_leaves=8).filter(bends)
    trees = []
    for _ in range(outputs):  # a sum of 1 to 3 trees that bend (hypothesis favours small trees)
        terms = [draw(bending) for _ in range(draw(st.integers(1, 3)))]
        trees.append(terms[0] if len(terms) == 1 else ("+", *terms))
    how = draw(st.sampled_from(EXPR_HOW))
    targets = list(trees)
    layers = compile_trees(trees, n)
    if how == "rewritten":
        other = [draw(rewritten(t)) for t in trees]
        if draw(st.booleans()):
            targets = other
        else:
            layers = compile_trees(other, n)
    elif how == "mutant target":
        i = draw(st.integers(0, outputs - 1))
        targets[i] = draw(mutated(trees[i]))
    elif how == "mutant network":
        layers = draw(perturbed(layers))
    elif how == "other network":
        layers = draw(network_layers(input_dim=n, output_dim=outputs, activations="mixed"))
    texts = [tree_text(t) for t in targets]
    obj = texts[0] if outputs == 1 else texts
    if draw(st.booleans()):
        obj = formats_dict(n, "expr", obj)
    return Question(layers, Target("expr", targets, obj), draw(domains(n)), how)


@st.composite
def breakpoint_questions(draw):
    pts = draw(breakpoints(count=(3, 6)))
    how = draw(st.sampled_from(HOW))
    layers = compile_trees([hinge_tree(pts, left=draw(st.booleans()))], 1)
    if how == "mutant target":
        i = draw(st.integers(0, len(pts) - 1))
        pts = [(x, y + draw(rationals(nonzero=True)) if j == i else y) for j, (x, y) in enumerate(pts)]
    elif how == "mutant network":
        layers = draw(perturbed(layers))
    elif how == "other network":
        layers = draw(network_layers(input_dim=1))
    obj = formats_dict(1, "breakpoints", pts) if draw(st.booleans()) else PWL.from_breakpoints(pts)
    around = [[pts[0][0] - 1, pts[-1][0] + 1]]  # a domain that meets the breakpoints, or any
    domain = draw(st.one_of(domains(1, within=around), domains(1)))
    return Question(layers, Target("breakpoints", pts, obj), domain, how)


@st.composite
def pieces_questions(draw):
    n = draw(st.integers(1, 3))
    if n == 1 and draw(st.booleans()):
        pts = draw(breakpoints(count=(3, 6)))
        pieces = breakpoint_pieces(pts, vertices=draw(st.booleans()))
        tree = hinge_tree(pts, left=draw(st.booleans()))
    else:
        f = draw(max_affine(input_dim=n, count=(2, 4)))
        pieces = argmax_pieces(f)
        affines = [affine_tree(w, c) for w, c in f.maps]
        tree = ("*", F(f.sign), ("max", *affines) if len(affines) > 1 else affines[0])
    how = draw(st.sampled_from(HOW))
    layers = compile_trees([tree], n)
    if how == "mutant target":  # f + g for an affine g: the pieces stay continuous
        g = [draw(rationals()) for _ in range(n)]
        g0 = draw(rationals(nonzero=True)) if not any(g) else draw(rationals())
        pieces = [
            dict(p, w=[[str(F(v) + gi) for v, gi in zip(p["w"][0], g)]], c=[str(F(p["c"][0]) + g0)])
            for p in pieces
        ]
    elif how == "mutant network":
        layers = draw(perturbed(layers))
    elif how == "other network":
        layers = draw(network_layers(input_dim=n))
    obj = formats_dict(n, "pieces", pieces) if draw(st.booleans()) else PWL.from_pieces(pieces, n)
    return Question(layers, Target("pieces", pieces, obj), draw(domains(n)), how)


def affine_on_every_simplex(tri, a, beta) -> bool:
    """relu(a.x - beta) is affine on a simplex iff its vertices are all on one closed side."""
    for s in tri["simplices"]:
        sides = {(dot(a, tri["points"][i]) > beta) - (dot(a, tri["points"][i]) < beta) for i in s}
        if {1, -1} <= sides:
            return False
    return True


@st.composite
def triangulation_questions(draw):
    tri = draw(triangulations())
    points = tri["points"]
    n = len(points[0])
    bounds = [[min(p[i] for p in points), max(p[i] for p in points)] for i in range(n)]
    how = draw(st.sampled_from(HOW))
    if how == "other network":
        layers = draw(network_layers(input_dim=n))
    else:
        # h = affine + hinges along grid lines and diagonals that cut no simplex: h is affine on
        # every simplex, so the interpolant of h's vertex values is h on the whole union
        normals = [[F(int(i == j)) for j in range(n)] for i in range(n)]
        normals += [
            [F(int(k == i) - int(k == j)) for k in range(n)] for i, j in itertools.combinations(range(n), 2)
        ]
        hinges = []
        for a in normals:
            for beta in sorted({dot(a, p) for p in points}):
                cuts = min(dot(a, p) for p in points) < beta < max(dot(a, p) for p in points)
                if cuts and affine_on_every_simplex(tri, a, beta):
                    hinges.append((tuple(a), beta))
        chosen = (
            draw(st.lists(st.sampled_from(hinges), min_size=1, max_size=3, unique=True)) if hinges else []
        )
        w, c = [draw(rationals()) for _ in range(n)], draw(rationals())
        tree = (
            "+",
            affine_tree(w, c),
            *[("*", draw(rationals(nonzero=True)), ("relu", affine_tree(a, -beta))) for a, beta in chosen],
        )
        tri = dict(tri, values=[eval_tree(tree, p) for p in points])
        layers = compile_trees([tree], n)
        if how == "mutant target":
            i = draw(st.integers(0, len(points) - 1))
            tri["values"] = [
                v + draw(rationals(nonzero=True)) if j == i else v for j, v in enumerate(tri["values"])
            ]
        elif how == "mutant network":
            layers = draw(perturbed(layers))
    if draw(st.booleans()):
        obj = formats_dict(n, "triangulation", tri)
    else:
        obj = PWL.from_triangulation(tri["points"], tri["simplices"], tri["values"])
    return Question(layers, Target("triangulation", tri, obj), draw(domains(n, within=bounds)), how)


@st.composite
def network_questions(draw):
    acts = draw(st.sampled_from(["relu", "relu", "mixed"]))
    layers = draw(network_layers(width=(2, 4), output_dim=(1, 2), activations=acts))
    n = len(layers[0][0][0])
    how = draw(st.sampled_from(["mutant", "copy", "copy", "negated unit", "other network"]))
    if how == "copy":
        other = draw(reparametrised(layers))
    elif how == "mutant":
        other = draw(perturbed(layers))
    elif how == "negated unit" and len(layers) > 1:
        k = draw(st.integers(0, len(layers) - 2))
        relus = [j for j, a in enumerate(layers[k][2]) if a == "relu"]
        other = negated_unit(layers, k, draw(st.sampled_from(relus))) if relus else draw(perturbed(layers))
    else:
        how = "other network"
        other = draw(network_layers(input_dim=n, output_dim=len(layers[-1][1]), activations=acts))
    if draw(st.booleans()):
        layers, other = other, layers
    form = draw(st.sampled_from(["Network", "PWL", "dict"]))
    obj = network_of(other)
    if form == "PWL":
        obj = PWL.from_network(obj)
    elif form == "dict":
        obj = PWL.from_dict(json.loads(json.dumps(obj.to_dict())))
    return Question(layers, Target("network", other, obj), draw(domains(n)), how)


# ============================================================================ the tests


@evidence("expr")
@given(expr_questions())
def test_expression_targets(question):
    decide("expr", question)


@evidence("breakpoints")
@given(breakpoint_questions())
def test_breakpoint_targets(question):
    decide("breakpoints", question)


@evidence("pieces")
@given(pieces_questions())
def test_pieces_targets(question):
    decide("pieces", question)


@evidence("triangulation")
@given(triangulation_questions())
def test_triangulation_targets(question):
    decide("triangulation", question)


@evidence("network")
@given(network_questions())
def test_network_targets(question):
    v = decide("network", question)
    if not v.holds:  # simple inputs, simple witness; and inside a region of the target network too
        assert all(x.denominator <= 10**4 for x in v.counterexample.x), v.counterexample.x
        assert strictly_in_a_region(question.target.data, v.counterexample.x)


ANY_QUESTION = st.one_of(
    expr_questions(),
    breakpoint_questions(),
    pieces_questions(),
    triangulation_questions(),
    network_questions(),
)


@settings(evidence("network"), max_examples=40)
@given(ANY_QUESTION)
def test_z3_cross_check_agrees(question):
    # exactpwl's own second opinion (exactpwl.smt) must agree with certify (it raises otherwise),
    # and so with our z3
    decide("cross-check", question, cross_check="z3")


@settings(evidence("network"), max_examples=30)
@given(ANY_QUESTION, st.sampled_from(["highs", "exact-lp"]))
def test_backends_decide_alike(question, backend):
    decide("backends", question, backend=backend)


def test_volume_of_evidence():
    """At least 1,000 questions decided, each kind with both answers well represented."""
    ran = {kind for kind, c in EVIDENCE.items() if c}
    print(f"\n{'kind':<14}{'questions':>10}{'holds':>6}{'refuted':>8}{'seconds':>8}  regions  units  domains")
    for kind in [*PLAN, *sorted(ran - set(PLAN))]:
        c, st_ = EVIDENCE[kind], STATS[kind]
        total = c["holds"] + c["refuted"]
        if not total:
            continue
        regions = sorted(st_["regions"])
        domains_ = Counter(st_["domain"])
        print(
            f"{kind:<14}{total:>10}{c['holds']:>6}{c['refuted']:>8}{SECONDS[kind]:>8.1f}"
            f"  {regions[len(regions) // 2]:>3}/{regions[-1]:<4} {max(st_['units']):>5}"
            f"  R^n {domains_['R^n']}, box {domains_['box']}, A,b {domains_['A,b']}"
        )
        hows = ", ".join(
            f"{h} {HOLDS[kind][h]}/{k}" for h, k in sorted(c.items()) if h not in ("holds", "refuted")
        )
        print(f"{'':<14}holds/questions: {hows}")
    print("(regions: median/max regions of the questions that hold; units: most ReLU units in one network)")
    if not set(PLAN) <= ran:
        pytest.skip("run the whole module to count the evidence")
    for kind in PLAN:
        c = EVIDENCE[kind]
        total = c["holds"] + c["refuted"]
        assert total >= PLAN[kind]
        assert c["holds"] >= total // 4 and c["refuted"] >= total // 4, (kind, c)
    assert sum(c["holds"] + c["refuted"] for c in EVIDENCE.values()) >= 1000
