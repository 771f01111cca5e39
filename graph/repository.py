"""The one API for every read and write of the knowledge graph.

Reads that traverse or list go to the projection; reads of records go to the store
in bulk (one round trip per batch, whatever its size). Every write validates first
against the projection, then applies its deletes and inserts in one store
transaction together with a new graph revision, then updates the projection.
"""

from __future__ import annotations

import bisect
import itertools
import threading
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import ClassVar, TypeVar

from rdflib import Graph, Literal, URIRef

from graph import queries
from graph.access_needs import AccessFacts
from graph.activities import activity_clashes, clash_error
from graph.bundle import CurriculumBundle, ImportReport
from graph.bundle_plan import PlannedWrite, ProgressHook, plan_bundle, project_material
from graph.cascade import cascade
from graph.concept_texts import (
    TEXT_PREDICATES,
    group_translations,
    text_preference,
    written_texts,
)
from graph.errors import ConceptNotFound, DuplicateId, InvalidInput, NotFound, PrerequisiteCycle, ValidationFailed
from graph.ids import Kind, edge_iri, id_of, iri_of
from graph.material_filter import MaterialFilter
from graph.model import Concept, ConceptDeletion, Curriculum, Material, Prerequisite, Translation
from graph.prerequisites import cycle_if_added, dependents, prerequisite_closure
from graph.projection import Projection
from graph.rdf_mapping import (
    Props,
    Triple,
    bundle_from_rdf,
    concept_from_props,
    concept_triples,
    curriculum_from_props,
    material_from_props,
    material_triples,
    parse_duration_minutes,
    prerequisite_triples,
)
from graph.references import Suggestions
from graph.store import TripleStore
from graph.text import search_key
from graph.validation import (
    CONCEPT_PREDICATES,
    MATERIAL_PREDICATES,
    broader_cycles,
    check_strength,
    concept_problems,
    material_problems,
    one_field,
)
from graph.vocab import GRAPH_IRI, PW, SDO, SKOS

__all__ = ["KnowledgeGraph", "Page", "PlannedWrite", "ProgressHook", "WriteListener", "paginate"]

WriteListener = Callable[[Sequence[Triple], Sequence[Triple], int], None]
"""Called as ``listener(deletes, inserts, revision)`` after each committed write."""


@dataclass(frozen=True)
class Page:
    """One page of ids from an ordered listing."""

    ids: list[str]
    total: int
    has_next: bool
    has_previous: bool


def paginate(ordered: Sequence[str], first: int, after: str | None) -> Page:
    start = 0
    if after is not None:
        start = bisect.bisect_right(ordered, after)
    ids = list(ordered[start : start + first])
    return Page(ids, len(ordered), start + first < len(ordered), start > 0)


T = TypeVar("T")


