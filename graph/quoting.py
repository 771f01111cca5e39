"""How an id a request sent is quoted back in a message: whole, unless it is too long to read."""

from __future__ import annotations

__all__ = ["MAX_QUOTED", "quoted_id"]

MAX_QUOTED = 120
"""Longest id quoted whole; a longer one is quoted by its beginning and its length."""


def quoted_id(ident: str) -> str:
    """``repr(ident)``, or its first 60 characters and its length where it is longer than ``MAX_QUOTED``.

    A refusal echoed a 5,000-character id whole, twice (message and problems): 10 kB
    of x's to say one id was wrong, and a log line nobody could read.

    Examples:
        >>> quoted_id("slope")
        "'slope'"
        >>> quoted_id("x" * 5000)
        "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...' (5,000 characters)"
    """
    ident = str(ident)
    if len(ident) <= MAX_QUOTED:
        return repr(ident)
    return f"{ident[:60] + '...'!r} ({len(ident):,} characters)"
