"""AKT's 4-line knowledge-tracing layout (assist2009 ``*_pid_test{k}.csv``): one record per student.

===========  ===================================================================
line         content
===========  ===================================================================
1            ``<student index>,<original user_id>``
2            problem indices, comma-separated (``problems.json``: problem_id -> index)
3            skill indices (``skill.json``: skill NAME -> index)
4            responses, 0/1
===========  ===================================================================

The concept is the skill's *name* (text matters to models that embed it) and the item
the original problem id, when the JSON maps sit beside the file; otherwise the indices
as text. The student key is the original user_id.

AKT expands a problem tagged with several skills into consecutive rows with the same
problem, a different skill and the same response (PROVENANCE quirk 1). Those rows are
one attempt: they share an ``attempt`` number, so no row's history holds its siblings.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pandas as pd

from ingest.attempts.pykt import dataset_name
from ingest.attempts.reading import MISALIGNED_BLOCKS, LineProgress, LineTicker, log_text, misaligned
from ingest.attempts.table import AttemptColumns, source_name
from ingest.errors import MalformedInput, Problem

__all__ = ["invert_index", "parse_akt", "read_akt"]


def invert_index(mapping: Mapping[str, object], source: str) -> dict[int, str]:
    """Invert a ``name -> index`` JSON map (``skill.json``, ``problems.json``) to ``index -> name``.

    Raises:
        MalformedInput: an index that is not a whole number, or one given to two names.
    """
    out: dict[int, str] = {}
    problems = []
    for name, index in mapping.items():
        if not isinstance(index, int) or isinstance(index, bool):
            problems.append(Problem(source, f"key {name!r}", f"index {index!r} is not a whole number"))
        elif index in out:
            problems.append(Problem(source, f"key {name!r}", f"index {index} is also given to {out[index]!r}"))
        else:
            out[index] = name
    if problems:
        raise MalformedInput(problems)
    return out


def _ints(text: str) -> tuple[list[int], list[str]]:
    tokens = [t.strip() for t in text.split(",")]
    if tokens and tokens[-1] == "":
        tokens.pop()  # a trailing comma, as some KT exports write
    bad = [t for t in tokens if not t.isdigit()]
    return ([] if bad else [int(t) for t in tokens]), bad


def _record(
    block: list[tuple[int, str]],
    source: str,
    skill_names: Mapping[int, str] | None,
    problem_ids: Mapping[int, str] | None,
) -> tuple[str, list[int], list[int], list[int], list[Problem]]:
    """Check one 4-line record; return user id, problems, skills, responses and what is wrong."""
    found: list[Problem] = []
    (l1, head), (l2, p_text), (l3, s_text), (l4, r_text) = block
    user = ""
    parts = [p.strip() for p in head.split(",")]
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        found.append(Problem(source, f"line {l1}", f"expected '<student index>,<user_id>', got {head[:60]!r}"))
    else:
        user = parts[1]
    seqs: list[list[int]] = []
    for line, text, what in ((l2, p_text, "problem"), (l3, s_text, "skill"), (l4, r_text, "response")):
        values, bad = _ints(text)
        if bad:
            found.append(Problem(source, f"line {line}", f"{len(bad)} {what}(s) not whole numbers, e.g. {bad[0]!r}"))
        seqs.append(values)
    items, skills, responses = seqs
    if items and not found:
        for line, values, what in ((l3, skills, "skills"), (l4, responses, "responses")):
            if len(values) != len(items):
                found.append(
                    Problem(source, f"line {line}", f"{len(values)} {what}, but {len(items)} problems (line {l2})")
                )
    wrong = sorted({r for r in responses if r not in (0, 1)})
    if wrong:
        found.append(Problem(source, f"line {l4}", f"responses must be 0 or 1, found {wrong[:5]}"))
    for line, values, table, what in ((l2, items, problem_ids, "problem"), (l3, skills, skill_names, "skill")):
        if table is not None:
            unknown = sorted({v for v in values if v not in table})
            if unknown:
                found.append(Problem(source, f"line {line}", f"{what} index(es) not in the map: {unknown[:5]}"))
    return user, items, skills, responses, found


def _scan(
    lines: Iterable[str],
    source: str,
    skill_names: Mapping[int, str] | None,
    problem_ids: Mapping[int, str] | None,
    key: str,
    out: AttemptColumns,
    students: dict[str, str],
    progress: LineProgress | None = None,
) -> list[Problem]:
    """Append one file's rows to ``out``; return its problems (``students``: user -> where first seen)."""
    problems: list[Problem] = []
    name = source_name(source)
    numbered = [(n, line.rstrip("\r\n")) for n, line in enumerate(lines, start=1)]
    ticker = LineTicker(name, numbered[-1][0] if numbered else 0, progress)
    numbered = [(n, line) for n, line in numbered if line.strip()]
    bad_run: list[int] = []  # the first lines of the bad records just read
    for start in range(0, len(numbered), 4):
        block = numbered[start : start + 4]
        ticker(block[-1][0])
        if len(block) < 4:
            problems.append(Problem(source, f"line {block[0][0]}", f"record has {len(block)} of 4 lines"))
            break
        user, items, skills, responses, found = _record(block, source, skill_names, problem_ids)
        where = f"{source}:line {block[0][0]}"
        if user and user in students:
            found.append(Problem(source, f"line {block[0][0]}", f"student {user} already read at {students[user]}"))
        elif user:
            students[user] = where
        if found:
            problems += found
            # a first line that is no '<index>,<user>' is a record read out of step; other problems are its own
            bad_run = [*bad_run, block[0][0]][-MISALIGNED_BLOCKS:] if not user else []
            if len(bad_run) == MISALIGNED_BLOCKS and start + 4 < len(numbered):
                problems.append(misaligned(source, bad_run[0], 4))
                break
            continue
        bad_run = []
        number = -1
        for i, (p, s, r) in enumerate(zip(items, skills, responses, strict=True)):
            sibling = i > 0 and p == items[i - 1] and r == responses[i - 1] and s != skills[i - 1]
            if not sibling:
                number += 1
            item = problem_ids[p] if problem_ids is not None else str(p)
            concept = skill_names[s] if skill_names is not None else str(s)
            ident = f"{key}:{user}:{number}"
            out.append(user, number, ident, item, concept, float(r), None, f"akt:{name}", block[1][0])
    ticker.done()
    return problems


