"""withhold_concepts: withheld concepts vanish from training; their test rows are marked."""

from __future__ import annotations

from ml.mastery.cold_start import withhold_concepts
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


class TestNameTexts:
    def test_words_are_texts_numbers_are_not(self) -> None:
        assert name_texts(["Box and Whisker", "19", ""]) == {"Box and Whisker": "Box and Whisker"}
