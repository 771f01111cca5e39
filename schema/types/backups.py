"""What ``backupData`` answers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from graph.backup import BackupManifest
from graph.errors import KnowledgeGraphError
from schema.types.enums import CurriculumErrorCode
from schema.types.errors import ERROR_CODE, ERROR_MESSAGE, Refusal


@strawberry.type(description="A backup written on the server; ship its folder elsewhere (it is on the same disk).")
class Backup:
    path: str = strawberry.field(description="The backup's folder on the server.")
    created_at: datetime = strawberry.field(description="When the store's checkpoint was taken.")
    triples: int = strawberry.field(description="Triples in the backed-up store.")
    students: int = strawberry.field(description="Students in the backed-up store.")
    files: list[str] = strawberry.field(description="Entries of the data folder copied beside the store.")
    pruned: list[str] = strawberry.field(
        description="Older backups deleted after this one, beyond the newest PATHWISE_BACKUP_KEEP."
    )

    @classmethod
    def from_domain(cls, path: str, manifest: BackupManifest, *, pruned: list[str]) -> Backup:
        """From ``graph.backup.BackupManifest`` and the folders ``prune_backups`` deleted."""
        return cls(
            path=path,
            created_at=manifest.created_at,
            triples=manifest.triples,
            students=manifest.students,
            files=list(manifest.files),
            pruned=pruned,
        )


@strawberry.type(description="Why no backup was written (INVALID: this store or service takes none).")
class BackupError(Refusal):
    code: CurriculumErrorCode = strawberry.field(description=ERROR_CODE)
    message: str = strawberry.field(description=ERROR_MESSAGE)
    field: str | None = strawberry.field(default=None, description="Null: a backup takes no argument to blame.")

    @classmethod
    def from_domain(cls, error: KnowledgeGraphError) -> BackupError:
        """Map a domain error."""
        return cls(code=error.code, message=error.message)


BackupResult = Annotated[
    Backup | BackupError,
    strawberry.union("BackupResult", description="The backup written (`Backup`), or why none was (`BackupError`)."),
]
