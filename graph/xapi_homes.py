"""Which LMS account homes xAPI keying used, recorded in the store, so a change cannot re-key learners silently.

An xAPI account of a home page listed in ``PATHWISE_XAPI_ACCOUNT_HOMES`` is keyed by its
bare name (that LMS's own user id), any other account by its home page and name
(``ingest.attempts.xapi.actor_identifier``). Turning the setting on after statements
were stored gave every learner of the added home a second key: statements sent again
were stored again under the new key (an erased learner's among them, since the erasure
log names the old key), nightly re-sends were refused as another student's, and an
erasure request by the LMS's id found nothing while the data under the old key stayed.

So the write that stores the first keyed statement also records the homes it was keyed
with (``pw:xapiAccountHomes`` on the graph node, beside ``pw:revision``: one JSON array
literal, ``[]`` for none). Every later keying (``pathwise serve`` at start, the xAPI file
import, ``recordStatements``) compares the configured homes with it and is refused,
saying what changed and what to do, when they differ. A store holding xAPI answers from
before the record existed (an earlier release) takes the configured homes as the ones
that keyed them, with a warning: refusing would stop every upgraded service at start
for a change that, in nearly every deployment, did not happen. The way
on is :func:`accept_homes` (``pathwise xapi-homes accept``): it records the configured
homes, and keeps the replaced ones (``pw:xapiFormerAccountHomes``); learners stored
before keep their earlier keys (docs/privacy.md). A statement read after the change
carries its actor's earlier keys (``parse_xapi(former_homes=...)``), so one stored
before is a duplicate and one of a learner forgotten under an earlier key stays out.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Literal, URIRef

from graph.errors import KnowledgeGraphError, Unavailable
from graph.rdf_mapping import Triple
from graph.repository import KnowledgeGraph
from graph.store import TripleStore, select_text
from graph.vocab import GRAPH_IRI, PW

__all__ = [
    "SETTING",
    "AccountHomesChanged",
    "HomesChange",
    "accept_homes",
    "account_homes",
    "describe_homes",
    "former_homes",
    "holds_unrecorded_xapi",
    "keying_marks",
    "recorded_homes",
]

log = logging.getLogger("pathwise.xapi")

SETTING = "PATHWISE_XAPI_ACCOUNT_HOMES"
"""The setting that names the homes (what a refusal tells the operator to set)."""


def account_homes(homes: Iterable[str]) -> tuple[str, ...]:
    """The homes as keying compares them: trimmed, without a trailing slash, once each, sorted.

    Examples:
        >>> account_homes([" https://lms.example/ ", "https://a.example", "https://lms.example", ""])
        ('https://a.example', 'https://lms.example')
    """
    return tuple(sorted({h.strip().rstrip("/") for h in homes if h.strip()}))


def describe_homes(homes: Iterable[str]) -> str:
    """The homes for a person.

    Examples:
        >>> describe_homes(["https://lms.example"]), describe_homes([])
        ("'https://lms.example'", 'no home (every account by home page and name)')
    """
    listed = account_homes(homes)
    return ", ".join(repr(h) for h in listed) if listed else "no home (every account by home page and name)"


def _literal(homes: Iterable[str]) -> Literal:
    return Literal(json.dumps(list(account_homes(homes))))


def _read(store: TripleStore, predicate: URIRef) -> list[tuple[str, ...]]:
    rows = select_text(store, f"SELECT ?h WHERE {{ {GRAPH_IRI.n3()} {predicate.n3()} ?h }}")
    out = []
    for (text,) in rows:
        try:
            value = json.loads(text or "")
        except ValueError:
            value = None
        if not isinstance(value, list) or not all(isinstance(h, str) for h in value):
            raise KnowledgeGraphError(f"the store's record of the xAPI account homes is not a JSON list: {text!r}")
        out.append(account_homes(value))
    return sorted(out)


def recorded_homes(store: TripleStore) -> tuple[str, ...] | None:
    """The homes the store's xAPI learners were keyed with; ``None`` when nothing is recorded.

    Raises:
        KnowledgeGraphError: a record that is not a JSON list of strings (a damaged store).

    Examples:
        >>> from graph.store import open_store
        >>> kg = KnowledgeGraph(open_store("memory"))
        >>> recorded_homes(kg.store) is None
        True
        >>> kg.commit([], keying_marks(kg.store, ["https://lms.example/"]), lambda: None)
        >>> recorded_homes(kg.store)
        ('https://lms.example',)
    """
    found = _read(store, PW.xapiAccountHomes)
    return found[0] if found else None


def former_homes(store: TripleStore) -> list[tuple[str, ...]]:
    """Each set of homes ``accept_homes`` replaced, sorted (learners keyed then keep those keys)."""
    return _read(store, PW.xapiFormerAccountHomes)


def holds_unrecorded_xapi(store: TripleStore) -> bool:
    """Whether the store holds xAPI answers while no homes are recorded.

    Stored before the homes were recorded: nobody can tell which homes keyed them. What
    a void leaves (``graph.attempts.voided_marker``) names no learner, so no home keyed
    it: a store holding only a void warned that its answers' homes were unknown (an audit).

    Examples:
        >>> from graph.store import open_store
        >>> holds_unrecorded_xapi(KnowledgeGraph(open_store("memory")).store)
        False
    """
    if recorded_homes(store) is not None:
        return False
    rows = store.select(f"""SELECT ?a WHERE {{ ?a {PW.source.n3()} ?s FILTER(STRSTARTS(STR(?s), "xapi:")) }} LIMIT 1""")
    return bool(rows)


class AccountHomesChanged(Unavailable):
    """The configured xAPI account homes are not those the store's learners were keyed with.

    Not the request's fault: the same request succeeds once the operator sets the homes
    back or accepts the change (a forwarder keeps its statements and sends them again).
    """

    def __init__(self, configured: Iterable[str], recorded: tuple[str, ...] | None, *, setting: str = SETTING) -> None:
        self.configured = account_homes(configured)
        self.recorded = recorded
        if recorded is None:
            message = (
                "this store holds xAPI answers stored before Pathwise recorded which account homes keyed their "
                f"learners, so it cannot tell whether {setting} ({describe_homes(self.configured)}) is what keyed "
                "them, and other homes would key every learner of a home added or removed a second way. If it is, "
                f"say so once: `pathwise xapi-homes accept` (service stopped). If not, set {SETTING} to the homes "
                "that keyed them first, then accept"
            )
        else:
            added = [h for h in self.configured if h not in recorded]
            removed = [h for h in recorded if h not in self.configured]
            change = "; ".join(
                [f"added {', '.join(map(repr, added))}"] * bool(added)
                + [f"removed {', '.join(map(repr, removed))}"] * bool(removed)
            )
            if setting.startswith("--"):
                back = f"give {setting} as recorded" if recorded else f"leave out {setting}"
            else:
                back = f"set {setting} back to {','.join(recorded)}" if recorded else f"unset {setting}"
            message = (
                f"{setting} names {describe_homes(self.configured)}, but this store's xAPI learners were keyed "
                f"with {describe_homes(recorded)}: {change}. Every learner of a home added or removed would get a "
                "second key, and an access or erasure request by one key would miss the data stored under the "
                f"other. Either {back}, or, to key those learners anew from now on (those stored before keep "
                "their keys: docs/privacy.md), stop the service and run `pathwise xapi-homes accept` with the new "
                f"homes in {SETTING}"
            )
        super().__init__(message)


def keying_marks(
    store: TripleStore, configured: Iterable[str], *, setting: str = SETTING, unrecorded: bool = True
) -> list[Triple]:
    """Check that ``configured`` homes key as the stored learners were keyed; the triples that record them.

    Returns the triple to write with the first keyed statement (in the same transaction)
    when nothing is recorded yet, else nothing. ``unrecorded`` also looks for xAPI answers
    stored before the record existed (a scan of the attempts' sources: at start, or for a
    file import; a running service was checked when it started): the configured homes are
    taken as theirs, and a warning says so and how to check.

    Raises:
        AccountHomesChanged: other homes are recorded.

    Examples:
        >>> from graph.store import open_store
        >>> kg = KnowledgeGraph(open_store("memory"))
        >>> kg.commit([], keying_marks(kg.store, ["https://lms.example"]), lambda: None)
        >>> keying_marks(kg.store, ["https://lms.example/"])
        []
        >>> try:
        ...     keying_marks(kg.store, [])
        ... except AccountHomesChanged as error:
        ...     print(error.recorded, error.configured, error.code.value)
        ('https://lms.example',) () UNAVAILABLE
    """
    wanted = account_homes(configured)
    recorded = recorded_homes(store)
    if recorded is None:
        if unrecorded and holds_unrecorded_xapi(store):
            log.warning(
                "this store holds xAPI answers from before Pathwise recorded which account homes keyed them: "
                "%s (%s as set now) is taken as theirs and recorded with the next statement. If %s changed since "
                "they were stored, stop the service and set it back first: another set keys every learner of a "
                "home added or removed a second way (`pathwise xapi-homes show`; docs/privacy.md)",
                describe_homes(wanted),
                setting,
                setting,
            )
        return [(GRAPH_IRI, PW.xapiAccountHomes, _literal(wanted))]
    if recorded != wanted:
        raise AccountHomesChanged(wanted, recorded, setting=setting)
    return []


@dataclass(frozen=True)
class HomesChange:
    """What ``accept_homes`` recorded: the homes before (``None``: none recorded) and now."""

    before: tuple[str, ...] | None
    after: tuple[str, ...]
    unrecorded_xapi: bool = False  # xAPI answers were stored before any record

    @property
    def added(self) -> tuple[str, ...]:
        """Homes whose accounts are keyed by their bare name from now on (by home page and name before)."""
        return tuple(h for h in self.after if self.before is not None and h not in self.before)

    @property
    def removed(self) -> tuple[str, ...]:
        """Homes whose accounts are keyed by home page and name from now on (by their bare name before)."""
        return tuple(h for h in (self.before or ()) if h not in self.after)

    @property
    def changed(self) -> bool:
        """Whether the record changed (a first record counts)."""
        return self.before != self.after


def accept_homes(kg: KnowledgeGraph, configured: Iterable[str]) -> HomesChange:
    """Record ``configured`` as the homes xAPI learners are keyed with from now on; the replaced ones are kept.

    Nothing stored is re-keyed: the store holds keys, not the LMS account names they were
    made from, so no one can compute a learner's new key from the old. Learners stored
    before keep their earlier keys (``former_homes`` says how they were keyed).

    Examples:
        >>> from graph.store import open_store
        >>> kg = KnowledgeGraph(open_store("memory"))
        >>> kg.commit([], keying_marks(kg.store, []), lambda: None)
        >>> change = accept_homes(kg, ["https://lms.example"])
        >>> change.added, change.removed, recorded_homes(kg.store), former_homes(kg.store)
        (('https://lms.example',), (), ('https://lms.example',), [()])
        >>> accept_homes(kg, ["https://lms.example/"]).changed
        False
    """
    wanted = account_homes(configured)
    with kg.lock:
        before = recorded_homes(kg.store)
        unrecorded = before is None and holds_unrecorded_xapi(kg.store)
        change = HomesChange(before, wanted, unrecorded_xapi=unrecorded)
        if not change.changed:
            return change
        deletes: list[Triple] = []
        inserts: list[Triple] = [(GRAPH_IRI, PW.xapiAccountHomes, _literal(wanted))]
        if before is not None:
            deletes.append((GRAPH_IRI, PW.xapiAccountHomes, _literal(before)))
            if before not in former_homes(kg.store):
                inserts.append((GRAPH_IRI, PW.xapiFormerAccountHomes, _literal(before)))
        kg.commit(deletes, inserts, lambda: None)
        return change
