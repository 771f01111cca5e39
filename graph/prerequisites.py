"""Pure functions over the prerequisite DAG (edges run prerequisite -> concept).

Shaped like networkx's ``algorithms/dag.py``: each takes the graph and plain values and
returns plain values. Cycles are written in "requires" order: ``["a", "b", "c"]``
means a requires b, b requires c, and c requires a.
"""

from __future__ import annotations

from collections.abc import Collection

import networkx as nx

__all__ = [
    "closure_bounds",
    "cycle_if_added",
    "dependents",
    "feedback_edges",
    "find_cycles",
    "longest_chain",
    "prerequisite_closure",
]


def prerequisite_closure(dag: nx.DiGraph[str], concept: str, max_depth: int | None = None) -> list[str]:
    """The prerequisites of ``concept``, nearest first.

    Args:
        dag: the prerequisite DAG.
        concept: a node of ``dag``.
        max_depth: 1 gives the direct prerequisites; ``None`` the whole closure.

    Returns:
        Concept ids ordered by distance, then by id.

    Examples:
        >>> g = nx.DiGraph([("a", "b"), ("b", "c"), ("x", "c")])
        >>> prerequisite_closure(g, "c")
        ['b', 'x', 'a']
        >>> prerequisite_closure(g, "c", max_depth=1)
        ['b', 'x']
    """
    return _walk(dag.pred, concept, max_depth)


def dependents(dag: nx.DiGraph[str], concept: str, max_depth: int | None = 1) -> list[str]:
    """The concepts that require ``concept`` (directly by default), nearest first.

    Examples:
        >>> g = nx.DiGraph([("a", "b"), ("b", "c")])
        >>> dependents(g, "a"), dependents(g, "a", max_depth=None)
        (['b'], ['b', 'c'])
    """
    return _walk(dag.succ, concept, max_depth)


def _walk(adjacency: object, start: str, max_depth: int | None) -> list[str]:
    """Breadth-first walk; ``adjacency`` is ``dag.pred`` or ``dag.succ``."""
    neighbours = adjacency  # networkx adjacency view: node -> {neighbour: attrs}
    seen = {start}
    out: list[str] = []
    frontier = [start]
    depth = 0
    while frontier and (max_depth is None or depth < max_depth):
        layer = sorted({n for node in frontier for n in neighbours[node] if n not in seen})  # type: ignore[index]
        seen.update(layer)
        out.extend(layer)
        frontier = layer
        depth += 1
    return out


def cycle_if_added(dag: nx.DiGraph[str], concept: str, prerequisite: str) -> list[str] | None:
    """The cycle that "``concept`` requires ``prerequisite``" would close, if any.

    Examples:
        >>> g = nx.DiGraph([("a", "b"), ("b", "c")])   # c requires b requires a
        >>> cycle_if_added(g, "a", "c")                 # a requires c: a cycle
        ['a', 'c', 'b']
        >>> cycle_if_added(g, "c", "a") is None
        True
    """
    if concept == prerequisite:
        return [concept]
    if concept not in dag or prerequisite not in dag:
        return None
    try:
        path = nx.shortest_path(dag, concept, prerequisite)
    except nx.NetworkXNoPath:
        return None
    return [concept, *reversed(path[1:])]


def find_cycles(dag: nx.DiGraph[str], limit: int = 1000) -> list[list[str]]:
    """Every elementary cycle (up to ``limit``), in requires order, sorted.

    Examples:
        >>> find_cycles(nx.DiGraph([("a", "b"), ("b", "a"), ("c", "c")]))
        [['a', 'b'], ['c']]
    """
    cycles: list[list[str]] = []
    for cycle in nx.simple_cycles(dag):
        # simple_cycles follows edges prerequisite -> concept; reverse for "requires".
        requires = list(reversed(cycle))
        pivot = requires.index(min(requires))
        cycles.append(requires[pivot:] + requires[:pivot])
        if len(cycles) >= limit:
            break
    return sorted(cycles)


def feedback_edges(dag: nx.DiGraph[str], keep: Collection[tuple[str, str]] = ()) -> list[tuple[str, str]]:
    """Edges whose removal leaves a DAG, as ``(concept, prerequisite)`` pairs.

    Greedy: while a cycle remains, drop its weakest edge (ties: the edge that closes
    the cycle found), never one of ``keep`` (``(prerequisite, concept)`` edges of the
    dag, the stored ones when a batch is checked) while the cycle has another: leaving
    out a stored edge would not remove it, and the batch's edge would close the cycle.
    Not minimum, but small and deterministic.

    Examples:
        >>> feedback_edges(nx.DiGraph([("a", "b"), ("b", "c"), ("c", "a")]))
        [('b', 'a')]
        >>> feedback_edges(nx.DiGraph([("a", "b"), ("b", "c"), ("c", "a")]), keep={("a", "b"), ("b", "c")})
        [('a', 'c')]
    """
    kept = set(keep)
    work: nx.DiGraph[str] = nx.DiGraph(dag)
    dropped: list[tuple[str, str]] = []
    for component in sorted(nx.strongly_connected_components(work), key=min):
        nodes = sorted(component)
        if len(nodes) == 1 and not work.has_edge(nodes[0], nodes[0]):
            continue
        sub = work.subgraph(nodes).copy()
        while True:
            try:
                cycle = nx.find_cycle(sub, source=nodes[0])
            except nx.NetworkXNoCycle:
                break
            weakest = min(cycle, key=lambda e: ((e[0], e[1]) in kept, sub.edges[e[0], e[1]].get("strength", 1.0)))
            u, v = weakest[0], weakest[1]
            sub.remove_edge(u, v)
            work.remove_edge(u, v)
            dropped.append((v, u))
    return sorted(dropped)


def longest_chain(dag: nx.DiGraph[str]) -> list[str]:
    """The longest prerequisite chain, first prerequisite first.

    Examples:
        >>> longest_chain(nx.DiGraph([("a", "b"), ("b", "c"), ("a", "c")]))
        ['a', 'b', 'c']
    """
    return [str(n) for n in nx.dag_longest_path(dag)]


def closure_bounds(dag: nx.DiGraph[str]) -> tuple[int, int]:
    """The most prerequisites (transitively) any concept has, and the most dependents.

    What a transitive list can cost: a query's cost estimate reads these rather than a
    guess, which junyi's graph (one concept with 653 dependents) ran past. Closures are
    bit sets built in topological order, one OR per edge.

    Examples:
        >>> closure_bounds(nx.DiGraph([("a", "b"), ("b", "c"), ("a", "d")]))
        (2, 3)
        >>> closure_bounds(nx.DiGraph())
        (0, 0)
    """
    if not nx.is_directed_acyclic_graph(dag):  # refused on write; an upper bound anyway
        size = max(dag.number_of_nodes() - 1, 0)
        return size, size
    order = list(nx.topological_sort(dag))
    bit = {node: 1 << i for i, node in enumerate(order)}
    above: dict[str, int] = {}
    for node in order:
        mask = 0
        for parent in dag.predecessors(node):
            mask |= above[parent] | bit[parent]
        above[node] = mask
    below: dict[str, int] = {}
    for node in reversed(order):
        mask = 0
        for child in dag.successors(node):
            mask |= below[child] | bit[child]
        below[node] = mask
    most_above = max((m.bit_count() for m in above.values()), default=0)
    most_below = max((m.bit_count() for m in below.values()), default=0)
    return most_above, most_below
