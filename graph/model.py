"""Domain objects of the knowledge graph.

Plain frozen dataclasses: the store reads and writes them, the algorithms take them,
and the transport layer wraps them. Ids are short slugs (``[A-Za-z0-9_.-]+``); the
store turns them into IRIs, so nothing above ``graph/`` ever sees an IRI.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

__all__ = [
    "Attempt",
    "Concept",
    "Curriculum",
    "MasteryEstimate",
    "Material",
    "MaterialType",
    "Prerequisite",
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
class Material:
    """A ``schema:LearningResource`` linked to the concepts it teaches or assesses.

    ``difficulty`` runs from 1 (introductory) to 5 (hardest); ``minutes`` is the
    estimated study time.
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


@dataclass(frozen=True, slots=True)
class MasteryEstimate:
    """A model's probability that ``student`` has mastered ``concept``, and its provenance."""

    student: str
    concept: str
    probability: float
    model_version: str
    updated_at: datetime
