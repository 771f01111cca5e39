"""Chunking, BM25, fusion and metrics: the pieces retrieval is built from."""

from __future__ import annotations

import doctest
import importlib

import numpy as np
import pytest

from ml.qa.bm25 import BM25Index, tokenize
from ml.qa.chunking import chunk_text, split_sentences
from ml.qa.fusion import fuse, standardize, top_k

MODULES = [
    "ml.qa.bm25",
    "ml.qa.chunking",
    "ml.qa.evaluate",
    "ml.qa.fusion",
    "ml.qa.metrics",
    "ml.qa.pairs",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0


class TestChunkText:
    text = " ".join(f"Sentence number {i} has a few words in it." for i in range(30))

    def test_every_sentence_is_kept_in_order(self) -> None:
        chunks = chunk_text(self.text, max_words=25, overlap=1)
        seen = list(dict.fromkeys(s for chunk in chunks for s in chunk))
        assert seen == split_sentences(self.text)

    def test_chunks_respect_the_size_and_overlap(self) -> None:
        chunks = chunk_text(self.text, max_words=25, overlap=1)
        assert all(sum(len(s.split()) for s in c) <= 25 for c in chunks)
        assert all(a[-1] == b[0] for a, b in zip(chunks, chunks[1:], strict=False))

    def test_a_long_sentence_is_cut_into_windows(self) -> None:
        chunks = chunk_text(" ".join(["word"] * 200) + ".", max_words=50)
        assert len(chunks) > 1
        assert all(len(" ".join(c).split()) <= 50 for c in chunks)


class TestSentencesInOtherScripts:
    # Only an ASCII capital opened a sentence: a Spanish answer came back as the whole material.
    def test_a_capital_or_opening_mark_of_any_script_starts_one(self) -> None:
        text = "Los agudos miden menos de 90 grados. Él recto mide 90. ¿Por qué importa? Ésta es la razón."
        assert split_sentences(text) == [
            "Los agudos miden menos de 90 grados.",
            "Él recto mide 90.",
            "¿Por qué importa?",
            "Ésta es la razón.",
        ]

    def test_chinese_and_devanagari_full_stops_end_one_without_a_space(self) -> None:
        assert split_sentences("二次方程有两个根。判别式决定根的个数！") == [
            "二次方程有两个根。",
            "判别式决定根的个数！",
        ]
        assert split_sentences("यह पहला वाक्य है। यह दूसरा है।") == ["यह पहला वाक्य है।", "यह दूसरा है।"]

    def test_lower_case_after_a_full_stop_and_closing_quotes(self) -> None:
        assert split_sentences('Use approx. values at 3 p.m. today. He said "Stop." Then he left.') == [
            "Use approx. values at 3 p.m. today.",
            'He said "Stop."',
            "Then he left.",
        ]


class TestBM25Index:
    docs = ["the slope of a line", "solving quadratic equations by factoring", "the slope is rise over run"]

    def test_scores_rank_matching_documents_first(self) -> None:
        index = BM25Index()
        for row, doc in enumerate(self.docs):
            index.add(row, tokenize(doc))
        scores = index.scores(tokenize("slope of a line"), 3)
        assert scores.argmax() == 0
        assert scores[1] == 0.0

    def test_removing_and_adding_equals_building_fresh(self) -> None:
        index = BM25Index()
        for row, doc in enumerate(self.docs):
            index.add(row, tokenize(doc))
        index.remove(1)
        index.add(1, tokenize("factoring trinomials"))
        fresh = BM25Index()
        for row, doc in enumerate([self.docs[0], "factoring trinomials", self.docs[2]]):
            fresh.add(row, tokenize(doc))
        for query in ("slope", "factoring", "quadratic"):
            assert np.allclose(index.scores(tokenize(query), 3), fresh.scores(tokenize(query), 3))

    def test_removed_rows_score_zero(self) -> None:
        index = BM25Index()
        index.add(0, tokenize("slope"))
        index.remove(0)
        assert index.scores(tokenize("slope"), 1).tolist() == [0.0]
        assert len(index) == 0


class TestFusion:
    def test_masked_rows_do_not_shift_the_statistics(self) -> None:
        scores = np.array([1.0, 2.0, 3.0, 1000.0])
        mask = np.array([True, True, True, False])
        assert np.allclose(standardize(scores, mask)[:3], [-1.2247, 0.0, 1.2247], atol=1e-4)

    def test_fuse_and_top_k_skip_masked_rows(self) -> None:
        lexical, dense = np.array([5.0, 1.0, 0.0]), np.array([0.9, 0.2, 0.1])
        mask = np.array([False, True, True])
        assert top_k(fuse(lexical, dense, mask=mask), 5, mask).tolist() == [1, 2]
