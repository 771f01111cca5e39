"""Cohorts through GraphQL: create, enrol, rosters, and the cohort figures after recordAttempts."""

from __future__ import annotations

import asyncio
import statistics
import threading
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from graph.attempts import record_attempts
from graph.model import UNTIMED_EPOCH, Attempt
from schema.context import Context
from tests.integration.conftest import Api, demo_api


@dataclass
class AnalystContext(Context):
    """A context whose figures suppress cells under 5 students (what an analyst's token gives)."""

    min_cell: int = 5  # type: ignore[assignment]


@pytest.fixture
def api(tmp_path: Path) -> Api:
    return demo_api(tmp_path)


CREATE = """mutation($i: CreateCohortInput!) { createCohort(input: $i) {
  __typename ... on Cohort { id name teacherIds size } ... on CohortError { code message subjectId } } }"""
ENROL = """mutation($c: ID!, $s: [ID!]!) { enrolStudents(cohortId: $c, studentIds: $s) {
  __typename ... on Cohort { id size students { id } } ... on CohortError { code subjectId } } }"""
REMOVE = """mutation($c: ID!, $s: [ID!]!) { removeStudents(cohortId: $c, studentIds: $s) {
  ... on Cohort { size students { id } } } }"""
RECORD = """mutation($a: [AttemptInput!]!) { recordAttempts(attempts: $a) {
  __typename ... on RecordedAttempts { accepted } ... on AttemptsError { message } } }"""
MASTERY = """query($c: ID!, $k: [ID!]) { cohortMastery(cohortId: $c, conceptIds: $k, threshold: 0.5, bins: 4) {
  __typename ... on CohortMastery { minCell concepts { concept { id } students mean q1 median q3
    histogram { lower upper count } atOrAbove suppressed } }
  ... on CohortError { code subjectId field } } }"""
STORED = """query($id: ID!) { student(id: $id) { mastery(conceptIds: ["slope"]) { probability } } }"""
ROSTER = """mutation($t: String!, $r: Boolean) { importRoster(csv: $t, replace: $r) {
  __typename ... on RosterImport { cohortsCreated enrolled alreadyEnrolled removed teachersAdded }
  ... on CohortError { code message problems } } }"""
COHORTS = "{ cohorts { id name teacherIds size } }"


def attempts(student: str, scores: list[int], day: int = 1) -> list[dict[str, Any]]:
    return [
        {"studentId": student, "materialId": "m_slope_practice", "correct": bool(s), "clientId": f"{student}-{day}-{i}",
         "timestamp": f"2026-02-{day:02d}T10:{i:02d}:00Z"}
        for i, s in enumerate(scores)
    ]  # fmt: skip


def make_class(api: Api, students: list[str]) -> None:
    api(CREATE, {"i": {"id": "7b", "name": "Class 7b", "teacherIds": ["t-ada"]}})
    api(ENROL, {"c": "7b", "s": students})


