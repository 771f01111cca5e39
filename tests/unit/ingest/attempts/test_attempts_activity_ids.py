"""xAPI statements naming an LMS's activity IRI land on the material that lists it, by file or from Moodle."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from cli.attempts import attempts
from graph.attempts import attempts_of, list_students
from graph.model import Attempt, Material, MaterialType
from graph.repository import KnowledgeGraph
from ingest.attempts.keyed import (
    NOT_A_MATERIAL,
    UNMAPPED_SHOWN,
    activity_materials,
    assessing_materials,
    item_concepts,
    without_unmapped,
)
from ingest.attempts.xapi import NOT_ASSESSED, parse_xapi
from settings import load_settings
from tests.conftest import DATA

QUESTION = "http://www.example.org/question/question.php?cmid=1&id=1"
H5P_COPY = "https://h5p.example/content/42"
MOODLE_QUIZ = DATA / "standards" / "xapi" / "moodle-logstore_xapi" / "tests" / "mod_quiz" / "attempt_submitted"
ANSWERED = "http://adlnet.gov/expapi/verbs/answered"


def statement(ident: str, activity: str, success: bool, verb: str = ANSWERED) -> dict[str, Any]:
    return {
        "id": ident,
        "actor": {"account": {"homePage": "https://lms.example", "name": "u1"}},
        "verb": {"id": verb},
        "object": {"id": activity},
        "result": {"success": success},
        "timestamp": "2026-11-28T09:01:00Z",
    }


def lines(*statements: dict[str, Any]) -> str:
    return "".join(json.dumps(s) + "\n" for s in statements)


@pytest.fixture
def quiz_kg(kg: KnowledgeGraph) -> KnowledgeGraph:
    """The small graph with a slug-named quiz that two LMS activities stand for."""
    activities = (QUESTION, H5P_COPY)
    kg.create_material(
        Material("factoring-quiz", "Quiz", MaterialType.EXERCISE, assesses=("eq",), activity_ids=activities)
    )
    return kg


def _stored(kg: KnowledgeGraph) -> list[Attempt]:
    return [a for history in attempts_of(kg, list_students(kg)).values() for a in history]


class TestParseXapi:
    def test_an_activity_a_material_lists_is_that_material_with_its_concepts(self, quiz_kg: KnowledgeGraph) -> None:
        text = lines(statement("s1", QUESTION, True), statement("s2", H5P_COPY, False), statement("s3", "m_eq", True))
        frame, report = parse_xapi(
            text, "log.jsonl", item_concepts=item_concepts(quiz_kg), activities=activity_materials(quiz_kg)
        )
        assert report.used == 3
        assert list(zip(frame["item"], frame["concept"], strict=True)) == [
            ("factoring-quiz", "eq"),
            ("factoring-quiz", "eq"),
            ("m_eq", "sub"),
        ]

    def test_a_materials_own_id_comes_before_an_activity_of_that_name(self) -> None:
        frame, _ = parse_xapi(
            lines(statement("s1", "http://x.org/m/1", True)),
            "log.jsonl",
            item_concepts={"http://x.org/m/1": ["add"], "other": ["sub"]},
            activities={"http://x.org/m/1": "other"},
        )
        assert frame["item"].tolist() == ["http://x.org/m/1"]

    def test_finishing_a_reading_by_its_lms_iri_is_no_answer(self, kg: KnowledgeGraph) -> None:
        kg.update_material(replace(kg.material("m_add"), activity_ids=("http://lms.example/book/1",)))
        completed = statement("s1", "http://lms.example/book/1", True, verb="http://adlnet.gov/expapi/verbs/completed")
        frame, report = parse_xapi(
            lines(completed),
            "log.jsonl",
            item_concepts=item_concepts(kg),
            activities=activity_materials(kg),
            assessing=assessing_materials(kg),
        )
        assert frame.empty
        assert report.skipped == {NOT_ASSESSED: 1}


def invoke(kg: KnowledgeGraph, *args: str) -> Result:
    obj: dict[str, Any] = {"settings": load_settings(), "store": "memory", "kg": kg}
    return CliRunner().invoke(attempts, ["import", *args], obj=obj)


def report(result: Result) -> dict[str, Any]:
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.stdout[result.stdout.index("{") :]))


class TestImportCommand:
    def test_statements_by_lms_iri_are_recorded_under_the_materials_id_once(
        self, quiz_kg: KnowledgeGraph, tmp_path: Path
    ) -> None:
        path = tmp_path / "day.jsonl"
        path.write_text(lines(statement("s1", QUESTION, True), statement("s2", H5P_COPY, False)))
        out = report(invoke(quiz_kg, str(path), "--format", "xapi", "--json"))
        assert (out["accepted"], out["missing_materials"]) == (2, 0)
        assert {(a.material, a.concepts) for a in _stored(quiz_kg)} == {("factoring-quiz", ("eq",))}
        again = report(invoke(quiz_kg, str(path), "--format", "xapi", "--json"))
        assert (again["accepted"], again["duplicates"]) == (0, 2)

    def test_an_unmapped_activity_is_still_missing(self, quiz_kg: KnowledgeGraph, tmp_path: Path) -> None:
        path = tmp_path / "day.jsonl"
        path.write_text(lines(statement("s1", QUESTION, True), statement("s2", "http://lms.example/q/9", True)))
        refused = invoke(quiz_kg, str(path), "--format", "xapi")
        assert refused.exit_code == 1
        assert "1 item(s) not in the graph as materials: http://lms.example/q/9 (day.jsonl line 2)" in refused.output

    def test_a_moodle_log_imports_with_the_statements_about_no_material_skipped_and_named(
        self, quiz_kg: KnowledgeGraph, tmp_path: Path
    ) -> None:
        # Every nightly Moodle file was refused (its quiz-level statements name no material), and
        # --create-missing made a bare exercise of each quiz attempt, its completion an answer.
        quiz = "http://www.example.org/mod/quiz/attempt.php?attempt={}&cmid=1"
        other = "http://www.example.org/question/question.php?cmid=1&id=2"
        day = [statement("s1", QUESTION, True), statement("s2", quiz.format(1), True), statement("s3", other, False)]
        day += [statement("s4", quiz.format(2), True), statement("s5", other, True)]
        path = tmp_path / "day.jsonl"
        path.write_text(lines(*day))
        materials = set(quiz_kg.projection.material_ids)
        out = report(invoke(quiz_kg, str(path), "--format", "xapi", "--skip-unmapped", "--json"))
        assert (out["accepted"], out["missing_materials"], out["created_materials"]) == (1, 0, 0)
        assert (out["xapi"]["used"], out["xapi"]["skipped"]) == (1, {NOT_A_MATERIAL: 4})
        assert out["xapi"]["unmapped_activities"] == [
            {"activity_id": other, "statements": 2},  # a question still to map: the most-named first
            {"activity_id": quiz.format(1), "statements": 1},
            {"activity_id": quiz.format(2), "statements": 1},
        ]
        assert out["xapi"]["more_unmapped_activities"] == 0
        assert set(quiz_kg.projection.material_ids) == materials, "no material per quiz attempt"
        text = invoke(quiz_kg, str(path), "--format", "xapi", "--skip-unmapped")
        assert text.exit_code == 0, text.output
        assert "accepted: 0  duplicates: 1" in text.output
        assert "skipped as no material: 4 statement(s) about 3 activit(ies)" in text.output
        assert f"    {other} (2)\n" in text.output
        refused = invoke(quiz_kg, str(path), "--format", "xapi")  # without the option: refused, as before
        assert refused.exit_code == 1
        assert "3 item(s) not in the graph as materials: " in refused.output
        assert "pass --skip-unmapped" in refused.output

    def test_skipping_applies_to_xapi_logs_and_not_with_create_missing(
        self, quiz_kg: KnowledgeGraph, tmp_path: Path
    ) -> None:
        path = tmp_path / "day.jsonl"
        path.write_text(lines(statement("s1", QUESTION, True)))
        both = invoke(quiz_kg, str(path), "--format", "xapi", "--skip-unmapped", "--create-missing")
        assert both.exit_code == 2
        assert "give --skip-unmapped or --create-missing, not both" in both.output
        (tmp_path / "log.csv").write_text("student,item,correct\nal,m_eq,1\n")
        csv = invoke(quiz_kg, str(tmp_path / "log.csv"), "--format", "csv", "--skip-unmapped")
        assert csv.exit_code == 2
        assert "--skip-unmapped applies to xapi logs" in csv.output


class TestWithoutUnmapped:
    def test_the_activities_no_material_is_are_left_out_and_counted(self, quiz_kg: KnowledgeGraph) -> None:
        sent = [statement(f"s{n}", f"http://lms.example/quiz/attempt.php?attempt={n:02}", True) for n in range(25)]
        sent += [statement("q1", QUESTION, True), statement("x1", "http://lms.example/q/9", True)]
        sent.append({**statement("x2", "http://lms.example/q/9", False), "actor": {"mbox": "mailto:a@example.org"}})
        frame, _ = parse_xapi(
            lines(*sent), "log.jsonl", item_concepts=item_concepts(quiz_kg), activities=activity_materials(quiz_kg)
        )
        kept, unmapped = without_unmapped(frame, quiz_kg.projection.material_ids)
        assert kept["item"].tolist() == ["factoring-quiz"]
        assert unmapped.statements == 27
        assert unmapped.activities[0] == ("http://lms.example/q/9", 2)
        assert unmapped.activities[1] == ("http://lms.example/quiz/attempt.php?attempt=00", 1)
        assert (len(unmapped.activities), unmapped.not_shown) == (UNMAPPED_SHOWN, 26 - UNMAPPED_SHOWN)
        same, none = without_unmapped(kept, quiz_kg.projection.material_ids)
        assert (len(same), none.statements, none.activities) == (1, 0, ())


@pytest.mark.skipif(not MOODLE_QUIZ.is_dir(), reason=f"Moodle logstore_xapi fixtures not at {MOODLE_QUIZ}")
def test_moodle_quiz_answers_land_on_the_material_listing_the_question(quiz_kg: KnowledgeGraph, tmp_path: Path) -> None:
    # logstore_xapi's own test statements: per question type, the quiz attempt's `completed` and the
    # question's `answered`, with no id and no timestamp (the file's order dates them, as for any such log).
    files = sorted(str(p) for p in MOODLE_QUIZ.glob("*/statements.json"))
    answers = [
        s
        for path in files
        for s in json.loads(Path(path).read_text(encoding="utf-8"))
        if s["object"]["id"] == QUESTION and isinstance(s.get("result", {}).get("success"), bool)
    ]
    assert answers, "the fixtures hold graded answers to the question"
    # the quiz attempt's own IRI is no material: --create-missing makes it a bare exercise, which assesses
    # nothing, so its completions are skipped as every later import skips them (the first import stored
    # them); the question is the quiz
    out = report(invoke(quiz_kg, *files, "--format", "xapi", "--create-missing", "--json"))
    assert out["missing_materials"] == 1
    assert out["xapi"]["skipped"]["completion of a material that assesses nothing"] > 0
    assert "http://www.example.org/mod/quiz/attempt.php?attempt=1&cmid=1" in quiz_kg.projection.material_ids
    on_quiz = [a for a in _stored(quiz_kg) if a.material == "factoring-quiz"]
    assert len(on_quiz) == len(answers)
    assert {a.concepts for a in on_quiz} == {("eq",)}
    assert sorted(a.score for a in on_quiz) == sorted(float(s["result"]["success"]) for s in answers)
    again = report(invoke(quiz_kg, *files, "--format", "xapi", "--json"))
    assert again["accepted"] == 0


@pytest.mark.skipif(not MOODLE_QUIZ.is_dir(), reason=f"Moodle logstore_xapi fixtures not at {MOODLE_QUIZ}")
def test_moodle_quiz_logs_import_with_their_quiz_attempts_skipped(quiz_kg: KnowledgeGraph) -> None:
    files = sorted(str(p) for p in MOODLE_QUIZ.glob("*/statements.json"))
    refused = invoke(quiz_kg, *files, "--format", "xapi")
    assert refused.exit_code == 1, "the quiz attempt's own IRI is no material"
    materials = set(quiz_kg.projection.material_ids)
    out = report(invoke(quiz_kg, *files, "--format", "xapi", "--skip-unmapped", "--json"))
    assert out["accepted"] == len([a for a in _stored(quiz_kg) if a.material == "factoring-quiz"]) > 0
    assert out["missing_materials"] == 0
    named = {a["activity_id"] for a in out["xapi"]["unmapped_activities"]}
    assert "http://www.example.org/mod/quiz/attempt.php?attempt=1&cmid=1" in named
    assert set(quiz_kg.projection.material_ids) == materials
