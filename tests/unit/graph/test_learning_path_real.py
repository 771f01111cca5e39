"""Every learning path on real concept graphs (Khan Academy, metacademy) respects their prerequisites."""

from __future__ import annotations

import networkx as nx
import pytest

from graph.bundle import CurriculumBundle
from graph.learning_path import plan_learning_path
from graph.material_choice import MaterialFacts
from ingest.khan import read_khan
from ingest.metacademy import read_metacademy
from tests.conftest import DATA

KHAN = DATA / "kg" / "khan_academy_kalite_2013"
METACADEMY = DATA / "kg" / "metacademy"


def dag_of(bundle: CurriculumBundle) -> nx.DiGraph[str]:
    dag: nx.DiGraph[str] = nx.DiGraph()
    dag.add_nodes_from(c.id for c in bundle.concepts)
    dag.add_edges_from((e.prerequisite, e.concept) for e in bundle.prerequisites if e.prerequisite in dag)
    return dag


@pytest.fixture(
    scope="module",
    params=[
        pytest.param(
            (KHAN, read_khan), id="khan", marks=pytest.mark.skipif(not KHAN.is_dir(), reason=f"no data at {KHAN}")
        ),
        pytest.param(
            (METACADEMY, read_metacademy),
            id="metacademy",
            marks=pytest.mark.skipif(not METACADEMY.is_dir(), reason=f"no data at {METACADEMY}"),
        ),
    ],
)
def real(request: pytest.FixtureRequest) -> tuple[nx.DiGraph[str], CurriculumBundle]:
    root, read = request.param
    bundle = read(root)
    return dag_of(bundle), bundle


def test_every_path_respects_the_prerequisites(real: tuple[nx.DiGraph[str], CurriculumBundle]) -> None:
    dag, bundle = real
    assert nx.is_directed_acyclic_graph(dag)
    facts: dict[str, list[MaterialFacts]] = {}
    for m in bundle.materials:
        for c in m.concepts:
            facts.setdefault(c, []).append(MaterialFacts(m.id, m.type.value, m.difficulty, m.minutes))
    # A student who has mastered every third concept (in id order): paths skip those and what lies behind them.
    mastery = {c: 0.9 if i % 3 == 0 else 0.2 for i, c in enumerate(sorted(dag))}
    longest = 0
    for target in sorted(dag):
        for known in ({}, mastery):
            path = plan_learning_path(dag, [target], known, materials_of=lambda c: facts.get(c, []))
            position = {s.concept: i for i, s in enumerate(path.steps)}
            assumed = {a.concept for a in path.assumed}
            for i, step in enumerate(path.steps):
                for p in dag.pred[step.concept]:
                    assert position.get(p, -1) < i if p in position else p in assumed, (target, step.concept, p)
            if not known:
                assert set(position) == nx.ancestors(dag, target) | {target}
            longest = max(longest, len(path.steps))
    assert longest > 20, "the real graphs hold long prerequisite chains"
