"""Each mutation of a document reads what the ones before it wrote, not the request's cached reads.

A request's DataLoaders (``resolvers.loaders``) cache what they load for the rest of the
request. Mutations run one after another, so a document holding several read back the
first one's records in every later answer: ``setConceptTranslation`` answered
``translations: [de]`` right after adding ``fr``, and ``prerequisites: []`` after an
``addPrerequisite`` of the same document (a designer's batch, an audit). Before each
root mutation field runs, this extension empties the caches: its answer reads the
store as it is after the writes before it. Queries keep their caching.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import OperationType
from strawberry.extensions import SchemaExtension

__all__ = ["FreshLoadersPerMutation"]


class FreshLoadersPerMutation(SchemaExtension):
    """Empties the request's loader caches before each root mutation field."""

    def resolve(self, _next: Callable[..., Any], root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
        """Clear, then resolve the field as usual (nested fields and queries pass straight through)."""
        if info.path.prev is None and info.operation.operation is OperationType.MUTATION:
            loaders = getattr(info.context, "loaders", None)
            if loaders is not None:
                loaders.clear_all()
        return _next(root, info, *args, **kwargs)
