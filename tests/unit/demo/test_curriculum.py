"""The bundled demo curriculum is complete enough for every later query, and consistent."""

from __future__ import annotations

from collections import Counter

import networkx as nx
import pytest

from demo.load import CURRICULUM_DIR, load_demo
from graph.bundle import CurriculumBundle
from graph.model import MaterialType
from graph.projection import Projection
from graph.repository import KnowledgeGraph
from graph.store import open_store
from graph.validation import check_bundle
from ingest.csv_layout import read_curriculum_csv


@pytest.fixture(scope="module")
def bundle() -> CurriculumBundle:
    return read_curriculum_csv(CURRICULUM_DIR)


class TestDemoCurriculum:
    def test_validates_with_nothing_dangling(self, bundle: CurriculumBundle) -> None:
        _, report = check_bundle(bundle, Projection())
        assert report.dangling == []
        assert report.cycles == []

    def test_size_and_depth(self, bundle: CurriculumBundle) -> None:
        assert len(bundle.concepts) >= 60
        assert len(bundle.materials) >= 150
        dag = nx.DiGraph((e.prerequisite, e.concept) for e in bundle.prerequisites)
        assert nx.is_directed_acyclic_graph(dag)
        assert nx.dag_longest_path_length(dag) >= 8

    def test_every_concept_taught_and_assessed(self, bundle: CurriculumBundle) -> None:
        learnable = {c.id for c in bundle.concepts if not c.id.startswith("topic_")}
        taught = {c for m in bundle.materials for c in m.teaches}
        assessed = {c for m in bundle.materials if m.type is MaterialType.EXERCISE for c in m.assesses}
        assert learnable <= taught
        assert learnable <= assessed
        assert all(c.definition for c in bundle.concepts)

    def test_materials_are_real_instruction(self, bundle: CurriculumBundle) -> None:
        kinds = Counter(m.type for m in bundle.materials)
        assert kinds[MaterialType.EXPLANATION] >= 50
        assert kinds[MaterialType.EXAMPLE] >= 50
        for m in bundle.materials:
            assert 1 <= m.difficulty <= 5
            assert m.minutes >= 1
            assert len(m.text.split()) >= 40, m.id
            if m.type is MaterialType.EXERCISE:
                assert "Answers:" in m.text, m.id


class TestLoadDemo:
    def test_loads_curriculum_and_simulated_students(self) -> None:
        kg = KnowledgeGraph(open_store("memory"))
        loaded = load_demo(kg, students=20)
        assert loaded.concepts >= 60
        assert loaded.attempts > 20 * 10
        assert not kg.is_empty()


class TestDemoAccessibility:
    def test_every_material_states_its_language_and_access_modes(self, bundle: CurriculumBundle) -> None:
        assert all(m.language == "en" and m.access_modes for m in bundle.materials)

    def test_a_few_materials_show_what_the_metadata_is_for(self, bundle: CurriculumBundle) -> None:
        by_id = {m.id: m for m in bundle.materials}
        video = by_id["m_slope_explain"]  # its text is the transcript
        assert {"closedCaptions", "transcript"} <= set(video.accessibility_features)
        assert "textual" in video.access_mode_sufficient
        assert "flashing" in by_id["m_coordinate_plane_example"].accessibility_hazards
        grid = by_id["m_coordinate_plane_practice"]
        assert "alternativeText" in grid.accessibility_features
        assert "textual" in grid.access_mode_sufficient
        assert by_id["m_graphing_linear_equations_practice"].access_mode_sufficient == ("textual,visual",)
        assert by_id["m_integers_number_line_example"].accessibility_hazards == ("unknown",)
