"""Asking questions of the materials: the graph gives the curriculum, the QA service answers.

``GraphLookup`` is the service's window on the graph (materials, prerequisites, a
student's mastery as ``Student.mastery`` gives it); ``attach`` keeps the service's index
in step with material writes and reconciles it with the graph in the background.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Collection, Sequence

from graph import queries
from graph.doubt import Doubt
from graph.errors import InvalidInput
from graph.ids import id_of
from graph.mastery import read_estimates
from graph.material_changes import on_material_change
from graph.model import Material
from graph.recommend import revisited_prerequisites, struggling_concepts
from graph.repository import KnowledgeGraph
from graph.student_data import cached_student_data, student_data
from ml.mastery.serving import MasteryService
from ml.qa.answer import Answer
from ml.qa.naming import ConceptNames
from ml.qa.serving import QaService
from resolvers.student_reads import mastery_of

__all__ = ["MAX_QUESTION", "GraphLookup", "all_materials", "ask", "attach"]

MAX_QUESTION = 1000
"""Longest question accepted, in characters."""


class GraphLookup:
    """The curriculum as answering needs it (a ``ml.qa.answer.CurriculumLookup``).

    ``served`` and ``unsettled``: the served mastery model, and whether the student's
    stored estimates may lag it (``Context.estimates_may_lag``), so that the mastery read
    is the one ``Student.mastery`` gives.
    """

    def __init__(self, kg: KnowledgeGraph, served: MasteryService | None = None, *, unsettled: bool = False) -> None:
        self.kg = kg
        self.served = served
        self.unsettled = unsettled

    def materials(self, ids: Sequence[str]) -> list[Material | None]:
        """Materials in the order of ``ids``."""
        return self.kg.materials_by_ids(ids) if ids else []

    def prerequisites(self, concept: str) -> list[str]:
        """Every prerequisite, nearest first (none for an unknown concept)."""
        if not self.kg.projection.has_concept(concept):
            return []
        return self.kg.prerequisites_of(concept, transitive=True)

    def materials_teaching(self, concept: str) -> list[str]:
        """Materials that teach ``concept``, by id."""
        return sorted(self.kg.projection.teaches.get(concept, ()))

    def mastery(self, student: str, concepts: Sequence[str]) -> dict[str, float]:
        """The student's mastery of ``concepts``, as ``Student.mastery(conceptIds:)`` gives it (``mastery_of``).

        Read from the store alone, the figures lagged the model for up to half a minute
        after an answer (until the settler rewrote them): the weak prerequisites of an
        answer said 0.42 where the mastery screen beside it said 0.23. A prerequisite the
        student never answered has no stored estimate and was counted as mastered: after
        four right answers on factoring out a GCF, "how do I solve a quadratic by
        factoring?" named no weak prerequisite where the learning path made the zero
        product property a step; it is predicted from the history now, as the path
        predicts it. A newcomer (nothing stored) gets {}: no history, nothing to doubt.
        Without a served model, the stored estimates, as nothing can move them.
        """
        cached = cached_student_data(self.kg, student)
        stored = (
            list(cached.estimates.values()) if cached is not None else read_estimates(self.kg.store, [student])[student]
        )
        if not stored or not concepts:
            return {}
        if self.served is None:
            wanted = set(concepts)
            return {e.concept: e.probability for e in stored if e.concept in wanted}
        found = mastery_of(self.kg, self.served, student, concepts, stored=stored, unsettled=self.unsettled)
        return {e.concept: e.probability for e in found}

    def doubt(self, student: str) -> Doubt:
        """The concepts the student keeps failing and what they build on, as ``learningPath`` reads them."""
        attempts = student_data(self.kg, student).attempts
        struggling = struggling_concepts(attempts)
        dag = self.kg.projection.dag
        return Doubt.of(dag, struggling, revisited=revisited_prerequisites(attempts, dag, struggling))

    def concept_names(self) -> ConceptNames:
        """Every concept's label, indexed once per state of the labels (``KnowledgeGraph.labels_revision``)."""
        with _NAMES_LOCK:
            built = _NAMES.get(self.kg)
            if built is None or built[0] != self.kg.labels_revision:
                projection = self.kg.projection
                aliases: dict[str, list[str]] = {}
                for iri, other in queries.other_labels(self.kg.store):  # alternative labels, other languages'
                    aliases.setdefault(id_of(iri), []).append(other)
                names = ConceptNames({c: projection.label(c) for c in projection.dag.nodes}, aliases)
                built = _NAMES[self.kg] = (self.kg.labels_revision, names)
            return built[1]


_NAMES: weakref.WeakKeyDictionary[KnowledgeGraph, tuple[int, ConceptNames]] = weakref.WeakKeyDictionary()
"""Each graph's indexed concept labels, with the state of the labels they were built from."""
_NAMES_LOCK = threading.Lock()


def all_materials(kg: KnowledgeGraph) -> list[Material]:
    """Every material of the graph (one round trip)."""
    return [m for m in kg.materials_by_ids(sorted(kg.projection.material_ids)) if m is not None]


def ask(
    kg: KnowledgeGraph,
    qa: QaService,
    question: str,
    student: str | None,
    keys_shown: Collection[str] | None = None,
    *,
    served: MasteryService | None = None,
    unsettled: bool = False,
) -> Answer:
    """Answer ``question`` from the materials, personalised for ``student`` when given.

    ``keys_shown``: the exercises whose answer keys the asker may read (None: all;
    ``auth.answer_keys``): a student is not answered from a key they may not read.
    ``served`` and ``unsettled``: the student's mastery is read as ``Student.mastery``
    reads it (``GraphLookup``).

    A student with nothing stored yet (a new account's first question) is answered as a
    newcomer, with no weak prerequisites, as ``learningPath`` plans a newcomer's path; it
    was NOT_FOUND.
    """
    question = " ".join(question.split())
    if not question:
        raise InvalidInput("the question is empty: write what you want to know", field="question")
    if len(question) > MAX_QUESTION:
        raise InvalidInput(
            f"the question is too long ({len(question)} characters; at most {MAX_QUESTION}): ask about one thing",
            field="question",
        )
    return qa.ask(question, GraphLookup(kg, served, unsettled=unsettled), student, keys_shown)


def attach(kg: KnowledgeGraph, qa: QaService, *, background: bool = True) -> None:
    """Keep ``qa``'s index in step with material writes, and sync it with the graph now."""
    # Any subject whose name or text changed: a material deleted before the first sync
    # indexed it must still reach the index, and other subjects fetch as None (ignored).
    listener = on_material_change(kg, lambda ids: qa.materials_changed(ids, kg.materials_by_ids), known=lambda m: True)
    qa.on_close(lambda: kg.listeners.remove(listener))
    if background:
        qa.start_sync(lambda: all_materials(kg), kg.materials_by_ids)
    else:
        qa.sync(all_materials(kg))
