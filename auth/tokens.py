"""Signed JWTs carrying ``sub`` and a role: verify them, and mint them for development.

Two algorithms, chosen by the deployment's keys, never by the token alone:

- ``HS256`` with a shared secret (``PATHWISE_JWT_SECRET``, at least 32 bytes as RFC 7518
  asks of an HS256 key);
- ``RS256`` with a public key (``PATHWISE_JWT_PUBLIC_KEY``, a PEM file), for an identity
  provider that signs with a private key Pathwise never sees.

The token's header names its algorithm; it is accepted only when the deployment holds a
key for exactly that algorithm, and the key is passed to PyJWT with that one algorithm,
so a token cannot pick ``none`` or pass an RSA public key off as an HMAC secret.
``exp``, ``sub`` and a role are required; the audience, the issuer and where the role is
(and what the identity provider calls it) are the deployment's ``ClaimRules``
(``auth.claims``). Every refusal is a ``TokenError`` whose subclass and ``code`` say
why, for the 401 body and for the logs.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from auth.claims import ClaimRules, claim_at, mapped_roles
from auth.principal import Principal, Role

__all__ = [
    "HS256",
    "MIN_SECRET_BYTES",
    "RS256",
    "AlgorithmNotAccepted",
    "AudienceNotConfigured",
    "BadSignature",
    "ExpiredToken",
    "InvalidClaims",
    "MalformedToken",
    "NotYetValidToken",
    "TokenError",
    "VerificationKeys",
    "WrongAudience",
    "WrongIssuer",
    "bearer_token",
    "mint",
    "verify",
]

HS256 = "HS256"
RS256 = "RS256"
MIN_SECRET_BYTES = 32
REQUIRED_CLAIMS = ("exp", "sub")  # and the role, wherever ``ClaimRules.role_claim`` says it is

log = logging.getLogger("pathwise.auth")


class TokenError(Exception):
    """A token that is not accepted; ``code`` is machine-readable, the message is for people."""

    code = "INVALID_TOKEN"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class MalformedToken(TokenError):
    """Not a JWT at all (or not a bearer token)."""

    code = "MALFORMED_TOKEN"


class AlgorithmNotAccepted(TokenError):
    """Signed with an algorithm this deployment holds no key for."""

    code = "ALGORITHM_NOT_ACCEPTED"


class BadSignature(TokenError):
    """The signature does not verify with this deployment's key."""

    code = "BAD_SIGNATURE"


class ExpiredToken(TokenError):
    """Past its ``exp``: a client gets a fresh token and tries again."""

    code = "TOKEN_EXPIRED"


class NotYetValidToken(TokenError):
    """Before its ``nbf`` or ``iat`` (beyond the leeway): a fresh token would be refused too.

    Its own code, not ``TOKEN_EXPIRED``: a client that refreshes on an expired token
    looped, refreshing into another token from the same (fast) clock.
    """

    code = "TOKEN_NOT_YET_VALID"


class InvalidClaims(TokenError):
    """A required claim is missing, or ``sub`` or the role claim hold something unusable."""

    code = "INVALID_CLAIMS"


class WrongAudience(TokenError):
    """``aud`` names none of the audiences this deployment accepts (or is missing when one is set)."""

    code = "WRONG_AUDIENCE"


class AudienceNotConfigured(TokenError):
    """A token that names an audience, in production with ``PATHWISE_JWT_AUDIENCE`` unset.

    Unchecked, a token the identity provider issued for any other application would be
    accepted here; one setting (the audience) makes such tokens work.
    """

    code = "AUDIENCE_NOT_CONFIGURED"


class WrongIssuer(TokenError):
    """``iss`` is not the issuer this deployment accepts (or is missing when one is set)."""

    code = "WRONG_ISSUER"


