"""PathwiseKT: the text-initialised knowledge-tracing model (fit, predict, save, load).

Concept representations start from the bundled sentence encoder's embeddings of the
concepts' text and the encoder itself is fine-tuned end to end with the GRU (at a
small learning rate). Items with text (``TrainingArguments.item_texts``) get a vector
and a difficulty read from their wording, and new items are placed by it
(``add_items``). Where there is no text the model uses learned id embeddings only
(``use_text=False``, or no text given). Early stopping on validation AUC; TensorBoard
logs when a log folder is given.

The model is assembled from ``tkt_config.py`` (its knobs), ``tkt_inference.py`` (a
trained network's inputs, prediction, growth and persistence) and this module's
training loop; ``tkt_model.py`` is the network itself.
"""

from __future__ import annotations

import copy
import logging
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch

from ml.mastery.base import TrainingArguments
from ml.mastery.item_stats import ITEM_FEATURES, ItemStats
from ml.mastery.metrics import evaluate_predictions
from ml.mastery.peers import PeersOutOfTime, PeerStats
from ml.mastery.protocol import scored_mask
from ml.mastery.tkt_config import TKTConfig
from ml.mastery.tkt_inference import PEERS_FILE, TKTInference, batches, fused
from ml.mastery.tkt_model import TextKTNet
from ml.mastery.windows import Vocabulary, Windows, build_windows

__all__ = ["ITEM_FEATURES", "PEERS_FILE", "PathwiseKT", "TKTConfig"]

log = logging.getLogger(__name__)

PEERS_BUDGET_SHARE = 0.5  # past this share of a time budget, a network is trained without peer features


