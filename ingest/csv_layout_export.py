"""A curriculum bundle written as the CSV layout (the inverse of reading it).

What is written reads back as the same bundle: numbers in their shortest exact form,
list cells escaped, a concept's own definition and label language in ``concepts.csv``
and its other languages in ``translations.csv`` (``csv_layout`` describes the files).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from graph.bundle import CurriculumBundle
from graph.concept_texts import language_key
from graph.model import Concept
from ingest.csv_layout_columns import COLUMNS, FILES, joined

__all__ = ["bundle_to_csv", "write_curriculum_csv"]


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
                joined(c.alt_labels),  # its own language's (bundle_from_rdf): the others' are in their rows
                joined(c.broader),
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
                joined(m.teaches),
                joined(m.assesses),
                m.url,
                m.text,
                m.language or "",
                joined(m.access_modes),
                joined(m.accessibility_features),
                joined(m.accessibility_hazards),
                m.accessibility_summary,
                joined(m.activity_ids),
                joined(m.access_mode_sufficient),
            ]
            for m in bundle.materials
        ],  # fmt: skip
        "translations": [  # the own language's values are the concept's row (its language cell says which)
            [concept, t.language, t.label, t.definition, joined(t.alt_labels)]
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
