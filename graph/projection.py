"""The in-memory projection of the knowledge graph: networkx over the store.

SPARQL property paths are slow for deep traversal; the same walk over an
``nx.DiGraph`` is 10-100x faster. The projection holds what traversal and listing
need (the prerequisite DAG, concept labels, concept-material links) and the graph
revision it was built at. The repository keeps it in step with every write; a process
sharing a remote store compares revisions to learn that its copy is stale.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx

from graph.access_needs import AccessFacts
from graph.prerequisites import closure_bounds

__all__ = ["Projection"]

_STATES_NOTHING = AccessFacts()


@dataclass
class Projection:
    """Prerequisite DAG (edges run prerequisite -> concept) plus lookup tables.

    Attributes:
        dag: nodes are concept ids with a ``label``; an edge ``p -> c`` means ``c``
            requires ``p`` and carries its ``strength``.
        teaches / assesses: concept id -> ids of materials linked that way.
        material_ids: every material id (sorted listing and existence checks).
        material_types / material_levels: material id -> resource type, and
            (difficulty, minutes): what choosing materials for a student needs, so a
            learning path never reads materials from the store.
        activities: activity id -> the material that lists it (``graph.activities``): what
            an xAPI statement or an attempt naming an LMS's IRI is about, without a query.
        material_access: material id -> its accessibility metadata (``AccessFacts``), for
            listing by it and for choosing by a learner's needs; a material that states
            none has no entry.
        curriculum_ids: every curriculum id.
        revision: the store revision this projection reflects.
    """

    dag: nx.DiGraph[str] = field(default_factory=nx.DiGraph)
    teaches: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    assesses: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    material_ids: set[str] = field(default_factory=set)
    material_types: dict[str, str] = field(default_factory=dict)
    material_levels: dict[str, tuple[int, int]] = field(default_factory=dict)
    activities: dict[str, str] = field(default_factory=dict)
    material_access: dict[str, AccessFacts] = field(default_factory=dict)
    curriculum_ids: set[str] = field(default_factory=set)
    revision: int = 0
    _sorted_concepts: list[str] | None = field(default=None, repr=False)
    _closure_bounds: tuple[int, int] | None = field(default=None, repr=False)
    _activities_of: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)

    # --- concepts -------------------------------------------------------------------
    def has_concept(self, concept: str) -> bool:
        """Whether the concept exists."""
        return concept in self.dag

    def add_concept(self, concept: str, label: str) -> None:
        """Add or relabel a concept."""
        if concept not in self.dag:
            self._sorted_concepts = None
        self.dag.add_node(concept, label=label)

    def remove_concept(self, concept: str) -> None:
        """Remove a concept, its edges and its material links."""
        if concept in self.dag:
            self.dag.remove_node(concept)
            self._sorted_concepts = None
            self._closure_bounds = None
        for table in (self.teaches, self.assesses):
            table.pop(concept, None)

    def label(self, concept: str) -> str:
        """The concept's label (its id when it has none)."""
        return str(self.dag.nodes[concept].get("label", concept))

    def sorted_concepts(self) -> list[str]:
        """Concept ids in id order, cached until the concept set changes."""
        if self._sorted_concepts is None:
            self._sorted_concepts = sorted(self.dag.nodes)
        return self._sorted_concepts

    # --- prerequisites -----------------------------------------------------------------
    def add_edge(self, concept: str, prerequisite: str, strength: float = 1.0, provenance: str = "") -> None:
        """Record that ``concept`` requires ``prerequisite``."""
        if not self.dag.has_edge(prerequisite, concept):
            self._closure_bounds = None
        self.dag.add_edge(prerequisite, concept, strength=strength, provenance=provenance)

    def remove_edge(self, concept: str, prerequisite: str) -> None:
        """Forget that ``concept`` requires ``prerequisite``."""
        if self.dag.has_edge(prerequisite, concept):
            self.dag.remove_edge(prerequisite, concept)
            self._closure_bounds = None

    def closure_bounds(self) -> tuple[int, int]:
        """The largest prerequisite and dependent closures (``closure_bounds``), kept until an edge changes."""
        if self._closure_bounds is None:
            self._closure_bounds = closure_bounds(self.dag)
        return self._closure_bounds

    # --- materials ----------------------------------------------------------------------
    def set_material(
        self,
        material: str,
        mtype: str,
        teaches: Iterable[str],
        assesses: Iterable[str],
        *,
        difficulty: int = 1,
        minutes: int = 5,
        activity_ids: Iterable[str] = (),
        access: AccessFacts | None = None,
    ) -> None:
        """Add a material or replace its links, activity ids and accessibility metadata."""
        self.remove_material(material)
        self.material_ids.add(material)
        self.material_types[material] = mtype
        self.material_levels[material] = (difficulty, minutes)
        for c in teaches:
            self.teaches[c].add(material)
        for c in assesses:
            self.assesses[c].add(material)
        listed = tuple(activity_ids)
        for activity in listed:  # moved from another material by the same write: that one's is overwritten
            self.activities[activity] = material
        if listed:
            self._activities_of[material] = listed
        if access is not None and access != _STATES_NOTHING:
            self.material_access[material] = access

    def remove_material(self, material: str) -> None:
        """Forget a material and its links."""
        if material not in self.material_ids:
            return
        self.material_ids.discard(material)
        self.material_types.pop(material, None)
        self.material_levels.pop(material, None)
        self.material_access.pop(material, None)
        for activity in self._activities_of.pop(material, ()):
            if self.activities.get(activity) == material:
                del self.activities[activity]
        for table in (self.teaches, self.assesses):
            for linked in table.values():
                linked.discard(material)

    def material_named(self, ident: str) -> str | None:
        """The material ``ident`` names: the material of that id, else the one listing it as an activity id."""
        return ident if ident in self.material_ids else self.activities.get(ident)

    def materials_of(self, concept: str) -> set[str]:
        """Ids of the materials that teach or assess ``concept``."""
        return self.teaches.get(concept, set()) | self.assesses.get(concept, set())

    def access_of(self, material: str) -> AccessFacts:
        """The material's accessibility metadata (nothing stated when it has none)."""
        return self.material_access.get(material, _STATES_NOTHING)

    def orphan_materials(self) -> set[str]:
        """Ids of the materials that teach and assess no concept (a deleted concept or a bad import leaves them)."""
        linked = set().union(*self.teaches.values(), *self.assesses.values())
        return self.material_ids - linked
