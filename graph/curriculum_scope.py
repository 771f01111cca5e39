"""Which concepts belong to a curriculum, and which to none: what listings and recommendations scope by.

Membership (``skos:inScheme``) is read from the store, not kept in the projection: it is
asked for per request, and a curriculum's concepts are one indexed pattern.
"""

from __future__ import annotations

from graph import queries
from graph.errors import NotFound
from graph.ids import id_of, iri_of
from graph.repository import KnowledgeGraph
from graph.vocab import SKOS

__all__ = ["concepts_of_curriculum", "concepts_without_curriculum"]


def concepts_of_curriculum(kg: KnowledgeGraph, curriculum: str, *, field: str = "curriculumId") -> set[str]:
    """The ids of the concepts in ``curriculum``.

    Raises:
        NotFound: there is no such curriculum (``field`` names the argument).
    """
    if curriculum not in kg.projection.curriculum_ids:
        raise NotFound("curriculum", curriculum, field=field)
    return {id_of(iri) for iri in queries.concepts_in_curriculum(kg.store, iri_of("curriculum", curriculum))}


def concepts_without_curriculum(kg: KnowledgeGraph) -> set[str]:
    """The ids of the concepts in no curriculum: left by ``deleteCurriculum`` or an import with a dangling scheme."""
    rows = kg.store.select(f"SELECT DISTINCT ?c WHERE {{ ?c {SKOS.inScheme.n3()} ?s }}")
    placed = {id_of(str(r[0])) for r in rows if r[0] is not None}
    return {c for c in kg.projection.sorted_concepts() if c not in placed}
