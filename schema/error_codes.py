"""``extensions.code`` (and ``field``, ``problems``) on every domain error a resolver raises outside a result union.

Mutations answer refusals as typed results (``CurriculumError`` and the like), but a
query argument checked by the graph (``first: 1000``, a cursor that does not decode, an
empty student id) surfaced as a GraphQL error carrying only its message, so a frontend
had to match text. The graph's error already knows its code and the argument at fault.
"""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from graph.errors import KnowledgeGraphError

__all__ = ["DomainErrorCodes"]


class DomainErrorCodes(SchemaExtension):
    """Adds ``code`` and ``field`` from a ``KnowledgeGraphError`` to its GraphQL error."""

    def on_execute(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        for error in (result.errors if result is not None else None) or []:
            original = error.original_error
            if isinstance(original, KnowledgeGraphError) and "code" not in (error.extensions or {}):
                extra = {"code": original.code.value} | ({"field": original.field} if original.field else {})
                problems = getattr(original, "problems", None)
                if problems:  # every unknown id with the closest one, as the typed refusals list them
                    extra["problems"] = list(problems)
                error.extensions = {**(error.extensions or {}), **extra}
