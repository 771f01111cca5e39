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

import json
from collections.abc import Mapping
from datetime import UTC, datetime

from rdflib import Graph, URIRef

from graph.bundle import CurriculumBundle
from graph.ids import iri_of
from graph.model import Concept, Curriculum
from graph.vocab import DCTERMS, SKOS
from ingest.case import CASE_DEFINITIONS, LABEL_LIMIT, item_text, shorten
from ingest.case_associations import Associations
from ingest.case_records import REQUIRED, Frame, Lookup, Names, json_values, literal, overlay, text

__all__ = ["Lookup", "case_package", "case_package_text"]

_TEXT_KEYS = ("abbreviatedStatement", "alternativeLabel", "conceptKeywords", "humanCodingScheme")
"""The item fields derived from a concept's label and alternative labels (``fullStatement`` is required)."""


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
    # an item speaks one language: its concepts' alternative labels are their own language's (bundle_from_rdf)
    concepts = sorted((c for c in bundle.concepts if c.curriculum == curriculum), key=lambda c: c.id)
    document_iri = iri_of("curriculum", scheme.id)
    names = Names(extra, [document_iri, *(iri_of("concept", c.id) for c in concepts)])
    document, frame = _document(scheme, names, extra, stamp)
    # the language of the item's text, where the concept's own label says it (a French curriculum's items were untold)
    items = [
        _item(concept, names, extra, frame, bundle.own_languages.get((concept.id, "label"))) for concept in concepts
    ]
    relations = Associations(bundle, concepts, names, frame, lookup)
    package: dict[str, object] = {"CFDocument": document, "CFItems": items, "CFAssociations": relations.all()}
    definitions = _definitions(extra, document_iri)
    if definitions:
        package["CFDefinitions"] = definitions
    return package


def _document(scheme: Curriculum, names: Names, extra: Graph, stamp: str) -> tuple[dict[str, object], Frame]:
    """The CFDocument: its record with the current title and description, else generated."""
    node = iri_of("curriculum", scheme.id)
    record = names.record(node)
    kept = record is not None and (text(record, "title"), text(record, "description")) == (
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
        "creator": literal(extra, node, DCTERMS.creator) or "Pathwise",
        "title": scheme.title,
    }
    publisher = literal(extra, node, DCTERMS.publisher)
    if publisher:
        document["publisher"] = publisher
    if scheme.description:
        document["description"] = scheme.description
    frame = Frame(node, link, kept, record is None, stamp)
    if record is None:
        return document, frame
    document = overlay(document, record, REQUIRED["CFDocument"]) | {"identifier": _identifier_of(record, document)}
    if not kept:
        document.update(title=scheme.title, lastChangeDateTime=stamp)
        package = document.get("CFPackageURI")
        if isinstance(package, Mapping):
            document["CFPackageURI"] = {**package, "title": scheme.title}
        document.pop("description", None)
        if scheme.description:
            document["description"] = scheme.description
    return document, frame


def _identifier_of(record: Mapping[str, object], generated: Mapping[str, object]) -> object:
    """The record's identifier, unless the export names the node otherwise (an identifier two nodes claimed)."""
    return record["identifier"] if text(record, "identifier") == generated["identifier"] else generated["identifier"]


def _definitions(extra: Graph, node: URIRef) -> dict[str, object]:
    """The package's CFDefinitions as imported; several imports' are merged, entries by identifier."""
    merged: dict[str, object] = {}
    for record in sorted(json_values(extra, node, CASE_DEFINITIONS), key=lambda r: json.dumps(r, sort_keys=True)):
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
    if isinstance(entry, Mapping) and text(entry, "identifier"):
        return text(entry, "identifier")
    return json.dumps(entry, sort_keys=True)


def _item(concept: Concept, names: Names, extra: Graph, frame: Frame, language: str | None) -> dict[str, object]:
    """A concept as a CFItem: its record with what Pathwise changed, else generated (``_generated_item``)."""
    node = iri_of("concept", concept.id)
    generated = _generated_item(concept, names, extra, frame)
    if language:
        generated["language"] = language
    record = names.record(node)
    if record is None:
        return generated
    item = overlay(generated, record, REQUIRED["CFItem"])
    item["identifier"] = _identifier_of(record, generated)
    label, definition, alt_labels = item_text(record)
    # imported before a statement that is the label stopped being read as the definition too: still unchanged
    same_definition = concept.definition in (definition, definition or label)
    if (label, set(alt_labels)) != (concept.label, set(concept.alt_labels)) or not same_definition:
        # a designer changed it: derived anew, changed now (else the record's text goes out verbatim)
        for key in ("fullStatement", *_TEXT_KEYS):
            item.pop(key, None)
            if key in generated:
                item[key] = generated[key]
        item["lastChangeDateTime"] = frame.stamp
    if "CFDocumentURI" in item:
        item["CFDocumentURI"] = frame.reference(item["CFDocumentURI"])
    return item


def _generated_item(concept: Concept, names: Names, extra: Graph, frame: Frame) -> dict[str, object]:
    """A concept as a CFItem; the label goes back as the abbreviated statement when it is not derived."""
    node = iri_of("concept", concept.id)
    code = literal(extra, node, SKOS.notation)
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
    kind = literal(extra, node, DCTERMS.type)
    if kind:
        item["CFItemType"] = kind
    return item