def parse_akt(
    text: str | Iterable[str],
    source: str,
    *,
    skill_names: Mapping[int, str] | None = None,
    problem_ids: Mapping[int, str] | None = None,
    dataset: str | None = None,
) -> pd.DataFrame:
    """Turn one AKT 4-line file into the canonical attempt table.

    Args:
        text: the file's text, or its lines.
        source: the file path or name (problems, ``source`` column, default data set).
        skill_names: skill index -> name (``skill.json`` inverted); indices as text when ``None``.
        problem_ids: problem index -> original id (``problems.json`` inverted); likewise.
        dataset: the attempt-id prefix (``<dataset>:<user_id>:<attempt>``); defaults to
            the file's folder name.

    Raises:
        MalformedInput: every bad line with file and line number: non-integers, lines of
            unequal length, responses other than 0/1, indices missing from the maps, a
            student seen twice, an incomplete last record.
    """
    lines = text.splitlines() if isinstance(text, str) else text
    out = AttemptColumns()
    problems = _scan(lines, source, skill_names, problem_ids, dataset or dataset_name(source), out, {})
    if problems:
        raise MalformedInput(problems)
    return out.frame()


def _maps(folder: Path) -> tuple[dict[int, str] | None, dict[int, str] | None]:
    """``skill.json`` and ``problems.json`` beside the data, inverted (``None`` where absent)."""
    found: list[dict[int, str] | None] = []
    for file in ("skill.json", "problems.json"):
        path = folder / file
        if not path.is_file():
            found.append(None)
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except json.JSONDecodeError as error:
            raise MalformedInput([Problem(str(path), f"line {error.lineno}", error.msg)]) from None
        if not isinstance(data, dict):
            raise MalformedInput([Problem(str(path), "-", "expected a JSON object name -> index")])
        found.append(invert_index(data, str(path)))
    return found[0], found[1]


def read_akt(
    paths: Path | Sequence[Path], *, dataset: str | None = None, progress: LineProgress | None = None
) -> pd.DataFrame:
    """Read one or several AKT files (folds) into one table, checked all together.

    Skill names and problem ids come from ``skill.json`` / ``problems.json`` beside each
    file. A student present in two files is a problem (folds are disjoint by student).
    A file may be gzipped; ``progress`` hears how many lines of each file are read.

    Raises:
        MalformedInput: every problem of every file.
    """
    files = [paths] if isinstance(paths, Path) else list(paths)
    out = AttemptColumns()
    students: dict[str, str] = {}
    problems: list[Problem] = []
    maps: dict[Path, tuple[dict[int, str] | None, dict[int, str] | None]] = {}
    for path in files:
        folder = path.resolve().parent
        if folder not in maps:
            maps[folder] = _maps(folder)
        skill_names, problem_ids = maps[folder]
        key = dataset or dataset_name(str(path))
        lines = log_text(path).splitlines()
        problems += _scan(lines, str(path), skill_names, problem_ids, key, out, students, progress)
    if problems:
        raise MalformedInput(problems)
    return out.frame()
