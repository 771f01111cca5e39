"""Mutation inputs, and their conversion to domain objects."""

from __future__ import annotations

import enum

import strawberry

from graph.model import Concept, Material
from schema.types.enums import ImportFormat, MaterialKind

__all__ = [
    "CreateConceptInput",
    "CreateMaterialInput",
    "CsvFilesInput",
    "ImportCurriculumInput",
    "LinkRelation",
    "UpdateConceptInput",
    "UpdateMaterialInput",
]


@strawberry.input
class CreateConceptInput:
    id: strawberry.ID = strawberry.field(description="A slug ([A-Za-z0-9_.-]) or an absolute IRI.")
    label: str
    definition: str = ""
    alt_labels: list[str] = strawberry.field(default_factory=list)
    broader: list[strawberry.ID] = strawberry.field(default_factory=list)
    curriculum_id: strawberry.ID | None = None
    prerequisites: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Ids of existing concepts this one requires."
    )

    def to_domain(self) -> Concept:
        """The concept this input describes."""
        return Concept(
            id=str(self.id),
            label=self.label,
            definition=self.definition,
            alt_labels=tuple(self.alt_labels),
            broader=tuple(str(b) for b in self.broader),
            curriculum=str(self.curriculum_id) if self.curriculum_id else None,
        )


@strawberry.input(description="Fields left out keep their value; so does a null, except `curriculumId`'s.")
class UpdateConceptInput:
    id: strawberry.ID
    label: str | None = None
    definition: str | None = None
    alt_labels: list[str] | None = None
    broader: list[strawberry.ID] | None = None
    curriculum_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Move the concept to this curriculum; `null` takes it out of any."
    )

    def changes(self) -> dict[str, object]:
        """The changed fields, named as on the domain ``Concept``."""
        out: dict[str, object] = {}
        if self.label is not None:
            out["label"] = self.label
        if self.definition is not None:
            out["definition"] = self.definition
        if self.alt_labels is not None:
            out["alt_labels"] = tuple(self.alt_labels)
        if self.broader is not None:
            out["broader"] = tuple(str(b) for b in self.broader)
        if self.curriculum_id is not strawberry.UNSET:
            out["curriculum"] = None if self.curriculum_id is None else str(self.curriculum_id)
        return out


@strawberry.input
class CreateMaterialInput:
    id: strawberry.ID
    title: str
    type: MaterialKind
    difficulty: int = 1
    minutes: int = 5
    text: str = ""
    url: str = ""
    teaches: list[strawberry.ID] = strawberry.field(default_factory=list)
    assesses: list[strawberry.ID] = strawberry.field(default_factory=list)

    def to_domain(self) -> Material:
        """The material this input describes."""
        return Material(
            id=str(self.id),
            title=self.title,
            type=self.type,
            difficulty=self.difficulty,
            minutes=self.minutes,
            text=self.text,
            url=self.url,
            teaches=tuple(str(c) for c in self.teaches),
            assesses=tuple(str(c) for c in self.assesses),
        )


@strawberry.input(description="Fields left out (null) keep their value.")
class UpdateMaterialInput:
    id: strawberry.ID
    title: str | None = None
    type: MaterialKind | None = None
    difficulty: int | None = None
    minutes: int | None = None
    text: str | None = None
    url: str | None = None
    teaches: list[strawberry.ID] | None = None
    assesses: list[strawberry.ID] | None = None

    def changes(self) -> dict[str, object]:
        """The changed fields, named as on the domain ``Material``."""
        out: dict[str, object] = {}
        for name in ("title", "type", "difficulty", "minutes", "text", "url"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        for name in ("teaches", "assesses"):
            value = getattr(self, name)
            if value is not None:
                out[name] = tuple(str(c) for c in value)
        return out


@strawberry.enum
class LinkRelation(enum.Enum):
    TEACHES = "teaches"
    ASSESSES = "assesses"


@strawberry.input(description="The files of the CSV layout, as text (see the README).")
class CsvFilesInput:
    concepts: str | None = None
    prerequisites: str | None = None
    materials: str | None = None
    curricula: str | None = None


@strawberry.input
class ImportCurriculumInput:
    format: ImportFormat
    content: str | None = strawberry.field(default=None, description="The document, for every format but CSV.")
    csv: CsvFilesInput | None = strawberry.field(default=None, description="The files, for format CSV.")
    replace_existing: bool = strawberry.field(
        default=False, description="Replace concepts and materials with the same ids."
    )
    break_cycles: bool = strawberry.field(
        default=False, description="Leave out the listed edges that break every cycle instead of refusing."
    )
    dry_run: bool = strawberry.field(default=False, description="Validate and report; write nothing.")
