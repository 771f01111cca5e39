"""The mastery model's state of a student, replayed from the graph.

The model keeps a state per student in memory; on first use, after a restart or a
model switch, it is rebuilt from the student's stored attempts. Before it reads them,
the exercises and concepts it was not trained on are placed by their text, so a new
one is placed the same way whether its attempts arrive now or are replayed later.
"""

from __future__ import annotations

from collections.abc import Sequence

from graph.attempts import attempts_of
from graph.bundle import CurriculumBundle
from graph.model import Attempt
from graph.repository import KnowledgeGraph
from ml.mastery.data import concept_texts, material_texts
from ml.mastery.predict import OnlineMastery
from ml.mastery.serving import HistoryLoader, MasteryService

__all__ = ["history_loader", "place_new", "reload_histories", "with_new_placed"]


def history_loader(kg: KnowledgeGraph, mastery: MasteryService) -> HistoryLoader:
    """Stored attempts of students, for replaying them into the served model (what is new to it placed first)."""

    def load(students: Sequence[str]) -> dict[str, list[Attempt]]:
        return with_new_placed(kg, mastery.predictor, attempts_of(kg, students))

    return load


def with_new_placed(
    kg: KnowledgeGraph, predictor: OnlineMastery, histories: dict[str, list[Attempt]]
) -> dict[str, list[Attempt]]:
    """Histories about to be replayed, once the exercises and concepts in them new to the model are placed."""
    place_new(kg, predictor, [a for h in histories.values() for a in h])
    return histories


def place_new(
    kg: KnowledgeGraph,
    predictor: OnlineMastery,
    attempts: Sequence[Attempt],
    *,
    creating: CurriculumBundle | None = None,
) -> None:
    """Give the model the text of the exercises and concepts it was not trained on, before it reads attempts on them.

    A new exercise or concept is then placed by its wording (``PathwiseKT.add_items``,
    ``add_concepts``) the same way whether its attempts arrive now or are replayed after
    a restart or a model switch. A model trained without item texts has nothing to read
    them with: the materials stay unknown items. ``creating``: concepts written in the
    same transaction as the attempts, not in the graph yet.
    """
    if predictor.model.item_text_table is not None:
        known_items = predictor.model.items.index
        unknown_items = sorted({a.material for a in attempts if a.material and a.material not in known_items})
        if unknown_items:
            predictor.add_items(material_texts(m for m in kg.materials_by_ids(unknown_items) if m is not None))
    concepts = {c for a in attempts for c in a.concepts}
    known = predictor.model.concepts.index
    unknown = sorted(c for c in concepts if c not in known and kg.projection.has_concept(c))
    placed = [c for c in kg.concepts_by_ids(unknown) if c is not None]
    if creating is not None:
        placed += [c for c in creating.concepts if c.id in concepts and c.id not in known]
    if placed:
        predictor.add_concepts(concept_texts(placed))


def reload_histories(kg: KnowledgeGraph, predictor: OnlineMastery, histories: dict[str, list[Attempt]]) -> None:
    """Replay these histories; a student with none (forgotten) keeps no state at all."""
    for student in [s for s, history in histories.items() if not history]:
        predictor.forget(student)
    predictor.replay(with_new_placed(kg, predictor, {s: h for s, h in histories.items() if h}))
