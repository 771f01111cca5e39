"""Replacing from Turtle or JSON-LD: a predicate a description leaves out leaves the stored value.

A learning-object repository's Turtle for a ``flashing`` video stated its name, type and
concept, and nothing about accessibility: replacing the material with it stored the video
with no hazard, no language and no LMS activity ids, and the report said nothing. RDF is
open-world, so absence says nothing: each subject keeps the stored values of the fields
its own description does not state, as a CSV file keeps those of the columns it lacks.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from graph.bundle import CurriculumBundle
from graph.errors import PrerequisiteCycle
from graph.ids import edge_iri
from graph.model import Concept, Curriculum, Material, MaterialType
from graph.repository import KnowledgeGraph
from graph.store import open_store
from ingest.csv_layout import read_curriculum_csv, write_curriculum_csv
from ingest.export import export_text
from ingest.formats import read_text
from tests.unit.ingest.test_csv_replace import STROBE

PREFIXES = """@prefix schema: <https://schema.org/> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> . @prefix pw: <https://w3id.org/pathwise/vocab#> .
@prefix concept: <https://w3id.org/pathwise/id/concept/> . @prefix material: <https://w3id.org/pathwise/id/material/> .
@prefix curriculum: <https://w3id.org/pathwise/id/curriculum/> .
"""
FROM_THE_LOR = (
    PREFIXES
    + """material:m_strobe a schema:LearningResource ;
    schema:name "Strobing graph animation (from the LOR)" ; schema:learningResourceType "video" ;
    schema:teaches concept:quad ."""
)
"""The walkthrough's ``strobe_replace.ttl``: a repository's export, with no accessibility properties."""
KEPT = (
    "the import states no difficulty, minutes, text, url, assesses, language, access_modes, access_mode_sufficient, "
    "accessibility_features, accessibility_hazards, accessibility_summary, activity_ids of materials: kept the "
    "stored values of 1 material (m_strobe)"
)


def _strobe(kg: KnowledgeGraph) -> KnowledgeGraph:
    kg.create_material(STROBE)
    return kg


class TestMaterials:
    def test_a_description_without_accessibility_keeps_the_hazard(self, kg: KnowledgeGraph) -> None:
        _strobe(kg)
        report = kg.import_bundle(read_text(FROM_THE_LOR, "turtle"), replace_existing=True)
        assert kg.material("m_strobe") == replace(STROBE, title="Strobing graph animation (from the LOR)")
        assert report.warnings == [KEPT]

    def test_json_ld_as_well(self, kg: KnowledgeGraph) -> None:
        _strobe(kg)
        doc = """{"@context": {"@vocab": "http://schema.org/"},
          "@id": "https://w3id.org/pathwise/id/material/m_strobe", "@type": "LearningResource",
          "name": "Strobing graph animation (from the LOR)", "learningResourceType": "video",
          "teaches": {"@id": "https://w3id.org/pathwise/id/concept/quad"}}"""
        report = kg.import_bundle(read_text(doc, "jsonld"), replace_existing=True)
        assert kg.material("m_strobe").accessibility_hazards == ("flashing",)
        assert kg.material("m_strobe").activity_ids == STROBE.activity_ids
        assert report.warnings == [KEPT]

    def test_what_a_description_states_replaces_each_field_it_names(self, kg: KnowledgeGraph) -> None:
        _strobe(kg)
        doc = (
            FROM_THE_LOR.removesuffix(" .")
            + """ ; schema:inLanguage "fr" ;
            schema:accessibilityHazard "noFlashingHazard" ; schema:timeRequired "PT2M" ."""
        )
        kg.import_bundle(read_text(doc, "turtle"), replace_existing=True)
        stored = kg.material("m_strobe")
        assert (stored.language, stored.accessibility_hazards, stored.minutes) == ("fr", ("noFlashingHazard",), 2)
        assert (stored.access_modes, stored.difficulty, stored.assesses) == (("visual",), 3, ("eq",))

    def test_unstated_is_per_subject(self, kg: KnowledgeGraph) -> None:
        # One document may describe one material whole and another in part.
        _strobe(kg)
        kg.create_material(replace(STROBE, id="m_calm", activity_ids=()))
        doc = (
            PREFIXES
            + """
