"""Cohorts, rosters and cohort figures; ``null`` in a figure means withheld or undefined.

A figure over fewer students than the caller's minimum cell size (analysts) is ``null``
and its row says ``suppressed: true``; the value itself never leaves the server.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Annotated

import strawberry

from graph.analytics import (
    BlockingPrerequisite,
    ConceptDifficulty,
    ConceptMastery,
    StudentRisk,
    TargetRisk,
    TrendPoint,
    bin_edges,
)
from graph.cohorts import Cohort, RosterReport
from graph.errors import DuplicateId, ErrorCode, InvalidInput, KnowledgeGraphError, NotFound, ValidationFailed
from schema.types.concept import ConceptType
from schema.types.enums import CurriculumErrorCode
from schema.types.errors import ERROR_CODE, ERROR_FIELD, ERROR_MESSAGE, Refusal
from schema.types.payloads import Deleted
from schema.types.student import StudentType

__all__ = [
    "AtRiskResult",
    "CohortAtRisk",
    "CohortDifficulty",
    "CohortError",
    "CohortMastery",
    "CohortMasteryResult",
    "CohortResult",
    "CohortType",
    "ConceptDifficultyResult",
    "CreateCohortInput",
    "DeleteCohortResult",
    "MasteryTrend",
    "MasteryTrendResult",
    "RosterImport",
    "RosterResult",
    "TrendInterval",
]

SUPPRESSED = "Whether any figure of this row was withheld (fewer students than the minimum cell)."
WITHHELD = "null when withheld (fewer students than the minimum cell)"


@strawberry.enum(description="The width of a trend bucket (UTC; weeks start on Monday).")
class TrendInterval(enum.Enum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


@strawberry.type(description="Why a cohort request was refused; nothing was written.")
class CohortError(Refusal):
    code: CurriculumErrorCode = strawberry.field(description=ERROR_CODE)
    message: str = strawberry.field(description=ERROR_MESSAGE)
    field: str | None = strawberry.field(default=None, description=ERROR_FIELD)
    subject_id: strawberry.ID | None = strawberry.field(
        default=None, description="The id that was missing (NOT_FOUND) or taken (DUPLICATE); null otherwise."
    )
    problems: list[str] = strawberry.field(
        default_factory=list,
        description="For INVALID: every problem (a roster's with file and line); for NOT_FOUND: every unknown id, "
        "each with the closest that exists.",
    )

    @classmethod
    def from_domain(cls, error: KnowledgeGraphError) -> CohortError:
        """Map a domain error."""
        out = cls(code=error.code, message=error.message, field=error.field)
        if isinstance(error, NotFound | DuplicateId):
            out.subject_id = strawberry.ID(error.ident)
        if isinstance(error, NotFound):  # every unknown concept, with the closest id ("did you mean")
            out.problems = list(error.problems)
        if isinstance(error, ValidationFailed):
            out.problems = list(error.problems)
        elif isinstance(error, InvalidInput):  # one problem is still every problem (it was [])
            out.problems = [error.message]
        if not out.problems and error.code is ErrorCode.NOT_FOUND:  # an unknown cohort id listed nothing
            out.problems = [error.message]
        return out


@strawberry.input(description="A new cohort (a class, a section).")
class CreateCohortInput:
    id: strawberry.ID = strawberry.field(
        description='A slug ([A-Za-z0-9_.-]) or an absolute IRI (DUPLICATE with `field: "id"` when a cohort has it).'
    )
    name: str = strawberry.field(default="", description="A name to show (spaces around it are dropped).")
    teacher_ids: list[str] = strawberry.field(
        default_factory=list,
        description="Subject ids (a token's `sub`) of its teachers; a teacher creating it is always one of them.",
    )


@strawberry.type(name="Cohort", description="A group of students: a class, a section, a course run.")
class CohortType:
    id: strawberry.ID = strawberry.field(description="The cohort's id.")
    name: str = strawberry.field(description='The name to show; "" when it has none.')
    teacher_ids: list[str] = strawberry.field(
        description="Subject ids (a token's `sub`) of its teachers, in Unicode NFC: a `sub` in another form "
        "(a combining accent) teaches these classes too."
    )
    size: int = strawberry.field(description="How many students are members.")
    member_ids: strawberry.Private[tuple[str, ...]] = ()

    @classmethod
    def from_domain(cls, cohort: Cohort, members: tuple[str, ...] = ()) -> CohortType:
        """Wrap a domain cohort with its members' keys (read by the caller in bulk)."""
        return cls(
            id=strawberry.ID(cohort.id),
            name=cohort.name,
            teacher_ids=list(cohort.teachers),
            size=len(members) if members else cohort.size,
            member_ids=members,
        )

    @strawberry.field(description="The members, by key.")
    def students(self) -> list[StudentType]:
        return [StudentType(id=strawberry.ID(s)) for s in self.member_ids]


