"""Checks of one item's own values: a concept's, a translation's, a material's, an edge's strength.

Separate from ``graph.validation`` (a whole batch against the graph) because every
write of one item runs them as they are (``updateConcept``, ``setConceptTranslation``,
a cohort's name, a roster's row, a CSV line), each problem with the input field it is
about, and they need nothing but the item: no projection, no store.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from urllib.parse import urlsplit

from graph.accessibility import (
    ACCESS_MODES,
    ACCESSIBILITY_FEATURES,
    ACCESSIBILITY_HAZARDS,
    language_problem,
    sufficient_problems,
    term_problems,
)
from graph.activities import activity_problems
from graph.errors import InvalidInput
from graph.ids import id_problem
from graph.model import Concept, Curriculum, Material, Prerequisite, Translation

__all__ = [
    "ALT_LABELS_LIMIT",
    "ALT_LABELS_TOTAL",
    "DEFINITION_LIMIT",
    "LABEL_LIMIT",
    "MAX_MINUTES",
    "TEXT_LIMIT",
    "URL_LIMIT",
    "accessibility_problems",
    "check_concept",
    "check_material",
    "check_strength",
    "concept_problems",
    "curriculum_problems",
    "material_problems",
    "one_field",
    "provenance_problem",
    "text_problem",
    "alt_labels_total_problem",
    "translation_problems",
    "url_problem",
]


def check_concept(concept: Concept) -> list[str]:
    """Problems with one concept's own values (not its links)."""
    return [message for _, message in concept_problems(concept)]


LABEL_LIMIT = 500
"""The most characters a label or title may have (a 100,000-character label was accepted)."""

DEFINITION_LIMIT = 10_000
"""The most characters of a definition (in any language), a curriculum's description and a
material's accessibility summary: a 900 KB definition was accepted through GraphQL, a 5 MB
one through a CSV import. The longest in the real data sets is 2,084 (a TEKS mathematics
standard's full statement; Metacademy's longest summary 832, the demo's 418)."""

ALT_LABELS_LIMIT = 500
"""The most alternative labels in one language's list (an import's row, a translation; 20,000
were accepted). The real data sets give a concept at most 2 (TEKS), the demo 5."""
ALT_LABELS_TOTAL = 5_000
"""The most alternative labels of a concept in all its languages together: ``updateConcept``'s
list holds every language's, and a concept whose languages held more than that list's limit
refused every edit, its definition's too (500 own labels and 150 German ones, an audit). A
translation or an import that would take a concept past it is refused, so none gets there."""

TEXT_LIMIT = 500_000
"""The most characters of a material's text: the longest real one, an OpenStax
Introductory Statistics section read as a material (``bench.qa``), has 117,700."""

URL_LIMIT = 8_000
"""The most characters of a material's URL (RFC 9110 asks a server to take 8,000 octets in a
request line); the longest real one, a Metacademy resource's, has 225."""

_UNSEEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff\ud800-\udfff]")
"""Control characters, bidirectional overrides and non-characters: nothing a label shows, and
an override makes "Ратио" read backwards (Trojan Source). Tabs and line breaks are text."""


def text_problem(
    text: str, what: str, *, limit: int | None = None, one_line: bool = False, may_be_empty: bool = False
) -> str | None:
    """Why ``text`` cannot be ``what`` (a label, a title), said after its owner ("concept 'x' ..."); ``None``: it can.

    Examples:
        >>> text_problem("Álgebra", "label"), text_problem("\u200b", "label")
        (None, 'has an empty label')
        >>> text_problem("Ratio\u202e", "label")
        'has U+202E in its label, an invisible control or direction override: remove it'
    """
    if not may_be_empty and not "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Cf"):
        return f"has an empty {what}"
    unseen = _UNSEEN.search(text) or (re.search("[\r\n]", text) if one_line else None)
    if unseen is not None:
        code = f"U+{ord(unseen.group()):04X}"
        return f"has {code} in its {what}, an invisible control or direction override: remove it"
    if limit is not None and len(text) > limit:
        article = "an" if what[:1] in "aeiou" else "a"  # "has a alternative label" read as a typo
        return f"has {article} {what} of {len(text)} characters, more than {limit}"
    return None


