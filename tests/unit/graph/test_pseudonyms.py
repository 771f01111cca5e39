"""Student keys (``graph.pseudonyms``), the caches forgetting a student, and the CLI import keying students."""

from __future__ import annotations

import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import main
from graph.attempts import record_attempts
from graph.cohorts import create_cohort, enrol_students
from graph.estimate_table import EstimateTable, estimate_table
from graph.forget import forget_student
from graph.mastery import estimate_triples
from graph.model import Attempt, MasteryEstimate
from graph.pseudonyms import (
    DEV_SECRET_FILE,
    PseudonymConfigError,
    Pseudonymizer,
    dev_pseudonym_secret,
    load_pseudonymizer,
)
from graph.repository import KnowledgeGraph
from graph.store import open_store
from graph.student_data import _CACHES, student_data
from tests.conftest import small_bundle

SECRET = b"x" * 32
WHEN = datetime(2026, 1, 1, tzinfo=UTC)


class TestPseudonymizer:
    def test_keys_are_stable_keyed_and_slugs(self) -> None:
        pz = Pseudonymizer(SECRET)
        key = pz.key("Ada Lovelace <ada@example.org>")
        assert key == pz.key("Ada Lovelace <ada@example.org>")
        assert key != Pseudonymizer(b"y" * 32).key("Ada Lovelace <ada@example.org>")
        assert pz.is_key(key)
        assert "lovelace" not in key.lower()

    def test_resolve_takes_either_form(self) -> None:
        pz = Pseudonymizer(SECRET)
        key = pz.key("s1")
        assert pz.resolve("s1") == pz.resolve(key) == key
        assert pz.resolve(key.upper()) != key  # only the exact form is a key

    def test_refuses_short_secrets_and_empty_ids(self) -> None:
        with pytest.raises(PseudonymConfigError):
            Pseudonymizer(b"short")
        with pytest.raises(ValueError, match="empty"):
            Pseudonymizer(SECRET).resolve("")
        assert "x" * 32 not in repr(Pseudonymizer(SECRET))


class TestLoading:
    def test_development_secret_is_created_once_mode_0600(self, tmp_path: Path) -> None:
        first, created = dev_pseudonym_secret(tmp_path)
        again, created_again = dev_pseudonym_secret(tmp_path)
        assert (created, created_again) == (True, False)
        assert first == again
        assert stat.S_IMODE((tmp_path / DEV_SECRET_FILE).stat().st_mode) == 0o600

    def test_production_needs_the_secret(self, tmp_path: Path) -> None:
        with pytest.raises(PseudonymConfigError, match="PATHWISE_PSEUDONYM_SECRET"):
            load_pseudonymizer(None, development=False, data_dir=tmp_path)
        assert not (tmp_path / DEV_SECRET_FILE).exists()
        pz, source = load_pseudonymizer("z" * 40, development=False, data_dir=tmp_path)
        assert source == "PATHWISE_PSEUDONYM_SECRET"
        assert pz.key("s1") == Pseudonymizer(b"z" * 40).key("s1")


def _active(kg: KnowledgeGraph, student: str) -> None:
    record_attempts(kg, [Attempt(f"a-{student}", student, WHEN, 1.0, concepts=("add",))])
    kg.commit([], list(estimate_triples(MasteryEstimate(student, "add", 0.7, "t", WHEN))), lambda: None)


class TestCachesForget:
    def test_student_data_and_estimate_table_drop_the_student(self) -> None:
        kg = KnowledgeGraph(open_store("memory"))
        kg.import_bundle(small_bundle())
        for s in ("s1", "s2", "s3"):
            _active(kg, s)
        create_cohort(kg, "c")
        enrol_students(kg, "c", ["s1", "s4"])
        table = estimate_table(kg)
        assert sorted(table.students()) == ["s1", "s2", "s3"]
        student_data(kg, "s1")
        student_data(kg, "s4")  # a member without attempts: cached too
        forget_student(kg, "s1")
        forget_student(kg, "s4")
        assert sorted(table.students()) == ["s2", "s3"]
        assert not table.dirty
        assert table.matrix(["s2", "s3", "s1"], ["add"]).tolist()[:2] == [[0.7], [0.7]]
        assert set(_CACHES[kg]._entries) == set()

    def test_a_dirty_table_drops_the_row_too(self) -> None:
        table = EstimateTable()
        table.load([("s1", "a", 0.5), ("s2", "a", 0.25)], revision=1)
        from graph.ids import iri_of
        from graph.vocab import PW, RDF

        table.on_write([(iri_of("student", "s1"), RDF.type, PW.Student)], [], revision=5)
        assert table.students() == ["s2"]
        assert table.dirty


class TestCliImport:
    def test_the_log_external_ids_never_reach_the_store(self, tmp_path: Path) -> None:
        log = tmp_path / "log.csv"
        log.write_text("student,item,concepts,correct\nada.lovelace,,add,1\nada.lovelace,,sub,0\n")
        store = f"oxigraph:{tmp_path / 'store'}"
        env = {"PATHWISE_DATA_DIR": str(tmp_path / "data"), "PATHWISE_MASTERY": "false"}
        runner = CliRunner()
        kg = KnowledgeGraph(open_store(store))
        kg.import_bundle(small_bundle())
        kg.store.close()
        result = runner.invoke(
            main, ["--store", store, "attempts", "import", str(log), "--format", "csv"], env=env, catch_exceptions=False
        )
        assert result.exit_code == 0, result.output
        again = runner.invoke(
            main, ["--store", store, "attempts", "import", str(log), "--format", "csv", "--json"], env=env
        )
        assert '"duplicates": 2' in again.output
        secret, _ = dev_pseudonym_secret(tmp_path / "data")
        kg = KnowledgeGraph(open_store(store))
        try:
            rows = kg.store.select("SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
        finally:
            kg.store.close()
        stored = "\n".join(" ".join(str(t) for t in r) for r in rows)
        assert "lovelace" not in stored.lower()
        assert Pseudonymizer(secret).key("ada.lovelace") in stored
