"""A document's depth, aliases and repeated fields, each fragment measured once.

strawberry's ``QueryDepthLimiter`` and ``MaxAliasesLimiter`` walk a fragment again at
every spread: 1 KB of fragments that each spread the one before under three list fields
took 16 s to check at 13 levels (three times longer at each level), on the event loop,
so every other request waited. Here a fragment's depth and alias count are computed once
and reused at each spread, so the walk is linear in the document's length.

graphql-core's check that same-named fields can merge compares every pair of them: one
field repeated 2,000 times in a selection took 2.2 s before graphql-core gave up. A
selection naming one field (or spreading one fragment) more than ``MAX_REPEATS`` times
is refused before that check runs; no real query repeats a field more than a few times.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from strawberry.extensions import ValidationCache

__all__ = ["MAX_REPEATS", "TOO_COMPLEX", "ShapedValidation", "shape_errors"]

MAX_REPEATS = 100
"""The most times one selection may name the same field or spread the same fragment."""
TOO_COMPLEX = (
    "The query is too complex to validate: it repeats a field or a fragment too many times "
    "(GraphQL checks every pair of same-named fields). Ask for each field once."
)


class _Measure:
    """Depths and alias counts of a document's selections, memoized per fragment."""

    def __init__(self, fragments: Mapping[str, FragmentDefinitionNode]) -> None:
        self.fragments = fragments
        self._depth: dict[str, int] = {}
        self._aliases: dict[str, int] = {}
        self._open: set[str] = set()  # fragments being measured: a cycle counts 0 (validation refuses it)

    def depth(self, selections: SelectionSetNode | None) -> int:
        """Nested selection levels below ``selections``, as strawberry counts them (introspection fields: 0)."""
        deepest = 0
        for selection in selections.selections if selections else ():
            if isinstance(selection, FieldNode):
                if selection.selection_set and not selection.name.value.startswith("__"):
                    deepest = max(deepest, 1 + self.depth(selection.selection_set))
            elif isinstance(selection, InlineFragmentNode):
                deepest = max(deepest, self.depth(selection.selection_set))
            elif isinstance(selection, FragmentSpreadNode):
                deepest = max(deepest, self._of_fragment(selection.name.value, self._depth, self.depth))
        return deepest

    def aliases(self, selections: SelectionSetNode | None) -> int:
        """Aliased fields below ``selections``, each spread of a fragment counting its own."""
        count = 0
        for selection in selections.selections if selections else ():
            if isinstance(selection, FieldNode):
                count += (selection.alias is not None) + self.aliases(selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                count += self.aliases(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                count += self._of_fragment(selection.name.value, self._aliases, self.aliases)
        return count

    def _of_fragment(self, name: str, memo: dict[str, int], measure: Callable[[SelectionSetNode | None], int]) -> int:
        if name in memo:
            return memo[name]
        fragment = self.fragments.get(name)
        if fragment is None or name in self._open:
            return 0
        self._open.add(name)
        try:
            memo[name] = measure(fragment.selection_set)
        finally:
            self._open.discard(name)
        return memo[name]


def _selection_sets(node: object) -> Iterator[SelectionSetNode]:
    """Every selection set written in ``node`` (fragments are not expanded)."""
    stack = [node]
    while stack:
        current = stack.pop()
        selections = getattr(current, "selection_set", None)
        if isinstance(selections, SelectionSetNode):
            yield selections
            stack.extend(selections.selections)


def _most_repeated(document: DocumentNode) -> int:
    most = 0
    for definition in document.definitions:
        for selections in _selection_sets(definition):
            names = Counter(
                ("field", s.alias.value if s.alias else s.name.value)
                if isinstance(s, FieldNode)
                else ("spread", s.name.value)
                for s in selections.selections
                if isinstance(s, FieldNode | FragmentSpreadNode)
            )
            most = max(most, max(names.values(), default=0))
    return most


_Refusal = tuple[str, str | None, OperationDefinitionNode | None]
"""A refusal's message, code (None: given by ``code_limit_error``) and the operation it names."""


@lru_cache(maxsize=256)
def _refusals(document: DocumentNode, max_depth: int, max_aliases: int) -> tuple[_Refusal, ...]:
    if _most_repeated(document) > MAX_REPEATS:
        return ((TOO_COMPLEX, "QUERY_TOO_COMPLEX", None),)
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    measure = _Measure(fragments)
    found: list[_Refusal] = [
        (
            f"'{operation.name.value if operation.name else 'anonymous'}' exceeds maximum operation depth of "
            f"{max_depth}",
            None,
            operation,
        )
        for operation in operations
        if measure.depth(operation.selection_set) > max_depth
    ]
    aliases = sum(measure.aliases(operation.selection_set) for operation in operations)
    if aliases > max_aliases:
        found.append((f"{aliases} aliases found. Allowed: {max_aliases}", None, None))
    return tuple(found)


def shape_errors(document: DocumentNode, max_depth: int, max_aliases: int) -> list[GraphQLError]:
    """The limit errors of ``document``, with strawberry's messages (a client may match on them); fresh each call."""
    return [
        GraphQLError(message, [node] if node else None, extensions={"code": code} if code else None)
        for message, code, node in _refusals(document, max_depth, max_aliases)
    ]


class ShapedValidation(ValidationCache):
    """strawberry's cached validation, after the shape limits: a document over one is refused unvalidated."""

    def __init__(self, max_depth: int, max_aliases: int, maxsize: int = 256) -> None:
        super().__init__(maxsize=maxsize)
        self.max_depth, self.max_aliases = max_depth, max_aliases

    def on_validate(self) -> Iterator[None]:
        document = self.execution_context.graphql_document
        errors = shape_errors(document, self.max_depth, self.max_aliases) if document is not None else []
        if errors:
            self.execution_context.pre_execution_errors = errors
            yield
            return
        yield from super().on_validate()
