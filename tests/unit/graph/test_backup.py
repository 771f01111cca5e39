"""Backups of the data folder, and restores that do not bring forgotten students back."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NoReturn

import pytest

from graph.attempts import list_students, record_attempts
from graph.backup import (
    MANIFEST,
    damaged_backups,
    finish_interrupted_restore,
    list_backups,
    make_backup,
    prune_backups,
    read_manifest,
    restore_backup,
    restore_marker,
    stale_backups,
)
from graph.erasures import ERASURE_LOG, ErasureLog
from graph.errors import InvalidInput, StoreInUse
from graph.model import Attempt
from graph.pseudonyms import Pseudonymizer
from graph.repository import KnowledgeGraph
from graph.store import OxigraphStore, open_store
from resolvers.students import forget_each
from tests.conftest import small_bundle

SECRET = b"a backup test secret of at least thirty-two bytes"
PZ = Pseudonymizer(SECRET)
WHEN = datetime(2026, 1, 5, tzinfo=UTC)


def key(name: str) -> str:
    return PZ.key(name)


class Service:
    """A data folder with its store open, as ``pathwise serve`` keeps it."""

    def __init__(self, root: Path) -> None:
        self.data = root / "data"
        self.store_path = self.data / "store"
        self.erasures = ErasureLog(self.data / ERASURE_LOG, PZ)
        self.open()

    def open(self) -> None:
        self.kg = KnowledgeGraph(open_store(f"oxigraph:{self.store_path}"))
        self.is_open = True

    def close(self) -> None:
        if self.is_open:
            self.kg.store.close()
            self.is_open = False

    def record(self, name: str, n: int = 2, at: datetime = WHEN) -> None:
        attempts = [
            Attempt(f"{name}-{at.timestamp()}-{i}", key(name), at + timedelta(minutes=i), 1.0, concepts=("add",))
            for i in range(n)
        ]
        record_attempts(self.kg, attempts)

    def forget(self, *names: str) -> None:
        forget_each(self.kg, None, [key(n) for n in names], erasures=self.erasures)

    def students(self) -> list[str]:
        return list_students(self.kg)

    def files_holding(self, needle: str, *, skip: Path | None = None) -> list[Path]:
        return [
            f
            for f in self.data.rglob("*")
            if f.is_file() and (skip is None or skip not in f.parents) and needle.encode() in f.read_bytes()
        ]


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Service]:
    live = Service(tmp_path)
    live.kg.import_bundle(small_bundle())
    (live.data / "models").mkdir()
    (live.data / "models" / "weights.bin").write_bytes(b"model")
    yield live
    live.close()


def backup(service: Service, tmp_path: Path, name: str = "b1") -> Path:
    folder = tmp_path / "backups" / name
    make_backup(service.kg, service.data, folder, PZ)
    return folder


def restore(service: Service, folder: Path, tokens: Pseudonymizer = PZ):  # type: ignore[no-untyped-def]
    service.close()
    restored = restore_backup(folder, data_dir=service.data, store_path=service.store_path, tokens=tokens)
    service.open()
    return restored


class TestBackup:
    def test_a_restore_brings_back_the_data_as_it_was_at_the_backup(self, service: Service, tmp_path: Path) -> None:
        service.record("ann")
        service.record("bob")
        folder = backup(service, tmp_path)
        manifest = read_manifest(folder)
        assert (manifest.students, manifest.files) == (2, ("models",))
        assert folder.stat().st_mode & 0o777 == 0o700, "a backup holds every student: its owner's alone"
        service.record("cat")  # after the backup: the restore goes back to before it
        (service.data / "models" / "weights.bin").write_bytes(b"retrained")
        replaced_revision = service.kg.revision
        restored = restore(service, folder)
        assert service.students() == sorted([key("ann"), key("bob")])
        assert service.kg.store.count() == manifest.triples  # type: ignore[attr-defined]
        assert service.kg.revision == replaced_revision + 1, "revisions go on from the replaced store, never back"
        assert (service.data / "models" / "weights.bin").read_bytes() == b"model"
        [aside] = restored.moved_aside
        assert aside.name.startswith("data.before-restore-")
        assert (aside / "models" / "weights.bin").read_bytes() == b"retrained", "the replaced data is kept, not lost"

    def test_the_restored_data_folder_keeps_the_mode_of_the_one_it_replaces(
        self, service: Service, tmp_path: Path
    ) -> None:
        # copytree gave it the backup's inner folder's mode, 0755: every local user could read it.
        service.data.chmod(0o700)
        folder = backup(service, tmp_path)
        (folder / "data").chmod(0o755)
        restore(service, folder)
        assert service.data.stat().st_mode & 0o777 == 0o700

    def test_students_forgotten_since_the_backup_are_forgotten_again(self, service: Service, tmp_path: Path) -> None:
        service.record("ann")
        service.record("bob")
        folder = backup(service, tmp_path)
        service.forget("ann")
        assert not service.files_holding(key("ann")), "the forget itself left nothing"
        restored = restore(service, folder)
        assert restored.forgotten_again == 1
        assert service.students() == [key("bob")]
        assert not service.files_holding(key("ann"), skip=restored.moved_aside[0]), "rewritten after the re-forget"
        assert not service.files_holding("ann")

    @pytest.mark.parametrize("crash", ["after the swap", "before the swap"])
    def test_a_restore_cut_short_is_finished_at_the_next_start(
        self, service: Service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, crash: str
    ) -> None:
        # kill -9 after the swap served the backup's students, those forgotten since it among them,
        # and nothing at the next start forgot them again.
        import graph.restore

        service.record("ann")
        service.record("bob")
        folder = backup(service, tmp_path)
        service.forget("ann")
        service.close()
        if crash == "after the swap":
            monkeypatch.setattr(graph.restore, "_forget_again", _dies)
        else:  # the data folder moved aside, the copy not yet in place
            real = Path.rename
            monkeypatch.setattr(Path, "rename", lambda p, t: _dies() if ".restoring-" in p.name else real(p, t))
        with pytest.raises(KeyboardInterrupt):
            restore_backup(folder, data_dir=service.data, store_path=service.store_path, tokens=PZ)
        monkeypatch.undo()
        assert restore_marker(service.data).exists()
        assert finish_interrupted_restore(service.data, service.store_path, PZ)  # what a start does first
        assert not restore_marker(service.data).exists()
        service.open()
        assert service.students() == [key("bob")]
        assert not service.files_holding(key("ann"), skip=next(tmp_path.glob("data.before-restore-*")))
        assert not finish_interrupted_restore(service.data, service.store_path, PZ), "nothing left to finish"

    def test_a_backup_taken_before_a_forgets_rewrite_restores_without_the_deleted_bytes(
        self, service: Service, tmp_path: Path
    ) -> None:
        from graph.forget import forget_student

        service.record("ann")
        service.record("bob")
        forget_student(service.kg, key("ann"))  # deleted, its rewrite not yet run
        assert service.files_holding(key("ann")), "RocksDB still holds the deleted key (else this proves nothing)"
        folder = backup(service, tmp_path)
        restored = restore(service, folder)
        assert service.students() == [key("bob")]
        assert not service.files_holding(key("ann"), skip=restored.moved_aside[0])

    def test_a_student_forgotten_before_the_backup_who_came_back_keeps_their_new_data(
        self, service: Service, tmp_path: Path
    ) -> None:
        service.record("ann")
        service.forget("ann")
        service.record("ann", at=WHEN + timedelta(days=30))  # re-enrolled: the same external id, the same key
        folder = backup(service, tmp_path)
        restored = restore(service, folder)
        assert restored.forgotten_again == 0
        assert service.students() == [key("ann")]

    def test_an_erasure_log_lost_with_the_data_folder_comes_back_from_the_backup(
        self, service: Service, tmp_path: Path
    ) -> None:
        service.record("ann")
        service.forget("ann")
        folder = backup(service, tmp_path)
        restore(service, folder)
        assert len(ErasureLog(service.data / ERASURE_LOG, PZ).entries()) == 1

    def test_the_backup_folder_is_not_copied_into_itself(self, service: Service) -> None:
        folder = service.data / "backups" / "b1"
        make_backup(service.kg, service.data, folder, PZ, exclude=[service.data / "backups"])
        make_backup(service.kg, service.data, service.data / "backups" / "b2", PZ, exclude=[service.data / "backups"])
        assert read_manifest(service.data / "backups" / "b2").files == ("models",)
        assert not (folder / "data" / "store").exists()


def test_a_restore_into_a_fresh_folder_reads_the_erasures_of_later_backups(service: Service, tmp_path: Path) -> None:
    # Only the replaced folder's erasure log was read: into a new folder, a forgotten student came back.
    service.record("ann")
    service.record("bob")
    early = backup(service, tmp_path, "b1")
    service.forget("ann")
    backup(service, tmp_path, "b2")  # its erasure log names ann
    service.close()
    fresh = tmp_path / "fresh"
    restored = restore_backup(early, data_dir=fresh, store_path=fresh / "store", tokens=PZ)
    assert restored.forgotten_again == 1
    kg = KnowledgeGraph(open_store(f"oxigraph:{fresh / 'store'}"))
    try:
        assert list_students(kg) == [key("bob")]
    finally:
        kg.store.close()


def test_backups_kept_in_the_data_folder_stay_in_it_after_a_restore(service: Service) -> None:
    backups = service.data / "backups"
    service.record("ann")
    make_backup(service.kg, service.data, backups / "b1", PZ, exclude=[backups])
    service.record("bob")
    make_backup(service.kg, service.data, backups / "b2", PZ, exclude=[backups])
    service.close()
    restore_backup(backups / "b1", data_dir=service.data, store_path=service.store_path, tokens=PZ, keep=[backups])
    service.open()
    assert service.students() == [key("ann")]
    assert sorted(p.name for p in backups.iterdir()) == ["b1", "b2"], "the backups were not left aside"


def test_old_backups_left_in_the_data_folder_are_never_copied_into_a_new_backup(
    service: Service, tmp_path: Path
) -> None:
    # With PATHWISE_BACKUP_DIR moved elsewhere, the data folder's old backups/ was copied whole into every new
    # backup, with students erased since, and no longer pruned.
    old = service.data / "backups"
    service.record("ann")
    make_backup(service.kg, service.data, old / "b1", PZ, exclude=[old])
    elsewhere = tmp_path / "offsite"
    manifest = make_backup(service.kg, service.data, elsewhere / "b2", PZ, exclude=[elsewhere])
    assert "backups" not in manifest.files
    assert not (elsewhere / "b2" / "data" / "backups").exists()
    assert stale_backups(service.data, elsewhere) == [old / "b1"]  # the start warns of them
    assert stale_backups(service.data, old) == []  # the backup folder itself: pruned as usual


def as_format_1(folder: Path) -> None:
    """Make ``folder``'s manifest as the first format wrote it: no sizes, no checksums."""
    manifest = json.loads((folder / MANIFEST).read_text())
    del manifest["contents"]
    (folder / MANIFEST).write_text(json.dumps({**manifest, "format": 1}))


