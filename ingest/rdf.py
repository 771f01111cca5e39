"""RDF documents in and out (Turtle, N-Triples, JSON-LD), through Oxigraph's parsers.

Oxigraph parses far faster than rdflib and says exactly where a document is broken
(line and column), which is what a designer needs to fix a file.
"""

from __future__ import annotations

import json
import re

import pyoxigraph as ox
from oxrdflib._converter import from_ox, to_ox
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from graph.accessibility import canonical_language
from graph.vocab import DCTERMS, PW, SDO, SKOS, XSD
from ingest.errors import MalformedInput, Problem

__all__ = ["HTTP_SCHEMA", "RDF_FORMATS", "parse_rdf", "serialize_rdf"]

RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
}

_PREFIXES = {
    "skos": str(SKOS),
    "schema": str(SDO),
    "dcterms": str(DCTERMS),
    "pw": str(PW),
    "xsd": str(XSD),
    "concept": "https://w3id.org/pathwise/id/concept/",
    "material": "https://w3id.org/pathwise/id/material/",
    "curriculum": "https://w3id.org/pathwise/id/curriculum/",
    "edge": "https://w3id.org/pathwise/id/prerequisite/",
}


def _format(fmt: str) -> ox.RdfFormat:
    try:
        return RDF_FORMATS[fmt]
    except KeyError:
        raise MalformedInput([Problem(fmt, "-", f"unknown RDF format; use one of {sorted(RDF_FORMATS)}")]) from None


_POSITION = re.compile(r"^Parser error at line \d+ (?:between columns \d+ and \d+|column \d+): ")


HTTP_SCHEMA = "http://schema.org/"
"""schema.org's namespace as its own JSON-LD context expands terms (and older tools write them)."""


def _https(term: Node) -> Node:
    """``term`` with ``http://schema.org/`` read as ``https://schema.org/`` (an IRI, or a literal's datatype).

    Examples:
        >>> _https(URIRef("http://schema.org/LearningResource"))
        rdflib.term.URIRef('https://schema.org/LearningResource')
    """
    if isinstance(term, URIRef) and term.startswith(HTTP_SCHEMA):
        return _https_iri(term)
    if isinstance(term, Literal) and term.datatype is not None and term.datatype.startswith(HTTP_SCHEMA):
        return Literal(str(term), datatype=_https_iri(term.datatype))
    return term


def _https_iri(iri: URIRef) -> URIRef:
    """A ``http://schema.org/`` IRI as ``https://schema.org/``."""
    return URIRef(str(SDO) + iri.removeprefix(HTTP_SCHEMA))


