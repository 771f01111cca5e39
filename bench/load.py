"""``python -m bench.load``: mixed read and write load against one server, then a count of what was stored.

A fresh data folder with the demo curriculum loaded by the server itself (production
mode, the shipped mastery model), one uvicorn worker on loopback, and ``--clients``
threads on keep-alive connections for ``--seconds``, each mixing ``learningPath``,
``nextMaterials``, ``student { mastery }`` and ``recordAttempts`` (a batch of 1-4
attempts, each with its own ``clientId``). Then the server is stopped, the store is
reopened, and the attempts it holds are counted against those acknowledged.

Every attempt sent carries a timestamp no other attempt has, so a stored attempt is
matched to the one sent by its timestamp alone: that holds whatever key the service
stores the student under. Printed: throughput, p50/p95 per operation and overall,
errors (with samples), acknowledged vs stored attempts, store consistency checks,
and any errors in the server's log.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.__main__ import BENCH_SECRET, bench_token
from bench.http_load import free_port, wait_for

__all__ = [
    "Mix",
    "Server",
    "StoreCount",
    "BackgroundLoad",
    "Tally",
    "count_stored",
    "describe",
    "print_errors",
    "run_clients",
    "start_server",
]

ROOT = Path(__file__).resolve().parents[1]

RECORD = """mutation($a: [AttemptInput!]!) { recordAttempts(attempts: $a) {
  __typename ... on RecordedAttempts { accepted duplicates mastery { concept { id } probability } }
  ... on AttemptsError { code message } } }"""
PATH = """query($s: ID!, $t: [ID!]!) { learningPath(studentId: $s, targets: $t) {
  __typename ... on LearningPath { totalMinutes steps { position mastery concept { id } materials { id } } }
  ... on PathError { code message } } }"""
NEXT = """query($s: ID!) { nextMaterials(studentId: $s, first: 5) {
  __typename ... on Recommendations { items { score material { id } concept { id } } }
  ... on PathError { code message } } }"""
MASTERY = """query($s: ID!) { student(id: $s) { mastery { concept { id } probability } } }"""

#: The servers of one run pseudonymize student ids with this key (a restart must use the same one).
PSEUDONYM_SECRET = secrets.token_urlsafe(32)

OPERATIONS = ("recordAttempts", "learningPath", "nextMaterials", "mastery")

#: The figures this benchmark is compared with: commit c9dd607 (before curriculum records
#: outlived unrelated writes and reads of mastery and next materials stopped waiting on
#: loaders), the defaults, the 2-core development machine, re-measured 2026-11-30: the
#: mean of two runs alternated with two of the current code. The same commit gave 267
#: req/s on 2026-11-29: the shared machine's speed drifts, so a ratio means most against
#: a baseline run beside it.
BASELINE = {"commit": "c9dd607", "req/s": 139.6, "p50 ms": 82.4, "p95 ms": 263.9}
WEIGHTS = (40, 25, 20, 15)


# --- the server ---------------------------------------------------------------------------------


@dataclass
class Server:
    """One uvicorn worker over ``data_dir`` in production mode, its output in ``log``."""

    data_dir: Path
    port: int
    log: Path
    process: subprocess.Popen[bytes]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def store(self) -> str:
        return f"oxigraph:{self.data_dir / 'store'}"

    def stop(self, timeout: float = 60) -> int:
        """SIGINT (a clean shutdown), SIGKILL after ``timeout``; the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                return self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
        return self.process.wait(30)

    def kill(self) -> int:
        """SIGKILL: no shutdown at all."""
        self.process.send_signal(signal.SIGKILL)
        return self.process.wait(30)

    def log_errors(self) -> list[str]:
        """Lines of the log at ERROR or above, and traceback lines."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        keep = ("ERROR", "CRITICAL", "Traceback", "Error:", "Exception")
        return [line for line in text.splitlines() if any(k in line for k in keep)]


def start_server(data_dir: Path, *, port: int | None = None, wait: float = 300, **settings: str) -> Server:
    """Serve ``data_dir`` (the demo loaded into an empty store) and wait for ``/healthz``."""
    port = port or free_port()
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "PATHWISE_DATA_DIR": str(data_dir),
        "PATHWISE_STORE": f"oxigraph:{data_dir / 'store'}",
        "PATHWISE_LOAD_DEMO": "true",
        "PATHWISE_ENV": "production",
        "PATHWISE_JWT_SECRET": BENCH_SECRET,
        "PATHWISE_PSEUDONYM_SECRET": PSEUDONYM_SECRET,
        "PATHWISE_QA": "false",
        **settings,
    }
    log = data_dir.parent / f"{data_dir.name}-server-{port}.log"
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "server:app", "--port", str(port)]
    cmd += ["--log-level", "warning", "--no-access-log"]
    with log.open("ab") as out:
        process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=out)
    server = Server(data_dir, port, log, process)
    try:
        deadline = time.monotonic() + wait
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited with {process.returncode}:\n{log.read_text(errors='replace')}")
            try:
                wait_for(f"{server.base}/healthz", 1.0)
                return server
            except TimeoutError:
                if time.monotonic() > deadline:
                    raise
    except BaseException:
        if process.poll() is None:
            process.kill()
            process.wait(30)
        raise


# --- the client mix -----------------------------------------------------------------------------


_STAMPS = threading.Lock()
_LAST_STAMP = [datetime.min.replace(tzinfo=UTC)]


@dataclass(frozen=True)
class Mix:
    """What the clients ask: students, concepts, exercises; unique attempt timestamps."""

    students: tuple[str, ...]
    concepts: tuple[str, ...]
    exercises: tuple[str, ...]
    weights: tuple[int, ...] = WEIGHTS

    @classmethod
    def demo(cls, students: int = 48, prefix: str = "load-student") -> Mix:
        from demo.load import CURRICULUM_DIR
        from ingest.csv_layout import read_curriculum_csv

        bundle = read_curriculum_csv(CURRICULUM_DIR)
        exercises = tuple(sorted(m.id for m in bundle.materials if m.type.value == "exercise" and m.concepts))
        return cls(
            students=tuple(f"{prefix}-{i}" for i in range(students)),
            concepts=tuple(sorted(c.id for c in bundle.concepts)),
            exercises=exercises,
        )

    def stamp(self) -> datetime:
        """The time an attempt is sent, as a real client dates it: no two attempts share one.

        Each client's attempts used to be dated 100 s after the previous client's, so a
        student's next attempt mostly came from a client with an earlier clock: the
        service took it for a backfill and replayed the student's whole history each
        time (105 req/s where now-dated attempts give several times that).
        """
        with _STAMPS:
            now = datetime.now(UTC)
            _LAST_STAMP[0] = max(now, _LAST_STAMP[0] + timedelta(microseconds=1))
            return _LAST_STAMP[0]

    def attempts(self, rng: random.Random, client: int, seq: int) -> list[dict[str, Any]]:
        """A batch of 1-4 attempts by one student, numbered from ``seq``."""
        student = rng.choice(self.students)
        batch = []
        for i in range(rng.randint(1, 4)):
            attempt: dict[str, Any] = {
                "studentId": student,
                "timestamp": self.stamp().isoformat(),
                "clientId": f"c{client}-{seq + i}",
            }
            if rng.random() < 0.7:
                attempt["materialId"] = rng.choice(self.exercises)
            else:
                attempt["conceptIds"] = [rng.choice(self.concepts)]
            if rng.random() < 0.8:
                attempt["correct"] = rng.random() < 0.6
            else:
                attempt["score"] = round(rng.random(), 3)
            batch.append(attempt)
        return batch

    def request(self, rng: random.Random, client: int, seq: int) -> tuple[str, dict[str, Any], list[dict[str, Any]]]:
        """An operation, its GraphQL body, and the attempts it sends."""
        op = rng.choices(OPERATIONS, weights=self.weights)[0]
        student = rng.choice(self.students)
        if op == "recordAttempts":
            batch = self.attempts(rng, client, seq)
            return op, {"query": RECORD, "variables": {"a": batch}}, batch
        if op == "learningPath":
            targets = rng.sample(self.concepts, rng.randint(1, 2))
            return op, {"query": PATH, "variables": {"s": student, "t": targets}}, []
        if op == "nextMaterials":
            return op, {"query": NEXT, "variables": {"s": student}}, []
        return op, {"query": MASTERY, "variables": {"s": student}}, []


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


@dataclass
class Tally:
    """What the clients saw: latencies per operation, errors, attempts acknowledged and in doubt."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: {op: [] for op in OPERATIONS})
    finished: dict[str, list[float]] = field(default_factory=lambda: {op: [] for op in OPERATIONS})  # monotonic
    errors: Counter[str] = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)
    acknowledged: set[datetime] = field(default_factory=set)
    in_doubt: set[datetime] = field(default_factory=set)
    batches_in_doubt: list[frozenset[datetime]] = field(default_factory=list)  # each all stored or none
    sent: int = 0
    seconds: float = 0.0
    began: float = 0.0

    def window(self, op: str, start: float, end: float) -> list[float]:
        """Latencies of ``op`` requests that finished between ``start`` and ``end`` seconds into the run."""
        return [v for v, t in zip(self.latencies[op], self.finished[op], strict=True) if start <= t - self.began < end]

    def merge(self, other: Tally) -> None:
        for op, values in other.latencies.items():
            self.latencies.setdefault(op, []).extend(values)
        for op, values in other.finished.items():
            self.finished.setdefault(op, []).extend(values)
        self.errors.update(other.errors)
        self.samples.extend(other.samples[: max(0, 10 - len(self.samples))])
        self.acknowledged |= other.acknowledged
        self.in_doubt |= other.in_doubt
        self.batches_in_doubt += other.batches_in_doubt
        self.sent += other.sent

    @property
    def requests(self) -> int:
        return sum(len(v) for v in self.latencies.values())

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def describe(values: list[float], seconds: float, what: str = "requests") -> str:
    """Count, rate, p50, p95 and max of the latencies of a time window, on one line."""
    if not values:
        return f"no {what} finished"
    return (
        f"{len(values):5d} {what} ({len(values) / seconds:6.1f}/s), p50 {_percentile(values, 0.5) * 1000:7.1f} ms, "
        f"p95 {_percentile(values, 0.95) * 1000:7.1f} ms, max {max(values) * 1000:8.1f} ms"
    )


