"""Cohort API: cohorts and rosters (writes), and the cohort figures (reads).

Every figure is computed with the caller's minimum cell size (``Context.min_cell``: the
``k`` of k-anonymity for analysts, 0 or ``None`` for everyone else), so a cell of fewer
students comes back ``null`` with ``suppressed: true``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Annotated, TypeVar

import strawberry

from auth.principal import Role
from graph.analytics import DEFAULT_BINS, DEFAULT_THRESHOLD, trend_zone
from graph.cohorts import Cohort
from graph.errors import KnowledgeGraphError
from graph.repository import KnowledgeGraph
from resolvers import cohorts
from schema.api.arguments import BinsArg, CohortIdArg, CohortThresholdArg, TargetsArg
from schema.context import Info
from schema.types.cohort import (
    AtRiskResult,
    CohortAtRisk,
    CohortDifficulty,
    CohortError,
    CohortMastery,
    CohortMasteryResult,
    CohortResult,
    CohortType,
    ConceptDifficultyResult,
    ConceptDifficultyType,
    ConceptMasteryType,
    CreateCohortInput,
    DeleteCohortResult,
    MasteryTrend,
    MasteryTrendResult,
    RosterImport,
    RosterResult,
    TargetRiskType,
    TrendInterval,
    TrendPointType,
)
from schema.types.concept import ConceptType
from schema.types.payloads import Deleted

__all__ = ["CohortMutation", "CohortQuery"]

T = TypeVar("T")


def _guarded(run: Callable[[], T]) -> T | CohortError:
    try:
        return run()
    except KnowledgeGraphError as error:
        return CohortError.from_domain(error)


def _min_cell(info: Info) -> int | None:
    """The caller's minimum cell size (the auth layer sets it on the context)."""
    value = getattr(info.context, "min_cell", None)
    return int(value) if value else None


def _visible_cohorts(info: Info) -> frozenset[str] | None:
    """The cohorts a listing may show the caller (``None``: all), where the context knows the caller."""
    principal, directory = getattr(info.context, "principal", None), getattr(info.context, "directory", None)
    if principal is None or directory is None:
        return None
    from auth.policy import visible_cohorts

    return visible_cohorts(principal, directory)


def _wrap(kg: KnowledgeGraph, found: Sequence[Cohort]) -> list[CohortType]:
    members = cohorts.members_of(kg, [c.id for c in found])
    return [CohortType.from_domain(c, tuple(members.get(c.id, ()))) for c in found]


def _ids(values: list[strawberry.ID] | None) -> list[str] | None:
    return [str(v) for v in values] if values is not None else None


# A ``conceptIds`` argument: the concepts in the order given, and which a null means. Spelled out as
# aliases (a function returning the Annotated was no type to mypy).
_CONCEPT_IDS = "The concepts, in this order (an unknown one: NOT_FOUND on `conceptIds`); null: "
EveryConceptArg = Annotated[
    list[strawberry.ID] | None, strawberry.argument(description=f"{_CONCEPT_IDS}every concept.")
]
AttemptedConceptsArg = Annotated[
    list[strawberry.ID] | None, strawberry.argument(description=f"{_CONCEPT_IDS}every concept a member attempted.")
]


