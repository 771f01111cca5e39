"""Why a question is not answered: a script the keywords cannot read, words no material uses.

Kept apart from ``ml.qa.answer`` (which retrieves and answers): these read the question
and the index's vocabulary to say what to tell the student instead, and how much of a
question a passage covers.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from graph.text import search_key
from ml.qa.bm25 import tokenize

if TYPE_CHECKING:
    from ml.qa.index import QaIndex

__all__ = ["UNREAD", "as_typed", "coverage", "question_terms", "quoted", "spelling_hints", "unknown_words", "unread"]

UNREAD = "I can't answer this: I match questions to the materials by words in the Latin alphabet, and found none here."
"""The notice of a question with no word the keyword side can read."""


def unread(question: str) -> bool:
    """Whether ``question`` is written in letters, none of them in the Latin alphabet the keywords are read in.

    Arabic, Hindi or Chinese script alone: the dense encoder, trained on English, rated
    "What is the capital of France?" in Arabic 0.5 against an Arabic algebra text, so its
    similarity alone answers nothing. A question of numbers and signs alone ("-9 + (-6)")
    is read, by its expression: declining every question without a word declined those.

    Examples:
        >>> unread("ما هي عاصمة فرنسا؟"), unread("-9 + (-6)"), unread("¿Qué es el álgebra?")
        (True, False, False)
    """
    key = search_key(question)
    return any(ch.isalpha() for ch in key) and _LATIN.search(key) is None


_LATIN = re.compile(r"[a-z]")


def coverage(query: Sequence[str], tokens: set[str], index: QaIndex) -> float:
    """Share of the query's idf mass found in ``tokens``."""
    weights = {t: index.bm25.idf(t) for t in set(query)}
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in tokens) / total if total else 0.0


def unknown_words(
    question: str, index: QaIndex, known_share: float = 0.5, hidden: Mapping[str, int] | None = None
) -> list[str] | None:
    """The question's words no material uses, when they carry most of its weight; else ``None``.

    "Who won the world cup" and "What is the capital of France?" were told "These are
    the closest places to look" beside a ratios example and two weak prerequisites; a
    question in a language the materials are not written in is the same case. Weighted by
    idf, so a common word the materials share ("many", "tell") does not make it theirs.
    Numbers do not count: "What is 2+2?" is about the course. ``hidden``: how many rows
    the asker may not read hold each term (``QaIndex.hidden_terms``): a word only a hidden
    answer key uses is no material's for them.

    Examples:
        >>> from types import SimpleNamespace
        >>> from ml.qa.bm25 import BM25Index
        >>> bm25 = BM25Index()
        >>> bm25.add(0, ["slope", "line"]); bm25.add(1, ["fraction", "add"])
        >>> index = SimpleNamespace(bm25=bm25)
        >>> unknown_words("Who won the world cup?", index), unknown_words("slope of a line", index)
        (['won', 'world', 'cup'], None)
    """
    terms = question_terms(question)
    if not terms:
        return None
    weights = {t: index.bm25.idf(t) for t in terms}
    # a misspelt course word ("parabla") is the course's: it was told it was off the topic
    strange = [t for t in terms if _readable(t, index, hidden) == 0 and t not in spelling_hints([t], index, hidden)]
    total = sum(weights.values())
    if not strange or total <= 0 or sum(weights[t] for t in terms if t not in strange) / total >= known_share:
        return None
    return strange


def question_terms(question: str) -> list[str]:
    """The terms a question is read by, once each, numbers left out."""
    return list(dict.fromkeys(t for t in tokenize(question) if not t.replace(".", "").isdigit()))


def spelling_hints(terms: Sequence[str], index: QaIndex, hidden: Mapping[str, int] | None = None) -> dict[str, str]:
    """For each of ``terms`` no material uses, the closest term one does, where one is close.

    Only terms the asker may read are offered (``hidden`` as for ``unknown_words``): a
    student was asked "Did you mean "halfway"?", a word only a hidden answer key held.

    Examples:
        >>> from types import SimpleNamespace
        >>> from ml.qa.bm25 import BM25Index
        >>> bm25 = BM25Index()
        >>> bm25.add(0, ["parabola", "vertex"])
        >>> spelling_hints(["parabla", "vertex", "weather", "vretex", "vortex", "verte"], SimpleNamespace(bm25=bm25))
        {'parabla': 'parabola', 'vretex': 'vertex', 'verte': 'vertex'}
    """
    # long words only, and close: "world" is one letter from "word", and is no misspelling of it; a short
    # word only with two letters swapped ("slpoe") or cut short by its last letter ("slop")
    unknown = [t for t in terms if _readable(t, index, hidden) == 0 and len(t) >= 4]
    if not unknown:
        return {}
    vocabulary = [v for v in index.bm25.vocabulary() if not hidden or v not in hidden or _readable(v, index, hidden)]
    known = set(vocabulary)
    hints = {}
    for term in unknown:
        close = [w for w in _swapped(term) if w in known][:1] or [w for w in _ended(term) if w in known][:1]
        if not close and len(term) >= 6:
            close = difflib.get_close_matches(term, vocabulary, n=1, cutoff=0.85)
        if not close and len(term) >= 6:  # spelt as it sounds: "coefishent", "equasion"
            key = sound_key(term)
            close = [w for w in vocabulary if len(w) >= 6 and sound_key(w) == key][:1]
        if close:
            hints[term] = close[0]
    return hints


