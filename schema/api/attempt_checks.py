"""What ``recordAttempts`` checks and names in a batch: links, fields as the request numbered them, twin ids.

Apart from ``schema.api.students`` because these read the request's attempts and the
graph only: every problem names its attempt (``attempts.N...``) as the client sent it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from graph.attempts import statement_form
from graph.errors import ConceptNotFound, InvalidInput, KnowledgeGraphError, NotFound
from graph.references import Suggestions

if TYPE_CHECKING:
    from graph.model import Attempt
    from graph.repository import KnowledgeGraph
    from schema.types.attempts import AttemptInput

__all__ = ["attempt_index", "field_in_request", "link_problems", "not_evidence", "twin_ids"]


def twin_ids(
    attempts: Sequence[Attempt],
    client_ids: Sequence[str | None],
    opaque: Callable[[str], str],
    written: Sequence[str | None] | None = None,
) -> list[list[str]]:
    """Other ids each attempt may be recorded under: by an xAPI import, or live before UUIDs were statement ids.

    A UUID ``clientId`` is the statement's id (``statement_form``); recorded earlier it was
    keyed with its student, and a file import kept its id as spelled. Another ``clientId``
    may be an xAPI statement id that is no UUID, which a file import keyed as it is.
    ``client_ids`` are as compared (``AttemptInput.client_form``), ``written`` as sent: an
    attempt recorded before client ids were trimmed and read in NFC was keyed as sent, so a
    retry of it across the upgrade stays a duplicate.
    """
    out: list[list[str]] = []
    for n, (attempt, client) in enumerate(zip(attempts, client_ids, strict=True)):
        if not client:
            out.append([])
            continue
        as_sent = written[n] if written is not None else None
        if statement_form(client) is not None:
            found = [opaque(f"client:{attempt.student}:{client}"), opaque(client)]
        else:
            found = [opaque(client), opaque(client.lower())]
        if as_sent and as_sent != client:
            found.append(opaque(f"client:{attempt.student}:{as_sent}"))
        out.append([t for t in dict.fromkeys(found) if t != attempt.id])
    return out


def field_in_request(field: str | None, kept: list[int]) -> str | None:
    """``attempts.N...`` of the attempts recorded, as the request numbered them (erased ones were left out).

    Examples:
        >>> field_in_request("attempts.1.clientId", [0, 2]), field_in_request("studentId", [0])
        ('attempts.2.clientId', 'studentId')
    """
    head, _, rest = (field or "").partition(".")
    number, dot, tail = rest.partition(".")
    if head != "attempts" or not number.isdigit() or int(number) >= len(kept):
        return field
    return f"attempts.{kept[int(number)]}{dot}{tail}"


def link_problems(
    kg: KnowledgeGraph,
    attempts: Sequence[AttemptInput],
    named: Sequence[str | None],
    evidences: Mapping[str, tuple[str, ...]],
) -> list[KnowledgeGraphError]:
    """Every attempt naming a material or concept that does not exist, or a material with concepts it
    is no evidence on, each with its field.

    The store's check names the attempt by its (keyed) id alone: a client could not tell
    which of a batch was at fault. ``named``: the material each attempt's ``materialId`` names;
    ``evidences``: the concepts each named material assesses or teaches. An answer to a slope
    exercise sent with ``conceptIds: ["quadratic_formula"]`` was recorded as evidence on the
    quadratic formula and raised that estimate. Only this mutation checks it: a log's import
    and xAPI statements keep the concepts their own item tags give (``pathwise attempts import``).
    """
    found: list[KnowledgeGraphError] = []
    hints = Suggestions(kg.projection.dag.nodes, kg.projection.label)  # read on the first unknown id only
    material_hints = Suggestions(kg.projection.material_ids)  # a typo'd material had no hint, a concept's had one
    for index, (attempt, material) in enumerate(zip(attempts, named, strict=True)):
        if attempt.material_id and material is None:
            ident = str(attempt.material_id)
            hint = material_hints.hint(ident)
            found.append(NotFound("material", ident, field=f"attempts.{index}.materialId", hint=hint))
        unknown = [str(c) for c in attempt.concept_ids or () if not kg.projection.has_concept(str(c))]
        for concept in unknown:  # with the closest id, as a learning path's targets have it
            missing = ConceptNotFound(concept, field=f"attempts.{index}.conceptIds")
            missing.message += hints.hint(concept)
            found.append(missing)
        if material is None or material not in evidences:
            continue
        covered = evidences[material]
        outside = [str(c) for c in dict.fromkeys(attempt.concept_ids or ()) if str(c) not in (*covered, *unknown)]
        if outside:
            found.append(
                InvalidInput(not_evidence(index, material, covered, outside), field=f"attempts.{index}.conceptIds")
            )
    return found


def not_evidence(index: int, material: str, covered: Sequence[str], outside: Sequence[str]) -> str:
    """Why an attempt at ``material`` cannot count for the concepts ``outside`` what it teaches or assesses.

    Examples:
        >>> not_evidence(2, "m_slope_practice", ["slope"], ["quadratic_formula"])[:95]
        "attempt 2: material 'm_slope_practice' teaches or assesses 'slope', not 'quadratic_formula': an"
    """
    what = ", ".join(map(repr, outside))
    if not covered:
        return (
            f"attempt {index}: material {material!r} teaches or assesses no concept, so an answer to it is no "
            f"evidence on {what}: link the material to its concepts (updateMaterial) or leave materialId out"
        )
    return (
        f"attempt {index}: material {material!r} teaches or assesses {', '.join(map(repr, covered))}, not {what}: "
        "an answer to it is no evidence on those; leave conceptIds out (the material's concepts count) or name "
        "some of its own"
    )


def attempt_index(field: str | None) -> int:
    """The attempt a problem's field names (``attempts.3.score``: 3), for ordering problems as the batch is."""
    parts = (field or "").split(".")
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else -1
