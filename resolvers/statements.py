"""``recordStatements``: xAPI statements as an LRS forwards them, recorded while the service runs.

The nightly ``pathwise attempts import --format xapi`` needs the embedded store to
itself, so a forwarder had to stop the service or translate every statement into
``recordAttempts`` by hand. Here a batch of statements goes through the same reader
and the same keying as the import (``ingest.attempts.keyed``): the same student key,
attempt id and concepts, so a statement is one attempt whichever way it arrived.

What differs from a file import, because nobody is there to answer a question:
- an activity that is no material of the graph (no material's id, nor among a
  material's activity ids) is skipped and counted, not refused
  (a forwarder sends everything its LMS logs; ``--create-missing`` is a curator's act);
- a statement needs a time (``timestamp`` or the LRS's ``stored``): a batch is not a
  file whose order dates it;
- a statement id stored with another result is refused, naming the statement;
- other account homes than the stored learners were keyed with refuse the batch
  (``graph.xapi_homes``), as they refuse a file import and the service's start.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn

from graph.attempts import conflicting_duplicates, mark_voided
from graph.erasures import ErasureLog, split_erased
from graph.errors import InvalidInput, KnowledgeGraphError, ManyProblems, ReusedStatementId
from graph.model import MasteryEstimate, before_any_client
from graph.pseudonyms import StudentKeys
from graph.repository import KnowledgeGraph
from graph.xapi_homes import former_homes, keying_marks
from ingest.attempts.keyed import (
    NOT_A_MATERIAL,
    UnmappedActivities,
    activity_materials,
    assessing_materials,
    item_concepts,
    keyed_attempts_table,
    stored_void_targets,
    voided_ahead,
    voided_within,
    voids_ahead,
    with_material_concepts,
    with_recorded_twins,
    without_unmapped,
)
from ingest.attempts.to_graph import frame_to_attempts
from ingest.attempts.xapi import parse_xapi
from ingest.errors import MalformedInput
from ml.mastery.serving import MasteryService
from resolvers import students

__all__ = ["MAX_STATEMENTS", "RecordedStatementsReport", "record_statements"]

MAX_STATEMENTS = 500
"""Statements a call carries at most, as ``recordAttempts`` carries attempts."""


@dataclass
class RecordedStatementsReport:
    """What a batch of statements did (the counts an import prints)."""

    statements: int = 0
    accepted: int = 0
    duplicates: int = 0
    erased: int = 0
    voided: int = 0
    voided_stored: int = 0
    voided_ahead: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    unmapped: UnmappedActivities = field(default_factory=UnmappedActivities)
    mastery: list[MasteryEstimate] = field(default_factory=list)


def record_statements(
    kg: KnowledgeGraph,
    mastery: MasteryService,
    pseudonyms: StudentKeys,
    statements: object,
    *,
    account_homes: Collection[str] = (),
    erasures: ErasureLog | None = None,
    settle_later: Callable[[Sequence[str]], None] | None = None,
) -> RecordedStatementsReport:
    """Read, check and record a batch of xAPI statements, all or nothing.

    Raises:
        InvalidInput: not statements, too many, or (``ManyProblems``) every invalid one,
            with ``field`` ``statements.N``.
        ReusedStatementId: (each, in a ``ManyProblems``) a statement id recorded before with
            another result or time, or for another student.
        AccountHomesChanged: ``account_homes`` are not those the stored learners were keyed
            with (``graph.xapi_homes``); the first statement stored records them.
    """
    batch = _as_list(statements)
    if not batch:
        return RecordedStatementsReport()  # a forwarder's empty flush
    # keyed with other account homes than the stored learners were, each of those learners would get a second key
    marks = keying_marks(kg.store, account_homes, unrecorded=False)  # the service looked for unrecorded ones at start
    linked = item_concepts(kg)
    lines = "\n".join(json.dumps(statement) for statement in batch)  # line N is statement N-1: errors say which
    try:
        frame, read = parse_xapi(
            lines,
            "statements",
            item_concepts=linked,
            pseudonymize=pseudonyms.key,
            account_homes=account_homes,
            assessing=assessing_materials(kg),
            activities=activity_materials(kg),
            former_homes=former_homes(kg.store),
            too_early=before_any_client,
        )
    except MalformedInput as error:
        raise _problems(error, len(batch)) from None
    report = RecordedStatementsReport(statements=read.statements, voided=read.voided, skipped=dict(read.skipped))
    if not frame.empty and frame["timestamp"].isna().any():
        untimed = sorted({_index(line) for line in frame.loc[frame["timestamp"].isna(), "line"]})
        _raise([InvalidInput("no timestamp or stored time", field=f"statements.{i}") for i in untimed])
    if not frame.empty:  # a reset LMS clock: a 1970 answer went first in the history and broke the class's trend
        early = [
            (_index(line), problem)
            for line, when in zip(frame["line"], frame["timestamp"], strict=True)
            if (problem := before_any_client(when.to_pydatetime())) is not None
        ]
        if early:
            first: dict[int, str] = {}
            for index, problem in early:
                first.setdefault(index, problem)
            _raise([InvalidInput(p, field=f"statements.{i}") for i, p in sorted(first.items())])
    frame, report.unmapped = without_unmapped(frame, kg.projection.material_ids)
    if report.unmapped.statements:
        skipped = Counter(report.skipped)
        skipped[NOT_A_MATERIAL] += report.unmapped.statements
        report.skipped = dict(skipped)
    voided_stored = stored_void_targets(kg, frame, pseudonyms)
    keyed = keyed_attempts_table(frame, pseudonyms, statements=True)
    found, keyed_id = with_recorded_twins(
        kg, frame, keyed, with_material_concepts(frame_to_attempts(keyed), linked), pseudonyms
    )
    former = frame.attrs.get("former_keys", {})  # a learner's keys before an accepted change of account homes
    # Under the model's lock, which a forget holds from its delete until it is logged: checked outside it, a
    # forget could land between the check and the write, and the attempts came back after the erasure.
    with mastery.lock:
        if erasures is not None:
            found, left_out = split_erased(found, erasures, former)
            report.erased = len(left_out)
        clashes = set(conflicting_duplicates(kg, found, former=former))
        if clashes:
            where = {
                a: (str(s), _index(line))
                for a, s, line in zip(keyed["attempt_id"], frame["attempt_id"], frame["line"], strict=True)
            }
            named = sorted({where[keyed_id.get(a, a)] for a in clashes}, key=lambda found: found[1])
            _raise([ReusedStatementId(ident, field=f"statements.{index}") for ident, index in named])
        found, gone = voided_ahead(kg, found)  # their voids came first
        report.voided += len(gone)
        if found:
            report.accepted, report.duplicates, estimates = students.record(
                kg, mastery, found, settle_later=settle_later, marks=marks
            )
            report.mastery = students.touched_estimates(kg, found, estimates)
    # a void that arrives after its statement (an LRS voids later by nature) takes the answer back
    report.voided_stored = len(students.retract(kg, mastery, voided_stored))
    ahead = voids_ahead(kg, frame, pseudonyms)
    # the statement, when it comes (again), arrives voided: a void before it, or beside it in this batch
    mark_voided(kg, [*ahead, *voided_within(kg, frame, pseudonyms)])
    report.voided_ahead = len(ahead)
    return report


def _raise(problems: Sequence[KnowledgeGraphError]) -> NoReturn:
    """Refuse the batch with every problem (the first is the error's own code and field)."""
    raise problems[0] if len(problems) == 1 else ManyProblems(list(problems))


def _as_list(statements: object) -> list[Any]:
    """The statements of a JSON array, one statement, or an LRS's ``{"statements": [...]}``."""
    if isinstance(statements, dict) and "statements" in statements:
        statements = statements["statements"]
        if not isinstance(statements, list):
            raise InvalidInput('"statements" must be a JSON array of statement objects', field="statements")
    elif isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list):
        raise InvalidInput(
            'give xAPI statements: a JSON array of statement objects, one statement, or {"statements": [...]}',
            field="statements",
        )
    if len(statements) > MAX_STATEMENTS:
        raise InvalidInput(
            f"at most {MAX_STATEMENTS} statements a call, got {len(statements)}: send them in several calls",
            field="statements",
        )
    # [1, 2, 3] joined to lines read as one JSON text: "statements.1: not JSON: Extra data" (an audit)
    not_objects = [
        InvalidInput("a statement must be a JSON object", field=f"statements.{i}")
        for i, statement in enumerate(statements)
        if not isinstance(statement, dict)
    ]
    if not_objects:
        _raise(not_objects)
    return statements


def _problems(error: MalformedInput, size: int) -> KnowledgeGraphError:
    """The reader's problems as API errors, each on ``statements.N`` (its index in the batch)."""
    found: list[KnowledgeGraphError] = []
    for problem in error.where:
        line = problem.location.removeprefix("line ").strip()
        index = _index(int(line)) if line.isdigit() else 0 if size == 1 else None
        reason = _LINE.sub(lambda named: f"at statements.{_index(named.group(1))}", problem.reason)
        found.append(InvalidInput(reason, field="statements" if index is None else f"statements.{index}"))
    return found[0] if len(found) == 1 else ManyProblems(found)


_LINE = re.compile(r"\bat line (\d+)\b")
"""A reader's "also at line 2", of another statement: in a batch, ``statements.1`` (the field counts from 0)."""


def _index(line: object) -> int:
    """A statement's index in the batch from the line the reader names (0: a batch of one, read as one object)."""
    number = int(str(line))
    return number - 1 if number > 0 else 0
