"""An exercise's answer key, apart from what a student is shown before answering.

Practice sets are written as their items, then a line ``Answers:`` and the keyed
answers. ``Material.text`` holds both, so a frontend showing an exercise had to find
the key itself or show it with the questions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from graph.model import Material, MaterialType

__all__ = ["key_heading_warnings", "split_answer_key", "unread_key_heading"]

_KEY_HEAD = re.compile(
    r"^[ \t]*(?:\#{1,6}[ \t]*)?[*_]{0,2}[ \t]*(?:answers?|answer[ \t]+key|solutions?)[ \t]*[*_]{0,2}[ \t]*"
    r"(?:[:：]|[-–—](?=[ \t]|$)|[*_]{0,2}[ \t]*$)",
    re.IGNORECASE | re.MULTILINE,
)
_LIKE_KEY_HEAD = re.compile(
    r"^[ \t]*(?:\#{1,6}[ \t]*)?[*_]{0,2}[ \t]*(?:answers|answer[ \t]+key|solutions?|key[ \t]*[:：])"
    r"(?P<colon>[^:：\n]{0,40}[:：])?[^\n]*$",
    re.IGNORECASE | re.MULTILINE,
)
_LONGEST_HEADING = 60


def split_answer_key(text: str) -> tuple[str, str | None]:
    """``text`` as (what comes before its answer key, the key from its heading on; ``None`` without one).

    The key starts at the first line that begins ``Answers:`` (or ``Answer:``,
    ``Answer key:``, ``Solutions:``, a dash or a full-width ``：`` for the colon), or that is such a heading
    alone, as Markdown writes one (``## Answers``, ``**Answers:**``, ``ANSWERS``): those
    were shown to students whole. A worked example's "Solution" inside a sentence is not
    one, nor a line such as "Answers will vary."

    Examples:
        >>> split_answer_key("1. 2 + 2\\n2. 3 + 5\\nAnswers:\\n1. 4\\n2. 8")
        ('1. 2 + 2\\n2. 3 + 5', 'Answers:\\n1. 4\\n2. 8')
        >>> split_answer_key("Read the solution: it is 4.")
        ('Read the solution: it is 4.', None)
        >>> heads = ("**Answers:**", "## Answers", "ANSWERS", "Solutions", "Answers -", "Answer key", "Answers：")
        >>> [split_answer_key(f"1. 2x = 10\\n{head}\\n1. x = 5")[1] is not None for head in heads]
        [True, True, True, True, True, True, True]
        >>> split_answer_key("Explain your method.\\nAnswers will vary.")[1] is None
        True
    """
    found = _KEY_HEAD.search(text)
    if found is None:
        return text, None
    return text[: found.start()].rstrip(), text[found.start() :].strip()


def unread_key_heading(text: str) -> str | None:
    """A line of a key-less exercise that reads like a key's heading Pathwise does not recognise; else ``None``.

    Why: a key is found by its heading alone, so "Answers for part A:" or "Key: 1. b"
    leave the whole key in what students read before answering (a heading word with a
    colon, or a short line that is not a sentence). An import names such a
    line in its warnings, so the designer can write it as ``Answers:``. A sentence
    ("Answers will vary.") and a long line are not headings.

    Examples:
        >>> unread_key_heading("1. 2 + 2\\nAnswers for part A:\\n1. 4")
        'Answers for part A:'
        >>> unread_key_heading("1. 2 + 2\\nKey: 1. 4")
        'Key: 1. 4'
        >>> unread_key_heading("Solutions to the odd items: 1. x = 4, 3. x = -2, 5. x = 7, 7. none, 9. x = 0")[:27]
        'Solutions to the odd items:'
        >>> [unread_key_heading(t) for t in ("1. 2 + 2\\nAnswers:\\n1. 4", "Explain.\\nAnswers will vary.")]
        [None, None]
        >>> unread_key_heading("Key ideas to use: 1. factor")
    """
    if split_answer_key(text)[1] is not None:
        return None
    for found in _LIKE_KEY_HEAD.finditer(text):
        line = found.group(0).strip()
        if found.group("colon") or (len(line) <= _LONGEST_HEADING and not line.endswith((".", "?", "!"))):
            return line
    return None


def key_heading_warnings(materials: Iterable[Material], origins: Mapping[tuple[str, str], str]) -> list[str]:
    """An import's warning for each exercise whose key heading is not read (``unread_key_heading``).

    ``origins`` gives a CSV file's line for a material (``CurriculumBundle.origins``).

    Examples:
        >>> item = Material("m_q", "Quiz", MaterialType.EXERCISE, text="1. 2 + 2\\nAnswers for part A:\\n1. 4")
        >>> print(key_heading_warnings([item], {("material", "m_q"): "materials.csv:line 3"})[0])
        materials.csv:line 3: exercise 'm_q': the line 'Answers for part A:' reads like an answer key but is not a heading Pathwise reads as one, so students see it before answering; start the key with a line 'Answers:'
    """  # noqa: E501
    lines = []
    for material in materials:
        if material.type is not MaterialType.EXERCISE:
            continue
        heading = unread_key_heading(material.text)
        if heading is None:
            continue
        shown = heading if len(heading) <= 40 else heading[:39] + "…"
        origin = origins.get(("material", material.id))
        lines.append(
            f"{origin + ': ' if origin else ''}exercise {material.id!r}: the line {shown!r} reads like an answer key "
            "but is not a heading Pathwise reads as one, so students see it before answering; start the key "
            "with a line 'Answers:'"
        )
    return lines
