"""Deterministic simulation of students answering exercises in a curriculum.

The demo service has to show mastery estimates, weak-prerequisite diagnoses and
recommendations on its very first start, and those need attempt histories. Real
histories are private, so this module fabricates plausible ones from nothing but
the curriculum (concepts, prerequisite edges, materials) and a seed. The
generative model below is the simulator's specification; the defaults in
:class:`SimulationConfig` name every constant it uses.

Method
------
*Population.* Student ``i`` (``0 <= i < students``) is keyed
:func:`student_key` ``(i)`` and draws all of its randomness from its own
``random.Random``, seeded with a string made of ``seed`` and ``i`` (string seeds
hash with SHA-512, so results do not vary with ``PYTHONHASHSEED``): a student's
history does not depend on how many other students are simulated. A student has

* an ability ``theta ~ Normal(ability_mean, ability_sd)`` (logit units);
* a learning rate ``r ~ Uniform(min_learning_rate, max_learning_rate)``;
* an initial knowledge ``k_c ~ Uniform(0, max_initial_knowledge)`` of every
  concept ``c``, the latent state, kept in [0, 1];
* ``m ~ Uniform{min_targets..max_targets}`` target concepts, drawn without
  replacement from the concepts whose depth (longest prerequisite chain below
  them) is at least half the curriculum's maximum depth, with weight
  ``depth + 1``: students aim at advanced material, not at the basics;
* a placement ``u ~ Uniform(0, max_placement)``: the first ``floor(u L)`` of
  the ``L`` concepts on the study path (below) are prior knowledge, with
  ``k_c ~ Uniform(min_prior_knowledge, max_prior_knowledge)``, and the student
  starts after them. Students thus enter at different points of a long path
  instead of all piling onto its first concepts, and prior knowledge is good
  but not perfect, so it still leaves some prerequisite weakness;
* an attempt budget ``N ~ Uniform{min_attempts..max_attempts}``.

*Study path.* The path is the union of the targets and all their (transitive)
prerequisites, in a topological order of the prerequisite DAG (ties broken by
input order; concepts on a cycle, which a valid curriculum never has, follow in
input order). In a DAG every prefix of this order is closed under
prerequisites, so placed concepts never depend on unplaced ones. From the
placement on, the student works through the path one concept at a time and
moves on after ``mastery_streak`` consecutive correct answers or after
``max_attempts_per_concept`` attempts, whichever comes first, so students may
move on with a concept still half learned. Each attempt, with probability
``skip_ahead_probability`` the student instead tries a uniformly chosen later
concept of the path, typically before its prerequisites are learned: these
attempts are where weak prerequisites are most visible. Once the path is done,
the rest of the budget goes to review: a path concept drawn with weight
``1.05 - k_c``, so the weakest get the most practice.

*Concepts without exercises.* A concept that no ``exercise`` material assesses
cannot produce an attempt. The student studies it from its other materials
instead: ``reading_steps`` learning updates at the ``incorrect_gain`` rate
(learning without answering), no attempts, and it is never a skip-ahead or
review choice. Dependents therefore see it as partly, not wholly, learned.

*Item choice.* The attempt is on an ``exercise`` material assessing the focal
concept ``c``, drawn with weight ``exp(-|d - level|)`` where ``d`` is the
material's difficulty (1..5) and ``level = 1 + 4 k_c + theta``: students get
items near their level, as an adaptive tutor would give them.

*Response.* With ``P(c)`` the direct prerequisites of ``c`` (edges into ``c``
whose source is a known concept) and ``s_q`` their strengths, the prerequisite
weakness is the mean strength-weighted gap ``w = sum_q s_q (1 - k_q) / |P(c)|``
(``0`` when ``c`` has none), in [0, 1]. The answer is correct with probability
(see :func:`success_probability`)::

    z = theta + a k_c - b (d - 3) - lambda w
    p = guess + (1 - guess - slip) * logistic(z)

with ``a = knowledge_weight``, ``b = difficulty_weight`` and
``lambda = prerequisite_penalty``, so ``p`` lies in ``[guess, 1 - slip]``. The
``lambda w`` term is the property the demo relies on: weak prerequisites lower
success, by an amount proportional to how weak and how strong they are.
The score is ``1.0`` if correct, else ``0.0``.

*Learning.* After the attempt, every known concept ``c'`` the material
assesses is updated ``k_c' += r g (1 - k_c')`` with ``g = correct_gain`` after a
correct answer and ``g = incorrect_gain`` after a wrong one (the student still
learns from the feedback, but less). Knowledge therefore never decreases;
forgetting is not modelled.

*Time.* The budget is cut into sessions of ``min_session_attempts`` to
``max_session_attempts`` attempts. Sessions fall on distinct days, drawn from
the ``days`` days after ``start`` (beginning at a random day in the first sixth
of the window; days are reused only if there are more sessions than days
left), each at a random minute within the 12 hours after ``start``'s time of
day. Within a
session, attempts are one to six minutes apart. A student's timestamps are
strictly increasing.

*Output.* Attempts are listed student by student, each student's in time order,
with ids ``sim-<student>-<n>`` (``n`` from ``0001``), ``concepts`` equal to the
material's ``assesses`` and ``source`` :data:`SOURCE`. Nothing but the
arguments determines the output: the same inputs and seed give the same list.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from graph.model import Attempt, Concept, Material, MaterialType, Prerequisite

__all__ = [
    "DEFAULT_CONFIG",
    "SOURCE",
    "AttemptTrace",
    "Phase",
    "SimulationConfig",
    "SimulationResult",
    "simulate_attempts",
    "simulate_population",
    "student_key",
    "success_probability",
]

SOURCE = "pathwise-demo-simulator"
"""The ``Attempt.source`` of every simulated attempt, so real data can be told apart."""

Phase = Literal["study", "skip-ahead", "review"]
"""Why a student attempted a concept: next on the path, trying ahead, or reviewing."""

_SESSION_WINDOW_MINUTES = 12 * 60
_MIN_GAP_SECONDS = 60
_MAX_GAP_SECONDS = 6 * 60


@dataclass(frozen=True, slots=True)
class SimulationConfig:
    """Every knob of the simulator; the module docstring says what each one does.

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


