"""Cohorts (classes, sections): who is in them and who teaches them.

A cohort is a ``pw:Cohort`` with an optional name (``rdfs:label``) and the subject ids
of its teachers (``pw:teacher``, plain literals: a teacher is whoever a token names, not
a node of the graph). A student is a member through ``<student> pw:memberOf <cohort>``;
enrolling a student the graph does not know yet creates the ``pw:Student``. Every
change is one transaction, and nothing is written when a change is refused.

``GraphCohortDirectory`` answers the two questions the access policy asks
(``cohorts_taught_by`` and ``students_of``, the ``auth.directory.CohortDirectory``
protocol) from the graph.
"""

from __future__ import annotations

import logging
import time
import weakref
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from rdflib import Literal

from graph import cohort_queries
from graph.errors import DuplicateId, InvalidInput, NotFound
from graph.ids import id_problem, iri_of, is_valid_id, script_id_problem
from graph.pseudonyms import id_text
from graph.rdf_mapping import Triple
from graph.repository import KnowledgeGraph
from graph.validation import stored_kind
from graph.value_checks import LABEL_LIMIT, text_problem
from graph.vocab import PW, RDF, RDFS

__all__ = [
    "MAX_TEACHERS",
    "Cohort",
    "GraphCohortDirectory",
    "RosterEntry",
    "RosterReport",
    "apply_roster",
    "cohort",
    "cohorts_by_ids",
    "cohorts_taught_by",
    "create_cohort",
    "delete_cohort",
    "enrol_students",
    "largest_cohort_size",
    "list_cohorts",
    "members",
    "remove_students",
    "set_teachers",
    "students_of",
    "teacher_problem",
]


@dataclass(frozen=True, slots=True)
class Cohort:
    """A group of students: a class, a section, a course run.

    ``size`` is the number of members when the cohort was read.
    """

    id: str
    name: str = ""
    teachers: tuple[str, ...] = ()
    size: int = 0


@dataclass(frozen=True, slots=True)
class RosterEntry:
    """One roster line: ``student`` is in ``cohort`` (taught by ``teacher``, when given)."""

    cohort: str
    student: str
    teacher: str = ""
    line: int = 0
    name: str = ""  # the cohort's name ("Math 7A"); "" leaves it as it is


@dataclass
class RosterReport:
    """What a roster import did."""

    cohorts_created: list[str] = field(default_factory=list)
    cohorts_renamed: list[str] = field(default_factory=list)
    enrolled: int = 0
    already_enrolled: int = 0
    removed: int = 0
    teachers_added: int = 0
    teachers_removed: int = 0
    claims_dropped: list[str] = field(default_factory=list)  # cohorts whose teacher-made claims gave way
    repeated_lines: list[int] = field(default_factory=list)
    erased_lines: list[int] = field(default_factory=list)
    revision: int = 0


def _check_ids(kind: str, idents: Iterable[str], field_name: str) -> list[str]:
    out = list(dict.fromkeys(idents))
    for ident in out:
        problem = id_problem(kind, ident)
        if problem is not None:
            raise InvalidInput(problem, field=field_name)
    return out


def _check_new_cohort_iris(kg: KnowledgeGraph, idents: Iterable[str], field_name: str) -> None:
    """A cohort cannot take the IRI of a concept, a material or a curriculum.

    It would share that subject's triples: the concept would be typed a cohort too, and
    deleting the cohort would delete the label they share.
    """
    for ident in idents:
        kind = stored_kind(ident, kg.projection) if ":" in ident else None
        if kind is not None:
            raise InvalidInput(f"cohort id {ident!r} is already the IRI of a {kind}", field=field_name)


log = logging.getLogger("pathwise.cohorts")

MAX_TEACHERS = 100
"""The most teachers one cohort may name: a class has a few (20,000 were accepted, and every read listed them)."""
TEACHER_ID_LIMIT = 255
"""The longest teacher id: a token's subject."""


def teacher_problem(teacher: str) -> str | None:
    """Why ``teacher`` cannot be a teacher's id, said whole (None: it can).

    Examples:
        >>> teacher_problem("t-17") is None, teacher_problem("t" * 300)[-42:]
        (True, 'has an id of 300 characters, more than 255')
    """
    found = text_problem(teacher, "id", limit=TEACHER_ID_LIMIT, one_line=True)
    return None if found is None else f"teacher {teacher if len(teacher) <= 40 else teacher[:39] + '…'!r} {found}"