@strawberry.type(description="What a roster import did.")
class RosterImport:
    cohorts_created: list[strawberry.ID] = strawberry.field(description="Ids of the cohorts the roster created.")
    cohorts_renamed: list[strawberry.ID] = strawberry.field(
        description="Ids of existing cohorts the roster's `name` column renamed."
    )
    enrolled: int = strawberry.field(description="Memberships added.")
    already_enrolled: int = strawberry.field(description="Roster members who were members of that cohort already.")
    removed: int = strawberry.field(description="Members left out of the roster (only with `replace`).")
    teachers_added: int = strawberry.field(description="Teachers added to cohorts (one per cohort and teacher).")
    teachers_removed: int = strawberry.field(
        description="Teachers the roster no longer names (with `replace`, for cohorts whose lines name one; and "
        "see `teacherClaimsDropped`)."
    )
    teacher_claims_dropped: list[strawberry.ID] = strawberry.field(
        description="Ids of cohorts a teacher had made (`createCohort`) that the roster enrolled students in, "
        "settling their teachers' claims: those the roster names keep the cohort, the others lose it (counted in "
        "`teachersRemoved`, 0 when the roster names them all), so a class id taken before the sync filled it "
        "grants nothing; `setCohortTeachers` names a teacher again."
    )
    repeated_lines: list[int] = strawberry.field(
        description="Lines enrolling a student an earlier line of the roster already enrolled in that cohort "
        "(the external id or the key): read once."
    )
    erased_lines: list[int] = strawberry.field(
        description="Lines naming a student forgotten on request, left out (one line per student and cohort); "
        "`enrolStudents` in any class re-admits a student who returns."
    )
    revision: int = strawberry.field(description="The store's revision after the import.")

    @classmethod
    def from_domain(cls, report: RosterReport) -> RosterImport:
        """Wrap a domain report."""
        return cls(
            cohorts_created=[strawberry.ID(c) for c in report.cohorts_created],
            cohorts_renamed=[strawberry.ID(c) for c in report.cohorts_renamed],
            enrolled=report.enrolled,
            already_enrolled=report.already_enrolled,
            removed=report.removed,
            teachers_added=report.teachers_added,
            teachers_removed=report.teachers_removed,
            teacher_claims_dropped=[strawberry.ID(c) for c in report.claims_dropped],
            repeated_lines=report.repeated_lines,
            erased_lines=report.erased_lines,
            revision=report.revision,
        )


# --- mastery statistics ---------------------------------------------------------------------------
@strawberry.type(description="One histogram bin: probabilities in [lower, upper) (the last bin includes 1).")
class HistogramBin:
    lower: float = strawberry.field(description="The bin's lower edge (included).")
    upper: float = strawberry.field(
        description="The bin's upper edge (excluded, except in the last bin, which holds 1)."
    )
    count: int | None = strawberry.field(description="Null when withheld (fewer students than the minimum cell).")


