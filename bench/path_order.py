"""``python -m bench.path_order``: does the path order follow real textbooks?

For each textbook that metacademy cites by section number for at least ``--min``
concepts, the book's concepts with metacademy's prerequisites among them (an edge where
one is a prerequisite of the other anywhere in the full graph) form the book's own
concept graph. A newcomer's learning path to all of them (targets given in id order, so
the book's order does not leak in) is compared with the book's section order: Kendall's
tau over every pair of concepts, and the share of adjacent path steps that the book
also keeps within one chapter. Baselines on the same graphs: networkx's lexicographic
topological sort, and the mean of 20 random topological orders.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
from collections import defaultdict
from itertools import combinations
from pathlib import Path

import networkx as nx

from graph.learning_path import plan_learning_path
from ingest.metacademy import read_metacademy
from tests.conftest import DATA

SECTION = re.compile(r"(?:Section|Chapter)s?\s+(\d+(?:\.\d+)*)", re.IGNORECASE)


def book_sections(root: Path) -> dict[str, dict[str, tuple[int, ...]]]:
    """source -> concept -> the first section number the book gives for it."""
    books: dict[str, dict[str, tuple[int, ...]]] = defaultdict(dict)
    for folder in sorted((root / "concepts").iterdir()):
        resources = folder / "resources.txt"
        if not resources.is_file():
            continue
        for record in resources.read_text(encoding="utf-8", errors="replace").split("\n\n"):
            source = re.search(r"^source:\s*(\S+)", record, re.MULTILINE)
            location = re.search(r"^location:\s*(.*)$", record, re.MULTILINE)
            if not source or not location:
                continue
            found = SECTION.search(location.group(1))
            if found:
                number = tuple(int(x) for x in found.group(1).split("."))
                books[source.group(1)].setdefault(folder.name.replace("-", "_"), number)
    return books


def book_graph(full: nx.DiGraph[str], concepts: list[str]) -> nx.DiGraph[str]:
    """The book's concepts, with an edge where one requires the other anywhere in ``full``."""
    dag: nx.DiGraph[str] = nx.DiGraph()
    dag.add_nodes_from(concepts)
    inside = set(concepts)
    for c in concepts:
        if c in full:
            dag.add_edges_from((a, c) for a in nx.ancestors(full, c) if a in inside)
    return nx.transitive_reduction(dag) if dag.number_of_edges() else dag


def kendall_tau(order: list[str], reference: dict[str, tuple[int, ...]]) -> float:
    """Pairwise agreement in [-1, 1] (pairs the book ties are skipped)."""
    position = {c: i for i, c in enumerate(order)}
    agree = disagree = 0
    for a, b in combinations(order, 2):
        if reference[a] == reference[b]:
            continue
        same = (position[a] < position[b]) == (reference[a] < reference[b])
        agree += same
        disagree += not same
    return (agree - disagree) / max(1, agree + disagree)


def random_topological(dag: nx.DiGraph[str], rng: random.Random) -> list[str]:
    indegree = {c: d for c, d in dag.in_degree()}
    ready = [c for c, d in indegree.items() if d == 0]
    out = []
    while ready:
        c = ready.pop(rng.randrange(len(ready)))
        out.append(c)
        for d in dag.succ[c]:
            indegree[d] -= 1
            if indegree[d] == 0:
                ready.append(d)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.path_order", description=__doc__.splitlines()[0] if __doc__ else None
    )
    parser.add_argument("--min", type=int, default=20, help="least concepts a book must cite by section")
    args = parser.parse_args()
    root = DATA / "kg" / "metacademy"
    if not root.is_dir():
        raise SystemExit(f"metacademy data not found at {root}")
    bundle = read_metacademy(root)
    full: nx.DiGraph[str] = nx.DiGraph()
    full.add_nodes_from(c.id for c in bundle.concepts)
    full.add_edges_from((e.prerequisite, e.concept) for e in bundle.prerequisites)
    rows = []
    for book, sections in sorted(book_sections(root).items()):
        concepts = sorted(c for c in sections if c in full)
        if len(concepts) < args.min:
            continue
        dag = book_graph(full, concepts)
        path = [s.concept for s in plan_learning_path(dag, concepts, {}).steps]
        rng = random.Random(0)
        rows.append(
            (
                book,
                len(concepts),
                dag.number_of_edges(),
                kendall_tau(path, sections),
                kendall_tau(list(nx.lexicographical_topological_sort(dag)), sections),
                statistics.mean(kendall_tau(random_topological(dag, rng), sections) for _ in range(20)),
            )
        )
    print(f"{'book':22s} {'concepts':>8s} {'edges':>6s} {'path tau':>9s} {'lexico tau':>11s} {'random tau':>11s}")
    for book, n, e, ours, lexico, rand in rows:
        print(f"{book:22s} {n:8d} {e:6d} {ours:9.3f} {lexico:11.3f} {rand:11.3f}")
    weights = [r[1] for r in rows]
    for name, i in (("path", 3), ("lexicographic", 4), ("random", 5)):
        mean = sum(r[i] * w for r, w in zip(rows, weights, strict=True)) / sum(weights)
        print(f"weighted mean tau, {name}: {mean:.3f}")


if __name__ == "__main__":
    main()
