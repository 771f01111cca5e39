"""withhold_concepts: withheld concepts vanish from training; their test rows are marked."""

from __future__ import annotations

import pytest

from ml.mastery.cold_start import withhold_concepts, withhold_items
from ml.mastery.data import attempts_to_frame, name_texts
from tests.unit.ml.test_tkt import simulated


class TestWithholdConcepts:
    def test_training_loses_the_concepts_and_stays_numbered(self) -> None:
        frame = attempts_to_frame(simulated(30))
        kept, mask, withheld = withhold_concepts(frame, frame, 0.25, seed=1)
        assert len(withheld) == 1
        assert not kept["concept"].isin(withheld).any()
        assert mask.sum() == frame["concept"].isin(withheld).sum()
        for _, group in kept.groupby("student"):
            numbers = sorted(set(group["attempt"]))
            assert numbers == list(range(len(numbers)))


class TestWithholdItems:
    def test_hidden_items_keep_their_attempts_but_not_their_names(self) -> None:
        frame = attempts_to_frame(simulated(30))
        hidden, mask, withheld = withhold_items(frame, frame, 0.25, seed=1)
        items = sorted(i for i in frame["item"].unique() if i)
        assert len(withheld) == round(0.25 * len(items))
        assert not hidden["item"].isin(withheld).any()
        assert hidden.drop(columns="item").equals(frame.drop(columns="item"))  # every attempt and answer stays
        assert mask.sum() == frame["item"].isin(withheld).sum() > 0

    def test_a_log_without_items_is_refused(self) -> None:
        frame = attempts_to_frame(simulated(5)).assign(item="")
        with pytest.raises(ValueError, match="name no items"):
            withhold_items(frame, frame, 0.3, seed=1)


class TestNameTexts:
    def test_words_are_texts_numbers_are_not(self) -> None:
        assert name_texts(["Box and Whisker", "19", ""]) == {"Box and Whisker": "Box and Whisker"}