@strawberry.type(name="ConceptMastery", description="Mastery statistics of one concept over a cohort.")
class ConceptMasteryType:
    concept: ConceptType = strawberry.field(description="The concept.")
    students: int | None = strawberry.field(description="Members with an estimate of the concept.")
    mean: float | None = strawberry.field(
        description="The mean of those estimates; null when no member has one, or when withheld (fewer students "
        "than the minimum cell)."
    )
    q1: float | None = strawberry.field(
        description="The first quartile (for analysts, the mean of the group of students holding it); null as `mean`."
    )
    median: float | None = strawberry.field(
        description="The median (for analysts, the mean of the group of students holding it); null as `mean`."
    )
    q3: float | None = strawberry.field(
        description="The third quartile (for analysts, the mean of the group of students holding it); null as `mean`."
    )
    histogram: list[HistogramBin] | None = strawberry.field(
        description=f"The estimates in `bins` equal-width bins over [0, 1]; {WITHHELD}."
    )
    at_or_above: float | None = strawberry.field(description="The share at or above the threshold.")
    suppressed: bool = strawberry.field(description="Whether any figure of this row was withheld.")

    @classmethod
    def from_domain(cls, stats: ConceptMastery) -> ConceptMasteryType:
        """Wrap domain statistics."""
        histogram = None
        if stats.histogram is not None:
            edges = bin_edges(len(stats.histogram))
            histogram = [
                HistogramBin(lower=edges[i], upper=edges[i + 1], count=c) for i, c in enumerate(stats.histogram)
            ]
        return cls(
            concept=ConceptType.from_id(stats.concept),
            students=stats.students,
            mean=stats.mean,
            q1=stats.q1,
            median=stats.median,
            q3=stats.q3,
            histogram=histogram,
            at_or_above=stats.at_or_above,
            suppressed=stats.suppressed,
        )


@strawberry.type(description="Mastery statistics of a cohort, per concept.")
class CohortMastery:
    cohort_id: strawberry.ID = strawberry.field(description="The cohort.")
    threshold: float = strawberry.field(description="The threshold `atOrAbove` counts from.")
    min_cell: int | None = strawberry.field(description="Figures over fewer students are withheld (null: none).")
    concepts: list[ConceptMasteryType] = strawberry.field(
        description="One row per concept: those of `conceptIds` in that order, else every concept by id."
    )


# --- difficulty -------------------------------------------------------------------------------------
@strawberry.type(name="ConceptDifficulty", description="How hard a concept is for a cohort, from attempt history.")
class ConceptDifficultyType:
    concept: ConceptType = strawberry.field(description="The concept.")
    students: int | None = strawberry.field(description="Members who attempted the concept.")
    first_attempt_success: float | None = strawberry.field(description="The share whose first attempt was correct.")
    mastered: int | None = strawberry.field(description="Members who reached the streak of correct answers.")
    attempts_to_mastery: float | None = strawberry.field(description="Mean attempts up to that streak.")
    median_attempts_to_mastery: float | None = strawberry.field(
        description="Median attempts up to that streak (for analysts, the mean of the group of students holding it)."
    )
    stuck: int | None = strawberry.field(description="Members with `stuckAfter` attempts and no mastery.")
    stuck_share: float | None = strawberry.field(description="The share of those who attempted it who are stuck.")
    suppressed: bool = strawberry.field(description=SUPPRESSED)

    @classmethod
    def from_domain(cls, row: ConceptDifficulty) -> ConceptDifficultyType:
        """Wrap a domain row."""
        return cls(
            concept=ConceptType.from_id(row.concept),
            students=row.students,
            first_attempt_success=row.first_attempt_success,
            mastered=row.mastered,
            attempts_to_mastery=row.attempts_to_mastery,
            median_attempts_to_mastery=row.median_attempts_to_mastery,
            stuck=row.stuck,
            stuck_share=row.stuck_share,
            suppressed=row.suppressed,
        )


