"""An exercise's answer key: a student reads it once they have answered the exercise (``PATHWISE_ANSWER_KEYS``)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from auth.answer_keys import AnswerKeys
from auth.principal import Principal, Role
from schema.context import Context
from tests.integration.conftest import Api

MATERIAL = """query($id: ID!) { material(id: $id) { text prompt answerKey hasAnswerKey } }"""
RECORD = """mutation($a: [AttemptInput!]!) { recordAttempts(attempts: $a) { __typename } }"""
STUDENT = Principal(Role.STUDENT, "kid")


@dataclass
class OpenKeys(Context):
    answer_keys: AnswerKeys = AnswerKeys.OPEN


@dataclass
class StaffKeys(Context):
    answer_keys: AnswerKeys = AnswerKeys.STAFF


def answer(api: Api, material: str) -> None:
    api(RECORD, {"a": [{"studentId": "kid", "materialId": material, "correct": False}]})


def seen_by(api: Api, material: str, principal: Principal, context: type[Context] = Context) -> dict[str, str]:
    return api(MATERIAL, {"id": material}, principal, context_type=context)["material"]  # type: ignore[no-any-return]


def test_a_student_reads_the_key_only_after_answering_the_exercise(api: Api) -> None:
    full = seen_by(api, "m_slope_practice", Principal(Role.ADMIN, "ops"))
    before = seen_by(api, "m_slope_practice", STUDENT)
    assert before == {"text": full["prompt"], "prompt": full["prompt"], "answerKey": None, "hasAnswerKey": True}
    assert "Answers:" not in before["text"]
    answer(api, "m_absolute_value_practice")  # another exercise opens only its own key
    assert seen_by(api, "m_slope_practice", STUDENT)["answerKey"] is None
    answer(api, "m_slope_practice")
    assert seen_by(api, "m_slope_practice", STUDENT) == full


@pytest.mark.parametrize("role", [Role.TEACHER, Role.DESIGNER, Role.ANALYST, Role.INTEGRATION, Role.ADMIN])
def test_staff_read_every_key(api: Api, role: Role) -> None:
    seen = seen_by(api, "m_slope_practice", Principal(role, "someone"))
    assert seen["answerKey"] is not None
    assert seen["answerKey"].startswith("Answers:\n1. ")
    assert seen["text"] == f"{seen['prompt']}\n{seen['answerKey']}"


def test_a_worked_example_is_whole_for_a_student(api: Api) -> None:
    """Its "Answer:" is part of the solution it teaches, not a key to hide."""
    worked = seen_by(api, "m_slope_example", STUDENT)
    assert worked["hasAnswerKey"] is False
    assert worked["answerKey"] is None
    assert worked["text"] == worked["prompt"]
    assert "Answer" in worked["text"]


def test_open_keys_show_every_key_and_staff_keys_none_to_students(api: Api) -> None:
    assert seen_by(api, "m_slope_practice", STUDENT, OpenKeys)["answerKey"] is not None
    answer(api, "m_slope_practice")
    staff_only = seen_by(api, "m_slope_practice", STUDENT, StaffKeys)
    assert staff_only["answerKey"] is None
    assert "Answers:" not in staff_only["text"]


def test_the_keys_of_a_page_of_materials_cost_one_read(api: Api) -> None:
    """Many exercises on one page: the student's answered materials are read once, not once per exercise."""
    answer(api, "m_slope_practice")
    api.kg.store.round_trips = 0
    query = """{ materials(first: 100, type: EXERCISE) { edges { node { id answerKey text } } } }"""
    edges = api(query, None, STUDENT)["materials"]["edges"]
    keyed = {e["node"]["id"] for e in edges if e["node"]["answerKey"] is not None}
    assert keyed == {"m_slope_practice"}
    assert len(edges) > 20
    assert api.kg.store.round_trips <= 3
