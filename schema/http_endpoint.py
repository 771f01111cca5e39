"""The ``/graphql`` endpoint: strawberry's ASGI app with Pathwise's context and its refusals in JSON.

Apart from ``server`` (which composes the app and its lifespan) because this is the
HTTP protocol of one route: how a request becomes a typed ``Context``, and how a
request refused before it runs (a batch, a form body, a compressed body, another
method) is answered in GraphQL's error shape a client can parse.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from cross_web import (  # strawberry's request adapter and the 400 it raises (its own dependency, locked)
    AsyncHTTPRequestAdapter,
    HTTPException,
)
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.types import ExecutionResult

from auth.answer_keys import AnswerKeys
from auth.directory import CohortDirectory
from auth.principal import Principal
from graph.student_keys import StoredStudentKeys
from middleware.cors import cors_off
from resolvers.loaders import build_loaders
from schema.context import Context
from schema.graphql_response import GRAPHQL_RESPONSE, is_request_error, prefers_graphql_response
from schema.operations import operations_needing_a_name

if TYPE_CHECKING:
    from graph.repository import KnowledgeGraph
    from ml.mastery.serving import MasteryService
    from settings import Settings

__all__ = ["PathwiseGraphQL", "cohort_directory", "lone_surrogate_at", "method_not_allowed"]


def cohort_directory(kg: KnowledgeGraph) -> CohortDirectory:
    """Teachers and their cohorts over the graph (``pw:teacher``, ``pw:memberOf``), for the teacher rules."""
    from graph.cohorts import GraphCohortDirectory

    return GraphCohortDirectory(kg)


class PathwiseGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI app with a typed context built per request."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """As strawberry's, but a refused request (400) says why in GraphQL's JSON error shape, not plain text.

        A client parses every answer of the endpoint as JSON; a batch, a form body or a
        document of unnamed operations came back as text it could not read.
        """
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        if scope.get("method") == "HEAD":  # strawberry's 405 named no methods; HEAD has no body to explain it
            await Response(status_code=405, headers={"Allow": "GET, POST"})(scope, receive, send)
            return
        encoding = _content_encoding(scope)
        if encoding:
            # A gzip body was read as text and refused as "not UTF-8", which sent the client hunting for a bad byte.
            message = f"The request body is encoded ({encoding}): send it uncompressed, without Content-Encoding"
            body = {"errors": [{"message": message, "extensions": {"code": "BAD_REQUEST"}}]}
            await JSONResponse(body, status_code=415)(scope, receive, send)
            return
        try:
            response = await self.run(Request(scope=scope, receive=receive))
        except HTTPException as error:
            reason = error.reason
            if scope.get("method") == "GET" and reason == "Unable to parse request body as JSON":
                reason = "The `variables` or `extensions` query parameter is not JSON"  # a GET has no body
            if reason == "Unsupported content type":  # it named neither the type sent nor the ones read
                sent = _header(scope, b"content-type") or "none"
                reason = (
                    f"Unsupported content type ({sent}): send a JSON object with `query` as application/json, "
                    "or a GET with `query` in the URL"
                )
            status, headers = error.status_code, {}
            if scope.get("method") == "GET" and reason == "mutations are not allowed when using GET":
                # GraphQL over HTTP: 405, the method at fault (it was 400, as for a malformed request)
                status, headers = 405, {"Allow": "POST"}
                reason = "A mutation is sent with POST (GET is for queries)"
            body = {"errors": [{"message": reason, "extensions": {"code": "BAD_REQUEST"}}]}
            response = JSONResponse(body, status_code=status, headers=headers)
        if prefers_graphql_response(scope) and response.media_type in (None, "application/json"):
            response.headers["content-type"] = f"{GRAPHQL_RESPONSE}; charset=utf-8"
            if response.status_code == 200 and scope.get("state", {}).get("graphql_request_error"):
                response.status_code = 400
        await response(scope, receive, send)

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        """As strawberry's; a request error asked for as ``application/graphql-response+json`` has no ``data``."""
        processed = await super().process_result(request, result)
        if prefers_graphql_response(request.scope) and is_request_error(result.data, result.errors):
            processed.pop("data", None)
            request.state.graphql_request_error = True  # ``__call__`` answers it 400
        return processed

    def decode_json(self, data: str | bytes) -> object:
        """A JSON object, or a 400: strawberry answered 500 to ``"text"``, ``null`` or bytes not UTF-8."""
        try:
            decoded = json.loads(data)
        except UnicodeDecodeError as error:
            raise HTTPException(400, "The request body is not UTF-8 text") from error
        except RecursionError as error:  # a body of [[[[...]]]] 100,000 deep was a 500 and a logged traceback
            raise HTTPException(400, "The request body nests JSON too deeply") from error
        except json.JSONDecodeError:
            raise
        except ValueError as error:  # an integer of over 4,300 digits: Python refuses to convert it (a 500)
            raise HTTPException(
                400, "The request body holds an integer too long to read: send it as a string"
            ) from error
        if not isinstance(decoded, dict | list):  # a list is a batch: strawberry answers it (refused: no batching)
            raise HTTPException(400, "The request body must be a JSON object with a `query`")
        return decoded

    async def parse_http_body(self, request: AsyncHTTPRequestAdapter) -> GraphQLRequestData | list[GraphQLRequestData]:
        """The request, refused (400) when its document holds several operations and it names none.

        Also refused: an ``operationName`` that is not a string (``5`` was looked up as an
        operation named "5"), and a lone UTF-16 surrogate (``"\\udfff"``) anywhere in the
        request, which JSON allows and no text is: each resolver handed it on, to fail in
        its own way (an untyped error from the tokenizer, Python's codec message, a 500).
        """
        data = await super().parse_http_body(request)
        if isinstance(data, GraphQLRequestData):
            if not isinstance(data.operation_name, str | None):
                raise HTTPException(
                    400, "The GraphQL operation's `operationName` must be a string or null, if provided."
                )
            where = lone_surrogate_at(
                {"query": data.query, "operationName": data.operation_name, "variables": data.variables}
            )
            if where is not None:
                raise HTTPException(400, f"The request holds a lone UTF-16 surrogate at {where}: it is not text")
        if isinstance(data, GraphQLRequestData) and data.query and data.operation_name is None:
            names = operations_needing_a_name(data.query)
            if names:
                raise HTTPException(
                    400, f"The document holds {len(names)} operations ({', '.join(names)}): name one in operationName"
                )
        return data

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        kg: KnowledgeGraph = request.state.kg
        mastery: MasteryService | None = request.state.mastery
        settings: Settings = request.state.settings
        principal: Principal = request.state.principal  # set by AuthMiddleware, which wraps this app
        checker: Callable[[], None] | None = getattr(request.app.state, "stale_check", None)
        if checker is not None:
            checker()
        return Context(
            kg=kg,
            loaders=build_loaders(kg, mastery),
            mastery=mastery,
            request=request,
            response=response,
            principal=principal,
            directory=cohort_directory(kg),
            suppress_below=settings.min_cell,
            qa=request.state.qa,
            settler=request.state.settler,
            # a student stored before ids were read in NFC is reached by their id in any form (graph.student_keys)
            pseudonyms=StoredStudentKeys(request.state.pseudonyms, kg.store, request.state.erasures),
            erasures=request.state.erasures,
            data_dir=settings.data_dir,
            backup_dir=settings.backup_dir,
            backup_keep=settings.backup_keep,
            xapi_account_homes=settings.xapi_account_homes,
            time_zone=settings.time_zone,
            forget_wait_seconds=settings.forget_wait_seconds,
            answer_keys=AnswerKeys(settings.answer_keys),
        )