@strawberry.type
class CohortQuery:
    @strawberry.field(description="Cohorts by id (a teacher sees the cohorts they teach).")
    def cohorts(self, info: Info) -> list[CohortType] | None:
        kg = info.context.kg
        return _wrap(kg, cohorts.listing(kg, _visible_cohorts(info)))

    @strawberry.field(description="One cohort by id; null when there is none.")
    def cohort(
        self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(description="The cohort's id.")]
    ) -> CohortType | None:
        found = cohorts.find(info.context.kg, str(id))
        return _wrap(info.context.kg, [found])[0] if found is not None else None

    @strawberry.field(
        description="Per concept (every concept when `conceptIds` is left out): how many members have an "
        "estimate, their mean, quartiles, a histogram of `bins` (1 to 100) and the share at or above `threshold`. "
        "For analysts `bins` is 1, 2, 5 or 10 and `threshold` a multiple of 0.1 (as in `atRisk` and `masteryTrend`)."
    )
    async def cohort_mastery(
        self,
        info: Info,
        cohort_id: CohortIdArg,
        concept_ids: EveryConceptArg = None,
        threshold: CohortThresholdArg = DEFAULT_THRESHOLD,
        bins: BinsArg = DEFAULT_BINS,
    ) -> CohortMasteryResult | None:
        min_cell = _min_cell(info)

        def run() -> CohortMastery:
            stats = cohorts.cohort_mastery(
                info.context.kg, str(cohort_id), _ids(concept_ids), threshold, bins, min_cell
            )
            return CohortMastery(
                cohort_id=cohort_id,
                threshold=threshold,
                min_cell=min_cell,
                concepts=[ConceptMasteryType.from_domain(s) for s in stats],
            )

        return await asyncio.to_thread(_guarded, run)

    @strawberry.field(
        description="First-attempt success, attempts to mastery (`streak` correct in a row) and stuck members "
        "per concept (every attempted concept when `conceptIds` is left out), and the `limit` concepts where "
        "the cohort is most stuck."
    )
    async def concept_difficulty(
        self,
        info: Info,
        cohort_id: CohortIdArg,
        concept_ids: AttemptedConceptsArg = None,
        streak: Annotated[
            int,
            strawberry.argument(
                description="Correct answers (score >= 0.5) in a row that count as mastery, 1 or more; for analysts "
                "3 only (INVALID otherwise: two streaks differ by the few students between them)."
            ),
        ] = 3,
        stuck_after: Annotated[
            int,
            strawberry.argument(
                description="Attempts at a concept without mastery after which a member counts as stuck, 1 or more; "
                "for analysts 5 only (INVALID otherwise)."
            ),
        ] = 5,
        limit: Annotated[
            int, strawberry.argument(description="How many concepts `mostStuck` lists at most, 0 or more.")
        ] = 5,
    ) -> ConceptDifficultyResult | None:
        def run() -> CohortDifficulty:
            report = cohorts.concept_difficulty(
                info.context.kg,
                str(cohort_id),
                _ids(concept_ids),
                streak=streak,
                stuck_after=stuck_after,
                limit=limit,
                min_cell=_min_cell(info),
            )
            return CohortDifficulty(
                cohort_id=cohort_id,
                concepts=[ConceptDifficultyType.from_domain(r) for r in report.concepts],
                most_stuck=[ConceptDifficultyType.from_domain(r) for r in report.most_stuck],
            )

        return await asyncio.to_thread(_guarded, run)

    @strawberry.field(
        description="Members below `threshold` on each target who have weak prerequisites (below `threshold`), "
        "with which ones; a prerequisite without an estimate counts as weak with `missingIsWeak`."
    )
    async def at_risk(
        self,
        info: Info,
        cohort_id: CohortIdArg,
        targets: TargetsArg,
        threshold: CohortThresholdArg = DEFAULT_THRESHOLD,
        missing_is_weak: Annotated[
            bool,
            strawberry.argument(
                description="Count a prerequisite the member has no estimate of as weak (by default only an "
                "estimate below `threshold` is); for analysts false only (INVALID otherwise)."
            ),
        ] = False,
    ) -> AtRiskResult | None:
        def run() -> CohortAtRisk:
            found = cohorts.at_risk(
                info.context.kg,
                str(cohort_id),
                [str(t) for t in targets],
                threshold=threshold,
                missing_is_weak=missing_is_weak,
                min_cell=_min_cell(info),
            )
            return CohortAtRisk(
                cohort_id=cohort_id, threshold=threshold, targets=[TargetRiskType.from_domain(r) for r in found]
            )

        return await asyncio.to_thread(_guarded, run)

    @strawberry.field(
        description="A concept's trend from the members' attempt history, one point per bucket: attempts and "
        "success in the bucket, and the members' rolling success (their last `window` attempts) by its end. "
        "At most 1,000 points: a longer span needs a longer `interval`."
    )
    async def mastery_trend(
        self,
        info: Info,
        cohort_id: CohortIdArg,
        concept_id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description='The concept to follow (NOT_FOUND with `field: "conceptId"` when unknown).'
            ),
        ],
        interval: Annotated[
            TrendInterval,
            strawberry.argument(
                description="The width of a bucket; more than 1,000 buckets is refused (INVALID on `interval`). For "
                "analysts WEEK only (INVALID otherwise: buckets ending at other times differ by who answered between)."
            ),
        ] = TrendInterval.WEEK,
        window: Annotated[
            int,
            strawberry.argument(
                description="How many of a member's latest attempts their rolling success averages, 1 or more; for "
                "analysts 5 only (INVALID otherwise)."
            ),
        ] = 5,
        threshold: CohortThresholdArg = DEFAULT_THRESHOLD,
        time_zone: Annotated[
            str | None,
            strawberry.argument(
                description="The IANA time zone whose midnights start the buckets (`America/Chicago`); null: the "
                "deployment's PATHWISE_TIME_ZONE (UTC unless set). An unknown name is INVALID on `timeZone`; for "
                "analysts only that zone is (any other is INVALID)."
            ),
        ] = None,
    ) -> MasteryTrendResult | None:
        def run() -> MasteryTrend:
            min_cell = _min_cell(info)
            zone = trend_zone(time_zone, info.context.time_zone, min_cell)  # an analyst's: the school's
            found = cohorts.mastery_trend(
                info.context.kg,
                str(cohort_id),
                str(concept_id),
                interval.value,
                window=window,
                threshold=threshold,
                min_cell=min_cell,
                zone=zone,
            )
            return MasteryTrend(
                cohort_id=cohort_id,
                concept=ConceptType.from_id(str(concept_id)),
                interval=interval,
                time_zone=zone,
                points=[TrendPointType.from_domain(p) for p in found.points],
                untimed_attempts=found.untimed,
            )

        return await asyncio.to_thread(_guarded, run)


