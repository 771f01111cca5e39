"""Learning paths and next materials: the student's mastery in, a plan out.

The orchestration between the store, the mastery model and the pure planners: the
mastery map is the stored estimates, completed (for concepts the plan may touch and
that have none) by the model's prediction from the student's history; attempts give the
concepts the student keeps failing and the materials they completed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from graph.access_needs import AccessNeeds, fit
from graph.curriculum_scope import concepts_of_curriculum
from graph.doubt import Doubt
from graph.learning_path import DEFAULT_THRESHOLD, LearningPath, check_mastery_threshold, plan_learning_path
from graph.material_choice import MaterialFacts
from graph.model import Material
from graph.projection import Projection
from graph.recommend import (
    Recommendation,
    completions,
    fringe_inputs,
    recommend_materials,
    revisited_prerequisites,
    struggling_concepts,
    unsuited_concepts,
)
from graph.repository import KnowledgeGraph
from graph.student_data import StudentData, student_data
from graph.wording import plural
from ml.mastery.serving import MasteryService
from resolvers.settled_view import settled
from resolvers.students import with_new_placed

__all__ = ["NEWCOMER", "learning_path", "materials_of_path", "next_materials"]

NEWCOMER = "\x00newcomer"
"""Whom a path previewed without a student is planned for: no attempts, no estimates. No
student id becomes it (ids are keyed, ``stu-...``), so no one's answers ever reach it."""


def _materials_of(projection: Projection) -> Callable[[str], list[MaterialFacts]]:
    """Material facts of a concept, straight from the projection (no store round trip)."""
    types, levels = projection.material_types, projection.material_levels

    def facts(concept: str) -> list[MaterialFacts]:
        return [
            MaterialFacts(m, types.get(m, "reading"), *levels.get(m, (1, 5)), access=projection.access_of(m))
            for m in sorted(projection.materials_of(concept))
        ]

    return facts


def _not_waiting(
    materials_of: Callable[[str], list[MaterialFacts]], waiting: set[str], needs: AccessNeeds | None = None
) -> Callable[[str], list[MaterialFacts]]:
    """``materials_of`` without the exercises the student answered right and that wait for review, while others remain.

    A path prescribed the exercise answered right moments ago, which ``nextMaterials``
    holds back until its review is due (an audit). Where every exercise of a concept
    waits, they stay: the step still needs practice. Which remain is judged under the
    learner's ``needs``: the one left was a flashing drill, the needs then left it out
    too, and the step said no material suited a photosensitive learner, beside a
    ``nextMaterials`` that offered the safe exercise waiting for review.
    """
    if not waiting:
        return materials_of

    def usable(m: MaterialFacts) -> bool:
        return needs is None or not needs.stated or not fit(m.access, needs).left_out

    def facts(concept: str) -> list[MaterialFacts]:
        found = materials_of(concept)
        kept = [m for m in found if m.id not in waiting or m.kind != "exercise"]
        return kept if any(m.kind == "exercise" and usable(m) for m in kept) else found

    return facts


def _mastery_map(
    kg: KnowledgeGraph,
    mastery: MasteryService | None,
    student: str,
    data: StudentData,
    concepts: Iterable[str],
    *,
    unsettled: bool = False,
) -> dict[str, float]:
    """Stored estimates, and the model's prediction for those of ``concepts`` that have none.

    ``unsettled``: the student's stored estimates may lag the model (an attempt moved them
    and the settler has not rewritten them yet, ``EstimateSettler.waits_for``), so every
    one of ``concepts`` is predicted: a path mixed a stale 0.84 with fresh predictions, and
    a right answer then seemed to drop the figure to 0.79 (an audit). One the model moved
    by no more than ``SETTLED_WITHIN`` stays as stored, as the settler will leave it.
    """
    known = {} if _fresh(mastery, unsettled) else dict(data.probabilities)
    _predict_missing(kg, mastery, student, data, known, concepts)
    for concept, stored in data.probabilities.items():  # what the settler will leave of the stored ones
        if concept in known:
            known[concept] = settled(stored, known[concept])
    return known


def _fresh(mastery: MasteryService | None, unsettled: bool) -> bool:
    """Whether to predict every estimate afresh: the stored may lag, and a model is served to predict them."""
    return unsettled and mastery is not None and mastery.version is not None


def _predict_missing(
    kg: KnowledgeGraph,
    mastery: MasteryService | None,
    student: str,
    data: StudentData,
    known: dict[str, float],
    concepts: Iterable[str],
) -> bool:
    """Add to ``known`` the model's prediction for ``concepts`` it lacks; whether any was added."""
    missing = sorted(c for c in set(concepts) if c not in known)
    if not missing or mastery is None or mastery.version is None:
        return False
    with mastery.lock:
        predictor = mastery.ready(
            [student], lambda _: with_new_placed(kg, mastery.predictor, {student: list(data.attempts)})
        )
        # rounded as the graph stores estimates: a path showed 0.887734 beside 0.7892690300941467
        known.update(
            (c, round(float(p), 6)) for c, p in zip(missing, predictor.estimate(student, missing), strict=True)
        )
    return True


def _goals(kg: KnowledgeGraph, targets: Sequence[str]) -> tuple[list[str], dict[str, list[str]]]:
    """The concepts to reach, a topic asked for standing for its narrower concepts; and the topics.

    Raises ``ConceptNotFound`` naming every unknown target, each with the closest id.
    """
    kg.require_concepts([("targets", t) for t in targets])
    topics = kg.topics_among(targets)
    goals = [c for t in targets for c in topics.get(t, [t])]
    return list(dict.fromkeys(goals)), topics


