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
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from graph.accessibility import (
    ACCESS_MODES,
    ACCESSIBILITY_FEATURES,
    ACCESSIBILITY_HAZARDS,
    canonical_language,
    canonical_sufficient,
    canonical_terms,
    language_problem,
)
from graph.activities import activity_clashes, activity_problems, canonical_activity_ids
from graph.bundle import CurriculumBundle
from graph.concept_texts import language_key, translation_origin
from graph.ids import id_problem
from graph.model import Concept, Curriculum, Material, MaterialType, Prerequisite, Translation
from graph.unstated import PREREQUISITES, TRANSLATIONS
from graph.value_checks import (
    accessibility_problems,
    concept_problems,
    material_problems,
    translation_problems,
    url_problem,
)
from ingest.csv_records import records
from ingest.errors import MalformedInput, Problem, not_utf8

__all__ = ["COLUMNS", "FILES", "bundle_to_csv", "parse_curriculum_csv", "read_curriculum_csv", "write_curriculum_csv"]

COLUMNS: dict[str, tuple[str, ...]] = {
    "curricula": ("id", "title", "description"),
    "concepts": ("id", "label", "definition", "alt_labels", "broader", "scheme", "language"),
    "prerequisites": ("concept", "prerequisite", "strength", "provenance"),
    "materials": (
        "id", "title", "type", "difficulty", "minutes", "teaches", "assesses", "url", "text",
        "language", "access_modes", "accessibility_features", "accessibility_hazards", "accessibility_summary",
        "activity_ids",
        "access_mode_sufficient",
    ),
    "translations": ("concept", "language", "label", "definition", "alt_labels"),
}  # fmt: skip
REQUIRED: dict[str, tuple[str, ...]] = {
    "curricula": ("id", "title"),
    "concepts": ("id", "label"),
    "prerequisites": ("concept", "prerequisite"),
    "materials": ("id", "title", "type"),
    "translations": ("concept", "language"),
}
FILES = {name: f"{name}.csv" for name in COLUMNS}
KINDS = {
    "curricula": "curriculum",
    "concepts": "concept",
    "prerequisites": "prerequisite",
    "materials": "material",
    "translations": "translation",
}
"""The kind of item each file's rows are (``CurriculumBundle.unstated`` names fields by kind)."""
FIELDS = {("concepts", "scheme"): "curriculum"}
"""Columns named otherwise than the model's field they fill; every other column is its field's name."""

T = TypeVar("T")


def _list(value: str) -> tuple[str, ...]:
    r"""A list field: values split at ``|``; ``\|`` is a ``|`` inside a value, ``\\`` a backslash.

    Examples:
        >>> _list(r"a | f(x) = \|x\| | \frac")
        ('a', 'f(x) = |x|', '\\frac')
    """
    values, current, chars = [], [], iter(value)
    for char in chars:
        if char == "\\":
            following = next(chars, "")
            current.append(following if following in ("|", "\\") else char + following)
        elif char == "|":
            values.append("".join(current))
            current = []
        else:
            current.append(char)
    values.append("".join(current))
    return tuple(v.strip() for v in values if v.strip())


def _joined(values: Iterable[str]) -> str:
    r"""A list field as ``_list`` reads it back: ``|`` and ``\`` inside a value are escaped.

    Examples:
        >>> _joined(["a", "f(x) = |x|"]), _list(_joined(["a", "f(x) = |x|", "\\frac"]))
        ('a|f(x) = \\|x\\|', ('a', 'f(x) = |x|', '\\frac'))
    """
    return "|".join(v.replace("\\", "\\\\").replace("|", "\\|") for v in values)


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
            why.append(f"unknown column(s) {', '.join(unknown)}")
        problems.append(Problem(source, "line 1", "; ".join(why) + f" (columns: {', '.join(COLUMNS[name])})"))
        return
    kind = KINDS[name]
    reading.unstated.update((kind, FIELDS.get((name, c), c)) for c in COLUMNS[name] if c not in header)
    for line, record in records(reader, source, len(header), problems):
        yield line, dict(zip(header, record, strict=True))


