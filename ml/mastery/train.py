"""Offline training of the mastery model into a model folder (never imported by the server)."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from ml.mastery.base import TrainingArguments
from ml.mastery.ensemble import PathwiseEnsemble
from ml.mastery.features import sigmoid
from ml.mastery.metrics import evaluate_predictions, json_safe
from ml.mastery.protocol import scored_mask, split_by_student
from ml.mastery.tkt import PathwiseKT, TKTConfig
from ml.mastery.versions import check_new_folder, staged

__all__ = ["train_mastery"]


def data_summary(frame: pd.DataFrame, source: str) -> dict[str, Any]:
    """What a model saw: sizes and where it came from."""
    return {
        "source": source,
        "rows": len(frame),
        "attempts": int(frame.drop_duplicates(["student", "attempt"]).shape[0]),
        "students": int(frame["student"].nunique()),
        "concepts": int(frame["concept"].nunique()),
        "items": int(frame["item"].replace("", pd.NA).nunique()),
        "p_correct": float(frame["correct"].mean()) if len(frame) else 0.0,
    }


def train_mastery(
    frame: pd.DataFrame,
    folder: Path,
    *,
    args: TrainingArguments,
    config: TKTConfig | None = None,
    source: str = "",
    texts: Mapping[str, str] | None = None,
    item_texts: Mapping[str, str] | None = None,
    members: int = 3,
    training: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Split off validation students, train with early stopping, save, return metrics.

    ``members`` > 1 trains an ensemble (``ml.mastery.ensemble``). The folder gets the
    weights and config (``PathwiseKT.save``), ``metrics.json``
    (validation metrics, epochs, seconds) and ``data.json`` (what it was trained on),
    all written into a staging folder renamed into place at the end.

    Raises:
        FileExistsError: ``folder`` exists and is not empty (checked before training).
    """
    check_new_folder(folder)  # before training, not after minutes of it
    fit_part, valid = split_by_student(frame, args.valid_fraction, args.seed)
    model: PathwiseKT | PathwiseEnsemble = PathwiseKT(config) if members == 1 else PathwiseEnsemble(config, members)
    run_args = replace(args, texts=dict(texts or args.texts), item_texts=dict(item_texts or args.item_texts))
    began = time.monotonic()
    model.fit(fit_part, valid if len(valid) else None, run_args)
    seconds = time.monotonic() - began
    metrics: dict[str, Any] = {"model": model.name, "train_seconds": seconds, "epochs": model.history}
    if training is not None:  # what the run was asked for (seed, budget...), so it can be run again
        metrics["training"] = dict(training)
    # what it trained: a budget can end an ensemble early ("1 of 3 members trained"), where "members" said 3
    metrics["members_trained"] = len(model.members) if isinstance(model, PathwiseEnsemble) else 1
    if len(valid):
        mask = scored_mask(valid)
        held_out = (
            sigmoid(model.held_out_logits(valid)) if isinstance(model, PathwiseEnsemble) else model.predict(valid)
        )
        metrics["valid"] = evaluate_predictions(valid["correct"].to_numpy()[mask], held_out[mask])
    with staged(folder) as staging:  # the version appears whole or not at all
        model.save(staging)
        (staging / "metrics.json").write_text(json.dumps(json_safe(metrics), indent=1))
        (staging / "data.json").write_text(json.dumps(data_summary(frame, source), indent=1))
    return metrics
