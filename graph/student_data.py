"""A per-process cache of each student's mastery estimates and attempts.

Why: a learning path or a recommendation reads the student's estimates and attempts on
every request, a mastery read the estimates of a student it has usually just seen, and
a student's data changes only when that student's attempts are recorded. Reading it
from the store costs milliseconds that grow with the student's history (and with the
store's churn: every attempt replaces estimates); the cache answers in microseconds.

How it stays right: every write of this process reaches ``on_write`` (a
``KnowledgeGraph`` listener), which drops the entries of the students the written
triples name (``pw:student``), and of a student deleted whole (``graph.forget``: their
``rdf:type pw:Student`` goes). A deleted concept or material, which takes a
``pw:concept`` or ``pw:material`` from attempts without naming their students, drops
everything. A revision the cache did not see (another process wrote
to a shared store, and the projection noticed) drops everything. Bounded: the least
recently used students go first.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from rdflib import Literal

from graph.attempts import attempts_of
from graph.ids import id_of
from graph.mastery import read_estimates
from graph.model import Attempt, MasteryEstimate
from graph.rdf_mapping import Triple
from graph.repository import KnowledgeGraph
from graph.vocab import PW, RDF

__all__ = ["StudentData", "StudentDataCache", "cached_student_data", "student_data"]


@dataclass(frozen=True)
class StudentData:
    """What the planners and the mastery reads need about one student."""

    estimates: dict[str, MasteryEstimate]  # by concept
    attempts: tuple[Attempt, ...]

    @property
    def probabilities(self) -> dict[str, float]:
        """The stored probability of each concept with an estimate."""
        return {concept: e.probability for concept, e in self.estimates.items()}


class StudentDataCache:
    """Students' estimates and attempts, read once and kept in step with this process's writes."""

    def __init__(self, kg: KnowledgeGraph, capacity: int = 10_000) -> None:
        self.kg = kg
        self.capacity = capacity
        self.revision = kg.revision
        self._entries: OrderedDict[str, StudentData] = OrderedDict()
        self._lock = threading.Lock()

    def peek(self, student: str) -> StudentData | None:
        """The student's data if it is cached and current; never reads the store."""
        with self._lock:
            if self.revision != self.kg.revision:
                return None
            return self._entries.get(student)

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
        estimates = {e.concept: e for e in read_estimates(self.kg.store, [student])[student]}
        data = StudentData(estimates, tuple(attempts_of(self.kg, [student])[student]))
        with self._lock:
            if self.revision == revision:  # no write came in while reading
                self._entries[student] = data
                while len(self._entries) > self.capacity:
                    self._entries.popitem(last=False)
        return data

    def on_write(self, deletes: Sequence[Triple], inserts: Sequence[Triple], revision: int) -> None:
        """Follow a write: fold new estimates and attempts into cached students, drop the rest.

        Recording attempts writes the attempts and replaces the student's estimates of
        the concepts they touch; those are applied to a cached entry in place, so a
        student who writes often is not re-read from the store after every write. Any
        other change to a student's data (a deletion that is not a replacement, a node
        of a kind not followed here) drops their entry.
        """
        changes, dropped = _changes(deletes, inserts)
        replaced = {s for s, _, _ in inserts}
        # a concept or material deleted: attempts lose it (and estimates go) for students this write does not name
        unnamed = any(p in (PW.concept, PW.material) and s not in replaced for s, p, _ in deletes)
        with self._lock:
            if self.revision != revision - 1 or unnamed:
                self._entries.clear()
                self.revision = revision
                return
            self.revision = revision
            for student in dropped:
                self._entries.pop(student, None)
            for student, (estimates, attempts) in changes.items():
                entry = self._entries.get(student)
                if entry is None or student in dropped:
                    continue
                history = sorted((*entry.attempts, *attempts), key=lambda a: (a.timestamp, a.id))
                self._entries[student] = StudentData({**entry.estimates, **estimates}, tuple(history))


