"""pyKT sequence CSVs: real assist2015 counts, one concept per attempt, folds, every bad row."""

from __future__ import annotations

import pandas as pd
import pytest

from ingest.attempts.akt import read_akt
from ingest.attempts.pykt import dataset_name, parse_pykt, read_pykt
from ingest.columns import ATTEMPT_DTYPES
from ingest.errors import MalformedInput
from tests.conftest import DATA

ASSIST2015 = DATA / "kt" / "assist2015"
ASSIST2009 = DATA / "kt" / "assist2009"
needs_data = pytest.mark.skipif(not (ASSIST2015 / "test.csv").is_file(), reason=f"assist2015 not at {ASSIST2015}")


@pytest.fixture(scope="module")
def test_csv() -> pd.DataFrame:
    return read_pykt(ASSIST2015 / "test.csv")


@needs_data
class TestRealAssist2015:
    def test_counts_match_provenance(self, test_csv: pd.DataFrame) -> None:
        assert test_csv["student"].nunique() == 3818
        assert len(test_csv) == 138458
        assert round(test_csv["correct"].mean(), 2) == 0.73

    def test_every_position_is_one_attempt_on_one_concept(self, test_csv: pd.DataFrame) -> None:
        assert test_csv["attempt_id"].is_unique
        sizes = test_csv.groupby("student").size()
        last = test_csv.groupby("student")["attempt"].max()
        assert (last + 1).equals(sizes)
        assert set(test_csv["concept"].astype(int)) <= set(range(100))
        assert (test_csv["item"] == "").all()
        assert test_csv["timestamp"].isna().all()
        assert {c: str(t) for c, t in test_csv.dtypes.items()} == ATTEMPT_DTYPES

    def test_keys_carry_the_data_set_name(self, test_csv: pd.DataFrame) -> None:
        first = test_csv.iloc[0]
        assert first["student"].startswith("assist2015-")
        assert first["attempt_id"] == f"assist2015:{first['student'].split('-', 1)[1]}:0"

    def test_folds_filter_students(self) -> None:
        frame = read_pykt(ASSIST2015 / "train_valid.csv", folds={0})
        assert frame["student"].nunique() == 3055


def test_synthetic_file_with_questions_and_padding() -> None:
    text = 'fold,uid,questions,concepts,responses\n0,7,"5,6,-1","1,2,-1","1,0,-1"\n1,8,NA,"3","1"\n'
    frame = parse_pykt(text, "data/mine/train.csv")
    assert frame["student"].tolist() == ["mine-7", "mine-7", "mine-8"]
    assert frame["item"].tolist() == ["5", "6", ""]
    assert frame["concept"].tolist() == ["1", "2", "3"]
    assert parse_pykt(text, "x.csv", prefix="p", folds={1})["attempt_id"].tolist() == ["p:8:0"]


def test_repeated_positions_of_one_question_are_one_attempt() -> None:
    """pyKT's multi-concept data sets (its assist2009, algebra2005, ...) expand a question's
    concepts into positions marked is_repeat: one answer, so siblings, never history."""
    text = (
        "fold,uid,questions,concepts,responses,timestamps,usetimes,is_repeat\n"
        '0,3,"10,11,11,12,-1","4,5,6,4,-1","1,0,0,1,-1",'
        '"1254244862000,1254244900000,1254244900000,1254244990000,-1","1,2,2,3,-1","0,0,1,0,-1"\n'
    )
    frame = parse_pykt(text, "data/a09/train_valid.csv")
    assert frame["attempt"].tolist() == [0, 1, 1, 2]
    assert frame["item"].tolist() == ["10", "11", "11", "12"]
    assert frame["concept"].tolist() == ["4", "5", "6", "4"]
    assert frame["timestamp"].iloc[0] == pd.Timestamp("2009-09-29 17:21:02", tz="UTC")
    assert frame["attempt_id"].tolist() == ["a09:3:0", "a09:3:1", "a09:3:1", "a09:3:3"]  # one id per attempt


@pytest.mark.skipif(not (ASSIST2009 / "assist2009_pid_test1.csv").is_file(), reason="assist2009 missing")
def test_real_multi_skill_log_written_the_pykt_way_reads_as_the_akt_reader_reads_it() -> None:
    """assist2009 fold 1 rewritten as pyKT writes multi-concept data (is_repeat marks a
    question's later concepts): the same attempts, siblings and answers as from AKT's file."""
    akt = read_akt(ASSIST2009 / "assist2009_pid_test1.csv")
    akt["code"] = akt["concept"].factorize()[0]  # pyKT numbers concepts
    lines = ["fold,uid,questions,concepts,responses,is_repeat"]
    for student, rows in akt.groupby("student", sort=False):
        repeat = rows["attempt"].duplicated().astype(int)
        cells = [rows["item"], rows["code"], rows["correct"].astype(int), repeat]
        lines.append(f"0,{student}," + ",".join('"' + ",".join(map(str, c)) + '"' for c in cells))
    pykt = parse_pykt("\n".join(lines) + "\n", "assist2009/train_valid.csv")
    assert len(pykt) == len(akt) == 60915
    key = ["attempt", "correct"]
    assert pykt["concept"].astype(int).tolist() == akt["code"].tolist()
    assert pykt["student"].str.removeprefix("assist2009-").tolist() == akt["student"].tolist()
    assert pykt[key].equals(akt[key])
    assert pykt.groupby(["student", "attempt"])["attempt_id"].nunique().eq(1).all()


