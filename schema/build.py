"""Build the ``strawberry.Schema`` with the extensions a deployment needs."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import DisableIntrospection, MaskErrors, ParserCache, SchemaExtension
from strawberry.types import ExecutionContext

from auth.policy import AccessDenied
from graph.errors import KnowledgeGraphError
from schema.access import access_control
from schema.error_codes import DomainErrorCodes, code_document_error, no_model
from schema.limits import Limits, code_limit_error, limit_extensions
from schema.root import Mutation, Query
from schema.warnings import ResponseWarnings

if TYPE_CHECKING:
    from middleware.metrics import ServiceMetrics

__all__ = ["build_schema"]

log = logging.getLogger("pathwise.graphql")


_SUGGESTION = re.compile(r" Did you mean [^?]*\?$")


class NoSuggestions(SchemaExtension):
    """Production drops GraphQL's "Did you mean 'student'?" from validation errors.

    With introspection off, the suggestions still spelled out the schema field by field
    to anyone guessing names; a client's own developers read the schema file instead.
    """

    def on_validate(self) -> Iterator[None]:
        yield
        for error in self.execution_context.pre_execution_errors or ():
            error.message = _SUGGESTION.sub("", error.message)


def _is_expected(error: GraphQLError) -> bool:
    """Domain errors, access refusals and GraphQL's own errors are for the client; the rest is a bug.

    GraphQL's own include a variable's value it cannot coerce ("ID cannot represent
    value: [...]"), which arrives wrapping another ``GraphQLError``: masked as a bug, a
    client in production got "Unexpected error." for its own typo.
    """
    original = error.original_error
    # No model served is the operator's to fix, and the client is told so (UNAVAILABLE): production masked
    # it as "Unexpected error." with no code, and every mastery read logged a traceback.
    return (
        original is None
        or isinstance(original, KnowledgeGraphError | AccessDenied | GraphQLError)
        or no_model(original)
    )


class _Schema(strawberry.Schema):
    """Strawberry's schema, logging errors without the document or its values.

    Strawberry logs each error as ``str(error)``, which prints the document around the
    error's location: ``{ student(id: "carol") ... }`` put an external student id in the
    log, as did a variable's value echoed in a coercion message. A client's own mistake
    (a refused document, a domain error) is logged as one line naming its kind and where
    it was; only a bug keeps its traceback. ``schema.access`` logs refused access itself.
    """

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        document = execution_context.graphql_document if execution_context is not None else None
        for error in errors:
            code_limit_error(error)
            code_document_error(error, document)
            original = error.original_error
            where = ".".join(map(str, error.path)) if error.path else "document"
            if isinstance(original, AccessDenied):
                continue
            if _is_expected(error):
                code = (error.extensions or {}).get("code") or type(original or error).__name__
                log.info("graphql refused at %s: %s", where, code)
            else:
                log.error("graphql error at %s: %s", where, type(original).__name__, exc_info=original)


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
        *limit_extensions(limits or Limits()),  # validation (cached) among them, after the shape limits
        access_control(),
        DomainErrorCodes,
        ResponseWarnings,
    ]
    if not development:
        extensions.append(DisableIntrospection)
        extensions.append(NoSuggestions)
        extensions.append(lambda: MaskErrors(should_mask_error=lambda e: not _is_expected(e)))
    if metrics is not None:
        from schema.metrics import OperationMetrics

        extensions.insert(0, lambda: OperationMetrics(metrics))  # outermost: it times the others too
    return _Schema(query=Query, mutation=Mutation, extensions=extensions)
