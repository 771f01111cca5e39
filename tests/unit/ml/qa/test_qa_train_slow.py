"""Real fine-tuning of the bundled encoder (slow: run with `make test-slow`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ml.qa.dense import SentenceEncoder
from ml.qa.serving import open_retriever, retriever_versions
from ml.qa.train import RetrieverTrainingArguments, fine_tune

PAIRS = [
    ("What is the zorblax rule?", "The zorblax rule says every digit sum must be seven."),
    ("What does a quibbet measure?", "A quibbet measures the tilt of a flarn in degrees."),
    ("Who discovered the snark?", "The snark was first described by hunters in a long poem."),
    ("How fast does a glorp grow?", "A glorp grows two centimetres each lunar month."),
] * 4


@pytest.mark.slow
def test_fine_tuned_model_is_a_served_version(tmp_path: Path) -> None:
    folder = retriever_versions(tmp_path).new_version("minilm")
    fine_tune(PAIRS, RetrieverTrainingArguments(batch_size=4, epochs=2, max_seq_length=32), out=folder)
    encoder = open_retriever(tmp_path)
    assert encoder.name == folder.name
    assert encoder.dim == 384
    questions = encoder.encode([q for q, _ in PAIRS[:4]])
    passages = encoder.encode([p for _, p in PAIRS[:4]])
    assert (np.argmax(questions @ passages.T, axis=1) == np.arange(4)).all()


def test_encoder_dimension_read_without_loading_the_model(tmp_path: Path) -> None:
    (tmp_path / "1_Pooling").mkdir()
    (tmp_path / "1_Pooling" / "config.json").write_text('{"embedding_dimension": 384}')
    encoder = SentenceEncoder(tmp_path, name="saved")
    assert encoder.dim == 384
    assert encoder._model is None
