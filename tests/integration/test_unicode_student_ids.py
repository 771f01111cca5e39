"""A student id in another Unicode form is the same student, wherever it arrives.

"José" with ``é`` as one code point (NFC) and as ``e`` and a combining accent (NFD) look
the same on every screen; before, they were two keys, two histories, two mastery tables.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from rdflib import Literal

from auth.principal import Principal, Role
from cli.attempts import attempts
from cli.main import main
from cli.opening import open_pseudonyms
from graph.attempts import list_students, record_attempts
from graph.cohorts import GraphCohortDirectory
from graph.erasures import ERASURE_LOG, ErasureLog
from graph.ids import iri_of
from graph.model import Attempt
from graph.pseudonyms import Pseudonymizer, dev_pseudonym_secret
from graph.repository import KnowledgeGraph
from graph.student_keys import StoredStudentKeys
from graph.vocab import PW, RDF
from settings import load_settings
from tests.integration.conftest import Api

NFC = "Jos\u00e9"
NFD = "Jose\u0301"
WHEN = datetime(2024, 1, 1, tzinfo=UTC)

RECORD = """mutation($a: [AttemptInput!]!) { recordAttempts(attempts: $a) {
  ... on RecordedAttempts { accepted duplicates } ... on AttemptsError { code message } } }"""
MASTERY = """query($id: ID!) { student(id: $id) { id mastery { concept { id } } } }"""


@pytest.fixture(autouse=True)
def own_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test its own data folder: one records an erasure of José, and the session's folder is shared.

    In the whole suite a class that ran after that test on the same worker found José erased
    (a CSV import accepted 0 of his 2 lines).
    """
    monkeypatch.setenv("PATHWISE_DATA_DIR", str(tmp_path / "pathwise-data"))


def _import(kg: KnowledgeGraph, *args: str) -> dict[str, Any]:
    obj: dict[str, Any] = {"settings": load_settings(), "store": "memory", "kg": kg}
    result: Result = CliRunner().invoke(attempts, ["import", *args, "--json"], obj=obj)
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.stdout[result.stdout.index("{") :]))


class TestGraphQL:
    def test_an_nfd_id_and_an_nfc_id_are_one_student(self, api: Api) -> None:
        # The NFD id recorded a second student: student(id: NFC) read no mastery at all.
        api.pseudonyms = Pseudonymizer(b"a secret of at least thirty-two bytes!")
        recorded = api(RECORD, {"a": [{"studentId": NFD, "conceptIds": ["slope"], "correct": True}]})
        assert recorded["recordAttempts"]["accepted"] == 1
        student = api(MASTERY, {"id": NFC})["student"]
        assert [m["concept"]["id"] for m in student["mastery"]] == ["slope"]
        keys = api("""query($ids: [ID!]!) { studentKeys(ids: $ids) { key } }""", {"ids": [NFC, NFD, "jos\u00e9"]})
        nfc, nfd, lower = (k["key"] for k in keys["studentKeys"])
        assert nfc == nfd == student["id"]
        assert lower != nfc, "letter case still tells ids apart"

    def test_a_roster_line_in_nfd_enrols_the_student_recorded_in_nfc(self, api: Api) -> None:
        # The roster's NFD "José" was a second student, in the cohort and without a history.
        api.pseudonyms = Pseudonymizer(b"a secret of at least thirty-two bytes!")
        api(RECORD, {"a": [{"studentId": NFC, "conceptIds": ["slope"], "correct": True}]})
        roster = """mutation($t: String!) { importRoster(csv: $t) { ... on RosterImport { enrolled } } }"""
        assert api(roster, {"t": f"cohort,student\n7b,{NFD}\n"})["importRoster"]["enrolled"] == 1
        members = api('{ cohort(id: "7b") { students { id } } }')["cohort"]["students"]
        assert [m["id"] for m in members] == [api(MASTERY, {"id": NFD})["student"]["id"]]
        assert api("{ students(first: 10) { totalCount } }")["students"]["totalCount"] == 1

    def test_a_client_id_is_one_id_however_it_is_padded_or_composed(self, api: Api) -> None:
        # " q-é" and "q-é" (or "q-e" with a combining accent) were two ids: a retry was recorded twice.
        attempt = {"studentId": "kid", "conceptIds": ["slope"], "correct": True}
        first = api(RECORD, {"a": [{**attempt, "clientId": "q-\u00e9"}]})["recordAttempts"]
        again = [{**attempt, "clientId": c} for c in (" q-\u00e9", "q-e\u0301 ")]
        retried = api(RECORD, {"a": again})["recordAttempts"]
        assert (first["accepted"], retried["accepted"], retried["duplicates"]) == (1, 0, 2)

    def test_a_padded_client_id_recorded_before_is_still_a_duplicate_when_retried(self, api: Api) -> None:
        # Recorded before clientIds were trimmed, " q-7" was keyed as sent: its retry, now read as "q-7",
        # took another id and was recorded a second time.
        api.pseudonyms = Pseudonymizer(b"a secret of at least thirty-two bytes!")
        kid = api.pseudonyms.key("kid")
        stored = Attempt(api.pseudonyms.opaque(f"client:{kid}: q-7"), kid, WHEN, 1.0, concepts=("slope",))
        record_attempts(api.kg, [stored])
        retry = {"studentId": "kid", "conceptIds": ["slope"], "correct": True, "clientId": " q-7"}
        retry["timestamp"] = WHEN.isoformat()
        retried = api(RECORD, {"a": [retry]})["recordAttempts"]
        assert (retried["accepted"], retried["duplicates"]) == (0, 1)


