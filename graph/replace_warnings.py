"""What a replace does that its source may not mean, said in the import's report.

A replace writes what the batch states; some of that is rarely meant. One blank cell in
a spreadsheet's hazard column (a filter, a paste) turned a known ``flashing`` into "not
stated", and a learner who avoids flashing was then offered the video, without a word.
A nightly re-import of a whole curriculum never deletes the row a district removed, and
nothing said so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from graph.accessibility import HAZARDS
from graph.bundle import CurriculumBundle
from graph.model import Material

__all__ = ["removed_hazards", "unmentioned"]

_SHOWN = 10


def removed_hazards(materials: Iterable[Material], stored: Callable[[str], Sequence[str] | None]) -> list[str]:
    """A warning for each material that loses a stored ``flashing``, ``motionSimulation`` or ``sound`` hazard.

    Args:
        materials: the batch's materials, as they will be written.
        stored: a material's stored hazards by id, ``None`` for a new material.

    Returns:
        One line per material (the first ``_SHOWN``, then one counting the rest).

    Examples:
        >>> from graph.model import MaterialType
        >>> video = Material("v", "V", MaterialType.VIDEO, accessibility_hazards=("noFlashingHazard",))
        >>> removed_hazards([video], {"v": ("flashing", "noSoundHazard")}.get)
        ['material v: the import removes the hazard flashing (it now states noFlashingHazard): learners who avoid it may be offered the material']
        >>> removed_hazards([video], {}.get)
        []
    """  # noqa: E501
    lines = []
    for material in materials:
        before = stored(material.id)
        gone = [h for h in HAZARDS if h in (before or ()) and h not in material.accessibility_hazards]
        if gone:
            now = ", ".join(material.accessibility_hazards) or "none"
            which = "the hazard" if len(gone) == 1 else "the hazards"
            them = "it" if len(gone) == 1 else "them"
            lines.append(
                f"material {material.id}: the import removes {which} {', '.join(gone)} (it now states {now}): "
                f"learners who avoid {them} may be offered the material"
            )
    if len(lines) > _SHOWN:
        rest = len(lines) - _SHOWN
        lines = [*lines[:_SHOWN], f"and {rest} more material{'s' if rest > 1 else ''} lose a stated hazard"]
    return lines


_NAMED = 5


def unmentioned(
    bundle: CurriculumBundle, curriculum: str, concepts: Iterable[str], materials: Iterable[str]
) -> list[str]:
    """What a batch that names ``curriculum`` leaves out of it, which an import does not delete.

    The rule: a batch that names a stored curriculum (a ``curricula.csv`` row, a
    ``skos:ConceptScheme``) states it whole, so the curriculum's stored concepts it does not
    hold are counted when it holds concepts, and the stored materials linked to them when
    it holds materials: what an export of the curriculum would list, and the batch does not.

    Args:
        bundle: the batch.
        curriculum: the id of a stored curriculum the batch names.
        concepts: the ids of the curriculum's stored concepts.
        materials: the ids of the stored materials linked to them.

    Examples:
        >>> from graph.model import Concept, Curriculum
        >>> batch = CurriculumBundle((Curriculum("alg", "Algebra"),), (Concept("a", "A", curriculum="alg"),))
        >>> unmentioned(batch, "alg", ["a", "b"], ["m"])
        ['curriculum alg: 1 stored concept of it is not in the import (b); an import deletes nothing: remove it with deleteConcept']
    """  # noqa: E501
    lines = []
    left = (
        ("concept", "of it", "deleteConcept", bundle.concepts, concepts),
        ("material", "linked to its concepts", "deleteMaterial", bundle.materials, materials),
    )
    for kind, whose, mutation, given, stored in left:
        if not given:
            continue
        held = {item.id for item in given}
        missing = sorted(set(stored) - held)
        if not missing:
            continue
        n = len(missing)
        shown = ", ".join(missing[:_NAMED]) + (f" and {n - _NAMED} more" if n > _NAMED else "")
        lines.append(
            f"curriculum {curriculum}: {n} stored {kind}{'s' if n > 1 else ''} {whose} "
            f"{'are' if n > 1 else 'is'} not in the import ({shown}); an import deletes nothing: remove "
            f"{'them' if n > 1 else 'it'} with {mutation}"
        )
    return lines
