"""Concept reads and designer writes: one graph call each."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from graph import translations
from graph.curriculum_scope import concepts_of_curriculum, concepts_without_curriculum
from graph.edit_versions import check_version, version_of
from graph.errors import EditConflict, InvalidInput, NotFound
from graph.id_twins import case_twins
from graph.model import Concept, ConceptDeletion, Prerequisite, Translation
from graph.repository import KnowledgeGraph, Page
from resolvers.deletions import following_deletions

if TYPE_CHECKING:
    from ml.mastery.serving import MasteryService

__all__ = [
    "add_prerequisite",
    "concept_exists",
    "create_concept",
    "delete_concept",
    "list_concepts",
    "remove_prerequisite",
    "remove_translation",
    "set_translation",
    "update_concept",
]


def list_concepts(
    kg: KnowledgeGraph,
    *,
    first: int,
    after: str | None,
    search: str | None,
    curriculum: str | None = None,
    without_curriculum: bool | None = None,
) -> tuple[Page, list[Concept]]:
    """One page of concepts (ids from the projection, records in one round trip), of one curriculum or of none.

    Raises:
        NotFound: ``curriculum`` names none (on ``curriculumId``).
        InvalidInput: both a curriculum and ``without_curriculum``.
    """
    among: Collection[str] | None = None
    if curriculum is not None and without_curriculum is not None:
        raise InvalidInput(
            "curriculumId and withoutCurriculum cannot be given together: give one", field="withoutCurriculum"
        )
    if curriculum is not None:
        among = concepts_of_curriculum(kg, curriculum)
    elif without_curriculum is not None:
        placed_nowhere = concepts_without_curriculum(kg)
        among = placed_nowhere if without_curriculum else set(kg.projection.sorted_concepts()) - placed_nowhere
    page = kg.list_concepts(first=first, after=after, search=search, among=among)
    return page, [c for c in kg.concepts_by_ids(page.ids) if c is not None]


def concept_exists(kg: KnowledgeGraph, ident: str) -> bool:
    """Whether a concept exists (a projection lookup, no store round trip)."""
    return kg.projection.has_concept(ident)


def create_concept(
    kg: KnowledgeGraph, concept: Concept, prerequisites: Sequence[str], warnings: list[str] | None = None
) -> Concept:
    """Add a concept with its direct prerequisites.

    An id a stored concept's differs from only in letter case is taken (real data holds
    such pairs as two things) and said in ``warnings``; another Unicode form of a stored id
    is refused (``graph.id_twins``).
    """
    alike = case_twins("concept", concept.id, kg.projection.dag.nodes)
    created = kg.create_concept(concept, prerequisites)
    if warnings is not None:
        warnings += alike
    return created


def update_concept(
    kg: KnowledgeGraph, ident: str, changes: Mapping[str, object], if_version: str | None = None
) -> Concept:
    """Change some fields of a concept (``if_version``: only if still the version read, ``graph.edit_versions``).

    Read, merged and written under the graph's lock: two updates of different fields read
    the same concept, and the second write put back the field the first had changed.
    """
    with kg.lock:
        try:
            current = kg.concept(ident)
        except NotFound as error:
            error.field = "id"  # a form shows it by the input it names
            raise
        if if_version is not None and version_of(current) != check_version(if_version):
            raise EditConflict("concept", ident)
        return kg.update_concept(replace(current, **changes))  # type: ignore[arg-type]


def delete_concept(kg: KnowledgeGraph, ident: str, mastery: MasteryService | None = None) -> ConceptDeletion:
    """Delete a concept and every link to it; say what went with it.

    The model reads the histories of the students who answered on it again (``following_deletions``).
    """
    with following_deletions(kg, mastery):
        return kg.delete_concept(ident)


def add_prerequisite(
    kg: KnowledgeGraph, concept: str, prerequisite: str, strength: float, provenance: str
) -> Prerequisite:
    """Record that ``concept`` requires ``prerequisite`` (refused if it closes a cycle)."""
    return kg.add_prerequisite(concept, prerequisite, strength=strength, provenance=provenance)


def remove_prerequisite(kg: KnowledgeGraph, concept: str, prerequisite: str) -> Prerequisite:
    """Forget a prerequisite edge; return what it was (strength and provenance as stored)."""
    return kg.remove_prerequisite(concept, prerequisite)


def set_translation(
    kg: KnowledgeGraph,
    concept: str,
    translation: Translation,
    *,
    keep_alt_labels: bool,
    keep_definition: bool = False,
    if_version: str | None = None,
) -> Concept:
    """Create or replace a concept's values in one language; the others stay (``if_version``: only if unchanged)."""
    return translations.set_translation(
        kg,
        concept,
        translation,
        keep_alt_labels=keep_alt_labels,
        keep_definition=keep_definition,
        if_version=if_version,
    )


def remove_translation(kg: KnowledgeGraph, concept: str, language: str) -> Concept:
    """Remove a concept's values in one language."""
    return translations.remove_translation(kg, concept, language)
