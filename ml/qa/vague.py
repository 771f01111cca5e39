"""Questions that name no topic ("help", "I'm stuck", "explain this"): asked for one, not answered.

Why: "help" was answered, at confidence 1.0, with a material's sentence that happens to
say "divisibility tests help": the keyword side matched the question's only word. "Is
my answer correct?" was answered "Correct. Both are correct." from another exercise,
which told a student they were right without seeing their answer. A
question made only of words like these says what the student wants (help, an
explanation) but not about what, and no passage can answer it.
"""

from __future__ import annotations

from ml.qa.bm25 import stem, tokenize

__all__ = ["TOO_VAGUE", "is_vague"]

_WORDS_WITHOUT_A_TOPIC = """help helping please pls plz question explain explanation understand understanding
    confused confusing stuck lost hi hello hey thanks thank ok okay yes yeah know idea answer problem exercise
    homework tell show teach learn mean meaning get got need want something anything thing again example
    work works working solve start started do done hard difficult easy go going one
    right correct wrong check checked mistake next step steps hint hints idk dunno huh mine
    m s t d ll re ve im dont don doesn didn isn cant can"""  # what contractions leave: "I'm", "don't"
_NO_TOPIC = frozenset(stem(w) for w in _WORDS_WITHOUT_A_TOPIC.split())

TOO_VAGUE = (
    "Ask about a topic, or paste the problem: the question names none "
    '(for example: "How do I find the slope of a line?" or "Solve x^2 - 5x + 6 = 0").'
)


def is_vague(question: str) -> bool:
    """Whether the question has no word beyond greetings, requests for help and words every question has.

    A number or an expression counts as a topic ("help with 2x + 3 = 7" is not vague).
    Only Latin-script words are read; a question with none is the caller's to refuse.

    Examples:
        >>> [is_vague(q) for q in ["help", "I'm stuck, please help!", "Can you explain this?", "hi"]]
        [True, True, True, True]
        >>> [is_vague(q) for q in ["Is my answer correct?", "Check my work", "What should I do next?", "hint"]]
        [True, True, True, True]
        >>> [is_vague(q) for q in ["help with slope", "solve 2x + 3 = 7", "what is a prime?", "explain factoring"]]
        [False, False, False, False]
        >>> [is_vague(q) for q in ["what is a right triangle?", "the next step of completing the square"]]
        [False, False]
    """
    return all(word in _NO_TOPIC for word in tokenize(question))