def _check_teachers(teachers: Sequence[str]) -> list[str]:
    """The teacher ids, in NFC, trimmed and sorted; refused as ``createCohort`` and ``renameCohort`` refuse a name."""
    if len(teachers) > MAX_TEACHERS:
        raise InvalidInput(
            f"at most {MAX_TEACHERS} teachers can teach one cohort, got {len(teachers)}", field="teacherIds"
        )
    out = []
    for index, given in enumerate(teachers):
        teacher = id_text(given)  # NFC, as a token's sub is matched (cohort_queries.cohorts_with_teacher)
        problem = "a teacher id is empty" if not teacher else teacher_problem(teacher)
        if problem is not None:
            raise InvalidInput(problem, field=f"teacherIds.{index}")
        out.append(teacher)
    return sorted(set(out))


def _clean_name(ident: str, name: str) -> str:
    """A cohort's name, trimmed; one line of at most LABEL_LIMIT characters without controls, or "" for none."""
    clean = name.strip()
    problem = text_problem(clean, "name", limit=LABEL_LIMIT, one_line=True, may_be_empty=True)
    if problem is not None:
        raise InvalidInput(f"cohort {ident!r} {problem}", field="name")
    return clean


# --- reads ----------------------------------------------------------------------------------------
def cohorts_by_ids(kg: KnowledgeGraph, ids: Sequence[str]) -> list[Cohort | None]:
    """Cohorts in the order of ``ids`` (``None`` where missing); one round trip."""
    valid = [i for i in dict.fromkeys(ids) if is_valid_id(i)]
    found = cohort_queries.cohort_rows(kg.store, [iri_of("cohort", i) for i in valid])
    out: list[Cohort | None] = []
    for ident in ids:
        row = found.get(ident)
        out.append(Cohort(ident, row[0], tuple(row[1]), row[2]) if row is not None else None)
    return out


def cohort(kg: KnowledgeGraph, ident: str) -> Cohort:
    """One cohort.

    Raises:
        NotFound: there is no such cohort.
    """
    found = cohorts_by_ids(kg, [ident])[0]
    if found is None:
        raise NotFound("cohort", ident, field="cohortId")
    return found


def list_cohorts(kg: KnowledgeGraph) -> list[Cohort]:
    """Every cohort, by id."""
    rows = cohort_queries.cohort_rows(kg.store)
    return [Cohort(i, name, tuple(teachers), size) for i, (name, teachers, size) in sorted(rows.items())]


def members(kg: KnowledgeGraph, ident: str) -> list[str]:
    """The student keys of a cohort's members, sorted.

    Raises:
        NotFound: there is no such cohort.
    """
    cohort(kg, ident)
    return cohort_queries.member_rows(kg.store, iri_of("cohort", ident))


def students_of(kg: KnowledgeGraph, ident: str) -> set[str]:
    """The members of a cohort; empty for an unknown (or malformed) cohort id."""
    if not is_valid_id(ident):
        return set()
    return set(cohort_queries.member_rows(kg.store, iri_of("cohort", ident)))


def cohorts_taught_by(kg: KnowledgeGraph, teacher: str) -> set[str]:
    """The ids of the cohorts ``teacher`` teaches."""
    return cohort_queries.cohorts_with_teacher(kg.store, teacher)


class GraphCohortDirectory:
    """The access policy's ``CohortDirectory`` over the graph: two queries, no cache."""

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.kg = kg

    def cohorts_taught_by(self, teacher: str) -> set[str]:
        """The cohorts ``teacher`` (a token's ``sub``) teaches."""
        return cohorts_taught_by(self.kg, teacher)

    def students_of(self, cohort: str) -> set[str]:
        """The members of ``cohort`` (empty for an unknown cohort)."""
        return students_of(self.kg, cohort)


_LARGEST: weakref.WeakKeyDictionary[KnowledgeGraph, tuple[int, float, int]] = weakref.WeakKeyDictionary()
LARGEST_FOR_SECONDS = 5.0
"""How long a count is reused after the store changed: attempts change the revision many times a second."""


def largest_cohort_size(kg: KnowledgeGraph) -> int:
    """How many members the largest cohort has (0 without cohorts), read again once the store changed.

    What ``Cohort.students`` can cost a query (``schema.cost``): an admin may enrol 20,000.
    An estimate, so a count up to ``LARGEST_FOR_SECONDS`` old serves while attempts arrive;
    an enrolment here reads it again at once (another process's, within those seconds).
    """
    revision, now = kg.revision, time.monotonic()
    known = _LARGEST.get(kg)
    if known is not None and (known[0] == revision or now - known[1] < LARGEST_FOR_SECONDS):
        return known[2]
    size = cohort_queries.largest_cohort(kg.store)
    _LARGEST[kg] = (revision, now, size)
    return size


