"""Restores of a backup that do not bring forgotten students back.

A restore checks the backup whole (its manifest, the pseudonym secret's fingerprint,
every file's size and SHA-256, its store), copies it beside the data folder, swaps it in, merges the
erasure logs and forgets again every student forgotten since the backup was taken,
then rewrites the store once. A marker beside the data folder lets the next start
finish a restore a crash cut short. Taking backups is ``graph.backup``'s, which
re-exports these names.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rdflib import Literal

from graph import queries
from graph.attempts import list_students
from graph.backup_files import check_files
from graph.backup_manifest import BackupManifest, fingerprint, list_backups, read_manifest, store_figures
from graph.erasures import ERASURE_LOG, ErasureLog, Tokens, read_erasures
from graph.errors import InvalidInput
from graph.folders import is_inside
from graph.forget import forget_student
from graph.repository import KnowledgeGraph
from graph.restore_space import RestoreUnfinished, check_room, first_line, unfinished_hint
from graph.store import OxigraphStore
from graph.vocab import GRAPH_IRI, PW

__all__ = ["RestoreUnfinished", "Restored", "finish_interrupted_restore", "restore_backup", "restore_marker"]


@dataclass(frozen=True)
class Restored:
    """What a restore did."""

    manifest: BackupManifest
    forgotten_again: int  # students of the backup forgotten since it was taken, forgotten again
    moved_aside: tuple[Path, ...]  # the data folder (and store) as they were before the restore


def _mode_of(folder: Path) -> int:
    """The mode a restored folder takes: the one it replaces had (an operator's choice), else 0700."""
    return folder.stat().st_mode & 0o777 if folder.exists() else 0o700


def _check(backup: Path, tokens: Tokens, say: Callable[[str], None]) -> BackupManifest:
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
    if manifest.contents is None:
        say(f"the backup is of format {manifest.format}, which records no checksums: its files cannot be verified")
    else:
        say(f"verifying the backup's {len(manifest.contents):,} files")
        damaged = check_files(backup, manifest.contents)
        if damaged:
            more = f" (and {len(damaged) - _NAMED} more)" if len(damaged) > _NAMED else ""
            raise InvalidInput(f"the backup is damaged, nothing was changed: {'; '.join(damaged[:_NAMED])}{more}")
    try:
        triples, _ = store_figures(backup / "store")
    except (OSError, RuntimeError, ValueError) as error:  # RocksDB: a cut-off or corrupted file ("Sst file size")
        raise InvalidInput(f"the backup's store does not open (damaged?): {error}") from None
    if triples != manifest.triples:
        raise InvalidInput(f"the backup's store holds {triples} triples, its manifest says {manifest.triples}")
    read_erasures(backup / "data" / ERASURE_LOG)  # a malformed log is refused now, not half way
    return manifest


_NAMED = 3
"""Damaged files a refused restore names (the rest are counted)."""


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


def _replaced_revision(store_path: Path, say: Callable[[str], None]) -> int:
    """The current store's revision (0 when there is none, or it does not read).

    Asked before the backup is checked: it is what finds a running service (``StoreInUse``),
    which was refused only after every file of the backup had been read (minutes on a
    large store). A store damaged past opening or reading is what restores are for.
    """
    if not store_path.exists():
        return 0
    try:
        current = OxigraphStore(store_path)  # raises StoreInUse while a service holds it
    except (OSError, RuntimeError) as error:  # RocksDB: "Corruption: Sst file size mismatch ..."
        say(f"the current store does not open ({first_line(error)}): the restored one keeps the backup's revision")
        return 0
    try:
        return queries.revision(current)
    except Exception:
        say("the current store's revision does not read: the restored one keeps the backup's")
        return 0
    finally:
        current.close()


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

    Checked first, nothing moved on failure: that no process holds the current store
    (before anything else: a running service was refused only after every file of the
    backup had been read, minutes on a large store), the manifest, the pseudonym secret's
    fingerprint, every listed file (its size and SHA-256, where the backup recorded
    them: format 2), the store's triple count and both erasure logs. The backup is then
    copied beside the data folder (``<name>.restoring-<time>``): a copy that fails (a full disk) leaves everything as it
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
    The disks must have room for the copy and one rewrite (about three times the store's
    size), or nothing is moved.

    Raises:
        InvalidInput: the backup fails a check (the message says which), or the disks
            have no room for it (``graph.restore_space``).
        StoreInUse: a running service holds the store.
        RestoreUnfinished: the restore was swapped in, but forgetting again or the
            rewrite failed (a full disk): the next start or restore finishes it.
    """
    replaced_revision = _replaced_revision(store_path, say)  # first: a running service is refused at once
    say("checking the backup")
    manifest = _check(backup, tokens, say)
    read_erasures(data_dir / ERASURE_LOG)
    later_logs = []
    for sibling in _later_backups(backup, manifest, tokens):  # a fresh data folder has no log: newer backups do
        try:
            read_erasures(sibling / "data" / ERASURE_LOG)
            later_logs.append(sibling.resolve().relative_to(backup.resolve().parent))
        except InvalidInput:
            say(f"leaving out the erasure log of {sibling}: it does not read")
    check_room(backup, manifest, data_dir=data_dir, store_path=store_path)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    data_root = data_dir.resolve()
    store_inside = is_inside(store_path, data_root)
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
        inside = data_aside is not None and is_inside(path, data_root)
        return data_aside / path.resolve().relative_to(data_root) if inside and data_aside else path

    staged_data.rename(data_dir)
    if not store_inside:
        staged_store.rename(store_path)
    for folder in keep:  # the backups kept in the data folder stay in it
        if is_inside(folder, data_root) and now_at(folder).exists():
            target = data_dir / folder.resolve().relative_to(data_root)
            target.parent.mkdir(parents=True, exist_ok=True)
            now_at(folder).rename(target)
    if not backup.exists():  # it was inside the data folder moved aside: so are the later backups' logs
        unfinished["later_logs"] = [str(now_at(source.parent / name / "data" / ERASURE_LOG)) for name in later_logs]
        _write_marker(restore_marker(data_dir), unfinished)
    again = _finish(data_dir, store_path, tokens, unfinished, say)
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

    Raises:
        RestoreUnfinished: a step failed (a full disk); the marker is kept.
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
    _finish(data_dir, store_path, tokens, unfinished, say)
    return True


def _finish(
    data_dir: Path,
    store_path: Path,
    tokens: Tokens,
    unfinished: Mapping[str, Any],
    say: Callable[[str], None],
) -> int:
    """``_forget_again``, its failure said in one line with what to do: it ended in RocksDB's error or a traceback.

    Raises:
        RestoreUnfinished: the merge, the erasures or the rewrite failed (a full disk);
            the marker is kept, so the next start or restore tries again.
    """
    try:
        return _forget_again(data_dir, store_path, tokens, unfinished, say)
    except (OSError, RuntimeError) as error:  # RocksDB: "IO error: No space left on device"
        raise RestoreUnfinished(
            f"finishing the restore failed: {first_line(error)}. "
            f"{unfinished_hint(store_path, restore_marker(data_dir))}"
        ) from error


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
