"""recordAttempts, students, student { mastery, evidence }, and switching model versions."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from demo.load import MODEL_DIR
from graph.bundle import CurriculumBundle
from graph.mastery import read_estimates
from graph.model import Attempt, Concept
from graph.pseudonyms import Pseudonymizer
from graph.repository import KnowledgeGraph
from graph.student_data import cached_student_data
from ingest.attempts.xapi import actor_identifier
from ml.mastery.predict import OnlineMastery
from ml.mastery.serving import MasteryService
from resolvers.settled_view import settled
from resolvers.students import SETTLED_WITHIN, record
from schema import build_schema
from schema.context import Context
from tests.integration.conftest import Api, answers_in_a_row, demo_api

RECORD = """mutation($a: [AttemptInput!]!) { recordAttempts(attempts: $a) {
  __typename ... on RecordedAttempts { accepted duplicates mastery { concept { id } probability modelVersion } }
  ... on AttemptsError { code message field subjectId } } }"""

MASTERY = """query($id: ID!, $c: [ID!]) { student(id: $id) {
  mastery(conceptIds: $c) { concept { id } probability modelVersion updatedAt } } }"""


def test_without_a_served_model_attempts_are_unavailable_not_invalid(tmp_path: Path) -> None:
    # A damaged model left none served: attempts were refused INVALID ("fix the request"), so a
    # client following the codes dropped its queue, and a mastery read's error had no code (an audit).
    from demo.load import CURRICULUM_DIR
    from graph.store import open_store
    from ingest.csv_layout import read_curriculum_csv
    from ml.mastery.versions import ModelVersions

    kg = KnowledgeGraph(open_store("memory"))
    kg.import_bundle(read_curriculum_csv(CURRICULUM_DIR))
    api = Api(kg, MasteryService(ModelVersions(tmp_path / "models")))  # nothing installed
    attempt = {"studentId": "kid", "materialId": "m_slope_practice", "correct": True}
    refused = api(RECORD, {"a": [attempt]})["recordAttempts"]
    assert (refused["__typename"], refused["code"]) == ("AttemptsError", "UNAVAILABLE")
    from graph.attempts import record_attempts

    record_attempts(kg, [Attempt("a1", "kid", datetime(2026, 1, 1, tzinfo=UTC), 1.0, concepts=("slope",))])
    errors = api.raw(MASTERY, {"id": "kid", "c": ["slope"]})["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["UNAVAILABLE"]
    # Production masked it as a bug: "Unexpected error." without a code, and a logged traceback (an audit).
    api.schema = build_schema(development=False)
    [error] = api.raw(MASTERY, {"id": "kid", "c": ["slope"]})["errors"]
    assert error["extensions"]["code"] == "UNAVAILABLE"
    assert error["message"] != "Unexpected error."


class TestRecordAttempts:
    def test_updates_mastery_at_once_and_stores_it(self, api: Api) -> None:
        attempts = [
            {"studentId": "kid", "materialId": "m_slope_practice", "correct": True, "clientId": "1"},
            {"studentId": "kid", "conceptIds": ["slope"], "score": 1.0, "clientId": "2"},
        ]
        result = api(RECORD, {"a": attempts})["recordAttempts"]
        assert (result["accepted"], result["duplicates"]) == (2, 0)
        assert [m["concept"]["id"] for m in result["mastery"]] == ["slope"]
        assert result["mastery"][0]["modelVersion"] == "demo"
        stored = api(MASTERY, {"id": "kid"})["student"]["mastery"]
        assert [m["concept"]["id"] for m in stored] == ["slope"]
        assert stored[0]["probability"] == pytest.approx(result["mastery"][0]["probability"], abs=1e-5)

    def test_an_empty_concept_list_takes_the_materials_concepts(self, api: Api) -> None:
        # conceptIds: [] beside a material stored an attempt about nothing, which still moved evidence.
        attempt = {"studentId": "kid", "materialId": "m_slope_practice", "conceptIds": [], "correct": True}
        result = api(RECORD, {"a": [attempt]})["recordAttempts"]
        assert [m["concept"]["id"] for m in result["mastery"]] == ["slope"]
        alone = api(RECORD, {"a": [{"studentId": "kid", "conceptIds": [], "correct": True}]})["recordAttempts"]
        assert (alone["code"], alone["field"]) == ("INVALID", "attempts.0")

    def test_concepts_a_material_does_not_teach_or_assess_are_refused(self, api: Api) -> None:
        # A slope exercise recorded with conceptIds: ["quadratic_formula"] was accepted and raised that estimate.
        query = """mutation($a: [AttemptInput!]!) { recordAttempts(attempts: $a) {
          ... on AttemptsError { code field problems { code field subjectId message } } } }"""
        slope = {"studentId": "kid", "materialId": "m_slope_practice", "correct": True}
        batch = [
            {**slope, "conceptIds": ["quadratic_formula"]},
            {**slope, "conceptIds": ["slope"]},
            {**slope, "conceptIds": ["slope", "exponents", "slpoe_intercept_form"]},
            {**slope, "score": 3.0},
        ]
        result = api(query, {"a": batch})["recordAttempts"]
        assert (result["code"], result["field"]) == ("INVALID", "attempts.0.conceptIds")
        assert [(p["code"], p["field"], p["subjectId"]) for p in result["problems"]] == [
            ("INVALID", "attempts.0.conceptIds", None),
            ("NOT_FOUND", "attempts.2.conceptIds", "slpoe_intercept_form"),
            ("INVALID", "attempts.2.conceptIds", None),
            ("INVALID", "attempts.3", None),
        ]
        message = result["problems"][0]["message"]
        assert "material 'm_slope_practice' teaches or assesses 'slope', not 'quadratic_formula'" in message
        assert "'exponents'" in result["problems"][2]["message"]
        assert "'slpoe_intercept_form'" not in result["problems"][2]["message"]  # named once, as NOT_FOUND
        # with the closest id, as a learning path's targets have it (it had no did-you-mean)
        assert result["problems"][1]["message"] == (
            "concept 'slpoe_intercept_form' does not exist (did you mean 'slope_intercept_form'?)"
        )
        assert api("{ students { totalCount } }")["students"]["totalCount"] == 0
        own = api(RECORD, {"a": [{**slope, "conceptIds": ["slope"]}]})["recordAttempts"]
        assert [m["concept"]["id"] for m in own["mastery"]] == ["slope"]

    def test_mastery_names_at_most_1000_concepts_and_repeats_cost_nothing_more(self, api: Api) -> None:
        api(RECORD, {"a": [{"studentId": "kid", "conceptIds": ["slope"], "correct": True}]})
        # 42,600 repeated ids held a server for good: each was looked up and estimated on the event loop.
        [error] = api.raw(MASTERY, {"id": "kid", "c": ["slope"] * 1001})["errors"]
        assert error["extensions"] == {"code": "INVALID", "field": "conceptIds"}
        assert error["message"] == "at most 1,000 concept ids at once, got 1,001: ask for the rest in another query"
        repeated = api(MASTERY, {"id": "kid", "c": ["slope", "exponents"] * 500})["student"]["mastery"]
        assert [m["concept"]["id"] for m in repeated] == ["slope", "exponents"] * 500  # in the order asked
        assert len({m["probability"] for m in repeated[::2]}) == 1

    def test_client_ids_make_it_idempotent(self, api: Api) -> None:
        # A client retrying after a lost answer gets what the first call answered, not an empty list.
        attempt = {"studentId": "kid", "conceptIds": ["slope"], "correct": False, "clientId": "same"}
        first = api(RECORD, {"a": [attempt]})["recordAttempts"]
        again = api(RECORD, {"a": [attempt]})["recordAttempts"]
        assert (again["accepted"], again["duplicates"]) == (0, 1)
        assert again["mastery"] == first["mastery"]

    def test_a_blank_client_id_is_refused_with_every_other_problem(self, api: Api) -> None:
        # "" was read as no id: a client retrying with it recorded the answer twice.
        query = """mutation($a: [AttemptInput!]!) { recordAttempts(attempts: $a) {
          ... on AttemptsError { code field problems { code field message } } } }"""
        good = {"studentId": "kid", "conceptIds": ["slope"], "correct": True}
        batch = [
            {**good, "clientId": ""},
            {**good, "clientId": "ok"},
            {**good, "clientId": "   "},
            {**good, "score": 2},
        ]
        result = api(query, {"a": batch})["recordAttempts"]
        assert (result["code"], result["field"]) == ("INVALID", "attempts.0.clientId")
        assert [(p["code"], p["field"]) for p in result["problems"]] == [
            ("INVALID", "attempts.0.clientId"),
            ("INVALID", "attempts.2.clientId"),
            ("INVALID", "attempts.3"),
        ]
        assert "a blank clientId gives no retry safety" in result["problems"][0]["message"]
        assert api("{ students { totalCount } }")["students"]["totalCount"] == 0

    def test_an_id_with_a_control_character_or_of_100k_characters_is_refused(self, api: Api) -> None:
        # "a\u0000b" and 100,000 characters were taken as a student id and as a clientId (an audit)
        query = """mutation($a: [AttemptInput!]!) { recordAttempts(attempts: $a) {
          ... on AttemptsError { code field problems { code field message } } } }"""
        good = {"studentId": "kid", "conceptIds": ["slope"], "correct": True}
        batch = [{**good, "studentId": "a\u0000b"}, {**good, "clientId": "x" * 100_000}, {**good, "clientId": "ok"}]
        result = api(query, {"a": batch})["recordAttempts"]
        assert [(p["code"], p["field"], p["message"]) for p in result["problems"]] == [
            ("INVALID", "attempts.0.studentId", "a student id holds a control character (U+0000 at position 2)"),
            ("INVALID", "attempts.1.clientId", "attempt 1: clientId of 100000 characters is longer than 512"),
        ]
        assert api("{ students { totalCount } }")["students"]["totalCount"] == 0

    def test_a_student_key_copied_wrong_is_refused_not_made_a_new_student(self, tmp_path: Path) -> None:
        # "stu-" and 31 hex digits was hashed as an external id: the answer went to a phantom student
        api = demo_api(tmp_path, Pseudonymizer(b"a secret of at least thirty-two bytes!"))
        good = {"studentId": "kid", "conceptIds": ["slope"], "correct": True}
        assert api(RECORD, {"a": [good]})["recordAttempts"]["accepted"] == 1
        key = api("{ students { edges { node { id } } } }")["students"]["edges"][0]["node"]["id"]
        query = """mutation($a: [AttemptInput!]!) { recordAttempts(attempts: $a) {
          ... on AttemptsError { code field problems { code field message } } } }"""
        result = api(query, {"a": [{**good, "studentId": key[:-1]}, {**good, "studentId": key.upper()}]})
        problems = result["recordAttempts"]["problems"]
        assert [(p["code"], p["field"]) for p in problems] == [
            ("INVALID", "attempts.0.studentId"),
            ("INVALID", "attempts.1.studentId"),
        ]
        assert "looks like a student key copied wrong" in problems[0]["message"]
        assert api("{ students { totalCount } }")["students"]["totalCount"] == 1
        assert api(RECORD, {"a": [{**good, "studentId": key, "clientId": "k1"}]})["recordAttempts"]["accepted"] == 1

    def test_a_client_id_reused_for_another_answer_is_refused(self, api: Api) -> None:
        # Counted as a duplicate, the second answer was dropped without a word.
        attempt = {"studentId": "kid", "conceptIds": ["slope"], "correct": False, "clientId": "q7"}
        api(RECORD, {"a": [attempt]})
        other = {**attempt, "correct": True}
        refused = api(RECORD, {"a": [{**attempt, "clientId": "q8"}, other]})["recordAttempts"]
        assert (refused["code"], refused["field"]) == ("DUPLICATE", "attempts.1.clientId")
        assert "'q7'" in refused["message"]
        in_batch = api(RECORD, {"a": [{**attempt, "clientId": "q9"}, {**other, "clientId": "q9"}]})["recordAttempts"]
        assert (in_batch["code"], in_batch["field"]) == ("DUPLICATE", "attempts.1.clientId")
        assert "sent twice in this batch" in in_batch["message"]  # it said "recorded earlier": nothing was
        dated = {**attempt, "timestamp": "2026-01-01T00:00:00Z"}
        assert api(RECORD, {"a": [{**dated, "clientId": "t"}]})["recordAttempts"]["accepted"] == 1
        later = api(RECORD, {"a": [{**dated, "clientId": "t", "timestamp": "2026-01-02T00:00:00Z"}]})
        assert later["recordAttempts"]["code"] == "DUPLICATE"
        # nothing of a refused batch was written: q8 is still free
        assert api(RECORD, {"a": [{**attempt, "clientId": "q8"}]})["recordAttempts"]["accepted"] == 1
        # A UUID clientId is a statement id, one for every learner: another learner's answer under it was
        # counted a duplicate and dropped, where two calls were refused (an audit).
        statement = "8f2c1a5e-0000-4000-8000-000000000003"
        two = [{**attempt, "clientId": statement}, {**attempt, "studentId": "other-kid", "clientId": statement}]
        shared = api(RECORD, {"a": two})["recordAttempts"]
        assert (shared["code"], shared["field"]) == ("DUPLICATE", "attempts.1.clientId")
        elsewhere = [
            {**attempt, "clientId": "q10"},
            {**attempt, "clientId": "q10", "conceptIds": ["quadratic_formula"]},
        ]
        assert api(RECORD, {"a": elsewhere})["recordAttempts"]["code"] == "DUPLICATE"
        same = api(RECORD, {"a": [two[0], two[0]]})["recordAttempts"]
        assert (same["accepted"], same["duplicates"]) == (1, 1), "the same answer twice is a retry"

    def test_a_duplicate_client_id_is_named_as_the_id_taken(self, api: Api) -> None:
        # subjectId was null: a client could not tell which of its queue's ids to renumber without parsing messages.
        query = """mutation($a: [AttemptInput!]!) { recordAttempts(attempts: $a) {
          ... on AttemptsError { code field subjectId problems { code field subjectId } } } }"""
        attempt = {"studentId": "kid", "conceptIds": ["slope"], "correct": False, "clientId": "q7"}
        api(RECORD, {"a": [attempt]})
        stored = api(query, {"a": [{**attempt, "correct": True}]})["recordAttempts"]
        assert (stored["code"], stored["field"], stored["subjectId"]) == ("DUPLICATE", "attempts.0.clientId", "q7")
        batch = [
            {**attempt, "clientId": "q9"},
            {**attempt, "clientId": "q9", "correct": True},
            {**attempt, "correct": True},
        ]
        both = api(query, {"a": batch})["recordAttempts"]
        assert [(p["code"], p["field"], p["subjectId"]) for p in both["problems"]] == [
            ("DUPLICATE", "attempts.1.clientId", "q9"),
            ("DUPLICATE", "attempts.2.clientId", "q7"),
        ]
        assert both["subjectId"] == "q9"

    def test_success_raises_and_failure_lowers_the_estimate(self, api: Api) -> None:
        def after(correct: bool, student: str) -> float:
            attempts = [{"studentId": student, "conceptIds": ["slope"], "correct": correct}] * 3
            return float(api(RECORD, {"a": attempts})["recordAttempts"]["mastery"][0]["probability"])

        assert after(True, "good") > after(False, "bad")

    def test_bad_attempts_are_refused_whole(self, api: Api) -> None:
        attempts = [
            {"studentId": "kid", "conceptIds": ["slope"], "correct": True},
            {"studentId": "kid", "conceptIds": ["no_such_concept"], "correct": True},
        ]
        result = api(RECORD, {"a": attempts})["recordAttempts"]
        assert (result["code"], result["subjectId"]) == ("NOT_FOUND", "no_such_concept")
        assert result["field"] == "attempts.1.conceptIds"  # it was null: which attempt of the batch?
        ghost = api(RECORD, {"a": [attempts[0], {"studentId": "kid", "materialId": "m_ghost", "correct": True}]})
        assert (ghost["recordAttempts"]["subjectId"], ghost["recordAttempts"]["field"]) == (
            "m_ghost",
            "attempts.1.materialId",
        )
        both = api(RECORD, {"a": [{"studentId": "kid", "conceptIds": ["slope"], "correct": True, "score": 1.0}]})
        assert both["recordAttempts"]["code"] == "INVALID"
        assert api("{ students { totalCount } }")["students"]["totalCount"] == 0

    def test_a_batch_over_the_limit_is_refused_whole(self, api: Api) -> None:
        # 8,000 attempts in one call held the server for 7 s; a log goes through the CLI.
        one = {"studentId": "kid", "conceptIds": ["slope"], "correct": True}
        result = api(RECORD, {"a": [one] * 501})["recordAttempts"]
        assert (result["code"], result["field"]) == ("INVALID", "attempts")
        assert result["message"].startswith("at most 500 attempts can be recorded in one call, got 501")
        assert api("{ students { totalCount } }")["students"]["totalCount"] == 0
        assert api(RECORD, {"a": [one] * 500})["recordAttempts"]["accepted"] == 500

    def test_an_attempt_dated_far_ahead_is_refused(self, api: Api) -> None:
        # A year-2099 attempt stretched every cohort trend to 2099 and kept its material from review.
        attempts = [
            {"studentId": "kid", "conceptIds": ["slope"], "correct": True},
            {"studentId": "kid", "conceptIds": ["slope"], "correct": True, "timestamp": "2099-01-01T00:00:00Z"},
        ]
        result = api(RECORD, {"a": attempts})["recordAttempts"]
        assert (result["code"], result["field"]) == ("INVALID", "attempts.1.timestamp")
        assert "is more than a day in the future" in result["message"]
        assert api("{ students { totalCount } }")["students"]["totalCount"] == 0

    @pytest.mark.parametrize(
        ("timestamp", "says"),
        [
            ("0001-01-01T00:30:00+01:00", "outside the years 1-9999"),  # a C# DateTime.MinValue in local time
            ("9999-12-31T23:00:00-05:00", "outside the years 1-9999"),
            ("1970-01-01T00:00:05Z", "before 2000"),  # a phone whose clock was reset
        ],
    )
    def test_a_time_no_client_could_mean_is_refused_with_its_attempt(self, api: Api, timestamp: str, says: str) -> None:
        # An offset that moved a time outside datetime's years was an untyped "date value out of range".
        attempts = [
            {"studentId": "kid", "conceptIds": ["slope"], "correct": True},
            {"studentId": "kid", "conceptIds": ["slope"], "correct": True, "timestamp": timestamp},
        ]
        result = api(RECORD, {"a": attempts})["recordAttempts"]
        assert (result["code"], result["field"]) == ("INVALID", "attempts.1.timestamp")
        assert says in result["message"]
        assert api("{ students { totalCount } }")["students"]["totalCount"] == 0

    def test_every_bad_attempt_of_a_batch_is_named_at_once(self, api: Api) -> None:
        # Only the first was named: a phone with a queue of 500 fixed one item per round trip.
        query = """mutation($a: [AttemptInput!]!) { recordAttempts(attempts: $a) {
          ... on AttemptsError { code field message problems { code field subjectId } } } }"""
        good = {"studentId": "kid", "conceptIds": ["slope"], "correct": True}
        batch = [
            good,
            {**good, "materialId": "m_gone"},
            {**good, "correct": None, "score": 2.0},
            good,
            {**good, "conceptIds": ["nowhere"]},
            {**good, "timestamp": "1970-01-01T00:00:00Z"},
            {**good, "studentId": "  "},  # an empty id was named alone, hiding the others
        ]
        result = api(query, {"a": batch})["recordAttempts"]
        assert (result["code"], result["field"]) == ("NOT_FOUND", "attempts.1.materialId")
        # "(and 4 more problem(s): see problems)", where a path's or a new concept's refusal says "(and 1 more: ...)"
        assert result["message"] == "material 'm_gone' does not exist (and 4 more: see problems)"
        assert [(p["code"], p["field"], p["subjectId"]) for p in result["problems"]] == [
            ("NOT_FOUND", "attempts.1.materialId", "m_gone"),
            ("INVALID", "attempts.2.score", None),
            ("NOT_FOUND", "attempts.4.conceptIds", "nowhere"),
            ("INVALID", "attempts.5.timestamp", None),
            ("INVALID", "attempts.6.studentId", None),
        ]
        assert api("{ students { totalCount } }")["students"]["totalCount"] == 0

    def test_an_unknown_material_is_named_with_the_closest_id(self, api: Api) -> None:
        # "material 'm_slope_practise' does not exist" and nothing more, where an unknown concept gets the closest.
        query = """mutation($a: [AttemptInput!]!) { recordAttempts(attempts: $a) {
          ... on AttemptsError { code field message } } }"""
        typo = {"studentId": "kid", "materialId": "m_slope_practise", "correct": True}
        assert api(query, {"a": [typo]})["recordAttempts"] == {
            "code": "NOT_FOUND",
            "field": "attempts.0.materialId",
            "message": "material 'm_slope_practise' does not exist (did you mean 'm_slope_practice'?)",
        }

    def test_a_padded_or_mailto_student_id_is_the_student_a_roster_or_xapi_log_names(self, api: Api) -> None:
        # " 4 " from a spreadsheet made a second student beside the roster's "4", in no cohort;
        # "mailto:..." missed the learner an xAPI log keyed by mbox_sha1sum.
        api.pseudonyms = Pseudonymizer(b"a secret of at least thirty-two bytes!")
        api(RECORD, {"a": [{"studentId": " 4 ", "conceptIds": ["slope"], "correct": True}]})
        keys = api('{ studentKeys(ids: ["4", " 4 "]) { key } }')["studentKeys"]
        assert keys[0]["key"] == keys[1]["key"]
        assert api(MASTERY, {"id": "4"})["student"]["mastery"]
        mbox = {"studentId": "mailto:zoe@example.org", "conceptIds": ["slope"], "correct": True}
        api(RECORD, {"a": [mbox]})
        as_logged = actor_identifier({"mbox": "zoe@example.org"})
        assert api(MASTERY, {"id": as_logged})["student"]["mastery"]
        assert api(MASTERY, {"id": " mailto:zoe@example.org "})["student"]["mastery"]

    def test_every_reused_client_id_is_named_at_once(self, api: Api) -> None:
        query = """mutation($a: [AttemptInput!]!) { recordAttempts(attempts: $a) {
          ... on AttemptsError { code field problems { code field } } } }"""
        first = [{"studentId": "kid", "conceptIds": ["slope"], "correct": True, "clientId": c} for c in "ab"]
        api(RECORD, {"a": first})
        again = [{**a, "correct": False} for a in first]
        result = api(query, {"a": [{"studentId": "kid", "conceptIds": ["slope"], "correct": True}, *again]})
        problems = result["recordAttempts"]["problems"]
        assert [(p["code"], p["field"]) for p in problems] == [
            ("DUPLICATE", "attempts.1.clientId"),
            ("DUPLICATE", "attempts.2.clientId"),
        ]

    def test_a_log_creating_its_concepts_is_estimated_by_their_text_in_one_write(self, api: Api) -> None:
        bundle = CurriculumBundle(concepts=(Concept("fraction_division", "Dividing fractions"),))
        when = datetime(2024, 1, 1, tzinfo=UTC)
        attempts = [
            Attempt(
                id=f"log-{n}",
                student="kid",
                timestamp=when.replace(minute=n),
                score=1.0,
                concepts=("fraction_division",),
            )
            for n in range(3)
        ]
        revision = api.kg.revision
        accepted, _, estimates = record(api.kg, api.mastery, attempts, creating=bundle)
        assert accepted == 3
        assert api.kg.revision == revision + 1
        [estimate] = estimates
        assert (estimate.concept, estimate.model_version) == ("fraction_division", "demo")
        assert estimate.probability > 0.5
        stored = api(MASTERY, {"id": "kid"})["student"]["mastery"]
        assert [m["concept"]["id"] for m in stored] == ["fraction_division"]

    def test_a_concept_new_to_the_model_is_placed_alike_live_and_after_a_restart(self, api: Api) -> None:
        """A restart replays attempts on a concept new to the model as recording read them live."""
        api.kg.create_concept(
            Concept("fraction_division", "Dividing fractions", "Divide by multiplying by the reciprocal.")
        )
        for ok in (True, False, True):
            api(RECORD, {"a": [{"studentId": "kid", "conceptIds": ["fraction_division"], "correct": ok}]})
        assert "fraction_division" in api.mastery.predictor.model.concepts.index
        unstored = {"id": "kid", "c": ["slope", "fraction_division"]}
        live = api(MASTERY, unstored)["student"]["mastery"]
        restarted = Api(KnowledgeGraph(api.kg.store), MasteryService(api.mastery.versions))
        replayed = restarted(MASTERY, unstored)["student"]["mastery"]
        assert replayed[0]["probability"] == pytest.approx(live[0]["probability"], abs=1e-6)


class TestStudentQueries:
    def test_mastery_of_asked_concepts_without_history_is_estimated(self, api: Api) -> None:
        api(RECORD, {"a": [{"studentId": "kid", "conceptIds": ["slope"], "correct": True}]})
        found = api(MASTERY, {"id": "kid", "c": ["slope", "quadratic_formula"]})["student"]["mastery"]
        assert [m["concept"]["id"] for m in found] == ["slope", "quadratic_formula"]
        assert all(0 < m["probability"] < 1 for m in found)

    def test_students_connection_and_evidence(self, api: Api) -> None:
        for i in range(3):
            api(RECORD, {"a": [{"studentId": f"s{i}", "conceptIds": ["slope", "exponents"], "correct": i % 2 == 0}]})
        page = api("{ students(first: 2) { totalCount pageInfo { hasNextPage } edges { node { id } } } }")
        assert page["students"]["totalCount"] == 3
        assert [e["node"]["id"] for e in page["students"]["edges"]] == ["s0", "s1"]
        counted = api("{ students(first: 0) { totalCount edges { cursor } pageInfo { hasNextPage endCursor } } }")
        assert counted["students"] == {
            "totalCount": 3,
            "edges": [],
            "pageInfo": {"hasNextPage": True, "endCursor": None},
        }
        evidence = api('{ student(id: "s0") { evidence(conceptId: "slope") { attempt { correct } change } } }')
        assert len(evidence["student"]["evidence"]) == 1
        assert api('{ student(id: "nobody") { id } }') == {"student": None}


class TestAPageOfStudents:
    def test_their_estimates_are_read_in_one_query_for_the_page(self, api: Api) -> None:
        for i in range(6):
            api(RECORD, {"a": [{"studentId": f"s{i}", "conceptIds": ["slope", "percents"], "correct": i % 2 == 0}]})
        page = (
            "query($n: Int!) { students(first: $n) { edges { node { id mastery { concept { id } probability } } } } }"
        )

        def round_trips(n: int) -> tuple[int, list[dict[str, object]]]:
            fresh = Api(KnowledgeGraph(api.kg.store), api.mastery)  # a process that has cached no student
            before = api.kg.store.round_trips
            edges = fresh(page, {"n": n})["students"]["edges"]
            return api.kg.store.round_trips - before, edges

        two, _ = round_trips(2)
        six, edges = round_trips(6)
        assert six == two, "the page's estimates come in one query, whatever its size"
        for edge in edges:
            alone = api(MASTERY, {"id": edge["node"]["id"]})["student"]["mastery"]
            assert edge["node"]["mastery"] == [
                {"concept": m["concept"], "probability": m["probability"]} for m in alone
            ]


class TestMasteryReadsFromTheStudentCache:
    def test_a_cached_student_reads_as_a_restarted_process_would(self, api: Api) -> None:
        api('{ nextMaterials(studentId: "kid", first: 1) { __typename } }')  # the process now caches kid
        for concept in ("slope", "percents", "slope"):
            api(RECORD, {"a": [{"studentId": "kid", "conceptIds": [concept], "correct": True}]})
        api.mastery.versions.install(MODEL_DIR, "20990101-000000-copy")
        api('mutation { useMasteryModel(version: "20990101-000000-copy") { __typename } }')
        api(RECORD, {"a": [{"studentId": "kid", "conceptIds": ["decimals"], "correct": False}]})
        assert cached_student_data(api.kg, "kid") is not None, "served from the cache, not the store"
        cached = api(MASTERY, {"id": "kid"})["student"]["mastery"]
        restarted = Api(KnowledgeGraph(api.kg.store), api.mastery)  # a fresh process's caches
        assert cached == restarted(MASTERY, {"id": "kid"})["student"]["mastery"]
        assert [m["concept"]["id"] for m in cached] == ["decimals", "percents", "slope"]
        assert {m["modelVersion"] for m in cached} == {"20990101-000000-copy"}


class TestModelVersions:
    def test_switching_re_estimates_with_the_new_version(self, api: Api, caplog: pytest.LogCaptureFixture) -> None:
        api(RECORD, {"a": [{"studentId": "kid", "conceptIds": ["slope"], "correct": True}]})
        versions = api.mastery.versions
        versions.install(MODEL_DIR, "20990101-000000-copy")
        with caplog.at_level("INFO", logger="pathwise.mastery"):
            switched = api(
                'mutation { useMasteryModel(version: "20990101-000000-copy") '
                "{ __typename ... on MasteryModelInfo { current } } }"
            )
        assert switched["useMasteryModel"] == {"__typename": "MasteryModelInfo", "current": True}
        assert "mastery model 20990101-000000-copy: 1 estimates rewritten" in caplog.text  # what an operator sees
        stored = api(MASTERY, {"id": "kid"})["student"]["mastery"]
        assert stored[0]["modelVersion"] == "20990101-000000-copy"
        missing = api('mutation { useMasteryModel(version: "nope") { ... on AttemptsError { code } } }')
        assert missing["useMasteryModel"] == {"code": "NOT_FOUND"}
        listed = api("{ masteryModels { version current damage } }")["masteryModels"]
        assert {"version": "20990101-000000-copy", "current": True, "damage": None} in listed

    @pytest.mark.parametrize("during", [0, 1, 2], ids=["first-replay", "catch-up-round", "last-round"])
    def test_attempts_recorded_and_students_forgotten_during_a_switch_reach_the_new_model(
        self, api: Api, monkeypatch: pytest.MonkeyPatch, during: int
    ) -> None:
        """The new model replays beside the served one and catches up with what changed meanwhile.

        ``during``: the replay the record and the forget interleave with: the first (all
        students), a catch-up round, or the last round (then only the locked catch-up
        sees them, observing the journal's attempts).
        """
        for student in ("kid", "gone"):
            api(RECORD, {"a": [{"studentId": student, "conceptIds": ["slope"], "correct": True}]})
        api.mastery.versions.install(MODEL_DIR, "20990101-000000-copy")
        meanwhile = [
            {"studentId": "kid", "conceptIds": ["percents"], "correct": False},
            {"studentId": "late", "conceptIds": ["decimals"], "correct": True},
            {"studentId": "kid", "conceptIds": ["slope"], "correct": True},
        ]
        load = api.mastery.load
        replays = []

        def load_then_interleave(version: str) -> OnlineMastery:
            candidate = load(version)
            replay = candidate.replay

            def replay_while_serving(histories: Mapping[str, Sequence[Attempt]]) -> None:
                replay(histories)
                replays.append(len(histories))
                if len(replays) - 1 != during:
                    return
                api(RECORD, {"a": meanwhile[:]})  # served by the old model, under its own lock
                api('mutation { forgetStudent(id: "gone") { __typename } }')
                meanwhile.clear()

            monkeypatch.setattr(candidate, "replay", replay_while_serving)
            return candidate

        monkeypatch.setattr(api.mastery, "load", load_then_interleave)
        api('mutation { useMasteryModel(version: "20990101-000000-copy") { __typename } }')
        assert not meanwhile, "the switch replayed nothing"

        restarted = Api(KnowledgeGraph(api.kg.store), MasteryService(api.mastery.versions))  # replays the store
        asked = {"c": ["slope", "percents", "decimals", "exponents"]}  # exponents: estimated from the state
        for student in ("kid", "late"):
            live = api(MASTERY, {"id": student, **asked})["student"]["mastery"]
            fresh = restarted(MASTERY, {"id": student, **asked})["student"]["mastery"]
            assert [m["probability"] for m in live] == pytest.approx([m["probability"] for m in fresh], abs=1e-6)
            assert {m["modelVersion"] for m in live} == {"20990101-000000-copy"}
        stored = api(MASTERY, {"id": "kid"})["student"]["mastery"]
        assert [m["concept"]["id"] for m in stored] == ["percents", "slope"]
        assert {m["modelVersion"] for m in stored} == {"20990101-000000-copy"}
        assert api('{ student(id: "gone") { id } }') == {"student": None}
        assert not api.mastery.predictor.knows("gone"), "a forgotten student leaves no state in the new model"

    def test_the_service_answers_while_a_switch_replays(self, api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
        """A switch replays every stored attempt off the event loop: other requests go on meanwhile."""
        api(RECORD, {"a": [{"studentId": "kid", "conceptIds": ["slope"], "correct": True}]})
        api.mastery.versions.install(MODEL_DIR, "20990101-000000-copy")
        replaying, release = threading.Event(), threading.Event()
        load = api.mastery.load

        def load_and_hold(version: str) -> OnlineMastery:
            candidate = load(version)
            replay = candidate.replay

            def held(histories: Mapping[str, Sequence[Attempt]]) -> None:
                replaying.set()
                assert release.wait(timeout=20), "nothing else was served while the switch replayed"
                replay(histories)

            monkeypatch.setattr(candidate, "replay", held)
            return candidate

        monkeypatch.setattr(api.mastery, "load", load_and_hold)
        order: list[str] = []

        async def side_by_side() -> None:
            switch = asyncio.create_task(
                api.run('mutation { useMasteryModel(version: "20990101-000000-copy") { __typename } }')
            )
            assert await asyncio.to_thread(replaying.wait, 20)
            recorded = await api.run(RECORD, {"a": [{"studentId": "kid", "conceptIds": ["percents"], "correct": True}]})
            assert recorded["recordAttempts"]["mastery"][0]["modelVersion"] == "demo"  # the old model still serves
            order.append("recorded")
            release.set()
            assert (await switch)["useMasteryModel"]["__typename"] == "MasteryModelInfo"
            order.append("switched")

        asyncio.run(side_by_side())
        assert order == ["recorded", "switched"]
        stored = api(MASTERY, {"id": "kid"})["student"]["mastery"]
        assert {m["modelVersion"] for m in stored} == {"20990101-000000-copy"}
        assert [m["concept"]["id"] for m in stored] == ["percents", "slope"]

    def test_an_ensemble_version_is_served_online(self, api: Api, tmp_path_factory: pytest.TempPathFactory) -> None:
        """What `pathwise train mastery` writes by default (several networks) serves like one model."""
        from demo.load import demo_attempts
        from ml.mastery.base import TrainingArguments
        from ml.mastery.data import attempts_to_frame
        from ml.mastery.tkt import TKTConfig
        from ml.mastery.train import train_mastery

        folder = tmp_path_factory.mktemp("ensemble") / "20990101-000000-ensemble"
        frame = attempts_to_frame(demo_attempts(40))
        args = TrainingArguments(max_epochs=1, patience=1, threads=1)
        train_mastery(frame, folder, args=args, config=TKTConfig(use_text=False, dim=8), members=2)
        api.mastery.versions.install(folder, folder.name)
        api(f'mutation {{ useMasteryModel(version: "{folder.name}") {{ __typename }} }}')
        results = [
            api(RECORD, {"a": [{"studentId": "ens", "conceptIds": ["slope"], "correct": ok}]})["recordAttempts"]
            for ok in (True, True, False)
        ]
        probabilities = [r["mastery"][0]["probability"] for r in results]
        assert {r["mastery"][0]["modelVersion"] for r in results} == {folder.name}
        assert len(set(probabilities)) == 3  # each attempt moved the estimate
        assert all(0.0 < p < 1.0 for p in probabilities)
        evidence = api('{ student(id: "ens") { evidence(conceptId: "slope") { change } } }')["student"]["evidence"]
        assert len(evidence) == 3

    def _served_worded_model(self, api: Api, tmp_path_factory: pytest.TempPathFactory) -> None:
        """A model trained with the exercises' wording, served, and a new exercise answered twice by "kid"."""
        from demo.load import CURRICULUM_DIR, demo_attempts
        from graph.model import Material, MaterialType
        from ingest.csv_layout import read_curriculum_csv
        from ml.mastery.base import TrainingArguments
        from ml.mastery.data import attempts_to_frame, material_texts
        from ml.mastery.tkt import TKTConfig
        from ml.mastery.train import train_mastery

        folder = tmp_path_factory.mktemp("worded") / "20990101-000000-worded"
        args = TrainingArguments(max_epochs=1, patience=1, threads=1)
        materials = material_texts(read_curriculum_csv(CURRICULUM_DIR).materials)
        config = TKTConfig(dim=8, finetune_encoder=False, cohort_features=False)
        train_mastery(
            attempts_to_frame(demo_attempts(40)), folder, args=args, config=config, item_texts=materials, members=1
        )
        api.mastery.versions.install(folder, folder.name)
        api(f'mutation {{ useMasteryModel(version: "{folder.name}") {{ __typename }} }}')
        wording = "Find the slope of the line through (1, 2) and (3, 8), then write its equation."
        api.kg.create_material(
            Material("m_slope_new", "Slope, two points", MaterialType.EXERCISE, 3, text=wording, assesses=("slope",))
        )
        attempts = [
            {"studentId": "kid", "materialId": m, "correct": ok, "clientId": str(n)}
            for n, (m, ok) in enumerate([("m_slope_practice", True), ("m_slope_new", False), ("m_slope_new", True)])
        ]
        api(RECORD, {"a": attempts})

    def test_a_new_exercise_is_placed_by_its_wording_live_and_after_a_restart(
        self, api: Api, tmp_path_factory: pytest.TempPathFactory
    ) -> None:
        """A model trained with the exercises' wording reads a new exercise's wording at its first attempt."""
        self._served_worded_model(api, tmp_path_factory)
        model = api.mastery.predictor.model
        assert "m_slope_new" in model.items.index
        assert model.item_text_table is not None
        assert model.item_text_table[model.items.index["m_slope_new"]].any()
        unstored = '{ student(id: "kid") { mastery(conceptIds: ["slope_intercept_form"]) { probability } } }'
        live = api(unstored)["student"]["mastery"][0]["probability"]
        restarted = Api(api.kg, MasteryService(api.mastery.versions))  # a new process: the state is replayed
        assert "m_slope_new" not in restarted.mastery.predictor.model.items.index
        replayed = restarted(unstored)["student"]["mastery"][0]["probability"]
        assert "m_slope_new" in restarted.mastery.predictor.model.items.index
        assert replayed == pytest.approx(live, abs=1e-6)

    def test_an_exercise_reworded_or_created_again_is_read_by_its_new_wording(
        self, api: Api, tmp_path_factory: pytest.TempPathFactory
    ) -> None:
        # The model kept the old wording's placement until a restart: estimates moved when the process did.
        self._served_worded_model(api, tmp_path_factory)
        unstored = '{ student(id: "kid") { mastery(conceptIds: ["slope_intercept_form"]) { probability } } }'
        before = api(unstored)["student"]["mastery"][0]["probability"]
        harder = "Prove that the slopes of two perpendicular lines multiply to -1, in a full written argument."
        update = """mutation($t: String!) { updateMaterial(input: {id: "m_slope_new", text: $t}) { __typename } }"""
        assert api(update, {"t": harder})["updateMaterial"]["__typename"] == "Material"
        reworded = api(unstored)["student"]["mastery"][0]["probability"]
        assert reworded != pytest.approx(before, abs=1e-6)
        restarted = Api(api.kg, MasteryService(api.mastery.versions))
        assert restarted(unstored)["student"]["mastery"][0]["probability"] == pytest.approx(reworded, abs=1e-6)
        create = """mutation($t: String!) { createMaterial(input: {id: "m_slope_new", title: "Slope, two points",
          type: EXERCISE, text: $t, assesses: ["slope"]}) { __typename } }"""
        assert api('mutation { deleteMaterial(id: "m_slope_new") { __typename } }')["deleteMaterial"] == {
            "__typename": "Deleted"
        }
        assert api(create, {"t": "What is 2 + 2?"})["createMaterial"]["__typename"] == "Material"
        again = {"studentId": "kid", "materialId": "m_slope_new", "correct": True, "clientId": "again"}
        api(RECORD, {"a": [again]})
        live = api(unstored)["student"]["mastery"][0]["probability"]
        restarted = Api(api.kg, MasteryService(api.mastery.versions))
        assert restarted(unstored)["student"]["mastery"][0]["probability"] == pytest.approx(live, abs=1e-6)


class TestDeletedConcepts:
    def test_a_deleted_concept_leaves_no_estimate_behind(self, api: Api) -> None:
        # The per-student cache kept the estimate: the student's whole mastery view failed, and a
        # concept created again under the id inherited the deleted one's estimate.
        api(RECORD, {"a": [{"studentId": "kid", "conceptIds": ["slope", "exponent_laws"], "correct": True}]})
        everything = "query($id: ID!) { student(id: $id) { mastery { concept { id label } probability } } }"
        before = api(everything, {"id": "kid"})["student"]["mastery"]
        assert {m["concept"]["id"] for m in before} == {"slope", "exponent_laws"}
        path = 'query { learningPath(studentId: "kid", targets: ["slope"]) { __typename } }'
        assert api(path)["learningPath"]["__typename"] == "LearningPath"  # the student's data is now cached
        deleted = api(
            'mutation { deleteConcept(id: "exponent_laws") { __typename ... on Deleted { removed { estimates } } } }'
        )
        assert deleted["deleteConcept"] == {"__typename": "Deleted", "removed": {"estimates": 1}}
        after = api(everything, {"id": "kid"})["student"]["mastery"]
        assert [m["concept"]["id"] for m in after] == ["slope"]
        api('mutation { createConcept(input: {id: "exponent_laws", label: "Exponents, again"}) { __typename } }')
        assert [m["concept"]["id"] for m in api(everything, {"id": "kid"})["student"]["mastery"]] == ["slope"]
        exported = api('query { exportStudent(id: "kid") { ... on StudentExport { data } } }')["exportStudent"]
        assert "exponent_laws" not in str(exported)  # no estimate node of it is left in the store either


class TestAnotherModelAtStart:
    def test_estimates_of_another_version_are_made_again_by_the_served_one(self, api: Api) -> None:
        # `models use` and a restart served demo while every stored estimate kept the old model's name and value.
        from rdflib import Literal

        from graph.mastery import stale_students
        from graph.vocab import PW
        from resolvers.model_switch import refresh_stale_estimates

        api(RECORD, {"a": [{"studentId": "kid", "conceptIds": ["slope", "exponent_laws"], "correct": True}]})
        kg = api.kg
        stored = [
            (s, p, o)
            for s, p, o in kg.store.select(f"SELECT ?s ?p ?o WHERE {{ ?s {PW.modelVersion.n3()} ?o . ?s ?p ?o }}")
        ]
        old = [(s, PW.modelVersion, o) for s, _, o in stored]
        kg.commit(old, [(s, PW.modelVersion, Literal("20250101-000000-pathwise")) for s, _, _ in old], lambda: None)
        assert stale_students(kg.store, "demo") == ["kid"]
        assert refresh_stale_estimates(kg, api.mastery) == 2
        assert stale_students(kg.store, "demo") == []
        versions = {m["modelVersion"] for m in api(MASTERY, {"id": "kid"})["student"]["mastery"]}
        assert versions == {"demo"}


class TestBackfilledAttempts:
    def test_the_estimate_follows_the_times_not_the_order_attempts_arrive_in(self, api: Api) -> None:
        # Reversed in one batch, or one per call, the same history gave 0.706 where in order it gave 0.711.
        times = [f"2025-0{m}-0{d}T10:00:00Z" for m, d in ((1, 7), (1, 9), (2, 3), (2, 5), (3, 2), (3, 4))]
        history = [
            {"conceptIds": ["exponent_laws"], "correct": n % 2 == 0, "timestamp": t, "clientId": f"a{n}"}
            for n, t in enumerate(times)
        ]

        def estimate(student: str) -> float:
            return float(api(MASTERY, {"id": student, "c": ["exponent_laws"]})["student"]["mastery"][0]["probability"])

        api(RECORD, {"a": [{**a, "studentId": "in-order"} for a in history]})
        api(RECORD, {"a": [{**a, "studentId": "one-batch"} for a in reversed(history)]})
        for attempt in reversed(history):
            api(RECORD, {"a": [{**attempt, "studentId": "one-by-one"}]})
        expected = estimate("in-order")
        assert estimate("one-batch") == pytest.approx(expected, abs=1e-6)
        assert estimate("one-by-one") == pytest.approx(expected, abs=1e-6)

    def test_every_stored_estimate_is_the_same_however_a_client_batched_its_attempts(self, api: Api) -> None:
        # Only the concepts an attempt named were written again: the same five attempts left
        # exponent_laws at 0.34 sent one per call in order, and at 0.43 with one of them late.
        concepts = ["exponent_laws", "exponent_laws", "exponent_laws", "absolute_value", "absolute_value", "slope"]
        history = [
            {"conceptIds": [c], "correct": n > 2, "timestamp": f"2025-01-07T10:0{n}:00Z", "clientId": f"a{n}"}
            for n, c in enumerate(concepts)
        ]

        def stored(student: str) -> dict[str, float]:
            rows = api(MASTERY, {"id": student})["student"]["mastery"]
            return {m["concept"]["id"]: float(m["probability"]) for m in rows}

        api(RECORD, {"a": [{**a, "studentId": "one-batch"} for a in history]})
        for attempt in history:
            api(RECORD, {"a": [{**attempt, "studentId": "one-by-one"}]})
        for attempt in [*history[:1], *history[2:], history[1]]:  # the second answer synced last
            api(RECORD, {"a": [{**attempt, "studentId": "one-late"}]})
        for first in range(0, len(history), 4):
            api(RECORD, {"a": [{**a, "studentId": "in-chunks"} for a in history[first : first + 4]]})
        students, names = ("one-batch", "one-by-one", "one-late", "in-chunks"), sorted(set(concepts))
        live = {s: dict(zip(names, api.mastery.predictor.estimate(s, names), strict=True)) for s in students}
        for student in students:
            assert live[student] == pytest.approx(live["one-batch"], abs=1e-6)  # one history, one state
            kept = stored(student)
            assert sorted(kept) == names
            assert kept == pytest.approx(live[student], abs=SETTLED_WITHIN), student
            assert kept["slope"] == pytest.approx(live[student]["slope"], abs=1e-6)  # the last attempt's own

    def test_a_served_settler_rewrites_them_after_the_answer(self, api: Api) -> None:
        # Rewriting them in each recordAttempts cost the mixed load 26% of its throughput: the server
        # settles them off the request path, and what it stores is what the same write would have.
        from resolvers.settling import EstimateSettler
        from resolvers.students import settle

        settler = EstimateSettler(lambda students: settle(api.kg, api.mastery, students), quiet=60.0, at_most=60.0)
        when = datetime(2025, 1, 7, 10, tzinfo=UTC)
        history = [
            Attempt(f"s{n}", "kid", when.replace(minute=n), 1.0 if n > 2 else 0.0, None, (c,))
            for n, c in enumerate(["exponent_laws"] * 3 + ["absolute_value", "slope"])
        ]
        for attempt in history:
            record(api.kg, api.mastery, [attempt], settle_later=settler.note)
        assert settler.waiting == 1
        names = ["absolute_value", "exponent_laws", "slope"]
        live = dict(zip(names, api.mastery.predictor.estimate("kid", names), strict=True))

        def stored() -> dict[str, float]:
            rows = api(MASTERY, {"id": "kid"})["student"]["mastery"]
            return {m["concept"]["id"]: float(m["probability"]) for m in rows}

        assert abs(stored()["exponent_laws"] - live["exponent_laws"]) > SETTLED_WITHIN  # as of its own last attempt
        assert settler.settle_due(everyone=True) == 1
        assert stored() == pytest.approx(live, abs=SETTLED_WITHIN)

    def test_a_student_forgotten_while_waiting_is_not_brought_back(self, api: Api) -> None:
        from resolvers.students import forget, settle

        attempt = Attempt("f1", "leaver", datetime(2025, 1, 7, tzinfo=UTC), 1.0, None, ("slope",))
        record(api.kg, api.mastery, [attempt], settle_later=lambda students: None)
        forget(api.kg, api.mastery, "leaver")
        assert settle(api.kg, api.mastery, ["leaver"]) == 0
        assert not api.mastery.predictor.knows("leaver")
        assert cached_student_data(api.kg, "leaver") is None

    def test_the_answer_names_only_the_concepts_the_attempts_did(self, api: Api) -> None:
        api(RECORD, {"a": [{"studentId": "kid", "conceptIds": ["exponent_laws"], "correct": True}]})
        result = api(RECORD, {"a": [{"studentId": "kid", "conceptIds": ["slope"], "correct": True}]})
        assert [m["concept"]["id"] for m in result["recordAttempts"]["mastery"]] == ["slope"]
        assert len(api(MASTERY, {"id": "kid"})["student"]["mastery"]) == 2


def test_a_batch_for_two_students_says_whose_each_estimate_is(api: Api) -> None:
    # Two unlabelled exponent_laws entries came back: a client could not tell them apart.
    query = """mutation($a: [AttemptInput!]!) { recordAttempts(attempts: $a) {
      ... on RecordedAttempts { mastery { studentId concept { id } } } } }"""
    batch = [{"studentId": s, "conceptIds": ["exponent_laws"], "correct": True} for s in ("ann", "bob")]
    mastery = api(query, {"a": batch})["recordAttempts"]["mastery"]
    assert sorted((m["studentId"], m["concept"]["id"]) for m in mastery) == [
        ("ann", "exponent_laws"),
        ("bob", "exponent_laws"),
    ]


def test_a_statement_recorded_live_and_imported_later_is_one_attempt(tmp_path: Path) -> None:
    # A forwarder sends each xAPI statement live (its id as clientId) and the nightly file again:
    # both were stored, under two ids, and the answer counted twice. Either order is one attempt.
    from click.testing import CliRunner

    from cli.attempts import attempts
    from cli.opening import open_pseudonyms
    from settings import load_settings

    settings = load_settings()
    api = demo_api(tmp_path, open_pseudonyms(settings))
    when = "2026-11-28T09:01:00+00:00"

    def statement(ident: str) -> dict[str, Any]:
        return {
            "id": ident,
            "actor": {"account": {"homePage": "https://lms.example", "name": "u7"}},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
            "object": {"id": "m_slope_practice"},
            "result": {"success": True},
            "timestamp": when,
        }

    def live(ident: str) -> dict[str, Any]:
        attempt = {"studentId": "u7", "materialId": "m_slope_practice", "correct": True, "timestamp": when}
        return api(RECORD, {"a": [{**attempt, "clientId": ident}]})["recordAttempts"]

    def nightly(*idents: str) -> dict[str, Any]:
        path = tmp_path / "day.jsonl"
        path.write_text("".join(json.dumps(statement(i)) + "\n" for i in idents))
        obj = {"settings": settings, "store": "memory", "kg": api.kg}
        args = ["import", str(path), "--format", "xapi", "--xapi-account-home", "https://lms.example", "--json"]
        result = CliRunner().invoke(attempts, args, obj=obj)
        assert result.exit_code == 0, result.output
        return dict(json.loads(result.stdout[result.stdout.index("{") :]))

    assert live("3f1c0a52-0000-4000-8000-000000000001")["accepted"] == 1
    out = nightly("3f1c0a52-0000-4000-8000-000000000001", "3f1c0a52-0000-4000-8000-000000000002")
    assert (out["accepted"], out["duplicates"]) == (1, 1)
    again = live("3F1C0A52-0000-4000-8000-000000000002")  # imported first, then sent live (upper case)
    assert (again["accepted"], again["duplicates"]) == (0, 1)
    export = api('{ exportStudent(id: "u7") { ... on StudentExport { data } } }')
    assert len(export["exportStudent"]["data"]["attempts"]) == 2


STATEMENTS = """mutation($s: JSON!) { recordStatements(statements: $s) {
  __typename
  ... on RecordedStatements { statements accepted duplicates voided voidedStored
      skipped { reason statements } mastery { concept { id } } }
  ... on AttemptsError { code field problems { code field message } } } }"""


def _statement(ident: str, who: str, activity: str, success: bool, verb: str = "answered") -> dict[str, Any]:
    return {
        "id": ident,
        "actor": {"account": {"homePage": "https://lms.example", "name": who}},
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}"},
        "object": {"id": activity},
        "result": {"success": success},
        "timestamp": "2026-11-28T09:01:00Z",
    }


