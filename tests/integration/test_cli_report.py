"""``pathwise report``: cohort figures as CSV, and mastery heatmaps as real PNG and SVG files."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import main
from cli.report import report
from graph.attempts import record_attempts
from graph.cohorts import create_cohort, enrol_students
from graph.mastery import estimate_triples
from graph.model import UNTIMED_EPOCH, Attempt, MasteryEstimate
from graph.repository import KnowledgeGraph

WHEN = datetime(2026, 3, 2, 9, tzinfo=UTC)


@pytest.fixture
def school(kg: KnowledgeGraph) -> KnowledgeGraph:
    """Cohort 7b (s1..s6) with estimates of add and sub; cohort 8a (t1, t2) with add only; attempts on add."""
    create_cohort(kg, "7b", "Class 7b", ["t-ada"])
    enrol_students(kg, "7b", [f"s{i}" for i in range(1, 7)])
    create_cohort(kg, "8a")
    enrol_students(kg, "8a", ["t1", "t2"])
    estimates = [MasteryEstimate(f"s{i}", "add", i / 10, "test", WHEN) for i in range(1, 7)]
    estimates += [MasteryEstimate(f"s{i}", "sub", 0.9, "test", WHEN) for i in range(1, 4)]
    estimates += [MasteryEstimate("t1", "add", 0.2, "test", WHEN), MasteryEstimate("t2", "add", 0.4, "test", WHEN)]
    kg.commit([], [t for e in estimates for t in estimate_triples(e)], lambda: None)
    attempts = [
        Attempt(f"a{i}{n}", f"s{i}", WHEN.replace(minute=n), float(n > 0 or i % 2), concepts=("add",))
        for i in range(1, 7)
        for n in range(3)
    ]
    record_attempts(kg, attempts)
    return kg


def run(kg: KnowledgeGraph, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(report, list(args), obj={"kg": kg}, catch_exceptions=False)
    return result.exit_code, result.output


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_a_trend_says_on_stderr_what_it_left_out_for_want_of_a_time(school: KnowledgeGraph) -> None:
    # A log without times is stored from 1970: beside these live attempts, a trend by day was refused.
    logged = [Attempt(f"log{k}", "s1", UNTIMED_EPOCH + timedelta(seconds=k), 1.0, concepts=("add",)) for k in range(2)]
    record_attempts(school, logged)
    args = ["trend", "--cohort", "7b", "--concept", "add", "--interval", "day"]
    result = CliRunner().invoke(report, args, obj={"kg": school}, catch_exceptions=False)
    assert result.exit_code == 0
    assert [p["start"] for p in rows(result.stdout)] == ["2026-03-02T00:00:00+00:00"]
    assert "left out: 2 attempt(s) without a time" in result.stderr


class TestReportCsv:
    def test_mastery_to_a_file(self, school: KnowledgeGraph, tmp_path: Path) -> None:
        out = tmp_path / "mastery.csv"
        code, _ = run(school, "mastery", "--cohort", "7b", "--concepts", "add,sub", "--bins", "2", "--output", str(out))
        assert code == 0
        add, sub = rows(out.read_text())
        assert add == {"concept": "add", "students": "6", "mean": "0.35", "q1": "0.225", "median": "0.35",
                       "q3": "0.475", "at_or_above_0.8": "0", "suppressed": "false",
                       "bin_0.00_0.50": "4", "bin_0.50_1.00": "2"}  # fmt: skip
        assert (sub["students"], sub["mean"], sub["at_or_above_0.8"]) == ("3", "0.9", "1")

    def test_min_cell_withholds_small_cells(self, school: KnowledgeGraph) -> None:
        code, output = run(
            school, "mastery", "--cohort", "7b", "--concepts", "add,sub", "--bins", "2", "--min-cell", "5"
        )
        assert code == 0
        add, sub = rows(output)
        assert (add["students"], add["bin_0.00_0.50"], add["bin_0.50_1.00"], add["suppressed"]) == ("6", "", "", "true")
        assert (sub["students"], sub["mean"], sub["suppressed"]) == ("", "", "true")

    def test_difficulty_trend_and_at_risk(self, school: KnowledgeGraph) -> None:
        code, output = run(school, "difficulty", "--cohort", "7b", "--stuck-after", "3")
        assert code == 0
        [add] = rows(output)
        assert (add["students"], add["first_attempt_success"], add["mastered"], add["attempts_to_mastery"]) == (
            "6", "0.5", "3", "3",
        )  # fmt: skip
        code, output = run(school, "trend", "--cohort", "7b", "--concept", "add", "--interval", "day")
        assert code == 0
        [point] = rows(output)
        assert (point["start"], point["attempts"], point["success_rate"]) == (
            "2026-03-02T00:00:00+00:00",
            "18",
            "0.833333",
        )
        code, output = run(school, "trend", "--cohort", "7b", "--concept", "add", "--time-zone", "Asia/Tokyo")
        assert code == 0
        assert [p["start"] for p in rows(output)][0].endswith("T00:00:00+09:00")
        code, output = run(school, "trend", "--cohort", "7b", "--concept", "add", "--time-zone", "Tokyo")
        assert code == 2
        assert "unknown time zone 'Tokyo'" in output
        code, output = run(school, "at-risk", "--cohort", "7b", "--targets", "sub", "--threshold", "0.5")
        assert code == 0
        assert rows(output) == [
            {"target": "sub", "student": s, "prerequisite": "add", "probability": p}
            for s, p in [("s4", "0.4")]  # s1-s3 master sub already; s5, s6 have add >= 0.5
        ]

    def test_at_risk_with_min_cell_gives_each_target_a_row(self, school: KnowledgeGraph) -> None:
        # It printed the header alone when the target's counts were withheld: the target vanished.
        code, output = run(school, "at-risk", "--cohort", "7b", "--targets", "sub", "--threshold", "0.5",
                           "--min-cell", "5")  # fmt: skip
        assert code == 0
        target, prerequisite = rows(output)
        assert (target["target"], target["prerequisite"], target["students_at_risk"], target["suppressed"]) == (
            "sub", "", "", "true",
        )  # fmt: skip
        assert (prerequisite["prerequisite"], prerequisite["students"]) == ("add", "")

    def test_min_cell_fixes_what_an_analyst_may_not_move(self, school: KnowledgeGraph) -> None:
        # As in GraphQL: stuck after 1 and after 2 attempts differed by one student; a trend's weeks moved
        # to another zone, or to days, by whoever answered in between.
        for args, field in ((["difficulty", "--stuck-after", "1"], "stuckAfter"),
                            (["difficulty", "--streak", "2"], "streak"),
                            (["trend", "--concept", "add", "--interval", "day"], "interval"),
                            (["trend", "--concept", "add", "--window", "3"], "window"),
                            (["at-risk", "--targets", "sub", "--missing-is-weak"], "missingIsWeak")):  # fmt: skip
            result = CliRunner().invoke(report, [*args, "--cohort", "7b", "--min-cell", "5"], obj={"kg": school})
            assert result.exit_code == 1, args
            assert f"{field} is fixed at" in result.output
            assert run(school, *args, "--cohort", "7b")[0] == 0  # without --min-cell: free
        code, output = run(school, "trend", "--cohort", "7b", "--concept", "add", "--time-zone", "Asia/Tokyo",
                           "--min-cell", "5")  # fmt: skip
        assert code == 2
        assert "--time-zone is fixed at UTC with a minimum cell size, not Asia/Tokyo" in output
        assert (
            run(school, "trend", "--cohort", "7b", "--concept", "add", "--time-zone", "UTC", "--min-cell", "5")[0] == 0
        )

    def test_unknown_cohort_fails_with_the_reason(self, school: KnowledgeGraph) -> None:
        result = CliRunner().invoke(report, ["mastery", "--cohort", "zz"], obj={"kg": school})
        assert result.exit_code == 1
        assert "cohort 'zz' does not exist" in result.output


class TestHeatmap:
    def test_png_of_a_cohort(self, school: KnowledgeGraph, tmp_path: Path) -> None:
        out = tmp_path / "7b.png"
        code, _ = run(school, "heatmap", "--cohort", "7b", "--output", str(out))
        assert code == 0
        assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    def test_svg_of_all_cohorts(self, school: KnowledgeGraph, tmp_path: Path) -> None:
        out = tmp_path / "cohorts.svg"
        code, _ = run(
            school, "heatmap", "--all-cohorts", "--concepts", "add,sub", "--min-cell", "3", "--output", str(out)
        )
        assert code == 0
        assert ET.parse(out).getroot().tag == "{http://www.w3.org/2000/svg}svg"

    def test_refuses_a_cohort_without_members(self, school: KnowledgeGraph, tmp_path: Path) -> None:
        # It drew an empty chart titled "(0 students)", with a matplotlib warning, and said "wrote ... (0 x 71)".
        create_cohort(school, "9c")
        out = tmp_path / "9c.png"
        result = CliRunner().invoke(report, ["heatmap", "--cohort", "9c", "--output", str(out)], obj={"kg": school})
        assert result.exit_code == 1, result.output
        assert "cohort '9c' has no members: enrol students in it first" in result.output
        assert not out.exists()

    def test_refuses_all_cohorts_when_there_are_none(self, kg: KnowledgeGraph, tmp_path: Path) -> None:
        out = tmp_path / "none.png"
        result = CliRunner().invoke(report, ["heatmap", "--all-cohorts", "--output", str(out)], obj={"kg": kg})
        assert result.exit_code == 1, result.output
        assert "there are no cohorts: create one first" in result.output
        assert not out.exists()

    def test_refuses_a_bad_request(self, school: KnowledgeGraph, tmp_path: Path) -> None:
        assert run(school, "heatmap", "--cohort", "7b", "--output", str(tmp_path / "x.jpg"))[0] == 2
        assert run(school, "heatmap", "--output", str(tmp_path / "x.png"))[0] == 2
        assert run(school, "heatmap", "--cohort", "7b", "--min-cell", "5", "--output", str(tmp_path / "x.png"))[0] == 2


def test_a_list_naming_no_concept_is_a_usage_error(school: KnowledgeGraph, tmp_path: Path) -> None:
    # --concepts ",,," was read as no concepts: a CSV of a header alone and a blank 6 x 0 heatmap, exit 0.
    out = tmp_path / "h.png"
    for args in (
        ("mastery", "--cohort", "7b", "--concepts", ",,,"),
        ("difficulty", "--cohort", "7b", "--concepts", ""),
        ("at-risk", "--cohort", "7b", "--targets", ", ,"),
        ("heatmap", "--cohort", "7b", "--concepts", ",", "--output", str(out)),
    ):
        code, output = run(school, *args)
        assert (code, "names no concept id" in output) == (2, True), args
    assert not out.exists()


def test_registered_on_the_main_command() -> None:
    result = CliRunner().invoke(main, ["report", "--help"])
    assert result.exit_code == 0
    for command in ("mastery", "difficulty", "at-risk", "trend", "heatmap"):
        assert command in result.output


def test_a_report_while_the_service_holds_the_store_says_what_to_ask_it(tmp_path: Path) -> None:
    # It said "make the change through the service's GraphQL API": a report changes nothing.
    from graph.store import OxigraphStore

    data = tmp_path / "data"
    held = OxigraphStore(data / "store")  # as a running `pathwise serve` holds it
    try:
        env = {"PATHWISE_DATA_DIR": str(data)}
        result = CliRunner().invoke(main, ["report", "difficulty", "--cohort", "7b"], env=env)
        assert result.exit_code == 1
        assert "ask it with the conceptDifficulty query, or stop it first" in result.output
        assert "make the change" not in result.output
        drawn = CliRunner().invoke(main, ["report", "heatmap", "--all-cohorts", "--output", str(tmp_path / "h.png")],
                                   env=env)  # fmt: skip
        assert "a heatmap is drawn from the store, with no GraphQL equivalent" in drawn.output
    finally:
        held.close()
