"""Ids to IRIs and back.

A Pathwise id is a slug (``[A-Za-z0-9_.-]+``) that lives under the ``ID`` namespace,
for example ``quadratic_formula`` is ``https://w3id.org/pathwise/id/concept/quadratic_formula``.
Resources imported from elsewhere keep their own IRIs; their id is then the IRI itself.
So every IRI has an id and every id one IRI, and round trips are exact.
"""

from __future__ import annotations

import hashlib
import re
from typing import Literal

from rdflib import URIRef

from graph.errors import InvalidInput
from graph.quoting import quoted_id
from graph.vocab import ID

__all__ = [
    "Kind",
    "edge_iri",
    "hashed_iri",
    "id_of",
    "id_problem",
    "iri_of",
    "is_absolute_iri",
    "is_valid_id",
    "new_id_problem",
    "script_id_problem",
    "slug_for",
]

Kind = Literal["concept", "material", "curriculum", "student", "cohort", "attempt", "mastery"]

MAX_SLUG = 200
"""Longest slug id, in characters (an absolute IRI may be longer)."""
_SLUG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,199}\Z")  # \Z: `$` let "7b\n" through
_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]+\Z")
_SCRIPT = re.compile(r"^(?:javascript|vbscript|data):", re.IGNORECASE)
"""Schemes a page that links an id runs or inlines: such an id was stored, and a frontend showed it as a link."""


def is_valid_id(ident: str) -> bool:
    """Whether ``ident`` is a slug or an absolute IRI outside Pathwise's own namespace.

    An IRI under ``ID`` is Pathwise's name for something of a given kind: taken as an id
    it would be a second name for that thing (a concept's, or a student's), and an
    edit or delete through it would reach the thing behind the id checks.

    Examples:
        >>> is_valid_id("linear_equations"), is_valid_id("http://x.org/c/1"), is_valid_id("a b")
        (True, True, False)
        >>> is_valid_id("https://w3id.org/pathwise/id/student/stu-1")
        False
    """
    return bool(_SLUG.match(ident) or (_ABSOLUTE.match(ident) and not ident.startswith(str(ID))))


def is_absolute_iri(text: str) -> bool:
    """Whether ``text`` is an absolute IRI: a scheme, a colon and no space or character an IRI cannot hold.

    Examples:
        >>> is_absolute_iri("http://lms.example/mod/quiz/view.php?id=7"), is_absolute_iri("urn:isbn:0451450523")
        (True, True)
        >>> is_absolute_iri("quiz-7"), is_absolute_iri("/mod/quiz/view.php"), is_absolute_iri("http://a b")
        (False, False, False)
    """
    return bool(_ABSOLUTE.match(text))


_NOT_SLUG = re.compile(r"[^A-Za-z0-9_.\-]+")


def slug_for(name: str) -> str:
    """A valid slug for an outside name: the name itself when it is one already.

    Other names are made slug-safe and given a short hash of the original, so two
    names that differ only in characters a slug cannot hold stay distinct.

    Examples:
        >>> slug_for("angle_types"), slug_for("angle types") != "angle_types"
        ('angle_types', True)
        >>> slug_for("Example 1: Solving")
        'Example_1_Solving_15920cce'
    """
    if _SLUG.match(name):
        return name
    digest = hashlib.sha1(name.encode(), usedforsecurity=False).hexdigest()[:8]
    return f"{_NOT_SLUG.sub('_', name).strip('_')}_{digest}"


def iri_of(kind: Kind, ident: str) -> URIRef:
    """The IRI of the ``kind`` resource called ``ident``.

    Raises:
        InvalidInput: when ``ident`` is neither a slug nor an absolute IRI, or is an
            IRI under Pathwise's own namespace (see ``is_valid_id``).

    Examples:
        >>> str(iri_of("concept", "slope"))
        'https://w3id.org/pathwise/id/concept/slope'
        >>> str(iri_of("concept", "http://example.org/c/9"))
        'http://example.org/c/9'
    """
    if _SLUG.match(ident):
        return ID[f"{kind}/{ident}"]
    problem = id_problem(kind, ident)
    if problem is not None:
        raise InvalidInput(problem)
    return URIRef(ident)


