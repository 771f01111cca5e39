"""One xAPI statement checked and read: its student key, verb, item, score, time and id.

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

``check`` validates a statement and keeps what the importer needs of it (``Statement``);
``xapi.parse_xapi`` decides which of them become attempts.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from graph.ids import id_of
from graph.pseudonyms import external_id_problem, mbox_identifier
from ingest.attempts.long_csv import parse_timestamp

__all__ = [
    "ANSWER_VERBS",
    "Statement",
    "actor_identifier",
    "check",
    "default_pseudonym",
    "hmac_pseudonymizer",
    "score_problems",
    "statement_score",
    "verb_name",
]

ANSWER_VERBS = frozenset({"answered", "completed", "passed", "failed"})
_IFIS = ("account", "mbox_sha1sum", "mbox", "openid")
_SHA1 = re.compile(r"[0-9a-f]{40}")
_LAST_SEGMENT = re.compile(r"[/#]")


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
        >>> actor_identifier({"mbox_sha1sum": "XYZ"})
        Traceback (most recent call last):
        ...
        ValueError: actor mbox_sha1sum 'XYZ' is not 40 hex digits (a SHA-1)
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
        digest = value.strip().lower()
        if not _SHA1.fullmatch(digest):  # stored, it keyed a learner `pathwise student-key` could not name
            raise ValueError(f"actor mbox_sha1sum {value.strip()[:60]!r} is not 40 hex digits (a SHA-1)")
        return f"mbox_sha1sum:{digest}"
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


@dataclass
class Statement:
    """What the importer needs of one valid statement (``check`` reads it)."""

    where: str
    ident: str
    verb: str
    student: str | None
    item: str | None
    score: float | None
    timestamp: datetime | None
    void_target: str | None
    former: tuple[str, ...] = ()  # the keys the actor had under the account homes recorded before (xapi_homes)


def _canonical_id(statement: Mapping[str, Any]) -> str:
    canonical = json.dumps(statement, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def check(
    where: str,
    statement: object,
    pseudonymize: Callable[[str], str],
    account_homes: Collection[str] = (),
    former_homes: Sequence[Collection[str]] = (),
) -> tuple[Statement | None, list[str]]:
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
            if identifier is not None and (problem := external_id_problem(identifier, "actor", at=False)) is not None:
                reasons.append(problem)  # a NUL in an account name, 100,000 characters
            elif identifier is not None:
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
        Statement(
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
