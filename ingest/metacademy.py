"""Metacademy's flat-file content repository (``metacademy-content``) as a curriculum bundle.

The repository is one directory per concept (``concepts/<tag>/``) holding small text
files, plus a global ``resources.txt`` of learning sources that concept resource records
point into. Reading the directory (``read_metacademy``) is kept apart from turning its
texts into domain objects (``parse_metacademy``), so the transform is testable without a
file tree. Dependencies are kept as written, including those on tags that have no concept
directory: ``check_bundle`` reports dangling references, the importer does not hide them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from graph.bundle import CurriculumBundle
from graph.model import Concept, Curriculum, Material, MaterialType, Prerequisite
from graph.unstated import stated_only
from ingest.errors import MalformedInput, Problem

__all__ = [
    "CURRICULUM_ID",
    "DEFAULT_DIFFICULTY",
    "DEFAULT_MINUTES",
    "SHORTCUT_STRENGTH",
    "ConceptFiles",
    "MetacademyFiles",
    "Record",
    "parse_metacademy",
    "parse_records",
    "parse_time_estimates",
    "read_metacademy",
]

CURRICULUM_ID = "metacademy"
EXCLUDED_DIRS = frozenset({"ANNOTATED_EXAMPLE"})
SHORTCUT_STRENGTH = 0.5
DEFAULT_DIFFICULTY = 3
DEFAULT_MINUTES = 30

# Metacademy's free-text ``resource_type`` values (global and inline records) by kind; any
# other type (textbook, lecture notes, paper, thesis, wiki, ...) is read, unless it says video.
_VIDEO_TYPES = frozenset({"online lecture", "online lectures", "online course", "youtube videos"})
_EXPLANATION_TYPES = frozenset(
    {"tutorial", "blog post", "forum", "lecture slide", "presentation slides", "visualization and text"}
)
_EXAMPLE_TYPES = frozenset({"interactive demonstration"})
# ``level`` of a source -> difficulty 1..5; other levels ("reference") keep the default.
_LEVELS = {
    "introductory": 1,
    "undergraduate": 2,
    "advanced undergraduate": 3,
    "graduate": 4,
    "expert": 5,
}
_LOCATION_LINK = re.compile(r"\s*\[([^\]]*)\]\s*$")


@dataclass(frozen=True)
class Record:
    """One blank-line-separated block of ``key: value`` lines; keys may repeat (``location``)."""

    line: int
    fields: dict[str, list[str]]

    def first(self, key: str) -> str | None:
        """The first value of ``key``, or None when the record lacks it."""
        values = self.fields.get(key)
        return values[0] if values else None


@dataclass(frozen=True)
class ConceptFiles:
    """The texts of one concept directory that the import uses; None where a file is absent."""

    title: str | None = None
    summary: str | None = None
    dependencies: str | None = None
    resources: str | None = None


@dataclass(frozen=True)
class MetacademyFiles:
    """Everything ``parse_metacademy`` needs, already read; ``root`` names files in problems."""

    root: str
    concepts: Mapping[str, ConceptFiles]
    resources: str
    time_estimates: str | None = None


_CONCEPT_FIELDS = ("id", "label", "definition", "curriculum")
"""The concept fields the source states: a replace keeps the others (``graph.unstated.stated_only``)."""
_MATERIAL_FIELDS = ("id", "title", "type", "difficulty", "minutes", "text", "url", "teaches")
"""The material fields the source states."""


def _strip_comments(text: str) -> str:
    """The text without ``#`` comment lines, trimmed (comments document the format)."""
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")).strip()


def parse_records(text: str, source: str, problems: list[Problem]) -> list[Record]:
    """Split a Metacademy record file into records, noting unreadable lines in ``problems``.

    Comment lines are skipped and do not end a record; a blank line does.
    """
    records: list[Record] = []
    current: dict[str, list[str]] = {}
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("#"):
            continue
        if not line:
            if current:
                records.append(Record(start, current))
                current = {}
            continue
        key, sep, value = line.partition(":")
        if not sep or not key.strip():
            problems.append(Problem(source, f"line {number}", f"expected 'key: value', got {line[:60]!r}"))
            continue
        if not current:
            start = number
        current.setdefault(key.strip(), []).append(value.strip())
    if current:
        records.append(Record(start, current))
    return records


