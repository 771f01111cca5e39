"""The question-answering service as the server holds it: one index, kept in step, and ``ask``.

At start the saved index is loaded (embedded by the served retriever: the newest
fine-tuned version under ``models/retriever``, else the bundled encoder) and reconciled
with the graph's materials in a background thread, so the service starts at once; until
that first sync is done, ``ask`` answers from what was loaded. Material writes arrive
through ``materials_changed``; those made during the first sync are applied right after it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection, Sequence
from pathlib import Path

from graph.errors import Unavailable
from graph.model import Material
from ml.mastery.versions import ModelVersions
from ml.qa.answer import Answer, AnswerOptions, CurriculumLookup, Generator, answer_question
from ml.qa.dense import SentenceEncoder
from ml.qa.index import Progress, QaIndex, SyncReport, index_folder

__all__ = ["QaService", "open_retriever", "retriever_versions"]

log = logging.getLogger("pathwise.qa")
Fetch = Callable[[Sequence[str]], list[Material | None]]


def retriever_versions(data_dir: Path) -> ModelVersions:
    """Fine-tuned retrievers: ``<data dir>/models/retriever/<version>``, newest (or pinned) served."""
    return ModelVersions(data_dir / "models" / "retriever")


def open_retriever(data_dir: Path) -> SentenceEncoder:
    """The served retriever: the current fine-tuned version, else the bundled encoder."""
    versions = retriever_versions(data_dir)
    current = versions.current()
    if current is None:
        return SentenceEncoder()
    return SentenceEncoder(versions.path(current), name=current)


class QaService:
    """An index of the materials, answering questions for students."""

    def __init__(
        self, index: QaIndex, *, options: AnswerOptions | None = None, generator: Generator | None = None
    ) -> None:
        self.index = index
        self.options = options or AnswerOptions()
        self.generator = generator
        self.ready = threading.Event()
        self._pending: set[str] = set()
        self._pending_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._on_close: list[Callable[[], None]] = []
        self.error: BaseException | None = None
        self.building: tuple[int, int] | None = None  # passages (embedded, of) while a sync fills an empty index

    @classmethod
    def open(
        cls,
        data_dir: Path,
        *,
        persist: bool = True,
        threads: int = 1,
        options: AnswerOptions | None = None,
        generator: Generator | None = None,
    ) -> QaService:
        """The service over ``<data dir>/index`` (memory only when ``persist`` is off)."""
        import torch

        torch.set_num_threads(threads)
        encoder = open_retriever(data_dir)
        folder = index_folder(data_dir)
        index = QaIndex.load(folder, encoder) if persist else QaIndex(encoder)
        log.info("qa index: %d chunks loaded (retriever %s)", len(index), encoder.name)
        return cls(index, options=options, generator=generator)

    # --- questions ---------------------------------------------------------------------------------
    def ask(
        self,
        question: str,
        lookup: CurriculumLookup,
        student: str | None = None,
        keys_shown: Collection[str] | None = None,
    ) -> Answer:
        """Answer ``question`` from the materials (see ``ml.qa.answer.answer_question``).

        Raises:
            Unavailable: the index is being built from nothing (a first start, a rebuilt
                index): it answered "I don't know" from the few materials embedded yet,
                after seconds, with no word of why.
        """
        building = self.building
        if building is not None and not self.ready.is_set():
            done, total = building
            so_far = f" ({done:,} of {total:,} passages embedded)" if total else ""
            raise Unavailable(f"the question index is being built{so_far}: ask again shortly")
        return answer_question(
            self.index,
            question,
            lookup,
            student=student,
            options=self.options,
            generator=self.generator,
            keys_shown=keys_shown,
        )

    @property
    def version(self) -> str:
        """The retriever whose embeddings are served."""
        return self.index.encoder.name

    # --- keeping in step ------------------------------------------------------------------------------
    def sync(self, materials: Sequence[Material], *, progress: Progress | None = None) -> SyncReport:
        """Make the index hold exactly ``materials`` (blocking)."""
        with self._write_lock:
            report = self.index.sync(materials, progress=progress)
        self.ready.set()
        return report

    def materials_changed(self, ids: Sequence[str], fetch: Fetch) -> None:
        """Re-index these materials as they are now (``fetch`` gives None for a deleted one)."""
        with self._pending_lock:
            if not self.ready.is_set():
                self._pending.update(ids)
                return
        self._apply(ids, fetch)

    def _apply(self, ids: Sequence[str], fetch: Fetch) -> None:
        with self._write_lock:
            found = fetch(list(ids))
            self.index.remove([i for i, m in zip(ids, found, strict=True) if m is None])
            self.index.upsert([m for m in found if m is not None])

    def start_sync(self, load: Callable[[], list[Material]], fetch: Fetch) -> threading.Thread:
        """Sync with ``load()`` in the background, then apply the changes that came meanwhile."""

        def run() -> None:
            try:
                with self._write_lock:
                    materials = load()
                    if len(self.index) == 0 and materials:
                        self.building = (0, 0)
                    report = self.index.sync(materials, progress=self._progress)
                    self.building = None
                log.info("qa index in step: %s", report)
                while not self._stop.is_set():
                    with self._pending_lock:
                        pending, self._pending = sorted(self._pending), set()
                        if not pending:
                            self.ready.set()
                            return
                    self._apply(pending, fetch)
            except _Stopped:
                log.info("qa index sync stopped")
            except Exception as error:  # a failed build must not kill the server
                self.error = error
                log.exception("qa index sync failed; answers come from the index as loaded")
                self.ready.set()

        self._thread = threading.Thread(target=run, name="qa-index-sync", daemon=True)
        self._thread.start()
        return self._thread

    def _progress(self, stage: str, done: int, total: int) -> None:
        if self._stop.is_set():
            raise _Stopped
        if self.building is not None and stage == "embed":
            self.building = (done, total)
        log.debug("qa index %s: %d/%d", stage, done, total)

    def close(self, timeout: float = 30.0) -> None:
        """Stop a background sync (at the next batch) and wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        for hook in self._on_close:
            hook()

    def on_close(self, hook: Callable[[], None]) -> None:
        """Run ``hook`` when the service closes (detaching it from the graph's listeners)."""
        self._on_close.append(hook)


class _Stopped(Exception):
    """Raised inside a background sync when the service closes."""