def _with_topics(kg: KnowledgeGraph, path: LearningPath, topics: Mapping[str, Sequence[str]]) -> LearningPath:
    """The path saying which targets were topics, before the rest of its summary."""
    if not topics:
        return path
    said = " ".join(
        f"{kg.projection.label(t) or t} is a topic: its {plural(len(concepts), 'concept')} "
        f"{'is' if len(concepts) == 1 else 'are'} the targets."
        for t, concepts in topics.items()
    )
    return replace(path, topics=tuple(topics), summary=f"{said} {path.summary}")


def learning_path(
    kg: KnowledgeGraph,
    mastery: MasteryService | None,
    student: str | None,
    targets: Sequence[str],
    *,
    threshold: float | None = None,
    max_minutes: int | None = None,
    needs: AccessNeeds | None = None,
    unsettled: bool = False,
) -> LearningPath:
    """The student's path to ``targets`` (``needs``: the learner's access needs, used for this path only).

    ``unsettled``: the student's stored estimates may lag the model (``_mastery_map``).

    ``student`` ``None``: the path a newcomer gets, as the model predicts a student with no
    answers yet; a designer previews what their prerequisites make of a course.
    """
    goals, topics = _goals(kg, targets)
    projection = kg.projection
    region = {c for t in goals for c in kg.prerequisites_of(t, transitive=True)} | set(goals)
    data = student_data(kg, student) if student is not None else StudentData({}, ())
    student = NEWCOMER if student is None else student
    waiting = {m for m, done in completions(data.attempts).items() if not done.due(datetime.now(UTC))}
    path = plan_learning_path(
        projection.dag,
        goals,
        _mastery_map(kg, mastery, student, data, region, unsettled=unsettled),
        materials_of=_not_waiting(_materials_of(projection), waiting, needs),
        threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
        max_minutes=max_minutes,
        struggling=(struggling := struggling_concepts(data.attempts)),
        revisited=revisited_prerequisites(data.attempts, projection.dag, struggling),
        needs=needs,
    )
    return _with_topics(kg, path, topics)


def materials_of_path(kg: KnowledgeGraph, path: LearningPath) -> dict[str, Material]:
    """The records of every material the path chose or left out for the learner's needs, read together."""
    ids = [m for step in (*path.steps, *path.left_out) for m in (*step.materials, *step.left_out_for_needs)]
    return {m.id: m for m in kg.materials_by_ids(ids) if m is not None}


@dataclass(frozen=True)
class NextMaterials:
    """What to study next, and the concepts ready to learn that nothing suits the learner's needs."""

    items: list[Recommendation]
    unsuited: list[str]


def next_materials(
    kg: KnowledgeGraph,
    mastery: MasteryService | None,
    student: str,
    *,
    first: int,
    targets: Sequence[str] = (),
    threshold: float | None = None,
    needs: AccessNeeds | None = None,
    curriculum: str | None = None,
    unsettled: bool = False,
) -> NextMaterials:
    """The materials the student should study next, best first (``needs``: for this answer only).

    ``curriculum``: only materials for its concepts. Importing a second course's curriculum
    otherwise put its first lessons in every student's list ("Ready to learn: Triangles"
    for an algebra class).
    """
    goals, _ = _goals(kg, targets)
    within = _curriculum_concepts(kg, curriculum) if curriculum is not None else None
    limit = DEFAULT_THRESHOLD if threshold is None else threshold
    check_mastery_threshold(limit)
    projection = kg.projection
    data = student_data(kg, student)
    struggling = struggling_concepts(data.attempts)
    revisited = revisited_prerequisites(data.attempts, projection.dag, struggling)
    doubt = Doubt.of(projection.dag, struggling, revisited=revisited)
    # The targets' region is predicted whole, as the learning path predicts it, so the two count alike;
    # past it, a predicted mastery can open concepts beyond the stored estimates' fringe (or close one):
    # predict until every concept that decides the fringe has a value, so none is ranked as if at 0.
    region = {c for t in goals for c in kg.prerequisites_of(t, transitive=True)} | set(goals)
    known = _mastery_map(kg, mastery, student, data, [*data.probabilities, *sorted(region)], unsettled=unsettled)
    while _predict_missing(
        kg,
        mastery,
        student,
        data,
        known,
        fringe_inputs(projection.dag, doubt.apply(known), limit, doubt.revisits(known, limit)),
    ):
        pass
    done = completions(data.attempts)
    concept_of = {a.material: a.concepts[0] for a in data.attempts if a.material and a.concepts}
    items = recommend_materials(
        projection.dag,
        known,
        _materials_of(projection),
        targets=goals,
        completed=done,
        concept_of_material=concept_of,
        now=datetime.now(UTC),
        first=first,
        threshold=limit,
        needs=needs,
        within=within,
        struggling=struggling,
        revisited=revisited,
    )
    unsuited = unsuited_concepts(
        projection.dag,
        known,
        _materials_of(projection),
        needs,
        threshold=limit,
        within=within,
        struggling=struggling,
        revisited=revisited,
    )
    return NextMaterials(items, unsuited)


def _curriculum_concepts(kg: KnowledgeGraph, curriculum: str) -> set[str]:
    """The concept ids of one curriculum (NOT_FOUND on ``curriculumId`` when there is none)."""
    return concepts_of_curriculum(kg, curriculum)
