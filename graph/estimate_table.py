"""A per-process table of the latest mastery probabilities: students x concepts, in memory.

Why: cohort figures read every member's estimate of every asked concept (10,000 students
x 100 concepts is a million estimates). Joining that many ``pw:Mastery`` nodes in the
store takes tens of seconds (``python -m bench.cohorts`` measures it), so the analytics
read this table instead: a dense ``float64`` matrix (NaN where a student has no
estimate) with a row per student and a column per concept.

How it stays right: it is loaded from the store once (one ``select``, heavy), then kept
in step with every write of this process through ``KnowledgeGraph.listeners``: an
estimate's triples (``pw:student``, ``pw:concept``, ``pw:probability`` on a
``.../id/mastery/...`` node) set or clear its cell, and a student deleted whole
(``graph.forget``: their ``rdf:type pw:Student`` goes) loses their row. A write it cannot place (a partial
estimate) marks it dirty, and a revision it did not see (another process wrote to a
shared store, and the projection noticed) makes the next read reload it whole.

A load reads without the graph's write lock (``estimate_table``): on a store of a
million estimates the read takes seconds, and holding the lock for it made the first
write after a start wait that long while ``/readyz`` already said ready. The writes
that commit during the read are kept aside and applied, in order, to what it read
(setting or clearing a cell twice is harmless, so a write the read already saw costs
nothing); only a write they cannot follow (a partial estimate, another process's)
makes it read again, and a third read holds the lock. Reading again at every write
instead held one write 11 s on the assist2015 store, under a write every half second.

Memory: 8 bytes per (student, concept) cell of the students and concepts that have an
estimate; 10,000 x 100 is 8 MB.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from graph.cohort_queries import estimate_rows
from graph.ids import id_of
from graph.rdf_mapping import Triple
from graph.repository import KnowledgeGraph
from graph.vocab import ID, PW, RDF

__all__ = ["EstimateTable", "estimate_table"]

Matrix = npt.NDArray[np.float64]

_MASTERY_PREFIX = f"{ID}mastery/"
_FIELDS = {PW.student: "student", PW.concept: "concept", PW.probability: "probability"}


class EstimateTable:
    """Latest probability per (student, concept), with O(1) updates and fast block reads.

    Examples:
        >>> table = EstimateTable()
        >>> table.load([("s1", "a", 0.25), ("s2", "a", 0.75), ("s2", "b", 0.5)], revision=3)
        >>> table.matrix(["s2", "s9", "s1"], ["a", "b"]).tolist()
        [[0.75, 0.5], [nan, nan], [0.25, nan]]
        >>> len(table), table.revision
        (3, 3)
    """

    def __init__(self) -> None:
        self._students: dict[str, int] = {}
        self._concepts: dict[str, int] = {}
        self._values: Matrix = np.full((0, 0), np.nan)
        self.revision = -1
        self.dirty = True
        self.lock = threading.Lock()
        self.loading = threading.Lock()  # one load at a time: a second reader waits and finds it current
        self._aside: list[tuple[Sequence[Triple], Sequence[Triple], int]] | None = None  # writes during a load

    def __len__(self) -> int:
        """How many estimates the table holds."""
        n, m = len(self._students), len(self._concepts)
        return int(np.count_nonzero(~np.isnan(self._values[:n, :m])))

    def load(self, rows: Iterable[tuple[str, str, float]], revision: int) -> None:
        """Replace the whole table with ``(student, concept, probability)`` rows."""
        staged = EstimateTable()
        for student, concept, p in rows:
            staged._set(student, concept, p)
        self.adopt(staged, revision)

    def adopt(self, staged: EstimateTable, revision: int) -> None:
        """Take ``staged``'s contents as this table's at ``revision`` (a swap: readers see one or the other)."""
        with self.lock:
            self._students, self._concepts, self._values = staged._students, staged._concepts, staged._values
            self.revision = revision
            self.dirty = False

    def _index(self, table: dict[str, int], key: str) -> int:
        found = table.get(key)
        if found is None:
            found = table[key] = len(table)
        return found

    def _set(self, student: str, concept: str, p: float) -> None:
        row, col = self._index(self._students, student), self._index(self._concepts, concept)
        rows, cols = self._values.shape
        if row >= rows or col >= cols:
            grown = np.full((max(rows, (row + 1) * 2, 16), max(cols, (col + 1) * 2, 16)), np.nan)
            grown[:rows, :cols] = self._values
            self._values = grown
        self._values[row, col] = p

    def _clear(self, student: str, concept: str) -> None:
        row, col = self._students.get(student), self._concepts.get(concept)
        if row is not None and col is not None:
            self._values[row, col] = np.nan

    def _drop(self, student: str) -> None:
        """Remove a student's row (the last row moves into its place)."""
        row = self._students.pop(student, None)
        if row is None:
            return
        last = len(self._students)
        if row != last:
            moved = next(s for s, i in self._students.items() if i == last)
            self._students[moved] = row
            self._values[row, :] = self._values[last, :]
        self._values[last, :] = np.nan

    def matrix(self, students: Sequence[str], concepts: Sequence[str]) -> Matrix:
        """The probabilities of ``students`` (rows) for ``concepts`` (columns); NaN where none."""
        out: Matrix = np.full((len(students), len(concepts)), np.nan)
        with self.lock:
            rows = [(i, self._students[s]) for i, s in enumerate(students) if s in self._students]
            cols = [(j, self._concepts[c]) for j, c in enumerate(concepts) if c in self._concepts]
            if rows and cols:
                at_rows, from_rows = (np.array(x) for x in zip(*rows, strict=True))
                at_cols, from_cols = (np.array(x) for x in zip(*cols, strict=True))
                out[np.ix_(at_rows, at_cols)] = self._values[np.ix_(from_rows, from_cols)]
        return out

    def students(self) -> list[str]:
        """Every student with a row (an estimate now or earlier in this process)."""
        with self.lock:
            return list(self._students)

    def on_write(self, deletes: Sequence[Triple], inserts: Sequence[Triple], revision: int) -> None:
        """Mirror one committed write (a ``KnowledgeGraph`` listener)."""
        gone, added = _estimates(deletes), _estimates(inserts)
        forgotten = [id_of(str(s)) for s, p, o in deletes if p == RDF.type and o == PW.Student]
        with self.lock:
            if self._aside is not None:  # a load is reading: it applies this to what it read
                self._aside.append((deletes, inserts, revision))
            for student in forgotten:  # even when dirty: the table must not keep the key until its reload
                self._drop(student)
            if self.dirty or self.revision != revision - 1:
                self.dirty = True
                return
            for fields in gone.values():
                if "student" not in fields or "concept" not in fields:
                    self.dirty = True
                    return
                self._clear(str(fields["student"]), str(fields["concept"]))
            for fields in added.values():
                if len(fields) != len(_FIELDS):
                    self.dirty = True
                    return
                self._set(str(fields["student"]), str(fields["concept"]), float(fields["probability"]))
            self.revision = revision


