"""Tests of the Khan Academy (KA Lite 2013) importer: the real dump by path, and small inputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.bundle import CurriculumBundle
from graph.ids import is_valid_id
from graph.model import MaterialType
from graph.projection import Projection
from graph.validation import check_bundle
from ingest.errors import MalformedInput
from ingest.khan import CURRICULUM_ID, YOUTUBE_WATCH, parse_khan, read_khan, video_material_id
from tests.conftest import DATA as SHARED_DATA

DATA = SHARED_DATA / "kg" / "khan_academy_kalite_2013"
needs_data = pytest.mark.skipif(not (DATA / "topicdata").is_dir(), reason=f"Khan Academy data not at {DATA}")


def _exercise(name: str, prerequisites: list[str] | None = None, videos: list[str] | None = None) -> dict[str, object]:
    return {
        "name": name,
        "display_name": name.title(),
        "title": name.title(),
        "description": f"About {name}\n",
        "prerequisites": prerequisites or [],
        "related_video_slugs": videos or [],
        "path": f"/math/{name}/",
    }


@pytest.fixture(scope="module")
def real() -> CurriculumBundle:
    return read_khan(DATA)


class TestVideoMaterialId:
    def test_slug_is_kept(self) -> None:
        assert video_material_id("adding-fractions") == "khan_video_adding-fractions"

    def test_titles_with_spaces_become_valid_distinct_ids(self) -> None:
        one = video_material_id("Example 1: Solving a quadratic equation by factoring")
        two = video_material_id("Example 2: Solving a quadratic equation by factoring")
        assert is_valid_id(one)
        assert is_valid_id(two)
        assert one != two
        assert one == video_material_id("Example 1: Solving a quadratic equation by factoring")


class TestParseKhan:
    def test_exercises_edges_and_shared_videos(self) -> None:
        topics = {
            "t1.json": [_exercise("b", ["a", "missing", "a"], ["v-one", "v-two"]), _exercise("a", [], ["v-one"])],
            "t2.json": [{**_exercise("b", ["a", "missing", "a"], ["v-one", "v-two"]), "path": "/elsewhere/"}],
        }
        bundle = parse_khan(topics, {"YT1": "v-one"})
        assert [c.id for c in bundle.curricula] == [CURRICULUM_ID]
        assert [(c.id, c.label, c.definition, c.curriculum) for c in bundle.concepts] == [
            ("b", "B", "About b", CURRICULUM_ID),
            ("a", "A", "About a", CURRICULUM_ID),
        ]
        assert [(e.concept, e.prerequisite) for e in bundle.prerequisites] == [("b", "a"), ("b", "missing")]
        one, two = bundle.materials
        assert (one.id, one.type, one.url, one.teaches) == (
            "khan_video_v-one",
            MaterialType.VIDEO,
            f"{YOUTUBE_WATCH}YT1",
            ("b", "a"),
        )
        assert (two.title, two.url, two.teaches) == ("V two", "", ("b",))

    def test_null_description_is_empty(self) -> None:
        bundle = parse_khan({"t.json": [{**_exercise("a"), "description": None}]})
        assert bundle.concepts[0].definition == ""

    def test_disagreeing_entries_are_refused(self) -> None:
        topics = {"t1.json": [_exercise("a", ["x"])], "t2.json": [_exercise("a", ["y"])]}
        with pytest.raises(MalformedInput) as caught:
            parse_khan(topics)
        [problem] = caught.value.where
        assert (problem.source, problem.location) == ("t2.json", "record 0")
        assert "prerequisites" in problem.reason
        assert "t1.json" in problem.reason

    def test_every_bad_record_is_listed(self) -> None:
        no_name = {k: v for k, v in _exercise("x").items() if k != "name"}
        topics = {"t.json": [_exercise("ok"), no_name, {**_exercise("y"), "prerequisites": "z"}, 7], "u.json": {}}
        with pytest.raises(MalformedInput) as caught:
            parse_khan(topics)
        assert [(p.source, p.location) for p in caught.value.where] == [
            ("t.json", "record 1"),
            ("t.json", "record 2"),
            ("t.json", "record 3"),
            ("u.json", "top level"),
        ]


class TestReadKhan:
    def test_small_dump(self, tmp_path: Path) -> None:
        (tmp_path / "topicdata").mkdir()
        (tmp_path / "topicdata" / "t.json").write_text(json.dumps([_exercise("b", ["a"], ["v"])]), encoding="utf-8")
        (tmp_path / "youtube_to_slug_map.json").write_text(json.dumps({"ID9": "v"}), encoding="utf-8")
        bundle = read_khan(tmp_path)
        assert bundle.counts() == {"curricula": 1, "concepts": 1, "prerequisites": 1, "materials": 1}
        assert bundle.materials[0].url == f"{YOUTUBE_WATCH}ID9"
        # the topic folder itself named: read as its map's folder ("topicdata/topicdata: no topic files" before)
        assert read_khan(tmp_path / "topicdata") == bundle

    def test_malformed_json_names_file_and_line(self, tmp_path: Path) -> None:
        (tmp_path / "topicdata").mkdir()
        bad = tmp_path / "topicdata" / "bad.json"
        bad.write_text('[\n  {"name": "a",\n  oops\n]\n', encoding="utf-8")
        (tmp_path / "topicdata" / "also_bad.json").write_text("[", encoding="utf-8")
        with pytest.raises(MalformedInput) as caught:
            read_khan(tmp_path)
        where = {p.source: p.location for p in caught.value.where}
        assert where[str(bad)] == "line 3, column 3"
        assert len(where) == 2

    def test_no_topic_files(self, tmp_path: Path) -> None:
        with pytest.raises(MalformedInput) as caught:
            read_khan(tmp_path)
        assert "name the map's folder, the one holding topicdata/*.json" in str(caught.value)

    @needs_data
    def test_real_counts(self, real: CurriculumBundle) -> None:
        assert real.counts() == {"curricula": 1, "concepts": 388, "prerequisites": 491, "materials": 725}
        assert len({(e.concept, e.prerequisite) for e in real.prerequisites}) == 491

    @needs_data
    def test_real_dangling_names_are_kept(self, real: CurriculumBundle) -> None:
        ids = {c.id for c in real.concepts}
        assert len({e.prerequisite for e in real.prerequisites if e.prerequisite not in ids}) == 46

    @needs_data
    def test_real_videos_link_to_exercises(self, real: CurriculumBundle) -> None:
        ids = {c.id for c in real.concepts}
        assert all(m.teaches and set(m.teaches) <= ids for m in real.materials)
        assert len({c for m in real.materials for c in m.teaches}) == 380
        assert any(len(m.teaches) > 1 for m in real.materials)
        assert all(m.url.startswith(YOUTUBE_WATCH) for m in real.materials)

    @needs_data
    def test_real_bundle_validates_with_dangling_names_and_no_cycle(self, real: CurriculumBundle) -> None:
        cleaned, report = check_bundle(real, Projection(), break_cycles=False, allow_dangling=True)
        assert len(report.missing_ids) == 46
        assert report.cycles == []
        assert len(cleaned.materials) == 725


def test_a_replace_keeps_what_the_map_does_not_state() -> None:
    # Re-importing the map with --replace dropped the Spanish labels and the flashing hazard a designer had added.
    from dataclasses import replace

    from graph.model import Translation
    from graph.repository import KnowledgeGraph
    from graph.store import open_store
    from graph.translations import set_translation

    topics = {"t1.json": [_exercise("b", ["a"], ["v-one"]), _exercise("a", [], [])]}
    kg = KnowledgeGraph(open_store("memory"))
    kg.import_bundle(parse_khan(topics, {"YT1": "v-one"}))
    set_translation(kg, "a", Translation("es", "A (es)"))
    video = kg.material("khan_video_v-one")
    kg.update_material(replace(video, accessibility_hazards=("flashing",), language="en"))
    kg.import_bundle(parse_khan(topics, {"YT1": "v-one"}), replace_existing=True)
    assert kg.translations(["a"]) == [[Translation("es", "A (es)")]]
    kept = kg.material("khan_video_v-one")
    assert (kept.accessibility_hazards, kept.language) == (("flashing",), "en")
