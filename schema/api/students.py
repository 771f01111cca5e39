"""Student API: students, their attempts and mastery, export and erasure."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Annotated

import strawberry

from auth.policy import may_see_student_data, visible_students
from auth.principal import Role
from graph.attempts import voided_among, with_stored_twins
from graph.cohorts import cohorts_by_ids
from graph.erasures import split_erased
from graph.errors import InvalidInput, KnowledgeGraphError, ManyProblems, NotFound, ReusedClientId
from resolvers import students
from resolvers.statements import MAX_STATEMENTS, record_statements
from schema.api.attempt_checks import attempt_index, field_in_request, link_problems, twin_ids
from schema.api.common import AfterArg, FirstArg, StudentIdArg, attempts_guarded, page_info
from schema.context import Info
from schema.types.attempts import (
    AttemptInput,
    RecordAttemptsResult,
    RecordedAttempts,
    RecordedStatements,
    RecordStatementsResult,
)
from schema.types.pagination import (
    MAX_PAGE,
    StudentConnection,
    StudentEdge,
    check_first,
    decode_cursor,
    encode_cursor,
)
from schema.types.privacy import (
    ExportStudentResult,
    ForgetStudentResult,
    ForgottenStudent,
    StudentDataError,
    StudentExport,
)
from schema.types.student import MasteryType, StudentKey, StudentType

if TYPE_CHECKING:
    pass

__all__ = ["StudentMutation", "StudentQuery"]


@strawberry.type
class StudentQuery:
    @strawberry.field(
        description="The keys of external student ids (at most 100), null for a student the caller may not see: "
        "every answer names students by key, and a teacher's app maps them back to the names of its own roster."
    )
    def student_keys(
        self,
        info: Info,
        ids: Annotated[
            list[strawberry.ID],
            strawberry.argument(
                description=f"External student ids (keys are answered as they are), at most {MAX_PAGE} (more: an "
                'error with `field: "ids"`).'
            ),
        ],
    ) -> list[StudentKey] | None:
        if len(ids) > MAX_PAGE:
            raise InvalidInput(f"at most {MAX_PAGE} ids at once, got {len(ids)}", field="ids")
        among = visible_students(info.context.acting(), info.context.directory, info.context.pseudonyms.resolve)
        keys = [info.context.student_key(given, f"ids.{i}") for i, given in enumerate(ids)]
        return [
            StudentKey(id=given, key=strawberry.ID(key) if among is None or key in among else None)
            for given, key in zip(ids, keys, strict=True)
        ]

    @strawberry.field(
        description="Students in key order (those the caller may see); with `cohortId`, the members of that "
        "cohort among them (a gradebook sync pages through one class)."
    )
    def students(
        self,
        info: Info,
        first: FirstArg = 20,
        after: AfterArg = None,
        cohort_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Only the members of this cohort. For a caller who sees every student (an admin) an "
                "unknown cohort is NOT_FOUND (a sync with a mistyped class would unenrol everyone); for others it is "
                "none, as a cohort whose members they may not see is: the answer is the same either way."
            ),
        ] = None,
    ) -> StudentConnection | None:
        among = visible_students(info.context.acting(), info.context.directory, info.context.pseudonyms.resolve)
        if cohort_id is not None:
            if among is None and cohorts_by_ids(info.context.kg, [str(cohort_id)])[0] is None:
                # an admin's sync with a mistyped class would read an empty class and unenrol everyone
                raise NotFound("cohort", str(cohort_id), field="cohortId")
            members = info.context.directory.students_of(str(cohort_id))
            among = frozenset(members if among is None else members & among)
        page = students.page_of_students(
            info.context.kg, first=check_first(first), after=decode_cursor("student", after), among=among
        )
        return StudentConnection(
            edges=[
                StudentEdge(cursor=encode_cursor("student", s), node=StudentType(id=strawberry.ID(s))) for s in page.ids
            ],
            page_info=page_info("student", page.ids, page.has_next, page.has_previous),
            total_count=page.total,
        )

    @strawberry.field(
        description="One student by external id or key (the `id` it answers is the key); null when none, except "
        "for a student asking for themself: a newcomer gets their (empty) record, as paths and predictions do. "
        "Null beside an entry in `errors` whose `path` is `student` means the request was refused (a blank id, "
        "FORBIDDEN), not that there is no such student; a refused nested argument (`evidence(first: 101)`) nulls "
        "that field alone, its error's `path` naming it."
    )
    def student(self, info: Info, id: StudentIdArg) -> StudentType | None:
        key = info.context.student_key(id, "id")
        exists = _themself(info, key) or students.student_exists(info.context.kg, key)
        return StudentType(id=strawberry.ID(key)) if exists else None

    @strawberry.field(
        description="Everything stored about a student (an access request): attempts, mastery estimates, "
        "cohort memberships and every stored statement of theirs, as JSON. A student asking for themself with "
        "nothing stored gets an empty record, as `student` gives one (it was NOT_FOUND, 'does not exist'); "
        "for an admin that is NOT_FOUND."
    )
    def export_student(self, info: Info, id: StudentIdArg) -> ExportStudentResult | None:
        try:
            key = info.context.student_key(id, "id")
            found = students.export(info.context.kg, key, themself=_themself(info, key))
            return StudentExport.from_domain(str(id), key, found)
        except KnowledgeGraphError as error:
            return StudentDataError.from_domain(error)


@strawberry.type
class StudentMutation:
    @strawberry.mutation(
        description="Record attempts (all or nothing) and update the students' mastery at once. "
        "Attempts whose clientId was seen before count as duplicates (a retry answers the current mastery of "
        "what it touches); a clientId sent again with another score, time, material or concepts, and a UUID "
        "clientId (a statement id, not per student) sent again for another student, are refused as DUPLICATE. "
        f"At most {students.MAX_ATTEMPT_BATCH} attempts a call (a log goes through `pathwise attempts import`)."
    )
    async def record_attempts(
        self,
        info: Info,
        attempts: Annotated[
            list[AttemptInput],
            strawberry.argument(
                description=f"The attempts, at most {students.MAX_ATTEMPT_BATCH} (more: INVALID on `attempts`)."
            ),
        ],
    ) -> RecordAttemptsResult | None:
        kg = info.context.kg

        def run() -> RecordedAttempts:
            if len(attempts) > students.MAX_ATTEMPT_BATCH:
                raise InvalidInput(
                    f"at most {students.MAX_ATTEMPT_BATCH} attempts can be recorded in one call, got {len(attempts)}: "
                    "send them in several calls, or import a log with `pathwise attempts import`",
                    field="attempts",
                )
            service = info.context.mastery_service()
            # a material's id, or an LMS's activity IRI one lists: the attempt names the material's id
            named = [kg.projection.material_named(str(a.material_id)) if a.material_id else None for a in attempts]
            found = kg.materials_by_ids([m for m in named if m is not None])
            linked = {m.id: m.assesses or m.teaches for m in found if m is not None}
            evidences = {
                m.id: (*m.assesses, *(c for c in m.teaches if c not in m.assesses)) for m in found if m is not None
            }
            problems = link_problems(kg, attempts, named, evidences)
            domain = []
            for i, (a, material) in enumerate(zip(attempts, named, strict=True)):
                concepts = linked.get(material, ()) if material is not None else ()
                try:
                    key = info.context.student_key(a.student_id, f"attempts.{i}.studentId")
                    domain.append(a.to_domain(i, material, concepts, key, info.context.pseudonyms.opaque))
                except KnowledgeGraphError as error:
                    problems.append(error)
            if problems:
                problems.sort(key=lambda e: attempt_index(e.field))
                raise problems[0] if len(problems) == 1 else ManyProblems(problems)
            client_ids = [a.client_form() for a in attempts]
            # what was recorded under another id before UUID client ids were read as statement ids (or trimmed)
            twins = twin_ids(domain, client_ids, info.context.pseudonyms.opaque, [a.client_id for a in attempts])
            domain = with_stored_twins(kg, domain, twins)
            timed = [a.timestamp is not None for a in attempts]
            erased: set[int] = set()
            # The erasure check and the write under the model's lock, which a forget holds from its delete until
            # it is logged: checked before it, attempts sent beside a forget were written back after the erasure.
            with service.lock:
                if info.context.erasures is not None:
                    left_out = {id(a) for a in split_erased(domain, info.context.erasures)[1]}
                    erased = {i for i, a in enumerate(domain) if id(a) in left_out}
                kept = [i for i in range(len(domain)) if i not in erased]
                try:
                    accepted, duplicates, estimates = students.record_retryable(
                        kg,
                        service,
                        [domain[i] for i in kept],
                        client_ids=[client_ids[i] for i in kept],
                        timed=[timed[i] for i in kept],
                        settle_later=info.context.settler.note if info.context.settler is not None else None,
                    )
                except KnowledgeGraphError as error:
                    for each in [error, *(error.errors if isinstance(error, ManyProblems) else [])]:
                        each.field = field_in_request(each.field, kept)
                    if not may_see_student_data(info.context.principal.role):  # an integration reads no answer
                        raise _unread(error) from None
                    raise
            # a voided statement sent again is skipped as its id is stored: not a duplicate of a kept answer
            voided = voided_among(kg, [domain[i].id for i in kept]) if duplicates else 0
            return RecordedAttempts(
                accepted=accepted,
                duplicates=duplicates - voided,
                mastery=[MasteryType.from_domain(e) for e in estimates],
                erased=len(erased),
                voided=voided,
            )

        # a batch of hundreds takes a fraction of a second: off the event loop, so other requests go on
        return await asyncio.to_thread(attempts_guarded, run)

    @strawberry.mutation(
        description="Record xAPI statements as an LRS forwards them (all or nothing), read as `pathwise attempts "
        "import --format xapi` reads a file: the same student keys (PATHWISE_XAPI_ACCOUNT_HOMES), attempt ids and "
        "concepts, so a statement sent here, imported from a file, or sent through recordAttempts with its id as "
        "clientId is one attempt. An activity is the material with its id, else the one listing it among its "
        "activityIds. Statements whose activity is no material of the graph, or that are no answer, "
        "are skipped and counted (the activities that are no material named in unmappedActivities); each "
        "statement needs a timestamp (or the LRS's stored time). At most "
        f"{MAX_STATEMENTS} a call, and the request must also fit PATHWISE_MAX_BODY_BYTES (1 MiB by default, else "
        "HTTP 413 PAYLOAD_TOO_LARGE and nothing is written): 500 Moodle statements are about 1 MB as compact JSON "
        "and more pretty-printed, so send compact JSON in batches of about 200, and a batch answered 413 again as "
        "two halves. Admins and the integration role."
    )
    async def record_statements(
        self,
        info: Info,
        statements: Annotated[
            strawberry.scalars.JSON,
            strawberry.argument(
                description='A JSON array of xAPI statements, one statement, or an LRS\'s {"statements": [...]}; '
                "a problem's field is `statements.N`, N the statement's index."
            ),
        ],
    ) -> RecordStatementsResult | None:
        def run() -> RecordedStatements:
            report = record_statements(
                info.context.kg,
                info.context.mastery_service(),
                info.context.pseudonyms,
                statements,
                account_homes=info.context.xapi_account_homes,
                erasures=info.context.erasures,
                settle_later=info.context.settler.note if info.context.settler is not None else None,
            )
            return RecordedStatements.from_domain(report)

        return await asyncio.to_thread(attempts_guarded, run)

    @strawberry.mutation(
        description="Forget a student: every attempt, estimate, cohort membership and cached or model state of "
        "theirs is deleted (the store in one transaction). Safe to retry: a student an earlier call forgot is "
        "answered with alreadyForgotten and that call's time (from the erasure log). NOT_FOUND when nothing about "
        "them is stored and no erasure of theirs is logged."
    )
    async def forget_student(self, info: Info, id: StudentIdArg) -> ForgetStudentResult | None:
        def run() -> ForgetStudentResult:
            try:
                key = info.context.student_key(id, "id")
                forgotten = students.forget(
                    info.context.kg,
                    info.context.mastery,
                    key,
                    erasures=info.context.erasures,
                    rewrite_wait=info.context.forget_wait_seconds,
                )
                return ForgottenStudent.from_domain(forgotten)
            except KnowledgeGraphError as error:
                return _as_given(StudentDataError.from_domain(error), error, str(id))

        # an embedded store is rewritten to erase the bytes: seconds per million triples, off the event loop
        return await asyncio.to_thread(run)

    @strawberry.mutation(
        description="Forget several students, as `forgetStudent` each (one transaction each), answered in the "
        "order asked. The embedded store is rewritten once for all of them, so a batch of erasure requests costs "
        f"one rewrite, not one each. At most {students.MAX_FORGET_BATCH} ids."
    )
    async def forget_students(
        self,
        info: Info,
        ids: Annotated[
            list[strawberry.ID],
            strawberry.argument(
                description=f"The students: external ids or keys (`stu-...`), at most {students.MAX_FORGET_BATCH} "
                '(more: an error with `field: "ids"`); one that cannot be forgotten gets a StudentDataError in its '
                "place."
            ),
        ],
    ) -> list[ForgetStudentResult] | None:
        def run() -> list[ForgetStudentResult]:
            keys: list[str | KnowledgeGraphError] = []
            for position, given in enumerate(ids):
                try:
                    keys.append(info.context.student_key(given, f"ids.{position}"))
                except KnowledgeGraphError as error:
                    keys.append(error)
            valid = [k for k in keys if isinstance(k, str)]
            outcomes = iter(
                students.forget_each(
                    info.context.kg,
                    info.context.mastery,
                    valid,
                    erasures=info.context.erasures,
                    rewrite_wait=info.context.forget_wait_seconds,
                )
            )
            answers: list[ForgetStudentResult] = []
            for position, (given, key) in enumerate(zip(ids, keys, strict=True)):
                outcome = next(outcomes) if isinstance(key, str) else key
                if isinstance(outcome, KnowledgeGraphError):
                    refusal = _as_given(StudentDataError.from_domain(outcome), outcome, str(given))
                    refusal.field = f"ids.{position}"  # as `attempts.2.studentId` names an entry
                    answers.append(refusal)
                else:
                    answers.append(ForgottenStudent.from_domain(outcome))
            return answers

        # one rewrite of an embedded store for the whole batch: seconds per million triples, off the event loop
        return await asyncio.to_thread(run)


def _as_given(refusal: StudentDataError, error: KnowledgeGraphError, given: str) -> StudentDataError:
    """A NOT_FOUND that names the id the caller sent, not only the key it hashes to.

    An admin who sent "nobody-xyz" was told "student 'stu-767deb...' does not exist".
    """
    if isinstance(error, NotFound) and error.ident != given:
        refusal.message = f"student {given!r} (key {error.ident}) does not exist"
    return refusal


def _themself(info: Info, key: str) -> bool:
    """Whether a student caller asks for their own record (a newcomer's: nothing stored yet)."""
    return info.context.principal.role is Role.STUDENT and key == info.context.acting().sub


def _unread(error: KnowledgeGraphError) -> KnowledgeGraphError:
    """``error`` with each reused client id's recorded values left out (``ReusedClientId.unread``)."""
    if isinstance(error, ReusedClientId):
        return error.unread()
    if isinstance(error, ManyProblems):
        return ManyProblems([_unread(e) for e in error.errors])
    return error
