"""``python -m bench``: the foundation's hot paths on generated graphs of growing size.

Per size it prints: import time (read + validate + write) and the import's peak
memory; prerequisite-closure p50 through the networkx projection and through a SPARQL
property path on the same Oxigraph store, with their ratio; and GraphQL
``concept { prerequisites(transitive: true) { id } }`` p50/p95 and requests/s over
HTTP against one uvicorn worker, with the server's peak memory. Each figure is also
printed as a ratio to the goal it is held to (the baseline): import <= 30 s for 100k
concepts, closure <= 0.5 ms p50, GraphQL >= 300 requests/s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.generate import write_generated
from bench.http_load import free_port, run_load, wait_for
from graph.ids import iri_of
from graph.prerequisites import prerequisite_closure
from graph.repository import KnowledgeGraph
from graph.store import open_store
from graph.vocab import PW

ROOT = Path(__file__).resolve().parents[1]
GOALS = {"import_s": 30.0, "closure_ms": 0.5, "graphql_rps": 300.0}
QUERY = "query($id: ID!) { concept(id: $id) { prerequisites(transitive: true) { id } } }"


def _p50_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def closure_timings(kg: KnowledgeGraph, ids: list[str], sparql_samples: int) -> tuple[float, float, float]:
    """p50 (ms) of the closure via the projection and via SPARQL; mean closure size."""
    dag = kg.projection.dag
    via_projection, sizes = [], []
    for c in ids:
        start = time.perf_counter()
        found = prerequisite_closure(dag, c)
        via_projection.append(time.perf_counter() - start)
        sizes.append(len(found))
    via_sparql = []
    for c in ids[:sparql_samples]:
        query = f"SELECT DISTINCT ?p WHERE {{ {iri_of('concept', c).n3()} {PW.requires.n3()}+ ?p }}"
        start = time.perf_counter()
        rows = kg.store.select(query)
        via_sparql.append(time.perf_counter() - start)
        assert len(rows) == len(prerequisite_closure(dag, c))
    return _p50_ms(via_projection), _p50_ms(via_sparql), statistics.mean(sizes)


#: The production server of a benchmark verifies tokens with this secret.
BENCH_SECRET = secrets.token_urlsafe(32)


def bench_token() -> str:
    """An admin token the benchmark's production server accepts."""
    from auth.principal import Role
    from auth.tokens import mint

    return mint(role=Role.ADMIN, sub="bench", secret=BENCH_SECRET, ttl=24 * 3600)


def serve(store: str, port: int, data_dir: Path, **settings: str) -> subprocess.Popen[bytes]:
    """One uvicorn worker over ``store`` with production settings (tokens required) unless overridden.

    ``data_dir`` is the server's own: with the caller's (``./pathwise-data``, or an exported
    ``PATHWISE_DATA_DIR``) the second server met the first one's pseudonym-secret check and
    refused to start, and the benchmark wrote models and secrets into a developer's data.
    """
    env = {
        **os.environ,
        "PATHWISE_DATA_DIR": str(data_dir),
        "PATHWISE_STORE": store,
        "PATHWISE_LOAD_DEMO": "false",
        "PATHWISE_ENV": "production",
        "PATHWISE_JWT_SECRET": BENCH_SECRET,
        "PATHWISE_PSEUDONYM_SECRET": secrets.token_urlsafe(32),
        "PATHWISE_QA": "false",
        **settings,
    }
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "server:app", "--port", str(port), "--log-level", "warning"]
    return subprocess.Popen(cmd, cwd=ROOT, env=env)


def peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def bench_size(n: int, work: Path, *, seconds: float, clients: int) -> dict[str, float]:
    folder = write_generated(work / f"csv-{n}", n)
    store = f"oxigraph:{work / f'store-{n}'}"
    out = subprocess.run(
        [sys.executable, "-m", "bench.import_once", str(folder), store],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    imported = json.loads(out.stdout)
    kg = KnowledgeGraph(open_store(store))
    ids = random.Random(n).sample(sorted(kg.projection.dag.nodes), min(1000, n))
    closure_ms, sparql_ms, mean_size = closure_timings(kg, ids, sparql_samples=100)
    kg.store.close()

    port = free_port()
    server = serve(store, port, work / f"data-{n}")
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", 300, server)
        token = bench_token()
        run_load(port, QUERY, ids, clients=clients, seconds=1.0, token=token)  # warm up
        load = run_load(port, QUERY, ids, clients=clients, seconds=seconds, token=token)
        server_mb = peak_mb(server.pid)
    finally:
        server.terminate()
        server.wait(30)
    return {
        "concepts": n,
        "triples": imported["triples"],
        "import_s": imported["seconds"],
        "import_peak_mb": imported["peak_mb"],
        "closure_size": mean_size,
        "closure_ms": closure_ms,
        "sparql_ms": sparql_ms,
        "graphql_p50_ms": load.percentile(0.5) * 1000,
        "graphql_p95_ms": load.percentile(0.95) * 1000,
        "graphql_rps": load.rps,
        "graphql_errors": load.errors,
        "server_peak_mb": server_mb,
    }


def report(row: dict[str, float]) -> None:
    n = int(row["concepts"])
    import_goal = GOALS["import_s"] * n / 100_000
    print(f"\n== {n:,} concepts ({int(row['triples']):,} triples)")
    print(
        f"import            {row['import_s']:8.2f} s   peak {row['import_peak_mb']:.0f} MB"
        f"   ({row['import_s'] / import_goal:.2f}x of the {import_goal:.1f} s goal scaled from 30 s per 100k)"
    )
    print(
        f"closure p50       {row['closure_ms']:8.3f} ms projection vs {row['sparql_ms']:.3f} ms SPARQL property path"
        f" = {row['sparql_ms'] / row['closure_ms']:.0f}x faster (mean closure {row['closure_size']:.0f} concepts;"
        f" {row['closure_ms'] / GOALS['closure_ms']:.2f}x of the 0.5 ms goal)"
    )
    print(
        f"GraphQL closure   p50 {row['graphql_p50_ms']:.2f} ms  p95 {row['graphql_p95_ms']:.2f} ms"
        f"  {row['graphql_rps']:.0f} req/s ({row['graphql_rps'] / GOALS['graphql_rps']:.2f}x the 300 req/s goal)"
        f"  errors {int(row['graphql_errors'])}  server peak {row['server_peak_mb']:.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated concept counts")
    parser.add_argument("--seconds", type=float, default=10.0, help="HTTP load duration per size")
    parser.add_argument("--clients", type=int, default=4, help="concurrent keep-alive HTTP clients")
    parser.add_argument("--json", dest="json_out", default=None, help="also write the figures to this file")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="pathwise-bench-") as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            row = bench_size(n, Path(tmp), seconds=args.seconds, clients=args.clients)
            report(row)
            rows.append(row)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
