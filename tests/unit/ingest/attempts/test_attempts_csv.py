"""The long CSV attempt log: column mapping, concept expansion, ordering, stable ids, every bad line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from ingest.attempts.long_csv import parse_correct, parse_csv, read_csv
from ingest.columns import ATTEMPT_COLUMNS, ATTEMPT_DTYPES
from ingest.errors import MalformedInput

LOG = """student,item,concepts,correct,timestamp
bo,q2,add|sub,1,2024-01-02T10:00:00Z
al,q1,add,0,2024-01-01T09:00:00Z
bo,q1,add,true,2024-01-01T08:00:00+01:00
al,q3,,0.5,2024-01-01T08:00:00
"""


def test_rows_are_canonical_sorted_and_numbered() -> None:
    frame = parse_csv(LOG, "logs/class.csv")
    assert tuple(frame.columns) == ATTEMPT_COLUMNS
    assert {c: str(t) for c, t in frame.dtypes.items()} == ATTEMPT_DTYPES
    assert frame[["student", "attempt", "item", "concept"]].values.tolist() == [
        ["al", 0, "q3", ""],
        ["al", 1, "q1", "add"],
        ["bo", 0, "q1", "add"],
        ["bo", 1, "q2", "add"],
        ["bo", 1, "q2", "sub"],
    ]
    assert frame["correct"].tolist() == [0.5, 0.0, 1.0, 1.0, 1.0]
    assert frame["timestamp"].iloc[2] == pd.Timestamp("2024-01-01T07:00:00Z")
    assert set(frame["source"]) == {"csv:class.csv"}


def test_default_attempt_ids_name_file_student_and_line_and_are_stable() -> None:
    frame = parse_csv(LOG, "logs/class.csv")
    assert frame["attempt_id"].tolist()[:3] == ["class:al:5", "class:al:3", "class:bo:4"]
    sibling_ids = frame.loc[frame["item"] == "q2", "attempt_id"]
    assert sibling_ids.nunique() == 1
    again = parse_csv(LOG, "elsewhere/class.csv")
    assert again["attempt_id"].tolist() == frame["attempt_id"].tolist()


def test_equal_times_keep_file_order_and_a_missing_time_is_refused() -> None:
    frame = parse_csv("student,item,correct,timestamp\ns,b,1,2024-01-01\ns,c,0,2024-01-01\ns,a,1,2023-12-31\n", "t.csv")
    assert frame["item"].tolist() == ["a", "b", "c"]
    assert frame["attempt"].tolist() == [0, 1, 2]
    # An empty cell was stored at 1970, first in the student's history.
    with pytest.raises(MalformedInput) as caught:
        parse_csv("student,item,correct,timestamp\ns,a,1,\ns,b,1,2024-01-01\n", "t.csv")
    assert caught.value.problems == ["t.csv:line 2: empty timestamp: in a timed log every line needs one"]
    # so was 1970 itself, a reset clock's time: read as no time, it went first too (recordAttempts refuses it)
    with pytest.raises(MalformedInput) as caught:
        parse_csv("student,item,correct,timestamp\ns,b,1,2024-01-01\ns,a,1,1970-01-01T00:00:00Z\n", "t.csv")
    assert caught.value.problems == [
        "t.csv:line 3: timestamp 1970-01-01T00:00:00+00:00 is before 1971, a reset clock: give the time the answer "
        "was given"
    ]


def test_attempt_ids_are_per_student() -> None:
    # Logs number each student's attempts; bob's "1" was taken for a duplicate of alice's and lost.
    frame = parse_csv("student,item,correct,attempt_id\nalice,a,1,1\nbob,a,0,1\n", "t.csv")
    assert frame["attempt_id"].tolist() == ["alice:1", "bob:1"]
    with pytest.raises(MalformedInput, match="attempt_id '1' of student 'alice' repeats line 2"):
        parse_csv("student,item,correct,attempt_id\nalice,a,1,1\nalice,b,0,1\n", "t.csv")


def test_an_empty_attempt_id_in_a_log_with_attempt_ids_is_refused() -> None:
    # It took the file's id (name, student, line): the next export of the same answers, named or ordered
    # otherwise, imported that attempt again.
    with pytest.raises(MalformedInput) as caught:
        parse_csv("student,item,correct,attempt_id\nalice,a,1,1\nalice,b,0,\n", "t.csv")
    assert caught.value.problems == ["t.csv:line 3: empty attempt_id: in a log with attempt ids every line needs one"]


def test_a_column_named_twice_in_the_header_is_refused() -> None:
    # Two files pasted side by side: the first "student" column was read, the second left out without a word.
    with pytest.raises(MalformedInput) as caught:
        parse_csv("student,item,student,correct\ns1,a,s2,1\n", "t.csv")
    assert caught.value.where[0].location == "line 1"
    assert "student column 'student' is columns 1, 3 of the header" in caught.value.where[0].reason
    assert (
        len(parse_csv("student,item,x,x,correct\ns1,q,a,b,1\n", "t.csv")) == 1
    )  # a column it does not read may repeat


def test_columns_are_matched_in_any_case() -> None:
    # 'Timestamp' was left out without a word: the log read as untimed, dated 1970 in file order.
    frame = parse_csv("Student,item,CORRECT,Timestamp\ns,b,1,2024-01-02\ns,a,0,2024-01-01\n", "t.csv")
    assert frame["item"].tolist() == ["a", "b"]
    assert frame["timestamp"].notna().all()
    frame = parse_csv("student,item,correct,When\ns,b,1,2024-01-02\n", "t.csv", timestamp="when")
    assert frame["timestamp"].notna().all()
    with pytest.raises(MalformedInput, match="student column 'student' is columns 1, 3 of the header"):
        parse_csv("student,item,Student,correct\ns1,a,s2,1\n", "t.csv")


def test_columns_are_mapped_and_client_ids_kept(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("uid,problem,skills,score,when,id\nu1,p1,a|b,0.25,2024-03-01T00:00:00Z,X-1\n", encoding="utf-8")
    frame = read_csv(
        path, student="uid", item="problem", concepts="skills", correct="score", timestamp="when", attempt_id="id"
    )
    assert frame["concept"].tolist() == ["a", "b"]
    assert frame["attempt_id"].tolist() == ["u1:X-1", "u1:X-1"]  # per student
    assert frame["correct"].tolist() == [0.25, 0.25]


def test_a_named_column_must_exist_but_a_default_one_may_be_absent() -> None:
    frame = parse_csv("student,item,correct\ns,q,1\n", "t.csv")
    assert frame["concept"].tolist() == [""]
    assert pd.isna(frame["timestamp"].iloc[0])
    with pytest.raises(MalformedInput) as caught:
        parse_csv("student,item,correct\ns,q,1\n", "t.csv", timestamp="when")
    assert caught.value.where[0].location == "line 1"
    assert "'when'" in caught.value.where[0].reason


def test_every_bad_line_is_reported_with_file_and_line() -> None:
    text = (
        "student,item,concepts,correct,timestamp\n"
        "s,q,a,1,2024-01-01\n"
        ",q,a,1,2024-01-01\n"  # 3: empty student
        "s,q,a,maybe,2024-01-01\n"  # 4: bad correct
        "s,q,a,1.5,2024-01-01\n"  # 5: out of range
        "s,q,a,1,yesterday\n"  # 6: bad time
        "s,,,1,2024-01-01\n"  # 7: neither item nor concept
        "s,q,a,1\n"  # 8: too few fields
        's,"multi\nline",a,0,nope\n'  # 9-10: bad time, record starts at 9
        "s,q,a,0,2024-01-02\n"
    )
    with pytest.raises(MalformedInput) as caught:
        parse_csv(text, "bad.csv")
    where = [(p.source, p.location) for p in caught.value.where]
    assert where == [("bad.csv", f"line {n}") for n in (3, 4, 5, 6, 7, 8, 9)]
    assert "bad.csv:line 6:" in caught.value.problems[3]


def test_a_time_more_than_a_day_ahead_is_a_bad_line() -> None:
    ahead = (datetime.now(UTC) + timedelta(hours=20)).isoformat()  # a clock error: kept
    text = f"student,item,concepts,correct,timestamp\ns,q,a,1,{ahead}\ns,q,a,1,2099-01-01T00:00:00Z\n"
    with pytest.raises(MalformedInput) as caught:
        parse_csv(text, "late.csv")
    assert [(p.location, p.reason.split(" (now:")[0]) for p in caught.value.where] == [
        ("line 3", "timestamp 2099-01-01T00:00:00+00:00 is more than a day in the future")
    ]


def test_repeated_client_ids_are_refused() -> None:
    with pytest.raises(MalformedInput) as caught:
        parse_csv("student,item,correct,attempt_id\ns,q,1,a\ns,q,0,a\n", "t.csv")
    assert caught.value.where[0].location == "line 3"
    assert "repeats line 2" in caught.value.where[0].reason


@pytest.mark.parametrize(("text", "score"), [("1", 1.0), ("False", 0.0), ("0.75", 0.75), (" yes ", 1.0)])
def test_correct_accepts_flags_and_scores(text: str, score: float) -> None:
    assert parse_correct(text) == score


@pytest.mark.parametrize("text", ["2", "-0.1", "nan", "right", ""])
def test_correct_refuses_the_rest(text: str) -> None:
    with pytest.raises(ValueError, match="correct"):
        parse_correct(text)


def test_header_only_gives_an_empty_canonical_table() -> None:
    frame = parse_csv("student,item,correct\n", "t.csv")
    assert frame.empty
    assert {c: str(t) for c, t in frame.dtypes.items()} == ATTEMPT_DTYPES


def test_a_semicolon_separated_file_is_named_as_such() -> None:
    # A spreadsheet in a semicolon locale: "missing student column" and a header of one cell, and no hint why.
    with pytest.raises(MalformedInput, match="the file is separated by ';'; save it as comma-separated CSV"):
        parse_csv("student;item;concepts;correct\nbo;q1;add;1\n", "log.csv")


def test_a_student_key_copied_wrong_is_refused_with_its_line() -> None:
    # a key with its last digit lost was keyed as a new student's id; an attempt_id of that form is only an id
    key = "stu-" + "f" * 32
    with pytest.raises(MalformedInput) as caught:
        parse_csv(f"student,item,correct,attempt_id\n{key},a,1,{key[:-1]}\n{key[:-1]},a,1,8\n", "t.csv")
    assert [p[:64] for p in caught.value.problems] == [
        "t.csv:line 3: student looks like a student key copied wrong: a k"
    ]


def test_an_id_with_a_control_character_is_refused_with_its_line() -> None:
    # a NUL in an attempt_id (a C string's end) was read as part of the id
    with pytest.raises(MalformedInput) as caught:
        parse_csv("student,item,correct,attempt_id\ns,a,1,7\ns\x07,a,1,8\ns,b,0,9\x00\n", "t.csv")
    assert caught.value.problems == [
        "t.csv:line 3: student holds a control character (U+0007 at position 2)",
        "t.csv:line 4: attempt_id holds a control character (U+0000 at position 2)",
    ]
