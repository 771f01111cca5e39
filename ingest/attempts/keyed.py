"""Attempt tables against the graph: keyed students and ids, concepts from materials, twins and voids.

Shared by ``pathwise attempts import`` and ``recordStatements``, so a statement is the
same attempt whichever way it arrives: the same key, the same id, the same concepts.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from graph import queries
from graph.attempts import statement_form, stored_attempts, with_stored_twins
from graph.ids import iri_of
from graph.model import Attempt
from graph.pseudonyms import StudentKeys
from graph.repository import KnowledgeGraph
from graph.vocab import PW

if TYPE_CHECKING:
    import pandas as pd  # the CLI's --help imports this module: no pandas until a log is read

__all__ = [
    "NOT_A_MATERIAL",
    "UNMAPPED_SHOWN",
    "UnmappedActivities",
    "activity_materials",
    "assessing_materials",
    "item_concepts",
    "keyed_attempts_table",
    "live_twins",
    "stored_void_targets",
    "voided_ahead",
    "voided_within",
    "voids_ahead",
    "with_material_concepts",
    "with_recorded_twins",
    "without_unmapped",
]

NOT_A_MATERIAL = "activity is no material of the graph"
"""The skip reason of a statement whose activity no material is (not its id, nor among its activity ids)."""

UNMAPPED_SHOWN = 20
"""The unmapped activities a report names at most (the most-sent first); the rest are counted."""


def item_concepts(kg: KnowledgeGraph) -> dict[str, list[str]]:
    """Material id -> the concepts an attempt at it is about: those it assesses, else those it teaches.

    The rule ``recordAttempts`` applies to an attempt naming a material alone, so an
    answer counts for the same concepts whichever way it arrives.
    """
    assesses: dict[str, set[str]] = {m: set() for m in kg.projection.material_ids}
    teaches: dict[str, set[str]] = {m: set() for m in kg.projection.material_ids}
    for table, out in ((kg.projection.assesses, assesses), (kg.projection.teaches, teaches)):
        for concept, materials in table.items():
            for m in materials:
                out.setdefault(m, set()).add(concept)
    return {m: sorted(assesses.get(m) or teaches.get(m) or ()) for m in assesses.keys() | teaches.keys()}


def activity_materials(kg: KnowledgeGraph) -> dict[str, str]:
    """Activity id -> the material that lists it: what an LMS's IRI in a statement is about (``graph.activities``).

    Read from the projection, as ``item_concepts`` is: no query, however many statements.
    """
    return dict(kg.projection.activities)


def assessing_materials(kg: KnowledgeGraph) -> set[str]:
    """The materials that assess a concept: what a ``completed`` statement can be an answer to."""
    return {m for materials in kg.projection.assesses.values() for m in materials}


def with_material_concepts(attempts: Sequence[Attempt], linked: Mapping[str, Sequence[str]]) -> list[Attempt]:
    """Attempts that name an item alone get the concepts of the material of that id.

    A csv log with an item column and no concepts was stored with none, and moved no estimate.
    """
    return [
        replace(a, concepts=tuple(linked[a.material]))
        if not a.concepts and a.material is not None and linked.get(a.material)
        else a
        for a in attempts
    ]


def keyed_attempts_table(frame: pd.DataFrame, pseudonyms: StudentKeys, *, statements: bool = False) -> pd.DataFrame:
    """The log with student keys and keyed attempt ids: no external id reaches the graph.

    A log's attempt ids usually embed the student (``file:alice:12``), so they are keyed
    too (``Pseudonymizer.opaque``); both are stable, so a replayed log still adds nothing.
    With ``statements`` (xAPI), a UUID statement id is read in lower case
    (``graph.attempts.statement_form``): the id ``recordAttempts`` gives a UUID ``clientId``.
    """
    if frame.empty:
        return frame
    out = frame.copy()
    students = {s: pseudonyms.resolve(str(s)) for s in out["student"].unique()}
    out["student"] = out["student"].map(students)
    if statements:
        out["attempt_id"] = [pseudonyms.opaque(statement_form(str(i)) or str(i)) for i in out["attempt_id"]]
    else:
        out["attempt_id"] = [pseudonyms.opaque(str(i)) for i in out["attempt_id"]]
    return out


def stored_void_targets(kg: KnowledgeGraph, frame: pd.DataFrame, pseudonyms: StudentKeys) -> list[str]:
    """The attempt ids of the statements these files void that are recorded (to take them back).

    A void's target is read in lower case; a statement recorded before UUIDs were read so
    was stored under its id as sent, so the upper-case spelling is looked for too.
    """
    candidates = [
        pseudonyms.opaque(spelling)
        for target in frame.attrs.get("void_targets", ())
        for spelling in dict.fromkeys([str(target), str(target).upper()])
    ]
    return sorted(stored_attempts(kg, candidates)[1])


def voids_ahead(kg: KnowledgeGraph, frame: pd.DataFrame, pseudonyms: StudentKeys) -> list[str]:
    """The keyed ids of the statements these files void that neither they nor the store hold (UUIDs only).

    A void can come before its statement: an LRS accepts a void of a statement it does
    not have yet (xAPI 1.0.3 asks it not to refuse one), and a forwarder retrying a batch
    sends an earlier one late. Such a void was counted nowhere and the statement, when
    it came, was recorded. Its ``voided_marker`` makes that statement arrive voided.
    A statement stored under its id as sent upper-case is no void ahead (``stored_void_targets``).
    """
    return _not_held(kg, frame.attrs.get("void_unmatched", ()), pseudonyms)


def voided_within(kg: KnowledgeGraph, frame: pd.DataFrame, pseudonyms: StudentKeys) -> list[str]:
    """The keyed ids of the statements these files hold and void, where the store holds nothing of them (UUIDs only).

    The statement is left out of what is recorded; its ``voided_marker`` keeps it out when
    it is sent again alone (a forwarder retrying a batch, the next night's file), as for a
    void that came first. Without one, the answer a void had taken back was recorded then.
    """
    unmatched = set(frame.attrs.get("void_unmatched", ()))
    return _not_held(kg, [t for t in frame.attrs.get("void_targets", ()) if t not in unmatched], pseudonyms)


def _not_held(kg: KnowledgeGraph, targets: Collection[object], pseudonyms: StudentKeys) -> list[str]:
    """The keyed ids of the UUID ``targets`` the store holds no attempt or marker of, in any spelling."""
    ahead: dict[str, list[str]] = {}
    for target in targets:
        form = statement_form(str(target))
        if form is not None:
            ahead[pseudonyms.opaque(form)] = [pseudonyms.opaque(s) for s in dict.fromkeys([form, form.upper()])]
    if not ahead:
        return []
    spellings = [iri_of("attempt", i) for ids in ahead.values() for i in ids]
    held = set(queries.describe_types(kg.store, spellings))
    return sorted(key for key, ids in ahead.items() if not any(str(iri_of("attempt", i)) in held for i in ids))


def voided_ahead(kg: KnowledgeGraph, attempts: Sequence[Attempt]) -> tuple[list[Attempt], set[str]]:
    """``attempts`` without those an earlier void took back before they arrived, and those ones' ids.

    Counted as voided, not as duplicates: nothing was recorded of them before.
    """
    iris = sorted({iri_of("attempt", a.id) for a in attempts})
    voided = queries.typed_among(kg.store, iris, [PW.VoidedAttempt]) if iris else set()
    if not voided:
        return list(attempts), set()
    gone = {a.id for a in attempts if str(iri_of("attempt", a.id)) in voided}
    return [a for a in attempts if a.id not in gone], gone


def live_twins(
    frame: pd.DataFrame, keyed: pd.DataFrame, found: Sequence[Attempt], pseudonyms: StudentKeys
) -> list[list[str]]:
    """Other ids a statement's attempt may be recorded under: as sent before UUIDs were read in lower case.

    A statement recorded from a file kept its id as spelled, and one sent live through
    ``recordAttempts`` (its id as ``clientId``) was keyed with its student; a UUID is now
    one id both ways (``statement_form``), and these find what was recorded before.
    """
    if frame.empty:
        return [[] for _ in found]
    statement = dict(zip(keyed["attempt_id"], frame["attempt_id"], strict=True))
    out: list[list[str]] = []
    for a in found:
        given = str(statement.get(a.id, ""))
        twins = [pseudonyms.opaque(given)] if given and statement_form(given) not in (None, given) else []
        twins += [pseudonyms.opaque(f"client:{a.student}:{s}") for s in dict.fromkeys([given, given.lower()]) if s]
        out.append([t for t in dict.fromkeys(twins) if t != a.id])
    return out


def with_recorded_twins(
    kg: KnowledgeGraph, frame: pd.DataFrame, keyed: pd.DataFrame, attempts: Sequence[Attempt], pseudonyms: StudentKeys
) -> tuple[list[Attempt], dict[str, str]]:
    """``attempts`` of a statement table under the id they are recorded under, where that is another.

    Returns the attempts and, for each that took another id, that id -> the one read
    (a clash with what is recorded is named by the statement read).
    """
    found = with_stored_twins(kg, attempts, live_twins(frame, keyed, attempts, pseudonyms))
    return found, {after.id: before.id for before, after in zip(attempts, found, strict=True) if after.id != before.id}


@dataclass(frozen=True)
class UnmappedActivities:
    """Statements skipped because their activity is no material, and which activities those were.

    ``activities`` are (activity id, statements) pairs, the most-sent first (then by id),
    at most ``UNMAPPED_SHOWN``; ``not_shown`` counts the further distinct activities. A
    Moodle quiz sends one ``attempt.php?attempt=N`` per attempt, each once, while a
    question nobody mapped yet comes back with every learner: it heads the list.
    """

    statements: int = 0
    activities: tuple[tuple[str, int], ...] = ()
    not_shown: int = 0


def without_unmapped(frame: pd.DataFrame, material_ids: Collection[str]) -> tuple[pd.DataFrame, UnmappedActivities]:
    """The statement table less the rows whose activity is no material of the graph, and what was left out.

    An activity is a material when its graph id (``to_graph.material_id``, the id an
    import would create) is a material's: ``parse_xapi`` has already put the material
    that lists an activity among its activity ids in its place. ``recordStatements``
    skips these (a forwarder sends everything its LMS logs), and so does the file
    import with ``--skip-unmapped``; the report names the activities, so an engineer
    knows which IRIs still need a material's ``activityIds``.
    """
    if frame.empty:
        return frame, UnmappedActivities()
    from ingest.attempts.to_graph import material_id

    items = [str(i) for i in frame["item"].unique() if i]
    unmapped = [i for i in items if material_id(i) not in material_ids]
    if not unmapped:
        return frame, UnmappedActivities()
    hit = frame["item"].isin(unmapped)
    per_activity = frame.loc[hit].groupby("item")["attempt_id"].nunique()
    ranked = sorted(((str(a), int(n)) for a, n in per_activity.items()), key=lambda pair: (-pair[1], pair[0]))
    kept = frame.loc[~hit].reset_index(drop=True)
    kept.attrs = dict(frame.attrs)
    found = UnmappedActivities(
        statements=int(frame.loc[hit, "attempt_id"].nunique()),
        activities=tuple(ranked[:UNMAPPED_SHOWN]),
        not_shown=max(0, len(ranked) - UNMAPPED_SHOWN),
    )
    return kept, found
