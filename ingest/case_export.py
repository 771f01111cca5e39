"""One curriculum out as a 1EdTech CASE 1.0 CFPackage, the format frameworks are exchanged in.

The inverse of ``ingest.case``: the curriculum becomes the CFDocument, its concepts
CFItems, ``skos:broader`` ``isChildOf`` (a concept with no broader concept in the
curriculum is a child of the document, as CASE frameworks write their top level), a
prerequisite edge ``precedes`` (the prerequisite precedes the concept that needs it),
``skos:exactMatch`` ``exactMatchOf`` and ``skos:related`` ``isRelatedTo``.

What came from CASE goes back as it came, from the records ``ingest.case`` keeps
(``pw:caseRecord``, ``pw:caseAssociation``, ``pw:caseDefinitions``): a CASE tool such as
OpenSALT matches what it receives by identifier and deletes what it does not know, so a
renamed association or a lost ``sequenceNumber`` would rebuild its hierarchy. An item
starts from its record: when the concept still shows what the importer derived from it
(``ingest.case.item_text``), its statements, labels, keywords, coding scheme and
``lastChangeDateTime`` are the record's; a concept a designer changed gets them derived
anew and the export time. Every other field (identifier, ``uri``, item type,
``listEnumeration``, language, notes...) is the record's. The document likewise, with the
current title and description, and the package's CFDefinitions. A recorded association
goes back as it is recorded (identifier, ``uri``, ``sequenceNumber``, ends) while the
relation it stands for still holds; one whose relation a designer removed is dropped, and
so is an ``isChildOf`` to a parent the store does not hold (the hierarchy of the
curriculum's concepts is Pathwise's). One Pathwise does not model (``exemplar``,
``isPartOf``..., or a ``precedes`` or match with an end the store never held) goes back as
long as the concept it is kept on exists.

Anything without a record is generated: its identifier kept from an import
(``dcterms:identifier``), else a UUID derived from its Pathwise IRI (version 5), so
exporting the same curriculum twice names every item alike and a CASE server sees
updates, not new items. A node that did not come from CASE gets its Pathwise IRI as
``uri``, which the importer reads back as the same id: a framework exported, edited in a
CASE tool and imported again with ``--replace`` lands on the concepts it left. The
children of a Pathwise curriculum get a ``sequenceNumber``: prerequisites first, then
by label. An end outside the curriculum is named as the store knows it (its record, else
its ``dcterms:identifier``). CASE holds one alternative label per item; the others travel
as ``conceptKeywords`` (read back as labels). CASE has no place for materials, a
prerequisite's strength or a designer's provenance: those stay in the RDF and CSV exports.
"""

from __future__ import annotations

import heapq
import json
import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import product

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from graph.bundle import CurriculumBundle
from graph.ids import id_of, iri_of
from graph.model import Concept, Curriculum
from graph.vocab import DCTERMS, PW, SKOS
from ingest.case import (
    CASE_ASSOCIATION,
    CASE_DEFINITIONS,
    CASE_RECORD,
    LABEL_LIMIT,
    case_id,
    item_text,
    pathwise_slug,
    shorten,
)

__all__ = ["Lookup", "case_package", "case_package_text"]

CASE_URI_BASE = "https://w3id.org/pathwise/case/v1p0"
"""Where exported packages and associations are said to live (CASE requires a ``uri``)."""

_ASSOCIATION_TYPES = {SKOS.exactMatch: "exactMatchOf", SKOS.related: "isRelatedTo"}
_TEXT_KEYS = ("abbreviatedStatement", "alternativeLabel", "conceptKeywords", "humanCodingScheme")
"""The item fields derived from a concept's label and alternative labels (``fullStatement`` is required)."""

Lookup = Callable[[Sequence[str]], Mapping[str, Mapping[Node, Sequence[Node]]]]
"""The stored triples (predicate -> objects) of the named concepts the store holds (``describe_concepts``)."""


def case_package_text(
    bundle: CurriculumBundle, curriculum: str, *, now: datetime | None = None, lookup: Lookup | None = None
) -> str:
    """The package as pretty-printed UTF-8 JSON (``case_package`` says what goes in)."""
    package = case_package(bundle, curriculum, now=now, lookup=lookup)
    return json.dumps(package, indent=2, ensure_ascii=False) + "\n"


