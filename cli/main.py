"""``pathwise``: serve the API, import and export curricula, load the demo.

Every command reads the same settings as the server (``PATHWISE_STORE``,
``PATHWISE_DATA_DIR``...), so ``pathwise import`` writes to the store that
``pathwise serve`` serves.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

import click

from cli.json_refusals import JsonRefusals
from graph.errors import (
    DanglingReferences,
    InvalidInput,
    KnowledgeGraphError,
    PrerequisiteCycle,
    StoreInUse,
    ValidationFailed,
)
from graph.folders import private_folder
from graph.pseudonyms import PseudonymConfigError, Pseudonymizer, load_pseudonymizer
from graph.repository import KnowledgeGraph
from graph.store import open_store
from settings import Settings, load_settings

__all__ = ["main"]


# What a running service offers instead, named in the refusal (docs/cli.md): the generic
# "make the change through its GraphQL API" named no mutation, and told `info`, a read, to change something.
IMPORT_INSTEAD = "import through it with the importCurriculum mutation, or stop it first"
INFO_INSTEAD = "ask its /healthz for the counts and revision, or stop it first"
ATTEMPTS_INSTEAD = "send the attempts with the recordAttempts or recordStatements mutation, or stop it first"


def _open(settings: Settings, store: str | None, *, instead: str | None = None) -> KnowledgeGraph:
    """The configured store, or exit with why; ``instead`` is what a running service answers for this command."""
    spec = store or settings.store
    if spec.startswith("oxigraph:"):
        parent = Path(spec.partition(":")[2]).parent
        if parent == settings.data_dir:
            private_folder(parent)
        else:
            parent.mkdir(parents=True, exist_ok=True)
    try:
        return KnowledgeGraph(open_store(spec))
    except StoreInUse as error:
        if instead is not None:  # a read: "make the change through GraphQL" told a reader to change something
            error = StoreInUse(error.location, instead=instead)
        _fail(error)
        raise  # unreachable: _fail exits
    except KnowledgeGraphError as error:
        _fail(error)
        raise  # unreachable: _fail exits


def _pseudonyms(settings: Settings) -> Pseudonymizer:
    """The same student keys as ``pathwise serve`` (same secret); exits when there is none in production."""
    secret = settings.pseudonym_secret
    try:
        found, _ = load_pseudonymizer(
            str(secret) if secret is not None else None, development=settings.development, data_dir=settings.data_dir
        )
    except PseudonymConfigError as error:
        click.secho(f"error: {error}", fg="red", err=True)
        sys.exit(1)
    return found


def _fail(error: KnowledgeGraphError, *, as_json: bool = False) -> None:
    """Report a refused command and exit 1; with ``as_json`` the report is JSON on stdout, as a success's is."""
    problems = getattr(error, "problems", None)
    if as_json:
        cycles = [list(c) for c in error.cycles] if isinstance(error, PrerequisiteCycle | ValidationFailed) else []
        report = {
            "code": error.code.value,
            "message": error.message,
            "problems": list(problems or []),
            "cycles": cycles,
        }
        click.echo(json.dumps({"error": report}, indent=2))
        sys.exit(1)
    head = f"{len(problems)} problem(s):" if problems else error.message  # the list follows: not twice
    click.secho(f"error [{error.code.value}]: {head}", fg="red", err=True)
    if problems:
        for line in problems:
            click.echo(f"  - {line}", err=True)
    if isinstance(error, PrerequisiteCycle):
        for cycle in error.cycles:
            click.echo(f"  cycle: {' -> '.join([*cycle, cycle[0]])}", err=True)
    if isinstance(error, DanglingReferences):
        click.echo("  (pass --allow-dangling to import without the links to unknown ids)", err=True)
    if isinstance(error, PrerequisiteCycle) or (isinstance(error, ValidationFailed) and error.cycles):
        click.echo("  (pass --break-cycles to import without the edges that close them)", err=True)
    sys.exit(1)


