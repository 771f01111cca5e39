"""Learning paths and recommendations as the API shows them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated

import networkx as nx
import strawberry

from graph.errors import ErrorCode, KnowledgeGraphError, NotFound
from graph.learning_path import AssumedConcept, LearningPath, PathStep
from graph.mermaid import path_to_mermaid
from graph.model import Material
from graph.recommend import Recommendation
from schema.types.concept import ConceptType
from schema.types.enums import CurriculumErrorCode
from schema.types.errors import ERROR_CODE, ERROR_FIELD, ERROR_MESSAGE, ERROR_NOT_FOUND_ID, Refusal
from schema.types.material import MaterialType

__all__ = [
    "AssumedPrerequisite",
    "LearningPathResult",
    "LearningPathType",
    "MaterialRecommendation",
    "NextMaterialsResult",
    "PathError",
    "PathStepType",
    "Recommendations",
    "TargetMastery",
]


def _materials(records: Mapping[str, Material], ids: Sequence[str]) -> list[MaterialType]:
    return [MaterialType.from_domain(records[m]) for m in ids if m in records]


@strawberry.type(name="PathStep", description="One concept to study: why, with which materials, for how long.")
class PathStepType:
    position: int = strawberry.field(description="1 for the first step.")
    mastery: float = strawberry.field(description="The student's predicted mastery of the concept.")
    planned_mastery: float = strawberry.field(
        description="The mastery the plan counted: `mastery`, or less (halved) when the student keeps failing "
        "this concept (`struggling`) or one that builds on it (`doubtedBecauseOf`)."
    )
    struggling: bool = strawberry.field(
        description="Whether the student keeps getting this concept wrong (their last three answers on it)."
    )
    reason: str = strawberry.field(
        description="Why this step, in plain words (short: the targets are named once, in the path's `summary`). "
        "The numbers in it are also fields, for a frontend that writes its own wording."
    )
    minutes: int = strawberry.field(description="Estimated study time of the chosen materials.")
    revisit: bool = strawberry.field(
        description="A prerequisite brought back because the student keeps failing a concept that needs it."
    )
    no_suitable_material: bool = strawberry.field(
        description="With `needs`: the concept has materials, but none suits the learner (the step stays, with "
        "no materials and the default minutes; `reason` says why, `materialsLeftOut` lists them). False otherwise."
    )
    domain: strawberry.Private[PathStep]
    records: strawberry.Private[Mapping[str, Material]]

    @classmethod
    def from_domain(cls, step: PathStep, position: int, records: Mapping[str, Material]) -> PathStepType:
        """Wrap a domain step; ``records`` holds its materials (read once for the whole path)."""
        return cls(
            position=position,
            mastery=round(float(step.mastery), 6),
            planned_mastery=round(float(step.planned_mastery), 6),
            struggling=step.struggling,
            reason=step.reason,
            minutes=step.minutes,
            revisit=step.revisit,
            no_suitable_material=step.no_suitable_material,
            domain=step,
            records=records,
        )

    @strawberry.field(description="The concept to study.")
    def concept(self) -> ConceptType:
        return ConceptType.from_id(self.domain.concept)

    @strawberry.field(description="The targets this step leads to.")
    def leads_to(self) -> list[ConceptType]:
        return [ConceptType.from_id(c) for c in self.domain.leads_to]

    @strawberry.field(
        description="The nearest later step that needs this one; null when none does (a target needed by no other)."
    )
    def via(self) -> ConceptType | None:
        return ConceptType.from_id(self.domain.via) if self.domain.via else None

    @strawberry.field(
        description="A concept that builds on this one and that the student keeps failing: why this one's "
        "`plannedMastery` was lowered. Null otherwise."
    )
    def doubted_because_of(self) -> ConceptType | None:
        return ConceptType.from_id(self.domain.doubted_by) if self.domain.doubted_by else None

    @strawberry.field(description="Materials chosen for this student, in study order.")
    def materials(self) -> list[MaterialType]:
        return _materials(self.records, self.domain.materials)

    @strawberry.field(
        description="With `needs`: materials the step would have had but that state a hazard the learner avoids or "
        "that the learner cannot use (all of the concept's, when `noSuitableMaterial`); [] otherwise."
    )
    def materials_left_out(self) -> list[MaterialType]:
        return _materials(self.records, self.domain.left_out_for_needs)

    @strawberry.field(
        description="With `needs`: those of `materials` whose metadata does not say whether they suit (a hazard "
        "or their access modes not stated); each is chosen only where no material of its kind is known to suit."
    )
    def materials_not_known_to_suit(self) -> list[MaterialType]:
        return _materials(self.records, self.domain.not_known_to_suit)


@strawberry.type(description="A prerequisite on the way that the student has already mastered.")
class AssumedPrerequisite:
    mastery: float = strawberry.field(description="The student's predicted mastery of it (at or above the threshold).")
    concept_id: strawberry.Private[str]

    @classmethod
    def from_domain(cls, assumed: AssumedConcept) -> AssumedPrerequisite:
        """Wrap a domain value."""
        return cls(mastery=round(float(assumed.mastery), 6), concept_id=assumed.concept)

    @strawberry.field(description="The prerequisite.")
    def concept(self) -> ConceptType:
        return ConceptType.from_id(self.concept_id)


@strawberry.type(description="A target of a learning path and the student's mastery of it.")
class TargetMastery:
    mastery: float = strawberry.field(description="The student's predicted mastery of it.")
    planned_mastery: float = strawberry.field(
        description="The mastery the plan counted: `mastery`, or less (halved) after repeated wrong answers."
    )
    mastered: bool = strawberry.field(description="Whether the plan counts it mastered (no steps needed for it).")
    concept_id: strawberry.Private[str]

    @strawberry.field(description="The target.")
    def concept(self) -> ConceptType:
        return ConceptType.from_id(self.concept_id)


@strawberry.type(name="LearningPath", description="What to study, in which order, to reach the targets.")
class LearningPathType:
    total_minutes: int = strawberry.field(description="Estimated minutes of the steps kept.")
    truncated: bool = strawberry.field(description="Whether `maxMinutes` cut steps off (see `leftOut`).")
    mastery_threshold: float = strawberry.field(description="Mastery at or above which a concept is not a step.")
    summary: str = strawberry.field(
        description="The path in plain words: its targets (named here once rather than in every step's reason), "
        "its steps and minutes, what `maxMinutes` left out and why, and the targets already mastered."
    )
    next_step_minutes: int | None = strawberry.field(
        description="The minutes the first step in `leftOut` needs; null when nothing was left out. When `steps` "
        "is empty, no step fits in `maxMinutes`: the path is not cut after one over budget, so a frontend "
        "offers this many minutes instead (`summary` says it too)."
    )
    domain: strawberry.Private[LearningPath]
    dag: strawberry.Private[nx.DiGraph]  # type: ignore[type-arg]  # evaluated at run time
    records: strawberry.Private[Mapping[str, Material]]

    @classmethod
    def from_domain(cls, path: LearningPath, dag: nx.DiGraph[str], records: Mapping[str, Material]) -> LearningPathType:
        """Wrap a domain path with its materials' records (the DAG draws the Mermaid text on demand)."""
        return cls(
            total_minutes=path.total_minutes,
            truncated=path.truncated,
            mastery_threshold=path.threshold,
            summary=path.summary,
            next_step_minutes=path.next_step_minutes,
            domain=path,
            dag=dag,
            records=records,
        )

    @strawberry.field(
        description="The targets asked for, in that order, each once; a topic asked for is its narrower concepts "
        "(see `topics`)."
    )
    def targets(self) -> list[ConceptType]:
        return [ConceptType.from_id(c) for c in self.domain.targets]

    @strawberry.field(
        description="Targets asked for that are topics: they group narrower concepts (`broader` points to them) and "
        "have no prerequisites or materials of their own, so each stands for its narrower concepts, which are in "
        "`targets` (the summary says so)."
    )
    def topics(self) -> list[ConceptType]:
        return [ConceptType.from_id(c) for c in self.domain.topics]

    @strawberry.field(
        description="Each target with the student's mastery of it, mastered or not: the figure a \"you have "
        'mastered it" screen shows.'
    )
    def target_mastery(self) -> list[TargetMastery]:
        limit = self.domain.threshold
        return [
            TargetMastery(
                mastery=round(float(p), 6),
                planned_mastery=round(float(planned), 6),
                mastered=planned >= limit,
                concept_id=c,
            )
            for c, p, planned in self.domain.target_mastery
        ]

    @strawberry.field(description="Steps in study order: every prerequisite before the concepts that need it.")
    def steps(self) -> list[PathStepType]:
        return [PathStepType.from_domain(s, i, self.records) for i, s in enumerate(self.domain.steps, start=1)]

    @strawberry.field(description="Prerequisites on the way that the student has mastered, with their mastery.")
    def assumed_mastered(self) -> list[AssumedPrerequisite]:
        return [AssumedPrerequisite.from_domain(a) for a in self.domain.assumed]

    @strawberry.field(description="Targets the student has already mastered (no steps needed).")
    def already_mastered(self) -> list[ConceptType]:
        return [ConceptType.from_id(c) for c in self.domain.mastered_targets]

    @strawberry.field(description="Steps cut off by `maxMinutes`, in the order they would follow.")
    def left_out(self) -> list[PathStepType]:
        kept = len(self.domain.steps)
        return [
            PathStepType.from_domain(s, kept + i, self.records) for i, s in enumerate(self.domain.left_out, start=1)
        ]

    @strawberry.field(description="Targets not reached within `maxMinutes`.")
    def unreached_targets(self) -> list[ConceptType]:
        return [ConceptType.from_id(c) for c in self.domain.unreached_targets]

    @strawberry.field(description="The path as Mermaid flowchart text (`flowchart TD`).")
    def mermaid(self) -> str:
        return path_to_mermaid(self.dag, self.domain)


