"""Private readers of the two public knowledge-tracing layouts used to evaluate mastery models.

A stop-gap until ``ingest.attempts`` ships the project's readers: both return the
canonical attempt table of ``ingest.columns``. The AKT layout repeats a multi-skill
problem once per skill; consecutive rows with the same problem, the same response and a
skill not yet in the group are merged back into one attempt (shared ``attempt``), which
is what keeps the siblings from seeing each other.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ingest.columns import ATTEMPT_COLUMNS, ATTEMPT_DTYPES

__all__ = ["canonical_frame", "load_akt", "load_pykt"]


def canonical_frame(
    student: Sequence[str] | np.ndarray,
    attempt: Sequence[int] | np.ndarray,
    item: Sequence[str] | np.ndarray,
    concept: Sequence[str] | np.ndarray,
    correct: Sequence[float] | np.ndarray,
    source: str | Sequence[str] | np.ndarray,
) -> pd.DataFrame:
    """Assemble the canonical columns (no timestamps: NaT), sorted by student then attempt.

    ``source`` is one text for all rows or one per row; ``attempt_id`` is source, student and
    attempt number, shared by the sibling rows of one attempt.
    """
    frame = pd.DataFrame(
        {
            "student": np.asarray(student, dtype=object),
            "attempt": np.asarray(attempt, dtype=np.int64),
            "item": np.asarray(item, dtype=object),
            "concept": np.asarray(concept, dtype=object),
            "correct": np.asarray(correct, dtype=np.float64),
            "source": source if isinstance(source, str) else np.asarray(source, dtype=object),
        }
    )
    frame["attempt_id"] = (
        frame["source"].astype(str) + ":" + frame["student"].astype(str) + ":" + frame["attempt"].astype(str)
    )
    frame["timestamp"] = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns, UTC]")
    frame = frame.sort_values(["student", "attempt"], kind="stable").reset_index(drop=True)
    return frame[list(ATTEMPT_COLUMNS)].astype(ATTEMPT_DTYPES)


def _inverse_index(path: Path) -> dict[int, str]:
    """Invert a NAME -> 1-based index json (AKT's skill.json, problems.json); empty when absent."""
    if not path.exists():
        return {}
    mapping = json.loads(path.read_text(encoding="utf-8"))
    return {int(index): str(name) for name, index in mapping.items()}


def _merge_siblings(problems: list[str], skills: list[str], responses: list[str]) -> list[int]:
    """Attempt number per row: a row repeating the previous problem and response with a new skill joins it."""
    attempts: list[int] = []
    group: set[str] = set()
    number = -1
    for i, (problem, skill, response) in enumerate(zip(problems, skills, responses, strict=True)):
        joins = i > 0 and problem == problems[i - 1] and response == responses[i - 1] and skill not in group
        if not joins:
            number += 1
            group = set()
        group.add(skill)
        attempts.append(number)
    return attempts


def load_akt(paths: Iterable[str | Path]) -> pd.DataFrame:
    """Read AKT ``*_pid_*.csv`` files (4 lines per student) into one canonical frame.

    Students are keyed by the original ASSISTments user id, concepts by skill name and
    items by original problem id when ``skill.json`` / ``problems.json`` sit beside the file.
    """
    cols: dict[str, list[object]] = {k: [] for k in ("student", "attempt", "item", "concept", "correct")}
    sources: list[str] = []
    for path in map(Path, paths):
        skill_names = _inverse_index(path.parent / "skill.json")
        problem_ids = _inverse_index(path.parent / "problems.json")
        lines = path.read_text(encoding="utf-8").splitlines()
        if len(lines) % 4:
            raise ValueError(f"{path}: {len(lines)} lines is not a multiple of 4")
        for head, prob_line, skill_line, resp_line in zip(*(iter(lines),) * 4, strict=True):
            user = head.split(",")[-1].strip()
            problems = [problem_ids.get(int(p), p) for p in prob_line.strip().split(",")]
            skills = [skill_names.get(int(s), s) for s in skill_line.strip().split(",")]
            responses = resp_line.strip().split(",")
            if not len(problems) == len(skills) == len(responses):
                raise ValueError(f"{path}: student {user} has sequences of unequal length")
            cols["student"].extend([user] * len(problems))
            cols["attempt"].extend(_merge_siblings(problems, skills, responses))
            cols["item"].extend(problems)
            cols["concept"].extend(skills)
            cols["correct"].extend(float(r) for r in responses)
            sources.extend([f"akt:{path.name}"] * len(problems))
    return canonical_frame(
        np.asarray(cols["student"], dtype=object),
        np.asarray(cols["attempt"], dtype=np.int64),
        np.asarray(cols["item"], dtype=object),
        np.asarray(cols["concept"], dtype=object),
        np.asarray(cols["correct"], dtype=np.float64),
        np.asarray(sources, dtype=object),
    )


def load_pykt(path: str | Path, folds: Iterable[int] | None = None) -> pd.DataFrame:
    """Read a pyKT sequence CSV (``fold,uid,concepts,responses[,cidxs]``), optionally only some folds.

    pyKT data sets here have one concept per position, so every row is its own attempt;
    items are absent ("").
    """
    wanted = None if folds is None else set(folds)
    student: list[str] = []
    attempt: list[int] = []
    concept: list[str] = []
    correct: list[float] = []
    with Path(path).open(encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle):
            if wanted is not None and int(record["fold"]) not in wanted:
                continue
            concepts = record["concepts"].split(",")
            responses = record["responses"].split(",")
            if len(concepts) != len(responses):
                raise ValueError(f"{path}: uid {record['uid']} has sequences of unequal length")
            student.extend([record["uid"]] * len(concepts))
            attempt.extend(range(len(concepts)))
            concept.extend(concepts)
            correct.extend(float(r) for r in responses)
    return canonical_frame(student, attempt, [""] * len(student), concept, correct, f"pykt:{Path(path).name}")
