"""Planning a curriculum batch's write: what it replaces, keeps, deletes and inserts.

Separate from ``graph.repository`` because a batch is the one write that reads the
store widely before it writes (stored texts, edges, hazards, curricula), and the rules
for what a replace keeps (``graph.unstated``) are its own concern. What it writes of
its concepts' texts in every language is planned in ``graph.bundle_texts``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from rdflib import URIRef

from graph import queries
from graph.access_needs import AccessFacts
from graph.bundle import CurriculumBundle, ImportReport
from graph.bundle_texts import bundle_texts
from graph.errors import ValidationFailed
from graph.ids import edge_iri, id_of, iri_of
from graph.model import Concept, Curriculum, Material, Prerequisite
from graph.projection import Projection
from graph.prune import left_out, plan_prune, require_replace
from graph.rdf_mapping import Triple, bundle_triples, prerequisite_triples
from graph.replace_warnings import left_out_warnings, removed_hazards
from graph.unmodelled_kept import kept_unmodelled, kept_warning
from graph.unstated import PREREQUISITES, TRANSLATIONS, keep_unstated, keep_unstated_edges
from graph.validation import absolute_ids, check_bundle
from graph.vocab import ID, PW

if TYPE_CHECKING:
    from graph.repository_reads import GraphReads

__all__ = ["PlannedWrite", "ProgressHook", "plan_bundle", "project_material"]

ProgressHook = Callable[[str, int, int], None]
"""Called as ``hook(stage, done, total)`` during long work."""


@dataclass(frozen=True)
class PlannedWrite:
    """A validated batch not yet written: its triples and how the projection follows them."""

    deletes: list[Triple]
    inserts: list[Triple]
    project: Callable[[], None]
    report: ImportReport


_PSEUDO_FIELDS = frozenset({TRANSLATIONS, PREREQUISITES})
"""What ``unstated`` names beside the model's fields: the store's triples, kept otherwise."""


def project_material(proj: Projection, material: Material) -> None:
    """Mirror a written material in the projection."""
    proj.set_material(
        material.id,
        material.type.value,
        material.teaches,
        material.assesses,
        difficulty=material.difficulty,
        minutes=material.minutes,
        activity_ids=material.activity_ids,
        access=AccessFacts.of(material),
    )


def _edge_triples(edges: Iterable[tuple[str, str]]) -> Callable[[Triple], bool]:
    """Whether a triple is one of these ``(concept, prerequisite)`` edges': its ``pw:requires`` or its node's."""
    nodes = {edge_iri(c, p) for c, p in edges}
    links = {(iri_of("concept", c), PW.requires, iri_of("concept", p)) for c, p in edges}
    return lambda t: t[0] in nodes or t in links


def plan_bundle(
    kg: GraphReads,
    bundle: CurriculumBundle,
    *,
    replace_existing: bool = False,
    break_cycles: bool = False,
    allow_dangling: bool = False,
    prune: bool = False,
    progress: ProgressHook | None = None,
) -> PlannedWrite:
    """Validate a batch and build its write without applying it.

    For a caller that writes the batch together with other triples in one
    transaction (``graph.attempts.record_attempts`` creating what a log names); the
    caller holds ``lock`` from here to its ``commit``. ``prune`` (with ``replace_existing``)
    deletes what the batch leaves out of the curricula it names, in the same write
    (``graph.prune``).

    Raises:
        ValidationFailed, DuplicateId, DanglingReferences, PrerequisiteCycle; InvalidInput (``prune`` without
        ``replace_existing``).
    """
    with kg.lock:
        require_replace(prune, replace_existing)
        given = bundle  # as its source states it: a prune refuses the references it makes itself
        bundle, kept = _keep_unstated(kg, bundle, replace_existing)
        bundle, kept_edges, edge_warnings = _keep_stored_edges(kg, bundle, replace_existing)
        cleaned, report = check_bundle(
            bundle,
            kg.projection,
            replace_existing=replace_existing,
            break_cycles=break_cycles,
            allow_dangling=allow_dangling,
            elsewhere=_kinds_elsewhere(kg, bundle),
            stored_broader=kg.stored_broader() if any(c.broader for c in bundle.concepts) else (),
            stored_learners=_learners_named(kg, bundle),
        )
        replaced = [iri_of("concept", c.id) for c in cleaned.concepts if kg.projection.has_concept(c.id)]
        replaced += [iri_of("material", m.id) for m in cleaned.materials if m.id in kg.projection.material_ids]
        # a replaced curriculum too: its old title stayed beside the new one (two titles, two CASE records)
        stored = kg.projection.curriculum_ids
        replaced += [iri_of("curriculum", c.id) for c in cleaned.curricula if c.id in stored]
        deletes, unmodelled = _replaced_triples(kg, replaced, cleaned) if replaced else ([], [])
        texts_deleted, texts = bundle_texts(kg, cleaned, deletes, replace_existing)
        # kept edges stay as stored, their nodes with what the model does not hold (cycles may drop one)
        still = {(e.concept, e.prerequisite) for e in kept_edges} & {
            (e.concept, e.prerequisite) for e in cleaned.prerequisites
        }
        untouched = _edge_triples(still)
        if still:
            deletes = [t for t in deletes if not untouched(t)]
            report.counts["prerequisites"] -= len(still)  # the report counts what the batch gave
        deletes += texts_deleted + _changed_edges(kg, cleaned, replace_existing)
        inserts: list[Triple] = []
        total = sum(cleaned.counts().values())
        for n, triple in enumerate(bundle_triples(cleaned, concept_texts=False)):
            inserts.append(triple)
            if progress is not None and n % 20000 == 0:
                progress("prepare", n, total)
        inserts += texts
        if still:
            inserts = [t for t in inserts if not untouched(t)]
        hazards = removed_hazards(cleaned.materials, partial(_stored_hazards, kg)) if replaced else []
        left = left_out(kg.store, kg.projection, cleaned) if replace_existing else {}
        pruning = plan_prune(kg.store, kg.projection, given, left) if prune else None
        if pruning is not None:
            deletes = list(dict.fromkeys([*deletes, *pruning.deletes]))
            inserts = [t for t in inserts if pruning.keeps(t)]  # a stored value kept for a pruned item goes with it
            report.pruned = pruning.pruned
        report.triples = len(inserts)
        left_lines = left_out_warnings(left, pruned=prune) + (pruning.warnings if pruning is not None else [])
        kinds = {iri_of("concept", c.id): "concept" for c in cleaned.concepts}
        kinds |= {iri_of("material", m.id): "material" for m in cleaned.materials}
        kinds |= {iri_of("curriculum", c.id): "curriculum" for c in cleaned.curricula}
        unmodelled_lines = kept_warning(unmodelled, kinds)
        report.warnings = kept + edge_warnings + unmodelled_lines + hazards + left_lines + report.warnings

        def project() -> None:
            _project_bundle(kg, cleaned, replaced)
            if pruning is not None:
                pruning.project()  # after the batch's: a kept edge to a pruned concept went in with it

        return PlannedWrite(deletes, inserts, project, report)


def _keep_unstated(
    kg: GraphReads, bundle: CurriculumBundle, replace_existing: bool
) -> tuple[CurriculumBundle, list[str]]:
    """The batch with the stored values of the fields it does not state (``graph.unstated``), and what was kept.

    Stored edges are read for any import (an edge is no id: the same edge again is
    no duplicate); concepts, materials and curricula only when they may be replaced.
    """
    kinds = {kind for kind, name in bundle.unstated if name not in _PSEUDO_FIELDS and kind != "translation"}
    kinds |= {kind for (kind, _), names in bundle.unstated_items.items() if names - _PSEUDO_FIELDS}
    if not kinds:
        return bundle, []
    proj = kg.projection
    edges = {
        (e.concept, e.prerequisite): Prerequisite(
            e.concept,
            e.prerequisite,
            kg.strength(e.concept, e.prerequisite),
            kg.provenance(e.concept, e.prerequisite),
        )
        for e in bundle.prerequisites
        if "prerequisite" in kinds and proj.dag.has_edge(e.prerequisite, e.concept)
    }
    concepts: dict[str, Concept] = {}
    materials: dict[str, Material] = {}
    curricula: dict[str, Curriculum] = {}
    if replace_existing:
        if "concept" in kinds:
            found = kg.concepts_by_ids([c.id for c in bundle.concepts])
            concepts = {c.id: c for c in found if c is not None}
        if "material" in kinds:
            stored = kg.materials_by_ids([m.id for m in bundle.materials])
            materials = {m.id: m for m in stored if m is not None}
        if "curriculum" in kinds and bundle.curricula:
            curricula = {c.id: c for c in kg.curricula()}
    return keep_unstated(bundle, curricula=curricula, concepts=concepts, materials=materials, edges=edges)


def _stored_hazards(kg: GraphReads, material: str) -> tuple[str, ...] | None:
    """A stored material's hazards (from the projection), ``None`` for one not stored."""
    if material not in kg.projection.material_ids:
        return None
    return kg.projection.access_of(material).hazards


