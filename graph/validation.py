"""Checks that run before any write: a change is checked whole, then applied whole.

``check_bundle`` looks at a batch (an import) against the current projection and
returns the batch as it may be written, plus a report. Fatal problems (bad values,
duplicates, dangling references, cycles) raise; on request dangling references are
left out and reported, so a third-party graph with a few broken links still imports,
and cycles are broken.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import replace
from urllib.parse import urlsplit

import networkx as nx
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from graph.accessibility import (
    ACCESS_MODES,
    ACCESSIBILITY_FEATURES,
    ACCESSIBILITY_HAZARDS,
    PREFERRED,
    language_problem,
    sufficient_problems,
    term_problems,
)
from graph.activities import activity_clashes, activity_problems, stray_activity_ids
from graph.bundle import CurriculumBundle, ImportReport
from graph.errors import DanglingReferences, DuplicateId, InvalidInput, PrerequisiteCycle, ValidationFailed
from graph.ids import id_of, id_problem, iri_of, is_valid_id
from graph.model import Concept, Material, Prerequisite, Translation
from graph.prerequisites import feedback_edges, find_cycles
from graph.projection import Projection
from graph.references import resolve_references
from graph.vocab import DCTERMS, GRAPH_IRI, ID, PW, RDF, SDO, SKOS

__all__ = [
    "MAX_MINUTES",
    "accessibility_problems",
    "broader_cycles",
    "check_bundle",
    "check_concept",
    "check_material",
    "check_strength",
    "concept_problems",
    "material_problems",
    "one_field",
    "translation_problems",
]


def check_concept(concept: Concept) -> list[str]:
    """Problems with one concept's own values (not its links)."""
    return [message for _, message in concept_problems(concept)]


LABEL_LIMIT = 500
"""The most characters a label or title may have (a 100,000-character label was accepted)."""

_UNSEEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff\ud800-\udfff]")
"""Control characters, bidirectional overrides and non-characters: nothing a label shows, and
an override makes "Ратио" read backwards (Trojan Source). Tabs and line breaks are text."""


def text_problem(
    text: str, what: str, *, limit: int | None = None, one_line: bool = False, may_be_empty: bool = False
) -> str | None:
    """Why ``text`` cannot be ``what`` (a label, a title), said after its owner ("concept 'x' ..."); ``None``: it can.

    Examples:
        >>> text_problem("Álgebra", "label"), text_problem("\u200b", "label")
        (None, 'has an empty label')
        >>> text_problem("Ratio\u202e", "label")
        'has U+202E in its label, an invisible control or direction override: remove it'
    """
    if not may_be_empty and not "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Cf"):
        return f"has an empty {what}"
    unseen = _UNSEEN.search(text) or (re.search("[\r\n]", text) if one_line else None)
    if unseen is not None:
        code = f"U+{ord(unseen.group()):04X}"
        return f"has {code} in its {what}, an invisible control or direction override: remove it"
    if limit is not None and len(text) > limit:
        article = "an" if what[:1] in "aeiou" else "a"  # "has a alternative label" read as a typo
        return f"has {article} {what} of {len(text)} characters, more than {limit}"
    return None


def concept_problems(concept: Concept) -> list[tuple[str, str]]:
    """``check_concept``'s problems, each with the input field it is about (a form shows it there)."""
    problems = []
    problem = id_problem("concept", concept.id)
    if problem is not None:
        problems.append(("id", problem))
    problems += _texts_problems(f"concept {concept.id!r}", concept.label, concept.definition, concept.alt_labels)
    if concept.id in concept.broader:
        problems.append(("broader", f"concept {concept.id!r} cannot be broader than itself"))
    return problems


