"""``pathwise import`` and ``pathwise export``: curriculum files into the store and out of it.

Apart from ``cli.main`` because each is mostly its options and its refusals (of a
file's problems, of a path or format that does not fit), and the two mirror each other.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import click

from cli.exits import fail, stop
from cli.json_refusals import JsonRefusals
from cli.opening import IMPORT_INSTEAD, open_graph
from graph.errors import InvalidInput, KnowledgeGraphError

__all__ = ["EXPORT_FORMATS", "IMPORT_FORMATS", "export", "import_"]

# ingest.formats' READERS and EXPORT_FORMATS, named here so `--help` does not load the readers (a test ties them)
IMPORT_FORMATS = ("turtle", "ntriples", "jsonld", "csv", "case", "metacademy", "khan", "junyi")
EXPORT_FORMATS = ("turtle", "ntriples", "jsonld", "csv", "case")


@click.command(name="import", cls=JsonRefusals)
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "fmt",
    default=None,
    type=click.Choice(IMPORT_FORMATS),  # a usage error (USAGE, exit 2 with --json), as in `attempts import`
    help="The document's format (guessed when left out).",
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
@click.option(
    "--id-prefix",
    default=None,
    help="Put this before every id the file defines, and its links to them (junyi_): ids are shared by every"
    " curriculum in the store, so a third-party map naming a stored curriculum's ids sits beside it.",
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
    id_prefix: str | None,
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
    from ingest.id_prefix import check_id_prefix, with_id_prefix

    if prune and not replace_existing:  # before the store is opened: a usage error, as the options' others are
        raise click.UsageError(
            "--prune deletes what a replace leaves out of the curricula the file names: add --replace"
        )
    if id_prefix is not None:
        try:
            check_id_prefix(id_prefix, field="--id-prefix")
        except InvalidInput as error:
            raise click.BadParameter(error.message, param_hint="--id-prefix") from None
    kg = open_graph(ctx.obj["settings"], ctx.obj["store"], instead=IMPORT_INSTEAD, as_json=as_json)
    try:
        with ProgressBars() as bars:
            bars("read", 0, 1)
            bundle = read_path(path, fmt)
            bars("read", 1, 1)
            if bundle.is_empty():  # an import of nothing is a mistaken file, not a success
                raise InvalidInput(f"{path}: {NOTHING_TO_IMPORT}")
            if id_prefix is not None:
                bundle = with_id_prefix(bundle, id_prefix)
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
        fail(error, as_json=as_json)
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


@click.command()
@click.argument("given", metavar="PATH", type=click.Path())
@click.option(
    "--format",
    "fmt",
    default=None,
    type=click.Choice(EXPORT_FORMATS),
    help="csv writes a folder, case a CASE package of one --curriculum; default: from the suffix (.ttl, .nt, "
    ".jsonld, in any case; another suffix, or none, needs --format).",
)
@click.option("--curriculum", default=None, help="Export only this curriculum (required for case).")
@click.option("--force", is_flag=True, help="Replace the file (or the CSV layout's files) already there.")
@click.pass_context
def export(ctx: click.Context, given: str, fmt: str | None, curriculum: str | None, force: bool) -> None:
    """Export the curriculum part of the graph (never student data)."""
    from ingest.export import export_path

    path = Path(given)  # read as typed too: a Path drops the slash that says "a folder"

    suffix = path.suffix.lower()
    by_suffix = {".ttl": "turtle", ".nt": "ntriples", ".jsonld": "jsonld"}.get(suffix)
    if fmt is None and suffix in (".csv", ".json"):  # `import` would read them as CSV or CASE, not Turtle
        if suffix == ".csv":
            what = "the CSV layout is a folder: name one and pass --format csv"
        else:
            what = "use .jsonld for JSON-LD, or --format case --curriculum ID for a CASE package"
        stop(f"{path}: {what}")
    if fmt not in (None, "csv") and (path.is_dir() or given.endswith(("/", "\\"))):
        # "[Errno 21] Is a directory", and "out/" with no folder there wrote an empty file named "out"
        stop(f"{path} is a folder: {fmt} is one file, so name one (or pass --format csv for the CSV layout)")
    if fmt is None and path.is_dir():  # "[Errno 21] Is a directory" said nothing of what to do
        stop(
            f"{path} is a folder: pass --format csv to write the CSV layout into it, "
            "or name a file (.ttl, .nt, .jsonld)"
        )
    if fmt is None and by_suffix is None:  # written as Turtle, which `import` then could not tell (z.rdf, noext)
        stop(
            f"{path}: name the file .ttl, .nt or .jsonld, or pass --format (turtle, ntriples, jsonld) to write that "
            "format under this name (`import` then needs the same --format)"
        )
    if fmt is None:
        fmt = by_suffix or "turtle"
    elif by_suffix is not None and by_suffix != fmt:  # `import` would read the file by its suffix
        stop(f"{path} names {by_suffix} by its suffix, not {fmt}: change one of them")
    if not force:
        _refuse_to_replace(path, fmt)
    instead = (
        "ask for it with the exportCurriculumCsv query (or exportCurriculum for turtle, ntriples, jsonld and case), "
        "or stop it first"
    )
    kg = open_graph(ctx.obj["settings"], ctx.obj["store"], instead=instead, reading=True)
    try:
        written = export_path(kg, fmt, path, curriculum)
        empty = kg.is_empty()
    except KnowledgeGraphError as error:
        fail(error)
        return
    finally:
        kg.store.close()
    click.echo(f"wrote {', '.join(str(p) for p in written)}")
    if empty:  # an empty file and "wrote" alone hid an export from the wrong store
        where = ctx.obj["store"] or ctx.obj["settings"].store
        click.echo(f"warning: the store ({where}) holds no concepts, so the export is empty", err=True)


def _refuse_to_replace(path: Path, fmt: str) -> None:
    """Stop before the store is opened when the export would overwrite files: a typo'd name lost a designer's edits."""
    from ingest.csv_layout_columns import FILES

    targets = [path / name for name in FILES.values()] if fmt == "csv" else [path]
    there = [p for p in targets if p.exists()]
    if there:
        names = ", ".join(str(p) for p in there)
        stop(
            f"{names} {'is' if len(there) == 1 else 'are'} already there: pass --force to replace, or name another path"
        )
