"""The words of a learning path: each step's reason and the path's summary.

Separate from ``graph.learning_path`` (which steps, in what order) because these are
read by students at every step, and change for reasons of their own: short (the
targets named once, in the summary), counted rather than listed, and true ("both",
"all" only when they are).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import networkx as nx

from graph.access_needs import AccessNeeds
from graph.doubt import Doubt
from graph.material_choice import Choice
from graph.wording import concept_label, left_out_sentence, name_list, percent, plural

if TYPE_CHECKING:
    from graph.learning_path import PathStep

__all__ = ["needs_reason", "path_summary", "step_reason"]


def step_reason(
    dag: nx.DiGraph[str],
    concept: str,
    via: str | None,
    leads_to: Sequence[str],
    doubted_by: str | None,
    mastery: float,
    threshold: float,
    planned: float,
    *,
    failing: bool = False,
    several: bool = False,
    pool: int = 1,
) -> str:
    """The step's reason in plain words (``planned``: the mastery the plan counts, lower for a doubted one).

    Short, as it is read at every step: the targets are named once in the path's summary,
    and here by name only when one is meant ("Slope (your target)"), otherwise counted
    ("both your targets", "Percents, plus 2 other targets"). ``several``: the path has more
    than one target; ``pool``: how many of them the student has not mastered.

    Examples:
        >>> g = nx.DiGraph([("int", "abs")])
        >>> g.add_nodes_from([("int", {"label": "Integers"}), ("abs", {"label": "Absolute Value"})])
        >>> step_reason(g, "int", "abs", ("abs",), None, 0.5, 0.8, 0.5)
        'Needed for Absolute Value (your target). Predicted mastery 50%, below 80%.'
        >>> step_reason(g, "int", "abs", ("abs",), "abs", 0.9, 0.8, 0.45).split(". ")[-1]
        'Predicted mastery 90%, counted as 45% after wrong answers on Absolute Value.'
    """
    name = concept_label(dag, concept)
    parts = Doubt(frozenset({concept} if failing else ()), {concept: doubted_by} if doubted_by else {}).sentences(
        dag, concept
    )
    if concept in leads_to:
        parts.append(f"{name} is one of your targets." if several else f"{name} is your target.")
        others = [t for t in leads_to if t != concept]
        if others:
            parts.append(f"It also leads to {_toward(dag, others, pool=pool - 1, other=True)}.")
    elif via is not None:
        rest = [t for t in leads_to if t != via]  # "Needed for X, on the way to X and Slope" named X twice
        if via in leads_to:
            needed = f"Needed for {concept_label(dag, via)} (your target)"
            if rest:
                needed += f", and on the way to {_toward(dag, rest, pool=pool - 1, other=True)}"
        else:
            needed = f"Needed for {concept_label(dag, via)}, on the way to {_toward(dag, rest, pool=pool)}"
        parts.append(needed + ".")
    if planned < mastery:  # the model's figure is shown; what the plan counted, and why, is said
        why = "repeated wrong answers" if failing else f"wrong answers on {concept_label(dag, doubted_by or concept)}"
        parts.append(f"Predicted mastery {percent(mastery)}, counted as {percent(planned)} after {why}.")
    else:
        parts.append(f"Predicted mastery {percent(mastery)}, below {threshold:.0%}.")
    return " ".join(parts)


def needs_reason(dag: nx.DiGraph[str], concept: str, choice: Choice, needs: AccessNeeds | None) -> str:
    """What the learner's needs changed in a step's materials, as sentences after its reason ("" for nothing).

    Examples:
        >>> from graph.access_needs import AccessFacts
        >>> from graph.material_choice import MaterialFacts, choose_for_needs
        >>> video = MaterialFacts("video", "video", access=AccessFacts(hazards=("flashing",)))
        >>> needs = AccessNeeds(("flashing",))
        >>> needs_reason(nx.DiGraph([("int", "abs")]), "int", choose_for_needs([video], 0.1, needs), needs)
        ' No material for int suits the needs you gave: a video with flashing.'
    """
    if needs is None or not (choice.left_out or choice.not_known):
        return ""
    parts = []
    if choice.left_out:
        parts.append(
            left_out_sentence(concept_label(dag, concept), choice.left_out_phrases(), none_suit=choice.none_suit)
        )
    parts += choice.not_stated_sentences(needs, lambda m: f"The {m.kind}'s")
    return " " + " ".join(parts)


def _toward(dag: nx.DiGraph[str], targets: Sequence[str], *, pool: int, other: bool = False) -> str:
    """Targets a step leads to, for its reason: one by name, all of them, or the first and a count.

    ``pool``: how many targets could be here (those of the path, less one the reason has
    already named: then ``other``), so that "all" and "both" are true.

    Examples:
        >>> g = nx.DiGraph()
        >>> g.add_nodes_from([("r", {"label": "Ratios and Proportions"}), ("p", {"label": "Percents"}), "x"])
        >>> _toward(g, ["p"], pool=3), _toward(g, ["r", "p"], pool=2), _toward(g, ["r", "p", "x"], pool=3)
        ('Percents (your target)', 'both your targets', 'all 3 of your targets')
        >>> _toward(g, ["r", "p"], pool=2, other=True)
        'both your other targets'
        >>> _toward(g, ["r", "p"], pool=4), _toward(g, ["r", "p", "x"], pool=4)
        ('Ratios and Proportions, plus 1 other target', 'Ratios and Proportions, plus 2 other targets')
    """
    if len(targets) == 1:
        return f"{concept_label(dag, targets[0])} (your target)"
    if len(targets) == pool:
        mine = "your other targets" if other else "your targets"
        return f"both {mine}" if pool == 2 else f"all {pool} of {mine}"
    # "plus": labels hold "and"
    return f"{concept_label(dag, targets[0])}, plus {plural(len(targets) - 1, 'other target')}"


def path_summary(
    dag: nx.DiGraph[str],
    goals: Sequence[str],
    kept: Sequence[PathStep],
    left_out: Sequence[PathStep],
    mastered: Sequence[str],
    unreached: Sequence[str],
    max_minutes: int | None,
    mastery_of: Callable[[str], float] = lambda _: 1.0,
) -> str:
    """The path in a few sentences: the targets (named here once), its size, and what the budget cut and why.

    Examples:
        >>> from graph.learning_path import PathStep
        >>> g = nx.DiGraph([("int", "abs")])
        >>> steps = [PathStep("int", 0.5, "", ("abs",), "abs", (), 15), PathStep("abs", 0.0, "", ("abs",), None, (), 10)]
        >>> path_summary(g, ["abs"], steps, [], [], [], None)
        '2 steps, about 25 minutes, toward your target: abs.'
        >>> path_summary(g, ["abs"], steps[:1], steps[1:], [], ["abs"], 20)
        '1 step, about 15 minutes, toward your target: abs. 1 more step did not fit in 20 minutes: the next, abs, needs 10 minutes. Not reached in that time: abs.'
    """  # noqa: E501

    def names(concepts: Sequence[str]) -> str:
        return name_list([concept_label(dag, c) for c in concepts])

    pending = [t for t in goals if t not in mastered]
    toward = f"your target: {names(pending)}" if len(pending) == 1 else f"your targets: {names(pending)}"
    parts: list[str] = []
    if kept:
        total = sum(s.minutes for s in kept)
        parts.append(f"{plural(len(kept), 'step')}, about {plural(total, 'minute')}, toward {toward}.")
    if left_out:
        budget = plural(max_minutes or 0, "minute")
        first = left_out[0]
        if kept:
            parts.append(
                f"{plural(len(left_out), 'more step')} did not fit in {budget}: "
                f"the next, {concept_label(dag, first.concept)}, needs {plural(first.minutes, 'minute')}."
            )
            if unreached:
                parts.append(f"Not reached in that time: {names(unreached)}.")
        else:
            parts.append(
                f"No step fits in {budget}: the first, {concept_label(dag, first.concept)}, "
                f"needs {plural(first.minutes, 'minute')}."
            )
            parts.append(f"The path has {plural(len(left_out), 'step')} toward {toward}.")
    unsuited = [s.concept for s in (*kept, *left_out) if s.no_suitable_material]
    if unsuited:
        parts.append(f"No material suits the needs you gave for {names(unsuited)}.")
    if mastered:
        lead = "Already mastered" if parts else "Nothing to study: you have already mastered"
        # with its figure: a "you have mastered it" screen had no number to show
        known = name_list([f"{concept_label(dag, c)} ({percent(mastery_of(c))})" for c in mastered])
        parts.append(f"{lead}: {known}." if parts else f"{lead} {known}.")
    return " ".join(parts)
