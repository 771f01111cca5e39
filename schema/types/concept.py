"""The ``Concept`` type: a skill or idea, with its prerequisites, dependents and materials."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from graph.accessibility import language_problem
from graph.errors import ConceptNotFound, InvalidInput
from graph.language_codes import current_tag, same_language
from graph.model import Concept, Translation
from graph.translations import translation_version
from schema.context import Info
from schema.types.enums import MaterialKind

if TYPE_CHECKING:
    from schema.types.curriculum import CurriculumType
    from schema.types.material import MaterialType

__all__ = ["ConceptType", "PrerequisiteLink"]

MaterialRef = Annotated["MaterialType", strawberry.lazy("schema.types.material")]
CurriculumRef = Annotated["CurriculumType", strawberry.lazy("schema.types.curriculum")]


LanguageArg = Annotated[
    str | None,
    strawberry.argument(
        description='A BCP 47 language tag ("es", "pt-BR"): the exact tag first, then the same language '
        '("es" finds "es-MX"), never in another script ("zh-Hans" does not find "zh-Hant"); null or none stored: '
        'the default. An ill-formed tag ("fr_CA") is an INVALID '
        "error on `language`."
    ),
]


@strawberry.type(
    name="Translation", description="A concept's label, definition and alternative labels in one language."
)
class TranslationType:
    language: str = strawberry.field(description="The BCP 47 language tag, in its canonical case (`es-MX`).")
    label: str = strawberry.field(description='The label in that language ("" when there is none).')
    definition: str = strawberry.field(description='The definition in that language ("" when there is none).')
    alt_labels: list[str] = strawberry.field(
        description="The alternative labels in that language (`altLabels` lists them too, with every language's)."
    )
    version: str = strawberry.field(
        description="These values as read now, to pass as `SetConceptTranslationInput.ifVersion`: a change from a "
        "form read earlier is then refused if someone changed them since."
    )

    @classmethod
    def from_domain(cls, translation: Translation) -> TranslationType:
        """The GraphQL view of a stored translation, with its version."""
        return cls(
            language=translation.language,
            label=translation.label,
            definition=translation.definition,
            alt_labels=list(translation.alt_labels),
            version=translation_version(translation),
        )


def best_language(translations: list[Translation], language: str) -> Translation | None:
    """The translation whose tag is ``language`` (any case), else the first of the same language and script.

    Examples:
        >>> found = [Translation("es-MX", "Álgebra"), Translation("pt", "Álgebra (pt)")]
        >>> best_language(found, "ES").language, best_language(found, "pt-BR").label, best_language(found, "de")
        ('es-MX', 'Álgebra (pt)', None)
    """
    wanted = language.lower()
    exact = [t for t in translations if t.language.lower() == wanted]
    if exact:
        return exact[0]
    same = [t for t in translations if same_language(wanted, t.language)]  # zh-Hans is not given zh-Hant
    return same[0] if same else None


@strawberry.type(name="Concept", description="A concept of a curriculum (a `skos:Concept`).")
class ConceptType:
    """A concept by id; its record is loaded (batched) only when a field needs it.

    Traversals come from the projection as ids, so a query that asks only for ids
    (``prerequisites(transitive: true) { id }``) never touches the store.
    """

    id: strawberry.ID = strawberry.field(description="A slug ([A-Za-z0-9_.-]) or an absolute IRI kept from elsewhere.")
    domain: strawberry.Private[Concept | None] = None

    @classmethod
    def from_domain(cls, concept: Concept) -> ConceptType:
        """Wrap a domain concept."""
        return cls(id=strawberry.ID(concept.id), domain=concept)

    @classmethod
    def from_id(cls, ident: str) -> ConceptType:
        """A concept known (from the projection) to exist, loaded on demand."""
        return cls(id=strawberry.ID(ident))

    async def record(self, info: Info) -> Concept:
        """The domain concept, through the request's loader."""
        if self.domain is None:
            found = await info.context.loaders.concept_by_id.load(str(self.id))
            if found is None:
                raise ConceptNotFound(str(self.id))
            self.domain = found
        return self.domain

    @strawberry.field(
        description="This concept as read now (its label, definition, alternative labels, broader concepts and "
        "curriculum), to pass as `UpdateConceptInput.ifVersion`: an update from a form read earlier is then refused "
        "if someone changed the concept since."
    )
    async def version(self, info: Info) -> str:
        from graph.edit_versions import version_of

        return version_of(await self.record(info))

    @strawberry.field(
        description="The preferred label (`skos:prefLabel`): in `language` when the concept has one in it (see "
        "`translations`), else the one Pathwise shows (untagged, else English, else the first language)."
    )
    async def label(self, info: Info, language: LanguageArg = None) -> str:
        chosen = await self._in(info, language)
        return chosen.label if chosen is not None and chosen.label else (await self.record(info)).label

    @strawberry.field(
        description="The language tag of what `label(language:)` gives: the translation's when one matched, else "
        "the shown label's; null when that label carries no tag (the curriculum's own language). A frontend sets "
        "it as the text's `lang`, so a screen reader does not read an English fallback with a Spanish voice."
    )
    async def label_language(self, info: Info, language: LanguageArg = None) -> str | None:
        return await self._language_of(info, language, "label")

    @strawberry.field(description="The definition (`skos:definition`), in `language` as `label` is.")
    async def definition(self, info: Info, language: LanguageArg = None) -> str:
        chosen = await self._in(info, language)
        return chosen.definition if chosen is not None and chosen.definition else (await self.record(info)).definition

    @strawberry.field(
        description="The language tag of what `definition(language:)` gives, as `labelLanguage` is the label's: a "
        "translation with a label but no definition gives the default definition, in another language; null when "
        "that definition carries no tag, or there is none."
    )
    async def definition_language(self, info: Info, language: LanguageArg = None) -> str | None:
        return await self._language_of(info, language, "definition")

    async def _language_of(self, info: Info, language: str | None, field: str) -> str | None:
        """The tag of the ``field`` (label or definition) given for ``language``: the match's, else the shown one's."""
        chosen = await self._in(info, language)
        if chosen is not None and getattr(chosen, field):
            return chosen.language
        shown = getattr(await self.record(info), field)
        if not shown:
            return None
        found = await info.context.loaders.translations_by_concept.load(str(self.id))
        return next((t.language for t in found if getattr(t, field) == shown), None)

    @strawberry.field(
        description="The label and definition in each language they are stored in with a language tag "
        '(`"Ζήτα"@el`), by language; the shown ones are not repeated here when they carry no tag.'
    )
    async def translations(self, info: Info) -> list[TranslationType]:
        found = await info.context.loaders.translations_by_concept.load(str(self.id))
        return [TranslationType.from_domain(t) for t in found]

    async def _in(self, info: Info, language: str | None) -> Translation | None:
        """The concept's translation best matching ``language`` (a BCP 47 tag), if any."""
        if not language:
            return None
        language = current_tag(language)  # Android's "iw" for Hebrew lost the whole concept to an error
        bad = language_problem(language)
        if bad is not None:  # "fr_CA", an OS locale, answered the default label: English for French readers
            raise InvalidInput(bad, field="language")
        return best_language(await info.context.loaders.translations_by_concept.load(str(self.id)), language)

    @strawberry.field(description="Other labels (`skos:altLabel`), in every language (`translations` says which).")
    async def alt_labels(self, info: Info) -> list[str]:
        return list((await self.record(info)).alt_labels)

    @strawberry.field(description="The id of the curriculum this concept belongs to.")
    async def curriculum_id(self, info: Info) -> strawberry.ID | None:
        curriculum = (await self.record(info)).curriculum
        return strawberry.ID(curriculum) if curriculum else None

    @strawberry.field(
        description="Concepts this one requires; with `transitive`, the whole closure, nearest first "
        "(`maxDepth` levels of it: 1 is the direct prerequisites; `maxDepth` needs `transitive: true`)."
    )
    async def prerequisites(
        self,
        info: Info,
        transitive: Annotated[
            bool,
            strawberry.argument(
                description="Every prerequisite down the chains, nearest first, instead of the direct ones only."
            ),
        ] = False,
        max_depth: Annotated[
            int | None,
            strawberry.argument(
                description="With `transitive: true`, how many levels to follow, 1 or more (1: the direct ones); "
                'null: all. Anything else is an error with `field: "maxDepth"`.'
            ),
        ] = None,
    ) -> list[ConceptType]:
        if max_depth is not None and max_depth < 1:  # 0 and -1 answered [] as if the concept had none
            raise InvalidInput(
                f"maxDepth must be at least 1 (1: the direct prerequisites), not {max_depth}", field="maxDepth"
            )
        if max_depth is not None and not transitive:  # it was ignored: maxDepth 3 answered the direct ones
            raise InvalidInput(
                "maxDepth needs transitive: true (without it the answer is the direct ones)", field="maxDepth"
            )
        loaders = info.context.loaders
        ids = await loaders.prerequisite_ids_by_concept.load((self.id, transitive, max_depth))
        return [ConceptType.from_id(i) for i in ids]

    @strawberry.field(description="Direct prerequisites with the strength and provenance of each edge.")
    async def prerequisite_links(self, info: Info) -> list[PrerequisiteLink]:
        loaders = info.context.loaders
        ids = await loaders.prerequisite_ids_by_concept.load((self.id, False, None))
        kg = info.context.kg
        return [
            PrerequisiteLink(
                prerequisite=ConceptType.from_id(i),
                strength=kg.strength(self.id, i),
                provenance=kg.provenance(self.id, i),
            )
            for i in ids
        ]

    @strawberry.field(description="Concepts that require this one; with `transitive`, all of them.")
    async def dependents(
        self,
        info: Info,
        transitive: Annotated[
            bool,
            strawberry.argument(
                description="Every concept that requires this one down the chains, nearest first, instead of the "
                "direct ones only."
            ),
        ] = False,
    ) -> list[ConceptType]:
        loaders = info.context.loaders
        ids = await loaders.dependent_ids_by_concept.load((self.id, transitive))
        return [ConceptType.from_id(i) for i in ids]

    @strawberry.field(description="Broader concepts (`skos:broader`).")
    async def broader(self, info: Info) -> list[ConceptType]:
        return _wrap(await info.context.loaders.concept_by_id.load_many(list((await self.record(info)).broader)))

    @strawberry.field(description="Materials that teach or assess this concept, optionally of one type.")
    async def materials(
        self,
        info: Info,
        type: Annotated[
            MaterialKind | None, strawberry.argument(description="Only materials of this type; null: every type.")
        ] = None,
    ) -> list[MaterialRef]:
        from schema.types.material import MaterialType

        loaders = info.context.loaders
        ids = await loaders.material_ids_by_concept.load(self.id)
        found = await loaders.material_by_id.load_many(ids)
        return [MaterialType.from_domain(m) for m in found if m is not None and (type is None or m.type == type)]

    @strawberry.field(description="The curriculum this concept belongs to.")
    async def curriculum(self, info: Info) -> CurriculumRef | None:
        from schema.types.curriculum import CurriculumType

        curriculum = (await self.record(info)).curriculum
        if curriculum is None:
            return None
        found = await info.context.loaders.curriculum_by_id.load(curriculum)
        return CurriculumType.from_domain(found) if found is not None else None


@strawberry.type(description="A direct prerequisite and how much it matters (strength in (0, 1]).")
class PrerequisiteLink:
    prerequisite: ConceptType = strawberry.field(description="The concept required.")
    strength: float = strawberry.field(description="How much it matters, in (0, 1].")
    provenance: str = strawberry.field(
        description='Where the edge came from: `designer`, an importer\'s name, `case:precedes:<id>`; "" unsaid.'
    )


def _wrap(concepts: list[Concept | None]) -> list[ConceptType]:
    return [ConceptType.from_domain(c) for c in concepts if c is not None]
