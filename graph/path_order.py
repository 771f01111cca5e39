"""Which concepts a learning path studies, and in what order: pure walks over the needed prerequisites.

Separate from ``graph.learning_path`` (the plan and its types) because the order is an
algorithm of its own, the one ``python -m bench.path_order`` compares with textbooks:
Kahn's algorithm that keeps chains together, cheapest first (the module docstring of
``graph.learning_path`` says why). Each function takes the needed concepts, each with
its needed prerequisites, as ``needed_concepts`` returns them.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Collection, Mapping, Sequence

import networkx as nx

__all__ = ["needed_concepts", "targets_reached", "teaching_order"]


def needed_concepts(
    dag: nx.DiGraph[str],
    roots: Sequence[str],
    effective: Callable[[str], float],
    threshold: float,
    revisits: Collection[str] = (),
) -> tuple[dict[str, list[str]], set[str]]:
    """Unmastered concepts the roots need (through unmastered ones), each with its needed
    prerequisites (sorted), and the mastered frontier.

    ``revisits`` (``Doubt.revisits``): needed, but their own prerequisites are not opened.

    Examples:
        >>> g = nx.DiGraph([("add", "mul"), ("mul", "pow"), ("add", "sub")])
        >>> needed_concepts(g, ["pow", "sub"], lambda c: {"add": 0.9}.get(c, 0.0), 0.8)
        ({'sub': [], 'pow': ['mul'], 'mul': []}, {'add'})
    """
    needed: dict[str, list[str]] = {}
    assumed: set[str] = set()
    stack = list(dict.fromkeys(roots))
    seen = set(stack)
    while stack:
        concept = stack.pop()
        mine = needed[concept] = []
        for p in () if concept in revisits else dag.pred[concept]:
            if p in assumed:
                continue
            if p in seen:
                mine.append(p)
            elif effective(p) >= threshold:
                assumed.add(p)
            else:
                seen.add(p)
                mine.append(p)
                stack.append(p)
        mine.sort()
    return needed, assumed


def _post_order(roots: Sequence[str], children: Callable[[str], Sequence[str]]) -> list[str]:
    """Depth-first post-order from ``roots``: each concept after everything it needs."""
    order: list[str] = []
    done: set[str] = set()
    for root in roots:
        if root in done:
            continue
        done.add(root)
        stack = [(root, iter(children(root)))]
        while stack:
            concept, pending = stack[-1]
            for p in pending:
                if p not in done:
                    done.add(p)
                    stack.append((p, iter(children(p))))
                    break
            else:
                stack.pop()
                order.append(concept)
    return order


def teaching_order(roots: Sequence[str], needed: Mapping[str, list[str]], minutes: Mapping[str, int]) -> list[str]:
    """A prerequisite-first order that keeps chains together, cheapest first.

    Kahn's algorithm with a priority: among the concepts whose prerequisites are all
    studied, take the one the latest step made ready (so a chain goes on while it can:
    related concepts stay together and a chain is finished before another starts), then
    the one with the cheapest chain of prerequisites, then the id. A concept's rank is
    fixed when it becomes ready, so a heap gives the order in O(n log n).

    Examples:
        >>> needed = {"sub": [], "pow": ["mul"], "mul": []}
        >>> teaching_order(["pow", "sub"], needed, {"sub": 10, "pow": 10, "mul": 10})
        ['mul', 'pow', 'sub']
        >>> teaching_order(["pow", "sub"], needed, {"sub": 5, "pow": 10, "mul": 10})
        ['sub', 'mul', 'pow']
    """
    cost: dict[str, int] = {}
    for concept in _post_order(roots, needed.__getitem__):
        # The chain's cost, counting a shared prerequisite once per route: an estimate
        # to rank alternatives with, capped so deep diamonds stay cheap to add up.
        cost[concept] = min(minutes[concept] + sum(cost[p] for p in needed[concept]), 10**9)
    waiting = {c: len(ps) for c, ps in needed.items()}
    unlocks: dict[str, list[str]] = {c: [] for c in needed}
    for concept, prerequisites in needed.items():
        for p in prerequisites:
            unlocks[p].append(concept)
    ready = [(1, cost[c], c) for c, n in waiting.items() if n == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        concept = heapq.heappop(ready)[2]
        step = len(order)
        order.append(concept)
        for d in unlocks[concept]:
            waiting[d] -= 1
            if waiting[d] == 0:
                heapq.heappush(ready, (-step, cost[d], d))
    return order


def targets_reached(goals: Sequence[str], needed: Mapping[str, list[str]]) -> dict[str, tuple[str, ...]]:
    """For each needed concept, the targets it leads to (in the order given).

    Examples:
        >>> targets_reached(["pow", "sub"], {"sub": [], "pow": ["mul"], "mul": []})
        {'sub': ('sub',), 'pow': ('pow',), 'mul': ('pow',)}
    """
    reached: dict[str, list[str]] = {c: [] for c in needed}
    for target in goals:
        if target not in needed:
            continue
        seen = {target}
        stack = [target]
        while stack:
            concept = stack.pop()
            reached[concept].append(target)
            for p in needed[concept]:
                if p not in seen:
                    seen.add(p)
                    stack.append(p)
    return {c: tuple(ts) for c, ts in reached.items()}
