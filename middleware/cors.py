"""Browser preflights (CORS) answered in GraphQL's JSON error shape, naming what was refused and the setting.

Starlette answered a refused preflight "Disallowed CORS headers" in plain text, and with
CORS off (no ``PATHWISE_CORS_ORIGINS``) a preflight was a 405 that said only that OPTIONS
is not allowed: a frontend developer could not tell which header, or that CORS was off.
A browser shows neither body; the developer reading the network tab does.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

__all__ = ["JsonCORSMiddleware", "cors_off"]


class JsonCORSMiddleware(CORSMiddleware):
    """Starlette's CORS, with a refused preflight's reasons spelt out in JSON."""

    def preflight_response(self, request_headers: Headers) -> Response:
        answer = super().preflight_response(request_headers)
        if answer.status_code != 400:
            return answer
        reasons = []
        origin = request_headers["origin"]
        if not self.is_allowed_origin(origin=origin):
            reasons.append(f"the origin {origin!r} is not one of PATHWISE_CORS_ORIGINS")
        method = request_headers["access-control-request-method"]
        if method not in self.allow_methods:
            reasons.append(f"the method {method} is not allowed (only {', '.join(sorted(self.allow_methods))})")
        asked = [h.strip() for h in request_headers.get("access-control-request-headers", "").lower().split(",")]
        refused = [h for h in asked if h and h not in self.allow_headers]
        if refused and not self.allow_all_headers:
            reasons.append(f"the header(s) {', '.join(refused)} are not allowed: add them to PATHWISE_CORS_HEADERS")
        if request_headers.get("access-control-request-private-network") is not None and not self.allow_private_network:
            reasons.append("private-network access is not allowed")
        kept = {k: v for k, v in answer.headers.items() if k.lower().startswith("access-control-") or k == "vary"}
        return refusal("the browser's preflight was refused: " + "; ".join(reasons or ["see the CORS settings"]), kept)


def cors_off(request: Request) -> Response | None:
    """The answer to a browser preflight while CORS is off (None: the request is no preflight)."""
    if request.method != "OPTIONS" or "origin" not in request.headers:
        return None
    if "access-control-request-method" not in request.headers:
        return None
    return refusal(
        f"cross-origin requests are off, so a browser app on {request.headers['origin']} cannot call this API: "
        "set PATHWISE_CORS_ORIGINS to its origin",
        {},
        status=405,
    )


def refusal(message: str, headers: dict[str, str], status: int = 400) -> JSONResponse:
    """A refusal in GraphQL's JSON error shape."""
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": "BAD_REQUEST"}}]}, status, headers)
