"""A PathwiseKT network in use: its inputs, inference, growth and persistence (no training).

``TKTInference`` holds what a trained network needs to answer: the concept and item
vocabularies, their texts and text tables, and the row features beyond the history
(item, cohort, peers). It predicts a canonical table, places new concepts and items by
their text without retraining, and saves and loads itself. ``tkt.PathwiseKT`` adds the
training loop; a loaded model is one too.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any, Self

import numpy as np
import pandas as pd
import torch
from safetensors.torch import load_file, save_file

from ml.mastery.cohort import COHORT_FEATURES, CohortStats
from ml.mastery.features import FEATURE_NAMES, FeatureState
from ml.mastery.item_stats import ITEM_FEATURES, ItemStats
from ml.mastery.peers import PEER_FEATURES, PeerStats
from ml.mastery.table_inputs import TableInputs
from ml.mastery.tkt_config import TKTConfig
from ml.mastery.tkt_model import TextKTNet
from ml.mastery.windows import Vocabulary, Windows, build_windows

__all__ = ["PEERS_FILE", "TKTInference", "batches", "fused"]

PEERS_FILE = "peers.npz"  # beside config.json: the peer features' reference students


class TKTInference:
    """A PathwiseKT network's state and everything but its training (``tkt.PathwiseKT`` trains it)."""

    def __init__(self, config: TKTConfig | None = None, *, encoder: Any = None) -> None:
        """``encoder``: a text encoder to start from (an ensemble's members share one)."""
        self.config = config or TKTConfig()
        self._given_encoder = encoder
        self.name = "pathwise" if self.config.use_text else "pathwise-id"
        self.net: TextKTNet | None = None
        self.encoder: Any = None
        self.concepts = Vocabulary.build([])
        self.items = Vocabulary.build([])
        self.texts: dict[str, str] = {}
        self.placed: set[str] = set()  # concepts added by their text while serving (``add_concepts``)
        self.text_table: torch.Tensor | None = None  # fixed text embeddings, after training
        self.item_texts: dict[str, str] = {}
        self.placed_items: set[str] = set()  # items added by their text while serving (``add_items``)
        self.item_text_table: torch.Tensor | None = None  # items' text embeddings (bundled encoder)
        self.item_stats = ItemStats()
        self.cohort = CohortStats()
        self.peers = PeerStats()
        self.history: list[dict[str, float]] = []
        self.first_epoch_seconds = 0.0  # from the start of fit, features included: what a member needs at least
        self._rows_per_batch = 1.0
        self._frozen_text: torch.Tensor | None = None  # concept text embeddings once the encoder is frozen
        self._last_text: torch.Tensor | None = None  # each concept's latest embedding, for batches past the cap

    # --- text ----------------------------------------------------------------------------
    def _uses_text(self) -> bool:
        return self.config.use_text and bool(self.texts)

    def _text_embeddings(self, names: list[str], *, grad: bool) -> torch.Tensor:
        """Embeddings of the concepts' texts (zeros for concepts without text)."""
        out = torch.zeros(len(names), self.encoder.dim if self.encoder is not None else 384)
        with_text = [(i, self.texts[n]) for i, n in enumerate(names) if n in self.texts]
        if with_text and self.encoder is not None:
            idx = torch.tensor([i for i, _ in with_text])
            with torch.set_grad_enabled(grad):
                emb = self.encoder([t for _, t in with_text])
            out = out.index_put((idx,), emb)
        return out

    def _item_text_embeddings(self, names: Sequence[str]) -> torch.Tensor:
        """Item texts embedded by the bundled encoder as published (zero rows without text).

        Not the fine-tuned encoder: an item added while serving is embedded the way the
        network saw items in training.
        """
        from ml.encoder import embed_with_bundled

        with_text = [(i, self.item_texts[n]) for i, n in enumerate(names) if n in self.item_texts]
        table = embed_with_bundled([t for _, t in with_text])
        out = torch.zeros(len(names), table.shape[1] if len(with_text) else 384)
        if with_text:
            out[torch.tensor([i for i, _ in with_text])] = table
        return out

    def _item_text_rows(self, items: Iterable[str]) -> dict[str, np.ndarray]:
        """Text embeddings of these items (those in the vocabulary with text), by id."""
        if self.item_text_table is None:
            return {}
        index = self.items.index
        return {i: self.item_text_table[index[i]].numpy() for i in items if i in self.item_texts and i in index}

    def _item_text_dim(self) -> int:
        return int(self.item_text_table.shape[1]) if self.item_text_table is not None else 0

    def feature_names(self) -> list[str]:
        """The row features the network reads, in order (history, item, cohort, peers)."""
        cohort = COHORT_FEATURES if self.config.cohort_features else ()
        peers = PEER_FEATURES if self.config.peer_features else ()
        return [*FEATURE_NAMES, *ITEM_FEATURES, *cohort, *peers]

    # --- row features beyond the history ---------------------------------------------------
    def item_features(self, frame: pd.DataFrame, *, leave_one_out: bool = False) -> np.ndarray:
        """Each row's item difficulty and count in training (``ItemStats.features``)."""
        return self.item_stats.features(frame, leave_one_out=leave_one_out)

    def item_feature_rows(self, item: str, concepts: list[str]) -> np.ndarray:
        """``item_features`` of one attempt's rows (online inference: no table to build)."""
        return self.item_stats.rows(item, concepts)

    def row_extras(self, frame: pd.DataFrame, inputs: TableInputs | None = None) -> np.ndarray:
        """The features appended to the history features: item, cohort, peers (inference)."""
        extra = self.item_features(frame)
        if self.config.cohort_features:
            keys = inputs.cohort_keys if inputs is not None else None
            extra = np.hstack([extra, self.cohort.features(frame, keys)])
        if self.config.peer_features:
            extra = np.hstack([extra, self.peers.features(frame)])
        return extra

    def context_rows(self, history: FeatureState, concepts: Sequence[str]) -> np.ndarray:
        """Cohort and peer features of rows on ``concepts`` after ``history`` (online inference).

        No columns for what the model was trained without.
        """
        parts = [np.zeros((len(concepts), 0))]
        if self.config.cohort_features:
            parts.append(self.cohort.rows(history.first_concepts, concepts))
        if self.config.peer_features:
            parts.append(self.peers.rows(history.on_concept.keys(), concepts))
        return np.hstack(parts)

    # --- inference -------------------------------------------------------------------------
    def concept_vectors(self) -> torch.Tensor:
        """Vectors of every concept in the vocabulary, for inference."""
        assert self.net is not None
        with torch.no_grad():
            if self.text_table is not None or self.encoder is None:
                return self.net.concept_vectors(self.text_table)
            if self._frozen_text is not None:  # validating after the encoder froze: its table is current
                return self.net.concept_vectors(self._frozen_text)
            training = self.encoder.training
            self.encoder.eval()  # validating while the encoder is fine-tuned: without dropout's noise
            try:
                return self.net.concept_vectors(self._text_embeddings(self.concepts.names, grad=False))
            finally:
                self.encoder.train(training)

    def add_concepts(self, texts: Mapping[str, str]) -> None:
        """Make new concepts known without retraining: placed by their text alone."""
        new = [c for c in texts if c not in self.concepts.index]
        if not new or self.net is None:
            return
        given = {c: texts[c] for c in new if texts[c].strip()}
        self.texts.update(given)
        try:  # first what can fail (an encoder that does not load): a failure leaves the model as it was
            extra = self._new_text_embeddings(new) if self.text_table is not None else None
        except BaseException:
            for concept in given:
                self.texts.pop(concept, None)
            raise  # it grew the concepts but not the text table: every later estimate failed (index 93 of 91)
        self.placed.update(new)
        self.concepts = Vocabulary([*self.concepts.names, *new])
        _grow(self.net, ("concept_id", "concept_bias"), len(self.concepts.names))
        if extra is not None and self.text_table is not None:
            self.text_table = torch.cat([self.text_table, extra])

    def unplace_concepts(self, ids: Iterable[str]) -> list[str]:
        """Forget the concepts ``add_concepts`` placed among ``ids`` (deleted from the curriculum); which were.

        A concept created again under one of the ids is then placed afresh by its own text
        at its first attempt, as after a restart; it kept the deleted one's vector. Their
        rows stay, under a name no id can have (the other indices do not move). Concepts
        the network was trained on keep theirs: a restart has them too.
        """
        gone = [c for c in dict.fromkeys(ids) if c in self.placed]
        if gone:
            self.concepts = _renamed_away(self.concepts, gone)
            for c in gone:
                self.texts.pop(c, None)
                self.placed.discard(c)
        return gone

    def _new_text_embeddings(self, names: list[str]) -> torch.Tensor:
        if self.encoder is None and self._encoder_folder is not None:
            from ml.encoder import TextEncoder

            self.encoder = TextEncoder(self._encoder_folder if self._encoder_folder != Path() else None)
            self.encoder.eval()
        return self._text_embeddings(names, grad=False)

    _encoder_folder: Path | None = None

    def add_items(self, texts: Mapping[str, str]) -> None:
        """Make new items known without retraining: placed by their text (a model trained with item texts).

        Without item texts in training the network has nothing to read a text with, and
        a new item stays the unknown item (its concept's average difficulty).
        """
        new = [i for i, t in texts.items() if i not in self.items.index and t.strip()]
        if not new or self.net is None or self.item_text_table is None:
            return
        self.item_texts.update({i: texts[i] for i in new})
        try:  # as add_concepts: what can fail first
            extra = self._item_text_embeddings(new)
        except BaseException:
            for item in new:
                self.item_texts.pop(item, None)
            raise
        self.placed_items.update(new)
        self.items = Vocabulary([*self.items.names, *new])
        _grow(self.net, ("item", "item_bias"), len(self.items.names))
        self.item_text_table = torch.cat([self.item_text_table, extra])
        self.item_stats.add_item_texts(self._item_text_rows(new))

    def unplace_items(self, ids: Iterable[str]) -> list[str]:
        """Forget the items ``add_items`` placed among ``ids`` (deleted, or reworded); which were.

        An exercise deleted and created again under its id, or given new wording, kept
        the old wording's placement until a restart read the new one. Its row stays under
        a name no id can have, as ``unplace_concepts`` does; items the network was trained
        on keep theirs, as a restart does.
        """
        gone = [i for i in dict.fromkeys(ids) if i in self.placed_items]
        if gone:
            self.items = _renamed_away(self.items, gone)
            for item in gone:
                self.item_texts.pop(item, None)
                self.item_stats.text_offset.pop(item, None)
                self.placed_items.discard(item)
        return gone

    def predict(self, frame: pd.DataFrame, inputs: TableInputs | None = None) -> np.ndarray:
        """One-step-ahead probabilities for every row of a canonical table.

        ``inputs``: the table's member-independent inputs, when an ensemble shares them.
        """
        assert self.net is not None
        unseen = {
            str(c): self.texts.get(str(c), "") for c in frame["concept"].unique() if c and c not in self.concepts.index
        }
        if unseen and self._uses_text():
            self.add_concepts({c: t for c, t in unseen.items() if t})
        if self.item_text_table is not None:  # exercises whose wording came with the training texts
            self.add_items(
                {str(i): self.item_texts[str(i)] for i in frame["item"].unique() if str(i) in self.item_texts}
            )
        return self._predict_windows(self._inference_windows(frame, inputs), len(frame))

    def _inference_windows(self, frame: pd.DataFrame, inputs: TableInputs | None = None) -> Windows:
        extra = self.row_extras(frame, inputs)
        history = inputs.history if inputs is not None else None
        return build_windows(frame, self.concepts, self.items, window=self.config.window, extra=extra, history=history)

    def _predict_windows(self, windows: Windows, n_rows: int) -> np.ndarray:
        assert self.net is not None
        self.net.eval()
        vectors = self.concept_vectors()
        out = np.zeros(n_rows, dtype=np.float64)
        with torch.no_grad():
            for batch in batches(windows, 256, None):
                padded = windows.batch(batch)
                logits, _ = self.net(
                    vectors, torch.from_numpy(padded.concepts), torch.from_numpy(padded.items),
                    torch.from_numpy(padded.correct), torch.from_numpy(padded.features),
                    lengths=torch.from_numpy(padded.lengths), item_text=self.item_text_table,
                )  # fmt: skip
                rows = padded.rows
                mask = rows >= 0
                if self.config.fuse_siblings:
                    logits = fused(logits, torch.from_numpy(mask))
                out[rows[mask]] = torch.sigmoid(logits).numpy()[mask]
        return out

    # --- persistence -------------------------------------------------------------------------
    def save(self, folder: Path, *, with_encoder: bool = True) -> None:
        """Weights (safetensors), a JSON config, and the fine-tuned encoder when used (and wanted)."""
        assert self.net is not None
        folder.mkdir(parents=True, exist_ok=True)
        tensors = {f"net.{k}": v.contiguous() for k, v in self.net.state_dict().items()}
        if self.text_table is not None:
            tensors["text_table"] = self.text_table.contiguous()
        if self.item_text_table is not None:
            tensors["item_text_table"] = self.item_text_table.contiguous()
        save_file(tensors, str(folder / "model.safetensors"))
        config = {
            "model": self.name,
            "config": asdict(self.config),
            "text_dim": self.net.text_dim,
            "concepts": self.concepts.names,
            "items": self.items.names,
            "texts": self.texts,
            "item_texts": {i: t for i, t in self.item_texts.items() if i in self.items.index},
            "features": self.feature_names(),
            **self.item_stats.to_json(),
            "history": self.history,
            "cohort": self.cohort.to_json(),
        }
        (folder / "config.json").write_text(json.dumps(config, indent=1))
        if self.config.peer_features:
            self.peers.save(folder / PEERS_FILE)
        if self.encoder is not None and self.config.finetune_encoder and with_encoder:
            self.encoder.save(folder / "encoder")

    @classmethod
    def load(cls, folder: Path) -> Self:
        """Load a saved model; the encoder is loaded only if a new concept needs it."""
        config = json.loads((folder / "config.json").read_text())
        # models saved before cohort or peer features existed were trained without them
        model = cls(TKTConfig(**{"cohort_features": False, "peer_features": False, **config["config"]}))
        expected = model.feature_names()
        if config["features"] != expected:
            raise ValueError(
                f"the model in {folder} was trained on features {config['features']}, this code computes "
                f"{expected}: retrain it with `pathwise train mastery`"
            )
        model.concepts = Vocabulary(config["concepts"])
        model.items = Vocabulary(config["items"])
        model.texts = dict(config["texts"])
        model.item_texts = dict(config.get("item_texts", {}))
        model.history = list(config.get("history", []))
        model.item_stats = ItemStats.from_json(config)
        if "cohort" in config:
            model.cohort = CohortStats.from_json(config["cohort"])
        if model.config.peer_features:
            model.peers = PeerStats.load(folder / PEERS_FILE)
        tensors = load_file(str(folder / "model.safetensors"))
        model.item_text_table = tensors.get("item_text_table")
        model.net = TextKTNet(
            len(model.concepts.names), len(model.items.names), len(config["features"]),
            text_dim=int(config["text_dim"]), dim=model.config.dim, dropout=model.config.dropout,
            step_features=model.config.step_features, item_text_dim=model._item_text_dim(),
        )  # fmt: skip
        model.net.load_state_dict({k[4:]: v for k, v in tensors.items() if k.startswith("net.")})
        model.net.eval()
        model.text_table = tensors.get("text_table")
        if (folder / "encoder").exists():
            model._encoder_folder = folder / "encoder"
        elif model.config.use_text and model.text_table is not None:
            model._encoder_folder = Path()  # the bundled encoder, as it was not fine-tuned
        return model


