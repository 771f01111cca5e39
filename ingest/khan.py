"""The Khan Academy knowledge map of 2013 (KA Lite's ``topicdata/*.json``) as a curriculum bundle.

Each topic file is a JSON array of exercises; an exercise sits in every topic that lists it,
so the same entry turns up in several files. Exercises become concepts, their
``prerequisites`` prerequisite edges (kept even when they name exercises missing from the
dump, so ``check_bundle`` can report them), and their related videos materials. Reading the
files (``read_khan``) is kept apart from the transform (``parse_khan``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

from graph.bundle import CurriculumBundle
from graph.ids import slug_for
from graph.model import Concept, Curriculum, Material, MaterialType, Prerequisite
from graph.unstated import stated_only
from ingest.errors import MalformedInput, Problem, not_utf8

__all__ = ["CURRICULUM_ID", "YOUTUBE_WATCH", "parse_khan", "read_khan", "video_material_id"]

CURRICULUM_ID = "khan_academy_2013"
VIDEO_MINUTES = 10
VIDEO_DIFFICULTY = 3
YOUTUBE_WATCH = "https://www.youtube.com/watch?v="


@dataclass(frozen=True)
class _Exercise:
    """The fields of an exercise entry that the import reads; entries of one exercise must agree."""

    name: str
    display_name: str
    title: str
    description: str
    prerequisites: tuple[str, ...]
    videos: tuple[str, ...]


_CONCEPT_FIELDS = ("id", "label", "definition", "alt_labels", "curriculum")
"""The concept fields the source states: a replace keeps the others (``graph.unstated.stated_only``)."""
_MATERIAL_FIELDS = ("id", "title", "type", "difficulty", "minutes", "text", "url", "teaches")
"""The material fields the source states."""


def video_material_id(slug: str) -> str:
    """The material id of a related video.

    A few 2013 slugs are titles with spaces and colons; those are made slug-safe and given
    a hash of the original, which keeps distinct slugs distinct.

    Examples:
        >>> video_material_id("negative-numbers-introduction")
        'khan_video_negative-numbers-introduction'
        >>> video_material_id("Example 1: Solving")
        'khan_video_Example_1_Solving_15920cce'
    """
    return f"khan_video_{slug_for(slug)}"


def _video_title(slug: str) -> str:
    """Slugs are the only name a video has here: ``adding-fractions`` reads 'Adding fractions'."""
    text = slug.replace("-", " ").strip() if " " not in slug else slug
    return text[:1].upper() + text[1:]


def _string_list(value: object) -> tuple[str, ...] | None:
    """``value`` as a tuple of strings, or None when it is not a list of strings."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return None
    return tuple(value)


def _exercise(entry: object, source: str, index: int, problems: list[Problem]) -> _Exercise | None:
    """Read one array entry as an exercise, or note in ``problems`` why it cannot be read."""
    where = f"record {index}"
    if not isinstance(entry, dict):
        problems.append(Problem(source, where, f"expected an exercise object, got {type(entry).__name__}"))
        return None
    found = []
    name, display, description = entry.get("name"), entry.get("display_name"), entry.get("description")
    for key, value in (("name", name), ("display_name", display)):
        if not isinstance(value, str):
            found.append(Problem(source, where, f"missing or non-string field {key!r}"))
    # Two 2013 exercises have ``"description": null``; an absent or non-text one is an error.
    if "description" not in entry or not isinstance(description, str | None):
        found.append(Problem(source, where, "missing field 'description' or neither a string nor null"))
    prerequisites, videos = _string_list(entry.get("prerequisites")), _string_list(entry.get("related_video_slugs"))
    for key, value in (("prerequisites", prerequisites), ("related_video_slugs", videos)):
        if value is None:
            found.append(Problem(source, where, f"missing field {key!r} or not a list of strings"))
    if isinstance(name, str) and not name.strip():
        found.append(Problem(source, where, "empty exercise name"))
    problems += found
    if found or not (isinstance(name, str) and isinstance(display, str)):
        return None
    title = entry.get("title")
    return _Exercise(
        name=name,
        display_name=display.strip(),
        title=title.strip() if isinstance(title, str) else "",
        description=(description or "").strip(),
        prerequisites=prerequisites or (),
        videos=videos or (),
    )


