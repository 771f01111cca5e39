"""The plain CSV layout of a curriculum: up to five files in one folder.

=====================  =====================================================================
file                   columns (required in bold in docs/cli.md; lists use ``|``)
=====================  =====================================================================
``curricula.csv``      ``id, title, description``
``concepts.csv``       ``id, label, definition, alt_labels, broader, scheme, language``
``prerequisites.csv``  ``concept, prerequisite, strength, provenance`` (concept requires prerequisite)
``materials.csv``      ``id, title, type, difficulty, minutes, teaches, assesses, url, text,
                       language, access_modes, accessibility_features, accessibility_hazards,
                       accessibility_summary, activity_ids, access_mode_sufficient``
``translations.csv``   ``concept, language, label, definition, alt_labels``: a concept's values
                       in one language (a BCP 47 tag), a row per concept and language
=====================  =====================================================================

A CSV folder never states a concept's every language: a row of ``translations.csv``
sets that concept's values in that language (on a stored concept, changing them needs
``--replace``), and the languages no row names stay as stored. Without the file every
translation stays. A concept's own label and definition are those of ``concepts.csv``;
its ``alt_labels`` there are its own language's (another language's are in that
language's row, and a replace keeps them whatever ``concepts.csv`` lists).

The accessibility columns, then ``activity_ids`` (the LMS activity IRIs that name the
material, ``graph.activities``), come last so that files written before them keep their
column positions; terms are read in any case and kept as schema.org spells them. An
activity id two lines give is reported on the later one, naming the earlier.
``access_mode_sufficient`` (after them, for the same reason) is a list of sets, each
set's modes joined by commas (``auditory,visual|textual``: watching and listening
suffice, and so does the text alone). An optional column a file leaves out says nothing
about its field: an item the file replaces keeps its stored value
(``CurriculumBundle.unstated``); an empty cell clears it. A folder without
``prerequisites.csv`` says nothing of edges: a concept it replaces keeps its own; with the
file, a replaced concept's edges are the file's.

Reading checks every row and reports every problem with its file and line (the line
where the record starts, multi-line text fields included); nothing is returned unless
the whole folder reads cleanly.

The layout's columns are in ``csv_layout_columns``, a row's builders in
``csv_layout_rows``, and writing it in ``csv_layout_export``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from graph.bundle import CurriculumBundle
from graph.concept_texts import translation_origin
from graph.model import Concept, Curriculum, Material
from graph.unstated import PREREQUISITES, TRANSLATIONS
from graph.value_checks import concept_problems, curriculum_problems, material_problems, translation_problems
from ingest.csv_hints import guessed, separator_hint
from ingest.csv_layout_columns import COLUMNS, FIELDS, FILES, KINDS, REQUIRED
from ingest.csv_layout_export import bundle_to_csv, write_curriculum_csv
from ingest.csv_layout_rows import (
    RowProblems,
    activity_clash_problems,
    by_concept,
    concept_in,
    curriculum_of_row,
    material_of_row,
    prerequisite_of_row,
    translation_of_row,
)
from ingest.csv_records import records
from ingest.errors import MalformedInput, Problem, not_utf8

__all__ = ["COLUMNS", "FILES", "bundle_to_csv", "parse_curriculum_csv", "read_curriculum_csv", "write_curriculum_csv"]

T = TypeVar("T")


@dataclass
class _Reading:
    """What reading the files gathers beside their items: problems, and what the bundle carries about them."""

    problems: list[Problem] = field(default_factory=list)
    unstated: set[tuple[str, str]] = field(default_factory=set)
    origins: dict[tuple[str, str], str] = field(default_factory=dict)
    own_languages: dict[tuple[str, str], str] = field(default_factory=dict)


def _rows(name: str, text: str, reading: _Reading) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows with the line each starts on; a missing required column stops this file.

    The optional columns the header lacks go into ``reading.unstated``: the file says nothing of
    those fields, so a stored item it replaces keeps them (a file written before the
    accessibility columns took a material's hazards away). A concept's other languages
    are in ``translations.csv``, which names them one by one.
    """
    source, problems = FILES[name], reading.problems
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        problems.append(Problem(source, "line 1", "empty file: expected a header row"))
        return
    missing = [c for c in REQUIRED[name] if c not in header]
    unknown = [c for c in header if c not in COLUMNS[name]]
    if missing or unknown:
        why = []
        if missing:
            why.append(f"missing column(s) {', '.join(missing)}")
        if unknown:
            why.append(f"unknown column(s) {', '.join(guessed(c, COLUMNS[name]) for c in unknown)}")
        said = "; ".join(why) + f" (columns: {', '.join(COLUMNS[name])})"
        problems.append(Problem(source, "line 1", said + separator_hint(header, COLUMNS[name])))
        return
    kind = KINDS[name]
    reading.unstated.update((kind, FIELDS.get((name, c), c)) for c in COLUMNS[name] if c not in header)
    for line, record in records(reader, source, len(header), problems):
        yield line, dict(zip(header, record, strict=True))


