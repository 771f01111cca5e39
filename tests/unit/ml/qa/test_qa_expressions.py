"""A question's math expressions: found apart from its words, and matched whole in a material's text."""

from __future__ import annotations

import pytest

from ml.qa.expressions import holds_expression, split_question


@pytest.mark.parametrize(
    ("question", "expressions", "words"),
    [
        ("How do I factor x^2 - x - 6?", ("x^2 - x - 6",), "How do I factor ?"),
        ("Solve 3x - 7 = 20 for x", ("3x - 7 = 20",), "Solve for x"),
        ("What is the slope through (1, 2) and (3, 8)?", ("(1, 2)", "(3, 8)"), "What is the slope through and ?"),
        ("Expand (x + 3)(x - 2)", ("(x + 3)(x - 2)",), "Expand"),
        ("Simplify (a^2 - 4ab + b^2) - (3a^2 - ab)", ("(a^2 - 4ab + b^2) - (3a^2 - ab)",), "Simplify"),
        ("Simplify sqrt(50) and √2 + 1", ("sqrt(50)", "√2 + 1"), "Simplify and"),
        ("What is x² + 2x?", ("x² + 2x",), "What is ?"),
        # absolute values: read as words, "Evaluate |-8| + |3|." was answered with an explanation of evaluating
        ("Evaluate |-8| + |3|.", ("|-8| + |3|",), "Evaluate ."),
        ("Find every integer x with |x| = 9.", ("|x| = 9",), "Find every integer x with ."),
        ("Evaluate -|-11|.", ("-|-11|",), "Evaluate ."),
        # the s of a contraction was a variable: "No material works this very problem (s 3/4 + 1/8)"
        ("what's 3/4 + 1/8?", ("3/4 + 1/8",), "what's ?"),
        ("It’s x^2 - 4, isn't it?", ("x^2 - 4",), "It’s , isn't it?"),
        ("How's 5 - 3 worked out?", ("5 - 3",), "How's worked out?"),
    ],
)
def test_finds_the_expressions_of_a_question(question: str, expressions: tuple[str, ...], words: str) -> None:
    parts = split_question(question)
    assert parts.expressions == expressions
    assert parts.words == words


@pytest.mark.parametrize(
    "question",
    [
        "Why is CO2 a greenhouse gas?",
        "What does a well-known rule say about the x-intercept?",
        "Name the numbers 3, 5 and 7.",
        "What happened in 1990-2000?",
        "Is -5 less than 3?",
        "Find the x- and y-intercepts of the line.",
        "What is the GCF of 12 and 18?",
        "What does the pipe | mean?",
        "Is a | b true?",
    ],
)
def test_plain_prose_holds_no_expression(question: str) -> None:
    assert split_question(question).expressions == ()


@pytest.mark.parametrize(
    ("text", "expression", "held"),
    [
        ("Problem: Factor x^2 - 11x + 28.", "x^2 − 11x+28", True),  # spacing and the minus sign aside
        ("Factor x² - 11x + 28.", "x^2 - 11x + 28", True),
        ("1. x^2 + 5x + 6 = 0", "x^2 + 5x + 6", False),  # part of an equation
        ("Solve x + 28.5 = 30", "x + 28", False),  # part of a decimal
        ("4 - 5(2y - 3)", "-5(2y - 3)", False),  # its minus is a subtraction here
        ("2. Expand -5(2y - 3).", "-5(2y - 3)", True),
        ("Find GCF(36, 60).", "(36, 60)", True),  # a function's argument list
        ("Find the line through (2, 3) and (6, 11).", "(2, 3)", True),
        ("3x + 1 = 7", "x + 1 = 7", False),  # glued to a coefficient
        ("Evaluate 0 ÷ (-13).", "0 / (-13)", True),
        ("2. Evaluate |-8| + |3|.", "|-8| + |3|", True),
        ("|-8| + |3| + 1", "|-8| + |3|", False),  # part of a longer sum
    ],
)
def test_an_expression_is_held_whole(text: str, expression: str, held: bool) -> None:
    assert holds_expression(text, expression) is held
