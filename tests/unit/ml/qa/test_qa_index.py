"""The materials index stays right through creations, edits and deletions, and on disk."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
from qa_fakes import HashEncoder

from graph.model import Material, MaterialType
from ml.qa.index import QaIndex

SLOPE = Material("m_slope", "Slope", MaterialType.EXPLANATION, text="The slope of a line is rise over run.")
FACTOR = Material(
    "m_factor", "Factoring", MaterialType.EXPLANATION, text="To solve by factoring, set each factor to zero."
)


def ids(index: QaIndex, query: str) -> list[str]:
    return [hit.chunk.material for hit in index.search(query, k=3)]


class TestUpsert:
    def test_new_materials_are_found(self) -> None:
        index = QaIndex(HashEncoder())
        report = index.upsert([SLOPE, FACTOR])
        assert (report.added, report.updated) == (2, 0)
        assert ids(index, "what is the slope of a line")[0] == "m_slope"

    def test_unchanged_materials_are_not_embedded_again(self) -> None:
        encoder = HashEncoder()
        index = QaIndex(encoder)
        index.upsert([SLOPE, FACTOR])
        before = len(encoder.encoded)
        assert not index.upsert([SLOPE, FACTOR]).changed
        assert len(encoder.encoded) == before

    def test_an_edit_replaces_the_material_chunks(self) -> None:
        index = QaIndex(HashEncoder())
        index.upsert([SLOPE, FACTOR])
        edited = replace(SLOPE, text="Parallel lines never meet.")
        assert index.upsert([edited]).updated == 1
        assert [c.text for c in index.chunks_of("m_slope")] == ["Parallel lines never meet."]
        assert ids(index, "parallel lines")[0] == "m_slope"
        assert all(hit.chunk.material != "m_slope" for hit in index.search("rise over run", k=3)[:1])

    def test_removal_forgets_the_material_and_rows_are_reused(self) -> None:
        index = QaIndex(HashEncoder())
        index.upsert([SLOPE, FACTOR])
        rows = len(index.chunks)
        assert index.remove(["m_slope", "unknown"]).removed == 1
        assert "m_slope" not in ids(index, "slope of a line")
        index.upsert([replace(SLOPE, id="m_slope2")])
        assert len(index.chunks) == rows
        assert len(index) == 2

    def test_sync_matches_the_given_materials(self) -> None:
        index = QaIndex(HashEncoder())
        index.upsert([SLOPE, FACTOR])
        report = index.sync([FACTOR, replace(SLOPE, id="m_new")])
        assert (report.added, report.removed) == (1, 1)
        assert index.material_ids == {"m_factor", "m_new"}


class TestPersistence:
    def test_saved_after_each_change_and_loaded_back(self, tmp_path: Path) -> None:
        index = QaIndex(HashEncoder(), folder=tmp_path)
        index.upsert([SLOPE, FACTOR])
        index.remove(["m_factor"])
        loaded = QaIndex.load(tmp_path, HashEncoder())
        assert loaded.material_ids == {"m_slope"}
        assert not loaded.upsert([SLOPE]).changed
        query = "slope of a line"
        assert np.allclose(
            loaded.scores(query)[0][loaded.rows_of["m_slope"]], index.scores(query)[0][index.rows_of["m_slope"]]
        )

    def test_another_encoder_starts_afresh(self, tmp_path: Path) -> None:
        QaIndex(HashEncoder(), folder=tmp_path).upsert([SLOPE])
        assert len(QaIndex.load(tmp_path, HashEncoder(name="fine-tuned"))) == 0

    def test_a_material_without_text_is_found_by_title(self) -> None:
        index = QaIndex(HashEncoder())
        index.upsert([Material("m_video", "Graphing parabolas video", MaterialType.VIDEO, url="https://x.org/v")])
        assert ids(index, "parabolas")[0] == "m_video"
