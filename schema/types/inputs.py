"""Mutation inputs, and their conversion to domain objects."""

from __future__ import annotations

import enum

import strawberry

from graph.accessibility import (
    ACCESS_MODES,
    ACCESSIBILITY_FEATURES,
    ACCESSIBILITY_HAZARDS,
    blank_term_problem,
    canonical_language,
    canonical_sufficient,
    canonical_terms,
)
from graph.activities import canonical_activity_ids
from graph.errors import InvalidInput
from graph.model import Concept, Material, Translation
from graph.text import tidy
from schema.types.enums import ImportFormat, MaterialKind

__all__ = [
    "CreateConceptInput",
    "CreateMaterialInput",
    "CsvFilesInput",
    "ImportCurriculumInput",
    "LinkRelation",
    "SetConceptTranslationInput",
    "UpdateConceptInput",
    "UpdateMaterialInput",
]


@strawberry.input(
    description="A new concept: its id, label and the concepts it requires (validated: no cycle, no unknown id)."
)
class CreateConceptInput:
    id: strawberry.ID = strawberry.field(description="A slug ([A-Za-z0-9_.-]) or an absolute IRI.")
    label: str = strawberry.field(description="The preferred label (not blank).")
    definition: str = strawberry.field(default="", description="The definition (at most 10,000 characters).")
    alt_labels: list[str] = strawberry.field(
        default_factory=list, description="Other labels (`concepts(search:)` finds them too), at most 500."
    )
    broader: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Ids of existing broader concepts (`skos:broader`)."
    )
    curriculum_id: strawberry.ID | None = strawberry.field(
        default=None,
        description='An existing curriculum it belongs to (NOT_FOUND with `field: "curriculumId"`); null: none.',
    )
    prerequisites: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Ids of existing concepts this one requires."
    )

    def to_domain(self) -> Concept:
        """The concept this input describes."""
        return Concept(
            id=str(self.id),
            label=tidy(self.label),
            definition=tidy(self.definition),
            alt_labels=tuple(tidy(a) for a in self.alt_labels),
            broader=tuple(str(b) for b in self.broader),
            curriculum=str(self.curriculum_id) if self.curriculum_id else None,
        )


@strawberry.input(description="Fields left out keep their value; so does a null, except `curriculumId`'s.")
class UpdateConceptInput:
    id: strawberry.ID = strawberry.field(
        description='The concept to change (NOT_FOUND with `field: "id"` when there is none).'
    )
    label: str | None = strawberry.field(default=None, description="The new label (not blank); null: unchanged.")
    definition: str | None = strawberry.field(default=None, description="The new definition; null: unchanged.")
    alt_labels: list[str] | None = strawberry.field(
        default=None, description="Replaces every alternative label ([]: none); null: unchanged."
    )
    broader: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="Replaces the broader concepts (existing ids that make no cycle of broader links; []: none); "
        "null: unchanged.",
    )
    curriculum_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Move the concept to this curriculum; `null` takes it out of any."
    )
    if_version: str | None = strawberry.field(
        default=None,
        description="The concept's `version` when the form was read: the update is refused (CONFLICT, "
        '`field: "ifVersion"`) if someone changed the concept since, rather than putting back what they changed; '
        "null: update whatever it is now.",
    )

    def changes(self) -> dict[str, object]:
        """The changed fields, named as on the domain ``Concept``."""
        out: dict[str, object] = {}
        if self.label is not None:
            out["label"] = tidy(self.label)
        if self.definition is not None:
            out["definition"] = tidy(self.definition)
        if self.alt_labels is not None:
            out["alt_labels"] = tuple(tidy(a) for a in self.alt_labels)
        if self.broader is not None:
            out["broader"] = tuple(str(b) for b in self.broader)
        if self.curriculum_id is not strawberry.UNSET:
            out["curriculum"] = None if self.curriculum_id is None else str(self.curriculum_id)
        return out


@strawberry.input(description="A concept's label, definition and alternative labels in one language.")
class SetConceptTranslationInput:
    concept_id: strawberry.ID = strawberry.field(
        description='The concept (NOT_FOUND with `field: "conceptId"` when there is none).'
    )
    language: str = strawberry.field(
        description='The BCP 47 tag of the language ("es", "pt-BR"): read in any case and kept as "pt-BR"; an '
        "ill-formed one is INVALID. Not the language the concept shows its own label or definition in (INVALID: "
        "`updateConcept` changes those)."
    )
    label: str = strawberry.field(description="The label in that language (one line, not blank).")
    definition: str | None = strawberry.field(
        default=None,
        description='The definition in that language ("": none); null: it stays as it is (a form that edits the '
        "label alone had to send the definition again).",
    )
    alt_labels: list[str] | None = strawberry.field(
        default=None,
        description="Replaces the alternative labels in that language ([]: none); null: they stay as they are.",
    )
    if_version: str | None = strawberry.field(
        default=None,
        description="The translation's `version` when the form was read: the change is refused (CONFLICT, "
        '`field: "ifVersion"`) if someone changed or removed that language\'s values since, rather than putting '
        "back what they changed; null: replace whatever is there now.",
    )

    def to_domain(self) -> Translation:
        """The translation this input describes (its alternative labels empty when not given)."""
        return Translation(
            language=self.language.strip(),
            label=tidy(self.label),
            definition=tidy(self.definition or ""),
            alt_labels=tuple(tidy(a) for a in self.alt_labels or ()),
        )


