"""What a batch does not state: a stored item it replaces keeps those values.

A CSV file written before the accessibility columns says nothing about a material's
hazards; replacing the material with its row wrote it with none, and a ``flashing``
video lost its warning without a word. A field the source does not state
(``CurriculumBundle.unstated``) keeps the stored value, as a null field of
``updateMaterial`` does; one it states empty is cleared.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import fields, replace
from typing import Any, TypeVar

from graph.bundle import CurriculumBundle
from graph.model import Concept, Curriculum, Material, Prerequisite

__all__ = ["TRANSLATIONS", "keep_unstated"]

TRANSLATIONS = "translations"
"""The pseudo-field of a concept's labels and definitions in other languages (the store's, not the model's)."""

_SHOWN = 5
_PLURAL = {"curriculum": "curricula", "concept": "concepts", "prerequisite": "prerequisites", "material": "materials"}

T = TypeVar("T", Concept, Curriculum, Material, Prerequisite)


def keep_unstated(
    bundle: CurriculumBundle,
    *,
    curricula: Mapping[str, Curriculum],
    concepts: Mapping[str, Concept],
    materials: Mapping[str, Material],
    edges: Mapping[tuple[str, str], Prerequisite],
) -> tuple[CurriculumBundle, list[str]]:
    """``bundle`` with the stored values of the fields it does not state, and a warning for each kind that kept any.

    Args:
        bundle: the batch, its ``unstated`` fields naming what it says nothing about.
        curricula, concepts, materials: the stored items of the batch's ids (the others are new).
        edges: the stored edges of the batch's ``(concept, prerequisite)`` pairs.

    Returns:
        The batch to write, and one line per kind where a stored value differs from the
        default the batch would have written (what the import would otherwise have lost).

    Examples:
        >>> from graph.model import MaterialType
        >>> stored = Material("m", "M", MaterialType.VIDEO, accessibility_hazards=("flashing",))
        >>> batch = CurriculumBundle(
        ...     materials=(Material("m", "Retitled", MaterialType.VIDEO),),
        ...     unstated=frozenset({("material", "accessibility_hazards")}),
        ... )
        >>> kept, warnings = keep_unstated(batch, curricula={}, concepts={}, materials={"m": stored}, edges={})
        >>> kept.materials[0].title, kept.materials[0].accessibility_hazards
        ('Retitled', ('flashing',))
        >>> warnings
        ['the import states no accessibility_hazards of materials: kept the stored values of 1 material (m)']
    """
    if not bundle.unstated:
        return bundle, []
    warnings: list[str] = []

    def merged(kind: str, items: tuple[T, ...], stored: Mapping[Any, T], key: Callable[[T], Hashable]) -> tuple[T, ...]:
        names = [f.name for f in fields(items[0]) if not bundle.states(kind, f.name)] if items else []
        if not names:
            return items
        out, changed = [], []
        for item in items:
            old = stored.get(key(item))
            if old is None:
                out.append(item)
                continue
            new = replace(item, **{n: getattr(old, n) for n in names})
            if new != item:
                changed.append(key(item))
            out.append(new)
        if changed:
            shown = ", ".join(" -> ".join(k) if isinstance(k, tuple) else str(k) for k in changed[:_SHOWN])
            more = f" and {len(changed) - _SHOWN} more" if len(changed) > _SHOWN else ""
            noun = kind if len(changed) == 1 else _PLURAL[kind]
            warnings.append(
                f"the import states no {', '.join(names)} of {_PLURAL[kind]}: kept the stored values of "
                f"{len(changed)} {noun} ({shown}{more})"
            )
        return tuple(out)

    kept = replace(
        bundle,
        curricula=merged("curriculum", bundle.curricula, curricula, lambda c: c.id),
        concepts=merged("concept", bundle.concepts, concepts, lambda c: c.id),
        prerequisites=merged("prerequisite", bundle.prerequisites, edges, lambda e: (e.concept, e.prerequisite)),
        materials=merged("material", bundle.materials, materials, lambda m: m.id),
    )
    return kept, warnings
