"""1EdTech CASE (Competencies and Academic Standards Exchange) packages as curriculum bundles.

A CFPackage holds one CFDocument (a framework), its CFItems (standards, clusters, strands)
and CFAssociations between them. The document becomes a curriculum, items become concepts,
``isChildOf`` becomes ``skos:broader`` and ``precedes`` a prerequisite edge;
``exactMatchOf`` becomes ``skos:exactMatch`` and ``isRelatedTo`` ``skos:related`` (kept
as triples, exported with the curriculum). Each concept and the curriculum keep their
CASE ``identifier`` (``dcterms:identifier``), ``uri`` (``skos:exactMatch``), item type
(``dcterms:type``), coding scheme (``skos:notation``) and the document's creator and
publisher, for RDF consumers.

What the model has no place for travels as records, so ``ingest.case_export`` can send
the framework back as it came: each CFItem whole is a JSON literal ``pw:caseRecord`` on
its concept, the CFDocument one on the curriculum (and the package's CFDefinitions a
``pw:caseDefinitions`` there), and each CFAssociation a ``pw:caseAssociation`` on its
origin concept, or on the curriculum when its origin is not an item of the package.
Associations of types Pathwise does not model (``exemplar``, ``isPartOf``...) live only
as these records. One with an end outside the package is recorded as written, and also
read as the rest are: a ``precedes`` or ``isChildOf`` becomes an edge or a broader link
that ``check_bundle`` reports as dangling unless the store holds that node, an
``exactMatchOf`` or ``isRelatedTo`` a SKOS link to the node's ``uri``. An association
whose ends are not both LinkURI objects with an identifier is not recorded (no CASE tool
could act on it). A record is kept as CASE 1.0 writes it (``conform``): a
``lastChangeDateTime`` without an offset is read as UTC, a numeric-string
``sequenceNumber`` as a number, a single ``subject`` or ``educationLevel`` as a list,
and a ``CFDocumentURI`` or ``CFPackageURI`` given as a bare URI as a LinkURI to the
document.

Ids come from CASE ``identifier`` values (UUIDs, required and always present), not from
``uri`` values: the same item is served under different URIs by different servers, some
packages carry no URIs at all, and associations always name their ends by identifier.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from graph.accessibility import canonical_language, language_problem
from graph.bundle import CurriculumBundle
from graph.ids import id_of, id_problem, iri_of
from graph.model import Concept, Curriculum, Prerequisite
from graph.unstated import TRANSLATIONS
from graph.value_checks import LABEL_LIMIT as STORED_LABEL_LIMIT
from graph.vocab import DCTERMS, ID, PW, SKOS
from ingest.errors import MalformedInput, Problem, not_utf8

__all__ = [
    "CASE_ASSOCIATION",
    "CASE_DEFINITIONS",
    "CASE_RECORD",
    "LABEL_LIMIT",
    "case_id",
    "conform",
    "exported_id",
    "field_text",
    "item_text",
    "parse_case_package",
    "pathwise_slug",
    "read_case",
    "record_literal",
    "shorten",
]

LABEL_LIMIT = 100

CASE_RECORD = PW.caseRecord
"""A CFItem (on its concept) or the CFDocument (on the curriculum), whole, as a JSON literal."""
CASE_ASSOCIATION = PW.caseAssociation
"""A CFAssociation, whole, as a JSON literal on its origin concept (else on the curriculum)."""
CASE_DEFINITIONS = PW.caseDefinitions
"""The package's CFDefinitions (item types, subjects, licences...), as a JSON literal on the curriculum."""

_NOT_SLUG = re.compile(r"[^A-Za-z0-9_.\-]+")


def case_id(identifier: str) -> str:
    """The Pathwise id of a CASE identifier: ``case_`` and the UUID's 32 hex digits.

    The few identifiers that are not UUIDs (CASE requires them, not every exporter obeys)
    are made slug-safe and given a hash of the original, so distinct ones stay distinct.

    Examples:
        >>> case_id("bc997e24-7f3b-5df0-a0cd-3a8ac9cf0e2e")
        'case_bc997e247f3b5df0a0cd3a8ac9cf0e2e'
        >>> case_id("BC997E24-7F3B-5DF0-A0CD-3A8AC9CF0E2E") == case_id("bc997e24-7f3b-5df0-a0cd-3a8ac9cf0e2e")
        True
    """
    try:
        return f"case_{uuid.UUID(identifier.strip()).hex}"
    except ValueError:
        digest = hashlib.sha1(identifier.encode(), usedforsecurity=False).hexdigest()[:8]
        safe = _NOT_SLUG.sub("_", identifier).strip("_")
        return f"case_{safe}_{digest}" if safe else f"case_{digest}"


