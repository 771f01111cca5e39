"""``/metrics`` on a real server: admins only, requests and operations counted, the service's state read."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from live_server import Live, call, graphql, serving
from prometheus_client.parser import text_string_to_metric_families

from auth.principal import Role
from auth.tokens import mint

SECRET = "metrics-secret-" + "m" * 30
QUIET = {"PATHWISE_LOAD_DEMO": "false", "PATHWISE_MASTERY": "false", "PATHWISE_PSEUDONYM_SECRET": "p" * 40}
ADMIN = mint(role=Role.ADMIN, sub="prometheus", secret=SECRET)
TEACHER = mint(role=Role.TEACHER, sub="t1", secret=SECRET)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    data = tmp_path_factory.mktemp("metrics") / "data"
    with serving(data, PATHWISE_ENV="production", PATHWISE_JWT_SECRET=SECRET, **QUIET) as server:
        yield server


def scrape(live: Live, token: str | None = ADMIN) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of an admin's scrape, by name and labels."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    reply = call(live.base, "/metrics", method="GET", headers=headers)
    assert reply.status == 200, reply.body[:300]
    assert reply.headers["content-type"].startswith("text/plain")
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(reply.body.decode())
        for s in family.samples
    }


def value(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_are_for_admins(live: Live) -> None:
    assert call(live.base, "/metrics", method="GET").status == 401
    refused = call(live.base, "/metrics", method="GET", headers={"Authorization": f"Bearer {TEACHER}"})
    assert refused.status == 403
    assert refused.json()["errors"] == [
        {"message": "metrics are for admins (a token with role admin)", "extensions": {"code": "FORBIDDEN"}}
    ]
    assert scrape(live)


def test_metrics_answer_get_alone(live: Live) -> None:
    # PUT, DELETE and a CORS preflight got the metrics, where /graphql and /healthz answer 405 (an audit).
    headers = {"Authorization": f"Bearer {ADMIN}"}
    for method in ("POST", "PUT", "DELETE", "OPTIONS"):
        refused = call(live.base, "/metrics", method=method, headers=headers)
        assert refused.status == 405, (method, refused.body[:200])
        assert b"http_requests" not in refused.body, method
        assert "GET" in refused.headers.get("allow", ""), method


def test_operations_are_counted_by_type_first_field_and_outcome(live: Live) -> None:
    ops = "pathwise_graphql_operations_total"
    before = scrape(live)
    for _ in range(2):
        assert graphql(live.base, "{ curricula { id } }", token=TEACHER).status == 200
    assert "errors" in graphql(live.base, "{ nosuchfield }", token=TEACHER).json()
    denied = graphql(live.base, "mutation { backupData { __typename } }", token=TEACHER).json()
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    after = scrape(live)

    def grew(**labels: str) -> float:
        return value(after, ops, **labels) - value(before, ops, **labels)

    assert grew(operation="query", field="curricula", outcome="ok") == 2
    assert grew(operation="-", field="-", outcome="rejected") == 1, "an invalid document's names are not labels"
    assert grew(operation="mutation", field="backupData", outcome="error") == 1
    seconds = "pathwise_graphql_operation_seconds_count"
    grown = value(after, seconds, operation="query", field="curricula") - value(
        before, seconds, operation="query", field="curricula"
    )
    assert grown == 2


def test_http_requests_are_counted_by_route_and_status(live: Live) -> None:
    before = scrape(live)
    assert call(live.base, "/nope", method="GET").status == 404
    assert call(live.base, "/no/such/path", method="GET").status == 404
    assert graphql(live.base, "{ curricula { id } }").status == 401  # no token, in production
    after = scrape(live)
    requests = "pathwise_http_requests_total"
    assert (
        value(after, requests, route="other", status="404") - value(before, requests, route="other", status="404") == 2
    )
    assert (
        value(after, requests, route="/graphql", status="401") - value(before, requests, route="/graphql", status="401")
        == 1
    )
    assert not [labels for name, labels in after if name == requests and ("route", "/nope") in labels]


def test_the_service_state_is_read_at_each_scrape(live: Live) -> None:
    first = scrape(live)
    assert value(first, "pathwise_store_rewrite_pending") == 0
    assert ("pathwise_store_revision", ()) in first
    if value(first, "pathwise_backups") == 0:  # the age alert fires for a service that never took a backup
        assert value(first, "pathwise_backup_newest_timestamp_seconds") == 0
    taken = graphql(live.base, "mutation { backupData { ... on Backup { path } } }", token=ADMIN).json()
    assert Path(taken["data"]["backupData"]["path"]).exists()
    after = scrape(live)
    assert value(after, "pathwise_backups") == value(first, "pathwise_backups") + 1
    newest = value(after, "pathwise_backup_newest_timestamp_seconds")
    assert abs(newest - time.time()) < 120, "the alert on an old backup reads this"
