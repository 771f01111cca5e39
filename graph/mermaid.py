"""A learning path as Mermaid flowchart text, for a frontend or a Markdown page to draw.

Steps are numbered boxes in study order, targets are highlighted, prerequisites the
student has mastered are dashed stadium shapes (a target already mastered too, in bold), and an arrow runs from each
prerequisite to the concept that needs it. Node names are ``s1, s2...`` and ``a1,
a2...`` so no concept id can break the syntax; labels escape quotes, ``&`` and angle
brackets (Mermaid draws a label as HTML).
"""

from __future__ import annotations

import networkx as nx

from graph.learning_path import LearningPath, percent

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


def path_to_mermaid(dag: nx.DiGraph[str], path: LearningPath) -> str:
    """The path as a ``flowchart TD`` document.

    Examples:
        >>> from graph.learning_path import plan_learning_path
        >>> g = nx.DiGraph([("add", "mul"), ("mul", "pow")])
        >>> print(path_to_mermaid(g, plan_learning_path(g, ["pow"], {"add": 0.9})))
        flowchart TD
          a1(["add ✓ 90%"]):::mastered
          s1["1. mul (0%, 10 min)"]
          s2["2. pow (0%, 10 min)"]:::target
          a1 --> s1
          s1 --> s2
          classDef target stroke-width:3px
          classDef mastered stroke-dasharray:4 3
        >>> print(path_to_mermaid(g, plan_learning_path(g, ["mul"], {"add": 0.9, "mul": 0.85})))
        flowchart TD
          m1(["mul ✓ your target, mastered"]):::done
          classDef target stroke-width:3px
          classDef mastered stroke-dasharray:4 3
          classDef done stroke-width:3px,stroke-dasharray:4 3
    """
    names: dict[str, str] = {}
    lines = ["flowchart TD"]
    for i, assumed in enumerate(path.assumed, start=1):
        names[assumed.concept] = f"a{i}"
        label = _text(f"{dag.nodes[assumed.concept].get('label', assumed.concept)} ✓ {percent(assumed.mastery)}")
        lines.append(f'  a{i}(["{label}"]):::mastered')
    for i, target in enumerate(path.mastered_targets, start=1):  # a path to mastered targets drew nothing at all
        names[target] = f"m{i}"
        label = _text(f"{dag.nodes[target].get('label', target)} ✓ your target, mastered")
        lines.append(f'  m{i}(["{label}"]):::done')
    targets = set(path.targets)
    for i, step in enumerate(path.steps, start=1):
        names[step.concept] = f"s{i}"
        label = _text(
            f"{i}. {dag.nodes[step.concept].get('label', step.concept)} ({percent(step.mastery)}, {step.minutes} min)"
        )
        lines.append(f'  s{i}["{label}"]' + (":::target" if step.concept in targets else ""))
    for step in path.steps:
        for p in sorted(dag.pred[step.concept], key=lambda c: names.get(c, "")):
            if p in names:
                lines.append(f"  {names[p]} --> {names[step.concept]}")
    lines.append("  classDef target stroke-width:3px")
    lines.append("  classDef mastered stroke-dasharray:4 3")
    if path.mastered_targets:
        lines.append("  classDef done stroke-width:3px,stroke-dasharray:4 3")
    return "\n".join(lines)
