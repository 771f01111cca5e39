"""The materials index stays right through creations, edits and deletions, and on disk."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from qa_fakes import HashEncoder

from graph.model import Material, MaterialType
from ml.qa.index import FORMAT, QaIndex

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

    @pytest.mark.parametrize(
        ("damage", "said"),
        [
            ("embeddings.npy cut short", "ValueError"),
            ("embeddings.npy not numpy", "ValueError"),
            ("index.json not JSON", "JSONDecodeError"),
            ("index.json a list", "no JSON object"),
            ("index.json chunks malformed", "ValueError"),
        ],
    )
    def test_files_that_do_not_load_are_rebuilt_with_a_warning(
        self, tmp_path: Path, caplog: pytest.LogCaptureFixture, damage: str, said: str
    ) -> None:
        # A cut-off embeddings.npy (a damaged backup restored) stopped the service at start with numpy's traceback.
        QaIndex(HashEncoder(), folder=tmp_path).upsert([SLOPE, FACTOR])
        vectors, meta = tmp_path / "embeddings.npy", tmp_path / "index.json"
        if damage == "embeddings.npy cut short":
            vectors.write_bytes(vectors.read_bytes()[:-7])
        elif damage == "embeddings.npy not numpy":
            vectors.write_bytes(b"not numpy at all")
        elif damage == "index.json not JSON":
            meta.write_text('{"format": ')
        elif damage == "index.json a list":
            meta.write_text("[]")
        else:
            saved = json.loads(meta.read_text())
            meta.write_text(json.dumps({**saved, "chunks": [["m_slope"]] * len(saved["chunks"])}))
        with caplog.at_level(logging.WARNING, logger="pathwise.qa"):
            loaded = QaIndex.load(tmp_path, HashEncoder())
        assert len(loaded) == 0
        assert f"index in {tmp_path} does not load (" in caplog.text
        assert said in caplog.text
        loaded.sync([SLOPE, FACTOR])  # as a start does for a missing index
        assert QaIndex.load(tmp_path, HashEncoder()).material_ids == {"m_slope", "m_factor"}

    def test_another_encoder_starts_afresh(self, tmp_path: Path) -> None:
        QaIndex(HashEncoder(), folder=tmp_path).upsert([SLOPE])
        assert len(QaIndex.load(tmp_path, HashEncoder(name="fine-tuned"))) == 0

    def test_a_material_without_text_is_found_by_title(self) -> None:
        index = QaIndex(HashEncoder())
        index.upsert([Material("m_video", "Graphing parabolas video", MaterialType.VIDEO, url="https://x.org/v")])
        assert ids(index, "parabolas")[0] == "m_video"


DRILL = Material(
    "m_drill",
    "Rounding drill",
    MaterialType.EXERCISE,
    text="Round each number to the nearest ten.\n1. 47\n2. 152\n"
    "Answers:\n1. 50, because 47 is nearer 50 than 40.\n2. 150.",
)


class TestAnswerKeys:
    """An exercise's items and its key are chunked apart, so a reader who may not see the key searches without it."""

    def test_an_exercise_is_chunked_as_items_then_key(self) -> None:
        index = QaIndex(HashEncoder())
        index.upsert([DRILL, SLOPE])
        parts = [(c.part, c.text.split()[0]) for c in index.chunks_of("m_drill")]
        assert parts == [("prompt", "Round"), ("key", "Answers:")]
        assert [c.part for c in index.chunks_of("m_slope")] == ["text"]
        assert [c.part for c in index.chunks_of("m_drill", keys_shown=frozenset())] == ["prompt"]

    def test_a_hidden_key_is_never_a_hit_and_a_shown_one_is(self) -> None:
        index = QaIndex(HashEncoder())
        index.upsert([DRILL, SLOPE, FACTOR])
        query = "nearer 50 than 40"

        def parts(**options: object) -> set[tuple[str, str]]:
            return {(h.chunk.material, h.chunk.part) for h in index.search(query, k=5, **options)}  # type: ignore[arg-type]

        assert ("m_drill", "key") in parts()
        assert ("m_drill", "key") not in parts(keys_shown=frozenset())
        assert ("m_drill", "key") not in parts(keys_shown=frozenset({"m_slope"}))
        assert ("m_drill", "key") in parts(keys_shown=frozenset({"m_drill"}))

    def test_items_without_a_readable_answer_do_not_work_the_problem(self) -> None:
        index = QaIndex(HashEncoder())
        keyless = Material("m_keyless", "Sums", MaterialType.EXERCISE, text="1. 3 + 4\n2. 5 + 8")
        index.upsert([DRILL, keyless])
        worked = {h.chunk.material for h in index.search("47", k=5, expressions=["47"]) if h.worked}
        assert worked == {"m_drill"}
        assert not any(h.worked for h in index.search("47", k=5, expressions=["47"], keys_shown=frozenset()))
        assert not any(h.worked for h in index.search("3 + 4", k=5, expressions=["3 + 4"]))

    def test_parts_survive_a_save_and_an_older_index_is_rebuilt(
        self, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        QaIndex(HashEncoder(), folder=tmp_path).upsert([DRILL])
        loaded = QaIndex.load(tmp_path, HashEncoder())
        assert [c.part for c in loaded.chunks_of("m_drill")] == ["prompt", "key"]
        assert ("m_drill", "key") not in {
            (h.chunk.material, h.chunk.part) for h in loaded.search("nearer 50", k=3, keys_shown=frozenset())
        }
        meta = json.loads((tmp_path / "index.json").read_text())
        meta["format"] = 3  # items and key in one chunk: a hidden key would be searched with them
        (tmp_path / "index.json").write_text(json.dumps(meta))
        with caplog.at_level(logging.INFO, logger="pathwise.qa"):
            assert len(QaIndex.load(tmp_path, HashEncoder())) == 0
        assert f"built otherwise (format 3, now {FORMAT}); rebuilding" in caplog.text  # it said "encoder bundled"

    def test_an_exercise_that_becomes_a_reading_is_chunked_again(self) -> None:
        index = QaIndex(HashEncoder())
        index.upsert([DRILL])
        assert index.upsert([replace(DRILL, type=MaterialType.READING)]).updated == 1
        assert {c.part for c in index.chunks_of("m_drill")} == {"text"}