def case_package(
    bundle: CurriculumBundle, curriculum: str, *, now: datetime | None = None, lookup: Lookup | None = None
) -> dict[str, object]:
    """A CFPackage of one curriculum of ``bundle`` (what ``KnowledgeGraph.export_bundle`` gives).

    ``now`` is the ``lastChangeDateTime`` of what is generated or changed (the store keeps
    no change times); it defaults to the current time. ``lookup`` names the ends outside
    the curriculum as the store knows them; without it they get UUIDs of their IRIs.
    """
    extra = bundle.extra if bundle.extra is not None else Graph()
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    scheme = next(c for c in bundle.curricula if c.id == curriculum)
    concepts = sorted((c for c in bundle.concepts if c.curriculum == curriculum), key=lambda c: c.id)
    document_iri = iri_of("curriculum", scheme.id)
    names = _Names(extra, [document_iri, *(iri_of("concept", c.id) for c in concepts)])
    document, frame = _document(scheme, names, extra, stamp)
    items = [_item(concept, names, extra, frame) for concept in concepts]
    relations = _Associations(bundle, concepts, names, frame, lookup)
    package: dict[str, object] = {"CFDocument": document, "CFItems": items, "CFAssociations": relations.all()}
    definitions = _definitions(extra, document_iri)
    if definitions:
        package["CFDefinitions"] = definitions
    return package


def _text(record: Mapping[str, object], key: str) -> str:
    """A string field, trimmed; absent or non-string values read as empty (as ``ingest.case`` reads them)."""
    value = record.get(key)
    return value.strip() if isinstance(value, str) else ""


def _json_values(g: Graph, subject: URIRef, predicate: URIRef) -> list[dict[str, object]]:
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


def _latest(records: Iterable[dict[str, object]]) -> dict[str, object] | None:
    """Of several records of one node (a package imported again), the latest; ties by text, so exports repeat."""
    found = list(records)
    if len(found) < 2:
        return found[0] if found else None
    return max(found, key=lambda r: (str(r.get("lastChangeDateTime", "")), json.dumps(r, sort_keys=True)))


_CASE_ID = re.compile(r"case_[0-9a-f]{32}")


class _Names:
    """The CASE identifier, URI and record of each node: kept from an import, else derived from its IRI."""

    def __init__(self, extra: Graph, nodes: Iterable[URIRef]) -> None:
        self._extra = extra
        kept: dict[URIRef, str] = {}
        seen: dict[str, int] = {}
        self._records: dict[URIRef, dict[str, object]] = {}
        for node in nodes:
            identifier = _literal(extra, node, DCTERMS.identifier)
            if identifier:
                kept[node] = identifier
                seen[identifier] = seen.get(identifier, 0) + 1
            record = _latest(_json_values(extra, node, CASE_RECORD))
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
            return _text(record, "uri") or None
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


@dataclass(frozen=True)
class _Frame:
    """The document as items and associations point at it, and what the export stamps as changed."""

    iri: URIRef
    link: dict[str, str]
    kept: bool  # the document still reads as recorded: recorded LinkURIs to it stay as they are
    native: bool  # no record: a Pathwise curriculum
    stamp: str

    def reference(self, recorded: object) -> dict[str, object]:
        """The ``CFDocumentURI`` of a record: as recorded while it names this document unchanged, else current."""
        if self.kept and isinstance(recorded, Mapping) and _text(recorded, "identifier") == self.link["identifier"]:
            return dict(recorded)
        return dict(self.link)


def _document(scheme: Curriculum, names: _Names, extra: Graph, stamp: str) -> tuple[dict[str, object], _Frame]:
    """The CFDocument: its record with the current title and description, else generated."""
    node = iri_of("curriculum", scheme.id)
    record = names.record(node)
    kept = record is not None and (_text(record, "title"), _text(record, "description")) == (
        scheme.title,
        scheme.description,
    )
    title = record["title"] if kept and record is not None else scheme.title
    link = {"title": str(title), "identifier": names.identifier(node), "uri": names.uri(node)}
    document: dict[str, object] = {
        "identifier": link["identifier"],
        "uri": link["uri"],
        "lastChangeDateTime": stamp,
        "CFPackageURI": {**link, "uri": names.package_uri(node)},
        "creator": _literal(extra, node, DCTERMS.creator) or "Pathwise",
        "title": scheme.title,
    }
    publisher = _literal(extra, node, DCTERMS.publisher)
    if publisher:
        document["publisher"] = publisher
    if scheme.description:
        document["description"] = scheme.description
    frame = _Frame(node, link, kept, record is None, stamp)
    if record is None:
        return document, frame
    document = _overlay(document, record, _REQUIRED["CFDocument"]) | {"identifier": _identifier_of(record, document)}
    if not kept:
        document.update(title=scheme.title, lastChangeDateTime=stamp)
        package = document.get("CFPackageURI")
        if isinstance(package, Mapping):
            document["CFPackageURI"] = {**package, "title": scheme.title}
        document.pop("description", None)
        if scheme.description:
            document["description"] = scheme.description
    return document, frame


