"""xAPI statements (JSON lines, a JSON array, one statement object, or any of them gzipped).

Only answers become attempts: verbs whose IRI ends in ``answered``, ``completed``,
``passed`` or ``failed``. Verbs are compared by the *last path segment* of their IRI,
because real logs spell one verb under several namespaces (ADL, DoD-ISD, Kokea...).

Student keys and scores are read as ``xapi_statement`` says; the rest:

- Item: ``object.id``: the material of that id, else the material that lists it among
  its activity ids (``activities``, an LMS's IRI for it: ``graph.activities``); concepts
  come from ``item_concepts`` (the caller builds both from the graph); an unmapped item
  gives one row with concept ``""``.
- Voiding statements (verb ``voided``, object a ``StatementRef``) remove their target
  wherever it is in the file; they are not attempts themselves.
- Attempt id: the statement ``id``, else the SHA-256 of the statement's canonical JSON.
- Time: ``timestamp``, else ``stored`` (as an LRS fills it in). A file without times is
  read in its order; one statement without a time among timed ones is a problem.

Invalid statements (no actor, verb or object; an actor without identifier; a
``StatementRef`` without id; a key given twice; a bad timestamp) are problems with
their line (JSON lines, or the line an array's statement starts on; the index in an
array written on one line); nothing is returned unless every statement is valid.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from graph.model import reset_clock_problem
from ingest.attempts.reading import LineProgress, LineTicker, line_count, log_text
from ingest.attempts.table import build_frame, empty_frame, number_attempts, source_name
from ingest.attempts.xapi_json import statements
from ingest.attempts.xapi_statement import (
    ANSWER_VERBS,
    Statement,
    actor_identifier,
    check,
    default_pseudonym,
    hmac_pseudonymizer,
    statement_score,
    verb_name,
)
from ingest.errors import MalformedInput, Problem

__all__ = [
    "ANSWER_VERBS",
    "XapiReport",
    "actor_identifier",
    "default_pseudonym",
    "hmac_pseudonymizer",
    "parse_xapi",
    "read_xapi",
    "statement_score",
    "verb_name",
]

NOT_ASSESSED = "completion of a material that assesses nothing"
"""The skip reason of a ``completed`` that finishes a reading or a video: no answer (see ``parse_xapi``)."""


@dataclass
class XapiReport:
    """What reading a statement file did: how many statements were read, used, skipped (why) and voided."""

    statements: int = 0
    used: int = 0
    rows: int = 0
    voided: int = 0
    voiding: int = 0
    void_targets_missing: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    other_verbs: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        """One line for people."""
        skipped = ", ".join(f"{n} {why}" for why, n in sorted(self.skipped.items())) or "none"
        return (
            f"{self.statements} statement(s): {self.used} used ({self.rows} rows), "
            f"{self.voided} voided by {self.voiding} voiding statement(s), skipped: {skipped}"
        )


def _line_of(where: str) -> int:
    """The line a statement was read from (``line N``); 0 for a statement of an array or a lone object."""
    head, _, number = where.partition(" ")
    return int(number) if head == "line" and number.isdigit() else 0


def _position(problem: Problem) -> int:
    """Sort key: the number in ``line N`` / ``index N`` (decoding and checking problems interleave)."""
    number = problem.location.rsplit(" ", 1)[-1]
    return int(number) if number.isdigit() else -1


def _reused_ids(source: str, checked: Sequence[Statement]) -> list[Problem]:
    """A statement id given twice in one file with another actor, verb, object, result or time.

    A repeat of the same statement is skipped as a duplicate; one that differs was skipped
    too, the first kept without a word, though an import that met it stored before refuses it.
    """
    first: dict[str, Statement] = {}
    found = []
    for s in checked:
        key = s.ident.lower()
        earlier = first.setdefault(key, s)
        if earlier is s:
            continue
        if (earlier.student, earlier.verb, earlier.item, earlier.score, earlier.timestamp, earlier.void_target) != (
            s.student,
            s.verb,
            s.item,
            s.score,
            s.timestamp,
            s.void_target,
        ):
            found.append(
                Problem(
                    source,
                    s.where,
                    f"statement id {s.ident} is also at {earlier.where} with another actor, verb, object, result "
                    "or time: a statement id names one statement (a changed result is a new statement with its own id)",
                )
            )
    return found


NOT_AN_ANSWER = "not an answer verb"


def _skip_reason(
    s: Statement,
    item: str | None,
    mapping: Mapping[str, Sequence[str]],
    assessing: Collection[str] | None,
    unknown_assess_nothing: bool = False,
) -> str | None:
    """Why a statement gives no attempt (None: it gives one)."""
    if s.verb not in ANSWER_VERBS:
        return NOT_AN_ANSWER
    if s.student is None:
        return "anonymous group actor"
    if item is None:
        return "object is not an activity"
    known = item in mapping or unknown_assess_nothing
    if s.verb == "completed" and assessing is not None and known and item not in assessing:
        return NOT_ASSESSED
    if s.score is None:
        return "no success or score"
    return None


def parse_xapi(
    text: str,
    source: str,
    *,
    item_concepts: Mapping[str, Sequence[str]] | None = None,
    pseudonymize: Callable[[str], str] = default_pseudonym,
    progress: LineProgress | None = None,
    account_homes: Collection[str] = (),
    assessing: Collection[str] | None = None,
    activities: Mapping[str, str] | None = None,
    former_homes: Sequence[Collection[str]] = (),
    unknown_assess_nothing: bool = False,
    too_early: Callable[[datetime], str | None] = reset_clock_problem,
) -> tuple[pd.DataFrame, XapiReport]:
    """Turn xAPI statements into the canonical attempt table and a report.

    Args:
        text: JSON lines, a JSON array, one statement, or an LRS ``{"statements": [...]}``.
        source: the file name (problems and the ``source`` column).
        item_concepts: activity id -> concept ids (from the graph's materials).
        pseudonymize: actor identifier -> student key (see the module docstring).
        progress: hears how many lines are checked (``ingest.attempts.reading``).
        account_homes: systems whose accounts are their bare names (see ``actor_identifier``).
        assessing: the materials that assess a concept. A ``completed`` of another material
            of ``item_concepts`` (a reading, a video) is skipped: Moodle sends one with
            ``success: true`` when a learner finishes reading a book, and it counted as a
            right answer on the concepts the book teaches.
        activities: activity id -> the material that lists it (``Projection.activities``):
            a statement about an activity that is no material's id is about that material,
            and its row's item is the material's id.
        former_homes: the account homes learners were keyed with before an accepted change
            (``graph.xapi_homes.former_homes``): an account keyed otherwise under one of
            them had another key then. ``frame.attrs["former_keys"]`` maps each student
            key to those earlier keys, so an erasure or a stored answer under one is found.
        unknown_assess_nothing: an activity of no material is going to be one that assesses
            nothing (``attempts import --create-missing`` makes each a bare exercise): its
            ``completed`` is skipped too, as every later import of the same file skips it (the
            first import stored 10 such completions that a replay then left out). Such an
            activity named only by completions is in ``frame.attrs["unassessed_activities"]``:
            it is still created, so the same file imported again without the flag reads.
        too_early: why a statement's time is too early to be an answer's (``None``: it is not):
            a log's is a reset clock's before 1971 (read as no time, it went first in the
            history), a client's before 2000 (``graph.model.before_any_client``).

    Raises:
        MalformedInput: every invalid statement, with its line or array index.
    """
    problems: list[Problem] = []
    decoded = statements(text, source, problems)
    report = XapiReport(statements=len(decoded))
    checked: list[Statement] = []
    ticker = LineTicker(source_name(source), line_count(text) if progress else 0, progress)
    for where, statement in decoded:
        ticker(_line_of(where))
        found, reasons = check(where, statement, pseudonymize, account_homes, former_homes)
        if found is not None and found.timestamp is not None and (reset := too_early(found.timestamp)):
            reasons = [*reasons, reset]  # read as no time, it went first in the student's history
        if reasons:
            problems.append(Problem(source, where, "; ".join(reasons)))
        elif found is not None:
            checked.append(found)
    ticker.done()
    if any(s.timestamp is not None for s in checked):
        # dated 1970 (a log without times is numbered from there), it went first in the student's history
        problems += [
            Problem(source, s.where, "no timestamp or stored time, in a log whose other statements have one")
            for s in checked
            if s.timestamp is None and s.verb in ANSWER_VERBS
        ]
    problems += _reused_ids(source, checked)
    if problems:
        raise MalformedInput(sorted(problems, key=_position))

    targets = {s.void_target for s in checked if s.void_target}
    report.voiding = sum(1 for s in checked if s.void_target)
    present = {s.ident.lower() for s in checked if not s.void_target}
    report.void_targets_missing = len(targets - present)
    skipped: Counter[str] = Counter()
    other: Counter[str] = Counter()
    seen: set[str] = set()
    skipped_ids: dict[str, tuple[str, str]] = {}  # statement id -> (why skipped, verb): files read together
    mapping = item_concepts or {}
    aliases = activities or {}
    rows: dict[str, list[Any]] = {
        c: [] for c in ("student", "order", "attempt_id", "item", "concept", "correct", "line")
    }
    times: list[datetime | None] = []
    unassessed: set[str] = set()
    for order, s in enumerate(checked):
        if s.void_target:
            continue
        item = s.item if s.item is None or s.item in mapping else aliases.get(s.item, s.item)  # its own id first
        key = s.ident.lower()
        if key in targets:
            report.voided += 1
            continue
        if key in seen:
            skipped["duplicate statement id"] += 1
            continue
        seen.add(key)
        reason = _skip_reason(s, item, mapping, assessing, unknown_assess_nothing)
        if reason is not None or item is None:  # item: None has a reason ("object is not an activity")
            reason = reason or "object is not an activity"
            skipped[reason] += 1
            if reason == NOT_AN_ANSWER:
                other[s.verb] += 1
            elif reason == NOT_ASSESSED and item is not None and item not in mapping:
                unassessed.add(item)  # to be made the bare exercise a later import finds
            skipped_ids[key] = (reason, s.verb)
        else:
            report.used += 1
            concepts = list(dict.fromkeys(c for c in mapping.get(item, ()) if c)) or [""]
            for concept in concepts:
                rows["student"].append(s.student)
                rows["order"].append(order)
                rows["attempt_id"].append(s.ident)
                rows["item"].append(item)
                rows["concept"].append(concept)
                rows["correct"].append(s.score)
                rows["line"].append(_line_of(s.where))
                times.append(s.timestamp)
    report.skipped = dict(skipped)
    report.other_verbs = dict(other)
    report.rows = len(rows["student"])
    elsewhere = sorted(targets - present)  # voided in another file read with this one (formats.join_frames)
    former: dict[str, list[str]] = {}
    for s in checked:
        if s.former and s.student is not None:
            former[s.student] = sorted(set(former.get(s.student, ())) | set(s.former))
    if not rows["student"]:
        empty = empty_frame()
        empty.attrs["void_elsewhere"] = elsewhere
        empty.attrs["void_targets"] = sorted(targets)
        empty.attrs["void_unmatched"] = elsewhere
        empty.attrs["former_keys"] = former
        empty.attrs["skipped_ids"] = skipped_ids
        empty.attrs["unassessed_activities"] = sorted(unassessed)
        return empty, report
    frame = pd.DataFrame(rows)
    frame["timestamp"] = pd.to_datetime(pd.Series(times, dtype="object"), utc=True)
    frame = frame.sort_values(["student", "timestamp", "order"], kind="stable", na_position="last", ignore_index=True)
    frame["attempt"] = number_attempts(frame, "order")
    frame["source"] = f"xapi:{source_name(source)}"
    table = build_frame({c: frame[c] for c in frame.columns})
    table.attrs["void_elsewhere"] = elsewhere
    table.attrs["void_targets"] = sorted(targets)  # what an earlier import may hold (the caller looks)
    table.attrs["void_unmatched"] = elsewhere  # read alone; files read together match each other's (join_frames)
    table.attrs["former_keys"] = former
    table.attrs["skipped_ids"] = skipped_ids  # a statement skipped here and repeated in a file read with this one
    table.attrs["unassessed_activities"] = sorted(unassessed)  # only completed: bare exercises to create
    return table, report


def read_xapi(
    path: Path,
    *,
    item_concepts: Mapping[str, Sequence[str]] | None = None,
    pseudonymize: Callable[[str], str] = default_pseudonym,
    progress: LineProgress | None = None,
    account_homes: Collection[str] = (),
    assessing: Collection[str] | None = None,
    activities: Mapping[str, str] | None = None,
    former_homes: Sequence[Collection[str]] = (),
    unknown_assess_nothing: bool = False,
) -> tuple[pd.DataFrame, XapiReport]:
    """Read a statement file (gzipped or not); options as for :func:`parse_xapi`."""
    text = log_text(path)
    return parse_xapi(
        text,
        str(path),
        item_concepts=item_concepts,
        pseudonymize=pseudonymize,
        progress=progress,
        account_homes=account_homes,
        assessing=assessing,
        activities=activities,
        former_homes=former_homes,
        unknown_assess_nothing=unknown_assess_nothing,
    )