@strawberry.type(description="A material to study next, for which concept, and why.")
class MaterialRecommendation:
    score: float = strawberry.field(
        description="The ranking score, higher first (comparable within one answer only; with `needs`, the "
        "materials not known to suit come after the rest, see `notStated`)."
    )
    reason: str = strawberry.field(description="Why this material, in plain words.")
    review: bool = strawberry.field(description="A material completed before and now due for review.")
    mastery: float = strawberry.field(description="The student's predicted mastery of the concept (as in `reason`).")
    planned_mastery: float = strawberry.field(
        description="The mastery the ranking counted: `mastery`, or half of it when the student keeps failing the "
        "concept (`struggling`) or one built on it (`doubtedBecauseOf`), as a learning path counts it."
    )
    struggling: bool = strawberry.field(description="Whether the student keeps getting the concept wrong.")
    steps_away: int | None = strawberry.field(
        description="Prerequisite steps from the concept to `towardTarget` (0: it is a target); null when it "
        "leads to none of the targets."
    )
    days_since_correct: int | None = strawberry.field(
        description="For a review: whole days since the student last answered this material correctly, never "
        "below 0 (a success stamped ahead of the server's clock is 0); null otherwise, and for a success of a "
        "log without times (imported AKT, DKVMN or pyKT folds)."
    )
    not_stated: list[str] = strawberry.field(
        description="With `needs`: what the material's metadata does not say of them, the hazards (flashing...) "
        "and `accessMode` when it states no access modes. Such a material comes after every one known to suit, "
        "whatever its `score`, and its `reason` says what is not stated. [] when it is known to suit."
    )
    domain: strawberry.Private[Recommendation]
    record: strawberry.Private[Material | None]

    @classmethod
    def from_domain(cls, rec: Recommendation, records: Mapping[str, Material]) -> MaterialRecommendation:
        """Wrap a domain recommendation with its material's record, read with the others'.

        Read up front rather than through the batching loader: a loader's batch waits a
        turn of the event loop, behind every other client's request.
        """
        return cls(
            score=rec.score,
            reason=rec.reason,
            review=rec.review,
            mastery=round(float(rec.mastery), 6),
            planned_mastery=round(float(rec.planned_mastery), 6),
            struggling=rec.struggling,
            steps_away=rec.steps_away,
            days_since_correct=rec.days_since_correct,
            not_stated=list(rec.not_stated),
            domain=rec,
            record=records.get(rec.material),
        )

    @strawberry.field(description="The material to study.")
    def material(self) -> MaterialType:
        if self.record is None:
            raise NotFound("material", self.domain.material)
        return MaterialType.from_domain(self.record)

    @strawberry.field(description="The concept it is recommended for.")
    def concept(self) -> ConceptType:
        return ConceptType.from_id(self.domain.concept)

    @strawberry.field(
        description="A concept that builds on this one and that the student keeps failing: why `plannedMastery` "
        "is lower and the reason says to revisit this one. Null otherwise."
    )
    def doubted_because_of(self) -> ConceptType | None:
        return ConceptType.from_id(self.domain.doubted_by) if self.domain.doubted_by else None

    @strawberry.field(
        description="The nearest of the requested targets the concept leads to (itself when it is one); null when none."
    )
    def toward_target(self) -> ConceptType | None:
        return ConceptType.from_id(self.domain.target) if self.domain.target else None

    @strawberry.field(
        description="Concepts that learning this one makes ready to learn (their other prerequisites are "
        "mastered); empty for a review outside the ready fringe."
    )
    def unlocks(self) -> list[ConceptType]:
        return [ConceptType.from_id(c) for c in self.domain.unlocks]


