"""A heatmap names the concepts and rows its colours stand for, however many there are."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from cli.heatmap import label_step, write_heatmap
from graph.cohort_reports import Grid


def test_a_district_curriculum_has_every_concept_named(tmp_path: Path) -> None:
    # Past 80 concepts no label was written: a 120-concept heatmap was colours nobody could tie to a concept.
    concepts = [f"concept-{n:03d}" for n in range(120)]
    rows = [f"class-{n}" for n in range(90)]
    grid = Grid(rows, concepts, np.linspace(0.0, 1.0, 90 * 120).reshape(90, 120))
    out = tmp_path / "district.svg"
    write_heatmap(grid, out, title="district", row_label="cohort")
    # matplotlib writes each text as paths under a comment holding the text
    written = set(re.findall(r"<!-- (concept-\d+|class-\d+) -->", out.read_text()))
    assert written == set(concepts) | set(rows)


def test_labels_are_thinned_only_where_they_would_overlap() -> None:
    assert label_step(200, 57.0) == 1
    assert label_step(1000, 57.0) == 2, "4 points apart: every second one"
    assert label_step(10_000, 58.0) == 20
    assert label_step(0, 3.0) == 1
