"""Generated attempt logs shaped like public data sets other than ours (docs/students-and-mastery.md, "Other logs").

The mastery model is meant to generalise to other real logs in the layouts it reads, and
the ASSISTments files do not stress what those logs do. Each shape here does; three of
them once broke something (out of memory, a budget spent before the first epoch ended):

==================  ======  ===============================================================
shape               layout  what it stresses (rows: the training file's)
==================  ======  ===============================================================
``many-skills``     dkvmn   12,000 "skills" (EdNet-like: questions as skills), 806k rows
``long-sequences``  pykt    algebra2005-like: 480 sequences up to 2,800 questions, 200,000
                            questions, multi-concept ones as ``is_repeat`` positions; 983k rows
``assist2012``      akt     assist2012-sized: 37,000 students, 53,000 problems, 2.0M rows
``worded-skills``   csv     1,000 skills named in words (KDD-cup-like), 615k rows
==================  ======  ===============================================================

``python -m bench.kt_logs SHAPE FOLDER [--scale F]`` writes ``FOLDER/train.csv`` and
``FOLDER/test.csv`` (other students) and prints the command that evaluates every model
on them. Deterministic for a shape and scale; ``--scale`` multiplies the students.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

__all__ = ["SHAPES", "write_log"]

# fmt: off
_WORDS = (
    "find", "solve", "enter", "given", "equation", "linear", "quadratic", "factor", "expand", "simplify",
    "fraction", "decimal", "percent", "ratio", "slope", "intercept", "graph", "point", "line", "area",
    "perimeter", "volume", "angle", "triangle", "circle", "radius", "variable", "coefficient", "constant",
    "term", "negative", "positive", "reduce", "combine", "distribute", "exponent", "root", "square", "cube",
    "inequality", "absolute", "value", "unit", "rate", "proportion", "mean", "median", "mode", "probability",
)
# fmt: on


def _chance(logit: np.ndarray | float) -> np.ndarray | float:
    return 1 / (1 + np.exp(-logit))


def _joined(values: object) -> str:
    return ",".join(map(str, values))  # type: ignore[call-overload]


def _many_skills(rng: np.random.Generator, students: int) -> Iterator[str]:
    """DKVMN 3-line records: length, skills (1-based), responses; no student ids."""
    skills = 12_000
    difficulty = np.random.default_rng(2).normal(0, 1, skills)  # the same for train and test
    for _ in range(students):
        ability, length = rng.normal(), int(rng.integers(3, 400))
        seen = rng.integers(1, skills + 1, length)
        answers = (rng.random(length) < _chance(ability - difficulty[seen - 1])).astype(int)
        yield f"{length}\n{_joined(seen)}\n{_joined(answers)}\n"


_QUESTIONS, _ALGEBRA_CONCEPTS = 200_000, 112


def _long_sequences(rng: np.random.Generator, students: int) -> Iterator[str]:
    """pyKT rows: one per student; a question with several concepts spans ``is_repeat`` positions."""
    tags = [
        rng.choice(_ALGEBRA_CONCEPTS, size=1 if rng.random() < 0.7 else int(rng.integers(2, 4)), replace=False)
        for _ in range(_QUESTIONS)
    ]
    question_difficulty = rng.normal(0, 1, _QUESTIONS)
    concept_difficulty = rng.normal(0, 0.7, _ALGEBRA_CONCEPTS)
    for uid in range(students):
        ability, known = rng.normal(), np.zeros(_ALGEBRA_CONCEPTS)
        clock = 1_100_000_000_000 + int(rng.integers(0, 10**9))
        questions, concepts, answers, times, repeat = [], [], [], [], []
        for _ in range(int(rng.integers(50, 2_800))):
            q = int(rng.integers(_QUESTIONS))
            tagged = tags[q]
            logit = ability + known[tagged].mean() - question_difficulty[q] - concept_difficulty[tagged].mean()
            answer = int(rng.random() < _chance(logit))
            clock += int(rng.integers(5_000, 300_000))
            for k, concept in enumerate(tagged):
                questions.append(q)
                concepts.append(int(concept))
                answers.append(answer)
                times.append(clock)
                repeat.append(int(k > 0))
                known[concept] += 0.05 * (1 + answer)
        cells = [_joined(v) for v in (questions, concepts, answers, times, repeat)]
        yield f"{uid % 5},{uid}," + ",".join(f'"{c}"' for c in cells) + "\n"


_PROBLEMS, _A12_SKILLS, _CLASSES = 53_000, 265, 2_000


def _assist2012(rng: np.random.Generator, students: int, first: int) -> Iterator[str]:
    """AKT 4-line records: index and user id, problems, skills, responses (one skill a problem)."""
    skill_of = np.random.default_rng(2).integers(1, _A12_SKILLS + 1, _PROBLEMS)  # the same for train and test
    difficulty = np.random.default_rng(3).normal(0, 1, _PROBLEMS + 1)
    class_ability = np.random.default_rng(4).normal(0, 0.5, _CLASSES)
    for u in range(first, first + students):
        length = int(min(3_000, max(3, rng.lognormal(3.4, 1.1))))
        ability = rng.normal() + class_ability[u % _CLASSES]
        problems = rng.integers(1, _PROBLEMS + 1, length)
        learned = np.cumsum(rng.random(length) < 0.3) * 0.05
        answers = (rng.random(length) < _chance(ability + learned - difficulty[problems])).astype(int)
        yield f"{u + 1},{100_000 + u}\n{_joined(problems)}\n{_joined(skill_of[problems - 1])}\n{_joined(answers)}\n"


def _skill_names(count: int) -> list[str]:
    rng, names = np.random.default_rng(5), set[str]()
    while len(names) < count:
        name = " ".join(rng.choice(_WORDS, size=int(rng.integers(3, 12))))
        names.add(f"[SkillRule: {name}; {{ax+b=c; positive}}]" if rng.random() < 0.3 else name)
    return sorted(names)


def _worded_skills(rng: np.random.Generator, students: int, first: int) -> Iterator[str]:
    """Long CSV rows; a fifth of the attempts are tagged with a second skill (``|``)."""
    names = _skill_names(1_000)
    difficulty = np.random.default_rng(6).normal(0, 0.8, len(names))
    for u in range(first, first + students):
        ability, known, current = rng.normal(), np.zeros(len(names)), int(rng.integers(len(names)))
        rows = []
        for i in range(int(rng.integers(20, 300))):
            if rng.random() < 0.3:
                current = int(rng.integers(len(names)))
            tagged = [current] if rng.random() < 0.8 else [current, int(rng.integers(len(names)))]
            answer = int(rng.random() < _chance(ability + known[tagged].mean() - difficulty[tagged].mean()))
            known[tagged] += 0.1 * (1 + answer)
            skills = "|".join(names[c] for c in tagged)
            clock = f"{i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}"
            rows.append(f"s{u},i{current}_{i % 7},{skills},{answer},2010-01-01T{clock}\n")
        yield "".join(rows)


def _split(total: int, scale: float, test_share: float) -> tuple[int, int]:
    students = max(5, round(total * scale))
    test = max(1, round(students * test_share))
    return students - test, test


_Writer = Callable[[np.random.Generator, float], tuple[str, Iterator[str], Iterator[str], str]]


def _shape_many_skills(rng: np.random.Generator, scale: float) -> tuple[str, Iterator[str], Iterator[str], str]:
    train, test = _split(5_000, scale, 0.2)
    return "", _many_skills(rng, train), _many_skills(rng, test), "dkvmn"


def _shape_long_sequences(rng: np.random.Generator, scale: float) -> tuple[str, Iterator[str], Iterator[str], str]:
    train, test = _split(600, scale, 0.2)
    header = "fold,uid,questions,concepts,responses,timestamps,is_repeat\n"
    rows = _long_sequences(rng, train + test)  # one question bank: the test part reads on from the train part

    def part(count: int, test: bool) -> Iterator[str]:
        for _ in range(count):
            line = next(rows)
            yield "-1" + line[line.index(",") :] if test else line  # pyKT's test.csv: fold -1

    return header, part(train, False), part(test, True), "pykt"


def _shape_assist2012(rng: np.random.Generator, scale: float) -> tuple[str, Iterator[str], Iterator[str], str]:
    train, test = _split(46_000, scale, 9 / 46)
    return "", _assist2012(rng, train, 0), _assist2012(rng, test, train), "akt"


def _shape_worded_skills(rng: np.random.Generator, scale: float) -> tuple[str, Iterator[str], Iterator[str], str]:
    train, test = _split(4_000, scale, 0.2)
    header = "student,item,concepts,correct,timestamp\n"
    return header, _worded_skills(rng, train, 0), _worded_skills(rng, test, train), "csv"


SHAPES: dict[str, _Writer] = {
    "many-skills": _shape_many_skills,
    "long-sequences": _shape_long_sequences,
    "assist2012": _shape_assist2012,
    "worded-skills": _shape_worded_skills,
}


def write_log(shape: str, folder: Path, *, scale: float = 1.0) -> str:
    """Write ``train.csv`` and ``test.csv`` of ``shape`` into ``folder``; return the layout's name."""
    header, train, test, layout = SHAPES[shape](np.random.default_rng(1), scale)
    folder.mkdir(parents=True, exist_ok=True)
    for name, records in (("train.csv", train), ("test.csv", test)):
        with (folder / name).open("w", encoding="utf-8") as out:
            out.write(header)
            out.writelines(records)
    return layout


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.kt_logs", description=__doc__.split("\n\n")[0])
    parser.add_argument("shape", choices=sorted(SHAPES))
    parser.add_argument("folder", type=Path)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the number of students")
    args = parser.parse_args()
    layout = write_log(args.shape, args.folder, scale=args.scale)
    print(
        f"pathwise evaluate mastery --format {layout} --train {args.folder / 'train.csv'} "
        f"--test {args.folder / 'test.csv'} --models all --json --threads 2 --max-minutes 1"
    )


if __name__ == "__main__":
    main()
