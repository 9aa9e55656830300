"""Independent re-verification of a certificate (docs/certificate.md).

This module re-checks every claim written in a certificate in exact rational arithmetic
(python-flint ``fmpq``).  It imports the number layer, the network and target readers and the target
compiler, and nothing of the region enumerator or of any LP code: it finds nothing, it only
verifies.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flint import fmpq, fmpq_mat

from .errors import InputError
from .network import Network
from .numbers import load_json, load_json_file, primitive_row, to_fmpq
from .pwl import PWL, joint_program

__all__ = ["CheckReport", "check_certificate"]

Row = tuple[tuple[int, ...], int]


@dataclass(frozen=True)
class CheckReport:
    """``valid`` is True when every claim checked out; otherwise ``reason`` says which did not."""

    valid: bool
    regions: int
    reason: str | None = None


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
    'region 1: the witness point is not strictly inside the region'
    """
    data = _read(cert)
    checker = _Checker(data)
    try:
        checker.run()
    except _Reject as r:
        return CheckReport(False, len(checker.regions), str(r))
    return CheckReport(True, len(checker.regions))


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


def _q(v: Any, where: str) -> fmpq:
    return to_fmpq(v, where)


class _Checker:
    def __init__(self, data: Any):
        if not isinstance(data, dict):
            raise InputError("certificate: expected a JSON object")
        version = data.get("version")
        if data.get("format") != "exactpwl.certificate" or type(version) is not int or version != 1:
            raise InputError("certificate: 'format' must be 'exactpwl.certificate' with 'version' 1")
        for key in ("claim", "network", "target", "domain", "program_neurons", "regions"):
            if key not in data:
                raise InputError(f"certificate: missing {key!r}")
        if data["claim"] != "network == target on domain":
            raise InputError(f"certificate: unknown claim {data['claim']!r}")
        self.net = Network.from_dict(data["network"], "certificate network")
        # no polyhedra code here: overlapping pieces are caught per region below instead
        self.target = PWL.from_dict(data["target"], "certificate target", validate=False)
        prog = joint_program(self.net, self.target)
        self.pieces = prog.pieces
        self.n = self.net.input_dim
        self.domain = self._domain(data["domain"])
        # the program's layers: ([W | b], relu mask), exact fmpq matrices
        self.layers = [
            (fmpq_mat([[*L.weights.tolist()[j], L.biases[j, 0]] for j in range(L.units)]), L.relu)
            for L in prog.network.layers
        ]
        self.neurons = sum(sum(mask) for _, mask in self.layers)
        if data["program_neurons"] != self.neurons:
            raise InputError(
                f"certificate: program_neurons is {data['program_neurons']}, the program has {self.neurons}"
            )
        if not isinstance(data["regions"], list) or not data["regions"]:
            raise InputError("certificate: 'regions' must be a non-empty list")
        self.regions = data["regions"]

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
                lo, hi = pair
                e = [0] * self.n
                e[i] = 1
                rows.append(primitive_row(e, _q(hi, "domain box")))
                rows.append(primitive_row([-v for v in e], -_q(lo, "domain box")))
            return rows
        if set(spec) == {"A", "b"}:
            A, b = spec["A"], spec["b"]
            if not isinstance(A, list) or not isinstance(b, list) or len(A) != len(b):
                raise InputError("certificate domain: 'A' and 'b' must be lists of the same length")
            if any(not isinstance(a, list) or len(a) != self.n for a in A):
                raise InputError(f"certificate domain: every row of 'A' must have {self.n} entries")
            return [
                primitive_row([_q(v, "domain A") for v in a], _q(b, "domain b"))
                for a, b in zip(spec["A"], spec["b"])
            ]
        raise InputError("certificate domain: expected {'box': ...} or {'A': ..., 'b': ...}")

    # ---------------------------------------------------------------- the program, exactly
    def pattern_at(self, x: Sequence[fmpq], directions: Sequence[Sequence[Any]] = ()) -> str:
        """Pattern at x + e d1 + e^2 d2 ... for small e > 0 (value first, then derivatives)."""
        cols = [list(x), *[list(d) for d in directions]]
        m = len(cols)
        ones = [1] + [0] * (m - 1)  # multiplies the bias column
        X = fmpq_mat(self.n + 1, m, [c[i] for i in range(self.n) for c in cols] + ones)
        bits = []
        for Wb, mask in self.layers:
            Z = (Wb * X).entries()
            keep = []
            for j, relu in enumerate(mask):
                if not relu:
                    keep.append(True)
                    continue
                first = next((v for v in Z[j * m : (j + 1) * m] if v != 0), 0)
                keep.append(first > 0)
                bits.append("1" if first > 0 else "0")
            X = fmpq_mat(len(mask) + 1, m, [v if keep[i // m] else 0 for i, v in enumerate(Z)] + ones)
        return "".join(bits)

    def maps(self, pattern: str) -> tuple[list[Row], list[tuple[list[fmpq], fmpq]]]:
        """The rows of the pattern's polyhedron (primitive, distinct, sorted) and the output maps."""
        n = self.n
        # M: the current layer's values as affine functions [A | c] of x, plus the row [0 | 1]
        M = fmpq_mat(n + 1, n + 1)
        for i in range(n + 1):
            M[i, i] = 1
        rows: set[Row] = set()
        t = 0
        for Wb, mask in self.layers:
            Z = Wb * M
            ent = Z.entries()
            keep = []
            for j, relu in enumerate(mask):
                if not relu:
                    keep.append(True)
                    continue
                a, c = ent[j * (n + 1) : j * (n + 1) + n], ent[j * (n + 1) + n]
                on = pattern[t] == "1"
                t += 1
                # active: a.x + c >= 0, i.e. -a.x <= c; inactive: a.x <= -c
                r = primitive_row([-v for v in a], c) if on else primitive_row(a, -c)
                if any(r[0]) or r[1] < 0:
                    rows.add(r)
                keep.append(on)
            w = n + 1
            M = fmpq_mat(
                len(mask) + 1, w, [v if keep[i // w] else 0 for i, v in enumerate(ent)] + [0] * n + [1]
            )
        rows.update(r for r in self.domain if any(r[0]) or r[1] < 0)
        outs = [([M[i, k] for k in range(n)], M[i, n]) for i in range(M.nrows() - 1)]
        return sorted(rows), outs

    # ---------------------------------------------------------------- the checks
    def run(self) -> None:
        patterns = []
        for i, reg in enumerate(self.regions):
            p = reg.get("pattern") if isinstance(reg, dict) else None
            if not isinstance(p, str) or len(p) != self.neurons or set(p) - {"0", "1"}:
                raise InputError(
                    f"certificate region {i + 1}: 'pattern' must be {self.neurons} characters 0/1"
                )
            patterns.append(p)
        if len(set(patterns)) != len(patterns):
            raise _Reject("two regions have the same pattern")
        for i, reg in enumerate(self.regions):
            self.check_region(i, reg, patterns)

    def check_region(self, i: int, reg: dict, patterns: list[str]) -> None:
        where = f"region {i + 1}"
        pattern = reg["pattern"]
        x = self.point(reg.get("point"), where)
        rows, outs = self.maps(pattern)
        if not all(_slack(r, x) > 0 for r in rows):
            raise _Reject(f"{where}: the witness point is not strictly inside the region")
        if self.pattern_at(x) != pattern:
            raise _Reject(
                f"{where}: the witness point does not have the claimed pattern (or lies on a boundary)"
            )
        # the claim on the region
        if self.pieces is None:
            if any(any(a) or c for a, c in outs):
                raise _Reject(f"{where}: network - target is not identically zero here")
        else:
            k = reg.get("piece")
            if not isinstance(k, int) or isinstance(k, bool) or not 0 <= k < len(self.pieces):
                raise _Reject(f"{where}: no valid 'piece' index")
            piece = self.pieces[k]
            if not all(_slack(r, x) > 0 for r in piece.rows):
                raise _Reject(f"{where}: the witness point is not strictly inside piece {k + 1}")
            for j, other in enumerate(self.pieces):  # the target must be one function here
                if all(_slack(r, x) >= 0 for r in other.rows) and (other.W, other.c) != (piece.W, piece.c):
                    raise _Reject(f"{where}: pieces {k + 1} and {j + 1} overlap here with different maps")
            for o, (a, c) in enumerate(outs):
                wa = [piece.W[o, j] for j in range(self.n)]
                if wa != a or piece.c[o, 0] != c:
                    raise _Reject(f"{where}: the network differs from piece {k + 1} here")
        # coverage: every row that is not the domain's is a facet with a neighbour, or implied
        domain = set(self.domain)
        for key in ("facets", "redundant"):
            if not isinstance(reg.get(key, []), list):
                raise InputError(f"certificate {where}: {key!r} must be a list")
        facets = {self.row(f, where): f for f in reg.get("facets", [])}
        redundant = {self.row(f, where): f for f in reg.get("redundant", [])}
        for r in rows:
            if r in domain:
                continue
            if r in facets:
                self.check_facet(where, r, rows, facets[r], patterns)
            elif r in redundant:
                self.check_redundant(where, r, rows, redundant[r])
            else:
                raise _Reject(
                    f"{where}: row {_show(r)} is neither a facet with a neighbour nor proved redundant"
                )

    def check_facet(self, where: str, r: Row, rows: list[Row], f: dict, patterns: list[str]) -> None:
        p = self.point(f.get("point"), f"{where} facet")
        if _slack(r, p) != 0:
            raise _Reject(f"{where}: the facet point of row {_show(r)} is not on its hyperplane")
        if not all(_slack(o, p) > 0 for o in rows if o != r):
            raise _Reject(
                f"{where}: the facet point of row {_show(r)} is not in the facet's relative interior"
            )
        q = f.get("neighbour")
        if not isinstance(q, int) or isinstance(q, bool) or not 0 <= q < len(patterns):
            raise _Reject(f"{where}: row {_show(r)} names no valid neighbour")
        if self.pattern_at(p, [list(r[0])]) != patterns[q]:
            raise _Reject(f"{where}: across row {_show(r)} lies another region than region {q + 1}")

    def check_redundant(self, where: str, r: Row, rows: list[Row], f: dict) -> None:
        ys = f.get("multipliers")
        if not isinstance(ys, list) or not ys:
            raise _Reject(f"{where}: row {_show(r)} has no multipliers")
        combo = [fmpq(0)] * self.n
        rhs = fmpq(0)
        for item in ys:
            if not isinstance(item, list) or len(item) != 2 or not isinstance(item[0], int):
                raise _Reject(f"{where}: malformed multiplier for row {_show(r)}")
            j, y = item[0], _q(item[1], f"{where} multiplier")
            if not 0 <= j < len(rows) or rows[j] == r or y < 0:
                raise _Reject(f"{where}: invalid multiplier for row {_show(r)}")
            a, b = rows[j]
            for k in range(self.n):
                combo[k] += y * a[k]
            rhs += y * b
        if combo != [fmpq(v) for v in r[0]] or rhs > r[1]:
            raise _Reject(f"{where}: the multipliers do not prove row {_show(r)} redundant")

    def point(self, v: Any, where: str) -> list[fmpq]:
        if not isinstance(v, list) or len(v) != self.n:
            raise InputError(f"certificate {where}: a point must list {self.n} numbers")
        return [_q(x, f"certificate {where}") for x in v]

    def row(self, f: Any, where: str) -> Row:
        if not isinstance(f, dict) or not isinstance(f.get("a"), list) or len(f["a"]) != self.n:
            raise InputError(f"certificate {where}: a row needs 'a' with {self.n} entries and 'b'")
        return primitive_row([_q(v, where) for v in f["a"]], _q(f.get("b"), where))


def _slack(r: Row, x: Sequence[fmpq]) -> fmpq:
    a, b = r
    s = fmpq(b)
    for ai, xi in zip(a, x):
        if ai:
            s -= ai * xi
    return s


def _show(r: Row) -> str:
    return json.dumps({"a": list(r[0]), "b": r[1]})
