"""A document's own ids renamed with a prefix, so a third-party map can sit beside another curriculum.

Ids are shared by every curriculum in a store: Junyi, Khan Academy and the demo all
name a concept ``absolute_value``, so importing Junyi into the store ``make run`` fills
was refused as 13 duplicates, and ``--replace`` would have merged the two concepts
(label, curriculum, alternative labels and edges). ``pathwise import --id-prefix junyi_``
(``importCurriculum(input: {idPrefix})``) gives every slug the document defines the
prefix, and every reference to one of them; a reference to an id it does not define (a
stored concept a link names) and an absolute IRI keep theirs, so a link to the store's
own concepts still lands.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TypeVar

from rdflib import Graph
from rdflib.term import Node

from graph.bundle import CurriculumBundle
from graph.errors import InvalidInput
from graph.ids import Kind, edge_iri, iri_of, is_valid_id

__all__ = ["check_id_prefix", "with_id_prefix"]

V = TypeVar("V")


def check_id_prefix(prefix: str, field: str = "idPrefix") -> None:
    """Refuse a prefix that would not make slugs (``junyi_`` will; ``a b`` or ``http:`` will not).

    Examples:
        >>> check_id_prefix("junyi_")
        >>> check_id_prefix("a b")
        Traceback (most recent call last):
        ...
        graph.errors.InvalidInput: id prefix 'a b' would not make slugs: use letters, digits, '_', '.' and '-'
    """
    if ":" in prefix or not prefix or not is_valid_id(f"{prefix}x"):
        raise InvalidInput(
            f"id prefix {prefix!r} would not make slugs: use letters, digits, '_', '.' and '-'", field=field
        )


def with_id_prefix(bundle: CurriculumBundle, prefix: str) -> CurriculumBundle:
    """``bundle`` with ``prefix`` before each slug it defines, and before its references to them.

    Examples:
        >>> from graph.model import Concept, Curriculum, Prerequisite
        >>> b = CurriculumBundle((Curriculum("k", "K"),), (Concept("a", "A", curriculum="k"), Concept("b", "B")),
        ...                      (Prerequisite("b", "a"), Prerequisite("b", "stored")))
        >>> p = with_id_prefix(b, "x_")
        >>> [c.id for c in p.concepts], p.concepts[0].curriculum, [(e.concept, e.prerequisite) for e in p.prerequisites]
        (['x_a', 'x_b'], 'x_k', [('x_b', 'x_a'), ('x_b', 'stored')])
    """
    check_id_prefix(prefix)
    defined: dict[str, set[str]] = {
        "concept": {c.id for c in bundle.concepts},
        "material": {m.id for m in bundle.materials},
        "curriculum": {c.id for c in bundle.curricula},
    }

    def renamed(kind: str, ident: str) -> str:
        return f"{prefix}{ident}" if ident in defined[kind] and ":" not in ident else ident

    def concept(ident: str) -> str:
        return renamed("concept", ident)

    def edge(key: str) -> str:
        head, _, tail = key.partition(" -> ")
        return f"{concept(head)} -> {concept(tail)}"

    def keyed(mapping: Mapping[tuple[str, str], V]) -> dict[tuple[str, str], V]:
        return {(kind, edge(i) if kind == "prerequisite" else renamed(kind, i)): v for (kind, i), v in mapping.items()}

    return replace(
        bundle,
        curricula=tuple(replace(c, id=renamed("curriculum", c.id)) for c in bundle.curricula),
        concepts=tuple(
            replace(
                c,
                id=concept(c.id),
                broader=tuple(map(concept, c.broader)),
                curriculum=renamed("curriculum", c.curriculum) if c.curriculum else c.curriculum,
            )
            for c in bundle.concepts
        ),
        prerequisites=tuple(
            replace(e, concept=concept(e.concept), prerequisite=concept(e.prerequisite)) for e in bundle.prerequisites
        ),
        materials=tuple(
            replace(
                m,
                id=renamed("material", m.id),
                teaches=tuple(map(concept, m.teaches)),
                assesses=tuple(map(concept, m.assesses)),
            )
            for m in bundle.materials
        ),
        extra=_renamed_graph(bundle, defined, renamed),
        unstated_items=keyed(bundle.unstated_items),
        origins=keyed(bundle.origins),
        translations={concept(c): t for c, t in bundle.translations.items()},
        own_languages={(concept(c), name): tag for (c, name), tag in bundle.own_languages.items()},
    )


def _renamed_graph(
    bundle: CurriculumBundle, defined: Mapping[str, set[str]], renamed: Callable[[str, str], str]
) -> Graph | None:
    """The document's unmodelled triples with the renamed items' IRIs (and their edges') renamed."""
    if bundle.extra is None:
        return None
    kinds: tuple[Kind, ...] = ("concept", "material", "curriculum")
    iris: dict[Node, Node] = {
        iri_of(kind, ident): iri_of(kind, renamed(kind, ident)) for kind in kinds for ident in defined[kind]
    }
    for e in bundle.prerequisites:
        iris[edge_iri(e.concept, e.prerequisite)] = edge_iri(
            renamed("concept", e.concept), renamed("concept", e.prerequisite)
        )
    out = Graph()
    for s, p, o in bundle.extra:
        out.add((iris.get(s, s), p, iris.get(o, o)))
    return out
