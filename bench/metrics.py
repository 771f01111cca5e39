"""``python -m bench.metrics``: what counting and timing every GraphQL operation costs.

Runs one small query (a concept's transitive prerequisites on the demo curriculum, in
memory) through two schemas in the same process, alternating rounds: the baseline
without metrics, and the served one with ``schema.metrics.OperationMetrics``. Prints
each one's median microseconds per operation and the ratio to the baseline. The
HTTP side (``middleware.metrics``) adds two label lookups per request on top.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from auth.principal import Principal, Role
from demo.load import CURRICULUM_DIR
from graph.repository import KnowledgeGraph
from graph.store import open_store
from ingest.csv_layout import read_curriculum_csv
from middleware.metrics import ServiceMetrics
from resolvers.loaders import build_loaders
from schema import build_schema
from schema.context import Context

QUERY = '{ concept(id: "slope") { prerequisites(transitive: true) { id } } }'
GOAL_RATIO = 1.15  # at most 15% on this cheap in-process operation: well under 1% of an HTTP request


async def _median_seconds(schema: object, kg: KnowledgeGraph, operations: int) -> float:
    seconds = []
    for _ in range(operations):
        context = Context(kg=kg, loaders=build_loaders(kg, None), mastery=None, principal=Principal(Role.ADMIN, "b"))
        began = time.perf_counter()
        result = await schema.execute(QUERY, context_value=context)  # type: ignore[attr-defined]
        seconds.append(time.perf_counter() - began)
        assert result.errors is None, result.errors
    return statistics.median(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--operations", type=int, default=2000, help="operations per round")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per schema, alternating")
    args = parser.parse_args()
    kg = KnowledgeGraph(open_store("memory"))
    kg.import_bundle(read_curriculum_csv(CURRICULUM_DIR))
    schemas = {"without metrics (baseline)": build_schema(), "with metrics": build_schema(metrics=ServiceMetrics())}
    rounds: dict[str, list[float]] = {name: [] for name in schemas}
    for _ in range(args.rounds):
        for name, schema in schemas.items():
            rounds[name].append(asyncio.run(_median_seconds(schema, kg, args.operations)))
    medians = {name: statistics.median(values) for name, values in rounds.items()}
    baseline = medians["without metrics (baseline)"]
    for name, median in medians.items():
        print(f"{name:28s} {median * 1e6:8.1f} us per operation  ({median / baseline:.3f}x the baseline)")
    ratio = medians["with metrics"] / baseline
    print(f"goal: at most {GOAL_RATIO:.2f}x the baseline -> {'met' if ratio <= GOAL_RATIO else 'NOT met'}")


if __name__ == "__main__":
    main()
