"""How text is compared when a person searches: one key for the query and for what it is matched against."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["plain_letters", "search_key", "tidy"]

_STYLED = re.compile("[\U0001d400-\U0001d7ff\uff01-\uff5e]")
"""Mathematical alphanumerics and full-width forms: letters, digits and signs in another dress."""


def plain_letters(text: str) -> str:
    """``text`` with styled letters, digits and signs as plain ones (NFKC of those alone: ``x²`` keeps its ²).

    "𝑥² − 5𝑥 + 6 = 0", pasted from a maths editor, and "ｓｌｏｐｅ", typed full width,
    were read as holding no Latin letter.

    Examples:
        >>> plain_letters("𝑥² − 5𝑥 + 6 = 0"), plain_letters("ｓｌｏｐｅ？")
        ('x² − 5x + 6 = 0', 'slope?')
    """
    return _STYLED.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


def search_key(text: str) -> str:
    """``text`` without case or accents, however they were encoded, its spaces collapsed.

    A designer typing "algebra" looks for "Álgebra"; a label pasted from a Mac file name
    arrives decomposed ("A" + U+0301) and typed input composed; "Fuß" is "FUSS" in
    capitals. The same key on both sides matches all of them. Canonical decomposition
    only (NFD): "x²" stays apart from "x2", as a formula means it; full-width letters and
    mathematical alphanumerics alone are read plain (NFKC), or "ｓｌｏｐｅ" found nothing.

    Examples:
        >>> search_key("  Álgebra  LINEAL ") == search_key("A\\u0301lgebra lineal") == "algebra lineal"
        True
        >>> search_key("Fußball") == search_key("FUSSBALL")
        True
        >>> search_key("ΣΟΦΊΑ") == search_key("σοφία")
        True
        >>> search_key("ｓｌｏｐｅ"), search_key("x²")  # full width typed by an East Asian keyboard: plain
        ('slope', 'x²')
    """
    decomposed = unicodedata.normalize("NFD", plain_letters(text))
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
