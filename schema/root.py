"""The root ``Query`` and ``Mutation``, composed from one module per feature.

Each feature (``schema/api/*.py``) declares its fields on its own ``@strawberry.type``;
adding a feature is one import and one base class here.
"""

from __future__ import annotations

import strawberry

from schema.api.accessibility import AccessibilityQuery
from schema.api.backups import BackupMutation
from schema.api.cohorts import CohortMutation, CohortQuery
from schema.api.curricula import CurriculumSchemeMutation
from schema.api.curriculum import CurriculumQuery
from schema.api.curriculum_edits import CurriculumMutation
from schema.api.mastery_models import MasteryModelMutation, MasteryModelQuery
from schema.api.paths import PathQuery
from schema.api.qa import QaQuery
from schema.api.students import StudentMutation, StudentQuery
from schema.api.translations import TranslationMutation
from schema.fresh_loaders import on_every_mutation

__all__ = ["Mutation", "Query"]


@strawberry.type(
    description="Every read. Each field is nullable: a refused or failed one is null with its error in `errors`, "
    "and the others of the request keep their data."
)
class Query(CurriculumQuery, StudentQuery, MasteryModelQuery, PathQuery, QaQuery, CohortQuery, AccessibilityQuery):
    """Every read the API offers.

    Each field is nullable: a refused or failed one is null with its error, and the others
    of the request keep their data (one refusal had voided the whole response).
    """


@strawberry.type(
    description="Every write. Each field is nullable: a refused one is null with its error in `errors`, and an "
    "earlier mutation of the same document keeps its result."
)
class Mutation(
    CurriculumMutation,
    TranslationMutation,
    CurriculumSchemeMutation,
    StudentMutation,
    MasteryModelMutation,
    CohortMutation,
    BackupMutation,
):
    """Every write the API offers.

    Each field is nullable, as the queries are: a refused mutation is null with its error,
    and an earlier one of the same document keeps its result.
    """


on_every_mutation(Mutation)  # each reads what the ones before it in the document wrote (schema.fresh_loaders)