_REQUIRED = {
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


def _overlay(
    generated: Mapping[str, object], record: Mapping[str, object], required: Sequence[str]
) -> dict[str, object]:
    """A record with what CASE requires and it lacks filled in from ``generated``: nothing else is added to it.

    Keys come in the generated order, then the record's others: an export reads alike
    before and after its package is imported back.
    """
    keys = [k for k in generated if k in record or k in required] + [k for k in record if k not in generated]
    return {key: record[key] if key in record else generated[key] for key in keys}


def _identifier_of(record: Mapping[str, object], generated: Mapping[str, object]) -> object:
    """The record's identifier, unless the export names the node otherwise (an identifier two nodes claimed)."""
    return record["identifier"] if _text(record, "identifier") == generated["identifier"] else generated["identifier"]


def _definitions(extra: Graph, node: URIRef) -> dict[str, object]:
    """The package's CFDefinitions as imported; several imports' are merged, entries by identifier."""
    merged: dict[str, object] = {}
    for record in sorted(_json_values(extra, node, CASE_DEFINITIONS), key=lambda r: json.dumps(r, sort_keys=True)):
        for key, value in record.items():
            old = merged.get(key)
            if isinstance(old, list) and isinstance(value, list):
                entries = {_entry_key(e): e for e in [*old, *value]}
                merged[key] = list(entries.values())
            else:
                merged[key] = value
    return merged


def _entry_key(entry: object) -> str:
    """What names a definition (an item type, a subject): its identifier, else its whole text."""
    if isinstance(entry, Mapping) and _text(entry, "identifier"):
        return _text(entry, "identifier")
    return json.dumps(entry, sort_keys=True)


def _item(concept: Concept, names: _Names, extra: Graph, frame: _Frame) -> dict[str, object]:
    """A concept as a CFItem: its record with what Pathwise changed, else generated (``_generated_item``)."""
    node = iri_of("concept", concept.id)
    generated = _generated_item(concept, names, extra, frame)
    record = names.record(node)
    if record is None:
        return generated
    item = _overlay(generated, record, _REQUIRED["CFItem"])
    item["identifier"] = _identifier_of(record, generated)
    label, definition, alt_labels = item_text(record)
    if (label, definition, set(alt_labels)) != (concept.label, concept.definition, set(concept.alt_labels)):
        # a designer changed it: derived anew, changed now (else the record's text goes out verbatim)
        for key in ("fullStatement", *_TEXT_KEYS):
            item.pop(key, None)
            if key in generated:
                item[key] = generated[key]
        item["lastChangeDateTime"] = frame.stamp
    if "CFDocumentURI" in item:
        item["CFDocumentURI"] = frame.reference(item["CFDocumentURI"])
    return item


def _generated_item(concept: Concept, names: _Names, extra: Graph, frame: _Frame) -> dict[str, object]:
    """A concept as a CFItem; the label goes back as the abbreviated statement when it is not derived."""
    node = iri_of("concept", concept.id)
    code = _literal(extra, node, SKOS.notation)
    body = concept.label.removeprefix(f"{code} ") if code else concept.label
    statement = concept.definition or body or concept.label  # CASE requires a full statement
    item: dict[str, object] = {
        "identifier": names.identifier(node),
        "uri": names.uri(node),
        "lastChangeDateTime": frame.stamp,
        "CFDocumentURI": dict(frame.link),
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


Relation = tuple[str, str, str]
"""(associationType, origin, destination): the IRIs of concepts or the document, or an outside URI."""


@dataclass(frozen=True)
class _Current:
    """A relation the curriculum holds now, and what generating its association takes."""

    key: Relation
    name: str = ""  # the identifier a stored edge remembers (``case:precedes:<id>``)
    outside: bool = False  # the destination is a URI, not a concept


class _Associations:
    """The package's associations: recorded ones whose relation holds or that Pathwise does not model, then the
    current relations no record stands for, generated."""

    def __init__(
        self,
        bundle: CurriculumBundle,
        concepts: list[Concept],
        names: _Names,
        frame: _Frame,
        lookup: Lookup | None,
    ) -> None:
        self._bundle, self._names, self._frame = bundle, names, frame
        self._ours = {c.id: c for c in concepts}
        self._labels = {c.id: c.label for c in bundle.concepts}
        extra = bundle.extra if bundle.extra is not None else Graph()
        self._current = list(self._relations(concepts, extra))
        self._records = _association_records(extra, [frame.iri, *(iri_of("concept", c.id) for c in concepts)])
        self._by_identifier = {case_id(names.identifier(iri_of("concept", c))): c for c in self._ours}
        self._outside = Graph()
        described = lookup(sorted(self._outside_ids())) if lookup is not None else {}
        for ident, props in described.items():
            for predicate, objects in props.items():
                for value in objects:
                    self._outside.add((iri_of("concept", ident), predicate, value))
        self._described = set(described)
        self._outside_names = _Names(self._outside, [iri_of("concept", i) for i in self._described])
        self._holds = {r.key for r in self._current} | set(self._outside_relations())

    def all(self) -> list[dict[str, object]]:
        """isChildOf, precedes, exactMatchOf and isRelatedTo as they hold now, each sorted; then the other records."""
        matched: dict[Relation, list[dict[str, object]]] = defaultdict(list)
        rest: list[dict[str, object]] = []
        for record in self._records:
            fate = self._fate(record)
            if fate is None:
                rest.append(record)
            elif fate in self._holds:
                matched[fate].append(record)
        generated = {r.key for r in self._current}
        rest += [record for key, records in matched.items() if key not in generated for record in records]
        out: list[dict[str, object]] = []
        sequence = self._sequence() if self._frame.native else {}
        for relation in self._current:
            if relation.key in matched:
                out += [self._recorded(r) for r in sorted(matched.pop(relation.key), key=_identifier)]
            else:
                out.append(self._generated(relation, sequence.get(relation.key)))
        out += [self._recorded(r) for r in sorted(rest, key=_identifier)]
        unique: dict[str, dict[str, object]] = {}
        for association in out:
            unique.setdefault(str(association["identifier"]), association)
        return list(unique.values())

    def _relations(self, concepts: list[Concept], extra: Graph) -> Iterable[_Current]:
        """The relations the curriculum holds now, in the order they are written."""
        document = str(self._frame.iri)
        for concept in concepts:
            own = str(iri_of("concept", concept.id))
            parents = [str(iri_of("concept", parent)) for parent in sorted(concept.broader)] or [document]
            for parent in parents:
                yield _Current(("isChildOf", own, parent))
        for edge in sorted(self._bundle.prerequisites, key=lambda e: (e.concept, e.prerequisite)):
            if edge.concept in self._ours:
                recorded = edge.provenance.startswith("case:precedes:")
                name = edge.provenance.removeprefix("case:precedes:") if recorded else ""
                origin, destination = iri_of("concept", edge.prerequisite), iri_of("concept", edge.concept)
                yield _Current(("precedes", str(origin), str(destination)), name)
        for predicate, kind in _ASSOCIATION_TYPES.items():
            for concept in concepts:
                node = iri_of("concept", concept.id)
                own_uri = self._names.own_uri(node)
                for target in sorted(str(o) for o in extra.objects(node, predicate) if isinstance(o, URIRef)):
                    if target != own_uri:
                        yield _Current((kind, str(node), target), outside=not self._is_concept(target))

    def _is_concept(self, iri: str) -> bool:
        """Whether ``iri`` is a concept's IRI the export knows (of the bundle; the store's come later)."""
        ident = id_of(iri)
        return ident in self._labels and str(iri_of("concept", ident)) == iri

    def _outside_ids(self) -> set[str]:
        """The concepts outside the curriculum the associations name: the store is asked about them once."""
        wanted = set()
        for relation in self._current:
            for iri in relation.key[1:]:
                ident = id_of(iri)
                if ident not in self._ours and iri != str(self._frame.iri):
                    wanted.add(ident)
        for record in self._records:
            for end in (record.get("originNodeURI"), record.get("destinationNodeURI")):
                named = self._end_id(end)
                if named is not None and named not in self._ours:
                    wanted.add(named)
        return wanted

    def _outside_relations(self) -> Iterable[Relation]:
        """What the store holds between concepts outside the curriculum and others: a recorded
        association from a concept of this curriculum to one outside still holds there."""
        for subject, predicate, value in self._outside:
            if predicate == PW.requires:
                yield ("precedes", str(value), str(subject))
            elif predicate == SKOS.broader:
                yield ("isChildOf", str(subject), str(value))
            elif isinstance(predicate, URIRef) and predicate in _ASSOCIATION_TYPES:
                yield (_ASSOCIATION_TYPES[predicate], str(subject), str(value))

    def _end_id(self, end: object) -> str | None:
        """The concept id an association end names, as the importer reads it (None: the document, or no identifier)."""
        if not isinstance(end, Mapping) or not _text(end, "identifier"):
            return None
        name = case_id(_text(end, "identifier"))
        if name == case_id(self._frame.link["identifier"]):
            return None
        return self._by_identifier.get(name) or pathwise_slug(_text(end, "uri"), "concept") or name

    def _keys(self, end: object) -> tuple[list[str], list[str]]:
        """What an association end may be: (the concept or document IRIs Pathwise holds, its outside URI)."""
        if not isinstance(end, Mapping):
            return [], []
        uri = _text(end, "uri")
        outside = [uri] if uri.startswith(("http://", "https://")) else []
        ident = self._end_id(end)
        if ident is None:
            identifier = _text(end, "identifier")
            return ([str(self._frame.iri)] if identifier else []), outside
        if ident in self._ours or ident in self._described:
            return [str(iri_of("concept", ident))], outside
        return [], outside

    def _fate(self, record: Mapping[str, object]) -> Relation | None:
        """The relation a recorded association stands for, or None when Pathwise does not model it (kept as is).

        Pathwise models isChildOf and the SKOS matches from one of its concepts, and
        precedes between two concepts it holds; an association it could never hold as a
        relation (an end outside the store) goes back as it came. The hierarchy of its
        concepts is Pathwise's whole: an isChildOf from one of them to a parent it does
        not hold (deleted, or in another framework) is no longer so.
        """
        kind = record.get("associationType")
        (origin, _), (destination, outside) = (
            self._keys(record.get(k)) for k in ("originNodeURI", "destinationNodeURI")
        )
        ours = [o for o in origin if id_of(o) in self._ours and o != str(self._frame.iri)]
        concepts = [d for d in destination if d != str(self._frame.iri)]
        if kind == "isChildOf" and ours:
            candidates = list(product(ours, destination or [""]))
        elif kind in ("exactMatchOf", "isRelatedTo") and ours and (concepts or outside):
            candidates = list(product(ours, concepts + outside))
        elif kind == "precedes" and origin and concepts and str(self._frame.iri) not in origin:
            candidates = list(product(origin, concepts))
        else:
            return None
        keys = [(str(kind), o, d) for o, d in candidates]
        return next((k for k in keys if k in self._holds), keys[0])

    def _end(self, iri: str, outside: bool = False) -> dict[str, str]:
        """The LinkURI of a relation's end: the document, a concept of the curriculum or the store, or a URI."""
        if iri == str(self._frame.iri):
            return dict(self._frame.link)
        ident = id_of(iri)
        if outside and ident not in self._described:  # a URI Pathwise holds nothing under
            return {"title": iri, "identifier": str(uuid.uuid5(uuid.NAMESPACE_URL, iri)), "uri": iri}
        node = iri_of("concept", ident)
        if ident in self._ours or ident not in self._described:
            return self._names.link(node, self._labels.get(ident, ident))
        record = self._outside_names.record(node)
        label = _literal(self._outside, node, SKOS.prefLabel) or ident
        title = (_text(record, "humanCodingScheme") if record is not None else "") or label
        return self._outside_names.link(node, title)

    def _generated(self, relation: _Current, sequence: int | None) -> dict[str, object]:
        """An association for a relation no record stands for."""
        kind, origin, destination = relation.key
        association = self._shape(kind, self._end(origin), self._end(destination, relation.outside), relation.name)
        if sequence is not None:
            association["sequenceNumber"] = sequence
        return association

    def _shape(
        self, kind: str, origin: Mapping[str, object], destination: Mapping[str, object], name: str
    ) -> dict[str, object]:
        """A CFAssociation; its identifier, unless named, is a UUID of its type and ends (the same every export)."""
        ends = f"{kind} {origin.get('uri', '')} {destination.get('uri', '')}"
        identifier = name or str(uuid.uuid5(uuid.NAMESPACE_URL, ends))
        return {
            "identifier": identifier,
            "uri": f"{CASE_URI_BASE}/CFAssociations/{identifier}",
            "lastChangeDateTime": self._frame.stamp,
            "CFDocumentURI": dict(self._frame.link),
            "originNodeURI": dict(origin),
            "associationType": kind,
            "destinationNodeURI": dict(destination),
        }

    def _recorded(self, record: Mapping[str, object]) -> dict[str, object]:
        """A recorded association as it came; what CASE requires and the record lacks is filled in."""
        origin, destination = record.get("originNodeURI"), record.get("destinationNodeURI")
        base = self._shape(
            str(record.get("associationType")),
            origin if isinstance(origin, Mapping) else {},
            destination if isinstance(destination, Mapping) else {},
            "",
        )
        association = _overlay(base, record, _REQUIRED["CFAssociation"])
        if "CFDocumentURI" in association:
            association["CFDocumentURI"] = self._frame.reference(association["CFDocumentURI"])
        for side in ("originNodeURI", "destinationNodeURI"):
            association[side] = self._current_end(association[side])
        return association

    def _current_end(self, end: object) -> object:
        """An end naming one of the package's items, with that item's identifier and uri as exported now.

        A concept replaced since its import (a CSV edit) is exported under other names than
        the record saw; the end kept the old ones and pointed at no item of the package.
        """
        if not isinstance(end, Mapping):
            return end
        identifier = end.get("identifier")
        concept = self._by_identifier.get(case_id(identifier)) if isinstance(identifier, str) else None
        if concept is None:
            return end
        node = iri_of("concept", concept)
        return {**end, "identifier": self._names.identifier(node), "uri": self._names.uri(node)}

    def _sequence(self) -> dict[Relation, int]:
        """Each child's place under its parent in a Pathwise curriculum: prerequisites first, then by label."""
        siblings: dict[str, list[str]] = defaultdict(list)
        for relation in self._current:
            kind, child, parent = relation.key
            if kind == "isChildOf":
                siblings[parent].append(id_of(child))
        before: dict[str, set[str]] = defaultdict(set)
        for edge in self._bundle.prerequisites:
            before[edge.concept].add(edge.prerequisite)
        out: dict[Relation, int] = {}
        for parent, children in siblings.items():
            for number, child in enumerate(self._ordered(children, before), start=1):
                out[("isChildOf", str(iri_of("concept", child)), parent)] = number
        return out

    def _ordered(self, children: list[str], before: Mapping[str, set[str]]) -> list[str]:
        """``children`` in a topological order of the prerequisites among them, ties by label then id."""
        group = set(children)
        needs = {c: len(before.get(c, set()) & group) for c in group}
        unlocks: dict[str, list[str]] = defaultdict(list)
        for child in group:
            for prerequisite in before.get(child, set()) & group:
                unlocks[prerequisite].append(child)
        ready = [(self._labels.get(c, c), c) for c, n in needs.items() if n == 0]
        heapq.heapify(ready)
        order: list[str] = []
        while ready:
            _, child = heapq.heappop(ready)
            order.append(child)
            for other in unlocks[child]:
                needs[other] -= 1
                if needs[other] == 0:
                    heapq.heappush(ready, (self._labels.get(other, other), other))
        return order


def _identifier(record: Mapping[str, object]) -> str:
    """A record's identifier, for a stable order."""
    return _text(record, "identifier") or json.dumps(record, sort_keys=True)


def _association_records(extra: Graph, nodes: Iterable[URIRef]) -> list[dict[str, object]]:
    """The recorded associations kept on ``nodes``; one recorded twice (a package imported again) once, the latest."""
    by_identifier: dict[str, list[dict[str, object]]] = defaultdict(list)
    for node in nodes:
        for record in _json_values(extra, node, CASE_ASSOCIATION):
            if isinstance(record.get("associationType"), str):
                by_identifier[_identifier(record)].append(record)
    return [r for records in by_identifier.values() if (r := _latest(records)) is not None]
