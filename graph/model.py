"""Domain objects of the knowledge graph.

Plain frozen dataclasses: the store reads and writes them, the algorithms take them,
and the transport layer wraps them. Ids are short slugs (``[A-Za-z0-9_.-]+``); the
store turns them into IRIs, so nothing above ``graph/`` ever sees an IRI.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

__all__ = [
    "MAX_AHEAD",
    "UNTIMED_BEFORE",
    "UNTIMED_EPOCH",
    "Attempt",
    "Concept",
    "ConceptDeletion",
    "Curriculum",
    "MasteryEstimate",
    "Material",
    "MaterialType",
    "Prerequisite",
    "Translation",
    "timestamp_problem",
    "untimed",
]


class MaterialType(enum.Enum):
    """What kind of learning resource a material is (``schema:learningResourceType``)."""

    EXPLANATION = "explanation"
    EXAMPLE = "example"
    EXERCISE = "exercise"
    VIDEO = "video"
    READING = "reading"


@dataclass(frozen=True, slots=True)
class Curriculum:
    """A concept scheme: one curriculum, the unit a designer imports and exports."""

    id: str
    title: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Concept:
    """A ``skos:Concept``: something a student can learn."""

    id: str
    label: str
    definition: str = ""
    alt_labels: tuple[str, ...] = ()
    broader: tuple[str, ...] = ()
    curriculum: str | None = None


@dataclass(frozen=True, slots=True)
class Translation:
    """A concept's label, definition and alternative labels in one language (``"Ζήτα"@el``).

    ``language`` is a BCP 47 tag in its canonical case (``es-MX``); an empty value: none
    in that language. The concept shows one label and definition (``Concept``); the
    others are its translations (``graph.concept_texts``).
    """

    language: str
    label: str = ""
    definition: str = ""
    alt_labels: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Prerequisite:
    """``concept`` requires ``prerequisite`` (an edge ``prerequisite -> concept``).

    ``strength`` in (0, 1] says how much the prerequisite matters; ``provenance``
    names where the edge came from (an importer, a designer, a CASE association).
    """

    concept: str
    prerequisite: str
    strength: float = 1.0
    provenance: str = ""


@dataclass(frozen=True, slots=True)
class ConceptDeletion:
    """What went with a deleted concept, so a designer sees the reach of the change."""

    id: str
    prerequisites: int = 0
    dependents: int = 0
    narrower: int = 0
    material_links: int = 0
    estimates: int = 0
    translations: int = 0


@dataclass(frozen=True, slots=True)
class Material:
    """A ``schema:LearningResource`` linked to the concepts it teaches or assesses.

    ``difficulty`` runs from 1 (introductory) to 5 (hardest); ``minutes`` is the
    estimated study time. The accessibility metadata tells a frontend what a student
    with a disability can use: ``language`` is the BCP 47 tag of the text (``None``: not
    stated), the tuples hold schema.org terms (``graph.accessibility``), and
    ``accessibility_summary`` says in words what the terms cannot. Empty: not stated.
    ``access_mode_sufficient`` lists the pathways through it (``schema:accessModeSufficient``),
    each a comma-joined set of access modes that together suffice: ``"textual"`` for a video whose
    transcript carries everything, beside ``"auditory,visual"`` for watching it.
    ``activity_ids`` are the IRIs an LMS names the material by in its xAPI statements
    (``object.id``): a statement about one of them is about this material
    (``graph.activities``).
    """

    id: str
    title: str
    type: MaterialType
    difficulty: int = 1
    minutes: int = 5
    text: str = ""
    url: str = ""
    teaches: tuple[str, ...] = ()
    assesses: tuple[str, ...] = ()
    language: str | None = None
    access_modes: tuple[str, ...] = ()
    access_mode_sufficient: tuple[str, ...] = ()
    accessibility_features: tuple[str, ...] = ()
    accessibility_hazards: tuple[str, ...] = ()
    accessibility_summary: str = ""
    activity_ids: tuple[str, ...] = ()

    @property
    def concepts(self) -> tuple[str, ...]:
        """Every concept the material is linked to, teaches first, without repeats."""
        return tuple(dict.fromkeys(self.teaches + self.assesses))


@dataclass(frozen=True, slots=True)
class Attempt:
    """One answer by one student: to a material (an exercise) and/or to concepts.

    ``score`` is in [0, 1]; a right/wrong answer is 1.0 or 0.0.
    """

    id: str
    student: str
    timestamp: datetime
    score: float
    material: str | None = None
    concepts: tuple[str, ...] = field(default=())
    source: str = ""

    @property
    def correct(self) -> bool:
        """Whether the attempt counts as a success (score at least one half)."""
        return self.score >= 0.5


MAX_AHEAD = timedelta(days=1)
"""How far past the clock an attempt's time may be: clock errors and time zones
fit in a day (xAPI asks stores not to refuse a statement for a clock error), a year-2099
attempt does not, and it would stretch every trend to 2099 and keep its material from
ever coming up for review."""


def timestamp_problem(moment: datetime, now: datetime | None = None) -> str | None:
    """Why ``moment`` cannot be an attempt's time (``None``: it can).

    Examples:
        >>> now = datetime(2026, 1, 1, tzinfo=UTC)
        >>> timestamp_problem(datetime(2026, 1, 1, 20, tzinfo=UTC), now) is None
        True
        >>> timestamp_problem(datetime(2099, 1, 1, tzinfo=UTC), now)
        'timestamp 2099-01-01T00:00:00+00:00 is more than a day in the future (now: 2026-01-01T00:00:00+00:00)'
    """
    now = now or datetime.now(UTC)
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    if aware - now <= MAX_AHEAD:
        return None
    return f"timestamp {aware.isoformat()} is more than a day in the future (now: {now.isoformat()})"


EARLIEST_API_TIME = datetime(2000, 1, 1, tzinfo=UTC)
"""The earliest time a client may date an attempt (``recordAttempts``, ``recordStatements``):
a device or LMS whose clock was reset says 1970 or 1980.

