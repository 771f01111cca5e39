"""A learner's access needs: which materials suit, which are left out, which come last, and what reasons say."""

from __future__ import annotations

from datetime import datetime

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.access_needs import AccessFacts, AccessNeeds, Fit, fit
from graph.errors import InvalidInput
from graph.learning_path import plan_learning_path
from graph.material_choice import MaterialFacts, choose_for_needs, choose_materials
from graph.model import Attempt
from graph.recommend import completions, recommend_materials
from tests.unit.graph.test_learning_path import Case, cases

BLIND = AccessNeeds(access_modes=("auditory", "textual"))
PHOTOSENSITIVE = AccessNeeds(avoid_hazards=("flashing",))
NOW = datetime(2026, 1, 10)


def facts(**values: object) -> AccessFacts:
    return AccessFacts(**values)  # type: ignore[arg-type]


class TestAccessNeedsChecked:
    def test_terms_in_any_case(self) -> None:
        needs = AccessNeeds.checked(["Flashing", "SOUND"], ["TEXTUAL", "auditory"])
        assert needs == AccessNeeds(("flashing", "sound"), ("auditory", "textual"))
        assert needs.stated

    def test_nothing_given_is_no_need(self) -> None:
        assert not AccessNeeds.checked(None, None).stated
        assert not AccessNeeds.checked([], None).stated

    @pytest.mark.parametrize(
        ("hazards", "modes", "field"),
        [
            (["noFlashingHazard"], None, "needs.avoidHazards"),
            (["unknown"], None, "needs.avoidHazards"),
            (None, ["sight"], "needs.accessModes"),
            (None, ["textOnVisual"], "needs.accessModes"),
            (None, [], "needs.accessModes"),
        ],
    )
    def test_a_value_outside_the_vocabulary_is_refused_with_its_field(
        self, hazards: list[str] | None, modes: list[str] | None, field: str
    ) -> None:
        with pytest.raises(InvalidInput) as caught:
            AccessNeeds.checked(hazards, modes)
        assert caught.value.field == field


class TestFit:
    def test_a_stated_hazard_leaves_the_material_out(self) -> None:
        assert fit(facts(hazards=("flashing",)), PHOTOSENSITIVE) == Fit(hazards=("flashing",))
        assert fit(facts(hazards=("flashing",)), PHOTOSENSITIVE).left_out

    def test_absent_by_name_or_by_none_is_known_to_suit(self) -> None:
        assert fit(facts(hazards=("noFlashingHazard",)), PHOTOSENSITIVE).known
        assert fit(facts(hazards=("none",)), PHOTOSENSITIVE).known

    @pytest.mark.parametrize("hazards", [(), ("unknown",), ("unknownFlashingHazard",), ("noSoundHazard",)])
    def test_silence_about_the_hazard_is_not_known_to_suit(self, hazards: tuple[str, ...]) -> None:
        found = fit(facts(hazards=hazards), PHOTOSENSITIVE)
        assert (found.left_out, found.known, found.rank) == (False, False, 1)
        assert found.not_stated == ("flashing",)

    def test_a_sufficient_set_within_the_learners_modes_makes_it_usable(self) -> None:
        video = facts(access_modes=("auditory", "visual"), access_mode_sufficient=("textual", "auditory,visual"))
        assert fit(video, BLIND).known

    def test_no_sufficient_set_within_them_leaves_it_out_naming_the_fewest_missing(self) -> None:
        chart = facts(access_modes=("textual", "chartOnVisual"), access_mode_sufficient=("textual,visual", "visual"))
        assert fit(chart, BLIND).missing_modes == ("visual",)
        assert fit(chart, BLIND).left_out

    def test_without_sufficient_sets_every_access_mode_is_needed(self) -> None:
        assert fit(facts(access_modes=("textual",)), BLIND).known
        assert fit(facts(access_modes=("textual", "mathOnVisual")), BLIND).missing_modes == ("visual",)

    def test_sufficient_sets_outrank_the_access_modes(self) -> None:
        # the access modes say how it is encoded; the sufficient sets, what is enough
        video = facts(access_modes=("auditory", "visual"), access_mode_sufficient=("auditory,visual",))
        deaf = AccessNeeds(access_modes=("textual", "visual"))
        assert fit(video, deaf).missing_modes == ("auditory",)

    def test_no_modes_stated_comes_after(self) -> None:
        found = fit(facts(), BLIND)
        assert (found.modes_unstated, found.rank, found.not_stated) == (True, 1, ("accessMode",))

    def test_without_modes_in_the_needs_modes_do_not_matter(self) -> None:
        assert fit(facts(access_modes=("visual",)), PHOTOSENSITIVE).missing_modes == ()


