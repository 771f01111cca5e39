"""The DKT network (Piech et al. 2015): an LSTM over attempts with an output per concept."""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["DKTNet"]

State = tuple[torch.Tensor, torch.Tensor]


class DKTNet(nn.Module):
    """LSTM whose step-``t`` input is the *previous* attempt only, so step ``t``'s rows never see their own answers.

    Concept index 0 is padding and unknown concepts: its embeddings stay zero, so padded
    slots and unseen concepts add nothing to the input, and it is scored with the mean
    logit over the known concepts.
    """

    def __init__(self, n_concepts: int, hidden: int = 128, embed: int = 128, dropout: float = 0.2) -> None:
        """``n_concepts`` excludes the padding index 0."""
        super().__init__()
        self.wrong = nn.Embedding(n_concepts + 1, embed, padding_idx=0)
        self.right = nn.Embedding(n_concepts + 1, embed, padding_idx=0)
        self.lstm = nn.LSTM(embed, hidden, batch_first=True)
        self.dropout = nn.Dropout(dropout)
        self.out = nn.Linear(hidden, n_concepts)

    def forward(
        self,
        prev_concept: torch.Tensor,
        prev_correct: torch.Tensor,
        concept: torch.Tensor,
        state: State | None = None,
    ) -> tuple[torch.Tensor, State]:
        """Logits of the current rows.

        Args:
            prev_concept: (batch, steps, slots) concepts of the previous attempt's rows (0 = none).
            prev_correct: (batch, steps, slots) their scores in [0, 1]; a multi-skill attempt's
                rows are summed into one input vector.
            concept: (batch, steps, slots) concepts of the current attempt's rows.
            state: LSTM state carried over from the previous window, if any.

        Returns:
            (batch, steps, slots) logits, and the LSTM state after the last step.
        """
        y = prev_correct.unsqueeze(-1)
        x = ((1.0 - y) * self.wrong(prev_concept) + y * self.right(prev_concept)).sum(dim=2)
        h, new_state = self.lstm(x, state)
        # only the rows' own concepts are scored: every concept's logit at every step would be
        # batch x steps x concepts (4.9 GB per batch of 256 windows over 12,000 concepts)
        weight = torch.cat([self.out.weight.mean(dim=0, keepdim=True), self.out.weight])  # unknown: mean logit
        bias = torch.cat([self.out.bias.mean().reshape(1), self.out.bias])
        chosen = self.dropout(h).unsqueeze(2)  # (batch, steps, 1, hidden)
        return (chosen * weight[concept]).sum(dim=-1) + bias[concept], new_state
