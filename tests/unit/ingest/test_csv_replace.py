"""Replacing from the CSV layout: a column the file does not have leaves the stored value as it is.

A file written before the accessibility columns re-imported a material that had the
hazard ``flashing`` with ``--replace``: the material came back with no hazard, and no
word said so. A column absent from a file says nothing about its field (like a null
field of ``updateMaterial``); a column present with an empty cell clears it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from graph.bundle import CurriculumBundle
from graph.model import Concept, Curriculum, Material, MaterialType, Prerequisite
from graph.repository import KnowledgeGraph
from graph.store import open_store
from ingest.csv_layout import parse_curriculum_csv, read_curriculum_csv
from ingest.formats import read_text

STROBE = Material(
    "m_strobe",
    "Strobing graph animation",
    MaterialType.VIDEO,
    difficulty=3,
    minutes=7,
    text="Watch the line turn.",
    url="https://example.org/strobe.mp4",
    teaches=("quad",),
    assesses=("eq",),
    language="en",
    access_modes=("visual",),
    accessibility_features=("none",),
    accessibility_hazards=("flashing",),
    accessibility_summary="Flashes in the last ten seconds.",
    access_mode_sufficient=("visual",),
    activity_ids=("http://lms.example/mod/quiz/view.php?id=7",),
)
LEGACY = "id,title,type,difficulty,minutes,teaches,assesses,url,text\n"
"""The header of a materials.csv written before the accessibility columns (the walkthrough's file)."""


def _with_strobe(kg: KnowledgeGraph) -> KnowledgeGraph:
    kg.create_material(STROBE)
    return kg


class TestMaterials:
    def test_a_file_without_the_accessibility_columns_keeps_the_stored_hazards(self, kg: KnowledgeGraph) -> None:
        _with_strobe(kg)
        row = "m_strobe,Strobing graph animation (retitled),video,1,3,quad,,,\n"
        report = kg.import_bundle(parse_curriculum_csv({"materials": LEGACY + row}), replace_existing=True)
        assert kg.material("m_strobe") == Material(
            "m_strobe",
            "Strobing graph animation (retitled)",
            MaterialType.VIDEO,
            difficulty=1,
            minutes=3,
            teaches=("quad",),
            language="en",
            access_modes=("visual",),
            accessibility_features=("none",),
            accessibility_hazards=("flashing",),
            accessibility_summary="Flashes in the last ten seconds.",
            access_mode_sufficient=("visual",),
            activity_ids=("http://lms.example/mod/quiz/view.php?id=7",),
        )  # the columns it has replace: an empty url, text and assesses clear them
        assert report.warnings == [
            "the import states no language, access_modes, access_mode_sufficient, accessibility_features, "
            "accessibility_hazards, accessibility_summary, activity_ids of materials: kept the stored values of 1 "
            "material (m_strobe)"
        ]

    def test_a_column_present_with_an_empty_cell_clears_the_value(self, kg: KnowledgeGraph) -> None:
        _with_strobe(kg)
        header = "id,title,type,language,access_modes,accessibility_features,accessibility_hazards\n"
        kg.import_bundle(parse_curriculum_csv({"materials": header + "m_strobe,S,video,,,,\n"}), replace_existing=True)
        stored = kg.material("m_strobe")
        assert (stored.language, stored.access_modes, stored.accessibility_hazards) == (None, (), ())
        assert stored.accessibility_summary == "Flashes in the last ten seconds."  # no column: kept
        assert (stored.difficulty, stored.minutes, stored.teaches) == (3, 7, ("quad",))

    def test_a_new_material_gets_the_defaults(self, kg: KnowledgeGraph) -> None:
        report = kg.import_bundle(parse_curriculum_csv({"materials": "id,title,type\nm_new,N,reading\n"}))
        assert kg.material("m_new") == Material("m_new", "N", MaterialType.READING)
        assert report.warnings == []

    def test_through_a_folder_as_the_cli_reads_it(self, kg: KnowledgeGraph, tmp_path: Path) -> None:
        _with_strobe(kg)
        (tmp_path / "materials.csv").write_text(LEGACY + "m_strobe,Again,video,1,3,quad,,,\n", encoding="utf-8")
        kg.import_bundle(read_curriculum_csv(tmp_path), replace_existing=True)
        assert kg.material("m_strobe").accessibility_hazards == ("flashing",)

    def test_a_full_rdf_description_still_replaces_everything(self, kg: KnowledgeGraph) -> None:
        _with_strobe(kg)
        turtle = """@prefix schema: <https://schema.org/> . @prefix pw: <https://w3id.org/pathwise/vocab#> .
<https://w3id.org/pathwise/id/material/m_strobe> a schema:LearningResource ; schema:name "S" ;
    schema:learningResourceType "video" ; pw:difficulty 2 ; schema:timeRequired "PT4M" ; schema:text "T" ;
    schema:url "https://example.org/s.mp4" ; schema:teaches <https://w3id.org/pathwise/id/concept/eq> ;
    schema:assesses <https://w3id.org/pathwise/id/concept/quad> ; schema:inLanguage "de" ;
    schema:accessMode "textual" ; schema:accessModeSufficient "textual" ;
    schema:accessibilityFeature "transcript" ; schema:accessibilityHazard "noFlashingHazard" ;
    schema:accessibilitySummary "Text only." ; pw:activityId "https://lms.example/t" ."""
        report = kg.import_bundle(read_text(turtle, "turtle"), replace_existing=True)
        assert kg.material("m_strobe") == Material(
            "m_strobe", "S", MaterialType.VIDEO, 2, 4, "T", "https://example.org/s.mp4", ("eq",), ("quad",), "de",
            ("textual",), ("textual",), ("transcript",), ("noFlashingHazard",), "Text only.", ("https://lms.example/t",),
        )  # fmt: skip
        assert not [w for w in report.warnings if w.startswith("the import states no")]  # it states every field


class TestConcepts:
    def test_a_file_of_ids_and_labels_keeps_definitions_links_and_translations(self) -> None:
        kg = KnowledgeGraph(open_store("memory"))
        kg.import_bundle(
            CurriculumBundle(
                (Curriculum("alg", "Algebra"),),
                (Concept("base", "Base"), Concept("rate", "Rate", "How fast.", ("slope",), ("base",), "alg")),
            )
        )
        spanish = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://w3id.org/pathwise/id/concept/rate> a skos:Concept ; skos:prefLabel "Rate", "Tasa"@es ;
    skos:definition "How fast.", "Qué tan rápido."@es ; skos:altLabel "slope", "pendiente"@es ;
    skos:broader <https://w3id.org/pathwise/id/concept/base> ;
    skos:inScheme <https://w3id.org/pathwise/id/curriculum/alg> ."""
        kg.import_bundle(read_text(spanish, "turtle"), replace_existing=True)
        report = kg.import_bundle(
            parse_curriculum_csv({"concepts": "id,label\nrate,Rate of change\n"}), replace_existing=True
        )
        assert kg.concept("rate") == Concept(
            "rate", "Rate of change", "How fast.", ("pendiente", "slope"), ("base",), "alg"
        )
        [translations] = kg.translations(["rate"])
        assert [(t.language, t.label, t.definition) for t in translations] == [("es", "Tasa", "Qué tan rápido.")]
        assert len(report.warnings) == 1
        assert report.warnings[0].startswith(
            "the import states no definition, alt_labels, broader, curriculum of concepts"
        )

    def test_columns_present_and_empty_clear_them(self, kg: KnowledgeGraph) -> None:
        header = "id,label,definition,alt_labels,broader,scheme\n"
        kg.import_bundle(parse_curriculum_csv({"concepts": header + "eq,Equations,,,,\n"}), replace_existing=True)
        assert kg.concept("eq") == Concept("eq", "Equations")


class TestEdgesAndCurricula:
    def test_an_edge_without_a_strength_column_keeps_the_stored_strength(self, kg: KnowledgeGraph) -> None:
        edges = parse_curriculum_csv({"prerequisites": "concept,prerequisite\nmul,add\n"})
        assert edges.prerequisites == (Prerequisite("mul", "add"),)
        kg.import_bundle(edges)  # the same edge again: no "stored with strength 0.5" refusal
        kg.import_bundle(edges, replace_existing=True)
        assert (kg.strength("mul", "add"), kg.provenance("mul", "add")) == (0.5, "designer")

    def test_a_curriculum_without_a_description_column_keeps_it(self, kg: KnowledgeGraph) -> None:
        kg.import_bundle(parse_curriculum_csv({"curricula": "id,title\narith,Arithmetic I\n"}), replace_existing=True)
        assert kg.curricula() == [Curriculum("arith", "Arithmetic I", "Small test curriculum")]


class TestPrerequisitesLeftOut:
    """A nightly export whose prerequisites sheet did not come through flattened every learning path."""

    CONCEPTS = "id,label\neq,Equations\nmul,Multiplication\n"
    KEPT = (
        "the import states no prerequisites of 2 concepts it replaces: kept their 3 stored prerequisite edges "
        "(eq -> mul, eq -> sub, mul -> add)"
    )

    def test_a_concepts_file_alone_keeps_the_replaced_concepts_edges(self, kg: KnowledgeGraph) -> None:
        revision = kg.revision
        batch = parse_curriculum_csv({"concepts": self.CONCEPTS})
        dry = kg.import_bundle(batch, replace_existing=True, dry_run=True)
        assert (dry.counts["prerequisites"], kg.revision) == (0, revision)  # what the file gave
        assert self.KEPT in dry.warnings
        report = kg.import_bundle(batch, replace_existing=True)
        assert self.KEPT in report.warnings
        assert (kg.prerequisites_of("eq"), kg.prerequisites_of("mul")) == (["mul", "sub"], ["add"])
        assert (kg.strength("mul", "add"), kg.provenance("mul", "add")) == (0.5, "designer")
        assert kg.prerequisites_of("quad", transitive=True) == ["eq", "mul", "sub", "add"]
        fresh = KnowledgeGraph(kg.store)  # the store holds them, not only the projection
        assert sorted(fresh.projection.dag.edges) == sorted(kg.projection.dag.edges)

    def test_with_a_prerequisites_file_the_edges_are_those_it_gives(self, kg: KnowledgeGraph) -> None:
        files = {"concepts": self.CONCEPTS, "prerequisites": "concept,prerequisite\neq,sub\n"}
        report = kg.import_bundle(parse_curriculum_csv(files), replace_existing=True)
        assert (kg.prerequisites_of("eq"), kg.prerequisites_of("mul")) == (["sub"], [])
        assert not [w for w in report.warnings if "prerequisites of" in w]


class TestAHazardRemoved:
    """One blank cell (a filter, a paste) turned a known `flashing` into "not stated" without a word."""

    HEADER = "id,title,type,accessibility_hazards\n"

    def test_an_empty_hazard_cell_says_which_hazard_goes(self, kg: KnowledgeGraph) -> None:
        _with_strobe(kg)
        batch = parse_curriculum_csv({"materials": self.HEADER + "m_strobe,S,video,\n"})
        expected = (
            "material m_strobe: the import removes the hazard flashing (it now states none): learners who avoid it "
            "may be offered the material"
        )
        assert expected in kg.import_bundle(batch, replace_existing=True, dry_run=True).warnings
        assert expected in kg.import_bundle(batch, replace_existing=True).warnings
        assert kg.material("m_strobe").accessibility_hazards == ()

    def test_another_term_in_its_place_is_named(self, kg: KnowledgeGraph) -> None:
        kg.create_material(replace(STROBE, accessibility_hazards=("flashing", "sound")))
        batch = parse_curriculum_csv({"materials": self.HEADER + "m_strobe,S,video,noFlashingHazard|sound\n"})
        assert [w for w in kg.import_bundle(batch, replace_existing=True).warnings if "hazard" in w] == [
            "material m_strobe: the import removes the hazard flashing (it now states noFlashingHazard, sound): "
            "learners who avoid it may be offered the material"
        ]

    def test_a_hazard_kept_or_a_statement_of_none_changed_says_nothing(self, kg: KnowledgeGraph) -> None:
        _with_strobe(kg)
        kg.create_material(replace(STROBE, id="m_calm", accessibility_hazards=("noFlashingHazard",), activity_ids=()))
        rows = "m_strobe,S,video,flashing|sound\nm_calm,C,video,\n"
        report = kg.import_bundle(parse_curriculum_csv({"materials": self.HEADER + rows}), replace_existing=True)
        assert not [w for w in report.warnings if "removes the hazard" in w]
        legacy = parse_curriculum_csv({"materials": "id,title,type\nm_strobe,S,video\n"})  # no column: kept
        assert not [w for w in kg.import_bundle(legacy, replace_existing=True).warnings if "removes" in w]

    def test_from_rdf_too(self, kg: KnowledgeGraph) -> None:
        _with_strobe(kg)
        turtle = """@prefix schema: <https://schema.org/> .
<https://w3id.org/pathwise/id/material/m_strobe> a schema:LearningResource ; schema:name "S" ;
    schema:accessibilityHazard "motionSimulation" ."""
        report = kg.import_bundle(read_text(turtle, "turtle"), replace_existing=True)
        assert (
            "material m_strobe: the import removes the hazard flashing (it now states motionSimulation): learners "
            "who avoid it may be offered the material"
        ) in report.warnings


class TestRowsRemovedFromTheSheet:
    """A nightly re-import never deletes the row a district removed, and nothing said so."""

    FILES = {
        "curricula": "id,title\narith,Arithmetic\n",
        "concepts": "id,label,scheme\nadd,Addition,arith\nsub,Subtraction,arith\nmul,Multiplication,arith\n"
        "eq,Equations,arith\n",
        "materials": "id,title,type,teaches\nm_add,Adding,explanation,add\nm_add_ex,Adding drill,exercise,\n",
    }
    WARNINGS = [
        "curriculum arith: 1 stored concept of it is not in the import (quad); an import deletes nothing: prune "
        "it with --prune (prune), or remove it with deleteConcept",
        "curriculum arith: 1 stored material linked to its concepts is not in the import (m_eq); an import deletes "
        "nothing: prune it with --prune (prune), or remove it with deleteMaterial",
    ]

    def _curriculum_warnings(self, warnings: list[str]) -> list[str]:
        return [w for w in warnings if w.startswith("curriculum ")]

    def test_a_file_naming_the_curriculum_counts_what_it_leaves_out(self, kg: KnowledgeGraph) -> None:
        batch = parse_curriculum_csv(self.FILES)
        dry = kg.import_bundle(batch, replace_existing=True, dry_run=True)
        assert self._curriculum_warnings(dry.warnings) == self.WARNINGS
        report = kg.import_bundle(batch, replace_existing=True)
        assert self._curriculum_warnings(report.warnings) == self.WARNINGS
        assert kg.concept("quad").curriculum == "arith"  # left as it was
        assert kg.material("m_eq").teaches == ("eq",)

    def test_without_the_curriculum_or_the_kind_it_says_nothing(self, kg: KnowledgeGraph) -> None:
        without = {k: v for k, v in self.FILES.items() if k != "curricula"}
        report = kg.import_bundle(parse_curriculum_csv(without), replace_existing=True)
        assert self._curriculum_warnings(report.warnings) == []
        concepts_only = {k: v for k, v in self.FILES.items() if k != "materials"}
        report = kg.import_bundle(parse_curriculum_csv(concepts_only), replace_existing=True)
        assert self._curriculum_warnings(report.warnings) == self.WARNINGS[:1]

    def test_many_are_counted_with_a_few_named(self, kg: KnowledgeGraph) -> None:
        files = {"curricula": self.FILES["curricula"], "concepts": "id,label,scheme\nadd,Addition,arith\n"}
        report = kg.import_bundle(parse_curriculum_csv(files), replace_existing=True)
        assert self._curriculum_warnings(report.warnings) == [
            "curriculum arith: 4 stored concepts of it are not in the import (eq, mul, quad, sub); an import deletes "
            "nothing: prune them with --prune (prune), or remove them with deleteConcept"
        ]
