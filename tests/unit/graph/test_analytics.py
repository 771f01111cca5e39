"""Cohort figures on small hand-made inputs: exact values, and suppression below k."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import networkx as nx
import numpy as np
import pytest

from bench.risk_loop import at_risk_loop
from graph.analytics import (
    MAX_BINS,
    MAX_TREND_POINTS,
    ConceptDifficulty,
    Trend,
    at_risk,
    bin_edges,
    bucket_start,
    concept_difficulty,
    concept_mastery,
    mastery_by_concept,
    mastery_trend,
    most_stuck,
    trend,
    trend_events,
    visible,
)
from graph.errors import InvalidInput
from graph.model import UNTIMED_EPOCH, Attempt

NAN = float("nan")
T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)  # a Monday


def history(student: str, scores: list[float], concept: str = "a", *, days: int = 0) -> list[Attempt]:
    return [
        Attempt(f"{student}-{concept}-{i}", student, T0 + timedelta(days=days, minutes=i), s, concepts=(concept,))
        for i, s in enumerate(scores)
    ]


class TestVisible:
    def test_the_rule(self) -> None:
        # zero is a count under k too: shown beside withheld small cells, it told them apart
        assert [visible(n, 5) for n in (0, 1, 4, 5, 50)] == [False, False, False, True, True]
        assert visible(1, None)
        assert visible(1, 0)
        assert visible(1, 1)


class TestConceptMastery:
    def test_exact_figures(self) -> None:
        s = concept_mastery("a", [0.0, 0.2, 0.4, 0.6, 0.8, 1.0, NAN], bins=5, threshold=0.6)
        assert s.students == 6
        assert s.mean == pytest.approx(0.5)
        assert (s.q1, s.median, s.q3) == pytest.approx((0.25, 0.5, 0.75))
        assert s.histogram == (1, 1, 1, 1, 2)  # the last bin holds 1.0
        assert s.at_or_above == pytest.approx(0.5)
        assert not s.suppressed

    def test_no_estimates(self) -> None:
        s = concept_mastery("a", [NAN, NAN], bins=3)
        assert (s.students, s.mean, s.histogram, s.at_or_above, s.suppressed) == (0, None, (0, 0, 0), None, False)
        hidden = concept_mastery("a", [NAN, NAN], bins=2, min_cell=5)  # "none of them" is about each of them
        assert (hidden.students, hidden.histogram, hidden.suppressed) == (None, None, True)

    def test_five_students_cannot_be_told_apart(self) -> None:
        # An analyst read each of five students' values off q1/median/q3 and a 100-bin
        # histogram whose empty bins said 0 and whose bins of one student said null.
        values = [0.264, 0.345, 0.676, 0.757, 0.839]
        with pytest.raises(InvalidInput, match="bins must divide 10"):
            concept_mastery("a", values, bins=100, min_cell=5)
        s = concept_mastery("a", values, bins=10, min_cell=5)
        assert s.students == 5
        assert s.histogram == (None,) * 10
        assert s.mean == s.q1 == s.median == s.q3 == 0.58  # each the mean of the 5 nearest values, rounded
        assert s.suppressed

    def test_quartiles_are_means_of_disjoint_groups_and_are_rounded(self) -> None:
        values = [i / 100 for i in range(1, 21)]  # 0.01 .. 0.20: four groups of five
        s = concept_mastery("a", values, bins=2, min_cell=5)
        assert (s.q1, s.median, s.q3) == (0.08, 0.13, 0.13)  # the groups holding ranks 5, 10 and 14
        assert s.mean == 0.1  # 0.105 rounded to two decimals

    def test_six_students_give_away_no_extreme(self) -> None:
        # Q1 and Q3 were the means of the lowest and the highest five: 6 x mean - 5 x Q3 was the lowest value.
        values = [0.349, 0.55, 0.6, 0.62, 0.7, 0.878]
        s = concept_mastery("a", values, bins=2, threshold=0.5, min_cell=5)
        assert s.q1 == s.median == s.q3 == s.mean == 0.62
        assert (s.histogram, s.at_or_above) == ((None, None), None)  # a bin of 5 of 6 said one was below it

    def test_members_without_an_estimate_are_none_or_enough(self) -> None:
        # Six members, five estimates: "students 5" beside the cohort's size said one member had none.
        s = concept_mastery("a", [0.1, 0.2, 0.3, 0.4, 0.5, NAN], bins=2, min_cell=5)
        assert (s.students, s.mean, s.suppressed) == (None, 0.3, True)
        full = concept_mastery("a", [0.1] * 5 + [0.9] * 5, bins=2, min_cell=5)
        assert (full.students, full.histogram) == (10, (5, 5))  # every member counted: nobody left out
        s = concept_mastery("a", [0.1] * 5 + [0.9] * 5 + [NAN] * 2, bins=2, min_cell=5)
        assert s.students is None
        assert None in s.histogram, "shown bins summing to the withheld count would give it away"

    def test_days_and_weeks_start_at_the_schools_midnight(self) -> None:
        # Chicago homework at 8 pm on Sunday 8 March is 02:00 UTC on Monday: in UTC it fell in the next week.
        chicago = ZoneInfo("America/Chicago")
        sunday_evening = datetime(2026, 3, 9, 2, 0, tzinfo=UTC)
        monday_noon = datetime(2026, 3, 9, 17, 0, tzinfo=UTC)
        h = {"s": [Attempt("1", "s", sunday_evening, 0.0, concepts=("a",)),
                   Attempt("2", "s", monday_noon, 1.0, concepts=("a",))]}  # fmt: skip
        assert [p.attempts for p in mastery_trend(h, "a", "week")] == [2]
        weeks = mastery_trend(h, "a", "week", zone=chicago)
        assert [(p.start.isoformat(), p.attempts) for p in weeks] == [
            ("2026-03-02T00:00:00-06:00", 1), ("2026-03-09T00:00:00-05:00", 1),
        ]  # fmt: skip

    def test_a_day_across_the_clock_change_is_one_bucket(self) -> None:
        # 8 March 2026 has 23 hours in Chicago: counted in hours, the next day began at 1 am, and
        # an answer at 00:30 on the 9th was counted on the 8th.
        chicago = ZoneInfo("America/Chicago")
        first = datetime(2026, 3, 8, 7, 0, tzinfo=UTC)  # 01:00 on the 8th in Chicago
        after_midnight = datetime(2026, 3, 9, 5, 30, tzinfo=UTC)  # 00:30 on the 9th
        h = {"s": [Attempt("1", "s", first, 1.0, concepts=("a",)), Attempt("2", "s", after_midnight, 0.0,
                                                                          concepts=("a",))]}  # fmt: skip
        days = mastery_trend(h, "a", "day", zone=chicago)
        assert [(p.start.isoformat(), p.attempts) for p in days] == [
            ("2026-03-08T00:00:00-06:00", 1), ("2026-03-09T00:00:00-05:00", 1),
        ]  # fmt: skip

    def test_suppression_below_k(self) -> None:
        few = concept_mastery("a", [0.5] * 4, min_cell=5)
        assert (few.students, few.mean, few.median, few.histogram, few.suppressed) == (None, None, None, None, True)
        enough = concept_mastery("a", [0.1] * 6 + [0.95] * 2, bins=2, threshold=0.9, min_cell=5)
        assert enough.students == 8
        assert enough.mean is not None
        assert enough.histogram == (None, None)  # 6 of 8 in a bin: the other two are a cell under k
        assert enough.at_or_above is None  # 2 students above the threshold: a cell under k
        assert enough.suppressed

    def test_share_is_shown_when_both_sides_are_big_enough(self) -> None:
        s = concept_mastery("a", [0.1] * 5 + [0.9] * 5, bins=2, min_cell=5)
        assert (s.histogram, s.at_or_above, s.suppressed) == ((5, 5), 0.5, False)

    def test_a_threshold_swept_finely_is_refused(self) -> None:
        # An analyst binary-searched the threshold where the share flipped between shown and
        # withheld: 161 queries gave the 5th and 6th highest estimates to six decimals.
        with pytest.raises(InvalidInput, match="not a multiple of 0.1") as refused:
            concept_mastery("a", [0.5] * 10, threshold=0.6262, min_cell=5)
        assert refused.value.field == "threshold"
        assert concept_mastery("a", [0.5] * 10, threshold=0.6262).students == 10  # teachers see their students

    def test_a_threshold_a_hair_off_the_grid_is_refused(self) -> None:
        # 0.30000000001 passed a 1e-9 margin: beside 0.3 it told apart the students stored at exactly 0.3.
        values = [0.3] * 2 + [0.1] * 5 + [0.9] * 5
        with pytest.raises(InvalidInput, match="not a multiple of 0.1") as refused:
            concept_mastery("a", values, threshold=0.30000000001, min_cell=5)
        assert refused.value.field == "threshold"
        assert concept_mastery("a", values, threshold=0.3, min_cell=5).students == 12

    @pytest.mark.parametrize("seed", range(40))
    def test_no_two_shown_figures_differ_by_fewer_than_k_students(self, seed: int) -> None:
        """Every bin and share of every allowed query, together: the counts they fix are k apart."""
        rng = np.random.default_rng(seed)
        k = 5
        size = int(rng.integers(5, 40))
        values = np.clip(rng.beta(rng.uniform(0.5, 5), rng.uniform(0.5, 5), size), 0, 1)
        if seed % 4 == 0:
            values = np.round(values, 1)  # values on the grid's edges
        missing = [NAN] * int(rng.integers(0, 3)) if seed % 3 == 0 else []
        below = {0, size} if not missing else {0}  # students under an edge, for every edge a figure fixes
        for bins in (1, 2, 5, 10):
            for t in range(11):
                s = concept_mastery("a", [*values, *missing], bins=bins, threshold=t / 10, min_cell=k)
                for b, count in enumerate(s.histogram or ()):
                    if count is not None:
                        low = int(np.count_nonzero(values < b / bins))
                        below |= {low, low + count}
                if s.at_or_above is not None:
                    below.add(size - int(np.count_nonzero(values >= t / 10)))
        fixed = sorted(below)
        gaps = [b - a for a, b in zip(fixed, fixed[1:], strict=False)]
        assert all(gap >= k for gap in gaps), (fixed, sorted(values))


class TestMasteryByConcept:
    def test_columns(self) -> None:
        m = np.array([[0.2, NAN, 0.5], [0.4, NAN, 0.5]])
        rows = mastery_by_concept(["a", "b", "c"], m, bins=2)
        assert [(r.concept, r.students, r.mean) for r in rows] == [("a", 2, pytest.approx(0.3)), ("b", 0, None),
                                                                    ("c", 2, 0.5)]  # fmt: skip

    def test_shape_must_match(self) -> None:
        with pytest.raises(InvalidInput):
            mastery_by_concept(["a"], np.zeros((2, 2)))
        with pytest.raises(InvalidInput):
            bin_edges(0)

    def test_bins_are_bounded(self) -> None:
        # A bin is a count per concept: two billion of them ran the server out of memory.
        assert len(bin_edges(MAX_BINS)) == MAX_BINS + 1
        with pytest.raises(InvalidInput, match="between 1 and 100") as refused:
            bin_edges(2_000_000_000)
        assert refused.value.field == "bins"


class TestConceptDifficulty:
    def test_exact_figures(self) -> None:
        rows = concept_difficulty(
            {
                "s1": history("s1", [1, 1, 1]) + history("s1", [0], "b"),
                "s2": history("s2", [0, 1, 0, 1, 1, 1]),
                "s3": history("s3", [0, 0, 1, 0]),
                "s4": history("s4", [1]),
            },
            streak=3,
            stuck_after=4,
        )
        a, b = rows
        assert (a.concept, a.students, a.first_attempt_success, a.mastered) == ("a", 4, 0.5, 2)
        assert (a.attempts_to_mastery, a.median_attempts_to_mastery) == (4.5, 4.5)
        assert (a.stuck, a.stuck_share) == (1, 0.25)
        assert (b.concept, b.students, b.first_attempt_success, b.mastered, b.attempts_to_mastery) == (
            "b",
            1,
            0.0,
            0,
            None,
        )

    def test_six_of_seven_mastered_is_withheld_with_the_one_left(self) -> None:
        # mastered 6 beside students 7 said exactly one student attempted it and did not get there; and the
        # mean and median of six counts gave the sixth count exactly (6 x 3.17 - 5 x 3.0 = 4).
        histories = {f"s{i}": history(f"s{i}", [1, 1, 1] if i < 5 else [0, 1, 1, 1]) for i in range(6)}
        histories["s6"] = history("s6", [0, 0])
        [row] = concept_difficulty(histories, min_cell=5)
        assert (row.students, row.mastered, row.stuck, row.suppressed) == (7, None, None, True)
        # shown, an average over those who got there says at least five did: withheld with their count
        assert (row.attempts_to_mastery, row.median_attempts_to_mastery) == (None, None)

    def test_counts_of_members_leave_none_or_enough_members_out(self) -> None:
        # Cohort of six, five attempted: students 5 beside the cohort's size said one had not; and an average of
        # 3.0 attempts to mastery over them said all five got there in three.
        histories = {f"s{i}": history(f"s{i}", [1, 1, 1]) for i in range(5)} | {"s5": []}
        [row] = concept_difficulty(histories, min_cell=5)
        assert (row.students, row.mastered, row.attempts_to_mastery, row.suppressed) == (None, None, None, True)
        everyone = {f"s{i}": history(f"s{i}", [1, 1, 1] if i < 5 else [0] * 5) for i in range(10)}
        [row] = concept_difficulty(everyone, min_cell=5)
        assert (row.students, row.mastered, row.attempts_to_mastery, row.stuck) == (10, 5, 3.0, 5)

    def test_asked_concepts_in_order_even_unattempted(self) -> None:
        rows = concept_difficulty({"s1": history("s1", [1])}, ["z", "a"])
        assert [(r.concept, r.students) for r in rows] == [("z", 0), ("a", 1)]

    def test_suppression_below_k(self) -> None:
        histories = {f"s{i}": history(f"s{i}", [1, 1, 1] if i < 4 else [0, 0, 0, 0, 0]) for i in range(6)}
        [row] = concept_difficulty(histories, min_cell=5)
        assert row.students == 6
        assert row.mastered is None
        assert row.attempts_to_mastery is None
        assert row.stuck is None
        assert row.stuck_share is None
        assert row.first_attempt_success is None  # 4 right first, 2 wrong
        assert row.suppressed
        [tiny] = concept_difficulty({"s1": history("s1", [1])}, ["a"], min_cell=5)
        assert (tiny.students, tiny.suppressed) == (None, True)
        # unasked, the withheld row named the concepts a one-member cohort had attempted
        assert concept_difficulty({"s1": history("s1", [1])}, min_cell=5) == []


class TestMostStuck:
    def test_ranks_by_stuck_share_then_first_attempt_success(self) -> None:
        rows = [
            ConceptDifficulty("a", 10, 0.9, stuck_share=0.2),
            ConceptDifficulty("b", 10, 0.1, stuck_share=0.2),
            ConceptDifficulty("c", 10, 0.5, stuck_share=None, suppressed=True),
            ConceptDifficulty("d", 10, 0.5, stuck_share=0.4),
        ]
        assert [r.concept for r in most_stuck(rows, 2)] == ["d", "b"]


class TestAtRisk:
    @pytest.fixture
    def dag(self) -> nx.DiGraph[str]:
        return nx.DiGraph([("add", "sub"), ("add", "mul"), ("sub", "eq"), ("mul", "eq")])

    def test_names_students_and_their_weak_prerequisites(self, dag: nx.DiGraph[str]) -> None:
        estimates = {
            "s1": {"add": 0.9, "sub": 0.2, "mul": 0.3},
            "s2": {"add": 0.1},
            "s3": {"eq": 0.85},
            "s4": {},
            "s5": {"add": 0.9, "sub": 0.9, "mul": 0.9},
        }
        [eq] = at_risk(dag, estimates, ["eq"], threshold=0.8)
        assert (eq.target, eq.students_at_risk, eq.mastered) == ("eq", 2, 1)
        assert eq.students is not None
        assert [(s.student, [(w.concept, w.probability) for w in s.weak]) for s in eq.students] == [
            ("s1", [("mul", 0.3), ("sub", 0.2)]),  # nearest first, then by id
            ("s2", [("add", 0.1)]),
        ]
        assert [(b.concept, b.students) for b in eq.blocking] == [("add", 1), ("mul", 1), ("sub", 1)]

    def test_missing_estimates_can_count_as_weak(self, dag: nx.DiGraph[str]) -> None:
        [eq] = at_risk(dag, {"s4": {}}, ["eq"], missing_is_weak=True)
        assert eq.students is not None
        assert [w.concept for w in eq.students[0].weak] == ["mul", "sub", "add"]
        assert eq.students[0].weak[0].probability is None

    def test_aggregates_only_with_min_cell(self, dag: nx.DiGraph[str]) -> None:
        estimates = {f"s{i}": {"add": 0.1 if i < 6 else 0.9, "mul": 0.1 if i == 0 else 0.9} for i in range(12)}
        [mul] = at_risk(dag, estimates, ["eq"], min_cell=5)
        assert mul.students is None
        assert mul.students_at_risk == 6
        assert mul.mastered is None  # 0 mastered: under k, as any count
        # sub blocks no one and mul one student: both withheld alike, by id (a zero was left out, and the
        # withheld entries were ordered by their hidden counts)
        assert [(b.concept, b.students) for b in mul.blocking] == [("add", 6), ("mul", None), ("sub", None)]
        assert mul.suppressed
        # 6 of 8 at risk: the other 2 are a count too, under k, as the cohort's size is public
        [rest] = at_risk(dag, dict(list(estimates.items())[:8]), ["eq"], min_cell=5)
        assert rest.students_at_risk is None
        [few] = at_risk(dag, {"s1": {"add": 0.1}}, ["eq"], min_cell=5)
        assert (few.students_at_risk, few.students) == (None, None)
        assert {b.students for b in few.blocking} == {None}, "every prerequisite is listed, its count withheld"


class TestAtRiskMatchesTheLoop:
    """The vectorised ``atRisk`` gives the figures of the per-student loop it replaced, to the last count."""

    @pytest.mark.parametrize("seed", range(6))
    def test_random_cohorts(self, seed: int) -> None:
        rng = np.random.default_rng(seed)
        dag = nx.gn_graph(12, seed=seed).reverse()  # a random DAG: edges prerequisite -> concept
        dag = nx.relabel_nodes(dag, {n: f"c{n}" for n in dag})
        concepts = sorted(dag)
        # students listed out of key order, some with no estimate of a concept, some with none at all
        estimates = {
            f"s{rng.integers(10_000)}": {
                c: float(round(rng.beta(2, 1.5), int(rng.integers(1, 4)))) for c in concepts if rng.random() < 0.7
            }
            for _ in range(int(rng.integers(1, 80)))
        }
        estimates["lonely"] = {}
        targets = [*rng.choice(concepts, size=4, replace=False).tolist(), "outside_the_dag"]
        for threshold in (0.3, 0.8):
            for missing_is_weak in (False, True):
                expected = at_risk_loop(dag, estimates, targets, threshold=threshold, missing_is_weak=missing_is_weak)
                got = at_risk(dag, estimates, targets, threshold=threshold, missing_is_weak=missing_is_weak)
                assert got == expected
            for k in (3, 5):
                expected = at_risk_loop(dag, estimates, targets, threshold=threshold, min_cell=k)
                assert at_risk(dag, estimates, targets, threshold=threshold, min_cell=k) == expected


class TestAtRiskAcrossThresholds:
    """Counts at a threshold, swept over the grid, must not tell apart fewer than k students."""

    DAG = nx.DiGraph([("add", "eq")])

    def test_mastered_swept_over_thresholds_rebuilt_the_histogram(self) -> None:
        # atRisk's mastered checked only itself and the rest: 5, 6, 9, 13 at 0.9, 0.8, 0.7, 0.5 placed one
        # student in [0.8, 0.9) and three in [0.7, 0.8), where cohortMastery withholds every such bin.
        values = [0.95] * 5 + [0.85] + [0.75] * 3 + [0.65] * 4 + [0.1] * 5
        estimates = {f"s{i:02d}": {"eq": v, "add": 0.1} for i, v in enumerate(values)}
        shown = {t / 10: at_risk(self.DAG, estimates, ["eq"], threshold=t / 10, min_cell=5)[0].mastered
                 for t in range(11)}  # fmt: skip
        assert (shown[0.9], shown[0.8], shown[0.7], shown[0.5]) == (None, 6, None, 13)
        assert {m for m in shown.values() if m is not None} == {6, 13}
        for t, m in shown.items():
            share = concept_mastery("eq", values, threshold=t, min_cell=5).at_or_above
            assert (m is None) == (share is None), t

    @pytest.mark.parametrize("seed", range(30))
    def test_mastered_is_shown_exactly_where_at_or_above_is(self, seed: int) -> None:
        rng = np.random.default_rng(seed)
        size = int(rng.integers(5, 40))
        values = np.round(np.clip(rng.beta(rng.uniform(0.5, 5), rng.uniform(0.5, 5), size), 0, 1), 2)
        missing = int(rng.integers(0, 3)) if seed % 3 == 0 else 0
        estimates: dict[str, dict[str, float]] = {f"s{i:02d}": {"eq": float(v)} for i, v in enumerate(values)}
        estimates |= {f"m{i}": {} for i in range(missing)}
        counts = {0, size}
        for t in range(11):
            [row] = at_risk(self.DAG, estimates, ["eq"], threshold=t / 10, min_cell=5)
            share = concept_mastery("eq", [*values, *[NAN] * missing], threshold=t / 10, min_cell=5).at_or_above
            assert (row.mastered is None) == (share is None), (t, sorted(values))
            if row.mastered is not None:
                counts.add(row.mastered)
        fixed = sorted(counts)
        assert all(b - a >= 5 for a, b in zip(fixed, fixed[1:], strict=False)), fixed


class TestRemainders:
    """What one answer leaves between its counts, by subtraction, is none or at least k students."""

    def test_difficulty_students_less_mastered_less_stuck(self) -> None:
        # students 25, mastered 15, stuck 7 (nothing withheld): three students had tried and done neither.
        scores = [[1, 1, 1]] * 15 + [[0] * 5] * 7 + [[0]] * 3
        histories = {f"s{i:02d}": history(f"s{i:02d}", s) for i, s in enumerate(scores)}
        [row] = concept_difficulty(histories, min_cell=5)
        assert (row.students, row.mastered, row.attempts_to_mastery, row.stuck, row.suppressed) == (
            25, None, None, 7, True,
        )  # fmt: skip
        enough = {**histories, **{f"t{i}": history(f"t{i}", [0]) for i in range(2)}}  # five did neither
        [row] = concept_difficulty(enough, min_cell=5)
        assert (row.students, row.mastered, row.stuck, row.suppressed) == (27, 15, 7, False)

    def test_at_risk_cohort_less_at_risk_less_mastered(self) -> None:
        # size 65, studentsAtRisk 54, mastered 10: one student was neither.
        dag = nx.DiGraph([("add", "eq")])
        estimates = {f"m{i}": {"eq": 0.9, "add": 0.9} for i in range(10)}
        estimates |= {f"r{i:02d}": {"add": 0.1} for i in range(49)} | {
            f"w{i}": {"eq": 0.2, "add": 0.1} for i in range(5)
        }
        estimates["n0"] = {"add": 0.9}
        [row] = at_risk(dag, estimates, ["eq"], min_cell=5)
        assert (row.students_at_risk, row.mastered, row.suppressed) == (None, 10, True)
        assert [(b.concept, b.students) for b in row.blocking] == [("add", None)]
        estimates |= {f"n{i}": {"add": 0.9} for i in range(1, 5)}  # five neither
        [row] = at_risk(dag, estimates, ["eq"], min_cell=5)
        assert (row.students_at_risk, row.mastered, row.suppressed) == (54, 10, False)

    def test_at_risk_less_a_prerequisites_count(self) -> None:
        # studentsAtRisk 31, blocking 30 for add: one at-risk student was weak on sub alone.
        dag = nx.DiGraph([("add", "eq"), ("sub", "eq")])
        estimates = {f"a{i:02d}": {"add": 0.1, "sub": 0.9} for i in range(30)}
        estimates |= {"b0": {"add": 0.9, "sub": 0.1}} | {f"c{i}": {"add": 0.9, "sub": 0.9} for i in range(9)}
        [row] = at_risk(dag, estimates, ["eq"], min_cell=5)
        assert row.students_at_risk == 31
        assert [(b.concept, b.students) for b in row.blocking] == [("add", None), ("sub", None)]
        assert row.suppressed

    @pytest.mark.parametrize("seed", range(30))
    def test_at_risk_counts_across_thresholds_leave_none_or_k(self, seed: int) -> None:
        """Every shown count of every threshold, with the cohort and cohortMastery's: no remainder of 1..k-1."""
        rng = np.random.default_rng(seed)
        dag = nx.DiGraph([("p", "t"), ("q", "t")])
        size, k = int(rng.integers(10, 60)), 5
        estimates: dict[str, dict[str, float]] = {}
        for i in range(size):
            row = {c: round(float(rng.beta(2, 2)), 2) for c in ("t", "p", "q") if rng.random() < 0.8}
            estimates[f"s{i:02d}"] = row
        held = [e["t"] for e in estimates.values() if "t" in e]
        mastered = {}  # threshold -> shown count, here and from cohortMastery
        rows = {}
        for g in range(11):
            t = g / 10
            [rows[t]] = at_risk(dag, estimates, ["t"], threshold=t, min_cell=k)
            share = concept_mastery("t", [*held, *[NAN] * (size - len(held))], threshold=t, min_cell=k).at_or_above
            if share is not None or rows[t].mastered is not None:
                mastered[t] = sum(v >= t for v in held)
        for t2, row in rows.items():
            if row.students_at_risk is None:
                continue
            for t1, m in mastered.items():
                if t1 >= t2:  # mastered at t1 and at risk at t2 are apart
                    rest = size - m - row.students_at_risk
                    assert rest == 0 or rest >= k, (t1, t2, rest)
            for b in row.blocking:
                if b.students is not None:
                    assert row.students_at_risk - b.students in (0, *range(k, size + 1))
            for t1, other in rows.items():
                if other.students_at_risk is not None:
                    assert abs(other.students_at_risk - row.students_at_risk) in (0, *range(k, size + 1))
                for b1 in other.blocking if t1 <= t2 else ():  # weak at t1 <= t2: at risk at t2 too
                    if b1.students is not None:
                        assert row.students_at_risk - b1.students in (0, *range(k, size + 1))
                    same = next(b.students for b in row.blocking if b.concept == b1.concept)
                    if b1.students is not None and same is not None:
                        assert abs(same - b1.students) in (0, *range(k, size + 1))


