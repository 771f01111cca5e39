"""The evaluation harness: same split, same scoring, for every registered mastery model.

For each model: a validation set is split off ``train`` by student
(``args.valid_fraction``), the model is fitted and timed, then predicts the whole test
frame one step ahead, and metrics are pooled over the scored rows (every row but each
student's first attempt), as ``ml.mastery.protocol`` describes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from ml.mastery.base import MasteryModel, TrainingArguments
from ml.mastery.metrics import evaluate_predictions
from ml.mastery.protocol import scored_mask, split_by_student
from ml.mastery.registry import MODELS

__all__ = ["RESULT_KEYS", "run_evaluation"]

log = logging.getLogger(__name__)

RESULT_KEYS = ("model", "auc", "accuracy", "rmse", "log_loss", "ece", "train_seconds", "n_scored")


def run_evaluation(
    model_names: Iterable[str],
    train: pd.DataFrame,
    test: pd.DataFrame,
    args: TrainingArguments,
    models: dict[str, Callable[[], MasteryModel]] | None = None,
    only: np.ndarray | None = None,
    on_result: Callable[[dict[str, float | str]], None] | None = None,
) -> list[dict[str, float | str]]:
    """Fit and score each named model; one result row per model, keys ``RESULT_KEYS``.

    ``models`` defaults to the registry; tests pass their own factories. ``only``
    restricts scoring to a subset of the test rows (the cold-start protocol).
    ``on_result`` gets each row as soon as its model is scored: a run of many models
    takes an hour, and what is done must not wait for (or be lost with) the rest. A model
    that raises gets the row ``{"model", "error"}`` and the others still run.
    """
    registry = MODELS if models is None else models
    names = list(model_names)
    unknown = [name for name in names if name not in registry]
    if unknown:
        raise KeyError(f"unknown mastery models {unknown}; known: {sorted(registry)}")
    fit_part, valid = split_by_student(train, args.valid_fraction, args.seed)
    mask = scored_mask(test) if only is None else scored_mask(test) & only
    labels = test["correct"].to_numpy(dtype=np.float64)[mask]
    results: list[dict[str, float | str]] = []
    for name in names:
        try:
            row = _scored(name, registry[name], fit_part, valid, test, args, mask, labels)
        except Exception as error:  # reported in the row and the log; the other models go on
            log.exception("%s failed", name)
            row = {"model": name, "error": f"{type(error).__name__}: {error}"}
        results.append(row)
        if on_result is not None:
            on_result(row)
    return results


def _scored(
    name: str,
    factory: Callable[[], MasteryModel],
    fit_part: pd.DataFrame,
    valid: pd.DataFrame,
    test: pd.DataFrame,
    args: TrainingArguments,
    mask: np.ndarray,
    labels: np.ndarray,
) -> dict[str, float | str]:
    """One model fitted, timed and scored."""
    model = factory()
    started = time.perf_counter()
    model.fit(fit_part, valid if len(valid) else None, args)
    seconds = time.perf_counter() - started
    scores = evaluate_predictions(labels, np.asarray(model.predict(test), dtype=np.float64)[mask])
    row: dict[str, float | str] = {"model": name}
    row.update({key: scores[key] for key in ("auc", "accuracy", "rmse", "log_loss", "ece")})
    row["train_seconds"] = seconds
    row["n_scored"] = int(scores["n"])
    log.info("%s: %s", name, row)
    return row
