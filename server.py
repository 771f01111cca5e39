"""The Starlette app: ``/graphql`` (GraphiQL in development), ``/healthz``, ``/readyz`` and ``/metrics``.

The lifespan opens the store, builds the projection, loads the demo curriculum into
an empty store, and hands the knowledge graph to every request through typed state.
Run it with ``pathwise serve`` (or ``uvicorn server:app``).
"""

from __future__ import annotations

import gc
import json
import logging
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

from cross_web import (  # strawberry's request adapter and the 400 it raises (its own dependency, locked)
    AsyncHTTPRequestAdapter,
    HTTPException,
)
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData

from auth.answer_keys import AnswerKeys
from auth.claims import ClaimRules
from auth.directory import CohortDirectory
from auth.keys import load_keys
from auth.principal import Principal
from graph.backup import finish_interrupted_restore, remove_unfinished_backups
from graph.erasures import ERASURE_LOG, ErasureLog
from graph.folders import private_folder
from graph.pseudonyms import Pseudonymizer, load_pseudonymizer
from graph.repository import KnowledgeGraph
from graph.store import open_store
from graph.xapi_homes import AccountHomesChanged, account_homes, keying_marks, recorded_homes
from middleware.access_log import drop_query_strings
from middleware.auth import AuthMiddleware
from middleware.body_limit import BodyLimitMiddleware
from middleware.metrics import MetricsEndpoint, MetricsMiddleware, ServiceMetrics
from middleware.service_state import ServiceState
from resolvers.loaders import build_loaders
from resolvers.settling import EstimateSettler
from resolvers.students import settle
from schema import build_schema
from schema.context import Context
from schema.limits import Limits
from schema.operations import operations_needing_a_name
from settings import Settings, load_settings

if TYPE_CHECKING:
    from ml.mastery.serving import MasteryService
    from ml.qa.serving import QaService

__all__ = ["app", "create_app"]

log = logging.getLogger("pathwise")


class State(TypedDict):
    """What the lifespan hands to requests."""

    kg: KnowledgeGraph
    mastery: MasteryService | None
    qa: QaService | None
    settings: Settings
    pseudonyms: Pseudonymizer
    erasures: ErasureLog
    settler: EstimateSettler | None


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
            body = {"errors": [{"message": reason, "extensions": {"code": "BAD_REQUEST"}}]}
            response = JSONResponse(body, status_code=error.status_code)
        await response(scope, receive, send)

    def decode_json(self, data: str | bytes) -> object:
        """A JSON object, or a 400: strawberry answered 500 to ``"text"``, ``null`` or bytes not UTF-8."""
        try:
            decoded = json.loads(data)
        except UnicodeDecodeError as error:
            raise HTTPException(400, "The request body is not UTF-8 text") from error
        except RecursionError as error:  # a body of [[[[...]]]] 100,000 deep was a 500 and a logged traceback
            raise HTTPException(400, "The request body nests JSON too deeply") from error
        if not isinstance(decoded, dict | list):  # a list is a batch: strawberry answers it (refused: no batching)
            raise HTTPException(400, "The request body must be a JSON object with a `query`")
        return decoded

    async def parse_http_body(self, request: AsyncHTTPRequestAdapter) -> GraphQLRequestData | list[GraphQLRequestData]:
        """The request, refused (400) when its document holds several operations and it names none."""
        data = await super().parse_http_body(request)
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
        checker: _StaleCheck | None = getattr(request.app.state, "stale_check", None)
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
            pseudonyms=request.state.pseudonyms,
            erasures=request.state.erasures,
            data_dir=settings.data_dir,
            backup_dir=settings.backup_dir,
            backup_keep=settings.backup_keep,
            xapi_account_homes=settings.xapi_account_homes,
            time_zone=settings.time_zone,
            forget_wait_seconds=settings.forget_wait_seconds,
            answer_keys=AnswerKeys(settings.answer_keys),
        )


def open_mastery(settings: Settings) -> MasteryService | None:
    """The served mastery model: the pinned or newest version, else the demo's shipped one."""
    if not settings.mastery:
        return None
    from demo.load import MODEL_DIR
    from ml.mastery.serving import MasteryService
    from ml.mastery.versions import ModelVersions

    # The models folder is created inside the data folder: made 0755 here, it held student data open
    # to other users (a `demo load` or `attempts import` on a sparql: store, which opens no folder first).
    private_folder(settings.data_dir)
    # The shipped model is installed whenever none is there, demo data or not: a production
    # start with no model refused every recordAttempts ("no mastery model is installed").
    service = MasteryService(
        ModelVersions(settings.data_dir / "models" / "mastery"),
        fallback=MODEL_DIR,
        threads=settings.torch_threads,
    )
    log.info("mastery model: %s", service.version or "none (run `pathwise train mastery`)")
    if service.version == "demo" and not settings.development:
        log.warning(
            "serving the shipped starter model (trained on the demo's simulated students): "
            "train one on your own attempt logs with `pathwise train mastery`"
        )
    return service