@dataclass
class _RecordCache:
    """Concept and material records, each as last read from the store.

    Curriculum records are read far more often than written (every learning path lists
    its materials). A record is built from its subject's own triples only, so a write
    evicts the records of the subjects it touches: the attempts and estimates that make
    up most of a live service's writes touch none, and the cache outlives them. A
    projection rebuilt because another process wrote (the stale check of a shared
    store) empties it. Bounded: past ``LIMIT`` records a table starts over.
    """

    concepts: dict[str, Concept] = field(default_factory=dict)
    materials: dict[str, Material] = field(default_factory=dict)
    generation: int = 0  # moves with every eviction: a read that began before one keeps nothing
    lock: threading.Lock = field(default_factory=threading.Lock)  # readers in worker threads (QA)
    LIMIT: ClassVar[int] = 50_000
    WHOLESALE: ClassVar[int] = 10_000  # a write this large empties the cache instead of evicting

    def read(
        self,
        table: dict[str, T],
        ids: Sequence[str],
        exists: Callable[[str], bool],
        fetch: Callable[[list[str]], dict[str, T]],
    ) -> list[T | None]:
        """Records in the order of ``ids``: those cached, the rest that ``exists`` fetched in one call and kept."""
        generation, wanted = self.generation, list(dict.fromkeys(ids))
        # .get, not `in` then [ ]: a writer may evict in between
        found = {i: r for i in wanted if (r := table.get(i)) is not None}
        unread = [i for i in wanted if i not in found and exists(i)]
        if unread:
            fresh = fetch(unread)
            self.keep(table, fresh, generation)
            found.update(fresh)
        return [found.get(i) for i in ids]

    def keep(self, table: dict[str, T], found: dict[str, T], generation: int) -> None:
        """Remember records read at ``generation``, unless a write has evicted since."""
        with self.lock:
            if generation != self.generation:
                return
            if len(table) + len(found) > self.LIMIT:
                table.clear()
            table.update(found)

    def evict(self, written: Sequence[Triple] | None) -> None:
        """Forget the records whose subjects ``written`` touches (everything when ``None`` or large)."""
        touched = None if written is None or len(written) > self.WHOLESALE else {id_of(str(s)) for s, _, _ in written}
        with self.lock:
            self.generation += 1
            if touched is None:
                self.concepts.clear()
                self.materials.clear()
                return
            for ident in touched:
                self.concepts.pop(ident, None)
                self.materials.pop(ident, None)


_LABELS = frozenset({SKOS.prefLabel, SKOS.altLabel})
"""What concept search reads besides ids: a write touching one drops the search keys."""


