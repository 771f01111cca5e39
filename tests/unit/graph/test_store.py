"""Every backend behaves the same through the repository (memory, Oxigraph, SPARQL server)."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.errors import InvalidInput, PrerequisiteCycle
from graph.model import Concept
from graph.repository import KnowledgeGraph
from graph.store import open_store, parse_store_spec
from tests.conftest import small_bundle


@pytest.fixture(params=["memory", "oxigraph", "sparql"])
def any_kg(request: pytest.FixtureRequest, tmp_path: Path) -> KnowledgeGraph:
    if request.param == "memory":
        spec = "memory"
    elif request.param == "oxigraph":
        spec = f"oxigraph:{tmp_path / 'store'}"
    else:
        spec = request.getfixturevalue("oxigraph_server")
    graph = KnowledgeGraph(open_store(spec))
    graph.import_bundle(small_bundle())
    return graph


class TestParseStoreSpec:
    def test_rejects_unknown_backends_with_the_accepted_forms(self) -> None:
        with pytest.raises(InvalidInput, match="oxigraph:<dir>"):
            parse_store_spec("postgres://x")


class TestBackends:
    def test_reads_back_what_was_imported(self, any_kg: KnowledgeGraph) -> None:
        concept = any_kg.concept("sub")
        assert concept.label == "Subtraction"
        assert concept.alt_labels == ("minus",)
        assert concept.curriculum == "arith"
        assert any_kg.prerequisites_of("quad", transitive=True) == ["eq", "mul", "sub", "add"]
        assert [m.id for m in any_kg.materials_by_ids(["m_eq", "nope"]) if m] == ["m_eq"]

    def test_projection_rebuilt_from_the_store_equals_the_live_one(self, any_kg: KnowledgeGraph) -> None:
        any_kg.create_concept(Concept("cube", "Cubics"), ["quad"])
        any_kg.remove_prerequisite("eq", "mul")
        any_kg.delete_material("m_add")
        live = any_kg.projection
        fresh = KnowledgeGraph(any_kg.store).projection
        assert sorted(fresh.dag.edges(data=True)) == sorted(live.dag.edges(data=True))
        assert fresh.material_ids == live.material_ids
        assert fresh.revision == live.revision

    def test_refused_write_changes_nothing(self, any_kg: KnowledgeGraph) -> None:
        before = any_kg.export_graph()
        revision = any_kg.revision
        with pytest.raises(PrerequisiteCycle):
            any_kg.add_prerequisite("add", "quad")
        assert any_kg.revision == revision
        assert set(any_kg.export_graph()) == set(before)


class TestOxigraphPersistence:
    def test_data_survives_reopening(self, tmp_path: Path) -> None:
        spec = f"oxigraph:{tmp_path / 'store'}"
        first = KnowledgeGraph(open_store(spec))
        first.import_bundle(small_bundle())
        revision = first.revision
        first.store.close()
        second = KnowledgeGraph(open_store(spec))
        assert second.revision == revision
        assert second.concept("quad").label == "Quadratics"


class TestSharedRemoteStore:
    def test_a_second_process_sees_its_projection_is_stale(self, oxigraph_server: str) -> None:
        writer = KnowledgeGraph(open_store(oxigraph_server))
        writer.import_bundle(small_bundle())
        reader = KnowledgeGraph(open_store(oxigraph_server))
        assert reader.refresh_if_stale() is False
        writer.create_concept(Concept("cube", "Cubics"), ["quad"])
        assert not reader.projection.has_concept("cube")
        assert reader.refresh_if_stale() is True
        assert reader.prerequisites_of("cube") == ["quad"]


class TestStoreInUse:
    def test_a_second_opener_gets_a_clear_error(self, tmp_path: Path) -> None:
        from graph.errors import StoreInUse

        first = open_store(f"oxigraph:{tmp_path / 'store'}")
        with pytest.raises(StoreInUse, match="in use by another process"):
            open_store(f"oxigraph:{tmp_path / 'store'}")
        first.close()


class TestOxigraphRewrite:
    def test_deleted_data_leaves_the_files_and_live_data_stays(self, tmp_path: Path) -> None:
        from rdflib import Literal, URIRef

        from graph.store import OxigraphStore

        store = OxigraphStore(tmp_path / "store")
        gone = (URIRef("https://example.org/student-SECRET-42"), URIRef("https://example.org/p"), Literal("x"))
        kept = (URIRef("https://example.org/kept"), URIRef("https://example.org/p"), Literal("y"))
        store.apply([], [gone, kept])
        store.apply([gone], [])

        def files_holding_it() -> int:
            return sum(b"SECRET-42" in f.read_bytes() for f in (tmp_path / "store").rglob("*") if f.is_file())

        assert files_holding_it(), "RocksDB keeps deleted strings (else this test proves nothing)"
        store.rewrite()
        assert files_holding_it() == 0
        assert store.select("SELECT ?s WHERE { ?s ?p ?o }") == [(kept[0],)]
        store.close()
        assert not list(tmp_path.glob("store.*")), "no staging copy or marker left behind"

    def test_queries_and_writes_from_other_threads_survive_rewrites(self, tmp_path: Path) -> None:
        """A model switch and question answering query from worker threads while a forget rewrites the store."""
        import threading

        from rdflib import Literal, URIRef

        from graph.store import OxigraphStore

        store = OxigraphStore(tmp_path / "store")
        p = URIRef("https://example.org/p")
        store.apply([], [(URIRef(f"https://example.org/s{i}"), p, Literal(i)) for i in range(2000)])
        failures: list[BaseException] = []
        acknowledged: list[URIRef] = []
        done = threading.Event()

        def query_and_write(worker: int) -> None:
            n = 0
            try:
                while not done.is_set():
                    assert len(store.select("SELECT ?s WHERE { ?s ?p ?o }")) >= 2000
                    subject = URIRef(f"https://example.org/w{worker}-{n}")
                    store.apply([], [(subject, p, Literal(n))])
                    acknowledged.append(subject)
                    n += 1
            except BaseException as error:  # reported below: a thread's exception is otherwise lost
                failures.append(error)

        workers = [threading.Thread(target=query_and_write, args=(w,)) for w in range(2)]
        for worker in workers:
            worker.start()
        for _ in range(5):
            store.rewrite()
        done.set()
        for worker in workers:
            worker.join()
        assert failures == []
        stored = {row[0] for row in store.select("SELECT ?s WHERE { ?s ?p ?o }")}
        assert acknowledged, "the writers never ran alongside a rewrite"
        assert set(acknowledged) <= stored, "no acknowledged write was lost to a rewrite"
        store.close()
