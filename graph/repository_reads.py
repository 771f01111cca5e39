"""Reads of the knowledge graph: records in bulk from the store, listings and traversals from the projection.

Records (concepts, materials, curricula, translations) take at most one store round
trip per batch, whatever its size, through the record cache; listings, prerequisites
and dependents come from the projection without one. The checks a write makes of the
concepts it names (``require_concepts``) are reads of the projection too.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from typing import TypeVar

from graph import queries
from graph.concept_texts import group_translations
from graph.errors import ConceptNotFound, InvalidInput, NotFound
from graph.ids import Kind, id_of, iri_of
from graph.material_filter import MaterialFilter
from graph.model import Concept, Curriculum, Material, Translation
from graph.paging import Page, paginate
from graph.prerequisites import dependents, prerequisite_closure
from graph.quoting import quoted_id
from graph.rdf_mapping import Props
from graph.rdf_props import concept_from_props, curriculum_from_props, material_from_props
from graph.references import Suggestions
from graph.repository_base import GraphCore
from graph.text import search_key
from graph.vocab import SKOS

__all__ = ["GraphReads"]

T = TypeVar("T")


class GraphReads(GraphCore):
    """Every read of ``KnowledgeGraph``, and the checks its writes make of the ids they name."""

    # --- reads ---------------------------------------------------------------------------
    def concepts_by_ids(self, ids: Sequence[str]) -> list[Concept | None]:
        """Concepts in the order of ``ids`` (``None`` where missing); at most one round trip."""
        cache = self._cache
        return cache.read(cache.concepts, ids, self.projection.has_concept, self._reader("concept", concept_from_props))

    def _reader(self, kind: Kind, build: Callable[[str, Props], T]) -> Callable[[list[str]], dict[str, T]]:
        """Reads records of ``kind`` by id, in one round trip."""

        def read(ids: list[str]) -> dict[str, T]:
            props = queries.describe(self.store, [iri_of(kind, i) for i in ids])
            return {id_of(iri): build(iri, p) for iri, p in props.items()}

        return read

    def translations(self, ids: Sequence[str]) -> list[list[Translation]]:
        """Each concept's language-tagged labels, definitions and alternative labels, by language; one round trip.

        Tags come in their canonical case (``es-MX``), however the store keeps them.
        """
        found = queries.tagged_texts(self.store, [iri_of("concept", i) for i in ids])
        fields = {str(SKOS.prefLabel): "label", str(SKOS.definition): "definition", str(SKOS.altLabel): "alt_labels"}
        return [
            group_translations(
                (fields[p], language, text) for p, language, text in found.get(str(iri_of("concept", i)), [])
            )
            for i in ids
        ]

    def concept(self, ident: str) -> Concept:
        """One concept. Raises ``ConceptNotFound``."""
        found = self.concepts_by_ids([ident])[0]
        if found is None:
            raise ConceptNotFound(ident)
        return found

    def list_concepts(
        self,
        *,
        first: int,
        after: str | None = None,
        search: str | None = None,
        among: Collection[str] | None = None,
    ) -> Page:
        """Concept ids in id order, optionally those whose id or a label (alternative, another language's)
        contains ``search`` (compared by ``search_key``: without case or accents), and only those ``among``
        (a curriculum's, ``graph.curriculum_scope``) when given.

        Alternative labels are how learners name a concept ("gradient" for slope): searching
        labels alone found nothing for them.
        """
        ordered = self.projection.sorted_concepts()
        if among is not None:
            ordered = [c for c in ordered if c in among]
        needle = search_key(search or "")
        if needle:
            keys = self._search_keys()
            ordered = [c for c in ordered if needle in keys.get(c, "")]
        return paginate(ordered, first, after)

    def _search_keys(self) -> dict[str, str]:
        """Each concept's id and labels (alternative, other languages') as one ``search_key`` text.

        Built once and dropped by a write that changes a label (``commit``) or a rebuilt
        projection: attempts change the revision many times a second, labels seldom.
        """
        keys = self._keys
        if keys is None:
            found = {c: [c, self.projection.label(c)] for c in self.projection.sorted_concepts()}
            for c, alt in queries.other_labels(self.store):
                found.get(id_of(c), []).append(alt)
            keys = self._keys = {c: "\n".join(search_key(t) for t in texts) for c, texts in found.items()}
        return keys

    def _require_concept(self, ident: str, field: str | None = None) -> None:
        if not self.projection.has_concept(ident):
            raise ConceptNotFound(ident, field=field)

    def prerequisites_of(self, ident: str, *, transitive: bool = False, max_depth: int | None = None) -> list[str]:
        """Prerequisite ids, nearest first: direct ones, or the closure up to ``max_depth``."""
        self._require_concept(ident)
        depth = max_depth if transitive else 1
        return prerequisite_closure(self.projection.dag, ident, depth)

    def dependents_of(self, ident: str, *, transitive: bool = False) -> list[str]:
        """Ids of the concepts that require this one, nearest first."""
        self._require_concept(ident)
        return dependents(self.projection.dag, ident, None if transitive else 1)

    def strength(self, concept: str, prerequisite: str) -> float:
        """The strength of an existing edge."""
        return float(self.projection.dag.edges[prerequisite, concept].get("strength", 1.0))

    def provenance(self, concept: str, prerequisite: str) -> str:
        """Where an existing edge came from (a designer, an importer, a CASE association), or ""."""
        return str(self.projection.dag.edges[prerequisite, concept].get("provenance", ""))

    def material_ids_for(self, concept_ids: Sequence[str]) -> list[list[str]]:
        """For each concept, the ids of its materials, sorted; no store round trip."""
        return [sorted(self.projection.materials_of(c)) for c in concept_ids]

    def materials_by_ids(self, ids: Sequence[str]) -> list[Material | None]:
        """Materials in the order of ``ids`` (``None`` where missing); at most one round trip."""
        cache = self._cache
        exists = self.projection.material_ids.__contains__
        return cache.read(cache.materials, ids, exists, self._reader("material", material_from_props))

    def material(self, ident: str, *, field: str | None = None) -> Material:
        """One material. Raises ``NotFound`` (naming ``field``, the argument that gave the id)."""
        found = self.materials_by_ids([ident])[0]
        if found is None:
            raise NotFound("material", ident, field=field)
        return found

    def list_materials(
        self,
        *,
        first: int,
        after: str | None = None,
        type: str | None = None,
        concept: str | None = None,
        where: MaterialFilter | None = None,
        for_concepts: Collection[str] | None = None,
    ) -> Page:
        """Material ids in id order, filtered by type, linked concept and accessibility metadata (``where``),
        and to those teaching or assessing one of ``for_concepts`` (a curriculum's) when given.

        Raises:
            ConceptNotFound: ``concept`` names no concept.
            InvalidInput: ``where.orphans`` is true beside a ``concept``, which a material linked to no
                concept cannot match.
        """
        pool: Iterable[str] = self.projection.material_ids
        if concept is not None:
            self._require_concept(concept, "conceptId")
            if where is not None and where.orphans:
                raise InvalidInput(
                    "orphans: true lists the materials linked to no concept, so it cannot be given with conceptId",
                    field="orphans",
                )
            pool = self.projection.materials_of(concept)
        if for_concepts is not None:
            linked = {m for c in for_concepts for m in self.projection.materials_of(c)}
            pool = [m for m in pool if m in linked]
        if type is not None:
            pool = [m for m in pool if self.projection.material_types.get(m) == type]
        if where is not None and where.orphans is not None:
            orphans = self.projection.orphan_materials()
            pool = [m for m in pool if (m in orphans) is where.orphans]
        if where is not None and where.on_metadata:
            pool = [m for m in pool if where.matches(self.projection.access_of(m))]
        return paginate(sorted(pool), first, after)

    def curricula(self) -> list[Curriculum]:
        """Every curriculum, by id."""
        ids = sorted(self.projection.curriculum_ids)
        props = queries.describe(self.store, [iri_of("curriculum", i) for i in ids])
        return [
            curriculum_from_props(str(iri_of("curriculum", i)), props.get(str(iri_of("curriculum", i)), {}))
            for i in ids
        ]

    def is_empty(self) -> bool:
        """Whether the graph holds no concept at all."""
        return self.projection.dag.number_of_nodes() == 0

    def stored_broader(self) -> list[tuple[str, str]]:
        """Every stored (concept, broader) pair: the graph keeps no broader links in memory."""
        rows = self.store.select(f"SELECT ?c ?b WHERE {{ ?c {SKOS.broader.n3()} ?b }}")
        return [(id_of(str(c)), id_of(str(b))) for c, b in rows if c is not None and b is not None]

    def topics_among(self, ids: Sequence[str]) -> dict[str, list[str]]:
        """Which of ``ids`` are topics, each with its narrower concepts (however deep), by id.

        A topic groups concepts (``skos:broader`` points to it) and has nothing to study of
        its own: no prerequisites, no materials. As a target it stands for its concepts: on
        its own it made a one-step path, "about 10 minutes" to learn all of Quadratics, with
        no material. A concept with prerequisites or materials is learnt as itself. A topic
        under a topic (a CASE framework's grade, its strands, their standards) is no concept
        either: TEKS Grade 7 made "111.27.b Knowledge and skills." and each strand's heading
        steps of their own, 10 minutes each beside the standards under them.
        """
        projection = self.projection

        def bare(i: str) -> bool:
            return not projection.dag.in_degree(i) and not projection.materials_of(i)

        asked = [i for i in dict.fromkeys(ids) if bare(i)]
        found = queries.narrower_concepts(self.store, [iri_of("concept", i) for i in asked])
        topics = {id_of(t): [c for c in map(id_of, ns) if projection.has_concept(c)] for t, ns in found.items()}
        inner = sorted({c for cs in topics.values() for c in cs if bare(c)})
        grouping = {
            id_of(t)
            for t, ns in queries.narrower_concepts(self.store, [iri_of("concept", c) for c in inner]).items()
            if ns
        }
        studied = {t: [c for c in cs if c not in grouping] for t, cs in topics.items()}
        return {t: studied[t] for t in asked if studied.get(t)}

    # --- what a write names --------------------------------------------------------------
    def require_concepts(self, named: Sequence[tuple[str, str]]) -> None:
        """Every ``(input field, concept id)`` names a concept, or NOT_FOUND lists each id that does not.

        The first unknown id alone was named, with empty problems: a form found the next on the next try.

        Raises:
            ConceptNotFound: of the first unknown id; ``field`` the input holding them all (``None``
                when they are in several), ``problems`` one line per id with the closest that exists.
        """
        missing = [(where, c) for where, c in dict.fromkeys(named) if not self.projection.has_concept(c)]
        if not missing:
            return
        fields = {where for where, _ in missing}
        problems = self._missing_concepts([c for _, c in missing])
        raise ConceptNotFound(missing[0][1], field=fields.pop() if len(fields) == 1 else None, problems=problems)

    def _missing_concepts(self, ids: Iterable[str]) -> list[str]:
        """``concept 'x' does not exist``, with the closest concept that does, for each of ``ids`` (once)."""
        hints = Suggestions(self.projection.dag.nodes, self.projection.label)
        return [f"concept {quoted_id(c)} does not exist{hints.hint(c)}" for c in dict.fromkeys(ids)]

    def _unknown_links(self, own: str, prerequisites: Sequence[str], others: Sequence[str]) -> list[str]:
        """Problems for what a new concept or material names: itself as a prerequisite, ids that do not exist."""
        problems = [f"concept {own!r} cannot be its own prerequisite" for p in prerequisites if p == own]
        named = dict.fromkeys([*(p for p in prerequisites if p != own), *(c for c in others if c != own)])
        return problems + self._missing_concepts(c for c in named if not self.projection.has_concept(c))
