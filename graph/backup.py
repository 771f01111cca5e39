"""Backups of a data folder, and restores that do not bring forgotten students back.

A backup is a folder holding:

- ``backup.json``: the manifest (``BackupManifest``): when it was taken (read just before
  the store's checkpoint), how many triples and students the store held, a fingerprint
  of the pseudonym secret, and every file copied (``store/`` and ``data/``) with its
  size and SHA-256, which a restore checks before it moves anything
  (``graph.backup_files``);
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

This module takes backups, and is the import path for the rest: a manifest and the
backups a folder holds are read in ``graph.backup_manifest``, a restore is
``graph.restore``; both are re-exported here.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from graph.backup_files import sum_files
from graph.backup_manifest import (
    MANIFEST,
    BackupManifest,
    damaged_backups,
    fingerprint,
    list_backups,
    prune_backups,
    read_manifest,
    remove_unfinished_backups,
    store_figures,
)
from graph.erasures import Tokens
from graph.errors import InvalidInput
from graph.folders import is_inside
from graph.repository import KnowledgeGraph
from graph.restore import Restored, RestoreUnfinished, finish_interrupted_restore, restore_backup, restore_marker
from graph.store import OxigraphStore

__all__ = [
    "DEFAULT_BACKUPS",
    "MANIFEST",
    "BackupManifest",
    "RestoreUnfinished",
    "Restored",
    "backup_name",
    "damaged_backups",
    "finish_interrupted_restore",
    "fingerprint",
    "list_backups",
    "make_backup",
    "prune_backups",
    "read_manifest",
    "remove_unfinished_backups",
    "restore_backup",
    "restore_marker",
    "stale_backups",
]


def backup_name(at: datetime | None = None) -> str:
    """A new backup's folder name: its UTC time, to the microsecond, so names sort by time and do not collide."""
    return (at or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S.%fZ")


DEFAULT_BACKUPS = "backups"
"""The data folder's own backups folder (``PATHWISE_BACKUP_DIR``'s default): never copied into a backup."""


def _data_files(data_dir: Path, skip: list[Path]) -> list[Path]:
    """Entries of the data folder to copy: everything but the store, its transient siblings, ``skip`` and the
    data folder's own backups folder.

    That folder is left out whether or not it is the backup folder now: once
    ``PATHWISE_BACKUP_DIR`` pointed elsewhere, the old backups were copied whole into
    every new one, with students erased since, where no erasure reaches.
    """
    if not data_dir.exists():
        return []
    entries = data_dir.iterdir()
    skip = [*skip, data_dir / DEFAULT_BACKUPS]
    return sorted(entry for entry in entries if not any(is_inside(entry, s) or is_inside(s, entry) for s in skip))


def stale_backups(data_dir: Path, backup_dir: Path | None) -> list[Path]:
    """Backups left in the data folder's own backups folder when the backup folder is elsewhere.

    They hold every student of their day, erased ones too, and no erasure reaches them
    (``forgetStudent`` leaves backups to their retention): the operator moves or deletes them.
    """
    own = data_dir / DEFAULT_BACKUPS
    if (backup_dir is not None and is_inside(backup_dir, own)) or not own.is_dir():
        return []
    return [folder for folder, _ in list_backups(own)]


# Files being written while the backup copies: a model in its staging folder (renamed into
# place once whole, ``ml.mastery.versions.staged``) and the QA index's temporary files.
_UNFINISHED = shutil.ignore_patterns(".staging-*", "*.tmp", "*.tmp.*", ".*.tmp")


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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
    if is_inside(destination, store.path) or (
        is_inside(destination, data_dir) and not any(is_inside(destination, kept) for kept in exclude)
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
        triples, students = store_figures(partial / "store")
        skip = [store.path, *store.path.parent.glob(store.path.name + ".*"), destination, partial, *exclude]
        files = _data_files(data_dir, skip)
        for entry in files:
            target = partial / "data" / entry.name
            if entry.is_dir():
                shutil.copytree(entry, target, ignore=_UNFINISHED)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(entry, target)
        contents = sum_files(
            partial
        )  # the copy's bytes, read back (from the page cache as a rule): what a restore gets
        manifest = BackupManifest(
            created_at, triples, students, fingerprint(tokens), tuple(f.name for f in files), contents
        )
        (partial / MANIFEST).write_text(json.dumps(manifest.to_json(), indent=2) + "\n")
        _fsync_dir(partial)
        partial.rename(destination)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return manifest
