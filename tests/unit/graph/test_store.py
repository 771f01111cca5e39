"""Every backend behaves the same through the repository (memory, Oxigraph, SPARQL server)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, BNode, Literal, URIRef
from rdflib.term import Node

from graph.attempts import voided_marker
from graph.errors import InvalidInput, PrerequisiteCycle, StoreUnwritable
from graph.model import Concept
from graph.repository import KnowledgeGraph
from graph.store import OxigraphStore, StreamInterrupted, open_store, parse_store_spec, stream_text
from graph.vocab import PW, SDO
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

    def test_export_leaves_out_student_data_and_keeps_what_an_import_kept(self, any_kg: KnowledgeGraph) -> None:
        # The whole-store export's query was rewritten (MINUS, not FILTER NOT EXISTS, off the memory store).
        student, attempt = URIRef("https://x.org/student/s1"), URIRef("https://x.org/attempt/a1")
        course, note = URIRef("https://x.org/course"), BNode()
        student_data = [
            (student, RDF.type, PW.Student),
            (attempt, RDF.type, PW.Attempt),
            (attempt, PW.student, student),
            (URIRef("https://x.org/mastery/m1"), RDF.type, PW.Mastery),
            (URIRef("https://x.org/cohort/c1"), RDF.type, PW.Cohort),
            (URIRef("https://x.org/cohort/c1"), RDFS.label, Literal("Period 3")),
            voided_marker("attempt-0f"),  # a void's marker: it made the export a file no import takes back
        ]
        kept = [
            (course, SDO.teaches, URIRef("https://x.org/x")),
            (course, RDFS.comment, note),
            (note, RDFS.label, Literal("n")),
        ]
        before = set(any_kg.export_graph())
        any_kg.store.apply([], [*student_data, *kept])
        exported = set(any_kg.export_graph())
        # an untyped resource and its blank node are curriculum (a store names blank nodes its own way)
        assert _blanked(exported - before) == _blanked(kept)
        assert not exported & set(student_data)
        any_kg.import_rdf(any_kg.export_graph(), replace_existing=True, dry_run=True)  # a whole export goes back in

    def test_describe_reads_each_subject_alike_on_every_backend(self, any_kg: KnowledgeGraph) -> None:
        # The memory store reads subjects from rdflib's index: its SPARQL parser took 37 s over 138k of them.
        from graph.queries import describe

        a1, a2 = URIRef("https://x.org/attempt/a1"), URIRef("https://x.org/attempt/a2")
        any_kg.store.apply([], [(a1, RDF.type, PW.Attempt), (a1, PW.score, Literal(0.5)), (a2, RDF.type, PW.Attempt)])
        found = describe(any_kg.store, [a1, a2, URIRef("https://x.org/attempt/none"), a1])
        assert set(found) == {str(a1), str(a2)}
        assert {p: sorted(map(str, o)) for p, o in found[str(a1)].items()} == {
            RDF.type: [str(PW.Attempt)] * 2,  # named twice, read twice: as the VALUES query reads it
            PW.score: ["0.5"] * 2,
        }


def _blanked(triples: Iterable[tuple[Node, Node, Node]]) -> set[tuple[Node, ...]]:
    return {tuple(Literal("_:") if isinstance(t, BNode) else t for t in triple) for triple in triples}


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


class TestStreamedReads:
    """A read of a whole table streams its rows, and gives way to a swap of the store's files."""

    def test_a_streamed_read_gives_way_to_a_rewrite(self, tmp_path: Path) -> None:
        import threading
        import time

        store = OxigraphStore(tmp_path / "store")
        p = URIRef("https://example.org/p")
        store.apply([], [(URIRef(f"https://example.org/s{i}"), p, Literal(i)) for i in range(3000)])
        query = "SELECT ?s ?o WHERE { ?s ?p ?o }"
        assert sorted(stream_text(store, query)) == sorted(store.select_text(query))
        rows = stream_text(store, query)
        next(rows)  # reading: a swap must wait for it
        rewrite = threading.Thread(target=store.rewrite)
        rewrite.start()
        while not store._swap.swap_waiting:  # the copy is made; the swap waits for this reader
            time.sleep(0.01)
        with pytest.raises(StreamInterrupted):  # and every query behind it would have waited as long
            list(rows)
        rewrite.join(30)
        assert not rewrite.is_alive()
        held = stream_text(store, query, give_way=False)
        next(held)
        rewrite = threading.Thread(target=store.rewrite)
        rewrite.start()
        while not store._swap.swap_waiting:
            time.sleep(0.01)
        assert len(list(held)) == 2999  # read to the end; the swap waited for it
        rewrite.join(30)
        assert len(store.select_text(query)) == 3000
        store.close()

    def test_other_stores_read_at_once(self) -> None:
        store = open_store("memory")
        store.apply([], [(URIRef("https://example.org/s"), URIRef("https://example.org/p"), Literal(1))])
        assert list(stream_text(store, "SELECT ?o WHERE { ?s ?p ?o }")) == [("1",)]


