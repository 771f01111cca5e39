"""Cohort features: keys from concepts only, out-of-fold for training rows, batch equals online."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ml.mastery.base import TrainingArguments
from ml.mastery.cohort import DEPTH, CohortStats, cohort_keys, prefix_keys
from ml.mastery.features import FeatureState
from ml.mastery.tkt import ITEM_FEATURES, PathwiseKT, TKTConfig


def table(rows: list[tuple[str, int, str, float]]) -> pd.DataFrame:
    """(student, attempt, concept, correct) rows as a canonical attempt table."""
    frame = pd.DataFrame(rows, columns=["student", "attempt", "concept", "correct"])
    frame["item"] = ""
    return frame


class TestKeys:
    def test_a_row_s_own_concept_joins_the_prefix_and_depth_is_capped(self) -> None:
        assert cohort_keys([], "a")[0] == "a"
        assert cohort_keys([], "a")[1:] == [""] * (DEPTH - 1)
        assert cohort_keys(["a", "b"], "a")[:3] == ["a", "a\x1fb", ""]
        five = cohort_keys(["a", "b", "c", "d"], "e")
        assert five[-1] == "\x1f".join(["a", "b", "c", "d"])

    def test_sibling_rows_of_one_attempt_do_not_see_each_other(self) -> None:
        frame = table([("s", 0, "a", 1.0), ("s", 1, "b", 0.0), ("s", 1, "c", 0.0), ("s", 2, "d", 1.0)])
        keys = prefix_keys(frame)
        assert list(keys[1]) == ["", "a\x1fb", "a\x1fc", "a\x1fb"]
        assert keys[2][3] == "a\x1fb\x1fc"

    def test_batch_keys_equal_the_online_state_s(self) -> None:
        frame = table(
            [("s", 0, "a", 1.0), ("s", 1, "b", 0.0), ("s", 1, "c", 0.0), ("s", 2, "a", 1.0), ("t", 0, "c", 1.0)]
        )
        keys = prefix_keys(frame)
        states: dict[str, FeatureState] = {}
        for r, row in enumerate(frame.itertuples()):
            state = states.setdefault(row.student, FeatureState())
            assert cohort_keys(state.first_concepts, row.concept) == [keys[k][r] for k in range(DEPTH)]
            last_of_attempt = (
                r + 1 == len(frame) or frame.attempt[r + 1] != row.attempt or frame.student[r + 1] != row.student
            )
            if last_of_attempt:
                rows = frame[(frame.student == row.student) & (frame.attempt == row.attempt)]
                state.observe(list(rows.concept), float(rows.correct.mean()))


def cohorts(n_students: int = 60, seed: int = 0) -> pd.DataFrame:
    """Two classes that start on different concepts; class "x" answers far better."""
    rng = np.random.default_rng(seed)
    rows = []
    for s in range(n_students):
        strong = s % 2 == 0
        start = "x" if strong else "y"
        for n, concept in enumerate([start, start, "z", "z", "w"]):
            rows.append((f"s{s:03d}", n, concept, float(rng.random() < (0.9 if strong else 0.3))))
    return table(rows)


class TestStats:
    def test_training_rows_never_read_their_own_student(self) -> None:
        frame = cohorts()
        lone = table([("zz-alone", 0, "q", 1.0), ("zz-alone", 1, "q", 1.0)])
        frame = pd.concat([frame, lone], ignore_index=True)
        stats = CohortStats()
        out = stats.fit(frame, np.full(len(frame), 0.6))
        alone = (frame["student"] == "zz-alone").to_numpy()
        assert np.all(out[alone] == 0.0)  # nobody else began with "q"
        # nor does the saved table keep one student's record (a model outlives an erasure, an audit)
        assert "q" not in stats.tables[0]
        assert all(n >= 5 for table in stats.tables for _, n in table.values())
        assert stats.tables[0]["x"][1] == 150.0, "30 students began with x: kept"

    def test_a_beginning_of_fewer_than_five_students_is_not_kept(self) -> None:
        four = table([(f"f{s}", n, c, 1.0) for s in range(4) for n, c in enumerate(["p", "q"])])
        five = table([(f"v{s}", n, c, 1.0) for s in range(5) for n, c in enumerate(["r", "q"])])
        stats = CohortStats()
        stats.fit(pd.concat([four, five], ignore_index=True), np.full(18, 0.5))
        assert sorted(stats.tables[0]) == ["r"]
        assert sorted(stats.tables[1]) == ["r\x1fq"]
        assert stats.row(["p"], "q") == stats.row(["nobody"], "q"), "a rare beginning reads as a new one"

    def test_the_stronger_class_gets_the_higher_residual(self) -> None:
        frame = cohorts()
        stats = CohortStats()
        out = stats.fit(frame, np.full(len(frame), 0.6))
        strong = frame["student"].str[1:].astype(int).to_numpy() % 2 == 0
        assert out[strong, 0].mean() > 0.5 > -0.5 > out[~strong, 0].mean()
        new = table([("new", 0, "x", 1.0), ("new", 1, "z", 1.0)])
        assert stats.features(new)[0, 0] > 0.5

    def test_batch_features_equal_online_rows_and_survive_json(self) -> None:
        frame = cohorts()
        stats = CohortStats()
        stats.fit(frame, np.full(len(frame), 0.6))
        again = CohortStats.from_json(json.loads(json.dumps(stats.to_json())))
        test = table([("new", 0, "x", 1.0), ("new", 1, "z", 0.0), ("new", 2, "w", 1.0), ("new", 3, "v", 1.0)])
        batch = again.features(test)
        state = FeatureState()
        for r, row in enumerate(test.itertuples()):
            assert np.allclose(stats.row(state.first_concepts, row.concept), batch[r], atol=1e-6)
            state.observe([row.concept], row.correct)

    def test_rows_for_many_concepts_equal_one_row_each(self) -> None:
        frame = cohorts()
        stats = CohortStats()
        stats.fit(frame, np.full(len(frame), 0.6))
        concepts = ["x", "y", "z", "w", "new"]
        for first in ([], ["x"], ["x", "z"], ["y", "z", "w"], ["x", "z", "w", "v"]):
            expected = np.array([stats.row(first, c) for c in concepts])
            assert np.allclose(stats.rows(first, concepts), expected)

    def test_refitting_forgets_the_rows_kept_for_prefixes(self) -> None:
        stats = CohortStats()
        stats.fit(cohorts(), np.full(300, 0.6))
        before = stats.rows(["x"], ["x", "z"])
        flipped = cohorts()
        flipped["correct"] = 1.0 - flipped["correct"]
        stats.fit(flipped, np.full(len(flipped), 0.6))
        after = stats.rows(["x"], ["x", "z"])
        assert np.allclose(after, [stats.row(["x"], c) for c in ("x", "z")])
        assert after[0, 0] < 0 < before[0, 0]


class TestModel:
    def test_models_saved_before_cohort_features_still_load(self, tmp_path: Path) -> None:
        frame = cohorts()
        model = PathwiseKT(TKTConfig(use_text=False, dim=8, cohort_features=False, peer_features=False))
        model.fit(frame, None, TrainingArguments(max_epochs=1, threads=1, batch_size=8))
        model.save(tmp_path)
        config = json.loads((tmp_path / "config.json").read_text())
        del config["config"]["cohort_features"], config["cohort"]  # as an older version wrote it
        del config["config"]["peer_features"]
        (tmp_path / "config.json").write_text(json.dumps(config))
        loaded = PathwiseKT.load(tmp_path)
        assert not loaded.config.cohort_features
        assert not loaded.config.peer_features
        assert loaded.feature_names()[-len(ITEM_FEATURES) :] == list(ITEM_FEATURES)
        assert np.allclose(loaded.predict(frame), model.predict(frame), atol=1e-6)

    def test_a_model_refuses_features_it_was_not_trained_on(self, tmp_path: Path) -> None:
        frame = cohorts()
        model = PathwiseKT(TKTConfig(use_text=False, dim=8))
        model.fit(frame, None, TrainingArguments(max_epochs=1, threads=1, batch_size=8))
        model.save(tmp_path)
        config = json.loads((tmp_path / "config.json").read_text())
        config["features"] = config["features"][:-1]
        (tmp_path / "config.json").write_text(json.dumps(config))
        with pytest.raises(ValueError, match="retrain"):
            PathwiseKT.load(tmp_path)