class TestImports:
    def test_a_csv_log_giving_both_forms_imports_one_student(self, kg: KnowledgeGraph, tmp_path: Path) -> None:
        # Two lines of one learner, one typed NFC and one copied from a macOS file name (NFD): two students.
        log = tmp_path / "log.csv"
        log.write_text(
            f"student,item,concepts,correct,timestamp\n{NFC},,add,1,2024-01-01\n{NFD},,sub,0,2024-01-02\n",
            encoding="utf-8",
        )
        assert _import(kg, str(log), "--format", "csv")["accepted"] == 2
        assert list_students(kg) == [open_pseudonyms(load_settings()).key(NFC)]

    def test_xapi_accounts_and_mboxes_in_either_form_are_one_learner(self, kg: KnowledgeGraph, tmp_path: Path) -> None:
        # An LMS account named in NFD and a GraphQL call naming the learner in NFC were two students,
        # and so were an mbox typed with the accent composed and one with it combining.
        def statement(n: int, actor: dict[str, Any]) -> dict[str, Any]:
            return {
                "id": f"6690e6c9-3ef0-4ed3-8b37-7f396473{n:04d}",
                "actor": actor,
                "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
                "object": {"id": "m_eq"},
                "result": {"success": True},
                "timestamp": f"2026-11-30T09:0{n}:00Z",
            }

        home = "https://lms.example"
        lines = [
            statement(1, {"account": {"homePage": home, "name": NFD}}),
            statement(2, {"account": {"homePage": home, "name": NFC}}),
            statement(3, {"mbox": f"mailto:{NFD}@example.org"}),
            statement(4, {"mbox": f"mailto:{NFC}@example.org"}),
        ]
        path = tmp_path / "statements.jsonl"
        path.write_text("".join(json.dumps(s, ensure_ascii=False) + "\n" for s in lines), encoding="utf-8")
        assert _import(kg, str(path), "--format", "xapi", "--xapi-account-home", home)["accepted"] == 4
        pseudonyms = open_pseudonyms(load_settings())
        by_mbox = CliRunner().invoke(main, ["student-key", "--xapi-mbox", f"{NFC}@example.org"])
        assert by_mbox.exit_code == 0, by_mbox.output
        assert sorted(list_students(kg)) == sorted([pseudonyms.key(NFC), by_mbox.stdout.strip()])