class TestChecksums:
    def test_every_file_copied_is_listed_with_its_size_and_sha256(self, service: Service, tmp_path: Path) -> None:
        import hashlib

        folder = backup(service, tmp_path)
        manifest = read_manifest(folder)
        assert manifest.format == 2
        assert manifest.contents is not None
        listed = {entry.path: entry for entry in manifest.contents}
        on_disk = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
        assert sorted(listed) == [p for p in on_disk if p != MANIFEST]
        assert any(p.startswith("store/") for p in listed)
        weights = listed["data/models/weights.bin"]
        assert (weights.size, weights.sha256) == (5, hashlib.sha256(b"model").hexdigest())

    def test_a_backup_of_the_first_format_restores_unverified_and_says_so(
        self, service: Service, tmp_path: Path
    ) -> None:
        service.record("ann")
        folder = backup(service, tmp_path)
        as_format_1(folder)
        assert read_manifest(folder).contents is None
        said: list[str] = []
        service.close()
        restore_backup(folder, data_dir=service.data, store_path=service.store_path, tokens=PZ, say=said.append)
        assert "the backup is of format 1, which records no checksums: its files cannot be verified" in said
        service.open()
        assert service.students() == [key("ann")]

    def test_a_format_this_version_does_not_know_is_refused(self, service: Service, tmp_path: Path) -> None:
        folder = backup(service, tmp_path)
        manifest = json.loads((folder / MANIFEST).read_text())
        (folder / MANIFEST).write_text(json.dumps({**manifest, "format": 3}))
        with pytest.raises(InvalidInput, match="backup format 3, this version reads formats 1 and 2"):
            read_manifest(folder)


