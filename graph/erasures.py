"""The erasure log: which students were forgotten and when, so a restored backup forgets them again.

A backup taken before a student was forgotten still holds them; restoring it would
bring them back. ``forgetStudent`` therefore appends one line per forgotten student to
``erasures.jsonl`` in the data folder, which a restore keeps and re-applies
(``graph.backup``). A line holds a keyed token of the student's key, never the key:
``Pseudonymizer.opaque(key, "erased")``, so the file names nobody to whoever lacks the
pseudonym secret, and the key itself appears in no file after a forget. With the
secret and a key, one can tell whether that key was forgotten: that is the log's job.

Each line is ``{"token": ..., "at": ISO-8601}``, written after the delete committed, so
an entry older than a backup means the backup was taken without the student.
"""

from __future__ import annotations

import json
import os
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from graph.errors import InvalidInput
from graph.model import MAX_AHEAD, Attempt

__all__ = ["ERASURE_LOG", "Erasure", "ErasureLog", "Tokens", "forgotten_since", "split_erased"]

ERASURE_LOG = "erasures.jsonl"
"""The log's file name in the data folder."""


class Tokens(Protocol):
    """What the log needs from the pseudonymizer: a keyed token of a string."""

    def opaque(self, value: str, kind: str = ...) -> str:
        """A keyed, stable token of ``value``."""
        ...


@dataclass(frozen=True)
class Erasure:
    """One logged erasure: the token of the forgotten key and when the delete committed."""

    token: str
    at: datetime


def forgotten_since(erasures: Iterable[Erasure], when: datetime) -> int:
    """How many distinct students were forgotten at or after ``when``.

    A student forgotten, recorded again and forgotten again is one student (the log has
    two lines for them), and a restore that forgets again logs them once more.

    Examples:
        >>> from datetime import UTC, datetime
        >>> t = datetime(2026, 1, 2, tzinfo=UTC)
        >>> log = [Erasure("a", t), Erasure("b", t), Erasure("a", t), Erasure("c", datetime(2026, 1, 1, tzinfo=UTC))]
        >>> forgotten_since(log, t)
        2
    """
    return len({e.token for e in erasures if e.at >= when})


class ErasureLog:
    """Append-only JSON lines; every append is flushed to disk before it returns.

    Examples:
        >>> import tempfile
        >>> from graph.pseudonyms import Pseudonymizer
        >>> pz = Pseudonymizer(b"a secret of at least thirty-two bytes!")
        >>> log = ErasureLog(Path(tempfile.mkdtemp()) / ERASURE_LOG, pz)
        >>> log.record(["stu-" + "1" * 32], datetime(2026, 1, 1, tzinfo=UTC))
        >>> log.forgotten(["stu-" + "1" * 32, "stu-" + "2" * 32], since=datetime(2025, 1, 1, tzinfo=UTC))
        ['stu-11111111111111111111111111111111']
        >>> "1" * 32 in log.path.read_text()
        False
    """

    def __init__(self, path: Path, tokens: Tokens) -> None:
        self.path = path
        self._tokens = tokens
        # (mtime_ns, size) of the file read last, and each token's latest erasure in it: every
        # recordAttempts asks, and the log only grows by appends (a restore replaces it offline)
        self._latest: tuple[tuple[int, int], dict[str, datetime]] | None = None

    def token(self, key: str) -> str:
        """The token logged for a student key."""
        return self._tokens.opaque(key, "erased")

    def record(self, keys: Iterable[str], at: datetime | None = None) -> None:
        """Append one line per key (after their delete committed) and flush it to disk."""
        when = (at or datetime.now(UTC)).isoformat()
        lines = "".join(json.dumps({"token": self.token(k), "at": when}) + "\n" for k in keys)
        if not lines:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as out:
            out.write(lines)
            out.flush()
            os.fsync(out.fileno())

    def entries(self) -> list[Erasure]:
        """Every logged erasure; none when there is no log yet.

        Raises:
            InvalidInput: a malformed line, named by its number.
        """
        return read_erasures(self.path)

    def forgotten(self, keys: Collection[str], *, since: datetime) -> list[str]:
        """The keys among ``keys`` logged as forgotten at or after ``since``, sorted."""
        wanted = {e.token for e in self.entries() if e.at >= since}
        return sorted(k for k in keys if self.token(k) in wanted)

    def last_forgotten(self, keys: Collection[str]) -> dict[str, datetime]:
        """When each of ``keys`` was last logged as forgotten; keys never forgotten are absent.

        How a retried erasure (the first call's answer lost to a timeout) is told apart
        from one of a student who never was: both find nothing stored.
        """
        by_token = {self.token(k): k for k in keys}
        latest = self._latest_by_token()
        return {key: latest[token] for token, key in by_token.items() if token in latest}

    def _latest_by_token(self) -> dict[str, datetime]:
        """Each token's latest erasure, read again only when the file changed."""
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return {}
        version = (stat.st_mtime_ns, stat.st_size)
        if self._latest is None or self._latest[0] != version:
            latest: dict[str, datetime] = {}
            for entry in self.entries():
                if entry.token not in latest or entry.at > latest[entry.token]:
                    latest[entry.token] = entry.at
            self._latest = (version, latest)
        return self._latest[1]

    def merge(self, other: Path) -> int:
        """Append the entries of another log (a backup's) that this one lacks; how many were added."""
        have = {(e.token, e.at) for e in self.entries()}
        new = [e for e in read_erasures(other) if (e.token, e.at) not in have]
        if new:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as out:
                out.writelines(json.dumps({"token": e.token, "at": e.at.isoformat()}) + "\n" for e in new)
                out.flush()
                os.fsync(out.fileno())
        return len(new)


