"""Run GraphQL documents through the real schema with a fresh context per request."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from graph.repository import KnowledgeGraph
from resolvers.loaders import build_loaders
from schema import build_schema
from schema.context import Context


class Client:
    """``schema.execute`` with a per-request context, counting store round trips."""

    def __init__(self, kg: KnowledgeGraph, *, development: bool = True) -> None:
        self.kg = kg
        self.schema = build_schema(development=development)
        self.round_trips = 0

    def execute(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        before = self.kg.store.round_trips
        context = Context(kg=self.kg, loaders=build_loaders(self.kg))
        result = asyncio.run(self.schema.execute(query, variable_values=variables, context_value=context))
        self.round_trips = self.kg.store.round_trips - before
        assert result.errors is None, result.errors
        assert result.data is not None
        return result.data

    def errors(self, query: str, variables: dict[str, Any] | None = None) -> list[str]:
        context = Context(kg=self.kg, loaders=build_loaders(self.kg))
        result = asyncio.run(self.schema.execute(query, variable_values=variables, context_value=context))
        return [e.message for e in result.errors or []]


@pytest.fixture
def client(kg: KnowledgeGraph) -> Client:
    return Client(kg)
