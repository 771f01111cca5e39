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

__all__ = ["version_of"]


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
