"""Independent re-verification of a certificate (docs/certificate.md, version 2).

The checker decides from the network's semantics and the target's own definition, in exact
rational arithmetic (python-flint ``fmpq``).  It imports the number layer, the network reader,
the expression parser and evaluator, and the target reader: no target compiler, no region
enumerator, no LP or polyhedra code.  It finds nothing; it only verifies.

A region of a certificate is named by its *label*: the network's activation pattern and the
target's *selection* -- the branch taken at every max/min/abs/relu node of an expression, the
segment between two kinks of a breakpoint function, the side of every hyperplane of the pieces,
or a target network's activation pattern.  ``Semantics`` computes the label at a point and the
rows and affine maps of a label; the certificate writer reuses it, and trusts nothing else.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flint import fmpq, fmpq_mat

from .errors import InputError
from .network import Network, unit_rows
from .numbers import int_texts, load_json, load_json_file, primitive_int_row, primitive_row, to_fmpq
from .pwl import PWL, segments
from .target_semantics import branch_form, branches, same_up_to_order

__all__ = [
    "CheckReport",
    "Semantics",
    "check_certificate",
    "label_key",
    "read_blocks",
    "generators",
    "chamber_rows",
    "cycle_text",
    "moved_row",
    "unit_map_error",
    "same_definition",
]

VERSION = 2
Row = tuple[tuple[int, ...], int]  # a.x <= b, primitive integers
Form = list[fmpq]  # a.x + c as [a1, ..., an, c]


@dataclass(frozen=True)
class CheckReport:
    """``valid`` is True when every claim checked out; otherwise ``reason`` says which did not."""

    valid: bool
    regions: int
    reason: str | None = None
    by_symmetry: bool = False  # the regions cover a chamber; the rest of the domain follows by symmetry


class _Reject(Exception):
    pass


def check_certificate(cert: Any) -> CheckReport:
    """Re-verify a certificate (a dict, JSON text, or a path); malformed input raises ``InputError``.

    >>> from exactpwl import Network, certify
    >>> net = Network.from_layers([([[1], [-1]], [0, 0]), ([[1, 1]], [0])])
    >>> cert = certify(net, "abs(x1)", {"box": [[-1, 1]]}).certificate()
    >>> check_certificate(cert).valid
    True
    >>> first = cert["regions"][0]
    >>> first["point"] = ["1/1000000"] if first["pattern"] == "01" else ["-1/1000000"]  # wrong side
    >>> check_certificate(cert).reason
    'region 1: the witness point does not have the claimed label'
    """
    data = _read(cert)
    regions = data.get("regions") if isinstance(data, dict) else None
    count = len(regions) if isinstance(regions, list) else 0
    try:
        checker = _Checker(data)
        checker.run()
    except _Reject as r:
        return CheckReport(False, count, str(r))
    return CheckReport(True, count, by_symmetry=checker.symmetry is not None)


def _read(cert: Any) -> dict:
    if isinstance(cert, dict):
        return cert
    if isinstance(cert, Path) or (isinstance(cert, str) and not cert.lstrip().startswith("{")):
        return _strings(load_json_file(cert))
    if isinstance(cert, str):
        return _strings(load_json(cert, "certificate"))
    raise InputError("certificate: expected a dict, JSON text or a path")


def _strings(d: Any) -> Any:
    """Parsed JSON decimals (fmpq) back to strings, so every number goes through one parser."""
    if isinstance(d, dict):
        return {k: _strings(v) for k, v in d.items()}
    if isinstance(d, list):
        return [_strings(v) for v in d]
    if type(d).__name__ == "fmpq":
        return str(d)
    return d


# ==================================================================== the semantics of a label
class Semantics:
    """Labels and their regions, read off the network and the target's own definition.

    Lexicographic rule: the label at ``x + t d1 + t^2 d2 + ...`` (t -> 0+) compares every
    quantity by its value at x, then its derivatives along d1, d2, ...; a ReLU (or abs, or side
    of a hyperplane) is "on" only when that vector is > 0, and a max/min takes the first argument
    attaining it.  ``region(label)`` gives the rows ``a.x <= b`` on which the label's choices hold
    (distinct, non-trivial, sorted; the domain's included) and the affine maps that the network and
    the target equal there (the target's is None for pieces: the region names its piece).
    """

    def __init__(self, net: Network, target: PWL, domain: Sequence[Row]):
        self.n = net.input_dim
        self.net = _Net(net)
        self.target = target
        self.domain = list(domain)
        self.tnet = _Net(target.network) if target.kind == "network" else None
        self.kinks, self.lines = segments(target.breakpoints) if target.kind == "breakpoints" else ([], [])
        self.cuts = target.cuts

    def label(self, x: Sequence[Any], directions: Sequence[Sequence[Any]] = ()) -> list:
        cols = [[to_fmpq(v) for v in c] for c in (x, *directions)]
        return [self.net.pattern(cols), self.selection(cols)]

    def selection(self, cols: list[list[fmpq]]) -> Any:
        """The target's part of the label at ``x + t d1 + ...`` (``cols = [x, d1, ...]``)."""
        t = self.target
        if t.kind == "expr":
            return [branches(e, cols) for e in t.exprs]
        if t.kind == "network":
            return self.tnet.pattern(cols)
        if t.kind == "breakpoints":  # the number of kinks k with x > k: the segment
            return sum(_positive(_along(((1,), k), cols)) for k in self.kinks)
        # pieces, triangulation: the side of every hyperplane (1: a.x > b)
        return "".join("1" if _positive(_along(r, cols)) else "0" for r in self.cuts)

    def region(self, label: list) -> tuple[list[Row], list[Form], list[Form] | None]:
        pattern, selection = label
        rows, net_forms = self.net.rows(pattern)
        more, target_forms = self.selection_rows(selection)
        rows |= more | set(self.domain)
        return sorted(r for r in rows if any(r[0]) or r[1] < 0), net_forms, target_forms

    def selection_rows(self, selection: Any) -> tuple[set[Row], list[Form] | None]:
        """The rows on which the target's choices hold, and the target's affine maps there."""
        t, n = self.target, self.n
        if t.kind == "expr":
            rows, forms = set(), []
            for e, choices in zip(t.exprs, selection):
                form, conds = branch_form(e, choices, n)  # conds: f(x) <= 0
                forms.append(form)
                rows.update(primitive_row(f[:n], -f[n]) for f in conds)
            return rows, forms
        if t.kind == "network":
            return self.tnet.rows(selection)
        if t.kind == "breakpoints":  # segment s: kink s-1 <= x <= kink s
            s, rows = selection, set()
            if s > 0:
                rows.add(primitive_row([-1], -self.kinks[s - 1]))
            if s < len(self.kinks):
                rows.add(primitive_row([1], self.kinks[s]))
            return rows, [list(self.lines[s])]
        return {
            (a, b) if bit == "0" else (tuple(-v for v in a), -b) for (a, b), bit in zip(self.cuts, selection)
        }, None

    def pair_system(self, i: int, j: int) -> tuple[list[Row], list[Form], list[list[fmpq]]]:
        """``x`` in piece i, piece j and the domain, as rows over variables v, with the value of
        piece i minus piece j (one form in v per output) and x as linear forms in v.

        A piece given by rows is written in x; a degenerate simplex in barycentric coordinates
        (x = V l, l >= 0, sum l = 1, value = values . l).  So v = x, v = l, or v = (l, m) with
        V_i l = V_j m as two rows per coordinate.  Row order: piece i's, piece j's, those
        equalities, the domain's.
        """
        n, ps = self.n, (self.target.pieces[i], self.target.pieces[j])
        bary = [k for k in (0, 1) if ps[k].rows is None]
        size = n if not bary else (n + 1) * len(bary)

        def put(coefs: Sequence[Any], at: int) -> list[fmpq]:
            v = [fmpq(0)] * size
            v[at : at + len(coefs)] = [to_fmpq(c) for c in coefs]
            return v

        at = {k: (n + 1) * bary.index(k) for k in bary}
        xs = {k: [put([vert[r] for vert in ps[k].vertices], at[k]) for r in range(n)] for k in bary}
        identity = [put([1], r) for r in range(n)]
        x = xs[bary[0]] if bary else identity

        def compose(a: Sequence[Any]) -> list[fmpq]:  # a.x as a form in v
            return [sum((ai * xr[c] for ai, xr in zip(a, x)), fmpq(0)) for c in range(size)]

        rows, values = [], []
        for k in (0, 1):
            p = ps[k]
            if p.rows is not None:
                rows += [primitive_row(compose(a), b) for a, b in p.rows]
                W = p.W.tolist()
                values.append([compose(W[o]) + [p.c[o, 0]] for o in range(p.W.nrows())])
            else:
                rows += [primitive_row(put([-1], at[k] + q), 0) for q in range(n + 1)]
                rows += [
                    primitive_row(put([1] * (n + 1), at[k]), 1),
                    primitive_row(put([-1] * (n + 1), at[k]), -1),
                ]
                values.append(
                    [put([val[o] for val in p.values], at[k]) + [fmpq(0)] for o in range(len(p.values[0]))]
                )
        if len(bary) == 2:
            for r in range(n):
                d = [u - w for u, w in zip(xs[0][r], xs[1][r])]
                rows += [primitive_row(d, 0), primitive_row([-u for u in d], 0)]
        rows += [primitive_row(compose(a), b) for a, b in self.domain]
        diff = [[u - w for u, w in zip(fi, fj)] for fi, fj in zip(*values)]
        return rows, diff, x


def _positive(v: Sequence[fmpq]) -> bool:
    """Lexicographically > 0: the first non-zero entry is positive."""
    for u in v:
        if u != 0:
            return u > 0
    return False


def _along(row: Row, cols: list[list[fmpq]]) -> list[fmpq]:
    """``a.x - b`` at x + t d1 + ... as the vector (value, derivative along d1, ...)."""
    a, b = row
    dots = [sum((ai * ci for ai, ci in zip(a, c) if ai), fmpq(0)) for c in cols]
    return [dots[0] - b, *dots[1:]]


class _Net:
    """A network's layers as exact ``[W | b]`` with their ReLU masks: its pattern at a point, and
    the rows and output forms of a pattern.

    A layer's pre-activations, as affine functions of x, depend only on the states of the earlier
    layers, so they are kept per prefix of the pattern (the regions of a certificate share them).
    """

    def __init__(self, net: Network):
        self.n = net.input_dim
        self.layers = [
            (fmpq_mat([[*row, L.biases[j, 0]] for j, row in enumerate(L.weights.tolist())]), L.relu)
            for L in net.layers
        ]
        self.weights = [L.weights.entries() for L in net.layers]
        w = self.n + 1
        self.biases = [
            fmpq_mat(
                L.units, w, [L.biases[j, 0] if k == self.n else 0 for j in range(L.units) for k in range(w)]
            )
            for L in net.layers
        ]
        self.offsets, k = [], 0
        for _, mask in self.layers:
            self.offsets.append(k)
            k += sum(mask)
        self.cache: dict[tuple, tuple] = {}

    def pattern(self, cols: list[list[fmpq]]) -> str:
        """Activation pattern at x + t d1 + t^2 d2 ... (cols = [x, d1, ...]), layer after layer."""
        m, n = len(cols), self.n
        ones = [1] + [0] * (m - 1)  # multiplies the bias column
        X = fmpq_mat(n + 1, m, [c[i] for i in range(n) for c in cols] + ones)
        bits = []
        for Wb, mask in self.layers:
            Z = (Wb * X).entries()
            if m == 1:  # at a point: the sign decides
                keep = [not relu or z > 0 for z, relu in zip(Z, mask)]
                bits += ["1" if on else "0" for on, relu in zip(keep, mask) if relu]
                X = fmpq_mat(len(mask) + 1, 1, [z if on else 0 for z, on in zip(Z, keep)] + ones)
                continue
            keep = []
            for j, relu in enumerate(mask):
                on = not relu or _positive(Z[j * m : (j + 1) * m])
                keep.append(on)
                if relu:
                    bits.append("1" if on else "0")
            X = fmpq_mat(len(mask) + 1, m, [v if keep[i // m] else 0 for i, v in enumerate(Z)] + ones)
        return "".join(bits)

    def rows(self, pattern: str) -> tuple[set[Row], list[Form]]:
        """Rows of a pattern (active unit: z >= 0; inactive: z <= 0) and the outputs' affine forms."""
        rows: set[Row] = set()
        Z = None  # the current layer's pre-activations [A | c]
        last = len(self.layers) - 1
        for depth, (Wb, mask) in enumerate(self.layers):
            key = (depth, pattern[: self.offsets[depth]])
            hit = self.cache.get(key) if depth < last else None
            if hit is None:
                Z = Wb if depth == 0 else self.pre(depth, Z, pattern)
                hit = (Z, self.unit_rows(Z, mask))
                if depth < last:
                    if len(self.cache) >= 512:
                        self.cache.clear()
                    self.cache[key] = hit
            Z, pairs = hit
            at = self.offsets[depth]
            rows.update(pair[bit == "1"] for pair, bit in zip(pairs, pattern[at : at + len(pairs)]))
        on = self.states(last, pattern)
        w = self.n + 1
        return rows, [[Z[i, k] if on[i] else fmpq(0) for k in range(w)] for i in range(Z.nrows())]

    def states(self, depth: int, pattern: str) -> list[bool]:
        """Which units of a layer pass their value on: linear units and active ReLUs."""
        bits = iter(pattern[self.offsets[depth] :])
        return [not relu or next(bits) == "1" for relu in self.layers[depth][1]]

    def pre(self, depth: int, Z: fmpq_mat, pattern: str) -> fmpq_mat:
        """Layer ``depth``'s pre-activations from the previous layer's: inactive units pass 0."""
        on = self.states(depth - 1, pattern)
        up = len(on)
        W = fmpq_mat(
            self.layers[depth][0].nrows(),
            up,
            [v if on[k % up] else 0 for k, v in enumerate(self.weights[depth])],
        )
        return W * Z + self.biases[depth]

    def unit_rows(self, Z: fmpq_mat, mask: Sequence[bool]) -> list[tuple[Row, Row]]:
        """Per ReLU unit of a layer with pre-activations Z: its row when inactive, when active."""
        return unit_rows(Z, mask, self.n)


# ==================================================================== the checks
class _Checker:
    def __init__(self, data: Any):
        if not isinstance(data, dict):
            raise InputError("certificate: expected a JSON object")
        version = data.get("version")
        if data.get("format") != "exactpwl.certificate" or type(version) is not int or version not in (1, 2):
            raise InputError("certificate: 'format' must be 'exactpwl.certificate' with 'version' 2")
        if version == 1:
            raise _Reject(
                "version 1 certificates relied on the compiled target program; certify again for version 2"
            )
        for key in ("claim", "network", "target", "domain", "regions"):
            if key not in data:
                raise InputError(f"certificate: missing {key!r}")
        if data["claim"] != "network == target on domain":
            raise InputError(f"certificate: unknown claim {data['claim']!r}")
        self.data = data
        self.net = Network.from_dict(data["network"], "certificate network")
        # no polyhedra code here: overlapping simplices are caught by the pairs below instead
        self.target = PWL.from_dict(data["target"], "certificate target", validate=False)
        self.n = self.net.input_dim
        if (self.target.input_dim, self.target.output_dim) != (self.n, self.net.output_dim):
            raise InputError("certificate: the target's input or output dimension differs from the network's")
        self.domain = self._domain(data["domain"])
        self.user_domain = self.domain
        self.symmetry = data.get("symmetry")
        if self.symmetry is not None:  # the regions cover the chamber of the blocks in the domain
            if not isinstance(self.symmetry, dict):
                raise InputError("certificate: 'symmetry' must be an object")
            self.blocks = read_blocks(self.symmetry.get("blocks"), self.n, "certificate symmetry")
            self.domain = self.domain + [r for r in chamber_rows(self.blocks, self.n) if r not in self.domain]
        self.sem = Semantics(self.net, self.target, self.domain)
        if not isinstance(data["regions"], list) or not data["regions"]:
            raise InputError("certificate: 'regions' must be a non-empty list")
        if any(not isinstance(r, dict) for r in data["regions"]):
            raise InputError("certificate: every region must be an object")
        self.regions = data["regions"]
        self.rows_of: dict[int, tuple] = {}  # region index -> Semantics.region of its label
        self.shape: Any = None  # the shape of a label (all labels have it)
        self.pairs = data.get("pairs")
        if (self.target.pieces is None) != (self.pairs is None) or not isinstance(self.pairs or [], list):
            raise InputError("certificate: 'pairs' must be a list for pieces and triangulations, else absent")

    def _domain(self, spec: Any) -> list[Row]:
        if spec is None:
            return []
        if not isinstance(spec, dict):
            raise InputError("certificate domain: expected null or an object")
        if set(spec) == {"box"}:
            bx = spec["box"]
            if not isinstance(bx, list) or len(bx) != self.n:
                raise InputError(f"certificate domain: 'box' must list {self.n} pairs [lo, hi]")
            rows = []
            for i, pair in enumerate(bx):
                if not isinstance(pair, list) or len(pair) != 2:
                    raise InputError(f"certificate domain: box entry {i + 1} must be a pair [lo, hi]")
                e = [int(k == i) for k in range(self.n)]
                rows.append(primitive_row(e, to_fmpq(pair[1], "domain box")))
                rows.append(primitive_row([-v for v in e], -to_fmpq(pair[0], "domain box")))
            return rows
        if set(spec) == {"A", "b"}:
            A, b = spec["A"], spec["b"]
            if not isinstance(A, list) or not isinstance(b, list) or len(A) != len(b):
                raise InputError("certificate domain: 'A' and 'b' must be lists of the same length")
            if any(not isinstance(a, list) or len(a) != self.n for a in A):
                raise InputError(f"certificate domain: every row of 'A' must have {self.n} entries")
            return [
                primitive_row([to_fmpq(v, "domain A") for v in a], to_fmpq(bi, "domain b"))
                for a, bi in zip(A, b)
            ]
        raise InputError("certificate domain: expected {'box': ...} or {'A': ..., 'b': ...}")

    def run(self) -> None:
        keys = [label_key([r.get("pattern"), r.get("target")]) for r in self.regions]
        if len(set(keys)) != len(keys):
            raise _Reject("two regions have the same label")
        for i, reg in enumerate(self.regions):
            self.check_region(i, reg, keys)
        if self.target.pieces is not None:
            self.check_pairs()
        if self.symmetry is not None:
            self.check_symmetry()

    # ---------------------------------------------------------------- symmetry (docs/certificate.md)
    def check_symmetry(self) -> None:
        """Network, target and domain are invariant under the generators of every block's group."""
        entries = self.symmetry.get("generators")
        if not isinstance(entries, list) or any(not isinstance(e, dict) for e in entries):
            raise InputError("certificate symmetry: 'generators' must be a list of objects")
        needed = generators(self.blocks, self.n)
        for k, image in enumerate(needed):
            name = f"generator {cycle_text(image)}"
            e = entries[k] if k < len(entries) else {}
            if e.get("permutation") != [v + 1 for v in image]:
                raise _Reject(f"symmetry: {name} is missing (the blocks need it as entry {k + 1})")
            if {moved_row(r, image) for r in self.user_domain} != set(self.user_domain):
                raise _Reject(f"symmetry: the domain is not invariant under {name}")
            self.check_network_invariance(name, image, e.get("network"))
            self.check_target_invariance(name, image, e.get("target"))
        if len(entries) != len(needed):
            raise _Reject(
                f"symmetry: the blocks have {len(needed)} generators, the certificate lists {len(entries)}"
            )

    def check_network_invariance(self, name: str, image: list[int], proof: Any) -> None:
        moved = self.net.permuted_inputs(image)
        if isinstance(proof, dict) and "units" in proof:
            why = unit_map_error(moved, self.net, proof["units"], proof.get("scales"))
            if why:
                raise _Reject(f"symmetry: {name} does not map the network onto itself ({why})")
        elif isinstance(proof, dict) and "regions" in proof:
            target = {"format": "exactpwl.pwl", "version": 1, "input_dim": self.n, "network": moved.to_dict()}
            self.nested(f"symmetry: {name}, net(sigma x) == net(x)", self.data["network"], target, proof)
        else:
            raise _Reject(f"symmetry: {name}: no proof that the network is invariant")

    def check_target_invariance(self, name: str, image: list[int], proof: Any) -> None:
        moved = self.target.permuted(image)
        if proof == "syntax":
            if not same_definition(moved, self.target):
                raise _Reject(f"symmetry: {name} does not map the target's definition onto itself")
        elif isinstance(proof, dict) and "units" in proof and self.target.kind == "network":
            why = unit_map_error(moved.network, self.target.network, proof["units"], proof.get("scales"))
            if why:
                raise _Reject(f"symmetry: {name} does not map the target network onto itself ({why})")
        elif isinstance(proof, dict) and "regions" in proof:
            # N == target (once), and N == target(sigma .): so target(sigma x) == target(x) on the domain
            tnet, sym = self.symmetry.get("target_network"), self.symmetry
            if not getattr(self, "target_network_checked", False):
                base = {"regions": sym.get("target_regions"), "pairs": sym.get("target_pairs")}
                self.nested("symmetry: the target network", tnet, self.data["target"], base)
                self.target_network_checked = True
            self.nested(f"symmetry: {name}, target(sigma x) == target(x)", tnet, moved.data, proof)
        else:
            raise _Reject(f"symmetry: {name}: no proof that the target is invariant")

    def nested(self, what: str, network: Any, target: Any, proof: dict) -> None:
        """Check the claim ``network == target`` on the certificate's domain from ``proof``'s regions."""
        d = {
            "format": "exactpwl.certificate",
            "version": VERSION,
            "claim": "network == target on domain",
            "network": network,
            "target": target,
            "domain": self.data["domain"],
            "regions": proof.get("regions"),
        }
        if proof.get("pairs") is not None:
            d["pairs"] = proof["pairs"]
        try:
            _Checker(d).run()
        except _Reject as r:
            raise _Reject(f"{what}: {r}") from None

    def region_rows(self, i: int, label: list) -> tuple[list[Row], list[Form], list[Form] | None]:
        """``Semantics.region`` of region i's label, kept: a neighbour's facet check reuses its rows."""
        if i not in self.rows_of:
            rows, net_forms, target_forms = self.sem.region(label)
            self.rows_of[i] = (rows, net_forms, target_forms, _row_matrix(rows, self.n))
        return self.rows_of[i][:3]

    def slacks(self, i: int, points: Sequence[Sequence[fmpq]], ones: Sequence[int]) -> list[list[fmpq]]:
        """``b - a.p`` (one) or ``-a.p`` (zero) for every row of region i (``region_rows`` first) and
        point p, as ``_at`` gives them."""
        return _at(self.rows_of[i][3], points, ones)

    def check_region(self, i: int, reg: dict, keys: list[str]) -> None:
        where = f"region {i + 1}"
        x = self.point(reg.get("point"), where)
        label = self.sem.label(x)
        if label_key(label) != keys[i]:
            if _shape([reg.get("pattern"), reg.get("target")]) != _shape(label):
                raise InputError(
                    f"certificate {where}: 'pattern' and 'target' are not shaped like {label_key(label)}"
                )
            raise _Reject(f"{where}: the witness point does not have the claimed label")
        self.shape = _shape(label)
        rows, net_forms, target_forms = self.region_rows(i, label)
        for key in ("facets", "redundant"):
            if not isinstance(reg.get(key, []), list):
                raise InputError(f"certificate {where}: {key!r} must be a list")
        entries = [self.facet_entry(f, i, where) for f in reg.get("facets", [])]
        facets = {self.facet_row(f, rows, where): f for f in entries}
        redundant = {self.row(f, where): f for f in reg.get("redundant", [])}
        listed = [r for r in rows if r not in self.domain and r in facets]
        points = [self.point(facets[r].get("point"), f"{where} facet") for r in listed]
        S = self.slacks(
            i, [x, *points], [1] * (1 + len(points))
        )  # S[j][k]: at point j (0: the witness), row k
        if not all(v > 0 for v in S[0]):
            raise _Reject(f"{where}: the witness point is not strictly inside the region")
        if target_forms is None:  # pieces: the region lies in the piece it names
            target_forms = self.piece_forms(where, reg.get("piece"), set(rows))
        if net_forms != target_forms:
            raise _Reject(f"{where}: the network's affine map differs from the target's here")
        # coverage: every row that is not the domain's is a facet with a neighbour, or implied
        position = {r: k for k, r in enumerate(rows)}
        for j, (r, p) in enumerate(zip(listed, points), start=1):
            slack = S[j]
            if slack[position[r]] != 0:
                raise _Reject(f"{where}: the facet point of row {_show(r)} is not on its hyperplane")
            if not all(v > 0 for k, v in enumerate(slack) if k != position[r]):
                raise _Reject(
                    f"{where}: the facet point of row {_show(r)} is not in the facet's relative interior"
                )
            self.check_neighbour(where, r, p, facets[r].get("neighbour"), keys)
        implied, named = [], []
        for r in rows:
            if r in self.domain or r in facets:
                continue
            if r in redundant:
                implied.append((r, redundant[r].get("multipliers"), position[r]))
            else:
                named.append(r)
        bad = _farkas_all(rows, implied)
        if bad is not None:
            k, why = bad
            raise _Reject(f"{where}: row {_show(implied[k][0])} is not proved redundant ({why})")
        self.check_implied(where, rows, named, reg.get("implied"))

    def check_implied(self, where: str, rows: list[Row], named: list[Row], spec: Any) -> None:
        """The compact redundancy proofs: ``named`` (the rows neither a facet, the domain's nor in
        ``redundant``, in order) are implied, each by the basis ``of`` names: rows with independent
        normals, on which the multipliers are unique, so the checker solves for them itself
        (``_solve_farkas``) and verifies them as it verifies written ones."""
        if spec is None:
            spec = {"bases": [], "of": []}
        if (
            not isinstance(spec, dict)
            or not isinstance(spec.get("bases"), list)
            or not isinstance(spec.get("of"), list)
        ):
            raise InputError(f"certificate {where}: 'implied' needs lists 'bases' and 'of'")
        bases, of = spec["bases"], spec["of"]
        if len(of) < len(named):
            r = named[len(of)]
            raise _Reject(f"{where}: row {_show(r)} is neither a facet with a neighbour nor proved redundant")
        if len(of) > len(named):
            raise _Reject(f"{where}: 'implied' names {len(of)} rows, but {len(named)} need a proof")
        position = {r: k for k, r in enumerate(rows)}
        goals: dict[int, list[int]] = {}
        for k, t in enumerate(of):
            if type(t) is not int or not 0 <= t < len(bases):
                raise _Reject(f"{where}: row {_show(named[k])} names no valid basis")
            goals.setdefault(t, []).append(k)
        for t, ks in goals.items():
            basis = bases[t]
            if (
                not isinstance(basis, list)
                or not basis
                or any(type(j) is not int or not 0 <= j < len(rows) for j in basis)
                or len(set(basis)) != len(basis)
            ):
                raise _Reject(f"{where}: basis {t} is not a list of distinct rows of the region")
            for k in ks:
                if position[named[k]] in basis:
                    raise _Reject(f"{where}: row {_show(named[k])} is named in its own basis")
            bad = _solve_farkas([rows[j] for j in basis], [named[k] for k in ks])
            if bad is not None:
                k, why = bad
                raise _Reject(f"{where}: row {_show(named[ks[k]])} is not proved redundant ({why})")

    def piece_forms(self, where: str, k: Any, rows: set[Row]) -> list[Form]:
        pieces = self.target.pieces
        if type(k) is not int or not 0 <= k < len(pieces) or pieces[k].rows is None:
            raise _Reject(f"{where}: 'piece' names no full-dimensional piece")
        p = pieces[k]
        if not all(r in rows or (not any(r[0]) and r[1] >= 0) for r in p.rows):
            raise _Reject(f"{where}: the region does not lie in piece {k + 1}")
        return [[*p.W.tolist()[o], p.c[o, 0]] for o in range(p.W.nrows())]

    def check_neighbour(self, where: str, r: Row, p: list[fmpq], q: Any, keys: list[str]) -> None:
        """The label at ``p + e a`` (e -> 0+, a the row's normal) is region q's label.

        Either ``p + e a`` lies strictly inside every row of q's region for all small e (then its
        label is q's: every choice's comparison is strict, and a choice whose quantity is constant
        is decided as at q's witness, where q's label is verified), or the label is computed.
        """
        if type(q) is not int or not 0 <= q < len(keys):
            raise _Reject(f"{where}: row {_show(r)} names no valid neighbour")
        a = r[0]
        reg = self.regions[q]
        label = [reg.get("pattern"), reg.get("target")]
        if _shape(label) == self.shape:
            try:
                rows = self.region_rows(q, label)[0]
            except (ValueError, IndexError):  # not a label of this network and target
                rows = None
            if rows is not None:
                S, D = self.slacks(q, [p, list(a)], [1, 0])  # D: -(c . a), > 0 when a points out of c
                if all(s > 0 or (s == 0 and d > 0) for s, d in zip(S, D)):
                    return
        if label_key(self.sem.label(p, [list(a)])) != keys[q]:
            raise _Reject(f"{where}: across row {_show(r)} lies another region than region {q + 1}")

    def check_pairs(self) -> None:
        """Every two pieces (a degenerate simplex also with itself) agree on the domain or do not meet."""
        entries = {}
        for e in self.pairs:
            ij = e.get("pieces") if isinstance(e, dict) else None
            if not isinstance(ij, list) or len(ij) != 2 or any(type(v) is not int for v in ij):
                raise InputError("certificate: every entry of 'pairs' needs 'pieces': [i, j]")
            entries[tuple(ij)] = e
        pieces, m = self.target.pieces, self.target.output_dim
        noun = "simplices" if self.target.kind == "triangulation" else "pieces"
        for i in range(len(pieces)):
            for j in range(i if pieces[i].rows is None else i + 1, len(pieces)):
                where = f"{noun} {i + 1} and {j + 1}"
                e = entries.get((i, j), {})
                rows, diff, _ = self.sem.pair_system(i, j)
                if "empty" in e:  # no x at all: the rows imply 0 <= -1
                    why = _farkas(rows, ((0,) * (len(diff[0]) - 1), -1), e["empty"])
                    if why:
                        raise _Reject(f"{where}: not proved disjoint on the domain ({why})")
                    continue
                proofs = e.get("agree")
                if not isinstance(proofs, list) or len(proofs) != 2 * m:
                    raise _Reject(f"{where}: no proof that they agree on the domain or do not meet there")
                for o in range(m):  # piece i - piece j <= 0 and >= 0 wherever both hold
                    for s, sign in enumerate((1, -1)):
                        d = [sign * v for v in diff[o]]
                        why = _farkas(rows, primitive_row(d[:-1], -d[-1]), proofs[2 * o + s])
                        if why:
                            raise _Reject(f"{where}: not proved equal on output {o + 1} ({why})")

    def point(self, v: Any, where: str) -> list[fmpq]:
        if not isinstance(v, list) or len(v) != self.n:
            raise InputError(f"certificate {where}: a point must list {self.n} numbers")
        return [to_fmpq(x, f"certificate {where}") for x in v]

    def facet_entry(self, f: Any, i: int, where: str) -> dict:
        """A facet as a dict: ``{"a", "b" | "row", "neighbour", "point"}``, or (compact) the list
        ``[row, neighbour]`` or ``[row, neighbour, point]``.  Without a point, the facet's point
        is the one region ``neighbour`` gives for its facet towards region i (two regions share
        at most one facet); it is checked here as any other."""
        if isinstance(f, list):
            if len(f) not in (2, 3):
                raise InputError(
                    f"certificate {where}: a facet list is [row, neighbour] or [row, neighbour, point]"
                )
            f = {"row": f[0], "neighbour": f[1], **({"point": f[2]} if len(f) == 3 else {})}
        if isinstance(f, dict) and f.get("point") is None:
            q = f.get("neighbour")
            p = self.point_towards(q, i) if type(q) is int and 0 <= q < len(self.regions) else None
            if p is None:
                raise _Reject(
                    f"{where}: a facet towards region {q} has no point, nor has region {q}'s facet back"
                )
            f = {**f, "point": p}
        return f

    def point_towards(self, q: int, i: int) -> Any:
        """The point of region q's facet whose neighbour is region i (None if there is none)."""
        for f in self.regions[q].get("facets") or []:
            if isinstance(f, list) and len(f) == 3 and f[1] == i:
                return f[2]
            if isinstance(f, dict) and f.get("neighbour") == i and f.get("point") is not None:
                return f["point"]
        return None

    def facet_row(self, f: Any, rows: list[Row], where: str) -> Row:
        """A facet's row: written out (``a``, ``b``), or ``row``, its place among the region's rows."""
        if isinstance(f, dict) and "row" in f:
            k = f["row"]
            if type(k) is not int or not 0 <= k < len(rows):
                raise _Reject(f"{where}: a facet names row {k!r}, not a row of the region")
            return rows[k]
        return self.row(f, where)

    def row(self, f: Any, where: str) -> Row:
        if not isinstance(f, dict) or not isinstance(f.get("a"), list) or len(f["a"]) != self.n:
            raise InputError(f"certificate {where}: a row needs 'a' with {self.n} entries and 'b'")
        ints = int_texts([*f["a"], f.get("b")])  # the usual case: integers, parsed fast
        if ints is not None:
            return primitive_int_row(ints[:-1], ints[-1])
        return primitive_row([to_fmpq(v, where) for v in f["a"]], to_fmpq(f.get("b"), where))


# ==================================================================== symmetry
def read_blocks(spec: Any, n: int, where: str = "symmetric_in") -> list[list[int]]:
    """Blocks of coordinates, 1-based in JSON (``[[1, 2, 3], [4, 5]]``), as 0-based lists.

    Each block has at least two coordinates and the blocks are disjoint.
    """
    if not isinstance(spec, list) or not spec:
        raise InputError(f"{where}: 'blocks' must be a non-empty list of lists of coordinates")
    seen: set[int] = set()
    out = []
    for b in spec:
        if not isinstance(b, list) or len(b) < 2 or any(type(i) is not int or not 1 <= i <= n for i in b):
            raise InputError(f"{where}: a block must list at least two coordinates among 1..{n}")
        if seen & set(b) or len(set(b)) != len(b):
            raise InputError(f"{where}: the blocks must be disjoint, each coordinate listed once")
        seen |= set(b)
        out.append([i - 1 for i in b])
    return out


def generators(blocks: Sequence[Sequence[int]], n: int) -> list[list[int]]:
    """Per block (b1, ..., bk): the transposition (b1 b2) and, for k > 2, the cycle (b1 b2 ... bk),
    as images (0-based): the permutation sends coordinate i to ``image[i]``.  They generate the
    symmetric group of the block."""
    out = []
    for b in blocks:
        swap = list(range(n))
        swap[b[0]], swap[b[1]] = b[1], b[0]
        out.append(swap)
        if len(b) > 2:
            cycle = list(range(n))
            for u, v in zip(b, [*b[1:], b[0]]):
                cycle[u] = v
            out.append(cycle)
    return out


def chamber_rows(blocks: Sequence[Sequence[int]], n: int) -> list[Row]:
    """The chamber: ``x_b1 >= x_b2 >= ... >= x_bk`` for every block, as rows ``x_v - x_u <= 0``."""
    rows = []
    for b in blocks:
        for u, v in zip(b, b[1:]):
            a = [0] * n
            a[u], a[v] = -1, 1
            rows.append((tuple(a), 0))
    return rows


def cycle_text(image: Sequence[int]) -> str:
    """``(x1 x2)(x3 x4 x5)``: the cycles of i -> image[i], fixed points left out."""
    out, seen = [], set()
    for i in range(len(image)):
        if i in seen or image[i] == i:
            continue
        cyc, j = [], i
        while j not in seen:
            seen.add(j)
            cyc.append(f"x{j + 1}")
            j = image[j]
        out.append("(" + " ".join(cyc) + ")")
    return "".join(out) or "()"


def moved_row(row: Row, image: Sequence[int]) -> Row:
    """The row of ``{x : y satisfies row}``, ``y_i = x_{image[i]}``: coefficient i moves to ``image[i]``."""
    a, b = row
    out = [0] * len(a)
    for i, v in enumerate(a):
        out[image[i]] = v
    return tuple(out), b


def unit_map_error(A: Network, B: Network, units: Any, scales: Any = None) -> str | None:
    """None when the unit maps prove ``A(x) == B(x)`` for every x in R^n; otherwise what fails.

    ``units[l][j]`` names the unit of B's hidden layer l that unit j of A's equals times
    ``scales[l][j] > 0`` (1 when ``scales`` or ``scales[l]`` is None).  Checked layer by layer: unit j
    of A and unit ``pi(j)`` of B have the same activation; A's weights times the previous layer's
    scales, moved by the previous layer's map, are the scale times B's (bias likewise); the output
    layer is the same.  By induction ``h^A_lj(x) = lambda_lj h^B_l,pi(j)(x)`` (relu(c z) = c relu(z),
    c > 0), so the outputs are equal.
    """
    hidden = len(A.layers) - 1
    if A.architecture != B.architecture:
        return "the architectures differ"
    if not isinstance(units, list) or len(units) != hidden:
        raise InputError(
            f"certificate symmetry: 'units' must list one permutation per hidden layer ({hidden})"
        )
    if scales is not None and (not isinstance(scales, list) or len(scales) != hidden):
        raise InputError(f"certificate symmetry: 'scales' must list one entry per hidden layer ({hidden})")
    prev_pi: list[int] = list(range(A.input_dim))
    prev_lam: list[fmpq] | None = None  # None: all 1
    for depth, (LA, LB) in enumerate(zip(A.layers, B.layers)):
        m = LA.units
        if depth == hidden:
            pi, lam = list(range(m)), None
        else:
            pi = units[depth]
            if (
                not isinstance(pi, list)
                or sorted(pi) != list(range(m))
                or any(type(v) is not int for v in pi)
            ):
                raise InputError(
                    f"certificate symmetry: layer {depth + 1}: the units must be a permutation of 0..{m - 1}"
                )
            s = None if scales is None else scales[depth]
            if s is not None and (not isinstance(s, list) or len(s) != m):
                raise InputError(
                    f"certificate symmetry: the scales of layer {depth + 1} must list {m} numbers"
                )
            lam = None if s is None else [to_fmpq(v, "certificate symmetry scale") for v in s]
            if lam is not None and any(v <= 0 for v in lam):
                return f"layer {depth + 1}: a scale is not positive"
        WA, WB = LA.weights.tolist(), LB.weights.tolist()
        for k in range(m):
            where = f"layer {depth + 1}, unit {k + 1} (as unit {pi[k] + 1})"
            if LA.relu[k] != LB.relu[pi[k]]:
                return f"{where}: the activations differ"
            c = fmpq(1) if lam is None else lam[k]
            row = WA[k] if prev_lam is None else [w * u for w, u in zip(WA[k], prev_lam)]
            target = WB[pi[k]]
            if any(w != c * target[prev_pi[j]] for j, w in enumerate(row)):
                return f"{where}: the weights differ"
            if LA.biases[k, 0] != c * LB.biases[pi[k], 0]:
                return f"{where}: the biases differ"
        prev_pi, prev_lam = pi, lam
    return None


def same_definition(t: PWL, u: PWL) -> bool:
    """True when two targets have the same definition up to the order of the arguments of every
    sum, max and min (expressions), of the pieces, or of the simplices: then they are one function."""
    if t.kind != u.kind or t.output_dim != u.output_dim:
        return False
    if t.kind == "expr":
        return len(t.exprs) == len(u.exprs) and all(same_up_to_order(e, f) for e, f in zip(t.exprs, u.exprs))
    if t.kind == "pieces":
        return {_piece_key(p) for p in t.pieces} == {_piece_key(p) for p in u.pieces}
    if t.kind == "triangulation":
        return {frozenset(zip(p.vertices, p.values)) for p in t.pieces} == {
            frozenset(zip(p.vertices, p.values)) for p in u.pieces
        }
    return False


def _piece_key(p: Any) -> tuple:
    return frozenset(p.rows), tuple(map(str, p.W.entries())), tuple(map(str, p.c.entries()))


def _row_matrix(rows: Sequence[Row], n: int) -> fmpq_mat:
    """The rows ``a.x <= b`` as the matrix ``[-a | b]`` (one row each)."""
    return fmpq_mat(len(rows), n + 1, [v for a, b in rows for v in (*(-c for c in a), b)])


def _at(R: fmpq_mat, points: Sequence[Sequence[fmpq]], ones: Sequence[int]) -> list[list[fmpq]]:
    """``R [p; one]`` for every point p (one exact matrix product), point by point: with one = 1 the
    slacks ``b - a.p``, with one = 0 the directional ``-a.p``."""
    k = len(points)
    if R.nrows() == 0:
        return [[] for _ in points]
    n = R.ncols() - 1
    X = fmpq_mat(n + 1, k, [p[i] for i in range(n) for p in points] + list(ones))
    S = (R * X).entries()
    return [S[t::k] for t in range(k)]


def _farkas_all(rows: list[Row], goals: Sequence[tuple[Row, Any, int | None]]) -> tuple[int, str] | None:
    """``_farkas`` for many goals ``(goal, ys, skip)`` at once: one product of the multipliers with
    the rows they name.  None when every proof holds; else (the first failing goal, what is wrong)."""
    ys_all, used = [], {}
    for k, (_, ys, skip) in enumerate(goals):
        if not isinstance(ys, list) or any(
            not isinstance(t, list) or len(t) != 2 or type(t[0]) is not int for t in ys
        ):
            return k, "malformed multipliers"
        parsed = []
        for j, y in ys:
            y = to_fmpq(y, "certificate multiplier")
            if not 0 <= j < len(rows) or j == skip or y < 0:
                return k, f"invalid multiplier [{j}, {y}]"
            parsed.append((used.setdefault(j, len(used)), y))
        ys_all.append(parsed)
    if not goals:
        return None
    n = len(goals[0][0][0])
    Y = fmpq_mat(len(goals), max(len(used), 1))
    for k, parsed in enumerate(ys_all):
        for c, y in parsed:
            Y[k, c] += y
    order = sorted(used, key=used.__getitem__)
    A = fmpq_mat(
        max(len(used), 1), n + 1, [v for j in order for v in (*rows[j][0], rows[j][1])] or [0] * (n + 1)
    )
    C = (Y * A).entries()
    for k, (goal, _, _) in enumerate(goals):
        combo = C[k * (n + 1) : (k + 1) * (n + 1)]
        if combo[:n] != list(goal[0]) or not combo[n] <= goal[1]:
            return k, "the multipliers do not add up"
    return None


def _solve_farkas(basis: list[Row], goals: list[Row]) -> tuple[int, str] | None:
    """Each goal ``a.x <= b`` as ``sum y_j (basis row j)`` with ``y_j >= 0`` and ``sum y_j b_j <= b``,
    the ``y`` solved for exactly: the basis normals must be independent (then ``y`` is unique,
    found on k columns where they are, and checked on all).  None when all hold; else (the
    first failing goal, what is wrong)."""
    k, n = len(basis), len(basis[0][0])
    M = fmpq_mat(k, n, [v for a, _ in basis for v in a])
    R, rank = M.rref()
    if rank != k:
        return 0, "its basis rows are not independent"
    cols = [next(c for c in range(n) if R[i, c] != 0) for i in range(k)]
    sub = fmpq_mat(k, k, [M[i, c] for i in range(k) for c in cols])
    G = fmpq_mat(len(goals), n, [v for a, _ in goals for v in a])
    Y = fmpq_mat(len(goals), k, [G[g, c] for g in range(len(goals)) for c in cols]) * sub.inv()
    back = Y * M
    for g, (a, b) in enumerate(goals):
        y = [Y[g, i] for i in range(k)]
        if any(v < 0 for v in y):
            return g, "a multiplier on its basis is negative"
        if [back[g, c] for c in range(n)] != list(a):
            return g, "its basis does not span it"
        if not sum((v * bj for v, (_, bj) in zip(y, basis)), fmpq(0)) <= b:
            return g, "the multipliers do not add up"
    return None


def _farkas(rows: list[Row], goal: Row, ys: Any, skip: int | None = None) -> str | None:
    """None when ``ys = [[j, y_j], ...]`` (y_j >= 0, j != skip) proves that the rows imply the goal
    ``a.x <= b``: ``sum y_j a_j = a`` and ``sum y_j b_j <= b``.  Otherwise what is wrong."""
    bad = _farkas_all(rows, [(goal, ys, skip)])
    return None if bad is None else bad[1]


def label_key(label: Any) -> str:
    """A label as canonical text (labels are compared and looked up by it)."""
    return json.dumps(label, separators=(",", ":"))


def _shape(v: Any) -> Any:
    """A label's shape: lengths and types, not values; another shape is malformed input."""
    if isinstance(v, list):
        return [_shape(u) for u in v]
    if isinstance(v, str):
        return len(v), set(v) <= {"0", "1"}
    return type(v).__name__


def _slack(r: Row, x: Sequence[fmpq]) -> fmpq:
    a, b = r
    return b - sum((ai * xi for ai, xi in zip(a, x) if ai), fmpq(0))


def _show(r: Row) -> str:
    return json.dumps({"a": list(r[0]), "b": r[1]})
