"""Mutation results: the success types and the unions with ``CurriculumError``."""

from __future__ import annotations

from typing import Annotated

import strawberry

from graph.bundle import ImportReport, Pruned
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
    "PruneSummary",
]


@strawberry.type(description="What went with a deleted concept: the links and students' estimates removed.")
class ConceptDeletionCounts:
    prerequisites: int = strawberry.field(description="Edges to the concept's own prerequisites.")
    dependents: int = strawberry.field(description="Edges of concepts that required it (they no longer do).")
    narrower: int = strawberry.field(description="Concepts whose `broader` link to it went.")
    material_links: int = strawberry.field(description="Materials that taught or assessed it (the materials stay).")
    estimates: int = strawberry.field(description="Students' mastery estimates of it.")
    translations: int = strawberry.field(
        description="Languages its texts were stored in (what `Concept.translations` listed), each gone with it."
    )

    @classmethod
    def from_domain(cls, deletion: ConceptDeletion) -> ConceptDeletionCounts:
        """Wrap the repository's count of what a deletion removed."""
        return cls(
            prerequisites=deletion.prerequisites,
            dependents=deletion.dependents,
            narrower=deletion.narrower,
            material_links=deletion.material_links,
            estimates=deletion.estimates,
            translations=deletion.translations,
        )


@strawberry.type(description="What was deleted.")
class Deleted:
    id: strawberry.ID = strawberry.field(description="The id of what was deleted.")
    removed: ConceptDeletionCounts | None = strawberry.field(
        default=None, description="For `deleteConcept`: what went with the concept; null for other deletions."
    )


@strawberry.type(description="An edge: `concept` requires `prerequisite`.")
class PrerequisiteEdge:
    concept: ConceptType = strawberry.field(description="The concept that requires the other.")
    prerequisite: ConceptType = strawberry.field(description="The concept required.")
    strength: float = strawberry.field(description="How much the prerequisite matters, in (0, 1].")
    provenance: str = strawberry.field(
        description='Where the edge came from: `designer`, an importer\'s name, `case:precedes:<id>`; "" unsaid.'
    )


@strawberry.type(description="What an import's prune deleted (or, with dryRun, would delete).")
class PruneSummary:
    concepts: list[strawberry.ID] = strawberry.field(
        description="Every concept deleted: a stored concept of a curriculum the document names that it does not hold."
    )
    materials: list[strawberry.ID] = strawberry.field(
        description="Every material deleted: linked only to concepts of the curricula the document names, not in it."
    )
    prerequisites: int = strawberry.field(description="Prerequisite edges from or to a deleted concept, each once.")
    narrower: int = strawberry.field(description="Concepts that stay whose `broader` link to a deleted one went.")
    material_links: int = strawberry.field(
        description="Links of materials that stay to deleted concepts (the materials stay)."
    )
    estimates: int = strawberry.field(description="Students' mastery estimates of deleted concepts.")

    @classmethod
    def from_domain(cls, pruned: Pruned) -> PruneSummary:
        """Wrap what a prune deleted."""
        return cls(
            concepts=[strawberry.ID(c) for c in pruned.concepts],
            materials=[strawberry.ID(m) for m in pruned.materials],
            prerequisites=pruned.prerequisites,
            narrower=pruned.narrower,
            material_links=pruned.material_links,
            estimates=pruned.estimates,
        )


@strawberry.type(description="What an import wrote (or, with dryRun, would write).")
class ImportSummary:
    curricula: int = strawberry.field(description="Curricula written.")
    concepts: int = strawberry.field(description="Concepts written.")
    prerequisites: int = strawberry.field(
        description="Prerequisite edges written (without the dangling, repeated and dropped ones)."
    )
    materials: int = strawberry.field(description="Materials written.")
    translations: int = strawberry.field(
        description="Concepts' translations written, one per concept and language (a row of `translations.csv`)."
    )
    triples: int = strawberry.field(description="RDF triples written.")
    revision: int = strawberry.field(
        description="The store's revision after the import (unchanged by a dry run, and by an import that changes "
        "nothing: a replace with what is stored)."
    )
    dry_run: bool = strawberry.field(description="Whether this was a dry run: the counts are what would be written.")
    dangling: list[str] = strawberry.field(
        description="With `allowDangling`: the references to ids in neither the document nor the graph, one line "
        "each (a CSV file's line first); those links were left out. Without it they refuse the import."
    )
    cycles: list[list[strawberry.ID]] = strawberry.field(
        description="Every prerequisite cycle found (only with `breakCycles`: without it a cycle refuses the import)."
    )
    dropped_edges: list[list[strawberry.ID]] = strawberry.field(description="[concept, prerequisite] pairs left out.")
    warnings: list[str] = strawberry.field(
        description="What the import did that the document may not have meant, one line each: stored values kept "
        "for fields the document does not state (a CSV file without a column), resources that teach a concept but "
        "were not read as materials (typed neither schema:LearningResource nor a type read as one), exercises "
        "without an answer key whose line reads like a key's heading Pathwise does not read (shown to students), with "
        "`replaceExisting` the stored items of a curriculum it names that it leaves out (what `prune` deletes, and "
        "what a prune keeps: a concept in another curriculum too, a material linked to one outside them)."
    )
    pruned: PruneSummary | None = strawberry.field(
        default=None, description="With `prune`: what it deleted (with dryRun, would delete); null without it."
    )

    @classmethod
    def from_domain(cls, report: ImportReport) -> ImportSummary:
        """Wrap an import report."""
        counts = report.counts
        return cls(
            curricula=counts.get("curricula", 0),
            concepts=counts.get("concepts", 0),
            prerequisites=counts.get("prerequisites", 0),
            materials=counts.get("materials", 0),
            translations=counts.get("translations", 0),
            triples=report.triples,
            revision=report.revision,
            dry_run=report.dry_run,
            dangling=report.dangling,
            cycles=[[strawberry.ID(c) for c in cycle] for cycle in report.cycles],
            dropped_edges=[[strawberry.ID(c), strawberry.ID(p)] for c, p in report.dropped_edges],
            warnings=list(report.warnings),
            pruned=PruneSummary.from_domain(report.pruned) if report.pruned is not None else None,
        )


ConceptResult = Annotated[
    ConceptType | CurriculumError,
    strawberry.union(
        "ConceptResult",
        description="The concept as stored now (`Concept`), or why the change was "
        "refused (`CurriculumError`: nothing written).",
    ),
]
MaterialResult = Annotated[
    MaterialType | CurriculumError,
    strawberry.union(
        "MaterialResult",
        description="The material as stored now (`Material`), or why the change was "
        "refused (`CurriculumError`: nothing written).",
    ),
]
DeleteResult = Annotated[
    Deleted | CurriculumError,
    strawberry.union(
        "DeleteResult", description="What was deleted (`Deleted`), or why nothing was (`CurriculumError`)."
    ),
]
PrerequisiteResult = Annotated[
    PrerequisiteEdge | CurriculumError,
    strawberry.union(
        "PrerequisiteResult",
        description="The prerequisite edge added or removed (`PrerequisiteEdge`), or why "
        "not (`CurriculumError`: a cycle, an unknown concept).",
    ),
]
ImportResult = Annotated[
    ImportSummary | CurriculumError,
    strawberry.union(
        "ImportResult",
        description="What the import wrote (`ImportSummary`), or why it was refused whole "
        "(`CurriculumError`: every problem with its line).",
    ),
]
