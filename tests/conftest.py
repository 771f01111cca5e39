"""Shared fixtures: small knowledge graphs on each backend, and a real Oxigraph server."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.http_load import free_port, wait_for
from graph.bundle import CurriculumBundle
from graph.ids import slug_for
from graph.model import Concept, Curriculum, Material, MaterialType, Prerequisite
from graph.pseudonyms import canonical_id
from graph.repository import KnowledgeGraph
from graph.store import open_store

os.environ.setdefault("PATHWISE_TORCH_THREADS", "1")


@pytest.fixture(autouse=True, scope="session")
def _own_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A data folder of the test session's own, where a test names none.

    Commands run without ``PATHWISE_DATA_DIR`` (the CLI's ``attempts import``, say)
    wrote their development secret and the demo model into the checkout's
    ``./pathwise-data``: the developer's own data folder after a ``make run``. One
    exported to run a server was kept, and the tests wrote secrets and models into it.
    """
    exported = os.environ.get("PATHWISE_DATA_DIR")
    os.environ["PATHWISE_DATA_DIR"] = str(tmp_path_factory.mktemp("pathwise-data"))
    try:
        yield
    finally:
        if exported is None:
            os.environ.pop("PATHWISE_DATA_DIR", None)
        else:
            os.environ["PATHWISE_DATA_DIR"] = exported


# Third-party data lives beside the checkout (../shared/data); tests skip where it is absent.
DATA = Path(os.environ.get("PATHWISE_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
VENV_BIN = Path(sys.executable).parent


class PlainIds:
    """Test helper ONLY: student ids pass through unhashed (``Context(pseudonyms=PlainIds())``).

    For tests about something other than pseudonyms that name students as they are
    stored (``s1``); the server always hashes (``graph.pseudonyms.Pseudonymizer``).
    """

    def resolve(self, given: str) -> str:
        """``given`` in its canonical form (``graph.pseudonyms.canonical_id``), unhashed."""
        return self.key(given)

    def key(self, external_id: str) -> str:
        """``external_id`` in its canonical form, unhashed; empty is refused as the server refuses it."""
        canonical = canonical_id(external_id)
        if not canonical:
            raise ValueError("a student id is empty")
        return canonical

    def opaque(self, value: str, kind: str = "attempt") -> str:
        """``value`` as a slug, unkeyed."""
        return slug_for(f"{kind}-{value}")


def small_bundle() -> CurriculumBundle:
    """Five concepts in a diamond plus a tail; materials on three of them.

    add <- sub, add <- mul, (sub, mul) <- eq, eq <- quad
    """
    c = [
        Concept("add", "Addition", "Putting together.", curriculum="arith"),
        Concept("sub", "Subtraction", "Taking away.", alt_labels=("minus",), curriculum="arith"),
        Concept("mul", "Multiplication", "Repeated addition.", curriculum="arith"),
        Concept("eq", "Equations", "Statements of equality.", broader=("add",), curriculum="arith"),
        Concept("quad", "Quadratics", "Degree two.", curriculum="arith"),
    ]
    e = [
        Prerequisite("sub", "add"),
        Prerequisite("mul", "add", 0.5, "designer"),
        Prerequisite("eq", "sub"),
        Prerequisite("eq", "mul"),
        Prerequisite("quad", "eq"),
    ]
    m = [
        Material("m_add", "Adding", MaterialType.EXPLANATION, 1, 5, "2 + 3 = 5", teaches=("add",)),
        Material("m_add_ex", "Adding drill", MaterialType.EXERCISE, 2, 10, "1) 2+2\nAnswers: 4", assesses=("add",)),
        Material("m_eq", "Solving", MaterialType.EXAMPLE, 3, 8, "x + 1 = 2", teaches=("eq",), assesses=("sub",)),
    ]
    return CurriculumBundle((Curriculum("arith", "Arithmetic", "Small test curriculum"),), tuple(c), tuple(e), tuple(m))


@pytest.fixture
def kg() -> KnowledgeGraph:
    """A fresh in-memory graph holding ``small_bundle``."""
    graph = KnowledgeGraph(open_store("memory"))
    graph.import_bundle(small_bundle())
    return graph


@pytest.fixture
def ox_kg(tmp_path: Path) -> Iterator[KnowledgeGraph]:
    """The same graph on an embedded on-disk Oxigraph store."""
    graph = KnowledgeGraph(open_store(f"oxigraph:{tmp_path / 'store'}"))
    graph.import_bundle(small_bundle())
    yield graph
    graph.store.close()


@pytest.fixture
def oxigraph_server(tmp_path: Path) -> Iterator[str]:
    """A real ``oxigraph serve`` on loopback; yields ``sparql:<query>,<update>``."""
    binary = shutil.which("oxigraph", path=str(VENV_BIN)) or shutil.which("oxigraph")
    if binary is None:
        pytest.skip("the oxigraph server binary is not installed (pip install oxigraph)")
    port = free_port()
    proc = subprocess.Popen(
        [binary, "serve", "--location", str(tmp_path / "remote"), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_for(f"{base}/query?query=ASK%7B%7D", 20)
        except TimeoutError:
            pytest.skip("oxigraph serve did not start")
        yield f"sparql:{base}/query,{base}/update"
    finally:
        proc.terminate()
        proc.wait(10)
