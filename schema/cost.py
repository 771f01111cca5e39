"""A bound on how much one document may ask for: an estimate of the objects it resolves.

Depth, aliases and tokens (``schema.limits``) bound the document's shape, not its work:
``concepts(first: 100) { dependents(transitive: true) { dependents(transitive: true) {
... } } }`` stays well under the depth limit yet multiplies lists into billions of
objects, and resolvers share one event loop, so such a query stalled every other client
for minutes. This estimate, GitHub's "node limit" in spirit, multiplies each list by
how long it can be and refuses a document over ``max_cost`` before any resolver runs:

- a field with a ``first`` argument: its value (variables and defaults read), for the
  field itself when it returns a list, else for the lists directly under it (a
  connection's ``edges``, ``Recommendations.items``);
- a field with ``transitive: true``: ``TRANSITIVE`` (a closure's typical size);
- a field given a list of ids (``mastery(conceptIds: [...])``, ``cohortMastery``'s rows):
  the longest such list, for the field itself when it returns a list, else (at least
  ``LIST``) for the lists directly under it. Counted as ``LIST``, 42,600 repeated ids
  under nested transitive lists (a 1 MB body, a student's token) held a server's event
  loop at 94% CPU and 6 GB until it was killed;
- ``Cohort.students``: the largest cohort's size (a cohort of 20,000 counted as 10,
  and 20 aliases of it held the server two minutes);
- any other list: ``LIST``.

A field that does a whole store's work whatever it selects (an export) weighs
``FIELD_WEIGHTS`` objects: 45 aliased exports took 11 s and 12 MB.

Each object counts 1, so a scalar field costs 1 and a list of ``n`` objects with ``k``
scalars costs ``n * (1 + k)``. Introspection is free (GraphiQL's query is large but
cheap, and production turns introspection off). The estimate runs after validation
(the document is known to be well formed) and before execution.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLID,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    Undefined,
    ValueNode,
    get_named_type,
    is_input_type,
    type_from_ast,
    value_from_ast,
)
from strawberry.extensions import SchemaExtension

from schema.limits import MAX_PAGE

__all__ = ["FIELD_WEIGHTS", "LIST", "TRANSITIVE", "CostCache", "QueryCost", "cohort_sizes", "query_cost"]

LIST = 10
"""The assumed length of a list that no argument bounds (a concept's materials, a path's steps)."""

TRANSITIVE = 50
"""The assumed size of a transitive closure (``prerequisites``/``dependents(transitive: true)``)."""

FIELD_WEIGHTS: Mapping[tuple[str, str], int] = {
    ("Query", "exportCurriculum"): 10_000,
    ("Query", "exportCurriculumCsv"): 10_000,
}
"""Objects a field counts as itself, by (type, field): an export serialises a curriculum whole."""


def query_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None = None,
    variables: Mapping[str, Any] | None = None,
    *,
    max_page: int = MAX_PAGE,
    closures: Mapping[str, int] | None = None,
) -> int:
    """The estimated number of objects the operation resolves (0 for an unknown operation).

    A ``first`` over ``max_page`` counts as ``max_page``: the resolver refuses it with
    an error that names the cap, clearer than a cost. ``closures`` gives a transitive
    field's size by field name (``transitive_sizes``; a field not in it counts as
    ``TRANSITIVE``) and a list's by ``Type.field`` (``cohort_sizes``; else ``LIST``).

    Examples:
        >>> from graphql import build_schema, parse
        >>> s = build_schema("type Q { cs(first: Int! = 20): C! n: Int } type C { edges: [E!]! } "
        ...                  "type E { node: N! } type N { id: ID! tags: [String!]! }  schema { query: Q }")
        >>> query_cost(s, parse("{ n cs(first: 3) { edges { node { id tags } } } }"))
        41
        >>> query_cost(s, parse("query($k: Int!) { cs(first: $k) { edges { node { id } } } }"), variables={"k": 100})
        301
    """
    operation = _operation(document, operation_name)
    root = {"query": schema.query_type, "mutation": schema.mutation_type, "subscription": schema.subscription_type}
    parent = root.get(operation.operation.value) if operation is not None else None
    if operation is None or parent is None:
        return 0
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    estimate = _Estimate(schema, fragments, _with_defaults(schema, operation, variables or {}), max_page)
    estimate.closures = dict(closures or {})
    return estimate.selection(operation.selection_set, parent, None)


def transitive_sizes(kg: object) -> dict[str, int]:
    """What a transitive list costs on this graph: its largest closure, at least ``TRANSITIVE``.

    A fixed guess of 50 let ``dependents(transitive: true)`` nested twice pass on junyi's
    graph, where one concept has 653 dependents: the estimate said 5,000 objects where
    the answer held hundreds of thousands. (``kg`` is a ``KnowledgeGraph``; anything else
    gets the guess.)
    """
    projection = getattr(kg, "projection", None)
    bounds = getattr(projection, "closure_bounds", None)
    if bounds is None:
        return {}
    most_prerequisites, most_dependents = bounds()
    return {"prerequisites": max(TRANSITIVE, most_prerequisites), "dependents": max(TRANSITIVE, most_dependents)}


def cohort_sizes(kg: object) -> dict[str, int]:
    """What ``Cohort.students`` costs on this graph: its largest cohort, at least ``LIST``."""
    from graph.cohorts import largest_cohort_size
    from graph.repository import KnowledgeGraph

    return {"Cohort.students": max(LIST, largest_cohort_size(kg))} if isinstance(kg, KnowledgeGraph) else {}


def _with_defaults(
    schema: GraphQLSchema, operation: OperationDefinitionNode, variables: Mapping[str, Any]
) -> dict[str, Any]:
    """The variables as execution sees them: a left-out variable takes its default from the operation.

    Read without them, ``query($n: Int! = 100) { concepts(first: $n) ... }`` sent with no
    variables was costed at the field's default page (20) and ran at 100: nested
    transitive lists resolved 3.5 times the limit and held the server for seconds.
    """
    merged = dict(variables)
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if name in merged or definition.default_value is None:
            continue
        kind = type_from_ast(schema, definition.type)  # None: an unknown type; validation made any other an input type
        value = value_from_ast(definition.default_value, kind) if is_input_type(kind) else Undefined
        if value is not Undefined:
            merged[name] = value
    return merged


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:  # strawberry runs the first operation of a document that names none
        return operations[0] if operations else None
    return next((o for o in operations if o.name is not None and o.name.value == name), None)


class _Estimate:
    """One walk over a document; fragments are costed once per (fragment, page) and reused."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: dict[str, Any],  # a dict, as value_from_ast takes them
        max_page: int,
    ) -> None:
        self.schema, self.fragments, self.variables, self.max_page = schema, fragments, variables, max_page
        self.closures: dict[str, int] = {}
        self.memo: dict[tuple[str, int | None], int] = {}
        self.open: set[str] = set()  # fragments being costed (a cycle, refused by validation anyway)

    def selection(self, selections: SelectionSetNode, parent: GraphQLNamedType, page: int | None) -> int:
        return sum(self._one(node, parent, page) for node in selections.selections)

    def _one(self, node: Any, parent: GraphQLNamedType, page: int | None) -> int:
        if isinstance(node, FieldNode):
            return self._field(node, parent, page)
        if isinstance(node, InlineFragmentNode):
            target = self.schema.get_type(node.type_condition.name.value) if node.type_condition else parent
            return self.selection(node.selection_set, target, page) if target is not None else 0
        if isinstance(node, FragmentSpreadNode):
            return self._fragment(node.name.value, page)
        return 0

    def _fragment(self, name: str, page: int | None) -> int:
        key = (name, page)
        if key in self.memo:
            return self.memo[key]
        fragment = self.fragments.get(name)
        target = self.schema.get_type(fragment.type_condition.name.value) if fragment is not None else None
        if fragment is None or target is None or name in self.open:
            return 0
        self.open.add(name)
        self.memo[key] = cost = self.selection(fragment.selection_set, target, page)
        self.open.discard(name)
        return cost

    def _field(self, node: FieldNode, parent: GraphQLNamedType, page: int | None) -> int:
        name = node.name.value
        if name.startswith("__") or not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return 0
        definition = parent.fields.get(name)
        if definition is None:
            return 0
        is_list = isinstance(_unwrap(definition.type), GraphQLList)
        arguments = dict(self._arguments(node, definition))
        times, below = 1, None
        if "first" in definition.args:
            first = arguments.get("first")
            size = min(first, self.max_page) if isinstance(first, int) and first >= 0 else LIST
            times, below = (size, None) if is_list else (1, size)
        elif arguments.get("transitive") is True:
            times = self.closures.get(node.name.value, TRANSITIVE)
        elif (ids := self._longest_id_list(node, definition)) is not None:
            times, below = (ids, None) if is_list else (1, max(ids, LIST))
        elif is_list:
            times = self.closures.get(f"{parent.name}.{name}", LIST if page is None else page)
        children = (
            self.selection(node.selection_set, get_named_type(definition.type), below) if node.selection_set else 0
        )
        return times * (FIELD_WEIGHTS.get((parent.name, name), 1) + children)

    def _arguments(self, node: FieldNode, definition: GraphQLField) -> Iterator[tuple[str, Any]]:
        given = {a.name.value: a.value for a in node.arguments or ()}
        for name in ("first", "transitive"):
            argument = definition.args.get(name)
            if argument is None:
                continue
            value: ValueNode | None = given.get(name)
            read = Undefined if value is None else value_from_ast(value, argument.type, self.variables)
            yield name, argument.default_value if read is Undefined else read

    def _longest_id_list(self, node: FieldNode, definition: GraphQLField) -> int | None:
        """The length of the longest list of ids given to the field, None when it is given none."""
        given = {a.name.value: a.value for a in node.arguments or ()}
        lengths = []
        for name, argument in definition.args.items():
            if name not in given or not _is_id_list(argument.type):
                continue
            value = value_from_ast(given[name], argument.type, self.variables)
            if isinstance(value, list):
                lengths.append(len(value))
        return max(lengths) if lengths else None