class TestCohortWrites:
    def test_a_teacher_who_creates_a_cohort_teaches_it(self, api: Api) -> None:
        # Created with no teacher, the cohort was one its maker could not see, fill or delete; the id was taken.
        from auth.principal import Principal, Role

        maker = Principal(Role.TEACHER, "t-maker")
        made = api(CREATE, {"i": {"id": "mine", "name": "Mine"}}, maker)["createCohort"]
        assert made["teacherIds"] == ["t-maker"]
        from schema.http_endpoint import cohort_directory

        assert cohort_directory(api.kg).cohorts_taught_by("t-maker") == {"mine"}
        shared = api(CREATE, {"i": {"id": "ours", "teacherIds": ["t-other"]}}, maker)["createCohort"]
        assert sorted(shared["teacherIds"]) == ["t-maker", "t-other"]

    def test_a_class_id_a_teacher_took_first_grants_nothing_once_the_school_fills_it(self, api: Api) -> None:
        # A teacher created "8a" before the nightly roster did; the roster filled it and the teacher
        # read the class (an audit). The school's enrolment ends a teacher's own claims to a cohort.
        from auth.principal import Principal, Role
        from schema.http_endpoint import cohort_directory

        taker = Principal(Role.TEACHER, "t-taker")
        api(CREATE, {"i": {"id": "8a", "teacherIds": ["t-friend"]}}, taker)
        api(CREATE, {"i": {"id": "club"}}, taker)
        roster = """mutation($t: String!) { importRoster(csv: $t) { ... on RosterImport {
          cohortsCreated teachersAdded teachersRemoved teacherClaimsDropped } } }"""
        done = api(roster, {"t": "cohort,student,teacher\n8a,s1,t9\n8a,s2,t-friend\n"})["importRoster"]
        assert done == {"cohortsCreated": [], "teachersAdded": 1, "teachersRemoved": 1, "teacherClaimsDropped": ["8a"]}
        assert cohort_directory(api.kg).cohorts_taught_by("t-taker") == {"club"}
        assert cohort_directory(api.kg).cohorts_taught_by("t-friend") == {"8a"}, "the roster names them: confirmed"
        again = api(roster, {"t": "cohort,student,teacher\n8a,s3,t9\n"})["importRoster"]
        assert (again["teacherClaimsDropped"], again["teachersRemoved"]) == ([], 0), "confirmed teachers stay"
        # an admin's enrolment does the same; setCohortTeachers names a teacher for good
        filled = api(ENROL, {"c": "club", "s": ["s4"]})["enrolStudents"]
        assert filled["size"] == 1
        assert cohort_directory(api.kg).cohorts_taught_by("t-taker") == set()
        teachers = 'mutation { setCohortTeachers(cohortId: "club", teacherIds: ["t-taker"]) { ... on Cohort { id } } }'
        api(teachers)
        api(ENROL, {"c": "club", "s": ["s5"]})
        assert cohort_directory(api.kg).cohorts_taught_by("t-taker") == {"club"}

    def test_create_enrol_remove_delete(self, api: Api) -> None:
        created = api(CREATE, {"i": {"id": "7b", "name": "Class 7b", "teacherIds": ["t-ada", "t-bo"]}})
        assert created["createCohort"] == {
            "__typename": "Cohort", "id": "7b", "name": "Class 7b", "teacherIds": ["t-ada", "t-bo"], "size": 0,
        }  # fmt: skip
        enrolled = api(ENROL, {"c": "7b", "s": ["s2", "s1", "s2"]})["enrolStudents"]
        assert (enrolled["size"], [s["id"] for s in enrolled["students"]]) == (2, ["s1", "s2"])
        removed = api(REMOVE, {"c": "7b", "s": ["s1", "nobody"]})["removeStudents"]
        assert (removed["size"], removed["students"]) == (1, [{"id": "s2"}])
        deleted = api('mutation { deleteCohort(id: "7b") { ... on Deleted { id } } }')
        assert deleted["deleteCohort"] == {"id": "7b"}
        assert api(COHORTS)["cohorts"] == []
        assert api('{ student(id: "s2") { id } }')["student"] == {"id": "s2"}  # the student stays

    def test_a_cohort_is_renamed_without_a_roster_line(self, api: Api) -> None:
        # A roster renamed a cohort only with a line enrolling someone: an empty class kept its old name.
        api(CREATE, {"i": {"id": "7b", "name": "Class 7b"}})
        rename = """mutation($n: String!) { renameCohort(cohortId: "7b", name: $n) {
          ... on Cohort { id name } ... on CohortError { code field } } }"""
        assert api(rename, {"n": " Math 7B (spring) "})["renameCohort"] == {"id": "7b", "name": "Math 7B (spring)"}
        assert api(COHORTS)["cohorts"][0]["name"] == "Math 7B (spring)"
        assert api(rename, {"n": ""})["renameCohort"] == {"id": "7b", "name": ""}
        assert api(rename, {"n": "two\nlines"})["renameCohort"] == {"code": "INVALID", "field": "name"}
        missing = api('mutation { renameCohort(cohortId: "8a", name: "X") { ... on CohortError { code } } }')
        assert missing["renameCohort"] == {"code": "NOT_FOUND"}

    def test_refusals_are_typed(self, api: Api) -> None:
        api(CREATE, {"i": {"id": "7b"}})
        again = api(CREATE, {"i": {"id": "7b"}})["createCohort"]
        assert (again["code"], again["subjectId"]) == ("DUPLICATE", "7b")
        missing = api(ENROL, {"c": "8a", "s": ["s1"]})["enrolStudents"]
        assert (missing["__typename"], missing["code"], missing["subjectId"]) == ("CohortError", "NOT_FOUND", "8a")
        bad = api(CREATE, {"i": {"id": "not a slug"}})["createCohort"]
        assert bad["code"] == "INVALID"
        # `field` is the argument's own name and path (it said cohortId and studentId)
        fields = "... on CohortError { code field }"
        gone = api(f'mutation {{ deleteCohort(id: "8a") {{ {fields} }} }}')["deleteCohort"]
        assert gone == {"code": "NOT_FOUND", "field": "id"}
        empty = api(f'mutation {{ enrolStudents(cohortId: "7b", studentIds: ["s1", " "]) {{ {fields} }} }}')
        assert empty["enrolStudents"]["code"] == "INVALID"
        assert empty["enrolStudents"]["field"].startswith("studentIds")

    def test_a_name_or_teacher_id_is_checked_whichever_mutation_sets_it(self, api: Api) -> None:
        # createCohort stored a NUL and a direction override in a name renameCohort refuses, a name of
        # 500,000 characters, and 20,000 teacher ids; setCohortTeachers and importRoster took any id (an audit).
        fields = "... on CohortError { code field message }"
        made = f"mutation($i: CreateCohortInput!) {{ createCohort(input: $i) {{ {fields} }} }}"
        for given, field in (
            ({"id": "c1", "name": "a\u0000b"}, "name"),
            ({"id": "c1", "name": "x" * 501}, "name"),
            ({"id": "c1", "teacherIds": ["t-ok", "t\u202ex"]}, "teacherIds.1"),
            ({"id": "c1", "teacherIds": [f"t{n}" for n in range(101)]}, "teacherIds"),
        ):
            refused = api(made, {"i": given})["createCohort"]
            assert (refused["code"], refused["field"]) == ("INVALID", field), given
        assert api(COHORTS)["cohorts"] == []
        api(CREATE, {"i": {"id": "c1"}})
        teachers = f'mutation($t: [String!]!) {{ setCohortTeachers(cohortId: "c1", teacherIds: $t) {{ {fields} }} }}'
        refused = api(teachers, {"t": ["t\u0000x"]})["setCohortTeachers"]
        assert (refused["code"], refused["field"]) == ("INVALID", "teacherIds.0")
        roster = api(ROSTER, {"t": "cohort,student,teacher\nc1,s1,t-ok|t\u202ex\n"})["importRoster"]
        assert roster["problems"] == [
            "csv:line 2: teacher 't\\u202ex' has U+202E in its id, an invisible control or direction override: "
            "remove it"
        ]


