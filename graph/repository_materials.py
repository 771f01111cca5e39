"""Writes of one material at a time: create, update, delete, link to a concept.

Each checks that the concepts the material names exist and that its activity ids
name it alone, then commits; a new material goes through ``import_bundle``.
"""

from __future__ import annotations

from dataclasses import replace

from graph import queries
from graph.activities import activity_clashes, clash_error
from graph.bundle import CurriculumBundle
from graph.bundle_plan import project_material
from graph.cascade import cascade
from graph.errors import DuplicateId, NotFound, ValidationFailed
from graph.id_twins import refuse_look_alike
from graph.ids import iri_of, script_id_problem
from graph.model import Material
from graph.rdf_mapping import material_triples
from graph.repository_batches import GraphBatches
from graph.unmodelled_checks import MATERIAL_PREDICATES
from graph.validation import stored_kind
from graph.value_checks import material_problems, one_field

__all__ = ["MaterialWrites"]


class MaterialWrites(GraphBatches):
    """Create, update, delete and link materials."""

    # --- material writes -------------------------------------------------------------------------
    def _require_linked(self, material: Material) -> None:
        """Every concept a material teaches or assesses exists (NOT_FOUND names the list it is in)."""
        self.require_concepts([("teaches", c) for c in material.teaches] + [("assesses", c) for c in material.assesses])

    def _require_own_activities(self, material: Material) -> None:
        """Every IRI the material gives (its activity ids, its id) names it alone once written.

        Raises:
            ActivityClash: naming both materials of each clash.
        """
        clashes = activity_clashes([material], self.projection.activities, self.projection.material_ids)
        if clashes:
            raise clash_error(clashes)

    def create_material(self, material: Material) -> Material:
        """Add a material; the concepts it links to must exist (with bad values, all problems are listed)."""
        with self.lock:
            found = material_problems(material)
            if (script := script_id_problem("material", material.id)) is not None:
                found = [("id", script), *found]
            if found:
                links = self._unknown_links(material.id, (), material.concepts)
                problems = [message for _, message in found] + links
                raise ValidationFailed(problems, field=None if links else one_field(found))
            self._require_linked(material)
            if material.id in self.projection.material_ids:
                raise DuplicateId("material", material.id, field="id")
            refuse_look_alike("material", material.id, self.projection.material_ids)  # another form of a stored id
            if (other := stored_kind(material.id, self.projection)) is not None:  # an IRI names one thing
                raise ValidationFailed([f"material id {material.id!r} is already the IRI of a {other}"], field="id")
            self._require_own_activities(material)
            self.import_bundle(CurriculumBundle(materials=(material,)))
            return self.material(material.id)  # as stored, as a read of it answers next

    def update_material(self, updated: Material) -> Material:
        """Replace a material's values and links."""
        with self.lock:
            if updated.id not in self.projection.material_ids:
                raise NotFound("material", updated.id, field="id")
            found = material_problems(updated)
            if found:  # the unknown concepts it names among the problems, as a new material's
                links = self._unknown_links(updated.id, (), updated.concepts)
                problems = [message for _, message in found] + links
                raise ValidationFailed(problems, field=None if links else one_field(found))
            self._require_linked(updated)
            self._require_own_activities(updated)
            s = iri_of("material", updated.id)
            stored = queries.describe(self.store, [s]).get(str(s), {})
            deletes = [(s, p, o) for p, objs in stored.items() if p in MATERIAL_PREDICATES for o in objs]
            inserts = [t for t in material_triples(updated) if t[1] in MATERIAL_PREDICATES]
            self.commit(
                deletes,
                inserts,
                lambda: project_material(self.projection, updated),
            )
            return self.material(updated.id)

    def delete_material(self, ident: str) -> None:
        """Delete a material and its links."""
        with self.lock:
            if ident not in self.projection.material_ids:
                raise NotFound("material", ident, field="id")
            deletes = cascade(self.store, [], [iri_of("material", ident)]).deletes
            self.commit(deletes, [], lambda: self.projection.remove_material(ident))

    def link_material(self, material: str, concept: str, *, assesses: bool = False, unlink: bool = False) -> Material:
        """Link (or unlink) a material to a concept it teaches, or assesses."""
        with self.lock:
            current = self.material(material, field="materialId")
            self._require_concept(concept, "conceptId")
            field_name = "assesses" if assesses else "teaches"
            linked = set(current.assesses if assesses else current.teaches)
            if unlink and concept not in linked:
                raise NotFound("link", f"{material} {field_name} {concept}")
            linked = linked - {concept} if unlink else linked | {concept}
            updated = (
                replace(current, assesses=tuple(sorted(linked)))
                if assesses
                else replace(current, teaches=tuple(sorted(linked)))
            )
            return self.update_material(updated)
