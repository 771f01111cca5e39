"""Inputs and results of recording attempts and switching mastery models."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from graph.attempts import statement_form
from graph.errors import InvalidInput, KnowledgeGraphError, ManyProblems, NotFound, ReusedClientId, ReusedStatementId
from graph.model import Attempt, before_any_client, timestamp_problem
from graph.pseudonyms import external_id_problem, id_text
from schema.types.enums import CurriculumErrorCode
from schema.types.errors import ERROR_CODE, ERROR_FIELD, ERROR_MESSAGE, Refusal
from schema.types.student import MasteryType

if TYPE_CHECKING:
    from resolvers.statements import RecordedStatementsReport

__all__ = [
    "AttemptInput",
    "AttemptsError",
    "MasteryModelInfo",
    "MasteryModelResult",
    "RecordAttemptsResult",
    "RecordStatementsResult",
    "RecordedStatements",
    "SkippedStatements",
    "RecordedAttempts",
    "UnmappedActivity",
]


@strawberry.input(
    description="One answer. Give exactly one of `correct` and `score` (in [0, 1]), and a material and/or concepts."
)
class AttemptInput:
    student_id: strawberry.ID = strawberry.field(
        description="The student: the external id (a student token's `sub`) or their key (`stu-...`)."
    )
    material_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The material answered: its id, or an LMS activity IRI among its `activityIds` (the attempt "
        "is recorded under the material's id). An unknown one: NOT_FOUND on `attempts.N.materialId`; null: none.",
    )
    concept_ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="Defaults to the concepts the material assesses (or teaches). With a material, only concepts it "
        "teaches or assesses (others: INVALID on `attempts.N.conceptIds`, naming the material's).",
    )
    correct: bool | None = strawberry.field(
        default=None, description="Right (a score of 1) or wrong (0). Give this or `score`, not both (nor neither)."
    )
    score: float | None = strawberry.field(
        default=None, description="In [0, 1]; 0.5 or more counts as correct (outside: INVALID on `attempts.N.score`)."
    )
    timestamp: datetime | None = strawberry.field(
        default=None,
        description="When it was answered (ISO 8601; without an offset: UTC; a bare date is its midnight); "
        "defaults to now. Before 2000 or more "
        "than a day ahead: INVALID on `attempts.N.timestamp`.",
    )
    client_id: str | None = strawberry.field(
        default=None,
        description="The client's id for this attempt, per student: sending it again adds nothing. A UUID is an "
        "xAPI statement id, in any case and not per student: the statement a file import or recordStatements "
        'records, once. Read in Unicode NFC without the spaces around it (" q-7" is "q-7"). Empty or blank: '
        "INVALID on `attempts.N.clientId` (leave it out instead); so is one holding a control character or longer "
        "than 512 characters.",
    )

    def client_form(self) -> str | None:
        """The ``clientId`` as it is compared: NFC, without the spaces around it (``graph.pseudonyms.id_text``).

        " q-7" and "q-7", or "q-é" with the accent composed and combining, were two ids: a
        retry of the same answer was recorded a second time.
        """
        return None if self.client_id is None else id_text(self.client_id)

    def to_domain(
        self,
        index: int,
        material: str | None,
        material_concepts: tuple[str, ...],
        student: str,
        keyed: Callable[[str], str],
    ) -> Attempt:
        """The domain attempt of ``student`` (the key of ``studentId``) at ``material`` (the id ``materialId``
        names: the material's own, for one of its activity ids); ``material_concepts`` fill in concept ids.

        A ``clientId`` often names the student ("ada/quiz-7"), so the attempt's id is
        ``keyed`` (the deployment's ``Pseudonymizer.opaque``) over the student's key and
        it, as a log's attempt ids are: the same pair always gives the same id. A UUID
        ``clientId`` (an xAPI statement id) is keyed alone, in lower case, as the xAPI
        import keys the statement, so both routes record it once and a void finds it.
        """
        if (self.correct is None) == (self.score is None):
            raise InvalidInput(f"attempt {index}: give exactly one of correct and score", field=f"attempts.{index}")
        score = float(self.score) if self.score is not None else (1.0 if self.correct else 0.0)
        if not 0.0 <= score <= 1.0:
            raise InvalidInput(f"attempt {index}: score {score} is not in [0, 1]", field=f"attempts.{index}.score")
        concepts = tuple(str(c) for c in self.concept_ids or ()) or material_concepts  # [] too: the material's
        if not self.material_id and not concepts:
            raise InvalidInput(f"attempt {index}: name a material or concepts", field=f"attempts.{index}")
        when = self.timestamp or datetime.now(UTC)
        try:
            when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)  # stored as logs are
        except OverflowError:  # 0001-01-01T00:30+01:00 is before year 1 in UTC
            raise InvalidInput(
                f"attempt {index}: timestamp {self.timestamp} is outside the years 1-9999 in UTC",
                field=f"attempts.{index}.timestamp",
            ) from None
        late = timestamp_problem(when) or before_any_client(when)
        if late is not None:
            raise InvalidInput(f"attempt {index}: {late}", field=f"attempts.{index}.timestamp")
        client = self.client_form()
        if self.client_id is not None and not client:
            # it was read as no id: a retry of "" was recorded a second time
            raise InvalidInput(
                f"attempt {index}: a blank clientId gives no retry safety: leave it out or send an id",
                field=f"attempts.{index}.clientId",
            )
        if client and (problem := external_id_problem(client, "clientId", student=False)) is not None:
            raise InvalidInput(f"attempt {index}: {problem}", field=f"attempts.{index}.clientId")
        if client:
            # a UUID names one statement whoever sends it: the id an xAPI import gives it, in any case
            form = statement_form(client)
            ident = keyed(form) if form else keyed(f"client:{student}:{client}")
        else:
            ident = f"api-{uuid.uuid4().hex}"
        return Attempt(
            id=ident,
            student=student,
            timestamp=when,
            score=score,
            material=material,
            concepts=concepts,
            source="graphql",
        )


ATTEMPT_SUBJECT_ID = (
    "The id that was missing (NOT_FOUND: the material or concept) or taken (DUPLICATE: the clientId, or the "
    "statement id, already recorded with another answer); null otherwise."
)


@strawberry.type(description="One problem with one attempt of a refused batch.")
class AttemptProblem:
    code: CurriculumErrorCode = strawberry.field(description=ERROR_CODE)
    message: str = strawberry.field(description=ERROR_MESSAGE)
    field: str | None = strawberry.field(
        default=None, description="The input at fault, e.g. `attempts.3.score` (the attempt's index in the batch)."
    )
    subject_id: strawberry.ID | None = strawberry.field(default=None, description=ATTEMPT_SUBJECT_ID)

    @classmethod
    def from_domain(cls, error: KnowledgeGraphError) -> AttemptProblem:
        """Map a domain error; ``subject_id`` is the id missing or taken (a DUPLICATE clientId's was null)."""
        named = NotFound | ReusedClientId | ReusedStatementId
        subject = strawberry.ID(error.ident) if isinstance(error, named) else None
        return cls(code=error.code, message=error.message, field=error.field, subject_id=subject)


@strawberry.type(description="Why attempts (or a model switch) were refused; nothing was written.")
class AttemptsError(Refusal):
    code: CurriculumErrorCode = strawberry.field(description=ERROR_CODE)
    message: str = strawberry.field(description=ERROR_MESSAGE)
    field: str | None = strawberry.field(default=None, description=ERROR_FIELD)
    subject_id: strawberry.ID | None = strawberry.field(default=None, description=ATTEMPT_SUBJECT_ID)
    problems: list[AttemptProblem] = strawberry.field(
        default_factory=list,
        description="Every problem found in the batch, in the batch's order (the first is also `code`, `message` "
        "and `field`): a client fixes its whole queue in one round trip.",
    )

    @classmethod
    def from_domain(cls, error: KnowledgeGraphError) -> AttemptsError:
        """Map a domain error; a ``ManyProblems`` lists each."""
        first = AttemptProblem.from_domain(error.errors[0] if isinstance(error, ManyProblems) else error)
        each = error.errors if isinstance(error, ManyProblems) else [error]
        return cls(
            code=error.code,
            message=error.message,
            field=error.field,
            subject_id=first.subject_id,
            problems=[AttemptProblem.from_domain(e) for e in each],
        )


@strawberry.type(description="What recording attempts did.")
class RecordedAttempts:
    accepted: int = strawberry.field(description="Attempts recorded by this call.")
    duplicates: int = strawberry.field(
        description="Attempts skipped: their clientId was recorded before (or repeated in this call)."
    )
    mastery: list[MasteryType] = strawberry.field(description="The updated estimates of the concepts touched.")
    erased: int = strawberry.field(
        default=0,
        description="Attempts left out because their student was forgotten on request after they were made.",
    )
    voided: int = strawberry.field(
        default=0,
        description="Attempts not recorded because an xAPI void took their statement back (a UUID clientId is the "
        "statement id): counted as duplicates before, which read as safely stored.",
    )


@strawberry.type(description="How many statements of a batch were skipped for one reason.")
class SkippedStatements:
    reason: str = strawberry.field(
        description='Why: "not an answer verb", "no success or score", "activity is no material of the graph", ...'
    )
    statements: int = strawberry.field(description="How many statements.")


@strawberry.type(description="An activity (a statement's `object.id`) that is no material of the graph.")
class UnmappedActivity:
    activity_id: str = strawberry.field(
        description="The activity's IRI as the statements name it: list it among a material's `activityIds` "
        "(updateMaterial, or the materials CSV's activity_ids) for its answers to be recorded."
    )
    statements: int = strawberry.field(description="How many statements of the batch named it (all skipped).")


@strawberry.type(description="What recording a batch of xAPI statements did.")
class RecordedStatements:
    statements: int = strawberry.field(description="Statements read (voiding ones included).")
    accepted: int = strawberry.field(description="Attempts recorded by this call.")
    duplicates: int = strawberry.field(
        description="Statements recorded before: by an earlier call, a file import, or live through recordAttempts "
        "with the statement id as clientId."
    )
    erased: int = strawberry.field(description="Attempts left out: their student was forgotten on request after.")
    voided: int = strawberry.field(
        description="Statements of this batch voided by a voiding statement in it, or by one that came before them "
        "(voidedAhead of an earlier call or import)."
    )
    voided_stored: int = strawberry.field(
        description="Attempts recorded earlier that voiding statements of this batch took back (deleted, and "
        "their students' estimates made again from what is left)."
    )
    voided_ahead: int = strawberry.field(
        description="Voiding statements of this batch whose statement is neither in it nor recorded: it is kept "
        "voided, so when it comes (a forwarder sending out of order) it is counted as voided, not recorded."
    )
    skipped: list[SkippedStatements] = strawberry.field(description="Statements that are no answer, by reason.")
    unmapped_activities: list[UnmappedActivity] = strawberry.field(
        description='The activities skipped as no material of the graph (the reason "activity is no material of '
        'the graph"), the most-named first, then by IRI; the first 20 (moreUnmappedActivities counts the rest). '
        "A Moodle quiz attempt's own IRI (`.../mod/quiz/attempt.php?attempt=N`) is expected here; a question's "
        "(`.../question/question.php?...`) needs a material's activityIds."
    )
    more_unmapped_activities: int = strawberry.field(
        description="How many further distinct activities were skipped as no material, beyond unmappedActivities."
    )
    mastery: list[MasteryType] = strawberry.field(description="The updated estimates of the concepts touched.")

    @classmethod
    def from_domain(cls, report: RecordedStatementsReport) -> RecordedStatements:
        """Wrap a domain report."""
        return cls(
            statements=report.statements,
            accepted=report.accepted,
            duplicates=report.duplicates,
            erased=report.erased,
            voided=report.voided,
            voided_stored=report.voided_stored,
            voided_ahead=report.voided_ahead,
            skipped=[SkippedStatements(reason=r, statements=n) for r, n in sorted(report.skipped.items())],
            unmapped_activities=[UnmappedActivity(activity_id=a, statements=n) for a, n in report.unmapped.activities],
            more_unmapped_activities=report.unmapped.not_shown,
            mastery=[MasteryType.from_domain(e) for e in report.mastery],
        )


@strawberry.type(description="A trained mastery model version.")
class MasteryModelInfo:
    version: str = strawberry.field(description="The version's name, as `useMasteryModel` takes it.")
    current: bool = strawberry.field(description="Whether this version is the one served.")
    metrics: strawberry.scalars.JSON = strawberry.field(
        description="The version's `metrics.json`: validation metrics, epochs, seconds ({} when missing or unreadable)."
    )
    data: strawberry.scalars.JSON = strawberry.field(
        description="The version's `data.json`: what it was trained on ({} when missing or unreadable)."
    )
    damage: str | None = strawberry.field(
        default=None,
        description="What is wrong with the version's files (null when they look whole): it cannot be served.",
    )

    @classmethod
    def from_info(cls, info: dict[str, Any], current: str | None) -> MasteryModelInfo:
        """From ``ModelVersions.info``."""
        return cls(
            version=info["version"],
            current=info["version"] == current,
            metrics=info["metrics"],
            data=info["data"],
            damage=info.get("damage"),
        )


RecordAttemptsResult = Annotated[
    RecordedAttempts | AttemptsError,
    strawberry.union(
        "RecordAttemptsResult",
        description="The attempts recorded (`RecordedAttempts`), or why none was "
        "(`AttemptsError`: every problem, nothing written).",
    ),
]
RecordStatementsResult = Annotated[
    RecordedStatements | AttemptsError,
    strawberry.union(
        "RecordStatementsResult",
        description="The statements recorded (`RecordedStatements`), or why none was "
        "(`AttemptsError`: every problem, nothing written).",
    ),
]
MasteryModelResult = Annotated[
    MasteryModelInfo | AttemptsError,
    strawberry.union(
        "MasteryModelResult",
        description="The model now served (`MasteryModelInfo`), or why the switch was refused (`AttemptsError`).",
    ),
]
