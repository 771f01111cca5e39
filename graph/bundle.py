"""A curriculum as one value: what importers produce and the repository validates.

A bundle is the unit of all-or-nothing writes: an import builds one, the repository
checks it whole against the graph, then commits it in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from rdflib import Graph, URIRef

from graph.model import Concept, Curriculum, Material, Prerequisite, Translation

__all__ = ["NOTHING_TO_IMPORT", "CurriculumBundle", "ImportReport", "Pruned"]

NOTHING_TO_IMPORT = "the document holds no curriculum, concept, prerequisite or material"


@dataclass(frozen=True)
class CurriculumBundle:
    """Curricula, concepts, prerequisite edges and materials to write together.

    ``extra`` holds RDF triples that came with an RDF import and that the domain model
    does not describe (a ``skos:note``, a ``dcterms:creator``); they are written as they
    are, so an RDF round trip loses nothing.

    ``unstated`` names the fields the source says nothing about, as ``(kind, field)``
    pairs (``("material", "language")``: a CSV file without that column). A stored
    item the batch replaces keeps its values of them, as a null field of an update
    mutation does; an empty value in the source is stated, and clears. A concept's
    ``translations`` count as a field, of each concept too (``unstated_items``): a source
    that states them (an RDF description with another language's label or definition)
    replaces a concept's every language; one that does not (CSV, CASE, a description
    without them) changes only the languages it names and keeps the others.
    ``unstated_items`` says the same of one item, keyed ``(kind, id)`` (an edge's id is
    ``"c -> p"``): an RDF document describes each subject with the predicates it has, so
    one material may be described whole and the next without its hazards.

    ``translations`` gives concepts' labels, definitions and alternative labels in each
    language, by concept id: those of the batch's concepts, and those of stored concepts
    whose translations alone the batch sets (a ``translations.csv`` without the concept's
    row). ``own_languages`` says, by ``(concept id, "label" | "definition")``, which
    language a concept's own value is in where the source tags it (an RDF concept whose
    only label is ``"Algebra"@en``, or whose ``pw:ownLanguage`` names it), so that it is
    stored with its tag; a CSV row's ``language`` cell gives it too, "" when the cell is
    empty (the row states its values untagged). A concept's ``alt_labels`` are its own
    language's: its translations carry the others'.

    ``whole_predicates`` names unmodelled predicates the source gives in full for each item
    it holds (CASE: an item's identifier, URI, code and records): a replaced item keeps
    its stored triples of the other unmodelled predicates its source does not give it
    (``graph.unmodelled_kept``), and of these none.

    ``origins`` says where an item came from, for messages about it: ``("material",
    "m1") -> "materials.csv:line 4"``, an edge under ``("prerequisite", "c -> p")``.
    Formats whose items are found by their id (RDF, by subject) leave it empty.
    ``warnings`` are the reader's, for the import's report (what it read but did not import).
    ``problems`` are what the reader found that refuses an import of the source (an RDF
    concept with two labels in one language) but not a read of the store (an export).
    """

    curricula: tuple[Curriculum, ...] = ()
    concepts: tuple[Concept, ...] = ()
    prerequisites: tuple[Prerequisite, ...] = ()
    materials: tuple[Material, ...] = ()
    extra: Graph | None = field(default=None, compare=False)
    unstated: frozenset[tuple[str, str]] = frozenset()
    whole_predicates: frozenset[URIRef] = frozenset()
    unstated_items: Mapping[tuple[str, str], frozenset[str]] = field(default_factory=dict, compare=False)
    origins: Mapping[tuple[str, str], str] = field(default_factory=dict, compare=False)
    warnings: tuple[str, ...] = ()
    problems: tuple[str, ...] = field(default=(), compare=False)
    translations: Mapping[str, tuple[Translation, ...]] = field(default_factory=dict)
    own_languages: Mapping[tuple[str, str], str] = field(default_factory=dict)

    def states(self, kind: str, name: str, ident: str | None = None) -> bool:
        """Whether the source says what ``name`` of each ``kind`` is (an empty value is said too).

        With ``ident``, of that item: neither its whole file nor its own description leaves it out.
        """
        if (kind, name) in self.unstated:
            return False
        return ident is None or name not in self.unstated_items.get((kind, ident), ())

    def is_empty(self) -> bool:
        """Whether there is nothing to write: no domain object and no extra triple."""
        return not any(self.counts().values()) and not (self.extra is not None and len(self.extra))

    def counts(self) -> dict[str, int]:
        """How many of each kind the bundle holds; ``translations`` (one per concept and language) when it has any."""
        counts = {
            "curricula": len(self.curricula),
            "concepts": len(self.concepts),
            "prerequisites": len(self.prerequisites),
            "materials": len(self.materials),
        }
        translations = sum(len(found) for found in self.translations.values())
        return counts | {"translations": translations} if translations else counts


@dataclass
class Pruned:
    """What an import's prune deleted (or, in a dry run, would delete): ``graph.prune``.

    ``concepts`` and ``materials`` are every id deleted, sorted. The counts say what went
    with them, as ``deleteConcept``'s ``ConceptDeletion`` does: ``prerequisites`` the edges
    from or to a pruned concept (each once), ``narrower`` the ``skos:broader`` links of
    concepts that stay, ``material_links`` the links of materials that stay to pruned
    concepts, ``estimates`` students' mastery estimates of pruned concepts.
    """

    concepts: list[str] = field(default_factory=list)
    materials: list[str] = field(default_factory=list)
    prerequisites: int = 0
    narrower: int = 0
    material_links: int = 0
    estimates: int = 0


@dataclass
class ImportReport:
    """What an import did (or, with ``dry_run``, would do), for people and tests.

    ``dangling`` lists references to concepts that exist neither in the import nor in
    the graph (``missing_ids`` those ids, once each); those links are left out.
    ``cycles`` lists every prerequisite cycle found; ``dropped_edges`` the edges left
    out to break them, when that was asked for. ``warnings`` says what the import did
    that its source may not have meant (stored values kept for fields it does not state).
    ``pruned`` says what a prune deleted; ``None`` when none was asked for.
    """

    counts: dict[str, int] = field(default_factory=dict)
    dangling: list[str] = field(default_factory=list)
    missing_ids: list[str] = field(default_factory=list)
    cycles: list[list[str]] = field(default_factory=list)
    dropped_edges: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    triples: int = 0
    revision: int = 0
    dry_run: bool = False
    pruned: Pruned | None = None

    def summary(self) -> str:
        """A few human lines: counts, dangling references, cycles."""
        parts = [", ".join(f"{v} {k}" for k, v in self.counts.items())]
        if self.dangling:
            parts.append(
                f"{len(self.dangling)} dangling reference(s) to {len(self.missing_ids)} unknown id(s) left out"
            )
        if self.cycles:
            parts.append(f"{len(self.cycles)} cycle(s)")
        if self.dropped_edges:
            parts.append(f"{len(self.dropped_edges)} edge(s) dropped to break cycles")
        return "; ".join(p for p in parts if p)
