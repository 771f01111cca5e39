"""``pathwise backups list`` marks a backup whose files changed; ``backups verify`` reads every byte."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import main
from graph.backup import MANIFEST, make_backup
from graph.pseudonyms import Pseudonymizer
from graph.repository import KnowledgeGraph
from graph.store import open_store
from tests.conftest import small_bundle

PZ = Pseudonymizer(b"a backup test secret of at least thirty-two bytes")


@pytest.fixture
def backups(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    monkeypatch.setenv("PATHWISE_DATA_DIR", str(data))
    monkeypatch.delenv("PATHWISE_BACKUP_DIR", raising=False)
    monkeypatch.delenv("PATHWISE_STORE", raising=False)
    kg = KnowledgeGraph(open_store(f"oxigraph:{data / 'store'}"))
    kg.import_bundle(small_bundle())
    (data / "models").mkdir()
    (data / "models" / "weights.bin").write_bytes(b"model" * 100)
    for name in ("a", "b", "c"):
        make_backup(kg, data, data / "backups" / name, PZ, exclude=[data / "backups"])
    kg.store.close()
    return data / "backups"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_list_marks_a_backup_with_a_file_cut_short(backups: Path) -> None:
    (backups / "b" / "data" / "models" / "weights.bin").write_bytes(b"model")
    code, output = run("backups", "list")
    assert code == 0
    lines = {line.split()[0]: line for line in output.splitlines()}
    assert "DAMAGED" not in lines["a"]
    assert lines["b"].endswith("DAMAGED: data/models/weights.bin is cut short (5 bytes, 500 when backed up)")


def test_verify_reads_every_byte_and_fails_on_a_damaged_backup(backups: Path) -> None:
    weights = backups / "c" / "data" / "models" / "weights.bin"
    weights.write_bytes(b"x" + weights.read_bytes()[1:])  # same size: only the sum tells
    assert "DAMAGED" not in run("backups", "list")[1]
    code, output = run("backups", "verify")
    assert code == 1
    assert f"{backups / 'a'}  ok" in output
    assert f"{backups / 'c'}  DAMAGED: data/models/weights.bin holds other bytes" in output
    assert "1 of 3 backups are damaged" in output
    assert run("backups", "verify", str(backups / "a")) == (0, f"{backups / 'a'}  ok\n")


def test_a_backup_of_the_first_format_is_said_to_be_unverifiable(backups: Path) -> None:
    manifest = json.loads((backups / "a" / MANIFEST).read_text())
    del manifest["contents"]
    (backups / "a" / MANIFEST).write_text(json.dumps({**manifest, "format": 1}))
    code, output = run("backups", "verify", str(backups / "a"))
    assert (code, output) == (0, f"{backups / 'a'}  (format 1: no checksums, cannot be verified)\n")


def test_list_names_the_store_a_restore_moved_aside_where_it_lives_outside_the_data_folder(
    backups: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With PATHWISE_STORE outside the data folder, a restore moves both aside; the list named only the
    # data folder's copy, and the store's, holding students forgotten afterwards, went unseen (an audit).
    elsewhere = tmp_path / "srv"
    (elsewhere / "store.before-restore-20261202T143142Z").mkdir(parents=True)
    (tmp_path / "data.before-restore-20261202T143142Z").mkdir()
    monkeypatch.setenv("PATHWISE_STORE", f"oxigraph:{elsewhere / 'store'}")
    code, output = run("backups", "list")
    assert code == 0, output
    aside = [line.split()[5] for line in output.splitlines() if line.startswith("moved aside by a restore: ")]
    assert aside == [
        str(tmp_path / "data.before-restore-20261202T143142Z"),
        str(elsewhere / "store.before-restore-20261202T143142Z"),
    ]
