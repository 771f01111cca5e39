"""A version of a concept or material as read, so an edit based on an old read is refused.

Two designers editing one concept from forms they loaded earlier both won in turn: the
second save silently put back what the first had changed (an audit). A read gives the
record's version; an update naming it (``ifVersion``) is refused with ``CONFLICT`` when
the record has changed since. The version is a digest of the record's own values, so
it needs no stored counter and an edit that changes nothing keeps it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, is_dataclass
from typing import Any

from graph.errors import InvalidInput

__all__ = ["check_version", "version_of"]


def version_of(record: Any) -> str:
    """A short digest of a dataclass record's values (16 hex digits).

    Examples:
        >>> from graph.model import Concept
        >>> version_of(Concept("slope", "Slope")) == version_of(Concept("slope", "Slope"))
        True
        >>> version_of(Concept("slope", "Slope")) == version_of(Concept("slope", "Slope", "Rise over run."))
        False
    """
    if not is_dataclass(record) or isinstance(record, type):
        raise TypeError(f"a record is a dataclass instance, not {type(record).__name__}")
    text = json.dumps(asdict(record), sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def check_version(given: str) -> str:
    """``given`` if it has a version's form (16 hex digits); else refused: CONFLICT would say it was changed since.

    Examples:
        >>> check_version("3f9c2a7d1e0b4c88")
        '3f9c2a7d1e0b4c88'
        >>> check_version("garbage")
        Traceback (most recent call last):
        ...
        graph.errors.InvalidInput: ifVersion 'garbage' is no version Pathwise gave: read the record's `version`
    """
    if len(given) != 16 or any(c not in "0123456789abcdef" for c in given):
        raise InvalidInput(
            f"ifVersion {given!r} is no version Pathwise gave: read the record's `version`", field="ifVersion"
        )
    return given
