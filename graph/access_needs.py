"""Whether a material suits a learner's stated access needs, from its schema.org metadata.

A learner (or their teacher) may say, for one request, which hazards to avoid
(``flashing``, ``motionSimulation``, ``sound``) and which access modes they can use
(``textual`` and ``auditory`` for a blind learner). Needs are sensitive personal data:
they come with each request and are never stored.

A material is **left out** when it states a hazard the learner avoids, or when the
learner cannot use it: none of its sufficient sets (``schema:accessModeSufficient``) lies
within the learner's modes or, when it states none, not all of its ``accessMode`` values
do. It is **not known to suit** when it says nothing about an avoided hazard (``unknown``
included: silence is never taken as safe) or about its access modes at all; such a
material is offered after the ones known to suit. ``visual`` covers its refinements
(``textOnVisual``, ``mathOnVisual``, ``colorDependent``...): a learner's modes are the
four broad ones of ``schema:accessModeSufficient``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from graph.accessibility import (
    ACCESS_MODES,
    ACCESSIBILITY_FEATURES,
    ACCESSIBILITY_HAZARDS,
    HAZARDS,
    SUFFICIENT_ACCESS_MODES,
    blank_term_problem,
    canonical_language,
    canonical_sufficient,
    canonical_terms,
    hazard_stated,
    language_problem,
    sufficient_sets,
)
from graph.errors import InvalidInput
from graph.language_codes import current_tag, same_language

if TYPE_CHECKING:
    from graph.model import Material

__all__ = ["AccessFacts", "AccessNeeds", "Fit", "broad_mode", "fit"]


@dataclass(frozen=True, slots=True)
class AccessFacts:
    """A material's accessibility metadata as listing and choosing read it (the projection holds it).

    The fields hold canonical terms (``graph.accessibility``); empty means not stated.
    """

    language: str | None = None
    access_modes: tuple[str, ...] = ()
    access_mode_sufficient: tuple[str, ...] = ()
    features: tuple[str, ...] = ()
    hazards: tuple[str, ...] = ()

    @classmethod
    def of(cls, material: Material) -> AccessFacts:
        """The facts of a domain material, in the canonical form the store gives back."""
        return cls(
            canonical_language(material.language),
            canonical_terms(material.access_modes, ACCESS_MODES),
            canonical_sufficient(material.access_mode_sufficient),
            canonical_terms(material.accessibility_features, ACCESSIBILITY_FEATURES),
            canonical_terms(material.accessibility_hazards, ACCESSIBILITY_HAZARDS),
        )

    @classmethod
    def from_values(cls, values: dict[str, list[str]]) -> AccessFacts:
        """Facts from stored literals by property name (``inLanguage``, ``accessMode``...), made canonical.

        Examples:
            >>> AccessFacts.from_values({"accessMode": ["Visual"], "accessibilityHazard": ["FLASHING"]})
            AccessFacts(language=None, access_modes=('visual',), access_mode_sufficient=(), features=(), hazards=('flashing',))
        """  # noqa: E501
        languages = sorted(values.get("inLanguage", []))
        return cls(
            canonical_language(languages[0]) if languages else None,
            canonical_terms(values.get("accessMode", []), ACCESS_MODES),
            canonical_sufficient(values.get("accessModeSufficient", [])),
            canonical_terms(values.get("accessibilityFeature", []), ACCESSIBILITY_FEATURES),
            canonical_terms(values.get("accessibilityHazard", []), ACCESSIBILITY_HAZARDS),
        )


def broad_mode(mode: str) -> str:
    """The broad access mode a mode belongs to: ``visual`` for ``textOnVisual``, ``colorDependent``...

    Examples:
        >>> broad_mode("mathOnVisual"), broad_mode("colorDependent"), broad_mode("auditory")
        ('visual', 'visual', 'auditory')
    """
    return mode if mode in SUFFICIENT_ACCESS_MODES else "visual"


@dataclass(frozen=True, slots=True)
class AccessNeeds:
    """What one learner stated for one request: hazards to avoid, and the access modes they can use.

    ``access_modes`` is ``None`` when the learner did not say (any material will do).
    """

    avoid_hazards: tuple[str, ...] = ()
    access_modes: tuple[str, ...] | None = None
    languages: tuple[str, ...] = ()

    @property
    def stated(self) -> bool:
        """Whether there is any access need to meet (``languages`` only order what is offered)."""
        return bool(self.avoid_hazards) or self.access_modes is not None

    def language_rank(self, language: str | None) -> int:
        """How well a material in ``language`` reads for the learner: lower first; 0 when no language is asked.

        In the order of ``languages``: the very tag, a tag it covers (``fr`` asked, ``fr-CA``
        material), the same language otherwise (``fr-FR`` asked, ``fr-CA`` material); then a
        material that does not say its language, then one in another language.

        Examples:
            >>> needs = AccessNeeds(languages=("fr-CA", "en"))
            >>> [needs.language_rank(tag) for tag in ("fr-CA", "fr", "en-GB", None, "es")]
            [0, 2, 4, 6, 7]
        """
        if not self.languages:
            return 0
        if not language:
            return 3 * len(self.languages)
        tag = language.lower()
        for i, asked in enumerate(a.lower() for a in self.languages):
            if tag == asked:
                return 3 * i
            if tag.startswith(asked + "-"):
                return 3 * i + 1
            if same_language(tag, asked):
                return 3 * i + 2
        return 3 * len(self.languages) + 1

    @property
    def lacked(self) -> tuple[str, ...]:
        """Sight, hearing or reading when the learner did not list them: what an unstated material may need.

        Touch is left out: a material that needs it is rare and says so.

        Examples:
            >>> AccessNeeds(access_modes=("auditory", "textual")).lacked, AccessNeeds().lacked
            (('visual',), ())
        """
        if self.access_modes is None:
            return ()
        return tuple(m for m in ("visual", "auditory", "textual") if m not in self.access_modes)

    @classmethod
    def checked(
        cls,
        avoid_hazards: Iterable[str] | None,
        access_modes: Iterable[str] | None,
        languages: Iterable[str] | None = None,
    ) -> AccessNeeds:
        """Needs from a request, in any case; a value outside the vocabulary is refused.

        Raises:
            InvalidInput: an unknown hazard (``field: "needs.avoidHazards"``) or access mode, or
                an empty list of access modes (``field: "needs.accessModes"``), or an ill-formed
                language tag (``field: "needs.languages"``).

        Examples:
            >>> AccessNeeds.checked(["FLASHING"], ["Textual", "auditory"], ["FR-ca"])
            AccessNeeds(avoid_hazards=('flashing',), access_modes=('auditory', 'textual'), languages=('fr-CA',))
            >>> AccessNeeds.checked(None, None).stated
            False
        """
        for given, field, what in (
            (avoid_hazards, "avoidHazards", "hazard to avoid"),
            (access_modes, "accessModes", "access mode"),
        ):
            if given is not None and (blank := blank_term_problem(given, what)) is not None:
                raise InvalidInput(blank, field=f"needs.{field}")
        hazards = canonical_terms(avoid_hazards or (), HAZARDS)
        problems = _outside(hazards, HAZARDS, "hazard to avoid")
        if problems:
            raise InvalidInput("; ".join(problems), field="needs.avoidHazards")
        asked = [current_tag(tag.strip()) for tag in languages or ()]  # a device's "iw" is Hebrew
        bad = [problem for tag in asked if (problem := language_problem(tag)) is not None]
        if bad:
            raise InvalidInput("; ".join(bad), field="needs.languages")
        tags = tuple(dict.fromkeys(canonical_language(tag) or tag for tag in asked))
        if access_modes is None:
            return cls(hazards, None, tags)
        modes = canonical_terms(access_modes, SUFFICIENT_ACCESS_MODES)
        if not modes:
            raise InvalidInput(
                "give the access modes the learner can use (auditory, tactile, textual, visual), or null for any",
                field="needs.accessModes",
            )
        problems = _outside(modes, SUFFICIENT_ACCESS_MODES, "access mode")
        if problems:
            raise InvalidInput("; ".join(problems), field="needs.accessModes")
        return cls(hazards, modes, tags)


def _outside(values: Iterable[str], allowed: tuple[str, ...], what: str) -> list[str]:
    """Each value outside ``allowed``, with the closest allowed one.

    Examples:
        >>> _outside(["noFlashingHazard", "sound"], HAZARDS, "hazard to avoid")
        ["hazard to avoid 'noFlashingHazard' is not one of flashing, motionSimulation, sound (did you mean 'flashing'?)"]
        >>> _outside(["textOnVisual"], SUFFICIENT_ACCESS_MODES, "access mode")[0].split(" (")[1]
        "did you mean 'visual'?)"
    """  # noqa: E501
    problems = []
    for value in values:
        if value in allowed:
            continue
        if value in ACCESS_MODES:
            close = [broad_mode(value)]
        else:
            close = difflib.get_close_matches(value.lower(), [a.lower() for a in allowed], n=1, cutoff=0.5)
            close = [a for a in allowed if a.lower() in close]
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        problems.append(f"{what} {value!r} is not one of {', '.join(allowed)}{hint}")
    return problems


@dataclass(frozen=True, slots=True)
class Fit:
    """How a material meets a learner's needs.

    ``hazards`` are the avoided hazards it states and ``missing_modes`` the modes it
    needs that the learner did not list (fewest first): either leaves it out.
    ``unstated_hazards`` are the avoided hazards it says nothing about, and
    ``modes_unstated`` says it states no access modes: it is then offered, after the
    materials known to suit.
    """

    hazards: tuple[str, ...] = ()
    missing_modes: tuple[str, ...] = ()
    unstated_hazards: tuple[str, ...] = ()
    modes_unstated: bool = False

    @property
    def left_out(self) -> bool:
        """Whether the material must not be offered."""
        return bool(self.hazards or self.missing_modes)

    @property
    def known(self) -> bool:
        """Whether its metadata says it suits every stated need."""
        return not (self.left_out or self.unstated_hazards or self.modes_unstated)

    @property
    def rank(self) -> int:
        """0: known to suit; 1: not known (offered after); 2: left out."""
        return 2 if self.left_out else 0 if self.known else 1

    @property
    def not_stated(self) -> tuple[str, ...]:
        """The needs its metadata says nothing about: hazards, and ``accessMode``."""
        return self.unstated_hazards + (("accessMode",) if self.modes_unstated else ())


def _missing_modes(facts: AccessFacts, modes: frozenset[str]) -> tuple[str, ...] | None:
    """The modes the learner lacks on the material's easiest pathway (``()``: usable; ``None``: not stated)."""
    if facts.access_mode_sufficient:
        pathways = sufficient_sets(facts.access_mode_sufficient)
    elif facts.access_modes:
        pathways = [frozenset(broad_mode(m) for m in facts.access_modes)]
    else:
        return None
    missing = [tuple(sorted(p - modes)) for p in pathways]
    return min(missing, key=lambda m: (len(m), m))


