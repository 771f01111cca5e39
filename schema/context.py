"""The typed per-request context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import strawberry

from graph.repository import KnowledgeGraph
from resolvers.loaders import Loaders

__all__ = ["Context", "Info"]


@dataclass
class Context:
    """What a request carries: the graph, its loaders and the request itself."""

    kg: KnowledgeGraph
    loaders: Loaders
    request: Any = None
    response: Any = None


Info = strawberry.Info[Context, None]
