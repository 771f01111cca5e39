"""The storage of ``graph.attempt_table``: every attempt as a row of a few numpy arrays.

A row is a student index (into the interned student keys), a time in microseconds since
1970 (UTC), a score, a live flag and the end of the attempt's id in one UTF-8 buffer;
an (attempt, concept) link is a row and a concept index. Ids are found by a sorted array
of their hashes (rows appended since it was sorted wait in a small dict). Rows are
appended in place (arrays grown by a sixteenth when full) and dropped by their flag, then
compacted away.

``AttemptColumns.read`` builds them from the store's rows as they stream in, into
``array`` buffers: built from a list of the rows and an entry per attempt, the load of
the assist2015 district (552k attempts, a 47 MiB table) left the process 195 MiB bigger;
streamed, 84 MiB (the allocator keeps much of what small objects freed).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta

import numpy as np

from graph.attempts import stored_time
from graph.ids import id_of
from graph.model import UNTIMED_EPOCH

__all__ = ["COMPACT_AFTER", "GROWTH", "AttemptColumns", "micros"]

COMPACT_AFTER = 1024
"""Dropped rows are compacted away once there are more than this and a quarter of the rows."""

GROWTH = 16
"""Full arrays grow by a sixteenth (at least 1,024 rows): by half, the first attempt recorded
after a district's load took 10 MiB more for room (copying 16 MB, once per 34k attempts)."""

_MICROSECOND = timedelta(microseconds=1)


def micros(when: datetime) -> int:
    """Microseconds since 1970 (UTC); a time without an offset is UTC, as the trend reads it.

    Examples:
        >>> micros(datetime(1970, 1, 1, 0, 0, 1, tzinfo=UTC)), micros(datetime(1970, 1, 1, 0, 0, 1))
        (1000000, 1000000)
    """
    aware = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
    return (aware - UNTIMED_EPOCH) // _MICROSECOND


