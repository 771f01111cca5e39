"""Switching the served mastery model, and re-estimating what another version estimated.

Why a module of its own: a switch is a long job (every stored attempt replayed, every
stored estimate rewritten: minutes on a district's store) with phases an admin follows
(``ml.mastery.switch_progress``), run either inside a request (``useMasteryModel``) or
in the background (``startMasteryModelSwitch``), and ended early by a stop.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime

from graph.attempts import attempts_of, list_students
from graph.errors import InvalidInput, NotFound, Unavailable
from graph.mastery import stale_students
from graph.repository import KnowledgeGraph
from ml.mastery.predict import OnlineMastery
from ml.mastery.serving import MasteryService, UnreadableModel
from ml.mastery.switch_progress import SwitchPhase, SwitchProgress, SwitchStopped
from resolvers.students import history_loader, place_new, reload_histories, rewrite_estimates

__all__ = ["refresh_stale_estimates", "start_switch", "switch_model"]

log = logging.getLogger("pathwise.mastery")

SWITCH_CHUNK = 100  # students read and replayed together when switching models
REWRITE_CHUNK = 25  # students whose estimates a switch rewrites in one transaction (under the model's lock)
CATCH_UP_ROUNDS = 2  # rounds replaying the students a switch's journal names, before the locked catch-up

_STARTING = threading.Lock()  # a check for a running switch and the start of another are one step


def switch_model(kg: KnowledgeGraph, mastery: MasteryService, version: str) -> int:
    """Serve another model version and re-estimate every stored estimate with it; how many were rewritten.

    Runs in the caller's thread (the API runs it off the event loop). ``start_switch``
    runs the same in the background.

    Raises:
        NotFound: no such version.
        InvalidInput: its files do not load.
        Unavailable: another switch is running.
    """
    progress, candidate, students = _prepare(kg, mastery, version)
    return _run(kg, mastery, candidate, progress, students)


def start_switch(kg: KnowledgeGraph, mastery: MasteryService, version: str) -> SwitchProgress:
    """Load ``version`` now (its errors are the caller's), then switch to it in a thread; its progress.

    Raises:
        NotFound: no such version.
        InvalidInput: its files do not load.
        Unavailable: another switch is running.
    """
    progress, candidate, students = _prepare(kg, mastery, version)
    if candidate is None and mastery.version is not None and not stale_students(kg.store, mastery.version):
        _run(kg, mastery, None, progress)  # the version served, nothing to re-estimate: DONE in the answer itself
        return progress

    def run() -> None:
        try:
            _run(kg, mastery, candidate, progress, students)
        except SwitchStopped:
            pass  # a stop, logged by _run as a warning: not an error an alert should fire on
        except Exception:  # recorded in the progress by _run; the service goes on with the model it serves
            log.exception("the switch to mastery model %s failed", version)

    # a daemon: a stop asks it to end (MasteryService.stop_switch) and waits a while, then exits regardless
    threading.Thread(target=run, name=f"model-switch-{version}", daemon=True).start()
    return progress


def _prepare(
    kg: KnowledgeGraph, mastery: MasteryService, version: str
) -> tuple[SwitchProgress, OnlineMastery | None, list[str]]:
    """A switch's progress, the version loaded, and the students to replay (counted before any answer).

    A version that is not there is refused before the progress is made: a typo replaced
    the record of the last real switch. The version already served is not loaded again
    (None): only the estimates another version made are rewritten (``_run``).
    """
    mastery.with_shipped(version)
    versions = mastery.versions.list()
    if version not in versions:
        raise NotFound("model version", version, field="version", hint=_versions_there(versions))
    progress = _begin(mastery, version)
    if version == progress.previous:
        return progress, None, []
    try:
        candidate = _load(mastery, version)
        students = list_students(kg)
    except BaseException as error:
        progress.end(SwitchPhase.FAILED, str(error))
        raise
    progress.students = len(students)
    return progress, candidate, students


def _versions_there(versions: Sequence[str], shown: int = 5) -> str:
    """The versions a refused name could have been, newest first (a typo was told only "does not exist").

    Examples:
        >>> _versions_there(["demo", "2026-11-30T01-00-00Z"])
        ' (versions there, newest first: 2026-11-30T01-00-00Z, demo)'
        >>> _versions_there([])
        ' (no version is there: train one with `pathwise train mastery`)'
    """
    if not versions:
        return " (no version is there: train one with `pathwise train mastery`)"
    newest = list(reversed(versions))
    more = f" and {len(newest) - shown} older (`masteryModels` lists them)" if len(newest) > shown else ""
    return f" (versions there, newest first: {', '.join(newest[:shown])}{more})"


def _begin(mastery: MasteryService, version: str) -> SwitchProgress:
    """The new switch's progress, or ``Unavailable`` while another runs (a second waited minutes, unsaid)."""
    with _STARTING:
        running = mastery.switch
        if running is not None and running.running:
            raise Unavailable(
                f"a switch to mastery model {running.version} is running (since "
                f"{running.started_at:%Y-%m-%dT%H:%M:%SZ}, {running.phase.value}): follow it with "
                "`masteryModelSwitch` and switch again once it has ended",
                field="version",
            )
        progress = mastery.switch = SwitchProgress(version=version, previous=mastery.version)
        return progress


def _load(mastery: MasteryService, version: str) -> OnlineMastery:
    try:
        return mastery.load(version)
    except KeyError:
        raise NotFound("model version", version, field="version") from None
    except UnreadableModel as error:
        raise InvalidInput(str(error), field="version") from error


def _run(
    kg: KnowledgeGraph,
    mastery: MasteryService,
    candidate: OnlineMastery | None,
    progress: SwitchProgress,
    listed: list[str] | None = None,
) -> int:
    """The switch itself (see ``MasteryService.switching``), its phases and counts kept in ``progress``.

    The new model is made ready beside the served one, which goes on recording: every
    student's attempts are replayed into it, outside the model's lock. It then catches
    up with what the journal (``MasteryService.take_journal``) noted meanwhile: the
    students it names are read again under the lock and replayed outside it, twice;
    then, under the lock, the attempts noted since are observed (few), the new model is
    served, and from there ``record`` updates its states and writes its estimates
    itself. The stored estimates are rewritten from the served states a few students
    per transaction, each under the lock.

    A switch to the version already served (``candidate`` None) replays nothing: it
    re-estimates only the estimates another version made (a switch a stop cut short);
    it replayed every student and rewrote every estimate to the same values (256 s on
    a district's store).
    """
    version = progress.version
    try:
        if candidate is None:
            with mastery.switching():
                progress.phase = SwitchPhase.REWRITING_ESTIMATES
                progress.served_at = progress.started_at  # it was serving already
                with mastery.lock:
                    mastery.versions.use(version)  # pinned, as a switch to another version pins it
                refresh_stale_estimates(kg, mastery, progress)
            progress.end(SwitchPhase.DONE)
            return progress.estimates_rewritten
        with mastery.switching():
            started = time.perf_counter()
            students = listed if listed is not None else list_students(kg)  # one recorded since: caught up below
            progress.students = len(students)
            log.info("switching the mastery model to %s: replaying %d students", version, len(students))
            for first in range(0, len(students), SWITCH_CHUNK):
                progress.check_stop()
                chunk = students[first : first + SWITCH_CHUNK]
                reload_histories(kg, candidate, attempts_of(kg, chunk))
                progress.replayed += len(chunk)
            progress.phase = SwitchPhase.CATCHING_UP
            rewrite = set(students)
            for _ in range(CATCH_UP_ROUNDS):
                progress.check_stop()
                with mastery.lock:  # read under the lock: exactly what was stored up to the take
                    changed = sorted(mastery.take_journal().students)
                    histories = attempts_of(kg, changed)
                rewrite.update(changed)
                reload_histories(kg, candidate, histories)
            with mastery.lock:
                progress.check_stop()
                last = mastery.take_journal()
                rewrite.update(last.students)
                reload_histories(kg, candidate, attempts_of(kg, sorted(last.forgotten)))
                recent = [a for a in last.attempts if a.student not in last.forgotten]
                place_new(kg, candidate, recent)
                for attempt in recent:
                    candidate.observe(attempt)
                mastery.serve(version, candidate)
                progress.served_at = datetime.now(UTC)
                progress.phase = SwitchPhase.REWRITING_ESTIMATES
            served = time.perf_counter()
            log.info("serving mastery model %s after %.1f s; rewriting the estimates", version, served - started)
            ordered = sorted(rewrite)
            for first in range(0, len(ordered), REWRITE_CHUNK):
                progress.check_stop()  # served already: a start re-estimates the rest (refresh_stale_estimates)
                with mastery.lock:
                    taken = time.perf_counter()
                    progress.estimates_rewritten += rewrite_estimates(
                        kg, candidate, ordered[first : first + REWRITE_CHUNK]
                    )
                    held = time.perf_counter() - taken
                time.sleep(held)  # the lock is not fair: give waiting requests as long as the chunk held it
            log.info(
                "mastery model %s: %d estimates rewritten in %.1f s",
                version,
                progress.estimates_rewritten,
                time.perf_counter() - served,
            )
    except SwitchStopped as stopped:
        log.warning("%s (%s)", stopped, progress.phase.value)
        progress.end(SwitchPhase.STOPPED, str(stopped))
        raise
    except BaseException as error:
        progress.end(SwitchPhase.FAILED, f"{type(error).__name__}: {error}")
        raise
    progress.end(SwitchPhase.DONE)
    return progress.estimates_rewritten


def refresh_stale_estimates(kg: KnowledgeGraph, mastery: MasteryService, progress: SwitchProgress | None = None) -> int:
    """Estimate again, with the served model, every stored estimate another version made.

    A start that serves another model than the last one (``pathwise models use``, a newly
    trained version, a pinned one that is gone, a switch a stop cut short) left stored
    estimates saying, and holding, the old model's value. The served model replays those
    students' attempts and rewrites their estimates a few students per transaction under
    its lock, pausing as long as it held it, as a switch does. Run in the background at
    startup, and by a switch to the version served (its counts and stop in ``progress``);
    returns how many estimates were rewritten.
    """
    version = mastery.version
    if version is None:
        return 0
    students = stale_students(kg.store, version)
    if progress is not None:
        progress.students = len(students)
    if not students:
        return 0
    log.info("%d students have estimates from another model than %s: estimating them again", len(students), version)
    started, rewritten = time.perf_counter(), 0
    for first in range(0, len(students), REWRITE_CHUNK):
        chunk: Sequence[str] = students[first : first + REWRITE_CHUNK]
        if progress is not None:
            progress.check_stop()
        with mastery.lock:
            if mastery.version != version:
                break  # a switch served another model meanwhile: it rewrites every estimate itself
            taken = time.perf_counter()
            predictor = mastery.ready(chunk, history_loader(kg, mastery))
            done = rewrite_estimates(kg, predictor, chunk)
            held = time.perf_counter() - taken
        rewritten += done
        if progress is not None:
            progress.estimates_rewritten += done
        time.sleep(held)
    log.info("%d estimates re-estimated with %s in %.1f s", rewritten, version, time.perf_counter() - started)
    return rewritten
