"""An exercise's answer key, apart from what a student is shown before answering.

Practice sets are written as their items, then a line ``Answers:`` and the keyed
answers. ``Material.text`` holds both, so a frontend showing an exercise had to find
the key itself or show it with the questions.
"""

from __future__ import annotations

import re

__all__ = ["split_answer_key"]

_KEY_HEAD = re.compile(
    r"^[ \t]*(?:\#{1,6}[ \t]*)?[*_]{0,2}[ \t]*(?:answers?|answer[ \t]+key|solutions?)[ \t]*[*_]{0,2}[ \t]*"
    r"(?::|[-–—](?=[ \t]|$)|[*_]{0,2}[ \t]*$)",
    re.IGNORECASE | re.MULTILINE,
)


def split_answer_key(text: str) -> tuple[str, str | None]:
    """``text`` as (what comes before its answer key, the key from its heading on; ``None`` without one).

    The key starts at the first line that begins ``Answers:`` (or ``Answer:``,
    ``Answer key:``, ``Solutions:``, a dash for the colon), or that is such a heading
    alone, as Markdown writes one (``## Answers``, ``**Answers:**``, ``ANSWERS``): those
    were shown to students whole. A worked example's "Solution" inside a sentence is not
    one, nor a line such as "Answers will vary."

    Examples:
        >>> split_answer_key("1. 2 + 2\\n2. 3 + 5\\nAnswers:\\n1. 4\\n2. 8")
        ('1. 2 + 2\\n2. 3 + 5', 'Answers:\\n1. 4\\n2. 8')
        >>> split_answer_key("Read the solution: it is 4.")
        ('Read the solution: it is 4.', None)
        >>> [split_answer_key(f"1. 2x = 10\\n{head}\\n1. x = 5")[1] is not None
        ...  for head in ("**Answers:**", "## Answers", "ANSWERS", "Solutions", "Answers -", "Answer key")]
        [True, True, True, True, True, True]
        >>> split_answer_key("Explain your method.\\nAnswers will vary.")[1] is None
        True
    """
    found = _KEY_HEAD.search(text)
    if found is None:
        return text, None
    return text[: found.start()].rstrip(), text[found.start() :].strip()
