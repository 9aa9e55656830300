"""``refute(claim, space)``: the smallest object of a space for which a claim fails, with its witness.

A claim is a function of one object.  It answers with

* a bool (True: holds for this object);
* an ``Outcome(holds, witness, message)`` (the witness is any exact data: a count, a point);
* a verdict of exactpwl (anything with ``holds``, e.g. ``certify``'s ``Verdict``: its
  counterexample, network and target become the witness); ``holds is None`` (a cap stopped
  it) counts as *undecided*;
* or it raises ``construct.Refusal``: the claim fails, and the refusal's witness (e.g. R7's
  two points with different second differences) is the witness.

Exhaustive mode walks the space's enumeration in size order, so the first counterexample is a
smallest one, and a claim that survives the whole enumeration is proved for that space
(``exhausted``).  Random mode asks hypothesis for objects of the space's strategy and shrinks
the first counterexample it finds; it never exhausts anything.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from .space import Space
from .witness import describe, to_json

__all__ = ["ClaimError", "Outcome", "Refutation", "judge", "refute"]


@dataclass
class Outcome:
    """What a claim says about one object: ``holds`` (True, False, or None: undecided), with an
    exact ``witness`` (any data; networks, targets and rationals are written exactly) and an
    optional one-line ``message``."""

    holds: bool | None
    witness: Any = None
    message: str = ""


class ClaimError(Exception):
    """The claim itself failed (raised an exception) on the object at ``index`` (1-based)."""

    def __init__(self, index: int, obj: Any, error: BaseException):
        super().__init__(f"the claim raised {type(error).__name__}: {error} (on object {index})")
        self.index = index
        self.object = obj
        self.error = error


def judge(result: Any) -> Outcome:
    """Turn what a claim returned into an ``Outcome``."""
    from ..construct import Refusal

    if isinstance(result, Outcome):
        return result
    if isinstance(result, bool) or type(result).__name__ == "bool_":
        return Outcome(bool(result))
    if isinstance(result, Refusal):
        return Outcome(False, result.witness, str(result))
    if hasattr(result, "holds"):
        holds = result.holds
        if holds not in (True, False, None):
            raise InputError(f"claim: returned an object whose 'holds' is {holds!r}")
        return Outcome(holds, None if holds else result)
    raise InputError(
        f"claim: returned {type(result).__name__}; expected a bool, an Outcome, a verdict (with "
        f"'holds') or a Refusal"
    )


def _ask(claim: Callable[[Any], Any], obj: Any, index: int) -> Outcome:
    from ..construct import Refusal

    try:
        result = claim(obj)
    except Refusal as exc:
        return Outcome(False, exc.witness, str(exc))
    except Exception as exc:  # the user's claim failed: say where, keep the cause
        raise ClaimError(index, obj, exc) from exc
    try:
        return judge(result)
    except InputError as exc:
        raise ClaimError(index, obj, exc) from None


@dataclass
class Refutation:
    """The answer of ``refute``.

    ``refuted``: a counterexample was found (``counterexample``, with ``witness`` and
    ``message``; ``index`` is its 1-based place in the enumeration).  ``exhausted``: every
    object of the finite space was checked and the claim held for each (so it is proved for
    that space).  ``tried``: objects checked (in random mode including hypothesis's shrinking
    steps).  ``undecided``: objects for which the claim could not decide (a cap); while any
    are undecided nothing is claimed about them and ``exhausted`` is False.
    """

    refuted: bool
    exhausted: bool
    tried: int
    space_size: int | None
    full_size: int | None
    counterexample: Any = None
    witness: Any = None
    message: str = ""
    index: int | None = None
    undecided: int = 0
    mode: str = "exhaustive"
    seed: int | None = None
    budget: int | None = None
    claim: str = ""
    space: str = ""
    seconds: float = 0.0

    def __bool__(self) -> bool:
        return self.refuted

    def _repr_latex_(self) -> str:
        """Jupyter typesets it (``exactpwl.latex``; imported only when asked)."""
        from ..latex import notebook

        return notebook(self)

    def to_json(self) -> dict:
        """The FORMATS.md ``refute`` object (plus what was searched, and how)."""
        return {
            "refuted": self.refuted,
            "exhausted": self.exhausted,
            "tried": self.tried,
            "space_size": self.space_size,
            "counterexample": to_json(self.counterexample) if self.refuted else None,
            "witness": to_json(self.witness) if self.refuted else None,
            "message": self.message,
            "index": self.index,
            "undecided": self.undecided,
            "mode": self.mode,
            "seed": self.seed,
            "full_size": self.full_size,
            "claim": self.claim,
            "space": self.space,
        }

    def save(self, path: str | Path) -> list[str]:
        """Write the report (``to_json``) to ``path``, and every network and target of the
        counterexample and witness to a file of its own next to it (``W.network.json``,
        ``W.target.json``, ...) that ``exactpwl certify`` and ``eval`` read.  Returns the paths."""
        from ..network import Network
        from .witness import parts

        p = Path(path)
        stem = p.name[: -len(".json")] if p.name.endswith(".json") else p.name
        files: list[tuple[Path, Any]] = []
        if self.refuted:
            count = {"network": 0, "target": 0}
            for obj in parts((self.counterexample, self.witness)):
                kind = "network" if isinstance(obj, Network) else "target"
                count[kind] += 1
                suffix = "" if count[kind] == 1 else str(count[kind])
                files.append((p.with_name(f"{stem}.{kind}{suffix}.json"), obj))
        report = self.to_json()
        report["files"] = [f.name for f, _ in files]
        try:
            p.write_text(json.dumps(report, indent=1) + "\n")
            for f, obj in files:
                f.write_text(json.dumps(to_json(obj), indent=1) + "\n")
        except OSError as exc:
            raise InputError(f"-o: cannot write {exc.filename or p} ({exc.strerror})") from None
        return [str(p)] + [str(f) for f, _ in files]

    def lines(self) -> list[str]:
        """The report as text lines (exact numbers, no timings); the first says refuted or not."""
        out = [f"{'refuted' if self.refuted else 'not refuted'}: {self.claim}", f"space: {self.space}"]
        if self.mode == "random":
            out.append(f"size:  random objects (hypothesis, seed {self.seed}, at most {self.budget})")
        elif self.space_size is None:
            out.append("size:  not known in advance; enumerated smallest first")
        elif self.full_size is not None and self.full_size != self.space_size:
            out.append(
                f"size:  {self.space_size} objects ({self.full_size} before removing symmetries), "
                f"enumerated smallest first"
            )
        else:
            out.append(f"size:  {self.space_size} objects, enumerated smallest first")
        if self.refuted:
            if self.mode == "random":
                out.append(f"counterexample (found after {self.tried} objects, shrunk by hypothesis):")
            else:
                of = f" of {self.space_size}" if self.space_size is not None else ""
                out.append(f"counterexample (object {self.index}{of}, the first in size order):")
            out += ["  " + s for s in describe(self.counterexample)]
            shown = describe(self.witness) if self.witness is not None else []
            if shown:
                out.append("witness:")
                out += ["  " + s for s in shown]
            if self.message and not any(s in self.message for s in shown):
                out.append(f"why: {self.message}")
            return out
        if self.exhausted:
            out.append(
                f"exhausted: the claim holds for all {self.tried} objects of the space "
                f"(nothing is claimed beyond it)"
            )
        elif self.mode == "random":
            out.append(f"checked: {self.tried} random objects; nothing is claimed about the others")
        else:
            size = f" of {self.space_size}" if self.space_size is not None else ""
            out.append(f"checked: the first {self.tried}{size} objects; nothing is claimed about the rest")
        if self.undecided:
            out.append(
                f"undecided: {self.undecided} objects (a cap inside the claim); nothing is claimed about them"
            )
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


def _statement(claim: Callable[[Any], Any]) -> str:
    doc = (getattr(claim, "__doc__", None) or "").strip()
    return doc.splitlines()[0] if doc else getattr(claim, "__name__", "claim")


def refute(
    claim: Callable[[Any], Any],
    space: Space,
    budget: int | None = None,
    seed: int | None = None,
    *,
    mode: str | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    statement: str | None = None,
) -> Refutation:
    """Search ``space`` for an object where ``claim`` fails; the smallest one, with its witness.

    ``mode``: ``"exhaustive"`` (the default when the space has an enumeration: size order, up to
    ``budget`` objects) or ``"random"`` (hypothesis: ``budget`` examples, default 200, from
    ``seed``, default 0; the counterexample is shrunk).  ``progress(tried, size)`` is called now
    and then.  ``statement`` is the claim's text (default: its docstring's first line).

    >>> from exactpwl.conjecture import vectors
    >>> r = refute(lambda v: sum(v) != 2, vectors(2, [0, 1, -1]))
    >>> r.refuted, r.counterexample, r.index
    (True, (Fraction(1, 1), Fraction(1, 1)), 6)
    >>> refute(lambda v: sum(v) <= 2, vectors(2, [0, 1, -1])).exhausted
    True
    """
    if not isinstance(space, Space):
        raise InputError(f"space: expected an exactpwl.conjecture Space, got {type(space).__name__}")
    if not callable(claim):
        raise InputError("claim: expected a function of one object")
    if budget is not None and budget < 1:
        raise InputError("budget: must be at least 1")
    mode = mode or ("exhaustive" if space.enumerable else "random")
    if mode not in ("exhaustive", "random"):
        raise InputError(f"mode: {mode!r} is not 'exhaustive' or 'random'")
    if mode == "random":
        budget = budget or 200
        seed = 0 if seed is None else seed
    t0 = time.perf_counter()
    base = dict(claim=statement or _statement(claim), space=space.name, mode=mode, budget=budget)
    if mode == "exhaustive":
        r = _exhaustive(claim, space, budget, progress, base)
    else:
        r = _random(claim, space, budget, seed, progress, base)
    r.seconds = time.perf_counter() - t0
    return r


class _Ticker:
    """Calls ``progress`` at most every 0.2 s (and once at the end)."""

    def __init__(self, progress: Callable[[int, int | None], None] | None, size: int | None):
        self.progress, self.size, self.last = progress, size, 0.0

    def __call__(self, tried: int, final: bool = False) -> None:
        if self.progress is None:
            return
        now = time.perf_counter()
        if final or now - self.last >= 0.2:
            self.last = now
            self.progress(tried, self.size)


def _exhaustive(claim, space: Space, budget, progress, base: dict) -> Refutation:
    size = space.size
    tick = _Ticker(progress, size)
    tried = undecided = 0
    complete = True
    for obj in space:
        if budget is not None and tried >= budget:
            complete = False
            break
        tried += 1
        out = _ask(claim, obj, tried)
        tick(tried)
        if out.holds is False:
            tick(tried, True)
            return Refutation(
                True,
                False,
                tried,
                size,
                space.full_size,
                obj,
                out.witness,
                out.message,
                tried,
                undecided,
                **base,
            )
        if out.holds is None:
            undecided += 1
    tick(tried, True)
    if complete and size is None:
        size = tried  # the enumeration ended: now its size is known
    exhausted = complete and undecided == 0
    return Refutation(False, exhausted, tried, size, space.full_size, undecided=undecided, **base)


def _random(claim, space: Space, budget: int, seed: int, progress, base: dict) -> Refutation:
    from hypothesis import HealthCheck, Phase, find, settings
    from hypothesis.errors import NoSuchExample, Unsatisfiable

    tick = _Ticker(progress, None)
    count = {"tried": 0, "undecided": 0}

    def fails(obj: Any) -> bool:
        count["tried"] += 1
        out = _ask(claim, obj, count["tried"])
        tick(count["tried"])
        if out.holds is None:
            count["undecided"] += 1
        return out.holds is False

    s = settings(
        max_examples=budget,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        phases=(Phase.generate, Phase.shrink),
    )
    try:
        obj = find(space.strategy, fails, settings=s, random=random.Random(seed))
    except (NoSuchExample, Unsatisfiable):
        tick(count["tried"], True)
        return Refutation(
            False, False, count["tried"], None, None, undecided=count["undecided"], seed=seed, **base
        )
    tick(count["tried"], True)
    out = _ask(claim, obj, count["tried"])
    if out.holds is not False:  # cannot happen for a deterministic claim
        raise AssertionError("the shrunk counterexample no longer refutes the claim (is the claim random?)")
    return Refutation(
        True,
        False,
        count["tried"],
        None,
        None,
        obj,
        out.witness,
        out.message,
        None,
        count["undecided"],
        seed=seed,
        **base,
    )
