"""Prometheus metrics at ``/metrics``: what an operator graphs and alerts on.

Three sources, one registry per app (a test process builds many apps):

- HTTP (``MetricsMiddleware``): requests by route and status, and their seconds. Routes
  are the app's own paths, anything else is ``other``, so a scanner cannot grow the
  label set.
- GraphQL (``schema.metrics.OperationMetrics``): operations by type, first root field and
  outcome, and their seconds. A typed error result (``AttemptsError``, ...) is an
  answer, so it counts as ``ok``; ``error`` means GraphQL errors in the answer,
  ``rejected`` a document refused before execution (parse, validation, limits, whose
  field is then ``-``, again to keep labels bounded).
- The service's state, read at each scrape (``middleware.service_state``).

``/metrics`` sits behind the same bearer tokens as ``/graphql`` and answers admins only
(a Prometheus job sends ``authorization: {credentials: <token>}``); without a token in
development, as every request there, it acts as an admin.
"""

from __future__ import annotations

import time

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from auth.principal import Principal, Role

__all__ = ["MetricsEndpoint", "MetricsMiddleware", "ServiceMetrics"]

ROUTES = frozenset({"/graphql", "/healthz", "/readyz", "/metrics"})
# From a cached query (milliseconds) to a forget's store rewrite (a minute on a large store).
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)


class ServiceMetrics:
    """The metrics of one app."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.http_requests = Counter(
            "pathwise_http_requests",
            "HTTP requests answered, by route and status.",
            ["route", "status"],
            registry=self.registry,
        )
        self.http_seconds = Histogram(
            "pathwise_http_request_seconds",
            "Seconds from a request's arrival to the end of its answer, by route.",
            ["route"],
            buckets=BUCKETS,
            registry=self.registry,
        )
        self.operations = Counter(
            "pathwise_graphql_operations",
            "GraphQL operations by type, first root field and outcome (ok, error, rejected).",
            ["operation", "field", "outcome"],
            registry=self.registry,
        )
        self.operation_seconds = Histogram(
            "pathwise_graphql_operation_seconds",
            "Seconds to parse, validate and execute a GraphQL operation, by type and first root field.",
            ["operation", "field"],
            buckets=BUCKETS,
            registry=self.registry,
        )

    def watch(self, collector: Collector) -> None:
        """Add a collector read at every scrape (the service's state)."""
        self.registry.register(collector)

    def operation(self, operation: str, field: str, outcome: str, seconds: float) -> None:
        """Count one GraphQL operation."""
        self.operations.labels(operation, field, outcome).inc()
        self.operation_seconds.labels(operation, field).observe(seconds)

    def exposition(self) -> bytes:
        """The Prometheus text format of every metric."""
        return generate_latest(self.registry)


class MetricsMiddleware:
    """Count and time every HTTP request (pure ASGI: it sees streamed answers end)."""

    def __init__(self, app: ASGIApp, metrics: ServiceMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Call the app, noting the status it answers and when its answer ends."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        route = scope["path"] if scope["path"] in ROUTES else "other"
        status = 500  # what the client sees when the app fails before answering
        began = time.perf_counter()

        async def noting(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, noting)
        finally:
            self.metrics.http_requests.labels(route, str(status)).inc()
            self.metrics.http_seconds.labels(route).observe(time.perf_counter() - began)


class MetricsEndpoint:
    """``GET /metrics`` for admins (behind ``AuthMiddleware``, which sets the principal)."""

    def __init__(self, metrics: ServiceMetrics) -> None:
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The exposition, or 403 for a principal who is not an admin."""
        principal = Request(scope).state.principal
        response: Response
        if not isinstance(principal, Principal) or principal.role is not Role.ADMIN:
            # the error shape every other refusal of the service has (it was {"error": ...} alone)
            refusal = {
                "message": "metrics are for admins (a token with role admin)",
                "extensions": {"code": "FORBIDDEN"},
            }
            response = JSONResponse({"errors": [refusal]}, status_code=403)
        else:
            response = Response(self.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)
        await response(scope, receive, send)