def _warm_report_tables(kg: KnowledgeGraph) -> None:
    """Load the cohort figures' estimate and attempt tables in the background, so no request waits for them.

    The estimate table's first load reads every mastery estimate (tens of seconds for a
    million), the attempt table's every attempt (20-30 s for half a million); neither
    holds writes up (the writes made meanwhile are applied to what was read), and one
    after the other they do not share the cores. Requests that need a table before it is ready wait
    on its lock rather than load it twice; a small cohort's reports read the store
    meanwhile (``graph.cohort_reports``).
    """
    from graph.attempt_table import attempt_table
    from graph.estimate_table import estimate_table

    def run() -> None:
        try:
            started = time.perf_counter()
            estimates = estimate_table(kg)
            log.info("estimate table: %d estimates in %.1f s", len(estimates), time.perf_counter() - started)
            started = time.perf_counter()
            table = attempt_table(kg)
            log.info(
                "attempt table: %d attempts in %.1f s, %.0f MiB",
                len(table),
                time.perf_counter() - started,
                table.nbytes / 2**20,
            )
        except Exception:  # the reports load them when first asked
            log.exception("loading the cohort reports' tables failed")

    threading.Thread(target=run, name="report-tables", daemon=True).start()


def open_qa(settings: Settings, kg: KnowledgeGraph) -> QaService | None:
    """Question answering: the index saved beside the store, synced with the graph in the background."""
    if not settings.qa:
        return None
    from ml.qa.answer import AnswerOptions
    from ml.qa.generation import generator_from_setting
    from ml.qa.serving import QaService
    from resolvers.qa import attach

    key = settings.qa_generator_api_key
    generator = generator_from_setting(
        settings.qa_generator, api_key=str(key) if key is not None else None, threads=settings.torch_threads
    )
    if generator is not None:
        log.info("qa: answers are rephrased by %s, from the retrieved evidence only", generator.name)
    service = QaService.open(
        settings.data_dir,
        persist=not settings.store.startswith("memory"),
        threads=settings.torch_threads,
        options=AnswerOptions(min_confidence=settings.qa_min_confidence),
        generator=generator,
    )
    attach(kg, service)
    return service


def open_knowledge_graph(
    settings: Settings, mastery: MasteryService | None = None, pseudonyms: Pseudonymizer | None = None
) -> KnowledgeGraph:
    """Open the configured store; load the demo into an empty one when asked (students under their keys).

    A restore a crash cut short is finished first (``finish_interrupted_restore``): its
    students forgotten since the backup are forgotten again before anything is served.
    """
    if settings.store.startswith("oxigraph:"):
        if pseudonyms is not None:
            store_path = Path(settings.store.partition(":")[2])
            finish_interrupted_restore(settings.data_dir, store_path, pseudonyms, say=log.warning)
        private_folder(settings.data_dir)
    kg = KnowledgeGraph(open_store(settings.store, rewrite_in_background=True))  # serving while it runs
    # The demo is two writes (curriculum, then students); the marker says a stop came between them,
    # which left half a demo that a later start took for a loaded store.
    marker = settings.data_dir / DEMO_MARKER
    unfinished = marker.exists() and not kg.is_empty()
    if not settings.load_demo and kg.is_empty():  # a volume mounted wrong looks just like a new deployment
        log.warning("the store is empty: import a curriculum (`pathwise import`, `importCurriculum`)")
    if settings.load_demo and (kg.is_empty() or unfinished):
        from demo.load import load_demo

        if unfinished:
            log.warning("the demo's first load was stopped before its students were stored: finishing it")
        estimator = mastery.predictor.update if mastery is not None and mastery.version else None
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
        loaded = load_demo(kg, estimate=estimator, pseudonyms=pseudonyms, curriculum=not unfinished)
        marker.unlink()
        log.warning(
            "empty store: loaded the demo curriculum (%d concepts, %d materials, %d simulated attempts)",
            loaded.concepts,
            loaded.materials,
            loaded.attempts,
        )
    return kg


SWITCH_STOP_SECONDS = 10
"""How long a stop waits for a running model switch to end at its next chunk of students."""

DEMO_MARKER = "demo-loading"
"""A file in the data folder while the demo's first load runs."""