def shorten(text: str, limit: int = LABEL_LIMIT) -> str:
    """One line of at most ``limit`` characters, cut at a word boundary (labels are listed, not read)."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.") + "…"


def field_text(record: Mapping[str, object], key: str) -> str:
    """A string field of a CASE object, trimmed; absent or non-string values read as empty."""
    value = record.get(key)
    return value.strip() if isinstance(value, str) else ""


def _node(ref: object) -> str | None:
    """The identifier of a LinkURI object (``originNodeURI``/``destinationNodeURI``)."""
    if isinstance(ref, Mapping):
        identifier = ref.get("identifier")
        if isinstance(identifier, str) and identifier.strip():
            return identifier.strip()
    return None


class _Ids:
    """Pathwise ids of the package's nodes: ``case_id`` of the identifier, or the id it was exported from.

    A package Pathwise exported (``ingest.case_export``) gives a node that did not come
    from CASE its Pathwise IRI as ``uri``: read back, it is that node again (``slope``,
    not ``case_<hex>``), so a framework edited in a CASE tool returns with ``--replace``
    onto the concepts it left as, and a link to a concept of another curriculum still
    finds it.
    """

    def __init__(self, document: object, items: list[object]) -> None:
        self._renamed: dict[str, str] = {}
        for record, kind in [(document, "curriculum"), *((item, "concept") for item in items)]:
            ident = _node(record)
            own = exported_id(record, kind)
            if ident is not None and own is not None:
                self._renamed[case_id(ident)] = own

    def of(self, identifier: str) -> str:
        """The id of a node named by its CASE identifier."""
        name = case_id(identifier)
        return self._renamed.get(name, name)

    def of_end(self, ref: object) -> str | None:
        """The id of an association's end (a LinkURI): in the package, else by a Pathwise ``uri``."""
        identifier = _node(ref)
        if identifier is None:
            return None
        name = case_id(identifier)
        if name in self._renamed:
            return self._renamed[name]
        return exported_id(ref, "concept") or name


def pathwise_slug(uri: str, kind: str) -> str | None:
    """The slug of ``uri`` when it is Pathwise's IRI of a ``kind`` node, else ``None``."""
    prefix = f"{ID}{kind}/"
    slug = uri[len(prefix) :] if uri.startswith(prefix) else ""
    return slug if slug and id_of(uri) == slug else None


def exported_id(ref: object, kind: str) -> str | None:
    """The Pathwise id of a node (an item, the document, a LinkURI) as ``ingest.case_export`` wrote it, else ``None``.

    A node that did not come from CASE goes out with its IRI as ``uri`` and a UUID of that
    IRI as ``identifier``: its IRI is Pathwise's (``slope``), or the id itself where the id is
    an IRI (``http://example.org/c/1``, which came back as ``case_<hex>``). A CASE server's
    ``uri`` is not read as an id: its identifier is no UUID of it.

    Examples:
        >>> exported_id({"uri": "https://w3id.org/pathwise/id/concept/slope", "identifier": "x"}, "concept")
        'slope'
        >>> iri = "http://example.org/c/1"
        >>> exported_id({"uri": iri, "identifier": str(uuid.uuid5(uuid.NAMESPACE_URL, iri))}, "concept")
        'http://example.org/c/1'
        >>> exported_id({"uri": iri, "identifier": "bc997e24-7f3b-5df0-a0cd-3a8ac9cf0e2e"}, "concept") is None
        True
    """
    if not isinstance(ref, Mapping):
        return None
    uri = field_text(ref, "uri")
    slug = pathwise_slug(uri, kind)
    if slug is not None or not _ABSOLUTE.match(uri) or id_problem(kind, uri) is not None:
        return slug
    try:
        named = uuid.UUID(field_text(ref, "identifier"))
    except ValueError:
        return None
    return id_of(uri) if named == uuid.uuid5(uuid.NAMESPACE_URL, uri) else None


