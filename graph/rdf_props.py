"""A subject's predicate -> objects map (``Props``) read as a curriculum, concept or material.

Separate from ``graph.rdf_mapping`` (domain objects to triples) because reading is the
direction with rules of its own: which of several values Pathwise keeps (an untagged
literal first, then English), which schema.org classes count as a material of a type,
how a concept's translations and own languages are told apart. The store's reads
(``graph.repository_reads``) and an RDF import (``graph.rdf_bundle``) both use them.
"""

from __future__ import annotations

from rdflib import BNode, Literal, URIRef

from graph.accessibility import (
    ACCESS_MODES,
    ACCESSIBILITY_FEATURES,
    ACCESSIBILITY_HAZARDS,
    canonical_language,
    canonical_sufficient,
    canonical_terms,
)
from graph.activities import canonical_activity_ids
from graph.concept_texts import (
    OWN_LANGUAGE,
    SHOWN_PREDICATES,
    group_translations,
    language_key,
    own_language,
    preference,
)
from graph.errors import InvalidInput
from graph.ids import id_of
from graph.model import Concept, Curriculum, Material, MaterialType, Translation
from graph.rdf_mapping import Props, parse_duration_minutes
from graph.vocab import DCTERMS, PW, RDF, SDO, SKOS

__all__ = [
    "MATERIAL_CLASSES",
    "class_type",
    "concept_from_props",
    "curriculum_from_props",
    "first_value",
    "material_from_props",
    "own_languages_from_props",
    "translations_from_props",
]


def first_value(props: Props, p: URIRef) -> str:
    """The value Pathwise keeps of ``p``: an untagged literal first, then English, then the first by language.

    Examples:
        >>> props = {SKOS.prefLabel: [Literal("Pente", lang="fr"), Literal("Slope", lang="en")]}
        >>> first_value(props, SKOS.prefLabel), first_value(props, SKOS.definition)
        ('Slope', '')
    """
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
    title = first_value(props, DCTERMS.title) or first_value(props, SKOS.prefLabel) or ident
    return Curriculum(ident, title, first_value(props, DCTERMS.description))


def concept_from_props(iri: str, props: Props) -> Concept:
    """A concept from its predicate -> objects map."""
    ident = id_of(iri)
    schemes = _refs(props, SKOS.inScheme)
    return Concept(
        id=ident,
        label=first_value(props, SKOS.prefLabel) or ident,
        definition=first_value(props, SKOS.definition),
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


def class_type(props: Props) -> str:
    """The material type the resource's schema.org classes say (``MATERIAL_CLASSES``), or "".

    Examples:
        >>> class_type({RDF.type: [SDO.VideoObject]}), class_type({RDF.type: [SDO.LearningResource]})
        ('video', '')
    """
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
    kind = first_value(props, SDO.learningResourceType) or class_type(props) or "reading"
    try:
        mtype = MaterialType(kind.lower())
    except ValueError:
        raise InvalidInput(f"material {ident}: unknown learningResourceType {kind!r}") from None
    difficulty = first_value(props, PW.difficulty) or "1"
    duration = first_value(props, SDO.timeRequired)
    try:
        level = int(float(difficulty))
    except ValueError:
        raise InvalidInput(f"material {ident}: difficulty {difficulty!r} is not a number") from None
    try:
        minutes = parse_duration_minutes(duration) if duration else 5
    except InvalidInput:  # it said only "not an ISO 8601 duration: 'banana'", naming no material
        raise InvalidInput(f"material {ident}: timeRequired {duration!r} is not an ISO 8601 duration (PT20M)") from None
    return Material(
        id=ident,
        title=first_value(props, SDO.name) or ident,
        type=mtype,
        difficulty=level,
        minutes=minutes,
        text=first_value(props, SDO.text),
        url=first_value(props, SDO.url),
        teaches=_refs(props, SDO.teaches),
        assesses=_refs(props, SDO.assesses),
        language=canonical_language(next(iter(_literals(props, SDO.inLanguage)), None)),
        access_modes=canonical_terms(_literals(props, SDO.accessMode), ACCESS_MODES),
        access_mode_sufficient=canonical_sufficient(_literals(props, SDO.accessModeSufficient)),
        accessibility_features=canonical_terms(_literals(props, SDO.accessibilityFeature), ACCESSIBILITY_FEATURES),
        accessibility_hazards=canonical_terms(_literals(props, SDO.accessibilityHazard), ACCESSIBILITY_HAZARDS),
        accessibility_summary=first_value(props, SDO.accessibilitySummary),
        activity_ids=canonical_activity_ids(str(o) for o in props.get(PW.activityId, ()) if not isinstance(o, BNode)),
    )
