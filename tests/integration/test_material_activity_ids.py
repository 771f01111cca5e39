"""A material's activity ids through GraphQL: set by a designer, and what an LMS's statements resolve to."""

from __future__ import annotations

from typing import Any

from tests.integration.conftest import Client

QUESTION = "http://www.example.org/question/question.php?cmid=1&id=1"
H5P_COPY = "https://h5p.example/content/42"

CREATE = """mutation($input: CreateMaterialInput!) { createMaterial(input: $input) {
  __typename ... on Material { id activityIds } ... on CurriculumError { code field subjectId message problems } } }"""
UPDATE = """mutation($input: UpdateMaterialInput!) { updateMaterial(input: $input) {
  __typename ... on Material { id title activityIds }
  ... on CurriculumError { code field subjectId message problems } } }"""
READ = "query($id: ID!) { material(id: $id) { activityIds } }"

QUIZ: dict[str, Any] = {
    "id": "factoring-quiz",
    "title": "Factoring quiz",
    "type": "EXERCISE",
    "assesses": ["eq"],
    "activityIds": [f" {H5P_COPY} ", QUESTION, H5P_COPY],
}


class TestActivityIds:
    def test_created_trimmed_once_each_and_read_back(self, client: Client) -> None:
        made = client.execute(CREATE, {"input": QUIZ})["createMaterial"]
        assert made == {"__typename": "Material", "id": "factoring-quiz", "activityIds": [QUESTION, H5P_COPY]}
        assert client.execute(READ, {"id": "factoring-quiz"})["material"] == {"activityIds": [QUESTION, H5P_COPY]}
        assert client.execute(READ, {"id": "m_add"})["material"] == {"activityIds": []}  # stored before: none

    def test_update_null_keeps_an_empty_list_clears(self, client: Client) -> None:
        client.execute(CREATE, {"input": QUIZ})
        kept = client.execute(UPDATE, {"input": {"id": "factoring-quiz", "title": "Renamed"}})["updateMaterial"]
        assert kept["activityIds"] == [QUESTION, H5P_COPY]
        cleared = client.execute(UPDATE, {"input": {"id": "factoring-quiz", "activityIds": []}})["updateMaterial"]
        assert cleared["activityIds"] == []
        assert client.kg.projection.activities == {}

    def test_an_iri_another_material_has_is_a_duplicate_naming_both(self, client: Client) -> None:
        client.execute(CREATE, {"input": QUIZ})
        copy = {**QUIZ, "id": "moodle-copy", "activityIds": [QUESTION]}
        refused = client.execute(CREATE, {"input": copy})["createMaterial"]
        assert (refused["code"], refused["field"], refused["subjectId"]) == ("DUPLICATE", "activityIds", QUESTION)
        [problem] = refused["problems"]
        assert "material 'moodle-copy'" in problem
        assert "material 'factoring-quiz'" in problem
        assert client.execute(READ, {"id": "moodle-copy"})["material"] is None  # nothing applied
        moved = client.execute(UPDATE, {"input": {"id": "m_add_ex", "activityIds": [H5P_COPY]}})["updateMaterial"]
        assert (moved["code"], moved["field"]) == ("DUPLICATE", "activityIds")
        as_id = client.execute(CREATE, {"input": {**QUIZ, "id": QUESTION, "activityIds": []}})["createMaterial"]
        assert (as_id["code"], as_id["field"], as_id["subjectId"]) == ("DUPLICATE", "id", QUESTION)

    def test_one_that_is_no_absolute_iri_is_invalid_on_its_field(self, client: Client) -> None:
        refused = client.execute(CREATE, {"input": {**QUIZ, "activityIds": ["question-1"]}})["createMaterial"]
        assert (refused["code"], refused["field"]) == ("INVALID", "activityIds")
        assert "activity id 'question-1' is not an absolute IRI" in refused["problems"][0]
