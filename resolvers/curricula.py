"""Curricula: listing, and import/export of whole documents."""

from __future__ import annotations

from collections.abc import Mapping

from graph.bundle import ImportReport
from graph.model import Curriculum
from graph.repository import KnowledgeGraph
from ingest.csv_layout import parse_curriculum_csv
from ingest.export import export_text
from ingest.formats import read_text

__all__ = ["export_curriculum", "import_curriculum", "list_curricula"]


def list_curricula(kg: KnowledgeGraph) -> list[Curriculum]:
    """Every curriculum."""
    return kg.curricula()


def import_curriculum(
    kg: KnowledgeGraph,
    fmt: str,
    *,
    content: str | None,
    csv_files: Mapping[str, str | None] | None,
    replace_existing: bool,
    break_cycles: bool,
    dry_run: bool,
) -> ImportReport:
    """Read an uploaded document, validate it whole, write it whole (or not at all)."""
    bundle = parse_curriculum_csv(csv_files or {}) if fmt == "csv" else read_text(content or "", fmt)
    return kg.import_bundle(bundle, replace_existing=replace_existing, break_cycles=break_cycles, dry_run=dry_run)


def export_curriculum(kg: KnowledgeGraph, fmt: str, curriculum: str | None) -> str:
    """The curriculum part of the graph as one RDF document."""
    return export_text(kg, fmt, curriculum)
