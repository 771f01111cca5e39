"""The evaluation protocol: student splits, scored rows, encoding, and a leak detector run on every model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ml.mastery.base import MasteryModel, TrainingArguments
from ml.mastery.bkt import simulate
from ml.mastery.dkt import DKT
from ml.mastery.protocol import build_vocab, check_order, encode, prior_counts, scored_mask, split_by_student
from ml.mastery.registry import MODELS

ARGS = TrainingArguments(max_epochs=1, threads=1, seed=3)
SMALL = {"dkt": lambda: DKT(hidden=16, embed=16)}  # same code path, less arithmetic


def _frame(students: int = 60, attempts: int = 25, seed: int = 0) -> pd.DataFrame:
    """BKT-simulated attempts where half the attempts are multi-skill (siblings share the response)."""
    rng = np.random.default_rng(seed)
    k = 5
    return simulate(
        rng.uniform(0.1, 0.5, k),
        rng.uniform(0.05, 0.3, k),
        rng.uniform(0.1, 0.3, k),
        rng.uniform(0.05, 0.2, k),
        students=students,
        attempts=attempts,
        sibling_rate=0.5,
        seed=seed,
    )


def _tiny() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "student": ["a", "a", "a", "a", "b", "b"],
            "attempt": [0, 0, 1, 2, 0, 1],
            "item": ["i1", "i1", "i2", "i3", "i1", "i1"],
            "concept": ["x", "y", "x", "x", "y", "y"],
            "correct": [1.0, 1.0, 0.0, 1.0, 0.0, 1.0],
        }
    )


def test_split_by_student_is_disjoint_complete_and_seeded() -> None:
    frame = _frame(students=50, attempts=3)
    rest, held = split_by_student(frame, 0.2, seed=1)
    assert set(rest["student"]).isdisjoint(held["student"])
    assert len(rest) + len(held) == len(frame)
    assert held["student"].nunique() == 10
    again, _ = split_by_student(frame, 0.2, seed=1)
    pd.testing.assert_frame_equal(rest, again)
    check_order(held)


def test_scored_mask_drops_each_students_first_attempt_rows() -> None:
    assert scored_mask(_tiny()).tolist() == [False, False, True, True, False, True]


def test_encode_numbers_steps_and_marks_unknowns() -> None:
    enc = encode(_tiny(), build_vocab(["x"]), build_vocab(["i1"]))
    assert enc.student.tolist() == [0, 0, 0, 0, 1, 1]
    assert enc.step.tolist() == [0, 0, 1, 2, 0, 1]
    assert enc.concept.tolist() == [1, 0, 1, 1, 0, 0]  # "y" is unknown
    assert enc.item.tolist() == [1, 1, 0, 0, 1, 1]


def test_prior_counts_see_only_earlier_attempts_of_the_same_concept() -> None:
    successes, failures = prior_counts(encode(_tiny(), build_vocab(["x", "y"])))
    assert successes.tolist() == [0, 0, 1, 1, 0, 0]
    assert failures.tolist() == [0, 0, 0, 1, 0, 1]


def test_check_order_rejects_shuffled_frames() -> None:
    with pytest.raises(ValueError, match="non-decreasing"):
        check_order(_tiny().iloc[[1, 0, 3, 2, 4, 5]])
    with pytest.raises(ValueError, match="contiguous"):
        check_order(_tiny().iloc[[0, 1, 4, 2, 3, 5]])


class _Leaky:
    """A deliberately broken model: predicts the mean response of the row's own attempt."""

    name = "leaky"

    def fit(self, train: pd.DataFrame, valid: pd.DataFrame | None, args: TrainingArguments) -> None:
        """Nothing to learn."""

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        """Peek at the siblings (and the row itself)."""
        mean = frame.groupby(["student", "attempt"])["correct"].transform("mean")
        return np.asarray(0.25 + 0.5 * mean.to_numpy(), dtype=np.float64)


def _leaks(model: MasteryModel, test: pd.DataFrame) -> list[str]:
    """Flip the responses of attempt t onwards of one student; rows of attempts <= t must not move."""
    base = model.predict(test)
    problems = []
    student = test["student"].iloc[0]
    own = (test["student"] == student).to_numpy()
    multi = test[own].groupby("attempt")["concept"].transform("size").to_numpy() > 1
    for t in sorted(set(test.loc[own, "attempt"][multi].tolist()))[:4]:
        flipped = test.copy()
        later = own & (test["attempt"] >= t).to_numpy()
        flipped.loc[later, "correct"] = 1.0 - flipped.loc[later, "correct"]
        keep = ~own | (test["attempt"] <= t).to_numpy()
        if not np.allclose(model.predict(flipped)[keep], base[keep], atol=1e-9):
            problems.append(f"attempt {t}")
    return problems


@pytest.fixture(scope="module")
def train_test() -> tuple[pd.DataFrame, pd.DataFrame]:
    return split_by_student(_frame(), 0.25, seed=0)


def test_leak_detector_catches_a_leaky_model(train_test: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    assert _leaks(_Leaky(), train_test[1])


@pytest.mark.parametrize("name", sorted(MODELS))
def test_no_model_sees_siblings_or_the_future(name: str, train_test: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    train, test = train_test
    model = SMALL.get(name, MODELS[name])()
    valid_part, fit_part = split_by_student(train, 0.8, seed=1)
    model.fit(fit_part, valid_part, ARGS)
    assert _leaks(model, test) == []
    # control: the same model does react to a student's *earlier* responses
    p = model.predict(test)
    flipped = test.copy()
    flipped["correct"] = 1.0 - flipped["correct"]
    assert not np.allclose(model.predict(flipped)[scored_mask(test)], p[scored_mask(test)])
    assert p.shape == (len(test),)
    assert np.all((p > 0) & (p < 1))
