"""The generated logs behind the "Other logs" figures (docs/students-and-mastery.md) read as the shapes they claim."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.kt_logs import SHAPES, write_log
from ingest.attempts.formats import read_attempts
from ml.mastery.data import name_texts

SCALES = {"many-skills": 0.01, "long-sequences": 0.01, "assist2012": 0.001, "worded-skills": 0.01}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_each_shape_reads_in_its_layout_with_other_students_in_test(shape: str, tmp_path: Path) -> None:
    layout = write_log(shape, tmp_path, scale=SCALES[shape])
    train = read_attempts(tmp_path / "train.csv", layout)
    test = read_attempts(tmp_path / "test.csv", layout)
    assert len(train) > len(test) > 0
    if layout != "dkvmn":  # DKVMN files name no students: the reader numbers them per file
        assert not set(train["student"]) & set(test["student"])
    concepts = train["concept"].astype(str)
    attempts = train[["student", "attempt"]].drop_duplicates()
    if shape == "many-skills":
        assert concepts.nunique() > 1_000
    if shape in ("long-sequences", "worded-skills"):
        assert len(attempts) < len(train)  # some attempts are tagged with several concepts
    if shape == "worded-skills":
        assert len(name_texts(concepts.unique())) == concepts.nunique()  # every skill is named in words


def test_a_shape_is_the_same_every_time(tmp_path: Path) -> None:
    write_log("worded-skills", tmp_path / "a", scale=0.005)
    write_log("worded-skills", tmp_path / "b", scale=0.005)
    for name in ("train.csv", "test.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
