"""Limits on what one GraphQL document may ask: depth, aliases, tokens, cost (page sizes: ``pagination``).

Each limit refuses a document before any resolver runs, as a GraphQL error, and the
defaults sit well above what the frontends send:

- ``max_depth`` (15): the deepest real query, a student's evidence down to the material's
  concepts' prerequisites, is 8 levels; prerequisite chains are asked for with
  ``prerequisites(transitive: true)``, never by nesting. Introspection fields do not
  count, so GraphiQL keeps working.
- ``max_aliases`` (50): aliases are how a client asks for several concepts at once, and
  how an attacker multiplies one expensive field; 50 covers a dashboard.
- ``max_tokens`` (10,000): a bound on the parser's work, checked while parsing, so a huge
  document is refused before it is held as an AST. Bulk data goes in variables, which
  are not tokens.
- ``max_cost`` (50,000): the objects a document would resolve, estimated from its page
  sizes and lists (``schema.cost``); the real queries in the tests cost at most about
  5,000, and nested transitive lists, which depth does not bound, billions. 0 turns
  the check off (a deployment whose clients are all trusted).
- ``MAX_IDS`` (1,000): the concepts one ``Student.mastery`` may name; the cost estimate
  counts every list of ids by its length too.
- ``MAX_PAGE`` (100): every ``first`` argument goes through ``check_first``, so no page,
  list of evidence or list of recommendations is longer; ``first: 1000000`` is an
  ``InvalidInput`` error naming the cap, not a slow answer. A constant rather than a
  setting: clients page with cursors, and a deployment-dependent cap would make the
  same client code fail on one server and not another.

The request body itself is bounded before GraphQL sees it (``middleware.body_limit``).

Each limit's error carries a code in ``extensions``: ``QUERY_TOO_DEEP``,
``TOO_MANY_ALIASES``, ``TOO_MANY_TOKENS``, ``QUERY_TOO_COSTLY``.

graphql-core bounds its own work too: comparing every pair of same-named fields (about a
thousand repeats of one field) or expanding shared fragments stops with a bare
"Validation aborted."; ``ExplainAbortedValidation`` says what that means and gives it
the code ``QUERY_TOO_COMPLEX``.

Depth and aliases are measured by ``schema.document_shape`` (each fragment once) before
strawberry's cached validation runs, which a document over a limit skips: strawberry's
own limiters walked a fragment again at every spread (16 s for 1 KB of fragments).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from graphql import GraphQLError
from strawberry.extensions import MaxTokensLimiter, SchemaExtension

from graph.errors import InvalidInput
from schema.document_shape import TOO_COMPLEX, ShapedValidation

__all__ = [
    "MAX_IDS",
    "MAX_PAGE",
    "ExplainAbortedValidation",
    "Limits",
    "check_first",
    "code_limit_error",
    "limit_extensions",
]

MAX_PAGE = 100
"""The most items one ``first`` may ask for."""

MAX_IDS = 1_000
"""The most concepts one ``Student.mastery(conceptIds:)`` may name: each is looked up, and an
unknown one compared with every concept for a hint, on the event loop (a mastery screen names
a curriculum's concepts, hundreds at most)."""


def check_first(first: int, *, maximum: int = MAX_PAGE) -> int:
    """Page sizes run from 0 to ``maximum`` (``MAX_PAGE``). Raises ``InvalidInput`` outside.

    Examples:
        >>> check_first(20)
        20
        >>> check_first(1_000_000)
        Traceback (most recent call last):
        ...
        graph.errors.InvalidInput: first must be between 0 and 100, got 1000000
    """
    if not 0 <= first <= maximum:
        raise InvalidInput(f"first must be between 0 and {maximum}, got {first}", field="first")
    return first


@dataclass(frozen=True)
class Limits:
    """The per-document limits (settings ``PATHWISE_MAX_DEPTH``, ``_ALIASES``, ``_TOKENS``, ``_COST``)."""

    max_depth: int = 15
    max_aliases: int = 50
    max_tokens: int = 10_000
    max_cost: int = 50_000

    def __post_init__(self) -> None:
        for name in ("max_depth", "max_aliases", "max_tokens"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        if self.max_cost < 0:
            raise ValueError("max_cost must be at least 0 (0: no cost limit)")


def limit_extensions(limits: Limits) -> list[Callable[[], SchemaExtension]]:
    """Extension factories enforcing ``limits`` (one fresh extension per request)."""
    from schema.cost import CostCache, QueryCost  # it reads MAX_PAGE from here

    max_tokens, max_cost, costs = limits.max_tokens, limits.max_cost, CostCache()
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: ShapedValidation(limits.max_depth, limits.max_aliases, maxsize=256),
        lambda: MaxTokensLimiter(max_token_count=max_tokens),
        ExplainAbortedValidation,
    ]
    if max_cost:
        extensions.append(lambda: QueryCost(max_cost, costs))
    return extensions


ABORTED = "Validation aborted."
"""graphql-core's whole message when validation ran out of its budget (or recursion)."""


class ExplainAbortedValidation(SchemaExtension):
    """Replaces graphql-core's bare "Validation aborted." with what the client can change."""

    def on_validate(self) -> Iterator[None]:
        self._explain()  # strawberry's ValidationCache validates before the later extensions' hooks
        yield
        self._explain()

    def _explain(self) -> None:
        context = self.execution_context
        errors = context.pre_execution_errors
        if errors:
            context.pre_execution_errors = [_explained(e) for e in errors]


_LIMIT_CODES = (
    (re.compile(r"exceeds maximum operation depth of \d+$"), "QUERY_TOO_DEEP"),
    (re.compile(r"^\d+ aliases found\. Allowed: \d+$"), "TOO_MANY_ALIASES"),
    (re.compile(r"^Syntax Error: Document contains more than \d+ tokens\. Parsing aborted\.$"), "TOO_MANY_TOKENS"),
)


def _explained(error: GraphQLError) -> GraphQLError:
    if error.message == ABORTED:
        return GraphQLError(TOO_COMPLEX, extensions={"code": "QUERY_TOO_COMPLEX"})
    return error


def code_limit_error(error: GraphQLError) -> None:
    """Give a limit's error a code a client can branch on, in place (``QUERY_TOO_COSTLY`` had one; these had none).

    Called on every error before it is answered (``schema.build``): the token limit stops
    the parser inside ParserCache's hook, where no later extension hook sees its error.
    """
    for pattern, code in _LIMIT_CODES:
        if pattern.search(error.message) and not (error.extensions or {}).get("code"):
            error.extensions = {**(error.extensions or {}), "code": code}
