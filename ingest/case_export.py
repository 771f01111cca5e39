"""One curriculum out as a 1EdTech CASE 1.0 CFPackage, the format frameworks are exchanged in.

The inverse of ``ingest.case``: the curriculum becomes the CFDocument, its concepts
CFItems, ``skos:broader`` ``isChildOf`` (a concept with no broader concept in the
curriculum is a child of the document, as CASE frameworks write their top level), a
prerequisite edge ``precedes`` (the prerequisite precedes the concept that needs it),
``skos:exactMatch`` ``exactMatchOf`` and ``skos:related`` ``isRelatedTo``.

What came from CASE goes back as it came: identifiers (``dcterms:identifier``), URIs
(the ``skos:exactMatch`` holding the identifier), item types, coding schemes, creator
and publisher, and each ``precedes`` keeps its association identifier. Everything else
gets a UUID derived from its Pathwise IRI (version 5), so exporting the same curriculum
twice names every item alike and a CASE server sees updates, not new items.

A node that did not come from CASE gets its Pathwise IRI as ``uri``, which the importer
reads back as the same id: a framework exported, edited in a CASE tool and imported
again with ``--replace`` lands on the concepts it left. CASE holds one alternative label
per item; the others travel as ``conceptKeywords`` (read back as labels). CASE has no
place for materials, a prerequisite's strength or a designer's provenance: those stay
in the RDF and CSV exports.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from rdflib import Graph, Literal, URIRef

from graph.bundle import CurriculumBundle
from graph.ids import id_of, iri_of
from graph.model import Concept, Curriculum
from graph.vocab import DCTERMS, SKOS
from ingest.case import LABEL_LIMIT, shorten

__all__ = ["case_package", "case_package_text"]

CASE_URI_BASE = "https://w3id.org/pathwise/case/v1p0"
"""Where exported packages and associations are said to live (CASE requires a ``uri``)."""

_ASSOCIATION_TYPES = {SKOS.exactMatch: "exactMatchOf", SKOS.related: "isRelatedTo"}


def case_package_text(bundle: CurriculumBundle, curriculum: str, *, now: datetime | None = None) -> str:
    """The package as pretty-printed UTF-8 JSON (``case_package`` says what goes in)."""
    return json.dumps(case_package(bundle, curriculum, now=now), indent=2, ensure_ascii=False) + "\n"


def case_package(bundle: CurriculumBundle, curriculum: str, *, now: datetime | None = None) -> dict[str, object]:
    """A CFPackage of one curriculum of ``bundle`` (what ``KnowledgeGraph.export_bundle`` gives).

    ``now`` is the ``lastChangeDateTime`` every node carries (the store keeps no change
    times); it defaults to the current time.
    """
    extra = bundle.extra if bundle.extra is not None else Graph()
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    scheme = next(c for c in bundle.curricula if c.id == curriculum)
    concepts = sorted((c for c in bundle.concepts if c.curriculum == curriculum), key=lambda c: c.id)
    names = _Names(extra, [iri_of("curriculum", scheme.id), *(iri_of("concept", c.id) for c in concepts)])
    document_iri = iri_of("curriculum", scheme.id)
    document_link = names.link(document_iri, scheme.title)
    document: dict[str, object] = {
        "identifier": names.identifier(document_iri),
        "uri": names.uri(document_iri),
        "lastChangeDateTime": stamp,
        "CFPackageURI": {**document_link, "uri": names.package_uri(document_iri)},
        "creator": _literal(extra, document_iri, DCTERMS.creator) or "Pathwise",
        "title": scheme.title,
    }
    for key, predicate in (("publisher", DCTERMS.publisher),):
        value = _literal(extra, document_iri, predicate)
        if value:
            document[key] = value
    if scheme.description:
        document["description"] = scheme.description
    in_package = {c.id for c in concepts}
    items = [_item(concept, names, extra, document_link, stamp) for concept in concepts]
    associations = list(_associations(bundle, scheme, concepts, in_package, names, extra, document_link, stamp))
    return {"CFDocument": document, "CFItems": items, "CFAssociations": associations}


class _Names:
    """The CASE identifier and URI of each node: kept from an import, else derived from its IRI."""

    def __init__(self, extra: Graph, nodes: Iterable[URIRef]) -> None:
        self._extra = extra
        kept: dict[URIRef, str] = {}
        seen: dict[str, int] = {}
        for node in nodes:
            identifier = _literal(extra, node, DCTERMS.identifier)
            if identifier:
                kept[node] = identifier
                seen[identifier] = seen.get(identifier, 0) + 1
        # An identifier two nodes claim (a hand-written dcterms:identifier) would merge them.
        self._kept = {node: ident for node, ident in kept.items() if seen[ident] == 1}

    def identifier(self, node: URIRef) -> str:
        """The node's identifier: as imported, else a UUID of its IRI (stable across exports)."""
        return self._kept.get(node) or str(uuid.uuid5(uuid.NAMESPACE_URL, str(node)))

    def uri(self, node: URIRef) -> str:
        """The node's URI: the imported one (an exact match naming its identifier), else its Pathwise IRI.

        ``ingest.case`` reads a Pathwise IRI back as the node's id, so the package comes
        back onto the concepts it was exported from.
        """
        return self.own_uri(node) or str(node)

    def package_uri(self, node: URIRef) -> str:
        """The CFPackage URI of a document: beside an imported document's URI, else under Pathwise's base."""
        own = self.own_uri(node)
        if own and "/CFDocuments/" in own:
            return own.replace("/CFDocuments/", "/CFPackages/")
        return f"{CASE_URI_BASE}/CFPackages/{self.identifier(node)}"

    def own_uri(self, node: URIRef) -> str | None:
        """The ``skos:exactMatch`` that is the node's CASE ``uri`` (it holds the identifier), if any."""
        identifier = self._kept.get(node)
        if identifier is None:
            return None
        matches = sorted(str(o) for o in self._extra.objects(node, SKOS.exactMatch) if isinstance(o, URIRef))
        return next((m for m in matches if identifier.lower() in m.lower()), None)

    def link(self, node: URIRef, title: str) -> dict[str, str]:
        """A LinkURI object (title, identifier, uri) pointing at ``node``."""
        return {"title": title, "identifier": self.identifier(node), "uri": self.uri(node)}


