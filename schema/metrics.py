"""Count and time GraphQL operations for ``/metrics`` (``middleware.metrics``)."""

from __future__ import annotations

import time
from collections.abc import Iterator

from graphql import FieldNode, OperationDefinitionNode
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from middleware.metrics import ServiceMetrics

__all__ = ["OperationMetrics"]


def _first_root_field(context: ExecutionContext) -> str:
    """The operation's first root field (``-`` where the document has none to name)."""
    document = context.graphql_document
    if document is None:
        return "-"
    wanted = context.operation_name
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        if wanted is not None and (definition.name is None or definition.name.value != wanted):
            continue
        for selection in definition.selection_set.selections:
            if isinstance(selection, FieldNode):
                return selection.name.value
        return "-"
    return "-"


class OperationMetrics(SchemaExtension):
    """One count and one duration per operation, labelled by type, first root field and outcome."""

    def __init__(self, metrics: ServiceMetrics) -> None:
        self.metrics = metrics
        self._executed = False

    def on_execute(self) -> Iterator[None]:
        """Note that the document got past parsing, validation and the limits."""
        self._executed = True
        yield

    def on_operation(self) -> Iterator[None]:
        """Time the whole operation, then label it by what it asked and how it went."""
        began = time.perf_counter()
        try:
            yield
        finally:
            context = self.execution_context
            if not self._executed or context.graphql_document is None:
                operation, field, outcome = "-", "-", "rejected"  # unvalidated names would be unbounded labels
            else:
                operation = context.operation_type.value
                field = _first_root_field(context)
                errors = context.result.errors if context.result is not None else context.pre_execution_errors
                outcome = "error" if errors else "ok"
            self.metrics.operation(operation, field, outcome, time.perf_counter() - began)
