"""Create, rename and delete curricula (concept schemes) one at a time, as a designer's form does.

Before these, a curriculum came only with an import: a designer starting a new course
had to write a Turtle or CSV file to get a scheme to put concepts in, and could not fix
a typo in its title without re-importing it whole.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Literal

from graph import queries
from graph.bundle import CurriculumBundle
from graph.errors import DuplicateId, NotFound, ValidationFailed
from graph.ids import iri_of, new_id_problem
from graph.model import Curriculum
from graph.rdf_mapping import Triple
from graph.repository import KnowledgeGraph
from graph.value_checks import curriculum_problems
from graph.vocab import DCTERMS, SKOS

__all__ = ["CurriculumDeletion", "create_curriculum", "delete_curriculum", "update_curriculum"]


@dataclass(frozen=True, slots=True)
class CurriculumDeletion:
    """A deleted curriculum and how many concepts it held (they stay, in no curriculum)."""

    id: str
    concepts: int


def _problems(curriculum: Curriculum, *, new: bool) -> list[tuple[str, str]]:
    """Each problem of a curriculum's own values, with the input field it is about."""
    found = []
    if new and (problem := new_id_problem("curriculum", curriculum.id)) is not None:
        found.append(("id", problem))
    return found + curriculum_problems(curriculum)


def _refuse(found: list[tuple[str, str]]) -> None:
    if found:
        fields = {f for f, _ in found}
        raise ValidationFailed([m for _, m in found], field=fields.pop() if len(fields) == 1 else None)


def create_curriculum(kg: KnowledgeGraph, curriculum: Curriculum) -> Curriculum:
    """Add an empty curriculum; concepts join it with ``createConcept``/``updateConcept`` (``curriculumId``).

    Raises:
        ValidationFailed: a malformed id, a blank or multi-line title (every problem listed).
        DuplicateId: a curriculum, concept or material has the id already.
    """
    _refuse(_problems(curriculum, new=True))
    with kg.lock:
        if curriculum.id in kg.projection.curriculum_ids:
            raise DuplicateId("curriculum", curriculum.id, field="id")
        kg.import_bundle(CurriculumBundle(curricula=(curriculum,)))
    return curriculum


def _stored(kg: KnowledgeGraph, ident: str) -> Curriculum:
    for found in kg.curricula():
        if found.id == ident:
            return found
    raise NotFound("curriculum", ident, field="id")


def update_curriculum(
    kg: KnowledgeGraph, ident: str, *, title: str | None = None, description: str | None = None
) -> Curriculum:
    """Change a curriculum's title or description (``None``: unchanged); titles in other languages stay.

    Raises:
        NotFound: there is no such curriculum (``field`` is ``id``).
        ValidationFailed: a blank or multi-line title.
    """
    with kg.lock:
        current = _stored(kg, ident)
        updated = Curriculum(
            ident,
            current.title if title is None else title,
            current.description if description is None else description,
        )
        _refuse(_problems(updated, new=False))
        s = iri_of("curriculum", ident)
        props = queries.describe(kg.store, [s]).get(str(s), {})
        deletes: list[Triple] = []
        inserts: list[Triple] = []
        for predicate, value in ((DCTERMS.title, title), (DCTERMS.description, description)):
            if value is None:
                continue
            own = [o for o in props.get(predicate, []) if not (isinstance(o, Literal) and o.language)]
            deletes += [(s, predicate, o) for o in own]
            if value:
                inserts.append((s, predicate, Literal(value)))
        kg.commit(deletes, inserts, lambda: None)
    return updated


def delete_curriculum(kg: KnowledgeGraph, ident: str) -> CurriculumDeletion:
    """Delete a curriculum; its concepts, their prerequisites and materials stay, in no curriculum.

    Deleting the concepts with it would take students' estimates of them along: that
    is ``deleteConcept``'s decision, one concept at a time, with its counts.

    Raises:
        NotFound: there is no such curriculum (``field`` is ``id``).
    """
    with kg.lock:
        if ident not in kg.projection.curriculum_ids:
            raise NotFound("curriculum", ident, field="id")
        s = iri_of("curriculum", ident)
        deletes = queries.touching(kg.store, [s]) + queries.blank_subtrees(kg.store, [s])
        seen = set(deletes)
        deletes += [t for t in queries.records_naming(kg.store, s) if t not in seen]
        members = sum(1 for _, p, o in deletes if p == SKOS.inScheme and o == s)
        kg.commit(deletes, [], lambda: kg.projection.curriculum_ids.discard(ident))
    return CurriculumDeletion(ident, members)
