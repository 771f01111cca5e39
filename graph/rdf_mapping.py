"""Domain objects to RDF triples and back: pure functions, no store.

The mapping follows the vocabulary of ARCHITECTURE.md: concepts are ``skos:Concept``,
curricula ``skos:ConceptScheme``, materials ``schema:LearningResource``, and a
prerequisite is a ``pw:requires`` triple, reified as a ``pw:Prerequisite`` node only when
it carries a strength or a provenance (most edges do not, and the 100k-concept import
should not pay for four triples per edge).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from decimal import Decimal
from typing import TypeVar

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from graph.accessibility import (
    ACCESS_MODES,
    ACCESSIBILITY_FEATURES,
    ACCESSIBILITY_HAZARDS,
    canonical_language,
    canonical_sufficient,
    canonical_terms,
)
from graph.activities import canonical_activity_ids
from graph.bundle import CurriculumBundle
from graph.concept_texts import (
    OWN_LANGUAGE,
    SHOWN_PREDICATES,
    TEXT_PREDICATES,
    group_translations,
    language_key,
    own_language,
    preference,
    written_texts,
)
from graph.errors import InvalidInput
from graph.ids import edge_iri, id_of, iri_of
from graph.model import Concept, Curriculum, Material, MaterialType, Prerequisite, Translation
from graph.unstated import PREREQUISITES, TRANSLATIONS
from graph.vocab import DCTERMS, PW, RDF, SDO, SKOS, XSD

__all__ = [
    "Triple",
    "Props",
    "bundle_from_rdf",
    "concept_from_props",
    "curriculum_from_props",
    "material_from_props",
    "bundle_triples",
    "concept_triples",
    "curriculum_triples",
    "decimal_literal",
    "graph_of",
    "material_triples",
    "minutes_to_duration",
    "parse_duration_minutes",
    "prerequisite_triples",
    "stated_fields",
    "translations_from_props",
]

Triple = tuple[Node, Node, Node]
T = TypeVar("T", Curriculum, Concept, Material)

_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?\Z")


def minutes_to_duration(minutes: int) -> Literal:
    """An ``xsd:duration`` literal for a whole number of minutes.

    Examples:
        >>> str(minutes_to_duration(90))
        'PT1H30M'
    """
    return Literal(f"PT{minutes}M", datatype=XSD.duration)


def parse_duration_minutes(text: str) -> int:
    """Whole minutes of an ISO 8601 duration such as ``PT1H30M`` (rounded up).

    Examples:
        >>> parse_duration_minutes("PT1H30M"), parse_duration_minutes("PT45S")
        (90, 1)
    """
    match = _DURATION.match(text.strip())
    if not match or text.strip() in ("P", "PT"):
        raise InvalidInput(f"not an ISO 8601 duration: {text!r}")
    days, hours, minutes, seconds = (float(g) if g else 0.0 for g in match.groups())
    total = days * 1440 + hours * 60 + minutes + seconds / 60
    return max(1, int(-(-total // 1)))


def decimal_literal(value: float) -> Literal:
    """An ``xsd:decimal`` with a canonical lexical form, so parsed copies compare equal.

    The float's shortest exact decimal: six fixed places stored a strength of 1e-7 as 0,
    which the validator then refused on the way back in.

    Examples:
        >>> str(decimal_literal(0.5)), str(decimal_literal(1.0)), str(decimal_literal(1e-7))
        ('0.5', '1', '0.0000001')
        >>> str(decimal_literal(1 / 3))
        '0.3333333333333333'
    """
    text = format(Decimal(repr(float(value))), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return Literal(text or "0", datatype=XSD.decimal)


def curriculum_triples(curriculum: Curriculum) -> Iterator[Triple]:
    """Triples of one curriculum (a ``skos:ConceptScheme``)."""
    s = iri_of("curriculum", curriculum.id)
    yield s, RDF.type, SKOS.ConceptScheme
    yield s, DCTERMS.title, Literal(curriculum.title)
    if curriculum.description:
        yield s, DCTERMS.description, Literal(curriculum.description)


def concept_triples(
    concept: Concept,
    translations: Iterable[Translation] = (),
    own: Mapping[str, str] | None = None,
    *,
    texts: bool = True,
) -> Iterator[Triple]:
    """Triples of one concept with its translations, without its prerequisite edges.

    ``own`` names the language of its own label or definition where it has one
    (``graph.concept_texts.written_texts``); without ``texts`` its labels and definitions
    are left out (for a write that works them out against what is stored).
    """
    s = iri_of("concept", concept.id)
    yield s, RDF.type, SKOS.Concept
    if texts:
        for p, o in sorted(written_texts(concept, translations, own=own), key=lambda t: (t[0], t[1].n3())):
            yield s, p, o
    for broader in concept.broader:
        yield s, SKOS.broader, iri_of("concept", broader)
    if concept.curriculum:
        yield s, SKOS.inScheme, iri_of("curriculum", concept.curriculum)


def prerequisite_triples(edge: Prerequisite) -> Iterator[Triple]:
    """Triples of one edge: ``pw:requires``, plus a reified node when it has metadata."""
    c, p = iri_of("concept", edge.concept), iri_of("concept", edge.prerequisite)
    yield c, PW.requires, p
    if edge.strength != 1.0 or edge.provenance:
        e = edge_iri(edge.concept, edge.prerequisite)
        yield e, RDF.type, PW.Prerequisite
        yield e, PW.prerequisiteOf, c
        yield e, PW.prerequisite, p
        if edge.strength != 1.0:
            yield e, PW.strength, decimal_literal(edge.strength)
        if edge.provenance:
            yield e, PW.provenance, Literal(edge.provenance)


_TERM_PREDICATES = {
    SDO.accessMode: ACCESS_MODES,
    SDO.accessibilityFeature: ACCESSIBILITY_FEATURES,
    SDO.accessibilityHazard: ACCESSIBILITY_HAZARDS,
}
"""Material predicates whose values are terms of a schema.org vocabulary (plain literals)."""
_TERM_FIELDS = {
    SDO.accessMode: "access_modes",
    SDO.accessibilityFeature: "accessibility_features",
    SDO.accessibilityHazard: "accessibility_hazards",
}


def material_triples(material: Material) -> Iterator[Triple]:
    """Triples of one material with its links to the concepts it teaches and assesses."""
    s = iri_of("material", material.id)
    yield s, RDF.type, SDO.LearningResource
    yield s, SDO.name, Literal(material.title)
    yield s, SDO.learningResourceType, Literal(material.type.value)
    yield s, PW.difficulty, Literal(int(material.difficulty))
    yield s, SDO.timeRequired, minutes_to_duration(material.minutes)
    if material.text:
        yield s, SDO.text, Literal(material.text)
    if material.url:
        yield s, SDO.url, Literal(material.url, datatype=XSD.anyURI)
    for c in material.teaches:
        yield s, SDO.teaches, iri_of("concept", c)
    for c in material.assesses:
        yield s, SDO.assesses, iri_of("concept", c)
    if material.language:
        yield s, SDO.inLanguage, Literal(material.language)
    for p, name in _TERM_FIELDS.items():
        for term in getattr(material, name):
            yield s, p, Literal(term)
    for modes in material.access_mode_sufficient:  # one set a literal, comma-joined, as EPUB's package metadata does
        yield s, SDO.accessModeSufficient, Literal(modes)
    if material.accessibility_summary:
        yield s, SDO.accessibilitySummary, Literal(material.accessibility_summary)
    for activity in material.activity_ids:
        yield s, PW.activityId, Literal(activity, datatype=XSD.anyURI)


def own_languages_of(bundle: CurriculumBundle, concept: str) -> dict[str, str]:
    """The languages the bundle says a concept's own label and definition are in, by field."""
    found = ((field, bundle.own_languages.get((concept, field))) for field in SHOWN_PREDICATES.values())
    return {field: language for field, language in found if language}


