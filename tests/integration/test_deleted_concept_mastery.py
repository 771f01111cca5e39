"""A deleted concept's mastery leaves the model's state too: one created again under its id starts afresh."""

from __future__ import annotations

from pathlib import Path

import pytest

from demo.load import MODEL_DIR
from ml.mastery.serving import MasteryService
from ml.mastery.versions import ModelVersions
from tests.integration.conftest import Api

CREATE = """mutation($id: ID!, $label: String!, $p: [ID!]!) {
  createConcept(input: {id: $id, label: $label, prerequisites: $p}) { __typename } }"""
QUIZ = """mutation { createMaterial(input: {id: "gm_angle_quiz", title: "Angles quiz", type: EXERCISE,
  assesses: ["g_angle"]}) { __typename } }"""
RECORD = """mutation($a: [AttemptInput!]!) { recordAttempts(attempts: $a) { __typename } }"""
MASTERY = """query($c: [ID!]) { student(id: "alice") { mastery(conceptIds: $c) { concept { id } probability } } }"""
DELETE = """mutation($id: ID!) { deleteConcept(id: $id) { ... on Deleted { removed { estimates } } } }"""


def _probabilities(api: Api, concepts: list[str]) -> dict[str, float]:
    found = api(MASTERY, {"c": concepts})["student"]["mastery"]
    return {m["concept"]["id"]: m["probability"] for m in found}


def _angles_answered(api: Api) -> float:
    api(CREATE, {"id": "g_line", "label": "Line", "p": []})
    api(CREATE, {"id": "g_angle", "label": "Angle", "p": ["g_line"]})
    api(QUIZ)
    attempts = [
        {"studentId": "alice", "materialId": "gm_angle_quiz", "correct": True, "timestamp": "2026-01-05T10:00:00Z"},
        {"studentId": "alice", "materialId": "gm_angle_quiz", "correct": False, "timestamp": "2026-01-05T10:01:00Z"},
    ]
    assert api(RECORD, {"a": attempts})["recordAttempts"]["__typename"] == "RecordedAttempts"
    return _probabilities(api, ["g_angle"])["g_angle"]


def test_a_concept_created_again_under_a_deleted_ones_id_has_no_old_mastery(api: Api, tmp_path: Path) -> None:
    answered = _angles_answered(api)
    assert api(DELETE, {"id": "g_angle"})["deleteConcept"] == {"removed": {"estimates": 1}}
    api(CREATE, {"id": "g_angle", "label": "Angle", "p": ["g_line"]})
    api(CREATE, {"id": "g_point", "label": "Point", "p": []})
    now = _probabilities(api, ["g_angle", "g_point"])
    # it answered the deleted concept's 0.67 where a restart (and a concept never answered) gives 0.46
    assert now["g_angle"] != pytest.approx(answered, abs=1e-3)
    assert now == pytest.approx(_probabilities(_restarted(api, tmp_path), ["g_angle", "g_point"]), abs=1e-6)
    path = api("""{ learningPath(studentId: "alice", targets: ["g_angle"]) {
      ... on LearningPath { steps { concept { id } mastery } } } }""")["learningPath"]
    angle = next(step for step in path["steps"] if step["concept"]["id"] == "g_angle")
    assert angle["mastery"] == pytest.approx(now["g_angle"], abs=1e-6)  # "Predicted mastery 67%"


IMPORT = """mutation($input: ImportCurriculumInput!) { importCurriculum(input: $input) {
  __typename ... on ImportSummary { pruned { concepts materials } } ... on CurriculumError { message } } }"""
GEO = "id,title\ngeo,Geometry\n"


def _restarted(api: Api, tmp_path: Path) -> Api:
    """Another service over the same store, as after a restart: states replayed from what is stored."""
    return Api(api.kg, MasteryService(ModelVersions(tmp_path / "restarted"), fallback=MODEL_DIR))


def test_a_pruned_concept_leaves_the_states_as_a_deleted_one(api: Api, tmp_path: Path) -> None:
    concepts = "id,label,scheme\ng_line,Line,geo\ng_angle,Angle,geo\n"
    sheets = {
        "curricula": GEO,
        "concepts": concepts,
        "prerequisites": "concept,prerequisite\ng_angle,g_line\n",
        "materials": "id,title,type,assesses\ngm_angle_quiz,Angles quiz,exercise,g_angle\n",
    }
    assert api(IMPORT, {"input": {"format": "CSV", "csv": sheets}})["importCurriculum"]["__typename"] == "ImportSummary"
    attempts = [
        {"studentId": "alice", "materialId": "gm_angle_quiz", "correct": c, "timestamp": f"2026-01-05T10:0{i}:00Z"}
        for i, c in enumerate([True, True, False])
    ]
    api(RECORD, {"a": attempts})
    answered = _probabilities(api, ["g_angle"])["g_angle"]
    pruning = {
        "curricula": GEO,
        "concepts": "id,label,scheme\ng_line,Line,geo\n",
        "prerequisites": "concept,prerequisite\n",
    }
    given = {"format": "CSV", "csv": pruning, "replaceExisting": True, "prune": True}
    pruned = api(IMPORT, {"input": given})["importCurriculum"]
    assert pruned["pruned"] == {"concepts": ["g_angle"], "materials": []}, pruned
    api(CREATE, {"id": "g_angle", "label": "Angle", "p": ["g_line"]})
    now = _probabilities(api, ["g_angle", "g_line"])
    assert now["g_angle"] != pytest.approx(answered, abs=1e-3)
    assert now == pytest.approx(_probabilities(_restarted(api, tmp_path), ["g_angle", "g_line"]), abs=1e-6)


def test_a_deleted_material_leaves_its_answers_as_a_restart_reads_them(api: Api, tmp_path: Path) -> None:
    _angles_answered(api)
    deleted = api('mutation { deleteMaterial(id: "gm_angle_quiz") { __typename } }')["deleteMaterial"]
    assert deleted == {"__typename": "Deleted"}
    api(CREATE, {"id": "g_point", "label": "Point", "p": []})
    now = _probabilities(api, ["g_angle", "g_point"])
    assert now == pytest.approx(_probabilities(_restarted(api, tmp_path), ["g_angle", "g_point"]), abs=1e-6)
