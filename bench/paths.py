"""``python -m bench.paths``: learning paths on a generated 100k-concept graph.

Targets are concepts whose prerequisite closure holds about 500 concepts. Three students:
a newcomer with no data (every concept of the closure is a step: the worst case), and two
with stored estimates, half and three quarters of the closure mastered (the path is the
unmastered part reachable from the target). Printed, for each:
- in process, ``resolvers.paths.learning_path`` for a student (stored estimates and
  attempts read from the store, closure and planning over the networkx projection), p50
  and p95, against the naive baseline that takes the closure and its edges from the
  store with a SPARQL property path and plans over that;
- over HTTP, the ``learningPath`` GraphQL query against one uvicorn worker: p50, p95,
  requests/s.
Goals (the issue's): path p50 <= 10 ms in process, >= 200 requests/s over HTTP.
"""

from __future__ import annotations

import argparse
import json
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import networkx as nx

from bench.__main__ import ROOT, bench_token, serve
from bench.generate import write_generated
from bench.http_load import free_port, run_load, wait_for
from graph.ids import id_of, iri_of
from graph.learning_path import plan_learning_path
from graph.mastery import estimate_triples
from graph.model import MasteryEstimate
from graph.pseudonyms import Pseudonymizer
from graph.repository import KnowledgeGraph
from graph.store import open_store
from graph.vocab import PW
from resolvers.paths import learning_path

GOALS = {"path_ms": 10.0, "graphql_rps": 200.0}
QUERY = """query($id: ID!) { learningPath(studentId: "STUDENT", targets: [$id]) {
  ... on LearningPath { totalMinutes steps { concept { id } mastery minutes reason materials { id } } } } }"""
NEWCOMER, HALFWAY, TYPICAL = "bench-newcomer", "bench-halfway", "bench-typical"
#: Share of each closure's concepts the student has mastered.
MASTERED = {NEWCOMER: 0.0, HALFWAY: 0.5, TYPICAL: 0.75}
#: The server's pseudonym secret: the students are stored under the keys it gives their ids. Stored
#: under the ids themselves, all three were newcomers over HTTP (101 steps each where in process
#: they had 101, 8 and 2), and the GraphQL figures were the newcomer's three times.
SECRET = secrets.token_urlsafe(32)
KEYS = {student: Pseudonymizer(SECRET.encode()).key(student) for student in MASTERED}


def seed_student(kg: KnowledgeGraph, student: str, targets: list[str]) -> None:
    """Stored estimates, under the student's key: each concept of the closures mastered with the student's share."""
    rng = random.Random(7)
    region = sorted({c for t in targets for c in nx.ancestors(kg.projection.dag, t)} | set(targets))
    now = datetime.now(UTC)
    share = MASTERED[student]
    estimates = [
        MasteryEstimate(KEYS[student], c, 0.92 if rng.random() < share and c not in targets else 0.3, "bench", now)
        for c in region
    ]
    kg.commit([], [t for e in estimates for t in estimate_triples(e)], lambda: None)