def provenance_problem(edge: Prerequisite) -> str | None:
    """Why an edge's provenance cannot be stored (one line of text, as a label), said whole; ``None``: it can.

    It is shown beside the edge and written to CSV and CASE; a bell character and a line
    break were stored as given.

    Examples:
        >>> provenance_problem(Prerequisite("eq", "sub", 1.0, "district plan")) is None
        True
        >>> provenance_problem(Prerequisite("eq", "sub", 1.0, "a\\u0007b"))
        'prerequisite eq -> sub has U+0007 in its provenance, an invisible control or direction override: remove it'
    """
    found = text_problem(edge.provenance, "provenance", limit=LABEL_LIMIT, one_line=True, may_be_empty=True)
    return None if found is None else f"prerequisite {edge.concept} -> {edge.prerequisite} {found}"


def concept_problems(concept: Concept, *, every_language: bool = False) -> list[tuple[str, str]]:
    """``check_concept``'s problems, each with the input field it is about (a form shows it there).

    ``every_language``: the concept's alternative labels are every language's, as
    ``updateConcept`` holds them, so ``ALT_LABELS_TOTAL`` bounds them, not one list's limit.
    """
    problems = []
    problem = id_problem("concept", concept.id)
    if problem is not None:
        problems.append(("id", problem))
    limit = ALT_LABELS_TOTAL if every_language else ALT_LABELS_LIMIT
    problems += _texts_problems(
        f"concept {concept.id!r}", concept.label, concept.definition, concept.alt_labels, alt_limit=limit
    )
    if concept.id in concept.broader:
        problems.append(("broader", f"concept {concept.id!r} cannot be broader than itself"))
    return problems


def alt_labels_total_problem(concept: str, lists: Sequence[Sequence[str]]) -> str | None:
    """Why a concept's alternative labels in all languages (``lists``, one a language) are too many; None if not.

    Examples:
        >>> alt_labels_total_problem("c", [["a"] * 3, ["b%d" % i for i in range(4_999)]]) is None
        True
        >>> alt_labels_total_problem("c", [["a%d" % i for i in range(3_000)], ["b%d" % i for i in range(2_001)]])
        "concept 'c' would have 5,001 alternative labels in all its languages, more than 5,000"
    """
    count = sum(len(dict.fromkeys(labels)) for labels in lists)
    if count <= ALT_LABELS_TOTAL:
        return None
    total = f"{count:,} alternative labels in all its languages, more than {ALT_LABELS_TOTAL:,}"
    return f"concept {concept!r} would have {total}"


def translation_problems(concept: str, translation: Translation, *, label: bool = False) -> list[tuple[str, str]]:
    """Problems with one translation's values, each with its input field: the checks a concept's own texts get.

    ``label``: the translation must have a label (a designer's form sets one; an import
    may bring a definition alone in a language).

    Examples:
        >>> translation_problems("slope", Translation("es_MX", "Pendiente"))
        [('language', "concept 'slope': language 'es_MX' is not a BCP 47 language tag: did you mean 'es-MX'?")]
        >>> translation_problems("slope", Translation("es", ""), label=True)
        [('label', "concept 'slope' in 'es' has an empty label")]
    """
    problems = []
    bad = language_problem(translation.language)
    if bad is not None:
        problems.append(("language", f"concept {concept!r}: {bad}"))
    owner = f"concept {concept!r} in {translation.language!r}"
    problems += _texts_problems(
        owner, translation.label, translation.definition, translation.alt_labels, label_may_be_empty=not label
    )
    return problems


