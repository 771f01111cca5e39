"""The concepts a question names, as the service reads them from the graph: in step with every relabelling."""

from __future__ import annotations

from graph.model import Concept
from graph.repository import KnowledgeGraph
from graph.store import open_store
from resolvers.qa import GraphLookup


def test_the_names_follow_a_relabelled_concept_and_are_built_once_per_change() -> None:
    kg = KnowledgeGraph(open_store("memory"))
    kg.create_concept(Concept("slope", "Slope"))
    kg.create_concept(Concept("psf", "Point-Slope Form"))
    names = GraphLookup(kg).concept_names()
    assert names.named_in("How do I find the slope of a line?") == {"slope"}
    assert GraphLookup(kg).concept_names() is names, "built once: every question read every label"
    kg.update_concept(Concept("slope", "Gradient"))
    renamed = GraphLookup(kg).concept_names()
    assert renamed.named_in("How do I find the slope of a line?") == set()
    assert renamed.named_in("what is the gradient") == {"slope"}
    kg.create_concept(Concept("line", "Line"))
    assert GraphLookup(kg).concept_names().named_in("the slope of a line") == {"line"}
