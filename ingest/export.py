"""The curriculum part of the graph out, in the formats it comes in."""

from __future__ import annotations

from pathlib import Path

from graph.errors import InvalidInput
from graph.repository import KnowledgeGraph
from ingest.csv_layout import write_curriculum_csv
from ingest.errors import MalformedInput, Problem
from ingest.formats import EXPORT_FORMATS
from ingest.rdf import RDF_FORMATS, serialize_rdf

__all__ = ["TEXT_EXPORT_FORMATS", "export_path", "export_text"]

TEXT_EXPORT_FORMATS = (*RDF_FORMATS, "case")
"""The formats that are one document (not a folder): what ``exportCurriculum`` answers."""


def export_text(kg: KnowledgeGraph, fmt: str, curriculum: str | None = None) -> str:
    """One document of the whole graph or one curriculum: RDF, or a CASE package of one curriculum."""
    if fmt not in TEXT_EXPORT_FORMATS:
        raise MalformedInput([Problem(fmt, "-", f"text export takes one of {', '.join(TEXT_EXPORT_FORMATS)}")])
    if fmt == "case":
        return _case_text(kg, curriculum)
    return serialize_rdf(kg.export_graph(curriculum), fmt).decode()


def export_path(kg: KnowledgeGraph, fmt: str, path: Path, curriculum: str | None = None) -> list[Path]:
    """Write an export: a file for RDF formats and CASE, a folder of CSV files for ``csv``."""
    if fmt not in EXPORT_FORMATS:
        raise MalformedInput([Problem(fmt, "-", f"export takes one of {', '.join(EXPORT_FORMATS)}")])
    if fmt == "csv":
        return write_curriculum_csv(kg.export_bundle(curriculum), path)
    body = _case_text(kg, curriculum).encode() if fmt == "case" else serialize_rdf(kg.export_graph(curriculum), fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    return [path]


def _case_text(kg: KnowledgeGraph, curriculum: str | None) -> str:
    """A CASE package: one framework per package, so the curriculum must be named."""
    from ingest.case_export import case_package_text

    if curriculum is None:
        ids = sorted(c.id for c in kg.curricula())
        known = ", ".join(ids[:10]) + (f" and {len(ids) - 10} more" if len(ids) > 10 else "") if ids else "none yet"
        raise InvalidInput(
            f"a CASE package holds one framework: name the curriculum to export (curricula: {known})",
            field="curriculumId",
        )
    return case_package_text(kg.export_bundle(curriculum), curriculum, lookup=kg.describe_concepts)
