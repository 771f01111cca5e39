"""Class rosters from CSV: ``cohort,student[,teacher][,name]``, one enrolment a line.

Reading is separate from writing: ``read_roster`` checks every line (the header, the
field count, the ids) and each cohort's teachers against ``MAX_TEACHERS``, and reports
every problem with its line; only a roster without problems reaches ``import_roster``,
which applies it in one transaction. So a roster with one bad line changes nothing.

Columns (a header row is required; order free, names case-insensitive, extra columns
refused so a typo is not silently ignored):

- ``cohort``: the cohort id (a slug); created when the graph lacks it;
- ``student``: the student's external id or key (``import_roster`` stores its key);
- ``teacher`` (optional): a teacher's subject id, or several separated by ``|``, added
  to the cohort's teachers;
- ``name`` (optional): the cohort's name as people know it ("Math 7A", an LMS course's
  full name; the id is a slug such as its short name): a new cohort is created with it,
  and an existing one renamed to it. An empty cell changes nothing; two names for one
  cohort in one roster are refused with both lines.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Collection
from dataclasses import replace as replace_entry
from pathlib import Path

from graph.cohort_queries import cohorts_of
from graph.cohorts import MAX_TEACHERS, RosterEntry, RosterReport, apply_roster, teacher_problem
from graph.ids import iri_of, is_valid_id
from graph.pseudonyms import external_id_problem
from graph.repository import KnowledgeGraph
from graph.value_checks import LABEL_LIMIT, text_problem
from ingest.csv_hints import separator_hint
from ingest.csv_records import records
from ingest.errors import MalformedInput, Problem

__all__ = ["COLUMNS", "import_roster", "read_roster", "read_roster_file"]

COLUMNS = ("cohort", "student", "teacher", "name")
_REQUIRED = ("cohort", "student")


def read_roster(text: str, source: str = "roster.csv") -> list[RosterEntry]:
    """Every enrolment of a roster, or ``MalformedInput`` naming each bad line.

    A student is an external id, as anywhere else (it is keyed before it is stored), so
    "alice@example.com" is one; a cohort id is a slug or an absolute IRI.

    Examples:
        >>> [(e.cohort, e.student, e.line) for e in read_roster("cohort,student\\n7b,s1\\n7b,a@b.org\\n")]
        [('7b', 's1', 2), ('7b', 'a@b.org', 3)]
        >>> try:
        ...     read_roster("cohort,student\\n7 b,s1\\n7b,\\n")
        ... except MalformedInput as error:
        ...     print(error.problems)
        ["roster.csv:line 2: cohort '7 b' is not a slug or an absolute IRI", 'roster.csv:line 3: student is empty']
    """
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), strict=True)
    header = next(reader, None)
    if header is None or not any(h.strip() for h in header):
        raise MalformedInput([Problem(source, "line 1", "empty: a header row (cohort,student[,teacher]) is needed")])
    names = [h.strip().casefold() for h in header]
    missing = [c for c in _REQUIRED if c not in names]
    unknown = [h for h in names if h not in COLUMNS]
    repeated = sorted({h for h in names if names.count(h) > 1})
    if missing or unknown or repeated:
        reasons = [f"missing column {c!r}" for c in missing] + [f"unknown column {c!r}" for c in unknown]
        reasons += [f"repeated column {c!r}" for c in repeated]
        said = "; ".join(reasons) + f" (columns: {', '.join(COLUMNS)})" + separator_hint(header, COLUMNS)
        raise MalformedInput([Problem(source, "line 1", said)])
    at = {name: names.index(name) for name in names}
    entries: list[RosterEntry] = []
    named: dict[str, tuple[str, int]] = {}  # cohort -> (its name, the line that gave it)
    taught: dict[str, list[tuple[int, set[str]]]] = {}  # cohort -> each line's teachers, for the limit
    for line, record in records(reader, source, len(names), problems):
        cohort, student = record[at["cohort"]].strip(), record[at["student"]].strip()
        teacher = record[at["teacher"]].strip() if "teacher" in at else ""
        name = record[at["name"]].strip() if "name" in at else ""
        bad = False
        if name:
            wrong = text_problem(name, "name", limit=LABEL_LIMIT, one_line=True)
            first = named.setdefault(cohort, (name, line))
            if wrong is not None:
                problems.append(Problem(source, f"line {line}", f"cohort {cohort!r} {wrong}"))
                bad = True
            elif first[0] != name:
                problems.append(
                    Problem(source, f"line {line}", f"cohort {cohort!r} is named {first[0]!r} on line {first[1]}"
                            f" and {name!r} here: give one name"),
                )  # fmt: skip
                bad = True
        given = set()
        for part in (t.strip() for t in teacher.split("|")):
            wrong = teacher_problem(part) if part else None
            if wrong is not None:  # stored as given: a NUL or a direction override in a teacher's id (an audit)
                problems.append(Problem(source, f"line {line}", wrong))
                bad = True
            elif part:
                given.add(part)
        if cohort and given:
            taught.setdefault(cohort, []).append((line, given))
        for kind, value in (("cohort", cohort), ("student", student)):
            if not value:
                problems.append(Problem(source, f"line {line}", f"{kind} is empty"))
                bad = True
            elif kind == "cohort" and not is_valid_id(value):
                problems.append(Problem(source, f"line {line}", f"{kind} {value!r} is not a slug or an absolute IRI"))
                bad = True
            elif kind == "student" and (problem := external_id_problem(value, "student")) is not None:
                problems.append(Problem(source, f"line {line}", problem))  # a key copied wrong enrolled nobody
                bad = True
        if not bad:
            entries.append(RosterEntry(cohort, student, teacher, line, name))
    problems += _past_the_teacher_limit(taught, source)
    if problems:
        raise MalformedInput(problems)
    if not entries:
        raise MalformedInput([Problem(source, "line 2", "no enrolment: the roster has a header only")])
    return entries


def _past_the_teacher_limit(taught: dict[str, list[tuple[int, set[str]]]], source: str) -> list[Problem]:
    """The cohorts whose lines name more than ``MAX_TEACHERS`` teachers, each at the line of the first past it.

    Checked with the lines, so one pass names both: it was found only when the roster was
    applied, so a roster refused for a malformed line was refused again for its teachers
    once that line was fixed. Teachers a cohort has already count when it is applied
    (``graph.cohorts.apply_roster``), as the store holds them.
    """
    out = []
    for cohort, lines in taught.items():
        seen: set[str] = set()
        first_past = 0
        for line, given in lines:
            seen |= given
            if not first_past and len(seen) > MAX_TEACHERS:
                first_past = line
        if first_past:
            why = (
                f"cohort {cohort!r} would have {len(seen)} teachers: at most {MAX_TEACHERS} can teach one cohort; "
                "this line names the first past the limit"
            )
            out.append(Problem(source, f"line {first_past}", why))
    return out


def read_roster_file(path: Path) -> list[RosterEntry]:
    """``read_roster`` of a UTF-8 file (problems name the file)."""
    return read_roster(path.read_text(encoding="utf-8"), str(path))


def import_roster(
    kg: KnowledgeGraph,
    text: str,
    *,
    source: str = "roster.csv",
    replace: bool = False,
    student_key: Callable[[str], str] | None = None,
    forgotten: Callable[[Collection[str]], Collection[str]] | None = None,
) -> RosterReport:
    """Read a roster whole, then apply it in one transaction (``graph.cohorts.apply_roster``).

    ``student_key`` (the deployment's ``Pseudonymizer.resolve``) turns each student into
    their key before anything is written; the API always passes it. ``forgotten`` says
    which of the keys were forgotten on request (the erasure log): those are left out
    unless enrolled in some class since (re-admitted), when the roster enrols them as anyone.

    Raises:
        MalformedInput: with every problem and its line; nothing is written.
    """
    entries = read_roster(text, source)
    if student_key is not None:
        entries = [replace_entry(e, student=student_key(e.student)) for e in entries]
    erased = forgotten({e.student for e in entries}) if forgotten is not None else ()
    # one an admin re-admitted (enrolled in a class since) is back for every class of theirs the roster names
    erased = {s for s in erased if not cohorts_of(kg.store, iri_of("student", s))}
    return apply_roster(kg, entries, replace=replace, erased=erased)
