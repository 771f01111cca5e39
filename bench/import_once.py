"""Import one CSV-layout folder into a store and print seconds and peak memory as JSON.

Run in its own process by ``python -m bench`` so each size's peak memory is its own.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from graph.repository import KnowledgeGraph
from graph.store import open_store
from ingest.csv_layout import read_curriculum_csv


def main(folder: str, store: str) -> None:
    """Time read + validate + write, the whole of ``pathwise import``."""
    start = time.perf_counter()
    kg = KnowledgeGraph(open_store(store))
    report = kg.import_bundle(read_curriculum_csv(Path(folder)))
    kg.store.close()
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "triples": report.triples, "peak_mb": peak_mb}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
