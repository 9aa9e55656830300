"""Progress of long runs on stderr, and a clean stop on Ctrl-C; one helper for every long command.

``tracked(what, show)`` gives the ``progress=`` callback that ``regions`` and ``certify`` take
(``progress(found, queued, **info)``).  It keeps the last counts, draws them with tqdm (count,
queue, rate, elapsed) when ``show`` is True, or when it is None and stderr is a terminal, and
turns a ``KeyboardInterrupt`` into ``Interrupted``: "interrupted after N regions; nothing is
claimed" (the command line exits with code 3).  tqdm because it is one small pure-Python package
with no dependencies that draws an open-ended count with a rate on any stream; nothing here
needs rich's layout engine.
"""

from __future__ import annotations

import shutil
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from .errors import CapReached

__all__ = ["Interrupted", "Progress", "tracked", "interrupt_between_steps"]


class Interrupted(CapReached):
    """Ctrl-C stopped a long run: what it had counted, and that nothing is claimed (exit 3)."""

    def __init__(self, found: int, what: str = "regions"):
        super().__init__(f"interrupted after {found} {what}; nothing is claimed")
        self.found = found


class Progress:
    """The ``progress(found, queued, **info)`` callback: keeps the counts, and draws them if shown.

    >>> p = Progress(show=False)
    >>> p(12, 3)
    >>> p.found, p.queued
    (12, 3)
    """

    def __init__(
        self,
        what: str = "regions",
        show: bool | None = None,
        stream: TextIO | None = None,
        verb: str = "found",
    ):
        self.what, self.verb = what, verb
        self.stream = sys.stderr if stream is None else stream
        self.auto = show is None
        self.show = _is_terminal(self.stream) if show is None else show
        self.found = 0
        self.queued: int | None = 0
        self._bar: Any = None

    def __call__(self, found: int, queued: int | None, total: int | None = None, **info: Any) -> None:
        """``found`` so far, ``queued`` still to do (None: not known), of ``total`` (if known)."""
        self.found, self.queued = found, queued
        if not self.show:
            return
        if self._bar is None:
            from tqdm import tqdm

            tqdm.monitor_interval = 0  # no monitor thread: every update comes from the run itself
            size = shutil.get_terminal_size()  # 80 x 24 where the terminal tells none (tqdm: 0 x 0, hidden)
            self._bar = tqdm(
                file=self.stream,
                unit=f" {self.what}",
                total=total,
                bar_format=("{n_fmt}" if total is None else "{n_fmt} of {total_fmt}")
                + "{unit} "
                + self.verb
                + "{postfix} [{elapsed}, {rate_fmt}]",
                ncols=size.columns,
                nrows=size.lines,
                delay=0.5 if self.auto else 0,  # on its own, a short run draws nothing
            )
        parts = [f"{queued} queued"] if queued is not None else []
        parts += [f"{k} {v}" for k, v in info.items() if v is not None]
        self._bar.set_postfix_str(", ".join(parts), refresh=False)
        self._bar.update(found - self._bar.n)  # tqdm redraws at most ten times a second

    def close(self) -> None:
        bar, self._bar = self._bar, None
        if bar is not None:
            bar.close()


def _is_terminal(stream: Any) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


@contextmanager
def tracked(what: str = "regions", show: bool | None = None, verb: str = "found") -> Iterator[Progress]:
    """A ``Progress`` for one long run; Ctrl-C inside becomes ``Interrupted`` with its count."""
    p = Progress(what, show, verb=verb)
    try:
        yield p
    except KeyboardInterrupt:
        p.close()
        raise Interrupted(p.found, what) from None
    finally:
        p.close()


def interrupt_between_steps() -> None:
    """Let Ctrl-C raise ``KeyboardInterrupt`` between two steps of Python code, as Python does.

    Importing pplpy installs cysignals' handler, which jumps out of a PPL computation in the
    middle; the interrupted C++ state can then make the process hang while it exits.  A command
    line run wants Python's own handler back: a PPL call here takes milliseconds, and the
    interrupt lands right after it.  Only from the main thread (where handlers live).
    """
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.default_int_handler)