def _changes(
    deletes: Sequence[Triple], inserts: Sequence[Triple]
) -> tuple[dict[str, tuple[dict[str, MasteryEstimate], list[Attempt]]], set[str]]:
    """Per student, the estimates and attempts a write adds; and the students it changes otherwise."""
    subjects: dict[object, dict[object, list[object]]] = defaultdict(lambda: defaultdict(list))
    for s, p, o in inserts:
        subjects[s][p].append(o)
    dropped = {id_of(str(s)) for s, p, o in deletes if p == RDF.type and o == PW.Student}
    # A deleted attempt leaves its student's history, even when the same write types its id
    # again (a void's pw:VoidedAttempt marker): the cache kept the answer until a restart.
    gone = {s for s, p, o in deletes if p == RDF.type and o == PW.Attempt}
    dropped |= {id_of(str(o)) for s, p, o in deletes if p == PW.student and (s not in subjects or s in gone)}
    changes: dict[str, tuple[dict[str, MasteryEstimate], list[Attempt]]] = defaultdict(lambda: ({}, []))
    for subject, props in subjects.items():
        if PW.student not in props:
            continue
        student = id_of(str(props[PW.student][0]))
        kinds = props.get(RDF.type, [])
        try:
            if PW.Mastery in kinds:
                estimate = _estimate(student, props)
                changes[student][0][estimate.concept] = estimate
            elif PW.Attempt in kinds:
                changes[student][1].append(_attempt(str(subject), student, props))
            else:
                dropped.add(student)
        except (KeyError, ValueError, TypeError):
            dropped.add(student)  # not a shape this cache follows: read it again
    return changes, dropped


def _estimate(student: str, props: dict[object, list[object]]) -> MasteryEstimate:
    """An estimate from its inserted triples (the inverse of ``graph.mastery.estimate_triples``)."""
    stamp = props[PW.updatedAt][0]
    when = stamp.toPython() if isinstance(stamp, Literal) else None
    if not isinstance(when, datetime):
        raise ValueError(f"estimate of {student}: updatedAt {stamp!r}")
    return MasteryEstimate(
        student,
        id_of(str(props[PW.concept][0])),
        float(str(props[PW.probability][0])),
        str(props[PW.modelVersion][0]),
        when,
    )


def _attempt(subject: str, student: str, props: dict[object, list[object]]) -> Attempt:
    """An attempt from its inserted triples (the inverse of ``attempt_triples``)."""
    stamp = props[PW.timestamp][0]
    when = stamp.toPython() if isinstance(stamp, Literal) else None
    if not isinstance(when, datetime):
        raise ValueError(f"attempt {subject}: timestamp {stamp!r}")
    material = props.get(PW.material)
    source = props.get(PW.source)
    return Attempt(
        id=id_of(subject),
        student=student,
        timestamp=when,
        score=float(str(props[PW.score][0])),
        material=id_of(str(material[0])) if material else None,
        concepts=tuple(sorted(id_of(str(c)) for c in props.get(PW.concept, []))),
        source=str(source[0]) if source else "",
    )


_CACHES: weakref.WeakKeyDictionary[KnowledgeGraph, StudentDataCache] = weakref.WeakKeyDictionary()
_CACHES_LOCK = threading.Lock()


def _cache_of(kg: KnowledgeGraph) -> StudentDataCache:
    """The graph's cache, created (and subscribed to its writes) on first use."""
    with _CACHES_LOCK:
        cache = _CACHES.get(kg)
        if cache is None:
            cache = _CACHES[kg] = StudentDataCache(kg)
            kg.listeners.append(cache.on_write)
    return cache


def cached_student_data(kg: KnowledgeGraph, student: str) -> StudentData | None:
    """The student's data if this process has it cached and current (no store read)."""
    return _cache_of(kg).peek(student)


def student_data(kg: KnowledgeGraph, student: str) -> StudentData:
    """The student's estimates and attempts, through the graph's cache.

    Examples:
        >>> from graph.store import open_store
        >>> kg = KnowledgeGraph(open_store("memory"))
        >>> student_data(kg, "nobody")
        StudentData(estimates={}, attempts=())
    """
    return _cache_of(kg).get(student)
