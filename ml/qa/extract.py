"""Which sentences an extractive answer quotes, and in which order its hits are read.

Apart from ``ml.qa.answer``, which decides what kind of answer a question gets: these
only rank what it has found (sentences by the question's rare words; explanations and
worked examples before exercises, which pose problems and explain none).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache

from graph.model import Material, MaterialType
from ml.qa.bm25 import tokenize
from ml.qa.expressions import holds_shape
from ml.qa.forms import STRICT, text_form_level
from ml.qa.index import Hit, QaIndex

__all__ = [
    "best_sentences",
    "examples_first",
    "explaining_first",
    "asks_what",
    "defines",
    "explanation_if_close",
    "first_if_close",
    "related_word",
    "title_if_close",
]


def best_sentences(
    question: str, evidence: Sequence[Hit], index: QaIndex, count: int, expressions: Sequence[str] = ()
) -> list[str]:
    """The evidence sentences that hold most of the question's rare words (earlier chunks win ties).

    An exercise's items pose problems and answer none: asked one of them word for word,
    the answer was that item, at confidence 1.0. They are never read here. A sentence
    holding one of the question's ``expressions`` with its letters renamed ("a^0 = 1"
    for x^0) states the rule asked about: it comes first, and where one does, a
    variable's name (the "x" of x^0) counts as no word of the question. A sentence holding
    an expression's form (``ml.qa.forms``: "y = mx + b" for y = 2x + 3) counts so too, by
    how closely it holds it.
    """
    answering = [h for h in evidence if h.chunk.part != "prompt"]
    shapes = {
        s: max(
            sum(holds_shape(s, e) for e in expressions) / len(expressions) if expressions else 0.0,
            text_form_level([s], expressions) / STRICT,
        )
        for h in answering
        for s in h.chunk.sentences
    }
    query = tokenize(question)
    if any(shapes.values()):
        query = [t for t in query if len(t) > 1]
    defining = asks_what(question)
    weights = {t: index.bm25.idf(t) for t in set(query)}
    scored: list[tuple[float, int, int, str, float]] = []  # ranked with a definition's bonus, cut without it
    place: dict[str, tuple[str, int, int]] = {}  # where a sentence stands: its material, chunk and position
    for rank, hit in enumerate(answering):
        for position, sentence in enumerate(hit.chunk.sentences):
            tokens = tokenize(sentence)
            covered = related_coverage(weights, set(tokens))
            # word pairs only break ties between sentences holding two of the question's words or more
            pairs = phrase_share(query, tokens) if covered and len(weights) > 1 else 0.0
            score = covered + PHRASE_WEIGHT * pairs + SHAPE_WEIGHT * shapes[sentence] - 0.15 * rank
            bonus = DEFINES_WEIGHT if defining and defines(tokens, sentence, query) else 0.0
            scored.append((score + bonus, -rank, -position, sentence, score))
            place.setdefault(sentence, (hit.chunk.material, hit.chunk.index, position))
    chosen: list[str] = []
    ranked = sorted(scored, reverse=True)
    best = max((base for *_, base in ranked), default=0.0)
    for _, _, _, sentence, base in ranked:
        if chosen and base < 0.5 * best:
            continue  # a much weaker sentence would only dilute the answer
        if sentence not in chosen:
            chosen.append(sentence)
        if len(chosen) == count:
            break
    if (
        len({place[s][0] for s in chosen}) == 1
    ):  # one material's sentences read in its order ("Slope measures..." first)
        chosen.sort(key=lambda s: place[s][1:])
        if defining and defines(tokenize(chosen[0]), chosen[0], query):
            chosen = _definition_continued(chosen, answering, place, count)
    return chosen


_BACK_REFERENCE = re.compile(r"^(?:It|Its|This|These|They|Their|That)\b")
"""A sentence opening on a word that points back at the one before it ("It always factors as...")."""


def _definition_continued(
    chosen: list[str], evidence: Sequence[Hit], place: Mapping[str, tuple[str, int, int]], count: int
) -> list[str]:
    """``chosen`` with the sentence that goes on from its first where that one points back at it.

    "What is a difference of squares?" was answered with the definition and a bullet from
    further down ("- x^4 - 16 = ..."), leaving out the next sentence, "It always factors
    as a^2 - b^2 = (a + b)(a - b).": the formula holds none of the question's words. The
    sentence after a definition that says "it" is about the thing defined; it takes the
    place of the weakest sentence chosen.
    """
    material, chunk, position = place[chosen[0]]
    sentences = next(
        (h.chunk.sentences for h in evidence if (h.chunk.material, h.chunk.index) == (material, chunk)), ()
    )
    following = sentences[position + 1] if position + 1 < len(sentences) else None
    if following is None or following in chosen or not _BACK_REFERENCE.match(following):
        return chosen
    return [chosen[0], following, *chosen[1:]][: max(count, 2)]


_SUFFIXES = tuple(
    sorted(
        ("ications", "ication", "ations", "ation", "sions", "sion", "tions", "tion", "ions", "ion", "ences", "ence")
        + ("ents", "ent", "ings", "ing", "ers", "er", "ed", "es", "e", "s", "y", "ly", "al", "able", "ible"),
        key=len,
        reverse=True,
    )
)
RELATED_WEIGHT = 0.8
"""A word of the same family counts for less than the word itself, so the exact word wins a tie."""


@lru_cache(maxsize=1 << 16)
def word_root(word: str) -> str:
    """A crude root for matching words of one family in a sentence: its longest known suffix off, 4 letters kept.

    Examples:
        >>> [word_root(w) for w in ("divide", "division", "different", "difference", "multiplication", "multiple")]
        ['divid', 'divi', 'differ', 'differ', 'multipl', 'multipl']
    """
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _same_family(x: str, y: str) -> bool:
    """Whether two roots are of one family: equal, or one begins the other and the shorter has 4 letters or more."""
    return x == y or (min(len(x), len(y)) >= 4 and (x.startswith(y) or y.startswith(x)))


def _related(root: str, roots: set[str]) -> bool:
    """Whether a sentence's roots hold ``root``'s family."""
    return root in roots or any(_same_family(root, r) for r in roots)


def related_word(word: str, roots: set[str]) -> bool:
    """Whether ``roots`` (of a sentence, a question) hold ``word``'s family ("slopes" for "slope")."""
    return _related(word_root(word), roots)


