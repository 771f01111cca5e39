"""Items with text: the network reads an exercise's wording, and a new exercise is placed by it."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

from graph.model import Attempt
from ml.mastery.base import TrainingArguments
from ml.mastery.data import attempts_to_frame
from ml.mastery.predict import MasteryPredictor
from ml.mastery.tkt import PathwiseKT, TKTConfig
from ml.mastery.windows import PAD, UNKNOWN
from tests.unit.ml.test_tkt import T0

CONCEPTS = {"c0": "Adding fractions", "c1": "Solving linear equations"}


def _wording(item: int) -> str:
    if item % 2:
        return f"Challenge {item}: a long multi-step problem with several tricky parts"
    return f"Warm-up {item}: one quick step"


def worded(students: int = 150, seed: int = 4) -> tuple[list[Attempt], dict[str, str]]:
    """30 exercises, the even ones easy and worded as warm-ups, the odd ones hard challenges."""
    rng = np.random.default_rng(seed)
    texts = {f"x{i}": _wording(i) for i in range(30)}
    out = []
    for s in range(students):
        ability = rng.normal()
        for n in range(int(rng.integers(10, 25))):
            item = int(rng.integers(0, 30))
            p = 1 / (1 + np.exp(-(ability + (-1.5 if item % 2 else 1.5))))
            correct = float(rng.random() < p)
            out.append(Attempt(f"w{s}-{n}", f"s{s:03d}", T0 + timedelta(minutes=n), correct, f"x{item}", ("c0",)))
    return out, texts


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[PathwiseKT, Path]:
    attempts, texts = worded()
    model = PathwiseKT(TKTConfig(dim=8, finetune_encoder=False, cohort_features=False))
    args = TrainingArguments(max_epochs=4, patience=4, threads=1, batch_size=16, texts=CONCEPTS, item_texts=texts)
    model.fit(attempts_to_frame(attempts), None, args)
    folder = tmp_path_factory.mktemp("worded")
    model.save(folder)
    return model, folder


def _last_row(model: PathwiseKT, item: str) -> float:
    """P(correct) on ``item`` after the same short history."""
    history = [Attempt(f"h{i}", "probe", T0 + timedelta(minutes=i), float(i % 2), "x0", ("c0",)) for i in range(4)]
    history.append(Attempt("h9", "probe", T0 + timedelta(minutes=9), 1.0, item, ("c0",)))
    return float(model.predict(attempts_to_frame(history))[-1])


def test_the_wording_is_embedded_saved_and_loaded(trained: tuple[PathwiseKT, Path]) -> None:
    model, folder = trained
    assert model.item_text_table is not None
    assert model.item_text_table.shape == (len(model.items.names), 384)
    assert not model.item_text_table[[PAD, UNKNOWN]].any()  # padding and the unknown item read no text
    frame = attempts_to_frame(worded(6, seed=9)[0])
    assert np.allclose(PathwiseKT.load(folder).predict(frame), model.predict(frame), atol=1e-6)


def test_a_new_exercise_is_placed_by_its_wording(trained: tuple[PathwiseKT, Path]) -> None:
    model = PathwiseKT.load(trained[1])
    unknown = _last_row(model, "new-warm-up")
    model.add_items({"new-warm-up": _wording(100), "new-challenge": _wording(101)})
    easy, hard = _last_row(model, "new-warm-up"), _last_row(model, "new-challenge")
    assert hard < unknown < easy


def test_online_reads_a_new_exercise_as_batch_does(trained: tuple[PathwiseKT, Path]) -> None:
    folder = trained[1]
    history = [
        Attempt(f"o{i}", "probe", T0 + timedelta(minutes=i), float(i % 3 > 0), item, ("c0",))
        for i, item in enumerate(["x1", "new", None, "x2", "new", None, None])
    ]
    batch_model = PathwiseKT.load(folder)
    batch_model.add_items({"new": _wording(103)})
    batch = batch_model.predict(attempts_to_frame(history))
    predictor = MasteryPredictor.load(folder)
    predictor.add_items({"new": _wording(103)})
    online, offline = [], []
    for n, attempt in enumerate(history):
        if attempt.material is None:  # rows without an item: the head reads what an estimate reads
            online += predictor.row_probabilities("probe", list(attempt.concepts))
            offline.append(batch[n])
        predictor.observe(attempt)
    assert np.allclose(online, offline, atol=1e-5)


def test_a_model_without_item_texts_leaves_new_items_unknown(tmp_path: Path) -> None:
    attempts, _ = worded(40)
    model = PathwiseKT(TKTConfig(use_text=False, dim=8, cohort_features=False))
    model.fit(attempts_to_frame(attempts), None, TrainingArguments(max_epochs=1, threads=1, batch_size=16))
    before = _last_row(model, "new")
    model.add_items({"new": _wording(100)})
    assert "new" not in model.items.index
    assert _last_row(model, "new") == before
    assert model.item_text_table is None


def test_an_exercise_named_only_in_the_training_texts_is_placed_when_a_table_names_it(tmp_path: Path) -> None:
    attempts, texts = worded(60)
    model = PathwiseKT(TKTConfig(dim=8, finetune_encoder=False, cohort_features=False))
    args = TrainingArguments(
        max_epochs=1, threads=1, batch_size=16, texts=CONCEPTS, item_texts={**texts, "spare": _wording(7)}
    )
    model.fit(attempts_to_frame(attempts), None, args)
    assert "spare" not in model.items.index  # never attempted: not in the network yet
    model.save(tmp_path)
    assert "spare" not in json.loads((tmp_path / "config.json").read_text())["item_texts"]
    _last_row(model, "spare")
    assert "spare" in model.items.index


def test_an_unplaced_exercise_is_placed_afresh_by_its_new_wording(trained: tuple[PathwiseKT, Path]) -> None:
    model = PathwiseKT.load(trained[1])
    model.add_items({"reworded": _wording(100)})
    assert model.unplace_items(["reworded", "x1", "never-placed"]) == ["reworded"]  # trained items keep theirs
    assert "reworded" not in model.items.index
    assert _last_row(model, "x1") == _last_row(PathwiseKT.load(trained[1]), "x1")
    model.add_items({"reworded": _wording(101)})
    fresh = PathwiseKT.load(trained[1])
    fresh.add_items({"reworded": _wording(101)})
    assert _last_row(model, "reworded") == pytest.approx(_last_row(fresh, "reworded"), abs=1e-6)
