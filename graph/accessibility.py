"""A material's accessibility metadata: schema.org's terms and the checks on them.

Frontends and screen readers act on these values (announce a material's language, say
that a video has no captions), so a typo such as ``"caption"`` must be refused, not
stored where nothing matches it. The vocabularies are those of the W3C community group's
"Schema.org Accessibility Properties for Discoverability" (the editor's draft of 2024,
deprecated terms such as ``captions`` included, since publishers still write them).
Terms are matched in any case and kept as schema.org spells them (``mathml`` ->
``MathML``); a language tag is kept in BCP 47's conventional case (``pt-br`` -> ``pt-BR``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from graph.language_codes import subtag_problem

__all__ = [
    "ACCESS_MODES",
    "ACCESSIBILITY_FEATURES",
    "ACCESSIBILITY_HAZARDS",
    "HAZARDS",
    "PREFERRED",
    "SUFFICIENT_ACCESS_MODES",
    "VocabularyTerm",
    "canonical_language",
    "canonical_sufficient",
    "canonical_terms",
    "hazard_stated",
    "language_problem",
    "sufficient_problems",
    "sufficient_sets",
    "term_problems",
    "vocabulary_terms",
]

ACCESS_MODES: tuple[str, ...] = (
    "auditory", "chartOnVisual", "chemOnVisual", "colorDependent", "diagramOnVisual", "mathOnVisual",
    "musicOnVisual", "tactile", "textOnVisual", "textual", "visual",
)  # fmt: skip
"""``schema:accessMode``: the senses the material's information is encoded for."""

ACCESSIBILITY_FEATURES: tuple[str, ...] = (
    # structure and navigation
    "annotations", "ARIA", "bookmarks", "index", "pageBreakMarkers", "printPageNumbers", "pageNavigation",
    "readingOrder", "structuralNavigation", "tableOfContents", "taggedPDF",
    # adaptation
    "alternativeText", "audioDescription", "captions", "closedCaptions", "openCaptions", "describedMath",
    "longDescription", "rubyAnnotations", "signLanguage", "transcript",
    # rendering control
    "displayTransformability", "synchronizedAudioText", "timingControl", "unlocked",
    # specialized markup
    "ChemML", "latex", "latex-chemistry", "MathML", "MathML-chemistry", "ttsMarkup",
    # clarity
    "highContrastAudio", "highContrastDisplay", "largePrint",
    # tactile
    "braille", "tactileGraphic", "tactileObject",
    # text and writing (CJK)
    "fullRubyAnnotations", "horizontalWriting", "verticalWriting", "withAdditionalWordSegmentation",
    "withoutAdditionalWordSegmentation",
    # alone only
    "none", "unknown",
)  # fmt: skip
"""``schema:accessibilityFeature``: what the material provides (captions, alternative text...)."""

ACCESSIBILITY_HAZARDS: tuple[str, ...] = (
    "flashing", "noFlashingHazard", "unknownFlashingHazard",
    "motionSimulation", "noMotionSimulationHazard", "unknownMotionSimulationHazard",
    "sound", "noSoundHazard", "unknownSoundHazard",
    "none", "unknown",
)  # fmt: skip
"""``schema:accessibilityHazard``: what may harm some students (a flashing video), or that nothing does."""

SUFFICIENT_ACCESS_MODES: tuple[str, ...] = ("auditory", "tactile", "textual", "visual")
"""``schema:accessModeSufficient``'s vocabulary: the senses (and reading) one pathway through the material needs."""

HAZARDS: tuple[str, ...] = ("flashing", "motionSimulation", "sound")
"""The hazards a material can state it has (or, as ``no...Hazard``, that it has not)."""

PREFERRED: dict[str, tuple[str, ...]] = {
    "captions": ("closedCaptions", "openCaptions"),
    "bookmarks": ("tableOfContents", "annotations"),
    "printPageNumbers": ("pageBreakMarkers",),
}
"""Terms the vocabulary asks authors to replace, with their replacements. ``captions`` and
``bookmarks`` are deprecated; ``printPageNumbers`` is a synonym of ``pageBreakMarkers``
that authors are "strongly encouraged" away from, but not formally deprecated."""

_DEPRECATED = frozenset({"captions", "bookmarks"})

_HAZARD_GROUPS = (
    ("flashing", "noFlashingHazard", "unknownFlashingHazard"),
    ("motionSimulation", "noMotionSimulationHazard", "unknownMotionSimulationHazard"),
    ("sound", "noSoundHazard", "unknownSoundHazard"),
)
_CANONICAL = {
    vocabulary: {term.lower(): term for term in vocabulary}
    for vocabulary in (ACCESS_MODES, ACCESSIBILITY_FEATURES, ACCESSIBILITY_HAZARDS, SUFFICIENT_ACCESS_MODES, HAZARDS)
}

