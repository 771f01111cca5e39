"""graph.xapi_homes: the account homes xAPI keying used, recorded with the first statement; a change is refused."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from graph.attempts import record_attempts, voided_marker
from graph.errors import NotFound
from graph.model import Attempt
from graph.repository import KnowledgeGraph
from graph.store import open_store
from graph.xapi_homes import (
    AccountHomesChanged,
    accept_homes,
    former_homes,
    holds_unrecorded_xapi,
    keying_marks,
    recorded_homes,
)
from tests.conftest import small_bundle

LMS = "http://www.example.org"
WHEN = datetime(2026, 11, 29, 9, tzinfo=UTC)


def answer(ident: str, source: str = "xapi:day1.json", material: str = "m_add_ex") -> Attempt:
    return Attempt(ident, "stu-" + "1" * 32, WHEN, 1.0, material=material, source=source)


class TestKeyingMarks:
    def test_the_first_statement_stored_records_the_homes_it_was_keyed_with(self, kg: KnowledgeGraph) -> None:
        marks = keying_marks(kg.store, [f"{LMS}/"])
        assert recorded_homes(kg.store) is None, "checking writes nothing"
        record_attempts(kg, [answer("a1")], marks=marks)
        assert recorded_homes(kg.store) == (LMS,)
        assert keying_marks(kg.store, [LMS]) == [], "recorded: nothing more to write"

    def test_a_batch_that_stores_no_new_attempt_records_nothing(self, kg: KnowledgeGraph) -> None:
        record_attempts(kg, [answer("a1")])
        marks = keying_marks(kg.store, [], unrecorded=False)
        assert record_attempts(kg, [answer("a1")], marks=marks)[:2] == (0, 1)
        assert recorded_homes(kg.store) is None

    def test_a_refused_first_write_leaves_no_record(self, kg: KnowledgeGraph) -> None:
        with pytest.raises(NotFound):
            record_attempts(kg, [answer("a1", material="nothing")], marks=keying_marks(kg.store, [LMS]))
        assert recorded_homes(kg.store) is None
        assert keying_marks(kg.store, []) != [], "another set may still be the first"

    def test_other_homes_are_refused_saying_what_changed_and_what_to_do(self, kg: KnowledgeGraph) -> None:
        # PATHWISE_XAPI_ACCOUNT_HOMES turned on after statements were stored keyed every learner of
        # the LMS a second way: an erased learner came back, re-sends were refused, old data stranded.
        record_attempts(kg, [answer("a1")], marks=keying_marks(kg.store, []))
        with pytest.raises(AccountHomesChanged) as refused:
            keying_marks(kg.store, [LMS])
        message = refused.value.message
        assert f"added '{LMS}'" in message
        assert "PATHWISE_XAPI_ACCOUNT_HOMES names 'http://www.example.org', but this store's xAPI learners" in message
        assert "keyed with no home (every account by home page and name): added" in message
        assert "Either unset PATHWISE_XAPI_ACCOUNT_HOMES, or" in message
        assert "`pathwise xapi-homes accept`" in message
        assert refused.value.code.value == "UNAVAILABLE", "a forwarder keeps its statements and sends them later"
        flag = pytest.raises(AccountHomesChanged, match="^--xapi-account-home")
        with flag:
            keying_marks(kg.store, [LMS], setting="--xapi-account-home")

    def test_xapi_answers_stored_before_homes_were_recorded_take_the_configured_homes_with_a_warning(
        self, kg: KnowledgeGraph, caplog: pytest.LogCaptureFixture
    ) -> None:
        # Refusing them stopped every upgraded service at start, for a change that nearly never happened.
        record_attempts(kg, [answer("a1")])  # as an earlier release stored them: no record
        assert holds_unrecorded_xapi(kg.store)
        with caplog.at_level("WARNING", logger="pathwise.xapi"):
            marks = keying_marks(kg.store, [LMS])
        assert "from before Pathwise recorded which account homes keyed them" in caplog.text
        kg.commit([], marks, lambda: None)
        assert recorded_homes(kg.store) == (LMS,)
        assert not holds_unrecorded_xapi(kg.store)
        with pytest.raises(AccountHomesChanged):  # from now on a change is refused
            keying_marks(kg.store, [])

    def test_only_xapi_answers_count_as_keyed(self, kg: KnowledgeGraph) -> None:
        record_attempts(kg, [answer("c1", source="csv:log.csv"), answer("c2", source="")])
        assert not holds_unrecorded_xapi(kg.store)
        # what a void leaves names no learner: a store holding only one warned of unknown homes (an audit)
        kg.commit([], [voided_marker("attempt-1")], lambda: None)
        assert not holds_unrecorded_xapi(kg.store)
        record_attempts(kg, [answer("x1", source="xapi:statements.json")])
        assert holds_unrecorded_xapi(kg.store)


class TestAcceptHomes:
    def test_a_change_is_recorded_and_the_homes_it_replaced_are_kept(self, kg: KnowledgeGraph) -> None:
        record_attempts(kg, [answer("a1")], marks=keying_marks(kg.store, []))
        change = accept_homes(kg, [LMS, f"{LMS}/"])
        assert (change.before, change.after, change.added, change.removed) == ((), (LMS,), (LMS,), ())
        assert (recorded_homes(kg.store), former_homes(kg.store)) == ((LMS,), [()])
        assert keying_marks(kg.store, [LMS]) == []
        back = accept_homes(kg, [])
        assert (back.added, back.removed) == ((), (LMS,))
        assert former_homes(kg.store) == [(), (LMS,)]
        assert not accept_homes(kg, []).changed

    def test_a_store_from_before_the_record_is_accepted_as_configured(self, kg: KnowledgeGraph) -> None:
        record_attempts(kg, [answer("a1")])
        change = accept_homes(kg, [LMS])
        assert (change.before, change.unrecorded_xapi) == (None, True)
        assert (recorded_homes(kg.store), former_homes(kg.store)) == ((LMS,), [])
        assert not holds_unrecorded_xapi(kg.store)
        assert keying_marks(kg.store, [LMS]) == []

    def test_the_record_is_stored_with_the_data(self, tmp_path: Path) -> None:
        store = f"oxigraph:{tmp_path / 'store'}"
        kg = KnowledgeGraph(open_store(store))
        kg.import_bundle(small_bundle())
        record_attempts(kg, [answer("a1")], marks=keying_marks(kg.store, [LMS]))
        accept_homes(kg, [])
        kg.store.close()
        reopened = KnowledgeGraph(open_store(store))
        try:
            assert (recorded_homes(reopened.store), former_homes(reopened.store)) == ((), [(LMS,)])
        finally:
            reopened.store.close()
