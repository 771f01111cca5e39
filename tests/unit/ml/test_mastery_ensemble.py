"""The served mastery model is an ensemble: members from different seeds, logits averaged."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from graph.model import Attempt
from ml.mastery.base import TrainingArguments
from ml.mastery.data import attempts_to_frame
from ml.mastery.ensemble import PathwiseEnsemble, is_ensemble, load_mastery_model
from ml.mastery.peers import PeerStats
from ml.mastery.predict import EnsemblePredictor, MasteryPredictor
from ml.mastery.protocol import split_by_student
from ml.mastery.tkt import PathwiseKT, TKTConfig
from tests.unit.ml.test_tkt import T0, observed_trajectory, replay_histories, simulated, stepwise


@pytest.fixture(scope="module")
def ensemble(tmp_path_factory: pytest.TempPathFactory) -> tuple[PathwiseEnsemble, pd.DataFrame, Path]:
    train, test = split_by_student(attempts_to_frame(simulated()), 0.25, 1)
    model = PathwiseEnsemble(TKTConfig(use_text=False, dim=8), members=2)
    model.fit(train, None, TrainingArguments(max_epochs=3, patience=3, threads=1, batch_size=16))
    folder = tmp_path_factory.mktemp("ensemble")
    model.save(folder)
    return model, test, folder


def logit(p: np.ndarray) -> np.ndarray:
    return np.log(p / (1 - p))


def test_members_differ_and_the_prediction_is_their_mean_logit(
    ensemble: tuple[PathwiseEnsemble, pd.DataFrame, Path],
) -> None:
    model, test, _ = ensemble
    a, b = (m.predict(test) for m in model.members)
    assert not np.allclose(a, b, atol=1e-3)  # different seeds, different networks
    assert np.allclose(logit(model.predict(test)), (logit(a) + logit(b)) / 2, atol=1e-6)


def test_saved_ensemble_loads_and_predicts_the_same(ensemble: tuple[PathwiseEnsemble, pd.DataFrame, Path]) -> None:
    model, test, folder = ensemble
    assert is_ensemble(folder)
    assert sorted(p.name for p in folder.iterdir() if p.is_dir()) == ["member-0", "member-1"]
    loaded = load_mastery_model(folder)
    assert isinstance(loaded, PathwiseEnsemble)
    assert np.allclose(loaded.predict(test), model.predict(test), atol=1e-6)


def test_online_ensemble_equals_batch_and_evidence_leaves_state_alone(
    ensemble: tuple[PathwiseEnsemble, pd.DataFrame, Path],
) -> None:
    _, _, folder = ensemble
    history = [
        Attempt(f"p{i:03d}", "probe", T0 + timedelta(minutes=i), a.score, None, a.concepts)
        for i, a in enumerate(a for a in simulated(3, seed=11) if a.material is None)
    ][:20]
    batch = load_mastery_model(folder).predict(attempts_to_frame(history))
    predictor = MasteryPredictor.load(folder)
    assert isinstance(predictor, EnsemblePredictor)
    online: list[float] = []
    for attempt in history:
        online += predictor.row_probabilities("probe", list(attempt.concepts))
        predictor.observe(attempt)
    assert np.allclose(online, batch, atol=1e-5)

    before = predictor.estimate("probe", ["c0", "c3"])
    moves = predictor.evidence(history, "c2", limit=3)
    assert len(moves) == 3
    assert predictor.estimate("probe", ["c0", "c3"]) == before
    assert not any(name.startswith("\x00") for m in predictor.members for name in m._students)


def test_an_ensemble_replays_every_member(ensemble: tuple[PathwiseEnsemble, pd.DataFrame, Path]) -> None:
    histories = replay_histories()
    one_by_one, batched = MasteryPredictor.load(ensemble[2]), MasteryPredictor.load(ensemble[2])
    stepwise(one_by_one, histories)
    batched.replay(histories)
    for student in histories:
        assert np.allclose(one_by_one.estimate(student, ["c0", "c2"]), batched.estimate(student, ["c0", "c2"]))


def test_an_ensemble_trajectory_is_the_members_mean_logit(
    ensemble: tuple[PathwiseEnsemble, pd.DataFrame, Path],
) -> None:
    predictor = MasteryPredictor.load(ensemble[2])
    history = replay_histories()["s001"]
    assert np.allclose(predictor.trajectory(history, "c2"), observed_trajectory(predictor, history, "c2"), atol=1e-6)


def test_a_spent_budget_trains_the_first_member_only(tmp_path: Path) -> None:
    train = attempts_to_frame(simulated(40))
    model = PathwiseEnsemble(TKTConfig(use_text=False, dim=8), members=2)
    model.fit(train, None, TrainingArguments(max_epochs=50, patience=50, threads=1, max_train_seconds=0.0))
    assert [len(m.history) for m in model.members] == [1]  # stopped after its first epoch; no second
    model.save(tmp_path)
    assert len(load_mastery_model(tmp_path).members) == 1  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("budget", "each_spends", "trained"),
    [(30.0, 10.0, 3), (12.0, 10.0, 1), (13.0, 6.0, 2), (14.0, 6.0, 3)],  # (13, 6): shares 4.3, 3.5, then 1 s
)
def test_a_time_budget_is_shared_and_members_that_cannot_train_an_epoch_are_left_out(
    monkeypatch: pytest.MonkeyPatch, budget: float, each_spends: float, trained: int
) -> None:
    """Each member gets an even share of what is left; one whose share is shorter than half
    the first member's first epoch (3 s here) would be a few batches from chance, and is not trained."""
    clock = [0.0]
    shares: list[float] = []

    def fit(self: PathwiseKT, train: pd.DataFrame, valid: pd.DataFrame | None, args: TrainingArguments) -> None:
        assert args.max_train_seconds is not None
        shares.append(args.max_train_seconds)
        clock[0] += each_spends  # features cannot be cut short: a member may overrun its share
        self.first_epoch_seconds = 3.0

    monkeypatch.setattr(PathwiseKT, "fit", fit)
    monkeypatch.setattr("ml.mastery.ensemble.time.monotonic", lambda: clock[0])
    model = PathwiseEnsemble(TKTConfig(use_text=False, dim=8), members=3)
    model.fit(attempts_to_frame(simulated(10)), None, TrainingArguments(max_train_seconds=budget))
    assert len(model.members) == trained
    assert shares[0] == budget / 3
    assert all(share >= 1.5 for share in shares[1:])


