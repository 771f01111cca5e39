"""CSV rosters: every bad line reported with its number, and a bad roster changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.cohorts import create_cohort, members, students_of
from graph.repository import KnowledgeGraph
from graph.store import open_store
from ingest.errors import MalformedInput
from ingest.roster import import_roster, read_roster, read_roster_file


@pytest.fixture
def kg() -> KnowledgeGraph:
    return KnowledgeGraph(open_store("memory"))


class TestReadRoster:
    def test_columns_in_any_order_with_a_bom_and_blank_lines(self) -> None:
        entries = read_roster("\ufeffStudent,Teacher,Cohort\ns1,t1,7b\n\ns2,,7b\n")
        assert [(e.cohort, e.student, e.teacher, e.line) for e in entries] == [
            ("7b", "s1", "t1", 2),
            ("7b", "s2", "", 4),
        ]

    def test_every_bad_line_is_named(self) -> None:
        text = 'cohort,student\n7b,s1\n7b\n,s3\n"7 b",s4\n8a,\n8a,ada@example.org\n'
        with pytest.raises(MalformedInput) as caught:
            read_roster(text, "class.csv")
        assert caught.value.problems == [
            "class.csv:line 3: 1 fields, header has 2: every column needs its cell, empty if there is nothing to "
            "say (a,,c)",
            "class.csv:line 4: cohort is empty",
            "class.csv:line 5: cohort '7 b' is not a slug or an absolute IRI",
            "class.csv:line 6: student is empty",
        ]  # a student is an external id, keyed before it is stored: an e-mail address is one

    def test_a_student_key_copied_wrong_or_a_control_character_is_refused(self) -> None:
        # "stu-" and 31 hex digits was keyed as an external id, enrolling a student nobody can find
        key = "stu-" + "0123456789abcdef" * 2
        text = f"cohort,student\n7b,{key}\n7b,{key[:-1]}\n7b,{key.upper()}\n7b,stu-0042\n7b,a\x07b\n"
        with pytest.raises(MalformedInput) as caught:
            read_roster(text, "class.csv")
        said = "looks like a student key copied wrong: a key is 'stu-' and 32 lowercase hex digits"
        why = "give the key as the API lists it, or the student's own id"
        assert caught.value.problems == [
            f"class.csv:line 3: student {said}, {key[:-1]!r} has 31; {why}",
            f"class.csv:line 4: student {said}, {key.upper()!r} has 32 and capitals; {why}",
            "class.csv:line 6: student holds a control character (U+0007 at position 2)",
        ]  # the key itself and a school's own "stu-0042" are students

    @pytest.mark.parametrize(
        ("text", "reason"),
        [
            ("", "empty"),
            ("cohort,pupil\n7b,s1\n", "missing column 'student'; unknown column 'pupil'"),
            ("cohort,student,student\n7b,s1,s2\n", "repeated column 'student'"),
            ("cohort,student\n", "no enrolment"),
            # a spreadsheet in a semicolon locale: "missing column 'cohort'" alone left admins guessing
            (
                "Cohort;Student\n7b;s1\n",
                "the header seems to use ';' as its separator: save the file as comma-separated",
            ),
            ("cohort\tstudent\n7b\ts1\n", "seems to use tabs as its separator"),
        ],
    )
    def test_bad_headers(self, text: str, reason: str) -> None:
        with pytest.raises(MalformedInput) as caught:
            read_roster(text)
        assert reason in caught.value.problems[0]

    def test_reads_a_file(self, tmp_path: Path) -> None:
        path = tmp_path / "r.csv"
        path.write_text("cohort,student\n7b,s1\n", encoding="utf-8")
        assert [e.student for e in read_roster_file(path)] == ["s1"]


class TestImportRoster:
    def test_a_malformed_line_applies_nothing(self, kg: KnowledgeGraph) -> None:
        create_cohort(kg, "7b")
        revision, trips = kg.revision, kg.store.round_trips
        with pytest.raises(MalformedInput) as caught:
            import_roster(kg, "cohort,student,teacher\n7b,s1,t1\n8a,s2,t2\nbad cohort,s3,t2\n")
        assert caught.value.problems == ["roster.csv:line 4: cohort 'bad cohort' is not a slug or an absolute IRI"]
        assert kg.revision == revision
        assert kg.store.round_trips == trips
        assert members(kg, "7b") == []
        assert students_of(kg, "8a") == set()

    def test_a_malformed_line_and_a_cohort_past_the_teacher_limit_are_refused_together(
        self, kg: KnowledgeGraph
    ) -> None:
        # The limit was checked when the roster was applied, after its lines: a roster refused for a bad line
        # was refused again for its teachers once the line was fixed.
        lines = [f"7b,s{i},t{i}" for i in range(101)] + ["bad cohort,s1,", "8a,s2,t1|t2"]
        revision, trips = kg.revision, kg.store.round_trips
        with pytest.raises(MalformedInput) as caught:
            import_roster(kg, "cohort,student,teacher\n" + "\n".join(lines) + "\n")
        assert caught.value.problems == [
            "roster.csv:line 103: cohort 'bad cohort' is not a slug or an absolute IRI",
            "roster.csv:line 102: cohort '7b' would have 101 teachers: at most 100 can teach one cohort; "
            "this line names the first past the limit",
        ]
        assert (kg.revision, kg.store.round_trips) == (revision, trips)
        assert students_of(kg, "7b") == set()

    def test_applies_a_good_roster_in_one_transaction(self, kg: KnowledgeGraph) -> None:
        revision = kg.revision
        report = import_roster(kg, "cohort,student,teacher\n7b,s1,t1\n7b,s2,t1\n8a,s2,\n7b,s1,t1\n")
        assert kg.revision == revision + 1
        assert (report.cohorts_created, report.enrolled, report.already_enrolled) == (["7b", "8a"], 3, 0)
        assert report.repeated_lines == [5]  # it was dropped without a word
        assert members(kg, "7b") == ["s1", "s2"]
        assert members(kg, "8a") == ["s2"]

    def test_a_cell_may_name_several_teachers(self, kg: KnowledgeGraph) -> None:
        from graph.cohorts import cohorts_by_ids

        import_roster(kg, "cohort,student,teacher\n7b,s1,t-x| t-y\n")  # it was one teacher called "t-x|t-y"
        [cohort] = cohorts_by_ids(kg, ["7b"])
        assert cohort is not None
        assert sorted(cohort.teachers) == ["t-x", "t-y"]

    def test_a_name_column_names_and_renames_cohorts(self, kg: KnowledgeGraph) -> None:
        # An LMS course has a short name for the id and a full name people know it by ("Math 7A"):
        # the id must be a slug, and there was nowhere to give the name.
        from graph.cohorts import cohorts_by_ids

        report = import_roster(kg, "cohort,student,name\nmath-7a,s1,Math 7A\nmath-7a,s2,\n")
        assert (report.cohorts_created, report.cohorts_renamed) == (["math-7a"], [])
        assert [c.name for c in cohorts_by_ids(kg, ["math-7a"]) if c] == ["Math 7A"]
        again = import_roster(kg, "cohort,student,name\nmath-7a,s1,Math 7A\n")
        assert (again.cohorts_renamed, again.enrolled, again.already_enrolled) == ([], 0, 1)
        renamed = import_roster(kg, "cohort,student,name\nmath-7a,s1,Math 7A (spring)\n")
        assert renamed.cohorts_renamed == ["math-7a"]
        assert [c.name for c in cohorts_by_ids(kg, ["math-7a"]) if c] == ["Math 7A (spring)"]
        unnamed = import_roster(kg, "cohort,student\nmath-7a,s3\n")  # a roster without the column renames nothing
        assert unnamed.cohorts_renamed == []
        assert [c.name for c in cohorts_by_ids(kg, ["math-7a"]) if c] == ["Math 7A (spring)"]

    def test_two_names_for_one_cohort_are_refused_with_both_lines(self, kg: KnowledgeGraph) -> None:
        with pytest.raises(MalformedInput) as caught:
            import_roster(kg, 'cohort,student,name\n7a,s1,Math 7A\n7a,s2,Maths 7A\n7b,s3,"Two\nlines"\n')
        assert caught.value.problems == [
            "roster.csv:line 3: cohort '7a' is named 'Math 7A' on line 2 and 'Maths 7A' here: give one name",
            "roster.csv:line 4: cohort '7b' has U+000A in its name, an invisible control or direction override: "
            "remove it",
        ]
        assert kg.revision == 0
