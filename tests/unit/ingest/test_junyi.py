"""Tests of the Junyi Academy importer: the real exercise table by path, and small CSV texts."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.bundle import CurriculumBundle
from graph.errors import PrerequisiteCycle
from graph.ids import is_valid_id
from graph.projection import Projection
from graph.validation import check_bundle
from ingest.errors import MalformedInput
from ingest.junyi import CURRICULUM_ID, exercise_id, parse_junyi, read_junyi
from tests.conftest import DATA as SHARED_DATA

DATA = SHARED_DATA / "kg" / "junyi" / "junyi_Exercise_table.csv"
needs_data = pytest.mark.skipif(not DATA.is_file(), reason=f"Junyi data not at {DATA}")

HEADER = (
    "name,live,prerequisites,h_position,v_position,creation_date,seconds_per_fast_problem,"
    "pretty_display_name,short_display_name,topic,area\n"
)
RADICALS = ["simplifying_radicals", "adding_and_subtracting_radicals", "radical_multiplication_and_division"]


def _row(name: str, prerequisites: str = "", pretty: str = "", short: str = "") -> str:
    quoted = f'"{prerequisites}"' if "," in prerequisites else prerequisites
    return f"{name},TRUE,{quoted},1,2,2012-10-11 17:55:24 UTC,5,{pretty},{short},topic,area\n"


@pytest.fixture(scope="module")
def real() -> CurriculumBundle:
    return read_junyi(DATA)


class TestExerciseId:
    def test_slug_names_are_kept(self) -> None:
        assert exercise_id("matrix_mul_two") == "matrix_mul_two"
        assert exercise_id("angle-types") == "angle-types"

    def test_names_with_spaces_get_valid_ids_that_do_not_clash(self) -> None:
        spaced = exercise_id("angle types")
        assert is_valid_id(spaced)
        assert spaced.startswith("angle_types_")
        assert spaced != "angle_types"


class TestParseJunyi:
    def test_rows_become_concepts_and_edges(self) -> None:
        text = HEADER + _row("a", pretty="甲 1", short="甲1") + _row("b", "a, c,a", pretty="乙")
        bundle = parse_junyi(text, "t.csv")
        assert [c.id for c in bundle.curricula] == [CURRICULUM_ID]
        assert [(c.id, c.label, c.alt_labels, c.curriculum) for c in bundle.concepts] == [
            ("a", "甲 1", ("甲1",), CURRICULUM_ID),
            ("b", "乙", (), CURRICULUM_ID),
        ]
        assert [(e.concept, e.prerequisite) for e in bundle.prerequisites] == [("b", "a"), ("b", "c")]
        assert bundle.materials == ()

    def test_self_loops_and_cycles_are_kept(self) -> None:
        text = HEADER + _row("a", "a", pretty="A") + _row("b", "c", pretty="B") + _row("c", "b", pretty="C")
        edges = {(e.concept, e.prerequisite) for e in parse_junyi(text, "t.csv").prerequisites}
        assert edges == {("a", "a"), ("b", "c"), ("c", "b")}

    def test_duplicate_name_keeps_the_first_row(self) -> None:
        text = HEADER + _row("a", "x", pretty="first") + _row("a", "y", pretty="second")
        bundle = parse_junyi(text, "t.csv")
        assert [c.label for c in bundle.concepts] == ["first"]
        assert [e.prerequisite for e in bundle.prerequisites] == ["x"]

    def test_empty_display_name_falls_back(self) -> None:
        text = HEADER + _row("a", short="New Ex") + _row("b")
        assert [c.label for c in parse_junyi(text, "t.csv").concepts] == ["New Ex", "b"]

    def test_missing_column(self) -> None:
        with pytest.raises(MalformedInput) as caught:
            parse_junyi("name,live,prerequisites\na,TRUE,\n", "t.csv")
        [problem] = caught.value.where
        assert (problem.source, problem.location) == ("t.csv", "line 1")
        assert "pretty_display_name" in problem.reason
        assert "short_display_name" in problem.reason

    def test_every_bad_row_is_listed_with_its_line(self) -> None:
        text = HEADER + _row("a", pretty="A") + "b,TRUE\n" + _row("", pretty="no name") + _row("c", "a,b", pretty="C")
        with pytest.raises(MalformedInput) as caught:
            parse_junyi(text, "t.csv")
        assert [(p.source, p.location) for p in caught.value.where] == [("t.csv", "line 3"), ("t.csv", "line 4")]

    def test_quoted_newline_counts_lines(self) -> None:
        text = HEADER + 'a,TRUE,"x,\ny",1,2,d,5,A,A,t,ar\n' + "b,TRUE\n"
        with pytest.raises(MalformedInput) as caught:
            parse_junyi(text, "t.csv")
        assert [p.location for p in caught.value.where] == ["line 4"]

    def test_bad_quoting_is_a_problem(self) -> None:
        text = HEADER + 'a,TRUE,"x"y,1,2,d,5,A,A,t,ar\n' + _row("b", pretty="B") + 'c,TRUE,"unclosed,1\n'
        with pytest.raises(MalformedInput) as caught:
            parse_junyi(text, "t.csv")
        assert [p.location for p in caught.value.where] == ["line 2", "line 4"]

    def test_a_quote_left_open_is_named_where_it_opens(self) -> None:
        # It was named at the line where the file ran out inside it, three lines on (an audit).
        text = HEADER + _row("a", pretty="A") + 'b,TRUE,"cut short,1\n' + _row("c", pretty="C") + _row("d", pretty="D")
        with pytest.raises(MalformedInput) as caught:
            parse_junyi(text, "t.csv")
        assert [(p.location, p.reason) for p in caught.value.where] == [
            ("line 3", "a quoted field opened here is never closed (the file ends inside it)")
        ]

    def test_empty_text(self) -> None:
        with pytest.raises(MalformedInput):
            parse_junyi("", "t.csv")


class TestReadJunyi:
    def test_bom_is_removed(self, tmp_path: Path) -> None:
        path = tmp_path / "t.csv"
        path.write_bytes(b"\xef\xbb\xbf" + (HEADER + _row("a", pretty="A")).encode("utf-8"))
        assert [c.id for c in read_junyi(path).concepts] == ["a"]

    def test_malformed_row_names_the_file(self, tmp_path: Path) -> None:
        path = tmp_path / "t.csv"
        path.write_text(HEADER + "a,TRUE,,1\n", encoding="utf-8")
        with pytest.raises(MalformedInput) as caught:
            read_junyi(path)
        assert [(p.source, p.location) for p in caught.value.where] == [(str(path), "line 2")]

    def test_not_utf8(self, tmp_path: Path) -> None:
        path = tmp_path / "t.csv"
        path.write_bytes(HEADER.encode() + "a,TRUE,,1,2,d,5,甲,甲,t,ar\n".encode("big5"))
        with pytest.raises(MalformedInput) as caught:
            read_junyi(path)
        assert caught.value.where[0].source == str(path)

    @needs_data
    def test_real_counts(self, real: CurriculumBundle) -> None:
        assert real.counts() == {"curricula": 1, "concepts": 835, "prerequisites": 981, "materials": 0}
        assert len({(e.concept, e.prerequisite) for e in real.prerequisites}) == 981
        assert all(is_valid_id(c.id) and c.label for c in real.concepts)

    @needs_data
    def test_real_self_loops_and_cycle_are_kept(self, real: CurriculumBundle) -> None:
        edges = {(e.concept, e.prerequisite) for e in real.prerequisites}
        loops = {c for c, p in edges if c == p}
        assert loops == {"proportions_1", "number_sense_length_l1"}
        ids = {c.id for c in real.concepts}
        assert all(p in ids for _, p in edges)

    @needs_data
    def test_real_bundle_refused_for_cycles(self, real: CurriculumBundle) -> None:
        with pytest.raises(PrerequisiteCycle) as caught:
            check_bundle(real, Projection(), break_cycles=False)
        cycles = caught.value.cycles
        assert len(cycles) == 3
        assert ["proportions_1"] in cycles
        assert ["number_sense_length_l1"] in cycles
        [radicals] = [c for c in cycles if len(c) == 3]
        assert set(radicals) == set(RADICALS)

    @needs_data
    def test_real_bundle_passes_when_breaking_cycles(self, real: CurriculumBundle) -> None:
        cleaned, report = check_bundle(real, Projection(), break_cycles=True)
        assert len(report.dropped_edges) == 3
        assert report.dangling == []
        assert len(cleaned.prerequisites) == 981 - 3


def test_the_data_sets_folder_reads_as_its_exercise_table(tmp_path: Path) -> None:
    # `pathwise import kg/junyi` could not tell the format, and --format junyi gave a raw "Is a directory".
    from ingest.formats import detect_format, read_path

    folder = tmp_path / "junyi"
    folder.mkdir()
    (folder / "junyi_Exercise_table.csv").write_text(HEADER + _row("a") + _row("b", "a"))
    assert detect_format(folder) == "junyi"
    assert [c.id for c in read_path(folder).concepts] == [c.id for c in read_path(folder, "junyi").concepts]
    with pytest.raises(MalformedInput, match="a folder, where turtle reads a file"):
        read_path(folder, "turtle")
    with pytest.raises(MalformedInput, match="no junyi_Exercise_table.csv"):
        read_path(tmp_path, "junyi")