def related_coverage(weights: Mapping[str, float], tokens: set[str]) -> float:
    """Share of the query's idf mass in ``tokens``, a word of the same family counting ``RELATED_WEIGHT``.

    "Why can't you divide by zero?" quoted "Zero divided by a nonzero number is 0" and left
    out the next sentence, "division by zero is undefined": only "zero" was matched, and
    the earlier sentence won the tie.

    Examples:
        >>> w = {"divide": 1.0, "zero": 1.0}
        >>> related_coverage(w, {"division", "zero", "undefined"}), related_coverage(w, {"divide", "zero"})
        (0.9, 1.0)
    """
    total = sum(weights.values())
    if not total:
        return 0.0
    got = sum(w for t, w in weights.items() if t in tokens)
    missing = [(t, w) for t, w in weights.items() if t not in tokens]
    if missing:  # the roots of the sentence only where a word is not there as it is
        roots = {word_root(t) for t in tokens}
        got += sum(RELATED_WEIGHT * w for t, w in missing if _related(word_root(t), roots))
    return got / total


DEFINES_WEIGHT = 0.5
"""What stating the asked term's meaning adds to a sentence's score, asked "what is": more than a chunk's rank."""

_WHAT = re.compile(
    r"^\W*(?:what\s*(?:is|are|'s|’s|does|do)\b|define\b|(?:the\s+)?(?:definition|meaning)\s+of\b)", re.IGNORECASE
)
_DEFINING = re.compile(r"\b(?:is|are|means?|measures?|refers|stands)\b", re.IGNORECASE)


_ASKING_MEANING = frozenset(tokenize("define definition meaning mean"))
"""Words that ask what a term means ("Define slope."): the sentence opens with the term, not with them."""


def asks_what(question: str) -> bool:
    """Whether ``question`` asks what something is or means.

    Examples:
        >>> [asks_what(q) for q in ("What is a percent?", "what does slope mean", "Define GCF", "How do I factor?")]
        [True, True, True, False]
    """
    return bool(_WHAT.match(question))


def defines(tokens: Sequence[str], sentence: str, query: Sequence[str]) -> bool:
    """Whether a sentence (``tokens``, as read) opens with the question's words and says what they are.

    "What is a percent?" quoted "Decimal to percent: multiply by 100" from the chunk that
    ranked first, where its material opens "Percent means per hundred". Words of one family count.

    Examples:
        >>> defines(tokenize("Percent means per hundred."), "Percent means per hundred.", ["percent"])
        True
        >>> defines(tokenize("Decimal to percent: multiply by 100."), "Decimal to percent: multiply.", ["percent"])
        False
        >>> said = "Slope measures how steep a line is."
        >>> defines(tokenize(said), said, tokenize("Define slope"))
        True
    """
    asked = list(dict.fromkeys(t for t in query if t not in _ASKING_MEANING)) or list(dict.fromkeys(query))
    if not asked or len(tokens) < len(asked) or not _DEFINING.search(sentence):
        return False
    roots = {word_root(t) for t in tokens[: len(asked)]}
    return all(_related(word_root(t), roots) for t in asked)


