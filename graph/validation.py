"""Checks that run before any write: a change is checked whole, then applied whole.

``check_bundle`` looks at a batch (an import) against the current projection and
returns the batch as it may be written, plus a report. Fatal problems (bad values,
duplicates, dangling references, cycles) raise; on request dangling references are
left out and reported, so a third-party graph with a few broken links still imports,
and cycles are broken.

The checks of one item's own values are in ``graph.value_checks``, those of the batch's
unmodelled triples in ``graph.unmodelled_checks``; this module checks the batch as a whole
against the graph (repeated ids, IRIs of two kinds, dangling references, cycles).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import replace

import networkx as nx

from graph.accessibility import PREFERRED
from graph.activities import activity_clashes, stray_activity_ids
from graph.answer_key import key_heading_warnings
from graph.bundle import CurriculumBundle, ImportReport
from graph.errors import DanglingReferences, DuplicateId, PrerequisiteCycle, ValidationFailed
from graph.id_twins import twins
from graph.ids import is_valid_id, script_id_problem
from graph.model import Concept, Material, Prerequisite
from graph.prerequisites import feedback_edges, find_cycles
from graph.projection import Projection
from graph.references import resolve_references
from graph.unmodelled_checks import learner_data_problems, unnamed_things, values_of_stored
from graph.value_checks import (
    alt_labels_total_problem,
    check_concept,
    check_material,
    curriculum_problems,
    provenance_problem,
    translation_problems,
)

__all__ = [
    "absolute_ids",
    "broader_cycles",
    "check_bundle",
    "cycle_origins",
    "replaced_terms",
    "stored_kind",
]


def _duplicates(kind: str, ids: Iterable[str]) -> list[str]:
    return [f"{kind} {i!r} appears {n} times" for i, n in sorted(Counter(ids).items()) if n > 1]


def stored_kind(ident: str, projection: Projection) -> str | None:
    """What the graph's curriculum calls ``ident``: a concept, a material, a curriculum, or nothing."""
    if projection.has_concept(ident):
        return "concept"
    if ident in projection.material_ids:
        return "material"
    return "curriculum" if ident in projection.curriculum_ids else None


def absolute_ids(bundle: CurriculumBundle) -> list[str]:
    """The batch's concept, material and curriculum ids that are IRIs (slugs cannot meet another kind)."""
    ids = [*(c.id for c in bundle.concepts), *(m.id for m in bundle.materials), *(c.id for c in bundle.curricula)]
    return list(dict.fromkeys(i for i in map(str, ids) if ":" in i and is_valid_id(i)))  # a malformed one: INVALID


def _iris_of_two_kinds(
    bundle: CurriculumBundle, projection: Projection, elsewhere: Mapping[str, str] | None = None
) -> list[str]:
    """An absolute IRI names one thing: a concept's cannot also be a material's or a curriculum's.

    Slugs live in one namespace per kind and cannot meet; IRIs kept from elsewhere can,
    and a material sharing a concept's IRI would share its triples (deleting one deleted
    the other's). ``elsewhere`` gives the kinds the projection does not hold (a cohort's
    IRI, looked up in the store by the caller).
    """
    elsewhere = elsewhere or {}

    def kind_now(ident: str) -> str | None:
        return stored_kind(ident, projection) or elsewhere.get(ident)

    batches = (
        ("concept", (c.id for c in bundle.concepts)),
        ("material", (m.id for m in bundle.materials)),
        ("curriculum", (c.id for c in bundle.curricula)),
    )
    seen: dict[str, str] = {}
    problems: list[str] = []
    for kind, ids in batches:
        for ident in map(str, ids):  # ids read from RDF are URIRefs
            if ":" not in ident:  # a slug
                continue
            other = seen.setdefault(ident, kind)
            stored = kind_now(ident)
            if other != kind:
                problems.append(f"{kind} id {ident!r} is also a {other} id in this batch")
            elif stored is not None and stored != kind:
                problems.append(f"{kind} id {ident!r} is already the IRI of a {stored}")
    return problems