def _is_id_list(kind: Any) -> bool:
    kind = _unwrap(kind)
    return isinstance(kind, GraphQLList) and get_named_type(kind).name == GraphQLID.name


def _unwrap(kind: Any) -> Any:
    return kind.of_type if isinstance(kind, GraphQLNonNull) else kind


class CostCache:
    """The costs of recent documents, by query text, operation and scalar variables.

    Frontends send the same few documents, and a cost depends only on the document and
    its ``first`` and ``transitive`` values, which are Int and Boolean variables where
    they are variables: those (and every other scalar, cheaply) are the key, with the
    length of each list (a list of ids counts by its length). Walking a
    small document costs about 20 us, a tenth of a small query's whole time.
    """

    def __init__(self, maxsize: int = 256) -> None:
        self.maxsize = maxsize
        self.costs: OrderedDict[tuple[object, ...], int] = OrderedDict()

    def cost(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        query: str | None,
        name: str | None,
        variables: Mapping[str, Any] | None,
        closures: Mapping[str, int] | None = None,
    ) -> int:
        """``query_cost``, remembered for ``query`` (not remembered when there is no query text)."""
        if query is None:
            return query_cost(schema, document, name, variables, closures=closures)
        scalars = tuple(
            (k, type(v).__name__, len(v) if isinstance(v, list) else v)
            for k, v in (variables or {}).items()
            if v is None or isinstance(v, int | float | list)
        )
        key = (query, name, scalars, tuple(sorted((closures or {}).items())))
        if key in self.costs:
            self.costs.move_to_end(key)
            return self.costs[key]
        cost = self.costs[key] = query_cost(schema, document, name, variables, closures=closures)
        if len(self.costs) > self.maxsize:
            self.costs.popitem(last=False)
        return cost


