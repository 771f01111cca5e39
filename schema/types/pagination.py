"""Relay-style connections: opaque cursors over id-ordered listings."""

from __future__ import annotations

import base64
import binascii

import strawberry

from graph.errors import InvalidInput
from schema.limits import MAX_PAGE, check_first
from schema.types.concept import ConceptType
from schema.types.material import MaterialType
from schema.types.student import StudentType

__all__ = [
    "MAX_PAGE",
    "ConceptConnection",
    "MaterialConnection",
    "PageInfo",
    "StudentConnection",
    "check_first",
    "decode_cursor",
    "encode_cursor",
]

CURSOR = "This item's cursor: pass it as `after` for the items that follow it."
PAGE_INFO = "Where this page lies in the listing, and the cursors to go on."
TOTAL_COUNT = "Every item of the listing (every match of its filters), whatever the page."


def encode_cursor(kind: str, ident: str) -> str:
    """An opaque cursor for the item ``ident`` of a listing of ``kind``."""
    return base64.urlsafe_b64encode(f"{kind}:{ident}".encode()).decode()


def decode_cursor(kind: str, cursor: str | None) -> str | None:
    """The id a cursor points at (None: the start). Raises ``InvalidInput`` for a foreign or broken cursor.

    An empty cursor is the start, as null is: a client that keeps "no cursor yet" as ``""``
    (a form field, a URL parameter) had its first page refused.
    """
    if not cursor:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise InvalidInput(f"cursor {_shown(cursor)} is not valid", field="after") from None
    prefix, _, ident = text.partition(":")
    if prefix != kind or not ident:
        raise InvalidInput(f"cursor {_shown(cursor)} is not a {kind} cursor", field="after")
    return ident


def _shown(cursor: str, most: int = 80) -> str:
    """A cursor as an error quotes it: a long one cut (a 500 KB cursor came back whole in the error).

    Examples:
        >>> _shown("abc"), _shown("x" * 200)
        ("'abc'", "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…' (200 characters)")
    """
    if len(cursor) <= most:
        return repr(cursor)
    return f"{cursor[: most // 2]!r}"[:-1] + "…' " + f"({len(cursor)} characters)"


@strawberry.type(
    description="Where a page stands in its list (Relay): whether items follow, and the cursors to go on from."
)
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether items follow this page.")
    has_previous_page: bool = strawberry.field(
        description="Whether items come before this page (it began after `after`)."
    )
    start_cursor: str | None = strawberry.field(description="The first item's cursor; null on an empty page.")
    end_cursor: str | None = strawberry.field(
        description="The last item's cursor, the `after` of the next page; null on an empty page."
    )


@strawberry.type(description="One concept of a page, with its cursor.")
class ConceptEdge:
    cursor: str = strawberry.field(description=CURSOR)
    node: ConceptType = strawberry.field(description="The concept.")


@strawberry.type(description="A page of concepts (Relay): ask for the next with `after: pageInfo.endCursor`.")
class ConceptConnection:
    edges: list[ConceptEdge] = strawberry.field(description="This page's concepts, in id order.")
    page_info: PageInfo = strawberry.field(description=PAGE_INFO)
    total_count: int = strawberry.field(description=TOTAL_COUNT)


@strawberry.type(description="One material of a page, with its cursor.")
class MaterialEdge:
    cursor: str = strawberry.field(description=CURSOR)
    node: MaterialType = strawberry.field(description="The material.")


@strawberry.type(description="A page of materials (Relay): ask for the next with `after: pageInfo.endCursor`.")
class MaterialConnection:
    edges: list[MaterialEdge] = strawberry.field(description="This page's materials, in id order.")
    page_info: PageInfo = strawberry.field(description=PAGE_INFO)
    total_count: int = strawberry.field(description=TOTAL_COUNT)


@strawberry.type(description="One student of a page, with its cursor.")
class StudentEdge:
    cursor: str = strawberry.field(description=CURSOR)
    node: StudentType = strawberry.field(description="The student.")


@strawberry.type(description="A page of students (Relay): ask for the next with `after: pageInfo.endCursor`.")
class StudentConnection:
    edges: list[StudentEdge] = strawberry.field(description="This page's students, in key order.")
    page_info: PageInfo = strawberry.field(description=PAGE_INFO)
    total_count: int = strawberry.field(description=TOTAL_COUNT)
