"""PathwiseKT's architecture and fine-tuning knobs, each beside what measured its default.

The defaults are the ones the served model is trained with; the comments say which
data set and which cost chose them, so a knob is changed knowing what it was set against.
"""

from __future__ import annotations

from dataclasses import dataclass

from ml.mastery.windows import WINDOW

__all__ = ["TKTConfig"]


@dataclass(frozen=True)
class TKTConfig:
    """Architecture and fine-tuning knobs."""

    dim: int = 64
    dropout: float = 0.2
    use_text: bool = True
    finetune_encoder: bool = True  # False: the bundled encoder stays as shipped and is not saved
    encoder_learning_rate: float = 2e-5
    encoder_epochs: int = 3  # fine-tune the encoder this many epochs, then freeze it (its cost dominates an epoch)
    # at most this many of a batch's concepts go through the encoder with gradients (~15 ms each on 2 cores);
    # the rest read the embedding they last had. ASSISTments 2009 (110 skills) never reaches it
    encoder_texts_per_batch: int = 128
    # ... and fine-tuning stops once it has used this share of a time budget, so the network's own (far
    # cheaper) epochs keep the rest. ASSISTments 2009's three encoder epochs take 131 s of the first
    # member's 280 s on two threads, 209 s on one beside another run (where this would cut a batch or two)
    encoder_budget_share: float = 0.75
    weight_decay: float = 1e-5
    window: int = WINDOW
    item_text: bool = True  # items with text get a vector and difficulty from it (where texts are given)
    item_vectors: bool = False  # True overfits on ASSISTments 2009 (items average ~15 answers)
    learning_rate: float = 3e-3
    step_features: bool = True  # the GRU also reads each attempt's row features (expected vs. outcome)
    fuse_siblings: bool = True  # one prediction per attempt: the mean logit of its rows (they share the answer)
    average_best: int = 3  # the weights kept are the mean of this many best epochs (by validation AUC)
    cohort_features: bool = True  # rows also say how training students who began with the same concepts did
    # ... and how those who worked on the same concepts did (peers.py). Off by default: +0.001 AUC on
    # ASSISTments 2015, but each new concept set a student reaches costs a neighbour search when serving
    peer_features: bool = False