class KnowledgeGraph:
    """Concepts, prerequisites, materials and curricula over a triple store."""

    def __init__(self, store: TripleStore) -> None:
        self.store = store
        self.projection = Projection()
        self._cache = _RecordCache()
        self.lock = threading.RLock()
        self.listeners: list[WriteListener] = []  # in-process caches kept in step with writes
        self._keys: dict[str, str] | None = None  # concept search keys, until a write changes a label
        self.rebuild_projection()

    # --- projection and revisions -------------------------------------------------------
    def rebuild_projection(self) -> None:
        """Build the projection from the store (at start, or when found stale)."""
        rows = queries.projection_rows(self.store)
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
        proj.revision = queries.revision(self.store)
        self.projection = proj
        self._cache.evict(None)  # another writer may have changed any record
        self._keys = None

    def refresh_if_stale(self) -> bool:
        """Rebuild the projection when another process has written; say if it did."""
        with self.lock:
            if queries.revision(self.store) != self.projection.revision:
                self.rebuild_projection()
                return True
            return False

    @property
    def revision(self) -> int:
        """The revision the projection reflects."""
        return self.projection.revision

    def commit(self, deletes: Sequence[Triple], inserts: Sequence[Triple], project: Callable[[], None]) -> None:
        """Apply one write with a new revision, then mirror it in the projection.

        Under ``lock``: a model switch writes from a worker thread while the event loop
        writes too, and two writes must not both take the same next revision.
        """
        with self.lock:
            old, new = self.projection.revision, self.projection.revision + 1
            # The old revision goes in the same transaction, so the graph holds one revision literal.
            rev_old = [(GRAPH_IRI, PW.revision, Literal(old))] if old else []
            self.store.apply([*deletes, *rev_old], [*inserts, (GRAPH_IRI, PW.revision, Literal(new))])
            self._cache.evict([*deletes, *inserts])
            if any(p in _LABELS for _, p, _ in itertools.chain(deletes, inserts)):
                self._keys = None
            project()
            self.projection.revision = new
            for listener in self.listeners:
                listener(deletes, inserts, new)

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

    # --- concept writes ----------------------------------------------------------------------
    def create_concept(self, concept: Concept, prerequisites: Sequence[str] = ()) -> Concept:
        """Add a concept (and its direct prerequisites, which must exist).

        A concept with bad values of its own is refused with every problem listed, the
        unknown ids it names among them, so a form shows them all at once.
        """
        with self.lock:
            bundle = CurriculumBundle(
                concepts=(concept,),
                prerequisites=tuple(Prerequisite(concept.id, p, 1.0, "designer") for p in prerequisites),
            )
            found = concept_problems(concept)
            if found:
                links = self._unknown_links(concept.id, prerequisites, concept.broader)
                problems = [message for _, message in found] + links
                raise ValidationFailed(problems, field=None if links else one_field(found))
            if concept.id in prerequisites:
                raise InvalidInput(f"concept {concept.id!r} cannot be its own prerequisite", field="prerequisites")
            self.require_concepts(
                [("prerequisites", p) for p in prerequisites] + [("broader", b) for b in concept.broader]
            )
            if concept.curriculum and concept.curriculum not in self.projection.curriculum_ids:
                raise NotFound("curriculum", concept.curriculum, field="curriculumId")
            if self.projection.has_concept(concept.id):
                raise DuplicateId("concept", concept.id, field="id")
            self.import_bundle(bundle)
            return concept

    def _require_linked(self, material: Material) -> None:
        """Every concept a material teaches or assesses exists (NOT_FOUND names the list it is in)."""
        self.require_concepts([("teaches", c) for c in material.teaches] + [("assesses", c) for c in material.assesses])

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
        return [f"concept {c!r} does not exist{hints.hint(c)}" for c in dict.fromkeys(ids)]

    def _unknown_links(self, own: str, prerequisites: Sequence[str], others: Sequence[str]) -> list[str]:
        """Problems for what a new concept or material names: itself as a prerequisite, ids that do not exist."""
        problems = [f"concept {own!r} cannot be its own prerequisite" for p in prerequisites if p == own]
        named = dict.fromkeys([*(p for p in prerequisites if p != own), *(c for c in others if c != own)])
        return problems + self._missing_concepts(c for c in named if not self.projection.has_concept(c))

    def update_concept(self, updated: Concept) -> Concept:
        """Replace a concept's own values (label, definition, alt labels, links up); other languages' stay.

        A label or definition stored in a language (``"Algebra"@en``, no untagged one) is
        replaced in that language: it stayed behind as a stale English "translation".
        """
        with self.lock:
            self._require_concept(updated.id, "id")
            found = concept_problems(updated)
            if found:
                raise ValidationFailed([message for _, message in found], field=one_field(found))
            for b in updated.broader:
                self._require_concept(b, "broader")
            if updated.broader:
                cycles_up = broader_cycles([updated], self.stored_broader())
                if cycles_up:
                    raise InvalidInput("; ".join(cycles_up), field="broader")
            if updated.curriculum and updated.curriculum not in self.projection.curriculum_ids:
                raise NotFound("curriculum", updated.curriculum, field="curriculumId")
            s = iri_of("concept", updated.id)
            stored = queries.describe(self.store, [s]).get(str(s), {})
            own = [(s, p, o) for p, objs in stored.items() if p in CONCEPT_PREDICATES for o in objs]
            texts = written_texts(updated, (), [(p, o) for _, p, o in own if p in TEXT_PREDICATES], whole=False)
            after = {t for t in concept_triples(updated, texts=False) if t[1] in CONCEPT_PREDICATES}
            after |= {(s, p, o) for p, o in texts}
            deletes = [t for t in own if t not in after]
            inserts = sorted(after - set(own))
            self.commit(deletes, inserts, lambda: self.projection.add_concept(updated.id, updated.label))
            return updated

    def stored_broader(self) -> list[tuple[str, str]]:
        """Every stored (concept, broader) pair: the graph keeps no broader links in memory."""
        rows = self.store.select(f"SELECT ?c ?b WHERE {{ ?c {SKOS.broader.n3()} ?b }}")
        return [(id_of(str(c)), id_of(str(b))) for c, b in rows if c is not None and b is not None]

    def topics_among(self, ids: Sequence[str]) -> dict[str, list[str]]:
        """Which of ``ids`` are topics, each with its narrower concepts (however deep), by id.

        A topic groups concepts (``skos:broader`` points to it) and has nothing to study of
        its own: no prerequisites, no materials. As a target it stands for its concepts: on
        its own it made a one-step path, "about 10 minutes" to learn all of Quadratics, with
        no material. A concept with prerequisites or materials is learnt as itself.
        """
        projection = self.projection
        bare = [i for i in dict.fromkeys(ids) if not projection.dag.in_degree(i) and not projection.materials_of(i)]
        found = queries.narrower_concepts(self.store, [iri_of("concept", i) for i in bare])
        topics = {id_of(t): [c for c in map(id_of, ns) if projection.has_concept(c)] for t, ns in found.items()}
        return {t: topics[t] for t in bare if topics.get(t)}

    def delete_concept(self, ident: str) -> ConceptDeletion:
        """Delete a concept with its edges, material links, narrower links, the CASE associations
        that name it, its texts in every language, and students' estimates of it.

        An estimate left behind without its concept was personal data no read could
        reach, and a concept created again under the id would inherit it. The counts
        returned say what went with it.
        """
        with self.lock:
            self._require_concept(ident, "id")
            concept = iri_of("concept", ident)
            taken = cascade(self.store, [concept])
            deletes = taken.deletes
            linked = sorted(self.projection.materials_of(ident))
            dag = self.projection.dag
            deletion = ConceptDeletion(
                id=ident,
                prerequisites=dag.in_degree(ident),
                dependents=dag.out_degree(ident),
                narrower=sum(1 for _, p, o in deletes if p == SKOS.broader and o == concept),
                material_links=len(linked),
                estimates=len(taken.estimates),
                translations=len(self.translations([ident])[0]),
            )

            def project() -> None:
                self.projection.remove_concept(ident)
                for m in linked:
                    for table in (self.projection.teaches, self.projection.assesses):
                        table.get(ident, set()).discard(m)

            self.commit(deletes, [], project)
            return deletion

    def add_prerequisite(
        self, concept: str, prerequisite: str, *, strength: float = 1.0, provenance: str = "designer"
    ) -> Prerequisite:
        """Record that ``concept`` requires ``prerequisite``; refuse a cycle."""
        with self.lock:
            self._require_concept(concept, "conceptId")
            self._require_concept(prerequisite, "prerequisiteId")
            check_strength(strength)
            cycle = cycle_if_added(self.projection.dag, concept, prerequisite)
            if cycle is not None:
                raise PrerequisiteCycle([cycle])
            edge = Prerequisite(concept, prerequisite, strength, provenance)
            deletes = self._edge_triples(concept, prerequisite)
            self.commit(
                deletes,
                list(prerequisite_triples(edge)),
                lambda: self.projection.add_edge(concept, prerequisite, strength, provenance),
            )
            return edge

    def remove_prerequisite(self, concept: str, prerequisite: str) -> Prerequisite:
        """Forget that ``concept`` requires ``prerequisite``; return the edge as it was stored."""
        with self.lock:
            self._require_concept(concept, "conceptId")
            self._require_concept(prerequisite, "prerequisiteId")
            if not self.projection.dag.has_edge(prerequisite, concept):
                raise NotFound("prerequisite", f"{concept} -> {prerequisite}")
            deletes = self._edge_triples(concept, prerequisite)
            provenance = next((str(o) for _, p, o in deletes if p == PW.provenance), "")
            removed = Prerequisite(concept, prerequisite, self.strength(concept, prerequisite), provenance)
            self.commit(deletes, [], lambda: self.projection.remove_edge(concept, prerequisite))
            return removed

    def _edge_triples(self, concept: str, prerequisite: str) -> list[Triple]:
        c, p, e = iri_of("concept", concept), iri_of("concept", prerequisite), edge_iri(concept, prerequisite)
        stored = queries.describe(self.store, [e]).get(str(e), {})
        triples: list[Triple] = [(e, pred, o) for pred, objs in stored.items() for o in objs]
        if self.projection.dag.has_edge(prerequisite, concept):
            triples.append((c, PW.requires, p))
        return triples

    # --- material writes -------------------------------------------------------------------------
    def _require_own_activities(self, material: Material) -> None:
        """Every IRI the material gives (its activity ids, its id) names it alone once written.

        Raises:
            ActivityClash: naming both materials of each clash.
        """
        clashes = activity_clashes([material], self.projection.activities, self.projection.material_ids)
        if clashes:
            raise clash_error(clashes)

    def create_material(self, material: Material) -> Material:
        """Add a material; the concepts it links to must exist (with bad values, all problems are listed)."""
        with self.lock:
            found = material_problems(material)
            if found:
                links = self._unknown_links(material.id, (), material.concepts)
                problems = [message for _, message in found] + links
                raise ValidationFailed(problems, field=None if links else one_field(found))
            self._require_linked(material)
            if material.id in self.projection.material_ids:
                raise DuplicateId("material", material.id, field="id")
            self._require_own_activities(material)
            self.import_bundle(CurriculumBundle(materials=(material,)))
            return material

    def update_material(self, updated: Material) -> Material:
        """Replace a material's values and links."""
        with self.lock:
            if updated.id not in self.projection.material_ids:
                raise NotFound("material", updated.id, field="id")
            found = material_problems(updated)
            if found:
                raise ValidationFailed([message for _, message in found], field=one_field(found))
            self._require_linked(updated)
            self._require_own_activities(updated)
            s = iri_of("material", updated.id)
            stored = queries.describe(self.store, [s]).get(str(s), {})
            deletes = [(s, p, o) for p, objs in stored.items() if p in MATERIAL_PREDICATES for o in objs]
            inserts = [t for t in material_triples(updated) if t[1] in MATERIAL_PREDICATES]
            self.commit(
                deletes,
                inserts,
                lambda: project_material(self.projection, updated),
            )
            return updated

    def delete_material(self, ident: str) -> None:
        """Delete a material and its links."""
        with self.lock:
            if ident not in self.projection.material_ids:
                raise NotFound("material", ident, field="id")
            deletes = cascade(self.store, [], [iri_of("material", ident)]).deletes
            self.commit(deletes, [], lambda: self.projection.remove_material(ident))

    def link_material(self, material: str, concept: str, *, assesses: bool = False, unlink: bool = False) -> Material:
        """Link (or unlink) a material to a concept it teaches, or assesses."""
        with self.lock:
            current = self.material(material, field="materialId")
            self._require_concept(concept, "conceptId")
            field_name = "assesses" if assesses else "teaches"
            linked = set(current.assesses if assesses else current.teaches)
            if unlink and concept not in linked:
                raise NotFound("link", f"{material} {field_name} {concept}")
            linked = linked - {concept} if unlink else linked | {concept}
            updated = (
                replace(current, assesses=tuple(sorted(linked)))
                if assesses
                else replace(current, teaches=tuple(sorted(linked)))
            )
            return self.update_material(updated)

    # --- batches -----------------------------------------------------------------------------------
    def import_bundle(
        self,
        bundle: CurriculumBundle,
        *,
        replace_existing: bool = False,
        break_cycles: bool = False,
        allow_dangling: bool = False,
        prune: bool = False,
        dry_run: bool = False,
        progress: ProgressHook | None = None,
    ) -> ImportReport:
        """Validate a whole batch, then write it in one transaction (or not at all).

        ``allow_dangling`` leaves out links to ids that exist nowhere (``check_bundle``).
        ``prune`` (with ``replace_existing``) deletes in the same transaction what the batch
        leaves out of the curricula it names (``graph.prune``), and ``report.pruned`` says what.

        Raises:
            ValidationFailed, DuplicateId, DanglingReferences, PrerequisiteCycle: nothing is written.
            InvalidInput: ``prune`` without ``replace_existing`` (``field`` is ``prune``).
        """
        with self.lock:
            planned = self.plan_bundle(
                bundle,
                replace_existing=replace_existing,
                break_cycles=break_cycles,
                allow_dangling=allow_dangling,
                prune=prune,
                progress=progress,
            )
            if dry_run:  # every check of a real import ran; only the write is left out
                planned.report.dry_run = True
                planned.report.revision = self.projection.revision  # the store's, unchanged
                return planned.report
            if progress is not None:
                progress("write", 0, len(planned.inserts))
            self.commit(planned.deletes, planned.inserts, planned.project)
            if progress is not None:
                progress("write", len(planned.inserts), len(planned.inserts))
            planned.report.revision = self.projection.revision
            return planned.report

    def plan_bundle(
        self,
        bundle: CurriculumBundle,
        *,
        replace_existing: bool = False,
        break_cycles: bool = False,
        allow_dangling: bool = False,
        prune: bool = False,
        progress: ProgressHook | None = None,
    ) -> PlannedWrite:
        """Validate a batch and build its write without applying it: ``graph.bundle_plan.plan_bundle``."""
        with self.lock:
            return plan_bundle(
                self,
                bundle,
                replace_existing=replace_existing,
                break_cycles=break_cycles,
                allow_dangling=allow_dangling,
                prune=prune,
                progress=progress,
            )

    def import_rdf(self, graph: Graph, **options: bool) -> ImportReport:
        """Import an RDF graph: its domain objects are validated, every triple kept."""
        return self.import_bundle(bundle_from_rdf(graph), **options)  # type: ignore[arg-type]

    # --- export ----------------------------------------------------------------------------------------
    def export_graph(self, curriculum: str | None = None) -> Graph:
        """The curriculum part of the graph (no student data), whole or one curriculum."""
        subjects: list[URIRef] | None = None
        if curriculum is not None:
            if curriculum not in self.projection.curriculum_ids:
                raise NotFound("curriculum", curriculum, field="curriculumId")
            concept_iris = queries.concepts_in_curriculum(self.store, iri_of("curriculum", curriculum))
            # a stray `skos:inScheme` on something that is no concept made the export fail for everyone
            concept_iris = [i for i in concept_iris if self.projection.has_concept(id_of(i))]
            concept_ids = [id_of(i) for i in concept_iris]
            subjects = [iri_of("curriculum", curriculum), *map(URIRef, concept_iris)]
            materials = sorted({m for c in concept_ids for m in self.projection.materials_of(c)})
            subjects += [iri_of("material", m) for m in materials]
            subjects += [edge_iri(c, p) for c in concept_ids for p in self.projection.dag.predecessors(c)]
        g = Graph()
        for t in queries.graph_triples(self.store, subjects):
            g.add(t)
        return g

    def export_bundle(self, curriculum: str | None = None) -> CurriculumBundle:
        """The curriculum part of the graph as domain objects."""
        return bundle_from_rdf(self.export_graph(curriculum))

    def describe_concepts(self, ids: Sequence[str]) -> dict[str, Props]:
        """The stored triples of those of ``ids`` that are concepts (others are left out), by id.

        A CASE export names the ends outside its curriculum (a prerequisite in another
        curriculum) as the store knows them: their CASE record or identifier.
        """
        known = [iri_of("concept", i) for i in dict.fromkeys(ids) if self.projection.has_concept(i)]
        return {id_of(iri): props for iri, props in queries.describe(self.store, known).items()}


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


def validation_problems(error: Exception) -> list[str]:
    """The list of problems an import error carries (for reports)."""
    if isinstance(error, ValidationFailed):
        return error.problems
    return [str(error)]
