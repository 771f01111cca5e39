"""Arguments several fields share, described once: what a client needs to call them right.

A schema without argument descriptions left ranges and meanings to the README (85
arguments, none described): a client developer read the schema file and guessed.
"""

from __future__ import annotations

from typing import Annotated

import strawberry

__all__ = [
    "BinsArg",
    "CohortIdArg",
    "CohortThresholdArg",
    "MasteryThresholdArg",
    "MaxMinutesArg",
    "NextFirstArg",
    "QuestionArg",
    "TargetsArg",
    "OptionalTargetsArg",
]

_GRID = "for analysts a multiple of 0.1"

MasteryThresholdArg = Annotated[
    float | None,
    strawberry.argument(description="In (0, 1]: an estimate at or above it counts as mastered (default 0.8)."),
]
MaxMinutesArg = Annotated[
    int | None,
    strawberry.argument(
        description="0 or more: the path is cut after the longest prefix of steps that fits (`leftOut` lists the "
        "rest; `truncated` says so); null: no limit."
    ),
]
TargetsArg = Annotated[
    list[strawberry.ID],
    strawberry.argument(description="Concept ids to reach (at least one; NOT_FOUND names any unknown)."),
]
OptionalTargetsArg = Annotated[
    list[strawberry.ID] | None,
    strawberry.argument(description="Concept ids to work toward: materials on the way to them rank first."),
]
NextFirstArg = Annotated[int, strawberry.argument(description="How many materials, 0 to 100.")]
CohortThresholdArg = Annotated[
    float,
    strawberry.argument(description=f"In [0, 1] ({_GRID}): an estimate at or above it counts as mastered."),
]
CohortIdArg = Annotated[
    strawberry.ID,
    strawberry.argument(description='The cohort\'s id (NOT_FOUND with `field: "cohortId"` when there is none).'),
]
BinsArg = Annotated[
    int, strawberry.argument(description="Histogram bins over [0, 1]: 1 to 100; for analysts 1, 2, 5 or 10.")
]
QuestionArg = Annotated[str, strawberry.argument(description="1 to 1,000 characters, not only spaces.")]
