"""Answers: evidence sentences, concepts, weak prerequisites, suggestions; declining; the generator hook."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import pytest
from qa_fakes import DictLookup, HashEncoder

from graph.model import Material, MaterialType
from ml.qa.answer import AnswerOptions, answer_question
from ml.qa.index import QaIndex
from ml.qa.serving import QaService

MATERIALS = {
    m.id: m
    for m in [
        Material(
            "m_factor",
            "Solving quadratics by factoring",
            MaterialType.EXPLANATION,
            text="Move every term to one side. Factor the quadratic and set each factor equal to zero. "
            "Each solution of the quadratic equation makes one factor zero.",
            teaches=("factoring",),
        ),
        Material(
            "m_zero",
            "Zero-product property",
            MaterialType.EXPLANATION,
            text="If a product equals zero, then at least one factor is zero.",
            teaches=("zero_product",),
        ),
        Material(
            "m_zero_ex", "Zero drill", MaterialType.EXERCISE, text="Solve (x-1)(x+2)=0.", assesses=("zero_product",)
        ),
    ]
}
LOOKUP = DictLookup(
    MATERIALS,
    prerequisites={"factoring": ["zero_product", "multiplication"]},
    mastery={"s1": {"zero_product": 0.2, "multiplication": 0.9}},
)


@pytest.fixture
def index() -> QaIndex:
    built = QaIndex(HashEncoder())
    built.upsert(list(MATERIALS.values()))
    return built


class TestAnswerQuestion:
    def test_answers_from_the_best_evidence(self, index: QaIndex) -> None:
        answer = answer_question(index, "How do I solve a quadratic equation by factoring?", LOOKUP, student="s1")
        assert answer.answered
        assert answer.evidence[0].material == "m_factor"
        assert answer.text is not None
        assert "factor" in answer.text
        assert all(s in " ".join(e.text for e in answer.evidence) for s in answer.text.split(". ")[:1])
        assert answer.concepts[0] == "factoring"
        assert 0.0 <= answer.confidence <= 1.0

    def test_weak_prerequisites_come_from_the_student_mastery(self, index: QaIndex) -> None:
        answer = answer_question(index, "How do I solve a quadratic equation by factoring?", LOOKUP, student="s1")
        weak = [(w.concept, w.probability) for w in answer.weak_prerequisites]
        assert ("zero_product", 0.2) in weak
        assert all(c != "multiplication" for c, _ in weak)
        assert "m_zero" in answer.suggested_materials

    def test_no_student_no_weak_prerequisites(self, index: QaIndex) -> None:
        answer = answer_question(index, "How do I solve a quadratic equation by factoring?", LOOKUP)
        assert answer.weak_prerequisites == ()

    def test_declines_below_the_threshold_and_suggests_where_to_look(self, index: QaIndex) -> None:
        answer = answer_question(
            index, "Why does a quadratic equation factor?", LOOKUP, options=AnswerOptions(min_confidence=1.01)
        )
        assert (answer.answered, answer.text, answer.notice) == (False, None, "LOW_CONFIDENCE")
        assert answer.message.startswith("I don't know")
        assert answer.suggested_materials

    def test_a_question_about_something_else_is_off_topic_and_suggests_nothing(self, index: QaIndex) -> None:
        # The closest materials were suggested for the Mona Lisa: a student took algebra for the answer.
        answer = answer_question(index, "Who painted the Mona Lisa?", LOOKUP)
        assert (answer.answered, answer.text, answer.notice) == (False, None, "OFF_TOPIC")
        assert '"painted", "Mona" or "Lisa"' in answer.message
        assert (answer.suggested_materials, answer.weak_prerequisites, answer.concepts) == ((), (), ())

    def test_declines_a_question_with_no_word_it_can_read(self, index: QaIndex) -> None:
        # The English-trained encoder rated an Arabic question about France 0.5 against an
        # Arabic algebra text: with no word to match, even a perfect similarity answers nothing.
        for question in ("ما هي عاصمة فرنسا؟", "फ्रांस की राजधानी क्या है?"):
            answer = answer_question(index, question, LOOKUP, options=AnswerOptions(min_confidence=0))
            assert not answer.answered
            assert (answer.text, answer.confidence) == (None, 0.0)
            assert "Latin alphabet" in answer.message
            # nowhere to look either: similarity alone picked them (a Russian question got three unrelated ones)
            assert (answer.suggested_materials, answer.concepts, answer.evidence) == ((), (), ())

    def test_never_answers_without_evidence(self) -> None:
        answer = answer_question(
            QaIndex(HashEncoder()), "What is a factor?", LOOKUP, options=AnswerOptions(min_confidence=0)
        )
        assert not answer.answered
        assert answer.evidence == ()


class _Generated:
    def __init__(self, text: str) -> None:
        self.text = text


class Echo:
    def __init__(self) -> None:
        self.seen: list[Sequence[str]] = []

    def generate(self, question: str, evidence: Sequence[str]) -> _Generated:
        self.seen.append(evidence)
        return _Generated(f"From {len(evidence)} passages.")


class Broken:
    def generate(self, question: str, evidence: Sequence[str]) -> str:
        raise RuntimeError("endpoint down")


class TestGenerator:
    def test_generator_sees_only_the_evidence(self, index: QaIndex) -> None:
        echo = Echo()
        answer = answer_question(index, "How do I solve a quadratic by factoring?", LOOKUP, generator=echo)
        assert answer.generated == f"From {len(answer.evidence)} passages."
        assert list(echo.seen[0]) == [e.text for e in answer.evidence]

    def test_a_failing_generator_leaves_the_extractive_answer(self, index: QaIndex) -> None:
        answer = answer_question(index, "How do I solve a quadratic by factoring?", LOOKUP, generator=Broken())
        assert answer.answered
        assert answer.text
        assert answer.generated is None

    def test_no_generator_for_an_unanswered_question(self, index: QaIndex) -> None:
        echo = Echo()
        answer_question(index, "Who painted the Mona Lisa?", LOOKUP, generator=echo)
        assert echo.seen == []


class TestQaService:
    def test_changes_during_the_first_sync_are_applied_after_it(self) -> None:
        release = threading.Event()
        service = QaService(QaIndex(HashEncoder()))
        current = dict(MATERIALS)

        def load() -> list[Material]:
            snapshot = list(current.values())
            release.wait(5)
            return snapshot

        def fetch(ids: Sequence[str]) -> list[Material | None]:
            return [current.get(i) for i in ids]

        thread = service.start_sync(load, fetch)
        del current["m_zero"]  # deleted while the sync holds an older list
        service.materials_changed(["m_zero"], fetch)
        release.set()
        thread.join(5)
        assert service.ready.is_set()
        assert service.index.material_ids == {"m_factor", "m_zero_ex"}

    def test_a_question_while_an_empty_index_is_built_is_told_so(self) -> None:
        # During an 81 s first build, ask took 7 s and said "I don't know" (confidence 0) without a word of why.
        from graph.errors import Unavailable

        release = threading.Event()

        class Halting(HashEncoder):
            def encode(self, texts, *, batch_size=32, progress=None):  # type: ignore[no-untyped-def]
                if progress is not None:
                    progress(0, len(texts))
                release.wait(5)
                return super().encode(texts, batch_size=batch_size, progress=progress)

        service = QaService(QaIndex(Halting()))
        thread = service.start_sync(lambda: list(MATERIALS.values()), lambda ids: [MATERIALS.get(i) for i in ids])
        for _ in range(100):
            if service.building is not None and service.building[1]:
                break
            threading.Event().wait(0.01)
        with pytest.raises(Unavailable, match=r"being built \(0 of \d+ passages embedded\)"):
            service.ask("How do I solve a quadratic equation by factoring?", LOOKUP)
        release.set()
        thread.join(5)
        assert service.ask("How do I solve a quadratic equation by factoring?", LOOKUP).answered

    def test_after_the_sync_changes_apply_at_once(self) -> None:
        service = QaService(QaIndex(HashEncoder()))
        service.sync(list(MATERIALS.values()))
        service.materials_changed(["m_factor"], lambda ids: [None for _ in ids])
        assert "m_factor" not in service.index.material_ids

    def test_close_runs_the_hooks(self) -> None:
        service = QaService(QaIndex(HashEncoder()))
        closed: list[bool] = []
        service.on_close(lambda: closed.append(True))
        service.close()
        assert closed == [True]


TERSE = {
    m.id: m
    for m in [
        Material(
            "m_kprop_read",
            "The constant of proportionality",
            MaterialType.READING,
            text="Two quantities x and y are proportional when y = kx for a fixed number k, the constant of "
            "proportionality. Find k by dividing: k = y/x. If 4 notebooks cost $10, k = 10/4 = 2.5 dollars per "
            "notebook, and y = 2.5x.",
            teaches=("kprop",),
        ),
        Material(
            "m_kprop_ex",
            "Practice: constant of proportionality",
            MaterialType.EXERCISE,
            text="1. y is proportional to x and y = 18 when x = 6. What is k?\nAnswers:\n1. k = 3",
            assesses=("kprop",),
        ),
    ]
}


def test_a_terse_answer_key_matched_by_its_title_alone_is_no_answer() -> None:
    # A district's exercises key their items tersely, as OpenStax's solutions do: the key's chunk,
    # short and titled as the question, outranked the reading, and "What is the constant of
    # proportionality?" was answered "Answers:\n1. k = 3" (another problem's answer), at confidence 1.0.
    index = QaIndex(HashEncoder())
    index.upsert(list(TERSE.values()))
    answer = answer_question(index, "What is the constant of proportionality?", DictLookup(TERSE))
    assert answer.answered
    assert answer.evidence[0].material == "m_kprop_read"
    assert answer.text is not None
    assert "the constant of proportionality" in answer.text
    assert "k = 3" not in answer.text
