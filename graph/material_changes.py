"""Telling in-process indexes which materials a write changed (created, edited or deleted).

The repository calls its ``listeners`` with the triples of every committed write. A
material's title or text changed when a triple with its name or text was deleted or
inserted: every material write (create, update, link, import, delete) rewrites its name.
``on_material_change`` turns that into a callback with the material ids, so a search
index stays in step without the repository knowing it exists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from graph.ids import id_of
from graph.rdf_mapping import Triple
from graph.repository import KnowledgeGraph, WriteListener
from graph.vocab import SDO

__all__ = ["MaterialCallback", "changed_material_ids", "on_material_change"]

MaterialCallback = Callable[[list[str]], None]
"""Called with the ids of the materials a write created, changed or deleted."""

_TEXT_PREDICATES = frozenset({SDO.name, SDO.text})


def changed_material_ids(triples: Iterable[Triple], known: Callable[[str], bool]) -> list[str]:
    """Ids of the materials whose name or text is among ``triples``, in first-seen order.

    Args:
        triples: deleted and inserted triples of one write.
        known: whether an id is (or was) a material; other subjects with a name are skipped.

    Examples:
        >>> from graph.ids import iri_of
        >>> from rdflib import Literal
        >>> m = iri_of("material", "m1")
        >>> changed_material_ids([(m, SDO.name, Literal("Adding")), (m, SDO.text, Literal("2+3"))], {"m1"}.__contains__)
        ['m1']
    """
    found = (id_of(str(s)) for s, p, _ in triples if p in _TEXT_PREDICATES)
    return [m for m in dict.fromkeys(found) if known(m)]


def on_material_change(kg: KnowledgeGraph, callback: MaterialCallback, known: Callable[[str], bool]) -> WriteListener:
    """Call ``callback`` after every write that touches materials' text; returns the listener added.

    ``known`` says whether an id was a material before the write (the callback's own
    record): together with the graph's current materials it covers creations, edits and
    deletions.
    """

    def listener(deletes: Sequence[Triple], inserts: Sequence[Triple], revision: int) -> None:
        materials = kg.projection.material_ids
        ids = changed_material_ids([*deletes, *inserts], lambda m: m in materials or known(m))
        if ids:
            callback(ids)

    kg.listeners.append(listener)
    return listener