LANGUAGE_DOC = (
    'The BCP 47 tag of its language (`schema:inLanguage`): "en", "pt-BR"; read in any case and kept as "pt-BR"; '
    "an ill-formed one is INVALID."
)
ACCESS_MODES_DOC = "`schema:accessMode` terms: " + ", ".join(ACCESS_MODES) + " (any case; another value is INVALID)."
SUFFICIENT_DOC = (
    "`schema:accessModeSufficient`: each string one set of access modes that together suffice to take in all of "
    'it, comma-joined ("textual" for a video with a full transcript, "auditory,visual" for watching it); modes '
    "are auditory, tactile, textual and visual (any case; another value is INVALID)."
)
FEATURES_DOC = (
    "`schema:accessibilityFeature` terms, such as closedCaptions, transcript, alternativeText, longDescription, "
    'describedMath or MathML (any case; a value outside schema.org\'s list, such as "caption", is INVALID; '
    '"none" and "unknown" stand alone).'
)
HAZARDS_DOC = (
    "`schema:accessibilityHazard` terms: " + ", ".join(ACCESSIBILITY_HAZARDS) + " (any case; another value, or a "
    "hazard both present and absent, is INVALID)."
)
SUMMARY_DOC = "What the terms cannot say, in words (`schema:accessibilitySummary`)."
ACTIVITY_IDS_DOC = (
    "The xAPI activity ids an LMS names it by (its statements' `object.id`, such as Moodle's "
    "`http://lms.example/question/question.php?cmid=1&id=1`): recordStatements, recordAttempts' materialId and "
    "`pathwise attempts import --format xapi` take each for this material. Absolute IRIs, kept as given (trimmed, "
    "once each); another value is INVALID. One IRI names one material: an IRI another material lists, or another "
    "material's id, is DUPLICATE on `activityIds`, naming both."
)


@strawberry.input(description="A new material and the concepts it teaches or assesses (they must exist).")
class CreateMaterialInput:
    id: strawberry.ID = strawberry.field(
        description="A slug ([A-Za-z0-9_.-]) or an absolute IRI; DUPLICATE when a material has it."
    )
    title: str = strawberry.field(description="The title (not blank).")
    type: MaterialKind = strawberry.field(description="What kind of resource it is.")
    difficulty: int = strawberry.field(default=1, description="1 (introductory) to 5 (hardest).")
    minutes: int = strawberry.field(default=5, description="Estimated study time in minutes, 1 to 6,000.")
    text: str = strawberry.field(
        default="",
        description="The content as plain text (what question answering searches), at most 500,000 characters.",
    )
    url: str = strawberry.field(
        default="",
        description="A link to the resource, http(s) or relative (`javascript:`, `data:` and `//host` are refused), "
        "at most 8,000 characters.",
    )
    teaches: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Ids of existing concepts it teaches (an unknown id is refused)."
    )
    assesses: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Ids of existing concepts it assesses (an unknown id is refused)."
    )
    language: str | None = strawberry.field(default=None, description=f"{LANGUAGE_DOC} Null: not stated.")
    access_modes: list[str] = strawberry.field(default_factory=list, description=ACCESS_MODES_DOC)
    access_mode_sufficient: list[str] = strawberry.field(default_factory=list, description=SUFFICIENT_DOC)
    accessibility_features: list[str] = strawberry.field(default_factory=list, description=FEATURES_DOC)
    accessibility_hazards: list[str] = strawberry.field(default_factory=list, description=HAZARDS_DOC)
    accessibility_summary: str = strawberry.field(default="", description=SUMMARY_DOC)
    activity_ids: list[str] = strawberry.field(default_factory=list, description=ACTIVITY_IDS_DOC)

    def to_domain(self) -> Material:
        """The material this input describes (a blank accessibility term: ``InvalidInput``)."""
        _refuse_blank_terms(
            access_modes=self.access_modes,
            access_mode_sufficient=self.access_mode_sufficient,
            accessibility_features=self.accessibility_features,
            accessibility_hazards=self.accessibility_hazards,
        )
        return Material(
            id=str(self.id),
            title=tidy(self.title),
            type=self.type,
            difficulty=self.difficulty,
            minutes=self.minutes,
            text=self.text,
            url=self.url,
            teaches=tuple(str(c) for c in self.teaches),
            assesses=tuple(str(c) for c in self.assesses),
            language=canonical_language(self.language),
            access_modes=canonical_terms(self.access_modes, ACCESS_MODES),
            access_mode_sufficient=canonical_sufficient(self.access_mode_sufficient),
            accessibility_features=canonical_terms(self.accessibility_features, ACCESSIBILITY_FEATURES),
            accessibility_hazards=canonical_terms(self.accessibility_hazards, ACCESSIBILITY_HAZARDS),
            accessibility_summary=tidy(self.accessibility_summary),
            activity_ids=canonical_activity_ids(self.activity_ids),
        )


