"""Which operation a request runs, when its document holds several.

The GraphQL spec asks for an error when a document holds more than one operation and
the request names none. Strawberry instead runs the first, so a client that sent a
document of two mutations without ``operationName`` had one run and never learnt the
other did not. ``operations_needing_a_name`` tells the HTTP view to refuse the request.
"""

from __future__ import annotations

import re
from functools import lru_cache

from graphql import GraphQLError, OperationDefinitionNode, parse

__all__ = ["operations_needing_a_name"]

_KEYWORD = re.compile(r"\b(?:query|mutation|subscription)\b")


def operations_needing_a_name(query: str) -> tuple[str, ...]:
    """The operations of ``query`` when it holds more than one (one of them must be named), else ().

    Examples:
        >>> operations_needing_a_name("query A { a } mutation B { b }")
        ('A', 'B')
        >>> operations_needing_a_name("query A { a } fragment F on T { b }")
        ()
    """
    if len(_KEYWORD.findall(query)) < 2:  # fewer than two operations can be named: no parse
        return ()
    return _operations(query)


@lru_cache(maxsize=256)
def _operations(query: str) -> tuple[str, ...]:
    try:
        document = parse(query, no_location=True)
    except GraphQLError:
        return ()  # strawberry reports the syntax error
    names = [
        d.name.value if d.name else "(anonymous)"
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode)
    ]
    return tuple(names) if len(names) > 1 else ()
