"""The associations of a CASE export: recorded ones while their relation holds, the rest generated.

A recorded association (``pw:caseAssociation``) goes back as it is recorded (identifier,
``uri``, ``sequenceNumber``, ends) while the relation it stands for still holds; one whose
relation a designer removed is dropped, and so is an ``isChildOf`` to a parent the store
does not hold. One Pathwise does not model (``exemplar``, ``isPartOf``...) goes back as long
as the concept it is kept on exists. A relation with no record is generated, its identifier
a UUID of its type and ends (the same every export); the children of a Pathwise curriculum
get a ``sequenceNumber``, prerequisites first and then by label.
"""

from __future__ import annotations

import heapq
import json
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import product

from rdflib import Graph, URIRef

from graph.bundle import CurriculumBundle
from graph.ids import id_of, iri_of
from graph.model import Concept
from graph.text import search_key
from graph.vocab import PW, SKOS
from ingest.case import CASE_ASSOCIATION, case_id, exported_id
from ingest.case_records import (
    ASSOCIATION_TYPES,
    CASE_URI_BASE,
    REQUIRED,
    Frame,
    Lookup,
    Names,
    json_values,
    latest,
    literal,
    overlay,
    text,
)

__all__ = ["Associations"]


Relation = tuple[str, str, str]
"""(associationType, origin, destination): the IRIs of concepts or the document, or an outside URI."""


@dataclass(frozen=True)
class _Current:
    """A relation the curriculum holds now, and what generating its association takes."""

    key: Relation
    name: str = ""  # the identifier a stored edge remembers (``case:precedes:<id>``)
    outside: bool = False  # the destination is a URI, not a concept


class Associations:
    """The package's associations: recorded ones whose relation holds or that Pathwise does not model, then the
    current relations no record stands for, generated."""

    def __init__(
        self,
        bundle: CurriculumBundle,
        concepts: list[Concept],
        names: Names,
        frame: Frame,
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
        self._outside_names = Names(self._outside, [iri_of("concept", i) for i in self._described])
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
        for predicate, kind in ASSOCIATION_TYPES.items():
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
            elif isinstance(predicate, URIRef) and predicate in ASSOCIATION_TYPES:
                yield (ASSOCIATION_TYPES[predicate], str(subject), str(value))

    def _end_id(self, end: object) -> str | None:
        """The concept id an association end names, as the importer reads it (None: the document, or no identifier)."""
        if not isinstance(end, Mapping) or not text(end, "identifier"):
            return None
        name = case_id(text(end, "identifier"))
        if name == case_id(self._frame.link["identifier"]):
            return None
        return self._by_identifier.get(name) or exported_id(end, "concept") or name

    def _keys(self, end: object) -> tuple[list[str], list[str]]:
        """What an association end may be: (the concept or document IRIs Pathwise holds, its outside URI)."""
        if not isinstance(end, Mapping):
            return [], []
        uri = text(end, "uri")
        outside = [uri] if uri.startswith(("http://", "https://")) else []
        ident = self._end_id(end)
        if ident is None:
            identifier = text(end, "identifier")
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
        label = literal(self._outside, node, SKOS.prefLabel) or ident
        title = (text(record, "humanCodingScheme") if record is not None else "") or label
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
        # An end may give its identifier alone (a lenient package): every such association hashed alike, and
        # all but one of 2,271 were dropped as copies of the first.
        ends = f"{kind} {_end_name(origin)} {_end_name(destination)}"
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
        association = overlay(base, record, REQUIRED["CFAssociation"])
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
        ready = [self._order_key(c) for c, n in needs.items() if n == 0]
        heapq.heapify(ready)
        order: list[str] = []
        while ready:
            *_, child = heapq.heappop(ready)
            order.append(child)
            for other in unlocks[child]:
                needs[other] -= 1
                if needs[other] == 0:
                    heapq.heappush(ready, self._order_key(other))
        return order

    def _order_key(self, concept: str) -> tuple[str, str, str]:
        """Where a label sorts for a reader: without case or accents ("Álgebra" before "Geometría"), then as written."""
        label = self._labels.get(concept, concept)
        return search_key(label), label, concept


def _end_name(end: Mapping[str, object]) -> str:
    """What names an association's end: its uri, else its identifier."""
    return str(end.get("uri") or end.get("identifier") or "")


def _identifier(record: Mapping[str, object]) -> str:
    """A record's identifier, for a stable order."""
    return text(record, "identifier") or json.dumps(record, sort_keys=True)


def _association_records(extra: Graph, nodes: Iterable[URIRef]) -> list[dict[str, object]]:
    """The recorded associations kept on ``nodes``; one recorded twice (a package imported again) once, the latest."""
    by_identifier: dict[str, list[dict[str, object]]] = defaultdict(list)
    for node in nodes:
        for record in json_values(extra, node, CASE_ASSOCIATION):
            if isinstance(record.get("associationType"), str):
                by_identifier[_identifier(record)].append(record)
    return [r for records in by_identifier.values() if (r := latest(records)) is not None]
