"""A student's data as a whole: the results of ``exportStudent`` and ``forgetStudent``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry

from graph.errors import KnowledgeGraphError, NotFound
from graph.forget import Forgotten
from schema.types.enums import CurriculumErrorCode
from schema.types.errors import ERROR_CODE, ERROR_FIELD, ERROR_MESSAGE, Refusal

__all__ = ["ExportStudentResult", "ForgetStudentResult", "ForgottenStudent", "StudentDataError", "StudentExport"]


@strawberry.type(description="Why a student's data could not be exported or forgotten (NOT_FOUND: nothing stored).")
class StudentDataError(Refusal):
    code: CurriculumErrorCode = strawberry.field(description=ERROR_CODE)
    message: str = strawberry.field(description=ERROR_MESSAGE)
    field: str | None = strawberry.field(default=None, description=ERROR_FIELD)
    subject_id: strawberry.ID | None = strawberry.field(default=None, description="The student key asked about.")

    @classmethod
    def from_domain(cls, error: KnowledgeGraphError) -> StudentDataError:
        """Map a domain error."""
        subject = strawberry.ID(error.ident) if isinstance(error, NotFound) else None
        return cls(code=error.code, message=error.message, field=error.field, subject_id=subject)


@strawberry.type(description="What forgetting a student deleted; nothing of theirs is left.")
class ForgottenStudent:
    student_id: strawberry.ID = strawberry.field(description="The student's key (no longer stored).")
    attempts: int = strawberry.field(description="Attempts deleted.")
    estimates: int = strawberry.field(description="Mastery estimates deleted.")
    memberships: int = strawberry.field(description="Cohort memberships ended.")
    triples: int = strawberry.field(description="Every triple deleted, all kinds together.")
    forgotten_at: datetime | None = strawberry.field(
        description="When the delete committed (null where the service keeps no erasure log and this call "
        "deleted nothing)."
    )
    already_forgotten: bool = strawberry.field(
        description="An earlier call forgot them (a retry whose answer was lost, or the id named twice): "
        "this one deleted nothing, the counts are 0 and forgottenAt is the earlier call's time."
    )
    purged: bool | None = strawberry.field(
        description="Whether the deleted data has also left the store's files when this answers: an embedded store "
        "is rewritten after an erasure (its files keep deleted strings). False: the rewrite goes on after the answer "
        "(a large store, past PATHWISE_FORGET_WAIT_SECONDS); a stop waits for it and a crash leaves it to the next "
        "start. False too when it failed (a full disk; logged): the same forget sent again retries it. Null: not an "
        "embedded store (a SPARQL server's storage is its operator's)."
    )

    @classmethod
    def from_domain(cls, found: Forgotten) -> ForgottenStudent:
        """From ``graph.forget.Forgotten``."""
        return cls(
            student_id=strawberry.ID(found.student),
            attempts=found.attempts,
            estimates=found.estimates,
            memberships=found.memberships,
            triples=found.triples,
            forgotten_at=found.at,
            already_forgotten=found.earlier,
            purged=found.purged,
        )


@strawberry.type(description="Everything stored about a student, for an access request.")
class StudentExport:
    requested_id: strawberry.ID = strawberry.field(
        description="The id the request sent, as it sent it (an external id, an e-mail address or a key)."
    )
    student_id: strawberry.ID = strawberry.field(
        description="The student's key (`stu-...`) that `requestedId` maps to: whose record this is."
    )
    data: strawberry.scalars.JSON = strawberry.field(
        description="`attempts`, `mastery`, `cohorts`, and `statements`: every stored triple of theirs as it is."
    )

    @classmethod
    def from_domain(cls, requested: str, student: str, data: dict[str, Any]) -> StudentExport:
        """From ``graph.forget.export_student`` of ``student``, the key of the ``requested`` id."""
        return cls(
            requested_id=strawberry.ID(requested), student_id=strawberry.ID(student), data=strawberry.scalars.JSON(data)
        )


ForgetStudentResult = Annotated[
    ForgottenStudent | StudentDataError,
    strawberry.union(
        "ForgetStudentResult",
        description="What was erased (`ForgottenStudent`), or why nothing was (`StudentDataError`).",
    ),
]
ExportStudentResult = Annotated[
    StudentExport | StudentDataError,
    strawberry.union(
        "ExportStudentResult",
        description="Everything stored about the student (`StudentExport`), or "
        "why it cannot be given (`StudentDataError`).",
    ),
]
