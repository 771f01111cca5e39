"""``extensions.code`` (and ``field``, ``problems``) on every domain error a resolver raises outside a result union.

Mutations answer refusals as typed results (``CurriculumError`` and the like), but a
query argument checked by the graph (``first: 1000``, a cursor that does not decode, an
empty student id) surfaced as a GraphQL error carrying only its message, so a frontend
had to match text. The graph's error already knows its code and the argument at fault.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from graph.errors import ErrorCode, KnowledgeGraphError

__all__ = ["DomainErrorCodes", "code_document_error", "no_model"]


class DomainErrorCodes(SchemaExtension):
    """Adds ``code`` and ``field`` from a ``KnowledgeGraphError`` to its GraphQL error."""

    def on_execute(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        for error in (result.errors if result is not None else None) or []:
            original = error.original_error
            if no_model(original) and "code" not in (error.extensions or {}):  # the operator's to fix, not the request
                error.extensions = {**(error.extensions or {}), "code": ErrorCode.UNAVAILABLE.value}
            if isinstance(original, KnowledgeGraphError) and "code" not in (error.extensions or {}):
                extra: dict[str, object] = {"code": original.code.value}
                if original.field:
                    extra["field"] = original.field
                problems = getattr(original, "problems", None)
                if problems:  # every unknown id with the closest one, as the typed refusals list them
                    extra["problems"] = list(problems)
                error.extensions = {**(error.extensions or {}), **extra}


def no_model(error: BaseException | None) -> bool:
    """Whether ``error`` says no mastery model is served (none installed, or its files do not load)."""
    if error is None:
        return False
    from ml.mastery.serving import NoModel

    return isinstance(error, NoModel)


def code_document_error(error: GraphQLError) -> None:
    """Give a refused document's error a code, in place (they had none, so a client matched English).

    ``GRAPHQL_PARSE_FAILED`` for a syntax error, ``BAD_USER_INPUT`` for a variable's value
    of the wrong type, ``GRAPHQL_VALIDATION_FAILED`` for any other error found before
    execution (an unknown field, a missing argument): the codes Apollo and most GraphQL
    clients know. An error with a path (raised while executing) is not one of these.

    Examples:
        >>> error = GraphQLError("Syntax Error: Expected Name, found <EOF>.")
        >>> code_document_error(error); error.extensions
        {'code': 'GRAPHQL_PARSE_FAILED'}
        >>> error = GraphQLError("Variable '$n' has invalid value: Int cannot represent non-integer value: 'ten'")
        >>> code_document_error(error); error.extensions
        {'code': 'BAD_USER_INPUT'}
        >>> error = GraphQLError("Variable '$n' is not defined.")  # the document's mistake, not a value's
        >>> code_document_error(error); error.extensions
        {'code': 'GRAPHQL_VALIDATION_FAILED'}
    """
    if (error.extensions or {}).get("code") or error.path:
        return
    message = error.message
    if message.startswith("Variable '$") and ("invalid value" in message or "was not provided" in message):
        code = "BAD_USER_INPUT"  # a value the client sent (coercion keeps the scalar's error as the original)
    elif error.original_error is not None:
        return
    elif message.startswith("Syntax Error"):
        code = "GRAPHQL_PARSE_FAILED"
    else:
        code = "GRAPHQL_VALIDATION_FAILED"
    error.extensions = {**(error.extensions or {}), "code": code}
