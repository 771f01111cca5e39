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
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

from graph.access_needs import AccessNeeds
from graph.errors import ConceptNotFound, InvalidInput
from graph.material_choice import Choice, MaterialFacts, choose_for_needs
from graph.wording import left_out_sentence, name_list, plural

__all__ = [
    "DEFAULT_MINUTES",
    "DEFAULT_THRESHOLD",
    "AssumedConcept",
    "Doubt",
    "LearningPath",
    "PathStep",
    "check_mastery_threshold",
    "percent",
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
class Doubt:
    """What a student's repeated failures do to the mastery a plan counts.

    A concept failed again and again is not mastered whatever the estimate says (three
    wrong answers left one at 0.84), and what it builds on is suspect: both count at
    ``1 - factor`` of their estimate. A learning path and the next materials read it
    alike: a path said "revisit Integers first" while the next materials offered the
    concept the student kept failing.

    Examples:
        >>> g = nx.DiGraph([("int", "abs")])
        >>> doubt = Doubt.of(g, {"abs"})
        >>> doubt.apply({"int": 0.9, "abs": 0.7}), doubt.doubted
        ({'int': 0.45, 'abs': 0.35}, {'int': 'abs'})
    """

    failing: frozenset[str]
    #: prerequisite -> the struggling concept that builds on it
    doubted: Mapping[str, str]
    factor: float = 0.5

    @classmethod
    def of(
        cls,
        dag: nx.DiGraph[str],
        struggling: Collection[str],
        factor: float = 0.5,
        *,
        revisited: Collection[tuple[str, str]] = (),
    ) -> Doubt:
        """The doubt of ``struggling`` concepts (those the graph does not hold are ignored).

        ``revisited``: ``(prerequisite, struggling concept)`` pairs the student has answered
        the prerequisite right since the run of failures began: that prerequisite is not
        doubted for that concept.
        """
        failing = frozenset(s for s in struggling if s in dag)
        cleared = set(revisited)
        doubted: dict[str, str] = {}
        for s in sorted(failing):
            for p in dag.pred[s]:
                if (p, s) not in cleared:
                    doubted.setdefault(p, s)
        return cls(failing, doubted, factor)

    def effective(self, concept: str, mastery: float) -> float:
        """The mastery a plan counts for ``concept`` whose estimate is ``mastery``."""
        return mastery * (1.0 - self.factor) if concept in self.doubted or concept in self.failing else mastery

    def apply(self, mastery: Mapping[str, float]) -> dict[str, float]:
        """``mastery`` with every doubted or failing concept's estimate counted down."""
        return {c: self.effective(c, p) for c, p in mastery.items()}

    def sentences(self, dag: nx.DiGraph[str], concept: str) -> list[str]:
        """Why ``concept`` is doubted, in the words a path step and a next material both use."""
        name = _label(dag, concept)
        said = [f"You keep getting {name} wrong."] if concept in self.failing else []
        by = self.doubted.get(concept)
        if by is not None:
            said.append(f"You keep missing {_label(dag, by)}, which builds on {name}: revisit {name} first.")
        return said


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
    needed, assumed = _needed(dag, [t for t in goals if t not in mastered_targets], effective, threshold)
    choices = {c: choose_for_needs(materials_of(c), effective(c), needs) for c in needed}
    chosen = {c: choices[c].materials for c in needed}
    minutes = {c: sum(m.minutes for m in chosen[c]) or default_minutes for c in needed}
    order = _teaching_order([t for t in goals if t in needed], needed, minutes)
    position = {c: i for i, c in enumerate(order)}
    leads_to = _targets_reached(goals, needed)
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
                reason=_reason(
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
                + _needs_reason(dag, concept, choices[concept], needs),  # fmt: skip
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
        summary=_summary(dag, goals, kept, left_out, mastered_targets, unreached, max_minutes, effective),
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


def _needed(
    dag: nx.DiGraph[str], roots: Sequence[str], effective: Callable[[str], float], threshold: float
) -> tuple[dict[str, list[str]], set[str]]:
    """Unmastered concepts the roots need (through unmastered ones), each with its needed
    prerequisites (sorted), and the mastered frontier."""
    needed: dict[str, list[str]] = {}
    assumed: set[str] = set()
    stack = list(dict.fromkeys(roots))
    seen = set(stack)
    while stack:
        concept = stack.pop()
        mine = needed[concept] = []
        for p in dag.pred[concept]:
            if p in assumed:
                continue
            if p in seen:
                mine.append(p)
            elif effective(p) >= threshold:
                assumed.add(p)
            else:
                seen.add(p)
                mine.append(p)
                stack.append(p)
        mine.sort()
    return needed, assumed


def _post_order(roots: Sequence[str], children: Callable[[str], Sequence[str]]) -> list[str]:
    """Depth-first post-order from ``roots``: each concept after everything it needs."""
    order: list[str] = []
    done: set[str] = set()
    for root in roots:
        if root in done:
            continue
        done.add(root)
        stack = [(root, iter(children(root)))]
        while stack:
            concept, pending = stack[-1]
            for p in pending:
                if p not in done:
                    done.add(p)
                    stack.append((p, iter(children(p))))
                    break
            else:
                stack.pop()
                order.append(concept)
    return order


def _teaching_order(roots: Sequence[str], needed: Mapping[str, list[str]], minutes: Mapping[str, int]) -> list[str]:
    """A prerequisite-first order that keeps chains together, cheapest first.

    Kahn's algorithm with a priority: among the concepts whose prerequisites are all
    studied, take the one the latest step made ready (so a chain goes on while it can:
    related concepts stay together and a chain is finished before another starts), then
    the one with the cheapest chain of prerequisites, then the id. A concept's rank is
    fixed when it becomes ready, so a heap gives the order in O(n log n).
    """
    cost: dict[str, int] = {}
    for concept in _post_order(roots, needed.__getitem__):
        # The chain's cost, counting a shared prerequisite once per route: an estimate
        # to rank alternatives with, capped so deep diamonds stay cheap to add up.
        cost[concept] = min(minutes[concept] + sum(cost[p] for p in needed[concept]), 10**9)
    waiting = {c: len(ps) for c, ps in needed.items()}
    unlocks: dict[str, list[str]] = {c: [] for c in needed}
    for concept, prerequisites in needed.items():
        for p in prerequisites:
            unlocks[p].append(concept)
    ready = [(1, cost[c], c) for c, n in waiting.items() if n == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        concept = heapq.heappop(ready)[2]
        step = len(order)
        order.append(concept)
        for d in unlocks[concept]:
            waiting[d] -= 1
            if waiting[d] == 0:
                heapq.heappush(ready, (-step, cost[d], d))
    return order


def _targets_reached(goals: Sequence[str], needed: Mapping[str, list[str]]) -> dict[str, tuple[str, ...]]:
    """For each needed concept, the targets it leads to (in the order given)."""
    reached: dict[str, list[str]] = {c: [] for c in needed}
    for target in goals:
        if target not in needed:
            continue
        seen = {target}
        stack = [target]
        while stack:
            concept = stack.pop()
            reached[concept].append(target)
            for p in needed[concept]:
                if p not in seen:
                    seen.add(p)
                    stack.append(p)
    return {c: tuple(ts) for c, ts in reached.items()}


def _label(dag: nx.DiGraph[str], concept: str) -> str:
    return str(dag.nodes[concept].get("label", concept))


def _reason(
    dag: nx.DiGraph[str],
    concept: str,
    via: str | None,
    leads_to: Sequence[str],
    doubted_by: str | None,
    mastery: float,
    threshold: float,
    planned: float,
    *,
    failing: bool = False,
    several: bool = False,
    pool: int = 1,
) -> str:
    """The step's reason in plain words (``planned``: the mastery the plan counts, lower for a doubted one).

    Short, as it is read at every step: the targets are named once in the path's summary,
    and here by name only when one is meant ("Slope (your target)"), otherwise counted
    ("both your targets", "Percents, plus 2 other targets"). ``several``: the path has more
    than one target; ``pool``: how many of them the student has not mastered.
    """
    name = _label(dag, concept)
    parts = Doubt(frozenset({concept} if failing else ()), {concept: doubted_by} if doubted_by else {}).sentences(
        dag, concept
    )
    if concept in leads_to:
        parts.append(f"{name} is one of your targets." if several else f"{name} is your target.")
        others = [t for t in leads_to if t != concept]
        if others:
            parts.append(f"It also leads to {_toward(dag, others, pool=pool - 1, other=True)}.")
    elif via is not None:
        rest = [t for t in leads_to if t != via]  # "Needed for X, on the way to X and Slope" named X twice
        if via in leads_to:
            needed = f"Needed for {_label(dag, via)} (your target)"
            if rest:
                needed += f", and on the way to {_toward(dag, rest, pool=pool - 1, other=True)}"
        else:
            needed = f"Needed for {_label(dag, via)}, on the way to {_toward(dag, rest, pool=pool)}"
        parts.append(needed + ".")
    if planned < mastery:  # the model's figure is shown; what the plan counted, and why, is said
        why = "repeated wrong answers" if failing else f"wrong answers on {_label(dag, doubted_by or concept)}"
        parts.append(f"Predicted mastery {percent(mastery)}, counted as {percent(planned)} after {why}.")
    else:
        parts.append(f"Predicted mastery {percent(mastery)}, below {threshold:.0%}.")
    return " ".join(parts)


def _needs_reason(dag: nx.DiGraph[str], concept: str, choice: Choice, needs: AccessNeeds | None) -> str:
    """What the learner's needs changed in a step's materials, as sentences after its reason ("" for nothing)."""
    if needs is None or not (choice.left_out or choice.not_known):
        return ""
    parts = []
    if choice.left_out:
        parts.append(left_out_sentence(_label(dag, concept), choice.left_out_phrases(), none_suit=choice.none_suit))
    parts += choice.not_stated_sentences(needs, lambda m: f"The {m.kind}'s")
    return " " + " ".join(parts)


def _toward(dag: nx.DiGraph[str], targets: Sequence[str], *, pool: int, other: bool = False) -> str:
    """Targets a step leads to, for its reason: one by name, all of them, or the first and a count.

    ``pool``: how many targets could be here (those of the path, less one the reason has
    already named: then ``other``), so that "all" and "both" are true.

    Examples:
        >>> g = nx.DiGraph()
        >>> g.add_nodes_from([("r", {"label": "Ratios and Proportions"}), ("p", {"label": "Percents"}), "x"])
        >>> _toward(g, ["p"], pool=3), _toward(g, ["r", "p"], pool=2), _toward(g, ["r", "p", "x"], pool=3)
        ('Percents (your target)', 'both your targets', 'all 3 of your targets')
        >>> _toward(g, ["r", "p"], pool=2, other=True)
        'both your other targets'
        >>> _toward(g, ["r", "p"], pool=4), _toward(g, ["r", "p", "x"], pool=4)
        ('Ratios and Proportions, plus 1 other target', 'Ratios and Proportions, plus 2 other targets')
    """
    if len(targets) == 1:
        return f"{_label(dag, targets[0])} (your target)"
    if len(targets) == pool:
        mine = "your other targets" if other else "your targets"
        return f"both {mine}" if pool == 2 else f"all {pool} of {mine}"
    return f"{_label(dag, targets[0])}, plus {plural(len(targets) - 1, 'other target')}"  # "plus": labels hold "and"


def _summary(
    dag: nx.DiGraph[str],
    goals: Sequence[str],
    kept: Sequence[PathStep],
    left_out: Sequence[PathStep],
    mastered: Sequence[str],
    unreached: Sequence[str],
    max_minutes: int | None,
    mastery_of: Callable[[str], float] = lambda _: 1.0,
) -> str:
    """The path in a few sentences: the targets (named here once), its size, and what the budget cut and why."""

    def names(concepts: Sequence[str]) -> str:
        return name_list([_label(dag, c) for c in concepts])

    pending = [t for t in goals if t not in mastered]
    toward = f"your target: {names(pending)}" if len(pending) == 1 else f"your targets: {names(pending)}"
    parts: list[str] = []
    if kept:
        total = sum(s.minutes for s in kept)
        parts.append(f"{plural(len(kept), 'step')}, about {plural(total, 'minute')}, toward {toward}.")
    if left_out:
        budget = plural(max_minutes or 0, "minute")
        first = left_out[0]
        if kept:
            parts.append(
                f"{plural(len(left_out), 'more step')} did not fit in {budget}: "
                f"the next, {_label(dag, first.concept)}, needs {plural(first.minutes, 'minute')}."
            )
            if unreached:
                parts.append(f"Not reached in that time: {names(unreached)}.")
        else:
            parts.append(
                f"No step fits in {budget}: the first, {_label(dag, first.concept)}, "
                f"needs {plural(first.minutes, 'minute')}."
            )
            parts.append(f"The path has {plural(len(left_out), 'step')} toward {toward}.")
    unsuited = [s.concept for s in (*kept, *left_out) if s.no_suitable_material]
    if unsuited:
        parts.append(f"No material suits the needs you gave for {names(unsuited)}.")
    if mastered:
        lead = "Already mastered" if parts else "Nothing to study: you have already mastered"
        # with its figure: a "you have mastered it" screen had no number to show
        known = name_list([f"{_label(dag, c)} ({percent(mastery_of(c))})" for c in mastered])
        parts.append(f"{lead}: {known}." if parts else f"{lead} {known}.")
    return " ".join(parts)


def percent(value: float) -> str:
    """A probability as a whole percent, rounded down: 0.7995 read "80%, below 80%".

    Examples:
        >>> percent(0.7995), percent(0.8), percent(0.0)
        ('79%', '80%', '0%')
    """
    return f"{math.floor(round(value * 100, 6))}%"


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
