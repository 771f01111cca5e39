"""A question read again with its misspelt words spelt as the materials spell them.

"How do I solve a quadradic equasion?" was declined ("Did you mean "quadratic"...?")
while the same question spelt right is answered: a student who cannot spell the word
is the one who most needs the answer. Only words no material uses are replaced, each
by the one course word it is closest to (``ml.qa.declines.spelling_hints``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ml.qa.declines import as_typed

__all__ = ["read_as", "respelt"]


def respelt(question: str, hints: Mapping[str, str]) -> tuple[str, dict[str, str]]:
    """``question`` with each misspelt word replaced by its hint, and what was read as what (as typed).

    ``hints``: term -> course word, for terms read from the question.

    Examples:
        >>> respelt("How do I solve a Quadradic equasion?", {"quadradic": "quadratic", "equasion": "equation"})
        ('How do I solve a quadratic equation?', {'Quadradic': 'quadratic', 'equasion': 'equation'})
    """
    replaced: dict[str, str] = {}
    for term, word in hints.items():
        for typed in as_typed(question, [term]):
            if typed.lower() == word:
                continue
            question, count = re.subn(rf"(?<![^\W_]){re.escape(typed)}(?![^\W_])", word, question)
            if count:
                replaced[typed] = word
    return question, replaced


def read_as(replaced: Mapping[str, str]) -> str:
    """The notice saying how the question was read.

    Examples:
        >>> read_as({"quadradic": "quadratic", "equasion": "equation"})
        'Read "quadradic" as "quadratic" and "equasion" as "equation".'
    """
    return "Read " + " and ".join(f'"{typed}" as "{word}"' for typed, word in replaced.items()) + "."
