"""Kill -9 the server under concurrent write load: it restarts cleanly and holds every acknowledged attempt.

A short version of ``python -m bench.load``: several keep-alive clients mixing
``recordAttempts`` (mostly) with path and mastery queries against one production
server on the demo curriculum. Once enough writes are acknowledged the server gets
SIGKILL; the clients see their connections fail. Attempts acknowledged before that
must all be stored after a restart; attempts in flight at the kill may or may not be,
but never half, and nothing is stored that was not sent.
"""

from __future__ import annotations

import signal
import threading
from datetime import UTC
from pathlib import Path

from bench.__main__ import bench_token
from bench.load import Mix, Server, Tally, count_stored, run_clients, start_server
from tests.integration.live_server import graphql

CLIENTS = 6
REPLIES_BEFORE_KILL = 150  # good replies before the kill: ~2-3 s of load on a busy 2-core machine


def load_then_kill(server: Server, mix: Mix, token: str) -> Tally:
    """Run the clients until ``REPLIES_BEFORE_KILL`` replies have come back, then SIGKILL the server."""
    replies = 0
    enough = threading.Event()
    lock = threading.Lock()

    def counted() -> None:
        nonlocal replies
        with lock:
            replies += 1
            if replies >= REPLIES_BEFORE_KILL:
                enough.set()

    result: list[Tally] = []
    clients = threading.Thread(
        target=lambda: result.append(
            run_clients(server.port, mix, clients=CLIENTS, seconds=60, token=token, seed=7, on_request=counted)
        )
    )
    clients.start()
    try:
        assert enough.wait(60), "the load never got going"
        assert server.process.poll() is None, "the server died before the kill"
    finally:
        status = server.kill()
        clients.join(120)
    assert status == -signal.SIGKILL
    assert not clients.is_alive()
    assert result
    return result[0]


def test_kill_9_under_write_load_keeps_every_acknowledged_attempt(tmp_path: Path) -> None:
    data = tmp_path / "data"
    mix = Mix.demo(students=24, prefix="fault-student")
    mix = Mix(mix.students, mix.concepts, mix.exercises, weights=(70, 10, 10, 10))
    token = bench_token()

    after = mix.stamp()  # the attempt recorded after the restart; no client sends this timestamp

    server = start_server(data)
    tally = load_then_kill(server, mix, token)
    assert server.log_errors() == [], server.log.read_text(errors="replace")
    # Every request answered before the kill was answered well; each client's last one got no reply.
    assert set(tally.errors) <= {
        f"{op}: no reply" for op in ("recordAttempts", "learningPath", "nextMaterials", "mastery")
    }
    assert tally.error_count <= CLIENTS
    assert len(tally.acknowledged) >= REPLIES_BEFORE_KILL // 2

    restarted = start_server(data, wait=120)
    try:
        counts = graphql(restarted.base, "{ concepts(first: 1) { totalCount } }", token=token).json()
        assert counts["data"]["concepts"]["totalCount"] == 71  # the demo was not loaded again
        # The restarted server reads and writes.
        student = mix.students[0]
        record = graphql(
            restarted.base,
            "mutation($a: [AttemptInput!]!) { recordAttempts(attempts: $a) { ... on RecordedAttempts { accepted } } }",
            {
                "a": [
                    {
                        "studentId": student,
                        "conceptIds": [mix.concepts[0]],
                        "correct": True,
                        "timestamp": after.isoformat(),
                    }
                ]
            },
            token=token,
        ).json()
        assert record["data"]["recordAttempts"] == {"accepted": 1}
        mastery = graphql(
            restarted.base,
            "query($s: ID!) { student(id: $s) { mastery { probability } } }",
            {"s": student},
            token=token,
        ).json()
        assert mastery["data"]["student"]["mastery"]
    finally:
        status = restarted.stop()
    assert status == 0
    assert restarted.log_errors() == [], restarted.log.read_text(errors="replace")

    stored = count_stored(restarted.store)
    stamps = [s.astimezone(UTC) for s in stored.api_stamps]
    acknowledged = {s.astimezone(UTC) for s in tally.acknowledged}
    in_doubt = {s.astimezone(UTC) for s in tally.in_doubt}
    assert len(stamps) == len(set(stamps)), "an attempt was stored twice"
    assert acknowledged | {after} <= set(stamps), f"{len(acknowledged - set(stamps))} acknowledged attempts lost"
    assert set(stamps) <= acknowledged | in_doubt | {after}, "stored attempts nobody sent"
    for batch in tally.batches_in_doubt:  # recordAttempts is all or nothing, across a kill too
        kept = {s.astimezone(UTC) for s in batch} & set(stamps)
        assert len(kept) in (0, len(batch)), f"{len(kept)} of a batch of {len(batch)} stored"
    assert stored.partial == [], "half-written attempts"
    assert stored.orphans == []
    assert stored.doubled_estimates == []
    assert stored.unestimated == 0, "attempts stored without the estimates they moved"