class TestImportRoster:
    def test_a_bad_line_refuses_the_whole_roster(self, api: Api) -> None:
        text = "cohort,student,teacher\n7b,s1,t-ada\n7b,,t-ada\n8 a,s3,\n"
        result = api(ROSTER, {"t": text})["importRoster"]
        assert result["code"] == "INVALID"
        assert result["problems"] == [
            "csv:line 3: student is empty",
            "csv:line 4: cohort '8 a' is not a slug or an absolute IRI",
        ]
        assert api(COHORTS)["cohorts"] == []

    def test_a_repeated_line_is_named(self, api: Api) -> None:
        query = "mutation($t: String!) { importRoster(csv: $t) { ... on RosterImport { enrolled repeatedLines } } }"
        result = api(query, {"t": "cohort,student\n7b,s1\n7b,s2\n8a,s1\n7b,s1\n"})["importRoster"]
        assert result == {"enrolled": 3, "repeatedLines": [5]}

    def test_creates_cohorts_enrols_and_replaces(self, api: Api) -> None:
        make_class(api, ["s1", "old"])
        text = "cohort,student,teacher\n7b,s1,t-cy\n7b,s2,\n8a,s3,t-dee\n"
        result = api(ROSTER, {"t": text, "r": True})["importRoster"]
        assert result == {"__typename": "RosterImport", "cohortsCreated": ["8a"], "enrolled": 2, "alreadyEnrolled": 1,
                          "removed": 1, "teachersAdded": 2}  # fmt: skip
        assert api(COHORTS)["cohorts"] == [
            {"id": "7b", "name": "Class 7b", "teacherIds": ["t-cy"], "size": 2},  # t-ada is off the roster
            {"id": "8a", "name": "", "teacherIds": ["t-dee"], "size": 1},
        ]


