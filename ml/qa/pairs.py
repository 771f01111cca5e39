"""(question, passage) pairs for fine-tuning the retriever, built from the curriculum itself.

- an exercise is a question whose passages are the explanations (and examples) of the
  concepts it assesses: the chunk of each that shares most words with it;
- a concept's label, and its definition, are questions whose passages are the materials
  that teach it (their best-matching chunk);
- any (question, passage) pairs given in a file are added as they are.

Held-out pairs are split off by question, so no question is seen in training.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from graph.model import Concept, Material, MaterialType
from ml.qa.bm25 import tokenize
from ml.qa.chunking import chunk_text

__all__ = ["Pair", "curriculum_pairs", "split_pairs"]

_TEACHING = (MaterialType.EXPLANATION, MaterialType.EXAMPLE, MaterialType.READING)


@dataclass(frozen=True, slots=True)
class Pair:
    """A question, a passage that answers it, and where the pair came from."""

    question: str
    passage: str
    source: str


def _passages(material: Material, max_words: int) -> list[str]:
    runs = chunk_text(material.text, max_words=max_words) or [(material.title,)]
    return [f"{material.title}. {' '.join(run)}" for run in runs]


def _best(question: str, passages: Sequence[str]) -> str:
    words = set(tokenize(question))
    return max(passages, key=lambda p: (len(words & set(tokenize(p))), -passages.index(p)))


def curriculum_pairs(concepts: Iterable[Concept], materials: Iterable[Material], *, max_words: int = 80) -> list[Pair]:
    """Pairs from exercises against explanations, and labels/definitions against materials."""
    materials = list(materials)
    teaching: dict[str, list[Material]] = {}
    for m in materials:
        if m.type in _TEACHING:
            for c in m.teaches:
                teaching.setdefault(c, []).append(m)
    chunks = {m.id: _passages(m, max_words) for ms in teaching.values() for m in ms}
    pairs: list[Pair] = []
    for m in materials:
        if m.type is not MaterialType.EXERCISE:
            continue
        question = " ".join(run for run in (m.title, m.text.split("Answers:")[0]) if run).strip()
        for c in m.assesses or m.teaches:
            pairs += [Pair(question, _best(question, chunks[t.id]), "exercise") for t in teaching.get(c, [])]
    for concept in concepts:
        for t in teaching.get(concept.id, []):
            pairs.append(Pair(concept.label, _best(concept.label, chunks[t.id]), "label"))
            if concept.definition:
                pairs.append(Pair(concept.definition, _best(concept.definition, chunks[t.id]), "definition"))
    return list(dict.fromkeys(pairs))


def split_pairs(pairs: Sequence[Pair], held_out: float = 0.2, seed: int = 7) -> tuple[list[Pair], list[Pair]]:
    """(train, held out), split by question so no held-out question is trained on.

    Examples:
        >>> ps = [Pair(f"q{i % 5}", f"p{i}", "x") for i in range(10)]
        >>> train, test = split_pairs(ps, 0.4)
        >>> sorted({p.question for p in test}), len(train) + len(test)
        (['q0', 'q4'], 10)
    """
    questions = sorted({p.question for p in pairs})
    random.Random(seed).shuffle(questions)
    test = set(questions[: round(len(questions) * held_out)])
    return [p for p in pairs if p.question not in test], [p for p in pairs if p.question in test]