@strawberry.type(description="Difficulty per concept, and where the cohort is most stuck.")
class CohortDifficulty:
    cohort_id: strawberry.ID = strawberry.field(description="The cohort.")
    concepts: list[ConceptDifficultyType] = strawberry.field(
        description="One row per concept: those of `conceptIds` in that order, else every concept a member "
        "attempted, by id (for analysts without the withheld rows)."
    )
    most_stuck: list[ConceptDifficultyType] = strawberry.field(
        description="At most `limit` rows, the highest stuck share first (then the lowest first-attempt success); "
        "rows whose stuck share is zero or withheld are left out."
    )


# --- at risk ----------------------------------------------------------------------------------------
@strawberry.type(description="A prerequisite below the threshold (probability null: no estimate).")
class WeakPrerequisiteType:
    concept: ConceptType = strawberry.field(description="The prerequisite.")
    probability: float | None = strawberry.field(
        description="The student's estimate of it; null when they have none (weak only with `missingIsWeak`)."
    )


@strawberry.type(description="A student blocked on a target by weak prerequisites (nearest first).")
class StudentRiskType:
    student: StudentType = strawberry.field(description="The member at risk, by key.")
    weak: list[WeakPrerequisiteType] = strawberry.field(
        description="Their weak prerequisites of the target, nearest first."
    )

    @classmethod
    def from_domain(cls, risk: StudentRisk) -> StudentRiskType:
        """Wrap a domain risk."""
        return cls(
            student=StudentType(id=strawberry.ID(risk.student)),
            weak=[
                WeakPrerequisiteType(concept=ConceptType.from_id(w.concept), probability=w.probability)
                for w in risk.weak
            ],
        )


@strawberry.type(description="A prerequisite and how many at-risk students it is weak for.")
class BlockingPrerequisiteType:
    concept: ConceptType = strawberry.field(description="The prerequisite.")
    students: int | None = strawberry.field(description=f"At-risk members it is weak for; {WITHHELD}.")

    @classmethod
    def from_domain(cls, blocking: BlockingPrerequisite) -> BlockingPrerequisiteType:
        """Wrap a domain count."""
        return cls(concept=ConceptType.from_id(blocking.concept), students=blocking.students)


@strawberry.type(name="TargetRisk", description="Who is blocked on one target, and by which prerequisites.")
class TargetRiskType:
    target: ConceptType = strawberry.field(description="The target.")
    students_at_risk: int | None = strawberry.field(
        description="Members below the threshold on the target (or without an estimate of it) who have a weak "
        f"prerequisite; {WITHHELD}."
    )
    mastered: int | None = strawberry.field(description="Members already at or above the threshold on the target.")
    blocking: list[BlockingPrerequisiteType] = strawberry.field(
        description="The target's prerequisites weak for at-risk members, most students first (for analysts every "
        "prerequisite of the target, the withheld ones last, by id)."
    )
    students: list[StudentRiskType] | None = strawberry.field(
        description="The students at risk, by key: student data, so asking for it as an analyst is refused (FORBIDDEN)."
    )
    suppressed: bool = strawberry.field(description=SUPPRESSED)

    @classmethod
    def from_domain(cls, risk: TargetRisk) -> TargetRiskType:
        """Wrap a domain result."""
        return cls(
            target=ConceptType.from_id(risk.target),
            students_at_risk=risk.students_at_risk,
            mastered=risk.mastered,
            blocking=[BlockingPrerequisiteType.from_domain(b) for b in risk.blocking],
            students=[StudentRiskType.from_domain(s) for s in risk.students] if risk.students is not None else None,
            suppressed=risk.suppressed,
        )


@strawberry.type(description="Students whose weak prerequisites block the targets.")
class CohortAtRisk:
    cohort_id: strawberry.ID = strawberry.field(description="The cohort.")
    threshold: float = strawberry.field(description="The threshold below which an estimate is weak.")
    targets: list[TargetRiskType] = strawberry.field(description="One row per target, in the order asked.")


