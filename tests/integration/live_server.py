"""A real ``pathwise serve`` (uvicorn) on loopback for tests that go through HTTP, and a small client."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.http_load import free_port, wait_for

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Live:
    """A running server: its base URL and its log file."""

    base: str
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@contextmanager
def serving(data_dir: Path, **env: str) -> Iterator[Live]:
    """``python -m cli serve`` with these settings; stopped (SIGINT) on exit."""
    port = free_port()
    environ = {**os.environ, "PATHWISE_DATA_DIR": str(data_dir), "PATHWISE_PORT": str(port), **env}
    log_path = data_dir.parent / f"server-{port}.log"
    log = log_path.open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "cli", "serve"], cwd=ROOT, env=environ, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/healthz", 120)
        yield Live(base, log_path)
        assert proc.poll() is None, "the server died"
    finally:
        try:
            stop(proc, log_path)
        finally:  # left open, the log was reported against whichever test ran next on the worker
            log.close()


STOP_SECONDS = 60
"""How long a stopped server may take to exit (a loaded 2-core machine has needed over 30 s)."""


def stop(proc: subprocess.Popen[bytes], log_path: Path) -> None:
    """SIGINT, as Ctrl-C; a server still running after ``STOP_SECONDS`` is killed, failing the test with its log."""
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(STOP_SECONDS)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        tail = log_path.read_text(errors="replace")[-2000:]
        raise AssertionError(
            f"the server did not stop within {STOP_SECONDS} s of SIGINT; its log ends:\n{tail}"
        ) from None


def call(
    base: str,
    path: str = "/graphql",
    body: bytes | Iterable[bytes] | None = None,
    headers: dict[str, str] | None = None,
    method: str = "POST",
) -> Reply:
    """One HTTP request on a fresh connection; any status comes back as a ``Reply``."""
    url = urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=60)
    try:
        chunked = body is not None and not isinstance(body, bytes)
        connection.request(method, path, body=body, headers=headers or {}, encode_chunked=chunked)
        response = connection.getresponse()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()


def graphql(base: str, query: str, variables: dict[str, Any] | None = None, token: str | None = None) -> Reply:
    """POST a GraphQL document, with a bearer token when given."""
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return call(base, body=json.dumps({"query": query, "variables": variables or {}}).encode(), headers=headers)