class TestBucketStart:
    def test_day_week_month_in_utc(self) -> None:
        from datetime import timezone

        late = datetime(2026, 2, 1, 23, 30, tzinfo=timezone(timedelta(hours=-2)))  # Feb 2, 01:30 UTC, a Monday
        assert bucket_start(late, "day") == datetime(2026, 2, 2, tzinfo=UTC)
        assert bucket_start(late, "week") == datetime(2026, 2, 2, tzinfo=UTC)
        assert bucket_start(late, "month") == datetime(2026, 2, 1, tzinfo=UTC)
        with pytest.raises(InvalidInput):
            bucket_start(late, "year")  # type: ignore[arg-type]


class TestMasteryTrend:
    def test_weekly_buckets_with_gaps(self) -> None:
        histories = {
            "s1": history("s1", [0, 0]) + history("s1", [1, 1], days=14),
            "s2": history("s2", [1], days=1),
            "s3": history("s3", [1], "other"),
        }
        points = mastery_trend(histories, "a", "week", window=2, threshold=0.5)
        assert [p.start.date().isoformat() for p in points] == ["2026-01-05", "2026-01-12", "2026-01-19"]
        first, gap, last = points
        assert (first.attempts, first.active, first.success_rate) == (3, 2, pytest.approx(1 / 3))
        assert (first.students, first.rolling_success, first.mastered_share) == (2, 0.5, 0.5)
        assert (gap.attempts, gap.active, gap.success_rate, gap.students, gap.rolling_success) == (0, 0, None, 2, 0.5)
        assert (last.attempts, last.success_rate, last.rolling_success, last.mastered_share) == (2, 1.0, 1.0, 1.0)

    def test_months_roll_over_the_year(self) -> None:
        dec = datetime(2025, 12, 30, tzinfo=UTC)
        h = {"s": [Attempt("1", "s", dec, 1.0, concepts=("a",)), Attempt("2", "s", dec + timedelta(days=40), 0.0,
                                                                         concepts=("a",))]}  # fmt: skip
        assert [p.start.date().isoformat() for p in mastery_trend(h, "a", "month")] == [
            "2025-12-01", "2026-01-01", "2026-02-01",
        ]  # fmt: skip

    def test_suppression_below_k(self) -> None:
        # Twelve members: five start in week 1, two in week 2, five in week 3.
        days = [0] * 5 + [7] * 2 + [14] * 5
        histories = {f"s{i}": history(f"s{i}", [1], days=d) for i, d in enumerate(days)}
        week1, week2, week3 = mastery_trend(histories, "a", "week", min_cell=5)
        assert (week1.attempts, week1.active, week1.students) == (5, 5, 5)
        assert (week1.mastered_share, week1.suppressed) == (None, True)  # all 5 mastered: 0 below is under k
        assert (week2.attempts, week2.active, week2.success_rate) == (None, None, None)  # 2 active: under k
        # The group's figures moved with the 2 newcomers alone: 7 x week 2's mean less 5 x week 1's was theirs.
        assert (week2.students, week2.rolling_success, week2.suppressed) == (None, None, True)
        assert (week3.active, week3.students, week3.rolling_success) == (5, 12, 1.0)  # 7 moved since week 1

    def test_mastered_share_swept_over_thresholds_is_on_whole_cells(self) -> None:
        # masteredShare checked only its two sides: 6/11 at 0.5 and 5/11 at 0.7 said one student's rolling
        # success lay in [0.5, 0.7), as atRisk's mastered did for estimates.
        scores = [0.2] * 5 + [0.6] + [1.0] * 5
        histories = {f"s{i:02d}": history(f"s{i:02d}", [s]) for i, s in enumerate(scores)}
        shares = {t / 10: mastery_trend(histories, "a", min_cell=5, threshold=t / 10)[0].mastered_share
                  for t in range(11)}  # fmt: skip
        assert {t: v for t, v in shares.items() if v is not None} == {0.7: 0.45, 0.8: 0.45, 0.9: 0.45}
        assert shares[0.5] is None
        assert mastery_trend(histories, "a", threshold=0.5)[0].mastered_share == pytest.approx(6 / 11, abs=1e-9)

    def test_members_left_out_of_a_count_are_none_or_enough(self) -> None:
        # Seven members, five active: "active 5" beside the cohort's size said two were not.
        histories = {f"s{i}": history(f"s{i}", [1], days=0 if i < 5 else 7) for i in range(7)}
        [week2] = mastery_trend(histories, "a", "week", min_cell=5)  # week 1 shows nothing: left out
        assert (week2.active, week2.students, week2.rolling_success) == (None, 7, 1.0)  # 2 active; all 7 counted

    def test_a_student_moving_alone_is_not_told_by_the_next_point(self) -> None:
        # Six students over weeks 1-2, then one of them answers again: the group's figures moved by that one alone.
        histories = {f"s{i}": history(f"s{i}", [1], days=0) for i in range(6)}
        histories["s0"] = histories["s0"] + history("s0", [0], days=7)
        assert [p.rolling_success for p in mastery_trend(histories, "a", "week", threshold=0.6)] == [
            1.0,
            pytest.approx(11 / 12),
        ]
        [week1] = mastery_trend(histories, "a", "week", min_cell=5, threshold=0.6)  # week 2: withheld, left out
        assert (week1.students, week1.rolling_success) == (6, 1.0)

    def test_shown_points_differ_by_none_or_k_newcomers(self) -> None:
        # Week 2: four came back and two started (six moved, enough), so students went 10 -> 12: two newcomers.
        days = {f"s{i}": [0] + ([7] if i < 4 else []) for i in range(10)}
        days |= {"n0": [7], "n1": [7]} | {f"t{i}": [14] for i in range(5)}
        histories = {s: [a for d in ds for a in history(s, [1], days=d)] for s, ds in days.items()}
        points = mastery_trend(histories, "a", min_cell=5)
        assert [p.students for p in mastery_trend(histories, "a")] == [10, 12, 17]
        assert [p.students for p in points] == [10, None, 17]
        assert [p.active for p in points] == [10, 6, 5]

    def test_a_buckets_active_leaves_none_or_k_of_the_students_counted(self) -> None:
        # Week 2: five started and two came back (active 7, students 10 -> 15): two had come back, and 15 - 7
        # said eight had not; in week 3 all but two of 15 answered again.
        days = {f"s{i}": [0] + ([7] if i < 2 else []) for i in range(10)} | {f"n{i}": [7] for i in range(5)}
        for i in range(13):
            days[sorted(days)[i]].append(14)
        histories = {s: [a for d in ds for a in history(s, [1], days=d)] for s, ds in days.items()}
        assert [(p.active, p.students) for p in mastery_trend(histories, "a")] == [(10, 10), (7, 15), (13, 15)]
        points = mastery_trend(histories, "a", min_cell=5)
        assert [(p.active, p.students) for p in points] == [(10, 10), (None, 15), (None, 15)]

    def test_the_last_point_leaves_none_or_k_of_those_who_ever_attempted(self) -> None:
        # Fifteen members, five in September, four newcomers in October (withheld, left out), six never:
        # conceptDifficulty's 9 students less the September point's 5 were the four newcomers.
        histories = {f"s{i}": history(f"s{i}", [1]) for i in range(5)}
        histories |= {f"n{i}": history(f"n{i}", [1], days=30) for i in range(4)} | {f"z{i}": [] for i in range(6)}
        [row] = concept_difficulty(histories, min_cell=5)
        assert row.students == 9
        assert [p.students for p in mastery_trend(histories, "a", "week")] == [5, 5, 5, 5, 9]
        assert mastery_trend(histories, "a", "week", min_cell=5) == []  # nothing left to show: 9 - 5 = 4

    @pytest.mark.parametrize("seed", range(20))
    def test_no_count_of_students_in_a_trend_leaves_1_to_k_minus_1(self, seed: int) -> None:
        """Within one trend and beside conceptDifficulty's students: every remainder by subtraction is 0 or k+."""
        rng = np.random.default_rng(seed)
        k, weeks = 5, 8
        histories: dict[str, list[Attempt]] = {}
        for s in range(int(rng.integers(8, 40))):
            first, active = int(rng.integers(0, weeks + 2)), rng.uniform(0.3, 1)
            days = [7 * w for w in range(first, weeks) if w == first or rng.random() < active]
            histories[f"s{s:02d}"] = [
                a for d in days for a in history(f"s{s:02d}", [float(rng.random() < 0.6)], days=d)
            ]
        attempters = sum(1 for h in histories.values() if h)
        points = mastery_trend(histories, "a", min_cell=k)
        ok = (0, *range(k, 1000))
        counted = [p.students for p in points if p.students is not None] + [attempters]
        assert all(b - a in ok for a, b in zip(counted, counted[1:], strict=False)), counted
        for i, p in enumerate(points):
            if p.active is None:
                continue
            assert all(c - p.active in ok for c in [q.students for q in points[i:] if q.students] + [attempters])
            if i and p.students is not None and points[i - 1].students is not None:
                assert p.active - (p.students - (points[i - 1].students or 0)) in ok

    def test_withheld_points_at_either_end_are_left_out(self) -> None:
        # For a tiny cohort a fully withheld point still showed when its members were active.
        histories = {f"s{i}": history(f"s{i}", [1], days=7 if i < 5 else 0) for i in range(6)}
        assert len(mastery_trend(histories, "a", "week")) == 2
        [week2] = mastery_trend(histories, "a", "week", min_cell=5)
        assert (week2.attempts, week2.students) == (None, 6)  # 5 of 6 active: the one who was not is under k
        assert mastery_trend({"s": history("s", [1])}, "a", "week", min_cell=5) == []

    def test_nothing_attempted(self) -> None:
        assert mastery_trend({"s": history("s", [1], "b")}, "a") == []
        with pytest.raises(InvalidInput):
            mastery_trend({}, "a", window=0)

    def test_a_trend_past_the_point_limit_is_refused(self) -> None:
        # One attempt dated decades ahead would otherwise yield a point per empty day between.
        late = [Attempt("late", "s", T0 + timedelta(days=MAX_TREND_POINTS), 1.0, concepts=("a",))]
        histories = {"s": history("s", [1]) + late}
        with pytest.raises(InvalidInput, match="longer interval") as refused:
            mastery_trend(histories, "a", "day")
        assert refused.value.field == "interval"
        assert len(mastery_trend(histories, "a", "week")) == MAX_TREND_POINTS // 7 + 1
        fits = {"s": history("s", [1]) + history("s", [1], days=MAX_TREND_POINTS - 1)}
        assert len(mastery_trend(fits, "a", "day")) == MAX_TREND_POINTS

    def test_an_analysts_refusal_names_no_date(self) -> None:
        # "the attempts run from 2003-04-05 to 2026-10-28": the first date was one student's backdated attempt.
        early = [Attempt("early", "s0", T0 - timedelta(weeks=MAX_TREND_POINTS + 5), 1.0, concepts=("a",))]
        histories = {f"s{i}": history(f"s{i}", [1]) for i in range(6)}
        histories["s0"] = early + histories["s0"]
        with pytest.raises(InvalidInput) as refused:
            mastery_trend(histories, "a", "week", min_cell=5)
        assert refused.value.field == "interval"
        assert "more than 1000 points of one week" in refused.value.message
        assert not any(str(year) in refused.value.message for year in range(2000, 2030)), refused.value.message
        with pytest.raises(InvalidInput, match="run from 2006-"):
            mastery_trend(histories, "a", "week")  # an admin's keeps the dates

    def test_threshold_must_be_a_probability(self) -> None:
        with pytest.raises(InvalidInput, match="threshold 5"):
            mastery_trend({"s": history("s", [1])}, "a", threshold=5)

    def test_attempts_without_a_time_are_left_out_and_counted(self) -> None:
        # A log without times is dated from 1970 (one second apart): mixed with live attempts, a trend
        # by day or week ran from 1970 and was refused (more than 1,000 points); by month it said nothing.
        logged = [
            Attempt(f"log{i}", "s1", UNTIMED_EPOCH + timedelta(seconds=i), 0.0, concepts=("a",)) for i in range(3)
        ]
        histories = {"s1": logged + history("s1", [1, 1]), "s2": history("s2", [1], days=1)}
        found = trend(trend_events(histories, "a"), len(histories), "day", window=2)
        assert found.untimed == 3
        assert [(p.start.date().isoformat(), p.attempts, p.rolling_success) for p in found.points] == [
            ("2026-01-05", 2, 1.0),  # s1's rolling success leaves the untimed answers out too
            ("2026-01-06", 1, 1.0),
        ]
        assert mastery_trend(histories, "a", "day", window=2) == found.points
        assert trend(trend_events({"s1": logged}, "a"), 1, "week") == Trend([], 3)
        assert trend([], 1, "week") == Trend([], 0)
        with pytest.raises(InvalidInput):
            trend([], 1, "year")  # type: ignore[arg-type]

    def test_the_count_left_out_is_withheld_as_a_count_of_members_is(self) -> None:
        logged = {f"s{i}": [Attempt(f"log{i}", f"s{i}", UNTIMED_EPOCH, 1.0, concepts=("a",))] for i in range(5)}
        histories = {**logged, **{f"t{i}": history(f"t{i}", [1]) for i in range(5)}}
        events = trend_events(histories, "a")
        assert trend(events, 10, "week", min_cell=5).untimed == 5
        assert trend(events, 9, "week", min_cell=5).untimed is None  # the four members without them: under k
        assert trend(trend_events(dict(list(histories.items())[1:]), "a"), 9, "week", min_cell=5).untimed is None
        assert trend(trend_events(histories, "b"), 10, "week", min_cell=5).untimed is None  # none is under k too


