"""``schema:accessModeSufficient``: sets of access modes, one comma-joined literal each, through every format."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal

from graph.accessibility import canonical_sufficient, sufficient_problems
from graph.errors import ValidationFailed
from graph.model import Material, MaterialType
from graph.rdf_bundle import bundle_from_rdf
from graph.rdf_mapping import graph_of, material_triples
from graph.repository import KnowledgeGraph
from graph.store import open_store
from graph.value_checks import material_problems
from graph.vocab import SDO
from ingest.csv_layout import parse_curriculum_csv, read_curriculum_csv, write_curriculum_csv
from ingest.errors import MalformedInput
from ingest.export import export_text
from ingest.formats import read_text

TRANSCRIBED = Material(
    "m_video",
    "Slope in two minutes",
    MaterialType.VIDEO,
    teaches=("quad",),
    access_modes=("auditory", "visual"),
    access_mode_sufficient=("textual", "auditory,visual", "textual,visual"),
    accessibility_features=("closedCaptions", "transcript"),
)


class TestCanonicalSufficient:
    def test_modes_in_any_case_and_order_are_one_set(self) -> None:
        assert canonical_sufficient(["Visual, AUDITORY", "auditory,visual", " textual "]) == (
            "textual",
            "auditory,visual",
        )

    def test_single_modes_come_first(self) -> None:
        assert canonical_sufficient(["textual,visual", "visual", "auditory"]) == (
            "auditory",
            "visual",
            "textual,visual",
        )

    def test_blank_sets_are_dropped(self) -> None:
        assert canonical_sufficient(["", "  "]) == ()


class TestSufficientProblems:
    def test_the_four_broad_modes_pass(self) -> None:
        assert sufficient_problems(["auditory", "tactile", "textual", "visual", "auditory,textual,visual"]) == []

    def test_a_refinement_of_visual_names_visual(self) -> None:
        [problem] = sufficient_problems(["textual,mathOnVisual"])
        assert problem.startswith("sufficient access mode 'mathOnVisual' is not one of auditory, tactile, textual")
        assert "did you mean 'visual'?" in problem

    def test_a_typo_names_the_closest(self) -> None:
        [problem] = sufficient_problems(["textuel"])
        assert "did you mean 'textual'?" in problem

    def test_an_empty_mode_is_refused(self) -> None:
        assert sufficient_problems(canonical_sufficient(["textual,,visual"])) == [
            "set of sufficient access modes 'textual,,visual' has an empty mode (join modes with one comma)"
        ]

    def test_a_material_names_the_field(self) -> None:
        bad = Material("m", "M", MaterialType.VIDEO, access_mode_sufficient=("sight",))
        [(field, message)] = material_problems(bad)
        assert field == "accessModeSufficient"
        assert message.startswith("material 'm': sufficient access mode 'sight'")


class TestTriples:
    def test_one_literal_per_set(self) -> None:
        written = {(p, o) for _, p, o in material_triples(TRANSCRIBED) if p == SDO.accessModeSufficient}
        assert written == {
            (SDO.accessModeSufficient, Literal("textual")),
            (SDO.accessModeSufficient, Literal("auditory,visual")),
            (SDO.accessModeSufficient, Literal("textual,visual")),
        }
        bundle = bundle_from_rdf(graph_of(material_triples(TRANSCRIBED)))
        assert bundle.materials == (TRANSCRIBED,)
        assert bundle.extra is None

    def test_another_spelling_is_read_once_in_the_stored_form(self) -> None:
        turtle = """@prefix schema: <https://schema.org/> .
        <https://w3id.org/pathwise/id/material/m> a schema:LearningResource ; schema:name "M" ;
            schema:accessModeSufficient "Visual, Textual", "textual,visual", "TEXTUAL" ."""
        bundle = read_text(turtle, "turtle")
        [material] = bundle.materials
        assert material.access_mode_sufficient == ("textual", "textual,visual")
        assert bundle.extra is None


class TestStore:
    def test_update_replaces_them(self, kg: KnowledgeGraph) -> None:
        kg.create_material(TRANSCRIBED)
        assert kg.material("m_video") == TRANSCRIBED
        kept = Material("m_video", "Slope", MaterialType.VIDEO, teaches=("quad",), access_mode_sufficient=("visual",))
        kg.update_material(kept)
        assert kg.material("m_video") == kept
        stored = {str(o) for _, p, o in kg.export_graph() if p == SDO.accessModeSufficient}
        assert stored == {"visual"}

    def test_a_bad_set_writes_nothing(self, kg: KnowledgeGraph) -> None:
        bad = Material("m_bad", "Bad", MaterialType.VIDEO, access_mode_sufficient=("textOnVisual",))
        with pytest.raises(ValidationFailed) as caught:
            kg.create_material(bad)
        assert caught.value.field == "accessModeSufficient"
        assert "m_bad" not in kg.projection.material_ids


HEADER = "id,title,type,teaches,access_modes,access_mode_sufficient\n"


class TestCsv:
    def test_sets_are_a_list_of_comma_joined_modes(self) -> None:
        text = HEADER + 'm1,M,video,,auditory|visual,"Auditory, Visual | textual"\n'
        [material] = parse_curriculum_csv({"materials": text}).materials
        assert material.access_mode_sufficient == ("textual", "auditory,visual")

    def test_a_bad_set_is_reported_with_its_line(self) -> None:
        with pytest.raises(MalformedInput) as caught:
            parse_curriculum_csv({"materials": HEADER + "m1,M,video,,visual,textual\nm2,M2,video,,visual,sight\n"})
        [problem] = caught.value.problems
        assert problem.startswith("materials.csv:line 3: ")
        assert "sufficient access mode 'sight'" in problem

    def test_export_and_import_keep_them(self, kg: KnowledgeGraph, tmp_path: Path) -> None:
        kg.create_material(TRANSCRIBED)
        write_curriculum_csv(kg.export_bundle(), tmp_path)
        assert "access_mode_sufficient" in (tmp_path / "materials.csv").read_text(encoding="utf-8").splitlines()[0]
        back = {m.id: m for m in read_curriculum_csv(tmp_path).materials}
        assert back["m_video"] == TRANSCRIBED


@pytest.mark.parametrize("fmt", ["turtle", "jsonld"])
def test_an_rdf_export_imported_again_keeps_them(kg: KnowledgeGraph, fmt: str) -> None:
    kg.create_material(TRANSCRIBED)
    text = export_text(kg, fmt, "arith")
    assert '"auditory,visual"' in text
    fresh = KnowledgeGraph(open_store("memory"))
    fresh.import_bundle(read_text(text, fmt))
    assert fresh.material("m_video") == TRANSCRIBED
    assert export_text(fresh, fmt, "arith") == text
