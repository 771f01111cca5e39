"""``pathwise serve``: check what would stop the service, then run it under uvicorn.

Apart from ``cli.main`` because the checks made before anything loads (the port, the
keys, the pseudonym secret, an interrupted restore, a store another process holds, the
xAPI account homes) are this command's alone.
"""

from __future__ import annotations

import logging
from pathlib import Path

import click

from cli.exits import fail, stop
from cli.log_format import uvicorn_log_config
from cli.opening import open_pseudonyms
from graph.errors import KnowledgeGraphError
from settings import Settings

__all__ = ["serve"]


@click.command()
@click.option("--host", default=None, help="Interface to bind (default PATHWISE_HOST or 127.0.0.1).")
@click.option(
    "--port", type=click.IntRange(1, 65535), default=None, help="Port, 1-65535 (default PATHWISE_PORT or 8000)."
)
@click.option("--reload", is_flag=True, help="Restart on code changes (development).")
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None, reload: bool) -> None:
    """Serve GraphQL at /graphql (GraphiQL in a browser), /healthz and /metrics (Prometheus, admins).

    On first start with an empty store, the demo curriculum and its simulated
    students are loaded; later starts reuse the store as it is.
    """
    import os

    import uvicorn

    settings: Settings = ctx.obj["settings"]
    if ctx.obj["store"]:
        os.environ["PATHWISE_STORE"] = ctx.obj["store"]
    bind_host, bind_port = host or settings.host, port or settings.port
    _can_bind(bind_host, bind_port)  # first: it writes nothing, where the key checks make the development secrets
    _preflight(settings, ctx.obj["store"] or settings.store)
    # a log line, dated as every other: the banner was the log's one line without a time (an audit)
    logging.getLogger("pathwise").info("Pathwise on http://%s:%d/graphql (%s)", bind_host, bind_port, settings.env)
    uvicorn.run(
        "server:app",
        factory=True,
        host=bind_host,
        port=bind_port,
        reload=reload,
        log_level=settings.log_level,
        log_config=uvicorn_log_config(settings),
        access_log=settings.access_log,
        timeout_graceful_shutdown=int(settings.shutdown_seconds) or None,
    )


def _can_bind(host: str, port: int) -> None:
    """Refuse a port in use or a host that is not this machine's, before anything loads.

    Uvicorn found out after the models and the demo had loaded (17-20 s, and a new
    store already filled).
    """
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as error:
        stop(f"cannot bind {host}:{port}: {error.strerror or error}")
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind(address)
        except OSError as error:
            stop(f"cannot bind {host}:{port}: {error.strerror or error}")


def _preflight(settings: Settings, store: str) -> None:
    """What would stop the service at startup, checked first and said in one line.

    The token keys, the pseudonym secret (and that it is the one the data was keyed
    with), and an embedded store another process holds: each ended in a traceback after
    the banner, some after loading the demo. And the xAPI account homes: others than the
    stored learners were keyed with (``graph.xapi_homes``) are refused, saying what changed.
    A remote store that does not answer is said in one line too.
    A restore a crash cut short is finished here, before the models load from a data
    folder it may not have put back yet; one that fails (a full disk) is said in one line.
    """
    from auth.keys import KeyConfigError, load_keys
    from graph.backup import finish_interrupted_restore
    from graph.store import OxigraphStore, open_store, parse_store_spec
    from graph.xapi_homes import keying_marks

    try:
        load_keys(
            secret=str(settings.jwt_secret) if settings.jwt_secret is not None else None,
            public_key_path=settings.jwt_public_key,
            development=settings.development,
            data_dir=settings.data_dir,
            rules=settings.claim_rules(),
        )
    except KeyConfigError as error:
        stop(str(error))
    pseudonyms = open_pseudonyms(settings)
    try:
        spec = parse_store_spec(store)
        if spec.backend == "oxigraph":  # a failure to finish it (a full disk) said in one line, not a traceback
            say = logging.getLogger("pathwise.restore").warning
            finish_interrupted_restore(settings.data_dir, Path(spec.location), pseudonyms, say=say)
        if spec.backend == "oxigraph" and Path(spec.location).exists():
            held = OxigraphStore(spec.location)  # taken by a running server: StoreInUse, before anything loads
            try:  # other xAPI account homes than the learners were keyed with would key each a second way
                keying_marks(held, settings.xapi_account_homes)
            finally:
                held.close()
        if spec.backend == "sparql":  # down: a 93-line traceback and "Application startup failed"
            remote = open_store(spec)
            try:
                remote.select("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
            finally:
                remote.close()
    except KnowledgeGraphError as error:
        fail(error)
