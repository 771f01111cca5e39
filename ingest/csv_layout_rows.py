"""One row of a layout file built into what it describes, with every problem of the row.

A builder (``curriculum``, ``concept_in``, ``prerequisite``, ``material``,
``translation``) checks all of a row's cells before it raises ``RowProblems`` with every
reason, so one pass over a file reports all of each line's problems rather than the
first. ``csv_layout`` runs the builders over the files and says each problem at its line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

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
from graph.ids import id_problem
from graph.model import Concept, Curriculum, Material, MaterialType, Prerequisite, Translation
from graph.value_checks import accessibility_problems, url_problem
from ingest.csv_layout_columns import FILES, list_cell
from ingest.errors import Problem

__all__ = [
    "RowProblems",
    "activity_clash_problems",
    "by_concept",
    "concept_in",
    "curriculum_of_row",
    "material_of_row",
    "prerequisite_of_row",
    "translation_of_row",
]


class RowProblems(ValueError):
    """Every problem found in one row."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


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


def material_of_row(row: Mapping[str, str]) -> Material:
    """A ``materials.csv`` row as a material (``RowProblems``: every reason it is refused)."""
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
    teaches, assesses = list_cell(row.get("teaches", "")), list_cell(row.get("assesses", ""))
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
        access_modes=canonical_terms(list_cell(row.get("access_modes", "")), ACCESS_MODES),
        access_mode_sufficient=canonical_sufficient(list_cell(row.get("access_mode_sufficient", ""))),
        accessibility_features=canonical_terms(
            list_cell(row.get("accessibility_features", "")), ACCESSIBILITY_FEATURES
        ),
        accessibility_hazards=canonical_terms(list_cell(row.get("accessibility_hazards", "")), ACCESSIBILITY_HAZARDS),
        accessibility_summary=row.get("accessibility_summary", "").strip(),
        activity_ids=canonical_activity_ids(list_cell(row.get("activity_ids", ""))),
    )
    if reasons:  # with the line's other problems, so one pass over the file finds them all
        later = accessibility_problems(material) + activity_problems(material)
        raise RowProblems(reasons + [message for _, message in later])
    return material


def activity_clash_problems(materials: list[Material], lines: list[int]) -> list[Problem]:
    """An IRI two lines give two materials (``graph.activities``), on the later line, naming the other's."""
    line_of = {m.id: line for m, line in zip(materials, lines, strict=True)}
    return [
        Problem(FILES["materials"], f"line {line_of[c.material]}", c.message(f" (line {line_of[c.holder]})"))
        for c in activity_clashes(materials)
    ]


def prerequisite_of_row(row: Mapping[str, str]) -> Prerequisite:
    """A ``prerequisites.csv`` row as an edge: its concept requires its prerequisite."""
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
        raise RowProblems(reasons)
    return Prerequisite(concept, prerequisite, strength, row.get("provenance", "").strip())


def concept_in(own_languages: dict[tuple[str, str], str]) -> Callable[[Mapping[str, str]], Concept]:
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
    ident, broader = row["id"].strip(), list_cell(row.get("broader", ""))
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
        raise RowProblems(reasons)
    return Concept(
        id=ident,
        label=row["label"].strip(),
        definition=row.get("definition", "").strip(),
        alt_labels=list_cell(row.get("alt_labels", "")),
        broader=broader,
        curriculum=scheme,
    )


def translation_of_row(row: Mapping[str, str]) -> tuple[str, Translation]:
    """A concept's values in one language; all of them empty: none in that language (``--replace`` removes it)."""
    reasons: list[str] = []
    concept, language = row["concept"].strip(), row["language"].strip()
    _ids("concept", [concept], reasons)
    bad = language_problem(language)
    if bad is not None:
        reasons.append(bad)
    if reasons:
        raise RowProblems(reasons)
    return concept, Translation(
        canonical_language(language) or language,
        row.get("label", "").strip(),
        row.get("definition", "").strip(),
        list_cell(row.get("alt_labels", "")),
    )


def by_concept(rows: Iterable[tuple[str, Translation]]) -> dict[str, tuple[Translation, ...]]:
    """Built ``translations.csv`` rows gathered by concept, as a bundle holds them."""
    found: dict[str, list[Translation]] = {}
    for concept, translation in rows:
        found.setdefault(concept, []).append(translation)
    return {concept: tuple(translations) for concept, translations in found.items()}


def curriculum_of_row(row: Mapping[str, str]) -> Curriculum:
    """A ``curricula.csv`` row as a curriculum."""
    reasons: list[str] = []
    _ids("curriculum", [row["id"].strip()], reasons)
    if reasons:
        raise RowProblems(reasons)
    return Curriculum(row["id"].strip(), row["title"].strip(), row.get("description", "").strip())
