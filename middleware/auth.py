"""Turn ``Authorization: Bearer <jwt>`` into the request's principal, or answer 401.

Pure ASGI around the GraphQL app: the principal goes into the request state
(``request.state.principal``), where ``get_context`` picks it up for the access policy.

- A token that does not verify is 401 in every mode: a broken token silently acting
  as someone else would hide the mistake.
- No token in production: 401.
- No token in development (the ``make run`` default): the request acts as an admin, so
  GraphiQL and curl work with no setup. The first such request logs a WARNING; each one
  logs at DEBUG.

401 bodies are GraphQL-shaped (``{"errors": [{"message", "extensions": {"code"}}]}``) so
GraphQL clients show them, with the RFC 6750 ``WWW-Authenticate`` header.
"""

from __future__ import annotations

import json
import logging
import threading

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from auth.principal import DEVELOPMENT_ADMIN, Principal
from auth.tokens import TokenError, VerificationKeys, bearer_token, verify

__all__ = ["AuthMiddleware"]

log = logging.getLogger("pathwise.auth")


class _Unauthenticated(Exception):
    def __init__(self, message: str, reason: str | None) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


class AuthMiddleware:
    """Authenticate every HTTP request to the wrapped app."""

    def __init__(
        self, app: ASGIApp, keys: VerificationKeys, *, development: bool, warned: threading.Event | None = None
    ) -> None:
        self.app = app
        self.keys = keys
        self.development = development
        self._warned = warned or threading.Event()  # an app's routes share one: the warning is logged once

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Put the principal in the request state and call the app, or refuse."""
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        try:
            given = Headers(scope=scope).getlist("authorization")
            if len(given) > 1:  # the first won, whichever role the second named (an audit)
                raise _Unauthenticated(
                    f"the request has {len(given)} Authorization headers: send one", "MALFORMED_TOKEN"
                )
            principal = self.authenticate(given[0] if given else None)
        except _Unauthenticated as error:
            await self._refuse(scope, send, error)
            return
        scope.setdefault("state", {})["principal"] = principal
        await self.app(scope, receive, send)

    def authenticate(self, authorization: str | None) -> Principal:
        """The principal of a request with this ``Authorization`` header (or none)."""
        try:
            token = bearer_token(authorization)
            if token is not None:
                return verify(token, self.keys)
        except TokenError as error:
            log.info("refused a token: %s (%s)", error.message, error.code)
            raise _Unauthenticated(error.message, error.code) from None
        if not self.development:
            raise _Unauthenticated("a bearer token is required (Authorization: Bearer <token>)", None)
        if not self._warned.is_set():
            self._warned.set()
            log.warning(
                "DEVELOPMENT MODE: requests without a token act as ADMIN. "
                "Set PATHWISE_ENV=production to require tokens (mint one with `pathwise token`)."
            )
        log.debug("a request without a token acts as admin (development)")
        return DEVELOPMENT_ADMIN

    async def _refuse(self, scope: Scope, send: Send, error: _Unauthenticated) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008, "reason": error.message[:120]})
            return
        extensions = {"code": "UNAUTHENTICATED"} | ({"reason": error.reason} if error.reason else {})
        body = json.dumps({"errors": [{"message": error.message, "extensions": extensions}]}).encode()
        challenge = 'Bearer realm="pathwise"'
        if error.reason is not None:
            description = error.message.replace('"', "'")
            challenge += f', error="invalid_token", error_description="{description}"'
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"www-authenticate", challenge.encode()),
        ]
        await send({"type": "http.response.start", "status": 401, "headers": headers})
        await send({"type": "http.response.body", "body": body})
