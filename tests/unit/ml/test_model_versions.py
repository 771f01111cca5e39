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


class TestServedVersion:
    def test_a_trained_version_is_newer_than_the_shipped_demo(self, tmp_path: Path) -> None:
        # By name "demo" sorted after "2026...": a trained model was never served unless pinned.
        versions = ModelVersions(tmp_path)
        for name in ("demo", "20261129-202711-pathwise", "20261128-101010-pathwise"):
            (tmp_path / name).mkdir()
            write_model(tmp_path / name)
        assert versions.list() == ["demo", "20261128-101010-pathwise", "20261129-202711-pathwise"]
        assert versions.current() == "20261129-202711-pathwise"

    def test_an_unreadable_model_is_served_as_none_and_cannot_be_pinned(self, tmp_path: Path) -> None:
        from click.testing import CliRunner

        from cli.main import main
        from demo.load import MODEL_DIR
        from ml.mastery.serving import MasteryService, NoModel

        root = tmp_path / "data" / "models" / "mastery"
        versions = ModelVersions(root)
        versions.install(MODEL_DIR, "demo")
        broken = root / "20261129-000000-pathwise"
        broken.mkdir()
        write_model(broken)  # weights that are not safetensors: the newest version, and unreadable
        service = MasteryService(versions)  # the service started with a traceback, then served no model
        assert (service.version, service.load_error) == ("demo", None), "the newest version that loads"
        (root / "CURRENT").write_text(broken.name)  # pinned, then damaged: the operator's choice is not replaced
        service = MasteryService(versions)
        assert service.version is None
        assert service.load_error is not None
        assert "cannot be loaded" in service.load_error
        with pytest.raises(NoModel, match="20261129-000000-pathwise"):
            service.predictor  # noqa: B018 - the property raises
        (root / "CURRENT").unlink()
        refused = CliRunner().invoke(
            main, ["models", "use", broken.name], env={"PATHWISE_DATA_DIR": str(tmp_path / "data")}
        )
        assert (refused.exit_code, "cannot be loaded" in refused.output) == (1, True), refused.output
        assert not (root / "CURRENT").exists()
        used = CliRunner().invoke(main, ["models", "use", "demo"], env={"PATHWISE_DATA_DIR": str(tmp_path / "data")})
        assert used.exit_code == 0, used.output
        assert MasteryService(versions).version == "demo"
        # nothing undid a pin: a version trained later was never served
        unpinned = CliRunner().invoke(
            main, ["models", "use", "--newest"], env={"PATHWISE_DATA_DIR": str(tmp_path / "data")}
        )
        assert unpinned.exit_code == 0, unpinned.output
        assert not (root / "CURRENT").exists()
        assert versions.current() == broken.name
        # a start serves the newest that loads: it warned that none would be served
        assert "unpinned: a start serves demo, the newest that loads" in unpinned.output
        assert f"warning: the newest version, {broken.name}, is DAMAGED (" in unpinned.output
        assert versions.at_start() == "demo" == MasteryService(versions).version

    def test_the_shipped_demo_can_be_chosen_before_any_start_installed_it(self, tmp_path: Path) -> None:
        # A folder trained in before its first start never held `demo`: `models use demo`, which the training
        # warning advises, and a switch to it were NOT_FOUND (an audit).
        from click.testing import CliRunner

        from cli.main import main
        from demo.load import MODEL_DIR
        from ml.mastery.serving import MasteryService

        root = tmp_path / "data" / "models" / "mastery"
        trained = root / "20261129-000000-pathwise"
        trained.parent.mkdir(parents=True)
        import shutil

        shutil.copytree(MODEL_DIR, trained)
        versions = ModelVersions(root)
        assert versions.list() == [trained.name]
        used = CliRunner().invoke(main, ["models", "use", "demo"], env={"PATHWISE_DATA_DIR": str(tmp_path / "data")})
        assert used.exit_code == 0, used.output
        assert (versions.list(), versions.pinned()) == (["demo", trained.name], "demo")
        other = ModelVersions(tmp_path / "other")
        shutil.copytree(MODEL_DIR, tmp_path / "other" / trained.name)
        service = MasteryService(other, fallback=MODEL_DIR)
        assert "demo" not in other.list(), "a start that finds a version installs nothing"
        service.with_shipped("demo")
        assert other.list() == ["demo", trained.name]

    def test_serving_another_version_clears_the_load_error(self, tmp_path: Path) -> None:
        from demo.load import MODEL_DIR
        from ml.mastery.serving import MasteryService

        root = tmp_path / "models" / "mastery"
        versions = ModelVersions(root)
        versions.install(MODEL_DIR, "demo")
        broken = root / "20261129-000000-pathwise"
        broken.mkdir()
        write_model(broken)
        (root / "CURRENT").write_text(broken.name)  # pinned, then damaged: no model is served
        service = MasteryService(versions)
        assert service.load_error is not None
        service.serve("demo", service.load("demo"))  # what useMasteryModel ends with
        assert (service.version, service.load_error) == ("demo", None)  # /healthz kept mastery_model_error


