"""Performance Factors Analysis (Pavlik, Cen & Koedinger 2009): logistic regression on practice counts.

For a row on concept ``c`` after ``s`` earlier successes and ``f`` earlier failures on
``c`` (whole earlier attempts only, see ``protocol.prior_counts``)::

    logit P(right) = b + beta_c + (g + gamma_c) log1p(s) + (r + rho_c) log1p(f) [+ delta_item]

``beta_c`` is the concept's easiness; the shared slopes ``g`` and ``r`` let rare concepts
borrow strength while L2 shrinks the per-concept deviations ``gamma_c``, ``rho_c``. With
``with_items=True`` each item also gets an easiness ``delta_item`` ("pfa-items"). The
sparse design is stored as index arrays and fitted full-batch by torch L-BFGS; the L2
strength is picked on the validation students when there are any.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from ml.mastery.base import TrainingArguments
from ml.mastery.metrics import auc
from ml.mastery.protocol import UNKNOWN, build_vocab, encode, prior_counts

__all__ = ["PFA"]

L2_GRID = (0.1, 1.0, 10.0)
"""Candidate L2 strengths (per row, on the summed squares of the per-concept/item weights)."""


class _Design:
    """The sparse PFA design of one frame as tensors, identical rows merged.

    Rows sharing (concept, item, prior successes, prior failures) have the same features,
    so they are fitted once with their counts of right and wrong answers as weights; on
    assist2009 this shrinks the concept-only design several-fold.
    """

    def __init__(self, frame: pd.DataFrame, concepts: dict[str, int], items: dict[str, int] | None) -> None:
        enc = encode(frame, concepts, items)
        successes, failures = prior_counts(enc)
        keys = np.stack([enc.concept, enc.item, successes, failures], axis=1)
        unique, inverse = np.unique(keys, axis=0, return_inverse=True)
        self.inverse = inverse.reshape(-1)
        self.concept = torch.tensor(unique[:, 0], dtype=torch.int64)
        self.item = torch.tensor(unique[:, 1], dtype=torch.int64)
        self.successes = torch.tensor(np.log1p(unique[:, 2]))
        self.failures = torch.tensor(np.log1p(unique[:, 3]))
        self.right = torch.tensor(np.bincount(self.inverse, weights=enc.correct, minlength=len(unique)))
        self.wrong = torch.tensor(np.bincount(self.inverse, weights=1.0 - enc.correct, minlength=len(unique)))
        self.correct = enc.correct
        self.rows = len(enc.correct)


class PFA:
    """PFA logistic regression, optionally with item easiness (registry names "pfa", "pfa-items")."""

    def __init__(self, with_items: bool = False, l2: float | None = None, max_iter: int = 60) -> None:
        """``l2=None`` selects the strength from ``L2_GRID`` on the validation set."""
        self.with_items = with_items
        self.name = "pfa-items" if with_items else "pfa"
        self.l2 = l2
        self.max_iter = max_iter
        self.selected_l2 = l2
        self.concepts: dict[str, int] = {}
        self.items: dict[str, int] | None = None
        self.weights: dict[str, torch.Tensor] = {}

    def fit(self, train: pd.DataFrame, valid: pd.DataFrame | None, args: TrainingArguments) -> None:
        """Fit by L-BFGS; pick L2 on ``valid`` by AUC, then refit on train and valid together."""
        torch.set_num_threads(args.threads)
        torch.manual_seed(args.seed)
        both = train if valid is None or valid.empty else pd.concat([train, valid], ignore_index=True)
        self.concepts = build_vocab(both["concept"])
        self.items = build_vocab(both["item"]) if self.with_items else None
        self.weights = {}
        l2 = self.l2
        if l2 is None and valid is not None and not valid.empty:
            fit_design, valid_design = (
                _Design(train, self.concepts, self.items),
                _Design(valid, self.concepts, self.items),
            )
            scores, fitted = {}, {}
            for candidate in L2_GRID:  # weakest first; each fit starts from the previous one
                self.weights = fitted[candidate] = self._train(fit_design, candidate)
                scores[candidate] = auc(valid_design.correct, self._probability(valid_design))
            l2 = max(scores, key=lambda k: (np.nan_to_num(scores[k], nan=-1.0), k))
            self.weights = fitted[l2]
        self.selected_l2 = L2_GRID[1] if l2 is None else l2
        self.weights = self._train(_Design(both, self.concepts, self.items), self.selected_l2)

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        """P(right) per row; unseen concepts and items get zero deviations (the shared terms only)."""
        if len(frame) == 0:
            return np.zeros(0)
        return self._probability(_Design(frame, self.concepts, self.items))

    def _logit(self, d: _Design, w: dict[str, torch.Tensor]) -> torch.Tensor:
        per_concept = w["concept"][d.concept]  # (rows, 3): easiness, success slope, failure slope
        z = (
            w["shared"][0]
            + per_concept[:, 0]
            + (w["shared"][1] + per_concept[:, 1]) * d.successes
            + (w["shared"][2] + per_concept[:, 2]) * d.failures
        )
        if self.with_items:
            z = z + w["item"][d.item]
        return z

    def _probability(self, d: _Design) -> np.ndarray:
        """P(right) per original row of the design."""
        with torch.no_grad():
            p = torch.sigmoid(self._logit(d, self.weights)).numpy()
        return np.asarray(p[d.inverse], dtype=np.float64)

    def _scales(self, d: _Design, l2: float) -> dict[str, torch.Tensor]:
        """Diagonal preconditioner: 1 / sqrt(approximate Hessian diagonal) of each weight.

        Item columns range from one answer to thousands, which leaves L-BFGS crawling
        (hundreds of iterations on assist2009); optimising ``w / scale`` instead makes the
        curvature roughly uniform.
        """
        count = d.right + d.wrong
        columns = (torch.ones_like(count), d.successes**2, d.failures**2)
        size = len(self.concepts) + 1
        shared = torch.stack([(count * c).sum() for c in columns])
        concept = torch.stack([torch.bincount(d.concept, count * c, minlength=size) for c in columns], dim=1)
        scales = {"shared": 0.25 * shared, "concept": 0.25 * concept + 2 * l2}
        if self.with_items and self.items is not None:
            scales["item"] = 0.25 * torch.bincount(d.item, count, minlength=len(self.items) + 1) + 2 * l2
        n = max(d.rows, 1)
        return {key: torch.sqrt(n / (value + 1e-3)) for key, value in scales.items()}

    def _train(self, d: _Design, l2: float) -> dict[str, torch.Tensor]:
        """Minimise mean log loss + l2 * (sum of squared per-concept/item weights) / rows.

        Starts from the current weights when they fit this vocabulary, so the L2 grid and the
        final refit converge in a few iterations.
        """
        n = max(d.rows, 1)
        scales = self._scales(d, l2)
        u = {
            key: (
                self.weights[key] / scale
                if key in self.weights and self.weights[key].shape == scale.shape
                else torch.zeros_like(scale)
            ).requires_grad_(True)
            for key, scale in scales.items()
        }
        optimizer = torch.optim.LBFGS(
            list(u.values()), lr=1.0, max_iter=self.max_iter, history_size=20, line_search_fn="strong_wolfe"
        )

        def closure() -> torch.Tensor:
            optimizer.zero_grad()
            w = {key: u[key] * scales[key] for key in u}
            z = self._logit(d, w)
            nll = (d.right * torch.nn.functional.softplus(-z) + d.wrong * torch.nn.functional.softplus(z)).sum()
            penalty = sum((v[1:] ** 2).sum() for k, v in w.items() if k != "shared")
            loss: torch.Tensor = (nll + l2 * penalty) / n
            loss.backward()  # type: ignore[no-untyped-call]
            return loss

        optimizer.step(closure)  # type: ignore[no-untyped-call]
        with torch.no_grad():
            w = {key: u[key].detach() * scales[key] for key in u}
            for key in ("concept", "item"):
                if key in w:
                    w[key][UNKNOWN] = 0.0  # never trained; unknown values get the shared terms only
        return w
