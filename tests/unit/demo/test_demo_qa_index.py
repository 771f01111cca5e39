"""The question index shipped with the demo: current, copied in at first load, nothing embedded again."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from demo.qa_index import QA_INDEX_DIR, demo_materials, seed_qa_index, unindexed_materials
from ml.qa.dense import BUNDLED
from ml.qa.index import QaIndex, index_folder


class NoEmbedding:
    """The bundled encoder's name and width, refusing to embed: a sync that needs it fails."""

    name, dim = BUNDLED, 384

    def encode(
        self, texts: Sequence[str], *, batch_size: int = 32, progress: Callable[[int, int], None] | None = None
    ) -> np.ndarray:
        raise AssertionError(f"embedded {len(texts)} passages again, e.g. {texts[0][:80]!r}")


def test_the_shipped_index_holds_every_demo_material_as_it_is_now() -> None:
    stale = unindexed_materials()
    assert stale == [], f"{len(stale)} demo materials changed since {QA_INDEX_DIR} was built: run `make demo-index`"


def test_a_first_load_copies_it_in_and_the_start_embeds_nothing(tmp_path: Path) -> None:
    assert seed_qa_index(tmp_path)
    index = QaIndex.load(index_folder(tmp_path), NoEmbedding(), autosave=False)
    report = index.sync(demo_materials())
    assert not report.changed
    assert len(index.material_ids) == len(demo_materials()) > 150


def test_an_index_already_there_is_kept(tmp_path: Path) -> None:
    folder = index_folder(tmp_path)
    folder.mkdir()
    (folder / "index.json").write_text('{"format": 0}')
    assert not seed_qa_index(tmp_path)
    assert (folder / "index.json").read_text() == '{"format": 0}'
    assert not (folder / "embeddings.npy").exists()
