"""Backups of a data folder, and restores that do not bring forgotten students back.

A backup is a folder holding:

- ``backup.json``: the manifest (``BackupManifest``): when it was taken (read just before
  the store's checkpoint), how many triples and students the store held, a fingerprint
  of the pseudonym secret, and the files copied;
- ``store/``: a checkpoint of the embedded store, consistent, taken while serving
  (``OxigraphStore.backup``: writes wait milliseconds);
- ``data/``: every other file of the data folder as it was (trained models, the QA
  index, development secrets, the erasure log).

The pseudonym secret is not in a production backup (it lives in the environment), yet
every student key depends on it: a restore under another secret could reach none of
them, so the fingerprint (a keyed token of a fixed string) must match the configured
secret's. A restore then forgets again every student of the restored store whom the
erasure log (``graph.erasures``) records as forgotten since the backup was taken, and
rewrites the store once, so deleted strings leave its files as after ``forgetStudent``
(a checkpoint taken between a forget's delete and its rewrite holds them too).

A backup still holds the students forgotten after it was taken, until it is deleted:
``prune_backups`` keeps the newest few of a backups folder (``PATHWISE_BACKUP_KEEP``),
which bounds how long an erasure takes to reach every backup.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Literal

from graph import queries
from graph.attempts import list_students
from graph.erasures import ERASURE_LOG, ErasureLog, Tokens, read_erasures
from graph.errors import InvalidInput
from graph.forget import forget_student
from graph.repository import KnowledgeGraph
from graph.store import OxigraphStore
from graph.vocab import GRAPH_IRI, PW, RDF

__all__ = [
    "MANIFEST",
    "BackupManifest",
    "Restored",
    "backup_name",
    "damaged_backups",
    "fingerprint",
    "list_backups",
    "make_backup",
    "prune_backups",
    "read_manifest",
    "restore_backup",
]

MANIFEST = "backup.json"
FORMAT = 1
PRUNING = ".pruning-"  # a backup being deleted is renamed first, so it stops being one at once


@dataclass(frozen=True)
class BackupManifest:
    """What a backup holds; written last, so a folder without one is not a backup."""

    created_at: datetime
    triples: int
    students: int
    fingerprint: str
    files: tuple[str, ...]
    format: int = FORMAT

    def to_json(self) -> dict[str, object]:
        """JSON-ready fields."""
        return {**asdict(self), "created_at": self.created_at.isoformat(), "files": list(self.files)}


@dataclass(frozen=True)
class Restored:
    """What a restore did."""

    manifest: BackupManifest
    forgotten_again: int  # students of the backup forgotten since it was taken, forgotten again
    moved_aside: tuple[Path, ...]  # the data folder (and store) as they were before the restore


def backup_name(at: datetime | None = None) -> str:
    """A new backup's folder name: its UTC time, to the microsecond, so names sort by time and do not collide."""
    return (at or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S.%fZ")


def fingerprint(tokens: Tokens) -> str:
    """A keyed token of a fixed string: equal for the same pseudonym secret, and reveals nothing of it."""
    return tokens.opaque("pathwise-backup", "fingerprint")


def _mode_of(folder: Path) -> int:
    """The mode a restored folder takes: the one it replaces had (an operator's choice), else 0700."""
    return folder.stat().st_mode & 0o777 if folder.exists() else 0o700


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve() == folder.resolve() or folder.resolve() in path.resolve().parents


def _data_files(data_dir: Path, skip: list[Path]) -> list[Path]:
    """Entries of the data folder to copy: everything but the store, its transient siblings and ``skip``."""
    if not data_dir.exists():
        return []
    entries = data_dir.iterdir()
    return sorted(entry for entry in entries if not any(_inside(entry, s) or _inside(s, entry) for s in skip))


# Files being written while the backup copies: a model in its staging folder (renamed into
# place once whole, ``ml.mastery.versions.staged``) and the QA index's temporary files.
_UNFINISHED = shutil.ignore_patterns(".staging-*", "*.tmp", "*.tmp.*", ".*.tmp")


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _store_figures(store_dir: Path) -> tuple[int, int]:
    """Triples and students in a store folder (opened read-only)."""
    store = ox.Store.read_only(str(store_dir))
    query = f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s <{RDF.type}> <{PW.Student}> }} }}"
    result = store.query(query)
    assert isinstance(result, ox.QuerySolutions)
    students = next(iter(result))[0]
    assert isinstance(students, ox.Literal)
    return len(store), int(students.value)


