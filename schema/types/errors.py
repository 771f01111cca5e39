"""Expected failures as typed results: a code, a message, and the details a client needs."""

from __future__ import annotations

import strawberry

from graph.errors import (
    ActivityClash,
    DuplicateId,
    InvalidInput,
    KnowledgeGraphError,
    NotFound,
    PrerequisiteCycle,
    ValidationFailed,
)
from schema.types.enums import CurriculumErrorCode

__all__ = ["ERROR_CODE", "ERROR_FIELD", "ERROR_MESSAGE", "ERROR_NOT_FOUND_ID", "CurriculumError", "Refusal"]

# What every typed error's fields mean, said once for all of them.
ERROR_CODE = "What kind of refusal it is (see `CurriculumErrorCode`)."
ERROR_MESSAGE = "What went wrong, for a person to read (a client matches on `code` and `field`, not on this)."
ERROR_FIELD = (
    "The argument or input field at fault, as the request names it (`attempts.2.score` for an entry of a list); "
    "null when no single one is."
)
ERROR_NOT_FOUND_ID = "For NOT_FOUND: the id that names nothing; null otherwise."


@strawberry.interface(
    description="Why a request was refused, whatever its result type: every error of a result union implements it, "
    "so one fragment, `... on Refusal { code message field }`, reads any of them."
)
class Refusal:
    code: CurriculumErrorCode = strawberry.field(description=ERROR_CODE)
    message: str = strawberry.field(description=ERROR_MESSAGE)
    field: str | None = strawberry.field(default=None, description=ERROR_FIELD)


@strawberry.type(description="Why a curriculum change was refused. Nothing of the change was applied.")
class CurriculumError(Refusal):
    code: CurriculumErrorCode = strawberry.field(description=ERROR_CODE)
    message: str = strawberry.field(description=ERROR_MESSAGE)
    field: str | None = strawberry.field(default=None, description=ERROR_FIELD)
    subject_id: strawberry.ID | None = strawberry.field(default=None, description="The id that was missing or taken.")
    cycle: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="For CYCLE (and INVALID when an import had other problems too): the first cycle, each concept "
        "requiring the next, the last the first.",
    )
    cycles: list[list[strawberry.ID]] = strawberry.field(
        default_factory=list,
        description="For CYCLE: every cycle; for INVALID, the prerequisite cycles of an import refused for other "
        "problems too (dangling references), each also in `problems`.",
    )
    problems: list[str] = strawberry.field(default_factory=list, description="For INVALID: every problem found.")

    @classmethod
    def from_domain(cls, error: KnowledgeGraphError) -> CurriculumError:
        """Map a domain error to its typed result."""
        out = cls(code=error.code, message=error.message, field=error.field)
        if isinstance(error, NotFound | DuplicateId | ActivityClash):
            out.subject_id = strawberry.ID(error.ident)
        if isinstance(error, PrerequisiteCycle | ValidationFailed):  # a refusal for other problems lists its cycles
            out.cycles = [[strawberry.ID(c) for c in cycle] for cycle in error.cycles]
            out.cycle = out.cycles[0] if out.cycles else None
        if isinstance(error, ValidationFailed | DuplicateId | ActivityClash | NotFound):
            out.problems = list(error.problems)
        elif isinstance(error, InvalidInput):
            out.problems = [error.message]
        return out