class TestCohortMastery:
    def test_figures_match_the_stored_estimates_and_follow_new_attempts(self, api: Api) -> None:
        students = [f"s{i}" for i in range(6)]
        make_class(api, [*students, "quiet"])
        for n, student in enumerate(students):
            assert api(RECORD, {"a": attempts(student, [1] * n + [0])})["recordAttempts"]["accepted"] == n + 1

        def stored() -> list[float]:
            return [api(STORED, {"id": s})["student"]["mastery"][0]["probability"] for s in students]

        row = api(MASTERY, {"c": "7b", "k": ["slope"]})["cohortMastery"]["concepts"][0]
        probabilities = stored()
        assert row["concept"] == {"id": "slope"}
        assert row["students"] == 6  # "quiet" has no estimate
        assert row["mean"] == pytest.approx(statistics.fmean(probabilities), abs=1e-6)
        assert row["median"] == pytest.approx(statistics.median(probabilities), abs=1e-6)
        assert sum(b["count"] for b in row["histogram"]) == 6
        assert [b["lower"] for b in row["histogram"]] == [0.0, 0.25, 0.5, 0.75]
        assert row["atOrAbove"] == pytest.approx(sum(p >= 0.5 for p in probabilities) / 6)

        api(RECORD, {"a": attempts("s0", [1, 1, 1, 1], day=2)})  # the per-process table follows the write
        again = api(MASTERY, {"c": "7b", "k": ["slope"]})["cohortMastery"]["concepts"][0]
        assert again["mean"] == pytest.approx(statistics.fmean(stored()), abs=1e-6)
        assert again["mean"] > row["mean"]

    def test_analysts_get_small_cells_suppressed(self, api: Api) -> None:
        make_class(api, ["a", "b", "c"])
        for s in ("a", "b", "c"):
            api(RECORD, {"a": attempts(s, [1, 0])})
        analyst = MASTERY.replace("bins: 4", "bins: 5")  # analysts' bins divide 10
        result = api(analyst, {"c": "7b", "k": ["slope", "exponent_laws"]}, context_type=AnalystContext)[
            "cohortMastery"
        ]
        assert result["minCell"] == 5
        slope, exponents = result["concepts"]
        assert slope == {"concept": {"id": "slope"}, "students": None, "mean": None, "q1": None, "median": None,
                         "q3": None, "histogram": None, "atOrAbove": None, "suppressed": True}  # fmt: skip
        assert (exponents["students"], exponents["suppressed"]) == (None, True)  # "none of them" is about each
        full = api(MASTERY, {"c": "7b", "k": ["slope"]})["cohortMastery"]
        assert (full["minCell"], full["concepts"][0]["students"]) == (None, 3)

    def test_analysts_ask_on_a_grid(self, api: Api) -> None:
        # A threshold moved a little at a time flipped a share between shown and withheld at one
        # student's value; bins of 7, 8, 9 differenced against each other placed students as finely.
        make_class(api, ["a"])
        query = """query($b: Int!, $t: Float!) { cohortMastery(cohortId: "7b", bins: $b, threshold: $t) {
          __typename ... on CohortError { code field message } } }"""
        refused = api(query, {"b": 10, "t": 0.63}, context_type=AnalystContext)["cohortMastery"]
        assert (refused["code"], refused["field"]) == ("INVALID", "threshold")
        assert "multiple of 0.1" in refused["message"]
        hair = api(query, {"b": 10, "t": 0.30000000001}, context_type=AnalystContext)["cohortMastery"]
        assert (hair["code"], hair["field"]) == ("INVALID", "threshold")  # a 1e-9 margin let it through
        refused = api(query, {"b": 4, "t": 0.6}, context_type=AnalystContext)["cohortMastery"]
        assert (refused["code"], refused["field"], refused["message"]) == (
            "INVALID",
            "bins",
            "bins must divide 10 (1, 2, 5 or 10) with a minimum cell size, not 4",
        )
        assert api(query, {"b": 4, "t": 0.63})["cohortMastery"] == {"__typename": "CohortMastery"}  # a teacher's
        trend = """{ masteryTrend(cohortId: "7b", conceptId: "slope", threshold: 0.75) {
          __typename ... on CohortError { field } } }"""
        assert api(trend, context_type=AnalystContext)["masteryTrend"] == {
            "__typename": "CohortError",
            "field": "threshold",
        }
        risk = """{ atRisk(cohortId: "7b", targets: ["slope"], threshold: 0.55) {
          __typename ... on CohortError { field } } }"""
        assert api(risk, context_type=AnalystContext)["atRisk"] == {"__typename": "CohortError", "field": "threshold"}

    def test_unknown_cohort_or_concept(self, api: Api) -> None:
        assert api(MASTERY, {"c": "nope"})["cohortMastery"]["code"] == "NOT_FOUND"
        # every unknown id is listed, the cohort's too (it was [])
        unknown = api('{ cohortMastery(cohortId: "nope") { ... on CohortError { message problems } } }')[
            "cohortMastery"
        ]
        assert unknown["problems"] == [unknown["message"]]
        make_class(api, ["a"])
        refused = api(MASTERY, {"c": "7b", "k": ["no_such"]})["cohortMastery"]
        assert (refused["code"], refused["subjectId"], refused["field"]) == ("NOT_FOUND", "no_such", "conceptIds")
        # only the first unknown target was named, with no suggestion, where learningPath names each
        risk = """{ atRisk(cohortId: "7b", targets: ["slop", "slope", "x_y_z"]) {
          ... on CohortError { code field message problems } } }"""
        both = api(risk)["atRisk"]
        assert (both["code"], both["field"]) == ("NOT_FOUND", "targets")
        assert "and 1 more" in both["message"]
        assert [p.split(" does not exist")[0] for p in both["problems"]] == ["concept 'slop'", "concept 'x_y_z'"]
        assert "did you mean 'slope'" in both["problems"][0]

    def test_out_of_range_arguments_are_refused_before_any_work(self, api: Api) -> None:
        make_class(api, ["a"])
        query = """query($b: Int!, $t: Float!) { cohortMastery(cohortId: "7b", bins: $b, threshold: $t) {
          ... on CohortError { code field } } }"""
        for variables, field in (({"b": 2_000_000_000, "t": 0.5}, "bins"), ({"b": 0, "t": 0.5}, "bins"),
                                 ({"b": 10, "t": 1.5}, "threshold")):  # fmt: skip
            assert api(query, variables)["cohortMastery"] == {"code": "INVALID", "field": field}
        risk = """query($k: [ID!]!, $t: Float!) { atRisk(cohortId: "7b", targets: $k, threshold: $t) {
          ... on CohortError { code field } } }"""
        assert api(risk, {"k": ["slope"], "t": 5.0})["atRisk"] == {"code": "INVALID", "field": "threshold"}
        assert api(risk, {"k": [], "t": 0.5})["atRisk"] == {"code": "INVALID", "field": "targets"}


