"""A per-process cache of each student's mastery probabilities and attempts.

Why: a learning path or a recommendation reads the student's estimates and attempts on
every request, and a student's data changes only when that student's attempts are
recorded. Reading it from the store costs milliseconds that grow with the student's
history (the estimates of a student who has worked on thousands of concepts); the
cache answers in microseconds.

How it stays right: every write of this process reaches ``on_write`` (a
``KnowledgeGraph`` listener), which drops the entries of the students the written
triples name (``pw:student``), and of a student deleted whole (``graph.forget``: their
``rdf:type pw:Student`` goes). A revision the cache did not see (another process wrote
to a shared store, and the projection noticed) drops everything. Bounded: the least
recently used students go first.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from graph.attempts import attempts_of
from graph.ids import id_of, iri_of
from graph.model import Attempt
from graph.rdf_mapping import Triple
from graph.repository import KnowledgeGraph
from graph.vocab import PW, RDF

__all__ = ["StudentData", "StudentDataCache", "student_data"]


@dataclass(frozen=True)
class StudentData:
    """What the planners need about one student."""

    probabilities: dict[str, float]
    attempts: tuple[Attempt, ...]


class StudentDataCache:
    """Students' probabilities and attempts, read once and dropped when they change."""

    def __init__(self, kg: KnowledgeGraph, capacity: int = 10_000) -> None:
        self.kg = kg
        self.capacity = capacity
        self.revision = kg.revision
        self._entries: OrderedDict[str, StudentData] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, student: str) -> StudentData:
        """The student's data (read from the store when not cached)."""
        with self._lock:
            if self.revision != self.kg.revision:
                self._entries.clear()
                self.revision = self.kg.revision
            found = self._entries.get(student)
            if found is not None:
                self._entries.move_to_end(student)
                return found
            revision = self.revision
        data = StudentData(_probabilities(self.kg, student), tuple(attempts_of(self.kg, [student])[student]))
        with self._lock:
            if self.revision == revision:  # no write came in while reading
                self._entries[student] = data
                while len(self._entries) > self.capacity:
                    self._entries.popitem(last=False)
        return data

    def on_write(self, deletes: Sequence[Triple], inserts: Sequence[Triple], revision: int) -> None:
        """Drop the students a write names; follow its revision."""
        named = {id_of(str(o)) for triples in (deletes, inserts) for _, p, o in triples if p == PW.student}
        named |= {id_of(str(s)) for s, p, o in deletes if p == RDF.type and o == PW.Student}
        with self._lock:
            for student in named:
                self._entries.pop(student, None)
            if self.revision == revision - 1:
                self.revision = revision
            else:
                self._entries.clear()
                self.revision = revision


def _probabilities(kg: KnowledgeGraph, student: str) -> dict[str, float]:
    """Every stored probability of the student, by concept (one light query)."""
    rows = kg.store.select(
        f"""SELECT ?c ?p WHERE {{ ?m {PW.student.n3()} {iri_of("student", student).n3()} ;
              {PW.concept.n3()} ?c ; {PW.probability.n3()} ?p }}"""
    )
    return {id_of(str(c)): float(str(p)) for c, p in rows}


_CACHES: weakref.WeakKeyDictionary[KnowledgeGraph, StudentDataCache] = weakref.WeakKeyDictionary()
_CACHES_LOCK = threading.Lock()


def student_data(kg: KnowledgeGraph, student: str) -> StudentData:
    """The student's probabilities and attempts, through the graph's cache.

    Examples:
        >>> from graph.store import open_store
        >>> kg = KnowledgeGraph(open_store("memory"))
        >>> student_data(kg, "nobody")
        StudentData(probabilities={}, attempts=())
    """
    with _CACHES_LOCK:
        cache = _CACHES.get(kg)
        if cache is None:
            cache = _CACHES[kg] = StudentDataCache(kg)
            kg.listeners.append(cache.on_write)
    return cache.get(student)
