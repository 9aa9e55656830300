"""Proof scripts: the paper's results (PAPER.md R1..R20) checked exactly on enumerated cases.

One plain module per result, ``r01_local_affinity`` ... ``r20_max5``, each with

* a docstring: the statement in our words and its R-number;
* ``RESULT`` ("R5"), ``STATEMENT`` (one short line), ``FAMILY`` (the cases, short; optional
  ``QUICK``: the smaller family of quick mode) and ``MUTANT`` (a plausible but false variant of
  the statement);
* ``exhaustive(quick) -> Iterable[case]``: every member of a finite family, and/or
  ``sampled(quick) -> Iterable[case]``: seeded random cases where the space is infinite
  (``quick=True`` is the small size the test suite runs);
* ``check(case, mutant=False) -> Witness | None``: decide the statement (or, with
  ``mutant=True``, the mutant) on one case in exact arithmetic; None means it holds there.

``run(script, quick)`` checks every case, then looks for the first case that refutes the
mutant: a script whose mutant survives has failed, because a checker that cannot fail is not a
checker.  A ``Witness`` is exact data that anyone can re-check (a network and a point whose
output differs from the claim, two points a network merges, an unsolvable linear system with
its certificate, a matrix and its rank, two point sets with a separating hyperplane and a
convex-hull certificate); ``Witness.write`` saves it as files in the FORMATS.md formats, so
``exactpwl eval`` / ``exactpwl certify`` replay it.

``exactpwl prove [NAME ...] [--quick] [--json] [--jobs N]`` runs the scripts of this package
(``SCRIPTS``); the claims that PAPER.md section 5 calls interpretive (``INTERPRETIVE``) are
listed as "interpretive, not checked".
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

from ..errors import InputError
from .witness import (
    Witness,
    collision_witness,
    rank_witness,
    separability_witness,
    system_witness,
    value_witness,
)

__all__ = [
    "SCRIPTS",
    "INTERPRETIVE",
    "Script",
    "Witness",
    "Report",
    "run",
    "run_many",
    "find",
    "table_header",
    "table_row",
    "summary",
    "value_witness",
    "collision_witness",
    "system_witness",
    "rank_witness",
    "separability_witness",
]

SCRIPTS = (
    "r01_local_affinity",
    "r02_symmetries",
    "r03_one_d",
    "r04_ordering",
    "r05_interpolation",
    "r06_projection",
    "r07_structure",
    "r08_depth",
    "r09_affine_layer",
    "r10_transmit",
    "r11_divide",
    "r12_distinguishable",
    "r13_separability",
    "r14_sharing",
    "r15_overparam",
    "r16_ranks",
    "r17_decoder",
    "r18_lattice",
    "r19_trlu",
    "r20_max5",
)

# PAPER.md section 5: informal or interpretive claims; listed by ``prove``, never checked.
INTERPRETIVE = (
    "deduction from basic rules (the theoretical-physics methodology)",
    "clear and intuitive interpretations of each component and of the function of each layer",
    "explaining engineering architectures (last layers of CNNs, multilayer networks, decoders)",
    "solution universality (only the invariances and freedoms of R2 are checked)",
    "the advantage of deep layers in general (only the witnesses R7, R8, R11 are checked)",
    "the probabilistic model of ranks explaining overparameterized training (R16 checks the ranks)",
    "what back-propagation actually finds",
)


class Script(Protocol):
    """What a proof script module provides (``exhaustive`` and/or ``sampled``)."""

    RESULT: str
    STATEMENT: str
    FAMILY: str
    MUTANT: str

    def check(self, case: Any, mutant: bool = False) -> Witness | None: ...


# ---------------------------------------------------------------------------------- running
@dataclass
class Report:
    """The outcome of one script: case counts, whether all held, whether the mutant fell."""

    name: str
    result: str
    statement: str
    family: str
    mutant: str
    exhaustive: int = 0
    sampled: int = 0
    held: bool = True
    failure: Witness | None = None  # the first case where the statement failed
    failed_case: str | None = None
    error: str | None = None  # a check raised: a bug, reported as a failure
    mutant_refuted: bool = False
    mutant_witness: Witness | None = None
    seconds: float = 0.0
    witness_file: str | None = None
    quick: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def cases(self) -> int:
        return self.exhaustive + self.sampled

    @property
    def ok(self) -> bool:
        return self.held and self.mutant_refuted and self.error is None

    def to_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "name": self.name,
            "result": self.result,
            "statement": self.statement,
            "family": self.family,
            "mutant": self.mutant,
            "exhaustive": self.exhaustive,
            "sampled": self.sampled,
            "held": self.held,
            "mutant_refuted": self.mutant_refuted,
            "seconds": round(self.seconds, 3),
        }
        if self.failure is not None:
            d["failure"] = self.failure.record(self.result)
            d["failed_case"] = self.failed_case
        if self.error is not None:
            d["error"] = self.error
        if self.witness_file is not None:
            d["witness_file"] = self.witness_file
        if self.mutant_witness is not None:
            d["mutant_witness"] = self.mutant_witness.record(self.result)
        return d


def find(name: str) -> str:
    """The module name of a script from ``R5``, ``r05``, ``5`` or ``r05_interpolation``."""
    key = name.strip().lower()
    if key in SCRIPTS:
        return key
    digits = key[1:] if key.startswith("r") else key
    if digits.isdigit():
        for s in SCRIPTS:
            if int(s[1:3]) == int(digits):
                return s
    raise InputError(f"prove: unknown proof script {name!r} (available: R1..R{len(SCRIPTS)})")


def _load(script: str | ModuleType) -> ModuleType:
    return script if isinstance(script, ModuleType) else import_module(f".{find(script)}", __name__)


def _short(case: Any, limit: int = 200) -> str:
    text = repr(case)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def run(script: str | ModuleType, quick: bool = False, witness_dir: str | Path | None = None) -> Report:
    """Run one script (a module, or a name for ``find``: "R5", "r05_interpolation"): every case
    of its families, then the search for the mutant's refutation.

    A failing case (or a check that raises) makes ``held`` False and is kept as ``failure``;
    with ``witness_dir`` it is written there (``R5-failure.json`` and its network files).
    """
    mod = _load(script)
    family = getattr(mod, "QUICK", mod.FAMILY) if quick else mod.FAMILY
    rep = Report(mod.__name__.rsplit(".", 1)[-1], mod.RESULT, mod.STATEMENT, family, mod.MUTANT, quick=quick)
    t0 = time.perf_counter()
    families = [(attr, getattr(mod, attr, None)) for attr in ("exhaustive", "sampled")]
    try:
        for attr, gen in families:
            if gen is None:
                continue
            for case in gen(quick):
                setattr(rep, attr, getattr(rep, attr) + 1)
                if rep.held:
                    w = mod.check(case)
                    if w is not None:
                        rep.held, rep.failure, rep.failed_case = False, w, _short(case)
        for _, gen in families:
            if gen is None or rep.mutant_refuted:
                continue
            for case in gen(quick):
                w = mod.check(case, mutant=True)
                if w is not None:
                    rep.mutant_refuted, rep.mutant_witness = True, w
                    break
    except Exception as exc:  # a bug in a script or in the library: reported, never hidden
        rep.held = False
        rep.error = f"{type(exc).__name__}: {exc}"
        rep.notes.append(traceback.format_exc())
    rep.seconds = time.perf_counter() - t0
    if rep.failure is not None and witness_dir is not None:
        rep.witness_file = str(rep.failure.write(witness_dir, f"{rep.result}-failure", rep.result))
    return rep


def _run_job(args: tuple[str, bool, str | None]) -> Report:
    return run(*args)


def _ignore_interrupt() -> None:
    """Workers leave Ctrl-C to the parent, which stops them all (a worker's own KeyboardInterrupt
    would leave the pool waiting for a result that never comes)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def run_many(
    scripts: Sequence[str], quick: bool = False, jobs: int = 1, witness_dir: str | Path | None = None
) -> Iterator[Report]:
    """Run ``scripts`` (module names), ``jobs`` at a time in a process pool; yield the reports
    in the given order as soon as each is ready.  Ctrl-C (or the caller stopping) ends the workers."""
    wd = None if witness_dir is None else str(witness_dir)
    if jobs <= 1 or len(scripts) <= 1:
        for s in scripts:
            yield run(s, quick, wd)
        return
    import multiprocessing

    pool = multiprocessing.Pool(jobs, initializer=_ignore_interrupt)
    try:
        yield from pool.imap(_run_job, [(s, quick, wd) for s in scripts])
        pool.close()
    finally:
        pool.terminate()  # at once: nothing is left running after an interrupt
        pool.join()


