"""A shared SPARQL store that stops answering: typed refusals, a readiness probe that says so, recovery.

It came out as a plain-text HTTP 500 (the staleness check) or "Unexpected error." with no
code, while ``/healthz`` and ``/readyz`` stayed 200.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from bench.http_load import free_port, wait_for
from graph.errors import StoreUnreachable
from graph.repository import KnowledgeGraph
from graph.store import open_store
from tests.conftest import VENV_BIN, small_bundle


class Remote:
    """An ``oxigraph serve`` that can be stopped and started again on its port and folder."""

    def __init__(self, folder: Path) -> None:
        binary = shutil.which("oxigraph", path=str(VENV_BIN)) or shutil.which("oxigraph")
        if binary is None:
            pytest.skip("the oxigraph server binary is not installed (pip install oxigraph)")
        self.binary, self.folder, self.port = binary, folder, free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def spec(self) -> str:
        return f"sparql:{self.base}/query,{self.base}/update"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "serve", "--location", str(self.folder), "--bind", f"127.0.0.1:{self.port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for(f"{self.base}/query?query=ASK%7B%7D", 20)
        except TimeoutError:
            pytest.skip("oxigraph serve did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


@pytest.fixture
def remote(tmp_path: Path) -> Iterator[Remote]:
    server = Remote(tmp_path / "remote")
    server.start()
    yield server
    server.stop()


def test_a_store_that_does_not_answer_is_a_typed_error() -> None:
    store = open_store(f"sparql:http://127.0.0.1:{free_port()}/query")
    with pytest.raises(StoreUnreachable, match=r"did not answer \(.*\): nothing was read; try again shortly"):
        store.select("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    with pytest.raises(StoreUnreachable, match="nothing was written"):
        store.apply([], [])


def test_the_service_says_so_and_serves_again_when_it_answers(
    remote: Remote, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from server import create_app
    from settings import load_settings

    KnowledgeGraph(open_store(remote.spec)).import_bundle(small_bundle())
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PATHWISE_DATA_DIR", str(tmp_path / "data"))
        settings = load_settings(env_file=None)
    settings = replace(settings, store=remote.spec, qa=False, mastery=False, load_demo=False, stale_check_seconds=0)
    create = """mutation { createConcept(input: {id: "cube", label: "Cubics"}) {
      ... on Concept { id } ... on CurriculumError { code message } } }"""
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        assert client.get("/readyz").status_code == 200
        assert any("takes one writing Pathwise process" in r.message for r in caplog.records)  # said at start
        remote.stop()
        ready, live = client.get("/readyz"), client.get("/healthz")
        assert (ready.status_code, ready.json()["status"]) == (503, "unavailable")
        assert "did not answer" in ready.json()["store_error"]
        assert live.status_code == 200, "a restart cannot bring a remote store back: liveness stays"
        assert "store_error" in live.json()
        # what reads the store is refused, typed, a write too
        read = client.post("/graphql", json={"query": '{ concept(id: "quad") { label } }'})
        assert (read.status_code, read.json()["data"]) == (200, {"concept": None})
        [error] = read.json()["errors"]
        assert error["extensions"]["code"] == "UNAVAILABLE"
        assert "nothing was read; try again shortly" in error["message"]
        refused = client.post("/graphql", json={"query": create}).json()
        said = refused["data"]["createConcept"] if refused.get("data") else refused["errors"][0]
        code = said.get("code") or said.get("extensions", {}).get("code")
        assert code == "UNAVAILABLE"
        assert "nothing was written" in said["message"]
        remote.start()
        assert client.get("/readyz").status_code == 200
        made = client.post("/graphql", json={"query": create}).json()["data"]["createConcept"]
        assert made == {"id": "cube"}


def test_a_start_on_a_store_that_does_not_answer_says_so_in_one_line(tmp_path: Path) -> None:
    # it ended in a 93-line traceback and "Application startup failed"
    import os
    import sys

    root = Path(__file__).resolve().parents[2]
    url = f"http://127.0.0.1:{free_port()}"
    environ = {
        **os.environ,
        "PATHWISE_DATA_DIR": str(tmp_path / "data"),
        "PATHWISE_PORT": str(free_port()),
        "PATHWISE_STORE": f"sparql:{url}/query,{url}/update",
    }
    done = subprocess.run(
        [sys.executable, "-m", "cli", "serve"], cwd=root, env=environ, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1
    said = (done.stdout + done.stderr).strip().splitlines()
    assert said == [f"error [UNAVAILABLE]: the SPARQL store at {url}/query did not answer ([Errno 111] Connection "
                    "refused): nothing was read; try again shortly"]  # fmt: skip
