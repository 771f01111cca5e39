"""What a token's claims must say besides its signature: audience, issuer, and where its role is.

An identity provider (Keycloak, Azure AD, Auth0, an LMS's LTI 1.3 launch) signs tokens for
many applications, so a token names the one it is for (``aud``) and who issued it
(``iss``), and carries roles in its own words, often a list in a claim of its own
(``realm_access.roles``, ``roles``, LTI's ``https://purl.imsglobal.org/spec/lti/claim/roles``).
``ClaimRules`` says which audience and issuer this deployment accepts and how the
provider's role names become Pathwise roles, so no translation proxy is needed.

Several Pathwise roles in one token: the least privileged wins (``LEAST_PRIVILEGE_FIRST``).
The roles are not nested (a teacher cannot edit the curriculum, a designer sees no
student), so "the most" is not even defined; a role granted wrongly should fail as a
visible FORBIDDEN, not as a quiet look at students' data.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from auth.principal import Role

__all__ = [
    "DEFAULT_ROLE_CLAIM",
    "LEAST_PRIVILEGE_FIRST",
    "ClaimRules",
    "claim_at",
    "mapped_roles",
    "parse_role_map",
    "pick_role",
]

DEFAULT_ROLE_CLAIM = "role"

LEAST_PRIVILEGE_FIRST = (Role.STUDENT, Role.DESIGNER, Role.ANALYST, Role.TEACHER, Role.INTEGRATION, Role.ADMIN)
"""By what a wrongly granted role would expose: one's own data; the curriculum and no
student; suppressed aggregates; named students of some cohorts; every student's answers
and every class's teachers to write (an integration reads no student, but a roster it
writes decides which teacher sees whom); everything."""


@dataclass(frozen=True)
class ClaimRules:
    """The audience, issuer and role claim a deployment accepts.

    - ``audience``: accepted ``aud`` values (any one matching will do); empty: not checked,
      and then a token that carries ``aud`` is accepted only if ``accept_unchecked_audience``
      (development) — in production it is refused, since a token the provider issued for
      another application would otherwise be good here too.
    - ``issuer``: the ``iss`` required; ``None``: not checked.
    - ``role_claim``: the claim holding the role(s), a string or a list of strings; dots
      walk into nested objects (``realm_access.roles``), but a claim named with dots is
      found first (LTI's claim names are URLs).
    - ``role_map``: the provider's role names (or URIs) to Pathwise roles. With a map, only
      the names it lists count: a provider's own ``admin`` (for another application) makes
      no Pathwise admin unless mapped. Without one, the Pathwise role names themselves.
    """

    audience: tuple[str, ...] = ()
    issuer: str | None = None
    role_claim: str = DEFAULT_ROLE_CLAIM
    role_map: Mapping[str, Role] = field(default_factory=dict)
    accept_unchecked_audience: bool = False
    # set once the unchecked audience has been logged: one line, not one per request
    unchecked_audience_logged: threading.Event = field(default_factory=threading.Event, compare=False, repr=False)

    def __post_init__(self) -> None:
        if any(not a for a in self.audience):
            raise ValueError("an audience must not be empty")
        if self.issuer == "":
            raise ValueError("the issuer must not be empty (None: not checked)")
        if not self.role_claim.strip(". "):
            raise ValueError("the role claim must name a claim")

    def name_for(self, role: Role) -> str:
        """The provider's name for ``role`` (what ``pathwise token`` writes), the first the map lists.

        Raises:
            ValueError: a map that gives ``role`` no name: no token could carry it.
        """
        if not self.role_map:
            return role.value
        for name, mapped in self.role_map.items():
            if mapped is role:
                return name
        raise ValueError(f"PATHWISE_JWT_ROLE_MAP maps no name to {role.value}: no token can carry that role")


def parse_role_map(text: str) -> dict[str, Role]:
    """``Name=role,Other=role`` as a mapping; a name may be a URI (``...membership#Instructor``).

    Raises:
        ValueError: an entry without ``=``, an empty name, a role that is not a Pathwise role,
        or one name mapped twice.

    Examples:
        >>> parse_role_map("Instructor=teacher, Learner=student")
        {'Instructor': <Role.TEACHER: 'teacher'>, 'Learner': <Role.STUDENT: 'student'>}
        >>> parse_role_map("")
        {}
    """
    found: dict[str, Role] = {}
    for entry in (e.strip() for e in text.split(",")):
        if not entry:
            continue
        name, equals, role = entry.rpartition("=")  # the last '=': a URI may hold one, a role never does
        name, role = name.strip(), role.strip()
        if not equals or not name:
            raise ValueError(f"{entry!r} is not Name=role")
        try:
            mapped = Role(role)
        except ValueError:
            allowed = ", ".join(r.value for r in Role)
            raise ValueError(f"{entry!r} maps to {role!r}, not one of {allowed}") from None
        if found.get(name, mapped) is not mapped:
            raise ValueError(f"{name!r} is mapped twice, to {found[name].value} and {mapped.value}")
        found[name] = mapped
    return found


_MISSING = object()


def claim_at(claims: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted ``path``, trying the longest key first at each level; ``None`` when absent.

    Examples:
        >>> claim_at({"realm_access": {"roles": ["x"]}}, "realm_access.roles")
        ['x']
        >>> claim_at({"https://lti.example/claim/roles": ["y"]}, "https://lti.example/claim/roles")
        ['y']
        >>> claim_at({"role": "student"}, "realm_access.roles") is None
        True
    """
    value = _walk(claims, path.split("."))
    return None if value is _MISSING else value


def _walk(node: Any, parts: list[str]) -> Any:
    if not parts:
        return node
    if not isinstance(node, Mapping):
        return _MISSING
    for end in range(len(parts), 0, -1):
        key = ".".join(parts[:end])
        if key in node:
            found = _walk(node[key], parts[end:])
            if found is not _MISSING:
                return found
    return _MISSING


def pick_role(names: list[str], rules: ClaimRules) -> Role | None:
    """The least privileged Pathwise role among the provider's ``names``; ``None`` when none maps.

    Names the map does not list are ignored (Keycloak adds ``offline_access`` and the like).

    Examples:
        >>> rules = ClaimRules(role_map={"Instructor": Role.TEACHER, "Learner": Role.STUDENT})
        >>> pick_role(["offline_access", "Instructor", "Learner"], rules)
        <Role.STUDENT: 'student'>
        >>> pick_role(["teacher"], ClaimRules())
        <Role.TEACHER: 'teacher'>
        >>> pick_role(["admin"], rules) is None
        True
    """
    ranked = mapped_roles(names, rules)
    return ranked[0] if ranked else None


def mapped_roles(names: list[str], rules: ClaimRules) -> list[Role]:
    """Every Pathwise role among the provider's ``names``, the least privileged first.

    Examples:
        >>> mapped_roles(["admin", "teacher", "x"], ClaimRules())
        [<Role.TEACHER: 'teacher'>, <Role.ADMIN: 'admin'>]
    """
    known: Mapping[str, Role] = rules.role_map or {r.value: r for r in Role}
    found = {known[n] for n in names if n in known}
    return [r for r in LEAST_PRIVILEGE_FIRST if r in found]
