"""Tokens over HTTP, on a real server: production requires them, development falls back to admin.

Production: no token or a bad one is 401 at the HTTP layer (before GraphQL), introspection
is refused, a valid token works and its role is enforced, and without any key the
server does not start. Development: a tokenless request acts as admin with a WARNING in
the log, a token minted by ``pathwise token`` is accepted, a bad token is still 401.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from live_server import ROOT, Live, call, graphql, serving

from auth.principal import Role
from auth.tokens import mint

SECRET = "production-secret-" + "z" * 30
QUIET = {"PATHWISE_LOAD_DEMO": "false", "PATHWISE_MASTERY": "false", "PATHWISE_PSEUDONYM_SECRET": "q" * 40}
INTROSPECTION = "{ __schema { queryType { name } } }"


def token(role: Role, sub: str, secret: str = SECRET, **kwargs: float) -> str:
    return mint(role=role, sub=sub, secret=secret, **kwargs)  # type: ignore[arg-type]


def cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    data = tmp_path_factory.mktemp("production") / "data"
    with serving(data, PATHWISE_ENV="production", PATHWISE_JWT_SECRET=SECRET, **QUIET) as live:
        yield live


class TestProduction:
    def test_no_token_is_401(self, production: Live) -> None:
        reply = graphql(production.base, "{ curricula { id } }")
        assert reply.status == 401
        assert reply.headers["www-authenticate"] == 'Bearer realm="pathwise"'
        assert reply.json()["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}

    @pytest.mark.parametrize(
        ("bad", "reason"),
        [
            (token(Role.ADMIN, "a1", secret="another-secret-" + "q" * 30), "BAD_SIGNATURE"),
            (token(Role.ADMIN, "a1", ttl=60, now=time.time() - 7200), "TOKEN_EXPIRED"),
            # a token from a fast clock was TOKEN_EXPIRED, and a client refreshing on that looped
            (token(Role.ADMIN, "a1", ttl=60, now=time.time() + 7200), "TOKEN_NOT_YET_VALID"),
            ("not-a-jwt", "MALFORMED_TOKEN"),
        ],
        ids=["bad-signature", "expired", "not-yet-valid", "malformed"],
    )
    def test_bad_token_is_401(self, production: Live, bad: str, reason: str) -> None:
        reply = graphql(production.base, "{ curricula { id } }", token=bad)
        assert reply.status == 401
        assert 'error="invalid_token"' in reply.headers["www-authenticate"]
        assert reply.json()["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED", "reason": reason}

    def test_other_schemes_are_401(self, production: Live) -> None:
        reply = call(production.base, body=b"{}", headers={"Authorization": "Basic YTpi"})
        assert reply.status == 401

    def test_two_authorization_headers_are_refused(self, production: Live) -> None:
        # The first won: a student's token before an admin's acted as the student, the other way round as the admin.
        import http.client
        from urllib.parse import urlsplit

        url = urlsplit(production.base)
        connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=30)
        body = b'{"query": "{ curricula { id } }"}'
        connection.putrequest("POST", "/graphql")
        for role in (Role.STUDENT, Role.ADMIN):
            connection.putheader("Authorization", f"Bearer {token(role, 'x1')}")
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        reply = connection.getresponse()
        refused = json.loads(reply.read())
        connection.close()
        assert reply.status == 401
        assert refused["errors"][0]["message"] == "the request has 2 Authorization headers: send one"
        assert refused["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED", "reason": "MALFORMED_TOKEN"}

    def test_valid_token_works_and_its_role_is_enforced(self, production: Live) -> None:
        student = token(Role.STUDENT, "s1")
        assert graphql(production.base, "{ curricula { id } }", token=student).json() == {"data": {"curricula": []}}
        refused = graphql(production.base, '{ student(id: "s2") { id } }', token=student).json()
        assert refused["data"] == {"student": None}
        assert refused["errors"][0]["message"] == "'student': students may only use their own data"
        assert refused["errors"][0]["extensions"] == {"code": "FORBIDDEN", "field": "id"}
        own = graphql(production.base, '{ student(id: "s1") { id } }', token=student).json()
        assert own["data"]["student"]["id"].startswith("stu-")  # themself, a newcomer: their (empty) record

    def test_an_integration_token_syncs_a_roster_and_reads_no_student(self, production: Live) -> None:
        lms = token(Role.INTEGRATION, "moodle-sync")
        roster = 'mutation { importRoster(csv: "cohort,student,teacher\\n7b,s7,t1\\n") { __typename } }'
        assert graphql(production.base, roster, token=lms).json() == {
            "data": {"importRoster": {"__typename": "RosterImport"}}
        }
        for query in ('{ student(id: "s7") { id } }', '{ cohort(id: "7b") { id } }', "{ masteryModels { version } }"):
            refused = graphql(production.base, query, token=lms).json()
            assert [e["extensions"]["code"] for e in refused["errors"]] == ["FORBIDDEN"], query
        teacher = graphql(production.base, '{ cohort(id: "7b") { size } }', token=token(Role.TEACHER, "t1")).json()
        assert teacher == {"data": {"cohort": {"size": 1}}}

    def test_introspection_is_refused_even_for_admins(self, production: Live) -> None:
        body = graphql(production.base, INTROSPECTION, token=token(Role.ADMIN, "a1")).json()
        assert body.get("data") is None
        assert "introspection has been disabled" in body["errors"][0]["message"]

    def test_graphiql_is_off(self, production: Live) -> None:
        headers = {"Accept": "text/html", "Authorization": f"Bearer {token(Role.ADMIN, 'a1')}"}
        assert call(production.base, method="GET", headers=headers).status in {400, 404}

    def test_healthz_needs_no_token(self, production: Live) -> None:
        assert call(production.base, "/healthz", method="GET").json()["status"] == "ok"

    def test_a_cli_token_with_the_secret_works(self, production: Live) -> None:
        minted = cli(
            "token", "--role", "designer", "--sub", "d1", PATHWISE_JWT_SECRET=SECRET, PATHWISE_ENV="production"
        )
        assert minted.returncode == 0, minted.stderr
        reply = graphql(production.base, "{ concepts { totalCount } }", token=minted.stdout.strip())
        assert reply.json() == {"data": {"concepts": {"totalCount": 0}}}


def test_production_without_a_key_does_not_start(tmp_path: Path) -> None:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PATHWISE_JWT")}
    result = subprocess.run(
        [sys.executable, "-m", "cli", "serve", "--port", "1"],
        cwd=ROOT,
        env={**environ, "PATHWISE_ENV": "production", "PATHWISE_DATA_DIR": str(tmp_path), **QUIET},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "production needs PATHWISE_JWT_SECRET" in result.stdout + result.stderr


def test_production_with_an_rs256_public_key(tmp_path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = tmp_path / "private.pem"
    private.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    public = tmp_path / "public.pem"
    public.write_bytes(
        key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    minted = cli("token", "--role", "analyst", "--sub", "an1", "--private-key", str(private))
    assert minted.returncode == 0, minted.stderr
    with serving(tmp_path / "data", PATHWISE_ENV="production", PATHWISE_JWT_PUBLIC_KEY=str(public), **QUIET) as live:
        assert graphql(live.base, "{ curricula { id } }", token=minted.stdout.strip()).status == 200
        analyst = graphql(live.base, "{ students { totalCount } }", token=minted.stdout.strip()).json()
        assert analyst["errors"][0]["extensions"] == {"code": "FORBIDDEN"}
        # An HS256 token is not accepted where only the public key is configured.
        assert graphql(live.base, "{ curricula { id } }", token=token(Role.ADMIN, "a1")).status == 401


class TestDevelopment:
    def test_tokenless_is_admin_and_tokens_from_the_cli_work(self, tmp_path: Path) -> None:
        data = tmp_path / "data"
        environ = {k: v for k, v in os.environ.items() if not k.startswith("PATHWISE_JWT")}
        with serving(data, **QUIET) as live:
            # No token: admin (sees every student; there are none yet), and the log says so loudly.
            assert graphql(live.base, "{ students { totalCount } }").json() == {"data": {"students": {"totalCount": 0}}}
            minted = subprocess.run(
                [sys.executable, "-m", "cli", "token", "--role", "designer", "--sub", "d1"],
                cwd=ROOT,
                env={**environ, "PATHWISE_DATA_DIR": str(data)},
                capture_output=True,
                text=True,
                timeout=120,
                check=True,
            )
            assert "development secret" in minted.stderr
            designer = minted.stdout.strip()
            assert graphql(live.base, "{ curricula { id } }", token=designer).status == 200
            refused = graphql(live.base, "{ students { totalCount } }", token=designer).json()
            assert refused["errors"][0]["extensions"] == {"code": "FORBIDDEN"}
            # A bad token is refused in development too: it never falls back to admin.
            assert graphql(live.base, "{ curricula { id } }", token=designer[:-4] + "AAAA").status == 401
            # Introspection (GraphiQL) works in development.
            assert graphql(live.base, INTROSPECTION).json() == {"data": {"__schema": {"queryType": {"name": "Query"}}}}
            assert call(live.base, "/metrics", method="GET").status == 200  # its own route: it warned a second time
        log = live.log_text()
        assert log.count("DEVELOPMENT MODE: requests without a token act as ADMIN") == 1


def test_a_browser_app_on_a_configured_origin_may_call_the_api(tmp_path: Path) -> None:
    # Without CORS a frontend on another origin could not call the API at all: OPTIONS was a 405.
    origin = "https://app.example.org"
    with serving(tmp_path / "data", PATHWISE_ENV="production", PATHWISE_JWT_SECRET=SECRET,
                 PATHWISE_CORS_ORIGINS=f"{origin}, https://admin.example.org", PATHWISE_CORS_HEADERS="sentry-trace",
                 **QUIET) as live:  # fmt: skip
        preflight = call(
            live.base,
            method="OPTIONS",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                # an app's own request id, and its error tracker's header (configured): "Disallowed CORS headers"
                "Access-Control-Request-Headers": "authorization, content-type, x-request-id, sentry-trace",
            },
        )
        assert preflight.status == 200
        assert preflight.headers["access-control-allow-origin"] == origin
        assert "authorization" in preflight.headers["access-control-allow-headers"].lower()
        body = json.dumps({"query": "{ curricula { id } }"}).encode()
        headers = {"Origin": origin, "Content-Type": "application/json"}
        answer = call(live.base, body=body, headers=headers | {"Authorization": f"Bearer {token(Role.ADMIN, 'a')}"})
        assert (answer.status, answer.headers["access-control-allow-origin"]) == (200, origin)
        assert answer.headers["access-control-expose-headers"].lower() == "x-request-id"  # the app may read it
        unauthenticated = call(live.base, body=body, headers=headers)
        assert unauthenticated.status == 401  # CORS opens the door to browsers, not to requests without a token
        other = call(live.base, method="OPTIONS", headers={"Origin": "https://evil.example",
                                                            "Access-Control-Request-Method": "POST"})  # fmt: skip
        assert "access-control-allow-origin" not in other.headers


def test_each_answer_has_a_request_id_that_its_log_lines_carry(tmp_path: Path) -> None:
    # A student's "it broke" could not be matched to a log line: no id was answered or logged.
    with serving(tmp_path / "data", PATHWISE_ENV="production", PATHWISE_JWT_SECRET=SECRET, **QUIET) as live:
        body = json.dumps({"query": "{ curricula { id } }"}).encode()
        auth = {"Authorization": f"Bearer {token(Role.ADMIN, 'a')}", "Content-Type": "application/json"}
        sent = call(live.base, body=body, headers=auth | {"X-Request-ID": "lb-7f3a.42"})
        assert (sent.status, sent.headers["x-request-id"]) == (200, "lb-7f3a.42")  # a proxy's id is kept
        made = call(live.base, body=body, headers=auth)
        refused = call(live.base, body=body, headers={"Content-Type": "application/json"})  # 401: before GraphQL
        forged = call(live.base, body=body, headers=auth | {"X-Request-ID": 'x" 200 fake-line'})
        ids = [made.headers["x-request-id"], refused.headers["x-request-id"], forged.headers["x-request-id"]]
        assert refused.status == 401
        assert all(len(i) == 32 for i in ids)  # made anew; for one that could forge a line too
        assert len(set(ids)) == 3
        time.sleep(0.5)
        log = live.log_text()
        for ident, status in [("lb-7f3a.42", "200 OK"), (ids[0], "200 OK"), (ids[1], "401 Unauthorized")]:
            assert f'"POST /graphql HTTP/1.1" {status} request_id={ident}' in log, log[-2000:]
        assert "fake-line" not in log
