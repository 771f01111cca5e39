"""The one API for every read and write of the knowledge graph.

Reads that traverse or list go to the projection; reads of records go to the store
in bulk (one round trip per batch, whatever its size). Every write validates first
against the projection, then applies its deletes and inserts in one store
transaction together with a new graph revision, then updates the projection.

``KnowledgeGraph`` is assembled from one class per responsibility, each in its own
module: the state and the write path (``graph.repository_base``), reads
(``graph.repository_reads``), batches in and out (``graph.repository_batches``), and
single concept and material writes (``graph.repository_concepts``,
``graph.repository_materials``). This module is the import path the rest of the code uses.
"""

from __future__ import annotations

from graph.bundle_plan import PlannedWrite, ProgressHook
from graph.errors import ValidationFailed
from graph.paging import Page, paginate
from graph.repository_base import WriteListener
from graph.repository_concepts import ConceptWrites
from graph.repository_materials import MaterialWrites

__all__ = ["KnowledgeGraph", "Page", "PlannedWrite", "ProgressHook", "WriteListener", "paginate"]


class KnowledgeGraph(ConceptWrites, MaterialWrites):
    """Concepts, prerequisites, materials and curricula over a triple store."""


def validation_problems(error: Exception) -> list[str]:
    """The list of problems an import error carries (for reports)."""
    if isinstance(error, ValidationFailed):
        return error.problems
    return [str(error)]
