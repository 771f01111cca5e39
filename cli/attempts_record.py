"""What ``pathwise attempts import`` writes: what a log creates, and its attempts with their estimates.

``--create-missing`` makes the concepts and items a log names and the graph lacks bare
ones (``missing_bundle``), written in the attempts' own transaction so a refused log
leaves none behind. Where ``pathwise serve`` serves a mastery model, the attempts'
estimates are written with them (and voided ones taken back) by that model, opened once
per command, so the CLI and the service estimate alike.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from graph.attempts import record_attempts
from graph.bundle import CurriculumBundle
from graph.model import Attempt, Concept, Material, MaterialType
from graph.rdf_mapping import Triple
from graph.repository import KnowledgeGraph
from settings import load_settings

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["missing_bundle", "record_found", "retract_stored"]


def missing_bundle(kg: KnowledgeGraph, frame: pd.DataFrame, found: Sequence[Attempt]) -> CurriculumBundle:
    """Bare concepts and exercises for what the attempts name and the graph lacks.

    A concept is labelled with the name the log gives it (an AKT skill name, a pyKT
    index); an item becomes an exercise titled by its id that assesses the concepts
    attempted with it. An xAPI activity named only by ``completed`` statements (skipped:
    a bare exercise assesses nothing) becomes one too, so the file imported again reads.
    """
    import pandas as pd

    from ingest.attempts.to_graph import concept_id, material_id

    names: dict[str, str] = {}
    for name in pd.unique(frame["concept"]):
        if name:
            names.setdefault(concept_id(str(name)), str(name))
    titles = {material_id(str(i)): str(i) for i in pd.unique(frame["item"]) if i}
    concepts = {c for a in found for c in a.concepts if not kg.projection.has_concept(c)}
    assessed: dict[str, set[str]] = {}
    for activity in frame.attrs.get("unassessed_activities", ()):
        if material_id(activity) not in kg.projection.material_ids:
            titles.setdefault(material_id(activity), activity)
            assessed.setdefault(material_id(activity), set())
    for a in found:
        if a.material and a.material not in kg.projection.material_ids:
            assessed.setdefault(a.material, set()).update(a.concepts)
    return CurriculumBundle(
        concepts=tuple(Concept(c, names.get(c, c)) for c in sorted(concepts)),
        materials=tuple(
            Material(m, titles.get(m, m), MaterialType.EXERCISE, assesses=tuple(sorted(assessed[m])))
            for m in sorted(assessed)
        ),
    )


def record_found(
    kg: KnowledgeGraph,
    found: Sequence[Attempt],
    obj: dict[str, Any],
    creating: CurriculumBundle | None,
    marks: Sequence[Triple],
    progress: Callable[[int, int], None] | None = None,
) -> tuple[int, int, list[Any]]:
    """Record, with what the log creates (and ``marks``), in one transaction; estimates too when a model is served."""
    service = _served(obj)
    if service is not None:
        from resolvers.students import record

        return record(kg, service, found, creating=creating, progress=progress, marks=marks)
    return record_attempts(kg, found, creating=creating, marks=marks)


def retract_stored(kg: KnowledgeGraph, attempt_ids: Sequence[str], obj: dict[str, Any]) -> list[str]:
    """Take back stored attempts these files void, re-estimating their students with the served model."""
    from resolvers.students import retract

    return retract(kg, _served(obj), attempt_ids)


def _served(obj: dict[str, Any]) -> Any:
    """The mastery model `pathwise serve` serves (None without one), opened once per command."""
    if "served" not in obj:
        settings = obj.get("settings") or load_settings()
        service = None
        if settings.mastery:
            from server import open_mastery  # the demo's until one is trained

            service = open_mastery(settings)
        obj["served"] = service if service is not None and service.version is not None else None
    return obj["served"]