# --- writes ---------------------------------------------------------------------------------------
def _cohort_triples(ident: str, name: str, teachers: Iterable[str]) -> list[Triple]:
    k = iri_of("cohort", ident)
    out: list[Triple] = [(k, RDF.type, PW.Cohort)]
    if name:
        out.append((k, RDFS.label, Literal(name)))
    out += [(k, PW.teacher, Literal(t)) for t in teachers]
    return out


def _claim_triples(kg: KnowledgeGraph, ident: str) -> list[Triple]:
    """The cohort's unconfirmed teacher claims, as stored (see ``create_cohort``)."""
    k = iri_of("cohort", ident)
    return [(k, PW.claimedBy, Literal(t)) for t in sorted(cohort_queries.teacher_claims(kg.store, [k]).get(ident, ()))]


def create_cohort(
    kg: KnowledgeGraph, ident: str, name: str = "", teachers: Sequence[str] = (), *, claimed: bool = False
) -> Cohort:
    """Create an empty cohort.

    ``claimed``: a teacher creates it, so its teachers are theirs to name, not the school's.
    An empty cohort grants nothing, but a teacher could create one under a class id the
    roster sync was about to create, and read the class it filled (an audit). The teachers
    are stored as claims too: the first enrolment by an admin or a roster drops those it
    does not confirm (``enrol_students``, ``apply_roster``); ``set_teachers`` confirms.

    Raises:
        InvalidInput: a malformed id, name or teacher id, or more than MAX_TEACHERS teachers.
        DuplicateId: the cohort exists already.
    """
    _check_ids("cohort", [ident], "id")
    if (script := script_id_problem("cohort", ident)) is not None:
        raise InvalidInput(script, field="id")
    named = _clean_name(ident, name)  # renameCohort and importRoster refused what this stored (an audit)
    clean = _check_teachers(teachers)
    with kg.lock:
        if cohorts_by_ids(kg, [ident])[0] is not None:
            raise DuplicateId("cohort", ident, field="id")
        _check_new_cohort_iris(kg, [ident], "id")
        k = iri_of("cohort", ident)
        claims: list[Triple] = [(k, PW.claimedBy, Literal(t)) for t in clean] if claimed else []
        kg.commit([], _cohort_triples(ident, named, clean) + claims, lambda: None)
    return Cohort(ident, named, tuple(clean), 0)


def delete_cohort(kg: KnowledgeGraph, ident: str) -> None:
    """Delete a cohort and every membership in it (the students stay).

    Raises:
        NotFound: there is no such cohort.
    """
    with kg.lock:
        found = cohort(kg, ident)
        k = iri_of("cohort", ident)
        deletes = _cohort_triples(ident, found.name, found.teachers) + _claim_triples(kg, ident)
        deletes += [(iri_of("student", s), PW.memberOf, k) for s in cohort_queries.member_rows(kg.store, k)]
        kg.commit(deletes, [], lambda: None)


def set_teachers(kg: KnowledgeGraph, ident: str, teachers: Sequence[str]) -> Cohort:
    """Replace a cohort's teachers (confirmed: teacher-made claims end here, see ``create_cohort``).

    Raises:
        NotFound: there is no such cohort.
        InvalidInput: an empty or malformed teacher id, or more than MAX_TEACHERS teachers.
    """
    clean = _check_teachers(teachers)
    with kg.lock:
        found = cohort(kg, ident)
        k = iri_of("cohort", ident)
        deletes: list[Triple] = [(k, PW.teacher, Literal(t)) for t in found.teachers if t not in clean]
        deletes += _claim_triples(kg, ident)
        inserts: list[Triple] = [(k, PW.teacher, Literal(t)) for t in clean if t not in found.teachers]
        if deletes or inserts:
            kg.commit(deletes, inserts, lambda: None)
        return Cohort(ident, found.name, tuple(clean), found.size)


def rename_cohort(kg: KnowledgeGraph, ident: str, name: str) -> Cohort:
    """Give a cohort a new name ("" clears it): a roster renames only with a line that enrols someone.

    Raises:
        NotFound: there is no such cohort.
        InvalidInput: a name of several lines, or with control characters.
    """
    clean = _clean_name(ident, name)
    with kg.lock:
        found = cohort(kg, ident)
        k = iri_of("cohort", ident)
        if clean != found.name:
            deletes: list[Triple] = [(k, RDFS.label, Literal(found.name))] if found.name else []
            kg.commit(deletes, [(k, RDFS.label, Literal(clean))] if clean else [], lambda: None)
        return Cohort(ident, clean, found.teachers, found.size)


