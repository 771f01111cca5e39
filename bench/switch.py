"""``python -m bench.switch``: how the service answers while it switches mastery models.

A switch (``useMasteryModel``) replays every stored attempt into the new model and
rewrites every stored estimate. The bench loads the demo curriculum with
``--students`` simulated students into a fresh embedded store (production settings,
one uvicorn worker), starts ``--clients`` keep-alive clients on the mixed load of
``bench.load``, and after ``--warmup`` seconds switches to a copy of the shipped model
over HTTP. Printed: how long the switch took; how many requests finished while it
ran, with their p50/p95/max, against the seconds before it; and the longest request
that overlapped it (one held up by the switch finishes just after it). Compared with
the baseline it names: the same run at commit 097a10a, where the switch replayed on
the event loop and every request waited for it.
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import tempfile
import time
from pathlib import Path

from bench.__main__ import bench_token
from bench.load import OPERATIONS, BackgroundLoad, Tally, describe, print_errors, start_server

#: The same run at commit 097a10a (the switch replayed on the event loop: 9 requests
#: finished during it, those in flight when it began), 2 cores, 2026-11-29, defaults
#: (2,000 students, 74,768 attempts, 4 clients).
BASELINE = {"commit": "097a10a", "switch s": 32.0, "requests/s during": 0.3, "longest ms": 31964.0}

COPY = "20990101-000000-copy"
SWITCH = "mutation($v: String!) { useMasteryModel(version: $v) { __typename ... on AttemptsError { code message } } }"


def prepare(data: Path, students: int) -> int:
    """The demo with ``students`` simulated students and their estimates, and a second model version."""
    from demo.load import MODEL_DIR, load_demo
    from graph.repository import KnowledgeGraph
    from graph.store import open_store
    from ml.mastery.serving import MasteryService
    from ml.mastery.versions import ModelVersions

    kg = KnowledgeGraph(open_store(f"oxigraph:{data / 'store'}"))
    mastery = MasteryService(ModelVersions(data / "models" / "mastery"), fallback=MODEL_DIR)
    loaded = load_demo(kg, students=students, estimate=mastery.predictor.update)
    mastery.versions.install(MODEL_DIR, COPY)
    kg.store.close()
    return loaded.attempts


def switch(port: int, token: str) -> tuple[float, float, str]:
    """Switch to the copy over HTTP: when it began and ended (monotonic), and the reply's type."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1800)
    body = json.dumps({"query": SWITCH, "variables": {"v": COPY}})
    began = time.monotonic()
    conn.request("POST", "/graphql", body, {"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    reply = json.loads(conn.getresponse().read())
    ended = time.monotonic()
    conn.close()
    result = (reply.get("data") or {}).get("useMasteryModel") or reply.get("errors")
    return began, ended, json.dumps(result)


def latencies(tally: Tally, start: float, end: float) -> list[float]:
    return [v for op in OPERATIONS for v in tally.window(op, start, end)]


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.switch", description=__doc__.splitlines()[0] if __doc__ else None
    )
    parser.add_argument("--students", type=int, default=2000, help="simulated students in the store")
    parser.add_argument("--clients", type=int, default=4, help="concurrent keep-alive clients")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds of load before the switch")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pathwise-switch-") as tmp:
        data = Path(tmp) / "data"
        began = time.monotonic()
        attempts = prepare(data, args.students)
        print(f"store: {args.students:,} students, {attempts:,} attempts ({time.monotonic() - began:.0f} s to load)")
        server = start_server(data, PATHWISE_LOAD_DEMO="false")
        token = bench_token()
        try:
            with BackgroundLoad(server.port, token, args.clients) as load:
                time.sleep(args.warmup)
                start, end, reply = switch(server.port, token)
                time.sleep(2.0)
                tally = load.finish()
        finally:
            status = server.stop()
        t0, t1 = start - tally.began, end - tally.began
        during = latencies(tally, t0, t1)
        before = latencies(tally, 1.0, t0)
        print(f"switch: {t1 - t0:.1f} s, reply {reply}; server stopped with status {status}")
        print(f"before the switch  {describe(before, t0 - 1.0)}")
        print(f"during the switch  {describe(during, t1 - t0)}")
        overlapping = latencies(tally, t0, t1 + 2.0)  # a request held up by the switch ends just after it
        longest = max(overlapping, default=0.0) * 1000
        print(f"longest request overlapping the switch: {longest:.0f} ms")
        errors = print_errors(tally, server)
        rate = len(during) / (t1 - t0)
        print(
            f"against the baseline ({BASELINE['commit']}: {BASELINE['requests/s during']:.1f} requests/s during a "
            f"{BASELINE['switch s']:.1f} s switch, longest {BASELINE['longest ms']:.0f} ms): "
            f"{rate / BASELINE['requests/s during']:.0f}x the requests/s, "
            f"{longest / BASELINE['longest ms']:.3f}x the longest"
        )
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
