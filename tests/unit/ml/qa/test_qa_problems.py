"""Questions about one problem: a worked example whole, an exercise with its keyed answer, a notice for a new one."""

from __future__ import annotations

import pytest
from qa_fakes import DictLookup, HashEncoder

from graph.model import Material, MaterialType
from ml.qa.answer import AnswerOptions, answer_question
from ml.qa.index import QaIndex
from ml.qa.problems import evaluate_problems, problem_questions

STEPS = (
    "Problem: Factor x^2 - 11x + 28.",
    "Solution:",
    "1. We need two integers with product 28 and sum -11.",
    "2. The product is positive and the sum is negative, so both numbers are negative.",
    "3. List negative pairs with product 28: (-4, -7) has sum -11.",
    "4. Write the factors: x^2 - 11x + 28 = (x - 4)(x - 7).",
    "Answer: (x - 4)(x - 7).",
)
MATERIALS = {
    m.id: m
    for m in [
        Material(
            "m_explain",
            "Factoring x^2 + bx + c",
            MaterialType.EXPLANATION,
            text="To factor a trinomial x^2 + bx + c, find two integers p and q with product c and sum b. "
            "Then the trinomial factors as (x + p)(x + q).",
            teaches=("factoring",),
        ),
        Material(
            "m_example", "Factoring a trinomial", MaterialType.EXAMPLE, text="\n".join(STEPS), teaches=("factoring",)
        ),
        Material(
            "m_practice",
            "Practice: factoring trinomials",
            MaterialType.EXERCISE,
            text="Factor each trinomial.\n1. x^2 + 9x + 20\n2. x^2 - 3x - 18\n"
            "Answers:\n1. (x + 4)(x + 5). 4 × 5 = 20 and 4 + 5 = 9.\n2. (x + 3)(x - 6). 3 × (-6) = -18.",
            assesses=("factoring",),
        ),
        Material(
            "m_roots",
            "Practice: the quadratic formula",
            MaterialType.EXERCISE,
            text="Solve each equation.\n1. x^2 + 5x + 6 = 0\nAnswers:\n1. x = -2 or x = -3.",
            assesses=("quadratic_formula",),
        ),
    ]
}
LOOKUP = DictLookup(MATERIALS)


@pytest.fixture
def index() -> QaIndex:
    built = QaIndex(HashEncoder())
    built.upsert(list(MATERIALS.values()))
    return built


def test_a_worked_example_of_the_very_problem_is_given_whole(index: QaIndex) -> None:
    answer = answer_question(index, "How do I factor x^2 - 11x + 28?", LOOKUP)
    assert answer.evidence[0].material == "m_example"
    assert answer.text is not None
    assert all(step in answer.text for step in STEPS)  # no step skipped
    assert answer.message == ""


def test_an_exercise_item_comes_with_its_keyed_answer(index: QaIndex) -> None:
    answer = answer_question(index, "How do I factor x^2 + 9x + 20?", LOOKUP)
    assert answer.evidence[0].material == "m_practice"
    assert answer.text is not None
    assert "x^2 + 9x + 20" in answer.text
    assert "(x + 4)(x + 5)" in answer.text
    assert "(x + 3)(x - 6)" not in answer.text  # the next item's answer


def test_a_problem_no_material_works_is_answered_with_the_method_and_says_so(index: QaIndex) -> None:
    answer = answer_question(index, "How do I factor x^2 + 5x + 6?", LOOKUP)
    # "x^2 + 5x + 6 = 0" is an equation to solve, not the trinomial asked about
    assert answer.evidence[0].material != "m_roots"
    assert MATERIALS[answer.evidence[0].material].type is not MaterialType.EXERCISE
    assert "No material works this very problem (x^2 + 5x + 6)" in answer.message


def test_the_numbers_of_a_problem_do_not_pick_the_evidence(index: QaIndex) -> None:
    # 6 and 5 are in the quadratic-formula exercise only; "factor" is the question's real word
    answer = answer_question(index, "How do I factor x^2 + 5x + 6?", LOOKUP)
    plain = answer_question(
        index, "How do I factor x^2 + 5x + 6?", LOOKUP, options=AnswerOptions(read_expressions=False)
    )
    assert answer.evidence[0].material in ("m_explain", "m_example")
    assert plain.message == ""  # read as plain text, nothing tells the student the problem is not worked


def test_problem_questions_pair_items_with_their_keyed_answers() -> None:
    questions = problem_questions(list(MATERIALS.values()))
    by_item = {q.question: q for q in questions}
    assert set(by_item) == {
        "Factor each trinomial. x^2 + 9x + 20",
        "Factor each trinomial. x^2 - 3x - 18",
        "Solve each equation. x^2 + 5x + 6 = 0",
    }
    assert by_item["Factor each trinomial. x^2 + 9x + 20"].keyed_answer == "(x + 4)(x + 5)."
    assert by_item["Factor each trinomial. x^2 - 3x - 18"].concepts == frozenset({"factoring"})


def test_evaluate_problems_reports_both_settings_and_readings(index: QaIndex) -> None:
    report = evaluate_problems(index, list(MATERIALS.values()))
    rows = {(r["setting"], r["reading"]): r for r in report.rows}
    settings = ("new", "seen", "key hidden")
    assert set(rows) == {(s, r) for s in settings for r in ("expressions", "plain text")}
    assert report.questions == 3
    assert rows["seen", "expressions"]["own exercise@1"] == 1.0
    assert rows["new", "expressions"]["says not worked"] >= 0.6  # the others are withheld (low confidence)
    assert rows["new", "plain text"]["says not worked"] == 0.0
    assert rows["key hidden", "expressions"]["a key among the evidence"] == 0.0
    assert rows["key hidden", "plain text"]["a key among the evidence"] == 0.0
    assert rows["seen", "expressions"]["keyed answer in text"] > 0.0  # shown, the key answers
    assert index.material_ids == set(MATERIALS)  # every exercise left out is put back