@strawberry.input(description="Fields left out (null) keep their value.")
class UpdateMaterialInput:
    id: strawberry.ID = strawberry.field(
        description='The material to change (NOT_FOUND with `field: "id"` when there is none).'
    )
    if_version: str | None = strawberry.field(
        default=None,
        description="The material's `version` when the form was read: the update is refused (CONFLICT, "
        '`field: "ifVersion"`) if someone changed the material since; null: update whatever it is now.',
    )
    title: str | None = strawberry.field(default=None, description="The new title (not blank); null: unchanged.")
    type: MaterialKind | None = strawberry.field(default=None, description="The new type; null: unchanged.")
    difficulty: int | None = strawberry.field(default=None, description="The new difficulty, 1 to 5; null: unchanged.")
    minutes: int | None = strawberry.field(
        default=None, description="The new study time in minutes, 1 to 6,000; null: unchanged."
    )
    text: str | None = strawberry.field(default=None, description="The new plain-text content; null: unchanged.")
    url: str | None = strawberry.field(
        default=None, description='The new link, http(s) or relative ("": none); null: unchanged.'
    )
    teaches: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Replaces the concepts it teaches (existing ids; []: none); null: unchanged."
    )
    assesses: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Replaces the concepts it assesses (existing ids; []: none); null: unchanged."
    )
    language: str | None = strawberry.field(default=None, description=f'{LANGUAGE_DOC} "": none; null: unchanged.')
    access_modes: list[str] | None = strawberry.field(
        default=None, description=f"Replaces the access modes ([]: none); null: unchanged. {ACCESS_MODES_DOC}"
    )
    access_mode_sufficient: list[str] | None = strawberry.field(
        default=None, description=f"Replaces the sufficient access modes ([]: none); null: unchanged. {SUFFICIENT_DOC}"
    )
    accessibility_features: list[str] | None = strawberry.field(
        default=None, description=f"Replaces the accessibility features ([]: none); null: unchanged. {FEATURES_DOC}"
    )
    accessibility_hazards: list[str] | None = strawberry.field(
        default=None, description=f"Replaces the accessibility hazards ([]: none); null: unchanged. {HAZARDS_DOC}"
    )
    accessibility_summary: str | None = strawberry.field(
        default=None, description=f'{SUMMARY_DOC} ("": none); null: unchanged.'
    )
    activity_ids: list[str] | None = strawberry.field(
        default=None, description=f"Replaces the activity ids ([]: none); null: unchanged. {ACTIVITY_IDS_DOC}"
    )

    def changes(self) -> dict[str, object]:
        """The changed fields, named as on the domain ``Material``."""
        out: dict[str, object] = {}
        for name in ("title", "type", "difficulty", "minutes", "text", "url"):
            value = getattr(self, name)
            if value is not None:
                out[name] = tidy(value) if name == "title" else value
        for name in ("teaches", "assesses"):
            value = getattr(self, name)
            if value is not None:
                out[name] = tuple(str(c) for c in value)
        if self.language is not None:  # "" clears it
            out["language"] = canonical_language(self.language)
        _refuse_blank_terms(
            access_modes=self.access_modes,
            access_mode_sufficient=self.access_mode_sufficient,
            accessibility_features=self.accessibility_features,
            accessibility_hazards=self.accessibility_hazards,
        )
        terms = (
            ("access_modes", self.access_modes, ACCESS_MODES),
            ("accessibility_features", self.accessibility_features, ACCESSIBILITY_FEATURES),
            ("accessibility_hazards", self.accessibility_hazards, ACCESSIBILITY_HAZARDS),
        )
        for name, values, vocabulary in terms:
            if values is not None:  # terms as schema.org spells them, whatever case was sent
                out[name] = canonical_terms(values, vocabulary)
        if self.accessibility_summary is not None:
            out["accessibility_summary"] = tidy(self.accessibility_summary)
        if self.activity_ids is not None:
            out["activity_ids"] = canonical_activity_ids(self.activity_ids)
        if self.access_mode_sufficient is not None:
            out["access_mode_sufficient"] = canonical_sufficient(self.access_mode_sufficient)
        return out