def lone_surrogate_at(value: object) -> str | None:
    """The path (``variables.q``, ``variables.a.2``) of the first string holding a lone surrogate, or None.

    Examples:
        >>> lone_surrogate_at({"variables": {"a": ["ok", "x\\udfff"]}}), lone_surrogate_at({"query": "é"})
        ('variables.a.1', None)
    """
    stack: list[tuple[str, object]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return path
        elif isinstance(item, dict):
            for key, inner in reversed(list(item.items())):
                stack.append((f"{path}.{key}" if path else str(key), inner))
                if isinstance(key, str) and _SURROGATE.search(key):
                    return f"{path}.{key!a}" if path else ascii(key)
        elif isinstance(item, list):
            stack.extend((f"{path}.{i}", inner) for i, inner in reversed(list(enumerate(item))))
    return None


_SURROGATE = re.compile("[\ud800-\udfff]")


def _header(scope: Scope, wanted: bytes) -> str:
    """The request's first header named ``wanted`` (lower case), or ""."""
    for name, value in scope.get("headers", ()):
        if name.lower() == wanted:
            return bytes(value).decode("latin-1").strip()
    return ""


def _content_encoding(scope: Scope) -> str:
    """The request's ``Content-Encoding`` other than ``identity``, or "" (the endpoint reads plain bodies only)."""
    for name, value in scope.get("headers", ()):
        if name.lower() == b"content-encoding":
            encoding = bytes(value).decode("latin-1").strip()
            if encoding.lower() not in ("", "identity"):
                return encoding
    return ""


async def method_not_allowed(request: Request, error: Exception) -> Response:
    """A 405 in GraphQL's JSON error shape, naming the methods (``PUT /graphql`` was answered in plain text).

    HEAD is left out: the router lists it beside GET, but the endpoint answers it 405.
    """
    headers = dict(getattr(error, "headers", None) or {})
    allowed = ", ".join(m for m in headers.get("Allow", "GET, POST").split(", ") if m != "HEAD")
    headers["Allow"] = allowed
    if (preflight := cors_off(request)) is not None:  # a browser app while CORS is off: say so, not "use GET"
        preflight.headers["Allow"] = allowed
        return preflight
    body = {
        "errors": [
            {"message": f"{request.method} is not allowed here: use {allowed}", "extensions": {"code": "BAD_REQUEST"}}
        ]
    }
    return JSONResponse(body, status_code=405, headers=headers)