def parse_time_estimates(text: str, source: str, problems: list[Problem]) -> dict[str, float]:
    """``<tag> <hours>`` lines as a tag -> hours table."""
    hours: dict[str, float] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            tag, value = line.split()
            estimate = float(value)
        except ValueError:
            problems.append(Problem(source, f"line {number}", f"expected '<tag> <hours>', got {line[:60]!r}"))
            continue
        if not (math.isfinite(estimate) and estimate > 0):
            problems.append(Problem(source, f"line {number}", f"hours must be a positive number, got {value!r}"))
            continue
        hours[tag] = estimate
    return hours


def _normalise_tag(tag: str) -> str:
    """Dependency tags sometimes use ``-`` or a space where directory names use ``_``.

    Examples:
        >>> _normalise_tag(" random variables "), _normalise_tag("newton-rhapson")
        ('random_variables', 'newton_rhapson')
    """
    return "_".join(tag.split()).replace("-", "_")


def _material_type(resource_type: str) -> MaterialType:
    """Map Metacademy's free-text resource type onto the few kinds the planner tells apart."""
    kind = resource_type.strip().lower()
    if kind in _VIDEO_TYPES or "video" in kind:
        return MaterialType.VIDEO
    if kind in _EXPLANATION_TYPES:
        return MaterialType.EXPLANATION
    if kind in _EXAMPLE_TYPES:
        return MaterialType.EXAMPLE
    return MaterialType.READING


def _resolve_url(link: str, fields: Mapping[str, str]) -> str:
    """A location link is absolute, or relative to ``specific_url_base`` (else the url)."""
    if link.startswith(("http:", "https:")):
        return link
    base = fields.get("specific_url_base") or fields.get("url") or ""
    return base + link if base else ""


def _material(
    tag: str,
    number: int,
    record: Record,
    sources: Mapping[str, Record],
    minutes: int,
    where: str,
    problems: list[Problem],
) -> Material | None:
    """One concept resource record joined with its global source (record fields win)."""
    merged: dict[str, str] = {}
    key = record.first("source")
    if key is not None:
        source = sources.get(key)
        if source is None:
            problems.append(Problem(where, f"line {record.line}", f"source {key!r} is not in the global resources.txt"))
            return None
        merged.update({k: v[0] for k, v in source.fields.items() if v})
    merged.update({k: v[0] for k, v in record.fields.items() if v and k != "location"})
    missing = [k for k in ("title", "resource_type") if not merged.get(k)]
    if missing:
        problems.append(Problem(where, f"line {record.line}", f"resource without {', '.join(missing)}"))
        return None
    locations: list[str] = []
    url = ""
    for location in record.fields.get("location", []):
        match = _LOCATION_LINK.search(location)
        if match:
            if not url:
                url = _resolve_url(match.group(1).strip(), merged)
            location = location[: match.start()]
        if location.strip():
            locations.append(location.strip())
    # The title names the first place to look; the text lists them all.
    title = merged["title"]
    if locations:
        more = f" (+{len(locations) - 1} more)" if len(locations) > 1 else ""
        title = f"{title}: {locations[0]}{more}"
    text = " — ".join(part for part in (merged.get("description", ""), "; ".join(locations)) if part)
    return Material(
        id=f"{CURRICULUM_ID}_{tag}_{number}",
        title=title,
        type=_material_type(merged["resource_type"]),
        difficulty=_LEVELS.get(merged.get("level", "").strip().lower(), DEFAULT_DIFFICULTY),
        minutes=minutes,
        text=text,
        url=url or merged.get("url", ""),
        teaches=(tag,),
    )


