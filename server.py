"""The Starlette app: ``/graphql`` (GraphiQL in development) and ``/healthz``.

The lifespan opens the store, builds the projection, loads the demo curriculum into
an empty store, and hands the knowledge graph to every request through typed state.
Run it with ``pathwise serve`` (or ``uvicorn server:app``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, TypedDict

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from graph.repository import KnowledgeGraph
from graph.store import open_store
from resolvers.loaders import build_loaders
from schema import build_schema
from schema.context import Context
from settings import Settings, load_settings

if TYPE_CHECKING:
    from ml.mastery.serving import MasteryService

__all__ = ["app", "create_app"]

log = logging.getLogger("pathwise")


class State(TypedDict):
    """What the lifespan hands to requests."""

    kg: KnowledgeGraph
    mastery: MasteryService | None
    settings: Settings


class _StaleCheck:
    """Asks a shared store for its revision at most once per interval (remote stores only)."""

    def __init__(self, kg: KnowledgeGraph, interval: float) -> None:
        self.kg = kg
        self.interval = interval
        self.enabled = kg.store.name == "sparql"
        self._last = 0.0

    def __call__(self) -> None:
        now = time.monotonic()
        if self.enabled and now - self._last >= self.interval:
            self._last = now
            if self.kg.refresh_if_stale():
                log.info("projection was stale; rebuilt at revision %d", self.kg.revision)


class PathwiseGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI app with a typed context built per request."""

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        kg: KnowledgeGraph = request.state.kg
        mastery: MasteryService | None = request.state.mastery
        checker: _StaleCheck | None = getattr(request.app.state, "stale_check", None)
        if checker is not None:
            checker()
        return Context(kg=kg, loaders=build_loaders(kg, mastery), mastery=mastery, request=request, response=response)


def open_mastery(settings: Settings) -> MasteryService | None:
    """The served mastery model: the pinned or newest version, else the demo's shipped one."""
    if not settings.mastery:
        return None
    from demo.load import MODEL_DIR
    from ml.mastery.serving import MasteryService
    from ml.mastery.versions import ModelVersions

    service = MasteryService(
        ModelVersions(settings.data_dir / "models" / "mastery"),
        fallback=MODEL_DIR if settings.load_demo else None,
        threads=settings.torch_threads,
    )
    log.info("mastery model: %s", service.version or "none (run `pathwise train mastery`)")
    return service


def open_knowledge_graph(settings: Settings, mastery: MasteryService | None = None) -> KnowledgeGraph:
    """Open the configured store; load the demo into an empty one when asked."""
    if settings.store.startswith("oxigraph:"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    kg = KnowledgeGraph(open_store(settings.store))
    if settings.load_demo and kg.is_empty():
        from demo.load import load_demo

        estimator = mastery.predictor.update if mastery is not None and mastery.version else None
        loaded = load_demo(kg, estimate=estimator)
        log.warning(
            "empty store: loaded the demo curriculum (%d concepts, %d materials, %d simulated attempts)",
            loaded.concepts,
            loaded.materials,
            loaded.attempts,
        )
    return kg


def create_app(
    settings: Settings | None = None, kg: KnowledgeGraph | None = None, mastery: MasteryService | None = None
) -> Starlette:
    """The application; tests pass their own settings, an open graph, a mastery service."""
    config = settings or load_settings()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[State]:
        service = mastery if mastery is not None else open_mastery(config)
        graph = kg or open_knowledge_graph(config, service)
        app.state.stale_check = _StaleCheck(graph, config.stale_check_seconds)
        log.info("serving %s store at revision %d", graph.store.name, graph.revision)
        try:
            yield {"kg": graph, "mastery": service, "settings": config}
        finally:
            if kg is None:
                graph.store.close()

    async def healthz(request: Request) -> JSONResponse:
        graph: KnowledgeGraph = request.state.kg
        body: dict[str, Any] = {
            "status": "ok",
            "store": graph.store.name,
            "revision": graph.revision,
            "concepts": graph.projection.dag.number_of_nodes(),
            "materials": len(graph.projection.material_ids),
            "mastery_model": request.state.mastery.version if request.state.mastery is not None else None,
        }
        return JSONResponse(body)

    graphql = PathwiseGraphQL(
        build_schema(development=config.development),
        graphql_ide="graphiql" if config.development else None,
    )
    routes = [
        Route("/graphql", graphql, methods=["GET", "POST"]),
        Route("/healthz", healthz),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


def app() -> Starlette:
    """Factory for ``uvicorn --factory server:app``."""
    return create_app()
