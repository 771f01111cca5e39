"""conceptDifficulty and masteryTrend through the per-process attempt table, after the writes the API makes.

The server loads the table at start (``server._warm_report_tables``); from then on the
reports read it, and every write below reaches it through the graph's listener: attempts
recorded live and as xAPI statements (with the estimates the model writes beside them),
a void of a stored statement (which rewrites estimates too), a void ahead, a forget.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from graph import analytics, cohort_reports
from graph.attempt_table import attempt_table, current_attempt_table
from graph.attempts import attempts_of, record_attempts
from graph.cohorts import members
from graph.model import UNTIMED_EPOCH, Attempt
from schema.context import Context
from tests.integration.conftest import Api

CREATE = """mutation { createCohort(input: {id: "7b", name: "7b"}) { __typename } }"""
ENROL = """mutation($s: [ID!]!) { enrolStudents(cohortId: "7b", studentIds: $s) { __typename } }"""
RECORD = """mutation($a: [AttemptInput!]!) { recordAttempts(attempts: $a) {
  __typename ... on RecordedAttempts { accepted } ... on AttemptsError { message } } }"""
STATEMENTS = """mutation($s: JSON!) { recordStatements(statements: $s) {
  __typename ... on RecordedStatements { accepted voidedStored voidedAhead } ... on AttemptsError { message } } }"""
FORGET = """mutation($s: ID!) { forgetStudent(id: $s) { __typename } }"""
TREND = """{ masteryTrend(cohortId: "7b", conceptId: "slope", interval: DAY, window: 2) {
  __typename ... on MasteryTrend { untimedAttempts points { start attempts students rollingSuccess } }
  ... on CohortError { code message } } }"""
CONCEPTS = ["slope", "ratios_proportions", "slope_intercept_form", "exponent_laws"]
STUDENTS = [f"u{i}" for i in range(6)]


@dataclass
class LmsContext(Context):
    """A deployment whose LMS keys xAPI accounts by their bare name."""

    xapi_account_homes: tuple[str, ...] = ("https://lms.example",)


def live(student: str, day: int, scores: list[float]) -> list[dict[str, Any]]:
    n = int(student[1:])
    return [
        {"studentId": student, "score": s, "clientId": f"{student}-{day}-{k}",
         "conceptIds": CONCEPTS[(n + k) % 4 : (n + k) % 4 + 1 + k % 2],
         "timestamp": f"2026-02-{day:02d}T{9 + n:02d}:{k:02d}:00Z"}
        for k, s in enumerate(scores)
    ]  # fmt: skip


def statement(ident: str, who: str, success: bool) -> dict[str, Any]:
    return {
        "id": ident,
        "actor": {"account": {"homePage": "https://lms.example", "name": who}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "object": {"id": "m_slope_practice"},
        "result": {"success": success},
        "timestamp": "2026-02-03T09:01:00Z",
    }


def void(ident: str, target: str) -> dict[str, Any]:
    return {
        "id": ident,
        "actor": {"account": {"homePage": "https://lms.example", "name": "admin"}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
        "object": {"objectType": "StatementRef", "id": target},
        "timestamp": "2026-02-03T10:00:00Z",
    }


def check(api: Api) -> None:
    """The reports read the table (current: it followed every write), and say what the store says."""
    assert current_attempt_table(api.kg) is not None, "a write was not followed: the table must reload"
    students = members(api.kg, "7b")
    histories = attempts_of(api.kg, students)
    # under a minimum cell size streak and stuckAfter are fixed at 3 and 5
    for streak, stuck_after, min_cell in ((3, 2, None), (1, 2, None), (3, 5, 2)):
        report = cohort_reports.concept_difficulty(api.kg, "7b", streak=streak, stuck_after=stuck_after,
                                                   min_cell=min_cell)  # fmt: skip
        assert report.concepts == analytics.concept_difficulty(histories, streak=streak, stuck_after=stuck_after,
                                                               min_cell=min_cell)  # fmt: skip
    for concept in CONCEPTS:
        for interval in ("day", "week"):
            expected = analytics.trend(analytics.trend_events(histories, concept), len(students), interval)
            assert cohort_reports.mastery_trend(api.kg, "7b", concept, interval) == expected


def test_the_reports_follow_every_write_through_the_table(api: Api) -> None:
    def lms(query: str, variables: dict[str, Any]) -> dict[str, Any]:
        return asyncio.run(api.run(query, variables, context_type=LmsContext))

    api(CREATE)
    api(ENROL, {"s": STUDENTS})
    for day, student in enumerate(STUDENTS, 1):
        assert api(RECORD, {"a": live(student, day, [0, 1, 0.5, 1, 1])})["recordAttempts"]["accepted"] == 5
    # a log without times, as `pathwise attempts import` stores it: one second apart from 1970
    record_attempts(
        api.kg,
        [Attempt(f"log-{s}-{k}", s, UNTIMED_EPOCH + timedelta(seconds=k), k % 2, concepts=("slope",))
         for s in STUDENTS[:3] for k in range(4)],
    )  # fmt: skip
    table = attempt_table(api.kg)  # what the server's start does
    check(api)

    api(RECORD, {"a": live("u2", 9, [1, 1, 0]) + live("u4", 9, [0.25])})
    check(api)
    uid = "c0000000-0000-4000-8000-00000000000"
    assert lms(STATEMENTS, {"s": [statement(f"{uid}1", "u1", True), statement(f"{uid}2", "u3", False)]})[
        "recordStatements"
    ]["accepted"] == 2  # fmt: skip
    check(api)
    assert lms(STATEMENTS, {"s": [void(f"{uid}8", f"{uid}1")]})["recordStatements"]["voidedStored"] == 1
    check(api)
    assert lms(STATEMENTS, {"s": [void(f"{uid}9", f"{uid}5")]})["recordStatements"]["voidedAhead"] == 1
    check(api)
    assert api(FORGET, {"s": "u0"})["forgetStudent"]["__typename"] == "ForgottenStudent"
    assert "u0" not in table.students()
    check(api)
    assert table.loads == 1

    trend = api(TREND)["masteryTrend"]
    assert trend["untimedAttempts"] == 8  # u1's and u2's four each (u0's went with them)
    assert trend["points"][0]["start"] == "2026-02-02T00:00:00+00:00"  # u1's first day, not 1970 (u0 forgotten)


def test_the_server_loads_the_table_at_start(api: Api) -> None:
    from starlette.testclient import TestClient

    from server import create_app
    from settings import load_settings

    api(CREATE)
    api(ENROL, {"s": STUDENTS})
    api(RECORD, {"a": live("u1", 1, [1, 0])})
    settings = replace(load_settings(env_file=None), qa=False, mastery=False)
    with TestClient(create_app(settings, kg=api.kg)) as client:
        assert client.get("/healthz").status_code == 200
        deadline = time.monotonic() + 30
        while current_attempt_table(api.kg) is None:  # loaded in the background, the estimate table first
            assert time.monotonic() < deadline, "the attempt table was not loaded at start"
            time.sleep(0.05)
        assert len(attempt_table(api.kg)) == 2