def broader_cycles(concepts: Iterable[Concept], stored: Iterable[tuple[str, str]] = ()) -> list[str]:
    """Cycles of ``skos:broader`` once ``concepts`` are written (each one a problem).

    A concept under itself through others ("A under B, B under A") has no place in a
    hierarchy; it was accepted without a word. ``stored`` is the graph's (concept,
    broader) pairs (the graph keeps no broader links in memory); those of ``concepts``
    are replaced by theirs, as writing them does.
    """
    batch = list(concepts)
    written = {c.id for c in batch}
    pairs = [(c, b) for c, b in stored if c not in written] + [(c.id, b) for c in batch for b in c.broader]
    hierarchy: nx.DiGraph[str] = nx.DiGraph((b, c) for c, b in pairs)  # as find_cycles reads
    return [
        f"broader cycle: {' under '.join([*cycle, cycle[0]])} (a concept cannot be under itself)"
        for cycle in find_cycles(hierarchy, limit=20)
    ]


def replaced_terms(materials: Iterable[Material]) -> list[str]:
    """A warning for each accessibility feature the vocabulary asks authors to replace, naming the materials.

    ``captions`` says nothing of whether a viewer can turn them off; schema.org deprecates
    it for ``closedCaptions`` or ``openCaptions``. It is kept (publishers still write it),
    and was kept without a word.

    Examples:
        >>> from graph.model import MaterialType
        >>> replaced_terms([Material("v", "V", MaterialType.VIDEO, accessibility_features=("captions",))])
        ["accessibility feature 'captions' of 1 material (v) is replaced in schema.org's vocabulary by closedCaptions or openCaptions"]
    """  # noqa: E501
    found: dict[str, list[str]] = {}
    for material in materials:
        for term in material.accessibility_features:
            if term in PREFERRED:
                found.setdefault(term, []).append(material.id)
    lines = []
    for term, ids in found.items():
        shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
        noun = "material" if len(ids) == 1 else "materials"
        lines.append(
            f"accessibility feature {term!r} of {len(ids)} {noun} ({shown}) is replaced in schema.org's vocabulary "
            f"by {' or '.join(PREFERRED[term])}"
        )
    return lines


