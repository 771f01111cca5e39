"""check_bundle: a batch is checked whole; dangling links refuse it (or are left out on request), cycles listed."""

from __future__ import annotations

import pytest

from graph.bundle import CurriculumBundle
from graph.errors import DanglingReferences, InvalidInput, PrerequisiteCycle, ValidationFailed
from graph.ids import iri_of, is_valid_id
from graph.model import Concept, Curriculum, Material, MaterialType, Prerequisite
from graph.projection import Projection
from graph.validation import check_bundle


def bundle(edges: list[tuple[str, str]], concepts: str = "abcd") -> CurriculumBundle:
    return CurriculumBundle(
        concepts=tuple(Concept(c, c.upper()) for c in concepts),
        prerequisites=tuple(Prerequisite(c, p) for c, p in edges),
    )


class TestCheckBundle:
    def test_dangling_edges_are_reported_and_left_out_when_allowed(self) -> None:
        cleaned, report = check_bundle(bundle([("b", "a"), ("c", "zz")]), Projection(), allow_dangling=True)
        assert [(e.concept, e.prerequisite) for e in cleaned.prerequisites] == [("b", "a")]
        assert report.dangling == ["prerequisite c -> zz (c requires zz): unknown zz"]
        assert report.missing_ids == ["zz"]

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


class TestDanglingReferences:
    """A material teaching `angle` where the curriculum has `angles` imported as a success without the link."""

    def test_each_is_listed_with_the_closest_id_and_nothing_passes(self) -> None:
        batch = CurriculumBundle(
            curricula=(Curriculum("geo7", "Geometry"),),
            concepts=(
                Concept("angles", "Angles", curriculum="geo7"),
                Concept("triangles", "Triangles", broader=("angls",), curriculum="geo8"),
            ),
            prerequisites=(Prerequisite("triangles", "angle"), Prerequisite("triangles", "angles")),
            materials=(Material("m1", "M", MaterialType.VIDEO, teaches=("angle", "ghost"), assesses=("triangle",)),),
        )
        with pytest.raises(DanglingReferences) as caught:
            check_bundle(batch, Projection())
        assert (
            caught.value.problems
            == caught.value.dangling
            == [
                "prerequisite triangles -> angle (triangles requires angle): unknown angle (did you mean 'angles'?)",
                "concept triangles: broader angls unknown (did you mean 'angles'?)",
                "concept triangles: curriculum geo8 unknown (did you mean 'geo7'?)",
                "material m1: taught concept angle unknown (did you mean 'angles'?)",
                "material m1: taught concept ghost unknown",
                "material m1: assessed concept triangle unknown (did you mean 'triangles'?)",
            ]
        )
        assert caught.value.code.value == "INVALID"
        assert caught.value.message.startswith(
            "6 reference(s) to ids that exist neither in the import nor in the graph, nothing imported "
            "(allowDangling, --allow-dangling: import without those links): "
        )

    def test_a_stored_id_is_suggested_too(self) -> None:
        proj = Projection()
        proj.add_concept("exponents", "Exponents")
        batch = CurriculumBundle(materials=(Material("m", "M", MaterialType.VIDEO, teaches=("exponent",)),))
        with pytest.raises(DanglingReferences) as caught:
            check_bundle(batch, proj)
        assert caught.value.dangling == ["material m: taught concept exponent unknown (did you mean 'exponents'?)"]

    def test_an_id_written_after_a_label_finds_its_concept(self) -> None:
        # The walkthrough's `exponents_powers`: the demo's concept is `exponents`, "Exponents and Powers".
        proj = Projection()
        proj.add_concept("exponents", "Exponents and Powers")
        batch = CurriculumBundle(
            concepts=(Concept("pythagoras", "Pythagorean Theorem"),),
            prerequisites=(Prerequisite("pythagoras", "exponents_powers"),),
        )
        with pytest.raises(DanglingReferences) as caught:
            check_bundle(batch, proj)
        assert caught.value.dangling == [
            "prerequisite pythagoras -> exponents_powers (pythagoras requires exponents_powers): "
            "unknown exponents_powers "
            "(did you mean 'exponents', labelled 'Exponents and Powers'?)"
        ]

    def test_they_come_with_the_cycles_of_the_same_batch(self) -> None:
        # Fixing the dangling id then met the cycle: one refusal says both.
        with pytest.raises(DanglingReferences) as caught:
            check_bundle(bundle([("a", "b"), ("b", "a"), ("c", "zz")]), Projection())
        assert caught.value.problems == [
            "prerequisite c -> zz (c requires zz): unknown zz",
            "prerequisite cycle: a -> b -> a",
        ]
        assert caught.value.cycles == [["a", "b"]]

    def test_and_a_broader_cycle_with_a_prerequisite_cycle(self) -> None:
        concepts = (Concept("a", "A", broader=("b",)), Concept("b", "B", broader=("a",)))
        batch = CurriculumBundle(concepts=concepts, prerequisites=(Prerequisite("a", "b"), Prerequisite("b", "a")))
        with pytest.raises(ValidationFailed) as caught:
            check_bundle(batch, Projection())
        assert caught.value.problems == [
            "broader cycle: a under b under a (a concept cannot be under itself)",
            "prerequisite cycle: a -> b -> a",
        ]

    def test_breaking_cycles_leaves_only_the_dangling_ones_to_refuse(self) -> None:
        with pytest.raises(DanglingReferences) as caught:
            check_bundle(bundle([("a", "b"), ("b", "a"), ("c", "zz")]), Projection(), break_cycles=True)
        assert (caught.value.problems, caught.value.cycles) == (
            ["prerequisite c -> zz (c requires zz): unknown zz"],
            [],
        )


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
