"""Translations a write would change or contradict, refused unless it says to replace them.

Apart from ``graph.concept_texts`` (what a concept shows and what a write stores)
because these are the import's checks: a batch that restates a stored translation
otherwise, or gives the concept's own language other values than the concept does.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from rdflib import Literal
from rdflib.term import Node

from graph.accessibility import canonical_language
from graph.concept_texts import SHOWN_PREDICATES, language_key, own_language_of, same_language, translation_origin
from graph.model import Concept, Translation

__all__ = ["changed_translations", "own_language_conflicts"]

_COMPARED = ("label", "definition", "alt_labels")


def changed_translations(
    concept: str,
    given: Iterable[Translation],
    stored: Iterable[Translation],
    unstated: Collection[str] = (),
    origins: Mapping[tuple[str, str], str] | None = None,
) -> list[str]:
    """A problem for each of ``given`` that would change a stored translation of ``concept`` (a new language is none).

    Only the fields the batch states are compared (``unstated``: those it says nothing
    about); alternative labels in any order. Each problem leads with where the
    translation came from (``origins``, keyed by ``translation_origin``).

    Examples:
        >>> given = [Translation("es", "Pendiente"), Translation("fr", "Pente")]
        >>> [problem] = changed_translations("slope", given, [Translation("es", "Inclinación")])
        >>> problem.split(": ")[0]
        "translation 'es' of concept 'slope' is stored with label 'Inclinación'"
    """
    before = {language_key(t.language): t for t in stored}
    problems = []
    for translation in given:
        old = before.get(language_key(translation.language))
        if old is None:
            continue
        fields = [f for f in _COMPARED if f not in unstated]
        differ = [f for f in fields if sorted(_values(old, f)) != sorted(_values(translation, f))]
        if not differ:
            continue
        shown = ", ".join(f"{f.replace('_', ' ')} {_said(old, f)}" for f in differ)
        where = (origins or {}).get(translation_origin(concept, translation.language))
        problems.append(
            f"{where + ': ' if where else ''}translation {translation.language!r} of concept {concept!r} is stored "
            f"with {shown}: pass --replace (replaceExisting) to change it"
        )
    return problems


def _values(translation: Translation, field: str) -> tuple[str, ...]:
    value = getattr(translation, field)
    return tuple(value) if isinstance(value, tuple) else (value,)


def _said(translation: Translation, field: str) -> str:
    values = _values(translation, field)
    if field == "alt_labels":
        return "[" + ", ".join(repr(v) for v in values) + "]"
    return repr(values[0]) if values[0] else "none"


def own_language_conflicts(
    concept: Concept,
    translations: Iterable[Translation],
    stored: Iterable[tuple[Node, Node]],
    origins: Mapping[tuple[str, str], str] | None = None,
) -> list[str]:
    """A problem when a translation in the concept's own language gives its label or definition otherwise.

    A concept whose label is stored only as ``"Algebra"@en`` shows its English values as
    its own; ``written_texts`` lets the concept's values (``concepts.csv``, ``updateConcept``)
    decide them. A row of ``translations.csv`` that gives them as the stored ones or the
    concept's is no conflict (an exported row, or one edited as the concept's was).

    Examples:
        >>> from graph.vocab import SKOS
        >>> stored = [(SKOS.prefLabel, Literal("Algebra", lang="en"))]
        >>> own_language_conflicts(Concept("a", "Algebra"), [Translation("en", "Algebra")], stored)
        []
        >>> [problem] = own_language_conflicts(Concept("a", "Algebra"), [Translation("EN", "Algebra I")], stored)
        >>> problem.split(":")[0]
        "translation 'EN' of concept 'a' gives its label as 'Algebra I'"
    """
    values = [(p, o) for p, o in stored if isinstance(o, Literal)]
    tag = own_language_of(values)
    given = next((t for t in translations if same_language(t.language, tag)), None) if tag else None
    if given is None:
        return []
    problems = []
    for predicate, field in SHOWN_PREDICATES.items():
        value = getattr(given, field)
        before = [str(o) for p, o in values if p == predicate and same_language(o.language, tag)]
        if not value or value in before or value == getattr(concept, field):
            continue
        where = (origins or {}).get(translation_origin(concept.id, given.language))
        own_tag = canonical_language(tag) or tag  # the store keeps tags lower case
        problems.append(
            f"{where + ': ' if where else ''}translation {given.language!r} of concept {concept.id!r} gives its "
            f"{field} as {value!r}: {own_tag!r} is the language of the concept's own label, which it shows in every "
            f"language without a translation ({before[0] if before else concept.label!r}); change its own values in "
            "concepts.csv or with updateConcept"
        )
    return problems
