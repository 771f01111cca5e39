"""``pathwise backup`` and ``pathwise restore``: the data folder, kept and put back (``graph.backup``).

``backup`` works on a stopped service's store; a running service holds its store, and
is asked for a backup through the admin mutation ``backupData`` instead (the error says
so). ``restore`` needs the service stopped, and moves the current data aside rather
than deleting it. ``backups list``, ``backups verify`` and ``backups prune`` look after the backups folder:
each backup holds the students forgotten after it was taken until it is deleted.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from graph.errors import KnowledgeGraphError, StoreInUse
from graph.pseudonyms import DEV_SECRET_FILE, MIN_SECRET_BYTES, Pseudonymizer
from settings import Settings

if TYPE_CHECKING:
    from graph.backup import BackupManifest
    from graph.backup_files import FileSum

__all__ = ["backup", "backups", "restore"]

RUNNING_HINT = (
    "a running service takes its own backups: as an admin, "
    "mutation { backupData { ... on Backup { path createdAt triples students } ... on BackupError { message } } }"
)


def _store_path(settings: Settings, store: str | None) -> Path:
    spec = store or settings.store
    backend, _, location = spec.partition(":")
    if backend != "oxigraph" or not location:
        raise click.ClickException(f"only an embedded store (oxigraph:<dir>) is backed up by Pathwise, not {spec!r}")
    return Path(location)


def _backups_dir(settings: Settings) -> Path:
    return settings.backup_dir or settings.data_dir / "backups"


def _said_pruned(pruned: list[Path], keep: int) -> None:
    for path in pruned:
        click.echo(f"deleted {path} (older than the newest {keep} backups)")


def _error(error: KnowledgeGraphError, *, running: str = "") -> None:
    click.secho(f"error [{error.code.value}]: {error.message}", fg="red", err=True)
    if isinstance(error, StoreInUse) and running:
        click.echo(f"  {running}", err=True)
    sys.exit(1)


@click.command()
@click.argument("destination", required=False, type=click.Path(path_type=Path))
@click.pass_context
def backup(ctx: click.Context, destination: Path | None) -> None:
    """Back up the store and the data folder into DESTINATION, a new folder.

    Without DESTINATION: a folder named by the time under PATHWISE_BACKUP_DIR (default
    <data dir>/backups), after which all but the newest PATHWISE_BACKUP_KEEP (default 7)
    backups there are deleted. Ship it to other storage: on the same disk it is no backup.
    """
    from cli.opening import open_pseudonyms
    from graph.backup import backup_name, make_backup, prune_backups
    from graph.repository import KnowledgeGraph
    from graph.store import OxigraphStore

    settings: Settings = ctx.obj["settings"]
    store_path = _store_path(settings, ctx.obj["store"])
    backups = _backups_dir(settings)
    folder = destination or backups / backup_name()
    pseudonyms = open_pseudonyms(settings)
    try:
        store = OxigraphStore(store_path)
    except KnowledgeGraphError as error:
        _error(error, running=RUNNING_HINT)
        return
    try:
        manifest = make_backup(KnowledgeGraph(store), settings.data_dir, folder, pseudonyms, exclude=[backups])
    except KnowledgeGraphError as error:
        _error(error)
        return
    finally:
        store.close()
    click.echo(
        f"backed up {manifest.triples:,} triples ({manifest.students:,} students) and "
        f"{len(manifest.files)} entries of {settings.data_dir} into {folder}"
    )
    if folder.parent.resolve() == backups.resolve():  # a folder elsewhere is the operator's to keep
        _said_pruned(prune_backups(backups, settings.backup_keep), settings.backup_keep)


def _restore_pseudonyms(settings: Settings, folder: Path) -> Pseudonymizer:
    """The secret to restore under: the configured one, or in development on a fresh data folder the backup's own."""
    from cli.opening import open_pseudonyms

    own = settings.data_dir / DEV_SECRET_FILE
    kept = folder / "data" / DEV_SECRET_FILE
    if settings.development and settings.pseudonym_secret is None and not own.exists() and kept.exists():
        secret = kept.read_text().strip().encode()
        if len(secret) < MIN_SECRET_BYTES:
            raise click.ClickException(f"the backup's {kept} holds no usable secret: is the backup damaged?")
        return Pseudonymizer(secret)
    return open_pseudonyms(settings)