def bundle_triples(bundle: CurriculumBundle, *, concept_texts: bool = True) -> Iterator[Triple]:
    """Every triple of a bundle, its ``extra`` triples included.

    Without ``concept_texts`` the concepts' labels, definitions and translations are left
    out: a write that replaces stored concepts works them out against the store.
    """
    for cur in bundle.curricula:
        yield from curriculum_triples(cur)
    for concept in bundle.concepts:
        found = bundle.translations.get(concept.id, ())
        yield from concept_triples(concept, found, own_languages_of(bundle, concept.id), texts=concept_texts)
    for edge in bundle.prerequisites:
        yield from prerequisite_triples(edge)
    for material in bundle.materials:
        yield from material_triples(material)
    if bundle.extra is not None:
        yield from bundle.extra


Props = dict[Node, list[Node]]


def _first(props: Props, p: URIRef) -> str:
    """The value Pathwise keeps of ``p``: an untagged literal first, then English, then the first by language."""
    values = sorted(props.get(p, ()), key=preference)
    return str(values[0]) if values else ""


def _literals(props: Props, p: URIRef) -> list[str]:
    """The literal values of ``p``, preferred first (a ``schema:Language`` node is no tag: it stays unmodelled)."""
    return [str(o) for o in sorted(props.get(p, ()), key=preference) if isinstance(o, Literal)]


