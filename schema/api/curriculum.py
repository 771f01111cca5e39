"""Curriculum reads: concepts, materials, curricula, and their exports."""

from __future__ import annotations

import asyncio
from typing import Annotated

import strawberry

from graph.material_filter import MaterialFilter
from resolvers import concepts, curricula, materials
from schema.api.accessibility import AccessibilityFeatureArg, AccessModeArg, LanguageArg, OrphansArg, WithoutHazardArg
from schema.api.common import AfterArg, FirstArg, page_info
from schema.context import Info
from schema.types.concept import ConceptType
from schema.types.curriculum import CsvFiles, CurriculumType
from schema.types.enums import ExportFormat, MaterialKind
from schema.types.material import MaterialType
from schema.types.pagination import (
    ConceptConnection,
    ConceptEdge,
    MaterialConnection,
    MaterialEdge,
    check_first,
    decode_cursor,
    encode_cursor,
)

__all__ = ["CurriculumQuery"]


@strawberry.type
class CurriculumQuery:
    @strawberry.field(
        description="One concept by id; null when there is none (null beside an entry in `errors`: a nested "
        "argument was refused)."
    )
    def concept(
        self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(description="The concept's id.")]
    ) -> ConceptType | None:
        return ConceptType.from_id(str(id)) if concepts.concept_exists(info.context.kg, str(id)) else None

    @strawberry.field(
        description="Concepts in id order, optionally matching `search` (any case, with or without accents) in "
        "the label, an alternative label, a label in another language or the id."
    )
    def concepts(
        self,
        info: Info,
        first: FirstArg = 20,
        after: AfterArg = None,
        search: Annotated[
            str | None,
            strawberry.argument(
                description="Text to find, in any case and with or without accents, in the id, the label or an "
                'alternative label or a label in another language; null or "" (or only spaces): every concept.'
            ),
        ] = None,
        curriculum_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description='Only the concepts of this curriculum (NOT_FOUND with `field: "curriculumId"` when '
                "unknown); null: every curriculum's."
            ),
        ] = None,
        without_curriculum: Annotated[
            bool | None,
            strawberry.argument(
                description="true: only the concepts in no curriculum (what `deleteCurriculum` or an import with "
                "`allowDangling` and an unknown scheme leaves); false: only those in one; not with `curriculumId`."
            ),
        ] = None,
    ) -> ConceptConnection | None:
        page, found = concepts.list_concepts(
            info.context.kg,
            first=check_first(first),
            after=decode_cursor("concept", after),
            search=search,
            curriculum=str(curriculum_id) if curriculum_id is not None else None,
            without_curriculum=without_curriculum,
        )
        return ConceptConnection(
            edges=[ConceptEdge(cursor=encode_cursor("concept", c.id), node=ConceptType.from_domain(c)) for c in found],
            page_info=page_info("concept", page.ids, page.has_next, page.has_previous),
            total_count=page.total,
        )

    @strawberry.field(description="One material by id; null when there is none.")
    async def material(
        self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(description="The material's id.")]
    ) -> MaterialType | None:
        found = await info.context.loaders.material_by_id.load(str(id))
        return MaterialType.from_domain(found) if found is not None else None

    @strawberry.field(
        description="Materials in id order, optionally of one type, linked to one concept, or by what their "
        "accessibility metadata states (every argument given must hold; a list argument needs each of its values)."
    )
    def materials(
        self,
        info: Info,
        first: FirstArg = 20,
        after: AfterArg = None,
        type: Annotated[
            MaterialKind | None, strawberry.argument(description="Only materials of this type; null: every type.")
        ] = None,
        concept_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Only materials that teach or assess this concept (an unknown one is an error with "
                '`field: "conceptId"`); null: every material.'
            ),
        ] = None,
        accessibility_feature: AccessibilityFeatureArg = None,
        without_hazard: WithoutHazardArg = None,
        access_mode: AccessModeArg = None,
        language: LanguageArg = None,
        orphans: OrphansArg = None,
        curriculum_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Only materials that teach or assess a concept of this curriculum (NOT_FOUND with "
                '`field: "curriculumId"` when unknown); null: every curriculum\'s.'
            ),
        ] = None,
    ) -> MaterialConnection | None:
        where = MaterialFilter.checked(
            features=accessibility_feature or (),
            without_hazards=without_hazard or (),
            access_modes=access_mode or (),
            language=language,
            orphans=orphans,
        )
        page, found = materials.list_materials(
            info.context.kg,
            first=check_first(first),
            after=decode_cursor("material", after),
            type=type.value if type is not None else None,
            concept=str(concept_id) if concept_id is not None else None,
            where=where,
            curriculum=str(curriculum_id) if curriculum_id is not None else None,
        )
        return MaterialConnection(
            edges=[
                MaterialEdge(cursor=encode_cursor("material", m.id), node=MaterialType.from_domain(m)) for m in found
            ],
            page_info=page_info("material", page.ids, page.has_next, page.has_previous),
            total_count=page.total,
        )

    @strawberry.field(description="Every curriculum.")
    def curricula(self, info: Info) -> list[CurriculumType] | None:
        return [CurriculumType.from_domain(c) for c in curricula.list_curricula(info.context.kg)]

    @strawberry.field(
        description="The curriculum part of the graph (or one curriculum) as an RDF document, "
        "or one curriculum as a CASE package (`format: CASE` needs `curriculumId`)."
    )
    async def export_curriculum(
        self,
        info: Info,
        format: Annotated[
            ExportFormat, strawberry.argument(description="The document's format (default TURTLE).")
        ] = ExportFormat.TURTLE,
        curriculum_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Only this curriculum: its concepts, their materials and prerequisite edges (an unknown "
                'one is an error with `field: "curriculumId"`); null: the whole curriculum part of the graph. '
                "CASE needs it."
            ),
        ] = None,
    ) -> str | None:
        # off the event loop: a whole-store export reads every triple (seconds with many attempts), and
        # every other request waited for it
        kg, only = info.context.kg, str(curriculum_id) if curriculum_id is not None else None
        return await asyncio.to_thread(curricula.export_curriculum, kg, format.value, only)

    @strawberry.field(
        description="The curriculum part of the graph (or one curriculum) as the CSV layout's files, for a "
        "spreadsheet: edit them and send them back to `importCurriculum` while the service runs. Translations "
        "are in `translations`."
    )
    async def export_curriculum_csv(
        self,
        info: Info,
        curriculum_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description='Only this curriculum (an unknown one is an error with `field: "curriculumId"`); '
                "null: the whole curriculum part of the graph."
            ),
        ] = None,
    ) -> CsvFiles | None:
        kg, only = info.context.kg, str(curriculum_id) if curriculum_id is not None else None
        files = await asyncio.to_thread(curricula.export_curriculum_csv, kg, only)  # as export_curriculum
        return CsvFiles(
            concepts=files["concepts"],
            prerequisites=files["prerequisites"],
            materials=files["materials"],
            curricula=files["curricula"],
            translations=files["translations"],
        )
