"""A restore the disk has no room for is refused in one line; one whose rewrite failed stops ``serve`` in one line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import graph.restore_space
from cli.main import main
from graph.backup import make_backup, restore_marker
from graph.pseudonyms import load_pseudonymizer
from graph.repository import KnowledgeGraph
from graph.store import OxigraphStore, open_store
from tests.conftest import small_bundle


@pytest.fixture
def backup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    monkeypatch.setenv("PATHWISE_DATA_DIR", str(data))
    for name in ("PATHWISE_ENV", "PATHWISE_JWT_SECRET", "PATHWISE_PSEUDONYM_SECRET", "PATHWISE_PORT", "PATHWISE_STORE"):
        monkeypatch.delenv(name, raising=False)
    pseudonyms, _ = load_pseudonymizer(None, development=True, data_dir=data)
    kg = KnowledgeGraph(open_store(f"oxigraph:{data / 'store'}"))
    kg.import_bundle(small_bundle())
    make_backup(kg, data, tmp_path / "b1", pseudonyms)
    kg.store.close()
    return tmp_path / "b1"


def test_restore_refuses_a_disk_without_room_before_moving_anything(
    backup: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = shutil.disk_usage
    monkeypatch.setattr(graph.restore_space.shutil, "disk_usage", lambda p: real(p)._replace(free=0))
    result = CliRunner().invoke(main, ["restore", str(backup), "--yes"])
    assert result.exit_code == 1
    assert "error [INVALID]: the restore needs about 1 MB free on /" in result.output
    assert "0 MB are: free space there and restore again; nothing was changed" in result.output
    assert sorted(p.name for p in backup.parent.iterdir()) == ["b1", "data"]


def test_serve_says_in_one_line_that_finishing_a_restore_failed(backup: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The rewrite ran out of space; the next `pathwise serve` died in a traceback while finishing the restore.
    def disk_full(self: object) -> None:
        raise OSError("IO error: No space left on device")

    rewrite = OxigraphStore.rewrite
    monkeypatch.setattr(OxigraphStore, "rewrite", disk_full)
    restored = CliRunner().invoke(main, ["restore", str(backup), "--yes"])
    assert restored.exit_code == 1
    assert "error [UNAVAILABLE]: finishing the restore failed: IO error: No space left on device. Free space" in (
        restored.output
    )
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: pytest.fail("the service started"))
    served = CliRunner().invoke(main, ["serve"])
    marker = restore_marker(backup.parent / "data")
    assert served.exit_code == 1
    assert served.output.strip().splitlines()[-1] == (
        "error [UNAVAILABLE]: finishing the restore failed: IO error: No space left on device. Free space on "
        f"{graph.restore_space.mount_point(backup.parent)} (about 1 MB) and start again (`pathwise serve` or "
        f"`pathwise restore` finish it); the unfinished restore is kept ({marker})"
    )
    assert "Traceback" not in served.output
    assert marker.exists()
    monkeypatch.setattr(OxigraphStore, "rewrite", rewrite)  # space freed
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: None)
    assert CliRunner().invoke(main, ["serve"]).exit_code == 0
    assert not marker.exists()
