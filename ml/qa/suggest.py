"""What an answer points a student to: the prerequisites they have not mastered, and materials to read next.

Apart from ``ml.qa.answer`` (what the answer says): these read the curriculum
(``CurriculumLookup``) and the student's mastery, never the question.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from graph.doubt import Doubt
from graph.model import Material, MaterialType

if TYPE_CHECKING:
    from ml.qa.naming import ConceptNames

__all__ = ["CurriculumLookup", "WeakPrerequisite", "suggestions", "weak_prerequisites"]


class CurriculumLookup(Protocol):
    """What answering needs from the knowledge graph."""

    def materials(self, ids: Sequence[str]) -> list[Material | None]:
        """Materials in the order of ``ids`` (None where missing)."""
        ...

    def prerequisites(self, concept: str) -> list[str]:
        """Every prerequisite of ``concept`` (transitively), nearest first."""
        ...

    def materials_teaching(self, concept: str) -> list[str]:
        """Ids of the materials that teach ``concept``."""
        ...

    def mastery(self, student: str, concepts: Sequence[str]) -> dict[str, float]:
        """The student's mastery of ``concepts``, as ``Student.mastery(conceptIds:)`` gives it; {} for a newcomer.

        A concept the student never answered is predicted from their history, as a
        learning path predicts it: counted as mastered, it was never a weak prerequisite.
        """
        ...

    def concept_names(self) -> ConceptNames:
        """Every concept's label, indexed for ``ConceptNames.named_in`` (built once per set of labels)."""
        ...

    def doubt(self, student: str) -> Doubt:
        """What the student's repeated failures make of their mastery, as their learning path counts it."""
        ...


@dataclass(frozen=True, slots=True)
class WeakPrerequisite:
    """A prerequisite of the question's concepts that the student has not mastered."""

    concept: str
    probability: float
    needed_for: tuple[str, ...]
    #: the mastery a learning path counts: ``probability``, halved where the student keeps failing it or one it builds
    planned: float
    #: the concept the student keeps failing that builds on this one (why ``planned`` is lower)
    doubted_by: str | None
    #: whether the student keeps failing this concept itself
    struggling: bool


def weak_prerequisites(
    concepts: Sequence[str],
    mastery: dict[str, float],
    lookup: CurriculumLookup,
    below: float,
    doubt: Doubt | None = None,
) -> list[WeakPrerequisite]:
    """The prerequisites of ``concepts`` whose mastery, as the student's learning path counts it, is ``below``.

    Weakest first. ``doubt``: a prerequisite of a concept the student keeps failing counts
    at half, as the path counts it: the path said "revisit the coordinate plane first"
    while an answer about slope, beside it, named no weak prerequisite. A prerequisite
    missing from ``mastery`` (a newcomer's: nothing is known yet) is not weak.
    """
    doubt = doubt if doubt is not None else Doubt(frozenset(), {})
    needed: dict[str, list[str]] = {}
    for concept in concepts:
        for prerequisite in lookup.prerequisites(concept):
            if prerequisite in mastery and doubt.effective(prerequisite, mastery[prerequisite]) < below:
                needed.setdefault(prerequisite, []).append(concept)
    found = [
        WeakPrerequisite(
            p,
            mastery[p],
            tuple(dict.fromkeys(c)),
            doubt.effective(p, mastery[p]),
            doubt.doubted.get(p),
            p in doubt.failing,
        )
        for p, c in needed.items()
    ]
    return sorted(found, key=lambda w: (w.planned, w.concept))


def prerequisites_of(concepts: Sequence[str], lookup: CurriculumLookup) -> list[str]:
    """Every prerequisite of ``concepts``, each once, nearest first."""
    return list(dict.fromkeys(p for c in concepts for p in lookup.prerequisites(c)))


def suggestions(
    first: Sequence[str], weak: Sequence[WeakPrerequisite], lookup: CurriculumLookup, limit: int
) -> list[str]:
    """Evidence materials, then explanations and examples of the weakest prerequisites."""
    out = list(dict.fromkeys(first))
    teaching = [[m for m in lookup.materials_teaching(w.concept) if m not in out] for w in weak]
    kinds = {m.id: m.type for m in lookup.materials([m for ms in teaching for m in ms]) if m is not None}
    order = {MaterialType.EXPLANATION: 0, MaterialType.EXAMPLE: 1}
    for ids in teaching:
        out += [
            m for m in sorted(ids, key=lambda m: (order.get(kinds.get(m, MaterialType.READING), 2), m)) if m not in out
        ]
        if len(out) >= limit:
            break
    return out[:limit]
