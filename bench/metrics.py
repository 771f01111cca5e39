"""``python -m bench.metrics``: what counting and timing every GraphQL operation costs.

Runs one small query (a concept's transitive prerequisites on the demo curriculum, in
memory) through two schemas in the same process, alternating rounds: the baseline
without metrics, and the served one with ``schema.metrics.OperationMetrics``. Prints
each one's median microseconds per operation and the ratio to the baseline. The
HTTP side (``middleware.metrics``) adds two label lookups per request on top.
"""

from __future__ import annotations

from bench import schema_ab as ab
from middleware.metrics import ServiceMetrics
from schema import build_schema

QUERY = '{ concept(id: "slope") { prerequisites(transitive: true) { id } } }'
GOAL_RATIO = 1.15  # at most 15% on this cheap in-process operation: well under 1% of an HTTP request


def main() -> None:
    ab.main(
        __doc__ or "",
        ("without metrics (baseline)", build_schema()),
        ("with metrics", build_schema(metrics=ServiceMetrics())),
        [(QUERY, {})],
        GOAL_RATIO,
    )


if __name__ == "__main__":
    main()
