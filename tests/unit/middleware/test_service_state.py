"""The service's state as read at a scrape: what an operator alerts on beyond requests."""

from __future__ import annotations

from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from graph.errors import StoreUnwritable
from graph.model import Concept
from graph.repository import KnowledgeGraph
from graph.store import OxigraphStore
from middleware.metrics import ServiceMetrics
from middleware.service_state import ServiceState
from tests.conftest import small_bundle
from tests.unit.graph.test_store import _FullDisk


def scraped(metrics: ServiceMetrics) -> dict[str, float]:
    """Every unlabelled sample of a scrape, by name."""
    return {
        s.name: s.value
        for family in text_string_to_metric_families(metrics.exposition().decode())
        for s in family.samples
        if not s.labels
    }


def test_failed_store_writes_are_counted(tmp_path: Path) -> None:
    # A write refused on a full disk showed in /healthz's store_write_error only until the next write
    # succeeded, and in no metric: an alert could not see that writes had been lost in between.
    store = OxigraphStore(tmp_path / "kg")
    kg = KnowledgeGraph(store)
    kg.import_bundle(small_bundle())
    metrics = ServiceMetrics()
    metrics.watch(ServiceState(kg, mastery=None, qa=None, backup_dir=None))
    try:
        assert scraped(metrics)["pathwise_store_write_failures_total"] == 0
        store._store = _FullDisk(store._store)  # type: ignore[assignment]
        with pytest.raises(StoreUnwritable, match="No space left"):
            kg.create_concept(Concept("cube", "Cubics"))
        store._store = _FullDisk(store._store)  # type: ignore[assignment]  # the disk is still full
        with pytest.raises(StoreUnwritable, match="No space left"):
            kg.create_concept(Concept("cube", "Cubics"))
        assert scraped(metrics)["pathwise_store_write_failures_total"] == 2
        kg.create_concept(Concept("cube", "Cubics"))  # space is back: the write succeeds, /healthz forgets
        assert store.write_failure is None
        assert scraped(metrics)["pathwise_store_write_failures_total"] == 2, "a counter: the failures stay counted"
    finally:
        store.close()
