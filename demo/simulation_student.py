"""One simulated student: placement, study path, item choice, answers and learning.

The per-student part of the model in :mod:`demo.simulate`'s docstring (population,
study path, concepts without exercises, item choice, response, learning). Each student
draws from their own random stream, so this is all a student's history depends on;
:mod:`demo.simulate` only runs it for every student and gathers the results.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from demo.simulation_config import DEFAULT_CONFIG, SimulationConfig
from demo.simulation_curriculum import Curriculum
from demo.simulation_schedule import schedule
from graph.model import Attempt, Material

__all__ = [
    "SOURCE",
    "AttemptTrace",
    "Phase",
    "simulate_student",
    "student_key",
    "success_probability",
]

SOURCE = "pathwise-demo-simulator"
"""The ``Attempt.source`` of every simulated attempt, so real data can be told apart."""

Phase = Literal["study", "skip-ahead", "review"]
"""Why a student attempted a concept: next on the path, trying ahead, or reviewing."""


@dataclass(frozen=True, slots=True)
class AttemptTrace:
    """The latent state behind one simulated attempt, for tests and diagnostics.

    The service never sees these; they let tests check that the observable
    attempts really follow the model (e.g. that weak prerequisites lower success).

    Attributes:
        attempt: The id of the :class:`~graph.model.Attempt` this explains.
        student: The student's key.
        concept: The focal concept the student was working on.
        phase: Why the student attempted it.
        ability: The student's ability ``theta``.
        knowledge: Knowledge of ``concept`` just before the attempt.
        prerequisite_weakness: ``w`` of the focal concept just before the attempt.
        probability: The probability of a correct answer.
    """

    attempt: str
    student: str
    concept: str
    phase: Phase
    ability: float
    knowledge: float
    prerequisite_weakness: float
    probability: float


def student_key(index: int) -> str:
    """Return the pseudonymous key of simulated student ``index``.

    Keys are stable (they depend on nothing but the index), sort in index order
    below 1000 students and are valid graph slugs, so re-seeding the demo store
    overwrites the same students instead of adding new ones.

    Args:
        index: The student's zero-based index in the population.

    Returns:
        A key such as ``"demo-student-007"``.

    Raises:
        ValueError: If ``index`` is negative.
    """
    if index < 0:
        raise ValueError("student index must not be negative")
    return f"demo-student-{index:03d}"


def success_probability(
    *,
    ability: float,
    knowledge: float,
    difficulty: int,
    prerequisite_weakness: float,
    config: SimulationConfig = DEFAULT_CONFIG,
) -> float:
    """Return the probability that a student answers an exercise correctly.

    A logistic item-response curve with a guess floor and a slip ceiling, shifted
    down by the weakness of the concept's prerequisites: the model's central
    assumption, which the service's diagnostics are meant to recover.

    Args:
        ability: The student's ability ``theta`` in logit units.
        knowledge: The student's knowledge of the assessed concept, in [0, 1].
        difficulty: The exercise's difficulty, 1 (easy) to 5 (hard).
        prerequisite_weakness: Mean strength-weighted gap in the concept's
            prerequisites, in [0, 1]; 0 when they are all known.
        config: The model's weights, guess and slip.

    Returns:
        The probability, in ``[config.guess, 1 - config.slip]``.
    """
    z = (
        ability
        + config.knowledge_weight * knowledge
        - config.difficulty_weight * (difficulty - 3)
        - config.prerequisite_penalty * prerequisite_weakness
    )
    return config.guess + (1.0 - config.guess - config.slip) * _logistic(z)


# --------------------------------------------------------------------------- internals


def _logistic(z: float) -> float:
    """Return ``1 / (1 + e^-z)`` without overflowing for large ``|z|``."""
    if z >= 0.0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@dataclass(slots=True)
class _StudentRun:
    """One student's simulated attempts, traces and final knowledge."""

    attempts: list[Attempt]
    traces: list[AttemptTrace]
    knowledge: dict[str, float]


