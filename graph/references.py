"""A batch's references to concepts and curricula: which resolve, and which dangle.

A material that teaches ``angle`` where the curriculum has ``angles``, a concept in a
curriculum ``geo8`` that nobody imported, an edge to a concept left out of the file:
each names an id that is neither in the batch nor in the graph. ``resolve_references``
lists every one, where the batch says it came from (a CSV file's line) and with the
closest id that does exist, and returns the batch's items without them.
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field, replace

from graph.bundle import CurriculumBundle
from graph.concept_texts import translation_origin
from graph.model import Concept, Material, Prerequisite, Translation
from graph.projection import Projection

__all__ = ["References", "Suggestions", "resolve_references"]


class Suggestions:
    """``did you mean`` hints from the ids that exist, and their labels, within a bounded amount of work.

    An id is compared with every id and with every label written as an id
    (``exponents_and_powers`` for "Exponents and Powers"): a file naming a concept after
    its label finds it too. ``difflib`` compares with each candidate in turn, about 0.2 s
    per lookup on a graph of 100,000 concepts, so past ``BUDGET`` comparisons the rest
    go without a hint.

    Examples:
        >>> labels = {"angles": "Angles", "exponents": "Exponents and Powers"}
        >>> hints = Suggestions(labels, labels.get)
        >>> hints.hint("angle"), hints.hint("ghost")
        (" (did you mean 'angles'?)", '')
        >>> hints.hint("ANGLES")
        " (did you mean 'angles'?)"
        >>> hints.hint("exponents_powers")
        " (did you mean 'exponents', labelled 'Exponents and Powers'?)"
    """

    BUDGET = 4_000_000
    CUTOFF = 0.75

    def __init__(self, candidates: Iterable[str], labels: Callable[[str], str | None] | None = None) -> None:
        self._candidates = candidates  # read on the first hint: most imports need none
        self._labels = labels
        self._pool: dict[str, str] | None = None  # id, or label as an id -> the id
        self._left = self.BUDGET
        self._seen: dict[str, str] = {}

    def _keys(self) -> dict[str, str]:
        ids = list(dict.fromkeys(self._candidates))
        pool = {i: i for i in ids}
        if self._labels is not None:
            for i in ids:
                label = self._labels(i)
                if label:
                    pool.setdefault(_as_id(label), i)
        return pool

    def hint(self, ident: str) -> str:
        """``" (did you mean 'x'?)"`` for the closest existing id to ``ident``, or ``""``."""
        if ident in self._seen:
            return self._seen[ident]
        if self._pool is None:
            self._pool = self._keys()
        if self._left < len(self._pool):
            return ""
        self._left -= len(self._pool)
        close = difflib.get_close_matches(ident, list(self._pool), n=1, cutoff=self.CUTOFF)
        if not close and ident != ident.casefold():  # "SLOPE" found nothing where "Slope" found slope
            close = difflib.get_close_matches(ident.casefold(), list(self._pool), n=1, cutoff=self.CUTOFF)
        hint = ""
        if close:
            target = self._pool[close[0]]
            label = self._labels(target) if self._labels is not None and close[0] != target else None
            hint = f" (did you mean {target!r}, labelled {label!r}?)" if label else f" (did you mean {target!r}?)"
        self._seen[ident] = hint
        return hint


def _as_id(label: str) -> str:
    """A label written as a slug is (``Exponents and Powers`` -> ``exponents_and_powers``).

    Examples:
        >>> _as_id("Exponents and Powers"), _as_id("Álgebra: ecuaciones")
        ('exponents_and_powers', 'álgebra_ecuaciones')
    """
    return re.sub(r"\W+", "_", label.casefold()).strip("_")


@dataclass
class References:
    """The batch's items with only the links that resolve, and every one that does not.

    ``dangling`` has one line per dangling reference, led by where it came from when the
    batch knows (``materials.csv:line 3: ``); ``missing_ids`` the unknown concept ids.
    """

    concepts: list[Concept] = field(default_factory=list)
    prerequisites: list[Prerequisite] = field(default_factory=list)
    materials: list[Material] = field(default_factory=list)
    translations: dict[str, tuple[Translation, ...]] = field(default_factory=dict)
    dangling: list[str] = field(default_factory=list)
    missing_ids: set[str] = field(default_factory=set)


def resolve_references(
    bundle: CurriculumBundle, projection: Projection, curriculum_ids: Collection[str] = ()
) -> References:
    """Split the batch's links into those that resolve (kept) and those that dangle (listed).

    A link resolves to a concept of the batch or of the graph; a concept's curriculum to
    one of ``curriculum_ids`` (the batch's and the graph's). A prerequisite edge named
    twice is kept once.

    Examples:
        >>> from graph.model import Concept, MaterialType
        >>> batch = CurriculumBundle(
        ...     concepts=(Concept("angles", "Angles"),),
        ...     materials=(Material("m1", "M", MaterialType.VIDEO, teaches=("angle",)),),
        ...     origins={("material", "m1"): "materials.csv:line 2"},
        ... )
        >>> found = resolve_references(batch, Projection())
        >>> found.dangling
        ["materials.csv:line 2: material m1: taught concept angle unknown (did you mean 'angles'?)"]
        >>> found.materials[0].teaches
        ()
    """
    batch_ids = {c.id for c in bundle.concepts}
    batch_labels = {c.id: c.label for c in bundle.concepts}
    hints = Suggestions(
        itertools.chain(batch_ids, projection.dag.nodes), lambda c: batch_labels.get(c) or projection.label(c)
    )
    scheme_hints = Suggestions(curriculum_ids)
    found = References()

    def known(concept: str) -> bool:
        return concept in batch_ids or projection.has_concept(concept)

    def where(kind: str, ident: str) -> str:
        origin = bundle.origins.get((kind, ident))
        return f"{origin}: " if origin else ""

    def unknown(concept: str) -> str:
        """The hint for a concept id that names nothing (and it joins ``missing_ids``)."""
        found.missing_ids.add(concept)
        return hints.hint(concept)

    seen_edges: set[tuple[str, str]] = set()
    for edge in bundle.prerequisites:
        missing = [c for c in (edge.concept, edge.prerequisite) if not known(c)]
        if missing:
            pair = f"{edge.concept} -> {edge.prerequisite}"
            names = ", ".join(f"{c}{unknown(c)}" for c in missing)
            reading = f"{edge.concept} requires {edge.prerequisite}"  # "->" alone left designers guessing the direction
            found.dangling.append(f"{where('prerequisite', pair)}prerequisite {pair} ({reading}): unknown {names}")
        elif (edge.concept, edge.prerequisite) not in seen_edges:
            seen_edges.add((edge.concept, edge.prerequisite))
            found.prerequisites.append(edge)

    for concept in bundle.concepts:
        broader = tuple(b for b in concept.broader if known(b))
        for b in concept.broader:
            if b not in broader:
                hint = unknown(b)
                found.dangling.append(f"{where('concept', concept.id)}concept {concept.id}: broader {b} unknown{hint}")
        scheme = concept.curriculum
        if scheme is not None and scheme not in curriculum_ids:
            hint = scheme_hints.hint(scheme)
            found.dangling.append(
                f"{where('concept', concept.id)}concept {concept.id}: curriculum {scheme} unknown{hint}"
            )
            scheme = None
        found.concepts.append(replace(concept, broader=broader, curriculum=scheme))

    for material in bundle.materials:
        for relation, linked in (("taught", material.teaches), ("assessed", material.assesses)):
            for c in linked:
                if not known(c):
                    hint, origin = unknown(c), where("material", material.id)
                    found.dangling.append(f"{origin}material {material.id}: {relation} concept {c} unknown{hint}")
        teaches = tuple(c for c in material.teaches if known(c))
        assesses = tuple(c for c in material.assesses if known(c))
        found.materials.append(replace(material, teaches=teaches, assesses=assesses))

    for translated, translations in bundle.translations.items():
        if known(translated):
            found.translations[translated] = translations
            continue
        hint = unknown(translated)
        for t in translations:
            source = bundle.origins.get(translation_origin(translated, t.language))
            found.dangling.append(
                f"{source + ': ' if source else ''}translation {t.language} of concept {translated}: concept "
                f"unknown{hint}"
            )
    return found
