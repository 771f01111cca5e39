"""A student's learning path to one or several target concepts.

Pure: the prerequisite DAG (edges run prerequisite -> concept), a mastery map and the
materials each concept offers come in; an ordered plan comes out. Nothing here reads a
store or calls a model.

Which concepts are steps. A concept is a step when a target needs it and the student
has not mastered it (effective mastery below the threshold). The walk from each target
goes back through prerequisites and stops at mastered ones: a mastered concept is
"assumed" (listed with its probability), and what lies behind it is not revisited. A
concept with no estimate counts as ``unknown_mastery`` (0 by default: not known).

Doubt. When a student keeps failing a concept (``struggling``), a tutor suspects its
prerequisites: their effective mastery is multiplied by ``1 - doubt`` for this plan, so
a prerequisite the model believed mastered can come back as a step, with a reason.

Order (how ties are broken). Among the many orders where every prerequisite comes
first, the path takes the one a teacher would: after each step, go on with a concept
that step has just made ready (finish a chain before starting an unrelated one, which
also keeps closely related concepts together); when several are ready, or none builds
on the last step, take the one whose chain of unmastered prerequisites is cheapest (the
fewest estimated minutes), then the concept id. The same inputs always give the same
path. ``python -m bench.path_order`` compares the result with the section order of real
textbooks on their own concept graphs.

Needs. With a learner's access needs (``graph.access_needs``), a step's materials leave
out those stating a hazard the learner avoids or that the learner cannot use, and prefer
those known to suit; the reason says what was left out or is not known. A concept with no
suitable material stays a step (its prerequisites do not change), and says so.

This module holds the plan and its types; which concepts are steps and their order are
worked out in ``graph.path_order``, the reasons and summary worded in
``graph.path_wording``, and ``Doubt`` is in ``graph.doubt`` (the next materials read it too).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

from graph.access_needs import AccessNeeds
from graph.doubt import Doubt
from graph.errors import ConceptNotFound, InvalidInput
from graph.material_choice import MaterialFacts, choose_for_needs
from graph.path_order import needed_concepts, targets_reached, teaching_order
from graph.path_wording import needs_reason, path_summary, step_reason

__all__ = [
    "DEFAULT_MINUTES",
    "DEFAULT_THRESHOLD",
    "AssumedConcept",
    "LearningPath",
    "PathStep",
    "check_mastery_threshold",
    "plan_learning_path",
]

#: Mastery at or above which a concept needs no study.
DEFAULT_THRESHOLD = 0.8
#: Estimated minutes of a step whose concept has no materials.
DEFAULT_MINUTES = 10

MaterialsOf = Callable[[str], Sequence[MaterialFacts]]


@dataclass(frozen=True, slots=True)
class PathStep:
    """One concept to study, why, with what, and for how long."""

    concept: str
    mastery: float
    reason: str
    leads_to: tuple[str, ...]
    via: str | None
    materials: tuple[str, ...]
    minutes: int
    revisit: bool = False
    #: The mastery the plan counted: ``mastery``, or less when the student keeps failing
    #: this concept or one built on it.
    planned_mastery: float = 0.0
    #: Whether the student keeps getting this concept wrong.
    struggling: bool = False
    #: The concept the student keeps failing that builds on this one (why it was discounted).
    doubted_by: str | None = None
    #: Materials the step would have had but that do not suit the learner's stated needs.
    left_out_for_needs: tuple[str, ...] = ()
    #: Chosen materials whose metadata does not say whether they suit those needs.
    not_known_to_suit: tuple[str, ...] = ()
    #: The concept has materials, but none suits the stated needs.
    no_suitable_material: bool = False


@dataclass(frozen=True, slots=True)
class AssumedConcept:
    """A prerequisite on the way that the student has mastered (not a step)."""

    concept: str
    mastery: float


@dataclass(frozen=True, slots=True)
class LearningPath:
    """The plan: steps in study order and what was assumed, cut, or already known."""

    targets: tuple[str, ...]
    steps: tuple[PathStep, ...]
    assumed: tuple[AssumedConcept, ...]
    mastered_targets: tuple[str, ...]
    left_out: tuple[PathStep, ...]
    unreached_targets: tuple[str, ...]
    threshold: float
    #: The path in a sentence or three: its targets (named once here, not in every step's
    #: reason), its length, and what ``max_minutes`` cut off and why.
    summary: str = ""
    max_minutes: int | None = None
    #: Each target's mastery as predicted and as the plan counted it, in ``targets``' order.
    target_mastery: tuple[tuple[str, float, float], ...] = ()
    #: Targets asked for that are topics: concepts with narrower ones and nothing to study of their
    #: own, each standing for its narrower concepts (which are in ``targets``).
    topics: tuple[str, ...] = ()

    @property
    def total_minutes(self) -> int:
        """Estimated minutes of the steps kept."""
        return sum(s.minutes for s in self.steps)

    @property
    def truncated(self) -> bool:
        """Whether ``max_minutes`` cut steps off."""
        return bool(self.left_out)

    @property
    def next_step_minutes(self) -> int | None:
        """The minutes of the first step cut off (more than the budget had left); None when none was."""
        return self.left_out[0].minutes if self.left_out else None


def plan_learning_path(
    dag: nx.DiGraph[str],
    targets: Sequence[str],
    mastery: Mapping[str, float],
    *,
    materials_of: MaterialsOf = lambda _: (),
    threshold: float = DEFAULT_THRESHOLD,
    max_minutes: int | None = None,
    struggling: Collection[str] = (),
    revisited: Collection[tuple[str, str]] = (),
    doubt: float = 0.5,
    unknown_mastery: float = 0.0,
    default_minutes: int = DEFAULT_MINUTES,
    needs: AccessNeeds | None = None,
) -> LearningPath:
    """Plan the study of ``targets`` for a student with the given mastery.

    Args:
        dag: the prerequisite DAG; nodes may carry a ``label``.
        targets: concept ids, in the order the student gave them.
        mastery: concept id -> predicted probability of mastery.
        materials_of: the materials linked to a concept.
        threshold: mastery at or above which a concept is not a step.
        max_minutes: cut the path after the longest prefix that fits.
        struggling: concepts the student keeps failing (their prerequisites are doubted).
        revisited: ``(prerequisite, struggling concept)`` pairs not doubted: the student got the
            prerequisite right since the failures began (``graph.recommend.revisited_prerequisites``).
        doubt: how much a struggling concept lowers its direct prerequisites' mastery.
        unknown_mastery: the mastery of a concept with no estimate.
        default_minutes: the minutes of a step whose concept has no materials.
        needs: the learner's access needs for this request (``None``: none stated).

    Returns:
        The learning path.

    Raises:
        ConceptNotFound: a target is not in the graph.
        InvalidInput: an empty target list, or a threshold or budget out of range.

    Examples:
        >>> g = nx.DiGraph([("add", "mul"), ("mul", "pow"), ("add", "sub")])
        >>> path = plan_learning_path(g, ["pow", "sub"], {"add": 0.9})
        >>> [s.concept for s in path.steps], [a.concept for a in path.assumed]
        (['mul', 'pow', 'sub'], ['add'])
        >>> path.steps[0].reason
        'Needed for pow (your target). Predicted mastery 0%, below 80%.'
        >>> path.summary
        '3 steps, about 30 minutes, toward your targets: pow and sub.'
    """
    _check_arguments(dag, targets, threshold, max_minutes)
    goals = tuple(dict.fromkeys(targets))
    doubts = Doubt.of(dag, struggling, doubt, revisited=revisited)
    failing, doubted = doubts.failing, doubts.doubted

    def effective(concept: str) -> float:
        return doubts.effective(concept, mastery.get(concept, unknown_mastery))

    mastered_targets = tuple(t for t in goals if effective(t) >= threshold)
    revisits = doubts.revisits({c: mastery.get(c, unknown_mastery) for c in doubted}, threshold)
    needed, assumed = needed_concepts(
        dag, [t for t in goals if t not in mastered_targets], effective, threshold, revisits
    )
    choices = {c: choose_for_needs(materials_of(c), effective(c), needs) for c in needed}
    chosen = {c: choices[c].materials for c in needed}
    minutes = {c: sum(m.minutes for m in chosen[c]) or default_minutes for c in needed}
    order = teaching_order([t for t in goals if t in needed], needed, minutes)
    position = {c: i for i, c in enumerate(order)}
    leads_to = targets_reached(goals, needed)
    later_steps: dict[str, list[str]] = {c: [] for c in needed}
    for concept, prerequisites in needed.items():
        for prerequisite in prerequisites:
            later_steps[prerequisite].append(concept)

    steps: list[PathStep] = []
    for concept in order:
        p = mastery.get(concept, unknown_mastery)  # shown as predicted; a doubted one is planned at effective()
        later = later_steps[concept]
        via = min(later, key=position.__getitem__) if later else None
        steps.append(
            PathStep(
                concept=concept,
                mastery=p,
                reason=step_reason(
                    dag,
                    concept,
                    via,
                    leads_to[concept],
                    doubted.get(concept),
                    p,
                    threshold,
                    effective(concept),
                    failing=concept in failing,
                    several=len(goals) > 1,
                    pool=len(goals) - len(mastered_targets),
                )
                + needs_reason(dag, concept, choices[concept], needs),  # fmt: skip
                leads_to=leads_to[concept],
                via=via,
                materials=tuple(m.id for m in chosen[concept]),
                minutes=minutes[concept],
                revisit=(concept in doubted or concept in failing) and p >= threshold,  # believed mastered
                planned_mastery=effective(concept),
                struggling=concept in failing,
                doubted_by=doubted.get(concept),
                left_out_for_needs=tuple(m.id for m, _ in choices[concept].left_out),
                not_known_to_suit=tuple(m.id for m, _ in choices[concept].not_known),
                no_suitable_material=choices[concept].none_suit,
            )
        )
    kept, left_out = _cut(steps, max_minutes)
    left_ids = {s.concept for s in left_out}
    unreached = tuple(t for t in goals if t in left_ids)
    return LearningPath(
        targets=goals,
        steps=tuple(kept),
        assumed=tuple(AssumedConcept(c, effective(c)) for c in sorted(assumed)),
        mastered_targets=mastered_targets,
        left_out=tuple(left_out),
        unreached_targets=unreached,
        threshold=threshold,
        summary=path_summary(dag, goals, kept, left_out, mastered_targets, unreached, max_minutes, effective),
        max_minutes=max_minutes,
        target_mastery=tuple((t, mastery.get(t, unknown_mastery), effective(t)) for t in goals),
    )


def check_mastery_threshold(threshold: float) -> None:
    """Refuse a ``masteryThreshold`` outside (0, 1]: at 0 everything would count as mastered."""
    if not 0.0 < threshold <= 1.0:
        raise InvalidInput(f"masteryThreshold must be in (0, 1], got {threshold}", field="masteryThreshold")


def _check_arguments(dag: nx.DiGraph[str], targets: Sequence[str], threshold: float, max_minutes: int | None) -> None:
    if not targets:
        raise InvalidInput("give at least one target concept", field="targets")
    for t in targets:
        if t not in dag:
            raise ConceptNotFound(t, field="targets")
    check_mastery_threshold(threshold)
    if max_minutes is not None and max_minutes < 0:
        raise InvalidInput(f"maxMinutes must not be negative, got {max_minutes}", field="maxMinutes")


def _cut(steps: list[PathStep], max_minutes: int | None) -> tuple[list[PathStep], list[PathStep]]:
    """The longest prefix within the budget, and the rest.

    A prefix of a prerequisite-first order needs nothing that comes after it, so a cut
    anywhere is coherent: every kept step has its prerequisites kept or mastered.
    """
    if max_minutes is None:
        return steps, []
    total = 0
    for i, step in enumerate(steps):
        total += step.minutes
        if total > max_minutes:
            return steps[:i], steps[i:]
    return steps, []
