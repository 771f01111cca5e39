"""What ``pathwise import`` prints of a prune: the first few ids and the counts (``--json`` gives them all)."""

from __future__ import annotations

from graph.bundle import Pruned

__all__ = ["pruned_line"]

_NAMED = 5


def pruned_line(pruned: Pruned) -> str:
    """What a prune deleted, in one line: the first few ids of each kind, with counts (``--json`` lists them all).

    >>> pruned_line(Pruned(concepts=["a", "b", "c", "d", "e", "f"], prerequisites=2))
    '6 concepts (a, b, c, d, e and 1 more), 0 materials; with them 2 prerequisite edges, 0 narrower links, 0 material links, 0 estimates'
    """  # noqa: E501
    parts = []
    for kind, ids in (("concept", pruned.concepts), ("material", pruned.materials)):
        shown = ", ".join(ids[:_NAMED]) + (f" and {len(ids) - _NAMED} more" if len(ids) > _NAMED else "")
        parts.append(f"{len(ids)} {kind}{'' if len(ids) == 1 else 's'}" + (f" ({shown})" if ids else ""))
    counts = [
        (pruned.prerequisites, "prerequisite edge"),
        (pruned.narrower, "narrower link"),
        (pruned.material_links, "material link"),
        (pruned.estimates, "estimate"),
    ]
    went = ", ".join(f"{n} {what}{'' if n == 1 else 's'}" for n, what in counts)
    return f"{', '.join(parts)}; with them {went}"
