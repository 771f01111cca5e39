"""Test doubles for question answering: a hashing encoder and a lookup over plain dicts."""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence

import numpy as np

from graph.doubt import Doubt
from graph.model import Material
from ml.qa.bm25 import tokenize
from ml.qa.naming import ConceptNames


class HashEncoder:
    """Bag-of-words vectors by hashing (deterministic, instant): a stand-in for the bi-encoder."""

    def __init__(self, name: str = "hash", dim: int = 64) -> None:
        self.name = name
        self.dim = dim
        self.encoded: list[str] = []

    def encode(
        self, texts: Sequence[str], *, batch_size: int = 32, progress: Callable[[int, int], None] | None = None
    ) -> np.ndarray:
        self.encoded += list(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for token in tokenize(text):
                out[i, zlib.crc32(token.encode()) % self.dim] += 1.0
            norm = np.linalg.norm(out[i])
            out[i] = out[i] / norm if norm else out[i]
        if progress is not None:
            progress(len(texts), len(texts))
        return out


class DictLookup:
    """A ``CurriculumLookup`` over dicts."""

    def __init__(
        self,
        materials: dict[str, Material],
        prerequisites: dict[str, list[str]] | None = None,
        mastery: dict[str, dict[str, float]] | None = None,
    ) -> None:
        self._materials = materials
        self._prerequisites = prerequisites or {}
        self._mastery = mastery or {}

    def materials(self, ids: Sequence[str]) -> list[Material | None]:
        return [self._materials.get(i) for i in ids]

    def prerequisites(self, concept: str) -> list[str]:
        return self._prerequisites.get(concept, [])

    def materials_teaching(self, concept: str) -> list[str]:
        return sorted(m.id for m in self._materials.values() if concept in m.teaches)

    def mastery(self, student: str, concepts: Sequence[str]) -> dict[str, float]:
        known = self._mastery.get(student, {})
        return {c: known[c] for c in concepts if c in known}

    def concept_names(self) -> ConceptNames:
        return ConceptNames({})

    def doubt(self, student: str) -> Doubt:
        return Doubt(frozenset(), {})