@strawberry.type(description="Materials to study next, best first.")
class Recommendations:
    items: list[MaterialRecommendation] = strawberry.field(description="At most `first` materials, best first.")
    no_suitable_material: list[ConceptType] = strawberry.field(
        default_factory=list,
        description="Concepts ready to learn (in `curriculumId`, when given) whose materials all fail the `needs` "
        "given: none of theirs is in `items`, so a teacher knows to find one (a learning path keeps such a "
        "concept as a step with `noSuitableMaterial`). Empty without needs.",
    )


@strawberry.type(description="Why a learning path or recommendation could not be made.")
class PathError(Refusal):
    code: CurriculumErrorCode = strawberry.field(description=ERROR_CODE)
    message: str = strawberry.field(description=ERROR_MESSAGE)
    field: str | None = strawberry.field(default=None, description=ERROR_FIELD)
    subject_id: strawberry.ID | None = strawberry.field(default=None, description=ERROR_NOT_FOUND_ID)
    problems: list[str] = strawberry.field(
        default_factory=list,
        description="For NOT_FOUND: every unknown target, each with the closest concept id that exists "
        "(`concept 'slop' does not exist (did you mean 'slope'?)`); for INVALID: every problem found.",
    )

    @classmethod
    def from_domain(cls, error: KnowledgeGraphError) -> PathError:
        """Map a domain error to its typed result."""
        subject = strawberry.ID(error.ident) if isinstance(error, NotFound) else None
        problems = list(getattr(error, "problems", ()) or ())
        if not problems and error.code in (ErrorCode.INVALID, ErrorCode.NOT_FOUND):
            problems = [error.message]  # one problem is still every problem (an INVALID threshold said [])
        return cls(code=error.code, message=error.message, field=error.field, subject_id=subject, problems=problems)


LearningPathResult = Annotated[
    LearningPathType | PathError,
    strawberry.union(
        "LearningPathResult",
        description="The student's path (`LearningPath`), or why there is none "
        "(`PathError`: unknown targets, bad arguments).",
    ),
]
NextMaterialsResult = Annotated[
    Recommendations | PathError,
    strawberry.union(
        "NextMaterialsResult",
        description="The materials to study next (`Recommendations`), or why there are none (`PathError`).",
    ),
]