def item_text(item: Mapping[str, object]) -> tuple[str, str, tuple[str, ...]]:
    """A CFItem's label, definition (none where the statement is the label) and alternative labels.

    The label leads with the coding scheme so lists sort like the standard. The
    abbreviated statement, where there is one, is the label's body: CASE writes it for
    lists ("Geometry and Measurement" beside a sentence-long full statement), and it is
    where ``ingest.case_export`` puts a label that is not the statement itself, so it is
    taken as written while it is one line a label may be; only a statement is flattened
    and cut to ``LABEL_LIMIT`` (a label's two spaces came back as one). The
    exporter derives these again from a kept record to see whether a designer changed
    the concept since.
    """
    statement = field_text(item, "fullStatement")
    code = field_text(item, "humanCodingScheme")
    abbreviated = field_text(item, "abbreviatedStatement")
    body = abbreviated or statement
    label = f"{code} {body}" if code and body else code or body
    if not (abbreviated and _one_label(label)):  # a written label is kept as written: two spaces, 120 characters
        label = shorten(label)
    keywords = item.get("conceptKeywords")
    more = tuple(k.strip() for k in keywords if isinstance(k, str)) if isinstance(keywords, list) else ()
    alt_labels = (code, field_text(item, "alternativeLabel"), abbreviated, *more)
    # A statement that is the label says nothing more: an export writes a concept's label there when it has no
    # definition (CASE requires one), and read back as the definition it gave every such concept one (an audit).
    definition = "" if statement == label else statement
    return label, definition, tuple(dict.fromkeys(a for a in alt_labels if a and a != label))


def _one_label(text: str) -> bool:
    """Whether ``text`` can be a stored label as it is: one line, within the graph's limit."""
    return len(text) <= STORED_LABEL_LIMIT and "\n" not in text and "\r" not in text


def _concept(item: Mapping[str, object], ident: str, curriculum: str, broader: Mapping[str, list[str]]) -> Concept:
    """A CFItem as a concept (``item_text`` says what it shows)."""
    label, definition, alt_labels = item_text(item)
    return Concept(
        id=ident,
        label=label,
        definition=definition,
        alt_labels=alt_labels,
        broader=tuple(broader.get(ident, ())),
        curriculum=curriculum,
    )


