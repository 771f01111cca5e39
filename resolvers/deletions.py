"""The mastery model after a curriculum deletion: the students whose attempts lost a link are read again.

Kept apart from ``resolvers.replay`` so the curriculum resolvers load without torch.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from graph.history_changes import history_changes
from graph.repository import KnowledgeGraph

if TYPE_CHECKING:
    from ml.mastery.serving import MasteryService

__all__ = ["following_deletions"]


@contextmanager
def following_deletions(kg: KnowledgeGraph, mastery: MasteryService | None) -> Iterator[None]:
    """Around a write that may delete concepts or materials (``deleteConcept``, ``deleteMaterial``, a prune)
    or reword a material (``updateMaterial``).

    Their attempts stay without the link (``graph.cascade``), so after the write the
    model forgets the states of the students whose attempts lost one, and where it
    placed the deleted concepts by their text: each student's state is replayed from
    the history that is left at their next use, and a concept created again under a
    deleted id is new to the model, as after a restart. The deleted concept's answers
    were still in the state, and its estimate came back with a concept created again
    (an audit). A material deleted or reworded is placed afresh by its wording at its next
    attempt, as after a restart. A switch being prepared reads the students again too (the journal).
    """
    changes = history_changes(kg)  # subscribed before the write
    try:
        yield
    finally:
        changed = changes.take()
        if mastery is not None and (changed.students or changed.concepts or changed.materials):
            with mastery.lock:
                students = list(changed.students)
                if mastery.version is not None:
                    predictor = mastery.predictor
                    predictor.unplace_concepts(changed.concepts)
                    # a reworded exercise keeps its links: who answered it was read by the old wording
                    students += changes.answerers(predictor.unplace_items(changed.materials))
                for student in dict.fromkeys(students):
                    mastery.note_forgotten(student)
                    if mastery.version is not None:
                        mastery.predictor.forget(student)