def translation_problems(concept: str, translation: Translation, *, label: bool = False) -> list[tuple[str, str]]:
    """Problems with one translation's values, each with its input field: the checks a concept's own texts get.

    ``label``: the translation must have a label (a designer's form sets one; an import
    may bring a definition alone in a language).

    Examples:
        >>> translation_problems("slope", Translation("es_MX", "Pendiente"))
        [('language', "concept 'slope': language 'es_MX' is not a BCP 47 language tag: did you mean 'es-MX'?")]
        >>> translation_problems("slope", Translation("es", ""), label=True)
        [('label', "concept 'slope' in 'es' has an empty label")]
    """
    problems = []
    bad = language_problem(translation.language)
    if bad is not None:
        problems.append(("language", f"concept {concept!r}: {bad}"))
    owner = f"concept {concept!r} in {translation.language!r}"
    problems += _texts_problems(
        owner, translation.label, translation.definition, translation.alt_labels, label_may_be_empty=not label
    )
    return problems


def _texts_problems(
    owner: str, label: str, definition: str, alt_labels: Sequence[str], *, label_may_be_empty: bool = False
) -> list[tuple[str, str]]:
    """A label's, a definition's and alternative labels' problems, in any language, said after their ``owner``."""
    problems = []
    found = text_problem(label, "label", limit=LABEL_LIMIT, one_line=True, may_be_empty=label_may_be_empty)
    if found is not None:
        problems.append(("label", f"{owner} {found}"))
    found = text_problem(definition, "definition", may_be_empty=True)
    if found is not None:
        problems.append(("definition", f"{owner} {found}"))
    for alt in alt_labels:
        found = text_problem(alt, "alternative label", limit=LABEL_LIMIT, one_line=True)
        if found is not None:
            problems.append(("altLabels", f"{owner} {found}"))
    return problems


def one_field(problems: Sequence[tuple[str, str]]) -> str | None:
    """The field every problem is about, when there is one (else ``None``).

    Examples:
        >>> one_field([("url", "a"), ("url", "b")]), one_field([("url", "a"), ("title", "b")])
        ('url', None)
    """
    fields = {field for field, _ in problems}
    return fields.pop() if len(fields) == 1 else None


_SAFE_SCHEMES = frozenset({"", "http", "https"})
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]")
_URL_UNSAFE = re.compile(r'[\x00-\x20\x7f<>"`]')  # end an HTML attribute or a URL in text ('|' is common)


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a material's link (``None``: it can).

    Frontends render it as a link, so a ``javascript:`` or ``data:`` URL would run in the
    student's browser. Browsers drop tabs, newlines and spaces inside a scheme, so they
    are dropped here too before the scheme is read. Relative links are kept. Spaces,
    double quotes, backticks and angle brackets (outside RFC 3986, and what ends an HTML
    attribute) are refused rather than stored for every page to escape; other characters
    RFC 3986 leaves out (``|`` in real Metacademy links) are kept, as browsers take them.

    Examples:
        >>> url_problem("https://example.org/a"), url_problem("notes/a.html")
        (None, None)
        >>> url_problem(" Java\tScript:alert(1)")
        "url scheme 'javascript' is not http or https"
    """
    scheme = urlsplit(_URL_NOISE.sub("", url)).scheme.lower()
    if scheme not in _SAFE_SCHEMES:
        return f"url scheme {scheme!r} is not http or https"
    unsafe = sorted(set(_URL_UNSAFE.findall(url)))
    if unsafe:
        shown = ", ".join(repr(ch) for ch in unsafe)
        return f"url holds {shown}, which a URL cannot hold as it is (percent-encode them)"
    return None


MAX_MINUTES = 6000
"""The longest a material may take (100 hours): a path's minutes add up in GraphQL's 32-bit Int,
and a value near its limit made every path through the material fail to serialise."""


def check_material(material: Material) -> list[str]:
    """Problems with one material's own values (not its links)."""
    return [message for _, message in material_problems(material)]


