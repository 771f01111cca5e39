"""The per-process estimate table: loaded once, then kept in step with the graph's writes."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import numpy as np
import pytest

import graph.estimate_table as estimate_table_module
from graph.estimate_table import EstimateTable, estimate_table
from graph.mastery import estimate_triples, stored_estimate_triples
from graph.model import MasteryEstimate
from graph.repository import KnowledgeGraph
from graph.store import open_store

WHEN = datetime(2026, 1, 1, tzinfo=UTC)


def write(kg: KnowledgeGraph, *estimates: MasteryEstimate) -> None:
    deletes = stored_estimate_triples(kg.store, [(e.student, e.concept) for e in estimates])
    kg.commit(deletes, [t for e in estimates for t in estimate_triples(e)], lambda: None)


def cell(kg: KnowledgeGraph, student: str, concept: str) -> float:
    return float(estimate_table(kg).matrix([student], [concept])[0, 0])


class TestEstimateTable:
    def test_loads_what_the_store_holds(self) -> None:
        kg = KnowledgeGraph(open_store("memory"))
        write(kg, MasteryEstimate("s1", "a", 0.25, "v", WHEN), MasteryEstimate("s2", "b", 0.5, "v", WHEN))
        table = estimate_table(kg)
        assert len(table) == 2
        expected = np.array([[0.25, np.nan], [np.nan, 0.5]])
        assert np.array_equal(table.matrix(["s1", "s2"], ["a", "b"]), expected, equal_nan=True)

    def test_follows_writes_without_reloading(self) -> None:
        kg = KnowledgeGraph(open_store("memory"))
        table = estimate_table(kg)
        trips = kg.store.round_trips
        write(kg, MasteryEstimate("s1", "a", 0.25, "v", WHEN))
        write(kg, MasteryEstimate("s1", "a", 0.75, "v", WHEN), MasteryEstimate("s3", "c", 0.1, "v", WHEN))
        written = kg.store.round_trips - trips
        assert cell(kg, "s1", "a") == 0.75
        assert cell(kg, "s3", "c") == 0.1
        assert kg.store.round_trips - trips == written  # the reads above were served from memory
        assert not table.dirty
        assert table.revision == kg.revision

    def test_a_delete_clears_the_cell(self) -> None:
        kg = KnowledgeGraph(open_store("memory"))
        write(kg, MasteryEstimate("s1", "a", 0.25, "v", WHEN))
        estimate_table(kg)
        kg.commit(stored_estimate_triples(kg.store, [("s1", "a")]), [], lambda: None)
        assert np.isnan(cell(kg, "s1", "a"))

    def test_a_write_it_cannot_place_makes_it_reload(self) -> None:
        kg = KnowledgeGraph(open_store("memory"))
        write(kg, MasteryEstimate("s1", "a", 0.25, "v", WHEN))
        table = estimate_table(kg)
        partial = [t for t in stored_estimate_triples(kg.store, [("s1", "a")]) if str(t[1]).endswith("#student")]
        kg.commit(partial, [], lambda: None)  # the node loses its student only: which cell is that?
        assert table.dirty
        assert np.isnan(cell(kg, "s1", "a"))  # reloaded: the half node is no estimate

    def test_another_process_writing_makes_it_reload(self) -> None:
        kg = KnowledgeGraph(open_store("memory"))
        estimate_table(kg)
        other = list(estimate_triples(MasteryEstimate("s1", "a", 0.5, "v", WHEN)))
        kg.store.apply([], other)  # behind this graph's back, as another process would
        kg.projection.revision += 1  # what refresh_if_stale notices
        assert cell(kg, "s1", "a") == 0.5

    def test_grows(self) -> None:
        table = EstimateTable()
        table.load([(f"s{i}", f"c{i % 40}", i / 1000) for i in range(500)], revision=1)
        assert len(table) == 500
        assert table.matrix(["s499"], ["c19"])[0, 0] == 0.499


class TestLoadingWhileWritesGoOn:
    """A load reads without the graph's write lock: writes are not held, and none is lost."""

    def test_a_write_during_the_read_is_not_held_and_is_in_the_table(self, monkeypatch: pytest.MonkeyPatch) -> None:
        kg = KnowledgeGraph(open_store("memory"))
        write(kg, MasteryEstimate("s1", "a", 0.25, "v", WHEN), MasteryEstimate("s1", "b", 0.5, "v", WHEN))
        real_rows = estimate_table_module.estimate_rows
        reads: list[int] = []

        def rows_while_someone_writes(store: object) -> list[tuple[str, str, float]]:
            rows = real_rows(store)  # type: ignore[arg-type]
            reads.append(len(rows))
            if len(reads) == 1:  # requests write while the read is under way: the read missed them
                for change in (
                    lambda: write(kg, MasteryEstimate("s2", "b", 0.5, "v", WHEN)),
                    lambda: write(kg, MasteryEstimate("s1", "a", 0.75, "v", WHEN)),
                    lambda: kg.commit(stored_estimate_triples(kg.store, [("s1", "b")]), [], lambda: None),
                ):
                    writer = threading.Thread(target=change)
                    writer.start()
                    writer.join(timeout=5)
                    assert not writer.is_alive(), "the write waited for the load"
            return rows

        monkeypatch.setattr(estimate_table_module, "estimate_rows", rows_while_someone_writes)
        table = estimate_table(kg)
        assert reads == [2], "one read: the writes made meanwhile were applied to it"
        assert cell(kg, "s2", "b") == 0.5
        assert cell(kg, "s1", "a") == 0.75
        assert np.isnan(cell(kg, "s1", "b"))
        assert table.revision == kg.revision
        assert not table.dirty

    def test_a_write_the_read_already_holds_is_applied_again_harmlessly(self, monkeypatch: pytest.MonkeyPatch) -> None:
        kg = KnowledgeGraph(open_store("memory"))
        real_rows = estimate_table_module.estimate_rows

        def write_then_read(store: object) -> list[tuple[str, str, float]]:
            write(kg, MasteryEstimate("s1", "a", 0.5, "v", WHEN))  # committed before the read's snapshot
            return real_rows(store)  # type: ignore[arg-type, no-any-return]

        monkeypatch.setattr(estimate_table_module, "estimate_rows", write_then_read)
        table = estimate_table(kg)
        assert len(table) == 1
        assert cell(kg, "s1", "a") == 0.5
        assert table.revision == kg.revision

    def test_a_write_it_cannot_follow_makes_it_read_again_and_at_last_hold_the_writes(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        kg = KnowledgeGraph(open_store("memory"))
        write(kg, MasteryEstimate("s1", "a", 0.25, "v", WHEN))
        real_rows = estimate_table_module.estimate_rows
        reads: list[bool] = []

        def rows_beside_partial_writes(store: object) -> list[tuple[str, str, float]]:
            holding = kg.lock._is_owned()  # type: ignore[attr-defined]
            reads.append(holding)
            if not holding:  # half an estimate: the table cannot place it
                partial = [
                    t for t in stored_estimate_triples(kg.store, [("s1", "a")]) if str(t[1]).endswith("#student")
                ]
                kg.commit(partial, [], lambda: None)
                write(kg, MasteryEstimate("s1", "a", 0.25, "v", WHEN))
            return real_rows(store)  # type: ignore[arg-type, no-any-return]

        monkeypatch.setattr(estimate_table_module, "estimate_rows", rows_beside_partial_writes)
        table = estimate_table(kg)
        assert reads == [False, False, True]
        assert table.revision == kg.revision
        assert cell(kg, "s1", "a") == 0.25
