"""Accessibility vocabulary for pickers."""

from __future__ import annotations

import strawberry

from graph.accessibility import (
    ACCESS_MODES,
    ACCESSIBILITY_FEATURES,
    ACCESSIBILITY_HAZARDS,
    HAZARDS,
    SUFFICIENT_ACCESS_MODES,
    VocabularyTerm,
    vocabulary_terms,
)

__all__ = ["AccessibilityTerm", "AccessibilityVocabulary"]


@strawberry.type(description="One term a material's accessibility metadata may use.")
class AccessibilityTerm:
    term: str = strawberry.field(description="The term as schema.org spells it (inputs take any case).")
    deprecated: bool = strawberry.field(
        description="Whether the W3C vocabulary deprecates it (`captions`, `bookmarks`): still accepted, since "
        "publishers write it, but a picker should offer `useInstead`."
    )
    use_instead: list[str] = strawberry.field(
        description="The terms the vocabulary asks authors to use instead (`closedCaptions` or `openCaptions` "
        "for `captions`; `pageBreakMarkers` for its synonym `printPageNumbers`, discouraged but not deprecated); "
        "[] for most."
    )

    @classmethod
    def from_domain(cls, term: VocabularyTerm) -> AccessibilityTerm:
        """Wrap a domain term."""
        return cls(term=term.term, deprecated=term.deprecated, use_instead=list(term.preferred))


def _terms(vocabulary: tuple[str, ...]) -> list[AccessibilityTerm]:
    return [AccessibilityTerm.from_domain(t) for t in vocabulary_terms(vocabulary)]


@strawberry.type(
    description="The terms materials' accessibility fields allow, and those learner needs take, for pickers."
)
class AccessibilityVocabulary:
    @strawberry.field(description="`accessModes` terms (and the `accessMode` filter's).")
    def access_modes(self) -> list[AccessibilityTerm]:
        return _terms(ACCESS_MODES)

    @strawberry.field(
        description="The modes of `accessModeSufficient` sets, and of a learner's `needs.accessModes`: the four "
        "broad ones (visual covers textOnVisual, mathOnVisual and the other refinements)."
    )
    def sufficient_access_modes(self) -> list[AccessibilityTerm]:
        return _terms(SUFFICIENT_ACCESS_MODES)

    @strawberry.field(description="`accessibilityFeatures` terms (and the `accessibilityFeature` filter's).")
    def features(self) -> list[AccessibilityTerm]:
        return _terms(ACCESSIBILITY_FEATURES)

    @strawberry.field(description="`accessibilityHazards` terms.")
    def hazards(self) -> list[AccessibilityTerm]:
        return _terms(ACCESSIBILITY_HAZARDS)

    @strawberry.field(
        description="The hazards a learner can avoid (`needs.avoidHazards`) and the `withoutHazard` filter takes "
        "(with `none` for all three)."
    )
    def avoidable_hazards(self) -> list[AccessibilityTerm]:
        return _terms(HAZARDS)