_SOUNDS = (
    (re.compile(r"ph"), "f"),
    (re.compile(r"(?:[cst]i|sh|ch)(?=[aeiou])"), "sh"),  # "-cient", "-tion", "-sion" as they sound
    (re.compile(r"ck|q|c(?![eiy])"), "k"),
    (re.compile(r"c"), "s"),
    (re.compile(r"z"), "s"),
    (re.compile(r"(.)\1+"), r"\1"),
)


@lru_cache(maxsize=1 << 16)
def sound_key(word: str) -> str:
    """A crude key of how an English word sounds: spelt by ear, a course word keeps its key.

    Letters that sound alike are one letter and doubled letters one; vowels are kept
    ("vortex" is no misspelling of "vertex").

    Examples:
        >>> [sound_key(w) for w in ("coefishent", "coefficient", "equasion", "equation", "fraktion", "fraction")]
        ['koefishent', 'koefishent', 'ekuashon', 'ekuashon', 'frakshon', 'frakshon']
        >>> sound_key("vortex") == sound_key("vertex"), sound_key("weather") == sound_key("whether")
        (False, False)
    """
    key = word.lower()
    for pattern, sound in _SOUNDS:
        key = pattern.sub(sound, key)
    return key


def _ended(term: str) -> list[str]:
    """``term`` with one more letter at its end: a word cut short ("slop" for "slope"), the likeliest first.

    >>> _ended("slop")[:3]
    ['slope', 'slopa', 'slopi']
    """
    return [term + letter for letter in "eaiosnrtlcdumhgpbfywkvxzjq"]


def _swapped(term: str) -> list[str]:
    """``term`` with each two neighbouring letters swapped.

    >>> _swapped("slpoe")
    ['lspoe', 'sploe', 'slope', 'slpeo']
    """
    return [term[:i] + term[i + 1] + term[i] + term[i + 2 :] for i in range(len(term) - 1) if term[i] != term[i + 1]]


def _readable(term: str, index: QaIndex, hidden: Mapping[str, int] | None) -> int:
    """How many rows the asker may read hold ``term``."""
    return index.bm25.document_frequency(term) - (hidden.get(term, 0) if hidden else 0)


def as_typed(question: str, terms: Sequence[str]) -> list[str]:
    """The question's words as the student wrote them, for the ``terms`` read from them.

    Each term once, as first typed: "What does TEKS 111.27.b.4.B ask?" was told the
    materials never use "TEKS", "b", "B" or "ask", one word twice.

    Examples:
        >>> as_typed("How many Players on a team?", ["player", "team"]), as_typed("I don't know", ["don"])
        (['Players', 'team'], ["don't"])
        >>> as_typed("What does TEKS 111.27.b.4.B ask?", ["tek", "b", "ask"])
        ['TEKS', 'b', 'ask']
    """
    wanted, typed, seen = set(terms), [], set()
    for word in re.findall(r"[^\W_]+(?:['’][^\W_]+)*", question):  # "don't", not "don"
        read = tokenize(word)
        if read and read[0] in wanted and read[0] not in seen:
            typed.append(word)
            seen.add(read[0])
    return typed or list(terms)


def quoted(words: Sequence[str], most: int = 4) -> str:
    """``"won", "world" or "cup"``: the words a student typed that no material uses.

    Examples:
        >>> quoted(["won"]), quoted(["a", "b", "c", "d", "e", "f"]), quoted(["a", "b", "c", "d", "e"])
        ('"won"', '"a", "b", "c", "d" or 2 more words', '"a", "b", "c", "d" or 1 more word')
    """
    shown = [f'"{w}"' for w in words[:most]]
    if len(words) > most:
        return ", ".join(shown) + f" or {len(words) - most} more word{'s' if len(words) - most > 1 else ''}"
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + f" or {shown[-1]}"
