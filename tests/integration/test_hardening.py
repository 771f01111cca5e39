"""Abusive requests are refused and the service keeps answering (a real uvicorn server).

Each abuse is sent, its refusal checked, and then an ordinary query and ``/healthz``
must still answer: nesting 50 deep, 1000 aliases, a 10 MB body (announced and chunked),
``first: 1000000``, and a document of 20,000 tokens.
"""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from graphql import get_introspection_query
from live_server import Live, Reply, call, graphql, serving

from bench.shape import fanned
from graph.repository import KnowledgeGraph
from resolvers.loaders import build_loaders
from schema import build_schema
from schema.context import Context

ORDINARY = "{ curricula { id } }"
JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    data = tmp_path_factory.mktemp("hardening") / "data"
    with serving(data, PATHWISE_LOAD_DEMO="false", PATHWISE_MASTERY="false") as server:
        yield server


def still_answers(live: Live) -> None:
    reply = graphql(live.base, ORDINARY)
    assert reply.status == 200
    assert reply.json() == {"data": {"curricula": []}}
    assert call(live.base, "/healthz", method="GET").json()["status"] == "ok"


def only_error(reply: Reply) -> str:
    assert reply.status == 200, reply.body[:300]
    body = reply.json()
    assert not any((body.get("data") or {}).values()), body  # refused: null (the whole data, or its one field)
    assert len(body["errors"]) >= 1
    message: str = body["errors"][0]["message"]
    return message


def refusal(reply: Reply) -> str:
    """The message of a refused request: GraphQL's JSON error shape, with a code."""
    body = reply.json()
    assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST", body
    return str(body["errors"][0]["message"])


