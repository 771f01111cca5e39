"""Expected failures as typed results: a code, a message, and the details a client needs."""

from __future__ import annotations

import strawberry

from graph.errors import DuplicateId, InvalidInput, KnowledgeGraphError, NotFound, PrerequisiteCycle, ValidationFailed
from schema.types.enums import CurriculumErrorCode

__all__ = ["CurriculumError"]


@strawberry.type(description="Why a curriculum change was refused. Nothing of the change was applied.")
class CurriculumError:
    code: CurriculumErrorCode
    message: str
    field: str | None = None
    subject_id: strawberry.ID | None = strawberry.field(default=None, description="The id that was missing or taken.")
    cycle: list[strawberry.ID] | None = strawberry.field(
        default=None, description="For CYCLE: the first cycle, each concept requiring the next, the last the first."
    )
    cycles: list[list[strawberry.ID]] = strawberry.field(default_factory=list, description="For CYCLE: every cycle.")
    problems: list[str] = strawberry.field(default_factory=list, description="For INVALID: every problem found.")

    @classmethod
    def from_domain(cls, error: KnowledgeGraphError) -> CurriculumError:
        """Map a domain error to its typed result."""
        out = cls(code=error.code, message=error.message, field=error.field)
        if isinstance(error, NotFound | DuplicateId):
            out.subject_id = strawberry.ID(error.ident)
        if isinstance(error, PrerequisiteCycle):
            out.cycles = [[strawberry.ID(c) for c in cycle] for cycle in error.cycles]
            out.cycle = out.cycles[0] if out.cycles else None
        if isinstance(error, ValidationFailed):
            out.problems = list(error.problems)
        elif isinstance(error, InvalidInput):
            out.problems = [error.message]
        return out
