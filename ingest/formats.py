"""Which reader handles which format: a registry, not an if/elif chain.

``READERS`` maps a format name to a function reading a path; ``TEXT_READERS`` the
formats that also come as one uploaded text (the GraphQL ``importCurriculum``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from importlib import import_module
from pathlib import Path

from graph.bundle import CurriculumBundle
from graph.rdf_bundle import bundle_from_rdf
from ingest.csv_layout import FILES as CSV_FILES
from ingest.errors import MalformedInput, Problem
from ingest.rdf import parse_rdf

__all__ = ["EXPORT_FORMATS", "READERS", "TEXT_READERS", "detect_format", "read_path", "read_text"]

PathReader = Callable[[Path], CurriculumBundle]
TextReader = Callable[[str, str], CurriculumBundle]


def _rdf_path(fmt: str) -> PathReader:
    def read(path: Path) -> CurriculumBundle:
        return bundle_from_rdf(parse_rdf(path.read_bytes(), fmt, str(path)))

    return read


def _rdf_text(fmt: str) -> TextReader:
    def read(text: str, source: str) -> CurriculumBundle:
        return bundle_from_rdf(parse_rdf(text, fmt, source))

    return read


def _lazy(module: str, function: str) -> PathReader:
    """A reader imported on first use (the real-curriculum adapters are optional work)."""

    def read(path: Path) -> CurriculumBundle:
        reader: PathReader = getattr(import_module(module), function)
        return reader(path)

    return read


def _csv_folder(path: Path) -> CurriculumBundle:
    """The layout's folder, or one of its files (its folder is read): any other file is refused.

    ``my_topics.csv`` used to be taken as "a file of the folder", so the folder's
    ``concepts.csv`` was imported in its place. A file of the layout reads its folder,
    with a warning naming the other files read.
    """
    from ingest.csv_layout import read_curriculum_csv

    if not path.is_dir() and path.name not in CSV_FILES.values():
        names = ", ".join(CSV_FILES.values())
        raise MalformedInput(
            [Problem(str(path), "-", f"the CSV layout is a folder of {names}: name the folder, or rename the file")]
        )
    if path.is_dir():
        return read_curriculum_csv(path)
    bundle = read_curriculum_csv(path.parent)
    others = [name for name in CSV_FILES.values() if name != path.name and (path.parent / name).exists()]
    if not others:
        return bundle
    # a designer who named concepts.csv alone was told nothing of the materials imported beside it
    read_too = f"{', '.join(others)} {'was' if len(others) == 1 else 'were'} read too"
    said = f"{path.name} is one file of the CSV layout, so its folder {path.parent} was read whole: {read_too}"
    return replace(bundle, warnings=(*bundle.warnings, said))


def _case_text(text: str, source: str) -> CurriculumBundle:
    from ingest.case import parse_case_package

    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise MalformedInput([Problem(source, f"line {error.lineno}, column {error.colno}", error.msg)]) from None
    if not isinstance(data, dict):
        raise MalformedInput([Problem(source, "-", "a CASE package is a JSON object")])
    return parse_case_package(data, source)


READERS: dict[str, PathReader] = {
    "turtle": _rdf_path("turtle"),
    "ntriples": _rdf_path("ntriples"),
    "jsonld": _rdf_path("jsonld"),
    "csv": _csv_folder,
    "case": _lazy("ingest.case", "read_case"),
    "metacademy": _lazy("ingest.metacademy", "read_metacademy"),
    "khan": _lazy("ingest.khan", "read_khan"),
    "junyi": _lazy("ingest.junyi", "read_junyi"),
}

TEXT_READERS: dict[str, TextReader] = {
    "turtle": _rdf_text("turtle"),
    "ntriples": _rdf_text("ntriples"),
    "jsonld": _rdf_text("jsonld"),
    "case": _case_text,
}

EXPORT_FORMATS = ("turtle", "ntriples", "jsonld", "csv", "case")

_SUFFIXES = {".ttl": "turtle", ".nt": "ntriples", ".jsonld": "jsonld", ".csv": "csv"}


def detect_format(path: Path) -> str:
    """Guess a format from a path: a suffix, a CSV-layout folder, or a known data folder.

    Raises:
        MalformedInput: when nothing matches; name ``--format`` then.
    """
    if path.is_dir():
        if (path / "concepts").is_dir() and (path / "resources.txt").exists():
            return "metacademy"
        if (path / "topicdata").is_dir():
            return "khan"
        if any((path / name).exists() for name in CSV_FILES.values()):  # materials.csv alone adds materials
            return "csv"
        if _junyi_table(path) is not None:
            return "junyi"
    elif path.name.startswith("junyi") and path.suffix.lower() == ".csv":
        return "junyi"
    elif path.suffix.lower() in _SUFFIXES:  # any case: `export` wrote out.TTL as Turtle, and this refused it
        return _SUFFIXES[path.suffix.lower()]
    elif path.suffix.lower() == ".json":
        return "jsonld" if _is_json_ld(path) else "case"
    raise MalformedInput([Problem(str(path), "-", f"cannot tell the format; pass one of {', '.join(READERS)}")])


def _is_json_ld(path: Path) -> bool:
    """Whether a ``.json`` file is JSON-LD (a ``@context`` or ``@graph`` at its top), not a CASE package."""
    head = path.read_bytes()[:65536].decode("utf-8", errors="replace")
    return '"@context"' in head or '"@graph"' in head or head.lstrip().startswith("[")


def read_path(path: Path, fmt: str | None = None) -> CurriculumBundle:
    """Read a file or folder in ``fmt`` (guessed when ``None``)."""
    if not path.exists():
        raise MalformedInput([Problem(str(path), "-", "no such file or folder")])
    name = fmt or detect_format(path)
    if name not in READERS:
        raise MalformedInput([Problem(str(path), "-", f"unknown format {name!r}; use one of {', '.join(READERS)}")])
    if name == "junyi" and path.is_dir():  # the data set's folder, as shipped: its exercise table inside
        table = _junyi_table(path)
        if table is None:
            raise MalformedInput([Problem(str(path), "-", "no junyi_Exercise_table.csv in this folder")])
        path = table
    elif path.is_dir() and name not in FOLDER_FORMATS:
        raise MalformedInput([Problem(str(path), "-", f"a folder, where {name} reads a file: name the file")])
    return READERS[name](path)


FOLDER_FORMATS = ("csv", "metacademy", "khan", "junyi")
"""The formats that read a folder (Junyi: the folder holding its exercise table)."""


def _junyi_table(folder: Path) -> Path | None:
    """The Junyi exercise table in ``folder``, if it holds one."""
    found = sorted(folder.glob("junyi_Exercise_table*.csv"))
    return found[0] if found else None


def read_text(text: str, fmt: str, source: str = "<upload>") -> CurriculumBundle:
    """Read one uploaded document (RDF or a CASE package); a leading byte-order mark is dropped.

    The CLI reads files as ``utf-8-sig``; an upload of the same file kept the mark and a
    CASE package was refused with "Unexpected UTF-8 BOM".
    """
    if fmt not in TEXT_READERS:
        raise MalformedInput(
            [Problem(source, "-", f"format {fmt!r} cannot be uploaded as text; use {', '.join(TEXT_READERS)}")]
        )
    return TEXT_READERS[fmt](text.removeprefix("\ufeff"), source)