class _Commands(click.Group):
    """The command group, turning the errors a file or a setting can cause into one line and exit 1.

    A folder named like a file, a file that is not UTF-8 or not gzip, a truncated
    download, an output path that exists: each used to end in a traceback (or, for a
    truncated gzip, in click's "Aborted!", which it prints for Ctrl-D).
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UnicodeDecodeError as error:
            _stop(f"input is not UTF-8 text ({error.reason} at byte {error.start}): convert the file to UTF-8")
        except EOFError:
            _stop("a compressed file ended before its end: is it truncated?")
        except OSError as error:
            _stop(str(error))


def _stop(message: str) -> None:
    click.secho(f"error: {message}", fg="red", err=True)
    sys.exit(1)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--store", envvar="PATHWISE_STORE", help="Store: memory, oxigraph:<dir> or sparql:<query-url>[,<update-url>]."
)
@click.pass_context
def main(ctx: click.Context, store: str | None) -> None:
    """Pathwise: a personalized learning assistant over a knowledge graph."""
    logging.Formatter.converter = time.gmtime
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT, datefmt=LOG_DATES)
    try:
        settings = load_settings()
    except ValueError as error:  # a PATHWISE_ variable that does not parse
        _stop(f"settings: {error}")
    logging.getLogger().setLevel(settings.log_level.upper())
    ctx.obj = {"settings": settings, "store": store}


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
LOG_DATES = "%Y-%m-%dT%H:%M:%SZ"
"""Every line dated in UTC: an incident is read against other systems' logs by time."""


def _uvicorn_log_config(settings: Settings) -> dict[str, object]:
    """Uvicorn's loggers (server, access lines) in the same dated format and level as ours."""
    access = '%(asctime)s %(levelname)s %(name)s: %(client_addr)s "%(request_line)s" %(status_code)s'
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "default": {"()": "uvicorn.logging.DefaultFormatter", "fmt": LOG_FORMAT, "datefmt": LOG_DATES,
                        "use_colors": False},
            "access": {"()": "uvicorn.logging.AccessFormatter", "fmt": access, "datefmt": LOG_DATES,
                       "use_colors": False},
        },
        "handlers": {
            "default": {"formatter": "default", "class": "logging.StreamHandler", "stream": "ext://sys.stderr"},
            "access": {"formatter": "access", "class": "logging.StreamHandler", "stream": "ext://sys.stdout"},
        },
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": settings.log_level.upper(), "propagate": False},
            "uvicorn.error": {"level": settings.log_level.upper()},
            "uvicorn.access": {"handlers": ["access"], "level": settings.log_level.upper(), "propagate": False},
        },
    }  # fmt: skip