def steps_over_http(port: int, query: str, target: str, token: str) -> int:
    """The steps the server plans for one target: the same student as in process, or the figures mislead."""
    body = json.dumps({"query": query, "variables": {"id": target}}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        body,
        {"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return len(json.loads(response.read())["data"]["learningPath"]["steps"])


def targets_near(kg: KnowledgeGraph, size: int, count: int) -> list[str]:
    """Concepts whose closure size is nearest ``size`` (from a sample of the deepest ones)."""
    dag = kg.projection.dag
    nodes = sorted(dag.nodes)[-4000:]
    sizes = {c: len(nx.ancestors(dag, c)) for c in random.Random(0).sample(nodes, min(len(nodes), 800))}
    return sorted(sizes, key=lambda c: (abs(sizes[c] - size), c))[:count]


def naive_path(kg: KnowledgeGraph, target: str) -> int:
    """The baseline: closure and edges from SPARQL property paths, then the same planner."""
    rows = kg.store.select(
        f"SELECT ?c ?p WHERE {{ {iri_of('concept', target).n3()} {PW.requires.n3()}* ?c . ?c {PW.requires.n3()} ?p }}"
    )
    dag: nx.DiGraph[str] = nx.DiGraph()
    dag.add_node(target)
    dag.add_edges_from((id_of(str(p)), id_of(str(c))) for c, p in rows)
    return len(plan_learning_path(dag, [target], {}).steps)


def timed(run: object, targets: list[str], repeats: int) -> list[float]:
    samples = []
    for _ in range(repeats):
        for t in targets:
            start = time.perf_counter()
            run(t)  # type: ignore[operator]
            samples.append(time.perf_counter() - start)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.paths", description=__doc__.splitlines()[0] if __doc__ else None
    )
    parser.add_argument("--concepts", type=int, default=100_000)
    parser.add_argument("--closure", type=int, default=500, help="closure size of the targets")
    parser.add_argument("--seconds", type=float, default=10.0, help="HTTP load duration")
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pathwise-bench-paths-") as tmp:
        work = Path(tmp)
        # Topics of 80 (not the default 40): closures of about 500 concepts, as the goal asks.
        folder = write_generated(work / "csv", args.concepts, topic_size=80)
        store = f"oxigraph:{work / 'store'}"
        subprocess.run([sys.executable, "-m", "bench.import_once", str(folder), store], cwd=ROOT, check=True)
        kg = KnowledgeGraph(open_store(store))
        targets = targets_near(kg, args.closure, 20)
        for student in (HALFWAY, TYPICAL):
            seed_student(kg, student, targets)
        sizes = [len(nx.ancestors(kg.projection.dag, t)) for t in targets]
        steps = [len(learning_path(kg, None, KEYS[NEWCOMER], [t]).steps) for t in targets]
        assert steps == [s + 1 for s in sizes], "a student with no mastery studies the whole closure"
        steps_of = {
            student: [len(learning_path(kg, None, KEYS[student], [t]).steps) for t in targets] for student in MASTERED
        }
        mean_steps = {student: statistics.mean(counts) for student, counts in steps_of.items()}
        in_process = {
            student: timed(lambda t, s=KEYS[student]: learning_path(kg, None, s, [t]), targets, 10)  # type: ignore[misc]
            for student in MASTERED
        }
        naive = timed(lambda t: naive_path(kg, t), targets, 2)
        kg.store.close()

        port = free_port()
        # no mastery model: the students are their stored estimates, as in process (a served model
        # estimates again, at start, what another version stored)
        server = serve(store, port, work / "data", PATHWISE_PSEUDONYM_SECRET=SECRET, PATHWISE_MASTERY="false")
        loads = {}
        try:
            wait_for(f"http://127.0.0.1:{port}/healthz", 300, server)
            token = bench_token()
            for student in MASTERED:
                query = QUERY.replace("STUDENT", student)
                served = steps_over_http(port, query, targets[0], token)
                if served != steps_of[student][0]:
                    raise SystemExit(f"{student}: {served} steps over HTTP, {steps_of[student][0]} in process")
                run_load(port, query, targets, clients=args.clients, seconds=1.0, token=token)
                loads[student] = run_load(port, query, targets, clients=args.clients, seconds=args.seconds, token=token)
        finally:
            server.terminate()
            server.wait(30)

    naive_p50 = statistics.median(naive) * 1000
    print(f"\n== learning paths: {args.concepts:,} concepts, {len(targets)} targets, closure {min(sizes)}-{max(sizes)}")
    print(f"naive baseline (closure and edges by SPARQL property path, same planner): p50 {naive_p50:.2f} ms")
    figures: dict[str, float] = {"naive_p50_ms": naive_p50}
    for student, share in MASTERED.items():
        label = f"{student.removeprefix('bench-')} ({share:.0%} mastered, {mean_steps[student]:.0f} steps)"
        samples, load = in_process[student], loads[student]
        p50, p95 = statistics.median(samples) * 1000, statistics.quantiles(samples, n=20)[18] * 1000
        print(
            f"{label:36s} in process p50 {p50:6.2f} ms  p95 {p95:6.2f} ms  ({naive_p50 / p50:.1f}x faster than naive;"
            f" {p50 / GOALS['path_ms']:.2f}x of the 10 ms goal)"
        )
        print(
            f"{'':36s} GraphQL    p50 {load.percentile(0.5) * 1000:6.2f} ms  p95 {load.percentile(0.95) * 1000:6.2f} ms"
            f"  {load.rps:5.0f} req/s ({load.rps / GOALS['graphql_rps']:.2f}x the 200 req/s goal)  errors {load.errors}"
        )
        figures[f"{student}_p50_ms"] = p50
        figures[f"{student}_rps"] = load.rps
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
