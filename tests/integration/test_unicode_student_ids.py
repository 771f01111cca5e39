"""A student id in another Unicode form is the same student, wherever it arrives.

"José" with ``é`` as one code point (NFC) and as ``e`` and a combining accent (NFD) look
the same on every screen; before, they were two keys, two histories, two mastery tables.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from cli.attempts import attempts
from cli.main import main
from cli.opening import open_pseudonyms
from graph.attempts import list_students
from graph.pseudonyms import Pseudonymizer
from graph.repository import KnowledgeGraph
from settings import load_settings
from tests.integration.conftest import Api

NFC = "Jos\u00e9"
NFD = "Jose\u0301"

RECORD = """mutation($a: [AttemptInput!]!) { recordAttempts(attempts: $a) {
  ... on RecordedAttempts { accepted duplicates } ... on AttemptsError { code message } } }"""
MASTERY = """query($id: ID!) { student(id: $id) { id mastery { concept { id } } } }"""


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
