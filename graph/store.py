"""The triple store behind the knowledge graph, on one of three backends.

One setting picks the backend (``PATHWISE_STORE``):

- ``memory``: rdflib's in-memory store, for unit tests;
- ``oxigraph:<dir>``: embedded Oxigraph on disk through oxrdflib (the default);
- ``sparql:<query-url>[,<update-url>]``: any SPARQL 1.1 server, for many processes.

Whatever the backend, the data lives in one named graph (``GRAPH_IRI``) and every write
is one atomic operation: a SPARQL update, or an Oxigraph transactional load. The store
counts its round trips so tests can catch N+1 query patterns.

This module picks and opens a backend and holds the two small ones; the Oxigraph
store (``graph.oxigraph_store``), the protocol and row readers every backend shares
(``graph.triple_store``) and the SPARQL text of a write (``graph.sparql_update``) have
modules of their own, and are re-exported here, the import path the rest of the code uses.
"""

from __future__ import annotations

import http.client
import threading
import urllib.error
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLUpdateStore

from graph.errors import InvalidInput, StoreUnreachable
from graph.oxigraph_store import OxigraphStore
from graph.rdf_mapping import Triple
from graph.sparql_update import update_text
from graph.triple_store import Row, StreamInterrupted, TripleStore, plain_term, select_text, stream_text
from graph.vocab import GRAPH_IRI

__all__ = [
    "OxigraphStore",
    "Row",
    "StoreSpec",
    "StreamInterrupted",
    "TripleStore",
    "open_store",
    "parse_store_spec",
    "select_text",
    "stream_text",
]


@dataclass(frozen=True)
class StoreSpec:
    """A parsed ``PATHWISE_STORE`` value."""

    backend: str
    location: str = ""
    update_url: str = ""


def parse_store_spec(spec: str) -> StoreSpec:
    """Parse a store setting.

    Examples:
        >>> parse_store_spec("memory")
        StoreSpec(backend='memory', location='', update_url='')
        >>> parse_store_spec("oxigraph:/tmp/kg").location
        '/tmp/kg'
        >>> parse_store_spec("sparql:http://h/q,http://h/u").update_url
        'http://h/u'
    """
    backend, _, rest = spec.partition(":")
    if backend == "memory" and not rest:
        return StoreSpec("memory")
    if backend == "oxigraph" and rest:
        return StoreSpec("oxigraph", rest)
    if backend == "sparql" and rest:
        query, _, update = rest.partition(",")
        return StoreSpec("sparql", query, update or query)
    raise InvalidInput(
        f"store setting {spec!r} is not one of 'memory', 'oxigraph:<dir>', 'sparql:<query-url>[,<update-url>]'"
    )


class MemoryStore:
    """rdflib's in-memory store: fast to create, gone at exit; for tests."""

    name = "memory"

    def __init__(self) -> None:
        self.graph = Graph(identifier=GRAPH_IRI)
        self.round_trips = 0
        self._lock = threading.Lock()

    def select(self, query: str) -> list[Row]:
        """Run a SELECT with rdflib's engine."""
        self.round_trips += 1
        with self._lock:
            return [tuple(row) for row in self.graph.query(query)]  # type: ignore[arg-type]

    def subject_rows(self, subjects: Iterable[URIRef]) -> list[Row]:
        """``(s, p, o)`` of each subject, read from the graph's index without SPARQL.

        rdflib's parser took 37 s over the ``VALUES`` of 138k attempts that an import's
        duplicate check sends (``graph.queries.describe``): the dry run of that log took
        22 s, 8 s with this.
        """
        self.round_trips += 1
        with self._lock:
            return [(s, p, o) for s in subjects for p, o in self.graph.predicate_objects(s)]

    def apply(self, deletes: Sequence[Triple], inserts: Sequence[Triple]) -> None:
        """Apply under a lock; in memory nothing can fail half way."""
        self.round_trips += 1
        with self._lock:
            for t in deletes:
                self.graph.remove(t)
            self.graph.addN((s, p, o, self.graph) for s, p, o in inserts)

    def close(self) -> None:
        """Nothing to release."""


class SparqlStore:
    """A remote SPARQL 1.1 server through rdflib's ``SPARQLUpdateStore``.

    Every write is a single update request, which SPARQL servers apply atomically.
    """

    name = "sparql"

    def __init__(self, query_url: str, update_url: str) -> None:
        # queries as form posts: a GET put the demo's 744 KB query in the request line, past
        # what many HTTP servers take (64 KiB in Python's), and the start failed untyped
        self._remote = SPARQLUpdateStore(query_url, update_url, returnFormat="json", method="POST_FORM")
        self._query_url, self._update_url = query_url, update_url
        self.round_trips = 0

    def select(self, query: str) -> list[Row]:
        """Run a SELECT with our named graph as the default graph."""
        self.round_trips += 1
        with _answered(self._query_url, "read"):
            result = self._remote.query(query, initNs={}, initBindings={}, queryGraph=str(GRAPH_IRI))
            return [tuple(None if v is None else plain_term(v) for v in row) for row in result]  # type: ignore[union-attr]

    def apply(self, deletes: Sequence[Triple], inserts: Sequence[Triple]) -> None:
        """One update request holding the deletes and the inserts."""
        self.round_trips += 1
        with _answered(self._update_url, "written"):
            self._remote.update(update_text(deletes, inserts))

    def close(self) -> None:
        """Close the HTTP connector."""
        self._remote.close()


@contextmanager
def _answered(url: str, done: str) -> Iterator[None]:
    """Raise ``StoreUnreachable`` where the SPARQL server did not answer (down, refusing, a 5xx).

    A 4xx is the request's own (a query URL sent an update: HTTP 415) and stays as it is.
    """
    try:
        yield
    except urllib.error.HTTPError as error:
        if error.code < 500:
            raise
        raise StoreUnreachable(_unreachable(url, f"HTTP {error.code}", done)) from error
    except (urllib.error.URLError, ConnectionError, TimeoutError, http.client.HTTPException) as error:
        reason = getattr(error, "reason", None) or error
        raise StoreUnreachable(_unreachable(url, str(reason), done)) from error


def _unreachable(url: str, reason: str, done: str) -> str:
    return f"the SPARQL store at {url} did not answer ({reason}): nothing was {done}; try again shortly"


def open_store(spec: str | StoreSpec, *, rewrite_in_background: bool = False) -> TripleStore:
    """Open the backend a store setting names (``rewrite_in_background``: see ``OxigraphStore``).

    Examples:
        >>> open_store("memory").name
        'memory'
    """
    parsed = parse_store_spec(spec) if isinstance(spec, str) else spec
    if parsed.backend == "memory":
        return MemoryStore()
    if parsed.backend == "oxigraph":
        return OxigraphStore(parsed.location, rewrite_in_background=rewrite_in_background)
    return SparqlStore(parsed.location, parsed.update_url)


def chunks(items: Iterable[Triple], size: int) -> Iterable[list[Triple]]:
    """Split ``items`` into lists of at most ``size`` (for progress reporting)."""
    batch: list[Triple] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