class QueryCost(SchemaExtension):
    """Refuses, before execution, a document whose ``query_cost`` is over ``max_cost``.

    Runs in the validation step after strawberry's ``ValidationCache``: a document that
    failed validation is left to those errors; one that passed gets this check added.
    """

    def __init__(self, max_cost: int, cache: CostCache | None = None) -> None:
        super().__init__()
        self.max_cost, self.cache = max_cost, cache or CostCache(maxsize=0)

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and not context.pre_execution_errors:
            kg = getattr(context.context, "kg", None)
            closures = transitive_sizes(kg)
            query = context.query
            # the store is asked only where Cohort.students may be named (cohort, cohorts, createCohort...)
            if query is None or ("students" in query and "cohort" in query.lower()):
                closures.update(cohort_sizes(kg))
            cost = self.cache.cost(
                context.schema._schema, document, context.query, context.operation_name, context.variables, closures
            )
            if cost > self.max_cost:
                context.pre_execution_errors = [self._refusal(cost)]
        yield

    def _refusal(self, cost: int) -> GraphQLError:
        return GraphQLError(
            f"The query would resolve about {cost:,} objects, over the limit of {self.max_cost:,}: ask for "
            "smaller pages (first), fewer transitive lists, or fewer lists nested in lists.",
            extensions={"code": "QUERY_TOO_COSTLY", "cost": cost, "maxCost": self.max_cost},
        )
