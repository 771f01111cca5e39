"""A small closed-loop HTTP load generator: N keep-alive clients for T seconds."""

from __future__ import annotations

import http.client
import json
import random
import socket
import subprocess
import threading
import time
import urllib.request
from dataclasses import dataclass

__all__ = ["LoadResult", "free_port", "run_load", "wait_for"]


def free_port() -> int:
    """A TCP port free on loopback right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, seconds: float = 30.0, process: subprocess.Popen[bytes] | None = None) -> None:
    """Poll ``url`` until it answers; raise ``TimeoutError`` after ``seconds``.

    With the server's ``process``, its exit is a ``RuntimeError`` at once: a server that
    refused to start was polled for the whole five minutes.
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode} before {url} answered (its log is above)")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(url)


@dataclass(frozen=True)
class LoadResult:
    """Latencies (seconds) of successful requests, errors, and wall time."""

    latencies: list[float]
    errors: int
    seconds: float

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def run_load(
    port: int,
    query: str,
    ids: list[str],
    *,
    clients: int,
    seconds: float,
    seed: int = 0,
    token: str | None = None,
) -> LoadResult:
    """POST ``query`` with a random ``$id`` from ``ids`` in a loop from each client (with a bearer token)."""
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(index: int) -> None:
        nonlocal errors
        rng = random.Random(seed + index)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        failed = 0
        while time.monotonic() < stop:
            body = json.dumps({"query": query, "variables": {"id": rng.choice(ids)}})
            start = time.perf_counter()
            conn.request("POST", "/graphql", body, headers)
            response = conn.getresponse()
            payload = response.read()
            elapsed = time.perf_counter() - start
            if response.status == 200 and b'"errors"' not in payload:
                mine.append(elapsed)
            else:
                failed += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            errors += failed

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return LoadResult(latencies, errors, time.monotonic() - began)
