"""Learning paths: the rules a frontend relies on, as properties over random DAGs and mastery maps."""

from __future__ import annotations

import random
from dataclasses import dataclass

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.errors import ConceptNotFound, InvalidInput
from graph.learning_path import LearningPath, plan_learning_path
from graph.material_choice import HIGH_MASTERY, LOW_MASTERY, MaterialFacts, choose_materials, target_difficulty

KINDS = ("explanation", "example", "exercise", "video", "reading")


@dataclass
class Case:
    dag: nx.DiGraph[str]
    mastery: dict[str, float]
    targets: list[str]
    threshold: float
    materials: dict[str, list[MaterialFacts]]

    def plan(self, **options: object) -> LearningPath:
        return plan_learning_path(
            self.dag,
            self.targets,
            self.mastery,
            materials_of=lambda c: self.materials.get(c, []),
            threshold=self.threshold,
            **options,  # type: ignore[arg-type]
        )


@st.composite
def cases(draw: st.DrawFn) -> Case:
    n = draw(st.integers(1, 18))
    # Names in a random order, so that id order is not already a topological order.
    nodes = draw(st.permutations([f"c{i:02d}" for i in range(n)]))
    dag: nx.DiGraph[str] = nx.DiGraph()
    dag.add_nodes_from(nodes)
    for j in range(n):
        for i in range(j):
            if draw(st.booleans()) and draw(st.booleans()):  # about a quarter of the pairs
                dag.add_edge(nodes[i], nodes[j])
    mastery = {c: draw(st.floats(0, 1)) for c in nodes if draw(st.booleans())}
    targets = draw(st.lists(st.sampled_from(nodes), min_size=1, max_size=4))
    threshold = draw(st.sampled_from([0.5, 0.7, 0.8, 0.95]))
    materials = {
        c: [
            MaterialFacts(f"{c}-m{k}", draw(st.sampled_from(KINDS)), draw(st.integers(1, 5)), draw(st.integers(1, 30)))
            for k in range(draw(st.integers(0, 4)))
        ]
        for c in nodes
    }
    return Case(dag, mastery, targets, threshold, materials)


def needed_reference(case: Case) -> set[str]:
    """Independent statement of "needed": reachable back from a target through unmastered concepts."""
    unmastered = {c for c in case.dag if case.mastery.get(c, 0.0) < case.threshold}
    needed: set[str] = set()
    for t in case.targets:
        if t in unmastered:
            needed |= {t} | nx.ancestors(case.dag.subgraph(unmastered), t)
    return needed


