"""Estimates made again once a student's history or the model changed: a voided attempt, a model switch.

A void (an xAPI statement voided after it was read) deletes stored attempts, so the
students' states are replayed without them and their estimates written again in the
same write; a model switch rewrites every estimate from the new model's states.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext
from datetime import UTC, datetime
from typing import Any

from graph.attempts import attempts_of, stored_attempts, voided_marker
from graph.mastery import estimate_triples, read_estimates, stored_estimate_triples
from graph.model import MasteryEstimate
from graph.repository import KnowledgeGraph
from ml.mastery.predict import OnlineMastery
from ml.mastery.serving import MasteryService
from resolvers.replay import reload_histories

__all__ = ["estimates_again", "retract", "rewrite_estimates"]


def rewrite_estimates(kg: KnowledgeGraph, predictor: OnlineMastery, students: Sequence[str]) -> int:
    """Estimate again, from ``predictor``'s states, every concept these students have an estimate of; one write."""
    deletes, inserts, count = estimates_again(kg, predictor, students)
    if count:
        kg.commit(deletes, inserts, lambda: None)
    return count


def estimates_again(
    kg: KnowledgeGraph, predictor: OnlineMastery, students: Sequence[str]
) -> tuple[list[Any], list[Any], int]:
    """The write that replaces these students' stored estimates with ``predictor``'s: deletes, inserts, how many."""
    now = datetime.now(UTC)
    fresh = []
    for student, stored in read_estimates(kg.store, students).items():
        names = [e.concept for e in stored]
        for c, p in zip(names, predictor.estimate(student, names), strict=True):
            fresh.append(MasteryEstimate(student, c, p, predictor.version, now))
    if not fresh:
        return [], [], 0
    deletes = stored_estimate_triples(kg.store, [(e.student, e.concept) for e in fresh])
    return deletes, [t for e in fresh for t in estimate_triples(e)], len(fresh)


def retract(kg: KnowledgeGraph, mastery: MasteryService | None, attempt_ids: Sequence[str]) -> list[str]:
    """Delete stored attempts (an xAPI void that arrived after its statement) and estimate their students again.

    A void reached only statements read with it: an LRS voids later by nature, so a
    voided answer kept counting. The attempts' triples and the students' estimates, made
    again from the history that is left, go in one write, under the model's lock (a
    ``record`` in between would replay the voided attempt back in). Returns the ids of
    the attempts that were stored and are now gone.
    """
    if not attempt_ids:
        return []
    with mastery.lock if mastery is not None else nullcontext():
        deletes, owners = stored_attempts(kg, attempt_ids)
        if not owners:
            return []
        students = sorted(set(owners.values()))
        gone = set(owners)
        inserts: list[Any] = [voided_marker(a) for a in sorted(gone)]
        histories = {s: [a for a in h if a.id not in gone] for s, h in attempts_of(kg, students).items()}
        # a student left with no attempt keeps no estimate: one that rests on nothing read as evidence-free mastery
        emptied = [s for s, history in histories.items() if not history]
        for student, stored in read_estimates(kg.store, emptied).items():
            deletes += stored_estimate_triples(kg.store, [(student, e.concept) for e in stored])
        served = mastery is not None and mastery.version is not None
        if served:
            assert mastery is not None
            reload_histories(kg, mastery.predictor, histories)  # the states as if the voided answers never came
            more_deletes, more_inserts, _ = estimates_again(
                kg, mastery.predictor, [s for s in students if s not in emptied]
            )
            deletes += more_deletes
            inserts += more_inserts
        try:
            kg.commit(deletes, inserts, lambda: None)
        except Exception:
            if served:
                assert mastery is not None
                for student in students:  # the states left the voided answers out; the store still has them
                    mastery.predictor.forget(student)
            raise
        if mastery is not None:
            for student in students:
                mastery.note_forgotten(student)  # a switch being prepared reads them again from the store
    return sorted(gone)
