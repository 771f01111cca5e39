"""A request id on every answer and its log lines, so a user's "it broke" can be found in the log.

A client (or a proxy in front) may send ``X-Request-ID``; a well-formed one is kept, so
one id follows a request through every system it crossed. Otherwise one is made. The id
is answered in the ``X-Request-ID`` header, added to the access line, and to every log
line written while the request runs (a masked error's traceback among them).
"""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["HEADER", "REQUEST_ID", "RequestIdFilter", "RequestIdFormatter", "RequestIdMiddleware", "request_id_of"]

HEADER = "X-Request-ID"
REQUEST_ID: ContextVar[str] = ContextVar("request_id", default="-")
"""The id of the request being answered in this context; ``-`` outside one."""

_GIVEN = re.compile(r"[A-Za-z0-9._:@/+=-]{1,128}")
"""What a sent id may be: what proxies make (uuids, hex, Amazon's ``Root=1-...``), never spaces or control
characters, which would let a client write lines of its own into the log."""


def request_id_of(sent: str | None) -> str:
    """The sent id if it is well formed, else a new one.

    Examples:
        >>> request_id_of("abc-123"), len(request_id_of(None)), request_id_of("a b") != "a b"
        ('abc-123', 32, True)
    """
    if sent is not None and _GIVEN.fullmatch(sent):
        return sent
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Give each HTTP request an id (``REQUEST_ID`` while it runs) and answer it in ``X-Request-ID``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = next((v.decode("latin-1") for k, v in scope.get("headers", ()) if k.lower() == b"x-request-id"), None)
        ident = request_id_of(sent)
        scope.setdefault("state", {})["request_id"] = ident

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", ()) if k.lower() != b"x-request-id"]
                message = {**message, "headers": [*headers, (b"x-request-id", ident.encode("latin-1"))]}
            await send(message)

        token = REQUEST_ID.set(ident)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            REQUEST_ID.reset(token)


class RequestIdFilter(logging.Filter):
    """Put the running request's id on each record (``%(request_id)s``; ``-`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


class RequestIdFormatter(logging.Formatter):
    """Our log format, with `` request_id=...`` ending a line written while a request runs (before any traceback)."""

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 (logging's name)
        line = super().formatMessage(record)
        ident = REQUEST_ID.get()
        return line if ident == "-" else f"{line} request_id={ident}"