def test_joined_concepts_and_second_time_stamps() -> None:
    text = 'fold,uid,questions,concepts,responses,timestamps\n-1,9,"1,2","3_7,3","0,1","1254244862,NA"\n'
    frame = parse_pykt(text, "t.csv")
    assert frame["attempt"].tolist() == [0, 0, 1]
    assert frame["concept"].tolist() == ["3", "7", "3"]
    assert frame["correct"].tolist() == [0.0, 0.0, 1.0]
    assert frame["timestamp"].iloc[0] == pd.Timestamp("2009-09-29 17:21:02", tz="UTC")
    assert frame["attempt_id"].tolist() == ["t:9:0", "t:9:0", "t:9:1"]
    no_times = parse_pykt('fold,uid,concepts,responses,timestamps\n0,1,"1,2","0,1",NA\n', "n.csv")
    assert no_times["timestamp"].isna().all()


def test_windowed_rows_of_a_student_are_stitched_back_into_one_sequence() -> None:
    """``*_sequences.csv``: consecutive pieces, the last padded; selectmasks mark what each adds."""
    text = (
        "fold,uid,concepts,responses,is_repeat,selectmasks\n"
        '0,1,"4,5,5","1,0,0","0,0,1","1,1,1"\n'
        '0,1,"5,6,-1","0,1,-1","1,0,-1","1,1,-1"\n'  # its first position is a sibling of the last one before
        '0,2,"7,7,-1","1,1,-1","0,0,-1","1,1,-1"\n'
    )
    frame = parse_pykt(text, "a/train_valid_sequences.csv")
    one = frame[frame["student"] == "a-1"]
    assert one["concept"].tolist() == ["4", "5", "5", "5", "6"]
    assert one["attempt"].tolist() == [0, 1, 1, 1, 2]
    assert one["attempt_id"].tolist() == ["a:1:0", "a:1:1", "a:1:1", "a:1:1", "a:1:4"]
    assert frame[frame["student"] == "a-2"]["attempt"].tolist() == [0, 1]


def test_a_sliding_window_file_keeps_only_what_each_window_adds() -> None:
    """``test_window_sequences.csv``: the first window whole, then each later one adds its last position."""
    text = (
        "fold,uid,concepts,responses,selectmasks\n"
        '-1,9,"1,2,3","1,0,1","1,1,1"\n'
        '-1,9,"2,3,4","0,1,0","-1,-1,1"\n'
        '-1,9,"3,4,5","1,0,1","-1,-1,1"\n'
    )
    frame = parse_pykt(text, "test_window_sequences.csv")
    assert frame["concept"].tolist() == ["1", "2", "3", "4", "5"]
    assert frame["correct"].tolist() == [1.0, 0.0, 1.0, 0.0, 1.0]
    assert frame["attempt"].tolist() == [0, 1, 2, 3, 4]


def test_a_student_whose_rows_do_not_follow_one_another_is_refused() -> None:
    text = (
        "fold,uid,concepts,responses,selectmasks\n"
        '0,1,"1,2","1,0","1,1"\n'
        '0,2,"1,2","1,0","1,1"\n'
        '0,1,"3,-1","1,-1","1,-1"\n'
    )
    with pytest.raises(MalformedInput) as caught:
        parse_pykt(text, "x_sequences.csv")
    assert [p.location for p in caught.value.where] == ["line 4"]
    assert "repeats line 2, not right after it" in caught.value.where[0].reason


def test_a_repeated_uid_without_selectmasks_is_refused() -> None:
    with pytest.raises(MalformedInput) as caught:
        parse_pykt('fold,uid,concepts,responses\n0,1,"1","1"\n0,1,"2","0"\n', "x.csv")
    assert "needs its selectmasks column" in caught.value.where[0].reason


def test_question_level_windows_are_refused_with_what_to_read_instead() -> None:
    text = 'fold,uid,questions,concepts,responses,selectmasks,qidxs,rest,orirow\n0,1,"1","2","1","1","0","0","0"\n'
    with pytest.raises(MalformedInput) as caught:
        parse_pykt(text, "test_question_window_sequences.csv")
    assert caught.value.where[0].location == "line 1"
    assert "test_quelevel.csv" in caught.value.where[0].reason


