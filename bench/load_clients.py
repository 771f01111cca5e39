"""The load itself: keep-alive clients in a closed loop, each reply judged good or not.

Kept apart from the server and the mix so the same clients drive ``bench.load`` in the
foreground and ``bench.switch`` and ``bench.forget`` in the background (``BackgroundLoad``).
"""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
from collections.abc import Callable
from datetime import datetime

from bench.load_mix import Mix
from bench.load_tally import Tally

__all__ = ["BackgroundLoad", "run_clients"]


def _problem(op: str, status: int, payload: bytes, sent: int) -> str | None:
    """Why a reply is an error, or ``None`` for a good one."""
    if status != 200:
        return f"HTTP {status}: {payload[:200]!r}"
    try:
        body = json.loads(payload)
    except ValueError:
        return f"not JSON: {payload[:200]!r}"
    if body.get("errors"):
        return f"errors: {json.dumps(body['errors'])[:300]}"
    data = body.get("data") or {}
    value = next(iter(data.values()), None) if data else None
    if isinstance(value, dict) and value.get("__typename") in ("AttemptsError", "PathError"):
        return f"{value['__typename']}: {value.get('code')} {value.get('message')}"
    if op == "recordAttempts" and isinstance(value, dict) and value.get("accepted") != sent:
        return f"accepted {value.get('accepted')} of {sent} (duplicates {value.get('duplicates')})"
    return None


class BackgroundLoad:
    """The demo's mixed load from ``clients`` keep-alive clients in a thread, while a bench does something else.

    ``finish()`` stops the clients and returns what they saw; leaving the ``with``
    block stops them too (after an error).
    """

    def __init__(self, port: int, token: str, clients: int) -> None:
        self._stop = threading.Event()
        self._tally: list[Tally] = []
        self._thread = threading.Thread(
            target=lambda: self._tally.append(
                run_clients(port, Mix.demo(), clients=clients, seconds=3600, token=token, stop=self._stop)
            )
        )

    def __enter__(self) -> BackgroundLoad:
        self._thread.start()
        return self

    def finish(self) -> Tally:
        self._stop.set()
        self._thread.join()
        return self._tally[0]

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run_clients(
    port: int,
    mix: Mix,
    *,
    clients: int,
    seconds: float,
    token: str,
    seed: int = 0,
    stop: threading.Event | None = None,
    on_request: Callable[[], None] | None = None,
) -> Tally:
    """``clients`` keep-alive clients in a closed loop for ``seconds`` (or until ``stop`` is set).

    A request that gets no reply (the connection failed) counts as an error and its
    attempts are in doubt; the client then stops, so a killed server ends the run.
    """
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    stopping = stop or threading.Event()
    total = Tally()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(index: int) -> None:
        rng = random.Random(seed * 1000 + index)
        mine = Tally()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        seq = 0
        try:
            while time.monotonic() < deadline and not stopping.is_set():
                op, body, batch = mix.request(rng, index, seq)
                seq += len(batch)
                stamps = {datetime.fromisoformat(a["timestamp"]) for a in batch}  # as sent
                mine.sent += len(batch)
                start = time.perf_counter()
                try:
                    conn.request("POST", "/graphql", json.dumps(body), headers)
                    response = conn.getresponse()
                    payload = response.read()
                except (OSError, http.client.HTTPException) as error:
                    mine.errors[f"{op}: no reply"] += 1
                    mine.samples.append(f"{op}: no reply: {error!r}")
                    mine.in_doubt |= stamps
                    if stamps:
                        mine.batches_in_doubt.append(frozenset(stamps))
                    break
                elapsed = time.perf_counter() - start
                problem = _problem(op, response.status, payload, len(batch))
                if problem is None:
                    mine.latencies[op].append(elapsed)
                    mine.finished[op].append(time.monotonic())
                    mine.acknowledged |= stamps
                else:
                    mine.errors[op] += 1
                    mine.samples.append(f"{op}: {problem}")
                if on_request is not None:
                    on_request()
        finally:
            conn.close()
            with lock:
                total.merge(mine)

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    total.seconds = time.monotonic() - began
    total.began = began
    return total
