"""Questions about one problem: a curriculum's exercise items asked as questions, through ``ask``.

Students ask "how do I factor x^2 - x - 6?" far more than "what is factoring?". The
exercise items of a curriculum are such problems, each labelled by the concepts its
exercise assesses. Two settings:

- *new problems*: the item's exercise is left out of the index, so no material works
  the problem; what counts is whether the best evidence teaches or assesses one of the
  item's concepts (at 1 and among the evidence), whether it explains (an explanation or
  a worked example rather than another exercise), and whether the answer says that no
  material works the problem itself ("says not worked");
- *seen problems*: everything indexed; what counts is whether the best evidence is the
  item's own exercise, and whether the answer holds the item's keyed answer;
- *key hidden*: everything indexed, asked by a student who may read no answer key yet
  (``auth.answer_keys``): no key may be among the evidence (the answer is drawn from it),
  and the answer should show the method as for a new problem.

The question is the exercise's instruction (its first sentence, when that is not an
item) followed by the item, as a student would paste it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from graph.model import Material, MaterialType
from ml.qa.answer import NOT_WORKED, AnswerOptions, answer_question
from ml.qa.chunking import split_sentences
from ml.qa.expressions import split_question
from ml.qa.index import QaIndex
from ml.qa.items import item_blocks
from ml.qa.lookups import MaterialsLookup

__all__ = ["ProblemQuestion", "ProblemsReport", "evaluate_problems", "problem_questions"]

_ITEM = re.compile(r"^(\d{1,2})[.)]\s+(.+)$", re.DOTALL)
_ANSWER = re.compile(r"^(?:answers?:\s*)?(\d{1,2})[.)]\s+(.+)$", re.IGNORECASE | re.DOTALL)
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class ProblemQuestion:
    """One exercise item as a question, with what a good answer names."""

    question: str
    material: str
    concepts: frozenset[str]
    keyed_answer: str | None


@dataclass
class ProblemsReport:
    """Figures per setting and reading (``read_expressions`` on and off)."""

    materials: int
    questions: int
    rows: list[dict[str, object]] = field(default_factory=list)


def problem_questions(materials: Sequence[Material], *, all_items: bool = False) -> list[ProblemQuestion]:
    """The numbered items holding a math expression in each exercise, with their keyed answers.

    ``all_items``: every numbered item, with or without maths, each with the sentences
    that run on up to the next number ("A map uses a scale of 2 cm : 5 km. Two towns
    are 7 cm apart on the map. How far apart are they in reality?").
    """
    out: list[ProblemQuestion] = []
    for material in materials:
        if material.type is not MaterialType.EXERCISE or not material.assesses:
            continue
        sentences = split_sentences(material.text)
        if not sentences:
            continue
        instruction = "" if _ITEM.match(sentences[0]) else sentences[0]
        answers_at = next((i for i, s in enumerate(sentences) if s.lower().startswith("answer")), len(sentences))
        keyed = {m.group(1): m.group(2) for s in sentences[answers_at:] if (m := _ANSWER.match(s))}
        items = sentences[:answers_at]
        ends = dict(item_blocks(items))
        for at, sentence in enumerate(items):
            item = _ITEM.match(sentence)
            if item is None or not (all_items or split_question(item.group(2)).expressions):
                continue
            asked = " ".join([item.group(2), *items[at + 1 : ends.get(at, at + 1)]]) if all_items else item.group(2)
            question = f"{instruction} {asked}".strip()
            out.append(ProblemQuestion(question, material.id, frozenset(material.assesses), keyed.get(item.group(1))))
    return out


def evaluate_problems(
    index: QaIndex,
    materials: Sequence[Material],
    *,
    progress: Progress | None = None,
    all_items: bool = False,
    labels: Mapping[str, str] | None = None,
) -> ProblemsReport:
    """Ask every item in the three settings, reading expressions and not; ``index`` holds ``materials``.

    ``all_items``: every numbered item (``problem_questions``), not only those holding maths.
    ``labels``: the curriculum's concept labels, by id, as the service reads them.
    """
    by_id = {m.id: m for m in materials}
    lookup = MaterialsLookup(by_id, labels)
    questions = problem_questions(materials, all_items=all_items)
    per_material: dict[str, list[ProblemQuestion]] = {}
    for q in questions:
        per_material.setdefault(q.material, []).append(q)
    readings = {"expressions": AnswerOptions(), "plain text": AnswerOptions(read_expressions=False)}
    tallies: dict[tuple[str, str], dict[str, float]] = {}

    def tally(setting: str, reading: str, name: str, value: bool) -> None:
        row = tallies.setdefault((setting, reading), {})
        row[name] = row.get(name, 0.0) + float(value)

    for done, (material, items) in enumerate(per_material.items()):
        index.remove([material])
        for q in items:
            for reading, options in readings.items():
                answer = answer_question(index, q.question, lookup, options=options)
                first = [by_id[e.material] for e in answer.evidence if e.material in by_id]
                covers = [bool(q.concepts & (set(m.teaches) | set(m.assesses))) for m in first]
                tally("new", reading, "concept@1", bool(covers) and covers[0])
                tally("new", reading, "concept@evidence", any(covers))
                tally("new", reading, "explains", bool(first) and first[0].type is not MaterialType.EXERCISE)
                tally("new", reading, "says not worked", answer.message.startswith(NOT_WORKED))
        index.upsert([by_id[material]])
        for q in items:
            for reading, options in readings.items():
                answer = answer_question(index, q.question, lookup, options=options)
                own = bool(answer.evidence) and answer.evidence[0].material == q.material
                keyed = q.keyed_answer is not None and q.keyed_answer in (answer.text or "")
                tally("seen", reading, "own exercise@1", own)
                tally("seen", reading, "keyed answer in text", keyed)
                hidden = answer_question(index, q.question, lookup, options=options, keys_shown=frozenset())
                first = [by_id[e.material] for e in hidden.evidence if e.material in by_id]
                covers = [bool(q.concepts & (set(m.teaches) | set(m.assesses))) for m in first]
                parts = {(c.material, c.index): c.part for e in hidden.evidence for c in index.chunks_of(e.material)}
                leaked = any(parts.get((e.material, e.chunk)) == "key" for e in hidden.evidence)
                tally("key hidden", reading, "concept@1", bool(covers) and covers[0])
                tally("key hidden", reading, "explains", bool(first) and first[0].type is not MaterialType.EXERCISE)
                tally("key hidden", reading, "says not worked", hidden.message.startswith(NOT_WORKED))
                tally("key hidden", reading, "a key among the evidence", leaked)
        if progress is not None:
            progress("problems", done + 1, len(per_material))
    keyed_count = sum(q.keyed_answer is not None for q in questions)
    report = ProblemsReport(materials=len(per_material), questions=len(questions))
    for (setting, reading), counts in tallies.items():
        row: dict[str, object] = {"setting": setting, "reading": reading}
        for name, value in counts.items():
            total = keyed_count if name.startswith("keyed answer") else len(questions)
            row[name] = round(value / total, 4) if total else 0.0
        report.rows.append(row)
    return report
