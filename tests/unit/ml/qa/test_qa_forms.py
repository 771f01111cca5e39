"""An expression's form: the kind of problem it poses, matched in a material's rules and worked examples."""

from __future__ import annotations

import pytest

from graph.model import Material, MaterialType
from ml.qa.chunking import Chunk
from ml.qa.forms import GENERAL, LOOSE, RENAMED, STRICT, form_first, form_level, form_of
from ml.qa.index import Hit


class TestFormOf:
    def test_a_letter_in_a_coefficients_place_stands_for_a_number(self) -> None:
        # y = mx + b is the rule y = 2x + 3 follows; read letter for letter they had nothing in common
        assert form_of("y = mx + b") == form_of("y = 2x + 3")
        assert form_of("x^2 + bx + c") == form_of("x^2 + 5x + 6")

    def test_a_letter_in_an_exponent_stands_for_a_number(self) -> None:
        assert form_of("a^(-n)") == form_of("a^(-2)")

    def test_unknowns_of_their_own_stay_letters(self) -> None:
        area, line = form_of("P = 2l + 2w"), form_of("y = 2x + 3")
        assert area is not None
        assert line is not None
        assert area.strict != line.strict

    @pytest.mark.parametrize("expression", ["x^2", "3^4", "(1, 2)", "2x"])
    def test_one_operation_has_no_form(self, expression: str) -> None:
        assert form_of(expression) is None


class TestFormLevel:
    @pytest.mark.parametrize(
        ("question", "text", "level"),
        [
            ("y = 2x + 3", "y = mx + b", STRICT),
            ("2^(-3)", "2^(-3) = 1/8", STRICT),  # a side of an equation
            ("x^3 * x^4", "a^m · a^n = a^(m+n)", RENAMED),
            ("(x+y)^2", "(a + b)^2 = a^2 + 2ab + b^2", RENAMED),
            ("x^2 - x - 6", "x^2 - 11x + 28 = (x - 4)(x - 7)", LOOSE),
            ("x^2 - x - 6", "6x^2 - 7x - 5", LOOSE),
            ("(x - 5)^2", "(a - b)^2 = a^2 - 2ab + b^2", GENERAL),
            ("x^2 - x - 6", "12x^3 + 18x^2 = 6x^2(2x + 3)", 0),
            ("x^2 - 49", "x^2 - 11x + 28", 0),
        ],
    )
    def test_how_closely_an_expression_holds_the_questions_form(self, question: str, text: str, level: int) -> None:
        assert form_level(question, text) == level


def _hit(material_id: str, score: float, *sentences: str) -> Hit:
    return Hit(Chunk(material_id, 0, material_id, sentences), 0, score, 0.0, 0.0)


class TestFormFirst:
    known = {
        "gcf": Material("gcf", "Factoring out the GCF", MaterialType.EXPLANATION),
        "trinomial": Material("trinomial", "Factoring a trinomial", MaterialType.EXAMPLE),
        "practice": Material("practice", "Practice", MaterialType.EXERCISE),
    }

    def test_the_explanation_holding_the_form_comes_first_when_it_scores_nearly_as_well(self) -> None:
        # "How do I factor x^2 - x - 6?" was answered from the common factor's explanation ("factor" weighed most)
        hits = [
            _hit("gcf", 2.77, "Factor out a negative GCF: -4x^2 + 8x = -4x(x - 2)."),
            _hit("trinomial", 2.65, "Problem: Factor x^2 - 11x + 28."),
        ]
        assert [h.chunk.material for h in form_first(hits, ["x^2 - x - 6"], self.known)] == ["trinomial", "gcf"]

    def test_a_hit_well_behind_or_an_exercise_keeps_its_place(self) -> None:
        behind = [_hit("gcf", 3.0, "Take out 6x^2."), _hit("trinomial", 1.5, "Problem: Factor x^2 - 11x + 28.")]
        exercise = [_hit("gcf", 3.0, "Take out 6x^2."), _hit("practice", 2.9, "1. x^2 + 5x - 36")]
        assert form_first(behind, ["x^2 - x - 6"], self.known) == behind
        assert form_first(exercise, ["x^2 - x - 6"], self.known) == exercise

    def test_a_general_likeness_alone_moves_nothing(self) -> None:
        hits = [_hit("gcf", 3.0, "Expand it."), _hit("trinomial", 2.9, "(a - b)^2 = a^2 - 2ab + b^2")]
        assert form_first(hits, ["(x - 5)^2"], self.known) == hits
