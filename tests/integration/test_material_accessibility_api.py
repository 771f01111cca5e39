"""What a frontend reads and a designer writes of a material's accessibility through GraphQL."""

from __future__ import annotations

from typing import Any

from graph.vocab import SDO
from tests.integration.conftest import Client

FIELDS = "language accessModes accessibilityFeatures accessibilityHazards accessibilitySummary"
CREATE = f"""mutation($input: CreateMaterialInput!) {{ createMaterial(input: $input) {{
  __typename ... on Material {{ id {FIELDS} }} ... on CurriculumError {{ code field message problems }} }} }}"""
UPDATE = f"""mutation($input: UpdateMaterialInput!) {{ updateMaterial(input: $input) {{
  __typename ... on Material {{ id title {FIELDS} }} ... on CurriculumError {{ code field message problems }} }} }}"""
READ = f"query($id: ID!) {{ material(id: $id) {{ {FIELDS} }} }}"

VIDEO: dict[str, Any] = {
    "id": "m_video",
    "title": "Quadratics, a video",
    "type": "VIDEO",
    "teaches": ["quad"],
    "language": "EN-gb",
    "accessModes": ["Visual", "auditory"],
    "accessibilityFeatures": ["closedcaptions", "transcript"],
    "accessibilityHazards": ["noFlashingHazard"],
    "accessibilitySummary": "  Captions and a transcript in English. ",
}
STORED = {
    "language": "en-GB",
    "accessModes": ["auditory", "visual"],
    "accessibilityFeatures": ["closedCaptions", "transcript"],
    "accessibilityHazards": ["noFlashingHazard"],
    "accessibilitySummary": "Captions and a transcript in English.",
}


class TestMaterialAccessibility:
    def test_created_in_any_case_and_read_as_schema_org_spells_it(self, client: Client) -> None:
        made = client.execute(CREATE, {"input": VIDEO})["createMaterial"]
        assert made == {"__typename": "Material", "id": "m_video", **STORED}
        assert client.execute(READ, {"id": "m_video"})["material"] == STORED

    def test_a_material_that_states_nothing_reads_as_none(self, client: Client) -> None:
        # m_add was stored without any of these triples, as every material before them
        assert client.execute(READ, {"id": "m_add"})["material"] == {
            "language": None,
            "accessModes": [],
            "accessibilityFeatures": [],
            "accessibilityHazards": [],
            "accessibilitySummary": "",
        }

    def test_update_null_keeps_an_empty_list_clears(self, client: Client) -> None:
        client.execute(CREATE, {"input": VIDEO})
        kept = client.execute(UPDATE, {"input": {"id": "m_video", "title": "Renamed"}})["updateMaterial"]
        assert kept == {"__typename": "Material", "id": "m_video", "title": "Renamed", **STORED}
        changed = client.execute(
            UPDATE,
            {"input": {"id": "m_video", "accessibilityFeatures": [], "language": "", "accessModes": ["AUDITORY"]}},
        )["updateMaterial"]
        assert changed["accessibilityFeatures"] == []
        assert changed["language"] is None
        assert changed["accessModes"] == ["auditory"]
        assert changed["accessibilityHazards"] == ["noFlashingHazard"]  # left out: kept
        assert client.execute(READ, {"id": "m_video"})["material"] == {
            k: v for k, v in changed.items() if k not in ("__typename", "id", "title")
        }
        written = {(p, str(o)) for s, p, o in client.kg.export_graph() if str(s).endswith("/material/m_video")}
        assert not {p for p, _ in written} & {SDO.accessibilityFeature, SDO.inLanguage}

    def test_a_typo_is_invalid_names_its_field_and_the_allowed_terms(self, client: Client) -> None:
        refused = client.execute(CREATE, {"input": {**VIDEO, "accessibilityFeatures": ["caption"]}})["createMaterial"]
        assert (refused["code"], refused["field"]) == ("INVALID", "accessibilityFeatures")
        [problem] = refused["problems"]
        assert "'caption' is not a schema.org term (did you mean 'captions'" in problem
        assert "allowed: annotations, ARIA," in problem
        assert client.execute(READ, {"id": "m_video"})["material"] is None  # nothing applied

    def test_a_bad_language_or_hazard_on_update_changes_nothing(self, client: Client) -> None:
        client.execute(CREATE, {"input": VIDEO})
        for field, value in (("language", "en_GB"), ("accessibilityHazards", ["flash"])):
            refused = client.execute(UPDATE, {"input": {"id": "m_video", field: value}})["updateMaterial"]
            assert (refused["code"], refused["field"]) == ("INVALID", field)
        assert client.execute(READ, {"id": "m_video"})["material"] == STORED

    def test_sufficient_access_modes_are_comma_joined_sets(self, client: Client) -> None:
        sets = {**VIDEO, "accessModeSufficient": ["Visual, auditory", "TEXTUAL", "textual, visual"]}
        made = client.execute(CREATE_SUFFICIENT, {"input": sets})["createMaterial"]
        assert made["accessModeSufficient"] == ["textual", "auditory,visual", "textual,visual"]
        kept = client.execute(UPDATE_SUFFICIENT, {"input": {"id": "m_video", "title": "Renamed"}})["updateMaterial"]
        assert kept["accessModeSufficient"] == made["accessModeSufficient"]
        refused = client.execute(
            UPDATE_SUFFICIENT, {"input": {"id": "m_video", "accessModeSufficient": ["textOnVisual"]}}
        )["updateMaterial"]
        assert (refused["code"], refused["field"]) == ("INVALID", "accessModeSufficient")
        assert "did you mean 'visual'?" in refused["problems"][0]
        cleared = client.execute(UPDATE_SUFFICIENT, {"input": {"id": "m_video", "accessModeSufficient": []}})
        assert cleared["updateMaterial"]["accessModeSufficient"] == []


CREATE_SUFFICIENT = """mutation($input: CreateMaterialInput!) { createMaterial(input: $input) {
  ... on Material { accessModeSufficient } ... on CurriculumError { code field problems } } }"""
UPDATE_SUFFICIENT = """mutation($input: UpdateMaterialInput!) { updateMaterial(input: $input) {
  ... on Material { accessModeSufficient } ... on CurriculumError { code field problems } } }"""
