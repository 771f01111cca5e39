"""Okapi BM25 over an inverted index that grows and shrinks one document at a time.

Documents are rows (integers). Postings live in dicts so a row can be added or removed
in time proportional to its length; each term's postings are compiled to numpy arrays on
first use after a change, so scoring a query touches only the rows holding its terms.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from graph.text import search_key

__all__ = ["ASKING_WORDS", "STOPWORDS", "BM25Index", "query_terms", "stem", "tokenize"]

_STOPWORDS = """a about above after again all also am an and any are as at be because been before being below
    between both
    but by can could did do does doing down during each few for from further had has have having he her here hers
    him his how i if in into is it its itself just me more most my no nor not now of off on once only or other our
    out over own same she should so some such than that the their theirs them then there these they this those
    through to too under until up very was we were what when where which while who whom whose why will with would
    you your"""
STOPWORDS = frozenset(_STOPWORDS.split())
_WORD = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")


def stem(word: str) -> str:
    """A light plural stemmer: enough to match ``equations`` with ``equation``.

    Examples:
        >>> [stem(w) for w in ["equations", "parabolas", "properties", "boxes", "is", "glass"]]
        ['equation', 'parabola', 'property', 'box', 'is', 'glass']
    """
    if len(word) <= 3 or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("xes", "ches", "shes", "sses", "zes")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


def tokenize(text: str) -> list[str]:
    """Lower-cased, stemmed content words and numbers (stopwords dropped), accents taken off.

    "álgebra" was read as "lgebra" (the accented letter dropped), and matched nothing
    typed without the accent.

    Examples:
        >>> tokenize("What are the roots of x^2 - 4 = 0?")
        ['root', 'x', '2', '4', '0']
        >>> tokenize("¿Qué es el álgebra?") == tokenize("Que es el ALGEBRA")
        True
    """
    return [stem(w) for w in _WORD.findall(search_key(text)) if w not in STOPWORDS]


ASKING_WORDS = frozenset(
    ["explain", "describe", "tell", "teach", "help", "understand", "please", "learn", "know", "want", "need"]
)
"""Words that ask rather than say what about ("explain integers"): a passage that "explains the sign
rules" matched the question on them, above the one that defines integers."""


def query_terms(question: str) -> list[str]:
    """``tokenize`` of a question without its ``ASKING_WORDS``, unless they are all it says.

    Examples:
        >>> query_terms("Can you explain integers to me?"), query_terms("help")
        (['integer'], ['help'])
    """
    terms = tokenize(question)
    return [t for t in terms if t not in ASKING_WORDS] or terms


class BM25Index:
    """BM25 scores of a query against every row; rows come and go."""

    def __init__(self, *, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b
        self._postings: dict[str, dict[int, int]] = {}
        self._compiled: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._lengths: dict[int, int] = {}
        self._terms: dict[int, tuple[str, ...]] = {}
        self._total_length = 0
        self._length_array = np.zeros(0, dtype=np.float32)
        self._lengths_dirty = True

    def __len__(self) -> int:
        return len(self._lengths)

    def add(self, row: int, tokens: Sequence[str]) -> None:
        """Index ``tokens`` as row ``row`` (replacing what the row held)."""
        if row in self._lengths:
            self.remove(row)
        counts = Counter(tokens)
        for term, count in counts.items():
            self._postings.setdefault(term, {})[row] = count
            self._compiled.pop(term, None)
        self._terms[row] = tuple(counts)
        self._lengths[row] = len(tokens)
        self._total_length += len(tokens)
        self._lengths_dirty = True

    def remove(self, row: int) -> None:
        """Forget row ``row`` (nothing happens when it is not there)."""
        length = self._lengths.pop(row, None)
        if length is None:
            return
        self._total_length -= length
        for term in self._terms.pop(row):
            posting = self._postings[term]
            del posting[row]
            self._compiled.pop(term, None)
            if not posting:
                del self._postings[term]
        self._lengths_dirty = True

    def vocabulary(self) -> list[str]:
        """Every term some row holds."""
        return list(self._postings)

    def document_frequency(self, term: str) -> int:
        """How many rows hold ``term``."""
        return len(self._postings.get(term, ()))

    def rows_with_all(self, terms: Sequence[str]) -> set[int]:
        """The rows holding every one of ``terms`` (none for no terms)."""
        postings = sorted((self._postings.get(t, {}) for t in set(terms)), key=len)
        if not postings:
            return set()
        rows = set(postings[0])
        for posting in postings[1:]:
            rows.intersection_update(posting)
        return rows

    def idf(self, term: str) -> float:
        """BM25's inverse document frequency (never negative)."""
        n, df = len(self._lengths), self.document_frequency(term)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def _term(self, term: str) -> tuple[np.ndarray, np.ndarray] | None:
        compiled = self._compiled.get(term)
        if compiled is None:
            posting = self._postings.get(term)
            if not posting:
                return None
            compiled = (np.fromiter(posting.keys(), np.int64), np.fromiter(posting.values(), np.float32))
            self._compiled[term] = compiled
        return compiled

    def _row_lengths(self, size: int) -> np.ndarray:
        if self._lengths_dirty or len(self._length_array) < size:
            array = np.zeros(max(size, len(self._length_array)), dtype=np.float32)
            if self._lengths:
                array[np.fromiter(self._lengths.keys(), np.int64)] = np.fromiter(self._lengths.values(), np.float32)
            self._length_array = array
            self._lengths_dirty = False
        return self._length_array

    def scores(self, query: Sequence[str], size: int) -> np.ndarray:
        """BM25 score of every row ``0..size-1`` (0 where a row holds no query term or is gone)."""
        out = np.zeros(size, dtype=np.float32)
        if not self._lengths:
            return out
        lengths = self._row_lengths(size)
        average = self._total_length / len(self._lengths) or 1.0
        for term in set(query):
            compiled = self._term(term)
            if compiled is None:
                continue
            rows, tf = compiled
            norm = self.k1 * (1.0 - self.b + self.b * lengths[rows] / average)
            out[rows] += self.idf(term) * tf * (self.k1 + 1.0) / (tf + norm)
        return out