class TestPlanLearningPathProperties:
    @settings(max_examples=150, deadline=None)
    @given(cases())
    def test_every_prerequisite_comes_first_or_is_mastered(self, case: Case) -> None:
        path = case.plan()
        position = {s.concept: i for i, s in enumerate(path.steps)}
        assumed = {a.concept for a in path.assumed}
        for i, step in enumerate(path.steps):
            for p in case.dag.pred[step.concept]:
                if p in position:
                    assert position[p] < i
                else:
                    assert p in assumed
                    assert case.mastery.get(p, 0.0) >= case.threshold

    @settings(max_examples=150, deadline=None)
    @given(cases())
    def test_minimal_and_complete(self, case: Case) -> None:
        path = case.plan()
        steps = [s.concept for s in path.steps]
        assert len(steps) == len(set(steps)), "a shared prerequisite appears once"
        assert set(steps) == needed_reference(case)
        assert all(case.mastery.get(c, 0.0) < case.threshold for c in steps)
        assert set(path.mastered_targets) == {t for t in case.targets if case.mastery.get(t, 0.0) >= case.threshold}

    @settings(max_examples=100, deadline=None)
    @given(cases(), st.randoms(use_true_random=False))
    def test_deterministic(self, case: Case, rnd: random.Random) -> None:
        first = case.plan()
        shuffled = list(case.mastery.items())
        rnd.shuffle(shuffled)
        again = Case(nx.DiGraph(case.dag), dict(shuffled), list(case.targets), case.threshold, case.materials)
        assert again.plan() == first

    @settings(max_examples=150, deadline=None)
    @given(cases())
    def test_materials_fit_the_student(self, case: Case) -> None:
        for step in case.plan().steps:
            facts = {m.id: m for m in case.materials[step.concept]}
            chosen = [facts[m] for m in step.materials]
            kinds = [m.kind for m in chosen]
            has_exercise = any(m.kind == "exercise" for m in facts.values())
            if step.mastery < LOW_MASTERY and any(
                m.kind in ("explanation", "reading", "video") for m in facts.values()
            ):
                assert kinds[0] in ("explanation", "reading", "video")
            if step.mastery < HIGH_MASTERY and "exercise" in kinds:
                first_exercise = kinds.index("exercise")
                assert all(k != "exercise" for k in kinds[:first_exercise])
                assert all(k == "exercise" for k in kinds[first_exercise:])
                if any(m.kind == "example" for m in facts.values()):
                    assert "example" in kinds[:first_exercise]
            if step.mastery >= HIGH_MASTERY and has_exercise:
                assert set(kinds) == {"exercise"}
            assert step.minutes == (sum(m.minutes for m in chosen) or 10)

    @settings(max_examples=150, deadline=None)
    @given(
        st.lists(
            st.tuples(st.sampled_from(KINDS), st.integers(1, 5)).map(lambda t: t), min_size=1, max_size=6, unique=True
        ),
        st.floats(0, 1),
        st.floats(0, 1),
    )
    def test_difficulty_follows_mastery(self, pool: list[tuple[str, int]], low: float, high: float) -> None:
        low, high = min(low, high), max(low, high)
        facts = [MaterialFacts(f"m{i}", kind, level) for i, (kind, level) in enumerate(pool)]
        hardest = [
            max((m.difficulty for m in choose_materials(facts, p) if m.kind == "exercise"), default=0)
            for p in (low, high)
        ]
        if all(hardest):
            assert hardest[0] <= hardest[1]
        assert target_difficulty(low) <= target_difficulty(high)

    @settings(max_examples=150, deadline=None)
    @given(cases(), st.data())
    def test_reasons_name_each_target_once_and_say_what_was_counted(self, case: Case, data: st.DataObject) -> None:
        # "Needed for X, on the way to X and Y" named X twice; a screen reader repeats every word of it.
        struggling = set(data.draw(st.lists(st.sampled_from(sorted(case.dag)), max_size=3)))
        path = case.plan(struggling=struggling)
        for step in path.steps:
            sentence = next((s for s in step.reason.split(". ") if s.startswith("Needed for")), "")
            for target in path.targets:
                assert sentence.count(target) <= 1, step.reason
            assert "(s)" not in step.reason
            assert step.struggling == (step.concept in struggling)
            discounted = step.struggling or step.doubted_by is not None
            assert step.doubted_by is None or step.doubted_by in struggling
            assert (step.planned_mastery < step.mastery) == (discounted and step.mastery > 0), step
            if step.doubted_by is not None and not step.struggling and step.mastery > 0:
                assert step.reason.endswith(f"after wrong answers on {step.doubted_by}.")

    @settings(max_examples=150, deadline=None)
    @given(cases(), st.integers(0, 120))
    def test_max_minutes_cuts_at_a_coherent_point(self, case: Case, budget: int) -> None:
        full = case.plan()
        cut = case.plan(max_minutes=budget)
        assert cut.steps + cut.left_out == full.steps
        assert cut.total_minutes <= budget
        if cut.left_out:
            assert cut.total_minutes + cut.left_out[0].minutes > budget
            assert cut.next_step_minutes == cut.left_out[0].minutes
            if not cut.steps:  # an empty path said nothing of why
                assert cut.summary.startswith(
                    f"No step fits in {budget} minute{'' if budget == 1 else 's'}: the first, "
                    f"{cut.left_out[0].concept}, needs {cut.left_out[0].minutes} minute"
                )
        else:
            assert cut.next_step_minutes is None
        kept = {s.concept for s in cut.steps}
        assumed = {a.concept for a in cut.assumed}
        for step in cut.steps:
            assert all(p in kept or p in assumed for p in case.dag.pred[step.concept])
        left = {s.concept for s in cut.left_out}
        assert set(cut.unreached_targets) == {t for t in case.targets if t in left}


