"""A material's activity ids through GraphQL: set by a designer, and what an LMS's statements resolve to."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

import pytest

from graph.attempts import attempts_of, list_students
from graph.model import Attempt
from schema.context import Context
from tests.conftest import DATA
from tests.integration.conftest import Api, Client

QUESTION = "http://www.example.org/question/question.php?cmid=1&id=1"
H5P_COPY = "https://h5p.example/content/42"

CREATE = """mutation($input: CreateMaterialInput!) { createMaterial(input: $input) {
  __typename ... on Material { id activityIds } ... on CurriculumError { code field subjectId message problems } } }"""
UPDATE = """mutation($input: UpdateMaterialInput!) { updateMaterial(input: $input) {
  __typename ... on Material { id title activityIds }
  ... on CurriculumError { code field subjectId message problems } } }"""
READ = "query($id: ID!) { material(id: $id) { activityIds } }"

QUIZ: dict[str, Any] = {
    "id": "factoring-quiz",
    "title": "Factoring quiz",
    "type": "EXERCISE",
    "assesses": ["eq"],
    "activityIds": [f" {H5P_COPY} ", QUESTION, H5P_COPY],
}


class TestActivityIds:
    def test_created_trimmed_once_each_and_read_back(self, client: Client) -> None:
        made = client.execute(CREATE, {"input": QUIZ})["createMaterial"]
        assert made == {"__typename": "Material", "id": "factoring-quiz", "activityIds": [QUESTION, H5P_COPY]}
        assert client.execute(READ, {"id": "factoring-quiz"})["material"] == {"activityIds": [QUESTION, H5P_COPY]}
        assert client.execute(READ, {"id": "m_add"})["material"] == {"activityIds": []}  # stored before: none

    def test_update_null_keeps_an_empty_list_clears(self, client: Client) -> None:
        client.execute(CREATE, {"input": QUIZ})
        kept = client.execute(UPDATE, {"input": {"id": "factoring-quiz", "title": "Renamed"}})["updateMaterial"]
        assert kept["activityIds"] == [QUESTION, H5P_COPY]
        cleared = client.execute(UPDATE, {"input": {"id": "factoring-quiz", "activityIds": []}})["updateMaterial"]
        assert cleared["activityIds"] == []
        assert client.kg.projection.activities == {}

    def test_an_iri_another_material_has_is_a_duplicate_naming_both(self, client: Client) -> None:
        client.execute(CREATE, {"input": QUIZ})
        copy = {**QUIZ, "id": "moodle-copy", "activityIds": [QUESTION]}
        refused = client.execute(CREATE, {"input": copy})["createMaterial"]
        assert (refused["code"], refused["field"], refused["subjectId"]) == ("DUPLICATE", "activityIds", QUESTION)
        [problem] = refused["problems"]
        assert "material 'moodle-copy'" in problem
        assert "material 'factoring-quiz'" in problem
        assert client.execute(READ, {"id": "moodle-copy"})["material"] is None  # nothing applied
        moved = client.execute(UPDATE, {"input": {"id": "m_add_ex", "activityIds": [H5P_COPY]}})["updateMaterial"]
        assert (moved["code"], moved["field"]) == ("DUPLICATE", "activityIds")
        as_id = client.execute(CREATE, {"input": {**QUIZ, "id": QUESTION, "activityIds": []}})["createMaterial"]
        assert (as_id["code"], as_id["field"], as_id["subjectId"]) == ("DUPLICATE", "id", QUESTION)

    def test_one_that_is_no_absolute_iri_is_invalid_on_its_field(self, client: Client) -> None:
        refused = client.execute(CREATE, {"input": {**QUIZ, "activityIds": ["question-1"]}})["createMaterial"]
        assert (refused["code"], refused["field"]) == ("INVALID", "activityIds")
        assert "activity id 'question-1' is not an absolute IRI" in refused["problems"][0]


RECORD = """mutation($a: [AttemptInput!]!) { recordAttempts(attempts: $a) {
  __typename ... on RecordedAttempts { accepted duplicates mastery { concept { id } } }
  ... on AttemptsError { code field message } } }"""
STATEMENTS = """mutation($s: JSON!) { recordStatements(statements: $s) {
  __typename ... on RecordedStatements { statements accepted duplicates skipped { reason statements }
      mastery { concept { id } } }
  ... on AttemptsError { code field message } } }"""
CONCEPT = "solving_quadratics_factoring"
MOODLE_QUIZ = DATA / "standards" / "xapi" / "moodle-logstore_xapi" / "tests" / "mod_quiz" / "attempt_submitted"


@dataclass
class LmsContext(Context):
    """The context of a deployment whose LMS keys xAPI accounts by their bare name."""

    xapi_account_homes: tuple[str, ...] = ("https://lms.example",)


def _with_quiz(api: Api) -> Api:
    """The demo with a slug-named quiz that a Moodle question and its H5P copy stand for."""
    quiz = {**QUIZ, "assesses": [CONCEPT], "activityIds": [QUESTION, H5P_COPY]}
    assert api(CREATE, {"input": quiz})["createMaterial"]["__typename"] == "Material"
    return api


def _stored(api: Api) -> list[Attempt]:
    return [a for history in attempts_of(api.kg, list_students(api.kg)).values() for a in history]


def _statement(ident: str, activity: str, success: bool) -> dict[str, Any]:
    return {
        "id": ident,
        "actor": {"account": {"homePage": "https://lms.example", "name": "u1"}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "object": {"id": activity},
        "result": {"success": success},
        "timestamp": "2026-11-28T09:01:00Z",
    }


class TestRecordAttempts:
    def test_an_activity_id_as_material_id_is_recorded_for_the_material(self, api: Api) -> None:
        _with_quiz(api)
        sent = {"studentId": "kid", "materialId": H5P_COPY, "correct": True, "clientId": "q-1",
                "timestamp": "2026-11-28T09:01:00Z"}  # fmt: skip
        result = api(RECORD, {"a": [sent]})["recordAttempts"]
        assert (result["accepted"], [m["concept"]["id"] for m in result["mastery"]]) == (1, [CONCEPT])
        [stored] = _stored(api)
        assert (stored.material, stored.concepts) == ("factoring-quiz", (CONCEPT,))
        by_id = api(RECORD, {"a": [{**sent, "materialId": "factoring-quiz"}]})["recordAttempts"]
        assert (by_id["accepted"], by_id["duplicates"]) == (0, 1)  # the same answer, whichever name it came by

    def test_an_iri_no_material_lists_is_not_found_on_its_attempt(self, api: Api) -> None:
        _with_quiz(api)
        attempts = [
            {"studentId": "kid", "materialId": QUESTION, "correct": True},
            {"studentId": "kid", "materialId": "http://lms.example/q/9", "correct": True},
        ]
        refused = api(RECORD, {"a": attempts})["recordAttempts"]
        assert (refused["code"], refused["field"]) == ("NOT_FOUND", "attempts.1.materialId")
        assert _stored(api) == []


class TestRecordStatements:
    def test_a_statement_about_an_lms_iri_is_one_attempt_at_the_material(self, api: Api) -> None:
        def lms(query: str, variables: dict[str, Any]) -> dict[str, Any]:
            return asyncio.run(api.run(query, variables, context_type=LmsContext))

        _with_quiz(api)
        batch = [_statement("a0000000-0000-4000-8000-000000000001", QUESTION, True)]
        result = lms(STATEMENTS, {"s": batch})["recordStatements"]
        assert (result["accepted"], result["skipped"]) == (1, [])
        assert [m["concept"]["id"] for m in result["mastery"]] == [CONCEPT]
        [stored] = _stored(api)
        assert stored.material == "factoring-quiz"
        assert lms(STATEMENTS, {"s": batch})["recordStatements"]["duplicates"] == 1
        live = {"studentId": "u1", "materialId": H5P_COPY, "correct": True, "clientId": batch[0]["id"],
                "timestamp": batch[0]["timestamp"]}  # fmt: skip
        assert lms(RECORD, {"a": [live]})["recordAttempts"]["duplicates"] == 1  # sent live by its other IRI

    @pytest.mark.skipif(not MOODLE_QUIZ.is_dir(), reason=f"Moodle logstore_xapi fixtures not at {MOODLE_QUIZ}")
    def test_moodle_quiz_answers_land_on_the_material_listing_the_question(self, api: Api) -> None:
        # logstore_xapi's own test statements, one folder per question type, as its LRS forwards them: they
        # carry no timestamp, and an LRS stamps each with the time it stored it (xAPI: `stored`).
        _with_quiz(api)
        batch = [
            {**s, "stored": f"2026-11-28T09:{minute:02d}:00Z"}
            for minute, path in enumerate(sorted(MOODLE_QUIZ.glob("*/statements.json")))
            for s in json.loads(path.read_text(encoding="utf-8"))
        ]
        graded = [s for s in batch if s["object"]["id"] == QUESTION and "success" in s.get("result", {})]
        assert graded, "the fixtures hold graded answers to the question"
        result = api(STATEMENTS, {"s": batch})["recordStatements"]
        assert result["__typename"] == "RecordedStatements", result
        assert result["accepted"] == len(graded)
        skipped = {s["reason"]: s["statements"] for s in result["skipped"]}
        assert skipped["activity is no material of the graph"] > 0  # the quiz attempt's `completed`
        stored = _stored(api)
        assert {(a.material, a.concepts) for a in stored} == {("factoring-quiz", (CONCEPT,))}
        assert sorted(a.score for a in stored) == sorted(float(s["result"]["success"]) for s in graded)