def split_erased(
    attempts: Sequence[Attempt],
    log: ErasureLog,
    former: Mapping[str, Collection[str]] | None = None,
    now: datetime | None = None,
) -> tuple[list[Attempt], list[Attempt]]:
    """The attempts to keep, and those of students forgotten after the attempts were made.

    Forgetting deletes what was stored; the logs it came from stay outside. Importing one
    of them again brought the student back without a word, so an attempt made before its
    student's last erasure is left out. A student who comes back after being forgotten
    makes attempts dated after it, which are kept (a log without times dates its
    attempts in 1970: it counts as older). An attempt dated ahead of ``now`` (when it
    arrives) comes from a clock running ahead, up to a day (``MAX_AHEAD``) as accepted,
    and may have been made before an erasure it is dated after: it is left out when
    dated within a day after the erasure (an audit re-sent one dated five hours ahead,
    and the student came back). ``former`` maps a student's key to the keys
    they had before (an xAPI learner keyed anew after an accepted change of account
    homes, ``graph.xapi_homes``): an erasure under one of those counts too, or a learner
    forgotten before the change came back under the new key.

    Examples:
        >>> import tempfile
        >>> from graph.pseudonyms import Pseudonymizer
        >>> pz = Pseudonymizer(b"a secret of at least thirty-two bytes!")
        >>> log = ErasureLog(Path(tempfile.mkdtemp()) / ERASURE_LOG, pz)
        >>> log.record(["stu-old"], datetime(2026, 1, 2, tzinfo=UTC))
        >>> answer = Attempt("a1", "stu-new", datetime(2026, 1, 1, tzinfo=UTC), 1.0, concepts=("c",))
        >>> kept, erased = split_erased([answer], log)
        >>> len(kept), len(erased)
        (1, 0)
        >>> kept, erased = split_erased([answer], log, former={"stu-new": ["stu-old"]})
        >>> len(kept), len(erased)
        (0, 1)
        >>> ahead = Attempt("a2", "stu-old", datetime(2026, 1, 2, 5, tzinfo=UTC), 1.0, concepts=("c",))
        >>> later = Attempt("a3", "stu-old", datetime(2026, 1, 3, 1, tzinfo=UTC), 1.0, concepts=("c",))
        >>> arrived = datetime(2026, 1, 2, 1, tzinfo=UTC)  # after the erasure: a2 is dated four hours ahead
        >>> [[a.id for a in part] for part in split_erased([ahead, later], log, now=arrived)]
        [['a3'], ['a2']]
        >>> [[a.id for a in part] for part in split_erased([ahead], log, now=datetime(2026, 1, 2, 6, tzinfo=UTC))]
        [['a2'], []]
    """
    aliases = former or {}
    now = now or datetime.now(UTC)
    keys = {k for a in attempts for k in (a.student, *aliases.get(a.student, ()))}
    forgotten = log.last_forgotten(keys)
    if not forgotten:
        return list(attempts), []
    kept: list[Attempt] = []
    erased: list[Attempt] = []
    for attempt in attempts:
        times = [forgotten[k] for k in (attempt.student, *aliases.get(attempt.student, ())) if k in forgotten]
        at = max(times, default=None)
        when = attempt.timestamp if attempt.timestamp.tzinfo else attempt.timestamp.replace(tzinfo=UTC)
        ahead = when > now  # a clock running ahead: made when it arrived at the latest, maybe before the erasure
        (erased if at is not None and (when <= at or (ahead and when <= at + MAX_AHEAD)) else kept).append(attempt)
    return kept, erased


def read_erasures(path: Path) -> list[Erasure]:
    """The entries of a log file (none when it does not exist).

    Raises:
        InvalidInput: a malformed line, named by its number.
    """
    if not path.exists():
        return []
    out = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
                at = datetime.fromisoformat(entry["at"])
                token = entry["token"]
                if not isinstance(token, str) or at.tzinfo is None:
                    raise ValueError("token must be a string and at a timestamp with a zone")
            except (ValueError, KeyError, TypeError) as error:
                raise InvalidInput(f"{path}:{number}: not an erasure log line ({error})") from None
            out.append(Erasure(token, at))
    return out
