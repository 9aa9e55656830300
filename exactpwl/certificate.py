"""Writing a certificate (docs/certificate.md, version 2) for a claim that ``certify`` found to hold.

Untrusted, like the walk: it may use anything (the walked regions, exact polyhedra, LPs).  It
reuses the checker's ``Semantics`` to name regions by their labels, writes what it finds, and
lets the checker judge.  In particular it does not re-verify that the network's map equals the
target's on a region: a false "holds" (say, from a broken compiler) gives a certificate that
``exactpwl check`` rejects.

``pair_proofs`` also serves ``certify``'s validation of pieces targets: two pieces that both
hold at a point of the domain and differ there are bad input, and the error names that point.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from flint import fmpq, fmpq_mat, fmpz_mat

from . import lp
from .certificate_table import TableFacts
from .check import VERSION, Semantics, label_key
from .errors import InputError
from .numbers import format_number, primitive_row
from .polyhedron import describe, multipliers_on, redundancy_certificates
from .region_graph import Region, RegionGraph

if TYPE_CHECKING:
    from .verdict import Verdict

__all__ = ["write", "pair_proofs"]

FORMAT = "exactpwl.certificate"


def write(v: Verdict, compact: bool = True) -> dict:
    """The certificate of a verdict that holds: one region per label met by the enumeration."""
    g = v.graph
    dom_rows = list(g.domain.rows) if g.domain is not None else []  # with symmetry: the chamber's too
    claimed = v.symmetry.domain if v.symmetry is not None else g.domain  # the domain of the claim
    sem = Semantics(v.network, v.target, dom_rows)
    t = g.table
    todo = None  # the regions whose shared facet points are still to be left out
    if t is not None and t.vertices is not None and len(t) == len(g):
        regions, todo = _table_regions(sem, v.network, g, t, set(dom_rows), compact)
    else:
        regions = _walked_regions(sem, g, set(dom_rows), compact)
    cert: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "claim": "network == target on domain",
        "network": v.network.to_dict(),
        "target": v.target.data,
        "domain": None
        if claimed is None
        else {"A": [list(map(str, a)) for a, _ in claimed.rows], "b": [str(b) for _, b in claimed.rows]},
        "regions": regions,
    }
    if compact:
        _share_points(cert["regions"], todo)
    if v.target.pieces is not None:
        cert["pairs"] = v.pairs
    if v.symmetry is not None:
        cert["symmetry"] = v.symmetry.certificate()
    return cert


def _walked_regions(sem: Semantics, g: RegionGraph, domain: set, compact: bool) -> list[dict]:
    """The regions from the graph's ``Region`` objects and edges (the walk, or a table without
    vertices): one per label, its redundant rows proved on its vertices (PPL)."""
    labels: dict[str, list] = {}
    walked: dict[str, list[Region]] = {}
    for region in g:
        label = sem.label(region.interior_point)
        key = label_key(label)
        labels.setdefault(key, label)
        walked.setdefault(key, []).append(region)
    index = {key: i for i, key in enumerate(labels)}
    number = {r.pattern: index[key] for key, regs in walked.items() for r in regs}  # of each walked region
    out = []
    for key, label in labels.items():
        regs = walked[key]
        if len(regs) > 1:
            out.append(_region_of_label(sem, label, index, domain, compact))
            continue
        # the walk met the label in one region only: that region is the label's polyhedron, and
        # the walk knows its facets, a point in each, the region across and an interior point
        region = regs[0]
        facets: dict = dict.fromkeys(region.inequalities)  # domain facets need no point
        for q, d in g.graph[region.pattern].items():
            a, b = d["hyperplane"]  # the row of the side that found the edge; the other has (-a, -b)
            row = (a, b) if (a, b) in facets else (tuple(-v for v in a), -b)
            facets[row] = (number[q], [format_number(v) for v in d["point"]])
        rows, _, forms = sem.region(label)
        point = [format_number(v) for v in region.interior_point]
        out.append(_entry(sem, label, rows, forms, point, facets, {}, domain, compact))
    return out


def _table_regions(
    sem: Semantics, net: Any, g: RegionGraph, t: Any, domain: set, compact: bool
) -> tuple[list[dict], list[int] | None]:
    """The regions from a region table with vertices (``certificate_table``): no polyhedron
    computation for a region the table has whole, and none for a row that a simple vertex proves.
    Also the regions whose shared facet points ``_share_points`` still has to leave out."""
    facts = TableFacts.of(sem, net, t)
    if facts is None:  # numbers beyond int64: region by region
        return _walked_regions(sem, g, domain, compact), None
    keys = facts.keys()
    members: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        members.setdefault(key, []).append(i)
    index = {key: k for k, key in enumerate(members)}
    number = [index[key] for key in keys]
    single = [len(regs) == 1 for regs in members.values()]  # a label whose facet points are the table's
    out, todo = [], []
    for regs in members.values():
        i = regs[0]
        if len(regs) > 1:  # a label made of several table regions: their union is its polyhedron
            todo.append(len(out))
            facets, bases = facts.union(regs, number)
            rows = facts.rows(i)
            forms = None if facts.forms_none else []
            out.append(
                _entry(sem, facts.label(i), rows, forms, facts.points[i], facets, bases, domain, compact)
            )
            continue
        entry = facts.compact(i, number, single) if compact else None
        if entry is None:
            todo.append(len(out))
            rows = facts.rows(i)
            forms = None if facts.forms_none else []
            facets = facts.facets([i], number)
            bases = facts.implied_bases(i)
            entry = _entry(sem, facts.label(i), rows, forms, facts.points[i], facets, bases, domain, compact)
        out.append(entry)
    return out, todo


def _region_of_label(sem: Semantics, label: list, index: dict[str, int], domain: set, compact: bool) -> dict:
    """A label met in several regions: one exact double-description call finds its polyhedron's
    facets, a point in each and an interior point; the label across each facet is evaluated at
    ``point + e a``."""
    rows, _, forms = sem.region(label)
    desc = describe(rows, sem.n)
    if desc.interior is None:
        raise AssertionError(f"certificate: the region of label {label_key(label)} is not full-dimensional")
    facets: dict = {}
    for k, p in zip(desc.facets, desc.facet_points):
        r = rows[k]
        if r in domain:
            facets[r] = None
            continue
        key = label_key(sem.label(p, [list(r[0])]))
        if key not in index:  # the enumeration missed a region: an internal error, never a certificate
            raise AssertionError(f"certificate: across row {r} of {label_key(label)} lies {key}, not walked")
        facets[r] = (index[key], [format_number(v) for v in p])
    point = [format_number(v) for v in desc.interior]
    return _entry(sem, label, rows, forms, point, facets, {}, domain, compact)


def _entry(
    sem: Semantics,
    label: list,
    rows: list,
    target_forms: Any,
    point: list[str],
    facets: dict,
    bases: dict,
    domain: set,
    compact: bool = True,
) -> dict:
    """A label's region: witness, facets with the label across, proofs of the other rows.

    ``facets``: row -> (the region across, a point in the facet), None for the domain's.
    ``bases``: rows known to be implied by n facets (a simple vertex where they peak); the other
    rows that are neither facets nor the domain's get Farkas multipliers from ``polyhedron``.
    ``compact``: a row implied by linearly independent rows is named by those rows only
    (``implied``: the bases, and which basis implies each row), and the checker solves for the
    multipliers; otherwise (and for a dependent support) the multipliers are written out
    (``redundant``).
    """
    position = {r: i for i, r in enumerate(rows)}
    facet_rows = list(facets)
    missing = [r for r in facets if r not in position]
    if missing:
        raise AssertionError(f"certificate: facet {missing[0]} is not a row of label {label_key(label)}")
    implied = [r for r in rows if r not in domain and r not in facets]
    open_rows = [r for r in implied if r not in bases]
    proofs: dict = dict(zip(open_rows, redundancy_certificates(facet_rows, open_rows, sem.n)))
    for r, y in proofs.items():  # multipliers by row, as the bases are
        proofs[r] = {facet_rows[j]: v for j, v in y.items()}
    if not compact and bases:  # the multipliers on each basis, written out
        solved: list = [None] * len(implied)
        groups: dict[tuple, list[int]] = {}
        for k, r in enumerate(implied):
            if r in bases:
                groups.setdefault(bases[r], []).append(k)
        for basis, idx in groups.items():
            multipliers_on(list(range(len(basis))), list(basis), implied, idx, solved)
        for k, r in enumerate(implied):
            if r in bases:
                if solved[k] is None:
                    raise AssertionError(f"certificate: the basis of row {r} does not prove it")
                proofs[r] = {bases[r][j]: v for j, v in solved[k].items()}
    facet_out, redundant, basis_index, of = [], [], {}, []
    for r in rows:
        if r in domain:
            continue
        entry: dict[str, Any] = {"a": [str(v) for v in r[0]], "b": str(r[1])}
        if r in facets:
            if facets[r] is None:
                raise AssertionError(f"certificate: facet {r} of {label_key(label)} has no region across")
            across, p = facets[r]
            if compact:  # the checker derives the region's rows: name the facet by its place
                facet_out.append([position[r], across, p])
            else:
                entry.update(neighbour=across, point=p)
                facet_out.append(entry)
            continue
        if compact and r in bases:  # a simple vertex's facets: independent, the checker solves
            of.append(basis_index.setdefault(tuple(sorted(position[f] for f in bases[r])), len(basis_index)))
            continue
        y = proofs[r]
        support = tuple(sorted(position[f] for f in y))
        if compact and _independent([rows[j] for j in support]):  # the checker solves for y itself
            of.append(basis_index.setdefault(support, len(basis_index)))
        else:
            entry["multipliers"] = sorted([position[f], format_number(v)] for f, v in y.items())
            redundant.append(entry)
    out = {
        "pattern": label[0],
        "target": label[1],
        "point": point,
        "facets": facet_out,
        "redundant": redundant,
    }
    if of:
        out["implied"] = {"bases": [list(b) for b in basis_index], "of": of}
    if target_forms is None:  # pieces: the first full-dimensional piece whose rows are all the region's
        rowset = set(rows)
        out["piece"] = next(
            k
            for k, p in enumerate(sem.target.pieces)
            if p.rows is not None and all(r in rowset or (not any(r[0]) and r[1] >= 0) for r in p.rows)
        )
    return out


def _share_points(regions: list[dict], todo: Sequence[int] | None = None) -> None:
    """Compact facets ``[row, neighbour, point]``: the second region of two that share a facet
    leaves the point out when the first gave the same one (the checker takes it from there).
    ``todo``: the regions to look at (default all; the table route leaves out its own)."""
    for i in range(len(regions)) if todo is None else todo:
        for f in regions[i]["facets"]:
            q = f[1]
            if len(f) == 3 and q < i:
                back = next((b for b in regions[q]["facets"] if b[1] == i), None)
                if back is not None and len(back) == 3 and back[2] == f[2]:
                    del f[2]


def _independent(rows: Sequence[tuple]) -> bool:
    """The normals of ``rows`` are linearly independent (so the multipliers on them are unique)."""
    return fmpz_mat([list(a) for a, _ in rows]).rank() == len(rows)


def pair_proofs(sem: Semantics) -> list[dict]:
    """For every two pieces (and a degenerate simplex with itself): Farkas multipliers proving
    that they do not meet on the domain, or that they agree wherever both hold in it.

    Raises ``InputError`` naming a rational point of the domain where two pieces both hold and
    differ (the target is not a function there: bad input, not a refutation).
    """
    pieces = sem.target.pieces
    out = []
    for i in range(len(pieces)):
        for j in range(i if pieces[i].rows is None else i + 1, len(pieces)):
            rows, diff, to_x = sem.pair_system(i, j)
            y = lp.emptiness_certificate(rows)
            if y is not None:
                out.append({"pieces": [i, j], "empty": _multipliers(y)})
                continue
            proofs = []
            for d in diff:
                for sign in (1, -1):
                    goal = primitive_row([sign * v for v in d[:-1]], -sign * d[-1])
                    y = lp.redundancy_certificate([*rows, goal], len(rows))
                    if y is None:
                        raise InputError(_disagreement(sem, i, j, rows, goal, to_x))
                    proofs.append(_multipliers(y))
            out.append({"pieces": [i, j], "agree": proofs})
    return out


def _multipliers(y: dict) -> list:
    return [[j, format_number(v)] for j, v in sorted(y.items())]


def _disagreement(sem: Semantics, i: int, j: int, rows: list, goal: tuple, to_x: Sequence) -> str:
    """The message naming a point where pieces i and j both hold and differ (verified exactly)."""
    a, b = goal
    status, _, v = lp.exact_max([*rows, (a, b + 1)], len(a), a)  # capped: a point with a.v in (b, b + 1]
    if status != "optimal":
        raise AssertionError(
            f"pieces {i + 1} and {j + 1}: no point where they differ, yet no proof they agree"
        )
    vq = [fmpq(t.numerator, t.denominator) for t in v]
    x = [sum((c * t for c, t in zip(form, vq)), fmpq(0)) for form in to_x]
    pi, pj = sem.target.pieces[i], sem.target.pieces[j]
    X = fmpq_mat(len(x), 1, x)
    yi, yj = (pi.W * X + pi.c).entries(), (pj.W * X + pj.c).entries()
    if not (pi.contains(x) and pj.contains(x) and yi != yj and all(_holds(r, x) for r in sem.domain)):
        raise AssertionError(f"pieces {i + 1} and {j + 1}: the point found does not separate them")
    noun = "simplices" if sem.target.kind == "triangulation" else "pieces"
    show = ", ".join
    return (
        f"target: {noun} {i + 1} and {j + 1} both hold at ({show(format_number(t) for t in x)}) and disagree "
        f"there ({show(format_number(t) for t in yi)} against {show(format_number(t) for t in yj)})"
    )


def _holds(row: tuple, x: Sequence[fmpq]) -> bool:
    a, b = row
    return sum((ai * xi for ai, xi in zip(a, x)), fmpq(0)) <= b