class _RowProblems(ValueError):
    """Every problem found in one row."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


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
            except _RowProblems as error:
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
    if isinstance(item, tuple):  # a translation: (concept id, its values in one language)
        return [message for _, message in translation_problems(*item)]
    return []


def _int(row: Mapping[str, str], col: str, default: int, reasons: list[str]) -> int:
    value = row.get(col, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        reasons.append(f"{col} {value!r} is not a whole number")
        return default


def _ids(kind: str, idents: Iterable[str], reasons: list[str]) -> None:
    reasons.extend(p for p in (id_problem(kind, i) for i in idents) if p is not None)


def _material(row: Mapping[str, str]) -> Material:
    reasons: list[str] = []
    kind = row["type"].strip().lower()
    mtype = MaterialType.READING
    try:
        mtype = MaterialType(kind)
    except ValueError:
        reasons.append(f"type {kind!r} is not one of {', '.join(t.value for t in MaterialType)}")
    difficulty = _int(row, "difficulty", 1, reasons)
    if not 1 <= difficulty <= 5:
        reasons.append(f"difficulty {difficulty} is not in 1..5")
    minutes = _int(row, "minutes", 5, reasons)
    if minutes < 1:
        reasons.append(f"minutes {minutes} is below 1")
    url = row.get("url", "").strip()
    bad_url = url_problem(url) if url else None
    if bad_url is not None:
        reasons.append(bad_url)
    teaches, assesses = _list(row.get("teaches", "")), _list(row.get("assesses", ""))
    _ids("material", [row["id"].strip()], reasons)
    _ids("concept", [*teaches, *assesses], reasons)
    material = Material(
        id=row["id"].strip(),
        title=row["title"].strip(),
        type=mtype,
        difficulty=difficulty,
        minutes=minutes,
        text=row.get("text", ""),
        url=url,
        teaches=teaches,
        assesses=assesses,
        language=canonical_language(row.get("language")),
        access_modes=canonical_terms(_list(row.get("access_modes", "")), ACCESS_MODES),
        access_mode_sufficient=canonical_sufficient(_list(row.get("access_mode_sufficient", ""))),
        accessibility_features=canonical_terms(_list(row.get("accessibility_features", "")), ACCESSIBILITY_FEATURES),
        accessibility_hazards=canonical_terms(_list(row.get("accessibility_hazards", "")), ACCESSIBILITY_HAZARDS),
        accessibility_summary=row.get("accessibility_summary", "").strip(),
        activity_ids=canonical_activity_ids(_list(row.get("activity_ids", ""))),
    )
    if reasons:  # with the line's other problems, so one pass over the file finds them all
        later = accessibility_problems(material) + activity_problems(material)
        raise _RowProblems(reasons + [message for _, message in later])
    return material


def _activity_clashes(materials: list[Material], lines: list[int]) -> list[Problem]:
    """An IRI two lines give two materials (``graph.activities``), on the later line, naming the other's."""
    line_of = {m.id: line for m, line in zip(materials, lines, strict=True)}
    return [
        Problem(FILES["materials"], f"line {line_of[c.material]}", c.message(f" (line {line_of[c.holder]})"))
        for c in activity_clashes(materials)
    ]


def _prerequisite(row: Mapping[str, str]) -> Prerequisite:
    reasons: list[str] = []
    raw = row.get("strength", "").strip()
    strength = 1.0
    try:
        strength = float(raw) if raw else 1.0
    except ValueError:
        reasons.append(f"strength {raw!r} is not a number")
    else:
        if not 0.0 < strength <= 1.0:
            reasons.append(f"strength {strength} is not in (0, 1]")
    concept, prerequisite = row["concept"].strip(), row["prerequisite"].strip()
    _ids("concept", [concept, prerequisite], reasons)
    if concept == prerequisite:
        reasons.append(f"concept {concept!r} cannot be its own prerequisite")
    if reasons:
        raise _RowProblems(reasons)
    return Prerequisite(concept, prerequisite, strength, row.get("provenance", "").strip())


def _concept_in(own_languages: dict[tuple[str, str], str]) -> Callable[[Mapping[str, str]], Concept]:
    """The builder of ``concepts.csv`` rows, noting each row's ``language`` cell where the file has the column.

    The cell is the language of the concept's own label and definition ("" untagged: the
    curriculum's language). Without it a re-import could not tell a French concept with an
    English translation from an English one with a French translation: it stored the
    label untagged beside its French twin, and renaming it left the French label as it was.
    """

    def build(row: Mapping[str, str]) -> Concept:
        concept = _concept(row)
        if "language" in row:
            tag = canonical_language(row["language"].strip()) or ""
            own_languages[concept.id, "label"] = tag
            if concept.definition:
                own_languages[concept.id, "definition"] = tag
        return concept

    return build


def _concept(row: Mapping[str, str]) -> Concept:
    reasons: list[str] = []
    ident, broader = row["id"].strip(), _list(row.get("broader", ""))
    scheme = row.get("scheme", "").strip() or None
    _ids("concept", [ident, *broader], reasons)
    _ids("curriculum", [scheme] if scheme else [], reasons)
    if ident in broader:
        reasons.append(f"concept {ident!r} cannot be broader than itself")
    language = row.get("language", "").strip()
    bad = language_problem(language) if language else None
    if bad is not None:
        reasons.append(bad)
    if reasons:
        raise _RowProblems(reasons)
    return Concept(
        id=ident,
        label=row["label"].strip(),
        definition=row.get("definition", "").strip(),
        alt_labels=_list(row.get("alt_labels", "")),
        broader=broader,
        curriculum=scheme,
    )


def _translation(row: Mapping[str, str]) -> tuple[str, Translation]:
    """A concept's values in one language; all of them empty: none in that language (``--replace`` removes it)."""
    reasons: list[str] = []
    concept, language = row["concept"].strip(), row["language"].strip()
    _ids("concept", [concept], reasons)
    bad = language_problem(language)
    if bad is not None:
        reasons.append(bad)
    if reasons:
        raise _RowProblems(reasons)
    return concept, Translation(
        canonical_language(language) or language,
        row.get("label", "").strip(),
        row.get("definition", "").strip(),
        _list(row.get("alt_labels", "")),
    )