def _convert(
    name: str,
    text: str | None,
    build: Callable[[dict[str, str]], T],
    reading: _Reading,
    lines: list[int] | None = None,
) -> list[T]:
    """The rows of one file built, every problem with its line; ``lines`` hears the line of each built row."""
    if text is None:
        return []
    out = []
    first_line: dict[str, int] = {}  # id -> the line that first gave it (files whose rows have ids)
    for line, row in _rows(name, text, reading):
        reasons = [f"empty {col}" for col in REQUIRED[name] if not row.get(col, "").strip()]
        ident = row.get("id", "").strip() if "id" in COLUMNS[name] else ""
        said = f"id {ident!r}"
        if name == "prerequisites" and row.get("concept", "").strip() and row.get("prerequisite", "").strip():
            # an edge's id is its pair: a second line for it was dropped without a word
            ident = f"{row['concept'].strip()} -> {row['prerequisite'].strip()}"
            said = f"edge {ident!r}"
        if name == "translations" and row.get("concept", "").strip() and row.get("language", "").strip():
            concept, language = row["concept"].strip(), row["language"].strip()
            ident = translation_origin(concept, language)[1]  # es-MX and es-mx are one language
            said = f"concept {concept!r} in {language!r}"
        repeated = [f"{said} is already on line {first_line[ident]}"] if ident in first_line else []
        if ident:
            first_line.setdefault(ident, line)
        if not reasons:
            try:
                built = build(row)
            except RowProblems as error:
                reasons = error.reasons
            else:
                reasons = _item_problems(built)  # a label with a control character, with its line
                if not repeated and not reasons:
                    out.append(built)
                    reading.origins[KINDS[name], ident] = f"{FILES[name]}:line {line}"
                    if lines is not None:
                        lines.append(line)
        reasons += repeated
        reading.problems.extend(Problem(FILES[name], f"line {line}", reason) for reason in reasons)
    return out


def _item_problems(item: object) -> list[str]:
    """What the graph's checks refuse in one row's concept or material, said at its line rather than after reading."""
    if isinstance(item, Concept):
        return [message for _, message in concept_problems(item)]
    if isinstance(item, Material):
        return [message for _, message in material_problems(item)]
    if isinstance(item, Curriculum):
        return [message for _, message in curriculum_problems(item)]
    if isinstance(item, tuple):  # a translation: (concept id, its values in one language)
        return [message for _, message in translation_problems(*item)]
    return []


def parse_curriculum_csv(texts: Mapping[str, str | None]) -> CurriculumBundle:
    """Turn the texts of the layout's files (keyed ``concepts``, ``materials``...) into a bundle.

    Raises:
        MalformedInput: every problem of every file, each with file and line.
    """
    reading = _Reading()
    material_lines: list[int] = []
    unknown = sorted(set(texts) - set(COLUMNS))
    if unknown:
        reading.problems.append(
            Problem(", ".join(unknown), "-", f"not part of the layout ({', '.join(FILES.values())})")
        )
    if texts.get("prerequisites") is None:  # no file: the edges of the concepts it replaces stay
        reading.unstated.add(("concept", PREREQUISITES))
    bundle = CurriculumBundle(
        curricula=tuple(_convert("curricula", texts.get("curricula"), curriculum_of_row, reading)),
        concepts=tuple(_convert("concepts", texts.get("concepts"), concept_in(reading.own_languages), reading)),
        prerequisites=tuple(_convert("prerequisites", texts.get("prerequisites"), prerequisite_of_row, reading)),
        materials=tuple(_convert("materials", texts.get("materials"), material_of_row, reading, material_lines)),
        translations=by_concept(_convert("translations", texts.get("translations"), translation_of_row, reading)),
        # no file states a concept's every language: translations.csv names them one by one; an absent
        # language column is no field left as stored: ``own_languages`` names the rows that state one
        unstated=frozenset({*reading.unstated, ("concept", TRANSLATIONS)} - {("concept", "language")}),
        origins=reading.origins,
        own_languages=reading.own_languages,
    )
    reading.problems += activity_clash_problems(list(bundle.materials), material_lines)
    if reading.problems:
        raise MalformedInput(reading.problems)
    return bundle


def _utf8(path: Path, problems: list[Problem]) -> str:
    """The file's text; a byte that is not UTF-8 is a problem with its file and line."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        problems.append(not_utf8(path.name, raw, error))
        return ""


def read_curriculum_csv(folder: Path) -> CurriculumBundle:
    """Read the layout from a folder; files that are absent count as empty.

    Raises:
        MalformedInput: no layout file in the folder, or any problem in any file.
    """
    problems: list[Problem] = []
    texts = {name: _utf8(folder / file, problems) if (folder / file).exists() else None for name, file in FILES.items()}
    if problems:
        raise MalformedInput(problems)
    if not any(texts.values()):
        empty = [FILES[name] for name, text in texts.items() if text is not None]
        if empty:  # it said none was found, of a folder holding a 0-byte concepts.csv
            said = f"{', '.join(empty)} {'is' if len(empty) == 1 else 'are'} empty: nothing to import"
            raise MalformedInput([Problem(str(folder), "-", said)])
        raise MalformedInput([Problem(str(folder), "-", f"none of {', '.join(FILES.values())} found")])
    return parse_curriculum_csv(texts)