# --- trend ------------------------------------------------------------------------------------------
@strawberry.type(name="TrendPoint", description="One bucket of a concept's trend, from the cohort's attempts.")
class TrendPointType:
    start: datetime = strawberry.field(
        description="When the bucket starts: midnight in the trend's `timeZone`, with its offset "
        "(`2026-03-09T00:00:00-05:00`)."
    )
    attempts: int | None = strawberry.field(description=f"Members' attempts at the concept in the bucket; {WITHHELD}.")
    active: int | None = strawberry.field(description="Members who attempted the concept in the bucket.")
    success_rate: float | None = strawberry.field(description="The mean score of the bucket's attempts.")
    students: int | None = strawberry.field(description="Members who attempted it by the bucket's end.")
    rolling_success: float | None = strawberry.field(description="Their mean rolling success (last `window`).")
    mastered_share: float | None = strawberry.field(description="The share with rolling success >= threshold.")
    suppressed: bool = strawberry.field(description=SUPPRESSED)

    @classmethod
    def from_domain(cls, point: TrendPoint) -> TrendPointType:
        """Wrap a domain point."""
        return cls(
            start=point.start,
            attempts=point.attempts,
            active=point.active,
            success_rate=point.success_rate,
            students=point.students,
            rolling_success=point.rolling_success,
            mastered_share=point.mastered_share,
            suppressed=point.suppressed,
        )


@strawberry.type(description="A concept's mastery trend over a cohort's attempt history.")
class MasteryTrend:
    cohort_id: strawberry.ID = strawberry.field(description="The cohort.")
    concept: ConceptType = strawberry.field(description="The concept followed.")
    interval: TrendInterval = strawberry.field(description="The width of each bucket.")
    time_zone: str = strawberry.field(description="The IANA time zone whose midnights start the buckets.")
    points: list[TrendPointType] = strawberry.field(
        description="One point per bucket in time order, from the first attempt's to the last one's, empty ones "
        "included (for analysts, from the first to the last point that shows a figure)."
    )
    untimed_attempts: int | None = strawberry.field(
        default=0,
        description="Members' attempts at the concept left out of the points because they have no time: imported "
        "from a log without times (pyKT, AKT, DKVMN), which dates them in 1970. They still count in "
        "`conceptDifficulty`. Null when withheld: fewer members than the minimum cell hold them (none included), "
        "or fewer do not (as a point's `active`).",
    )


CohortResult = Annotated[
    CohortType | CohortError,
    strawberry.union(
        "CohortResult",
        description="The cohort as it is now (`Cohort`), or why the change was "
        "refused (`CohortError`: nothing written).",
    ),
]
DeleteCohortResult = Annotated[
    Deleted | CohortError,
    strawberry.union(
        "DeleteCohortResult",
        description="The id of the deleted cohort (`Deleted`), or why it was not deleted (`CohortError`).",
    ),
]
RosterResult = Annotated[
    RosterImport | CohortError,
    strawberry.union(
        "RosterResult",
        description="What the roster changed (`RosterImport`), or why it was refused "
        "whole (`CohortError`: every problem with its line).",
    ),
]
CohortMasteryResult = Annotated[
    CohortMastery | CohortError,
    strawberry.union(
        "CohortMasteryResult",
        description="The cohort's mastery per concept (`CohortMastery`), or why it cannot be given (`CohortError`).",
    ),
]
ConceptDifficultyResult = Annotated[
    CohortDifficulty | CohortError,
    strawberry.union(
        "ConceptDifficultyResult",
        description="The cohort's difficulty per concept (`CohortDifficulty`), "
        "or why it cannot be given (`CohortError`).",
    ),
]
AtRiskResult = Annotated[
    CohortAtRisk | CohortError,
    strawberry.union(
        "AtRiskResult",
        description="The members at risk on each target (`CohortAtRisk`), or why it cannot be given (`CohortError`).",
    ),
]
MasteryTrendResult = Annotated[
    MasteryTrend | CohortError,
    strawberry.union(
        "MasteryTrendResult",
        description="The concept's trend over time (`MasteryTrend`), or why it cannot be given (`CohortError`).",
    ),
]
