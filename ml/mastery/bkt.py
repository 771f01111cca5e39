"""Bayesian Knowledge Tracing (Corbett & Anderson 1995): one two-state HMM per concept.

Each concept has four parameters: ``prior`` P(known before the first attempt), ``learn``
P(unknown -> known after an attempt), ``guess`` P(right | unknown) and ``slip``
P(wrong | known); there is no forgetting. Parameters are fitted by EM (Baum-Welch), with
the forward-backward passes vectorised over *all* (student, concept) sequences at once:
sequences are sorted by length, so the sequences still running at step ``t`` are a
prefix and one numpy operation advances all of them.

Each row of a multi-skill attempt updates its own concept's sequence only, so siblings
never see each other. Rows of one concept repeated within one attempt form a single
observation (mean score), predicted from the state before that attempt. Scores in
(0, 1) are soft evidence: the emission is ``P(right)^y * P(wrong)^(1-y)``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ml.mastery.base import TrainingArguments
from ml.mastery.data import canonical_frame
from ml.mastery.protocol import Encoded, build_vocab, encode

__all__ = ["BKT", "simulate"]

PARAMETERS = ("prior", "learn", "guess", "slip")
DEFAULTS = {"prior": 0.4, "learn": 0.1, "guess": 0.2, "slip": 0.1}
"""Starting point of EM and the centre of the weak pseudo-count prior."""


@dataclass(frozen=True)
class _Sequences:
    """Observations grouped into (student, concept) sequences, laid out contiguously."""

    obs: np.ndarray  # per observation: mean score
    param: np.ndarray  # per observation: parameter index (vocab index, 0 = defaults)
    row_to_obs: np.ndarray  # per input row: its observation
    start: np.ndarray  # per sequence: first observation
    length: np.ndarray  # per sequence: number of observations


def _sequences(enc: Encoded) -> _Sequences:
    order = np.lexsort((enc.step, enc.concept_key, enc.student))
    s, k, t = enc.student[order], enc.concept_key[order], enc.step[order]
    new_obs = np.ones(len(order), dtype=bool)
    new_seq = np.ones(len(order), dtype=bool)
    new_seq[1:] = (s[1:] != s[:-1]) | (k[1:] != k[:-1])
    new_obs[1:] = new_seq[1:] | (t[1:] != t[:-1])
    obs_start = np.flatnonzero(new_obs)
    counts = np.diff(np.append(obs_start, len(order)))
    obs = np.add.reduceat(enc.correct[order], obs_start) / counts
    row_to_obs = np.empty(len(order), dtype=np.int64)
    row_to_obs[order] = np.cumsum(new_obs) - 1
    seq_of_obs = np.cumsum(new_seq[obs_start]) - 1
    start = np.flatnonzero(new_seq[obs_start])
    length = np.bincount(seq_of_obs)
    return _Sequences(obs, enc.concept[order][obs_start], row_to_obs, start, length)


def _schedule(seqs: _Sequences) -> tuple[np.ndarray, np.ndarray]:
    """Sequence starts sorted longest first, and how many sequences run at each step."""
    by_length = np.argsort(-seqs.length, kind="stable")
    lengths = seqs.length[by_length]
    steps = int(lengths[0]) if len(lengths) else 0
    running = np.searchsorted(-lengths, -np.arange(steps), side="left")
    return seqs.start[by_length], running


def _emissions(obs: np.ndarray, guess: np.ndarray, slip: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """P(observation | unknown), P(observation | known)."""
    e0 = guess**obs * (1.0 - guess) ** (1.0 - obs)
    e1 = (1.0 - slip) ** obs * slip ** (1.0 - obs)
    return e0, e1


class BKT:
    """Per-concept BKT fitted by bounded EM; unseen concepts use count-weighted mean parameters."""

    name = "bkt"

    def __init__(
        self,
        max_iter: int = 100,
        tolerance: float = 1e-5,
        pseudo_count: float = 2.0,
        max_guess: float = 0.3,
        max_slip: float = 0.3,
    ) -> None:
        """Bounds on guess and slip keep EM away from the "knows it but answers wrong" degenerate optimum."""
        self.max_iter = max_iter
        self.tolerance = tolerance
        self.pseudo_count = pseudo_count
        self.bounds = {
            "prior": (1e-3, 1 - 1e-3),
            "learn": (1e-3, 1 - 1e-3),
            "guess": (1e-3, max_guess),
            "slip": (1e-3, max_slip),
        }
        self.concepts: dict[str, int] = {}
        self.params: dict[str, np.ndarray] = {}
        self.log_likelihood: list[float] = []

    def fit(self, train: pd.DataFrame, valid: pd.DataFrame | None, args: TrainingArguments) -> None:
        """Run EM on ``train`` plus ``valid``: BKT has nothing to stop early, so held-out data just adds evidence."""
        frame = train if valid is None or valid.empty else pd.concat([train, valid], ignore_index=True)
        self.concepts = build_vocab(frame["concept"])
        seqs = _sequences(encode(frame, self.concepts))
        size = len(self.concepts) + 1
        self.params = {name: np.full(size, DEFAULTS[name]) for name in PARAMETERS}
        self.log_likelihood = []
        started = time.perf_counter()
        for _ in range(self.max_iter):
            self.log_likelihood.append(self._em_step(seqs, size))
            if len(self.log_likelihood) > 1:
                gain = self.log_likelihood[-1] - self.log_likelihood[-2]
                if gain < self.tolerance * abs(self.log_likelihood[-2]):
                    break
            if args.max_train_seconds is not None and time.perf_counter() - started > args.max_train_seconds:
                break
        weight = np.bincount(seqs.param, minlength=size).astype(np.float64)
        for values in self.params.values():
            values[0] = float(np.average(values[1:], weights=weight[1:])) if weight[1:].sum() else values[0]

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        """P(right) per row from the forward pass over the student's earlier attempts of that concept."""
        if len(frame) == 0:
            return np.zeros(0)
        seqs = _sequences(encode(frame, self.concepts))
        known, _, _ = self._forward(seqs)
        guess, slip = self.params["guess"][seqs.param], self.params["slip"][seqs.param]
        p_obs = known * (1.0 - slip) + (1.0 - known) * guess
        return np.asarray(p_obs[seqs.row_to_obs], dtype=np.float64)

    def _forward(self, seqs: _Sequences) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per observation: P(known) before it, P(known) after it, and P(it | the past)."""
        prior, learn = self.params["prior"][seqs.param], self.params["learn"][seqs.param]
        e0, e1 = _emissions(seqs.obs, self.params["guess"][seqs.param], self.params["slip"][seqs.param])
        before, after, norm = (np.empty(len(seqs.obs)) for _ in range(3))
        starts, running = _schedule(seqs)
        state = np.empty(0)
        for t, k in enumerate(running):
            idx = starts[:k] + t
            state = prior[idx] if t == 0 else state[:k] + (1.0 - state[:k]) * learn[idx - 1]
            before[idx] = state
            norm[idx] = state * e1[idx] + (1.0 - state) * e0[idx]
            state = state * e1[idx] / norm[idx]
            after[idx] = state
        return before, after, norm

    def _em_step(self, seqs: _Sequences, size: int) -> float:
        """One Baum-Welch iteration; returns the log-likelihood under the parameters it started from."""
        _, after, norm = self._forward(seqs)
        learn = self.params["learn"][seqs.param]
        e0, e1 = _emissions(seqs.obs, self.params["guess"][seqs.param], self.params["slip"][seqs.param])
        beta0, beta1, xi = np.ones(len(seqs.obs)), np.ones(len(seqs.obs)), np.zeros(len(seqs.obs))
        starts, running = _schedule(seqs)
        for t in range(len(running) - 2, -1, -1):
            k = running[t + 1]  # sequences that have a step t + 1
            idx, nxt = starts[:k] + t, starts[:k] + t + 1
            to_known = e1[nxt] * beta1[nxt] / norm[nxt]
            stay = e0[nxt] * beta0[nxt] / norm[nxt]
            beta1[idx] = to_known
            beta0[idx] = (1.0 - learn[idx]) * stay + learn[idx] * to_known
            xi[idx] = (1.0 - after[idx]) * learn[idx] * to_known
        known = after * beta1
        unknown = (1.0 - after) * beta0
        has_next = np.ones(len(seqs.obs), dtype=bool)
        has_next[seqs.start + seqs.length - 1] = False

        def ratio(num: np.ndarray, den: np.ndarray, name: str, where: np.ndarray | None = None) -> None:
            mask = slice(None) if where is None else where
            w = self.pseudo_count
            top = np.bincount(seqs.param[mask], weights=num[mask], minlength=size) + w * DEFAULTS[name]
            bottom = np.bincount(seqs.param[mask], weights=den[mask], minlength=size) + w
            self.params[name] = np.clip(top / bottom, *self.bounds[name])

        first = np.zeros(len(seqs.obs), dtype=bool)
        first[seqs.start] = True
        ratio(known, np.ones_like(known), "prior", first)
        ratio(xi, unknown, "learn", has_next)
        ratio(unknown * seqs.obs, unknown, "guess")
        ratio(known * (1.0 - seqs.obs), known, "slip")
        return float(np.log(norm).sum())


def simulate(
    prior: np.ndarray,
    learn: np.ndarray,
    guess: np.ndarray,
    slip: np.ndarray,
    students: int,
    attempts: int,
    sibling_rate: float = 0.0,
    items_per_concept: int = 5,
    seed: int = 0,
) -> pd.DataFrame:
    """Draw a canonical attempt frame from BKT (concept ``c{i}`` has the i-th parameters).

    Each attempt picks a concept uniformly; with probability ``sibling_rate`` it also tags a
    second concept, as a multi-skill item: both rows share the first concept's response
    (that is what makes sibling leakage possible) and both concepts may learn.
    """
    rng = np.random.default_rng(seed)
    n = len(prior)
    rows: list[tuple[str, int, str, str, float]] = []
    for s in range(students):
        known = rng.random(n) < prior
        for a in range(attempts):
            tagged = [int(rng.integers(n))]
            if n > 1 and rng.random() < sibling_rate:
                tagged.append(int((tagged[0] + 1 + rng.integers(n - 1)) % n))
            c = tagged[0]
            right = float(rng.random() < ((1.0 - slip[c]) if known[c] else guess[c]))
            problem = f"c{c}-i{rng.integers(items_per_concept)}"
            rows.extend((f"s{s:04d}", a, problem, f"c{t}", right) for t in tagged)
            for t in tagged:
                known[t] = known[t] or rng.random() < learn[t]
    student, attempt, item, concept, correct = (np.asarray(c) for c in zip(*rows, strict=True))
    return canonical_frame(student, attempt, item, concept, correct, "sim")
