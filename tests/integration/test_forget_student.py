"""Privacy: student keys are pseudonyms, ``exportStudent`` returns everything, ``forgetStudent`` leaves nothing.

Two views of the same guarantee:

- in process (``TestForgetInProcess``), over the demo with its mastery model and a real
  ``Pseudonymizer``, where the graph's caches, the projection and the model's state can
  be looked at directly after forgetting;
- a real server over an on-disk Oxigraph store (``test_forget_on_a_real_server``): a
  student is active everywhere (cohort, attempts, mastery, path, next materials, a
  question, a report), then forgotten; after the server stops, every triple of the
  store, the files of the data folder outside the store (the QA index) and the server's
  log hold neither the student's key nor their external id.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from live_server import ROOT, Live, graphql, serving

from auth.keys import dev_secret
from auth.principal import Principal, Role
from auth.tokens import mint
from graph.estimate_table import estimate_table
from graph.pseudonyms import DEV_SECRET_FILE, Pseudonymizer
from graph.store import OxigraphStore, TripleStore
from graph.student_data import _CACHES, student_data
from resolvers.loaders import build_loaders
from schema.context import Context
from tests.integration.conftest import Api, demo_api

EXTERNAL = "learner.forget-me-4711"
SECRET = b"a test secret of at least thirty-two bytes"

RECORD = """mutation($s: ID!, $c: String) { recordAttempts(attempts: [
  {studentId: $s, materialId: "m_exponent_laws_practice", correct: true, clientId: $c},
  {studentId: $s, conceptIds: ["slope"], correct: false}]) {
  __typename ... on RecordedAttempts { accepted mastery { concept { id } probability } }
  ... on AttemptsError { code message } } }"""
STUDENT = "query($s: ID!) { student(id: $s) { id mastery { concept { id } probability } } }"
PATH = """query($s: ID!) { learningPath(studentId: $s, targets: ["slope"]) {
  __typename ... on LearningPath { steps { concept { id } } } ... on PathError { code message } } }"""
NEXT = """query($s: ID!) { nextMaterials(studentId: $s, first: 3) {
  __typename ... on Recommendations { items { material { id } } } } }"""
ASK = """query($s: ID!) { ask(question: "What is the slope of a line?", studentId: $s) {
  __typename ... on Answer { answered } ... on AskError { code message } } }"""
ENROL = """mutation($s: ID!) {
  createCohort(input: {id: "forget-class", name: "Forget class", teacherIds: ["t-forget"]}) { __typename }
  enrolStudents(cohortId: "forget-class", studentIds: [$s]) { __typename ... on Cohort { size } } }"""
REPORT = """{ cohortMastery(cohortId: "forget-class", conceptIds: ["slope", "exponent_laws"]) {
  __typename ... on CohortMastery { concepts { concept { id } students mean } } } }"""
EXPORT = """query($s: ID!) { exportStudent(id: $s) {
  __typename ... on StudentExport { studentId data } ... on StudentDataError { code message } } }"""
FORGET = """mutation($s: ID!) { forgetStudent(id: $s) {
  __typename ... on ForgottenStudent { studentId attempts estimates memberships triples }
  ... on StudentDataError { code message subjectId } } }"""
LIST = "{ students(first: 100) { edges { node { id } } } }"


def dump(store: TripleStore) -> str:
    """Every triple of the store as text."""
    return "\n".join(" ".join(str(t) for t in row) for row in store.select("SELECT ?s ?p ?o WHERE { ?s ?p ?o }"))


# --- in process ------------------------------------------------------------------------------------
@pytest.fixture
def api(tmp_path: Path) -> Api:
    """The demo with a real pseudonymizer."""
    return demo_api(tmp_path, Pseudonymizer(SECRET))


class TestPseudonymsInProcess:
    def test_the_external_id_never_reaches_the_store(self, api: Api) -> None:
        recorded = api(RECORD, {"s": EXTERNAL, "c": "x1"})["recordAttempts"]
        assert recorded["accepted"] == 2
        key = api.pseudonyms.key(EXTERNAL)
        stored = dump(api.kg.store)
        assert EXTERNAL not in stored
        assert "forget-me" not in stored
        assert key in stored
        # The key and the external id reach the same student; the answer names the key.
        assert api(STUDENT, {"s": EXTERNAL})["student"]["id"] == key
        assert api(STUDENT, {"s": key})["student"]["id"] == key
        assert api(LIST)["students"]["edges"] == [{"node": {"id": key}}]

    def test_a_client_id_is_keyed_and_still_idempotent(self, api: Api) -> None:
        # Client ids often name the student; it was stored as given inside the attempt's IRI.
        client_id = f"{EXTERNAL}/quiz-7"
        assert api(RECORD, {"s": EXTERNAL, "c": client_id})["recordAttempts"]["accepted"] == 2
        stored = dump(api.kg.store)
        assert "forget-me" not in stored
        assert "quiz-7" not in stored
        again = api(RECORD, {"s": EXTERNAL, "c": client_id})["recordAttempts"]
        assert again["accepted"] == 1  # the keyed client id is the same: only the attempt without one is new

    def test_a_student_token_names_the_external_id(self, api: Api) -> None:
        api(RECORD, {"s": EXTERNAL, "c": "x1"})
        me = Principal(Role.STUDENT, EXTERNAL)
        key = api.pseudonyms.key(EXTERNAL)
        assert api(STUDENT, {"s": EXTERNAL}, me)["student"]["id"] == key
        assert api(STUDENT, {"s": key}, me)["student"]["id"] == key
        assert api(LIST, principal=me)["students"]["edges"] == [{"node": {"id": key}}]
        context = Context(
            kg=api.kg, loaders=build_loaders(api.kg), pseudonyms=api.pseudonyms, principal=Principal(Role.STUDENT, "x")
        )
        refused = asyncio.run(api.schema.execute(STUDENT, variable_values={"s": EXTERNAL}, context_value=context))
        assert [(e.extensions or {}).get("code") for e in refused.errors or []] == ["FORBIDDEN"]

    def test_a_newcomer_asking_for_themself_gets_their_record(self, api: Api) -> None:
        # It was null while their learning path and predictions worked: a new student's page had nothing to show.
        me = Principal(Role.STUDENT, "brand-new")
        query = '{ student(id: "brand-new") { id mastery(conceptIds: ["slope"]) { probability } } }'
        found = api(query, principal=me)["student"]
        assert found["id"] == api.pseudonyms.key("brand-new")
        assert 0.0 < found["mastery"][0]["probability"] < 1.0
        assert api('{ student(id: "brand-new") { id } }')["student"] is None, "an admin: nothing stored"

    def test_a_newcomer_exporting_their_data_gets_an_empty_record(self, api: Api) -> None:
        # "student 'stu-...' does not exist" (NOT_FOUND) answered a new account's "download my data", while its own
        # student query, path and predictions answered it: the app showed an error to a student who had done nothing.
        me = Principal(Role.STUDENT, "brand-new-2")
        exported = api(EXPORT, {"s": "brand-new-2"}, me)["exportStudent"]
        assert exported["__typename"] == "StudentExport"
        assert exported["studentId"] == api.pseudonyms.key("brand-new-2")
        data = exported["data"]
        assert (data["attempts"], data["mastery"], data["cohorts"], data["statements"]) == ([], [], [], [])
        assert api(EXPORT, {"s": "brand-new-2"})["exportStudent"]["code"] == "NOT_FOUND", "an admin: nothing stored"

    def test_student_keys_map_an_external_id_to_its_key(self, api: Api) -> None:
        me = Principal(Role.STUDENT, EXTERNAL)
        pairs = api('{ studentKeys(ids: ["learner.forget-me-4711", "someone-else"]) { id key } }', principal=me)
        assert pairs["studentKeys"] == [
            {"id": EXTERNAL, "key": api.pseudonyms.key(EXTERNAL)},
            {"id": "someone-else", "key": None},
        ]

    def test_a_token_whose_sub_has_the_keys_form_is_not_that_student(self, api: Api) -> None:
        # A key shown to someone, claimed as the sub of a self-registered account, acted as its student.
        api(RECORD, {"s": EXTERNAL, "c": "x1"})
        key = api.pseudonyms.key(EXTERNAL)
        impostor = Principal(Role.STUDENT, key)
        context = Context(kg=api.kg, loaders=build_loaders(api.kg), pseudonyms=api.pseudonyms, principal=impostor)
        refused = asyncio.run(api.schema.execute(STUDENT, variable_values={"s": key}, context_value=context))
        assert [(e.extensions or {}).get("code") for e in refused.errors or []] == ["FORBIDDEN"]
        assert api(LIST, principal=impostor)["students"]["edges"] == []

    def test_an_id_of_spaces_is_refused_as_an_empty_one(self, api: Api) -> None:
        # It was keyed like any id and answered null, where "" is an error.
        for blank in ("", "   "):
            context = Context(kg=api.kg, loaders=build_loaders(api.kg), pseudonyms=api.pseudonyms)
            result = asyncio.run(api.schema.execute(STUDENT, variable_values={"s": blank}, context_value=context))
            assert [e.message for e in result.errors or []] == ["a student id is empty"], blank

    def test_a_context_without_pseudonyms_refuses_student_ids(self, api: Api) -> None:
        context = Context(kg=api.kg, loaders=build_loaders(api.kg))
        result = asyncio.run(api.schema.execute(STUDENT, variable_values={"s": EXTERNAL}, context_value=context))
        assert result.errors is not None
        assert "without pseudonyms" in result.errors[0].message


class TestForgetInProcess:
    def test_forget_leaves_no_trace_in_graph_caches_or_model(self, api: Api) -> None:
        key = api.pseudonyms.key(EXTERNAL)
        api(ENROL, {"s": EXTERNAL})
        api(RECORD, {"s": EXTERNAL, "c": "x1"})
        assert api(PATH, {"s": EXTERNAL})["learningPath"]["__typename"] == "LearningPath"
        assert api(NEXT, {"s": EXTERNAL})["nextMaterials"]["__typename"] == "Recommendations"
        assert api(REPORT)["cohortMastery"]["__typename"] == "CohortMastery"
        student_data(api.kg, key)  # cached
        assert key in estimate_table(api.kg).students()
        assert api.mastery.predictor.knows(key)

        exported = api(EXPORT, {"s": EXTERNAL}, Principal(Role.STUDENT, EXTERNAL))["exportStudent"]
        assert exported["studentId"] == key
        data = exported["data"]
        assert data["cohorts"] == ["forget-class"]
        assert len(data["attempts"]) == 2
        assert {m["concept"] for m in data["mastery"]} >= {"exponent_laws", "slope"}
        assert any(s[1].endswith("memberOf") and s[2].startswith("<http") for s in data["statements"])
        scores = [s[2] for s in data["statements"] if s[1].endswith("score")]  # a datatype, not a bare "1"
        assert scores
        assert all("^^<http://www.w3.org/2001/XMLSchema#" in o for o in scores)

        forgotten = api(FORGET, {"s": EXTERNAL})["forgetStudent"]
        assert forgotten == {
            "__typename": "ForgottenStudent",
            "studentId": key,
            "attempts": 2,
            "estimates": len(data["mastery"]),
            "memberships": 1,
            "triples": len(data["statements"]),
        }
        stored = dump(api.kg.store)
        assert key not in stored
        assert EXTERNAL not in stored
        assert key not in repr(vars(api.kg.projection))
        assert key not in _CACHES[api.kg]._entries
        assert key not in estimate_table(api.kg).students()
        assert not api.mastery.predictor.knows(key)
        assert api(STUDENT, {"s": EXTERNAL})["student"] is None
        again = api(FORGET, {"s": EXTERNAL})["forgetStudent"]
        assert (again["__typename"], again["code"], again["subjectId"]) == ("StudentDataError", "NOT_FOUND", key)
        assert api(EXPORT, {"s": key})["exportStudent"]["code"] == "NOT_FOUND"

    def test_an_export_names_the_id_sent_and_the_key_it_maps_to(self, api: Api) -> None:
        # The answer named only the key: a requester who sent an e-mail address or an LMS id could not tell
        # that the record was theirs, nor match an export to the request that asked for it.
        api(RECORD, {"s": EXTERNAL, "c": "x1"})
        key = api.pseudonyms.key(EXTERNAL)
        query = "query($s: ID!) { exportStudent(id: $s) { ... on StudentExport { requestedId studentId } } }"
        for sent in (EXTERNAL, key):
            assert api(query, {"s": sent})["exportStudent"] == {"requestedId": sent, "studentId": key}

    def test_other_students_are_untouched(self, api: Api) -> None:
        api(RECORD, {"s": EXTERNAL, "c": "x1"})
        api(RECORD, {"s": "someone-else", "c": "x1"})
        api(FORGET, {"s": EXTERNAL})
        other = api.pseudonyms.key("someone-else")
        assert len(api(EXPORT, {"s": "someone-else"})["exportStudent"]["data"]["attempts"]) == 2
        assert api(LIST)["students"]["edges"] == [{"node": {"id": other}}]


FORGET_MANY = """mutation($ids: [ID!]!) { forgetStudents(ids: $ids) {
  __typename ... on ForgottenStudent { studentId attempts } ... on StudentDataError { code field subjectId } } }"""


class TestForgetManyInProcess:
    """``forgetStudents``: a batch of erasure requests, one transaction each, one rewrite of the store."""

    @pytest.fixture
    def on_disk(self, tmp_path: Path) -> Api:
        from demo.load import CURRICULUM_DIR, MODEL_DIR
        from graph.repository import KnowledgeGraph
        from graph.store import open_store
        from ingest.csv_layout import read_curriculum_csv
        from ml.mastery.serving import MasteryService
        from ml.mastery.versions import ModelVersions

        kg = KnowledgeGraph(open_store(f"oxigraph:{tmp_path / 'store'}"))
        kg.import_bundle(read_curriculum_csv(CURRICULUM_DIR))
        return Api(kg, MasteryService(ModelVersions(tmp_path / "models"), fallback=MODEL_DIR), Pseudonymizer(SECRET))

    def test_outcomes_in_order_and_one_rewrite_for_the_batch(self, on_disk: Api, tmp_path: Path) -> None:
        for n, learner in enumerate(("leaver-a", "leaver-b", "stayer")):
            on_disk(RECORD, {"s": learner, "c": f"x{n}"})
        store = on_disk.kg.store
        assert isinstance(store, OxigraphStore)
        key = on_disk.pseudonyms.key
        answers = on_disk(FORGET_MANY, {"ids": ["leaver-a", "nobody", key("leaver-b"), "", "leaver-a"]})
        assert answers["forgetStudents"] == [
            {"__typename": "ForgottenStudent", "studentId": key("leaver-a"), "attempts": 2},
            {"__typename": "StudentDataError", "code": "NOT_FOUND", "field": "ids.1", "subjectId": key("nobody")},
            {"__typename": "ForgottenStudent", "studentId": key("leaver-b"), "attempts": 2},
            {"__typename": "StudentDataError", "code": "INVALID", "field": "ids.3", "subjectId": None},
            {"__typename": "StudentDataError", "code": "NOT_FOUND", "field": "ids.4", "subjectId": key("leaver-a")},
        ]
        assert store.rewrites == 1, "one rewrite for the whole batch"
        files = [f.read_bytes() for f in (tmp_path / "store").rglob("*") if f.is_file()]
        for gone in (key("leaver-a"), key("leaver-b")):
            assert not any(gone.encode() in data for data in files)
            assert not on_disk.mastery.predictor.knows(gone)
        assert api_students(on_disk) == [key("stayer")]

    def test_an_erasure_is_logged_with_counts_and_no_key(self, on_disk: Api, caplog: pytest.LogCaptureFixture) -> None:
        """An operator sees that a forget ran and what its rewrite cost; a log is no place for the key."""
        for n, learner in enumerate(("leaver-a", "leaver-b")):
            on_disk(RECORD, {"s": learner, "c": f"x{n}"})
        key = on_disk.pseudonyms.key
        with caplog.at_level("INFO"):
            on_disk(FORGET_MANY, {"ids": ["leaver-a", "leaver-b"]})
        assert "forgot 2 student(s): 4 attempts" in caplog.text
        assert "rewriting the store" in caplog.text
        assert "rewritten in" in caplog.text
        assert key("leaver-a") not in caplog.text
        assert "leaver-a" not in caplog.text

    def test_a_long_rewrite_goes_on_after_the_answer_which_says_so(
        self, on_disk: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """On a large store the rewrite outlasted a proxy's timeout; the answer now comes after the wait."""
        from dataclasses import dataclass

        from schema.context import Context

        @dataclass
        class Waiting(Context):
            forget_wait_seconds: float | None = 0.2

        query = (
            """mutation($ids: [ID!]!) { forgetStudents(ids: $ids) { ... on ForgottenStudent { attempts purged } } }"""
        )
        for learner in ("leaver-a", "leaver-b"):
            on_disk(RECORD, {"s": learner, "c": "x"})
        assert on_disk(query, {"ids": ["leaver-a"]})["forgetStudents"] == [{"attempts": 2, "purged": True}]
        store = on_disk.kg.store
        assert isinstance(store, OxigraphStore)
        go_on = hold_rewrites(store, monkeypatch)
        answered = asyncio.run(on_disk.run(query, {"ids": ["leaver-b"]}, context_type=Waiting))
        assert answered["forgetStudents"] == [{"attempts": 2, "purged": False}]
        assert store.rewrite_pending, "the request is on disk until the rewrite is swapped in"
        assert api_students(on_disk) == [], "gone from every answer already"
        go_on.set()
        store.close()  # a stop waits for the rewrite
        assert not store.rewrite_pending
        files = [f.read_bytes() for f in (tmp_path / "store").rglob("*") if f.is_file()]
        assert not any(on_disk.pseudonyms.key("leaver-b").encode() in data for data in files)

    def test_retrying_while_the_rewrite_runs_waits_for_it_and_starts_no_other(
        self, on_disk: Api, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        """A client polling `purged` by retrying started a whole rewrite with each retry, and never saw true."""
        from dataclasses import dataclass

        from graph.erasures import ERASURE_LOG, ErasureLog
        from schema.context import Context

        on_disk.erasures = ErasureLog(tmp_path / ERASURE_LOG, on_disk.pseudonyms)

        @dataclass
        class NoWait(Context):
            forget_wait_seconds: float | None = 0.0

        query = (
            """mutation($s: ID!) { forgetStudent(id: $s) { ... on ForgottenStudent { alreadyForgotten purged } } }"""
        )
        on_disk(RECORD, {"s": "leaver", "c": "x"})
        store = on_disk.kg.store
        assert isinstance(store, OxigraphStore)
        go_on = hold_rewrites(store, monkeypatch)

        def forget() -> dict[str, Any]:
            return asyncio.run(on_disk.run(query, {"s": "leaver"}, context_type=NoWait))["forgetStudent"]  # type: ignore[no-any-return]

        assert forget() == {"alreadyForgotten": False, "purged": False}
        for _ in range(3):
            assert forget() == {"alreadyForgotten": True, "purged": False}
        go_on.set()
        assert store.wait_for_rewrite(30)
        assert forget() == {"alreadyForgotten": True, "purged": True}
        assert store.rewrites == 1, "one rewrite for the erasure, whatever the retries"

    def test_not_found_names_the_id_sent_and_its_key(self, on_disk: Api) -> None:
        # An admin who sent "nobody-xyz" was told only "student 'stu-767deb...' does not exist".
        key = on_disk.pseudonyms.key("nobody-xyz")
        one = on_disk("""mutation { forgetStudent(id: "nobody-xyz") { ... on StudentDataError { code message } } }""")
        many = on_disk("""mutation { forgetStudents(ids: ["nobody-xyz"]) { ... on StudentDataError { message } } }""")
        expected = f"student 'nobody-xyz' (key {key}) does not exist"
        assert one["forgetStudent"] == {"code": "NOT_FOUND", "message": expected}
        assert many["forgetStudents"] == [{"message": expected}]
        by_key = on_disk(f"""mutation {{ forgetStudent(id: "{key}") {{ ... on StudentDataError {{ message }} }} }}""")
        assert by_key["forgetStudent"] == {"message": f"student {key!r} does not exist"}

    def test_purged_is_null_where_the_store_has_no_files_of_ours(self, api: Api) -> None:
        api(RECORD, {"s": "leaver", "c": "x"})
        answered = api("""mutation { forgetStudent(id: "leaver") { ... on ForgottenStudent { purged } } }""")
        assert answered["forgetStudent"] == {"purged": None}

    def test_a_rewrite_that_failed_is_retried_by_sending_the_forget_again(self, on_disk: Api, tmp_path: Path) -> None:
        """A failed rewrite is answered purged: false, and the same forget sent again retries it (docs/privacy.md)."""
        from graph.erasures import ERASURE_LOG, ErasureLog

        on_disk.erasures = ErasureLog(tmp_path / ERASURE_LOG, on_disk.pseudonyms)
        on_disk(RECORD, {"s": "leaver-a", "c": "x1"})
        store = on_disk.kg.store
        assert isinstance(store, OxigraphStore)
        rewrite_once = store._rewrites._work

        def full_disk() -> None:
            raise OSError("IO error: No space left on device")

        store._rewrites._work = full_disk
        asked = """mutation { forgetStudent(id: "leaver-a") { __typename
          ... on ForgottenStudent { alreadyForgotten purged } ... on StudentDataError { code message } } }"""
        # It was a bare GraphQL error ("Unexpected error." in production) although the student was deleted.
        failed = on_disk(asked)["forgetStudent"]
        assert failed == {"__typename": "ForgottenStudent", "alreadyForgotten": False, "purged": False}
        assert store.rewrite_pending, "the request stays on disk"
        store._rewrites._work = rewrite_once  # space was freed
        retried = on_disk(asked)["forgetStudent"]
        assert retried == {"__typename": "ForgottenStudent", "alreadyForgotten": True, "purged": True}
        assert not store.rewrite_pending

    def test_a_retried_erasure_is_answered_with_the_first_ones_time(self, on_disk: Api, tmp_path: Path) -> None:
        """A client whose answer was lost (a proxy's timeout during the rewrite) retries and learns it was done."""
        from graph.erasures import ERASURE_LOG, ErasureLog

        on_disk.erasures = ErasureLog(tmp_path / ERASURE_LOG, on_disk.pseudonyms)
        on_disk(RECORD, {"s": "leaver-a", "c": "x1"})
        asked = """mutation($ids: [ID!]!) { forgetStudents(ids: $ids) { __typename
          ... on ForgottenStudent { studentId attempts forgottenAt alreadyForgotten }
          ... on StudentDataError { code } } }"""
        first, twice, nobody = on_disk(asked, {"ids": ["leaver-a", "leaver-a", "nobody"]})["forgetStudents"]
        assert first["attempts"] == 2
        assert first["alreadyForgotten"] is False
        assert first["forgottenAt"]
        assert twice == {**first, "attempts": 0, "alreadyForgotten": True}, "named twice: the first did it"
        assert nobody == {"__typename": "StudentDataError", "code": "NOT_FOUND"}
        store = on_disk.kg.store
        assert isinstance(store, OxigraphStore)
        assert store.rewrites == 1
        assert not store.rewrite_pending
        (retried,) = on_disk(asked, {"ids": ["leaver-a"]})["forgetStudents"]
        assert retried == twice
        assert store.rewrites == 1, "the bytes left with the first call's rewrite: nothing to wait for"
        store._request_rewrite()  # as if the first call's rewrite were still running, or a crash cut it short
        (retried,) = on_disk(asked, {"ids": ["leaver-a"]})["forgetStudents"]
        assert retried == twice
        assert store.rewrites == 2, "a retry returns once the bytes are gone"
        assert not store.rewrite_pending
        single = on_disk('mutation { forgetStudent(id: "leaver-a") { ... on ForgottenStudent { alreadyForgotten } } }')
        assert single["forgetStudent"] == {"alreadyForgotten": True}

    def test_attempts_made_before_an_erasure_are_not_recorded_again(self, on_disk: Api, tmp_path: Path) -> None:
        # A client replaying its outbox after an erasure brought the forgotten student back.
        from graph.erasures import ERASURE_LOG, ErasureLog

        on_disk.erasures = ErasureLog(tmp_path / ERASURE_LOG, on_disk.pseudonyms)
        sent = """mutation($a: [AttemptInput!]!) { recordAttempts(attempts: $a) {
          ... on RecordedAttempts { accepted erased } ... on AttemptsError { code field } } }"""
        old = {"studentId": "leaver-a", "conceptIds": ["slope"], "correct": True, "timestamp": "2026-01-01T00:00:00Z"}
        assert on_disk(sent, {"a": [old]})["recordAttempts"] == {"accepted": 1, "erased": 0}
        on_disk(FORGET_MANY, {"ids": ["leaver-a"]})
        other = {**old, "studentId": "stayer"}
        again = on_disk(sent, {"a": [old, other]})["recordAttempts"]
        assert again == {"accepted": 1, "erased": 1}
        assert api_students(on_disk) == [on_disk.pseudonyms.key("stayer")]
        fresh = {k: v for k, v in old.items() if k != "timestamp"}  # now: after the erasure, a student come back
        assert on_disk(sent, {"a": [fresh]})["recordAttempts"] == {"accepted": 1, "erased": 0}
        clash = [old, {**other, "clientId": "c"}, {**other, "clientId": "c", "correct": False}]
        refused = on_disk(sent, {"a": clash})["recordAttempts"]
        assert refused == {"code": "DUPLICATE", "field": "attempts.2.clientId"}, "numbered as sent"

    def test_attempts_sent_beside_a_forget_do_not_outlive_it(self, on_disk: Api, tmp_path: Path) -> None:
        # The erasure check ran before the model's lock: a forget landing between the check and the
        # write left attempts made before the erasure stored after it, answered `erased: 0` (an audit).
        from graph.erasures import ERASURE_LOG, ErasureLog
        from resolvers.forgetting import forget_each

        on_disk.erasures = ErasureLog(tmp_path / ERASURE_LOG, on_disk.pseudonyms)
        sent = """mutation($a: [AttemptInput!]!) { recordAttempts(attempts: $a) {
          ... on RecordedAttempts { accepted erased } } }"""
        made = {"studentId": "leaver-r", "conceptIds": ["slope"], "correct": True, "timestamp": "2026-01-01T00:00:00Z"}
        on_disk(sent, {"a": [made]})
        answers: list[dict[str, Any]] = []
        held, go_on = threading.Event(), threading.Event()

        def forgetting() -> None:  # a forget, holding the model's lock from its delete until it is logged
            with on_disk.mastery.lock:
                held.set()
                go_on.wait(30)
                forget_each(
                    on_disk.kg, on_disk.mastery, [on_disk.pseudonyms.key("leaver-r")], erasures=on_disk.erasures
                )

        forgetter = threading.Thread(target=forgetting)
        forgetter.start()
        held.wait(30)
        late = threading.Thread(target=lambda: answers.append(on_disk(sent, {"a": [{**made, "clientId": "r2"}]})))
        late.start()
        late.join(1.0)  # the recording waits for the lock (before, it had checked the log already)
        go_on.set()
        forgetter.join(30)
        late.join(30)
        assert answers == [{"recordAttempts": {"accepted": 0, "erased": 1}}]
        assert on_disk.pseudonyms.key("leaver-r") not in api_students(on_disk)

    def test_an_attempt_dated_ahead_of_the_clock_does_not_bring_a_forgotten_student_back(
        self, on_disk: Api, tmp_path: Path
    ) -> None:
        # Dated five hours ahead (a device clock; a day ahead is accepted), re-sent after the
        # erasure: its date was after the erasure, and the student came back (an audit).
        from datetime import UTC, datetime, timedelta

        from graph.erasures import ERASURE_LOG, ErasureLog

        on_disk.erasures = ErasureLog(tmp_path / ERASURE_LOG, on_disk.pseudonyms)
        sent = """mutation($a: [AttemptInput!]!) { recordAttempts(attempts: $a) {
          ... on RecordedAttempts { accepted erased } } }"""
        ahead = (datetime.now(UTC) + timedelta(hours=5)).isoformat()
        attempt = {
            "studentId": "leaver-c",
            "conceptIds": ["slope"],
            "correct": True,
            "clientId": "p1",
            "timestamp": ahead,
        }
        assert on_disk(sent, {"a": [attempt]})["recordAttempts"] == {"accepted": 1, "erased": 0}
        on_disk(FORGET_MANY, {"ids": ["leaver-c"]})
        assert on_disk(sent, {"a": [attempt]})["recordAttempts"] == {"accepted": 0, "erased": 1}
        assert on_disk.pseudonyms.key("leaver-c") not in api_students(on_disk)

    def test_a_crash_after_a_delete_commits_leaves_the_rewrite_to_the_next_start(
        self, on_disk: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # kill -9 during forgetStudents: 123 deletes had committed, no rewrite was pending, and the
        # erased keys stayed in the store's files after the restart.
        import resolvers.forgetting
        from graph.store import open_store

        for n, learner in enumerate(("leaver-a", "leaver-b")):
            on_disk(RECORD, {"s": learner, "c": f"x{n}"})
        real, calls = resolvers.forgetting.forget_student, []

        def dies_at_the_second(kg: object, student: str) -> object:
            calls.append(student)
            if len(calls) == 2:
                raise KeyboardInterrupt  # the process goes, the first delete committed
            return real(kg, student)  # type: ignore[arg-type]

        monkeypatch.setattr(resolvers.forgetting, "forget_student", dies_at_the_second)
        with pytest.raises(KeyboardInterrupt):
            resolvers.forgetting.forget_each(
                on_disk.kg, on_disk.mastery, [on_disk.pseudonyms.key(s) for s in ("leaver-a", "leaver-b")]
            )
        store = on_disk.kg.store
        assert isinstance(store, OxigraphStore)
        assert store.rewrite_pending
        assert store.rewrites == 0
        store.close()
        reopened = open_store(f"oxigraph:{tmp_path / 'store'}")  # the next start finishes it
        try:
            assert not reopened.rewrite_pending  # type: ignore[attr-defined]
            files = [f.read_bytes() for f in (tmp_path / "store").rglob("*") if f.is_file()]
            assert not any(on_disk.pseudonyms.key("leaver-a").encode() in data for data in files)
        finally:
            reopened.close()

    def test_nothing_to_forget_rewrites_nothing(self, on_disk: Api) -> None:
        answers = on_disk(FORGET_MANY, {"ids": ["nobody", "no-one"]})["forgetStudents"]
        assert [a["code"] for a in answers] == ["NOT_FOUND", "NOT_FOUND"]
        assert on_disk.kg.store.rewrites == 0  # type: ignore[attr-defined]
        assert not on_disk.kg.store.rewrite_pending  # type: ignore[attr-defined]  # the promise taken back

    def test_a_batch_over_the_cap_is_refused_whole(self, on_disk: Api) -> None:
        on_disk(RECORD, {"s": "leaver-a", "c": "x1"})
        too_many = ["leaver-a"] + [f"n{i}" for i in range(1000)]
        result = asyncio.run(
            on_disk.schema.execute(
                FORGET_MANY,
                variable_values={"ids": too_many},
                context_value=Context(
                    kg=on_disk.kg,
                    loaders=build_loaders(on_disk.kg, on_disk.mastery),
                    mastery=on_disk.mastery,
                    pseudonyms=on_disk.pseudonyms,
                    principal=Principal(Role.ADMIN, "ops"),
                ),
            )
        )
        assert result.errors is not None
        assert "at most 1000 students" in result.errors[0].message
        assert api_students(on_disk) == [on_disk.pseudonyms.key("leaver-a")], "nothing of a refused batch is applied"

    def test_a_nightly_roster_does_not_bring_a_forgotten_student_back(self, on_disk: Api, tmp_path: Path) -> None:
        # The LMS still lists a learner whose erasure was asked for: every replay of its roster enrolled
        # them again, a new record in the forgotten student's name.
        from graph.erasures import ERASURE_LOG, ErasureLog

        on_disk.erasures = ErasureLog(tmp_path / ERASURE_LOG, on_disk.pseudonyms)
        roster = """mutation($t: String!) { importRoster(csv: $t, replace: true) {
          ... on RosterImport { enrolled alreadyEnrolled removed erasedLines } } }"""
        text = "cohort,student\n7b,leaver-a\n7b,stayer\n"
        assert on_disk(roster, {"t": text})["importRoster"]["enrolled"] == 2
        on_disk(FORGET_MANY, {"ids": ["leaver-a"]})
        again = on_disk(roster, {"t": text})["importRoster"]
        assert again == {"enrolled": 0, "alreadyEnrolled": 1, "removed": 0, "erasedLines": [2]}
        assert api_students(on_disk) == [on_disk.pseudonyms.key("stayer")]
        enrol = 'mutation { enrolStudents(cohortId: "7b", studentIds: ["leaver-a"]) { __typename } }'
        on_disk(enrol)  # an admin re-admits a learner who comes back
        back = on_disk(roster, {"t": text})["importRoster"]
        assert back == {"enrolled": 0, "alreadyEnrolled": 2, "removed": 0, "erasedLines": []}
        other = on_disk(roster, {"t": "cohort,student\n8a,leaver-a\n"})["importRoster"]
        assert other["enrolled"] == 1, "re-admitted in one class, back in every class the LMS lists"
        on_disk(FORGET_MANY, {"ids": ["stayer"]})
        alone = on_disk(roster, {"t": "cohort,student\n9c,stayer\n"})["importRoster"]
        assert alone["erasedLines"] == [2]
        assert on_disk("{ cohorts { id } }")["cohorts"] == [{"id": "7b"}, {"id": "8a"}], "no class of forgotten ones"


def hold_rewrites(store: OxigraphStore, monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Make the store's rewrites wait in their copy (a rewrite of millions of triples) until the event is set."""
    copy, go_on = store._copy_checkpoint, threading.Event()

    def held_copy(work: Path):  # type: ignore[no-untyped-def]
        assert go_on.wait(timeout=30)
        return copy(work)

    monkeypatch.setattr(store, "_copy_checkpoint", held_copy)
    return go_on


def api_students(api: Api) -> list[str]:
    return [e["node"]["id"] for e in api(LIST)["students"]["edges"]]


# --- a real server -----------------------------------------------------------------------------------
def ok(live: Live, query: str, variables: dict[str, Any] | None = None, token: str | None = None) -> dict[str, Any]:
    reply = graphql(live.base, query, variables, token)
    assert reply.status == 200, reply.body[:500]
    body = reply.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def scan(root: Path, needles: tuple[str, ...], skip: Path) -> list[str]:
    """Files under ``root`` (outside ``skip``) whose bytes hold a needle."""
    hits = []
    for path in root.rglob("*"):
        if path.is_file() and skip not in path.parents:
            data = path.read_bytes()
            hits += [f"{path}: {n}" for n in needles if n.encode() in data]
    return hits


def test_forget_on_a_real_server(tmp_path: Path, demo_data_dir: Path) -> None:
    data_dir = demo_data_dir
    with serving(data_dir) as live:
        secret, _ = dev_secret(data_dir)
        me = mint(role=Role.STUDENT, sub=EXTERNAL, secret=secret)
        ok(live, ENROL, {"s": EXTERNAL})
        recorded = ok(live, RECORD, {"s": EXTERNAL, "c": "x1"}, me)["recordAttempts"]
        assert recorded["accepted"] == 2, recorded
        key = ok(live, STUDENT, {"s": EXTERNAL}, me)["student"]["id"]
        assert key.startswith("stu-")
        assert key != EXTERNAL
        assert ok(live, PATH, {"s": EXTERNAL}, me)["learningPath"]["__typename"] == "LearningPath"
        assert ok(live, NEXT, {"s": key}, me)["nextMaterials"]["__typename"] == "Recommendations"
        assert ok(live, ASK, {"s": EXTERNAL}, me)["ask"]["__typename"] in {"Answer", "AskError"}
        assert ok(live, REPORT)["cohortMastery"]["__typename"] == "CohortMastery"
        exported = ok(live, EXPORT, {"s": EXTERNAL}, me)["exportStudent"]
        assert len(exported["data"]["attempts"]) == 2

        forgotten = ok(live, FORGET, {"s": EXTERNAL})["forgetStudent"]
        assert forgotten["__typename"] == "ForgottenStudent"
        assert (forgotten["attempts"], forgotten["memberships"]) == (2, 1)
        assert ok(live, STUDENT, {"s": EXTERNAL})["student"] is None
        assert ok(live, STUDENT, {"s": EXTERNAL}, me)["student"] == {"id": key, "mastery": []}  # asking for themself
        assert key not in str(ok(live, LIST))
        assert ok(live, REPORT)["cohortMastery"]["concepts"][0]["students"] == 0
        log = live.log

    needles = (key, EXTERNAL, key.removeprefix("stu-"))
    assert not [n for n in needles if n in log.read_text(errors="replace")]
    store = OxigraphStore(data_dir / "store")
    try:
        stored = dump(store)
    finally:
        store.close()
    assert stored.count("\n") > 1000  # the demo is there
    assert not [n for n in needles if n in stored]
    # Every file of the data folder: the store's own files (rewritten after the forget,
    # since RocksDB keeps deleted strings), the QA index, anything else kept beside it.
    assert (data_dir / DEV_SECRET_FILE).exists()
    assert not scan(data_dir, needles, skip=tmp_path / "elsewhere")


def test_production_without_a_pseudonym_secret_does_not_start(tmp_path: Path) -> None:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PATHWISE_PSEUDONYM")}
    result = subprocess.run(
        [sys.executable, "-m", "cli", "serve", "--port", "1"],
        cwd=ROOT,
        env={
            **environ,
            "PATHWISE_ENV": "production",
            "PATHWISE_DATA_DIR": str(tmp_path),
            "PATHWISE_JWT_SECRET": "j" * 40,
            "PATHWISE_LOAD_DEMO": "false",
            "PATHWISE_MASTERY": "false",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "PATHWISE_PSEUDONYM_SECRET" in result.stdout + result.stderr
    assert not (tmp_path / DEV_SECRET_FILE).exists()
