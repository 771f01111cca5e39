"""Peer features: neighbours by concepts worked on, out-of-fold for training rows, batch equals online."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import ml.mastery.peers as peers_module
from graph.model import Attempt
from ml.mastery.base import TrainingArguments
from ml.mastery.features import FeatureState
from ml.mastery.peers import NEIGHBOURS, PEER_FEATURES, PeersOutOfTime, PeerStats
from ml.mastery.predict import MasteryPredictor
from ml.mastery.tkt import PEERS_FILE, PathwiseKT, TKTConfig


def table(rows: list[tuple[str, int, str, float]]) -> pd.DataFrame:
    """(student, attempt, concept, correct) rows as a canonical attempt table."""
    frame = pd.DataFrame(rows, columns=["student", "attempt", "concept", "correct"])
    frame["item"] = ""
    return frame


def classes(per_class: int = 2 * NEIGHBOURS, seed: int = 0) -> pd.DataFrame:
    """Two classes on different concepts (then a shared one); class "x" answers far better.

    Each class has more students than NEIGHBOURS, all with the same concept sets: which of
    the tied students are chosen must not depend on how the work is batched.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for s in range(2 * per_class):
        strong = s % 2 == 0
        plan = ["x1", "x2", "shared"] if strong else ["y1", "y2", "shared"]
        for n, concept in enumerate(plan * 2):
            rows.append((f"s{s:03d}", n, concept, float(rng.random() < (0.9 if strong else 0.3))))
    return table(rows)


def fitted(frame: pd.DataFrame) -> tuple[PeerStats, np.ndarray]:
    accuracy = frame.groupby("concept")["correct"].transform("mean").to_numpy()
    return PeerStats.fit(frame, accuracy)