def test_attempts_at_the_same_time_are_read_in_one_order_by_every_figure() -> None:
    # The trend broke the tie by score (wrong first), the difficulty by the history's order (time, then id):
    # one correct and one wrong answer gave a first-attempt success of 1.0 and a latest success of 1.0.
    at = datetime(2025, 5, 5, 10, tzinfo=UTC)
    history = {"s": [Attempt("1", "s", at, 1.0, concepts=("p",)), Attempt("2", "s", at, 0.0, concepts=("p",))]}
    [row] = concept_difficulty(history, streak=1)
    [point] = mastery_trend(history, "p", "day", window=1)
    assert row.first_attempt_success == 1.0
    assert point.rolling_success == 0.0


def test_a_negative_limit_or_streak_is_refused_with_its_field() -> None:
    with pytest.raises(InvalidInput) as caught:
        most_stuck([], limit=-1)
    assert caught.value.field == "limit"
    with pytest.raises(InvalidInput) as caught:
        concept_difficulty({}, stuck_after=0)
    assert (caught.value.field, caught.value.message) == ("stuckAfter", "stuckAfter must be at least 1, not 0")


def test_parameters_without_a_grid_are_fixed_under_suppression() -> None:
    # stuck after 1 attempt and after 2 differ by the students who made exactly one: 6 and 5 said one student.
    histories = {f"s{i}": history(f"s{i}", [0] * (1 if i == 0 else 6)) for i in range(6)}
    assert [r.stuck for r in concept_difficulty(histories, stuck_after=1)] == [6]
    assert [r.stuck for r in concept_difficulty(histories, stuck_after=2)] == [5]
    refusals = {
        "stuckAfter": lambda: concept_difficulty(histories, stuck_after=2, min_cell=5),
        "streak": lambda: concept_difficulty(histories, streak=1, min_cell=5),
        "interval": lambda: mastery_trend(histories, "a", "day", min_cell=5),
        "window": lambda: mastery_trend(histories, "a", window=1, min_cell=5),
        "missingIsWeak": lambda: at_risk(nx.DiGraph([("a", "b")]), {}, ["b"], missing_is_weak=True, min_cell=5),
    }
    for field, ask in refusals.items():
        with pytest.raises(InvalidInput, match="is fixed at") as refused:
            ask()
        assert refused.value.field == field
    assert concept_difficulty(histories, streak=3, stuck_after=5, min_cell=5)[0].students == 6  # the defaults: asked
