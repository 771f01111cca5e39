"""BKT: EM recovers the parameters that generated the data; unseen concepts fall back to defaults."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ml.mastery.base import TrainingArguments
from ml.mastery.bkt import BKT, simulate

TRUE = {
    "prior": np.array([0.2, 0.5, 0.3]),
    "learn": np.array([0.1, 0.2, 0.15]),
    "guess": np.array([0.2, 0.25, 0.1]),
    "slip": np.array([0.1, 0.05, 0.15]),
}


@pytest.fixture(scope="module")
def fitted() -> BKT:
    frame = simulate(TRUE["prior"], TRUE["learn"], TRUE["guess"], TRUE["slip"], students=600, attempts=60, seed=1)
    model = BKT()
    model.fit(frame, None, TrainingArguments())
    return model


@pytest.mark.parametrize("name", ["prior", "learn", "guess", "slip"])
def test_em_recovers_simulated_parameters(fitted: BKT, name: str) -> None:
    # about 12,000 observations per concept; the tolerance is several standard errors wide
    index = [fitted.concepts[f"c{i}"] for i in range(3)]
    np.testing.assert_allclose(fitted.params[name][index], TRUE[name], atol=0.05)


def test_log_likelihood_increases(fitted: BKT) -> None:
    steps = np.diff(fitted.log_likelihood)
    assert np.all(steps > -1e-6 * abs(fitted.log_likelihood[0]))


def test_bounds_hold() -> None:
    frame = simulate(
        np.array([0.5]), np.array([0.1]), np.array([0.6]), np.array([0.4]), students=100, attempts=20, seed=2
    )
    model = BKT(max_guess=0.3, max_slip=0.3)
    model.fit(frame, None, TrainingArguments())
    assert model.params["guess"][1] <= 0.3
    assert model.params["slip"][1] <= 0.3


def test_prediction_follows_the_forward_pass_by_hand(fitted: BKT) -> None:
    frame = pd.DataFrame(
        {
            "student": ["s"] * 3,
            "attempt": [0, 1, 2],
            "item": [""] * 3,
            "concept": ["c1"] * 3,
            "correct": [1.0, 0.0, 1.0],
        }
    )
    i = fitted.concepts["c1"]
    prior, learn, guess, slip = (float(fitted.params[k][i]) for k in ("prior", "learn", "guess", "slip"))
    expected, known = [], prior
    for y in (1.0, 0.0, 1.0):
        expected.append(known * (1 - slip) + (1 - known) * guess)
        likelihood_known = (1 - slip) if y else slip
        likelihood_unknown = guess if y else 1 - guess
        known = known * likelihood_known / (known * likelihood_known + (1 - known) * likelihood_unknown)
        known = known + (1 - known) * learn
    np.testing.assert_allclose(fitted.predict(frame), expected)


def test_unknown_concepts_use_the_weighted_mean_parameters(fitted: BKT) -> None:
    frame = pd.DataFrame(
        {"student": ["s", "s"], "attempt": [0, 1], "item": ["", ""], "concept": ["new", "new"], "correct": [1.0, 1.0]}
    )
    p = fitted.predict(frame)
    prior, guess, slip = (float(fitted.params[k][0]) for k in ("prior", "guess", "slip"))
    assert p[0] == pytest.approx(prior * (1 - slip) + (1 - prior) * guess)
    assert p[1] > p[0]  # a right answer raises the estimate of an unseen concept too
    assert min(TRUE["prior"]) - 0.05 < prior < max(TRUE["prior"]) + 0.05
