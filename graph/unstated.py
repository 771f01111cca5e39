"""What a batch does not state: a stored item it replaces keeps those values.

A CSV file written before the accessibility columns says nothing about a material's
hazards; replacing the material with its row wrote it with none, and a ``flashing``
video lost its warning without a word. A field the source does not state
(``CurriculumBundle.unstated``) keeps the stored value, as a null field of
``updateMaterial`` does; one it states empty is cleared. RDF is open-world: a subject's
description states the predicates it has, each subject its own
(``CurriculumBundle.unstated_items``), and a repository's Turtle for the same video, without
the accessibility properties, took the hazard away just as silently.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Mapping, Sequence
from dataclasses import fields, replace
from typing import Any, TypeVar

from graph.bundle import CurriculumBundle
from graph.model import Concept, Curriculum, Material, Prerequisite

__all__ = ["PREREQUISITES", "TRANSLATIONS", "keep_unstated", "keep_unstated_edges", "stated_only"]

TRANSLATIONS = "translations"
"""The pseudo-field of a concept's labels and definitions in other languages (the store's, not the model's)."""

PREREQUISITES = "prerequisites"
"""The pseudo-field of a concept's prerequisite edges: a batch without them (a folder without
``prerequisites.csv``, a description without ``pw:requires``) says nothing of them."""


def stated_only(concepts: Collection[str] = (), materials: Collection[str] = ()) -> frozenset[tuple[str, str]]:
    """What a source with fixed fields leaves unstated: every other concept and material field, and translations.

    A published map (Khan Academy, Junyi, Metacademy) says nothing of a concept's other
    languages or broader concepts, nor of a material's accessibility or LMS activity ids:
    re-importing it with ``--replace`` dropped the translations and hazards a designer had
    added since.

    Examples:
        >>> sorted(n for k, n in stated_only(["id", "label"]) if k == "concept")[:3]
        ['alt_labels', 'broader', 'curriculum']
    """
    unstated = {("concept", f.name) for f in fields(Concept) if f.name not in concepts}
    unstated |= {("material", f.name) for f in fields(Material) if f.name not in materials} if materials else set()
    return frozenset({*unstated, ("concept", TRANSLATIONS)})


_SHOWN = 5
_PLURAL = {"curriculum": "curricula", "concept": "concepts", "prerequisite": "prerequisites", "material": "materials"}

T = TypeVar("T", Concept, Curriculum, Material, Prerequisite)


def _ident(key: Hashable) -> str:
    """An item's id as ``unstated_items`` keys it: an edge's ``(concept, prerequisite)`` is ``"c -> p"``."""
    return " -> ".join(key) if isinstance(key, tuple) else str(key)


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
        bundle: the batch, its ``unstated`` fields (and each item's ``unstated_items``) naming what it
            says nothing about.
        curricula, concepts, materials: the stored items of the batch's ids (the others are new).
        edges: the stored edges of the batch's ``(concept, prerequisite)`` pairs.

    Returns:
        The batch to write, and one line per kind (per kind and set of fields, when items leave
        out different ones) where a stored value differs from the default the batch would have
        written (what the import would otherwise have lost).

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
    if not bundle.unstated and not bundle.unstated_items:
        return bundle, []
    warnings: list[str] = []

    def merged(kind: str, items: tuple[T, ...], stored: Mapping[Any, T], key: Callable[[T], Hashable]) -> tuple[T, ...]:
        every = [f.name for f in fields(items[0])] if items else []
        of_file = [n for n in every if (kind, n) in bundle.unstated]
        if not of_file and not any(k == kind for k, _ in bundle.unstated_items):
            return items
        out: list[T] = []
        changed: dict[tuple[str, ...], list[str]] = {}  # the fields a warning names -> the items that kept them
        for item in items:
            old, ident = stored.get(key(item)), _ident(key(item))
            own = bundle.unstated_items.get((kind, ident), frozenset())
            names = [n for n in every if n in own or n in of_file]
            if old is None or not names:
                out.append(item)
                continue
            new = replace(item, **{n: getattr(old, n) for n in names})
            if new != item:
                # a file's absent columns are named whole (the same on every line), a description's where they kept
                said = tuple(n for n in names if n in of_file or getattr(old, n) != getattr(item, n))
                changed.setdefault(said, []).append(ident)
            out.append(new)
        for said, idents in changed.items():
            shown = ", ".join(idents[:_SHOWN])
            more = f" and {len(idents) - _SHOWN} more" if len(idents) > _SHOWN else ""
            noun = kind if len(idents) == 1 else _PLURAL[kind]
            warnings.append(
                f"the import states no {', '.join(said)} of {_PLURAL[kind]}: kept the stored values of "
                f"{len(idents)} {noun} ({shown}{more})"
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


def keep_unstated_edges(
    bundle: CurriculumBundle, stored: Mapping[str, Sequence[Prerequisite]]
) -> tuple[CurriculumBundle, list[Prerequisite], list[str]]:
    """``bundle`` with the stored edges of the concepts it replaces without stating their prerequisites.

    A replaced concept loses its outgoing edges with its triples; a nightly export whose
    prerequisites sheet did not come through flattened every learning path without a word.
    Where the batch says nothing of a concept's edges (``PREREQUISITES`` unstated), they stay.

    Args:
        bundle: the batch.
        stored: the stored edges of the batch's stored concepts, by concept (``concept`` requires each).

    Returns:
        The batch with those edges added, the edges added, and a warning counting them.

    Examples:
        >>> from graph.model import Concept
        >>> unstated = frozenset({("concept", PREREQUISITES)})
        >>> batch = CurriculumBundle(concepts=(Concept("eq", "Equations"),), unstated=unstated)
        >>> kept, edges, warnings = keep_unstated_edges(batch, {"eq": [Prerequisite("eq", "sub", 0.5)]})
        >>> kept.prerequisites
        (Prerequisite(concept='eq', prerequisite='sub', strength=0.5, provenance=''),)
        >>> warnings
        ['the import states no prerequisites of 1 concept it replaces: kept its 1 stored prerequisite edge (eq -> sub)']
    """
    given = {(e.concept, e.prerequisite) for e in bundle.prerequisites}
    kept = sorted(
        (
            e
            for c in bundle.concepts
            if not bundle.states("concept", PREREQUISITES, c.id)
            for e in stored.get(c.id, ())
            if (e.concept, e.prerequisite) not in given
        ),
        key=lambda e: (e.concept, e.prerequisite),
    )
    if not kept:
        return bundle, [], []
    concepts = len({e.concept for e in kept})
    shown = ", ".join(f"{e.concept} -> {e.prerequisite}" for e in kept[:_SHOWN])
    more = f" and {len(kept) - _SHOWN} more" if len(kept) > _SHOWN else ""
    whose, concept = ("its", "concept") if concepts == 1 else ("their", "concepts")
    warning = (
        f"the import states no prerequisites of {concepts} {concept} it replaces: kept {whose} {len(kept)} stored "
        f"prerequisite {'edge' if len(kept) == 1 else 'edges'} ({shown}{more})"
    )
    return replace(bundle, prerequisites=(*bundle.prerequisites, *kept)), kept, [warning]
