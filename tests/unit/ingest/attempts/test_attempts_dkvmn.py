"""DKVMN 3-line sequences: one row per position, keys per sequence, every bad line reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.attempts.dkvmn import parse_dkvmn, read_dkvmn
from ingest.errors import MalformedInput


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