_TERM_FIELDS = {
    "access_modes": ("accessModes", "access mode"),
    "access_mode_sufficient": ("accessModeSufficient", "sufficient access mode set"),
    "accessibility_features": ("accessibilityFeatures", "accessibility feature"),
    "accessibility_hazards": ("accessibilityHazards", "accessibility hazard"),
}


def _refuse_blank_terms(**lists: list[str] | None) -> None:
    """Refuse a blank accessibility term, naming its input: dropped, ``[""]`` erased a stated "flashing".

    A form's empty multi-select sends ``[""]``; ``[]`` is how a list is cleared.
    """
    for name, values in lists.items():
        field, what = _TERM_FIELDS[name]
        if values is not None and (problem := blank_term_problem(values, what)) is not None:
            raise InvalidInput(problem, field=field)


@strawberry.enum(description="How a material serves a concept: it teaches it, or assesses it (an exercise).")
class LinkRelation(enum.Enum):
    TEACHES = "teaches"
    ASSESSES = "assesses"


@strawberry.input(description="The files of the CSV layout, as text (docs/cli.md, 'The CSV layout').")
class CsvFilesInput:
    concepts: str | None = strawberry.field(
        default=None,
        description="`concepts.csv`: id, label, definition, alt_labels, broader, scheme, language (of the "
        "concept's own label and definition; empty: untagged).",
    )
    prerequisites: str | None = strawberry.field(
        default=None,
        description="`prerequisites.csv`: concept, prerequisite, strength, provenance. Null: a replace keeps the "
        "stored edges of the concepts it replaces; given, their edges are the file's.",
    )
    materials: str | None = strawberry.field(
        default=None,
        description="`materials.csv`: id, title, type, difficulty, minutes, teaches, assesses, url, text, language, "
        "access_modes, accessibility_features, accessibility_hazards, accessibility_summary, activity_ids, "
        "access_mode_sufficient.",
    )
    curricula: str | None = strawberry.field(default=None, description="`curricula.csv`: id, title, description.")
    translations: str | None = strawberry.field(
        default=None,
        description="`translations.csv`: concept, language, label, definition, alt_labels. Left out: every "
        "translation stays as stored; given: the languages its rows name change, the others stay.",
    )


@strawberry.input(
    description="A curriculum document to import whole: its format and text (or CSV files), and how to treat "
    "what is stored."
)
class ImportCurriculumInput:
    format: ImportFormat = strawberry.field(
        description="The document's format: CSV takes its files in `csv`, every other format its text in `content`."
    )
    content: str | None = strawberry.field(default=None, description="The document, for every format but CSV.")
    csv: CsvFilesInput | None = strawberry.field(default=None, description="The files, for format CSV.")
    replace_existing: bool = strawberry.field(
        default=False,
        description="Replace concepts, materials and curricula with the same ids. Each keeps the stored value of "
        "what the document does not state (a CSV column, an RDF predicate, a concept's edges without "
        "prerequisites.csv, triples Pathwise does not model such as skos:exactMatch), named in `warnings`.",
    )
    break_cycles: bool = strawberry.field(
        default=False, description="Leave out the listed edges that break every cycle instead of refusing."
    )
    allow_dangling: bool = strawberry.field(
        default=False,
        description="Leave out the links to ids that exist neither in the document nor in the graph (listed in "
        "`dangling`) instead of refusing: for third-party graphs that carry such links.",
    )
    prune: bool = strawberry.field(
        default=False,
        description="With `replaceExisting`: delete, in the same write, what the document leaves out of each stored "
        "curriculum it names (a `curricula.csv` row, an `skos:ConceptScheme`, a CASE document): its concepts the "
        "document does not hold, when it holds concepts, and the materials linked only to those curricula's "
        "concepts that it does not hold, when it holds materials; each with what `deleteConcept` and "
        "`deleteMaterial` take along (edges, material links, students' estimates; attempts stay). A concept in "
        "another curriculum too, or a material linked to one outside them, stays. Refused (INVALID, field `prune`) "
        "without `replaceExisting`, and when a concept outside those curricula requires or is narrower than one it "
        "would delete, or the document itself names one. `pruned` says what went.",
    )
    id_prefix: str | None = strawberry.field(
        default=None,
        description="Put this before every slug the document defines, and its references to them (`junyi_`): ids are "
        "shared by every curriculum, so a third-party map naming `absolute_value` as the stored curriculum does "
        "sits beside it instead of clashing. References to ids the document does not define keep theirs.",
    )
    dry_run: bool = strawberry.field(default=False, description="Validate and report; write nothing.")