def print_errors(tally: Tally, server: Server) -> int:
    """Print the failed replies and the server's error lines; how many there were in all."""
    logged = len(server.log_errors())
    print(f"errors: {tally.error_count} replies, {logged} server log lines")
    return tally.error_count + logged


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


# --- the store afterwards -----------------------------------------------------------------------


@dataclass(frozen=True)
class StoreCount:
    """What the reopened store holds."""

    revision: int
    attempts: int
    api_stamps: list[datetime]  # timestamps of the attempts recorded through GraphQL
    partial: list[str]  # attempts missing their student, timestamp, score or concept (or with two)
    doubled_estimates: list[str]  # mastery nodes with more than one probability
    orphans: list[str]  # subjects with attempt properties but no pw:Attempt type
    unestimated: int  # API attempts whose student has no mastery estimate of the attempt's concept


def count_stored(spec: str) -> StoreCount:
    """Open the store (after the server stopped), count and check the attempts in it."""
    from rdflib import Literal

    from graph.repository import KnowledgeGraph
    from graph.store import open_store
    from graph.vocab import PW

    kg = KnowledgeGraph(open_store(spec))
    try:
        select = kg.store.select
        attempt, student, stamp, score, concept = (
            PW.Attempt.n3(),
            PW.student.n3(),
            PW.timestamp.n3(),
            PW.score.n3(),
            PW.concept.n3(),
        )
        total = select(f"SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ ?a a {attempt} }}")[0][0]
        stamps = [
            t.toPython()
            for (t,) in select(f'SELECT ?t WHERE {{ ?a a {attempt} ; {PW.source.n3()} "graphql" ; {stamp} ?t }}')
            if isinstance(t, Literal)
        ]
        partial = select(
            f"""SELECT ?a WHERE {{ ?a a {attempt} .
              OPTIONAL {{ SELECT ?a (COUNT(DISTINCT ?s) AS ?ns) WHERE {{ ?a {student} ?s }} GROUP BY ?a }}
              OPTIONAL {{ SELECT ?a (COUNT(DISTINCT ?t) AS ?nt) WHERE {{ ?a {stamp} ?t }} GROUP BY ?a }}
              OPTIONAL {{ SELECT ?a (COUNT(DISTINCT ?x) AS ?nx) WHERE {{ ?a {score} ?x }} GROUP BY ?a }}
              FILTER (!BOUND(?ns) || ?ns != 1 || !BOUND(?nt) || ?nt != 1 || !BOUND(?nx) || ?nx != 1
                      || NOT EXISTS {{ ?a {concept} ?c }}) }}"""
        )
        doubled = select(
            f"""SELECT ?m WHERE {{ ?m a {PW.Mastery.n3()} ; {PW.probability.n3()} ?p }}
                GROUP BY ?m HAVING (COUNT(DISTINCT ?p) > 1)"""
        )
        orphans = select(
            f"""SELECT DISTINCT ?a WHERE {{ {{ ?a {stamp} ?t }} UNION {{ ?a {score} ?x }}
                FILTER NOT EXISTS {{ ?a a {attempt} }} }}"""
        )
        # Two flat reads compared here: a FILTER NOT EXISTS join takes minutes on 10k attempts.
        estimated = set(select(f"SELECT ?s ?c WHERE {{ ?m a {PW.Mastery.n3()} ; {student} ?s ; {concept} ?c }}"))
        attempted = select(
            f'SELECT ?a ?s ?c WHERE {{ ?a a {attempt} ; {PW.source.n3()} "graphql" ; {student} ?s ; {concept} ?c }}'
        )
        unestimated = len({a for a, s, c in attempted if (s, c) not in estimated})
        return StoreCount(
            revision=kg.revision,
            attempts=int(str(total)),
            api_stamps=stamps,
            partial=[str(r[0]) for r in partial],
            doubled_estimates=[str(r[0]) for r in doubled],
            orphans=[str(r[0]) for r in orphans],
            unestimated=unestimated,
        )
    finally:
        kg.store.close()


