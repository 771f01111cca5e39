"""Domain enums exposed to GraphQL (the mapping lives here and nowhere else)."""

from __future__ import annotations

import enum
from typing import TypeAlias

import strawberry

from graph.errors import ErrorCode
from graph.model import MaterialType

__all__ = ["ExportFormat", "ImportFormat", "MaterialKind", "CurriculumErrorCode"]

# strawberry.enum registers the GraphQL enum on the class itself and returns that class, so each name
# below is the domain enum: an alias (a type to mypy, as the result of a call is not), then registered.
MaterialKind: TypeAlias = MaterialType
CurriculumErrorCode: TypeAlias = ErrorCode

strawberry.enum(MaterialKind, name="MaterialType", description="What kind of resource a material is.")
strawberry.enum(
    CurriculumErrorCode,
    name="CurriculumErrorCode",
    description="Why a request was refused; every typed error (`CurriculumError`, `AttemptsError`, `CohortError`, "
    "`PathError`, `StudentDataError`, `AskError`, `BackupError`) carries one. CYCLE: the change would make a "
    "prerequisite cycle (`cycle` lists it). NOT_FOUND: an id names nothing (`subjectId`, `field`). DUPLICATE: an id "
    "is taken, or a clientId was sent again with another answer. INVALID: a value is malformed or out of range "
    "(`field` names the argument or input path, `problems` lists every problem); fix the request. UNAVAILABLE: not "
    "the request's fault (too many questions being answered, a backup that cannot be written): the same request may "
    "succeed later. CONFLICT: an update named the `version` it was based on (`ifVersion`) and the record has changed "
    "since: read it again.",
)


@strawberry.enum(description="Formats `importCurriculum` accepts as uploaded text.")
class ImportFormat(enum.Enum):
    TURTLE = "turtle"
    NTRIPLES = "ntriples"
    JSONLD = "jsonld"
    CASE = "case"
    CSV = "csv"


@strawberry.enum(
    description="Formats `exportCurriculum` produces (`CASE`: a 1EdTech CASE 1.0 package of one curriculum)."
)
class ExportFormat(enum.Enum):
    TURTLE = "turtle"
    NTRIPLES = "ntriples"
    JSONLD = "jsonld"
    CASE = "case"
