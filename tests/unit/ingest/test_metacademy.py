"""Tests of the Metacademy importer: the real content tree by path, and small hand-made trees."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from graph.bundle import CurriculumBundle
from graph.model import MaterialType
from graph.projection import Projection
from graph.validation import check_bundle
from ingest.errors import MalformedInput, Problem
from ingest.metacademy import (
    CURRICULUM_ID,
    DEFAULT_DIFFICULTY,
    DEFAULT_MINUTES,
    SHORTCUT_STRENGTH,
    ConceptFiles,
    MetacademyFiles,
    parse_metacademy,
    parse_records,
    parse_time_estimates,
    read_metacademy,
)
from tests.conftest import DATA as SHARED_DATA

DATA = SHARED_DATA / "kg" / "metacademy"
needs_data = pytest.mark.skipif(not (DATA / "concepts").is_dir(), reason=f"Metacademy data not at {DATA}")

GLOBAL_RESOURCES = """\
# global sources
key: book
title: A Book
url: http://example.org/book
specific_url_base: http://example.org/book.pdf
resource_type: textbook
level: graduate
description: A book about things.

key: course
title: A Course
url: http://example.org/course
resource_type: online lectures
level: introductory
description: Videos.
"""


@pytest.fixture(scope="module")
def real() -> CurriculumBundle:
    return read_metacademy(DATA)


def _write_tree(root: Path, concepts: Mapping[str, Mapping[str, str]], resources: str = GLOBAL_RESOURCES) -> Path:
    (root / "concepts").mkdir(parents=True)
    (root / "resources.txt").write_text(resources, encoding="utf-8")
    for tag, files in concepts.items():
        folder = root / "concepts" / tag
        folder.mkdir()
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
    return root


class TestParseRecords:
    def test_splits_on_blank_lines_and_skips_comments(self) -> None:
        problems: list[Problem] = []
        text = "# header\ntag: a\nreason: r\n\n\n# between\ntag: b\nshortcut: 1\n"
        records = parse_records(text, "deps.txt", problems)
        assert problems == []
        assert [r.fields for r in records] == [{"tag": ["a"], "reason": ["r"]}, {"tag": ["b"], "shortcut": ["1"]}]
        assert [r.line for r in records] == [2, 7]

    def test_repeated_keys_keep_every_value_in_order(self) -> None:
        records = parse_records("source: s\nlocation: one\nlocation: two\n", "r.txt", [])
        assert records[0].fields["location"] == ["one", "two"]
        assert records[0].first("location") == "one"
        assert records[0].first("missing") is None

    def test_value_may_contain_colons(self) -> None:
        records = parse_records("url: http://x.org/a:b\n", "r.txt", [])
        assert records[0].first("url") == "http://x.org/a:b"

    def test_lines_without_a_key_are_problems_with_their_line(self) -> None:
        problems: list[Problem] = []
        parse_records("tag: a\nno colon here\n\n: empty key\n", "deps.txt", problems)
        assert [(p.source, p.location) for p in problems] == [("deps.txt", "line 2"), ("deps.txt", "line 4")]


class TestParseTimeEstimates:
    def test_reads_tag_and_hours(self) -> None:
        problems: list[Problem] = []
        assert parse_time_estimates("a 1.5\n\nb 0.25\n", "t.txt", problems) == {"a": 1.5, "b": 0.25}
        assert problems == []

    def test_bad_lines_are_problems(self) -> None:
        problems: list[Problem] = []
        hours = parse_time_estimates("a 1.5\nb lots\nc\nd 1 2\ne nan\nf -1\n", "t.txt", problems)
        assert hours == {"a": 1.5}
        assert [p.location for p in problems] == ["line 2", "line 3", "line 4", "line 5", "line 6"]


class TestParseMetacademy:
    def _files(self, **concepts: ConceptFiles) -> MetacademyFiles:
        return MetacademyFiles(root="/m", concepts=concepts, resources=GLOBAL_RESOURCES, time_estimates="b 0.5\n")

    def test_concepts_edges_and_materials(self) -> None:
        bundle = parse_metacademy(
            self._files(
                a=ConceptFiles(title="Alpha\n", summary="# comment\nAlpha is first.\n"),
                b=ConceptFiles(
                    title="Beta",
                    dependencies="tag: a\nreason: needed\n\ntag: not-there\nshortcut: 1\n",
                    resources=(
                        "source: book\nlocation: Section 1 [#page=3]\nlocation: Section 2\n\n"
                        "source: course\nlocation: Lecture 4\n\n"
                        "title: Inline paper\nresource_type: interactive demonstration\nurl: http://p.org\n"
                    ),
                ),
            )
        )
        assert [c.id for c in bundle.curricula] == [CURRICULUM_ID]
        assert [(c.id, c.label, c.definition, c.curriculum) for c in bundle.concepts] == [
            ("a", "Alpha", "Alpha is first.", CURRICULUM_ID),
            ("b", "Beta", "", CURRICULUM_ID),
        ]
        assert [(e.concept, e.prerequisite, e.strength, e.provenance) for e in bundle.prerequisites] == [
            ("b", "a", 1.0, "metacademy"),
            ("b", "not_there", SHORTCUT_STRENGTH, "metacademy-shortcut"),
        ]
        book, course, inline = bundle.materials
        assert book.id == "metacademy_b_1"
        assert book.title == "A Book: Section 1 (+1 more)"
        assert book.type is MaterialType.READING
        assert book.url == "http://example.org/book.pdf#page=3"
        assert book.text == "A book about things. — Section 1; Section 2"
        assert (book.difficulty, book.minutes, book.teaches) == (4, 30, ("b",))
        assert (course.type, course.difficulty, course.url) == (MaterialType.VIDEO, 1, "http://example.org/course")
        assert (inline.id, inline.title, inline.type, inline.url) == (
            "metacademy_b_3",
            "Inline paper",
            MaterialType.EXAMPLE,
            "http://p.org",
        )
        assert inline.difficulty == DEFAULT_DIFFICULTY
        assert all(m.minutes == 30 for m in bundle.materials)  # b: 0.5 h

    def test_minutes_default_without_an_estimate(self) -> None:
        bundle = parse_metacademy(self._files(a=ConceptFiles(title="A", resources="source: book\n")))
        assert bundle.materials[0].minutes == DEFAULT_MINUTES

    def test_annotated_example_is_not_a_concept(self) -> None:
        bundle = parse_metacademy(self._files(ANNOTATED_EXAMPLE=ConceptFiles(title="Annotated Example")))
        assert bundle.concepts == ()

    def test_every_problem_is_collected(self) -> None:
        files = self._files(
            a=ConceptFiles(title=""),
            b=ConceptFiles(
                title="B",
                dependencies="reason: no tag\n\ntag: x\nshortcut: yes\n",
                resources="source: nowhere\n\nlocation: no title or type\n",
            ),
        )
        with pytest.raises(MalformedInput) as caught:
            parse_metacademy(files)
        where = [(p.source, p.location) for p in caught.value.where]
        assert where == [
            ("/m/concepts/a/title.txt", "line 1"),
            ("/m/concepts/b/dependencies.txt", "line 1"),
            ("/m/concepts/b/dependencies.txt", "line 3"),
            ("/m/concepts/b/resources.txt", "line 1"),
            ("/m/concepts/b/resources.txt", "line 3"),
        ]
        assert "nowhere" in caught.value.where[3].reason


class TestReadMetacademy:
    def test_small_tree(self, tmp_path: Path) -> None:
        root = _write_tree(
            tmp_path / "m", {"a": {"title.txt": "A"}, "b": {"title.txt": "B", "dependencies.txt": "tag: a"}}
        )
        bundle = read_metacademy(root)
        assert bundle.counts() == {"curricula": 1, "concepts": 2, "prerequisites": 1, "materials": 0}

    def test_malformed_record_names_file_and_line(self, tmp_path: Path) -> None:
        root = _write_tree(tmp_path / "m", {"a": {"title.txt": "A", "dependencies.txt": "# c\ntag: x\nbroken line\n"}})
        with pytest.raises(MalformedInput) as caught:
            read_metacademy(root)
        [problem] = caught.value.where
        assert problem.source == str(root / "concepts" / "a" / "dependencies.txt")
        assert problem.location == "line 3"

    def test_missing_layout(self, tmp_path: Path) -> None:
        with pytest.raises(MalformedInput) as caught:
            read_metacademy(tmp_path)
        assert len(caught.value.problems) == 2

    def test_non_utf8_file(self, tmp_path: Path) -> None:
        root = _write_tree(tmp_path / "m", {"a": {}})
        (root / "concepts" / "a" / "title.txt").write_bytes(b"\xff\xfe bad")
        with pytest.raises(MalformedInput) as caught:
            read_metacademy(root)
        assert caught.value.where[0].source.endswith("title.txt")

    @needs_data
    def test_real_counts(self, real: CurriculumBundle) -> None:
        assert real.counts() == {"curricula": 1, "concepts": 392, "prerequisites": 985, "materials": 1084}
        assert sum(e.provenance == "metacademy-shortcut" for e in real.prerequisites) == 67
        assert sum(bool(c.definition) for c in real.concepts) == 356

    @needs_data
    def test_real_dangling_edges_are_kept(self, real: CurriculumBundle) -> None:
        ids = {c.id for c in real.concepts}
        dangling = {e.prerequisite for e in real.prerequisites if e.prerequisite not in ids}
        assert len(dangling) == 17
        assert {"jacobian", "convolution", "newton_rhapson"} <= dangling
        # "random variables" (a space) is the concept random_variables: it dangled.
        assert "random_variables" in ids
        assert any(e.prerequisite == "random_variables" for e in real.prerequisites)
        assert any(e.concept == "reversible_jump_mcmc" and e.prerequisite == "jacobian" for e in real.prerequisites)
        # "-" in dependency tags is read as "_": metropolis-hastings is the concept metropolis_hastings.
        assert any(e.prerequisite == "metropolis_hastings" for e in real.prerequisites)

    @needs_data
    def test_real_materials_link_to_concepts(self, real: CurriculumBundle) -> None:
        ids = {c.id for c in real.concepts}
        assert all(m.teaches and set(m.teaches) <= ids for m in real.materials)
        assert len({m.id for m in real.materials}) == len(real.materials)
        assert {m.type for m in real.materials} >= {MaterialType.READING, MaterialType.VIDEO}
        assert all(1 <= m.difficulty <= 5 and m.minutes >= 1 and m.title for m in real.materials)
        assert len({m.teaches[0] for m in real.materials}) == 359

    @needs_data
    def test_real_bundle_validates_with_17_dangling_and_no_cycle(self, real: CurriculumBundle) -> None:
        cleaned, report = check_bundle(real, Projection(), break_cycles=False, allow_dangling=True)
        unknown = set(report.missing_ids)
        assert len(unknown) == 17
        assert all(line.startswith("prerequisite ") for line in report.dangling)
        assert report.cycles == []
        assert report.dropped_edges == []
        assert len(cleaned.prerequisites) == 985 - len(report.dangling)