def material_problems(material: Material) -> list[tuple[str, str]]:
    """``check_material``'s problems, each with the input field it is about."""
    problems = []
    problem = id_problem("material", material.id)
    if problem is not None:
        problems.append(("id", problem))
    title = text_problem(material.title, "title", limit=LABEL_LIMIT, one_line=True)
    if title is not None:
        problems.append(("title", f"material {material.id!r} {title}"))
    bad_url = url_problem(material.url) if material.url else None
    if bad_url is not None:
        problems.append(("url", f"material {material.id!r}: {bad_url}"))
    if not 1 <= material.difficulty <= 5:
        problems.append(("difficulty", f"material {material.id!r}: difficulty {material.difficulty} is not in 1..5"))
    if not 1 <= material.minutes <= MAX_MINUTES:
        problems.append(("minutes", f"material {material.id!r}: minutes {material.minutes} is not in 1..{MAX_MINUTES}"))
    return problems + accessibility_problems(material) + activity_problems(material)


def accessibility_problems(material: Material) -> list[tuple[str, str]]:
    """Problems with a material's language and accessibility terms, each with its input field.

    The terms are checked as the model keeps them (``canonical_terms``: schema.org's
    spelling), so the edges that read input turn ``"Captions"`` into ``"captions"`` first.
    """
    problems = []
    bad_language = language_problem(material.language) if material.language is not None else None
    if bad_language is not None:
        problems.append(("language", f"material {material.id!r}: {bad_language}"))
    terms = (
        ("accessModes", material.access_modes, ACCESS_MODES, "access mode"),
        ("accessibilityFeatures", material.accessibility_features, ACCESSIBILITY_FEATURES, "accessibility feature"),
        ("accessibilityHazards", material.accessibility_hazards, ACCESSIBILITY_HAZARDS, "accessibility hazard"),
    )
    for field, values, vocabulary, what in terms:
        problems += [(field, f"material {material.id!r}: {p}") for p in term_problems(values, vocabulary, what)]
    sufficient = sufficient_problems(material.access_mode_sufficient)
    problems += [("accessModeSufficient", f"material {material.id!r}: {p}") for p in sufficient]
    summary = text_problem(material.accessibility_summary, "accessibility summary", may_be_empty=True)
    if summary is not None:
        problems.append(("accessibilitySummary", f"material {material.id!r} {summary}"))
    return problems


def check_strength(strength: float) -> None:
    """Raise unless ``0 < strength <= 1``."""
    if not 0.0 < strength <= 1.0:
        raise InvalidInput(f"strength {strength} is not in (0, 1]", field="strength")


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


_LEARNER_TYPES = frozenset({PW.Student, PW.Cohort, PW.Attempt, PW.Mastery})
_LEARNER_PREDICATES = frozenset(
    {PW.memberOf, PW.teacher, PW.student, PW.score, PW.timestamp, PW.source, PW.probability, PW.modelVersion}
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
    report = ImportReport(counts=bundle.counts(), warnings=list(bundle.warnings) + replaced_terms(bundle.materials))
    problems: list[str] = list(bundle.problems)
    for concept in bundle.concepts:
        problems += check_concept(concept)
    for material in bundle.materials:
        problems += check_material(material)
    for concept_id, translations in bundle.translations.items():
        for translation in translations:
            problems += [message for _, message in translation_problems(concept_id, translation)]
        languages = (t.language.lower() for t in translations)
        problems += [f"concept {concept_id!r}: {p}" for p in _duplicates("translation in", languages)]
    for edge in bundle.prerequisites:
        if not 0.0 < edge.strength <= 1.0:
            problems.append(f"edge {edge.concept} -> {edge.prerequisite}: strength {edge.strength} not in (0, 1]")
    problems += _duplicates("concept", (c.id for c in bundle.concepts))
    problems += _duplicates("material", (m.id for m in bundle.materials))
    problems += _duplicates("curriculum", (c.id for c in bundle.curricula))
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
            if not problems:
                raise PrerequisiteCycle(report.cycles)
            problems += [f"prerequisite cycle: {' -> '.join([*c, c[0]])}" for c in report.cycles]
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
