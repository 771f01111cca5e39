"""``extensions.code`` (and ``field``, ``problems``) on every domain error a resolver raises outside a result union.

Mutations answer refusals as typed results (``CurriculumError`` and the like), but a
query argument checked by the graph (``first: 1000``, a cursor that does not decode, an
empty student id) surfaced as a GraphQL error carrying only its message, so a frontend
had to match text. The graph's error already knows its code and the argument at fault.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from graphql import DocumentNode, GraphQLError
from graphql.language import ArgumentNode, ListValueNode, ObjectValueNode, ValueNode, VariableNode, visit
from graphql.language.visitor import Visitor
from strawberry.extensions import SchemaExtension

from graph.errors import ErrorCode, KnowledgeGraphError

__all__ = ["DomainErrorCodes", "code_document_error", "no_model"]


class DomainErrorCodes(SchemaExtension):
    """Adds ``code`` and ``field`` from a ``KnowledgeGraphError`` to its GraphQL error."""

    def on_execute(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        for error in (result.errors if result is not None else None) or []:
            original = error.original_error
            if no_model(original) and "code" not in (error.extensions or {}):  # the operator's to fix, not the request
                error.extensions = {**(error.extensions or {}), "code": ErrorCode.UNAVAILABLE.value}
            if isinstance(original, KnowledgeGraphError) and "code" not in (error.extensions or {}):
                extra: dict[str, object] = {"code": original.code.value}
                if original.field:
                    extra["field"] = original.field
                problems = getattr(original, "problems", None)
                if problems:  # every unknown id with the closest one, as the typed refusals list them
                    extra["problems"] = list(problems)
                error.extensions = {**(error.extensions or {}), **extra}


def no_model(error: BaseException | None) -> bool:
    """Whether ``error`` says no mastery model is served (none installed, or its files do not load)."""
    if error is None:
        return False
    from ml.mastery.serving import NoModel

    return isinstance(error, NoModel)


_ARGUMENT = re.compile(r"Argument '(\w+)' has invalid value: ")
_VARIABLE = re.compile(r"Variable '\$(\w+)' (?:has invalid value(?: at (\S+?))?:|of required type)")


def code_document_error(error: GraphQLError, document: DocumentNode | None = None) -> None:
    """Give a refused document's error a code, in place (they had none, so a client matched English).

    ``GRAPHQL_PARSE_FAILED`` for a syntax error, ``BAD_USER_INPUT`` for a variable's value
    of the wrong type, ``GRAPHQL_VALIDATION_FAILED`` for any other error found before
    execution (an unknown field, a missing argument): the codes Apollo and most GraphQL
    clients know. An error with a path (raised while executing) is not one of these.

    Examples:
        >>> error = GraphQLError("Syntax Error: Expected Name, found <EOF>.")
        >>> code_document_error(error); error.extensions
        {'code': 'GRAPHQL_PARSE_FAILED'}
        >>> error = GraphQLError("Variable '$n' has invalid value: Int cannot represent non-integer value: 'ten'")
        >>> code_document_error(error); error.extensions
        {'code': 'BAD_USER_INPUT'}
        >>> error = GraphQLError("Variable '$n' is not defined.")  # the document's mistake, not a value's
        >>> code_document_error(error); error.extensions
        {'code': 'GRAPHQL_VALIDATION_FAILED'}
    """
    if (error.extensions or {}).get("code"):
        return
    message = error.message
    if error.path:
        argument = _ARGUMENT.match(message)
        if argument:  # a variable's null for a non-null argument: no code, and Python's "None" for null
            error.message = message.replace(" not to be None.", " not to be null.")
            error.extensions = {**(error.extensions or {}), "code": "BAD_USER_INPUT", "field": argument.group(1)}
        return
    if message.startswith("Variable '$") and ("invalid value" in message or "was not provided" in message):
        code = "BAD_USER_INPUT"  # a value the client sent (coercion keeps the scalar's error as the original)
        variable = _VARIABLE.match(message)
        field = argument_path(document, variable.group(1), variable.group(2)) if variable and document else None
        if field is not None:  # the input as typed errors name it: "attempts.0.timestamp", not "$a at [0].timestamp"
            error.extensions = {**(error.extensions or {}), "field": field}
    elif error.original_error is not None:
        return
    elif message.startswith("Syntax Error"):
        code = "GRAPHQL_PARSE_FAILED"
    else:
        code = "GRAPHQL_VALIDATION_FAILED"
    error.extensions = {**(error.extensions or {}), "code": code}


def argument_path(document: DocumentNode, variable: str, within: str | None) -> str | None:
    """Where a variable stands in the document's arguments, as a typed error's ``field`` (None: several places).

    Examples:
        >>> from graphql import parse
        >>> doc = parse("mutation($a: [AttemptInput!]!) { recordAttempts(attempts: $a) { __typename } }")
        >>> argument_path(doc, "a", "[0].timestamp"), argument_path(doc, "a", None), argument_path(doc, "b", None)
        ('attempts.0.timestamp', 'attempts', None)
        >>> argument_path(parse('{ f(x: [{t: 1}, {t: $t}]) }'), "t", None)
        'x.1.t'
    """
    places: set[str] = set()

    def walk(value: ValueNode, path: list[str]) -> None:
        if isinstance(value, VariableNode):
            if value.name.value == variable:
                places.add(".".join(path))
        elif isinstance(value, ListValueNode):
            for i, item in enumerate(value.values):
                walk(item, [*path, str(i)])
        elif isinstance(value, ObjectValueNode):
            for field in value.fields:
                walk(field.value, [*path, field.name.value])

    class Arguments(Visitor):
        def enter_argument(self, node: ArgumentNode, *_: object) -> None:
            walk(node.value, [node.name.value])

    visit(document, Arguments())
    if len(places) != 1:
        return None
    inner = re.sub(r"\[(\d+)\]", r".\1", within or "").strip(".")
    return ".".join(p for p in (places.pop(), inner) if p)
