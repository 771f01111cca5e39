"""Material reads and designer writes: one graph call each."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from graph.curriculum_scope import concepts_of_curriculum
from graph.edit_versions import check_version, version_of
from graph.errors import EditConflict
from graph.id_twins import case_twins
from graph.material_filter import MaterialFilter
from graph.model import Material
from graph.repository import KnowledgeGraph, Page
from resolvers.deletions import following_deletions

if TYPE_CHECKING:
    from ml.mastery.serving import MasteryService

__all__ = ["create_material", "delete_material", "link_material", "list_materials", "update_material"]


def list_materials(
    kg: KnowledgeGraph,
    *,
    first: int,
    after: str | None,
    type: str | None,
    concept: str | None,
    where: MaterialFilter | None = None,
    curriculum: str | None = None,
) -> tuple[Page, list[Material]]:
    """One page of materials, optionally of one type, linked to one concept or to one curriculum's, or by
    accessibility metadata."""
    for_concepts = concepts_of_curriculum(kg, curriculum) if curriculum is not None else None
    page = kg.list_materials(
        first=first, after=after, type=type, concept=concept, where=where, for_concepts=for_concepts
    )
    return page, [m for m in kg.materials_by_ids(page.ids) if m is not None]


def create_material(kg: KnowledgeGraph, material: Material, warnings: list[str] | None = None) -> Material:
    """Add a material linked to existing concepts; an id a stored one's differs from only in case, in ``warnings``."""
    alike = case_twins("material", material.id, kg.projection.material_ids)
    created = kg.create_material(material)
    if warnings is not None:
        warnings += alike
    return created


def update_material(
    kg: KnowledgeGraph,
    ident: str,
    changes: Mapping[str, object],
    if_version: str | None = None,
    mastery: MasteryService | None = None,
) -> Material:
    """Change some fields of a material (``if_version``: only if it is still the version read), under the lock.

    New wording is read by the model afresh, as a restart reads it (``following_deletions``).
    """
    with following_deletions(kg, mastery), kg.lock:
        current = kg.material(ident, field="id")
        if if_version is not None and version_of(current) != check_version(if_version):
            raise EditConflict("material", ident)
        return kg.update_material(replace(current, **changes))  # type: ignore[arg-type]


def delete_material(kg: KnowledgeGraph, ident: str, mastery: MasteryService | None = None) -> str:
    """Delete a material and its links; the model reads its answerers' histories again (``following_deletions``)."""
    with following_deletions(kg, mastery):
        kg.delete_material(ident)
    return ident


def link_material(kg: KnowledgeGraph, material: str, concept: str, *, assesses: bool, unlink: bool) -> Material:
    """Link a material to a concept it teaches or assesses, or undo that link."""
    return kg.link_material(material, concept, assesses=assesses, unlink=unlink)