class TestAbuse:
    def test_nesting_50_deep(self, live: Live) -> None:
        query = '{ concept(id: "quadratic_formula") { ' + "prerequisites { " * 49 + "id" + " }" * 49 + " id } }"
        reply = graphql(live.base, query)
        assert "exceeds maximum operation depth of 15" in only_error(reply)
        assert reply.json()["errors"][0]["extensions"] == {"code": "QUERY_TOO_DEEP"}  # it had no code
        still_answers(live)

    def test_fragments_fanned_out_are_refused_without_walking_every_path(self, live: Live) -> None:
        # Each fragment spreads the one before under three lists: 3^13 paths in 1 KB froze the server 16 s (an audit).
        deep = graphql(live.base, fanned(40)).json()["errors"]
        assert [(e["message"], e["extensions"]) for e in deep] == [
            ("'anonymous' exceeds maximum operation depth of 15", {"code": "QUERY_TOO_DEEP"})
        ]
        costly = graphql(live.base, fanned(13)).json()["errors"]
        assert [e["extensions"]["code"] for e in costly] == ["QUERY_TOO_COSTLY"]
        still_answers(live)

    def test_a_real_depth_still_passes(self, live: Live) -> None:
        query = '{ concept(id: "x") { ' + "prerequisites { " * 12 + "id" + " }" * 12 + " } }"  # 14 deep
        # Not refused for its depth; twelve lists nested in lists are refused for their cost.
        assert only_error(graphql(live.base, query)).startswith("The query would resolve about 2,111,111,111,111 ")
        cheap = '{ concept(id: "x") { ' + "prerequisites { " * 4 + "id" + " }" * 4 + " } }"
        assert graphql(live.base, cheap).json() == {"data": {"concept": None}}

    def test_transitive_lists_multiplied_are_refused_before_running(self, live: Live) -> None:
        # Under the depth limit, this ran for minutes on the demo and stalled every other client.
        query = """query($n: Int!) { concepts(first: $n) { edges { node { dependents(transitive: true) {
          dependents(transitive: true) { prerequisites(transitive: true) { materials { teaches {
          dependents(transitive: true) { id } } } } } } } } } }"""
        reply = graphql(live.base, query, {"n": 8})
        error = reply.json()["errors"][0]
        assert error["extensions"] == {"code": "QUERY_TOO_COSTLY", "cost": 10_111_020_417, "maxCost": 50_000}
        still_answers(live)

    def test_the_cost_reads_page_sizes_from_variables(self, live: Live) -> None:
        query = """query($n: Int!) { concepts(first: $n) { edges { node { id
          prerequisites(transitive: true) { id label dependents(transitive: true) { id } } } } } }"""
        assert graphql(live.base, query, {"n": 3}).json() == {"data": {"concepts": {"edges": []}}}
        assert only_error(graphql(live.base, query, {"n": 100})).startswith(
            "The query would resolve about 515,301 objects"
        )

    def test_a_long_list_of_ids_counts_by_its_length(self, live: Live) -> None:
        # 42,600 repeated concept ids (a 1 MB body) under transitive lists held the server at 94% CPU and
        # 6 GB, /healthz unanswered, until it was killed: the list was costed as 10 long.
        query = """query($c: [ID!]) { student(id: "kid") { mastery(conceptIds: $c) { concept {
          prerequisites(transitive: true) { id label } dependents(transitive: true) { id label } } } } }"""
        reply = graphql(live.base, query, {"c": ["slope"] * 42_600})
        assert reply.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
        still_answers(live)

    def test_1000_aliases(self, live: Live) -> None:
        query = "{ " + " ".join(f"a{i}: curricula {{ id }}" for i in range(1000)) + " }"
        reply = graphql(live.base, query)
        assert only_error(reply) == "1000 aliases found. Allowed: 50"
        assert reply.json()["errors"][0]["extensions"] == {"code": "TOO_MANY_ALIASES"}
        still_answers(live)

    def test_a_field_repeated_1000_times_says_why_it_is_refused(self, live: Live) -> None:
        # graphql-core gives up comparing every pair of the fields with a bare "Validation aborted."
        reply = graphql(live.base, "{ curricula { " + "id " * 1000 + "} }")
        assert only_error(reply).startswith("The query is too complex to validate: it repeats a field")
        assert reply.json()["errors"][0]["extensions"] == {"code": "QUERY_TOO_COMPLEX"}
        still_answers(live)

    def test_20000_tokens(self, live: Live) -> None:
        query = "{ curricula { " + "id " * 20_000 + "} }"
        reply = graphql(live.base, query)
        assert "Document contains more than 10000 tokens" in only_error(reply)
        assert reply.json()["errors"][0]["extensions"] == {"code": "TOO_MANY_TOKENS"}
        still_answers(live)

    def test_first_one_million(self, live: Live) -> None:
        for query in ("{ concepts(first: 1000000) { totalCount } }", "{ students(first: 1000000) { totalCount } }"):
            assert only_error(graphql(live.base, query)) == "first must be between 0 and 100, got 1000000"
        still_answers(live)

    def test_a_10_mb_body(self, live: Live) -> None:
        body = json.dumps({"query": ORDINARY, "variables": {"pad": "x" * 10_000_000}}).encode()
        reply = call(live.base, body=body, headers={"Content-Type": "application/json"})
        assert reply.status == 413
        assert reply.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
        still_answers(live)

    def test_a_chunked_body_without_length_is_counted(self, live: Live) -> None:
        head = json.dumps({"query": ORDINARY, "variables": {"pad": ""}}).encode()[:-3]
        chunks = [head, *([b"x" * 65_536] * 32), b'"}}']  # 2 MiB, no Content-Length
        reply = call(live.base, body=iter(chunks), headers={"Content-Type": "application/json"})
        assert reply.status == 413
        still_answers(live)

    def test_a_body_that_is_not_a_json_object_is_a_400(self, live: Live) -> None:
        # These were 500s from inside strawberry's body parsing.
        for body, message in (
            (b'"just a string"', "The request body must be a JSON object with a `query`"),
            (b"null", "The request body must be a JSON object with a `query`"),
            (b"42", "The request body must be a JSON object with a `query`"),
            (b'{"query": "' + bytes([0xFF, 0xFE]) + b'"}', "The request body is not UTF-8 text"),
            (b"{not json", "Unable to parse request body as JSON"),
            # a 500: Python refuses integers of over 4,300 digits (an audit)
            (
                b'{"query": "{ curricula { id } }", "variables": {"x": 1' + b"0" * 5000 + b"}}",
                "The request body holds an integer too long to read: send it as a string",
            ),
            # a 500 in plain text and a logged RecursionError
            (
                b'{"query": "{ curricula { id } }", "variables": {"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}",
                "The request body nests JSON too deeply",
            ),
        ):
            reply = call(live.base, body=body, headers={"Content-Type": "application/json"})
            assert (reply.status, refusal(reply)) == (400, message), body
        still_answers(live)

    def test_a_lone_surrogate_or_a_numeric_operation_name_is_refused_in_words(self, live: Live) -> None:
        # "\\udfff" reached ask's tokenizer (an untyped error), cursors and ids (Python's codec message) (an audit).
        ask = '"query": "query($q: String!) { ask(question: $q) { __typename } }"'
        for body, where in (
            ("{" + ask + ', "variables": {"q": "slope \\udfff"}}', "variables.q"),
            ('{"query": "{ concepts(after: \\"\\udfff\\") { totalCount } }"}', "query"),
            ("{" + ask + ', "variables": {"q": "x", "\\ud800": 1}}', "variables.'\\ud800'"),
        ):
            reply = call(live.base, body=body.encode(), headers=JSON)
            assert (reply.status, refusal(reply)) == (
                400,
                f"The request holds a lone UTF-16 surrogate at {where}: it is not text",
            ), body
        named = call(live.base, body=b'{"query": "{ __typename }", "operationName": 5}', headers=JSON)
        assert (named.status, refusal(named)) == (
            400,
            "The GraphQL operation's `operationName` must be a string or null, if provided.",
        )
        fine = call(
            live.base, body=("{" + ask + ', "variables": {"q": "pente \\u00e9 \\ud83d\\ude00"}}').encode(), headers=JSON
        )
        assert fine.json()["data"] == {"ask": {"__typename": "Answer"}}, "a pair is a character"
        still_answers(live)

    def test_a_batch_or_a_form_body_is_refused_in_json(self, live: Live) -> None:
        # Both were plain-text 400s, which a client parsing every answer as JSON could not read.
        batch = call(live.base, body=json.dumps([{"query": "{ __typename }"}]).encode(), headers=JSON)
        assert batch.status == 400
        assert batch.json()["errors"][0]["extensions"] == {"code": "BAD_REQUEST"}
        form = call(
            live.base, body=b"query=%7B__typename%7D", headers={"Content-Type": "application/x-www-form-urlencoded"}
        )
        assert form.status in (400, 415)
        assert form.json()["errors"][0]["message"]
        still_answers(live)

    def test_a_compressed_body_is_refused_naming_its_encoding(self, live: Live) -> None:
        # A gzip body was refused as "not UTF-8 text", which sent the client looking for a bad byte (an audit).
        packed = gzip.compress(json.dumps({"query": "{ __typename }"}).encode())
        reply = call(live.base, body=packed, headers={**JSON, "Content-Encoding": "gzip"})
        assert (reply.status, refusal(reply)) == (
            415,
            "The request body is encoded (gzip): send it uncompressed, without Content-Encoding",
        )
        plain = call(live.base, body=b'{"query": "{ __typename }"}', headers={**JSON, "Content-Encoding": "identity"})
        assert plain.json() == {"data": {"__typename": "Query"}}
        still_answers(live)

    def test_another_method_and_a_get_with_bad_variables_are_refused_in_json(self, live: Live) -> None:
        # PUT was a plain-text 405, and a GET's `variables` that were not JSON spoke of a body (an audit).
        put = call(live.base, body=b'{"query": "{ __typename }"}', headers=JSON, method="PUT")
        allowed = put.headers["allow"]
        assert {"GET", "POST"} <= {m.strip() for m in allowed.split(",")}
        assert (put.status, refusal(put)) == (405, f"PUT is not allowed here: use {allowed}")
        assert "HEAD" not in allowed, "the endpoint answers HEAD 405 too"
        head = call(live.base, method="HEAD")
        assert (head.status, head.headers["allow"]) == (405, "GET, POST")
        get = call(live.base, "/graphql?query=%7B__typename%7D&variables=notjson", method="GET")
        assert (get.status, refusal(get)) == (400, "The `variables` or `extensions` query parameter is not JSON")
        still_answers(live)

    def test_several_operations_need_a_name(self, live: Live) -> None:
        # Strawberry ran the first and said nothing of the second; the spec asks for an error.
        document = "query First { curricula { id } } query Second { __typename }"
        reply = call(live.base, body=json.dumps({"query": document}).encode(), headers=JSON)
        assert (reply.status, refusal(reply)) == (
            400,
            "The document holds 2 operations (First, Second): name one in operationName",
        )
        named = json.dumps({"query": document, "operationName": "Second"}).encode()
        assert call(live.base, body=named, headers=JSON).json() == {"data": {"__typename": "Query"}}
        still_answers(live)

    def test_the_log_holds_no_document_and_no_query_string(self, live: Live) -> None:
        # Strawberry logged each error with the document around it, and uvicorn a GET's
        # whole URL: three ways an external student id reached the server's log.
        query = urlencode({"query": '{ student(id: "carol-private-id") { id } }'})
        assert call(live.base, f"/graphql?{query}", method="GET").status == 200
        invalid = graphql(live.base, '{ student(id: "dave-private-id") { id nosuchfield } }')
        assert "nosuchfield" in only_error(invalid)
        coerced = graphql(live.base, "query($i: ID!) { student(id: $i) { id } }", {"i": ["hank-private-id"]})
        assert "hank-private-id" in only_error(coerced)  # the client is told, the log is not
        still_answers(live)
        text = live.log_text()
        assert "GET /graphql?…" in text
        assert "graphql refused at document" in text
        for raw in ("carol-private-id", "dave-private-id", "hank-private-id"):
            assert raw not in text

    def test_a_body_under_the_limit_passes(self, live: Live) -> None:
        body = json.dumps({"query": ORDINARY, "variables": {"pad": "x" * 500_000}}).encode()
        reply = call(live.base, body=body, headers={"Content-Type": "application/json"})
        assert reply.status == 200
        assert reply.json() == {"data": {"curricula": []}}