SHAPE_WEIGHT = 1.0
"""What holding the question's expression, letters renamed, adds to a sentence's score: as much as every word."""

PHRASE_WEIGHT = 0.1
"""What the question's word pairs, in order, add to a sentence's score: a tie breaker, not a word's worth."""


def phrase_share(query: Sequence[str], tokens: Sequence[str]) -> float:
    """Share of the question's adjacent word pairs that stand adjacent, in order, in the sentence (families count).

    "Why can't you divide by zero?": "division by zero is undefined" holds the pair
    (divide, zero), "Zero divided by a nonzero number is 0" does not.

    Examples:
        >>> phrase_share(["divide", "zero"], ["division", "zero", "undefined"])
        1.0
        >>> phrase_share(["divide", "zero"], ["zero", "divided", "nonzero", "number"])
        0.0
    """
    pairs = list(zip(query, query[1:], strict=False))
    if not pairs:
        return 0.0
    roots = [word_root(t) for t in tokens]
    at = {t: [i for i, r in enumerate(roots) if _same_family(word_root(t), r)] for t in set(query)}
    end = len(roots) - 1
    found = sum(any(i < end and _same_family(word_root(b), roots[i + 1]) for i in at[a]) for a, b in pairs)
    return found / len(pairs)


def explaining_first(hits: Sequence[Hit], known: Mapping[str, Material]) -> list[Hit]:
    """Hits from materials that explain before those from exercises, each group in its order.

    For a problem no material works, another exercise only poses more problems; an
    explanation or a worked example shows the method. ``known``: the hits' materials.
    """
    exercises = {i for i, m in known.items() if m.type is MaterialType.EXERCISE}
    return sorted(hits, key=lambda h: h.chunk.material in exercises)


def explanation_if_close(
    hits: Sequence[Hit], known: Mapping[str, Material], within: float = 0.9, question: str = ""
) -> list[Hit]:
    """The best explanation or example first, when the best hit is an exercise and it scores nearly as well.

    "What is the difference between a factor and a multiple?" was answered from a practice
    set's answer key ("No, 231 is not a multiple of 5..."), 4.70 against the explanation's
    4.63, which opens with exactly that difference. An exercise well ahead keeps its place,
    unless it is an answer key whose own text holds none of the ``question``'s words: its
    title matched, and a terse key ("Answers: 1. k = 3", as real exercises' solutions are)
    is short, so BM25 ranked it over the explanation with that title too. "What is the
    constant of proportionality?" was answered "Answers: 1. k = 3", at confidence 1.0.
    """
    if not hits or (m := known.get(hits[0].chunk.material)) is None or m.type is not MaterialType.EXERCISE:
        return list(hits)
    asked = set(tokenize(question))
    titled_only = hits[0].chunk.part == "key" and bool(asked) and not asked & set(tokenize(hits[0].chunk.text))
    for i, hit in enumerate(hits[1:], start=1):
        other = known.get(hit.chunk.material)
        if other is not None and other.type is not MaterialType.EXERCISE:
            close = titled_only or hit.score >= within * hits[0].score
            return [hit, *hits[:i], *hits[i + 1 :]] if close else list(hits)
    return list(hits)


def title_if_close(hits: Sequence[Hit], question: str, within: float = 0.9) -> list[Hit]:
    """First, the best hit whose material's title holds every word of the question, when it scores nearly as well.

    "How do I find the slope between two points?" was answered from point-slope form
    (4.32) where the worked example titled "Finding the slope between two points" scored
    4.12: a title that restates the question is the material written for it. Words of
    one family count ("finding" for "find"); a hit well behind keeps its place.
    """
    asked = set(tokenize(question))
    if not hits or not asked:
        return list(hits)

    def says_it_all(hit: Hit) -> bool:
        title = set(tokenize(hit.chunk.title))
        roots = {word_root(t) for t in title}
        return all(t in title or _related(word_root(t), roots) for t in asked)

    return first_if_close(hits, says_it_all, within)


def first_if_close(hits: Sequence[Hit], wanted: Callable[[Hit], bool], within: float) -> list[Hit]:
    """The best ``wanted`` hit first, when it scores at least ``within`` of the best; else the hits as they are."""
    if not hits or wanted(hits[0]):
        return list(hits)
    for i, hit in enumerate(hits[1:], start=1):
        if hit.score < within * hits[0].score:
            break
        if wanted(hit):
            return [hit, *hits[:i], *hits[i + 1 :]]
    return list(hits)


def examples_first(hits: Sequence[Hit], known: Mapping[str, Material]) -> list[Hit]:
    """Hits from worked examples before the others, each group in its order (``known``: their materials)."""
    return sorted(hits, key=lambda h: (m := known.get(h.chunk.material)) is None or m.type is not MaterialType.EXAMPLE)
