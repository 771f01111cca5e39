"""``pathwise attempts import``: reads, checks, records once; replays add nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from cli.attempts import attempts
from graph.attempts import count_students
from graph.repository import KnowledgeGraph
from graph.store import open_store
from settings import load_settings
from tests.conftest import DATA

CSV = "student,item,concepts,correct,timestamp\nal,m_add_ex,add,1,2024-01-01T10:00:00Z\nal,,sub|eq,0,2024-01-02\n"


def invoke(kg: KnowledgeGraph | None, *args: str) -> Result:
    obj: dict[str, Any] = {"settings": load_settings(), "store": "memory", "kg": kg}
    return CliRunner().invoke(attempts, ["import", *args], obj=obj)


def report(result: Result) -> dict[str, Any]:
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.output[result.output.index("{") :]))


@pytest.fixture
def empty() -> KnowledgeGraph:
    return KnowledgeGraph(open_store("memory"))


def test_importing_the_same_file_twice_adds_nothing(kg: KnowledgeGraph, tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text(CSV)
    first = report(invoke(kg, str(path), "--format", "csv", "--json"))
    assert (first["rows"], first["attempts"], first["accepted"], first["duplicates"]) == (3, 2, 2, 0)
    # with no trained model yet, the demo's (what `serve` would serve) stores estimates; there were none
    assert first["estimates"] == 3  # add, then sub and eq
    revision = kg.revision
    second = invoke(kg, str(path), "--format", "csv")
    assert second.exit_code == 0, second.output
    assert "accepted: 0  duplicates: 2" in second.output
    assert kg.revision == revision
    assert count_students(kg) == 1


def test_another_log_with_the_same_name_is_refused_not_counted_as_a_replay(kg: KnowledgeGraph, tmp_path: Path) -> None:
    (tmp_path / "june").mkdir()
    (tmp_path / "july").mkdir()
    (tmp_path / "june" / "log.csv").write_text(CSV)
    later = "student,item,concepts,correct,timestamp\nal,m_add_ex,add,0,2024-07-01T10:00:00Z\nal,,sub,1,2024-07-02\n"
    (tmp_path / "july" / "log.csv").write_text(later)
    assert report(invoke(kg, str(tmp_path / "june" / "log.csv"), "--format", "csv", "--json"))["accepted"] == 2
    revision = kg.revision
    refused = invoke(kg, str(tmp_path / "july" / "log.csv"), "--format", "csv")
    assert refused.exit_code == 1
    assert "2 attempt(s) already stored under the same id with another score or time" in refused.output
    assert kg.revision == revision
    replay = invoke(kg, str(tmp_path / "june" / "log.csv"), "--format", "csv")
    assert "accepted: 0  duplicates: 2" in replay.output


def test_unknown_concepts_are_refused_until_created(empty: KnowledgeGraph, tmp_path: Path) -> None:
    path = tmp_path / "seq.txt"
    path.write_text("2\n3,4\n1,0\n")
    refused = invoke(empty, str(path), "--format", "dkvmn")
    assert refused.exit_code == 1
    assert "2 concept(s) not in the graph: 3, 4" in refused.output
    assert "--create-missing" in refused.output
    assert empty.is_empty()
    created = report(invoke(empty, str(path), "--format", "dkvmn", "--create-missing", "--json"))
    assert (created["created_concepts"], created["created_materials"], created["accepted"]) == (2, 2, 2)
    assert empty.revision == 1  # the concepts, items and attempts were one write
    assert empty.material("3").assesses == ("3",)
    again = report(invoke(empty, str(path), "--format", "dkvmn", "--create-missing", "--json"))
    assert (again["created_concepts"], again["accepted"], again["duplicates"]) == (0, 0, 2)


def test_created_concepts_keep_the_log_name_as_label(empty: KnowledgeGraph, tmp_path: Path) -> None:
    (tmp_path / "skill.json").write_text('{"Box and Whisker": 1}')
    (tmp_path / "fold.csv").write_text("1,70\n1,1\n1,1\n1,0\n")
    out = report(invoke(empty, str(tmp_path / "fold.csv"), "--format", "akt", "--create-missing", "--json"))
    assert out["accepted"] == 2
    [concept] = empty.projection.sorted_concepts()
    assert empty.projection.label(concept) == "Box and Whisker"


def test_dry_run_writes_nothing(empty: KnowledgeGraph, tmp_path: Path) -> None:
    path = tmp_path / "seq.txt"
    path.write_text("1\n3\n1\n")
    result = invoke(empty, str(path), "--format", "dkvmn", "--dry-run", "--create-missing")
    assert result.exit_code == 0, result.output
    assert "would import: 1 attempt(s)" in result.output
    assert "1 concept(s), 1 item(s)" in result.output
    assert empty.is_empty()
    assert empty.revision == 0


def test_malformed_files_report_every_line_and_write_nothing(kg: KnowledgeGraph, tmp_path: Path) -> None:
    path, other = tmp_path / "bad.csv", tmp_path / "worse.csv"
    path.write_text("student,item,correct\ns,m_add_ex,2\ns,m_add_ex,1\ns,m_add_ex,x\n")
    other.write_text("student,item,correct\ns,m_add_ex,1\n,m_add_ex,1\n")
    revision = kg.revision
    result = invoke(kg, str(path), str(other), "--format", "csv")
    assert result.exit_code == 1
    assert f"{path}:line 2:" in result.output
    assert f"{path}:line 4:" in result.output
    assert f"{other}:line 3: empty student" in result.output  # every file is checked, not only the first
    assert kg.revision == revision


def test_columns_are_mapped_from_options(kg: KnowledgeGraph, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("who,what,ok\nbo,m_eq,1\n")
    out = report(
        invoke(
            kg,
            str(path),
            "--format",
            "csv",
            "--student-column",
            "who",
            "--item-column",
            "what",
            "--correct-column",
            "ok",
            "--json",
        )  # fmt: skip
    )
    assert out["accepted"] == 1


def test_xapi_activities_take_the_concepts_of_their_material(kg: KnowledgeGraph, tmp_path: Path) -> None:
    statement = {
        "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
        "actor": {"mbox": "mailto:carol@example.org"},
        "verb": {"id": "https://w3id.org/xapi/dod-isd/verbs/answered"},
        "object": {"id": "m_eq"},
        "result": {"success": True},
    }
    path = tmp_path / "s.jsonl"
    path.write_text(json.dumps(statement) + "\n")
    out = report(invoke(kg, str(path), "--format", "xapi", "--json"))
    assert (out["rows"], out["attempts"], out["accepted"]) == (2, 1, 1)
    assert out["xapi"]["used"] == 1
    assert "carol" not in json.dumps(out)


def test_without_an_injected_graph_the_store_setting_is_used(tmp_path: Path) -> None:
    path = tmp_path / "seq.txt"
    path.write_text("1\n3\n1\n")
    out = report(invoke(None, str(path), "--format", "dkvmn", "--create-missing", "--json"))
    assert out["accepted"] == 1


@pytest.mark.skipif(not (DATA / "kt" / "assist2015" / "test.csv").is_file(), reason="assist2015 not present")
def test_a_real_log_dry_run_counts_its_attempts(empty: KnowledgeGraph) -> None:
    out = report(invoke(empty, str(DATA / "kt" / "assist2015" / "test.csv"), "--format", "pykt", "--dry-run", "--json"))
    assert (out["students"], out["rows"], out["attempts"], out["missing_concepts"]) == (3818, 138458, 138458, 100)


def test_help_lists_the_formats() -> None:
    result = CliRunner().invoke(attempts, ["import", "--help"])
    assert result.exit_code == 0
    assert "[akt|csv|dkvmn|pykt|xapi]" in result.output
