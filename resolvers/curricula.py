"""Curricula: listing, and import/export of whole documents."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from graph.bundle import NOTHING_TO_IMPORT, ImportReport
from graph.errors import InvalidInput
from graph.model import Curriculum
from graph.prune import require_replace
from graph.repository import KnowledgeGraph
from ingest.csv_layout import bundle_to_csv, parse_curriculum_csv
from ingest.export import export_text
from ingest.formats import read_text
from ingest.id_prefix import check_id_prefix, with_id_prefix
from resolvers.deletions import following_deletions

if TYPE_CHECKING:
    from ml.mastery.serving import MasteryService

__all__ = ["export_curriculum", "export_curriculum_csv", "import_curriculum", "list_curricula"]


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
    allow_dangling: bool,
    dry_run: bool,
    prune: bool = False,
    id_prefix: str | None = None,
    mastery: MasteryService | None = None,
) -> ImportReport:
    """Read an uploaded document, validate it whole, write it whole (or not at all).

    Raises:
        InvalidInput: the document is missing, in the field of the other formats, or
            holds nothing to import (a mistaken request would otherwise look like an
            import that found nothing); ``prune`` without ``replace_existing``, before
            the document is read; an ``id_prefix`` that would not make slugs.

    A prune's deleted concepts and materials leave the model's states as ``deleteConcept``'s
    do (``following_deletions``).
    """
    require_replace(prune, replace_existing)
    if id_prefix is not None:
        check_id_prefix(id_prefix)  # before the document is read, as the other option's checks
    if fmt == "csv":
        if not csv_files:
            where = " (`content` is for the other formats)" if content else ""
            raise InvalidInput(f"format CSV takes its files in `csv`: none was given{where}", field="csv")
        if content:  # both given: which one was meant? (the other was left unread without a word)
            raise InvalidInput(
                "format CSV takes its files in `csv`; `content` is for the other formats", field="content"
            )
        bundle = parse_curriculum_csv(csv_files)
    else:
        if csv_files and content:
            raise InvalidInput(
                f"format {fmt.upper()} takes the document in `content`; `csv` is for format CSV", field="csv"
            )
        if content is None or not content.strip():
            where = " (`csv` is for format CSV)" if csv_files else ""
            raise InvalidInput(
                f"format {fmt.upper()} takes the document in `content`: none was given{where}", field="content"
            )
        bundle = read_text(content, fmt)
    if bundle.is_empty():
        raise InvalidInput(NOTHING_TO_IMPORT, field="content")
    if id_prefix is not None:
        bundle = with_id_prefix(bundle, id_prefix)
    with following_deletions(kg, mastery):
        return kg.import_bundle(
            bundle,
            replace_existing=replace_existing,
            break_cycles=break_cycles,
            allow_dangling=allow_dangling,
            prune=prune,
            dry_run=dry_run,
        )


def export_curriculum(kg: KnowledgeGraph, fmt: str, curriculum: str | None) -> str:
    """The curriculum part of the graph as one document (RDF, or CASE for one curriculum)."""
    return export_text(kg, fmt, curriculum)


def export_curriculum_csv(kg: KnowledgeGraph, curriculum: str | None) -> dict[str, str]:
    """The CSV layout's files as text, by name (``concepts``, ...): what ``pathwise export --format csv`` writes.

    Through the API, so a designer edits the spreadsheets while the service runs (the CLI
    needs the embedded store to itself), and ``importCurriculum`` takes them back as they are.
    """
    return bundle_to_csv(kg.export_bundle(curriculum))
