"""Build the ``strawberry.Schema`` with the extensions a deployment needs."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors, ParserCache, ValidationCache

from graph.errors import KnowledgeGraphError
from schema.root import Mutation, Query

__all__ = ["build_schema"]


def _is_expected(error: GraphQLError) -> bool:
    """Domain errors and GraphQL validation errors are for the client; the rest is a bug."""
    original = error.original_error
    return original is None or isinstance(original, KnowledgeGraphError)


def build_schema(*, development: bool = True) -> strawberry.Schema:
    """The schema; outside development, errors from bugs are masked.

    Frontends send the same few documents again and again: parsing and validating
    each once (bounded LRU caches) saves about a third of a small query's time.
    """
    extensions: list[Any] = [lambda: ParserCache(maxsize=256), lambda: ValidationCache(maxsize=256)]
    if not development:
        extensions.append(lambda: MaskErrors(should_mask_error=lambda e: not _is_expected(e)))
    return strawberry.Schema(query=Query, mutation=Mutation, extensions=extensions)