_LANGUAGE = re.compile(
    r"[a-z]{2,3}(?:-[a-z]{3}){0,3}"  # language, with extended subtags (every registered language has 2 or 3 letters)
    r"(?:-[a-z]{4})?"  # script
    r"(?:-(?:[a-z]{2}|[0-9]{3}))?"  # region
    r"(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*"  # variants
    r"(?:-[0-9a-wyz](?:-[a-z0-9]{2,8})+)*"  # extensions
    r"(?:-x(?:-[a-z0-9]{1,8})+)?"  # private use
    r"|x(?:-[a-z0-9]{1,8})+",
    re.IGNORECASE,
)


def canonical_terms(values: Iterable[str], vocabulary: tuple[str, ...]) -> tuple[str, ...]:
    """``values`` as schema.org spells them, without repeats, in a stable order; unknown ones kept for the checks.

    Examples:
        >>> canonical_terms([" Captions", "mathml", "captions", "caption"], ACCESSIBILITY_FEATURES)
        ('caption', 'captions', 'MathML')
    """
    known = _CANONICAL[vocabulary]
    terms = {known.get(v.strip().lower(), v.strip()) for v in values if v.strip()}
    return tuple(sorted(terms, key=lambda t: (t.lower(), t)))


def blank_term_problem(values: Iterable[str], what: str) -> str | None:
    """Why ``values`` hold a blank term (``None``: they do not): a blank is no term, and is not "none stated".

    Dropped as it was, ``avoidHazards: [""]`` asked to avoid nothing and a flashing example
    was recommended to a photosensitive learner; ``updateMaterial(accessibilityHazards:
    [""])`` (a form's empty multi-select) erased a stated "flashing". ``[]`` says none.

    Examples:
        >>> blank_term_problem(["flashing", " "], "hazard to avoid")
        'a hazard to avoid is blank (entry 2): give a term, or leave the list out (an empty list: none)'
        >>> blank_term_problem(["flashing"], "hazard to avoid") is None
        True
    """
    blank = [position for position, value in enumerate(values, start=1) if not value.strip()]
    if not blank:
        return None
    entries = f"entr{'ies' if len(blank) > 1 else 'y'} {', '.join(str(b) for b in blank)}"
    article = "an" if what[:1] in "aeiou" else "a"
    return f"{article} {what} is blank ({entries}): give a term, or leave the list out (an empty list: none)"


def term_problems(values: Iterable[str], vocabulary: tuple[str, ...], what: str) -> list[str]:
    """Why ``values`` (canonical, as ``canonical_terms`` gives them) cannot be ``what`` (``"accessibility feature"``).

    A term outside the vocabulary is named with the closest terms and every allowed one;
    ``none`` and ``unknown`` stand alone, and a hazard cannot be both present and absent.

    Examples:
        >>> term_problems(["caption"], ACCESSIBILITY_FEATURES, "accessibility feature")[0].split(";")[0]
        "accessibility feature 'caption' is not a schema.org term (did you mean 'captions'?)"
        >>> term_problems(["flashing", "noFlashingHazard"], ACCESSIBILITY_HAZARDS, "accessibility hazard")
        ["accessibility hazards 'flashing' and 'noFlashingHazard' contradict each other"]
    """
    given = list(values)
    problems = []
    for term in given:
        if term not in vocabulary:
            close = difflib.get_close_matches(term, vocabulary, n=2, cutoff=0.7)
            hint = f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""
            problems.append(f"{what} {term!r} is not a schema.org term{hint}; allowed: {', '.join(vocabulary)}")
    for alone in ("none", "unknown"):
        if alone in given and len(given) > 1 and not (vocabulary is ACCESSIBILITY_HAZARDS and alone == "none"):
            problems.append(f"{what} {alone!r} cannot be given with other values")
    if vocabulary is ACCESSIBILITY_HAZARDS:
        for group in _HAZARD_GROUPS:
            found = [t for t in group if t in given]
            if len(found) > 1:
                problems.append(f"{what}s {' and '.join(repr(t) for t in found)} contradict each other")
        present = [t for group in _HAZARD_GROUPS for t in (group[0], group[2]) if t in given]
        if "none" in given and present:
            problems.append(f"{what} 'none' cannot be given with {', '.join(repr(t) for t in present)}")
    return problems


