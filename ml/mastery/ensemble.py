"""Several PathwiseKT members trained from different seeds; a prediction averages their logits.

Seeds disagree most where data is thin (rare items, short histories), so averaging
networks is a cheap, steady gain; each member after the first also holds out its own
validation students, so together they learn from every training student. The first
member fine-tunes the text encoder; later members reuse it, frozen, so a model folder
holds one encoder and training pays for it once.

Folder layout: ``config.json`` names the members, each member in ``member-<i>/`` as
``PathwiseKT.save`` writes it (the encoder only in ``member-0``).
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ml.mastery.base import TrainingArguments
from ml.mastery.features import logit, sigmoid
from ml.mastery.protocol import split_by_student
from ml.mastery.table_inputs import TableInputs
from ml.mastery.tkt import PathwiseKT, TKTConfig

__all__ = ["PathwiseEnsemble", "is_ensemble", "load_mastery_model"]

log = logging.getLogger(__name__)

SEED_STRIDE = 1000  # member i trains with seed + i * SEED_STRIDE


class PathwiseEnsemble:
    """The served mastery model: ``members`` PathwiseKT networks, logits averaged."""

    def __init__(self, config: TKTConfig | None = None, members: int = 2) -> None:
        if members < 1:
            raise ValueError(f"an ensemble needs at least one member, got {members}")
        self.config = config or TKTConfig()
        self.n_members = members
        self.name = "pathwise" if self.config.use_text else "pathwise-id"
        self.members: list[PathwiseKT] = []
        # each member's validation students, whom it did not train on (the first's are also the others')
        self.holdouts: list[frozenset[str]] = []

    @property
    def history(self) -> list[dict[str, float]]:
        """Each member's epochs, tagged with the member's index."""
        return [{"member": i, **epoch} for i, m in enumerate(self.members) for epoch in m.history]

    def fit(self, train: pd.DataFrame, valid: pd.DataFrame | None, args: TrainingArguments) -> None:
        """Train the members one after another; a time budget is shared out evenly.

        A later member whose share is shorter than half the first member's first epoch
        (features included) is not trained: one stopped after a few batches would only pull
        the average towards chance. Where the first member's neighbour search outlasted its
        time (``PathwiseKT._with_peer_features``), the later ones do not search at all.
        """
        began = time.monotonic()
        self.members = []
        self.holdouts = []
        for i in range(self.n_members):
            budget = None
            if args.max_train_seconds is not None:
                left = args.max_train_seconds - (time.monotonic() - began)
                budget = max(0.0, left / (self.n_members - i))
            first = self.members[0] if self.members else None
            if first is not None and budget is not None and budget < first.first_epoch_seconds / 2:
                log.warning(
                    "%s: %d of %d members trained: %.0f s left for each further one, and one epoch took %.0f s",
                    args.label or self.name, i, self.n_members, budget, first.first_epoch_seconds,
                )  # fmt: skip
                break
            # later members reuse the first's encoder, and leave out the peer features if it had to
            config = (
                self.config
                if first is None
                else replace(self.config, encoder_epochs=0, peer_features=first.config.peer_features)
            )
            member = PathwiseKT(config, encoder=first.encoder if first is not None else None)
            seed = args.seed + i * SEED_STRIDE
            member_train, member_valid = train, valid
            if i > 0 and valid is not None and len(valid):
                # each later member holds out other validation students: it learns from some the
                # first member never saw, which makes the members disagree more usefully
                member_train, member_valid = split_by_student(
                    pd.concat([train, valid], ignore_index=True), len(valid) / (len(train) + len(valid)), seed
                )
            # named as the network's folder in the saved model and its TensorBoard run (from 0), with
            # its place in the count beside: "member 1/3" in the log was the folder member-0
            label = f"{args.label or self.name} member-{i} ({i + 1} of {self.n_members})"
            # each network its own TensorBoard run (one folder gave one curve stepping 0,1,2,0,1,2)
            logs = args.log_dir / f"member-{i}" if args.log_dir is not None else None
            member.fit(
                member_train,
                member_valid,
                replace(args, seed=seed, max_train_seconds=budget, label=label, log_dir=logs),
            )
            self.members.append(member)
            self.holdouts.append(frozenset(member_valid["student"]) if member_valid is not None else frozenset())

    def logits(self, frame: pd.DataFrame) -> np.ndarray:
        """The members' mean logit for every row (what they read alike is computed once)."""
        inputs = TableInputs(frame)
        return np.asarray(np.mean([logit(member.predict(frame, inputs)) for member in self.members], axis=0))

    def held_out_logits(self, frame: pd.DataFrame) -> np.ndarray:
        """Each row's mean logit over the members that did not train on its student.

        The first member's validation students are in every later member's training data
        but that member's own holdout: scored by the whole ensemble they were partly
        training students, and the validation AUC was optimistic. Every row of the first
        member's validation students has that member at least.
        """
        inputs = TableInputs(frame)
        students = frame["student"].to_numpy()
        total = np.zeros(len(frame))
        count = np.zeros(len(frame))
        for i, (member, holdout) in enumerate(zip(self.members, self.holdouts, strict=True)):
            unseen = np.ones(len(frame), dtype=bool) if i == 0 else np.isin(students, list(holdout))
            if unseen.any():
                total[unseen] += logit(member.predict(frame, inputs))[unseen]
                count[unseen] += 1
        return np.asarray(total / np.maximum(count, 1))

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        """One-step-ahead probabilities for every row of a canonical table."""
        return sigmoid(self.logits(frame))

    def save(self, folder: Path) -> None:
        """``config.json`` plus one folder per member (the shared encoder saved once)."""
        folder.mkdir(parents=True, exist_ok=True)
        for i, member in enumerate(self.members):
            member.save(folder / f"member-{i}", with_encoder=i == 0)
        config: dict[str, Any] = {
            "model": self.name,
            "ensemble": len(self.members),
            "config": asdict(self.config),
            "members": [f"member-{i}" for i in range(len(self.members))],
        }
        (folder / "config.json").write_text(json.dumps(config, indent=1))

    @classmethod
    def load(cls, folder: Path) -> PathwiseEnsemble:
        """Load a saved ensemble; members find the shared encoder in ``member-0``."""
        config = json.loads((folder / "config.json").read_text())
        model = cls(TKTConfig(**config["config"]), members=int(config["ensemble"]))
        model.members = [PathwiseKT.load(folder / name) for name in config["members"]]
        shared = folder / config["members"][0] / "encoder"
        for member in model.members[1:]:
            if shared.exists():
                member._encoder_folder = shared
        return model


def is_ensemble(folder: Path) -> bool:
    """Whether the model folder holds an ensemble (else a single PathwiseKT)."""
    return "ensemble" in json.loads((folder / "config.json").read_text())


def load_mastery_model(folder: Path) -> PathwiseKT | PathwiseEnsemble:
    """The model saved in ``folder``, single or ensemble."""
    return PathwiseEnsemble.load(folder) if is_ensemble(folder) else PathwiseKT.load(folder)
