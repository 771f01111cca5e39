"""Concept and material records as last read from the store, kept until a write touches them.

Apart from ``graph.repository`` because what a write evicts, and when a read may keep
what it found, is a small concurrency concern of its own (``tests/unit/graph/test_record_cache.py``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar, TypeVar

from graph.ids import id_of
from graph.model import Concept, Material
from graph.rdf_mapping import Triple

__all__ = ["RecordCache"]

T = TypeVar("T")


@dataclass
class RecordCache:
    """Concept and material records, each as last read from the store.

    Curriculum records are read far more often than written (every learning path lists
    its materials). A record is built from its subject's own triples only, so a write
    evicts the records of the subjects it touches: the attempts and estimates that make
    up most of a live service's writes touch none, and the cache outlives them. A
    projection rebuilt because another process wrote (the stale check of a shared
    store) empties it. Bounded: past ``LIMIT`` records a table starts over.
    """

    concepts: dict[str, Concept] = field(default_factory=dict)
    materials: dict[str, Material] = field(default_factory=dict)
    generation: int = 0  # moves with every eviction: a read that began before one keeps nothing
    lock: threading.Lock = field(default_factory=threading.Lock)  # readers in worker threads (QA)
    LIMIT: ClassVar[int] = 50_000
    WHOLESALE: ClassVar[int] = 10_000  # a write this large empties the cache instead of evicting

    def read(
        self,
        table: dict[str, T],
        ids: Sequence[str],
        exists: Callable[[str], bool],
        fetch: Callable[[list[str]], dict[str, T]],
    ) -> list[T | None]:
        """Records in the order of ``ids``: those cached, the rest that ``exists`` fetched in one call and kept."""
        generation, wanted = self.generation, list(dict.fromkeys(ids))
        # .get, not `in` then [ ]: a writer may evict in between
        found = {i: r for i in wanted if (r := table.get(i)) is not None}
        unread = [i for i in wanted if i not in found and exists(i)]
        if unread:
            fresh = fetch(unread)
            self.keep(table, fresh, generation)
            found.update(fresh)
        return [found.get(i) for i in ids]

    def keep(self, table: dict[str, T], found: dict[str, T], generation: int) -> None:
        """Remember records read at ``generation``, unless a write has evicted since."""
        with self.lock:
            if generation != self.generation:
                return
            if len(table) + len(found) > self.LIMIT:
                table.clear()
            table.update(found)

    def evict(self, written: Sequence[Triple] | None) -> None:
        """Forget the records whose subjects ``written`` touches (everything when ``None`` or large)."""
        touched = None if written is None or len(written) > self.WHOLESALE else {id_of(str(s)) for s, _, _ in written}
        with self.lock:
            self.generation += 1
            if touched is None:
                self.concepts.clear()
                self.materials.clear()
                return
            for ident in touched:
                self.concepts.pop(ident, None)
                self.materials.pop(ident, None)
