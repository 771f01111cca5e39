"""The SPARQL text of one write (a delete then an insert in our named graph).

Both the Oxigraph store and a remote SPARQL server apply a write as this text, and an
Oxigraph rewrite replays its journal with it: one module keeps them writing the same.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rdflib import BNode

from graph.rdf_mapping import Triple
from graph.vocab import GRAPH_IRI

__all__ = ["nt_line", "update_text"]


def nt_line(triple: Triple) -> str:
    """A triple as one N-Triples line.

    Examples:
        >>> from rdflib import Literal, URIRef
        >>> nt_line((URIRef("urn:s"), URIRef("urn:p"), Literal("o")))
        '<urn:s> <urn:p> "o" .'
    """
    s, p, o = triple
    return f"{s.n3()} {p.n3()} {o.n3()} ."


def _pattern(triple: Triple) -> str:
    """A triple as a pattern, each blank node a variable named after it."""
    return " ".join(f"?b_{_BLANK_NAME.sub('_', str(x))}" if isinstance(x, BNode) else x.n3() for x in triple) + " ."


_BLANK_NAME = re.compile(r"[^A-Za-z0-9_]")


def update_text(deletes: Sequence[Triple], inserts: Sequence[Triple]) -> str:
    """One SPARQL update that deletes then inserts, inside our named graph.

    ``DELETE DATA`` takes no blank nodes (a concept replaced with a ``dcterms:creator
    [ ... ]`` failed with a syntax error), so triples holding one are deleted by a
    pattern with the blank nodes as variables. Such triples come from reading a subject
    and the blank nodes under it, so the pattern is anchored at that subject and matches
    the triples read.

    Examples:
        >>> from rdflib import Literal, URIRef
        >>> print(update_text([], [(URIRef("urn:s"), URIRef("urn:p"), Literal("o"))]))
        INSERT DATA { GRAPH <https://w3id.org/pathwise/graph> {
        <urn:s> <urn:p> "o" .
        } }
    """
    g = GRAPH_IRI.n3()
    parts = []
    plain = [t for t in deletes if not any(isinstance(x, BNode) for x in t)]
    blank = [t for t in deletes if any(isinstance(x, BNode) for x in t)]
    if plain:
        body = "\n".join(nt_line(t) for t in plain)
        parts.append(f"DELETE DATA {{ GRAPH {g} {{\n{body}\n}} }}")
    if blank:
        body = "\n".join(_pattern(t) for t in blank)
        parts.append(f"DELETE {{ GRAPH {g} {{\n{body}\n}} }} WHERE {{ GRAPH {g} {{\n{body}\n}} }}")
    if inserts:
        body = "\n".join(nt_line(t) for t in inserts)
        parts.append(f"INSERT DATA {{ GRAPH {g} {{\n{body}\n}} }}")
    return " ;\n".join(parts)