def _from_ox(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
    """An Oxigraph term as an rdflib one.

    A triple term (RDF 1.2's ``<<( s p o )>>``, and the reified ``<< s p o >>`` that
    parses to one) comes back from ``from_ox`` as a tuple, which rdflib cannot hold:
    ``_TripleTerm`` lets ``parse_rdf`` refuse the file with its line.
    """
    node = from_ox(term)
    if not isinstance(node, Node):
        raise _TripleTerm
    return node


class _TripleTerm(Exception):
    """A triple term met while parsing (rdflib's graphs have no place for one)."""


TRIPLE_TERMS = (
    "RDF 1.2 triple terms (<< ... >>) are not supported: state the triple itself, "
    "or describe it with rdf:Statement (rdf:subject, rdf:predicate, rdf:object)"
)


NEWLINE = b"\n"


def _first_line_with(raw: bytes, marker: bytes) -> str:
    """``line N`` of the first line holding ``marker``, or ``-`` (JSON-LD spreads a term over lines)."""
    at = raw.find(marker)
    return "-" if at < 0 else f"line {raw.count(NEWLINE, 0, at) + 1}"


def parse_rdf(data: str | bytes, fmt: str, source: str = "<input>") -> Graph:
    """Parse a whole document into an in-memory graph, or report where it is broken.

    ``http://schema.org/`` IRIs are read as the ``https://schema.org/`` that Pathwise
    writes: schema.org declares both its own, its JSON-LD context expands terms to the
    first, and a material in it was kept as opaque triples (``materials: 0``).

    Raises:
        MalformedInput: with the line and column of the first syntax error; for JSON-LD
            that names a remote ``@context``, what to do instead (nothing is fetched);
            for an RDF 1.2 triple term, the line of the first one.
    """
    raw = data.encode() if isinstance(data, str) else data
    g = Graph()
    try:
        for quad in ox.parse(raw, format=_format(fmt), base_iri="https://w3id.org/pathwise/id/"):
            obj = _from_ox(quad.object)
            if isinstance(obj, Literal) and obj.datatype == XSD.string:
                obj = Literal(str(obj))
            g.add((_https(_from_ox(quad.subject)), _https(_from_ox(quad.predicate)), _https(obj)))
    except _TripleTerm:
        raise MalformedInput([Problem(source, _first_line_with(raw, b"<<"), TRIPLE_TERMS)]) from None
    except SyntaxError as error:
        if fmt == "jsonld" and "remote context" in error.msg:
            raise MalformedInput([Problem(source, "-", _remote_context(raw))]) from None
        line = f"line {error.lineno}, column {error.offset}" if error.lineno else "-"
        message = _POSITION.sub("", error.msg, count=1)  # the position is in `line` already
        raise MalformedInput([Problem(source, line, message)]) from None
    return g


def _remote_context(raw: bytes) -> str:
    """Why a JSON-LD document naming a remote ``@context`` is refused, and what to do.

    Oxigraph said "No LoadDocumentCallback has been set to load remote contexts": the
    service fetches nothing from the network while importing (a curriculum would read
    differently as a remote context changed, or fail when its host is down).
    """
    try:
        named = sorted(set(_context_urls(json.loads(raw))))
    except ValueError:
        named = []
    return (
        f"the document's @context names {', '.join(named) or 'a remote context'}, and Pathwise does not fetch "
        "remote contexts: expand the document first (a JSON-LD processor's expand) or put the context in it "
        '(an object under "@context")'
    )


def _context_urls(node: object) -> list[str]:
    """The remote contexts (strings) a JSON-LD document's ``@context`` values name, anywhere in it."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "@context":
                found += [c for c in (value if isinstance(value, list) else [value]) if isinstance(c, str)]
            found += _context_urls(value)
    elif isinstance(node, list):
        for item in node:
            found += _context_urls(item)
    return found


def serialize_rdf(g: Graph, fmt: str) -> bytes:
    """Serialize a graph; Turtle and JSON-LD use the project's prefixes, N-Triples is canonical."""
    triples = (_ox_triple(triple) for triple in sorted(g))
    prefixes = _PREFIXES if fmt == "turtle" else None
    out = ox.serialize(triples, format=_format(fmt), prefixes=prefixes)
    assert out is not None  # with no output file, serialize returns the document
    return _compacted(out) if fmt == "jsonld" else _tags_in_case(out)


def _ox_triple(triple: tuple[Node, Node, Node]) -> ox.Triple:
    """An rdflib triple as an Oxigraph one (``TypeError`` for what Oxigraph cannot hold, as ``ox.Triple`` says)."""
    s, p, o = (to_ox(t) for t in triple)
    if not (
        isinstance(s, ox.NamedNode | ox.BlankNode)
        and isinstance(p, ox.NamedNode)
        and isinstance(o, ox.NamedNode | ox.BlankNode | ox.Literal)
    ):
        raise TypeError(f"not an RDF triple: {triple}")
    return ox.Triple(s, p, o)


_TAGGED = re.compile(rb'"(?:[^"\\]|\\.)*"@([A-Za-z0-9]+(?:-[A-Za-z0-9]+)+)')
"""A one-line string literal and its language tag, as Oxigraph writes Turtle and N-Triples (tags with a subtag)."""


def _tags_in_case(document: bytes) -> bytes:
    """Every literal's language tag in its conventional case (``@es-MX``), in Turtle or N-Triples.

    Oxigraph writes tags lower case, as it keeps them (``@es-mx``, ``@zh-hant-tw``), which
    the export promised not to; only a tag with a subtag can differ.

    Examples:
        >>> _tags_in_case(b'<a> <b> "x \\\\"y\\\\"@fr-ca"@fr-ca , "v"@zh-hant-tw , "w"@en .')
        b'<a> <b> "x \\\\"y\\\\"@fr-ca"@fr-CA , "v"@zh-Hant-TW , "w"@en .'
    """

    def in_case(found: re.Match[bytes]) -> bytes:
        tag = found.group(1).decode()
        literal = found.group(0)[: found.start(1) - found.start(0)]
        return literal + (canonical_language(tag) or tag).encode()

    return _TAGGED.sub(in_case, document)


def _compacted(expanded: bytes) -> bytes:
    """Oxigraph's expanded JSON-LD under an ``@context`` of the project's prefixes, IRIs written short.

    The expanded form spelled every property and class in full
    (``"http://www.w3.org/2004/02/skos/core#prefLabel"``) with no ``@context``: valid, and
    unreadable to the designer opening it. Only the keys and values JSON-LD expands
    against the context are shortened (properties, ``@id``, ``@type``, a literal's
    datatype), so any JSON-LD processor reads back the same triples.

    Examples:
        >>> doc = b'[{"@id":"https://w3id.org/pathwise/id/concept/a","http://www.w3.org/2004/02/skos/core#prefLabel":[{"@value":"A"}]}]'
        >>> json.loads(_compacted(doc))["@graph"]
        [{'@id': 'concept:a', 'skos:prefLabel': [{'@value': 'A'}]}]
    """
    nodes = json.loads(expanded)
    return json.dumps({"@context": _PREFIXES, "@graph": [_short_node(n) for n in nodes]}, ensure_ascii=False).encode()


def _short(iri: str) -> str:
    """``iri`` as ``prefix:local`` where a prefix covers it and the result cannot be read as another IRI."""
    for prefix, namespace in sorted(_PREFIXES.items(), key=lambda p: -len(p[1])):
        local = iri.removeprefix(namespace)
        # "//..." after a colon reads as an IRI of scheme "prefix"; "@..." as a keyword
        if local != iri and local and not local.startswith(("//", "@")):
            return f"{prefix}:{local}"
    return iri


def _short_node(node: object) -> object:
    if isinstance(node, list):
        return [_short_node(n) for n in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, object] = {}
    for key, value in node.items():
        if key in ("@id", "@type") and isinstance(value, str) and not value.startswith("_:"):
            out[key] = _short(value)
        elif key == "@type" and isinstance(value, list):
            out[key] = [_short(v) if isinstance(v, str) else v for v in value]
        elif key == "@language" and isinstance(value, str):
            out[key] = canonical_language(value) or value  # Oxigraph writes it lower case
        elif key.startswith("@"):
            out[key] = value
        else:
            out[_short(key)] = _short_node(value)
    return out
