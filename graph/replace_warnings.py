"""What a replace does that its source may not mean, said in the import's report.

A replace writes what the batch states; some of that is rarely meant. One blank cell in
a spreadsheet's hazard column (a filter, a paste) turned a known ``flashing`` into "not
stated", and a learner who avoids flashing was then offered the video, without a word.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from graph.accessibility import HAZARDS
from graph.model import Material

__all__ = ["removed_hazards"]

_SHOWN = 10


def removed_hazards(materials: Iterable[Material], stored: Callable[[str], Sequence[str] | None]) -> list[str]:
    """A warning for each material that loses a hazard it was stored with (``flashing``, ``motionSimulation``, ``sound``).

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
