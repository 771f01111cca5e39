"""Mutation results: the success types and the unions with ``CurriculumError``."""

from __future__ import annotations

from typing import Annotated

import strawberry

from graph.bundle import ImportReport
from graph.model import ConceptDeletion
from schema.types.concept import ConceptType
from schema.types.errors import CurriculumError
from schema.types.material import MaterialType

__all__ = [
    "ConceptDeletionCounts",
    "ConceptResult",
    "DeleteResult",
    "Deleted",
    "ImportResult",
    "ImportSummary",
    "MaterialResult",
    "PrerequisiteEdge",
    "PrerequisiteResult",
]


@strawberry.type(description="What went with a deleted concept: the links and students' estimates removed.")
class ConceptDeletionCounts:
    prerequisites: int = strawberry.field(description="Edges to the concept's own prerequisites.")
    dependents: int = strawberry.field(description="Edges of concepts that required it (they no longer do).")
    narrower: int = strawberry.field(description="Concepts whose `broader` link to it went.")
    material_links: int = strawberry.field(description="Materials that taught or assessed it (the materials stay).")
    estimates: int = strawberry.field(description="Students' mastery estimates of it.")

    @classmethod
    def from_domain(cls, deletion: ConceptDeletion) -> ConceptDeletionCounts:
        """Wrap the repository's count of what a deletion removed."""
        return cls(
            prerequisites=deletion.prerequisites,
            dependents=deletion.dependents,
            narrower=deletion.narrower,
            material_links=deletion.material_links,
            estimates=deletion.estimates,
        )


@strawberry.type(description="What was deleted.")
class Deleted:
    id: strawberry.ID
    removed: ConceptDeletionCounts | None = strawberry.field(
        default=None, description="For `deleteConcept`: what went with the concept; null for other deletions."
    )


@strawberry.type(description="An edge: `concept` requires `prerequisite`.")
class PrerequisiteEdge:
    concept: ConceptType
    prerequisite: ConceptType
    strength: float
    provenance: str


@strawberry.type(description="What an import wrote (or, with dryRun, would write).")
class ImportSummary:
    curricula: int
    concepts: int
    prerequisites: int
    materials: int
    triples: int
    revision: int
    dry_run: bool
    dangling: list[str]
    cycles: list[list[strawberry.ID]]
    dropped_edges: list[list[strawberry.ID]] = strawberry.field(description="[concept, prerequisite] pairs left out.")

    @classmethod
    def from_domain(cls, report: ImportReport) -> ImportSummary:
        """Wrap an import report."""
        counts = report.counts
        return cls(
            curricula=counts.get("curricula", 0),
            concepts=counts.get("concepts", 0),
            prerequisites=counts.get("prerequisites", 0),
            materials=counts.get("materials", 0),
            triples=report.triples,
            revision=report.revision,
            dry_run=report.dry_run,
            dangling=report.dangling,
            cycles=[[strawberry.ID(c) for c in cycle] for cycle in report.cycles],
            dropped_edges=[[strawberry.ID(c), strawberry.ID(p)] for c, p in report.dropped_edges],
        )


ConceptResult = Annotated[ConceptType | CurriculumError, strawberry.union("ConceptResult")]
MaterialResult = Annotated[MaterialType | CurriculumError, strawberry.union("MaterialResult")]
DeleteResult = Annotated[Deleted | CurriculumError, strawberry.union("DeleteResult")]
PrerequisiteResult = Annotated[PrerequisiteEdge | CurriculumError, strawberry.union("PrerequisiteResult")]
ImportResult = Annotated[ImportSummary | CurriculumError, strawberry.union("ImportResult")]
