"""DKT: a couple of epochs on generated data beat chance; batching and early stopping behave."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ml.mastery.base import TrainingArguments
from ml.mastery.bkt import simulate
from ml.mastery.dkt import DKT, _attempts, _batches
from ml.mastery.metrics import auc
from ml.mastery.protocol import build_vocab, scored_mask, split_by_student


@pytest.fixture(scope="module")
def data() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(11)
    k = 6
    frame = simulate(
        rng.uniform(0.1, 0.5, k),
        rng.uniform(0.1, 0.3, k),
        rng.uniform(0.1, 0.25, k),
        rng.uniform(0.05, 0.15, k),
        students=240,
        attempts=30,
        sibling_rate=0.3,
        seed=11,
    )
    train, test = split_by_student(frame, 0.25, seed=0)
    fit_part, valid = split_by_student(train, 0.2, seed=1)
    return fit_part, valid, test


def test_two_epochs_beat_chance(data: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]) -> None:
    train, valid, test = data
    model = DKT(hidden=32, embed=32, window=16)  # short windows exercise the carried state
    model.fit(train, valid, TrainingArguments(max_epochs=2, learning_rate=1e-2, batch_size=32, seed=1))
    assert [round(h["epoch"]) for h in model.history] == [0, 1]
    mask = scored_mask(test)
    p = model.predict(test)
    assert auc(test["correct"].to_numpy()[mask], p[mask]) > 0.6
    again = model.predict(test.iloc[::-1].sort_values(["student", "attempt"], kind="stable"))
    assert np.allclose(np.sort(again), np.sort(p), atol=1e-6)


def test_training_is_seeded(data: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]) -> None:
    train, _, test = data
    args = TrainingArguments(max_epochs=1, seed=4, batch_size=64)
    runs = []
    for _ in range(2):
        model = DKT(hidden=8, embed=8)
        model.fit(train, None, args)
        runs.append(model.predict(test.head(200)))
    np.testing.assert_array_equal(runs[0], runs[1])


def test_batches_cover_every_attempt_once(data: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]) -> None:
    frame = data[2]
    attempts = _attempts(frame, build_vocab(frame["concept"]))
    pad = len(attempts.concept) - 1
    seen = np.concatenate([b[b != pad] for b in _batches(attempts, 7, np.random.default_rng(0))])
    assert sorted(seen.tolist()) == list(range(pad))
    assert attempts.real[:-1].sum() == len(frame)


def test_log_dir_is_optional_when_tensorboard_is_missing(
    data: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame], tmp_path: Path
) -> None:
    train, valid, _ = data
    model = DKT(hidden=8, embed=8)
    model.fit(train.head(300), valid.head(100), TrainingArguments(max_epochs=1, log_dir=tmp_path))
    assert "valid_auc" in model.history[0]


def test_a_spent_budget_stops_after_one_batch(data: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]) -> None:
    train, valid, _ = data
    ticks: list[int] = []
    model = DKT(hidden=8, embed=8)
    args = TrainingArguments(
        max_epochs=4, batch_size=16, max_train_seconds=0.0, progress=lambda stage, done, total: ticks.append(done)
    )
    model.fit(train, valid, args)
    assert len(model.history) == 1
    assert ticks == [1]


def test_each_row_is_scored_as_the_full_output_layer_would_score_it() -> None:
    """Only the rows' own concepts go through the output layer (a vocabulary of thousands
    would otherwise cost batch x steps x concepts); each logit is that concept's output,
    an unknown concept's the mean over the known ones, as DKT defines them."""
    import torch

    from ml.mastery.dkt_model import DKTNet

    torch.manual_seed(0)
    net = DKTNet(50, hidden=16, embed=8).eval()
    prev = torch.randint(0, 51, (3, 7, 2))
    scores = torch.rand(3, 7, 2)
    concept = torch.randint(0, 51, (3, 7, 2))
    logits, _ = net(prev, scores, concept)
    y = scores.unsqueeze(-1)
    hidden, _ = net.lstm(((1 - y) * net.wrong(prev) + y * net.right(prev)).sum(dim=2))
    every = net.out(hidden)
    expected = torch.cat([every.mean(dim=-1, keepdim=True), every], dim=-1).gather(2, concept)
    assert torch.allclose(logits, expected, atol=1e-5)