class TestChooseForNeeds:
    POOL = (
        MaterialFacts("expl", "explanation", 1, access=facts(access_modes=("textual",), hazards=("none",))),
        MaterialFacts("anim", "example", 2, access=facts(access_modes=("visual",), hazards=("flashing",))),
        MaterialFacts("ex-unsaid", "exercise", 1),
        MaterialFacts("ex-safe", "exercise", 4, access=facts(access_modes=("textual",), hazards=("none",))),
    )

    def test_without_needs_the_choice_is_unchanged(self) -> None:
        assert choose_for_needs(self.POOL, 0.1, None).materials == choose_materials(self.POOL, 0.1)
        assert choose_for_needs(self.POOL, 0.1, AccessNeeds()).materials == choose_materials(self.POOL, 0.1)

    def test_a_known_suitable_material_wins_over_a_better_fitting_unstated_one(self) -> None:
        choice = choose_for_needs(self.POOL, 0.1, PHOTOSENSITIVE)
        assert [m.id for m in choice.materials] == ["expl", "ex-safe"]
        assert [m.id for m, _ in choice.left_out] == ["anim"]
        assert choice.not_known == ()

    def test_an_unstated_material_stands_in_when_its_kind_has_no_other(self) -> None:
        pool = [m for m in self.POOL if m.id != "ex-safe"]
        choice = choose_for_needs(pool, 0.1, PHOTOSENSITIVE)
        assert [m.id for m in choice.materials] == ["expl", "ex-unsaid"]
        assert [m.id for m, _ in choice.not_known] == ["ex-unsaid"]

    def test_none_suits_lists_every_material_and_why(self) -> None:
        pool = [m for m in self.POOL if m.id == "anim"] + [
            MaterialFacts("chart", "exercise", 2, access=facts(access_modes=("chartOnVisual",)))
        ]
        choice = choose_for_needs(pool, 0.5, AccessNeeds(("flashing",), ("auditory", "textual")))
        assert choice.materials == []
        assert choice.none_suit
        assert choice.left_out_phrases() == [
            "an example with flashing that needs sight",
            "an exercise that needs sight",
        ]

    def test_a_concept_without_materials_is_not_unsuited(self) -> None:
        assert not choose_for_needs([], 0.5, PHOTOSENSITIVE).none_suit


def chain() -> nx.DiGraph[str]:
    dag: nx.DiGraph[str] = nx.DiGraph([("plane", "slope")])
    nx.set_node_attributes(dag, {"plane": "The Coordinate Plane", "slope": "Slope"}, "label")
    return dag


MATERIALS = {
    "plane": [
        MaterialFacts("m_plane_anim", "example", 2, 8, access=facts(access_modes=("visual",), hazards=("flashing",))),
        MaterialFacts("m_plane_grid", "exercise", 2, 8, access=facts(access_mode_sufficient=("textual,visual",))),
    ],
    "slope": [
        MaterialFacts("m_slope_text", "example", 2, 7, access=facts(access_modes=("textual",), hazards=("none",))),
        MaterialFacts("m_slope_quiz", "exercise", 2, 10),
    ],
}


class TestPlanLearningPathWithNeeds:
    def plan(self, needs: AccessNeeds | None) -> list[tuple[str, tuple[str, ...], str, bool]]:
        path = plan_learning_path(
            chain(), ["slope"], {"plane": 0.5, "slope": 0.5}, materials_of=MATERIALS.__getitem__, needs=needs
        )
        return [(s.concept, s.materials, s.reason, s.no_suitable_material) for s in path.steps]

    def test_a_concept_no_material_suits_stays_a_step_and_says_so(self) -> None:
        needs = AccessNeeds(("flashing",), ("auditory", "textual"))
        path = plan_learning_path(
            chain(), ["slope"], {"plane": 0.5, "slope": 0.5}, materials_of=MATERIALS.__getitem__, needs=needs
        )
        plane, slope = path.steps
        assert (plane.concept, plane.materials, plane.no_suitable_material, plane.minutes) == ("plane", (), True, 10)
        assert plane.left_out_for_needs == ("m_plane_anim", "m_plane_grid")
        assert plane.reason.endswith(
            "No material for The Coordinate Plane suits the needs you gave: an example with flashing that needs "
            "sight and an exercise that needs sight."
        )
        assert "No material suits the needs you gave for The Coordinate Plane." in path.summary
        assert slope.materials == ("m_slope_text", "m_slope_quiz")
        assert slope.not_known_to_suit == ("m_slope_quiz",)
        assert slope.reason.endswith(
            "The exercise's hazards are not stated, so it may flash. "
            "Its access modes are not stated, so it may need sight."
        )

    def test_some_left_out_is_said_in_the_reason(self) -> None:
        [plane, _] = self.plan(PHOTOSENSITIVE)
        assert plane[1] == ("m_plane_grid",)
        assert "Left out for the needs you gave: an example with flashing." in plane[2]
        assert "The exercise's hazards are not stated, so it may flash." in plane[2]

    def test_without_needs_nothing_changes(self) -> None:
        assert self.plan(None) == self.plan(AccessNeeds())
        assert all("needs" not in reason for _, _, reason, _ in self.plan(None))

    @settings(max_examples=100, deadline=None)
    @given(cases(), st.data())
    def test_the_steps_stay_and_no_unsuitable_material_is_offered(self, case: Case, data: st.DataObject) -> None:
        hazards = ("flashing", "noFlashingHazard", "unknown", "none")
        described = {
            c: [
                MaterialFacts(
                    m.id,
                    m.kind,
                    m.difficulty,
                    m.minutes,
                    access=facts(
                        hazards=data.draw(st.sampled_from([(), *((h,) for h in hazards)])),
                        access_modes=data.draw(
                            st.sampled_from([(), ("textual",), ("visual",), ("auditory", "visual")])
                        ),
                    ),
                )
                for m in ms
            ]
            for c, ms in case.materials.items()
        }
        needs = AccessNeeds(("flashing",), ("auditory", "textual"))
        plain = Case(case.dag, case.mastery, case.targets, case.threshold, described).plan()
        path = Case(case.dag, case.mastery, case.targets, case.threshold, described).plan(needs=needs)
        assert {s.concept for s in path.steps} == {s.concept for s in plain.steps}
        by_id = {m.id: m for ms in described.values() for m in ms}
        for step in path.steps:
            assert not any(fit(by_id[m].access, needs).left_out for m in step.materials)
            assert step.no_suitable_material == (not step.materials and bool(described[step.concept]))


