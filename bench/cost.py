"""``python -m bench.cost``: what estimating every document's cost adds to an operation.

Runs two small queries (a concept's transitive prerequisites, and a student's next
materials as a frontend asks for them, with variables) on the demo curriculum in
memory, through two schemas in one process, alternating rounds: the baseline with the
cost check off (``Limits(max_cost=0)``) and the served default (``schema.cost``, its
costs remembered per query text and scalar variables). Prints each one's median
microseconds per operation and the ratio to the baseline.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from typing import Any

from auth.principal import Principal, Role
from demo.load import CURRICULUM_DIR
from graph.pseudonyms import Pseudonymizer
from graph.repository import KnowledgeGraph
from graph.store import open_store
from ingest.csv_layout import read_curriculum_csv
from resolvers.loaders import build_loaders
from schema import build_schema
from schema.context import Context
from schema.limits import Limits

QUERIES: list[tuple[str, dict[str, Any]]] = [
    ('{ concept(id: "slope") { prerequisites(transitive: true) { id } } }', {}),
    (
        """query($s: ID!, $n: Int!) { nextMaterials(studentId: $s, first: $n) { ... on Recommendations {
          items { material { id title type difficulty } concept { id label } score reason review } }
          ... on PathError { code message } } }""",
        {"s": "newcomer", "n": 5},
    ),
]
PSEUDONYMS = Pseudonymizer(b"a benchmark's secret, thirty-two bytes")
GOAL_RATIO = 1.05  # the check must not be what a request waits for


async def _median_seconds(schema: Any, kg: KnowledgeGraph, operations: int) -> float:
    seconds = []
    for i in range(operations):
        query, variables = QUERIES[i % len(QUERIES)]
        context = Context(
            kg=kg, loaders=build_loaders(kg, None), principal=Principal(Role.ADMIN, "b"), pseudonyms=PSEUDONYMS
        )
        began = time.perf_counter()
        result = await schema.execute(query, variable_values=variables, context_value=context)
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
    schemas = {"cost check off (baseline)": build_schema(limits=Limits(max_cost=0)), "cost check on": build_schema()}
    rounds: dict[str, list[float]] = {name: [] for name in schemas}
    for _ in range(args.rounds):
        for name, schema in schemas.items():
            rounds[name].append(asyncio.run(_median_seconds(schema, kg, args.operations)))
    medians = {name: statistics.median(values) for name, values in rounds.items()}
    baseline = medians["cost check off (baseline)"]
    for name, median in medians.items():
        print(f"{name:28s} {median * 1e6:8.1f} us per operation  ({median / baseline:.3f}x the baseline)")
    ratio = medians["cost check on"] / baseline
    print(f"goal: at most {GOAL_RATIO:.2f}x the baseline -> {'met' if ratio <= GOAL_RATIO else 'NOT met'}")


if __name__ == "__main__":
    main()
