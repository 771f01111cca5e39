"""The CSV layout: every problem with file and line; round trips; nothing half-applied."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.bundle import CurriculumBundle
from graph.errors import DanglingReferences
from graph.model import Concept, Material, MaterialType, Prerequisite
from graph.repository import KnowledgeGraph
from graph.store import open_store
from ingest.csv_layout import parse_curriculum_csv, read_curriculum_csv, write_curriculum_csv
from ingest.errors import MalformedInput
from ingest.export import export_text
from ingest.formats import READERS, detect_format, read_path, read_text


class TestParseCurriculumCsv:
    def test_reports_every_bad_line_with_its_number(self) -> None:
        concepts = 'id,label,definition\na,A,"two\nlines"\n,B,x\nc,C\n'
        materials = "id,title,type,difficulty\nm1,M,quiz,1\nm2,M,exercise,9\n"
        with pytest.raises(MalformedInput) as caught:
            parse_curriculum_csv({"concepts": concepts, "materials": materials})
        assert caught.value.problems == [
            "concepts.csv:line 4: empty id",
            "concepts.csv:line 5: 2 fields, header has 3: every column needs its cell, empty if there is nothing "
            "to say (a,,c)",
            "materials.csv:line 2: type 'quiz' is not one of explanation, example, exercise, video, reading",
            "materials.csv:line 3: difficulty 9 is not in 1..5",
        ]

    def test_every_problem_of_a_line_and_bad_ids_come_with_the_line(self) -> None:
        materials = 'id,title,type,difficulty,minutes,url,teaches\nm1,M,video,9,abc,javascript:alert(1),"a|b c"\n'
        concepts = "id,label,broader\nhttps://w3id.org/pathwise/id/concept/x,X,\nself,S,self\n"
        prerequisites = "concept,prerequisite,strength\na,a,2\n"
        with pytest.raises(MalformedInput) as caught:
            parse_curriculum_csv({"materials": materials, "concepts": concepts, "prerequisites": prerequisites})
        assert caught.value.problems == [
            "concepts.csv:line 2: concept id 'https://w3id.org/pathwise/id/concept/x' is under Pathwise's own "
            "namespace: use its slug, 'x'",
            "concepts.csv:line 3: concept 'self' cannot be broader than itself",
            "prerequisites.csv:line 2: strength 2.0 is not in (0, 1]",
            "prerequisites.csv:line 2: concept 'a' cannot be its own prerequisite",
            "materials.csv:line 2: difficulty 9 is not in 1..5",
            "materials.csv:line 2: minutes 'abc' is not a whole number",
            "materials.csv:line 2: url scheme 'javascript' is not http or https",
            "materials.csv:line 2: concept id 'b c' is not a slug ([A-Za-z0-9_.-]) or an absolute IRI",
        ]

    def test_a_label_or_title_the_graph_refuses_is_named_with_its_line(self) -> None:
        # It was refused after reading, by concept id alone.
        concepts = "id,label\nok,Fine\nbad,Bad\x01label\nrtl,Ratio\u202e\n"
        materials = "id,title,type\nm1,\u200b,video\n"
        with pytest.raises(MalformedInput) as caught:
            parse_curriculum_csv({"concepts": concepts, "materials": materials})
        assert [p.split(": ")[0] for p in caught.value.problems] == [
            "concepts.csv:line 3",
            "concepts.csv:line 4",
            "materials.csv:line 2",
        ]
        assert "U+0001 in its label" in caught.value.problems[0]
        assert "has an empty title" in caught.value.problems[2]

    def test_a_file_that_is_not_utf8_says_where_and_how_to_fix_it(self, tmp_path: Path) -> None:
        (tmp_path / "latin").mkdir()
        (tmp_path / "latin" / "concepts.csv").write_bytes("id,label\nok,Fine\nalg,Álgebra\n".encode("latin-1"))
        (tmp_path / "utf16").mkdir()
        (tmp_path / "utf16" / "concepts.csv").write_bytes("id,label\nok,Fine\n".encode("utf-16"))
        with pytest.raises(MalformedInput) as latin:
            read_curriculum_csv(tmp_path / "latin")
        assert latin.value.problems == [
            "concepts.csv:line 3, column 5: not UTF-8 text (byte 0xC1: invalid start byte; Latin-1 or "
            "Windows-1252?): save the file as UTF-8"
        ]
        with pytest.raises(MalformedInput) as utf16:
            read_curriculum_csv(tmp_path / "utf16")
        assert "the file is UTF-16" in utf16.value.problems[0]

    def test_a_repeated_id_names_both_lines_with_the_row_problems(self) -> None:
        # It used to surface only once the rows were clean, as "appears 2 times", with no line.
        concepts = 'id,label\na,A\nb,B\na,"A, again"\n'
        materials = "id,title,type,difficulty\nm1,M,video,1\nm1,M,video,9\n"
        with pytest.raises(MalformedInput) as caught:
            parse_curriculum_csv({"concepts": concepts, "materials": materials})
        assert caught.value.problems == [
            "concepts.csv:line 4: id 'a' is already on line 2",
            "materials.csv:line 3: difficulty 9 is not in 1..5",
            "materials.csv:line 3: id 'm1' is already on line 2",
        ]

    def test_a_quote_left_open_is_refused_with_the_line_it_opens_on(self) -> None:
        # Read leniently, the rest of the file became a's definition and b was lost without a word.
        concepts = 'id,label,definition\na,Alpha,"unterminated\nb,Beta,x\n'
        with pytest.raises(MalformedInput) as caught:
            parse_curriculum_csv({"concepts": concepts})
        assert caught.value.problems == [
            "concepts.csv:line 2: a quoted field opened here is never closed (the file ends inside it)"
        ]
        with pytest.raises(MalformedInput) as caught:
            parse_curriculum_csv({"concepts": 'id,label\na,"Al"pha\n'})
        assert caught.value.problems == ["concepts.csv:line 2: ',' expected after '\"'"]

    def test_a_repeated_edge_names_its_first_line(self) -> None:
        concepts = "id,label\na,A\nb,B\n"
        prerequisites = "concept,prerequisite,strength\nb,a,1\nb,a,0.3\n"
        with pytest.raises(MalformedInput) as caught:
            parse_curriculum_csv({"concepts": concepts, "prerequisites": prerequisites})
        assert caught.value.problems == ["prerequisites.csv:line 3: edge 'b -> a' is already on line 2"]

    def test_missing_required_column(self) -> None:
        with pytest.raises(MalformedInput, match="missing column\\(s\\) prerequisite"):
            parse_curriculum_csv({"prerequisites": "concept,strength\na,1\n"})

    def test_a_header_with_semicolons_says_to_save_as_comma_separated(self) -> None:
        # A spreadsheet's ';' export read "missing column(s) id, label; unknown column(s) id;label", no more.
        with pytest.raises(MalformedInput) as caught:
            parse_curriculum_csv({"concepts": "id;label\na;A\n"})
        [problem] = caught.value.problems
        assert problem.startswith("concepts.csv:line 1: missing column(s) id, label; unknown column(s) id;label")
        assert problem.endswith(": the header seems to use ';' as its separator: save the file as comma-separated")

    def test_a_column_named_in_another_case_is_guessed(self) -> None:
        # "ID" and "Label" read as unknown beside "missing column(s) id, label", as if those were unrelated.
        with pytest.raises(MalformedInput) as caught:
            parse_curriculum_csv({"concepts": "ID,Label,definition\na,A,x\n"})
        assert caught.value.problems == [
            "concepts.csv:line 1: missing column(s) id, label; unknown column(s) ID (did you mean 'id'?), "
            "Label (did you mean 'label'?) (columns: id, label, definition, alt_labels, broader, scheme, language)"
        ]

    def test_lists_and_defaults(self) -> None:
        bundle = parse_curriculum_csv(
            {
                "concepts": "id,label,alt_labels,broader\na,A,x|y,\nb,B,,a\n",
                "prerequisites": "concept,prerequisite\nb,a\n",
            }
        )
        assert bundle.concepts[0].alt_labels == ("x", "y")
        assert bundle.concepts[1].broader == ("a",)
        assert bundle.prerequisites[0].strength == 1.0

    def test_a_file_outside_the_layout_is_refused_not_swapped_for_its_neighbour(self, tmp_path: Path) -> None:
        (tmp_path / "concepts.csv").write_text("id,label\nq1,Q\n")
        (tmp_path / "my_topics.csv").write_text("id,label\nzz,Z\n")
        with pytest.raises(MalformedInput, match="the CSV layout is a folder of curricula.csv, concepts.csv"):
            READERS["csv"](tmp_path / "my_topics.csv")
        assert [c.id for c in READERS["csv"](tmp_path / "concepts.csv").concepts] == ["q1"]

    def test_a_file_of_the_layout_reads_its_folder_and_says_so(self, tmp_path: Path) -> None:
        # Naming concepts.csv imported the materials beside it without a word.
        (tmp_path / "concepts.csv").write_text("id,label\nslope,Slope\n")
        assert READERS["csv"](tmp_path / "concepts.csv").warnings == ()  # nothing else there
        (tmp_path / "materials.csv").write_text("id,title,type,teaches\nm9,Slope drill,exercise,slope\n")
        bundle = READERS["csv"](tmp_path / "concepts.csv")
        assert [m.id for m in bundle.materials] == ["m9"]
        assert bundle.warnings == (
            f"concepts.csv is one file of the CSV layout, so its folder {tmp_path} was read whole: "
            "materials.csv was read too",
        )
        assert READERS["csv"](tmp_path).warnings == ()  # the folder named: no surprise

    def test_a_folder_of_materials_alone_is_recognised(self, tmp_path: Path) -> None:
        # Only a folder with concepts.csv used to be: "cannot tell the format".
        (tmp_path / "materials.csv").write_text("id,title,type,teaches\nm9,Slope drill,exercise,slope\n")
        assert detect_format(tmp_path) == "csv"
        assert [m.id for m in read_path(tmp_path).materials] == ["m9"]


class TestWriteCurriculumCsv:
    def test_bars_backslashes_and_small_strengths_survive(self, tmp_path: Path) -> None:
        # A TEKS alt label "f(x) = |x|" came back as three labels, and a strength of 1e-7
        # was written as 0, which the import then refused.
        bundle = CurriculumBundle(
            concepts=(Concept("a", "A", alt_labels=("f(x) = |x|", "\\frac{1}{2}", "plain")), Concept("b", "B")),
            prerequisites=(Prerequisite("b", "a", 1e-7), Prerequisite("a", "b", 0.123456789)),
        )
        write_curriculum_csv(bundle, tmp_path / "out")
        back = read_curriculum_csv(tmp_path / "out")
        assert back.concepts[0].alt_labels == ("f(x) = |x|", "\\frac{1}{2}", "plain")
        assert {(e.concept, e.strength) for e in back.prerequisites} == {("b", 1e-7), ("a", 0.123456789)}

    def test_a_long_text_reads_back(self, tmp_path: Path) -> None:
        # The export wrote a 500,000-character text that the import refused: "field larger than field limit".
        # (A definition is at most 10,000 characters now: a material's text, at most 500,000, is the long one.)
        reading = Material("m", "M", MaterialType.READING, text="x" * 500_000, teaches=("a",))
        bundle = CurriculumBundle(concepts=(Concept("a", "A"),), materials=(reading,))
        write_curriculum_csv(bundle, tmp_path / "out")
        assert len(read_curriculum_csv(tmp_path / "out").materials[0].text) == 500_000

    def test_strengths_survive_the_store_and_rdf(self, kg: KnowledgeGraph) -> None:
        other = KnowledgeGraph(open_store("memory"))
        other.import_bundle(
            CurriculumBundle(
                concepts=(Concept("a", "A"), Concept("b", "B")), prerequisites=(Prerequisite("b", "a", 1e-7),)
            )
        )
        again = KnowledgeGraph(open_store("memory"))
        again.import_bundle(read_text(export_text(other, "turtle"), "turtle"))
        [edge] = again.export_bundle().prerequisites
        assert edge.strength == 1e-7

    def test_round_trip_through_a_store(self, kg: KnowledgeGraph, tmp_path: Path) -> None:
        write_curriculum_csv(kg.export_bundle(), tmp_path / "out")
        other = KnowledgeGraph(open_store("memory"))
        other.import_bundle(read_curriculum_csv(tmp_path / "out"))
        assert set(other.export_graph()) == set(kg.export_graph())


class TestImportAtomicity:
    def test_a_bad_file_writes_nothing(self, kg: KnowledgeGraph, tmp_path: Path) -> None:
        folder = tmp_path / "bad"
        folder.mkdir()
        (folder / "concepts.csv").write_text("id,label\nnew1,New\nnew2,New 2\n")
        (folder / "prerequisites.csv").write_text("concept,prerequisite,strength\nnew2,new1,2.5\n")
        before, revision = set(kg.export_graph()), kg.revision
        with pytest.raises(MalformedInput, match="prerequisites.csv:line 2"):
            kg.import_bundle(read_curriculum_csv(folder))
        assert (set(kg.export_graph()), kg.revision) == (before, revision)


class TestDanglingReferences:
    """The walkthrough's geometry unit: a typo `angle` for `angles` imported as a success without its link."""

    FILES = {
        "curricula.csv": "id,title\ngeo7,Grade 7 Geometry\n",
        "concepts.csv": "id,label,broader,scheme\nangles,Angles,,geo7\ntriangles,Triangles,,geo7\n"
        "pythagoras,Pythagorean Theorem,triangles,geo8\n",
        "prerequisites.csv": "concept,prerequisite\ntriangles,angles\npythagoras,exponents_powers\n",
        "materials.csv": "id,title,type,teaches\ng_video,Angles video,video,angles\n"
        "g_read,Angles reading,reading,angle\n",
    }

    def folder(self, tmp_path: Path) -> Path:
        for name, text in self.FILES.items():
            (tmp_path / name).write_text(text, encoding="utf-8")
        return tmp_path

    def test_each_is_refused_with_its_file_line_and_closest_id(self, kg: KnowledgeGraph, tmp_path: Path) -> None:
        before, revision = set(kg.export_graph()), kg.revision
        with pytest.raises(DanglingReferences) as caught:
            kg.import_bundle(read_curriculum_csv(self.folder(tmp_path)))
        assert caught.value.problems == [
            "prerequisites.csv:line 3: prerequisite pythagoras -> exponents_powers "
            "(pythagoras requires exponents_powers): unknown exponents_powers",
            "concepts.csv:line 4: concept pythagoras: curriculum geo8 unknown (did you mean 'geo7'?)",
            "materials.csv:line 3: material g_read: taught concept angle unknown (did you mean 'angles'?)",
        ]
        assert (set(kg.export_graph()), kg.revision) == (before, revision)

    def test_on_request_they_are_left_out_and_listed(self, kg: KnowledgeGraph, tmp_path: Path) -> None:
        report = kg.import_bundle(read_curriculum_csv(self.folder(tmp_path)), allow_dangling=True)
        assert len(report.dangling) == 3
        assert report.dangling[0].startswith("prerequisites.csv:line 3: ")
        assert report.missing_ids == ["angle", "exponents_powers"]
        assert kg.material("g_read").teaches == ()


def test_a_folder_of_empty_files_says_they_are_empty(tmp_path: Path) -> None:
    # a 0-byte concepts.csv was refused as "none of curricula.csv, concepts.csv, ... found"
    (tmp_path / "concepts.csv").write_bytes(b"")
    with pytest.raises(MalformedInput) as caught:
        read_curriculum_csv(tmp_path)
    assert caught.value.problems == [f"{tmp_path}:-: concepts.csv is empty: nothing to import"]
    (tmp_path / "concepts.csv").unlink()
    with pytest.raises(MalformedInput, match="found"):
        read_curriculum_csv(tmp_path)
