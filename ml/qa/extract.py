"""Which sentences an extractive answer quotes, and in which order its hits are read.

Apart from ``ml.qa.answer``, which decides what kind of answer a question gets: these
only rank what it has found (sentences by the question's rare words; explanations and
worked examples before exercises, which pose problems and explain none).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from graph.model import Material, MaterialType
from ml.qa.bm25 import tokenize
from ml.qa.declines import coverage
from ml.qa.index import Hit, QaIndex

__all__ = ["best_sentences", "examples_first", "explaining_first"]


def best_sentences(question: str, evidence: Sequence[Hit], index: QaIndex, count: int) -> list[str]:
    """The evidence sentences that hold most of the question's rare words (earlier chunks win ties).

    An exercise's items pose problems and answer none: asked one of them word for word,
    the answer was that item, at confidence 1.0. They are never read here.
    """
    query = tokenize(question)
    scored: list[tuple[float, int, int, str]] = []
    answering = [h for h in evidence if h.chunk.part != "prompt"]
    place: dict[str, tuple[str, int, int]] = {}  # where a sentence stands: its material, chunk and position
    for rank, hit in enumerate(answering):
        for position, sentence in enumerate(hit.chunk.sentences):
            score = coverage(query, set(tokenize(sentence)), index) - 0.15 * rank
            scored.append((score, -rank, -position, sentence))
            place.setdefault(sentence, (hit.chunk.material, hit.chunk.index, position))
    chosen: list[str] = []
    ranked = sorted(scored, reverse=True)
    for score, _, _, sentence in ranked:
        if chosen and score < 0.5 * ranked[0][0]:
            break  # a much weaker sentence would only dilute the answer
        if sentence not in chosen:
            chosen.append(sentence)
        if len(chosen) == count:
            break
    if (
        len({place[s][0] for s in chosen}) == 1
    ):  # one material's sentences read in its order ("Slope measures..." first)
        chosen.sort(key=lambda s: place[s][1:])
    return chosen


def explaining_first(hits: Sequence[Hit], known: Mapping[str, Material]) -> list[Hit]:
    """Hits from materials that explain before those from exercises, each group in its order.

    For a problem no material works, another exercise only poses more problems; an
    explanation or a worked example shows the method. ``known``: the hits' materials.
    """
    exercises = {i for i, m in known.items() if m.type is MaterialType.EXERCISE}
    return sorted(hits, key=lambda h: h.chunk.material in exercises)


def examples_first(hits: Sequence[Hit], known: Mapping[str, Material]) -> list[Hit]:
    """Hits from worked examples before the others, each group in its order (``known``: their materials)."""
    return sorted(hits, key=lambda h: (m := known.get(h.chunk.material)) is None or m.type is not MaterialType.EXAMPLE)
