"""Embedded Oxigraph on disk: reads, atomic writes (staged for large batches), backups.

Apart from ``graph.store`` because the RocksDB files need their own care: a staged
copy swapped in through a marker so a crash leaves the old store or the new one, a
reopen after a failed write, and a rewrite after an erasure (``graph.oxigraph_rewrites``).
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pyoxigraph as ox
from oxrdflib._converter import from_ox
from rdflib import URIRef
from rdflib.term import Node

from graph.coalesced import CoalescedRuns
from graph.errors import InvalidInput, StoreInUse, StoreUnwritable
from graph.oxigraph_rewrites import StoreRewrites
from graph.rdf_mapping import Triple
from graph.shared_lock import SharedLock
from graph.sparql_update import nt_line, update_text
from graph.triple_store import Row, StreamInterrupted, plain_term
from graph.vocab import GRAPH_IRI

__all__ = ["OxigraphStore"]

log = logging.getLogger("graph.store")  # the name operators filter on, as before the split

_UNWRITABLE = "the store could not be written ({}): nothing of this was saved; free space on its disk and send it again"


class _TermCache:
    """pyoxigraph terms as rdflib terms, each distinct term converted once per result.

    Rows repeat most of their terms (a student, a concept, a score), and rdflib's
    constructors validate and parse anew each time: a third of a large read. An IRI
    from Oxigraph is valid already, so it skips rdflib's check.
    """

    def __init__(self) -> None:
        self._iris: dict[str, URIRef] = {}
        self._literals: dict[tuple[str, str, str | None], Node] = {}

    def convert(self, term: object) -> Node:
        if isinstance(term, ox.NamedNode):
            value = term.value
            iri = self._iris.get(value)
            if iri is None:
                iri = self._iris[value] = str.__new__(URIRef, value)
            return iri
        if isinstance(term, ox.Literal):
            key = (term.value, term.datatype.value, term.language)
            literal = self._literals.get(key)
            if literal is None:
                literal = self._literals[key] = plain_term(from_ox(term))  # type: ignore[arg-type]
            return literal
        return from_ox(term)  # type: ignore[arg-type,return-value]


class OxigraphStore(StoreRewrites):
    """Embedded Oxigraph (RocksDB on disk): transactional, crash safe.

    Reads go straight to pyoxigraph (the rdflib wrapper adds nothing for SELECT).
    Small writes are one ``update`` or one transactional ``load``. Large batches take a
    staged copy instead, because a transactional load holds everything in memory and
    runs 3-4x slower than a bulk load, which is not atomic: the store is checkpointed
    into ``<dir>.staging`` (hard links, milliseconds), the batch is bulk-loaded there,
    a ``<dir>.commit`` marker is written, and the directories are swapped. Opening the
    store finishes a swap whose marker exists and discards a staging copy without one,
    so a crash at any point leaves either the old store or the new one, never a mix.
    A rewrite (``rewrite``, after an erasure) builds its copy in ``<dir>.rebuild``,
    which opening the store discards.

    ``rewrite_in_background``: a rewrite a stop interrupted is redone at the next open;
    the server opens with this set, so the port opens while it runs (a minute on a store
    of millions of triples, with nothing answering when it ran first). One-shot commands
    redo it before they start.
    """

    name = "oxigraph"
    STAGED_THRESHOLD = 100_000  # triples; above this a write goes through a staged copy

    def __init__(self, directory: str | Path, *, rewrite_in_background: bool = False) -> None:
        self.path = Path(directory)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._recover()
            shutil.rmtree(self._rebuild, ignore_errors=True)  # a rewrite the process did not finish
            self._store = ox.Store(str(self.path))
        except OSError as error:
            if "lock" in str(error).lower():
                raise StoreInUse(str(self.path)) from None
            raise
        self._graph_name = ox.NamedNode(str(GRAPH_IRI))
        self.round_trips = 0
        self._swap = SharedLock()  # queries share it; swapping the directory takes it alone
        self._writes = threading.Lock()  # a write landing during a staged write would be lost
        self._journal: list[tuple[list[Triple], list[Triple]]] | None = None  # writes during a rewrite
        self._rewrites = CoalescedRuns(self._rewrite_once)
        self.write_failure: str | None = None  # the last write's I/O error, until a write succeeds
        self.write_failures = 0  # writes refused as StoreUnwritable since the store was opened (for /metrics)
        self._next_retry = 0.0  # monotonic time before which ``retry_writable`` does not reopen again
        self.writable = True  # False: reopened read-only after a failed write; the next write tries again
        self._closing = False  # set by close(): no rewrite starts after it
        self._superseded: dict[str, str | None] = {}  # a promised request -> the request it replaced
        self._restored: dict[str, str] = {}  # a withdrawn promise -> the request put back in its place
        if self._pending.exists():  # an erasure's rewrite a crash (or an error) interrupted
            if rewrite_in_background:  # not a daemon: an exit waits for it (close() does) rather than cut it
                threading.Thread(target=self._finish_pending_rewrite, name="store-rewrite").start()
            else:
                self._finish_pending_rewrite()

    @property
    def _staging(self) -> Path:
        return self.path.with_name(self.path.name + ".staging")

    @property
    def _marker(self) -> Path:
        return self.path.with_name(self.path.name + ".commit")

    @property
    def _old(self) -> Path:
        return self.path.with_name(self.path.name + ".old")

    def _recover(self) -> None:
        """Finish a committed swap, or discard an uncommitted staging copy."""
        if self._marker.exists() and self._staging.exists():
            if self.path.exists():
                self.path.rename(self._old)
            self._staging.rename(self.path)
        self._marker.unlink(missing_ok=True)
        for leftover in (self._staging, self._old):
            if leftover.exists():
                shutil.rmtree(leftover)

    def select(self, query: str) -> list[Row]:
        """Run a SELECT against the named graph as the default graph."""
        self.round_trips += 1
        with self._swap.shared():
            result = self._store.query(query, default_graph=self._graph_name)
            if not isinstance(result, ox.QuerySolutions):
                raise InvalidInput("select() takes a SELECT query")
            terms = _TermCache()
            return [tuple(None if v is None else terms.convert(v) for v in solution) for solution in result]

    def select_text(self, query: str) -> list[tuple[str | None, ...]]:
        """``select`` with each value as its text (an IRI, a literal's lexical form), for bulk reads.

        Building rdflib terms was nine tenths of reading a student's history (a replay of
        480 attempts: 32 ms of 40), and the readers only wanted the text.
        """
        self.round_trips += 1
        with self._swap.shared():
            result = self._store.query(query, default_graph=self._graph_name)
            if not isinstance(result, ox.QuerySolutions):
                raise InvalidInput("select() takes a SELECT query")
            return [tuple(None if v is None else v.value for v in solution) for solution in result]

    def stream_text(self, query: str, *, give_way: bool = True) -> Iterator[tuple[str | None, ...]]:
        """``select_text``'s rows as they come: one snapshot, read while the caller iterates.

        The store stays open until the rows are read or the iterator is closed, so a
        swap (a rewrite after a forget, a staged write) waits, and every query behind
        it: with ``give_way`` the read stops instead (``StreamInterrupted``) as soon as a
        swap waits, and the caller reads again after it.
        """
        self.round_trips += 1
        with self._swap.shared():
            result = self._store.query(query, default_graph=self._graph_name)
            if not isinstance(result, ox.QuerySolutions):
                raise InvalidInput("stream_text() takes a SELECT query")
            for n, solution in enumerate(result):
                if give_way and not n % 1024 and self._swap.swap_waiting:
                    raise StreamInterrupted("a swap of the store's files waits: read again")
                yield tuple(None if v is None else v.value for v in solution)

    def apply(self, deletes: Sequence[Triple], inserts: Sequence[Triple]) -> None:
        """One atomic write: an update, a transactional load, or a staged bulk load.

        An I/O error (a full disk) leaves RocksDB refusing every later write until it is
        reopened, even once space is free: the store is reopened at once (read-only if
        that fails, and writable again at the next write), and ``write_failure`` says
        what happened until a write succeeds; ``write_failures`` counts every refused write.
        """
        self.round_trips += 1
        with self._writes:
            if not self.writable:
                self._reopen()
                if not self.writable:  # still read-only: this write is refused, as the one that failed was
                    self.write_failures += 1
                    raise StoreUnwritable(_UNWRITABLE.format(self.write_failure or "it opens read-only only"))
            try:
                if len(inserts) > self.STAGED_THRESHOLD:
                    self._apply_staged(deletes, inserts)
                elif not deletes:
                    data = "\n".join(nt_line(t) for t in inserts).encode()
                    self._store.load(data, format=ox.RdfFormat.TURTLE, to_graph=self._graph_name)
                else:
                    self._store.update(update_text(deletes, inserts))
            except OSError as error:
                self.write_failure = str(error)
                self.write_failures += 1
                log.error("%s: a write failed (%s): reopening the store", self.path, error)
                self._reopen()
                raise StoreUnwritable(_UNWRITABLE.format(error)) from error
            except RuntimeError as error:  # "Flush is only possible on read-write instances": read-only
                self.write_failure = str(error)
                self.write_failures += 1
                raise StoreUnwritable(_UNWRITABLE.format(error)) from error
            self.write_failure = None
            if self._journal is not None:  # a rewrite is copying the store: it replays this write
                self._journal.append((list(deletes), list(inserts)))

    RETRY_SECONDS = 10.0

    def retry_writable(self) -> bool:
        """Reopen a store served read-only for writing, if no write holds it now; whether it is writable.

        ``/healthz`` asks: after space was freed it stayed 503 until some client happened to write.
        At most once every ``RETRY_SECONDS``: a probe every few seconds reopened RocksDB and
        logged its failure each time while the disk stayed full.
        """
        if self.writable:
            return True
        now = time.monotonic()
        if now >= self._next_retry and self._writes.acquire(blocking=False):
            self._next_retry = now + self.RETRY_SECONDS
            try:
                self._reopen()
            finally:
                self._writes.release()
        return self.writable

    def _reopen(self) -> None:
        """Open the store afresh (the caller holds ``_writes``); read-only when it cannot be opened for writing."""
        with self._swap.exclusive():  # no query is reading the store while it is closed and reopened
            del self._store
            try:
                self._store = ox.Store(str(self.path))
                self.writable = True
            except OSError as error:
                log.error("%s: cannot reopen the store for writing (%s): serving it read-only", self.path, error)
                self._store = ox.Store.read_only(str(self.path))
                self.writable = False

    def _apply_staged(self, deletes: Sequence[Triple], inserts: Sequence[Triple]) -> None:
        data = "\n".join(nt_line(t) for t in inserts).encode()
        self._recover()
        self._store.flush()
        self._store.backup(str(self._staging))
        staged = ox.Store(str(self._staging))
        if deletes:
            staged.update(update_text(deletes, []))
        staged.bulk_load(data, format=ox.RdfFormat.TURTLE, to_graph=self._graph_name)
        staged.flush()
        del staged  # releases its RocksDB lock before the swap
        self._swap_in()

    def backup(self, destination: Path) -> None:
        """A consistent copy of the store in ``destination`` (which must not exist), while serving.

        A RocksDB checkpoint: hard links to the immutable files where ``destination`` is
        on the same file system, copies elsewhere. Writes wait only for the flush and the
        links (milliseconds); queries do not wait.
        """
        if destination.exists():
            raise InvalidInput(f"{destination} exists already: a backup goes into a new folder")
        destination.parent.mkdir(parents=True, exist_ok=True)
        with self._writes:
            try:
                self._store.flush()
                self._store.backup(str(destination))
            except RuntimeError as error:  # read-only after a failed write: "Flush is only possible on ..."
                raise StoreUnwritable(_UNWRITABLE.format(error)) from error

    def count(self) -> int:
        """How many triples the store holds."""
        with self._swap.shared():
            return len(self._store)

    def _swap_in(self) -> None:
        """Make the (closed) staging copy the store: write the marker (the commit point), swap, reopen."""
        with open(self._marker, "wb") as marker:
            os.fsync(marker.fileno())
        with self._swap.exclusive():  # no query is reading the store while it is closed and reopened
            del self._store
            self._recover()
            self._store = ox.Store(str(self.path))

    def close(self) -> None:
        """Flush and release the RocksDB files, once a rewrite in progress has finished.

        A rewrite runs in a thread the process waits for at exit anyway (an erasure
        cancelled by a stop, or the one redone at start); closing under it left the swap
        to fail half way and the whole rewrite to be redone at the next start.
        """
        self._closing = True
        if self._rewrites.running:
            log.info("%s: waiting for the store's rewrite (an erasure) to finish before closing", self.path)
        self._rewrites.wait_idle()
        with self._writes:
            self._store.flush()
            del self._store
