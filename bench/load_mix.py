"""What the load's clients ask: the mix of operations, their GraphQL, and attempts no two of which share a time.

The mix is what makes ``bench.load`` figures comparable from run to run (the same
weights, the same queries, the same kinds of attempt batches), so it is kept apart
from how the clients send it and how the results are counted.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

__all__ = ["MASTERY", "NEXT", "OPERATIONS", "PATH", "RECORD", "WEIGHTS", "Mix"]

RECORD = """mutation($a: [AttemptInput!]!) { recordAttempts(attempts: $a) {
  __typename ... on RecordedAttempts { accepted duplicates mastery { concept { id } probability } }
  ... on AttemptsError { code message } } }"""
PATH = """query($s: ID!, $t: [ID!]!) { learningPath(studentId: $s, targets: $t) {
  __typename ... on LearningPath { totalMinutes steps { position mastery concept { id } materials { id } } }
  ... on PathError { code message } } }"""
NEXT = """query($s: ID!) { nextMaterials(studentId: $s, first: 5) {
  __typename ... on Recommendations { items { score material { id } concept { id } } }
  ... on PathError { code message } } }"""
MASTERY = """query($s: ID!) { student(id: $s) { mastery { concept { id } probability } } }"""

OPERATIONS = ("recordAttempts", "learningPath", "nextMaterials", "mastery")

WEIGHTS = (40, 25, 20, 15)


_STAMPS = threading.Lock()
_LAST_STAMP = [datetime.min.replace(tzinfo=UTC)]


@dataclass(frozen=True)
class Mix:
    """What the clients ask: students, concepts, exercises; unique attempt timestamps."""

    students: tuple[str, ...]
    concepts: tuple[str, ...]
    exercises: tuple[str, ...]
    weights: tuple[int, ...] = WEIGHTS

    @classmethod
    def demo(cls, students: int = 48, prefix: str = "load-student") -> Mix:
        from demo.load import CURRICULUM_DIR
        from ingest.csv_layout import read_curriculum_csv

        bundle = read_curriculum_csv(CURRICULUM_DIR)
        exercises = tuple(sorted(m.id for m in bundle.materials if m.type.value == "exercise" and m.concepts))
        return cls(
            students=tuple(f"{prefix}-{i}" for i in range(students)),
            concepts=tuple(sorted(c.id for c in bundle.concepts)),
            exercises=exercises,
        )

    def stamp(self) -> datetime:
        """The time an attempt is sent, as a real client dates it: no two attempts share one.

        Each client's attempts used to be dated 100 s after the previous client's, so a
        student's next attempt mostly came from a client with an earlier clock: the
        service took it for a backfill and replayed the student's whole history each
        time (105 req/s where now-dated attempts give several times that).
        """
        with _STAMPS:
            now = datetime.now(UTC)
            _LAST_STAMP[0] = max(now, _LAST_STAMP[0] + timedelta(microseconds=1))
            return _LAST_STAMP[0]

    def attempts(self, rng: random.Random, client: int, seq: int) -> list[dict[str, Any]]:
        """A batch of 1-4 attempts by one student, numbered from ``seq``."""
        student = rng.choice(self.students)
        batch = []
        for i in range(rng.randint(1, 4)):
            attempt: dict[str, Any] = {
                "studentId": student,
                "timestamp": self.stamp().isoformat(),
                "clientId": f"c{client}-{seq + i}",
            }
            if rng.random() < 0.7:
                attempt["materialId"] = rng.choice(self.exercises)
            else:
                attempt["conceptIds"] = [rng.choice(self.concepts)]
            if rng.random() < 0.8:
                attempt["correct"] = rng.random() < 0.6
            else:
                attempt["score"] = round(rng.random(), 3)
            batch.append(attempt)
        return batch

    def request(self, rng: random.Random, client: int, seq: int) -> tuple[str, dict[str, Any], list[dict[str, Any]]]:
        """An operation, its GraphQL body, and the attempts it sends."""
        op = rng.choices(OPERATIONS, weights=self.weights)[0]
        student = rng.choice(self.students)
        if op == "recordAttempts":
            batch = self.attempts(rng, client, seq)
            return op, {"query": RECORD, "variables": {"a": batch}}, batch
        if op == "learningPath":
            targets = rng.sample(self.concepts, rng.randint(1, 2))
            return op, {"query": PATH, "variables": {"s": student, "t": targets}}, []
        if op == "nextMaterials":
            return op, {"query": NEXT, "variables": {"s": student}}, []
        return op, {"query": MASTERY, "variables": {"s": student}}, []
