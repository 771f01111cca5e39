"""Which language subtags exist: a tag of the right shape may still name no language.

``language_problem`` checked only a tag's shape (RFC 5646), so a translator's ``sp`` for
Spanish, ``zz`` or ``eng`` was stored: ``label(language: "es")`` never found the ``sp``
row, and ``eng`` slipped past the check that a translation is not in the concept's own
``en``. A two-letter subtag must be an ISO 639-1 code; a three-letter one that ISO 639-1
also codes must be written as that (BCP 47 takes the shortest); other three-letter codes
(ISO 639-2 and 639-3: ``haw``, ``yue``, ``fil``) are too many to list and are taken as
written.
"""

from __future__ import annotations

__all__ = ["ISO_639_1", "WITHDRAWN", "current_tag", "same_language", "script_of", "subtag_problem"]

ISO_639_1 = frozenset({
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bi", "bm", "bn", "bo",
    "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da", "de", "dv", "dz", "ee", "el", "en", "eo",
    "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr", "fy", "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he", "hi",
    "ho", "hr", "ht", "hu", "hy", "hz", "ia", "id", "ie", "ig", "ii", "ik", "io", "is", "it", "iu", "ja", "jv", "ka",
    "kg", "ki", "kj", "kk", "kl", "km", "kn", "ko", "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li", "ln",
    "lo", "lt", "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "na", "nb", "nd", "ne", "ng",
    "nl", "nn", "no", "nr", "nv", "ny", "oc", "oj", "om", "or", "os", "pa", "pi", "pl", "ps", "pt", "qu", "rm", "rn",
    "ro", "ru", "rw", "sa", "sc", "sd", "se", "sg", "si", "sk", "sl", "sm", "sn", "so", "sq", "sr", "ss", "st", "su",
    "sv", "sw", "ta", "te", "tg", "th", "ti", "tk", "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug", "uk", "ur",
    "uz", "ve", "vi", "vo", "wa", "wo", "xh", "yi", "yo", "za", "zh", "zu",
})  # fmt: skip
"""The two-letter language codes (ISO 639-1, 183 of them)."""

_SHORTER = {
    "afr": "af", "alb": "sq", "amh": "am", "ara": "ar", "arm": "hy", "aze": "az", "baq": "eu", "bel": "be",
    "ben": "bn", "bos": "bs", "bul": "bg", "bur": "my", "cat": "ca", "ces": "cs", "chi": "zh", "cym": "cy",
    "cze": "cs", "dan": "da", "deu": "de", "dut": "nl", "ell": "el", "eng": "en", "epo": "eo", "est": "et",
    "eus": "eu", "fas": "fa", "fin": "fi", "fra": "fr", "fre": "fr", "geo": "ka", "ger": "de", "gle": "ga",
    "glg": "gl", "gre": "el", "guj": "gu", "hau": "ha", "heb": "he", "hin": "hi", "hrv": "hr", "hun": "hu",
    "hye": "hy", "ibo": "ig", "ice": "is", "ind": "id", "isl": "is", "ita": "it", "jpn": "ja", "kan": "kn",
    "kat": "ka", "kaz": "kk", "khm": "km", "kor": "ko", "lao": "lo", "lat": "la", "lav": "lv", "lit": "lt",
    "ltz": "lb", "mac": "mk", "mal": "ml", "mar": "mr", "may": "ms", "mkd": "mk", "mlt": "mt", "mon": "mn",
    "msa": "ms", "mya": "my", "nep": "ne", "nld": "nl", "nor": "no", "pan": "pa", "per": "fa", "pol": "pl",
    "por": "pt", "ron": "ro", "rum": "ro", "rus": "ru", "sin": "si", "slk": "sk", "slo": "sk", "slv": "sl",
    "som": "so", "spa": "es", "sqi": "sq", "srp": "sr", "swa": "sw", "swe": "sv", "tam": "ta", "tat": "tt",
    "tel": "te", "tgl": "tl", "tha": "th", "tur": "tr", "ukr": "uk", "urd": "ur", "uzb": "uz", "vie": "vi",
    "wel": "cy", "xho": "xh", "yor": "yo", "zho": "zh", "zul": "zu",
}  # fmt: skip
"""Three-letter codes of languages ISO 639-1 codes (bibliographic and terminology forms): BCP 47 writes the two."""

_MISTAKEN = {
    "sp": "es", "jp": "ja", "cn": "zh", "gr": "el", "kr": "ko", "dk": "da", "ua": "uk", "cz": "cs", "vn": "vi",
    "iw": "he", "in": "id", "ji": "yi", "jw": "jv", "mo": "ro", "sh": "sr",
}  # fmt: skip
"""Two letters written for a language that are no code of it: country codes, and codes ISO 639 withdrew."""


