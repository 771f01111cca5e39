"""From attempt tables to graph attempts, and the format registry (joins across files)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from graph.attempts import record_attempts
from graph.bundle import CurriculumBundle
from graph.errors import InvalidInput, NotFound
from graph.ids import is_valid_id
from graph.model import Attempt, Concept, Material, MaterialType
from graph.repository import KnowledgeGraph
from ingest.attempts.akt import parse_akt
from ingest.attempts.formats import ATTEMPT_READERS, read_attempts
from ingest.attempts.long_csv import parse_csv
from ingest.attempts.to_graph import EPOCH, concept_id, frame_to_attempts
from ingest.attempts.xapi import parse_xapi
from ingest.errors import MalformedInput


def test_one_attempt_per_group_with_all_its_concepts() -> None:
    frame = parse_csv(
        "student,item,concepts,correct,timestamp\n"
        "s,m_add_ex,add|sub,1,2024-01-01T10:00:00Z\n"
        "s,,eq,0,2024-01-01T11:00:00Z\n",
        "log.csv",
    )
    first, second = frame_to_attempts(frame)
    assert first.concepts == ("add", "sub")
    assert first.material == "m_add_ex"
    assert first.timestamp == datetime(2024, 1, 1, 10, tzinfo=UTC)
    assert first.score == 1.0
    assert first.source == "csv:log.csv"
    assert second.material is None
    assert second.concepts == ("eq",)
    assert is_valid_id(first.id)
    assert first.id != second.id
    assert frame_to_attempts(frame) == [first, second]


def test_missing_times_become_epoch_plus_attempt_seconds_and_names_become_slugs() -> None:
    frame = parse_akt("1,70\n5,5,6\n1,2,1\n1,1,0\n", "f.csv", skill_names={1: "Box and Whisker", 2: "Mean"})
    attempts = frame_to_attempts(frame)
    assert [a.timestamp for a in attempts] == [EPOCH, EPOCH.replace(second=1)]
    assert attempts[0].concepts == (concept_id("Box and Whisker"), "Mean")
    assert all(is_valid_id(c) for a in attempts for c in a.concepts)
    assert concept_id("http://example.org/c/1") == "http://example.org/c/1"


def test_an_empty_table_gives_no_attempts() -> None:
    assert frame_to_attempts(parse_csv("student,item,correct\n", "e.csv")) == []


def test_attempts_record_into_the_graph_once(kg: KnowledgeGraph) -> None:
    text = '{"id": "s-1", "actor": {"mbox": "mailto:a@x.org"}, "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"},'
    text += ' "object": {"id": "m_add_ex"}, "timestamp": "2024-01-01T00:00:00Z"}\n'
    frame, _ = parse_xapi(text, "l.jsonl", item_concepts={"m_add_ex": ["add"]})
    attempts = frame_to_attempts(frame)
    assert record_attempts(kg, attempts)[:2] == (1, 0)
    assert record_attempts(kg, attempts)[:2] == (0, 1)


def _new_concept_attempt(score: float) -> Attempt:
    when = datetime(2024, 1, 1, tzinfo=UTC)
    return Attempt(id="log-1", student="s", timestamp=when, score=score, material="m_new", concepts=("new_skill",))


NEW = CurriculumBundle(
    concepts=(Concept("new_skill", "New skill"),),
    materials=(Material("m_new", "m_new", MaterialType.EXERCISE, assesses=("new_skill",)),),
)


def test_what_a_log_creates_lands_with_its_attempts_in_one_write(kg: KnowledgeGraph) -> None:
    revision = kg.revision
    assert record_attempts(kg, [_new_concept_attempt(1.0)], creating=NEW)[:2] == (1, 0)
    assert kg.revision == revision + 1
    assert kg.projection.has_concept("new_skill")
    assert kg.material("m_new").assesses == ("new_skill",)


def test_a_refused_log_creates_nothing(kg: KnowledgeGraph) -> None:
    revision = kg.revision
    with pytest.raises(InvalidInput, match="not in \\[0, 1\\]"):
        record_attempts(kg, [_new_concept_attempt(1.5)], creating=NEW)
    assert kg.revision == revision
    assert not kg.projection.has_concept("new_skill")
    assert "m_new" not in kg.projection.material_ids


def test_a_log_naming_what_neither_the_graph_nor_the_batch_holds_is_refused(kg: KnowledgeGraph) -> None:
    only_concept = CurriculumBundle(concepts=NEW.concepts)
    with pytest.raises(NotFound, match="m_new"):
        record_attempts(kg, [_new_concept_attempt(1.0)], creating=only_concept)
    assert not kg.projection.has_concept("new_skill")


def test_the_registry_names_every_format() -> None:
    assert sorted(ATTEMPT_READERS) == ["akt", "csv", "dkvmn", "pykt", "xapi"]
    from cli.attempts import FORMATS

    assert tuple(sorted(ATTEMPT_READERS)) == FORMATS


def test_several_files_join_into_one_history_per_student(tmp_path: Path) -> None:
    (tmp_path / "jan.csv").write_text("student,item,concepts,correct,timestamp\ns,q2,a|b,1,2024-01-02\n")
    (tmp_path / "dec.csv").write_text("student,item,correct,timestamp\ns,q1,0,2023-12-01\nt,q1,1,2023-12-01\n")
    frame = read_attempts([tmp_path / "jan.csv", tmp_path / "dec.csv"], "csv")
    assert frame[["student", "attempt", "item"]].values.tolist() == [
        ["s", 0, "q1"],
        ["s", 1, "q2"],
        ["s", 1, "q2"],
        ["t", 0, "q1"],
    ]
    assert isinstance(frame["timestamp"].dtype, pd.DatetimeTZDtype)


def test_xapi_reports_travel_with_the_registry_frame(tmp_path: Path) -> None:
    line = '{"actor": {"mbox": "mailto:a@x.org"}, "verb": {"id": "x/played"}, "object": {"id": "http://v"}}\n'
    (tmp_path / "a.jsonl").write_text(line)
    (tmp_path / "b.jsonl").write_text(line + line)
    frame = read_attempts([tmp_path / "a.jsonl", tmp_path / "b.jsonl"], "xapi")
    assert frame.attrs["report"]["statements"] == 3
    assert frame.attrs["report"]["other_verbs"] == {"played": 1}  # one statement, in both files
    assert frame.attrs["report"]["skipped"] == {"not an answer verb": 1, "duplicate statement id": 2}


def test_an_answer_in_two_xapi_files_is_used_once_and_counted_a_duplicate(tmp_path: Path) -> None:
    # Moodle writes no statement ids: the same answer in two files was counted used twice, and its one
    # attempt unmapped once, so the report did not add up (an audit).
    answer = (
        '{"actor": {"mbox": "mailto:a@x.org"}, "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"}, '
        '"object": {"id": "http://lms.example/quiz/1"}, "result": {"success": true}, '
        '"timestamp": "2026-01-01T00:00:00Z"}\n'
    )
    (tmp_path / "a.jsonl").write_text(answer)
    (tmp_path / "b.jsonl").write_text(answer)
    frame = read_attempts([tmp_path / "a.jsonl", tmp_path / "b.jsonl"], "xapi")
    report = frame.attrs["report"]
    assert (report["statements"], report["used"], report["rows"], len(frame)) == (2, 1, 1, 1)
    assert report["skipped"] == {"duplicate statement id": 1}


def test_a_skipped_statement_in_two_xapi_files_is_counted_once(tmp_path: Path) -> None:
    # A non-answer (or unscored) statement repeated in a second file was counted skipped, and in
    # other_verbs, once per file (an audit): the report said 2 "played" for one statement.
    base = '{"actor": {"mbox": "mailto:a@x.org"}, "object": {"id": "http://lms.example/quiz/1"}, '
    played = base + '"verb": {"id": "http://adlnet.gov/expapi/verbs/played"}, "timestamp": "2026-01-01T00:00:00Z"}\n'
    unscored = (
        base + '"verb": {"id": "http://adlnet.gov/expapi/verbs/answered"}, "timestamp": "2026-01-01T00:01:00Z"}\n'
    )
    (tmp_path / "a.jsonl").write_text(played + unscored)
    (tmp_path / "b.jsonl").write_text(played + unscored)
    report = read_attempts([tmp_path / "a.jsonl", tmp_path / "b.jsonl"], "xapi").attrs["report"]
    assert (report["statements"], report["used"]) == (4, 0)
    assert report["other_verbs"] == {"played": 1}
    assert report["skipped"] == {"not an answer verb": 1, "no success or score": 1, "duplicate statement id": 2}
    assert sum(report["skipped"].values()) + report["used"] == report["statements"]


def test_unknown_formats_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown attempt format"):
        read_attempts(tmp_path / "x", "parquet")


@pytest.mark.parametrize(
    ("text", "given", "layout"),
    [
        ('fold,uid,concepts,responses\n-1,7,"1,2","1,0"\n', "csv", "pykt"),  # said only "missing student column"
        ("student,item,correct\ns,q1,1\n", "pykt", "csv"),
        ("891,78276\n1,2,3\n4,5,6\n1,0,1\n", "dkvmn", "akt"),  # a problem per record, none naming the layout
        ("3\n1,2,3,\n1,0,1,\n", "akt", "dkvmn"),
        ('{"actor": {"mbox": "mailto:a@x.org"}}\n', "csv", "xapi"),
    ],
)
def test_a_log_read_in_another_layout_is_refused_naming_the_one_it_looks_like(
    tmp_path: Path, text: str, given: str, layout: str
) -> None:
    (tmp_path / "log.csv").write_text(text)
    with pytest.raises(MalformedInput) as caught:
        read_attempts(tmp_path / "log.csv", given)
    first = caught.value.where[0]
    assert (first.location, f"it looks like --format {layout}:" in first.reason) == ("line 1", True)


def test_a_log_refused_in_its_own_layout_has_no_layout_hint(tmp_path: Path) -> None:
    (tmp_path / "log.csv").write_text("student,item,correct\ns,q1,7\n")
    with pytest.raises(MalformedInput) as caught:
        read_attempts(tmp_path / "log.csv", "csv")
    assert [p.location for p in caught.value.where] == ["line 2"]
    (tmp_path / "log.csv").write_text("student,item,correct\n")
    assert read_attempts(tmp_path / "log.csv", "csv").empty
    (tmp_path / "log.csv").write_text('fold,uid,concepts,response\n-1,7,"1,2","1,0"\n')  # misspelt: no csv log
    with pytest.raises(MalformedInput) as caught:
        read_attempts(tmp_path / "log.csv", "pykt")
    assert not any("looks like" in p.reason for p in caught.value.where)
    (tmp_path / "log.jsonl").write_text('{"actor": {"mbox": "mailto:a@x.org"}, "verb": {}}\n', encoding="utf-16")
    with pytest.raises(MalformedInput) as caught:  # read as text it "looked like --format csv"
        read_attempts(tmp_path / "log.jsonl", "xapi")
    assert [p.reason.split(" (")[0] for p in caught.value.where] == ["the file is UTF-16"]


def test_a_statement_id_in_two_xapi_files_with_another_result_is_refused(tmp_path: Path) -> None:
    # The second file's statement was skipped as a duplicate and the first file's answer kept without a
    # word, though the same statement stored by an earlier import is refused.
    answer = (
        '{"id": "9f000000-0000-4000-8000-000000000001", "actor": {"mbox": "mailto:a@x.org"}, '
        '"verb": {"id": "http://adlnet.gov/expapi/verbs/answered"}, "object": {"id": "http://lms.example/q/1"}, '
        '"result": {"success": true}, "timestamp": "2026-01-01T00:00:00Z"}\n'
    )
    other = answer.replace("000000000001", "000000000002")
    (tmp_path / "a.jsonl").write_text(other + answer)
    (tmp_path / "b.jsonl").write_text(other + answer.replace("true", "false"))
    (tmp_path / "c.jsonl").write_text(other + answer)
    with pytest.raises(MalformedInput) as caught:
        read_attempts([tmp_path / "a.jsonl", tmp_path / "b.jsonl"], "xapi")
    assert [str(p) for p in caught.value.where] == [
        "b.jsonl:line 2: statement id 9f000000-0000-4000-8000-000000000001 is also in a.jsonl line 2 with another "
        "actor, object, result or time: a statement id names one statement"
    ]
    assert len(read_attempts([tmp_path / "a.jsonl", tmp_path / "c.jsonl"], "xapi")) == 2  # the same: duplicates
