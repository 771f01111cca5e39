"""RDF documents in and out (Turtle, N-Triples, JSON-LD), through Oxigraph's parsers.

Oxigraph parses far faster than rdflib and says exactly where a document is broken
(line and column), which is what a designer needs to fix a file.
"""

from __future__ import annotations

import re

import pyoxigraph as ox
from oxrdflib._converter import from_ox, to_ox
from rdflib import Graph, Literal

from graph.vocab import DCTERMS, PW, SDO, SKOS, XSD
from ingest.errors import MalformedInput, Problem

__all__ = ["RDF_FORMATS", "parse_rdf", "serialize_rdf"]

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


def parse_rdf(data: str | bytes, fmt: str, source: str = "<input>") -> Graph:
    """Parse a whole document into an in-memory graph, or report where it is broken.

    Raises:
        MalformedInput: with the line and column of the first syntax error.
    """
    raw = data.encode() if isinstance(data, str) else data
    g = Graph()
    try:
        for quad in ox.parse(raw, format=_format(fmt), base_iri="https://w3id.org/pathwise/id/"):
            obj = from_ox(quad.object)
            if isinstance(obj, Literal) and obj.datatype == XSD.string:
                obj = Literal(str(obj))
            g.add((from_ox(quad.subject), from_ox(quad.predicate), obj))
    except SyntaxError as error:
        line = f"line {error.lineno}, column {error.offset}" if error.lineno else "-"
        message = _POSITION.sub("", error.msg, count=1)  # the position is in `line` already
        raise MalformedInput([Problem(source, line, message)]) from None
    return g


def serialize_rdf(g: Graph, fmt: str) -> bytes:
    """Serialize a graph; Turtle uses the project's prefixes, N-Triples is canonical."""
    triples = (ox.Triple(*(to_ox(t) for t in triple)) for triple in sorted(g))  # type: ignore[misc]
    prefixes = _PREFIXES if fmt == "turtle" else None
    return ox.serialize(triples, format=_format(fmt), prefixes=prefixes)  # type: ignore[arg-type]