WITHDRAWN = {"iw": "he", "in": "id", "ji": "yi", "jw": "jv", "mo": "ro"}
"""Codes ISO 639 withdrew, and what replaced them: Java before 17 and Android still send ``iw`` and ``in``."""


def current_tag(tag: str) -> str:
    """A tag a reader's device sent, with a withdrawn language code replaced (``iw-IL`` is ``he-IL``).

    For reads only: a Hebrew student's app asked ``label(language: "iw")`` and lost the
    whole concept to an error. What is stored is still refused in the old code, with
    the new one suggested (``subtag_problem``).

    Examples:
        >>> current_tag("iw"), current_tag("in-ID"), current_tag("IW-il"), current_tag("it"), current_tag("x-iw")
        ('he', 'id-ID', 'he-il', 'it', 'x-iw')
    """
    primary, dash, rest = tag.partition("-")
    replaced = WITHDRAWN.get(primary.lower())
    return f"{replaced}{dash}{rest}" if replaced else tag


def subtag_problem(tag: str) -> str | None:
    """Why a well-formed tag's language subtag names no language (``None``: it does, or cannot be told).

    Examples:
        >>> subtag_problem("fr-CA"), subtag_problem("haw"), subtag_problem("x-klingon")
        (None, None, None)
        >>> subtag_problem("sp-MX")
        "language 'sp-MX': 'sp' is no ISO 639 language code (did you mean 'es-MX'?)"
        >>> subtag_problem("eng")
        "language 'eng': BCP 47 writes the language 'eng' as 'en' (did you mean 'en'?)"
    """
    primary, _, rest = tag.partition("-")
    code = primary.lower()
    suffix = f"-{rest}" if rest else ""
    if len(code) == 2 and code not in ISO_639_1:
        hint = f" (did you mean {_MISTAKEN[code] + suffix!r}?)" if code in _MISTAKEN else ""
        return f"language {tag!r}: {primary!r} is no ISO 639 language code{hint}"
    if len(code) == 3 and code in _SHORTER:
        short = _SHORTER[code]
        return (
            f"language {tag!r}: BCP 47 writes the language {primary!r} as {short!r} (did you mean {short + suffix!r}?)"
        )
    return None


_IMPLIED_SCRIPTS = {("zh", "cn"): "hans", ("zh", "sg"): "hans", ("zh", "my"): "hans",
                    ("zh", "tw"): "hant", ("zh", "hk"): "hant", ("zh", "mo"): "hant",
                    ("sr", "me"): "latn"}  # fmt: skip
"""The script a region implies where a language is written in two (CLDR's likely subtags)."""


_DEFAULT_SCRIPTS = {"zh": "hans", "sr": "cyrl"}
"""The script a language written in two means when nothing else says (CLDR's likely subtags)."""


def script_of(tag: str) -> str | None:
    """The script a tag names or its region implies, lower case (``None``: not said).

    A region the table does not list says what the language alone says: ``sr-RS`` read as
    "any script" and was given the ``sr-Latn-RS`` label, where CLDR reads it as Cyrillic.

    Examples:
        >>> script_of("zh-Hant"), script_of("zh-TW"), script_of("zh"), script_of("sr-Latn-RS"), script_of("fr")
        ('hant', 'hant', 'hans', 'latn', None)
        >>> script_of("sr-RS"), script_of("sr-ME"), script_of("fr-CA")
        ('cyrl', 'latn', None)
    """
    parts = tag.lower().split("-")
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            return part
        if len(part) == 1:  # an extension or private use: no more subtags of the tag itself
            break
    region = next((p for p in parts[1:] if len(p) == 2 and p.isalpha()), None)
    if region is None:  # bare "zh" is Simplified and "sr" Cyrillic (CLDR): a browser's "zh" got Traditional
        return _DEFAULT_SCRIPTS.get(parts[0])
    return _IMPLIED_SCRIPTS.get((parts[0], region), _DEFAULT_SCRIPTS.get(parts[0]))


def same_language(a: str, b: str) -> bool:
    """Whether a reader of ``a`` reads ``b``: the same language, not in two different scripts.

    A Simplified Chinese reader was given the Traditional label (``zh-Hans`` asked,
    ``zh-Hant`` stored). A tag that implies no script matches any.

    Examples:
        >>> same_language("zh-Hans", "zh-Hant"), same_language("zh-Hans", "zh-CN"), same_language("zh", "zh-Hant")
        (False, True, False)
        >>> same_language("fr-FR", "fr-CA"), same_language("fr", "de")
        (True, False)
    """
    if a.lower().split("-")[0] != b.lower().split("-")[0]:
        return False
    first, second = script_of(a), script_of(b)
    return first is None or second is None or first == second
