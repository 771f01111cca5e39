"""AKT 4-line folds: real assist2009 counts, multi-skill siblings share an attempt, every bad line."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from ingest.attempts.akt import invert_index, parse_akt, read_akt
from ingest.columns import ATTEMPT_DTYPES
from ingest.errors import MalformedInput
from tests.conftest import DATA

ASSIST2009 = DATA / "kt" / "assist2009"
FOLDS = sorted(ASSIST2009.glob("assist2009_pid_test*.csv"))
needs_data = pytest.mark.skipif(len(FOLDS) != 5, reason=f"assist2009 folds not at {ASSIST2009}")


@pytest.fixture(scope="module")
def fold1() -> pd.DataFrame:
    return read_akt([ASSIST2009 / "assist2009_pid_test1.csv"])


@needs_data
class TestRealAssist2009:
    def test_fold_one_counts(self, fold1: pd.DataFrame) -> None:
        assert fold1["student"].nunique() == 830
        assert len(fold1) == 60915
        assert {c: str(t) for c, t in fold1.dtypes.items()} == ATTEMPT_DTYPES

    def test_all_folds_merge_multi_skill_rows_into_274556_attempts(self) -> None:
        frame = read_akt(FOLDS)
        assert len(frame) == 325589
        assert frame["student"].nunique() == 4150
        assert len(frame.drop_duplicates(["student", "attempt"])) == 274556
        assert frame["attempt_id"].nunique() == 274556
        assert frame["concept"].nunique() == 110
        assert round(frame["correct"].mean(), 4) == 0.6585

    def test_siblings_share_attempt_item_and_answer_but_not_skill(self, fold1: pd.DataFrame) -> None:
        size = fold1.groupby(["student", "attempt"])["concept"].transform("size")
        multi = fold1[size > 1].groupby(["student", "attempt"])
        assert multi.ngroups > 1000
        assert (multi["item"].nunique() == 1).all()
        assert (multi["correct"].nunique() == 1).all()
        assert (multi["attempt_id"].nunique() == 1).all()
        assert (multi["concept"].nunique() > 1).all()

    def test_attempt_numbers_run_from_zero_without_gaps(self, fold1: pd.DataFrame) -> None:
        per_student = fold1.drop_duplicates(["student", "attempt"]).groupby("student")["attempt"]
        assert (per_student.min() == 0).all()
        assert (per_student.max() + 1 == per_student.count()).all()

    def test_names_and_original_ids_come_from_the_json_maps(self, fold1: pd.DataFrame) -> None:
        skills = json.loads((ASSIST2009 / "skill.json").read_text())
        problems = json.loads((ASSIST2009 / "problems.json").read_text())
        assert set(fold1["concept"]) <= set(skills)
        assert "Absolute Value" in set(fold1["concept"])
        assert set(fold1["item"]) <= set(problems)
        first = fold1[fold1["student"] == "78276"]
        assert first["attempt_id"].iloc[0] == "assist2009:78276:0"


def test_without_maps_indices_are_the_ids() -> None:
    text = "1,500\n10,10,11,10\n3,4,3,3\n1,1,0,0\n"
    frame = parse_akt(text, "data/kt9/f.csv")
    assert frame["attempt"].tolist() == [0, 0, 1, 2]
    assert frame["concept"].tolist() == ["3", "4", "3", "3"]
    assert frame["item"].tolist() == ["10", "10", "11", "10"]
    assert frame["attempt_id"].tolist() == ["kt9:500:0", "kt9:500:0", "kt9:500:1", "kt9:500:2"]


def test_same_skill_or_different_answer_is_a_new_attempt() -> None:
    text = "1,9\n5,5,5\n1,1,2\n1,1,0\n"
    assert parse_akt(text, "f.csv")["attempt"].tolist() == [0, 1, 2]


def test_maps_beside_the_files_are_used(tmp_path: Path) -> None:
    (tmp_path / "skill.json").write_text(json.dumps({"Area": 1, "Mean": 2}))
    (tmp_path / "problems.json").write_text(json.dumps({"51424": 1, "51435": 2}))
    (tmp_path / "a.csv").write_text("1,70\n1,1\n1,2\n1,1\n")
    (tmp_path / "b.csv").write_text("2,71\n2\n2\n0\n")
    frame = read_akt([tmp_path / "a.csv", tmp_path / "b.csv"])
    assert frame[["student", "attempt", "item", "concept"]].values.tolist() == [
        ["70", 0, "51424", "Area"],
        ["70", 0, "51424", "Mean"],
        ["71", 0, "51435", "Mean"],
    ]


def test_every_bad_line_is_reported_with_file_and_line(tmp_path: Path) -> None:
    good = "1,100\n1,2\n1,1\n1,0\n"
    bad = (
        "2,101\n1,2,3\n1,1\n1,0\n"  # lines 3-4: 2 skills, 2 responses for 3 problems
        "3,x\n1\n1\n1\n"  # line 5: bad head
        "4,103\n1,a\n1,1\n0,1\n"  # line 10: non-integer problem
        "5,104\n1\n1\n2\n"  # line 16: response 2
        "1,100\n1\n1\n1\n"  # line 17: student already read in good.csv
        "6,105\n1\n"  # line 21: incomplete
    )
    (tmp_path / "good.csv").write_text(good)
    (tmp_path / "bad.csv").write_text(bad)
    with pytest.raises(MalformedInput) as caught:
        read_akt([tmp_path / "good.csv", tmp_path / "bad.csv"])
    found = [(Path(p.source).name, p.location) for p in caught.value.where]
    assert found == [("bad.csv", f"line {n}") for n in (3, 4, 5, 10, 16, 17, 21)]
    assert "already read at" in caught.value.where[5].reason
    assert "good.csv:line 1" in caught.value.where[5].reason


def test_indices_missing_from_a_map_are_problems() -> None:
    with pytest.raises(MalformedInput) as caught:
        parse_akt("1,5\n1,9\n1,1\n1,1\n", "f.csv", skill_names={1: "A"}, problem_ids={1: "p1"})
    assert [p.location for p in caught.value.where] == ["line 2"]
    assert "[9]" in caught.value.where[0].reason


def test_a_map_giving_one_index_twice_is_refused() -> None:
    with pytest.raises(MalformedInput, match="also given to"):
        invert_index({"A": 1, "B": 1}, "skill.json")


def test_a_dropped_line_is_one_problem_not_one_per_record() -> None:
    # One line missing shifted every record after it: hundreds of problems, none of them the line at fault.
    records = "".join(f"{n},{500 + n}\n1,2,3\n7,7,8\n1,0,1\n" for n in range(40))
    lines = records.splitlines()
    del lines[5]  # the second record's problems
    with pytest.raises(MalformedInput) as caught:
        parse_akt("\n".join(lines) + "\n", "f.csv")
    reasons = [p.reason for p in caught.value.where]
    assert len(reasons) < 12
    assert "4-line records are out of step from here on" in reasons[-1]