def _texts_problems(
    owner: str,
    label: str,
    definition: str,
    alt_labels: Sequence[str],
    *,
    label_may_be_empty: bool = False,
    alt_limit: int = ALT_LABELS_LIMIT,
) -> list[tuple[str, str]]:
    """A label's, a definition's and alternative labels' problems, in any language, said after their ``owner``."""
    problems = []
    found = text_problem(label, "label", limit=LABEL_LIMIT, one_line=True, may_be_empty=label_may_be_empty)
    if found is not None:
        problems.append(("label", f"{owner} {found}"))
    found = text_problem(definition, "definition", limit=DEFINITION_LIMIT, may_be_empty=True)
    if found is not None:
        problems.append(("definition", f"{owner} {found}"))
    if (count := len(dict.fromkeys(alt_labels))) > alt_limit:  # a label given twice is stored once
        problems.append(("altLabels", f"{owner} has {count} alternative labels, more than {alt_limit}"))
        alt_labels = ()  # one problem, not one per label
    at: dict[str, list[int]] = {}  # each problem once, with the entries that have it (it came once an entry)
    for position, alt in enumerate(alt_labels, start=1):
        found = text_problem(alt, "alternative label", limit=LABEL_LIMIT, one_line=True)
        if found is not None:
            at.setdefault(found, []).append(position)
    for found, positions in at.items():
        which = f" (entr{'ies' if len(positions) > 1 else 'y'} {plural_list(positions)} of {len(alt_labels)})"
        problems.append(("altLabels", f"{owner} {found}{which}"))
    return problems


def plural_list(numbers: Sequence[int]) -> str:
    """Numbers as a sentence lists them.

    Examples:
        >>> plural_list([3]), plural_list([3, 4]), plural_list([1, 2, 5])
        ('3', '3 and 4', '1, 2 and 5')
    """
    shown = [str(n) for n in numbers]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def one_field(problems: Sequence[tuple[str, str]]) -> str | None:
    """The field every problem is about, when there is one (else ``None``).

    Examples:
        >>> one_field([("url", "a"), ("url", "b")]), one_field([("url", "a"), ("title", "b")])
        ('url', None)
    """
    fields = {field for field, _ in problems}
    return fields.pop() if len(fields) == 1 else None


_SAFE_SCHEMES = frozenset({"", "http", "https"})
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]")
_URL_UNSAFE = re.compile(r'[\x00-\x20\x7f<>"`]')  # end an HTML attribute or a URL in text ('|' is common)


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a material's link (``None``: it can).

    Frontends render it as a link, so a ``javascript:`` or ``data:`` URL would run in the
    student's browser. Browsers drop tabs, newlines and spaces inside a scheme, so they
    are dropped here too before the scheme is read. Relative links are kept, but not one that starts ``//``: it is
    relative to the scheme only, and goes to whatever host follows. Spaces,
    double quotes, backticks and angle brackets (outside RFC 3986, and what ends an HTML
    attribute) are refused rather than stored for every page to escape; other characters
    RFC 3986 leaves out (``|`` in real Metacademy links) are kept, as browsers take them.

    Examples:
        >>> url_problem("https://example.org/a"), url_problem("notes/a.html")
        (None, None)
        >>> url_problem(" Java\tScript:alert(1)")
        "url scheme 'javascript' is not http or https"
        >>> url_problem("//evil.example/x")
        "url starts with '//', which links to another host under the page's scheme: write it with https:"
    """
    if len(url) > URL_LIMIT:
        return f"url of {len(url)} characters is longer than {URL_LIMIT}"
    cleaned = _URL_NOISE.sub("", url)
    scheme = urlsplit(cleaned).scheme.lower()
    if scheme not in _SAFE_SCHEMES:
        return f"url scheme {scheme!r} is not http or https"
    if cleaned[:2] in ("//", "\\\\", "/\\", "\\/"):  # browsers read a backslash as a slash
        return "url starts with '//', which links to another host under the page's scheme: write it with https:"
    unsafe = sorted(set(_URL_UNSAFE.findall(url)))
    if unsafe:
        shown = ", ".join(repr(ch) for ch in unsafe)
        return f"url holds {shown}, which a URL cannot hold as it is (percent-encode them)"
    return None


MAX_MINUTES = 6000
"""The longest a material may take (100 hours): a path's minutes add up in GraphQL's 32-bit Int,
and a value near its limit made every path through the material fail to serialise."""


def check_material(material: Material) -> list[str]:
    """Problems with one material's own values (not its links)."""
    return [message for _, message in material_problems(material)]


