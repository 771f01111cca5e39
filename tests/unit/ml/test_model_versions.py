"""Model versions appear whole or not at all: a service, a switch or a backup never sees half a model."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ml.mastery.base import TrainingArguments
from ml.mastery.train import train_mastery
from ml.mastery.versions import STAGING_PREFIX, ModelVersions, check_new_folder, staged


def write_model(folder: Path) -> None:
    (folder / "config.json").write_text("{}")
    (folder / "model.safetensors").write_bytes(b"weights")


class TestStaged:
    def test_a_version_being_saved_is_not_listed_until_it_is_whole(self, tmp_path: Path) -> None:
        versions = ModelVersions(tmp_path)
        target = versions.new_version("pathwise")
        with staged(target) as staging:
            write_model(staging)  # config.json first, as PathwiseKT.save writes it before peers and encoder
            assert versions.list() == [], "a half-saved model is never the newest"
            assert versions.current() is None
        assert versions.list() == [target.name]
        assert (target / "model.safetensors").read_bytes() == b"weights"
        assert not list(tmp_path.glob(STAGING_PREFIX + "*"))

    def test_a_save_that_fails_leaves_no_version_and_nothing_behind(self, tmp_path: Path) -> None:
        target = tmp_path / "20990101-000000-pathwise"

        def save_then_fail() -> None:
            with staged(target) as staging:
                write_model(staging)
                raise RuntimeError("disk full")

        with pytest.raises(RuntimeError):
            save_then_fail()
        assert list(tmp_path.iterdir()) == []

    def test_a_new_version_name_skips_one_being_staged(self, tmp_path: Path) -> None:
        versions = ModelVersions(tmp_path)
        first = versions.new_version("pathwise")
        with staged(first):
            second = versions.new_version("pathwise")
        assert second != first

    def test_an_empty_folder_is_filled_but_a_model_is_never_overwritten(self, tmp_path: Path) -> None:
        empty = tmp_path / "empty"
        empty.mkdir()
        with staged(empty) as staging:
            write_model(staging)
        assert (empty / "config.json").exists()
        with pytest.raises(FileExistsError, match="not empty"):
            check_new_folder(empty)
        with pytest.raises(FileExistsError), staged(empty):
            pytest.fail("never entered")
        assert (empty / "model.safetensors").read_bytes() == b"weights"

    def test_install_stages_too(self, tmp_path: Path) -> None:
        source = tmp_path / "shipped"
        source.mkdir()
        write_model(source)
        versions = ModelVersions(tmp_path / "models")
        versions.install(source, "demo")
        assert versions.list() == ["demo"]
        assert sorted(p.name for p in (tmp_path / "models").iterdir()) == ["demo"]

    def test_a_pin_is_replaced_whole(self, tmp_path: Path) -> None:
        versions = ModelVersions(tmp_path)
        for name in ("a", "b"):
            (tmp_path / name).mkdir()
            write_model(tmp_path / name)
        versions.use("a")
        versions.use("b")
        assert versions.current() == "b"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["CURRENT", "a", "b"]


def test_training_refuses_a_folder_holding_a_model_before_it_trains(tmp_path: Path) -> None:
    write_model(tmp_path)
    with pytest.raises(FileExistsError, match="not empty"):
        train_mastery(pd.DataFrame(), tmp_path, args=TrainingArguments())  # an empty log would fail later