# --- the run ------------------------------------------------------------------------------------


def _ms(values: list[float], q: float) -> str:
    return f"{_percentile(values, q) * 1000:8.1f}"


def report(tally: Tally, stored: StoreCount, before: StoreCount, log_errors: list[str], load: str) -> bool:
    """Print the figures; whether the run was clean (no errors, every acknowledged attempt stored)."""
    everything = [v for values in tally.latencies.values() for v in values]
    print(f"\n== {tally.seconds:.1f} s, load average at the start {load}")
    print(f"{'operation':<16}{'requests':>10}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}")
    for op in OPERATIONS:
        values = tally.latencies[op]
        errors = tally.errors[op] + tally.errors[f"{op}: no reply"]
        rate = len(values) / tally.seconds
        print(f"{op:<16}{len(values):>10}{rate:>9.1f}{_ms(values, 0.5)}{_ms(values, 0.95)}{errors:>8}")
    print(
        f"{'all':<16}{len(everything):>10}{len(everything) / tally.seconds:>9.1f}"
        f"{_ms(everything, 0.5)}{_ms(everything, 0.95)}{tally.error_count:>8}"
    )
    overall = len(everything) / tally.seconds
    p50, p95 = _percentile(everything, 0.5) * 1000, _percentile(everything, 0.95) * 1000
    print(
        f"against the baseline ({BASELINE['commit']}: {BASELINE['req/s']:.0f} req/s, p50 {BASELINE['p50 ms']:.0f} ms, "
        f"p95 {BASELINE['p95 ms']:.0f} ms): throughput {overall / BASELINE['req/s']:.2f}x, "
        f"p50 {p50 / BASELINE['p50 ms']:.2f}x, p95 {p95 / BASELINE['p95 ms']:.2f}x"
    )
    edge = min(10.0, tally.seconds / 4)
    first = {op: _percentile(tally.window(op, 0, edge), 0.5) * 1000 for op in OPERATIONS}
    last = {op: _percentile(tally.window(op, tally.seconds - edge, tally.seconds), 0.5) * 1000 for op in OPERATIONS}
    print(
        f"p50 ms in the first vs the last {edge:.0f} s (histories grow): "
        + ", ".join(f"{op} {first[op]:.1f} -> {last[op]:.1f}" for op in OPERATIONS)
    )
    for sample in tally.samples[:10]:
        print(f"  error: {sample}")
    stamps = Counter(s.astimezone(UTC) for s in stored.api_stamps)
    acknowledged = {s.astimezone(UTC) for s in tally.acknowledged}
    missing = acknowledged - set(stamps)
    unexpected = set(stamps) - acknowledged - {s.astimezone(UTC) for s in tally.in_doubt}
    repeated = [s for s, n in stamps.items() if n > 1]
    new_attempts = stored.attempts - before.attempts
    print(
        f"attempts: sent {tally.sent}, acknowledged {len(acknowledged)} "
        f"({len(acknowledged) / tally.seconds:.1f}/s), in doubt {len(tally.in_doubt)}; "
        f"stored through the API {len(stamps)} (pw:Attempt {before.attempts} -> {stored.attempts}, +{new_attempts}); "
        f"acknowledged but missing {len(missing)}, stored but never sent {len(unexpected)}, "
        f"stored twice {len(repeated)}"
    )
    print(
        f"store: revision {before.revision} -> {stored.revision}; partial attempts {len(stored.partial)}, "
        f"orphan attempt triples {len(stored.orphans)}, mastery nodes with two probabilities "
        f"{len(stored.doubled_estimates)}, API attempts without an estimate of their concept {stored.unestimated}"
    )
    print(f"server log: {len(log_errors)} error lines")
    for line in log_errors[:20]:
        print(f"  {line}")
    clean = (
        tally.error_count == 0
        and not missing
        and not unexpected
        and not repeated
        and len(stamps) == len(acknowledged) == new_attempts
        and not stored.partial
        and not stored.orphans
        and not stored.doubled_estimates
        and not stored.unestimated
        and not log_errors
    )
    print("RESULT:", "clean" if clean else "NOT CLEAN")
    return clean


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load", description=__doc__.splitlines()[0] if __doc__ else None
    )
    parser.add_argument("--clients", type=int, default=16, help="concurrent keep-alive clients")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long the clients run")
    parser.add_argument("--students", type=int, default=48, help="distinct students the clients act as")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", default=None, help="use (and keep) this data folder instead of a temporary one")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pathwise-load-") as tmp:
        data = Path(args.keep) if args.keep else Path(tmp) / "data"
        began = time.monotonic()
        server = start_server(data)
        print(f"server up with the demo loaded in {time.monotonic() - began:.1f} s (pid {server.process.pid})")
        server.stop()
        before = count_stored(server.store)
        server = start_server(data, port=server.port)
        mix = Mix.demo(args.students)
        token = bench_token()
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        try:
            tally = run_clients(
                server.port, mix, clients=args.clients, seconds=args.seconds, token=token, seed=args.seed
            )
            load += " (end " + " ".join(f"{x:.2f}" for x in os.getloadavg()) + ")"
        finally:
            status = server.stop()
        print(f"server stopped with status {status}")
        stored = count_stored(server.store)
        clean = report(tally, stored, before, server.log_errors(), load)
    sys.exit(0 if clean else 1)


if __name__ == "__main__":
    main()
