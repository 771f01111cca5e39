"""An identity provider's tokens over HTTP, on a real server: what a deployer sets and relies on.

A Keycloak-shaped RS256 token (``aud``, ``iss``, roles in ``realm_access.roles``) works
with PATHWISE_JWT_AUDIENCE, PATHWISE_JWT_ISSUER, PATHWISE_JWT_ROLE_CLAIM and
PATHWISE_JWT_ROLE_MAP set; another audience or issuer is a 401 that says which; an
unknown role is a 401 that names the claim and what it held. Without an audience set, a
token that names one is refused in production (with what to set) and accepted in
development (logged once). It was refused everywhere as MALFORMED_TOKEN "Invalid audience".
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from live_server import ROOT, Live, graphql, serving

from auth.keys import DEV_SECRET_FILE

ISSUER = "https://idp.example.org/realms/school"
LIS = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
QUIET = {"PATHWISE_LOAD_DEMO": "false", "PATHWISE_MASTERY": "false", "PATHWISE_PSEUDONYM_SECRET": "q" * 40}
SSO = {
    "PATHWISE_JWT_AUDIENCE": "pathwise,pathwise-lti",
    "PATHWISE_JWT_ISSUER": ISSUER,
    "PATHWISE_JWT_ROLE_CLAIM": "realm_access.roles",
    "PATHWISE_JWT_ROLE_MAP": f"Teacher=teacher,Student=student,Admin=admin,{LIS}Instructor=teacher",
}


@cache
def provider_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def issued(**overrides: object) -> str:
    """A token as the provider issues it: RS256, for Pathwise, roles in realm_access.roles."""
    now = int(time.time())
    claims: dict[str, object] = {
        "sub": "u1",
        "iat": now,
        "exp": now + 300,
        "aud": ["pathwise", "account"],
        "iss": ISSUER,
        "realm_access": {"roles": ["offline_access", "uma_authorization", "Teacher"]},
    }
    claims.update(overrides)
    return jwt.encode({k: v for k, v in claims.items() if v is not None}, provider_key(), algorithm="RS256")


def refusal(live: Live, token: str) -> tuple[int, dict[str, str], str]:
    reply = graphql(live.base, "{ curricula { id } }", token=token)
    error = reply.json()["errors"][0]
    return reply.status, error["extensions"], error["message"]


@pytest.fixture(scope="module")
def sso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    folder = tmp_path_factory.mktemp("sso")
    public = folder / "provider.pem"
    public.write_bytes(
        provider_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    env = {"PATHWISE_ENV": "production", "PATHWISE_JWT_PUBLIC_KEY": str(public), **SSO, **QUIET}
    with serving(folder / "data", **env) as live:
        yield live


class TestConfiguredProvider:
    def test_a_token_for_this_service_from_its_issuer_works_with_its_mapped_role(self, sso: Live) -> None:
        teacher = issued()
        assert graphql(sso.base, "{ curricula { id } }", token=teacher).json() == {"data": {"curricula": []}}
        # a teacher (not an admin, not a student): a student outside their cohorts is refused as such
        refused = graphql(sso.base, '{ student(id: "u2") { id } }', token=teacher).json()
        assert refused["errors"][0]["extensions"] == {"code": "FORBIDDEN", "field": "id"}
        assert "teach" in refused["errors"][0]["message"]

    def test_several_roles_the_least_privileged_is_used(self, sso: Live) -> None:
        both = issued(realm_access={"roles": ["Admin", "Student"]})
        refused = graphql(sso.base, '{ student(id: "u2") { id } }', token=both).json()
        # it named the student role alone, and a teacher who is also a student could not tell why
        assert refused["errors"][0]["message"] == (
            "'student': students may only use their own data; the token also names the admin role, set aside: "
            "with several roles the least privileged acts, so a token with that role alone is needed"
        )

    def test_a_second_configured_audience_and_a_uri_role(self, sso: Live) -> None:
        lti = issued(aud="pathwise-lti", realm_access={"roles": [f"{LIS}Instructor"]})
        assert graphql(sso.base, "{ curricula { id } }", token=lti).status == 200

    def test_another_audience_is_wrong_audience(self, sso: Live) -> None:
        status, extensions, message = refusal(sso, issued(aud="gradebook"))
        assert (status, extensions) == (401, {"code": "UNAUTHENTICATED", "reason": "WRONG_AUDIENCE"})
        assert message == "the token is for 'gradebook'; this service accepts 'pathwise', 'pathwise-lti'"

    def test_no_audience_is_wrong_audience(self, sso: Live) -> None:
        _, extensions, _ = refusal(sso, issued(aud=None))
        assert extensions["reason"] == "WRONG_AUDIENCE"

    def test_another_issuer_is_wrong_issuer(self, sso: Live) -> None:
        status, extensions, message = refusal(sso, issued(iss="https://evil.example/realms/school"))
        assert (status, extensions) == (401, {"code": "UNAUTHENTICATED", "reason": "WRONG_ISSUER"})
        assert (
            message == f"the token was issued by 'https://evil.example/realms/school'; this service accepts {ISSUER!r}"
        )

    def test_unknown_roles_name_the_claim_and_the_roles_found(self, sso: Live) -> None:
        status, extensions, message = refusal(sso, issued(realm_access={"roles": ["offline_access", "Janitor"]}))
        assert (status, extensions["reason"]) == (401, "INVALID_CLAIMS")
        assert message.startswith(
            "the 'realm_access.roles' claim holds no Pathwise role: found 'offline_access', 'Janitor'; "
            "PATHWISE_JWT_ROLE_MAP maps 'Teacher', 'Student', 'Admin'"
        )

    def test_a_dev_token_minted_with_the_same_settings_passes(self, sso: Live, tmp_path: Path) -> None:
        private = tmp_path / "provider-private.pem"
        private.write_bytes(
            provider_key().private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        environ = {k: v for k, v in os.environ.items() if not k.startswith("PATHWISE_JWT")}
        minted = subprocess.run(
            [sys.executable, "-m", "cli", "token", "--role", "teacher", "--sub", "t1", "--private-key", str(private)],
            cwd=ROOT,
            env={**environ, **SSO, "PATHWISE_DATA_DIR": str(tmp_path / "data")},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert minted.returncode == 0, minted.stderr
        assert graphql(sso.base, "{ curricula { id } }", token=minted.stdout.strip()).status == 200


def test_production_without_an_audience_refuses_a_token_naming_one_and_says_what_to_set(tmp_path: Path) -> None:
    secret = "production-secret-" + "z" * 30
    now = int(time.time())
    claims = {"sub": "s1", "role": "student", "iat": now, "exp": now + 60}
    with serving(tmp_path / "data", PATHWISE_ENV="production", PATHWISE_JWT_SECRET=secret, **QUIET) as live:
        status, extensions, message = refusal(live, jwt.encode(claims | {"aud": "pathwise"}, secret))
        assert (status, extensions["reason"]) == (401, "AUDIENCE_NOT_CONFIGURED")
        assert "set PATHWISE_JWT_AUDIENCE to the audience its tokens are issued for" in message
        assert graphql(live.base, "{ curricula { id } }", token=jwt.encode(claims, secret)).status == 200


def test_development_without_an_audience_accepts_it_and_logs_once(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with serving(data, **QUIET) as live:
        secret = (data / DEV_SECRET_FILE).read_text().strip()
        now = int(time.time())
        token = jwt.encode({"sub": "s1", "role": "student", "iat": now, "exp": now + 60, "aud": "pathwise"}, secret)
        for _ in range(2):
            assert graphql(live.base, "{ curricula { id } }", token=token).status == 200
    log = live.log_text()
    assert log.count("tokens name an audience (pathwise) that is not checked: set PATHWISE_JWT_AUDIENCE") == 1
