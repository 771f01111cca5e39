"""A learning path as Mermaid flowchart text, for a frontend or a Markdown page to draw.

Steps are numbered boxes in study order, targets are highlighted, prerequisites the
student has mastered are dashed stadium shapes (a target already mastered too, in bold), and an arrow runs from each
prerequisite to the concept that needs it. What the styles show is said in words too
("(target)", "mastered"): a border or a dash is lost on a screen reader, in high-contrast
mode and to a colour-blind reader of a restyled theme. ``accTitle`` and ``accDescr``
give the SVG its ``<title>`` and ``<desc>``. Node names are ``s1, s2...`` and ``a1,
a2...`` so no concept id can break the syntax; labels escape quotes, ``&`` and angle
brackets (Mermaid draws a label as HTML).
"""

from __future__ import annotations

import networkx as nx

from graph.learning_path import LearningPath
from graph.wording import name_list, percent

__all__ = ["path_to_mermaid"]


def _text(label: str) -> str:
    """A label safe inside Mermaid double quotes, and as text: Mermaid draws labels as HTML.

    ``#`` goes first: Mermaid reads ``#128512;`` as a character code, so "Tema #128512;"
    was drawn with an emoji.

    Examples:
        >>> _text('<img src=x onerror=alert(1)> & "q"')
        '#lt;img src=x onerror=alert(1)#gt; #amp; #quot;q#quot;'
        >>> _text("Tema #128512; repaso")
        'Tema #35;128512; repaso'
    """
    out = label.replace("#", "#35;").replace("&", "#amp;").replace('"', "#quot;")
    out = out.replace("<", "#lt;").replace(">", "#gt;")
    return out.replace("\r", " ").replace("\n", " ")


def _name(dag: nx.DiGraph[str], concept: str) -> str:
    return str(dag.nodes[concept].get("label", concept))


def _line(text: str) -> str:
    """Text for ``accTitle``/``accDescr``: one line (each ends at the line break), drawn as text, not HTML."""
    return " ".join(text.split())


def path_to_mermaid(dag: nx.DiGraph[str], path: LearningPath) -> str:
    """The path as a ``flowchart TD`` document.

    Examples:
        >>> from graph.learning_path import plan_learning_path
        >>> g = nx.DiGraph([("add", "mul"), ("mul", "pow")])
        >>> print(path_to_mermaid(g, plan_learning_path(g, ["pow"], {"add": 0.9})))  # doctest: +ELLIPSIS
        flowchart TD
          accTitle: Learning path to pow
          accDescr: 2 steps, about 20 minutes, toward your target: pow. Boxes are steps in study order; an arrow ...
          a1(["add (mastered, 90%)"]):::mastered
          s1["1. mul (0%, 10 min)"]
          s2["2. pow (target; 0%, 10 min)"]:::target
          a1 --> s1
          s1 --> s2
          classDef target stroke-width:3px
          classDef mastered stroke-dasharray:4 3
        >>> print(path_to_mermaid(g, plan_learning_path(g, ["mul"], {"add": 0.9, "mul": 0.85})))
        flowchart TD
          accTitle: Learning path to mul
          accDescr: Nothing to study: you have already mastered mul (85%).
          m1(["mul (target, mastered)"]):::done
          classDef target stroke-width:3px
          classDef mastered stroke-dasharray:4 3
          classDef done stroke-width:3px,stroke-dasharray:4 3
    """
    names: dict[str, str] = {}
    title = name_list([_name(dag, t) for t in path.targets])
    lines = ["flowchart TD", f"  accTitle: {_line(f'Learning path to {title}')}"]
    description = path.summary
    if path.steps:
        description += (
            " Boxes are steps in study order; an arrow runs from each prerequisite to the concept that needs it."
        )
    lines.append(f"  accDescr: {_line(description)}")
    for i, assumed in enumerate(path.assumed, start=1):
        names[assumed.concept] = f"a{i}"
        label = _text(f"{_name(dag, assumed.concept)} (mastered, {percent(assumed.mastery)})")
        lines.append(f'  a{i}(["{label}"]):::mastered')
    for i, target in enumerate(path.mastered_targets, start=1):  # a path to mastered targets drew nothing at all
        names[target] = f"m{i}"
        label = _text(f"{_name(dag, target)} (target, mastered)")
        lines.append(f'  m{i}(["{label}"]):::done')
    targets = set(path.targets)
    for i, step in enumerate(path.steps, start=1):
        names[step.concept] = f"s{i}"
        figures = f"{percent(step.mastery)}, {step.minutes} min"
        is_target = step.concept in targets  # a thicker border alone said it to no screen reader
        label = _text(f"{i}. {_name(dag, step.concept)} ({'target; ' if is_target else ''}{figures})")
        lines.append(f'  s{i}["{label}"]' + (":::target" if is_target else ""))
    for step in path.steps:
        for p in sorted(dag.pred[step.concept], key=lambda c: names.get(c, "")):
            if p in names:
                lines.append(f"  {names[p]} --> {names[step.concept]}")
    lines.append("  classDef target stroke-width:3px")
    lines.append("  classDef mastered stroke-dasharray:4 3")
    if path.mastered_targets:
        lines.append("  classDef done stroke-width:3px,stroke-dasharray:4 3")
    return "\n".join(lines)
