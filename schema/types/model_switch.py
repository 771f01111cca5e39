"""``MasteryModelSwitch``: a switch of the served mastery model, followed while it runs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, TypeAlias

import strawberry

from ml.mastery.switch_progress import SwitchPhase, SwitchProgress
from schema.types.attempts import AttemptsError

__all__ = ["MasteryModelSwitch", "MasteryModelSwitchResult", "ModelSwitchPhase"]

ModelSwitchPhase: TypeAlias = SwitchPhase
strawberry.enum(
    ModelSwitchPhase,
    name="ModelSwitchPhase",
    description="Where a switch is. REPLAYING: every stored student's attempts go into the new model while the "
    "old one serves. CATCHING_UP: what was recorded or forgotten meanwhile. REWRITING_ESTIMATES: the new model "
    "serves; stored estimates are rewritten with it. Then how it ended: DONE; FAILED (`error` says why; before "
    "`servedAt` the old model still serves); STOPPED (the service stopped first: a start re-estimates what the old "
    "model had estimated).",
)


@strawberry.type(
    description="A switch of the served mastery model: the one running, else the last one since the start."
)
class MasteryModelSwitch:
    version: str = strawberry.field(description="The version switched to.")
    previous_version: str | None = strawberry.field(description="The version served when the switch began.")
    phase: ModelSwitchPhase = strawberry.field(description="Where the switch is, or how it ended.")
    running: bool = strawberry.field(description="Whether it has not ended yet.")
    students: int = strawberry.field(description="Stored students whose attempts the new model replays.")
    students_replayed: int = strawberry.field(description="How many of them it has replayed so far.")
    estimates_rewritten: int = strawberry.field(description="Stored estimates rewritten with the new model so far.")
    started_at: datetime = strawberry.field(description="When it began (UTC).")
    served_at: datetime | None = strawberry.field(description="When the new model began to serve; null before.")
    finished_at: datetime | None = strawberry.field(description="When it ended; null while it runs.")
    error: str | None = strawberry.field(description="Why it failed or stopped; null otherwise.")

    @classmethod
    def from_progress(cls, progress: SwitchProgress) -> MasteryModelSwitch:
        """A snapshot of a switch's progress."""
        return cls(
            version=progress.version,
            previous_version=progress.previous,
            phase=progress.phase,
            running=progress.running,
            students=progress.students,
            students_replayed=progress.replayed,
            estimates_rewritten=progress.estimates_rewritten,
            started_at=progress.started_at,
            served_at=progress.served_at,
            finished_at=progress.finished_at,
            error=progress.error,
        )


MasteryModelSwitchResult = Annotated[
    MasteryModelSwitch | AttemptsError,
    strawberry.union(
        "MasteryModelSwitchResult",
        description="The switch begun, to follow (`MasteryModelSwitch`), or why it was refused (`AttemptsError`).",
    ),
]
