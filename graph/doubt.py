"""What a student's repeated failures do to the mastery a plan counts (``Doubt``).

A learning path (``graph.learning_path``) and the next materials (``graph.recommend``)
read it alike, so it is a module of its own rather than a part of either.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import networkx as nx

from graph.wording import concept_label

__all__ = ["Doubt"]


@dataclass(frozen=True, slots=True)
class Doubt:
    """What a student's repeated failures do to the mastery a plan counts.

    A concept failed again and again is not mastered whatever the estimate says (three
    wrong answers left one at 0.84), and what it builds on is suspect: both count at
    ``1 - factor`` of their estimate. A learning path and the next materials read it
    alike: a path said "revisit Integers first" while the next materials offered the
    concept the student kept failing.

    Examples:
        >>> g = nx.DiGraph([("int", "abs")])
        >>> doubt = Doubt.of(g, {"abs"})
        >>> doubt.apply({"int": 0.9, "abs": 0.7}), doubt.doubted
        ({'int': 0.45, 'abs': 0.35}, {'int': 'abs'})
    """

    failing: frozenset[str]
    #: prerequisite -> the struggling concept that builds on it
    doubted: Mapping[str, str]
    factor: float = 0.5

    @classmethod
    def of(
        cls,
        dag: nx.DiGraph[str],
        struggling: Collection[str],
        factor: float = 0.5,
        *,
        revisited: Collection[tuple[str, str]] = (),
    ) -> Doubt:
        """The doubt of ``struggling`` concepts (those the graph does not hold are ignored).

        ``revisited``: ``(prerequisite, struggling concept)`` pairs the student has answered
        the prerequisite right since the run of failures began: that prerequisite is not
        doubted for that concept.
        """
        failing = frozenset(s for s in struggling if s in dag)
        cleared = set(revisited)
        doubted: dict[str, str] = {}
        for s in sorted(failing):
            for p in dag.pred[s]:
                if (p, s) not in cleared:
                    doubted.setdefault(p, s)
        return cls(failing, doubted, factor)

    def effective(self, concept: str, mastery: float) -> float:
        """The mastery a plan counts for ``concept`` whose estimate is ``mastery``."""
        return mastery * (1.0 - self.factor) if concept in self.doubted or concept in self.failing else mastery

    def revisits(self, mastery: Mapping[str, float], threshold: float) -> frozenset[str]:
        """Doubted prerequisites the estimates call mastered: to revisit, not to learn again from their roots.

        Counted down, such a concept left a plan unmastered, and the plan walked on into its
        own prerequisites, which the student had never been asked about: three wrong answers
        on Slope sent a path back to the first concept of the curriculum (14 steps where 4
        revisits were meant). A plan revisits it without opening what it builds on.
        """
        return frozenset(c for c in self.doubted if c not in self.failing and mastery.get(c, 0.0) >= threshold)

    def apply(self, mastery: Mapping[str, float]) -> dict[str, float]:
        """``mastery`` with every doubted or failing concept's estimate counted down."""
        return {c: self.effective(c, p) for c, p in mastery.items()}

    def sentences(self, dag: nx.DiGraph[str], concept: str) -> list[str]:
        """Why ``concept`` is doubted, in the words a path step and a next material both use."""
        name = concept_label(dag, concept)
        said = [f"You keep getting {name} wrong."] if concept in self.failing else []
        by = self.doubted.get(concept)
        if by is not None:
            said.append(f"You keep missing {concept_label(dag, by)}, which builds on {name}: revisit {name} first.")
        return said
