"""Listing materials by what their accessibility metadata states, from the projection."""

from __future__ import annotations

import pytest

from graph.access_needs import AccessFacts
from graph.errors import InvalidInput
from graph.material_filter import MaterialFilter, language_matches
from graph.model import Material, MaterialType
from graph.repository import KnowledgeGraph

CAPTIONED = Material(
    "m_video",
    "Slope in two minutes",
    MaterialType.VIDEO,
    teaches=("quad",),
    language="en-GB",
    access_modes=("auditory", "visual"),
    access_mode_sufficient=("textual", "auditory,visual"),
    accessibility_features=("closedCaptions", "transcript"),
    accessibility_hazards=("noFlashingHazard", "noMotionSimulationHazard", "noSoundHazard"),
)
FLASHING = Material(
    "m_anim",
    "An animated plane",
    MaterialType.EXAMPLE,
    teaches=("quad",),
    language="en",
    access_modes=("textual", "diagramOnVisual"),
    accessibility_features=("captions",),
    accessibility_hazards=("flashing",),
)
SPANISH = Material(
    "m_es",
    "Ecuaciones",
    MaterialType.READING,
    teaches=("eq",),
    language="es-MX",
    access_modes=("textual",),
    accessibility_features=("MathML", "printPageNumbers"),
    accessibility_hazards=("none",),
)
UNREVIEWED = Material(
    "m_unknown", "Unreviewed", MaterialType.EXERCISE, assesses=("eq",), accessibility_hazards=("unknown",)
)


def listed(kg: KnowledgeGraph, **arguments: object) -> list[str]:
    return kg.list_materials(first=100, where=MaterialFilter.checked(**arguments)).ids  # type: ignore[arg-type]


@pytest.fixture
def described(kg: KnowledgeGraph) -> KnowledgeGraph:
    for material in (CAPTIONED, FLASHING, SPANISH, UNREVIEWED):
        kg.create_material(material)
    return kg


class TestLanguageMatches:
    def test_a_language_finds_its_regional_tags_in_any_case(self) -> None:
        assert language_matches("en-US", "EN")
        assert language_matches("en-us", "en-US")

    def test_a_region_does_not_find_the_bare_language_or_a_longer_subtag(self) -> None:
        assert not language_matches("en", "en-US")
        assert not language_matches("eng", "en")

    def test_a_material_without_a_language_matches_none(self) -> None:
        assert not language_matches(None, "en")


class TestMaterialFilterChecked:
    def test_terms_are_read_in_any_case(self) -> None:
        where = MaterialFilter.checked(features=["mathml"], access_modes=["TEXTUAL"], language="EN-gb")
        assert (where.features, where.access_modes, where.language) == (("MathML",), ("textual",), "en-GB")

    def test_a_hazard_is_named_either_way_and_none_means_all_three(self) -> None:
        assert MaterialFilter.checked(without_hazards=["noFlashingHazard", "SOUND"]).without_hazards == (
            "flashing",
            "sound",
        )
        assert MaterialFilter.checked(without_hazards=["none"]).without_hazards == (
            "flashing",
            "motionSimulation",
            "sound",
        )

    @pytest.mark.parametrize(
        ("arguments", "field"),
        [
            ({"features": ["caption"]}, "accessibilityFeature"),
            ({"access_modes": ["sight"]}, "accessMode"),
            ({"without_hazards": ["unknownFlashingHazard"]}, "withoutHazard"),
            ({"without_hazards": ["flash"]}, "withoutHazard"),
            ({"language": "english"}, "language"),
        ],
    )
    def test_a_value_outside_the_vocabulary_names_its_argument(self, arguments: dict[str, object], field: str) -> None:
        with pytest.raises(InvalidInput) as caught:
            MaterialFilter.checked(**arguments)  # type: ignore[arg-type]
        assert caught.value.field == field

    def test_a_misspelt_hazard_is_told_the_closest_as_a_learners_needs_are(self) -> None:
        # materials(withoutHazard: "flash") was not told "flashing", where needs.avoidHazards: ["flash"] was
        with pytest.raises(InvalidInput, match=r"withoutHazard 'flash' is not a hazard \(did you mean 'flashing'\?\)"):
            MaterialFilter.checked(without_hazards=["flash"])
        with pytest.raises(InvalidInput) as caught:
            MaterialFilter.checked(without_hazards=["zzz"])
        assert "did you mean" not in caught.value.message

    def test_the_refusal_of_a_hazard_says_silence_is_not_safety(self) -> None:
        with pytest.raises(InvalidInput, match="states nothing about a hazard is never listed as free of it"):
            MaterialFilter.checked(without_hazards=["unknown"])


