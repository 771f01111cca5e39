"""Answers to students' questions: the answer, its evidence, concepts and weak prerequisites."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry

from graph.errors import KnowledgeGraphError, NotFound
from ml.qa.answer import Answer, EvidencePassage, WeakPrerequisite
from schema.context import Info
from schema.limits import check_first
from schema.types.concept import ConceptType
from schema.types.enums import CurriculumErrorCode
from schema.types.errors import ERROR_CODE, ERROR_FIELD, ERROR_MESSAGE, ERROR_NOT_FOUND_ID, Refusal
from schema.types.material import MaterialType

__all__ = ["AnswerNotice", "AnswerType", "AskError", "AskResult", "EvidenceType", "WeakPrerequisiteType"]


@strawberry.type(name="Evidence", description="A passage (chunk) of a material that the answer rests on.")
class EvidenceType:
    chunk: int = strawberry.field(description="The chunk's position in its material, from 0.")
    text: str = strawberry.field(description="The passage's text, its lines broken where the material's are.")
    score: float = strawberry.field(
        description="Fused retrieval score (lexical and dense z-scores mixed). Not the order of `Answer.evidence`, "
        "which ranks by more than it: it need not fall down the list."
    )
    similarity: float = strawberry.field(description="Cosine similarity of question and passage.")
    material_id: strawberry.Private[str]

    @classmethod
    def from_domain(cls, evidence: EvidencePassage) -> EvidenceType:
        """Wrap a domain evidence passage."""
        return cls(
            chunk=evidence.chunk,
            text=evidence.text,
            score=evidence.score,
            similarity=evidence.similarity,
            material_id=evidence.material,
        )

    @strawberry.field(description="The material the passage is from; null when it has been deleted since.")
    async def material(self, info: Info) -> MaterialType | None:
        found = await info.context.loaders.material_by_id.load(self.material_id)
        return MaterialType.from_domain(found) if found is not None else None


@strawberry.type(name="WeakPrerequisite", description="A prerequisite of the answer's concepts not yet mastered.")
class WeakPrerequisiteType:
    probability: float = strawberry.field(
        description="The student's mastery of it, as `Student.mastery` gives it (estimated now while an answer's "
        "moves of their estimates wait to be stored)."
    )
    planned_mastery: float = strawberry.field(
        description="The mastery the student's learning path counts: `probability`, or half of it when the student "
        "keeps failing this concept (`struggling`) or one that builds on it (`doubtedBecauseOf`). Below 0.6 makes "
        "the prerequisite weak."
    )
    struggling: bool = strawberry.field(
        description="Whether the student keeps getting this concept wrong (their last three answers on it)."
    )
    domain: strawberry.Private[WeakPrerequisite]

    @strawberry.field(description="The prerequisite.")
    def concept(self) -> ConceptType:
        return ConceptType.from_id(self.domain.concept)

    @strawberry.field(
        description="A concept that builds on this one and that the student keeps failing: why its "
        "`plannedMastery` is half its `probability`. Null otherwise."
    )
    def doubted_because_of(self) -> ConceptType | None:
        return ConceptType.from_id(self.domain.doubted_by) if self.domain.doubted_by else None

    @strawberry.field(description="The answer's concepts that require it.")
    def needed_for(self) -> list[ConceptType]:
        return [ConceptType.from_id(c) for c in self.domain.needed_for]


@strawberry.enum(description="What an answer's notice says.")
class AnswerNotice(Enum):
    NOTHING_INDEXED = strawberry.enum_value("NOTHING_INDEXED", description="No material is indexed yet.")
    UNREAD_SCRIPT = strawberry.enum_value(
        "UNREAD_SCRIPT",
        description="The question has no word in the Latin alphabet, which the keyword side reads; not answered, "
        "with no evidence, concepts or materials (similarity alone picks unrelated ones).",
    )
    TOO_VAGUE = strawberry.enum_value(
        "TOO_VAGUE",
        description='The question names no topic ("help", "I\'m stuck, explain this"): not answered; `notice` asks '
        "for the topic or the problem.",
    )
    OFF_TOPIC = strawberry.enum_value(
        "OFF_TOPIC",
        description="Most of the question's words are in no material (another subject, or another language than "
        "the materials'); not answered, with no evidence, and no prerequisites or materials are suggested (`notice` "
        "names the words).",
    )
    LOW_CONFIDENCE = strawberry.enum_value(
        "LOW_CONFIDENCE", description="The materials do not answer it clearly; not answered (see the evidence)."
    )
    NOT_WORKED = strawberry.enum_value(
        "NOT_WORKED",
        description="Answered, but no material works this very problem: the answer shows the method on other examples.",
    )
    RESPELT = strawberry.enum_value(
        "RESPELT",
        description="Answered as read with its misspelt words spelt as the materials spell them, and a concept's "
        "other name (an alternative label, a label in another language) read as its label (`notice` says how: "
        '`Read "quadradic" as "quadratic".`, `Read "BODMAS" as "Order of Operations".`). A respelt answer with '
        "another notice keeps that code, and its `notice` says the reading first.",
    )


@strawberry.type(name="Answer", description="An answer grounded in the materials, or where to look instead.")
class AnswerType:
    question: str = strawberry.field(description="The question as answered (runs of white space made one space).")
    answered: bool = strawberry.field(description="False when the materials do not answer it confidently enough.")
    text: str | None = strawberry.field(
        description="The evidence sentences that answer the question; for a problem a material works, "
        "that worked example whole, or the exercise item with its keyed answer. Lines break where the "
        "material's do (steps, list items, a formula on its own line)."
    )
    generated: str | None = strawberry.field(
        description="A fluent answer built only from the evidence (when a generator is configured)."
    )
    confidence: float = strawberry.field(description="In [0, 1].")
    notice: str | None = strawberry.field(
        description="What to tell the student beside the answer: why there is none, or that no material "
        "works the very problem asked about (the answer then shows the method on other examples)."
    )
    notice_code: AnswerNotice | None = strawberry.field(
        description="What `notice` says, as a code: a frontend words it itself, in its own language (null: no notice)."
    )
    evidence: list[EvidenceType] = strawberry.field(
        description="The passages the answer rests on, best first as the answer ranks them: the one it is drawn "
        "from first (a material titled as the question, or an explanation before an exercise, can outrank a higher "
        "`score`), then every further chunk its text quotes (a worked example's later steps, a keyed answer), "
        "with the `score` of the passage they continue."
    )
    domain: strawberry.Private[Answer]

    @strawberry.field(
        description="The student's prerequisites of these concepts with low mastery (`plannedMastery` below 0.6: "
        "`Student.mastery(conceptIds:)`'s figure, predicted from the history where the student never answered "
        "one, halved as the learning path halves it after repeated failures), weakest first; none for a student "
        "with nothing recorded yet. Null, with an error, when `first` is "
        "out of range: the rest of the answer stays."
    )
    def weak_prerequisites(
        self,
        first: Annotated[
            int | None,
            strawberry.argument(
                description='The weakest this many, 0 to 100 (outside it: an error with `field: "first"`); '
                "null: all of them (a question on a late concept can have twenty)."
            ),
        ] = None,
    ) -> list[WeakPrerequisiteType] | None:  # nullable: a bad `first` lost the whole answer, seconds of work
        weakest = self.domain.weak_prerequisites  # weakest first
        kept = weakest if first is None else weakest[: check_first(first)]
        return [
            WeakPrerequisiteType(
                probability=w.probability,
                planned_mastery=round(float(w.planned), 6),
                struggling=w.struggling,
                domain=w,
            )
            for w in kept
        ]

    @classmethod
    def from_domain(cls, answer: Answer) -> AnswerType:
        """Wrap a domain answer."""
        return cls(
            question=answer.question,
            answered=answer.answered,
            text=answer.text,
            generated=answer.generated,
            confidence=answer.confidence,
            notice=answer.message or None,
            notice_code=AnswerNotice(answer.notice) if answer.notice else None,
            evidence=[EvidenceType.from_domain(e) for e in answer.evidence],
            domain=answer,
        )

    @strawberry.field(description="Concepts the evidence teaches.")
    def concepts(self) -> list[ConceptType]:
        return [ConceptType.from_id(c) for c in self.domain.concepts]

    @strawberry.field(description="Materials to study: the evidence's, then ones on weak prerequisites.")
    async def suggested_materials(self, info: Info) -> list[MaterialType]:
        found = await info.context.loaders.material_by_id.load_many(list(self.domain.suggested_materials))
        return [MaterialType.from_domain(m) for m in found if m is not None]


@strawberry.type(
    description="Why a question was refused (empty, too long, no QA service: INVALID; too many questions being "
    "answered: UNAVAILABLE, ask again in a few seconds); an unknown student asks as a newcomer."
)
class AskError(Refusal):
    code: CurriculumErrorCode = strawberry.field(description=ERROR_CODE)
    message: str = strawberry.field(description=ERROR_MESSAGE)
    field: str | None = strawberry.field(default=None, description=ERROR_FIELD)
    subject_id: strawberry.ID | None = strawberry.field(default=None, description=ERROR_NOT_FOUND_ID)

    @classmethod
    def from_domain(cls, error: KnowledgeGraphError) -> AskError:
        """Map a domain error."""
        subject = strawberry.ID(error.ident) if isinstance(error, NotFound) else None
        return cls(code=error.code, message=error.message, field=error.field, subject_id=subject)


AskResult = Annotated[
    AnswerType | AskError,
    strawberry.union(
        "AskResult",
        description="The answer from the materials (`Answer`: it may say it does not "
        "know), or why the question was refused (`AskError`).",
    ),
]
