"""Question sets with a passage corpus, read from files: SciQ, OpenStax exercises, and pair files.

A ``QaDataset`` is a corpus (passage id -> text) and questions, each with the ids of its
gold passages and, for multiple choice, its options and the index of the right one.

- SciQ (AI2): every non-empty ``support`` of the file is a passage (identical supports
  are one passage); a question's gold passage is its own support. Questions with an
  empty support have no gold passage (they still count for multiple-choice accuracy).
- OpenStax (CNXML): every section (module) of the books is a passage, its text without
  its exercises; each exercise's problem is a question whose gold passage is its section.
- Pair files: JSON (a list) or JSON Lines of objects with ``question`` and ``passage``
  (or ``answer``): extra (question, passage) pairs for fine-tuning.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["QaDataset", "Question", "load_openstax", "load_pairs_file", "load_sciq"]

_CNXML = "{http://cnx.rice.edu/cnxml}"


@dataclass(frozen=True, slots=True)
class Question:
    """A question with its gold passages (and, for multiple choice, its options)."""

    text: str
    gold: tuple[str, ...] = ()
    options: tuple[str, ...] = ()
    answer: int | None = None


@dataclass
class QaDataset:
    """A passage corpus and questions over it."""

    name: str
    passages: dict[str, str] = field(default_factory=dict)
    questions: list[Question] = field(default_factory=list)

    @property
    def answerable(self) -> list[Question]:
        """The questions whose gold passage is in the corpus."""
        return [q for q in self.questions if q.gold and all(g in self.passages for g in q.gold)]


def load_sciq(path: Path) -> QaDataset:
    """A SciQ split (``valid.json``): supports as the corpus, the four options in a fixed shuffled order.

    The right answer's position is drawn from a seeded generator per question, so a model
    cannot learn "the first option is right".
    """
    import random

    rows = _json(path, "a SciQ split (a JSON list of questions)")
    wanted = {"question", "correct_answer", "distractor1", "distractor2", "distractor3"}
    if not isinstance(rows, list) or not all(isinstance(r, dict) and wanted <= r.keys() for r in rows):
        raise ValueError(f"{path}: not a SciQ split: a JSON list of questions, each with {', '.join(sorted(wanted))}")
    data = QaDataset(f"sciq:{Path(path).name}")
    by_text: dict[str, str] = {}
    rng = random.Random(13)
    for row in rows:
        support = " ".join(str(row.get("support", "")).split())
        gold: tuple[str, ...] = ()
        if support:
            pid = by_text.setdefault(support, f"p{len(by_text)}")
            data.passages[pid] = support
            gold = (pid,)
        options = [row["correct_answer"], row["distractor1"], row["distractor2"], row["distractor3"]]
        position = rng.randrange(4)
        options[0], options[position] = options[position], options[0]
        data.questions.append(Question(" ".join(row["question"].split()), gold, tuple(map(str, options)), position))
    return data


def _text(element: ET.Element) -> str:
    return " ".join(" ".join(element.itertext()).split())


def _section(path: Path) -> tuple[str, str, list[str]]:
    """(title, text without exercises, exercise problems) of one CNXML module."""
    root = ET.parse(path).getroot()
    title = root.findtext(f"{_CNXML}title") or path.parent.name
    content = root.find(f"{_CNXML}content")
    if content is None:
        return title, "", []
    problems = []
    for exercise in content.iter(f"{_CNXML}exercise"):
        problem = exercise.find(f"{_CNXML}problem")
        if problem is not None and _text(problem):
            problems.append(_text(problem))
    parents = {child: parent for parent in content.iter() for child in parent}
    for exercise in list(content.iter(f"{_CNXML}exercise")):
        parents[exercise].remove(exercise)
    blocks = [_text(p) for p in content.iter() if p.tag in {f"{_CNXML}{t}" for t in ("para", "title", "caption")}]
    return title, "\n".join(b for b in blocks if b), problems


def load_openstax(root: Path, *, min_words: int = 3) -> QaDataset:
    """Every section of every book under ``root`` (``<book>/modules/<id>/index.cnxml``).

    Problems shorter than ``min_words`` words (a bare expression) are kept: they are
    real questions, and the figures say how retrieval does on them.
    """
    data = QaDataset(f"openstax:{Path(root).name}")
    for module in sorted(Path(root).glob("*/modules/*/index.cnxml")):
        pid = f"{module.parents[2].name}/{module.parent.name}"
        title, text, problems = _section(module)
        if not text:
            continue
        data.passages[pid] = f"{title}\n{text}"
        data.questions += [Question(p, (pid,)) for p in problems if len(re.findall(r"\w+", p)) >= min_words]
    if not data.passages:  # it went on to fine-tune on 0 pairs, and ended in a traceback from the trainer
        raise ValueError(f"{root}: no OpenStax book under it (<book>/modules/<id>/index.cnxml with text)")
    return data


def _json(path: Path, what: str) -> object:
    """The JSON in ``path``; a ``ValueError`` naming what it should be, and where it does not read."""
    try:
        return json.loads(Path(path).read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValueError(f"{path}: not {what}: {error}") from None


def load_pairs_file(path: Path) -> list[tuple[str, str]]:
    """(question, passage) pairs from JSON or JSON Lines (``question`` + ``passage`` or ``answer``)."""
    text = Path(path).read_text()
    stripped = text.lstrip()
    try:
        rows = (
            json.loads(text) if stripped.startswith("[") else [json.loads(line) for line in text.splitlines() if line]
        )
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}: not JSON or JSON Lines of question and passage pairs: {error}") from None
    pairs = []
    for n, row in enumerate(rows):
        if not isinstance(row, dict):
            raise ValueError(f"{path}: row {n + 1} is not an object with 'question' and 'passage'")
        passage = row.get("passage") or row.get("answer")
        if not row.get("question") or not passage:
            raise ValueError(f"{path}: row {n + 1} needs 'question' and 'passage' (or 'answer')")
        pairs.append((str(row["question"]), str(passage)))
    return pairs