def canonical_language(tag: str | None) -> str | None:
    """A BCP 47 tag in its conventional case (``None`` or blank: no language); an ill-formed one is returned as given.

    Examples:
        >>> canonical_language("EN"), canonical_language("pt-br"), canonical_language("ZH-hant-tw")
        ('en', 'pt-BR', 'zh-Hant-TW')
        >>> canonical_language("  "), canonical_language("english!")
        (None, 'english!')
    """
    if tag is None or not tag.strip():
        return None
    tag = tag.strip()
    if language_problem(tag) is not None:
        return tag
    parts, out = tag.split("-"), []
    for index, part in enumerate(parts):
        after_singleton = any(len(p) == 1 for p in parts[:index])  # extensions and private use: lower case
        if index == 0 or after_singleton:
            out.append(part.lower())
        elif len(part) == 2 and part.isalpha():
            out.append(part.upper())
        elif len(part) == 4 and part.isalpha():
            out.append(part.title())
        else:
            out.append(part.lower())
    return "-".join(out)


GRANDFATHERED = {
    "en-gb-oed": "en-GB-oxendict",
    "i-ami": "ami",
    "i-bnn": "bnn",
    "i-default": None,
    "i-enochian": None,
    "i-hak": "hak",
    "i-klingon": "tlh",
    "i-lux": "lb",
    "i-mingo": None,
    "i-navajo": "nv",
    "i-pwn": "pwn",
    "i-tao": "tao",
    "i-tay": "tay",
    "i-tsu": "tsu",
    "sgn-be-fr": "sfb",
    "sgn-be-nl": "vgt",
    "sgn-ch-de": "sgg",
    "art-lojban": "jbo",
    "cel-gaulish": None,
    "no-bok": "nb",
    "no-nyn": "nn",
    "zh-guoyu": "cmn",
    "zh-hakka": "hak",
    "zh-min": None,
    "zh-min-nan": "nan",
    "zh-xiang": "hsn",
}
"""RFC 5646's grandfathered tags (lower case), with the tag the IANA registry prefers (``None``: none).

They are valid BCP 47, but written before subtags could say the same, and every one is
deprecated: a reader that knows ``tlh`` may not know ``i-klingon``, so each is refused
naming the tag to write, not as "not a BCP 47 language tag" (which it is)."""


def language_problem(tag: str) -> str | None:
    """Why ``tag`` is not a well-formed BCP 47 language tag (``None``: it is).

    The shape is checked as RFC 5646 describes it: ``en``, ``pt-BR``, ``zh-Hant-TW``,
    ``sgn-ase``. A language subtag has two or three letters (the grammar's longer ones are
    reserved, and none is registered), so a name such as ``english`` is refused rather than
    announced to a screen reader; two letters must be an ISO 639-1 code (``sp`` is not),
    and a three-letter code ISO 639-1 also codes is written as its two (``graph.language_codes``).

    Examples:
        >>> language_problem("en-GB"), language_problem("x-klingon")
        (None, None)
        >>> language_problem("english")
        "language 'english' is not a BCP 47 language tag (such as 'en', 'pt-BR', 'zh-Hant')"
        >>> language_problem("en_us")
        "language 'en_us' is not a BCP 47 language tag: did you mean 'en-US'?"
        >>> language_problem("sp")
        "language 'sp': 'sp' is no ISO 639 language code (did you mean 'es'?)"
        >>> language_problem("xx_YY").endswith("(written with '-': language 'xx-YY': 'xx' is no ISO 639 language code)")
        True
        >>> language_problem("i-klingon")
        "language 'i-klingon' is a grandfathered BCP 47 tag, deprecated: write 'tlh'"
    """
    if tag.lower() in GRANDFATHERED:
        preferred = GRANDFATHERED[tag.lower()]
        if preferred is None:
            return (
                f"language {tag!r} is a grandfathered BCP 47 tag, deprecated with no replacement: "
                "write the language's own tag, or a private-use one ('x-' and a name)"
            )
        return f"language {tag!r} is a grandfathered BCP 47 tag, deprecated: write {preferred!r}"
    if _LANGUAGE.fullmatch(tag):
        return subtag_problem(tag)
    hyphenated = tag.strip().replace("_", "-")
    if hyphenated != tag and _LANGUAGE.fullmatch(hyphenated):  # a POSIX locale, as en_US.csv exports write it
        if subtag_problem(hyphenated) is None:
            return f"language {tag!r} is not a BCP 47 language tag: did you mean {canonical_language(hyphenated)!r}?"
        # no suggestion that would itself be refused: say what is wrong with the hyphenated form too
        return f"language {tag!r} is not a BCP 47 language tag (written with '-': {subtag_problem(hyphenated)})"
    return f"language {tag!r} is not a BCP 47 language tag (such as 'en', 'pt-BR', 'zh-Hant')"


