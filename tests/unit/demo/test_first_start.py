"""The server's first start on an empty store: the demo, whole, even after a stop halfway."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from demo.load import CURRICULUM_DIR, DEMO_MARKER
from graph.attempts import list_students
from graph.repository import KnowledgeGraph
from graph.store import open_store
from ingest.csv_layout import read_curriculum_csv
from server import open_knowledge_graph
from settings import load_settings


def _settings_with_curriculum(data_dir: Path, *, marker: bool):  # type: ignore[no-untyped-def]
    """Settings over a store holding the demo curriculum and no students; ``marker``: as a stopped load left it."""
    settings = dataclasses.replace(
        load_settings(env_file=None), data_dir=data_dir, store=f"oxigraph:{data_dir / 'store'}", load_demo=True
    )
    data_dir.mkdir()
    kg = KnowledgeGraph(open_store(settings.store))
    kg.import_bundle(read_curriculum_csv(CURRICULUM_DIR))
    kg.store.close()
    if marker:
        (data_dir / DEMO_MARKER).touch()
    return settings


def test_a_demo_load_stopped_between_its_writes_is_finished_at_the_next_start(tmp_path: Path) -> None:
    # Killed after the curriculum and before the students: later starts served half a demo.
    settings = _settings_with_curriculum(tmp_path / "data", marker=True)
    kg = open_knowledge_graph(settings)
    try:
        assert len(list_students(kg)) == 200
        assert not (settings.data_dir / DEMO_MARKER).exists()
        assert (settings.data_dir / "index" / "index.json").exists(), "the demo's question index, copied in"
    finally:
        kg.store.close()


def test_a_store_with_data_and_no_marker_is_left_alone(tmp_path: Path) -> None:
    kg = open_knowledge_graph(_settings_with_curriculum(tmp_path / "data", marker=False))
    try:
        assert list_students(kg) == []
    finally:
        kg.store.close()


def test_production_loads_no_demo_into_an_empty_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PATHWISE_LOAD_DEMO", raising=False)
    monkeypatch.setenv("PATHWISE_ENV", "production")
    assert load_settings(env_file=None).load_demo is False  # an empty volume mounted in error stays empty
    monkeypatch.setenv("PATHWISE_ENV", "development")
    assert load_settings(env_file=None).load_demo is True  # `make run` serves the demo on first start


def test_production_serves_the_shipped_model_until_one_is_trained(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # With the demo off, no model was installed: every recordAttempts said "no mastery model is installed".
    from server import open_mastery

    settings = dataclasses.replace(
        load_settings(env_file=None), env="production", data_dir=tmp_path, load_demo=False, mastery=True
    )
    with caplog.at_level("WARNING", logger="pathwise"):
        service = open_mastery(settings)
    assert service is not None
    assert service.version == "demo"
    assert "train one on your own attempt logs" in caplog.text


def test_a_data_folder_the_model_is_installed_in_is_created_private(tmp_path: Path) -> None:
    # On a sparql: store nothing opened the folder before the model did: `demo load` made it 0755.
    from server import open_mastery

    data = tmp_path / "data"
    settings = dataclasses.replace(load_settings(env_file=None), data_dir=data, store="memory", mastery=True)
    assert open_mastery(settings) is not None
    assert oct(data.stat().st_mode & 0o777) == "0o700"