class TestOtherFigures:
    def test_difficulty_at_risk_and_trend(self, api: Api) -> None:
        make_class(api, ["good", "weak"])
        api(RECORD, {"a": attempts("good", [1, 1, 1])})
        api(RECORD, {"a": attempts("weak", [0, 0, 0, 0, 0])})
        difficulty = api(
            """{ conceptDifficulty(cohortId: "7b") { ... on CohortDifficulty {
                 concepts { concept { id } students firstAttemptSuccess mastered attemptsToMastery stuck stuckShare }
                 mostStuck { concept { id } } } } }"""
        )["conceptDifficulty"]
        assert difficulty["concepts"] == [
            {"concept": {"id": "slope"}, "students": 2, "firstAttemptSuccess": 0.5, "mastered": 1,
             "attemptsToMastery": 3.0, "stuck": 1, "stuckShare": 0.5},
        ]  # fmt: skip
        assert difficulty["mostStuck"] == [{"concept": {"id": "slope"}}]

        risk = api(
            """{ atRisk(cohortId: "7b", targets: ["slope_intercept_form"], threshold: 0.5) { ... on CohortAtRisk {
                 targets { target { id } studentsAtRisk blocking { concept { id } students }
                           students { student { id } weak { concept { id } probability } } } } } }"""
        )["atRisk"]["targets"][0]
        assert risk["studentsAtRisk"] == 1
        assert risk["students"][0]["student"] == {"id": "weak"}
        assert [w["concept"]["id"] for w in risk["students"][0]["weak"]] == ["slope"]
        assert risk["blocking"] == [{"concept": {"id": "slope"}, "students": 1}]

        trend = api(
            """{ masteryTrend(cohortId: "7b", conceptId: "slope", interval: DAY, window: 3) { ... on MasteryTrend {
                 interval points { start attempts active successRate students rollingSuccess masteredShare } } } }"""
        )["masteryTrend"]
        assert trend["interval"] == "DAY"
        assert trend["points"] == [
            {"start": "2026-02-01T00:00:00+00:00", "attempts": 8, "active": 2, "successRate": 0.375, "students": 2,
             "rollingSuccess": 0.5, "masteredShare": 0.5},
        ]  # fmt: skip

        # The same answers, on a Pacific school's calendar (8 pm on 31 January there is 04:00 UTC on 1 February).
        pacific = api(
            """{ masteryTrend(cohortId: "7b", conceptId: "slope", interval: DAY, timeZone: "America/Los_Angeles") {
                 ... on MasteryTrend { timeZone points { start attempts } } } }"""
        )["masteryTrend"]
        assert pacific["timeZone"] == "America/Los_Angeles"
        assert all(p["start"].endswith("T00:00:00-08:00") for p in pacific["points"])
        assert sum(p["attempts"] for p in pacific["points"]) == 8
        wrong = api(
            """{ masteryTrend(cohortId: "7b", conceptId: "slope", timeZone: "Europe/Berln") {
                 ... on CohortError { code field message } } }"""
        )["masteryTrend"]
        assert (wrong["code"], wrong["field"]) == ("INVALID", "timeZone")
        assert "did you mean 'Europe/Berlin'?" in wrong["message"]


def store_estimates(api: Api, concept: str, values: dict[str, float]) -> None:
    """Write these estimates as the model would (each member's latest estimate of ``concept``)."""
    from datetime import UTC, datetime

    from graph.mastery import estimate_triples
    from graph.model import MasteryEstimate

    when = datetime(2026, 2, 1, tzinfo=UTC)
    found = [MasteryEstimate(s, concept, v, "test", when) for s, v in values.items()]
    api.kg.commit([], [t for e in found for t in estimate_triples(e)], lambda: None)


