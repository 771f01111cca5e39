"""The knowledge graph's state and its one write path: ``GraphCore.commit``.

Every write of ``graph.repository.KnowledgeGraph`` (a concept, a material, a batch)
ends in ``commit``: one store transaction with a new revision, then the projection
and the in-process caches follow. The reads and writes built on it live in
``graph.repository_reads``, ``graph.repository_batches``, ``graph.repository_concepts``
and ``graph.repository_materials``.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Sequence

from rdflib import Literal

from graph import queries
from graph.projection import Projection
from graph.projection_load import load_projection
from graph.rdf_mapping import Triple
from graph.record_cache import RecordCache
from graph.triple_store import TripleStore
from graph.vocab import GRAPH_IRI, PW, SKOS

__all__ = ["GraphCore", "WriteListener"]

WriteListener = Callable[[Sequence[Triple], Sequence[Triple], int], None]
"""Called as ``listener(deletes, inserts, revision)`` after each committed write."""


_LABELS = frozenset({SKOS.prefLabel, SKOS.altLabel})
"""What concept search reads besides ids: a write touching one drops the search keys."""


class GraphCore:
    """A triple store with its projection, record cache and revision; the base of ``KnowledgeGraph``."""

    def __init__(self, store: TripleStore) -> None:
        self.store = store
        self.projection = Projection()
        self._cache = RecordCache()
        self.lock = threading.RLock()
        self.listeners: list[WriteListener] = []  # in-process caches kept in step with writes
        self._keys: dict[str, str] | None = None  # concept search keys, until a write changes a label
        self.labels_revision = 0  # advanced by every write that may change a label: caches of labels key on it
        self.rebuild_projection()

    # --- projection and revisions -------------------------------------------------------
    def rebuild_projection(self) -> None:
        """Build the projection from the store (at start, or when found stale)."""
        self.projection = load_projection(self.store)
        self._cache.evict(None)  # another writer may have changed any record
        self._keys = None
        self.labels_revision += 1

    def refresh_if_stale(self) -> bool:
        """Rebuild the projection when another process has written; say if it did."""
        with self.lock:
            if queries.revision(self.store) != self.projection.revision:
                self.rebuild_projection()
                return True
            return False

    @property
    def revision(self) -> int:
        """The revision the projection reflects."""
        return self.projection.revision

    def commit(self, deletes: Sequence[Triple], inserts: Sequence[Triple], project: Callable[[], None]) -> None:
        """Apply one write with a new revision, then mirror it in the projection.

        Under ``lock``: a model switch writes from a worker thread while the event loop
        writes too, and two writes must not both take the same next revision.
        """
        with self.lock:
            old, new = self.projection.revision, self.projection.revision + 1
            # The old revision goes in the same transaction, so the graph holds one revision literal.
            rev_old = [(GRAPH_IRI, PW.revision, Literal(old))] if old else []
            self.store.apply([*deletes, *rev_old], [*inserts, (GRAPH_IRI, PW.revision, Literal(new))])
            self._cache.evict([*deletes, *inserts])
            if any(p in _LABELS for _, p, _ in itertools.chain(deletes, inserts)):
                self._keys = None
                self.labels_revision += 1
            project()
            self.projection.revision = new
            for listener in self.listeners:
                listener(deletes, inserts, new)
