"""A per-process table of every stored attempt, in memory, for the cohort reports.

Why: ``conceptDifficulty`` and ``masteryTrend`` read every member's attempts. Read from
the store (``attempts_of``) that is about 55 µs an attempt: a district of 15,280
students and 544,546 attempts took 30-34 s a report, 31 s of it in Oxigraph. This
table holds what those figures read of each attempt (student, time, score, concepts,
and the id that breaks a tie in time), so a report over the district takes a fraction
of a second once the table is loaded (``python -m bench.cohorts --attempts-store``
measures both). Per-student reads (evidence, exports, replays) still read the store: they need
the whole attempt (material, source) and read a few.

How it stays right: it is loaded from the store once, in one ``select`` that also reads
the graph's revision (the same snapshot), without holding ``kg.lock``: writes go on
during the load and are kept aside, then replayed from that revision on under the lock
(a short hold). After that every write of this process reaches ``on_write`` (a
``KnowledgeGraph`` listener): an attempt written whole (``attempt_triples``) is added; an
attempt whose ``rdf:type pw:Attempt`` is deleted (a void, ``graph.forget``) is dropped; a
``pw:concept`` deleted from an attempt (a deleted concept) leaves it, and one added joins
it. A write it cannot place (half an attempt, a second time or score, an attempt stored
again) marks it dirty, and a revision it did not see (another process wrote to a shared
store, and the projection noticed) makes the next read reload it whole. A forgotten
student (``rdf:type pw:Student`` deleted) loses their key at once, even while dirty.

Memory: per attempt, a student index (4 bytes), its time in microseconds (8), its score
(8), a live flag (1), the end of its id in one UTF-8 buffer (8) and the id itself (40
bytes for the keyed ids imports and the API store: ``attempt-`` and 32 hex digits), 12
bytes of the id index, and 9 bytes per (attempt, concept) link: 90 bytes an attempt on
one concept. Measured (``nbytes``) over the assist2015 district's 551,932 attempts: 47.4
MiB, 90 bytes an attempt; the process's resident memory grew 84 MiB over the load
(``python -m bench.cohorts --attempts-store``). Rows a void or a forget dropped are kept
(flagged) until they are a quarter of the table, then it is compacted.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from graph.attempt_columns import COMPACT_AFTER, AttemptColumns, micros
from graph.attempts import stored_time
from graph.cohort_attempts import CohortAttempts
from graph.errors import InvalidInput
from graph.ids import id_of
from graph.rdf_mapping import Triple
from graph.repository import KnowledgeGraph
from graph.store import StreamInterrupted, TripleStore, stream_text
from graph.vocab import GRAPH_IRI, ID, PW, RDF

__all__ = ["AttemptTable", "attempt_table", "current_attempt_table", "load_rows"]

Row = tuple[str | None, ...]
"""One row of the load: attempt IRI, student IRI, time and score (texts), a concept IRI, the revision."""

GIVE_WAY = 3
"""Loads that stop for a swap of the store's files (a forget's rewrite) before one holds the store to the end."""

_MASTERY_PREFIX = f"{ID}mastery/"  # estimates also carry pw:student and pw:concept
_FIELDS = {PW.student: "student", PW.timestamp: "time", PW.score: "score"}


@dataclass
class _Node:
    """What one write does to one attempt node."""

    gone: bool = False  # its rdf:type pw:Attempt deleted
    unset: bool = False  # a student, time or score deleted
    unlinked: list[str] = field(default_factory=list)
    typed: bool = False  # rdf:type pw:Attempt inserted
    values: dict[str, list[str]] = field(default_factory=dict)
    linked: list[str] = field(default_factory=list)


def _nodes(deletes: Sequence[Triple], inserts: Sequence[Triple]) -> dict[str, _Node]:
    """The attempt nodes a write touches, by id (estimate nodes, which share predicates, left out)."""
    nodes: dict[str, _Node] = {}

    def node(subject: object) -> _Node | None:
        text = str(subject)
        return None if text.startswith(_MASTERY_PREFIX) else nodes.setdefault(id_of(text), _Node())

    for s, p, o in deletes:
        if (p == RDF.type and o == PW.Attempt) or p == PW.concept or p in _FIELDS:
            found = node(s)
            if found is None:
                continue
            if p == RDF.type:
                found.gone = True
            elif p == PW.concept:
                found.unlinked.append(id_of(str(o)))
            else:
                found.unset = True
    for s, p, o in inserts:
        if (p == RDF.type and o == PW.Attempt) or p == PW.concept or p in _FIELDS:
            found = node(s)
            if found is None:
                continue
            if p == RDF.type:
                found.typed = True
            elif p == PW.concept:
                found.linked.append(id_of(str(o)))
            else:
                found.values.setdefault(_FIELDS[p], []).append(str(o))  # type: ignore[index]
    return nodes


class AttemptTable:
    """Every stored attempt's student, time, score and concepts, kept in step with the graph's writes.

    Examples:
        >>> table = AttemptTable()
        >>> base = "https://w3id.org/pathwise/id/"
        >>> x1 = (f"{base}attempt/x1", f"{base}student/s1", "2026-01-02T10:00:00+00:00", "1")
        >>> rows = [(*x1, f"{base}concept/a", None), (*x1, f"{base}concept/b", None), (None,) * 5 + ("4",),
        ...         (f"{base}attempt/x2", f"{base}student/s2", "2026-01-03T10:00:00+00:00", "0", None, None)]
        >>> table.load(rows)
        >>> len(table), table.revision
        (2, 4)
        >>> group = table.cohort(["s1", "s9"])
        >>> group.students, group.score.tolist(), sorted(group.attempters(1))
        (['s1', 's9'], [1.0], ['a', 'b'])
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()  # the columns
        self.loading = threading.Lock()  # one load at a time; a read that needs one waits for it
        self.revision = -1
        self.dirty = True
        self.loads = 0  # how many times it was read whole from the store
        self.locked_s = 0.0  # how long the last load held kg.lock (to replay the writes made meanwhile)
        self._columns = AttemptColumns()
        self._pending: list[tuple[Sequence[Triple], Sequence[Triple], int]] | None = None

    def __len__(self) -> int:
        """How many attempts the table holds."""
        return self._columns.n - self._columns.dead

    @property
    def nbytes(self) -> int:
        """The bytes its arrays and id buffer take (the memory it holds, less Python's small change)."""
        return self._columns.nbytes()

    def students(self) -> list[str]:
        """The keys of the students it holds attempts of (or held, until a reload)."""
        with self.lock:
            return list(self._columns.students)

    def current(self, revision: int) -> bool:
        """Whether it holds the store as of ``revision`` (the graph's)."""
        with self.lock:
            return not self.dirty and self.revision == revision

    def load(self, rows: Iterable[Row]) -> None:
        """Replace the whole table with the attempts in ``rows`` (``load_rows``), as of their revision."""
        columns, revision = AttemptColumns.read(rows)
        with self.lock:
            self._columns, self.revision, self.dirty = columns, revision, False
            self.loads += 1

    def reload(self, kg: KnowledgeGraph) -> None:
        """Load from the store without holding ``kg.lock``; the writes meanwhile are replayed after, under it.

        The load reads one snapshot of the store, revision included (``load_rows``); a
        write committed meanwhile is kept aside by ``on_write`` and replayed when its
        revision is past the snapshot's. What cannot be made current that way (another
        process wrote) is marked dirty, and the next read loads again.
        """
        with self.lock:
            self._pending = []
        try:
            columns, revision = _read(kg.store)
        except BaseException:
            with self.lock:
                self._pending = None
            raise
        with kg.lock, self.lock:
            locked = time.perf_counter()
            pending, self._pending = self._pending or [], None
            self._columns, self.revision, self.dirty = columns, revision, False
            self.loads += 1
            for deletes, inserts, written in pending:
                if written > revision:  # the snapshot holds the writes up to its revision
                    self._follow(deletes, inserts, written)
            if self.revision > kg.revision and not pending:
                self.revision = kg.revision  # another process wrote: the projection's refresh will reload it
            elif self.revision != kg.revision:
                self.dirty = True
            self.locked_s = time.perf_counter() - locked

    def on_write(self, deletes: Sequence[Triple], inserts: Sequence[Triple], revision: int) -> None:
        """Mirror one committed write (a ``KnowledgeGraph`` listener)."""
        forgotten = [id_of(str(s)) for s, p, o in deletes if p == RDF.type and o == PW.Student]
        with self.lock:
            for student in forgotten:  # even when dirty or loading: the key must not stay until a reload
                self._columns.drop_student(student)
            if self._pending is not None:
                self._pending.append((deletes, inserts, revision))
                return
            self._follow(deletes, inserts, revision)

    def _follow(self, deletes: Sequence[Triple], inserts: Sequence[Triple], revision: int) -> None:
        """Apply one write (under ``lock``), or mark the table dirty when it cannot."""
        if self.dirty or self.revision != revision - 1:
            self.dirty = True
            return
        nodes = _nodes(deletes, inserts)
        if nodes and not self._apply(nodes):
            self.dirty = True
            return
        self.revision = revision

    def _apply(self, nodes: dict[str, _Node]) -> bool:
        """Apply a write's attempt changes; ``False`` (nothing changed) for one it cannot place."""
        columns = self._columns
        rows = dict(zip(nodes, columns.rows_of(list(nodes)), strict=True))
        added: list[tuple[str, str, int, float, list[str]]] = []
        for ident, node in nodes.items():
            row = -1 if node.gone else rows[ident]
            if node.unset and row >= 0:
                return False  # a time or score taken from a stored attempt: is another left?
            if node.typed or node.values:
                values = [node.values.get(f, []) for f in ("student", "time", "score")]
                if row >= 0 or not node.typed or any(len(v) != 1 for v in values):
                    return False  # half an attempt, a second value, or a stored attempt written again
                try:
                    moment = micros(stored_time(values[1][0]))
                    score = float(values[2][0])
                except (InvalidInput, ValueError):
                    return False
                added.append((ident, id_of(values[0][0]), moment, score, list(dict.fromkeys(node.linked))))
        for ident, node in nodes.items():
            row = rows[ident]
            if row < 0:
                continue
            if node.gone:
                columns.kill([row])
                continue
            held = np.flatnonzero(columns.link_alive[: columns.links] & (columns.link_row[: columns.links] == row))
            have = {columns.concept_names[int(columns.link_concept[j])]: int(j) for j in held}
            for concept in node.unlinked:
                if concept in have:
                    columns.link_alive[have.pop(concept)] = False
            for concept in dict.fromkeys(node.linked):
                if concept not in have:
                    columns.link(row, concept)
        for attempt in added:
            columns.append(*attempt)
        if columns.dead > max(COMPACT_AFTER, columns.n // 4):
            columns.compact()
        return True

    def cohort(self, students: Sequence[str], concept: str | None = None) -> CohortAttempts:
        """The attempts of ``students`` (each one's in time order, then id), cut out of the table.

        With ``concept``, only their attempts at it (what a trend reads).
        """
        names = sorted(dict.fromkeys(students))
        with self.lock:
            c = self._columns
            rank = np.full(len(c.student_names), -1, np.int64)
            for place, name in enumerate(names):
                code = c.students.get(name)
                if code is not None:
                    rank[code] = place
            of_row = rank[c.student[: c.n]]
            wanted = c.alive[: c.n] & (of_row >= 0)
            links = c.link_alive[: c.links]
            if concept is not None:
                links = links & (c.link_concept[: c.links] == c.concepts.get(concept, -1))
                wanted &= np.bincount(c.link_row[: c.links][links], minlength=c.n).astype(np.bool_)
            rows = np.flatnonzero(wanted)
            rows = rows[np.lexsort((c.time[rows], of_row[rows]))]
            student, moment = of_row[rows], c.time[rows]
            tied = np.flatnonzero(np.diff(np.r_[0, (student[1:] == student[:-1]) & (moment[1:] == moment[:-1]), 0]))
            for start, end in zip(tied[::2].tolist(), tied[1::2].tolist(), strict=True):  # one time: by id
                rows[start : end + 1] = sorted(rows[start : end + 1].tolist(), key=c.ident)
            position = np.full(c.n, -1, np.int64)
            position[rows] = np.arange(len(rows))
            at = position[c.link_row[: c.links]]
            keep = links & (at >= 0)
            return CohortAttempts(
                names,
                list(c.concept_names),
                of_row[rows],
                c.time[rows],
                c.score[rows],
                at[keep],
                c.link_concept[: c.links][keep].astype(np.int64),
            )


def _read(store: TripleStore) -> tuple[AttemptColumns, int]:
    """The columns and their revision; a load that gave way to a swap is read again (the writes are still kept)."""
    for _ in range(GIVE_WAY):
        try:
            return AttemptColumns.read(load_rows(store))
        except StreamInterrupted:
            continue
    return AttemptColumns.read(load_rows(store, give_way=False))


def load_rows(store: TripleStore, *, give_way: bool = True) -> Iterator[Row]:
    """Every attempt's rows (``Row``, one per concept) and the graph's revision, streamed from one ``select``.

    One query, so one snapshot of the store: the revision is the one its attempts are
    as of. Heavy (every attempt of the store: about 30 µs each on Oxigraph, most of it
    the store's join): what an ``AttemptTable`` loads once per process, not per request.
    With ``give_way`` it stops (``StreamInterrupted``) when a swap of an Oxigraph store's
    files waits for it (``stream_text``).
    """
    return stream_text(
        store,
        f"""SELECT ?a ?s ?t ?score ?c ?rev WHERE {{
          {{ ?a {PW.student.n3()} ?s ; a {PW.Attempt.n3()} ; {PW.timestamp.n3()} ?t ; {PW.score.n3()} ?score .
             OPTIONAL {{ ?a {PW.concept.n3()} ?c }} }}
          UNION {{ {GRAPH_IRI.n3()} {PW.revision.n3()} ?rev }} }}""",
        give_way=give_way,
    )


_TABLES: weakref.WeakKeyDictionary[KnowledgeGraph, AttemptTable] = weakref.WeakKeyDictionary()
_TABLES_LOCK = threading.Lock()


def _table_of(kg: KnowledgeGraph) -> AttemptTable:
    with _TABLES_LOCK:
        table = _TABLES.get(kg)
        if table is None:
            table = _TABLES[kg] = AttemptTable()
            kg.listeners.append(table.on_write)
    return table


def attempt_table(kg: KnowledgeGraph) -> AttemptTable:
    """The graph's attempt table, loaded (or reloaded) when it is not current.

    One table per ``KnowledgeGraph`` object, created on first use and dropped with the
    graph; the first call (and the first after a write it could not follow) pays for
    the load, and a call during a load waits for it. Call it without holding
    ``kg.lock``: a load in another thread needs that lock to finish.

    Examples:
        >>> from graph.store import open_store
        >>> kg = KnowledgeGraph(open_store("memory"))
        >>> table = attempt_table(kg)
        >>> len(table), table is attempt_table(kg), table.current(kg.revision)
        (0, True, True)
    """
    table = _table_of(kg)
    with table.loading:
        if not table.current(kg.revision):
            table.reload(kg)
    return table


def current_attempt_table(kg: KnowledgeGraph) -> AttemptTable | None:
    """The graph's attempt table when it is loaded and current; ``None`` (nothing loaded) otherwise."""
    with _TABLES_LOCK:
        table = _TABLES.get(kg)
    return table if table is not None and table.current(kg.revision) else None
