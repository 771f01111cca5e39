"""Domain enums exposed to GraphQL (the mapping lives here and nowhere else)."""

from __future__ import annotations

import enum

import strawberry

from graph.errors import ErrorCode
from graph.model import MaterialType

__all__ = ["ExportFormat", "ImportFormat", "MaterialKind", "CurriculumErrorCode"]

MaterialKind = strawberry.enum(MaterialType, name="MaterialType", description="What kind of resource a material is.")
CurriculumErrorCode = strawberry.enum(ErrorCode, name="CurriculumErrorCode", description="Why a change was refused.")


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
