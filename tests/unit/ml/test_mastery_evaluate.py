"""The evaluation harness and the ``evaluate mastery`` command return one scored row per model."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from cli.mastery import evaluate_mastery
from ml.mastery.base import TrainingArguments
from ml.mastery.bkt import simulate
from ml.mastery.evaluate import RESULT_KEYS, run_evaluation
from ml.mastery.protocol import scored_mask, split_by_student
from ml.mastery.registry import MODELS


def _frame() -> pd.DataFrame:
    k = 4
    return simulate(
        np.full(k, 0.3), np.full(k, 0.2), np.full(k, 0.2), np.full(k, 0.1), students=80, attempts=15, seed=2
    )


class _Constant:
    name = "constant"

    def fit(self, train: pd.DataFrame, valid: pd.DataFrame | None, args: TrainingArguments) -> None:
        """Remember the base rate; check the split is by student."""
        assert valid is not None
        assert set(valid["student"]).isdisjoint(train["student"])
        self.rate = float(train["correct"].mean())

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        """The base rate everywhere."""
        return np.full(len(frame), self.rate)


def test_run_evaluation_returns_the_keys() -> None:
    train, test = split_by_student(_frame(), 0.25, seed=0)
    rows = run_evaluation(["bkt", "constant"], train, test, TrainingArguments(), {**MODELS, "constant": _Constant})
    assert [row["model"] for row in rows] == ["bkt", "constant"]
    for row in rows:
        assert tuple(row) == RESULT_KEYS
        assert row["n_scored"] == int(scored_mask(test).sum())
        assert float(row["train_seconds"]) >= 0
    assert rows[1]["auc"] == 0.5
    assert float(rows[0]["auc"]) > 0.6


class _Broken(_Constant):
    name = "broken"

    def fit(self, train: pd.DataFrame, valid: pd.DataFrame | None, args: TrainingArguments) -> None:
        raise MemoryError("out of memory")


def test_a_failing_model_is_reported_and_the_others_still_run() -> None:
    train, test = split_by_student(_frame(), 0.25, seed=0)
    seen: list[str] = []
    rows = run_evaluation(
        ["constant", "broken", "bkt"], train, test, TrainingArguments(),
        {**MODELS, "constant": _Constant, "broken": _Broken}, on_result=lambda row: seen.append(str(row["model"])),
    )  # fmt: skip
    assert seen == [row["model"] for row in rows] == ["constant", "broken", "bkt"]  # each as soon as scored
    assert rows[1] == {"model": "broken", "error": "MemoryError: out of memory"}
    assert tuple(rows[2]) == RESULT_KEYS
    assert float(rows[2]["auc"]) > 0.6


def test_unknown_model_names_fail_early() -> None:
    frame = _frame()
    with pytest.raises(KeyError, match="nope"):
        run_evaluation(["nope"], frame, frame, TrainingArguments())


def _write_pykt(path: Path, frame: pd.DataFrame, fold: int) -> None:
    lines = ["fold,uid,concepts,responses"]
    for student, rows in frame.groupby("student", sort=False):
        concepts = ",".join(c.removeprefix("c") for c in rows["concept"])
        responses = ",".join(str(int(y)) for y in rows["correct"])
        lines.append(f'{fold},{str(student).removeprefix("s")},"{concepts}","{responses}"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_cli_prints_json_lines_and_a_table(tmp_path: Path) -> None:
    train, test = split_by_student(_frame(), 0.25, seed=0)
    _write_pykt(tmp_path / "train.csv", train, 0)
    _write_pykt(tmp_path / "test.csv", test, -1)
    common = ["--format", "pykt", "--train", str(tmp_path / "train.csv"), "--test", str(tmp_path / "test.csv")]
    result = CliRunner().invoke(evaluate_mastery, [*common, "--models", "bkt,pfa", "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["model"] for r in rows] == ["bkt", "pfa"]
    assert {"model", "auc", "accuracy", "rmse", "log_loss", "ece", "train_seconds"} <= set(rows[0])
    assert all(0.5 < r["auc"] <= 1 and not math.isnan(r["ece"]) for r in rows)
    table = CliRunner().invoke(evaluate_mastery, [*common, "--models", "bkt"])
    assert table.exit_code == 0, table.output
    header, line = table.output.splitlines()
    assert header.split()[:3] == ["model", "auc", "accuracy"]
    assert line.startswith("bkt")
    bad = CliRunner().invoke(evaluate_mastery, [*common, "--models", "nope"])
    assert bad.exit_code != 0
    assert "unknown models" in bad.output


def test_cli_prints_what_finished_and_fails_for_a_broken_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ml.mastery.registry as registry

    monkeypatch.setitem(registry.MODELS, "broken", _Broken)
    train, test = split_by_student(_frame(), 0.25, seed=0)
    _write_pykt(tmp_path / "train.csv", train, 0)
    _write_pykt(tmp_path / "test.csv", test, -1)
    common = ["--format", "pykt", "--train", str(tmp_path / "train.csv"), "--test", str(tmp_path / "test.csv")]
    result = CliRunner().invoke(evaluate_mastery, [*common, "--models", "bkt,broken,pfa", "--json"])
    assert result.exit_code == 1
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["model"] for line in lines] == ["bkt", "broken", "pfa"]
    assert lines[1]["error"] == "MemoryError: out of memory"
    assert lines[2]["auc"] > 0.5
    assert "failed: broken" in result.stderr
    table = CliRunner().invoke(evaluate_mastery, [*common, "--models", "broken,bkt"])
    assert table.exit_code == 1
    assert table.stdout.splitlines()[1].startswith("bkt")
    assert table.stdout.splitlines()[2].split() == ["broken", "failed:", "MemoryError:", "out", "of", "memory"]
