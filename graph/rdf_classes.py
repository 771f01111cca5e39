"""Classes of an ontology (``owl:Class``, ``rdfs:Class``) in an imported RDF document.

Pathwise reads concepts as ``skos:Concept``. An OWL ontology from Protégé describes its
topics as classes, with ``rdfs:subClassOf`` between them; imported as it was, it stored
its triples as unmodelled ones and reported "0 concepts", a success that imported nothing
a designer could see.
"""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDFS

from graph.bundle import CurriculumBundle
from graph.vocab import RDF

__all__ = ["ontology_classes"]

_CLASS_TYPES = (OWL.Class, RDFS.Class)
_SHOWN = 3


def ontology_classes(g: Graph, bundle: CurriculumBundle) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``(problems, warnings)`` for the classes of ``g``, which are not read as concepts.

    A document of classes alone is refused (a problem); classes beside concepts are kept
    as triples with a warning, as resources that teach but are no materials are.
    """
    classes = sorted({s for cls in _CLASS_TYPES for s in g.subjects(RDF.type, cls) if isinstance(s, URIRef)})
    if not classes:
        return (), ()
    shown = ", ".join(str(c) for c in classes[:_SHOWN])
    more = f" and {len(classes) - _SHOWN} more" if len(classes) > _SHOWN else ""
    many = len(classes) > 1
    what = f"{len(classes)} class{'es' if many else ''} (owl:Class or rdfs:Class: {shown}{more})"
    fix = (
        "Pathwise reads concepts as skos:Concept, so type each topic skos:Concept "
        "(and write its prerequisites as pw:requires: rdfs:subClassOf is no prerequisite)"
    )
    counts = bundle.counts()
    if not any(counts[kind] for kind in ("curricula", "concepts", "prerequisites", "materials")):
        return (f"the document holds no skos:Concept, only {what}: {fix}",), ()
    read_as = "are not read as concepts" if many else "is not read as a concept"
    return (), (f"{what} {read_as}: kept as triples; {fix}",)
