"""``python -m bench.cost``: what estimating every document's cost adds to an operation.

Runs two small queries (a concept's transitive prerequisites, and a student's next
materials as a frontend asks for them, with variables) on the demo curriculum in
memory, through two schemas in one process, alternating rounds (``bench.schema_ab``):
the baseline with the cost check off (``Limits(max_cost=0)``) and the served default
(``schema.cost``, its costs remembered per query text and scalar variables). Prints
each one's median microseconds per operation and the ratio to the baseline.
"""

from __future__ import annotations

from bench import schema_ab as ab
from bench.schema_ab import Query
from schema import build_schema
from schema.limits import Limits

QUERIES: list[Query] = [
    ('{ concept(id: "slope") { prerequisites(transitive: true) { id } } }', {}),
    (
        """query($s: ID!, $n: Int!) { nextMaterials(studentId: $s, first: $n) { ... on Recommendations {
          items { material { id title type difficulty } concept { id label } score reason review } }
          ... on PathError { code message } } }""",
        {"s": "newcomer", "n": 5},
    ),
]
GOAL_RATIO = 1.05  # the check must not be what a request waits for


def main() -> None:
    ab.main(
        __doc__ or "",
        ("cost check off (baseline)", build_schema(limits=Limits(max_cost=0))),
        ("cost check on", build_schema()),
        QUERIES,
        GOAL_RATIO,
    )


if __name__ == "__main__":
    main()
