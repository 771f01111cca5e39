"""Set and remove a concept's label, definition and alternative labels in one language, as a designer's form does.

Translations came only with an import (a Turtle file, or a ``translations.csv``), and
the refusal of a Turtle file adding a label to a stored concept sent the designer to
``updateConcept``, which has no language. A translation written here leaves every other
language and the concept's own label and definition as they are.

The concept's own label and definition are not a translation: when the label shown is
stored in a language (``"Algebra"@en``, the only label an RDF file gave), setting or
removing that language's values here would change what the concept shows to every
learner, so it is refused, naming ``updateConcept``, which changes them and keeps their
language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from rdflib import Literal, URIRef

from graph import queries
from graph.accessibility import canonical_language, language_problem
from graph.concept_texts import OWN_LANGUAGE, TEXT_PREDICATES, language_key, own_language_of, written_texts
from graph.edit_versions import check_version, version_of
from graph.errors import ConceptNotFound, EditConflict, InvalidInput, NotFound, ValidationFailed
from graph.ids import iri_of
from graph.model import Concept, Translation
from graph.quoting import quoted_id
from graph.rdf_mapping import Props, Triple
from graph.rdf_props import concept_from_props, translations_from_props
from graph.references import Suggestions
from graph.repository import KnowledgeGraph
from graph.value_checks import alt_labels_total_problem, one_field, translation_problems
from graph.vocab import SKOS

__all__ = ["remove_translation", "set_translation", "translation_version"]


def translation_version(translation: Translation) -> str:
    """A translation's version as read (``graph.edit_versions``), its alternative labels in any order.

    Examples:
        >>> translation_version(Translation("es", "Pendiente", "", ("a", "b"))) == translation_version(
        ...     Translation("es", "Pendiente", "", ("b", "a")))
        True
    """
    return version_of(replace(translation, alt_labels=tuple(sorted(translation.alt_labels))))


def set_translation(
    kg: KnowledgeGraph,
    concept: str,
    translation: Translation,
    *,
    keep_alt_labels: bool = False,
    keep_definition: bool = False,
    if_version: str | None = None,
) -> Concept:
    """Create or replace a concept's values in one language; the other languages stay.

    Args:
        kg: the graph.
        concept: the concept's id.
        translation: the language (a BCP 47 tag, stored in its canonical case) and its label
            (one line, not blank), definition ("" for none) and alternative labels.
        keep_alt_labels: keep the language's stored alternative labels (``translation``'s are
            not used): the form did not say.
        keep_definition: keep the language's stored definition (``translation``'s is not
            used): a form that edits the label alone had to send the definition again.
        if_version: the language's ``translation_version`` when the form was read: refused
            if its values changed since, or were removed (two translators' forms both won in
            turn, the second putting back what the first had changed); None: replace them.

    Returns:
        The concept (its own values unchanged).

    Raises:
        ConceptNotFound: no such concept (``field`` is ``conceptId``).
        ValidationFailed: every problem with the values (``field`` the one they are all
            about); or the language is that of the label or definition the concept shows.
        InvalidInput: ``if_version`` is no version (``field`` is ``ifVersion``).
        EditConflict: the language's values are no longer those of ``if_version``.
    """
    with kg.lock:
        found = translation_problems(concept, translation, label=True)
        s, props = _stored(kg, concept, [message for _, message in found])
        if not found:
            found = _own_values(concept, translation.language, props)
        if found:
            raise ValidationFailed([message for _, message in found], field=one_field(found))
        tag = canonical_language(translation.language) or translation.language
        if if_version is not None:
            check_version(if_version)
            now = [t for t in translations_from_props(props) if language_key(t.language) == language_key(tag)]
            if not now or translation_version(now[0]) != if_version:
                raise EditConflict("translation", f"{concept}@{tag}")
        given = Translation(
            tag, translation.label, translation.definition, tuple(dict.fromkeys(translation.alt_labels))
        )
        if not keep_alt_labels:  # a concept past the total refused every updateConcept (an audit)
            stored = translations_from_props(props)
            replaced = {a for t in stored if language_key(t.language) == language_key(tag) for a in t.alt_labels}
            others = [a for a in kg.concept(concept).alt_labels if a not in replaced]
            if (too_many := alt_labels_total_problem(concept, [others, given.alt_labels])) is not None:
                raise ValidationFailed([too_many], field="altLabels")
        unstated = (("alt_labels",) if keep_alt_labels else ()) + (("definition",) if keep_definition else ())
        return _write(kg, s, props, given, unstated)


def remove_translation(kg: KnowledgeGraph, concept: str, language: str) -> Concept:
    """Remove a concept's label, definition and alternative labels in one language (any case: ``es-mx`` is ``es-MX``).

    Raises:
        ConceptNotFound: no such concept (``field`` is ``conceptId``).
        InvalidInput: a malformed tag, or the language of the label or definition the
            concept shows (``field`` is ``language``).
        NotFound: the concept has nothing in that language (``field`` is ``language``).
    """
    with kg.lock:
        s, props = _stored(kg, concept)
        bad = language_problem(language)
        if bad is not None:
            raise InvalidInput(bad, field="language")
        own = _own_values(concept, language, props)
        if own:
            raise InvalidInput(own[0][1], field="language")
        stored = [t for t in translations_from_props(props) if language_key(t.language) == language_key(language)]
        if not stored:
            raise NotFound(f"translation in {canonical_language(language)!r} of concept", concept, field="language")
        return _write(kg, s, props, Translation(stored[0].language), ())


def _stored(kg: KnowledgeGraph, concept: str, also: Sequence[str] = ()) -> tuple[URIRef, Props]:
    """The concept's IRI and stored triples.

    Raises:
        ConceptNotFound: on ``conceptId``; its ``problems`` name the closest concept (a form
            said only "does not exist" for a typo) and then ``also``, the values' own problems,
            so every problem comes at once.
    """
    if not kg.projection.has_concept(concept):
        hint = Suggestions(kg.projection.dag.nodes, kg.projection.label).hint(concept)
        raise ConceptNotFound(
            concept, field="conceptId", problems=[f"concept {quoted_id(concept)} does not exist{hint}", *also]
        )
    s = iri_of("concept", concept)
    return s, queries.describe(kg.store, [s]).get(str(s), {})


def _own_values(concept: str, language: str, props: Props) -> list[tuple[str, str]]:
    """A problem when ``language`` is the one the concept's shown label or definition is stored in.

    Such a value is the concept's own: a translation set in its language would change
    what the concept shows to everyone, where the form meant another language's values.
    """
    own = own_language_of((p, o) for p in TEXT_PREDICATES for o in props.get(p, ()))
    if language_key(own) != language_key(language):
        return []
    owned = ["label"]
    definitions = props.get(SKOS.definition, ())
    copied = bool(props.get(OWN_LANGUAGE))  # an untagged copy beside each own value: both are its own
    if any(isinstance(o, Literal) and language_key(o.language) == language_key(own) for o in definitions) and (
        copied or all(isinstance(o, Literal) and o.language for o in definitions)
    ):
        owned.append("definition")
    tag = canonical_language(language)
    what = " and ".join(owned)
    them = "them" if len(owned) > 1 else "it"
    return [
        (
            "language",
            f"concept {concept!r} shows its own {what} in {tag!r} (stored with that tag, and shown in every language "
            f"it has no translation for): change {them} with updateConcept, which keeps {tag!r}; "
            "setConceptTranslation and removeConceptTranslation change the other languages",
        )
    ]


def _write(kg: KnowledgeGraph, s: URIRef, props: Props, translation: Translation, unstated: tuple[str, ...]) -> Concept:
    current = concept_from_props(str(s), props)
    before = {(s, p, o) for p in TEXT_PREDICATES for o in props.get(p, ())}
    stored = [(p, o) for _, p, o in before]
    texts = written_texts(current, [translation], stored, whole=False, unstated=unstated, restated=False)
    after: set[Triple] = {(s, p, o) for p, o in texts}
    kg.commit(sorted(before - after), sorted(after - before), lambda: None)
    return kg.concept(current.id)