def test_for_a_new_problem_an_explanation_comes_before_another_exercise(index: QaIndex) -> None:
    question = "Practice: factoring trinomials. Factor each trinomial. x^2 + 2x + 1"  # the practice set's own words
    plain = answer_question(index, question, LOOKUP, options=AnswerOptions(read_expressions=False))
    answer = answer_question(index, question, LOOKUP)
    assert plain.evidence[0].material == "m_practice"  # more problems, not how to solve this one
    assert answer.evidence[0].material in ("m_explain", "m_example")
    assert "m_practice" in [e.material for e in answer.evidence]  # still there, after


def test_an_item_whose_key_is_hidden_is_answered_with_the_method_of_its_concept() -> None:
    """The exercise poses the very problem: the concept it assesses says which method to show.

    "Evaluate |-8| + |3|" drew how to evaluate an expression (the question's word), not absolute value.
    """
    formula = Material(
        "m_formula",
        "The quadratic formula",
        MaterialType.EXPLANATION,
        text="The roots of a x^2 + b x + c = 0 are x = (-b ± sqrt(b^2 - 4ac)) / 2a.",
        teaches=("quadratic_formula",),
    )
    solving = Material(
        "m_solve",
        "Solving equations",
        MaterialType.EXPLANATION,
        text="To solve an equation, solve for x: do the same to both sides. Solve it step by step.",
        teaches=("linear_equations",),
    )
    materials = {**MATERIALS, formula.id: formula, solving.id: solving}
    index = QaIndex(HashEncoder())
    index.upsert(list(materials.values()))
    lookup = DictLookup(materials)
    question = "Solve x^2 + 5x + 6 = 0"
    shown = answer_question(index, question, lookup)
    assert shown.evidence[0].material == "m_roots"
    assert shown.text is not None
    assert "x = -2 or x = -3" in shown.text
    hidden = answer_question(index, question, lookup, keys_shown=frozenset())
    assert hidden.evidence[0].material == "m_formula"
    assert not any("x = -2 or x = -3" in e.text for e in hidden.evidence)
    assert index.posing(["x^2 + 5x + 6 = 0"], frozenset()) == ["m_roots"]
    assert index.posing(["x^2 + 5x + 6 = 0"]) == [], "with its key readable, the exercise works the problem"
    assert index.search(question, k=5, within=["m_solve"])[0].chunk.material == "m_solve"
    assert {h.chunk.material for h in index.search(question, k=5, within=["m_solve"])} == {"m_solve"}


def test_exercises_items_alone_are_no_answer() -> None:
    # every passage an exercise's item list: the answer was an item, at confidence 1.0
    only_exercises = {m: MATERIALS[m] for m in ("m_practice", "m_roots")}
    index = QaIndex(HashEncoder())
    index.upsert(list(only_exercises.values()))
    answer = answer_question(index, "Solve each equation", DictLookup(only_exercises), keys_shown=frozenset())
    assert not answer.answered
    assert answer.notice == "LOW_CONFIDENCE"
    assert answer.text is None
    assert "pose problems like this one but none explains it" in answer.message


def test_an_item_asked_in_words_gets_its_keyed_answer_or_is_not_worked() -> None:
    words_item = Material(
        "m_words",
        "Practice: consecutive integers",
        MaterialType.EXERCISE,
        text="Answer in words.\n1. Name two consecutive even numbers whose product is 48.\n"
        "Answers:\n1. Six and eight. Six times eight is forty-eight.",
        assesses=("factoring",),
    )
    materials = {**MATERIALS, words_item.id: words_item}
    index = QaIndex(HashEncoder())
    index.upsert(list(materials.values()))
    lookup = DictLookup(materials)
    question = "Name two consecutive even numbers whose product is 48."
    shown = answer_question(index, question, lookup)
    assert shown.text is not None
    assert "Six and eight" in shown.text
    assert shown.notice is None
    hidden = answer_question(index, question, lookup, keys_shown=frozenset())
    assert hidden.notice == "NOT_WORKED"
    assert hidden.evidence[0].material == "m_example", "the worked example of the concept it assesses"
    assert hidden.message == "No material works this very problem; the answer shows the method on other examples."
    assert "Six and eight" not in (hidden.text or "")


def test_all_items_takes_items_without_maths_with_the_sentences_that_run_on() -> None:
    scale = Material(
        "m_scale",
        "Practice: scales",
        MaterialType.EXERCISE,
        text="Use the scale.\n1. A map uses 2 cm for 5 km. Two towns are 7 cm apart.\n2. x + 1 = 3\n"
        "Answers:\n1. 17.5 km.\n2. x = 2.",
        assesses=("ratios",),
    )
    assert [q.question for q in problem_questions([scale])] == ["Use the scale. x + 1 = 3"]
    everything = problem_questions([scale], all_items=True)
    assert [q.question for q in everything] == [
        "Use the scale. A map uses 2 cm for 5 km. Two towns are 7 cm apart.",
        "Use the scale. x + 1 = 3",
    ]
    assert [q.keyed_answer for q in everything] == ["17.5 km.", "x = 2."]
