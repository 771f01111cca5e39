"""The Starlette app: ``/graphql`` (GraphiQL in development), ``/healthz``, ``/readyz`` and ``/metrics``.

The lifespan opens the store, builds the projection, loads the demo curriculum into
an empty store, and hands the knowledge graph to every request through typed state.
Run it with ``pathwise serve`` (or ``uvicorn server:app``).
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from auth.claims import ClaimRules
from auth.keys import load_keys
from graph.backup import RestoreUnfinished, finish_interrupted_restore, remove_unfinished_backups
from graph.erasures import ERASURE_LOG, ErasureLog
from graph.errors import StoreUnreachable
from graph.folders import open_folder_warning, private_folder
from graph.pseudonyms import Pseudonymizer, load_pseudonymizer
from graph.repository import KnowledgeGraph
from graph.store import open_store
from graph.xapi_homes import AccountHomesChanged, account_homes, keying_marks, recorded_homes
from middleware.access_log import drop_query_strings
from middleware.auth import AuthMiddleware
from middleware.body_limit import BodyLimitMiddleware
from middleware.cors import JsonCORSMiddleware
from middleware.metrics import MetricsEndpoint, MetricsMiddleware, ServiceMetrics
from middleware.request_id import HEADER, RequestIdMiddleware
from middleware.service_state import ServiceState
from resolvers.settling import EstimateSettler
from resolvers.students import settle
from schema import build_schema
from schema.http_endpoint import PathwiseGraphQL, method_not_allowed
from schema.limits import Limits
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
    """Asks a shared store for its revision at most once per interval (remote stores only).

    A store that does not answer is logged once, and the request goes on with the
    projection as it is (reads of the curriculum still answer; what needs the store is
    ``UNAVAILABLE``): the first request of each interval was a plain-text HTTP 500.
    """

    def __init__(self, kg: KnowledgeGraph, interval: float) -> None:
        self.kg = kg
        self.interval = interval
        self.enabled = kg.store.name == "sparql"
        self._last = 0.0
        self.unreachable: str | None = None  # why the store did not answer at the last check

    def __call__(self) -> None:
        now = time.monotonic()
        if self.enabled and now - self._last >= self.interval:
            self._last = now
            self.probe()

    def probe(self) -> str | None:
        """Check now; why the store does not answer (``None``: it does)."""
        try:
            if self.kg.refresh_if_stale():
                log.info("projection was stale; rebuilt at revision %d", self.kg.revision)
        except StoreUnreachable as error:
            if self.unreachable is None:
                log.error("%s", error.message)
            self.unreachable = error.message
        else:
            if self.unreachable is not None:
                log.info("the SPARQL store answers again")
            self.unreachable = None
        return self.unreachable


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
            "the mastery model is the shipped starter one (trained on the demo's simulated students): "
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
            try:
                finish_interrupted_restore(settings.data_dir, store_path, pseudonyms, say=log.warning)
            except RestoreUnfinished as error:  # `pathwise serve` says it before starting; an app run otherwise here
                log.error("%s", error.message)
                raise
        private_folder(settings.data_dir)
        _warn_about_backups(settings)
    kg = KnowledgeGraph(open_store(settings.store, rewrite_in_background=True))  # serving while it runs
    # The demo is two writes (curriculum, then students); a marker says a stop came between them,
    # which left half a demo that a later start took for a loaded store.
    from demo.load import demo_unfinished, load_demo_marked

    unfinished = demo_unfinished(kg, settings.data_dir)
    if not settings.load_demo and kg.is_empty():  # a volume mounted wrong looks just like a new deployment
        log.warning("the store is empty: import a curriculum (`pathwise import`, `importCurriculum`)")
    if settings.load_demo and (kg.is_empty() or unfinished):
        if unfinished:
            log.warning("the demo's first load was stopped before its students were stored: finishing it")
        estimator = mastery.predictor.update if mastery is not None and mastery.version else None
        loaded = load_demo_marked(kg, settings.data_dir, estimate=estimator, pseudonyms=pseudonyms)
        log.warning(
            "empty store: loaded the demo curriculum (%d concepts, %d materials, %d simulated attempts)",
            loaded.concepts,
            loaded.materials,
            loaded.attempts,
        )
    return kg


SWITCH_STOP_SECONDS = 10
"""How long a stop waits for a running model switch to end at its next chunk of students."""


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


def _warn_about_backups(settings: Settings) -> None:
    """Warn of a backup folder open to other users, and of old backups the backup folder's move left behind."""
    from graph.backup import stale_backups

    if settings.backup_dir is not None:
        open_folder_warning(settings.backup_dir)
    stale = stale_backups(settings.data_dir, settings.backup_dir)
    if stale:
        log.warning(
            "%d backups remain in %s, the backup folder before PATHWISE_BACKUP_DIR moved: they hold students "
            "erased since, where no erasure reaches; move them off or delete them (they are no longer pruned)",
            len(stale),
            stale[0].parent,
        )


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
        pseudonym_configured=config.pseudonym_secret is not None,
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
        if graph.store.name == "sparql":  # nothing stops a second writer, and its erasures are its own folder's
            log.warning(
                "a shared sparql: store takes one writing Pathwise process: a second one checks writes against its "
                "own view (cycles, clientIds) and keeps its own erasure log in %s",
                config.data_dir,
            )
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
        retry = getattr(graph.store, "retry_writable", None)
        writable = retry() if retry is not None else True  # space freed: writable again without a client's write
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
        stale: _StaleCheck | None = getattr(request.app.state, "stale_check", None)
        if stale is not None and stale.enabled and (unreachable := stale.probe()) is not None:
            body["store_error"] = unreachable  # a remote store down: /readyz stops the traffic, a restart cannot help
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
        if body["status"] == "ok" and "store_error" in body:
            body["status"] = "unavailable"
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
            methods=["GET"],  # it answered PUT, DELETE and a CORS preflight with the metrics (an audit)
        ),
    ]
    middleware = [
        Middleware(RequestIdMiddleware),  # outermost: every answer has an id, and its log lines too
        Middleware(MetricsMiddleware, metrics=metrics),  # it times and counts every answer, 413s too
        Middleware(BodyLimitMiddleware, max_bytes=config.max_body_bytes),
    ]
    if config.cors_origins:  # a browser app on another origin: preflights answered, tokens sent as a header
        middleware.insert(
            2,
            Middleware(
                JsonCORSMiddleware,
                allow_origins=list(config.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type", HEADER, *config.cors_headers],
                expose_headers=[HEADER],  # the app reads the id to show with an error
                max_age=600,
            ),
        )
    return Starlette(
        routes=routes, middleware=middleware, lifespan=lifespan, exception_handlers={405: method_not_allowed}
    )


def app() -> Starlette:
    """Factory for ``uvicorn --factory server:app``."""
    return create_app()