def _refresh_stale_estimates(kg: KnowledgeGraph, mastery: MasteryService | None) -> None:
    """In the background, re-estimate what another model version estimated (a start serving another model)."""
    if mastery is None or mastery.version is None:
        return
    from resolvers.model_switch import refresh_stale_estimates

    def run() -> None:
        try:
            refresh_stale_estimates(kg, mastery)
        except Exception:  # the service goes on serving; the next start tries again
            log.exception("re-estimating the stored estimates with %s failed", mastery.version)

    threading.Thread(target=run, name="estimate-refresh", daemon=True).start()


def check_xapi_homes(kg: KnowledgeGraph, settings: Settings) -> None:
    """Refuse to serve with other xAPI account homes than the store's learners were keyed with; log them.

    Turned on after statements were stored, ``PATHWISE_XAPI_ACCOUNT_HOMES`` gave every
    learner of the added home a second key (``graph.xapi_homes``); ``pathwise serve``
    says so before anything loads, and this stops an app started another way.

    Raises:
        AccountHomesChanged: the homes differ from those recorded.
    """
    try:
        keying_marks(kg.store, settings.xapi_account_homes)
    except AccountHomesChanged as error:
        log.error("%s", error.message)
        raise
    recorded = recorded_homes(kg.store)
    log.info(
        "xAPI accounts keyed by their bare name: %s (%s)",
        ", ".join(account_homes(settings.xapi_account_homes)) or "none, every account by home page and name",
        "as recorded in the store" if recorded is not None else "recorded with the first statement stored",
    )


def _freeze_startup_objects() -> None:
    """Keep what startup built (libraries, models, the curriculum) out of the garbage collector's scans.

    Python's full collections walk every tracked object; with the models and libraries
    loaded, each one paused the event loop for 150-190 ms every 8 s or so under load
    (5-20 ms once frozen). What is alive when startup is done lives as long as the
    process, so it is frozen.
    """
    gc.collect()
    gc.freeze()


def _describe(rules: ClaimRules) -> str:
    """The claim rules in one log line, so an operator sees what the service expects."""
    audience = ", ".join(rules.audience) or "unchecked (PATHWISE_JWT_AUDIENCE)"
    roles = f"{rules.role_claim!r}" + (f" mapped by {len(rules.role_map)} names" if rules.role_map else "")
    return f"audience {audience}, issuer {rules.issuer or 'unchecked (PATHWISE_JWT_ISSUER)'}, role from {roles}"