class TestRefusals:
    """A restore that cannot succeed is refused before anything is moved."""

    def unchanged(self, service: Service) -> None:
        assert not list(service.data.parent.glob("data.before-restore-*"))

    def test_another_pseudonym_secret(self, service: Service, tmp_path: Path) -> None:
        folder = backup(service, tmp_path)
        service.close()
        other = Pseudonymizer(b"another secret, also thirty-two bytes or more")
        with pytest.raises(InvalidInput, match="another pseudonym secret"):
            restore_backup(folder, data_dir=service.data, store_path=service.store_path, tokens=other)
        self.unchanged(service)

    def test_an_unfinished_backup(self, service: Service, tmp_path: Path) -> None:
        folder = backup(service, tmp_path)
        (folder / "backup.json").unlink()
        service.close()
        with pytest.raises(InvalidInput, match="not a Pathwise backup"):
            restore_backup(folder, data_dir=service.data, store_path=service.store_path, tokens=PZ)
        self.unchanged(service)

    def test_a_store_that_does_not_match_its_manifest(self, service: Service, tmp_path: Path) -> None:
        folder = backup(service, tmp_path)
        manifest = json.loads((folder / "backup.json").read_text())
        (folder / "backup.json").write_text(json.dumps({**manifest, "triples": manifest["triples"] + 1}))
        service.close()
        with pytest.raises(InvalidInput, match="triples, its manifest says"):
            restore_backup(folder, data_dir=service.data, store_path=service.store_path, tokens=PZ)
        self.unchanged(service)

    def test_a_damaged_store_file(self, service: Service, tmp_path: Path) -> None:
        # A cut-off .sst file ended the restore in a RocksDB traceback.
        service.record("ann")
        folder = backup(service, tmp_path)
        as_format_1(folder)  # no checksums: the store's own check names it
        for table in (folder / "store").glob("*.sst"):
            table.write_bytes(table.read_bytes()[: len(table.read_bytes()) // 2])
        service.close()
        with pytest.raises(InvalidInput, match="the backup's store does not open"):
            restore_backup(folder, data_dir=service.data, store_path=service.store_path, tokens=PZ)
        self.unchanged(service)

    def test_a_file_whose_bytes_changed(self, service: Service, tmp_path: Path) -> None:
        # A flipped byte in a model's weights was restored without a word, and served NaN estimates.
        folder = backup(service, tmp_path)
        (folder / "data" / "models" / "weights.bin").write_bytes(b"mode!")
        service.close()
        with pytest.raises(InvalidInput, match=r"damaged, nothing was changed: data/models/weights.bin holds other"):
            restore_backup(folder, data_dir=service.data, store_path=service.store_path, tokens=PZ)
        self.unchanged(service)

    def test_a_file_cut_short_or_gone_below_the_top_level(self, service: Service, tmp_path: Path) -> None:
        # A cut-off QA index restored, then stopped the next start with a numpy traceback.
        index = service.data / "index"
        index.mkdir()
        (index / "embeddings.npy").write_bytes(b"x" * 1000)
        (index / "index.json").write_text("{}")
        folder = backup(service, tmp_path)
        (folder / "data" / "index" / "embeddings.npy").write_bytes(b"x" * 10)
        (folder / "data" / "index" / "index.json").unlink()
        service.close()
        with pytest.raises(InvalidInput) as refused:
            restore_backup(folder, data_dir=service.data, store_path=service.store_path, tokens=PZ)
        assert "data/index/embeddings.npy is cut short (10 bytes, 1,000 when backed up)" in refused.value.message
        assert "data/index/index.json is missing" in refused.value.message
        self.unchanged(service)

    def test_a_damaged_store_file_is_named(self, service: Service, tmp_path: Path) -> None:
        service.record("ann")
        folder = backup(service, tmp_path)
        table = max((folder / "store").glob("*.sst"))
        table.write_bytes(table.read_bytes()[:-1] + b"!")
        service.close()
        with pytest.raises(InvalidInput, match=f"store/{table.name} holds other bytes"):
            restore_backup(folder, data_dir=service.data, store_path=service.store_path, tokens=PZ)
        self.unchanged(service)

    def test_a_manifest_listing_a_file_outside_the_backup(self, service: Service, tmp_path: Path) -> None:
        folder = backup(service, tmp_path)
        manifest = json.loads((folder / MANIFEST).read_text())
        manifest["contents"][0]["path"] = "../../data/erasures.jsonl"
        (folder / MANIFEST).write_text(json.dumps(manifest))
        with pytest.raises(InvalidInput, match="outside the backup"):
            read_manifest(folder)

    def test_a_missing_file(self, service: Service, tmp_path: Path) -> None:
        folder = backup(service, tmp_path)
        (folder / "data" / "models" / "weights.bin").unlink()
        (folder / "data" / "models").rmdir()
        service.close()
        with pytest.raises(InvalidInput, match="models missing"):
            restore_backup(folder, data_dir=service.data, store_path=service.store_path, tokens=PZ)
        self.unchanged(service)

    def test_a_running_service(self, service: Service, tmp_path: Path) -> None:
        folder = backup(service, tmp_path)
        with pytest.raises(StoreInUse):  # the store is still open, as a running service holds it
            restore_backup(folder, data_dir=service.data, store_path=service.store_path, tokens=PZ)
        self.unchanged(service)

    def test_a_running_service_is_refused_before_the_backup_is_read(
        self, service: Service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # Every file of the backup was read for its SHA-256 (minutes on a large store) before the
        # restore found the store held by the service, and refused.
        folder = backup(service, tmp_path)

        def read_every_byte(*args: object) -> NoReturn:
            raise AssertionError("the backup's files were read before the store in use was noticed")

        monkeypatch.setattr("graph.restore.check_files", read_every_byte)
        said: list[str] = []
        with pytest.raises(StoreInUse):  # the store is still open, as a running service holds it
            restore_backup(folder, data_dir=service.data, store_path=service.store_path, tokens=PZ, say=said.append)
        assert said == [], "refused before any step began"
        self.unchanged(service)

    def test_a_malformed_erasure_log(self, service: Service, tmp_path: Path) -> None:
        folder = backup(service, tmp_path)
        (service.data / ERASURE_LOG).write_text('{"token": "erased-1", "at": "2026-01-01T00:00:00+00:00"}\nnot json\n')
        service.close()
        with pytest.raises(InvalidInput, match=r"erasures.jsonl:2"):
            restore_backup(folder, data_dir=service.data, store_path=service.store_path, tokens=PZ)
        self.unchanged(service)

    def test_backing_up_into_an_existing_folder_or_another_backend(self, service: Service, tmp_path: Path) -> None:
        (tmp_path / "taken").mkdir()
        with pytest.raises(InvalidInput, match="exists already"):
            make_backup(service.kg, service.data, tmp_path / "taken", PZ)
        with pytest.raises(InvalidInput, match="only an embedded Oxigraph store"):
            make_backup(KnowledgeGraph(open_store("memory")), service.data, tmp_path / "mem", PZ)

    def test_a_restore_whose_copy_fails_leaves_the_data_as_it_was(
        self, service: Service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # The data folder was moved aside before the copy: a full disk left a folder without a store.
        import shutil

        import graph.restore

        service.record("ann")
        folder = backup(service, tmp_path)
        service.close()
        real = shutil.copytree

        def store_does_not_fit(source: Path, target: Path, *args: object, **kwargs: object) -> object:
            if Path(source).name == "store":
                raise shutil.Error([(str(source) + "/000010.sst", str(target), "[Errno 27] File too large")])
            return real(source, target, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(graph.restore.shutil, "copytree", store_does_not_fit)
        with pytest.raises(
            InvalidInput, match=r"copying the backup failed, nothing was changed: .*000010.sst: \[Errno 27\]"
        ):
            restore_backup(folder, data_dir=service.data, store_path=service.store_path, tokens=PZ)
        self.unchanged(service)
        assert sorted(p.name for p in service.data.parent.iterdir()) == ["backups", "data"], "no staging copy left"
        service.open()
        assert service.students() == [key("ann")]

    def test_a_disk_without_room_for_the_copy_and_the_rewrite(
        self, service: Service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # A 12 MB backup into a 30 MB file system failed in the rewrite, with RocksDB's "No space left on device".
        import shutil

        import graph.restore_space

        service.record("ann")
        folder = backup(service, tmp_path)
        contents = read_manifest(folder).contents
        assert contents is not None
        store = sum(e.size for e in contents if e.path.startswith("store/"))
        need = sum(e.size for e in contents) + 2 * store
        real = shutil.disk_usage
        monkeypatch.setattr(
            graph.restore_space.shutil,
            "disk_usage",
            lambda p: real(p)._replace(free=need - 1),  # type: ignore[attr-defined]
        )
        service.close()
        mount = graph.restore_space.mount_point(service.data)
        with pytest.raises(InvalidInput, match=rf"needs about {-(-need // 10**6)} MB free on {mount} .*, 0 MB are"):
            restore_backup(folder, data_dir=service.data, store_path=service.store_path, tokens=PZ)
        self.unchanged(service)
        assert sorted(p.name for p in service.data.parent.iterdir()) == ["backups", "data"], "no staging copy"
        monkeypatch.setattr(graph.restore_space.shutil, "disk_usage", lambda p: real(p)._replace(free=need))
        restore_backup(folder, data_dir=service.data, store_path=service.store_path, tokens=PZ)

    def test_a_rewrite_that_fails_is_said_in_one_line_and_finished_later(
        self, service: Service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # The restore ended in RocksDB's raw error, and the next start in a traceback while finishing it.
        from graph.backup import RestoreUnfinished

        service.record("ann")
        service.record("bob")
        folder = backup(service, tmp_path)
        service.forget("ann")
        service.close()

        def disk_full(self: object) -> None:
            raise OSError("IO error: No space left on device: While appending to file: 000021.sst\nmore")

        monkeypatch.setattr(OxigraphStore, "rewrite", disk_full)
        marker = restore_marker(service.data)
        unfinished = (
            r"start again \(`pathwise serve` or `pathwise restore` finish it\); "
            rf"the unfinished restore is kept \({marker}\)$"
        )
        failed = "finishing the restore failed: IO error: No space left on device: While appending to file: 000021.sst"
        with pytest.raises(RestoreUnfinished, match=rf"{failed}. Free space on /.*{unfinished}"):
            restore_backup(folder, data_dir=service.data, store_path=service.store_path, tokens=PZ)
        assert marker.exists()
        with pytest.raises(RestoreUnfinished, match=unfinished):
            finish_interrupted_restore(service.data, service.store_path, PZ)
        assert marker.exists()
        monkeypatch.undo()
        assert finish_interrupted_restore(service.data, service.store_path, PZ)
        assert not marker.exists()
        service.open()
        assert service.students() == [key("bob")]

    def test_a_backup_inside_the_data_folder(self, service: Service) -> None:
        # Every later backup copied it, and no erasure reached the students it held.
        with pytest.raises(InvalidInput, match="is inside the data folder"):
            make_backup(service.kg, service.data, service.data / "mybackup", PZ)
        with pytest.raises(InvalidInput, match="is inside the data folder"):
            make_backup(service.kg, service.data, service.store_path / "inner", PZ, exclude=[service.data])
        make_backup(service.kg, service.data, service.data / "backups" / "b1", PZ, exclude=[service.data / "backups"])

    def test_an_interrupted_backup_leaves_nothing_that_looks_finished(
        self, service: Service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        import graph.backup

        def disk_full(*args: object, **kwargs: object) -> None:
            raise OSError("No space left on device")

        monkeypatch.setattr(graph.backup.shutil, "copytree", disk_full)
        with pytest.raises(OSError, match="No space"):
            make_backup(service.kg, service.data, tmp_path / "b", PZ)
        assert not list(tmp_path.glob("b*"))


class TestErasureLog:
    def test_it_holds_tokens_not_keys(self, tmp_path: Path) -> None:
        log = ErasureLog(tmp_path / ERASURE_LOG, PZ)
        log.record([key("ann")], WHEN)
        text = log.path.read_text()
        assert key("ann") not in text
        assert key("ann").removeprefix("stu-") not in text
        assert log.forgotten([key("ann"), key("bob")], since=WHEN) == [key("ann")]
        assert log.forgotten([key("ann")], since=WHEN + timedelta(seconds=1)) == []

    def test_lookups_follow_the_file_as_it_grows(self, tmp_path: Path) -> None:
        # Read once per change of the file, not on every recordAttempts: a later erasure is still seen.
        log = ErasureLog(tmp_path / ERASURE_LOG, PZ)
        assert log.last_forgotten([key("ann")]) == {}
        log.record([key("ann")], WHEN)
        assert log.last_forgotten([key("ann"), key("bob")]) == {key("ann"): WHEN}
        log.record([key("bob")], WHEN + timedelta(days=1))
        log.record([key("ann")], WHEN + timedelta(days=2))
        assert log.last_forgotten([key("ann"), key("bob")]) == {
            key("ann"): WHEN + timedelta(days=2),
            key("bob"): WHEN + timedelta(days=1),
        }

    def test_merge_adds_only_what_is_missing(self, tmp_path: Path) -> None:
        mine, theirs = ErasureLog(tmp_path / "a.jsonl", PZ), ErasureLog(tmp_path / "b.jsonl", PZ)
        mine.record([key("ann")], WHEN)
        theirs.record([key("ann")], WHEN)
        theirs.record([key("bob")], WHEN)
        assert mine.merge(theirs.path) == 1
        assert mine.merge(theirs.path) == 0
        assert len(mine.entries()) == 2


def test_a_store_backup_is_consistent_while_writes_go_on(tmp_path: Path) -> None:
    import threading

    from rdflib import Literal, URIRef

    store = OxigraphStore(tmp_path / "store")
    p = URIRef("https://example.org/p")
    acknowledged: list[int] = []
    done = threading.Event()

    def write() -> None:
        n = 0
        while not done.is_set():
            store.apply([], [(URIRef(f"https://example.org/w{n}"), p, Literal(n))])
            acknowledged.append(n)
            n += 1

    writer = threading.Thread(target=write)
    writer.start()
    while len(acknowledged) < 50:
        pass
    before = len(acknowledged)
    store.backup(tmp_path / "copy")
    done.set()
    writer.join()
    copy = OxigraphStore(tmp_path / "copy")
    held = len(copy.select("SELECT ?s WHERE { ?s ?p ?o }"))
    assert before <= held <= len(acknowledged), "every write acknowledged before the backup, none half-written"
    copy.close()
    store.close()


class TestRetention:
    def take(self, service: Service, folder: Path, names: list[str]) -> list[Path]:
        taken = []
        for name in names:
            taken.append(folder / name)
            make_backup(service.kg, service.data, folder / name, PZ)
        return taken

    def test_prune_keeps_the_newest_finished_backups_only(self, service: Service, tmp_path: Path) -> None:
        folder = tmp_path / "backups"
        # named so that name order and time order disagree: time decides
        oldest, middle, newest = self.take(service, folder, ["c", "b", "a"])
        (folder / "x.partial").mkdir()  # a backup being written
        (folder / "notes").mkdir()  # someone else's folder
        assert [p for p, _ in list_backups(folder)] == [oldest, middle, newest]
        assert prune_backups(folder, 2) == [oldest]
        assert sorted(p.name for p in folder.iterdir()) == ["a", "b", "notes", "x.partial"]
        assert prune_backups(folder, 2) == []
        assert prune_backups(folder, 0) == [], "0 keeps every backup"
        assert len(list_backups(folder)) == 2
        with pytest.raises(InvalidInput, match="0 .* or more"):
            prune_backups(folder, -1)

    def test_a_backup_with_a_damaged_manifest_is_named_not_hidden(self, service: Service, tmp_path: Path) -> None:
        folder = tmp_path / "backups"
        good, bad = self.take(service, folder, ["good", "bad"])
        (bad / MANIFEST).write_text("{ not json")
        assert [p for p, _ in list_backups(folder)] == [good]  # neither listed as a backup nor pruned
        assert [p for p, _ in damaged_backups(folder)] == [bad]
        assert prune_backups(folder, 1) == []
        assert bad.exists()

    def test_a_prune_killed_part_way_is_finished_by_the_next(self, service: Service, tmp_path: Path) -> None:
        folder = tmp_path / "backups"
        (first,) = self.take(service, folder, ["first"])
        first.rename(folder / ".pruning-first")  # renamed, then the process died
        assert list_backups(folder) == []
        prune_backups(folder, 1)
        assert list(folder.iterdir()) == []

    def test_a_model_being_saved_or_a_temporary_file_is_not_copied(self, service: Service, tmp_path: Path) -> None:
        models = service.data / "models" / "mastery"
        (models / ".staging-20990101-000000-pathwise").mkdir(parents=True)
        (models / ".staging-20990101-000000-pathwise" / "config.json").write_text("{}")
        (models / "20990101-000000-pathwise").mkdir()
        (models / "20990101-000000-pathwise" / "config.json").write_text("{}")
        (service.data / "models" / "embeddings.tmp.npy").write_bytes(b"half")
        folder = backup(service, tmp_path)
        copied = sorted(str(p.relative_to(folder / "data")) for p in (folder / "data").rglob("*"))
        assert "models/mastery/20990101-000000-pathwise/config.json" in copied
        assert not [p for p in copied if "staging" in p or ".tmp" in p]


def _dies(*args: object, **kwargs: object) -> NoReturn:
    raise KeyboardInterrupt  # the process is killed here
