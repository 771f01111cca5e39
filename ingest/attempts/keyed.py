"""Attempt tables against the graph: keyed students and ids, concepts from materials, twins and voids.

Shared by ``pathwise attempts import`` and ``recordStatements``, so a statement is the
same attempt whichever way it arrives: the same key, the same id, the same concepts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from graph import queries
from graph.ids import iri_of
from graph.model import Attempt
from graph.pseudonyms import StudentKeys
from graph.repository import KnowledgeGraph

if TYPE_CHECKING:
    import pandas as pd  # the CLI's --help imports this module: no pandas until a log is read

__all__ = [
    "assessing_materials",
    "item_concepts",
    "keyed_attempts_table",
    "live_twins",
    "stored_void_targets",
    "with_material_concepts",
]


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


def keyed_attempts_table(frame: pd.DataFrame, pseudonyms: StudentKeys) -> pd.DataFrame:
    """The log with student keys and keyed attempt ids: no external id reaches the graph.

    A log's attempt ids usually embed the student (``file:alice:12``), so they are keyed
    too (``Pseudonymizer.opaque``); both are stable, so a replayed log still adds nothing.
    """
    if frame.empty:
        return frame
    out = frame.copy()
    students = {s: pseudonyms.resolve(str(s)) for s in out["student"].unique()}
    out["student"] = out["student"].map(students)
    out["attempt_id"] = [pseudonyms.opaque(str(i)) for i in out["attempt_id"]]
    return out


def stored_void_targets(kg: KnowledgeGraph, frame: pd.DataFrame, pseudonyms: StudentKeys) -> list[str]:
    """The attempt ids of the statements these files void that an earlier import stored (to retract them)."""
    targets = [str(t) for t in frame.attrs.get("void_targets", ())]
    ids = {str(iri_of("attempt", pseudonyms.opaque(t))): pseudonyms.opaque(t) for t in targets}
    return sorted(ids[iri] for iri in queries.describe_types(kg.store, [iri_of("attempt", i) for i in ids.values()]))


def live_twins(
    frame: pd.DataFrame, keyed: pd.DataFrame, found: Sequence[Attempt], pseudonyms: StudentKeys
) -> list[list[str]]:
    """The id each statement's attempt has when it came live, through ``recordAttempts`` with its id as ``clientId``."""
    if frame.empty:
        return [[] for _ in found]
    statement = dict(zip(keyed["attempt_id"], frame["attempt_id"], strict=True))
    out: list[list[str]] = []
    for a in found:
        given = str(statement.get(a.id, ""))
        spellings = dict.fromkeys([given, given.lower()]) if given else {}
        out.append([pseudonyms.opaque(f"client:{a.student}:{s}") for s in spellings])
    return out
