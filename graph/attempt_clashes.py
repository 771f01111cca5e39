"""What sets an attempt apart from another under the same id: a retry, or another answer reusing the id.

An attempt sent again under its id (an API retry with its ``clientId``, a log imported
again) is a duplicate when it is the same answer: the same learner, score, time (unless
the retry left the time out and was dated "now"), material and concepts. Another answer
under a taken id is refused, and the refusal says what differs, so that a client that
stamps a retry with a new time, or sends a changed answer under an old id, is told which
(it was told "another score, time, material or concepts" and had to guess).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime

from rdflib import Literal, URIRef

from graph import queries
from graph.ids import id_of, iri_of
from graph.model import Attempt
from graph.rdf_mapping import Props
from graph.repository import KnowledgeGraph
from graph.vocab import PW, RDF

__all__ = ["ANOTHER_LEARNER", "stored_clashes", "what_differs"]

ANOTHER_LEARNER = "for another learner"
"""What differs when the id names another student's attempt (nothing of theirs is shown)."""


def what_differs(
    earlier: Attempt,
    sent: Attempt,
    *,
    untimed: bool = False,
    earlier_concepts: Collection[str] | None = None,
    labels: tuple[str, str] = ("recorded", "sent"),
) -> str | None:
    """How ``sent`` differs from ``earlier`` under the same id, as a phrase; None when it is the same answer.

    ``untimed``: ``sent`` gave no time (dated now), so its time is not compared.
    ``earlier_concepts``: the concepts stored with ``earlier``, which may hold more than
    were sent (a material's, added when it was recorded); ``sent``'s must be among them.
    ``labels`` name the two values: a batch sending one id twice was told "(1 recorded,
    0 sent)" of an answer nothing had recorded ("first", "second" there).

    Examples:
        >>> from datetime import UTC, datetime
        >>> first = Attempt("a", "s1", datetime(2026, 1, 1, 9, tzinfo=UTC), 1.0, concepts=("slope",))
        >>> what_differs(first, first) is None
        True
        >>> print(what_differs(first, Attempt("a", "s1", first.timestamp, 0.0, concepts=("slope",))))
        with another score (1 recorded, 0 sent)
        >>> later = Attempt("a", "s1", datetime(2026, 1, 1, 9, 5, tzinfo=UTC), 1.0, concepts=("slope",))
        >>> print(what_differs(first, later))
        with another time (2026-01-01T09:00:00+00:00 recorded, 2026-01-01T09:05:00+00:00 sent)
        >>> what_differs(first, later, untimed=True) is None
        True
        >>> print(what_differs(first, Attempt("a", "s2", first.timestamp, 1.0, concepts=("slope",))))
        for another learner
    """
    if earlier.student != sent.student:
        return ANOTHER_LEARNER
    found = []
    was, now = labels
    if abs(earlier.score - sent.score) >= 1e-9:
        found.append(f"another score ({earlier.score:g} {was}, {sent.score:g} {now})")
    if not untimed and earlier.timestamp != sent.timestamp:
        found.append(f"another time ({_time(earlier.timestamp)} {was}, {_time(sent.timestamp)} {now})")
    if earlier.material != sent.material:
        found.append(f"another material ({_named(earlier.material)} {was}, {_named(sent.material)} {now})")
    recorded = set(earlier.concepts if earlier_concepts is None else earlier_concepts)
    same_concepts = set(sent.concepts) == recorded if earlier_concepts is None else set(sent.concepts) <= recorded
    if not same_concepts:
        found.append(f"other concepts ({_listed(recorded)} {was}, {_listed(sent.concepts)} {now})")
    return "with " + " and ".join(found) if found else None


def stored_clashes(
    kg: KnowledgeGraph,
    attempts: Sequence[Attempt],
    *,
    untimed: Collection[str] = frozenset(),
    former: Mapping[str, Collection[str]] | None = None,
) -> dict[str, str]:
    """``attempts`` already stored under their id as another answer: each one's id, and what differs.

    ``untimed`` names attempts whose time was not given (an API retry dated "now"): their
    time is not compared. ``former`` maps a student's key to the keys they had before
    (``graph.xapi_homes``): a statement stored under one of those is theirs. A voided
    attempt sent again is a duplicate whatever its result.
    """
    aliases = former or {}
    by_iri = {str(iri_of("attempt", a.id)): a for a in attempts}
    found: dict[str, str] = {}
    for iri, props in queries.describe(kg.store, [URIRef(i) for i in by_iri]).items():
        if PW.VoidedAttempt in props.get(RDF.type, []):
            continue
        attempt = by_iri[iri]
        theirs = {iri_of("student", k) for k in (attempt.student, *aliases.get(attempt.student, ()))}
        if not theirs.intersection(props.get(PW.student, [])):
            found[attempt.id] = ANOTHER_LEARNER  # a statement id (a UUID clientId) another student's answer holds
            continue
        stored = _stored(attempt, props)
        if stored is None:
            found[attempt.id] = "with another score or time (none recorded)"
            continue
        differs = what_differs(
            stored,
            attempt,
            untimed=attempt.id in untimed,
            earlier_concepts={id_of(str(c)) for c in props.get(PW.concept, [])},
        )
        if differs is not None:
            found[attempt.id] = differs
    return found


def _stored(sent: Attempt, props: Props) -> Attempt | None:
    """The stored attempt as an ``Attempt`` beside ``sent`` (the value nearest ``sent``'s of any stored twice)."""
    scores = [float(s) for s in props.get(PW.score, []) if isinstance(s, Literal)]
    times = [t.toPython() for t in props.get(PW.timestamp, []) if isinstance(t, Literal)]
    times = [t for t in times if isinstance(t, datetime)]
    if not scores or not times:
        return None
    materials = sorted(id_of(str(m)) for m in props.get(PW.material, []))
    return Attempt(
        sent.id,
        sent.student,
        sent.timestamp if sent.timestamp in times else times[0],
        min(scores, key=lambda s: abs(s - sent.score)),
        materials[0] if len(materials) == 1 else None if not materials else ", ".join(materials),
    )


def _time(value: datetime) -> str:
    return value.isoformat()


def _named(material: str | None) -> str:
    return repr(material) if material else "none"


def _listed(concepts: Collection[str]) -> str:
    return ", ".join(repr(c) for c in sorted(concepts)) or "none"