class TestDamage:
    """A damaged version used to be listed like a healthy one, and was found out only when served."""

    def test_whole_folders_pass_and_damaged_ones_say_what_is_wrong(self, tmp_path: Path) -> None:
        import shutil

        from click.testing import CliRunner

        from cli.main import main
        from demo.load import MODEL_DIR

        root = tmp_path / "data" / "models" / "mastery"
        versions = ModelVersions(root)
        versions.install(MODEL_DIR, "demo")
        assert versions.info("demo")["damage"] is None
        cut = root / "20261129-000000-pathwise"
        shutil.copytree(MODEL_DIR, cut / "member-1")
        (cut / "config.json").write_text("{}")
        weights = cut / "member-1" / "model.safetensors"
        weights.write_bytes(weights.read_bytes()[:-100])
        assert versions.info(cut.name)["damage"] == "member-1/model.safetensors is cut short"
        bad_json = root / "20261129-000001-pathwise"
        shutil.copytree(MODEL_DIR, bad_json)
        (bad_json / "metrics.json").write_text('{"valid": ')
        assert versions.info(bad_json.name)["damage"] == "metrics.json is not readable JSON"
        assert versions.info(bad_json.name)["metrics"] == {}  # listed, not a traceback
        not_weights = root / "20261129-000002-pathwise"
        not_weights.mkdir()
        write_model(not_weights)
        assert versions.info(not_weights.name)["damage"] == "model.safetensors is not a safetensors file"
        listed = CliRunner().invoke(main, ["models", "list"], env={"PATHWISE_DATA_DIR": str(tmp_path / "data")})
        assert listed.exit_code == 0, listed.output
        lines = listed.output.splitlines()
        assert "DAMAGED" not in lines[0]
        assert lines[1].endswith("DAMAGED: member-1/model.safetensors is cut short")
        # the star is the version a start serves: the newest that loads, not the damaged newest (an audit)
        assert lines[0].startswith("* demo")
        assert lines[3].startswith("  20261129-000002-pathwise")
        assert lines[3].endswith("DAMAGED: model.safetensors is not a safetensors file")

    def test_a_weights_file_the_config_names_must_be_there(self, tmp_path: Path) -> None:
        # Any one weights file anywhere passed: a member's removed, or the fine-tuned encoder's (read only at
        # a new concept), listed no damage and was pinned; the encoder's failed the first new concept (an audit).
        import json
        import shutil

        from demo.load import MODEL_DIR

        root = tmp_path / "models"
        versions = ModelVersions(root)
        ensemble = root / "20261129-000000-pathwise"
        for member in ("member-0", "member-1"):
            shutil.copytree(MODEL_DIR, ensemble / member)
        config = json.loads((MODEL_DIR / "config.json").read_text())
        (ensemble / "config.json").write_text(
            json.dumps(
                {"model": "pathwise", "ensemble": 2, "config": config["config"], "members": ["member-0", "member-1"]}
            )
        )
        assert versions.info(ensemble.name)["damage"] is None
        (ensemble / "member-1" / "model.safetensors").unlink()
        assert versions.info(ensemble.name)["damage"] == "member-1/model.safetensors is missing"
        tuned = root / "20261129-000001-pathwise"
        shutil.copytree(MODEL_DIR, tuned)
        config["config"]["finetune_encoder"] = True
        (tuned / "config.json").write_text(json.dumps(config))
        assert (
            versions.info(tuned.name)["damage"]
            == "encoder/ is missing (the model was trained with a fine-tuned encoder)"
        )
        (tuned / "encoder").mkdir()
        (tuned / "encoder" / "config.json").write_text("{}")
        assert versions.info(tuned.name)["damage"] == "encoder/model.safetensors is missing"
        assert versions.at_start() is None, "no version whole"


