"""The projection (``graph.projection``) built from the store's rows, at start or when found stale.

Apart from ``graph.repository`` because reading every concept, edge and material back
into memory, with the defaults a stored value falls back to, is its own job; the
repository only decides when to do it.
"""

from __future__ import annotations

from collections.abc import Iterable

from graph import queries
from graph.access_needs import AccessFacts
from graph.concept_texts import text_preference
from graph.errors import InvalidInput
from graph.ids import id_of
from graph.projection import Projection
from graph.rdf_mapping import parse_duration_minutes
from graph.triple_store import TripleStore
from graph.vocab import SDO

__all__ = ["load_projection"]


def load_projection(store: TripleStore) -> Projection:
    """The projection of what ``store`` holds, at the store's revision.

    Examples:
        >>> from graph.store import open_store
        >>> load_projection(open_store("memory")).revision
        0
    """
    rows = queries.projection_rows(store)
    proj = Projection()
    for ident, label in _shown_labels(rows["concepts"]).items():
        proj.add_concept(ident, label if label is not None else ident)
    for c, p, w, v in rows["edges"]:
        strength = float(w) if w is not None else 1.0
        proj.add_edge(id_of(str(c)), id_of(str(p)), strength, v or "")
    links: dict[str, tuple[list[str], list[str]]] = {}
    for m, *_ in rows["materials"]:
        links[id_of(str(m))] = ([], [])
    teaches = str(SDO.teaches)
    for m, r, c in rows["links"]:
        entry = links.setdefault(id_of(str(m)), ([], []))
        entry[0 if r == teaches else 1].append(id_of(str(c)))
    facts = {id_of(str(m)): _material_facts(t, d, r) for m, t, d, r in rows["materials"]}
    owners: dict[str, str] = {}
    for m, a in sorted((id_of(str(m)), str(a).strip()) for m, a in rows["activities"]):
        owners.setdefault(a, m)  # one stored twice by another writer: the first material's, by id
    activities: dict[str, list[str]] = {}
    for a, m in owners.items():
        activities.setdefault(m, []).append(a)
    access = _access_facts(rows["access"])
    for material, (teaches_, assesses) in links.items():
        mtype, difficulty, minutes = facts.get(material, ("reading", 1, 5))
        proj.set_material(
            material,
            mtype,
            teaches_,
            assesses,
            difficulty=difficulty,
            minutes=minutes,
            activity_ids=activities.get(material, ()),
            access=access.get(material),
        )
    proj.curriculum_ids = {id_of(str(r[0])) for r in rows["curricula"]}
    proj.revision = queries.revision(store)
    return proj


def _shown_labels(rows: Iterable[tuple[str | None, ...]]) -> dict[str, str | None]:
    """Each concept's label as its record shows it, from (concept IRI, label, tag) rows (``None``: no label).

    Untagged, else English, else the first language: the last row of a concept won, so
    after a restart paths and hints named a concept by any of its translations.
    """
    best: dict[str, tuple[tuple[int, str, str], str] | None] = {}
    for c, label, language in rows:
        ident = id_of(str(c))
        current = best.setdefault(ident, None)
        if label is not None:
            rank = text_preference(language, label)
            if current is None or rank < current[0]:
                best[ident] = (rank, label)
    return {ident: found[1] if found is not None else None for ident, found in best.items()}


def _material_facts(kind: str | None, difficulty: str | None, duration: str | None) -> tuple[str, int, int]:
    """(type, difficulty, minutes) of a material from its stored literals, with the model's defaults."""
    try:
        level = int(float(str(difficulty))) if difficulty is not None else 1
    except ValueError:
        level = 1
    try:
        minutes = parse_duration_minutes(str(duration)) if duration is not None else 5
    except InvalidInput:
        minutes = 5
    return (str(kind) if kind is not None else "reading", level, minutes)


def _access_facts(rows: Iterable[tuple[str | None, ...]]) -> dict[str, AccessFacts]:
    """Each material's accessibility metadata from (material IRI, property IRI, literal) rows."""
    values: dict[str, dict[str, list[str]]] = {}
    for m, p, o in rows:
        if m is not None and p is not None and o is not None:
            name = str(p).rsplit("/", 1)[-1]
            values.setdefault(id_of(str(m)), {}).setdefault(name, []).append(str(o))
    return {m: AccessFacts.from_values(v) for m, v in values.items()}
