"""The cost estimate on the real schema: what multiplies, what does not, and where it reads sizes."""

from __future__ import annotations

import asyncio
import itertools

import pytest
from graphql import GraphQLSchema, get_introspection_query, parse

from graph.bundle import CurriculumBundle
from graph.model import Concept, Prerequisite
from graph.repository import KnowledgeGraph
from graph.store import open_store
from resolvers.loaders import build_loaders
from schema import build_schema
from schema.context import Context
from schema.cost import FIELD_WEIGHTS, LIST, TRANSITIVE, CostCache, cohort_sizes, query_cost, transitive_sizes
from schema.limits import Limits


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return build_schema()._schema


def cost(schema: GraphQLSchema, document: str, **variables: object) -> int:
    return query_cost(schema, parse(document), variables=variables)


def test_a_page_multiplies_the_lists_directly_under_it(schema: GraphQLSchema) -> None:
    # concepts: 1 + edges: 7 x (1 + node: 1 + id: 1)
    assert cost(schema, "{ concepts(first: 7) { edges { node { id } } } }") == 1 + 7 * 3
    assert cost(schema, "{ concepts { totalCount } }") == 2  # the default page (20) multiplies no list here
    assert cost(schema, "{ concepts { edges { node { id } } } }") == 1 + 20 * 3


def test_page_sizes_come_from_variables_and_are_capped_at_the_page_limit(schema: GraphQLSchema) -> None:
    document = "query($n: Int!) { students(first: $n) { edges { node { id } } } }"
    assert cost(schema, document, n=3) == 1 + 3 * 3
    assert cost(schema, document, n=1_000_000) == 1 + 100 * 3  # the resolver refuses it, naming the cap


def test_a_list_with_first_is_that_long(schema: GraphQLSchema) -> None:
    document = '{ student(id: "s") { evidence(conceptId: "c", first: 3) { change } } }'
    assert cost(schema, document) == 1 + 3 * 2


def test_transitive_lists_and_other_lists(schema: GraphQLSchema) -> None:
    direct = '{ concept(id: "a") { prerequisites { id } } }'
    transitive = '{ concept(id: "a") { prerequisites(transitive: true) { dependents(transitive: true) { id } } } }'
    assert cost(schema, direct) == 1 + LIST * 2
    assert cost(schema, transitive) == 1 + TRANSITIVE * (1 + TRANSITIVE * 2)
    by_variable = 'query($t: Boolean!) { concept(id: "a") { prerequisites(transitive: $t) { id } } }'
    assert cost(schema, by_variable, t=True) == 1 + TRANSITIVE * 2
    assert cost(schema, by_variable, t=False) == 1 + LIST * 2


def test_fragments_count_where_they_are_spread(schema: GraphQLSchema) -> None:
    inline = '{ concept(id: "a") { ... on Concept { prerequisites { id } } } }'
    named = '{ concept(id: "a") { ...P } } fragment P on Concept { prerequisites { id } }'
    twice = '{ a: concept(id: "a") { ...P } b: concept(id: "b") { ...P } } fragment P on Concept { materials { id } }'
    assert cost(schema, inline) == cost(schema, named) == 1 + LIST * 2
    assert cost(schema, twice) == 2 * (1 + LIST * 2)


def test_union_results_and_operations(schema: GraphQLSchema) -> None:
    document = """query Next { nextMaterials(studentId: "s", first: 4) {
      ... on Recommendations { items { score } } ... on PathError { code } } }
      query Other { curricula { id } }"""
    assert query_cost(schema, parse(document), "Next") == 1 + 4 * 2 + 1
    assert query_cost(schema, parse(document), "Other") == LIST * 2
    assert query_cost(schema, parse(document), "Missing") == 0


def test_introspection_is_free(schema: GraphQLSchema) -> None:
    assert cost(schema, get_introspection_query(descriptions=True)) == 0


def test_a_list_of_ids_counts_by_its_length(schema: GraphQLSchema) -> None:
    # 42,600 repeated ids under nested transitive lists, costed as a list of 10, held a server for good.
    nested = """query($c: [ID!]) { student(id: "s") { mastery(conceptIds: $c) { concept {
      prerequisites(transitive: true) { id } } } } }"""
    per_id = 1 + 1 + TRANSITIVE * 2  # mastery row, concept, its closure of ids
    assert cost(schema, nested, c=["a"] * 42_600) == 1 + 42_600 * per_id
    assert cost(schema, nested, c=["a", "b"]) == 1 + 2 * per_id
    assert cost(schema, nested) == 1 + LIST * per_id  # every stored estimate: no list to count
    literal = '{ student(id: "s") { mastery(conceptIds: ["a", "b", "c"]) { probability } } }'
    assert cost(schema, literal) == 1 + 3 * 2
    # a field that is no list: its rows (under a union's fragment) are as many as the ids, at least LIST
    rows = """query($c: [ID!]) { cohortMastery(cohortId: "k", conceptIds: $c) {
      ... on CohortMastery { concepts { students } } } }"""
    assert cost(schema, rows, c=["x"] * 500) == 1 + 500 * 2
    assert cost(schema, rows, c=["x"]) == 1 + LIST * 2


