"""Listing materials by their accessibility metadata, as a designer or a frontend's picker asks.

Every filter reads what a material *states*: a material that says nothing about a
hazard is not known to be free of it, so ``without_hazards`` never lists it; one with
no language stated matches no language. The filters are checked once per request and
matched against the projection's facts (``graph.access_needs.AccessFacts``), never a
query per material.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from graph.access_needs import AccessFacts, broad_mode
from graph.accessibility import (
    ACCESS_MODES,
    ACCESSIBILITY_FEATURES,
    HAZARDS,
    blank_term_problem,
    canonical_language,
    canonical_terms,
    hazard_stated,
    language_problem,
    term_problems,
)
from graph.errors import InvalidInput
from graph.language_codes import current_tag

__all__ = ["MaterialFilter", "language_matches"]

_SAME_FEATURE = {
    "captions": ("captions", "closedCaptions", "openCaptions"),  # the deprecated term is the general one
    "pageBreakMarkers": ("pageBreakMarkers", "printPageNumbers"),  # synonyms
    "printPageNumbers": ("pageBreakMarkers", "printPageNumbers"),
}
_WITHOUT = {f"no{h[0].upper()}{h[1:]}Hazard".lower(): h for h in HAZARDS} | {h.lower(): h for h in HAZARDS}


def language_matches(tag: str | None, wanted: str) -> bool:
    """Whether a material's language ``tag`` falls under ``wanted`` (RFC 4647 basic filtering, any case).

    Examples:
        >>> language_matches("en-US", "en"), language_matches("en", "EN"), language_matches("en", "en-US")
        (True, True, False)
        >>> language_matches("eng", "en"), language_matches(None, "en")
        (False, False)
    """
    if tag is None:
        return False
    tag, wanted = tag.lower(), wanted.lower()
    return tag == wanted or tag.startswith(wanted + "-")


@dataclass(frozen=True, slots=True)
class MaterialFilter:
    """Which materials a listing keeps; every condition given must hold.

    Attributes:
        features: features the material states (``captions`` also finds
            ``closedCaptions`` and ``openCaptions``; ``pageBreakMarkers`` and its synonym
            ``printPageNumbers`` find each other).
        without_hazards: hazards the material states it is free of (``noFlashingHazard``,
            or ``none`` for all three).
        access_modes: access modes it states (``visual`` also finds ``textOnVisual`` and
            the other visual refinements).
        language: a BCP 47 tag or prefix its language falls under.
        orphans: ``True`` keeps the materials linked to no concept, ``False`` the others.
    """

    features: tuple[str, ...] = ()
    without_hazards: tuple[str, ...] = ()
    access_modes: tuple[str, ...] = ()
    language: str | None = None
    orphans: bool | None = None

    @classmethod
    def checked(
        cls,
        *,
        features: Iterable[str] = (),
        without_hazards: Iterable[str] = (),
        access_modes: Iterable[str] = (),
        language: str | None = None,
        orphans: bool | None = None,
    ) -> MaterialFilter:
        """A filter from a request's arguments, terms in any case.

        Raises:
            InvalidInput: a term outside its vocabulary or an ill-formed language tag, with
                the argument as ``field`` (``accessibilityFeature``, ``withoutHazard``,
                ``accessMode``, ``language``).

        Examples:
            >>> MaterialFilter.checked(features=["closedcaptions"], without_hazards=["NOFLASHINGHAZARD", "sound"])
            MaterialFilter(features=('closedCaptions',), without_hazards=('flashing', 'sound'), access_modes=(), language=None, orphans=None)
            >>> MaterialFilter.checked(without_hazards=["none"]).without_hazards
            ('flashing', 'motionSimulation', 'sound')
        """  # noqa: E501
        features, access_modes = list(features), list(access_modes)
        for listed, field, what in (
            (features, "accessibilityFeature", "feature"),
            (access_modes, "accessMode", "mode"),
        ):
            if (blank := blank_term_problem(listed, what)) is not None:  # dropped, it filtered nothing: every material
                raise InvalidInput(blank, field=field)
        wanted = canonical_terms(features, ACCESSIBILITY_FEATURES)
        problems = term_problems(wanted, ACCESSIBILITY_FEATURES, "accessibility feature")
        if problems:
            raise InvalidInput("; ".join(problems), field="accessibilityFeature")
        modes = canonical_terms(access_modes, ACCESS_MODES)
        problems = term_problems(modes, ACCESS_MODES, "access mode")
        if problems:
            raise InvalidInput("; ".join(problems), field="accessMode")
        free: set[str] = set()
        for given in without_hazards:
            key = given.strip().lower()
            if key == "none":
                free.update(HAZARDS)
            elif key in _WITHOUT:
                free.add(_WITHOUT[key])
            else:
                # "flash" was not told "flashing", as a learner's needs.avoidHazards is
                close = difflib.get_close_matches(key, list(_WITHOUT), n=1, cutoff=0.5)
                hint = f" (did you mean {_WITHOUT[close[0]]!r}?)" if close else ""
                raise InvalidInput(
                    f"withoutHazard {given!r} is not a hazard{hint}: give flashing, motionSimulation or sound "
                    "(or their noFlashingHazard... forms), or none for all three; a material that states nothing "
                    "about a hazard is never listed as free of it",
                    field="withoutHazard",
                )
        tag = None
        if language is not None and language.strip():
            asked = current_tag(language.strip())  # a device's "iw" is Hebrew
            bad = language_problem(asked)
            if bad is not None:
                raise InvalidInput(bad, field="language")
            tag = canonical_language(asked)
        return cls(wanted, tuple(h for h in HAZARDS if h in free), modes, tag, orphans)

    @property
    def on_metadata(self) -> bool:
        """Whether any condition reads the accessibility metadata."""
        return bool(self.features or self.without_hazards or self.access_modes or self.language)

    def matches(self, facts: AccessFacts) -> bool:
        """Whether a material with these facts passes every metadata condition (``orphans`` is the caller's).

        Examples:
            >>> video = AccessFacts("en-GB", ("auditory", "visual"), (), ("closedCaptions",), ("noFlashingHazard",))
            >>> MaterialFilter(features=("captions",), without_hazards=("flashing",), language="en").matches(video)
            True
            >>> MaterialFilter(without_hazards=("sound",)).matches(video)
            False
        """
        stated = set(facts.features)
        if not all(stated.intersection(_SAME_FEATURE.get(f, (f,))) for f in self.features):
            return False
        if not all(hazard_stated(facts.hazards, h) is False for h in self.without_hazards):
            return False
        modes = set(facts.access_modes) | {broad_mode(m) for m in facts.access_modes}
        if not all(m in modes for m in self.access_modes):
            return False
        return self.language is None or language_matches(facts.language, self.language)