def enrol_students(kg: KnowledgeGraph, ident: str, students: Sequence[str]) -> Cohort:
    """Make students members of a cohort (members already are stay as they are).

    The first students enrolled in a cohort a teacher made end its teachers' claims: the
    claimed teachers lose it (an admin names them with ``set_teachers``), so a class id a
    teacher took before the school's sync filled it grants them nothing (``create_cohort``).

    Raises:
        NotFound: there is no such cohort.
        InvalidInput: a malformed student key.

    Examples:
        >>> from graph.store import open_store
        >>> kg = KnowledgeGraph(open_store("memory"))
        >>> create_cohort(kg, "7b", "Class 7b", ["t1"])
        Cohort(id='7b', name='Class 7b', teachers=('t1',), size=0)
        >>> enrol_students(kg, "7b", ["s1", "s2", "s1"]).size
        2
        >>> sorted(students_of(kg, "7b")), cohorts_taught_by(kg, "t1")
        (['s1', 's2'], {'7b'})
    """
    keys = _check_ids("student", students, "studentIds")
    with kg.lock:
        found = cohort(kg, ident)
        current = students_of(kg, ident)
        k = iri_of("cohort", ident)
        fresh = [s for s in keys if s not in current]
        inserts: list[Triple] = []
        for s in fresh:
            inserts += [(iri_of("student", s), RDF.type, PW.Student), (iri_of("student", s), PW.memberOf, k)]
        claims = _claim_triples(kg, ident) if fresh else []
        claimed = {str(t) for _, _, t in claims}
        deletes: list[Triple] = claims + [(k, PW.teacher, Literal(t)) for t in found.teachers if t in claimed]
        if claimed:
            log.warning("cohort %r: enrolling students ended the teachers' own claims to it (%s)", ident, len(claimed))
        if inserts:
            kg.commit(deletes, inserts, lambda: None)
            _LARGEST.pop(kg, None)  # a class may have grown past the count the cost limit reads
        teachers = tuple(t for t in found.teachers if t not in claimed)
        return Cohort(ident, found.name, teachers, found.size + len(fresh))


def remove_students(kg: KnowledgeGraph, ident: str, students: Sequence[str]) -> Cohort:
    """End students' membership of a cohort (their data stays; non-members are ignored).

    Raises:
        NotFound: there is no such cohort.
    """
    keys = [s for s in dict.fromkeys(students) if is_valid_id(s)]
    with kg.lock:
        found = cohort(kg, ident)
        current = students_of(kg, ident)
        k = iri_of("cohort", ident)
        gone = [s for s in keys if s in current]
        if gone:
            kg.commit([(iri_of("student", s), PW.memberOf, k) for s in gone], [], lambda: None)
        return Cohort(ident, found.name, found.teachers, found.size - len(gone))


def _check_roster_teachers(
    cohort: str, known: set[str], given: set[str] | None, lines: Sequence[RosterEntry], replace: bool
) -> None:
    """Refuse a roster that leaves ``cohort`` more than MAX_TEACHERS teachers (each line was checked alone).

    A roster adds to the teachers a cohort has, or with ``replace`` makes them the ones
    it names; the line named is the one whose teacher is the first past the limit.
    """
    final = set(given or ()) if replace and given else known | set(given or ())
    if len(final) <= MAX_TEACHERS:
        return
    seen = set() if replace else set(known)
    for entry in lines:
        seen |= {t.strip() for t in entry.teacher.split("|") if t.strip()}
        if len(seen) > MAX_TEACHERS:
            break
    kept = "" if replace else f" (it has {len(known)}, the roster adds {len(final) - len(known)})"
    raise InvalidInput(
        f"cohort {cohort!r} would have {len(final)} teachers{kept}: at most {MAX_TEACHERS} can teach one cohort;"
        f" line {entry.line} names the first past the limit",
        field="teacherIds",
    )


