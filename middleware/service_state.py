"""The service's state as Prometheus metrics, read at each scrape (``middleware.metrics``).

What an operator alerts on beyond requests: a store rewrite (an erasure) left pending,
store writes that failed (a full disk), a backup grown old, the question-answering
index not ready, which model is served.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, InfoMetricFamily, Metric
from prometheus_client.registry import Collector

from graph.backup import list_backups
from graph.repository import KnowledgeGraph
from graph.store import OxigraphStore

__all__ = ["ServiceState"]

log = logging.getLogger("pathwise.metrics")


class ServedModel(Protocol):
    """What is read of ``ml.mastery.serving.MasteryService`` (kept apart: ``middleware`` is typed strictly)."""

    @property
    def version(self) -> str | None: ...


class AnswerService(Protocol):
    """What is read of ``ml.qa.serving.QaService``."""

    ready: threading.Event


class ServiceState(Collector):
    """Gauges over the live objects of one served app."""

    def __init__(
        self,
        kg: KnowledgeGraph,
        *,
        mastery: ServedModel | None,
        qa: AnswerService | None,
        backup_dir: Path | None,
    ) -> None:
        self.kg = kg
        self.mastery = mastery
        self.qa = qa
        self.backup_dir = backup_dir

    def collect(self) -> Iterator[Metric]:
        """One sample per metric, read now (a scrape costs a directory listing, no store query)."""
        yield GaugeMetricFamily(
            "pathwise_store_revision", "The store's revision (grows with every write).", self.kg.revision
        )
        store = self.kg.store
        if isinstance(store, OxigraphStore):
            yield CounterMetricFamily(
                "pathwise_store_rewrites", "Store rewrites run by this process (erasures, restores).", store.rewrites
            )
            yield GaugeMetricFamily(
                "pathwise_store_rewrite_pending",
                "1 while a requested rewrite has not been swapped in: an erasure's bytes may still be on disk.",
                int(store.rewrite_pending),
            )
            yield CounterMetricFamily(  # /healthz said so only until the next write succeeded
                "pathwise_store_write_failures",
                "Store writes refused because the store could not be written (a full disk, a read-only folder).",
                store.write_failures,
            )
        if self.mastery is not None:
            yield InfoMetricFamily(
                "pathwise_mastery_model",
                "The served mastery model version.",
                value={"version": self.mastery.version or ""},
            )
        if self.qa is not None:
            yield GaugeMetricFamily(
                "pathwise_qa_ready", "1 once the question-answering index is built.", int(self.qa.ready.is_set())
            )
        if self.backup_dir is not None:
            try:
                backups = list_backups(self.backup_dir)
            except OSError as error:  # an unreadable backup folder must not cost the whole scrape
                log.warning("metrics: cannot list the backups in %s: %s", self.backup_dir, error)
                return
            yield GaugeMetricFamily("pathwise_backups", "Finished backups in the backup folder.", len(backups))
            yield GaugeMetricFamily(  # 0 with no backup at all, so an alert on its age fires then too
                "pathwise_backup_newest_timestamp_seconds",
                "When the newest backup was taken (Unix time; 0 when there is none): alert when it grows old.",
                backups[-1][1].created_at.timestamp() if backups else 0.0,
            )
