"""What to study next: materials from the ready-to-learn fringe, ranked, with reasons.

The fringe is every concept the student has not mastered whose prerequisites they all
have: what they can learn now without being stuck. A material from it scores higher
when its concept leads toward one of the student's targets (the closer, the better),
when learning it makes more concepts ready, and when its difficulty fits the student's
predicted mastery. Materials the student already completed successfully are left out
until they are due for review (spaced repetition: the interval grows with each success).

With a learner's access needs (``graph.access_needs``), a material that states a hazard
they avoid or that they cannot use is never offered, and one whose metadata does not say
comes after every material known to suit, whatever its score; its reason says what is
not stated, and a concept's recommendations say what was left out of it.

What the attempts say is read in ``graph.recommend_history`` and the reasons are worded in
``graph.recommend_wording``; this module ranks, and is the import path for both.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import networkx as nx

from graph.access_needs import AccessNeeds, fit
from graph.doubt import Doubt
from graph.errors import ConceptNotFound, InvalidInput
from graph.learning_path import DEFAULT_THRESHOLD, check_mastery_threshold
from graph.material_choice import MaterialFacts, choose_for_needs, not_stated_text, target_difficulty
from graph.recommend_history import (
    REVIEW_DAYS,
    Completion,
    completions,
    revisited_prerequisites,
    struggling_concepts,
)
from graph.recommend_wording import again, due, ready_reason
from graph.wording import concept_label, left_out_sentence

__all__ = [
    "REVIEW_DAYS",
    "Completion",
    "Recommendation",
    "completions",
    "fringe_inputs",
    "ready_fringe",
    "recommend_materials",
    "revisited_prerequisites",
    "struggling_concepts",
    "unsuited_concepts",
]


@dataclass(frozen=True, slots=True)
class Recommendation:
    """One material to study next, for which concept, how strongly, and why."""

    material: str
    concept: str
    score: float
    reason: str
    review: bool = False
    #: The student's predicted mastery of the concept (the figure in the reason).
    mastery: float = 0.0
    #: The nearest target the concept leads to, and how many prerequisite steps away (0: it is one).
    target: str | None = None
    steps_away: int | None = None
    #: Concepts learning this one makes ready (all their other prerequisites are mastered).
    unlocks: tuple[str, ...] = ()
    #: For a review: whole days since the student last answered the material correctly.
    days_since_correct: int | None = None
    #: The stated needs its metadata says nothing about (hazards, ``accessMode``): it comes after those known to suit.
    not_stated: tuple[str, ...] = ()
    #: The mastery the ranking counted: ``mastery``, or half when the student keeps failing the concept
    #: (``struggling``) or one built on it (``doubted_by``), as a learning path counts it.
    planned_mastery: float = 0.0
    struggling: bool = False
    doubted_by: str | None = None


def ready_fringe(
    dag: nx.DiGraph[str],
    mastery: Mapping[str, float],
    threshold: float = DEFAULT_THRESHOLD,
    revisits: Collection[str] = (),
) -> list[str]:
    """Unmastered concepts whose prerequisites are all mastered, in id order.

    Only roots and dependents of mastered concepts can qualify, so the walk is over
    those rather than the whole graph. ``revisits`` (``Doubt.revisits``) are ready
    whatever their prerequisites: the student had mastered them.

    Examples:
        >>> g = nx.DiGraph([("a", "b"), ("b", "c"), ("x", "c")])
        >>> ready_fringe(g, {"a": 0.9})
        ['b', 'x']
    """

    def mastered(c: str) -> bool:
        return mastery.get(c, 0.0) >= threshold

    candidates = _fringe_candidates(dag, mastery, threshold, revisits)
    return sorted(c for c in candidates if not mastered(c) and (c in revisits or all(mastered(p) for p in dag.pred[c])))


def _fringe_candidates(
    dag: nx.DiGraph[str], mastery: Mapping[str, float], threshold: float, revisits: Collection[str]
) -> set[str]:
    """The concepts that may be on the fringe: roots, revisits and the dependents of mastered concepts."""
    candidates = {c for c, d in dag.in_degree() if d == 0} | {c for c in revisits if c in dag}
    candidates.update(d for c, p in mastery.items() if p >= threshold and c in dag for d in dag.succ[c])
    return candidates


def fringe_inputs(
    dag: nx.DiGraph[str],
    mastery: Mapping[str, float],
    threshold: float = DEFAULT_THRESHOLD,
    revisits: Collection[str] = (),
) -> set[str]:
    """The concepts whose estimates decide the fringe as far as ``mastery`` reaches: candidates and their prerequisites.

    A caller that predicts the estimates it lacks predicts these until none is missing.
    Predicting only the fringe itself missed a concept the model calls mastered behind a
    prerequisite it does not (Adding Integers at 85% behind Absolute Value at 73%): not on
    the fringe, it was never predicted, counted as 0, and what it opens (the learning
    path's first step) was never offered. A candidate is predicted whether ready or not.

    Examples:
        >>> g = nx.DiGraph([("root", "abs"), ("root", "add"), ("abs", "add"), ("add", "mul")])
        >>> sorted(fringe_inputs(g, {}))
        ['root']
        >>> sorted(fringe_inputs(g, {"root": 0.9, "abs": 0.7}))
        ['abs', 'add', 'root']
        >>> sorted(fringe_inputs(g, {"root": 0.9, "abs": 0.7, "add": 0.85}))
        ['abs', 'add', 'mul', 'root']
    """
    candidates = _fringe_candidates(dag, mastery, threshold, revisits)
    return candidates | {p for c in candidates for p in dag.pred[c]}


def _distances_to(
    dag: nx.DiGraph[str], targets: Sequence[str], mastered: Callable[[str], bool], revisits: Collection[str] = ()
) -> dict[str, tuple[int, str]]:
    """Prerequisite steps from each concept still needed for a target to the nearest one, and which (targets: 0).

    The walk skips mastered targets and stops at mastered concepts, as a learning path
    does: what lies behind them is not needed to reach the target, and ranking it
    "toward the target" sent students the other way from their path.
    """
    distance = {t: (0, t) for t in targets if not mastered(t)}
    frontier = list(distance)
    while frontier:
        layer: list[str] = []
        for concept in frontier:
            for p in () if concept in revisits else dag.pred[concept]:
                if p not in distance and not mastered(p):
                    distance[p] = (distance[concept][0] + 1, distance[concept][1])
                    layer.append(p)
        frontier = layer
    return distance


def recommend_materials(
    dag: nx.DiGraph[str],
    mastery: Mapping[str, float],
    materials_of: Callable[[str], Sequence[MaterialFacts]],
    *,
    targets: Sequence[str] = (),
    completed: Mapping[str, Completion] | None = None,
    concept_of_material: Mapping[str, str] | None = None,
    now: datetime,
    first: int = 10,
    threshold: float = DEFAULT_THRESHOLD,
    needs: AccessNeeds | None = None,
    within: Collection[str] | None = None,
    struggling: Collection[str] = (),
    revisited: Collection[tuple[str, str]] = (),
) -> list[Recommendation]:
    """The ``first`` best materials to study next, best first (ties: material id).

    Args:
        dag: the prerequisite DAG; nodes may carry a ``label``.
        mastery: concept id -> predicted mastery (missing: not known).
        materials_of: the materials linked to a concept.
        targets: concepts the student wants to reach.
        completed: materials answered successfully (see ``completions``).
        concept_of_material: for completed materials due for review, the concept
            each one is reviewed for.
        now: the time reviews are judged against.
        first: how many to return.
        threshold: mastery at or above which a concept counts as mastered.
        needs: the learner's access needs for this request: unsuitable materials are left
            out, and those not known to suit come after the rest.
        within: only materials for these concepts (a curriculum's); ``None``: any. The
            ranking still counts what they unlock and how near they are to the targets.
        struggling: concepts the student keeps failing: they and what they build on count
            as a learning path counts them (``Doubt``), so a doubted prerequisite comes back
            to learn before what builds on it, with the path's words for why.
        revisited: ``(prerequisite, struggling concept)`` pairs no longer doubted
            (``revisited_prerequisites``).

    Raises:
        ConceptNotFound: a target is not in the graph.
        InvalidInput: ``first`` is negative, or ``threshold`` is not in (0, 1].

    Examples:
        >>> g = nx.DiGraph([("a", "b"), ("b", "goal"), ("a", "side")])
        >>> facts = {c: [MaterialFacts(f"{c}-ex", "exercise", 2)] for c in g}
        >>> recs = recommend_materials(g, {"a": 0.9}, lambda c: facts[c], targets=["goal"],
        ...                            now=datetime(2026, 1, 1))
        >>> [(r.material, r.concept) for r in recs]
        [('b-ex', 'b'), ('side-ex', 'side')]
    """
    if first < 0:
        raise InvalidInput(f"first must not be negative, got {first}", field="first")
    check_mastery_threshold(threshold)
    for t in targets:
        if t not in dag:
            raise ConceptNotFound(t, field="targets")
    done = completed or {}
    doubt = Doubt.of(dag, struggling, revisited=revisited)
    predicted, mastery = mastery, doubt.apply(mastery)
    revisits = doubt.revisits(predicted, threshold)
    distance = _distances_to(dag, list(dict.fromkeys(targets)), lambda c: mastery.get(c, 0.0) >= threshold, revisits)
    scored: list[Recommendation] = []
    for concept in ready_fringe(dag, mastery, threshold, revisits):
        p = mastery.get(concept, 0.0)
        doubted = " ".join(doubt.sentences(dag, concept))
        unlocks = [
            d
            for d in dag.succ[concept]
            if mastery.get(d, 0.0) < threshold
            and all(q == concept or mastery.get(q, 0.0) >= threshold for q in dag.pred[d])
        ]
        toward = 2.0 + 1.0 / (1 + distance[concept][0]) if concept in distance else 0.0
        choice = choose_for_needs(materials_of(concept), p, needs)
        unsaid = {m.id: f for m, f in choice.not_known}
        left = left_out_sentence(concept_label(dag, concept), choice.left_out_phrases(), none_suit=False)
        for rank, material in enumerate(_offered(choice.materials, done, now)):
            level_fit = 1.0 - abs(material.difficulty - target_difficulty(p)) / 4
            score = toward + len(unlocks) / (1 + len(unlocks)) + 0.5 * level_fit - 0.05 * rank
            reason = ready_reason(
                dag, concept, distance.get(concept), unlocks, material, predicted.get(concept, 0.0), p
            )
            if doubted:
                reason = f"{doubted} {reason}"
            completion = done.get(material.id)
            days = completion.days_since(now) if completion is not None else None
            if completion is not None and completion.due(now):  # it gave only the fringe's reason
                reason = f"{due(dag, concept, material, days)} {reason}"
            elif completion is not None:
                reason = f"{again(dag, concept, material, days, predicted.get(concept, 0.0))} {reason}"
            if needs is not None and material.id in unsaid:
                reason += " " + not_stated_text(unsaid[material.id], needs, "Its")
            if choice.left_out:
                reason += " " + left
            near = distance.get(concept)
            scored.append(
                Recommendation(
                    material.id,
                    concept,
                    round(score, 4),
                    reason,
                    review=completion is not None and completion.due(now),
                    mastery=predicted.get(concept, 0.0),
                    target=near[1] if near else None,
                    steps_away=near[0] if near else None,
                    unlocks=tuple(sorted(unlocks)),
                    days_since_correct=days,
                    not_stated=unsaid[material.id].not_stated if material.id in unsaid else (),
                    planned_mastery=p,
                    struggling=concept in doubt.failing,
                    doubted_by=doubt.doubted.get(concept),
                )
            )
    scored.extend(
        _reviews(
            dag,
            predicted,
            materials_of,
            done,
            concept_of_material or {},
            now,
            {r.material for r in scored},
            needs,
            doubt,
        )
    )
    if within is not None:
        scored = [r for r in scored if r.concept in within]
    scored.sort(key=lambda r: (bool(r.not_stated), -r.score, r.material))
    # a material teaching two ready concepts came once for each: the same reading twice, in two of `first`
    # slots (an audit); it comes once, for the concept it ranks best for
    once: dict[str, Recommendation] = {}
    for recommendation in scored:
        once.setdefault(recommendation.material, recommendation)
    return list(once.values())[:first]


def unsuited_concepts(
    dag: nx.DiGraph[str],
    mastery: Mapping[str, float],
    materials_of: Callable[[str], Sequence[MaterialFacts]],
    needs: AccessNeeds | None,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    within: Collection[str] | None = None,
    struggling: Collection[str] = (),
    revisited: Collection[tuple[str, str]] = (),
) -> list[str]:
    """The concepts ready to learn whose materials all fail the learner's needs, by id.

    ``recommend_materials`` offers none of their materials, so such a concept vanished
    from a blind learner's list without a word, where a learning path keeps it as a step
    with ``noSuitableMaterial``: a teacher needs to know to find a material for it.

    Examples:
        >>> from graph.access_needs import AccessFacts
        >>> g = nx.DiGraph([("a", "b")])
        >>> flashing = {"a": [MaterialFacts("a-video", "video", access=AccessFacts(hazards=("flashing",)))]}
        >>> unsuited_concepts(g, {}, lambda c: flashing.get(c, []), AccessNeeds(("flashing",)))
        ['a']
    """
    if needs is None or not needs.stated:
        return []
    doubt = Doubt.of(dag, struggling, revisited=revisited)  # the recommendations' fringe
    revisits = doubt.revisits(mastery, threshold)
    mastery = doubt.apply(mastery)
    return sorted(
        concept
        for concept in ready_fringe(dag, mastery, threshold, revisits)
        if (within is None or concept in within)
        and choose_for_needs(materials_of(concept), mastery.get(concept, 0.0), needs).none_suit
    )


def _reviews(
    dag: nx.DiGraph[str],
    mastery: Mapping[str, float],
    materials_of: Callable[[str], Sequence[MaterialFacts]],
    done: Mapping[str, Completion],
    concept_of_material: Mapping[str, str],
    now: datetime,
    already: set[str],
    needs: AccessNeeds | None,
    doubt: Doubt,
) -> list[Recommendation]:
    """Completed materials due for review, outside the fringe (none that the learner's needs leave out).

    None of a concept the student keeps failing (``doubt.failing``): three wrong answers
    today on an exercise answered right 83 days ago offered it as "Due for review" with
    the estimate's 82%, where the path counted 41% and said to revisit what it builds on.
    A doubted prerequisite's review carries the figure the plan counts and whose failures
    halved it.
    """
    out: list[Recommendation] = []
    for material, completion in sorted(done.items()):
        concept = concept_of_material.get(material)
        if material in already or concept is None or concept not in dag or not completion.due(now):
            continue
        if concept in doubt.failing:
            continue
        facts = next((m for m in materials_of(concept) if m.id == material), None)
        if facts is None:
            continue
        suits = fit(facts.access, needs) if needs is not None and needs.stated else None
        if suits is not None and suits.left_out:
            continue
        days = completion.days_since(now)
        estimate = mastery.get(concept, 0.0)
        level_fit = 1.0 - abs(facts.difficulty - target_difficulty(estimate)) / 4
        # "...got it right 35 days ago (Multiplying Monomials)": what was "it"? The concept comes first.
        reason = " ".join([*doubt.sentences(dag, concept), due(dag, concept, facts, days)])
        if needs is not None and suits is not None and not suits.known:
            reason += " " + not_stated_text(suits, needs, "Its")
        out.append(
            Recommendation(
                material,
                concept,
                round(0.5 + 0.5 * level_fit, 4),
                reason,
                review=True,
                mastery=estimate,
                planned_mastery=doubt.effective(concept, estimate),
                days_since_correct=days,
                not_stated=suits.not_stated if suits is not None else (),
                doubted_by=doubt.doubted.get(concept),
            )
        )
    return out


def _offered(materials: Sequence[MaterialFacts], done: Mapping[str, Completion], now: datetime) -> list[MaterialFacts]:
    """The materials of a concept not mastered yet to offer: those not answered right lately, else the oldest.

    A material answered right waits until it is due for review. When every one a
    concept has waits, the concept had nothing in the list, though not mastered: a
    student at 76% on their target was offered nothing toward it while their path said
    to practise it. Then the one answered right longest ago comes back.

    Examples:
        >>> ex, ch = MaterialFacts("ex", "exercise", 2), MaterialFacts("ch", "exercise", 4)
        >>> now = datetime(2026, 1, 3)
        >>> done = {"ex": Completion("ex", 1, datetime(2026, 1, 2))}
        >>> [m.id for m in _offered([ex, ch], done, now)]
        ['ch']
        >>> done["ch"] = Completion("ch", 1, datetime(2026, 1, 1))
        >>> [m.id for m in _offered([ex, ch], done, now)]
        ['ch']
    """
    waiting = [m for m in materials if m.id in done and not done[m.id].due(now)]
    offered = [m for m in materials if m not in waiting]
    if offered or not waiting:
        return offered
    return [min(waiting, key=lambda m: (done[m.id].last_success, m.id))]
