"""materials(...) by accessibility metadata and orphans, and accessibilityVocabulary, through GraphQL."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from graph.model import Material, MaterialType
from resolvers.loaders import build_loaders
from schema.context import Context
from tests.conftest import PlainIds
from tests.integration.conftest import Client

LIST = """query($f: [String!], $h: [String!], $m: [String!], $l: String, $o: Boolean, $c: ID) {
  materials(first: 100, accessibilityFeature: $f, withoutHazard: $h, accessMode: $m, language: $l, orphans: $o,
            conceptId: $c) { totalCount edges { node { id } } } }"""


@pytest.fixture
def described(client: Client) -> Client:
    client.kg.create_material(
        Material(
            "m_video",
            "Slope in two minutes",
            MaterialType.VIDEO,
            teaches=("quad",),
            language="en-US",
            access_modes=("auditory", "visual"),
            access_mode_sufficient=("textual", "auditory,visual"),
            accessibility_features=("closedCaptions", "transcript"),
            accessibility_hazards=("noFlashingHazard",),
        )
    )
    client.kg.create_material(
        Material(
            "m_flash",
            "Flashing grid",
            MaterialType.EXAMPLE,
            teaches=("quad",),
            language="en",
            access_modes=("visual",),
            accessibility_hazards=("flashing",),
        )
    )
    return client


def ids(client: Client, **variables: Any) -> list[str]:
    found = client.execute(LIST, variables)["materials"]
    assert found["totalCount"] == len(found["edges"])
    return [e["node"]["id"] for e in found["edges"]]


class TestMaterialsByAccessibility:
    def test_a_single_value_or_a_list(self, described: Client) -> None:
        assert ids(described, f="CAPTIONS") == ["m_video"]
        assert ids(described, f=["closedCaptions", "transcript"]) == ["m_video"]
        assert ids(described, f=["closedCaptions", "MathML"]) == []

    def test_without_hazard_lists_only_materials_that_state_it_absent(self, described: Client) -> None:
        # m_add and the other fixture materials state nothing: not known to be safe, not listed
        assert ids(described, h="flashing") == ["m_video"]
        assert ids(described, h="noFlashingHazard") == ["m_video"]
        assert ids(described, h="none") == []

    def test_access_mode_and_language(self, described: Client) -> None:
        assert ids(described, m="visual") == ["m_flash", "m_video"]
        assert ids(described, m="auditory", l="EN") == ["m_video"]
        assert ids(described, l="en-us") == ["m_video"]

    def test_orphans(self, described: Client) -> None:
        assert ids(described, o=True) == []
        described.execute('mutation { deleteConcept(id: "quad") { __typename } }')
        assert ids(described, o=True) == ["m_flash", "m_video"]
        assert "m_video" not in ids(described, o=False)

    @pytest.mark.parametrize(
        ("variables", "field"),
        [
            ({"f": "caption"}, "accessibilityFeature"),
            ({"h": "unknown"}, "withoutHazard"),
            ({"m": "sight"}, "accessMode"),
            ({"l": "english"}, "language"),
            ({"o": True, "c": "quad"}, "orphans"),
        ],
    )
    def test_a_bad_value_is_an_error_naming_its_argument(
        self, described: Client, variables: dict[str, Any], field: str
    ) -> None:
        context = Context(kg=described.kg, loaders=build_loaders(described.kg), pseudonyms=PlainIds())
        result = asyncio.run(described.schema.execute(LIST, variable_values=variables, context_value=context))
        [error] = result.errors or []
        assert (error.extensions or {}).get("code") == "INVALID"
        assert (error.extensions or {}).get("field") == field


VOCABULARY = """{ accessibilityVocabulary {
  accessModes { term } sufficientAccessModes { term } hazards { term } avoidableHazards { term }
  features { term deprecated useInstead } } }"""


def test_the_vocabulary_marks_deprecated_terms(client: Client) -> None:
    found = client.execute(VOCABULARY)["accessibilityVocabulary"]
    assert [t["term"] for t in found["sufficientAccessModes"]] == ["auditory", "tactile", "textual", "visual"]
    assert [t["term"] for t in found["avoidableHazards"]] == ["flashing", "motionSimulation", "sound"]
    assert "textOnVisual" in [t["term"] for t in found["accessModes"]]
    assert "noFlashingHazard" in [t["term"] for t in found["hazards"]]
    features = {t["term"]: t for t in found["features"]}
    assert features["captions"] == {
        "term": "captions",
        "deprecated": True,
        "useInstead": ["closedCaptions", "openCaptions"],
    }
    assert features["printPageNumbers"] == {
        "term": "printPageNumbers",
        "deprecated": False,
        "useInstead": ["pageBreakMarkers"],
    }
    assert features["transcript"] == {"term": "transcript", "deprecated": False, "useInstead": []}
