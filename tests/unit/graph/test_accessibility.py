"""A material's accessibility metadata: schema.org's terms only, as schema.org triples; old data reads as none."""

from __future__ import annotations

import pytest
from rdflib import Literal

from graph.accessibility import (
    ACCESS_MODES,
    ACCESSIBILITY_FEATURES,
    ACCESSIBILITY_HAZARDS,
    canonical_language,
    canonical_terms,
)
from graph.errors import ValidationFailed
from graph.ids import iri_of
from graph.model import Material, MaterialType
from graph.rdf_bundle import bundle_from_rdf
from graph.rdf_mapping import graph_of, material_triples
from graph.repository import KnowledgeGraph
from graph.value_checks import check_material, material_problems
from graph.vocab import SDO
from ingest.formats import read_text

CAPTIONED = Material(
    "m_video",
    "Slope in two minutes",
    MaterialType.VIDEO,
    language="en-GB",
    access_modes=("auditory", "visual"),
    accessibility_features=("closedCaptions", "transcript"),
    accessibility_hazards=("noFlashingHazard",),
    accessibility_summary="Captions and a transcript in English.",
)


class TestVocabulary:
    def test_any_case_is_kept_as_schema_org_spells_it(self) -> None:
        assert canonical_terms(["Captions", " mathml ", "captions", "LONGDESCRIPTION"], ACCESSIBILITY_FEATURES) == (
            "captions",
            "longDescription",
            "MathML",
        )
        assert canonical_terms(["TEXTUAL", "Visual"], ACCESS_MODES) == ("textual", "visual")
        assert canonical_terms(["NOFLASHINGHAZARD"], ACCESSIBILITY_HAZARDS) == ("noFlashingHazard",)

    def test_a_typo_is_refused_with_a_suggestion_and_every_allowed_term(self) -> None:
        material = Material("m", "M", MaterialType.VIDEO, accessibility_features=("caption",))
        [(field, message)] = material_problems(material)
        assert field == "accessibilityFeatures"
        assert message.startswith(
            "material 'm': accessibility feature 'caption' is not a schema.org term (did you mean 'captions'"
        )
        assert all(term in message for term in ACCESSIBILITY_FEATURES)

    def test_each_list_names_its_own_field(self) -> None:
        material = Material("m", "M", MaterialType.VIDEO, access_modes=("sight",), accessibility_hazards=("flash",))
        assert [field for field, _ in material_problems(material)] == ["accessModes", "accessibilityHazards"]

    def test_none_stands_alone_and_a_hazard_is_not_both_present_and_absent(self) -> None:
        alone = Material("m", "M", MaterialType.VIDEO, accessibility_features=("captions", "none"))
        assert check_material(alone) == ["material 'm': accessibility feature 'none' cannot be given with other values"]
        both = Material("m", "M", MaterialType.VIDEO, accessibility_hazards=("flashing", "noFlashingHazard"))
        assert check_material(both) == [
            "material 'm': accessibility hazards 'flashing' and 'noFlashingHazard' contradict each other"
        ]
        claims = ("noFlashingHazard", "noMotionSimulationHazard", "sound")
        assert check_material(Material("m", "M", MaterialType.VIDEO, accessibility_hazards=claims)) == []

    @pytest.mark.parametrize("tag", ["en", "pt-BR", "zh-Hant-TW", "sgn-ase", "de-CH-1996", "es-419", "x-klingon"])
    def test_well_formed_language_tags_pass(self, tag: str) -> None:
        assert check_material(Material("m", "M", MaterialType.READING, language=tag)) == []

    @pytest.mark.parametrize("tag", ["english", "en_GB", "e", "en-", "12"])
    def test_ill_formed_language_tags_are_refused(self, tag: str) -> None:
        [(field, message)] = material_problems(Material("m", "M", MaterialType.READING, language=tag))
        assert field == "language"
        assert f"language {tag!r} is not a BCP 47 language tag" in message

    @pytest.mark.parametrize(
        ("tag", "write"), [("i-klingon", "tlh"), ("en-GB-oed", "en-GB-oxendict"), ("no-bok", "nb")]
    )
    def test_a_grandfathered_tag_is_refused_naming_the_tag_to_write(self, tag: str, write: str) -> None:
        # They were refused as "not a BCP 47 language tag", which they are (RFC 5646 grandfathers them).
        [(field, message)] = material_problems(Material("m", "M", MaterialType.READING, language=tag))
        assert field == "language"
        assert message == f"material 'm': language {tag!r} is a grandfathered BCP 47 tag, deprecated: write {write!r}"

    def test_language_tags_take_their_conventional_case(self) -> None:
        assert [canonical_language(t) for t in ("EN", "pt-br", "zh-hant-tw", "en-us-x-TWAIN", "", None)] == [
            "en",
            "pt-BR",
            "zh-Hant-TW",
            "en-US-x-twain",
            None,
            None,
        ]


