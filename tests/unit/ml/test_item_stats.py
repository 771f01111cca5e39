"""ItemStats: item difficulty shrunk toward its concept, training rows blind to their own answer."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ml.mastery.item_stats import ITEM_PRIOR, ItemStats


def _train() -> pd.DataFrame:
    rows = [
        ("s1", 0, "q1", "c", 1.0),
        ("s2", 0, "q1", "c", 1.0),
        ("s3", 0, "q1", "c", 0.0),
        ("s3", 1, "q2", "c", 0.0),
        ("s3", 1, "q2", "d", 0.0),  # a two-concept attempt: its item counts once
    ]
    return pd.DataFrame(rows, columns=["student", "attempt", "item", "concept", "correct"])


def test_items_count_attempts_and_rare_items_lean_on_their_concept() -> None:
    stats = ItemStats.fit(_train())
    assert stats.item_count == {"q1": 3.0, "q2": 1.0}
    assert stats.concept_accuracy == {"c": 0.5, "d": 0.0}
    logit, log_count = stats.rows("q1", ["c"])[0]
    expected = (2.0 + ITEM_PRIOR * 0.5) / (3.0 + ITEM_PRIOR)
    assert np.isclose(logit, np.log(expected / (1 - expected)))
    assert np.isclose(log_count, np.log1p(3.0))
    unseen = stats.rows("q9", ["new concept"])[0]
    assert np.isclose(unseen[0], np.log(stats.global_accuracy / (1 - stats.global_accuracy)))


def test_a_training_row_leaves_its_own_answer_out() -> None:
    train = _train()
    stats = ItemStats.fit(train)
    blind = stats.features(train, leave_one_out=True)
    # s1 and s3 answered q1 differently: with their own answers out, s1's row expects less than s3's
    assert blind[0, 0] < blind[2, 0]
    assert np.allclose(blind[:3, 1], np.log1p(2.0))


def test_json_round_trip_keeps_every_count() -> None:
    stats = ItemStats.fit(_train())
    assert ItemStats.from_json(stats.to_json()) == stats


def _worded(n_items: int = 40, seed: int = 0) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Items whose (fake) text embedding says how hard they are: dimension 0 is the difficulty."""
    rng = np.random.default_rng(seed)
    difficulty = {f"q{i}": float(rng.normal()) for i in range(n_items)}
    rows = []
    for s in range(150):
        for a, item in enumerate(rng.choice(list(difficulty), size=12, replace=False)):
            p = 1.0 / (1.0 + np.exp(difficulty[item] - 0.5))
            rows.append((f"s{s}", a, item, "c", float(rng.random() < p)))
    embedding = {i: np.concatenate([[d], rng.normal(size=7) * 0.1]) for i, d in difficulty.items()}
    return pd.DataFrame(rows, columns=["student", "attempt", "item", "concept", "correct"]), embedding


def test_an_items_wording_moves_the_prior_of_items_nobody_has_answered() -> None:
    train, embedding = _worded()
    stats = ItemStats.fit(train, item_text=embedding)
    assert set(stats.text_offset) == set(embedding)  # out-of-fold offsets for the answered items
    stats.add_item_texts({"hard": np.array([2.0, *[0.0] * 7]), "easy": np.array([-2.0, *[0.0] * 7])})
    hard, easy, plain = stats.rows("hard", ["c"])[0, 0], stats.rows("easy", ["c"])[0, 0], stats.rows("x", ["c"])[0, 0]
    assert hard < plain < easy
    again = ItemStats.from_json(stats.to_json())
    assert np.array_equal(again.rows("hard", ["c"]), stats.rows("hard", ["c"]))


def test_too_few_worded_items_learn_nothing_and_change_nothing() -> None:
    train, embedding = _worded()
    few = dict(list(embedding.items())[:5])
    stats = ItemStats.fit(train, item_text=few)
    assert stats.text_offset == {}
    assert stats.text_weights == []
    stats.add_item_texts({"new": np.ones(8)})
    assert np.array_equal(stats.features(train), ItemStats.fit(train).features(train))