def test_later_members_hold_out_other_validation_students(monkeypatch: pytest.MonkeyPatch) -> None:
    frame = attempts_to_frame(simulated(60))
    train, valid = split_by_student(frame, 0.25, 3)
    seen: list[set[str]] = []
    original = PathwiseKT.fit

    def spy_fit(self: PathwiseKT, t: pd.DataFrame, v: pd.DataFrame | None, a: TrainingArguments) -> None:
        assert v is not None
        assert not set(v["student"]) & set(t["student"])
        seen.append(set(t["student"]))
        original(self, t, v, a)

    monkeypatch.setattr(PathwiseKT, "fit", spy_fit)
    PathwiseEnsemble(TKTConfig(use_text=False, dim=8), members=2).fit(
        train, valid, TrainingArguments(max_epochs=1, patience=1, threads=1)
    )
    assert seen[0] == set(train["student"])
    assert seen[1] - seen[0]  # the second member learns from students the first held out


def test_members_report_progress_under_their_own_label() -> None:
    train, _ = split_by_student(attempts_to_frame(simulated(40, seed=9)), 0.25, 1)
    stages: set[str] = set()
    model = PathwiseEnsemble(TKTConfig(use_text=False, dim=8), members=2)
    args = TrainingArguments(
        max_epochs=1, threads=1, batch_size=16, progress=lambda stage, done, total: stages.add(stage)
    )
    model.fit(train, None, args)
    assert stages == {"pathwise-id member-0 (1 of 2) training", "pathwise-id member-1 (2 of 2) training"}


def test_later_members_leave_out_the_peer_features_the_first_had_to(monkeypatch: pytest.MonkeyPatch) -> None:
    """They would spend their share on the same search and then give up, untrained."""
    monkeypatch.setattr("ml.mastery.tkt.PEERS_BUDGET_SHARE", 0.0)  # the first member's search is out of time
    searched: list[bool] = []
    real_fit = PeerStats.fit

    def fit(*args: object, **kwargs: object) -> object:
        searched.append(True)
        return real_fit(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(PeerStats, "fit", fit)
    model = PathwiseEnsemble(TKTConfig(use_text=False, dim=8, peer_features=True), members=2)
    model.fit(attempts_to_frame(simulated(40)), None, TrainingArguments(max_epochs=1, threads=1, max_train_seconds=600))
    assert len(model.members) == 2
    assert not any(m.config.peer_features for m in model.members)
    assert searched == [True]  # the first member only


def test_validation_scores_each_student_only_by_networks_that_did_not_train_on_them(tmp_path: Path) -> None:
    # The second network trains on most of the first one's validation students: scored by the whole
    # ensemble, the reported validation AUC was partly measured on training students.
    train, valid = split_by_student(attempts_to_frame(simulated()), 0.25, 1)
    model = PathwiseEnsemble(TKTConfig(use_text=False, dim=8), members=2)
    model.fit(train, valid, TrainingArguments(max_epochs=2, patience=2, threads=1, batch_size=16))
    first, second = model.members
    assert model.holdouts[0] == frozenset(valid["student"])
    held_out = model.held_out_logits(valid)
    unseen_by_second = valid["student"].isin(model.holdouts[1]).to_numpy()
    alone = logit(first.predict(valid))
    both = (alone + logit(second.predict(valid))) / 2
    assert np.allclose(held_out[~unseen_by_second], alone[~unseen_by_second], atol=1e-6)
    assert np.allclose(held_out[unseen_by_second], both[unseen_by_second], atol=1e-6)
    assert (~unseen_by_second).any(), "the second network trained on some of them"
