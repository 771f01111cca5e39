"""Dense passage and query embeddings: the bundled all-MiniLM-L6-v2, or a fine-tuned copy.

``PassageEncoder`` is what the index needs from a bi-encoder: a name (the model version
the embeddings came from), a dimension, and unit-length float32 embeddings. The real
one wraps sentence-transformers; tests can pass anything with the same shape.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

__all__ = ["BUNDLED", "PassageEncoder", "SentenceEncoder", "load_sentence_transformer"]

BUNDLED = "bundled"
"""The name of the off-the-shelf encoder's embeddings."""


class PassageEncoder(Protocol):
    """Texts in, unit-length float32 rows out."""

    name: str
    dim: int

    def encode(
        self, texts: Sequence[str], *, batch_size: int = 32, progress: Callable[[int, int], None] | None = None
    ) -> np.ndarray:
        """Embed ``texts`` (shape ``(len(texts), dim)``)."""
        ...


def _folder(path: Path | None) -> Path:
    if path is not None:
        return path
    from ml.encoder import bundled_encoder_path

    return bundled_encoder_path()


def load_sentence_transformer(path: Path | None = None, *, max_seq_length: int = 256) -> SentenceTransformer:
    """The bundled encoder (``path=None``) or a saved one, on the CPU, with nothing downloaded."""
    from ml.encoder import offline_transformers

    offline_transformers()
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(_folder(path)), device="cpu")
    model.max_seq_length = max_seq_length
    return model


class SentenceEncoder:
    """A sentence-transformers bi-encoder as a ``PassageEncoder``.

    Args:
        path: a saved model folder; None for the bundled all-MiniLM-L6-v2.
        name: the model version to record beside the embeddings.
        max_seq_length: longer passages are truncated (chunks are shorter).
    """

    def __init__(self, path: Path | None = None, *, name: str = BUNDLED, max_seq_length: int = 256) -> None:
        self.path = path
        self.name = name
        self.max_seq_length = max_seq_length
        self._model: SentenceTransformer | None = None
        self._lock = threading.Lock()
        pooling = _folder(path) / "1_Pooling" / "config.json"
        config = json.loads(pooling.read_text()) if pooling.exists() else {}
        dim = config.get("word_embedding_dimension", config.get("embedding_dimension"))  # sentence-transformers 5 / 6
        if dim is None:
            dim = self.model.get_embedding_dimension()
            if dim is None:  # no module of the model says its width
                raise ValueError(
                    f"{_folder(path)}: the sentence-transformers model does not say its embedding dimension"
                )
        self.dim = int(dim)

    @property
    def model(self) -> SentenceTransformer:
        """The transformer, loaded on first use (so a service starts without waiting for it)."""
        with self._lock:
            if self._model is None:
                self._model = load_sentence_transformer(self.path, max_seq_length=self.max_seq_length)
            return self._model

    def encode(
        self, texts: Sequence[str], *, batch_size: int = 32, progress: Callable[[int, int], None] | None = None
    ) -> np.ndarray:
        """Embed ``texts`` in batches, longest first (less padding), reporting progress."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        step = batch_size * 4
        for start in range(0, len(order), step):
            rows = order[start : start + step]
            out[rows] = self.model.encode(
                [texts[i] for i in rows],
                batch_size=batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
            if progress is not None:
                progress(min(start + step, len(order)), len(order))
        return out
