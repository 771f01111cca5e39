"""Checks of a batch's unmodelled triples: what a curriculum may not carry as extra triples.

An import keeps the triples it does not model as they come (``CurriculumBundle.extra``),
so these look at each one for what it would write past the model: learner data (students,
cohorts, attempts, estimates), a value of a stored concept or material the batch does not
declare, a concept or material without an IRI. ``graph.validation.check_bundle`` runs them;
they are apart from it because they read triples, not domain objects.
"""

from __future__ import annotations

from collections.abc import Collection

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from graph.bundle import CurriculumBundle
from graph.ids import id_of, iri_of
from graph.projection import Projection
from graph.queries import STUDENT_DATA_CLASSES
from graph.vocab import DCTERMS, GRAPH_IRI, ID, PW, RDF, SDO, SKOS

__all__ = [
    "CONCEPT_PREDICATES",
    "MATERIAL_PREDICATES",
    "learner_data_problems",
    "unnamed_things",
    "values_of_stored",
]


_LEARNER_TYPES = frozenset(STUDENT_DATA_CLASSES)
_LEARNER_PREDICATES = frozenset(
    {PW.memberOf, PW.teacher, PW.claimedBy, PW.student, PW.score, PW.timestamp, PW.source, PW.probability}
    | {PW.modelVersion}
    | {PW.updatedAt, PW.material, PW.concept, PW.revision}
)  # pw:material and pw:concept link attempts and estimates; a curriculum uses schema:teaches
_LEARNER_IRIS = tuple(f"{ID}{kind}/" for kind in ("student", "cohort", "attempt", "mastery")) + (str(GRAPH_IRI),)
_SHOWN = 5


def learner_data_problems(extra: Graph | None, stored_learners: Collection[str] = ()) -> list[str]:
    """Triples of an imported curriculum that would write students, cohorts, attempts or estimates.

    Unmodelled triples are kept as they come, so without this a designer's Turtle could
    make a teacher a cohort's teacher, enrol a student, or overwrite a mastery estimate:
    what only admins (and the models) may write. A curriculum carries none of it.
    ``stored_learners`` are the IRIs of the batch that the store types as learner data:
    a cohort named by an IRI of its own (``urn:school:class-9c``) is not under Pathwise's
    namespace, and a designer renamed one with an ``rdfs:label``.
    """
    if extra is None:
        return []

    def learner(triple: tuple[Node, Node, Node]) -> bool:
        s, p, o = triple
        if p in _LEARNER_PREDICATES or (p == RDF.type and o in _LEARNER_TYPES):
            return True
        return any(
            isinstance(n, URIRef) and (str(n).startswith(_LEARNER_IRIS) or str(n) in stored_learners) for n in (s, o)
        )

    found = sorted(t for t in extra if learner(t))
    problems = [
        f"triple {s.n3()} {p.n3()} {o.n3()} is learner data: a curriculum carries no students, cohorts, "
        "attempts or mastery estimates"
        for s, p, o in found[:_SHOWN]
    ]
    if len(found) > _SHOWN:
        problems.append(f"... and {len(found) - _SHOWN} more triples of learner data")
    return problems


CONCEPT_PREDICATES = frozenset({
    SKOS.prefLabel, SKOS.definition, SKOS.altLabel, SKOS.broader, SKOS.inScheme, PW.ownLanguage,
})  # fmt: skip
"""The predicates of a concept's own values: what ``updateConcept`` replaces."""

MATERIAL_PREDICATES = frozenset({
    SDO.name, SDO.learningResourceType, PW.difficulty, SDO.timeRequired,
    SDO.text, SDO.url, SDO.teaches, SDO.assesses,
    SDO.accessModeSufficient,
    SDO.inLanguage, SDO.accessMode, SDO.accessibilityFeature, SDO.accessibilityHazard, SDO.accessibilitySummary,
    PW.activityId,
})  # fmt: skip
"""The predicates of a material's own values: what ``updateMaterial`` replaces."""


def values_of_stored(bundle: CurriculumBundle, projection: Projection) -> list[str]:
    """Unmodelled triples of a batch that set a value of a stored concept or material the batch does not declare.

    Such a triple is kept as it comes, so ``<concept/x> skos:prefLabel "Another"`` gave
    a stored concept a second label (two titles and two durations for a material), where
    declaring the concept again is refused as a duplicate. Other predicates (a
    ``skos:exactMatch`` from an alignment file) stay welcome.
    """
    if bundle.extra is None:
        return []
    declared = {c.id for c in bundle.concepts} | {m.id for m in bundle.materials}
    found = []
    for s, p, o in bundle.extra:
        if not isinstance(s, URIRef) or p not in CONCEPT_PREDICATES | MATERIAL_PREDICATES:
            continue
        ident = id_of(str(s))
        if ident in declared:
            continue
        if p in CONCEPT_PREDICATES and projection.has_concept(ident) and s == iri_of("concept", ident):
            found.append(("concept", ident, s, p, o))
        elif p in MATERIAL_PREDICATES and ident in projection.material_ids and s == iri_of("material", ident):
            found.append(("material", ident, s, p, o))
    problems = [
        f"triple {s.n3()} {p.n3()} {o.n3()} sets {_how_to_set(kind, ident, p, o)}, or import the {kind} whole "
        "with replaceExisting"
        for kind, ident, s, p, o in sorted(found, key=str)[:_SHOWN]
    ]
    if len(found) > _SHOWN:
        problems.append(f"... and {len(found) - _SHOWN} more triples setting values of stored things")
    return problems


def _how_to_set(kind: str, ident: str, p: Node, o: Node) -> str:
    """What a triple on a stored concept or material sets, and what sets it instead (``values_of_stored``).

    A concept's label in another language was sent to ``updateConcept``, which has no
    language: ``setConceptTranslation`` sets it.
    """
    texts = (SKOS.prefLabel, SKOS.definition, SKOS.altLabel)
    if kind == "concept" and p in texts and isinstance(o, Literal) and o.language:
        return (
            f"a translation of the stored concept {ident!r}: set it with setConceptTranslation (language "
            f"{o.language!r}) or a row of translations.csv"
        )
    fix = {"concept": "updateConcept", "material": "updateMaterial"}
    return f"a value of the stored {kind} {ident!r}: change it with {fix[kind]}"


_NAMED_KINDS = {SKOS.Concept: "concept", SKOS.ConceptScheme: "curriculum", SDO.LearningResource: "material"}


def _labelled(g: Graph, node: Node) -> str:
    label = g.value(node, SKOS.prefLabel) or g.value(node, SDO.name) or g.value(node, DCTERMS.title)
    return f", labelled {str(label)!r}" if label is not None else ""


def unnamed_things(extra: Graph | None) -> list[str]:
    """Concepts, curricula and materials without an IRI (blank nodes), and edges to them.

    Pathwise names everything it links by id; a blank-node concept was kept as an
    unmodelled triple, counted by ``info`` but absent from every export and path, and
    an edge to it was reported dangling under a made-up id.
    """
    if extra is None:
        return []
    problems = [
        f"a {kind} without an IRI (a blank node{_labelled(extra, s)}): give it an IRI"
        for s, _, o in extra.triples((None, RDF.type, None))
        if isinstance(s, BNode) and (kind := _NAMED_KINDS.get(o)) is not None  # type: ignore[call-overload]
    ]
    problems += [
        f"a prerequisite edge to or from a blank node: give the concept an IRI ({s.n3()} requires {o.n3()})"
        for s, _, o in extra.triples((None, PW.requires, None))
        if isinstance(s, BNode) or isinstance(o, BNode)
    ]
    return sorted(set(problems))
