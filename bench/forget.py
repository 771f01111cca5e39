"""``python -m bench.forget``: how the service records attempts while students are forgotten.

``forgetStudent`` deletes a student's triples, then rewrites the embedded store so the
deleted strings leave its files (seconds per million triples). The bench loads the
demo with ``--students`` simulated students into a fresh store (production settings,
one uvicorn worker), starts ``--clients`` keep-alive clients on the mixed load of
``bench.load``, and after ``--warmup`` seconds forgets one student over HTTP, then
``--together`` more at once. Printed: how long each took; the ``recordAttempts``
requests that finished while the forgets ran, with their p50/p95/max, against the
seconds before; the longest write that overlapped a forget; and whether every
acknowledged attempt is in the store afterwards. Compared with the baseline it names:
the same run at commit 9aa68fb, where writes waited for the whole rewrite and each
forget rewrote the store on its own. Last, ``--batch`` students are forgotten in one
``forgetStudents`` call (one rewrite), timed against the single forget of the same run.
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import tempfile
import threading
import time
from datetime import UTC
from pathlib import Path

from bench.__main__ import bench_token
from bench.load import PSEUDONYM_SECRET, BackgroundLoad, count_stored, describe, print_errors, start_server

#: The same run at commit 9aa68fb (writes held for the whole rewrite), 2 cores,
#: 2026-11-29, defaults (2,000 students, 4 clients, 1 forget then 4 together).
BASELINE_COMMIT = "9aa68fb"
BASELINE = {
    "one forget s": 7.4,
    "four together s": 29.4,
    "writes/s during": 0.3,
    "longest write ms": 14654.0,
}

FORGET = """mutation($s: ID!) { forgetStudent(id: $s) {
  __typename ... on ForgottenStudent { attempts triples } ... on StudentDataError { code message } } }"""
FORGET_MANY = """mutation($ids: [ID!]!) { forgetStudents(ids: $ids) {
  __typename ... on StudentDataError { code message } } }"""


def prepare(data: Path, students: int) -> tuple[int, list[str]]:
    """The demo with ``students`` simulated students under the server's keys: attempts stored, the keys."""
    from demo.load import MODEL_DIR, load_demo
    from graph.attempts import list_students
    from graph.pseudonyms import Pseudonymizer
    from graph.repository import KnowledgeGraph
    from graph.store import open_store
    from ml.mastery.serving import MasteryService
    from ml.mastery.versions import ModelVersions

    kg = KnowledgeGraph(open_store(f"oxigraph:{data / 'store'}"))
    mastery = MasteryService(ModelVersions(data / "models" / "mastery"), fallback=MODEL_DIR)
    pseudonyms = Pseudonymizer(PSEUDONYM_SECRET.encode())
    loaded = load_demo(kg, students=students, estimate=mastery.predictor.update, pseudonyms=pseudonyms)
    keys = list_students(kg)
    kg.store.close()
    return loaded.attempts, keys