@dataclass
class LmsContext(Context):
    """The context of a deployment whose LMS keys xAPI accounts by their bare name."""

    xapi_account_homes: tuple[str, ...] = ("https://lms.example",)


class TestRecordStatements:
    """An LRS forwarder's batches while the service runs (the file import needs the store to itself)."""

    def test_statements_are_recorded_once_whichever_way_they_came(self, api: Api) -> None:
        def lms(query: str, variables: dict[str, Any]) -> dict[str, Any]:
            return asyncio.run(api.run(query, variables, context_type=LmsContext))

        batch = [
            _statement("a0000000-0000-4000-8000-000000000001", "u1", "m_slope_practice", True),
            _statement("a0000000-0000-4000-8000-000000000002", "u1", "https://lms.example/forum/7", True),
            _statement("a0000000-0000-4000-8000-000000000003", "u1", "m_slope_practice", True, verb="experienced"),
        ]
        result = lms(STATEMENTS, {"s": batch})["recordStatements"]
        assert result["__typename"] == "RecordedStatements", result
        assert (result["statements"], result["accepted"], result["duplicates"]) == (3, 1, 0)
        assert {s["reason"]: s["statements"] for s in result["skipped"]} == {
            "activity is no material of the graph": 1,
            "not an answer verb": 1,
        }
        assert [m["concept"]["id"] for m in result["mastery"]] == ["slope"]
        again = lms(STATEMENTS, {"s": {"statements": batch[:1]}})["recordStatements"]  # an LRS's own shape
        assert (again["accepted"], again["duplicates"]) == (0, 1)
        live = {"studentId": "u1", "materialId": "m_slope_practice", "correct": True}
        sent = {**live, "clientId": batch[0]["id"], "timestamp": "2026-11-28T09:01:00Z"}
        assert lms(RECORD, {"a": [sent]})["recordAttempts"]["duplicates"] == 1

    def test_a_bad_batch_names_each_statement_and_records_nothing(self, api: Api) -> None:
        good = _statement("b0000000-0000-4000-8000-000000000001", "u2", "m_slope_practice", True)
        no_actor = {**_statement("b0000000-0000-4000-8000-000000000002", "u2", "m_slope_practice", True)}
        del no_actor["actor"]
        untimed = {k: v for k, v in good.items() if k != "timestamp"} | {"id": "b0000000-0000-4000-8000-000000000003"}
        result = api(STATEMENTS, {"s": [good, no_actor, untimed]})["recordStatements"]
        assert result["code"] == "INVALID"
        assert [p["field"] for p in result["problems"]] == ["statements.1", "statements.2"]
        assert api("{ students { totalCount } }")["students"]["totalCount"] == 0
        assert api(STATEMENTS, {"s": "not statements"})["recordStatements"]["field"] == "statements"
        # [1, 2, 3] was joined into one JSON text: "statements.1: not JSON: Extra data" (an audit)
        numbers = api(STATEMENTS, {"s": [1, good, 3]})["recordStatements"]
        assert [(p["field"], p["message"]) for p in numbers["problems"]] == [
            ("statements.0", "a statement must be a JSON object"),
            ("statements.2", "a statement must be a JSON object"),
        ]
        changed = {**good, "result": {"success": False}}
        api(STATEMENTS, {"s": [good]})
        refused = api(STATEMENTS, {"s": [changed]})["recordStatements"]
        assert (refused["code"], refused["field"]) == ("DUPLICATE", "statements.0")

    def test_a_statement_dated_1970_is_refused_as_recordattempts_refuses_it(self, api: Api) -> None:
        # An LMS whose clock was reset sent 1970: the answer went first in the history, and the class's
        # weekly trend ran past its 1,000 points and was refused.
        good = _statement("e0000000-0000-4000-8000-000000000001", "u5", "m_slope_practice", True)
        reset = {**_statement("e0000000-0000-4000-8000-000000000002", "u5", "m_slope_practice", False),
                 "timestamp": "1970-01-01T00:00:07Z"}  # fmt: skip
        result = api(STATEMENTS, {"s": [good, reset]})["recordStatements"]
        assert (result["code"], result["field"]) == ("INVALID", "statements.1")
        assert "before 2000" in result["problems"][0]["message"]
        assert api("{ students { totalCount } }")["students"]["totalCount"] == 0

    def test_a_void_of_a_recorded_statement_takes_it_back(self, api: Api) -> None:
        def lms(query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
            return asyncio.run(api.run(query, variables, context_type=LmsContext))

        first = _statement("c0000000-0000-4000-8000-000000000001", "u3", "m_slope_practice", True)
        lms(STATEMENTS, {"s": [first]})
        void = {
            "id": "c0000000-0000-4000-8000-000000000009",
            "actor": {"account": {"homePage": "https://lms.example", "name": "admin"}},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
            "object": {"objectType": "StatementRef", "id": first["id"]},
            "timestamp": "2026-11-28T10:00:00Z",
        }
        before = lms(MASTERY, {"id": "u3", "c": ["slope"]})["student"]["mastery"]
        result = lms(STATEMENTS, {"s": [void]})["recordStatements"]
        assert (result["accepted"], result["voidedStored"]) == (0, 1)
        export = lms('{ exportStudent(id: "u3") { ... on StudentExport { data } } }')
        assert export["exportStudent"]["data"]["attempts"] == []  # the voided answer no longer counts
        after = lms(MASTERY, {"id": "u3", "c": ["slope"]})["student"]["mastery"]
        assert after[0]["probability"] < before[0]["probability"]  # a right answer taken back
        assert lms(STATEMENTS, {"s": [void]})["recordStatements"]["voidedStored"] == 0


def test_a_uuid_is_one_statement_in_any_case_and_a_void_reaches_it_whichever_way_it_came(api: Api) -> None:
    # An LMS re-test: an upper-case clientId and the lower-case statement were two attempts; a void
    # never reached an answer that came live; voiding a student's only answer left its estimate; and
    # the voided statement, sent again, came back.
    def lms(query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        return asyncio.run(api.run(query, variables, context_type=LmsContext))

    uid = "AB000000-0000-4000-8000-000000000001"
    live = {"studentId": "u5", "materialId": "m_slope_practice", "correct": True, "clientId": uid,
            "timestamp": "2026-11-28T09:01:00Z"}  # fmt: skip
    assert lms(RECORD, {"a": [live]})["recordAttempts"]["accepted"] == 1
    same = lms(STATEMENTS, {"s": [_statement(uid.lower(), "u5", "m_slope_practice", True)]})["recordStatements"]
    assert (same["accepted"], same["duplicates"]) == (0, 1)
    assert lms(MASTERY, {"id": "u5"})["student"]["mastery"]
    void = {
        "id": "ab000000-0000-4000-8000-000000000009",
        "actor": {"account": {"homePage": "https://lms.example", "name": "admin"}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
        "object": {"objectType": "StatementRef", "id": uid},
        "timestamp": "2026-11-28T10:00:00Z",
    }
    assert lms(STATEMENTS, {"s": [void]})["recordStatements"]["voidedStored"] == 1
    assert lms(MASTERY, {"id": "u5"})["student"]["mastery"] == []  # nothing left to rest an estimate on
    resent = lms(STATEMENTS, {"s": [_statement(uid, "u5", "m_slope_practice", True)]})["recordStatements"]
    assert (resent["accepted"], resent["duplicates"], resent["voided"]) == (0, 0, 1)  # voided, however late
    counts = "mutation($a: [AttemptInput!]!) { recordAttempts(attempts: $a) { ... on RecordedAttempts { "
    counts += "accepted duplicates voided } } }"
    assert lms(counts, {"a": [live]})["recordAttempts"] == {"accepted": 0, "duplicates": 0, "voided": 1}
    export = lms('{ exportStudent(id: "u5") { ... on StudentExport { data } } }')
    assert export["exportStudent"]["data"]["attempts"] == []
    other = {**live, "clientId": "AB000000-0000-4000-8000-000000000002"}
    lms(RECORD, {"a": [other]})
    taken = lms(RECORD, {"a": [{**other, "studentId": "u6"}]})["recordAttempts"]
    assert taken["code"] == "DUPLICATE", "a statement id names one statement: another student's is refused"
    # it named score or time alone; then "for another learner, or with another score, time, material or concepts"
    assert "was recorded earlier for another learner: a retry must send" in taken["message"]
    assert "u5" not in taken["message"], "nothing of the other learner's answer is shown"


@pytest.mark.parametrize("change", [{"conceptIds": ["exponent_laws"]}, {"materialId": "m_exponent_laws_practice"}])
def test_a_client_id_reused_for_another_concept_or_material_is_refused(api: Api, change: dict[str, Any]) -> None:
    # Counted a duplicate, and that answer dropped, where another score was refused (an audit).
    first = {"studentId": "nia", "conceptIds": ["slope"], "correct": True, "clientId": "n1"}
    first["timestamp"] = "2026-11-28T10:00:00Z"
    assert api(RECORD, {"a": [first]})["recordAttempts"]["accepted"] == 1
    assert api(RECORD, {"a": [first]})["recordAttempts"]["duplicates"] == 1  # a retry still is one
    other = {k: v for k, v in first.items() if k != "conceptIds"} | change
    refused = api(RECORD, {"a": [other]})["recordAttempts"]
    assert (refused["code"], refused["field"]) == ("DUPLICATE", "attempts.0.clientId")
    assert "other concepts ('slope' recorded, 'exponent_laws' sent)" in refused["message"]


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"timestamp": "2026-11-28T10:00:05Z"}, "with another time (2026-11-28T10:00:00+00:00 recorded, "),
        ({"correct": False}, "with another score (1 recorded, 0 sent)"),
        ({"materialId": "m_slope_practice"}, "with another material (none recorded, 'm_slope_practice' sent)"),
        ({"score": 0.25, "correct": None}, "with another score (1 recorded, 0.25 sent)"),
    ],
    ids=["time", "correct", "material", "score"],
)
def test_a_reused_client_id_says_what_differs(api: Api, change: dict[str, Any], said: str) -> None:
    # "was recorded earlier for another learner, or with another score, time, material or concepts": a client
    # that stamped its retry with a new time (the commonest way to break a retry) had to guess which, and a
    # student's app was told of another learner.
    first = {"studentId": "nia", "conceptIds": ["slope"], "correct": True, "clientId": "n1"}
    first["timestamp"] = "2026-11-28T10:00:00Z"
    assert api(RECORD, {"a": [first]})["recordAttempts"]["accepted"] == 1
    other = {k: v for k, v in ({**first, **change}).items() if v is not None}
    refused = api(RECORD, {"a": [other]})["recordAttempts"]
    assert refused["code"] == "DUPLICATE"
    assert refused["message"].startswith(f"clientId 'n1' was recorded earlier {said}"), refused["message"]
    assert "another learner" not in refused["message"]
    fresh = {**first, "clientId": "n2"}
    in_batch = api(RECORD, {"a": [fresh, {**other, "clientId": "n2"}]})["recordAttempts"]
    # it said "(1 recorded, 0 sent)" of an answer nothing had recorded
    twice = said.replace(" recorded, ", " first, ").replace(" sent)", " second)")
    assert in_batch["message"].startswith(f"clientId 'n2' is sent twice in this batch {twice}"), in_batch["message"]


