"""Tokens: what verifies, and a typed reason for everything that does not."""

from __future__ import annotations

import time
from functools import cache

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from auth.principal import Principal, Role
from auth.tokens import (
    AlgorithmNotAccepted,
    BadSignature,
    ExpiredToken,
    InvalidClaims,
    MalformedToken,
    NotYetValidToken,
    VerificationKeys,
    bearer_token,
    mint,
    verify,
)

SECRET = "s" * 40
HS = VerificationKeys(hs256_secret=SECRET)


@cache
def rsa_pair() -> tuple[str, str]:
    """A private and a public PEM key (generated once: it takes a moment)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


def claims(**overrides: object) -> dict[str, object]:
    now = int(time.time())
    base: dict[str, object] = {"sub": "s1", "role": "student", "iat": now, "exp": now + 60}
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


class TestVerify:
    @pytest.mark.parametrize("role", list(Role))
    def test_hs256_round_trip_for_every_role(self, role: Role) -> None:
        assert verify(mint(role=role, sub="x1", secret=SECRET), HS) == Principal(role, "x1")

    def test_rs256_round_trip(self) -> None:
        private, public = rsa_pair()
        token = mint(role=Role.TEACHER, sub="t1", private_key=private)
        assert verify(token, VerificationKeys(rs256_public_key=public)) == Principal(Role.TEACHER, "t1")

    def test_both_keys_accept_both_algorithms(self) -> None:
        private, public = rsa_pair()
        keys = VerificationKeys(hs256_secret=SECRET, rs256_public_key=public)
        assert verify(mint(role=Role.ADMIN, sub="a", private_key=private), keys).role is Role.ADMIN
        assert verify(mint(role=Role.ADMIN, sub="a", secret=SECRET), keys).role is Role.ADMIN

    def test_expired(self) -> None:
        token = mint(role=Role.STUDENT, sub="s1", secret=SECRET, ttl=60, now=time.time() - 3600)
        with pytest.raises(ExpiredToken, match="expired"):
            verify(token, HS)

    def test_clock_skew_within_leeway_is_tolerated(self) -> None:
        token = mint(role=Role.STUDENT, sub="s1", secret=SECRET, ttl=60, now=time.time() - 70)
        assert verify(token, HS).sub == "s1"

    @pytest.mark.parametrize("claim", ["nbf", "iat"])
    def test_not_yet_valid_is_not_expired(self, claim: str) -> None:
        # It was TOKEN_EXPIRED: a client that refreshes on that looped, as a fresh token is refused too.
        token = jwt.encode(claims(**{claim: int(time.time()) + 3600}), SECRET, algorithm="HS256")
        with pytest.raises(NotYetValidToken, match="not valid yet") as caught:
            verify(token, HS)
        assert not isinstance(caught.value, ExpiredToken)
        assert caught.value.code == "TOKEN_NOT_YET_VALID"

    def test_an_iat_that_is_not_a_number_is_an_invalid_claim(self) -> None:
        # It was refused as "not valid yet", sending the client to look at clocks.
        token = jwt.encode(claims(iat="yesterday"), SECRET, algorithm="HS256")
        with pytest.raises(InvalidClaims, match="'iat'"):
            verify(token, HS)

    def test_wrong_secret_is_a_bad_signature(self) -> None:
        with pytest.raises(BadSignature):
            verify(mint(role=Role.ADMIN, sub="a", secret="t" * 40), HS)

    def test_tampered_payload_is_a_bad_signature(self) -> None:
        header, _, signature = mint(role=Role.STUDENT, sub="s1", secret=SECRET).split(".")
        forged = jwt.encode(claims(role="admin"), "x" * 40, algorithm="HS256").split(".")[1]
        with pytest.raises(BadSignature):
            verify(f"{header}.{forged}.{signature}", HS)

    def test_rs256_with_another_key_is_a_bad_signature(self) -> None:
        _, public = rsa_pair()
        other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        token = jwt.encode(claims(), other, algorithm="RS256")
        with pytest.raises(BadSignature):
            verify(token, VerificationKeys(rs256_public_key=public))

    @pytest.mark.parametrize("missing", ["sub", "role", "exp"])
    def test_missing_claim(self, missing: str) -> None:
        token = jwt.encode(claims(**{missing: None}), SECRET, algorithm="HS256")
        with pytest.raises(InvalidClaims, match=missing):
            verify(token, HS)

    @pytest.mark.parametrize(("sub", "role"), [("s1", "superuser"), ("", "student"), (7, "student"), ("s1", None)])
    def test_unusable_claims(self, sub: object, role: object) -> None:
        payload = claims(sub=sub)
        payload["role"] = role
        token = jwt.encode(payload, SECRET, algorithm="HS256")
        with pytest.raises(InvalidClaims):
            verify(token, HS)

    def test_alg_none_is_not_accepted(self) -> None:
        token = jwt.encode(claims(), None, algorithm="none")
        with pytest.raises(AlgorithmNotAccepted, match="none"):
            verify(token, HS)

    def test_an_algorithm_without_a_key_is_not_accepted(self) -> None:
        _, public = rsa_pair()
        with pytest.raises(AlgorithmNotAccepted, match="only RS256"):
            verify(mint(role=Role.ADMIN, sub="a", secret=SECRET), VerificationKeys(rs256_public_key=public))

    def test_the_public_key_cannot_be_used_as_an_hmac_secret(self) -> None:
        # The classic key confusion: sign HS256 with the (public) RSA key as the secret.
        _, public = rsa_pair()
        header = jwt.utils.base64url_encode(b'{"alg":"HS256","typ":"JWT"}').decode()
        import hashlib
        import hmac
        import json

        payload = jwt.utils.base64url_encode(json.dumps(claims(role="admin")).encode()).decode()
        mac = hmac.new(public.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
        token = f"{header}.{payload}.{jwt.utils.base64url_encode(mac).decode()}"
        with pytest.raises(AlgorithmNotAccepted):
            verify(token, VerificationKeys(rs256_public_key=public))

    @pytest.mark.parametrize("token", ["", "abc", "a.b.c", "e30.e30"])
    def test_malformed(self, token: str) -> None:
        with pytest.raises(MalformedToken):
            verify(token, HS)

    @pytest.mark.parametrize("crit", [["exp"], "x", []])
    def test_a_header_the_decoder_refuses_is_malformed_not_a_crash(self, crit: object) -> None:
        # PyJWT refuses a "crit" header before any signature check; it escaped as a 500 (an audit).
        import json

        header = jwt.utils.base64url_encode(json.dumps({"alg": "HS256", "crit": crit}).encode()).decode()
        payload = jwt.utils.base64url_encode(json.dumps(claims(role="admin")).encode()).decode()
        with pytest.raises(MalformedToken):
            verify(f"{header}.{payload}.AAAA", HS)

    def test_a_malformed_token_is_named_without_the_decoders_internals(self) -> None:
        with pytest.raises(MalformedToken) as caught:
            verify("abc.def.ghi", HS)
        assert caught.value.message == "not a JWT: Invalid header string"  # it went on about utf-8 codecs

    def test_errors_carry_codes(self) -> None:
        assert {
            ExpiredToken.code,
            NotYetValidToken.code,
            BadSignature.code,
            InvalidClaims.code,
            MalformedToken.code,
        } == {
            "TOKEN_EXPIRED",
            "TOKEN_NOT_YET_VALID",
            "BAD_SIGNATURE",
            "INVALID_CLAIMS",
            "MALFORMED_TOKEN",
        }


class TestLifetime:
    def test_a_token_running_longer_than_the_deployment_allows_is_refused(self) -> None:
        # exp 10**30 was accepted: a leaked token would never expire.
        day = VerificationKeys(hs256_secret=SECRET, max_lifetime=86400)
        forever = jwt.encode(claims(exp=10**12), SECRET, algorithm="HS256")
        with pytest.raises(InvalidClaims, match="more than the 1 days this service accepts"):
            verify(forever, day)
        assert verify(mint(role=Role.STUDENT, sub="s1", secret=SECRET, ttl=86400), day).sub == "s1"
        assert verify(forever, HS).sub == "s1"  # 0: any lifetime

    def test_the_cli_mints_no_token_the_service_would_refuse(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from click.testing import CliRunner

        from cli.main import main

        monkeypatch.setenv("PATHWISE_JWT_SECRET", SECRET)
        monkeypatch.setenv("PATHWISE_JWT_MAX_TTL_SECONDS", "86400")
        result = CliRunner().invoke(main, ["token", "--role", "admin", "--sub", "p", "--ttl", "172800"])
        assert result.exit_code == 1
        assert "--ttl 172800 is over PATHWISE_JWT_MAX_TTL_SECONDS (86400)" in result.output


class TestBearerToken:
    @pytest.mark.parametrize(
        ("header", "token"), [(None, None), ("", None), ("Bearer a.b.c", "a.b.c"), ("bearer   a.b.c ", "a.b.c")]
    )
    def test_parses(self, header: str | None, token: str | None) -> None:
        assert bearer_token(header) == token

    @pytest.mark.parametrize("header", ["Basic dXNlcjpwYXNz", "Bearer", "a.b.c"])
    def test_refuses_other_schemes(self, header: str) -> None:
        with pytest.raises(MalformedToken):
            bearer_token(header)


class TestKeysAndMint:
    def test_short_secret_is_refused(self) -> None:
        with pytest.raises(ValueError, match="32 bytes"):
            VerificationKeys(hs256_secret="short")
        with pytest.raises(ValueError, match="32 bytes"):
            mint(role=Role.ADMIN, sub="a", secret="short")

    def test_some_key_is_required(self) -> None:
        with pytest.raises(ValueError, match="no verification key"):
            VerificationKeys()

    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [
            ({}, "exactly one"),
            ({"secret": SECRET, "private_key": "k"}, "exactly one"),
            ({"secret": SECRET, "ttl": 0}, "ttl"),
            ({"secret": SECRET, "sub": ""}, "sub"),
        ],
    )
    def test_mint_arguments(self, kwargs: dict[str, object], match: str) -> None:
        arguments: dict[str, object] = {"role": Role.ADMIN, "sub": "a", **kwargs}
        with pytest.raises(ValueError, match=match):
            mint(**arguments)  # type: ignore[arg-type]

    def test_minted_claims(self) -> None:
        token = mint(role=Role.ANALYST, sub="an1", secret=SECRET, ttl=120, now=1_000_000)
        payload = jwt.decode(token, SECRET, algorithms=["HS256"], options={"verify_exp": False})
        assert payload == {"sub": "an1", "role": "analyst", "iat": 1_000_000, "exp": 1_000_120}


class TestMintWithAPrivateKey:
    """The signing key is checked first: the public key in its place crashed inside PyJWT."""

    def test_a_public_key_is_refused_as_such(self) -> None:
        _, public = rsa_pair()
        with pytest.raises(ValueError, match="not a PEM private key \\(a public key"):
            mint(role=Role.ADMIN, sub="a", private_key=public)

    def test_text_that_is_not_pem_is_not_called_a_public_key(self) -> None:
        with pytest.raises(ValueError, match="the private key is not a PEM private key"):
            mint(role=Role.ADMIN, sub="a", private_key="garbage")

    def test_an_ec_key_is_refused_for_rs256(self) -> None:
        from cryptography.hazmat.primitives.asymmetric import ec

        pem = (
            ec.generate_private_key(ec.SECP256R1())
            .private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
            .decode()
        )
        with pytest.raises(ValueError, match="not RSA: RS256 signs with RSA"):
            mint(role=Role.ADMIN, sub="a", private_key=pem)

    def test_an_encrypted_key_asks_for_it_without_a_passphrase(self) -> None:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"passphrase"),
        ).decode()
        with pytest.raises(ValueError, match="encrypted: give it without a passphrase"):
            mint(role=Role.ADMIN, sub="a", private_key=pem)
