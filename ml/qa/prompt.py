"""The generation prompt: fixed instructions, the numbered evidence, the question. Nothing else.

The builder takes only the question and the passages' text, so nothing about the
student (id, name, history) and no metadata of a passage (ids, titles, authors) can
reach a model, local or remote. Passages are numbered ``[1]``, ``[2]``... in the order
given (best first) and the model is told to answer only from them and cite by number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TypedDict

from ml.qa.generation import Evidence

__all__ = [
    "DEMONSTRATION",
    "INSTRUCTIONS",
    "ChatMessage",
    "build_messages",
    "evidence_block",
    "prepare_evidence",
]

INSTRUCTIONS = (
    "You answer a question using only the numbered evidence passages you are given. "
    "Cite each passage you use by its number in square brackets, like [1]. "
    "Do not use any other knowledge. "
    'If the evidence does not answer the question, say "I don\'t know."'
)

# A fixed worked example (no course or student data) shown to small models, which
# otherwise rarely cite: one question, two passages, one cited sentence.
DEMONSTRATION = (
    (
        "Photosynthesis turns light, water and carbon dioxide into sugar and oxygen.",
        "The Moon orbits the Earth about once a month.",
    ),
    "How long does the Moon take to orbit the Earth?",
    "The Moon orbits the Earth about once a month [2].",
)

_SPACE = re.compile(r"\s+")


class ChatMessage(TypedDict):
    """One chat turn, as OpenAI-compatible endpoints and chat templates take it."""

    role: str
    content: str


def _squash(text: str, max_chars: int) -> str:
    text = _SPACE.sub(" ", text).strip()
    if len(text) <= max_chars:
        return text
    cut = text[:max_chars]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + " …"


def prepare_evidence(evidence: Sequence[Evidence], *, max_chars: int = 1200) -> list[str]:
    """The passages' text only, whitespace squashed to one line each and cut at ``max_chars``.

    Examples:
        >>> prepare_evidence(["a  b\\n c", "x" * 5], max_chars=4)
        ['a b …', 'xxxx …']
    """
    return [_squash(item if isinstance(item, str) else item.text, max_chars) for item in evidence]


def evidence_block(question: str, passages: Sequence[str]) -> str:
    """The user turn: numbered passages, then the question.

    Examples:
        >>> print(evidence_block("Why?", ["Because.", "So."]))
        Evidence:
        [1] Because.
        [2] So.
        <BLANKLINE>
        Question: Why?
    """
    numbered = "\n".join(f"[{number}] {passage}" for number, passage in enumerate(passages, 1))
    return f"Evidence:\n{numbered}\n\nQuestion: {_SPACE.sub(' ', question).strip()}"


def build_messages(question: str, passages: Sequence[str], *, demonstration: bool = False) -> list[ChatMessage]:
    """The chat to send: instructions, optionally the fixed worked example, then evidence + question.

    Args:
        question: what the student asked (text only).
        passages: prepared evidence text (see ``prepare_evidence``), best first.
        demonstration: prepend ``DEMONSTRATION`` as a previous exchange (for small models).

    Returns:
        System and user turns (plus one example user/assistant pair with ``demonstration``).
    """
    messages: list[ChatMessage] = [{"role": "system", "content": INSTRUCTIONS}]
    if demonstration:
        example_passages, example_question, example_answer = DEMONSTRATION
        messages.append({"role": "user", "content": evidence_block(example_question, example_passages)})
        messages.append({"role": "assistant", "content": example_answer})
    messages.append({"role": "user", "content": evidence_block(question, passages)})
    return messages
