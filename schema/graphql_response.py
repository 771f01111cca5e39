"""The ``application/graphql-response+json`` media type of the GraphQL over HTTP specification.

A client that asks for it (``Accept``) learns from the status alone that a request was
refused before it ran: a document that does not parse or validate, or a variable of the
wrong type, is a 400 with no ``data`` entry. Under plain ``application/json`` (the legacy
media type, and what a client without an ``Accept`` gets) such a request still answers
200 with ``data: null``, as clients written for it expect.
"""

from __future__ import annotations

from collections.abc import Sequence

from graphql import GraphQLError
from starlette.types import Scope

__all__ = ["GRAPHQL_RESPONSE", "is_request_error", "prefers_graphql_response"]

GRAPHQL_RESPONSE = "application/graphql-response+json"


def prefers_graphql_response(scope: Scope) -> bool:
    """Whether the request's ``Accept`` ranks the GraphQL response type at least as high as JSON.

    Examples:
        >>> def accept(value): return {"headers": [(b"accept", value.encode())]}
        >>> prefers_graphql_response(accept("application/graphql-response+json, application/json;q=0.9"))
        True
        >>> prefers_graphql_response(accept("application/json, application/graphql-response+json;q=0.5"))
        False
        >>> prefers_graphql_response(accept("*/*")), prefers_graphql_response({"headers": []})
        (False, False)
    """
    ranks = _accepted(scope)
    wanted = ranks.get(GRAPHQL_RESPONSE, 0.0)
    legacy = max(ranks.get("application/json", 0.0), ranks.get("application/*", 0.0), ranks.get("*/*", 0.0))
    return wanted > 0.0 and wanted >= legacy


def is_request_error(data: object, errors: Sequence[GraphQLError] | None) -> bool:
    """A result refused before execution: no data, and every error without a path (none came from a field).

    Examples:
        >>> is_request_error(None, [GraphQLError("Syntax Error: Unexpected <EOF>.")])
        True
        >>> is_request_error(None, [GraphQLError("Unexpected error.", path=["student"])])  # a field's: still a 200
        False
    """
    return data is None and bool(errors) and all(error.path is None for error in errors or ())


def _accepted(scope: Scope) -> dict[str, float]:
    """Media ranges of the ``Accept`` headers with their quality (1 unless ``q`` says otherwise)."""
    ranks: dict[str, float] = {}
    for name, value in scope.get("headers", ()):
        if name.lower() != b"accept":
            continue
        for part in bytes(value).decode("latin-1").split(","):
            media, *parameters = (piece.strip() for piece in part.split(";"))
            quality = 1.0
            for parameter in parameters:
                key, _, number = parameter.partition("=")
                if key.strip().lower() == "q":
                    try:
                        quality = float(number)
                    except ValueError:
                        quality = 0.0
            if media:
                ranks[media.lower()] = max(ranks.get(media.lower(), 0.0), quality)
    return ranks
