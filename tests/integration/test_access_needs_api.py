"""learningPath and nextMaterials with a learner's access needs, on the demo curriculum."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.conftest import Api

UPDATE = """mutation($input: UpdateMaterialInput!) { updateMaterial(input: $input) { __typename } }"""

PATH = """query($s: ID!, $t: [ID!]!, $n: AccessNeedsInput) {
  learningPath(studentId: $s, targets: $t, needs: $n) {
    __typename
    ... on LearningPath { summary steps { concept { id } reason minutes noSuitableMaterial materials { id }
                                          materialsLeftOut { id } materialsNotKnownToSuit { id } } }
    ... on PathError { code field message problems } } }"""

NEXT = """query($s: ID!, $n: AccessNeedsInput) { nextMaterials(studentId: $s, first: 10, needs: $n) {
  __typename
  ... on Recommendations { items { material { id } score reason notStated } }
  ... on PathError { code field message problems } } }"""

BLIND_AND_PHOTOSENSITIVE = {"avoidHazards": ["flashing"], "accessModes": ["textual", "auditory"]}


@pytest.fixture
def described(api: Api) -> Api:
    """Demo materials on the way to Slope given metadata that matters to the needs, through the API (whatever the
    demo's own says)."""
    for change in (
        {
            "id": "m_coordinate_plane_example",
            "accessModes": ["textual", "visual"],
            "accessModeSufficient": [],
            "accessibilityHazards": ["flashing"],
        },
        {
            "id": "m_coordinate_plane_practice",
            "accessModes": ["textual", "diagramOnVisual"],
            "accessModeSufficient": ["textual,visual"],
            "accessibilityHazards": ["none"],
        },
        {"id": "m_integers_number_line_example", "accessibilityHazards": ["unknown"]},
    ):
        assert api(UPDATE, {"input": change})["updateMaterial"]["__typename"] == "Material"
    return api


def learning_path(api: Api, needs: dict[str, Any] | None) -> dict[str, Any]:
    result = api(PATH, {"s": "newcomer", "t": ["slope"], "n": needs})["learningPath"]
    assert result["__typename"] == "LearningPath", result
    return result


def step(result: dict[str, Any], concept: str) -> dict[str, Any]:
    return next(s for s in result["steps"] if s["concept"]["id"] == concept)


def ids(materials: list[dict[str, str]]) -> list[str]:
    return [m["id"] for m in materials]


class TestLearningPathWithNeeds:
    def test_the_steps_stay_and_unsuitable_materials_are_left_out_with_a_reason(self, described: Api) -> None:
        plain = learning_path(described, None)
        needed = learning_path(described, BLIND_AND_PHOTOSENSITIVE)
        assert sorted(s["concept"]["id"] for s in needed["steps"]) == sorted(s["concept"]["id"] for s in plain["steps"])
        before, after = step(plain, "coordinate_plane"), step(needed, "coordinate_plane")
        assert ids(before["materials"]) == ["m_coordinate_plane_example", "m_coordinate_plane_practice"]
        assert ids(after["materialsLeftOut"]) == ids(before["materials"])
        assert "m_coordinate_plane_example" not in ids(after["materials"])
        assert after["reason"].endswith(
            "Left out for the needs you gave: an example with flashing that needs sight and an exercise that "
            "needs sight."
        )
        assert not before["materialsLeftOut"]
        assert "needs" not in before["reason"]

    def test_a_material_that_does_not_state_the_hazard_is_named_in_the_reason(self, described: Api) -> None:
        first = step(learning_path(described, {"avoidHazards": ["FLASHING"]}), "integers_number_line")
        assert ids(first["materialsNotKnownToSuit"]) == ["m_integers_number_line_example"]
        assert first["reason"].endswith("The example's hazards are not stated, so it may flash.")

    def test_a_concept_no_material_suits_stays_and_the_summary_says_so(self, described: Api) -> None:
        for material in ("m_coordinate_plane_explain", "m_coordinate_plane_example", "m_coordinate_plane_practice"):
            described(UPDATE, {"input": {"id": material, "accessModes": ["visual"], "accessModeSufficient": []}})
        plane = step(learning_path(described, BLIND_AND_PHOTOSENSITIVE), "coordinate_plane")
        assert (plane["materials"], plane["noSuitableMaterial"], plane["minutes"]) == ([], True, 10)
        assert len(plane["materialsLeftOut"]) == 3
        assert "No material for The Coordinate Plane suits the needs you gave: " in plane["reason"]
        summary = learning_path(described, BLIND_AND_PHOTOSENSITIVE)["summary"]
        assert summary.endswith("No material suits the needs you gave for The Coordinate Plane.")

    def test_needs_are_not_stored(self, described: Api) -> None:
        revision = described.kg.revision
        learning_path(described, BLIND_AND_PHOTOSENSITIVE)
        described(NEXT, {"s": "newcomer", "n": BLIND_AND_PHOTOSENSITIVE})
        assert described.kg.revision == revision

    @pytest.mark.parametrize(
        ("needs", "field"),
        [
            ({"avoidHazards": ["flash"]}, "needs.avoidHazards"),
            ({"accessModes": []}, "needs.accessModes"),
            # a blank was dropped: [""] avoided nothing, and a flashing example was recommended (an audit)
            ({"avoidHazards": [""]}, "needs.avoidHazards"),
            ({"avoidHazards": ["flashing", " "]}, "needs.avoidHazards"),
            ({"accessModes": ["textual", ""]}, "needs.accessModes"),
        ],
    )
    def test_a_bad_need_is_a_typed_error(self, described: Api, needs: dict[str, Any], field: str) -> None:
        for query, name in ((PATH, "learningPath"), (NEXT, "nextMaterials")):
            refused = described(query, {"s": "newcomer", "t": ["slope"], "n": needs})[name]
            assert (refused["__typename"], refused["code"], refused["field"]) == ("PathError", "INVALID", field)
            assert refused["problems"] == [refused["message"]], "every problem found: the one (it was [])"


class TestNextMaterialsWithNeeds:
    def test_not_stated_comes_after_and_says_so(self, described: Api) -> None:
        plain = described(NEXT, {"s": "newcomer", "n": None})["nextMaterials"]["items"]
        assert ids([i["material"] for i in plain])[0] == "m_integers_number_line_example"  # the best score
        items = described(NEXT, {"s": "newcomer", "n": {"avoidHazards": ["flashing"]}})["nextMaterials"]["items"]
        assert ids([i["material"] for i in items]) == [
            "m_integers_number_line_practice",
            "m_integers_number_line_example",
        ]
        last = items[-1]
        assert last["notStated"] == ["flashing"]
        assert last["reason"].endswith("Its hazards are not stated, so it may flash.")
        assert items[0]["notStated"] == []


class TestDemoCurriculum:
    """The demo's own metadata: a captioned video with a transcript, a flashing animation, grids with and without
    a text alternative, and an example not yet reviewed for hazards."""

    def test_a_blind_photosensitive_learner_keeps_the_video_and_loses_the_flashing_and_drawn_ones(
        self, api: Api
    ) -> None:
        path = api(PATH, {"s": "newcomer", "t": ["graphing_linear_equations"], "n": BLIND_AND_PHOTOSENSITIVE})
        result = path["learningPath"]
        assert "m_slope_explain" in ids(step(result, "slope")["materials"])  # the transcript suffices
        plane = step(result, "coordinate_plane")
        assert ids(plane["materialsLeftOut"]) == ["m_coordinate_plane_example"]
        # its grids have alternative text; the explanation stands in for the flashing example (the exercise came alone,
        # where a peer was shown the method first)
        assert ids(plane["materials"]) == ["m_coordinate_plane_explain", "m_coordinate_plane_practice"]
        graphing = step(result, "graphing_linear_equations")
        assert ids(graphing["materialsLeftOut"]) == ["m_graphing_linear_equations_practice"]
        assert graphing["reason"].endswith("Left out for the needs you gave: an exercise that needs sight.")
        first = step(result, "integers_number_line")
        assert first["reason"].endswith("The example's hazards are not stated, so it may flash.")

    def test_materials_lists_the_captioned_video(self, api: Api) -> None:
        found = api(
            '{ materials(accessibilityFeature: "captions", withoutHazard: "flashing") { edges { node { id } } } }'
        )
        assert [e["node"]["id"] for e in found["materials"]["edges"]] == ["m_slope_explain"]


class TestLanguages:
    """A bilingual board's French explanation displaced the English video in English students' paths."""

    CREATE = """mutation($input: CreateMaterialInput!) { createMaterial(input: $input) { __typename } }"""

    def test_materials_in_the_learners_languages_come_first_and_the_others_stay(self, api: Api) -> None:
        french = {"id": "m_pente_fr", "title": "La pente d'une droite", "type": "EXPLANATION", "teaches": ["slope"],
                  "language": "fr-CA"}  # fmt: skip
        assert api(self.CREATE, {"input": french})["createMaterial"]["__typename"] == "Material"

        def slope_materials(needs: dict[str, Any] | None) -> list[str]:
            return ids(step(learning_path(api, needs), "slope")["materials"])

        assert "m_pente_fr" in slope_materials(None)  # an explanation goes before a video: as before
        english = slope_materials({"languages": ["en"]})
        assert "m_pente_fr" not in english
        assert "m_slope_explain" in english
        assert "m_pente_fr" in slope_materials({"languages": ["fr", "en"]})  # fr takes fr-CA
        assert "m_pente_fr" in slope_materials({"languages": ["de"]})  # nothing in German: still offered
        items = api(NEXT, {"s": "newcomer", "n": {"languages": ["en-US"], "avoidHazards": ["flashing"]}})
        assert items["nextMaterials"]["__typename"] == "Recommendations"
        refused = api(PATH, {"s": "newcomer", "t": ["slope"], "n": {"languages": ["fr_CA"]}})["learningPath"]
        assert (refused["code"], refused["field"]) == ("INVALID", "needs.languages")
        assert "did you mean 'fr-CA'?" in refused["message"]


def test_a_concept_nothing_suits_is_named_beside_the_recommendations(described: Api) -> None:
    # Its materials all failed the needs, so it vanished from a blind learner's list without a word.
    query = """query($n: AccessNeedsInput) { nextMaterials(studentId: "newcomer", first: 10, needs: $n) {
      ... on Recommendations { items { material { id } concept { id } } noSuitableMaterial { id } } } }"""
    plain = described(query, {"n": None})["nextMaterials"]
    assert plain["noSuitableMaterial"] == []
    blind = {"accessModes": ["auditory"]}
    found = described(query, {"n": blind})["nextMaterials"]
    unsuited = [c["id"] for c in found["noSuitableMaterial"]]
    assert unsuited, found
    assert not {i["concept"]["id"] for i in found["items"]} & set(unsuited)


def test_a_blank_term_in_a_material_edit_is_refused_and_the_stated_hazard_stays(described: Api) -> None:
    # updateMaterial(accessibilityHazards: [""]), a form's empty multi-select, erased a stated "flashing": the path then
    # offered the example to a photosensitive learner as "hazards not stated"
    edit = """mutation($input: UpdateMaterialInput!) { updateMaterial(input: $input) {
      ... on CurriculumError { code field message } } }"""
    refused = described(edit, {"input": {"id": "m_coordinate_plane_example", "accessibilityHazards": [""]}})
    assert refused["updateMaterial"] == {
        "code": "INVALID",
        "field": "accessibilityHazards",
        "message": "an accessibility hazard is blank (entry 1): give a term, or leave the list out "
        "(an empty list: none)",
    }
    stored = described('{ material(id: "m_coordinate_plane_example") { accessibilityHazards } }')
    assert stored["material"]["accessibilityHazards"] == ["flashing"]
    filtered = described.raw('{ materials(accessMode: "") { totalCount } }')
    assert filtered["errors"][0]["extensions"]["field"] == "accessMode"


def test_an_exercise_waiting_for_review_stays_when_the_other_does_not_suit(api: Api) -> None:
    # The safe drill answered right today waits for review; the other, answered long ago, flashes. The path swapped the
    # waiting one out before the needs were applied, then left the flashing one out too, and said no material suited
    # a photosensitive learner, beside a nextMaterials offering the safe drill (an audit).
    from datetime import UTC, datetime, timedelta

    create = """mutation($input: CreateMaterialInput!) { createMaterial(input: $input) { __typename } }"""
    api('mutation { createConcept(input: {id: "drills", label: "Drills"}) { __typename } }')
    for ident, hazard in (("m_flash_drill", "flashing"), ("m_safe_drill", "none")):
        material = {"id": ident, "title": ident, "type": "EXERCISE", "difficulty": 3, "teaches": ["drills"],
                    "accessModes": ["textual"], "accessibilityHazards": [hazard]}  # fmt: skip
        assert api(create, {"input": material})["createMaterial"]["__typename"] == "Material"
    long_ago = (datetime.now(UTC) - timedelta(days=10)).isoformat()
    record = "mutation($a: [AttemptInput!]!) { recordAttempts(attempts: $a) { __typename } }"
    api(record, {"a": [{"studentId": "kim", "materialId": "m_flash_drill", "correct": True, "timestamp": long_ago},
                       {"studentId": "kim", "materialId": "m_safe_drill", "correct": True}]})  # fmt: skip
    path = """query($n: AccessNeedsInput) { learningPath(studentId: "kim", targets: ["drills"], needs: $n) {
      ... on LearningPath { steps { concept { id } noSuitableMaterial materials { id } } } } }"""
    [drills] = [s for s in api(path, {"n": {"avoidHazards": ["flashing"]}})["learningPath"]["steps"]]
    assert (drills["noSuitableMaterial"], [m["id"] for m in drills["materials"]]) == (False, ["m_safe_drill"])
    [anyone] = api(path, {"n": None})["learningPath"]["steps"]
    assert [m["id"] for m in anyone["materials"]] == ["m_flash_drill"], "without needs the waiting one still waits"