def test_the_cache_keys_on_scalar_variables_and_list_lengths_and_stays_bounded(schema: GraphQLSchema) -> None:
    query = "query($n: Int!, $ids: [ID!]) { students(first: $n) { edges { node { id } } } }"
    document, cache = parse(query), CostCache(maxsize=2)
    assert cache.cost(schema, document, query, None, {"n": 3, "ids": ["a"]}) == 10
    assert cache.cost(schema, document, query, None, {"n": 5, "ids": ["a"]}) == 16
    assert cache.cost(schema, document, query, None, {"n": 3, "ids": ["b"]}) == 10  # a list's items are no key
    assert len(cache.costs) == 2
    by_ids = 'query($c: [ID!]) { student(id: "s") { mastery(conceptIds: $c) { probability } } }'
    assert cache.cost(schema, parse(by_ids), by_ids, None, {"c": ["a"]}) == 3
    assert cache.cost(schema, parse(by_ids), by_ids, None, {"c": ["a"] * 30_000}) == 60_001  # its length is
    assert cache.cost(schema, document, query, None, {"n": 7}) == 22
    assert len(cache.costs) == 2


def test_max_cost_zero_turns_the_check_off(kg: KnowledgeGraph) -> None:
    query = '{ concept(id: "x") { ' + "prerequisites { " * 12 + "id" + " }" * 12 + " } }"
    context = Context(kg=kg, loaders=build_loaders(kg))
    refused = asyncio.run(build_schema().execute(query, context_value=context))
    assert refused.errors is not None
    assert refused.errors[0].extensions == {"code": "QUERY_TOO_COSTLY", "cost": 2_111_111_111_111, "maxCost": 50_000}
    unlimited = asyncio.run(build_schema(limits=Limits(max_cost=0)).execute(query, context_value=context))
    assert (unlimited.errors, unlimited.data) == (None, {"concept": None})
    with pytest.raises(ValueError, match="max_cost must be at least 0"):
        Limits(max_cost=-1)


def test_a_left_out_variable_is_costed_at_its_default(schema: GraphQLSchema) -> None:
    # Sent with no variables, the defaults were costed as the fields' own (page 20, not transitive)
    # while execution used 100 and true: a document 500 times over the limit ran.
    literal = "{ concepts(first: 100) { edges { node { dependents(transitive: true) { id } } } } }"
    defaults = """query($t: Boolean! = true, $n: Int! = 100) {
      concepts(first: $n) { edges { node { dependents(transitive: $t) { id } } } } }"""
    assert cost(schema, defaults) == cost(schema, literal) == 1 + 100 * (2 + TRANSITIVE * 2)
    assert cost(schema, defaults, n=3, t=False) == 1 + 3 * (2 + LIST * 2)  # a given value wins


def test_transitive_lists_cost_the_graphs_largest_closure(schema: GraphQLSchema) -> None:
    chain = [f"c{i}" for i in range(120)]
    bundle = CurriculumBundle(
        concepts=tuple(Concept(c, c) for c in chain),
        prerequisites=tuple(Prerequisite(b, a) for a, b in itertools.pairwise(chain)),
    )
    kg = KnowledgeGraph(open_store("memory"))
    kg.import_bundle(bundle)
    assert transitive_sizes(kg) == {"prerequisites": 119, "dependents": 119}
    nested = '{ concept(id: "c0") { dependents(transitive: true) { dependents(transitive: true) { id } } } }'
    assert query_cost(schema, parse(nested), closures=transitive_sizes(kg)) == 1 + 119 * (1 + 119 * 2)
    context = Context(kg=kg, loaders=build_loaders(kg))
    refused = asyncio.run(build_schema(limits=Limits(max_cost=20_000)).execute(nested, context_value=context))
    assert refused.errors is not None
    assert refused.errors[0].extensions == {"code": "QUERY_TOO_COSTLY", "cost": 28_442, "maxCost": 20_000}
    kg.remove_prerequisite("c60", "c59")  # the closures shrink with the graph
    assert transitive_sizes(kg) == {"prerequisites": 59, "dependents": 59}
    small = KnowledgeGraph(open_store("memory"))
    assert transitive_sizes(small) == {"prerequisites": TRANSITIVE, "dependents": TRANSITIVE}  # never under the guess


def test_a_cohorts_members_cost_the_largest_cohort_and_an_export_a_whole_curriculum(schema: GraphQLSchema) -> None:
    # A cohort of 20,000 counted as 10, and 20 aliases of it held the server two minutes; 45 aliased
    # exports ran 11 s at a cost of 45 (an audit).
    from graph.cohorts import create_cohort, enrol_students

    kg = KnowledgeGraph(open_store("memory"))
    assert cohort_sizes(kg) == {"Cohort.students": LIST}
    create_cohort(kg, "big")
    enrol_students(kg, "big", [f"s{i}" for i in range(1000)])
    assert cohort_sizes(kg) == {"Cohort.students": 1000}
    members = '{ cohort(id: "big") { students { id } } }'
    assert query_cost(schema, parse(members), closures=cohort_sizes(kg)) == 1 + 1000 * 2
    context = Context(kg=kg, loaders=build_loaders(kg))
    aliased = "{ " + " ".join(f'c{n}: cohort(id: "big") {{ students {{ id }} }}' for n in range(30)) + " }"
    refused = asyncio.run(build_schema().execute(aliased, context_value=context))
    assert (refused.errors or [])[0].extensions == {"code": "QUERY_TOO_COSTLY", "cost": 30 * 2001, "maxCost": 50_000}
    exports = "{ " + " ".join(f"e{n}: exportCurriculum" for n in range(5)) + " }"
    assert cost(schema, exports) == 5 * FIELD_WEIGHTS[("Query", "exportCurriculum")]
    assert cost(schema, "{ exportCurriculum }") < 50_000, "one export fits the default limit"
