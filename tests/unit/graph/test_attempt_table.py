"""The per-process attempt table: the cohort figures read through it are those read from the store.

Every test compares the table with ``attempts_of`` (what the reports read before) after
the writes that add or take attempts: recorded after the load, voided (the xAPI void
path), voided ahead, forgotten, a concept deleted, a forgotten student back. The table
must follow each write itself (no reload): a write it did not mirror shows as a
difference, one it gave up on as a reload.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rdflib import Literal

from graph import analytics, cohort_reports
from graph import attempt_table as table_module
from graph.analytics.fixed import DEFAULT_STREAK, DEFAULT_STUCK_AFTER, DEFAULT_WINDOW
from graph.attempt_columns import AttemptColumns
from graph.attempt_table import AttemptTable, attempt_table, current_attempt_table
from graph.attempts import attempt_triples, attempts_of, mark_voided, record_attempts, stored_attempts
from graph.cohorts import create_cohort, enrol_students, members
from graph.forget import forget_student
from graph.model import UNTIMED_EPOCH, Attempt
from graph.repository import KnowledgeGraph
from graph.shared_lock import SharedLock
from graph.store import StreamInterrupted, open_store
from graph.vocab import GRAPH_IRI, PW
from resolvers.students import retract
from tests.conftest import small_bundle

WHEN = datetime(2026, 3, 2, 9, tzinfo=UTC)  # a Monday
STUDENTS = [f"s{i}" for i in range(7)]
MIXES = [("add",), ("add", "sub"), ("eq",), ("sub", "mul", "eq"), ("quad",)]


@pytest.fixture(params=["memory", "oxigraph"])
def kg(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[KnowledgeGraph]:
    """The small curriculum on each backend (Oxigraph streams the load; memory reads it at once)."""
    spec = "memory" if request.param == "memory" else f"oxigraph:{tmp_path / 'store'}"
    graph = KnowledgeGraph(open_store(spec))
    graph.import_bundle(small_bundle())
    create_cohort(graph, "all")
    yield graph
    graph.store.close()


def attempts(student: str, count: int, *, first: int = 0, spread: int = 1) -> list[Attempt]:
    """Attempts ``spread`` days apart (0: all at one time, ordered by id), on one to three concepts."""
    n = int(student[1:])
    return [
        Attempt(
            f"{student}-{k}",
            student,
            WHEN + timedelta(days=k * spread, minutes=n),
            [0.0, 1.0, 0.5, 0.25, 1.0, 1.0][(n * 3 + k) % 6],
            material="m_add" if k % 3 == 0 else None,
            concepts=MIXES[(n + k) % len(MIXES)],
        )
        for k in range(first, first + count)
    ]


def untimed(student: str, count: int) -> list[Attempt]:
    """What an import of a log without times stores: one second apart from 1970."""
    return [
        Attempt(f"log-{student}-{k}", student, UNTIMED_EPOCH + timedelta(seconds=k), float(k % 2), concepts=("add",))
        for k in range(count)
    ]


def seed(kg: KnowledgeGraph) -> None:
    batch = [a for i, s in enumerate(STUDENTS) for a in attempts(s, 9, spread=i % 3)]
    batch += [
        Attempt("tie-b", "s0", WHEN, 1.0, concepts=("add",)),
        Attempt("tie-a", "s0", WHEN, 0.0, concepts=("add", "eq")),
        Attempt("tie-C", "s0", WHEN, 0.0, concepts=("add",)),
    ]
    batch += untimed("s1", 5) + untimed("s4", 3)
    record_attempts(kg, batch)
    enrol_students(kg, "all", STUDENTS)


def check_same(kg: KnowledgeGraph, table: AttemptTable, students: list[str] = STUDENTS) -> None:
    """The table's figures are ``attempts_of``'s, and it followed the writes without reloading."""
    assert table.current(kg.revision), "the table did not follow a write: it must reload"
    histories = attempts_of(kg, students)
    group = table.cohort(students)
    assert len(group.students) == len(histories)
    for streak in (1, 2, 3):
        expected = analytics.attempters(histories, streak)
        found = group.attempters(streak)
        assert sorted(found) == sorted(expected)
        for concept, want in expected.items():
            got = found[concept]
            assert got.first.tolist() == want.first.tolist(), concept
            assert got.attempts.tolist() == want.attempts.tolist(), concept
            assert got.to_mastery.tolist() == want.to_mastery.tolist(), concept
        # under a minimum cell the parameters are fixed at their defaults (graph.analytics.fixed)
        for min_cell, stuck in ((None, 3), *(((2, DEFAULT_STUCK_AFTER),) if streak == DEFAULT_STREAK else ())):
            for concepts in (None, ["add", "quad", "mul"]):
                assert analytics.difficulty_rows(
                    found, len(group.students), concepts, stuck_after=stuck, min_cell=min_cell
                ) == analytics.concept_difficulty(
                    histories, concepts, streak=streak, stuck_after=stuck, min_cell=min_cell
                )  # fmt: skip
    for concept in ("add", "sub", "mul", "eq", "quad", "nothing"):
        events = analytics.trend_events(histories, concept)
        assert table.cohort(students, concept).events(concept) == events
        assert group.events(concept) == events
    if students != STUDENTS:
        return
    histories = attempts_of(kg, members(kg, "all"))  # a forgotten student is no member
    for concept in ("add", "eq", "quad"):  # through the reports, which read the table once it is current
        events = analytics.trend_events(histories, concept)
        for interval, window, min_cell in (("day", 2, None), ("week", 2, None), ("week", DEFAULT_WINDOW, 2)):
            expected = analytics.trend(events, len(histories), interval, window=window, min_cell=min_cell)
            got = cohort_reports.mastery_trend(kg, "all", concept, interval, window=window, min_cell=min_cell)
            assert got == expected
    report = cohort_reports.concept_difficulty(kg, "all", streak=2, stuck_after=3)
    assert report.concepts == analytics.concept_difficulty(histories, streak=2, stuck_after=3)


class TestTheTableReadsAsTheStore:
    def test_every_write_that_adds_or_takes_attempts_is_followed(self, kg: KnowledgeGraph) -> None:
        seed(kg)
        table = attempt_table(kg)
        assert table.loads == 1
        assert len(table) == len(STUDENTS) * 9 + 3 + 8
        check_same(kg, table)
        assert current_attempt_table(kg) is table

        record_attempts(kg, attempts("s3", 4, first=9) + attempts("s5", 2, first=9, spread=0) + untimed("s6", 2))
        check_same(kg, table)

        voided = ["s0-1", "s3-10", "tie-a", "log-s1-2"]
        assert retract(kg, None, voided) == sorted(voided)  # a void of stored statements (recordStatements)
        check_same(kg, table)
        mark_voided(kg, ["ahead-1"])  # a void that came before its statement
        check_same(kg, table)

        forget_student(kg, "s2")
        assert "s2" not in table.students()
        check_same(kg, table)

        record_attempts(kg, attempts("s2", 3))  # back after the forget, under the ids they had
        enrol_students(kg, "all", ["s2"])
        check_same(kg, table)

        kg.delete_concept("mul")  # its attempts keep their other concepts
        check_same(kg, table)
        check_same(kg, table, ["s2", "s4", "nobody"])
        assert table.loads == 1

    def test_dropped_rows_are_compacted_away(self, kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(table_module, "COMPACT_AFTER", 2)
        seed(kg)
        table = attempt_table(kg)
        gone = [a.id for s in ("s1", "s3", "s5") for a in attempts(s, 9)]
        retract(kg, None, gone)
        assert len(table) == len(STUDENTS) * 9 + 3 + 8 - len(gone)
        assert table.nbytes > 0
        check_same(kg, table)
        record_attempts(kg, attempts("s1", 2))  # the same ids again: new rows
        check_same(kg, table)
        assert table.loads == 1


class TestWhatItCannotFollow:
    def test_a_write_it_cannot_place_makes_it_reload(self, kg: KnowledgeGraph) -> None:
        seed(kg)
        table = attempt_table(kg)
        triples, _ = stored_attempts(kg, ["s3-2"])
        times = [t for t in triples if t[1] == PW.timestamp]
        kg.commit(times, [], lambda: None)  # the attempt loses its time alone: is another left?
        assert table.dirty
        assert current_attempt_table(kg) is None
        table = attempt_table(kg)
        assert table.loads == 2
        check_same(kg, table)  # reloaded: the attempt without a time is no attempt, as attempts_of reads it

    def test_an_attempt_written_again_makes_it_reload(self, kg: KnowledgeGraph) -> None:
        seed(kg)
        table = attempt_table(kg)
        again = list(attempt_triples(attempts("s3", 1)[0]))
        kg.commit([], again, lambda: None)  # the store holds it once; counted twice, it would say otherwise
        assert table.dirty
        check_same(kg, attempt_table(kg))

    def test_another_process_writing_makes_it_reload(self, kg: KnowledgeGraph) -> None:
        seed(kg)
        table = attempt_table(kg)
        old, new = kg.revision, kg.revision + 1
        written = [t for a in attempts("s5", 2, first=20) for t in attempt_triples(a)]
        kg.store.apply([(GRAPH_IRI, PW.revision, Literal(old))], [*written, (GRAPH_IRI, PW.revision, Literal(new))])
        assert kg.refresh_if_stale()  # what the stale check does
        assert current_attempt_table(kg) is None
        check_same(kg, attempt_table(kg))
        assert table.loads == 2

    def test_a_forgotten_students_key_goes_even_while_it_is_dirty(self, kg: KnowledgeGraph) -> None:
        seed(kg)
        table = attempt_table(kg)
        table.dirty = True
        forget_student(kg, "s4")
        assert "s4" not in table.students()


class TestLoading:
    def test_writes_during_the_load_go_on_and_are_kept(
        self, kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        seed(kg)
        read = table_module.load_rows
        late = attempts("s6", 2, first=30)
        wrote: list[bool] = []

        def load_then_write(store: Any) -> Iterator[Any]:
            rows = list(read(store))  # the snapshot is taken
            writer = threading.Thread(target=lambda: wrote.append(bool(record_attempts(kg, late)[0])))
            writer.start()
            writer.join(10)  # held kg.lock, the load would keep this write waiting
            assert wrote == [True], "a write waited for the table's load"
            return iter(rows)

        monkeypatch.setattr(table_module, "load_rows", load_then_write)
        table = attempt_table(kg)
        assert {a.id for a in late} <= {a.id for a in attempts_of(kg, ["s6"])["s6"]}
        check_same(kg, table)
        assert table.loads == 1

    def test_a_load_gives_way_to_a_swap_of_the_store(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        # A forget's rewrite swaps the store's files once no query reads it, and every query waits behind
        # the swap: a load of tens of seconds held them all. It stops instead, and reads again after.
        graph = KnowledgeGraph(open_store(f"oxigraph:{tmp_path / 'store'}"))
        graph.import_bundle(small_bundle())
        create_cohort(graph, "all")
        seed(graph)
        waits = iter([True])
        monkeypatch.setattr(SharedLock, "swap_waiting", property(lambda _: next(waits, False)))
        trips = graph.store.round_trips
        table = attempt_table(graph)  # the first read stops for the swap, the second reads it whole
        assert (graph.store.round_trips - trips, table.loads) == (2, 1)
        check_same(graph, table)
        monkeypatch.setattr(SharedLock, "swap_waiting", property(lambda _: True))  # swaps without end
        with pytest.raises(StreamInterrupted):
            list(table_module.load_rows(graph.store))
        table.dirty = True
        trips = graph.store.round_trips
        table = attempt_table(graph)  # the last try holds the store to the end
        assert (graph.store.round_trips - trips, table.loads) == (table_module.GIVE_WAY + 1, 2)
        check_same(graph, table)
        graph.store.close()

    def test_rows_of_one_attempt_that_come_apart_are_merged(self) -> None:
        base = "https://w3id.org/pathwise/id/"
        x1 = (f"{base}attempt/x1", f"{base}student/s1", "2026-01-02T10:00:00Z", "1")
        x2 = (f"{base}attempt/x2", f"{base}student/s1", "2026-01-02T10:00:00Z", "0")
        rows = [(*x1, f"{base}concept/a", None), (*x2, None, None), (*x1, f"{base}concept/b", None)]
        rows += [(*x1, f"{base}concept/a", None), (None, None, None, None, None, "7")]
        columns, revision = AttemptColumns.read(rows)
        assert (revision, columns.n, columns.links) == (7, 2, 2)
        table = AttemptTable()
        table.load(rows)
        group = table.cohort(["s1"])
        assert group.score.tolist() == [1.0, 0.0]  # x1 before x2: one time, then the id
        assert sorted(group.attempters(1)) == ["a", "b"]


class TestWhichReportsReadIt:
    def test_a_small_cohort_reads_the_store_until_the_table_is_loaded(self, kg: KnowledgeGraph) -> None:
        seed(kg)
        cohort_reports.concept_difficulty(kg, "all")
        cohort_reports.mastery_trend(kg, "all", "add")
        assert current_attempt_table(kg) is None  # not loaded for seven students
        table = attempt_table(kg)
        trips = kg.store.round_trips
        cohort_reports.concept_difficulty(kg, "all")
        assert kg.store.round_trips - trips == 2  # the cohort and its members; the attempts from memory
        assert table.loads == 1

    def test_a_big_cohort_loads_it(self, kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch) -> None:
        seed(kg)
        monkeypatch.setattr(cohort_reports, "TABLE_MEMBERS", 5)
        rows = cohort_reports.concept_difficulty(kg, "all").concepts
        table = current_attempt_table(kg)
        assert table is not None
        assert table.loads == 1
        assert rows == analytics.concept_difficulty(attempts_of(kg, STUDENTS))


def test_the_trend_leaves_out_what_has_no_time_and_counts_it(kg: KnowledgeGraph) -> None:
    # A cohort with a log imported without times (dated 1970) and live attempts: by day it ran from
    # 1970 and was refused (more than 1,000 points); by month its 1970 point said nothing.
    seed(kg)
    found = cohort_reports.mastery_trend(kg, "all", "add", "day")
    assert found.untimed == 5 + 3  # s1's five and s4's three
    assert found.points[0].start == datetime(2026, 3, 2, tzinfo=UTC)
    attempt_table(kg)
    assert cohort_reports.mastery_trend(kg, "all", "add", "day") == found
    withheld = cohort_reports.mastery_trend(kg, "all", "add", "week", min_cell=5)  # weeks: fixed for analysts
    assert withheld.untimed is None  # two members hold them: under the minimum cell
    assert np.all([p.start >= datetime(2026, 3, 2, tzinfo=UTC) for p in withheld.points])
