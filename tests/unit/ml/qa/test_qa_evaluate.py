"""Evaluation on a tiny corpus, the data set readers, and training pairs from the curriculum."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from qa_fakes import HashEncoder

from demo.load import CURRICULUM_DIR
from ingest.csv_layout import read_curriculum_csv
from ml.qa.datasets import QaDataset, Question, load_openstax, load_pairs_file, load_sciq
from ml.qa.evaluate import choose_option, evaluate_dataset, kfold, option_match
from ml.qa.pairs import curriculum_pairs, split_pairs
from tests.conftest import DATA

SCIQ_ROWS = [
    {"question": "What do plants make from light?", "correct_answer": "sugar", "distractor1": "rocks",
     "distractor2": "salt", "distractor3": "iron", "support": "Plants make sugar from light by photosynthesis."},
    {"question": "What pulls objects toward Earth?", "correct_answer": "gravity", "distractor1": "magnetism",
     "distractor2": "friction", "distractor3": "light", "support": "Gravity pulls objects toward the Earth."},
    {"question": "Who proposed evolution?", "correct_answer": "darwin", "distractor1": "newton",
     "distractor2": "bohr", "distractor3": "curie", "support": ""},
]  # fmt: skip


@pytest.fixture
def sciq(tmp_path: Path) -> QaDataset:
    path = tmp_path / "valid.json"
    path.write_text(json.dumps(SCIQ_ROWS))
    return load_sciq(path)


class TestLoadSciq:
    def test_supports_are_the_corpus_and_options_keep_the_answer(self, sciq: QaDataset) -> None:
        assert len(sciq.passages) == 2
        assert len(sciq.questions) == 3
        assert len(sciq.answerable) == 2
        for row, question in zip(SCIQ_ROWS, sciq.questions, strict=True):
            assert question.answer is not None
            assert question.options[question.answer] == row["correct_answer"]


class TestEvaluateDataset:
    def test_rows_for_every_ranking_and_query(self, sciq: QaDataset) -> None:
        encoder = HashEncoder()
        report = evaluate_dataset(sciq, {"hash": encoder}, reader=encoder)
        rankings = {(r["ranking"], r["query"]) for r in report.rows}
        assert ("bm25", "question") in rankings
        assert ("fused", "question+options") in rankings
        assert all(r["recall@1"] == 1.0 for r in report.rows if r["ranking"] == "bm25")
        assert {m["ranking"] for m in report.multiple_choice} == {"bm25", "dense", "fused"}
        assert all(m["accuracy"] == 1.0 for m in report.multiple_choice)

    def test_cross_fitted_encoders_score_their_own_folds(self, sciq: QaDataset) -> None:
        folds = [(members, HashEncoder(name=f"fold{i}")) for i, members in enumerate(kfold(2, 2))]
        report = evaluate_dataset(sciq, {}, folds={"tuned": folds})
        assert {r["encoder"] for r in report.rows} == {"-", "tuned"}


class TestChooseOption:
    def test_the_option_that_makes_the_questions_passage_match_wins(self) -> None:
        # Passage 0 is the question's; option 1 raises its match, option 0 only another passage's.
        lexical = np.array([[1.0, 9.0], [5.0, 0.0], [1.0, 0.0]])
        dense = np.array([[0.3, 0.9], [0.6, 0.1], [0.3, 0.1]])
        match = option_match(lexical, dense, top=np.array([0]))
        assert match.argmax() == 1
        no_reader_signal = np.zeros(3)
        assert choose_option(no_reader_signal, no_reader_signal, match) == 1

    def test_a_clear_reader_signal_can_outweigh_a_weak_match(self) -> None:
        match = np.array([0.1, 0.0, -0.1])
        support = np.array([0.0, 1.0, 0.0])
        assert choose_option(support, np.zeros(3), match) == 1
        assert choose_option(support, np.zeros(3)) == 1


class TestPairs:
    def test_curriculum_pairs_cover_exercises_labels_and_definitions(self) -> None:
        bundle = read_curriculum_csv(CURRICULUM_DIR)
        pairs = curriculum_pairs(bundle.concepts, bundle.materials)
        assert {p.source for p in pairs} == {"exercise", "label", "definition"}
        train, test = split_pairs(pairs, 0.2)
        assert not {p.question for p in train} & {p.question for p in test}
        assert len(train) + len(test) == len(pairs)

    def test_pair_files_in_json_and_json_lines(self, tmp_path: Path) -> None:
        (tmp_path / "a.json").write_text(json.dumps([{"question": "q", "passage": "p"}]))
        (tmp_path / "b.jsonl").write_text('{"question": "q2", "answer": "a2"}\n')
        assert load_pairs_file(tmp_path / "a.json") == [("q", "p")]
        assert load_pairs_file(tmp_path / "b.jsonl") == [("q2", "a2")]
        (tmp_path / "c.json").write_text(json.dumps([{"question": "q"}]))
        with pytest.raises(ValueError, match="row 1"):
            load_pairs_file(tmp_path / "c.json")


@pytest.mark.skipif(not (DATA / "kg" / "openstax").exists(), reason="shared OpenStax data not present")
class TestLoadOpenstax:
    def test_sections_without_their_exercises(self) -> None:
        data = load_openstax(DATA / "kg" / "openstax")
        assert len(data.passages) > 150
        assert len(data.questions) > 5000
        question: Question = data.questions[0]
        assert question.gold[0] in data.passages
        assert question.text not in data.passages[question.gold[0]]


class TestADatasetOfAnotherLayout:
    """A file or folder of another layout is one refusal naming it (a traceback, and nothing on stdout with --json)."""

    def test_evaluate_says_what_the_file_is_not(self, tmp_path: Path) -> None:
        from click.testing import CliRunner

        from cli.main import main

        csv = tmp_path / "log.csv"
        csv.write_text("a,b\n1,2\n")
        other = tmp_path / "x.json"
        other.write_text('{"foo": 1}')
        (tmp_path / "empty").mkdir()
        for args in (
            [str(csv), "--dataset", "sciq"],
            [str(other), "--dataset", "sciq"],
            [str(tmp_path / "empty"), "--dataset", "openstax"],
        ):
            result = CliRunner().invoke(main, ["evaluate", "qa", *args, "--json"])
            error = json.loads(result.stdout)["error"]
            assert (result.exit_code, error["code"]) == (1, "INVALID"), args
            assert "not a SciQ split" in error["message"] or "no OpenStax book" in error["message"]
        refused = CliRunner().invoke(main, ["evaluate", "qa", str(csv), "--dataset", "sciq", "--folds", "-1"])
        assert refused.exit_code == 2

    def test_a_pairs_file_that_is_not_json_is_named(self, tmp_path: Path) -> None:
        bad = tmp_path / "pairs.jsonl"
        bad.write_text("question,passage\n")
        with pytest.raises(ValueError, match="not JSON or JSON Lines of question and passage pairs"):
            load_pairs_file(bad)