class AttemptColumns:
    """The attempts, one row each (see the module docstring).

    Examples:
        >>> columns = AttemptColumns()
        >>> columns.append("x1", "s1", 0, 1.0, ["a", "b"])
        >>> columns.append("x2", "s2", 5, 0.0, [])
        >>> columns.rows_of(["x2", "x9"]), columns.ident(1), columns.concept_names
        ([1, -1], 'x2', ['a', 'b'])
    """

    def __init__(self) -> None:
        self.student = np.zeros(0, np.int32)
        self.time = np.zeros(0, np.int64)
        self.score = np.zeros(0, np.float64)
        self.alive = np.zeros(0, np.bool_)
        self.id_end = np.zeros(0, np.int64)  # row i's id is ids[id_end[i - 1]:id_end[i]]
        self.ids = bytearray()
        self.n = self.dead = 0
        self.link_row = np.zeros(0, np.int32)
        self.link_concept = np.zeros(0, np.int32)
        self.link_alive = np.zeros(0, np.bool_)
        self.links = 0
        self.students: dict[str, int] = {}
        self.student_names: list[str | None] = []  # None: forgotten
        self.concepts: dict[str, int] = {}
        self.concept_names: list[str] = []
        self.index_keys = np.zeros(0, np.int64)  # hash(id) of the rows, sorted
        self.index_rows = np.zeros(0, np.int32)
        self.recent: dict[int, list[int]] = {}  # rows appended since the index was sorted, by hash(id)

    # --- building -------------------------------------------------------------------------------
    @classmethod
    def read(cls, rows: Iterable[Sequence[str | None]]) -> tuple[AttemptColumns, int]:
        """Columns from a stream of ``(attempt, student, time, score, concept, revision)`` rows (IRIs, texts).

        A row with a revision carries nothing else; the largest is returned. An attempt's
        rows (one per concept) come one after another from the store; any that come
        apart are merged after, and the first row's student, time and score count, as
        ``attempts_of`` reads them.
        """
        out = cls()
        students, times, scores, ends, keys = array("i"), array("q"), array("d"), array("q"), array("q")
        link_rows, link_concepts = array("i"), array("i")
        names: dict[str, str] = {}  # a student's or a concept's IRI recurs once per attempt
        last, linked, revision = "", [-1], 0
        for a, s, t, score, c, rev in rows:
            if rev is not None:
                revision = max(revision, int(rev))
                continue
            if a is None or s is None or t is None or score is None:
                continue
            if a != last:
                last, linked, ident = a, [], id_of(a)
                students.append(out._student_code(names.get(s) or names.setdefault(s, id_of(s))))
                times.append(micros(stored_time(t)))
                scores.append(float(score))
                out.ids += ident.encode()
                ends.append(len(out.ids))
                keys.append(hash(ident))
            if c is not None:
                code = out._concept_code(names.get(c) or names.setdefault(c, id_of(c)))
                if code not in linked:
                    linked.append(code)
                    link_rows.append(len(ends) - 1)
                    link_concepts.append(code)
        out.n, out.links = len(ends), len(link_rows)
        out.student, out.time = np.array(students, np.int32), np.array(times, np.int64)
        out.score, out.id_end = np.array(scores, np.float64), np.array(ends, np.int64)
        out.alive, out.link_alive = np.ones(out.n, np.bool_), np.ones(out.links, np.bool_)
        out.link_row, out.link_concept = np.array(link_rows, np.int32), np.array(link_concepts, np.int32)
        hashes = np.array(keys, np.int64)
        order = np.argsort(hashes, kind="stable")
        out.index_keys, out.index_rows = hashes[order], order.astype(np.int32)
        out._merge_apart()
        return out, revision

    def _merge_apart(self) -> None:
        """Merge the rows of one attempt whose store rows came apart: into its first, with every concept."""
        same = np.flatnonzero(self.index_keys[1:] == self.index_keys[:-1])
        if not len(same):
            return
        into: dict[int, int] = {}
        for run in np.split(same, np.flatnonzero(np.diff(same) != 1) + 1):
            first_of: dict[str, int] = {}
            for row in sorted(self.index_rows[run[0] : run[-1] + 2].tolist()):
                kept = first_of.setdefault(self.ident(row), row)
                if kept != row:
                    into[row] = kept
        doubles = np.array(sorted(into), np.int64)
        moved = np.isin(self.link_row[: self.links], doubles)
        self.link_row[: self.links][moved] = [into[r] for r in self.link_row[: self.links][moved].tolist()]
        pairs = self.link_row[: self.links].astype(np.int64) * (len(self.concept_names) + 1) + self.link_concept
        _, first = np.unique(pairs, return_index=True)
        self.link_alive[:] = False
        self.link_alive[first] = True
        self.kill(doubles.tolist())
        self.compact()

    def _student_code(self, name: str) -> int:
        found = self.students.get(name)
        if found is None:
            found = self.students[name] = len(self.student_names)
            self.student_names.append(name)
        return found

    def _concept_code(self, name: str) -> int:
        found = self.concepts.get(name)
        if found is None:
            found = self.concepts[name] = len(self.concept_names)
            self.concept_names.append(name)
        return found

    def _grow(self, rows: int, links: int) -> None:
        if self.n + rows > len(self.student):
            size = max(self.n + rows, len(self.student) + max(len(self.student) // GROWTH, 1024))
            for name in ("student", "time", "score", "alive", "id_end"):
                old = getattr(self, name)
                grown = np.zeros(size, old.dtype)
                grown[: self.n] = old[: self.n]
                setattr(self, name, grown)
        if self.links + links > len(self.link_row):
            size = max(self.links + links, len(self.link_row) + max(len(self.link_row) // GROWTH, 1024))
            for name in ("link_row", "link_concept", "link_alive"):
                old = getattr(self, name)
                grown = np.zeros(size, old.dtype)
                grown[: self.links] = old[: self.links]
                setattr(self, name, grown)

    # --- changes --------------------------------------------------------------------------------
    def append(self, ident: str, student: str, time: int, score: float, concepts: Sequence[str]) -> None:
        """Add an attempt (its concepts without repeats)."""
        self._grow(1, 0)
        row = self.n
        self.student[row] = self._student_code(student)
        self.time[row], self.score[row], self.alive[row] = time, score, True
        self.ids += ident.encode()
        self.id_end[row] = len(self.ids)
        self.n += 1
        self.recent.setdefault(hash(ident), []).append(row)
        for concept in dict.fromkeys(concepts):
            self.link(row, concept)

    def link(self, row: int, concept: str) -> None:
        """Add the concept to the attempt in ``row``."""
        self._grow(0, 1)
        at = self.links
        self.link_row[at], self.link_alive[at] = row, True
        self.link_concept[at] = self._concept_code(concept)
        self.links += 1

    def kill(self, rows: Iterable[int]) -> None:
        """Drop these rows (their links go with them)."""
        for row in rows:
            if self.alive[row]:
                self.alive[row] = False
                self.dead += 1

    def drop_student(self, student: str) -> None:
        """Forget a student's key, and drop their rows."""
        code = self.students.pop(student, None)
        if code is not None:
            self.student_names[code] = None
            self.kill(np.flatnonzero(self.alive[: self.n] & (self.student[: self.n] == code)).tolist())

    def compact(self) -> None:
        """Remove the dropped rows (and the links of any row dropped), keeping the others' order."""
        self._reindex()
        alive = self.alive[: self.n]
        lengths = np.diff(np.r_[0, self.id_end[: self.n]])
        self.ids = bytearray(np.frombuffer(bytes(self.ids), np.uint8)[np.repeat(alive, lengths)].tobytes())
        self.id_end = np.cumsum(lengths[alive])
        renumber = (np.cumsum(alive) - 1).astype(np.int32)
        held = self.link_alive[: self.links] & alive[self.link_row[: self.links]]
        self.link_row = renumber[self.link_row[: self.links][held]]
        self.link_concept = self.link_concept[: self.links][held]
        self.links = len(self.link_row)
        self.link_alive = np.ones(self.links, np.bool_)
        indexed = alive[self.index_rows]
        self.index_keys, self.index_rows = self.index_keys[indexed], renumber[self.index_rows[indexed]]
        self.student = self.student[: self.n][alive]
        self.time = self.time[: self.n][alive]
        self.score = self.score[: self.n][alive]
        self.n, self.dead = len(self.student), 0
        self.alive = np.ones(self.n, np.bool_)

    # --- reads ----------------------------------------------------------------------------------
    def ident(self, row: int) -> str:
        """The id of the attempt in ``row``."""
        start = int(self.id_end[row - 1]) if row else 0
        return self.ids[start : int(self.id_end[row])].decode()

    def rows_of(self, idents: Sequence[str]) -> list[int]:
        """The live row of each id (-1: none)."""
        if len(self.recent) > max(1024, self.n // 16):
            self._reindex()
        keys = [hash(i) for i in idents]
        starts = np.searchsorted(self.index_keys, np.array(keys, np.int64)).tolist()
        out = []
        for ident, key, at in zip(idents, keys, starts, strict=True):
            candidates = list(self.recent.get(key, ()))
            while at < len(self.index_keys) and self.index_keys[at] == key:
                candidates.append(int(self.index_rows[at]))
                at += 1
            out.append(next((r for r in candidates if self.alive[r] and self.ident(r) == ident), -1))
        return out

    def _reindex(self) -> None:
        """Sort the rows appended since the index was sorted into it."""
        keys = np.fromiter((k for k, rows in self.recent.items() for _ in rows), np.int64)
        rows = np.fromiter((r for found in self.recent.values() for r in found), np.int32)
        keys, rows = np.concatenate([self.index_keys, keys]), np.concatenate([self.index_rows, rows])
        order = np.argsort(keys, kind="stable")
        self.index_keys, self.index_rows, self.recent = keys[order], rows[order], {}

    def nbytes(self) -> int:
        """The bytes the arrays and the id buffer take."""
        arrays = (self.student, self.time, self.score, self.alive, self.id_end, self.index_keys, self.index_rows)
        links = (self.link_row, self.link_concept, self.link_alive)
        return sum(a.nbytes for a in (*arrays, *links)) + len(self.ids)
