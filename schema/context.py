"""The typed per-request context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import strawberry

from graph.repository import KnowledgeGraph
from resolvers.loaders import Loaders

if TYPE_CHECKING:
    from ml.mastery.serving import MasteryService

__all__ = ["Context", "Info"]


@dataclass
class Context:
    """What a request carries: the graph, its loaders and the request itself."""

    kg: KnowledgeGraph
    loaders: Loaders
    mastery: MasteryService | None = None
    request: Any = None
    response: Any = None


Info = strawberry.Info[Context, None]
