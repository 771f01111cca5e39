"""The cold-start protocols: concepts, or items, nobody attempted in training.

A fraction of the concepts is withheld from training entirely (every training row on
them is dropped; a multi-skill attempt keeps its other rows). Models are then scored
on the test rows of the withheld concepts only, where an id embedding has learned
nothing and a text embedding still places the concept.

Items are withheld by name only: their training attempts stay (on their concepts, with
their answers) but no longer say which item they were, so nothing about the withheld
items themselves is learnt; the test rows on them are scored, where only an item's
wording can say how hard it is.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["withhold_concepts", "withhold_items"]


def withhold_concepts(
    train: pd.DataFrame, test: pd.DataFrame, fraction: float, seed: int
) -> tuple[pd.DataFrame, np.ndarray, list[str]]:
    """Drop ``fraction`` of the concepts from ``train``.

    Returns the reduced training table, a mask of the test rows on withheld concepts,
    and the withheld concepts.
    """
    concepts = sorted(c for c in train["concept"].unique() if c)
    rng = np.random.default_rng(seed)
    withheld = sorted(rng.choice(concepts, size=max(1, round(fraction * len(concepts))), replace=False).tolist())
    kept = train[~train["concept"].isin(withheld)].copy()
    # renumber attempts so a student's history stays 0, 1, 2... without gaps
    first = ~kept.duplicated(["student", "attempt"])
    kept["attempt"] = first.groupby(kept["student"]).cumsum().to_numpy() - 1
    return kept.reset_index(drop=True), test["concept"].isin(withheld).to_numpy(), withheld


def withhold_items(
    train: pd.DataFrame, test: pd.DataFrame, fraction: float, seed: int
) -> tuple[pd.DataFrame, np.ndarray, list[str]]:
    """Hide ``fraction`` of the items' names in ``train`` (their attempts stay, item-less).

    Returns the training table, a mask of the test rows on withheld items, and the
    withheld items.
    """
    items = sorted(i for i in train["item"].unique() if i)
    if not items:
        raise ValueError("the training attempts name no items: there is nothing to withhold")
    rng = np.random.default_rng(seed)
    withheld = sorted(rng.choice(items, size=max(1, round(fraction * len(items))), replace=False).tolist())
    hidden = train.assign(item=train["item"].where(~train["item"].isin(withheld), ""))
    return hidden, test["item"].isin(withheld).to_numpy(), withheld
