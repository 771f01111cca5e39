"""Which of a concept's materials suit a student, given their predicted mastery.

The rule a tutor follows: a student who barely knows a concept reads an explanation and
studies a worked example before trying exercises; one who nearly knows it goes straight
to exercises, harder ones the more they know. Exercise difficulty (1-5) follows
mastery: the target level is ``1 + 4 * mastery`` rounded, so it never falls as mastery
rises.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "LOW_MASTERY",
    "HIGH_MASTERY",
    "MaterialFacts",
    "choose_materials",
    "target_difficulty",
]

#: Below this, a step starts from an explanation and a worked example.
LOW_MASTERY = 0.4
#: At or above this, a step is exercises only.
HIGH_MASTERY = 0.7

_READING_KINDS = ("explanation", "reading", "video")


@dataclass(frozen=True, slots=True)
class MaterialFacts:
    """What choosing needs to know about a material (the projection holds it)."""

    id: str
    kind: str
    difficulty: int = 1
    minutes: int = 5


def target_difficulty(mastery: float) -> int:
    """The exercise difficulty (1-5) that fits a predicted mastery.

    Examples:
        >>> [target_difficulty(p) for p in (0.0, 0.3, 0.5, 0.8, 1.0)]
        [1, 2, 3, 4, 5]
    """
    return max(1, min(5, round(1 + 4 * max(0.0, min(1.0, mastery)))))


def _nearest(pool: Iterable[MaterialFacts], level: int) -> MaterialFacts | None:
    """The material whose difficulty is nearest ``level`` (ties: easier, then id)."""
    return min(pool, key=lambda m: (abs(m.difficulty - level), m.difficulty, m.id), default=None)


def choose_materials(candidates: Sequence[MaterialFacts], mastery: float) -> list[MaterialFacts]:
    """The materials for one step, in study order.

    - mastery below ``LOW_MASTERY``: an explanation (or reading, or video), a worked
      example, then the exercise nearest the target difficulty;
    - below ``HIGH_MASTERY``: a worked example, then that exercise;
    - otherwise: the exercise nearest the target difficulty, then one more at that
      level or harder when there is one.

    A kind the concept lacks is skipped; with no exercise, reading material stands in.

    Examples:
        >>> pool = [MaterialFacts("ex-easy", "exercise", 1), MaterialFacts("ex-hard", "exercise", 5),
        ...         MaterialFacts("expl", "explanation", 1), MaterialFacts("wex", "example", 2)]
        >>> [m.id for m in choose_materials(pool, 0.1)]
        ['expl', 'wex', 'ex-easy']
        >>> [m.id for m in choose_materials(pool, 0.5)]
        ['wex', 'ex-easy']
        >>> [m.id for m in choose_materials(pool, 0.95)]
        ['ex-hard']
    """
    level = target_difficulty(mastery)
    exercises = [m for m in candidates if m.kind == "exercise"]
    examples = [m for m in candidates if m.kind == "example"]
    readings = sorted(
        (m for m in candidates if m.kind in _READING_KINDS),
        key=lambda m: (_READING_KINDS.index(m.kind), m.difficulty, m.id),
    )
    chosen: list[MaterialFacts] = []
    if mastery < LOW_MASTERY:
        chosen.extend(readings[:1])
    if mastery < HIGH_MASTERY:
        example = _nearest(examples, min(level, 2))
        if example is not None:
            chosen.append(example)
        exercise = _nearest(exercises, level)
        if exercise is not None:
            chosen.append(exercise)
    else:
        first = _nearest(exercises, level)
        if first is not None:
            second = _nearest((m for m in exercises if m.id != first.id and m.difficulty >= first.difficulty), level)
            chosen.extend(sorted([first, *([second] if second else [])], key=lambda m: (m.difficulty, m.id)))
    if not chosen:
        chosen.extend(readings[:1] or examples[:1])
    return chosen
