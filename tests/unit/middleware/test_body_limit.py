"""The body limit at the ASGI level: counted as it arrives, whatever the headers say."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.types import Message, Receive, Scope, Send

from middleware.body_limit import BodyLimitMiddleware


class Echo:
    """An app that reads the whole body and answers its length."""

    def __init__(self) -> None:
        self.called = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.called = True
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": str(len(body)).encode()})


def run(chunks: list[bytes], headers: list[tuple[bytes, bytes]], max_bytes: int = 100) -> tuple[int, Any, Echo, int]:
    """Send ``chunks`` through the middleware; (status, body, app, chunks left unread)."""
    app = Echo()
    pending = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)]
    sent: list[Message] = []

    async def receive() -> Message:
        return pending.pop(0) if pending else {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    scope: Scope = {"type": "http", "method": "POST", "path": "/graphql", "headers": headers}
    asyncio.run(BodyLimitMiddleware(app, max_bytes=max_bytes)(scope, receive, send))
    status = sent[0]["status"]
    body = sent[1]["body"]
    return status, json.loads(body) if status != 200 else body, app, len(pending)


class TestBodyLimit:
    def test_under_the_limit_is_replayed_whole(self) -> None:
        status, body, app, _ = run([b"a" * 60, b"b" * 40], [])
        assert (status, body, app.called) == (200, b"100", True)

    def test_announced_length_over_the_limit_is_refused_unread_by_the_app(self) -> None:
        status, body, app, left = run([b"a" * 150], [(b"content-length", b"150")])
        assert status == 413
        assert body["errors"][0]["extensions"] == {"code": "PAYLOAD_TOO_LARGE", "maxBytes": 100}
        # A designer posting a district's materials.csv learns the setting and the way around it.
        assert "PATHWISE_MAX_BODY_BYTES" in body["errors"][0]["message"]
        assert "pathwise import" in body["errors"][0]["message"]
        assert not app.called
        assert left == 0  # drained, so the client gets the answer

    def test_chunks_are_counted_when_no_length_is_announced(self) -> None:
        status, _, app, _ = run([b"a" * 60] * 3, [])
        assert status == 413
        assert not app.called

    def test_a_lying_content_length_does_not_help(self) -> None:
        status, _, app, _ = run([b"a" * 60] * 3, [(b"content-length", b"10")])
        assert status == 413
        assert not app.called

    def test_a_body_past_the_drain_bound_is_answered_without_reading(self) -> None:
        app = Echo()
        sent: list[Message] = []

        async def receive() -> Message:
            raise AssertionError("nothing should be read")

        async def send(message: Message) -> None:
            sent.append(message)

        scope: Scope = {"type": "http", "headers": [(b"content-length", str(10**12).encode())]}
        asyncio.run(BodyLimitMiddleware(app, max_bytes=100, drain_bytes=1000)(scope, receive, send))
        assert sent[0]["status"] == 413
        assert (b"connection", b"close") in sent[0]["headers"]