class PathwiseKT(TKTInference):
    """The main mastery model; ``name`` is ``pathwise`` (``pathwise-id`` without text)."""

    # --- training -------------------------------------------------------------------------
    def fit(self, train: pd.DataFrame, valid: pd.DataFrame | None, args: TrainingArguments) -> None:
        """Train on ``train``; early-stop on ``valid`` AUC (other students).

        A time budget (``args.max_train_seconds``) counts from here, features included,
        and is checked after every batch: on a log of millions of rows one epoch alone
        can outlast it. The partial epoch is still validated and may be kept.
        """
        began = time.monotonic()
        deadline = None if args.max_train_seconds is None else began + args.max_train_seconds
        torch.manual_seed(args.seed)
        np.random.seed(args.seed)
        torch.set_num_threads(args.threads)
        self._frozen_text = self._last_text = None
        self.texts = {str(k): str(v) for k, v in args.texts.items() if str(v).strip()}
        self.concepts = Vocabulary.build([*train["concept"].astype(str), *self.texts])
        use_item_text = self.config.use_text and self.config.item_text
        # texts of items not in training wait here until a table names them (predict places them)
        self.item_texts = (
            {str(k): str(v) for k, v in args.item_texts.items() if str(v).strip()} if use_item_text else {}
        )
        self.items = Vocabulary.build(list(train["item"].astype(str)))
        worded = any(i in self.item_texts for i in self.items.names)
        self.item_text_table = self._item_text_embeddings(self.items.names) if worded else None
        text_dim = 0
        if self._uses_text():
            from ml.encoder import TextEncoder

            self.encoder = self._given_encoder if self._given_encoder is not None else TextEncoder()
            text_dim = self.encoder.dim
        # the features come before the network: peer features that outlast their time are left out
        self.item_stats = ItemStats.fit(train, item_text=self._item_text_rows(self.items.names))
        extra = self.item_features(train, leave_one_out=True)
        prior = self.item_stats.concept_prior(train["concept"].to_numpy())  # what a row's residuals are against
        if self.config.cohort_features:
            extra = np.hstack([extra, self.cohort.fit(train, prior)])
        if self.config.peer_features:
            extra = self._with_peer_features(train, prior, extra, began, args)
        cfg = self.config
        self.net = TextKTNet(
            len(self.concepts.names), len(self.items.names), len(self.feature_names()),
            text_dim=text_dim, dim=cfg.dim, dropout=cfg.dropout, step_features=cfg.step_features,
            item_text_dim=self._item_text_dim(),
        )  # fmt: skip
        if not cfg.item_vectors:
            self.net.item.requires_grad_(False)
        groups: list[dict[str, Any]] = [
            {"params": [p for p in self.net.parameters() if p.requires_grad], "lr": cfg.learning_rate}
        ]
        if self.encoder is not None and cfg.finetune_encoder:
            groups.append({"params": self.encoder.parameters(), "lr": cfg.encoder_learning_rate})
        elif self.encoder is not None:
            self.encoder.requires_grad_(False)
        optimizer = torch.optim.AdamW(groups, weight_decay=cfg.weight_decay)
        windows = build_windows(train, self.concepts, self.items, window=cfg.window, extra=extra)
        # the validation rows' inputs do not change while training: built once, not per epoch
        valid_windows = self._inference_windows(valid) if valid is not None and len(valid) else None
        # small data sets still get enough optimiser steps per epoch (at least ~25)
        batch_size = min(args.batch_size, max(4, len(windows.lengths) // 25))
        # every row weighs the same whichever batch it falls in (batches hold different numbers of rows)
        per_epoch = -(-len(windows.lengths) // batch_size)  # batches
        self._rows_per_batch = max(1.0, windows.n_rows / per_epoch)
        writer = _writer(args.log_dir)
        snapshots: list[tuple[float, dict[str, Any]]] = []  # the best epochs so far, best first
        stale, rng = 0, np.random.default_rng(args.seed)
        stage = f"{args.label or self.name} training"
        validation_seconds = 0.0  # the last validation pass: left in reserve when a budget runs out
        if self.encoder is not None and (cfg.encoder_epochs <= 0 or not cfg.finetune_encoder):
            self._freeze_encoder()  # read from a table from the first batch: --freeze-encoder ran it for an epoch
        encoder_deadline = (
            None
            if self.encoder is None or args.max_train_seconds is None
            else began + cfg.encoder_budget_share * args.max_train_seconds
        )
        for epoch in range(args.max_epochs):
            self.net.train()
            if self.encoder is not None:
                self.encoder.train()
            losses: list[float] = []
            out_of_time = False
            for batch in batches(windows, batch_size, rng):
                loss = self._loss(windows, batch)
                optimizer.zero_grad()
                loss.backward()  # type: ignore[no-untyped-call]  # torch leaves Tensor.backward unannotated
                torch.nn.utils.clip_grad_norm_(self.net.parameters(), 5.0)
                optimizer.step()
                losses.append(float(loss.detach()))
                if args.progress is not None:
                    args.progress(stage, epoch * per_epoch + len(losses), args.max_epochs * per_epoch)
                if deadline is not None and time.monotonic() + validation_seconds > deadline:
                    out_of_time = True
                    break
                if encoder_deadline is not None and self._frozen_text is None and time.monotonic() > encoder_deadline:
                    log.info(
                        "%s: encoder frozen in epoch %d (its share of the time budget is spent)",
                        args.label or self.name, epoch + 1,
                    )  # fmt: skip
                    self._freeze_encoder()
            if self.encoder is not None and self._frozen_text is None and epoch + 1 >= cfg.encoder_epochs:
                self._freeze_encoder()
            record = {"epoch": epoch, "train_loss": float(np.mean(losses))}
            if valid is not None and valid_windows is not None:
                validating = time.monotonic()
                p = self._predict_windows(valid_windows, len(valid))
                mask = scored_mask(valid)
                record["valid_auc"] = evaluate_predictions(valid["correct"].to_numpy()[mask], p[mask])["auc"]
                validation_seconds = time.monotonic() - validating
            self.history.append(record)
            if epoch == 0:
                self.first_epoch_seconds = time.monotonic() - began
            log.info(
                "%s epoch %d%s: train loss %.4f%s (%.0f s)", args.label or self.name, epoch + 1,
                f" (stopped after {len(losses)} of {per_epoch} batches: out of time)" if out_of_time else "",
                record["train_loss"], f", valid AUC {record['valid_auc']:.4f}" if "valid_auc" in record else "",
                time.monotonic() - began,
            )  # fmt: skip
            if writer is not None:
                for key, value in record.items():
                    if key != "epoch":
                        writer.add_scalar(key, value, epoch)
            score = record.get("valid_auc", -record["train_loss"])
            stale = 0 if not snapshots or score > snapshots[0][0] else stale + 1
            snapshots.append((score, self._snapshot()))
            snapshots = sorted(snapshots, key=lambda pair: -pair[0])[: cfg.average_best]
            out_of_time = out_of_time or (deadline is not None and time.monotonic() + validation_seconds > deadline)
            if stale >= args.patience or out_of_time:
                break
        if snapshots:
            self._restore(_average([snap for _, snap in snapshots]))
        if writer is not None:
            writer.close()
        self._freeze_texts()

    def _with_peer_features(
        self, train: pd.DataFrame, prior: np.ndarray, extra: np.ndarray, began: float, args: TrainingArguments
    ) -> np.ndarray:
        """``extra`` with the peer features beside it, or without them if finding neighbours outlasts its time.

        The neighbour search cannot be cut short like an epoch, and on a log where every
        attempt meets a new concept it took 81 s a network: past half a time budget, the
        network is trained (and saved) without peer features rather than not at all.
        """
        deadline = None if args.max_train_seconds is None else began + PEERS_BUDGET_SHARE * args.max_train_seconds
        try:
            self.peers, peer_rows = PeerStats.fit(train, prior, deadline=deadline)
        except PeersOutOfTime:
            log.warning(
                "%s: peer features left out: finding neighbours outlasted %.0f s, %.0f%% of the time budget",
                args.label or self.name, time.monotonic() - began, 100 * PEERS_BUDGET_SHARE,
            )  # fmt: skip
            self.config = replace(self.config, peer_features=False)
            self.peers = PeerStats()
            return extra
        return np.hstack([extra, peer_rows])

    def _loss(self, windows: Windows, batch: np.ndarray) -> torch.Tensor:
        assert self.net is not None
        padded = windows.batch(batch)
        concepts = torch.from_numpy(padded.concepts)
        text = self._frozen_text
        if self.encoder is not None and text is None:
            text = self._batch_text(torch.unique(concepts))
        vectors = self.net.concept_vectors(text)
        logits, _ = self.net(
            vectors, concepts, torch.from_numpy(padded.items), torch.from_numpy(padded.correct),
            torch.from_numpy(padded.features), lengths=torch.from_numpy(padded.lengths),
            item_text=self.item_text_table,
        )  # fmt: skip
        mask = torch.from_numpy(padded.rows >= 0)
        labels = torch.from_numpy(padded.labels)
        if self.config.fuse_siblings:
            logits = fused(logits, mask)
        losses = torch.nn.functional.binary_cross_entropy_with_logits(logits[mask], labels[mask], reduction="none")
        return losses.sum() / self._rows_per_batch

    def _batch_text(self, present: torch.Tensor) -> torch.Tensor:
        """Every concept's text embedding for one training batch, with gradients where encoded.

        At most ``encoder_texts_per_batch`` of the batch's concepts (chosen at random) go
        through the encoder; the others read the embedding they last had, detached. A log
        with a thousand worded skills put them all in one batch: 18 s a batch on 2 cores,
        so the budget ran out within the first epoch.
        """
        limit = self.config.encoder_texts_per_batch
        table = torch.zeros(len(self.concepts.names), self.encoder.dim)
        if limit > 0 and len(present) > limit:
            if self._last_text is None:
                self.encoder.eval()  # the starting table without dropout's noise
                self._last_text = self._text_embeddings(self.concepts.names, grad=False)
                self.encoder.train()
            table = self._last_text.clone()
            present = present[torch.randperm(len(present))[:limit]]
        encoded = self._text_embeddings([self.concepts.names[i] for i in present.tolist()], grad=True)
        if self._last_text is not None:
            self._last_text[present] = encoded.detach()
        return table.index_put((present,), encoded)

    def _freeze_encoder(self) -> None:
        """Stop fine-tuning the encoder; later epochs read its embeddings from a table."""
        self.encoder.eval()
        self.encoder.requires_grad_(False)
        self._frozen_text = self._text_embeddings(self.concepts.names, grad=False)
        self._last_text = None

    def _snapshot(self) -> dict[str, Any]:
        assert self.net is not None
        return {
            "net": copy.deepcopy(self.net.state_dict()),
            "encoder": copy.deepcopy(self.encoder.state_dict()) if self.encoder is not None else None,
        }

    def _restore(self, snap: dict[str, Any]) -> None:
        assert self.net is not None
        self.net.load_state_dict(snap["net"])
        if self.encoder is not None and snap["encoder"] is not None:
            self.encoder.load_state_dict(snap["encoder"])

    def _freeze_texts(self) -> None:
        """Embed every known concept's text once, for inference without the encoder."""
        if self.encoder is not None:
            self.encoder.eval()
            self.text_table = self._text_embeddings(self.concepts.names, grad=False)


def _average(snapshots: list[dict[str, Any]]) -> dict[str, Any]:
    """The element-wise mean of several snapshots' weights (one snapshot: itself)."""
    if len(snapshots) == 1:
        return snapshots[0]
    out: dict[str, Any] = {}
    for part in ("net", "encoder"):
        if snapshots[0][part] is None:
            out[part] = None
            continue
        out[part] = {
            key: (torch.stack([s[part][key].float() for s in snapshots]).mean(0).to(value.dtype))
            for key, value in snapshots[0][part].items()
        }
    return out


def _writer(log_dir: Path | None) -> Any:
    if log_dir is None:
        return None
    try:
        from torch.utils.tensorboard import SummaryWriter
    except ImportError:  # tensorboard is optional
        return None
    return SummaryWriter(str(log_dir))
