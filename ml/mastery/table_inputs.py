"""What every network of an ensemble reads alike from one attempt table, computed once.

The members differ in their item statistics and cohort tables, so their row features
differ, but the counted history features (all but the residuals, which follow each
member's item difficulties) and the students' cohort keys do not. An ensemble's batch
prediction builds these once per table instead of once per member.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd

from ml.mastery.cohort import prefix_keys
from ml.mastery.features import history_features

__all__ = ["TableInputs"]


class TableInputs:
    """Lazily computed, member-independent inputs of one canonical attempt table."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame

    @cached_property
    def history(self) -> np.ndarray:
        """``history_features(frame)``: the residual columns are left to each member."""
        return history_features(self.frame)

    @cached_property
    def cohort_keys(self) -> list[np.ndarray]:
        """``prefix_keys(frame)``: each row's cohort keys, one array per depth."""
        return prefix_keys(self.frame)