def parse_metacademy(files: MetacademyFiles) -> CurriculumBundle:
    """Turn the texts of a Metacademy content tree into one curriculum bundle.

    Every problem in every file is collected before failing, so one run lists them all.

    Raises:
        MalformedInput: a record or line could not be read, or a required file or field is missing.
    """
    problems: list[Problem] = []
    root = files.root.rstrip("/")
    global_source = f"{root}/resources.txt"
    sources: dict[str, Record] = {}
    for record in parse_records(files.resources, global_source, problems):
        key = record.first("key")
        if not key:
            problems.append(Problem(global_source, f"line {record.line}", "source record without 'key'"))
            continue
        sources.setdefault(key, record)
    hours: dict[str, float] = {}
    if files.time_estimates is not None:
        hours = parse_time_estimates(files.time_estimates, f"{root}/time_estimates/concepts.txt", problems)

    concepts: list[Concept] = []
    edges: list[Prerequisite] = []
    materials: list[Material] = []
    for tag in sorted(files.concepts):
        if tag in EXCLUDED_DIRS:
            continue
        texts = files.concepts[tag]
        folder = f"{root}/concepts/{tag}"
        label = _strip_comments(texts.title or "")
        if not label:
            problems.append(Problem(f"{folder}/title.txt", "line 1", "missing or empty title"))
        concepts.append(
            Concept(
                id=tag,
                label=label,
                definition=_strip_comments(texts.summary or ""),
                curriculum=CURRICULUM_ID,
            )
        )
        where = f"{folder}/dependencies.txt"
        for record in parse_records(texts.dependencies or "", where, problems):
            prerequisite = record.first("tag")
            shortcut = (record.first("shortcut") or "0").strip()
            if not prerequisite:
                problems.append(Problem(where, f"line {record.line}", "dependency record without 'tag'"))
                continue
            if shortcut not in ("0", "1"):
                problems.append(Problem(where, f"line {record.line}", f"shortcut must be 0 or 1, got {shortcut!r}"))
                continue
            is_shortcut = shortcut == "1"
            edges.append(
                Prerequisite(
                    concept=tag,
                    prerequisite=_normalise_tag(prerequisite),
                    strength=SHORTCUT_STRENGTH if is_shortcut else 1.0,
                    provenance="metacademy-shortcut" if is_shortcut else "metacademy",
                )
            )
        where = f"{folder}/resources.txt"
        minutes = max(1, round(hours[tag] * 60)) if tag in hours else DEFAULT_MINUTES
        for number, record in enumerate(parse_records(texts.resources or "", where, problems), start=1):
            material = _material(tag, number, record, sources, minutes, where, problems)
            if material is not None:
                materials.append(material)
    if problems:
        raise MalformedInput(problems)
    curriculum = Curriculum(
        id=CURRICULUM_ID,
        title="Metacademy",
        description="Metacademy's machine-learning, probability and linear-algebra concept graph (CC BY-SA 3.0).",
    )
    stated = stated_only(concepts=_CONCEPT_FIELDS, materials=_MATERIAL_FIELDS)
    return CurriculumBundle((curriculum,), tuple(concepts), tuple(edges), tuple(materials), unstated=stated)


def _read_optional(path: Path, problems: list[Problem]) -> str | None:
    """The UTF-8 text of ``path``, or None when there is no such file (a problem when not UTF-8)."""
    if not path.is_file():
        return None
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(str(path), f"byte {exc.start}", f"not UTF-8: {exc.reason}"))
        return None


def read_metacademy(root: Path) -> CurriculumBundle:
    """Read a ``metacademy-content`` checkout and transform it (see ``parse_metacademy``).

    Raises:
        MalformedInput: the tree lacks ``concepts/`` or ``resources.txt``, a file is not
            UTF-8, or ``parse_metacademy`` finds problems.
    """
    concepts_dir = root / "concepts"
    problems = [Problem(str(p), "-", "missing") for p in (concepts_dir, root / "resources.txt") if not p.exists()]
    if problems:
        raise MalformedInput(problems)
    concepts = {
        folder.name: ConceptFiles(
            title=_read_optional(folder / "title.txt", problems),
            summary=_read_optional(folder / "summary.txt", problems),
            dependencies=_read_optional(folder / "dependencies.txt", problems),
            resources=_read_optional(folder / "resources.txt", problems),
        )
        for folder in sorted(concepts_dir.iterdir())
        if folder.is_dir() and folder.name not in EXCLUDED_DIRS
    }
    resources = _read_optional(root / "resources.txt", problems)
    time_estimates = _read_optional(root / "time_estimates" / "concepts.txt", problems)
    if problems or resources is None:
        raise MalformedInput(problems)
    return parse_metacademy(MetacademyFiles(str(root), concepts, resources, time_estimates))
