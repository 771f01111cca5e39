"""How text is compared when a person searches: one key for the query and for what it is matched against."""

from __future__ import annotations

import unicodedata

__all__ = ["search_key", "tidy"]


def search_key(text: str) -> str:
    """``text`` without case or accents, however they were encoded, its spaces collapsed.

    A designer typing "algebra" looks for "Álgebra"; a label pasted from a Mac file name
    arrives decomposed ("A" + U+0301) and typed input composed; "Fuß" is "FUSS" in
    capitals. The same key on both sides matches all of them. Canonical decomposition
    only (NFD): "x²" stays apart from "x2", as a formula means it.

    Examples:
        >>> search_key("  Álgebra  LINEAL ") == search_key("A\\u0301lgebra lineal") == "algebra lineal"
        True
        >>> search_key("Fußball") == search_key("FUSSBALL")
        True
        >>> search_key("ΣΟΦΊΑ") == search_key("σοφία")
        True
    """
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def tidy(text: str) -> str:
    """``text`` as a label is stored: composed (NFC) and without surrounding spaces.

    A label typed on one system and pasted from another looked the same and made two
    concepts ("Álgebra" composed and decomposed); a CSV import trimmed labels and the API
    kept the spaces, so an export read back differed.

    Examples:
        >>> tidy("  A\u0301lgebra ") == "Álgebra"
        True
    """
    return unicodedata.normalize("NFC", text).strip()
