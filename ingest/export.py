"""The curriculum part of the graph out, in the formats it comes in."""

from __future__ import annotations

from pathlib import Path

from graph.repository import KnowledgeGraph
from ingest.csv_layout import write_curriculum_csv
from ingest.errors import MalformedInput, Problem
from ingest.formats import EXPORT_FORMATS
from ingest.rdf import RDF_FORMATS, serialize_rdf

__all__ = ["export_path", "export_text"]


def export_text(kg: KnowledgeGraph, fmt: str, curriculum: str | None = None) -> str:
    """One RDF document (Turtle, N-Triples or JSON-LD) of the whole graph or one curriculum."""
    if fmt not in RDF_FORMATS:
        raise MalformedInput([Problem(fmt, "-", f"text export takes one of {', '.join(RDF_FORMATS)}")])
    return serialize_rdf(kg.export_graph(curriculum), fmt).decode()


def export_path(kg: KnowledgeGraph, fmt: str, path: Path, curriculum: str | None = None) -> list[Path]:
    """Write an export: a file for RDF formats, a folder of CSV files for ``csv``."""
    if fmt not in EXPORT_FORMATS:
        raise MalformedInput([Problem(fmt, "-", f"export takes one of {', '.join(EXPORT_FORMATS)}")])
    if fmt == "csv":
        return write_curriculum_csv(kg.export_bundle(curriculum), path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(serialize_rdf(kg.export_graph(curriculum), fmt))
    return [path]
