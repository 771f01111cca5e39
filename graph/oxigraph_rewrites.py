"""Rewriting an Oxigraph store from its own contents, so an erasure's deleted bytes leave the disk.

RocksDB keeps deleted triples' strings in its files; forgetting a student has to
rewrite them away while the service goes on writing. That is a process of its own (a
request on disk, a checkpoint, a journal replayed in passes, a swap), kept here apart
from the store's reads and writes (``graph.oxigraph_store``), which mixes it in.
"""

from __future__ import annotations

import contextvars
import logging
import os
import shutil
import threading
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import pyoxigraph as ox

from graph.coalesced import CoalescedRuns
from graph.rdf_mapping import Triple
from graph.sparql_update import nt_line, update_text

__all__ = ["StoreRewrites"]

log = logging.getLogger("graph.store")  # the name operators filter on, as before the split


class StoreRewrites:
    """The rewrite half of ``OxigraphStore``: requests on disk, the copy, its catch-up and its swap."""

    CATCH_UP_UNDER_LOCK = 8  # journalled writes a rewrite may replay while writes wait
    CATCH_UP_PASSES = 5  # passes over the journal without the lock before replaying the rest under it
    STAGED_THRESHOLD: ClassVar[int]

    # what the store sets up (``OxigraphStore.__init__``)
    path: Path
    _store: ox.Store
    _graph_name: ox.NamedNode
    _writes: threading.Lock
    _journal: list[tuple[list[Triple], list[Triple]]] | None
    _rewrites: CoalescedRuns
    _closing: bool
    _superseded: dict[str, str | None]
    _restored: dict[str, str]

    if TYPE_CHECKING:

        @property
        def _staging(self) -> Path: ...

        def _recover(self) -> None: ...

        def _swap_in(self) -> None: ...

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

        # the caller's context (its request id) goes with it: the rewrite's log lines named no request
        worker = threading.Thread(target=contextvars.copy_context().run, args=(run,), name="store-rewrite")
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
                    # a rewrite whose checkpoint read this request began after ``previous`` was written too
                    self._restored[request] = previous

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
                if covered is not None and self._pending.exists() and self._covers(covered, self._pending.read_text()):
                    self._pending.unlink()  # no request came after the checkpoint
                self._restored.clear()
            log.info("%s: rewritten in %.1f s: deleted data has left its files", self.path, time.monotonic() - started)
        finally:
            with self._writes:
                self._journal = None
            shutil.rmtree(work, ignore_errors=True)

    def _covers(self, covered: str, marker: str) -> bool:
        """Whether a checkpoint taken under request ``covered`` came after ``marker``'s request was written.

        A retried forget that found nothing puts back the request it replaced; a rewrite
        whose checkpoint read the retry's request in between left the marker behind,
        and the next forget or start rewrote the whole store again for nothing.
        """
        while covered != marker and covered in self._restored:
            covered = self._restored[covered]
        return covered == marker

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
            target.update(update_text(deletes, []))
        if inserts:
            data = "\n".join(nt_line(t) for t in inserts).encode()
            if len(inserts) > self.STAGED_THRESHOLD:
                target.bulk_load(data, format=ox.RdfFormat.TURTLE, to_graph=self._graph_name)
            else:
                target.load(data, format=ox.RdfFormat.TURTLE, to_graph=self._graph_name)
