"""GraphQL over HTTP: a client asking for ``application/graphql-response+json`` reads a refused request from its status.

A document that did not parse was answered 200 with ``data: null`` whatever the client
accepted, so a client following the GraphQL over HTTP specification took it for a
result; and a body sent as ``application/graphql`` was refused as "Unsupported content
type", naming neither the type sent nor the one to send.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from starlette.testclient import TestClient

WANTS = {"Accept": "application/graphql-response+json, application/json;q=0.9"}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    from server import create_app
    from settings import load_settings

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PATHWISE_DATA_DIR", str(tmp_path_factory.mktemp("data")))
        settings = replace(load_settings(env_file=None), qa=False, mastery=False)
    with TestClient(create_app(settings)) as started:
        yield started


@pytest.mark.parametrize(
    ("query", "variables", "code"),
    [
        ("{ concepts { ", None, "GRAPHQL_PARSE_FAILED"),
        ("{ noSuchField }", None, "GRAPHQL_VALIDATION_FAILED"),
        ("query($n: Int) { concepts(first: $n) { totalCount } }", {"n": "ten"}, "BAD_USER_INPUT"),
    ],
)
def test_a_refused_request_is_a_400_without_data(client: TestClient, query: str, variables: object, code: str) -> None:
    answer = client.post("/graphql", json={"query": query, "variables": variables}, headers=WANTS)
    assert answer.status_code == 400
    assert answer.headers["content-type"] == "application/graphql-response+json; charset=utf-8"
    body = answer.json()
    assert "data" not in body
    assert [error["extensions"]["code"] for error in body["errors"]] == [code]


def test_a_result_is_a_200_in_the_media_type_asked_for(client: TestClient) -> None:
    answer = client.post("/graphql", json={"query": "{ concepts(first: 1) { totalCount } }"}, headers=WANTS)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/graphql-response+json; charset=utf-8"
    assert answer.json()["data"]["concepts"]["totalCount"] == 71


@pytest.mark.parametrize(
    "accept", [None, "application/json", "*/*", "application/json, application/graphql-response+json;q=0.5"]
)
def test_a_client_of_plain_json_still_gets_a_200_with_null_data(client: TestClient, accept: str | None) -> None:
    headers = {"Accept": accept} if accept else {}
    answer = client.post("/graphql", json={"query": "{ concepts { "}, headers=headers)
    assert (answer.status_code, answer.headers["content-type"]) == (200, "application/json")
    assert answer.json()["data"] is None


def test_a_body_of_another_type_is_told_what_to_send(client: TestClient) -> None:
    answer = client.post("/graphql", content="{ __typename }", headers={"Content-Type": "application/graphql"})
    assert answer.status_code == 400
    [error] = answer.json()["errors"]
    assert error["message"].startswith("Unsupported content type (application/graphql): send a JSON object")
    assert error["extensions"]["code"] == "BAD_REQUEST"


def test_a_mutation_sent_with_get_is_a_405_naming_post(client: TestClient) -> None:
    # GraphQL over HTTP asks for 405 (the method is at fault); it was a 400 like a malformed request
    answer = client.get("/graphql", params={"query": 'mutation { deleteConcept(id: "x") { __typename } }'})
    assert (answer.status_code, answer.headers["allow"]) == (405, "POST")
    assert answer.json()["errors"][0]["message"] == "A mutation is sent with POST (GET is for queries)"
