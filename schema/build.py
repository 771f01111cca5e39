"""Build the ``strawberry.Schema`` with the extensions a deployment needs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import DisableIntrospection, MaskErrors, ParserCache, ValidationCache
from strawberry.types import ExecutionContext

from auth.policy import AccessDenied
from graph.errors import KnowledgeGraphError
from schema.access import access_control
from schema.limits import Limits, limit_extensions
from schema.root import Mutation, Query

if TYPE_CHECKING:
    from middleware.metrics import ServiceMetrics

__all__ = ["build_schema"]


def _is_expected(error: GraphQLError) -> bool:
    """Domain errors, access refusals and GraphQL validation errors are for the client; the rest is a bug."""
    original = error.original_error
    return original is None or isinstance(original, KnowledgeGraphError | AccessDenied)


class _Schema(strawberry.Schema):
    """Strawberry's schema, less a traceback in the log for every refused call (``schema.access`` logs one line)."""

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        super().process_errors([e for e in errors if not isinstance(e.original_error, AccessDenied)], execution_context)


def build_schema(
    *, development: bool = True, limits: Limits | None = None, metrics: ServiceMetrics | None = None
) -> strawberry.Schema:
    """The schema; outside development, errors from bugs are masked and introspection is off.

    Frontends send the same few documents again and again: parsing and validating
    each once (bounded LRU caches) saves about a third of a small query's time.
    Every schema enforces the access policy (``schema.access``) and the document
    limits (``schema.limits``; defaults when ``limits`` is left out). With ``metrics``,
    every operation is counted and timed (``schema.metrics``), refused ones included.
    """
    extensions: list[Any] = [
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
        *limit_extensions(limits or Limits()),
        access_control(),
    ]
    if not development:
        extensions.append(DisableIntrospection)
        extensions.append(lambda: MaskErrors(should_mask_error=lambda e: not _is_expected(e)))
    if metrics is not None:
        from schema.metrics import OperationMetrics

        extensions.insert(0, lambda: OperationMetrics(metrics))  # outermost: it times the others too
    return _Schema(query=Query, mutation=Mutation, extensions=extensions)