class TestMatches:
    def test_captions_finds_closed_and_open_captions_but_not_the_reverse(self) -> None:
        closed = AccessFacts(features=("closedCaptions",))
        general = AccessFacts(features=("captions",))
        assert MaterialFilter(features=("captions",)).matches(closed)
        assert not MaterialFilter(features=("closedCaptions",)).matches(general)

    def test_page_break_markers_and_its_synonym_find_each_other(self) -> None:
        assert MaterialFilter(features=("pageBreakMarkers",)).matches(AccessFacts(features=("printPageNumbers",)))

    def test_every_feature_given_must_be_stated(self) -> None:
        assert not MaterialFilter(features=("transcript", "MathML")).matches(AccessFacts(features=("transcript",)))

    def test_a_hazard_not_stated_is_not_known_to_be_absent(self) -> None:
        where = MaterialFilter(without_hazards=("flashing",))
        assert where.matches(AccessFacts(hazards=("none",)))
        assert where.matches(AccessFacts(hazards=("noFlashingHazard",)))
        assert not where.matches(AccessFacts())
        assert not where.matches(AccessFacts(hazards=("unknown",)))
        assert not where.matches(AccessFacts(hazards=("unknownFlashingHazard",)))
        assert not where.matches(AccessFacts(hazards=("noSoundHazard",)))

    def test_visual_finds_its_refinements(self) -> None:
        assert MaterialFilter(access_modes=("visual",)).matches(AccessFacts(access_modes=("textOnVisual",)))
        assert not MaterialFilter(access_modes=("textOnVisual",)).matches(AccessFacts(access_modes=("visual",)))


class TestListMaterials:
    def test_each_filter_lists_what_the_materials_state(self, described: KnowledgeGraph) -> None:
        assert listed(described, features=["captions"]) == ["m_anim", "m_video"]
        assert listed(described, features=["closedCaptions", "transcript"]) == ["m_video"]
        assert listed(described, without_hazards=["flashing"]) == ["m_es", "m_video"]
        assert listed(described, without_hazards=["none"]) == ["m_es", "m_video"]
        assert listed(described, access_modes=["visual"]) == ["m_anim", "m_video"]
        assert listed(described, language="en") == ["m_anim", "m_video"]
        assert listed(described, language="es") == ["m_es"]

    def test_filters_combine_with_type_and_concept(self, described: KnowledgeGraph) -> None:
        where = MaterialFilter.checked(language="en")
        assert described.list_materials(first=10, type="video", where=where).ids == ["m_video"]
        assert described.list_materials(first=10, concept="eq", where=where).ids == []

    def test_filters_read_the_projection_not_the_store(self, described: KnowledgeGraph) -> None:
        before = described.store.round_trips
        listed(described, features=["captions"], without_hazards=["none"], language="en", orphans=False)
        assert described.store.round_trips == before

    def test_a_rebuilt_projection_holds_the_same_metadata(self, described: KnowledgeGraph) -> None:
        fresh = KnowledgeGraph(described.store)
        assert fresh.projection.material_access == described.projection.material_access
        assert fresh.projection.access_of("m_video") == AccessFacts.of(CAPTIONED)
        assert "m_add" not in fresh.projection.material_access  # states nothing

    def test_the_on_disk_store_gives_the_same_metadata(self, ox_kg: KnowledgeGraph) -> None:
        ox_kg.create_material(CAPTIONED)
        ox_kg.create_material(UNREVIEWED)
        fresh = KnowledgeGraph(ox_kg.store)  # the projection as a restart builds it, through select_text
        assert fresh.projection.material_access == ox_kg.projection.material_access
        assert fresh.projection.access_of("m_video") == AccessFacts.of(CAPTIONED)

    def test_an_update_replaces_the_metadata(self, described: KnowledgeGraph) -> None:
        described.update_material(Material("m_video", "Slope", MaterialType.VIDEO, teaches=("quad",)))
        assert listed(described, features=["captions"]) == ["m_anim"]

    def test_orphans_are_the_materials_linked_to_no_concept(self, described: KnowledgeGraph) -> None:
        assert listed(described, orphans=True) == []
        described.delete_concept("eq")
        assert listed(described, orphans=True) == ["m_es", "m_unknown"]
        assert "m_es" not in listed(described, orphans=False)

    def test_orphans_beside_a_concept_is_refused(self, described: KnowledgeGraph) -> None:
        with pytest.raises(InvalidInput) as caught:
            described.list_materials(first=10, concept="eq", where=MaterialFilter(orphans=True))
        assert caught.value.field == "orphans"
