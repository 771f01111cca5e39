"""``pathwise``: serve the API, import and export curricula, load the demo.

Every command reads the same settings as the server (``PATHWISE_STORE``,
``PATHWISE_DATA_DIR``...), so ``pathwise import`` writes to the store that
``pathwise serve`` serves.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from typing import Any

import click

from cli.exits import JSON_REQUESTED, stop
from cli.log_format import LOG_DATES, LOG_FORMAT
from cli.opening import INFO_INSTEAD, open_graph, open_pseudonyms
from cli.os_errors import describe
from middleware.request_id import RequestIdFormatter
from settings import SettingsError, load_settings

__all__ = ["main"]


class _Commands(click.Group):
    """The command group, turning the errors a file or a setting can cause into one line and exit 1.

    A folder named like a file, a file that is not UTF-8 or not gzip, a truncated
    download, an output path that exists: each used to end in a traceback (or, for a
    truncated gzip, in click's "Aborted!", which it prints for Ctrl-D).
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # read before the settings: a command's --json answers their refusal in JSON too (cli.exits.stop)
        ctx.meta[JSON_REQUESTED] = "--json" in args[: args.index("--")] if "--" in args else "--json" in args
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UnicodeDecodeError as error:
            stop(f"input is not UTF-8 text ({error.reason} at byte {error.start}): convert the file to UTF-8")
        except EOFError:
            stop("a compressed file ended before its end: is it truncated?")
        except BrokenPipeError:
            # the reader of stdout left (`pathwise info | head -1`): as a Unix tool, end without a word
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error while flushing
            sys.exit(0)
        except OSError as error:  # "[Errno 17] File exists: 'out'" said nothing of what to do
            stop(describe(error))


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--store", envvar="PATHWISE_STORE", help="Store: memory, oxigraph:<dir> or sparql:<query-url>[,<update-url>]."
)
@click.pass_context
def main(ctx: click.Context, store: str | None) -> None:
    """Pathwise: a personalized learning assistant over a knowledge graph."""
    logging.Formatter.converter = time.gmtime
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT, datefmt=LOG_DATES)
    for handler in logging.getLogger().handlers:  # a served request's lines carry its id (the same line elsewhere)
        handler.setFormatter(RequestIdFormatter(LOG_FORMAT, LOG_DATES))
    try:
        settings = load_settings()
    except SettingsError as error:  # a PATHWISE_ variable that does not parse, or out of range
        stop(f"settings: {error}", error.problems)
    logging.getLogger().setLevel(settings.log_level.upper())
    ctx.obj = {"settings": settings, "store": store}


@main.group()
def demo() -> None:
    """The bundled demo curriculum."""


@demo.command(name="load")
@click.option(
    "--students", type=click.IntRange(min=0), default=200, show_default=True, help="Simulated students (0: none)."
)
@click.pass_context
def demo_load(ctx: click.Context, students: int) -> None:
    """Load the demo curriculum and simulated students into an empty store."""
    from cli.progress import ProgressBars
    from demo.load import demo_unfinished, load_demo_marked
    from server import open_mastery

    settings = ctx.obj["settings"]
    kg = open_graph(settings, ctx.obj["store"])
    try:
        unfinished = demo_unfinished(kg, settings.data_dir)
        if not kg.is_empty() and not unfinished:
            click.echo("the store already holds concepts; nothing loaded")
            return
        if unfinished:  # Ctrl-C after the curriculum was stored: a second run said "nothing loaded", without students
            click.echo("a demo load was stopped before its students were stored: storing them")
        with ProgressBars() as bars:
            mastery = open_mastery(settings)  # as the server's first start: estimates stored with the attempts
            estimator = mastery.predictor.update if mastery is not None and mastery.version else None
            try:
                loaded = load_demo_marked(
                    kg,
                    settings.data_dir,
                    students=students,
                    progress=bars,
                    pseudonyms=open_pseudonyms(settings),
                    estimate=estimator,
                )
            except KeyboardInterrupt:
                stored = "the curriculum is stored, its students are not" if not kg.is_empty() else "nothing stored"
                click.echo(f"\nstopped: {stored}; `pathwise demo load` again finishes it", err=True)
                raise SystemExit(130) from None
        if unfinished:
            click.echo(f"loaded the demo's students: {loaded.attempts} attempts")
        else:
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
    from graph.wording import plural

    kg = open_graph(ctx.obj["settings"], ctx.obj["store"], instead=INFO_INSTEAD, reading=True)
    try:
        proj = kg.projection
        click.echo(f"store: {kg.store.name}  revision: {kg.revision}")
        named = [f"{c.id} ({c.title})" if c.title and c.title != c.id else c.id for c in kg.curricula()]
        click.echo(f"curricula: {', '.join(named) or '-'}")  # a CASE framework's id is a hash: its title says which
        click.echo(f"concepts: {proj.dag.number_of_nodes()}  prerequisites: {proj.dag.number_of_edges()}")
        click.echo(f"materials: {len(proj.material_ids)}  students: {count_students(kg)}")
        click.echo(f"attempts: {count_of_type(kg, PW.Attempt)}  mastery estimates: {count_of_type(kg, PW.Mastery)}")
        if proj.dag.number_of_edges():  # "1 edges" for a single prerequisite
            click.echo(f"longest prerequisite chain: {plural(len(longest_chain(proj.dag)) - 1, 'edge')}")
    finally:
        kg.store.close()


def _register() -> None:
    """Commands and command groups that live in their own modules."""
    from cli.attempts import attempts
    from cli.backup import backup, backups, restore
    from cli.curriculum import export, import_
    from cli.mastery import evaluate_mastery
    from cli.qa import evaluate_qa, index, train_retriever
    from cli.report import report
    from cli.serve import serve
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
    main.add_command(serve)
    main.add_command(import_)
    main.add_command(export)
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