def test_an_integration_is_not_told_what_another_client_recorded(api: Api) -> None:
    # An integration token, which reads no student data, was told "with another score (1 recorded, 0 sent)",
    # the recorded time, material and concepts: probing known client ids read stored answers back (an audit).
    from auth.principal import Principal, Role

    first = {"studentId": "oz", "materialId": "m_slope_practice", "correct": True, "clientId": "o1"}
    assert api(RECORD, {"a": [first]})["recordAttempts"]["accepted"] == 1
    counts = "mutation($a: [AttemptInput!]!) { recordAttempts(attempts: $a) { __typename "
    counts += "... on RecordedAttempts { accepted } ... on AttemptsError { code message field } } }"
    lms = Principal(Role.INTEGRATION, "lms")
    probes = [{"correct": False}, {"timestamp": "2026-01-01T00:00:00Z"}, {"materialId": "m_exponent_laws_practice"}]
    for change in probes:
        refused = asyncio.run(api.run(counts, {"a": [{**first, **change}]}, lms))["recordAttempts"]
        assert (refused["code"], refused["field"]) == ("DUPLICATE", "attempts.0.clientId"), refused
        assert "with another answer (what was recorded is not shown" in refused["message"], refused["message"]
        for value in ("recorded,", "m_slope_practice", "slope'", "1 recorded"):
            assert value not in refused["message"], (value, refused["message"])
    told = api(RECORD, {"a": [{**first, "correct": False}]})["recordAttempts"]  # an admin reads it
    assert "with another score (1 recorded, 0 sent)" in told["message"]
    twice = [{**first, "clientId": "o2"}, {**first, "clientId": "o2", "correct": False}]
    own = asyncio.run(api.run(counts, {"a": twice}, lms))["recordAttempts"]
    assert "with another score (1 first, 0 second)" in own["message"], "its own batch: nothing recorded is said"


