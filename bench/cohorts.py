"""``python -m bench.cohorts``: ``cohortMastery`` over a big cohort, against its goal and a naive baseline.

Builds an embedded Oxigraph store with a generated curriculum of ``--concepts`` concepts,
one cohort of ``--students`` members and one mastery estimate per (student, concept),
written as the application writes them (the same six triples as
``graph.mastery.estimate_triples``, bulk-loaded straight into pyoxigraph: generation is
not what is measured). Then it times ``graph.cohort_reports.cohort_mastery`` (what the
``cohortMastery`` resolver calls) over every concept:

- **cold**: the first call in a process, which loads the per-process estimate table
  (one heavy ``select``);
- **warm**: p50 over ``--runs`` calls (members from the store, estimates from the table,
  statistics with numpy) -- the figure held to the goal, <= 1 s for 10,000 x 100;
- **after a write**: one more estimate is recorded (the table follows it through the
  graph's write listener), and the next call is timed;
- **naive baseline**: one SPARQL query per student (``graph.mastery.read_estimates``),
  timed on a sample of ``--baseline-sample`` students and scaled to the whole cohort;
- with ``--one-query``: every estimate in one SPARQL query (``read_estimates`` over all
  members), timed once (about a minute on a small machine).
- ``atRisk`` with every concept a target, as a teacher and as an analyst, against the
  per-student loop it replaced (``bench.risk_loop``), checked to give the same figures.

With ``--attempts-store oxigraph:<dir> --cohort <id>`` it measures instead the attempt
reports over a cohort of a store you built (the district of docs/cohorts-and-reports.md: the demo, the
assist2015 pyKT log and a cohort of every student): ``conceptDifficulty`` and
``masteryTrend`` read through the per-process ``AttemptTable`` (p50 over ``--runs``)
against the baseline that reads every member's attempts from the store
(``attempts_of``, timed once), with their ratio, the table's load time and its memory
(its arrays, and the process's resident memory before and after the load), and checks
that both give the same figures. Last it reloads the table in a thread and records one
attempt meanwhile (``bench-<ns>``, on the cohort's first student: use a scratch store),
to time a write during a load and the load's hold of ``kg.lock``.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import tempfile
import threading
import time
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import numpy as np
import pyoxigraph as ox

from bench.generate import generate_bundle
from bench.risk_loop import at_risk_loop
from graph import analytics
from graph.attempt_table import AttemptTable, attempt_table
from graph.attempts import attempts_of, record_attempts
from graph.cohort_reports import at_risk, cohort_mastery, concept_difficulty, mastery_trend
from graph.cohorts import RosterEntry, apply_roster, members
from graph.estimate_table import estimate_table
from graph.ids import iri_of
from graph.mastery import estimate_triples, mastery_iri, read_estimates
from graph.model import Attempt, MasteryEstimate
from graph.repository import KnowledgeGraph
from graph.store import OxigraphStore, open_store
from graph.vocab import GRAPH_IRI, PW, RDF, XSD

GOAL_S = 1.0
WHEN = datetime(2026, 1, 1, tzinfo=UTC)


def _line(triple: tuple[object, object, object]) -> str:
    s, p, o = triple
    return f"{s.n3()} {p.n3()} {o.n3()} ."  # type: ignore[attr-defined]


def estimate_lines(student: str, concept: str, p: float) -> list[str]:
    """The N-Triples of one estimate, as ``estimate_triples`` writes it (checked once in ``write_estimates``)."""
    m = f"<{mastery_iri(student, concept)}>"
    return [
        f"{m} <{RDF.type}> <{PW.Mastery}> .",
        f"{m} <{PW.student}> <{iri_of('student', student)}> .",
        f"{m} <{PW.concept}> <{iri_of('concept', concept)}> .",
        f'{m} <{PW.probability}> "{round(p, 6)}"^^<{XSD.double}> .',
        f'{m} <{PW.modelVersion}> "bench" .',
        f'{m} <{PW.updatedAt}> "{WHEN.isoformat()}"^^<{XSD.dateTime}> .',
    ]


def write_estimates(directory: Path, students: list[str], concepts: list[str], seed: int) -> int:
    """Bulk-load one estimate per (student, concept) into the store at ``directory``."""
    expected = {_line(t) for t in estimate_triples(MasteryEstimate("s", "c", 0.25, "bench", WHEN))}
    assert set(estimate_lines("s", "c", 0.25)) == expected, "the generator drifted from estimate_triples"
    rng = random.Random(seed)
    data = directory.parent / "estimates.nt"
    with data.open("w", encoding="utf-8") as out:
        for student in students:
            ability = rng.random()
            for concept in concepts:
                p = min(1.0, max(0.0, rng.gauss(ability, 0.2)))
                out.write("\n".join(estimate_lines(student, concept, p)) + "\n")
    store = ox.Store(str(directory))
    store.bulk_load(path=str(data), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(GRAPH_IRI)))
    store.flush()
    del store
    data.unlink()
    return len(students) * len(concepts)


def timed(run: object) -> float:
    start = time.perf_counter()
    run()  # type: ignore[operator]
    return time.perf_counter() - start


def resident() -> int:
    """This process's resident memory now, in bytes (Linux)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def attempt_reports(spec: str, cohort: str, runs: int, concept: str | None) -> None:
    """``conceptDifficulty`` and ``masteryTrend`` over ``cohort``: the table against ``attempts_of``."""
    kg = KnowledgeGraph(open_store(spec))
    students = members(kg, cohort)
    started = time.perf_counter()
    histories = attempts_of(kg, students)
    read = time.perf_counter() - started
    attempts = sum(len(h) for h in histories.values())
    if concept is None:
        counts: dict[str, int] = {}
        for history in histories.values():
            for a in history:
                for c in a.concepts:
                    counts[c] = counts.get(c, 0) + 1
        concept = max(sorted(counts), key=lambda c: counts[c])
    started = time.perf_counter()
    old_rows = analytics.concept_difficulty(histories)
    old_difficulty = read + time.perf_counter() - started
    started = time.perf_counter()
    old_trend = analytics.trend(analytics.trend_events(histories, concept), len(histories), "week")
    old_trend_s = read + time.perf_counter() - started
    del histories
    gc.collect()
    before = resident()
    started = time.perf_counter()
    table = attempt_table(kg)
    load = time.perf_counter() - started
    gc.collect()
    after = resident()
    difficulty = [timed(lambda: concept_difficulty(kg, cohort)) for _ in range(runs)]
    trend = [timed(lambda: mastery_trend(kg, cohort, concept, "week")) for _ in range(runs)]
    same = concept_difficulty(kg, cohort).concepts == old_rows and mastery_trend(kg, cohort, concept) == old_trend
    d50, t50 = statistics.median(difficulty), statistics.median(trend)
    print(f"cohort {cohort}: {len(students):,} students, {attempts:,} attempts; store: {len(table):,} attempts")
    print(f"conceptDifficulty  attempts_of {old_difficulty:7.2f} s   table p50 {d50:6.3f} s   "
          f"({old_difficulty / d50:,.0f}x)")  # fmt: skip
    print(f"masteryTrend {concept!r} by week  attempts_of {old_trend_s:7.2f} s   table p50 {t50:6.3f} s   "
          f"({old_trend_s / t50:,.0f}x; {len(old_trend.points)} points, "
          f"{old_trend.untimed} untimed left out)")  # fmt: skip
    print(f"  (attempts_of alone: {read:.2f} s, {read / max(attempts, 1) * 1e6:.0f} us an attempt)")
    print(f"table load {load:.1f} s; arrays {table.nbytes / 2**20:.1f} MiB "
          f"({table.nbytes / max(len(table), 1):.0f} bytes an attempt); resident memory "
          f"{before / 2**20:.0f} -> {after / 2**20:.0f} MiB after the load")  # fmt: skip
    print(f"same figures through the table and attempts_of: {same}")
    write_during_reload(kg, table, students, concept)
    kg.store.close()


