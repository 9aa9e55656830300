"""Regions on disk: a SQLite file (stdlib) that a large enumeration streams into, part by part.

A million regions with their rows, maps, points and edges take gigabytes as Python objects; here
they take one row each in a file, and memory holds one part at a time.  Every number is exact:
integers as JSON text.  ``RegionGraph`` reads counts from ``meta``, regions and edges from the
tables, and builds the ``networkx`` graph only when asked.

Tables: ``regions(id, pattern, rows, interior, out, bounded)``, ``edges(u, v, row, point,
same_map)``, ``meta(key, value)``.  ``pattern`` is the 0/1 string; ``rows`` is ``[[a..., b], ...]``;
``interior`` is ``[x1 * D, ..., D]``; ``out`` is ``[W | c]`` times ``meta.scale``, row after row.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from .errors import InputError
from .region_table import RegionTable

__all__ = ["RegionStore"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS regions (id INTEGER PRIMARY KEY, pattern TEXT NOT NULL, rows TEXT NOT NULL,
                                    interior TEXT NOT NULL, out TEXT NOT NULL, bounded INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS edges (u INTEGER NOT NULL, v INTEGER NOT NULL, row TEXT NOT NULL,
                                  point TEXT NOT NULL, same_map INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class RegionStore:
    """A SQLite file of regions and edges, written table by table (``add``), read row by row."""

    def __init__(self, path: str | Path, fresh: bool = False):
        self.path = Path(path)
        try:
            if fresh and self.path.exists():
                self.path.unlink()
            self.db = sqlite3.connect(str(self.path))
            self.db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + _SCHEMA)
            self.count = self.db.execute("SELECT COUNT(*) FROM regions").fetchone()[0]
        except (OSError, sqlite3.Error) as e:
            raise InputError(f"store: cannot use {path} as a SQLite file ({e})") from None

    # ------------------------------------------------------------------ writing
    def add(self, t: RegionTable) -> int:
        """Write the regions and edges of a table (its open facets stay with the caller); returns the
        id of its first region (regions are numbered in the order they are added)."""
        first = self.count
        n = t.n
        ends = np.searchsorted(t.facet_cell, np.arange(len(t) + 1)).tolist()
        rows = t.facet_row.tolist()
        self.db.executemany(
            "INSERT INTO regions VALUES (?, ?, ?, ?, ?, ?)",
            (
                (
                    first + i,
                    "".join(map(str, p)),
                    json.dumps(rows[ends[i] : ends[i + 1]]),
                    json.dumps(x),
                    json.dumps(o),
                    int(b),
                )
                for i, (p, x, o, b) in enumerate(
                    zip(t.patterns.tolist(), t.interior.tolist(), t.out.tolist(), t.bounded.tolist())
                )
            ),
        )
        self.add_edges(
            t.edge_u + first, t.edge_v + first, t.edge_row, t.edge_point, t.same_map(), n=n, commit=False
        )
        self.count += len(t)
        self.db.commit()
        return first

    def add_edges(self, u, v, row, point, same, *, n: int, commit: bool = True) -> None:
        self.db.executemany(
            "INSERT INTO edges VALUES (?, ?, ?, ?, ?)",
            (
                (a, b, json.dumps(r), json.dumps(x), int(s))
                for a, b, r, x, s in zip(u.tolist(), v.tolist(), row.tolist(), point.tolist(), same.tolist())
            ),
        )
        if commit:
            self.db.commit()

    def set_meta(self, **values) -> None:
        self.db.executemany(
            "INSERT OR REPLACE INTO meta VALUES (?, ?)", [(k, json.dumps(v)) for k, v in values.items()]
        )
        self.db.commit()

    # ------------------------------------------------------------------ reading
    def meta(self, key: str):
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else json.loads(row[0])

    def regions(self, where: str = "", args: tuple = ()) -> Iterator[tuple]:
        """(id, pattern tuple, rows, interior, out, bounded) for every region (or those matching)."""
        cur = self.db.execute(f"SELECT id, pattern, rows, interior, out, bounded FROM regions {where}", args)
        for i, p, rows, x, o, b in cur:
            yield i, tuple(int(c) for c in p), json.loads(rows), json.loads(x), json.loads(o), bool(b)

    def edges(self) -> Iterator[tuple]:
        """(u, v, row, point, same_map) for every edge."""
        for u, v, r, x, s in self.db.execute("SELECT u, v, row, point, same_map FROM edges"):
            yield u, v, json.loads(r), json.loads(x), bool(s)

    def num_edges(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM edges").fetchone()[0]

    def index_patterns(self) -> None:
        self.db.execute("CREATE INDEX IF NOT EXISTS by_pattern ON regions (pattern)")
        self.db.commit()

    def close(self) -> None:
        self.db.close()
