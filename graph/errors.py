"""Domain errors, shaped like networkx's exception hierarchy.

The transport layer maps each to a typed GraphQL error with a code; the codes live
here (``ErrorCode``) so that mapping is a lookup, not a guess.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence

from graph.quoting import quoted_id

__all__ = [
    "ActivityClash",
    "ConceptNotFound",
    "DanglingReferences",
    "DuplicateId",
    "EditConflict",
    "ErrorCode",
    "InvalidInput",
    "KnowledgeGraphError",
    "LookAlikeId",
    "ManyProblems",
    "NotFound",
    "PrerequisiteCycle",
    "StoreUnwritable",
    "ReusedClientId",
    "ReusedStatementId",
    "StoreInUse",
    "ValidationFailed",
]


class ErrorCode(enum.Enum):
    """Why a request was refused."""

    CYCLE = "CYCLE"
    NOT_FOUND = "NOT_FOUND"
    DUPLICATE = "DUPLICATE"
    INVALID = "INVALID"
    UNAVAILABLE = "UNAVAILABLE"  # not the request's fault: try again later (a full disk, too many questions)
    CONFLICT = "CONFLICT"  # changed by someone else since the caller read it: read it again, then decide


class KnowledgeGraphError(Exception):
    """Base class of every expected failure of the knowledge graph."""

    code: ErrorCode = ErrorCode.INVALID

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class Unavailable(KnowledgeGraphError):
    """The service cannot do it now (busy, out of space); the same request may succeed later."""

    code = ErrorCode.UNAVAILABLE


class StoreUnwritable(Unavailable, OSError):
    """The store could not be written (a full disk, a read-only folder); nothing of the write was applied.

    An ``OSError`` still, for what handles one; the client had "Unexpected error." with no
    code, and could not tell a full disk it may retry after from a bug.
    """


class StoreUnopenable(Unavailable):
    """The store does not open (its files damaged, a setting no store answers at); nothing was read or written.

    Every command that opened it ended in a Python traceback, and ``--json`` printed nothing.
    """


class StoreUnreachable(Unavailable):
    """A remote store (``sparql:``) did not answer; nothing of the read or write happened.

    It came out as a plain-text HTTP 500 or "Unexpected error." with no code, while the
    health probes stayed green.
    """


class EditConflict(KnowledgeGraphError):
    """An edit names the version it was based on (``ifVersion``), and the thing has changed since."""

    code = ErrorCode.CONFLICT

    def __init__(self, kind: str, ident: str, *, field: str | None = "ifVersion") -> None:
        super().__init__(
            f"{kind} {ident!r} was changed since this version was read: read it again and apply the edit to that",
            field=field,
        )
        self.ident = ident


class NotFound(KnowledgeGraphError):
    """An id names nothing in the graph; ``problems`` lists each id of the request that does not (when several).

    ``hint``, when given, follows the message (what the caller may have meant).
    """

    code = ErrorCode.NOT_FOUND

    def __init__(
        self, kind: str, ident: str, *, field: str | None = None, problems: Sequence[str] = (), hint: str = ""
    ) -> None:
        more = f" (and {len(problems) - 1} more: see problems)" if len(problems) > 1 else ""
        said = f"{kind} {quoted_id(ident)} does not exist"
        if not hint and len(problems) == 1 and problems[0].startswith(said):
            # the one problem's "(did you mean 'slope'?)": the message said only "concept 'slop' does not exist"
            hint = problems[0][len(said) :]
        super().__init__(f"{said}{more}{hint}", field=field)
        self.kind = kind
        self.ident = ident
        self.problems = list(problems)


class ConceptNotFound(NotFound):
    """A concept id names no concept."""

    def __init__(self, ident: str, *, field: str | None = None, problems: Sequence[str] = ()) -> None:
        super().__init__("concept", ident, field=field, problems=problems)


class DuplicateId(KnowledgeGraphError):
    """Something with this id already exists; ``problems`` names every id of the batch that does."""

    code = ErrorCode.DUPLICATE

    def __init__(
        self, kind: str, ident: str, *, field: str | None = None, also: Sequence[tuple[str, str]] = ()
    ) -> None:
        more = f" (and {len(also)} more: see problems)" if also else ""
        super().__init__(f"{kind} {ident!r} already exists{more}", field=field)
        self.kind = kind
        self.ident = ident
        self.problems = [f"{k} {i!r} already exists" for k, i in [(kind, ident), *also]]


class LookAlikeId(DuplicateId):
    """A new id is a stored one written in another Unicode form (``graph.id_twins``).

    ``ident`` is the stored id, which the request most likely meant; ``problems`` says both.
    """

    def __init__(self, kind: str, existing: str, message: str, *, field: str | None = "id") -> None:
        KnowledgeGraphError.__init__(self, message, field=field)
        self.kind = kind
        self.ident = existing
        self.problems = [message]


class ActivityClash(KnowledgeGraphError):
    """An IRI would name two materials: an activity id another material lists or has as its id.

    ``ident`` is the first such IRI; ``problems`` names every clash with both materials
    (``graph.activities``).
    """

    code = ErrorCode.DUPLICATE

    def __init__(self, problems: Sequence[str], ident: str, *, field: str | None = "activityIds") -> None:
        more = f" (and {len(problems) - 1} more: see problems)" if len(problems) > 1 else ""
        super().__init__(problems[0] + more, field=field)
        self.ident = ident
        self.problems = list(problems)


class ReusedClientId(KnowledgeGraphError):
    """A client id already names a stored attempt of another learner, or with another score, time, material or concepts.

    Retrying an attempt is safe (its id makes it a duplicate), but reusing the id for
    another answer would silently drop that answer, so it is refused instead.
    """

    code = ErrorCode.DUPLICATE

    def __init__(
        self, client_id: str, *, field: str | None = None, in_batch: bool = False, differs: str | None = None
    ) -> None:
        """``differs``: what sets this attempt apart (``graph.attempt_clashes.what_differs``), if known.

        Without it, a client that stamped its retry with a new time was told "another
        score, time, material or concepts" and had to guess which.
        """
        where = "is sent twice in this batch" if in_batch else "was recorded earlier"
        differs = differs or "for another learner, or with another score, time, material or concepts"
        super().__init__(
            f"clientId {client_id!r} {where} {differs}: a retry must send the same attempt, and a new attempt "
            "needs a new clientId",
            field=field,
        )
        self.ident = client_id
        self.in_batch = in_batch

    def unread(self) -> ReusedClientId:
        """The refusal for a caller who may read no student data: what was recorded is not said.

        An integration token was told "with another score (1 recorded, 0 sent)", "another
        time (2026-12-02T15:03:04 recorded, ...)", the material and concepts: probing known
        client ids read other clients' stored answers back. A clash within the caller's own
        batch names only what it sent, and stays as it is.
        """
        if self.in_batch:
            return self
        hidden = "with another answer (what was recorded is not shown to a role that reads no student data)"
        return ReusedClientId(self.ident, field=self.field, differs=hidden)


class ReusedStatementId(KnowledgeGraphError):
    """An xAPI statement id already names a stored attempt of another learner, or with another result or time."""

    code = ErrorCode.DUPLICATE

    def __init__(self, statement_id: str, *, field: str | None = None) -> None:
        super().__init__(
            f"statement {statement_id!r} was recorded earlier for another learner, or with another result or "
            "time: a statement id names one statement, so a changed result is a new statement with its own id",
            field=field,
        )
        self.ident = statement_id


class InvalidInput(KnowledgeGraphError):
    """A value is malformed or out of range."""

    code = ErrorCode.INVALID


class PrerequisiteCycle(KnowledgeGraphError):
    """A change would make the prerequisite graph cyclic.

    ``cycles`` lists each cycle as a path of concept ids whose last element requires the
    first, e.g. ``("a", "b", "a")`` is written as ``["a", "b"]``. ``where`` says, for each
    cycle, the file and line of its edges that came from a file (``" (prerequisites.csv:line
    3: b -> a)"``, ``graph.validation.cycle_origins``), or ``""``; the message says it too.
    """

    code = ErrorCode.CYCLE

    def __init__(self, cycles: Sequence[Sequence[str]], *, where: Sequence[str] = ()) -> None:
        self.cycles = [list(c) for c in cycles]
        self.where = [*where, *[""] * (len(self.cycles) - len(where))]
        shown = "; ".join(" -> ".join([*c, c[0]]) + w for c, w in zip(self.cycles[:10], self.where, strict=False))
        more = f" (and {len(self.cycles) - 10} more)" if len(self.cycles) > 10 else ""
        super().__init__(f"prerequisite cycle: {shown}{more}")


class ValidationFailed(InvalidInput):
    """A batch (an import) failed validation; ``problems`` lists every reason.

    ``cycles`` holds the prerequisite cycles among them (each also a problem), as
    ``PrerequisiteCycle.cycles`` does, when other problems refused the same batch.
    """

    code = ErrorCode.INVALID

    def __init__(
        self,
        problems: Sequence[str],
        *,
        field: str | None = None,
        cycles: Sequence[Sequence[str]] = (),
        summary: str | None = None,
    ) -> None:
        self.problems = list(problems)
        self.cycles = [list(c) for c in cycles]
        head = "; ".join(self.problems[:5])
        more = f" (and {len(self.problems) - 5} more)" if len(self.problems) > 5 else ""
        super().__init__(f"{summary or f'{len(self.problems)} problem(s)'}: {head}{more}", field=field)


class DanglingReferences(ValidationFailed):
    """A batch links to ids that exist neither in it nor in the graph (a typo, a file left out).

    ``dangling`` lists each reference; ``problems`` them, then what else refused the
    same batch (its cycles). An import may leave them out instead, when asked to.
    """

    def __init__(
        self, dangling: Sequence[str], *, problems: Sequence[str] = (), cycles: Sequence[Sequence[str]] = ()
    ) -> None:
        self.dangling = list(dangling)
        also = f" and {len(problems)} other problem(s)" if problems else ""
        summary = (
            f"{len(self.dangling)} reference(s) to ids that exist neither in the import nor in the graph{also}, "
            "nothing imported (allowDangling, --allow-dangling: import without those links)"
        )
        super().__init__([*dangling, *problems], cycles=cycles, summary=summary)


class StoreInUse(KnowledgeGraphError):
    """An embedded store is open in another process (RocksDB allows one writer)."""

    def __init__(self, location: str, *, instead: str | None = None) -> None:
        """``instead``: what to do while the service runs, where a change is not what was asked."""
        alternative = instead or "stop it first, or make the change through its GraphQL API"
        super().__init__(
            f"the store at {location} is in use by another process (a running `pathwise serve`?): {alternative}"
        )
        self.location = location


class ManyProblems(KnowledgeGraphError):
    """Several items of one batch were refused: said as the first one, each kept in ``errors``.

    A client with a queue of 500 answers fixed one bad item per round trip when only
    the first was named.
    """

    def __init__(self, errors: Sequence[KnowledgeGraphError]) -> None:
        first = errors[0]
        more = f" (and {len(errors) - 1} more: see problems)" if len(errors) > 1 else ""  # as NotFound says it
        super().__init__(first.message + more, field=first.field)
        self.code = first.code
        self.errors = list(errors)
