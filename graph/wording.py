"""Small helpers for the sentences students read: counts with their noun, lists of names.

A screen reader reads "1 step(s)" as "1 step open bracket s close bracket", and a list
of labels that contain "and" themselves ("Ratios and Proportions and Percents") cannot be
told apart by ear: these say a count and a list the way a person would write them. A
concept is named by its label and a probability as a whole percent, alike wherever a
sentence names them (a learning path's reasons and summary, a ``Doubt``, a diagram).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "concept_label",
    "left_out_sentence",
    "name_list",
    "not_stated_sentence",
    "or_list",
    "percent",
    "plural",
    "unsuited",
]


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``count`` with its noun, singular for 1 (``nouns``: the plural when not ``noun + "s"``).

    Examples:
        >>> plural(1, "step"), plural(2, "step"), plural(0, "more concept")
        ('1 step', '2 steps', '0 more concepts')
        >>> plural(1, "day"), plural(35, "day")
        ('1 day', '35 days')
    """
    return f"{count} {noun if count == 1 else (nouns or noun + 's')}"


def name_list(names: Sequence[str]) -> str:
    """Names as a list a listener can split: commas, or semicolons when a name has a comma or "and".

    Examples:
        >>> name_list(["Slope"]), name_list(["Slope", "Percents"])
        ('Slope', 'Slope and Percents')
        >>> name_list(["Decimals", "Percents", "Slope"])
        'Decimals, Percents, and Slope'
        >>> name_list(["Ratios and Proportions", "Percents"])
        'Ratios and Proportions; and Percents'
        >>> name_list(["Factors and Multiples", "Least Common Multiple", "Percents"])
        'Factors and Multiples; Least Common Multiple; and Percents'
    """
    if len(names) <= 1:
        return "".join(names)
    if any("," in n or " and " in f" {n} " for n in names):
        return "; ".join(names[:-1]) + "; and " + names[-1]
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return ", ".join(names[:-1]) + ", and " + names[-1]


def or_list(names: Sequence[str]) -> str:
    """Alternatives as a person says them.

    Examples:
        >>> or_list(["flash"]), or_list(["flash", "simulate motion"]), or_list(["sight", "hearing", "touch"])
        ('flash', 'flash or simulate motion', 'sight, hearing or touch')
    """
    if len(names) <= 2:
        return " or ".join(names)
    return ", ".join(names[:-1]) + " or " + names[-1]


def concept_label(dag: nx.DiGraph[str], concept: str) -> str:
    """A concept as a sentence names it: its ``label`` in the graph, else its id.

    Examples:
        >>> import networkx as nx
        >>> g = nx.DiGraph()
        >>> g.add_nodes_from([("r", {"label": "Ratios and Proportions"}), "x"])
        >>> concept_label(g, "r"), concept_label(g, "x")
        ('Ratios and Proportions', 'x')
    """
    return str(dag.nodes[concept].get("label", concept))


def percent(value: float) -> str:
    """A probability as a whole percent, rounded down: 0.7995 read "80%, below 80%".

    Examples:
        >>> percent(0.7995), percent(0.8), percent(0.0)
        ('79%', '80%', '0%')
    """
    return f"{math.floor(round(value * 100, 6))}%"


_HAZARD_NOUNS = {"flashing": "flashing", "motionSimulation": "simulated motion", "sound": "a sound hazard"}
_HAZARD_VERBS = {"flashing": "flash", "motionSimulation": "simulate motion", "sound": "have a sound hazard"}
_SENSES = {"visual": "sight", "auditory": "hearing", "textual": "reading text", "tactile": "touch"}


def _article(noun: str) -> str:
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


def unsuited(kind: str, hazards: Sequence[str], missing_modes: Sequence[str], count: int = 1) -> str:
    """A material left out for a learner's needs, by its kind and why: a stated hazard, a mode they lack.

    Examples:
        >>> unsuited("example", ["flashing"], []), unsuited("exercise", [], ["visual"])
        ('an example with flashing', 'an exercise that needs sight')
        >>> unsuited("video", ["flashing", "sound"], ["auditory"], count=2)
        '2 videos with flashing and a sound hazard that need hearing'
    """
    words = [_article(kind) if count == 1 else plural(count, kind)]
    if hazards:
        words.append("with " + " and ".join(_HAZARD_NOUNS.get(h, h) for h in hazards))
    if missing_modes:
        verb = "needs" if count == 1 else "need"
        words.append(f"that {verb} " + " and ".join(_SENSES.get(m, m) for m in missing_modes))
    return " ".join(words)


def left_out_sentence(concept: str, left_out: Sequence[str], *, none_suit: bool) -> str:
    """What a learner's needs took away from a concept's materials, ``left_out`` from ``unsuited``.

    Examples:
        >>> left_out_sentence("Slope", ["an example with flashing"], none_suit=False)
        'Left out for the needs you gave: an example with flashing.'
        >>> left_out_sentence("Slope", ["an example with flashing", "an exercise that needs sight"], none_suit=True)
        'No material for Slope suits the needs you gave: an example with flashing and an exercise that needs sight.'
    """
    listed = name_list(list(left_out))
    if none_suit:
        return f"No material for {concept} suits the needs you gave: {listed}."
    return f"Left out for the needs you gave: {listed}."


def not_stated_sentence(subject: str, hazards: Sequence[str], lacked_modes: Sequence[str] | None) -> str:
    """That a material's metadata does not say whether it suits: which hazards, and whether its modes.

    ``subject`` names it ("Its", "The exercise's"); ``lacked_modes`` are the modes the learner
    did not list when its access modes are not stated (``None``: they are stated).

    Examples:
        >>> not_stated_sentence("Its", ["flashing"], None)
        'Its hazards are not stated, so it may flash.'
        >>> not_stated_sentence("The exercise's", ["flashing", "sound"], ["visual"])
        "The exercise's hazards are not stated, so it may flash or have a sound hazard. Its access modes are not stated, so it may need sight."
        >>> not_stated_sentence("Its", [], [])
        'Its access modes are not stated.'
    """  # noqa: E501
    parts = []
    if hazards:
        parts.append(
            f"{subject} hazards are not stated, so it may {or_list([_HAZARD_VERBS.get(h, h) for h in hazards])}."
        )
    if lacked_modes is not None:
        whose = "Its" if parts else subject
        senses = [_SENSES.get(m, m) for m in lacked_modes]
        parts.append(
            f"{whose} access modes are not stated" + (f", so it may need {or_list(senses)}." if senses else ".")
        )
    return " ".join(parts)