def parse_case_package(data: Mapping[str, object], source: str) -> CurriculumBundle:
    """Turn a decoded CFPackage into one curriculum bundle.

    ``isChildOf`` from an item to the document itself marks a top-level item (its
    ``curriculum`` says as much), so it adds no ``broader``; one whose child is not in
    the package says nothing about this package's concepts and is skipped.

    Args:
        data: the package, as ``json.load`` returns it.
        source: names the input in problems (a file path, a URL).

    Raises:
        MalformedInput: CFDocument or CFItems is missing or malformed, or an item or a used
            association lacks a required field (every problem is listed).
    """
    problems: list[Problem] = []
    document = data.get("CFDocument")
    items = data.get("CFItems")
    associations = data.get("CFAssociations", [])
    document_identifier = _node(document)
    if not isinstance(document, Mapping) or document_identifier is None:
        problems.append(Problem(source, "CFDocument", "missing, not an object, or without an identifier"))
    elif not field_text(document, "title"):
        problems.append(Problem(source, "CFDocument", "missing title"))
    if not isinstance(items, list):
        problems.append(Problem(source, "CFItems", "missing or not an array"))
        items = []
    if not isinstance(associations, list):
        problems.append(Problem(source, "CFAssociations", "not an array"))
        associations = []
    first_at: dict[str, int] = {}
    for index, item in enumerate(items):
        if not isinstance(item, Mapping) or (identifier := _node(item)) is None:
            problems.append(Problem(source, f"CFItems[{index}]", "not an object with an identifier"))
            continue
        if not (field_text(item, "fullStatement") or field_text(item, "abbreviatedStatement")):
            problems.append(Problem(source, f"CFItems[{index}]", "no fullStatement"))
        if identifier in first_at:  # it was named by the concept id made of it: "case_i1_3795b54c appears 2 times"
            problems.append(
                Problem(
                    source, f"CFItems[{index}]", f"identifier {identifier!r} is CFItems[{first_at[identifier]}]'s too"
                )
            )
        first_at.setdefault(identifier, index)
    problems += _bad_change_times(source, document, items, associations)

    broader: dict[str, list[str]] = {}
    edges: list[Prerequisite] = []
    extra = Graph()
    ids = _Ids(document, items)
    in_package = {ids.of(i) for item in items if isinstance(item, Mapping) and (i := _node(item))}
    for index, association in enumerate(associations):
        where = f"CFAssociations[{index}]"
        kind = association.get("associationType") if isinstance(association, Mapping) else None
        if not isinstance(association, Mapping) or not isinstance(kind, str):
            problems.append(Problem(source, where, "not an object with an associationType"))
            continue
        if kind in _SKOS_MATCHES:
            _add_match(extra, association, _SKOS_MATCHES[kind], ids, in_package)
            continue
        if kind not in ("isChildOf", "precedes"):
            continue
        origin = ids.of_end(association.get("originNodeURI"))
        destination = ids.of_end(association.get("destinationNodeURI"))
        if origin is None or destination is None:
            problems.append(Problem(source, where, f"{kind} without origin and destination identifiers"))
            continue
        if kind == "isChildOf":
            parent = destination
            if document_identifier is None or parent != ids.of(document_identifier):
                parents = broader.setdefault(origin, [])
                if parent not in parents:
                    parents.append(parent)
            continue
        # origin precedes destination: the destination requires the origin.
        name = field_text(association, "identifier")
        edges.append(
            Prerequisite(
                concept=destination,
                prerequisite=origin,
                provenance=f"case:precedes:{name}" if name else "case:precedes",
            )
        )
    if problems or not isinstance(document, Mapping) or document_identifier is None:
        raise MalformedInput(problems)

    curriculum = Curriculum(
        id=ids.of(document_identifier),
        title=field_text(document, "title"),
        description=field_text(document, "description"),
    )
    concepts = tuple(
        _concept(item, ids.of(field_text(item, "identifier")), curriculum.id, broader)
        for item in items
        if isinstance(item, Mapping)
    )
    scheme = iri_of("curriculum", curriculum.id)
    _add_source(extra, scheme, document)
    for concept, item in zip(concepts, (i for i in items if isinstance(i, Mapping)), strict=True):
        _add_source(extra, iri_of("concept", concept.id), item)
    _add_records(extra, data, scheme, ids, in_package)
    # CASE has no place for a concept's other languages: a package says nothing of them (a
    # framework exported, edited in a CASE tool and imported with --replace lost them)
    unstated = frozenset({("concept", TRANSLATIONS)})
    return CurriculumBundle(
        (curriculum,),
        concepts,
        tuple(edges),
        extra=extra,
        unstated=unstated,
        whole_predicates=CASE_PREDICATES,
        own_languages=_own_languages(concepts, [i for i in items if isinstance(i, Mapping)]),
        warnings=tuple(_ill_formed_languages(items, source)),
    )


def _ill_formed_languages(items: list[object], source: str) -> list[str]:
    """A warning for each item whose ``language`` is no BCP 47 tag: its text is read with none.

    Such a tag was ignored without a word (``en_GB``: the label stored untagged, the value
    only in the item's kept record), where a malformed tag is refused everywhere Pathwise
    writes one. A third party's framework is still imported: the warning says what to fix.
    """
    warnings = []
    for index, item in enumerate(items):
        tag = field_text(item, "language") if isinstance(item, Mapping) else ""
        problem = language_problem(tag) if tag else None
        if problem is not None:
            warnings.append(f"{source}: CFItems[{index}]: {problem}; its text is read with no language")
    return warnings