def apply_roster(
    kg: KnowledgeGraph, entries: Sequence[RosterEntry], *, replace: bool = False, erased: Collection[str] = ()
) -> RosterReport:
    """Apply a validated roster in one transaction.

    ``erased``: keys of students forgotten on request. Their lines are left out (and
    named in ``erased_lines``) unless they are members of that cohort already: a nightly
    sync replays the LMS's roster, which still lists a learner whose erasure was asked
    for, and brought them back every night. An admin re-admits a learner who returns
    with ``enrolStudents``; the roster then finds them enrolled.

    Cohorts the roster names and the graph lacks are created; each line's student is
    enrolled and its teacher (when given) added to the cohort's teachers. With
    ``replace``, every cohort the roster names ends with exactly the roster's members
    (others are removed) and, where the roster names any teacher of it, exactly its
    teachers: a teacher taken off the roster kept reading the class. A cohort whose lines
    name no teacher keeps its teachers (a roster without the column changes none).

    Raises:
        InvalidInput: a malformed id (the roster reader reports these with lines first).
    """
    _check_ids("cohort", [e.cohort for e in entries], "cohort")
    _check_ids("student", [e.student for e in entries], "student")
    report = RosterReport()
    with kg.lock:
        named = list(dict.fromkeys(e.cohort for e in entries))
        existing = dict(zip(named, cohorts_by_ids(kg, named), strict=True))
        _check_new_cohort_iris(kg, [c for c in named if existing[c] is None], "cohort")
        for c in named:
            if existing[c] is None and (script := script_id_problem("cohort", c)) is not None:
                raise InvalidInput(script, field="cohort")
        current = cohort_queries.memberships(kg.store, [iri_of("cohort", c) for c in named if existing[c]])
        claims = cohort_queries.teacher_claims(kg.store, [iri_of("cohort", c) for c in named if existing[c]])
        inserts: list[Triple] = []
        deletes: list[Triple] = []
        teachers: dict[str, set[str]] = {}
        wanted: dict[str, list[str]] = {}
        lines_of: dict[str, list[RosterEntry]] = {}  # each cohort's lines, gathered once (a district has thousands)
        names = {e.cohort: e.name for e in entries if e.name}
        for e in entries:
            lines_of.setdefault(e.cohort, []).append(e)
            wanted.setdefault(e.cohort, [])
            if e.student not in wanted[e.cohort]:
                wanted[e.cohort].append(e.student)
            else:  # read once, and said: the lines would not add up to the counts otherwise
                report.repeated_lines.append(e.line)
            # several teachers in one cell are |-separated, as concepts are in the logs ("t-x|t-y" was one id)
            given = {id_text(t) for t in e.teacher.split("|") if t.strip()}  # NFC, as createCohort stores them
            if given:
                teachers.setdefault(e.cohort, set()).update(given)
        for c in named:
            k = iri_of("cohort", c)
            found = existing[c]
            if found is None and all(s in erased for s in wanted[c]):
                # only students forgotten on request: an empty class would be all that is left of them
                report.erased_lines += [
                    next(e.line for e in entries if e.cohort == c and e.student == s) for s in wanted[c]
                ]
                continue
            if found is None:
                inserts.append((k, RDF.type, PW.Cohort))
                report.cohorts_created.append(c)
            name = names.get(c)
            if name and (found is None or found.name != name):
                if found is not None:
                    deletes += [(k, RDFS.label, Literal(found.name))] if found.name else []
                    report.cohorts_renamed.append(c)
                inserts.append((k, RDFS.label, Literal(name)))
            known = set(found.teachers) if found is not None else set()
            before = set(current.get(c, []))
            if c in claims and any(s not in before and s not in erased for s in wanted[c]):
                # a teacher made this cohort: the school's roster confirms the teachers it names, the others lose it
                unconfirmed = claims[c] - teachers.get(c, set())
                deletes += [(k, PW.claimedBy, Literal(t)) for t in sorted(claims[c])]
                deletes += [(k, PW.teacher, Literal(t)) for t in sorted(unconfirmed & known)]
                report.teachers_removed += len(unconfirmed & known)
                report.claims_dropped.append(c)
                known -= unconfirmed
            added = sorted(teachers.get(c, set()) - known)
            _check_roster_teachers(c, known, teachers.get(c), lines_of[c], replace)
            inserts += [(k, PW.teacher, Literal(t)) for t in added]
            report.teachers_added += len(added)
            for s in wanted[c]:
                if s in before:
                    report.already_enrolled += 1
                elif s in erased:
                    report.erased_lines += [e.line for e in entries if e.cohort == c and e.student == s][:1]
                else:
                    inserts += [(iri_of("student", s), RDF.type, PW.Student), (iri_of("student", s), PW.memberOf, k)]
                    report.enrolled += 1
            if replace:
                gone = sorted(before - set(wanted[c]))
                deletes += [(iri_of("student", s), PW.memberOf, k) for s in gone]
                report.removed += len(gone)
                if c in teachers:
                    dropped = sorted(known - teachers[c])
                    deletes += [(k, PW.teacher, Literal(t)) for t in dropped]
                    report.teachers_removed += len(dropped)
        if inserts or deletes:
            kg.commit(deletes, inserts, lambda: None)
            _LARGEST.pop(kg, None)
        report.revision = kg.revision
    return report
