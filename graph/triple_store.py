"""What every backend offers and every reader of rows relies on: the ``TripleStore`` protocol.

Apart from ``graph.store`` (which picks and opens a backend) so the backends and the
readers can share the row type, the text readers and the term normalisation without
importing one another.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from rdflib import Literal
from rdflib.term import Node

from graph.rdf_mapping import Triple
from graph.vocab import XSD

__all__ = ["Row", "StreamInterrupted", "TripleStore", "plain_term", "select_text", "stream_text"]

Row = tuple[Node | None, ...]


def plain_term(term: Node) -> Node:
    """Drop an explicit ``xsd:string`` datatype, as RDF 1.1 makes it the default.

    Backends disagree on whether they spell it out; rdflib compares literals by form.

    Examples:
        >>> plain_term(Literal("x", datatype=XSD.string)) == Literal("x")
        True
    """
    if isinstance(term, Literal) and term.datatype == XSD.string:
        return Literal(str(term))
    return term


class TripleStore(Protocol):
    """What the repository needs from a backend: reads, one atomic write, a counter."""

    name: str
    round_trips: int

    def select(self, query: str) -> list[Row]:
        """Run a SPARQL SELECT over our named graph and return its rows."""
        ...

    def apply(self, deletes: Sequence[Triple], inserts: Sequence[Triple]) -> None:
        """Delete then insert, all or nothing."""
        ...

    def close(self) -> None:
        """Release files and connections."""
        ...


def select_text(store: TripleStore, query: str) -> list[tuple[str | None, ...]]:
    """Rows of a SELECT as text: the Oxigraph store's fast path, else ``select``'s terms as strings."""
    fast = getattr(store, "select_text", None)
    if fast is not None:
        rows: list[tuple[str | None, ...]] = fast(query)
        return rows
    return [tuple(None if v is None else str(v) for v in row) for row in store.select(query)]


class StreamInterrupted(RuntimeError):
    """A streamed read gave way to a swap of the store's files (``OxigraphStore.stream_text``): read again."""


def stream_text(store: TripleStore, query: str, *, give_way: bool = True) -> Iterator[tuple[str | None, ...]]:
    """``select_text``'s rows one at a time where the store can stream them (Oxigraph), else all at once.

    For a read of a whole table (``graph.attempt_table``): half a million rows of texts
    held at once stay in the process's memory after they are freed (the allocator keeps
    much of what small objects freed).
    With ``give_way``, an Oxigraph read raises ``StreamInterrupted`` when a swap of the
    store's files waits for it (a read of tens of seconds held every query behind it).
    """
    stream = getattr(store, "stream_text", None)
    if stream is not None:
        return stream(query, give_way=give_way)  # type: ignore[no-any-return]
    return iter(select_text(store, query))
