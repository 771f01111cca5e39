"""What the CASE exporter reads from the records ``ingest.case`` keeps: names, records, the document frame.

Shared by the items and document (``ingest.case_export``) and the associations
(``ingest.case_associations``).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from graph.ids import id_of
from graph.vocab import DCTERMS, SKOS
from ingest.case import CASE_RECORD
from ingest.case import field_text as text

__all__ = [
    "ASSOCIATION_TYPES",
    "CASE_URI_BASE",
    "REQUIRED",
    "Frame",
    "Lookup",
    "Names",
    "json_values",
    "latest",
    "literal",
    "overlay",
    "text",
]

CASE_URI_BASE = "https://w3id.org/pathwise/case/v1p0"
"""Where exported packages and associations are said to live (CASE requires a ``uri``)."""

ASSOCIATION_TYPES = {SKOS.exactMatch: "exactMatchOf", SKOS.related: "isRelatedTo"}
"""The SKOS links that are CASE associations, and their association types."""

Lookup = Callable[[Sequence[str]], Mapping[str, Mapping[Node, Sequence[Node]]]]
"""The stored triples (predicate -> objects) of the named concepts the store holds (``describe_concepts``)."""


def json_values(g: Graph, subject: URIRef, predicate: URIRef) -> list[dict[str, object]]:
    """The JSON objects kept as literals of ``predicate`` (a literal that is no JSON object is ignored)."""
    out = []
    for value in g.objects(subject, predicate):
        if isinstance(value, Literal):
            try:
                decoded = json.loads(str(value))
            except ValueError:
                continue
            if isinstance(decoded, dict):
                out.append(decoded)
    return out


def latest(records: Iterable[dict[str, object]]) -> dict[str, object] | None:
    """Of several records of one node (a package imported again), the latest; ties by text, so exports repeat."""
    found = list(records)
    if len(found) < 2:
        return found[0] if found else None
    return max(found, key=lambda r: (str(r.get("lastChangeDateTime", "")), json.dumps(r, sort_keys=True)))


_CASE_ID = re.compile(r"case_[0-9a-f]{32}")


class Names:
    """The CASE identifier, URI and record of each node: kept from an import, else derived from its IRI."""

    def __init__(self, extra: Graph, nodes: Iterable[URIRef]) -> None:
        self._extra = extra
        kept: dict[URIRef, str] = {}
        seen: dict[str, int] = {}
        self._records: dict[URIRef, dict[str, object]] = {}
        for node in nodes:
            identifier = literal(extra, node, DCTERMS.identifier)
            if identifier:
                kept[node] = identifier
                seen[identifier] = seen.get(identifier, 0) + 1
            record = latest(json_values(extra, node, CASE_RECORD))
            if record is not None:
                self._records[node] = record
        # An identifier two nodes claim (a hand-written dcterms:identifier) would merge them.
        self._kept = {node: ident for node, ident in kept.items() if seen[ident] == 1}

    def record(self, node: URIRef) -> dict[str, object] | None:
        """The CASE object the node was imported from, if it was."""
        return self._records.get(node)

    def identifier(self, node: URIRef) -> str:
        """The node's identifier: as imported; else the UUID a ``case_<hex>`` id was made from; else a UUID of
        its IRI (stable across exports).

        A CASE concept replaced by a CSV or Turtle import loses its records, not its id: its
        identifier comes back from the id, so a CASE server still sees the same item.
        """
        kept = self._kept.get(node)
        if kept:
            return kept
        ident = id_of(str(node))
        if _CASE_ID.fullmatch(ident):
            return str(uuid.UUID(ident.removeprefix("case_")))
        return str(uuid.uuid5(uuid.NAMESPACE_URL, str(node)))

    def uri(self, node: URIRef) -> str:
        """The node's URI: the imported one, else its Pathwise IRI.

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
        """The node's CASE ``uri``: its record's; without a record (a store imported before records were
        kept), the ``skos:exactMatch`` that holds the identifier."""
        record = self._records.get(node)
        if record is not None:
            return text(record, "uri") or None
        identifier = self._kept.get(node)
        if identifier is None:
            return None
        matches = sorted(str(o) for o in self._extra.objects(node, SKOS.exactMatch) if isinstance(o, URIRef))
        return next((m for m in matches if identifier.lower() in m.lower()), None)

    def link(self, node: URIRef, title: str) -> dict[str, str]:
        """A LinkURI object (title, identifier, uri) pointing at ``node``."""
        return {"title": title, "identifier": self.identifier(node), "uri": self.uri(node)}


def literal(g: Graph, subject: URIRef, predicate: URIRef) -> str:
    """One literal value of ``predicate`` (the least, so exports repeat), or empty."""
    values = sorted(str(o) for o in g.objects(subject, predicate) if isinstance(o, Literal))
    return values[0] if values else ""


@dataclass(frozen=True)
class Frame:
    """The document as items and associations point at it, and what the export stamps as changed."""

    iri: URIRef
    link: dict[str, str]
    kept: bool  # the document still reads as recorded: recorded LinkURIs to it stay as they are
    native: bool  # no record: a Pathwise curriculum
    stamp: str

    def reference(self, recorded: object) -> dict[str, object]:
        """The ``CFDocumentURI`` of a record: as recorded while it names this document unchanged, else current."""
        if self.kept and isinstance(recorded, Mapping) and text(recorded, "identifier") == self.link["identifier"]:
            return dict(recorded)
        return dict(self.link)


REQUIRED = {
    "CFDocument": ("identifier", "uri", "creator", "title", "lastChangeDateTime"),
    "CFItem": ("identifier", "fullStatement", "uri", "lastChangeDateTime"),
    "CFAssociation": (
        "identifier",
        "associationType",
        "uri",
        "originNodeURI",
        "destinationNodeURI",
        "lastChangeDateTime",
    ),
}
"""What CASE 1.0 requires of each object: a record lacking it gets the generated value."""


def overlay(
    generated: Mapping[str, object], record: Mapping[str, object], required: Sequence[str]
) -> dict[str, object]:
    """A record with what CASE requires and it lacks filled in from ``generated``: nothing else is added to it.

    Keys come in the generated order, then the record's others: an export reads alike
    before and after its package is imported back.
    """
    keys = [k for k in generated if k in record or k in required] + [k for k in record if k not in generated]
    return {key: record[key] if key in record else generated[key] for key in keys}