def make_backup(
    kg: KnowledgeGraph, data_dir: Path, destination: Path, tokens: Tokens, *, exclude: Sequence[Path] = ()
) -> BackupManifest:
    """Back up the store and the data folder into ``destination`` (a new folder), while serving.

    ``exclude``: folders of the data folder not to copy (where earlier backups are kept).

    The copy is built in ``<destination>.partial`` and renamed once its manifest is
    written, so an interrupted backup is never mistaken for a finished one.

    Raises:
        InvalidInput: the store is not an embedded one (a SPARQL server is backed up with
            its own tools), ``destination`` exists, or it is inside the data folder (but
            not in ``exclude``) or the store.
    """
    store = kg.store
    if not isinstance(store, OxigraphStore):
        raise InvalidInput(
            f"only an embedded Oxigraph store is backed up by Pathwise; "
            f"back up the {store.name} store with its own tools"
        )
    if destination.exists():
        raise InvalidInput(f"{destination} exists already: a backup goes into a new folder")
    if _inside(destination, store.path) or (
        _inside(destination, data_dir) and not any(_inside(destination, kept) for kept in exclude)
    ):
        raise InvalidInput(
            f"{destination} is inside the data folder {data_dir}: every later backup would copy it, with the "
            "students it holds, where no erasure reaches; back up to another folder (or the backups folder)"
        )
    partial = destination.with_name(destination.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.parent.mkdir(parents=True, exist_ok=True)
    partial.mkdir(mode=0o700)  # a backup holds every student: its owner's alone, as the data folder
    try:
        created_at = datetime.now(UTC)
        store.backup(partial / "store")
        triples, students = _store_figures(partial / "store")
        skip = [store.path, *store.path.parent.glob(store.path.name + ".*"), destination, partial, *exclude]
        files = _data_files(data_dir, skip)
        for entry in files:
            target = partial / "data" / entry.name
            if entry.is_dir():
                shutil.copytree(entry, target, ignore=_UNFINISHED)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(entry, target)
        manifest = BackupManifest(created_at, triples, students, fingerprint(tokens), tuple(f.name for f in files))
        (partial / MANIFEST).write_text(json.dumps(manifest.to_json(), indent=2) + "\n")
        _fsync_dir(partial)
        partial.rename(destination)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return manifest


def read_manifest(backup: Path) -> BackupManifest:
    """The manifest of a backup folder.

    Raises:
        InvalidInput: no manifest (not a backup, or an unfinished one), or one this version cannot read.
    """
    path = backup / MANIFEST
    if not path.exists():
        raise InvalidInput(f"{backup} is not a Pathwise backup (no {MANIFEST}; an interrupted backup has none)")
    try:
        raw = json.loads(path.read_text())
        manifest = BackupManifest(
            created_at=datetime.fromisoformat(raw["created_at"]),
            triples=int(raw["triples"]),
            students=int(raw["students"]),
            fingerprint=str(raw["fingerprint"]),
            files=tuple(str(f) for f in raw["files"]),
            format=int(raw["format"]),
        )
    except (ValueError, KeyError, TypeError) as error:
        raise InvalidInput(f"{path} is not a backup manifest ({error})") from None
    if manifest.format != FORMAT:
        raise InvalidInput(f"{path}: backup format {manifest.format}, this version reads format {FORMAT}")
    return manifest


def list_backups(folder: Path) -> list[tuple[Path, BackupManifest]]:
    """The finished backups directly in ``folder``, oldest first (by when each was taken).

    Folders without a readable manifest (an interrupted backup, anything else) are left out.
    """
    if not folder.is_dir():
        return []
    found = []
    for entry in folder.iterdir():
        if not entry.is_dir() or entry.name.startswith(".") or not (entry / MANIFEST).exists():
            continue
        try:
            found.append((entry, read_manifest(entry)))
        except (InvalidInput, OSError):  # not a backup, or one being pruned as we read
            continue
    return sorted(found, key=lambda pair: (pair[1].created_at, pair[0].name))


def damaged_backups(folder: Path) -> list[tuple[Path, str]]:
    """Folders in ``folder`` with a manifest that does not read, and why.

    ``list_backups`` and ``prune_backups`` leave them alone (they may not be backups at
    all), but one may be a backup whose manifest was damaged, still holding personal
    data: ``pathwise backups list`` names them so that someone looks.
    """
    if not folder.is_dir():
        return []
    found = []
    for entry in sorted(folder.iterdir()):
        if entry.is_dir() and not entry.name.startswith(".") and (entry / MANIFEST).exists():
            try:
                read_manifest(entry)
            except InvalidInput as error:
                found.append((entry, error.message))
    return found


def remove_unfinished_backups(folder: Path) -> list[Path]:
    """Delete the ``<name>.partial`` copies a killed backup left in ``folder``; return them.

    Such a copy holds every student of its time, and nothing listed, counted or pruned
    it: a student forgotten later stayed in it for good. Call only where no backup can
    be running (a service starting, or its backups serialized: ``backupData``).
    """
    found = sorted(p for p in folder.glob("*.partial") if p.is_dir()) if folder.is_dir() else []
    for leftover in found:
        shutil.rmtree(leftover, ignore_errors=True)
    return found


def prune_backups(folder: Path, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest finished backups in ``folder``; return the deleted ones.

    ``keep`` 0 keeps every backup. Only folders with a manifest are counted or deleted,
    so an unfinished backup or a folder someone else put there is never touched. Each
    is renamed before it is deleted: two prunes at once delete it once, and a half-deleted
    folder is never taken for a backup.

    Raises:
        InvalidInput: ``keep`` is negative.
    """
    if keep < 0:
        raise InvalidInput(f"keep must be 0 (keep every backup) or more, not {keep}")
    if keep == 0:
        return []
    backups = list_backups(folder)
    deleted = []
    for path, _ in backups[: max(0, len(backups) - keep)]:
        doomed = path.with_name(PRUNING + path.name)
        try:
            path.rename(doomed)
        except FileNotFoundError:  # another prune took it
            continue
        shutil.rmtree(doomed)
        deleted.append(path)
    for leftover in folder.glob(PRUNING + "*"):  # a prune that was killed part-way
        shutil.rmtree(leftover, ignore_errors=True)
    return deleted


def _check(backup: Path, tokens: Tokens) -> BackupManifest:
    """Everything a restore needs, checked before anything is moved."""
    manifest = read_manifest(backup)
    if manifest.fingerprint != fingerprint(tokens):
        raise InvalidInput(
            "the backup was made under another pseudonym secret: its student keys would be unreachable. "
            "Restore with the PATHWISE_PSEUDONYM_SECRET it was made under "
            "(in development: the backup's data/dev-pseudonym-secret)"
        )
    missing = [f for f in manifest.files if not (backup / "data" / f).exists()]
    if missing:
        raise InvalidInput(f"the backup is incomplete: {', '.join(missing)} missing from {backup / 'data'}")
    try:
        triples, _ = _store_figures(backup / "store")
    except (OSError, RuntimeError, ValueError) as error:  # RocksDB: a cut-off or corrupted file ("Sst file size")
        raise InvalidInput(f"the backup's store does not open (damaged?): {error}") from None
    if triples != manifest.triples:
        raise InvalidInput(f"the backup's store holds {triples} triples, its manifest says {manifest.triples}")
    read_erasures(backup / "data" / ERASURE_LOG)  # a malformed log is refused now, not half way
    return manifest


def _first_error(error: OSError | shutil.Error) -> str:
    """One line for a failed copy: ``shutil.Error`` carries a list of (source, target, reason)."""
    if isinstance(error, shutil.Error) and error.args and isinstance(error.args[0], list) and error.args[0]:
        source, _, reason = error.args[0][0]
        more = len(error.args[0]) - 1
        return f"{source}: {reason}" + (f" (and {more} more files)" if more else "")
    return str(error)


def _later_backups(backup: Path, manifest: BackupManifest, tokens: Tokens) -> list[Path]:
    """The backups beside ``backup`` taken after it under the same secret: their erasure logs name later erasures."""
    if not backup.parent.exists():
        return []
    mine = fingerprint(tokens)
    return [
        path
        for path, other in list_backups(backup.parent)
        if other.created_at > manifest.created_at and other.fingerprint == mine and path.resolve() != backup.resolve()
    ]


def _continue_revisions(store: OxigraphStore, replaced: int) -> None:
    """Number the restored store after the one it replaced.

    A restore is a change like any other: went back to the backup's revision, a later
    write took a number the replaced store had used for other contents, and the
    revision (in /healthz and the metrics) went backwards.
    """
    restored = queries.revision(store)
    if restored <= replaced:
        store.apply([(GRAPH_IRI, PW.revision, Literal(restored))] if restored else [],
                    [(GRAPH_IRI, PW.revision, Literal(replaced + 1))])  # fmt: skip


def restore_backup(
    backup: Path,
    *,
    data_dir: Path,
    store_path: Path,
    tokens: Tokens,
    keep: Sequence[Path] = (),
    say: Callable[[str], None] = lambda step: None,
) -> Restored:
    """Replace the data folder (and store) by a backup's; the service must be stopped.

    Checked first, nothing moved on failure: the manifest, the pseudonym secret's
    fingerprint, every listed file, the store's triple count, both erasure logs, and that
    no process holds the current store. The backup is then copied beside the data folder
    (``<name>.restoring-<time>``): a copy that fails (a full disk) leaves everything as it
    was. Only then is the current data folder (and the store, where it lives elsewhere)
    moved aside to ``<name>.before-restore-<time>``, never deleted, and the copy renamed
    into place; the erasure logs are merged (the replaced folder's, and those of the
    backups beside this one taken after it, so a restore into a fresh folder still knows
    later erasures); and the students forgotten since the backup was taken are forgotten
    again. The store is then rewritten
    once: a checkpoint taken between a forget's delete and its rewrite holds deleted
    strings. Folders of the data folder in ``keep`` (where backups are kept, the restored
    one perhaps among them) are moved into the restored folder rather than left aside.
    ``say`` hears each step as it begins (copying and rewriting a large store take minutes).

    Raises:
        InvalidInput: the backup fails a check (the message says which).
        StoreInUse: a running service holds the store.
    """
    say("checking the backup")
    manifest = _check(backup, tokens)
    read_erasures(data_dir / ERASURE_LOG)
    later_logs = []
    for sibling in _later_backups(backup, manifest, tokens):  # a fresh data folder has no log: newer backups do
        try:
            read_erasures(sibling / "data" / ERASURE_LOG)
            later_logs.append(sibling.resolve().relative_to(backup.resolve().parent))
        except InvalidInput:
            say(f"leaving out the erasure log of {sibling}: it does not read")
    replaced_revision = 0
    if store_path.exists():
        current = OxigraphStore(store_path)  # raises StoreInUse while a service holds it
        try:
            replaced_revision = queries.revision(current)
        except Exception:  # a store damaged past reading is what restores are for
            say("the current store's revision does not read: the restored one keeps the backup's")
        finally:
            current.close()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    data_root = data_dir.resolve()
    store_inside = _inside(store_path, data_root)
    staged_data = data_dir.with_name(f"{data_dir.name}.restoring-{stamp}")
    staged_store = (
        staged_data / store_path.resolve().relative_to(data_root)
        if store_inside
        else store_path.with_name(f"{store_path.name}.restoring-{stamp}")
    )
    say(f"copying the backup in ({manifest.triples:,} triples)")
    try:  # a copy that fails (a full disk) leaves the data as it was: nothing is moved until it is whole
        shutil.copytree(backup / "data", staged_data)
        shutil.copytree(backup / "store", staged_store)
        # copytree gave them the backup's inner folders' mode (0755): student data open to every local user
        staged_data.chmod(_mode_of(data_dir))
        if not store_inside:
            staged_store.chmod(_mode_of(store_path))
    except (OSError, shutil.Error) as error:
        shutil.rmtree(staged_data, ignore_errors=True)
        if not store_inside:
            shutil.rmtree(staged_store, ignore_errors=True)
        raise InvalidInput(f"copying the backup failed, nothing was changed: {_first_error(error)}") from None

    def move_aside(folder: Path) -> Path | None:
        if not folder.exists():
            return None
        target = folder.with_name(f"{folder.name}.before-restore-{stamp}")
        folder.rename(target)
        return target

    source = backup.resolve()
    unfinished = {
        "created_at": manifest.created_at.isoformat(),
        "staged_data": str(staged_data),
        "staged_store": None if store_inside else str(staged_store),
        "data_aside": str(data_dir.with_name(f"{data_dir.name}.before-restore-{stamp}")) if data_dir.exists() else None,
        "later_logs": [str(source.parent / name / "data" / ERASURE_LOG) for name in later_logs],
        "replaced_revision": replaced_revision,
    }
    _write_marker(restore_marker(data_dir), unfinished)  # from here a crash is finished at the next start
    data_aside = move_aside(data_dir)
    store_aside = None if store_inside else move_aside(store_path)

    def now_at(path: Path) -> Path:
        """Where a path of the data folder is since the folder was moved aside."""
        inside = data_aside is not None and _inside(path, data_root)
        return data_aside / path.resolve().relative_to(data_root) if inside and data_aside else path

    staged_data.rename(data_dir)
    if not store_inside:
        staged_store.rename(store_path)
    for folder in keep:  # the backups kept in the data folder stay in it
        if _inside(folder, data_root) and now_at(folder).exists():
            target = data_dir / folder.resolve().relative_to(data_root)
            target.parent.mkdir(parents=True, exist_ok=True)
            now_at(folder).rename(target)
    if not backup.exists():  # it was inside the data folder moved aside: so are the later backups' logs
        unfinished["later_logs"] = [str(now_at(source.parent / name / "data" / ERASURE_LOG)) for name in later_logs]
        _write_marker(restore_marker(data_dir), unfinished)
    again = _forget_again(data_dir, store_path, tokens, unfinished, say)
    return Restored(manifest, again, tuple(p for p in (data_aside, store_aside) if p is not None))


def restore_marker(data_dir: Path) -> Path:
    """The file beside the data folder while a restore swaps it and forgets again (a crash leaves it)."""
    return data_dir.with_name(f"{data_dir.name}.restore-unfinished")


def _write_marker(marker: Path, unfinished: Mapping[str, object]) -> None:
    with open(marker, "w", encoding="utf-8") as out:
        json.dump(unfinished, out)
        out.flush()
        os.fsync(out.fileno())


def finish_interrupted_restore(
    data_dir: Path, store_path: Path, tokens: Tokens, say: Callable[[str], None] = lambda step: None
) -> bool:
    """Finish a restore a crash cut short after it began moving folders; whether there was one.

    A restore killed after swapping the backup in served the backup's students, those
    forgotten since it was taken among them, and nothing at the next start forgot them
    again. The marker (``restore_marker``) says what was left: the staged copy to move
    into place if the crash came first, the erasure logs to merge, the students to forget
    again and the rewrite. Each step can run twice.
    """
    marker = restore_marker(data_dir)
    if not marker.exists():
        return False
    unfinished = json.loads(marker.read_text(encoding="utf-8"))
    say("a restore was interrupted: finishing it")
    staged_data, staged_store = Path(unfinished["staged_data"]), unfinished.get("staged_store")
    if not data_dir.exists() and staged_data.exists():
        staged_data.rename(data_dir)
    if staged_store is not None and not store_path.exists() and Path(staged_store).exists():
        Path(staged_store).rename(store_path)
    _forget_again(data_dir, store_path, tokens, unfinished, say)
    return True


def _forget_again(
    data_dir: Path,
    store_path: Path,
    tokens: Tokens,
    unfinished: Mapping[str, Any],
    say: Callable[[str], None],
) -> int:
    """Merge the erasure logs into the restored one, forget again whom they name since the backup, rewrite."""
    log = ErasureLog(data_dir / ERASURE_LOG, tokens)
    aside = unfinished.get("data_aside")
    for other in [*([Path(aside) / ERASURE_LOG] if aside else []), *map(Path, unfinished["later_logs"])]:
        if other.exists():
            log.merge(other)  # erasures since the backup live in the log it replaced, and in later backups'
    store = OxigraphStore(store_path)
    try:
        _continue_revisions(store, int(unfinished["replaced_revision"]))
        kg = KnowledgeGraph(store)
        again = log.forgotten(list_students(kg), since=datetime.fromisoformat(unfinished["created_at"]))
        say(f"forgetting again {len(again)} students forgotten since the backup")
        for student in again:
            forget_student(kg, student)
        say("rewriting the store, so deleted data leaves its files (seconds per million triples)")
        store.rewrite()  # also purges what a checkpoint taken before a forget's own rewrite still held
    finally:
        store.close()
    restore_marker(data_dir).unlink(missing_ok=True)
    return len(again)