def id_problem(kind: str, ident: str) -> str | None:
    """What is wrong with ``ident`` as a ``kind`` id (``None``: nothing; see ``is_valid_id``).

    Examples:
        >>> id_problem("concept", "slope") is None, id_problem("concept", "http://x.org/c/1") is None
        (True, True)
        >>> id_problem("concept", "https://w3id.org/pathwise/id/concept/slope").endswith("use its slug, 'slope'")
        True
    """
    ident = str(ident)  # ids read from RDF are URIRefs: say them as text
    if _SLUG.match(ident):
        return None
    if ident.startswith(str(ID)):
        slug = ident.rstrip("/").rsplit("/", 1)[-1]  # ".../id/foo" has no kind segment: id_of gave it back whole
        return f"{kind} id {quoted_id(ident)} is under Pathwise's own namespace: use its slug, {quoted_id(slug)}"
    if _ABSOLUTE.match(ident):
        return None
    if _SLUG.match(ident[:MAX_SLUG]) and not _NOT_SLUG.search(ident):
        # a slug too long was told it "is not a slug ([A-Za-z0-9_.-])", every character of it being one
        return f"{kind} id {quoted_id(ident)} is too long: a slug has at most {MAX_SLUG} characters"
    return f"{kind} id {quoted_id(ident)} is not a slug ([A-Za-z0-9_.-]) or an absolute IRI"


def script_id_problem(kind: str, ident: str) -> str | None:
    """Why ``ident`` may not name a new ``kind``: an IRI a page linking the id would run or inline (``_SCRIPT``).

    Checked for things not stored yet only: an id an earlier release stored stays
    readable, exportable and deletable (``iri_of`` reads it).

    Examples:
        >>> script_id_problem("concept", "javascript:alert(1)")[:60]
        "concept id 'javascript:alert(1)' is a javascript: IRI, which"
        >>> script_id_problem("concept", "https://x.org/c/1") is None
        True
    """
    if not _SCRIPT.match(ident):
        return None
    scheme = ident.split(":", 1)[0].lower()
    return f"{kind} id {ident[:40]!r} is a {scheme}: IRI, which a page linking it would run: use a slug or a web IRI"


def new_id_problem(kind: str, ident: str) -> str | None:
    """``id_problem`` for an id about to name a new thing, with ``script_id_problem`` first."""
    return script_id_problem(kind, ident) or id_problem(kind, ident)


def id_of(iri: str) -> str:
    """The id of an IRI: the slug under our namespace, else the IRI itself.

    Examples:
        >>> id_of("https://w3id.org/pathwise/id/material/m_1")
        'm_1'
        >>> id_of("http://example.org/c/9")
        'http://example.org/c/9'
    """
    base = str(ID)
    if iri.startswith(base):
        local = iri[len(base) :]
        _, _, slug = local.partition("/")
        if slug and _SLUG.match(slug):
            return slug
    return str(iri)  # a plain str: a URIRef never equals the str of the same IRI (nor hashes like it)


def edge_iri(concept: str, prerequisite: str) -> URIRef:
    """The IRI of the reified edge ``concept requires prerequisite`` (stable, hashed).

    Examples:
        >>> edge_iri("b", "a") == edge_iri("b", "a") != edge_iri("a", "b")
        True
    """
    return hashed_iri("prerequisite", iri_of("concept", concept), iri_of("concept", prerequisite))


def hashed_iri(kind: str, *parts: URIRef, length: int = 20) -> URIRef:
    """A stable IRI for a resource identified by other resources (an edge, an estimate).

    Examples:
        >>> str(hashed_iri("x", URIRef("urn:a"), URIRef("urn:b"))).startswith("https://w3id.org/pathwise/id/x/")
        True
    """
    key = " ".join(str(p) for p in parts).encode()
    return ID[f"{kind}/{hashlib.sha1(key, usedforsecurity=False).hexdigest()[:length]}"]