def parse_khan(topics: Mapping[str, object], youtube_to_slug: Mapping[str, str] | None = None) -> CurriculumBundle:
    """Turn decoded topic files into one curriculum bundle.

    Args:
        topics: file name -> decoded JSON of that topic file; files are read in name order
            and an exercise's first entry is kept.
        youtube_to_slug: KA Lite's ``youtube_to_slug_map.json`` (YouTube id -> video slug);
            videos missing from it get an empty url.

    Raises:
        MalformedInput: a file is not an array of exercises, an exercise lacks a field, or
            two entries of one exercise disagree on a field the import reads.
    """
    problems: list[Problem] = []
    exercises: dict[str, tuple[_Exercise, str]] = {}
    for source in sorted(topics):
        data = topics[source]
        if not isinstance(data, list):
            problems.append(Problem(source, "top level", f"expected a JSON array, got {type(data).__name__}"))
            continue
        for index, entry in enumerate(data):
            exercise = _exercise(entry, source, index, problems)
            if exercise is None:
                continue
            kept, first_source = exercises.setdefault(exercise.name, (exercise, source))
            if kept != exercise:
                differing = [f.name for f in fields(_Exercise) if getattr(kept, f.name) != getattr(exercise, f.name)]
                reason = (
                    f"exercise {exercise.name!r} disagrees with its entry in {first_source} on {', '.join(differing)}"
                )
                problems.append(Problem(source, f"record {index}", reason))
    if problems:
        raise MalformedInput(problems)

    youtube_of: dict[str, str] = {}
    for youtube_id, slug in sorted((youtube_to_slug or {}).items()):
        youtube_of.setdefault(slug, youtube_id)

    concepts: list[Concept] = []
    edges: list[Prerequisite] = []
    videos: dict[str, list[str]] = {}
    for exercise, _ in exercises.values():
        name = exercise.name
        label = exercise.display_name or exercise.title or name
        alt = (exercise.title,) if exercise.title not in ("", label) else ()
        concepts.append(
            Concept(id=name, label=label, definition=exercise.description, alt_labels=alt, curriculum=CURRICULUM_ID)
        )
        for prerequisite in dict.fromkeys(exercise.prerequisites):
            edges.append(Prerequisite(concept=name, prerequisite=prerequisite, provenance=CURRICULUM_ID))
        for slug in exercise.videos:
            taught = videos.setdefault(slug, [])
            if name not in taught:
                taught.append(name)

    materials = tuple(
        Material(
            id=video_material_id(slug),
            title=_video_title(slug),
            type=MaterialType.VIDEO,
            difficulty=VIDEO_DIFFICULTY,
            minutes=VIDEO_MINUTES,
            text=f"Khan Academy video '{slug}' (2013 knowledge map).",
            url=f"{YOUTUBE_WATCH}{youtube_of[slug]}" if slug in youtube_of else "",
            teaches=tuple(taught),
        )
        for slug, taught in videos.items()
    )
    curriculum = Curriculum(
        id=CURRICULUM_ID,
        title="Khan Academy knowledge map (2013)",
        description="Khan Academy exercises and their prerequisites as of December 2013 (KA Lite topic data).",
    )
    stated = stated_only(concepts=_CONCEPT_FIELDS, materials=_MATERIAL_FIELDS)
    return CurriculumBundle((curriculum,), tuple(concepts), tuple(edges), materials, unstated=stated)


def _load_json(path: Path, problems: list[Problem]) -> object:
    """Decoded JSON of ``path``, or None with a problem naming line and column."""
    raw = path.read_bytes()
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except json.JSONDecodeError as exc:
        problems.append(Problem(str(path), f"line {exc.lineno}, column {exc.colno}", exc.msg))
    except UnicodeDecodeError as exc:
        problems.append(not_utf8(str(path), raw, exc))
    return None


def read_khan(root: Path) -> CurriculumBundle:
    """Read ``topicdata/*.json`` (and ``youtube_to_slug_map.json`` when present) under ``root``.

    Raises:
        MalformedInput: no topic files, a file is not valid JSON, or ``parse_khan`` finds problems.
    """
    problems: list[Problem] = []
    if root.name == "topicdata" and not (root / "topicdata").is_dir():  # the topic folder itself was named
        root = root.parent
    files = sorted((root / "topicdata").glob("*.json"))
    if not files:
        raise MalformedInput(
            [Problem(str(root), "-", "no topic files: name the map's folder, the one holding topicdata/*.json")]
        )
    topics = {str(path): _load_json(path, problems) for path in files}
    youtube: dict[str, str] | None = None
    map_path = root / "youtube_to_slug_map.json"
    if map_path.is_file():
        decoded = _load_json(map_path, problems)
        if isinstance(decoded, dict) and all(isinstance(v, str) for v in decoded.values()):
            youtube = {str(k): v for k, v in decoded.items()}
        elif decoded is not None:
            problems.append(Problem(str(map_path), "top level", "expected an object of YouTube id -> slug strings"))
    if problems:
        raise MalformedInput(problems)
    return parse_khan(topics, youtube)
