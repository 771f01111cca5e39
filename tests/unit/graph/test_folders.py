"""Folders of student data are created for their owner alone."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.folders import open_folder_warning, private_folder


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_a_new_folder_is_private_and_an_open_one_is_named_not_changed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    assert mode(private_folder(tmp_path / "a" / "data")) == 0o700
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    with caplog.at_level(logging.WARNING, logger="pathwise.folders"):
        private_folder(shared)
    assert mode(shared) == 0o755, "a folder the operator chose keeps its mode"
    assert "other users may read it (mode 0o755): chmod 700 it" in caplog.text


def test_a_backup_folder_others_may_enter_is_named_at_start(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # The docs promised the warning for the backup folder too; one of mode 0777 got none.
    open_to_all = tmp_path / "bk"
    open_to_all.mkdir()
    open_to_all.chmod(0o777)
    with caplog.at_level(logging.WARNING, logger="pathwise.folders"):
        open_folder_warning(open_to_all)
        open_folder_warning(tmp_path / "not-yet")  # the first backup creates it: nothing to say
    assert mode(open_to_all) == 0o777
    assert caplog.text.count("holds backups of student data and other users may enter it (mode 0o777)") == 1


def test_a_fresh_data_folder_is_private(tmp_path: Path) -> None:
    # Store files and the erasure log were 0644 in 0755 folders: any local user could read them.
    from cli.main import main

    data = tmp_path / "fresh"
    (tmp_path / "curriculum").mkdir()
    (tmp_path / "curriculum" / "concepts.csv").write_text("id,label\na,A\n", encoding="utf-8")
    env = {"PATHWISE_DATA_DIR": str(data), "PATHWISE_LOAD_DEMO": "false"}
    result = CliRunner().invoke(main, ["import", str(tmp_path / "curriculum")], env=env)
    assert result.exit_code == 0, result.output
    assert mode(data) == 0o700