material:m_strobe a schema:LearningResource ; schema:name "S" ; schema:learningResourceType "video" ;
    pw:difficulty 2 ; schema:timeRequired "PT3M" ; schema:text "T" ; schema:url "https://example.org/s.mp4" ;
    schema:teaches concept:quad ; schema:assesses concept:quad ; schema:inLanguage "es" ;
    schema:accessMode "auditory" ; schema:accessModeSufficient "auditory" ;
    schema:accessibilityFeature "transcript" ; schema:accessibilityHazard "sound" ;
    schema:accessibilitySummary "Loud." ; pw:activityId "https://lms.example/a/1" .
material:m_calm a schema:LearningResource ; schema:name "C" ; schema:learningResourceType "video" ."""
        )
        report = kg.import_bundle(read_text(doc, "turtle"), replace_existing=True)
        assert kg.material("m_strobe") == Material(
            "m_strobe", "S", MaterialType.VIDEO, 2, 3, "T", "https://example.org/s.mp4", ("quad",), ("quad",),
            "es", ("auditory",), ("auditory",), ("transcript",), ("sound",), "Loud.", ("https://lms.example/a/1",),
        )  # fmt: skip
        assert kg.material("m_calm") == replace(STROBE, id="m_calm", title="C", activity_ids=())
        assert [w for w in report.warnings if w.startswith("the import states no")] == [
            "the import states no difficulty, minutes, text, url, teaches, assesses, language, access_modes, "
            "access_mode_sufficient, accessibility_features, accessibility_hazards, accessibility_summary of "
            "materials: kept the stored values of 1 material (m_calm)"
        ]

    def test_a_new_material_gets_the_defaults_without_a_word(self, kg: KnowledgeGraph) -> None:
        doc = FROM_THE_LOR.replace("m_strobe", "m_new")
        report = kg.import_bundle(read_text(doc, "turtle"), replace_existing=True)
        assert kg.material("m_new") == Material(
            "m_new", "Strobing graph animation (from the LOR)", MaterialType.VIDEO, teaches=("quad",)
        )
        assert report.warnings == []


TRANSLATED = (
    PREFIXES
    + """concept:rate a skos:Concept ; skos:prefLabel "Rate", "Tasa"@es ;
    skos:definition "How fast.", "Qué tan rápido."@es ; skos:altLabel "slope" ;
    skos:broader concept:base ; skos:inScheme curriculum:alg ; pw:requires concept:base ."""
)


def _rate() -> KnowledgeGraph:
    kg = KnowledgeGraph(open_store("memory"))
    kg.import_bundle(CurriculumBundle((Curriculum("alg", "Algebra", "The course."),), (Concept("base", "Base"),)))
    kg.import_bundle(read_text(TRANSLATED, "turtle"))
    return kg


class TestConcepts:
    def test_a_label_alone_keeps_definition_links_translations_and_prerequisites(self) -> None:
        kg = _rate()
        doc = PREFIXES + 'concept:rate a skos:Concept ; skos:prefLabel "Rate of change" .'
        report = kg.import_bundle(read_text(doc, "turtle"), replace_existing=True)
        assert kg.concept("rate") == Concept("rate", "Rate of change", "How fast.", ("slope",), ("base",), "alg")
        [translations] = kg.translations(["rate"])
        assert [(t.language, t.label, t.definition) for t in translations] == [("es", "Tasa", "Qué tan rápido.")]
        assert report.warnings[0] == (
            "the import states no definition, alt_labels, broader, curriculum of concepts: kept the stored values "
            "of 1 concept (rate)"
        )

    def test_a_description_without_prerequisites_keeps_the_stored_edges(self) -> None:
        kg = _rate()
        source = PREFIXES + f'<{edge_iri("rate", "base")}> dcterms:source "District board, 2024" .'
        kg.import_bundle(read_text(source, "turtle"))  # a triple about the edge Pathwise does not model
        doc = PREFIXES + 'concept:rate a skos:Concept ; skos:prefLabel "Rate of change" .'
        report = kg.import_bundle(read_text(doc, "turtle"), replace_existing=True)
        assert kg.prerequisites_of("rate") == ["base"]
        assert report.warnings[1:] == [
            "the import states no prerequisites of 1 concept it replaces: kept its 1 stored prerequisite edge "
            "(rate -> base)"
        ]
        assert report.counts["prerequisites"] == 0  # what the document gave
        assert "District board, 2024" in {str(o) for o in kg.export_graph().objects(edge_iri("rate", "base"))}

    def test_prerequisites_a_description_states_are_its_edges(self) -> None:
        kg = _rate()
        kg.import_bundle(CurriculumBundle(concepts=(Concept("other", "Other"),)))
        doc = PREFIXES + 'concept:rate a skos:Concept ; skos:prefLabel "Rate" ; pw:requires concept:other .'
        kg.import_bundle(read_text(doc, "turtle"), replace_existing=True)
        assert kg.prerequisites_of("rate") == ["other"]

    def test_a_kept_edge_and_a_stated_one_making_a_cycle_are_refused(self, kg: KnowledgeGraph) -> None:
        # sub requires add (stored); sub, described without edges, keeps it, and add now requires sub.
        doc = (
            PREFIXES
            + """concept:sub a skos:Concept ; skos:prefLabel "Subtraction" .
