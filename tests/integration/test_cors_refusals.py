"""A browser preflight that is refused says why, in GraphQL's JSON error shape: which origin, method or header,
and the setting that allows it; with CORS off, that CORS is off.

A frontend developer saw "Disallowed CORS headers" in plain text, or, with no
``PATHWISE_CORS_ORIGINS``, a 405 saying only that OPTIONS is not allowed here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from starlette.testclient import TestClient

APP = "https://app.example.org"


@pytest.fixture
def client_with(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    from server import create_app
    from settings import load_settings

    clients: list[TestClient] = []

    def make(**env: str) -> TestClient:
        monkeypatch.setenv("PATHWISE_DATA_DIR", str(tmp_path / f"data{len(clients)}"))
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        settings = replace(load_settings(env_file=None), qa=False, mastery=False)
        client = TestClient(create_app(settings))
        clients.append(client.__enter__())
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


def preflight(client: TestClient, origin: str = APP, method: str = "POST", headers: str = "") -> object:
    sent = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers:
        sent["Access-Control-Request-Headers"] = headers
    return client.options("/graphql", headers=sent)


def test_a_refused_preflight_names_what_and_the_setting(client_with) -> None:  # type: ignore[no-untyped-def]
    client = client_with(PATHWISE_CORS_ORIGINS=APP)
    ok = preflight(client, headers="authorization, content-type")
    assert ok.status_code == 200
    header = preflight(client, headers="authorization, sentry-trace")
    assert header.status_code == 400
    assert header.json()["errors"][0] == {
        "message": "the browser's preflight was refused: the header(s) sentry-trace are not allowed: add them to "
        "PATHWISE_CORS_HEADERS",
        "extensions": {"code": "BAD_REQUEST"},
    }
    assert header.headers["access-control-allow-origin"] == APP, "the browser still reads the allowed origin"
    stranger = preflight(client, origin="https://evil.example", method="PUT")
    assert stranger.json()["errors"][0]["message"] == (
        "the browser's preflight was refused: the origin 'https://evil.example' is not one of PATHWISE_CORS_ORIGINS; "
        "the method PUT is not allowed (only GET, POST)"
    )
    assert "access-control-allow-origin" not in stranger.headers


def test_with_cors_off_a_preflight_is_told_so(client_with) -> None:  # type: ignore[no-untyped-def]
    client = client_with()
    answer = preflight(client, headers="authorization")
    assert answer.status_code == 405
    assert answer.json()["errors"][0]["message"] == (
        f"cross-origin requests are off, so a browser app on {APP} cannot call this API: set PATHWISE_CORS_ORIGINS "
        "to its origin"
    )
    assert set(answer.headers["allow"].split(", ")) == {"GET", "POST"}
    # any other OPTIONS is the plain 405 it was
    other = client.options("/graphql")
    assert other.json()["errors"][0]["message"].startswith("OPTIONS is not allowed here: use ")
