"""A ``CurriculumLookup`` over materials alone, for answering outside the service.

Evaluations and benchmarks ask questions of an index built from a list of materials,
with no graph behind it: no prerequisites and no students, so no weak prerequisites;
what teaches a concept is read from the materials' own links, and concept labels are
those the caller read beside the materials.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from graph.doubt import Doubt
from graph.model import Material
from ml.qa.naming import ConceptNames

__all__ = ["MaterialsLookup"]


class MaterialsLookup:
    """Materials by id; nothing else is known."""

    def __init__(self, materials: Mapping[str, Material], labels: Mapping[str, str] | None = None) -> None:
        self._materials = materials
        self._names = ConceptNames(labels or {})

    def materials(self, ids: Sequence[str]) -> list[Material | None]:
        """Materials in the order of ``ids`` (None where missing)."""
        return [self._materials.get(i) for i in ids]

    def prerequisites(self, concept: str) -> list[str]:
        """None: there is no graph."""
        return []

    def materials_teaching(self, concept: str) -> list[str]:
        """The given materials that teach ``concept``, by id: an exercise posing a problem names its method's."""
        return sorted(m.id for m in self._materials.values() if concept in m.teaches)

    def mastery(self, student: str, concepts: Sequence[str]) -> dict[str, float]:
        """None: there are no students."""
        return {}

    def concept_names(self) -> ConceptNames:
        """The concepts' labels given (none given: none)."""
        return self._names

    def doubt(self, student: str) -> Doubt:
        """None: there are no students."""
        return Doubt(frozenset(), {})
