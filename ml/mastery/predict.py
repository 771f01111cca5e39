"""Online mastery: per-student state updated attempt by attempt, no retraining.

``MasteryPredictor`` wraps a trained ``PathwiseKT``: each student has the running
history features and the GRU state; an attempt costs one GRU step, and an estimate for
any number of concepts is one batched pass of the prediction head. A concept the model
has never seen is placed by its text (``add_concepts``); a new student starts empty.
The estimates equal what the batch ``predict`` gives for the same history (tested).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from graph.model import Attempt, MasteryEstimate
from ml.mastery.features import FeatureState, logit, sigmoid
from ml.mastery.tkt import PathwiseKT
from ml.mastery.windows import PAD, UNKNOWN

__all__ = ["EnsemblePredictor", "Evidence", "MasteryPredictor", "OnlineMastery"]


_ItemKey = tuple[str, tuple[str, ...]]  # an attempt's item and concepts
REPLAY_BATCH = 256  # students per GRU pass when replaying stored attempts


@dataclass
class _Student:
    features: FeatureState = field(default_factory=FeatureState)
    hidden: torch.Tensor | None = None  # 1 x 1 x dim; None is the zero state
    in_window: int = 0


@dataclass(frozen=True)
class _Step:
    """One attempt as the GRU reads it: concept and item indices, score, mean row features."""

    concepts: list[int]
    item: int
    score: float
    features: np.ndarray | None


@dataclass(frozen=True)
class Evidence:
    """How much one attempt moved one concept's estimate."""

    attempt: Attempt
    before: float
    after: float

    @property
    def change(self) -> float:
        return self.after - self.before


PROGRESS_EVERY = 1000
"""How many attempts ``OnlineMastery.update`` observes between two progress calls."""