def test_a_void_that_comes_before_its_statement_keeps_it_out(api: Api) -> None:
    # A forwarder retrying a failed batch sent it after the next one, whose void of its first answer
    # was counted nowhere: the voided answer, arriving second, was recorded and counted for good.
    def lms(query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        return asyncio.run(api.run(query, variables, context_type=LmsContext))

    uid = "ae000000-0000-4000-8000-000000000001"
    void = {
        "id": "ae000000-0000-4000-8000-000000000009",
        "actor": {"account": {"homePage": "https://lms.example", "name": "admin"}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
        "object": {"objectType": "StatementRef", "id": uid.upper()},
        "timestamp": "2026-11-28T10:00:00Z",
    }
    query = """mutation($s: JSON!) { recordStatements(statements: $s) {
        ... on RecordedStatements { accepted duplicates voided voidedStored voidedAhead } } }"""
    first = lms(query, {"s": [void]})["recordStatements"]
    assert first == {"accepted": 0, "duplicates": 0, "voided": 0, "voidedStored": 0, "voidedAhead": 1}
    kept = _statement("ae000000-0000-4000-8000-000000000002", "u8", "m_slope_practice", False)
    late = lms(query, {"s": [_statement(uid, "u8", "m_slope_practice", True), kept]})["recordStatements"]
    assert (late["accepted"], late["duplicates"], late["voided"], late["voidedAhead"]) == (1, 0, 1, 0)
    export = lms('{ exportStudent(id: "u8") { ... on StudentExport { data } } }')
    assert [a["score"] for a in export["exportStudent"]["data"]["attempts"]] == [0.0]  # the wrong answer alone
    live = {"studentId": "u8", "materialId": "m_slope_practice", "correct": True, "clientId": uid,
            "timestamp": "2026-11-28T09:01:00Z"}  # fmt: skip
    assert lms(RECORD, {"a": [live]})["recordAttempts"]["accepted"] == 0  # the same statement, sent live
    assert lms(query, {"s": [void]})["recordStatements"]["voidedAhead"] == 0  # kept voided already


def test_a_statement_voided_in_its_own_batch_stays_voided_when_sent_again(api: Api) -> None:
    # The void beside it left no marker: the statement sent again alone (a forwarder retrying a
    # batch, the next night's file) was recorded, and the answer the void took back counted for good.
    def lms(query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        return asyncio.run(api.run(query, variables, context_type=LmsContext))

    query = """mutation($s: JSON!) { recordStatements(statements: $s) {
        ... on RecordedStatements { accepted duplicates voided voidedStored voidedAhead } } }"""
    for n, void_first in enumerate((True, False), start=1):
        target = _statement(f"af000000-0000-4000-8000-00000000000{n}", f"v{n}", "m_slope_practice", True)
        void = {
            "id": f"af000000-0000-4000-8000-00000000009{n}",
            "actor": {"account": {"homePage": "https://lms.example", "name": "admin"}},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
            "object": {"objectType": "StatementRef", "id": target["id"]},
            "timestamp": "2026-11-28T10:00:00Z",
        }
        batch = [void, target] if void_first else [target, void]
        first = lms(query, {"s": batch})["recordStatements"]
        assert first == {"accepted": 0, "duplicates": 0, "voided": 1, "voidedStored": 0, "voidedAhead": 0}
        again = lms(query, {"s": [target]})["recordStatements"]
        assert (again["accepted"], again["voided"]) == (0, 1), f"void first: {void_first}"
        assert lms(MASTERY, {"id": f"v{n}"})["student"] is None
        # through recordAttempts with its id as clientId (for any student: the marker names none), it was
        # counted a duplicate, read as safely stored (an audit): it is counted as voided
        live = {"studentId": f"w{n}", "materialId": "m_slope_practice", "correct": True, "clientId": target["id"]}
        counts = "mutation($a: [AttemptInput!]!) { recordAttempts(attempts: $a) { ... on RecordedAttempts { "
        counts += "accepted duplicates voided } } }"
        assert lms(counts, {"a": [live]})["recordAttempts"] == {"accepted": 0, "duplicates": 0, "voided": 1}


def test_a_statement_that_clashes_with_a_live_answer_is_named(api: Api) -> None:
    # The clash was with the live answer's id, which the batch's own ids did not hold: naming it failed.
    def lms(query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        return asyncio.run(api.run(query, variables, context_type=LmsContext))

    live = {"studentId": "u7", "materialId": "m_slope_practice", "correct": True, "clientId": "quiz-7",
            "timestamp": "2026-11-28T09:01:00Z"}  # fmt: skip
    lms(RECORD, {"a": [live]})
    changed = _statement("quiz-7", "u7", "m_slope_practice", False)
    refused = lms(STATEMENTS, {"s": [changed]})["recordStatements"]
    assert (refused["code"], refused["field"]) == ("DUPLICATE", "statements.0")
    named = """mutation($s: JSON!) { recordStatements(statements: $s) { ... on AttemptsError { subjectId } } }"""
    assert lms(named, {"s": [changed]})["recordStatements"] == {"subjectId": "quiz-7"}  # it was null: the id taken


def test_a_statement_id_twice_in_a_batch_names_the_other_by_its_field(api: Api) -> None:
    # "is also at line 2" beside field statements.2: the field counts from 0, so the other was statements.1.
    def lms(query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        return asyncio.run(api.run(query, variables, context_type=LmsContext))

    twin = "44444444-aaaa-4aaa-8aaa-000000000001"
    batch = [
        _statement("44444444-aaaa-4aaa-8aaa-000000000000", "w1", "m_slope_practice", True),
        _statement(twin, "w1", "m_slope_practice", True),
        _statement(twin, "w1", "m_slope_practice", False),
    ]
    refused = lms(STATEMENTS, {"s": batch})["recordStatements"]
    [problem] = refused["problems"] or [refused]
    assert problem["field"] == "statements.2", refused
    message = lms("""mutation($s: JSON!) { recordStatements(statements: $s) { ... on AttemptsError { message } } }""",
                  {"s": batch})["recordStatements"]["message"]  # fmt: skip
    assert "is also at statements.1 " in message, message
    assert "line" not in message, message


def test_the_activities_that_are_no_material_are_named_the_most_sent_first(api: Api) -> None:
    # `skipped` said "activity is no material of the graph: 25" and no more: the question still to be
    # mapped hid among a quiz's per-attempt IRIs, and an engineer could not tell which to give designers.
    from auth.principal import Principal, Role
    from ingest.attempts.keyed import UNMAPPED_SHOWN

    question = "http://lms.example/question/question.php?cmid=1&id=2"
    quiz = "http://lms.example/mod/quiz/attempt.php?attempt={}&cmid=1"
    batch = [_statement(f"d0000000-0000-4000-8000-00000000000{n}", f"u{n}", question, True) for n in range(3)]
    batch += [_statement(f"d0000000-0000-4000-8000-0000000001{n:02}", "u0", quiz.format(n), True) for n in range(22)]
    batch.append(_statement("d0000000-0000-4000-8000-000000000900", "u0", "m_slope_practice", True))
    query = """mutation($s: JSON!) { recordStatements(statements: $s) { __typename
      ... on RecordedStatements { accepted skipped { reason statements }
          unmappedActivities { activityId statements } moreUnmappedActivities } } }"""
    result = asyncio.run(api.run(query, {"s": batch}, Principal(Role.INTEGRATION, "lms")))["recordStatements"]
    assert result["__typename"] == "RecordedStatements", result
    assert result["accepted"] == 1
    assert result["skipped"] == [{"reason": "activity is no material of the graph", "statements": 25}]
    named = [(a["activityId"], a["statements"]) for a in result["unmappedActivities"]]
    assert named[0] == (question, 3), "the question every learner answered comes first"
    assert named[1:4] == [(quiz.format(0), 1), (quiz.format(1), 1), (quiz.format(10), 1)]  # then by IRI
    assert (len(named), result["moreUnmappedActivities"]) == (UNMAPPED_SHOWN, 23 - UNMAPPED_SHOWN)
    assert f"the first {UNMAPPED_SHOWN}" in api.schema.as_str()
    mapped = api(query, {"s": batch[:1]})["recordStatements"]
    assert mapped["unmappedActivities"] == [{"activityId": question, "statements": 1}]
    assert mapped["moreUnmappedActivities"] == 0


def test_the_batch_limit_says_a_batch_must_also_fit_the_body_limit() -> None:
    # "At most 500 a call": 500 real Moodle statements were 967 KB compact and 1.33 MB pretty-printed,
    # and the default body limit (1 MiB) refused the latter with a 413 the description never mentioned.
    from schema import build_schema

    field = build_schema()._schema.mutation_type.fields["recordStatements"]  # type: ignore[union-attr]
    assert "PATHWISE_MAX_BODY_BYTES" in (field.description or "")
    assert "compact JSON" in (field.description or "")


@dataclass
class MoodleContext(Context):
    """A deployment that lists the Moodle site of the statements below among PATHWISE_XAPI_ACCOUNT_HOMES."""

    xapi_account_homes: tuple[str, ...] = ("http://www.example.org",)


class TestChangedAccountHomes:
    """PATHWISE_XAPI_ACCOUNT_HOMES turned on after statements were stored (an LMS walkthrough's finding)."""

    @staticmethod
    def moodle(ident: str, who: str) -> dict[str, Any]:
        statement = _statement(ident, who, "m_slope_practice", True)
        return {**statement, "actor": {"account": {"homePage": "http://www.example.org", "name": who}}}

    def test_other_homes_than_the_learners_were_keyed_with_refuse_the_batch(self, tmp_path: Path) -> None:
        # Restarted with the setting, a nightly re-send stored an erased learner's deleted answer again
        # under a new key, refused later batches as DUPLICATE, and forgetStudent("101") said NOT_FOUND.
        from graph.erasures import ERASURE_LOG, ErasureLog
        from graph.xapi_homes import recorded_homes

        api = demo_api(tmp_path, Pseudonymizer(b"a secret of at least thirty-two bytes!"))
        api.erasures = ErasureLog(tmp_path / ERASURE_LOG, api.pseudonyms)
        day1 = [self.moodle("e0000000-0000-4000-8000-000000000001", "101"),
                self.moodle("e0000000-0000-4000-8000-000000000002", "102")]  # fmt: skip
        assert api(STATEMENTS, {"s": day1})["recordStatements"]["accepted"] == 2
        assert recorded_homes(api.kg.store) == (), "the first statements stored record the homes that keyed them"
        old_key = api.pseudonyms.key(actor_identifier(day1[1]["actor"]) or "")
        forgotten = api(f'mutation {{ forgetStudent(id: "{old_key}") {{ __typename }} }}')
        assert forgotten["forgetStudent"]["__typename"] == "ForgottenStudent"
        students = api("{ students { totalCount } }")["students"]["totalCount"]

        def moodle_lms(query: str, variables: dict[str, Any]) -> dict[str, Any]:
            return asyncio.run(api.run(query, variables, context_type=MoodleContext))

        refused = moodle_lms(STATEMENTS, {"s": day1})["recordStatements"]
        assert (refused["__typename"], refused["code"]) == ("AttemptsError", "UNAVAILABLE"), refused
        message = refused["problems"][0]["message"]
        assert "added 'http://www.example.org'" in message
        assert "`pathwise xapi-homes accept`" in message
        assert api("{ students { totalCount } }")["students"]["totalCount"] == students, "nothing was written"
        assert recorded_homes(api.kg.store) == ()
        counts = """mutation($s: JSON!) { recordStatements(statements: $s) {
          ... on RecordedStatements { duplicates erased } } }"""
        again = api(counts, {"s": day1})["recordStatements"]
        assert again == {"duplicates": 1, "erased": 1}, "keyed as before: one stored, one forgotten"

    def test_after_an_accepted_change_a_learner_stored_before_is_still_found_by_the_earlier_key(
        self, tmp_path: Path
    ) -> None:
        # Keyed anew, yesterday's statements sent again were refused as another student's answers, and a
        # learner forgotten before the change came back under the new key.
        from graph.erasures import ERASURE_LOG, ErasureLog
        from graph.xapi_homes import accept_homes

        api = demo_api(tmp_path, Pseudonymizer(b"a secret of at least thirty-two bytes!"))
        api.erasures = ErasureLog(tmp_path / ERASURE_LOG, api.pseudonyms)
        day1 = [self.moodle("f0000000-0000-4000-8000-000000000001", "101"),
                self.moodle("f0000000-0000-4000-8000-000000000002", "102")]  # fmt: skip
        assert api(STATEMENTS, {"s": day1})["recordStatements"]["accepted"] == 2
        earlier = {s["actor"]["account"]["name"]: api.pseudonyms.key(actor_identifier(s["actor"]) or "") for s in day1}
        api(f'mutation {{ forgetStudent(id: "{earlier["102"]}") {{ __typename }} }}')
        accept_homes(api.kg, MoodleContext.xapi_account_homes)  # `pathwise xapi-homes accept`
        counts = """mutation($s: JSON!) { recordStatements(statements: $s) {
          __typename ... on RecordedStatements { accepted duplicates erased } } }"""

        def moodle_lms(variables: dict[str, Any]) -> dict[str, Any]:
            answer = asyncio.run(api.run(counts, variables, context_type=MoodleContext))["recordStatements"]
            return dict(answer)

        again = moodle_lms({"s": day1})
        assert again == {"__typename": "RecordedStatements", "accepted": 0, "duplicates": 1, "erased": 1}
        students = {e["node"]["id"] for e in api("{ students { edges { node { id } } } }")["students"]["edges"]}
        assert students == {earlier["101"]}, "the erased learner did not come back under the new key"
        later = {**self.moodle("f0000000-0000-4000-8000-000000000003", "101"), "timestamp": "2026-11-29T09:00:00Z"}
        assert moodle_lms({"s": [later]})["accepted"] == 1
        now = api.pseudonyms.key("101")
        students = {e["node"]["id"] for e in api("{ students { edges { node { id } } } }")["students"]["edges"]}
        assert students == {earlier["101"], now}, "stored before, the learner keeps the earlier key"


def test_a_path_right_after_attempts_reads_the_model_not_estimates_waiting_to_settle(api: Api) -> None:
    # A path mixed stored estimates the attempts had moved (the settler rewrites them after 30 s)
    # with fresh predictions: a right answer then seemed to lower a figure the path had shown (an audit).
    from dataclasses import field

    from resolvers.recording import settle
    from resolvers.settling import EstimateSettler

    settler = EstimateSettler(lambda students: settle(api.kg, api.mastery, students))  # not started: nothing settles

    @dataclass
    class Settling(Context):
        settler: EstimateSettler | None = field(default_factory=lambda: settler)

    path = """query { learningPath(studentId: "kid", targets: ["slope"]) { ... on LearningPath {
      steps { concept { id } mastery } assumedMastered { concept { id } mastery } } } }"""

    def shown() -> dict[str, float]:
        found = api.run(path, context_type=Settling)
        got = asyncio.run(found)["learningPath"]
        return {s["concept"]["id"]: s["mastery"] for s in [*got["steps"], *got["assumedMastered"]]}

    right = [
        {"studentId": "kid", "materialId": "m_integer_subtraction_practice", "correct": True, "clientId": f"r{n}"}
        for n in range(3)
    ]
    asyncio.run(api.run(RECORD, {"a": right}, context_type=Settling))
    settler.settle_due(everyone=True)
    wrong = [
        {"studentId": "kid", "materialId": "m_slope_practice", "correct": False, "clientId": f"w{n}"} for n in range(3)
    ]
    asyncio.run(api.run(RECORD, {"a": wrong}, context_type=Settling))
    assert settler.waits_for("kid")
    during = shown()
    settler.settle_due(everyone=True)
    stored = {
        m["concept"]["id"]: m["probability"] for m in api(MASTERY, {"id": "kid", "c": None})["student"]["mastery"]
    }
    assert during["integer_subtraction"] == pytest.approx(stored["integer_subtraction"], abs=0.02)
    assert shown() == pytest.approx(during, abs=1e-6), "settled, the stored estimates read the same"


def test_mastery_and_next_materials_right_after_attempts_read_the_model_not_estimates_waiting_to_settle(
    api: Api,
) -> None:
    # For half a minute after every answer, nextMaterials ranked from nothing: every review showed
    # mastery 0.0 and concepts ready to learn vanished; and the mastery screen showed the stale
    # estimates beside a path that read the model (an audit).
    from dataclasses import field

    from resolvers.recording import settle
    from resolvers.settling import EstimateSettler

    settler = EstimateSettler(lambda students: settle(api.kg, api.mastery, students))  # not started: nothing settles

    @dataclass
    class Settling(Context):
        settler: EstimateSettler | None = field(default_factory=lambda: settler)

    nxt = """query { nextMaterials(studentId: "kid", first: 10) { ... on Recommendations {
      items { material { id teaches { id } assesses { id } } mastery review } } } }"""

    def seen() -> tuple[list[tuple[str, float, bool]], dict[str, float]]:
        items = asyncio.run(api.run(nxt, context_type=Settling))["nextMaterials"]["items"]
        rows = asyncio.run(api.run(MASTERY, {"id": "kid", "c": None}, context_type=Settling))["student"]["mastery"]
        return [
            ((i["material"]["assesses"] or i["material"]["teaches"])[0]["id"], i["mastery"], i["review"]) for i in items
        ], {m["concept"]["id"]: m["probability"] for m in rows}

    for material in ("m_slope_practice", "m_coordinate_plane_practice", "m_ratios_proportions_practice"):
        # three months ago: due for review now (four right answers: every 60 days)
        asyncio.run(api.run(RECORD, {"a": answers_in_a_row(material, True, material, day=90)}, context_type=Settling))
    settler.settle_due(everyone=True)
    # now a wrong answer at the start of the curriculum: the fringe stops there, far below what was mastered
    asyncio.run(
        api.run(RECORD, {"a": answers_in_a_row("m_integers_number_line_practice", False, "w")}, context_type=Settling)
    )
    assert settler.waits_for("kid")
    stored = {e.concept: e.probability for e in read_estimates(api.kg.store, ["kid"])["kid"]}
    items_during, mastery_during = seen()
    assert items_during, "something to study"
    assert any(review for _, _, review in items_during), "what was mastered months ago comes back as reviews"
    live = dict(zip(mastery_during, api.mastery.predictor.estimate("kid", list(mastery_during)), strict=True))
    # the screen reads the model, as the path beside it, where it moved past what the settler leaves
    expected = {c: settled(stored.get(c), p) for c, p in live.items()}
    assert mastery_during == pytest.approx(expected, abs=1e-6)
    assert any(abs(live[c] - stored[c]) > SETTLED_WITHIN for c in stored), "the answer moved some past it"
    shown = [c for c, _, _ in items_during]
    ranked = api.mastery.predictor.estimate("kid", shown)
    assert [m for _, m, _ in items_during] == pytest.approx(
        [settled(stored.get(c), p) for c, p in zip(shown, ranked, strict=True)], abs=1e-6
    )
    settler.settle_due(everyone=True)
    items_after, mastery_after = seen()
    assert mastery_during == pytest.approx(mastery_after, abs=1e-6)
    assert items_during == items_after
    # one more answer moves the others a little: those stay as stored, as the settler leaves them, so no figure
    # changes once settled with no new answer (the screen went 0.9126 -> 0.9051 by itself)
    asyncio.run(
        api.run(RECORD, {"a": answers_in_a_row("m_coordinate_plane_practice", True, "x")[:1]}, context_type=Settling)
    )
    assert settler.waits_for("kid")
    stored = {e.concept: e.probability for e in read_estimates(api.kg.store, ["kid"])["kid"]}
    live = dict(zip(stored, api.mastery.predictor.estimate("kid", list(stored)), strict=True))
    assert any(1e-4 < abs(live[c] - stored[c]) <= SETTLED_WITHIN for c in stored), "a small move to leave"
    items_during, mastery_during = seen()
    assert mastery_during == pytest.approx({c: settled(stored[c], p) for c, p in live.items()}, abs=1e-6)
    settler.settle_due(everyone=True)
    assert seen() == (items_during, mastery_during)


def test_an_empty_student_id_is_refused_naming_the_argument_as_written(api: Api) -> None:
    # student(id: "") named field "studentId", an argument student() does not have (an audit).
    errors = api.raw('{ student(id: "") { id } }')["errors"]
    assert [(e["extensions"]["code"], e["extensions"]["field"]) for e in errors] == [("INVALID", "id")]
    errors = api.raw('{ studentKeys(ids: ["x", ""]) { key } }')["errors"]
    assert [e["extensions"]["field"] for e in errors] == ["ids.1"]