def _cut_like_pykt(sequences: dict[str, tuple[list[str], list[str]]], *, sliding: bool, maxlen: int = 200) -> str:
    """A one-row-per-student log cut the way pyKT writes its windowed files (our own writer):
    pieces of ``maxlen`` with the last padded and dropped below 3 positions, or sliding windows."""
    lines = ["fold,uid,concepts,responses,selectmasks"]

    def row(uid: str, concepts: list[str], responses: list[str], masks: list[str]) -> None:
        pad = ["-1"] * (maxlen - len(concepts))
        cells = [concepts + pad, responses + pad, masks + pad]
        lines.append(f"-1,{uid}," + ",".join('"' + ",".join(c) + '"' for c in cells))

    for uid, (concepts, responses) in sequences.items():
        n = len(concepts)
        if sliding:
            row(uid, concepts[:maxlen], responses[:maxlen], ["1"] * min(n, maxlen))
            for end in range(maxlen + 1, n + 1):
                row(uid, concepts[end - maxlen : end], responses[end - maxlen : end], ["-1"] * (maxlen - 1) + ["1"])
            continue
        for start in range(0, n, maxlen):
            piece = slice(start, start + maxlen)
            if len(concepts[piece]) >= 3:
                row(uid, concepts[piece], responses[piece], ["1"] * len(concepts[piece]))
    return "\n".join(lines) + "\n"


@needs_data
def test_real_log_cut_into_pykt_windows_reads_back_whole(test_csv: pd.DataFrame) -> None:
    """assist2015's test file cut both ways pyKT cuts it: the sliding windows give back every
    attempt; the pieces every attempt but the tails under 3 positions pyKT drops (none here)."""
    sequences = {
        student.removeprefix("assist2015-"): (
            rows["concept"].tolist(),
            rows["correct"].astype(int).astype(str).tolist(),
        )
        for student, rows in test_csv.groupby("student", sort=False)
    }
    key = ["student", "attempt", "attempt_id", "concept", "correct"]
    sliding = parse_pykt(_cut_like_pykt(sequences, sliding=True), "assist2015/test_window_sequences.csv")
    assert sliding[key].equals(test_csv[key])
    pieces = parse_pykt(_cut_like_pykt(sequences, sliding=False), "assist2015/test_sequences.csv")
    tail = test_csv["attempt"] >= test_csv.groupby("student")["attempt"].transform("size") // 200 * 200
    dropped = tail & (test_csv.groupby("student")["attempt"].transform("size") % 200 < 3)
    assert pieces[key].reset_index(drop=True).equals(test_csv.loc[~dropped, key].reset_index(drop=True))


def test_every_bad_row_is_reported_with_its_line() -> None:
    text = (
        "fold,uid,concepts,responses\n"
        '0,1,"1,2","1,0"\n'
        '0,2,"1,2,3","1,0"\n'  # 3: unequal
        '0,3,"1,x","1,0"\n'  # 4: not an integer
        '0,4,"1,2","1,2"\n'  # 5: response 2
        '0,1,"1","1"\n'  # 6: uid repeated
        "0,5\n"  # 7: too few fields
        '0,6,"1_x,2","1,0"\n'  # 8: a joined concept that is not a number
    )
    with pytest.raises(MalformedInput) as caught:
        parse_pykt(text, "bad.csv")
    assert [p.location for p in caught.value.where] == [f"line {n}" for n in (3, 4, 5, 6, 7, 8)]
    assert all(p.source == "bad.csv" for p in caught.value.where)
    assert "repeats line 2" in caught.value.where[3].reason


def test_missing_columns_are_refused() -> None:
    with pytest.raises(MalformedInput, match="missing column"):
        parse_pykt("uid,concepts\n1,2\n", "x.csv")


def test_dataset_name() -> None:
    assert dataset_name("/a/b/assist2015/test.csv") == "assist2015"


def test_a_sibling_that_answers_otherwise_and_a_time_out_of_range_are_refused() -> None:
    # The sibling was merged into its attempt and its 0 dropped; the time ended in a traceback.
    text = (
        "fold,uid,concepts,responses,questions,is_repeat,timestamps\n"
        '0,3,"19,20","1,0","5,5","0,1","1700000000000,1700000000000"\n'
        '0,4,"19","1","5","0","99999999999999999999"\n'
    )
    with pytest.raises(MalformedInput) as caught:
        parse_pykt(text, "x/test.csv")
    assert [(w.location, w.reason) for w in caught.value.where] == [
        ("line 2", "is_repeat position 2 answers 0 where its question answered 1"),
        ("line 3", "timestamps: 1 value(s) not milliseconds since 1970 (or out of range), e.g. '99999999999999999999'"),
    ]
