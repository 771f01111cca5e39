"""The text path: the bundled encoder is fine-tuned end to end and places unseen concepts."""

from __future__ import annotations

from pathlib import Path

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
