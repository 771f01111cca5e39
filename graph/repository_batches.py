"""Curriculum batches in and out of the knowledge graph: imports in one transaction, exports as RDF.

A batch is validated whole, then written in one ``commit`` (or not at all); its planning
is ``graph.bundle_plan``. Single concept and material creates write through
``import_bundle`` too, so they share its checks.
"""

from __future__ import annotations

from collections.abc import Sequence

from rdflib import Graph, URIRef

from graph import queries
from graph.bundle import CurriculumBundle, ImportReport
from graph.bundle_plan import PlannedWrite, ProgressHook, plan_bundle
from graph.errors import NotFound
from graph.ids import edge_iri, id_of, iri_of
from graph.rdf_bundle import bundle_from_rdf
from graph.rdf_mapping import Props, Triple
from graph.references import Suggestions
from graph.repository_reads import GraphReads

__all__ = ["GraphBatches", "changes_nothing"]


def changes_nothing(deletes: Sequence[Triple], inserts: Sequence[Triple]) -> bool:
    """Whether a planned write leaves the store as it is: it inserts exactly the triples it deletes.

    A plan's deletes are read from the store, so inserting them all again, and nothing
    else, is no change. Terms compare as written (``"1.0"`` is not ``"1.00"``) and a
    blank node from a batch is never a stored one, so what differs in any way is a change.

    Examples:
        >>> from rdflib import Literal, URIRef
        >>> t = (URIRef("urn:a"), URIRef("urn:p"), Literal("x"))
        >>> changes_nothing([t], [t, t]), changes_nothing([t], []), changes_nothing([], [t])
        (True, False, False)
    """
    return set(deletes) == set(inserts)


class GraphBatches(GraphReads):
    """Imports and exports of whole curricula (``KnowledgeGraph.import_bundle``, ``export_graph``)."""

    # --- batches -----------------------------------------------------------------------------------
    def import_bundle(
        self,
        bundle: CurriculumBundle,
        *,
        replace_existing: bool = False,
        break_cycles: bool = False,
        allow_dangling: bool = False,
        prune: bool = False,
        dry_run: bool = False,
        progress: ProgressHook | None = None,
    ) -> ImportReport:
        """Validate a whole batch, then write it in one transaction (or not at all).

        ``allow_dangling`` leaves out links to ids that exist nowhere (``check_bundle``).
        ``prune`` (with ``replace_existing``) deletes in the same transaction what the batch
        leaves out of the curricula it names (``graph.prune``), and ``report.pruned`` says what.

        A batch that changes nothing (a replace with what is stored) writes nothing and
        leaves the revision as it is (``changes_nothing``).

        Raises:
            ValidationFailed, DuplicateId, DanglingReferences, PrerequisiteCycle: nothing is written.
            InvalidInput: ``prune`` without ``replace_existing`` (``field`` is ``prune``).
        """
        with self.lock:
            planned = self.plan_bundle(
                bundle,
                replace_existing=replace_existing,
                break_cycles=break_cycles,
                allow_dangling=allow_dangling,
                prune=prune,
                progress=progress,
            )
            if dry_run:  # every check of a real import ran; only the write is left out
                planned.report.dry_run = True
                planned.report.revision = self.projection.revision  # the store's, unchanged
                return planned.report
            if changes_nothing(planned.deletes, planned.inserts):
                # a replace that puts back what is stored: a new revision would drop every cache and tell
                # clients the graph changed
                planned.report.revision = self.projection.revision
                return planned.report
            if progress is not None:
                progress("write", 0, len(planned.inserts))
            self.commit(planned.deletes, planned.inserts, planned.project)
            if progress is not None:
                progress("write", len(planned.inserts), len(planned.inserts))
            planned.report.revision = self.projection.revision
            return planned.report

    def plan_bundle(
        self,
        bundle: CurriculumBundle,
        *,
        replace_existing: bool = False,
        break_cycles: bool = False,
        allow_dangling: bool = False,
        prune: bool = False,
        progress: ProgressHook | None = None,
    ) -> PlannedWrite:
        """Validate a batch and build its write without applying it: ``graph.bundle_plan.plan_bundle``."""
        with self.lock:
            return plan_bundle(
                self,
                bundle,
                replace_existing=replace_existing,
                break_cycles=break_cycles,
                allow_dangling=allow_dangling,
                prune=prune,
                progress=progress,
            )

    def import_rdf(self, graph: Graph, **options: bool) -> ImportReport:
        """Import an RDF graph: its domain objects are validated, every triple kept."""
        return self.import_bundle(bundle_from_rdf(graph), **options)  # type: ignore[arg-type]

    # --- export ----------------------------------------------------------------------------------------
    def export_graph(self, curriculum: str | None = None) -> Graph:
        """The curriculum part of the graph (no student data), whole or one curriculum."""
        subjects: list[URIRef] | None = None
        if curriculum is not None:
            if curriculum not in self.projection.curriculum_ids:
                raise self._unknown_curriculum(curriculum)
            concept_iris = queries.concepts_in_curriculum(self.store, iri_of("curriculum", curriculum))
            # a stray `skos:inScheme` on something that is no concept made the export fail for everyone
            concept_iris = [i for i in concept_iris if self.projection.has_concept(id_of(i))]
            concept_ids = [id_of(i) for i in concept_iris]
            subjects = [iri_of("curriculum", curriculum), *map(URIRef, concept_iris)]
            materials = sorted({m for c in concept_ids for m in self.projection.materials_of(c)})
            subjects += [iri_of("material", m) for m in materials]
            subjects += [edge_iri(c, p) for c in concept_ids for p in self.projection.dag.predecessors(c)]
        g = Graph()
        for t in queries.graph_triples(self.store, subjects):
            g.add(t)
        return g

    def _unknown_curriculum(self, ident: str) -> NotFound:
        """NOT_FOUND for a curriculum id, with the closest that exists (by id, or by title written as an id).

        ``pathwise export --curriculum algebar`` said only "does not exist", where a concept's typo
        is answered with the closest id: a CASE framework's id is a hash nobody types twice alike.
        """
        titles = {c.id: c.title for c in self.curricula()}
        missing = NotFound("curriculum", ident, field="curriculumId")
        missing.message += Suggestions(titles, titles.get).hint(ident)
        return missing

    def export_bundle(self, curriculum: str | None = None) -> CurriculumBundle:
        """The curriculum part of the graph as domain objects."""
        return bundle_from_rdf(self.export_graph(curriculum))

    def describe_concepts(self, ids: Sequence[str]) -> dict[str, Props]:
        """The stored triples of those of ``ids`` that are concepts (others are left out), by id.

        A CASE export names the ends outside its curriculum (a prerequisite in another
        curriculum) as the store knows them: their CASE record or identifier.
        """
        known = [iri_of("concept", i) for i in dict.fromkeys(ids) if self.projection.has_concept(i)]
        return {id_of(iri): props for iri, props in queries.describe(self.store, known).items()}
