"""The ``Material`` type: a learning resource linked to the concepts it teaches or assesses."""

from __future__ import annotations

import strawberry

from graph.answer_key import split_answer_key
from graph.model import Material
from schema.context import Info
from schema.types.concept import ConceptType
from schema.types.enums import MaterialKind

__all__ = ["MaterialType"]


@strawberry.type(name="Material", description="A learning resource (a `schema:LearningResource`).")
class MaterialType:
    id: strawberry.ID = strawberry.field(description="A slug ([A-Za-z0-9_.-]) or an absolute IRI kept from elsewhere.")
    title: str = strawberry.field(description="The title.")
    type: MaterialKind = strawberry.field(description="What kind of resource it is.")
    difficulty: int = strawberry.field(description="1 (introductory) to 5 (hardest).")
    minutes: int = strawberry.field(description="Estimated study time.")
    url: str = strawberry.field(description='A link to the resource, http(s) or relative; "" when there is none.')
    language: str | None = strawberry.field(
        description='The BCP 47 tag of the material\'s language (`schema:inLanguage`, such as "en" or "pt-BR"), '
        "for a page's `lang` attribute so a screen reader reads it in that language; null when not stated."
    )
    access_modes: list[str] = strawberry.field(
        description="How its information is encoded (`schema:accessMode`: textual, visual, auditory, mathOnVisual... "
        "as schema.org spells them); [] when not stated."
    )
    access_mode_sufficient: list[str] = strawberry.field(
        description="The ways through it that carry all of its content (`schema:accessModeSufficient`), one set "
        'of access modes a string, comma-joined: ["textual", "auditory,visual"] for a video whose transcript '
        "carries it all and that can also be watched and heard. Modes are auditory, tactile, textual and visual. "
        "[] when not stated (then every one of `accessModes` is needed, as far as Pathwise knows)."
    )
    accessibility_features: list[str] = strawberry.field(
        description="What it provides for access (`schema:accessibilityFeature`: closedCaptions, transcript, "
        'alternativeText, longDescription, describedMath, MathML... as schema.org spells them; "none": it has '
        "none); [] when not stated, which says nothing about captions either way."
    )
    accessibility_hazards: list[str] = strawberry.field(
        description="What may harm some students (`schema:accessibilityHazard`: flashing, motionSimulation, sound, or "
        'noFlashingHazard...; "none": no hazard); [] when not stated.'
    )
    accessibility_summary: str = strawberry.field(
        description='What the terms cannot say, in words (`schema:accessibilitySummary`); "" when there is none.'
    )
    activity_ids: list[str] = strawberry.field(
        description="The xAPI activity ids (absolute IRIs) an LMS names it by in its statements' `object.id`: a "
        "statement or attempt naming one is about this material; [] when it has none."
    )
    domain: strawberry.Private[Material]

    @classmethod
    def from_domain(cls, material: Material) -> MaterialType:
        """Wrap a domain material."""
        return cls(
            id=strawberry.ID(material.id),
            title=material.title,
            type=material.type,
            difficulty=material.difficulty,
            minutes=material.minutes,
            url=material.url,
            language=material.language,
            access_modes=list(material.access_modes),
            access_mode_sufficient=list(material.access_mode_sufficient),
            accessibility_features=list(material.accessibility_features),
            accessibility_hazards=list(material.accessibility_hazards),
            accessibility_summary=material.accessibility_summary,
            activity_ids=list(material.activity_ids),
            domain=material,
        )

    @strawberry.field(
        description='The content as plain text (what question answering searches); "" when there is none. '
        "For a student, an exercise's text stops before its answer key until they have recorded an attempt on "
        "that exercise (`PATHWISE_ANSWER_KEYS`; see `answerKey`)."
    )
    async def text(self, info: Info) -> str:
        prompt, key = self._split()
        return self.domain.text if key is None or await self._key_shown(info) else prompt

    @strawberry.field(
        description="This material as read now, to pass as `UpdateMaterialInput.ifVersion`: it changes whenever any "
        "of its values does. Null for a caller who may not read its answer key (the version covers the key)."
    )
    async def version(self, info: Info) -> str | None:
        from graph.edit_versions import version_of

        _, key = self._split()
        return version_of(self.domain) if key is None or await self._key_shown(info) else None

    @strawberry.field(
        description="For an exercise: `text` without its answer key, the items as a student first sees them. "
        'Otherwise `text` (a worked example\'s "Answer:" is part of its solution).'
    )
    def prompt(self) -> str:
        return self._split()[0]

    @strawberry.field(
        description='For an exercise: its answer key, from its heading line ("Answers:", "Answer key:", '
        '"Solutions:") on; null when it has none, and for any other kind. `text` is `prompt` and this together. '
        "Null for a student until they have recorded an attempt on this exercise (`PATHWISE_ANSWER_KEYS`: "
        "`after-attempt` by default; `open` shows keys to everyone, `staff` to no student)."
    )
    async def answer_key(self, info: Info) -> str | None:
        key = self._split()[1]
        return key if key is not None and await self._key_shown(info) else None

    @strawberry.field(
        description="Whether this exercise has an answer key, whether or not the caller may read it yet: a frontend "
        'shows a student "answer to see the solutions" where `answerKey` is null and this is true.'
    )
    def has_answer_key(self) -> bool:
        return self._split()[1] is not None

    def _split(self) -> tuple[str, str | None]:
        text = self.domain.text
        return split_answer_key(text) if self.domain.type is MaterialKind.EXERCISE else (text, None)

    async def _key_shown(self, info: Info) -> bool:
        shown = await info.context.keys_shown()
        return shown is None or self.domain.id in shown

    @strawberry.field(description="Concepts this material teaches.")
    async def teaches(self, info: Info) -> list[ConceptType]:
        found = await info.context.loaders.concept_by_id.load_many(list(self.domain.teaches))
        return [ConceptType.from_domain(c) for c in found if c is not None]

    @strawberry.field(description="Concepts this material assesses.")
    async def assesses(self, info: Info) -> list[ConceptType]:
        found = await info.context.loaders.concept_by_id.load_many(list(self.domain.assesses))
        return [ConceptType.from_domain(c) for c in found if c is not None]
