"""Forgetting students: their triples deleted, the model's state dropped, the store rewritten once.

Separate from recording because an erasure has rules of its own: one transaction per
student under the model's lock, the erasure log written after each commit (so a
restored backup forgets them again), a retry answered as the first call was, and one
store rewrite for a whole batch, so deleted strings leave an embedded store's files.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import replace
from datetime import UTC, datetime

from graph.erasures import ErasureLog
from graph.errors import InvalidInput, NotFound
from graph.forget import Forgotten, forget_student
from graph.repository import KnowledgeGraph
from graph.store import OxigraphStore
from ml.mastery.serving import MasteryService

__all__ = ["MAX_FORGET_BATCH", "forget", "forget_each"]

erasure_log = logging.getLogger("pathwise.erasure")  # counts only: a key, even a pseudonym, is not logged


MAX_FORGET_BATCH = 1000
"""The most students one ``forgetStudents`` may name (a school's leavers fit; larger sets in several calls)."""


def forget(
    kg: KnowledgeGraph,
    mastery: MasteryService | None,
    student: str,
    *,
    erasures: ErasureLog | None = None,
    rewrite_wait: float | None = None,
) -> Forgotten:
    """Remove every trace of a student: their triples (one transaction), then the model's state.

    The graph's caches follow through its write listeners. Question answering keeps
    nothing per student (``ml.qa``: the index holds materials only, questions are not
    logged), so there is nothing of theirs to purge there. Holding the model's lock
    keeps a concurrent ``record`` from replaying the student back in between. An
    embedded Oxigraph store is then rewritten, because its files keep deleted strings;
    this returns once a rewrite begun after the delete has finished, or after
    ``rewrite_wait`` seconds with the rewrite going on (``purged`` says which). Queries and writes
    go on meanwhile, and forgets arriving together share one rewrite
    (``OxigraphStore.rewrite``; the API runs this off the event loop). The erasure is
    logged in ``erasures`` once the delete committed, so a restored backup forgets the
    student again (``graph.erasures``, ``graph.backup``).

    Raises:
        NotFound: the graph holds nothing about ``student``.
    """
    outcome = forget_each(kg, mastery, [student], erasures=erasures, rewrite_wait=rewrite_wait)[0]
    if isinstance(outcome, NotFound):
        raise outcome
    return outcome


def forget_each(
    kg: KnowledgeGraph,
    mastery: MasteryService | None,
    students: Sequence[str],
    *,
    erasures: ErasureLog | None = None,
    rewrite_wait: float | None = None,
) -> list[Forgotten | NotFound]:
    """Forget each student in turn (one transaction each, as ``forget``), then rewrite the store once.

    A rewrite costs seconds per million triples whatever it erases, so a batch of
    erasure requests (a school leaving) pays for one, not one per student. Outcomes
    come in the order asked. A student with nothing stored whom ``erasures`` logs as
    forgotten (a retry after a lost answer, a student named twice) is ``Forgotten``
    with ``earlier`` set and that erasure's time, so retrying an erasure is safe; one
    never forgotten is ``NotFound``. Neither stops the others. A rewrite that fails (a full
    disk) is logged and answered ``purged=False``: the deletes committed and are logged, and
    its request stays on disk, so the same call again (or the next start or forget) retries it.

    Raises:
        InvalidInput: more than ``MAX_FORGET_BATCH`` students.
    """
    if len(students) > MAX_FORGET_BATCH:
        raise InvalidInput(
            f"at most {MAX_FORGET_BATCH} students can be forgotten in one call, got {len(students)}", field="ids"
        )
    outcomes: list[Forgotten | NotFound] = []
    store = kg.store
    # a retry whose first call's rewrite has not finished (the store says one is pending) waits for one too
    pending_before = isinstance(store, OxigraphStore) and store.rewrite_pending
    # on disk before the first delete: a crash after it commits still leaves the rewrite to the next start
    promised = store.promise_rewrite() if isinstance(store, OxigraphStore) else None
    for student in students:
        with mastery.lock if mastery is not None else nullcontext():
            try:
                deleted = forget_student(kg, student)
            except NotFound as missing:
                outcomes.append(missing)
                continue
            at = datetime.now(UTC)
            outcomes.append(replace(deleted, at=at))
            if erasures is not None:
                erasures.record([student], at)  # after the commit: an entry older than a backup means it lacks them
            if mastery is not None:
                mastery.note_forgotten(student)
                if mastery.version is not None:
                    mastery.predictor.forget(student)
    missing_keys = [o.ident for o in outcomes if isinstance(o, NotFound)]
    if erasures is not None and missing_keys:
        earlier = erasures.last_forgotten(missing_keys)
        outcomes = [
            Forgotten(o.ident, 0, 0, 0, 0, at=earlier[o.ident], earlier=True)
            if isinstance(o, NotFound) and o.ident in earlier
            else o
            for o in outcomes
        ]
    needed = any(isinstance(o, Forgotten) and not o.earlier for o in outcomes)
    retried = any(isinstance(o, Forgotten) and o.earlier for o in outcomes)
    deleted_now = [o for o in outcomes if isinstance(o, Forgotten) and not o.earlier]
    if deleted_now:
        erasure_log.info(
            "forgot %d student(s): %d attempts, %d estimates, %d triples deleted%s",
            len(deleted_now),
            sum(o.attempts for o in deleted_now),
            sum(o.estimates for o in deleted_now),
            sum(o.triples for o in deleted_now),
            "; rewriting the store so they leave its files" if isinstance(store, OxigraphStore) else "",
        )
    if not isinstance(store, OxigraphStore) or promised is None:
        return outcomes
    if not needed:
        store.withdraw_rewrite(promised)  # nothing was deleted: the request before it (if any) is back
    try:
        finished = _rewritten(store, rewrite_wait, needed=needed, retry=retried and pending_before)
    except Exception:  # the deletes committed and are logged: answered as done, not purged (it was a bare error)
        erasure_log.error(
            "the store rewrite after an erasure failed: the deleted data is still in its files until one succeeds; "
            "send the same forget again to retry (also retried at the next start or forget)",
            exc_info=True,
        )
        finished = False
    purged = finished and not store.rewrite_pending  # another forget's request may still wait for its own
    return [replace(o, purged=purged) if isinstance(o, Forgotten) else o for o in outcomes]


def _rewritten(store: OxigraphStore, wait: float | None, *, needed: bool, retry: bool) -> bool:
    """Rewrite the store if this call deleted something or retries an erasure whose rewrite is pending; whether done.

    Raises:
        Exception: what the rewrite raised (a full disk: ``OSError``); its request stays on disk.
    """
    if not needed and retry and store.rewrite_running:
        # the first call's rewrite is copying: wait for it, as the first call did; another would start over
        return store.wait_for_rewrite(wait)
    if needed or retry:  # an embedded store: make the deleted bytes leave its files
        if wait is None:
            store.rewrite()
            return True
        return store.rewrite_within(wait)
    return True