def fit(facts: AccessFacts, needs: AccessNeeds) -> Fit:
    """How a material with ``facts`` meets ``needs``.

    Examples:
        >>> blind = AccessNeeds(("flashing",), ("auditory", "textual"))
        >>> video = AccessFacts(access_modes=("auditory", "visual"), hazards=("noFlashingHazard",))
        >>> fit(video, blind).missing_modes, fit(video, blind).left_out
        (('visual',), True)
        >>> transcribed = AccessFacts(access_modes=("auditory", "visual"), access_mode_sufficient=("textual",),
        ...                           hazards=("flashing",))
        >>> fit(transcribed, blind)
        Fit(hazards=('flashing',), missing_modes=(), unstated_hazards=(), modes_unstated=False)
        >>> fit(AccessFacts(), blind).not_stated
        ('flashing', 'accessMode')
    """
    present, unstated = [], []
    for hazard in needs.avoid_hazards:
        stated = hazard_stated(facts.hazards, hazard)
        if stated:
            present.append(hazard)
        elif stated is None:
            unstated.append(hazard)
    missing: tuple[str, ...] | None = ()
    if needs.access_modes is not None:
        missing = _missing_modes(facts, frozenset(needs.access_modes))
    return Fit(tuple(present), missing or (), tuple(unstated), missing is None)
