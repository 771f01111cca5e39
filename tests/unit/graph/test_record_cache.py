"""The concept and material record cache: it outlives writes that leave a record alone,
and never serves a record a write has changed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from rdflib import URIRef

from graph import queries
from graph.attempts import record_attempts
from graph.model import Attempt, Concept
from graph.rdf_mapping import Props
from graph.repository import KnowledgeGraph

NOW = datetime(2026, 11, 29, tzinfo=UTC)

Describe = Callable[..., dict[str, Props]]


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The subjects of every record read that went to the store."""
    seen: list[list[str]] = []
    original: Describe = queries.describe

    def counting(store: object, iris: Sequence[URIRef]) -> dict[str, Props]:
        seen.append([str(i).rsplit("/", 1)[-1] for i in iris])
        return original(store, iris)

    monkeypatch.setattr(queries, "describe", counting)
    return seen


def test_student_writes_leave_cached_records_in_place(kg: KnowledgeGraph, reads: list[list[str]]) -> None:
    kg.materials_by_ids(["m_add", "m_eq"])
    kg.concept("eq")
    attempt = Attempt("a1", "s1", NOW, 1.0, material="m_add", concepts=("add",))
    record_attempts(kg, [attempt])  # a write: the revision moves
    kg.create_concept(Concept("cube", "Cubics"), ["quad"])  # another, on a record nobody read
    assert kg.material("m_add").title == "Adding"
    assert kg.concept("eq").label == "Equations"
    assert reads == [["m_add", "m_eq"], ["eq"], ["cube"]]  # the first reads, and the create's answer, only


def test_an_edited_record_is_read_again(kg: KnowledgeGraph, reads: list[list[str]]) -> None:
    kg.materials_by_ids(["m_add", "m_eq"])
    kg.update_material(replace(kg.material("m_add"), title="Adding up"))
    assert [m.title for m in kg.materials_by_ids(["m_add", "m_eq"]) if m] == ["Adding up", "Solving"]
    assert reads[-1] == ["m_add"]  # m_eq still cached


def test_links_and_deletions_reach_the_records_they_change(kg: KnowledgeGraph) -> None:
    kg.materials_by_ids(["m_add", "m_eq"])
    kg.concept("eq")
    kg.link_material("m_eq", "quad")
    assert kg.material("m_eq").teaches == ("eq", "quad")
    kg.delete_concept("add")  # removes m_add's link and eq's broader link
    assert kg.material("m_add").teaches == ()
    assert kg.concept("eq").broader == ()
    kg.delete_material("m_eq")
    assert kg.materials_by_ids(["m_eq"]) == [None]


def test_a_read_overtaken_by_a_write_is_not_kept(kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch) -> None:
    original: Describe = queries.describe
    writes = 0

    def racing(store: object, iris: Sequence[URIRef]) -> dict[str, Props]:
        nonlocal writes
        found = original(store, iris)  # read before the write lands...
        if writes == 0:
            writes += 1
            monkeypatch.setattr(queries, "describe", original)
            kg.update_material(replace(kg.material("m_add"), title="Adding up"))
        return found

    monkeypatch.setattr(queries, "describe", racing)
    assert kg.material("m_add").title == "Adding"  # ...so the caller sees the old title once
    assert kg.material("m_add").title == "Adding up"  # but the cache did not keep it


def test_another_writer_empties_the_cache_when_the_projection_is_rebuilt(kg: KnowledgeGraph) -> None:
    other = KnowledgeGraph(kg.store)  # a second process on the same store
    assert kg.material("m_add").title == "Adding"
    other.update_material(replace(other.material("m_add"), title="Adding up"))
    assert kg.refresh_if_stale()
    assert kg.material("m_add").title == "Adding up"
