"""PFA logistic regression: learns from practice counts and beats a constant predictor."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ml.mastery.base import TrainingArguments
from ml.mastery.bkt import simulate
from ml.mastery.logistic import PFA
from ml.mastery.metrics import evaluate_predictions
from ml.mastery.protocol import scored_mask, split_by_student


@pytest.fixture(scope="module")
def data() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(5)
    k = 6
    frame = simulate(
        rng.uniform(0.1, 0.6, k),
        rng.uniform(0.05, 0.3, k),
        rng.uniform(0.1, 0.3, k),
        rng.uniform(0.05, 0.2, k),
        students=300,
        attempts=30,
        sibling_rate=0.2,
        seed=5,
    )
    train, test = split_by_student(frame, 0.3, seed=0)
    fit_part, valid = split_by_student(train, 0.2, seed=1)
    return fit_part, valid, test


@pytest.mark.parametrize("with_items", [False, True])
def test_pfa_beats_a_constant_predictor(
    data: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame], with_items: bool
) -> None:
    train, valid, test = data
    model = PFA(with_items=with_items)
    model.fit(train, valid, TrainingArguments())
    assert model.name == ("pfa-items" if with_items else "pfa")
    mask = scored_mask(test)
    y = test["correct"].to_numpy()[mask]
    scores = evaluate_predictions(y, model.predict(test)[mask])
    constant = evaluate_predictions(y, np.full(len(y), train["correct"].mean()))
    assert scores["auc"] > 0.65
    assert scores["log_loss"] < constant["log_loss"] - 0.02


def test_success_and_failure_slopes_have_the_expected_signs(
    data: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame],
) -> None:
    model = PFA(l2=1.0)
    model.fit(data[0], None, TrainingArguments())
    shared = model.weights["shared"]
    assert float(shared[1]) > 0  # more earlier successes -> more likely right
    assert float(shared[1]) > float(shared[2])  # a success counts for more than a failure


def test_unseen_concepts_and_items_get_only_the_shared_terms(
    data: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame],
) -> None:
    model = PFA(with_items=True, l2=1.0)
    model.fit(data[0], None, TrainingArguments())
    frame = pd.DataFrame(
        {"student": ["s"] * 2, "attempt": [0, 1], "item": ["?", "?"], "concept": ["new", "new"], "correct": [1.0, 1.0]}
    )
    p = model.predict(frame)
    assert p[0] == pytest.approx(1 / (1 + np.exp(-float(model.weights["shared"][0]))))
    assert p[1] > p[0]
