"""The per-process student cache: right after every write, whoever made it."""

from __future__ import annotations

from datetime import UTC, datetime

from graph.attempts import record_attempts
from graph.model import Attempt, MasteryEstimate
from graph.repository import KnowledgeGraph
from graph.store import open_store
from graph.student_data import StudentData, StudentDataCache, cached_student_data, student_data
from tests.conftest import small_bundle

NOW = datetime(2026, 5, 1, tzinfo=UTC)


def graph() -> KnowledgeGraph:
    kg = KnowledgeGraph(open_store("memory"))
    kg.import_bundle(small_bundle())
    return kg


def record(kg: KnowledgeGraph, student: str, concept: str, p: float, n: int) -> None:
    attempt = Attempt(f"{student}-{n}", student, NOW, 1.0, concepts=(concept,))
    record_attempts(kg, [attempt], estimate=lambda batch: [MasteryEstimate(student, concept, p, "v1", NOW)])


class TestStudentData:
    def test_recorded_attempts_are_folded_in_without_a_store_read(self) -> None:
        kg = graph()
        record(kg, "ann", "add", 0.4, 1)
        student_data(kg, "ann")  # cached
        record(kg, "ann", "sub", 0.6, 2)
        record(kg, "ann", "add", 0.8, 3)
        before = kg.store.round_trips
        cached = student_data(kg, "ann")
        assert kg.store.round_trips == before, "answered from the cache"
        fresh = StudentDataCache(kg).get("ann")
        assert cached == fresh
        assert cached.probabilities == {"add": 0.8, "sub": 0.6}

    def test_a_deletion_drops_the_entry(self) -> None:
        from graph.forget import forget_student

        kg = graph()
        record(kg, "ann", "add", 0.4, 1)
        student_data(kg, "ann")
        forget_student(kg, "ann")
        assert student_data(kg, "ann") == StudentData({}, ())

    def test_a_voided_attempt_leaves_the_cached_history(self) -> None:
        # A void deletes the attempt and types its id as voided in the same write: the cache kept
        # the answer until a restart ("You keep getting Slope wrong" after the void).
        from resolvers.students import retract

        kg = graph()
        record(kg, "ann", "add", 0.4, 1)
        record(kg, "ann", "add", 0.5, 2)
        assert [a.id for a in student_data(kg, "ann").attempts] == ["ann-1", "ann-2"]
        assert retract(kg, None, ["ann-1"]) == ["ann-1"]
        assert [a.id for a in student_data(kg, "ann").attempts] == ["ann-2"]
        assert student_data(kg, "ann") == StudentDataCache(kg).get("ann")

    def test_a_students_write_refreshes_only_that_student(self) -> None:
        kg = graph()
        record(kg, "ann", "add", 0.4, 1)
        record(kg, "bob", "add", 0.5, 1)
        assert student_data(kg, "ann").probabilities == {"add": 0.4}
        bob = student_data(kg, "bob")
        record(kg, "ann", "add", 0.9, 2)
        ann = student_data(kg, "ann")
        assert ann.probabilities == {"add": 0.9}
        assert [a.id for a in ann.attempts] == ["ann-1", "ann-2"]
        assert student_data(kg, "bob") is bob, "bob's entry survives ann's write"

    def test_a_revision_it_did_not_see_drops_everything(self) -> None:
        kg = graph()
        record(kg, "ann", "add", 0.4, 1)
        cache = StudentDataCache(kg)  # not listening: every write is one it did not see
        first = cache.get("ann")
        record(kg, "ann", "add", 0.7, 2)
        assert cache.get("ann") is not first
        assert cache.get("ann").probabilities == {"add": 0.7}

    def test_a_peek_never_reads_and_never_serves_a_stale_entry(self) -> None:
        kg = graph()
        record(kg, "ann", "add", 0.4, 1)
        before = kg.store.round_trips
        assert cached_student_data(kg, "ann") is None  # not read yet: the caller reads the store itself
        assert kg.store.round_trips == before
        student_data(kg, "ann")
        record(kg, "ann", "add", 0.9, 2)  # folded in by this process's write
        peeked = cached_student_data(kg, "ann")
        assert peeked is not None
        assert peeked.estimates["add"] == MasteryEstimate("ann", "add", 0.9, "v1", NOW)
        other = KnowledgeGraph(kg.store)  # another process writes: this one has not seen the revision
        record(other, "ann", "add", 0.1, 3)
        kg.refresh_if_stale()
        assert cached_student_data(kg, "ann") is None
