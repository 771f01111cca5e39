"""Student API: students, attempts, mastery and the served mastery model."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Annotated

import strawberry

from auth.policy import visible_students
from auth.principal import Role
from graph.attempts import statement_form, with_stored_twins
from graph.cohorts import cohorts_by_ids
from graph.erasures import split_erased
from graph.errors import ConceptNotFound, InvalidInput, KnowledgeGraphError, ManyProblems, NotFound
from graph.references import Suggestions
from resolvers import model_switch, students
from resolvers.statements import MAX_STATEMENTS, record_statements
from schema.api.common import AfterArg, FirstArg, StudentIdArg, attempts_guarded, page_info
from schema.context import Info
from schema.types.attempts import (
    AttemptInput,
    MasteryModelInfo,
    MasteryModelResult,
    RecordAttemptsResult,
    RecordedAttempts,
    RecordedStatements,
    RecordStatementsResult,
)
from schema.types.model_switch import MasteryModelSwitch, MasteryModelSwitchResult
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
    from graph.model import Attempt
    from graph.repository import KnowledgeGraph

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
    ) -> list[StudentKey]:
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
    ) -> StudentConnection:
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
        "Null beside an entry in `errors` means a nested argument was refused (`evidence(first: 101)`), not that "
        "there is no such student."
    )
    def student(self, info: Info, id: StudentIdArg) -> StudentType | None:
        key = info.context.student_key(id, "id")
        own = info.context.principal.role is Role.STUDENT and key == info.context.acting().sub
        exists = own or students.student_exists(info.context.kg, key)
        return StudentType(id=strawberry.ID(key)) if exists else None

    @strawberry.field(
        description="Everything stored about a student (an access request): attempts, mastery estimates, "
        "cohort memberships and every stored statement of theirs, as JSON."
    )
    def export_student(self, info: Info, id: StudentIdArg) -> ExportStudentResult:
        try:
            key = info.context.student_key(id, "id")
            return StudentExport.from_domain(key, students.export(info.context.kg, key))
        except KnowledgeGraphError as error:
            return StudentDataError.from_domain(error)

    @strawberry.field(description="Trained mastery model versions; `current` is the one served.")
    def mastery_models(self, info: Info) -> list[MasteryModelInfo]:
        service = info.context.mastery
        if service is None:
            return []
        current = service.version
        return [MasteryModelInfo.from_info(service.versions.info(v), current) for v in service.versions.list()]

    @strawberry.field(
        description="The switch of the served mastery model that is running, else the last one since the service "
        "started (null when none): follow a `startMasteryModelSwitch` here."
    )
    def mastery_model_switch(self, info: Info) -> MasteryModelSwitch | None:
        service = info.context.mastery
        if service is None or service.switch is None:
            return None
        return MasteryModelSwitch.from_progress(service.switch)


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
    ) -> RecordAttemptsResult:
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
            problems = _link_problems(kg, attempts, named, evidences)
            domain = []
            for i, (a, material) in enumerate(zip(attempts, named, strict=True)):
                concepts = linked.get(material, ()) if material is not None else ()
                try:
                    key = info.context.student_key(a.student_id, f"attempts.{i}.studentId")
                    domain.append(a.to_domain(i, material, concepts, key, info.context.pseudonyms.opaque))
                except KnowledgeGraphError as error:
                    problems.append(error)
            if problems:
                problems.sort(key=lambda e: _index_of(e.field))
                raise problems[0] if len(problems) == 1 else ManyProblems(problems)
            client_ids = [a.client_id for a in attempts]
            # what was recorded under another id before UUID client ids were read as statement ids
            domain = with_stored_twins(kg, domain, _twins(domain, client_ids, info.context.pseudonyms.opaque))
            timed = [a.timestamp is not None for a in attempts]
            erased: set[int] = set()
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
                    each.field = _field_in_request(each.field, kept)
                raise
            return RecordedAttempts(
                accepted=accepted,
                duplicates=duplicates,
                mastery=[MasteryType.from_domain(e) for e in estimates],
                erased=len(erased),
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
    ) -> RecordStatementsResult:
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
    async def forget_student(self, info: Info, id: StudentIdArg) -> ForgetStudentResult:
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
    ) -> list[ForgetStudentResult]:
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

    @strawberry.mutation(
        description="Serve another trained mastery model version and re-estimate every stored estimate with it. "
        "The service keeps serving while the new model replays the stored attempts; attempts recorded meanwhile "
        "are replayed into it before it is served. The version is pinned, as `pathwise models use` pins it: "
        "a version trained later is not served until `pathwise models use --newest` unpins. The version already "
        "served replays nothing: only estimates another version made are estimated again."
    )
    async def use_mastery_model(
        self,
        info: Info,
        version: Annotated[
            str,
            strawberry.argument(
                description='A trained version, as `masteryModels` names it (NOT_FOUND with `field: "version"` '
                "when there is none)."
            ),
        ],
    ) -> MasteryModelResult:
        def run() -> MasteryModelInfo:
            service = info.context.mastery_service()
            model_switch.switch_model(info.context.kg, service, version)
            return MasteryModelInfo.from_info(service.versions.info(version), service.version)

        # every stored attempt is replayed: minutes on a large store, so off the event loop
        return await asyncio.to_thread(attempts_guarded, run)

    @strawberry.mutation(
        description="Begin what `useMasteryModel` does and answer at once, with the switch's progress; follow it "
        "with `masteryModelSwitch`. On a large store a switch takes minutes (every stored attempt is replayed, "
        "every stored estimate rewritten), longer than a proxy keeps a request open. The version is loaded "
        "first: NOT_FOUND or INVALID (its files do not load) come back here; UNAVAILABLE while another switch runs."
    )
    async def start_mastery_model_switch(
        self,
        info: Info,
        version: Annotated[str, strawberry.argument(description="A trained version, as `masteryModels` names it.")],
    ) -> MasteryModelSwitchResult:
        def run() -> MasteryModelSwitch:
            service = info.context.mastery_service()
            return MasteryModelSwitch.from_progress(model_switch.start_switch(info.context.kg, service, version))

        return await asyncio.to_thread(attempts_guarded, run)  # loading a version's weights: a second or so


def _as_given(refusal: StudentDataError, error: KnowledgeGraphError, given: str) -> StudentDataError:
    """A NOT_FOUND that names the id the caller sent, not only the key it hashes to.

    An admin who sent "nobody-xyz" was told "student 'stu-767deb...' does not exist".
    """
    if isinstance(error, NotFound) and error.ident != given:
        refusal.message = f"student {given!r} (key {error.ident}) does not exist"
    return refusal


def _twins(
    attempts: Sequence[Attempt], client_ids: Sequence[str | None], opaque: Callable[[str], str]
) -> list[list[str]]:
    """Other ids each attempt may be recorded under: by an xAPI import, or live before UUIDs were statement ids.

    A UUID ``clientId`` is the statement's id (``statement_form``); recorded earlier it was
    keyed with its student, and a file import kept its id as spelled. Another ``clientId``
    may be an xAPI statement id that is no UUID, which a file import keyed as it is.
    """
    out: list[list[str]] = []
    for attempt, client in zip(attempts, client_ids, strict=True):
        if not client:
            out.append([])
            continue
        if statement_form(client) is not None:
            found = [opaque(f"client:{attempt.student}:{client}"), opaque(client)]
        else:
            found = [opaque(client), opaque(client.lower())]
        out.append([t for t in dict.fromkeys(found) if t != attempt.id])
    return out


def _field_in_request(field: str | None, kept: list[int]) -> str | None:
    """``attempts.N...`` of the attempts recorded, as the request numbered them (erased ones were left out).

    Examples:
        >>> _field_in_request("attempts.1.clientId", [0, 2]), _field_in_request("studentId", [0])
        ('attempts.2.clientId', 'studentId')
    """
    head, _, rest = (field or "").partition(".")
    number, dot, tail = rest.partition(".")
    if head != "attempts" or not number.isdigit() or int(number) >= len(kept):
        return field
    return f"attempts.{kept[int(number)]}{dot}{tail}"


def _link_problems(
    kg: KnowledgeGraph,
    attempts: Sequence[AttemptInput],
    named: Sequence[str | None],
    evidences: Mapping[str, tuple[str, ...]],
) -> list[KnowledgeGraphError]:
    """Every attempt naming a material or concept that does not exist, or a material with concepts it
    is no evidence on, each with its field.

    The store's check names the attempt by its (keyed) id alone: a client could not tell
    which of a batch was at fault. ``named``: the material each attempt's ``materialId`` names;
    ``evidences``: the concepts each named material assesses or teaches. An answer to a slope
    exercise sent with ``conceptIds: ["quadratic_formula"]`` was recorded as evidence on the
    quadratic formula and raised that estimate. Only this mutation checks it: a log's import
    and xAPI statements keep the concepts their own item tags give (``pathwise attempts import``).
    """
    found: list[KnowledgeGraphError] = []
    hints = Suggestions(kg.projection.dag.nodes, kg.projection.label)  # read on the first unknown id only
    for index, (attempt, material) in enumerate(zip(attempts, named, strict=True)):
        if attempt.material_id and material is None:
            found.append(NotFound("material", str(attempt.material_id), field=f"attempts.{index}.materialId"))
        unknown = [str(c) for c in attempt.concept_ids or () if not kg.projection.has_concept(str(c))]
        for concept in unknown:  # with the closest id, as a learning path's targets have it
            missing = ConceptNotFound(concept, field=f"attempts.{index}.conceptIds")
            missing.message += hints.hint(concept)
            found.append(missing)
        if material is None or material not in evidences:
            continue
        covered = evidences[material]
        outside = [str(c) for c in dict.fromkeys(attempt.concept_ids or ()) if str(c) not in (*covered, *unknown)]
        if outside:
            found.append(
                InvalidInput(_not_evidence(index, material, covered, outside), field=f"attempts.{index}.conceptIds")
            )
    return found


def _not_evidence(index: int, material: str, covered: Sequence[str], outside: Sequence[str]) -> str:
    """Why an attempt at ``material`` cannot count for the concepts ``outside`` what it teaches or assesses.

    Examples:
        >>> _not_evidence(2, "m_slope_practice", ["slope"], ["quadratic_formula"])[:95]
        "attempt 2: material 'm_slope_practice' teaches or assesses 'slope', not 'quadratic_formula': an"
    """
    what = ", ".join(map(repr, outside))
    if not covered:
        return (
            f"attempt {index}: material {material!r} teaches or assesses no concept, so an answer to it is no "
            f"evidence on {what}: link the material to its concepts (updateMaterial) or leave materialId out"
        )
    return (
        f"attempt {index}: material {material!r} teaches or assesses {', '.join(map(repr, covered))}, not {what}: "
        "an answer to it is no evidence on those; leave conceptIds out (the material's concepts count) or name "
        "some of its own"
    )


def _index_of(field: str | None) -> int:
    """The attempt a problem's field names (``attempts.3.score``: 3), for ordering problems as the batch is."""
    parts = (field or "").split(".")
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else -1
