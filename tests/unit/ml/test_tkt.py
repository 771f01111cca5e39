"""PathwiseKT: trains, respects the protocol, saves and loads, and online equals batch."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from graph.model import Attempt
from ml.mastery.base import TrainingArguments
from ml.mastery.data import attempts_to_frame
from ml.mastery.metrics import evaluate_predictions
from ml.mastery.predict import MasteryPredictor, OnlineMastery
from ml.mastery.protocol import scored_mask, split_by_student
from ml.mastery.tkt import PathwiseKT, TKTConfig
from ml.mastery.windows import build_windows

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def simulated(students: int = 120, seed: int = 3) -> list[Attempt]:
    """Students with an ability each practise 4 chained concepts; some multi-concept items."""
    rng = np.random.default_rng(seed)
    out = []
    for s in range(students):
        ability = rng.normal()
        known = np.zeros(4)
        for n in range(int(rng.integers(8, 30))):
            c = int(min(3, n // 6 + rng.integers(0, 2)))
            concepts = (f"c{c}",) if rng.random() > 0.2 or c == 0 else (f"c{c}", f"c{c - 1}")
            p = 1 / (1 + np.exp(-(ability + 2.5 * known[c] - 1.0)))
            correct = float(rng.random() < p)
            known[c] = min(1.0, known[c] + 0.25)
            material = f"m{c}_{n % 3}" if rng.random() > 0.3 else None
            out.append(Attempt(f"a{s}-{n}", f"s{s:03d}", T0 + timedelta(minutes=n), correct, material, concepts))
    return out


@pytest.fixture(scope="module", params=[False, True], ids=["plain", "step-features-fused"])
def trained(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[PathwiseKT, pd.DataFrame, Path]:
    frame = attempts_to_frame(simulated())
    train, test = split_by_student(frame, 0.25, 1)
    config = TKTConfig(use_text=False, dim=16, step_features=request.param, fuse_siblings=request.param)
    model = PathwiseKT(config)
    model.fit(train, None, TrainingArguments(max_epochs=6, patience=6, threads=1, batch_size=16))
    folder = tmp_path_factory.mktemp("model")
    model.save(folder)
    return model, test, folder


class TestFit:
    def test_learns_better_than_chance(self, trained: tuple[PathwiseKT, pd.DataFrame, Path]) -> None:
        model, test, _ = trained
        mask = scored_mask(test)
        metrics = evaluate_predictions(test["correct"].to_numpy()[mask], model.predict(test)[mask])
        assert metrics["auc"] > 0.65

    def test_siblings_and_the_future_are_never_history(self, trained: tuple[PathwiseKT, pd.DataFrame, Path]) -> None:
        model, test, _ = trained
        before = model.predict(test)
        row = int(np.flatnonzero(test.duplicated(["student", "attempt"], keep="first").to_numpy())[0])
        student, attempt = test.iloc[row][["student", "attempt"]]
        changed = test.copy()
        same_or_later = (changed["student"] == student) & (changed["attempt"] >= attempt)
        changed.loc[same_or_later, "correct"] = 1.0 - changed.loc[same_or_later, "correct"]
        after = model.predict(changed)
        rows = np.flatnonzero(same_or_later.to_numpy() & (changed["attempt"] == attempt).to_numpy())
        assert np.allclose(before[rows], after[rows])

    def test_packed_windows_give_the_padded_result(self, trained: tuple[PathwiseKT, pd.DataFrame, Path]) -> None:
        """Training and prediction skip the padding; the real rows must not notice."""
        model, test, _ = trained
        assert model.net is not None
        cut = build_windows(test, model.concepts, model.items, extra=model.row_extras(test))
        windows = cut.batch(np.arange(len(cut.lengths)))  # every window, padded to the longest
        args = [
            model.concept_vectors(), torch.from_numpy(windows.concepts), torch.from_numpy(windows.items),
            torch.from_numpy(windows.correct), torch.from_numpy(windows.features),
        ]  # fmt: skip
        with torch.no_grad():
            padded, _ = model.net.eval()(*args)
            packed, _ = model.net(*args, lengths=torch.from_numpy(windows.lengths))
        real = windows.rows >= 0
        assert len(set(windows.lengths.tolist())) > 1  # windows of different lengths in one batch
        assert torch.allclose(packed[real], padded[real], atol=1e-5)


class TestSaveLoad:
    def test_loaded_model_predicts_the_same(self, trained: tuple[PathwiseKT, pd.DataFrame, Path]) -> None:
        model, test, folder = trained
        assert np.allclose(PathwiseKT.load(folder).predict(test), model.predict(test), atol=1e-6)


class TestOnline:
    def test_online_estimates_equal_batch_predictions(self, trained: tuple[PathwiseKT, pd.DataFrame, Path]) -> None:
        _, _, folder = trained
        history = [a for a in simulated(3, seed=11) if a.material is None][:25]
        history = [
            Attempt(f"p{i:03d}", "probe", T0 + timedelta(minutes=i), a.score, None, a.concepts)
            for i, a in enumerate(history)
        ]
        frame = attempts_to_frame(history)
        batch = PathwiseKT.load(folder).predict(frame)
        predictor = MasteryPredictor.load(folder)
        online = []
        for attempt in history:
            online += predictor.row_probabilities("probe", list(attempt.concepts))
            predictor.observe(attempt)
        assert np.allclose(online, batch, atol=1e-5)

    def test_online_steps_read_the_items_as_batch_does(self, trained: tuple[PathwiseKT, pd.DataFrame, Path]) -> None:
        """Items change the GRU's input (step features), so histories with items must agree too.

        Rows without an item are compared: there the head reads the concept's prior, as
        an online estimate does; the attempts with items before them shape the state.
        """
        _, _, folder = trained
        history = [
            Attempt(f"q{i:03d}", "probe", T0 + timedelta(minutes=i), a.score, a.material, a.concepts)
            for i, a in enumerate(simulated(2, seed=5)[:30])
        ]
        assert {a.material is None for a in history} == {True, False}
        frame = attempts_to_frame(history)
        batch = PathwiseKT.load(folder).predict(frame)
        predictor = MasteryPredictor.load(folder)
        online, offline = [], []
        for attempt, row in zip(history, frame.groupby("attempt", sort=True).indices.values(), strict=True):
            if attempt.material is None:
                online += predictor.row_probabilities("probe", list(attempt.concepts))
                offline += list(batch[row])
            predictor.observe(attempt)
        assert np.allclose(online, offline, atol=1e-5)

    def test_new_student_and_unknown_concept_get_estimates(
        self, trained: tuple[PathwiseKT, pd.DataFrame, Path]
    ) -> None:
        predictor = MasteryPredictor.load(trained[2])
        first = predictor.estimate("newcomer", ["c0", "never-seen"])
        assert all(0.0 < p < 1.0 for p in first)
        estimates = predictor.update([Attempt("x1", "newcomer", T0, 1.0, None, ("c0",))])
        assert [e.concept for e in estimates] == ["c0"]
        assert estimates[0].probability > first[0]
        assert estimates[0].model_version == trained[2].name

    def test_a_long_update_reports_its_progress(self, trained: tuple[PathwiseKT, pd.DataFrame, Path]) -> None:
        # An import's record bar sat at 0 of 682,797 for six minutes, then jumped to the end.
        predictor = MasteryPredictor.load(trained[2])
        attempts = [Attempt(f"p{i}", f"s{i % 7}", T0, 1.0, None, ("c0",)) for i in range(2500)]
        heard: list[tuple[int, int]] = []
        predictor.update(attempts, progress=lambda done, total: heard.append((done, total)))
        assert heard == [(1000, 2500), (2000, 2500)]

    def test_evidence_ranks_the_attempts_that_moved_the_estimate(
        self, trained: tuple[PathwiseKT, pd.DataFrame, Path]
    ) -> None:
        predictor = MasteryPredictor.load(trained[2])
        history = [
            Attempt(f"e{i}", "ev", T0 + timedelta(minutes=i), float(i % 2), None, (f"c{i % 2}",)) for i in range(8)
        ]
        moves = predictor.evidence(history, "c1", limit=3)
        assert len(moves) == 3
        assert abs(moves[0].change) >= abs(moves[1].change) >= abs(moves[2].change)


class TestTrainingLogs:
    def test_tensorboard_events_and_early_stopping_history(self, tmp_path: Path) -> None:
        frame = attempts_to_frame(simulated(40, seed=9))
        train, valid = split_by_student(frame, 0.25, 2)
        model = PathwiseKT(TKTConfig(use_text=False, dim=8))
        model.fit(train, valid, TrainingArguments(max_epochs=3, patience=1, threads=1, log_dir=tmp_path / "tb"))
        assert list((tmp_path / "tb").glob("events.out.tfevents.*"))
        assert all("valid_auc" in epoch for epoch in model.history)


class TestTimeBudget:
    def test_a_spent_budget_stops_inside_the_first_epoch_and_still_keeps_a_model(self) -> None:
        frame = attempts_to_frame(simulated(60, seed=5))
        train, valid = split_by_student(frame, 0.25, 2)
        calls: list[tuple[str, int, int]] = []
        model = PathwiseKT(TKTConfig(use_text=False, dim=8))
        args = TrainingArguments(
            max_epochs=5, patience=5, threads=1, batch_size=4, max_train_seconds=0.0,
            progress=lambda stage, done, total: calls.append((stage, done, total)), label="probe",
        )  # fmt: skip
        model.fit(train, valid, args)
        assert len(model.history) == 1  # one epoch, cut short
        assert [done for _, done, _ in calls] == [1]  # after the first batch
        assert calls[0][0] == "probe training"
        assert calls[0][2] > 5  # total: every batch of every epoch
        assert "valid_auc" in model.history[0]  # the partial epoch was still validated
        assert np.isfinite(model.predict(valid)).all()

    def test_progress_counts_every_batch_of_every_epoch(self) -> None:
        frame = attempts_to_frame(simulated(40, seed=9))
        calls: list[tuple[str, int, int]] = []
        model = PathwiseKT(TKTConfig(use_text=False, dim=8))
        args = TrainingArguments(
            max_epochs=2, patience=2, threads=1, batch_size=8,
            progress=lambda stage, done, total: calls.append((stage, done, total)),
        )  # fmt: skip
        model.fit(frame, None, args)
        done = [d for _, d, _ in calls]
        assert done == list(range(1, len(done) + 1))
        assert done[-1] == calls[-1][2]  # two full epochs
        assert {stage for stage, _, _ in calls} == {"pathwise-id training"}


def replay_histories() -> dict[str, list[Attempt]]:
    """Histories longer and shorter than a 7-attempt window, with unknown concepts, items and none."""
    histories: dict[str, list[Attempt]] = defaultdict(list)
    for attempt in simulated(30, seed=9):
        histories[attempt.student].append(attempt)
    odd = histories["s001"]
    odd += [
        Attempt("odd-1", "s001", T0, 1.0, "never-seen-item", ("never-seen",)),
        Attempt("odd-2", "s001", T0, 0.0, None, ()),
        Attempt("odd-3", "s001", T0, 0.5, "m1_0", ("c1", "never-seen", "c2")),
    ]
    histories["empty"] = []
    histories["one"] = [replace(a, student="one") for a in histories["s002"][:1]]
    histories["exactly-one-window"] = [replace(a, student="exactly-one-window") for a in histories["s003"][:7]]
    return dict(histories)


def stepwise(predictor: OnlineMastery, histories: dict[str, list[Attempt]]) -> None:
    for student, attempts in histories.items():
        predictor.forget(student)
        for attempt in attempts:
            predictor.observe(attempt)


class TestReplay:
    """A batched replay (a model switch, a restart) leaves every student as observing one by one does."""

    def test_states_and_estimates_equal_observing_one_by_one(
        self, trained: tuple[PathwiseKT, pd.DataFrame, Path]
    ) -> None:
        histories = replay_histories()
        one_by_one, batched = MasteryPredictor.load(trained[2]), MasteryPredictor.load(trained[2])
        for predictor in (one_by_one, batched):  # a short window: most histories span several
            predictor.model.config = replace(predictor.model.config, window=7)
        stepwise(one_by_one, histories)
        batched.replay(histories)
        concepts = ["c0", "c1", "c2", "c3", "never-seen"]
        next_attempt = Attempt("next", "", T0, 1.0, "m2_1", ("c2",))
        assert batched.knows("empty")  # replayed: nothing more to read for them
        assert batched._students["empty"].hidden is None
        for student in histories:
            if not histories[student]:
                continue
            a, b = one_by_one._students[student], batched._students[student]
            assert (a.in_window, a.features) == (b.in_window, b.features)
            assert (a.hidden is None) == (b.hidden is None)
            if a.hidden is not None and b.hidden is not None:
                assert torch.allclose(a.hidden, b.hidden, atol=1e-6)
            assert np.allclose(one_by_one.estimate(student, concepts), batched.estimate(student, concepts), atol=1e-6)
            for predictor in (one_by_one, batched):  # the window count carries on alike
                predictor.observe(replace(next_attempt, student=student))
            assert np.allclose(one_by_one.estimate(student, concepts), batched.estimate(student, concepts), atol=1e-6)

    def test_replaying_again_starts_each_student_afresh(self, trained: tuple[PathwiseKT, pd.DataFrame, Path]) -> None:
        histories = replay_histories()
        predictor = MasteryPredictor.load(trained[2])
        predictor.replay(histories)
        first = predictor.estimate("s004", ["c0", "c3"])
        predictor.replay({"s004": histories["s004"]})
        # the same state, up to float32 rounding in a GRU pass over another batch of students
        assert np.allclose(predictor.estimate("s004", ["c0", "c3"]), first, atol=1e-6)


def observed_trajectory(predictor: OnlineMastery, history: list[Attempt], concept: str) -> list[float]:
    """The reference: ``concept``'s estimate observing ``history`` one attempt at a time."""
    predictor.forget("probe")
    path = predictor.estimate("probe", [concept])
    for attempt in history:
        predictor.observe(replace(attempt, student="probe"))
        path += predictor.estimate("probe", [concept])
    predictor.forget("probe")
    return path


class TestTrajectory:
    """Evidence reads the estimate after every attempt from one batched pass, as observing one by one gives."""

    @pytest.mark.parametrize("concept", ["c2", "never-seen"])
    def test_equals_observing_one_by_one(self, trained: tuple[PathwiseKT, pd.DataFrame, Path], concept: str) -> None:
        predictor = MasteryPredictor.load(trained[2])
        predictor.model.config = replace(predictor.model.config, window=7)  # the history spans several windows
        for history in replay_histories().values():
            expected = observed_trajectory(predictor, history, concept)
            assert np.allclose(predictor.trajectory(history, concept), expected, atol=1e-6)

    def test_evidence_ranks_the_attempts_by_how_far_they_moved_it(
        self, trained: tuple[PathwiseKT, pd.DataFrame, Path]
    ) -> None:
        predictor = MasteryPredictor.load(trained[2])
        history = replay_histories()["s005"]
        path = observed_trajectory(predictor, history, "c1")
        moves = predictor.evidence(history, "c1", limit=3)
        changes = sorted((abs(b - a) for a, b in zip(path, path[1:], strict=False)), reverse=True)[:3]
        assert [abs(m.change) for m in moves] == pytest.approx(changes, abs=1e-6)
        assert not predictor.knows("probe")
