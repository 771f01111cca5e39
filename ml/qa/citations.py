"""The grounding check every generated answer goes through before anyone sees it.

A small model cites numbers that do not exist, cites the wrong passage, or adds
things no passage says. So the model's text is taken apart sentence by sentence:

1. citations like ``[4]`` or ``[1, 4]`` to numbers outside the evidence are removed;
2. a sentence is kept only if the passages it cites support it: at least
   ``min_support`` of its content words, and every number in it, occur in them;
   if they do not, the single passage that does support it is cited instead; a
   sentence no passage supports is dropped (and so is a repeated one);
3. when nothing survives, the answer falls back to the sentence of the top passage
   that shares most words with the question, cited as ``[1]``.

Support is lexical, so it is a guard against invention, not a proof of correctness: a
sentence that recombines the evidence's words wrongly can still pass.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ml.qa.generation import GeneratedAnswer

__all__ = [
    "NO_EVIDENCE_ANSWER",
    "fallback_answer",
    "ground_answer",
    "parse_citations",
    "strip_invalid_citations",
    "support",
]

NO_EVIDENCE_ANSWER = "I could not find anything about this in the course materials."

_MARKER = re.compile(r"\[\s*(\d+(?:\s*[,;]\s*\d+)*)\s*\]")
_WORD = re.compile(r"[a-z0-9]+")
_DIGITS = re.compile(r"\d")
_SPLIT = re.compile(r"(?<=[.!?])\s+|\n+")
_LEAD = re.compile(r"^\s*(?:according to|as (?:stated|shown|said) in|see|from|in)\s*[,:]\s*", re.IGNORECASE)
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:!?])")
_END = re.compile(r"([.!?]*)\s*$")

_STOPWORDS = """a about above after again all also an and any are as at be because been before being both but by can
    could did do does don doing during each either etc for from further had has have having here how i if in
    into is it its just may me might more most much must my no nor not now of on once only or other our out
    over own per same should so some such t than that the their them then there these they this those through
    to too under until up us very was we were what when where which while who whom why will with would you
    your according evidence passage passages s"""
STOPWORDS = frozenset(_STOPWORDS.split())


def _stem(word: str) -> str:
    """A crude suffix strip so "subtracting"/"subtract" and "measures"/"measured" match."""
    for suffix in ("ing", "ed", "es", "s", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _content(text: str) -> set[str]:
    words = _WORD.findall(_MARKER.sub(" ", text).lower())
    return {_stem(word) for word in words if word not in STOPWORDS}


def parse_citations(text: str) -> list[int]:
    """Every number cited as ``[n]`` or ``[n, m]``, in order of first appearance.

    Examples:
        >>> parse_citations("It is zero [2]. Both say so [1, 2][3].")
        [2, 1, 3]
    """
    seen: dict[int, None] = {}
    for marker in _MARKER.finditer(text):
        for number in re.split(r"\s*[,;]\s*", marker.group(1)):
            seen.setdefault(int(number), None)
    return list(seen)


def _tidy(text: str) -> str:
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", re.sub(r"\s{2,}", " ", text)).strip()
    text = _LEAD.sub("", text)
    return text[:1].upper() + text[1:]


def strip_invalid_citations(text: str, count: int) -> str:
    """Remove cited numbers outside ``1..count`` (and markers left empty).

    Examples:
        >>> strip_invalid_citations("Zero [1, 7]. Said [9] twice.", 2)
        'Zero [1]. Said twice.'
        >>> strip_invalid_citations("According to [5], x is 2.", 3)
        'X is 2.'
    """

    def keep(marker: re.Match[str]) -> str:
        numbers = [n for n in re.split(r"\s*[,;]\s*", marker.group(1)) if 1 <= int(n) <= count]
        return f"[{', '.join(numbers)}]" if numbers else ""

    cleaned = _MARKER.sub(keep, text)
    return cleaned if cleaned == text else _tidy(cleaned)


def support(sentence: str, passages: Sequence[str]) -> float:
    """Share of ``sentence``'s content words found in ``passages``; 0 if a number is not.

    Examples:
        >>> support("The product is zero.", ["If a product is zero, a factor is zero."])
        1.0
        >>> support("So x = 7.", ["Subtract 3 to get x = 4."])
        0.0
    """
    words = _content(sentence)
    if not words:
        return 0.0
    source: set[str] = set().union(*(_content(passage) for passage in passages)) if passages else set()
    if any(_DIGITS.search(word) and word not in source for word in words):
        return 0.0
    return len(words & source) / len(words)


def _sentences(text: str) -> list[str]:
    """Split on sentence ends; a piece that is only citations joins the sentence before it."""
    pieces: list[str] = []
    for piece in _SPLIT.split(text.strip()):
        if not piece.strip():
            continue
        if pieces and not _WORD.search(_MARKER.sub(" ", piece)):
            pieces[-1] = f"{pieces[-1]} {piece.strip()}"
        else:
            pieces.append(piece.strip())
    return pieces


def _cite(sentence: str, number: int) -> str:
    """``sentence`` with its markers replaced by ``[number]`` before the final punctuation."""
    bare = _tidy(_MARKER.sub(" ", sentence))
    end = _END.search(bare)
    stop = end.group(1) if end else ""
    return f"{bare[: len(bare) - len(stop)].rstrip()} [{number}]{stop or '.'}"


def fallback_answer(question: str, passages: Sequence[str], raw: str = "") -> GeneratedAnswer:
    """The sentence of the top passage sharing most content words with ``question``, cited ``[1]``.

    Examples:
        >>> fallback_answer("What is a slope?", ["Lines are straight. A slope measures steepness."]).text
        'A slope measures steepness [1].'
    """
    if not passages:
        return GeneratedAnswer(NO_EVIDENCE_ANSWER, (), fallback=True, raw=raw)
    asked = _content(question)
    candidates = _sentences(passages[0]) or [passages[0]]
    best = max(candidates, key=lambda sentence: len(_content(sentence) & asked))  # first of the ties
    return GeneratedAnswer(_cite(best, 1), (1,), fallback=True, raw=raw)


def ground_answer(raw: str, question: str, passages: Sequence[str], *, min_support: float = 0.7) -> GeneratedAnswer:
    """Check a model's ``raw`` text against the ``passages`` it was shown (see the module doc).

    Args:
        raw: the model's answer.
        question: the question (used only to choose the fallback sentence).
        passages: the evidence exactly as numbered in the prompt, ``[1]`` first.
        min_support: share of a sentence's content words its cited passages must contain.

    Returns:
        The grounded answer: every citation in its text is within ``1..len(passages)``.

    Examples:
        >>> ground_answer("The product is zero [1]. Paris is in France [9].", "?",
        ...               ["If a product is zero, a factor is zero."]).text
        'The product is zero [1].'
    """
    if not passages:
        return GeneratedAnswer(NO_EVIDENCE_ANSWER, (), fallback=True, raw=raw)
    kept: list[str] = []
    seen: set[frozenset[str]] = set()
    for sentence in _sentences(strip_invalid_citations(raw, len(passages))):
        key = frozenset(_content(sentence))
        if not key or key in seen:
            continue
        cited = parse_citations(sentence)
        if cited and support(sentence, [passages[n - 1] for n in cited]) >= min_support:
            kept.append(sentence)
        else:
            scores = [support(sentence, [passage]) for passage in passages]
            best = max(range(len(passages)), key=scores.__getitem__)
            if scores[best] < min_support:
                continue
            kept.append(_cite(sentence, best + 1))
        seen.add(key)
    if not kept:
        return fallback_answer(question, passages, raw)
    text = " ".join(kept)
    return GeneratedAnswer(text, tuple(parse_citations(text)), fallback=False, raw=raw)
