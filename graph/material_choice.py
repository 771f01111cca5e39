"""Which of a concept's materials suit a student, given their predicted mastery.

The rule a tutor follows: a student who barely knows a concept reads an explanation and
studies a worked example before trying exercises; one who nearly knows it goes straight
to exercises, harder ones the more they know. Exercise difficulty (1-5) follows
mastery: the target level is ``1 + 4 * mastery`` rounded, so it never falls as mastery
rises.

With a learner's access needs (``graph.access_needs``), a material that states a hazard
they avoid or that they cannot use is left out, and within each kind a material known to
suit is chosen before one whose metadata does not say (whatever its difficulty); then one
in a language the learner asked for before one that does not say, and that before one in
another language (never left out: a concept may have nothing else).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from graph.access_needs import AccessFacts, AccessNeeds, Fit, fit
from graph.wording import not_stated_sentence, unsuited

__all__ = [
    "LOW_MASTERY",
    "HIGH_MASTERY",
    "Choice",
    "MaterialFacts",
    "choose_for_needs",
    "choose_materials",
    "not_stated_text",
    "target_difficulty",
]

#: Below this, a step starts from an explanation and a worked example.
LOW_MASTERY = 0.4
#: At or above this, a step is exercises only.
HIGH_MASTERY = 0.7

_READING_KINDS = ("explanation", "reading", "video")
_KIND_ORDER = {"explanation": 0, "reading": 1, "video": 2, "example": 3, "exercise": 4}


@dataclass(frozen=True, slots=True)
class MaterialFacts:
    """What choosing needs to know about a material (the projection holds it)."""

    id: str
    kind: str
    difficulty: int = 1
    minutes: int = 5
    access: AccessFacts = AccessFacts()


def target_difficulty(mastery: float) -> int:
    """The exercise difficulty (1-5) that fits a predicted mastery.

    Examples:
        >>> [target_difficulty(p) for p in (0.0, 0.3, 0.5, 0.8, 1.0)]
        [1, 2, 3, 4, 5]
    """
    return max(1, min(5, round(1 + 4 * max(0.0, min(1.0, mastery)))))


Preference = Callable[[MaterialFacts], tuple[int, ...]]
"""Lower first, before difficulty: how well a material is known to suit the learner, then reads for them."""


def _indifferent(_: MaterialFacts) -> tuple[int, ...]:
    return ()


def _nearest(pool: Iterable[MaterialFacts], level: int, prefer: Preference = _indifferent) -> MaterialFacts | None:
    """The material whose difficulty is nearest ``level`` (ties: easier, then id), preferred ones first."""
    return min(pool, key=lambda m: (prefer(m), abs(m.difficulty - level), m.difficulty, m.id), default=None)


def choose_materials(
    candidates: Sequence[MaterialFacts], mastery: float, prefer: Preference = _indifferent
) -> list[MaterialFacts]:
    """The materials for one step, in study order.

    - mastery below ``LOW_MASTERY``: an explanation (or reading, or video), a worked
      example, then the exercise nearest the target difficulty;
    - below ``HIGH_MASTERY``: a worked example, then that exercise;
    - otherwise: the exercise nearest the target difficulty, then one more at that
      level or harder when there is one.

    A kind the concept lacks is skipped, but for the worked example, where an explanation
    stands in: a photosensitive learner whose example flashed was given the exercise alone,
    where a peer was shown the method first. With no exercise, reading material stands in.
    ``prefer`` ranks materials before difficulty does (lower first): the one known to suit
    a learner's needs over one whose metadata does not say.

    Examples:
        >>> pool = [MaterialFacts("ex-easy", "exercise", 1), MaterialFacts("ex-hard", "exercise", 5),
        ...         MaterialFacts("expl", "explanation", 1), MaterialFacts("wex", "example", 2)]
        >>> [m.id for m in choose_materials(pool, 0.1)]
        ['expl', 'wex', 'ex-easy']
        >>> [m.id for m in choose_materials(pool, 0.5)]
        ['wex', 'ex-easy']
        >>> [m.id for m in choose_materials(pool, 0.95)]
        ['ex-hard']
        >>> [m.id for m in choose_materials([m for m in pool if m.id != "wex"], 0.5)]
        ['expl', 'ex-easy']
    """
    level = target_difficulty(mastery)
    exercises = [m for m in candidates if m.kind == "exercise"]
    examples = [m for m in candidates if m.kind == "example"]
    readings = sorted(
        (m for m in candidates if m.kind in _READING_KINDS),
        key=lambda m: (prefer(m), _READING_KINDS.index(m.kind), m.difficulty, m.id),
    )
    chosen: list[MaterialFacts] = []
    if mastery < LOW_MASTERY:
        chosen.extend(readings[:1])
    if mastery < HIGH_MASTERY:
        example = _nearest(examples, min(level, 2), prefer)
        if example is not None:
            chosen.append(example)
        elif mastery >= LOW_MASTERY and readings:  # none, or none the learner can use: the explanation stands in
            chosen.append(readings[0])
        exercise = _nearest(exercises, level, prefer)
        if exercise is not None:
            chosen.append(exercise)
    else:
        first = _nearest(exercises, level, prefer)
        if first is not None:
            harder = (m for m in exercises if m.id != first.id and m.difficulty >= first.difficulty)
            second = _nearest(harder, level, prefer)
            chosen.extend(sorted([first, *([second] if second else [])], key=lambda m: (m.difficulty, m.id)))
    if not chosen:
        chosen.extend(readings[:1] or sorted(examples, key=lambda m: (prefer(m), m.difficulty, m.id))[:1])
    return chosen


@dataclass(frozen=True, slots=True)
class Choice:
    """The materials chosen for one concept under a learner's needs, and what the needs changed.

    ``left_out``: materials the choice would have made without the needs, and why each
    does not suit (a stated hazard, a mode the learner lacks). ``not_known``: chosen
    materials whose metadata does not say whether they suit, with what it leaves unsaid.
    ``none_suit``: the concept has materials, but none the learner can be offered.
    """

    materials: list[MaterialFacts]
    left_out: tuple[tuple[MaterialFacts, Fit], ...] = ()
    not_known: tuple[tuple[MaterialFacts, Fit], ...] = ()
    none_suit: bool = False

    def left_out_phrases(self) -> list[str]:
        """Each left-out material in words (``graph.wording.unsuited``); past three, counted by kind and why.

        Examples:
            >>> left = (MaterialFacts("v", "video"), Fit(hazards=("flashing",)))
            >>> Choice([], (left,), none_suit=True).left_out_phrases()
            ['a video with flashing']
        """
        why = [(m.kind, f.hazards, f.missing_modes) for m, f in self.left_out]
        if len(why) <= 3:
            return [unsuited(*w) for w in why]
        return [unsuited(*w, count=n) for w, n in Counter(why).items()]

    def not_stated_sentences(self, needs: AccessNeeds, subject: Callable[[MaterialFacts], str]) -> list[str]:
        """For each chosen material not known to suit, what its metadata leaves unsaid (repeats once).

        ``subject`` names a material in the sentence (``"Its"``, ``"The exercise's"``).
        """
        return list(dict.fromkeys(not_stated_text(f, needs, subject(m)) for m, f in self.not_known))


def not_stated_text(suits: Fit, needs: AccessNeeds, subject: str) -> str:
    """What a material's metadata does not say about ``needs`` (``graph.wording.not_stated_sentence``).

    Examples:
        >>> not_stated_text(Fit(modes_unstated=True), AccessNeeds(access_modes=("auditory", "textual")), "Its")
        'Its access modes are not stated, so it may need sight.'
    """
    return not_stated_sentence(subject, suits.unstated_hazards, needs.lacked if suits.modes_unstated else None)


def choose_for_needs(candidates: Sequence[MaterialFacts], mastery: float, needs: AccessNeeds | None) -> Choice:
    """``choose_materials`` under a learner's needs: unsuitable materials left out, those known to suit first.

    Examples:
        >>> video = MaterialFacts("video", "video", access=AccessFacts(hazards=("flashing",)))
        >>> text = MaterialFacts("text", "explanation", access=AccessFacts(hazards=("none",)))
        >>> quiet = MaterialFacts("quiz", "exercise")
        >>> choice = choose_for_needs([video, text, quiet], 0.1, AccessNeeds(("flashing",)))
        >>> [m.id for m in choice.materials], [m.id for m, _ in choice.not_known]
        (['text', 'quiz'], ['quiz'])
        >>> choose_for_needs([video], 0.1, AccessNeeds(("flashing",))).none_suit
        True
    """
    if needs is None:
        return Choice(choose_materials(candidates, mastery))

    def reads(m: MaterialFacts) -> tuple[int, ...]:  # one French material displaced an English video
        return (needs.language_rank(m.access.language),)

    if not needs.stated:
        return Choice(choose_materials(candidates, mastery, reads))
    fits = {m.id: fit(m.access, needs) for m in candidates}
    usable = [m for m in candidates if not fits[m.id].left_out]
    chosen = choose_materials(usable, mastery, lambda m: (fits[m.id].rank, *reads(m)))
    unsuited = [m for m in choose_materials(candidates, mastery, reads) if fits[m.id].left_out]
    if not chosen:  # nothing suits: say why for every material the concept has, not only the first picks
        unsuited = sorted(candidates, key=lambda m: (_KIND_ORDER.get(m.kind, 9), m.difficulty, m.id))
    return Choice(
        chosen,
        tuple((m, fits[m.id]) for m in unsuited),
        tuple((m, fits[m.id]) for m in chosen if not fits[m.id].known),
        bool(candidates) and not chosen,
    )
