"""Each mutation of a document reads what the ones before it wrote, not the request's cached reads.

A request's DataLoaders (``resolvers.loaders``) cache what they load for the rest of the
request. Mutations run one after another, so a document holding several read back the
first one's records in every later answer: ``setConceptTranslation`` answered
``translations: [de]`` right after adding ``fr``, and ``prerequisites: []`` after an
``addPrerequisite`` of the same document (a designer's batch, an audit). A field
extension on every root mutation field empties the caches before it runs: its answer
reads the store as it is after the writes before it. Queries keep their caching, and no
other field pays for it (a schema extension's hook ran on every field: 3% of a small query).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry
from strawberry.extensions import FieldExtension

__all__ = ["FreshLoaders", "on_every_mutation"]


class FreshLoaders(FieldExtension):
    """Empties the request's loader caches before the (root mutation) field it is on."""

    def resolve(self, next_: Callable[..., Any], source: Any, info: strawberry.Info, **kwargs: Any) -> Any:
        """Clear, then resolve as usual."""
        _clear(info)
        return next_(source, info, **kwargs)

    async def resolve_async(
        self, next_: Callable[..., Awaitable[Any]], source: Any, info: strawberry.Info, **kwargs: Any
    ) -> Any:
        """Clear, then resolve as usual."""
        _clear(info)
        return await next_(source, info, **kwargs)


def _clear(info: strawberry.Info) -> None:
    loaders = getattr(info.context, "loaders", None)
    if loaders is not None:
        loaders.clear_all()


def on_every_mutation(mutation: type) -> type:
    """``mutation`` (the root type) with ``FreshLoaders`` on each of its fields, once."""
    for field in mutation.__strawberry_definition__.fields:  # type: ignore[attr-defined]
        if not any(isinstance(e, FreshLoaders) for e in field.extensions):
            field.extensions.append(FreshLoaders())
    return mutation
