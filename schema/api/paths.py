"""Learning-path API: a student's path to targets, and what to study next."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

import strawberry

from graph.errors import KnowledgeGraphError
from resolvers import paths
from schema.api.accessibility import AccessNeedsArg
from schema.api.arguments import MasteryThresholdArg, MaxMinutesArg, NextFirstArg, OptionalTargetsArg, TargetsArg
from schema.api.common import StudentIdArg
from schema.context import Info
from schema.types.concept import ConceptType
from schema.types.pagination import check_first
from schema.types.paths import (
    LearningPathResult,
    LearningPathType,
    MaterialRecommendation,
    NextMaterialsResult,
    PathError,
    Recommendations,
)

__all__ = ["PathQuery"]

T = TypeVar("T")


def _guarded(run: Callable[[], T]) -> T | PathError:
    try:
        return run()
    except KnowledgeGraphError as error:
        return PathError.from_domain(error)


@strawberry.type
class PathQuery:
    @strawberry.field(
        description="The student's learning path to `targets`: unmastered prerequisites first, materials chosen "
        "for their level, a reason per step. `masteryThreshold` defaults to 0.8; `maxMinutes` cuts the path "
        "after the longest prefix that fits; `needs` leaves out materials that do not suit the learner (the "
        "steps stay the same)."
    )
    def learning_path(
        self,
        info: Info,
        targets: TargetsArg,
        student_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="The student (an external id or key); a student token names its own (left out, "
                'FORBIDDEN with `field: "studentId"`, as for `ask`). Null, from staff: the path a newcomer gets, with '
                "no answers yet, as the model predicts them: a designer's preview of what the prerequisites make of "
                "a course."
            ),
        ] = None,
        mastery_threshold: MasteryThresholdArg = None,
        max_minutes: MaxMinutesArg = None,
        needs: AccessNeedsArg = None,
    ) -> LearningPathResult | None:
        kg = info.context.kg

        def run() -> LearningPathType:
            student = info.context.student_key(student_id) if student_id is not None else None
            path = paths.learning_path(
                kg,
                info.context.mastery,
                student,
                [str(t) for t in targets],
                threshold=mastery_threshold,
                max_minutes=max_minutes,
                needs=needs.to_domain() if needs is not None else None,
                unsettled=student is not None and info.context.estimates_may_lag(student),
            )
            return LearningPathType.from_domain(path, kg.projection.dag, paths.materials_of_path(kg, path))

        return _guarded(run)

    @strawberry.field(
        description="Materials to study next, from the concepts the student is ready to learn, preferring "
        "those that lead toward `targets`, unlock the most and fit the student's level; with `needs`, none "
        "that do not suit the learner, and those not known to suit after the rest."
    )
    def next_materials(
        self,
        info: Info,
        student_id: StudentIdArg,
        first: NextFirstArg = 10,
        targets: OptionalTargetsArg = None,
        mastery_threshold: MasteryThresholdArg = None,
        needs: AccessNeedsArg = None,
        curriculum_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Only materials for this curriculum's concepts (the ranking still counts what they "
                'unlock and how near the targets are; NOT_FOUND with `field: "curriculumId"` when unknown); null: '
                "every curriculum of the graph."
            ),
        ] = None,
    ) -> NextMaterialsResult | None:
        kg = info.context.kg

        def run() -> Recommendations:
            student = info.context.student_key(student_id)
            found = paths.next_materials(
                kg,
                info.context.mastery,
                student,
                first=check_first(first),
                targets=[str(t) for t in targets or []],
                threshold=mastery_threshold,
                needs=needs.to_domain() if needs is not None else None,
                curriculum=str(curriculum_id) if curriculum_id is not None else None,
                unsettled=info.context.estimates_may_lag(student),
            )
            records = {m.id: m for m in kg.materials_by_ids([r.material for r in found.items]) if m is not None}
            return Recommendations(
                items=[MaterialRecommendation.from_domain(r, records) for r in found.items],
                no_suitable_material=[ConceptType.from_id(c) for c in found.unsuited],
            )

        return _guarded(run)
