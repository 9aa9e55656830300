"""Witnesses: exact, re-checkable reasons why a claim fails, and their files.

A ``Witness`` holds JSON data with every number as an exact string.  The constructors check
their witness exactly before returning it (a witness that does not refute is a bug, raised as
``AssertionError``), and ``Witness.write`` saves it in the FORMATS.md formats so that
``exactpwl eval`` and ``exactpwl certify`` replay it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..network import Network
from ..numbers import format_number, to_fmpq, to_fraction

__all__ = [
    "Witness",
    "value_witness",
    "collision_witness",
    "system_witness",
    "rank_witness",
    "separability_witness",
]


def _q(v: Any) -> str:
    return format_number(to_fmpq(v))


def _qs(vs: Iterable[Any]) -> list[str]:
    return [_q(v) for v in vs]


def _matrix(M: Iterable[Iterable[Any]]) -> list[list[str]]:
    return [_qs(row) for row in M]


@dataclass(frozen=True)
class Witness:
    """Why a claim fails, as exact data (numbers as exact strings) that anyone can re-check.

    ``kind`` says how to re-check ``data``:

    * ``value``: ``network`` (exactpwl.network) at ``x`` outputs ``network_value``, not the
      ``claimed`` value; optional ``target`` (exactpwl.pwl or exactpwl.network) and ``domain``
      for a claim of equality on a domain;
    * ``collision``: ``network`` maps the distinct points ``x`` and ``y`` to the same output;
      with ``labels`` (which differ), no later layer can give both labels;
    * ``system``: ``A z = y`` has no solution, since ``u^T A = 0`` and ``u^T y != 0``;
    * ``rank``: ``matrix`` has rank ``rank``, not the ``claimed`` value (``term_rank`` too);
    * ``separability``: ``A`` and ``B`` are strictly separated by ``w.x = c`` (margin
      ``delta``), but their images under ``x -> T x + t`` are not: convex weights ``lam`` on
      the image of A and ``mu`` on the image of B give the same point.
    """

    kind: str
    claim: str
    data: dict[str, Any]

    def record(self, result: str = "") -> dict[str, Any]:
        """The ``exactpwl.witness`` JSON object (version 1)."""
        d = {"format": "exactpwl.witness", "version": 1, "result": result, "kind": self.kind}
        d["claim"] = self.claim
        d.update(self.data)
        return d

    def write(self, directory: str | Path, stem: str, result: str = "") -> Path:
        """Write ``stem.json`` (the record, with replay commands), and for a network witness
        ``stem.network.json``, plus ``stem.target.json`` / ``stem.domain.json`` when given."""
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        rec = self.record(result)
        replay = []
        if "network" in self.data:
            net_file = d / f"{stem}.network.json"
            net_file.write_text(json.dumps(self.data["network"], indent=1) + "\n")
            for key in ("x", "y"):
                if key in self.data:
                    replay.append(f"exactpwl eval {net_file.name} {' '.join(self.data[key])}")
            if "target" in self.data:
                tgt = d / f"{stem}.target.json"
                tgt.write_text(json.dumps(self.data["target"], indent=1) + "\n")
                cmd = f"exactpwl certify {net_file.name} {tgt.name}"
                if "domain" in self.data:
                    dom = d / f"{stem}.domain.json"
                    dom.write_text(json.dumps(self.data["domain"]) + "\n")
                    cmd += f" --domain {dom.name}"
                replay.append(cmd)
        rec["replay"] = replay
        path = d / f"{stem}.json"
        path.write_text(json.dumps(rec, indent=1) + "\n")
        return path


def value_witness(
    claim: str,
    net: Network,
    x: Sequence[Any],
    claimed: Sequence[Any],
    target: dict | None = None,
    domain: dict | None = None,
) -> Witness:
    """The network's exact output at ``x`` is not ``claimed`` (checked here, exactly)."""
    got = net(list(x))
    want = [to_fraction(to_fmpq(v)) for v in claimed]
    if got == want:
        raise AssertionError(f"not a witness: the network gives the claimed value {want} at {list(x)}")
    data: dict[str, Any] = {
        "network": net.to_dict(),
        "x": _qs(x),
        "claimed": _qs(want),
        "network_value": _qs(got),
    }
    if target is not None:
        data["target"] = target
    if domain is not None:
        data["domain"] = domain
    return Witness("value", claim, data)


def collision_witness(
    claim: str, net: Network, x: Sequence[Any], y: Sequence[Any], labels: Sequence[Any] | None = None
) -> Witness:
    """Distinct ``x``, ``y`` with equal exact outputs (and different ``labels``, if given)."""
    if [to_fmpq(v) for v in x] == [to_fmpq(v) for v in y] or net(list(x)) != net(list(y)):
        raise AssertionError("not a witness: the points are equal or their images differ")
    data: dict[str, Any] = {"network": net.to_dict(), "x": _qs(x), "y": _qs(y), "image": _qs(net(list(x)))}
    if labels is not None:
        if to_fmpq(labels[0]) == to_fmpq(labels[1]):
            raise AssertionError("not a witness: the labels are equal")
        data["labels"] = _qs(labels)
    return Witness("collision", claim, data)


def system_witness(claim: str, A: Sequence[Sequence[Any]], y: Sequence[Any], u: Sequence[Any]) -> Witness:
    """``A z = y`` is unsolvable: ``u^T A = 0`` and ``u^T y != 0`` (checked here, exactly)."""
    Af = [[to_fraction(to_fmpq(v)) for v in row] for row in A]
    uf = [to_fraction(to_fmpq(v)) for v in u]
    yf = [to_fraction(to_fmpq(v)) for v in y]
    if any(sum((ui * row[j] for ui, row in zip(uf, Af)), Fraction(0)) for j in range(len(Af[0]))):
        raise AssertionError("not a witness: u^T A != 0")
    if sum((ui * yi for ui, yi in zip(uf, yf)), Fraction(0)) == 0:
        raise AssertionError("not a witness: u^T y = 0")
    return Witness("system", claim, {"A": _matrix(Af), "y": _qs(yf), "u": _qs(uf)})


def rank_witness(claim: str, M: Sequence[Sequence[Any]], claimed: int) -> Witness:
    """The exact rank of ``M`` is not ``claimed``."""
    from ..ranks import rank, term_rank

    r = rank(M)
    if r == claimed:
        raise AssertionError("not a witness: the rank is the claimed value")
    return Witness(
        "rank", claim, {"matrix": _matrix(M), "claimed": claimed, "rank": r, "term_rank": term_rank(M)}
    )


def separability_witness(
    claim: str,
    A: Sequence[Sequence[Any]],
    B: Sequence[Sequence[Any]],
    T: Sequence[Sequence[Any]],
    t: Sequence[Any],
) -> Witness:
    """A, B strictly separable, their images under ``x -> T x + t`` not (both certified exactly)."""
    from ..separability import affine_image, separate

    before = separate(A, B)
    after = separate(affine_image(A, T, t), affine_image(B, T, t))
    if not before.separable or after.separable:
        raise AssertionError("not a witness: separability did not change from separable to not")
    data = {
        "A": _matrix(A),
        "B": _matrix(B),
        "T": _matrix(T),
        "t": _qs(t),
        "w": _qs(before.w),
        "c": _q(before.c),
        "delta": _q(before.delta),
        "lam": _qs(after.lam),
        "mu": _qs(after.mu),
    }
    return Witness("separability", claim, data)