def _refs(props: Props, p: URIRef) -> tuple[str, ...]:
    return tuple(sorted(id_of(str(o)) for o in props.get(p, ()) if isinstance(o, URIRef)))


def curriculum_from_props(iri: str, props: Props) -> Curriculum:
    """A curriculum from its predicate -> objects map."""
    ident = id_of(iri)
    # a SKOS scheme is named by its prefLabel: "Mathématiques"@fr-CA came in titled by its id
    title = _first(props, DCTERMS.title) or _first(props, SKOS.prefLabel) or ident
    return Curriculum(ident, title, _first(props, DCTERMS.description))


def concept_from_props(iri: str, props: Props) -> Concept:
    """A concept from its predicate -> objects map."""
    ident = id_of(iri)
    schemes = _refs(props, SKOS.inScheme)
    return Concept(
        id=ident,
        label=_first(props, SKOS.prefLabel) or ident,
        definition=_first(props, SKOS.definition),
        alt_labels=tuple(sorted({str(o) for o in props.get(SKOS.altLabel, ())})),
        broader=_refs(props, SKOS.broader),
        curriculum=schemes[0] if schemes else None,
    )


_TRANSLATED = {**SHOWN_PREDICATES, SKOS.altLabel: "alt_labels"}


def translations_from_props(props: Props) -> tuple[Translation, ...]:
    """A concept's language-tagged labels, definitions and alternative labels, one ``Translation`` per language.

    Examples:
        >>> props = {SKOS.prefLabel: [Literal("Slope"), Literal("Pendiente", lang="es")]}
        >>> translations_from_props(props)
        (Translation(language='es', label='Pendiente', definition='', alt_labels=()),)
    """
    rows = [
        (field, o.language, str(o))
        for p, field in _TRANSLATED.items()
        for o in props.get(p, ())
        if isinstance(o, Literal) and o.language
    ]
    return tuple(group_translations(rows))


def own_languages_from_props(ident: str, props: Props) -> dict[tuple[str, str], str]:
    """The tag of a concept's label and definition where it has no untagged one (``"Algebra"@en`` alone).

    Examples:
        >>> own_languages_from_props("a", {SKOS.prefLabel: [Literal("Algebra", lang="EN-gb")]})
        {('a', 'label'): 'en-GB'}
    """
    found = {}
    declared = next((str(o) for o in props.get(OWN_LANGUAGE, ()) if isinstance(o, Literal)), None)
    for p, field in SHOWN_PREDICATES.items():
        values = [o for o in props.get(p, ()) if isinstance(o, Literal)]
        language = declared if declared and any(_same_tag(o.language, declared) for o in values) else None
        language = language or own_language(values)
        if language:
            found[ident, field] = canonical_language(language) or language
    return found


def _same_tag(a: str | None, b: str | None) -> bool:
    return language_key(a) == language_key(b)


MATERIAL_CLASSES: dict[URIRef, MaterialType] = {
    SDO.VideoObject: MaterialType.VIDEO,
    SDO.Quiz: MaterialType.EXERCISE,
    SDO.Article: MaterialType.READING,
    SDO.ScholarlyArticle: MaterialType.READING,
    SDO.Book: MaterialType.READING,
    SDO.Chapter: MaterialType.READING,
}
"""schema.org CreativeWork types read as a material of a type, beside ``schema:LearningResource``.

A resource of one of them that teaches or assesses a concept is a material (one typed only
``schema:VideoObject`` was not imported, without a word); its ``learningResourceType``,
when it has one, still says which type. The first of them in this order decides.
"""


def _class_type(props: Props) -> str:
    """The material type the resource's schema.org classes say (``MATERIAL_CLASSES``), or ""."""
    classes = props.get(RDF.type, ())
    return next((kind.value for cls, kind in MATERIAL_CLASSES.items() if cls in classes), "")


