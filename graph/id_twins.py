"""New ids that equal another of their kind once Unicode-normalised, or but for letter case.

``http://x.org/c/café`` typed with é as one code point and pasted with e + U+0301 are two
strings, so they were two concepts that look alike everywhere they are shown; so were
``Slope`` and ``slope``. An id about to name a new concept or material is compared with
the stored ids of its kind and with the batch's own:

- equal after NFKC (the same text in another Unicode form, or in full-width or other
  compatibility letters: ``ｃafé`` is ``café``): refused, naming the other ("did you
  mean"); slugs are ASCII, so only an IRI id can differ this way;
- equal after NFKC and case folding only: a warning, not a refusal. The real data sets
  hold such pairs as two things: Junyi's ``number_sense_weight_l1`` and its retired
  ``number_sense_weight_L1`` (another row, "(old)"); the other sets checked (Khan
  Academy, Metacademy, the TEKS and OpenSALT CASE packages, the demo) have none.

Only new ids are checked: one stored by an earlier release stays readable, replaceable
and deletable (as ``graph.ids.new_id_problem`` leaves stored script ids).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from graph.errors import LookAlikeId

__all__ = ["Twin", "case_twins", "id_key", "refuse_look_alike", "twins"]


def id_key(ident: str) -> str:
    """``ident`` in NFKC and case-folded: two ids with one key look alike.

    Examples:
        >>> id_key("http://x.org/cafe\\u0301") == id_key("http://x.org/CAF\\u00c9")
        True
    """
    if ident.isascii():  # a slug, most ids: NFKC leaves it as it is, and case folding is lower case
        return ident.lower()
    return unicodedata.normalize("NFKC", ident).casefold()


@dataclass(frozen=True, slots=True)
class Twin:
    """A new ``ident`` that looks like ``other`` (stored, or earlier in the batch) of the same ``kind``."""

    kind: str
    ident: str
    other: str
    stored: bool  # ``other`` is stored (else it came earlier in the same batch)

    @property
    def same_text(self) -> bool:
        """Whether the two are one text in two Unicode forms (refused), not only in two cases (a warning)."""
        return unicodedata.normalize("NFKC", self.ident) == unicodedata.normalize("NFKC", self.other)

    def message(self, where: str = "") -> str:
        """What is wrong, said after the id; ``where`` places ``other`` in the batch (``concepts.csv:line 3``).

        Examples:
            >>> said = Twin("concept", "urn:x:cafe\\u0301", "urn:x:caf\\u00e9", True).message()
            >>> said.endswith("('urn:x:caf\\\\xe9') in another Unicode form: did you mean 'urn:x:caf\\xe9'?")
            True
            >>> print(Twin("concept", "Slope", "slope", False).message("concepts.csv:line 2")[:74])
            concept id 'Slope' differs from concept 'slope' (concepts.csv:line 2) only
        """
        other = f"{'stored ' if self.stored else ''}{self.kind} {self.other!r}"
        if self.same_text:
            place = ", ".join(p for p in (ascii(self.other), where) if p)
            return (
                f"{self.kind} id {self.ident!r} ({ascii(self.ident)}) is {other} ({place}) in another Unicode form: "
                f"did you mean {self.other!r}?"
            )
        place = f" ({where})" if where else ""
        return (
            f"{self.kind} id {self.ident!r} differs from {other}{place} only in letter case: they are two "
            f"{self.kind}s (did you mean {self.other!r}?)"
        )


def twins(kind: str, new: Sequence[str], stored: Iterable[str]) -> list[Twin]:
    """Each of ``new`` (in order) that is not stored as it is and looks like a stored id or an earlier new one.

    A stored id is named before one of the batch; ``new`` ids equal to each other are
    the batch's duplicates, left to its own check.

    Examples:
        >>> [(t.ident, t.other, t.stored, t.same_text) for t in twins("concept", ["Slope", "b", "B"], ["slope", "b"])]
        [('Slope', 'slope', True, False), ('B', 'b', True, False)]
        >>> twins("concept", ["slope"], ["slope"])
        []
    """
    if not new:
        return []
    keys = {id_key(i) for i in new}
    seen: dict[str, list[tuple[str, bool]]] = {}
    for ident in stored:  # one pass, no copy: the graph's every concept id
        key = id_key(ident)
        if key in keys:
            seen.setdefault(key, []).append((ident, True))
    for found in seen.values():
        found.sort()
    out = []
    for ident in dict.fromkeys(new):
        key, text = id_key(ident), unicodedata.normalize("NFKC", ident)
        found = seen.setdefault(key, [])
        if (ident, True) in found:
            continue  # stored as it is: not new
        others = [entry for entry in found if entry[0] != ident]
        # the same text in another form first: it refuses, where a case twin only warns
        alike = next((e for e in others if unicodedata.normalize("NFKC", e[0]) == text), others[0] if others else None)
        if alike is not None:
            out.append(Twin(kind, ident, alike[0], alike[1]))
        found.append((ident, False))
    return out


def refuse_look_alike(kind: str, ident: str, stored: Iterable[str]) -> None:
    """Refuse a new ``ident`` that is a stored id of its kind in another Unicode form (``LookAlikeId``, on ``id``).

    Examples:
        >>> refuse_look_alike("concept", "Slope", ["slope"])  # another case: two concepts
        >>> try:
        ...     refuse_look_alike("concept", "urn:x:cafe\\u0301", ["urn:x:caf\\u00e9"])
        ... except LookAlikeId as refused:
        ...     print(refused.code.value, refused.field, ascii(refused.ident))
        DUPLICATE id 'urn:x:caf\\xe9'
    """
    for twin in twins(kind, [ident], stored):
        if twin.same_text:
            raise LookAlikeId(kind, twin.other, twin.message())


def case_twins(kind: str, ident: str, stored: Iterable[str]) -> list[str]:
    """A warning for each stored id of ``kind`` that a new ``ident`` differs from only in letter case.

    Examples:
        >>> [said[:63] for said in case_twins("material", "M_quiz", ["m_quiz", "other"])]
        ["material id 'M_quiz' differs from stored material 'm_quiz' only"]
    """
    return [twin.message() for twin in twins(kind, [ident], stored) if not twin.same_text]