@dataclass(frozen=True)
class VerificationKeys:
    """The keys a deployment verifies with; at least one of the two.

    ``leeway`` (seconds) tolerates clock skew between the token's issuer and this host;
    ``rules`` say which audience, issuer and role claim are accepted.
    """

    hs256_secret: str | None = None
    rs256_public_key: str | None = None
    leeway: float = 30.0
    max_lifetime: float = 0.0  # seconds a token may still run when presented (0: any); see ``verify``
    rules: ClaimRules = field(default_factory=ClaimRules)

    def __post_init__(self) -> None:
        if self.hs256_secret is None and self.rs256_public_key is None:
            raise ValueError("no verification key: give an HS256 secret or an RS256 public key")
        if self.hs256_secret is not None and len(self.hs256_secret.encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"the HS256 secret must be at least {MIN_SECRET_BYTES} bytes")

    def key_for(self, algorithm: str) -> str:
        """The key for a token signed with ``algorithm``. Raises ``AlgorithmNotAccepted``."""
        key = {HS256: self.hs256_secret, RS256: self.rs256_public_key}.get(algorithm)
        if key is None:
            accepted = ", ".join(a for a, k in ((HS256, self.hs256_secret), (RS256, self.rs256_public_key)) if k)
            raise AlgorithmNotAccepted(f"tokens signed with {algorithm} are not accepted here (only {accepted})")
        return key


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header; ``None`` when there is no header.

    Raises:
        MalformedToken: a header that is not a bearer token.

    Examples:
        >>> bearer_token("Bearer abc.def.ghi")
        'abc.def.ghi'
        >>> bearer_token(None) is None
        True
    """
    if authorization is None or not authorization.strip():
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise MalformedToken("the Authorization header must be 'Bearer <token>'")
    return token.strip()


def verify(token: str, keys: VerificationKeys) -> Principal:
    """The principal a token names, once its signature, expiry and claims check out.

    Raises:
        MalformedToken, AlgorithmNotAccepted, BadSignature, ExpiredToken, NotYetValidToken, InvalidClaims,
        WrongAudience, AudienceNotConfigured, WrongIssuer.
    """
    try:
        algorithm = jwt.get_unverified_header(token).get("alg")
    except jwt.DecodeError as error:
        # the decoder's first clause ("Invalid header string"), not its codec internals
        raise MalformedToken(f"not a JWT: {str(error).split(':', 1)[0]}") from None
    except jwt.InvalidTokenError as error:  # a header PyJWT refuses itself ("crit"): it was a 500
        raise MalformedToken(f"the token is not valid: {error}") from None
    if not isinstance(algorithm, str):
        raise MalformedToken("the token header names no algorithm")
    key = keys.key_for(algorithm)
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=[algorithm],
            leeway=keys.leeway,
            # aud and iss are checked below, with messages that say what was expected
            options={"require": list(REQUIRED_CLAIMS), "verify_sub": False, "verify_aud": False, "verify_iss": False},
        )
    except jwt.ExpiredSignatureError:
        raise ExpiredToken("the token has expired") from None
    except jwt.ImmatureSignatureError:
        raise NotYetValidToken(
            "the token is not valid yet (its 'nbf' or 'iat' is in the future): check the issuer's clock"
        ) from None
    except jwt.InvalidIssuedAtError:
        raise InvalidClaims("the token's 'iat' claim must be a number (seconds since the epoch)") from None
    except jwt.MissingRequiredClaimError as error:
        raise InvalidClaims(f"the token has no {error.claim!r} claim") from None
    except jwt.InvalidSignatureError:
        raise BadSignature("the token's signature does not verify") from None
    except jwt.InvalidTokenError as error:
        raise MalformedToken(f"the token is not valid: {error}") from None
    _check_issuer(claims, keys.rules)
    _check_audience(claims, keys.rules)
    _check_lifetime(claims, keys)
    return _principal(claims, keys.rules)


def _check_issuer(claims: dict[str, Any], rules: ClaimRules) -> None:
    if rules.issuer is None:
        return
    issuer = claims.get("iss")
    if issuer is None:
        raise WrongIssuer(f"the token names no issuer ('iss'); this service accepts {rules.issuer!r}")
    if issuer != rules.issuer:
        raise WrongIssuer(f"the token was issued by {issuer!r}; this service accepts {rules.issuer!r}")


def _check_audience(claims: dict[str, Any], rules: ClaimRules) -> None:
    """``aud`` must name one of the configured audiences; unconfigured, see ``ClaimRules``."""
    audience = claims.get("aud")
    named = [audience] if isinstance(audience, str) else audience
    if audience is not None and not (isinstance(named, list) and all(isinstance(a, str) for a in named)):
        raise WrongAudience("the token's 'aud' claim is not a string or a list of strings")
    accepted = ", ".join(map(repr, rules.audience))
    if rules.audience:
        if not named:
            raise WrongAudience(f"the token names no audience ('aud'); this service accepts {accepted}")
        if not set(named) & set(rules.audience):
            raise WrongAudience(f"the token is for {', '.join(map(repr, named))}; this service accepts {accepted}")
        return
    if not named:
        return
    if not rules.accept_unchecked_audience:
        raise AudienceNotConfigured(
            f"the token is for {', '.join(map(repr, named))} and this service has no audience to check it "
            "against: set PATHWISE_JWT_AUDIENCE to the audience its tokens are issued for"
        )
    if not rules.unchecked_audience_logged.is_set():
        rules.unchecked_audience_logged.set()
        log.warning(
            "tokens name an audience (%s) that is not checked: set PATHWISE_JWT_AUDIENCE to it "
            "(production refuses them until it is set)",
            ", ".join(named),
        )


def _check_lifetime(claims: dict[str, Any], keys: VerificationKeys) -> None:
    """Refuse a token that runs longer than the deployment allows: one leaked is good until then.

    A token with ``exp`` 10**30 was accepted: a leaked one would never expire.
    """
    if not keys.max_lifetime:
        return
    remaining = float(claims["exp"]) - time.time()
    if remaining > keys.max_lifetime + keys.leeway:
        days = keys.max_lifetime / 86400
        raise InvalidClaims(
            f"the token runs for more than the {days:g} days this service accepts (PATHWISE_JWT_MAX_TTL_SECONDS): "
            "issue shorter-lived tokens"
        )


def _principal(claims: dict[str, Any], rules: ClaimRules) -> Principal:
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub:
        raise InvalidClaims("the 'sub' claim must be a non-empty string")
    where = rules.role_claim
    value = claim_at(claims, where)
    if value is None:
        raise InvalidClaims(f"the token has no {where!r} claim")
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise InvalidClaims(f"the {where!r} claim must be a string or a list of strings, not {value!r}")
    ranked = mapped_roles(names, rules)
    if not ranked:
        if rules.role_map:
            accepted = ", ".join(map(repr, rules.role_map))
            hint = f"PATHWISE_JWT_ROLE_MAP maps {accepted}"
        else:
            accepted = ", ".join(r.value for r in Role)
            hint = f"accepted: {accepted} (PATHWISE_JWT_ROLE_MAP translates an identity provider's names)"
        found = ", ".join(map(repr, names)) or "nothing"
        raise InvalidClaims(f"the {where!r} claim holds no Pathwise role: found {found}; {hint}")
    return Principal(ranked[0], sub, set_aside=tuple(ranked[1:]))


def mint(
    *,
    role: Role,
    sub: str,
    secret: str | None = None,
    private_key: str | None = None,
    ttl: int = 3600,
    now: float | None = None,
    rules: ClaimRules | None = None,
) -> str:
    """A token for ``sub`` in ``role``, valid for ``ttl`` seconds (HS256 with ``secret``, else RS256).

    For development and tests (``pathwise token``); production tokens come from whatever
    issues them, signed with the secret or the private key that matches the public one.
    With ``rules``, the token is the one they accept: their first audience, their issuer,
    and the role under the role claim by the provider's name for it.

    Examples:
        >>> keys = VerificationKeys(hs256_secret="x" * 32)
        >>> verify(mint(role=Role.STUDENT, sub="s1", secret="x" * 32), keys)
        Principal(role=<Role.STUDENT: 'student'>, sub='s1')
    """
    if (secret is None) == (private_key is None):
        raise ValueError("give exactly one of secret (HS256) and private_key (RS256)")
    if not sub:
        raise ValueError("sub must not be empty")
    if ttl <= 0:
        raise ValueError("ttl must be positive")
    issued = int(now if now is not None else time.time())
    claims: dict[str, Any] = {"sub": sub, "iat": issued, "exp": issued + ttl}
    rules = rules or ClaimRules()
    claims.update(_nested(rules.role_claim, rules.name_for(Role(role))))
    if rules.audience:
        claims["aud"] = rules.audience[0]
    if rules.issuer is not None:
        claims["iss"] = rules.issuer
    if secret is not None:
        VerificationKeys(hs256_secret=secret)  # the same length rule as verification
        return jwt.encode(claims, secret, algorithm=HS256)
    assert private_key is not None
    return jwt.encode(claims, _rsa_private_key(private_key), algorithm=RS256)


def _nested(path: str, value: str) -> dict[str, Any]:
    """``{"realm_access": {"roles": [value]}}`` for ``realm_access.roles``; a plain ``role`` stays a string.

    A claim named by a URL (LTI's, Auth0's namespaced ones) is one claim, dots and all.
    """
    if path == "role":
        return {"role": value}
    if "://" in path:
        return {path: [value]}
    *parents, last = path.split(".")
    out: dict[str, Any] = {last: [value]}
    for parent in reversed(parents):
        out = {parent: out}
    return out


def _rsa_private_key(pem: str) -> rsa.RSAPrivateKey:
    """The signing key, or a ValueError that says what is wrong with it.

    PyJWT called any unreadable key "the provided public key", and a public key given
    where the private one belongs crashed deep in signing with an AttributeError.
    """
    try:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
    except TypeError:
        raise ValueError("the private key is encrypted: give it without a passphrase") from None
    except ValueError:
        raise ValueError("the private key is not a PEM private key (a public key, or not PEM at all)") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError(f"the private key is {type(key).__name__}, not RSA: RS256 signs with RSA")
    return key