def material_problems(material: Material) -> list[tuple[str, str]]:
    """``check_material``'s problems, each with the input field it is about."""
    problems = []
    problem = id_problem("material", material.id)
    if problem is not None:
        problems.append(("id", problem))
    title = text_problem(material.title, "title", limit=LABEL_LIMIT, one_line=True)
    if title is not None:
        problems.append(("title", f"material {material.id!r} {title}"))
    if len(material.text) > TEXT_LIMIT:
        problems.append(
            ("text", f"material {material.id!r} has a text of {len(material.text)} characters, more than {TEXT_LIMIT}")
        )
    bad_url = url_problem(material.url) if material.url else None
    if bad_url is not None:
        problems.append(("url", f"material {material.id!r}: {bad_url}"))
    if not 1 <= material.difficulty <= 5:
        problems.append(("difficulty", f"material {material.id!r}: difficulty {material.difficulty} is not in 1..5"))
    if not 1 <= material.minutes <= MAX_MINUTES:
        problems.append(("minutes", f"material {material.id!r}: minutes {material.minutes} is not in 1..{MAX_MINUTES}"))
    return problems + accessibility_problems(material) + activity_problems(material)


def accessibility_problems(material: Material) -> list[tuple[str, str]]:
    """Problems with a material's language and accessibility terms, each with its input field.

    The terms are checked as the model keeps them (``canonical_terms``: schema.org's
    spelling), so the edges that read input turn ``"Captions"`` into ``"captions"`` first.
    """
    problems = []
    bad_language = language_problem(material.language) if material.language is not None else None
    if bad_language is not None:
        problems.append(("language", f"material {material.id!r}: {bad_language}"))
    terms = (
        ("accessModes", material.access_modes, ACCESS_MODES, "access mode"),
        ("accessibilityFeatures", material.accessibility_features, ACCESSIBILITY_FEATURES, "accessibility feature"),
        ("accessibilityHazards", material.accessibility_hazards, ACCESSIBILITY_HAZARDS, "accessibility hazard"),
    )
    for field, values, vocabulary, what in terms:
        problems += [(field, f"material {material.id!r}: {p}") for p in term_problems(values, vocabulary, what)]
    sufficient = sufficient_problems(material.access_mode_sufficient)
    problems += [("accessModeSufficient", f"material {material.id!r}: {p}") for p in sufficient]
    summary = text_problem(
        material.accessibility_summary, "accessibility summary", limit=DEFINITION_LIMIT, may_be_empty=True
    )
    if summary is not None:
        problems.append(("accessibilitySummary", f"material {material.id!r} {summary}"))
    return problems


def curriculum_problems(curriculum: Curriculum) -> list[tuple[str, str]]:
    """Problems with a curriculum's own title and description, each with its input field.

    Examples:
        >>> curriculum_problems(Curriculum("geo", "Geometry", "x" * 10_001))
        [('description', "curriculum 'geo' has a description of 10001 characters, more than 10000")]
    """
    found = []
    title = text_problem(curriculum.title, "title", limit=LABEL_LIMIT, one_line=True)
    if title is not None:
        found.append(("title", f"curriculum {curriculum.id!r} {title}"))
    description = text_problem(curriculum.description, "description", limit=DEFINITION_LIMIT, may_be_empty=True)
    if description is not None:
        found.append(("description", f"curriculum {curriculum.id!r} {description}"))
    return found


def check_strength(strength: float) -> None:
    """Raise unless ``0 < strength <= 1``."""
    if not 0.0 < strength <= 1.0:
        raise InvalidInput(f"strength {strength} is not in (0, 1]", field="strength")