@strawberry.type
class CohortMutation:
    @strawberry.mutation(description="Create an empty cohort.")
    def create_cohort(
        self,
        info: Info,
        input: Annotated[CreateCohortInput, strawberry.argument(description="The new cohort's id, name and teachers.")],
    ) -> CohortResult | None:
        def run() -> CohortType:
            teachers = list(input.teacher_ids)
            by_teacher = info.context.principal.role is Role.TEACHER
            if by_teacher:  # else the class was theirs to make and never to see
                teachers = list(dict.fromkeys([info.context.principal.sub, *teachers]))
            created = cohorts.create(info.context.kg, str(input.id), input.name, teachers, claimed=by_teacher)
            return CohortType.from_domain(created)

        return _guarded(run)

    @strawberry.mutation(description="Delete a cohort and its memberships (the students and their data stay).")
    def delete_cohort(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID,
            strawberry.argument(description='The cohort (NOT_FOUND with `field: "id"` when there is none).'),
        ],
    ) -> DeleteCohortResult | None:
        def run() -> Deleted:
            try:
                cohorts.delete(info.context.kg, str(id))
            except KnowledgeGraphError as error:
                error.field = "id" if error.field == "cohortId" else error.field  # this mutation's argument
                raise
            return Deleted(id=id)

        return _guarded(run)

    @strawberry.mutation(
        description="Make students members of a cohort (creating students the graph lacks). The first students "
        "enrolled in a cohort a teacher made (`createCohort`) take it from its teachers until `setCohortTeachers` "
        "names them: a teacher who took a class id before the school filled it would read the class."
    )
    async def enrol_students(
        self,
        info: Info,
        cohort_id: CohortIdArg,
        student_ids: Annotated[
            list[strawberry.ID],
            strawberry.argument(
                description="The students: external ids or keys (`stu-...`); those already members are left "
                "as they are."
            ),
        ],
    ) -> CohortResult | None:
        def run() -> CohortType:
            kg = info.context.kg
            keys = [info.context.student_key(s, f"studentIds.{i}") for i, s in enumerate(student_ids)]
            return _wrap(kg, [cohorts.enrol(kg, str(cohort_id), keys)])[0]

        return await asyncio.to_thread(_guarded, run)  # as importRoster

    @strawberry.mutation(description="End students' membership of a cohort (their data stays).")
    async def remove_students(
        self,
        info: Info,
        cohort_id: CohortIdArg,
        student_ids: Annotated[
            list[strawberry.ID],
            strawberry.argument(
                description="The students: external ids or keys (`stu-...`); those who are not members are ignored."
            ),
        ],
    ) -> CohortResult | None:
        def run() -> CohortType:
            kg = info.context.kg
            keys = [info.context.student_key(s, f"studentIds.{i}") for i, s in enumerate(student_ids)]
            return _wrap(kg, [cohorts.remove(kg, str(cohort_id), keys)])[0]

        return await asyncio.to_thread(_guarded, run)  # as importRoster

    @strawberry.mutation(description="Replace a cohort's teachers (subject ids).")
    def set_cohort_teachers(
        self,
        info: Info,
        cohort_id: CohortIdArg,
        teacher_ids: Annotated[
            list[str],
            strawberry.argument(
                description="Subject ids (a token's `sub`) of all its teachers from now on ([]: none); a blank one, "
                'one with a control character or over 255 characters is INVALID with `field: "teacherIds.N"`, '
                'more than 100 with `field: "teacherIds"`.'
            ),
        ],
    ) -> CohortResult | None:
        def run() -> CohortType:
            kg = info.context.kg
            return _wrap(kg, [cohorts.set_teachers(kg, str(cohort_id), teacher_ids)])[0]

        return _guarded(run)

    @strawberry.mutation(description="Rename a cohort (the name people know it by; its id stays).")
    def rename_cohort(
        self,
        info: Info,
        cohort_id: CohortIdArg,
        name: Annotated[
            str,
            strawberry.argument(
                description='The new name, one line ("" clears it; INVALID with `field: "name"` otherwise).'
            ),
        ],
    ) -> CohortResult | None:
        def run() -> CohortType:
            kg = info.context.kg
            return _wrap(kg, [cohorts.rename(kg, str(cohort_id), name)])[0]

        return _guarded(run)

    @strawberry.mutation(
        description="Import a CSV roster (header `cohort,student[,teacher][,name]`), all or nothing: a bad line "
        "refuses the whole roster with every problem and its line. Missing cohorts are created; with `replace`, each "
        "named cohort ends with exactly the roster's members, and exactly its teachers where its lines name any. "
        "A student forgotten on request is left out (`erasedLines`): a nightly sync replaying the LMS's roster "
        "brought them back. `enrolStudents` re-admits one who returns: once in any class, the roster enrols them "
        "in every class it lists for them."
    )
    async def import_roster(
        self,
        info: Info,
        csv: Annotated[
            str,
            strawberry.argument(
                description="The roster as CSV text: header `cohort,student[,teacher][,name]`, several teachers in a "
                'cell separated by `|`, students by external id or key; `name` is the cohort\'s name ("Math 7A"), '
                "given to a new cohort and renamed to on an existing one (`cohortsRenamed`)."
            ),
        ],
        replace: Annotated[
            bool,
            strawberry.argument(
                description="Make each named cohort exactly the roster's (see above); by default the roster only adds."
            ),
        ] = False,
    ) -> RosterResult | None:
        def run() -> RosterImport:
            report = cohorts.import_csv(info.context.kg, csv, replace, info.context.student_key, info.context.erasures)
            return RosterImport.from_domain(report)

        return await asyncio.to_thread(_guarded, run)  # a district's roster held every request 2.4 s