def create_app(
    settings: Settings | None = None, kg: KnowledgeGraph | None = None, mastery: MasteryService | None = None
) -> Starlette:
    """The application; tests pass their own settings, an open graph, a mastery service.

    Raises ``auth.keys.KeyConfigError`` in production without a token key, and
    ``graph.pseudonyms.PseudonymConfigError`` without ``PATHWISE_PSEUDONYM_SECRET``: nothing starts.
    """
    config = settings or load_settings()
    drop_query_strings()
    keys = load_keys(
        secret=str(config.jwt_secret) if config.jwt_secret is not None else None,
        public_key_path=config.jwt_public_key,
        development=config.development,
        data_dir=config.data_dir,
        max_lifetime=config.jwt_max_ttl_seconds,
        rules=config.claim_rules(),
    )
    log.info("verifying tokens with %s; %s", keys.source, _describe(keys.keys.rules))
    pseudonyms, secret_source = load_pseudonymizer(
        str(config.pseudonym_secret) if config.pseudonym_secret is not None else None,
        development=config.development,
        data_dir=config.data_dir,
    )
    log.info("student keys: HMAC-SHA-256 with %s", secret_source)
    log.info("trends bucketed by days, weeks and months in the %s time zone", config.time_zone)
    metrics = ServiceMetrics()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[State]:
        service = mastery if mastery is not None else open_mastery(config)
        graph = kg or open_knowledge_graph(config, service, pseudonyms)
        check_xapi_homes(graph, config)
        app.state.stale_check = _StaleCheck(graph, config.stale_check_seconds)
        log.info("serving %s store at revision %d", graph.store.name, graph.revision)
        qa = open_qa(config, graph)
        _warm_report_tables(graph)
        if config.backup_dir is not None:  # no backup runs yet: a .partial copy is a killed one's, with students in it
            for leftover in remove_unfinished_backups(config.backup_dir):
                log.warning("removed %s, a backup a crash had left unfinished (it held personal data)", leftover)
        settler = EstimateSettler(partial(settle, graph, service)).start() if service is not None else None
        state = ServiceState(graph, mastery=service, qa=qa, backup_dir=config.backup_dir)
        metrics.watch(state)
        if kg is None:  # a server process, not an app embedded in someone else's
            _refresh_stale_estimates(graph, service)
            _freeze_startup_objects()
        try:
            yield {
                "kg": graph,
                "mastery": service,
                "qa": qa,
                "settings": config,
                "pseudonyms": pseudonyms,
                "erasures": ErasureLog(config.data_dir / ERASURE_LOG, pseudonyms),
                "settler": settler,
            }
        finally:
            metrics.registry.unregister(state)
            if service is not None and not service.stop_switch(timeout=SWITCH_STOP_SECONDS):
                log.warning("a mastery model switch did not stop within %d s; closing anyway", SWITCH_STOP_SECONDS)
            if settler is not None:
                settler.close()  # the students still waiting are settled before the store closes
            if qa is not None:
                qa.close()
            if kg is None:
                graph.store.close()

    def health(request: Request) -> dict[str, Any]:
        graph: KnowledgeGraph = request.state.kg
        writable = getattr(graph.store, "writable", True)
        body: dict[str, Any] = {
            "status": "ok" if writable else "failing",
            "store": graph.store.name,
            "revision": graph.revision,
            "concepts": graph.projection.dag.number_of_nodes(),
            "materials": len(graph.projection.material_ids),
            "mastery_model": request.state.mastery.version if request.state.mastery is not None else None,
        }
        failure = getattr(graph.store, "write_failure", None)
        if failure:  # cleared by the next write that succeeds
            body["store_write_error"] = failure
        if request.state.mastery is not None and request.state.mastery.load_error:
            body["mastery_model_error"] = request.state.mastery.load_error  # served without one: say why
        switch = request.state.mastery.switch if request.state.mastery is not None else None
        if switch is not None and switch.running:  # estimates name either version until it has ended
            body["mastery_model_switch"] = {"version": switch.version, "phase": switch.phase.value}
        return body

    async def healthz(request: Request) -> JSONResponse:
        """Liveness: 503 only when the store cannot be written even after reopening it (a restart may help)."""
        body = health(request)
        return JSONResponse(body, status_code=200 if body["status"] == "ok" else 503)

    async def readyz(request: Request) -> JSONResponse:
        """Readiness: 503 while something a client would miss is not there yet (the question index), or failing."""
        body = health(request)
        waiting = []
        qa = request.state.qa
        if qa is not None and not qa.ready.is_set():
            waiting.append("qa_index")  # `ask` answers "No material is indexed yet" until it is built
        if body["status"] == "ok" and waiting:
            body["status"] = "starting"
        body["waiting_for"] = waiting
        return JSONResponse(body, status_code=200 if body["status"] == "ok" else 503)

    limits = Limits(
        max_depth=config.max_depth,
        max_aliases=config.max_aliases,
        max_tokens=config.max_tokens,
        max_cost=config.max_cost,
    )
    graphql = PathwiseGraphQL(
        build_schema(development=config.development, limits=limits, metrics=metrics),
        graphql_ide="graphiql" if config.development else None,
    )
    warned = threading.Event()  # the development-mode warning, once for both routes
    routes = [
        Route(
            "/graphql",
            AuthMiddleware(graphql, keys.keys, development=config.development, warned=warned),
            methods=["GET", "POST"],
        ),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route(
            "/metrics",
            AuthMiddleware(MetricsEndpoint(metrics), keys.keys, development=config.development, warned=warned),
        ),
    ]
    middleware = [
        Middleware(MetricsMiddleware, metrics=metrics),  # outermost: it times and counts every answer, 413s too
        Middleware(BodyLimitMiddleware, max_bytes=config.max_body_bytes),
    ]
    if config.cors_origins:  # a browser app on another origin: preflights answered, tokens sent as a header
        middleware.insert(
            1,
            Middleware(
                CORSMiddleware,
                allow_origins=list(config.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type"],
                max_age=600,
            ),
        )
    return Starlette(
        routes=routes, middleware=middleware, lifespan=lifespan, exception_handlers={405: _method_not_allowed}
    )


def _content_encoding(scope: Scope) -> str:
    """The request's ``Content-Encoding`` other than ``identity``, or "" (the endpoint reads plain bodies only)."""
    for name, value in scope.get("headers", ()):
        if name.lower() == b"content-encoding":
            encoding = bytes(value).decode("latin-1").strip()
            if encoding.lower() not in ("", "identity"):
                return encoding
    return ""


async def _method_not_allowed(request: Request, error: Exception) -> Response:
    """A 405 in GraphQL's JSON error shape, naming the methods (``PUT /graphql`` was answered in plain text)."""
    headers = dict(getattr(error, "headers", None) or {})
    allowed = headers.get("Allow", "GET, POST")
    body = {
        "errors": [
            {"message": f"{request.method} is not allowed here: use {allowed}", "extensions": {"code": "BAD_REQUEST"}}
        ]
    }
    return JSONResponse(body, status_code=405, headers=headers)


def app() -> Starlette:
    """Factory for ``uvicorn --factory server:app``."""
    return create_app()