class TestAnalystsCannotDifference:
    """Figures an analyst can ask for over and over, each within the rule, differenced against each other."""

    def test_at_risk_mastered_swept_over_thresholds_shows_only_what_cohort_mastery_does(self, api: Api) -> None:
        # On the demo, atRisk's mastered over 0.1..0.9 gave 35,35,35,35,34,31,22,18,14 while cohortMastery
        # withheld every bin: cells of 1, 3 and 4 students by subtraction.
        values = [0.95] * 5 + [0.85] + [0.75] * 3 + [0.65] * 4 + [0.1] * 5
        students = [f"s{i:02d}" for i in range(len(values))]
        make_class(api, students)
        store_estimates(api, "slope_intercept_form", dict(zip(students, values, strict=True)))
        risk = """query($t: Float!) { atRisk(cohortId: "7b", targets: ["slope_intercept_form"], threshold: $t) {
          ... on CohortAtRisk { targets { mastered } } } }"""
        share = """query($t: Float!) { cohortMastery(cohortId: "7b", conceptIds: ["slope_intercept_form"],
          threshold: $t) { ... on CohortMastery { concepts { students atOrAbove } } } }"""
        shown = {}
        for t in (k / 10 for k in range(1, 10)):
            [row] = api(risk, {"t": t}, context_type=AnalystContext)["atRisk"]["targets"]
            [stats] = api(share, {"t": t}, context_type=AnalystContext)["cohortMastery"]["concepts"]
            assert (row["mastered"] is None) == (stats["atOrAbove"] is None), t
            shown[t] = row["mastered"]
        assert (shown[0.9], shown[0.8], shown[0.7], shown[0.5]) == (None, 6, None, 13)

    def test_parameters_without_a_grid_are_fixed_for_analysts(self, api: Api) -> None:
        # stuckAfter 1 and 2 gave stuck 6 and 5 (one student); a trend in UTC and in Etc/GMT-12 moved one
        # student's attempt across a week's end (attempts 24 -> 23, active 7 -> 6, students 8 -> 7).
        make_class(api, ["a"])
        fields = "__typename ... on CohortError { code field message }"
        trend = '{ masteryTrend(cohortId: "7b", conceptId: "slope", %s) { %s } }'
        asked = {
            "stuckAfter": f'{{ conceptDifficulty(cohortId: "7b", stuckAfter: 1) {{ {fields} }} }}',
            "streak": f'{{ conceptDifficulty(cohortId: "7b", streak: 2) {{ {fields} }} }}',
            "missingIsWeak": f'{{ atRisk(cohortId: "7b", targets: ["slope"], missingIsWeak: true) {{ {fields} }} }}',
            "interval": trend % ("interval: DAY", fields),
            "window": trend % ("window: 3", fields),
            "timeZone": trend % ('timeZone: "Etc/GMT-12"', fields),
        }
        for field, query in asked.items():
            [refused] = api(query, context_type=AnalystContext).values()
            assert (refused["code"], refused["field"]) == ("INVALID", field), refused
            assert "is fixed at" in refused["message"]
            [answered] = api(query).values()  # an admin's: free
            assert answered["__typename"] != "CohortError", (field, answered)
        school = """{ masteryTrend(cohortId: "7b", conceptId: "slope", interval: WEEK, window: 5, timeZone: "UTC") {
          __typename ... on MasteryTrend { timeZone } } }"""
        assert api(school, context_type=AnalystContext)["masteryTrend"] == {"__typename": "MasteryTrend",
                                                                            "timeZone": "UTC"}  # fmt: skip
        # another name of the school's zone is the school's zone: "Etc/UTC" was refused where the school keeps "UTC"
        alias = school.replace('timeZone: "UTC"', 'timeZone: "Etc/UTC"')
        assert api(alias, context_type=AnalystContext)["masteryTrend"] == {"__typename": "MasteryTrend",
                                                                           "timeZone": "UTC"}  # fmt: skip
        defaults = '{ conceptDifficulty(cohortId: "7b", streak: 3, stuckAfter: 5) { __typename } }'
        assert api(defaults, context_type=AnalystContext)["conceptDifficulty"] == {"__typename": "CohortDifficulty"}

    def test_a_trend_refused_to_an_analyst_gives_no_date(self, api: Api) -> None:
        # "the attempts run from 2003-04-05 to 2026-10-28 ...": the first date was one student's backdated attempt.
        make_class(api, ["a", "b"])
        api(RECORD, {"a": attempts("a", [1, 0]) + attempts("b", [1])})
        early = Attempt("backdated", "a", UNTIMED_EPOCH.replace(year=2003, month=4, day=5), 1.0, concepts=("slope",))
        record_attempts(api.kg, [early])
        query = """{ masteryTrend(cohortId: "7b", conceptId: "slope") { ... on CohortError { code field message } } }"""
        refused = api(query, context_type=AnalystContext)["masteryTrend"]
        assert (refused["code"], refused["field"]) == ("INVALID", "interval")
        assert "2003" not in refused["message"]
        assert "2026" not in refused["message"]
        assert "from 2003-03-31" in api(query)["masteryTrend"]["message"]  # an admin's keeps them (its week)

    def test_what_one_answer_leaves_between_its_counts_is_none_or_k(self, api: Api) -> None:
        # conceptDifficulty gave students 25, mastered 15, stuck 7: three had tried and done neither.
        scores = [[1, 1, 1]] * 15 + [[0] * 5] * 7 + [[0]] * 3
        students = [f"s{i:02d}" for i in range(len(scores))]
        make_class(api, students)
        api(RECORD, {"a": [a for s, sc in zip(students, scores, strict=True) for a in attempts(s, sc)]})
        query = """{ conceptDifficulty(cohortId: "7b") { ... on CohortDifficulty {
          concepts { students mastered attemptsToMastery stuck suppressed } } } }"""
        [row] = api(query, context_type=AnalystContext)["conceptDifficulty"]["concepts"]
        assert row == {"students": 25, "mastered": None, "attemptsToMastery": None, "stuck": 7, "suppressed": True}
        # atRisk: size 27, studentsAtRisk 15, mastered 10 (cohortMastery shows it): two were neither.
        others = [f"r{i:02d}" for i in range(27)]
        api(CREATE, {"i": {"id": "8a"}})
        api(ENROL, {"c": "8a", "s": others})
        store_estimates(api, "slope_intercept_form", {s: 0.9 if i < 10 else 0.2 for i, s in enumerate(others)})
        store_estimates(api, "slope", {s: 0.1 if 10 <= i < 25 else 0.9 for i, s in enumerate(others)})
        risk = """{ atRisk(cohortId: "8a", targets: ["slope_intercept_form"]) { ... on CohortAtRisk {
          targets { studentsAtRisk mastered suppressed blocking { concept { id } students } } } } }"""
        [target] = api(risk, context_type=AnalystContext)["atRisk"]["targets"]
        assert (target["studentsAtRisk"], target["mastered"], target["suppressed"]) == (None, 10, True)
        assert {b["students"] for b in target["blocking"]} == {None}
        [full] = api(risk)["atRisk"]["targets"]
        assert (full["studentsAtRisk"], full["mastered"]) == (15, 10)

    def test_a_trend_beside_concept_difficulty_leaves_none_or_k_newcomers(self, api: Api) -> None:
        # conceptDifficulty's 9 students less a trend point's 5 were the four newcomers of later weeks.
        early, late = [f"e{i}" for i in range(5)], [f"l{i}" for i in range(4)]
        make_class(api, [*early, *late, *(f"z{i}" for i in range(6))])
        api(RECORD, {"a": [a for s in early for a in attempts(s, [1, 0], day=2)]})
        api(RECORD, {"a": [a for s in late for a in attempts(s, [1], day=23)]})
        difficulty = '{ conceptDifficulty(cohortId: "7b") { ... on CohortDifficulty { concepts { students } } } }'
        assert api(difficulty, context_type=AnalystContext)["conceptDifficulty"]["concepts"] == [{"students": 9}]
        trend = '{ masteryTrend(cohortId: "7b", conceptId: "slope") { ... on MasteryTrend { points { students } } } }'
        assert [p["students"] for p in api(trend)["masteryTrend"]["points"]] == [5, 5, 5, 9]
        assert api(trend, context_type=AnalystContext)["masteryTrend"]["points"] == []


