"""DKVMN 3-line sequences: one row per position, keys per sequence, every bad line reported,
and a real log rewritten in the layout reads as it does in its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.attempts.dkvmn import parse_dkvmn, read_dkvmn
from ingest.attempts.pykt import read_pykt
from ingest.errors import MalformedInput
from tests.conftest import DATA

ASSIST2015_TEST = DATA / "kt" / "assist2015" / "test.csv"


def test_positions_become_attempts_with_item_as_concept(tmp_path: Path) -> None:
    path = tmp_path / "static2011_train.txt"
    path.write_text("3\n4,5,4,\n1,0,1,\n1\n7\n0\n", encoding="utf-8")
    frame = read_dkvmn(path)
    assert frame[["student", "attempt", "item", "concept", "correct"]].values.tolist() == [
        ["static2011_train-seq1", 0, "4", "4", 1.0],
        ["static2011_train-seq1", 1, "5", "5", 0.0],
        ["static2011_train-seq1", 2, "4", "4", 1.0],
        ["static2011_train-seq2", 0, "7", "7", 0.0],
    ]
    assert frame["attempt_id"].iloc[1] == "static2011_train-seq1:1"
    assert frame["timestamp"].isna().all()
    assert set(frame["source"]) == {"dkvmn:static2011_train.txt"}


def test_a_byte_order_mark_is_no_part_of_the_first_line(tmp_path: Path) -> None:
    # Saved from Excel or Notepad: "sequence length '\ufeff3' is not a whole number".
    path = tmp_path / "log.txt"
    path.write_text("\ufeff3\n4,5,4,\n1,0,1,\n", encoding="utf-8")
    assert read_dkvmn(path)["item"].tolist() == ["4", "5", "4"]


def test_every_bad_line_is_reported() -> None:
    text = (
        "2\n1,2\n1,0\n"  # 1-3 fine
        "3\n1,2\n1,0,1\n"  # 5: 2 items for length 3
        "x\n1\n1\n"  # 7: bad length
        "1\n1\n5\n"  # 12: response 5
        "2\n1,2\n"  # 13-14: incomplete sequence
    )
    with pytest.raises(MalformedInput) as caught:
        parse_dkvmn(text, "seq.txt")
    assert [p.location for p in caught.value.where] == ["line 5", "line 7", "line 12", "line 13"]
    assert "length says 3 (line 4)" in caught.value.where[0].reason


def test_name_overrides_the_key_prefix() -> None:
    assert parse_dkvmn("1\n3\n1\n", "x.txt", name="k")["student"].tolist() == ["k-seq1"]


@pytest.mark.skipif(not ASSIST2015_TEST.is_file(), reason=f"assist2015 not at {ASSIST2015_TEST}")
def test_real_log_written_as_three_lines_reads_as_the_pykt_reader_reads_it() -> None:
    """assist2015's test students written the DKVMN way (skill ids as the item line, as the
    AKT and DKVMN repositories ship it): the same sequences of concepts and answers."""
    pykt = read_pykt(ASSIST2015_TEST)
    blocks = []
    for _, rows in pykt.groupby("student", sort=False):
        blocks += [str(len(rows)), ",".join(rows["concept"]) + ",", ",".join(rows["correct"].astype(int).astype(str))]
    three = parse_dkvmn("\n".join(blocks) + "\n", "assist2015_test.txt")
    assert len(three) == len(pykt) == 138458
    assert three["student"].nunique() == pykt["student"].nunique() == 3818
    # sequence n is the n-th student written; both tables sort by key, so put them in that order
    number = three["student"].str.rsplit("seq", n=1).str[1].astype(int)
    three = three.assign(number=number).sort_values(["number", "attempt"], kind="stable")
    for column in ("attempt", "concept", "correct"):
        assert three[column].tolist() == pykt[column].tolist()


def test_a_dropped_line_is_one_problem_not_one_per_record() -> None:
    # One line missing shifted every record after it: 175 to 240 problems, none of them the line at fault.
    blocks = "".join(f"3\n{n},{n + 1},{n},\n1,0,1,\n" for n in range(40))
    lines = blocks.splitlines()
    del lines[4]  # the second record's items
    with pytest.raises(MalformedInput) as caught:
        parse_dkvmn("\n".join(lines) + "\n", "seq.txt")
    reasons = [p.reason for p in caught.value.where]
    assert len(reasons) < 10
    assert "records are out of step from here on (a line missing or extra before it?)" in reasons[-1]