def _own_languages(concepts: tuple[Concept, ...], items: list[Mapping[str, object]]) -> dict[tuple[str, str], str]:
    """The language each item states its text in, as its concept's own (``CurriculumBundle.own_languages``).

    ``ingest.case_export`` writes it from the concept's own label: read back without it,
    "Slope"@en came back untagged. A value that is no BCP 47 tag says nothing (it stays in the record).
    """
    own: dict[tuple[str, str], str] = {}
    for concept, item in zip(concepts, items, strict=True):
        tag = field_text(item, "language")
        if not tag or language_problem(tag) is not None:
            continue
        own[concept.id, "label"] = canonical_language(tag) or tag
        if concept.definition:
            own[concept.id, "definition"] = canonical_language(tag) or tag
    return own


_SKOS_MATCHES = {"exactMatchOf": SKOS.exactMatch, "isRelatedTo": SKOS.related}
CASE_PREDICATES = frozenset(
    {
        DCTERMS.identifier,
        SKOS.exactMatch,
        SKOS.related,
        DCTERMS.type,
        SKOS.notation,
        DCTERMS.creator,
        DCTERMS.publisher,
        CASE_RECORD,
        CASE_DEFINITIONS,
        CASE_ASSOCIATION,
    }
)
"""What a package gives of each item it holds, whether it has a value or not: a new version without one drops
the stored one (``CurriculumBundle.whole_predicates``)."""
"""CASE association types with a SKOS counterpart; ``exemplar``, ``isPartOf``... have none (records only)."""


def _add_source(extra: Graph, subject: URIRef, record: Mapping[str, object]) -> None:
    """What maps a concept or curriculum back to its CASE source: identifier, URI, type, code.

    The ids are ``case_<hex>``: without these an export could not be matched back to
    the framework it came from.
    """
    identifier = field_text(record, "identifier")
    if identifier:
        extra.add((subject, DCTERMS.identifier, Literal(identifier)))
    uri = field_text(record, "uri")
    if _ABSOLUTE.match(uri) and uri != str(subject):  # Pathwise's own IRI: the node itself
        extra.add((subject, SKOS.exactMatch, URIRef(uri)))
    for key, predicate in (("CFItemType", DCTERMS.type), ("humanCodingScheme", SKOS.notation)):
        value = field_text(record, key)
        if value:
            extra.add((subject, predicate, Literal(value)))
    for key, predicate in (("creator", DCTERMS.creator), ("publisher", DCTERMS.publisher)):
        value = field_text(record, key)
        if value:
            extra.add((subject, predicate, Literal(value)))


def _add_match(
    extra: Graph, association: Mapping[str, object], predicate: URIRef, ids: _Ids, in_package: set[str]
) -> None:
    """An ``exactMatchOf`` or ``isRelatedTo`` between items, as SKOS between concepts (or to the other's URI)."""
    origin, destination = association.get("originNodeURI"), association.get("destinationNodeURI")
    ends = []
    for end in (origin, destination):
        ident = ids.of_end(end)
        uri = field_text(end, "uri") if isinstance(end, Mapping) else ""
        if ident is not None and ident in in_package:
            ends.append(iri_of("concept", ident))
        elif _ABSOLUTE.match(uri):
            ends.append(URIRef(uri))
        else:
            return  # nothing to point at
    if ends[0] != ends[1]:
        extra.add((ends[0], predicate, ends[1]))


_ABSOLUTE = re.compile(r"https?://\S+\Z")


def _add_records(extra: Graph, data: Mapping[str, object], scheme: URIRef, ids: _Ids, in_package: set[str]) -> None:
    """Each item, the document, the definitions and each association, whole: what the model has no place for.

    An association lives on its origin concept, so deleting the concept drops it; one
    from outside the package lives on the curriculum. ``parse_case_package`` has checked
    the document and items.
    """
    document = data["CFDocument"]
    if not isinstance(document, Mapping):  # checked by parse_case_package before; kept for the type
        return
    link = {"title": field_text(document, "title"), "identifier": field_text(document, "identifier")}
    extra.add((scheme, CASE_RECORD, record_literal(conform(document, link))))
    definitions = data.get("CFDefinitions")
    if isinstance(definitions, Mapping):
        extra.add((scheme, CASE_DEFINITIONS, record_literal(definitions)))
    items, associations = data.get("CFItems"), data.get("CFAssociations")
    for item in items if isinstance(items, list) else ():
        if isinstance(item, Mapping) and (identifier := _node(item)) is not None:
            extra.add((iri_of("concept", ids.of(identifier)), CASE_RECORD, record_literal(conform(item, link))))
    for association in associations if isinstance(associations, list) else ():
        if not isinstance(association, Mapping) or None in (
            _node(association.get("originNodeURI")),
            _node(association.get("destinationNodeURI")),
        ):
            continue
        origin = ids.of_end(association.get("originNodeURI"))
        subject = iri_of("concept", origin) if origin in in_package else scheme
        extra.add((subject, CASE_ASSOCIATION, record_literal(conform(association, link))))