@main.command()
@click.option("--host", default=None, help="Interface to bind (default PATHWISE_HOST or 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (default PATHWISE_PORT or 8000).")
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
    _preflight(settings, ctx.obj["store"] or settings.store)
    _can_bind(bind_host, bind_port)
    click.echo(f"Pathwise on http://{bind_host}:{bind_port}/graphql ({settings.env})")
    uvicorn.run(
        "server:app",
        factory=True,
        host=bind_host,
        port=bind_port,
        reload=reload,
        log_level=settings.log_level,
        log_config=_uvicorn_log_config(settings),
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
        _stop(f"cannot bind {host}:{port}: {error.strerror or error}")
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind(address)
        except OSError as error:
            _stop(f"cannot bind {host}:{port}: {error.strerror or error}")


def _preflight(settings: Settings, store: str) -> None:
    """What would stop the service at startup, checked first and said in one line.

    The token keys, the pseudonym secret (and that it is the one the data was keyed
    with), and an embedded store another process holds: each ended in a traceback after
    the banner, some after loading the demo. And the xAPI account homes: others than the
    stored learners were keyed with (``graph.xapi_homes``) are refused, saying what changed.
    """
    from auth.keys import KeyConfigError, load_keys
    from graph.store import OxigraphStore, parse_store_spec
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
        _stop(str(error))
    _pseudonyms(settings)
    try:
        spec = parse_store_spec(store)
        if spec.backend == "oxigraph" and Path(spec.location).exists():
            held = OxigraphStore(spec.location)  # taken by a running server: StoreInUse, before anything loads
            try:  # other xAPI account homes than the learners were keyed with would key each a second way
                keying_marks(held, settings.xapi_account_homes)
            finally:
                held.close()
    except KnowledgeGraphError as error:
        _fail(error)


@main.command(name="import", cls=JsonRefusals)
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "fmt",
    default=None,
    help="turtle, ntriples, jsonld, csv, case, metacademy, khan, junyi (guessed when left out).",
)
@click.option(
    "--replace",
    "replace_existing",
    is_flag=True,
    help="Replace concepts, materials and curricula that already exist. Each keeps the stored value of what the"
    " file does not state (a CSV column, an RDF predicate; without prerequisites.csv, a replaced concept's edges),"
    " and the report's warnings say which.",
)
@click.option(
    "--break-cycles", is_flag=True, help="Leave out the listed edges that break every cycle instead of refusing."
)
@click.option(
    "--allow-dangling",
    is_flag=True,
    help="Leave out (and list) the links to ids that exist neither in the file nor in the store instead of"
    " refusing: third-party graphs (metacademy, khan, CASE packages naming other frameworks) carry them.",
)
@click.option(
    "--prune",
    is_flag=True,
    help="With --replace: also delete what the file leaves out of each stored curriculum it names (its concepts"
    " the file does not hold, and the materials linked only to those curricula that it does not hold), with what"
    " deleteConcept and deleteMaterial take along, in the same transaction. The report lists them.",
)
@click.option("--dry-run", is_flag=True, help="Validate and report; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
def import_(
    ctx: click.Context,
    path: Path,
    fmt: str | None,
    replace_existing: bool,
    break_cycles: bool,
    allow_dangling: bool,
    prune: bool,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Import a curriculum file or folder: validated whole, then written in one transaction.

    A malformed file is refused with every problem (file, line, reason) and nothing
    is written. So is a file whose links name ids that exist nowhere (each listed with
    its file and line, and the closest id), unless --allow-dangling, and one whose
    prerequisites form cycles (every cycle listed), unless --break-cycles.
    """
    from cli.import_report import pruned_line
    from cli.progress import ProgressBars
    from graph.bundle import NOTHING_TO_IMPORT
    from ingest.formats import read_path

    if prune and not replace_existing:  # before the store is opened: a usage error, as the options' others are
        raise click.UsageError(
            "--prune deletes what a replace leaves out of the curricula the file names: add --replace"
        )
    kg = _open(ctx.obj["settings"], ctx.obj["store"], instead=IMPORT_INSTEAD)
    try:
        with ProgressBars() as bars:
            bars("read", 0, 1)
            bundle = read_path(path, fmt)
            bars("read", 1, 1)
            if bundle.is_empty():  # an import of nothing is a mistaken file, not a success
                raise InvalidInput(f"{path}: {NOTHING_TO_IMPORT}")
            report = kg.import_bundle(
                bundle,
                replace_existing=replace_existing,
                break_cycles=break_cycles,
                allow_dangling=allow_dangling,
                prune=prune,
                dry_run=dry_run,
                progress=bars,
            )
    except KnowledgeGraphError as error:
        _fail(error, as_json=as_json)
        return
    finally:
        kg.store.close()
    if as_json:
        click.echo(json.dumps(dataclasses.asdict(report), indent=2))
        return
    where = f"store at revision {report.revision}, unchanged" if dry_run else f"revision {report.revision}"
    click.echo(f"{'would import' if dry_run else 'imported'}: {report.summary()} ({where})")
    if report.pruned is not None:
        click.echo(f"  {'would prune' if dry_run else 'pruned'}: {pruned_line(report.pruned)}")
    for line in report.warnings:
        click.echo(f"  warning: {line}")
    for line in report.dangling:
        click.echo(f"  dangling: {line}")
    for concept, prerequisite in report.dropped_edges:
        click.echo(f"  dropped to break a cycle: {concept} requires {prerequisite}")


@main.command()
@click.argument("given", metavar="PATH", type=click.Path())
@click.option(
    "--format",
    "fmt",
    default=None,
    help="turtle, ntriples, jsonld, csv (a folder) or case (a CASE package of one --curriculum); "
    "default: from the suffix (.ttl, .nt, .jsonld), else turtle.",
)
@click.option("--curriculum", default=None, help="Export only this curriculum (required for case).")
@click.pass_context
def export(ctx: click.Context, given: str, fmt: str | None, curriculum: str | None) -> None:
    """Export the curriculum part of the graph (never student data)."""
    from ingest.export import export_path

    path = Path(given)  # read as typed too: a Path drops the slash that says "a folder"

    by_suffix = {".ttl": "turtle", ".nt": "ntriples", ".jsonld": "jsonld"}.get(path.suffix)
    if fmt is None and path.suffix in (".csv", ".json"):  # `import` would read them as CSV or CASE, not Turtle
        if path.suffix == ".csv":
            what = "the CSV layout is a folder: name one and pass --format csv"
        else:
            what = "use .jsonld for JSON-LD, or --format case --curriculum ID for a CASE package"
        _stop(f"{path}: {what}")
    if fmt not in (None, "csv") and (path.is_dir() or given.endswith(("/", "\\"))):
        # "[Errno 21] Is a directory", and "out/" with no folder there wrote an empty file named "out"
        _stop(f"{path} is a folder: {fmt} is one file, so name one (or pass --format csv for the CSV layout)")
    if fmt is None and path.is_dir():  # "[Errno 21] Is a directory" said nothing of what to do
        _stop(
            f"{path} is a folder: pass --format csv to write the CSV layout into it, "
            "or name a file (.ttl, .nt, .jsonld)"
        )
    if fmt is None:
        fmt = by_suffix or "turtle"
    elif by_suffix is not None and by_suffix != fmt:  # `import` would read the file by its suffix
        _stop(f"{path} names {by_suffix} by its suffix, not {fmt}: change one of them")
    instead = (
        "ask for it with the exportCurriculumCsv query (or exportCurriculum for turtle, ntriples, jsonld and case), "
        "or stop it first"
    )
    kg = _open(ctx.obj["settings"], ctx.obj["store"], instead=instead)
    try:
        written = export_path(kg, fmt, path, curriculum)
        empty = kg.is_empty()
    except KnowledgeGraphError as error:
        _fail(error)
        return
    finally:
        kg.store.close()
    click.echo(f"wrote {', '.join(str(p) for p in written)}")
    if empty:  # an empty file and "wrote" alone hid an export from the wrong store
        where = ctx.obj["store"] or ctx.obj["settings"].store
        click.echo(f"warning: the store ({where}) holds no concepts, so the export is empty", err=True)


@main.group()
def demo() -> None:
    """The bundled demo curriculum."""


@demo.command(name="load")
@click.option("--students", default=200, show_default=True, help="Simulated students.")
@click.pass_context
def demo_load(ctx: click.Context, students: int) -> None:
    """Load the demo curriculum and simulated students into an empty store."""
    from cli.progress import ProgressBars
    from demo.load import load_demo
    from server import open_mastery

    kg = _open(ctx.obj["settings"], ctx.obj["store"])
    try:
        if not kg.is_empty():
            click.echo("the store already holds concepts; nothing loaded")
            return
        with ProgressBars() as bars:
            settings = ctx.obj["settings"]
            mastery = open_mastery(settings)  # as the server's first start: estimates stored with the attempts
            estimator = mastery.predictor.update if mastery is not None and mastery.version else None
            loaded = load_demo(
                kg, students=students, progress=bars, pseudonyms=_pseudonyms(settings), estimate=estimator
            )
        click.echo(
            f"loaded {loaded.concepts} concepts, {loaded.prerequisites} prerequisites, "
            f"{loaded.materials} materials, {loaded.attempts} attempts"
        )
    finally:
        kg.store.close()


@main.command()
@click.pass_context
def info(ctx: click.Context) -> None:
    """Show what the store holds."""
    from graph.attempts import count_of_type, count_students
    from graph.prerequisites import longest_chain
    from graph.vocab import PW

    kg = _open(ctx.obj["settings"], ctx.obj["store"], instead=INFO_INSTEAD)
    try:
        proj = kg.projection
        click.echo(f"store: {kg.store.name}  revision: {kg.revision}")
        named = [f"{c.id} ({c.title})" if c.title and c.title != c.id else c.id for c in kg.curricula()]
        click.echo(f"curricula: {', '.join(named) or '-'}")  # a CASE framework's id is a hash: its title says which
        click.echo(f"concepts: {proj.dag.number_of_nodes()}  prerequisites: {proj.dag.number_of_edges()}")
        click.echo(f"materials: {len(proj.material_ids)}  students: {count_students(kg)}")
        click.echo(f"attempts: {count_of_type(kg, PW.Attempt)}  mastery estimates: {count_of_type(kg, PW.Mastery)}")
        if proj.dag.number_of_edges():
            click.echo(f"longest prerequisite chain: {len(longest_chain(proj.dag)) - 1} edges")
    finally:
        kg.store.close()


def _register() -> None:
    """Command groups that live in their own modules."""
    from cli.attempts import attempts
    from cli.backup import backup, backups, restore
    from cli.mastery import evaluate_mastery
    from cli.qa import evaluate_qa, index, train_retriever
    from cli.report import report
    from cli.student_key import student_key
    from cli.token import token
    from cli.train import models, train
    from cli.xapi_homes import xapi_homes

    evaluate = click.Group(
        name="evaluate",
        help="Evaluate models side by side on held-out students.",
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    evaluate.add_command(evaluate_mastery)
    evaluate.add_command(evaluate_qa)
    train.add_command(train_retriever)
    main.add_command(index)
    main.add_command(evaluate)
    main.add_command(attempts)
    main.add_command(train)
    main.add_command(models)
    main.add_command(report)
    main.add_command(token)
    main.add_command(student_key)
    main.add_command(backup)
    main.add_command(backups)
    main.add_command(restore)
    main.add_command(xapi_homes)


_register()