def test_a_class_with_a_log_without_times_has_a_trend_by_day(api: Api) -> None:
    # masteryTrend by DAY or WEEK was refused ("more than 1000 points of one day") for a cohort whose history
    # held a pyKT import (stored one second apart from 1970) beside live attempts; by MONTH it ran from 1970.
    make_class(api, ["a", "b"])
    api(RECORD, {"a": attempts("a", [1, 0, 1]) + attempts("b", [1, 1], day=2)})
    logged = [Attempt(f"log-{s}-{k}", s, UNTIMED_EPOCH + timedelta(seconds=k), 1.0, concepts=("slope",))
              for s in ("a", "b") for k in range(3)]  # fmt: skip
    record_attempts(api.kg, logged)
    query = """query($i: TrendInterval!) { masteryTrend(cohortId: "7b", conceptId: "slope", interval: $i) {
      __typename ... on MasteryTrend { untimedAttempts points { start attempts } } ... on CohortError { message } } }"""
    day = api(query, {"i": "DAY"})["masteryTrend"]
    assert day == {
        "__typename": "MasteryTrend",
        "untimedAttempts": 6,
        "points": [{"start": "2026-02-01T00:00:00+00:00", "attempts": 3}, {"start": "2026-02-02T00:00:00+00:00",
                                                                           "attempts": 2}],
    }  # fmt: skip
    month = api(query, {"i": "MONTH"})["masteryTrend"]
    assert month["points"] == [{"start": "2026-02-01T00:00:00+00:00", "attempts": 5}]
    analyst = api(query, {"i": "WEEK"}, context_type=AnalystContext)["masteryTrend"]
    assert (analyst["__typename"], analyst["untimedAttempts"]) == ("MasteryTrend", None)  # two members: under k