concept:add a skos:Concept ; skos:prefLabel "Addition" ; pw:requires concept:sub ."""
        )
        revision = kg.revision
        with pytest.raises(PrerequisiteCycle) as caught:
            kg.import_bundle(read_text(doc, "turtle"), replace_existing=True)
        assert caught.value.cycles == [["add", "sub"]]
        assert kg.revision == revision

    def test_a_translators_file_replaces_the_translations_and_keeps_the_rest(self) -> None:
        # The walkthrough's tr3.ttl: the route the refusal of a plain import names.
        kg = _rate()
        doc = (
            PREFIXES
            + """concept:rate a skos:Concept ;
            skos:prefLabel "Rate", "Tasa de cambio"@es, "Taux de variation"@fr ;
            skos:definition "How fast.", "Qué tan rápido cambia."@es ."""
        )
        kg.import_bundle(read_text(doc, "turtle"), replace_existing=True)
        [translations] = kg.translations(["rate"])
        assert [(t.language, t.label, t.definition) for t in translations] == [
            ("es", "Tasa de cambio", "Qué tan rápido cambia."),
            ("fr", "Taux de variation", ""),
        ]
        assert kg.concept("rate") == Concept("rate", "Rate", "How fast.", ("slope",), ("base",), "alg")
        assert kg.prerequisites_of("rate") == ["base"]

    def test_a_label_tagged_alone_keeps_its_tag_and_the_translations(self) -> None:
        # "Rate of change"@en is the concept's own label, in English: no other language, so Spanish stays.
        kg = KnowledgeGraph(open_store("memory"))
        kg.import_bundle(
            read_text(PREFIXES + 'concept:rate a skos:Concept ; skos:prefLabel "Rate"@en, "Tasa"@es .', "turtle")
        )
        doc = PREFIXES + 'concept:rate a skos:Concept ; skos:prefLabel "Rate of change"@en .'
        kg.import_bundle(read_text(doc, "turtle"), replace_existing=True)
        assert [(t.language, t.label) for t in kg.translations(["rate"])[0]] == [
            ("en", "Rate of change"),
            ("es", "Tasa"),
        ]
        assert kg.concept("rate").label == "Rate of change"

    def test_a_translators_file_without_alternative_labels_keeps_the_tagged_ones(self) -> None:
        kg = KnowledgeGraph(open_store("memory"))
        kg.import_bundle(
            read_text(
                PREFIXES
                + 'concept:rate a skos:Concept ; skos:prefLabel "Rate", "Tasa"@es ; skos:altLabel "pendiente"@es .',
                "turtle",
            )
        )
        doc = PREFIXES + 'concept:rate a skos:Concept ; skos:prefLabel "Rate", "Taux"@fr .'
        kg.import_bundle(read_text(doc, "turtle"), replace_existing=True)
        assert [(t.language, t.label, t.alt_labels) for t in kg.translations(["rate"])[0]] == [
            ("es", "", ("pendiente",)),
            ("fr", "Taux", ()),
        ]

    def test_a_stored_edge_stated_bare_keeps_its_strength(self, kg: KnowledgeGraph) -> None:
        # `mul pw:requires add` says nothing of its strength (0.5) or provenance: it was refused as a change.
        doc = PREFIXES + "concept:mul pw:requires concept:add ."
        report = kg.import_bundle(read_text(doc, "turtle"))
        assert (kg.strength("mul", "add"), kg.provenance("mul", "add")) == (0.5, "designer")
        assert report.warnings == [
            "the import states no strength, provenance of prerequisites: kept the stored values of 1 prerequisite "
            "(mul -> add)"
        ]


class TestCurricula:
    def test_a_title_alone_keeps_the_description(self) -> None:
        kg = _rate()
        doc = PREFIXES + 'curriculum:alg a skos:ConceptScheme ; dcterms:title "Algebra I" .'
        kg.import_bundle(read_text(doc, "turtle"), replace_existing=True)
        assert kg.curricula() == [Curriculum("alg", "Algebra I", "The course.")]


class TestACurriculumsTitlesInOtherLanguages:
    """The model holds one title and description: "Algèbre"@fr beside "Algebra" is stored as it came."""

    SCHEME = PREFIXES + (
        'curriculum:lc a skos:ConceptScheme ; dcterms:title "Algebra" , "Algèbre"@fr ; '
        'dcterms:description "Desc" , "Description FR"@fr .\n'
        'concept:alg a skos:Concept ; skos:inScheme curriculum:lc ; skos:prefLabel "Algebra" .'
    )

    def titles(self, kg: KnowledgeGraph) -> set[str]:
        text = export_text(kg, "turtle")
        return {t for t in ('"Algèbre"@fr', '"Description FR"@fr', '"Algèbre II"@fr') if t in text}

    def test_a_csv_round_trip_keeps_them_and_says_so(self, tmp_path: Path) -> None:
        # The CSV layout has no column for them: a replace with the store's own export took them out of the
        # store without a word, and raised the revision of a batch that changed nothing (an audit).
        kg = KnowledgeGraph(open_store("memory"))
        kg.import_bundle(read_text(self.SCHEME, "turtle"))
        revision = kg.revision
        write_curriculum_csv(kg.export_bundle(None), tmp_path / "csv")
        kg.import_bundle(read_curriculum_csv(tmp_path / "csv"), replace_existing=True)
        assert kg.revision == revision, "its own export changes nothing"
        assert self.titles(kg) == {'"Algèbre"@fr', '"Description FR"@fr'}
        rows = (tmp_path / "csv" / "curricula.csv").read_text(encoding="utf-8")
        (tmp_path / "csv" / "curricula.csv").write_text(rows.replace("Algebra,Desc", "Algebra I,Desc"), "utf-8")
        report = kg.import_bundle(read_curriculum_csv(tmp_path / "csv"), replace_existing=True)
        assert [c.title for c in kg.curricula()] == ["Algebra I"]
        assert self.titles(kg) == {'"Algèbre"@fr', '"Description FR"@fr'}
        assert any("dcterms:description@fr, dcterms:title@fr of 1 curriculum (lc)" in w for w in report.warnings)

    def test_an_rdf_description_giving_another_replaces_the_stored_one(self) -> None:
        kg = KnowledgeGraph(open_store("memory"))
        kg.import_bundle(read_text(self.SCHEME, "turtle"))
        again = PREFIXES + 'curriculum:lc a skos:ConceptScheme ; dcterms:title "Algebra" , "Algèbre II"@fr .'
        kg.import_bundle(read_text(again, "turtle"), replace_existing=True)
        assert self.titles(kg) == {'"Algèbre II"@fr', '"Description FR"@fr'}, "the description gave none in fr"