def canonical_sufficient(values: Iterable[str]) -> tuple[str, ...]:
    """Sets of sufficient access modes as stored: each comma-joined, its modes spelled and ordered as schema.org's.

    A set is one pathway through the material (``"textual"``: its text alone carries all
    of it; ``"auditory,visual"``: watching and listening do). Sets are kept once each,
    single modes first (the vocabulary calls them the most important to list); unknown
    modes are kept for the checks.

    Examples:
        >>> canonical_sufficient(["Visual, AUDITORY", "textual", "auditory,visual", " "])
        ('textual', 'auditory,visual')
        >>> canonical_sufficient(["textual,,visual", "sight"])
        ('sight', 'textual,,visual')
    """
    sets = set()
    for value in values:
        if not value.strip():
            continue
        parts = [p.strip() for p in value.split(",")]
        if not all(parts):  # an empty mode: left as given for sufficient_problems to name
            sets.add(value.strip())
            continue
        sets.add(",".join(canonical_terms(parts, SUFFICIENT_ACCESS_MODES)))
    return tuple(sorted(sets, key=lambda s: (s.count(","), s.lower(), s)))


def sufficient_sets(values: Iterable[str]) -> list[frozenset[str]]:
    """The stored comma-joined sets as sets of modes.

    Examples:
        >>> sufficient_sets(["textual", "auditory,visual"]) == [{"textual"}, {"auditory", "visual"}]
        True
    """
    return [frozenset(p.strip() for p in value.split(",") if p.strip()) for value in values]


def sufficient_problems(values: Iterable[str]) -> list[str]:
    """Why ``values`` (as ``canonical_sufficient`` gives them) cannot be sets of sufficient access modes.

    Each set is a comma-joined list of ``auditory``, ``tactile``, ``textual`` and
    ``visual``: the vocabulary's sufficient modes are the broad ones, so ``textOnVisual`` (an
    ``accessMode`` refinement) is refused with the mode it refines.

    Examples:
        >>> sufficient_problems(["textual", "auditory,visual"])
        []
        >>> sufficient_problems(["textOnVisual"])[0].split(" (")[1]
        "did you mean 'visual'?)"
        >>> sufficient_problems(["textual,,visual"])
        ["set of sufficient access modes 'textual,,visual' has an empty mode (join modes with one comma)"]
    """
    problems = []
    for value in values:
        parts = [p.strip() for p in value.split(",")]
        if not all(parts):
            problems.append(f"set of sufficient access modes {value!r} has an empty mode (join modes with one comma)")
            continue
        for term in parts:
            if term in SUFFICIENT_ACCESS_MODES:
                continue
            if term in ACCESS_MODES:  # every other accessMode refines visual: textOnVisual, colorDependent...
                close = ["visual"]
            else:
                close = difflib.get_close_matches(term, SUFFICIENT_ACCESS_MODES, n=2, cutoff=0.6)
            hint = f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""
            problems.append(f"sufficient access mode {term!r} is not one of {', '.join(SUFFICIENT_ACCESS_MODES)}{hint}")
    return problems


def hazard_stated(hazards: Iterable[str], hazard: str) -> bool | None:
    """What a material's hazard terms say about one hazard: ``True`` present, ``False`` absent, ``None`` not known.

    ``noFlashingHazard`` and ``none`` say flashing is absent; ``unknown``,
    ``unknownFlashingHazard`` or saying nothing leave it not known, which is never
    taken as safe.

    Examples:
        >>> hazard_stated(["flashing"], "flashing"), hazard_stated(["none"], "flashing")
        (True, False)
        >>> hazard_stated(["noSoundHazard"], "flashing"), hazard_stated([], "sound")
        (None, None)
    """
    given = set(hazards)
    if hazard in given:
        return True
    if "none" in given or f"no{hazard[0].upper()}{hazard[1:]}Hazard" in given:
        return False
    return None


@dataclass(frozen=True, slots=True)
class VocabularyTerm:
    """One allowed term, for a picker: whether the vocabulary deprecates it, and what to use instead."""

    term: str
    deprecated: bool = False
    preferred: tuple[str, ...] = ()


def vocabulary_terms(vocabulary: tuple[str, ...]) -> list[VocabularyTerm]:
    """The terms of one vocabulary in its order, the deprecated ones marked.

    Examples:
        >>> [t for t in vocabulary_terms(ACCESSIBILITY_FEATURES) if t.preferred][0]
        VocabularyTerm(term='bookmarks', deprecated=True, preferred=('tableOfContents', 'annotations'))
        >>> vocabulary_terms(HAZARDS)[0]
        VocabularyTerm(term='flashing', deprecated=False, preferred=())
    """
    return [VocabularyTerm(t, t in _DEPRECATED, PREFERRED.get(t, ())) for t in vocabulary]
