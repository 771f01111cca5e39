"""Fine-tuning the bi-encoder on (question, passage) pairs with in-batch negatives.

sentence-transformers' trainer with ``MultipleNegativesRankingLoss``: in a batch, each
question's passage is its positive and every other passage a negative; the batch
sampler keeps a passage (or question) from appearing twice in one batch, where it would
be its own false negative. Needs ``datasets`` and ``accelerate``. Never imported by the server.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

__all__ = ["RetrieverTrainingArguments", "fine_tune"]

log = logging.getLogger("pathwise.qa.train")


@dataclass(frozen=True)
class RetrieverTrainingArguments:
    """Knobs of fine-tuning (defaults suit a few hundred to a few thousand pairs on a CPU)."""

    epochs: int = 1
    batch_size: int = 32
    learning_rate: float = 5e-5
    warmup: float = 0.1
    max_seq_length: int = 128
    seed: int = 7
    threads: int = 1
    progress: bool = False


def fine_tune(
    pairs: Sequence[tuple[str, str]],
    args: RetrieverTrainingArguments | None = None,
    *,
    base: Path | None = None,
    out: Path | None = None,
) -> SentenceTransformer:
    """Fine-tune ``base`` (the bundled encoder when None) on ``pairs``; save to ``out`` when given."""
    import torch
    from datasets import Dataset
    from sentence_transformers import SentenceTransformerTrainer
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss
    from sentence_transformers.sentence_transformer.training_args import (
        BatchSamplers,
        SentenceTransformerTrainingArguments,
    )

    from ml.qa.dense import load_sentence_transformer

    opts = args or RetrieverTrainingArguments()
    torch.set_num_threads(opts.threads)
    torch.manual_seed(opts.seed)
    model = load_sentence_transformer(base, max_seq_length=opts.max_seq_length)
    data = Dataset.from_dict({"anchor": [q for q, _ in pairs], "positive": [p for _, p in pairs]})
    with tempfile.TemporaryDirectory() as scratch:
        training = SentenceTransformerTrainingArguments(
            output_dir=scratch,
            num_train_epochs=opts.epochs,
            per_device_train_batch_size=opts.batch_size,
            learning_rate=opts.learning_rate,
            warmup_steps=opts.warmup,
            seed=opts.seed,
            data_seed=opts.seed,
            use_cpu=True,
            save_strategy="no",
            report_to="none",
            logging_steps=10,
            disable_tqdm=not opts.progress,
            batch_sampler=BatchSamplers.NO_DUPLICATES,
        )
        trainer = SentenceTransformerTrainer(
            model=model, args=training, train_dataset=data, loss=MultipleNegativesRankingLoss(model)
        )
        with contextlib.redirect_stdout(sys.stderr):  # the trainer prints its logs; stdout may be JSON
            result = trainer.train()
    log.info("fine-tuned on %d pairs: loss %.4f", len(pairs), result.training_loss)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        model.save(str(out))
    return model
