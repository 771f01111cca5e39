"""What a curriculum batch writes of its concepts' texts: labels, definitions, alternative labels, by language.

Apart from ``graph.bundle_plan`` because which languages a source states (RDF every
one, CSV and CASE only those they name), which stored ones it keeps, and which of its
translations conflict with what is stored are rules of their own, most of a batch plan.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from rdflib import Literal
from rdflib.term import Node

from graph import queries
from graph.bundle import CurriculumBundle
from graph.concept_texts import (
    TEXT_PREDICATES,
    language_key,
    own_language_of,
    written_texts,
)
from graph.errors import ValidationFailed
from graph.ids import iri_of
from graph.model import Concept, Translation
from graph.rdf_mapping import Triple, own_languages_of
from graph.rdf_props import concept_from_props, translations_from_props
from graph.translation_conflicts import changed_translations, own_language_conflicts
from graph.unstated import TRANSLATIONS
from graph.vocab import SKOS

if TYPE_CHECKING:
    from graph.repository_reads import GraphReads

__all__ = ["bundle_texts"]


def bundle_texts(
    kg: GraphReads, bundle: CurriculumBundle, replaced: Sequence[Triple], replace_existing: bool
) -> tuple[list[Triple], list[Triple]]:
    """The labels, definitions and alternative labels a batch writes, in every language (``written_texts``).

    A replaced concept's stored ones are in ``replaced`` (deleted with it): a batch that
    states a concept's every language (an RDF description with another language's label
    or definition) writes its own; one that does not (CSV, CASE, a description without
    them) changes the languages it names and keeps the others (``_stated_texts``). A
    stored concept the batch gives only translations for (a ``translations.csv`` row)
    changes in those languages.

    Returns:
        The stored text triples to delete besides ``replaced``, and the triples to insert.

    Raises:
        ValidationFailed: without ``replace_existing``, a translation that would change
            a stored one (a new language is added), each with what is stored; a
            translation in a concept's own language that gives its label or definition
            otherwise than the concept does (``own_language_conflicts``).

    Examples:
        >>> from graph.model import Concept
        >>> from graph.repository import KnowledgeGraph
        >>> from graph.store import open_store
        >>> kg = KnowledgeGraph(open_store("memory"))
        >>> deletes, inserts = bundle_texts(kg, CurriculumBundle(concepts=(Concept("add", "Addition"),)), [], False)
        >>> deletes, [(p.n3(), str(o)) for _, p, o in inserts]
        ([], [('<http://www.w3.org/2004/02/skos/core#prefLabel>', 'Addition')])
    """
    every = bundle.states("concept", TRANSLATIONS)  # the source can state them (RDF, not CSV or CASE)
    unstated = {name for kind, name in bundle.unstated if kind == "translation"}
    stored: dict[Node, list[tuple[Node, Node]]] = {}
    for s, p, o in replaced:
        if p in TEXT_PREDICATES:
            stored.setdefault(s, []).append((p, o))
    inserts: list[Triple] = []
    problems: list[str] = []
    for concept in bundle.concepts:
        s = iri_of("concept", concept.id)
        found = bundle.translations.get(concept.id, ())
        own = own_languages_of(bundle, concept.id)
        were = stored.get(s, [])
        stated_own = None if every else bundle.own_languages.get((concept.id, "label"))  # a CSV language cell
        if not every:
            problems += own_language_conflicts(concept, found, were, bundle.origins)
            problems += _language_cell_conflicts(concept, stated_own, were, found, bundle.origins)
        whole, fields = _stated_texts(bundle, concept.id, stored=bool(were))
        texts = written_texts(
            concept,
            found,
            were,
            whole=whole,
            own=own,
            unstated=unstated | fields,
            own_alt_labels=True,  # a batch's concepts list their own language's (translations the others')
            stated_own=stated_own,
        )
        inserts += sorted((s, p, o) for p, o in texts)
    written = {c.id for c in bundle.concepts}
    others = [c for c in bundle.translations if c not in written]
    if not others:
        if problems:
            raise ValidationFailed(problems)
        return [], inserts
    deletes: list[Triple] = []
    described = queries.describe(kg.store, [iri_of("concept", c) for c in others])
    for ident in others:
        s = iri_of("concept", ident)
        props = described.get(str(s), {})
        before = {(s, p, o) for p in TEXT_PREDICATES for o in props.get(p, ())}
        current, given = concept_from_props(str(s), props), bundle.translations[ident]
        if not replace_existing:
            problems += changed_translations(ident, given, translations_from_props(props), unstated, bundle.origins)
        texts_before = [(p, o) for _, p, o in before]
        problems += own_language_conflicts(current, given, texts_before, bundle.origins)
        texts = written_texts(current, given, texts_before, whole=False, unstated=unstated, restated=False)
        after = {(s, p, o) for p, o in texts}
        deletes += sorted(before - after)
        inserts += sorted(after - before)
    if problems:
        raise ValidationFailed(problems)
    return deletes, inserts


def _language_cell_conflicts(
    concept: Concept,
    stated_own: str | None,
    stored: Sequence[tuple[Node, Node]],
    given: Sequence[Translation],
    origins: Mapping[tuple[str, str], str],
) -> list[str]:
    """A problem when a CSV row's ``language`` cell makes the concept's own a language it has another label in.

    The row's label became that language's and the stored translation ("L'addition",
    its definition, its alternative labels) was gone without a word, a dry run included.
    A ``translations.csv`` row in the language giving the same label is no conflict.
    """
    if not stated_own or not stored or language_key(own_language_of(stored)) == language_key(stated_own):
        return []
    if any(language_key(t.language) == language_key(stated_own) for t in given):
        return []  # the file says that language's values itself (own_language_conflicts compares them)
    theirs = sorted(
        str(o)
        for p, o in stored
        if p == SKOS.prefLabel and isinstance(o, Literal) and language_key(o.language) == language_key(stated_own)
    )
    if not theirs or concept.label in theirs:
        return []
    where = origins.get(("concept", concept.id))
    return [
        f"{where + ': ' if where else ''}concept {concept.id!r}: language {stated_own!r} makes its label "
        f"{concept.label!r} its own in {stated_own!r}, where its translation in that language says {theirs[0]!r}: "
        "give the row that label, or remove the translation first (removeConceptTranslation)"
    ]


def _stated_texts(bundle: CurriculumBundle, concept: str, *, stored: bool) -> tuple[bool, frozenset[str]]:
    """How a batch writes a concept's texts: whether it states every language, and the fields it leaves as stored.

    A source that can state every language (RDF) does so for a concept whose description
    gives another language's label or definition (``CurriculumBundle.states`` with its id);
    a description without them keeps a stored concept's translations (``written_texts``
    without ``whole``), changing only the alternative labels of the languages it tags. A
    description without alternative labels keeps the tagged ones the concept still lists.
    A source that never states them (CSV, CASE) writes what it names (``whole`` false).

    Returns:
        ``whole`` for ``written_texts``, and the translation fields it leaves unstated.
    """
    if not bundle.states("concept", TRANSLATIONS):
        return False, frozenset()
    alt = frozenset() if bundle.states("concept", "alt_labels", concept) else frozenset({"alt_labels"})
    if not bundle.states("concept", TRANSLATIONS, concept) and stored:
        return False, alt | {"label", "definition"}
    return True, alt
