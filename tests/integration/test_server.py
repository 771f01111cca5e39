"""The real service: a uvicorn process on loopback over an on-disk Oxigraph store.

First start loads the demo curriculum; a second start over the same data folder
reuses it (nothing reloaded, nothing duplicated); bad requests get clear errors and
the service keeps serving.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from auth.principal import Role
from auth.tokens import mint
from bench.http_load import free_port, wait_for
from tests.integration.live_server import stop

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def serving(data_dir: Path, **env: str) -> Iterator[str]:
    port = free_port()
    environ = {**os.environ, "PATHWISE_DATA_DIR": str(data_dir), "PATHWISE_PORT": str(port), **env}
    log_path = data_dir.parent / f"server-{port}.log"
    log = log_path.open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "cli", "serve"], cwd=ROOT, env=environ, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/healthz", 120)
        yield base
    finally:
        try:
            stop(proc, log_path)
        finally:
            log.close()


def post(base: str, query: str, variables: dict[str, Any] | None = None, token: str | None = None) -> dict[str, Any]:
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {token}"} if token else {})
    request = urllib.request.Request(f"{base}/graphql", body, headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        result: dict[str, Any] = json.loads(response.read())
        return result


def get_json(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=10) as response:
        result: dict[str, Any] = json.loads(response.read())
        return result


COUNTS = "{ concepts(first: 1) { totalCount } materials(first: 1) { totalCount } curricula { id } }"


class TestServer:
    def test_demo_loads_once_and_is_served(self, tmp_path: Path) -> None:
        with serving(tmp_path / "data") as base:
            health = get_json(f"{base}/healthz")
            assert health["status"] == "ok"
            assert health["store"] == "oxigraph"
            deadline = time.monotonic() + 180
            while True:  # ready once the question index is built: 503 "starting" until then
                try:
                    ready = get_json(f"{base}/readyz")
                    break
                except urllib.error.HTTPError as waiting:
                    seen = (waiting.code, json.loads(waiting.read()))
                    waiting.close()
                assert (seen[0], seen[1]["status"], seen[1]["waiting_for"]) == (503, "starting", ["qa_index"])
                assert time.monotonic() < deadline, "the question index was never built"
                time.sleep(1)
            assert (ready["status"], ready["waiting_for"]) == ("ok", [])
            first = post(base, COUNTS)["data"]
            assert first["concepts"]["totalCount"] >= 60
            assert first["materials"]["totalCount"] >= 150
            assert first["curricula"] == [{"id": "algebra"}]
            path = post(
                base,
                '{ concept(id: "quadratic_formula") { prerequisites(transitive: true) { id } materials { type } } }',
            )["data"]["concept"]
            assert len(path["prerequisites"]) >= 8
            assert {m["type"] for m in path["materials"]} >= {"EXPLANATION", "EXERCISE"}

            cycle = post(
                base,
                """mutation { addPrerequisite(conceptId: "integer_addition", prerequisiteId: "quadratic_formula") {
                     ... on CurriculumError { code cycle } } }""",
            )["data"]["addPrerequisite"]
            assert cycle["code"] == "CYCLE"
            assert cycle["cycle"][:2] == ["integer_addition", "quadratic_formula"]
            broken = post(base, "{ concepts(first: 1) { nope } }")
            assert "Cannot query field 'nope'" in broken["errors"][0]["message"]
            assert get_json(f"{base}/healthz")["revision"] == health["revision"]

        with serving(tmp_path / "data") as base:
            again = get_json(f"{base}/healthz")
            assert again["revision"] == health["revision"]
            assert post(base, COUNTS)["data"] == first
        # every line dated in UTC (README): the banner and the models' loading bar were not (an audit)
        lines = [line for log in sorted(tmp_path.glob("server-*.log")) for line in log.read_text().splitlines()]
        undated = [line for line in lines if not re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ [A-Z]+ \S+: ", line)]
        assert (len(lines) > 20, undated) == (True, [])
        assert any(" INFO pathwise: Pathwise on http://127.0.0.1:" in line for line in lines)

    def test_graphiql_in_development_only(self, tmp_path: Path) -> None:
        with serving(tmp_path / "dev", PATHWISE_LOAD_DEMO="false") as base:
            request = urllib.request.Request(f"{base}/graphql", headers={"Accept": "text/html"})
            with urllib.request.urlopen(request, timeout=10) as response:
                assert "graphiql" in response.read().decode().lower()
        secret = "p" * 40  # production needs a token key (docs/access-control.md)
        with serving(
            tmp_path / "prod",
            PATHWISE_LOAD_DEMO="false",
            PATHWISE_ENV="production",
            PATHWISE_JWT_SECRET=secret,
            PATHWISE_PSEUDONYM_SECRET="s" * 40,
        ) as base:
            token = mint(role=Role.DESIGNER, sub="d1", secret=secret)
            request = urllib.request.Request(
                f"{base}/graphql", headers={"Accept": "text/html", "Authorization": f"Bearer {token}"}
            )
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(request, timeout=10)
            refused.value.close()
            assert refused.value.code in {400, 404}
            assert post(base, "{ curricula { id } }", token=token) == {"data": {"curricula": []}}