class TestPlanLearningPathOrder:
    """How ties are broken: chains finished one at a time, cheapest first."""

    def test_finishes_a_chain_before_starting_another(self) -> None:
        # goal needs two chains: a1 -> a2 -> a3 and b1 -> b2.
        dag: nx.DiGraph[str] = nx.DiGraph([("a1", "a2"), ("a2", "a3"), ("a3", "goal"), ("b1", "b2"), ("b2", "goal")])
        steps = [s.concept for s in plan_learning_path(dag, ["goal"], {}).steps]
        assert steps == ["a1", "a2", "a3", "b1", "b2", "goal"]  # each chain kept whole (equal roots: by id)

    def test_goes_on_with_what_the_last_step_made_ready(self) -> None:
        # After "base", "next" (built on it) comes before the unrelated, cheaper "other".
        dag: nx.DiGraph[str] = nx.DiGraph([("base", "next"), ("next", "goal"), ("other", "goal")])
        minutes = {"base": [MaterialFacts("b", "exercise", 1, 1)], "other": [MaterialFacts("o", "exercise", 1, 5)]}
        path = plan_learning_path(dag, ["goal"], {}, materials_of=lambda c: minutes.get(c, []))
        assert [s.concept for s in path.steps] == ["base", "next", "other", "goal"]

    def test_cheapest_route_first(self) -> None:
        dag: nx.DiGraph[str] = nx.DiGraph([("long", "goal"), ("short", "goal")])
        minutes = {"long": [MaterialFacts("l", "exercise", 1, 40)], "short": [MaterialFacts("s", "exercise", 1, 5)]}
        path = plan_learning_path(dag, ["goal"], {}, materials_of=lambda c: minutes.get(c, []))
        assert [s.concept for s in path.steps] == ["short", "long", "goal"]

    def test_shared_prerequisite_once_for_several_targets(self) -> None:
        dag: nx.DiGraph[str] = nx.DiGraph([("base", "t1"), ("base", "t2")])
        path = plan_learning_path(dag, ["t1", "t2"], {})
        assert [s.concept for s in path.steps] == ["base", "t1", "t2"]
        assert path.steps[0].leads_to == ("t1", "t2")
        assert path.steps[0].reason == "Needed for t1 (your target), and on the way to t2 (your target). " + (
            "Predicted mastery 0%, below 80%."
        )
        assert path.summary == "3 steps, about 30 minutes, toward your targets: t1 and t2."

    def test_struggling_brings_back_a_mastered_prerequisite(self) -> None:
        dag: nx.DiGraph[str] = nx.DiGraph([("fractions", "ratios"), ("ratios", "goal")])
        mastery = {"fractions": 0.9}
        assert [s.concept for s in plan_learning_path(dag, ["goal"], mastery).steps] == ["ratios", "goal"]
        path = plan_learning_path(dag, ["goal"], mastery, struggling={"ratios"})
        assert [s.concept for s in path.steps] == ["fractions", "ratios", "goal"]
        assert path.steps[0].revisit
        assert "keep missing ratios" in path.steps[0].reason

    def test_a_concept_failed_again_and_again_is_a_step_whatever_its_estimate(self) -> None:
        # Three wrong answers left slope at 0.84: the walk stopped there, and its prerequisites never came back.
        dag: nx.DiGraph[str] = nx.DiGraph([("fractions", "ratios"), ("ratios", "goal")])
        mastery = {"fractions": 0.9, "ratios": 0.84, "goal": 0.3}
        assert [s.concept for s in plan_learning_path(dag, ["goal"], mastery).steps] == ["goal"]
        path = plan_learning_path(dag, ["goal"], mastery, struggling={"ratios"})
        assert [(s.concept, s.revisit) for s in path.steps] == [("fractions", True), ("ratios", True), ("goal", False)]
        ratios = path.steps[1]
        assert ratios.mastery == 0.84  # shown as predicted
        assert ratios.reason.startswith("You keep getting ratios wrong.")
        assert "Predicted mastery 84%, counted as 42% after repeated wrong answers." in ratios.reason
        assert plan_learning_path(dag, ["ratios"], mastery, struggling={"ratios"}).mastered_targets == ()

    def test_a_doubted_prerequisite_names_its_target_once_and_says_whose_wrong_answers(self) -> None:
        # learningPath(["exponent_laws", "slope"]) after 3 wrong answers on Laws of Exponents said: "...revisit it
        # first. Needed for Laws of Exponents, on the way to Laws of Exponents and Slope (your target). Predicted
        # mastery 87%, counted as 43% after repeated wrong answers." (never wrong on Exponents and Powers itself).
        dag: nx.DiGraph[str] = nx.DiGraph([("powers", "laws"), ("powers", "ratios"), ("ratios", "slope")])
        labels = {"powers": "Exponents and Powers", "laws": "Laws of Exponents", "ratios": "Ratios", "slope": "Slope"}
        nx.set_node_attributes(dag, labels, "label")
        path = plan_learning_path(dag, ["laws", "slope"], {"powers": 0.87, "laws": 0.3}, struggling={"laws"})
        powers = next(s for s in path.steps if s.concept == "powers")
        assert powers.reason == (
            "You keep missing Laws of Exponents, which builds on Exponents and Powers: revisit Exponents and Powers "
            "first. Needed for Laws of Exponents (your target), and on the way to Slope (your target). "
            "Predicted mastery 87%, counted as 43% after wrong answers on Laws of Exponents."
        )
        assert (powers.mastery, powers.planned_mastery, powers.struggling, powers.doubted_by) == (
            0.87,
            0.435,
            False,
            "laws",
        )
        laws = next(s for s in path.steps if s.concept == "laws")
        assert laws.reason == (
            "You keep getting Laws of Exponents wrong. Laws of Exponents is one of your targets. "
            "Predicted mastery 30%, counted as 15% after repeated wrong answers."
        )
        assert (laws.struggling, laws.doubted_by, laws.planned_mastery) == (True, None, 0.15)
        ratios = next(s for s in path.steps if s.concept == "ratios")
        assert ratios.reason == "Needed for Slope (your target). Predicted mastery 0%, below 80%."
        assert (ratios.planned_mastery, ratios.struggling) == (0.0, False)

    def test_many_targets_are_named_once_in_the_summary_not_in_every_step(self) -> None:
        # Five targets made every step say "on the way to Ratios and Proportions, Adding and Subtracting Fractions,
        # Least Common Multiple, Factors and Multiples and Percents (your target)": 26 words, 40 times.
        labels = {
            "ratios": "Ratios and Proportions",
            "fractions": "Adding and Subtracting Fractions",
            "lcm": "Least Common Multiple",
            "factors": "Factors and Multiples",
            "percents": "Percents",
        }
        dag: nx.DiGraph[str] = nx.DiGraph([("base", t) for t in labels] + [("factors", "lcm"), ("lcm", "fractions")])
        nx.set_node_attributes(dag, {**labels, "base": "Integers"}, "label")
        path = plan_learning_path(dag, list(labels), {})
        assert path.summary == (
            "6 steps, about 60 minutes, toward your targets: Ratios and Proportions; Adding and Subtracting "
            "Fractions; Least Common Multiple; Factors and Multiples; and Percents."
        )
        reasons = {s.concept: s.reason for s in path.steps}
        assert reasons["base"] == (
            "Needed for Factors and Multiples (your target), and on the way to all 4 of your other targets. "
            "Predicted mastery 0%, below 80%."
        )
        assert reasons["factors"] == (
            "Factors and Multiples is one of your targets. It also leads to Adding and Subtracting Fractions, plus "
            "1 other target. Predicted mastery 0%, below 80%."
        )
        assert reasons["lcm"].startswith("Least Common Multiple is one of your targets. It also leads to Adding and ")
        assert reasons["percents"] == "Percents is one of your targets. Predicted mastery 0%, below 80%."

    def test_a_budget_smaller_than_the_first_step_says_so(self) -> None:
        # maxMinutes: 5 gave steps: [], totalMinutes: 0 and no word of why (the first step needs 14 minutes).
        dag: nx.DiGraph[str] = nx.DiGraph([("base", "slope")])
        nx.set_node_attributes(dag, {"base": "Integers", "slope": "Slope"}, "label")
        materials = {"base": [MaterialFacts("b", "exercise", 1, 14)], "slope": [MaterialFacts("s", "exercise", 1, 9)]}
        path = plan_learning_path(dag, ["slope"], {}, materials_of=lambda c: materials[c], max_minutes=5)
        assert (path.steps, path.total_minutes, path.next_step_minutes) == ((), 0, 14)
        assert path.summary == (
            "No step fits in 5 minutes: the first, Integers, needs 14 minutes. The path has 2 steps toward your "
            "target: Slope."
        )
        cut = plan_learning_path(dag, ["slope"], {}, materials_of=lambda c: materials[c], max_minutes=20)
        assert [s.concept for s in cut.steps] == ["base"]
        assert cut.summary == (
            "1 step, about 14 minutes, toward your target: Slope. 1 more step did not fit in 20 minutes: the next, "
            "Slope, needs 9 minutes. Not reached in that time: Slope."
        )
        done = plan_learning_path(dag, ["slope"], {"base": 0.9, "slope": 0.9})
        assert done.summary == "Nothing to study: you have already mastered Slope (90%)."
        assert done.target_mastery == (("slope", 0.9, 0.9),)
        assert done.next_step_minutes is None

    def test_unknown_target_and_bad_arguments_are_refused(self) -> None:
        dag: nx.DiGraph[str] = nx.DiGraph([("a", "b")])
        with pytest.raises(ConceptNotFound):
            plan_learning_path(dag, ["nope"], {})
        with pytest.raises(InvalidInput):
            plan_learning_path(dag, [], {})
        with pytest.raises(InvalidInput):
            plan_learning_path(dag, ["b"], {}, threshold=1.5)
        with pytest.raises(InvalidInput):
            plan_learning_path(dag, ["b"], {}, max_minutes=-1)
