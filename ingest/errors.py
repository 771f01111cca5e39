"""Errors of reading outside files: every problem with its file, line or record, and reason."""

from __future__ import annotations

from dataclasses import dataclass

from graph.errors import ValidationFailed

__all__ = ["MalformedInput", "Problem"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an input: where (file, line or record) and why."""

    source: str
    location: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}:{self.location}: {self.reason}"


class MalformedInput(ValidationFailed):
    """An input file could not be read; nothing of it was applied.

    ``problems`` holds one line per problem, ``where`` the structured ``Problem`` list.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.where = problems
        super().__init__([str(p) for p in problems])
