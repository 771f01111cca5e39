"""The words of a recommendation: why a material is offered, reviewed, or offered again.

Separate from the ranking (``graph.recommend``) for the reason ``graph.path_wording``
is separate from the path: students read these on every recommendation, and they
change for reasons of their own (the concept named before anything refers to it, and
the mastery counted after wrong answers said beside the predicted one).
"""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx

from graph.material_choice import MaterialFacts
from graph.wording import concept_label, percent, plural

__all__ = ["again", "due", "ready_reason"]


def again(dag: nx.DiGraph[str], concept: str, material: MaterialFacts, days: int | None, mastery: float) -> str:
    """Why a material answered right lately comes back: its concept is not mastered yet.

    Examples:
        >>> g = nx.DiGraph()
        >>> g.add_node("cp", label="The Coordinate Plane")
        >>> again(g, "cp", MaterialFacts("m", "exercise", 2), 0, 0.76)
        'Not mastered yet (76%): you got this exercise on The Coordinate Plane right today; try it again.'
    """
    when = _when(days)
    name = concept_label(dag, concept)
    return f"Not mastered yet ({percent(mastery)}): you got this {material.kind} on {name} right {when}; try it again."


def due(dag: nx.DiGraph[str], concept: str, material: MaterialFacts, days: int | None) -> str:
    """The review sentence, the concept named before anything refers to it.

    ``days`` is None for a success of a log without times, which is no number of days ago.

    Examples:
        >>> g = nx.DiGraph()
        >>> g.add_node("mono", label="Multiplying Monomials")
        >>> due(g, "mono", MaterialFacts("m", "exercise", 2), 1)
        'Due for review: you last got this exercise on Multiplying Monomials right 1 day ago.'
        >>> due(g, "mono", MaterialFacts("m", "exercise", 2), None)
        'Due for review: you last got this exercise on Multiplying Monomials right in a log without times.'
    """
    name = concept_label(dag, concept)
    return f"Due for review: you last got this {material.kind} on {name} right {_when(days)}."


def _when(days: int | None) -> str:
    """``today``, ``3 days ago``, or ``in a log without times`` (an imported log's untimed success)."""
    if days is None:
        return "in a log without times"
    return "today" if days == 0 else f"{plural(days, 'day')} ago"


def ready_reason(
    dag: nx.DiGraph[str],
    concept: str,
    toward: tuple[int, str] | None,
    unlocks: Sequence[str],
    material: MaterialFacts,
    mastery: float,
    planned: float | None = None,
) -> str:
    """Why a concept of the fringe is offered: ready, toward which target, what it unlocks, at what level."""
    if dag.in_degree(concept):
        parts = [f"Ready to learn: you have mastered every prerequisite of {concept_label(dag, concept)}."]
    else:
        parts = [f"Ready to learn: {concept_label(dag, concept)} needs no prerequisites."]
    if toward is not None:
        steps, target = toward
        if steps == 0:
            parts.append("It is one of your targets.")
        else:
            parts.append(f"It leads to {concept_label(dag, target)} ({plural(steps, 'step')} away).")
    if unlocks:
        parts.append(f"Learning it makes {plural(len(unlocks), 'more concept')} ready.")
    article = "An" if material.kind[0] in "aeiou" else "A"
    parts.append(
        f"{article} {material.kind} at difficulty {material.difficulty} "
        f"for your predicted mastery of {percent(mastery)}"
        + (
            f", counted as {percent(planned)} after wrong answers."
            if planned is not None and planned < mastery
            else "."
        )
    )
    return " ".join(parts)