def _estimates(triples: Sequence[Triple]) -> dict[str, dict[str, str | float]]:
    """The estimate fields a batch of triples holds, by mastery node."""
    out: dict[str, dict[str, str | float]] = {}
    for s, p, o in triples:
        name = _FIELDS.get(p)  # type: ignore[call-overload]
        if name is None:
            continue
        subject = str(s)
        if not subject.startswith(_MASTERY_PREFIX):
            continue
        out.setdefault(subject, {})[name] = float(str(o)) if name == "probability" else id_of(str(o))
    return out


_TABLES: weakref.WeakKeyDictionary[KnowledgeGraph, EstimateTable] = weakref.WeakKeyDictionary()
_TABLES_LOCK = threading.Lock()
_UNLOCKED_READS = 2
"""Reads without the graph's write lock before a load holds it (each read: seconds on a big store)."""


def estimate_table(kg: KnowledgeGraph) -> EstimateTable:
    """The graph's estimate table, loaded (or reloaded) when it is not current.

    One table per ``KnowledgeGraph`` object, created on first use and dropped with the
    graph; the first call (and the first after a write it could not follow) pays for
    the load.

    Examples:
        >>> from graph.store import open_store
        >>> kg = KnowledgeGraph(open_store("memory"))
        >>> table = estimate_table(kg)
        >>> len(table), table is estimate_table(kg)
        (0, True)
    """
    with _TABLES_LOCK:
        table = _TABLES.get(kg)
        if table is None:
            table = _TABLES[kg] = EstimateTable()
            kg.listeners.append(table.on_write)
    with table.loading:
        for attempt in range(_UNLOCKED_READS + 1):
            if not (table.dirty or table.revision != kg.revision):
                break
            if attempt == _UNLOCKED_READS:  # writes it could not follow kept landing: read holding them off
                with kg.lock:
                    table.load(estimate_rows(kg.store), kg.revision)
                break
            if _load_beside_writes(kg, table):
                break
    return table


def _load_beside_writes(kg: KnowledgeGraph, table: EstimateTable) -> bool:
    """Read the estimates without the write lock, then apply the writes made meanwhile; whether it took."""
    with table.lock:
        table._aside = []
    try:
        seen = kg.revision  # every write after this is aside (the list began first)
        staged = EstimateTable()
        staged.load(estimate_rows(kg.store), seen)
        with kg.lock:
            with table.lock:
                aside = [write for write in table._aside or [] if write[2] > seen]
            if [revision for _, _, revision in aside] != list(range(seen + 1, kg.revision + 1)):
                return False  # another process wrote (the revision moved with no write of ours)
            for deletes, inserts, revision in aside:
                staged.on_write(deletes, inserts, revision)
            if staged.dirty:
                return False
            table.adopt(staged, kg.revision)
            return True
    finally:
        with table.lock:
            table._aside = None
