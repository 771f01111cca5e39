"""The triple store behind the knowledge graph, on one of three backends.

One setting picks the backend (``PATHWISE_STORE``):

- ``memory``: rdflib's in-memory store, for unit tests;
- ``oxigraph:<dir>``: embedded Oxigraph on disk through oxrdflib (the default);
- ``sparql:<query-url>[,<update-url>]``: any SPARQL 1.1 server, for many processes.

Whatever the backend, the data lives in one named graph (``GRAPH_IRI``) and every write
is one atomic operation: a SPARQL update, or an Oxigraph transactional load. The store
counts its round trips so tests can catch N+1 query patterns.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox
from oxrdflib._converter import from_ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLUpdateStore
from rdflib.term import Node

from graph.coalesced import CoalescedRuns
from graph.errors import InvalidInput, StoreInUse
from graph.rdf_mapping import Triple
from graph.shared_lock import SharedLock
from graph.vocab import GRAPH_IRI, XSD

__all__ = [
    "Row",
    "StoreSpec",
    "StreamInterrupted",
    "TripleStore",
    "open_store",
    "parse_store_spec",
    "select_text",
    "stream_text",
]

log = logging.getLogger(__name__)

Row = tuple[Node | None, ...]


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


def _plain(term: Node) -> Node:
    """Drop an explicit ``xsd:string`` datatype, as RDF 1.1 makes it the default.

    Backends disagree on whether they spell it out; rdflib compares literals by form.
    """
    if isinstance(term, Literal) and term.datatype == XSD.string:
        return Literal(str(term))
    return term


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
                literal = self._literals[key] = _plain(from_ox(term))  # type: ignore[arg-type]
            return literal
        return from_ox(term)  # type: ignore[arg-type,return-value]


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


def _nt(triple: Triple) -> str:
    s, p, o = triple
    return f"{s.n3()} {p.n3()} {o.n3()} ."


def _pattern(triple: Triple) -> str:
    """A triple as a pattern, each blank node a variable named after it."""
    return " ".join(f"?b_{_BLANK_NAME.sub('_', str(x))}" if isinstance(x, BNode) else x.n3() for x in triple) + " ."


_BLANK_NAME = re.compile(r"[^A-Za-z0-9_]")


def _update_text(deletes: Sequence[Triple], inserts: Sequence[Triple]) -> str:
    """One SPARQL update that deletes then inserts, inside our named graph.

    ``DELETE DATA`` takes no blank nodes (a concept replaced with a ``dcterms:creator
    [ ... ]`` failed with a syntax error), so triples holding one are deleted by a
    pattern with the blank nodes as variables. Such triples come from reading a subject
    and the blank nodes under it, so the pattern is anchored at that subject and matches
    the triples read.
    """
    g = GRAPH_IRI.n3()
    parts = []
    plain = [t for t in deletes if not any(isinstance(x, BNode) for x in t)]
    blank = [t for t in deletes if any(isinstance(x, BNode) for x in t)]
    if plain:
        body = "\n".join(_nt(t) for t in plain)
        parts.append(f"DELETE DATA {{ GRAPH {g} {{\n{body}\n}} }}")
    if blank:
        body = "\n".join(_pattern(t) for t in blank)
        parts.append(f"DELETE {{ GRAPH {g} {{\n{body}\n}} }} WHERE {{ GRAPH {g} {{\n{body}\n}} }}")
    if inserts:
        body = "\n".join(_nt(t) for t in inserts)
        parts.append(f"INSERT DATA {{ GRAPH {g} {{\n{body}\n}} }}")
    return " ;\n".join(parts)


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

    def apply(self, deletes: Sequence[Triple], inserts: Sequence[Triple]) -> None:
        """Apply under a lock; in memory nothing can fail half way."""
        self.round_trips += 1
        with self._lock:
            for t in deletes:
                self.graph.remove(t)
            self.graph.addN((s, p, o, self.graph) for s, p, o in inserts)

    def close(self) -> None:
        """Nothing to release."""


class OxigraphStore:
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
    CATCH_UP_UNDER_LOCK = 8  # journalled writes a rewrite may replay while writes wait
    CATCH_UP_PASSES = 5  # passes over the journal without the lock before replaying the rest under it

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
        self.writable = True  # False: reopened read-only after a failed write; the next write tries again
        self._closing = False  # set by close(): no rewrite starts after it
        self._superseded: dict[str, str | None] = {}  # a promised request -> the request it replaced
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

    def _finish_pending_rewrite(self) -> None:
        """Rewrite now; on failure say so loudly and serve anyway (the request stays for the next start or forget)."""
        log.warning("%s: an erasure's rewrite did not finish; deleted data is still in its files: rewriting", self.path)
        try:
            self._rewrites.run()
        except Exception:
            if self._closing:
                log.warning("%s: closed before the rewrite began; it is redone at the next start", self.path)
                return
            log.exception("%s: the rewrite failed again; it is retried at the next start or forget", self.path)

    @property
    def _pending(self) -> Path:
        return self.path.with_name(self.path.name + ".rewrite-pending")

    @property
    def _rebuild(self) -> Path:
        return self.path.with_name(self.path.name + ".rebuild")

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
        what happened until a write succeeds.
        """
        self.round_trips += 1
        with self._writes:
            if not self.writable:
                self._reopen()
            try:
                if len(inserts) > self.STAGED_THRESHOLD:
                    self._apply_staged(deletes, inserts)
                elif not deletes:
                    data = "\n".join(_nt(t) for t in inserts).encode()
                    self._store.load(data, format=ox.RdfFormat.TURTLE, to_graph=self._graph_name)
                else:
                    self._store.update(_update_text(deletes, inserts))
            except OSError as error:
                self.write_failure = str(error)
                log.error("%s: a write failed (%s): reopening the store", self.path, error)
                self._reopen()
                raise
            self.write_failure = None
            if self._journal is not None:  # a rewrite is copying the store: it replays this write
                self._journal.append((list(deletes), list(inserts)))

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
        data = "\n".join(_nt(t) for t in inserts).encode()
        self._recover()
        self._store.flush()
        self._store.backup(str(self._staging))
        staged = ox.Store(str(self._staging))
        if deletes:
            staged.update(_update_text(deletes, []))
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
            self._store.flush()
            self._store.backup(str(destination))

    def count(self) -> int:
        """How many triples the store holds."""
        with self._swap.shared():
            return len(self._store)

    def rewrite(self) -> None:
        """Rewrite the store from its own contents, so deleted data leaves the disk too.

        RocksDB keeps deleted triples' strings in its files (interned terms are never
        collected); erasing a person's data has to remove them. Returns once a rewrite
        that began after this call has finished; callers arriving together share one
        (``CoalescedRuns``). Writes go on while it copies (see ``_rewrite_once``).

        The request is on disk (``<dir>.rewrite-pending``) until a rewrite that began
        after it has been swapped in: a crash or an error before that leaves it, and
        opening the store then rewrites it first, so an erasure's bytes cannot stay
        behind for want of a rewrite.
        """
        self._request_rewrite()
        self._rewrites.run()

    def rewrite_within(self, seconds: float) -> bool:
        """``rewrite``, waiting at most ``seconds`` for it; whether it finished (it goes on otherwise).

        A forget answers before a proxy gives up on it (a rewrite of 3.9M triples took
        48-77 s): the request is on disk, so a rewrite that goes on after the answer is
        finished by the next start if the process dies first, and ``close`` waits for it.
        A failure within the wait is raised; one after it is logged.
        """
        failure: list[BaseException] = []
        answered = threading.Event()

        def run() -> None:
            try:
                self.rewrite()
            except Exception as error:
                failure.append(error)
                if answered.is_set():
                    log.exception("%s: a rewrite after an erasure failed; it is redone at the next start or forget",
                                  self.path)  # fmt: skip

        worker = threading.Thread(target=run, name="store-rewrite")
        worker.start()
        worker.join(seconds)
        answered.set()
        if failure:
            raise failure[0]
        if worker.is_alive():
            log.info("%s: the rewrite goes on after the answer (more than %.0f s)", self.path, seconds)
            return False
        return True

    def _request_rewrite(self, *, remember: bool = False) -> str:
        """Write a new request id into the pending marker (a rewrite removes it only if unchanged); return it.

        ``remember``: keep the request it replaced, which ``withdraw_rewrite`` puts back.
        """
        request = uuid.uuid4().hex
        with self._writes:  # read under this lock by the checkpoint
            if remember:
                self._superseded[request] = self._pending.read_text() if self._pending.exists() else None
            self._write_marker(request)
        return request

    def _write_marker(self, request: str) -> None:
        with open(self._pending, "w") as marker:
            marker.write(request)
            marker.flush()
            os.fsync(marker.fileno())

    def promise_rewrite(self) -> str:
        """Put a rewrite request on disk before deleting what it must erase; return its id.

        An erasure that commits its deletes and is killed before ``rewrite`` left the
        deleted bytes in the files with no request to finish them: the next start found
        nothing pending. ``withdraw_rewrite`` takes the promise back when nothing was deleted.
        """
        return self._request_rewrite(remember=True)

    def withdraw_rewrite(self, request: str) -> None:
        """Take back a promise (nothing was deleted) if no other request came since it.

        The request it replaced is put back: a forget that found nothing, or a retry,
        arriving while another erasure's rewrite was pending removed that erasure's request,
        and a crash before its rewrite then left the deleted bytes for good.
        """
        with self._writes:
            previous = self._superseded.pop(request, None)
            if self._pending.exists() and self._pending.read_text() == request:
                if previous is None:
                    self._pending.unlink()
                else:
                    self._write_marker(previous)

    @property
    def rewrite_running(self) -> bool:
        """Whether a rewrite is copying the store now."""
        return self._rewrites.running

    def wait_for_rewrite(self, seconds: float | None) -> bool:
        """Wait for the rewrite in progress (at most ``seconds``; None: until it ends); whether none runs now."""
        return self._rewrites.wait_idle(seconds)

    @property
    def rewrite_pending(self) -> bool:
        """Whether a requested rewrite has not been swapped in yet (running, or interrupted)."""
        return self._pending.exists()

    @property
    def rewrites(self) -> int:
        """How many rewrites this process has run."""
        return self._rewrites.runs

    def _rewrite_once(self) -> None:
        """Copy the store to a fresh one while writes go on, then catch up and swap.

        Under the writes lock, only for milliseconds: a checkpoint (hard links) and the
        start of a journal of the writes that follow. Without it: the checkpoint is
        dumped to a file and bulk-loaded into a fresh store (seconds per million
        triples), and the journal is replayed onto the copy in passes (``_catch_up``).
        Under the lock again: the last few journalled writes are replayed, and the copy
        is swapped in through the same marker as a staged write, so a crash leaves the
        old store or the new one. The old files are deleted.
        """
        if self._closing:  # the request stays on disk: the next open redoes it
            raise RuntimeError(f"{self.path}: the store is closing; its rewrite is left to the next start")
        started = time.monotonic()
        work = self._rebuild
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
        try:
            with self._writes:
                self._store.flush()
                self._store.backup(str(work / "checkpoint"))
                self._journal = []
                covered = self._pending.read_text() if self._pending.exists() else None
            fresh = self._copy_checkpoint(work)
            replayed = self._catch_up(fresh)
            with self._writes:
                journal, self._journal = self._journal, None
                for deletes, inserts in journal[replayed:]:
                    self._replay(fresh, deletes, inserts)
                fresh.flush()
                del fresh  # releases its RocksDB lock before the swap
                self._recover()
                (work / "store").rename(self._staging)
                self._swap_in()
                if covered is not None and self._pending.exists() and self._pending.read_text() == covered:
                    self._pending.unlink()  # no request came after the checkpoint
            log.info("%s: rewritten in %.1f s: deleted data has left its files", self.path, time.monotonic() - started)
        finally:
            with self._writes:
                self._journal = None
            shutil.rmtree(work, ignore_errors=True)

    def _copy_checkpoint(self, work: Path) -> ox.Store:
        """``work/checkpoint`` dumped to a file and bulk-loaded into a fresh ``work/store`` (memory stays flat)."""
        dump = work / "dump.nq"
        checkpoint = ox.Store.read_only(str(work / "checkpoint"))
        checkpoint.dump(output=str(dump), format=ox.RdfFormat.N_QUADS)
        del checkpoint
        fresh = ox.Store(str(work / "store"))
        if dump.stat().st_size:
            fresh.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
        dump.unlink()
        return fresh

    def _catch_up(self, fresh: ox.Store) -> int:
        """Replay the journal onto the copy without the writes lock until little is left; how much was replayed.

        Writes keep coming while the copy catches up, so each pass has less to do; the
        rest is replayed under the lock, and writes wait only for that.
        """
        replayed = 0
        for _ in range(self.CATCH_UP_PASSES):
            with self._writes:
                assert self._journal is not None
                pending = self._journal[replayed:]
            if len(pending) <= self.CATCH_UP_UNDER_LOCK:
                break
            for deletes, inserts in pending:
                self._replay(fresh, deletes, inserts)
            replayed += len(pending)
        return replayed

    def _replay(self, target: ox.Store, deletes: Sequence[Triple], inserts: Sequence[Triple]) -> None:
        """One journalled write onto a copy nobody reads yet (so a bulk load needs no staging)."""
        if deletes:
            target.update(_update_text(deletes, []))
        if inserts:
            data = "\n".join(_nt(t) for t in inserts).encode()
            if len(inserts) > self.STAGED_THRESHOLD:
                target.bulk_load(data, format=ox.RdfFormat.TURTLE, to_graph=self._graph_name)
            else:
                target.load(data, format=ox.RdfFormat.TURTLE, to_graph=self._graph_name)

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


class SparqlStore:
    """A remote SPARQL 1.1 server through rdflib's ``SPARQLUpdateStore``.

    Every write is a single update request, which SPARQL servers apply atomically.
    """

    name = "sparql"

    def __init__(self, query_url: str, update_url: str) -> None:
        # queries as form posts: a GET put the demo's 744 KB query in the request line, past
        # what many HTTP servers take (64 KiB in Python's), and the start failed untyped
        self._remote = SPARQLUpdateStore(query_url, update_url, returnFormat="json", method="POST_FORM")
        self.round_trips = 0

    def select(self, query: str) -> list[Row]:
        """Run a SELECT with our named graph as the default graph."""
        self.round_trips += 1
        result = self._remote.query(query, initNs={}, initBindings={}, queryGraph=str(GRAPH_IRI))
        return [tuple(None if v is None else _plain(v) for v in row) for row in result]  # type: ignore[union-attr]

    def apply(self, deletes: Sequence[Triple], inserts: Sequence[Triple]) -> None:
        """One update request holding the deletes and the inserts."""
        self.round_trips += 1
        self._remote.update(_update_text(deletes, inserts))

    def close(self) -> None:
        """Close the HTTP connector."""
        self._remote.close()


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
