"""Outside development, errors from bugs are masked; expected errors stay readable."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from graph.repository import KnowledgeGraph
from resolvers.loaders import build_loaders
from schema import build_schema
from schema.context import Context


def errors(
    kg: KnowledgeGraph, query: str, *, development: bool, variables: dict[str, object] | None = None
) -> list[str]:
    schema = build_schema(development=development)
    context = Context(kg=kg, loaders=build_loaders(kg))
    result = asyncio.run(schema.execute(query, variable_values=variables, context_value=context))
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

    def test_production_suggests_no_field_names(self, kg: KnowledgeGraph) -> None:
        # With introspection off, "Did you mean 'student' or 'students'?" still spelled the schema out.
        query = '{ studen(id: "x") { id } concept(id: "a") { labl } }'
        assert errors(kg, query, development=False) == [
            "Cannot query field 'studen' on type 'Query'.",
            "Cannot query field 'labl' on type 'Concept'.",
        ]
        assert "Did you mean 'student'" in errors(kg, query, development=True)[0]  # development helps its developers

    def test_a_variable_graphql_cannot_coerce_is_the_clients_error(self, kg: KnowledgeGraph) -> None:
        # Wrapped in a second GraphQLError, it was masked as a bug: "Unexpected error."
        [message] = errors(kg, "query($c: ID!) { concept(id: $c) { id } }", development=False, variables={"c": [1]})
        assert message == "Variable '$c' has invalid value: ID cannot represent value: [1]"

    def test_a_domain_error_outside_a_result_union_carries_its_code_and_field(self, kg: KnowledgeGraph) -> None:
        # A frontend had only the message to go on for a bad page size or cursor.
        schema = build_schema(development=False)
        context = Context(kg=kg, loaders=build_loaders(kg))
        for query, field in (("{ concepts(first: 1000) { totalCount } }", "first"),
                             ('{ concepts(after: "bad!") { totalCount } }', "after")):  # fmt: skip
            result = asyncio.run(schema.execute(query, context_value=context))
            [error] = result.errors or []
            assert error.extensions == {"code": "INVALID", "field": field}

    def test_a_refused_document_carries_a_code(self, kg: KnowledgeGraph) -> None:
        # A syntax error or a variable of the wrong type had no extensions.code: a client matched English.
        schema = build_schema(development=False)
        context = Context(kg=kg, loaders=build_loaders(kg))
        # A variable's bad value names the argument it stands in, as typed errors do: "timestamp": "yesterday" gave
        # no field (its path "[0].timestamp" beside "$a"), and null for a non-null argument no code, and "None".
        record = "mutation($a: [AttemptInput!]!) { recordAttempts(attempts: $a) { __typename } }"
        attempt = {"studentId": "s", "conceptIds": ["c"], "correct": True, "timestamp": "yesterday"}
        for query, variables, extensions in (
            ("{ concepts(first: 2) { totalCount }", None, {"code": "GRAPHQL_PARSE_FAILED"}),
            ("{ concepts(first: 2) { nope } }", None, {"code": "GRAPHQL_VALIDATION_FAILED"}),
            ("query($n: Int!) { concepts(first: $n) { totalCount } }", {"n": "ten"},
             {"code": "BAD_USER_INPUT", "field": "first"}),
            ("query($n: Int!) { concepts(first: $n) { totalCount } }", None,
             {"code": "BAD_USER_INPUT", "field": "first"}),
            ("{ concepts(first: $n) { totalCount } }", {"n": 2}, {"code": "GRAPHQL_VALIDATION_FAILED"}),
            ("query($n: Int) { concepts(first: $n) { totalCount } }", {"n": None},
             {"code": "BAD_USER_INPUT", "field": "first"}),
            (record, {"a": [attempt]}, {"code": "BAD_USER_INPUT", "field": "attempts.0.timestamp"}),
        ):  # fmt: skip
            result = asyncio.run(schema.execute(query, variable_values=variables, context_value=context))
            [error] = result.errors or []
            assert error.extensions == extensions, query
            assert "None" not in error.message, error.message


def test_a_backup_that_cannot_be_written_is_unavailable_and_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # It answered INVALID (the caller's fault) and left no line in the server's log.
    from graph.pseudonyms import Pseudonymizer
    from graph.store import open_store

    kg = KnowledgeGraph(open_store(f"oxigraph:{tmp_path / 'store'}"))
    (tmp_path / "not-a-folder").write_text("x")
    context = Context(
        kg=kg,
        loaders=build_loaders(kg),
        pseudonyms=Pseudonymizer(b"k" * 32),
        data_dir=tmp_path,
        backup_dir=tmp_path / "not-a-folder" / "backups",
    )
    query = "mutation { backupData { __typename ... on BackupError { code message } } }"
    with caplog.at_level("ERROR", logger="pathwise.backup"):
        result = asyncio.run(build_schema().execute(query, context_value=context))
    kg.store.close()
    assert result.data is not None
    assert result.data["backupData"]["code"] == "UNAVAILABLE"
    assert result.data["backupData"]["message"].startswith("the backup could not be written")
    assert "backupData failed" in caplog.text


def test_one_fragment_reads_the_refusal_of_any_result(kg: KnowledgeGraph) -> None:
    # Seven error types shared no interface: a client wrote a fragment per union to show a refusal.
    from tests.conftest import PlainIds

    context = Context(kg=kg, loaders=build_loaders(kg), pseudonyms=PlainIds())
    refusal = "... on Refusal { __typename code field }"
    query = f"""{{ learningPath(studentId: "s1", targets: ["nope"]) {{ {refusal} }}
      cohortMastery(cohortId: "no-class") {{ {refusal} }}
      ask(question: "") {{ {refusal} }} }}"""
    result = asyncio.run(build_schema().execute(query, context_value=context))
    assert result.errors is None, result.errors
    assert result.data == {
        "learningPath": {"__typename": "PathError", "code": "NOT_FOUND", "field": "targets"},
        "cohortMastery": {"__typename": "CohortError", "code": "NOT_FOUND", "field": "cohortId"},
        "ask": {"__typename": "AskError", "code": "UNAVAILABLE", "field": None},  # no question answering here
    }
    created = f'mutation {{ createConcept(input: {{id: "bad id", label: "x"}}) {{ {refusal} }} }}'
    assert asyncio.run(build_schema().execute(created, context_value=context)).data == {
        "createConcept": {"__typename": "CurriculumError", "code": "INVALID", "field": "id"}
    }


def test_a_full_disk_is_unavailable_not_a_masked_bug(tmp_path: Path) -> None:
    # Every write on a full disk answered "Unexpected error." with no code: a forwarder could not tell a
    # disk it may retry after from a bug.
    from graph.store import OxigraphStore
    from tests.conftest import PlainIds
    from tests.unit.graph.test_store import _FullDisk

    store = OxigraphStore(tmp_path / "store")
    kg = KnowledgeGraph(store)
    store._store = _FullDisk(store._store)  # type: ignore[assignment]
    context = Context(kg=kg, loaders=build_loaders(kg), pseudonyms=PlainIds())
    schema = build_schema(development=False)
    created = 'mutation { createConcept(input: {id: "cube", label: "Cubics"}) { ... on Refusal { code message } } }'
    refused = asyncio.run(schema.execute(created, context_value=context))
    assert refused.errors is None, refused.errors
    assert refused.data is not None
    assert refused.data["createConcept"]["code"] == "UNAVAILABLE"
    assert "No space left on device" in refused.data["createConcept"]["message"]
    store.close()
