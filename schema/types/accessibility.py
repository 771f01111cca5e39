"""Accessibility vocabulary for pickers, and a learner's access needs as a request states them."""

from __future__ import annotations

import strawberry

from graph.access_needs import AccessNeeds
from graph.accessibility import (
    ACCESS_MODES,
    ACCESSIBILITY_FEATURES,
    ACCESSIBILITY_HAZARDS,
    HAZARDS,
    SUFFICIENT_ACCESS_MODES,
    VocabularyTerm,
    vocabulary_terms,
)

__all__ = ["AccessNeedsInput", "AccessibilityTerm", "AccessibilityVocabulary"]


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


@strawberry.input(
    description="What one learner needs of materials, for this request only: sensitive personal data that "
    "Pathwise never stores. Leave a field out (null) when it does not apply."
)
class AccessNeedsInput:
    avoid_hazards: list[str] | None = strawberry.field(
        default=None,
        description="Hazards never to offer: flashing, motionSimulation, sound (any case; another value is an "
        'error with `field: "needs.avoidHazards"`). A material that states the hazard is left out; one that '
        "says nothing about it (or `unknown`) is offered after those known to be free of it, and its reason says so.",
    )
    access_modes: list[str] | None = strawberry.field(
        default=None,
        description="The access modes the learner can use, of auditory, tactile, textual and visual "
        '(["textual", "auditory"] for a blind learner using a screen reader). A material is usable when one of '
        "its `accessModeSufficient` sets lies within them or, without those, when all its `accessModes` do "
        "(visual covers textOnVisual and the other refinements); one that states neither comes after the usable "
        'ones. [] or another value is an error with `field: "needs.accessModes"`.',
    )
    languages: list[str] | None = strawberry.field(
        default=None,
        description="The languages the learner reads, most preferred first (BCP 47 tags, as a browser's "
        "Accept-Language): within each kind a material in one of them is chosen first (`fr` takes `fr-CA`; "
        "`fr-FR` takes other French after its own), then one that does not state its language, then one in "
        "another language (never left out: a concept may have nothing else). Its `language` field says which "
        'it is. An ill-formed tag is an error with `field: "needs.languages"`.',
    )

    def to_domain(self) -> AccessNeeds:
        """The checked needs.

        Raises:
            InvalidInput: a term outside the vocabulary, or no access mode at all.
        """
        return AccessNeeds.checked(self.avoid_hazards, self.access_modes, self.languages)