def _keep_stored_edges(
    kg: GraphReads, bundle: CurriculumBundle, replace_existing: bool
) -> tuple[CurriculumBundle, list[Prerequisite], list[str]]:
    """The batch with the stored edges of the concepts it replaces without stating their edges."""
    proj = kg.projection
    if not replace_existing:
        return bundle, [], []
    stored = {
        c.id: [Prerequisite(c.id, p, kg.strength(c.id, p), kg.provenance(c.id, p)) for p in proj.dag.pred[c.id]]
        for c in bundle.concepts
        if not bundle.states("concept", PREREQUISITES, c.id) and proj.has_concept(c.id)
    }
    return keep_unstated_edges(bundle, stored)


def _changed_edges(kg: GraphReads, bundle: CurriculumBundle, replace_existing: bool) -> list[Triple]:
    """The stored strength and provenance of the batch's edges that are stored otherwise (to delete).

    An edge is no id, so a second file naming a stored edge with another strength was
    written beside it: the edge had two strengths and two provenances. The same edge
    again changes nothing; a changed one needs ``replace_existing``, as a concept does.
    An edge whose concept the batch replaces is deleted with the concept already.

    Raises:
        ValidationFailed: changed edges without ``replace_existing``, each with what is stored.
    """
    replaced = {c.id for c in bundle.concepts if kg.projection.has_concept(c.id)} if replace_existing else set()
    stored = [
        e
        for e in bundle.prerequisites
        if e.concept not in replaced and kg.projection.dag.has_edge(e.prerequisite, e.concept)
    ]
    if not stored:
        return []
    described = queries.describe(kg.store, [edge_iri(e.concept, e.prerequisite) for e in stored])
    deletes: list[Triple] = []
    problems: list[str] = []
    for e in stored:
        iri = edge_iri(e.concept, e.prerequisite)
        props = described.get(str(iri), {})
        old = [(iri, p, o) for p in (PW.strength, PW.provenance) for o in props.get(p, [])]
        new = {t for t in prerequisite_triples(e) if t[1] in (PW.strength, PW.provenance)}
        if set(old) == new:
            continue
        if not replace_existing:
            strength = ", ".join(str(o) for _, p, o in old if p == PW.strength) or "1"
            provenance = ", ".join(repr(str(o)) for _, p, o in old if p == PW.provenance) or "none"
            problems.append(
                f"prerequisite {e.concept} -> {e.prerequisite} is stored with strength {strength} and provenance "
                f"{provenance}: pass --replace (replaceExisting) to change it"
            )
        deletes += old
    if problems:
        raise ValidationFailed(problems)
    return deletes


