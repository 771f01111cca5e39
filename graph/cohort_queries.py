"""The SPARQL the cohort and analytics code sends, each function exactly one ``select``.

Kept apart from ``graph/queries.py`` so the round trips of cohorts are visible in one
place. A cohort is ``<cohort> a pw:Cohort ; rdfs:label "name" ; pw:teacher "sub"``; a
member is ``<student> pw:memberOf <cohort>``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from rdflib import Literal, URIRef

from graph.ids import id_of
from graph.store import TripleStore
from graph.vocab import PW, RDF, RDFS

__all__ = [
    "cohort_rows",
    "cohorts_with_teacher",
    "estimate_rows",
    "largest_cohort",
    "member_rows",
    "memberships",
]


def _values(iris: Sequence[URIRef]) -> str:
    return " ".join(i.n3() for i in dict.fromkeys(iris))


def cohort_rows(store: TripleStore, cohorts: Sequence[URIRef] | None = None) -> dict[str, tuple[str, list[str], int]]:
    """``{cohort id: (name, sorted teachers, member count)}`` of the given cohorts, or of all.

    Cohorts that do not exist are absent from the answer.
    """
    values = f"VALUES ?k {{ {_values(cohorts)} }}" if cohorts is not None else ""
    if cohorts is not None and not cohorts:
        return {}
    rows = store.select(
        f"""SELECT ?k ?name ?teacher ?n WHERE {{ {values} ?k a {PW.Cohort.n3()} .
          OPTIONAL {{ ?k {RDFS.label.n3()} ?name }} OPTIONAL {{ ?k {PW.teacher.n3()} ?teacher }}
          {{ SELECT ?k (COUNT(?s) AS ?n) WHERE {{ {values} ?k a {PW.Cohort.n3()} .
             OPTIONAL {{ ?s {PW.memberOf.n3()} ?k }} }} GROUP BY ?k }} }}"""
    )
    out: dict[str, tuple[str, list[str], int]] = {}
    for k, name, teacher, n in rows:
        ident = id_of(str(k))
        label, teachers, _ = out.get(ident, (str(name) if name is not None else "", [], 0))
        if teacher is not None and str(teacher) not in teachers:
            teachers.append(str(teacher))
        out[ident] = (label, teachers, int(str(n)) if n is not None else 0)
    for _, teachers, _ in out.values():
        teachers.sort()
    return out


def largest_cohort(store: TripleStore) -> int:
    """The member count of the largest cohort (0 when there is none)."""
    rows = store.select(
        f"""SELECT (MAX(?n) AS ?most) WHERE {{ SELECT ?k (COUNT(?s) AS ?n) WHERE {{
          ?s {PW.memberOf.n3()} ?k }} GROUP BY ?k }}"""
    )
    most = rows[0][0] if rows else None
    return int(str(most)) if most is not None else 0


def member_rows(store: TripleStore, cohort: URIRef) -> list[str]:
    """The student keys of the members of one cohort, sorted."""
    rows = store.select(f"SELECT ?s WHERE {{ ?s {PW.memberOf.n3()} {cohort.n3()} }}")
    return sorted(id_of(str(r[0])) for r in rows)


def memberships(store: TripleStore, cohorts: Sequence[URIRef]) -> dict[str, list[str]]:
    """``{cohort id: sorted member keys}`` for several cohorts in one round trip."""
    out: dict[str, list[str]] = {id_of(str(k)): [] for k in cohorts}
    if not cohorts:
        return out
    rows = store.select(f"SELECT ?k ?s WHERE {{ VALUES ?k {{ {_values(cohorts)} }} ?s {PW.memberOf.n3()} ?k }}")
    for k, s in rows:
        out.setdefault(id_of(str(k)), []).append(id_of(str(s)))
    for members in out.values():
        members.sort()
    return out


def cohorts_of(store: TripleStore, student: URIRef) -> list[str]:
    """The ids of the cohorts one student is a member of, sorted."""
    rows = store.select(f"SELECT ?k WHERE {{ {student.n3()} {PW.memberOf.n3()} ?k }}")
    return sorted(id_of(str(r[0])) for r in rows)


def teacher_claims(store: TripleStore, cohorts: Sequence[URIRef]) -> dict[str, set[str]]:
    """``{cohort id: teachers}`` whom a teacher's ``createCohort`` named and no admin or roster has confirmed yet."""
    if not cohorts:
        return {}
    rows = store.select(f"SELECT ?k ?t WHERE {{ VALUES ?k {{ {_values(cohorts)} }} ?k {PW.claimedBy.n3()} ?t }}")
    out: dict[str, set[str]] = {}
    for k, t in rows:
        out.setdefault(id_of(str(k)), set()).add(str(t))
    return out


def cohorts_with_teacher(store: TripleStore, teacher: str) -> set[str]:
    """The ids of the cohorts that name ``teacher`` among their teachers, in any Unicode form.

    Teacher ids are stored in NFC (``graph.cohorts``), and were stored as written before:
    a token whose ``sub`` wrote "José" with a combining accent saw none of the classes a
    roster gave "José" (or the other way round).
    """
    forms = dict.fromkeys([teacher.strip(), *(unicodedata.normalize(f, teacher).strip() for f in ("NFC", "NFD"))])
    values = " ".join(Literal(f).n3() for f in forms)
    rows = store.select(
        f"SELECT ?k WHERE {{ VALUES ?t {{ {values} }} ?k {PW.teacher.n3()} ?t ; {RDF.type.n3()} {PW.Cohort.n3()} }}"
    )
    return {id_of(str(r[0])) for r in rows}


def estimate_rows(store: TripleStore) -> list[tuple[str, str, float]]:
    """``(student, concept, probability)`` of every stored mastery estimate: the whole table.

    One round trip, but a heavy one (it joins every ``pw:Mastery`` node): it is what an
    ``EstimateTable`` loads once per process, not something to run per request.
    """
    rows = store.select(
        f"""SELECT ?s ?c ?p WHERE {{ ?m {PW.probability.n3()} ?p ; {PW.student.n3()} ?s ;
          {PW.concept.n3()} ?c }}"""
    )
    ids: dict[str, str] = {}  # a student's IRI recurs once per concept, a concept's once per student

    def key(node: object) -> str:
        text = str(node)
        found = ids.get(text)
        if found is None:
            found = ids[text] = id_of(text)
        return found

    return [(key(s), key(c), float(str(p))) for s, c, p in rows]
