"""What a replace keeps of an item's stored triples that Pathwise does not model.

An item stored from RDF or CASE carries triples the model has no field for (a
``skos:exactMatch``, a ``dcterms:source``, a CASE item's record). A replace deleted all
of an item's triples and wrote the batch's, so a CSV round trip (export, edit, import
with ``replaceExisting``), which has no column for them, took every CASE record and
SKOS mapping out of the store without a word, and the framework no longer went back to
CASE as it came. A replace keeps the stored value of a modelled field its source does
not state (``graph.unstated``); this does the same for the rest, predicate by predicate:
a stored triple stays unless the batch states that predicate for that item. RDF states
a predicate by giving it (open world); a reader that always gives some in full (CASE:
an item's identifier, URI, code and records) names them in
``CurriculumBundle.whole_predicates``, so one it left out of a new version goes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from graph.ids import id_of
from graph.rdf_mapping import Triple
from graph.vocab import DCTERMS, PW, RDF, SDO, SKOS

__all__ = ["MODELLED_PREDICATES", "kept_unmodelled", "kept_warning"]

MODELLED_PREDICATES = frozenset(
    {
        DCTERMS.title,
        DCTERMS.description,
        SKOS.prefLabel,
        SKOS.definition,
        SKOS.altLabel,
        PW.ownLanguage,
        SKOS.broader,
        SKOS.inScheme,
        PW.requires,
        SDO.name,
        SDO.learningResourceType,
        PW.difficulty,
        SDO.timeRequired,
        SDO.text,
        SDO.url,
        SDO.teaches,
        SDO.assesses,
        SDO.inLanguage,
        SDO.accessMode,
        SDO.accessModeSufficient,
        SDO.accessibilityFeature,
        SDO.accessibilityHazard,
        SDO.accessibilitySummary,
        PW.activityId,
    }
)
"""The predicates ``graph.rdf_mapping`` writes for a curriculum, concept or material: the batch's model states them."""

_MODELLED_CLASSES = frozenset({SKOS.ConceptScheme, SKOS.Concept, SDO.LearningResource})

_NAMES = Graph()
_NAMES.bind("pw", PW)
_NAMES.bind("schema", SDO)  # rdflib's own prefixes name the rest (skos:, dcterms:, foaf:), as graph.rdf_bundle's
_KIND_ORDER = ("curriculum", "concept", "material")


_ONE_TEXT_PREDICATES = frozenset({DCTERMS.title, DCTERMS.description})
"""A curriculum's texts: the model holds one of each, so its titles in other languages are unmodelled triples."""


def _unmodelled(p: Node, o: Node) -> bool:
    return p not in MODELLED_PREDICATES and not (p == RDF.type and o in _MODELLED_CLASSES)


def _other_language(p: Node, o: Node) -> bool:
    """A curriculum's title or description in a language (``"Algèbre"@fr``): kept as a concept's translations are.

    The model reads one title, so "Algèbre"@fr beside "Algebra" is stored as it came. A CSV
    round trip states the title, which took the French one out of the store without a word;
    like a concept's labels in other languages, a batch that gives none says nothing of them.
    """
    return p in _ONE_TEXT_PREDICATES and isinstance(o, Literal) and bool(o.language)


def kept_unmodelled(
    stored: Iterable[Triple],
    blanks: Sequence[Triple],
    *,
    extra: Graph | None,
    whole_predicates: frozenset[URIRef],
) -> list[Triple]:
    """The replaced items' stored triples the batch neither models nor states, with their blank nodes' triples.

    Args:
        stored: the replaced items' own triples (``graph.queries.describe``).
        blanks: the triples of the blank nodes under them (``graph.queries.blank_subtrees``).
        extra: the batch's unmodelled triples; a predicate it gives an item is stated for that item.
        whole_predicates: predicates the batch states for every item it holds, given or not.

    Examples:
        >>> from rdflib import Literal
        >>> from graph.ids import iri_of
        >>> c = iri_of("concept", "c")
        >>> rows = [(c, SKOS.prefLabel, Literal("C")), (c, SKOS.exactMatch, URIRef("https://x.org/1")),
        ...         (c, DCTERMS.source, Literal("p. 12")), (c, PW.caseRecord, Literal("{}"))]
        >>> given = Graph()
        >>> _ = given.add((c, DCTERMS.source, Literal("p. 13")))
        >>> [str(p).rsplit("/", 1)[1] for _, p, _ in kept_unmodelled(rows, [], extra=given, whole_predicates=frozenset())]
        ['core#exactMatch', 'vocab#caseRecord']
        >>> len(kept_unmodelled(rows, [], extra=None, whole_predicates=frozenset({PW.caseRecord})))
        2
    """  # noqa: E501
    stated: dict[Node, set[Node]] = defaultdict(set)
    tagged: dict[Node, set[Node]] = defaultdict(set)  # predicates the batch gives other languages of
    if extra is not None:
        for s, p, o in extra:
            if _unmodelled(p, o):
                stated[s].add(p)
            elif _other_language(p, o):
                tagged[s].add(p)
    kept = [
        (s, p, o)
        for s, p, o in stored
        if (_unmodelled(p, o) and p not in whole_predicates and p not in stated.get(s, ()))
        or (_other_language(p, o) and p not in tagged.get(s, ()))
    ]
    under: dict[Node, list[Triple]] = defaultdict(list)
    for triple in blanks:
        under[triple[0]].append(triple)
    roots = [o for _, _, o in kept if isinstance(o, BNode)]
    seen: set[Node] = set()
    while roots:
        node = roots.pop()
        if node in seen:
            continue
        seen.add(node)
        for triple in under.get(node, []):
            kept.append(triple)
            if isinstance(triple[2], BNode):
                roots.append(triple[2])
    return kept


def kept_warning(kept: Sequence[Triple], kinds: Mapping[URIRef, str]) -> list[str]:
    """The import's warning for what ``kept_unmodelled`` kept: which predicates, of how many items (none: no line).

    Examples:
        >>> from graph.ids import iri_of
        >>> c = iri_of("concept", "c")
        >>> kept_warning([(c, SKOS.exactMatch, URIRef("https://x.org/1"))], {c: "concept"})
        ['the import states no skos:exactMatch of 1 concept (c): kept the stored values, which Pathwise does not model']
    """
    items: dict[str, list[str]] = defaultdict(list)
    predicates: dict[str, None] = {}
    for s, p, o in kept:
        kind = kinds.get(s) if isinstance(s, URIRef) else None
        if kind is None:
            continue  # a blank node's triple: its item is named already
        if (ident := id_of(str(s))) not in items[kind]:
            items[kind].append(ident)
        name = _NAMES.namespace_manager.normalizeUri(str(p))
        # "states no dcterms:title" of a CSV row that gives one: it gives none in French
        predicates[f"{name}@{o.language}" if _other_language(p, o) and isinstance(o, Literal) else name] = None
    if not items:
        return []
    counted = []
    for kind, idents in sorted(items.items(), key=lambda item: _KIND_ORDER.index(item[0])):
        shown = ", ".join(idents[:5]) + (f" and {len(idents) - 5} more" if len(idents) > 5 else "")
        noun = kind if len(idents) == 1 else ("curricula" if kind == "curriculum" else f"{kind}s")
        counted.append(f"{len(idents)} {noun} ({shown})")
    return [
        f"the import states no {', '.join(sorted(predicates))} of {' and '.join(counted)}: kept the stored values, "
        "which Pathwise does not model"
    ]
