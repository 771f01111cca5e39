"""xAPI statements (JSON lines, a JSON array, one statement object, or any of them gzipped).

Only answers become attempts: verbs whose IRI ends in ``answered``, ``completed``,
``passed`` or ``failed``. Verbs are compared by the *last path segment* of their IRI,
because real logs spell one verb under several namespaces (ADL, DoD-ISD, Kokea...).

- Student: the actor's inverse functional identifier (account ``homePage`` + ``name``,
  ``mbox_sha1sum``, ``mbox``, ``openid``). An ``mbox`` is first hashed as the xAPI spec's
  ``mbox_sha1sum`` (SHA-1 of ``mailto:...``), so one person gets one key whichever of
  the two a statement carries. The identifier then goes through ``pseudonymize``; the
  raw identifier never reaches the table or the report. The default pseudonym is an
  unkeyed SHA-256 (``xapi-`` + 24 hex): stable, but an address can be guessed and
  checked, so pass :func:`hmac_pseudonymizer` with a secret key for real learners.
- Score: ``result.success`` (1.0 / 0.0), else ``result.score.scaled`` clipped to [0, 1],
  else ``(raw - min) / (max - min)`` when both bounds are given, else 1.0 / 0.0 for
  ``passed`` / ``failed``; a statement with none of these is skipped.
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

import hashlib
import hmac
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from graph.ids import id_of
from graph.pseudonyms import mbox_identifier
from ingest.attempts.long_csv import parse_timestamp
from ingest.attempts.reading import LineProgress, LineTicker, line_count, log_text
from ingest.attempts.table import build_frame, empty_frame, number_attempts, source_name
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

ANSWER_VERBS = frozenset({"answered", "completed", "passed", "failed"})
NOT_ASSESSED = "completion of a material that assesses nothing"
"""The skip reason of a ``completed`` that finishes a reading or a video: no answer (see ``parse_xapi``)."""
_IFIS = ("account", "mbox_sha1sum", "mbox", "openid")
_LAST_SEGMENT = re.compile(r"[/#]")


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


def default_pseudonym(identifier: str) -> str:
    """The default student key: ``xapi-`` + the first 24 hex digits of SHA-256 (unkeyed)."""
    return "xapi-" + hashlib.sha256(identifier.encode()).hexdigest()[:24]


def hmac_pseudonymizer(key: bytes, prefix: str = "xapi-") -> Callable[[str], str]:
    """A keyed pseudonym function (HMAC-SHA-256): without the key, keys cannot be linked to people."""

    def pseudonym(identifier: str) -> str:
        return prefix + hmac.new(key, identifier.encode(), hashlib.sha256).hexdigest()[:24]

    return pseudonym


def verb_name(verb_id: str) -> str:
    """The last path segment of a verb IRI, lower case.

    Examples:
        >>> verb_name("http://adlnet.gov/expapi/verbs/answered"), verb_name("https://x.org/v#Passed")
        ('answered', 'passed')
    """
    return _LAST_SEGMENT.split(verb_id.rstrip("/#"))[-1].lower()


def actor_identifier(actor: Mapping[str, Any], account_homes: Collection[str] = ()) -> str | None:
    """The actor's inverse functional identifier in one canonical form (``None`` if it has none).

    ``mbox`` is turned into its ``mbox_sha1sum`` so that both spellings agree. An account
    of a system in ``account_homes`` (its ``homePage``) is its bare ``name``: that system's
    own user id, what its tokens carry as ``sub`` and its API calls as ``studentId``.

    Raises:
        ValueError: several identifiers, or a malformed one.

    Examples:
        >>> a = actor_identifier({"mbox": "mailto:a@example.org"})
        >>> a == actor_identifier({"mbox_sha1sum": hashlib.sha1(b"mailto:a@example.org").hexdigest()})
        True
        >>> account = {"account": {"homePage": "https://lms.example", "name": "u42"}}
        >>> actor_identifier(account), actor_identifier(account, ["https://lms.example"])
        ('account:https://lms.example|u42', 'u42')
    """
    present = [k for k in _IFIS if actor.get(k) is not None]
    if len(present) > 1:
        raise ValueError(f"actor has {len(present)} identifiers ({', '.join(present)}); xAPI allows one")
    if not present:
        return None
    kind = present[0]
    value = actor[kind]
    if kind == "account":
        if not isinstance(value, dict) or not all(isinstance(value.get(k), str) for k in ("homePage", "name")):
            raise ValueError("actor account needs string homePage and name")
        if value["homePage"].rstrip("/") in {h.rstrip("/") for h in account_homes}:
            return str(value["name"])
        return f"account:{value['homePage']}|{value['name']}"
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"actor {kind} is not a non-empty string")
    if kind == "mbox":
        return mbox_identifier(value)
    if kind == "mbox_sha1sum":
        return f"mbox_sha1sum:{value.strip().lower()}"
    return f"openid:{value.strip()}"


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def score_problems(result: object) -> list[str]:
    """What makes a statement's score invalid under xAPI (it was clipped into [0, 1] silently).

    ``scaled`` is a number in [-1, 1]; ``raw`` lies between ``min`` and ``max`` when they
    are given. A negative scaled score is valid xAPI and reads as 0.

    Examples:
        >>> score_problems({"score": {"scaled": 1.7}}), score_problems({"score": {"scaled": -0.4}})
        (['result.score.scaled 1.7 is not in [-1, 1]'], [])
        >>> score_problems({"score": {"raw": 15, "min": 0, "max": 10}}), score_problems({"score": {"scaled": "high"}})
        (['result.score.raw 15 is not between min 0 and max 10'], ["result.score.scaled 'high' is not a number"])
    """
    score = result.get("score") if isinstance(result, dict) else None
    if not isinstance(score, dict):
        return []
    problems = [
        f"result.score.{k} {score[k]!r} is not a number"
        for k in _SCORE_KEYS
        if k in score and _number(score[k]) is None
    ]
    scaled, raw, low, high = (_number(score.get(k)) for k in _SCORE_KEYS)
    if scaled is not None and not -1.0 <= scaled <= 1.0:
        problems.append(f"result.score.scaled {score['scaled']!r} is not in [-1, 1]")
    if raw is not None and ((low is not None and raw < low) or (high is not None and raw > high)):
        problems.append(
            f"result.score.raw {score['raw']!r} is not between min {score.get('min')!r} and max {score.get('max')!r}"
        )
    return problems


_SCORE_KEYS = ("scaled", "raw", "min", "max")


def statement_score(verb: str, result: object) -> float | None:
    """The score in [0, 1] of an answer statement, or ``None`` when it carries none.

    Examples:
        >>> statement_score("answered", {"success": False, "score": {"scaled": 0.9}})
        0.0
        >>> statement_score("completed", {"score": {"raw": 3, "min": 0, "max": 4}})
        0.75
        >>> statement_score("passed", None), statement_score("completed", {"completion": True})
        (1.0, None)
    """
    if isinstance(result, dict):
        success = result.get("success")
        if isinstance(success, bool):
            return 1.0 if success else 0.0
        score = result.get("score")
        if isinstance(score, dict):
            scaled = _number(score.get("scaled"))
            if scaled is not None:
                return min(1.0, max(0.0, scaled))
            raw, low, high = (_number(score.get(k)) for k in ("raw", "min", "max"))
            if raw is not None and low is not None and high is not None and high > low:
                return min(1.0, max(0.0, (raw - low) / (high - low)))
    if verb == "passed":
        return 1.0
    if verb == "failed":
        return 0.0
    return None


class _DuplicateKeyError(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``json`` keeps the last of a repeated key silently; a statement with two actors is invalid."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKeyError(f"key {key!r} appears twice")
        out[key] = value
    return out


def _loads(text: str) -> Any:
    return json.loads(text, object_pairs_hook=_no_duplicates)


def _one_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


def _json_lines(body: str, source: str, problems: list[Problem]) -> list[tuple[str, Any]]:
    out = []
    for number, line in enumerate(body.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            out.append((f"line {number}", _loads(line)))
        except ValueError as error:
            problems.append(Problem(source, f"line {number}", f"not JSON: {error}"))
    return out


def _statements(text: str, source: str, problems: list[Problem]) -> list[tuple[str, Any]]:
    """(location, statement) pairs from JSON lines, an array, one object or ``{"statements": [...]}``.

    The text is read as one JSON document first; when that fails and it looks like JSON
    lines (a whole object followed by more, or a line that is an object on its own), it
    is read line by line so that every bad line is reported.
    """
    body = text.lstrip("\ufeff")
    stripped = body.strip()
    if not stripped:
        return []
    try:
        data = _loads(body)
    except (json.JSONDecodeError, _DuplicateKeyError) as error:
        multi_line = stripped[0] == "{" and "\n" in stripped
        extra = isinstance(error, json.JSONDecodeError) and error.msg == "Extra data"
        if multi_line and (extra or any(_one_object(line) for line in stripped.split("\n") if line.startswith("{"))):
            return _json_lines(body, source, problems)
        if isinstance(error, json.JSONDecodeError):
            problems.append(Problem(source, f"line {error.lineno}", f"not JSON: {error.msg} (column {error.colno})"))
        else:
            problems.append(Problem(source, "statement" if stripped[0] == "{" else "-", str(error)))
        return []
    if isinstance(data, dict) and isinstance(data.get("statements"), list):
        data = data["statements"]  # an LRS GET /statements answer
    if isinstance(data, list):
        lines = _element_lines(body) if stripped[0] == "[" else None
        if lines is not None and len(lines) == len(data) and len(set(lines)) == len(lines):
            return [(f"line {n}", s) for n, s in zip(lines, data, strict=True)]  # one statement a line or more
        return [(f"index {i}", s) for i, s in enumerate(data)]
    return [("statement", data)]


def _element_lines(body: str) -> list[int] | None:
    """The line each element of a top-level JSON array starts on (``None`` if it cannot be walked).

    Most real statement sets are pretty-printed arrays: their problems, and the items the
    graph lacks, were named by array index, or not located at all.
    """
    decoder = json.JSONDecoder()
    position = body.index("[") + 1
    line, counted = 1, 0
    out: list[int] = []
    try:
        while True:
            while position < len(body) and body[position] in " \t\r\n,":
                position += 1
            if position >= len(body) or body[position] == "]":
                return out
            line += body.count("\n", counted, position)
            counted = position
            out.append(line)
            _, position = decoder.raw_decode(body, position)
    except ValueError:
        return None


@dataclass
class _Statement:
    where: str
    ident: str
    verb: str
    student: str | None
    item: str | None
    score: float | None
    timestamp: datetime | None
    void_target: str | None
    former: tuple[str, ...] = ()  # the keys the actor had under the account homes recorded before (xapi_homes)


def _line_of(where: str) -> int:
    """The line a statement was read from (``line N``); 0 for a statement of an array or a lone object."""
    head, _, number = where.partition(" ")
    return int(number) if head == "line" and number.isdigit() else 0


def _position(problem: Problem) -> int:
    """Sort key: the number in ``line N`` / ``index N`` (decoding and checking problems interleave)."""
    number = problem.location.rsplit(" ", 1)[-1]
    return int(number) if number.isdigit() else -1


def _canonical_id(statement: Mapping[str, Any]) -> str:
    canonical = json.dumps(statement, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _check(
    where: str,
    statement: object,
    pseudonymize: Callable[[str], str],
    account_homes: Collection[str] = (),
    former_homes: Sequence[Collection[str]] = (),
) -> tuple[_Statement | None, list[str]]:
    """Validate one statement; return what the importer needs of it, or the reasons it is invalid."""
    if not isinstance(statement, dict):
        return None, ["a statement must be a JSON object"]
    reasons: list[str] = []
    actor, verb, obj = statement.get("actor"), statement.get("verb"), statement.get("object")
    student = None
    former: list[str] = []
    if not isinstance(actor, dict):
        reasons.append("no actor")
    else:
        try:
            identifier = actor_identifier(actor, account_homes)
        except ValueError as error:
            reasons.append(str(error))
        else:
            if identifier is not None:
                student = pseudonymize(identifier)
                earlier = {actor_identifier(actor, homes) for homes in former_homes} - {identifier}
                former = sorted(pseudonymize(i) for i in earlier if i is not None)
            elif actor.get("objectType") != "Group":
                reasons.append("actor has no identifier (account, mbox_sha1sum, mbox or openid)")
    verb_id = verb.get("id") if isinstance(verb, dict) else None
    if not isinstance(verb_id, str) or not verb_id:
        reasons.append("no verb" if verb is None else "verb has no id")
    item = None
    void_target = None
    if not isinstance(obj, dict):
        reasons.append("no object")
    else:
        kind = obj.get("objectType", "Activity")
        oid = obj.get("id")
        if kind in ("Activity", "StatementRef") and (not isinstance(oid, str) or not oid):
            reasons.append(f"object ({kind}) has no id")
        elif kind == "Activity" and isinstance(oid, str):  # (it is: a non-string id was refused above)
            item = id_of(oid)  # Pathwise's own IRI for a material is that material
        elif kind == "StatementRef":
            void_target = str(oid).lower()
    moment = None
    for name_of_time in ("timestamp", "stored"):  # an LRS sets a missing timestamp to stored (xAPI 2.4.7)
        stamp = statement.get(name_of_time)
        if stamp is None:
            continue
        try:
            moment = parse_timestamp(stamp) if isinstance(stamp, str) else None
            if moment is None:
                raise ValueError(f"{name_of_time} {stamp!r} is not ISO 8601")
        except ValueError as error:
            reasons.append(str(error))
        break
    ident = statement.get("id")
    if ident is not None and (not isinstance(ident, str) or not ident.strip()):
        reasons.append(f"id {ident!r} is not a string")
    name = verb_name(str(verb_id))
    if name in ANSWER_VERBS:  # a statement skipped for its verb is not read for a score
        reasons += score_problems(statement.get("result"))
    if reasons:
        return None, reasons
    if name == "voided" and void_target is None:
        return None, ["a voiding statement's object must be a StatementRef"]
    return (
        _Statement(
            where=where,
            ident=ident.strip() if isinstance(ident, str) else _canonical_id(statement),
            verb=name,
            student=student,
            item=item,
            score=statement_score(name, statement.get("result")),
            timestamp=moment,
            void_target=void_target if name == "voided" else None,
            former=tuple(former),
        ),
        [],
    )


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

    Raises:
        MalformedInput: every invalid statement, with its line or array index.
    """
    problems: list[Problem] = []
    decoded = _statements(text, source, problems)
    report = XapiReport(statements=len(decoded))
    checked: list[_Statement] = []
    ticker = LineTicker(source_name(source), line_count(text) if progress else 0, progress)
    for where, statement in decoded:
        ticker(_line_of(where))
        found, reasons = _check(where, statement, pseudonymize, account_homes, former_homes)
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
    if problems:
        raise MalformedInput(sorted(problems, key=_position))

    targets = {s.void_target for s in checked if s.void_target}
    report.voiding = sum(1 for s in checked if s.void_target)
    present = {s.ident.lower() for s in checked if not s.void_target}
    report.void_targets_missing = len(targets - present)
    skipped: Counter[str] = Counter()
    other: Counter[str] = Counter()
    seen: set[str] = set()
    mapping = item_concepts or {}
    aliases = activities or {}
    rows: dict[str, list[Any]] = {
        c: [] for c in ("student", "order", "attempt_id", "item", "concept", "correct", "line")
    }
    times: list[datetime | None] = []
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
        if s.verb not in ANSWER_VERBS:
            skipped["not an answer verb"] += 1
            other[s.verb] += 1
        elif s.student is None:
            skipped["anonymous group actor"] += 1
        elif item is None:
            skipped["object is not an activity"] += 1
        elif s.verb == "completed" and assessing is not None and item in mapping and item not in assessing:
            skipped[NOT_ASSESSED] += 1
        elif s.score is None:
            skipped["no success or score"] += 1
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
    )