def _by_concept(rows: Iterable[tuple[str, Translation]]) -> dict[str, tuple[Translation, ...]]:
    found: dict[str, list[Translation]] = {}
    for concept, translation in rows:
        found.setdefault(concept, []).append(translation)
    return {concept: tuple(translations) for concept, translations in found.items()}


def _curriculum(row: Mapping[str, str]) -> Curriculum:
    reasons: list[str] = []
    _ids("curriculum", [row["id"].strip()], reasons)
    if reasons:
        raise _RowProblems(reasons)
    return Curriculum(row["id"].strip(), row["title"].strip(), row.get("description", "").strip())


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
        curricula=tuple(_convert("curricula", texts.get("curricula"), _curriculum, reading)),
        concepts=tuple(_convert("concepts", texts.get("concepts"), _concept_in(reading.own_languages), reading)),
        prerequisites=tuple(_convert("prerequisites", texts.get("prerequisites"), _prerequisite, reading)),
        materials=tuple(_convert("materials", texts.get("materials"), _material, reading, material_lines)),
        translations=_by_concept(_convert("translations", texts.get("translations"), _translation, reading)),
        # no file states a concept's every language: translations.csv names them one by one; an absent
        # language column is no field left as stored: ``own_languages`` names the rows that state one
        unstated=frozenset({*reading.unstated, ("concept", TRANSLATIONS)} - {("concept", "language")}),
        origins=reading.origins,
        own_languages=reading.own_languages,
    )
    reading.problems += _activity_clashes(list(bundle.materials), material_lines)
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
        raise MalformedInput([Problem(str(folder), "-", f"none of {', '.join(FILES.values())} found")])
    return parse_curriculum_csv(texts)


def _number(value: float) -> str:
    """The shortest text that reads back as ``value`` ("1", "0.5", "0.123456789"; ``:g`` kept six digits).

    Examples:
        >>> _number(1.0), _number(0.5), _number(0.123456789), _number(1e-7)
        ('1', '0.5', '0.123456789', '1e-07')
    """
    short = f"{value:g}"
    return short if float(short) == value else repr(value)


def _own_definition(bundle: CurriculumBundle, concept: Concept) -> str:
    """A concept's definition as ``concepts.csv`` gives it: "" when it has none of its own.

    Such a concept shows a translation's definition, which ``translations.csv`` carries: given
    in ``concepts.csv`` too, it read back as a definition of its own, and a translator's
    change to the Spanish row left the old Spanish text behind as the concept's.
    """
    tag = bundle.own_languages.get((concept.id, "definition"))
    if tag is None:
        return concept.definition  # untagged, or none
    label = bundle.own_languages.get((concept.id, "label"))
    return concept.definition if label is not None and language_key(label) == language_key(tag) else ""


def bundle_to_csv(bundle: CurriculumBundle) -> dict[str, str]:
    """The layout's file texts for a bundle (``extra`` RDF triples have no CSV form).

    ``translations.csv`` has a row per concept and language the concept has values in,
    but the language of its own label: ``concepts.csv``'s ``language`` cell names that one,
    and its row there holds those values.
    """
    rows: dict[str, list[list[str]]] = {
        "curricula": [[c.id, c.title, c.description] for c in bundle.curricula],
        "concepts": [
            [
                c.id,
                c.label,
                _own_definition(bundle, c),
                _joined(c.alt_labels),  # its own language's (bundle_from_rdf): the others' are in their rows
                _joined(c.broader),
                c.curriculum or "",
                bundle.own_languages.get((c.id, "label"), ""),
            ]
            for c in bundle.concepts
        ],
        "prerequisites": [[e.concept, e.prerequisite, _number(e.strength), e.provenance] for e in bundle.prerequisites],
        "materials": [
            [
                m.id,
                m.title,
                m.type.value,
                str(m.difficulty),
                str(m.minutes),
                _joined(m.teaches),
                _joined(m.assesses),
                m.url,
                m.text,
                m.language or "",
                _joined(m.access_modes),
                _joined(m.accessibility_features),
                _joined(m.accessibility_hazards),
                m.accessibility_summary,
                _joined(m.activity_ids),
                _joined(m.access_mode_sufficient),
            ]
            for m in bundle.materials
        ],  # fmt: skip
        "translations": [  # the own language's values are the concept's row (its language cell says which)
            [concept, t.language, t.label, t.definition, _joined(t.alt_labels)]
            for concept, found in bundle.translations.items()
            for t in found
            if language_key(t.language) != language_key(bundle.own_languages.get((concept, "label")) or "-")
        ],
    }
    out = {}
    for name, body in rows.items():
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(COLUMNS[name])
        writer.writerows(sorted(body))
        out[name] = buffer.getvalue()
    return out


def write_curriculum_csv(bundle: CurriculumBundle, folder: Path) -> list[Path]:
    """Write the layout into ``folder``; return the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in bundle_to_csv(bundle).items():
        path = folder / FILES[name]
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