@dataclass(frozen=True, slots=True)
class SimulationResult:
    """Simulated attempts together with the latent truth that produced them.

    Attributes:
        attempts: Every attempt, student by student, each student's in time order.
        traces: One trace per attempt, in the same order.
        true_knowledge: Final latent knowledge, ``student -> concept -> k`` for
            every student and every concept.
    """

    attempts: list[Attempt]
    traces: list[AttemptTrace]
    true_knowledge: dict[str, dict[str, float]]


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


def simulate_population(
    concepts: Sequence[Concept],
    prerequisites: Sequence[Prerequisite],
    materials: Sequence[Material],
    config: SimulationConfig = DEFAULT_CONFIG,
) -> SimulationResult:
    """Simulate ``config.students`` students and return attempts with latent truth.

    Args:
        concepts: The curriculum's concepts; duplicates (by id) are ignored.
        prerequisites: Edges ``prerequisite -> concept``; edges naming unknown
            concepts and self-loops are ignored, of duplicates the strongest wins.
        materials: Learning resources; only ``exercise`` materials that assess
            a known concept produce attempts.
        config: The model's settings and seed.

    Returns:
        The attempts, one trace per attempt and every student's final knowledge.
    """
    curriculum = _Curriculum.build(concepts, prerequisites, materials)
    attempts: list[Attempt] = []
    traces: list[AttemptTrace] = []
    true_knowledge: dict[str, dict[str, float]] = {}
    for index in range(config.students):
        student = _simulate_student(index, curriculum, config)
        attempts.extend(student.attempts)
        traces.extend(student.traces)
        true_knowledge[student_key(index)] = student.knowledge
    return SimulationResult(attempts=attempts, traces=traces, true_knowledge=true_knowledge)


def simulate_attempts(
    concepts: Sequence[Concept],
    prerequisites: Sequence[Prerequisite],
    materials: Sequence[Material],
    config: SimulationConfig = DEFAULT_CONFIG,
) -> list[Attempt]:
    """Simulate students and return only their attempts, as the demo store needs.

    Args:
        concepts: The curriculum's concepts.
        prerequisites: Edges ``prerequisite -> concept``.
        materials: Learning resources; exercises produce the attempts.
        config: The model's settings and seed.

    Returns:
        Every attempt, student by student, each student's in time order.
    """
    return simulate_population(concepts, prerequisites, materials, config).attempts


# --------------------------------------------------------------------------- internals


def _logistic(z: float) -> float:
    """Return ``1 / (1 + e^-z)`` without overflowing for large ``|z|``."""
    if z >= 0.0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@dataclass(frozen=True, slots=True)
