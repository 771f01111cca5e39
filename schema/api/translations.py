"""Concept translations: a label, definition and alternative labels in one language, set and removed by designers."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers import concepts
from schema.api.common import guarded
from schema.context import Info
from schema.types.concept import ConceptType
from schema.types.inputs import SetConceptTranslationInput
from schema.types.payloads import ConceptResult

__all__ = ["TranslationMutation"]


@strawberry.type
class TranslationMutation:
    @strawberry.mutation(
        description="Create or replace a concept's label, definition and alternative labels in one language; the "
        "other languages, and the label and definition the concept shows, stay (`updateConcept` changes those)."
    )
    def set_concept_translation(
        self,
        info: Info,
        input: Annotated[
            SetConceptTranslationInput, strawberry.argument(description="The concept, the language and its values.")
        ],
    ) -> ConceptResult | None:
        kg = info.context.kg
        return guarded(
            lambda: ConceptType.from_domain(
                concepts.set_translation(
                    kg,
                    str(input.concept_id),
                    input.to_domain(),
                    keep_alt_labels=input.alt_labels is None,
                    keep_definition=input.definition is None,
                    if_version=input.if_version,
                )
            )
        )

    @strawberry.mutation(
        description="Remove a concept's label, definition and alternative labels in one language (NOT_FOUND with "
        '`field: "language"` when it has none in it).'
    )
    def remove_concept_translation(
        self,
        info: Info,
        concept_id: Annotated[
            strawberry.ID,
            strawberry.argument(description='The concept (NOT_FOUND with `field: "conceptId"` when there is none).'),
        ],
        language: Annotated[
            str,
            strawberry.argument(
                description='The BCP 47 tag of the language, in any case ("es-mx" is "es-MX"); not the language of '
                "the concept's own label or definition (INVALID: `updateConcept` changes those)."
            ),
        ],
    ) -> ConceptResult | None:
        kg = info.context.kg
        return guarded(
            lambda: ConceptType.from_domain(concepts.remove_translation(kg, str(concept_id), language.strip()))
        )
