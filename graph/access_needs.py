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

from dataclasses import dataclass
from typing import TYPE_CHECKING

from graph.accessibility import (
    ACCESS_MODES,
    ACCESSIBILITY_FEATURES,
    ACCESSIBILITY_HAZARDS,
    SUFFICIENT_ACCESS_MODES,
    canonical_language,
    canonical_sufficient,
    canonical_terms,
)

if TYPE_CHECKING:
    from graph.model import Material

__all__ = ["AccessFacts", "broad_mode"]


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
