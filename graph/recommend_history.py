"""What a student's own attempts tell the recommendations: what they completed, where they are stuck.

Kept apart from the ranking (``graph.recommend``) because these read nothing but the
student's attempt history: materials answered right and when each is due for review
(spaced repetition), concepts the student keeps failing, and prerequisites they went
back to since. The resolvers compute them once per request and hand them to the ranking.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import networkx as nx

from graph.model import Attempt, untimed

__all__ = ["REVIEW_DAYS", "Completion", "completions", "revisited_prerequisites", "struggling_concepts"]

#: Days until a completed material is due again, after 1, 2, 3, 4+ successes.
REVIEW_DAYS = (2, 7, 21, 60)


@dataclass(frozen=True, slots=True)
class Completion:
    """A material the student answered successfully: how often, and when last."""

    material: str
    successes: int
    last_success: datetime

    def due(self, now: datetime) -> bool:
        """Whether it is time to review it.

        Examples:
            >>> done = Completion("m", 1, datetime(2026, 1, 1))
            >>> done.due(datetime(2026, 1, 2)), done.due(datetime(2026, 1, 3))
            (False, True)
        """
        days = REVIEW_DAYS[min(self.successes, len(REVIEW_DAYS)) - 1]
        return now - self.last_success >= timedelta(days=days)

    def days_since(self, now: datetime) -> int | None:
        """Whole days since the last success, never below 0; None when it has no time (a log without times, dated 1970).

        An ASSISTments log imported from its AKT folds told every student "you last got this
        exercise right 20788 days ago". An attempt may be stamped up to a day ahead of the
        server's clock (a client's clock runs fast): it was "-1 days ago", and is today.

        Examples:
            >>> from datetime import UTC
            >>> from graph.model import UNTIMED_EPOCH
            >>> Completion("m", 1, datetime(2026, 1, 1, tzinfo=UTC)).days_since(datetime(2026, 1, 3, tzinfo=UTC))
            2
            >>> Completion("m", 1, UNTIMED_EPOCH).days_since(datetime(2026, 1, 3, tzinfo=UTC)) is None
            True
            >>> Completion("m", 1, datetime(2026, 1, 3, 2, tzinfo=UTC)).days_since(datetime(2026, 1, 3, tzinfo=UTC))
            0
        """
        return None if untimed(self.last_success) else max(0, (now - self.last_success).days)


def completions(attempts: Iterable[Attempt]) -> dict[str, Completion]:
    """Materials answered successfully, from a student's attempts.

    Examples:
        >>> a = Attempt("1", "s", datetime(2026, 1, 1), 1.0, material="m")
        >>> b = Attempt("2", "s", datetime(2026, 1, 5), 1.0, material="m")
        >>> completions([a, b])["m"].successes
        2
    """
    out: dict[str, Completion] = {}
    for attempt in sorted(attempts, key=lambda a: a.timestamp):
        if attempt.material is None or not attempt.correct:
            continue
        before = out.get(attempt.material)
        out[attempt.material] = Completion(attempt.material, (before.successes if before else 0) + 1, attempt.timestamp)
    return out


def struggling_concepts(attempts: Iterable[Attempt], run: int = 3) -> set[str]:
    """Concepts whose last ``run`` attempts by the student all failed.

    Examples:
        >>> t = [datetime(2026, 1, d) for d in range(1, 5)]
        >>> log = [Attempt(str(i), "s", t[i], 0.0, concepts=("frac",)) for i in range(3)]
        >>> struggling_concepts(log)
        {'frac'}
        >>> struggling_concepts([*log, Attempt("9", "s", t[3], 1.0, concepts=("frac",))])
        set()
    """
    streaks: dict[str, int] = {}
    for attempt in sorted(attempts, key=lambda a: a.timestamp):
        for concept in attempt.concepts:
            streaks[concept] = 0 if attempt.correct else streaks.get(concept, 0) + 1
    return {c for c, n in streaks.items() if n >= run}


def revisited_prerequisites(
    attempts: Iterable[Attempt], dag: nx.DiGraph[str], struggling: Collection[str]
) -> set[tuple[str, str]]:
    """``(prerequisite, struggling concept)`` pairs where the student got the prerequisite right
    since their run of failures on the concept began: they revisited it, as told.

    Doubt counts a prerequisite at half, which no estimate lifts back over the threshold:
    with nothing but the failed concept's own right answer to end it, ``nextMaterials``
    (which offered neither the concept nor the prerequisite again) left the student an
    empty list.

    Examples:
        >>> g = nx.DiGraph([("int", "abs")])
        >>> t = [datetime(2026, 1, d) for d in range(1, 7)]
        >>> log = [Attempt("0", "s", t[0], 1.0, concepts=("int",))]
        >>> log += [Attempt(str(i), "s", t[i], 0.0, concepts=("abs",)) for i in (1, 2, 3)]
        >>> revisited_prerequisites(log, g, {"abs"})
        set()
        >>> revisited_prerequisites([*log, Attempt("9", "s", t[5], 1.0, concepts=("int",))], g, {"abs"})
        {('int', 'abs')}
    """
    ordered = sorted(attempts, key=lambda a: a.timestamp)
    began: dict[str, datetime] = {}  # the first failure of each concept's current run
    for attempt in ordered:
        for concept in attempt.concepts:
            if attempt.correct:
                began.pop(concept, None)
            else:
                began.setdefault(concept, attempt.timestamp)
    right: dict[str, datetime] = {}  # each concept's last right answer
    for attempt in ordered:
        if attempt.correct:
            right.update((c, attempt.timestamp) for c in attempt.concepts)
    return {
        (p, s) for s in struggling if s in dag and s in began for p in dag.pred[s] if p in right and right[p] > began[s]
    }
