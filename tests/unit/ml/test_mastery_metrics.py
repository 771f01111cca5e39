"""Metrics of ``ml.mastery.metrics`` against values worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ml.mastery.metrics import auc, evaluate_predictions, expected_calibration_error


def test_auc_counts_pairs_and_halves_ties() -> None:
    # positives 0.8, 0.4; negatives 0.4, 0.1: pairs (0.8>0.4) (0.8>0.1) (0.4=0.4 -> 1/2) (0.4>0.1) = 3.5 / 4
    assert auc(np.array([1, 0, 1, 0]), np.array([0.8, 0.4, 0.4, 0.1])) == pytest.approx(0.875)


def test_auc_perfect_inverted_and_undefined() -> None:
    y = np.array([0, 0, 1, 1])
    assert auc(y, np.array([0.1, 0.2, 0.3, 0.4])) == 1.0
    assert auc(y, np.array([0.4, 0.3, 0.2, 0.1])) == 0.0
    assert auc(y, np.full(4, 0.5)) == 0.5
    assert math.isnan(auc(np.ones(3), np.array([0.1, 0.2, 0.3])))


def test_auc_matches_pairwise_definition_on_random_ties() -> None:
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 300)
    p = rng.integers(0, 10, 300) / 10.0  # many ties
    pos, neg = p[y == 1], p[y == 0]
    pairs = (pos[:, None] > neg[None, :]).mean() + 0.5 * (pos[:, None] == neg[None, :]).mean()
    assert auc(y, p) == pytest.approx(pairs)


def test_evaluate_predictions_hand_computed() -> None:
    y = np.array([1.0, 0.0, 1.0, 0.0])
    p = np.array([0.9, 0.2, 0.4, 0.6])
    scores = evaluate_predictions(y, p)
    assert scores["n"] == 4
    assert scores["accuracy"] == pytest.approx(0.5)  # 0.9 and 0.2 right; 0.4 and 0.6 wrong
    assert scores["rmse"] == pytest.approx(math.sqrt((0.01 + 0.04 + 0.36 + 0.36) / 4))
    expected_log_loss = -(math.log(0.9) + math.log(0.8) + math.log(0.4) + math.log(0.4)) / 4
    assert scores["log_loss"] == pytest.approx(expected_log_loss)
    assert scores["auc"] == pytest.approx(0.75)  # 0.9 beats both negatives, 0.4 beats 0.2 only
    # bins: 0.2 -> [0.2,0.3): |0-0.2|; 0.4 -> |1-0.4|; 0.6 -> |0-0.6|; 0.9 -> |1-0.9|; each weight 1/4
    assert scores["ece"] == pytest.approx((0.2 + 0.6 + 0.6 + 0.1) / 4)


def test_ece_pools_a_bin_before_taking_the_gap() -> None:
    # both in bin [0.3, 0.4): mean y 0.5, mean p 0.35 -> 0.15; p = 1.0 falls in the last bin
    assert expected_calibration_error(np.array([1.0, 0.0]), np.array([0.3, 0.4 - 1e-9])) == pytest.approx(0.15)
    assert expected_calibration_error(np.array([1.0]), np.array([1.0])) == 0.0


def test_log_loss_is_finite_for_certain_wrong_predictions() -> None:
    assert math.isfinite(evaluate_predictions(np.array([1.0, 0.0]), np.array([0.0, 1.0]))["log_loss"])


def test_shape_mismatch_and_empty_input() -> None:
    with pytest.raises(ValueError, match="shape"):
        evaluate_predictions(np.zeros(2), np.zeros(3))
    assert evaluate_predictions(np.zeros(0), np.zeros(0))["n"] == 0
