"""Run GraphQL documents through the real schema with a fresh context per request."""

from __future__ import annotations

import asyncio
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from filelock import FileLock

from auth.principal import Principal, Role
from bench.http_load import wait_for
from demo.load import CURRICULUM_DIR, MODEL_DIR
from graph.repository import KnowledgeGraph
from graph.store import open_store
from ingest.csv_layout import read_curriculum_csv
from ml.mastery.serving import MasteryService
from ml.mastery.versions import ModelVersions
from resolvers.loaders import build_loaders
from schema import build_schema
from schema.context import Context
from tests.conftest import PlainIds
from tests.integration.live_server import serving


class Client:
    """``schema.execute`` with a per-request context, counting store round trips."""

    def __init__(self, kg: KnowledgeGraph, *, development: bool = True) -> None:
        self.kg = kg
        self.schema = build_schema(development=development)
        self.round_trips = 0

    def execute(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        before = self.kg.store.round_trips
        context = Context(kg=self.kg, loaders=build_loaders(self.kg), pseudonyms=PlainIds())
        result = asyncio.run(self.schema.execute(query, variable_values=variables, context_value=context))
        self.round_trips = self.kg.store.round_trips - before
        assert result.errors is None, result.errors
        assert result.data is not None
        return result.data

    def errors(self, query: str, variables: dict[str, Any] | None = None) -> list[str]:
        context = Context(kg=self.kg, loaders=build_loaders(self.kg), pseudonyms=PlainIds())
        result = asyncio.run(self.schema.execute(query, variable_values=variables, context_value=context))
        return [e.message for e in result.errors or []]


@pytest.fixture
def client(kg: KnowledgeGraph) -> Client:
    """The schema over the small in-memory graph (``kg``), as an admin in development; no mastery model."""
    return Client(kg)


class Api:
    """The demo curriculum with its shipped mastery model: ``api(query, variables)`` returns data.

    ``pseudonyms`` defaults to plain ids (tests only); ``principal`` and ``context_type``
    let a test act as another caller or with another context (e.g. an analyst's).
    """

    def __init__(
        self, kg: KnowledgeGraph, mastery: MasteryService, pseudonyms: Any = None, erasures: Any = None
    ) -> None:
        self.kg, self.mastery, self.schema = kg, mastery, build_schema()
        self.pseudonyms = pseudonyms if pseudonyms is not None else PlainIds()
        self.erasures = erasures  # an ErasureLog, as the server keeps one (None: not logged)

    def __call__(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """``run`` outside an event loop: what most tests do."""
        return asyncio.run(self.run(*args, **kwargs))

    async def run(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        principal: Principal | None = None,
        *,
        context_type: type[Context] = Context,
    ) -> dict[str, Any]:
        """``api(...)`` inside a running event loop, for requests served side by side."""
        context = self._context(principal, context_type)
        result = await self.schema.execute(query, variable_values=variables, context_value=context)
        assert result.errors is None, result.errors
        assert result.data is not None
        return result.data

    def raw(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The response as a client reads it, errors included (as an admin)."""
        context = self._context(None, Context)
        result = asyncio.run(self.schema.execute(query, variable_values=variables, context_value=context))
        return {"data": result.data, "errors": [e.formatted for e in result.errors or []]}

    def _context(self, principal: Principal | None, context_type: type[Context]) -> Context:
        return context_type(
            kg=self.kg,
            loaders=build_loaders(self.kg, self.mastery),
            mastery=self.mastery,
            pseudonyms=self.pseudonyms,
            principal=principal or Principal(Role.ADMIN, "ops"),
            erasures=self.erasures,
        )


def demo_api(tmp_path: Path, pseudonyms: Any = None) -> Api:
    """A fresh in-memory graph with the demo curriculum and the shipped mastery model."""
    kg = KnowledgeGraph(open_store("memory"))
    kg.import_bundle(read_curriculum_csv(CURRICULUM_DIR))
    return Api(kg, MasteryService(ModelVersions(tmp_path / "models"), fallback=MODEL_DIR), pseudonyms)


@pytest.fixture
def api(tmp_path: Path) -> Api:
    """The schema over the demo curriculum with the shipped mastery model; student ids unhashed (``PlainIds``)."""
    return demo_api(tmp_path)


def answers_in_a_row(material: str, correct: bool, tag: str, day: int = 0) -> list[dict[str, Any]]:
    """Four answers of "kid" to ``material``, a minute apart, ``day`` days ago (``AttemptInput`` values)."""
    when = (datetime.now(UTC) - timedelta(days=day)).replace(microsecond=0)
    return [
        {"studentId": "kid", "materialId": material, "correct": correct, "clientId": f"{tag}{n}",
         "timestamp": (when + timedelta(minutes=n)).isoformat()}
        for n in range(4)
    ]  # fmt: skip


@pytest.fixture(scope="session")
def served_demo(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """A data folder a server has loaded the demo into and indexed for ``ask``; built once for all workers.

    A first start spends 10 s loading the demo and 35 s of a core embedding its materials
    (at one thread): the tests that need a served demo, not its first start, copy this.
    """
    shared = tmp_path_factory.getbasetemp()
    if worker_id != "master":  # pytest-xdist: the workers' folders share a parent that is this run's own
        shared = shared.parent
    template = shared / "served-demo"
    with FileLock(str(shared / "served-demo.lock")):
        if not (template / "built").exists():
            shutil.rmtree(template, ignore_errors=True)
            template.mkdir()
            with serving(template / "data") as live:
                wait_for(f"{live.base}/readyz", 300)
            (template / "built").touch()
    return template / "data"


@pytest.fixture
def demo_data_dir(served_demo: Path, tmp_path: Path) -> Path:
    """A copy of ``served_demo`` for one test: ``tmp_path / "data"``."""
    data = tmp_path / "data"
    shutil.copytree(served_demo, data)
    return data
