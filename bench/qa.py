"""``python -m bench.qa``: build time of a 10k-chunk materials index and ``ask`` latency.

The corpus is real text: the OpenStax sections and the SciQ supports of ../shared/data
(the demo materials where that is missing), repeated under new titles until there are
``--chunks`` chunks (each copy has its own title, so each is embedded again). Questions
are the SciQ questions and OpenStax exercises (or the demo's labels). ``ask`` runs the
whole answer (retrieval, evidence, concepts, weak prerequisites, suggestions) without
generation, over an in-memory lookup. Goal: ask p50 <= 50 ms on 2 cores.

Questions about one problem ("How do I factor x^2 - x - 6?") take another path: the
expressions are read apart from the words, and chunks holding them are looked up. The
demo's materials are indexed with the corpus, and its exercise items are asked as
such questions (``ml.qa.problems``), each timed reading expressions and reading the
question as plain text (the named baseline for that path), and as a student who may
read no answer key yet (the exercise's concept is then searched for its method).

Baseline, named: "scan" -- the same fused ranking without the prebuilt inverted index,
BM25 computed by scanning every chunk's tokens for each question (dense scores from the
stored embeddings). Dense-only retrieval with no prebuilt index at all would embed every
chunk per question: its cost is the build time, printed as an estimate.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import time
from collections import Counter
from pathlib import Path

import numpy as np
import torch

from demo.load import CURRICULUM_DIR
from graph.model import Material, MaterialType
from ingest.csv_layout import read_curriculum_csv
from ml.qa.answer import AnswerOptions, answer_question
from ml.qa.bm25 import tokenize
from ml.qa.datasets import load_openstax, load_sciq
from ml.qa.dense import SentenceEncoder
from ml.qa.fusion import fuse, top_k
from ml.qa.index import QaIndex
from ml.qa.lookups import MaterialsLookup
from ml.qa.problems import problem_questions

# where the tests look too: a checkout elsewhere names it (docs/development.md)
DATA = Path(os.environ.get("PATHWISE_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
GOAL_MS = 50.0


def corpus() -> tuple[list[Material], list[str]]:
    """Real passages as materials, and real questions."""
    materials: list[Material] = []
    questions: list[str] = []
    if (DATA / "kg" / "openstax").exists() and (DATA / "qa" / "sciq" / "valid.json").exists():
        for data in (load_openstax(DATA / "kg" / "openstax"), load_sciq(DATA / "qa" / "sciq" / "valid.json")):
            for pid, text in data.passages.items():
                title, _, body = text.partition("\n") if "\n" in text else ("", "", text)
                materials.append(Material(f"{data.name}:{pid}", title, MaterialType.READING, text=body))
            questions += [q.text for q in data.questions[::10]]
    else:
        questions = [c.label for c in read_curriculum_csv(CURRICULUM_DIR).concepts]
    return list(read_curriculum_csv(CURRICULUM_DIR).materials) + materials, questions  # demo first: always in


def grow(materials: list[Material], target: int, index: QaIndex) -> list[Material]:
    """Copies under new titles until the materials make ``target`` chunks."""
    per = {m.id: len(index._chunk(m)) for m in materials}
    out, total, copy = [], 0, 0
    while total < target:
        for m in materials:
            if total >= target:
                break
            title = f"{m.title} (copy {copy})" if copy else m.title
            out.append(Material(f"{m.id}~{copy}", title, m.type, text=m.text))
            total += per[m.id]
        copy += 1
    return out


def scan_search(index: QaIndex, question: str, k: int) -> list[int]:
    """The named baseline: fused ranking with BM25 by scanning every chunk (no inverted index)."""
    query = tokenize(question)
    size = len(index.chunks)
    lexical = np.zeros(size, dtype=np.float32)
    docs = [Counter(tokenize(c.passage)) if c is not None else Counter() for c in index.chunks]
    lengths = np.array([sum(d.values()) for d in docs], dtype=np.float32)
    average = float(lengths.mean()) or 1.0
    for term in set(query):
        df = sum(1 for d in docs if term in d)
        idf = math.log(1.0 + (size - df + 0.5) / (df + 0.5))
        for row, d in enumerate(docs):
            tf = d.get(term, 0)
            if tf:
                lexical[row] += idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * lengths[row] / average))
    dense = index._embeddings[:size] @ index.encoder.encode([question])[0]
    alive = index._alive[:size]
    return top_k(fuse(lexical, dense, mask=alive), k, alive).tolist()


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.qa", description=__doc__.splitlines()[0] if __doc__ else None
    )
    parser.add_argument("--chunks", type=int, default=10_000)
    parser.add_argument("--threads", type=int, default=2, help="torch threads for the build (ask uses 1).")
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/pathwise-bench-qa"),
                        help="Keep the built index here; a rerun reuses it (and its recorded build time).")  # fmt: skip
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    materials, questions = corpus()
    encoder = SentenceEncoder()
    index = QaIndex.load(args.cache, encoder)
    materials = grow(materials, args.chunks, index)
    stamp = args.cache / "build.json"
    if index.material_ids != {m.id for m in materials}:
        start = time.perf_counter()
        index.sync(materials)
        build = time.perf_counter() - start
        index.save(args.cache)
        stamp.write_text(json.dumps({"seconds": build, "chunks": len(index), "threads": args.threads}))
        source, threads = "built now", args.threads
    else:
        recorded = json.loads(stamp.read_text()) if stamp.exists() else {}
        build, threads = float(recorded.get("seconds", "nan")), recorded.get("threads", "?")
        source = f"loaded from {args.cache}; build time recorded when it was built"
    print(f"index build        {build:.1f} s for {len(index):,} chunks of {len(materials):,} materials "
          f"({len(index) / build:.1f} chunks/s, {threads} threads; {source})")  # fmt: skip

    torch.set_num_threads(1)  # one request, one thread (the service default, PATHWISE_TORCH_THREADS=1)
    lookup = MaterialsLookup({m.id: m for m in materials})
    asked = questions[: args.questions]
    answer_question(index, asked[0], lookup)  # warm-up
    latencies = []
    for question in asked:
        start = time.perf_counter()
        answer_question(index, question, lookup)
        latencies.append(time.perf_counter() - start)
    p50, p95 = statistics.median(latencies) * 1000, sorted(latencies)[int(0.95 * len(latencies))] * 1000
    print(f"ask                p50 {p50:.1f} ms  p95 {p95:.1f} ms over {len(asked)} questions, 1 thread "
          f"({p50 / GOAL_MS:.2f}x of the {GOAL_MS:.0f} ms goal)")  # fmt: skip

    demo = read_curriculum_csv(CURRICULUM_DIR).materials
    problems = [q.question for q in problem_questions(demo)][: args.questions]
    timings = {}
    readings = {
        "expressions": (AnswerOptions(), None),
        "plain text": (AnswerOptions(read_expressions=False), None),
        "keys hidden": (AnswerOptions(), frozenset[str]()),  # a student who has answered no exercise yet
    }
    for name, (options, keys_shown) in readings.items():
        latencies = []
        for question in problems:
            start = time.perf_counter()
            answer_question(index, question, lookup, options=options, keys_shown=keys_shown)
            latencies.append(time.perf_counter() - start)
        timings[name] = (statistics.median(latencies) * 1000, sorted(latencies)[int(0.95 * len(latencies))] * 1000)
    (read50, read95), (plain50, plain95) = timings["expressions"], timings["plain text"]
    (hidden50, hidden95) = timings["keys hidden"]
    print(f"ask, problems      p50 {read50:.1f} ms  p95 {read95:.1f} ms over {len(problems)} demo exercise items; "
          f"baseline 'plain text' p50 {plain50:.1f} ms  p95 {plain95:.1f} ms: {read50 / plain50:.2f}x")  # fmt: skip
    print(f"ask, keys hidden   p50 {hidden50:.1f} ms  p95 {hidden95:.1f} ms (a student's: the method of the exercise's "
          f"concept is searched for; {hidden50 / read50:.2f}x 'expressions')")  # fmt: skip

    scans = []
    for question in asked[:20]:
        start = time.perf_counter()
        scan_search(index, question, 12)
        scans.append(time.perf_counter() - start)
    scan50 = statistics.median(scans) * 1000
    print(f"baseline 'scan'    p50 {scan50:.1f} ms over {len(scans)} questions (BM25 by scanning every chunk): "
          f"ask is {scan50 / p50:.1f}x faster")  # fmt: skip
    print(f"baseline 'embed at query time' (dense only, no prebuilt index): about {build:.0f} s per question "
          f"(the build time), {build * 1000 / p50:,.0f}x slower than ask (estimate)")  # fmt: skip


if __name__ == "__main__":
    main()