class _Curriculum:
    """The curriculum, indexed once so each simulated student costs little.

    Attributes:
        ids: Concept ids in input order, without duplicates.
        requires: Direct prerequisites of each concept with their strengths.
        rank: Each concept's position in the topological order.
        ancestors: Each concept's transitive prerequisites.
        exercises: Exercise materials assessing each concept, in input order.
        targets: Concepts a student may aim at.
        target_weights: Sampling weights of ``targets`` (depth + 1).
    """

    ids: tuple[str, ...]
    requires: dict[str, tuple[tuple[str, float], ...]]
    rank: dict[str, int]
    ancestors: dict[str, frozenset[str]]
    exercises: dict[str, tuple[Material, ...]]
    targets: tuple[str, ...]
    target_weights: tuple[float, ...]

    @classmethod
    def build(
        cls,
        concepts: Sequence[Concept],
        prerequisites: Sequence[Prerequisite],
        materials: Sequence[Material],
    ) -> _Curriculum:
        """Index concepts, prerequisite edges and exercises."""
        ids = tuple(dict.fromkeys(concept.id for concept in concepts))
        position = {cid: i for i, cid in enumerate(ids)}
        strongest: dict[str, dict[str, float]] = {cid: {} for cid in ids}
        for edge in prerequisites:
            if edge.concept in position and edge.prerequisite in position and edge.concept != edge.prerequisite:
                known = strongest[edge.concept].get(edge.prerequisite, 0.0)
                strongest[edge.concept][edge.prerequisite] = max(known, edge.strength)
        requires = {
            cid: tuple(sorted(reqs.items(), key=lambda item: position[item[0]])) for cid, reqs in strongest.items()
        }
        order = _topological_order(ids, requires)
        rank = {cid: i for i, cid in enumerate(order)}
        ancestors = {cid: _ancestors(cid, requires) for cid in ids}
        depth: dict[str, int] = {}
        for cid in order:
            below = [depth[q] for q, _ in requires[cid] if rank[q] < rank[cid]]
            depth[cid] = 1 + max(below) if below else 0
        exercises: dict[str, list[Material]] = {cid: [] for cid in ids}
        for material in materials:
            if material.type is MaterialType.EXERCISE:
                for cid in dict.fromkeys(material.assesses):
                    if cid in exercises:
                        exercises[cid].append(material)
        deepest = max(depth.values(), default=0)
        targets = tuple(cid for cid in ids if 2 * depth[cid] >= deepest)
        return cls(
            ids=ids,
            requires=requires,
            rank=rank,
            ancestors=ancestors,
            exercises={cid: tuple(found) for cid, found in exercises.items()},
            targets=targets,
            target_weights=tuple(float(depth[cid] + 1) for cid in targets),
        )


def _topological_order(ids: Sequence[str], requires: dict[str, tuple[tuple[str, float], ...]]) -> list[str]:
    """Order concepts prerequisites-first (Kahn), ties and cycles by input order."""
    position = {cid: i for i, cid in enumerate(ids)}
    dependents: dict[str, list[str]] = {cid: [] for cid in ids}
    missing = {cid: len(requires[cid]) for cid in ids}
    for cid in ids:
        for prerequisite, _ in requires[cid]:
            dependents[prerequisite].append(cid)
    ready = [position[cid] for cid in ids if missing[cid] == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        cid = ids[heapq.heappop(ready)]
        order.append(cid)
        for dependent in dependents[cid]:
            missing[dependent] -= 1
            if missing[dependent] == 0:
                heapq.heappush(ready, position[dependent])
    placed = set(order)
    order.extend(cid for cid in ids if cid not in placed)
    return order


def _ancestors(cid: str, requires: dict[str, tuple[tuple[str, float], ...]]) -> frozenset[str]:
    """Return every concept ``cid`` transitively requires (never ``cid`` itself)."""
    seen: set[str] = set()
    stack = [q for q, _ in requires[cid]]
    while stack:
        q = stack.pop()
        if q not in seen and q != cid:
            seen.add(q)
            stack.extend(p for p, _ in requires[q])
    return frozenset(seen)


@dataclass(slots=True)
class _StudentRun:
    """One student's simulated attempts, traces and final knowledge."""

    attempts: list[Attempt]
    traces: list[AttemptTrace]
    knowledge: dict[str, float]


def _simulate_student(index: int, curriculum: _Curriculum, config: SimulationConfig) -> _StudentRun:
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
    times = _schedule(rng, budget, config)
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


def _study_path(rng: random.Random, curriculum: _Curriculum, config: SimulationConfig) -> list[str]:
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


def _schedule(rng: random.Random, count: int, config: SimulationConfig) -> list[datetime]:
    """Return ``count`` strictly increasing timestamps grouped into daily sessions."""
    sizes: list[int] = []
    remaining = count
    while remaining > 0:
        size = min(
            remaining,
            rng.randint(config.min_session_attempts, config.max_session_attempts),
        )
        sizes.append(size)
        remaining -= size
    first = rng.randrange(max(1, config.days // 6))
    available = range(first, config.days)
    if len(sizes) <= len(available):
        days = sorted(rng.sample(available, len(sizes)))
    else:
        days = sorted(rng.choices(range(config.days), k=len(sizes)))
    times: list[datetime] = []
    for day, size in zip(days, sizes, strict=True):
        moment = config.start + timedelta(days=day, minutes=rng.randrange(_SESSION_WINDOW_MINUTES))
        for _ in range(size):
            if times and moment <= times[-1]:
                moment = times[-1] + timedelta(seconds=_MIN_GAP_SECONDS)
            times.append(moment)
            moment += timedelta(seconds=rng.randint(_MIN_GAP_SECONDS, _MAX_GAP_SECONDS))
    return times