def simulate_student(index: int, curriculum: Curriculum, config: SimulationConfig) -> _StudentRun:
    """Simulate one student end to end with the student's own random stream."""
    rng = random.Random(f"{SOURCE}:{config.seed}:{index}")
    student = student_key(index)
    ability = rng.gauss(config.ability_mean, config.ability_sd)
    rate = rng.uniform(config.min_learning_rate, config.max_learning_rate)
    knowledge = {cid: rng.uniform(0.0, config.max_initial_knowledge) for cid in curriculum.ids}
    path = _study_path(rng, curriculum, config)
    placed = math.floor(rng.uniform(0.0, config.max_placement) * len(path))
    for cid in path[:placed]:
        knowledge[cid] = rng.uniform(config.min_prior_knowledge, config.max_prior_knowledge)
    budget = rng.randint(config.min_attempts, config.max_attempts)
    times = schedule(rng, budget, config)
    assessable = [cid for cid in path if curriculum.exercises[cid]]

    def learn(cid: str, gain: float) -> None:
        knowledge[cid] += rate * gain * (1.0 - knowledge[cid])

    run = _StudentRun(attempts=[], traces=[], knowledge=knowledge)
    position, streak, tries = placed, 0, 0
    for n, timestamp in enumerate(times, start=1):
        while position < len(path) and not curriculum.exercises[path[position]]:
            for _ in range(config.reading_steps):
                learn(path[position], config.incorrect_gain)
            position += 1
        phase: Phase
        if position < len(path):
            later = [cid for cid in path[position + 1 :] if curriculum.exercises[cid]]
            if later and rng.random() < config.skip_ahead_probability:
                focal, phase = rng.choice(later), "skip-ahead"
            else:
                focal, phase = path[position], "study"
        elif assessable:
            weights = [1.05 - knowledge[cid] for cid in assessable]
            focal, phase = rng.choices(assessable, weights=weights)[0], "review"
        else:
            break
        material = _pick_exercise(rng, curriculum.exercises[focal], ability, knowledge[focal])
        weakness = _prerequisite_weakness(curriculum.requires[focal], knowledge)
        probability = success_probability(
            ability=ability,
            knowledge=knowledge[focal],
            difficulty=material.difficulty,
            prerequisite_weakness=weakness,
            config=config,
        )
        correct = rng.random() < probability
        attempt_id = f"sim-{student}-{n:04d}"
        run.attempts.append(
            Attempt(
                id=attempt_id,
                student=student,
                timestamp=timestamp,
                score=1.0 if correct else 0.0,
                material=material.id,
                concepts=material.assesses,
                source=SOURCE,
            )
        )
        run.traces.append(
            AttemptTrace(
                attempt=attempt_id,
                student=student,
                concept=focal,
                phase=phase,
                ability=ability,
                knowledge=knowledge[focal],
                prerequisite_weakness=weakness,
                probability=probability,
            )
        )
        gain = config.correct_gain if correct else config.incorrect_gain
        for cid in dict.fromkeys(material.assesses):
            if cid in knowledge:
                learn(cid, gain)
        if phase == "study":
            tries += 1
            streak = streak + 1 if correct else 0
            if streak >= config.mastery_streak or tries >= config.max_attempts_per_concept:
                position, streak, tries = position + 1, 0, 0
    return run


def _study_path(rng: random.Random, curriculum: Curriculum, config: SimulationConfig) -> list[str]:
    """Draw the student's targets; return them and their ancestors in order."""
    if not curriculum.targets:
        return []
    wanted = rng.randint(config.min_targets, config.max_targets)
    pool = list(curriculum.targets)
    weights = list(curriculum.target_weights)
    chosen: set[str] = set()
    for _ in range(min(wanted, len(pool))):
        pick = rng.choices(range(len(pool)), weights=weights)[0]
        target = pool.pop(pick)
        weights.pop(pick)
        chosen.add(target)
        chosen |= curriculum.ancestors[target]
    return sorted(chosen, key=curriculum.rank.__getitem__)


def _pick_exercise(rng: random.Random, exercises: Sequence[Material], ability: float, knowledge: float) -> Material:
    """Pick an exercise, favouring difficulty near the student's current level."""
    level = 1.0 + 4.0 * knowledge + ability
    weights = [math.exp(-abs(material.difficulty - level)) for material in exercises]
    return rng.choices(exercises, weights=weights)[0]


def _prerequisite_weakness(requires: Sequence[tuple[str, float]], knowledge: dict[str, float]) -> float:
    """Return the mean strength-weighted gap ``sum s_q (1 - k_q) / |P|`` (0 if none)."""
    if not requires:
        return 0.0
    gap = sum(strength * (1.0 - knowledge[q]) for q, strength in requires)
    return min(1.0, gap / len(requires))