def write_during_reload(kg: KnowledgeGraph, table: AttemptTable, students: list[str], concept: str) -> None:
    """Reload the table in a thread and record one attempt meanwhile: how long the write waits."""
    table.dirty = True
    loader = threading.Thread(target=attempt_table, args=(kg,))
    started = time.perf_counter()
    loader.start()
    time.sleep(2.0)
    attempt = Attempt(f"bench-{time.time_ns()}", students[0], datetime.now(UTC), 1.0, concepts=(concept,))
    write = timed(lambda: record_attempts(kg, [attempt]))
    loader.join()
    reload = time.perf_counter() - started
    first = students[:1]
    followed = len(table.cohort(first).score) == len(attempts_of(kg, first)[first[0]])
    print(f"a write during a reload ({reload:.1f} s) took {write * 1000:.0f} ms; the reload then held kg.lock "
          f"{table.locked_s * 1000:.1f} ms to replay it (current: {table.current(kg.revision)}, "
          f"the write in it: {followed})")  # fmt: skip


def at_risk_figures(kg: KnowledgeGraph, students: list[str], concepts: list[str], runs: int) -> None:
    """``atRisk`` with every concept a target, as a teacher (students named) and as an analyst (k = 5).

    Against its baseline, the per-student loop it ran until 2026-12-01 (``bench.risk_loop``,
    fed the dictionaries it was fed), which must give the same figures.
    """
    for who, k in (("teacher", None), ("analyst", 5)):
        took = [timed(partial(at_risk, kg, "bench", concepts, min_cell=k)) for _ in range(max(1, runs // 2))]
        p50 = statistics.median(took)
        started = time.perf_counter()
        matrix = estimate_table(kg).matrix(students, concepts)
        estimates = {
            s: {c: float(v) for c, v in zip(concepts, row, strict=True) if not np.isnan(v)}
            for s, row in zip(students, matrix, strict=True)
        }
        old = at_risk_loop(kg.projection.dag, estimates, concepts, min_cell=k)
        loop = time.perf_counter() - started
        same = old == at_risk(kg, "bench", concepts, min_cell=k)
        print(f"atRisk, {len(concepts)} targets, as {who:<7} p50 {p50:8.3f} s   the loop {loop:7.2f} s "
              f"({loop / p50:,.1f}x; same figures: {same})")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.cohorts", description=__doc__.splitlines()[0] if __doc__ else None
    )
    parser.add_argument("--students", type=int, default=10_000)
    parser.add_argument("--concepts", type=int, default=100)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--baseline-sample", type=int, default=100)
    parser.add_argument("--one-query", action="store_true", help="Also time one SPARQL query for every estimate.")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--attempts-store", help="Measure the attempt reports over --cohort in this store instead.")
    parser.add_argument("--cohort", default="district", help="With --attempts-store: the cohort.")
    parser.add_argument("--concept", help="With --attempts-store: the trend's concept (default: the most attempted).")
    args = parser.parse_args()
    if args.attempts_store:
        attempt_reports(args.attempts_store, args.cohort, args.runs, args.concept)
        return

    with tempfile.TemporaryDirectory(prefix="pathwise-bench-cohorts-") as tmp:
        location = Path(tmp) / "store"
        started = time.perf_counter()
        kg = KnowledgeGraph(open_store(f"oxigraph:{location}"))
        kg.import_bundle(generate_bundle(args.concepts, materials_per_concept=0.0, seed=args.seed))
        concepts = kg.projection.sorted_concepts()
        students = [f"s{i:06d}" for i in range(args.students)]
        apply_roster(kg, [RosterEntry("bench", s) for s in students])
        kg.store.close()
        n = write_estimates(location, students, concepts, args.seed)
        kg = KnowledgeGraph(OxigraphStore(location))
        print(f"setup: {args.students:,} students x {len(concepts)} concepts = {n:,} estimates "
              f"({6 * n:,} triples) in {time.perf_counter() - started:.1f} s")  # fmt: skip

        def run() -> None:
            stats = cohort_mastery(kg, "bench", concepts)
            assert len(stats) == len(concepts)
            assert stats[0].students == args.students

        cold = timed(run)
        warm = [timed(run) for _ in range(args.runs)]
        p50 = statistics.median(warm)
        member_query = statistics.median(
            timed(lambda: kg.store.select(f"SELECT ?s WHERE {{ ?s {PW.memberOf.n3()} ?k }}")) for _ in range(3)
        )
        table = estimate_table(kg)
        gather = statistics.median(timed(lambda: table.matrix(students, concepts)) for _ in range(3))
        write = MasteryEstimate(students[0], concepts[0], 0.99, "bench", WHEN)
        kg.commit([], list(estimate_triples(write)), lambda: None)
        after_write = timed(run)
        sample = students[: args.baseline_sample]
        per_student = timed(lambda: [read_estimates(kg.store, [s]) for s in sample]) / len(sample)
        naive = per_student * args.students

        print(f"cohortMastery cold (loads the estimate table)   {cold:8.3f} s")
        print(f"cohortMastery warm p50 over {args.runs} runs            {p50:8.3f} s  "
              f"({p50 / GOAL_S:.2f}x of the {GOAL_S:.0f} s goal: {'met' if p50 <= GOAL_S else 'MISSED'})")  # fmt: skip
        print(f"  of which: members query {member_query:.3f} s, table gather {gather:.3f} s")
        print(f"cohortMastery after one write                     {after_write:8.3f} s  (table followed the write)")
        print(f"naive baseline: one SPARQL query per student      {naive:8.1f} s  "
              f"({per_student * 1000:.1f} ms x {args.students:,}, from {len(sample)} students; "
              f"{naive / p50:,.0f}x the warm p50)")  # fmt: skip
        if args.one_query:
            one = timed(lambda: read_estimates(kg.store, students))
            print(f"one SPARQL query for every estimate              {one:8.1f} s  ({one / p50:,.0f}x the warm p50)")
        at_risk_figures(kg, students, concepts, args.runs)
        kg.store.close()


if __name__ == "__main__":
    main()
