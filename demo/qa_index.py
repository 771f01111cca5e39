"""The demo's question index, shipped so that a first start answers questions at once.

Embedding the demo's materials took a first start 35 s of a core (one torch thread),
with ``/readyz`` at 503 and ``ask`` unavailable meanwhile. The demo's load copies this
folder into the data folder instead; the service's sync at start then embeds only what
differs (nothing, while the folder matches the curriculum). Served with a fine-tuned
retriever, the service finds the copy made by another encoder and embeds every material,
as before. ``python -m demo.qa_index`` (``make demo-index``) rebuilds it after the demo's
materials change; a test says when.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from graph.model import Material
from ml.qa.index import QaIndex, SyncReport, index_folder

__all__ = ["QA_INDEX_DIR", "build_demo_index", "demo_materials", "seed_qa_index", "unindexed_materials"]

QA_INDEX_DIR = Path(__file__).parent / "qa-index"
FILES = ("index.json", "embeddings.npy")


def seed_qa_index(data_dir: Path) -> bool:
    """Copy the shipped index into ``data_dir`` unless an index is there; whether it was copied."""
    target = index_folder(data_dir)
    if any((target / name).exists() for name in FILES) or not all((QA_INDEX_DIR / n).exists() for n in FILES):
        return False
    target.mkdir(parents=True, exist_ok=True)
    for name in reversed(FILES):  # index.json last: QaIndex.load reads no index until both are there
        shutil.copyfile(QA_INDEX_DIR / name, target / name)
    return True


def demo_materials() -> list[Material]:
    """The demo's materials as the service reads them back from its store (what its index is synced with)."""
    from demo.load import CURRICULUM_DIR
    from graph.repository import KnowledgeGraph
    from graph.store import open_store
    from ingest.csv_layout import read_curriculum_csv
    from resolvers.qa import all_materials

    kg = KnowledgeGraph(open_store("memory"))
    kg.import_bundle(read_curriculum_csv(CURRICULUM_DIR))
    return all_materials(kg)


def unindexed_materials(folder: Path = QA_INDEX_DIR) -> list[str]:
    """The demo's materials the index in ``folder`` lacks or holds as they were before an edit."""
    from ml.qa.dense import SentenceEncoder

    index = QaIndex.load(folder, SentenceEncoder(), autosave=False)  # the model itself loads only to embed
    return sorted(m.id for m in demo_materials() if not index.indexes(m))


def build_demo_index(folder: Path = QA_INDEX_DIR) -> SyncReport:
    """Embed the demo's materials with the bundled encoder into ``folder`` (what ``seed_qa_index`` copies)."""
    from cli.progress import ProgressBars
    from ml.qa.dense import SentenceEncoder

    index = QaIndex(SentenceEncoder())
    with ProgressBars() as bars:
        report = index.sync(demo_materials(), progress=bars)
    index.save(folder)
    return report


if __name__ == "__main__":
    built = build_demo_index()
    import click

    click.echo(f"indexed {built.added} demo materials as {built.chunks} chunks -> {QA_INDEX_DIR}")
