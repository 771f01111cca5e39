"""A backup taken from a running server, restored with the CLI after a student was forgotten."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from live_server import ROOT, Live, graphql, serving

from graph.ids import id_of
from graph.store import OxigraphStore
from graph.vocab import PW

RECORD = """mutation($s: ID!) { recordAttempts(attempts: [
  {studentId: $s, conceptIds: ["slope"], correct: true}]) { __typename } }"""
BACKUP = """mutation { backupData {
  __typename ... on Backup { path createdAt triples students files pruned } ... on BackupError { code message } } }"""
FORGET = """mutation($s: ID!) { forgetStudent(id: $s) { __typename } }"""
STUDENT = "query($s: ID!) { student(id: $s) { id } }"


def ok(live: Live, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    reply = graphql(live.base, query, variables)
    assert reply.status == 200, reply.body[:500]
    body = reply.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def cli(data_dir: Path, *args: str, **settings: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATHWISE_DATA_DIR": str(data_dir), **settings}
    env.pop("PATHWISE_STORE", None)
    return subprocess.run(
        [sys.executable, "-m", "cli", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_backup_from_a_running_server_then_restore_forgets_again(tmp_path: Path, demo_data_dir: Path) -> None:
    data_dir = demo_data_dir
    with serving(data_dir, PATHWISE_BACKUP_KEEP="1") as live:
        earlier = ok(live, BACKUP)["backupData"]
        assert earlier["pruned"] == []
        for learner in ("leaver-77", "stayer-78"):
            assert ok(live, RECORD, {"s": learner})["recordAttempts"]["__typename"] == "RecordedAttempts"
        leaver = ok(live, STUDENT, {"s": "leaver-77"})["student"]["id"]
        taken = ok(live, BACKUP)["backupData"]
        assert taken["__typename"] == "Backup", taken
        assert taken["pruned"] == [earlier["path"]], "PATHWISE_BACKUP_KEEP=1 keeps the newest only"
        assert not Path(earlier["path"]).exists()
        assert Path(taken["path"]).parent == data_dir / "backups"
        assert "dev-pseudonym-secret" in taken["files"]
        assert not any(f.startswith("backups") or f.startswith("store") for f in taken["files"])
        in_use = cli(data_dir, "backup", str(tmp_path / "offline"))
        assert in_use.returncode == 1
        assert "in use by another process" in in_use.stderr
        assert "backupData" in in_use.stderr, "the error says how to back up a running service"
        too_soon = cli(data_dir, "restore", taken["path"], "--yes")
        assert too_soon.returncode == 1
        assert "stop the service" in too_soon.stderr
        assert ok(live, FORGET, {"s": "leaver-77"})["forgetStudent"]["__typename"] == "ForgottenStudent"

    restored = cli(data_dir, "restore", taken["path"], "--yes")
    assert restored.returncode == 0, restored.stderr
    assert "forgotten again: forgotten since it was taken)" in restored.stdout
    assert "(1 of the backup's " in restored.stdout
    assert "holds personal data" in restored.stdout
    assert "rewriting the store" in restored.stderr, "long steps are announced as they begin"
    store = OxigraphStore(data_dir / "store")
    try:
        rows = store.select(f"SELECT ?s WHERE {{ ?s a {PW.Student.n3()} }}")
    finally:
        store.close()
    stored = {id_of(str(r[0])) for r in rows}
    assert leaver not in stored
    assert len(stored) > 2, "the demo's students and the stayer are back"
    kept = [f for f in data_dir.rglob("*") if f.is_file() and "backups" not in f.relative_to(data_dir).parts]
    assert not [f for f in kept if leaver.encode() in f.read_bytes()]
    with serving(data_dir) as live:  # the restored folder serves, under the same keys
        assert ok(live, STUDENT, {"s": "stayer-78"})["student"] is not None
        assert ok(live, STUDENT, {"s": "leaver-77"})["student"] is None

    listed = cli(data_dir, "backups", "list")
    assert listed.returncode == 0, listed.stderr
    assert f"{Path(taken['path']).name} " in listed.stdout
    assert "forgotten since: 1" in listed.stdout, "the backup still holds the leaver until it is deleted"
    assert "moved aside by a restore" in listed.stdout, "the folder a restore set aside holds the leaver too"
    newer = cli(data_dir, "backup", PATHWISE_BACKUP_KEEP="1")
    assert newer.returncode == 0, newer.stderr
    assert f"deleted {taken['path']}" in newer.stdout
    assert not Path(taken["path"]).exists()
    assert "forgotten since: 0" in cli(data_dir, "backups", "list").stdout


def test_backups_asked_together_all_succeed_and_a_killed_ones_copy_is_removed(demo_data_dir: Path) -> None:
    # Three backupData at once: two answered UNAVAILABLE for copies that were whole, and the one answered
    # as a success had been pruned by another. A .partial copy a kill left held every student for good.
    from concurrent.futures import ThreadPoolExecutor

    data_dir = demo_data_dir
    leftover = data_dir / "backups" / "20260101T000000.000000Z.partial"
    leftover.mkdir(parents=True)
    (leftover / "students.nt").write_text("a killed backup's copy")
    with serving(data_dir, PATHWISE_BACKUP_KEEP="3") as live:
        assert not leftover.exists(), "removed at start"
        with ThreadPoolExecutor(3) as pool:
            answers = list(pool.map(lambda _: ok(live, BACKUP)["backupData"], range(3)))
        assert [a["__typename"] for a in answers] == ["Backup"] * 3, answers
        assert all(Path(a["path"]).exists() for a in answers)
