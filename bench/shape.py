"""``python -m bench.shape``: checking a document's depth and aliases, against strawberry's limiters.

Baseline: strawberry's ``QueryDepthLimiter`` and ``MaxAliasesLimiter`` (as served before
``schema.document_shape``), run as graphql-core validation rules. Measured: the shape
walk that replaced them (``document_shape._refusals``, its cache bypassed). Documents:
two ordinary frontend queries, and fragments fanned out k levels (each spreading the one
before under three list fields: 3^k paths in a few hundred bytes), the audit's attack.
Prints each one's median milliseconds and the ratio baseline / measured.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from graphql import DocumentNode, GraphQLSchema, parse, validate
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter

from schema import build_schema
from schema.document_shape import _refusals

ORDINARY = {
    "concept page": '{ concept(id: "slope") { label definition prerequisites { id label } materials { id title } } }',
    "next materials": """query($s: ID!) { nextMaterials(studentId: $s, first: 5) { ... on Recommendations {
        items { material { id title type difficulty } concept { id label } score reason review } } } }""",
}
LEVELS = (6, 8, 10, 11)


def fanned(levels: int) -> str:
    """Fragments each spreading the one before under three list fields."""
    parts = [f'{{ concept(id: "slope") {{ ...F{levels} }} }}', "fragment F0 on Concept { id }"]
    parts += [
        f"fragment F{k} on Concept {{ prerequisites {{ ...F{k - 1} }} dependents {{ ...F{k - 1} }} "
        f"broader {{ ...F{k - 1} }} }}"
        for k in range(1, levels + 1)
    ]
    return " ".join(parts)


def median_ms(run: Callable[[], object], budget_s: float = 1.0) -> float:
    """The median of repeated runs, as many as fit ``budget_s`` (at least 3)."""
    times: list[float] = []
    started = time.perf_counter()
    while len(times) < 3 or (time.perf_counter() - started < budget_s and len(times) < 200):
        t0 = time.perf_counter()
        run()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    schema: GraphQLSchema = build_schema()._schema
    rules = [*QueryDepthLimiter(max_depth=15).validation_rules, *MaxAliasesLimiter(50).validation_rules]
    measure = _refusals.__wrapped__  # type: ignore[attr-defined]  # the walk itself, not its cache
    print(__doc__.split("\n\n")[0] if __doc__ else "")
    print(f"{'document':<22} {'strawberry ms':>14} {'shape ms':>10} {'ratio':>8}")
    documents = {**ORDINARY, **{f"fanned {k} levels": fanned(k) for k in LEVELS}}
    for name, text in documents.items():
        document: DocumentNode = parse(text)
        theirs = median_ms(lambda d=document: validate(schema, d, rules))  # type: ignore[misc]
        ours = median_ms(lambda d=document: measure(d, 15, 50))  # type: ignore[misc]
        print(f"{name:<22} {theirs:>14.3f} {ours:>10.3f} {theirs / ours:>7.0f}x")
    print("(strawberry's figures include graphql-core's validation pass itself, about what the ordinary rows show)")


if __name__ == "__main__":
    main()
