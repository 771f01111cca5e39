"""``python -m bench.mastery``: online update latency and batch inference throughput.

Uses the demo's shipped model (or ``--model FOLDER``, e.g. a trained ensemble) and its
simulated students (in process, one torch thread unless ``--threads``). A model trained
on another log (an ASSISTments file) does not know the demo's concepts, so they are
renamed onto its own: its cohort and peer tables are read as they would be in service. Goals (the
baseline each figure is held to): online update <= 5 ms p50 per attempt, batch
inference >= 20,000 predictions/s. Replaying stored attempts (what a model switch
and a restart do) and the evidence behind an estimate are held to their step-by-step
versions of commit 097a10a (one ``observe``, and one estimate, per attempt), run here
on the same histories.
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd
import torch

from demo.load import MODEL_DIR, demo_attempts
from graph.model import Attempt
from ml.mastery.data import attempts_to_frame
from ml.mastery.ensemble import load_mastery_model
from ml.mastery.predict import MasteryPredictor, OnlineMastery

GOALS = {"update_ms": 5.0, "predictions_per_s": 20_000.0}


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.mastery", description=__doc__.splitlines()[0] if __doc__ else None
    )
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--model", type=Path, default=MODEL_DIR, help="A model folder (default: the demo's).")
    parser.add_argument("--replay-students", type=int, default=2000, help="Simulated students to replay.")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    predictor = MasteryPredictor.load(args.model)
    attempts = model_attempts(predictor, args.students)
    print(f"model {args.model} ({type(predictor).__name__})")
    latencies = []
    for attempt in attempts:
        start = time.perf_counter()
        predictor.update([attempt])
        latencies.append(time.perf_counter() - start)
    p50 = statistics.median(latencies) * 1000
    p95 = sorted(latencies)[int(0.95 * len(latencies))] * 1000
    print(f"online update      p50 {p50:.3f} ms  p95 {p95:.3f} ms over {len(latencies):,} attempts "
          f"({p50 / GOALS['update_ms']:.2f}x of the 5 ms goal)")  # fmt: skip

    concepts = list(predictor.model.concepts.names[2:])
    students = sorted({a.student for a in attempts})
    start = time.perf_counter()
    n = 0
    for student in students:
        n += len(predictor.estimate(student, concepts))
    seconds = time.perf_counter() - start
    rate = n / seconds
    print(f"mastery estimates  {rate:,.0f} predictions/s ({n:,} = {len(students)} students x {len(concepts)} concepts; "
          f"{rate / GOALS['predictions_per_s']:.1f}x the 20k/s goal)")  # fmt: skip

    frame = attempts_to_frame(attempts)
    big = pd.concat([frame.assign(student=frame["student"] + f"-{k}") for k in range(10)], ignore_index=True)
    big = big.sort_values(["student", "attempt"], kind="stable").reset_index(drop=True)
    model = load_mastery_model(args.model)
    start = time.perf_counter()
    model.predict(big)
    seconds = time.perf_counter() - start
    rate = len(big) / seconds
    print(f"batch prediction   {rate:,.0f} rows/s one step ahead over {len(big):,} rows "
          f"({rate / GOALS['predictions_per_s']:.1f}x the 20k/s goal)")  # fmt: skip

    replay(args.model, model_attempts(predictor, args.replay_students))
    evidence(args.model)


def replay(model: Path, attempts: list[Attempt]) -> None:
    """Replay every stored attempt, batched, against one ``observe`` per attempt (097a10a's replay)."""
    histories: dict[str, list[Attempt]] = {}
    for attempt in attempts:
        histories.setdefault(attempt.student, []).append(attempt)
    n = sum(len(h) for h in histories.values())
    seconds = {}
    for name, run in (("step by step", _one_by_one), ("batched", lambda predictor, h: predictor.replay(h))):
        predictor = MasteryPredictor.load(model)
        start = time.perf_counter()
        run(predictor, histories)
        seconds[name] = time.perf_counter() - start
    step, batched = seconds["step by step"], seconds["batched"]
    print(f"replay             {n / batched:,.0f} attempts/s batched, {n / step:,.0f} step by step "
          f"({step / batched:.1f}x the 097a10a replay; {n:,} attempts of {len(histories):,} students)")  # fmt: skip


def evidence(model: Path, length: int = 2000) -> None:
    """A concept's estimate after each attempt of a long history (what ``evidence`` ranks) vs one by one."""
    predictor = MasteryPredictor.load(model)
    history = [replace(a, student="long") for a in model_attempts(predictor, 60)][:length]
    concept = history[0].concepts[0]
    start = time.perf_counter()
    predictor.evidence(history, concept)
    batched = time.perf_counter() - start
    start = time.perf_counter()
    predictor.forget("long")
    for attempt in history:
        predictor.observe(attempt)
        predictor.estimate("long", [concept])
    step = time.perf_counter() - start
    print(f"evidence           {batched * 1000:.0f} ms over a {len(history):,}-attempt history, {step * 1000:.0f} ms "
          f"observing one by one ({step / batched:.1f}x the 097a10a evidence)")  # fmt: skip


def model_attempts(predictor: OnlineMastery, students: int) -> list[Attempt]:
    """The demo's simulated attempts, on the model's concepts (renamed in order where it does not know them)."""
    attempts = demo_attempts(students)
    names = predictor.model.concepts.names[2:]  # after the padding and unknown entries
    demo = sorted({c for a in attempts for c in a.concepts})
    if set(demo) <= set(names):
        return attempts
    rename = {c: names[i % len(names)] for i, c in enumerate(demo)}
    return [replace(a, concepts=tuple(dict.fromkeys(rename[c] for c in a.concepts))) for a in attempts]


def _one_by_one(predictor: OnlineMastery, histories: dict[str, list[Attempt]]) -> None:
    for student, attempts in histories.items():
        predictor.forget(student)
        for attempt in attempts:
            predictor.observe(attempt)


if __name__ == "__main__":
    main()