class TestRecommendMaterialsWithNeeds:
    DAG: nx.DiGraph[str] = nx.DiGraph([("a", "goal")])
    POOL = {
        "a": [
            MaterialFacts("a-flash", "example", 2, access=facts(hazards=("flashing",))),
            MaterialFacts("a-unsaid", "exercise", 3),  # the better fit for 0.5, but not known to be safe
            MaterialFacts("a-safe", "exercise", 1, access=facts(hazards=("noFlashingHazard",))),
        ],
        "goal": [],
    }

    def recommend(self, needs: AccessNeeds | None, **options: object) -> list[tuple[str, tuple[str, ...], str]]:
        found = recommend_materials(
            self.DAG,
            {"a": 0.5},
            self.POOL.__getitem__,
            now=NOW,
            needs=needs,
            **options,  # type: ignore[arg-type]
        )
        return [(r.material, r.not_stated, r.reason) for r in found]

    def test_a_stated_hazard_is_never_offered_and_a_known_safe_one_is_preferred(self) -> None:
        plain = [m for m, _, _ in self.recommend(None)]
        assert "a-flash" in plain
        found = self.recommend(PHOTOSENSITIVE)
        assert [m for m, _, _ in found] == ["a-safe"]  # the example slot had only the flashing one
        assert "Left out for the needs you gave: an example with flashing." in found[0][2]

    def test_a_material_not_known_to_suit_says_what_is_not_stated(self) -> None:
        pool = [
            MaterialFacts("b-example", "example", 2, access=facts(hazards=("none",))),
            MaterialFacts("b-quiz", "exercise", 3),
        ]
        found = recommend_materials(
            nx.DiGraph([("b", "c")]), {}, lambda c: pool if c == "b" else [], now=NOW, needs=PHOTOSENSITIVE
        )
        assert [(r.material, r.not_stated) for r in found] == [("b-example", ()), ("b-quiz", ("flashing",))]
        assert found[1].reason.endswith("Its hazards are not stated, so it may flash.")
        assert "not stated" not in found[0].reason

    def test_the_known_one_first_whatever_the_scores(self) -> None:
        pool = [
            MaterialFacts("x-unsaid", "exercise", 3),
            MaterialFacts("x-safe", "exercise", 5, access=facts(hazards=("none",))),
        ]
        dag: nx.DiGraph[str] = nx.DiGraph()
        dag.add_nodes_from(["x", "y"])
        other = [MaterialFacts("y-unsaid", "exercise", 3)]
        found = recommend_materials(
            dag, {"x": 0.5, "y": 0.5}, lambda c: pool if c == "x" else other, now=NOW, needs=PHOTOSENSITIVE
        )
        assert [r.material for r in found] == ["x-safe", "y-unsaid"]
        assert found[0].score < found[1].score  # y-unsaid fits better, but is not known to be safe
        assert found[1].not_stated == ("flashing",)

    def test_a_review_due_is_not_offered_when_it_does_not_suit(self) -> None:
        done = completions([Attempt("1", "s", datetime(2026, 1, 1), 1.0, material="a-flash", concepts=("a",))])
        mastered = {"a": 0.9}
        found = recommend_materials(
            self.DAG, mastered, self.POOL.__getitem__, completed=done, concept_of_material={"a-flash": "a"}, now=NOW
        )
        assert [r.material for r in found if r.review] == ["a-flash"]
        found = recommend_materials(
            self.DAG,
            mastered,
            self.POOL.__getitem__,
            completed=done,
            concept_of_material={"a-flash": "a"},
            now=NOW,
            needs=PHOTOSENSITIVE,
        )
        assert not [r for r in found if r.review]
