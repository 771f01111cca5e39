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


def encode_cursor(kind: str, ident: str) -> str:
    """An opaque cursor for the item ``ident`` of a listing of ``kind``."""
    return base64.urlsafe_b64encode(f"{kind}:{ident}".encode()).decode()


def decode_cursor(kind: str, cursor: str | None) -> str | None:
    """The id a cursor points at. Raises ``InvalidInput`` for a foreign or broken cursor."""
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise InvalidInput(f"cursor {cursor!r} is not valid", field="after") from None
    prefix, _, ident = text.partition(":")
    if prefix != kind or not ident:
        raise InvalidInput(f"cursor {cursor!r} is not a {kind} cursor", field="after")
    return ident


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class ConceptEdge:
    cursor: str
    node: ConceptType


@strawberry.type
class ConceptConnection:
    edges: list[ConceptEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class MaterialEdge:
    cursor: str
    node: MaterialType


@strawberry.type
class MaterialConnection:
    edges: list[MaterialEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class StudentEdge:
    cursor: str
    node: StudentType


@strawberry.type
class StudentConnection:
    edges: list[StudentEdge]
    page_info: PageInfo
    total_count: int
