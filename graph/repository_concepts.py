"""Writes of one concept or one prerequisite edge at a time, as a designer's form makes them.

Each validates against the projection first (every problem at once where it can),
then commits its deletes and inserts (``GraphCore.commit``); a new concept goes
through ``import_bundle`` so it meets a batch's checks.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from graph import queries
from graph.bundle import CurriculumBundle
from graph.cascade import cascade
from graph.concept_texts import TEXT_PREDICATES, TextValue, written_texts
from graph.errors import DuplicateId, InvalidInput, NotFound, PrerequisiteCycle, ValidationFailed
from graph.id_twins import refuse_look_alike
from graph.ids import edge_iri, iri_of, script_id_problem
from graph.model import Concept, ConceptDeletion, Prerequisite
from graph.prerequisites import cycle_if_added
from graph.rdf_mapping import Triple, concept_triples, prerequisite_triples
from graph.repository_batches import GraphBatches
from graph.unmodelled_checks import CONCEPT_PREDICATES
from graph.validation import broader_cycles, stored_kind
from graph.value_checks import ALT_LABELS_LIMIT, check_strength, concept_problems, one_field, provenance_problem
from graph.vocab import PW, SKOS

__all__ = ["ConceptWrites"]


class ConceptWrites(GraphBatches):
    """Create, update and delete concepts; add and remove prerequisites."""

    # --- concept writes ----------------------------------------------------------------------
    def create_concept(self, concept: Concept, prerequisites: Sequence[str] = ()) -> Concept:
        """Add a concept (and its direct prerequisites, which must exist).

        A concept with bad values of its own is refused with every problem listed, the
        unknown ids it names among them, so a form shows them all at once.
        """
        with self.lock:
            bundle = CurriculumBundle(
                concepts=(concept,),
                prerequisites=tuple(Prerequisite(concept.id, p, 1.0, "designer") for p in prerequisites),
            )
            found = concept_problems(concept)
            if (script := script_id_problem("concept", concept.id)) is not None:
                found = [("id", script), *found]
            if found:
                links = self._unknown_links(concept.id, prerequisites, concept.broader)
                problems = [message for _, message in found] + links
                raise ValidationFailed(problems, field=None if links else one_field(found))
            if concept.id in prerequisites:
                raise InvalidInput(f"concept {concept.id!r} cannot be its own prerequisite", field="prerequisites")
            self.require_concepts(
                [("prerequisites", p) for p in prerequisites] + [("broader", b) for b in concept.broader]
            )
            if concept.curriculum and concept.curriculum not in self.projection.curriculum_ids:
                raise self._unknown_curriculum(concept.curriculum)
            if self.projection.has_concept(concept.id):
                raise DuplicateId("concept", concept.id, field="id")
            refuse_look_alike("concept", concept.id, self.projection.dag.nodes)  # another form of a stored id
            if (other := stored_kind(concept.id, self.projection)) is not None:  # an IRI names one thing
                raise ValidationFailed([f"concept id {concept.id!r} is already the IRI of a {other}"], field="id")
            self.import_bundle(bundle)
            return self.concept(concept.id)  # as stored: a repeated alternative label is stored once

    def update_concept(self, updated: Concept) -> Concept:
        """Replace a concept's own values (label, definition, alt labels, links up); other languages' stay.

        A label or definition stored in a language (``"Algebra"@en``, no untagged one) is
        replaced in that language: it stayed behind as a stale English "translation".
        """
        with self.lock:
            self._require_concept(updated.id, "id")
            found = concept_problems(updated, every_language=True)  # a read's alternative labels: every language's
            if found:  # the unknown ids it names among the problems, as a new concept's: a form shows them all at once
                links = self._unknown_links(updated.id, (), updated.broader)
                problems = [message for _, message in found] + links
                raise ValidationFailed(problems, field=None if links else one_field(found))
            for b in updated.broader:
                self._require_concept(b, "broader")
            if updated.broader:
                cycles_up = broader_cycles([updated], self.stored_broader())
                if cycles_up:
                    raise InvalidInput("; ".join(cycles_up), field="broader")
            if updated.curriculum and updated.curriculum not in self.projection.curriculum_ids:
                raise self._unknown_curriculum(updated.curriculum)
            s = iri_of("concept", updated.id)
            stored = queries.describe(self.store, [s]).get(str(s), {})
            own = [(s, p, o) for p, objs in stored.items() if p in CONCEPT_PREDICATES for o in objs]
            texts = written_texts(updated, (), [(p, o) for _, p, o in own if p in TEXT_PREDICATES], whole=False)
            _refuse_too_many_alt_labels(updated.id, texts)
            after = {t for t in concept_triples(updated, texts=False) if t[1] in CONCEPT_PREDICATES}
            after |= {(s, p, o) for p, o in texts}
            deletes = [t for t in own if t not in after]
            inserts = sorted(after - set(own))
            self.commit(deletes, inserts, lambda: self.projection.add_concept(updated.id, updated.label))
            return self.concept(updated.id)  # as stored, as a read of it answers next

    def delete_concept(self, ident: str) -> ConceptDeletion:
        """Delete a concept with its edges, material links, narrower links, the CASE associations
        that name it, its texts in every language, and students' estimates of it.

        An estimate left behind without its concept was personal data no read could
        reach, and a concept created again under the id would inherit it. The counts
        returned say what went with it.
        """
        with self.lock:
            self._require_concept(ident, "id")
            concept = iri_of("concept", ident)
            taken = cascade(self.store, [concept])
            deletes = taken.deletes
            linked = sorted(self.projection.materials_of(ident))
            dag = self.projection.dag
            deletion = ConceptDeletion(
                id=ident,
                prerequisites=dag.in_degree(ident),
                dependents=dag.out_degree(ident),
                narrower=sum(1 for _, p, o in deletes if p == SKOS.broader and o == concept),
                material_links=len(linked),
                estimates=len(taken.estimates),
                translations=len(self.translations([ident])[0]),
            )

            def project() -> None:
                self.projection.remove_concept(ident)
                for m in linked:
                    for table in (self.projection.teaches, self.projection.assesses):
                        table.get(ident, set()).discard(m)

            self.commit(deletes, [], project)
            return deletion

    def add_prerequisite(
        self, concept: str, prerequisite: str, *, strength: float = 1.0, provenance: str = "designer"
    ) -> Prerequisite:
        """Record that ``concept`` requires ``prerequisite``; refuse a cycle."""
        with self.lock:
            self._require_concept(concept, "conceptId")
            self._require_concept(prerequisite, "prerequisiteId")
            check_strength(strength)
            edge = Prerequisite(concept, prerequisite, strength, provenance)
            if (bad := provenance_problem(edge)) is not None:
                raise InvalidInput(bad, field="provenance")
            cycle = cycle_if_added(self.projection.dag, concept, prerequisite)
            if cycle is not None:
                raise PrerequisiteCycle([cycle])
            deletes = self._edge_triples(concept, prerequisite)
            self.commit(
                deletes,
                list(prerequisite_triples(edge)),
                lambda: self.projection.add_edge(concept, prerequisite, strength, provenance),
            )
            return edge

    def remove_prerequisite(self, concept: str, prerequisite: str) -> Prerequisite:
        """Forget that ``concept`` requires ``prerequisite``; return the edge as it was stored."""
        with self.lock:
            self._require_concept(concept, "conceptId")
            self._require_concept(prerequisite, "prerequisiteId")
            dag = self.projection.dag
            if not dag.has_edge(prerequisite, concept):
                hint = f" ({concept} requires {prerequisite})"
                if dag.has_edge(concept, prerequisite):  # the ids given the other way round
                    hint += f", but {prerequisite!r} requires {concept!r}: did you swap them?"
                raise NotFound("prerequisite", f"{concept} -> {prerequisite}", hint=hint)
            deletes = self._edge_triples(concept, prerequisite)
            provenance = next((str(o) for _, p, o in deletes if p == PW.provenance), "")
            removed = Prerequisite(concept, prerequisite, self.strength(concept, prerequisite), provenance)
            self.commit(deletes, [], lambda: self.projection.remove_edge(concept, prerequisite))
            return removed

    def _edge_triples(self, concept: str, prerequisite: str) -> list[Triple]:
        c, p, e = iri_of("concept", concept), iri_of("concept", prerequisite), edge_iri(concept, prerequisite)
        stored = queries.describe(self.store, [e]).get(str(e), {})
        triples: list[Triple] = [(e, pred, o) for pred, objs in stored.items() for o in objs]
        if self.projection.dag.has_edge(prerequisite, concept):
            triples.append((c, PW.requires, p))
        return triples


def _refuse_too_many_alt_labels(concept: str, texts: Iterable[TextValue]) -> None:
    """Refuse an update that leaves a language with more alternative labels than an import of the graph accepts.

    ``updateConcept`` takes every language's alternative labels in one list, up to
    ``ALT_LABELS_TOTAL``; 501 written in one language were stored, and the graph's own
    export was refused by every import after that.
    """
    counts = Counter(o.language or "" for p, o in texts if p == SKOS.altLabel)
    problems = [
        f"concept {concept!r}{f' in {language!r}' if language else ''} would have {count} alternative labels, "
        f"more than {ALT_LABELS_LIMIT}"
        for language, count in sorted(counts.items())
        if count > ALT_LABELS_LIMIT
    ]
    if problems:
        raise ValidationFailed(problems, field="altLabels")
