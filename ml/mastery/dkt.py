"""Training and one-step-ahead prediction of Deep Knowledge Tracing (``dkt_model.DKTNet``).

A timestep is an *attempt*, not a row: the rows of a multi-skill attempt are slots of
one step, their (concept, score) embeddings are summed into the input of the *next*
step, and each row is read at its own concept from the output of its own step, which
has seen only earlier attempts. Students are batched by similar length and padded; long
histories are trained by truncated backpropagation through time (windows of
``window`` attempts with the LSTM state carried over, detached). Training stops early on
validation AUC. Predictions always run the whole history with the state carried.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch

from ml.mastery.base import TrainingArguments
from ml.mastery.dkt_model import DKTNet
from ml.mastery.metrics import auc
from ml.mastery.protocol import build_vocab, encode, scored_mask

__all__ = ["DKT"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Attempts:
    """Rows regrouped as attempts x slots; the last attempt row (index ``n``) is padding."""

    concept: np.ndarray  # (attempts + 1, slots) int64, 0 = empty slot / unknown concept
    correct: np.ndarray  # (attempts + 1, slots) float32
    real: np.ndarray  # (attempts + 1, slots) bool: a row of the frame sits here
    first: np.ndarray  # per student: index of the first attempt
    length: np.ndarray  # per student: number of attempts
    row_attempt: np.ndarray  # per row: its attempt
    row_slot: np.ndarray  # per row: its slot


def _attempts(frame: pd.DataFrame, concepts: dict[str, int]) -> _Attempts:
    enc = encode(frame, concepts)
    n = len(enc.step)
    new = np.ones(n, dtype=bool)
    new[1:] = enc.first[1:] | (enc.step[1:] != enc.step[:-1])
    row_attempt = np.cumsum(new) - 1
    starts = np.flatnonzero(new)
    row_slot = np.arange(n) - starts[row_attempt]
    total, slots = len(starts), int(row_slot.max()) + 1 if n else 1
    concept = np.zeros((total + 1, slots), dtype=np.int64)
    correct = np.zeros((total + 1, slots), dtype=np.float32)
    real = np.zeros((total + 1, slots), dtype=bool)
    concept[row_attempt, row_slot] = enc.concept
    correct[row_attempt, row_slot] = enc.correct
    real[row_attempt, row_slot] = True
    first = row_attempt[np.flatnonzero(enc.first)]
    length = np.diff(np.append(first, total))
    return _Attempts(concept, correct, real, first, length, row_attempt, row_slot)


def _batches(data: _Attempts, size: int, rng: np.random.Generator | None) -> Iterator[np.ndarray]:
    """Yield (batch, steps) attempt indices of students of similar length (padding -> last index).

    With ``rng`` the order is shuffled: lengths are jittered before sorting and batches
    come in random order, so batches differ between epochs but padding stays small.
    """
    key = data.length.astype(np.float64)
    if rng is not None:
        key = key * rng.uniform(0.8, 1.25, len(key))
    order = np.argsort(key, kind="stable")
    groups = [order[i : i + size] for i in range(0, len(order), size)]
    if rng is not None:
        rng.shuffle(groups)
    pad = len(data.concept) - 1
    for group in groups:
        steps = int(data.length[group].max())
        offsets = np.arange(steps)
        index = data.first[group, None] + offsets[None, :]
        yield np.where(offsets[None, :] < data.length[group, None], index, pad)


def _tensors(data: _Attempts, index: np.ndarray) -> tuple[torch.Tensor, ...]:
    """Previous-attempt inputs, current concepts, scores and the real-row mask for a batch."""
    concept = torch.from_numpy(data.concept[index])
    correct = torch.from_numpy(data.correct[index])
    prev_concept = torch.zeros_like(concept)
    prev_correct = torch.zeros_like(correct)
    prev_concept[:, 1:] = concept[:, :-1]
    prev_correct[:, 1:] = correct[:, :-1]
    return prev_concept, prev_correct, concept, correct, torch.from_numpy(data.real[index])


def _tensorboard(log_dir: Path | None, name: str) -> Any:
    """A SummaryWriter when a log dir is given and tensorboard is installed, else None."""
    if log_dir is None:
        return None
    try:
        from torch.utils.tensorboard import SummaryWriter
    except ImportError:
        return None
    return SummaryWriter(str(Path(log_dir) / name))


class DKT:
    """Deep Knowledge Tracing with an LSTM, trained by Adam with early stopping on validation AUC."""

    name = "dkt"

    def __init__(self, hidden: int = 128, embed: int = 128, dropout: float = 0.2, window: int = 200) -> None:
        """Sizes follow the usual DKT baselines (pyKT uses 200 for both); ``window`` is the TBPTT length."""
        self.hidden, self.embed, self.dropout, self.window = hidden, embed, dropout, window
        self.concepts: dict[str, int] = {}
        self.net: DKTNet | None = None
        self.history: list[dict[str, float]] = []
        self.batch_size = 64

    def fit(self, train: pd.DataFrame, valid: pd.DataFrame | None, args: TrainingArguments) -> None:
        """Train for up to ``args.max_epochs`` epochs, keeping the weights of the best validation AUC."""
        started = time.perf_counter()
        deadline = None if args.max_train_seconds is None else started + args.max_train_seconds
        torch.set_num_threads(args.threads)
        torch.manual_seed(args.seed)
        rng = np.random.default_rng(args.seed)
        self.batch_size = args.batch_size
        self.concepts = build_vocab(train["concept"])
        self.net = DKTNet(len(self.concepts), self.hidden, self.embed, self.dropout)
        optimizer = torch.optim.Adam(self.net.parameters(), lr=args.learning_rate)
        data = _attempts(train, self.concepts)
        use_valid = valid is not None and not valid.empty
        writer = _tensorboard(args.log_dir, self.name)
        best, best_auc, waited = None, -np.inf, 0
        self.history = []
        total_batches = args.max_epochs * -(-len(data.length) // self.batch_size)
        batches_done = 0

        def tick() -> None:
            nonlocal batches_done
            batches_done += 1
            if args.progress is not None:
                args.progress(f"{args.label or self.name} training", batches_done, total_batches)

        for epoch in range(args.max_epochs):
            loss = self._epoch(data, optimizer, rng, deadline, tick)
            record = {"epoch": float(epoch), "loss": loss}
            if use_valid and valid is not None:
                mask = scored_mask(valid)
                record["valid_auc"] = auc(valid["correct"].to_numpy()[mask], self.predict(valid)[mask])
            self.history.append(record)
            log.info("dkt epoch %d: %s", epoch, record)
            if writer is not None:
                for key, value in record.items():
                    if key != "epoch":
                        writer.add_scalar(f"{self.name}/{key}", value, epoch)
            score = record.get("valid_auc", -loss)
            if score > best_auc:
                best_auc, waited = score, 0
                best = {k: v.detach().clone() for k, v in self.net.state_dict().items()}
            else:
                waited += 1
                if waited >= args.patience:
                    break
            if deadline is not None and time.perf_counter() > deadline:
                break
        if writer is not None:
            writer.close()
        if best is not None:
            self.net.load_state_dict(best)

    def _epoch(
        self, data: _Attempts, optimizer: torch.optim.Optimizer, rng: np.random.Generator,
        deadline: float | None = None, tick: Callable[[], None] | None = None,
    ) -> float:  # fmt: skip
        """One pass over the training students (cut short at ``deadline``); the mean row log loss."""
        assert self.net is not None
        self.net.train()
        total, rows = 0.0, 0
        for index in _batches(data, self.batch_size, rng):
            if deadline is not None and time.perf_counter() > deadline and rows:
                break
            if tick is not None:
                tick()
            prev_concept, prev_correct, concept, correct, real = _tensors(data, index)
            state = None
            for w in range(0, index.shape[1], self.window):
                part = slice(w, w + self.window)
                logits, state = self.net(prev_concept[:, part], prev_correct[:, part], concept[:, part], state)
                state = (state[0].detach(), state[1].detach())
                mask = real[:, part]
                if not bool(mask.any()):
                    continue
                loss = torch.nn.functional.binary_cross_entropy_with_logits(logits[mask], correct[:, part][mask])
                optimizer.zero_grad()
                loss.backward()  # type: ignore[no-untyped-call]
                torch.nn.utils.clip_grad_norm_(self.net.parameters(), 1.0)
                optimizer.step()
                total += float(loss.detach()) * int(mask.sum())
                rows += int(mask.sum())
        return total / max(rows, 1)

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        """P(right) per row, running each student's whole history with the state carried."""
        if self.net is None:
            raise RuntimeError("fit the model before predicting")
        if len(frame) == 0:
            return np.zeros(0)
        data = _attempts(frame, self.concepts)
        out = np.zeros(data.concept.shape, dtype=np.float64)
        self.net.eval()
        with torch.no_grad():
            for index in _batches(data, max(self.batch_size, 256), None):
                prev_concept, prev_correct, concept, _, _ = _tensors(data, index)
                logits, _ = self.net(prev_concept, prev_correct, concept)
                out[index] = torch.sigmoid(logits).double().numpy()
        return np.asarray(out[data.row_attempt, data.row_slot], dtype=np.float64)