def _kinds_elsewhere(kg: GraphReads, bundle: CurriculumBundle) -> dict[str, str]:
    """The batch's IRIs that already name a cohort (the projection holds no cohorts)."""
    iris = [URIRef(i) for i in absolute_ids(bundle)]
    return dict.fromkeys(queries.typed_as(kg.store, iris, PW.Cohort), "cohort")


def _learners_named(kg: GraphReads, bundle: CurriculumBundle) -> set[str]:
    """IRIs outside Pathwise's namespace in the batch's unmodelled triples that name learner data."""
    if bundle.extra is None:
        return set()
    named = {n for t in bundle.extra for n in (t[0], t[2]) if isinstance(n, URIRef) and not n.startswith(str(ID))}
    return queries.typed_among(kg.store, sorted(named), list(queries.STUDENT_DATA_CLASSES)) if named else set()


def _replaced_triples(
    kg: GraphReads, subjects: Sequence[URIRef], bundle: CurriculumBundle
) -> tuple[list[Triple], list[Triple]]:
    """What replacing them deletes (their own triples and outgoing edges), and what they keep.

    They keep the stored triples Pathwise does not model and the batch does not state
    (``graph.unmodelled_kept``): a CASE record, a SKOS mapping through a CSV round trip.
    """
    described = queries.describe(kg.store, subjects)
    own: list[Triple] = []
    out: list[Triple] = []
    for iri, props in described.items():
        s = URIRef(iri)
        own += [(s, p, o) for p, objs in props.items() for o in objs]
        for p in props.get(PW.requires, []):
            e = edge_iri(id_of(iri), id_of(str(p)))
            for pred, objs in queries.describe(kg.store, [e]).get(str(e), {}).items():
                out += [(e, pred, o) for o in objs]
    blanks = queries.blank_subtrees(kg.store, subjects)
    kept = kept_unmodelled(own, blanks, extra=bundle.extra, whole_predicates=bundle.whole_predicates)
    keep = set(kept)
    return [t for t in own + out + blanks if t not in keep], kept


def _project_bundle(kg: GraphReads, bundle: CurriculumBundle, replaced: Sequence[URIRef]) -> None:
    proj = kg.projection
    for iri in replaced:
        ident = id_of(str(iri))
        if proj.has_concept(ident):
            for p in list(proj.dag.predecessors(ident)):
                proj.remove_edge(ident, p)
    for cur in bundle.curricula:
        proj.curriculum_ids.add(cur.id)
    for concept in bundle.concepts:
        proj.add_concept(concept.id, concept.label)
    for edge in bundle.prerequisites:
        proj.add_edge(edge.concept, edge.prerequisite, edge.strength, edge.provenance)
    for m in bundle.materials:
        project_material(proj, m)