class TestRewriteWhileWriting:
    """A forget's rewrite copies the store while writes go on, then catches up on them."""

    @staticmethod
    def _triple(name: str, value: object) -> tuple[object, object, object]:
        from rdflib import Literal, URIRef

        return (URIRef(f"https://example.org/{name}"), URIRef("https://example.org/p"), Literal(value))

    def test_writes_made_during_the_copy_are_kept_and_need_not_wait_for_it(self, tmp_path: Path) -> None:
        import threading

        from graph.store import OxigraphStore

        deleted_during, kept = self._triple("deleted-during-copy", 1), self._triple("kept", 2)
        inserted_during = self._triple("inserted-during-copy", 3)
        finished_during_copy: list[bool] = []

        class WritesDuringCopy(OxigraphStore):
            def _copy_checkpoint(self, work: Path):  # type: ignore[no-untyped-def]
                fresh = super()._copy_checkpoint(work)
                writer = threading.Thread(target=lambda: self.apply([deleted_during], [inserted_during]))
                writer.start()
                writer.join(timeout=30)  # a copy under the writes lock would hold this write until it ends
                finished_during_copy.append(not writer.is_alive())
                return fresh

        store = WritesDuringCopy(tmp_path / "store")
        store.apply([], [deleted_during, kept])  # type: ignore[list-item]
        store.rewrite()
        assert finished_during_copy == [True]
        rows = {tuple(r) for r in store.select("SELECT ?s ?p ?o WHERE { ?s ?p ?o }")}
        assert rows == {kept, inserted_during}, "the copy caught up on the write made while it was made"
        store.apply([], [self._triple("after", 4)])  # type: ignore[list-item]
        assert store._journal is None, "writes after the rewrite are not journalled"
        store.close()
        assert not list(tmp_path.glob("store.*")), "no rebuild folder, staging copy or marker left behind"

    def test_a_forget_during_a_rewrite_gets_a_rewrite_of_its_own(self, tmp_path: Path) -> None:
        """A delete that lands while a copy is made leaves its strings in that copy: the next rewrite removes them."""
        import threading

        from graph.store import OxigraphStore

        secret = self._triple("student-SECRET-7", 1)
        rewrites_done: list[None] = []

        class ForgetDuringCopy(OxigraphStore):
            def _copy_checkpoint(self, work: Path):  # type: ignore[no-untyped-def]
                fresh = super()._copy_checkpoint(work)
                if not rewrites_done:
                    rewrites_done.append(None)
                    self.apply([secret], [])  # type: ignore[list-item]
                    forgetting.start()  # the forget asks for its rewrite while this one is copying
                    forgetting.join(timeout=1)
                    assert forgetting.is_alive(), "the forget waits for a rewrite begun after its delete"
                return fresh

        store = ForgetDuringCopy(tmp_path / "store")
        forgetting = threading.Thread(target=store.rewrite)
        store.apply([], [secret, self._triple("kept", 2)])  # type: ignore[list-item]
        store.rewrite()
        forgetting.join(timeout=60)
        assert not forgetting.is_alive()
        assert store.rewrites == 2
        assert not any(b"SECRET-7" in f.read_bytes() for f in (tmp_path / "store").rglob("*") if f.is_file())
        store.close()

    def test_a_failed_copy_leaves_the_store_as_it_was_and_the_rewrite_is_redone_at_open(self, tmp_path: Path) -> None:
        from graph.store import OxigraphStore

        secret = self._triple("student-SECRET-9", 1)

        class DiskFull(OxigraphStore):
            def _copy_checkpoint(self, work: Path):  # type: ignore[no-untyped-def]
                raise OSError("No space left on device")

        store = DiskFull(tmp_path / "store")
        store.apply([], [self._triple("kept", 1), secret])  # type: ignore[list-item]
        store.apply([secret], [])  # type: ignore[list-item]
        with pytest.raises(OSError, match="No space"):
            store.rewrite()
        store.apply([], [self._triple("after", 2)])  # type: ignore[list-item]
        assert len(store.select("SELECT ?s WHERE { ?s ?p ?o }")) == 2
        assert store._journal is None
        assert [p.name for p in tmp_path.glob("store.*")] == ["store.rewrite-pending"], "the request is kept"
        store.close()

        reopened = OxigraphStore(tmp_path / "store")  # the next start finishes the erasure
        assert reopened.rewrites == 1
        assert not list(tmp_path.glob("store.*"))
        assert not any(b"SECRET-9" in f.read_bytes() for f in (tmp_path / "store").rglob("*") if f.is_file())
        assert len(reopened.select("SELECT ?s WHERE { ?s ?p ?o }")) == 2
        reopened.close()

    def test_a_request_made_during_a_copy_keeps_the_marker_until_its_own_rewrite(self, tmp_path: Path) -> None:
        from graph.store import OxigraphStore

        markers: list[bool] = []

        class RequestDuringCopy(OxigraphStore):
            def _copy_checkpoint(self, work: Path):  # type: ignore[no-untyped-def]
                fresh = super()._copy_checkpoint(work)
                if not markers:
                    self._request_rewrite()  # a forget arriving now: its rewrite has not run yet
                    markers.append(True)
                return fresh

        store = RequestDuringCopy(tmp_path / "store")
        store.apply([], [self._triple("kept", 1)])  # type: ignore[list-item]
        store._request_rewrite()
        store._rewrites.run()  # the first rewrite: it must not clear the later request
        assert (tmp_path / "store.rewrite-pending").exists()
        store.rewrite()
        assert not (tmp_path / "store.rewrite-pending").exists()
        store.close()

    def test_a_rewrite_a_crash_interrupted_is_discarded_at_open(self, tmp_path: Path) -> None:
        from graph.store import OxigraphStore

        store = OxigraphStore(tmp_path / "store")
        store.apply([], [self._triple("kept", 1)])  # type: ignore[list-item]
        store.close()
        (tmp_path / "store.rebuild" / "store").mkdir(parents=True)
        (tmp_path / "store.rebuild" / "dump.nq").write_text("<half> <a> <dump> .\n")
        reopened = OxigraphStore(tmp_path / "store")
        assert not (tmp_path / "store.rebuild").exists()
        assert len(reopened.select("SELECT ?s WHERE { ?s ?p ?o }")) == 1
        reopened.close()

    def test_closing_during_a_rewrite_waits_for_it_so_nothing_is_left_to_redo(
        self, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        """A stop while an erasure's rewrite copies: close() waited for nothing, and the swap then failed."""
        import threading

        from graph.store import OxigraphStore

        copying, go_on = threading.Event(), threading.Event()

        class SlowCopy(OxigraphStore):
            def _copy_checkpoint(self, work: Path):  # type: ignore[no-untyped-def]
                copying.set()
                go_on.wait(timeout=30)
                return super()._copy_checkpoint(work)

        store = SlowCopy(tmp_path / "store")
        store.apply([], [self._triple("kept", 1)])  # type: ignore[list-item]
        failures: list[BaseException] = []

        def forget_rewrite() -> None:
            try:
                store.rewrite()
            except BaseException as error:
                failures.append(error)

        rewriting = threading.Thread(target=forget_rewrite)
        rewriting.start()
        assert copying.wait(timeout=30)
        closing = threading.Thread(target=store.close)
        with caplog.at_level("INFO", logger="graph.store"):
            closing.start()
            closing.join(timeout=0.5)
            assert closing.is_alive(), "close() waits for the rewrite"
            go_on.set()
            closing.join(timeout=60)
            rewriting.join(timeout=60)
        assert not failures
        assert "waiting for the store's rewrite" in caplog.text
        assert "rewritten in" in caplog.text
        assert not list(tmp_path.glob("store.*")), "the rewrite finished: no request left for the next start"
        reopened = OxigraphStore(tmp_path / "store")
        assert reopened.rewrites == 0
        assert len(reopened.select("SELECT ?s WHERE { ?s ?p ?o }")) == 1
        reopened.close()

    def test_the_rewrite_logs_under_the_request_that_asked_for_it(self, tmp_path: Path) -> None:
        # It ran in a thread of its own, so "rewritten in" was the one line of a forget without its request id.
        import logging

        from graph.store import OxigraphStore
        from middleware.request_id import REQUEST_ID, RequestIdFilter

        seen: list[tuple[str, str]] = []

        class Seen(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                seen.append((record.getMessage(), getattr(record, "request_id", "")))

        handler = Seen()
        handler.addFilter(RequestIdFilter())
        logger = logging.getLogger("graph")
        logger.addHandler(handler)
        level, logger.level = logger.level, logging.INFO
        store = OxigraphStore(tmp_path / "store")
        token = REQUEST_ID.set("forget-7")
        try:
            assert store.rewrite_within(30)
        finally:
            REQUEST_ID.reset(token)
            logger.removeHandler(handler)
            logger.setLevel(level)
            store.close()
        assert [ident for message, ident in seen if "rewritten in" in message] == ["forget-7"]

    def test_a_rewrite_that_fails_within_the_wait_is_raised_and_stays_requested(self, tmp_path: Path) -> None:
        from graph.store import OxigraphStore

        class DiskFull(OxigraphStore):
            def _copy_checkpoint(self, work: Path):  # type: ignore[no-untyped-def]
                raise OSError("No space left on device")

        store = DiskFull(tmp_path / "store")
        with pytest.raises(OSError, match="No space"):
            store.rewrite_within(30)
        assert store.rewrite_pending
        store.close()

    def test_a_promise_taken_back_during_a_checkpoint_leaves_nothing_pending(self, tmp_path: Path) -> None:
        """A retry that found nothing, promising while a rewrite took its checkpoint, left a rewrite pending.

        The next forget answered ``purged: false`` and rewrote the whole store again (a flaky test found it).
        """
        from graph.store import OxigraphStore

        promised: list[str] = []

        class RetryDuringCheckpoint(OxigraphStore):
            def _copy_checkpoint(self, work: Path):  # type: ignore[no-untyped-def]
                self.withdraw_rewrite(promised[0])  # the retry, whose promise the checkpoint read, found nothing
                return super()._copy_checkpoint(work)

        store = RetryDuringCheckpoint(tmp_path / "store")
        store.apply([], [self._triple("kept", 1)])  # type: ignore[list-item]
        store._request_rewrite()  # an erasure's request
        promised.append(store.promise_rewrite())  # the retry's, read by the checkpoint below
        store._rewrites.run()
        assert not store.rewrite_pending, "the rewrite began after both requests were written: it covers them"
        store.close()

    def test_a_promise_taken_back_puts_back_the_request_it_replaced(self, tmp_path: Path) -> None:
        """A forget that found nothing, during another erasure's pending rewrite, removed that erasure's request."""
        from graph.store import OxigraphStore

        store = OxigraphStore(tmp_path / "store")
        marker = tmp_path / "store.rewrite-pending"
        first = store._request_rewrite()  # an erasure's request, its rewrite not run yet
        promised = store.promise_rewrite()  # a second forget, which then finds nothing to delete
        store.withdraw_rewrite(promised)
        assert marker.read_text() == first, "a crash now still redoes the first erasure's rewrite at the next start"
        alone = store.promise_rewrite()
        store._rewrites.run()
        assert not marker.exists()
        store.withdraw_rewrite(alone)  # nothing to put back: the rewrite covered it
        assert not marker.exists()
        store.close()

    def test_a_rewrite_asked_for_after_close_began_is_left_to_the_next_start(self, tmp_path: Path) -> None:
        from graph.store import OxigraphStore

        store = OxigraphStore(tmp_path / "store")
        store.close()
        with pytest.raises(RuntimeError, match="closing"):
            store.rewrite()
        assert (tmp_path / "store.rewrite-pending").exists()
        reopened = OxigraphStore(tmp_path / "store")
        assert reopened.rewrites == 1
        assert not reopened.rewrite_pending
        reopened.close()

    def test_a_server_redoes_an_interrupted_rewrite_while_it_serves(self, tmp_path: Path) -> None:
        """The server opens with the rewrite in the background: reads and writes go on, none is lost."""
        import threading

        from graph.store import OxigraphStore

        store = OxigraphStore(tmp_path / "store")
        store.apply([], [self._triple("kept", 1)])  # type: ignore[list-item]
        store.close()
        (tmp_path / "store.rewrite-pending").write_text("interrupted")
        copying, go_on = threading.Event(), threading.Event()

        class SlowCopy(OxigraphStore):
            def _copy_checkpoint(self, work: Path):  # type: ignore[no-untyped-def]
                copying.set()
                go_on.wait(timeout=30)
                return super()._copy_checkpoint(work)

        serving = SlowCopy(tmp_path / "store", rewrite_in_background=True)
        assert copying.wait(timeout=30), "the rewrite started"
        assert serving.rewrite_pending
        serving.apply([], [self._triple("written-meanwhile", 2)])  # type: ignore[list-item]
        assert len(serving.select("SELECT ?s WHERE { ?s ?p ?o }")) == 2
        go_on.set()
        serving.close()  # waits for the rewrite
        assert serving.rewrites == 1
        assert not list(tmp_path.glob("store.*"))
        reopened = OxigraphStore(tmp_path / "store")
        assert len(reopened.select("SELECT ?s WHERE { ?s ?p ?o }")) == 2, "the write made during the rewrite is kept"
        reopened.close()


class _FullDisk:
    """Wraps a pyoxigraph store: every write fails as RocksDB's do once the disk has filled."""

    def __init__(self, store: object) -> None:
        self._store = store

    def __getattr__(self, name: str) -> object:
        if name in ("update", "load"):

            def refuse(*args: object, **kwargs: object) -> None:
                raise OSError("IO error: No space left on device: While appending to file: 000049.log")

            return refuse
        return getattr(self._store, name)


class TestAFailedWrite:
    def test_the_store_is_reopened_and_takes_writes_again(self, tmp_path: Path) -> None:
        # After a full disk, every write failed until a restart although space was free again.
        store = OxigraphStore(tmp_path / "kg")
        kg = KnowledgeGraph(store)
        kg.import_bundle(small_bundle())
        store._store = _FullDisk(store._store)  # type: ignore[assignment]
        with pytest.raises(StoreUnwritable, match="No space left") as refused:  # an OSError still
            kg.create_concept(Concept("cube", "Cubics"))
        assert isinstance(refused.value, OSError)
        assert "free space on its disk and send it again" in refused.value.message  # UNAVAILABLE, not a bug
        assert store.write_failure is not None
        assert "No space left on device" in store.write_failure
        assert store.writable
        assert not isinstance(store._store, _FullDisk)  # reopened
        kg.create_concept(Concept("cube", "Cubics"))
        assert store.write_failure is None
        assert kg.concept("cube").label == "Cubics"
        assert kg.concept("quad").label == "Quadratics"  # nothing stored before was lost

    def test_a_store_that_cannot_be_reopened_for_writing_is_served_read_only(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        store = OxigraphStore(tmp_path / "kg")
        kg = KnowledgeGraph(store)
        kg.import_bundle(small_bundle())
        store._store = _FullDisk(store._store)  # type: ignore[assignment]
        opened = ox.Store

        def still_full(path: str | None = None) -> ox.Store:
            raise OSError("IO error: No space left on device")

        monkeypatch.setattr(ox, "Store", still_full)
        monkeypatch.setattr(still_full, "read_only", opened.read_only, raising=False)
        with pytest.raises(OSError, match="No space left"):
            kg.create_concept(Concept("cube", "Cubics"))
        assert not store.writable
        assert kg.concept("quad").label == "Quadratics"  # reads go on
        with pytest.raises(StoreUnwritable, match="could not be written") as refused:  # read-only: refused, coded
            kg.create_concept(Concept("cube", "Cubics"))
        assert refused.value.code.value == "UNAVAILABLE"
        tries: list[str] = []
        monkeypatch.setattr(store, "_reopen", lambda: tries.append("reopen"))
        assert not store.retry_writable()
        assert not store.retry_writable()  # a probe every few seconds: reopened (and logged) once per 10 s
        assert tries == ["reopen"]
        monkeypatch.undo()
        store._next_retry = 0.0  # ten seconds later
        # space is back: /healthz reopens it for writing, where it stayed 503 until some client wrote
        assert store.retry_writable()
        kg.create_concept(Concept("cube", "Cubics"))
        assert store.writable
        assert store.write_failure is None
