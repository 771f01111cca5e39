"""The Pathwise knowledge-tracing network: forward only (pykt's one-module-per-file shape).

A GRU reads a student's attempts; each prediction combines its state before the
attempt with the attempt's concept and item representations and the row's history
features. A concept's representation is a projection of its text embedding (from the
fine-tuned sentence encoder) plus a learned id embedding that starts at zero, so a
concept nobody has attempted yet is placed by its text alone. Items with text (an
exercise's wording) get the same: a projection of the text's embedding added to the
item's vector and a linear read of it added to the item's bias (its difficulty), both
starting at zero, so a new exercise is placed by what it says.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

__all__ = ["TextKTNet"]


class TextKTNet(nn.Module):
    """Shapes: B windows x T attempts x K concepts per attempt (padded, index 0 = none)."""

    def __init__(
        self,
        n_concepts: int,
        n_items: int,
        n_features: int,
        *,
        text_dim: int,
        dim: int = 64,
        dropout: float = 0.2,
        step_features: bool = False,
        item_text_dim: int = 0,
    ) -> None:
        super().__init__()
        self.step_features = step_features
        self.text_dim = text_dim
        self.item_text_dim = item_text_dim
        self.text_proj = nn.Linear(text_dim, dim, bias=False) if text_dim else None
        self.concept_id = nn.Embedding(n_concepts, dim, padding_idx=0)
        nn.init.zeros_(self.concept_id.weight)
        if self.text_proj is None:
            nn.init.normal_(self.concept_id.weight, std=0.1)
        self.concept_bias = nn.Embedding(n_concepts, 1, padding_idx=0)
        nn.init.zeros_(self.concept_bias.weight)
        self.item = nn.Embedding(n_items, dim, padding_idx=0)
        nn.init.normal_(self.item.weight, std=0.01)
        with torch.no_grad():
            self.item.weight[0].zero_()  # "no item" is the neutral item
        self.item_bias = nn.Embedding(n_items, 1, padding_idx=0)
        nn.init.zeros_(self.item_bias.weight)
        self.item_text_proj = nn.Linear(item_text_dim, dim, bias=False) if item_text_dim else None
        self.item_text_bias = nn.Linear(item_text_dim, 1, bias=False) if item_text_dim else None
        for layer in (self.item_text_proj, self.item_text_bias):
            if layer is not None:
                nn.init.zeros_(layer.weight)
        self.step = nn.Linear(3 * dim + 1 + (2 * n_features if step_features else 0), dim)
        self.gru = nn.GRU(dim, dim, batch_first=True)
        self.head = nn.Sequential(
            nn.Linear(4 * dim + n_features, 2 * dim), nn.ReLU(), nn.Dropout(dropout), nn.Linear(2 * dim, 1)
        )
        self.dropout = nn.Dropout(dropout)

    def concept_vectors(self, text_embeddings: torch.Tensor | None) -> torch.Tensor:
        """All concept vectors (row 0 is padding): text projection plus id embedding."""
        vectors = self.concept_id.weight
        if self.text_proj is not None and text_embeddings is not None:
            vectors = vectors + self.text_proj(text_embeddings)
        return vectors

    def item_vectors(self, items: torch.Tensor, item_text: torch.Tensor | None = None) -> torch.Tensor:
        """Each item's vector (... x dim): learned per id, plus a projection of its wording's embedding.

        ``item_text``: the items' text embeddings (n_items x item_text_dim; zero rows for
        items without text, padding and unknown).
        """
        vector: torch.Tensor = self.item(items)
        if self.item_text_proj is not None and item_text is not None:
            vector = vector + self.item_text_proj(item_text[items])
        return vector

    def item_biases(self, items: torch.Tensor, item_text: torch.Tensor | None = None) -> torch.Tensor:
        """Each item's bias (its difficulty, as a logit offset): learned per id, plus a linear read of its wording."""
        bias: torch.Tensor = self.item_bias(items).squeeze(-1)
        if self.item_text_bias is not None and item_text is not None:
            bias = bias + self.item_text_bias(item_text[items]).squeeze(-1)
        return bias

    def step_input(
        self,
        attempt_vector: torch.Tensor,
        item_vector: torch.Tensor,
        correct: torch.Tensor,
        features: torch.Tensor | None,
    ) -> torch.Tensor:
        """What the GRU reads for one attempt (... x dim); ``features`` are the attempt's row features (... x F).

        With ``step_features`` the GRU also reads what was expected before the attempt (item
        difficulty, the student's counts), signed by the outcome: a success on a hard item
        moves the state more than one on an easy item.
        """
        signed = (2.0 * correct - 1.0).unsqueeze(-1)
        parts = [attempt_vector, item_vector, attempt_vector * signed, correct.unsqueeze(-1)]
        if self.step_features and features is not None:
            parts += [features, features * signed]
        return torch.relu(self.step(torch.cat(parts, -1)))

    def forward(
        self,
        concept_vectors: torch.Tensor,  # n_concepts x dim
        concepts: torch.Tensor,  # B x T x K long
        items: torch.Tensor,  # B x T long
        correct: torch.Tensor,  # B x T float (attempt score)
        features: torch.Tensor,  # B x T x K x F
        state: torch.Tensor | None = None,  # 1 x B x dim GRU state before the window
        lengths: torch.Tensor | None = None,  # B attempts per window (CPU int64); None: run the padding too
        item_text: torch.Tensor | None = None,  # n_items x item_text_dim text embeddings (see item_vectors)
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Logits B x T x K for every row (zero where padded), and the GRU state after the window."""
        present = (concepts > 0).unsqueeze(-1).to(concept_vectors.dtype)
        row_vectors = concept_vectors[concepts]  # B T K D
        attempt_vector = (row_vectors * present).sum(2) / present.sum(2).clamp(min=1.0)
        item_vector = self.item_vectors(items, item_text)
        attempt_features = (features * present).sum(2) / present.sum(2).clamp(min=1.0)
        step_in = self.step_input(attempt_vector, item_vector, correct, attempt_features)
        x = self.dropout(step_in)
        if lengths is not None and state is None:  # the GRU runs over each window's real length only
            packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
            packed_out, last = self.gru(packed)
            outputs, _ = pad_packed_sequence(packed_out, batch_first=True, total_length=x.shape[1])
        else:
            outputs, last = self.gru(x, state)
        start = state.transpose(0, 1) if state is not None else torch.zeros_like(outputs[:, :1])
        before = torch.cat([start, outputs[:, :-1]], 1)  # state before each attempt
        # the head runs on real rows only (padding is most of a batch of mixed lengths)
        b, t, k = (concepts > 0).nonzero(as_tuple=True)
        h, r = before[b, t], row_vectors[b, t, k]
        head_in = torch.cat([h, r, item_vector[b, t], h * r, features[b, t, k]], -1)
        real = (
            self.head(head_in).squeeze(-1)
            + self.item_biases(items[b, t], item_text)
            + self.concept_bias(concepts[b, t, k]).squeeze(-1)
        )
        logits = torch.zeros(concepts.shape, dtype=real.dtype).index_put((b, t, k), real)
        return logits, last