class TestStoredBefore:
    """Students stored before ids were read in NFC, under the key of the id as it was written then."""

    def test_graphql_over_http_reaches_a_student_stored_under_a_decomposed_id(
        self, ox_kg: KnowledgeGraph, tmp_path: Path
    ) -> None:
        # Upgraded, the service keyed "José" in NFC: the student stored from an NFD id was NOT_FOUND to
        # exportStudent, and their next answers began a second history.
        from starlette.testclient import TestClient

        from server import create_app

        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("PATHWISE_DATA_DIR", str(tmp_path / "data"))
            settings = replace(load_settings(env_file=None), qa=False, mastery=False, load_demo=False)
        app = create_app(settings, kg=ox_kg)
        [old] = Pseudonymizer(dev_pseudonym_secret(tmp_path / "data")[0]).earlier_keys(NFD)
        record_attempts(ox_kg, [Attempt("a1", old, WHEN, 1.0, concepts=("add",))])
        query = """query($ids: [ID!]!) { studentKeys(ids: $ids) { key } }"""
        with TestClient(app) as client:
            answer = client.post("/graphql", json={"query": query, "variables": {"ids": [NFC, NFD, "ada"]}})
            exported = client.post(
                "/graphql",
                json={"query": f'{{ exportStudent(id: "{NFC}") {{ ... on StudentExport {{ studentId }} }} }}'},
            )
            # the keys are looked up in the store, and a backup still fingerprints the deployment's secret
            backup = client.post("/graphql", json={"query": "mutation { backupData { __typename } }"})
        assert backup.json()["data"]["backupData"]["__typename"] == "Backup"
        keys = [k["key"] for k in answer.json()["data"]["studentKeys"]]
        assert keys[:2] == [old, old]
        assert keys[2] != old
        assert exported.json()["data"]["exportStudent"]["studentId"] == old

    def test_a_student_token_in_either_form_reads_and_extends_the_stored_history(self, api: Api) -> None:
        # A token whose sub is "José" in NFC was another student than the one stored from the NFD id:
        # refused the stored student's mastery, and its answers began a second history.
        pseudonyms = Pseudonymizer(b"a secret of at least thirty-two bytes!")
        [old] = pseudonyms.earlier_keys(NFD)
        record_attempts(api.kg, [Attempt("a1", old, WHEN, 1.0, concepts=("slope",))])
        api.pseudonyms = StoredStudentKeys(pseudonyms, api.kg.store)
        me = Principal(Role.STUDENT, NFC)
        answer = {"studentId": NFC, "conceptIds": ["slope_intercept_form"], "correct": True}
        assert asyncio.run(api.run(RECORD, {"a": [answer]}, me))["recordAttempts"]["accepted"] == 1
        student = asyncio.run(api.run(MASTERY, {"id": NFD}, me))["student"]
        assert student["id"] == old
        assert list_students(api.kg) == [old]

    def test_an_nfc_log_joins_the_history_an_nfd_log_stored(self, kg: KnowledgeGraph, tmp_path: Path) -> None:
        pseudonyms = open_pseudonyms(load_settings())
        [old] = pseudonyms.earlier_keys(NFD)
        record_attempts(kg, [Attempt("a1", old, WHEN, 1.0, concepts=("add",))])
        log = tmp_path / "log.csv"
        log.write_text(f"student,item,concepts,correct,timestamp\n{NFC},,sub,1,2024-01-02\n", encoding="utf-8")
        assert _import(kg, str(log), "--format", "csv")["accepted"] == 1
        assert list_students(kg) == [old]

    def test_a_logs_students_are_looked_up_together(self, kg: KnowledgeGraph) -> None:
        # One query per accented student: 19.6 s for 2,000 of them on the memory store.
        pseudonyms = Pseudonymizer(b"a secret of at least thirty-two bytes!")
        [old] = pseudonyms.earlier_keys(NFD)
        record_attempts(kg, [Attempt("a1", old, WHEN, 1.0, concepts=("add",))])
        keys = StoredStudentKeys(pseudonyms, kg.store)
        names = [NFC, *(f"Mar\u00eda-{n}" for n in range(400)), "ada"]
        before = kg.store.round_trips
        keys.prefetch(names)
        assert kg.store.round_trips - before == 2  # 401 accented ids, 300 a query
        resolved = [keys.resolve(n) for n in names]
        assert kg.store.round_trips - before == 2
        assert resolved[0] == old
        assert resolved[1:] == [pseudonyms.key(n) for n in names[1:]]

    def test_a_student_forgotten_under_the_earlier_key_is_not_brought_back(
        self, kg: KnowledgeGraph, tmp_path: Path
    ) -> None:
        # The erasure log names the key the student had; an old log re-imported in NFC keyed them anew,
        # which no erasure named, and every attempt they had made came back.
        settings = load_settings()
        pseudonyms = open_pseudonyms(settings)
        [old] = pseudonyms.earlier_keys(NFD)
        ErasureLog(settings.data_dir / ERASURE_LOG, pseudonyms).record([old], datetime(2025, 1, 1, tzinfo=UTC))
        log = tmp_path / "log.csv"
        log.write_text(f"student,item,concepts,correct,timestamp\n{NFC},,sub,1,2024-01-02\n", encoding="utf-8")
        out = _import(kg, str(log), "--format", "csv")
        assert (out["accepted"], out["erased"]) == (0, 1)
        assert list_students(kg) == []

    def test_student_key_names_the_earlier_key_too(self) -> None:
        pseudonyms = open_pseudonyms(load_settings())
        result = CliRunner().invoke(main, ["student-key", NFC])
        assert result.exit_code == 0, result.output
        assert result.stdout.strip() == pseudonyms.key(NFD)
        assert pseudonyms.earlier_keys(NFC)[0] in result.stderr


class TestTeachers:
    def test_a_teacher_named_in_either_form_teaches_the_class(self, api: Api) -> None:
        # A roster gave the class to "José" in NFD; his token's sub, in NFC, taught no class.
        roster = """mutation($t: String!) { importRoster(csv: $t) { ... on RosterImport { enrolled } } }"""
        api(roster, {"t": f"cohort,student,teacher\n7b,s1,{NFD}\n"})
        cohorts = api("{ cohorts { id teacherIds } }")["cohorts"]
        assert cohorts == [{"id": "7b", "teacherIds": [NFC]}], "stored in NFC"
        directory = GraphCohortDirectory(api.kg)
        assert directory.cohorts_taught_by(NFC) == directory.cohorts_taught_by(NFD) == {"7b"}
        # a class given to the NFD spelling before teacher ids were read in NFC is still his
        cohort = iri_of("cohort", "8a")
        api.kg.store.apply([], [(cohort, RDF.type, PW.Cohort), (cohort, PW.teacher, Literal(NFD))])
        assert directory.cohorts_taught_by(NFC) == {"7b", "8a"}
        made = api(
            """mutation($i: CreateCohortInput!) { createCohort(input: $i) { ... on Cohort { teacherIds } } }""",
            {"i": {"id": "9c", "teacherIds": [f" {NFD} "]}},
        )
        assert made["createCohort"]["teacherIds"] == [NFC]
