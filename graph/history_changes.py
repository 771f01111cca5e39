"""Students whose stored history a curriculum deletion changed, for the mastery model to read again.

Deleting a concept or a material (``deleteConcept``, ``deleteMaterial``, an import's
prune: ``graph.cascade``) takes its ``pw:concept`` or ``pw:material`` link from the
attempts that name it; the attempts stay. The mastery model's state of their students
was built from the history as it was, and a concept created again under the id
inherited the deleted one's estimate until a restart replayed the history that is
left (an audit). ``HistoryChanges`` follows every write of this process (a
``KnowledgeGraph`` listener) and notes those attempts and the concepts deleted;
``take`` answers them once, with the attempts' students, for the caller to drop the
model's states (``resolvers.replay.following_deletions``).

A write that deletes an attempt or an estimate whole (a void, ``graph.forget``, a
rewritten estimate: its ``rdf:type`` goes with it) is not a change of this kind: the
paths that make them replay or forget the students themselves.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass

from rdflib import URIRef
from rdflib.term import Node

from graph import queries
from graph.ids import id_of, iri_of
from graph.rdf_mapping import Triple
from graph.repository import KnowledgeGraph
from graph.triple_store import TripleStore, select_text
from graph.vocab import PW, RDF, SDO, SKOS

__all__ = ["ChangedHistories", "HistoryChanges", "history_changes"]

_LINKS = (PW.concept, PW.material)
_WORDING = (SDO.name, SDO.text)  # what the model reads a material by (``ml.mastery.data.material_texts``)
_WHOLE = (PW.Attempt, PW.Mastery)


@dataclass(frozen=True)
class ChangedHistories:
    """What deletions changed since the last ``take``: the students, and the concepts deleted (ids, sorted)."""

    students: tuple[str, ...] = ()
    concepts: tuple[str, ...] = ()
    materials: tuple[str, ...] = ()  # deleted, or their title or wording changed: the model placed them by it


class HistoryChanges:
    """The attempts that lost a concept or material link, and the concepts deleted, since the last ``take``."""

    def __init__(self, store: TripleStore) -> None:
        self.store = store  # not the graph: the registry below holds the follower weakly by it
        self._attempts: set[Node] = set()
        self._concepts: set[str] = set()
        self._materials: set[str] = set()
        self._lock = threading.Lock()

    def on_write(self, deletes: Sequence[Triple], inserts: Sequence[Triple], revision: int) -> None:
        """Note the links a write took from attempts that stay (a ``KnowledgeGraph`` listener)."""
        if not any(p in _LINKS or p in _WORDING or (p == RDF.type and o == SKOS.Concept) for _, p, o in deletes):
            return  # most writes: attempts recorded, estimates replaced, a label edited
        whole = {s for s, p, o in deletes if p == RDF.type and o in _WHOLE}
        written = set(inserts)
        attempts = {s for s, p, o in deletes if p in _LINKS and s not in whole and (s, p, o) not in written}
        concepts = {
            id_of(str(s))
            for s, p, o in deletes
            if p == RDF.type and o == SKOS.Concept and (s, p, o) not in written and isinstance(s, URIRef)
        }
        materials = {
            id_of(str(s))
            for s, p, o in deletes
            if (p in _WORDING or (p == RDF.type and o == SDO.LearningResource))
            and (s, p, o) not in written
            and isinstance(s, URIRef)
        }
        if attempts or concepts or materials:
            with self._lock:
                self._attempts |= attempts
                self._concepts |= concepts
                self._materials |= materials

    def take(self) -> ChangedHistories:
        """What was noted, with the students of the attempts (read from the store), and forget it."""
        with self._lock:
            attempts, self._attempts = sorted(self._attempts, key=str), set()
            concepts, self._concepts = sorted(self._concepts), set()
            materials, self._materials = sorted(self._materials), set()
        students: set[str] = set()
        for chunk in queries.in_chunks(attempts):
            rows = select_text(
                self.store,
                f"SELECT DISTINCT ?s WHERE {{ VALUES ?a {{ {' '.join(a.n3() for a in chunk)} }} "
                f"?a a {PW.Attempt.n3()} ; {PW.student.n3()} ?s }}",
            )
            students |= {id_of(row[0]) for row in rows if row[0] is not None}
        return ChangedHistories(tuple(sorted(students)), tuple(concepts), tuple(materials))

    def answerers(self, materials: Sequence[str]) -> tuple[str, ...]:
        """The students with an attempt on any of ``materials`` (a reworded exercise's: read by its old wording)."""
        students: set[str] = set()
        for chunk in queries.in_chunks(list(materials)):
            rows = select_text(
                self.store,
                f"SELECT DISTINCT ?s WHERE {{ VALUES ?m {{ {' '.join(iri_of('material', m).n3() for m in chunk)} }} "
                f"?a {PW.material.n3()} ?m ; a {PW.Attempt.n3()} ; {PW.student.n3()} ?s }}",
            )
            students |= {id_of(row[0]) for row in rows if row[0] is not None}
        return tuple(sorted(students))


_FOLLOWERS: weakref.WeakKeyDictionary[KnowledgeGraph, HistoryChanges] = weakref.WeakKeyDictionary()
_FOLLOWERS_LOCK = threading.Lock()


def history_changes(kg: KnowledgeGraph) -> HistoryChanges:
    """The graph's follower, created (and subscribed to its writes) on first use: call it before the write.

    Examples:
        >>> from graph.store import open_store
        >>> kg = KnowledgeGraph(open_store("memory"))
        >>> history_changes(kg) is history_changes(kg), history_changes(kg).take()
        (True, ChangedHistories(students=(), concepts=(), materials=()))
    """
    with _FOLLOWERS_LOCK:
        follower = _FOLLOWERS.get(kg)
        if follower is None:
            follower = _FOLLOWERS[kg] = HistoryChanges(kg.store)
            with kg.lock:  # not while a commit runs the listeners
                kg.listeners.append(follower.on_write)
    return follower