def test_a_gradebook_sync_pages_through_one_class(api: Api) -> None:
    # students() had no cohort filter and a student no cohorts: a sync read every student it could see.
    import asyncio

    from auth.principal import Principal, Role
    from graph.cohorts import GraphCohortDirectory
    from resolvers.loaders import build_loaders

    make_class(api, ["s1", "s2", "s3"])
    api(CREATE, {"i": {"id": "8a", "name": "Class 8a", "teacherIds": ["t-bo"]}})
    api(ENROL, {"c": "8a", "s": ["s3", "s4"]})

    def as_teacher(teacher: str, query: str) -> dict[str, Any]:
        context = Context(
            kg=api.kg, loaders=build_loaders(api.kg, api.mastery), mastery=api.mastery, pseudonyms=api.pseudonyms,
            principal=Principal(Role.TEACHER, teacher), directory=GraphCohortDirectory(api.kg),
        )  # fmt: skip
        result = asyncio.run(api.schema.execute(query, context_value=context))
        assert result.errors is None, result.errors
        assert result.data is not None
        return result.data

    page = '{ students(cohortId: "%s", first: 2) { totalCount edges { node { id cohortIds } } } }'
    first = as_teacher("t-ada", page % "7b")["students"]
    assert first["totalCount"] == 3
    assert [e["node"] for e in first["edges"]] == [{"id": "s1", "cohortIds": ["7b"]}, {"id": "s2", "cohortIds": ["7b"]}]
    assert as_teacher("t-ada", page % "8a")["students"]["totalCount"] == 1  # s3 only: s4 is not theirs
    assert as_teacher("t-ada", page % "nowhere")["students"]["totalCount"] == 0
    s3 = as_teacher("t-bo", '{ student(id: "s3") { cohortIds } }')["student"]
    assert s3 == {"cohortIds": ["8a"]}  # 7b is not a cohort t-bo teaches
    assert api('{ student(id: "s3") { cohortIds } }')["student"] == {"cohortIds": ["7b", "8a"]}
    # an admin's sync with a mistyped class read an empty class, and could unenrol everyone
    admin = Context(kg=api.kg, loaders=build_loaders(api.kg, api.mastery), pseudonyms=api.pseudonyms)
    typo = asyncio.run(api.schema.execute('{ students(cohortId: "7bb") { totalCount } }', context_value=admin))
    assert [(e.extensions or {}).get("code") for e in typo.errors or []] == ["NOT_FOUND"]


@pytest.mark.parametrize(
    ("report", "query"),
    [
        ("cohort_mastery", '{ cohortMastery(cohortId: "7b") { __typename } }'),
        ("concept_difficulty", '{ conceptDifficulty(cohortId: "7b") { __typename } }'),
        ("at_risk", '{ atRisk(cohortId: "7b", targets: ["slope"]) { __typename } }'),
        ("mastery_trend", '{ masteryTrend(cohortId: "7b", conceptId: "slope") { __typename } }'),
        ("import_csv", 'mutation { importRoster(csv: "cohort,student\\n7b,cat\\n") { __typename } }'),
        ("enrol", 'mutation { enrolStudents(cohortId: "7b", studentIds: ["dan"]) { __typename } }'),
        ("remove", 'mutation { removeStudents(cohortId: "7b", studentIds: ["ann"]) { __typename } }'),
    ],
)
def test_a_cohort_report_or_roster_leaves_the_other_requests_served(
    api: Api, report: str, query: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # They ran on the event loop: conceptDifficulty over a 15,280-student cohort held every request for 33 s,
    # a district's importRoster 2.4 s.
    import resolvers.cohorts

    make_class(api, ["ann", "ben"])
    release = threading.Event()
    slow = getattr(resolvers.cohorts, report)
    monkeypatch.setattr(resolvers.cohorts, report, lambda *a, **k: release.wait(10) and slow(*a, **k))

    async def side_by_side() -> list[str]:
        done: list[str] = []

        async def run(name: str, text: str) -> None:
            await api.run(text)
            done.append(name)
            release.set()  # the report ends once the other request has been answered

        await asyncio.gather(run("report", query), run("count", "{ concepts { totalCount } }"))
        return done

    assert asyncio.run(side_by_side()) == ["count", "report"]
