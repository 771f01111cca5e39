"""Junyi Academy's exercise table (``junyi_Exercise_table.csv``) as a curriculum bundle.

One row per exercise, with its prerequisites as a comma-separated list of exercise names.
The prerequisite graph is taken as written, self-loops and cycles included: deciding which
edge to drop is ``check_bundle``'s job (with ``break_cycles``), not the reader's. There are
no learning materials in the table. Reading the file (``read_junyi``) is kept apart from
the transform (``parse_junyi``).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from graph.bundle import CurriculumBundle
from graph.ids import slug_for
from graph.model import Concept, Curriculum, Prerequisite
from graph.unstated import stated_only
from ingest.csv_records import records
from ingest.errors import MalformedInput, Problem, not_utf8

__all__ = ["CURRICULUM_ID", "REQUIRED_COLUMNS", "exercise_id", "parse_junyi", "read_junyi"]

CURRICULUM_ID = "junyi"
REQUIRED_COLUMNS = ("name", "prerequisites", "pretty_display_name", "short_display_name")


_CONCEPT_FIELDS = ("id", "label", "alt_labels", "curriculum")
"""The concept fields the source states: a replace keeps the others (``graph.unstated.stated_only``)."""


def exercise_id(name: str) -> str:
    """The concept id of an exercise name.

    Names are slugs except two with a space (``angle types``, which would clash with the
    separate exercise ``angle_types`` if the space simply became ``_``); those are made
    slug-safe and given a hash of the original name, so distinct names stay distinct.

    Examples:
        >>> exercise_id("angle_types")
        'angle_types'
        >>> exercise_id("angle types") != "angle_types"
        True
    """
    return slug_for(name)


def parse_junyi(text: str, source: str) -> CurriculumBundle:
    """Turn the table's text into one curriculum bundle.

    A name that occurs in several rows (two do, with differing fields) is read from its
    first row; later rows are skipped, so the result does not depend on anything but order.

    Raises:
        MalformedInput: a required column is missing, or rows have the wrong number of
            fields, an empty name, or bad quoting (every such row is listed).
    """
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    problems: list[Problem] = []
    try:
        header = [column.strip() for column in next(reader)]
    except StopIteration:
        raise MalformedInput([Problem(source, "line 1", "empty file: no header")]) from None
    except csv.Error as exc:
        raise MalformedInput([Problem(source, "line 1", f"unreadable header: {exc}")]) from None
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise MalformedInput([Problem(source, "line 1", f"missing column(s) {', '.join(missing)}")])
    position = {column: header.index(column) for column in REQUIRED_COLUMNS}

    concepts: dict[str, Concept] = {}
    edges: list[Prerequisite] = []
    origins: dict[tuple[str, str], str] = {}  # each exercise's and edge's line, for what a check says of it
    # each record with the line it starts on (a broken quote was named where the file ran out, lines later)
    for line, row in records(reader, source, len(header), problems):
        name = row[position["name"]].strip()
        if not name:
            problems.append(Problem(source, f"line {line}", "empty exercise name"))
            continue
        ident = exercise_id(name)
        if ident in concepts:
            continue
        pretty = row[position["pretty_display_name"]].strip()
        short = row[position["short_display_name"]].strip()
        label = pretty or short or name
        alt_labels = tuple(dict.fromkeys(a for a in (short, name if ident != name else "") if a and a != label))
        concepts[ident] = Concept(id=ident, label=label, alt_labels=alt_labels, curriculum=CURRICULUM_ID)
        origins[("concept", ident)] = f"{source}:line {line}"
        listed = (p.strip() for p in row[position["prerequisites"]].split(","))
        for prerequisite in dict.fromkeys(p for p in listed if p):
            edge = Prerequisite(concept=ident, prerequisite=exercise_id(prerequisite), provenance=CURRICULUM_ID)
            edges.append(edge)
            origins[("prerequisite", f"{edge.concept} -> {edge.prerequisite}")] = f"{source}:line {line}"
    if problems:
        raise MalformedInput(problems)
    curriculum = Curriculum(
        id=CURRICULUM_ID,
        title="Junyi Academy exercises",
        description="Junyi Academy's exercise map (Chang, Hsu & Chen, EDM 2015); non-commercial research use.",
    )
    return CurriculumBundle(
        (curriculum,),
        tuple(concepts.values()),
        tuple(edges),
        origins=origins,
        unstated=stated_only(_CONCEPT_FIELDS),
    )


def read_junyi(path: Path) -> CurriculumBundle:
    """Read the exercise table (UTF-8, with or without a BOM) and transform it.

    Raises:
        MalformedInput: the file is not UTF-8 or ``parse_junyi`` finds problems.
    """
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MalformedInput([not_utf8(str(path), raw, exc)]) from None
    return parse_junyi(text, str(path))