# ---------------------------------------------------------------------------------- the table
COLUMNS = (
    ("result", 6),
    ("statement", 60),
    ("family", 58),
    ("cases", 14),
    ("held", 4),
    ("mutant refuted", 14),
)


def _cell(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def table_header() -> str:
    return "  ".join(f"{name:<{w}}" for name, w in COLUMNS) + "  seconds"


def table_row(r: Report) -> str:
    cases = f"{r.exhaustive:,}" + (f" + {r.sampled:,}" if r.sampled else "")
    held = "yes" if r.held else "NO"
    mutant = "yes" if r.mutant_refuted else "NO (survived)"
    cells = (r.result, r.statement, r.family, cases, held, mutant)
    return "  ".join(f"{_cell(c, w):<{w}}" for c, (_, w) in zip(cells, COLUMNS)) + f"  {r.seconds:7.1f} s"


def summary(reports: Sequence[Report], seconds: float) -> list[str]:
    """The lines after the table: failures with their witness files, then the total."""
    lines = []
    for r in reports:
        if r.error is not None:
            lines.append(f"{r.result}: ERROR in a check: {r.error}")
        if r.failure is not None:
            where = f"; witness: {r.witness_file}" if r.witness_file else ""
            lines.append(f"{r.result}: a case FAILED ({r.failure.claim}){where}")
        if not r.mutant_refuted and r.error is None:
            lines.append(f"{r.result}: the mutant survived every case: the check cannot fail ({r.mutant})")
    cases = sum(r.cases for r in reports)
    held = sum(r.held and r.error is None for r in reports)
    refuted = sum(r.mutant_refuted for r in reports)
    n = len(reports)
    lines.append(
        f"total: {n} result{'s' if n != 1 else ''}, {cases:,} cases, {held} of {n} held, "
        f"{refuted} of {n} mutant{'s' if n != 1 else ''} refuted, "
        f"in {seconds:.1f} s"
    )
    return lines
