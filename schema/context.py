"""The typed per-request context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import strawberry

from auth.answer_keys import AnswerKeys, keys_may_hide
from auth.directory import CohortDirectory, EmptyDirectory
from auth.policy import min_cell_for
from auth.principal import DEVELOPMENT_ADMIN, Principal, Role
from graph.erasures import ErasureLog
from graph.errors import InvalidInput
from graph.pseudonyms import StudentKeys, external_id_problem
from graph.repository import KnowledgeGraph
from resolvers.loaders import Loaders, require_mastery

if TYPE_CHECKING:
    from ml.mastery.serving import MasteryService
    from ml.qa.serving import QaService
    from resolvers.settling import EstimateSettler

__all__ = ["Context", "Info", "NoPseudonyms"]


class NoPseudonyms:
    """The ``pseudonyms`` of a context built without any: naming a student fails loudly.

    The server always passes the deployment's ``Pseudonymizer``; a test that names
    students passes its own (a real one, or an explicit identity helper), so no path
    can store an external id by forgetting to hash it.
    """

    def resolve(self, given: str) -> str:
        """Refuse: this context cannot turn student ids into keys."""
        raise RuntimeError("this Context was built without pseudonyms; pass Context(pseudonyms=...)")

    def key(self, external_id: str) -> str:
        """Refuse, as ``resolve``."""
        return self.resolve(external_id)

    def opaque(self, value: str, kind: str = "attempt") -> str:
        """Refuse, as ``resolve``."""
        raise RuntimeError("this Context was built without pseudonyms; pass Context(pseudonyms=...)")


@dataclass
class Context:
    """What a request carries: the graph, its loaders and the request itself."""

    kg: KnowledgeGraph
    loaders: Loaders
    mastery: MasteryService | None = None
    request: Any = None
    response: Any = None
    # Who asks (from the bearer token; an admin where a test builds the context itself),
    # the cohorts the teacher rules consult, and the k of k-anonymity for analysts.
    principal: Principal = DEVELOPMENT_ADMIN
    directory: CohortDirectory = field(default_factory=EmptyDirectory)
    suppress_below: int = 5
    qa: QaService | None = None  # question answering over the materials (None: off)
    # Settles the estimates attempts moved but did not name off the request path (None: in the same write).
    settler: EstimateSettler | None = None
    # Student ids given to the API (external ids or keys) -> the keys the store uses.
    pseudonyms: StudentKeys = field(default_factory=NoPseudonyms)
    # Where forgetting a student is logged, so a restored backup forgets them again (None: not logged).
    erasures: ErasureLog | None = None
    # The service's data folder, and where ``backupData`` writes (None: this service takes no backups).
    data_dir: Path | None = None
    backup_dir: Path | None = None
    backup_keep: int = 0  # backups kept in backup_dir after each new one (0: all)
    xapi_account_homes: tuple[str, ...] = ()  # LMSs whose xAPI accounts are keyed by their bare name
    time_zone: str = "UTC"  # the school's: where a trend's days start unless a query names another
    forget_wait_seconds: float | None = None  # how long a forget waits for its store rewrite (None: until done)
    answer_keys: AnswerKeys = AnswerKeys.AFTER_ATTEMPT  # when a student reads an exercise's answer key
    # What a write accepted but a person should look at: the response's ``extensions.warnings`` (schema.warnings).
    warnings: list[str] = field(default_factory=list)

    def student_key(self, given: object, field: str = "studentId") -> str:
        """A student argument as the student's key (``graph.pseudonyms``); ``field`` names it in an error.

        Raises:
            InvalidInput: an empty id.
        """
        if (problem := external_id_problem(str(given))) is not None:  # a NUL, 100,000 characters
            raise InvalidInput(problem, field=field)
        try:
            return self.pseudonyms.resolve(str(given))
        except ValueError as error:
            raise InvalidInput(str(error), field=field) from None

    def acting(self) -> Principal:
        """The principal as the access policy compares it: a student's ``sub`` always hashed to their key.

        Arguments take a key as it is, so ids the API answers with work in follow-up
        queries; a token's ``sub`` did too, and a student whose identity provider let them
        pick a ``sub`` of the key's form, one they had been shown, acted as that student.
        """
        if self.principal.role is not Role.STUDENT:
            return self.principal
        try:
            return replace(self.principal, sub=self.pseudonyms.key(self.principal.sub))
        except ValueError:  # an empty sub names no student: it matches none
            return replace(self.principal, sub="")

    async def keys_shown(self) -> frozenset[str] | None:
        """The exercises whose answer keys the caller may read: None for all (``auth.answer_keys``).

        A student under ``after-attempt`` reads the keys of the exercises they have
        recorded an attempt on; under ``staff``, none.
        """
        if not keys_may_hide(self.answer_keys, self.principal):
            return None
        if self.answer_keys is AnswerKeys.STAFF:
            return frozenset()
        student = self.acting().sub
        return await self.loaders.attempted_materials_by_student.load(student) if student else frozenset()

    def estimates_may_lag(self, student: str) -> bool:
        """Whether the student's stored estimates may lag the model (the settler has not rewritten them yet)."""
        return self.settler is not None and self.settler.waits_for(student)

    def mastery_service(self) -> MasteryService:
        """The served mastery model. Raises ``NoModel`` where this service runs without one."""
        return require_mastery(self.mastery)

    @property
    def min_cell(self) -> int:
        """What aggregates pass as ``min_cell``: cells under it are suppressed (``k`` for analysts, else 0)."""
        return min_cell_for(self.principal, self.suppress_below)


Info = strawberry.Info[Context, None]