class TestTriples:
    def test_written_and_read_as_schema_org_triples(self) -> None:
        triples = set(material_triples(CAPTIONED))
        s = iri_of("material", "m_video")
        assert {
            (s, SDO.inLanguage, Literal("en-GB")),
            (s, SDO.accessMode, Literal("auditory")),
            (s, SDO.accessMode, Literal("visual")),
            (s, SDO.accessibilityFeature, Literal("closedCaptions")),
            (s, SDO.accessibilityFeature, Literal("transcript")),
            (s, SDO.accessibilityHazard, Literal("noFlashingHazard")),
            (s, SDO.accessibilitySummary, Literal("Captions and a transcript in English.")),
        } <= triples
        bundle = bundle_from_rdf(graph_of(triples))
        assert bundle.materials == (CAPTIONED,)
        assert bundle.extra is None

    def test_a_material_without_them_writes_none(self) -> None:
        plain = Material("m", "M", MaterialType.READING)
        predicates = {p for _, p, _ in material_triples(plain)}
        assert not predicates & {SDO.inLanguage, SDO.accessMode, SDO.accessibilityFeature, SDO.accessibilitySummary}

    def test_another_spelling_is_read_once_in_schema_orgs(self) -> None:
        # "Captions" read as "captions" and kept as it came too gave the material the feature twice
        turtle = """@prefix schema: <https://schema.org/> .
        <https://w3id.org/pathwise/id/material/m> a schema:LearningResource ; schema:name "M" ;
            schema:inLanguage "EN-gb" ; schema:accessibilityFeature "Captions", "captions" ;
            schema:accessMode "TEXTUAL" ; schema:accessibilitySummary "Plain text."@en ."""
        bundle = read_text(turtle, "turtle")
        [material] = bundle.materials
        assert material.language == "en-GB"
        assert material.accessibility_features == ("captions",)
        assert material.access_modes == ("textual",)
        assert material.accessibility_summary == "Plain text."
        assert bundle.extra is None


class TestStore:
    def test_materials_stored_before_read_as_having_none(self, kg: KnowledgeGraph) -> None:
        stored = kg.material("m_add")  # written by the fixture without any accessibility triple
        assert (stored.language, stored.access_modes, stored.accessibility_features) == (None, (), ())
        assert (stored.accessibility_hazards, stored.accessibility_summary) == ((), "")

    def test_create_and_update_keep_them(self, kg: KnowledgeGraph) -> None:
        kg.create_material(CAPTIONED)
        assert kg.material("m_video") == CAPTIONED
        cleared = Material("m_video", "Slope in two minutes", MaterialType.VIDEO, language="en")
        kg.update_material(cleared)
        assert kg.material("m_video") == cleared
        assert not {p for _, p, _ in kg.export_graph()} & {SDO.accessMode, SDO.accessibilityFeature}

    def test_a_typo_writes_nothing(self, kg: KnowledgeGraph) -> None:
        bad = Material("m_bad", "Bad", MaterialType.VIDEO, accessibility_features=("caption",))
        with pytest.raises(ValidationFailed) as caught:
            kg.create_material(bad)
        assert caught.value.field == "accessibilityFeatures"
        assert "m_bad" not in kg.projection.material_ids

    def test_an_rdf_import_with_a_typo_is_refused_whole(self, kg: KnowledgeGraph) -> None:
        turtle = """@prefix schema: <https://schema.org/> .
        <https://w3id.org/pathwise/id/material/m_ok> a schema:LearningResource ; schema:name "OK" .
        <https://w3id.org/pathwise/id/material/m_typo> a schema:LearningResource ; schema:name "Typo" ;
            schema:accessibilityHazard "flash" ."""
        with pytest.raises(ValidationFailed) as caught:
            kg.import_bundle(read_text(turtle, "turtle"))
        assert any("accessibility hazard 'flash' is not a schema.org term" in p for p in caught.value.problems)
        assert not {"m_ok", "m_typo"} & kg.projection.material_ids
