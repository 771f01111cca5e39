"""Sentence-aware chunking: a material's text cut into overlapping runs of whole sentences.

A chunk holds whole sentences up to about ``max_words`` words; the next chunk starts with
the last ``overlap`` sentences of the previous one, so an answer that straddles a cut is
still whole in one chunk. A sentence longer than ``max_words`` is cut into word windows.
Lines (lists, worked steps, ASCII figures) end sentences too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = ["Chunk", "chunk_text", "laid_out", "split_lines", "split_sentences"]

# A sentence ends at . ! ? (optionally followed by a closing quote or bracket) before
# whitespace and what can open one (``_opens``); at 。！？ (Chinese, Japanese) and । ॥
# (Devanagari) whatever follows; a line break ends one too.
_SENTENCE_END = re.compile(r"(?<=[.!?])(?P<close>[\"')\]»”’]?)\s+(?=\S)|(?<=[。！？।॥])(?P<close2>)\s*(?=\S)")
_OPENERS = "\"'([¿¡«“‘"


def _opens(ch: str) -> bool:
    """Whether a sentence can start with ``ch``: a capital in any script (É, Ж), a letter of a
    script without case (Arabic, Devanagari, Chinese), a digit, or an opening quote, bracket, ¿ or ¡."""
    return ch.isdigit() or ch in _OPENERS or (ch.isalpha() and not ch.islower())


def _cut(line: str) -> list[str]:
    """``line`` cut at its sentence ends; a closing quote or bracket stays with its sentence."""
    pieces, start = [], 0
    for end in _SENTENCE_END.finditer(line):
        if end.group("close2") is None and not _opens(line[end.end()]):
            continue  # "approx. value", "3 p.m. today": no sentence starts in lower case
        close = end.group("close") or ""
        pieces.append(line[start : end.start() + len(close)])
        start = end.end()
    pieces.append(line[start:])
    return pieces


_LIST_MARKER = re.compile(r"(^|:\s*)\(?\d{1,2}[.)]$")  # "1." opening a list item is no sentence
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "vs.", "Fig.", "fig.", "Eq.", "eq.", "Dr.", "Mr.", "Ms.", "No.", "approx.")


@dataclass(frozen=True, slots=True)
class Chunk:
    """One retrievable piece of a material.

    Attributes:
        material: the material's id.
        index: the chunk's position in the material, from 0.
        title: the material's title (embedded with the chunk, not part of ``sentences``).
        sentences: the chunk's sentences, in order.
        part: which part of the material the sentences come from (below).
    """

    material: str
    index: int
    title: str
    sentences: tuple[str, ...]
    part: str = "text"
    """``text``; for an exercise, ``prompt`` (its items) or ``key`` (its answer key, which some readers may not see)."""

    @property
    def text(self) -> str:
        """The chunk's own text."""
        return " ".join(self.sentences)

    @property
    def passage(self) -> str:
        """What is embedded and matched: the title, then the text."""
        return f"{self.title}. {self.text}" if self.title else self.text


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``, in order, stripped; blank lines and lines end sentences.

    A line ending in ":" is a lead-in and a line that stops mid-sentence ("It always
    factors as") is carried on by the next: both keep their line break, so a formula
    or a list set on its own line stays there.

    Examples:
        >>> split_sentences("Add 2 and 3. The sum is 5! Why?\\nBecause.")
        ['Add 2 and 3.', 'The sum is 5!', 'Why?', 'Because.']
        >>> split_sentences("Use e.g. Figure 2. Then stop.")
        ['Use e.g. Figure 2.', 'Then stop.']
        >>> split_sentences("To factor:\\n1. Find the roots.")
        ['To factor:\\n1. Find the roots.']
        >>> split_sentences("It always factors as\\na^2 - b^2 = (a + b)(a - b).\\nWhy: multiply out.")
        ['It always factors as\\na^2 - b^2 = (a + b)(a - b).', 'Why: multiply out.']
    """
    return [sentence for sentence, _ in split_lines(text)]


def split_lines(text: str) -> list[tuple[str, bool]]:
    """``split_sentences`` with, for each sentence, whether it begins a line of ``text``.

    An answer or a passage put together from sentences breaks its lines where the
    material did: the steps of a worked solution run together read as one paragraph,
    and a bullet "- x^4 - 16" read inline becomes a minus sign.

    Examples:
        >>> split_lines("Steps: one. Two.\\n1. Add.")
        [('Steps: one.', True), ('Two.', False), ('1. Add.', True)]
    """
    out: list[list[object]] = []  # [sentence, begins a line]
    after_blank = False
    for line in text.splitlines():
        line = " ".join(line.split())
        if not line:
            after_blank = True
            continue
        merged: list[str] = []
        for piece in _cut(line):
            if merged and (merged[-1].endswith(_ABBREVIATIONS) or _LIST_MARKER.search(merged[-1])):
                merged[-1] = f"{merged[-1]} {piece}"
            else:
                merged.append(piece)
        first = True
        for piece in (p.strip() for p in merged):
            if not piece:
                continue
            last = str(out[-1][0]) if out else ""
            if out and (last.endswith(":") or (first and not after_blank and _continues(last, piece))):
                out[-1][0] = (
                    f"{last}\n{piece}" if first else f"{last} {piece}"
                )  # a lead-in belongs with what it introduces
            else:
                out.append([piece, first])
            first = False
        after_blank = False
    return [(str(sentence), bool(starts)) for sentence, starts in out]


_FINAL = (".", "!", "?", ";", "。", "！", "？", "।", "॥")
_CLOSING = "\"')]»”’"
_UNFINISHED = re.compile(
    r"(?:[=+\-−×÷,(]|\b(?:as|is|are|be|of|to|by|and|or|the|a|an|with|from|for|gives|becomes|equals|that|where|into|than|means))$",
    re.IGNORECASE,
)


def _continues(previous: str, line: str) -> bool:
    """Whether ``line`` carries on ``previous``, a line that stopped mid-sentence.

    "It always factors as" followed by a formula on its own line is one sentence: cut
    there, an answer said "It always factors as" and stopped. A line ending in
    punctuation is finished; one ending otherwise continues when it ends in a word or
    sign that cannot end a sentence, or the next line starts in lower case.
    """
    if previous.rstrip(_CLOSING).endswith(_FINAL):
        return False
    return bool(_UNFINISHED.search(previous)) or line[:1].islower()


def laid_out(sentences: Sequence[str], begins_line: Mapping[str, bool]) -> str:
    """``sentences`` joined as the material set them: a line break before one that began a line.

    Examples:
        >>> laid_out(["Solution:", "1. Add.", "2. Check."], {"1. Add.": True, "2. Check.": True})
        'Solution:\\n1. Add.\\n2. Check.'
    """
    parts: list[str] = []
    for sentence in sentences:
        if parts:
            parts.append("\n" if begins_line.get(sentence, False) else " ")
        parts.append(sentence)
    return "".join(parts)


def _windows(sentence: str, max_words: int) -> list[str]:
    words = sentence.split()
    if len(words) <= max_words:
        return [sentence]
    step = max(1, max_words - max_words // 4)
    return [" ".join(words[i : i + max_words]) for i in range(0, max(1, len(words) - max_words // 4), step)]


def chunk_text(text: str, *, max_words: int = 80, overlap: int = 1) -> list[tuple[str, ...]]:
    """Runs of whole sentences of at most about ``max_words`` words, overlapping by ``overlap`` sentences.

    Examples:
        >>> chunk_text("One two three. Four five six. Seven eight nine.", max_words=6)
        [('One two three.', 'Four five six.'), ('Four five six.', 'Seven eight nine.')]
        >>> chunk_text("")
        []
    """
    sentences = [w for s in split_sentences(text) for w in _windows(s, max_words)]
    if not sentences:
        return []
    sizes = [len(s.split()) for s in sentences]
    chunks: list[tuple[str, ...]] = []
    start = 0
    while start < len(sentences):
        end, words = start, 0
        while end < len(sentences) and (end == start or words + sizes[end] <= max_words):
            words += sizes[end]
            end += 1
        chunks.append(tuple(sentences[start:end]))
        if end >= len(sentences):
            break
        start = max(start + 1, end - overlap)
    return chunks