@click.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the data folder.")
@click.pass_context
def restore(ctx: click.Context, folder: Path, yes: bool) -> None:
    """Replace the data folder and store by the backup in FOLDER (stop the service first).

    The backup is checked whole before anything moves: its manifest, the pseudonym
    secret it was made under, its files, its store. The current data folder is moved
    aside (never deleted), and students forgotten since the backup was taken are
    forgotten again.
    """
    from graph.backup import finish_interrupted_restore, read_manifest, restore_backup

    settings: Settings = ctx.obj["settings"]
    store_path = _store_path(settings, ctx.obj["store"])
    try:
        manifest = read_manifest(folder)
    except KnowledgeGraphError as error:
        _error(error)
        return
    if not yes:
        click.confirm(
            f"Replace {settings.data_dir} (and the store at {store_path}) by the backup of "
            f"{manifest.created_at:%Y-%m-%d %H:%M:%S} UTC ({manifest.triples:,} triples)? "
            "The current data is moved aside, not deleted",
            abort=True,
        )
    try:
        tokens = _restore_pseudonyms(settings, folder)
        backups = _backups_dir(settings)
        say = lambda step: click.echo(f"{step} ...", err=True)  # noqa: E731
        finish_interrupted_restore(settings.data_dir, store_path, tokens, say=say)  # a crashed one, before another
        restored = restore_backup(
            folder,
            data_dir=settings.data_dir,
            store_path=store_path,
            tokens=tokens,
            keep=[backups],
            say=say,
        )
    except KnowledgeGraphError as error:
        _error(error, running="stop the service (and wait until it has exited) before restoring")
        return
    click.echo(
        f"restored the backup of {manifest.created_at.isoformat()}: {manifest.triples:,} triples, "
        f"{manifest.students - restored.forgotten_again:,} students ({restored.forgotten_again} of the backup's "
        f"{manifest.students:,} forgotten again: forgotten since it was taken)"
    )
    for moved in restored.moved_aside:
        click.echo(f"the data as it was is in {moved}: it holds personal data, delete it once the restore is checked")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def backups() -> None:
    """The backups under PATHWISE_BACKUP_DIR: list them, verify them, delete the old ones."""


def _files_said(path: Path, manifest: BackupManifest, check: Callable[[Path, Sequence[FileSum]], list[str]]) -> str:
    """What a listing adds for a backup's files: nothing when they pass ``check``, else DAMAGED and the first problem.

    A format-1 backup recorded no sizes or sums: that it cannot be verified is said instead.
    """
    if manifest.contents is None:
        return f"  (format {manifest.format}: no checksums, cannot be verified)"
    problems = check(path, manifest.contents)
    if not problems:
        return ""
    return f"  DAMAGED: {problems[0]}" + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else "")


