"""Accessibility API: the vocabulary for pickers, and the arguments that list materials by their metadata."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.types.accessibility import AccessibilityVocabulary, AccessNeedsInput

__all__ = [
    "AccessModeArg",
    "AccessNeedsArg",
    "AccessibilityFeatureArg",
    "AccessibilityQuery",
    "LanguageArg",
    "OrphansArg",
    "WithoutHazardArg",
]

AccessibilityFeatureArg = Annotated[
    list[str] | None,
    strawberry.argument(
        description='Only materials stating these features (one value or a list: each must be stated; "captions" '
        "also finds closedCaptions and openCaptions). Terms as in `accessibilityVocabulary.features`, any case; "
        'another is an error with `field: "accessibilityFeature"`.'
    ),
]
WithoutHazardArg = Annotated[
    list[str] | None,
    strawberry.argument(
        description="Only materials stating they are free of these hazards: flashing (or noFlashingHazard), "
        'motionSimulation, sound, or "none" for all three; a material stating `none` is free of each. A material '
        "that states nothing about a hazard, or `unknown`, is NOT known to be free of it and is never listed here. "
        'Another value is an error with `field: "withoutHazard"`.'
    ),
]
AccessModeArg = Annotated[
    list[str] | None,
    strawberry.argument(
        description="Only materials stating these access modes (each must be stated; visual also finds "
        "textOnVisual and the other visual refinements). Terms as in `accessibilityVocabulary.accessModes`; "
        'another is an error with `field: "accessMode"`.'
    ),
]
LanguageArg = Annotated[
    str | None,
    strawberry.argument(
        description='Only materials in this BCP 47 language, in any case, a tag matching its subtags too ("en" '
        'finds "en" and "en-US", "en-US" only "en-US"). A material stating no language is not listed. An '
        'ill-formed tag is an error with `field: "language"`.'
    ),
]
OrphansArg = Annotated[
    bool | None,
    strawberry.argument(
        description="true: only materials that teach and assess no concept (what deleting a concept or a bad import "
        "leaves; not allowed beside `conceptId`); false: only the others; null: both."
    ),
]
AccessNeedsArg = Annotated[
    AccessNeedsInput | None,
    strawberry.argument(
        description="The learner's access needs, for this request only (never stored): materials that state a "
        "hazard they avoid or that they cannot use are left out, and those whose metadata does not say come after "
        "the ones known to suit. Null: no needs."
    ),
]


@strawberry.type
class AccessibilityQuery:
    @strawberry.field(
        description="Every term materials' accessibility fields allow, deprecated ones marked, for a frontend's "
        "pickers (filters, learner needs, a designer's form)."
    )
    def accessibility_vocabulary(self) -> AccessibilityVocabulary | None:
        return AccessibilityVocabulary()