def material_from_props(iri: str, props: Props) -> Material:
    """A material from its predicate -> objects map.

    Its type is its ``learningResourceType``, else what its class says (``schema:VideoObject``
    is a video, ``MATERIAL_CLASSES``), else reading.

    Raises:
        InvalidInput: on an unknown resource type, difficulty or duration.
    """
    ident = id_of(iri)
    kind = _first(props, SDO.learningResourceType) or _class_type(props) or "reading"
    try:
        mtype = MaterialType(kind.lower())
    except ValueError:
        raise InvalidInput(f"material {ident}: unknown learningResourceType {kind!r}") from None
    difficulty = _first(props, PW.difficulty) or "1"
    duration = _first(props, SDO.timeRequired)
    try:
        level = int(float(difficulty))
    except ValueError:
        raise InvalidInput(f"material {ident}: difficulty {difficulty!r} is not a number") from None
    return Material(
        id=ident,
        title=_first(props, SDO.name) or ident,
        type=mtype,
        difficulty=level,
        minutes=parse_duration_minutes(duration) if duration else 5,
        text=_first(props, SDO.text),
        url=_first(props, SDO.url),
        teaches=_refs(props, SDO.teaches),
        assesses=_refs(props, SDO.assesses),
        language=canonical_language(next(iter(_literals(props, SDO.inLanguage)), None)),
        access_modes=canonical_terms(_literals(props, SDO.accessMode), ACCESS_MODES),
        access_mode_sufficient=canonical_sufficient(_literals(props, SDO.accessModeSufficient)),
        accessibility_features=canonical_terms(_literals(props, SDO.accessibilityFeature), ACCESSIBILITY_FEATURES),
        accessibility_hazards=canonical_terms(_literals(props, SDO.accessibilityHazard), ACCESSIBILITY_HAZARDS),
        accessibility_summary=_first(props, SDO.accessibilitySummary),
        activity_ids=canonical_activity_ids(str(o) for o in props.get(PW.activityId, ()) if not isinstance(o, BNode)),
    )


def _props(g: Graph, s: Node) -> Props:
    out: Props = defaultdict(list)
    for p, o in g.predicate_objects(s):
        out[p].append(o)
    return out


def _subjects(g: Graph, cls: URIRef) -> list[URIRef]:
    return sorted(s for s in g.subjects(RDF.type, cls) if isinstance(s, URIRef))


_EDGE_PREDICATES = frozenset({PW.prerequisiteOf, PW.prerequisite, PW.strength, PW.provenance})


def _tagged_copy(triple: Triple, modelled: set[Triple]) -> bool:
    """Whether ``triple`` is a language-tagged literal that the model keeps untagged.

    "Algebra"@en read as a curriculum's title is written as "Algebra"; keeping the
    tagged triple too gave every title twice. A concept's labels and definitions keep
    their tags (``translations_from_props``): they are no copies.
    """
    s, p, o = triple
    return (
        p not in TEXT_PREDICATES and isinstance(o, Literal) and bool(o.language) and (s, p, Literal(str(o))) in modelled
    )


def _canonical_copy(triple: Triple, modelled: set[Triple]) -> bool:
    """Whether ``triple`` is an accessibility term, language tag or activity id that the model keeps in its own form.

    ``"Captions"`` is read as ``"captions"`` and ``"EN-us"`` as ``"en-US"``; keeping the
    source's spelling too gave the material each value twice. An activity id given as an
    IRI or a plain string is kept as an ``xsd:anyURI`` literal.
    """
    s, p, o = triple
    if p == PW.activityId and not isinstance(o, BNode):
        return (s, p, Literal(str(o).strip(), datatype=XSD.anyURI)) in modelled
    if not isinstance(o, Literal):
        return False
    if p == SDO.inLanguage:
        return (s, p, Literal(canonical_language(str(o)) or "")) in modelled
    if p == SDO.accessModeSufficient:
        return (s, p, Literal(next(iter(canonical_sufficient([str(o)])), ""))) in modelled
    vocabulary = _TERM_PREDICATES.get(p)  # type: ignore[call-overload]
    return vocabulary is not None and (s, p, Literal(next(iter(canonical_terms([str(o)], vocabulary)), ""))) in modelled


