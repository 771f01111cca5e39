"""An RDF graph read as a ``CurriculumBundle``: the modelled items, and the rest kept as triples.

Separate from ``graph.rdf_props`` (one subject's values) because reading a whole graph
decides more: which subjects are materials, which triples the bundle's own stand for
(a tagged copy of an untagged title, a term in another spelling), what each description
leaves unstated (``graph.rdf_stated``), and the problems and warnings an import reports
(two labels in one language, resources that teach but are not read as materials).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
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
from graph.bundle import CurriculumBundle
from graph.concept_texts import OWN_LANGUAGE, SHOWN_PREDICATES, TEXT_PREDICATES, language_key
from graph.errors import InvalidInput
from graph.ids import id_of, iri_of
from graph.model import Concept, Curriculum, Material, Prerequisite, Translation
from graph.rdf_classes import ontology_classes
from graph.rdf_mapping import Props, Triple, bundle_triples
from graph.rdf_props import (
    MATERIAL_CLASSES,
    concept_from_props,
    curriculum_from_props,
    first_value,
    material_from_props,
    own_languages_from_props,
    translations_from_props,
)
from graph.rdf_stated import FIELDS, stated_fields
from graph.unstated import TRANSLATIONS
from graph.vocab import DCTERMS, PW, RDF, SDO, SKOS, XSD

__all__ = ["bundle_from_rdf", "empty_label", "empty_text", "repeated_texts"]

T = TypeVar("T", Curriculum, Concept, Material)

_TERM_PREDICATES = {
    SDO.accessMode: ACCESS_MODES,
    SDO.accessibilityFeature: ACCESSIBILITY_FEATURES,
    SDO.accessibilityHazard: ACCESSIBILITY_HAZARDS,
}
"""Material predicates whose values are terms of a schema.org vocabulary (plain literals)."""


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

    A value that cannot be read (a bad duration, an unknown type) is one of the bundle's
    ``problems``, each named by its subject, so validation refuses the batch with every one
    (a Turtle file with three bad materials was refused for the first alone, three times over).
    """
    unstated: dict[tuple[str, str], frozenset[str]] = {}
    unreadable: list[str] = []  # every value that does not read, not only the first (the CSV reader lists each)

    def read(kind: str, described: Mapping[URIRef, Props], build: Callable[[str, Props], T]) -> tuple[T, ...]:
        built = []
        for s, props in described.items():
            left_out = frozenset(FIELDS[kind]) - stated_fields(kind, props)
            if left_out:
                unstated[(kind, id_of(str(s)))] = left_out
            try:
                built.append(build(s, props))
            except InvalidInput as error:
                unreadable.append(error.message)
        return tuple(built)

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
    required = [(id_of(str(c)), id_of(str(p))) for c, _, p in sorted(g.triples((None, PW.requires, None)))]
    # an edge node alone describes its edge: without a `pw:requires` beside it, it vanished without a word
    # (a strength of 5.0 never checked), where the same node with one is imported and validated
    for key in [*required, *sorted(set(meta) - set(required))]:
        info = meta.get(key, {})
        strength = first_value(info, PW.strength)
        edges.append(
            Prerequisite(key[0], key[1], float(strength) if strength else 1.0, first_value(info, PW.provenance))
        )
        left_out = frozenset(FIELDS["prerequisite"]) - stated_fields("prerequisite", info)
        if left_out:  # a bare `pw:requires` says nothing of the edge's strength or provenance
            unstated[("prerequisite", f"{key[0]} -> {key[1]}")] = left_out
    material_iris = _material_subjects(g)
    material_props = {s: _props(g, s) for s in material_iris}
    materials = read("material", material_props, material_from_props)
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
    classes, unread_classes = ontology_classes(g, bundle)
    # concept:a typed a learning resource too became concept a and a material:a the file never named
    # (an outside IRI is one id for both, which validation refuses as such)
    both = [
        f"{s} is typed both skos:Concept and a learning resource: one IRI names one thing, a concept or a material"
        for s in sorted(set(concept_props) & set(material_iris))
        if str(iri_of("material", id_of(str(s)))) != str(s)
    ]
    repeated = (*unreadable, *both, *classes)
    repeated += tuple(p for s, props in concept_props.items() for p in repeated_texts(id_of(str(s)), props))
    repeated += tuple(blank for s, props in concept_props.items() if (blank := empty_label(id_of(str(s)), props)))
    repeated += tuple(
        blank for s, props in material_props.items() if (blank := empty_text("material", id_of(str(s)), props))
    )
    repeated += tuple(
        blank for s, props in scheme_props.items() if (blank := empty_text("curriculum", id_of(str(s)), props))
    )
    repeated += tuple(p for s, props in scheme_props.items() for p in _repeated_titles(id_of(str(s)), props))
    return replace(bundle, extra=extra or None, warnings=unread + unread_classes, problems=repeated)


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


def empty_label(concept: str, props: Props) -> str | None:
    """The problem of a concept whose description states an empty label (``skos:prefLabel ""``); ``None``: none.

    A concept without a ``skos:prefLabel`` is labelled by its id; a stated empty one was
    taken for no label, so the import went through while a label of spaces was refused.

    Examples:
        >>> empty_label("b", {SKOS.prefLabel: [Literal("")]})
        "concept 'b' has an empty label"
        >>> empty_label("b", {}) is None, empty_label("b", {SKOS.prefLabel: [Literal("B")]}) is None
        (True, True)
        >>> empty_label("b", {SKOS.prefLabel: [Literal("B", lang="en"), Literal(" ", lang="fr")]})
        "concept 'b' has an empty label in 'fr': write the label, or leave the language out"
    """
    if props.get(SKOS.prefLabel) and not first_value(props, SKOS.prefLabel):
        return f"concept {concept!r} has an empty label"
    # ``""@fr`` beside ``"Alpha"@en`` came in as a French translation with no label ("4 translations" of nothing)
    by_language: dict[str, bool] = {}
    for o in props.get(SKOS.prefLabel, ()):
        if isinstance(o, Literal) and o.language:
            key = language_key(o.language)
            by_language[key] = by_language.get(key, False) or bool(str(o).strip())
    blank = sorted(language for language, stated in by_language.items() if not stated)
    if blank:
        languages = ", ".join(repr(b) for b in blank)
        return f"concept {concept!r} has an empty label in {languages}: write the label, or leave the language out"
    return None


_TITLES = {"material": (SDO.name,), "curriculum": (DCTERMS.title, SKOS.prefLabel)}


def empty_text(kind: str, ident: str, props: Props) -> str | None:
    """The problem of a material or curriculum whose every stated title is empty (``schema:name ""``).

    As with a concept's label: one without a title is titled by its id, and a stated empty
    one was taken for none, so a material listed in an app as its IRI came in unrefused.

    Examples:
        >>> empty_text("material", "m", {SDO.name: [Literal("")]})
        "material 'm' has an empty title"
        >>> empty_text("curriculum", "c", {DCTERMS.title: [Literal("")], SKOS.prefLabel: [Literal("Algebra")]}) is None
        True
    """
    stated = [p for p in _TITLES[kind] if props.get(p)]
    if stated and not any(first_value(props, p) for p in stated):
        return f"{kind} {ident!r} has an empty title"
    return None


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
