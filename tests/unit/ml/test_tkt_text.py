"""The text path: the bundled encoder is fine-tuned end to end and places unseen concepts."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import pytest
import torch

from ml.mastery.base import TrainingArguments
from ml.mastery.data import attempts_to_frame
from ml.mastery.tkt import PathwiseKT, TKTConfig
from tests.unit.ml.test_tkt import simulated

TEXTS = {
    "c0": "Adding fractions with like denominators",
    "c1": "Adding fractions with unlike denominators",
    "c2": "Solving linear equations in one variable",
    "c3": "Solving systems of linear equations",
}


def test_encoder_is_fine_tuned_saved_and_places_new_concepts(tmp_path: Path) -> None:
    frame = attempts_to_frame(simulated(30))
    model = PathwiseKT(TKTConfig(use_text=True, dim=8, encoder_learning_rate=2e-4))
    model.fit(frame, None, TrainingArguments(max_epochs=1, patience=1, threads=1, texts=TEXTS))
    assert model.encoder is not None
    from ml.encoder import TextEncoder

    bundled = TextEncoder()
    tuned = dict(model.encoder.named_parameters())
    changed = [n for n, p in bundled.named_parameters() if not torch.allclose(p, tuned[n])]
    assert changed, "the encoder was not fine-tuned"

    model.save(tmp_path / "m")
    assert (tmp_path / "m" / "encoder" / "model.safetensors").exists()
    loaded = PathwiseKT.load(tmp_path / "m")
    loaded.add_concepts({"c9": "Adding fractions with mixed numbers"})
    assert loaded.text_table is not None
    index = loaded.concepts.index
    new, near, far = (loaded.text_table[index[c]] for c in ("c9", "c1", "c3"))
    cosine = torch.nn.functional.cosine_similarity
    assert cosine(new, near, dim=0) > cosine(new, far, dim=0)  # placed by its text
    assert loaded.concept_vectors()[index["c9"]].norm() > 0


def test_a_new_concept_whose_encoder_fails_to_load_leaves_the_model_as_it_was(tmp_path: Path) -> None:
    # The concept list grew before the encoder (its weights gone) failed to load: the text table did not,
    # and every later estimate failed with "index 93 is out of bounds for dimension 0 with size 91".
    from demo.load import MODEL_DIR

    model = PathwiseKT.load(MODEL_DIR)
    assert model.text_table is not None
    before = (list(model.concepts.names), model.text_table.shape, dict(model.texts))
    model._encoder_folder = tmp_path / "gone"  # an encoder folder whose files were removed
    with pytest.raises(OSError, match="gone"):
        model.add_concepts({"brand_new": "Adding fractions with mixed numbers"})
    assert (list(model.concepts.names), model.text_table.shape, dict(model.texts)) == before
    assert model.concept_vectors().shape[0] == len(model.concepts.names)


class _RecordingEncoder:
    """Wraps the bundled encoder's forward: how many texts each call had, with or without gradients."""

    def __init__(self) -> None:
        from ml.encoder import TextEncoder

        self.encoder = TextEncoder()
        self.calls: list[tuple[list[str], bool]] = []
        forward = self.encoder.forward

        def recorded(texts: list[str]) -> torch.Tensor:
            self.calls.append((list(texts), torch.is_grad_enabled()))
            return forward(texts)

        self.encoder.forward = recorded  # type: ignore[method-assign]

    def tuned(self) -> list[list[str]]:
        return [texts for texts, grad in self.calls if grad]


def test_a_batch_fine_tunes_at_most_the_capped_number_of_texts() -> None:
    """A log with thousands of worded skills must not spend its budget in the encoder."""
    recording = _RecordingEncoder()
    frame = attempts_to_frame(simulated(30))
    model = PathwiseKT(TKTConfig(use_text=True, dim=8, encoder_texts_per_batch=2), encoder=recording.encoder)
    model.fit(frame, None, TrainingArguments(max_epochs=1, patience=1, threads=1, texts=TEXTS))
    tuned = recording.tuned()
    assert tuned, "the encoder was not fine-tuned at all"
    assert max(len(texts) for texts in tuned) == 2
    # the batches hold all four concepts, so the others came from the table of last embeddings
    assert any(not grad and len(texts) == len(TEXTS) for texts, grad in recording.calls)
    assert {t for texts in tuned for t in texts} == set(TEXTS.values())  # each concept's text gets its turn


def test_the_encoder_freezes_once_its_share_of_the_budget_is_spent(caplog: pytest.LogCaptureFixture) -> None:
    frame = attempts_to_frame(simulated(30))
    arguments = TrainingArguments(max_epochs=1, patience=1, threads=1, texts=TEXTS, max_train_seconds=3600)

    unlimited = _RecordingEncoder()
    PathwiseKT(TKTConfig(use_text=True, dim=8), encoder=unlimited.encoder).fit(
        frame, None, replace(arguments, max_train_seconds=None)
    )
    assert len(unlimited.tuned()) > 1  # every batch of the epoch fine-tunes

    spent = _RecordingEncoder()
    with caplog.at_level(logging.INFO, logger="ml.mastery.tkt"):
        PathwiseKT(TKTConfig(use_text=True, dim=8, encoder_budget_share=0.0), encoder=spent.encoder).fit(
            frame, None, arguments
        )
    assert len(spent.tuned()) == 1  # frozen after the first batch
    assert "encoder frozen in epoch 1" in caplog.text

    caplog.clear()
    kept = _RecordingEncoder()
    with caplog.at_level(logging.INFO, logger="ml.mastery.tkt"):
        PathwiseKT(TKTConfig(use_text=True, dim=8, finetune_encoder=False), encoder=kept.encoder).fit(
            frame, None, arguments
        )
    assert kept.tuned() == []  # --freeze-encoder: it ran the encoder on every batch of the first epoch
    assert "encoder frozen" not in caplog.text


def test_many_texts_are_embedded_in_passes_that_give_the_same_vectors() -> None:
    """A vocabulary of thousands of texts in one pass took gigabytes; passes must not change a vector."""
    from ml.encoder import TextEncoder

    encoder = TextEncoder()
    encoder.eval()
    texts = [*TEXTS.values(), "Graphing a line from its slope and intercept"]
    with torch.no_grad():
        whole = encoder(texts)
        encoder.inference_chunk = 2
        passes = encoder(texts)
    assert passes.shape == whole.shape
    assert torch.allclose(passes, whole, atol=1e-5)


def test_validation_while_the_encoder_trains_reads_it_without_dropout() -> None:
    """Early stopping compares epochs: a validation pass must not depend on dropout's draw."""
    frame = attempts_to_frame(simulated(30))
    model = PathwiseKT(TKTConfig(use_text=True, dim=8))
    model.fit(frame, None, TrainingArguments(max_epochs=1, patience=1, threads=1, texts=TEXTS))
    assert model.encoder is not None
    model.text_table = None  # as in the epochs that fine-tune the encoder
    model.encoder.train()
    first, second = model.concept_vectors(), model.concept_vectors()
    assert torch.equal(first, second)
    assert model.encoder.training  # training goes on where it was