class TestStats:
    def test_a_student_s_first_attempt_has_no_peers(self) -> None:
        frame = classes()
        stats, out = fitted(frame)
        first = (frame["attempt"] == 0).to_numpy()
        assert np.all(out[first] == 0.0)
        assert np.all(stats.features(frame)[first] == 0.0)

    def test_training_rows_never_read_their_own_student(self) -> None:
        frame = classes()
        lone = table([("zz-alone", 0, "q", 1.0), ("zz-alone", 1, "q", 1.0), ("zz-alone", 2, "x1", 1.0)])
        frame = pd.concat([frame, lone], ignore_index=True)
        stats, out = fitted(frame)
        alone = (frame["student"] == "zz-alone").to_numpy()
        assert np.all(out[alone][1] == 0.0)  # nobody else worked on "q"
        inference = stats.features(lone)
        assert inference[1, PEER_FEATURES.index("peers_log_rows_on_concept")] > 0  # the full table knows them

    def test_classmates_say_how_strong_a_class_is(self) -> None:
        frame = classes()
        stats, out = fitted(frame)
        strong = frame["student"].str[1:].astype(int).to_numpy() % 2 == 0
        shared = (frame["concept"] == "shared").to_numpy()
        column = PEER_FEATURES.index("peers_residual_on_concept")
        assert out[strong & shared, column].mean() > 0.5 > -0.5 > out[~strong & shared, column].mean()
        newcomers = table([("new-x", 0, "x1", 1.0), ("new-x", 1, "shared", 1.0), ("new-y", 0, "y1", 1.0)])
        newcomers.loc[2:, "attempt"] = [0]
        newcomers = pd.concat([newcomers, table([("new-y", 1, "shared", 1.0)])], ignore_index=True)
        features = stats.features(newcomers)
        assert features[1, column] > 0.5 > -0.5 > features[3, column]
        assert features[1, PEER_FEATURES.index("peers_similarity")] > 0.5

    def test_batch_features_equal_online_rows_and_survive_saving(self, tmp_path: Path) -> None:
        stats, _ = fitted(classes())
        stats.save(tmp_path / "peers.npz")
        again = PeerStats.load(tmp_path / "peers.npz")
        test = table(
            [("new", 0, "x1", 1.0), ("new", 1, "shared", 0.0), ("new", 2, "y2", 1.0), ("new", 3, "unknown", 1.0),
             ("new", 4, "x2", 1.0), ("other", 0, "y1", 0.0), ("other", 1, "y2", 0.0), ("other", 2, "shared", 1.0)]
        )  # fmt: skip
        batch = again.features(test)
        states: dict[str, FeatureState] = {}
        for r, row in enumerate(test.itertuples()):
            state = states.setdefault(row.student, FeatureState())
            online = stats.rows(state.on_concept.keys(), [row.concept])[0]
            assert np.allclose(online, batch[r], atol=1e-6), r
            state.observe([row.concept], row.correct)

    def test_ties_among_identical_students_do_not_depend_on_batching(self) -> None:
        frame = classes()
        stats, _ = fitted(frame)
        test = frame[frame["student"].isin(["s000", "s001", "s002", "s003"])].reset_index(drop=True)
        whole = stats.features(test)
        each = np.vstack([stats.features(part.reset_index(drop=True)) for _, part in test.groupby("student")])
        assert np.array_equal(whole, each)

    def test_the_reference_students_are_capped(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(peers_module, "MAX_REFERENCE", 30)
        frame = classes()
        stats, out = fitted(frame)
        assert stats.sums.shape[0] == 30 == len(stats.folds)
        assert np.count_nonzero(out[:, PEER_FEATURES.index("peers_log_rows_on_concept")]) > len(frame) // 2

    def test_the_paths_for_large_vocabularies_give_the_same_features(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Thousands of concepts and long sequences (a log whose items are its skills) take
        other paths: sparse weights, one search per student beyond a shared set's size, reads
        in small passes. Same rows, same neighbours, same features as the small-log paths."""
        rng = np.random.default_rng(3)
        rows = []
        for s in range(60):  # long, overlapping sequences over 40 concepts, classes by range
            base = 0 if s % 2 else 20
            for n in range(int(rng.integers(5, 40))):
                rows.append((f"s{s:02d}", n, f"c{base + int(rng.integers(0, 20)):02d}", float(rng.random() < 0.6)))
        frame = table(rows)
        test = frame[frame["student"] < "s10"].reset_index(drop=True)
        small_stats, small_fit = fitted(frame)
        small_test = small_stats.features(test)
        online = small_stats.rows(["c01", "c05", "c22"], ["c01", "c30", "zz"])
        assert np.count_nonzero(small_fit[:, 0]) > len(frame) // 2
        monkeypatch.setattr(peers_module, "DENSE_CELLS", 0)
        monkeypatch.setattr(peers_module, "SHARED_SET", 2)
        monkeypatch.setattr(peers_module, "CHUNK", 7)
        monkeypatch.setattr(peers_module, "LOOKUP_ROWS", 5)
        large_stats, large_fit = fitted(frame)
        assert not isinstance(large_stats._presence, np.ndarray)
        assert np.array_equal(large_fit, small_fit)
        assert np.array_equal(large_stats.features(test), small_test)
        assert np.array_equal(large_stats.rows(["c01", "c05", "c22"], ["c01", "c30", "zz"]), online)

    def test_neighbours_are_searched_again_only_as_the_set_grows_by_a_quarter(self, tmp_path: Path) -> None:
        rng = np.random.default_rng(5)
        plan = [f"k{i}" for i in range(9)]
        frame = table([(f"s{s:02d}", n, c, float(rng.random() < 0.5)) for s in range(40) for n, c in enumerate(plan)])
        stats, _ = fitted(frame)
        assert [stats.searched(k) for k in range(1, 10)] == [1, 2, 3, 4, 5, 5, 7, 7, 9]
        assert np.array_equal(stats.rows(plan[:6], ["k8"]), stats.rows(plan[:5], ["k8"]))  # the sixth: no search
        assert not np.array_equal(stats.rows(plan[:7], ["k8"]), stats.rows(plan[:5], ["k8"]))
        new = table([("new", n, c, 1.0) for n, c in enumerate(plan)])
        batch = stats.features(new)
        for n in range(len(plan)):
            assert np.allclose(batch[n], stats.rows(plan[:n], [plan[n]])[0], atol=1e-6), n
        # a model saved before the growth was stored was trained searching at every concept
        stats.save(tmp_path / "peers.npz")
        with np.load(tmp_path / "peers.npz") as data:
            np.savez(tmp_path / "old.npz", **{k: data[k] for k in data.files if k != "growth"})
        assert PeerStats.load(tmp_path / "peers.npz").searched(6) == 5
        assert PeerStats.load(tmp_path / "old.npz").searched(6) == 6

    def test_nothing_known_gives_zeros(self) -> None:
        stats = PeerStats()
        assert np.all(stats.features(classes(4)) == 0.0)
        assert np.all(stats.rows(["x1"], ["x1", "y1"]) == 0.0)


class TestModel:
    def test_a_trained_model_saves_its_peers_and_serves_them_online(self, tmp_path: Path) -> None:
        frame = classes(per_class=30)
        model = PathwiseKT(TKTConfig(use_text=False, dim=8, peer_features=True))
        model.fit(frame, None, TrainingArguments(max_epochs=1, threads=1, batch_size=8))
        assert model.feature_names()[-len(PEER_FEATURES) :] == list(PEER_FEATURES)
        model.save(tmp_path)
        assert (tmp_path / PEERS_FILE).exists()
        loaded = PathwiseKT.load(tmp_path)
        assert np.allclose(loaded.predict(frame), model.predict(frame), atol=1e-6)
        test = table([("new", 0, "x1", 1.0), ("new", 1, "x2", 1.0), ("new", 2, "shared", 0.0)])
        predictor = MasteryPredictor.load(tmp_path)
        batch = loaded.predict(test)
        history = [
            Attempt(f"a{r}", "new", datetime(2026, 1, 1, tzinfo=UTC), row.correct, None, (row.concept,))
            for r, row in enumerate(test.itertuples())
        ]
        for r, row in enumerate(test.itertuples()):
            assert np.isclose(predictor.estimate("new", [row.concept])[0], batch[r], atol=1e-5)
            predictor.observe(history[r])
        replayed = MasteryPredictor.load(tmp_path)  # a restart: the same states from the stored attempts
        replayed.replay({"new": history})
        concepts = ["x1", "y1", "shared"]
        assert np.allclose(replayed.estimate("new", concepts), predictor.estimate("new", concepts), atol=1e-6)
        trajectory = replayed.trajectory(history, "shared")
        assert np.isclose(trajectory[-1], predictor.estimate("new", ["shared"])[0], atol=1e-5)

    def test_without_peers_no_file_and_no_columns(self, tmp_path: Path) -> None:
        frame = classes(per_class=10)
        model = PathwiseKT(TKTConfig(use_text=False, dim=8, peer_features=False))
        model.fit(frame, None, TrainingArguments(max_epochs=1, threads=1, batch_size=8))
        model.save(tmp_path)
        assert not (tmp_path / PEERS_FILE).exists()
        assert not set(PEER_FEATURES) & set(PathwiseKT.load(tmp_path).feature_names())


class TestTime:
    def test_the_search_stops_at_its_deadline(self) -> None:
        frame = classes(per_class=10)
        accuracy = frame.groupby("concept")["correct"].transform("mean").to_numpy()
        with pytest.raises(PeersOutOfTime):
            PeerStats.fit(frame, accuracy, deadline=time.monotonic() - 1.0)
        _, unhurried = PeerStats.fit(frame, accuracy, deadline=time.monotonic() + 3600.0)
        assert np.array_equal(unhurried, fitted(frame)[1])

    def test_a_network_whose_peers_outlast_their_time_trains_and_serves_without_them(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
    ) -> None:
        """A budget spent on the neighbour search would leave the network untrained."""
        monkeypatch.setattr("ml.mastery.tkt.PEERS_BUDGET_SHARE", 0.0)
        frame = classes(per_class=10)
        model = PathwiseKT(TKTConfig(use_text=False, dim=8, peer_features=True))
        with caplog.at_level(logging.WARNING, logger="ml.mastery.tkt"):
            model.fit(frame, None, TrainingArguments(max_epochs=1, threads=1, batch_size=8, max_train_seconds=600))
        assert "peer features left out" in caplog.text
        assert not model.config.peer_features
        assert not set(PEER_FEATURES) & set(model.feature_names())
        assert model.history  # it trained
        model.save(tmp_path)
        assert not (tmp_path / PEERS_FILE).exists()
        assert np.allclose(PathwiseKT.load(tmp_path).predict(frame), model.predict(frame), atol=1e-6)
