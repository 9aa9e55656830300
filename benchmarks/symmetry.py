"""Benchmark: certification through symmetry (issue 14) against the whole space, max of 4, 5, 6.

Cases (each network computes max(x1, ..., xn); the target is the expression):

* ``max4``: 4-14-9-1, S4-symmetric unit by unit: max(M_ab, M_cd) over the three pairings, every
  pairwise maximum written equivariantly over relu(x_a - x_b) and relu(+-s) (``max4_layers``);
* ``max5``: R20 (``exactpwl.construct.max5``), 5-12-11-1, symmetric in (x1 x2) and (x3 x4) only;
* ``max6``: R21 (``exactpwl.construct.max6``), 6-32-1622-1, S6-symmetric.

Per case and mode (``symmetry``: ``certify(..., symmetric_in=blocks)``, on the chamber; ``whole``:
plain ``certify`` on R^n), in this process one after the other: regions walked, ``certify s``,
``Verdict.certificate()`` and its JSON size, and ``check_certificate`` on it (``check s``, which
must say valid).  ``whole/sym`` is the ratio of certify seconds.  The whole-space run of max6 (about
2.4 million regions, PAPER.md R21) is capped by ``--whole-cap`` regions and reported as a lower
bound.

Run from the repository root::

    python benchmarks/symmetry.py               # max of 4, 5, 6 (max6 whole space capped)
    python benchmarks/symmetry.py --cases max4 max5
    python benchmarks/certify.py --symmetry     # the same, from the certify benchmark
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from fractions import Fraction

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from exactpwl import certify  # noqa: E402
from exactpwl.check import check_certificate  # noqa: E402
from exactpwl.network import Network  # noqa: E402

CASES = ("max4", "max5", "max6")


def _x(n: int, i: int) -> list[Fraction]:
    """x_i over the units relu(x_a - x_b) (a != b), relu(s), relu(-s)."""
    pairs = [(a, b) for a in range(n) for b in range(n) if a != b]
    v = [Fraction(0)] * (len(pairs) + 2)
    v[-2], v[-1] = Fraction(1, n), Fraction(-1, n)
    for k, (a, b) in enumerate(pairs):
        v[k] += Fraction(1, n) * ((a == i) - (b == i))
    return v


def max4_layers() -> list:
    """max(x1..x4) = (1/3) sum over pairings of (P + Q)/2 + (relu(P - Q) + relu(Q - P))/2."""
    n = 4
    pairs = [(a, b) for a in range(n) for b in range(n) if a != b]
    W1 = [[int(k == a) - int(k == b) for k in range(n)] for a, b in pairs] + [[1] * n, [-1] * n]

    def max2(a: int, b: int) -> list[Fraction]:
        v = [(p + q) / 2 for p, q in zip(_x(n, a), _x(n, b))]
        v[pairs.index((a, b))] += Fraction(1, 2)
        v[pairs.index((b, a))] += Fraction(1, 2)
        return v

    W2 = []
    for a, b, c, d in [(0, 1, 2, 3), (0, 2, 1, 3), (0, 3, 1, 2)]:
        P, Q = max2(a, b), max2(c, d)
        W2 += [[p - q for p, q in zip(P, Q)], [q - p for p, q in zip(P, Q)]]
    m = len(W1)
    W2 += [[int(k == m - 2) for k in range(m)], [int(k == m - 1) for k in range(m)], [1] * (m - 2) + [0, 0]]
    out = [Fraction(1, 6)] * 6 + [Fraction(1, 4), Fraction(-1, 4), Fraction(1, 12)]
    return [(W1, [0] * m), (W2, [0] * len(W2)), ([out], [0])]


def build(name: str) -> tuple[Network, str, list[list[int]]]:
    if name == "max4":
        return Network.from_layers(max4_layers()), "max(x1, x2, x3, x4)", [[0, 1, 2, 3]]
    if name == "max5":
        from exactpwl.construct.max5 import max5

        return max5().network, "max(x1, x2, x3, x4, x5)", [[0, 1], [2, 3]]
    from exactpwl.construct.max6 import max6

    return max6().network, "max(x1, x2, x3, x4, x5, x6)", [list(range(6))]


def run(name: str, symmetric: bool, cap: int | None) -> dict:
    net, target, blocks = build(name)
    t0 = time.perf_counter()
    v = certify(net, target, symmetric_in=blocks if symmetric else None, max_regions=cap)
    row = {
        "case": name,
        "architecture": net.architecture,
        "mode": "symmetry" if symmetric else "whole",
        "blocks": v.to_json().get("symmetry", {}).get("chamber", "-"),
        "holds": v.holds,
        "regions": v.regions,
        "certify_s": round(time.perf_counter() - t0, 2),
    }
    if v.holds:
        t0 = time.perf_counter()
        text = json.dumps(v.certificate())
        row["cert_s"] = round(time.perf_counter() - t0, 2)
        row["cert_bytes"] = len(text)
        t0 = time.perf_counter()
        report = check_certificate(json.loads(text))
        row["check_s"] = round(time.perf_counter() - t0, 2)
        if not report.valid:
            raise SystemExit(f"{name}: the certificate is rejected: {report.reason}")
    elif v.holds is False:
        raise SystemExit(f"{name}: refuted, which it must not be")
    return row


def table(rows: list[dict]) -> str:
    whole = {r["case"]: r for r in rows if r["mode"] == "whole"}
    head = f"{'case':<5} {'net':<12} {'mode':<8} {'chamber':<34} {'regions':>9} {'certify s':>9} "
    head += f"{'cert s':>7} {'cert MB':>8} {'check s':>8} {'whole/sym':>9}"
    out = [head, "-" * len(head)]
    for r in rows:
        regions = f"{'>' if r['holds'] is None else ''}{r['regions']}"
        ratio = ""
        if r["mode"] == "symmetry" and r["case"] in whole:
            w = whole[r["case"]]
            ratio = f"{'>' if w['holds'] is None else ''}{w['certify_s'] / max(r['certify_s'], 1e-3):.1f}x"
        mb = f"{r['cert_bytes'] / 1e6:.2f}" if "cert_bytes" in r else "-"
        out.append(
            f"{r['case']:<5} {r['architecture']:<12} {r['mode']:<8} {r['blocks']:<34} {regions:>9} "
            f"{r['certify_s']:>9.2f} {r.get('cert_s', '-'):>7} {mb:>8} {r.get('check_s', '-'):>8} {ratio:>9}"
        )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--cases", nargs="+", choices=CASES, default=list(CASES))
    p.add_argument("--whole-cap", type=int, default=20000, help="region cap of max6 on the whole space")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    args = p.parse_args(argv)
    rows = []
    for name in args.cases:
        for symmetric in (True, False):
            cap = args.whole_cap if (name == "max6" and not symmetric) else None
            rows.append(run(name, symmetric, cap))
            if args.json:
                print(json.dumps(rows[-1]), flush=True)
    if not args.json:
        print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
