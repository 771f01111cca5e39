"""check_bundle: a batch is checked whole; dangling links are reported, cycles listed."""

from __future__ import annotations

import pytest

from graph.bundle import CurriculumBundle
from graph.errors import InvalidInput, PrerequisiteCycle, ValidationFailed
from graph.ids import iri_of, is_valid_id
from graph.model import Concept, Material, MaterialType, Prerequisite
from graph.projection import Projection
from graph.validation import check_bundle


def bundle(edges: list[tuple[str, str]], concepts: str = "abcd") -> CurriculumBundle:
    return CurriculumBundle(
        concepts=tuple(Concept(c, c.upper()) for c in concepts),
        prerequisites=tuple(Prerequisite(c, p) for c, p in edges),
    )


class TestCheckBundle:
    def test_dangling_edges_are_reported_and_left_out(self) -> None:
        cleaned, report = check_bundle(bundle([("b", "a"), ("c", "zz")]), Projection())
        assert [(e.concept, e.prerequisite) for e in cleaned.prerequisites] == [("b", "a")]
        assert report.dangling == ["prerequisite c -> zz: unknown zz"]

    def test_every_cycle_is_listed(self) -> None:
        with pytest.raises(PrerequisiteCycle) as caught:
            check_bundle(bundle([("a", "b"), ("b", "a"), ("c", "c"), ("d", "a")]), Projection())
        assert caught.value.cycles == [["a", "b"], ["c"]]

    def test_break_cycles_drops_listed_edges_only(self) -> None:
        cleaned, report = check_bundle(
            bundle([("a", "b"), ("b", "a"), ("c", "c"), ("d", "a")]), Projection(), break_cycles=True
        )
        assert len(report.dropped_edges) == 2
        kept = {(e.concept, e.prerequisite) for e in cleaned.prerequisites}
        assert ("d", "a") in kept
        assert not kept & set(report.dropped_edges)

    def test_cycle_through_the_existing_graph(self) -> None:
        proj = Projection()
        for c in "ab":
            proj.add_concept(c, c)
        proj.add_edge("b", "a")
        with pytest.raises(PrerequisiteCycle):
            check_bundle(CurriculumBundle(prerequisites=(Prerequisite("a", "b"),)), proj)

    def test_breaking_a_cycle_through_the_stored_graph_drops_the_batchs_edges(self) -> None:
        # The stored a->b and e->d used to be "dropped", which removed nothing: the batch's
        # edges closed both cycles in the store.
        proj = Projection()
        for c in "abcde":
            proj.add_concept(c, c)
        proj.add_edge("a", "b")  # a requires b
        proj.add_edge("c", "a")
        proj.add_edge("e", "d")
        batch = CurriculumBundle(prerequisites=(Prerequisite("b", "c"), Prerequisite("d", "e")))
        cleaned, report = check_bundle(batch, proj, break_cycles=True)
        assert sorted(report.dropped_edges) == [("b", "c"), ("d", "e")]
        assert cleaned.prerequisites == ()

    def test_all_value_problems_are_listed_together(self) -> None:
        bad = CurriculumBundle(
            concepts=(Concept("a", ""), Concept("a", "A")),
            materials=(Material("m", "M", MaterialType.EXERCISE, difficulty=7, minutes=0),),
        )
        with pytest.raises(ValidationFailed) as caught:
            check_bundle(bad, Projection())
        assert len(caught.value.problems) == 4


def test_a_broader_cycle_is_refused() -> None:
    # "A under B, B under C, C under A" was accepted without a word.
    bundle = CurriculumBundle(
        concepts=(
            Concept("a", "A", broader=("b",)),
            Concept("b", "B", broader=("c",)),
            Concept("c", "C", broader=("a",)),
        )
    )
    with pytest.raises(ValidationFailed) as caught:
        check_bundle(bundle, Projection())
    assert caught.value.problems == ["broader cycle: a under b under c under a (a concept cannot be under itself)"]
    tree = CurriculumBundle(
        concepts=(Concept("a", "A", broader=("b",)), Concept("b", "B"), Concept("c", "C", broader=("b",)))
    )
    check_bundle(tree, Projection())  # a hierarchy is fine


@pytest.mark.parametrize("ident", ["7b\n", "http://example.org/c/1\n", "slope\n"])
def test_an_id_with_a_trailing_newline_is_refused(ident: str) -> None:
    # `$` matched before a final newline: createCohort(id: "7b\n") reached SPARQL and failed as a bug.
    assert not is_valid_id(ident)
    with pytest.raises(InvalidInput, match="is not a slug"):
        iri_of("cohort", ident)