def _literal(g: Graph, subject: URIRef, predicate: URIRef) -> str:
    """One literal value of ``predicate`` (the least, so exports repeat), or empty."""
    values = sorted(str(o) for o in g.objects(subject, predicate) if isinstance(o, Literal))
    return values[0] if values else ""


def _item(concept: Concept, names: _Names, extra: Graph, document: Mapping[str, str], stamp: str) -> dict[str, object]:
    """A concept as a CFItem; the label goes back as the abbreviated statement when it is not derived."""
    node = iri_of("concept", concept.id)
    code = _literal(extra, node, SKOS.notation)
    body = concept.label.removeprefix(f"{code} ") if code else concept.label
    statement = concept.definition or body or concept.label  # CASE requires a full statement
    item: dict[str, object] = {
        "identifier": names.identifier(node),
        "uri": names.uri(node),
        "lastChangeDateTime": stamp,
        "CFDocumentURI": dict(document),
        "fullStatement": statement,
    }
    if code:
        item["humanCodingScheme"] = code
    derived = shorten(f"{code} {statement}" if code else statement, LABEL_LIMIT)
    abbreviated = body if concept.label != derived and body and body != code else ""
    if abbreviated:
        item["abbreviatedStatement"] = abbreviated
    others = sorted(a for a in concept.alt_labels if a not in (code, abbreviated))
    if others:  # CASE has one alternative label; the rest travel as keywords, read back as labels too
        item["alternativeLabel"] = others[0]
    if len(others) > 1:
        item["conceptKeywords"] = others[1:]
    kind = _literal(extra, node, DCTERMS.type)
    if kind:
        item["CFItemType"] = kind
    return item


def _associations(
    bundle: CurriculumBundle,
    scheme: Curriculum,
    concepts: list[Concept],
    in_package: set[str],
    names: _Names,
    extra: Graph,
    document: Mapping[str, str],
    stamp: str,
) -> Iterable[dict[str, object]]:
    """isChildOf, precedes, exactMatchOf and isRelatedTo, in that order, each sorted."""
    labels = {c.id: c.label for c in bundle.concepts}

    def end(concept_id: str) -> dict[str, str]:
        return names.link(iri_of("concept", concept_id), labels.get(concept_id, concept_id))

    def association(
        kind: str, name: str, origin: Mapping[str, str], destination: Mapping[str, str]
    ) -> dict[str, object]:
        identifier = name or str(uuid.uuid5(uuid.NAMESPACE_URL, f"{kind} {origin['uri']} {destination['uri']}"))
        return {
            "identifier": identifier,
            "uri": f"{CASE_URI_BASE}/CFAssociations/{identifier}",
            "lastChangeDateTime": stamp,
            "CFDocumentURI": dict(document),
            "originNodeURI": dict(origin),
            "associationType": kind,
            "destinationNodeURI": dict(destination),
        }

    for concept in concepts:
        parents = [end(parent) for parent in sorted(concept.broader)] or [dict(document)]
        for parent in parents:
            yield association("isChildOf", "", end(concept.id), parent)
    for edge in sorted(bundle.prerequisites, key=lambda e: (e.concept, e.prerequisite)):
        if edge.concept in in_package:
            name = (
                edge.provenance.removeprefix("case:precedes:") if edge.provenance.startswith("case:precedes:") else ""
            )
            yield association("precedes", name, end(edge.prerequisite), end(edge.concept))
    for predicate, kind in _ASSOCIATION_TYPES.items():
        for concept in concepts:
            node = iri_of("concept", concept.id)
            own = names.own_uri(node)
            for target in sorted(str(o) for o in extra.objects(node, predicate) if isinstance(o, URIRef)):
                if target == own:
                    continue
                target_id = id_of(target)
                if target_id in labels and iri_of("concept", target_id) == URIRef(target):
                    destination = end(target_id)
                else:  # outside the package: the URI is what the importer follows back
                    destination = {
                        "title": target,
                        "identifier": str(uuid.uuid5(uuid.NAMESPACE_URL, target)),
                        "uri": target,
                    }
                yield association(kind, "", end(concept.id), destination)