def _grow(net: torch.nn.Module, tables: Sequence[str], rows: int) -> None:
    """Lengthen embedding tables of ``net`` to ``rows``; the new rows start at zero (neutral: no offset, no bias)."""
    for name in tables:
        table: torch.nn.Embedding = getattr(net, name)
        grown = torch.nn.Embedding(rows, table.embedding_dim, padding_idx=0)
        with torch.no_grad():
            grown.weight.zero_()
            grown.weight[: table.num_embeddings] = table.weight
        grown.requires_grad_(table.weight.requires_grad)
        setattr(net, name, grown)


def fused(logits: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Every row of an attempt gets the attempt's mean logit (B x T x K in and out)."""
    present = mask.to(logits.dtype)
    mean = (logits * present).sum(-1, keepdim=True) / present.sum(-1, keepdim=True).clamp(min=1.0)
    return mean.expand_as(logits)


def batches(windows: Windows, size: int, rng: np.random.Generator | None) -> Iterator[np.ndarray]:
    """Batches of window indices; shuffled when ``rng`` is given, else by length (fast).

    Training batches are fully shuffled: batches sorted by length, even within pools of
    eight batches, cost 0.004 AUC on ASSISTments 2009 for a 2.5x faster epoch.
    """
    order = rng.permutation(len(windows.lengths)) if rng is not None else np.argsort(windows.lengths)
    for start in range(0, len(order), size):
        yield order[start : start + size]


def _renamed_away(vocabulary: Vocabulary, names: Sequence[str]) -> Vocabulary:
    """The vocabulary with these names' rows renamed to what no id can be: the rows stay, no index moves."""
    renamed = list(vocabulary.names)
    for name in names:
        row = vocabulary.index[name]
        renamed[row] = f"\x00unplaced {row}"  # no id holds a control character
    return Vocabulary(renamed)
