"""The simulator's settings: every constant of its model, with the demo's defaults.

The model itself is specified in :mod:`demo.simulate`'s docstring, which names every
field below; the settings live apart so the student model, the schedule and the
population can all read them without importing one another, and so a test or a demo
load can build a config without pulling in the simulation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

__all__ = ["DEFAULT_CONFIG", "SimulationConfig"]


@dataclass(frozen=True, slots=True)
class SimulationConfig:
    """Every knob of the simulator; :mod:`demo.simulate`'s docstring says what each one does.

    The defaults give 15-60 attempts per student (about 36 on average) and,
    on a 65-concept curriculum, about 60 % correct overall: near 50 % on a
    student's first attempt at a concept, 70 % from the fourth attempt on, and
    35 % when the prerequisites are weak (``w > 0.6``) against 65 % when they
    are not (``w < 0.3``). Those contrasts are what the demo's mastery and
    weak-prerequisite analytics need in order to show something.

    Raises:
        ValueError: If a count is negative, a range is empty or a probability or
            rate lies outside [0, 1].
    """

    students: int = 200
    seed: int = 7
    start: datetime = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
    days: int = 60
    min_attempts: int = 15
    max_attempts: int = 60
    min_targets: int = 1
    max_targets: int = 3
    ability_mean: float = 0.0
    ability_sd: float = 1.0
    min_learning_rate: float = 0.1
    max_learning_rate: float = 0.3
    max_initial_knowledge: float = 0.25
    max_placement: float = 0.6
    min_prior_knowledge: float = 0.5
    max_prior_knowledge: float = 0.9
    skip_ahead_probability: float = 0.08
    knowledge_weight: float = 4.0
    difficulty_weight: float = 0.5
    prerequisite_penalty: float = 3.0
    guess: float = 0.1
    slip: float = 0.05
    correct_gain: float = 1.0
    incorrect_gain: float = 0.5
    mastery_streak: int = 3
    max_attempts_per_concept: int = 6
    reading_steps: int = 2
    min_session_attempts: int = 3
    max_session_attempts: int = 8

    def __post_init__(self) -> None:
        """Reject settings the model cannot honour, before any student is simulated."""
        counts = {
            "students": self.students,
            "days": self.days - 1,
            "min_attempts": self.min_attempts,
            "min_targets": self.min_targets - 1,
            "mastery_streak": self.mastery_streak - 1,
            "max_attempts_per_concept": self.max_attempts_per_concept - 1,
            "reading_steps": self.reading_steps,
            "min_session_attempts": self.min_session_attempts - 1,
        }
        for name, value in counts.items():
            if value < 0:
                raise ValueError(f"{name} is too small")
        ranges = {
            "attempts": (self.min_attempts, self.max_attempts),
            "targets": (self.min_targets, self.max_targets),
            "learning_rate": (self.min_learning_rate, self.max_learning_rate),
            "prior_knowledge": (self.min_prior_knowledge, self.max_prior_knowledge),
            "session_attempts": (self.min_session_attempts, self.max_session_attempts),
        }
        for name, (low, high) in ranges.items():
            if low > high:
                raise ValueError(f"min_{name} exceeds max_{name}")
        unit = {
            "max_learning_rate": self.max_learning_rate,
            "min_learning_rate": self.min_learning_rate,
            "max_initial_knowledge": self.max_initial_knowledge,
            "max_placement": self.max_placement,
            "min_prior_knowledge": self.min_prior_knowledge,
            "max_prior_knowledge": self.max_prior_knowledge,
            "skip_ahead_probability": self.skip_ahead_probability,
            "correct_gain": self.correct_gain,
            "incorrect_gain": self.incorrect_gain,
            "guess": self.guess,
            "slip": self.slip,
        }
        for name, fraction in unit.items():
            if not 0.0 <= fraction <= 1.0:
                raise ValueError(f"{name} must lie in [0, 1]")
        if self.guess + self.slip >= 1.0:
            raise ValueError("guess + slip must be below 1")
        if self.ability_sd < 0.0:
            raise ValueError("ability_sd must not be negative")


DEFAULT_CONFIG = SimulationConfig()
"""The configuration the demo service uses: 200 students over 60 days."""
