"""Outside development, errors from bugs are masked; expected errors stay readable."""

from __future__ import annotations

import asyncio

import pytest

from graph.repository import KnowledgeGraph
from resolvers.loaders import build_loaders
from schema import build_schema
from schema.context import Context


def errors(kg: KnowledgeGraph, query: str, *, development: bool) -> list[str]:
    schema = build_schema(development=development)
    result = asyncio.run(schema.execute(query, context_value=Context(kg=kg, loaders=build_loaders(kg))))
    return [e.message for e in result.errors or []]


@pytest.fixture
def broken_kg(kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch) -> KnowledgeGraph:
    def explode() -> None:
        raise RuntimeError("secret connection string in a stack trace")

    monkeypatch.setattr(kg, "curricula", explode)
    return kg


class TestMasking:
    def test_bug_is_masked_in_production(self, broken_kg: KnowledgeGraph) -> None:
        assert errors(broken_kg, "{ curricula { id } }", development=False) == ["Unexpected error."]

    def test_bug_is_shown_in_development(self, broken_kg: KnowledgeGraph) -> None:
        assert errors(broken_kg, "{ curricula { id } }", development=True) == [
            "secret connection string in a stack trace"
        ]

    def test_expected_errors_are_not_masked(self, kg: KnowledgeGraph) -> None:
        assert errors(kg, '{ concepts(after: "bad!") { totalCount } }', development=False) == [
            "cursor 'bad!' is not valid"
        ]
        assert "Cannot query field" in errors(kg, "{ nope }", development=False)[0]
