"""What the store holds once the server has stopped: attempts counted and checked.

Read straight from the reopened store, not through the service, so a run's
acknowledged attempts are compared with what was really written (and with nothing
the service would hide, such as partial attempts or doubled estimates).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["StoreCount", "count_stored"]


@dataclass(frozen=True)
class StoreCount:
    """What the reopened store holds."""

    revision: int
    attempts: int
    api_stamps: list[datetime]  # timestamps of the attempts recorded through GraphQL
    partial: list[str]  # attempts missing their student, timestamp, score or concept (or with two)
    doubled_estimates: list[str]  # mastery nodes with more than one probability
    orphans: list[str]  # subjects with attempt properties but no pw:Attempt type
    unestimated: int  # API attempts whose student has no mastery estimate of the attempt's concept


def count_stored(spec: str) -> StoreCount:
    """Open the store (after the server stopped), count and check the attempts in it."""
    from rdflib import Literal

    from graph.repository import KnowledgeGraph
    from graph.store import open_store
    from graph.vocab import PW

    kg = KnowledgeGraph(open_store(spec))
    try:
        select = kg.store.select
        attempt, student, stamp, score, concept = (
            PW.Attempt.n3(),
            PW.student.n3(),
            PW.timestamp.n3(),
            PW.score.n3(),
            PW.concept.n3(),
        )
        total = select(f"SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ ?a a {attempt} }}")[0][0]
        stamps = [
            t.toPython()
            for (t,) in select(f'SELECT ?t WHERE {{ ?a a {attempt} ; {PW.source.n3()} "graphql" ; {stamp} ?t }}')
            if isinstance(t, Literal)
        ]
        partial = select(
            f"""SELECT ?a WHERE {{ ?a a {attempt} .
              OPTIONAL {{ SELECT ?a (COUNT(DISTINCT ?s) AS ?ns) WHERE {{ ?a {student} ?s }} GROUP BY ?a }}
              OPTIONAL {{ SELECT ?a (COUNT(DISTINCT ?t) AS ?nt) WHERE {{ ?a {stamp} ?t }} GROUP BY ?a }}
              OPTIONAL {{ SELECT ?a (COUNT(DISTINCT ?x) AS ?nx) WHERE {{ ?a {score} ?x }} GROUP BY ?a }}
              FILTER (!BOUND(?ns) || ?ns != 1 || !BOUND(?nt) || ?nt != 1 || !BOUND(?nx) || ?nx != 1
                      || NOT EXISTS {{ ?a {concept} ?c }}) }}"""
        )
        doubled = select(
            f"""SELECT ?m WHERE {{ ?m a {PW.Mastery.n3()} ; {PW.probability.n3()} ?p }}
                GROUP BY ?m HAVING (COUNT(DISTINCT ?p) > 1)"""
        )
        orphans = select(
            f"""SELECT DISTINCT ?a WHERE {{ {{ ?a {stamp} ?t }} UNION {{ ?a {score} ?x }}
                FILTER NOT EXISTS {{ ?a a {attempt} }} }}"""
        )
        # Two flat reads compared here: a FILTER NOT EXISTS join takes minutes on 10k attempts.
        estimated = set(select(f"SELECT ?s ?c WHERE {{ ?m a {PW.Mastery.n3()} ; {student} ?s ; {concept} ?c }}"))
        attempted = select(
            f'SELECT ?a ?s ?c WHERE {{ ?a a {attempt} ; {PW.source.n3()} "graphql" ; {student} ?s ; {concept} ?c }}'
        )
        unestimated = len({a for a, s, c in attempted if (s, c) not in estimated})
        return StoreCount(
            revision=kg.revision,
            attempts=int(str(total)),
            api_stamps=stamps,
            partial=[str(r[0]) for r in partial],
            doubled_estimates=[str(r[0]) for r in doubled],
            orphans=[str(r[0]) for r in orphans],
            unestimated=unestimated,
        )
    finally:
        kg.store.close()