class OnlineMastery(ABC):
    """What the service asks of a mastery predictor, single network or ensemble.

    Subclasses keep per-student state (``observe``, ``replay``, ``forget``, ``knows``) and
    estimate from it (``estimate``); updating and evidence are built on those.
    """

    version: str
    model: PathwiseKT  # the (first) network: its concept vocabulary is the predictor's
    fuse_siblings: bool

    @classmethod
    def load(cls, folder: Path) -> OnlineMastery:
        """Load the model saved in ``folder`` (single or ensemble); its name is the version."""
        from ml.mastery.ensemble import PathwiseEnsemble, is_ensemble

        if is_ensemble(folder):
            ensemble = PathwiseEnsemble.load(folder)
            return EnsemblePredictor([MasteryPredictor(m, folder.name) for m in ensemble.members], folder.name)
        return MasteryPredictor(PathwiseKT.load(folder), folder.name)

    @abstractmethod
    def add_concepts(self, texts: Mapping[str, str]) -> None:
        """Know new concepts at once (placed by their text); no retraining."""

    @abstractmethod
    def add_items(self, texts: Mapping[str, str]) -> None:
        """Know new items at once (placed by their text, where the model learnt to read item text)."""

    @abstractmethod
    def unplace_concepts(self, concepts: Sequence[str]) -> None:
        """Forget where ``add_concepts`` placed these concepts (deleted): one created again is placed afresh."""

    @abstractmethod
    def unplace_items(self, items: Sequence[str]) -> list[str]:
        """Forget where ``add_items`` placed these items (deleted or reworded), which were: placed afresh next."""

    @abstractmethod
    def observe(self, attempt: Attempt) -> None:
        """Advance the student's state by one attempt."""

    @abstractmethod
    def estimate(self, student: str, concepts: Sequence[str]) -> list[float]:
        """P(correct on each concept's next item of average difficulty), in order."""

    @abstractmethod
    def forget(self, student: str) -> None:
        """Drop a student's in-memory state."""

    @abstractmethod
    def knows(self, student: str) -> bool:
        """Whether the predictor holds state for ``student``."""

    def row_probabilities(self, student: str, concepts: Sequence[str]) -> list[float]:
        """What batch ``predict`` gives the rows of a next attempt on ``concepts`` (no item).

        A model trained on fused siblings gives every row of an attempt the mean logit of
        its concepts (they share one answer); otherwise each row is its concept's estimate.
        """
        estimates = self.estimate(student, concepts)
        if not self.fuse_siblings or len(estimates) < 2:
            return estimates
        return [float(sigmoid(np.mean(logit(estimates))))] * len(estimates)

    def update(
        self,
        attempts: Sequence[Attempt],
        *,
        now: datetime | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> list[MasteryEstimate]:
        """Observe attempts in order; the new estimates of every concept they touched.

        ``progress`` hears (done, total) every ``PROGRESS_EVERY`` attempts: a log's
        hundreds of thousands take minutes.
        """
        when = now or datetime.now(UTC)
        touched: dict[str, dict[str, None]] = {}
        for done, attempt in enumerate(attempts, start=1):
            self.observe(attempt)
            touched.setdefault(attempt.student, {}).update(dict.fromkeys(attempt.concepts))
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(done, len(attempts))
        out = []
        for student, concepts in touched.items():
            names = list(concepts)
            for concept, p in zip(names, self.estimate(student, names), strict=True):
                out.append(MasteryEstimate(student, concept, p, self.version, when))
        return out

    @abstractmethod
    def replay(self, histories: Mapping[str, Sequence[Attempt]]) -> None:
        """Rebuild students' states from their stored attempts (at start, or after a switch).

        The states equal those of observing each history one attempt at a time.
        """

    @abstractmethod
    def trajectory(self, history: Sequence[Attempt], concept: str) -> list[float]:
        """``concept``'s estimate before ``history`` and after each of its attempts (from a fresh state)."""

    def evidence(self, history: Sequence[Attempt], concept: str, limit: int = 5) -> list[Evidence]:
        """The attempts that moved ``concept``'s estimate most, largest change first.

        Computed from the history alone (``trajectory``): the student's own state is untouched.
        """
        path = self.trajectory(history, concept)
        moves = [Evidence(a, before, after) for a, before, after in zip(history, path[:-1], path[1:], strict=True)]
        moves.sort(key=lambda e: abs(e.change), reverse=True)
        return moves[:limit]


class MasteryPredictor(OnlineMastery):
    """Mastery estimates of one network for students as their attempts arrive."""

    def __init__(self, model: PathwiseKT, version: str) -> None:
        self.model = model
        self.version = version
        self._students: dict[str, _Student] = {}
        self._vectors = model.concept_vectors()
        assert model.net is not None
        self.net = model.net.eval()
        self._no_item: dict[str, torch.Tensor] = {}
        self.fuse_siblings = model.config.fuse_siblings

    # --- concepts ---------------------------------------------------------------------------
    def add_concepts(self, texts: Mapping[str, str]) -> None:
        """Know new concepts at once (placed by their text); no retraining."""
        new = {c: t for c, t in texts.items() if c not in self.model.concepts.index}
        if new:
            self.model.add_concepts(new)
            self._vectors = self.model.concept_vectors()

    def add_items(self, texts: Mapping[str, str]) -> None:
        """Know new items at once (placed by their text); no retraining."""
        self.model.add_items({i: t for i, t in texts.items() if i not in self.model.items.index})

    def unplace_concepts(self, concepts: Sequence[str]) -> None:
        """Forget where ``add_concepts`` placed these concepts (deleted): one created again is placed afresh."""
        self.model.unplace_concepts(concepts)

    def unplace_items(self, items: Sequence[str]) -> list[str]:
        """Forget where ``add_items`` placed these items: one created again or reworded is placed by its text."""
        return self.model.unplace_items(items)

    def _no_item_features(self, concepts: Sequence[str]) -> torch.Tensor:
        """Item features of a row with no item (its concept's prior), cached per concept."""
        missing = [c for c in dict.fromkeys(concepts) if c not in self._no_item]
        if missing:
            rows = self.model.item_features(_no_item_frame(missing)).astype(np.float32)
            self._no_item.update({c: torch.from_numpy(r) for c, r in zip(missing, rows, strict=True)})
        return torch.stack([self._no_item[c] for c in concepts])

    def _concept_index(self, concept: str) -> int:
        return self.model.concepts.index.get(concept, UNKNOWN)

    # --- students ------------------------------------------------------------------------------
    def forget(self, student: str) -> None:
        """Drop a student's in-memory state."""
        self._students.pop(student, None)

    def knows(self, student: str) -> bool:
        """Whether the predictor holds state for ``student``."""
        return student in self._students

    def observe(self, attempt: Attempt) -> None:
        """Advance the student's state by one attempt (one GRU step)."""
        state = self._students.setdefault(attempt.student, _Student())
        concepts = list(attempt.concepts) or [""]
        if state.in_window == self.model.config.window:
            state.hidden, state.in_window = None, 0
        own_item = self.model.item_feature_rows(attempt.material or "", concepts)
        step = self._step(state, attempt, concepts, own_item)
        with torch.no_grad():
            attempt_vector = self._vectors[torch.tensor(step.concepts)].mean(0).view(1, 1, -1)
            item_vector = self.net.item_vectors(torch.tensor([[step.item]]), self.model.item_text_table)
            score = torch.tensor([[step.score]], dtype=torch.float32)
            features = None if step.features is None else torch.from_numpy(step.features).view(1, 1, -1)
            step_in = self.net.step_input(attempt_vector, item_vector, score, features)
            _, state.hidden = self.net.gru(step_in, state.hidden)
        state.in_window += 1
        state.features.observe(concepts, attempt.score, float(np.mean(sigmoid(own_item[:, 0]))))

    def replay(self, histories: Mapping[str, Sequence[Attempt]]) -> None:
        """Rebuild students' states from their stored attempts: the same states as ``observe`` one by one.

        A model switch or a restart replays every stored attempt, so this is batched: the
        running counts advance attempt by attempt (cheap), but the GRU, whose state starts
        afresh every ``window`` attempts, runs only over each student's last window, for
        ``REPLAY_BATCH`` students in one pass.
        """
        steps: list[tuple[_Student, list[_Step]]] = []
        item_rows: dict[_ItemKey, tuple[np.ndarray, float]] = {}
        window = self.model.config.window
        for student, attempts in histories.items():
            state = _Student()
            self._students[student] = state
            start = (len(attempts) - 1) // window * window if attempts else 0
            last_window: list[_Step] = []
            for i, attempt in enumerate(attempts):
                concepts, own_item, expected = self._item_rows(attempt, item_rows)
                if i >= start:
                    last_window.append(self._step(state, attempt, concepts, own_item))
                state.features.observe(concepts, attempt.score, expected)
            state.in_window = len(last_window)
            if last_window:
                steps.append((state, last_window))
        for first in range(0, len(steps), REPLAY_BATCH):
            self._run_windows(steps[first : first + REPLAY_BATCH])

    def _item_rows(
        self, attempt: Attempt, cache: dict[_ItemKey, tuple[np.ndarray, float]]
    ) -> tuple[list[str], np.ndarray, float]:
        """An attempt's concepts, item feature rows and expected success; computed once per item and concepts."""
        concepts = list(attempt.concepts) or [""]
        key = (attempt.material or "", tuple(concepts))
        if key not in cache:
            own = self.model.item_feature_rows(key[0], concepts)
            cache[key] = own, float(np.mean(sigmoid(own[:, 0])))
        own_item, expected = cache[key]
        return concepts, own_item, expected

    def _step(self, state: _Student, attempt: Attempt, concepts: list[str], own_item: np.ndarray) -> _Step:
        """What the GRU reads for ``attempt``, from the state before it (as ``observe`` builds it)."""
        rows = None
        if self.net.step_features:
            history = np.array([state.features.features(c) for c in concepts], dtype=np.float32)
            context = self.model.context_rows(state.features, concepts)
            rows = np.concatenate([history, own_item.astype(np.float32), context.astype(np.float32)], 1)
            rows = rows[0] if len(concepts) == 1 else rows.mean(0)
        item = self.model.items.index.get(attempt.material or "", UNKNOWN) if attempt.material else PAD
        return _Step([self._concept_index(c) if c else UNKNOWN for c in concepts], item, attempt.score, rows)

    def _run_windows(self, batch: list[tuple[_Student, list[_Step]]]) -> None:
        """One padded GRU pass over several students' last windows; each keeps its final state."""
        _, last = self._gru_pass([window for _, window in batch])
        for b, (state, _) in enumerate(batch):
            state.hidden = last[:, b : b + 1].clone()

    def _gru_pass(self, windows: list[list[_Step]]) -> tuple[torch.Tensor, torch.Tensor]:
        """The GRU over windows of steps, each from the zero state, padded into one batch.

        Returns the state after every step (windows x longest x dim, zero past a window's
        end) and the state after each window's last step (1 x windows x dim).
        """
        lengths = [len(window) for window in windows]
        width, most = max(lengths), max(len(s.concepts) for window in windows for s in window)
        concept_rows = np.full((len(windows), width, most), PAD, dtype=np.int64)
        item_rows = np.full((len(windows), width), PAD, dtype=np.int64)
        score_rows = np.zeros((len(windows), width), dtype=np.float32)
        n_features = next((len(s.features) for w in windows for s in w if s.features is not None), 0)
        feature_rows = np.zeros((len(windows), width, n_features), dtype=np.float32)
        for b, window in enumerate(windows):
            for t, step in enumerate(window):
                concept_rows[b, t, : len(step.concepts)] = step.concepts
                item_rows[b, t], score_rows[b, t] = step.item, step.score
                if step.features is not None:
                    feature_rows[b, t] = step.features
        concepts, items = torch.from_numpy(concept_rows), torch.from_numpy(item_rows)
        scores, features = torch.from_numpy(score_rows), torch.from_numpy(feature_rows)
        with torch.no_grad():
            present = (concepts != PAD).unsqueeze(-1).float()
            attempt_vectors = (self._vectors[concepts] * present).sum(2) / present.sum(2).clamp(min=1.0)
            item_vectors = self.net.item_vectors(items, self.model.item_text_table)
            step_in = self.net.step_input(attempt_vectors, item_vectors, scores, features if n_features else None)
            packed = pack_padded_sequence(step_in, torch.tensor(lengths), batch_first=True, enforce_sorted=False)
            outputs, last = self.net.gru(packed)
            padded, _ = pad_packed_sequence(outputs, batch_first=True, total_length=width)
        return padded, last

    def trajectory(self, history: Sequence[Attempt], concept: str) -> list[float]:
        """``concept``'s estimate before ``history`` and after each of its attempts, in one batched pass.

        What ``estimate`` gives after observing the attempts one by one (tested), without
        a GRU step and a head pass per attempt.
        """
        window = self.model.config.window
        state = _Student()
        steps: list[_Step] = []
        rows: list[list[float]] = [state.features.features(concept)]
        contexts = [self.model.context_rows(state.features, [concept])[0]]
        item_rows: dict[_ItemKey, tuple[np.ndarray, float]] = {}
        for attempt in history:
            concepts, own_item, expected = self._item_rows(attempt, item_rows)
            steps.append(self._step(state, attempt, concepts, own_item))
            state.features.observe(concepts, attempt.score, expected)
            rows.append(state.features.features(concept))
            contexts.append(self.model.context_rows(state.features, [concept])[0])
        dim = self.net.gru.hidden_size
        states = torch.zeros(len(history) + 1, dim)
        if steps:
            outputs, _ = self._gru_pass([steps[i : i + window] for i in range(0, len(steps), window)])
            after = outputs.reshape(-1, dim)[: len(steps)]
            full = torch.arange(1, len(steps) + 1) % window == 0  # a full window: the next estimate starts afresh
            states[1:] = torch.where(full.unsqueeze(1), torch.zeros_like(after), after)
        features = torch.cat(
            [
                torch.tensor(rows, dtype=torch.float32),
                self._no_item_features([concept]).expand(len(rows), -1),
                torch.from_numpy(np.stack(contexts).astype(np.float32)),
            ],
            1,
        )
        logits = self._head(states, [self._concept_index(concept)] * len(rows), features)
        return [float(p) for p in torch.sigmoid(logits)]

    def _head(self, states: torch.Tensor, concepts: list[int], features: torch.Tensor) -> torch.Tensor:
        """Logits of the next answer on each concept (no item) from a GRU state and row features each."""
        idx = torch.tensor(concepts)
        with torch.no_grad():
            vectors = self._vectors[idx]
            items = self.net.item(torch.full((len(concepts),), PAD))
            head_in = torch.cat([states, vectors, items, states * vectors, features], -1)
            logits: torch.Tensor = self.net.head(head_in).squeeze(-1) + self.net.concept_bias(idx).squeeze(-1)
            return logits

    def estimate(self, student: str, concepts: Sequence[str]) -> list[float]:
        """P(correct on each concept's next item of average difficulty), in order."""
        if not concepts:
            return []
        state = self._students.get(student, _Student())
        dim = self.net.gru.hidden_size
        fresh = state.hidden is None or state.in_window == self.model.config.window
        before = torch.zeros(dim) if fresh or state.hidden is None else state.hidden[0, 0]
        features = torch.tensor([state.features.features(c) for c in concepts], dtype=torch.float32)
        context = torch.from_numpy(self.model.context_rows(state.features, concepts).astype(np.float32))
        features = torch.cat([features, self._no_item_features(concepts), context], 1)
        logits = self._head(before.expand(len(concepts), -1), [self._concept_index(c) for c in concepts], features)
        return [float(p) for p in torch.sigmoid(logits)]


class EnsemblePredictor(OnlineMastery):
    """Several networks' predictors in step; an estimate is their mean logit."""

    def __init__(self, members: list[MasteryPredictor], version: str) -> None:
        if not members:
            raise ValueError("an ensemble predictor needs at least one member")
        self.members = members
        self.version = version
        self.model = members[0].model
        self.fuse_siblings = members[0].fuse_siblings

    def add_concepts(self, texts: Mapping[str, str]) -> None:
        for member in self.members:
            member.add_concepts(texts)

    def add_items(self, texts: Mapping[str, str]) -> None:
        for member in self.members:
            member.add_items(texts)

    def unplace_concepts(self, concepts: Sequence[str]) -> None:
        for member in self.members:
            member.unplace_concepts(concepts)

    def unplace_items(self, items: Sequence[str]) -> list[str]:
        return list(dict.fromkeys(i for member in self.members for i in member.unplace_items(items)))

    def observe(self, attempt: Attempt) -> None:
        for member in self.members:
            member.observe(attempt)

    def estimate(self, student: str, concepts: Sequence[str]) -> list[float]:
        if not concepts:
            return []
        mean = np.mean([logit(m.estimate(student, concepts)) for m in self.members], axis=0)
        return [float(p) for p in sigmoid(mean)]

    def forget(self, student: str) -> None:
        for member in self.members:
            member.forget(student)

    def replay(self, histories: Mapping[str, Sequence[Attempt]]) -> None:
        for member in self.members:
            member.replay(histories)

    def trajectory(self, history: Sequence[Attempt], concept: str) -> list[float]:
        mean = np.mean([logit(m.trajectory(history, concept)) for m in self.members], axis=0)
        return [float(p) for p in sigmoid(mean)]

    def knows(self, student: str) -> bool:
        return self.members[0].knows(student)


def _no_item_frame(concepts: Sequence[str]) -> pd.DataFrame:
    n = len(concepts)
    return pd.DataFrame({"item": [""] * n, "concept": list(concepts), "student": ["-"] * n, "attempt": [0] * n})
