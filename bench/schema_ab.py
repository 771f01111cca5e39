"""Two schemas, one query mix, alternating rounds: what one schema extension costs an operation.

``bench.metrics`` and ``bench.cost`` each measure one extension against the schema
without it on the demo curriculum in memory. Rounds alternate so that a machine whose
speed drifts shifts both sides alike; each side's figure is the median of its rounds'
medians.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Sequence
from typing import Any

from auth.principal import Principal, Role
from demo.load import CURRICULUM_DIR
from graph.pseudonyms import Pseudonymizer
from graph.repository import KnowledgeGraph
from graph.store import open_store
from ingest.csv_layout import read_curriculum_csv
from resolvers.loaders import build_loaders
from schema.context import Context

__all__ = ["Query", "compare", "demo_graph", "main"]

Query = tuple[str, dict[str, Any]]
PSEUDONYMS = Pseudonymizer(b"a benchmark's secret, thirty-two bytes")


def demo_graph() -> KnowledgeGraph:
    """The demo curriculum in an in-memory store."""
    kg = KnowledgeGraph(open_store("memory"))
    kg.import_bundle(read_curriculum_csv(CURRICULUM_DIR))
    return kg


async def _median_seconds(schema: Any, kg: KnowledgeGraph, queries: Sequence[Query], operations: int) -> float:
    seconds = []
    for i in range(operations):
        query, variables = queries[i % len(queries)]
        context = Context(
            kg=kg, loaders=build_loaders(kg, None), principal=Principal(Role.ADMIN, "b"), pseudonyms=PSEUDONYMS
        )
        began = time.perf_counter()
        result = await schema.execute(query, variable_values=variables, context_value=context)
        seconds.append(time.perf_counter() - began)
        assert result.errors is None, result.errors
    return statistics.median(seconds)


def main(
    description: str,
    baseline: tuple[str, Any],
    candidate: tuple[str, Any],
    queries: Sequence[Query],
    goal_ratio: float,
) -> None:
    """The command line of an A/B benchmark: ``--operations`` per round, ``--rounds`` per schema."""
    parser = argparse.ArgumentParser(
        prog=_running_module(), description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--operations", type=int, default=2000, help="operations per round")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per schema, alternating")
    args = parser.parse_args()
    compare(baseline, candidate, queries, operations=args.operations, rounds=args.rounds, goal_ratio=goal_ratio)


def _running_module() -> str | None:
    """``python -m bench.metrics`` for the benchmark that runs this (bench.metrics and bench.cost both do)."""
    spec = getattr(sys.modules["__main__"], "__spec__", None)
    return f"python -m {spec.name.removesuffix('.__main__')}" if spec is not None else None


def compare(
    baseline: tuple[str, Any],
    candidate: tuple[str, Any],
    queries: Sequence[Query],
    *,
    operations: int,
    rounds: int,
    goal_ratio: float,
) -> float:
    """Print each schema's median microseconds per operation and the ratio; return the ratio."""
    kg = demo_graph()
    schemas = dict([baseline, candidate])
    times: dict[str, list[float]] = {name: [] for name in schemas}
    for _ in range(rounds):
        for name, schema in schemas.items():
            times[name].append(asyncio.run(_median_seconds(schema, kg, queries, operations)))
    medians = {name: statistics.median(values) for name, values in times.items()}
    base = medians[baseline[0]]
    for name, median in medians.items():
        print(f"{name:28s} {median * 1e6:8.1f} us per operation  ({median / base:.3f}x the baseline)")
    ratio = medians[candidate[0]] / base
    print(f"goal: at most {goal_ratio:.2f}x the baseline -> {'met' if ratio <= goal_ratio else 'NOT met'}")
    return ratio