def check_bundle(
    bundle: CurriculumBundle,
    projection: Projection,
    *,
    replace_existing: bool = False,
    break_cycles: bool = False,
    allow_dangling: bool = False,
    elsewhere: Mapping[str, str] | None = None,
    stored_broader: Iterable[tuple[str, str]] = (),
    stored_learners: Collection[str] = (),
) -> tuple[CurriculumBundle, ImportReport]:
    """Validate a batch against the graph; return what may be written and a report.

    Args:
        bundle: the batch.
        projection: the graph as it is now.
        replace_existing: let the batch replace concepts, materials and curricula that
            already exist (their old triples and outgoing edges go); otherwise an
            existing id is a ``DuplicateId``.
        break_cycles: leave out a small set of edges that breaks every cycle (listed in
            the report) instead of refusing the batch.
        allow_dangling: leave out the links to ids that exist neither in the batch nor
            in the graph (listed in the report's ``dangling``) instead of refusing the
            batch: third-party graphs (metacademy, Khan Academy, a CASE package naming
            another framework) carry such links.
        elsewhere: the batch's IRIs that already name something the projection does not
            hold, with its kind (``"cohort"``): refused like a concept's IRI reused.
        stored_broader: the graph's (concept, broader) pairs, so a ``skos:broader`` cycle
            through stored links is seen (``broader_cycles``).
        stored_learners: IRIs of the batch's unmodelled triples that name a stored
            student, cohort, attempt or estimate (``learner_data_problems``).

    Raises:
        ValidationFailed: bad values or repeated ids inside the batch, or an IRI the batch
            would give two materials (``graph.activities``): every problem listed; after
            those, broader cycles, with the prerequisite cycles of the same batch.
        DuplicateId: an id already in the graph, unless ``replace_existing``.
        DanglingReferences: links to unknown ids, unless ``allow_dangling``; each with
            where it came from and the closest id, and the batch's cycles with them.
        PrerequisiteCycle: the edges would form cycles (every cycle listed), and nothing
            else refused the batch.
    """
    report = ImportReport(
        counts=bundle.counts(),
        warnings=[
            *bundle.warnings,
            *replaced_terms(bundle.materials),
            *key_heading_warnings(bundle.materials, bundle.origins),
        ],
    )
    problems: list[str] = list(bundle.problems)
    for concept in bundle.concepts:
        problems += check_concept(concept)
    for material in bundle.materials:
        problems += check_material(material)
    for curriculum in bundle.curricula:
        problems += [message for _, message in curriculum_problems(curriculum)]
    # a new id that a page linking it would run (one stored before stays: an export must import back)
    problems += [
        p
        for kind, ident, stored in (
            *(("concept", c.id, projection.has_concept(c.id)) for c in bundle.concepts),
            *(("material", m.id, m.id in projection.material_ids) for m in bundle.materials),
            *(("curriculum", c.id, c.id in projection.curriculum_ids) for c in bundle.curricula),
        )
        if not stored and (p := script_id_problem(kind, ident)) is not None
    ]
    own_alt = {c.id: c.alt_labels for c in bundle.concepts}
    for concept_id, translations in bundle.translations.items():
        for translation in translations:
            problems += [message for _, message in translation_problems(concept_id, translation)]
        lists = [own_alt.get(concept_id, ()), *(t.alt_labels for t in translations)]
        if (too_many := alt_labels_total_problem(concept_id, lists)) is not None:
            problems.append(too_many)  # past it, updateConcept would refuse every edit of the concept
        languages = (t.language.lower() for t in translations)
        problems += [f"concept {concept_id!r}: {p}" for p in _duplicates("translation in", languages)]
    for edge in bundle.prerequisites:
        if not 0.0 < edge.strength <= 1.0:
            problems.append(f"edge {edge.concept} -> {edge.prerequisite}: strength {edge.strength} not in (0, 1]")
        if (bad := provenance_problem(edge)) is not None:
            problems.append(bad)
    problems += _duplicates("concept", (c.id for c in bundle.concepts))
    problems += _duplicates("material", (m.id for m in bundle.materials))
    problems += _duplicates("curriculum", (c.id for c in bundle.curricula))
    same_text, other_case = _twins(bundle, projection)
    problems += same_text
    report.warnings += other_case
    problems += _iris_of_two_kinds(bundle, projection, elsewhere)
    problems += [  # a CSV's line first: the stored holder has none
        f"{origin}: {c.message()}" if (origin := bundle.origins.get(("material", c.material))) else c.message()
        for c in activity_clashes(bundle.materials, projection.activities, projection.material_ids)
    ]
    problems += stray_activity_ids(bundle.extra, projection.material_ids | {m.id for m in bundle.materials})
    problems += learner_data_problems(bundle.extra, stored_learners)
    problems += values_of_stored(bundle, projection)
    problems += unnamed_things(bundle.extra)
    if problems:
        raise ValidationFailed(problems)

    if not replace_existing:  # every id the store holds already, so one answer says what --replace would replace
        taken = [("concept", c.id) for c in bundle.concepts if projection.has_concept(c.id)]
        taken += [("material", m.id) for m in bundle.materials if m.id in projection.material_ids]
        taken += [("curriculum", c.id) for c in bundle.curricula if c.id in projection.curriculum_ids]
        if taken:
            (kind, ident), *also = taken
            raise DuplicateId(kind, ident, also=also)

    concept_ids = {c.id for c in bundle.concepts}
    found = resolve_references(bundle, projection, {c.id for c in bundle.curricula} | projection.curriculum_ids)
    problems = [] if allow_dangling else list(found.dangling)
    problems += broader_cycles(found.concepts, stored_broader)
    edges = found.prerequisites
    dag = _combined_dag(projection, concept_ids if replace_existing else set(), edges)
    if not nx.is_directed_acyclic_graph(dag):
        report.cycles = find_cycles(dag)
        if not break_cycles:
            given = {(e.concept, e.prerequisite) for e in edges}
            where = [cycle_origins(c, given, bundle.origins) for c in report.cycles]
            if not problems:
                raise PrerequisiteCycle(report.cycles, where=where)
            problems += [
                f"prerequisite cycle: {' -> '.join([*c, c[0]])}{w}" for c, w in zip(report.cycles, where, strict=True)
            ]
    if problems:  # every reason at once: fixing the dangling ids then met the cycle
        cycles = [] if break_cycles else report.cycles
        if found.dangling and not allow_dangling:
            raise DanglingReferences(found.dangling, problems=problems[len(found.dangling) :], cycles=cycles)
        raise ValidationFailed(problems, cycles=cycles)
    if report.cycles:
        replaced = concept_ids if replace_existing else set()
        stored = {(p, c) for p, c in projection.dag.edges if c not in replaced}
        report.dropped_edges = feedback_edges(dag, keep=stored)
        dropped = set(report.dropped_edges)
        edges = [e for e in edges if (e.concept, e.prerequisite) not in dropped]

    report.dangling = found.dangling
    report.missing_ids = sorted(found.missing_ids)
    cleaned = replace(
        bundle,
        concepts=tuple(found.concepts),
        prerequisites=tuple(edges),
        materials=tuple(found.materials),
        translations=found.translations,
    )
    report.counts = cleaned.counts()
    return cleaned, report