def _safetensors(path: Path, tensors: dict[str, tuple[str, bytes]]) -> None:
    import json
    import struct

    header, offset = {}, 0
    for name, (dtype, data) in tensors.items():
        header[name] = {"dtype": dtype, "shape": [len(data) // 2], "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
    raw = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + b"".join(data for _, data in tensors.values()))


class TestNonFiniteWeights:
    """A flipped byte turned weights into NaN: the model loaded and served NaN estimates, with nothing logged."""

    @staticmethod
    def poison(weights: Path, value: float) -> str:
        import json
        import struct

        raw = weights.read_bytes()
        (length,) = struct.unpack("<Q", raw[:8])
        header = json.loads(raw[8 : 8 + length])
        name = sorted(k for k, v in header.items() if k != "__metadata__" and v["dtype"] == "F32")[-1]
        at = 8 + length + header[name]["data_offsets"][0]
        weights.write_bytes(raw[:at] + struct.pack("<f", value) + raw[at + 4 :])
        return str(name)

    @pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
    def test_a_model_whose_weights_are_not_finite_is_damaged_and_not_served(
        self, tmp_path: Path, value: float, caplog: pytest.LogCaptureFixture
    ) -> None:
        import shutil

        from click.testing import CliRunner

        from cli.main import main
        from demo.load import MODEL_DIR
        from ml.mastery.serving import MasteryService

        root = tmp_path / "data" / "models" / "mastery"
        versions = ModelVersions(root)
        versions.install(MODEL_DIR, "demo")
        poisoned = root / "20261129-000000-pathwise"
        shutil.copytree(MODEL_DIR, poisoned)
        tensor = self.poison(poisoned / "model.safetensors", value)
        damage = f"model.safetensors: tensor {tensor} holds non-finite values (NaN or inf)"
        assert versions.info(poisoned.name)["damage"] == damage
        assert MasteryService(versions).version == "demo", "the newest version that loads"
        (root / "CURRENT").write_text(poisoned.name)
        service = MasteryService(versions)
        assert service.version is None
        assert service.load_error is not None
        assert damage in service.load_error
        assert damage in caplog.text
        listed = CliRunner().invoke(main, ["models", "list"], env={"PATHWISE_DATA_DIR": str(tmp_path / "data")})
        assert listed.output.splitlines()[-1].endswith(f"DAMAGED: {damage}")

    def test_bfloat16_and_half_tensors_are_checked_too(self, tmp_path: Path) -> None:
        from ml.mastery.versions import folder_damage

        (tmp_path / "config.json").write_text("{}")
        weights = tmp_path / "model.safetensors"
        one, nan_bf16, inf_f16 = b"\x80\x3f", b"\xc0\x7f", b"\x00\x7c"
        _safetensors(weights, {"a": ("BF16", one * 3), "b": ("F16", b"\x00\x3c" * 2), "c": ("I16", b"\xff\xff")})
        assert folder_damage(tmp_path) is None
        _safetensors(weights, {"a": ("BF16", one + nan_bf16), "b": ("F16", b"\x00\x3c")})
        assert folder_damage(tmp_path) == "model.safetensors: tensor a holds non-finite values (NaN or inf)"
        _safetensors(weights, {"a": ("BF16", one), "b": ("F16", inf_f16)})
        assert folder_damage(tmp_path) == "model.safetensors: tensor b holds non-finite values (NaN or inf)"
