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

*Code.* This module runs the population and is the import path for the rest:
the settings are in :mod:`demo.simulation_config`, the curriculum indexed once in
:mod:`demo.simulation_curriculum`, one student in :mod:`demo.simulation_student`
and the timestamps in :mod:`demo.simulation_schedule`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from demo.simulation_config import DEFAULT_CONFIG, SimulationConfig
from demo.simulation_curriculum import Curriculum
from demo.simulation_student import (
    SOURCE,
    AttemptTrace,
    Phase,
    simulate_student,
    student_key,
    success_probability,
)
from graph.model import Attempt, Concept, Material, Prerequisite

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
    curriculum = Curriculum.build(concepts, prerequisites, materials)
    attempts: list[Attempt] = []
    traces: list[AttemptTrace] = []
    true_knowledge: dict[str, dict[str, float]] = {}
    for index in range(config.students):
        student = simulate_student(index, curriculum, config)
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
