"""What a replace does that its source may not mean, said in the import's report.

A replace writes what the batch states; some of that is rarely meant. One blank cell in
a spreadsheet's hazard column (a filter, a paste) turned a known ``flashing`` into "not
stated", and a learner who avoids flashing was then offered the video, without a word.
A nightly re-import of a whole curriculum never deletes the row a district removed, and
nothing said so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from graph.accessibility import HAZARDS
from graph.model import Material

if TYPE_CHECKING:
    from graph.prune import Left

__all__ = ["left_out_warnings", "removed_hazards", "unmentioned"]

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
    curriculum: str,
    concepts: Sequence[str],
    materials: Sequence[str],
    *,
    elsewhere: Sequence[str] = (),
    shared: Sequence[str] = (),
    pruned: bool = False,
) -> list[str]:
    """What a batch that names ``curriculum`` leaves out of it, which an import does not delete.

    The rule (``graph.prune.left_out``): a batch that names a stored curriculum (a
    ``curricula.csv`` row, a ``skos:ConceptScheme``) states it whole, so the curriculum's
    stored concepts it does not hold are counted when it holds concepts, and the stored
    materials linked to them when it holds materials: what an export of the curriculum
    would list, and the batch does not. Those are what ``--prune`` deletes. A concept in
    another curriculum too, and a material linked to a concept outside the curricula the
    batch names, belong to more than this batch: they are counted apart, and kept.

    Args:
        curriculum: the id of a stored curriculum the batch names.
        concepts: its stored concepts the batch leaves out, which a prune deletes.
        materials: the stored materials linked to its concepts the batch leaves out, which a prune deletes.
        elsewhere: its stored concepts the batch leaves out that are in another curriculum too.
        shared: the left-out materials also linked to concepts outside the curricula the batch names.
        pruned: the batch was pruned: a shared material has lost its links to the pruned concepts already.

    Examples:
        >>> unmentioned("alg", ["b"], [])
        ['curriculum alg: 1 stored concept of it is not in the import (b); an import deletes nothing: prune it with --prune (prune), or remove it with deleteConcept']
        >>> unmentioned("alg", [], [], shared=["m"])
        ['curriculum alg: 1 stored material linked to its concepts is not in the import but is linked to concepts outside the curricula it names too (m): a prune keeps it; unlink it with unlinkMaterial']
        >>> unmentioned("alg", [], [], shared=["m"], pruned=True)
        ['curriculum alg: 1 stored material linked to its concepts is not in the import but is linked to concepts outside the curricula it names too (m): the prune kept it, linked to those']
    """  # noqa: E501
    lines = []
    left = (
        ("concept", "of it", "", "remove {} with deleteConcept", concepts),
        ("material", "linked to its concepts", "", "remove {} with deleteMaterial", materials),
        ("concept", "of it", " but {} in another curriculum too", "", elsewhere),
        (
            "material",
            "linked to its concepts",
            " but {} linked to concepts outside the curricula it names too",
            "unlink {} with unlinkMaterial",
            shared,
        ),
    )
    for kind, whose, but, advice, found in left:
        missing = sorted(found)
        if not missing:
            continue
        n = len(missing)
        them, be = ("them", "are") if n > 1 else ("it", "is")
        shown = ", ".join(missing[:_NAMED]) + (f" and {n - _NAMED} more" if n > _NAMED else "")
        if but and pruned:  # its links to the pruned concepts went with them: no advice is left to give
            kept = f"the prune kept {them}" + (", linked to those" if kind == "material" else "")
            tail = f"{but.format(be)} ({shown}): {kept}"
        elif but:
            kept = f"a prune keeps {them}" + (f"; {advice.format(them)}" if advice else "")
            tail = f"{but.format(be)} ({shown}): {kept}"
        else:
            tail = f" ({shown}); an import deletes nothing: prune {them} with --prune (prune), or {advice.format(them)}"
        lines.append(
            f"curriculum {curriculum}: {n} stored {kind}{'s' if n > 1 else ''} {whose} {be} not in the import{tail}"
        )
    return lines


def left_out_warnings(left: Mapping[str, Left], *, pruned: bool) -> list[str]:
    """``unmentioned`` for each stored curriculum a batch names (``graph.prune.left_out``).

    A prune's report lists what it deleted (``ImportReport.pruned``): its warnings say only what it kept.
    """
    lines = []
    for cur, found in left.items():
        deleted: tuple[Sequence[str], Sequence[str]] = ([], []) if pruned else (found.concepts, found.materials)
        lines += unmentioned(cur, *deleted, elsewhere=found.elsewhere, shared=found.shared, pruned=pruned)
    return lines