def bundle_from_rdf(g: Graph) -> CurriculumBundle:
    """Read the domain objects out of an RDF graph; keep the rest as ``extra``.

    Each subject states the fields its predicates give (``unstated_items`` the others, by
    ``stated_fields``): RDF is open-world, so a description without a hazard says nothing
    about one, and a stored item it replaces keeps its own. A concept states its
    ``translations`` with a label or definition in a language besides its own
    (``"Tasa"@es``); one without says nothing of them, and a replace keeps the stored ones.

    Raises:
        InvalidInput: when a value cannot be read (a bad duration, an unknown type).
    """
    unstated: dict[tuple[str, str], frozenset[str]] = {}

    def read(kind: str, described: Mapping[URIRef, Props], build: Callable[[str, Props], T]) -> tuple[T, ...]:
        for s, props in described.items():
            left_out = frozenset(_FIELDS[kind]) - stated_fields(kind, props)
            if left_out:
                unstated[(kind, id_of(str(s)))] = left_out
        return tuple(build(s, props) for s, props in described.items())

    scheme_props = {s: _props(g, s) for s in _subjects(g, SKOS.ConceptScheme)}
    curricula = read("curriculum", scheme_props, curriculum_from_props)
    concept_props = {s: _props(g, s) for s in _subjects(g, SKOS.Concept)}
    concepts = read("concept", concept_props, concept_from_props)
    translations = {id_of(s): found for s, props in concept_props.items() if (found := translations_from_props(props))}
    own: dict[tuple[str, str], str] = {}
    for s, props in concept_props.items():
        own.update(own_languages_from_props(id_of(s), props))
    # a concept's own alternative labels: its other languages' are its translations' (as in a CSV row or a CASE item)
    concepts = tuple(replace(c, alt_labels=_own_alt_labels(concept_props, c.id, own)) for c in concepts)
    for s in concept_props:  # a description without another language's label or definition says nothing of them
        ident = id_of(str(s))
        if not _other_languages(translations.get(ident, ()), own, ident):
            key = ("concept", ident)
            unstated[key] = unstated.get(key, frozenset()) | {TRANSLATIONS}
    meta: dict[tuple[str, str], Props] = {}
    # source triples the bundle's own triples stand for: an untagged alternative label beside the same one tagged
    represented: set[Triple] = {
        (s, SKOS.altLabel, o)
        for s, props in concept_props.items()
        for o in props.get(SKOS.altLabel, ())
        if isinstance(o, Literal)
    }
    # the marker of an own label's untagged copy is written again where a copy is, never kept stale
    represented |= {(s, OWN_LANGUAGE, o) for s, props in concept_props.items() for o in props.get(OWN_LANGUAGE, ())}
    for e in g.subjects(RDF.type, PW.Prerequisite):
        c, p = g.value(e, PW.prerequisiteOf), g.value(e, PW.prerequisite)
        if c is not None and p is not None:
            meta[(id_of(str(c)), id_of(str(p)))] = _props(g, e)
            represented.update(  # a node with its own IRI was kept beside the edge written for it
                t for t in g.triples((e, None, None)) if t[1] in _EDGE_PREDICATES or t[1] == RDF.type
            )
    edges = []
    for c, _, p in sorted(g.triples((None, PW.requires, None))):
        key = (id_of(str(c)), id_of(str(p)))
        info = meta.get(key, {})
        strength = _first(info, PW.strength)
        edges.append(Prerequisite(key[0], key[1], float(strength) if strength else 1.0, _first(info, PW.provenance)))
        left_out = frozenset(_FIELDS["prerequisite"]) - stated_fields("prerequisite", info)
        if left_out:  # a bare `pw:requires` says nothing of the edge's strength or provenance
            unstated[("prerequisite", f"{key[0]} -> {key[1]}")] = left_out
    material_iris = _material_subjects(g)
    materials = read("material", {s: _props(g, s) for s in material_iris}, material_from_props)
    bundle = CurriculumBundle(
        curricula,
        concepts,
        tuple(edges),
        materials,
        unstated_items=unstated,
        translations=translations,
        own_languages=own,
    )
    modelled = set(bundle_triples(bundle))
    extra = Graph()
    for t in g:
        if (
            t not in modelled
            and t not in represented
            and not _tagged_copy(t, modelled)
            and not _canonical_copy(t, modelled)
        ):
            extra.add(t)
    unread = _unread_teachers(g, set(material_iris))
    repeated = tuple(p for s, props in concept_props.items() for p in repeated_texts(id_of(str(s)), props))
    repeated += tuple(p for s, props in scheme_props.items() for p in _repeated_titles(id_of(str(s)), props))
    return replace(bundle, extra=extra or None, warnings=unread, problems=repeated)