def forget(port: int, token: str, student: str | list[str]) -> tuple[float, float, str]:
    """Forget one student (or a list, in one ``forgetStudents``) over HTTP: began and ended (monotonic), the reply."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1800)
    many = isinstance(student, list)
    body = json.dumps(
        {"query": FORGET_MANY, "variables": {"ids": student}}
        if many
        else {"query": FORGET, "variables": {"s": student}}
    )
    began = time.monotonic()
    conn.request("POST", "/graphql", body, {"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    reply = json.loads(conn.getresponse().read())
    ended = time.monotonic()
    conn.close()
    data = (reply.get("data") or {}).get("forgetStudents" if many else "forgetStudent")
    return began, ended, json.dumps(data or reply.get("errors"))


def forget_together(port: int, token: str, students: list[str]) -> tuple[float, float, list[str]]:
    """Forget several students at once, one request each: the span from the first sent to the last answered."""
    results: list[tuple[float, float, str]] = []
    threads = [threading.Thread(target=lambda s=s: results.append(forget(port, token, s))) for s in students]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return min(r[0] for r in results), max(r[1] for r in results), [r[2] for r in results]


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.forget", description=__doc__.splitlines()[0] if __doc__ else None
    )
    parser.add_argument("--students", type=int, default=2000, help="simulated students in the store")
    parser.add_argument("--clients", type=int, default=4, help="concurrent keep-alive clients")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds of load before the first forget")
    parser.add_argument("--together", type=int, default=4, help="students forgotten at once after the first")
    parser.add_argument("--batch", type=int, default=20, help="students forgotten in one forgetStudents call, last")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pathwise-forget-") as tmp:
        data = Path(tmp) / "data"
        began = time.monotonic()
        attempts, keys = prepare(data, args.students)
        print(f"store: {args.students:,} students, {attempts:,} attempts ({time.monotonic() - began:.0f} s to load)")
        server = start_server(data, PATHWISE_LOAD_DEMO="false")
        token = bench_token()
        try:
            with BackgroundLoad(server.port, token, args.clients) as load:
                time.sleep(args.warmup)
                one_start, one_end, one_reply = forget(server.port, token, keys[0])
                time.sleep(2.0)
                many_start, many_end, many_replies = forget_together(server.port, token, keys[1 : 1 + args.together])
                time.sleep(2.0)
                batch = keys[1 + args.together : 1 + args.together + args.batch]
                batch_start, batch_end, batch_reply = forget(server.port, token, batch)
                time.sleep(2.0)
                tally = load.finish()
        finally:
            status = server.stop()
        stored = count_stored(f"oxigraph:{data / 'store'}")
        rel = tally.began
        one, many = (one_start - rel, one_end - rel), (many_start - rel, many_end - rel)
        print(f"one forget: {one[1] - one[0]:.1f} s, reply {one_reply}")
        print(f"{args.together} together: {many[1] - many[0]:.1f} s, replies {sorted(set(many_replies))}")
        batch_types = (
            sorted(set(r["__typename"] for r in json.loads(batch_reply))) if batch_reply[0] == "[" else batch_reply
        )
        print(
            f"{len(batch)} in one forgetStudents: {batch_end - batch_start:.1f} s "
            f"({(batch_end - batch_start) / (one[1] - one[0]):.2f}x one forget), replies {batch_types}"
        )
        print(f"server stopped with status {status}")
        before = tally.window("recordAttempts", 1.0, one[0])
        during = tally.window("recordAttempts", one[0], one[1]) + tally.window("recordAttempts", many[0], many[1])
        forgetting = (one[1] - one[0]) + (many[1] - many[0])
        print(f"before the forgets  {describe(before, one[0] - 1.0, 'writes')}")
        print(f"during the forgets  {describe(during, forgetting, 'writes')}")
        overlapping = tally.window("recordAttempts", one[0], one[1] + 2.0) + tally.window(
            "recordAttempts", many[0], many[1] + 2.0
        )  # a write held up by a forget ends just after it
        longest = max(overlapping, default=0.0) * 1000
        print(f"longest write overlapping a forget: {longest:.0f} ms")
        acknowledged = {s.astimezone(UTC) for s in tally.acknowledged}
        missing = acknowledged - {s.astimezone(UTC) for s in stored.api_stamps}
        print(f"attempts acknowledged {len(acknowledged)}, missing from the store afterwards {len(missing)}")
        errors = print_errors(tally, server) + len(missing)
        rate = len(during) / forgetting
        print(
            f"against the baseline ({BASELINE_COMMIT}: one forget {BASELINE['one forget s']:.1f} s, four together "
            f"{BASELINE['four together s']:.1f} s, {BASELINE['writes/s during']:.1f} writes/s during them, longest "
            f"write {BASELINE['longest write ms']:.0f} ms): {rate / BASELINE['writes/s during']:.0f}x the writes/s, "
            f"{longest / BASELINE['longest write ms']:.3f}x the longest write, one forget "
            f"{(one[1] - one[0]) / BASELINE['one forget s']:.2f}x, {args.together} together "
            f"{(many[1] - many[0]) / BASELINE['four together s']:.2f}x"
        )
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
