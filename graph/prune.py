"""An import's prune: deleting, in the import's own write, what a replace leaves out of the curricula it names.

An import adds and replaces, and never deletes. A designer who removed 30 rows from the
sheets then made 30 ``deleteConcept`` and ``deleteMaterial`` calls, the curriculum half
edited until the last. With ``prune`` (``--replace --prune``) the items the replace's
warning counts (``left_out``, ``graph.replace_warnings.unmentioned``) are deleted in the
import's transaction, each with what ``deleteConcept`` and ``deleteMaterial`` take along
(``graph.cascade``), or the import is refused whole and nothing is written.

A prune changes nothing outside the curricula the batch names. A concept in another
curriculum too, and a material linked to a concept outside them, stay (counted in the
warnings, pruned or not). A concept outside them that links to one the prune would
delete (requires it, is narrower than it) refuses the import, naming both: the edge is
that curriculum's, and losing it would change its learning paths without a word to
whoever edits it. So does a reference of the batch's own to an item it prunes (an edge
of ``prerequisites.csv`` to a concept no longer in ``concepts.csv``): the file
contradicts itself. A stored value the batch keeps because it does not state the field
(a replaced concept's edges, without ``prerequisites.csv``) goes with the pruned item,
as it would with ``deleteConcept``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field

from rdflib import URIRef
from rdflib.term import Node

from graph import queries
from graph.bundle import CurriculumBundle, Pruned
from graph.cascade import cascade
from graph.concept_texts import translation_origin
from graph.errors import InvalidInput, ValidationFailed
from graph.ids import Kind, edge_iri, id_of, iri_of
from graph.projection import Projection
from graph.rdf_mapping import Triple
from graph.store import TripleStore
from graph.vocab import PW, SKOS

__all__ = ["Left", "PlannedPrune", "left_out", "plan_prune", "require_replace"]

_SHOWN = 5


def require_replace(prune: bool, replace_existing: bool) -> None:
    """Refuse a prune without a replace: only a replace states the curricula it names whole.

    Raises:
        InvalidInput: ``prune`` without ``replace_existing`` (``field`` is ``prune``).

    Examples:
        >>> require_replace(True, True)
        >>> require_replace(True, False)
        Traceback (most recent call last):
        graph.errors.InvalidInput: prune deletes what a replace leaves out of the curricula it names: give it with replaceExisting (--replace)
    """  # noqa: E501
    if prune and not replace_existing:
        raise InvalidInput(
            "prune deletes what a replace leaves out of the curricula it names: give it with replaceExisting "
            "(--replace)",
            field="prune",
        )


@dataclass(frozen=True)
class Left:
    """What a batch leaves out of one stored curriculum it names (``left_out``), each list sorted.

    ``concepts`` and ``materials`` are what a prune deletes; ``elsewhere`` the left-out
    concepts that are in another curriculum too, ``shared`` the left-out materials linked
    to a concept outside the curricula the batch names: a prune keeps those.
    """

    concepts: list[str] = field(default_factory=list)
    materials: list[str] = field(default_factory=list)
    elsewhere: list[str] = field(default_factory=list)
    shared: list[str] = field(default_factory=list)


def left_out(store: TripleStore, proj: Projection, bundle: CurriculumBundle) -> dict[str, Left]:
    """What a replacing batch leaves out of each stored curriculum it names, by curriculum id.

    A batch that names a stored curriculum (a ``curricula.csv`` row, a
    ``skos:ConceptScheme``, a CASE document) states it whole: its stored concepts the
    batch does not hold are left out when the batch holds concepts, and the stored
    materials linked to them that it does not hold when it holds materials. A concept's
    curricula are the stored ones, or the batch's for a concept it holds.

    Args:
        store: the store, for the curricula's concepts.
        proj: the graph's projection, for concepts and material links.
        bundle: the batch as it will be written (stored values kept for what it does not state).

    Examples:
        >>> from graph.repository import KnowledgeGraph
        >>> from graph.store import open_store
        >>> from graph.model import Concept, Curriculum
        >>> kg = KnowledgeGraph(open_store("memory"))
        >>> alg = Curriculum("alg", "Algebra")
        >>> _ = kg.import_bundle(CurriculumBundle((alg,), (Concept("a", "A", curriculum="alg"),
        ...     Concept("b", "B", curriculum="alg"))))
        >>> left_out(kg.store, kg.projection, CurriculumBundle((alg,), (Concept("a", "A", curriculum="alg"),)))
        {'alg': Left(concepts=['b'], materials=[], elsewhere=[], shared=[])}
    """
    named = [c.id for c in bundle.curricula if c.id in proj.curriculum_ids]
    if not named or not (bundle.concepts or bundle.materials):
        return {}
    members = {
        cur: [
            c
            for c in map(id_of, queries.concepts_in_curriculum(store, iri_of("curriculum", cur)))
            if proj.has_concept(c)
        ]
        for cur in named
    }
    held = {c.id: c for c in bundle.concepts}
    held_materials = {m.id for m in bundle.materials}
    candidates = {m for ids in members.values() for c in ids for m in proj.materials_of(c)} - held_materials
    linked = _linked_concepts(proj, candidates if bundle.materials else set())
    asked = {c for ids in members.values() for c in ids} | {c for ids in linked.values() for c in ids}
    stored = queries.schemes_of(store, [iri_of("concept", c) for c in sorted(asked - held.keys())])
    schemes = {id_of(c): {id_of(s) for s in found} for c, found in stored.items()}
    schemes |= {c.id: {c.curriculum} if c.curriculum else set() for c in bundle.concepts}
    names = set(named)

    def ours(concept: str) -> bool:
        found = schemes.get(concept, set())
        return bool(found) and found <= names

    out = {}
    for cur in named:
        missing = sorted(set(members[cur]) - held.keys()) if bundle.concepts else []
        materials = {m for c in members[cur] for m in proj.materials_of(c)} & linked.keys()
        alone = sorted(m for m in materials if all(ours(c) for c in linked[m]))
        out[cur] = Left(
            concepts=[c for c in missing if ours(c)],
            materials=alone,
            elsewhere=[c for c in missing if not ours(c)],
            shared=sorted(materials - set(alone)),
        )
    return out


def _linked_concepts(proj: Projection, materials: Collection[str]) -> dict[str, set[str]]:
    """The concepts each of ``materials`` teaches or assesses."""
    found: dict[str, set[str]] = {m: set() for m in materials}
    for table in (proj.teaches, proj.assesses):
        for concept, linked in table.items():
            for m in linked & found.keys():
                found[m].add(concept)
    return found


@dataclass(frozen=True)
class PlannedPrune:
    """A prune's part of an import's write: ``graph.bundle_plan.plan_bundle`` adds it to the batch's.

    ``keeps`` says whether a triple the batch would insert survives: one naming a pruned
    item (a stored value the batch keeps for a field it does not state) goes with the
    item. ``project`` mirrors the prune in the projection, after the batch's.
    """

    deletes: list[Triple]
    pruned: Pruned
    warnings: list[str]
    keeps: Callable[[Triple], bool]
    project: Callable[[], None]


def plan_prune(store: TripleStore, proj: Projection, given: CurriculumBundle, left: Mapping[str, Left]) -> PlannedPrune:
    """The deletes of a prune: every concept and material ``left`` counts, with what goes with each.

    Args:
        store: the store, for what goes with the pruned items (``graph.cascade``).
        proj: the graph's projection, for counts and, at commit, to follow the prune.
        given: the batch as its source states it (before stored values were kept for what it does not state).
        left: ``left_out`` of the batch.

    Raises:
        ValidationFailed: ``field`` ``prune``; each reference of the batch to an item it
            prunes, with its line, and each concept outside the curricula it names that
            links to one (requires it, is narrower than it), with its curriculum.
    """
    concepts = sorted({c for found in left.values() for c in found.concepts})
    materials = sorted({m for found in left.values() for m in found.materials})
    if not concepts and not materials:
        return PlannedPrune([], Pruned(), [], lambda _: True, lambda: None)
    concept_iris = [iri_of("concept", c) for c in concepts]
    material_iris = [iri_of("material", m) for m in materials]
    gone: dict[Node, str] = dict(zip(concept_iris, concepts, strict=True))
    gone_materials: dict[Node, str] = dict(zip(material_iris, materials, strict=True))
    problems = _named_by_batch(given, set(concepts), gone | gone_materials)
    taken = cascade(store, concept_iris, material_iris)
    held = {c.id for c in given.concepts}
    problems += _outside_links(store, proj, taken.deletes, gone, held=held, named=list(left))
    if problems:
        raise ValidationFailed(problems, field="prune")
    edges = {e for c in concepts for e in [*proj.dag.in_edges(c), *proj.dag.out_edges(c)]}
    staying = {m for c in concepts for m in proj.materials_of(c)} - set(materials)
    pruned = Pruned(
        concepts=concepts,
        materials=materials,
        prerequisites=len(edges),
        narrower=sum(1 for s, p, o in taken.deletes if p == SKOS.broader and o in gone and s not in gone),
        material_links=sum(len(proj.materials_of(c) - set(materials)) for c in concepts),
        estimates=len(taken.estimates),
    )
    warnings = _attempts_kept(store, taken.deletes, gone | gone_materials)
    warnings += _left_unlinked(proj, staying - {m.id for m in given.materials}, set(concepts))
    dropped = set(gone) | set(gone_materials) | {edge_iri(c, p) for p, c in edges}

    def project() -> None:
        for c in concepts:
            proj.remove_concept(c)
        for m in materials:
            proj.remove_material(m)

    return PlannedPrune(taken.deletes, pruned, warnings, lambda t: t[0] not in dropped and t[2] not in dropped, project)


_GONE = "is not in the import, so the prune would delete it: put it back in the import, or leave the reference out"


def _named_by_batch(given: CurriculumBundle, concepts: set[str], iris: Mapping[Node, str]) -> list[str]:
    """A problem for each reference the batch itself makes to an item it prunes, with its line where it has one."""

    def at(kind: str, ident: str) -> str:
        where = given.origins.get((kind, ident))
        return f"{where}: " if where else ""

    problems = []
    for concept in given.concepts:
        problems += [
            f"{at('concept', concept.id)}concept {concept.id}: broader concept {b} {_GONE}"
            for b in concept.broader
            if b in concepts
        ]
    for e in given.prerequisites:
        edge = f"{e.concept} -> {e.prerequisite}"
        problems += [
            f"{at('prerequisite', edge)}prerequisite {edge}: concept {end} {_GONE}"
            for end in dict.fromkeys((e.concept, e.prerequisite))
            if end in concepts
        ]
    for m in given.materials:
        for relation, ids in (("taught", m.teaches), ("assessed", m.assesses)):
            problems += [
                f"{at('material', m.id)}material {m.id}: {relation} concept {c} {_GONE}" for c in ids if c in concepts
            ]
    for ident, found in given.translations.items():
        if ident in concepts:
            problems += [
                f"{at(*translation_origin(ident, t.language))}translation of concept {ident} in {t.language}: "
                f"the concept {_GONE}"
                for t in found
            ]
    for s, p, o in given.extra if given.extra is not None else ():
        for node in dict.fromkeys((s, o)):
            if node in iris:
                problems.append(f"triple {s.n3()} {p.n3()} {o.n3()}: {iris[node]} {_GONE}")
    return problems


_LINKS: dict[Node, tuple[str, str]] = {
    PW.requires: ("requires", "remove the edge with removePrerequisite"),
    SKOS.broader: ("is narrower than", "change its broader concepts with updateConcept"),
}


def _outside_links(
    store: TripleStore,
    proj: Projection,
    deletes: Iterable[Triple],
    gone: Mapping[Node, str],
    *,
    held: Collection[str],
    named: list[str],
) -> list[str]:
    """A problem for each concept (or curriculum) outside the curricula the batch names that a prune would change.

    ``deletes`` holds their triples that link to a pruned item; a concept the batch holds
    is replaced by it, and its kept links to a pruned concept go with that concept.
    """
    found: dict[URIRef, dict[tuple[Node, Node], None]] = {}
    for s, p, o in deletes:
        if s in gone or not isinstance(s, URIRef):
            continue
        ident = id_of(str(s))
        concept = proj.has_concept(ident) and ident not in held and _names(s, "concept", ident)
        curriculum = ident in proj.curriculum_ids and ident not in named and _names(s, "curriculum", ident)
        if concept or curriculum:
            found.setdefault(s, {})[p, o] = None
    if not found:
        return []
    schemes = queries.schemes_of(store, [s for s in found if proj.has_concept(id_of(str(s)))])
    scope = ", ".join(named)
    problems = []
    for s, links in found.items():
        ident = id_of(str(s))
        if proj.has_concept(ident):
            theirs = sorted(id_of(c) for c in schemes.get(str(s), ()))
            where = f"curriculum {', '.join(theirs)}" if theirs else "in no curriculum"
            who = f"concept {ident} ({where})"
        else:
            who = f"curriculum {ident}"
        for p, o in links:
            relation, advice = _LINKS.get(p, ("links to", "remove the link first"))
            if o in gone:
                what = f"{relation} {gone[o]}, which the prune would delete"
                target = gone[o]
            else:  # a CASE association record naming a pruned concept by its identifier
                what, target = f"records an association ({p.n3()}) to a concept the prune would delete", "it"
            problems.append(
                f"{who} {what}: a prune changes nothing outside the curricula the import names ({scope}); keep "
                f"{target} in the import, or {advice}"
            )
    return problems


def _names(iri: URIRef, kind: Kind, ident: str) -> bool:
    """Whether ``iri`` is the ``kind`` called ``ident`` (a material and a concept may share a slug)."""
    try:
        return iri_of(kind, ident) == iri
    except InvalidInput:
        return False


def _attempts_kept(store: TripleStore, deletes: Iterable[Triple], gone: Mapping[Node, str]) -> list[str]:
    """A warning that students' attempts on pruned items stay, without their link to them, as deleteConcept's do."""
    linked = sorted(
        {s for s, p, o in deletes if p in (PW.concept, PW.material) and o in gone and isinstance(s, URIRef)}
    )
    attempts = queries.typed_among(store, linked, [PW.Attempt]) if linked else set()
    if not attempts:
        return []
    n = len(attempts)
    return [
        f"{n} student attempt{'s' if n > 1 else ''} on pruned concepts or materials stay, without "
        f"{'their link' if n > 1 else 'its link'} to them, as deleteConcept and deleteMaterial leave them"
    ]


def _left_unlinked(proj: Projection, staying: Collection[str], concepts: Collection[str]) -> list[str]:
    """A warning naming the materials that stay linked to no concept once the prune deletes theirs."""
    linked = _linked_concepts(proj, staying)
    alone = sorted(m for m, found in linked.items() if found and found <= set(concepts))
    if not alone:
        return []
    n = len(alone)
    shown = ", ".join(alone[:_SHOWN]) + (f" and {n - _SHOWN} more" if n > _SHOWN else "")
    return [
        f"{n} material{'s' if n > 1 else ''} linked only to pruned concepts {'stay' if n > 1 else 'stays'}, "
        f"linked to no concept ({shown}): the import holds no materials, so the prune deletes none; list them "
        "with materials(orphans: true), remove them with deleteMaterial"
    ]
