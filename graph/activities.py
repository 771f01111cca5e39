"""The activities an LMS names a material by: xAPI activity IRIs, each naming one material.

An LMS (Moodle's logstore_xapi, an H5P host) sends statements whose ``object.id`` is its
own IRI for the activity (``http://lms.example/question/question.php?cmid=1&id=1``), where
a designer names the material by a slug (``factoring-quiz``). A material lists the IRIs it
is known by (``Material.activity_ids``, stored as ``pw:activityId``), and a statement or
attempt naming one of them is about that material. An id names the material of that id
first, then the material that lists it; so an activity id is an absolute IRI outside
Pathwise's own namespace, listed by one material only, and no material's id.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from rdflib import Graph, URIRef

from graph.errors import ActivityClash
from graph.ids import id_of, iri_of, is_absolute_iri
from graph.model import Material
from graph.vocab import ID, PW

__all__ = [
    "Clash",
    "activity_clashes",
    "activity_problem",
    "activity_problems",
    "canonical_activity_ids",
    "clash_error",
    "stray_activity_ids",
]

EXAMPLE = "http://lms.example/mod/quiz/view.php?id=7"


def canonical_activity_ids(values: Iterable[str]) -> tuple[str, ...]:
    """Activity ids trimmed, without blanks or repeats, in a stable order (RDF keeps no order).

    Compared as the strings they are (an IRI's case is part of it), as xAPI compares them.

    Examples:
        >>> canonical_activity_ids([" http://lms.example/q?id=2", "", "http://lms.example/q?id=1", "http://lms.example/q?id=2"])
        ('http://lms.example/q?id=1', 'http://lms.example/q?id=2')
    """
    return tuple(sorted({v.strip() for v in values if v.strip()}))


def activity_problem(activity: str) -> str | None:
    """Why ``activity`` cannot be an activity id (``None``: it can).

    Examples:
        >>> activity_problem("http://www.example.org/question/question.php?cmid=1&id=1") is None
        True
        >>> activity_problem("factoring-quiz")
        "activity id 'factoring-quiz' is not an absolute IRI (an xAPI activity id, such as 'http://lms.example/mod/quiz/view.php?id=7')"
        >>> activity_problem("https://w3id.org/pathwise/id/material/m1").split(":")[-1]
        ' a statement naming it is about that material already'
    """
    unseen = next((ch for ch in activity if unicodedata.category(ch) in ("Cc", "Cf", "Cs")), None)
    if unseen is not None:
        return f"activity id {activity!r} holds U+{ord(unseen):04X}, which an IRI cannot hold"
    if not is_absolute_iri(activity):
        return f"activity id {activity!r} is not an absolute IRI (an xAPI activity id, such as {EXAMPLE!r})"
    if activity.startswith(str(ID)):
        return (
            f"activity id {activity!r} is under Pathwise's own namespace, where it names {id_of(activity)!r}: "
            "a statement naming it is about that material already"
        )
    return None


def activity_problems(material: Material) -> list[tuple[str, str]]:
    """Problems with a material's activity ids, each with its input field (``activityIds``).

    Examples:
        >>> from graph.model import MaterialType
        >>> activity_problems(Material("m", "M", MaterialType.EXERCISE, activity_ids=("quiz-7",)))[0][0]
        'activityIds'
    """
    return [
        ("activityIds", f"material {material.id!r}: {problem}")
        for problem in map(activity_problem, material.activity_ids)
        if problem is not None
    ]


@dataclass(frozen=True, slots=True)
class Clash:
    """An IRI that would name two materials: ``material`` gives it, ``holder`` has it already.

    ``held_as`` says how the holder has it: ``"activity"`` (among its activity ids) or
    ``"id"`` (its own id); ``given_as`` how ``material`` gives it, the same way.
    """

    iri: str
    material: str
    holder: str
    given_as: str = "activity"
    held_as: str = "activity"

    @property
    def field(self) -> str:
        """The input field of ``material`` at fault: ``activityIds``, or ``id`` when its own id clashes."""
        return "id" if self.given_as == "id" else "activityIds"

    def message(self, holder_at: str = "") -> str:
        """The clash in words, naming both materials; ``holder_at`` says where the holder is (`` (line 4)``).

        Examples:
            >>> Clash("urn:q1", "quiz_b", "quiz_a").message().split(": ")[0]
            "activity id 'urn:q1' of material 'quiz_b' is already an activity id of material 'quiz_a'"
        """
        if self.given_as == "id":
            return (
                f"material id {self.iri!r} is already an activity id of material {self.holder!r}{holder_at}: "
                "an activity names one material"
            )
        held = "the id of" if self.held_as == "id" else "already an activity id of"
        return (
            f"activity id {self.iri!r} of material {self.material!r} is {held} material {self.holder!r}{holder_at}: "
            "an activity names one material"
        )


def activity_clashes(
    materials: Sequence[Material], stored: Mapping[str, str] | None = None, stored_ids: Collection[str] = ()
) -> list[Clash]:
    """Where ``materials``, once written, would give one IRI to two materials, in the batch's order.

    Args:
        materials: the materials a write gives (whole: their stored activity ids go).
        stored: the graph's activity id -> material (``Projection.activities``).
        stored_ids: the graph's material ids.

    Returns:
        One ``Clash`` per IRI given twice: an activity id another material lists or has as
        its id, or a material id another material lists. A later one of the batch is
        said to clash with an earlier one.

    Examples:
        >>> from graph.model import MaterialType
        >>> quiz = Material("quiz", "Quiz", MaterialType.EXERCISE, activity_ids=("http://lms.example/q?id=1",))
        >>> [c.holder for c in activity_clashes([quiz], {"http://lms.example/q?id=1": "old_quiz"}, {"old_quiz"})]
        ['old_quiz']
        >>> activity_clashes([quiz], {"http://lms.example/q?id=1": "quiz"}, {"quiz"})  # its own, written again
        []
    """
    written = {m.id for m in materials}
    owner = {a: m for a, m in (stored or {}).items() if m not in written}  # a written material's go with it
    ids = {*stored_ids, *written}
    clashes: list[Clash] = []
    for material in materials:
        for activity in material.activity_ids:
            if activity != material.id and activity in ids:
                clashes.append(Clash(activity, material.id, activity, held_as="id"))
            elif owner.setdefault(activity, material.id) != material.id:
                clashes.append(Clash(activity, material.id, owner[activity]))
    for material in materials:  # a material id another lists (the batch's own listings were caught above)
        holder = owner.get(material.id, material.id)
        if holder != material.id:
            clashes.append(Clash(material.id, material.id, holder, given_as="id"))
    return clashes


def clash_error(clashes: Sequence[Clash]) -> ActivityClash:
    """The error refusing a write with ``clashes`` (at least one), on the field they share.

    Examples:
        >>> error = clash_error([Clash("http://lms.example/q?id=1", "quiz_b", "quiz_a")])
        >>> error.code.value, error.field, error.ident
        ('DUPLICATE', 'activityIds', 'http://lms.example/q?id=1')
    """
    fields = {c.field for c in clashes}
    return ActivityClash(
        [c.message() for c in clashes], clashes[0].iri, field=fields.pop() if len(fields) == 1 else None
    )


def stray_activity_ids(extra: Graph | None, materials: Collection[str]) -> list[str]:
    """Activity id triples of an import on something that is no material of it (each one a problem).

    Such a triple is kept as an unmodelled one; the material created later under that IRI
    read it as its own, though no check had seen it. A stored material's are
    ``values_of_stored``'s to name; ``materials`` are those ids (and the batch's).
    """
    if extra is None:
        return []
    return sorted(
        f"triple {s.n3()} {p.n3()} {o.n3()} gives an activity id to {str(s)!r}, which is no material: "
        "declare it a schema:LearningResource in the same document"
        for s, p, o in extra.triples((None, PW.activityId, None))
        if not (isinstance(s, URIRef) and id_of(str(s)) in materials and s == iri_of("material", id_of(str(s))))
    )