def record_literal(record: Mapping[str, object]) -> Literal:
    """A CASE object as one JSON literal: sorted keys, so the same object is the same triple."""
    return Literal(json.dumps(record, sort_keys=True, ensure_ascii=False))


def _bad_change_times(
    source: str, document: object, items: Sequence[object], associations: Sequence[object]
) -> list[Problem]:
    """A ``lastChangeDateTime`` that is no date and time, named by its path.

    "not a date" was imported and written out again as it was, in a package that then
    failed CASE 1.0's schema (``format: date-time``).
    """
    records = [("CFDocument", document)]
    records += [(f"CFItems[{i}]", item) for i, item in enumerate(items)]
    records += [(f"CFAssociations[{i}]", association) for i, association in enumerate(associations)]
    problems = []
    for where, record in records:
        stamp = record.get("lastChangeDateTime") if isinstance(record, Mapping) else None
        if stamp is not None and not _date_time(stamp):
            problems.append(
                Problem(
                    source,
                    f"{where}.lastChangeDateTime",
                    f"{json.dumps(stamp, ensure_ascii=False)} is no date and time (such as 2024-05-01T10:00:00+00:00)",
                )
            )
    return problems


def _date_time(stamp: object) -> bool:
    """Whether ``stamp`` is an ISO 8601 date and time (without an offset: UTC, as OpenSALT's older exports write)."""
    if not isinstance(stamp, str) or "T" not in stamp:
        return False
    try:
        datetime.fromisoformat(stamp)
    except ValueError:
        return False
    return True


_NAIVE_TIME = re.compile(r"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?\Z")
_DOCUMENT_LINKS = ("CFDocumentURI", "CFPackageURI")
_LISTS = ("subject", "educationLevel")


def conform(record: Mapping[str, object], document: Mapping[str, str]) -> dict[str, object]:
    """A CASE object as CASE 1.0 writes it, so the record can go out again as it is kept.

    OpenSALT's older exports write times without an offset (read as UTC), sequence numbers
    as strings, a single subject as a string and the document's LinkURI as a bare URI;
    ``document`` gives that LinkURI its title and identifier. Everything else is untouched.
    """
    out = dict(record)
    stamp = out.get("lastChangeDateTime")
    if isinstance(stamp, str) and _NAIVE_TIME.match(stamp):
        out["lastChangeDateTime"] = f"{stamp}+00:00"
    number = out.get("sequenceNumber")
    if isinstance(number, str) and number.strip().isdigit():
        out["sequenceNumber"] = int(number)
    for key in _LISTS:
        if isinstance(out.get(key), str):
            out[key] = [out[key]]
    for key in _DOCUMENT_LINKS:
        value = out.get(key)
        if isinstance(value, str) and _ABSOLUTE.match(value.strip()):
            out[key] = {**document, "uri": value.strip()}
        elif isinstance(value, str):
            del out[key]
    return out


def read_case(path: Path) -> CurriculumBundle:
    """Read a CASE package file (UTF-8 JSON) and transform it (see ``parse_case_package``).

    Raises:
        MalformedInput: the file is not UTF-8 JSON (with line and column), its top level is
            not an object, or ``parse_case_package`` finds problems.
    """
    source, raw = str(path), path.read_bytes()
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise MalformedInput([not_utf8(source, raw, exc)]) from None
    except json.JSONDecodeError as exc:
        raise MalformedInput([Problem(source, f"line {exc.lineno}, column {exc.colno}", exc.msg)]) from None
    if not isinstance(data, dict):
        raise MalformedInput([Problem(source, "line 1", f"expected a CFPackage object, got {type(data).__name__}")])
    return parse_case_package(data, source)