def _repeated_titles(curriculum: str, props: Props) -> list[str]:
    """A problem for each predicate that names a scheme twice in one language (the first was taken, silently)."""
    problems = []
    for predicate, name in ((DCTERMS.title, "dcterms:title"), (SKOS.prefLabel, "skos:prefLabel")):
        by_language: dict[str, set[str]] = {}
        for o in props.get(predicate, ()):
            if isinstance(o, Literal):
                by_language.setdefault(language_key(o.language), set()).add(str(o))
        for language, texts in by_language.items():
            if len(texts) > 1:
                where = f"in {language!r}" if language else "without a language tag"
                shown = ", ".join(repr(t) for t in sorted(texts))
                problems.append(f"curriculum {curriculum!r} has {len(texts)} {name} values {where} ({shown}): keep one")
    return problems


def repeated_texts(concept: str, props: Props) -> list[str]:
    """A problem for each language in which a concept's description gives two labels, or two definitions.

    A concept shows one label and one definition in a language: the second was kept as an
    opaque triple, shown nowhere, exported by RDF and not by CSV. SKOS allows one
    ``skos:prefLabel`` per language (integrity condition S14).

    Examples:
        >>> props = {SKOS.prefLabel: [Literal("Pente", lang="fr-CA"), Literal("Pente 2", lang="fr-ca")]}
        >>> repeated_texts("slope", props)[0].split(":")[0]
        "concept 'slope' has 2 labels in 'fr-CA' ('Pente', 'Pente 2')"
    """
    problems = []
    # with pw:ownLanguage, the untagged value is the copy of that language's: it says the same or it is a second
    declared = next((str(o) for o in props.get(OWN_LANGUAGE, ()) if isinstance(o, Literal) and str(o)), None)
    for predicate, field in SHOWN_PREDICATES.items():
        by_language: dict[str, list[Literal]] = {}
        for o in props.get(predicate, ()):
            if isinstance(o, Literal):
                key = language_key(o.language or declared)
                by_language.setdefault(key, []).append(o)
        for values in by_language.values():
            texts = sorted({str(o) for o in values})
            if len(texts) < 2:
                continue
            tag = next((o.language for o in values if o.language), None)
            where = f"in {(canonical_language(tag) or tag)!r}" if tag else "without a language tag"
            fix = (
                "SKOS allows one skos:prefLabel per language: keep one (another can be a skos:altLabel)"
                if field == "label"
                else "a concept has one definition per language: join them into one"
            )
            shown = ", ".join(repr(t) for t in texts)
            problems.append(f"concept {concept!r} has {len(texts)} {field}s {where} ({shown}): {fix}")
    return problems


def _own_alt_labels(
    concept_props: Mapping[URIRef, Props], concept: str, own: Mapping[tuple[str, str], str]
) -> tuple[str, ...]:
    """A concept's alternative labels in its own language: untagged, or in the tag of its own label."""
    language = language_key(own.get((concept, "label")))
    props = concept_props.get(iri_of("concept", concept), {})
    values = (o for o in props.get(SKOS.altLabel, ()) if isinstance(o, Literal))
    return tuple(sorted({str(o) for o in values if not o.language or language_key(o.language) == language}))


def _other_languages(translations: Iterable[Translation], own: Mapping[tuple[str, str], str], concept: str) -> bool:
    """Whether a concept's description gives a label or definition in a language besides its own (``"Tasa"@es``).

    Its own label tagged alone (``"Rate"@en``) is no other language: such a description
    says nothing of the concept's translations, and a replace keeps the stored ones.
    """
    mine = {language_key(tag) for (c, _), tag in own.items() if c == concept}
    return any((t.label or t.definition) and language_key(t.language) not in mine for t in translations)


def _any(o: Node) -> bool:
    return not isinstance(o, BNode)


def _literal(o: Node) -> bool:
    return isinstance(o, Literal)


def _iri(o: Node) -> bool:
    return isinstance(o, URIRef)