Such an attempt went first in the student's history, every later one dated alike was a
backfill, and one 1970 answer stretched a class's weekly trend past its 1,000 points.
Logs (``pathwise attempts import``) may be older: their untimed rows are dated from 1970
on purpose.
"""


def before_any_client(when: datetime) -> str | None:
    """Why ``when`` cannot be a client's time (``None``: it can).

    Examples:
        >>> before_any_client(datetime(1970, 1, 1, tzinfo=UTC))
        "timestamp 1970-01-01T00:00:00+00:00 is before 2000: is the device's clock set? (send the time it was answered)"
    """
    aware = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
    if aware >= EARLIEST_API_TIME:
        return None
    return f"timestamp {aware.isoformat()} is before 2000: is the device's clock set? (send the time it was answered)"


UNTIMED_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
"""Where an import dates the attempts of a log without times (pyKT, AKT, DKVMN layouts):
this moment plus each one's attempt number in seconds, so they keep their order
(``ingest.attempts.to_graph``)."""

UNTIMED_BEFORE = datetime(1971, 1, 1, tzinfo=UTC)
"""An attempt dated before this has no real time: a log without times dated it from
``UNTIMED_EPOCH`` (a year holds 31 million of one student's attempts). Clients cannot
send such a time (``EARLIEST_API_TIME``), and a timed log's 1970 is a clock that was reset."""


def reset_clock_problem(moment: datetime) -> str | None:
    """Why a log's time ``moment`` cannot be an answer's (``None``: it can): before 1971, a reset clock's.

    Read as it is, such a time is no time at all (``untimed``): the answer went first in
    the student's history, as an empty cell once did. A log's times may be older than a
    client's (before 2000, ``before_any_client``), not that old.

    Examples:
        >>> reset_clock_problem(datetime(1970, 1, 1, tzinfo=UTC))
        'timestamp 1970-01-01T00:00:00+00:00 is before 1971, a reset clock: give the time the answer was given'
        >>> reset_clock_problem(datetime(1999, 1, 1, tzinfo=UTC)) is None
        True
    """
    if not untimed(moment):
        return None
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return f"timestamp {aware.isoformat()} is before 1971, a reset clock: give the time the answer was given"


def untimed(moment: datetime) -> bool:
    """Whether an attempt's time is no time: one of a log without times (``UNTIMED_BEFORE``).

    Examples:
        >>> untimed(UNTIMED_EPOCH + timedelta(seconds=41)), untimed(datetime(2026, 1, 1, tzinfo=UTC))
        (True, False)
    """
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware < UNTIMED_BEFORE


@dataclass(frozen=True, slots=True)
class MasteryEstimate:
    """A model's probability that ``student`` has mastered ``concept``, and its provenance."""

    student: str
    concept: str
    probability: float
    model_version: str
    updated_at: datetime
