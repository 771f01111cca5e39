"""Depth and alias limits read each fragment once, and agree with strawberry's limiters where those finish.

strawberry's limiters walked a fragment again at every spread: a 1 KB document of
fragments spreading the one before three times froze the server for 16 s at 13 levels
(an audit). The refusals below come back at 40 levels, which that walk could not
finish in hours.
"""

from __future__ import annotations

import pytest
from graphql import GraphQLSchema, parse, validate
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter

from bench.shape import fanned
from schema import build_schema
from schema.document_shape import MAX_REPEATS, TOO_COMPLEX, shape_errors

SAMPLES = [
    '{ concept(id: "a") { id prerequisites { id prerequisites { id } } } }',
    '{ a: concept(id: "a") { id } b: concept(id: "b") { x: label } }',
    '{ concept(id: "a") { ...P } } fragment P on Concept { prerequisites { ...Q } } fragment Q on Concept { id }',
    '{ concept(id: "a") { ... on Concept { p: prerequisites { q: dependents { id } } } } }',
    '{ __schema { types { fields { type { ofType { name } } } } } concept(id: "a") { id } }',
    'query One { concept(id: "a") { prerequisites { prerequisites { prerequisites { id } } } } }',
]


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return build_schema()._schema


@pytest.mark.parametrize("document", SAMPLES)
@pytest.mark.parametrize(("depth", "aliases"), [(1, 1), (2, 2), (3, 50)])
def test_the_same_refusals_as_strawberrys_limiters(
    schema: GraphQLSchema, document: str, depth: int, aliases: int
) -> None:
    parsed = parse(document)
    rules = [*QueryDepthLimiter(max_depth=depth).validation_rules, *MaxAliasesLimiter(aliases).validation_rules]
    theirs = {e.message for e in validate(schema, parsed, rules) if "depth" in e.message or "alias" in e.message}
    ours = [e.message for e in shape_errors(parsed, depth, aliases)]
    assert set(ours) == theirs
    assert len(ours) == len(theirs)  # once per operation: strawberry repeated it for each field past the limit


def test_fanned_out_fragments_are_measured_once_each() -> None:
    document = parse(fanned(40))
    assert [e.message for e in shape_errors(document, 15, 50)] == ["'anonymous' exceeds maximum operation depth of 15"]
    assert shape_errors(parse(fanned(12)), 15, 50) == []  # deep enough to pass; its cost refuses it later


def test_aliases_behind_a_fragment_count_at_every_spread() -> None:
    document = parse(
        '{ concept(id: "a") { ...A ...A2 } } fragment A on Concept { x: id y: id } fragment A2 on Concept { ...A ...A }'
    )
    assert [e.message for e in shape_errors(document, 15, 5)] == ["6 aliases found. Allowed: 5"]


def test_a_field_repeated_past_the_bound_is_refused_before_graphql_compares_the_pairs() -> None:
    repeated = parse("{ curricula { " + "id " * (MAX_REPEATS + 1) + "} }")
    [error] = shape_errors(repeated, 15, 50)
    assert (error.message, error.extensions) == (TOO_COMPLEX, {"code": "QUERY_TOO_COMPLEX"})
    spread = parse("{ curricula { " + "...C " * (MAX_REPEATS + 1) + "} } fragment C on Curriculum { id }")
    assert len(shape_errors(spread, 15, 50)) == 1
    assert shape_errors(parse("{ curricula { " + "id " * MAX_REPEATS + "} }"), 15, 50) == []


def test_a_fragment_cycle_is_left_to_validation() -> None:
    document = parse('{ concept(id: "a") { ...A } } fragment A on Concept { prerequisites { ...A } }')
    assert shape_errors(document, 15, 50) == []  # graphql-core refuses the cycle itself
