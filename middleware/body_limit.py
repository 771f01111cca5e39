"""Refuse request bodies over a byte limit with 413, before the app reads any of it.

Pure ASGI, so it sees the body as it arrives: a ``Content-Length`` over the limit is
refused at once, and a body that turns out longer than announced (or is chunked, with
no length at all) is counted chunk by chunk. Up to the limit the body is buffered and
replayed to the app, so the app never holds a partial body.

A refusal first reads and discards what the client is still sending (at most
``drain_bytes``, for at most ``drain_seconds``), then answers: an HTTP/1.1 client
writes its whole body before it reads the answer, and a server that answers and closes
early makes that client see a reset instead of the 413 (nginx's "lingering close"
solves the same problem). Past the drain bound the connection is answered and closed.
"""

from __future__ import annotations

import asyncio
import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["BodyLimitMiddleware"]


class BodyLimitMiddleware:
    """``413 Payload Too Large`` for bodies over ``max_bytes``; everything else passes through."""

    def __init__(
        self, app: ASGIApp, max_bytes: int, *, drain_bytes: int = 64 * 1024 * 1024, drain_seconds: float = 10.0
    ) -> None:
        if max_bytes < 1:
            raise ValueError("max_bytes must be at least 1")
        self.app = app
        self.max_bytes = max_bytes
        self.drain_bytes = drain_bytes
        self.drain_seconds = drain_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Buffer the body up to the limit and replay it, or answer 413."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            # Past the drain bound, do not even start reading: answer and close.
            await self._refuse(receive, send, received=0 if declared <= self.drain_bytes else declared, more=True)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            more = message.get("more_body", False)
            if size > self.max_bytes:
                await self._refuse(receive, send, received=size, more=more)
                return
            chunks.append(chunk)
        await self.app(scope, _replay(b"".join(chunks), receive), send)

    async def _refuse(self, receive: Receive, send: Send, *, received: int, more: bool) -> None:
        try:
            async with asyncio.timeout(self.drain_seconds):
                while more and received <= self.drain_bytes:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        return
                    received += len(message.get("body", b""))
                    more = message.get("more_body", False)
        except TimeoutError:
            pass
        body = json.dumps(
            {
                "errors": [
                    {
                        "message": f"the request body is larger than {self.max_bytes} bytes (PATHWISE_MAX_BODY_BYTES): "
                        "split the batch, or import a large curriculum or log with the CLI "
                        "(pathwise import, pathwise attempts import)",
                        "extensions": {"code": "PAYLOAD_TOO_LARGE", "maxBytes": self.max_bytes},
                    }
                ]
            }
        ).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        if more:
            headers.append((b"connection", b"close"))
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands the app the buffered body once, then defers to the server."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