@backups.command(name="list")
@click.pass_context
def backups_list(ctx: click.Context) -> None:
    """Each finished backup, oldest first, with how many students were forgotten after it.

    Those students' data is still in that backup (a restore forgets them again) until
    the backup is deleted. The count is of distinct students forgotten since the backup
    was taken, read from the erasure log: one who joined after it is counted too (only a
    restore, reading the backup, knows who is in it). A backup with a file missing or of
    another size than when it was taken is marked DAMAGED (`backups verify` reads every byte).
    """
    from graph.backup import damaged_backups, list_backups
    from graph.backup_files import check_sizes
    from graph.erasures import ERASURE_LOG, forgotten_since, read_erasures

    settings: Settings = ctx.obj["settings"]
    try:
        erasures = read_erasures(settings.data_dir / ERASURE_LOG)
    except KnowledgeGraphError as error:
        _error(error)
        return
    found = list_backups(_backups_dir(settings))
    if not found:
        click.echo(f"no backups in {_backups_dir(settings)}")
    for path, manifest in found:
        since = forgotten_since(erasures, manifest.created_at)
        click.echo(
            f"{path.name}  {manifest.created_at:%Y-%m-%d %H:%M:%S} UTC  {manifest.triples:,} triples  "
            f"{manifest.students:,} students  forgotten since: {since}{_files_said(path, manifest, check_sizes)}"
        )
    for path, why in damaged_backups(_backups_dir(settings)):
        click.echo(f"damaged, never pruned: {path} ({why}; it may hold personal data: check it and delete it by hand)")
    for aside in _moved_aside(settings, ctx.obj["store"]):
        click.echo(f"moved aside by a restore: {aside} (holds personal data; delete it once the restore is checked)")


def _moved_aside(settings: Settings, store: str | None) -> list[Path]:
    """The folders restores moved aside: the data folder's and, where the store lives outside it, the store's.

    A store kept elsewhere (``PATHWISE_STORE=oxigraph:/srv/store``) is moved aside beside
    itself; the list named only the data folder's, so the store's copy, holding every
    student forgotten after the restore, was never shown (an audit).
    """
    found = [settings.data_dir.resolve()]
    spec = store or settings.store
    if spec.startswith("oxigraph:"):
        found.append(_store_path(settings, store).resolve())
    return sorted({aside for folder in found for aside in folder.parent.glob(f"{folder.name}.before-restore-*")})


@backups.command(name="verify")
@click.argument("folders", nargs=-1, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.pass_context
def backups_verify(ctx: click.Context, folders: tuple[Path, ...]) -> None:
    """Check every file of each backup against the size and SHA-256 its manifest records (exit 1 if one fails).

    FOLDERS: the backups to check (default: every backup under PATHWISE_BACKUP_DIR). A
    restore makes the same check before it moves anything; this finds a damaged copy
    while another is still at hand. Reads every byte: minutes for a large store.
    """
    from graph.backup import list_backups, read_manifest
    from graph.backup_files import check_files

    settings: Settings = ctx.obj["settings"]
    found = []
    try:
        found = [(folder, read_manifest(folder)) for folder in folders] or list_backups(_backups_dir(settings))
    except KnowledgeGraphError as error:
        _error(error)
    if not found:
        click.echo(f"no backups in {_backups_dir(settings)}")
    damaged = 0
    for path, manifest in found:
        said = _files_said(path, manifest, check_files)
        if said.startswith("  DAMAGED"):
            damaged += 1
        click.echo(f"{path}{said or '  ok'}")
    if damaged:
        click.secho(f"error: {damaged} of {len(found)} backups are damaged: restore another copy", fg="red", err=True)
        sys.exit(1)


@backups.command(name="prune")
@click.option("--keep", type=click.IntRange(min=1), default=None,
              help="How many of the newest backups to keep (default PATHWISE_BACKUP_KEEP).")  # fmt: skip
@click.pass_context
def backups_prune(ctx: click.Context, keep: int | None) -> None:
    """Delete all but the newest KEEP backups (only finished backups are counted or deleted)."""
    from graph.backup import prune_backups

    settings: Settings = ctx.obj["settings"]
    kept = keep if keep is not None else settings.backup_keep
    if kept == 0:
        click.echo("PATHWISE_BACKUP_KEEP is 0: every backup is kept (pass --keep N to prune)")
        return
    pruned = prune_backups(_backups_dir(settings), kept)
    _said_pruned(pruned, kept)
    if not pruned:
        click.echo(f"nothing to delete: at most {kept} backups in {_backups_dir(settings)}")
