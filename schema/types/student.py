"""Students, their attempts and their mastery estimates."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from graph.errors import InvalidInput
from graph.model import Attempt, MasteryEstimate
from schema.context import Info
from schema.limits import MAX_IDS, check_first
from schema.types.concept import ConceptType
from schema.types.material import MaterialType

__all__ = ["AttemptRecord", "MasteryEvidence", "MasteryType", "StudentType"]


@strawberry.type(name="Mastery", description="A model's probability that the student has mastered the concept.")
class MasteryType:
    probability: float = strawberry.field(
        description="In [0, 1]: the model's chance that the student answers the concept's next exercise right."
    )
    model_version: str = strawberry.field(description="The mastery model version that made the estimate.")
    updated_at: datetime = strawberry.field(description="When the estimate was made.")
    student_id: strawberry.ID = strawberry.field(
        description="The student's key: which student an estimate of a batch of several students' attempts is for."
    )
    concept_id: strawberry.Private[str]

    @classmethod
    def from_domain(cls, estimate: MasteryEstimate) -> MasteryType:
        """Wrap a domain estimate, rounded as the graph stores it (a fresh answer and a later read agree)."""
        return cls(
            probability=round(float(estimate.probability), 6),
            model_version=estimate.model_version,
            updated_at=estimate.updated_at,
            student_id=strawberry.ID(estimate.student),
            concept_id=estimate.concept,
        )

    @strawberry.field(description="The concept estimated.")
    def concept(self) -> ConceptType:
        return ConceptType.from_id(self.concept_id)


@strawberry.type(name="Attempt", description="One answer by a student.")
class AttemptRecord:
    id: strawberry.ID = strawberry.field(description="The attempt's id (keyed from its clientId when it had one).")
    score: float = strawberry.field(description="In [0, 1]; a right or wrong answer is 1 or 0.")
    correct: bool = strawberry.field(description="Whether the score is at least 0.5.")
    timestamp: datetime = strawberry.field(description="When the student answered (UTC).")
    domain: strawberry.Private[Attempt]

    @classmethod
    def from_domain(cls, attempt: Attempt) -> AttemptRecord:
        """Wrap a domain attempt."""
        return cls(
            id=strawberry.ID(attempt.id),
            score=attempt.score,
            correct=attempt.correct,
            timestamp=attempt.timestamp,
            domain=attempt,
        )

    @strawberry.field(description="The concepts the attempt counts for.")
    def concepts(self) -> list[ConceptType]:
        return [ConceptType.from_id(c) for c in self.domain.concepts]

    @strawberry.field(description="The material answered; null when none was named (or it was deleted since).")
    async def material(self, info: Info) -> MaterialType | None:
        if self.domain.material is None:
            return None
        found = await info.context.loaders.material_by_id.load(self.domain.material)
        return MaterialType.from_domain(found) if found is not None else None


@strawberry.type(description="An attempt and how much it moved the estimate.")
class MasteryEvidence:
    attempt: AttemptRecord = strawberry.field(description="The attempt.")
    before: float = strawberry.field(description="The concept's estimate just before it, in [0, 1].")
    after: float = strawberry.field(description="The concept's estimate just after it, in [0, 1].")
    change: float = strawberry.field(description="`after` minus `before` (negative: the attempt lowered it).")


@strawberry.type(description="An external student id and the key it is stored under (null: not a student you may see).")
class StudentKey:
    id: strawberry.ID = strawberry.field(description="The id as it was given.")
    key: strawberry.ID | None = strawberry.field(
        description="The student's key (`stu-...`); null for a student the caller may not see."
    )


@strawberry.type(name="Student", description="A student, under a pseudonymous key.")
class StudentType:
    id: strawberry.ID = strawberry.field(description="The student's key (`stu-...`), never the external id.")

    @strawberry.field(
        description="Mastery estimates: of the given concepts (estimated now where none is stored), "
        "or of every concept with a stored estimate; all estimated now while an answer's moves of the student's "
        "other estimates wait to be stored (up to 30 s after they pause). Null, with an error, when a concept id "
        "is unknown: the rest of the student stays (it was all null)."
    )
    async def mastery(
        self,
        info: Info,
        concept_ids: Annotated[
            list[strawberry.ID] | None,
            strawberry.argument(
                description="The concepts to give, at most 1,000 (more, or an unknown one: an error with `field: "
                '"conceptIds"`); null: every concept with a stored estimate.'
            ),
        ] = None,
    ) -> list[MasteryType] | None:
        # A student in the process's student cache (a frontend reads the mastery of a
        # student whose path or attempts it has just handled) is answered in place: a
        # loader's batch waits a turn of the event loop behind every other client's
        # request. The others of a page are read together, one query for the page.
        from graph.student_data import cached_student_data
        from resolvers.students import mastery_of

        if concept_ids is not None and len(concept_ids) > MAX_IDS:
            raise InvalidInput(
                f"at most {MAX_IDS:,} concept ids at once, got {len(concept_ids):,}: ask for the rest in another query",
                field="conceptIds",
            )
        kg, student, service = info.context.kg, str(self.id), info.context.mastery_service()
        concepts = [str(c) for c in concept_ids] if concept_ids is not None else None
        stored = None
        if cached_student_data(kg, student) is None:
            stored = await info.context.loaders.stored_estimates_by_student.load(student)
        found = mastery_of(
            kg, service, student, concepts, stored=stored, unsettled=info.context.estimates_may_lag(student)
        )
        return [MasteryType.from_domain(e) for e in found]

    @strawberry.field(
        description="The ids of the cohorts the student is a member of, among those the caller may see (a "
        "teacher: the ones they teach; an admin or analyst: all; a student: none)."
    )
    def cohort_ids(self, info: Info) -> list[strawberry.ID]:
        from auth.policy import visible_cohorts
        from graph.cohort_queries import cohorts_of
        from graph.ids import iri_of

        found = cohorts_of(info.context.kg.store, iri_of("student", str(self.id)))
        seen = visible_cohorts(info.context.acting(), info.context.directory)
        return [strawberry.ID(c) for c in found if seen is None or c in seen]

    @strawberry.field(
        description="The attempts that moved this concept's estimate most, largest change first. Null, with an "
        "error, when the concept id is unknown or `first` is out of range: the rest of the student stays."
    )
    async def evidence(
        self,
        info: Info,
        concept_id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="The concept whose estimate they moved (an unknown one is an error with "
                '`field: "conceptId"`).'
            ),
        ],
        first: Annotated[
            int,
            strawberry.argument(
                description='How many attempts, 0 to 100 (outside it: an error with `field: "first"`).'
            ),
        ] = 5,
    ) -> list[MasteryEvidence] | None:
        found = await info.context.loaders.evidence_by_student_concept.load(
            (str(self.id), str(concept_id), check_first(first))
        )
        return [
            MasteryEvidence(
                attempt=AttemptRecord.from_domain(e.attempt),
                before=round(float(e.before), 6),
                after=round(float(e.after), 6),
                change=round(float(e.change), 6),
            )
            for e in found
        ]
