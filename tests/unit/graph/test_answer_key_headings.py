"""An exercise whose key heading Pathwise does not read is named in the import's warnings.

A key is found by its heading alone; one written "Answers for part A:" was shown to
students whole, and nothing told the designer.
"""

from __future__ import annotations

from graph.repository import KnowledgeGraph
from graph.store import open_store
from ingest.csv_layout import parse_curriculum_csv

HEADER = "id,title,type,text\n"


def imported(rows: str) -> tuple[KnowledgeGraph, list[str]]:
    kg = KnowledgeGraph(open_store("memory"))
    report = kg.import_bundle(parse_curriculum_csv({"materials": HEADER + rows}))
    return kg, report.warnings


def test_an_unread_key_heading_is_warned_with_its_line_and_the_exercise_is_still_written() -> None:
    # m_quiz's record starts on the file's fifth line (the header, then m_ok's three)
    kg, warnings = imported('m_ok,Ok,exercise,"1. 2 + 2\nAnswers:\n1. 4"\nm_quiz,Quiz,exercise,"1. 3 + 5\nKey: 1. 8"\n')
    assert warnings == [
        "materials.csv:line 5: exercise 'm_quiz': the line 'Key: 1. 8' reads like an answer key but is not a "
        "heading Pathwise reads as one, so students see it before answering; start the key with a line 'Answers:'"
    ]
    assert kg.material("m_quiz").text == "1. 3 + 5\nKey: 1. 8"


def test_sentences_and_other_kinds_are_not_warned() -> None:
    rows = (
        'm_essay,Essay,exercise,"Explain your method.\nAnswers will vary."\n'
        'm_read,Reading,reading,"Solutions for part A:\nSee the worked example."\n'
        'm_long,Long,exercise,"Key ideas: slope, intercept.\n1. Find the slope."\n'
    )
    assert imported(rows)[1] == []


def test_a_full_width_colon_ends_a_key_heading() -> None:
    # Text typed with an East Asian input method writes "Answers："; that key was shown with the items.
    from graph.answer_key import split_answer_key

    assert split_answer_key("1. 3 + 5\nAnswers：\n1. 8") == ("1. 3 + 5", "Answers：\n1. 8")
    kg, warnings = imported(
        'm_fw,Quiz,exercise,"1. 3 + 5\nAnswers：\n1. 8"\nm_key,Quiz,exercise,"1. 2 + 2\nKey：1. 4"\n'
    )
    assert len(warnings) == 1
    assert "exercise 'm_key': the line 'Key：1. 4'" in warnings[0]