def _twins(bundle: CurriculumBundle, projection: Projection) -> tuple[list[str], list[str]]:
    """The batch's new concept and material ids that look like another (``graph.id_twins``): problems, warnings.

    Each is said at its line where it has one, with the line of a twin in the batch.
    """
    problems: list[str] = []
    warnings: list[str] = []
    for kind, new, stored in (
        ("concept", [c.id for c in bundle.concepts], projection.dag.nodes),
        ("material", [m.id for m in bundle.materials], projection.material_ids),
    ):
        for twin in twins(kind, new, stored):
            said = twin.message("" if twin.stored else bundle.origins.get((kind, twin.other), ""))
            origin = bundle.origins.get((kind, twin.ident))
            (problems if twin.same_text else warnings).append(f"{origin}: {said}" if origin else said)
    return problems, warnings


def cycle_origins(
    cycle: Sequence[str], given: Collection[tuple[str, str]], origins: Mapping[tuple[str, str], str]
) -> str:
    """Where the batch's edges of ``cycle`` came from, as `` (file:line n: c -> p, ...)``; ``""`` when none has a line.

    The stored graph has no cycle, so every cycle an import would close runs through
    edges of the batch: a CSV refusal named the dangling link's and the self-loop's line,
    and only the path of a cycle.

    Examples:
        >>> origins = {("prerequisite", "c -> a"): "prerequisites.csv:line 4"}
        >>> cycle_origins(["a", "b", "c"], {("c", "a")}, origins)
        ' (prerequisites.csv:line 4: c -> a)'
        >>> cycle_origins(["a", "b"], {("a", "b")}, origins)
        ''
    """
    found = []
    for i, concept in enumerate(cycle):
        edge = f"{concept} -> {cycle[(i + 1) % len(cycle)]}"
        origin = origins.get(("prerequisite", edge))
        if origin and (concept, cycle[(i + 1) % len(cycle)]) in given:
            found.append(f"{origin}: {edge}")
    return f" ({', '.join(found)})" if found else ""


def _combined_dag(projection: Projection, replaced: set[str], edges: list[Prerequisite]) -> nx.DiGraph[str]:
    """The prerequisite graph as it would be after the batch.

    Copies the projection only when it has edges (an import into an empty graph, the
    large case, skips the copy).
    """
    dag: nx.DiGraph[str] = nx.DiGraph()
    if projection.dag.number_of_edges():
        dag.add_edges_from((p, c, d) for p, c, d in projection.dag.edges(data=True) if c not in replaced)
    dag.add_edges_from((e.prerequisite, e.concept, {"strength": e.strength}) for e in edges)
    return dag
