"""Helpers the per-feature API modules share: page info and typed-error guards."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

import strawberry

from graph.errors import KnowledgeGraphError, Unavailable
from schema.types.attempts import AttemptsError
from schema.types.errors import CurriculumError
from schema.types.pagination import PageInfo, encode_cursor

__all__ = ["STUDENT_ID", "AfterArg", "FirstArg", "StudentIdArg", "attempts_guarded", "guarded", "page_info"]

T = TypeVar("T")

STUDENT_ID = (
    "The student: the external id (what the app knows them by, and a student token's `sub`) or their key "
    "(`stu-...`, what every answer names them by; `studentKeys` maps one to the other). An external id is read in "
    'Unicode NFC without the spaces around it: "José" with a combining accent is the same student.'
)
StudentIdArg = Annotated[strawberry.ID, strawberry.argument(description=STUDENT_ID)]
FirstArg = Annotated[
    int,
    strawberry.argument(
        description='Page size, 0 to 100 (outside it: an error with `field: "first"`); `totalCount` counts '
        "every match, whatever the page."
    ),
]

AfterArg = Annotated[
    str | None,
    strawberry.argument(
        description="A cursor of this listing (the last page's `endCursor`): the page starts after it; null or "
        '"": at the start. A cursor of another listing, or a malformed one, is an error with `field: "after"`.'
    ),
]


def page_info(kind: str, ids: list[str], has_next: bool, has_previous: bool) -> PageInfo:
    """Relay page info for a page of ids of one kind."""
    return PageInfo(
        has_next_page=has_next,
        has_previous_page=has_previous,
        start_cursor=encode_cursor(kind, ids[0]) if ids else None,
        end_cursor=encode_cursor(kind, ids[-1]) if ids else None,
    )


def guarded(run: Callable[[], T]) -> T | CurriculumError:
    """Run a write; a domain error becomes a typed result (and nothing was written)."""
    try:
        return run()
    except KnowledgeGraphError as error:
        return CurriculumError.from_domain(error)


def attempts_guarded(run: Callable[[], T]) -> T | AttemptsError:
    """Like ``guarded`` for student data; without a served model, ``UNAVAILABLE``: the operator's to fix.

    It was ``INVALID``, which tells a client to fix the request and so drop its queued
    attempts, where the same attempts succeed once a model is served.
    """
    from ml.mastery.serving import NoModel

    try:
        return run()
    except KnowledgeGraphError as error:
        return AttemptsError.from_domain(error)
    except NoModel as error:
        return AttemptsError.from_domain(Unavailable(str(error)))