_FIELDS: dict[str, dict[str, tuple[URIRef, Callable[[Node], bool]]]] = {
    "curriculum": {"title": (DCTERMS.title, _any), "description": (DCTERMS.description, _any)},
    "concept": {
        "label": (SKOS.prefLabel, _any),
        "definition": (SKOS.definition, _any),
        "alt_labels": (SKOS.altLabel, _any),
        "broader": (SKOS.broader, _iri),
        "curriculum": (SKOS.inScheme, _iri),
        PREREQUISITES: (PW.requires, _iri),
    },
    "prerequisite": {"strength": (PW.strength, _any), "provenance": (PW.provenance, _any)},
    "material": {
        "title": (SDO.name, _any),
        "type": (SDO.learningResourceType, _literal),
        "difficulty": (PW.difficulty, _any),
        "minutes": (SDO.timeRequired, _any),
        "text": (SDO.text, _any),
        "url": (SDO.url, _any),
        "teaches": (SDO.teaches, _iri),
        "assesses": (SDO.assesses, _iri),
        "language": (SDO.inLanguage, _literal),
        "access_modes": (SDO.accessMode, _literal),
        "access_mode_sufficient": (SDO.accessModeSufficient, _literal),
        "accessibility_features": (SDO.accessibilityFeature, _literal),
        "accessibility_hazards": (SDO.accessibilityHazard, _literal),
        "accessibility_summary": (SDO.accessibilitySummary, _any),
        "activity_ids": (PW.activityId, _any),
    },
}
"""Each kind's fields, by the predicate that states one and the values of it the model reads.

A concept's ``PREREQUISITES`` are its edges: one with no ``pw:requires`` keeps the stored ones.

A value the model cannot read (a ``schema:Language`` node as ``inLanguage``, a literal as
``teaches``) states nothing: the stored value stays rather than being cleared by it.
"""


def stated_fields(kind: str, props: Props) -> frozenset[str]:
    """The fields of a ``kind`` of item that a subject's description states (``_FIELDS``).

    A material's ``type`` is stated by its ``learningResourceType`` or by a class that says
    one (``MATERIAL_CLASSES``); ``schema:LearningResource`` alone says none.

    Examples:
        >>> from rdflib import Literal
        >>> sorted(stated_fields("material", {SDO.name: [Literal("Strobe")], SDO.accessibilityHazard: []}))
        ['title']
        >>> sorted(stated_fields("material", {RDF.type: [SDO.VideoObject]}))
        ['type']
    """
    found = {name for name, (p, reads) in _FIELDS[kind].items() if any(reads(o) for o in props.get(p, ()))}
    if kind == "material" and _class_type(props):
        found.add("type")
    return frozenset(found)


_LINKS = (SDO.teaches, SDO.assesses)


def _material_subjects(g: Graph) -> list[URIRef]:
    """The graph's materials: its learning resources, and what a ``MATERIAL_CLASSES`` type teaching a concept names."""
    found = set(_subjects(g, SDO.LearningResource))
    for cls in MATERIAL_CLASSES:
        found.update(s for s in _subjects(g, cls) if any(g.value(s, p) is not None for p in _LINKS))
    return sorted(found)


def _unread_teachers(g: Graph, materials: set[URIRef]) -> tuple[str, ...]:
    """A warning counting the resources that teach or assess but are not read as materials, by type.

    A ``schema:Course`` or an untyped resource with ``schema:teaches`` is kept as triples
    (it has no place in the model); it was kept without a word.
    """
    unread = {s for p in _LINKS for s in g.subjects(p, None) if s not in materials}
    if not unread:
        return ()
    by_type: dict[str, int] = defaultdict(int)
    for s in unread:
        types = sorted(g.namespace_manager.normalizeUri(str(t)) for t in g.objects(s, RDF.type))
        by_type[f"typed {types[0]}" if types else "untyped"] += 1
    kinds = ", ".join(f"{k}: {n}" for k, n in sorted(by_type.items(), key=lambda kn: (kn[0] == "untyped", kn[0])))
    many = len(unread) > 1
    return (
        f"{len(unread)} resource{'s' if many else ''} {'teach or assess' if many else 'teaches or assesses'} a "
        f"concept but {'are' if many else 'is'} not read as {'materials' if many else 'a material'} ({kinds}): "
        "kept as triples; type them schema:LearningResource to import them as materials",
    )


def graph_of(triples: Iterable[Triple]) -> Graph:
    """An in-memory graph holding ``triples`` (for serialising and comparing)."""
    g = Graph()
    for t in triples:
        g.add(t)
    return g
