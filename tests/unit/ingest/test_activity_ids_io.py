"""Activity ids in CSV, Turtle and JSON-LD: clashes named with their lines, none lost on a round trip."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.errors import ValidationFailed
from graph.model import Material, MaterialType
from graph.repository import KnowledgeGraph
from graph.store import open_store
from ingest.csv_layout import parse_curriculum_csv, read_curriculum_csv, write_curriculum_csv
from ingest.errors import MalformedInput
from ingest.export import export_text
from ingest.formats import read_text

QUESTION = "http://www.example.org/question/question.php?cmid=1&id=1"
H5P_COPY = "https://h5p.example/content/42"
HEADER = "id,title,type,assesses,activity_ids\n"
QUIZ = Material(
    "factoring-quiz", "Factoring quiz", MaterialType.EXERCISE, assesses=("eq",), activity_ids=(QUESTION, H5P_COPY)
)


class TestCsv:
    def test_a_list_of_iris_read_trimmed_once_each(self) -> None:
        materials = HEADER + f'factoring-quiz,Factoring quiz,exercise,eq," {H5P_COPY} | {QUESTION}|{H5P_COPY}"\n'
        [material] = parse_curriculum_csv({"materials": materials}).materials
        assert material == QUIZ

    def test_one_that_is_no_absolute_iri_is_named_with_its_line(self) -> None:
        materials = HEADER + f"ok,OK,exercise,eq,{QUESTION}\nbad,Bad,film,eq,quiz-7\n"
        with pytest.raises(MalformedInput) as caught:
            parse_curriculum_csv({"materials": materials})
        problems = caught.value.problems
        assert [p.split(": ")[0] for p in problems] == ["materials.csv:line 3"] * 2  # with the line's bad type
        assert "activity id 'quiz-7' is not an absolute IRI" in problems[1]

    def test_a_clash_in_the_file_names_both_lines_and_nothing_is_applied(
        self, kg: KnowledgeGraph, tmp_path: Path
    ) -> None:
        (tmp_path / "materials.csv").write_text(
            HEADER
            + f"factoring-quiz,Factoring quiz,exercise,eq,{QUESTION}\n"
            + "filler,Filler,exercise,eq,\n"
            + f"moodle-copy,Moodle copy,exercise,eq,{H5P_COPY}|{QUESTION}\n",
            encoding="utf-8",
        )
        with pytest.raises(MalformedInput) as caught:
            read_curriculum_csv(tmp_path)
        [problem] = caught.value.problems
        assert problem.startswith(
            f"materials.csv:line 4: activity id {QUESTION!r} of material 'moodle-copy' is already an activity id "
            "of material 'factoring-quiz' (line 2)"
        )
        assert not {"factoring-quiz", "filler", "moodle-copy"} & kg.projection.material_ids

    def test_an_activity_id_that_is_a_material_id_of_the_file(self) -> None:
        materials = HEADER + "copy,Copy,exercise,eq,http://x.org/m/1\nhttp://x.org/m/1,Original,exercise,eq,\n"
        with pytest.raises(MalformedInput) as caught:
            parse_curriculum_csv({"materials": materials})
        [problem] = caught.value.problems
        assert problem.startswith("materials.csv:line 2: ")
        assert "is the id of material 'http://x.org/m/1' (line 3)" in problem

    def test_a_clash_with_a_stored_material_refuses_the_file_whole(self, kg: KnowledgeGraph, tmp_path: Path) -> None:
        kg.create_material(QUIZ)
        (tmp_path / "materials.csv").write_text(
            HEADER + "fine,Fine,exercise,eq,urn:lms:7\n" + f"moodle-copy,Moodle copy,exercise,eq,{QUESTION}\n",
            encoding="utf-8",
        )
        with pytest.raises(ValidationFailed) as caught:
            kg.import_bundle(read_curriculum_csv(tmp_path))
        [problem] = caught.value.problems
        assert problem.startswith("materials.csv:line 3: ")  # it named no line: a designer searched the sheet
        assert "material 'moodle-copy'" in problem
        assert "material 'factoring-quiz'" in problem
        assert not {"fine", "moodle-copy"} & kg.projection.material_ids
        assert "urn:lms:7" not in kg.projection.activities

    def test_export_writes_them_last_and_import_gives_them_back(self, kg: KnowledgeGraph, tmp_path: Path) -> None:
        kg.create_material(QUIZ)
        write_curriculum_csv(kg.export_bundle(), tmp_path)
        lines = (tmp_path / "materials.csv").read_text(encoding="utf-8").splitlines()
        assert ",accessibility_summary,activity_ids," in f"{lines[0]},"  # after the columns before them
        assert any(f",{QUESTION}|{H5P_COPY}," in f"{line}," for line in lines)
        back = {m.id: m for m in read_curriculum_csv(tmp_path).materials}
        assert back[QUIZ.id] == QUIZ
        assert back["m_add"] == kg.material("m_add")


@pytest.mark.parametrize("fmt", ["turtle", "jsonld"])
def test_an_rdf_export_imported_again_keeps_them(kg: KnowledgeGraph, fmt: str) -> None:
    kg.create_material(QUIZ)
    text = export_text(kg, fmt, "arith")
    fresh = KnowledgeGraph(open_store("memory"))
    fresh.import_bundle(read_text(text, fmt))
    assert fresh.material(QUIZ.id) == QUIZ
    assert fresh.projection.material_named(QUESTION) == QUIZ.id
    assert export_text(fresh, fmt, "arith") == text
