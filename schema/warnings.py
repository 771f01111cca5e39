"""``extensions.warnings``: what a write accepted but a person should look at, beside its result.

A typed result says what was written; a concept created under an id that differs from a
stored one only in letter case (``Slope`` beside ``slope``) is written, as real data holds
such pairs, but it is most likely a typo, and an import's report says so in its
``warnings``. A resolver adds such a line to ``Context.warnings``; this extension puts the
request's lines in the response's ``extensions.warnings`` (absent when there are none).
"""

from __future__ import annotations

from typing import Any

from strawberry.extensions import SchemaExtension

__all__ = ["ResponseWarnings"]


class ResponseWarnings(SchemaExtension):
    """Answers ``Context.warnings`` as ``extensions.warnings``."""

    def get_results(self) -> dict[str, Any]:
        warnings = list(getattr(self.execution_context.context, "warnings", None) or [])
        return {"warnings": warnings} if warnings else {}
