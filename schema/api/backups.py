"""Backups of the service's data, taken while it serves (``graph.backup``)."""

from __future__ import annotations

import asyncio
import logging
import threading

import strawberry

from graph.backup import backup_name, make_backup, prune_backups, remove_unfinished_backups
from graph.errors import InvalidInput, KnowledgeGraphError, Unavailable
from graph.student_keys import pseudonymizer_of
from schema.context import Info
from schema.types.backups import Backup, BackupError, BackupResult

__all__ = ["BackupMutation"]

log = logging.getLogger("pathwise.backup")


_ONE_AT_A_TIME = threading.Lock()
"""``backupData`` calls of this process, one after another."""


@strawberry.type
class BackupMutation:
    @strawberry.mutation(
        description="Back up the store (a consistent checkpoint; writes wait milliseconds) and the data folder "
        "(models, QA index, erasure log) into a new folder under the server's backup folder (PATHWISE_BACKUP_DIR), "
        "then deletes all but the newest PATHWISE_BACKUP_KEEP backups there (they still hold forgotten students). "
        "Restore with `pathwise restore FOLDER` while the service is stopped: students forgotten since the backup "
        "are forgotten again."
    )
    async def backup_data(self, info: Info) -> BackupResult | None:
        context = info.context

        def run() -> BackupResult:
            data_dir = context.data_dir
            try:
                if context.backup_dir is None or data_dir is None:
                    raise InvalidInput("this service takes no backups (no backup folder is set)")
                pseudonyms = pseudonymizer_of(context.pseudonyms)
                if pseudonyms is None:
                    raise InvalidInput("this service has no pseudonym secret to fingerprint a backup with")
                with _ONE_AT_A_TIME:  # two at once pruned each other's folders and answered errors for good copies
                    for leftover in remove_unfinished_backups(context.backup_dir):
                        log.warning(
                            "removed %s, a backup a crash had left unfinished (it held personal data)", leftover
                        )
                    folder = context.backup_dir / backup_name()
                    manifest = make_backup(context.kg, data_dir, folder, pseudonyms, exclude=[context.backup_dir])
                    pruned = prune_backups(context.backup_dir, context.backup_keep)
                    log.info(  # a nightly job's trace when it worked, as a failure leaves one
                        "backup written to %s: %d triples, %d students, %d entries of the data folder; %d pruned",
                        folder, manifest.triples, manifest.students, len(manifest.files), len(pruned),
                    )  # fmt: skip
            except KnowledgeGraphError as error:
                return BackupError.from_domain(error)
            except OSError as error:  # an unwritable backup folder, a full disk: the partial copy is gone already
                log.error("backupData failed: the backup could not be written: %s", error)  # a nightly job's trace
                return BackupError.from_domain(Unavailable(f"the backup could not be written: {error}"))
            return Backup.from_domain(str(folder), manifest, pruned=[str(p) for p in pruned])

        # a checkpoint and a copy of the data folder's files: seconds for trained models, off the event loop
        return await asyncio.to_thread(run)