def test_limits_come_from_settings(tmp_path: Path) -> None:
    with serving(
        tmp_path / "data",
        PATHWISE_LOAD_DEMO="false",
        PATHWISE_MASTERY="false",
        PATHWISE_MAX_ALIASES="2",
        PATHWISE_MAX_COST="100",
        PATHWISE_MAX_BODY_BYTES="1000",
    ) as live:
        assert only_error(graphql(live.base, "{ a: curricula { id } b: curricula { id } c: curricula { id } }")) == (
            "3 aliases found. Allowed: 2"
        )
        assert graphql(live.base, "{ a: curricula { id } }", {"pad": "x" * 2000}).status == 413
        costly = graphql(live.base, "{ concepts(first: 50) { edges { node { id } } } }").json()["errors"][0]
        assert costly["extensions"] == {"code": "QUERY_TOO_COSTLY", "cost": 151, "maxCost": 100}
        still_answers(live)


def test_graphiql_introspection_fits_the_limits(kg: KnowledgeGraph) -> None:
    """The limits sit above what GraphiQL sends: its full introspection query passes in development."""
    query = get_introspection_query(descriptions=True, specified_by_url=True, input_value_deprecation=True)
    context = Context(kg=kg, loaders=build_loaders(kg))
    result = asyncio.run(build_schema(development=True).execute(query, context_value=context))
    assert result.errors is None
    assert result.data is not None
    assert len(result.data["__schema"]["types"]) > 20
